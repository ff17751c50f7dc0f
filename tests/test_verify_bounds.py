"""Bounds are sound: every exact pre-activation (and every exact difference) lies inside them.

Soundness is checked by hypothesis on random networks with every activation, at random exact
points of the box (vertices and grid points included, where ties at breakpoints happen), for the
exact interval bounds, the outward-rounded symbolic (DeepPoly/CROWN) bounds, the differential
(ReluDiff) bounds, and for bounds computed with some units forced into a piece (checked at the
points where those units really are in that piece).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from exactnets.domains import Box, Polytope, Reals
from exactnets.errors import ShapeError
from exactnets.network import Layer, Network, activation_function
from exactnets.verify import bounds as B
from exactnets.verify.bounds import (LayerBounds, differential_bounds, interval_bounds, polytope_bounding_box,
                                     symbolic_bounds)
from tests.strategies import networks, rationals, wide_rationals

F0, F1 = Fraction(0), Fraction(1)


def pre_activations(net: Network, x) -> list[list[Fraction]]:
    """Exact pre-activations of every layer at ``x`` (the reference, in Fractions)."""
    values, out = list(x), []
    for layer in net.layers:
        act = activation_function(layer.activation)
        z = [sum((w * v for w, v in zip(row, values)), b) for row, b in zip(layer.weights, layer.bias)]
        out.append(z)
        values = [act(t) for t in z]
    return out


def inside(bounds: LayerBounds, i: int, value: Fraction) -> bool:
    lo, hi = bounds.lower[i], bounds.upper[i]
    return (lo is None or lo <= value) and (hi is None or value <= hi)


@st.composite
def boxes(draw, dim: int, values=None):
    values = rationals() if values is None else values
    lower = [draw(values) for _ in range(dim)]
    upper = [a + abs(draw(values)) for a in lower]
    return Box(lower, upper)


@st.composite
def box_points(draw, box: Box, count: int = 12):
    """Points of the box: grid points (eighths of each side, so vertices and midpoints too)."""
    pts = []
    for _ in range(count):
        pts.append(tuple(a + (b - a) * Fraction(draw(st.integers(0, 8)), 8) for a, b in zip(box.lower, box.upper)))
    return pts


@settings(max_examples=150)
@given(st.data())
def test_interval_and_symbolic_bounds_contain_every_exact_pre_activation(data):
    net = data.draw(networks(input_dim=st.integers(1, 3), depth=st.integers(1, 5)))
    box = data.draw(boxes(net.input_dim))
    exact_iv, symbolic = interval_bounds(net, box), symbolic_bounds(net, box)
    for x in data.draw(box_points(box)):
        for j, z in enumerate(pre_activations(net, x)):
            for i, value in enumerate(z):
                assert inside(exact_iv[j], i, value), (j, i, value, exact_iv[j])
                assert inside(symbolic[j], i, value), (j, i, value, symbolic[j])


@settings(max_examples=25)
@given(st.data())
def test_bounds_stay_sound_with_huge_rationals(data):
    """Numerators and denominators near 2^80 (floats round them): radii keep the bounds sound."""
    net = data.draw(networks(input_dim=st.integers(1, 2), depth=st.integers(1, 3), values=wide_rationals()))
    box = data.draw(boxes(net.input_dim, wide_rationals()))
    exact_iv, symbolic = interval_bounds(net, box), symbolic_bounds(net, box)
    for x in data.draw(box_points(box, 6)):
        for j, z in enumerate(pre_activations(net, x)):
            for i, value in enumerate(z):
                assert inside(exact_iv[j], i, value)
                assert inside(symbolic[j], i, value)


def perturbed(net: Network, noise: list[Fraction]) -> Network:
    """``net`` with the k-th weight or bias moved by ``noise[k % len(noise)]``."""
    k = 0
    layers = []
    for layer in net.layers:
        rows = []
        for row in layer.weights:
            new = []
            for w in row:
                new.append(w + noise[k % len(noise)])
                k += 1
            rows.append(new)
        bias = []
        for b in layer.bias:
            bias.append(b + noise[k % len(noise)])
            k += 1
        layers.append(Layer(layer.activation, rows, bias))
    return Network(net.input_dim, layers)


@st.composite
def same_shape(draw, net: Network):
    """An unrelated network with the widths and activations of ``net``."""
    return Network(net.input_dim, [Layer(l.activation, [[draw(rationals()) for _ in row] for row in l.weights],
                                         [draw(rationals()) for _ in l.bias]) for l in net.layers])


def within(lo: float, hi: float, value: Fraction) -> bool:
    return (not np.isfinite(lo) or Fraction(lo) <= value) and (not np.isfinite(hi) or value <= Fraction(hi))


@settings(max_examples=150)
@given(st.data())
def test_differential_bounds_contain_every_exact_difference(data):
    f = data.draw(networks(input_dim=st.integers(1, 3), depth=st.integers(1, 5)))
    noise = data.draw(st.lists(st.builds(Fraction, st.integers(-5, 5), st.sampled_from([10, 100, 1000])), min_size=1, max_size=7))
    g = perturbed(f, noise) if data.draw(st.booleans()) else data.draw(same_shape(f))
    box = data.draw(boxes(f.input_dim))
    diff = differential_bounds(f, g, box)
    for x in data.draw(box_points(box)):
        zf, zg = pre_activations(f, x), pre_activations(g, x)
        for j in range(f.depth):
            for i in range(len(zf[j])):
                assert inside(diff[j], i, zg[j][i] - zf[j][i]), (j, i, zg[j][i] - zf[j][i], diff[j])


@settings(max_examples=150)
@given(st.data())
def test_bounds_with_fixed_pieces_hold_where_the_units_are_in_those_pieces(data):
    """A branch fixes some units' pieces; the bounds must hold on that part of the box."""
    f = data.draw(networks(input_dim=st.integers(1, 2), depth=st.integers(2, 4), activations=("relu", "hardtanh", "ltf", "step")))
    g = perturbed(f, [Fraction(1, 50), Fraction(-1, 30)])
    box = data.draw(boxes(f.input_dim))
    xlo, xhi = B.float_box(box.lower, box.upper)
    fixed_f = [np.full(l.out_dim, -1, dtype=np.int8) for l in f.layers]
    fixed_g = [np.full(l.out_dim, -1, dtype=np.int8) for l in g.layers]
    for j, layer in enumerate(f.layers):
        for i in range(layer.out_dim):
            if data.draw(st.integers(0, 3)) == 0:
                fixed_f[j][i] = data.draw(st.integers(0, len(B.PIECES[layer.activation]) - 1))
            if data.draw(st.integers(0, 3)) == 0:
                fixed_g[j][i] = data.draw(st.integers(0, len(B.PIECES[layer.activation]) - 1))

    def in_piece(act, piece, t):
        p = B.PIECES[act][piece]
        return ((t > p.lo) if p.lo_open else (t >= p.lo)) and ((t < p.hi) if p.hi_open else (t <= p.hi))

    try:
        pair = B.analyse_pair(f, g, xlo, xhi, fixed_f, fixed_g)
    except B.Infeasible:
        pair = None
    try:
        single = B.analyse(f, xlo, xhi, fixed_f)
    except B.Infeasible:
        single = None
    for x in data.draw(box_points(box, 20)):
        zf, zg = pre_activations(f, x), pre_activations(g, x)
        ok_f = all(in_piece(l.activation, int(fixed_f[j][i]), zf[j][i])
                   for j, l in enumerate(f.layers) for i in range(l.out_dim) if fixed_f[j][i] >= 0)
        ok_g = all(in_piece(l.activation, int(fixed_g[j][i]), zg[j][i])
                   for j, l in enumerate(g.layers) for i in range(l.out_dim) if fixed_g[j][i] >= 0)
        if ok_f:
            assert single is not None, "Infeasible claimed, but a point of the box has these pieces"
            for j in range(f.depth):
                for i, v in enumerate(zf[j]):
                    assert within(single.lo[j][i], single.hi[j][i], v)
                    if single.piece[j][i] >= 0:
                        assert in_piece(f.layers[j].activation, int(single.piece[j][i]), v)
        if ok_f and ok_g:
            assert pair is not None
            for j in range(f.depth):
                for i in range(len(zf[j])):
                    d = zg[j][i] - zf[j][i]
                    for lo, hi, v in ((pair.dlo, pair.dhi, d), (pair.f.lo, pair.f.hi, zf[j][i]), (pair.g.lo, pair.g.hi, zg[j][i])):
                        assert within(lo[j][i], hi[j][i], v)
                    for A, z in ((pair.f, zf), (pair.g, zg)):
                        if A.piece[j][i] >= 0:
                            assert in_piece(f.layers[j].activation, int(A.piece[j][i]), z[j][i])


