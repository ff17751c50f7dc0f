"""Sign-rank bounds and their certificates; the MB and MS calculators and rank claims."""

from __future__ import annotations

import copy
import math
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.errors import InputError
from exactnets.evaluate import evaluate_cube
from exactnets.linalg import MatrixSource, named_matrix, network_matrix, rank
from exactnets.linalg.blocks import cube_values
from exactnets.linalg.comm import add_constant
from exactnets.network import Layer, Network
from exactnets.signrank import (
    SpectralBound,
    check_sign_agreement,
    check_spectral_bound,
    decide_sign_rank_at_most,
    forster_bound,
    mb_theorem_2_5,
    ms_lemma_23,
    ms_round_depth2,
    sign_matrix,
    sign_rank_bounds,
    spectral_norm_bound,
    top_nonzero_shift,
    verify_signrank_certificate,
)


def random_signs(seed: int, m: int, n: int) -> np.ndarray:
    return np.random.default_rng(seed).choice(np.array([-1, 1], dtype=np.int8), size=(m, n))


# -- signs and the MB-TopNonzero shift ------------------------------------------------------------------------------

@settings(max_examples=60)
@given(st.lists(st.lists(st.integers(-3, 3), min_size=3, max_size=3), min_size=1, max_size=4))
def test_top_nonzero_shift_keeps_signs_and_removes_zeros(rows):
    delta = top_nonzero_shift(rows)
    shifted = add_constant(network_free(rows), delta)
    ok, _ = check_sign_agreement(sign_matrix(rows), shifted)
    assert ok
    assert rank(shifted, seed=0).rank <= rank(rows, seed=0).rank + 1


def network_free(rows):
    from exactnets.linalg import as_exact_matrix

    return as_exact_matrix(rows)


def test_sign_agreement_reports_the_entry():
    assert check_sign_agreement([[1, -1], [1, 1]], [[2, -1], [0, 1]]) == (False, (1, 0))
    assert check_sign_agreement([[1, -1]], [["1/9", "-1/9"]]) == (True, None)


# -- the certified spectral norm and Forster's bound -------------------------------------------------------------------

@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 6])
def test_forster_on_inner_product_is_sqrt_n(m):
    S = named_matrix("ip", m)
    bound = spectral_norm_bound(S)
    assert bound.T == 2**m and bound.method == "gershgorin"
    assert check_spectral_bound(S, bound)[0]
    assert forster_bound(2**m, 2**m, bound.T) == math.isqrt(2**m - 1) + 1  # ceil(sqrt(N)): ||H|| = sqrt(N)


@pytest.mark.parametrize("seed,size", [(0, 40), (1, 96), (2, 200)])
def test_spectral_bound_on_random_signs_is_tight_and_wrong_bounds_fail(seed, size):
    S = random_signs(seed, size, size - seed)
    bound = spectral_norm_bound(S)
    ok, how = check_spectral_bound(S, bound)
    assert ok, how
    true = np.linalg.norm(S.astype(np.float64), 2) ** 2  # for the test only: how tight is the certified T?
    assert true <= float(bound.T) <= true * 1.01
    too_small = Fraction(math.floor(true * 0.999))
    for method in (SpectralBound(too_small, "gershgorin"),
                   SpectralBound(too_small, "cholesky", bound.margin or Fraction(1), bound.scale_bits or 10),
                   SpectralBound(too_small, "cholesky", Fraction(0), 12)):
        assert not check_spectral_bound(S, method)[0]


def test_forster_bound_integer_rounding():
    assert forster_bound(16, 16, Fraction(16)) == 4
    assert forster_bound(16, 16, Fraction(17)) == 4  # 16/sqrt(17) = 3.88, rounded up
    assert forster_bound(16, 16, Fraction(64)) == 2
    assert forster_bound(16, 16, Fraction(65)) == 2  # 1.98 -> 2
    assert forster_bound(3, 5, Fraction(1, 4)) == 8  # sqrt(15 * 4) = 7.7 -> 8


