"""Exact ranks and their certificates: agreement with sympy and python-flint, rejection of every
kind of wrong certificate, and a matrix on which numpy's float rank is wrong."""

from __future__ import annotations

import dataclasses
import random
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.errors import FloatRefusedError, InputError, ShapeError
from exactnets.linalg import ExactMatrix, RankCertificate, as_exact_matrix, rank, rank_mod, verify_rank_certificate
from exactnets.linalg.modp import (
    ModP,
    flint_rank_mod_p,
    is_prime,
    random_prime,
    rank_mod_p_residues,
    residues,
    verification_primes,
)
from exactnets.linalg.rank import product_identity_holds
from tests.strategies import rationals


def sympy_rank(rows) -> int:
    return sympy.Matrix([[sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else int(v) for v in row]
                         for row in rows]).rank()


@st.composite
def integer_matrices(draw, max_side: int = 7, low_rank: bool = True):
    m = draw(st.integers(1, max_side))
    n = draw(st.integers(1, max_side))
    if low_rank and draw(st.booleans()):
        r = draw(st.integers(0, min(m, n)))
        left = [[draw(st.integers(-4, 4)) for _ in range(r)] for _ in range(m)]
        right = [[draw(st.integers(-4, 4)) for _ in range(n)] for _ in range(r)]
        return [[sum(left[i][t] * right[t][j] for t in range(r)) for j in range(n)] for i in range(m)]
    return [[draw(st.integers(-3, 3)) for _ in range(n)] for _ in range(m)]


# -- agreement with sympy ------------------------------------------------------------------------------------

@settings(max_examples=150)
@given(integer_matrices())
def test_rank_agrees_with_sympy_on_integer_matrices(rows):
    result = rank(rows, seed=1)
    assert result.rank == sympy_rank(rows)
    assert verify_rank_certificate(result.certificate, rows).status == "proved"


@settings(max_examples=80)
@given(st.integers(1, 6).flatmap(lambda n: st.lists(st.lists(rationals(), min_size=n, max_size=n), min_size=1, max_size=6)))
def test_rank_agrees_with_sympy_on_rational_matrices(rows):
    result = rank(rows, seed=2)
    assert result.rank == sympy_rank(rows)
    assert result.certificate.verify(rows).status == "proved"


@settings(max_examples=40)
@given(integer_matrices(max_side=9), st.integers(0, 2**32))
def test_certificate_does_not_depend_on_the_random_prime(rows, seed):
    assert rank(rows, seed=seed).rank == sympy_rank(rows)


def test_big_integer_entries_and_a_nontrivial_factor_denominator():
    rng = random.Random(5)
    basis = [[rng.randint(-2**70, 2**70) for _ in range(6)] for _ in range(3)]
    coefficients = [[Fraction(rng.randint(-9, 9), rng.randint(1, 7)) for _ in range(3)] for _ in range(8)]
    rows = [[sum(c * b[j] for c, b in zip(coef, basis)) for j in range(6)] for coef in coefficients]
    result = rank(rows, seed=3)
    assert result.rank == 3 == sympy_rank(rows)
    assert result.certificate.coefficients.dtype == object or result.certificate.factor_denominator > 1
    assert verify_rank_certificate(result.certificate, rows).status == "proved"


def test_zero_and_empty_and_full_rank():
    assert rank([[0, 0], [0, 0]]).rank == 0
    assert rank(np.zeros((3, 0), dtype=np.int64)).rank == 0
    full = rank(np.eye(5, dtype=np.int64), seed=0)
    assert full.rank == 5 and full.certificate.factor_rows is None


def test_duplicate_rows_and_columns_are_merged():
    rng = np.random.default_rng(4)
    core = rng.integers(-5, 6, size=(6, 5))
    matrix = core[rng.integers(0, 6, size=40)][:, rng.integers(0, 5, size=30)]
    result = rank(matrix, seed=0)
    assert result.stats["distinct_rows"] <= 6 and result.stats["distinct_cols"] <= 5
    assert result.rank == sympy_rank(matrix.tolist())
    assert result.certificate.verify(matrix).status == "proved"


