"""Named functions: each table against a direct, point-by-point definition, plus hand-computed values.

The reference definitions below loop over every point with itertools.product (in the domains
order: (+1, ..., +1) first, last coordinate fastest) and follow the papers' wording literally.
"""

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
    andreev,
    andreev_bit,
    andreev_parameters,
    arkadev_nikhil,
    communication_matrix,
    disjointness,
    inner_product_mod2,
    majority,
    odd_max_bit,
    or_,
    parity,
    razborov_sherstov,
)
from exactnets.errors import InputError

PM = (1, -1)


def table(n: int, f) -> list[int]:
    """Values of f (a function of a +-1 tuple) over all points, by a plain loop."""
    return [f(x) for x in itertools.product(PM, repeat=n)]


def bit_table(n: int, g) -> list[int]:
    """Values of a 0/1 function g of bits, stored by the bit rule (-1)^o."""
    return [(-1) ** g(z) for z in itertools.product((0, 1), repeat=n)]


# -- reference definitions ----------------------------------------------------------------------

def ref_parity(x):
    return math.prod(x)


def ref_majority(x):
    return 1 if sum(x) >= 0 else -1


def ref_and(x):
    return 1 if all(v == 1 for v in x) else -1


def ref_or(x):
    return -1 if all(v == -1 for v in x) else 1


def ref_ip(m):
    return lambda z: sum(z[i] * z[m + i] for i in range(m)) % 2


def ref_disj(m):
    return lambda z: 1 if not ({i for i in range(m) if z[i]} & {i for i in range(m) if z[m + i]}) else 0


def ref_omb_sum(x):
    """MB eq. (3) literally: -1 iff sum_{i=1}^n (-1)^(i+1) 2^i (1 + x_i) >= 1/2."""
    total = sum(Fraction((-1) ** (i + 1) * 2**i * (1 + x[i - 1])) for i in range(1, len(x) + 1))
    return -1 if total >= Fraction(1, 2) else 1


def ref_omb_index(x):
    """-1 iff the largest 1-based index i with x_i = +1 is odd; +1 if there is none."""
    on = [i for i in range(1, len(x) + 1) if x[i - 1] == 1]
    return -1 if on and max(on) % 2 == 1 else 1


