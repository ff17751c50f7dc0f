"""Sign-rank bounds with certificates, and the sign-rank calculators of the papers.

The sign-rank of a ±1 matrix ``S`` is the least rank of a real matrix ``B`` with
``sign(B_ij) = S_ij`` for every entry (CLAIMS.md MB-SignRank; the entries of ``B`` are nonzero).

**Upper bounds** (:class:`UpperEvidence`): the exact rank of a real matrix ``A`` with the same
sign pattern, ``sr(S) <= rank(A)``.  ``A`` is ``S`` itself, a named representation
(:func:`exactnets.linalg.comm.named_sign_representation`: ``rank(DISJ) <= m + 1`` and so on), or
a network's matrix before its top threshold, shifted off zero as in CLAIMS.md MB-TopNonzero
(:func:`top_nonzero_shift`).  The check: every entry of ``A`` is nonzero with the sign of ``S``
(exact integers), and ``A``'s :class:`~exactnets.linalg.rank.RankCertificate` verifies.

**Lower bounds** (:class:`LowerEvidence`):

* *Forster*: ``sr(S) >= sqrt(m n) / ||S||`` for ``S`` in ``{-1,1}^{m x n}`` (Forster 2002), on ``S``
  or on any submatrix (the sign-rank of a submatrix is at most that of ``S``).  The spectral norm
  is bounded by an exactly certified ``T >= ||S||^2``: ``T I - K`` is positive semidefinite for
  the Gram matrix ``K = S^T S`` (or ``S S^T``, the smaller), computed exactly (entries at most
  ``m``; one float64 BLAS product is exact).  Two certificates of ``T I - K >= 0``:

  - ``gershgorin``: ``T b I - b K`` (``T = a / b``) is diagonally dominant with a nonnegative
    diagonal, so positive semidefinite;
  - ``cholesky``: with the integer ``G = a I - b K``, an integer matrix ``L`` and ``s = 4^k``,
    ``E = s G - L L^T`` is diagonally dominant with a nonnegative diagonal.  Then
    ``s G = L L^T + E`` is a sum of two positive semidefinite matrices.  ``L`` is *any* integer
    matrix: the checker recomputes it (a float Cholesky factor of ``G - margin I``, scaled by
    ``2^k`` and rounded) and then checks the identity in exact integer arithmetic (``L L^T`` is
    one float64 BLAS product whose partial sums are proven below ``2^53``).  How ``L`` was found
    never matters to soundness; a bad ``L`` can only make the check fail.

  Then ``sr(S) >= sqrt(m n / T)``, and the bound reported is the least integer ``L`` with
  ``L^2 T >= m n``.
* *two by two*: a 2 x 2 submatrix with an odd number of ``-1`` entries has no rank-1 sign
  pattern, so ``sr(S) >= 2``.
* *z3*: for tiny matrices, "``sr(S) <= r``" is decided in nonlinear real arithmetic (z3's complete
  ``nlsat``): ``B = X Y^T`` with ``S_ij (X Y^T)_ij >= 1`` (any sign pattern realisation can be
  scaled to this).  ``unsat`` proves ``sr(S) > r``; a model is a rational witness, re-checked
  exactly, for ``sr(S) <= r``.  Feasible up to about 8 x 8 with ``r = 2`` (measured: ``IP_2``,
  ``DISJ_3`` decided in under 2 s; ``IP_3`` with ``r = 2`` did not finish in 20 s); beyond that
  the answer is *unknown* and says so.

Calculators: :func:`mb_theorem_2_5` (Mukherjee & Basu Thm 2.5 chain, CLAIMS.md MB-Thm2.5),
:func:`ms_lemma_23` and :func:`ms_round_depth2` (Malach & Shalev-Shwartz Lemma 23 and the
rounding step of Theorem 12, CLAIMS.md MS-Thm12 / MS-Lemma23).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.errors import FileFormatError, InputError
from exactnets.linalg.comm import MatrixSource, add_constant
from exactnets.linalg.matrix import ExactMatrix, as_exact_matrix, column_classes, row_classes
from exactnets.linalg.modp import blas_threads
from exactnets.linalg.rank import RankCertificate, rank as exact_rank, verify_rank_certificate
from exactnets.network import Layer, Network
from exactnets.rational import as_rational, format_rational
from exactnets.verify.verdict import Verdict, proved, refuted, unknown

__all__ = [
    "SIGNRANK_CERTIFICATE_FORMAT",
    "sign_matrix",
    "check_sign_agreement",
    "top_nonzero_shift",
    "SpectralBound",
    "spectral_norm_bound",
    "check_spectral_bound",
    "forster_bound",
    "UpperEvidence",
    "LowerEvidence",
    "SignRankResult",
    "sign_rank_bounds",
    "decide_sign_rank_at_most",
    "verify_signrank_certificate",
    "mb_theorem_2_5",
    "ms_lemma_23",
    "ms_round_depth2",
]

SIGNRANK_CERTIFICATE_FORMAT = "exactnets.signrank-certificate/1"
_FLOAT_EXACT = 1 << 53
_INT64_SAFE = 1 << 62


# -- signs ---------------------------------------------------------------------------------------------------

def sign_matrix(matrix: Any) -> ExactMatrix:
    """``sgn`` of every entry as a ±1 int8 matrix, with sgn(0) = +1 (the papers' convention).

    >>> sign_matrix([[0, -1], ["1/2", "-1/3"]]).numerators.tolist()
    [[1, -1], [1, -1]]
    """
    values = as_exact_matrix(matrix).numerators
    return ExactMatrix(np.where(values >= 0, 1, -1).astype(np.int8), 1)


def _pm1(matrix: Any) -> np.ndarray:
    exact = as_exact_matrix(matrix)
    if not exact.is_sign_matrix():
        raise InputError("sign-rank is defined for matrices of -1/+1 entries; take sign_matrix(...) first")
    return exact.numerators.astype(np.int8)


def check_sign_agreement(signs: Any, real: Any) -> tuple[bool, tuple[int, int] | None]:
    """Is every entry of ``real`` nonzero with the sign of ``signs``?  ``(ok, first bad entry)``.

    >>> check_sign_agreement([[1, -1]], [["1/2", -3]]), check_sign_agreement([[1, -1]], [[0, -3]])
    ((True, None), (False, (0, 0)))
    """
    S = _pm1(signs)
    A = as_exact_matrix(real).numerators
    if S.shape != A.shape:
        return False, None
    bad = (A == 0) | ((A > 0) != (S > 0))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        return False, (int(i), int(j))
    return True, None


def top_nonzero_shift(matrix: Any) -> Fraction:
    """The shift ``delta`` of CLAIMS.md MB-TopNonzero: ``0`` if no entry is 0, else half the gap ``p``.

    ``p`` is the distance from 0 of the largest negative entry (1 when there is none).  Adding
    ``delta`` with ``0 < delta < p`` to every entry keeps every sign (sgn(0) = +1) and makes every
    entry nonzero; ``rank`` grows by at most 1.

    >>> top_nonzero_shift([[0, -1], [2, "-1/3"]]), top_nonzero_shift([[1, -1]])
    (Fraction(1, 6), Fraction(0, 1))
    """
    exact = as_exact_matrix(matrix)
    values = exact.numerators
    if not (values == 0).any():
        return Fraction(0)
    negative = values[values < 0]
    if negative.size == 0:
        return Fraction(1)
    largest = max(int(v) for v in negative.tolist()) if negative.dtype == object else int(negative.max())
    return Fraction(-largest, 2 * exact.denominator)


# -- the spectral norm, certified --------------------------------------------------------------------------

def _gram(S: np.ndarray) -> tuple[np.ndarray, str]:
    """The exact Gram matrix of the smaller side, as int64 (float64 BLAS: sums of at most 2^14 terms of ±1)."""
    m, n = S.shape
    F = S.astype(np.float64)
    if n <= m:
        K, side = F.T @ F, "columns"
    else:
        K, side = F @ F.T, "rows"
    return K.astype(np.int64), side


def _diagonally_dominant(E: np.ndarray) -> bool:
    """Exact: every diagonal entry is at least the sum of the absolute off-diagonal entries of its row."""
    n = E.shape[0]
    if n == 0:
        return True
    peak = int(np.abs(E).max())
    if peak * n >= 1 << 63:
        return False  # refuse rather than risk an overflow: the certificate just fails
    absolute = np.abs(E)
    diagonal = np.diagonal(E)
    off = absolute.sum(axis=1) - np.abs(diagonal)
    return bool(np.all(diagonal >= off))


@dataclasses.dataclass(frozen=True)
class SpectralBound:
    """``||S||^2 <= T``, certified by ``method`` (``"gershgorin"`` or ``"cholesky"``; see the module docstring).

    ``margin`` (a rational, in units of ``G = a I - b K``) and ``scale_bits`` ``k`` say how the
    checker recomputes its hint ``L`` for the ``cholesky`` method.
    """

    T: Fraction
    method: str
    margin: Fraction | None = None
    scale_bits: int | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"T": format_rational(self.T), "method": self.method}
        if self.margin is not None:
            doc["margin"] = format_rational(self.margin)
            doc["scale_bits"] = self.scale_bits
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> "SpectralBound":
        margin = doc.get("margin")
        return cls(as_rational(doc["T"], what="T"), str(doc["method"]),
                   None if margin is None else as_rational(margin, what="margin"),
                   None if doc.get("scale_bits") is None else int(doc["scale_bits"]))


def _psd_by_hint(G: np.ndarray, margin: float, scale_bits: int) -> tuple[bool, str]:
    """The ``cholesky`` check of ``G >= 0`` (integer ``G``): exact, whatever the float hint is."""
    n = G.shape[0]
    try:
        L = np.linalg.cholesky(G.astype(np.float64) - margin * np.eye(n))
    except np.linalg.LinAlgError:
        return False, "the float Cholesky hint does not exist (margin too large or T too small)"
    if not np.all(np.isfinite(L)):
        return False, "the float Cholesky hint is not finite"
    scaled = np.rint(np.ldexp(L, scale_bits))
    peak = float(np.abs(scaled).max()) if n else 0.0
    if n * peak * peak >= _FLOAT_EXACT:
        return False, f"the scaled hint is too large for an exact float64 product (n max|L|^2 >= 2^53)"
    product = (scaled @ scaled.T).astype(np.int64)  # exact: every partial sum is an integer below 2^53
    factor = 1 << (2 * scale_bits)
    if int(np.abs(G).max()) * factor >= _INT64_SAFE:
        return False, "4^k G does not fit int64"
    E = G * factor - product
    if not np.array_equal(E, E.T):
        return False, "E is not symmetric"  # cannot happen: both terms are symmetric
    if not _diagonally_dominant(E):
        return False, "E = 4^k G - L L^T is not diagonally dominant"
    return True, "4^k (a I - b K) = L L^T + E with E diagonally dominant"


def _check_gram(K: np.ndarray, side: str, bound: SpectralBound) -> tuple[bool, str]:
    T = Fraction(bound.T)
    n = K.shape[0]
    if n == 0:
        return True, "empty matrix"
    if T <= 0:
        return False, "T must be positive"
    a, b = T.numerator, T.denominator
    if (abs(a) + b * int(np.abs(K).max())) * max(n, 1) >= _INT64_SAFE:
        return False, "T's numerator and denominator are too large for the exact int64 check"
    G = a * np.eye(n, dtype=np.int64) - b * K
    if bound.method == "gershgorin":
        ok = _diagonally_dominant(G)
        return ok, (f"T I - K (K the Gram matrix of the {side}) is diagonally dominant" if ok
                    else "T I - K is not diagonally dominant")
    if bound.method == "cholesky":
        if bound.margin is None or bound.scale_bits is None or not 0 <= bound.scale_bits <= 40:
            return False, "the cholesky method needs a margin and scale_bits in 0..40"
        return _psd_by_hint(G, float(bound.margin), bound.scale_bits)
    return False, f"unknown method {bound.method!r}"


def check_spectral_bound(signs: Any, bound: SpectralBound) -> tuple[bool, str]:
    """Exactly check ``||S||^2 <= T`` by the bound's method; ``(ok, how or why not)``.

    >>> from exactnets.linalg import named_matrix
    >>> check_spectral_bound(named_matrix("ip", 2), SpectralBound(Fraction(4), "gershgorin"))[0]
    True
    >>> check_spectral_bound(named_matrix("ip", 2), SpectralBound(Fraction(399, 100), "gershgorin"))[0]
    False
    """
    S = _pm1(signs)
    if S.size == 0:
        return True, "empty matrix"
    with blas_threads("auto"):
        K, side = _gram(S)
        return _check_gram(K, side, bound)


def _float_lambda_max(K: np.ndarray) -> float:
    n = K.shape[0]
    if n <= 1500:
        return float(np.linalg.eigvalsh(K.astype(np.float64))[-1])
    from scipy.sparse.linalg import eigsh

    return float(eigsh(K.astype(np.float64), k=1, which="LA", tol=1e-12, return_eigenvectors=False)[0])


def spectral_norm_bound(signs: Any) -> SpectralBound:
    """A certified ``T >= ||S||^2``, as small as the exact checks allow.

    Gershgorin (``T`` = the largest absolute row sum of ``K``) when it is already tight (it is
    exact for Hadamard matrices such as ``IP``), else the ``cholesky`` certificate at
    ``T = lambda (1 + eps)`` for the float estimate ``lambda`` and the smallest ``eps`` that checks
    (starting from the one the rounding analysis predicts), else Gershgorin.

    >>> from exactnets.linalg import named_matrix
    >>> spectral_norm_bound(named_matrix("ip", 3))
    SpectralBound(T=Fraction(8, 1), method='gershgorin', margin=None, scale_bits=None)
    """
    S = _pm1(signs)
    if S.size == 0:
        return SpectralBound(Fraction(0), "gershgorin")
    with blas_threads("auto"):
        return _spectral_norm_bound(S)


def _spectral_norm_bound(S: np.ndarray) -> SpectralBound:
    K, side = _gram(S)
    n = K.shape[0]
    gershgorin = int(np.abs(K).sum(axis=1).max())
    estimate = _float_lambda_max(K)
    if gershgorin <= estimate * (1 + 2.0**-12) + 1:
        return SpectralBound(Fraction(gershgorin), "gershgorin")
    denominator = 1 << 10
    limit_bits = (53 - max(1, n).bit_length()) // 2 - 1
    diagonal_min = int(np.diagonal(K).min())
    # Rounding L to integers leaves |E| row sums of about 0.33 n 2^k sqrt(G_ii); the margin must cover them.
    largest_diagonal = max(1.0, denominator * (estimate - diagonal_min))
    k_guess = max(0, int(math.floor(limit_bits - math.log2(math.sqrt(largest_diagonal)))))
    eps_needed = 1.3 * n * math.sqrt(largest_diagonal) / (2.0**k_guess * denominator * max(estimate, 1.0))
    start = min(24, max(2, int(math.floor(-math.log2(eps_needed))) if eps_needed > 0 else 24))
    for eps_bits in range(start, 1, -2):
        T = Fraction(math.ceil(estimate * (1 + 2.0**-eps_bits) * denominator), denominator)
        if T >= gershgorin:
            break
        a, b = T.numerator, T.denominator
        margin_float = (a - b * estimate) / 2
        if margin_float <= 0:
            continue
        scale_bits = max(0, int(math.floor(limit_bits - math.log2(math.sqrt(max(1, a - b * diagonal_min))))))
        candidate = SpectralBound(T, "cholesky", Fraction(margin_float), scale_bits)
        if _check_gram(K, side, candidate)[0]:
            return candidate
    return SpectralBound(Fraction(gershgorin), "gershgorin")


def forster_bound(m: int, n: int, T: Fraction) -> int:
    """The least integer ``L`` with ``L^2 T >= m n``: Forster's ``sqrt(m n) / ||S||`` rounded up, given ``||S||^2 <= T``.

    >>> forster_bound(4096, 4096, Fraction(4096)), forster_bound(8, 8, Fraction(20))
    (64, 2)
    """
    T = Fraction(T)
    if m == 0 or n == 0:
        return 0
    a, b = T.numerator, T.denominator
    target = m * n * b  # L^2 a >= m n b
    L = math.isqrt(target // a) if a else 0
    while L * L * a < target:
        L += 1
    while L > 0 and (L - 1) * (L - 1) * a >= target:
        L -= 1
    return L


# -- tiny matrices: z3 --------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Reduced:
    """``S[i, j] = row_sign[i] col_sign[j] core[row_class[i], col_class[j]]``, ``core = S[rows][:, cols]``."""

    core: np.ndarray
    rows: list[int]
    cols: list[int]
    row_class: np.ndarray
    col_class: np.ndarray
    row_sign: np.ndarray
    col_sign: np.ndarray

    def expand(self, values: ExactMatrix) -> ExactMatrix:
        """A matrix on the core, spread back over ``S``'s rows and columns with their signs."""
        spread = values.numerators[np.ix_(self.row_class, self.col_class)]
        signs = np.outer(self.row_sign, self.col_sign).astype(np.int64)
        return ExactMatrix(spread * signs if spread.dtype != object else spread * signs.astype(object), values.denominator)


def _reduce_signs(S: np.ndarray) -> _Reduced:
    """Rows and columns that are distinct up to sign (the sign-rank is unchanged)."""
    m, n = S.shape
    if S.size == 0:
        return _Reduced(S, [], [], np.zeros(m, dtype=np.int64), np.zeros(n, dtype=np.int64),
                        np.ones(m, dtype=np.int64), np.ones(n, dtype=np.int64))
    first_col = S[:, 0].astype(np.int64)
    rows, row_class = row_classes(S * first_col[:, None].astype(np.int8))
    sub = S[rows]
    first_row = sub[0, :].astype(np.int64)
    cols, col_class = column_classes(sub * first_row[None, :].astype(np.int8))
    row_sign = first_col * first_col[rows][row_class]
    col_sign = first_row * first_row[cols][col_class]
    return _Reduced(S[np.ix_(rows, cols)], [int(i) for i in rows], [int(j) for j in cols],
                    row_class, col_class, row_sign, col_sign)


def _two_by_two(S: np.ndarray) -> tuple[int, int, int, int] | None:
    """A 2 x 2 submatrix ``(i, k, j, l)`` with an odd number of -1 entries, or ``None`` (``S`` is ±uv^T)."""
    if S.shape[0] < 2 or S.shape[1] < 2:
        return None
    products = S[0:1, :].astype(np.int64) * S.astype(np.int64)  # row 0 times each row
    products = products * products[:, :1]  # normalised so column 0 is +1
    bad = np.argwhere(products != 1)
    if not len(bad):
        return None
    i, j = (int(v) for v in bad[0])
    return 0, i, 0, j


def decide_sign_rank_at_most(signs: Any, r: int, *, timeout: float = 10.0) -> Verdict:
    """Decide ``sr(S) <= r`` exactly for a tiny ``S``: ``proved`` (with a rational witness ``X, Y``),
    ``refuted`` (z3 proved it impossible) or ``unknown`` (too large, or z3 ran out of time).

    >>> decide_sign_rank_at_most([[1, 1], [1, -1]], 1).status, decide_sign_rank_at_most([[1, 1], [1, -1]], 2).status
    ('refuted', 'proved')
    """
    S = _pm1(signs)
    if isinstance(r, bool) or not isinstance(r, int) or r < 0:
        raise InputError(f"r must be a non-negative integer (got {r!r})")
    if S.size == 0:
        return proved("an empty matrix has sign-rank 0", r=r)
    reduced = _reduce_signs(S)
    core, rows, cols = reduced.core, reduced.rows, reduced.cols
    m, n = core.shape
    if r == 0:
        return refuted([], "a nonempty sign matrix has sign-rank at least 1", r=r)
    if r >= min(m, n):
        return proved(f"S has at most {min(m, n)} rows or columns distinct up to sign", r=r)
    if r == 1:  # sr = 1 iff S = ±u v^T iff one row and column class up to sign
        return refuted([], "a 2 x 2 submatrix with an odd number of -1 entries has sign-rank 2", r=r)
    if m * n * r > 128:
        return unknown(f"{m} x {n} (after merging rows and columns equal up to sign) with r = {r} is beyond the "
                       f"exact z3 decision (feasible up to about 8 x 8 with r = 2)", r=r)
    import z3

    X = [[z3.Real(f"x{i}_{k}") for k in range(r)] for i in range(m)]
    Y = [[z3.Real(f"y{j}_{k}") for k in range(r)] for j in range(n)]
    solver = z3.SolverFor("QF_NRA")
    solver.set("timeout", max(1, int(timeout * 1000)))
    for i in range(m):
        for j in range(n):
            dot = z3.Sum([X[i][k] * Y[j][k] for k in range(r)])
            solver.add(dot >= 1 if core[i, j] > 0 else dot <= -1)
    answer = solver.check()
    if answer == z3.unsat:
        return refuted([], f"z3 (nlsat, complete for real arithmetic) proved no rank-{r} real matrix has these signs",
                       r=r, rows=rows, cols=cols)
    if answer != z3.sat:
        return unknown(f"z3 gave no answer within {timeout} s ({solver.reason_unknown()})", r=r)
    model = solver.model()

    def value(v: z3.ArithRef, digits: int) -> Fraction:
        got = model.eval(v, model_completion=True)
        if z3.is_rational_value(got):
            return Fraction(got.numerator_as_long(), got.denominator_as_long())
        return Fraction(got.approx(digits).as_fraction())

    for digits in (20, 40, 80):
        Xq = [[value(v, digits) for v in row] for row in X]
        Yq = [[value(v, digits) for v in row] for row in Y]
        if all((sum((a * b for a, b in zip(Xq[i], Yq[j])), Fraction(0)) > 0) == (core[i, j] > 0)
               and sum((a * b for a, b in zip(Xq[i], Yq[j])), Fraction(0)) != 0 for i in range(m) for j in range(n)):
            product = ExactMatrix.from_rows([[sum((a * b for a, b in zip(Xq[i], Yq[j])), Fraction(0)) for j in range(n)]
                                             for i in range(m)])
            return proved(f"a rank-{r} rational matrix X Y^T with the signs of S (from a z3 model, re-checked exactly)",
                          r=r, X=[[format_rational(v) for v in row] for row in Xq],
                          Y=[[format_rational(v) for v in row] for row in Yq], rows=rows, cols=cols,
                          realisation=reduced.expand(product))
    return unknown("z3's model has irrational entries whose approximations did not re-check", r=r)


# -- evidence and results ---------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, eq=False)
class UpperEvidence:
    """``sr(S) <= bound = rank(A)``: ``A`` from ``representation`` (``None``: ``A = S``) with its rank certificate."""

    bound: int
    representation: MatrixSource | None
    rank_certificate: RankCertificate

    def to_json(self) -> dict[str, Any]:
        return {"bound": self.bound, "representation": None if self.representation is None else self.representation.to_json(),
                "rank_certificate": self.rank_certificate.to_json()}


@dataclasses.dataclass(frozen=True, eq=False)
class LowerEvidence:
    """``sr(S) >= bound`` by ``method``: ``"trivial"``, ``"two-by-two"``, ``"forster"`` or ``"z3"``."""

    bound: int
    method: str
    rows: tuple[int, ...] | None = None
    cols: tuple[int, ...] | None = None
    spectral: SpectralBound | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"bound": self.bound, "method": self.method}
        if self.rows is not None:
            doc["rows"], doc["cols"] = list(self.rows), list(self.cols or ())
        if self.spectral is not None:
            doc["spectral"] = self.spectral.to_json()
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> "LowerEvidence":
        rows = doc.get("rows")
        return cls(int(doc["bound"]), str(doc["method"]), None if rows is None else tuple(int(i) for i in rows),
                   None if rows is None else tuple(int(j) for j in doc.get("cols", ())),
                   None if doc.get("spectral") is None else SpectralBound.from_json(doc["spectral"]))


