"""Exact training (issue 7): patterns, exact LPs, the enumeration, certificates, independent methods."""

from __future__ import annotations

import copy
import itertools
import random
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from exactnets.errors import InputError
from exactnets.train import TrainProblem, train, verify_certificate
from exactnets.train.exact import LP, lp_dual_bound, solve_lp
from exactnets.train.patterns import (PatternOracle, check_gordan, check_witness, count_general_position,
                                      count_patterns, enumerate_patterns, _all_patterns)
from exactnets.train.problem import exact_objective


def _random_points(rng: random.Random, count: int, dim: int, spread: int = 1000) -> list[list[F]]:
    return [[F(rng.randint(-spread, spread), 7) for _ in range(dim)] for _ in range(count)]


def _planted(seed: int, count: int, dim: int, width: int = 2, noise: int = 0):
    """Labels from a fixed rational 2-unit network (+ optional noise): optimum 0 when noise = 0."""
    rng = random.Random(seed)
    points = [[F(rng.randint(-10, 10), 5) for _ in range(dim)] for _ in range(count)]
    units = [[F(rng.randint(-4, 4), 2) for _ in range(dim + 1)] for _ in range(width)]
    signs = [1 if i % 2 == 0 else -1 for i in range(width)]
    labels = []
    for p in points:
        value = sum(s * max(F(0), sum(a * x for a, x in zip(u, p)) + u[-1]) for s, u in zip(signs, units))
        labels.append(value + (F(rng.randint(-noise, noise), 10) if noise else 0))
    return points, labels


# -- patterns ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("count,dim,seed", [(6, 1, 0), (9, 2, 1), (12, 2, 2), (8, 3, 3)])
def test_pattern_count_general_position(count, dim, seed):
    points = _random_points(random.Random(seed), count, dim)
    patterns = enumerate_patterns(points)
    assert len(patterns) == count_general_position(count, dim)
    assert len(set(patterns)) == len(patterns)
    assert "0" * count in patterns and "1" * count in patterns
    # both orientations: the complement of a pattern is a pattern
    assert {"".join("1" if b == "0" else "0" for b in p) for p in patterns} == set(patterns)


def test_pattern_evidence_is_exact():
    points = _random_points(random.Random(5), 7, 2)
    oracle = PatternOracle(points)
    patterns = _all_patterns(oracle)
    assert patterns == enumerate_patterns(points)
    for bits in patterns:
        assert oracle.realisable(bits)
        assert check_witness(oracle.lifted, bits, oracle.witnesses[bits])
    assert oracle.gordan
    for bits, y in oracle.gordan.items():
        assert check_gordan(oracle.lifted, bits, y)
        assert not oracle.realisable(bits)
    assert not oracle.uncertified


@given(st.lists(st.integers(-3, 3), min_size=1, max_size=7))
@settings(max_examples=25)
def test_pattern_count_in_one_dimension_with_repeats(values):
    # on a line the dichotomies are the threshold sets: 2 * (number of distinct values)
    points = [[F(v)] for v in values]
    assert count_patterns(points) == 2 * len(set(values))


def test_pattern_degenerate_collinear_and_repeated():
    collinear = [[F(i), F(2 * i + 1)] for i in range(5)]
    assert count_patterns(collinear) == 10  # like 5 points on a line
    repeated = [[F(0), F(0)], [F(1), F(0)], [F(0), F(0)], [F(0), F(1)]]
    patterns = enumerate_patterns(repeated)
    assert all(p[0] == p[2] for p in patterns)  # the two copies are never split
    assert len(patterns) == count_general_position(3, 2)


# -- exact LP -----------------------------------------------------------------------------------------

def test_exact_lp_and_dual_check():
    # min x + y s.t. x + 2y >= 1, 3x + y >= 1, x, y >= 0: optimum 2/5 at (1/5, 2/5)
    lp = LP([F(1), F(1)], [[(0, F(1)), (1, F(2))], [(0, F(3)), (1, F(1))]], [F(1), F(1)], frozenset({0, 1}))
    solution = solve_lp(lp)
    assert solution.exact and solution.exact_value == F(3, 5)
    assert solution.x == [F(1, 5), F(2, 5)]
    assert lp_dual_bound(lp, solution.y) == F(3, 5)
    assert lp_dual_bound(lp, {0: F(1), 1: F(1)}) is None  # not dual feasible: 1 + 3 > 1
    assert lp_dual_bound(lp, {0: F(-1)}) is None


