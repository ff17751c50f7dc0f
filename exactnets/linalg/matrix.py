"""Exact matrices: integer numerators over one positive denominator.

:class:`ExactMatrix` is the one matrix type of :mod:`exactnets.linalg`.  ``numerators`` is a 2-D
numpy array of integers (``int8`` .. ``int64``, or ``object`` holding Python integers when an
entry exceeds int64) and ``denominator`` a positive Python integer; entry ``(i, j)`` is
``numerators[i, j] / denominator`` exactly.  Nothing is ever a float.

:func:`as_exact_matrix` accepts an ExactMatrix, an integer numpy array, an
:class:`~exactnets.evaluate.ExactBatch`-like pair, or nested sequences of numbers (each entering
through :func:`exactnets.rational.as_rational`, so binary floats are refused with the usual
message).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.errors import FloatRefusedError, InputError, ShapeError
from exactnets.rational import as_rational, format_rational

__all__ = ["ExactMatrix", "as_exact_matrix", "INT64_MAX", "max_abs", "row_classes", "column_classes"]

INT64_MAX = 2**63 - 1


def _all_divisible(flat: np.ndarray, q: int, peak: int) -> bool:
    """Does ``q`` divide every entry?  Without integer division (20 ns an entry) where it is exact to avoid it."""
    if q & (q - 1) == 0:
        return not np.any(np.bitwise_and(flat, q - 1))
    if peak < 2**53:  # x - q rint(x / q) is exact for |x| < 2^53
        floats = flat.astype(np.float64)
        remainder = floats - q * np.rint(floats / q)
        return not np.any(remainder)
    return not np.any(flat % q)


def max_abs(values: np.ndarray) -> int:
    """The largest ``|entry|`` of an integer array, as a Python int (0 when empty)."""
    if values.size == 0:
        return 0
    if values.dtype == object:
        return max(abs(int(v)) for v in values.ravel().tolist())
    if values.dtype.kind == "u":
        return int(values.max())
    return max(-int(values.min()), int(values.max()))


def _compact(values: np.ndarray) -> np.ndarray:
    """An integer array in int64 when its entries fit, else an object array of Python ints."""
    if values.dtype != object:
        if values.dtype.kind not in "iu":
            raise InputError(f"expected an integer array (got dtype {values.dtype})")
        if values.dtype == np.uint64 and values.size and int(values.max()) > INT64_MAX:
            return values.astype(object)
        return values if values.dtype.kind == "i" else values.astype(np.int64)
    if max_abs(values) <= INT64_MAX:
        return np.array(values.tolist(), dtype=np.int64).reshape(values.shape)
    return values


@dataclasses.dataclass(frozen=True, eq=False)
class ExactMatrix:
    """``numerators / denominator``, exactly; see the module docstring.

    >>> M = ExactMatrix.from_rows([[1, "1/2"], ["-3/4", 0]])
    >>> M.numerators.tolist(), M.denominator
    ([[4, 2], [-3, 0]], 4)
    >>> M.entry(0, 1), M.shape
    (Fraction(1, 2), (2, 2))
    """

    numerators: np.ndarray
    denominator: int = 1

    def __post_init__(self) -> None:
        values = self.numerators
        if not isinstance(values, np.ndarray) or values.ndim != 2:
            raise ShapeError("an ExactMatrix needs a 2-dimensional numpy array of integer numerators")
        if values.dtype.kind == "f":
            raise FloatRefusedError(f"matrix entries are floats (dtype {values.dtype}); exactnets never reads floats")
        if values.dtype.kind == "b":
            raise InputError("matrix entries are booleans; pass integers (for signs use 1 and -1)")
        object.__setattr__(self, "numerators", _compact(values))
        if isinstance(self.denominator, bool) or not isinstance(self.denominator, (int, np.integer)) or self.denominator < 1:
            raise InputError(f"the denominator must be a positive integer (got {self.denominator!r})")
        object.__setattr__(self, "denominator", int(self.denominator))

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]], *, what: str = "matrix") -> "ExactMatrix":
        """From nested sequences of numbers (ints, Fractions, strings such as ``"3/4"``)."""
        if isinstance(rows, np.ndarray):
            return as_exact_matrix(rows)
        if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
            raise InputError(f"{what} must be a list of rows (got {type(rows).__name__})")
        table = []
        width = None
        for i, row in enumerate(rows):
            if isinstance(row, (str, bytes)) or not isinstance(row, (Sequence, np.ndarray)):
                raise InputError(f"{what}[{i}] must be a list of numbers (got {type(row).__name__})")
            if width is None:
                width = len(row)
            elif len(row) != width:
                raise ShapeError(f"{what}[{i}] has {len(row)} entries but {what}[0] has {width}; every row needs the same length")
            table.append([v if type(v) is int else as_rational(v, what=f"{what}[{i}][{j}]") for j, v in enumerate(row)])
        if width is None:
            return cls(np.zeros((0, 0), dtype=np.int64), 1)
        denominator = 1
        for row in table:
            for v in row:
                if type(v) is not int:
                    denominator = math.lcm(denominator, v.denominator)
        if denominator == 1:
            ints = [[int(v) for v in row] for row in table]
        else:
            ints = [[v * denominator if type(v) is int else v.numerator * (denominator // v.denominator) for v in row]
                    for row in table]
        peak = max((abs(v) for row in ints for v in row), default=0)
        array = np.array(ints, dtype=np.int64 if peak <= INT64_MAX else object).reshape(len(ints), width)
        return cls(array, denominator)

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.numerators.shape[0]), int(self.numerators.shape[1]))

    def entry(self, i: int, j: int) -> Fraction:
        return Fraction(int(self.numerators[i, j]), self.denominator)

    def rows(self) -> list[list[Fraction]]:
        """Every entry as a Fraction (small matrices only)."""
        d = self.denominator
        return [[Fraction(int(v), d) for v in row] for row in self.numerators.tolist()]

    def normalized(self) -> "ExactMatrix":
        """The same matrix with the least denominator (numerators and denominator coprime overall)."""
        if self.denominator == 1 or self.__dict__.get("_normalized"):
            return self
        result = self._normalize()
        object.__setattr__(result, "_normalized", True)
        return result

    def _normalize(self) -> "ExactMatrix":
        values = self.numerators
        g = 1
        if values.dtype == object:
            g = self.denominator
            for v in values.ravel().tolist():
                g = math.gcd(g, int(v))
                if g == 1:
                    return self
        else:
            # gcd(denominator, every numerator), prime by prime of the denominator: a prime that
            # fails on the first slice costs nothing; one that divides everything costs one pass.
            import flint

            flat = values.ravel()
            step = max(1, flat.size // 4096)
            sample = flat[::step].astype(np.int64)
            sample = sample[sample != 0]
            peak = max_abs(values)
            for prime, exponent in flint.fmpz(self.denominator).factor():
                q = int(prime)
                power = 1
                for _ in range(int(exponent)):
                    candidate = power * q
                    # a sampled entry it does not divide settles it at once; else one full pass
                    if np.any(sample % candidate) or not _all_divisible(flat, candidate, peak):
                        break
                    power = candidate
                g *= power
        if g <= 1:
            return self
        if values.dtype != object and max_abs(values) < 2**53:
            quotient = np.rint(values / g).astype(np.int64)  # exact: multiples of g below 2^53
        else:
            quotient = values // g
        return ExactMatrix(quotient, self.denominator // g)

    def is_sign_matrix(self) -> bool:
        """``True`` iff every entry is exactly ``-1`` or ``+1``."""
        if self.denominator != 1:
            return False
        values = self.numerators
        return bool(values.size == 0 or np.all((values == 1) | (values == -1)))

    def digest(self) -> str:
        """A SHA-256 of the exact matrix (normalised), so a certificate can name the matrix it is about.

        >>> ExactMatrix(np.array([[2, 4]]), 2).digest() == ExactMatrix(np.array([[1, 2]])).digest()
        True
        """
        norm = self.normalized()
        h = hashlib.sha256()
        rows, cols = norm.shape
        h.update(f"exactnets.matrix {rows}x{cols}/{norm.denominator}:".encode())
        values = norm.numerators
        if values.dtype != object:
            # The narrowest of int8/16/32/64 that holds every entry: canonical, and 8x less to hash for ±1.
            peak = max_abs(values)
            width = next(w for w, limit in ((1, 127), (2, 2**15 - 1), (4, 2**31 - 1), (8, INT64_MAX)) if peak <= limit)
            h.update(f"i{width}:".encode())
            h.update(np.ascontiguousarray(values, dtype=f"<i{width}").tobytes())
        else:
            h.update(",".join(str(int(v)) for v in values.ravel().tolist()).encode())
        return "sha256:" + h.hexdigest()

    def format_entries(self) -> list[list[int | str]]:
        """Entries for JSON: integers as integers, other rationals as ``"p/q"`` strings."""
        d = self.denominator
        out = []
        for row in self.numerators.tolist():
            line = []
            for v in row:
                v = int(v)
                if d == 1:
                    line.append(v)
                else:
                    f = Fraction(v, d)
                    line.append(f.numerator if f.denominator == 1 else format_rational(f))
            out.append(line)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExactMatrix):
            return NotImplemented
        if self.shape != other.shape:
            return False
        a, b = self.normalized(), other.normalized()
        return a.denominator == b.denominator and bool(np.array_equal(a.numerators.astype(object), b.numerators.astype(object))
                                                       if object in (a.numerators.dtype, b.numerators.dtype)
                                                       else np.array_equal(a.numerators, b.numerators))

    def __repr__(self) -> str:
        rows, cols = self.shape
        over = f" / {self.denominator}" if self.denominator != 1 else ""
        return f"ExactMatrix({rows} x {cols}{over}, dtype={self.numerators.dtype})"


def as_exact_matrix(value: Any, *, what: str = "matrix") -> ExactMatrix:
    """An :class:`ExactMatrix` from any accepted form (see the module docstring).

    >>> as_exact_matrix(np.array([[1, -1], [1, 1]], dtype=np.int8)).numerators.dtype
    dtype('int8')
    >>> as_exact_matrix([[0.5]])
    Traceback (most recent call last):
    ...
    exactnets.errors.FloatRefusedError: matrix[0][0]: got the float 0.5, which is not exact; pass the decimal as a string ('0.5') or, for the float's exact binary value, Fraction(0.5) (= 1/2)
    """
    if isinstance(value, ExactMatrix):
        return value
    if isinstance(value, np.ndarray):
        if value.ndim != 2:
            raise ShapeError(f"{what} must be 2-dimensional (got an array of shape {value.shape})")
        if value.dtype.kind in "iu":
            return ExactMatrix(value, 1)
        if value.dtype.kind == "f":
            raise FloatRefusedError(f"{what} holds floats (dtype {value.dtype}); exactnets never reads floats: "
                                    f"pass integers, Fractions or strings such as '3/4'")
        if value.dtype.kind == "b":
            raise InputError(f"{what} is a boolean array; pass integers (for signs use 1 and -1)")
        return ExactMatrix.from_rows(value.tolist(), what=what)
    numerators = getattr(value, "numerators", None)
    denominator = getattr(value, "denominator", None)
    if isinstance(numerators, np.ndarray) and isinstance(denominator, (int, np.integer)):
        return ExactMatrix(numerators, int(denominator))
    return ExactMatrix.from_rows(value, what=what)


def _hash_classes(values: np.ndarray, along_rows: bool, rng: np.random.Generator, floats: np.ndarray | None = None,
                  bound: int | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Row (or column) classes from exact integer fingerprints, or ``None`` when the bound does not allow it.

    The fingerprint of a line is ``<line, w>`` for random integers ``w`` of ``b`` bits, computed by
    one float64 BLAS product that is exact because ``len * max|entry| * 2^b < 2^53``.  Equal lines
    have equal fingerprints; lines with equal fingerprints are compared entry by entry, so the
    classes are exact whatever the random weights were (bad luck only costs time).  ``floats``
    (with ``|entry| <= bound``) may be given instead: any float64 image of the lines under a map
    that sends equal lines to equal lines, such as their residues modulo a prime.
    """
    length = values.shape[1] if along_rows else values.shape[0]
    if floats is not None and bound is not None:
        bits = 52 - (length * bound).bit_length()
        if bits < 12 or length == 0:
            return None
        weights = rng.integers(0, 1 << bits, size=length).astype(np.float64)
        return _classes_from_prints(values, floats @ weights if along_rows else weights @ floats, along_rows)
    peak = max_abs(values)
    if peak == 0 or length == 0 or values.dtype == object:
        return None
    bits = 52 - (length * peak).bit_length()
    floats = None
    if bits < 24:  # fingerprint the residues mod a prime instead: equal lines still get equal prints
        modulus = 1048573
        floats = np.mod(values.astype(np.int64), modulus).astype(np.float64)
        bits = 52 - (length * modulus).bit_length()
        if bits < 12:
            return None
    weights = rng.integers(0, 1 << bits, size=length).astype(np.float64)
    if floats is None:
        floats = values.astype(np.float64)
    return _classes_from_prints(values, floats @ weights if along_rows else weights @ floats, along_rows)


