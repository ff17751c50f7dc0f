"""Exact linear algebra modulo a prime: the fast engine under every exact rank.

Two engines compute the same thing, an echelon form of an integer matrix modulo a prime ``p``
with row pivoting and column skipping, and from it the rank mod ``p`` together with *pivot rows*
and *pivot columns*: the ``r x r`` submatrix on those rows and columns is nonsingular mod ``p``.

* **BLAS** (primes below ``2^23``, the default): a recursive LU written on numpy ``float64``
  arrays.  Residues are kept centred, ``|x| <= p/2 + 2 < 2^22``, and every product of a block
  update ``C - A @ B`` is summed over at most :attr:`ModP.kmax` terms, so every partial sum of
  every BLAS kernel, whatever order it adds in, is an integer below ``2^53``: a double holds it
  exactly and the float result *is* the integer result (the same argument as
  :mod:`exactnets.evaluate`).  Reduction ``x - p * rint(x / p)`` is exact for such ``x``.
* **flint** (any prime below ``2^63``): python-flint's ``nmod_mat`` (``rref``), slower, used for
  primes the user names (``exactnets rank --mod P``) and to cross-check the BLAS engine in tests.

A nonzero minor mod ``p`` is a nonzero integer, so the rank mod ``p`` is a *lower bound* of the
rank over Q for any prime; it is equal for all but finitely many primes, and a random prime of
20 bits fails only when it divides every maximal minor (rare; :func:`exactnets.linalg.rank`
detects it, because the upper-bound certificate then fails, and retries with another prime).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import random
from collections.abc import Iterator, Sequence

import flint
import numpy as np

from exactnets.errors import InputError

__all__ = [
    "BLAS_PRIME_LIMIT",
    "ModP",
    "is_prime",
    "random_prime",
    "verification_primes",
    "residues",
    "lu_rank",
    "rank_mod_p_residues",
    "residue_buffer",
    "flint_rank_mod_p",
    "blas_threads",
    "auto_threads",
]

#: Primes below this run on the float64 BLAS engine; larger ones on python-flint.
BLAS_PRIME_LIMIT = 1 << 23
_EXACT = 1 << 53


def is_prime(p: int) -> bool:
    """``True`` iff ``p`` is prime (python-flint's ``fmpz.is_prime``: a proof, not a guess).

    >>> is_prime(8388593), is_prime(8388592), is_prime(2**61 - 1)
    (True, False, True)
    """
    return p >= 2 and bool(flint.fmpz(int(p)).is_prime())


def random_prime(rng: random.Random | None = None, bits: int = 20) -> int:
    """A uniformly chosen prime ``p`` with ``2^(bits-1) <= p < 2^bits``.

    20 bits by default: then ``kmax >= 2^15``, so a block update of any size up to 32768 needs
    one reduction only; a fixed nonzero minor is divisible by at most ``log2|det| / 19`` of the
    ~38,000 candidate primes, and a failure is detected (the factorisation does not check) and
    retried with another prime.

    >>> p = random_prime(random.Random(1)); 2**19 <= p < 2**20 and is_prime(p)
    True
    """
    rng = rng or random.SystemRandom()
    low, high = 1 << (bits - 1), (1 << bits) - 1
    while True:
        candidate = rng.randrange(low, high) | 1
        if is_prime(candidate):
            return candidate


_VERIFICATION_PRIMES: list[int] = []


def verification_primes(count: int) -> list[int]:
    """The ``count`` largest primes below ``2^23`` (a fixed list: deterministic checks).

    >>> verification_primes(2)
    [8388593, 8388587]
    """
    candidate = (_VERIFICATION_PRIMES[-1] - 2) if _VERIFICATION_PRIMES else BLAS_PRIME_LIMIT - 1
    while len(_VERIFICATION_PRIMES) < count:
        if is_prime(candidate):
            _VERIFICATION_PRIMES.append(candidate)
        candidate -= 2
    return _VERIFICATION_PRIMES[:count]


# -- BLAS thread control -------------------------------------------------------------------------

def _openblas() -> tuple[object, object] | None:
    """``(set, get)`` for the thread count of the OpenBLAS numpy loaded, or ``None``."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as handle:
            paths = sorted({line.split()[-1] for line in handle if "openblas" in line.lower() and "/" in line})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for setter, getter in (("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
                               ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
                               ("openblas_set_num_threads", "openblas_get_num_threads")):
            if hasattr(lib, setter) and hasattr(lib, getter):
                set_fn, get_fn = getattr(lib, setter), getattr(lib, getter)
                set_fn.argtypes, set_fn.restype = [ctypes.c_int], None
                get_fn.argtypes, get_fn.restype = [], ctypes.c_int
                return set_fn, get_fn
    return None


_OPENBLAS: list = []


def auto_threads() -> int | None:
    """One BLAS thread when the machine is already busy, else ``None`` (the BLAS default).

    Threads that wait at a barrier for a peer the kernel descheduled cost more than they give:
    measured 3x slower with two threads than with one on a 2-core machine with one other busy
    process.
    """
    try:
        load = os.getloadavg()[0]
    except OSError:
        return None
    cpus = os.cpu_count() or 1
    return 1 if cpus <= 1 or load >= cpus - 0.5 else None


@contextlib.contextmanager
def blas_threads(count: int | str | None) -> Iterator[None]:
    """Run a block with ``count`` BLAS threads (``None``: leave the setting alone; ``"auto"``: :func:`auto_threads`).

    Only OpenBLAS (numpy's own) is controlled; anything else is left as it is.  Results never
    depend on the thread count: every kernel here is exact.
    """
    if count == "auto":
        count = auto_threads()
    if count is None:
        yield
        return
    if not _OPENBLAS:
        _OPENBLAS.append(_openblas())
    handle = _OPENBLAS[0]
    if handle is None:
        yield
        return
    set_fn, get_fn = handle
    previous = get_fn()
    set_fn(max(1, int(count)))
    try:
        yield
    finally:
        set_fn(previous)


# -- arithmetic mod p on float64 ---------------------------------------------------------------------

class ModP:
    """Exact arithmetic modulo a prime ``p < 2^23`` on numpy float64 arrays of centred residues.

    ``h = p // 2 + 2`` bounds every stored residue; ``kmax`` is the most products a block update
    may add before reducing, the largest ``k`` with ``h + k h^2 < 2^53``.

    >>> ops = ModP(8388593)
    >>> ops.kmax
    512
    >>> x = np.array([8388593.0 * 1000 + 5, -3.0]); ops.reduce(x).tolist()
    [5.0, -3.0]
    """

    def __init__(self, p: int):
        if not 2 <= p < BLAS_PRIME_LIMIT:
            raise InputError(f"the BLAS engine works modulo primes below 2^23 (got {p})")
        self.p = int(p)
        self.pf = float(p)
        self.inv = 1.0 / p
        self.h = p // 2 + 2
        self.kmax = (_EXACT - 1 - self.h) // (self.h * self.h)
        self._scratch = np.empty(0)

    def _buffer(self, shape: tuple[int, ...]) -> np.ndarray:
        """A reusable C-contiguous scratch array (fresh allocations of large arrays cost page faults)."""
        size = int(np.prod(shape))
        if self._scratch.size < size:
            self._scratch = np.empty(max(size, 2 * self._scratch.size))
        return self._scratch[:size].reshape(shape)

    def reduce(self, x: np.ndarray) -> np.ndarray:
        """``x`` replaced in place by its centred residue (exact while ``|x| < 2^53``)."""
        if x.size < 4096:
            q = np.multiply(x, self.inv)
        else:
            q = np.multiply(x, self.inv, out=self._buffer(x.shape))
        np.rint(q, out=q)
        q *= self.pf
        x -= q
        return x

    def sub_matmul(self, c: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        """``c <- c - a @ b`` mod ``p``, in place, in slices of at most ``kmax`` products."""
        inner = a.shape[1]
        for k0 in range(0, inner, self.kmax):
            k1 = min(inner, k0 + self.kmax)
            if c.size >= 4096:
                product = np.matmul(a[:, k0:k1], b[k0:k1], out=self._buffer(c.shape))
                c -= product
            else:
                c -= a[:, k0:k1] @ b[k0:k1]
            self.reduce(c)

    def matmul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``a @ b`` mod ``p`` (centred residues in, centred residues out)."""
        out = np.zeros((a.shape[0], b.shape[1]))
        self.sub_matmul(out, a, b)
        np.negative(out, out=out)
        return out


def residues(values: np.ndarray, p: int) -> np.ndarray:
    """Centred residues mod ``p < 2^23`` of an integer array (int dtypes or Python ints), as float64.

    >>> residues(np.array([[7, -9], [2**70, 1]], dtype=object), 5).tolist()
    [[2.0, 1.0], [-1.0, 1.0]]
    """
    p = int(p)
    if values.dtype == object:
        reduced = np.array([int(v) % p for v in values.ravel().tolist()], dtype=np.int64).reshape(values.shape)
    elif values.dtype.kind in "iu":
        peak = max(-int(values.min()), int(values.max())) if values.size else 0
        if peak <= p // 2:
            return values.astype(np.float64)
        if peak < _EXACT and p < BLAS_PRIME_LIMIT:  # float reduction is exact below 2^53, and much faster than np.mod
            return ModP(p).reduce(values.astype(np.float64))
        reduced = np.mod(values.astype(np.int64), p)
    else:
        raise InputError(f"residues need an integer array (got dtype {values.dtype})")
    reduced = reduced.astype(np.float64)
    reduced[reduced > p // 2] -= p
    return reduced


# -- the recursive LU ---------------------------------------------------------------------------------

def _apply_row_permutation(block: np.ndarray, perm: np.ndarray) -> None:
    moved = np.flatnonzero(perm != np.arange(len(perm)))
    if len(moved):
        block[moved] = block[perm[moved]]


def _columns(block: np.ndarray, cols: Sequence[int]) -> np.ndarray:
    """``block[:, cols]``: a view when the columns are a contiguous range, else a copy."""
    if len(cols) and cols[-1] - cols[0] == len(cols) - 1:
        return block[:, cols[0]:cols[-1] + 1]
    return block[:, list(cols)]


def _unit_lower_inverse(ops: ModP, lower: np.ndarray) -> np.ndarray:
    size = lower.shape[0]
    inverse = np.eye(size)
    for i in range(1, size):
        inverse[i] -= lower[i, :i] @ inverse[:i]
        ops.reduce(inverse[i])
    return inverse


def _solve_unit_lower(ops: ModP, lower: np.ndarray, rhs: np.ndarray, base: int = 64) -> None:
    """``rhs <- lower^{-1} rhs`` mod ``p`` in place (``lower`` unit lower triangular; its upper part is ignored)."""
    size = lower.shape[0]
    if size <= base:
        rhs[:] = _unit_lower_inverse(ops, lower) @ rhs
        ops.reduce(rhs)
        return
    half = size // 2
    _solve_unit_lower(ops, lower[:half, :half], rhs[:half], base)
    ops.sub_matmul(rhs[half:], lower[half:, :half], rhs[:half])
    _solve_unit_lower(ops, lower[half:, half:], rhs[half:], base)


def _lu_base(ops: ModP, block: np.ndarray) -> tuple[np.ndarray, list[int], int]:
    """Left-looking elimination of a narrow block (a few dozen columns), on a contiguous copy.

    Column ``j`` first receives the updates of the pivots found so far, ``u = L11^{-1} a_top`` and
    ``a_below -= L21 u`` (two BLAS matrix-vector products, ``L11^{-1}`` kept up to date one row
    per pivot), then its pivot is chosen and its multipliers stored.  Measured 15-25 % faster
    than right-looking rank-1 updates of the whole block.
    """
    work = np.ascontiguousarray(block)
    rows, cols = work.shape
    perm = np.arange(rows)
    pivots: list[int] = []
    p = ops.p
    k = 0
    inverse_lower = np.zeros((cols, cols))  # (L[:k, :k])^{-1}, unit lower triangular
    for j in range(cols):
        if k >= rows:
            break
        column = work[:, j]
        if k:
            contiguous = pivots[-1] == k - 1
            u = inverse_lower[:k, :k] @ column[:k]
            ops.reduce(u)
            column[:k] = u
            below = column[k:]
            below -= (work[k:, :k] if contiguous else work[k:][:, pivots]) @ u
            ops.reduce(below)
        if column[k] == 0:
            nonzero = np.flatnonzero(column[k:])
            if not len(nonzero):
                continue
            i = k + int(nonzero[0])
            work[[k, i]] = work[[i, k]]
            perm[[k, i]] = perm[[i, k]]
        if k + 1 < rows:
            multipliers = column[k + 1:] * float(pow(int(column[k]) % p, -1, p))
            ops.reduce(multipliers)
            column[k + 1:] = multipliers
        if k:
            row = work[k, :k] if pivots[-1] == k - 1 else work[k, pivots]
            new = -(row @ inverse_lower[:k, :k])
            ops.reduce(new)
            inverse_lower[k, :k] = new
        inverse_lower[k, k] = 1.0
        pivots.append(j)
        k += 1
    if work is not block:
        block[...] = work
    return perm, pivots, k


def _lu(ops: ModP, block: np.ndarray, base: int) -> tuple[np.ndarray, list[int], int]:
    rows, cols = block.shape
    if rows == 0:
        return np.arange(0), [], 0
    if cols <= base or rows == 1:
        return _lu_base(ops, block)
    half = cols // 2
    left, right = block[:, :half], block[:, half:]
    perm1, piv1, r1 = _lu(ops, left, base)
    _apply_row_permutation(right, perm1)
    if r1:
        lower = np.ascontiguousarray(_columns(left[:r1], piv1))
        _solve_unit_lower(ops, lower, right[:r1])
        if r1 < rows:
            ops.sub_matmul(right[r1:], _columns(left[r1:], piv1), right[:r1])
    perm2, piv2, r2 = _lu(ops, right[r1:], base)
    _apply_row_permutation(left[r1:], perm2)
    perm = perm1.copy()
    perm[r1:] = perm1[r1:][perm2]
    return perm, piv1 + [half + c for c in piv2], r1 + r2


def lu_rank(work: np.ndarray, p: int, *, base: int = 32, threads: int | None = None) -> tuple[int, list[int], list[int]]:
    """Rank mod ``p`` of a float64 array of centred residues, destroying it.

    Returns ``(r, rows, cols)``: ``work[rows][:, cols]`` (as it was on entry) is an ``r x r``
    matrix that is nonsingular mod ``p``.  Rows are pivoted (the first nonzero entry at or below
    the current row), columns without a pivot are skipped.
    """
    ops = ModP(p)
    if work.dtype != np.float64 or work.ndim != 2:
        raise InputError("lu_rank needs a 2-dimensional float64 array of residues")
    with blas_threads(threads):
        perm, pivots, r = _lu(ops, work, base)
    return r, [int(i) for i in perm[:r]], [int(j) for j in pivots]


def residue_buffer(matrix: np.ndarray, p: int) -> np.ndarray:
    """Centred residues mod ``p`` of an integer array in a fresh float64 buffer laid out for :func:`lu_rank`.

    A row length that is a multiple of 512 doubles puts every row on the same cache sets; a few
    spare columns avoid that.  The result is a view of the first ``n`` columns.
    """
    rows, cols = matrix.shape
    pad = 8 if cols % 512 == 0 and cols else 0
    work = np.empty((rows, cols + pad))
    view = work[:, :cols]
    if matrix.dtype.kind in "iu" and p < BLAS_PRIME_LIMIT and matrix.size:
        peak = max(-int(matrix.min()), int(matrix.max()))
        if peak < _EXACT:  # convert while copying, then reduce in place: no intermediate array
            view[...] = matrix
            if peak > p // 2:
                ModP(p).reduce(view)
            return view
    view[...] = residues(matrix, p)
    return view


def rank_mod_p_residues(matrix: np.ndarray, p: int, *, threads: int | None = None) -> tuple[int, list[int], list[int]]:
    """:func:`lu_rank` of an integer array, on a padded copy (the input is left alone).

    >>> rank_mod_p_residues(np.array([[1, 2], [2, 4]]), 7)
    (1, [0], [0])
    >>> rank_mod_p_residues(np.array([[7, 0], [0, 1]]), 7)
    (1, [1], [1])
    """
    return lu_rank(residue_buffer(matrix, p), p, threads=threads)


def _leading_columns(echelon: "flint.nmod_mat", rank: int, cols: int) -> list[int]:
    values = np.array([int(v) for v in echelon.entries()], dtype=object).reshape(-1, cols)[:rank] != 0
    return [int(np.argmax(row)) for row in values]


def flint_rank_mod_p(matrix: np.ndarray, p: int) -> tuple[int, list[int], list[int]]:
    """Rank mod any prime ``p < 2^63`` with python-flint's ``nmod_mat``: ``(r, rows, cols)`` as above.

    >>> flint_rank_mod_p(np.array([[1, 2], [2, 4]]), 2**61 - 1)
    (1, [0], [0])
    """
    rows, cols = matrix.shape
    if rows == 0 or cols == 0:
        return 0, [], []
    entries = [int(v) % p for v in matrix.ravel().tolist()]
    echelon, r = flint.nmod_mat(rows, cols, entries, p).rref()
    pivot_cols = _leading_columns(echelon, r, cols)
    chosen = [entries[i * cols + j] for j in pivot_cols for i in range(rows)]  # (A[:, cols])^T
    echelon_t, r_t = flint.nmod_mat(r, rows, chosen, p).rref()
    pivot_rows = _leading_columns(echelon_t, r_t, rows)
    if r_t != r:  # cannot happen: the chosen columns are independent
        raise ArithmeticError("flint_rank_mod_p: inconsistent ranks")
    return r, pivot_rows, pivot_cols
