"""Tree-structured Boolean circuits of Malach & Shalev-Shwartz (§3; CLAIMS.md MS-Setting).

Gates
-----
A :class:`Gate` is a function ``{-1,1}^2 -> {-1,1}`` stored as its four values on the patterns
in THE cube order of :mod:`exactnets.domains` for ``n = 2``::

    pattern index   0         1         2         3
    (z1, z2)        (+1, +1)  (+1, -1)  (-1, +1)  (-1, -1)

Its **code** (0..15) reads the four output bits ``o = (1 - value) / 2`` as a binary number,
pattern 0 most significant: ``code = 8 o_0 + 4 o_1 + 2 o_2 + o_3``.  Truth is MS's ``+1``:

====  ======================  =====  ===================
code  gate                    code   gate
====  ======================  =====  ===================
0     constant ``+1``         8      NAND
1     OR                      9      XNOR ``-z1 z2``
2     ``z1 OR NOT z2``        10     ``NOT z2`` ``-z2``
3     ``z1`` (first)          11     ``z1 AND NOT z2``
4     ``NOT z1 OR z2``        12     ``NOT z1`` ``-z1``
5     ``z2`` (second)         13     ``NOT z1 AND z2``
6     XOR ``z1 z2``           14     NOR
7     AND                     15     constant ``-1``
====  ======================  =====  ===================

(AND is ``+1`` iff both inputs are ``+1``; OR is ``-1`` iff both are ``-1``; XOR is the product.)

Trees and MS's level numbering
------------------------------
A :class:`TreeCircuit` of depth ``d >= 1`` reads ``n = 2^d`` leaves ``x_1 ... x_n`` (stored
0-based as ``x[0] ... x[n-1]``).  MS write ``v_{i,j}`` for the ``j``-th node of level ``i`` and
``gamma_{i,j}`` for its gate: level 0 is the output node, level ``i`` has ``2^i`` nodes, and the
leaves form level ``d``.  So the gates sit on levels ``0 .. d-1``, and
``circuit.levels[i]`` is the tuple ``(gamma_{i,1}, ..., gamma_{i,2^i})`` of level ``i``.
Node ``v_{i,j}`` reads nodes ``v_{i+1,2j-1}`` and ``v_{i+1,2j}``.

MS's map ``Gamma_i : {-1,1}^(2^i) -> {-1,1}^(2^(i-1))`` (``i = 1 .. d``) applies the gates of
level ``i - 1`` to consecutive pairs (the off-by-one of the paper: level ``i``'s values feed level
``i - 1``'s gates); :func:`apply_level` is ``Gamma_i``, and ``h_C = Gamma_1 o ... o Gamma_d``.
"""

from __future__ import annotations

import dataclasses
import numbers
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction

import numpy as np

from exactnets.domains import cube_points
from exactnets.errors import InputError, ShapeError
from exactnets.boolean.truth_table import TruthTable, _pm1_entry, check_dimension

__all__ = [
    "Gate",
    "GATE_NAMES",
    "TreeCircuit",
    "evaluate",
    "apply_level",
    "node_values",
    "circuit_truth_table",
    "parity_circuit",
    "tree_function_tables",
    "count_tree_functions",
    "LabelledDistribution",
    "labelled_distribution",
    "top_circuit",
    "node_tables",
    "level_distributions",
    "level_correlations",
    "node_influences",
    "without_noninfluencing_gates",
    "negated_output",
    "lca_margin",
    "property1_violation",
    "property2_violation",
    "property3_epsilon",
]

#: The input patterns ``(z1, z2)`` in gate-value order (the cube order for ``n = 2``).
PATTERNS: tuple[tuple[int, int], ...] = ((1, 1), (1, -1), (-1, 1), (-1, -1))

#: Names of the 16 gates by code (see the module docstring).
GATE_NAMES: dict[int, str] = {
    0: "ONE",
    1: "OR",
    2: "z1 OR NOT z2",
    3: "FIRST",
    4: "NOT z1 OR z2",
    5: "SECOND",
    6: "XOR",
    7: "AND",
    8: "NAND",
    9: "XNOR",
    10: "NOT SECOND",
    11: "z1 AND NOT z2",
    12: "NOT FIRST",
    13: "NOT z1 AND z2",
    14: "NOR",
    15: "MINUS_ONE",
}

#: Largest depth :func:`count_tree_functions` enumerates.
MAX_COUNT_DEPTH = 3


