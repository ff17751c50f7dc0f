"""Matrix files and certificate files, as JSON with exact numbers.

A matrix file is one JSON object::

    {"format": "exactnets.matrix/1", "rows": [[1, -1, "1/2"], [0, 0.25, 3]]}

``rows`` is a non-empty list of rows of equal length; a number is a JSON integer, a JSON decimal
read exactly as written (``0.25`` is one quarter) or a string ``"p/q"`` or decimal — exactly as in
network files (:mod:`exactnets.io.network_json`).  No other key is allowed.  Every problem raises
:class:`~exactnets.errors.FileFormatError` naming the file and the place (``rows[2][0]``).

Certificates (``exactnets.rank-certificate/1``, ``exactnets.signrank-certificate/1``) are written
and read with :func:`write_json_document` / :func:`read_json_document`: integers of any size stay
integers, and the file is written to ``FILE.part`` and renamed, so a reader never sees half of one.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

from exactnets.errors import FileFormatError, InputError
from exactnets.io.network_json import _Literal, _parse_json, _read_text, _Reader
from exactnets.linalg.matrix import INT64_MAX, ExactMatrix, as_exact_matrix

__all__ = [
    "MATRIX_FORMAT",
    "matrix_from_json",
    "loads_matrix",
    "read_matrix",
    "matrix_to_json",
    "dumps_matrix",
    "write_matrix",
    "read_json_document",
    "write_json_document",
]

MATRIX_FORMAT = "exactnets.matrix/1"


def matrix_from_json(doc: Any, source: str = "<memory>") -> ExactMatrix:
    """An :class:`~exactnets.linalg.matrix.ExactMatrix` from a parsed ``exactnets.matrix/1`` document.

    >>> matrix_from_json({"format": "exactnets.matrix/1", "rows": [[1, "1/2"], [0, -1]]}).rows()
    [[Fraction(1, 1), Fraction(1, 2)], [Fraction(0, 1), Fraction(-1, 1)]]
    >>> matrix_from_json({"format": "exactnets.matrix/1", "rows": [[1, 2], [3]]}, "m.json")
    Traceback (most recent call last):
    ...
    exactnets.errors.FileFormatError: m.json: rows[1]: has 1 entries but rows[0] has 2; every row needs the same length
    """
    reader = _Reader(source)
    if not isinstance(doc, Mapping):
        raise reader.fail("", f"expected a JSON object with \"format\": \"{MATRIX_FORMAT}\"")
    if "format" not in doc:
        raise reader.fail("", f"missing key 'format'; a matrix file starts with \"format\": \"{MATRIX_FORMAT}\"")
    if doc["format"] != MATRIX_FORMAT:
        raise reader.fail("format", f"expected \"{MATRIX_FORMAT}\", got {doc['format']!r}")
    reader.check_keys(doc, "", ("format", "rows"), ("format", "rows"), 'a matrix file has "format" and "rows"')
    rows = reader.list_of(doc["rows"], "rows", "a list of rows (lists of numbers)")
    if not rows:
        raise reader.fail("rows", "the list is empty; a matrix needs at least one row")
    width = None
    table: list[list[Any]] = []
    simple = True
    for i, row in enumerate(rows):
        row = reader.list_of(row, f"rows[{i}]", "a list of numbers")
        if width is None:
            width = len(row)
            if width == 0:
                raise reader.fail("rows[0]", "the row is empty; a matrix needs at least one column")
        elif len(row) != width:
            raise reader.fail(f"rows[{i}]", f"has {len(row)} entries but rows[0] has {width}; every row needs the same length")
        if all(type(v) is int for v in row):
            table.append(row)
        else:
            simple = False
            table.append([v if type(v) is int else reader.number(v, f"rows[{i}][{j}]") for j, v in enumerate(row)])
    if simple:
        peak = max((abs(v) for row in table for v in row), default=0)
        return ExactMatrix(np.array(table, dtype=np.int64 if peak <= INT64_MAX else object).reshape(len(table), width), 1)
    return ExactMatrix.from_rows(table, what="rows")


def loads_matrix(text: str, source: str = "<memory>") -> ExactMatrix:
    """Read a matrix from ``exactnets.matrix/1`` JSON text (decimals exactly as written).

    >>> loads_matrix('{"format": "exactnets.matrix/1", "rows": [[0.5, 1e-1]]}').rows()
    [[Fraction(1, 2), Fraction(1, 10)]]
    """
    if not isinstance(text, str):
        raise InputError(f"loads_matrix expects the JSON text as a str (got {type(text).__name__})")
    return matrix_from_json(_parse_json(text, source), source)


def read_matrix(path: str | os.PathLike[str]) -> ExactMatrix:
    """Read an ``exactnets.matrix/1`` file; every problem is a FileFormatError naming the file and place."""
    source = os.fspath(path)
    return loads_matrix(_read_text(source), source)


def matrix_to_json(matrix: Any) -> dict[str, Any]:
    """The ``exactnets.matrix/1`` document: integers as integers, other rationals as ``"p/q"``.

    >>> matrix_to_json([[1, "1/2"]])
    {'format': 'exactnets.matrix/1', 'rows': [[1, '1/2']]}
    """
    return {"format": MATRIX_FORMAT, "rows": as_exact_matrix(matrix).format_entries()}


def dumps_matrix(matrix: Any) -> str:
    """The matrix as JSON text, one row per line.

    >>> print(dumps_matrix([[1, -1], ["2/3", 0]]))
    {"format": "exactnets.matrix/1", "rows": [
      [1, -1],
      ["2/3", 0]
    ]}
    """
    doc = matrix_to_json(matrix)
    with _unlimited_digits():
        lines = [json.dumps(row) for row in doc["rows"]]
    return '{"format": "%s", "rows": [\n  %s\n]}' % (MATRIX_FORMAT, ",\n  ".join(lines))


def write_matrix(matrix: Any, path: str | os.PathLike[str]) -> None:
    """Write ``matrix`` to ``path`` as an ``exactnets.matrix/1`` file (UTF-8, written atomically)."""
    _write_text(dumps_matrix(matrix) + "\n", os.fspath(path))


class _unlimited_digits:
    """Python refuses to print integers of more than 4,300 digits by default; certificates may hold such."""

    def __enter__(self) -> None:
        self.previous = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)

    def __exit__(self, *exc: object) -> None:
        sys.set_int_max_str_digits(self.previous)


def _write_text(text: str, target: str) -> None:
    partial = target + ".part"
    try:
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, target)
    except OSError as error:
        try:
            os.remove(partial)
        except OSError:
            pass
        raise InputError(f"{target}: cannot write the file: {error.strerror or error}") from None


def _exact_default(value: Any) -> Any:
    """JSON for the exact numbers a document may hold: Fractions as ``"p/q"``, Decimals as their digits."""
    from decimal import Decimal
    from fractions import Fraction

    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    if isinstance(value, np.integer):
        return int(value)
    raise TypeError(f"cannot write {type(value).__name__} {value!r} to a JSON document")


def write_json_document(doc: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write a certificate (or any JSON document) to ``path``; integers of any size are kept exactly."""
    with _unlimited_digits():
        try:
            text = json.dumps(doc, separators=(",", ":"), default=_exact_default)
        except TypeError as error:
            raise InputError(f"{os.fspath(path)}: {error}") from None
    _write_text(text + "\n", os.fspath(path))


def _plain(value: Any, source: str, place: str) -> Any:
    if isinstance(value, _Literal):
        if value.kind == "integer":
            with _unlimited_digits():
                return int(value.text)
        if value.kind == "decimal":
            return value.text  # exact numbers in documents are read from their text by the caller
        raise FileFormatError(f"{value.text} is not a finite number", path=source, place=place)
    if isinstance(value, Mapping):
        duplicates = getattr(value, "duplicates", ())
        if duplicates:
            raise FileFormatError(f"key {duplicates[0]!r} appears more than once", path=source, place=place or None)
        return {key: _plain(item, source, f"{place}.{key}" if place else key) for key, item in value.items()}
    if isinstance(value, list):
        if value and all(type(v) is int for v in value):
            return value
        return [_plain(item, source, f"{place}[{i}]") for i, item in enumerate(value)]
    return value


def read_json_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A JSON document (a certificate) with exact integers; decimals are kept as their text."""
    source = os.fspath(path)
    with _unlimited_digits():
        doc = _plain(_parse_json(_read_text(source), source), source, "")
    if not isinstance(doc, dict):
        raise FileFormatError("expected a JSON object at the top level", path=source)
    return doc
