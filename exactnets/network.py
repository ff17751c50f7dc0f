"""Layered feed-forward networks with exact rational weights.

A :class:`Network` is a frozen value: an input dimension and a tuple of :class:`Layer` values.
Layer ``i`` maps ``h -> act_i(W_i h + b_i)`` with ``W_i`` of shape ``out_i x in_i``, ``in_0`` the
input dimension and ``in_(i+1) = out_i``; the output is the last layer's vector.  Weights enter
through :func:`exactnets.rational.as_rational`, so a float never slips in.

Activations (conventions of DESIGN.md; sgn(0) = +1 as in Pan & Srikumar and Mukherjee & Basu):

============  =========================================
``relu``      ``max(0, t)``
``ltf``       ``+1 if t >= 0 else -1``
``step``      ``1 if t >= 0 else 0``
``hardtanh``  ``max(-1, min(1, t))``
``linear``    ``t``
============  =========================================

Depth counts affine layers (hidden layers + 1, the ABMM convention); size counts hidden units.
The operations are free functions: :func:`compose`, :func:`parallel_sum`, :func:`scale`,
:func:`restrict`, and :func:`ps_normal_form` (Pan & Srikumar 2016, eq. (3); CLAIMS.md PS-Def-Nets).
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from exactnets.errors import ShapeError, InputError
from exactnets.rational import as_rational, as_rational_matrix, as_rational_vector

__all__ = [
    "ACTIVATIONS",
    "activation_function",
    "Layer",
    "Network",
    "AffineForm",
    "PSNormalForm",
    "compose",
    "parallel_sum",
    "scale",
    "restrict",
    "identity_layer",
    "ps_normal_form",
]

_ZERO = Fraction(0)
_ONE = Fraction(1)


def _relu(t: Fraction) -> Fraction:
    return t if t > 0 else _ZERO


def _ltf(t: Fraction) -> Fraction:
    return _ONE if t >= 0 else -_ONE


def _step(t: Fraction) -> Fraction:
    return _ONE if t >= 0 else _ZERO


def _hardtanh(t: Fraction) -> Fraction:
    return _ONE if t >= 1 else (-_ONE if t <= -1 else t)


def _linear(t: Fraction) -> Fraction:
    return t


_ACTIVATION_FUNCTIONS: dict[str, Callable[[Fraction], Fraction]] = {
    "relu": _relu,
    "ltf": _ltf,
    "step": _step,
    "hardtanh": _hardtanh,
    "linear": _linear,
}

#: The activation names a layer may use.
ACTIVATIONS: tuple[str, ...] = tuple(_ACTIVATION_FUNCTIONS)

# Range of each activation's output, as (lower, upper) with None for unbounded.  It decides
# which activations pass a value through unchanged (see identity_layer).
_RANGES: dict[str, tuple[Fraction | None, Fraction | None]] = {
    "relu": (_ZERO, None),
    "ltf": (-_ONE, _ONE),
    "step": (_ZERO, _ONE),
    "hardtanh": (-_ONE, _ONE),
    "linear": (None, None),
}


def activation_function(name: str) -> Callable[[Fraction], Fraction]:
    """The exact scalar function for an activation name."""
    try:
        return _ACTIVATION_FUNCTIONS[name]
    except KeyError:
        raise InputError(f"unknown activation {name!r}; expected one of {', '.join(ACTIVATIONS)}") from None


@dataclasses.dataclass(frozen=True)
class Layer:
    """One affine map followed by an activation, with exact rational entries.

    ``weights`` is ``out x in`` (a sequence of rows) and ``bias`` has ``out`` entries; any
    numbers :func:`~exactnets.rational.as_rational` accepts may be passed.  ``in_dim`` is needed
    only when there are no input columns to infer it from (a layer of a 0-input network).
    """

    activation: str
    weights: tuple[tuple[Fraction, ...], ...]
    bias: tuple[Fraction, ...]

    def __init__(self, activation: str, weights: Iterable[Iterable[Any]], bias: Iterable[Any], *, where: str = "layer"):
        if not isinstance(activation, str) or activation not in _ACTIVATION_FUNCTIONS:
            raise InputError(f"{where}.activation: unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)}")
        matrix = as_rational_matrix(weights, what=f"{where}.weights")
        vector = as_rational_vector(bias, what=f"{where}.bias")
        if not matrix:
            raise ShapeError(f"{where}.weights has no rows; a layer needs at least one unit")
        width = len(matrix[0])
        for i, row in enumerate(matrix):
            if len(row) != width:
                raise ShapeError(
                    f"{where}.weights[{i}] has {len(row)} entries but row 0 has {width}; every row must have one entry per input"
                )
        if len(vector) != len(matrix):
            raise ShapeError(
                f"{where}.bias has {len(vector)} entries but {where}.weights has {len(matrix)} rows; expected {len(matrix)} biases"
            )
        object.__setattr__(self, "activation", activation)
        object.__setattr__(self, "weights", matrix)
        object.__setattr__(self, "bias", vector)

    @property
    def in_dim(self) -> int:
        return len(self.weights[0])

    @property
    def out_dim(self) -> int:
        return len(self.weights)

    def __repr__(self) -> str:
        return f"Layer({self.activation!r}, {self.out_dim}x{self.in_dim})"


def _freeze_meta(meta: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if meta is None:
        return types.MappingProxyType({})
    if not isinstance(meta, Mapping):
        raise InputError(f"meta must be a mapping of names to JSON values (got {type(meta).__name__})")
    return types.MappingProxyType(dict(meta))


@dataclasses.dataclass(frozen=True)
class Network:
    """A frozen, validated, layered feed-forward network with exact rational weights.

    >>> net = Network(2, [Layer("relu", [[1, "-1/2"], [0, 2]], [0, "1/3"]),
    ...                   Layer("linear", [[1, -1]], ["1/2"])])
    >>> net.depth, net.size, net.widths
    (2, 2, (2, 2, 1))
    """

    input_dim: int
    layers: tuple[Layer, ...]
    name: str = ""
    meta: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)

    def __init__(self, input_dim: int, layers: Iterable[Layer | Mapping[str, Any]], name: str = "", meta: Mapping[str, Any] | None = None):
        if isinstance(input_dim, bool) or not isinstance(input_dim, int) or input_dim < 0:
            raise InputError(f"input_dim must be a non-negative integer (got {input_dim!r})")
        built: list[Layer] = []
        for index, layer in enumerate(layers):
            where = f"layers[{index}]"
            if isinstance(layer, Mapping):
                unknown = set(layer) - {"activation", "weights", "bias"}
                if unknown:
                    raise InputError(f"{where}: unknown keys {sorted(unknown)}; a layer has 'activation', 'weights', 'bias'")
                missing = {"activation", "weights", "bias"} - set(layer)
                if missing:
                    raise InputError(f"{where}: missing {sorted(missing)}")
                layer = Layer(layer["activation"], layer["weights"], layer["bias"], where=where)
            elif not isinstance(layer, Layer):
                raise InputError(f"{where} must be a Layer (got {type(layer).__name__})")
            expected_in = input_dim if index == 0 else built[-1].out_dim
            if layer.in_dim != expected_in and not (expected_in == 0 and layer.in_dim == 0):
                source = "input_dim" if index == 0 else f"layers[{index - 1}] has {expected_in} outputs"
                if index == 0:
                    source = f"input_dim is {input_dim}"
                raise ShapeError(
                    f"{where}.weights has {layer.in_dim} columns but {source}; expected shape {layer.out_dim} x {expected_in}"
                )
            built.append(layer)
        if not built:
            raise ShapeError("a network needs at least one layer (the output layer)")
        if not isinstance(name, str):
            raise InputError(f"name must be a string (got {type(name).__name__})")
        object.__setattr__(self, "input_dim", input_dim)
        object.__setattr__(self, "layers", tuple(built))
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "meta", _freeze_meta(meta))

    # -- shape ------------------------------------------------------------------------------
    @property
    def output_dim(self) -> int:
        return self.layers[-1].out_dim

    @property
    def depth(self) -> int:
        """Number of affine layers (hidden layers + 1)."""
        return len(self.layers)

    @property
    def hidden_layers(self) -> int:
        return len(self.layers) - 1

    @property
    def size(self) -> int:
        """Number of hidden units (the output layer is not counted)."""
        return sum(layer.out_dim for layer in self.layers[:-1])

    @property
    def widths(self) -> tuple[int, ...]:
        """``(input_dim, out_0, out_1, ..., output_dim)``."""
        return (self.input_dim, *(layer.out_dim for layer in self.layers))

    @property
    def activations(self) -> tuple[str, ...]:
        return tuple(layer.activation for layer in self.layers)

    def __repr__(self) -> str:
        shape = " -> ".join(str(w) for w in self.widths)
        label = f"{self.name!r}, " if self.name else ""
        return f"Network({label}{shape}, activations={list(self.activations)})"

    def with_name(self, name: str, meta: Mapping[str, Any] | None = None) -> "Network":
        return Network(self.input_dim, self.layers, name=name, meta=self.meta if meta is None else meta)


# -- building blocks --------------------------------------------------------------------------

def _identity(n: int) -> list[list[Fraction]]:
    return [[_ONE if i == j else _ZERO for j in range(n)] for i in range(n)]


def identity_layer(width: int, activation: str = "linear") -> Layer:
    """A layer that passes ``width`` values through ``activation`` with identity weights.

    It is the identity map on every value in the activation's range fixed-point set: reals for
    ``linear``, non-negative values for ``relu``, ``[-1, 1]`` for ``hardtanh``.
    """
    if width < 1:
        raise ShapeError(f"identity_layer needs a positive width (got {width})")
    return Layer(activation, _identity(width), [_ZERO] * width)


def _matmul(a: Sequence[Sequence[Fraction]], b: Sequence[Sequence[Fraction]]) -> list[list[Fraction]]:
    columns = list(zip(*b))
    return [[sum((x * y for x, y in zip(row, col)), _ZERO) for col in columns] for row in a]


def _matvec(a: Sequence[Sequence[Fraction]], v: Sequence[Fraction]) -> list[Fraction]:
    return [sum((x * y for x, y in zip(row, v)), _ZERO) for row in a]


def _with_linear_output(net: Network) -> Network:
    """``net`` itself if its output layer is linear, else ``net`` followed by a linear identity."""
    if net.layers[-1].activation == "linear":
        return net
    return Network(net.input_dim, [*net.layers, identity_layer(net.output_dim)], net.name, net.meta)


def compose(outer: Network, inner: Network) -> Network:
    """The network computing ``outer(inner(x))``.

    When ``inner`` ends in a linear layer its affine map is multiplied into ``outer``'s first
    layer (exactly the same function, one layer fewer).

    >>> double = Network(1, [Layer("linear", [[2]], [0])])
    >>> shift = Network(1, [Layer("relu", [[1]], [-1])])
    >>> compose(shift, double).layers[0].weights
    ((Fraction(2, 1),),)
    """
    if inner.output_dim != outer.input_dim:
        raise ShapeError(
            f"cannot compose: the inner network has {inner.output_dim} outputs but the outer one expects {outer.input_dim} inputs"
        )
    last, first = inner.layers[-1], outer.layers[0]
    if last.activation == "linear":
        merged = Layer(first.activation, _matmul(first.weights, last.weights),
                       [x + y for x, y in zip(_matvec(first.weights, last.bias), first.bias)])
        layers = [*inner.layers[:-1], merged, *outer.layers[1:]]
    else:
        layers = [*inner.layers, *outer.layers]
    return Network(inner.input_dim, layers)


def _carry_layer(width: int, activation: str, value_range: tuple[Fraction | None, Fraction | None]) -> tuple[Layer, bool] | None:
    """A layer of ``activation`` that carries ``width`` values in ``value_range`` unchanged.

    Returns ``(layer, doubled)``: ``doubled`` means the values are carried as the pair
    ``(relu(h), relu(-h))`` and the next layer must read them as ``relu(h) - relu(-h)``.
    ``None`` if the activation cannot carry such values (ltf, step).
    """
    low, high = value_range
    if activation == "linear":
        return identity_layer(width, "linear"), False
    if activation == "relu":
        if low is not None and low >= 0:
            return identity_layer(width, "relu"), False
        eye = _identity(width)
        return Layer("relu", eye + [[-x for x in row] for row in eye], [_ZERO] * (2 * width)), True
    if activation == "hardtanh" and low is not None and high is not None and low >= -1 and high <= 1:
        return identity_layer(width, "hardtanh"), False
    return None


def _padded_hidden(net: Network, target: Sequence[str]) -> tuple[list[Layer], Layer]:
    """Hidden layers of ``net`` extended to the activation sequence ``target``, and its output layer.

    ``net``'s own hidden activations must be a prefix of ``target``; the extra levels carry its
    last hidden values forward unchanged (or its inputs, if it has no hidden layer).
    """
    hidden, output = list(net.layers[:-1]), net.layers[-1]
    width = hidden[-1].out_dim if hidden else net.input_dim
    value_range = _RANGES[hidden[-1].activation] if hidden else (None, None)
    for activation in target[len(hidden):]:
        carried = _carry_layer(width, activation, value_range)
        if carried is None:
            raise ShapeError(
                f"parallel_sum: cannot carry values through a {activation!r} layer to line up networks of different "
                f"depths; give both networks the same hidden activations"
            )
        layer, doubled = carried
        hidden.append(layer)
        if doubled:
            output = Layer(output.activation, [list(row) + [-x for x in row] for row in output.weights], output.bias)
            width *= 2
        value_range = _RANGES[activation] if activation != "relu" or not doubled else (_ZERO, None)
    return hidden, output


def parallel_sum(first: Network, second: Network) -> Network:
    """The network computing ``first(x) + second(x)``.

    Hidden layers are placed side by side (block-diagonal weights); the output maps are added.
    When the depths differ, the shallower network's last hidden values are carried forward by
    identity layers; their hidden activations must agree level by level.
    """
    if first.input_dim != second.input_dim or first.output_dim != second.output_dim:
        raise ShapeError(
            f"parallel_sum needs equal input and output sizes (got {first.input_dim}->{first.output_dim} "
            f"and {second.input_dim}->{second.output_dim})"
        )
    first, second = _with_linear_output(first), _with_linear_output(second)
    longer, shorter = (first, second) if first.depth >= second.depth else (second, first)
    target = [layer.activation for layer in longer.layers[:-1]]
    own = [layer.activation for layer in shorter.layers[:-1]]
    if own != target[: len(own)]:
        raise ShapeError(
            f"parallel_sum: hidden activations {own} and {target} differ level by level; units of one layer share an activation"
        )
    hidden_a, out_a = _padded_hidden(longer, target)
    hidden_b, out_b = _padded_hidden(shorter, target)
    layers: list[Layer] = []
    for index, (a, b) in enumerate(zip(hidden_a, hidden_b)):
        in_a, in_b = (a.in_dim, b.in_dim) if index else (0, 0)
        rows = [list(row) + [_ZERO] * in_b for row in a.weights] if index else [list(row) for row in a.weights]
        if index:
            rows += [[_ZERO] * in_a + list(row) for row in b.weights]
        else:
            rows += [list(row) for row in b.weights]  # both read the same input x
        layers.append(Layer(a.activation, rows, [*a.bias, *b.bias]))
    output_rows = [list(ra) + list(rb) for ra, rb in zip(out_a.weights, out_b.weights)]
    if not hidden_a:  # both networks are a single affine layer
        output_rows = [[x + y for x, y in zip(ra, rb)] for ra, rb in zip(out_a.weights, out_b.weights)]
    layers.append(Layer("linear", output_rows, [x + y for x, y in zip(out_a.bias, out_b.bias)]))
    return Network(first.input_dim, layers)


def scale(net: Network, factor: Any) -> Network:
    """The network computing ``factor * net(x)`` (exact; ``factor`` enters through as_rational)."""
    c = as_rational(factor, what="scale factor")
    net = _with_linear_output(net)
    last = net.layers[-1]
    scaled = Layer("linear", [[c * w for w in row] for row in last.weights], [c * b for b in last.bias])
    return Network(net.input_dim, [*net.layers[:-1], scaled], net.name, net.meta)


def restrict(net: Network, fixed: Mapping[int, Any]) -> Network:
    """Fix some inputs to constants; the result reads the remaining inputs in their old order.

    ``fixed`` maps 0-based input indices to values (anything as_rational accepts).

    >>> net = Network(3, [Layer("linear", [[1, 2, 3]], [0])])
    >>> restrict(net, {1: 5}).layers[0].weights, restrict(net, {1: 5}).layers[0].bias
    (((Fraction(1, 1), Fraction(3, 1)),), (Fraction(10, 1),))
    """
    values: dict[int, Fraction] = {}
    for index, value in fixed.items():
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < net.input_dim:
            raise InputError(f"restrict: input index {index!r} is out of range 0..{net.input_dim - 1}")
        values[index] = as_rational(value, what=f"restrict value for input {index}")
    keep = [j for j in range(net.input_dim) if j not in values]
    first = net.layers[0]
    bias = [b + sum((row[j] * v for j, v in values.items()), _ZERO) for row, b in zip(first.weights, first.bias)]
    if not keep:
        raise ShapeError("restrict: fixing every input leaves a constant; evaluate the network at that point instead")
    weights = [[row[j] for j in keep] for row in first.weights]
    return Network(len(keep), [Layer(first.activation, weights, bias), *net.layers[1:]], net.name, net.meta)


# -- Pan & Srikumar normal form -----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class AffineForm:
    """``a(x) = <coefficients, x> + constant`` with exact coefficients."""

    coefficients: tuple[Fraction, ...]
    constant: Fraction

    def __call__(self, point: Sequence[Fraction]) -> Fraction:
        return sum((c * x for c, x in zip(self.coefficients, point)), self.constant)


@dataclasses.dataclass(frozen=True)
class PSNormalForm:
    """Pan & Srikumar's general form of a 2-layer ReLU net (ICML 2016, eq. (3)):

    ``f(x) = w0 + sum_{k in P} R(a_k(x)) - sum_{k in N} R(a_k(x))``, the decision being
    ``sgn(f(x))`` with sgn(0) = +1.  Units with output weight 0 are dropped (CLAIMS.md,
    PS-Def-Nets), every other unit is rescaled by ``|w_k|`` (``c R(t) = sgn(c) R(|c| t)``), so
    ``f`` equals the original network's output exactly, not only in sign.
    """

    input_dim: int
    w0: Fraction
    positive: tuple[AffineForm, ...]
    negative: tuple[AffineForm, ...]
    output_activation: str = "linear"

    def value(self, point: Sequence[Fraction]) -> Fraction:
        """The real-valued ``f(x)`` (before the sign)."""
        return (self.w0 + sum((_relu(a(point)) for a in self.positive), _ZERO)
                - sum((_relu(a(point)) for a in self.negative), _ZERO))

    def to_network(self) -> Network:
        """The 2-layer network ``w0 + sum_P R(a_k) - sum_N R(a_k)`` (ReLU layer, ±1 output weights)."""
        units = [*self.positive, *self.negative]
        if not units:
            hidden = Layer("relu", [[_ZERO] * self.input_dim], [_ZERO])
            return Network(self.input_dim, [hidden, Layer(self.output_activation, [[_ZERO]], [self.w0])])
        hidden = Layer("relu", [a.coefficients for a in units], [a.constant for a in units])
        signs = [_ONE] * len(self.positive) + [-_ONE] * len(self.negative)
        return Network(self.input_dim, [hidden, Layer(self.output_activation, [signs], [self.w0])])


def ps_normal_form(net: Network) -> PSNormalForm:
    """Pan & Srikumar's normal form ``(w0, P, N, a_k)`` of a 2-layer ReLU network.

    ``net`` must have one ReLU hidden layer and one output unit whose activation is ``linear``
    (a real-valued net) or ``ltf`` (a classifier ``sgn(...)``).
    """
    if net.depth != 2 or net.layers[0].activation != "relu" or net.output_dim != 1:
        raise InputError(
            f"ps_normal_form needs a 2-layer net: one relu hidden layer and one output unit (got {net!r})"
        )
    hidden, output = net.layers
    if output.activation not in ("linear", "ltf"):
        raise InputError(f"ps_normal_form: the output activation must be linear or ltf (got {output.activation!r})")
    positive: list[AffineForm] = []
    negative: list[AffineForm] = []
    for k, w in enumerate(output.weights[0]):
        if w == 0:
            continue
        form = AffineForm(tuple(abs(w) * u for u in hidden.weights[k]), abs(w) * hidden.bias[k])
        (positive if w > 0 else negative).append(form)
    return PSNormalForm(net.input_dim, output.bias[0], tuple(positive), tuple(negative), output.activation)
