"""The named Boolean functions of the seed papers, as truth tables.

Every function returns a :class:`~exactnets.boolean.TruthTable` on ``{-1,1}^n`` in the index order
of :mod:`exactnets.domains` (point ``i`` has bits ``z`` = binary digits of ``i``, most significant
first, and ``x_j = 1 - 2 z_j``).  Two encodings of "true" occur in the papers and both are kept
exactly as the papers use them; each docstring says which one applies:

* **the +-1 convention of Malach & Shalev-Shwartz** (MS, §3): ``+1`` is true and ``-1`` is false.
  ``AND`` is ``+1`` iff every input is ``+1``; ``OR`` is ``-1`` iff every input is ``-1``.
* **the bit rule** for functions defined on ``{0,1}`` (Andreev, inner product, disjointness): the
  input bit ``z`` is the point ``x = 1 - 2z`` and the output bit ``o`` is stored as
  ``(-1)^o = 1 - 2o``.  So a bit function's value 1 (true) is stored as ``-1``.

Tables are built with numpy over all points at once (from the point indices or from
:func:`~exactnets.domains.cube_bits`); the obviously-correct pointwise definitions live in the tests.  Sizes are limited by the table: at most 30 variables, and memory grows as
``n 2^n`` bytes while building, so ``n <= 24`` is practical.
"""

from __future__ import annotations

import numpy as np

from exactnets.domains import cube_bits
from exactnets.errors import InputError
from exactnets.boolean.truth_table import TruthTable, check_dimension

__all__ = [
    "parity",
    "majority",
    "and_",
    "or_",
    "inner_product_mod2",
    "disjointness",
    "odd_max_bit",
    "andreev",
    "andreev_parameters",
    "andreev_bit",
    "arkadev_nikhil",
    "razborov_sherstov",
]


def _table_from_pm1(n: int, values: np.ndarray) -> TruthTable:
    return TruthTable(n, values.astype(np.int8))


def _table_from_output_bits(n: int, bits: np.ndarray) -> TruthTable:
    return TruthTable(n, (1 - 2 * bits.astype(np.int8)).astype(np.int8))


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or int(value) < 1:
        raise InputError(f"{what} must be a positive integer (got {value!r})")
    return int(value)


def _popcounts(n: int) -> np.ndarray:
    """The number of 1 bits ``z_1 + ... + z_n`` of every point, as int64 (point order)."""
    return np.bitwise_count(np.arange(2**n, dtype=np.int64)).astype(np.int64)


def _pm1_points(n: int) -> np.ndarray:
    return 1 - 2 * cube_bits(n).astype(np.int8)


def parity(n: int) -> TruthTable:
    """PARITY (XOR) on ``n`` inputs in ``+-1``: ``prod_i x_i``.

    Equivalently ``(-1)^(z_1 + ... + z_n)`` for the bits ``x = 1 - 2z``, so the +-1 product is the
    XOR of the bits under the bit rule.  ``parity(0)`` is the constant ``+1`` (empty product).
    Mukherjee & Basu App. C and Malach & Shalev-Shwartz Lemma 5 use this function.

    Examples
    --------
    >>> parity(2).values.tolist()
    [1, -1, -1, 1]
    """
    n = check_dimension(n)
    return _table_from_output_bits(n, _popcounts(n) & 1)


def majority(n: int) -> TruthTable:
    """MAJORITY on ``n`` inputs in ``+-1``: ``sgn(x_1 + ... + x_n)`` with ``sgn(0) = +1``.

    Ties (possible for even ``n``) go to ``+1``, the sign convention of Pan & Srikumar and
    Mukherjee & Basu (an LTF outputs ``+1`` at 0).  ``majority(0)`` is the constant ``+1``.

    Examples
    --------
    >>> majority(3).values.tolist()
    [1, 1, 1, -1, 1, -1, -1, -1]
    >>> majority(2).values.tolist()
    [1, 1, 1, -1]
    """
    n = check_dimension(n)
    total = n - 2 * _popcounts(n)
    return _table_from_pm1(n, np.where(total >= 0, 1, -1))


