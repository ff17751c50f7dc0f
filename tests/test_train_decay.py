"""Weight decay (issue 7, item 4b): the enumeration with the regulariser against Pilanci & Ergen.

The regularised optimum involves Euclidean norms and is irrational in general, so the two methods
are compared with a stated tolerance.  That is allowed ONLY because there is no exact rational
optimum to compare; everything that is rational (the reported objective of the returned network,
the balancing identity) is compared exactly.
"""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from exactnets.errors import InputError
from exactnets.network import Layer, Network
from exactnets.train import TrainProblem, train
from exactnets.train.convex import pilanci_ergen
from exactnets.train.decay import decay_enumeration, regularised_objective
from exactnets.train.patterns import enumerate_patterns
from exactnets.train.problem import exact_objective

# Solver tolerance of Clarabel on these tiny SOCPs (relative); see the module docstring for why a
# tolerance is used at all.
TOL = 1e-5


def _instance(seed: int, count: int, dim: int) -> tuple[list[list[F]], list[F]]:
    rng = random.Random(seed)
    points = [[F(rng.randint(-6, 6), 3) for _ in range(dim)] for _ in range(count)]
    labels = [F(rng.randint(-6, 6), 4) for _ in range(count)]
    return points, labels


INSTANCES = [
    # (points, labels, width, lambda)
    ([[0], [1], [2], [3]], [0, 1, F(1, 2), 2], 2, F(1, 5)),
    (*_instance(2, 5, 1), 2, F(1, 4)),
    (*_instance(6, 5, 1), 3, F(1, 10)),
    (*_instance(3, 5, 2), 2, F(1, 2)),
    (*_instance(7, 5, 2), 2, F(1, 4)),
    (*_instance(1, 5, 1), 2, F(1, 10)),  # needs 4 blocks: Pilanci & Ergen only bound it from below
]


@pytest.mark.parametrize("points,labels,width,decay", INSTANCES)
def test_enumeration_with_weight_decay_agrees_with_pilanci_ergen(points, labels, width, decay):
    problem = TrainProblem(points, labels, width=width, loss="squared", weight_decay=decay)
    patterns = enumerate_patterns(problem.points)
    convex_value, blocks = pilanci_ergen(problem, patterns)
    result = train(problem, method="enumerate")
    enumerated = result.float_optimum
    scale = max(1.0, enumerated)
    # Pilanci & Ergen relax the width: never above the width-w optimum ...
    assert convex_value <= enumerated + TOL * scale
    # ... and equal to it whenever their solution fits in w units
    if len(blocks) <= width:
        assert abs(convex_value - enumerated) <= TOL * scale
    # the reported objective is exactly the regularised loss of the returned rational network,
    # which is (up to the rounding of the balanced weights) the optimum
    assert result.objective == regularised_objective(problem, result.network)
    assert result.certified == "tolerance" and result.method == "enumerate"
    assert enumerated - TOL * scale <= float(result.objective) <= enumerated + TOL * scale


def test_every_instance_fits_the_width_somewhere():
    # the cross-check above is an equality test on at least some instances, not only an inequality
    fitting = 0
    for points, labels, width, decay in INSTANCES:
        problem = TrainProblem(points, labels, width=width, loss="squared", weight_decay=decay)
        fitting += len(pilanci_ergen(problem, enumerate_patterns(problem.points))[1]) <= width
    assert fitting >= 4


def test_large_decay_gives_the_zero_network_exactly():
    points, labels = [[0], [1], [2]], [1, -1, 2]
    problem = TrainProblem(points, labels, width=2, loss="squared", weight_decay=100)
    result = train(problem)
    assert result.objective == F(1 + 1 + 4, 3)  # the zero network: mean of y^2, exactly


def test_decay_optimum_lies_between_loss_only_and_the_zero_network():
    points, labels = _instance(5, 5, 1)
    plain = train(TrainProblem(points, labels, width=2, loss="squared")).objective
    problem = TrainProblem(points, labels, width=2, loss="squared", weight_decay=F(1, 10))
    value = train(problem).float_optimum
    assert float(plain) - TOL <= value <= float(sum(y * y for y in labels) / len(labels)) + TOL


@pytest.mark.parametrize("loss", ["l1", "linf", "hinge"])
def test_decay_enumeration_other_losses(loss):
    points = [[0], [1], [2], [3]]
    labels = [1, -1, 1, -1] if loss == "hinge" else [0, 1, 0, 1]
    problem = TrainProblem(points, labels, width=2, loss=loss, weight_decay=F(1, 10))
    result = train(problem)
    assert result.certified == "tolerance"
    assert result.objective == regularised_objective(problem, result.network)
    # the regulariser costs something: strictly above the unregularised optimum here
    plain = train(TrainProblem(points, labels, width=2, loss=loss)).objective
    assert result.objective > plain


def test_the_balanced_penalty_is_the_group_lasso():
    # a unit with |u| = |v| (balanced): (lambda/2)(|u|^2 + v^2) = lambda |v| |u| = lambda |w|, w = |v| u
    net = Network(1, [Layer("relu", [[F(3, 5)]], [F(4, 5)]), Layer("linear", [[F(-1)]], [0])])
    problem = TrainProblem([[0], [1]], [0, 0], width=1, loss="squared", weight_decay=F(2))
    loss = exact_objective(problem, net)
    assert regularised_objective(problem, net) == loss + 2 * 1  # |w| = 1 * |(3/5, 4/5)| = 1


@settings(max_examples=60, deadline=None)
@given(st.fractions(min_value=F(1, 50), max_value=50), st.fractions(min_value=-20, max_value=20),
       st.fractions(min_value=-20, max_value=20), st.fractions(min_value=-20, max_value=20))
def test_rescaling_never_beats_the_balanced_penalty(t, u0, u1, v):
    # (1/2)(t^2 |u|^2 + v^2 / t^2) >= |v| |u| (AM-GM), compared exactly through squares
    penalty = (t * t * (u0 * u0 + u1 * u1) + v * v / (t * t)) / 2
    assert penalty >= 0 and penalty * penalty >= v * v * (u0 * u0 + u1 * u1)


def test_decay_is_refused_by_methods_that_cannot_handle_it():
    problem = TrainProblem([[0], [1]], [0, 1], width=1, loss="l1", weight_decay=F(1, 10))
    for method in ("milp", "onedim", "naive"):
        with pytest.raises(InputError):
            train(problem, method=method)


def test_decay_enumeration_counts_sorted_tuples():
    problem = TrainProblem([[0], [1], [2]], [0, 1, 0], width=2, loss="squared", weight_decay=F(1, 10))
    patterns = enumerate_patterns(problem.points)
    *_, solved = decay_enumeration(problem, patterns)
    p = len(patterns)
    # q = 0 and q = 2: multisets of size 2; q = 1: ordered pairs across the two groups
    assert solved == 2 * (p * (p + 1) // 2) + p * p
