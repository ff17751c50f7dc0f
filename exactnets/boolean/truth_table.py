"""Truth tables of Boolean functions ``f: {-1,1}^n -> {-1,1}``.

A :class:`TruthTable` stores the ``2^n`` values of ``f`` as a read-only ``int8`` array in THE
index order of :mod:`exactnets.domains`: entry ``i`` is ``f(x)`` where the bits ``z_1 ... z_n``
of ``i`` (most significant first) give ``x_j = (-1)^{z_j} = 1 - 2 z_j``.  Index 0 is the all
``+1`` point and index ``2^n - 1`` the all ``-1`` point.

Functions written on ``{0,1}`` enter through :meth:`TruthTable.from_bit_function`, which uses the
same rule for the output as for the inputs: an output bit ``o`` is stored as ``(-1)^o = 1 - 2o``
(so bit 0 becomes ``+1`` and bit 1 becomes ``-1``).

Because the order is most-significant-bit first, splitting the coordinates into the first ``k``
and the last ``n - k`` is a plain reshape: :func:`communication_matrix`.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
import numpy as np

from exactnets.domains import MAX_CUBE_DIM, cube_points
from exactnets.errors import FloatRefusedError, InputError, ShapeError
from exactnets.rational import as_rational

__all__ = ["TruthTable", "communication_matrix", "check_dimension", "point_index"]


def check_dimension(n: object, *, what: str = "n", maximum: int = MAX_CUBE_DIM) -> int:
    """``n`` as an int, after checking that it is an integer in ``0 .. maximum``."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        raise InputError(f"{what} must be a non-negative integer (got {type(n).__name__} {n!r})")
    n = int(n)
    if n < 0:
        raise InputError(f"{what} must be a non-negative integer (got {n})")
    if n > maximum:
        raise InputError(
            f"{what} = {n} is too large: a truth table on {n} variables has 2^{n} entries; "
            f"exactnets enumerates cubes of dimension at most {maximum}"
        )
    return n


def _pm1_entry(value: object, what: str) -> int:
    """One value that must be exactly -1 or +1 (an int, a numpy int, or an exact rational)."""
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{what}: got the boolean {value!r}; a truth-table entry must be the integer -1 or +1")
    number = as_rational(value, what=what)
    if number == 1:
        return 1
    if number == -1:
        return -1
    raise InputError(f"{what}: a truth-table entry must be -1 or +1 (got {value!r})")