def and_(n: int) -> TruthTable:
    """AND on ``n`` inputs in the +-1 convention of Malach & Shalev-Shwartz (``+1`` is true).

    The value is ``+1`` iff every ``x_i = +1`` (only at index 0); ``and_(0)`` is ``+1``.
    Under the bit rule this is the OR of the bits.

    Examples
    --------
    >>> and_(2).values.tolist()
    [1, -1, -1, -1]
    """
    n = check_dimension(n)
    values = np.full(2**n, -1, dtype=np.int8)
    values[0] = 1
    return TruthTable(n, values)


def or_(n: int) -> TruthTable:
    """OR on ``n`` inputs in the +-1 convention of Malach & Shalev-Shwartz (``+1`` is true).

    The value is ``-1`` iff every ``x_i = -1`` (only at the last index); ``or_(0)`` is ``-1``,
    the empty OR being false.  Under the bit rule this is the AND of the bits.

    Examples
    --------
    >>> or_(2).values.tolist()
    [1, 1, 1, -1]
    """
    n = check_dimension(n)
    values = np.ones(2**n, dtype=np.int8)
    values[-1] = -1
    return TruthTable(n, values)


def inner_product_mod2(m: int) -> TruthTable:
    """Inner product mod 2 on ``2m`` inputs ``(x, y)``: ``(-1)^(sum_i z_i w_i)``.

    ``x`` is the first ``m`` coordinates and ``y`` the last ``m``; ``z`` and ``w`` are their bits
    (``x = 1 - 2z``, ``y = 1 - 2w``).  This is the bit rule applied to ``IP(z, w) = <z, w> mod 2``.

    Examples
    --------
    >>> inner_product_mod2(1).values.tolist()
    [1, 1, 1, -1]
    """
    m = _positive_int(m, "m")
    n = check_dimension(2 * m, what="2m")
    bits = cube_bits(n)
    products = (bits[:, :m] & bits[:, m:]).sum(axis=1, dtype=np.int64)
    return _table_from_output_bits(n, products & 1)


def disjointness(m: int) -> TruthTable:
    """Set disjointness on ``2m`` inputs ``(x, y)``, by the bit rule.

    With bits ``z`` of ``x`` and ``w`` of ``y`` (``x = 1 - 2z``), the sets are ``{i : z_i = 1}``
    and ``{i : w_i = 1}``; ``DISJ(z, w) = 1`` iff they are disjoint.  By the bit rule the value 1
    (disjoint) is stored as ``(-1)^1 = -1`` and the value 0 (intersecting) as ``+1``.

    Examples
    --------
    >>> disjointness(1).values.tolist()
    [-1, -1, -1, 1]
    """
    m = _positive_int(m, "m")
    n = check_dimension(2 * m, what="2m")
    bits = cube_bits(n)
    intersect = np.any(bits[:, :m] & bits[:, m:], axis=1)
    return _table_from_output_bits(n, (~intersect).astype(np.int8))


def _odd_max_bit_pm1(points: np.ndarray) -> np.ndarray:
    """ODD-MAX-BIT of each row of a +-1 array (see :func:`odd_max_bit`)."""
    count = points.shape[1]
    if count == 0:
        return np.ones(points.shape[0], dtype=np.int8)
    plus = points == 1
    last_from_end = np.argmax(plus[:, ::-1], axis=1)  # 0 if the last coordinate is +1
    largest = count - last_from_end  # 1-based index of the last +1 (when there is one)
    odd = plus.any(axis=1) & (largest % 2 == 1)
    return np.where(odd, -1, 1).astype(np.int8)


