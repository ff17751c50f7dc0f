"""Truth tables: the one index order, validation with clear messages, restriction, communication matrices."""

from __future__ import annotations

import dataclasses
import itertools
import pickle
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

from exactnets.boolean import TruthTable, communication_matrix, point_index
from exactnets.domains import cube_point, cube_points
from exactnets.errors import FloatRefusedError, InputError, ShapeError


@st.composite
def tables(draw, min_n: int = 0, max_n: int = 6) -> TruthTable:
    n = draw(st.integers(min_n, max_n))
    return TruthTable(n, draw(st.lists(st.sampled_from([-1, 1]), min_size=2**n, max_size=2**n)))


def test_index_order_is_the_domains_order():
    f = TruthTable.from_function(3, lambda x: 1 if x == (1, -1, -1) else -1)
    assert f.values.tolist().index(1) == 3  # bits 011: x = (+1, -1, -1)
    assert point_index(3, (1, -1, -1)) == 3
    for n in range(5):
        for i in range(2**n):
            assert point_index(n, cube_point(n, i)) == i
    # itertools.product over (+1, -1) enumerates the same order
    assert [tuple(p) for p in cube_points(3).tolist()] == list(itertools.product((1, -1), repeat=3))


def test_from_function_values_and_call():
    f = TruthTable.from_function(3, lambda x: x[0] * x[2])
    for i, x in enumerate(itertools.product((1, -1), repeat=3)):
        assert f.values[i] == x[0] * x[2]
        assert f(x) == f.value(x) == x[0] * x[2]
        assert type(f(x)) is int
    assert f.values.dtype == np.int8 and f.n == 3 and f.size == 8


def test_from_bit_function_uses_the_bit_rule_for_input_and_output():
    g = lambda z: (z[0] & z[1]) ^ z[2]  # noqa: E731
    f = TruthTable.from_bit_function(3, g)
    for z in itertools.product((0, 1), repeat=3):
        x = tuple(1 - 2 * b for b in z)
        assert f(x) == 1 - 2 * g(z)
    assert TruthTable.from_bit_function(2, lambda z: z[0] == z[1]).values.tolist() == [-1, 1, 1, -1]
    assert TruthTable.from_output_bits(f.as_bits()) == f
    with pytest.raises(InputError, match="must return the bit 0 or 1"):
        TruthTable.from_bit_function(1, lambda z: 2)


def test_from_values_reads_n_from_the_length():
    assert TruthTable.from_values([1]).n == 0
    assert TruthTable.from_values(np.array([1, -1, 1, 1, -1, -1, 1, 1])).n == 3
    assert TruthTable.from_values([Fraction(1), Fraction(-1)]).values.tolist() == [1, -1]
    assert TruthTable.from_values(["1", "-1"]).values.tolist() == [1, -1]
    with pytest.raises(ShapeError, match="not a power of 2"):
        TruthTable.from_values([1, 1, 1])
    with pytest.raises(ShapeError, match="not a power of 2"):
        TruthTable.from_values([])


@pytest.mark.parametrize(
    "n, values, error, message",
    [
        (2, [1, -1, 1], ShapeError, "needs 2\\^2 = 4 values \\(got 3\\)"),
        (1, [1, 0], InputError, r"values\[1\]: a truth-table entry must be -1 or \+1"),
        (1, [1, 2], InputError, "must be -1 or \\+1"),
        (1, [True, False], InputError, "boolean"),
        (1, np.array([True, False]), InputError, "boolean array"),
        (1, np.array([1.0, -1.0]), FloatRefusedError, "floats"),
        (1, [1.0, -1], FloatRefusedError, "float"),
        (1, [Fraction(1, 2), 1], InputError, "must be -1 or \\+1"),
        (1, "ab", InputError, "sequence of -1/\\+1"),
        (1, 5, InputError, "sequence of -1/\\+1"),
        (1, np.array([[1, -1]]), ShapeError, "one-dimensional"),
        (-1, [1], InputError, "non-negative integer"),
        (True, [1, 1], InputError, "non-negative integer"),
        (31, [1], InputError, "at most 30"),
    ],
)
def test_validation_messages(n, values, error, message):
    with pytest.raises(error, match=message):
        TruthTable(n, values)