@dataclasses.dataclass(frozen=True, eq=False)
class SignRankResult:
    """``lower <= sr(S) <= upper`` with the evidence for each; ``source`` rebuilds ``S``."""

    lower: int
    upper: int
    lower_evidence: LowerEvidence
    upper_evidence: UpperEvidence
    shape: tuple[int, int]
    digest: str
    source: MatrixSource | None = None
    notes: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.lower == self.upper

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": SIGNRANK_CERTIFICATE_FORMAT}
        if self.source is not None:
            doc["matrix"] = self.source.to_json()
        doc.update({"shape": list(self.shape), "digest": self.digest, "lower": self.lower_evidence.to_json(),
                    "upper": self.upper_evidence.to_json()})
        return doc


def _lower_trivial(S: np.ndarray) -> LowerEvidence:
    if S.size == 0:
        return LowerEvidence(0, "trivial")
    witness = _two_by_two(S)
    if witness is None:
        return LowerEvidence(1, "trivial")
    i, k, j, l = witness
    return LowerEvidence(2, "two-by-two", (i, k), (j, l))


def _forster(S: np.ndarray, rows: list[int] | None = None, cols: list[int] | None = None) -> LowerEvidence:
    sub = S if rows is None else S[np.ix_(rows, cols)]
    spectral = spectral_norm_bound(sub)
    bound = forster_bound(sub.shape[0], sub.shape[1], spectral.T)
    return LowerEvidence(bound, "forster", None if rows is None else tuple(rows),
                         None if cols is None else tuple(cols), spectral)


