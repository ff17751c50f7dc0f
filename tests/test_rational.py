"""The one door for numbers: what enters exactly, what is refused and how the refusal reads."""

from __future__ import annotations

import decimal
from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given, strategies as st

from exactnets.errors import FloatRefusedError, NumberError
from exactnets.rational import (
    as_rational,
    as_rational_matrix,
    common_denominator,
    format_rational,
    get_limits,
    limits,
    rational_from_float,
    scale_matrix_to_integers,
    scale_to_integers,
    set_limits,
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("-0.125", Fraction(-1, 8)),
        ("1e-3", Fraction(1, 1000)),
        ("3/4", Fraction(3, 4)),
        ("-7/2", Fraction(-7, 2)),
        (" 3 / 4 ", Fraction(3, 4)),
        (".5", Fraction(1, 2)),
        ("+3", Fraction(3)),
        ("2.", Fraction(2)),
        ("1E2", Fraction(100)),
        ("0.1", Fraction(1, 10)),
        ("-0", Fraction(0)),
        ("12.5e-1", Fraction(5, 4)),
        ("6/-4", Fraction(-3, 2)),
    ],
)
def test_strings_are_read_exactly_as_written(text, value):
    assert as_rational(text) == value


def test_integers_fractions_decimals_and_flint_values_enter():
    assert as_rational(7) == 7 and isinstance(as_rational(7), Fraction)
    assert as_rational(np.int64(-3)) == -3
    assert as_rational(Fraction(2, 6)) == Fraction(1, 3)
    assert as_rational(decimal.Decimal("0.1")) == Fraction(1, 10)
    assert as_rational(flint.fmpq(1, 3)) == Fraction(1, 3)
    assert as_rational(flint.fmpz(5)) == 5


@pytest.mark.parametrize("value", [0.1, 1.0, np.float64(0.5), np.float32(2.0)])
def test_floats_are_refused_with_both_ways_out(value):
    with pytest.raises(FloatRefusedError) as info:
        as_rational(value)
    message = str(info.value)
    assert "string" in message and "Fraction(" in message
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


def test_float_message_names_the_exact_binary_value():
    with pytest.raises(FloatRefusedError, match="3602879701896397/36028797018963968"):
        as_rational(0.1)


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_booleans_are_refused(value):
    with pytest.raises(NumberError, match="boolean"):
        as_rational(value)


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "Infinity", "NaN"])
def test_non_finite_strings_are_refused(text):
    with pytest.raises(NumberError, match="not a finite number"):
        as_rational(text)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), decimal.Decimal("NaN"), decimal.Decimal("-Infinity")])
def test_non_finite_values_are_refused(value):
    with pytest.raises(NumberError, match="finite"):
        as_rational(value)


@pytest.mark.parametrize("text", ["1/0", "-3/0", "0/0"])
def test_zero_denominators_are_refused(text):
    with pytest.raises(NumberError, match="zero denominator"):
        as_rational(text)


@pytest.mark.parametrize("text", ["", "abc", "1/2/3", "1..2", "0x10", "1e", "--1", "1 2", "½"])
def test_malformed_strings_are_refused_with_the_accepted_forms(text):
    with pytest.raises(NumberError, match="cannot read"):
        as_rational(text)


@pytest.mark.parametrize("value", [None, [1], object(), b"1", 1j])
def test_other_types_are_refused(value):
    with pytest.raises(NumberError):
        as_rational(value)


def test_absurd_exponents_are_refused_before_any_arithmetic():
    with pytest.raises(NumberError, match="exponent"):
        as_rational("1e999999999")
    with pytest.raises(NumberError, match="exponent"):
        as_rational("1e-99999999999999999999999")


def test_million_digit_numerators_are_refused():
    with pytest.raises(NumberError, match="digits"):
        as_rational("1" * 1_000_000)
    with pytest.raises(NumberError, match="digits"):
        as_rational("1/" + "3" * 1_000_000)
    with pytest.raises(NumberError, match="digits"):
        as_rational(10**200_000)
    with pytest.raises(NumberError, match="digits"):
        as_rational("1" * 4500)  # past the default, and past Python's own int-to-text limit
    with pytest.raises(NumberError, match="digits"):
        as_rational(Fraction(1, 10**200_000))


def test_limits_are_adjustable_and_restored():
    before = get_limits()
    with pytest.raises(NumberError):
        as_rational("1e20000")
    with pytest.raises(NumberError):
        as_rational("9" * 5000)
    with limits(max_exponent=30_000, max_digits=30_000):
        assert as_rational("1e20000") == 10**20000
        assert as_rational("9" * 5000) == 10**5000 - 1
        assert as_rational("9" * 25000) == 10**25000 - 1
    assert get_limits() == before
    with pytest.raises(NumberError):
        set_limits(max_digits=0)


def test_error_messages_name_the_value():
    with pytest.raises(NumberError, match=r"weights\[1\]\[0\]"):
        as_rational_matrix([[1, 2], ["x", 3]], what="weights")


def test_rational_from_float_is_the_exact_binary_value():
    assert rational_from_float(0.1) == Fraction(3602879701896397, 36028797018963968)
    with pytest.raises(NumberError):
        rational_from_float(float("inf"))


@given(st.fractions(max_denominator=10**6))
def test_format_then_parse_is_the_identity(value):
    assert as_rational(format_rational(value)) == value


@given(st.integers(-(10**30), 10**30), st.integers(0, 40))
def test_decimal_strings_round_trip(mantissa, places):
    text = str(mantissa) if places == 0 else f"{mantissa}e-{places}"
    assert as_rational(text) == Fraction(mantissa, 10**places)


@given(st.lists(st.lists(st.fractions(max_denominator=50), min_size=3, max_size=3), min_size=1, max_size=4))
def test_matrix_scaling_is_exact_and_least(rows):
    ints, d = scale_matrix_to_integers(rows)
    assert d == common_denominator(v for row in rows for v in row)
    assert all(Fraction(n, d) == v for row, irow in zip(rows, ints) for v, n in zip(row, irow))
    flat, d2 = scale_to_integers([v for row in rows for v in row])
    assert d2 == d and flat == [n for row in ints for n in row]
