"""Data set files: CSV with a header row, the label column last.

::

    x1,x2,y
    0,1/2,1
    0.25,-1,-1

The first line names the columns: the coordinates first, then the label.  Every following line
holds one number per column, written as an integer, a decimal (read exactly as written: ``0.1``
is one tenth) or a fraction ``p/q``.  Spaces around fields are ignored; blank lines may come only
at the end.  The file is UTF-8 (a byte-order mark is skipped) and read with :mod:`csv`, so names
holding commas may be quoted.

Writing puts integers and ``p/q`` fractions, so reading a written file gives back an equal
:class:`~exactnets.dataset.Dataset`.  Every problem raises
:class:`~exactnets.errors.FileFormatError` naming the file, the line (the header is line 1) and,
where it fits, the column: ``data.csv: line 7, column 'x2': cannot read 'abc' as a number; ...``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence

from exactnets.dataset import Dataset, _column_name_problem
from exactnets.errors import FileFormatError, InputError
from exactnets.io.network_json import _read_text
from exactnets.rational import as_rational, format_rational

__all__ = ["read_dataset", "write_dataset", "loads_dataset", "dumps_dataset"]


def _blank(fields: Sequence[str]) -> bool:
    return all(not field.strip() for field in fields)


def _split_lines(text: str, source: str) -> list[tuple[int, list[str]]]:
    """The CSV records of ``text`` with the line each starts on; trailing blank records dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, skipinitialspace=True)
    records: list[tuple[int, list[str]]] = []
    last_line = 0
    try:
        for fields in reader:
            records.append((last_line + 1, fields))
            last_line = reader.line_num
    except csv.Error as error:
        raise FileFormatError(f"not valid CSV: {error}", path=source, place=f"line {reader.line_num}") from None
    while records and _blank(records[-1][1]):
        records.pop()
    return records


def loads_dataset(text: str, source: str = "<memory>") -> Dataset:
    """Read a data set from CSV text (header row, label column last).

    Parameters
    ----------
    text
        The CSV text.
    source
        What error messages call the text (a file name).

    Returns
    -------
    Dataset

    Raises
    ------
    FileFormatError
        With the file, line and column of the problem.

    Examples
    --------
    >>> data = loads_dataset("a,b,y\\n0,1/2,1\\n0.1,-1,-1\\n")
    >>> data.x_names, data.y_name, data.points[1], data.labels[1]
    (('a', 'b'), 'y', (Fraction(1, 10), Fraction(-1, 1)), Fraction(-1, 1))
    >>> loads_dataset("a,b,y\\n0,1/2,1\\n0,abc,1\\n", source="data.csv")
    Traceback (most recent call last):
    ...
    exactnets.errors.FileFormatError: data.csv: line 3, column 'b': cannot read 'abc' as a number; write an integer ('3'), a decimal ('-0.125', '1e-3') or a fraction ('3/4')
    """
    if not isinstance(text, str):
        raise InputError(f"loads_dataset expects the CSV text as a str (got {type(text).__name__})")
    records = _split_lines(text, source)

    def fail(place: str, message: str) -> FileFormatError:
        return FileFormatError(message, path=source, place=place)

    if not records:
        raise FileFormatError("the file is empty; expected a header row naming the columns (label last), "
                              "then one row of numbers per point", path=source)
    header_line, header = records[0]
    if _blank(header):
        raise fail(f"line {header_line}", "the first line is blank; it must be the header naming the columns (label last)")
    names = [field.strip() for field in header]
    if len(names) < 2:
        raise fail(f"line {header_line}", f"the header has {len(names)} column; expected at least one x column "
                                          f"and the label column (last), separated by commas")
    for j, name in enumerate(names):
        problem = _column_name_problem(name)
        if problem:
            raise fail(f"line {header_line}, column {j + 1}", f"the column name {problem}")
    for j, name in enumerate(names):
        first = names.index(name)
        if first != j:
            raise fail(f"line {header_line}", f"columns {first + 1} and {j + 1} are both named {name!r}; "
                                              f"column names must differ")
    shown = ", ".join(names)
    points = []
    labels = []
    for line, fields in records[1:]:
        if _blank(fields):
            raise fail(f"line {line}", "blank line inside the data; blank lines may only come at the end of the file")
        if len(fields) != len(names):
            raise fail(f"line {line}", f"has {len(fields)} field{'s' if len(fields) != 1 else ''} but the header has "
                                       f"{len(names)} columns ({shown}); expected one number per column")
        row = []
        for name, field in zip(names, fields):
            place = f"line {line}, column {name!r}"
            if not field.strip():
                raise fail(place, "empty field; every column needs a number")
            try:
                row.append(as_rational(field))
            except InputError as error:
                raise fail(place, str(error)) from error
            except (ValueError, ArithmeticError) as error:  # e.g. Python's limit on integer digits
                raise fail(place, f"cannot read a {len(field)}-character field as a number ({error})") from error
        points.append(row[:-1])
        labels.append(row[-1])
    try:
        return Dataset(points, labels, x_names=names[:-1], y_name=names[-1])
    except InputError as error:  # a safety net: the checks above should have caught it
        raise FileFormatError(str(error), path=source) from error


def read_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read a CSV data set file (header row, label column last).

    Parameters
    ----------
    path
        The file (``str`` or :class:`pathlib.Path`), UTF-8 text.

    Returns
    -------
    Dataset

    Raises
    ------
    FileFormatError
        If the file cannot be read or breaks the format; the message names the file, the line
        and the column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
    >>> _ = path.write_text("x, y\\n-3/4, 1\\n2.5, 0\\n\\n")
    >>> read_dataset(path).points
    ((Fraction(-3, 4),), (Fraction(5, 2),))
    """
    source = os.fspath(path)
    return loads_dataset(_read_text(source), source=source)


def dumps_dataset(data: Dataset) -> str:
    """``data`` as CSV text: the header, then one line per point with integers and ``p/q``.

    Examples
    --------
    >>> from exactnets.dataset import Dataset
    >>> print(dumps_dataset(Dataset([["1/3", 2], ["0.5", 0]], [1, "-1.25"], x_names=("u", "v"), y_name="label")), end="")
    u,v,label
    1/3,2,1
    1/2,0,-5/4
    """
    if not isinstance(data, Dataset):
        raise InputError(f"expected a Dataset (got {type(data).__name__})")
    if data.dim == 0:
        raise InputError("a data set without x columns cannot be written as CSV; a file needs at least one x column")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*data.x_names, data.y_name])
    try:
        for point, label in zip(data.points, data.labels):
            writer.writerow([*(format_rational(v) for v in point), format_rational(label)])
    except ValueError as error:  # Python's limit on integer digits
        raise InputError(f"cannot write the data set: {error}") from None
    return buffer.getvalue()


def write_dataset(data: Dataset, path: str | os.PathLike[str]) -> None:
    """Write ``data`` to ``path`` as a CSV file (UTF-8, ``\\n`` line ends).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from exactnets.dataset import Dataset
    >>> data = Dataset([[0, 1], [1, 0]], ["1/2", "-1/2"])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
    >>> write_dataset(data, path)
    >>> read_dataset(path) == data
    True
    """
    text = dumps_dataset(data)
    target = os.fspath(path)
    try:
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        raise InputError(f"{target}: cannot write the file: {error.strerror or error}") from None