def sign_rank_bounds(signs: Any, *, representations: Sequence[MatrixSource] = (), source: MatrixSource | None = None,
                     forster: bool = True, tiny: bool = True, timeout: float = 10.0, seed: int | None = None) -> SignRankResult:
    """Certified ``lower <= sr(S) <= upper`` for a ±1 matrix ``S`` (see the module docstring).

    ``representations`` are real matrices with the sign pattern of ``S`` (each is checked
    exactly; one that does not agree raises InputError); ``S`` itself is always a candidate.
    ``tiny`` runs the exact z3 decision when ``S`` is small enough (after merging rows and
    columns equal up to sign).

    >>> from exactnets.linalg import named_matrix, MatrixSource
    >>> r = sign_rank_bounds(named_matrix("disj", 3), representations=[MatrixSource.representation("disj", 3)],
    ...                      tiny=False)
    >>> r.lower, r.upper, r.lower_evidence.method, r.upper_evidence.representation.describe()
    (2, 4, 'two-by-two', 'sign representation of disj(m=3)')
    """
    exact = as_exact_matrix(signs)
    S = _pm1(exact)
    m, n = S.shape
    notes: list[str] = []
    candidates: list[UpperEvidence] = []
    plain = exact_rank(exact, seed=seed)
    candidates.append(UpperEvidence(plain.rank, None, plain.certificate))
    for representation in representations:
        A = representation.build()
        ok, bad = check_sign_agreement(S, A)
        if not ok:
            raise InputError(f"the representation {representation.describe()} does not have the signs of the matrix "
                             f"(first disagreement at entry {bad})")
        result = exact_rank(A, seed=seed)
        candidates.append(UpperEvidence(result.rank, representation, result.certificate.with_source(representation.to_json())))
    upper = min(candidates, key=lambda e: e.bound)
    lower = _lower_trivial(S)
    if forster and S.size:
        evidence = _forster(S)
        if evidence.bound > lower.bound:
            lower = evidence
        reduced = _reduce_signs(S)
        if reduced.core.shape != S.shape and reduced.core.size:
            evidence = _forster(S, reduced.rows, reduced.cols)
            if evidence.bound > lower.bound:
                lower = evidence
    if tiny and lower.bound < upper.bound:
        for r in range(max(lower.bound, 1), upper.bound):
            verdict = decide_sign_rank_at_most(S, r, timeout=timeout)
            if verdict.status == "refuted":
                lower = LowerEvidence(r + 1, "z3")
            elif verdict.status == "proved":
                realisation = MatrixSource.rows(verdict.details["realisation"])
                result = exact_rank(realisation.build(), seed=seed)
                upper = UpperEvidence(result.rank, realisation, result.certificate.with_source(realisation.to_json()))
                notes.append(f"z3 found a rank-{r} real matrix with the signs of S (re-checked exactly)")
                break
            else:
                notes.append(f"exact decision of sign-rank <= {r}: {verdict.reason}")
                break
    return SignRankResult(lower.bound, upper.bound, lower, upper, (m, n), exact.digest(), source, tuple(notes))


