"""Vardi & Shamir, *Neural Networks with Small Weights and Depth-Separation Barriers* (NeurIPS
2020; shared/papers/002_8566bb39dab8f05f.txt, abstract and introduction only; CLAIMS.md section 6).

* :func:`threshold_circuit_to_relu` -- the gadget behind "a small-weight threshold circuit is a
  small-weight ReLU net" (CLAIMS.md VS-TC-gadget, derived): for an integer pre-activation ``z``,
  ``1[z >= 0] = R(z + 1) - R(z)``, and ``sgn(z) = 2 (R(z + 1) - R(z)) - 1``.  Every threshold
  gate becomes two ReLUs reading the same affine form, and the next layer's affine map absorbs
  the difference and the constants.  A threshold circuit of depth ``L`` and size ``s`` becomes a
  ReLU net of depth ``L`` (plus a linear output) and size ``2s``, with the same weights.  With
  non-integer weights the shift 1 is replaced, gate by gate, by the gate's exact margin ``p`` on
  the cube (the smallest ``|z|`` over its negative values; MB Claim 5 is the case of one gate):
  ``1[z >= 0] = (R(z + p) - R(z)) / p``.
"""

from __future__ import annotations

from fractions import Fraction

from exactnets.errors import InputError
from exactnets.network import Layer, Network

__all__ = ["threshold_circuit_to_relu", "gate_margins"]

_ZERO, _ONE = Fraction(0), Fraction(1)


def _is_integer_circuit(net: Network) -> bool:
    return all(v.denominator == 1 for layer in net.layers for row in layer.weights for v in row) and \
        all(v.denominator == 1 for layer in net.layers for v in layer.bias)


def gate_margins(net: Network, kind: str = "pm1") -> list[list[Fraction]]:
    """For each threshold layer, each gate's margin ``p``: the smallest ``|z|`` over the gate's
    negative pre-activations on the cube ``kind`` (1 if it is never negative); exact enumeration."""
    from exactnets.evaluate import evaluate_cube

    margins = []
    for index, layer in enumerate(net.layers):
        if layer.activation not in ("ltf", "step"):
            margins.append([])
            continue
        prefix = Network(net.input_dim, [*net.layers[:index], Layer("linear", layer.weights, layer.bias)])
        values = evaluate_cube(prefix, kind)
        row = []
        for j in range(layer.out_dim):
            column = values.numerators[:, j]
            negative = column[column < 0]
            row.append(Fraction(-int(negative.max()), values.denominator) if len(negative) else _ONE)
        margins.append(row)
    return margins


def threshold_circuit_to_relu(net: Network, *, kind: str = "pm1", margins: str = "auto") -> Network:
    """A threshold circuit as an exactly equal ReLU net on the cube ``kind`` (CLAIMS.md VS-TC-gadget).

    ``net``'s layers are ``ltf`` or ``step`` (the output layer may also be ``linear``).
    ``margins="integer"`` uses the shift 1 for every gate and requires integer weights and
    biases (then every pre-activation is an integer on the cube); ``"cube"`` computes each gate's
    exact margin by enumerating the cube (:func:`gate_margins`); ``"auto"`` picks ``integer``
    when the weights allow it.  The result equals ``net`` as a function on the cube.
    """
    if any(layer.activation not in ("ltf", "step") for layer in net.layers[:-1]) or \
            net.layers[-1].activation not in ("ltf", "step", "linear"):
        raise InputError("a threshold circuit has ltf/step layers (the output may be linear)")
    if margins not in ("auto", "integer", "cube"):
        raise InputError(f"margins must be 'auto', 'integer' or 'cube' (got {margins!r})")
    integer = _is_integer_circuit(net)
    if margins == "integer" and not integer:
        raise InputError("margins='integer' needs integer weights and biases (use margins='cube')")
    use_one = integer if margins == "auto" else margins == "integer"
    table = None if use_one else gate_margins(net, kind)
    layers: list[Layer] = []
    # the previous layer's gate values as y_j = alpha_j * (R(z_j + p_j) - R(z_j)) / p_j + beta_j
    previous: list[tuple[Fraction, Fraction, Fraction]] | None = None
    for index, layer in enumerate(net.layers):
        rows, bias = _absorb(layer, previous)
        if layer.activation == "linear":
            layers.append(Layer("linear", rows, bias))
            previous = None
            break
        margin = [_ONE] * layer.out_dim if use_one else table[index]
        relu_rows, relu_bias = [], []
        for row, b, p in zip(rows, bias, margin):
            relu_rows += [row, row]
            relu_bias += [b + p, b]
        layers.append(Layer("relu", relu_rows, relu_bias))
        alpha, beta = (Fraction(2), Fraction(-1)) if layer.activation == "ltf" else (_ONE, _ZERO)
        previous = [(alpha, beta, p) for p in margin]
    if previous is not None:  # the output was a threshold layer: read its gates out linearly
        identity = Layer("linear", [[1 if i == j else 0 for j in range(len(previous))] for i in range(len(previous))],
                         [0] * len(previous))
        rows, bias = _absorb(identity, previous)
        layers.append(Layer("linear", rows, bias))
    return Network(net.input_dim, layers, name="VS gadget: threshold circuit as ReLU net",
                   meta={"paper": "VS", "claim": "VS-TC-gadget", "margins": "integer" if use_one else "cube"})


def _absorb(layer: Layer, previous) -> tuple[list[list[Fraction]], list[Fraction]]:
    """``layer``'s affine map rewritten to read the ReLU pairs that replaced the previous gates."""
    if previous is None:
        return [list(r) for r in layer.weights], list(layer.bias)
    rows, bias = [], []
    for row, b in zip(layer.weights, layer.bias):
        new = []
        shift = b
        for w, (alpha, beta, p) in zip(row, previous):
            new += [w * alpha / p, -w * alpha / p]
            shift += w * beta
        rows.append(new)
        bias.append(shift)
    return rows, bias
