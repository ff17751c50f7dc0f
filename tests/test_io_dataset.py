"""Data sets: the frozen Dataset value and its CSV files (exact numbers, precise errors)."""

from __future__ import annotations

import dataclasses
import pathlib
import tempfile
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.dataset import Dataset
from exactnets.errors import FileFormatError, FloatRefusedError, InputError, NumberError, ShapeError
from exactnets.io import dumps_dataset, loads_dataset, read_dataset, write_dataset
from tests.strategies import rationals, wide_rationals


# -- the Dataset value -----------------------------------------------------------------------------

def test_dataset_converts_and_freezes():
    data = Dataset([[0, "1/2"], ["0.25", np.int64(-1)]], [1, Fraction(-3, 2)], x_names=["a", "b"], y_name="out")
    assert data.points == ((Fraction(0), Fraction(1, 2)), (Fraction(1, 4), Fraction(-1)))
    assert data.labels == (Fraction(1), Fraction(-3, 2))
    assert data.x_names == ("a", "b") and data.y_name == "out"
    assert data.dim == 2 and len(data) == 2
    assert all(type(v) is Fraction for row in data.points for v in row)
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.labels = ()
    assert data == Dataset([[0, Fraction(1, 2)], [Fraction(1, 4), -1]], ["1", "-1.5"], ("a", "b"), "out")
    assert hash(data) == hash(Dataset(data.points, data.labels, data.x_names, data.y_name))


def test_default_names_and_empty_datasets():
    assert Dataset([[1, 2, 3]], [0]).x_names == ("x1", "x2", "x3")
    empty = Dataset([], [], x_names=("u",))
    assert len(empty) == 0 and empty.dim == 1
    with pytest.raises(InputError, match="needs x_names"):
        Dataset([], [])


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        (dict(points=[[1, 2]], labels=[0, 1]), ShapeError, "1 points but 2 labels"),
        (dict(points=[[1, 2], [3]], labels=[0, 1]), ShapeError, "points[1] has 1 coordinates but there are 2 x columns"),
        (dict(points=[[1, 2]], labels=[0], x_names=("a",)), ShapeError, "points[0] has 2 coordinates"),
        (dict(points=[[1, 0.5]], labels=[0], x_names=("a", "b")), FloatRefusedError, "points[0][1] (column 'b')"),
        (dict(points=[[1, "x"]], labels=[0]), NumberError, "points[0][1] (column 'x2'): cannot read 'x'"),
        (dict(points=[[1]], labels=["1/0"], y_name="cls"), NumberError, "labels[0] (column 'cls')"),
        (dict(points=[[1]], labels=[True]), NumberError, "labels[0]"),
        (dict(points=["12"], labels=[0]), InputError, "points[0] must be a list of coordinates"),
        (dict(points=5, labels=[0]), InputError, "points must be a list"),
        (dict(points=[[1]], labels=7), InputError, "labels must be a list"),
        (dict(points=[[1]], labels=[0], x_names="a"), InputError, "x_names must be a list of strings"),
        (dict(points=[[1]], labels=[0], x_names=("y",)), InputError, "'y' is used twice"),
        (dict(points=[[1, 2]], labels=[0], x_names=("a", "a")), InputError, "'a' is used twice"),
        (dict(points=[[1]], labels=[0], x_names=("",)), InputError, "x_names[0] is empty"),
        (dict(points=[[1]], labels=[0], x_names=(" a",)), InputError, "spaces around it"),
        (dict(points=[[1]], labels=[0], x_names=("a\nb",)), InputError, "line break"),
        (dict(points=[[1]], labels=[0], x_names=("3/4",)), InputError, "'3/4' is a number, not a name"),
        (dict(points=[[1]], labels=[0], x_names=(3,)), InputError, "x_names[0] must be a string"),
        (dict(points=[[1]], labels=[0], y_name=None), InputError, "y_name must be a string"),
    ],
)
def test_dataset_validation(kwargs, error, fragment):
    with pytest.raises(error) as info:
        Dataset(**kwargs)
    assert fragment in str(info.value), str(info.value)


