"""The train / verify-train commands, checkpoints (kill -9 and Ctrl-C), workers and Dask."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from fractions import Fraction as F
from pathlib import Path

import pytest

from exactnets import cli, cli_train
from exactnets.train import TrainInterrupted, TrainProblem, read_certificate, train, verify_certificate


def _run(argv, monkeypatch, capsys):
    """``exactnets ARGV`` in-process, with train/verify-train registered as cli.py will do."""
    original = cli.build_parser

    def build_parser():
        parser = original()
        for action in parser._actions:
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict) and "show" in choices and "train" not in choices:
                cli_train.register(action)  # until cli.py calls register itself
        return parser

    monkeypatch.setattr(cli, "build_parser", build_parser)
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _write(path: Path, text: str) -> str:
    path.write_text(textwrap.dedent(text).lstrip())
    return str(path)


def test_train_json_certificate_and_verify(tmp_path, monkeypatch, capsys):
    data = _write(tmp_path / "d.csv", """
        x1,x2,y
        0,0,1
        1,0,0
        0,1,0
        1,1,1
        1/2,1/2,0
    """)
    net, cert = tmp_path / "net.json", tmp_path / "cert.json"
    code, out, err = _run(["train", data, "--width", "2", "--loss", "l1", "--json", "--out", str(net),
                           "--certificate", str(cert)], monkeypatch, capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) >= {"objective", "network", "method", "subproblems", "certified", "seconds"}
    assert doc["method"] == "enumerate" and doc["certified"] == "exact"
    assert set(doc["subproblems"]) == {"solved", "naive"}
    assert doc["network"]["format"] == "exactnets.network/1"
    assert [layer["activation"] for layer in doc["network"]["layers"]] == ["relu", "linear"]
    assert len(doc["network"]["layers"][0]["weights"]) <= 2
    from exactnets.io import read_network
    from exactnets.train.problem import exact_objective

    problem = TrainProblem([[0, 0], [1, 0], [0, 1], [1, 1], [F(1, 2), F(1, 2)]], [1, 0, 0, 1, 0], 2, "l1")
    assert exact_objective(problem, read_network(net)) == F(doc["objective"])
    code, out, err = _run(["verify-train", str(cert), "--json"], monkeypatch, capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["valid"] and report["certified"] == "exact" and report["objective"] == doc["objective"]
    # a corrupted certificate: exit 1
    bad = read_certificate(cert)
    bad["objective"] = "-1"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    code, out, err = _run(["verify-train", str(tmp_path / "bad.json")], monkeypatch, capsys)
    assert code == 1 and "INVALID" in out


@pytest.mark.parametrize("text,where", [
    ("x,y\n0,1\n1\n", "line 3"),                # ragged row
    ("x,y\n0,1\n1,abc\n", "line 3, column 'y'"),  # not a number
    ("x,y\n0,1\n1,0\n", "line 3, column 'y'"),    # hinge label 0
    ("x,y\n", "D = 0"),                          # no data
])
def test_bad_data_exit_2_naming_the_line(tmp_path, monkeypatch, capsys, text, where):
    data = tmp_path / "bad.csv"
    data.write_text(text)
    code, out, err = _run(["train", str(data), "--width", "1", "--loss", "hinge"], monkeypatch, capsys)
    assert code == 2
    assert where in err and str(data) in err
    assert err.count("\n") == 1 and not out


def test_methods_from_the_command_line(tmp_path, monkeypatch, capsys):
    data = _write(tmp_path / "d.csv", """
        x,y
        0,0
        1,1/2
        2,3/2
        3,3
        4,5
    """)
    objectives = {}
    for method in ("enumerate", "milp", "onedim"):
        code, out, err = _run(["train", data, "--width", "2", "--loss", "l1", "--method", method, "--json"],
                              monkeypatch, capsys)
        assert code == 0, err
        objectives[method] = json.loads(out)["objective"]
    assert set(objectives.values()) == {"0"}


def _problem():
    from tests.test_train import _planted

    points, labels = _planted(21, 9, 2, noise=3)
    return TrainProblem(points, labels, width=2, loss="l1")


def test_ctrl_c_stops_cleanly_and_resumes(tmp_path):
    problem = _problem()
    reference = train(problem)
    checkpoint = str(tmp_path / "run.ckpt")
    calls = []

    def stop_early(done, total, incumbent):
        calls.append(done)
        if len(calls) == 12:
            raise KeyboardInterrupt

    with pytest.raises(TrainInterrupted, match="resume"):
        train(problem, checkpoint=checkpoint, progress=stop_early)
    state = pickle.loads(Path(checkpoint).read_bytes())["state"]
    assert state["finished"]  # the finished suffix searches were kept
    resumed = train(problem, checkpoint=checkpoint)
    assert resumed.objective == reference.objective
    assert resumed.certified == "exact"
    assert verify_certificate(resumed.certificate)["valid"]


def test_kill_9_and_resume(tmp_path):
    problem = _problem()
    checkpoint = tmp_path / "run.ckpt"
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from exactnets.train import train
        from tests.test_train_cli import _problem
        result = train(_problem(), checkpoint={str(checkpoint)!r})
        print(result.objective)
    """))
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # wait until some work is saved (polling; no timing decides the outcome)
        while process.poll() is None:
            if checkpoint.exists():
                try:
                    state = pickle.loads(checkpoint.read_bytes())["state"]
                except Exception:  # noqa: BLE001 - never torn (atomic), but be safe
                    state = {}
                if len(state.get("finished", {})) >= 3:
                    break
            time.sleep(0.01)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    assert alive, "the run finished before it could be killed; use a larger instance"
    saved = pickle.loads(checkpoint.read_bytes())["state"]
    assert 3 <= len(saved["finished"]) < problem.size
    resumed = train(problem, checkpoint=str(checkpoint))
    assert resumed.objective == train(problem).objective
    assert verify_certificate(resumed.certificate)["valid"]


def test_checkpoint_of_another_run_is_refused(tmp_path):
    checkpoint = str(tmp_path / "run.ckpt")
    train(TrainProblem([[0], [1], [2]], [1, 0, 1], 1, "l1"), checkpoint=checkpoint)
    from exactnets.errors import InputError

    with pytest.raises(InputError, match="other data"):
        train(TrainProblem([[0], [1], [2]], [1, 0, 2], 1, "l1"), checkpoint=checkpoint)


def test_workers_and_dask_give_the_same_answer():
    problem = _problem()
    single = train(problem, tasks=6)
    pooled = train(problem, workers=2, tasks=6)
    assert pooled.objective == single.objective
    assert verify_certificate(pooled.certificate)["valid"]
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        distributed = train(problem, scheduler=cluster.scheduler_address, tasks=6)
    assert distributed.objective == single.objective
    assert verify_certificate(distributed.certificate)["valid"]
