"""Exact Fourier analysis: the transform against its definition, inversion, degree, influences."""

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
    fourier_coefficients,
    fourier_coefficients_int,
    fourier_degree,
    influence,
    influences,
    integer_values,
    inverse_fourier,
    majority,
    mask_set,
    parity,
    set_mask,
    total_influence,
    walsh_hadamard,
)
from exactnets.errors import FloatRefusedError, InputError, ShapeError
from tests.strategies import rationals, wide_rationals


@st.composite
def tables(draw, max_n: int = 6) -> TruthTable:
    n = draw(st.integers(0, max_n))
    return TruthTable(n, draw(st.lists(st.sampled_from([-1, 1]), min_size=2**n, max_size=2**n)))


@st.composite
def rational_functions(draw, max_n: int = 5, values=None) -> list[Fraction]:
    n = draw(st.integers(0, max_n))
    return draw(st.lists(values if values is not None else rationals(), min_size=2**n, max_size=2**n))


def points(n: int):
    return list(itertools.product((1, -1), repeat=n))


def chi(subset: frozenset[int], x: tuple[int, ...]) -> int:
    return math.prod(x[j] for j in subset)


def brute_coefficients(values) -> list[Fraction]:
    """The definition f^(S) = 2^-n sum_x f(x) chi_S(x), one set at a time, in Fractions."""
    n = len(values).bit_length() - 1
    result = []
    for mask in range(2**n):
        subset = frozenset(j for j in range(n) if mask >> (n - 1 - j) & 1)
        total = sum((Fraction(v) * chi(subset, x) for v, x in zip(values, points(n))), Fraction(0))
        result.append(total / 2**n)
    return result


def brute_influence(f: TruthTable, i: int) -> Fraction:
    """P_x[f(x) != f(x with coordinate i flipped)], by counting points."""
    differ = 0
    for x in points(f.n):
        y = list(x)
        y[i] = -y[i]
        differ += f(x) != f(tuple(y))
    return Fraction(differ, 2**f.n)


@given(tables())
def test_coefficients_of_tables_match_the_definition(f):
    coefficients = fourier_coefficients(f)
    assert list(coefficients) == brute_coefficients(f.values.tolist())
    assert all(type(c) is Fraction for c in coefficients)
    assert sum(c * c for c in coefficients) == 1  # Parseval for a Boolean function


@given(rational_functions())
def test_coefficients_of_rational_functions_match_the_definition(values):
    assert list(fourier_coefficients(values)) == brute_coefficients(values)


@given(tables(max_n=7))
def test_inversion_of_tables_is_exact(f):
    values = inverse_fourier(fourier_coefficients(f))
    assert TruthTable.from_values(values) == f
    assert values == tuple(Fraction(v) for v in f.values.tolist())


@given(rational_functions(max_n=6))
def test_inversion_of_rational_functions_is_exact(values):
    assert inverse_fourier(fourier_coefficients(values)) == tuple(values)
    assert fourier_coefficients(inverse_fourier(values)) == tuple(values)  # the transform is an involution up to 2^n


@given(rational_functions(max_n=4, values=wide_rationals()))
def test_inversion_beyond_int64(values):
    assert inverse_fourier(fourier_coefficients(values)) == tuple(values)
    assert list(fourier_coefficients(values)) == brute_coefficients(values)


def test_random_tables_with_numpy_generator():
    rng = np.random.default_rng(20260524)
    for n in range(1, 11):
        f = TruthTable(n, rng.choice(np.array([-1, 1]), 2**n))
        integers, denominator = fourier_coefficients_int(f)
        assert denominator == 2**n and integers.dtype == np.int64
        assert inverse_fourier(fourier_coefficients(f)) == tuple(Fraction(int(v)) for v in f.values)
        assert sum(int(c) ** 2 for c in integers) == 4**n


def test_mask_order_is_msb_first():
    n = 4
    for j in range(n):
        dictator = TruthTable.from_function(n, lambda x, j=j: x[j])
        coefficients = fourier_coefficients(dictator)
        assert coefficients[1 << (n - 1 - j)] == 1 == coefficients[set_mask(n, {j})]
        assert sum(abs(c) for c in coefficients) == 1
    assert mask_set(4, set_mask(4, {0, 3})) == {0, 3}
    f = TruthTable.from_function(3, lambda x: x[0] * x[1])
    assert fourier_coefficients(f)[0b110] == 1
    with pytest.raises(InputError):
        set_mask(3, {3})
    with pytest.raises(InputError):
        mask_set(3, 8)


def test_known_spectra():
    assert [str(c) for c in fourier_coefficients(majority(3))] == ["0", "1/2", "1/2", "0", "1/2", "0", "0", "-1/2"]
    assert fourier_coefficients(parity(3)) == (0,) * 7 + (1,)
    # AND (+1 = true) = -1 + 2 prod (1 + x_i)/2: coefficients -1 + 2/4 at the empty set, 2/4 elsewhere
    assert fourier_coefficients(and_(2)) == (Fraction(-1, 2), Fraction(1, 2), Fraction(1, 2), Fraction(1, 2))
    assert fourier_coefficients([7]) == (Fraction(7),)
    integers, denominator = fourier_coefficients_int(["1/3", "1/2"])
    assert integers.tolist() == [5, -1] and denominator == 12