def odd_max_bit(n: int) -> TruthTable:
    """ODD-MAX-BIT on ``n`` inputs in ``+-1`` (Mukherjee & Basu, eq. (3); CLAIMS.md MB-ANfunc).

    The value is ``-1`` iff ``sum_{i=1}^n (-1)^(i+1) 2^i (1 + x_i) >= 1/2``, which holds iff the
    largest 1-based index ``i`` with ``x_i = +1`` is odd (``x_i = +1`` is "on", as the factor
    ``1 + x_i`` shows).  The all ``-1`` input gives the sum 0 and the value ``+1``.

    Examples
    --------
    >>> odd_max_bit(2).values.tolist()  # points (+,+), (+,-), (-,+), (-,-)
    [1, -1, 1, 1]
    """
    n = check_dimension(n)
    return TruthTable(n, _odd_max_bit_pm1(_pm1_points(n)))


def andreev_parameters(n: int) -> tuple[int, int]:
    """``(k, columns)`` of Andreev's function on ``n`` bits: ``n = 2^(k+1)``, ``columns = (n/2)/k``.

    Raises InputError unless ``n`` is a power of 2 with ``n >= 4`` and ``k = log2(n/2)`` divides
    ``n/2`` (so ``n = 4, 8, 32, 512, ...``).

    >>> andreev_parameters(8), andreev_parameters(32)
    ((2, 2), (4, 4))
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise InputError(f"Andreev's function needs an integer number of bits n (got {n!r})")
    n = int(n)
    if n < 4 or n & (n - 1):
        raise InputError(f"Andreev's function needs n = 2^(k+1) bits with k >= 1, i.e. n a power of 2 and >= 4 (got n = {n})")
    half = n // 2
    k = half.bit_length() - 1
    if half % k:
        raise InputError(
            f"Andreev's function on n = {n} bits needs n/2 = {half} to be divisible by k = log2(n/2) = {k} "
            f"(the k rows of the matrix part must have equal length); n = 4, 8, 32, 512 work"
        )
    return k, half // k


def andreev_bit(z: object) -> int:
    """Andreev's function at one 0/1 input ``z`` of any admissible length; returns the output bit.

    Same conventions as :func:`andreev`; useful where ``n`` is too large for a table (``n = 32``).

    >>> andreev_bit([0, 1, 1, 0, 1, 0, 1, 1])  # rows (1,0), (1,1) have parities 1, 0: index 2
    1
    """
    bits = list(z)
    for j, b in enumerate(bits):
        if isinstance(b, (bool, np.bool_)) or not isinstance(b, (int, np.integer)) or int(b) not in (0, 1):
            raise InputError(f"Andreev input bit {j} must be 0 or 1 (got {b!r})")
    k, columns = andreev_parameters(len(bits))
    half = len(bits) // 2
    index = 0
    for row in range(k):
        parity_bit = sum(int(b) for b in bits[half + row * columns: half + (row + 1) * columns]) & 1
        index = 2 * index + parity_bit
    return int(bits[index])


def andreev(n: int) -> TruthTable:
    """Andreev's function ``A_n`` (Mukherjee & Basu, Definition 1, as corrected in CLAIMS.md MB-Def1-Andreev).

    Inputs are bits ``z`` in ``{0,1}^n`` with ``n = 2^(k+1)``, ``k = log2(n/2)``:

    * ``z[0 : n/2]`` is a truth table ``t`` on ``k`` bits, indexed from 0;
    * ``z[n/2 : n]`` is a ``k x c`` 0/1 matrix ``a`` stored row by row (row-major), with
      ``c = (n/2)/k`` columns; row ``i`` (1-based) is ``z[n/2 + (i-1)c : n/2 + ic]``;
    * ``r_i`` is the parity of row ``i`` and the output bit is ``t[bin(r_1 ... r_k)]``, where
      ``bin`` reads ``r_1`` as the most significant bit (0-based index into ``t``).

    The output bit is stored by the bit rule (``o -> 1 - 2o``), and the table is over
    ``x = 1 - 2z``.  ``n`` must be 4, 8 or another power of 2 with ``log2(n/2)`` dividing ``n/2``
    (the seed's column count ``n / 2^floor(log(n/2))`` is a typo; see CLAIMS.md); only ``n <= 8``
    fits in a table (``n = 32`` would need ``2^32`` entries; use :func:`andreev_bit` there).

    Examples
    --------
    >>> f = andreev(4)  # k = 1: t = z[0:2], one row z[2:4], output t[z2 xor z3]
    >>> f.as_bits().tolist()[:8]
    [0, 0, 0, 0, 0, 1, 1, 0]
    """
    k, columns = andreev_parameters(n)
    n = check_dimension(n)
    half = n // 2
    bits = cube_bits(n)
    rows = bits[:, half:].reshape(-1, k, columns).sum(axis=2, dtype=np.int64) & 1
    weights = 2 ** np.arange(k - 1, -1, -1, dtype=np.int64)
    index = rows @ weights
    output = np.take_along_axis(bits[:, :half], index[:, None], axis=1)[:, 0]
    return _table_from_output_bits(n, output)


def arkadev_nikhil(a: int, b: int) -> TruthTable:
    """The Arkadev–Nikhil composition ``OMB_a o OR_b o XOR_2`` on ``2ab`` inputs (+-1).

    Mukherjee & Basu, eq. (3) (CLAIMS.md MB-ANfunc), with free block counts ``a`` and ``b`` in
    place of the paper's ``n`` and ``n^(1/3) - log n``.  The input is ``(x, y)``: ``x`` is the
    first ``ab`` coordinates and ``y`` the last ``ab``, each split into ``a`` consecutive blocks
    of ``b`` (``x_{i,j}`` is coordinate ``(i-1)b + (j-1)`` of ``x``, 1-based ``i, j``).  Then

    * ``XOR_2(x_{ij}, y_{ij}) = x_{ij} y_{ij}`` (the +-1 product);
    * ``u_i = OR_b(...)`` over block ``i``, in the MS convention: ``-1`` iff all ``b`` products are
      ``-1``;
    * the value is :func:`odd_max_bit` of ``(u_1, ..., u_a)``.

    Its communication matrix for the split ``x | y`` is ``communication_matrix(f, a*b)``.

    Examples
    --------
    >>> arkadev_nikhil(1, 1).values.tolist()  # OMB_1(x y) = -(x y)
    [-1, 1, 1, -1]
    """
    a = _positive_int(a, "a")
    b = _positive_int(b, "b")
    half = a * b
    n = check_dimension(2 * half, what="2ab")
    points = _pm1_points(n)
    products = points[:, :half] * points[:, half:]
    ors = np.where(np.all(products.reshape(-1, a, b) == -1, axis=2), -1, 1).astype(np.int8)
    return TruthTable(n, _odd_max_bit_pm1(ors))


def razborov_sherstov(m: int) -> TruthTable:
    """The Razborov–Sherstov function ``f_m(x, y) = AND_{i=1}^m OR_{j=1}^{m^2} (x_ij AND y_ij)``.

    Malach & Shalev-Shwartz, Theorem 11 (CLAIMS.md MS-Thm11), in MS's +-1 convention (``+1`` is
    true): ``x_ij AND y_ij`` is ``+1`` iff both are ``+1``; the OR is ``-1`` iff all its inputs are
    ``-1``; the AND is ``+1`` iff all its inputs are ``+1``.  The ``2m^3`` inputs are ``x`` then
    ``y``, each an ``m x m^2`` array stored row-major (``x_ij`` is coordinate ``(i-1)m^2 + (j-1)``
    of ``x``).  Only ``m <= 2`` fits in a table (``m = 2`` has 16 inputs).

    Examples
    --------
    >>> razborov_sherstov(1).values.tolist()  # f_1 = x AND y
    [1, -1, -1, -1]
    """
    m = _positive_int(m, "m")
    half = m**3
    n = check_dimension(2 * half, what="2m^3")
    points = _pm1_points(n)
    both = (points[:, :half] == 1) & (points[:, half:] == 1)
    rows = both.reshape(-1, m, m * m).any(axis=2)
    return _table_from_pm1(n, np.where(rows.all(axis=1), 1, -1))
