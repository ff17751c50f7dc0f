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

from exactnets.domains import cube_point
from exactnets.errors import InternalError, ShapeError
from exactnets.evaluate import evaluate, iter_cube_chunks
from exactnets.network import Network
from exactnets.rational import as_rational_vector
from exactnets.verify.verdict import Verdict, proved, refuted

__all__ = ["check_against_table"]


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
