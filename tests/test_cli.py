"""The command line: outputs, exit codes, and one clear line (never a traceback) for user errors."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from exactnets.cli import main
from exactnets.domains import cube_point
from exactnets.evaluate import evaluate
from exactnets.io import read_dataset, read_network, write_network
from exactnets.network import Layer, Network


@pytest.fixture
def net_file(tmp_path: Path) -> Path:
    net = Network(3, [Layer("relu", [[1, "-1/2", 0], [0, 2, "3/4"]], [0, "1/3"]),
                      Layer("linear", [[1, -1]], ["1/2"])], name="example")
    path = tmp_path / "net.json"
    write_network(net, path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("exactnets ")


def test_show(capsys, net_file):
    code, out, _ = run(capsys, "show", str(net_file))
    assert code == 0
    assert "example" in out and "inputs    3" in out and "size      2 hidden units" in out
    assert "relu" in out and "common denominator 12" in out


def test_eval_at_prints_exact_outputs(capsys, net_file):
    code, out, _ = run(capsys, "eval", str(net_file), "--at", "1/2,-3,0.25")
    net = read_network(net_file)
    assert code == 0
    assert out.strip() == str(evaluate(net, [Fraction(1, 2), -3, Fraction(1, 4)])[0]).replace(" ", "")
    code, out, _ = run(capsys, "eval", str(net_file), "--at", "1/2,-3,0.25", "--json")
    assert json.loads(out) == {"outputs": ["5/2"]}


def test_eval_cube_writes_one_exact_line_per_point(capsys, net_file, tmp_path):
    target = tmp_path / "cube.csv"
    code, _, err = run(capsys, "eval", str(net_file), "--cube", "pm1", "--out", str(target))
    assert code == 0 and "wrote 8 points" in err
    lines = target.read_text().splitlines()
    assert lines[0] == "x1,x2,x3,y" and len(lines) == 9
    net = read_network(net_file)
    data = read_dataset(target)
    for i in range(8):
        assert data.points[i] == cube_point(3, i)
        assert data.labels[i] == evaluate(net, cube_point(3, i))[0]
    assert not (tmp_path / "cube.csv.part").exists()


def test_eval_cube01_to_stdout(capsys, net_file):
    code, out, _ = run(capsys, "eval", str(net_file), "--cube", "01")
    lines = out.splitlines()
    assert code == 0 and lines[1].startswith("0,0,0,") and lines[-1].startswith("1,1,1,")


@pytest.mark.parametrize("argv, message", [
    (["eval", "{net}", "--at", "1,2"], "2 coordinates but"),
    (["eval", "{net}", "--at", "1,abc,2"], "cannot read 'abc'"),
    (["eval", "{net}", "--at", "1,,2"], "empty coordinate"),
    (["eval", "{net}", "--at", "1,nan,2"], "not a finite number"),
    (["eval", "{net}"], "exactly one of --at"),
    (["eval", "{net}", "--at", "1,2,3", "--cube", "pm1"], "exactly one of --at"),
    (["eval", "{net}", "--cube", "pm1", "--json"], "--json goes with --at"),
    (["eval", "{missing}", "--at", "1"], "missing.json"),
    (["show", "{bad}"], "bad.json"),
    (["eval", "{net}", "--cube", "pm1", "--out", "{nodir}"], "does not exist"),
    (["prove", "--only", "NO-SUCH-CLAIM"], "no claim id starts with"),
])
def test_user_errors_exit_2_with_one_line(capsys, net_file, tmp_path, argv, message):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "exactnets.network/1", "input_dim": 1, "layers": [{"activation": "relu"')
    names = {"net": str(net_file), "missing": str(tmp_path / "missing.json"), "bad": str(bad),
             "nodir": str(tmp_path / "no" / "such" / "out.csv")}
    code, out, err = run(capsys, *[a.format(**names) for a in argv])
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["eval"])
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err
    assert main([]) == 2


def test_interrupted_cube_leaves_no_file(capsys, net_file, tmp_path, monkeypatch):
    import exactnets.evaluate as evaluate_module

    def interrupted(*args, **kwargs):
        yield from []
        raise KeyboardInterrupt

    monkeypatch.setattr(evaluate_module, "iter_cube_chunks", interrupted)
    target = tmp_path / "cube.csv"
    code, _, err = run(capsys, "eval", str(net_file), "--cube", "pm1", "--out", str(target))
    assert code == 130 and "interrupted" in err
    assert not target.exists() and not (tmp_path / "cube.csv.part").exists()


def test_prove_quick_and_report(capsys, tmp_path):
    report = tmp_path / "report.json"
    code, out, _ = run(capsys, "prove", "--quick", "--report", str(report))
    assert code == 0 and "all as expected" in out
    saved = json.loads(report.read_text())
    assert saved["mode"] == "quick" and saved["ok"] is True and "refuted" not in saved["counts"]
    for entry in saved["claims"]:
        assert entry["verdict"] in ("proved", "expected-refutation", "cite-only")
        assert entry["evidence"].get("method") or entry["evidence"].get("reason")
    code, out, _ = run(capsys, "prove", "--list")
    assert code == 0 and "MB-Claim5" in out


def test_prove_json_and_filters(capsys):
    code, out, err = run(capsys, "prove", "--quick", "--paper", "MS", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["ok"] is True
    assert {c["id"] for c in doc["claims"]} >= {"MS-Setting", "MS-Lemma5"}
    assert all(c["id"].startswith(("MS-", "EXP-MS-")) for c in doc["claims"])
    assert set(doc["claims"][0]) == {"id", "verdict", "instances", "seconds", "evidence"}
    assert "MS-Setting" in err  # progress lines go to stderr with --json
    code, out, _ = run(capsys, "prove", "--quick", "--claim", "MB-AppC")
    assert code == 0 and "MB-AppC" in out and "MS-" not in out
    assert main(["prove", "--paper", "XY"]) == 2


def test_prove_exit_codes_follow_the_verdicts(capsys, monkeypatch):
    import proofs.registry as registry
    from exactnets.verify import proved, refuted, unknown

    def only(*claims):
        monkeypatch.setattr(registry, "all_claims", lambda: list(claims))

    only(registry.Claim("X-1", "MB", "always fails", lambda full: refuted([1, 0], "by design")))
    code, out, _ = run(capsys, "prove")
    assert code == 1 and "refuted" in out and "(1, 0)" in out and "not the expected" in out
    only(registry.Claim("X-2", "MB", "cannot tell", lambda full: unknown("timeout after 1 s")))
    code, out, _ = run(capsys, "prove")
    assert code == 3 and "timeout" in out
    only(registry.Claim("X-3", "MB", "crashes", lambda full: 1 / 0))
    code, out, _ = run(capsys, "prove")
    assert code == 3 and "ZeroDivisionError" in out
    only(registry.Claim("X-4", "PS", "a misprint", lambda full: refuted([2], "as printed"), expect="refuted"))
    code, out, _ = run(capsys, "prove")
    assert code == 0 and "expected-refutation" in out
    only(registry.Claim("X-5", "PS", "a misprint that survived", lambda full: proved("oops"), expect="refuted"))
    code, out, _ = run(capsys, "prove")
    assert code == 1
    only(registry.Claim("X-6", "ABMM", "asymptotic", None, expect="cite-only", why="asymptotic"))
    code, out, _ = run(capsys, "prove")
    assert code == 0 and "cite-only" in out


def test_module_entry_point_reports_errors_without_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "exactnets", "eval", str(tmp_path / "nope.json"), "--at", "1"],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "nope.json" in result.stderr and "Traceback" not in result.stderr