def test_interval_bounds_are_exact_for_one_affine_layer():
    net = Network(2, [Layer("linear", [["1/3", "-2/7"]], ["1/11"])])
    b = interval_bounds(net, Box(["-1/2", 0], [1, "3/5"]))[0]
    assert b.lower == (Fraction(1, 11) - Fraction(1, 6) - Fraction(2, 7) * Fraction(3, 5),)
    assert b.upper == (Fraction(1, 11) + Fraction(1, 3),)


def test_float_rounding_never_claims_a_false_stability():
    """(1 + 2^-60) x - 1 on [1 - 2^-59, 1]: floats round the weight to 1; the unit is not stable."""
    w = 1 + Fraction(1, 2**60)
    net = Network(1, [Layer("relu", [[w]], [-1]), Layer("linear", [[1]], [0])])
    box = Box([1 - Fraction(1, 2**59)], [1])
    z_low = w * box.lower[0] - 1  # < 0
    z_high = w * box.upper[0] - 1  # > 0
    assert z_low < 0 < z_high
    s = symbolic_bounds(net, box)[0]
    assert s.lower[0] <= z_low and s.upper[0] >= z_high
    assert s.stable("relu") == (-1,)
    assert interval_bounds(net, box)[0].lower[0] == z_low  # exact propagation is exact


