"""Exact expectations under product distributions on ``{-1,1}^n``.

A product distribution is given by ``p = (p_0, ..., p_{n-1})`` with ``p_i = P[x_i = +1]``, each an
exact rational in ``[0, 1]`` entered through :func:`~exactnets.rational.as_rational` (so ``"0.6"``
and ``"3/5"`` work; a float is refused).  This is the setting of Malach & Shalev-Shwartz §4
(CLAIMS.md MS-Defs-Correlation): the bias ``E[y]`` and the correlations ``c = E[x_j y]``.

Each ``p_i = a_i / d_i`` is split into integers and the expectation is contracted one coordinate
at a time on integers (``int64`` while a proven bound allows, Python ints beyond), so the answer
is an exact :class:`~fractions.Fraction` and ``n = 20`` takes a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from exactnets.errors import InputError, ShapeError
from exactnets.rational import as_rational_vector
from exactnets.boolean.fourier import INT64_SAFE, FunctionLike, _check_coordinate, _max_abs, integer_values

__all__ = [
    "product_distribution_expectation",
    "bias",
    "correlation",
    "coordinate_correlation",
    "check_probabilities",
    "point_probabilities",
]


def check_probabilities(p: Sequence[object], n: int) -> tuple[Fraction, ...]:
    """``p`` as exact rationals after checking there are ``n`` of them, each in ``[0, 1]``."""
    if isinstance(p, (str, bytes)):
        raise InputError(f"p must be a sequence of n = {n} probabilities P[x_i = +1] (got the string {p!r})")
    probabilities = as_rational_vector(p, what="p")
    if len(probabilities) != n:
        raise ShapeError(f"p must give one probability P[x_i = +1] per coordinate: expected {n}, got {len(probabilities)}")
    for i, value in enumerate(probabilities):
        if not 0 <= value <= 1:
            raise InputError(f"p[{i}] = {value} is not a probability; expected a rational in [0, 1]")
    return probabilities


def _expectation(n: int, numerators: np.ndarray, denominator: int, probabilities: Sequence[Fraction]) -> Fraction:
    values = numerators
    bound = _max_abs(values)
    total_denominator = denominator
    use_objects = values.dtype == object
    # Contract the last coordinate first: it is the least significant bit of the index, so the
    # pairs (x_i = +1, x_i = -1) are adjacent entries.
    for i in range(n - 1, -1, -1):
        p = probabilities[i]
        a, d = p.numerator, p.denominator
        bound *= d
        total_denominator *= d
        if not use_objects and bound >= INT64_SAFE:
            converted = np.empty(len(values), dtype=object)
            converted[:] = values.tolist()
            values = converted
            use_objects = True
        pairs = values.reshape(-1, 2)
        values = a * pairs[:, 0] + (d - a) * pairs[:, 1]
    return Fraction(int(values[0]), total_denominator)


def product_distribution_expectation(f: FunctionLike, p: Sequence[object]) -> Fraction:
    """``E_p[f] = sum_x f(x) prod_i P_p[x_i]`` exactly, with ``p_i = P[x_i = +1]``.

    Parameters
    ----------
    f : TruthTable or sequence of rationals
        A Boolean function or the ``2^n`` values of a pseudo-Boolean function (point order).
    p : sequence of rationals
        ``n`` probabilities in ``[0, 1]`` (anything ``as_rational`` accepts: ``"3/5"``, ``"0.6"``).

    Examples
    --------
    >>> from exactnets.boolean import and_, parity
    >>> product_distribution_expectation(and_(2), ["1/2", "1/2"])
    Fraction(-1, 2)
    >>> product_distribution_expectation(parity(2), ["0.6", "3/4"])
    Fraction(1, 10)
    """
    n, numerators, denominator = integer_values(f)
    return _expectation(n, numerators, denominator, check_probabilities(p, n))


def bias(f: FunctionLike, p: Sequence[object]) -> Fraction:
    """The bias ``E_p[f]`` (MS's ``E_D[y]`` when ``y = f(x)``); same as the expectation.

    >>> from exactnets.boolean import or_
    >>> bias(or_(2), ["1/3", "1/3"])  # P[OR = -1] = (2/3)^2
    Fraction(1, 9)
    """
    return product_distribution_expectation(f, p)


def correlation(f: FunctionLike, g: FunctionLike, p: Sequence[object]) -> Fraction:
    """The correlation ``E_p[f(x) g(x)]`` of two functions on the same cube.

    >>> from exactnets.boolean import parity, TruthTable
    >>> x0 = TruthTable.from_function(2, lambda x: x[0])
    >>> correlation(parity(2), x0, ["0.6", "0.9"])
    Fraction(4, 5)
    """
    n, f_numerators, f_denominator = integer_values(f)
    m, g_numerators, g_denominator = integer_values(g)
    if n != m:
        raise ShapeError(f"correlation needs two functions on the same cube (got n = {n} and n = {m})")
    probabilities = check_probabilities(p, n)
    if f_numerators.dtype != object and g_numerators.dtype != object and \
            _max_abs(f_numerators) * _max_abs(g_numerators) < INT64_SAFE:
        product = f_numerators * g_numerators
    else:
        product = np.empty(len(f_numerators), dtype=object)
        product[:] = [int(a) * int(b) for a, b in zip(f_numerators.tolist(), g_numerators.tolist())]
    return _expectation(n, product, f_denominator * g_denominator, probabilities)


def coordinate_correlation(f: FunctionLike, i: int, p: Sequence[object]) -> Fraction:
    """``E_p[f(x) x_i]`` for a 0-based coordinate ``i`` (MS's ``c = E[x_j y]``).

    >>> from exactnets.boolean import and_
    >>> coordinate_correlation(and_(2), 0, ["1/2", "1/2"])
    Fraction(1, 2)
    """
    n, numerators, denominator = integer_values(f)
    i = _check_coordinate(n, i)
    probabilities = check_probabilities(p, n)
    sign = np.ones((2**i, 2, 2 ** (n - 1 - i)), dtype=np.int64)
    sign[:, 1, :] = -1
    sign = sign.reshape(-1)
    if numerators.dtype == object:
        product = numerators * sign.astype(object)
    else:
        product = numerators * sign
    return _expectation(n, product, denominator, probabilities)


def point_probabilities(p: Sequence[object]) -> tuple[Fraction, ...]:
    """``P_p[x]`` for every point ``x`` of ``{-1,1}^n`` in THE cube order, exactly.

    ``p_i = P[x_i = +1]``; point index ``i`` has bits ``z`` (most significant first) and
    ``x_j = 1 - 2 z_j``.  Built one coordinate at a time (``2^(n+1)`` products), so ``n = 16``
    is fast; the probabilities sum to exactly 1.

    >>> point_probabilities(["3/5", "1/2"])
    (Fraction(3, 10), Fraction(3, 10), Fraction(1, 5), Fraction(1, 5))
    """
    values = p if isinstance(p, (str, bytes)) else list(p)  # a string is refused with the usual message
    probabilities = check_probabilities(values, 0 if isinstance(values, (str, bytes)) else len(values))
    table = [Fraction(1)]
    for q in probabilities:
        # Appending a coordinate makes it the least significant bit: +1 (bit 0) first.
        table = [t * w for t in table for w in (q, 1 - q)]
    return tuple(table)
