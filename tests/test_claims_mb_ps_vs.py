"""Unit tests for the helpers behind the MB, PS and VS claims of ``exactnets prove``.

Each test pins a formula with values worked out by hand or by an independent brute force, so a
wrong formula fails here before it can hide inside a claim check.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.constructions.mukherjee_basu import (
    andreev_restrictions, andreev_shift, binomial_upper_tail, claim1_check, exp_upper_bound, is_removable,
    ltf_is_constant, relu_gate_status, restrict_affine, restrict_andreev, restricted_range, top_nonzero_shift,
)
from exactnets.constructions.pan_srikumar import (
    count_regions, in_general_position, inequality_systems, lemma2_grid_search, lemma2_triangle_net, relu_to_threshold, relu_to_threshold_single_sign,
    running_example_net, sec5_dataset, sec5_generator_net, zaslavsky_count,
)
from exactnets.constructions.vardi_shamir import (
    binary_widths, bit_extraction_net, iterated_addition_circuit, large_value_error_bound, large_value_net,
    max_weight, output_bounds, relu_net_in_binary, small_weight_depth, value_bound,
)
from exactnets.errors import InputError
from exactnets.evaluate import evaluate, evaluate_batch, evaluate_cube
from exactnets.network import Layer, Network
from proofs import all_claims

# -- MB: Andreev restrictions (Def. 5, Claim 2) ------------------------------------------------------


def test_andreev_restrictions_count_and_shape():
    for n, (k, columns) in ((4, (1, 2)), (8, (2, 2))):
        rhos = list(andreev_restrictions(n))
        assert len(rhos) == columns**k * 2**(n // 2) * 2**(k * (columns - 1))
        assert len(set(rhos)) == len(rhos)
        for rho in rhos:
            assert all(v is not None for v in rho[: n // 2])
            rows = [rho[n // 2 + i * columns: n // 2 + (i + 1) * columns] for i in range(k)]
            assert all(sum(v is None for v in row) == 1 for row in rows)


def test_restrict_andreev_by_hand():
    # n = 4: t = (t0, t1) = (1, 0); the single row (a0, a1) has a0 free and a1 = 1, so c = 1
    rho = (1, 0, None, 1)
    assert andreev_shift(rho) == 1
    assert restrict_andreev(rho) == (0, 1)  # y = 0 -> t[0 xor 1] = t1 = 0; y = 1 -> t[0] = 1
    # n = 8: rows (None, 1) and (0, None): c = (1, 0) = 2; t = 0,1,1,0
    rho8 = (0, 1, 1, 0, None, 1, 0, None)
    assert andreev_shift(rho8) == 2
    assert restrict_andreev(rho8) == tuple(rho8[y ^ 2] for y in range(4)) == (1, 0, 0, 1)


def test_andreev_shift_refuses_a_row_without_exactly_one_free_bit():
    with pytest.raises(InputError):
        andreev_shift((0, 1, None, None))
    with pytest.raises(InputError):
        andreev_shift((0, 1, 1, 1))


# -- MB: removable gates ---------------------------------------------------------------------------


def test_restricted_range_by_hand():
    w, b = [2, -3, 1], 1
    assert restrict_affine(w, b, (None, 1, None)) == ((2, 1), -2)
    assert restricted_range(w, b, (None, 1, None)) == (-5, 1)  # -2 -+ (2 + 1)
    assert restricted_range(w, b, (None, 1, None), "01") == (-2, 1)  # -2 + 0 .. -2 + 3


def test_relu_gate_status_cases_and_the_tie_at_zero():
    assert relu_gate_status([1, 1], -3, (None, 1)) == "zero"  # -2 -+ 1 <= 0
    assert relu_gate_status([1, 1], 3, (None, -1)) == "linear"  # 2 -+ 1 >= 0
    assert relu_gate_status([1, 1], -1, (None, 1)) == "live"  # 0 -+ 1
    # argument -1 -+ 1 = {-2, 0}: the ReLU is constant 0, the LTF (sgn(0) = +1) is not constant
    assert relu_gate_status([1], -1, (None,)) == "zero" and is_removable([1], -1, (None,))
    assert not ltf_is_constant([1], -1, (None,))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=1, max_size=6), st.integers(-4, 4), st.data(), st.sampled_from(["pm1", "01"]))
def test_restricted_range_equals_brute_force(weights, bias, data, kind):
    values = (-1, 1) if kind == "pm1" else (0, 1)
    rho = tuple(data.draw(st.sampled_from([None, *values])) for _ in weights)
    free = [i for i, v in enumerate(rho) if v is None]
    seen = []
    for choice in itertools.product(values, repeat=len(free)):
        x = list(rho)
        for i, v in zip(free, choice):
            x[i] = v
        seen.append(bias + sum(w * v for w, v in zip(weights, x)))
    assert restricted_range(weights, bias, rho, kind) == (min(seen), max(seen))
    relus = [max(v, 0) for v in seen]
    assert is_removable(weights, bias, rho, kind) == (all(v == 0 for v in relus) or relus == seen)


# -- MB: Claim 1 -----------------------------------------------------------------------------------


def test_binomial_upper_tail_by_hand():
    assert binomial_upper_tail(4, 3) == Fraction(5, 16)
    assert binomial_upper_tail(4, 0) == 1 and binomial_upper_tail(4, 5) == 0
    assert binomial_upper_tail(10, 6) == Fraction(sum(math.comb(10, j) for j in range(6, 11)), 1024)


def test_exp_upper_bound_is_an_upper_bound_and_tight():
    assert exp_upper_bound(0) == 1
    for x in (Fraction(1, 3), Fraction(1), Fraction(5, 2), Fraction(17)):
        lower = Fraction(0)
        term = Fraction(1)
        for k in range(80):  # partial sums of the series are lower bounds of e^x
            lower += term
            term = term * x / (k + 1)
        upper = exp_upper_bound(x)
        assert lower <= upper
        assert upper - lower < lower * Fraction(1, 10**7)
    with pytest.raises(InputError):
        exp_upper_bound(-1)


def test_claim1_small_cases():
    holds, worst = claim1_check(1)
    # N = 2, m = 2: tail 1/4, eps = 1/2, 2 N eps^2 = 1: the ratio is e/4 = 0.6795...
    assert holds and Fraction(679, 1000) < worst < Fraction(680, 1000)
    assert all(claim1_check(n)[0] for n in range(2, 7))


# -- MB: top LTF shifted off 0 ---------------------------------------------------------------------


def test_top_nonzero_shift_by_hand():
    # top input -R(x) on {-1, 1}: values 0 (x = -1) and -1 (x = 1): p = 1, bias 0 -> 1/2
    net = Network(1, [Layer("relu", [[1]], [0]), Layer("ltf", [[-1]], [0])])
    shifted, p = top_nonzero_shift(net)
    assert p == 1 and shifted.layers[-1].bias == (Fraction(1, 2),)
    assert evaluate_cube(shifted).numerators.tolist() == evaluate_cube(net).numerators.tolist()
    net2 = Network(1, [Layer("relu", [[Fraction(1, 3)]], [0]), Layer("ltf", [[-1]], [0])])
    assert top_nonzero_shift(net2)[1] == Fraction(1, 3)
    with pytest.raises(InputError):
        top_nonzero_shift(Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [0])]))


# -- PS: running example, Lemma 2, Sec. 5 ----------------------------------------------------------


def test_running_example_systems_are_eq5():
    tests = {str(t) for t in inequality_systems(running_example_net())}
    eq5 = {"w0 >= 0", "w0 + a1 >= 0", "w0 - a2 >= 0", "w0 + a1 - a2 >= 0", "w0 - a3 >= 0", "w0 + a1 - a3 >= 0",
           "w0 - a2 - a3 >= 0", "w0 + a1 - a2 - a3 >= 0"}
    assert tests == eq5


def test_fig2_counterexample_point_is_decided_right_by_the_corrected_dnf():
    net = running_example_net()
    x = (1, -1, 1)  # the point refuting Fig. 2 as printed
    assert evaluate(net, x)[0] == -1
    assert evaluate(relu_to_threshold(net, "dnf"), x)[0] == -1
    assert evaluate(relu_to_threshold(net, "cnf"), x)[0] == -1


def test_lemma2_grid_search_small_grid():
    triangle = lemma2_triangle_net()
    grid = [(Fraction(i, 2), Fraction(j, 2)) for i in range(-2, 4) for j in range(-2, 4)]
    answer, _ = lemma2_grid_search(triangle, grid, 1, 1)
    assert answer == "unsat"
    answer, net = lemma2_grid_search(triangle, grid, 0, 3)
    assert answer == "sat"
    assert all((evaluate(net, p)[0] >= 0) == (evaluate(triangle, p)[0] >= 0) for p in grid)


def test_sec5_generator_and_data_are_seeded_and_exact():
    net = sec5_generator_net(3, 3, "t")
    assert net == sec5_generator_net(3, 3, "t") and net != sec5_generator_net(3, 3, "u")
    assert all(w > 0 for w in net.layers[1].weights[0])
    points, labels = sec5_dataset(net, 50, "t")
    again, _ = sec5_dataset(net, 50, "t")
    assert points.shape == (50, 3) and (points == again).all()
    assert np.abs(points).max() <= 1000
    for p, y in zip(points[:10], labels[:10]):
        assert evaluate(net, [int(v) for v in p])[0] == y
    threshold = relu_to_threshold_single_sign(net)
    assert threshold.layers[0].out_dim == 7
    assert (np.where(evaluate_batch(threshold, points).numerators[:, 0] >= 0, 1, -1) == labels).all()


def test_arrangement_regions_and_general_position():
    lines = [([1, 0], 0), ([0, 1], 0), ([1, 1], -1)]
    assert in_general_position(lines) and count_regions(lines) == zaslavsky_count(3, 2) == 7
    parallel = [([1, 0], 0), ([2, 0], -1)]  # two parallel lines: 3 regions, not C(2,0)+C(2,1)+C(2,2) = 4
    assert not in_general_position(parallel) and count_regions(parallel) == 3
    concurrent = [([1, 0], 0), ([0, 1], 0), ([1, 1], 0)]  # three lines through 0: 6 regions, not 7
    assert not in_general_position(concurrent) and count_regions(concurrent) == 6
    assert zaslavsky_count(5, 3) == 1 + 5 + 10 + 10


# -- VS: binary pieces and the value audit ---------------------------------------------------------


@pytest.mark.parametrize("bits", [1, 2, 3, 5])
def test_bit_extraction(bits):
    step, relu = bit_extraction_net(bits), bit_extraction_net(bits, "relu")
    assert step.layers[0].out_dim == 2**(bits + 1) - bits - 2
    assert relu.layers[0].out_dim == 2 * step.layers[0].out_dim
    for t in range(2**bits):
        want = tuple(Fraction(t >> (bits - 1 - j) & 1) for j in range(bits))
        assert evaluate(step, [t]) == want and evaluate(relu, [t]) == want


def test_iterated_addition_by_brute_force():
    circuit = iterated_addition_circuit(3, 2)
    assert circuit.output_dim == 4 and circuit.depth == 2 and max_weight(circuit) == 2
    out = evaluate_cube(circuit, "01").numerators
    for i in range(64):
        x = [(i >> 4) & 3, (i >> 2) & 3, i & 3]
        assert out[i].tolist() == [sum(x) >> (3 - j) & 1 for j in range(4)]


def test_relu_net_in_binary_by_hand():
    net = Network(1, [Layer("relu", [[1]], [-2]), Layer("linear", [[-3]], [1])])  # 1 - 3 R(x - 2)
    assert binary_widths(net, 2) == [[3]]  # x - 2 in [-2, 1] fits in [-4, 4)
    circuit = relu_net_in_binary(net, 2)
    assert circuit.depth == 4 <= small_weight_depth(2) == 9
    assert [evaluate(circuit, [x >> 1 & 1, x & 1])[0] for x in range(4)] == [1, 1, 1, -2]
    with pytest.raises(InputError):
        relu_net_in_binary(Network(1, [Layer("relu", [[Fraction(1, 2)]], [0]), Layer("linear", [[1]], [0])]), 2)


def test_value_audit_by_hand():
    assert output_bounds(large_value_net(5), [0] * 5, [1] * 5) == [(0, 32)]
    net = Network(2, [Layer("relu", [[1, -1], [2, 0]], [0, -1]), Layer("linear", [[1, -1]], [3])])
    # R(x1 - x2) in [0, 1], R(2 x1 - 1) in [0, 1]: output in [3 - 1, 3 + 1]
    assert output_bounds(net, [0, 0], [1, 1]) == [(2, 4)]
    assert value_bound(2, 2, 2, 1) == 7  # 1 * (2 + 1) = 3, then 2 * 1 * 3 + 1
    assert large_value_error_bound(3, 1) == Fraction(9, 2) and large_value_error_bound(3, 4) == 0


# -- the claims themselves -------------------------------------------------------------------------


def test_the_new_claims_are_registered_with_the_expected_kind():
    claims = {c.id: c for c in all_claims()}
    proved_ids = ["MB-Def1-Andreev", "MB-Def5-Claim2", "MB-Removable", "MB-Claim1", "MB-TopNonzero", "PS-Def-Nets",
                  "PS-Fig2", "PS-Lemma2", "PS-Tn", "EXP-PS-Sec5", "VS-Ex-LargeValues", "VS-Thm-SmallWeights",
                  "PS-Thm1", "PS-Sec3.1", "PS-Thm2", "PS-Lemma1", "PS-Ex3to2", "PS-Lemma3", "PS-Thm3", "VS-TC-gadget"]
    misprints = ["PS-Sec3.1-as-printed", "PS-Ex3to2-as-printed", "PS-Lemma1-as-printed", "PS-Thm1-as-printed",
                 "PS-Fig2-as-printed", "PS-Thm3-as-printed", "MB-AppA-as-printed", "MB-Def1-Andreev-as-printed",
                 "MB-Lemma2.1-as-printed"]
    for claim_id in proved_ids:
        assert claims[claim_id].expect == "proved", claim_id
    for claim_id in misprints:
        assert claims[claim_id].expect == "refuted", claim_id
    # the moved claims live in their paper's module now
    assert claims["PS-Thm1"].check.__module__ == "proofs.pan_srikumar"
    assert claims["VS-TC-gadget"].check.__module__ == "proofs.vardi_shamir"