def test_symbolic_bounds_are_tighter_than_intervals_on_a_cancelling_net():
    # out = relu(x + y) - relu(x + y) = 0 exactly; intervals cannot see the cancellation.
    net = Network(2, [Layer("relu", [[1, 1], [1, 1]], [0, 0]), Layer("linear", [[1, -1]], [0])])
    box = Box([0, 0], [1, 1])
    iv = interval_bounds(net, box)[-1]
    sym = symbolic_bounds(net, box)[-1]
    assert (iv.lower[0], iv.upper[0]) == (-2, 2)
    assert 0 <= sym.upper[0] < Fraction(1, 10**12) and -Fraction(1, 10**12) < sym.lower[0] <= 0


def test_differential_bounds_are_far_tighter_than_subtracting_separate_bounds():
    rng = np.random.default_rng(3)
    sizes = [3, 8, 8, 8, 2]
    layers_f, layers_g = [], []
    for i in range(len(sizes) - 1):
        W = rng.integers(-8, 9, (sizes[i + 1], sizes[i]))
        b = rng.integers(-4, 5, sizes[i + 1])
        act = "relu" if i < len(sizes) - 2 else "linear"
        layers_f.append(Layer(act, [[Fraction(int(v), 8) for v in row] for row in W], [Fraction(int(v), 8) for v in b]))
        layers_g.append(Layer(act, [[Fraction(int(v), 8) + Fraction(1, 1000) for v in row] for row in W],
                              [Fraction(int(v), 8) for v in b]))
    f, g = Network(3, layers_f), Network(3, layers_g)
    box = Box([-1, -1, -1], [1, 1, 1])
    d = differential_bounds(f, g, box)[-1]
    sf, sg = symbolic_bounds(f, box)[-1], symbolic_bounds(g, box)[-1]
    for i in range(2):
        width_diff = d.upper[i] - d.lower[i]
        width_sub = (sg.upper[i] - sf.lower[i]) - (sg.lower[i] - sf.upper[i])
        assert width_diff * 20 < width_sub


