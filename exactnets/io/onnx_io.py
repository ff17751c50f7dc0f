"""ONNX files in and out, exactly.

Reading (:func:`read_onnx`, :func:`onnx_to_network`)
-----------------------------------------------------
Every float in the file (initializers and ``Constant`` nodes, float16/32/64) enters at its exact
binary value: ``0.1f`` becomes ``13421773/134217728``, never one tenth.  ``round_decimals=K``
rounds each stored float to ``K`` decimals instead (half to even, exactly), and the network's
``meta["onnx"]`` records that it did and the largest change.

The graph is walked once, in its (topological) node order.  Every tensor is one of

* a *constant*: an exact array (Fractions for reals, Python ints for integer tensors), folded
  exactly whatever the operator (``Sub``/``Div`` normalisations, ``Reshape`` targets built by
  ``Shape``/``Gather``/``Concat``...);
* an *affine* function ``A h + c`` of the current hidden vector ``h`` (the network input, or the
  output of the last activation); ``MatMul``, ``Gemm``, ``Add``, ``Sub``, ``Mul``, ``Div``,
  ``Neg`` with a constant fold into ``A`` and ``c`` exactly, so consecutive affine operators
  become one layer;
* a *condition* ``t >= 0`` (``GreaterOrEqual(t, 0)`` or ``LessOrEqual(0, t)``), waiting for the
  ``Cast`` or ``Where`` that turns it into numbers.

Activations close a layer: ``Relu`` (and ``Clip(0, inf)``, ``Max(t, 0)``) -> ``relu``;
``Clip(-1, 1)`` -> ``hardtanh``; ``Cast(t >= 0)`` -> ``step``; ``Where(t >= 0, 1, -1)`` -> ``ltf``
(``Where(t >= 0, a, b)`` in general -> a ``step`` layer followed by the affine map
``(a - b) s + b``).  ``Identity``, ``Flatten``, ``Reshape``, ``Squeeze``, ``Unsqueeze``, ``Dropout``
(inference) and float ``Cast`` only change the shape: the flat C-order vector stays the same.

Refused, with the node named: ``Sign`` (ONNX says ``Sign(0) = 0``; exactnets' ``ltf(0) = +1``, so
the two differ on the hyperplane ``t = 0`` and no layer of ours equals it), ``Greater``/``Less``
(strict comparisons give ``0`` at ``t = 0``, our ``step`` gives ``1``), convolutions, pooling,
attention, every operator that is not piecewise linear (``Sigmoid``, ``Softmax``, ``Tanh``...),
products of two input-dependent tensors, and graphs that are not one chain of layers.

Every operator is read as its exact real-arithmetic meaning.  The float rounding of a runtime is
not modelled: a constant subgraph ``Mul(W, 2)`` folds to the exact product, and a ``Cast`` between
float types (say float64 -> float32) keeps the exact value rather than rounding it, just as
``MatMul`` and ``Add`` on the input-dependent tensors are exact here and rounded in onnxruntime.

The batch dimension may be ``1`` or symbolic; the input may have any shape whose elements form
the input vector (``[1, 5]``, ``[1, 1, 1, 5]``, ``[N, 784]``), in C order.

Writing (:func:`network_to_onnx`, :func:`write_onnx`)
-----------------------------------------------------
One ``MatMul`` + ``Add`` per layer (weights stored transposed, ``[in, out]``) and then ``Relu``,
``Clip(-1, 1)``, ``Cast(GreaterOrEqual(t, 0))`` for ``step`` or
``Where(GreaterOrEqual(t, 0), 1, -1)`` for ``ltf`` -- exact ONNX forms of our activations, ties
included, which this reader maps back to the same layers.  The input is ``[batch, n]`` with a
symbolic batch.  Weights are float64 (or float32 on request); a rational that the float type
cannot hold exactly is refused unless ``allow_rounding=True``, and the :class:`RoundingReport`
then says how many entries moved and by how much at most.  Round trips ``Network -> ONNX ->
Network`` are exact whenever every weight is a float of the chosen type.  The network's ``name``
travels in the model's metadata (``exactnets.name``); ``meta`` does not.  A hidden ``linear`` layer
is written as ``MatMul`` + ``Add`` with no activation, and reading folds it into the next layer:
the same function, one layer fewer.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.errors import FileFormatError, InputError
from exactnets.network import Layer, Network
from exactnets.rational import format_rational, rational_from_float

__all__ = [
    "read_onnx",
    "onnx_to_network",
    "write_onnx",
    "network_to_onnx",
    "float_rounding",
    "RoundingReport",
    "OPSET",
]

#: The opset of the files :func:`write_onnx` writes (GreaterOrEqual needs 12, Clip inputs 11).
OPSET = 17
#: The IR version written: old enough for every onnxruntime of the last years.
IR_VERSION = 8

_ZERO = Fraction(0)
_ONE = Fraction(1)

_SHAPE_ONLY = {"Identity", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Dropout"}
_NOT_PWL = {
    "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Exp", "Log", "Sqrt", "Pow", "Erf", "Gelu", "Elu", "Selu",
    "Softplus", "Softsign", "HardSigmoid", "HardSwish", "Mish", "Sin", "Cos", "Reciprocal", "Celu", "Swish",
}
_NOT_DENSE = {
    "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization",
    "LayerNormalization", "Attention", "MultiHeadAttention", "LSTM", "GRU", "RNN", "Resize", "Upsample", "Pad",
    "Slice", "Split", "LRN", "InstanceNormalization", "Einsum", "Loop", "If", "Scan",
}
_KNOWN = ("MatMul, Gemm, Add, Sub, Mul, Div, Neg, Relu, Clip(-1,1), Max(t,0), GreaterOrEqual(t,0) with Cast/Where, "
          "Identity, Flatten, Reshape, Squeeze, Unsqueeze, Dropout, Cast, Constant, Shape, Gather, Concat")


# -- values flowing through the graph ---------------------------------------------------------------

@dataclasses.dataclass
class _Const:
    """An exact constant tensor: Fractions (``real``), Python ints (``int``) or bools (``bool``)."""

    array: np.ndarray
    kind: str


@dataclasses.dataclass
class _Affine:
    """``A h + c`` on the hidden vector ``h`` of ``level`` (0: the input; k: after k layers).

    ``A`` is ``None`` for the identity, a 1-D array for a diagonal, or a 2-D ``m x width`` array;
    ``c`` has ``m`` entries and ``shape`` is the tensor's ONNX shape (batch counted as 1).
    """

    level: int
    shape: tuple[int, ...]
    A: np.ndarray | None
    c: np.ndarray

    @property
    def size(self) -> int:
        return len(self.c)


@dataclasses.dataclass
class _Cond:
    """The Boolean tensor ``t >= 0`` for an affine ``t``."""

    affine: _Affine


def _zeros(n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out[:] = [_ZERO] * n
    return out


def _obj(values: Sequence[Any], shape: tuple[int, ...] | None = None) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out.reshape(shape) if shape is not None else out


def _dense(A: np.ndarray | None, width: int) -> np.ndarray:
    if A is None:
        out = np.empty((width, width), dtype=object)
        out[:] = _ZERO
        for i in range(width):
            out[i, i] = _ONE
        return out
    if A.ndim == 1:
        out = np.empty((len(A), len(A)), dtype=object)
        out[:] = _ZERO
        for i, v in enumerate(A):
            out[i, i] = v
        return out
    return A


def _left_multiply(M: np.ndarray, A: np.ndarray | None) -> np.ndarray:
    """``M @ A`` for a dense ``M`` and ``A`` in the affine's representation (exact)."""
    if A is None:
        return M
    if A.ndim == 1:
        return M * A[None, :]
    return M.dot(A)