def _pm1_array(values: object, what: str = "values") -> np.ndarray:
    """A 1-D int8 array of entries in {-1, +1}, validated; raises InputError otherwise."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Iterable, np.ndarray)):
        raise InputError(f"{what} must be a sequence of -1/+1 entries (got {type(values).__name__} {values!r})")
    if isinstance(values, np.ndarray):
        array = values
    else:
        items = list(values)
        if not items:
            return np.zeros(0, dtype=np.int8)
        if any(isinstance(v, (bool, np.bool_)) for v in items):
            index = next(i for i, v in enumerate(items) if isinstance(v, (bool, np.bool_)))
            raise InputError(f"{what}[{index}]: got a boolean; a truth-table entry must be the integer -1 or +1")
        try:
            array = np.asarray(items)
        except (ValueError, TypeError):
            array = np.empty(len(items), dtype=object)
            array[:] = items
        if array.ndim != 1:  # ragged or nested input: check entry by entry
            array = np.empty(len(items), dtype=object)
            array[:] = items
    if array.ndim != 1:
        raise ShapeError(f"{what} must be one-dimensional (got an array of shape {array.shape})")
    kind = array.dtype.kind
    if kind == "b":
        raise InputError(
            f"{what} is a boolean array; pass -1/+1 integers (for 0/1 bits use 1 - 2*bits, "
            f"or TruthTable.from_bit_function)"
        )
    if kind in "iu":
        good = (array == 1) | (array == -1)
        if not np.all(good):
            index = int(np.argmin(good))
            raise InputError(f"{what}[{index}]: a truth-table entry must be -1 or +1 (got {array[index].item()!r})")
        return array.astype(np.int8)
    if kind == "f" or kind == "c":
        raise FloatRefusedError(
            f"{what} holds floats (dtype {array.dtype}); exactnets never reads floats: pass -1/+1 integers"
        )
    return np.fromiter((_pm1_entry(v, f"{what}[{i}]") for i, v in enumerate(array)), dtype=np.int8, count=len(array))


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=np.int8, copy=True)
    array.flags.writeable = False
    return array


def point_index(n: int, x: Sequence[object]) -> int:
    """The index of the ``{-1,1}^n`` point ``x`` in the documented order (MSB first).

    >>> point_index(3, (1, 1, -1)), point_index(3, (-1, 1, 1))
    (1, 4)
    """
    if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
        raise InputError(f"a point must be a sequence of {n} entries -1/+1 (got {type(x).__name__} {x!r})")
    point = tuple(x)
    if len(point) != n:
        raise ShapeError(f"a point of {{-1,1}}^{n} needs {n} coordinates (got {len(point)})")
    index = 0
    for j, coordinate in enumerate(point):
        bit = 0 if _pm1_entry(coordinate, f"x[{j}]") == 1 else 1
        index = (index << 1) | bit
    return index


@dataclasses.dataclass(frozen=True, eq=False, init=False, repr=False)
class TruthTable:
    """A Boolean function ``f: {-1,1}^n -> {-1,1}`` as its table of ``2^n`` values.

    Parameters
    ----------
    n : int
        Number of variables, ``0 <= n <= 30``.
    values : sequence of int
        The ``2^n`` values, each exactly ``-1`` or ``+1``, in the index order of
        :mod:`exactnets.domains` (entry ``i`` is ``f`` at ``x_j = 1 - 2 z_j``, ``z`` the bits of
        ``i``, most significant first).  Stored as a read-only ``int8`` array.

    Notes
    -----
    The value is immutable and hashable; two tables are equal when ``n`` and every value agree.

    Examples
    --------
    >>> f = TruthTable.from_function(2, lambda x: x[0] * x[1])
    >>> f.values.tolist()
    [1, -1, -1, 1]
    >>> f((1, -1)), f.value((-1, -1))
    (-1, 1)
    >>> f.restrict({0: -1}).values.tolist()
    [-1, 1]
    >>> TruthTable(2, [1, 0, 1, 1])
    Traceback (most recent call last):
    ...
    exactnets.errors.InputError: values[1]: a truth-table entry must be -1 or +1 (got 0)
    """

    n: int
    values: np.ndarray

    def __init__(self, n: int, values: object):
        n = check_dimension(n)
        array = _pm1_array(values)
        if len(array) != 2**n:
            raise ShapeError(f"a truth table on {n} variables needs 2^{n} = {2**n} values (got {len(array)})")
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "values", _frozen(array))

    def __reduce__(self):
        return (TruthTable, (self.n, self.values.tolist()))

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def from_values(cls, values: object) -> "TruthTable":
        """The table with these ``2^n`` values (``n`` is read off the length).

        >>> TruthTable.from_values([1, -1, -1, -1]).n
        2
        """
        array = _pm1_array(values)
        length = len(array)
        if length == 0 or length & (length - 1):
            raise ShapeError(f"a truth table has 2^n values for some n >= 0; {length} is not a power of 2")
        return cls(length.bit_length() - 1, array)

    @classmethod
    def from_function(cls, n: int, f: Callable[[tuple[int, ...]], object]) -> "TruthTable":
        """Tabulate ``f``, called once per point with a tuple of ``n`` entries ``-1``/``+1``.

        ``f`` must return exactly ``-1`` or ``+1`` (an int or an exact rational).

        >>> TruthTable.from_function(2, lambda x: 1 if x[0] == 1 or x[1] == 1 else -1).values.tolist()
        [1, 1, 1, -1]
        """
        n = check_dimension(n)
        if not callable(f):
            raise InputError(f"f must be a function of a tuple of -1/+1 entries (got {type(f).__name__})")
        points = cube_points(n).tolist()
        values = [_pm1_entry(f(tuple(point)), f"f{tuple(point)}") for point in points]
        return cls(n, np.array(values, dtype=np.int8))

    @classmethod
    def from_bit_function(cls, n: int, g: Callable[[tuple[int, ...]], object]) -> "TruthTable":
        """Tabulate a function on ``{0,1}^n`` with output in ``{0,1}``.

        ``g`` is called with the bits ``z`` (a tuple of 0/1 ints) of each point; the point is
        ``x = 1 - 2z`` and the output bit ``o`` is stored as ``(-1)^o = 1 - 2o``, the same rule
        as for inputs.  ``g`` may return 0/1 ints or ``False``/``True``.

        >>> TruthTable.from_bit_function(2, lambda z: z[0] & z[1]).values.tolist()
        [1, 1, 1, -1]
        """
        n = check_dimension(n)
        if not callable(g):
            raise InputError(f"g must be a function of a tuple of 0/1 bits (got {type(g).__name__})")
        points = cube_points(n, "01").tolist()
        values = []
        for point in points:
            bit = g(tuple(point))
            if isinstance(bit, (bool, np.bool_)):
                bit = int(bit)
            if isinstance(bit, numbers.Integral) and int(bit) in (0, 1):
                values.append(1 - 2 * int(bit))
            else:
                raise InputError(f"g{tuple(point)} must return the bit 0 or 1 (got {bit!r})")
        return cls(n, np.array(values, dtype=np.int8))

    @classmethod
    def from_output_bits(cls, bits: object) -> "TruthTable":
        """The table whose output bits, in index order, are ``bits`` (0/1); stored as ``1 - 2o``.

        >>> TruthTable.from_output_bits([0, 1, 1, 0]).values.tolist()
        [1, -1, -1, 1]
        """
        array = np.asarray(bits)
        if array.ndim != 1 or array.dtype.kind not in "iub":
            raise InputError("output bits must be a one-dimensional sequence of 0/1 integers")
        array = array.astype(np.int64)
        if not np.all((array == 0) | (array == 1)):
            raise InputError("output bits must be 0 or 1")
        return cls.from_values(1 - 2 * array)

    # -- access -------------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """The number of points, ``2^n``."""
        return 2**self.n

    def value(self, x: Sequence[object]) -> int:
        """``f(x)`` at a point ``x`` of ``{-1,1}^n`` (a sequence of ``n`` entries ``-1``/``+1``)."""
        return int(self.values[point_index(self.n, x)])

    def __call__(self, x: Sequence[object]) -> int:
        return self.value(x)

    def as_bits(self) -> np.ndarray:
        """The output bits ``o = (1 - f(x)) / 2`` as a new ``uint8`` 0/1 array (index order)."""
        return ((1 - self.values.astype(np.int16)) // 2).astype(np.uint8)

    # -- operations ---------------------------------------------------------------------------
    def negate(self) -> "TruthTable":
        """The function ``-f``."""
        return TruthTable(self.n, -self.values)

    def __neg__(self) -> "TruthTable":
        return self.negate()

    def __mul__(self, other: "TruthTable") -> "TruthTable":
        """The pointwise product ``f g`` (XOR of the output bits); both on the same ``n``."""
        if not isinstance(other, TruthTable):
            return NotImplemented
        if other.n != self.n:
            raise ShapeError(f"cannot multiply truth tables on {self.n} and {other.n} variables")
        return TruthTable(self.n, self.values * other.values)

    def restrict(self, fixed: Mapping[int, object]) -> "TruthTable":
        """Fix some coordinates; the result reads the remaining ones in their old order.

        Parameters
        ----------
        fixed : mapping of int to int
            0-based coordinate index ``j`` to the value ``x_j`` in ``{-1, +1}``.

        Examples
        --------
        >>> f = TruthTable.from_function(3, lambda x: x[0] if x[1] == 1 else x[2])
        >>> f.restrict({1: -1}) == TruthTable.from_function(2, lambda x: x[1])
        True
        """
        if not isinstance(fixed, Mapping):
            raise InputError(f"fixed must be a mapping from coordinate index to -1/+1 (got {type(fixed).__name__})")
        index: list[object] = [slice(None)] * self.n
        for key, value in fixed.items():
            if isinstance(key, (bool, np.bool_)) or not isinstance(key, numbers.Integral) or not 0 <= int(key) < self.n:
                raise InputError(f"restrict: coordinate {key!r} is not an index in 0..{self.n - 1}")
            index[int(key)] = 0 if _pm1_entry(value, f"restrict: value of x[{key}]") == 1 else 1
        cube = self.values.reshape((2,) * self.n) if self.n else self.values.reshape(())
        remaining = self.n - len(fixed)
        return TruthTable(remaining, np.asarray(cube[tuple(index)]).reshape(-1))

    # -- value semantics ----------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TruthTable):
            return NotImplemented
        return self.n == other.n and bool(np.array_equal(self.values, other.values))

    def __hash__(self) -> int:
        return hash((self.n, self.values.tobytes()))

    def __repr__(self) -> str:
        if self.n <= 4:
            return f"TruthTable(n={self.n}, values={self.values.tolist()})"
        ones = int(np.count_nonzero(self.values == 1))
        return f"TruthTable(n={self.n}, {ones} of {self.size} values +1)"


def communication_matrix(table: TruthTable, k: int) -> np.ndarray:
    """The ``2^k x 2^(n-k)`` matrix ``M[a, b] = f(a, b)`` of the split after ``k`` coordinates.

    Row ``a`` indexes the first ``k`` coordinates and column ``b`` the last ``n - k``, each in the
    documented MSB-first order, so ``M`` is a reshape of the table.  Returns a read-only
    ``int8`` array.

    Examples
    --------
    >>> from exactnets.boolean import inner_product_mod2
    >>> communication_matrix(inner_product_mod2(1), 1).tolist()
    [[1, 1], [1, -1]]
    """
    if not isinstance(table, TruthTable):
        raise InputError(f"communication_matrix needs a TruthTable (got {type(table).__name__})")
    k = check_dimension(k, what="k")
    if k > table.n:
        raise InputError(f"k must be between 0 and n = {table.n} (got {k})")
    matrix = table.values.reshape(2**k, 2 ** (table.n - k))
    matrix = np.array(matrix, dtype=np.int8, copy=True)
    matrix.flags.writeable = False
    return matrix
