"""Exact 1-D piecewise-linear functions (exactnets.pwl): agreement with the reference evaluator,
the algebra against its pointwise definitions, piece counting, and ABMM Thm 2.2's construction."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.errors import InputError, ShapeError
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.pwl import (PiecewiseLinear, canonical, kinks, piece_count, pieces, pwl_add, pwl_affine, pwl_compose,
                           pwl_from_network, pwl_from_points, pwl_linear_combination, pwl_max, pwl_min, pwl_relu,
                           pwl_scale, pwl_to_network, two_layer_units_needed)
from tests.strategies import networks, rationals

F = Fraction

one_input_nets = networks(input_dim=1, depth=st.integers(1, 4), width=st.integers(1, 4), output_dim=st.integers(1, 2),
                          activations=("relu", "hardtanh", "linear"), output_activations=("linear", "relu", "hardtanh"))


@st.composite
def pwl_functions(draw, max_breakpoints: int = 6):
    xs = sorted(set(draw(st.lists(rationals(), min_size=1, max_size=max_breakpoints))))
    ys = [draw(rationals()) for _ in xs]
    return PiecewiseLinear(xs, ys, draw(rationals(6, 3)), draw(rationals(6, 3)))


def probe_points(*functions: PiecewiseLinear) -> list[Fraction]:
    """Every breakpoint, the midpoints between them and points beyond both ends: two PWL
    functions that agree at all of these (taken over both) agree everywhere."""
    xs = sorted({x for f in functions for x in f.breakpoints})
    mids = [(a + b) / 2 for a, b in zip(xs, xs[1:])]
    return xs + mids + [xs[0] - 1, xs[0] - F(7, 3), xs[-1] + 1, xs[-1] + F(11, 2)]


@settings(max_examples=60, deadline=None)
@given(one_input_nets, st.data())
def test_pwl_from_network_agrees_with_the_evaluator(net, data):
    output = data.draw(st.integers(0, net.output_dim - 1))
    f = pwl_from_network(net, output)
    assert f == canonical(f)
    points = probe_points(f) + [data.draw(rationals(40, 7)) for _ in range(5)]
    for x in points:
        assert f(x) == evaluate(net, [x])[output], x
    # between two kinks the function is affine: the midpoint is the mean of the ends
    ks = kinks(f)
    for a, b in zip(ks, ks[1:]):
        assert f((a + b) / 2) == (f(a) + f(b)) / 2
    # and every kink is real: the slopes on its two sides differ
    for k in ks:
        assert f.slope_at(k, "left") != f.slope_at(k, "right")


def test_pwl_from_network_known_function_and_refusals():
    # R(x) - 2R(x - 1) + R(x - 2): a tent on [0, 2], flat 0 outside
    net = Network(1, [Layer("relu", [[1], [1], [1]], [0, -1, -2]), Layer("linear", [[1, -2, 1]], [0])])
    f = pwl_from_network(net)
    assert f == PiecewiseLinear([0, 1, 2], [0, 1, 0], 0, 0)
    assert piece_count(f) == 4 and kinks(f) == (0, 1, 2)
    assert piece_count(f, (0, 2)) == 2 and piece_count(f, (F(1, 2), F(3, 4))) == 1
    with pytest.raises(InputError, match="discontinuous"):
        pwl_from_network(Network(1, [Layer("ltf", [[1]], [0]), Layer("linear", [[1]], [0])]))
    with pytest.raises(InputError, match="one input"):
        pwl_from_network(Network(2, [Layer("linear", [[1, 1]], [0])]))
    with pytest.raises(InputError, match="output"):
        pwl_from_network(net, output=1)


@settings(max_examples=80, deadline=None)
@given(pwl_functions(), pwl_functions(), rationals(), rationals())
def test_algebra_agrees_with_pointwise_definitions(f, g, a, b):
    add, scaled, combo = pwl_add(f, g), pwl_scale(f, a), pwl_linear_combination([a, b], [f, g], 3)
    high, low, relu, comp = pwl_max(f, g), pwl_min(f, g), pwl_relu(f), pwl_compose(f, g)
    for x in probe_points(f, g, high, low, relu, comp):
        assert add(x) == f(x) + g(x)
        assert scaled(x) == a * f(x)
        assert combo(x) == a * f(x) + b * g(x) + 3
        assert high(x) == max(f(x), g(x))
        assert low(x) == min(f(x), g(x))
        assert relu(x) == max(F(0), f(x))
        assert comp(x) == f(g(x))
    for h in (add, scaled, combo, high, low, relu, comp):
        assert h == canonical(h)  # every result is canonical, so == compares functions
    # ABMM Fig. 4: max{0, f + b} has at most twice the pieces of f
    assert piece_count(pwl_relu(pwl_add(f, pwl_affine(0, b)))) <= 2 * piece_count(f)


def test_canonical_merges_collinear_neighbours_and_affine_anchor():
    f = PiecewiseLinear([0, 1, 2, 3], [0, 1, 2, 5], 1, 3)  # slope 1 through x = 2, then 3 (also beyond)
    assert kinks(f) == (2,) and piece_count(f) == 2
    assert canonical(f) == PiecewiseLinear([2], [2], 1, 3)
    line = canonical(PiecewiseLinear([-1, 4], [-3, 7], 2, 2))
    assert line == pwl_affine(2, -1) and line.breakpoints == (0,) and piece_count(line) == 1
    assert pieces(f) == [(None, 2, 1, 0), (2, None, 3, -4)]
    assert pwl_from_points([(2, 2), (0, 0)], 1, 3) == canonical(f)


def test_constructor_errors_say_what_to_fix():
    with pytest.raises(InputError, match="at least one breakpoint"):
        PiecewiseLinear([], [], 0, 0)
    with pytest.raises(ShapeError):
        PiecewiseLinear([0, 1], [0], 0, 0)
    with pytest.raises(InputError, match="increase strictly"):
        PiecewiseLinear([1, 1], [0, 0], 0, 0)
    with pytest.raises(TypeError):  # floats are refused
        PiecewiseLinear([0.5], [0], 0, 0)
    with pytest.raises(InputError):
        piece_count(pwl_affine(1, 0), (1, 1))


def test_compose_with_flat_and_decreasing_pieces():
    tent = pwl_from_points([(0, 0), (F(1, 2), 1), (1, 0)], 0, 0)
    square = pwl_compose(tent, tent)
    assert kinks(square) == (0, F(1, 4), F(1, 2), F(3, 4), 1)
    assert [square(x) for x in (0, F(1, 4), F(1, 2), F(3, 4), 1)] == [0, 1, 0, 1, 0]
    # rays: g decreasing to -inf on the right meets f's kinks there too
    f = pwl_from_points([(-3, 0), (-1, 2)], 0, 0)
    g = pwl_from_points([(0, 0)], 0, -1)
    h = pwl_compose(f, g)
    assert kinks(h) == (1, 3) and h(10) == f(-10) and h(-5) == f(0)


@settings(max_examples=60, deadline=None)
@given(pwl_functions(7))
def test_pwl_to_network_thm22(f):
    f = canonical(f)
    p = piece_count(f)
    net = pwl_to_network(f)
    assert pwl_from_network(net) == f
    assert net.depth <= 2
    needed = two_layer_units_needed(f)
    minimal = pwl_to_network(f, minimal=True)
    assert pwl_from_network(minimal) == f and minimal.size == needed
    if p >= 2:
        assert p - 1 <= needed <= net.size <= p  # Thm 2.2's bounds
        if f.left_slope == 0 or f.right_slope == 0:
            assert net.size == p - 1  # Cor. A.1
    else:
        assert needed == (0 if f.left_slope == 0 else 2)


def test_units_needed_is_exact_on_hand_examples():
    # slopes 1, 0, 2: the flat inner piece lets the two kinks do with 2 units (fewer than p = 3)
    f = pwl_from_points([(0, 0), (1, 0)], 1, 2)
    assert piece_count(f) == 3 and two_layer_units_needed(f) == 2 and pwl_to_network(f).size == 2
    # slopes 1, 3, 2: no subset of slope changes {2, -1} cancels the left slope 1... except -1
    g = pwl_from_points([(0, 0), (1, 3)], 1, 2)
    assert two_layer_units_needed(g) == 2
    # slopes 1, 2, 4: changes {1, 2}; no subset sums to -1, so 3 units
    h = pwl_from_points([(0, 0), (1, 2)], 1, 4)
    assert two_layer_units_needed(h) == 3 == pwl_to_network(h).size
    # a 2-layer net with u units has at most u + 1 pieces, so p - 1 units are always needed
    net = Network(1, [Layer("relu", [[1], [-1], [2]], [0, 1, -3]), Layer("linear", [[1, 1, 1]], [0])])
    assert piece_count(pwl_from_network(net)) <= 4
    assert two_layer_units_needed(pwl_affine(3, 1)) == 2 and pwl_to_network(pwl_affine(0, 5)).size == 0