# -- tiny matrices: exact decisions ---------------------------------------------------------------------------------

def test_sign_rank_of_small_hadamard_is_three():
    S = named_matrix("ip", 2)
    assert decide_sign_rank_at_most(S, 2, timeout=30).status == "refuted"
    witness = decide_sign_rank_at_most(S, 3, timeout=30)
    assert witness.status == "proved"


def test_sign_rank_decisions_with_witnesses():
    assert decide_sign_rank_at_most([[1, -1], [-1, 1]], 1).status == "proved"  # rank one up to sign
    verdict = decide_sign_rank_at_most(named_matrix("disj", 2), 3, timeout=30)
    assert verdict.status == "proved"
    realisation = verdict.details["realisation"]
    assert check_sign_agreement(named_matrix("disj", 2), realisation)[0]
    assert rank(realisation, seed=0).rank <= 3
    big = decide_sign_rank_at_most(random_signs(3, 30, 30), 2)
    assert big.status == "unknown" and "beyond" in big.reason


# -- sign-rank bounds with certificates ----------------------------------------------------------------------------

def test_sign_rank_bounds_for_named_functions():
    disj = sign_rank_bounds(named_matrix("disj", 4), representations=[MatrixSource.representation("disj", 4)], tiny=False)
    assert disj.upper == 5 and disj.lower >= 2
    ip = sign_rank_bounds(named_matrix("ip", 6), tiny=False)
    assert ip.lower == 8 and ip.upper == 64 and ip.lower_evidence.method == "forster"
    small = sign_rank_bounds(named_matrix("ip", 2), timeout=30)
    assert small.lower == small.upper == 3 and small.exact


def test_signrank_certificate_verifies_and_tampering_is_rejected():
    source = MatrixSource.function("disj", 3)
    result = sign_rank_bounds(source.build(), representations=[MatrixSource.representation("disj", 3)],
                              source=source, tiny=False)
    doc = result.to_json()
    assert verify_signrank_certificate(doc).status == "proved"
    bad = copy.deepcopy(doc)
    bad["upper"]["bound"] = 3
    assert verify_signrank_certificate(bad).status == "refuted"
    bad = copy.deepcopy(doc)
    bad["upper"]["representation"] = MatrixSource.representation("disj", 2).to_json()
    verdict = verify_signrank_certificate(bad)  # a 4 x 4 representation for 8 x 8 signs
    assert verdict.status == "refuted" and "shape" in verdict.reason
    bad = copy.deepcopy(doc)
    bad["lower"] = {"bound": 5, "method": "forster", "spectral": {"T": "1", "method": "gershgorin"}}
    assert verify_signrank_certificate(bad).status == "refuted"
    bad = copy.deepcopy(doc)
    bad["lower"] = {"bound": 2, "method": "two-by-two", "rows": [0, 0], "cols": [0, 1]}
    assert verify_signrank_certificate(bad).status == "refuted"
    bad = copy.deepcopy(doc)
    bad["matrix"] = MatrixSource.function("ip", 3).to_json()
    assert verify_signrank_certificate(bad).status == "refuted"


def test_a_representation_with_wrong_signs_is_refused():
    with pytest.raises(InputError, match="does not have the signs"):
        sign_rank_bounds(named_matrix("ip", 2), representations=[MatrixSource.representation("disj", 2)])


def test_network_sign_rank_upper_bound_uses_the_shifted_pre_threshold_matrix():
    net = Network(4, [Layer("relu", [[1, 1, 0, 0], [0, 0, 1, 1], [1, -1, 1, -1]], [0, 0, 1]),
                      Layer("ltf", [[1, -1, 1]], [-1])])
    signs = network_matrix(net, 2, entries="sign")
    pre = network_matrix(net, 2, entries="pre")
    shift = top_nonzero_shift(pre)
    representation = MatrixSource.network(net, 2, "pre", shift=shift)
    result = sign_rank_bounds(signs, representations=[representation], tiny=False)
    assert result.upper <= rank(pre, seed=0).rank + 1
    assert check_sign_agreement(signs, representation.build())[0]