# -- rank modulo a prime ----------------------------------------------------------------------------------------

@settings(max_examples=100)
@given(integer_matrices(max_side=10), st.sampled_from([2, 3, 7, 8388593, 2**61 - 1]))
def test_rank_mod_agrees_with_flint_and_is_a_lower_bound(rows, p):
    m, n = len(rows), len(rows[0])
    expected = flint.nmod_mat(m, n, [v % p for row in rows for v in row], p).rank()
    result = rank_mod(rows, p)
    assert result.rank == expected <= sympy_rank(rows)
    assert result.field == f"GF({p})"
    assert result.certificate.verify(rows).status == "proved"


@settings(max_examples=60)
@given(integer_matrices(max_side=40, low_rank=True))
def test_blas_and_flint_engines_find_nonsingular_minors(rows):
    matrix = np.array(rows, dtype=np.int64)
    for p in (5, 8388593):
        r, pivot_rows, pivot_cols = rank_mod_p_residues(matrix, p)
        r2, rows2, cols2 = flint_rank_mod_p(matrix, p)
        assert r == r2
        for pr, pc in ((pivot_rows, pivot_cols), (rows2, cols2)):
            minor = matrix[np.ix_(pr, pc)]
            assert flint.nmod_mat(r, r, [int(v) % p for v in minor.ravel()], p).rank() == r if r else True


def test_blas_engine_on_a_larger_matrix_against_flint():
    rng = np.random.default_rng(7)
    matrix = rng.integers(-2, 3, size=(300, 70)) @ rng.integers(-2, 3, size=(70, 260))
    p = 8388593
    r, rows, cols = rank_mod_p_residues(matrix, p, threads=1)
    assert r == flint.nmod_mat(300, 260, [int(v) % p for v in matrix.ravel()], p).rank() == 70
    minor = matrix[np.ix_(rows, cols)]
    assert flint.nmod_mat(r, r, [int(v) % p for v in minor.ravel()], p).rank() == r


def test_modp_arithmetic_is_exact_at_the_bound():
    ops = ModP(8388593)
    h = ops.h
    a = np.full((3, ops.kmax), float(h))
    b = np.full((ops.kmax, 2), float(h))
    got = ops.matmul(a, b)
    expected = (ops.kmax * h * h) % ops.p
    assert all(int(v) % ops.p == expected for v in got.ravel())
    assert residues(np.array([[2**80 + 3]], dtype=object), 7).tolist() == [[float((2**80 + 3) % 7)]]


def test_primes():
    assert is_prime(8388593) and not is_prime(8388591) and not is_prime(1)
    assert all(2**19 <= random_prime(random.Random(s)) < 2**20 for s in range(5))
    assert 2**22 <= random_prime(random.Random(0), bits=23) < 2**23
    assert verification_primes(3) == sorted(verification_primes(3), reverse=True)
    assert all(is_prime(p) for p in verification_primes(5))


def test_rank_mod_needs_a_prime():
    with pytest.raises(InputError, match="prime"):
        rank_mod([[1]], 9)


# -- numpy's float rank --------------------------------------------------------------------------------------------

def test_numpy_float_rank_is_wrong_on_an_integer_matrix():
    # det = (2^60 + 1) - 2^60 = 1, so the rank is 2; in float64 2^60 + 1 rounds to 2^60 and the rows look parallel.
    matrix = [[1, 2**30], [2**30, 2**60 + 1]]
    assert sympy_rank(matrix) == 2
    assert rank(matrix, seed=0).rank == 2
    assert np.linalg.matrix_rank(np.array(matrix, dtype=np.float64)) == 1


def test_floats_are_refused():
    with pytest.raises(FloatRefusedError):
        rank(np.array([[1.0, 2.0]]))
    with pytest.raises(FloatRefusedError):
        rank([[0.5]])
    with pytest.raises(ShapeError):
        rank([[1, 2], [3]])


# -- wrong certificates are rejected ----------------------------------------------------------------------------------