@dataclasses.dataclass(frozen=True)
class Gate:
    """A two-input gate ``{-1,1}^2 -> {-1,1}``: its values on ``(+,+), (+,-), (-,+), (-,-)``.

    Examples
    --------
    >>> Gate.and_().values, Gate.and_().code
    ((1, -1, -1, -1), 7)
    >>> Gate.xor()(-1, -1), Gate.from_code(1) == Gate.or_()
    (1, True)
    """

    values: tuple[int, int, int, int]

    def __init__(self, values: Iterable[object]):
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise InputError(f"a gate needs its 4 values on (+,+), (+,-), (-,+), (-,-) (got {values!r})")
        entries = tuple(values)
        if len(entries) != 4:
            raise ShapeError(f"a gate needs exactly 4 values, on (+,+), (+,-), (-,+), (-,-) (got {len(entries)})")
        object.__setattr__(self, "values", tuple(_pm1_entry(v, f"gate value {p}") for p, v in enumerate(entries)))

    @classmethod
    def from_code(cls, code: int) -> "Gate":
        """The gate with this code (0..15): bit ``3 - p`` of the code is the output bit on pattern ``p``."""
        if isinstance(code, (bool, np.bool_)) or not isinstance(code, numbers.Integral) or not 0 <= int(code) < 16:
            raise InputError(f"a gate code must be an integer in 0..15 (got {code!r})")
        return cls(1 - 2 * ((int(code) >> (3 - p)) & 1) for p in range(4))

    @classmethod
    def from_function(cls, g: Callable[[int, int], object]) -> "Gate":
        """Tabulate ``g(z1, z2)`` on the four patterns; ``g`` must return ``-1`` or ``+1``."""
        return cls(g(z1, z2) for z1, z2 in PATTERNS)

    @classmethod
    def all(cls) -> tuple["Gate", ...]:
        """The 16 gates in code order."""
        return tuple(cls.from_code(c) for c in range(16))

    # named constructors (MS's +1 = true)
    @classmethod
    def and_(cls) -> "Gate":
        """AND: ``+1`` iff ``z1 = z2 = +1``."""
        return cls((1, -1, -1, -1))

    @classmethod
    def or_(cls) -> "Gate":
        """OR: ``-1`` iff ``z1 = z2 = -1``."""
        return cls((1, 1, 1, -1))

    @classmethod
    def xor(cls) -> "Gate":
        """XOR: ``z1 z2``."""
        return cls((1, -1, -1, 1))

    @classmethod
    def nand(cls) -> "Gate":
        """NAND: ``-AND``."""
        return cls((-1, 1, 1, 1))

    @classmethod
    def nor(cls) -> "Gate":
        """NOR: ``-OR``."""
        return cls((-1, -1, -1, 1))

    @classmethod
    def first(cls) -> "Gate":
        """The projection ``z1``."""
        return cls((1, 1, -1, -1))

    @classmethod
    def second(cls) -> "Gate":
        """The projection ``z2``."""
        return cls((1, -1, 1, -1))

    @classmethod
    def constant(cls, value: int) -> "Gate":
        """The constant gate with value ``+1`` or ``-1``."""
        c = _pm1_entry(value, "constant gate value")
        return cls((c, c, c, c))

    @property
    def code(self) -> int:
        """The gate's code in 0..15 (see the module docstring)."""
        code = 0
        for value in self.values:
            code = 2 * code + (1 - value) // 2
        return code

    @property
    def name(self) -> str:
        return GATE_NAMES[self.code]

    @property
    def truth_table(self) -> TruthTable:
        """The gate as a 2-variable :class:`TruthTable` (same order)."""
        return TruthTable(2, self.values)

    def __call__(self, z1: object, z2: object) -> int:
        index = (0 if _pm1_entry(z1, "z1") == 1 else 2) + (0 if _pm1_entry(z2, "z2") == 1 else 1)
        return self.values[index]

    def __repr__(self) -> str:
        return f"Gate({self.name}: {list(self.values)})"


def _as_gate(gate: object, where: str) -> Gate:
    if isinstance(gate, Gate):
        return gate
    if isinstance(gate, numbers.Integral) and not isinstance(gate, (bool, np.bool_)):
        if not 0 <= int(gate) < 16:
            raise InputError(f"{where}: a gate code must be in 0..15 (got {gate!r})")
        return Gate.from_code(int(gate))
    raise InputError(f"{where} must be a Gate or a gate code 0..15 (got {type(gate).__name__} {gate!r})")


