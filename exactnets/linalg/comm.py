"""Communication matrices: ``M[x, y] = f(x, y)`` over ``{-1,1}^k x {-1,1}^(n-k)``.

**Order.** Row ``i`` is the point ``x`` of ``{-1,1}^k`` with index ``i`` and column ``j`` the point
``y`` of ``{-1,1}^(n-k)`` with index ``j``, in THE order of :mod:`exactnets.domains` (bits of the
index, most significant first, ``x_t = 1 - 2 z_t``).  Since that order is most-significant-bit
first, the whole input ``(x, y)`` has index ``i 2^(n-k) + j``: the matrix is the truth table (or
the cube evaluation) reshaped to ``2^k x 2^(n-k)``, and ``x`` is always the *first* ``k`` inputs.

**Sources.**

* a truth table: :func:`table_matrix` (``exactnets.boolean.communication_matrix``);
* the named functions of the papers, built directly from the row and column indices (no
  ``2^n``-point truth table, so ``IP_13``, 8192 x 8192, takes a fraction of a second):
  :func:`named_matrix` with ``"ip"`` (inner product mod 2), ``"disj"`` (disjointness), ``"rs"``
  (Razborov–Sherstov ``f_m``), ``"an"`` (Arkadev–Nikhil ``OMB_a o OR_b o XOR_2``), each equal
  entry for entry to the communication matrix of the truth table of
  :mod:`exactnets.boolean.functions` (tested);
* a network: :func:`network_matrix`, its first output's exact value, the value before its top
  threshold, or its sign (sgn(0) = +1), evaluated in batches by :mod:`exactnets.evaluate`.

:class:`MatrixSource` is a recipe for one of these as plain JSON, stored in certificates so
that a certificate file can rebuild its matrix by itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.boolean.truth_table import TruthTable, communication_matrix
from exactnets.errors import InputError, ShapeError
from exactnets.evaluate import iter_cube_chunks
from exactnets.linalg.matrix import ExactMatrix, as_exact_matrix
from exactnets.linalg.modp import blas_threads
from exactnets.network import Layer, Network
from exactnets.rational import as_rational, format_rational

__all__ = [
    "NAMED_FUNCTIONS",
    "MAX_SIDE_BITS",
    "named_matrix",
    "named_sign_representation",
    "table_matrix",
    "network_matrix",
    "pre_threshold_network",
    "MatrixSource",
]

#: Names accepted by :func:`named_matrix`.
NAMED_FUNCTIONS = ("ip", "disj", "rs", "an")
#: Largest number of input bits on each side of a named matrix (2^14 x 2^14 int8 is 256 MiB).
MAX_SIDE_BITS = 14


def _side_bits(bits: int, what: str) -> int:
    if bits > MAX_SIDE_BITS:
        raise InputError(f"{what} gives a 2^{bits} x 2^{bits} matrix; at most 2^{MAX_SIDE_BITS} rows are supported")
    return bits


def _positive(value: Any, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or int(value) < 1:
        raise InputError(f"{what} must be a positive integer (got {value!r})")
    return int(value)


def _indices(bits: int) -> np.ndarray:
    dtype = np.uint16 if bits <= 16 else np.uint32
    return np.arange(1 << bits, dtype=dtype)


def _sylvester(bits: int) -> np.ndarray:
    h = np.ones((1, 1), dtype=np.int8)
    for _ in range(bits):
        h = np.block([[h, h], [h, -h]])
    return h


def _frozen(values: np.ndarray) -> ExactMatrix:
    values.flags.writeable = False
    return ExactMatrix(values, 1)


def named_matrix(name: str, m: int, b: int | None = None) -> ExactMatrix:
    """The ±1 communication matrix of a named function (see the module docstring for the order).

    ``"ip"``, ``"disj"``: ``m`` bits per side (``2^m x 2^m``).  ``"rs"``: ``f_m`` of Malach &
    Shalev-Shwartz Thm 11, ``m^3`` bits per side (only ``m <= 2``).  ``"an"``: ``a = m`` blocks of
    ``b`` bits per side (``2^(ab) x 2^(ab)``).

    >>> named_matrix("ip", 1).numerators.tolist()
    [[1, 1], [1, -1]]
    >>> named_matrix("disj", 1).numerators.tolist()
    [[-1, -1], [-1, 1]]
    """
    if name not in NAMED_FUNCTIONS:
        raise InputError(f"unknown function {name!r}; expected one of {', '.join(NAMED_FUNCTIONS)}")
    m = _positive(m, "m")
    if name != "an" and b is not None:
        raise InputError(f"--b is for the Arkadev-Nikhil function 'an' only (got b = {b} with {name!r})")
    if name == "ip":
        return _frozen(_sylvester(_side_bits(m, f"ip with m = {m}")))
    if name == "disj":
        i = _indices(_side_bits(m, f"disj with m = {m}"))
        return _frozen(np.where((i[:, None] & i[None, :]) == 0, -1, 1).astype(np.int8))
    if name == "rs":
        half = _side_bits(m**3, f"rs with m = {m} (m^3 bits per side)")
        i = _indices(half)
        both = ~(i[:, None] | i[None, :])  # bit set where x and y are both +1 (bits 0)
        ok = np.ones(both.shape, dtype=bool)
        for row in range(m):
            low = half - (row + 1) * m * m  # coordinates row*m^2 .. (row+1)*m^2 - 1, MSB first
            mask = ((1 << (m * m)) - 1) << low
            ok &= (both & mask) != 0
        return _frozen(np.where(ok, 1, -1).astype(np.int8))
    a = m
    if b is None:
        raise InputError("the Arkadev-Nikhil function needs --b (bits per OR block) as well as --m (blocks)")
    b = _positive(b, "b")
    half = _side_bits(a * b, f"an with a = {a}, b = {b} (ab bits per side)")
    i = _indices(half)
    xor = i[:, None] ^ i[None, :]  # bit set where x_t y_t = -1
    values = np.ones(xor.shape, dtype=np.int8)
    decided = np.zeros(xor.shape, dtype=bool)
    for block in range(a, 0, -1):  # the largest 1-based block index with u_block = +1 decides
        low = half - block * b
        mask = ((1 << b) - 1) << low
        on = (xor & mask) != mask  # u = +1 unless every product in the block is -1
        newly = on & ~decided
        values[newly] = -1 if block % 2 == 1 else 1
        decided |= on
    return _frozen(values)


def named_sign_representation(name: str, m: int, b: int | None = None) -> ExactMatrix:
    """A real (integer) matrix whose signs are the named function's matrix, of small rank.

    * ``"disj"``: ``2 <z, w> - 1`` (``z, w`` the bits; ``rank <= m + 1``);
    * ``"an"``: ``1 - 2 sum_i (-1)^(i+1) 2^i (1 + u_i)`` with ``u_i = OR_b(x_i y_i)``, the ODD-MAX-BIT
      threshold of Mukherjee & Basu eq. (3) (``rank <= 1 + a (2^b + 1)``);
    * ``"rs"``: ``2 prod_i (sum_j [x_ij = y_ij = +1]) - 1`` (``rank <= 1 + (m^2)^m``);
    * ``"ip"``: the matrix itself (no smaller representation is built).

    Every entry is nonzero and has the sign of the function (checked by
    :func:`exactnets.signrank.check_sign_agreement` whenever a bound uses it).

    >>> named_sign_representation("disj", 1).numerators.tolist()
    [[-1, -1], [-1, 1]]
    """
    target = named_matrix(name, m, b)  # validates the arguments
    if name == "ip":
        return target
    if name == "disj":
        i = _indices(m)
        common = np.bitwise_count(i[:, None] & i[None, :]).astype(np.int64)
        return ExactMatrix(2 * common - 1, 1)
    if name == "rs":
        half = m**3
        i = _indices(half)
        both = ~(i[:, None] | i[None, :])
        product = np.ones(both.shape, dtype=np.int64)
        for row in range(m):
            low = half - (row + 1) * m * m
            mask = ((1 << (m * m)) - 1) << low
            product *= np.bitwise_count(both & np.array(mask, dtype=both.dtype)).astype(np.int64)
        return ExactMatrix(2 * product - 1, 1)
    a = m
    half = a * b
    i = _indices(half)
    xor = i[:, None] ^ i[None, :]
    total = np.zeros(xor.shape, dtype=np.int64)
    for block in range(1, a + 1):
        low = half - block * b
        mask = ((1 << b) - 1) << low
        u = np.where((xor & mask) != mask, 1, -1).astype(np.int64)
        total += (-1) ** (block + 1) * 2**block * (1 + u)
    return ExactMatrix(1 - 2 * total, 1)


def table_matrix(table: TruthTable, k: int) -> ExactMatrix:
    """The ±1 communication matrix of a truth table, ``x`` = the first ``k`` inputs.

    >>> from exactnets.boolean import inner_product_mod2
    >>> table_matrix(inner_product_mod2(2), 2) == named_matrix("ip", 2)
    True
    """
    return ExactMatrix(np.asarray(communication_matrix(table, k)), 1)


def pre_threshold_network(net: Network) -> Network:
    """``net`` with its output activation replaced by ``linear`` when it is ``ltf`` or ``step``.

    The output of the result is the value the top threshold reads; ``net`` itself otherwise.
    """
    last = net.layers[-1]
    if last.activation not in ("ltf", "step"):
        return net
    return Network(net.input_dim, [*net.layers[:-1], Layer("linear", last.weights, last.bias)], net.name, net.meta)


ENTRY_KINDS = ("value", "pre", "sign")


def network_matrix(net: Network, k: int, *, entries: str = "value", output: int = 0) -> ExactMatrix:
    """The communication matrix of a network's output ``output``, ``x`` = its first ``k`` inputs.

    ``entries``: ``"value"`` (the exact output), ``"pre"`` (the value before a top ``ltf``/``step``;
    the output itself for other activations) or ``"sign"`` (``sgn`` of ``"pre"``, sgn(0) = +1: the
    ±1 function the network decides).  Evaluation is exact and batched
    (:func:`exactnets.evaluate.iter_cube_chunks`), never a Python loop per entry.

    >>> net = Network(2, [Layer("relu", [[1, 1]], [0]), Layer("linear", [["1/2"]], [0])])
    >>> network_matrix(net, 1).rows()
    [[Fraction(1, 1), Fraction(0, 1)], [Fraction(0, 1), Fraction(0, 1)]]
    """
    if not isinstance(net, Network):
        raise InputError(f"network_matrix needs a Network (got {type(net).__name__})")
    n = net.input_dim
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= int(k) <= n:
        raise InputError(f"the split K must be an integer between 0 and the {n} inputs of the network (got {k!r})")
    k = int(k)
    if max(k, n - k) > MAX_SIDE_BITS:
        raise InputError(f"splitting {n} inputs at K = {k} gives a 2^{k} x 2^{n - k} matrix; "
                         f"at most 2^{MAX_SIDE_BITS} rows and columns are supported")
    if entries not in ENTRY_KINDS:
        raise InputError(f"entries must be one of {', '.join(ENTRY_KINDS)} (got {entries!r})")
    if not 0 <= output < net.output_dim:
        raise ShapeError(f"output {output} is out of range 0..{net.output_dim - 1}")
    source = net if entries == "value" else pre_threshold_network(net)
    parts = []
    scale = 1
    with blas_threads("auto"):  # the evaluator's float64 products: one thread on a busy machine
        for _, numerators, scale in iter_cube_chunks(source):
            column = numerators[:, output]
            parts.append(np.where(column >= 0, 1, -1).astype(np.int8) if entries == "sign" else column)
    if entries == "sign":
        scale = 1
    values = np.concatenate(parts) if len(parts) > 1 else parts[0]
    if values.dtype == object:
        values = np.array(values.tolist(), dtype=object)
    return ExactMatrix(np.ascontiguousarray(values.reshape(1 << k, 1 << (n - k))), scale)


# -- sources ------------------------------------------------------------------------------------------------

SOURCE_KINDS = ("function", "representation", "network", "rows", "table")


@dataclasses.dataclass(frozen=True, eq=False)
class MatrixSource:
    """How to build a matrix, as plain JSON: what certificates store so that they can be re-checked alone.

    ``kind`` and its parameters:

    * ``"function"``: ``name`` (ip, disj, rs, an), ``m``, and ``b`` for an — :func:`named_matrix`;
    * ``"representation"``: the same keys — :func:`named_sign_representation`;
    * ``"network"``: ``network`` (an ``exactnets.network/1`` document), ``split``, ``entries``
      (value, pre, sign), ``output``, and optionally ``shift`` (a rational added to every entry,
      as in CLAIMS.md MB-TopNonzero) — :func:`network_matrix`;
    * ``"table"``: ``values`` (the 2^n truth-table values, ±1) and ``split`` — :func:`table_matrix`;
    * ``"rows"``: ``rows``, the entries themselves (numbers as in network files).

    >>> source = MatrixSource("function", {"name": "ip", "m": 2})
    >>> source.build() == named_matrix("ip", 2), source.to_json()
    (True, {'kind': 'function', 'name': 'ip', 'm': 2})
    """

    kind: str
    params: Mapping[str, Any]

    def __post_init__(self) -> None:
        if self.kind not in SOURCE_KINDS:
            raise InputError(f"unknown matrix source kind {self.kind!r}; expected one of {', '.join(SOURCE_KINDS)}")

    # constructors
    @classmethod
    def function(cls, name: str, m: int, b: int | None = None) -> "MatrixSource":
        params: dict[str, Any] = {"name": name, "m": m}
        if b is not None:
            params["b"] = b
        return cls("function", params)

    @classmethod
    def representation(cls, name: str, m: int, b: int | None = None) -> "MatrixSource":
        return cls("representation", cls.function(name, m, b).params)

    @classmethod
    def network(cls, net: Network, split: int, entries: str = "value", output: int = 0,
                shift: Fraction | None = None) -> "MatrixSource":
        from exactnets.io.network_json import network_to_json

        params: dict[str, Any] = {"network": network_to_json(net), "split": split, "entries": entries, "output": output}
        if shift:
            params["shift"] = format_rational(shift)
        source = cls("network", params)
        object.__setattr__(source, "_net", net)
        return source

    @classmethod
    def rows(cls, matrix: Any) -> "MatrixSource":
        exact = as_exact_matrix(matrix)
        source = cls("rows", {"rows": exact.format_entries()})
        object.__setattr__(source, "_built", exact)
        return source

    @classmethod
    def table(cls, table: TruthTable, split: int) -> "MatrixSource":
        return cls("table", {"values": table.values.tolist(), "split": split})

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, **dict(self.params)}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any], source: str = "<memory>") -> "MatrixSource":
        from exactnets.errors import FileFormatError

        if not isinstance(doc, Mapping) or doc.get("kind") not in SOURCE_KINDS:
            raise FileFormatError(f"expected a matrix source with \"kind\" one of {', '.join(SOURCE_KINDS)}",
                                  path=source, place="matrix")
        return cls(doc["kind"], {key: value for key, value in doc.items() if key != "kind"})

    def describe(self) -> str:
        p = self.params
        if self.kind in ("function", "representation"):
            extra = f", b={p['b']}" if "b" in p else ""
            what = "sign representation of " if self.kind == "representation" else ""
            return f"{what}{p.get('name')}(m={p.get('m')}{extra})"
        if self.kind == "network":
            name = p.get("network", {}).get("name") if isinstance(p.get("network"), Mapping) else None
            return f"network {name or ''} split {p.get('split')} ({p.get('entries')})".replace("  ", " ")
        if self.kind == "table":
            return f"truth table split {p.get('split')}"
        return "matrix given by its rows"

    def build(self, where: str = "<memory>") -> ExactMatrix:
        """The matrix; problems with the parameters raise InputError (FileFormatError from files)."""
        built = self.__dict__.get("_built")
        if built is not None:
            return built
        p = self.params
        if self.kind in ("function", "representation"):
            unknown = set(p) - {"name", "m", "b"}
            if unknown:
                raise InputError(f"{where}: unknown keys {sorted(unknown)} in a {self.kind} source")
            maker = named_matrix if self.kind == "function" else named_sign_representation
            built = maker(p.get("name"), p.get("m"), p.get("b"))
        elif self.kind == "network":
            unknown = set(p) - {"network", "split", "entries", "output", "shift"}
            if unknown:
                raise InputError(f"{where}: unknown keys {sorted(unknown)} in a network source")
            net = self.__dict__.get("_net")
            if net is None:
                from exactnets.io.network_json import network_from_json

                net = network_from_json(p.get("network"), source=f"{where}: matrix.network")
            built = network_matrix(net, p.get("split"), entries=p.get("entries", "value"), output=p.get("output", 0))
            if p.get("shift") is not None:
                shift = as_rational(p["shift"], what=f"{where}: matrix.shift")
                built = add_constant(built, shift)
        elif self.kind == "table":
            values = p.get("values")
            built = table_matrix(TruthTable.from_values(values), p.get("split"))
        else:
            from exactnets.io.matrix_json import matrix_from_json

            built = matrix_from_json({"format": "exactnets.matrix/1", "rows": p.get("rows")}, source=where)
        object.__setattr__(self, "_built", built)
        return built


def add_constant(matrix: ExactMatrix, constant: Fraction) -> ExactMatrix:
    """``matrix + constant J`` exactly (a new denominator when needed).

    >>> add_constant(ExactMatrix(np.array([[1, -2]]), 2), Fraction(1, 3)).rows()
    [[Fraction(5, 6), Fraction(-2, 3)]]
    """
    constant = Fraction(constant)
    import math

    d = math.lcm(matrix.denominator, constant.denominator)
    factor = d // matrix.denominator
    shift = constant.numerator * (d // constant.denominator)
    values = matrix.numerators
    if values.dtype != object:
        peak = int(np.abs(values).max()) if values.size else 0
        if peak * factor + abs(shift) < 2**62:
            return ExactMatrix(values.astype(np.int64) * factor + shift, d)
        values = values.astype(object)
    return ExactMatrix(values * factor + shift, d)