def test_weights_beyond_float_range_fall_back_to_unbounded_but_exact_intervals_still_work():
    huge = Fraction(2**1100)
    net = Network(1, [Layer("relu", [[huge]], [0]), Layer("linear", [[1]], [0])])
    box = Box([1], [2])
    assert symbolic_bounds(net, box)[0].lower == (None,)
    assert interval_bounds(net, box)[0].lower == (huge,)


def test_layer_bounds_stable_pieces():
    b = LayerBounds((Fraction(0), Fraction(-3), Fraction(-1), None), (Fraction(2), Fraction(-1, 2), Fraction(1), Fraction(0)))
    assert b.stable("relu") == (1, 0, -1, 0)
    assert b.stable("ltf") == (1, 0, -1, -1)  # 0 <= t is ltf's upper piece; t <= 0 is not t < 0
    assert b.stable("hardtanh") == (-1, -1, 1, -1)


def test_polytope_bounding_box_is_exact_and_reals_are_unbounded():
    poly = Polytope([[1, 1], [-1, 0], [0, -1]], [1, 0, 0])  # the triangle x, y >= 0, x + y <= 1
    assert polytope_bounding_box(poly) == ([0, 0], [1, 1])
    half = Polytope([[-1, 0]], [0], dim=2)  # x >= 0
    assert polytope_bounding_box(half) == ([0, None], [None, None])
    net = Network(2, [Layer("relu", [[1, 0]], [0])])
    assert interval_bounds(net, half)[0].lower == (0,) and interval_bounds(net, half)[0].upper == (None,)
    assert interval_bounds(net, Reals(2))[0].lower == (None,)


def test_differential_bounds_need_one_architecture():
    f = Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [0])])
    g = Network(1, [Layer("relu", [[1], [1]], [0, 0]), Layer("linear", [[1, 1]], [0])])
    with pytest.raises(ShapeError):
        differential_bounds(f, g, Box([0], [1]))


@settings(max_examples=150)
@given(st.data())
def test_a_box_of_one_point_on_a_breakpoint_is_bounded_soundly(data):
    """Zero-width boxes where units sit exactly on 0, -1 or 1 (ties: sgn(0) = +1) stress the rounding."""
    net = data.draw(networks(input_dim=st.integers(1, 3), depth=st.integers(2, 4)))
    x = tuple(data.draw(rationals()) for _ in range(net.input_dim))
    # move the first unit of every layer onto a breakpoint of its activation at x
    layers, values = [], list(x)
    for layer in net.layers:
        act = activation_function(layer.activation)
        target = data.draw(st.sampled_from([F0, F1, -F1]))
        z0 = sum((w * v for w, v in zip(layer.weights[0], values)), layer.bias[0])
        bias = (layer.bias[0] + target - z0, *layer.bias[1:])
        layer = Layer(layer.activation, layer.weights, bias)
        layers.append(layer)
        values = [act(sum((w * v for w, v in zip(row, values)), b)) for row, b in zip(layer.weights, layer.bias)]
    net = Network(net.input_dim, layers)
    box = Box(x, x)
    z = pre_activations(net, x)
    for bounds in (interval_bounds(net, box), symbolic_bounds(net, box)):
        for j, layer in enumerate(net.layers):
            stable = bounds[j].stable(layer.activation)
            for i, value in enumerate(z[j]):
                assert inside(bounds[j], i, value)
                if stable[i] >= 0:
                    p = B.PIECES[layer.activation][stable[i]]
                    assert ((value > p.lo) if p.lo_open else (value >= p.lo)) and ((value < p.hi) if p.hi_open else (value <= p.hi))