@dataclasses.dataclass(frozen=True)
class TreeCircuit:
    """A full binary tree of two-input gates over ``n = 2^depth`` leaves (MS §3).

    Parameters
    ----------
    depth : int
        ``d >= 1``; the tree has ``n = 2^d`` leaves and ``2^d - 1`` gates.
    levels : sequence of ``d`` sequences
        ``levels[i]`` holds MS's ``(gamma_{i,1}, ..., gamma_{i,2^i})`` for ``i = 0 .. d-1``: level
        0 is the output gate, level ``d-1`` reads the leaves (``gamma_{d-1,j}`` reads
        ``x_{2j-1}, x_{2j}``, 1-based).  Entries are :class:`Gate` values or codes 0..15.

    Examples
    --------
    >>> c = TreeCircuit(2, [[Gate.or_()], [Gate.and_(), Gate.and_()]])
    >>> c.n, c.gate(1, 2).name, c((1, 1, -1, -1)), c((-1, 1, 1, -1))
    (4, 'AND', 1, -1)
    """

    depth: int
    levels: tuple[tuple[Gate, ...], ...]

    def __init__(self, depth: int, levels: Sequence[Sequence[Gate | int]]):
        depth = check_dimension(depth, what="depth", maximum=24)
        if depth < 1:
            raise InputError("a tree circuit needs depth >= 1 (n = 2^depth leaves, at least one gate)")
        if isinstance(levels, (str, bytes)) or not isinstance(levels, Iterable):
            raise InputError(f"levels must be a sequence of {depth} sequences of gates (got {type(levels).__name__})")
        levels = list(levels)
        if len(levels) != depth:
            raise ShapeError(f"a depth-{depth} tree has gate levels 0..{depth - 1}: expected {depth} levels, got {len(levels)}")
        built = []
        for i, level in enumerate(levels):
            if isinstance(level, (str, bytes, Gate)) or not isinstance(level, Iterable):
                raise InputError(f"levels[{i}] must be a sequence of 2^{i} gates (got {type(level).__name__})")
            gates = tuple(_as_gate(g, f"levels[{i}][{j}]") for j, g in enumerate(level))
            if len(gates) != 2**i:
                raise ShapeError(f"level {i} of a tree has 2^{i} = {2**i} gates (got {len(gates)})")
            built.append(gates)
        object.__setattr__(self, "depth", depth)
        object.__setattr__(self, "levels", tuple(built))

    @classmethod
    def uniform(cls, depth: int, gate: Gate | int) -> "TreeCircuit":
        """The tree with the same gate everywhere.

        >>> from exactnets.boolean import parity
        >>> TreeCircuit.uniform(2, Gate.xor()).truth_table() == parity(4)
        True
        """
        gate = _as_gate(gate, "gate")
        depth = check_dimension(depth, what="depth", maximum=24)
        return cls(depth, [[gate] * 2**i for i in range(depth)])

    @property
    def n(self) -> int:
        """The number of leaves, ``2^depth``."""
        return 2**self.depth

    def gate(self, i: int, j: int) -> Gate:
        """MS's ``gamma_{i,j}``: level ``i`` in ``0 .. d-1`` and 1-based position ``j`` in ``1 .. 2^i``."""
        if not 0 <= i < self.depth:
            raise InputError(f"gate level i must be in 0..{self.depth - 1} (got {i})")
        if not 1 <= j <= 2**i:
            raise InputError(f"gate position j on level {i} must be in 1..{2**i} (got {j})")
        return self.levels[i][j - 1]

    def __call__(self, x: Sequence[object]) -> int:
        return evaluate(self, x)

    def truth_table(self) -> TruthTable:
        return circuit_truth_table(self)


def _check_circuit(circuit: object) -> TreeCircuit:
    if not isinstance(circuit, TreeCircuit):
        raise InputError(f"expected a TreeCircuit (got {type(circuit).__name__})")
    return circuit


def _pm1_tuple(values: Sequence[object], length: int, what: str) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InputError(f"{what} must be a sequence of {length} entries -1/+1 (got {values!r})")
    entries = tuple(values)
    if len(entries) != length:
        raise ShapeError(f"{what} must have {length} entries (got {len(entries)})")
    return tuple(_pm1_entry(v, f"{what}[{k}]") for k, v in enumerate(entries))


def _apply_gates(gates: Sequence[Gate], z: Sequence[int]) -> tuple[int, ...]:
    return tuple(
        gate.values[(0 if z[2 * j] == 1 else 2) + (0 if z[2 * j + 1] == 1 else 1)] for j, gate in enumerate(gates)
    )


def apply_level(circuit: TreeCircuit, i: int, z: Sequence[object]) -> tuple[int, ...]:
    """MS's ``Gamma_i(z)`` for ``i = 1 .. d``: level ``i - 1``'s gates on consecutive pairs of ``z``.

    ``z`` has ``2^i`` entries (the values of the level-``i`` nodes); the result has ``2^(i-1)``.

    >>> c = TreeCircuit(2, [[Gate.or_()], [Gate.and_(), Gate.xor()]])
    >>> apply_level(c, 2, (1, 1, 1, -1)), apply_level(c, 1, (1, -1))
    ((1, -1), (1,))
    """
    circuit = _check_circuit(circuit)
    if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 1 <= i <= circuit.depth:
        raise InputError(f"Gamma_i is defined for i = 1..{circuit.depth} (got {i!r})")
    values = _pm1_tuple(z, 2**i, f"input of Gamma_{i}")
    return _apply_gates(circuit.levels[i - 1], values)


