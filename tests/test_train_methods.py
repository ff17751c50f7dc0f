"""Independent methods (issue 7, item 4): the MILP with squared loss, exact certificates for the
MILP (through the seeded enumeration) and the 1-D method, workers by default."""

from __future__ import annotations

import json
import os
import random
from fractions import Fraction as F

import pytest

from exactnets.train import TrainProblem, train, verify_certificate
from exactnets.train.problem import exact_objective


def _random(seed: int, count: int, dim: int):
    rng = random.Random(seed)
    points = [[F(rng.randint(-10, 10), 5) for _ in range(dim)] for _ in range(count)]
    labels = [F(rng.randint(-10, 10), 7) for _ in range(count)]
    return points, labels


@pytest.mark.parametrize("seed,dim,count,bias", [(0, 1, 6, False), (1, 1, 6, True), (2, 2, 6, False),
                                                 (3, 2, 5, True)])
def test_milp_squared_loss_agrees_with_the_enumeration(seed, dim, count, bias):
    points, labels = _random(seed, count, dim)
    problem = TrainProblem(points, labels, width=2, loss="squared", output_bias=bias)
    enum = train(problem)
    milp = train(problem, method="milp", box=100)
    assert enum.certified == "exact"
    assert milp.objective == enum.objective  # exact rationals: the QP re-solve of the MILP's pattern
    assert milp.objective == exact_objective(problem, milp.network)
    assert milp.certified == "tolerance"  # the MILP's own optimality proof is float branch-and-bound
    assert milp.float_optimum <= float(milp.objective) + 1e-6  # the cuts relax r^2: a lower bound


@pytest.mark.parametrize("loss", ["l1", "squared"])
def test_milp_with_certificate_is_exact(loss):
    points, labels = _random(7, 5, 2)
    problem = TrainProblem(points, labels, width=2, loss=loss)
    result = train(problem, method="milp", box=100, certify=True)
    assert result.method == "milp" and result.certified == "exact"
    report = verify_certificate(result.certificate)
    assert report["valid"] and report["certified"] == "exact"
    assert result.objective == train(problem).objective


def test_seeding_the_enumeration_never_changes_the_optimum():
    points, labels = _random(8, 6, 2)
    problem = TrainProblem(points, labels, width=2, loss="l1")
    plain = train(problem)
    # a poor seed and the optimum itself as a seed
    poor = train(TrainProblem(points, labels, width=1, loss="l1")).network
    for seed in (poor, plain.network):
        seeded = train(problem, seed=seed)
        assert seeded.objective == plain.objective and seeded.certified == "exact"
        assert verify_certificate(seeded.certificate)["valid"]
    # the optimum as a seed prunes at least as much
    assert train(problem, seed=plain.network).solved <= plain.solved


@pytest.mark.parametrize("loss", ["l1", "linf", "hinge"])
@pytest.mark.parametrize("bias", [False, True])
def test_onedim_is_certified_exactly(loss, bias):
    points, labels = _random(11, 8, 1)
    if loss == "hinge":
        labels = [1 if y > 0 else -1 for y in labels]
    problem = TrainProblem(points, labels, width=2, loss=loss, output_bias=bias)
    onedim = train(problem, method="onedim")
    assert onedim.certified == "exact"
    assert onedim.objective == train(problem).objective
    assert onedim.objective == exact_objective(problem, onedim.network)


def test_onedim_exactness_comes_from_checked_dual_bounds():
    # every candidate LP of the 1-D method has an exact lower bound >= the optimum: re-derive them
    from exactnets.train.exact import lp_dual_bound, solve_lp
    from exactnets.train.onedim import onedim_lp, unit_kinds

    problem = TrainProblem([[0], [1], [2], [3]], [0, 1, 0, 2], width=1, loss="l1")
    best = train(problem, method="onedim").objective
    values = sorted({p[0] for p in problem.points})
    bounds = []
    for q in (0, 1):
        for kind in unit_kinds(values):
            solution = solve_lp(onedim_lp(problem, q, (kind,), values))
            assert solution.exact
            assert lp_dual_bound(onedim_lp(problem, q, (kind,), values), solution.y) == solution.exact_value
            bounds.append(solution.exact_value)
    assert min(bounds) == best


def test_cli_uses_all_cpus_by_default(tmp_path, monkeypatch, capsys):
    from tests.test_train_cli import _run, _write

    import exactnets.train as package

    seen = {}
    real = package.train

    def spy(problem, **kwargs):
        seen.update(kwargs)
        return real(problem, **{**kwargs, "workers": 1})

    monkeypatch.setattr(package, "train", spy)
    data = _write(tmp_path / "d.csv", """
        x,y
        0,0
        1,1
        2,0
    """)
    code, out, err = _run(["train", data, "--width", "1", "--loss", "l1", "--json"], monkeypatch, capsys)
    assert code == 0, err
    assert seen["workers"] == (os.cpu_count() or 1)
    code, out, err = _run(["train", data, "--width", "1", "--loss", "l1", "--json", "--workers", "1"], monkeypatch,
                          capsys)
    assert code == 0 and seen["workers"] == 1
    code, out, err = _run(["train", data, "--width", "1", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
                          monkeypatch, capsys)
    assert code == 2 and "not both" in err


def test_cli_milp_certificate_and_weight_decay(tmp_path, monkeypatch, capsys):
    from tests.test_train_cli import _run, _write

    data = _write(tmp_path / "d.csv", """
        x,y
        0,0
        1,1
        2,0
        3,1
    """)
    cert = tmp_path / "c.json"
    code, out, err = _run(["train", data, "--width", "2", "--loss", "squared", "--method", "milp", "--json",
                           "--certificate", str(cert), "--workers", "1"], monkeypatch, capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["method"] == "milp" and doc["certified"] == "exact"
    code, out, err = _run(["verify-train", str(cert), "--json"], monkeypatch, capsys)
    assert code == 0 and json.loads(out)["valid"]
    code, out, err = _run(["train", data, "--width", "2", "--loss", "squared", "--weight-decay", "1/10", "--json",
                           "--workers", "1"], monkeypatch, capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["certified"] == "tolerance" and doc["method"] == "enumerate"
    assert abs(float(F(doc["objective"])) - doc["float_optimum"]) <= 1e-5  # irrational optimum: see test_train_decay