def test_values_are_read_only_and_the_table_is_frozen():
    source = np.array([1, -1], dtype=np.int64)
    f = TruthTable(1, source)
    source[0] = -1  # the table holds its own copy
    assert f.values.tolist() == [1, -1]
    with pytest.raises(ValueError):
        f.values[0] = -1
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.n = 2  # type: ignore[misc]


def test_equality_hash_pickle_repr():
    f = TruthTable(2, [1, -1, -1, 1])
    g = TruthTable.from_function(2, lambda x: x[0] * x[1])
    assert f == g and hash(f) == hash(g) and len({f, g}) == 1
    assert f != TruthTable(2, [1, -1, -1, -1])
    assert TruthTable(0, [1]) != TruthTable(1, [1, 1])
    assert f != "not a table"
    assert pickle.loads(pickle.dumps(f)) == f
    assert not pickle.loads(pickle.dumps(f)).values.flags.writeable
    assert repr(f) == "TruthTable(n=2, values=[1, -1, -1, 1])"
    assert "of 32 values" in repr(TruthTable(5, [1] * 32))


def test_value_checks_its_point():
    f = TruthTable(2, [1, 1, 1, -1])
    with pytest.raises(ShapeError, match="needs 2 coordinates"):
        f((1, 1, 1))
    with pytest.raises(InputError, match=r"x\[1\]"):
        f((1, 0))
    with pytest.raises(InputError, match="boolean"):
        f((True, 1))
    assert f((Fraction(-1), np.int64(-1))) == -1


def test_negate_product_and_bits():
    f = TruthTable(2, [1, -1, -1, -1])
    assert f.negate().values.tolist() == [-1, 1, 1, 1]
    assert -f == f.negate() and -(-f) == f
    assert f.as_bits().tolist() == [0, 1, 1, 1]
    assert (f * f) == TruthTable(2, [1, 1, 1, 1])
    with pytest.raises(ShapeError):
        f * TruthTable(1, [1, 1])


@given(tables(max_n=6), st.data())
def test_restrict_matches_brute_force(f, data):
    fixed = data.draw(st.dictionaries(st.integers(0, max(f.n - 1, 0)), st.sampled_from([-1, 1]), max_size=f.n)) if f.n else {}
    g = f.restrict(fixed)
    free = [j for j in range(f.n) if j not in fixed]
    assert g.n == len(free)
    for y in itertools.product((1, -1), repeat=len(free)):
        x = [0] * f.n
        for j, v in fixed.items():
            x[j] = v
        for j, v in zip(free, y):
            x[j] = v
        assert g(y) == f(tuple(x))


def test_restrict_errors():
    f = TruthTable(2, [1, -1, -1, 1])
    with pytest.raises(InputError, match="not an index in 0..1"):
        f.restrict({2: 1})
    with pytest.raises(InputError, match="must be -1 or \\+1"):
        f.restrict({0: 0})
    with pytest.raises(InputError, match="mapping"):
        f.restrict([(0, 1)])
    assert f.restrict({}) == f
    assert f.restrict({0: 1, 1: -1}) == TruthTable(0, [-1])


@given(tables(max_n=6), st.data())
def test_communication_matrix_rows_are_the_first_k_coordinates(f, data):
    k = data.draw(st.integers(0, f.n))
    matrix = communication_matrix(f, k)
    assert matrix.shape == (2**k, 2 ** (f.n - k)) and matrix.dtype == np.int8
    assert not matrix.flags.writeable
    for a, u in enumerate(itertools.product((1, -1), repeat=k)):
        for b, v in enumerate(itertools.product((1, -1), repeat=f.n - k)):
            assert matrix[a, b] == f(u + v)


def test_communication_matrix_errors():
    with pytest.raises(InputError, match="between 0 and n = 2"):
        communication_matrix(TruthTable(2, [1] * 4), 3)
    with pytest.raises(InputError, match="needs a TruthTable"):
        communication_matrix([1, 1], 1)
