"""Exact rank with a certificate anyone can re-check.

:func:`rank` returns the rank over Q of an exact matrix together with a
:class:`RankCertificate`; :func:`rank_mod` the rank over GF(P) for a prime ``P`` the user names.
:func:`verify_rank_certificate` re-checks a certificate against the matrix, and nothing else.

The certificate, for an ``m x n`` matrix ``M`` scaled to the integer matrix ``A = D M`` (``D``
the least common denominator; the rank is the same):

**rank >= r** (the *minor*): row indices ``R`` and column indices ``C``, ``|R| = |C| = r``, and a
prime ``p`` with ``det A[R, C] != 0 (mod p)``.  A determinant that is nonzero mod ``p`` is a
nonzero integer, so ``A[R, C]`` is nonsingular over Q whatever prime was used (the prime only
has to *be* prime, which the check proves with python-flint).  Re-checked by an elimination mod
``p`` of the ``r x r`` minor: deterministic.

**rank <= r** (the *factorisation*), needed only when ``r < min(m, n)``: the rows ``R`` again,
an integer matrix ``X`` (``m x r``) and an integer ``d > 0`` with ``d A = X A[R, :]``, so every
row of ``A`` lies in the span of the ``r`` rows ``R``.  The check costs ``m n r`` multiplications
and is deterministic: when ``d max|A| + r max|X| max|A| < 2^53`` one float64 BLAS product is
exact (every partial sum is an integer below ``2^53``); otherwise the identity is checked modulo
fixed primes whose product exceeds twice that bound, which by the Chinese remainder theorem
proves it over Z.  (Over GF(P) the identity is checked modulo ``P`` itself.)

How the rank is *found* (none of this matters to the checks): identical rows and columns are
merged, the remaining matrix is eliminated modulo a random 20-bit prime on the float64 BLAS
engine of :mod:`exactnets.linalg.modp` (rank mod p, the minor), and ``X = A[:, C] A[R, C]^{-1}``
is solved exactly with python-flint.  If ``d A = X A[R, :]`` fails, the prime divided every
maximal minor (the rank over Q is larger); another prime is drawn.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any

import flint
import numpy as np

from exactnets.errors import FileFormatError, InputError, InternalError
from exactnets.linalg.matrix import INT64_MAX, ExactMatrix, as_exact_matrix, max_abs, column_classes, row_classes
from exactnets.linalg.modp import (
    BLAS_PRIME_LIMIT,
    ModP,
    blas_threads,
    flint_rank_mod_p,
    is_prime,
    lu_rank,
    residue_buffer,
    random_prime,
    rank_mod_p_residues,
    residues,
    verification_primes,
)
from exactnets.verify.verdict import Verdict, proved, refuted

__all__ = [
    "RankCertificate",
    "RankResult",
    "rank",
    "rank_mod",
    "verify_rank_certificate",
    "product_identity_holds",
    "RANK_CERTIFICATE_FORMAT",
]

RANK_CERTIFICATE_FORMAT = "exactnets.rank-certificate/1"
_FLOAT_EXACT = 1 << 53


@dataclasses.dataclass(frozen=True, eq=False)
class RankCertificate:
    """Evidence that an ``m x n`` matrix has rank exactly ``rank`` over ``field``.

    ``field`` is ``"Q"`` or ``"GF(P)"`` (then ``modulus = P``).  ``prime``, ``rows`` and ``cols``
    name the nonsingular minor; ``factor_rows``, ``coefficients`` (``m x r`` integers) and
    ``factor_denominator`` the factorisation ``d A = X A[factor_rows, :]`` (``None`` when
    ``rank = min(m, n)``, where no upper bound is needed).  ``digest`` is
    :meth:`ExactMatrix.digest` of the matrix; ``source`` (optional) says how to rebuild it.
    """

    rank: int
    shape: tuple[int, int]
    prime: int
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    factor_rows: tuple[int, ...] | None
    coefficients: np.ndarray | None
    factor_denominator: int | None
    digest: str
    modulus: int | None = None
    source: Mapping[str, Any] | None = None

    @property
    def field(self) -> str:
        return "Q" if self.modulus is None else f"GF({self.modulus})"

    def verify(self, matrix: Any) -> Verdict:
        """:func:`verify_rank_certificate` of this certificate against ``matrix``."""
        return verify_rank_certificate(self, matrix)

    def with_source(self, source: Mapping[str, Any] | None) -> "RankCertificate":
        return dataclasses.replace(self, source=source)

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": RANK_CERTIFICATE_FORMAT}
        if self.source is not None:
            doc["matrix"] = dict(self.source)
        doc.update({
            "shape": list(self.shape),
            "digest": self.digest,
            "field": self.field,
            "rank": self.rank,
            "lower": {"prime": self.prime, "rows": list(self.rows), "cols": list(self.cols)},
            "upper": None,
        })
        if self.factor_rows is not None:
            doc["upper"] = {"rows": list(self.factor_rows), "denominator": self.factor_denominator,
                            "coefficients": [[int(v) for v in row] for row in self.coefficients.tolist()]}
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any], source: str = "<memory>") -> "RankCertificate":
        """Read a certificate document; structural problems raise FileFormatError naming ``source``."""
        def fail(place: str, message: str) -> FileFormatError:
            return FileFormatError(message, path=source, place=place or None)

        if not isinstance(doc, Mapping) or doc.get("format") != RANK_CERTIFICATE_FORMAT:
            raise fail("format", f"expected a rank certificate with \"format\": \"{RANK_CERTIFICATE_FORMAT}\"")
        allowed = {"format", "matrix", "shape", "digest", "field", "rank", "lower", "upper"}
        unknown = sorted(set(doc) - allowed)
        if unknown:
            raise fail("", f"unknown keys {unknown}; a rank certificate has {sorted(allowed)}")

        def integer(value: Any, place: str, low: int = 0) -> int:
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise fail(place, f"expected an integer >= {low} (got {value!r})")
            return value

        def indices(value: Any, place: str) -> tuple[int, ...]:
            if not isinstance(value, list):
                raise fail(place, "expected a list of indices")
            return tuple(integer(v, f"{place}[{i}]") for i, v in enumerate(value))

        shape = doc.get("shape")
        if not isinstance(shape, list) or len(shape) != 2:
            raise fail("shape", "expected [rows, columns]")
        shape_t = (integer(shape[0], "shape[0]"), integer(shape[1], "shape[1]"))
        field = doc.get("field")
        modulus = None
        if field != "Q":
            if not isinstance(field, str) or not field.startswith("GF(") or not field.endswith(")") or not field[3:-1].isdigit():
                raise fail("field", f"expected \"Q\" or \"GF(P)\" (got {field!r})")
            modulus = int(field[3:-1])
        lower = doc.get("lower")
        if not isinstance(lower, Mapping) or set(lower) != {"prime", "rows", "cols"}:
            raise fail("lower", "expected {\"prime\": p, \"rows\": [...], \"cols\": [...]}")
        upper = doc.get("upper")
        factor_rows = coefficients = factor_denominator = None
        if upper is not None:
            if not isinstance(upper, Mapping) or set(upper) != {"rows", "denominator", "coefficients"}:
                raise fail("upper", "expected null or {\"rows\": [...], \"denominator\": d, \"coefficients\": [[...]]}")
            factor_rows = indices(upper["rows"], "upper.rows")
            factor_denominator = integer(upper["denominator"], "upper.denominator", 1)
            raw = upper["coefficients"]
            if not isinstance(raw, list) or any(not isinstance(row, list) or len(row) != len(factor_rows) for row in raw):
                raise fail("upper.coefficients", f"expected a list of rows of {len(factor_rows)} integers")
            for i, row in enumerate(raw):
                for j, v in enumerate(row):
                    if isinstance(v, bool) or not isinstance(v, int):
                        raise fail(f"upper.coefficients[{i}][{j}]", f"expected an integer (got {v!r})")
            peak = max((abs(v) for row in raw for v in row), default=0)
            coefficients = np.array(raw, dtype=np.int64 if peak <= INT64_MAX else object).reshape(len(raw), len(factor_rows))
        digest = doc.get("digest")
        if not isinstance(digest, str):
            raise fail("digest", "expected the matrix digest \"sha256:...\"")
        matrix = doc.get("matrix")
        if matrix is not None and not isinstance(matrix, Mapping):
            raise fail("matrix", "expected an object describing the matrix")
        return cls(rank=integer(doc.get("rank"), "rank"), shape=shape_t, prime=integer(lower["prime"], "lower.prime", 2),
                   rows=indices(lower["rows"], "lower.rows"), cols=indices(lower["cols"], "lower.cols"),
                   factor_rows=factor_rows, coefficients=coefficients, factor_denominator=factor_denominator,
                   digest=digest, modulus=modulus, source=matrix)


@dataclasses.dataclass(frozen=True)
class RankResult:
    """An exact rank and its certificate; ``stats`` says how it was found (primes tried, seconds)."""

    rank: int
    certificate: RankCertificate
    stats: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def field(self) -> str:
        return self.certificate.field


# -- the exact product check -------------------------------------------------------------------------------

def _first_mismatch(diff_nonzero: np.ndarray, offset: int) -> tuple[int, int]:
    i, j = np.argwhere(diff_nonzero)[0]
    return int(i) + offset, int(j)


def product_identity_holds(coefficients: np.ndarray, denominator: int, matrix: np.ndarray,
                           rows: Sequence[int], *, modulus: int | None = None,
                           chunk: int = 2048) -> tuple[bool, tuple[int, int] | None, str]:
    """Does ``denominator * matrix == coefficients @ matrix[rows, :]`` hold exactly (or mod ``modulus``)?

    Returns ``(holds, first_bad_entry, how)``.  Deterministic: over Z either one exact float64
    product (when the proven bound is below ``2^53``) or a check modulo enough fixed primes that
    their product exceeds twice the bound on every entry of the difference.

    >>> A = np.array([[1, 2], [2, 4], [0, 0]])
    >>> product_identity_holds(np.array([[1], [2], [0]]), 1, A, [0])[:2]
    (True, None)
    >>> product_identity_holds(np.array([[1], [3], [0]]), 1, A, [0])[:2]
    (False, (1, 0))
    """
    rows = list(rows)
    m, n = matrix.shape
    r = len(rows)
    if coefficients.shape != (m, r):
        return False, None, f"the coefficients have shape {coefficients.shape}, expected {(m, r)}"
    # Row rows[k] with coefficients d e_k satisfies the identity by itself: check only the others
    # (an r x r comparison instead of r rows of n products each).
    trivial = np.zeros(m, dtype=bool)
    if r:
        basis_rows = np.array(rows, dtype=np.int64)
        expected = np.zeros((r, r), dtype=coefficients.dtype)
        np.fill_diagonal(expected, denominator)
        if len(set(rows)) == r and np.array_equal(coefficients[basis_rows], expected):
            trivial[basis_rows] = True
    if trivial.any():
        keep = np.flatnonzero(~trivial)
        if not len(keep):
            return True, None, "every row is one of the basis rows"
        holds, bad, how = _product_identity(coefficients[keep], denominator, matrix[keep], matrix[rows], modulus, chunk)
        if bad is not None:
            bad = (int(keep[bad[0]]), bad[1])
        return holds, bad, f"{how}; the {int(trivial.sum())} basis rows themselves by their unit coefficients"
    return _product_identity(coefficients, denominator, matrix, matrix[rows] if r else np.zeros((0, n), matrix.dtype),
                             modulus, chunk)


def _product_identity(coefficients: np.ndarray, denominator: int, matrix: np.ndarray, basis_rows: np.ndarray,
                      modulus: int | None, chunk: int) -> tuple[bool, tuple[int, int] | None, str]:
    """``denominator * matrix == coefficients @ basis_rows``, exactly or mod ``modulus``."""
    m, n = matrix.shape
    r = basis_rows.shape[0]
    if modulus is not None:
        return _identity_mod(coefficients, denominator, matrix, basis_rows, modulus, chunk)
    peak_a, peak_x = max(max_abs(matrix), max_abs(basis_rows)), max_abs(coefficients)
    bound = denominator * peak_a + r * peak_x * peak_a
    if bound < _FLOAT_EXACT:
        left = coefficients.astype(np.float64)
        basis = basis_rows.astype(np.float64)
        scale = float(denominator)
        for start in range(0, m, chunk):
            product = left[start:start + chunk] @ basis
            target = matrix[start:start + chunk].astype(np.float64) * scale
            bad = product != target
            if bad.any():
                return False, _first_mismatch(bad, start), "exact float64 product (bound < 2^53)"
        return True, None, f"exact float64 product (every partial sum below {bound + 1} < 2^53)"
    count, product_of_primes = 0, 1
    while product_of_primes <= 2 * bound:
        count += 1
        product_of_primes *= verification_primes(count)[-1]
    for p in verification_primes(count):
        holds, bad, _ = _identity_mod(coefficients, denominator, matrix, basis_rows, p, chunk)
        if not holds:
            return False, bad, f"checked modulo {p}"
    return True, None, (f"checked modulo {count} fixed primes whose product exceeds twice the bound "
                        f"{bound} on every entry (Chinese remaindering)")


def _identity_mod(coefficients: np.ndarray, denominator: int, matrix: np.ndarray, basis_rows: np.ndarray,
                  p: int, chunk: int) -> tuple[bool, tuple[int, int] | None, str]:
    m, n = matrix.shape
    r = basis_rows.shape[0]
    d = denominator % p
    if p < BLAS_PRIME_LIMIT:
        ops = ModP(p)
        left = residues(coefficients, p)
        basis = residues(basis_rows, p) if r else np.zeros((0, n))
        for start in range(0, m, chunk):
            product = ops.matmul(left[start:start + chunk], basis)
            target = residues(matrix[start:start + chunk], p) * float(d)
            ops.reduce(target)
            product -= target
            ops.reduce(product)
            bad = product != 0
            if bad.any():
                return False, _first_mismatch(bad, start), f"modulo {p}"
        return True, None, f"modulo {p} (float64 BLAS, exact)"
    if not r:
        values = [int(v) % p for v in matrix.ravel().tolist()]
        for index, v in enumerate(values):
            if (v * d) % p:
                return False, divmod(index, n), f"modulo {p}"
        return True, None, f"modulo {p}"
    left = flint.nmod_mat(m, r, [int(v) % p for v in coefficients.ravel().tolist()], p)
    basis = flint.nmod_mat(r, n, [int(v) % p for v in basis_rows.ravel().tolist()], p)
    product = [int(v) for v in (left * basis).entries()]
    target = [(int(v) * d) % p for v in matrix.ravel().tolist()]
    for index, (a, b) in enumerate(zip(product, target)):
        if a != b:
            return False, divmod(index, n), f"modulo {p} (python-flint nmod_mat)"
    return True, None, f"modulo {p} (python-flint nmod_mat)"


# -- finding the rank -------------------------------------------------------------------------------------

def _minor_rank(A: np.ndarray, rows: list[int], cols: list[int], p: int) -> int:
    """The rank mod ``p`` of ``A[rows][:, cols]`` (``A`` itself when they are all rows and columns: same rank)."""
    if not rows:
        return 0
    m, n = A.shape
    whole = len(rows) == m and len(cols) == n  # distinct indices, checked by the caller
    minor = A if whole else A[rows][:, cols]
    if p < BLAS_PRIME_LIMIT:
        return rank_mod_p_residues(minor, p)[0]
    return flint_rank_mod_p(minor, p)[0]


def _fmpz_mat(values: np.ndarray) -> flint.fmpz_mat:
    rows, cols = values.shape
    return flint.fmpz_mat(rows, cols, [int(v) for v in values.ravel().tolist()])


def _solve_factor(A: np.ndarray, row_reps: np.ndarray, row_inverse: np.ndarray, R: list[int], C: list[int],
                  modulus: int | None) -> tuple[np.ndarray, int]:
    """``(X, d)`` with ``d A[i, C] = X[i] A[R, C]`` for every row ``i`` (one solve per distinct row)."""
    r = len(R)
    m = A.shape[0]
    if r == 0:
        return np.zeros((m, 0), dtype=np.int64), 1
    position = {row: k for k, row in enumerate(R)}
    others = [int(i) for i in row_reps if int(i) not in position]
    basis_t = A[R][:, C].T  # solve B^T y = A[i, C]^T
    if others:
        rhs_t = A[others][:, C].T
        if modulus is None:
            solution = _fmpz_mat(basis_t).solve(_fmpz_mat(rhs_t))
            numer, den = solution.numer_denom()
            d = int(den)
            values = [int(v) for v in numer.entries()]
        else:
            left = flint.nmod_mat(r, r, [int(v) % modulus for v in basis_t.ravel().tolist()], modulus)
            right = flint.nmod_mat(r, len(others), [int(v) % modulus for v in rhs_t.ravel().tolist()], modulus)
            d = 1
            values = [int(v) for v in left.solve(right).entries()]
        peak = max((abs(v) for v in values), default=0)
        solved = np.array(values, dtype=np.int64 if peak <= INT64_MAX and d <= INT64_MAX else object).reshape(r, len(others)).T
    else:
        d, solved = 1, np.zeros((0, r), dtype=np.int64)
    dtype = solved.dtype if d <= INT64_MAX else object
    per_class = np.zeros((len(row_reps), r), dtype=dtype)
    class_of = {int(rep): k for k, rep in enumerate(row_reps)}
    for k, row in enumerate(R):
        per_class[class_of[row], k] = d
    for k, row in enumerate(others):
        per_class[class_of[row]] = solved[k]
    return per_class[row_inverse], d


def _prepare(matrix: Any) -> tuple[ExactMatrix, np.ndarray]:
    exact = as_exact_matrix(matrix).normalized()
    return exact, exact.numerators


def rank(matrix: Any, *, seed: int | None = None, attempts: int = 6, threads: int | str | None = "auto",
         dedupe: bool = True) -> RankResult:
    """The exact rank over Q of ``matrix`` with a :class:`RankCertificate` (see the module docstring).

    ``matrix`` is anything :func:`~exactnets.linalg.matrix.as_exact_matrix` accepts.  ``seed``
    fixes the random primes (for reproducible certificates); ``threads`` the BLAS threads
    (``"auto"``: one thread when the machine is already busy).

    >>> result = rank([[1, 2, 3], [2, 4, 6], [1, 0, 1]], seed=1)
    >>> result.rank, result.certificate.rows, result.certificate.factor_rows
    (2, (0, 2), (0, 2))
    >>> result.certificate.coefficients.tolist(), result.certificate.factor_denominator
    ([[1, 0], [2, 0], [0, 1]], 1)
    >>> result.certificate.verify([[1, 2, 3], [2, 4, 6], [1, 0, 1]]).status
    'proved'
    """
    return _rank(matrix, modulus=None, seed=seed, attempts=attempts, threads=threads, dedupe=dedupe)


def rank_mod(matrix: Any, modulus: int, *, threads: int | str | None = "auto", dedupe: bool = True) -> RankResult:
    """The rank over GF(``modulus``) with its certificate; a lower bound of the rank over Q.

    >>> rank_mod([[1, 2], [3, 4]], 2).rank, rank_mod([[1, 2], [3, 4]], 5).rank
    (1, 2)
    """
    if isinstance(modulus, bool) or not isinstance(modulus, int) or not is_prime(modulus):
        raise InputError(f"the modulus must be a prime (got {modulus!r})")
    if modulus >= 1 << 63:
        raise InputError(f"the modulus must be below 2^63 (got {modulus})")
    return _rank(matrix, modulus=modulus, seed=None, attempts=1, threads=threads, dedupe=dedupe)


def _rank(matrix: Any, *, modulus: int | None, seed: int | None, attempts: int, threads: int | str | None,
          dedupe: bool) -> RankResult:
    with blas_threads(threads):
        return _rank_body(matrix, modulus=modulus, seed=seed, attempts=attempts, dedupe=dedupe)


def _rank_body(matrix: Any, *, modulus: int | None, seed: int | None, attempts: int, dedupe: bool) -> RankResult:
    started = time.perf_counter()
    exact, A = _prepare(matrix)
    m, n = exact.shape
    digest = exact.digest()
    stats: dict[str, Any] = {"shape": [m, n]}
    rng = random.Random(seed) if seed is not None else random.SystemRandom()
    tried: list[int] = []
    first_prime = modulus if modulus is not None else random_prime(rng)
    blas = first_prime < BLAS_PRIME_LIMIT and A.size > 0
    residue_view = residue_buffer(A, first_prime) if blas else None
    if dedupe and m and n:
        # Fingerprints of the residues (equal rows have equal residues); equality is confirmed on A itself.
        bound = first_prime // 2 + 2 if blas else None
        row_reps, row_inverse = row_classes(A, floats=residue_view, bound=bound)
        reduced_rows = residue_view[row_reps] if blas and len(row_reps) < m else residue_view
        col_reps, _ = column_classes(A[row_reps] if len(row_reps) < m else A, floats=reduced_rows, bound=bound)
    else:
        row_reps, row_inverse = np.arange(m), np.arange(m)
        col_reps = np.arange(n)
    stats["distinct_rows"], stats["distinct_cols"] = len(row_reps), len(col_reps)
    stats["seconds_prepare"] = time.perf_counter() - started
    merged = len(row_reps) < m or len(col_reps) < n
    core = A[row_reps][:, col_reps] if merged else A
    for attempt in range(max(1, attempts)):
        p = first_prime if attempt == 0 else random_prime(rng)
        tried.append(p)
        t0 = time.perf_counter()
        if core.size == 0:
            r, prow, pcol = 0, [], []
        elif p < BLAS_PRIME_LIMIT:
            work = residue_view if (attempt == 0 and not merged) else residue_buffer(core, p)
            r, prow, pcol = lu_rank(work, p)
        else:
            r, prow, pcol = flint_rank_mod_p(core, p)
        stats["seconds_elimination"] = stats.get("seconds_elimination", 0.0) + time.perf_counter() - t0
        R = [int(row_reps[i]) for i in prow]
        C = [int(col_reps[j]) for j in pcol]
        if r == min(m, n):
            certificate = RankCertificate(r, (m, n), p, tuple(R), tuple(C), None, None, None, digest, modulus)
            break
        t0 = time.perf_counter()
        X, d = _solve_factor(A, row_reps, row_inverse, R, C, modulus)
        stats["seconds_factor"] = stats.get("seconds_factor", 0.0) + time.perf_counter() - t0
        t0 = time.perf_counter()
        holds, _, how = product_identity_holds(X, d, A, R, modulus=modulus)
        stats["seconds_factor_check"] = stats.get("seconds_factor_check", 0.0) + time.perf_counter() - t0
        if holds:
            certificate = RankCertificate(r, (m, n), p, tuple(R), tuple(C), tuple(R), X, d, digest, modulus)
            break
        if modulus is not None:
            raise InternalError(f"rank mod {modulus}: the factorisation from the elimination does not hold ({how})")
    else:
        raise InternalError(f"no certificate after {len(tried)} primes {tried}: every one divided all maximal minors; "
                            f"this is astronomically unlikely, please report it")
    stats["primes_tried"] = tried
    stats["seconds"] = time.perf_counter() - started
    return RankResult(certificate.rank, certificate, stats)


# -- checking -----------------------------------------------------------------------------------------------

def verify_rank_certificate(certificate: RankCertificate, matrix: Any, *, threads: int | str | None = "auto") -> Verdict:
    """Re-check ``certificate`` against ``matrix`` exactly; ``proved`` or ``refuted`` with the reason.

    Nothing computed when the certificate was made is trusted: the digest, the primality of the
    prime, the nonsingularity of the minor mod that prime and the factorisation are all checked
    again (see the module docstring for what each check proves).
    """
    with blas_threads(threads):
        return _verify(certificate, matrix)


def _verify(certificate: RankCertificate, matrix: Any) -> Verdict:
    exact, A = _prepare(matrix)
    m, n = exact.shape
    r = certificate.rank

    def reject(reason: str, where: Sequence[int] = ()) -> Verdict:
        return refuted(list(where), f"certificate rejected: {reason}", rank=r)

    if (m, n) != tuple(certificate.shape):
        return reject(f"it is for a {certificate.shape[0]} x {certificate.shape[1]} matrix, this one is {m} x {n}")
    if exact.digest() != certificate.digest:
        return reject("the matrix digest differs: the certificate is about another matrix")
    if not 0 <= r <= min(m, n):
        return reject(f"rank {r} is impossible for a {m} x {n} matrix")
    p = certificate.prime
    if certificate.modulus is not None:
        if p != certificate.modulus or not is_prime(p):
            return reject(f"the modulus {certificate.modulus} is not a prime or differs from the minor's prime {p}")
    elif not is_prime(p):
        return reject(f"{p} is not prime")
    if p >= 1 << 63:
        return reject(f"the prime {p} is beyond the supported 2^63")
    R, C = list(certificate.rows), list(certificate.cols)
    for name, index, limit in (("row", R, m), ("column", C, n)):
        if len(index) != r or len(set(index)) != r or any(not 0 <= i < limit for i in index):
            return reject(f"the minor needs {r} distinct {name} indices in 0..{limit - 1}")
    minor_rank = _minor_rank(A, R, C, p)
    if minor_rank != r:
        return reject(f"the minor on rows {R[:8]}... and columns {C[:8]}... has rank {minor_rank} < {r} modulo {p}")
    lower = f"a {r} x {r} minor with determinant nonzero mod the prime {p}"
    if r == min(m, n):
        return proved(f"rank = {r} over {certificate.field}: {lower}; rank <= min(m, n) trivially", rank=r)
    if certificate.factor_rows is None or certificate.coefficients is None or certificate.factor_denominator is None:
        return reject(f"rank {r} < min(m, n) = {min(m, n)} needs the factorisation (upper bound)")
    FR = list(certificate.factor_rows)
    d = certificate.factor_denominator
    if len(FR) != r or any(not 0 <= i < m for i in FR):
        return reject(f"the factorisation needs {r} row indices in 0..{m - 1}")
    if d < 1 or (certificate.modulus is not None and d % certificate.modulus == 0):
        return reject(f"the factorisation denominator {d} must be positive (and invertible mod the modulus)")
    holds, bad, how = product_identity_holds(certificate.coefficients, d, A, FR, modulus=certificate.modulus)
    if not holds:
        return reject(f"d A != X A[rows, :] at entry {bad} ({how})" if bad else how, bad or ())
    return proved(f"rank = {r} over {certificate.field}: {lower}; every row is a combination of {r} rows, "
                  f"d A = X A[rows, :] {how}", rank=r)
