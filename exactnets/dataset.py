"""Labelled data sets with exact rational coordinates and labels.

A :class:`Dataset` is a frozen value: points ``x_i`` (all of one dimension), one label ``y_i`` per
point, a name for every coordinate and one for the label.  Every number enters through
:func:`exactnets.rational.as_rational`, so a float never slips in.  The CSV file format is in
:mod:`exactnets.io.dataset_csv`.

Column names are non-empty printable strings without surrounding spaces, pairwise distinct, and
not themselves numbers (a header row of numbers is a data row whose header went missing).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from exactnets.errors import InputError, ShapeError
from exactnets.rational import as_rational

__all__ = ["Dataset"]


def _column_name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a column, or ``None`` if it can."""
    if not isinstance(name, str):
        return f"must be a string (got {type(name).__name__} {name!r})"
    if not name:
        return "is empty; every column needs a name"
    if name != name.strip():
        return f"{name!r} has spaces around it; write it without them"
    if not name.isprintable():
        return f"{name!r} holds a line break or another unprintable character"
    try:
        as_rational(name)
    except InputError:
        return None
    return f"{name!r} is a number, not a name; the first row of a data set names the columns"


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A frozen, validated set of labelled points with exact rational entries.

    Parameters
    ----------
    points
        One sequence of coordinates per point; anything :func:`~exactnets.rational.as_rational`
        accepts (ints, ``Fraction``, ``"3/4"``, ``"0.25"``), never floats.
    labels
        One label per point, numbers as above.
    x_names
        The coordinate names; by default ``x1, x2, ...`` (then there must be at least one point
        to tell the dimension).
    y_name
        The label's name, ``"y"`` by default.

    Examples
    --------
    >>> data = Dataset([[0, "1/2"], ["0.25", -1]], [1, -1], x_names=("a", "b"))
    >>> len(data), data.dim, data.points[1], data.labels
    (2, 2, (Fraction(1, 4), Fraction(-1, 1)), (Fraction(1, 1), Fraction(-1, 1)))
    >>> Dataset([[1, 2], [3]], [0, 0])
    Traceback (most recent call last):
    ...
    exactnets.errors.ShapeError: points[1] has 1 coordinates but there are 2 x columns ('x1', 'x2')
    """

    points: tuple[tuple[Fraction, ...], ...]
    labels: tuple[Fraction, ...]
    x_names: tuple[str, ...]
    y_name: str

    def __init__(self, points: Iterable[Iterable[Any]], labels: Iterable[Any],
                 x_names: Iterable[str] | None = None, y_name: str = "y"):
        if isinstance(points, (str, bytes)) or not isinstance(points, Iterable):
            raise InputError(f"points must be a list of points (got {type(points).__name__})")
        rows = []
        for i, point in enumerate(points):
            if isinstance(point, (str, bytes)) or not isinstance(point, Iterable):
                raise InputError(f"points[{i}] must be a list of coordinates (got {type(point).__name__} {point!r})")
            rows.append(list(point))
        if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
            raise InputError(f"labels must be a list of numbers (got {type(labels).__name__})")
        label_list = list(labels)
        if x_names is None:
            if not rows:
                raise InputError("an empty data set needs x_names to tell its dimension")
            names = tuple(f"x{j + 1}" for j in range(len(rows[0])))
        else:
            if isinstance(x_names, (str, bytes)) or not isinstance(x_names, Iterable):
                raise InputError(f"x_names must be a list of strings (got {type(x_names).__name__} {x_names!r})")
            names = tuple(x_names)
        for j, name in enumerate(names):
            problem = _column_name_problem(name)
            if problem:
                raise InputError(f"x_names[{j}] {problem}")
        problem = _column_name_problem(y_name)
        if problem:
            raise InputError(f"y_name {problem}")
        all_names = (*names, y_name)
        if len(set(all_names)) != len(all_names):
            repeated = next(name for name in all_names if all_names.count(name) > 1)
            raise InputError(f"the column name {repeated!r} is used twice; column names must differ")
        if len(rows) != len(label_list):
            raise ShapeError(f"{len(rows)} points but {len(label_list)} labels; expected one label per point")
        shown = ", ".join(repr(name) for name in names)
        converted = []
        for i, row in enumerate(rows):
            if len(row) != len(names):
                raise ShapeError(f"points[{i}] has {len(row)} coordinates but there are {len(names)} x columns ({shown})")
            converted.append(tuple(
                as_rational(value, what=f"points[{i}][{j}] (column {name!r})") for j, (value, name) in enumerate(zip(row, names))
            ))
        values = tuple(as_rational(value, what=f"labels[{i}] (column {y_name!r})") for i, value in enumerate(label_list))
        object.__setattr__(self, "points", tuple(converted))
        object.__setattr__(self, "labels", values)
        object.__setattr__(self, "x_names", names)
        object.__setattr__(self, "y_name", y_name)

    @property
    def dim(self) -> int:
        """The number of coordinates of every point (``len(x_names)``)."""
        return len(self.x_names)

    def __len__(self) -> int:
        return len(self.points)

    def __repr__(self) -> str:
        return f"Dataset({len(self)} points, x={list(self.x_names)}, y={self.y_name!r})"