def test_names_that_are_not_numbers_are_fine():
    data = Dataset([[1, 2, 3]], [0], x_names=("nan", "inf", "x, \"quoted\""), y_name="é label")
    assert loads_dataset(dumps_dataset(data)) == data


# -- reading CSV -----------------------------------------------------------------------------------

def test_reads_numbers_exactly():
    data = loads_dataset('a, b ,y\n0.1, 1e-3, -7/3\n+3, ".5", 1/-2\n\n\n')
    assert data.x_names == ("a", "b") and data.y_name == "y"
    assert data.points == ((Fraction(1, 10), Fraction(1, 1000)), (Fraction(3), Fraction(1, 2)))
    assert data.labels == (Fraction(-7, 3), Fraction(-1, 2))


def test_header_only_is_an_empty_dataset():
    data = loads_dataset("a,b,y\n")
    assert len(data) == 0 and data.x_names == ("a", "b")


def test_crlf_bom_quotes_and_trailing_blank_lines(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b'\xef\xbb\xbf"x, first",x2,label\r\n1,2,3\r\n4,5,6\r\n,,\r\n  \r\n')
    data = read_dataset(path)
    assert data.x_names == ("x, first", "x2") and data.y_name == "label"
    assert data.labels == (3, 6)
    assert read_dataset(str(path)) == data


def fails(text: str, *fragments: str, source: str = "data.csv") -> FileFormatError:
    with pytest.raises(FileFormatError) as info:
        loads_dataset(text, source=source)
    message = str(info.value)
    assert message.startswith(f"{source}: "), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return info.value


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("", ["data.csv: the file is empty", "header row"]),
        ("\n\n  \n", ["the file is empty"]),
        ("\na,y\n1,2\n", ["line 1: the first line is blank"]),
        ("y\n1\n", ["line 1: the header has 1 column", "at least one x column"]),
        ("1,2,3\n4,5,6\n", ["line 1, column 1: the column name '1' is a number, not a name"]),
        ("a,,y\n1,2,3\n", ["line 1, column 2: the column name is empty"]),
        ("a,b,a\n1,2,3\n", ["line 1: columns 1 and 3 are both named 'a'"]),
        ("a, b,b \n1,2,3\n", ["line 1: columns 2 and 3 are both named 'b'"]),
        ("a,b,y\n1,2,3\n1,2\n", ["line 3: has 2 fields but the header has 3 columns (a, b, y)"]),
        ("a,b,y\n1,2,3,4\n", ["line 2: has 4 fields but the header has 3 columns"]),
        ("a,b,y\n1,2,3\n\n4,5,6\n", ["line 3: blank line inside the data"]),
        ("a,b,y\n1,,3\n", ["line 2, column 'b': empty field"]),
        ("a,b,y\n1,2, \n", ["line 2, column 'y': empty field"]),
        ("a,b,y\n1,2,3\n1,abc,3\n", ["line 3, column 'b': cannot read 'abc' as a number", "'3/4'"]),
        ("a,b,y\n1,2,1/0\n", ["line 2, column 'y'", "zero denominator"]),
        ("a,b,y\n1,nan,0\n", ["line 2, column 'b'", "not a finite number"]),
        ("a,b,y\n1,1e99999,0\n", ["line 2, column 'b'", "exponent"]),
        ("a,b,y\n1,2,3\n" + "1," + "9" * 10_001 + ",0\n", ["line 3, column 'b'", "exceeds the limit"]),
        ('a,"b\n', ["line 1: not valid CSV"]),
        ('a,b,y\n1,"2\n3",4\n5,6,7\n', ["line 2, column 'b'", "cannot read"]),
        ('a,b,y\n"1\n",2,3\n5,6\n', ["line 4: has 2 fields"]),
        ('a,b,y\n"1"x,2,3\n', ["line 2: not valid CSV"]),
    ],
)
def test_every_malformed_file_names_line_and_column(text, fragments):
    fails(text, *fragments)