# -- checking a sign-rank certificate ----------------------------------------------------------------------------

def verify_signrank_certificate(doc: Mapping[str, Any], signs: Any | None = None, *, where: str = "<memory>",
                                timeout: float = 30.0) -> Verdict:
    """Re-check a ``exactnets.signrank-certificate/1`` document; ``signs`` defaults to its ``matrix`` source."""
    if not isinstance(doc, Mapping) or doc.get("format") != SIGNRANK_CERTIFICATE_FORMAT:
        raise FileFormatError(f"expected \"format\": \"{SIGNRANK_CERTIFICATE_FORMAT}\"", path=where)
    if signs is None:
        if doc.get("matrix") is None:
            raise FileFormatError("the certificate has no \"matrix\" source; pass the matrix to check it against", path=where)
        signs = MatrixSource.from_json(doc["matrix"], where).build(where)
    exact = as_exact_matrix(signs)
    S = _pm1(exact)

    def reject(reason: str) -> Verdict:
        return refuted([], f"certificate rejected: {reason}")

    if exact.digest() != doc.get("digest"):
        return reject("the matrix digest differs: the certificate is about another matrix")
    upper = doc.get("upper")
    lower = doc.get("lower")
    if not isinstance(upper, Mapping) or not isinstance(lower, Mapping):
        raise FileFormatError("expected \"lower\" and \"upper\" objects", path=where)
    representation = None if upper.get("representation") is None else MatrixSource.from_json(upper["representation"], where)
    A = exact if representation is None else representation.build(where)
    if A.shape != exact.shape:
        return reject(f"the representation has shape {A.shape}, the matrix {exact.shape}")
    ok, bad = check_sign_agreement(S, A)
    if not ok:
        return reject(f"the representation's entry {bad} is zero or has the wrong sign")
    rank_cert = RankCertificate.from_json(upper.get("rank_certificate"), where)
    verdict = verify_rank_certificate(rank_cert, A)
    if verdict.status != "proved":
        return reject(f"the representation's rank certificate: {verdict.reason}")
    if int(upper.get("bound", -1)) != rank_cert.rank:
        return reject(f"the upper bound {upper.get('bound')} is not the certified rank {rank_cert.rank}")
    evidence = LowerEvidence.from_json(lower)
    how_lower = _check_lower(S, evidence, timeout)
    if isinstance(how_lower, Verdict):
        return how_lower
    return proved(f"{evidence.bound} <= sign-rank <= {rank_cert.rank}: {how_lower}; upper: {verdict.method}",
                  lower=evidence.bound, upper=rank_cert.rank)


