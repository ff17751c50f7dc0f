"""``exactnets construct``: what it builds, writes and checks (through cli_construct.register)."""

from __future__ import annotations

import pytest

from exactnets.cli import _Parser
from exactnets.cli_construct import register
from exactnets.constructions.pan_srikumar import lemma3_threshold_net, or_threshold_net
from exactnets.errors import InputError
from exactnets.io import read_network, write_network
from exactnets.network import Layer, Network
from exactnets.verify.dnf import check


def run(capsys, *argv):
    parser = _Parser(prog="exactnets")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    register(commands)
    args = parser.parse_args(["construct", *argv])
    code = args.run(args)
    return code, capsys.readouterr().out


@pytest.fixture
def relu_file(tmp_path):
    net = Network(2, [Layer("relu", [[1, 2], [-1, 1], [3, -1]], [0, 1, -2]), Layer("linear", [[1, -2, 1]], [-1])])
    path = tmp_path / "net.json"
    write_network(net, path)
    return path, net


@pytest.mark.parametrize("form", ["dnf", "cnf"])
def test_relu_to_threshold(capsys, tmp_path, relu_file, form):
    path, net = relu_file
    out = tmp_path / "thr.json"
    code, text = run(capsys, "relu-to-threshold", str(path), "--form", form, "--out", str(out))
    assert code == 0 and "equivalent" in text and "2 -> 8 ->" in text
    assert check(net, read_network(out), "reals", "decision").verdict == "equivalent"


def test_threshold_circuit_ltf_neural_gate(capsys, tmp_path):
    thr = Network(3, [Layer("ltf", [[1, "1/2", -1], [2, 0, 1]], [0, "-1/3"]), Layer("ltf", [[1, 1]], [1])])
    path = tmp_path / "thr.json"
    write_network(thr, path)
    for name in ("threshold-to-relu", "circuit-to-relu"):
        code, text = run(capsys, name, str(path), "--out", str(tmp_path / f"{name}.json"))
        assert code == 0 and "equivalent" in text
    code, text = run(capsys, "ltf-to-relu", "--weights", "1,2,-1", "--bias", "1/2")
    assert code == 0 and "equivalent" in text
    code, text = run(capsys, "neural-gate", "--gate", "nand")
    assert code == 0 and "proved" in text
    with pytest.raises(InputError):
        run(capsys, "neural-gate", "--gate", "maybe")


def test_factorise_and_compress(capsys, tmp_path):
    path = tmp_path / "l3.json"
    write_network(lemma3_threshold_net([[1, 2], [0, 1]], [1, -1], -2), path)
    code, text = run(capsys, "factorise", str(path), "--out", str(tmp_path / "relu.json"))
    assert code == 0 and "found" in text and read_network(tmp_path / "relu.json").size == 2
    write_network(or_threshold_net([([1, 0], 1), ([0, 1], -1), ([2, 1], 5)]), path)
    code, text = run(capsys, "compress-3to2", str(path))
    assert code == 0 and "equivalent" in text
    write_network(or_threshold_net([([1, 0], 1), ([0, 1], -1), ([-2, 1], 5)]), path)
    with pytest.raises(InputError, match="p > 0"):
        run(capsys, "compress-3to2", str(path))
    write_network(or_threshold_net([([1, 0, 0], 1), ([0, 1, 0], -1), ([0, 0, 1], 5), ([1, 1, 1], 0)]), path)
    code, text = run(capsys, "factorise", str(path))
    assert code == 1 and "no factorisation" in text


def test_max_net(capsys, tmp_path):
    code, text = run(capsys, "max-net", "--n", "5", "--out", str(tmp_path / "max.json"))
    assert code == 0 and "proved" in text and read_network(tmp_path / "max.json").hidden_layers == 3
    code, text = run(capsys, "max-net", "--n", "5", "--include-zero")
    assert code == 0 and "max{0, x_1..x_5}" in text
