"""Files of exact evaluations: one CSV line per point, inputs then outputs.

The header is ``x1,...,xn,y`` for one output (so the file is also a dataset in the format of
:mod:`exactnets.io.dataset_csv`) and ``x1,...,xn,y1,...,ym`` for several.  Outputs are written
exactly, ``p/q`` in lowest terms or an integer.

Files are written to ``NAME.part`` and renamed when complete, so an interrupted run never
leaves a truncated file under the final name.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import numpy as np

from exactnets.domains import cube_points
from exactnets.errors import InputError
from exactnets.evaluate import ExactBatch

__all__ = ["evaluation_header", "write_cube_evaluation", "atomic_output"]


def evaluation_header(input_dim: int, output_dim: int) -> str:
    xs = [f"x{j + 1}" for j in range(input_dim)]
    ys = ["y"] if output_dim == 1 else [f"y{j + 1}" for j in range(output_dim)]
    return ",".join(xs + ys)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str] | None) -> Iterator[IO[str]]:
    """A text stream that becomes ``path`` only when the block finishes without an error.

    ``None`` or ``"-"`` writes to standard output.
    """
    if path is None or str(path) == "-":
        import sys

        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.parent and not target.parent.exists():
        raise InputError(f"{target}: the folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".part")
    try:
        stream = open(partial, "w", encoding="utf-8", newline="\n")
    except OSError as error:
        raise InputError(f"{target}: cannot write the file ({error.strerror})") from None
    try:
        with stream:
            yield stream
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    os.replace(partial, target)


def _row_prefixes(bits: int, kind: str) -> list[str]:
    if bits == 0:
        return [""]
    return [",".join(map(str, row)) + "," for row in cube_points(bits, kind).tolist()]


def write_cube_evaluation(stream: IO[str], chunks: Iterable[tuple[int, np.ndarray, int]], input_dim: int,
                          output_dim: int, kind: str, chunk_bits: int) -> int:
    """Write the chunks from :func:`exactnets.evaluate.iter_cube_chunks`; returns the line count."""
    stream.write(evaluation_header(input_dim, output_dim) + "\n")
    low_bits = min(chunk_bits, input_dim)
    high_bits = input_dim - low_bits
    low_prefixes = _row_prefixes(low_bits, kind)
    high_points = cube_points(high_bits, kind).tolist() if high_bits else [[]]
    lines = 0
    for block, (start, numerators, denominator) in enumerate(chunks):
        head = ",".join(map(str, high_points[block])) + "," if high_bits else ""
        columns = ExactBatch(numerators, denominator).format_columns()
        outputs = columns[0] if output_dim == 1 else [",".join(row) for row in zip(*columns)]
        if head:
            stream.write("\n".join([head + a + b for a, b in zip(low_prefixes, outputs)]))
        else:
            stream.write("\n".join([a + b for a, b in zip(low_prefixes, outputs)]))
        stream.write("\n")
        lines += len(outputs)
    return lines