def _check_lower(S: np.ndarray, evidence: LowerEvidence, timeout: float) -> str | Verdict:
    m, n = S.shape
    if evidence.method == "trivial":
        if evidence.bound > (1 if S.size else 0):
            return refuted([], "certificate rejected: the trivial lower bound is at most 1")
        return "trivial lower bound"
    if evidence.method == "two-by-two":
        i, k = evidence.rows or (0, 0)
        j, l = evidence.cols or (0, 0)
        if not (0 <= i < m and 0 <= k < m and 0 <= j < n and 0 <= l < n) or evidence.bound > 2:
            return refuted([], "certificate rejected: bad 2 x 2 witness")
        if int(S[i, j]) * int(S[i, l]) * int(S[k, j]) * int(S[k, l]) != -1:
            return refuted([], "certificate rejected: the 2 x 2 submatrix has an even number of -1 entries")
        return f"the 2 x 2 submatrix on rows {i}, {k} and columns {j}, {l} has no rank-1 sign pattern"
    if evidence.method == "forster":
        sub = S
        if evidence.rows is not None:
            rows, cols = list(evidence.rows), list(evidence.cols or ())
            if any(not 0 <= i < m for i in rows) or any(not 0 <= j < n for j in cols):
                return refuted([], "certificate rejected: submatrix indices out of range")
            sub = S[np.ix_(rows, cols)]
        if evidence.spectral is None:
            return refuted([], "certificate rejected: Forster's bound needs a spectral bound")
        ok, how = check_spectral_bound(sub, evidence.spectral)
        if not ok:
            return refuted([], f"certificate rejected: the spectral bound does not check ({how})")
        if forster_bound(sub.shape[0], sub.shape[1], evidence.spectral.T) < evidence.bound:
            return refuted([], f"certificate rejected: Forster's bound with T = {evidence.spectral.T} is below {evidence.bound}")
        where = "" if evidence.rows is None else f" of a {sub.shape[0]} x {sub.shape[1]} submatrix"
        return f"Forster: sqrt(m n) / ||S||{where} with ||S||^2 <= {format_rational(evidence.spectral.T)} ({how})"
    if evidence.method == "z3":
        verdict = decide_sign_rank_at_most(S, evidence.bound - 1, timeout=timeout)
        if verdict.status == "refuted":
            return f"z3 proved sign-rank > {evidence.bound - 1}"
        if verdict.status == "proved":
            return refuted([], f"certificate rejected: sign-rank <= {evidence.bound - 1} after all")
        return unknown(f"z3 could not re-decide sign-rank <= {evidence.bound - 1}: {verdict.reason}")
    return refuted([], f"certificate rejected: unknown lower-bound method {evidence.method!r}")