# -- the enumeration -------------------------------------------------------------------------------------

def _check_result(problem, result):
    assert result.objective == exact_objective(problem, result.network)  # exact replay
    assert result.network.layers[0].out_dim <= problem.width
    report = verify_certificate(result.certificate)
    assert report["valid"], report["problems"]
    assert report["certified"] == result.certified
    return report


def test_known_optimum_by_hand():
    # (0,1), (1,0), (2,1): one ReLU is monotone, so mean |error| >= 1/3 (attained); two fit exactly
    data = [[0], [1], [2]], [1, 0, 1]
    one = TrainProblem(*data, width=1, loss="l1")
    result = train(one)
    assert result.objective == F(1, 3) and result.certified == "exact"
    _check_result(one, result)
    linf = TrainProblem(*data, width=1, loss="linf")
    assert train(linf).objective == F(1, 2)  # f = 1/2 (a constant unit) is optimal
    two = TrainProblem(*data, width=2, loss="l1")
    assert train(two).objective == 0


@pytest.mark.parametrize("loss", ["l1", "linf", "squared"])
def test_planted_data_has_optimum_zero(loss):
    points, labels = _planted(3, 7, 2)
    problem = TrainProblem(points, labels, width=2, loss=loss)
    result = train(problem)
    assert result.objective == 0
    assert result.certified == "exact"
    _check_result(problem, result)


def test_planted_hinge_zero():
    points, labels = _planted(4, 8, 2)
    labels = [1 if y >= 0 else -1 for y in labels]
    problem = TrainProblem(points, labels, width=2, loss="hinge")
    result = train(problem)
    assert result.objective == 0
    _check_result(problem, result)


@pytest.mark.parametrize("loss,dim,count", [("l1", 2, 5), ("linf", 1, 6), ("squared", 1, 5), ("hinge", 2, 5)])
def test_enumeration_matches_naive_brute_force(loss, dim, count):
    rng = random.Random(11)
    points = _random_points(rng, count, dim, 20)
    labels = [F(rng.randint(-9, 9), 3) for _ in range(count)]
    if loss == "hinge":
        labels = [1 if i % 2 else -1 for i in range(count)]
    problem = TrainProblem(points, labels, width=2, loss=loss)
    fast = train(problem)
    naive = train(problem, method="naive")
    assert fast.objective == naive.objective
    assert naive.solved == naive.naive  # the naive count is what the naive method solves
    report = _check_result(problem, fast)
    if loss != "squared":
        assert report["certified"] == "exact"


@pytest.mark.parametrize("loss", ["l1", "linf", "hinge"])
@pytest.mark.parametrize("bias", [False, True])
def test_methods_agree_in_one_dimension(loss, bias):
    points, labels = _planted(6, 7, 1, noise=4)
    if loss == "hinge":
        labels = [1 if y >= F(1, 2) else -1 for y in labels]
    problem = TrainProblem(points, labels, width=2, loss=loss, output_bias=bias)
    enum = train(problem)
    milp = train(problem, method="milp", box=1000)
    onedim = train(problem, method="onedim")
    assert enum.objective == milp.objective == onedim.objective
    assert enum.certified == "exact"
    _check_result(problem, enum)


def test_methods_agree_in_two_dimensions_with_noise():
    points, labels = _planted(8, 7, 2, noise=3)
    problem = TrainProblem(points, labels, width=2, loss="l1")
    enum = train(problem)
    assert enum.objective > 0
    assert train(problem, method="milp", box=1000).objective == enum.objective
    _check_result(problem, enum)


def test_degenerate_data_repeated_points_and_collinear():
    # a repeated point with two labels (no network fits both) and collinear points in the plane
    points = [[0, 0], [0, 0], [1, 1], [2, 2], [3, 3], [1, 0]]
    labels = [1, -1, 2, 0, 1, F(1, 2)]
    problem = TrainProblem(points, labels, width=2, loss="l1")
    enum = train(problem)
    assert enum.objective >= F(2, 6)  # the repeated point alone costs |1 - (-1)| / D at least
    assert train(problem, method="milp", box=1000).objective == enum.objective
    assert enum.certified == "exact"
    _check_result(problem, enum)


def test_one_dimensional_counterexample_to_pieces_reduction():
    # CLAIMS.md ABMM-Alg1D: 2 units fit these 5 points exactly although no 2-piece PWL does
    problem = TrainProblem([[0], [1], [2], [3], [4]], [0, F(1, 2), F(3, 2), 3, 5], width=2, loss="l1")
    assert train(problem).objective == 0
    assert train(problem, method="onedim").objective == 0


