"""Product distributions: exact expectations and correlations against brute-force Fraction sums."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

from exactnets.boolean import (
    TruthTable,
    and_,
    bias,
    coordinate_correlation,
    correlation,
    fourier_coefficients,
    majority,
    parity,
    product_distribution_expectation,
    set_mask,
)
from exactnets.errors import FloatRefusedError, InputError, ShapeError
from tests.strategies import rationals

#: Exact probabilities: small denominators often (0 and 1 included), sometimes up to 10^12.
probabilities = st.builds(Fraction, st.integers(0, 30), st.just(30)) | st.integers(1, 10**12).flatmap(
    lambda d: st.builds(Fraction, st.integers(0, d), st.just(d))
)


def weight(x: tuple[int, ...], p) -> Fraction:
    return math.prod((Fraction(pi) if xi == 1 else 1 - Fraction(pi) for xi, pi in zip(x, p)), start=Fraction(1))


def brute_expectation(values, p) -> Fraction:
    n = len(p)
    return sum(
        (Fraction(v) * weight(x, p) for v, x in zip(values, itertools.product((1, -1), repeat=n))), Fraction(0)
    )


@st.composite
def table_and_p(draw, max_n: int = 6):
    n = draw(st.integers(0, max_n))
    f = TruthTable(n, draw(st.lists(st.sampled_from([-1, 1]), min_size=2**n, max_size=2**n)))
    return f, draw(st.lists(probabilities, min_size=n, max_size=n))


@given(table_and_p())
def test_expectation_matches_brute_force(case):
    f, p = case
    expected = brute_expectation(f.values.tolist(), p)
    assert product_distribution_expectation(f, p) == expected == bias(f, p)
    assert type(bias(f, p)) is Fraction


@given(st.integers(0, 5).flatmap(lambda n: st.tuples(
    st.lists(rationals(), min_size=2**n, max_size=2**n), st.lists(probabilities, min_size=n, max_size=n))))
def test_expectation_of_rational_functions(case):
    values, p = case
    assert product_distribution_expectation(values, p) == brute_expectation(values, p)


@given(table_and_p(max_n=5), st.data())
def test_correlations_match_brute_force(case, data):
    f, p = case
    n = f.n
    g = TruthTable(n, data.draw(st.lists(st.sampled_from([-1, 1]), min_size=2**n, max_size=2**n)))
    products = [a * b for a, b in zip(f.values.tolist(), g.values.tolist())]
    assert correlation(f, g, p) == brute_expectation(products, p)
    assert correlation(f, f, p) == 1
    for i in range(n):
        with_coordinate = [v * x[i] for v, x in zip(f.values.tolist(), itertools.product((1, -1), repeat=n))]
        assert coordinate_correlation(f, i, p) == brute_expectation(with_coordinate, p)


@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(rationals(), min_size=2**n, max_size=2**n),
    st.lists(rationals(), min_size=2**n, max_size=2**n),
    st.lists(probabilities, min_size=n, max_size=n))))
def test_correlation_of_rational_functions(case):
    f, g, p = case
    assert correlation(f, g, p) == brute_expectation([a * b for a, b in zip(f, g)], p)
    n = len(p)
    for i in range(n):
        expected = brute_expectation([v * x[i] for v, x in zip(f, itertools.product((1, -1), repeat=n))], p)
        assert coordinate_correlation(f, i, p) == expected


@given(table_and_p(max_n=6))
def test_uniform_distribution_gives_fourier_coefficients(case):
    f, _ = case
    half = ["1/2"] * f.n
    coefficients = fourier_coefficients(f)
    assert bias(f, half) == coefficients[0]
    for i in range(f.n):
        assert coordinate_correlation(f, i, half) == coefficients[set_mask(f.n, {i})]


def test_parity_bias_and_correlation_formulas_of_ms_lemma_6():
    # MS Lemma 6 (CLAIMS.md MS-Lemma6): E[y] = prod_{j in I} (2 p_j - 1) for y = prod_{j in I} x_j,
    # and E[x_j y] = prod_{j' in I, j' != j} (2 p_j' - 1).
    p = [Fraction(3, 5), Fraction(1, 7), Fraction(9, 10), Fraction(1, 3), Fraction(2, 9)]
    f = parity(5)
    assert bias(f, p) == math.prod(2 * q - 1 for q in p)
    for j in range(5):
        assert coordinate_correlation(f, j, p) == math.prod(2 * q - 1 for k, q in enumerate(p) if k != j)


def test_parity_at_n_20_with_large_denominators():
    p = [Fraction(k + 1, 10**9 + 7 * k) for k in range(20)]  # denominators ~ 1e9: beyond int64 after 2 steps
    assert bias(parity(20), p) == math.prod(2 * q - 1 for q in p)
    assert bias(TruthTable(20, np.ones(2**20, dtype=np.int8)), ["0.6"] * 20) == 1


def test_known_values():
    assert bias(and_(2), ["1/2", "1/2"]) == Fraction(-1, 2)
    assert bias(and_(3), ["0.9"] * 3) == 2 * Fraction(9, 10) ** 3 - 1
    assert bias(majority(3), [1, 1, 0]) == 1
    assert bias(majority(3), [0, 0, 1]) == -1
    assert bias(TruthTable(0, [-1]), []) == -1
    assert product_distribution_expectation(["1/2", "1/3"], ["1/4"]) == Fraction(1, 4) * Fraction(1, 2) + Fraction(3, 4) * Fraction(1, 3)


def test_probability_errors():
    f = majority(3)
    with pytest.raises(InputError, match=r"p\[1\] = 3/2 is not a probability; expected a rational in \[0, 1\]"):
        bias(f, ["1/2", "3/2", 0])
    with pytest.raises(InputError, match="not a probability"):
        bias(f, [-1, 0, 0])
    with pytest.raises(ShapeError, match="expected 3, got 2"):
        bias(f, ["1/2", "1/2"])
    with pytest.raises(FloatRefusedError):
        bias(f, [0.5, 0.5, 0.5])
    with pytest.raises(InputError, match="string"):
        bias(f, "0.5")
    with pytest.raises(ShapeError, match="same cube"):
        correlation(majority(3), parity(2), ["1/2"] * 3)
    with pytest.raises(InputError, match="not an index"):
        coordinate_correlation(f, 3, ["1/2"] * 3)