def _classes_from_prints(values: np.ndarray, prints: np.ndarray, along_rows: bool) -> tuple[np.ndarray, np.ndarray]:
    _, first, inverse = np.unique(prints, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    count = len(prints)
    if len(first) == count:
        return np.arange(count, dtype=np.int64), np.arange(count, dtype=np.int64)
    line = (lambda i: values[i]) if along_rows else (lambda i: values[:, i])
    reps: list[int] = []
    classes = np.empty(count, dtype=np.int64)
    members: dict[int, list[int]] = {}
    for i in range(count):
        bucket = members.setdefault(int(inverse[i]), [])
        for index in bucket:
            if np.array_equal(line(reps[index]), line(i)):
                classes[i] = index
                break
        else:
            bucket.append(len(reps))
            classes[i] = len(reps)
            reps.append(i)
    return np.array(reps, dtype=np.int64), classes


def row_classes(values: np.ndarray, *, floats: np.ndarray | None = None, bound: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Groups of identical rows: ``(representatives, inverse)``.

    ``representatives`` are the indices of the first row of each group (increasing) and row ``i``
    equals row ``representatives[inverse[i]]`` exactly.

    >>> reps, inv = row_classes(np.array([[1, 2], [3, 4], [1, 2]]))
    >>> reps.tolist(), inv.tolist()
    ([0, 1], [0, 1, 0])
    """
    rows = values.shape[0]
    if rows == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if values.dtype == object:
        seen: dict[tuple, int] = {}
        reps, inverse = [], []
        for i, row in enumerate(values.tolist()):
            key = tuple(int(v) for v in row)
            if key not in seen:
                seen[key] = len(reps)
                reps.append(i)
            inverse.append(seen[key])
        return np.array(reps, dtype=np.int64), np.array(inverse, dtype=np.int64)
    if values.shape[1] == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(rows, dtype=np.int64)
    fast = _hash_classes(values, True, np.random.default_rng(rows), floats, bound)
    if fast is not None:
        return fast
    contiguous = np.ascontiguousarray(values)
    keys = contiguous.view(np.dtype((np.void, contiguous.dtype.itemsize * contiguous.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # number groups by first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order].astype(np.int64), rank[inverse.ravel()].astype(np.int64)


def column_classes(values: np.ndarray, *, floats: np.ndarray | None = None, bound: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`row_classes` of the columns."""
    if (values.dtype != object or floats is not None) and values.size:
        fast = _hash_classes(values, False, np.random.default_rng(values.shape[1]), floats, bound)
        if fast is not None:
            return fast
    return row_classes(np.ascontiguousarray(values.T))