@pytest.fixture
def low_rank_case():
    rng = np.random.default_rng(11)
    matrix = rng.integers(-3, 4, size=(12, 3)) @ rng.integers(-3, 4, size=(3, 10))
    matrix[11] = 0
    result = rank(matrix, seed=5)
    assert result.rank == 3 and result.certificate.factor_rows is not None
    return matrix, result.certificate


def _rejected(certificate: RankCertificate, matrix) -> bool:
    verdict = verify_rank_certificate(certificate, matrix)
    return verdict.status == "refuted" and "certificate rejected" in verdict.reason


def test_wrong_certificates_are_rejected(low_rank_case):
    matrix, good = low_rank_case
    assert verify_rank_certificate(good, matrix).status == "proved"
    replace = dataclasses.replace
    X = good.coefficients.copy()
    X[4, 1] += 1
    dependent = next(i for i in range(12) if i not in good.rows)
    wrong = [
        replace(good, rank=2, rows=good.rows[:2], cols=good.cols[:2]),  # claims too little: factor does not fit
        replace(good, rank=4, rows=good.rows + (dependent,), cols=good.cols + (next(j for j in range(10) if j not in good.cols),)),
        replace(good, prime=good.prime + 1),  # not a prime
        replace(good, rows=(good.rows[0], good.rows[0], good.rows[2])),  # repeated index
        replace(good, rows=(11,) + good.rows[1:]),  # a singular minor: row 11 is zero
        replace(good, coefficients=X),  # one wrong coefficient
        replace(good, factor_denominator=good.factor_denominator + 1),
        replace(good, factor_rows=None, coefficients=None, factor_denominator=None),  # no upper bound
        replace(good, digest="sha256:" + "0" * 64),
        replace(good, shape=(10, 12)),
    ]
    for certificate in wrong:
        assert _rejected(certificate, matrix), certificate
    other = matrix.copy()
    other[0, 0] += 1
    assert _rejected(good, other)


def test_a_minor_that_vanishes_mod_the_prime_is_rejected():
    # det [[1, 0], [0, 7]] = 7: nonzero over Z, zero mod 7 -- the check must not accept it with p = 7.
    matrix = [[1, 0], [0, 7]]
    certificate = rank(matrix, seed=0).certificate
    assert _rejected(dataclasses.replace(certificate, prime=7), matrix)
    assert dataclasses.replace(certificate, prime=11).verify(matrix).status == "proved"


def test_certificate_json_round_trip(low_rank_case):
    matrix, good = low_rank_case
    doc = good.to_json()
    back = RankCertificate.from_json(doc)
    assert back.verify(matrix).status == "proved"
    assert back.rows == good.rows and back.factor_denominator == good.factor_denominator


def test_product_identity_with_large_coefficients_uses_the_crt_path():
    rng = random.Random(3)
    basis = np.array([[rng.randint(-2**20, 2**20) for _ in range(5)] for _ in range(2)], dtype=np.int64)
    X = np.array([[rng.randint(-2**40, 2**40) for _ in range(2)] for _ in range(6)], dtype=object)
    A = np.array([[sum(int(X[i, t]) * int(basis[t, j]) for t in range(2)) for j in range(5)] for i in range(6)], dtype=object)
    A[:2] = basis
    X[:2] = [[1, 0], [0, 1]]
    holds, bad, how = product_identity_holds(X, 1, A, [0, 1])
    assert holds and "Chinese" in how
    A[4, 3] += 8388593 * 8388587  # invisible modulo the first two fixed primes, caught by a third
    holds, bad, _ = product_identity_holds(X, 1, A, [0, 1])
    assert not holds and bad == (4, 3)


def test_exact_matrix_basics():
    M = as_exact_matrix([["1/2", 1], [0, "-3/4"]])
    assert M.denominator == 4 and M.numerators.tolist() == [[2, 4], [0, -3]]
    assert M == ExactMatrix(np.array([[4, 8], [0, -6]]), 8)
    with pytest.raises(InputError):
        ExactMatrix(np.array([[1]]), 0)