def _row_scale(s: np.ndarray, A: np.ndarray | None) -> np.ndarray:
    """``diag(s) @ A`` exactly."""
    if A is None:
        return s.copy()
    if A.ndim == 1:
        return s * A
    return A * s[:, None]


# -- the reader --------------------------------------------------------------------------------------

class _Reader:
    def __init__(self, model: Any, source: str, round_decimals: int | None):
        self.model = model
        self.graph = model.graph
        self.source = source
        self.round_decimals = round_decimals
        self.rounded = 0
        self.max_change = _ZERO
        self.layers: list[Layer] = []
        self.widths: list[int] = []
        self.values: dict[str, Any] = {}
        self.place = ""

    # errors name the file and the node
    def fail(self, message: str, place: str | None = None) -> FileFormatError:
        return FileFormatError(message, path=self.source, place=place if place is not None else self.place or None)

    # -- numbers -------------------------------------------------------------------------------
    def _real(self, value: float, what: str) -> Fraction:
        if not math.isfinite(float(value)):
            raise self.fail(f"{what} holds {float(value)!r}; exactnets reads finite numbers only")
        exact = rational_from_float(float(value))
        if self.round_decimals is None:
            return exact
        rounded = round(exact, self.round_decimals)
        if rounded != exact:
            self.rounded += 1
            self.max_change = max(self.max_change, abs(rounded - exact))
        return rounded

    def tensor(self, proto: Any, what: str) -> _Const:
        from onnx import numpy_helper

        try:
            array = numpy_helper.to_array(proto)
        except Exception as error:  # truncated raw_data, missing external file, unknown type
            raise self.fail(f"{what} cannot be read ({type(error).__name__}: {error})") from None
        return self.from_numpy(array, what)

    def from_numpy(self, array: np.ndarray, what: str) -> _Const:
        array = np.asarray(array)
        if array.dtype.kind == "f" or str(array.dtype) == "bfloat16":
            flat = array.astype(np.float64).ravel()
            return _Const(_obj([self._real(v, what) for v in flat], array.shape), "real")
        if array.dtype.kind in "iu":
            return _Const(_obj([int(v) for v in array.ravel()], array.shape), "int")
        if array.dtype.kind == "b":
            return _Const(_obj([bool(v) for v in array.ravel()], array.shape), "bool")
        raise self.fail(f"{what} has element type {array.dtype}, which exactnets cannot read; "
                        f"weights must be float16, float32 or float64")

    # -- looking values up ------------------------------------------------------------------------
    def get(self, name: str) -> Any:
        if name == "":
            return None
        try:
            return self.values[name]
        except KeyError:
            raise self.fail(f"the input tensor {name!r} is neither a graph input, an initializer nor the output "
                            f"of an earlier node (a missing initializer, or nodes out of topological order)") from None

    def const(self, value: Any, role: str) -> _Const:
        if not isinstance(value, _Const):
            raise self.fail(f"{role} must be a constant, but it depends on the network input")
        return value

    def level_width(self, level: int) -> int:
        return self.widths[level]

    def current(self) -> int:
        return len(self.layers)

    def check_level(self, a: _Affine, what: str) -> None:
        if a.level != self.current():
            raise self.fail(f"{what} uses a tensor computed before layer {a.level + 1} was closed; exactnets reads "
                            f"networks that are one chain of layers (no skip connections or parallel branches)")

    def int_list(self, value: Any, role: str) -> list[int]:
        c = self.const(value, role)
        if c.kind != "int":
            raise self.fail(f"{role} must be an integer tensor (got {c.kind} values)")
        return [int(v) for v in c.array.ravel()]

    # -- shapes --------------------------------------------------------------------------------------
    def reshape_target(self, shape: tuple[int, ...], target: list[int]) -> tuple[int, ...]:
        size = math.prod(shape)
        out = []
        for i, d in enumerate(target):
            if d == 0:
                if i >= len(shape):
                    raise self.fail(f"Reshape target {target} copies dimension {i}, which the input {list(shape)} lacks")
                out.append(shape[i])
            else:
                out.append(d)
        if out.count(-1) > 1:
            raise self.fail(f"Reshape target {target} has more than one -1")
        if -1 in out:
            known = math.prod(d for d in out if d != -1)
            if known == 0 or size % known:
                raise self.fail(f"cannot reshape {list(shape)} ({size} elements) to {target}")
            out[out.index(-1)] = size // known
        if any(d < 0 for d in out) or math.prod(out) != size:
            raise self.fail(f"cannot reshape {list(shape)} ({size} elements) to {target}")
        return tuple(out)

    def new_shape(self, op: str, node: Any, shape: tuple[int, ...], inputs: list[Any]) -> tuple[int, ...]:
        attrs = self.attrs(node)
        if op in ("Identity", "Dropout", "Cast"):
            return shape
        if op == "Flatten":
            axis = int(attrs.get("axis", 1))
            axis = axis + len(shape) if axis < 0 else axis
            if not 0 <= axis <= len(shape):
                raise self.fail(f"Flatten axis {attrs.get('axis')} is out of range for shape {list(shape)}")
            return (math.prod(shape[:axis]), math.prod(shape[axis:]))
        if op == "Reshape":
            if len(inputs) < 2 or inputs[1] is None:
                raise self.fail("Reshape needs its target shape as a second input")
            return self.reshape_target(shape, self.int_list(inputs[1], "the Reshape target shape"))
        if op in ("Squeeze", "Unsqueeze"):
            axes = attrs.get("axes")
            if axes is None and len(inputs) > 1 and inputs[1] is not None:
                axes = self.int_list(inputs[1], f"the {op} axes")
            if op == "Squeeze":
                if axes is None:
                    return tuple(d for d in shape if d != 1)
                axes = sorted(a + len(shape) if a < 0 else a for a in axes)
                if any(not 0 <= a < len(shape) or shape[a] != 1 for a in axes):
                    raise self.fail(f"Squeeze axes {axes} do not name dimensions of size 1 in {list(shape)}")
                return tuple(d for i, d in enumerate(shape) if i not in axes)
            if axes is None:
                raise self.fail("Unsqueeze needs axes")
            rank = len(shape) + len(axes)
            axes = sorted(a + rank if a < 0 else a for a in axes)
            out = list(shape)
            for a in axes:
                if not 0 <= a <= len(out):
                    raise self.fail(f"Unsqueeze axis {a} is out of range for shape {list(shape)}")
                out.insert(a, 1)
            return tuple(out)
        raise AssertionError(op)  # pragma: no cover

    @staticmethod
    def attrs(node: Any) -> dict[str, Any]:
        from onnx import helper

        out = {}
        for a in node.attribute:
            value = helper.get_attribute_value(a)
            out[a.name] = value.decode() if isinstance(value, bytes) else value
        return out

    # -- the walk ------------------------------------------------------------------------------------
    def run(self) -> Network:
        graph = self.graph
        initializers = {init.name for init in graph.initializer}
        for init in graph.initializer:
            self.values[init.name] = self.tensor(init, f"initializer {init.name!r}")
        inputs = [i for i in graph.input if i.name not in initializers]
        if len(inputs) != 1:
            names = ", ".join(repr(i.name) for i in inputs) or "none"
            raise self.fail(f"expected exactly one graph input (the network input), found {len(inputs)}: {names}")
        if len(graph.output) != 1:
            raise self.fail(f"expected exactly one graph output, found {len(graph.output)}")
        shape = self.input_shape(inputs[0])
        n = math.prod(shape)
        self.widths.append(n)
        self.values[inputs[0].name] = _Affine(0, shape, None, _zeros(n))
        needed = self.needed_nodes(graph.output[0].name)
        for index, node in enumerate(graph.node):
            if index not in needed:
                continue
            label = f" {node.name!r}" if node.name else ""
            self.place = f"node {index} ({node.op_type}{label})"
            outputs = self.node(node)
            for name, value in zip(node.output, outputs):
                if name:
                    self.values[name] = value
        self.place = f"graph output {graph.output[0].name!r}"
        return self.finish(self.get(graph.output[0].name))

    def needed_nodes(self, output: str) -> set[int]:
        producer = {}
        for index, node in enumerate(self.graph.node):
            for name in node.output:
                producer[name] = index
        needed: set[int] = set()
        stack = [output]
        while stack:
            name = stack.pop()
            index = producer.get(name)
            if index is None or index in needed:
                continue
            needed.add(index)
            stack.extend(self.graph.node[index].input)
        return needed

    def input_shape(self, value_info: Any) -> tuple[int, ...]:
        place = f"graph input {value_info.name!r}"
        tensor_type = value_info.type.tensor_type
        if not value_info.type.HasField("tensor_type"):
            raise self.fail("the network input is not a tensor", place)
        if tensor_type.elem_type not in (1, 10, 11, 16):  # float, float16, double, bfloat16
            raise self.fail(f"the network input has element type {tensor_type.elem_type}; expected a float tensor", place)
        if not tensor_type.HasField("shape"):
            raise self.fail("the network input has no shape; exactnets needs the number of inputs", place)
        dims = []
        for d in tensor_type.shape.dim:
            if d.HasField("dim_value"):
                if d.dim_value <= 0:
                    raise self.fail(f"the network input has a dimension of size {d.dim_value}", place)
                dims.append(d.dim_value)
            else:
                dims.append(1)  # a symbolic (batch) dimension: one point at a time
        if not dims:
            dims = [1]
        return tuple(dims)

    def finish(self, value: Any) -> Network:
        if isinstance(value, _Cond):
            raise self.fail("the network output is a Boolean tensor; Cast it to float or use Where")
        if isinstance(value, _Const):
            if value.kind == "bool":
                raise self.fail("the network output is a Boolean constant")
            flat = value.array.ravel()
            width = self.level_width(self.current())
            A = _obj([_ZERO] * (len(flat) * width), (len(flat), width))
            value = _Affine(self.current(), value.array.shape, A, _obj([Fraction(v) for v in flat]))
        if value.level != self.current():
            raise self.fail("the output does not use the last layer; exactnets reads networks that are one chain of layers")
        if value.A is None and self.layers and all(v == 0 for v in value.c):
            layers = self.layers
        else:
            layers = [*self.layers, self.layer("linear", value)]
        meta: dict[str, Any] = {"onnx": {"producer": self.model.producer_name or "", "graph": self.graph.name or ""}}
        if self.round_decimals is not None:
            meta["onnx"]["round_decimals"] = self.round_decimals
            meta["onnx"]["rounded_values"] = self.rounded
            meta["onnx"]["max_rounding_change"] = format_rational(self.max_change)
        name = ""
        for prop in self.model.metadata_props:
            if prop.key == "exactnets.name":
                name = prop.value
        return Network(self.widths[0], layers, name=name, meta=meta)

    def layer(self, activation: str, a: _Affine) -> Layer:
        self.check_level(a, f"this {activation} layer")
        width = self.level_width(a.level)
        A = _dense(a.A, width)
        if A.shape != (a.size, width):  # pragma: no cover - kept consistent by construction
            raise self.fail(f"internal shape mismatch {A.shape} vs {(a.size, width)}")
        return Layer(activation, A.tolist(), list(a.c), where=self.place or "layer")

    def close(self, activation: str, a: _Affine) -> _Affine:
        """Emit ``activation(A h + c)`` as a layer; the result is the identity on the new level."""
        self.layers.append(self.layer(activation, a))
        self.widths.append(a.size)
        return _Affine(self.current(), a.shape, None, _zeros(a.size))

    # -- one node -----------------------------------------------------------------------------------
    def node(self, node: Any) -> list[Any]:
        op = node.op_type
        if node.domain not in ("", "ai.onnx"):
            raise self.fail(f"unsupported operator {node.domain}.{op}: only standard ONNX operators are read")
        inputs = [self.get(name) for name in node.input]
        attrs = self.attrs(node)
        if op == "Constant":
            return [self.constant_node(attrs)]
        if op == "Sign":
            raise self.fail("unsupported operator Sign: ONNX defines Sign(0) = 0, but exactnets' ltf has ltf(0) = +1, so "
                            "the two differ where the pre-activation is exactly 0 and no exactnets layer equals it; "
                            "export Where(GreaterOrEqual(t, 0), 1, -1) for ltf or Cast(GreaterOrEqual(t, 0)) for step")
        if op in ("Greater", "Less"):
            raise self.fail(f"unsupported operator {op}: a strict comparison gives 0 where t = 0 but exactnets' step "
                            f"and ltf give 1 (sgn(0) = +1); use GreaterOrEqual(t, 0) (or LessOrEqual(0, t))")
        if op in _NOT_PWL:
            raise self.fail(f"unsupported operator {op}: it is not piecewise linear, so no exact ReLU/threshold "
                            f"network equals it")
        if op in _NOT_DENSE:
            raise self.fail(f"unsupported operator {op}: exactnets reads fully connected networks ({_KNOWN})")
        if all(isinstance(v, _Const) or v is None for v in inputs) and op != "Shape":
            return self.fold(op, node, inputs, attrs)
        handler: Callable[[Any, list[Any], dict[str, Any]], list[Any]] | None = getattr(self, f"op_{op}", None)
        if handler is None:
            raise self.fail(f"unsupported operator {op}; exactnets reads {_KNOWN}")
        return handler(node, inputs, attrs)

    def constant_node(self, attrs: dict[str, Any]) -> _Const:
        if "value" in attrs:
            return self.tensor(attrs["value"], "the Constant value")
        for key in ("value_float", "value_floats"):
            if key in attrs:
                return self.from_numpy(np.array(attrs[key], dtype=np.float32), "the Constant value")
        for key in ("value_int", "value_ints"):
            if key in attrs:
                return _Const(_obj([int(v) for v in np.ravel(attrs[key])], np.shape(attrs[key])), "int")
        raise self.fail(f"unsupported Constant attributes {sorted(attrs)}")

    # constant folding, exactly
    def fold(self, op: str, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        arrays = [None if v is None else v.array for v in inputs]
        kinds = [None if v is None else v.kind for v in inputs]
        kind = "real" if "real" in kinds else (kinds[0] or "real")

        def out(array: Any, k: str = kind) -> list[Any]:
            array = np.asarray(array, dtype=object) if not isinstance(array, np.ndarray) or array.dtype != object else array
            if k == "real":
                array = _obj([Fraction(v) for v in array.ravel()], array.shape)
            return [_Const(array, k)]

        a = arrays[0]
        if op in ("Add", "Sub", "Mul", "Max", "Min"):
            b = arrays[1]
            result = {"Add": lambda: a + b, "Sub": lambda: a - b, "Mul": lambda: a * b,
                      "Max": lambda: np.maximum(a, b), "Min": lambda: np.minimum(a, b)}[op]()
            return out(result)
        if op == "Div":
            b = arrays[1]
            if any(v == 0 for v in np.ravel(b)):
                raise self.fail("division by zero in a constant")
            if kind == "int":
                if any(x % y for x, y in zip(*[np.ravel(v) for v in np.broadcast_arrays(a, b)])):
                    raise self.fail("integer Div that does not divide exactly")
                return out(a // b, "int")
            return out(np.vectorize(lambda x, y: Fraction(x) / Fraction(y), otypes=[object])(a, b))
        if op == "Neg":
            return out(-a)
        if op == "Relu":
            return out(np.vectorize(lambda x: x if x > 0 else _ZERO, otypes=[object])(a))
        if op == "MatMul":
            return out(np.matmul(a, arrays[1]))
        if op == "Gemm":
            return out(self.gemm_const(inputs, attrs))
        if op == "Cast":
            to = int(attrs.get("to", 1))
            if to in (1, 10, 11, 16):
                return out(a, "real")
            if to in (6, 7, 2, 3, 4, 5, 12, 13):
                if any(Fraction(v).denominator != 1 for v in a.ravel()):
                    raise self.fail("Cast of a non-integer constant to an integer type (it would round)")
                return out(np.vectorize(lambda x: int(x), otypes=[object])(a), "int")
            raise self.fail(f"Cast to element type {to} is not supported")
        if op in _SHAPE_ONLY:
            shape = self.new_shape(op, node, a.shape, inputs)
            return [_Const(a.reshape(shape), kinds[0])]
        if op == "Transpose":
            perm = attrs.get("perm")
            return [_Const(np.transpose(a, perm), kinds[0])]
        if op == "Concat":
            return [_Const(np.concatenate([v for v in arrays if v is not None], axis=int(attrs.get("axis", 0))), kind)]
        if op == "Gather":
            indices = np.asarray(arrays[1], dtype=np.int64)
            return [_Const(np.take(a, indices, axis=int(attrs.get("axis", 0))), kinds[0])]
        if op == "ConstantOfShape":
            shape = [int(v) for v in a.ravel()]
            value = self.tensor(attrs["value"], "the ConstantOfShape value") if "value" in attrs else _Const(_obj([_ZERO]), "real")
            return [_Const(np.full(shape, value.array.ravel()[0], dtype=object), value.kind)]
        if op == "Clip":
            low, high = self.clip_bounds(inputs, attrs)
            def clip(x: Any) -> Any:
                if low is not None and x < low:
                    return low
                if high is not None and x > high:
                    return high
                return x
            return out(np.vectorize(clip, otypes=[object])(a))
        raise self.fail(f"unsupported operator {op} (on constants); exactnets reads {_KNOWN}")

    def gemm_const(self, inputs: list[Any], attrs: dict[str, Any]) -> np.ndarray:
        a, b = inputs[0].array, inputs[1].array
        if attrs.get("transA", 0):
            a = a.T
        if attrs.get("transB", 0):
            b = b.T
        result = np.matmul(a, b) * self.exact_attr(attrs.get("alpha", 1.0))
        if len(inputs) > 2 and inputs[2] is not None:
            result = result + inputs[2].array * self.exact_attr(attrs.get("beta", 1.0))
        return result

    def exact_attr(self, value: float) -> Fraction:
        """A float attribute (Gemm alpha/beta) at its exact float32 value (ONNX stores them as float32)."""
        return rational_from_float(float(np.float32(value)))

    # handlers for nodes with at least one input-dependent operand
    def affine(self, value: Any, role: str) -> _Affine:
        if isinstance(value, _Cond):
            raise self.fail(f"{role} is a Boolean tensor; Cast it to float or use Where first")
        if not isinstance(value, _Affine):
            raise self.fail(f"{role} must depend on the network input")
        return value

    def broadcast_const(self, k: _Const, shape: tuple[int, ...], what: str) -> np.ndarray:
        if k.kind == "bool":
            raise self.fail(f"{what} is a Boolean tensor where a number was expected")
        try:
            result_shape = np.broadcast_shapes(k.array.shape, shape)
        except ValueError:
            raise self.fail(f"{what} of shape {list(k.array.shape)} does not broadcast to the tensor shape {list(shape)}") from None
        if tuple(result_shape) != tuple(shape):
            raise self.fail(f"{what} of shape {list(k.array.shape)} would enlarge the tensor {list(shape)} to "
                            f"{list(result_shape)}; exactnets reads one input vector at a time")
        return _obj([Fraction(v) for v in np.broadcast_to(k.array, shape).ravel()])

    def op_Add(self, node: Any, inputs: list[Any], attrs: dict[str, Any], sign: int = 1) -> list[Any]:
        x, y = inputs[0], inputs[1]
        if isinstance(x, _Affine) and isinstance(y, _Affine):
            if x.shape != y.shape:
                raise self.fail(f"{node.op_type} of two tensors of shapes {list(x.shape)} and {list(y.shape)}")
            if x.level != y.level:
                raise self.fail(f"{node.op_type} of tensors from different layers (a skip connection); exactnets reads "
                                f"one chain of layers")
            width = self.level_width(x.level)
            A = _dense(x.A, width) + sign * _dense(y.A, width)
            return [_Affine(x.level, x.shape, A, x.c + sign * y.c)]
        if isinstance(x, _Affine):
            k = self.broadcast_const(self.const(y, "the second operand"), x.shape, "the constant")
            return [_Affine(x.level, x.shape, x.A, x.c + sign * k)]
        a = self.affine(y, "the second operand")
        k = self.broadcast_const(self.const(x, "the first operand"), a.shape, "the constant")
        if sign == 1:
            return [_Affine(a.level, a.shape, a.A, a.c + k)]
        minus = _obj([-_ONE] * a.size)
        return [_Affine(a.level, a.shape, _row_scale(minus, a.A), k - a.c)]

    def op_Sub(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        return self.op_Add(node, inputs, attrs, sign=-1)

    def op_Neg(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        a = self.affine(inputs[0], "the operand")
        minus = _obj([-_ONE] * a.size)
        return [_Affine(a.level, a.shape, _row_scale(minus, a.A), -a.c)]

    def op_Mul(self, node: Any, inputs: list[Any], attrs: dict[str, Any], divide: bool = False) -> list[Any]:
        x, y = inputs[0], inputs[1]
        if isinstance(x, _Affine) and isinstance(y, _Affine):
            raise self.fail(f"{node.op_type} of two tensors that both depend on the input is not piecewise linear")
        if isinstance(x, _Affine):
            a, k = x, self.const(y, "the second operand")
        else:
            if divide:
                raise self.fail("Div by a tensor that depends on the input is not piecewise linear")
            a, k = self.affine(y, "the second operand"), self.const(x, "the first operand")
        s = self.broadcast_const(k, a.shape, "the constant factor")
        if divide:
            if any(v == 0 for v in s):
                raise self.fail("division by zero")
            s = _obj([1 / v for v in s])
        return [_Affine(a.level, a.shape, _row_scale(s, a.A), s * a.c)]

    def op_Div(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        return self.op_Mul(node, inputs, attrs, divide=True)

    def matmul(self, a: _Affine, W: np.ndarray, out_shape: tuple[int, ...]) -> _Affine:
        """``x W`` for a row vector ``x = A h + c`` and a constant ``k x p`` matrix ``W``."""
        Wt = W.T
        c = Wt.dot(a.c) if any(v != 0 for v in a.c) else _zeros(W.shape[1])
        return _Affine(a.level, out_shape, _left_multiply(Wt, a.A), c)

    def row_vector(self, a: _Affine, what: str) -> int:
        if any(d != 1 for d in a.shape[:-1]) or not a.shape:
            raise self.fail(f"{what} on a tensor of shape {list(a.shape)}: exactnets reads one input vector at a time "
                            f"(every dimension but the last must be 1)")
        return a.shape[-1]

    def op_MatMul(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        x, w = inputs[0], inputs[1]
        if isinstance(w, (_Affine, _Cond)):
            if isinstance(x, (_Affine, _Cond)):
                raise self.fail("MatMul of two tensors that both depend on the input is not piecewise linear")
            raise self.fail("MatMul with the input-dependent tensor on the right (W x) is not supported; "
                            "exactnets reads row-vector networks x W (as PyTorch and the VNN-COMP files export them)")
        a = self.affine(x, "the first operand")
        W = self.const(w, "the weight matrix").array
        k = self.row_vector(a, "MatMul")
        vector = W.ndim == 1
        if vector:
            W = W.reshape(-1, 1)
        if W.ndim != 2:
            raise self.fail(f"the MatMul weight has shape {list(W.shape)}; expected a matrix")
        if W.shape[0] != k:
            raise self.fail(f"MatMul of a tensor with {k} entries by a weight matrix of shape {list(W.shape)}; "
                            f"the weight needs {k} rows")
        W = _obj([Fraction(v) for v in W.ravel()], W.shape)
        shape = a.shape[:-1] if vector else (*a.shape[:-1], W.shape[1])
        return [self.matmul(a, W, shape)]

    def op_Gemm(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        a = self.affine(inputs[0], "Gemm's A")
        if len(a.shape) != 2:
            raise self.fail(f"Gemm's A has shape {list(a.shape)}; expected a matrix [1, k]")
        k = a.size
        if a.shape[0 if attrs.get("transA", 0) else 1] != k:
            raise self.fail(f"Gemm's A of shape {list(a.shape)} holds more than one row; exactnets reads one input vector at a time")
        if isinstance(inputs[1], (_Affine, _Cond)):
            raise self.fail("Gemm of two tensors that both depend on the input is not piecewise linear")
        B = self.const(inputs[1], "Gemm's B").array
        if B.ndim != 2:
            raise self.fail(f"Gemm's B has shape {list(B.shape)}; expected a matrix")
        if attrs.get("transB", 0):
            B = B.T
        if B.shape[0] != k:
            raise self.fail(f"Gemm of a tensor with {k} entries by B of shape {list(B.shape)} (after transB); "
                            f"B needs {k} rows")
        alpha = self.exact_attr(attrs.get("alpha", 1.0))
        W = _obj([Fraction(v) * alpha for v in B.ravel()], B.shape)
        result = self.matmul(a, W, (1, B.shape[1]))
        if len(inputs) > 2 and inputs[2] is not None:
            beta = self.exact_attr(attrs.get("beta", 1.0))
            bias = self.broadcast_const(self.const(inputs[2], "Gemm's C"), result.shape, "Gemm's C")
            result = _Affine(result.level, result.shape, result.A, result.c + bias * beta)
        return [result]

    def op_Relu(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        return [self.close("relu", self.affine(inputs[0], "the Relu input"))]

    def clip_bounds(self, inputs: list[Any], attrs: dict[str, Any]) -> tuple[Fraction | None, Fraction | None]:
        def bound(index: int, key: str) -> Fraction | None:
            if len(inputs) > index and inputs[index] is not None:
                values = self.const(inputs[index], f"the Clip {key}").array.ravel()
                if len(values) != 1:
                    raise self.fail(f"the Clip {key} must be a scalar")
                return Fraction(values[0])
            if key in attrs:
                return self.exact_attr(attrs[key])
            return None
        return bound(1, "min"), bound(2, "max")

    def op_Clip(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        a = self.affine(inputs[0], "the Clip input")
        low, high = self.clip_bounds(inputs, attrs)
        if low == -1 and high == 1:
            return [self.close("hardtanh", a)]
        if low == 0 and (high is None or high >= 3.4e38):
            return [self.close("relu", a)]
        raise self.fail(f"Clip({'-inf' if low is None else format_rational(low)}, "
                        f"{'inf' if high is None else format_rational(high)}) is not an exactnets activation; "
                        f"exactnets reads Clip(-1, 1) as hardtanh and Clip(0, inf) as relu")

    def op_Max(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        affines = [v for v in inputs if isinstance(v, _Affine)]
        consts = [v for v in inputs if isinstance(v, _Const)]
        if len(inputs) == 2 and len(affines) == 1 and len(consts) == 1 and all(v == 0 for v in consts[0].array.ravel()):
            return [self.close("relu", affines[0])]
        raise self.fail("Max is read only as Max(t, 0) (a ReLU)")

    def is_zero_const(self, value: Any) -> bool:
        return isinstance(value, _Const) and value.kind != "bool" and all(v == 0 for v in value.array.ravel())

    def op_GreaterOrEqual(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        x, y = inputs
        if isinstance(x, _Affine) and self.is_zero_const(y):
            self.broadcast_const(y, x.shape, "the comparison's 0")
            return [_Cond(x)]
        raise self.fail("GreaterOrEqual is read only as GreaterOrEqual(t, 0) with t depending on the input")

    def op_LessOrEqual(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        x, y = inputs
        if isinstance(y, _Affine) and self.is_zero_const(x):
            self.broadcast_const(x, y.shape, "the comparison's 0")
            return [_Cond(y)]
        raise self.fail("LessOrEqual is read only as LessOrEqual(0, t) with t depending on the input")

    def op_Cast(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        to = int(attrs.get("to", 1))
        value = inputs[0]
        if to not in (1, 10, 11, 16):
            raise self.fail(f"Cast of an input-dependent tensor to element type {to}; only float types keep it exact")
        if isinstance(value, _Cond):
            return [self.close("step", value.affine)]
        return [value]

    def op_Where(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        cond, a, b = inputs
        if not isinstance(cond, _Cond) or not isinstance(a, _Const) or not isinstance(b, _Const):
            raise self.fail("Where is read only as Where(GreaterOrEqual(t, 0), a, b) with constant a and b")
        shape = cond.affine.shape
        hi = self.broadcast_const(a, shape, "Where's first value")
        lo = self.broadcast_const(b, shape, "Where's second value")
        if all(v == 1 for v in hi) and all(v == -1 for v in lo):
            return [self.close("ltf", cond.affine)]
        s = self.close("step", cond.affine)  # Where(t >= 0, a, b) = (a - b) step(t) + b
        return [_Affine(s.level, s.shape, _row_scale(hi - lo, s.A), lo)]

    def op_Shape(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        value = inputs[0]
        shape = value.array.shape if isinstance(value, _Const) else (value.affine if isinstance(value, _Cond) else value).shape
        shape = list(shape)[attrs.get("start", 0):attrs.get("end", len(shape))] if ("start" in attrs or "end" in attrs) else list(shape)
        return [_Const(_obj([int(d) for d in shape], (len(shape),)), "int")]

    def shape_only(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        value = inputs[0]
        if isinstance(value, _Cond):
            raise self.fail(f"{node.op_type} of a Boolean tensor; Cast it or use Where first")
        a = self.affine(value, f"the {node.op_type} input")
        return [_Affine(a.level, self.new_shape(node.op_type, node, a.shape, inputs), a.A, a.c)]

    op_Identity = op_Flatten = op_Reshape = op_Squeeze = op_Unsqueeze = op_Dropout = shape_only

    def op_Transpose(self, node: Any, inputs: list[Any], attrs: dict[str, Any]) -> list[Any]:
        a = self.affine(inputs[0], "the Transpose input")
        perm = attrs.get("perm") or list(range(len(a.shape)))[::-1]
        if sum(1 for d in a.shape if d != 1) <= 1:  # a vector: transposing moves no element
            return [_Affine(a.level, tuple(a.shape[p] for p in perm), a.A, a.c)]
        raise self.fail("Transpose of an input-dependent tensor with more than one non-trivial dimension is not supported")


def _load_model(path: str) -> Any:
    import onnx
    from google.protobuf.message import DecodeError

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise FileFormatError(f"cannot read the file: {error.strerror or error}", path=path) from None
    if not data:
        raise FileFormatError("the file is empty; expected an ONNX model", path=path)
    try:
        model = onnx.load_from_string(data)
    except (DecodeError, ValueError, RuntimeError) as error:
        raise FileFormatError(f"not a valid ONNX file (protobuf: {error}); is it truncated?", path=path) from None
    if not model.HasField("graph") or not model.graph.node and not model.graph.input:
        raise FileFormatError("not an ONNX model (no graph found); is it truncated or another kind of file?", path=path)
    if any(init.data_location == 1 for init in model.graph.initializer):  # external data next to the file
        from onnx.external_data_helper import load_external_data_for_model

        try:
            load_external_data_for_model(model, os.path.dirname(os.path.abspath(path)))
        except Exception as error:
            raise FileFormatError(f"cannot load the external weight data ({error})", path=path) from None
    return model


def onnx_to_network(model: Any, *, source: str = "<onnx model>", round_decimals: int | None = None) -> Network:
    """The exact :class:`~exactnets.network.Network` of an ``onnx.ModelProto`` (see the module docstring).

    Parameters
    ----------
    model
        The loaded ONNX model.
    source
        What error messages call it (a file name).
    round_decimals
        ``None`` (default): every float is read at its exact binary value.  ``K >= 0``: each float
        stored in the file is rounded to ``K`` decimals (half to even) first, and
        ``meta["onnx"]`` records how many values changed and the largest change.

    Raises
    ------
    FileFormatError
        Naming the file and the node, for every operator or graph exactnets does not read.
    """
    if round_decimals is not None and (isinstance(round_decimals, bool) or not isinstance(round_decimals, int)
                                       or round_decimals < 0):
        raise InputError(f"round_decimals must be a non-negative integer (got {round_decimals!r})")
    return _Reader(model, source, round_decimals).run()


def read_onnx(path: str | os.PathLike[str], *, round_decimals: int | None = None) -> Network:
    """Read an ONNX file into an exact network (see :func:`onnx_to_network`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from exactnets.network import Layer, Network
    >>> net = Network(2, [Layer("relu", [[1, "-1/2"], [0, 2]], [0, "1/4"]), Layer("linear", [[1, -1]], [3])])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.onnx"
    >>> _ = write_onnx(net, path)
    >>> read_onnx(path) == net
    True
    """
    source = os.fspath(path)
    return onnx_to_network(_load_model(source), source=source, round_decimals=round_decimals)


# -- writing ----------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class RoundingReport:
    """How far a network's weights moved when stored as floats of ``dtype``.

    ``rounded`` entries were not floats of that type; ``max_error`` is the largest
    ``|float - exact|`` (0 when nothing moved), at ``where`` (``layers[i].weights[r][c]``).
    """

    dtype: str
    rounded: int
    max_error: Fraction
    where: str = ""

    @property
    def exact(self) -> bool:
        return self.rounded == 0

    def summary(self) -> str:
        if self.exact:
            return f"every weight is a {self.dtype} exactly; nothing was rounded"
        return (f"rounded {self.rounded} weight(s) to {self.dtype}; largest rounding error "
                f"{format_rational(self.max_error)} (~{float(self.max_error):.3g}) at {self.where}")


_DTYPES = ("float32", "float64")


def _nearest(value: Fraction, dtype: str) -> float:
    """The float of ``dtype`` nearest to ``value`` (ties to even), as a Python float; inf on overflow."""
    try:
        wide = float(value)  # correctly rounded to float64
    except OverflowError:
        return math.copysign(math.inf, value)
    if dtype == "float64":
        return wide
    largest = float(np.finfo(np.float32).max)
    if abs(wide) > largest:  # beyond the largest float32 (rounding to it would need a closer look than we need)
        return math.copysign(math.inf, wide)
    narrow = np.float32(wide)  # may double-round: compare the neighbours exactly
    best = float(narrow)
    for candidate in (np.nextafter(narrow, np.float32(-np.inf)), np.nextafter(narrow, np.float32(np.inf))):
        if np.isfinite(candidate):
            c = float(candidate)
            d_best, d_c = abs(Fraction(best) - value), abs(Fraction(c) - value)
            if d_c < d_best or (d_c == d_best and int(np.float32(c).view(np.int32)) % 2 == 0):
                best = c
    return best


def _float_entries(net: Network, dtype: str, allow_rounding: bool, how: str) -> tuple[list[tuple[np.ndarray, np.ndarray]], RoundingReport]:
    if dtype not in _DTYPES:
        raise InputError(f"dtype must be one of {', '.join(_DTYPES)} (got {dtype!r})")
    np_dtype = np.float32 if dtype == "float32" else np.float64
    rounded = 0
    worst = _ZERO
    where = ""
    arrays = []

    def convert(value: Fraction, place: str) -> float:
        nonlocal rounded, worst, where
        f = _nearest(value, dtype)
        if not math.isfinite(f):
            raise InputError(f"{place} = {format_rational(value)} is too large for {dtype}")
        if Fraction(f) != value:
            if not allow_rounding:
                raise InputError(f"{place} = {format_rational(value)} is not exactly a {dtype}; {how} to store the "
                                 f"nearest {dtype} and report the largest rounding error")
            rounded += 1
            error = abs(Fraction(f) - value)
            if error > worst:
                worst, where = error, place
        return f

    for i, layer in enumerate(net.layers):
        W = np.array([[convert(w, f"layers[{i}].weights[{r}][{c}]") for c, w in enumerate(row)]
                      for r, row in enumerate(layer.weights)], dtype=np_dtype).reshape(layer.out_dim, layer.in_dim)
        b = np.array([convert(v, f"layers[{i}].bias[{r}]") for r, v in enumerate(layer.bias)], dtype=np_dtype)
        arrays.append((W, b))
    return arrays, RoundingReport(dtype, rounded, worst, where)


def float_rounding(net: Network, dtype: str = "float64") -> RoundingReport:
    """How the weights of ``net`` would round to ``dtype`` (nothing is refused)."""
    return _float_entries(net, dtype, True, "")[1]


def network_to_onnx(net: Network, *, dtype: str = "float64", allow_rounding: bool = False) -> tuple[Any, RoundingReport]:
    """An ``onnx.ModelProto`` computing ``net`` (see the module docstring), and its rounding report.

    Raises :class:`~exactnets.errors.InputError` naming the first weight that the float type
    cannot hold exactly, unless ``allow_rounding`` is true.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    if not isinstance(net, Network):
        raise InputError(f"expected a Network (got {type(net).__name__})")
    arrays, report = _float_entries(net, dtype, allow_rounding, "pass allow_rounding=True (--allow-rounding)")
    elem = TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE
    np_dtype = np.float32 if dtype == "float32" else np.float64
    initializers = []
    nodes = []

    def scalar(name: str, value: float) -> str:
        initializers.append(numpy_helper.from_array(np.array(value, dtype=np_dtype), name))
        return name

    current = "input"
    for i, (layer, (W, b)) in enumerate(zip(net.layers, arrays)):
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(W.T), f"layer{i}.weight"))
        initializers.append(numpy_helper.from_array(b, f"layer{i}.bias"))
        nodes.append(helper.make_node("MatMul", [current, f"layer{i}.weight"], [f"layer{i}.matmul"], name=f"layer{i}_matmul"))
        last = i == len(net.layers) - 1
        pre = "output" if last and layer.activation == "linear" else f"layer{i}.pre"
        nodes.append(helper.make_node("Add", [f"layer{i}.matmul", f"layer{i}.bias"], [pre], name=f"layer{i}_add"))
        out = "output" if last else f"layer{i}.out"
        act = layer.activation
        if act == "relu":
            nodes.append(helper.make_node("Relu", [pre], [out], name=f"layer{i}_relu"))
        elif act == "hardtanh":
            nodes.append(helper.make_node("Clip", [pre, scalar(f"layer{i}.min", -1.0), scalar(f"layer{i}.max", 1.0)],
                                          [out], name=f"layer{i}_hardtanh"))
        elif act in ("step", "ltf"):
            nodes.append(helper.make_node("GreaterOrEqual", [pre, scalar(f"layer{i}.zero", 0.0)], [f"layer{i}.geq"],
                                          name=f"layer{i}_geq"))
            if act == "step":
                nodes.append(helper.make_node("Cast", [f"layer{i}.geq"], [out], to=elem, name=f"layer{i}_step"))
            else:
                nodes.append(helper.make_node("Where", [f"layer{i}.geq", scalar(f"layer{i}.one", 1.0),
                                                        scalar(f"layer{i}.minus_one", -1.0)], [out], name=f"layer{i}_ltf"))
        elif act == "linear" and not last:
            nodes.append(helper.make_node("Identity", [pre], [out], name=f"layer{i}_linear"))
        current = out
    graph = helper.make_graph(
        nodes, net.name or "exactnets",
        [helper.make_tensor_value_info("input", elem, ["batch", net.input_dim])],
        [helper.make_tensor_value_info("output", elem, ["batch", net.output_dim])],
        initializers,
    )
    model = helper.make_model(graph, producer_name="exactnets", opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    if net.name:
        helper.set_model_props(model, {"exactnets.name": net.name})
    onnx.checker.check_model(model)
    return model, report


def write_onnx(net: Network, path: str | os.PathLike[str], *, dtype: str = "float64",
               allow_rounding: bool = False) -> RoundingReport:
    """Write ``net`` as an ONNX file; returns the :class:`RoundingReport` (exact unless rounding was allowed)."""
    model, report = network_to_onnx(net, dtype=dtype, allow_rounding=allow_rounding)
    target = os.fspath(path)
    try:
        with open(target, "wb") as handle:
            handle.write(model.SerializeToString())
    except OSError as error:
        raise InputError(f"{target}: cannot write the file: {error.strerror or error}") from None
    return report
