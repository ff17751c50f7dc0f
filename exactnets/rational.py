"""The one door through which numbers enter exactnets.

Every weight, bias, input point and parameter is turned into a :class:`fractions.Fraction` by
:func:`as_rational`.  It accepts

* Python integers (and numpy integers), ``Fraction``, ``decimal.Decimal`` (finite);
* decimal strings, read exactly as written: ``"-0.125"``, ``"1e-3"``, ``".5"``, ``"+3"``;
* fraction strings ``"p/q"`` such as ``"3/4"`` or ``"-7/2"``.

It refuses, with a message that says how to pass the value instead,

* binary floats (``0.1`` is not one tenth): pass the decimal as a string, ``"0.1"``, or ask for
  the float's exact binary value with :func:`rational_from_float` / ``Fraction(x)``;
* ``bool`` (almost always a mistake for 0/1);
* ``nan``, ``inf``, zero denominators, malformed strings;
* absurd sizes, *before* any big arithmetic happens: a decimal exponent beyond
  :attr:`Limits.max_exponent` (``"1e999999999"`` would otherwise build a billion-digit integer) or
  a numerator/denominator longer than :attr:`Limits.max_digits` decimal digits.

The limits are module state, documented here and adjustable with :func:`set_limits` or, for a
block of code, the :func:`limits` context manager.

Helpers at the bottom scale a rational vector or matrix to integers over one common denominator;
the fast evaluator and every solver encoding start from there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import decimal
import math
import numbers
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction

import numpy as np

from exactnets.errors import FloatRefusedError, NumberError

__all__ = [
    "Limits",
    "as_rational",
    "as_rational_vector",
    "as_rational_matrix",
    "rational_from_float",
    "format_rational",
    "common_denominator",
    "scale_to_integers",
    "scale_matrix_to_integers",
    "get_limits",
    "set_limits",
    "limits",
]


@dataclasses.dataclass(frozen=True)
class Limits:
    """Size limits on numbers entering through :func:`as_rational`.

    Attributes
    ----------
    max_digits:
        Most decimal digits allowed in a numerator or denominator (default 4,000: far beyond
        any real weight, far below what exhausts memory, and within Python's own limit on
        converting integers to and from text, which :func:`set_limits` raises along with it).
    max_exponent:
        Largest absolute decimal exponent accepted in ``"1e-3"``-style strings (default 10,000).
    """

    max_digits: int = 4_000
    max_exponent: int = 10_000

    @property
    def max_bits(self) -> int:
        """The bit length that corresponds to :attr:`max_digits` decimal digits."""
        return math.ceil(self.max_digits * math.log2(10)) + 1


_limits = Limits()


def get_limits() -> Limits:
    """The limits now in force."""
    return _limits


def set_limits(*, max_digits: int | None = None, max_exponent: int | None = None) -> Limits:
    """Change the limits for the rest of the process; returns the previous ones."""
    global _limits
    previous = _limits
    changes = {k: v for k, v in (("max_digits", max_digits), ("max_exponent", max_exponent)) if v is not None}
    for key, value in changes.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise NumberError(f"limit {key!r} must be a positive integer (got {value!r})")
    _limits = dataclasses.replace(_limits, **changes)
    # Python refuses int <-> str conversions beyond sys.get_int_max_str_digits(); keep it above ours.
    python_limit = sys.get_int_max_str_digits()
    if python_limit and python_limit < _limits.max_digits + 10:
        sys.set_int_max_str_digits(_limits.max_digits + 10)
    return previous


@contextlib.contextmanager
def limits(*, max_digits: int | None = None, max_exponent: int | None = None) -> Iterator[Limits]:
    """Context manager: raise or lower the limits inside a ``with`` block only.

    >>> from exactnets.rational import limits, as_rational
    >>> with limits(max_exponent=5_000, max_digits=5_000):
    ...     as_rational("1e4500") > 0
    True
    """
    previous = set_limits(max_digits=max_digits, max_exponent=max_exponent)
    try:
        yield _limits
    finally:
        set_limits(max_digits=previous.max_digits, max_exponent=previous.max_exponent)


_DECIMAL = re.compile(r"[+-]?(?:(?P<int>\d+)(?:\.(?P<frac>\d*))?|\.(?P<frac2>\d+))(?:[eE](?P<exp>[+-]?\d+))?")
_FRACTION = re.compile(r"(?P<num>[+-]?\d+)\s*/\s*(?P<den>[+-]?\d+)")
_SPECIAL = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def _describe(what: str) -> str:
    return f"{what}: " if what else ""


def _check_int_size(value: int, what: str) -> None:
    limit = _limits
    if value.bit_length() > limit.max_bits:
        raise NumberError(
            f"{_describe(what)}integer with about {int(value.bit_length() / math.log2(10))} digits exceeds the "
            f"limit of {limit.max_digits} digits; raise it with exactnets.rational.set_limits(max_digits=...) "
            f"if this size is intended"
        )


def _check_digit_string(digits: str, what: str) -> None:
    limit = _limits
    if len(digits.lstrip("+-").lstrip("0")) > limit.max_digits:
        raise NumberError(
            f"{_describe(what)}a number with {len(digits)} digits exceeds the limit of {limit.max_digits} "
            f"digits; raise it with exactnets.rational.set_limits(max_digits=...) if this size is intended"
        )


def _parse_string(text: str, what: str) -> Fraction:
    stripped = text.strip()
    if stripped.lower() in _SPECIAL:
        raise NumberError(f"{_describe(what)}{text!r} is not a finite number; exactnets works with exact rationals only")
    match = _FRACTION.fullmatch(stripped)
    if match:
        _check_digit_string(match["num"], what)
        _check_digit_string(match["den"], what)
        den = int(match["den"])
        if den == 0:
            raise NumberError(f"{_describe(what)}{text!r} has a zero denominator")
        return Fraction(int(match["num"]), den)
    match = _DECIMAL.fullmatch(stripped)
    if not match:
        raise NumberError(
            f"{_describe(what)}cannot read {text!r} as a number; write an integer ('3'), a decimal "
            f"('-0.125', '1e-3') or a fraction ('3/4')"
        )
    integer_part = match["int"] or ""
    fraction_part = match["frac"] or match["frac2"] or ""
    exp_text = match["exp"] or "0"
    if len(exp_text.lstrip("+-")) > 12 or abs(int(exp_text)) > _limits.max_exponent:
        raise NumberError(
            f"{_describe(what)}the exponent of {text[:40]!r} is beyond the limit of +-{_limits.max_exponent}; "
            f"raise it with exactnets.rational.set_limits(max_exponent=...) if this size is intended"
        )
    digits = integer_part + fraction_part
    _check_digit_string(digits, what)
    exponent = int(exp_text) - len(fraction_part)
    mantissa = int(digits) if digits else 0
    if stripped.startswith("-"):
        mantissa = -mantissa
    if mantissa == 0:
        return Fraction(0)
    # Digit counts after applying the exponent must also stay within the limits.
    if len(digits.lstrip("0")) + max(exponent, 0) > _limits.max_digits or -exponent > _limits.max_digits:
        raise NumberError(
            f"{_describe(what)}{text[:40]!r} would need more than {_limits.max_digits} digits exactly; "
            f"raise the limit with exactnets.rational.set_limits(max_digits=...) if this size is intended"
        )
    if exponent >= 0:
        return Fraction(mantissa * 10**exponent)
    return Fraction(mantissa, 10**-exponent)


def as_rational(value: object, *, what: str = "") -> Fraction:
    """Turn ``value`` into an exact :class:`~fractions.Fraction`, or explain why it cannot be.

    ``what`` names the value in error messages (``"weight [1][2]"``).

    >>> as_rational("-0.125"), as_rational("3/4"), as_rational(7), as_rational("1e-3")
    (Fraction(-1, 8), Fraction(3, 4), Fraction(7, 1), Fraction(1, 1000))
    >>> as_rational(0.1)
    Traceback (most recent call last):
    ...
    exactnets.errors.FloatRefusedError: got the float 0.1, which is not exact; pass the decimal as a string ('0.1') or, for the float's exact binary value, Fraction(0.1) (= 3602879701896397/36028797018963968)
    """
    if isinstance(value, Fraction):
        _check_int_size(value.numerator, what)
        _check_int_size(value.denominator, what)
        return value
    if isinstance(value, (bool, np.bool_)):
        raise NumberError(
            f"{_describe(what)}got the boolean {value!r}; pass 1 or 0 (or -1) as an integer if a number is meant"
        )
    if isinstance(value, numbers.Integral):
        as_int = int(value)
        _check_int_size(as_int, what)
        return Fraction(as_int)
    if isinstance(value, (float, np.floating)):
        as_float = float(value)
        if not math.isfinite(as_float):
            raise NumberError(f"{_describe(what)}{as_float!r} is not a finite number")
        exact = Fraction(as_float)
        raise FloatRefusedError(
            f"{_describe(what)}got the float {as_float!r}, which is not exact; pass the decimal as a string "
            f"('{as_float!r}') or, for the float's exact binary value, Fraction({as_float!r}) (= {format_rational(exact)})"
        )
    if isinstance(value, str):
        return _parse_string(value, what)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise NumberError(f"{_describe(what)}{value!r} is not a finite number")
        return _parse_string(str(value), what)
    if isinstance(value, numbers.Rational):  # e.g. flint.fmpq, sympy.Rational
        return as_rational(Fraction(int(value.numerator), int(value.denominator)), what=what)
    numerator = getattr(value, "numerator", None)  # flint.fmpq is not registered as numbers.Rational
    denominator = getattr(value, "denominator", None)
    if numerator is not None and denominator is not None and not callable(numerator):
        try:
            return as_rational(Fraction(int(numerator), int(denominator)), what=what)
        except (TypeError, ValueError):
            pass
    if hasattr(value, "p") and hasattr(value, "q"):  # flint.fmpq exposes p and q
        try:
            return as_rational(Fraction(int(value.p), int(value.q)), what=what)
        except (TypeError, ValueError):
            pass
    raise NumberError(
        f"{_describe(what)}cannot use {type(value).__name__} {value!r} as a number; pass an int, a Fraction, "
        f"or a string such as '3/4' or '-0.125'"
    )


def rational_from_float(value: float) -> Fraction:
    """The exact binary value of a float, on explicit request (ONNX and PyTorch weights).

    >>> rational_from_float(0.5), rational_from_float(0.1).denominator == 2**55
    (Fraction(1, 2), True)
    """
    as_float = float(value)
    if not math.isfinite(as_float):
        raise NumberError(f"{as_float!r} is not a finite number")
    return Fraction(as_float)


def as_rational_vector(values: Iterable[object], *, what: str = "vector") -> tuple[Fraction, ...]:
    """A tuple of exact rationals; errors name the index (``bias[2]``)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise NumberError(f"{what} must be a list of numbers (got {type(values).__name__} {values!r})")
    return tuple(as_rational(v, what=f"{what}[{i}]") for i, v in enumerate(values))