def ref_andreev(z):
    n = len(z)
    k = int(math.log2(n // 2))
    c = (n // 2) // k
    t, a = z[: n // 2], z[n // 2:]
    rows = [a[i * c:(i + 1) * c] for i in range(k)]
    r = [sum(row) % 2 for row in rows]
    return t[int("".join(map(str, r)), 2)]


def ref_arkadev_nikhil(a, b):
    def f(v):
        x, y = v[: a * b], v[a * b:]
        u = []
        for i in range(a):
            xor = [x[i * b + j] * y[i * b + j] for j in range(b)]
            u.append(ref_or(xor))
        return ref_omb_index(u)
    return f


def ref_razborov_sherstov(m):
    def f(v):
        x, y = v[: m**3], v[m**3:]
        def x_and_y(i, j):
            return 1 if x[i * m * m + j] == 1 and y[i * m * m + j] == 1 else -1
        return ref_and([ref_or([x_and_y(i, j) for j in range(m * m)]) for i in range(m)])
    return f


# -- tests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", range(0, 8))
def test_symmetric_functions_against_definitions(n):
    assert parity(n).values.tolist() == table(n, ref_parity)
    assert majority(n).values.tolist() == table(n, ref_majority)
    assert and_(n).values.tolist() == table(n, ref_and)
    assert or_(n).values.tolist() == table(n, ref_or)
    assert odd_max_bit(n).values.tolist() == table(n, ref_omb_index)


@pytest.mark.parametrize("n", range(0, 11))
def test_odd_max_bit_both_formulations_agree(n):
    assert table(n, ref_omb_sum) == table(n, ref_omb_index) == odd_max_bit(n).values.tolist()


@pytest.mark.parametrize("m", range(1, 5))
def test_inner_product_and_disjointness_against_definitions(m):
    assert inner_product_mod2(m).values.tolist() == bit_table(2 * m, ref_ip(m))
    assert disjointness(m).values.tolist() == bit_table(2 * m, ref_disj(m))
    assert inner_product_mod2(m) == TruthTable.from_bit_function(2 * m, ref_ip(m))


def test_hand_computed_values():
    assert parity(3)((1, -1, -1)) == 1 and parity(3)((-1, 1, 1)) == -1
    assert majority(4)((1, 1, -1, -1)) == 1  # tie: sgn(0) = +1
    assert majority(4)((1, -1, -1, -1)) == -1
    assert and_(3).values.tolist() == [1, -1, -1, -1, -1, -1, -1, -1]
    assert or_(3).values.tolist() == [1, 1, 1, 1, 1, 1, 1, -1]
    # IP: x = (-1, -1) has z = (1, 1); y = (-1, +1) has w = (1, 0): <z, w> = 1, value -1
    assert inner_product_mod2(2)((-1, -1, -1, 1)) == -1
    assert inner_product_mod2(2)((-1, -1, -1, -1)) == 1  # <z, w> = 2
    # DISJ: {1} and {2} (bits z = (1, 0), w = (0, 1)) are disjoint: value 1 stored as -1
    assert disjointness(2)((-1, 1, 1, -1)) == -1
    assert disjointness(2)((-1, 1, -1, 1)) == 1  # both contain coordinate 1: intersecting
    # ODD-MAX-BIT on 3 inputs: largest +1 at index 3 (odd) -> -1; at index 2 -> +1
    assert odd_max_bit(3)((-1, -1, 1)) == -1
    assert odd_max_bit(3)((1, 1, -1)) == 1
    assert odd_max_bit(3)((1, -1, -1)) == -1
    assert odd_max_bit(3)((-1, -1, -1)) == 1


@pytest.mark.parametrize("n", [4, 8])
def test_andreev_against_definition(n):
    assert andreev(n).values.tolist() == bit_table(n, ref_andreev)
    for index, z in enumerate(itertools.product((0, 1), repeat=n)):
        assert andreev_bit(z) == ref_andreev(z) == (1 - andreev(n).values[index]) // 2


def test_andreev_hand_values():
    # n = 8: t = z[0:4], rows z[4:6] and z[6:8]; index = 2 * parity(row 1) + parity(row 2)
    t = (0, 0, 1, 0)  # only t[2] = 1
    assert andreev_bit(t + (1, 0) + (1, 1)) == 1  # r = (1, 0): index 2
    assert andreev_bit(t + (1, 1) + (0, 1)) == 0  # r = (0, 1): index 1
    assert andreev_bit(t + (0, 1) + (0, 0)) == 1  # r = (1, 0)
    f = andreev(8)
    assert f(tuple(1 - 2 * b for b in t + (1, 0, 1, 1))) == -1  # output bit 1 stored as -1


def test_andreev_restriction_to_the_matrix_part_is_the_truth_table():
    # MB Claim 2's mechanism: fixing the truth-table half leaves a function of the row parities.
    f = andreev(8)
    t = (1, 0, 0, 1)
    g = f.restrict({j: 1 - 2 * b for j, b in enumerate(t)})
    for a in itertools.product((0, 1), repeat=4):
        index = 2 * ((a[0] + a[1]) % 2) + (a[2] + a[3]) % 2
        assert g(tuple(1 - 2 * b for b in a)) == 1 - 2 * t[index]


@given(st.lists(st.integers(0, 1), min_size=32, max_size=32))
def test_andreev_bit_at_n_32(z):
    assert andreev_bit(z) == ref_andreev(z)


def test_andreev_parameters_and_errors():
    assert andreev_parameters(4) == (1, 2)
    assert andreev_parameters(8) == (2, 2)
    assert andreev_parameters(32) == (4, 4)
    assert andreev_parameters(512) == (8, 32)
    for n in (0, 2, 3, 6, 12):
        with pytest.raises(InputError, match="power of 2"):
            andreev(n)
    for n in (16, 64, 128):
        with pytest.raises(InputError, match="divisible by k"):
            andreev(n)
    with pytest.raises(InputError, match="2\\^32"):
        andreev(32)
    with pytest.raises(InputError, match="0 or 1"):
        andreev_bit([0, 1, 2, 0])
    with pytest.raises(InputError, match="integer"):
        andreev(8.0)


@pytest.mark.parametrize("a, b", [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (1, 3), (3, 2), (2, 3)])
def test_arkadev_nikhil_against_definition(a, b):
    assert arkadev_nikhil(a, b).values.tolist() == table(2 * a * b, ref_arkadev_nikhil(a, b))


def test_arkadev_nikhil_hand_values_and_matrix():
    f = arkadev_nikhil(2, 1)  # OMB_2(x1 y1, x2 y2)
    assert f((1, 1, 1, 1)) == 1  # products (+1, +1): largest on-index 2 is even
    assert f((1, -1, 1, 1)) == -1  # products (+1, -1): largest on-index 1 is odd
    assert f((-1, -1, 1, 1)) == 1  # products (-1, -1): none on
    matrix = communication_matrix(arkadev_nikhil(2, 2), 4)
    assert matrix.shape == (16, 16)
    # symmetric in x and y, because XOR_2 is
    assert np.array_equal(matrix, matrix.T)


@pytest.mark.parametrize("m", [1, 2])
def test_razborov_sherstov_against_definition(m):
    assert razborov_sherstov(m).values.tolist() == table(2 * m**3, ref_razborov_sherstov(m))


def test_razborov_sherstov_hand_values():
    f = razborov_sherstov(2)  # x and y are 2 x 4 arrays
    ones = (1,) * 8
    assert f(ones + ones) == 1
    # row 1 of y all false: OR_1 is false, so the AND is false
    assert f(ones + (-1, -1, -1, -1, 1, 1, 1, 1)) == -1
    # each row has exactly one j with x_ij = y_ij = +1 (different j in x's rows than elsewhere)
    x = (1, -1, -1, -1, -1, -1, -1, 1)
    y = (1, 1, 1, -1, -1, 1, -1, 1)
    assert f(x + y) == 1
    assert f(x + tuple(-v for v in y)) == -1


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: inner_product_mod2(0), "positive integer"),
        (lambda: disjointness(-1), "positive integer"),
        (lambda: arkadev_nikhil(True, 1), "positive integer"),
        (lambda: arkadev_nikhil(4, 4), "too large"),
        (lambda: razborov_sherstov(3), "too large"),
        (lambda: parity(-1), "non-negative"),
        (lambda: majority(31), "at most 30"),
        (lambda: odd_max_bit("3"), "non-negative integer"),
    ],
)
def test_argument_errors(call, message):
    with pytest.raises(InputError, match=message):
        call()