def node_values(circuit: TreeCircuit, x: Sequence[object]) -> tuple[tuple[int, ...], ...]:
    """The value of every node at input ``x``: entry ``i`` lists ``v_{i,1} .. v_{i,2^i}``.

    Entry ``d`` is the input itself and entry 0 is ``(h_C(x),)``.

    >>> c = TreeCircuit(1, [[Gate.nand()]])
    >>> node_values(c, (1, 1))
    ((-1,), (1, 1))
    """
    circuit = _check_circuit(circuit)
    values = _pm1_tuple(x, circuit.n, "x")
    layers = [values]
    for i in range(circuit.depth - 1, -1, -1):
        values = _apply_gates(circuit.levels[i], values)
        layers.append(values)
    return tuple(reversed(layers))


def evaluate(circuit: TreeCircuit, x: Sequence[object]) -> int:
    """``h_C(x)`` at a point ``x`` of ``{-1,1}^n`` (``n = 2^d``), exactly.

    >>> evaluate(TreeCircuit(1, [[Gate.or_()]]), (-1, -1))
    -1
    """
    return node_values(circuit, x)[0][0]


def _level_tables(gates: Sequence[Gate], inputs: np.ndarray) -> np.ndarray:
    """Apply a level's gates to every row of a ``(points, 2 * len(gates))`` +-1 array."""
    table = np.array([g.values for g in gates], dtype=np.int8)  # (gates, 4)
    pattern = (inputs[:, 0::2] == -1).astype(np.int64) * 2 + (inputs[:, 1::2] == -1).astype(np.int64)
    return table[np.arange(len(gates))[None, :], pattern]


def circuit_truth_table(circuit: TreeCircuit) -> TruthTable:
    """The truth table of ``h_C`` over all ``2^n`` points (vectorised; needs ``d <= 4``).

    Examples
    --------
    >>> circuit_truth_table(TreeCircuit(1, [[Gate.and_()]])).values.tolist()
    [1, -1, -1, -1]
    """
    circuit = _check_circuit(circuit)
    n = check_dimension(circuit.n, what="number of leaves 2^depth")
    values = cube_points(n)
    for i in range(circuit.depth - 1, -1, -1):
        values = _level_tables(circuit.levels[i], values)
    return TruthTable(n, values[:, 0])