def test_a_long_number_reads_exactly_or_is_a_file_error():
    big = "9" * 5000  # within exactnets' digit limit, beyond Python's default int/str conversion limit
    try:
        data = loads_dataset(f"a,y\n{big},0\n")
    except FileFormatError as error:
        assert str(error).startswith("<memory>: line 2, column 'a': ")
    else:
        assert data.points == ((int(big),),)


def test_error_carries_path_and_place():
    error = fails("a,b,y\n1,x,3\n")
    assert error.path == "data.csv" and error.place == "line 2, column 'b'"


def test_file_problems_name_the_file(tmp_path):
    with pytest.raises(FileFormatError, match=r"nope\.csv: cannot read the file"):
        read_dataset(tmp_path / "nope.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"a,y\n\xff,1\n")
    with pytest.raises(FileFormatError, match=r"binary\.csv: not UTF-8"):
        read_dataset(binary)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,y\n1,2\n3,x\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"bad\.csv: line 3, column 'y': cannot read 'x'"):
        read_dataset(bad)


# -- writing and round trips -----------------------------------------------------------------------

def test_written_text_uses_integers_and_fractions():
    data = Dataset([["0.5", 2], [-3, "1e-2"]], ["1/3", 0], x_names=("p", "q"), y_name="r")
    assert dumps_dataset(data) == "p,q,r\n1/2,2,1/3\n-3,1/100,0\n"


def test_writing_needs_a_dataset_with_columns():
    with pytest.raises(InputError, match="expected a Dataset"):
        dumps_dataset([[1, 2]])
    with pytest.raises(InputError, match="without x columns"):
        dumps_dataset(Dataset([], [], x_names=()))


def test_write_then_read_a_file(tmp_path):
    data = Dataset([[1, "2/3"], ["-0.75", 0]], [1, -1], x_names=("a", "b"))
    path = tmp_path / "out.csv"
    write_dataset(data, path)
    assert path.read_bytes() == b"a,b,y\n1,2/3,1\n-3/4,0,-1\n"
    assert read_dataset(path) == data


_NAME_CHARS = st.sampled_from(list("abcxyz019_-.,\"' /éλ☃"))
names = st.text(_NAME_CHARS, min_size=1, max_size=6).filter(
    lambda n: n == n.strip() and not _is_number(n)
)


def _is_number(text: str) -> bool:
    try:
        Dataset([[text]], [0])
    except InputError:
        return False
    return True


@st.composite
def datasets(draw, values=None):
    values = rationals() if values is None else values
    column_names = draw(st.lists(names, min_size=2, max_size=5, unique=True))
    dim = len(column_names) - 1
    count = draw(st.integers(0, 6))
    points = [[draw(values) for _ in range(dim)] for _ in range(count)]
    labels = [draw(values) for _ in range(count)]
    return Dataset(points, labels, x_names=column_names[:-1], y_name=column_names[-1])


@settings(max_examples=150, deadline=None)
@given(datasets())
def test_round_trip_small_rationals(data):
    assert loads_dataset(dumps_dataset(data)) == data


@settings(max_examples=50, deadline=None)
@given(datasets(values=wide_rationals()))
def test_round_trip_wide_rationals_through_a_file(data):
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "wide.csv"
        write_dataset(data, path)
        assert read_dataset(path) == data


@settings(max_examples=200, deadline=None)
@given(datasets(), st.data())
def test_damaged_files_raise_only_input_errors(data, draw):
    text = dumps_dataset(data)
    start = draw.draw(st.integers(0, len(text)))
    stop = draw.draw(st.integers(start, min(len(text), start + 4)))
    junk = draw.draw(st.sampled_from(["", ",", "\n", '"', "x", "1/0", "\x00", " ", "\r", "nan", "1e99999", "\n\n"]))
    try:
        result = loads_dataset(text[:start] + junk + text[stop:], source="fuzz.csv")
    except InputError as error:
        assert str(error).startswith("fuzz.csv: "), str(error)
    else:
        assert isinstance(result, Dataset)