# -- the papers' calculators ------------------------------------------------------------------------------------

def mb_theorem_2_5(widths: Sequence[int], m: int, W: int, sign_rank_lower: int | None = None) -> dict[str, Any]:
    """The sign-rank chain of Mukherjee & Basu Thm 2.5 for an LTF-of-(ReLU)^(d-1) circuit, exactly.

    ``widths`` are ``w_1 .. w_(d-1)`` (``w_1`` next to the input), the bottom weights are integers
    in ``[-W, W]`` satisfying Definition 2, the input is ``2m`` bits.  ``D = m W + 1`` bounds the
    distinct values of ``<a, x>`` (they lie in ``[-mW, mW]`` with the parity of ``sum a_i``).

    * ``mb_printed``: ``(prod w)^2 (m W)^2``, the paper's bound with its O-constant set to 1;
    * ``induction``: the paper's induction with explicit constants: each ``F_j`` has at most
      ``B = (prod_{k<d-1} w_k) m W + 1`` contiguous blocks per side (Claim 4), ``rank(F_j) <= B``
      (rows in a block are equal: CLAIMS.md MB-Lemma4.1 note), so ``sr <= 1 + w_(d-1) B``;
    * ``layered``: in a layered network every unit, and the top gate's input, is a function of
      the ``w_1`` bottom gates, so ``sr <= w_1 m W + 1`` (the union of their cuts).

    With ``sign_rank_lower`` (a lower bound on the target's sign-rank, such as Forster's), also
    the least circuit size ``1 + sum w_k`` compatible with each chain, by AM-GM on
    ``sum w >= (d-1) (prod w)^(1/(d-1))`` and ``sr <= 1 + (prod w)(m W + 1)`` (``induction``) or
    ``sr <= (prod w)^2 (m W)^2`` (``mb_printed``): the theorem's size bound, made exact.

    >>> bounds = mb_theorem_2_5([2, 3], 2, 1, sign_rank_lower=64)
    >>> bounds["induction"], bounds["layered"], bounds["least_size_induction"]
    (16, 5, 11)
    """
    widths = [int(w) for w in widths]
    if not widths or any(w < 1 for w in widths) or m < 1 or W < 1:
        raise InputError("mb_theorem_2_5 needs widths >= 1 (at least one ReLU layer), m >= 1 and W >= 1")
    d = len(widths) + 1
    product = math.prod(widths)
    below_top = math.prod(widths[:-1])
    blocks = below_top * m * W + 1
    out: dict[str, Any] = {
        "depth": d,
        "size": 1 + sum(widths),
        "distinct_values_per_bottom_gate": m * W + 1,
        "blocks_per_top_input": blocks,
        "mb_printed": product**2 * (m * W) ** 2,
        "induction": 1 + widths[-1] * blocks,
        "layered": widths[0] * m * W + 1,
    }
    if sign_rank_lower is not None:
        L, k = int(sign_rank_lower), d - 1

        def least_sum(fits) -> int:
            s = k  # every width is at least 1
            while not fits(s):
                s += 1
            return s

        # induction: need 1 + prod w (mW + 1) >= L and prod w <= (s/k)^k
        out["least_size_induction"] = 1 + least_sum(lambda s: (L - 1) * k**k <= s**k * (m * W + 1))
        # printed: need (prod w)^2 (mW)^2 >= L
        out["least_size_mb_printed"] = 1 + least_sum(lambda s: L * k ** (2 * k) <= s ** (2 * k) * (m * W) ** 2)
    return out


