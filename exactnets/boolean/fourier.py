"""Exact Fourier analysis on ``{-1,1}^n``: Walsh–Hadamard transform, degree, influences.

Every function here accepts either a :class:`~exactnets.boolean.TruthTable` or a *pseudo-Boolean*
function ``f: {-1,1}^n -> Q`` given as a sequence of ``2^n`` exact rationals in the index order of
:mod:`exactnets.domains` (anything :func:`~exactnets.rational.as_rational` accepts; a numpy
integer array is taken as is).  Rational values are scaled to integers over their least common
denominator and every transform runs on integers, so every answer is exact.

Fourier coefficients are ``f^(S) = 2^-n sum_x f(x) chi_S(x)`` with ``chi_S(x) = prod_{i in S} x_i``
(the convention of Mukherjee & Basu, Lemma 2.1; CLAIMS.md MB-Lemma2.1).  A set ``S`` is stored
at the index whose bits mark its members **in the same MSB-first order as points**: coordinate
``j`` (0-based) is bit ``n - 1 - j`` of the mask.  So for ``n = 3`` the mask of ``{0}`` is
``0b100 = 4`` and that of ``{2}`` is ``0b001 = 1``.

The transform runs in place on ``int64`` when a bound proves that no sum can overflow
(``max|value| * 2^n < 2^62``), and on arrays of Python integers otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from exactnets.errors import InputError, ShapeError
from exactnets.rational import as_rational_vector, scale_to_integers
from exactnets.boolean.truth_table import TruthTable, check_dimension

__all__ = [
    "integer_values",
    "walsh_hadamard",
    "fourier_coefficients",
    "fourier_coefficients_int",
    "inverse_fourier",
    "fourier_degree",
    "influence",
    "influences",
    "total_influence",
    "set_mask",
    "mask_set",
]

#: Integers are kept in int64 only while a proven bound stays below this.
INT64_SAFE = 2**62

FunctionLike = TruthTable | Sequence[object] | np.ndarray


def _dimension_of_length(length: int, what: str) -> int:
    if length == 0 or length & (length - 1):
        raise ShapeError(f"{what} must have 2^n entries for some n >= 0 (got {length} entries, not a power of 2)")
    return check_dimension(length.bit_length() - 1, what=f"{what}: n")


def _max_abs(array: np.ndarray) -> int:
    if len(array) == 0:
        return 0
    if array.dtype == object:
        return max(abs(int(v)) for v in array)
    return int(np.max(np.abs(array.astype(np.int64))))


def _integer_array(numbers: Sequence[int] | np.ndarray, headroom: int) -> np.ndarray:
    """``numbers`` as int64 if ``max|number| * headroom < 2^62``, else as Python ints (object)."""
    array = numbers if isinstance(numbers, np.ndarray) else None
    if array is not None and array.dtype.kind in "iu" and array.dtype != np.uint64:
        if _max_abs(array) * headroom < INT64_SAFE:
            return array.astype(np.int64, copy=True)
        out = np.empty(len(array), dtype=object)
        out[:] = [int(v) for v in array]
        return out
    values = [int(v) for v in numbers]
    if max((abs(v) for v in values), default=0) * headroom < INT64_SAFE:
        return np.array(values, dtype=np.int64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def integer_values(f: FunctionLike) -> tuple[int, np.ndarray, int]:
    """``(n, numerators, denominator)`` with ``f(x_i) = numerators[i] / denominator``.

    The numerators are a new ``int64`` array, or an ``object`` array of Python ints when they are
    too large for ``int64``; the denominator is the least common one (1 for a truth table).

    >>> from fractions import Fraction
    >>> n, nums, den = integer_values(["1/2", 0, Fraction(-1, 3), 2])
    >>> n, nums.tolist(), den
    (2, [3, 0, -2, 12], 6)
    """
    if isinstance(f, TruthTable):
        return f.n, f.values.astype(np.int64), 1
    if isinstance(f, np.ndarray):
        if f.ndim != 1:
            raise ShapeError(f"a function's values must be one-dimensional (got an array of shape {f.shape})")
        if f.dtype.kind in "iu":
            n = _dimension_of_length(len(f), "function values")
            return n, _integer_array(f, 1), 1
        if f.dtype.kind == "b":
            raise InputError("function values: got a boolean array; pass integers or exact rationals")
    if isinstance(f, (str, bytes)):
        raise InputError(f"a function must be a TruthTable or a sequence of 2^n rationals (got the string {f!r})")
    try:
        rationals = as_rational_vector(f, what="function values")
    except TypeError as error:  # a FloatRefusedError is also a TypeError: re-raise it unchanged
        if isinstance(error, InputError):
            raise
        raise InputError(f"a function must be a TruthTable or a sequence of 2^n rationals (got {type(f).__name__})") from None
    n = _dimension_of_length(len(rationals), "function values")
    numerators, denominator = scale_to_integers(rationals)
    return n, _integer_array(numerators, 1), denominator


def _transform_in_place(array: np.ndarray, n: int) -> np.ndarray:
    """Unnormalised Walsh–Hadamard butterflies on a 1-D array of length ``2^n`` (in place)."""
    half = 1
    while half < len(array):
        blocks = array.reshape(-1, 2, half)
        first = blocks[:, 0, :].copy()
        blocks[:, 0, :] += blocks[:, 1, :]
        blocks[:, 1, :] = first - blocks[:, 1, :]
        half *= 2
    return array


def walsh_hadamard(values: Sequence[int] | np.ndarray) -> np.ndarray:
    """The unnormalised transform ``W[S] = sum_x v[x] chi_S(x)`` of integers ``v`` (exact).

    ``values`` has ``2^n`` integer entries in point order; ``W`` is indexed by set masks in the
    same MSB-first order.  The result is ``int64`` when ``max|v| * 2^n < 2^62`` (so no partial
    sum can overflow) and an ``object`` array of Python ints otherwise.  Applying the transform
    twice multiplies by ``2^n``.

    Examples
    --------
    >>> walsh_hadamard([1, -1, -1, 1]).tolist()
    [0, 0, 0, 4]
    >>> walsh_hadamard([2**62, 0]).tolist()
    [4611686018427387904, 4611686018427387904]
    """
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ShapeError(f"walsh_hadamard needs a one-dimensional array (got shape {values.shape})")
        if values.dtype.kind not in "iuO":
            raise InputError(
                f"walsh_hadamard needs integers (got dtype {values.dtype}); for rationals use fourier_coefficients"
            )
    else:
        values = list(values)
        for i, v in enumerate(values):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                raise InputError(
                    f"walsh_hadamard needs integers; entry {i} is {type(v).__name__} {v!r} "
                    f"(for rationals use fourier_coefficients)"
                )
    n = _dimension_of_length(len(values), "walsh_hadamard input")
    if isinstance(values, np.ndarray) and values.dtype == object:
        for i, v in enumerate(values):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                raise InputError(f"walsh_hadamard needs integers; entry {i} is {type(v).__name__} {v!r}")
    array = _integer_array(values, 2**n)
    return _transform_in_place(array, n)


def _fractions(numerators: np.ndarray, denominator: int) -> tuple[Fraction, ...]:
    """``tuple(Fraction(v, denominator) for v in numerators)``, building each distinct value once."""
    if len(numerators) == 0:
        return ()
    distinct, positions = np.unique(numerators, return_inverse=True)
    table = np.empty(len(distinct), dtype=object)
    table[:] = [Fraction(int(v), denominator) for v in distinct.tolist()]
    return tuple(table[positions.reshape(-1)].tolist())


def fourier_coefficients_int(f: FunctionLike) -> tuple[np.ndarray, int]:
    """Fourier coefficients as ``(integers, denominator)``: ``f^(S) = integers[S] / denominator``.

    For a truth table the denominator is ``2^n``; for rational values it is ``D * 2^n`` with ``D``
    the least common denominator of the values.  The fraction is not reduced.  This is the fast
    path (``n = 20`` takes well under a second).

    Examples
    --------
    >>> from exactnets.boolean import majority
    >>> coefficients, denominator = fourier_coefficients_int(majority(3))
    >>> coefficients.tolist(), denominator
    ([0, 4, 4, 0, 4, 0, 0, -4], 8)
    """
    n, numerators, denominator = integer_values(f)
    return _transform_in_place(_integer_array(numerators, 2**n), n), denominator * 2**n


def fourier_coefficients(f: FunctionLike) -> tuple[Fraction, ...]:
    """The exact Fourier coefficients ``f^(S)``, indexed by the MSB-first mask of ``S``.

    Parameters
    ----------
    f : TruthTable or sequence of rationals
        A Boolean function, or the ``2^n`` values of a pseudo-Boolean function.

    Returns
    -------
    tuple of Fraction
        Entry ``mask`` is ``f^(S) = 2^-n sum_x f(x) chi_S(x)`` where coordinate ``j`` belongs to
        ``S`` iff bit ``n - 1 - j`` of ``mask`` is set.

    Examples
    --------
    >>> from exactnets.boolean import and_
    >>> [str(c) for c in fourier_coefficients(and_(2))]
    ['-1/2', '1/2', '1/2', '1/2']
    >>> fourier_coefficients(["1/2", "1/2", 0, 1])
    (Fraction(1, 2), Fraction(-1, 4), Fraction(0, 1), Fraction(1, 4))
    """
    coefficients, denominator = fourier_coefficients_int(f)
    return _fractions(coefficients, denominator)


def inverse_fourier(coefficients: Sequence[object] | np.ndarray) -> tuple[Fraction, ...]:
    """The values ``f(x) = sum_S c_S chi_S(x)`` from coefficients indexed by MSB-first masks.

    Exact inverse of :func:`fourier_coefficients`; a Boolean function's values come back as
    ``Fraction(+-1)`` (pass them to ``TruthTable.from_values`` for a table).

    Examples
    --------
    >>> from exactnets.boolean import parity
    >>> [int(v) for v in inverse_fourier(fourier_coefficients(parity(2)))]
    [1, -1, -1, 1]
    >>> inverse_fourier(["1/2", "1/2"])
    (Fraction(1, 1), Fraction(0, 1))
    """
    n, numerators, denominator = integer_values(coefficients)
    return _fractions(walsh_hadamard(numerators), denominator)


def _popcounts(n: int) -> np.ndarray:
    masks = np.arange(2**n, dtype=np.uint64)
    return np.bitwise_count(masks).astype(np.int64)


def set_mask(n: int, subset: object) -> int:
    """The MSB-first mask of a set of 0-based coordinates: ``j`` is bit ``n - 1 - j``.

    >>> set_mask(3, {0}), set_mask(3, {2}), set_mask(3, {0, 1, 2})
    (4, 1, 7)
    """
    n = check_dimension(n)
    mask = 0
    for j in subset:
        if isinstance(j, (bool, np.bool_)) or not isinstance(j, (int, np.integer)) or not 0 <= int(j) < n:
            raise InputError(f"set element {j!r} is not a coordinate index in 0..{n - 1}")
        mask |= 1 << (n - 1 - int(j))
    return mask


def mask_set(n: int, mask: int) -> frozenset[int]:
    """The set of 0-based coordinates marked by ``mask`` (inverse of :func:`set_mask`).

    >>> sorted(mask_set(3, 5))
    [0, 2]
    """
    n = check_dimension(n)
    if not 0 <= mask < 2**n:
        raise InputError(f"mask {mask} is out of range 0..{2**n - 1}")
    return frozenset(j for j in range(n) if mask >> (n - 1 - j) & 1)


def fourier_degree(f: FunctionLike) -> int:
    """The largest ``|S|`` with ``f^(S) != 0`` (``-1`` for the zero function).

    >>> from exactnets.boolean import parity, majority, and_
    >>> fourier_degree(parity(4)), fourier_degree(majority(3)), fourier_degree(and_(3))
    (4, 3, 3)
    >>> fourier_degree([0, 0]), fourier_degree([5, 5])
    (-1, 0)
    """
    coefficients, _ = fourier_coefficients_int(f)
    n = len(coefficients).bit_length() - 1
    nonzero = coefficients != 0
    if not np.any(nonzero):
        return -1
    return int(np.max(_popcounts(n)[nonzero.astype(bool)]))


def _check_coordinate(n: int, i: object) -> int:
    if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) or not 0 <= int(i) < n:
        raise InputError(f"coordinate {i!r} is not an index in 0..{n - 1}")
    return int(i)


def _pairs(values: np.ndarray, n: int, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Values at the points with ``x_i = +1`` and, aligned, with ``x_i = -1``."""
    blocks = values.reshape(2**i, 2, 2 ** (n - 1 - i))
    return blocks[:, 0, :], blocks[:, 1, :]