def test_certificate_tampering_is_detected():
    points, labels = _planted(9, 6, 2, noise=3)
    problem = TrainProblem(points, labels, width=2, loss="l1")
    result = train(problem)
    assert verify_certificate(result.certificate)["valid"]
    doc = copy.deepcopy(result.certificate)
    doc["objective"] = str(result.objective / 2)
    assert not verify_certificate(doc)["valid"]
    doc = copy.deepcopy(result.certificate)
    top = next(part for part in doc["suffixes"] if part["start"] == 0)
    key, record = next((k, r) for k, r in top["terminal"].items() if r["kind"] == "lp" and r["dual"])
    row = next(iter(record["dual"]))
    record["dual"][row] = "1000"
    assert not verify_certificate(doc)["valid"]
    doc = copy.deepcopy(result.certificate)
    top = next(part for part in doc["suffixes"] if part["start"] == 0)
    top["terminal"].pop(next(iter(top["terminal"])))
    assert not verify_certificate(doc)["valid"]
    doc = copy.deepcopy(result.certificate)
    top = next(part for part in doc["suffixes"] if part["start"] == 0)
    if top["unrealisable"]:
        bits = next(iter(top["unrealisable"]))
        top["unrealisable"][bits] = {"0": "1"}
        assert not verify_certificate(doc)["valid"]


def test_bad_problems_are_input_errors():
    with pytest.raises(InputError):
        TrainProblem([], [], width=1)
    with pytest.raises(InputError):
        TrainProblem([[0]], [2], width=1, loss="hinge")
    with pytest.raises(InputError):
        TrainProblem([[0]], [1], width=0)
    with pytest.raises(InputError):
        TrainProblem([[0.5]], [1], width=1)  # floats are refused
    with pytest.raises(InputError):
        train(TrainProblem([[0], [1]], [1, 2], width=1, loss="squared"), method="onedim")
    with pytest.raises(InputError):
        train(TrainProblem([[0], [1]], [1, 2], width=1, loss="l1"), method="milp", box=0)
    with pytest.raises(InputError):
        train(TrainProblem([[0, 1]], [1], width=1, loss="l1"), method="onedim")


def test_output_bias_is_respected():
    # labels all 5: with a bias c = 5 fits at once; without, a constant unit relu(0.x + 5) does too
    problem = TrainProblem([[0], [1], [2]], [5, 5, 5], width=1, loss="l1", output_bias=True)
    assert train(problem).objective == 0
    negative = TrainProblem([[0], [1], [2]], [-5, -5, -5], width=1, loss="l1")
    result = train(negative)
    assert result.objective == 0 and result.network.layers[1].bias[0] == 0


def test_convex_weight_decay_is_tolerance_only():
    points, labels = _planted(2, 5, 1)
    problem = TrainProblem(points, labels, width=4, loss="squared", weight_decay=F(1, 100))
    result = train(problem, method="convex")
    assert result.method == "convex" and result.certified == "tolerance"
    # the reported objective is exactly the regularised loss of the returned rational network
    net = result.network
    loss = exact_objective(TrainProblem(points, labels, width=4, loss="squared"), net)
    hidden, output = net.layers
    reg = F(1, 200) * sum(sum(v * v for v in row) + b * b + o * o
                          for row, b, o in zip(hidden.weights, hidden.bias, output.weights[0]))
    assert result.objective == loss + reg
    with pytest.raises(InputError):
        train(problem, method="milp")


def test_pilanci_ergen_agrees_with_enumeration_under_weight_decay():
    # a solver-tolerance comparison of two float methods (the optimum is irrational in general)
    from exactnets.train.convex import pilanci_ergen
    from exactnets.train.decay import decay_enumeration
    from exactnets.train.patterns import enumerate_patterns

    problem = TrainProblem([[0], [1], [2], [3]], [0, 1, F(1, 2), 2], width=2, loss="squared",
                           weight_decay=F(1, 5))
    convex_value, units = pilanci_ergen(problem, enumerate_patterns(problem.points))
    enumerated = decay_enumeration(problem)[0]
    assert convex_value <= enumerated + 1e-6  # the convex program relaxes the width
    assert len(units) <= problem.width  # ... and here needs no more than w units, so they agree
    assert abs(convex_value - enumerated) <= 1e-5 * max(1.0, enumerated)