def ms_lemma_23(k: int, B: int, n_prime: int) -> dict[str, int]:
    """Malach & Shalev-Shwartz Lemma 23 for ``k`` units with integer weights in ``[-B, B]`` on ``n' + n'`` inputs.

    ``paper``: ``sr <= 4 B k n'``.  ``refined``: each unit's matrix has at most ``B n' + 1``
    distinct rows (``<w, x>`` lies in ``[-Bn', Bn']`` with a fixed parity), so the pre-activation
    matrix has rank ``<= k (B n' + 1)``, and ``sr <= k (B n' + 1) + 1`` after the MB-TopNonzero shift.
    ``catalogue``: CLAIMS.md's ``k (2 B n' + 1)``.

    >>> ms_lemma_23(3, 2, 4)
    {'paper': 96, 'catalogue': 51, 'rank_refined': 27, 'refined': 28}
    """
    return {"paper": 4 * B * k * n_prime, "catalogue": k * (2 * B * n_prime + 1),
            "rank_refined": k * (B * n_prime + 1), "refined": k * (B * n_prime + 1) + 1}


@dataclasses.dataclass(frozen=True)
class RoundedNet:
    """The rounding step of MS Thm 12: ``network`` (integer first layer scaled by ``N``), ``N``, the error bound."""

    network: Network
    N: int
    error_bound: Fraction
    B: Fraction
    k: int
    n_prime: int


