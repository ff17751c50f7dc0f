"""Polytope files: ``{x : A x <= b}`` as JSON, numbers exact as in network files.

::

    {"format": "exactnets.polytope/1", "A": [[1, 0], [-1, 0], [0, "1/2"]], "b": [1, 1, "0.25"]}

``A`` is ``m x n`` (a list of rows), ``b`` has ``m`` entries; numbers are JSON integers,
decimals read exactly as written, or strings ``"p/q"``.  Errors name the file and the place.
"""

from __future__ import annotations

import json
import os
from typing import Any

from exactnets.domains import Polytope
from exactnets.errors import FileFormatError
from exactnets.io.network_json import _parse_json, _read_text, _Reader
from exactnets.rational import format_rational

__all__ = ["POLYTOPE_FORMAT", "read_polytope", "loads_polytope", "dumps_polytope", "write_polytope"]

POLYTOPE_FORMAT = "exactnets.polytope/1"


def loads_polytope(text: str, source: str = "<memory>") -> Polytope:
    """Read a polytope from JSON text.

    >>> loads_polytope('{"format": "exactnets.polytope/1", "A": [[1, 0], [0, -1]], "b": [0.5, "1/3"]}').b
    (Fraction(1, 2), Fraction(1, 3))
    """
    doc = _parse_json(text, source)
    reader = _Reader(source)
    if not isinstance(doc, dict):
        raise reader.fail("", f"expected a JSON object with \"format\": \"{POLYTOPE_FORMAT}\"")
    reader.check_keys(doc, "", ("format", "A", "b"), ("format", "A", "b"),
                      f'a polytope file has "format", "A" and "b" ({{x : A x <= b}})')
    if doc["format"] != POLYTOPE_FORMAT:
        raise reader.fail("format", f"expected {POLYTOPE_FORMAT!r}, got {doc['format']!r}")
    rows = reader.list_of(doc["A"], "A", "a list of rows")
    matrix = []
    for i, row in enumerate(rows):
        entries = reader.list_of(row, f"A[{i}]", "a list of numbers")
        if matrix and len(entries) != len(matrix[0]):
            raise reader.fail(f"A[{i}]", f"has {len(entries)} entries but A[0] has {len(matrix[0])}; every row needs one per input")
        matrix.append([reader.number(v, f"A[{i}][{j}]") for j, v in enumerate(entries)])
    bound = [reader.number(v, f"b[{i}]") for i, v in enumerate(reader.list_of(doc["b"], "b", "a list of numbers"))]
    if len(bound) != len(matrix):
        raise reader.fail("b", f"has {len(bound)} entries but A has {len(matrix)} rows")
    if not matrix:
        raise reader.fail("A", "has no rows; give at least one inequality (or use --domain reals)")
    return Polytope(matrix, bound)


def read_polytope(path: str | os.PathLike[str]) -> Polytope:
    """Read a polytope file; every problem is a FileFormatError naming the file and the place."""
    return loads_polytope(_read_text(path), os.fspath(path))


def dumps_polytope(polytope: Polytope) -> str:
    def number(v: Any) -> Any:
        return v.numerator if v.denominator == 1 else format_rational(v)

    return json.dumps({"format": POLYTOPE_FORMAT, "A": [[number(v) for v in row] for row in polytope.A],
                       "b": [number(v) for v in polytope.b]})


def write_polytope(polytope: Polytope, path: str | os.PathLike[str]) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(dumps_polytope(polytope) + "\n")
    except OSError as error:
        raise FileFormatError(f"cannot write the file: {error.strerror or error}", path=os.fspath(path)) from None
