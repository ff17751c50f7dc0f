"""Exhaustive checks: a right construction is proved, a wrong one refuted at a replayed point."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from exactnets.constructions.mukherjee_basu import ltf_as_two_relus, ltf_gap, parity_relu_net, vertex_indicator_net
from exactnets.domains import cube_point, cube_points
from exactnets.errors import InputError, ShapeError
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify import Verdict, proved, refuted, unknown
from exactnets.verify.enumerate import check_against_table
from tests.strategies import networks


def test_a_wrong_table_is_refuted_at_the_first_differing_point():
    net = Network(2, [Layer("linear", [[1, 1]], [0])])
    expected = [2, 0, 0, 5]  # the true value at (-1, -1) is -2
    verdict = check_against_table(net, expected)
    assert verdict.status == "refuted" and verdict.exit_code == 1
    assert verdict.counterexample == (-1, -1)
    assert evaluate(net, verdict.counterexample)[0] != expected[3]


@settings(max_examples=40)
@given(st.data())
def test_a_networks_own_values_are_proved_and_any_change_refuted(data):
    net = data.draw(networks(input_dim=st.integers(1, 5), output_dim=st.just(1)))
    kind = data.draw(st.sampled_from(["pm1", "01"]))
    values = [evaluate(net, cube_point(net.input_dim, i, kind))[0] for i in range(2**net.input_dim)]
    assert check_against_table(net, values, kind).status == "proved"
    index = data.draw(st.integers(0, len(values) - 1))
    values[index] += Fraction(1, 7)
    verdict = check_against_table(net, values, kind)
    assert verdict.status == "refuted" and verdict.details["index"] == index
    assert verdict.counterexample == cube_point(net.input_dim, index, kind)


def test_shape_errors():
    net = Network(2, [Layer("linear", [[1, 1]], [0])])
    with pytest.raises(ShapeError):
        check_against_table(net, [1, 2, 3])
    with pytest.raises(ShapeError):
        check_against_table(net, [1, 2, 3, 4], output=1)


def test_verdict_values():
    assert proved("z3 unsat").summary() == "proved (z3 unsat)" and bool(proved("x"))
    r = refuted([Fraction(1, 2), 3], "differs")
    assert r.to_json() == {"status": "refuted", "counterexample": ["1/2", "3"], "reason": "differs"}
    assert not r and unknown("timeout").exit_code == 3
    with pytest.raises(InputError):
        Verdict("maybe")


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_ltf_as_two_relus_by_enumeration_and_hypothesis_agree(n):
    rng = np.random.default_rng(n)
    for _ in range(10):
        a = [Fraction(int(v), int(q)) for v, q in zip(rng.integers(-6, 7, n), rng.integers(1, 5, n))]
        b = Fraction(int(rng.integers(-6, 7)), int(rng.integers(1, 5)))
        t = [sum((w * x for w, x in zip(a, row)), b) for row in cube_points(n).tolist()]
        table = [1 if v >= 0 else -1 for v in t]
        assert check_against_table(ltf_as_two_relus(a, b), table).status == "proved"
        p = ltf_gap(a, b)
        assert p > 0 and (-p in t or all(v >= 0 for v in t))
        if any(v < 0 for v in t):  # a p above the gap must fail: the ramp then reaches a cube point
            assert check_against_table(ltf_as_two_relus(a, b, p=2 * p), table).status == "refuted"


def test_parity_and_vertex_indicator_constructions():
    assert parity_relu_net(5).size == 5
    table = (cube_points(5, "01").sum(axis=1) % 2).tolist()
    assert check_against_table(parity_relu_net(5), table, "01").status == "proved"
    values = [Fraction(i, 3) - 1 for i in range(8)]
    net = vertex_indicator_net(values)
    assert net.size == 7  # the vertex with f = 0 gets no unit
    assert check_against_table(net, values).status == "proved"
    with pytest.raises(InputError):
        vertex_indicator_net([1, 2, 3])
    with pytest.raises(InputError):
        parity_relu_net(0)