def parity_circuit(depth: int, subset: Iterable[int]) -> TreeCircuit:
    """The tree computing ``prod_{i in I} x_i`` (Malach & Shalev-Shwartz, Lemma 5).

    Parameters
    ----------
    depth : int
        ``d >= 1``; ``n = 2^d`` leaves.
    subset : iterable of int
        ``I`` as **0-based** coordinate indices in ``0 .. n-1`` (MS's ``x_{i+1}``).

    Notes
    -----
    The gate over the leaf pair ``(2j-2, 2j-1)`` (0-based; MS's ``gamma_{d-1,j}`` over
    ``x_{2j-1}, x_{2j}``) is XOR if both leaves are in ``I``, the first projection if only the
    left one is, the second projection if only the right one is, and the constant ``+1``
    otherwise; every higher gate is XOR (``z1 z2``).

    Examples
    --------
    >>> c = parity_circuit(2, {0, 3})
    >>> [g.name for g in c.levels[1]], c.levels[0][0].name
    (['FIRST', 'SECOND'], 'XOR')
    """
    depth = check_dimension(depth, what="depth", maximum=24)
    if depth < 1:
        raise InputError("parity_circuit needs depth >= 1")
    n = 2**depth
    if isinstance(subset, (str, bytes)) or not isinstance(subset, Iterable):
        raise InputError(f"subset must be a set of coordinate indices in 0..{n - 1} (got {subset!r})")
    members = set()
    for k in subset:
        if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral) or not 0 <= int(k) < n:
            raise InputError(f"parity_circuit: {k!r} is not a coordinate index in 0..{n - 1}")
        members.add(int(k))
    choice = {(True, True): Gate.xor(), (True, False): Gate.first(), (False, True): Gate.second(),
              (False, False): Gate.constant(1)}
    bottom = [choice[(2 * j in members, 2 * j + 1 in members)] for j in range(n // 2)]
    levels = [[Gate.xor()] * 2**i for i in range(depth - 1)] + [bottom]
    return TreeCircuit(depth, levels)


def _unique_rows(bits: np.ndarray) -> np.ndarray:
    """The distinct rows of a 0/1 ``uint8`` array, packed 8 bits a byte (sorted)."""
    packed = np.ascontiguousarray(np.packbits(bits, axis=1))
    rows = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    return np.unique(rows)


def _tree_function_bits(depth: int) -> np.ndarray:
    """The distinct functions computed by depth-``depth`` trees, as rows of output bits.

    ``H_1`` is the 16 gates.  ``H_d`` is every ``g(h_1, h_2)`` with ``h_1, h_2`` in ``H_{d-1}``
    on the two halves of the leaves.  Because ``H_{d-1}`` contains both constants and is closed
    under negation, three gates suffice: every gate is a constant or a projection (both are
    ``AND(h, +1)``-type), an AND with inputs and output possibly negated, or XOR / XNOR.  So
    ``H_d = AND(H, H) u -AND(H, H) u XOR(H, H)``, computed on output bits (the +-1 AND is the OR of
    the bits, the +-1 product is the XOR of the bits).
    """
    functions = np.array([[(c >> (3 - p)) & 1 for p in range(4)] for c in range(16)], dtype=np.uint8)
    for _ in range(depth - 1):
        count, size = functions.shape
        left = functions[:, None, :, None]  # point index i1 * size + i2: h_1 reads the high half
        right = functions[None, :, None, :]
        both_or = (left | right).reshape(count * count, size * size)
        rows = np.unique(np.concatenate([
            _unique_rows(both_or),
            _unique_rows(1 - both_or),
            _unique_rows((left ^ right).reshape(count * count, size * size)),
        ]))
        packed = np.frombuffer(rows.tobytes(), dtype=np.uint8).reshape(len(rows), -1)
        functions = np.unpackbits(packed, axis=1)[:, : size * size]
    return functions


def tree_function_tables(depth: int) -> frozenset[TruthTable]:
    """The class ``H`` of functions computed by depth-``depth`` tree circuits, as truth tables.

    Enumerated bottom-up: ``H_1`` is the 16 gates, and ``H_d`` is every ``g(h_1, h_2)`` with
    ``h_1, h_2`` in ``H_{d-1}`` on the left and right halves of the leaves.  ``depth <= 2``.

    >>> len(tree_function_tables(1))
    16
    """
    depth = check_dimension(depth, what="depth")
    if not 1 <= depth <= 2:
        raise InputError(f"tree_function_tables lists H for depth 1 or 2 only (got {depth}); use count_tree_functions")
    return frozenset(TruthTable.from_output_bits(row) for row in _tree_function_bits(depth))


def count_tree_functions(depth: int) -> int:
    """``|H|``: how many distinct functions depth-``depth`` tree circuits compute (``depth <= 3``).

    CLAIMS.md MS-Setting: 16 for ``n = 2`` and 520 for ``n = 4``; MS remark that ``|H|`` grows like
    ``6^n`` (Farhoodi et al.).  Depth 3 (``n = 8``) takes about a second.

    >>> count_tree_functions(1), count_tree_functions(2)
    (16, 520)
    """
    depth = check_dimension(depth, what="depth")
    if not 1 <= depth <= MAX_COUNT_DEPTH:
        raise InputError(f"count_tree_functions enumerates depth 1..{MAX_COUNT_DEPTH} (got {depth})")
    return int(len(_tree_function_bits(depth)))


# -- MS Sec. 4: labelled distributions, correlations, influences, Properties 1-3 ------------------
#
# CLAIMS.md MS-Defs-Correlation.  A distribution D on (x, y) is pushed up the tree level by level:
# D^(i) = Gamma_{(i+1)...d}(D) lives on the values of the 2^i level-i nodes.  Everything is exact
# (Fractions over the support), which is what the paper's lemmas are about; sizes up to n = 16.


@dataclasses.dataclass(frozen=True)
class LabelledDistribution:
    """A distribution on ``{-1,1}^dim x {-1,1}`` with exact probabilities (MS's ``D`` and ``D^(i)``).

    ``probabilities`` maps ``(x, y)`` -- ``x`` a tuple of ``dim`` entries +-1, ``y`` = +-1 -- to a
    positive :class:`~fractions.Fraction`; pairs of probability 0 are dropped, and the total must
    be exactly 1.

    >>> D = LabelledDistribution(1, {((1,), 1): Fraction(3, 4), ((-1,), -1): Fraction(1, 4)})
    >>> D.bias(), D.correlation(0), D.marginal(0)
    (Fraction(1, 2), Fraction(1, 1), Fraction(3, 4))
    """

    dim: int
    probabilities: Mapping[tuple[tuple[int, ...], int], Fraction]

    def __init__(self, dim: int, probabilities: Mapping[tuple[Sequence[int], int], object]):
        dim = check_dimension(dim, what="dim", maximum=24)
        if not isinstance(probabilities, Mapping):
            raise InputError(f"probabilities must map (x, y) to a rational (got {type(probabilities).__name__})")
        table: dict[tuple[tuple[int, ...], int], Fraction] = {}
        for key, value in probabilities.items():
            if not isinstance(key, tuple) or len(key) != 2:
                raise InputError(f"a key of probabilities must be a pair (x, y) (got {key!r})")
            x = _pm1_tuple(key[0], dim, "x")
            y = _pm1_entry(key[1], "y")
            if isinstance(value, float) or not isinstance(value, (numbers.Rational, Fraction)):
                raise InputError(f"the probability of {key!r} must be an exact rational (got {value!r})")
            q = Fraction(value)
            if q < 0:
                raise InputError(f"the probability of {key!r} is negative ({q})")
            if q:
                table[(x, y)] = table.get((x, y), Fraction(0)) + q
        total = sum(table.values(), Fraction(0))
        if total != 1:
            raise InputError(f"the probabilities must sum to exactly 1 (got {total})")
        object.__setattr__(self, "dim", dim)
        object.__setattr__(self, "probabilities", types.MappingProxyType(table))

    def expectation(self, f: Callable[[tuple[int, ...], int], object]) -> Fraction:
        """``E[f(x, y)]`` for an exact-valued ``f``."""
        return sum((q * Fraction(f(x, y)) for (x, y), q in self.probabilities.items()), Fraction(0))

    def probability(self, event: Callable[[tuple[int, ...], int], bool]) -> Fraction:
        """``P[event(x, y)]``."""
        return sum((q for (x, y), q in self.probabilities.items() if event(x, y)), Fraction(0))

    def bias(self) -> Fraction:
        """``E[y]``."""
        return self.expectation(lambda x, y: y)

    def correlation(self, j: int) -> Fraction:
        """``E[x_j y]`` (0-based ``j``): MS's ``c_{i,j+1}`` when this is ``D^(i)``."""
        j = self._coordinate(j)
        return self.expectation(lambda x, y: x[j] * y)

    def marginal(self, j: int) -> Fraction:
        """``P[x_j = +1]`` (0-based ``j``)."""
        j = self._coordinate(j)
        return self.probability(lambda x, y: x[j] == 1)

    def push_forward(self, g: Callable[[tuple[int, ...]], Sequence[int]], dim: int) -> "LabelledDistribution":
        """The distribution of ``(g(x), y)``, ``g`` mapping into ``{-1,1}^dim`` (MS's ``g(D)``)."""
        table: dict[tuple[tuple[int, ...], int], Fraction] = {}
        for (x, y), q in self.probabilities.items():
            key = (tuple(g(x)), y)
            table[key] = table.get(key, Fraction(0)) + q
        return LabelledDistribution(dim, table)

    def _coordinate(self, j: int) -> int:
        if isinstance(j, bool) or not isinstance(j, numbers.Integral) or not 0 <= j < self.dim:
            raise InputError(f"coordinate must be an integer in 0..{self.dim - 1} (got {j!r})")
        return int(j)


def labelled_distribution(circuit: TreeCircuit, p: Sequence[object]) -> LabelledDistribution:
    """``D``: ``x`` from the product distribution with ``P[x_i = +1] = p_i`` and ``y = h_C(x)``.

    >>> D = labelled_distribution(TreeCircuit(1, [[Gate.and_()]]), ["1/2", "1/2"])
    >>> D.bias(), D.correlation(0)
    (Fraction(-1, 2), Fraction(1, 2))
    """
    from exactnets.boolean.product import point_probabilities

    circuit = _check_circuit(circuit)
    n = check_dimension(circuit.n, what="number of leaves 2^depth", maximum=16)
    weights = point_probabilities(p)
    if len(weights) != 2**n:
        raise ShapeError(f"p must give one probability per leaf: expected {n}, got {len(p)}")
    labels = circuit_truth_table(circuit).values
    points = cube_points(n)
    return LabelledDistribution(n, {(tuple(int(v) for v in points[k]), int(labels[k])): q
                                    for k, q in enumerate(weights) if q})


def top_circuit(circuit: TreeCircuit, i: int) -> TreeCircuit:
    """The top ``i`` gate levels as a depth-``i`` circuit: it computes ``Gamma_{1...i}`` on level ``i``'s values."""
    circuit = _check_circuit(circuit)
    if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 1 <= i <= circuit.depth:
        raise InputError(f"top_circuit needs i in 1..{circuit.depth} (got {i!r})")
    return circuit if i == circuit.depth else TreeCircuit(int(i), circuit.levels[: int(i)])


def node_tables(circuit: TreeCircuit) -> tuple[np.ndarray, ...]:
    """Every node as a function of the input: entry ``i`` is a ``(2^n, 2^i)`` int8 array of ``v_{i,j}(x)``.

    Rows follow THE cube order; entry ``d`` is the input points and entry 0 the output ``h_C``.
    """
    circuit = _check_circuit(circuit)
    n = check_dimension(circuit.n, what="number of leaves 2^depth", maximum=16)
    values = cube_points(n).astype(np.int8)
    tables = [values]
    for i in range(circuit.depth - 1, -1, -1):
        values = _level_tables(circuit.levels[i], values).astype(np.int8)
        tables.append(values)
    return tuple(reversed(tables))


def level_distributions(circuit: TreeCircuit, distribution: LabelledDistribution) -> tuple[LabelledDistribution, ...]:
    """``(D^(0), ..., D^(d))`` with ``D^(d) = distribution`` and ``D^(i-1) = Gamma_i(D^(i))`` (MS Sec. 4).

    >>> c = TreeCircuit(1, [[Gate.or_()]])
    >>> top, _ = level_distributions(c, labelled_distribution(c, ["1/2", "1/2"]))
    >>> sorted(top.probabilities.items())
    [(((-1,), -1), Fraction(1, 4)), (((1,), 1), Fraction(3, 4))]
    """
    circuit = _check_circuit(circuit)
    if not isinstance(distribution, LabelledDistribution) or distribution.dim != circuit.n:
        raise InputError(f"expected a LabelledDistribution on {{-1,1}}^{circuit.n} x {{-1,1}}")
    levels = [distribution]
    for i in range(circuit.depth, 0, -1):
        gates = circuit.levels[i - 1]
        levels.append(levels[-1].push_forward(lambda z, gates=gates: _apply_gates(gates, z), 2 ** (i - 1)))
    return tuple(reversed(levels))


def _levels(circuit: TreeCircuit, distribution: LabelledDistribution | Sequence[LabelledDistribution]) -> tuple[LabelledDistribution, ...]:
    """``D^(0..d)`` from ``D^(d)``, or as given when the caller already pushed it up (a tuple of d + 1)."""
    if isinstance(distribution, LabelledDistribution):
        return level_distributions(circuit, distribution)
    levels = tuple(distribution)
    if len(levels) != circuit.depth + 1 or any(not isinstance(D, LabelledDistribution) or D.dim != 2**i
                                                for i, D in enumerate(levels)):
        raise InputError(f"expected D^(d) or the tuple (D^(0), ..., D^(d)) of level_distributions for depth {circuit.depth}")
    return levels


def level_correlations(circuit: TreeCircuit, distribution: LabelledDistribution) -> dict[tuple[int, int], Fraction]:
    """``{(i, j): c_{i,j+1}}`` for ``i = 1..d`` and 0-based ``j``: ``c = E_{D^(i)}[z_j y]`` (MS Sec. 4).

    ``distribution`` is ``D^(d)`` or, to save the work, the tuple :func:`level_distributions` made
    of it (so for the other functions below).
    """
    levels = _levels(circuit, distribution)
    return {(i, j): levels[i].correlation(j) for i in range(1, circuit.depth + 1) for j in range(2**i)}


def node_influences(circuit: TreeCircuit) -> dict[tuple[int, int], Fraction]:
    """``{(i, j): I_{i,j+1}}`` for ``i = 1..d``, 0-based ``j``: the influence of node ``v_{i,j+1}`` on the output.

    ``I_{i,j} = P_{z ~ U}[Gamma_{1...i}(z) != Gamma_{1...i}(z with z_j flipped)]`` over
    ``z in {-1,1}^(2^i)``.  (The seed writes ``Gamma_{i-1}``; the composite is meant, CLAIMS.md
    MS-Defs-Correlation.)  Levels up to ``2^i = 16`` nodes.

    >>> node_influences(TreeCircuit(1, [[Gate.first()]]))
    {(1, 0): Fraction(1, 1), (1, 1): Fraction(0, 1)}
    """
    from exactnets.boolean.fourier import influences

    circuit = _check_circuit(circuit)
    out: dict[tuple[int, int], Fraction] = {}
    for i in range(1, circuit.depth + 1):
        check_dimension(2**i, what="level width 2^i", maximum=16)
        for j, value in enumerate(influences(circuit_truth_table(top_circuit(circuit, i)))):
            out[(i, j)] = value
    return out


def without_noninfluencing_gates(circuit: TreeCircuit) -> TreeCircuit:
    """The same function with every gate of zero influence replaced by the constant ``+1``.

    MS Sec. 4 assume this "w.l.o.g.": a node without influence can be set freely, and nothing
    below it has influence either, so ``h_C`` and all other influences are unchanged.
    """
    influence = node_influences(circuit)
    levels = [[Gate.constant(1) if i > 0 and influence[(i, j)] == 0 else g for j, g in enumerate(level)]
              for i, level in enumerate(circuit.levels)]
    return TreeCircuit(circuit.depth, levels)


def negated_output(circuit: TreeCircuit) -> TreeCircuit:
    """``-h_C``: the output gate negated (MS swap the labels so that ``E[y] >= 0``)."""
    circuit = _check_circuit(circuit)
    top = Gate(-v for v in circuit.levels[0][0].values)
    return TreeCircuit(circuit.depth, [[top], *circuit.levels[1:]])


def lca_margin(circuit: TreeCircuit, distribution: LabelledDistribution) -> Fraction | None:
    """``min |c_{i,j}| - E[y]`` over the influencing nodes (``i = 1..d``); ``None`` if none influences.

    MS's Assumption 1 (LCA) holds with ``Delta`` exactly when ``0 < Delta < lca_margin``.
    """
    levels = _levels(circuit, distribution)
    correlations = level_correlations(circuit, levels)
    influence = node_influences(circuit)
    bias = levels[-1].bias()
    margins = [abs(c) - bias for key, c in correlations.items() if influence[key] != 0]
    return min(margins) if margins else None


def property1_violation(circuit: TreeCircuit, distribution: LabelledDistribution, delta: object) -> tuple[int, int] | None:
    """The first node ``(i, j)`` breaking MS's Property 1 with this ``Delta``, or ``None``.

    Property 1: every node either has influence 0 and is independent of ``y``, or has
    ``|c_{i,j}| > E[y] + Delta``.
    """
    from exactnets.rational import as_rational

    delta = as_rational(delta, what="Delta")
    levels = _levels(circuit, distribution)
    influence = node_influences(circuit)
    bias = levels[-1].bias()
    for i in range(1, circuit.depth + 1):
        level = levels[i]
        for j in range(2**i):
            if abs(level.correlation(j)) > bias + delta:
                continue
            if influence[(i, j)] == 0 and _independent_of_label(level, j):
                continue
            return (i, j)
    return None


def _independent_of_label(level: LabelledDistribution, j: int) -> bool:
    for a in (1, -1):
        pa = level.probability(lambda x, y: x[j] == a)
        for b in (1, -1):
            pb = level.probability(lambda x, y: y == b)
            if level.probability(lambda x, y: x[j] == a and y == b) != pa * pb:
                return False
    return True


def property2_violation(circuit: TreeCircuit, distribution: LabelledDistribution) -> tuple[int, int, tuple[int, int], int] | None:
    """The first ``(i, j, p, y')`` breaking MS's Property 2, or ``None`` when it holds exactly.

    Property 2: on ``D^(i)`` (``i = 1..d``) the input pair ``(z_{2j}, z_{2j+1})`` of gate
    ``gamma_{i-1,j}`` (0-based ``j``) is independent of ``y`` given the gate's output, i.e.
    ``P[pair = p, y = y'] P[gate = g] = P[pair = p] P[gate = g, y = y']`` with ``g = gamma(p)``.
    """
    levels = _levels(circuit, distribution)
    for i in range(1, circuit.depth + 1):
        level = levels[i]
        for j, gate in enumerate(circuit.levels[i - 1]):
            joint: dict[tuple[tuple[int, int], int], Fraction] = {}
            for (z, y), q in level.probabilities.items():
                key = ((z[2 * j], z[2 * j + 1]), y)
                joint[key] = joint.get(key, Fraction(0)) + q
            for pattern in PATTERNS:
                g = gate(*pattern)
                same = [pp for pp in PATTERNS if gate(*pp) == g]
                p_gate = sum((joint.get((pp, yy), Fraction(0)) for pp in same for yy in (1, -1)), Fraction(0))
                p_pattern = sum((joint.get((pattern, yy), Fraction(0)) for yy in (1, -1)), Fraction(0))
                for label in (1, -1):
                    p_gate_label = sum((joint.get((pp, label), Fraction(0)) for pp in same), Fraction(0))
                    if joint.get((pattern, label), Fraction(0)) * p_gate != p_pattern * p_gate_label:
                        return (i, j, pattern, label)
    return None


def property3_epsilon(circuit: TreeCircuit, distribution: LabelledDistribution) -> Fraction:
    """The largest ``epsilon`` of MS's Property 3: the least positive ``P_{D^(i)}[pair = p]`` over
    ``i = 1..d``, gates ``j`` and patterns ``p``."""
    levels = _levels(circuit, distribution)
    smallest: Fraction | None = None
    for i in range(1, circuit.depth + 1):
        for j in range(2 ** (i - 1)):
            pairs: dict[tuple[int, int], Fraction] = {}
            for (z, _), q in levels[i].probabilities.items():
                key = (z[2 * j], z[2 * j + 1])
                pairs[key] = pairs.get(key, Fraction(0)) + q
            low = min(pairs.values())
            smallest = low if smallest is None or low < smallest else smallest
    assert smallest is not None
    return smallest
