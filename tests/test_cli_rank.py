"""``exactnets rank`` and ``exactnets signrank``: outputs, certificates, exit codes, one-line errors.

The commands are registered by :func:`exactnets.cli_rank.register`; until ``cli.build_parser``
calls it, these tests add them to the parser themselves.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from exactnets import cli
from exactnets.cli_rank import register
from exactnets.io import write_network
from exactnets.io.matrix_json import read_json_document, write_json_document, write_matrix
from exactnets.network import Layer, Network


@pytest.fixture(autouse=True)
def with_rank_commands(monkeypatch):
    original = cli.build_parser

    def build_parser():
        parser = original()
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "rank" not in commands.choices:
            register(commands)
        return parser

    monkeypatch.setattr(cli, "build_parser", build_parser)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def net_file(tmp_path: Path) -> Path:
    net = Network(4, [Layer("relu", [[1, 1, 0, 0], [0, 0, 1, -1], [1, 0, 1, 0]], [0, 1, -1]),
                      Layer("ltf", [[1, -2, "1/2"]], ["-1/3"])], name="small")
    path = tmp_path / "net.json"
    write_network(net, path)
    return path


def test_rank_of_a_named_function(capsys):
    code, out, err = run(capsys, "rank", "--function", "ip", "--m", "5", "--json", "--seed", "1")
    assert code == 0, err
    result = json.loads(out)
    assert result["rank"] == 32 and result["field"] == "Q" and result["shape"] == [32, 32] and result["checked"] is True
    code, out, _ = run(capsys, "rank", "--function", "disj", "--m", "3")
    assert code == 0 and out.startswith("rank 8 over Q")


def test_rank_certificate_round_trip_and_tampering(capsys, tmp_path):
    cert = tmp_path / "cert.json"
    code, out, err = run(capsys, "rank", "--function", "an", "--m", "2", "--b", "2", "--certificate", str(cert), "--json")
    assert code == 0, err
    r = json.loads(out)["rank"]
    code, out, err = run(capsys, "rank", "--verify", str(cert), "--json")
    assert code == 0 and json.loads(out)["status"] == "proved"
    doc = read_json_document(cert)
    doc["rank"] = r + 1
    write_json_document(doc, cert)
    code, out, err = run(capsys, "rank", "--verify", str(cert))
    assert code == 1 and "rejected" in out


def test_rank_of_a_matrix_file_and_mod_p(capsys, tmp_path):
    path = tmp_path / "m.json"
    write_matrix([[1, "1/2", 3], [2, 1, 6], [0, 0, "1/7"]], path)
    code, out, err = run(capsys, "rank", "--matrix", str(path), "--json")
    assert code == 0 and json.loads(out)["rank"] == 2, err
    code, out, err = run(capsys, "rank", "--matrix", str(path), "--mod", "7", "--json")
    result = json.loads(out)
    assert code == 0 and result["rank"] == 1 and result["field"] == "GF(7)" and "at least" in result["note"]


def test_rank_of_a_network(capsys, net_file, tmp_path):
    cert = tmp_path / "net-cert.json"
    for entries in ("value", "pre", "sign"):
        code, out, err = run(capsys, "rank", "--net", str(net_file), "--split", "2", "--entries", entries, "--json",
                             "--certificate", str(cert))
        assert code == 0, err
        assert 1 <= json.loads(out)["rank"] <= 4
        code, out, err = run(capsys, "rank", "--verify", str(cert))
        assert code == 0, out + err


def test_signrank_outputs(capsys, net_file, tmp_path):
    code, out, err = run(capsys, "signrank", "--function", "ip", "--m", "4", "--json", "--no-tiny")
    result = json.loads(out)
    assert code == 0 and result["lower"] == 4 and result["upper"] == 16 and result["lower_method"] == "forster"
    code, out, err = run(capsys, "signrank", "--function", "disj", "--m", "2", "--json", "--timeout", "20")
    result = json.loads(out)
    assert code == 0 and result["lower"] == result["upper"] == 3 and result["exact"]
    cert = tmp_path / "sr.json"
    code, out, err = run(capsys, "signrank", "--net", str(net_file), "--split", "2", "--certificate", str(cert))
    assert code == 0 and "sign-rank" in out, err
    code, out, err = run(capsys, "signrank", "--verify", str(cert), "--json")
    assert code == 0 and json.loads(out)["status"] == "proved"
    path = tmp_path / "real.json"
    write_matrix([[0, -1, 2], [1, 0, -3]], path)
    code, out, err = run(capsys, "signrank", "--matrix", str(path), "--json")
    assert code == 0 and json.loads(out)["upper"] <= 2, err


@pytest.mark.parametrize("argv,message", [
    (["rank"], "exactly one of"),
    (["rank", "--function", "ip"], "needs --m"),
    (["rank", "--function", "an", "--m", "2"], "needs --b"),
    (["rank", "--function", "ip", "--m", "2", "--matrix", "x.json"], "exactly one of"),
    (["rank", "--net", "n.json"], "needs --split"),
    (["rank", "--function", "ip", "--m", "2", "--split", "1"], "go with --net"),
    (["rank", "--function", "ip", "--m", "2", "--mod", "9"], "prime"),
    (["rank", "--function", "ip", "--m", "40"], "at most"),
    (["rank", "--matrix", "missing.json"], "cannot read"),
    (["signrank", "--function", "ip", "--m", "2", "--timeout", "0"], "positive"),
])
def test_user_errors_are_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_bad_split_for_a_network(capsys, net_file):
    code, out, err = run(capsys, "rank", "--net", str(net_file), "--split", "9")
    assert code == 2 and "split" in err
