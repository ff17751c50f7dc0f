"""Exact planar regions (exactnets.planar): tilings, values, merging, decision boundaries."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from exactnets.domains import Box
from exactnets.errors import InputError, ShapeError
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.planar import (
    PlanarRegion, clip_half_plane, decision_boundary, linear_regions_2d, merge_equal_pieces, polygon_area,
    shared_segments, sign_pieces,
)
from tests.strategies import networks, rationals

F = Fraction


def _check_tiling(net: Network, box, output: int = 0) -> list[PlanarRegion]:
    """The regions tile the box, are convex and counter-clockwise, and give the exact output inside."""
    regions = linear_regions_2d(net, box, output)
    (x0, y0), (x1, y1) = box.lower, box.upper
    assert sum(r.area for r in regions) == (x1 - x0) * (y1 - y0)
    for region in regions:
        verts = region.vertices
        assert len(verts) >= 3 and region.area > 0
        k = len(verts)
        for i in range(k):  # strictly convex, counter-clockwise: every turn is a left turn
            (ax, ay), (bx, by), (cx, cy) = verts[i - 1], verts[i], verts[(i + 1) % k]
            assert (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) > 0
        for x, y in verts:
            assert x0 <= x <= x1 and y0 <= y <= y1
        centre = region.centroid
        assert region.contains(centre)
        assert region.value(centre) == evaluate(net, centre)[output]
        # a second interior point, off the centroid: halfway between the centroid and a vertex
        inner = ((centre[0] + verts[0][0]) / 2, (centre[1] + verts[0][1]) / 2)
        assert region.value(inner) == evaluate(net, inner)[output]
    return regions


def _interiors_disjoint(regions, samples: int = 200, seed: int = 0) -> None:
    """Random exact points of the box lie in the interior of at most one region."""
    r = random.Random(seed)
    for _ in range(samples):
        point = (F(r.randint(-997, 997), 499), F(r.randint(-997, 997), 499))
        strictly = 0
        for region in regions:
            verts = region.vertices
            inside = all((verts[(i + 1) % len(verts)][0] - px) * (point[1] - py)
                         - (verts[(i + 1) % len(verts)][1] - py) * (point[0] - px) > 0
                         for i, (px, py) in enumerate(verts))
            strictly += inside
        assert strictly <= 1


def test_abs_value_has_two_regions():
    absx = Network(2, [Layer("relu", [[1, 0], [-1, 0]], [0, 0]), Layer("linear", [[1, 1]], [0])])
    regions = _check_tiling(absx, Box.uniform(2, -1, 1))
    assert sorted(r.gradient for r in regions) == [(-1, 0), (1, 0)]
    assert all(r.offset == 0 for r in regions)
    # the common edge is the segment x1 = 0, exactly
    segments = shared_segments([r.vertices for r in regions])
    assert len(segments) == 1
    assert {segments[0][2], segments[0][3]} == {(F(0), F(-1)), (F(0), F(1))}


def test_l1_norm_cones_and_pieces():
    # ||x||_1 = sum R(+-x_i): 4 cones around the origin, each a different gradient
    net = Network(2, [Layer("relu", [[1, 0], [-1, 0], [0, 1], [0, -1]], [0] * 4), Layer("linear", [[1, 1, 1, 1]], [0])])
    regions = _check_tiling(net, Box.uniform(2, "-1/2", "3/2"))
    assert len(regions) == 4 and len(merge_equal_pieces(regions)) == 4
    assert {r.gradient for r in regions} == {(1, 1), (1, -1), (-1, 1), (-1, -1)}
    # output 0 is >= 0 everywhere: no decision boundary, every sign piece positive
    assert decision_boundary(regions) == []
    assert all(sign == 1 for _, sign in sign_pieces(regions))


def test_merge_joins_cells_with_one_affine_function():
    # max(x1, x2) written with 4 units has 4 activation cells but 2 affine pieces
    net = Network(2, [Layer("relu", [[1, 1], [-1, -1], [1, -1], [-1, 1]], [0] * 4),
                      Layer("linear", [["1/2", "-1/2", "1/2", "1/2"]], [0])])
    regions = _check_tiling(net, Box.uniform(2, -1, 1))
    assert len(regions) == 4
    groups = merge_equal_pieces(regions)
    assert len(groups) == 2
    assert sorted(sum(r.area for r in g) for g in groups) == [2, 2]
    assert {g[0].gradient for g in groups} == {(1, 0), (0, 1)}


def test_merge_keeps_separated_equal_pieces_apart():
    # R(x1 - 1/2) + R(-x1 - 1/2): slope -1, a zero strip, slope +1
    net = Network(2, [Layer("relu", [[1, 0], [-1, 0]], ["-1/2", "-1/2"]), Layer("linear", [[1, 1]], [0])])
    regions = _check_tiling(net, Box.uniform(2, -1, 1))
    assert len(merge_equal_pieces(regions)) == 3
    # a function equal to 0 on two strips that do not touch: two pieces, not one
    bumps = Network(2, [Layer("relu", [[1, 0], [1, 0], [1, 0]], [0, "-1/2", -1]), Layer("linear", [[2, -4, 2]], [0])])
    regions = _check_tiling(bumps, Box([-1, -1], [2, 1]))
    groups = merge_equal_pieces(regions)
    zero = [g for g in groups if g[0].gradient == (0, 0) and g[0].offset == 0]
    assert len(zero) == 2 and len(groups) == 4


def test_hardtanh_three_pieces_per_unit():
    net = Network(2, [Layer("hardtanh", [[2, 0]], [0]), Layer("linear", [[1]], [0])])
    regions = _check_tiling(net, Box.uniform(2, -1, 1))
    by_pattern = {r.pattern[0]: r for r in regions}
    assert set(by_pattern) == {(0,), (1,), (2,)}
    assert by_pattern[(0,)].offset == -1 and by_pattern[(2,)].offset == 1 and by_pattern[(1,)].gradient == (2, 0)
    assert by_pattern[(1,)].area == 2  # the strip |x1| <= 1/2


def test_threshold_output_and_jump_boundary():
    # ltf hidden unit: the output jumps across x1 + x2 = 0, from -3 to +1
    net = Network(2, [Layer("ltf", [[1, 1]], [0]), Layer("linear", [[2]], [-1])])
    regions = _check_tiling(net, Box.uniform(2, -1, 1))
    assert sorted(r.offset for r in regions) == [-3, 1]
    assert all(r.gradient == (0, 0) for r in regions)
    boundary = decision_boundary(regions)
    assert len(boundary) == 1
    p, q = boundary[0]
    assert {p, q} == {(F(-1), F(1)), (F(1), F(-1))}
    # sgn(0) = +1: on the line itself the value is the upper piece's
    assert evaluate(net, (F(1, 3), F(-1, 3)))[0] == 1


def test_decision_boundary_is_the_zero_line_inside_a_region():
    net = Network(2, [Layer("linear", [[1, 2]], ["-1/2"])])
    regions = _check_tiling(net, Box.uniform(2, -1, 1))
    assert len(regions) == 1
    boundary = decision_boundary(regions)
    assert len(boundary) == 1
    for point in boundary[0]:
        assert point[0] + 2 * point[1] - F(1, 2) == 0
    positive = [poly for poly, s in sign_pieces(regions) if s > 0]
    negative = [poly for poly, s in sign_pieces(regions) if s < 0]
    assert sum(polygon_area(p) for p in positive) + sum(polygon_area(p) for p in negative) == 4


def test_output_layer_cuts_only_by_the_chosen_unit():
    net = Network(2, [Layer("ltf", [[1, 0], [0, 1]], [0, 0])])
    for j in range(2):
        regions = _check_tiling(net, Box.uniform(2, -1, 1), j)
        assert len(regions) == 2
    with pytest.raises(InputError):
        linear_regions_2d(net, (-1, 1), 2)


def test_clip_half_plane_exact():
    square = ((F(0), F(0)), (F(1), F(0)), (F(1), F(1)), (F(0), F(1)))
    upper, lower = clip_half_plane(square, 1, 1, "-1/3")
    assert polygon_area(upper) == F(1) - F(1, 18) and polygon_area(lower) == F(1, 18)
    assert (F(1, 3), F(0)) in upper and (F(0), F(1, 3)) in lower
    # a line through a vertex only: the other side has no area
    upper, lower = clip_half_plane(square, 1, 1, 0)
    assert upper == square and lower is None
    # a line along an edge
    upper, lower = clip_half_plane(square, 0, 1, 0)
    assert polygon_area(upper) == 1 and lower is None


def test_box_errors():
    net = Network(2, [Layer("linear", [[1, 1]], [0])])
    for bad in [(1, 1), (2, 1), (0, 1, 1, 1), (0, 1, 0), ()]:
        with pytest.raises(InputError):
            linear_regions_2d(net, bad)
    with pytest.raises(ShapeError):
        linear_regions_2d(Network(3, [Layer("linear", [[1, 1, 1]], [0])]), (-1, 1))
    with pytest.raises(InputError):
        linear_regions_2d(net, ("0.5", 0.75))  # a binary float is refused


def test_wide_two_layer_net_and_deeper_one():
    r = random.Random(7)

    def value():
        return F(r.randint(-20, 20), r.randint(1, 10))

    wide = Network(2, [Layer("relu", [[value(), value()] for _ in range(20)], [value() for _ in range(20)]),
                       Layer("linear", [[value() for _ in range(20)]], [value()])])
    regions = _check_tiling(wide, Box.uniform(2, -2, 2))
    # 20 lines in general position cut the plane into at most 1 + 20 + 190 cells
    assert 20 < len(regions) <= 211
    _interiors_disjoint(regions)
    deep = Network(2, [Layer("relu", [[value(), value()] for _ in range(8)], [value() for _ in range(8)]),
                       Layer("hardtanh", [[value() for _ in range(8)] for _ in range(6)], [value() for _ in range(6)]),
                       Layer("ltf", [[value() for _ in range(6)]], [value()])])
    regions = _check_tiling(deep, Box.uniform(2, -3, 3))
    _interiors_disjoint(regions, seed=1)
    assert {r.offset for r in regions} <= {-1, 1}


@settings(max_examples=60, deadline=None)
@given(networks(input_dim=2, depth=st.integers(1, 3), width=st.integers(1, 4), output_dim=st.integers(1, 2),
                values=rationals(6, 4)),
       st.tuples(rationals(4, 3), rationals(4, 3), rationals(4, 3), rationals(4, 3)), st.data())
def test_random_nets_tile_the_box_exactly(net, corners, data):
    a, b, c, d = corners
    if a == b or c == d:
        b, d = a + 1, c + F(1, 2)
    box = Box([min(a, b), min(c, d)], [max(a, b), max(c, d)])
    output = data.draw(st.integers(0, net.output_dim - 1))
    regions = _check_tiling(net, box, output)
    groups = merge_equal_pieces(regions)
    assert sum(len(g) for g in groups) == len(regions)
    for group in groups:
        assert len({(r.gradient, r.offset) for r in group}) == 1
    # the decision boundary lies where the sign changes: a point on it has output >= 0 on one side
    for p, q in decision_boundary(regions):
        assert p != q
        for point in (p, q, ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)):
            assert box.contains(point)
    pieces = sign_pieces(regions)
    assert sum(polygon_area(poly) for poly, _ in pieces) == (box.upper[0] - box.lower[0]) * (box.upper[1] - box.lower[1])
    for poly, sign in pieces:
        k = len(poly)
        centre = (sum(v[0] for v in poly) / k, sum(v[1] for v in poly) / k)
        value = evaluate(net, centre)[output]
        assert (value >= 0) == (sign > 0)


def test_region_limit_is_an_input_error():
    wide = Network(2, [Layer("relu", [[1, k] for k in range(12)], [F(k, 7) for k in range(12)]), Layer("linear", [[1] * 12], [0])])
    assert len(linear_regions_2d(wide, (-5, 5), max_regions=None)) > 20
    with pytest.raises(InputError, match="more than 20 regions"):
        linear_regions_2d(wide, (-5, 5), max_regions=20)


OCTAGON = [("1/4", "1/2"), ("-1/2", 0), (0, "-1/4"), ("-1/4", "-1/4")]


def test_zonotope_gauge_level_set_is_exact():
    from exactnets.constructions.arora import zonotope_gauge_net

    gauge = zonotope_gauge_net(OCTAGON)
    last = gauge.layers[-1]
    shifted = Network(2, [gauge.layers[0], Layer("linear", last.weights, [b - 1 for b in last.bias])])
    regions = _check_tiling(shifted, Box.uniform(2, "-3/2", "3/2"))
    assert len(regions) == 8 and len(merge_equal_pieces(regions)) == 8  # 8 cones of an octagon zonotope
    boundary = decision_boundary(regions)
    assert len(boundary) == 8
    ends = [point for segment in boundary for point in segment]
    for point in ends:  # every corner of the unit level set gamma_Z = 1, exactly
        assert evaluate(gauge, point)[0] == 1
    assert all(ends.count(point) == 2 for point in ends)  # a closed loop


def test_zonotope_piece_counts_of_abmm_figure_1():
    # CLAIMS.md ABMM-Thm3.9: inside the unit level set 2 * sum C(m-1, i) cones x w^k bands,
    # plus the one outer piece where H = 0
    from exactnets.constructions.arora import zonotope_net

    l1 = zonotope_net([["1/2"], ["1/2"]], [(0, 1), (1, 0)])
    assert len(merge_equal_pieces(_check_tiling(l1, Box.uniform(2, "-3/2", "3/2")))) == 4 * 4 + 1
    octagon = zonotope_net([["1/2"], ["1/2"]], OCTAGON)
    assert len(merge_equal_pieces(_check_tiling(octagon, Box.uniform(2, "-3/2", "3/2")))) == 8 * 4 + 1