def as_rational_matrix(rows: Iterable[Iterable[object]], *, what: str = "matrix") -> tuple[tuple[Fraction, ...], ...]:
    """A tuple of rows of exact rationals; errors name the entry (``weights[1][2]``)."""
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise NumberError(f"{what} must be a list of rows (got {type(rows).__name__} {rows!r})")
    if isinstance(rows, np.ndarray) and rows.ndim != 2:
        raise NumberError(f"{what} must be 2-dimensional (got an array of shape {rows.shape})")
    return tuple(as_rational_vector(row, what=f"{what}[{i}]") for i, row in enumerate(rows))


def format_rational(value: Fraction | int) -> str:
    """``"p/q"``, or ``"p"`` for an integer: the form files and the command line print.

    >>> format_rational(Fraction(-3, 4)), format_rational(Fraction(5))
    ('-3/4', '5')
    """
    value = Fraction(value)
    try:
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    except ValueError:  # past Python's int-to-text digit limit: an exact result is still printed
        previous = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        try:
            return format_rational(value)
        finally:
            sys.set_int_max_str_digits(previous)


def common_denominator(values: Iterable[Fraction]) -> int:
    """The least common multiple of the denominators (1 for an empty input)."""
    denominator = 1
    for value in values:
        denominator = math.lcm(denominator, value.denominator)
    return denominator


def scale_to_integers(values: Sequence[Fraction]) -> tuple[list[int], int]:
    """Integers ``n_i`` and the least ``d > 0`` with ``values[i] == n_i / d``.

    >>> scale_to_integers([Fraction(1, 2), Fraction(-1, 3), Fraction(2)])
    ([3, -2, 12], 6)
    """
    denominator = common_denominator(values)
    return [v.numerator * (denominator // v.denominator) for v in values], denominator


def scale_matrix_to_integers(rows: Sequence[Sequence[Fraction]]) -> tuple[list[list[int]], int]:
    """A rational matrix as an integer matrix over one least common denominator.

    >>> scale_matrix_to_integers([[Fraction(1, 2), 1], [0, Fraction(3, 4)]])
    ([[2, 4], [0, 3]], 4)
    """
    rows = [[Fraction(v) for v in row] for row in rows]
    denominator = common_denominator(v for row in rows for v in row)
    return [[v.numerator * (denominator // v.denominator) for v in row] for row in rows], denominator