def ms_round_depth2(net: Network, B: Any, gamma: Any) -> RoundedNet:
    """Round a depth-2 ReLU net ``g = sum u_i relu(<w_i, x> + <v_i, y> + b_i) (+ c)`` as in MS Thm 12.

    ``N = ceil(2 B k (2n' + 1) / gamma)``; the first layer becomes ``ceil(N w)``, ``ceil(N v)``,
    ``ceil(N b)`` (integers bounded by ``ceil(N B)``) and the output weights ``u_i / N``, so
    ``g_hat = sum (u_i / N) relu(...)`` and ``|g_hat - g| <= B k (2n' + 1) / N <= gamma / 2`` on the
    cube (ReLU is 1-Lipschitz and positively homogeneous; ``|x_t| = 1``).  Raises InputError if a
    weight exceeds ``B`` or the net is not of that shape.

    >>> net = Network(2, [Layer("relu", [["1/3", "-1/2"]], ["1/5"]), Layer("linear", [[1]], [0])])
    >>> rounded = ms_round_depth2(net, 1, "1/2"); rounded.N, rounded.error_bound
    (12, Fraction(1, 4))
    """
    B = as_rational(B, what="B")
    gamma = as_rational(gamma, what="gamma")
    if B <= 0 or gamma <= 0:
        raise InputError("B and gamma must be positive")
    if net.depth != 2 or net.layers[0].activation != "relu" or net.output_dim != 1 or net.layers[1].activation != "linear":
        raise InputError("ms_round_depth2 needs a depth-2 net: one relu layer and one linear output unit")
    if net.input_dim % 2:
        raise InputError(f"the input must split into x and y of n' coordinates each (got {net.input_dim} inputs)")
    hidden, output = net.layers
    k, n_prime = hidden.out_dim, net.input_dim // 2
    for value in [w for row in hidden.weights for w in row] + list(hidden.bias) + list(output.weights[0]):
        if abs(value) > B:
            raise InputError(f"every weight, bias and output weight must lie in [-B, B] = [-{B}, {B}] (got {value})")
    N = math.ceil(2 * B * k * (2 * n_prime + 1) / gamma)
    weights = [[math.ceil(N * w) for w in row] for row in hidden.weights]
    bias = [math.ceil(N * b) for b in hidden.bias]
    rounded = Network(net.input_dim, [Layer("relu", weights, bias),
                                      Layer("linear", [[u / N for u in output.weights[0]]], list(output.bias))],
                      name=f"MS Thm 12 rounding of {net.name or 'a depth-2 net'} with N = {N}")
    return RoundedNet(rounded, N, Fraction(B * k * (2 * n_prime + 1), N), B, k, n_prime)