# -- the papers' calculators and rank claims ------------------------------------------------------------------------

def test_mb_theorem_2_5_calculator():
    chain = mb_theorem_2_5([2, 3], 2, 1, sign_rank_lower=64)
    assert chain["mb_printed"] == (2 * 3) ** 2 * 2**2
    assert chain["induction"] == 1 + 3 * (2 * 2 + 1)
    assert chain["layered"] == 2 * 2 + 1
    s = chain["least_size_induction"] - 1
    assert (64 - 1) * 2**2 <= s**2 * 3 and not (64 - 1) * 2**2 <= (s - 1) ** 2 * 3
    with pytest.raises(InputError):
        mb_theorem_2_5([], 2, 1)


def random_integer_depth2(rng: random.Random, n_prime: int, k: int, B: int, activation: str) -> Network:
    hidden = Layer(activation, [[rng.randint(-B, B) for _ in range(2 * n_prime)] for _ in range(k)],
                   [rng.randint(-B, B) for _ in range(k)])
    return Network(2 * n_prime, [hidden, Layer("linear", [[Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(k)]], [0])])


@settings(max_examples=40)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.sampled_from(["relu", "ltf", "hardtanh", "step"]),
       st.integers(0, 2**32))
def test_ms_lemma23_rank_bound_on_random_integer_depth2_nets(n_prime, k, B, activation, seed):
    net = random_integer_depth2(random.Random(seed), n_prime, k, B, activation)
    A = network_matrix(net, n_prime)
    distinct = sum(len(set(np.asarray(cube_values(row[:n_prime])).tolist())) for row in net.layers[0].weights)
    bounds = ms_lemma_23(k, B, n_prime)
    assert rank(A, seed=seed).rank <= distinct <= bounds["rank_refined"]
    shifted = add_constant(A, top_nonzero_shift(A))
    assert rank(shifted, seed=seed).rank <= bounds["refined"] <= bounds["paper"]


@settings(max_examples=30)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(0, 2**32))
def test_ms_theorem12_rounding_error_bound(n_prime, k, B, seed):
    rng = random.Random(seed)
    hidden = Layer("relu", [[Fraction(rng.randint(-5 * B, 5 * B), 5) for _ in range(2 * n_prime)] for _ in range(k)],
                   [Fraction(rng.randint(-5 * B, 5 * B), 5) for _ in range(k)])
    net = Network(2 * n_prime, [hidden, Layer("linear", [[Fraction(rng.randint(-3 * B, 3 * B), 3) for _ in range(k)]],
                                                          [Fraction(1, 7)])])
    g = evaluate_cube(net)
    values = [Fraction(int(v), g.denominator) for v in g.numerators[:, 0]]
    gamma = min(abs(v) for v in values)
    rounded = ms_round_depth2(net, B, gamma)
    hat = evaluate_cube(rounded.network)
    errors = [abs(Fraction(int(v), hat.denominator) - w) for v, w in zip(hat.numerators[:, 0], values)]
    assert max(errors) <= rounded.error_bound <= gamma / 2
    assert rounded.N == math.ceil(2 * B * k * (2 * n_prime + 1) / gamma)


def test_ms_rounding_refuses_out_of_range_weights():
    net = Network(2, [Layer("relu", [[3, 0]], [0]), Layer("linear", [[1]], [0])])
    with pytest.raises(InputError, match=r"\[-B, B\]"):
        ms_round_depth2(net, 2, 1)


def test_rank_claims_are_registered_and_proved_quickly():
    import proofs.rank_claims  # noqa: F401
    from proofs.registry import _REGISTRY

    ids = ["MB-Def2", "MB-Claim4", "MB-Lemma4.1", "MB-Thm2.5", "MS-Lemma23", "MS-Thm12", "MS-Thm11"]
    for cid in ids:
        verdict = _REGISTRY[cid].check(False)
        assert verdict.status == "proved", (cid, verdict)