def test_walsh_hadamard_is_its_own_inverse_up_to_2n():
    rng = np.random.default_rng(1)
    for n in range(0, 9):
        values = rng.integers(-1000, 1000, 2**n)
        twice = walsh_hadamard(walsh_hadamard(values))
        assert twice.tolist() == [int(v) * 2**n for v in values]


def test_walsh_hadamard_switches_to_python_integers_when_int64_could_overflow():
    small = walsh_hadamard([2**61 - 1, 0])  # bound (2^61 - 1) * 2 < 2^62: int64
    assert small.dtype == np.int64
    big = walsh_hadamard([2**61, 2**61])  # bound 2^62: Python ints
    assert big.dtype == object and big.tolist() == [2**62, 0]
    huge = [3**50, -(5**40), 7**30, 1]
    assert walsh_hadamard(huge).tolist() == [
        sum(v * chi(mask_set(2, s), x) for v, x in zip(huge, points(2))) for s in range(4)
    ]
    assert walsh_hadamard(np.array([2**70, 1], dtype=object)).tolist() == [2**70 + 1, 2**70 - 1]


def test_walsh_hadamard_at_n_20_uses_int64_and_is_exact():
    rng = np.random.default_rng(7)
    values = rng.choice(np.array([-1, 1]), 2**20)
    transform = walsh_hadamard(values)
    assert transform.dtype == np.int64
    assert transform[0] == int(values.sum())
    assert transform[-1] == int(np.sum(values * (1 - 2 * (np.bitwise_count(np.arange(2**20)).astype(np.int64) % 2))))
    assert np.array_equal(walsh_hadamard(transform), values * 2**20)


def test_transform_input_errors():
    with pytest.raises(InputError, match="needs integers"):
        walsh_hadamard([Fraction(1, 2), 1])
    with pytest.raises(InputError, match="needs integers"):
        walsh_hadamard(np.array([0.5, 1.0]))
    with pytest.raises(InputError, match="needs integers"):
        walsh_hadamard([True, 1])
    with pytest.raises(ShapeError, match="not a power of 2"):
        walsh_hadamard([1, 2, 3])
    with pytest.raises(FloatRefusedError):
        fourier_coefficients([0.5, 1])
    with pytest.raises(ShapeError, match="not a power of 2"):
        fourier_coefficients([1, 2, 3])
    with pytest.raises(InputError, match="string"):
        fourier_coefficients("1234")
    with pytest.raises(InputError, match="boolean"):
        fourier_coefficients(np.array([True, False]))


def test_integer_values():
    assert integer_values(TruthTable(1, [1, -1]))[0] == 1
    n, numerators, denominator = integer_values(np.array([4, 6], dtype=np.uint8))
    assert (n, numerators.tolist(), denominator) == (1, [4, 6], 1)
    n, numerators, denominator = integer_values(["1e-3", "1/4"])
    assert numerators.tolist() == [1, 250] and denominator == 1000
    n, numerators, denominator = integer_values([2**80, 1])
    assert numerators.dtype == object and numerators.tolist() == [2**80, 1]


@given(tables())
def test_degree_matches_the_definition(f):
    coefficients = brute_coefficients(f.values.tolist())
    expected = max(bin(mask).count("1") for mask, c in enumerate(coefficients) if c != 0)
    assert fourier_degree(f) == expected


def test_degrees_of_named_functions():
    assert [fourier_degree(parity(n)) for n in range(6)] == list(range(6))
    assert fourier_degree(majority(5)) == 5
    assert fourier_degree(and_(4)) == 4
    assert fourier_degree(TruthTable(3, [1] * 8)) == 0
    assert fourier_degree([0, 0, 0, 0]) == -1
    assert fourier_degree(["1/2", "1/2", "-1/2", "-1/2"]) == 1


@given(tables())
def test_influence_by_definition_equals_fourier_weight(f):
    coefficients = fourier_coefficients(f)
    for i in range(f.n):
        by_fourier = sum((c * c for mask, c in enumerate(coefficients) if mask >> (f.n - 1 - i) & 1), Fraction(0))
        assert influence(f, i) == brute_influence(f, i) == by_fourier
    assert influences(f) == tuple(influence(f, i) for i in range(f.n))
    assert total_influence(f) == sum(influences(f), Fraction(0))


@given(rational_functions(max_n=5))
def test_influence_of_rational_functions_is_the_fourier_weight(values):
    n = len(values).bit_length() - 1
    coefficients = fourier_coefficients(values)
    for i in range(n):
        expected = sum((c * c for mask, c in enumerate(coefficients) if mask >> (n - 1 - i) & 1), Fraction(0))
        assert influence(values, i) == expected


def test_influences_beyond_int64():
    values = [2**70, -(2**70), 3, 2**65]
    coefficients = fourier_coefficients(values)
    for i in range(2):
        expected = sum((c * c for mask, c in enumerate(coefficients) if mask >> (1 - i) & 1), Fraction(0))
        assert influence(values, i) == expected


def test_known_influences():
    assert influences(majority(3)) == (Fraction(1, 2),) * 3
    assert influences(majority(5)) == (Fraction(3, 8),) * 5  # C(4,2) / 2^4
    assert total_influence(parity(6)) == 6
    assert influences(and_(3)) == (Fraction(1, 4),) * 3
    assert total_influence(TruthTable(0, [1])) == 0
    with pytest.raises(InputError, match="not an index in 0..2"):
        influence(majority(3), 3)
    with pytest.raises(InputError):
        influence(majority(3), True)
