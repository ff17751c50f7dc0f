"""Input domains: the Boolean cubes, boxes, all of R^n and polytopes.

**The one index order used everywhere** (truth tables, cube evaluation, files): point number
``i`` of the ``n``-cube has bits ``z_1 ... z_n`` = the binary digits of ``i``, most significant
first (``z_1`` is bit ``n-1`` of ``i``).  On ``{0,1}^n`` the point is ``z`` itself; on
``{-1,1}^n`` it is ``x_j = (-1)^{z_j} = 1 - 2 z_j``, so index 0 is all ``+1`` and the last index
is all ``-1``.  With this order the Walsh–Hadamard transform in natural order gives the Fourier
coefficient of ``chi_S`` at the index whose bits mark ``S`` (same most-significant-first order).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.errors import InputError, ShapeError
from exactnets.rational import as_rational, as_rational_matrix, as_rational_vector

__all__ = ["BooleanCube", "Box", "Reals", "Polytope", "Domain", "cube_bits", "cube_points", "cube_point", "MAX_CUBE_DIM"]

#: Largest cube dimension exactnets will enumerate (2^30 points); larger asks are user errors.
MAX_CUBE_DIM = 30

CUBE_KINDS = ("pm1", "01")


def _check_cube(n: int, kind: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InputError(f"cube dimension must be a non-negative integer (got {n!r})")
    if n > MAX_CUBE_DIM:
        raise InputError(f"a cube of dimension {n} has 2^{n} points; enumeration is limited to n <= {MAX_CUBE_DIM}")
    if kind not in CUBE_KINDS:
        raise InputError(f"unknown cube kind {kind!r}; expected 'pm1' ({{-1,1}}^n) or '01' ({{0,1}}^n)")


def cube_bits(n: int, start: int = 0, stop: int | None = None) -> np.ndarray:
    """The bits ``z`` of points ``start .. stop-1`` as a ``(count, n)`` uint8 array (MSB first)."""
    _check_cube(n, "01")
    stop = 2**n if stop is None else stop
    indices = np.arange(start, stop, dtype=np.int64)
    shifts = np.arange(n - 1, -1, -1, dtype=np.int64)
    return ((indices[:, None] >> shifts[None, :]) & 1).astype(np.uint8)


def cube_points(n: int, kind: str = "pm1", start: int = 0, stop: int | None = None) -> np.ndarray:
    """Points ``start .. stop-1`` of the cube as an int8 array, in the documented index order."""
    _check_cube(n, kind)
    if start == 0 and stop is None and n <= 16:
        return _whole_cube(n, kind)
    bits = cube_bits(n, start, stop)
    return bits.astype(np.int8) if kind == "01" else (1 - 2 * bits.astype(np.int8))


@functools.lru_cache(maxsize=64)
def _whole_cube(n: int, kind: str) -> np.ndarray:
    bits = cube_bits(n)
    points = bits.astype(np.int8) if kind == "01" else (1 - 2 * bits.astype(np.int8))
    points.flags.writeable = False  # shared between callers
    return points


def cube_point(n: int, index: int, kind: str = "pm1") -> tuple[int, ...]:
    """The single point with number ``index`` (see the module docstring for the order)."""
    _check_cube(n, kind)
    if not 0 <= index < 2**n:
        raise InputError(f"cube index {index} is out of range 0..{2**n - 1}")
    bits = [(index >> (n - 1 - j)) & 1 for j in range(n)]
    return tuple(bits) if kind == "01" else tuple(1 - 2 * b for b in bits)


@dataclasses.dataclass(frozen=True)
class BooleanCube:
    """``{-1,1}^n`` (``kind="pm1"``, the default) or ``{0,1}^n`` (``kind="01"``)."""

    dim: int
    kind: str = "pm1"

    def __post_init__(self) -> None:
        _check_cube(self.dim, self.kind)

    @property
    def size(self) -> int:
        return 2**self.dim

    def points(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        return cube_points(self.dim, self.kind, start, stop)

    def contains(self, point: Sequence[Fraction]) -> bool:
        allowed = (-1, 1) if self.kind == "pm1" else (0, 1)
        return len(point) == self.dim and all(x in allowed for x in point)


@dataclasses.dataclass(frozen=True)
class Box:
    """``{x : lower_j <= x_j <= upper_j}`` with exact rational bounds."""

    lower: tuple[Fraction, ...]
    upper: tuple[Fraction, ...]

    def __init__(self, lower: Iterable[Any], upper: Iterable[Any]):
        low = as_rational_vector(lower, what="box lower bounds")
        high = as_rational_vector(upper, what="box upper bounds")
        if len(low) != len(high):
            raise ShapeError(f"box bounds have different lengths ({len(low)} lower, {len(high)} upper)")
        for j, (a, b) in enumerate(zip(low, high)):
            if a > b:
                raise InputError(f"box coordinate {j}: lower bound {a} exceeds upper bound {b}; the box would be empty")
        object.__setattr__(self, "lower", low)
        object.__setattr__(self, "upper", high)

    @classmethod
    def uniform(cls, dim: int, low: Any, high: Any) -> "Box":
        """The box ``[low, high]^dim``."""
        return cls([low] * dim, [high] * dim)

    @property
    def dim(self) -> int:
        return len(self.lower)

    def contains(self, point: Sequence[Fraction]) -> bool:
        return len(point) == self.dim and all(a <= x <= b for a, x, b in zip(self.lower, point, self.upper))


@dataclasses.dataclass(frozen=True)
class Reals:
    """All of ``R^n``."""

    dim: int

    def contains(self, point: Sequence[Fraction]) -> bool:
        return len(point) == self.dim


@dataclasses.dataclass(frozen=True)
class Polytope:
    """``{x : A x <= b}`` with exact rational ``A`` (``m x n``) and ``b``."""

    A: tuple[tuple[Fraction, ...], ...]
    b: tuple[Fraction, ...]
    dim: int

    def __init__(self, A: Iterable[Iterable[Any]], b: Iterable[Any], dim: int | None = None):
        matrix = as_rational_matrix(A, what="polytope A")
        vector = as_rational_vector(b, what="polytope b")
        if len(matrix) != len(vector):
            raise ShapeError(f"polytope: A has {len(matrix)} rows but b has {len(vector)} entries")
        widths = {len(row) for row in matrix}
        if len(widths) > 1:
            raise ShapeError("polytope: the rows of A have different lengths")
        n = widths.pop() if widths else dim
        if n is None or (dim is not None and dim != n):
            raise ShapeError(f"polytope: cannot tell the dimension (rows of A have {n} entries, dim={dim})")
        object.__setattr__(self, "A", matrix)
        object.__setattr__(self, "b", vector)
        object.__setattr__(self, "dim", n)

    def contains(self, point: Sequence[Fraction]) -> bool:
        return len(point) == self.dim and all(
            sum((a * x for a, x in zip(row, point)), Fraction(0)) <= bound for row, bound in zip(self.A, self.b)
        )


Domain = BooleanCube | Box | Reals | Polytope