def _influence(n: int, numerators: np.ndarray, denominator: int, i: int, boolean: bool) -> Fraction:
    plus, minus = _pairs(numerators, n, i)
    if boolean:
        # Definition: P_x[f(x) != f(x with coordinate i flipped)]; each differing pair holds 2 of
        # the 2^n points.
        return Fraction(int(np.count_nonzero(plus != minus)), 2 ** (n - 1))
    # Pseudo-Boolean definition: E_x[(D_i f)(x)^2] with D_i f = (f(x^{i->+1}) - f(x^{i->-1})) / 2.
    if numerators.dtype == object or 4 * _max_abs(numerators) ** 2 * 2 ** (n - 1) >= INT64_SAFE:
        difference = (plus.astype(object) - minus.astype(object)).reshape(-1)
        total = sum(int(d) * int(d) for d in difference)
    else:
        difference = (plus - minus).reshape(-1)
        total = int(np.dot(difference, difference))
    return Fraction(total, 4 * denominator**2 * 2 ** (n - 1))


def influence(f: FunctionLike, i: int) -> Fraction:
    """The influence of coordinate ``i`` (0-based) on ``f``, exactly.

    For a truth table this is, by definition, ``P_x[f(x) != f(x^(i))]`` under the uniform
    distribution, ``x^(i)`` being ``x`` with coordinate ``i`` flipped.  For a pseudo-Boolean
    function it is ``E_x[(D_i f)(x)^2]`` with ``D_i f(x) = (f(x^{i<-1}) - f(x^{i<-(-1)})) / 2``;
    the two agree on Boolean functions, and both equal ``sum_{S contains i} f^(S)^2``.

    Examples
    --------
    >>> from exactnets.boolean import majority
    >>> influence(majority(3), 0)
    Fraction(1, 2)
    >>> influence(["1/2", 0, 0, 0], 1)  # f = (1 + x_0 + x_1 + x_0 x_1) / 8
    Fraction(1, 32)
    """
    n, numerators, denominator = integer_values(f)
    i = _check_coordinate(n, i)
    return _influence(n, numerators, denominator, i, isinstance(f, TruthTable))


def influences(f: FunctionLike) -> tuple[Fraction, ...]:
    """``(Inf_0(f), ..., Inf_{n-1}(f))``, exactly; see :func:`influence`.

    >>> from exactnets.boolean import and_
    >>> influences(and_(2))
    (Fraction(1, 2), Fraction(1, 2))
    """
    n, numerators, denominator = integer_values(f)
    boolean = isinstance(f, TruthTable)
    return tuple(_influence(n, numerators, denominator, i, boolean) for i in range(n))


def total_influence(f: FunctionLike) -> Fraction:
    """The total influence (average sensitivity) ``sum_i Inf_i(f)``.

    >>> from exactnets.boolean import parity
    >>> total_influence(parity(5))
    Fraction(5, 1)
    """
    return sum(influences(f), Fraction(0))
