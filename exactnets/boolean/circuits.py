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
from collections.abc import Callable, Iterable, Sequence

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
