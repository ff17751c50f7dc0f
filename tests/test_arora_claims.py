"""ABMM (Arora, Basu, Mianjy & Mukherjee) constructions and their claims in ``exactnets prove``.

The unit tests pin each construction to numbers worked out by hand from the paper's definitions
(CLAIMS.md section 5), so a wrong formula fails here even if a claim check were too lenient.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from exactnets.constructions.arora import (depth_gap, hard_composition, hard_composition_net, hard_function,
                                           hard_function_net, lemma_d5_bound, max_pieces, min_size_for_pieces,
                                           sawtooth, sawtooth_net, simplex_point, stated_size_bound_holds,
                                           super_exponential_gap, thm31_bound_holds, thm39_stated_pieces,
                                           zonotope_gauge_net, zonotope_general_position, zonotope_net,
                                           zonotope_piece_count_2d, zonotope_vertex_count)
from exactnets.errors import InputError
from exactnets.evaluate import evaluate
from exactnets.planar import linear_regions_2d, merge_equal_pieces
from exactnets.pwl import PiecewiseLinear, kinks, piece_count, pwl_from_network, pwl_from_points
from proofs.registry import all_claims

F = Fraction
ABMM_NEW = ["ABMM-Thm2.2", "ABMM-CorA.1", "ABMM-LemD.5", "ABMM-LemD.6", "ABMM-Def8", "ABMM-LemB.1", "ABMM-Thm3.1",
            "ABMM-Thm3.2", "ABMM-Cor3.4", "ABMM-Sawtooth", "ABMM-LemD.1-D.2", "ABMM-Thm3.9", "ABMM-Alg1",
            "ABMM-Alg1D", "ABMM-Lem3.7", "ABMM-Thm3.6"]


def _claims():
    return {c.id: c for c in all_claims()}


@pytest.mark.parametrize("claim_id", ABMM_NEW)
def test_abmm_claims_are_proved_at_quick_sizes(claim_id):
    item = _claims()[claim_id]
    assert item.paper == "ABMM" and item.expect == "proved"
    verdict = item.check(False)
    assert verdict.status == "proved", verdict.summary()
    assert verdict.details["instances"] >= 1


def test_app_c_as_printed_is_refuted_with_a_replayed_counterexample():
    item = _claims()["ABMM-AlgC-as-printed"]
    assert item.expect == "refuted"
    verdict = item.check(False)
    assert verdict.status == "refuted"
    flat = verdict.counterexample
    data = list(zip(flat[0::2], flat[1::2]))
    assert data == [(0, 0), (1, F(1, 2)), (2, F(3, 2)), (3, 3), (4, 5)]
    # two units fit the data exactly...
    two_units = pwl_from_points([(F(1, 2), 0), (F(5, 2), 2)], 0, 2)
    assert all(two_units(x) == y for x, y in data)
    # ...and a 2-piece fit is impossible: no three consecutive points are collinear
    for (x0, y0), (x1, y1), (x2, y2) in zip(data, data[1:], data[2:]):
        assert (x1 - x0) * (y2 - y0) != (y1 - y0) * (x2 - x0)


def test_zonotope_claim_reports_the_exact_counts_of_figure_1():
    verdict = _claims()["ABMM-Thm3.9"].check(False)
    counts = {row["instance"].split(":")[0]: row for row in verdict.details["counts"]}
    left, middle, right = counts["Fig. 1 left"], counts["Fig. 1 middle"], counts["Fig. 1 right"]
    assert (left["exact_pieces"], left["stated"], left["bounded"]) == (17, 8, 16)
    assert (middle["exact_pieces"], middle["stated"]) == (33, 16)
    assert (right["exact_pieces"], right["stated"]) == (65, 32)
    assert left["planar_region_count_in_box"] == 17


# -- h_a, H, the sawtooth ----------------------------------------------------------------------

def test_hard_function_by_hand():
    h = hard_function([F(1, 4), F(1, 2)], M=2)  # p = 2: (0,0) (1/4,2) (1/2,0) (2,2), then slope 4/3
    assert h == PiecewiseLinear([0, F(1, 4), F(1, 2)], [0, 2, 0], 0, F(4, 3))
    assert h(2) == 2 and h(-3) == 0 and h(5) == 6
    assert piece_count(h) == 4 and piece_count(h, (0, 2)) == 3
    net = hard_function_net([F(1, 4), F(1, 2)], M=2)
    assert net.size == 3 and net.depth == 2  # w = p + 1 = 3 ReLUs
    assert net.layers[1].weights[0] == (8, -16, F(28, 3))  # first slope, then the slope changes
    assert pwl_from_network(net) == h
    h_odd = hard_function([F(1, 2)])  # p = 1 ends at (1, 0) and keeps falling
    assert h_odd(1) == 0 and h_odd(2) == -2


def test_simplex_membership_is_checked():
    assert simplex_point(["1/3", "2/3"]) == (F(1, 3), F(2, 3))
    for bad in ([0, F(1, 2)], [F(1, 2), F(1, 3)], [F(1, 2), 1], []):
        with pytest.raises(InputError):
            simplex_point(bad)
    with pytest.raises(InputError):
        simplex_point([F(1, 2)], M=0)


def test_compositions_multiply_pieces():
    # CLAIMS.md ABMM-LemB.1: widths (2), (3), (4), (2,4) and (4,3,4) give 2, 3, 4, 8 and 48 pieces on [0,1]
    cases = [([[F(1, 2)]], 2), ([[F(1, 3), F(1, 2)]], 3), ([[F(1, 5), F(1, 2), F(3, 4)]], 4),
             ([[F(2, 5)], [F(1, 7), F(2, 7), F(5, 7)]], 8),
             ([[F(1, 9), F(1, 3), F(2, 3)], [F(1, 4), F(3, 4)], [F(1, 6), F(1, 2), F(4, 5)]], 48)]
    for a_list, expected in cases:
        H = hard_composition(a_list)
        assert piece_count(H, (0, 1)) == expected
        net = hard_composition_net(a_list)
        assert net.hidden_layers == len(a_list) and net.size == sum(len(a) + 1 for a in a_list)
        assert pwl_from_network(net) == H
        for x in (F(1, 3), F(5, 7), F(9, 8), F(-1, 2)):
            assert evaluate(net, [x])[0] == H(x)
    fig2 = hard_composition([[F(1, 3), F(2, 3)], [F(1, 2)]])
    assert piece_count(fig2, (0, 1)) == 6  # ABMM Fig. 2: 3 x 2


def test_sawtooth_is_the_tent_map_iterated():
    for L in range(1, 7):
        f = pwl_from_network(sawtooth_net(L))
        assert f == sawtooth(L)
        assert piece_count(f, (0, 1)) == 2 ** L and piece_count(f) == 2 ** L + 2
        assert kinks(f) == tuple(F(i, 2 ** L) for i in range(2 ** L + 1))
    assert sawtooth_net(3).size == 9
    with pytest.raises(InputError):
        sawtooth_net(0)


# -- the calculators -----------------------------------------------------------------------------

def test_lemma_d5_and_d6_numbers_by_hand():
    assert lemma_d5_bound([3]) == 4 and lemma_d5_bound([2, 3]) == 2 * 3 * 3 and lemma_d5_bound([1, 1, 1]) == 8
    assert max_pieces(1, 5) == 6  # one hidden layer: w + 1
    assert max_pieces(2, 5) == 2 * 3 * 3  # v = (w1 + 1, w2) sums to 6: (3, 3)
    assert max_pieces(3, 3) == 8
    # brute force over all width splits agrees with the balanced formula
    for k in range(1, 4):
        for s in range(k, 12):
            best = 0
            def walk(prefix):
                nonlocal best
                if len(prefix) == k:
                    if sum(prefix) == s:
                        best = max(best, lemma_d5_bound(prefix))
                    return
                for w in range(1, s - sum(prefix) + 1):
                    walk(prefix + [w])
            walk([])
            assert max_pieces(k, s) == best
    assert min_size_for_pieces(6, 1) == 5 and min_size_for_pieces(7, 1) == 6
    assert min_size_for_pieces(18, 2) == 5 and min_size_for_pieces(19, 2) == 6
    assert stated_size_bound_holds(5, 2, 18) and not stated_size_bound_holds(2, 2, 18)


def test_depth_gap_numbers():
    gap = depth_gap(3, 3)
    assert (gap.deep_depth, gap.deep_size, gap.pieces) == (4, 9, 27)
    assert gap.shallow_min_size == {1: 26, 2: 7, 3: 5}  # 2 hidden layers: v = (4, 4) gives 32 >= 27, (4, 3) gives 24
    assert all(gap.stated_bound_met.values())
    # the bound (1/2) k' w^(k/k') - 1 as exact integer comparisons: k'=1 -> w^k/2 - 1
    assert thm31_bound_holds(13, 1, 3, 3) and not thm31_bound_holds(12, 1, 3, 3)  # 27/2 - 1 = 25/2
    facts = super_exponential_gap(3)
    assert facts["deep_depth"] == 10 and facts["deep_size"] == 27 and facts["pieces"] == 3 ** 9
    assert facts["stated_shallow_size"] == F(79, 2)  # (1/2) 3^4 - 1
    assert facts["shallow_min_size"] >= facts["stated_shallow_size"]
    assert super_exponential_gap(2, 1)["pieces"] == 4
    with pytest.raises(InputError):
        depth_gap(2, 1)


# -- zonotopes -------------------------------------------------------------------------------------

def test_gauge_is_sum_of_absolute_values_and_l1_norm():
    l1 = zonotope_gauge_net([(0, 1), (1, 0)])
    assert l1.size == 4 and l1.depth == 2
    for x in [(F(3, 2), F(-1, 3)), (0, 0), (-2, 5)]:
        assert evaluate(l1, x)[0] == abs(F(x[0])) + abs(F(x[1]))
    gens = [(F(1, 4), F(1, 2)), (F(-1, 2), 0), (0, F(-1, 4)), (F(-1, 4), F(-1, 4))]
    g = zonotope_gauge_net(gens)
    x = (F(2, 3), F(-5, 7))
    assert evaluate(g, x)[0] == sum(abs(b[0] * x[0] + b[1] * x[1]) for b in gens)
    assert zonotope_vertex_count(gens) == 8 and zonotope_general_position(gens)
    assert zonotope_vertex_count([(1, 0), (2, 0), (0, 1)]) == 4 and not zonotope_general_position([(1, 0), (2, 0)])
    with pytest.raises(InputError):
        zonotope_gauge_net([(0, 0)])


def test_zonotope_network_shape_and_exact_piece_counts():
    half = [[F(1, 2)], [F(1, 2)]]
    net = zonotope_net(half, [(0, 1), (1, 0)])
    assert net.depth == 2 + 2 and net.size == 2 * 2 + 2 * 2  # depth k + 2, size 2m + wk
    H = hard_composition(half)
    count = zonotope_piece_count_2d(H, [(0, 1), (1, 0)])
    assert (count.cones, count.bands, count.flat_bands, count.pieces, count.bounded) == (4, 5, 1, 17, 16)
    assert thm39_stated_pieces(2, 2, 2, 2) == 8  # the paper's count is half of the inside count
    # the independent planar enumeration gives the same 17 in a box holding the unit l1 ball
    assert len(merge_equal_pieces(linear_regions_2d(net, (-2, 2)))) == 17
    # one h (k = 1): H keeps falling beyond 1, so no band is flat and the outside splits by cones
    one = zonotope_piece_count_2d(hard_function([F(1, 2)]), [(0, 1), (1, 0)])
    assert (one.pieces, one.bounded, one.unbounded) == (8, 4, 4)
    one_net = zonotope_net([[F(1, 2)]], [(0, 1), (1, 0)])
    assert len(merge_equal_pieces(linear_regions_2d(one_net, (-3, 3)))) == 8
    # parallel generators: fewer cones (a parallelogram has 4 vertices)
    assert zonotope_piece_count_2d(H, [(1, 0), (2, 0), (0, 1)]).pieces == 17
    # all generators on one line: two half-planes
    assert zonotope_piece_count_2d(H, [(1, 1)]).cones == 2


def test_stated_zonotope_count_formula():
    assert thm39_stated_pieces(2, 4, 2, 3) == (1 + 3) * 8
    assert thm39_stated_pieces(3, 5, 3, 2) == (1 + 4 + 6) * 9
    assert thm39_stated_pieces(1, 7, 2, 1) == 2
