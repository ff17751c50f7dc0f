"""Exhaustive exact enumeration over the Boolean cube.

The cube is evaluated in integer batches (:func:`exactnets.evaluate.iter_cube_chunks`); a
mismatch is replayed through the reference evaluator :func:`exactnets.evaluate.evaluate` before
it is reported, so a refutation never rests on the fast path alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.domains import BooleanCube, cube_point
from exactnets.errors import InternalError, ShapeError
from exactnets.evaluate import evaluate, iter_cube_chunks
from exactnets.network import Network
from exactnets.rational import as_rational_vector
from exactnets.verify.query import Deadline, EquivalenceResult, Mode, NotApplicable, check_shapes, replay
from exactnets.verify.verdict import Verdict, proved, refuted

__all__ = ["check_against_table", "decide", "ENUMERATION_LIMIT"]

#: Largest cube the enumeration method takes on (2^26 points: about ten seconds per network).
ENUMERATION_LIMIT = 26


def check_against_table(net: Network, expected: Sequence[Any], kind: str = "pm1", *, output: int = 0,
                        progress: Callable[[int, int], None] | None = None) -> Verdict:
    """Is output ``output`` of ``net`` equal to ``expected[i]`` at every cube point ``i``?

    ``expected`` lists exact values in the index order of :mod:`exactnets.domains`.  The answer
    is *proved* by exhaustive enumeration or *refuted* at a replayed point.
    """
    n = net.input_dim
    if len(expected) != 2**n:
        raise ShapeError(f"expected {2**n} values, one per cube point (got {len(expected)})")
    if not 0 <= output < net.output_dim:
        raise ShapeError(f"output {output} is out of range 0..{net.output_dim - 1}")
    if isinstance(expected, np.ndarray) and expected.dtype.kind in "iu":
        targets_int: np.ndarray | None = expected.astype(np.int64)
        targets: Sequence[Fraction] = ()
    else:
        targets_int = None
        targets = as_rational_vector(expected, what="expected")
    for start, numerators, denominator in iter_cube_chunks(net, kind, progress=progress):
        column = numerators[:, output]
        stop = start + len(column)
        if targets_int is not None and denominator <= 2**31 and column.dtype != object:
            bad = np.nonzero(column != targets_int[start:stop] * np.int64(denominator))[0]
        else:
            bad = [i for i, v in enumerate(column.tolist()) if Fraction(int(v), denominator) != Fraction(
                targets[start + i] if targets_int is None else int(targets_int[start + i]))]
        if len(bad):
            index = start + int(bad[0])
            point = cube_point(n, index, kind)
            got = evaluate(net, point)[output]
            want = Fraction(targets[index]) if targets_int is None else Fraction(int(targets_int[index]))
            if got == want:
                raise InternalError(f"batch and reference evaluation disagree at cube point {index}")
            return refuted(point, reason=f"output {output} is {got}, expected {want}", index=index)
    return proved(f"exhaustive exact enumeration of all {2**n} points of the {kind} cube")


# -- equivalence on the cube ------------------------------------------------------------------------

def _as_exact_ints(array: np.ndarray, factor: int) -> np.ndarray:
    """``array * factor`` without overflow: int64 when a bound allows it, Python integers otherwise."""
    if array.dtype != object:
        peak = int(np.abs(array).max()) if array.size else 0
        if abs(factor) < 2**62 and peak * abs(factor) < 2**62:
            return array.astype(np.int64) * np.int64(factor)
        array = array.astype(object)
    return array * factor


def _violations(mode: Mode, fn: np.ndarray, fd: int, gn: np.ndarray, gd: int) -> np.ndarray:
    """Row indices where outputs ``fn/fd`` and ``gn/gd`` break ``mode`` (exact integer arithmetic)."""
    if mode.kind == "decision":
        bad = (fn >= 0) != (gn >= 0)
    elif mode.kind == "argmax":
        return np.nonzero(np.argmax(fn, axis=1) != np.argmax(gn, axis=1))[0]
    else:
        left, right = _as_exact_ints(fn, gd), _as_exact_ints(gn, fd)  # common denominator fd * gd
        if left.dtype == object or right.dtype == object:
            left, right = left.astype(object), right.astype(object)
        if mode.kind == "function":
            bad = left != right
        else:  # |f - g| > eps  <=>  q |fn gd - gn fd| > p fd gd  with eps = p / q
            eps = mode.epsilon
            scaled = _as_exact_ints(np.abs(left - right), eps.denominator)
            limit = eps.numerator * fd * gd
            if scaled.dtype != object and limit >= 2**62:  # numpy cannot compare int64 with a bigger int
                scaled = scaled.astype(object)
            bad = scaled > limit
    return np.nonzero(np.any(np.asarray(bad, dtype=bool), axis=1))[0]


def decide(f: Network, g: Network, domain: Any, mode: Mode, deadline: Deadline,
           progress: Callable[[int, int], None] | None = None) -> EquivalenceResult:
    """Equivalence on ``{-1,1}^n`` or ``{0,1}^n`` by exhaustive exact enumeration.

    Both networks are evaluated chunk by chunk in integers (see :mod:`exactnets.evaluate`) and
    compared exactly; the first violation is replayed through the reference evaluator.
    """
    check_shapes(f, g, domain, mode)
    if not isinstance(domain, BooleanCube):
        raise NotApplicable("exhaustive enumeration needs a Boolean cube domain (cube or cube01)")
    if domain.dim > ENUMERATION_LIMIT:
        raise NotApplicable(f"the cube has 2^{domain.dim} points; enumeration is limited to n <= {ENUMERATION_LIMIT}")
    n, total = domain.dim, domain.size
    done = 0
    for (start, fn, fd), (_, gn, gd) in zip(iter_cube_chunks(f, domain.kind), iter_cube_chunks(g, domain.kind)):
        bad = _violations(mode, fn, fd, gn, gd)
        if len(bad):
            x = cube_point(n, start + int(bad[0]), domain.kind)
            return EquivalenceResult("counterexample", "exhaustive enumeration", deadline.elapsed(),
                                     counterexample=replay(f, g, domain, mode, x))
        done = start + len(fn)
        if progress is not None:
            progress(done, total)
        if deadline.expired() and done < total:
            return EquivalenceResult("unknown", "exhaustive enumeration", deadline.elapsed(),
                                     reason=f"timeout after {deadline.seconds} s: enumerated {done} of {total} points")
    return EquivalenceResult("equivalent", f"exhaustive exact enumeration of all {total} points of the {domain.kind} cube",
                             deadline.elapsed())
