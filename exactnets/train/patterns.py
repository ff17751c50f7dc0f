"""Activation patterns: the dichotomies of a finite point set cut out by affine hyperplanes.

A *pattern* of the points ``x_1 ... x_D`` (taken in a fixed order) is a string of bits, ``'1'``
for "active" and ``'0'`` for "inactive".  It is *realisable* when some ``(a, b)`` puts the active
points strictly on the positive side and the others strictly on the negative side:
``a.x_j + b > 0`` for every ``'1'`` and ``< 0`` for every ``'0'``.  These are exactly the sign
vectors of the full-dimensional cells of the central arrangement ``{(a, b) : a.x_j + b = 0}``
in ``R^(n+1)``; both orientations are included (``'11...1'`` and ``'00...0'`` always are).

Facts used by the training code (every unit's weights lie in the closure of some cell):

* for any weights ``(a, b)`` there is a realisable pattern ``P`` with ``a.x_j + b >= 0`` on the
  ``'1'`` points and ``<= 0`` on the ``'0'`` points, and every prefix of ``P`` is realisable;
* a prefix is realisable iff its own (shorter) point set is strictly separated as it says.

Every answer is exact.  A realisable pattern comes with a rational *witness* ``v = (a, b)``,
checked in rationals.  An unrealisable one comes with a *Gordan certificate*: weights
``y_j >= 0``, not all zero, with ``sum_j y_j s_j (x_j, 1) = 0`` where ``s_j = +1`` for ``'1'`` and
``-1`` for ``'0'`` (by Gordan's theorem of the alternative no strict separator can exist then).
A float LP (HiGHS) only proposes witnesses and certificates.

Degenerate data is handled: a repeated point can never be split (its two copies give a Gordan
certificate ``y = e_i + e_j``), and collinear points give fewer patterns than general position.

>>> from fractions import Fraction
>>> pts = [(Fraction(0),), (Fraction(1),), (Fraction(2),)]
>>> sorted(enumerate_patterns(pts))
['000', '001', '011', '100', '110', '111']
>>> count_general_position(3, 1)
6
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import flint
import numpy as np

from exactnets.train.exact import LP, nullspace_vector, solve_dense, solve_lp, to_fmpq

__all__ = ["PatternOracle", "enumerate_patterns", "count_patterns", "count_general_position", "check_gordan",
           "check_witness"]

_ZERO = Fraction(0)


def count_general_position(count: int, dim: int) -> int:
    """``2 * sum_{i=0..dim} C(count-1, i)``: the number of patterns of ``count`` points in general
    position in ``R^dim`` (cells of a central arrangement of ``count`` generic hyperplanes in
    ``R^(dim+1)``).  ``count >= 1``."""
    if count < 1:
        raise ValueError("count must be at least 1")
    return 2 * sum(math.comb(count - 1, i) for i in range(dim + 1))


def _dot(u: Sequence[Fraction], v: Sequence[Fraction]) -> Fraction:
    return sum((a * b for a, b in zip(u, v)), _ZERO)


def check_witness(lifted: Sequence[Sequence[Fraction]], bits: str, v: Sequence[Fraction]) -> bool:
    """Exactly: does ``v`` put each lifted point ``(x_j, 1)`` strictly on the side ``bits[j]`` says?"""
    for point, bit in zip(lifted, bits):
        value = _dot(point, v)
        if (bit == "1" and value <= 0) or (bit == "0" and value >= 0):
            return False
    return True


def check_gordan(lifted: Sequence[Sequence[Fraction]], bits: str, y: dict[int, Fraction]) -> bool:
    """Exactly: is ``y`` a Gordan certificate that ``bits`` (over the first ``len(bits)`` lifted
    points) is not realisable?  ``y_j >= 0``, some ``y_j > 0``, ``sum_j y_j s_j (x_j, 1) = 0``."""
    if not y or any(v < 0 for v in y.values()) or all(v == 0 for v in y.values()):
        return False
    if any(not (0 <= j < len(bits)) for j in y):
        return False
    total = [_ZERO] * len(lifted[0])
    for j, v in y.items():
        sign = 1 if bits[j] == "1" else -1
        for k, coordinate in enumerate(lifted[j]):
            total[k] += sign * v * coordinate
    return all(t == 0 for t in total)


def _simple(value: float) -> Fraction:
    """A short rational near ``value`` (only a proposal: the caller checks it exactly)."""
    return Fraction(value).limit_denominator(1 << 20)


class PatternOracle:
    """Exact, cached answers to "is this prefix pattern realisable?" for points in a given order.

    ``points`` are the data points (rational tuples) already in the order the bits refer to.
    Answers are computed lazily and remembered; :attr:`witnesses` and :attr:`gordan` hold the
    exact evidence (the latter only for patterns whose parent prefix is realisable: the minimal
    unrealisable ones).
    """

    def __init__(self, points: Sequence[Sequence[Fraction]]):
        self.lifted: list[tuple[Fraction, ...]] = [tuple(Fraction(v) for v in p) + (Fraction(1),) for p in points]
        self.dim = len(self.lifted[0]) if self.lifted else 1
        self._float = np.array([[float(v) for v in p] for p in self.lifted]).reshape(len(self.lifted), self.dim)
        self.witnesses: dict[str, tuple[Fraction, ...]] = {"": (_ZERO,) * self.dim}
        self.gordan: dict[str, dict[int, Fraction]] = {}
        self.lp_calls = 0
        self.uncertified: set[str] = set()  # patterns whose answer could not be confirmed exactly

    def __len__(self) -> int:
        return len(self.lifted)

    def realisable(self, bits: str) -> bool:
        """Is the pattern ``bits`` of the first ``len(bits)`` points realisable?"""
        if bits in self.witnesses:
            return True
        if bits in self.gordan:
            return False
        parent = bits[:-1]
        if not self.realisable(parent):
            return False
        # Iterative in spirit: the parent is now known and realisable.
        v = self.witnesses[parent]
        if check_witness(self.lifted[len(bits) - 1:len(bits)], bits[-1], v):
            self.witnesses[bits] = v
            return True
        return self._decide(bits)

    def _decide(self, bits: str) -> bool:
        k = len(bits)
        d = self.dim
        # max t  s.t.  s_j (x_j,1).v - t >= 0,  -t >= -1;  v free, t >= 0.   (min -t)
        self.lp_calls += 1
        signs = np.where(np.frombuffer(bits.encode(), dtype=np.uint8) == ord("1"), 1.0, -1.0)
        matrix = np.zeros((k + 1, d + 1))
        matrix[:k, :d] = signs[:, None] * self._float[:k]
        matrix[:k, d] = -1.0
        matrix[k, d] = -1.0
        lower = np.zeros(k + 1)
        lower[k] = -1.0
        cost = np.zeros(d + 1)
        cost[d] = -1.0
        nonneg = np.zeros(d + 1, dtype=bool)
        nonneg[d] = True
        solution = solve_dense(cost, matrix, lower, nonneg)
        if solution.status == "optimal" and solution.value < -1e-9:
            scale = max(float(np.max(np.abs(solution.x_float[:d]))), 1e-300)
            for candidate in ([_simple(x / scale) for x in solution.x_float[:d]],
                              [Fraction(float(x)) for x in solution.x_float[:d]]):
                if check_witness(self.lifted[:k], bits, candidate):
                    self.witnesses[bits] = tuple(candidate)
                    return True
        if solution.status == "optimal" and solution.value > -1e-9:
            y = self._gordan_from_float(bits, solution.y_float[:k])
            if y is not None:
                self.gordan[bits] = y
                return False
        exact = solve_lp(self._exact_lp(bits), exact=True)
        if exact.exact:
            if exact.exact_value < 0:
                v = tuple(exact.x[:d])
                if check_witness(self.lifted[:k], bits, v):
                    self.witnesses[bits] = v
                    return True
            else:
                y = {j: value for j, value in exact.y.items() if j < k and value != 0}
                if check_gordan(self.lifted, bits, y):
                    self.gordan[bits] = y
                    return False
        # Could not confirm either way: treat as realisable (always safe: a superset of the
        # realisable patterns only costs time) and remember that no proof exists.
        self.uncertified.add(bits)
        self.witnesses[bits] = self.witnesses[bits[:-1]]
        return True

    def _exact_lp(self, bits: str) -> LP:
        """The realisability LP in rationals: max t s.t. s_j (x_j,1).v >= t, t <= 1 (as a min)."""
        k, d = len(bits), self.dim
        rows, h = [], []
        for j in range(k):
            sign = 1 if bits[j] == "1" else -1
            rows.append([(c, sign * value) for c, value in enumerate(self.lifted[j]) if value != 0] + [(d, Fraction(-1))])
            h.append(_ZERO)
        rows.append([(d, Fraction(-1))])
        h.append(Fraction(-1))
        lp = LP([_ZERO] * d + [Fraction(-1)], rows, h, frozenset({d}))
        return lp

    def _gordan_from_float(self, bits: str, y_float: np.ndarray) -> dict[int, Fraction] | None:
        """An exact Gordan certificate on the support of a float dual, if the support gives one."""
        support = [j for j in range(len(bits)) if y_float[j] > 1e-9]
        if not support or len(support) > self.dim + 1:
            return None
        columns = [[(1 if bits[j] == "1" else -1) * c for c in self.lifted[j]] for j in support]
        matrix = flint.fmpq_mat([[to_fmpq(columns[s][r]) for s in range(len(support))] for r in range(self.dim)])
        basis = nullspace_vector(matrix)
        if len(basis) != 1:
            return None
        vector = basis[0]
        if all(v <= 0 for v in vector):
            vector = [-v for v in vector]
        y = {j: v for j, v in zip(support, vector) if v != 0}
        return y if check_gordan(self.lifted, bits, y) else None

    def children(self, bits: str) -> list[str]:
        """The realisable one-bit extensions of the realisable prefix ``bits``."""
        return [bits + b for b in "01" if self.realisable(bits + b)]


def enumerate_patterns(points: Sequence[Sequence[Fraction]]) -> list[str]:
    """Every realisable pattern of all the points (in the given order), each once.

    >>> from fractions import Fraction as F
    >>> len(enumerate_patterns([(F(0), F(0)), (F(1), F(0)), (F(0), F(1)), (F(1), F(1))]))
    14
    >>> enumerate_patterns([(F(1),), (F(1),)])  # a repeated point is never split
    ['00', '11']
    """
    oracle = PatternOracle(points)
    return _all_patterns(oracle)


def _all_patterns(oracle: PatternOracle) -> list[str]:
    found = []
    stack = [""]
    while stack:
        bits = stack.pop()
        if len(bits) == len(oracle):
            found.append(bits)
            continue
        stack.extend(reversed(oracle.children(bits)))
    return sorted(found)


def count_patterns(points: Sequence[Sequence[Fraction]]) -> int:
    """The number of realisable patterns (:func:`enumerate_patterns`)."""
    return len(enumerate_patterns(points))
