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

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from exactnets.errors import InputError
from exactnets.network import Layer, Network
from exactnets.rational import as_rational

__all__ = [
    "threshold_circuit_to_relu", "gate_margins", "bit_extraction_net", "iterated_addition_circuit",
    "relu_net_in_binary", "binary_widths", "small_weight_depth", "max_weight", "output_bounds", "value_bound",
    "large_value_net", "large_value_error_bound",
]

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


# -- integers in binary: bit extraction, iterated addition, one ReLU layer ------------------------
#
# The pieces CLAIMS.md VS-Thm-SmallWeights lists as checkable: (b) the bits of an integer input
# by threshold sums, (c) iterated addition by a depth-2 threshold circuit, and (d) the depth and
# weight bookkeeping, here for a whole integer ReLU net simulated in binary, three threshold
# layers per ReLU layer.  Bits are listed least significant first inside this module (``bit p``
# has weight ``2^p``); inputs on ``{0,1}^n`` are read in the cube order of :mod:`exactnets.domains`
# (each integer's bits most significant first).  The identity behind every piece:
#
#     floor(T / 2^j) mod 2 = sum_{k >= 1} (-1)^(k+1) 1[T >= k 2^j]      (T >= 0 an integer),
#
# and ``V mod 2^(j+1)`` is a linear form of the input bits with coefficients reduced mod ``2^(j+1)``.


def _step_layer(rows: list[list[int]], bias: list[int]) -> Layer:
    return Layer("step", rows, bias)


def bit_extraction_net(bits: int, activation: str = "step") -> Network:
    """A 2-layer net that outputs the ``bits`` binary digits of an integer input ``t`` in ``0 .. 2^bits - 1``.

    Hidden: the threshold units ``1[t >= k 2^j]`` for every bit ``j`` and ``k = 1 .. 2^(bits-j) - 1``
    (weight 1, biases ``-k 2^j``); output ``j`` (most significant first) is the alternating sum
    ``sum_k (-1)^(k+1) 1[t >= k 2^j]``, a linear layer with weights ``+-1``.  ``activation="relu"``
    replaces each unit by ``R(z + 1) - R(z)`` (VS-TC-gadget; exact because ``z`` is an integer
    on integer inputs).  Exact on every integer of the range, not beyond.
    """
    if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= 16:
        raise InputError(f"bits must be an integer in 1..16 (got {bits!r})")
    if activation not in ("step", "relu"):
        raise InputError(f"activation must be 'step' or 'relu' (got {activation!r})")
    rows, bias, outputs = [], [], []
    for j in reversed(range(bits)):  # most significant output first
        start = len(rows)
        count = 2**(bits - j) - 1
        for k in range(1, count + 1):
            rows.append([1])
            bias.append(-k * 2**j)
        outputs.append((start, count))
    weights = [[0] * len(rows) for _ in range(bits)]
    for o, (start, count) in enumerate(outputs):
        for k in range(count):
            weights[o][start + k] = 1 if k % 2 == 0 else -1
    net = Network(1, [_step_layer(rows, bias), Layer("linear", weights, [0] * bits)],
                  name=f"VS: the {bits} bits of an integer by threshold sums")
    return threshold_circuit_to_relu(net, margins="integer") if activation == "relu" else net


def _bits_of_affine(coefficients: list[int], constant: int, positions: list[int], out_bits: int,
                    n_inputs: int) -> tuple[list[list[int]], list[int], list[list[int]], list[int]]:
    """Layers A (threshold units) and B (one bit each) computing bits ``0 .. out_bits-1`` of the
    non-negative integer ``V = sum_i coefficients[i] z_{positions[i]} + constant`` (``z`` in {0,1})."""
    a_rows, a_bias, groups = [], [], []
    for j in range(out_bits):
        modulus = 2**(j + 1)
        c = [v % modulus for v in coefficients]
        c0 = constant % modulus
        top = sum(c) + c0
        count = max(1, top // 2**j)
        start = len(a_rows)
        for k in range(1, count + 1):
            row = [0] * n_inputs
            for v, p in zip(c, positions):
                row[p] += v
            a_rows.append(row)
            a_bias.append(c0 - k * 2**j)
        groups.append((start, count))
    b_rows, b_bias = [], []
    for start, count in groups:
        row = [0] * len(a_rows)
        for k in range(count):
            row[start + k] = 1 if k % 2 == 0 else -1
        b_rows.append(row)
        b_bias.append(-1)  # the alternating sum is 0 or 1: the bit is 1[sum >= 1]
    return a_rows, a_bias, b_rows, b_bias


def iterated_addition_circuit(numbers: int, bits: int) -> Network:
    """A depth-2 threshold circuit adding ``numbers`` integers of ``bits`` bits each, exactly.

    Inputs: ``{0,1}^(numbers * bits)``, number ``i`` in positions ``i*bits .. (i+1)*bits - 1``,
    most significant bit first.  Outputs: the ``bits + ceil(log2(numbers))`` bits of the sum,
    most significant first, each a ``step`` unit.  Output bit ``j`` reads
    ``T_j = sum_i (x_i mod 2^(j+1))`` through the units ``1[T_j >= k 2^j]``; weights are at most
    ``2^(bits-1)`` (the bit weights themselves), each bit uses at most ``2 numbers`` units.
    """
    for value, what in ((numbers, "numbers"), (bits, "bits")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{what} must be a positive integer (got {value!r})")
    n = numbers * bits
    out_bits = bits + max(0, (numbers - 1).bit_length())
    coefficients = [2**(bits - 1 - q) for _ in range(numbers) for q in range(bits)]
    a_rows, a_bias, b_rows, b_bias = _bits_of_affine(coefficients, 0, list(range(n)), out_bits, n)
    b_rows, b_bias = b_rows[::-1], b_bias[::-1]  # most significant output first
    return Network(n, [_step_layer(a_rows, a_bias), _step_layer(b_rows, b_bias)],
                   name=f"VS: iterated addition of {numbers} numbers of {bits} bits")


def _affine_range(weights, bias, upper) -> tuple[int, int]:
    low = bias + sum(w * u for w, u in zip(weights, upper) if w < 0)
    high = bias + sum(w * u for w, u in zip(weights, upper) if w > 0)
    return low, high


def binary_widths(net: Network, bits: int) -> list[list[int]]:
    """For each ReLU layer of an integer net on inputs ``0 .. 2^bits - 1``, each unit's width ``B``:
    its pre-activation ``V`` satisfies ``-2^(B-1) <= V < 2^(B-1)``, from exact bounds that take
    every ReLU output in ``[0, max(0, high)]`` (as :func:`relu_net_in_binary` does).  Every weight
    inside the threshold layers of :func:`relu_net_in_binary` is below ``2^B`` for the widest ``B``."""
    upper = [2**bits - 1] * net.input_dim
    widths = []
    for layer in net.layers[:-1]:
        row_widths, new_upper = [], []
        for row, b in zip(layer.weights, layer.bias):
            low, high = _affine_range([int(v) for v in row], int(b), upper)
            row_widths.append(max(abs(low), abs(high) + 1).bit_length() + 1)
            new_upper.append(max(0, high))
        widths.append(row_widths)
        upper = new_upper
    return widths


def relu_net_in_binary(net: Network, bits: int) -> Network:
    """A threshold circuit computing an integer ReLU net on integer inputs given in binary.

    ``net``: integer weights and biases, ``relu`` hidden layers, a ``linear`` output layer; its
    inputs are integers ``0 .. 2^bits - 1``, fed to the circuit as ``bits`` bits each (most
    significant first, input ``i`` in positions ``i*bits ..``).  Each ReLU layer becomes three
    ``step`` layers (CLAIMS.md VS-Thm-SmallWeights, the "depth about 3 per layer" of the
    outline): (A) the units ``1[T_j >= k 2^j]`` and (B) the bits of ``V + 2^(B-1)``, ``V`` the
    pre-activation and ``B`` its exact two's-complement width; (C) ``ReLU(V)``'s bits, ``bit_j
    AND sign``.  The output layer reads the last bits linearly (weights ``w 2^p``).  Depth
    ``3 (k - 1) + 1`` for a net of depth ``k``; the result equals ``net`` on every input.
    """
    if not _is_integer_circuit(net):
        raise InputError("relu_net_in_binary needs integer weights and biases")
    if any(layer.activation != "relu" for layer in net.layers[:-1]) or net.layers[-1].activation != "linear":
        raise InputError("relu_net_in_binary needs relu hidden layers and a linear output layer")
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 1:
        raise InputError(f"bits must be a positive integer (got {bits!r})")
    d = net.input_dim
    # where the bits of each current value live (position of bit p, least significant first)
    width = d * bits
    places = [[i * bits + (bits - 1 - p) for p in range(bits)] for i in range(d)]
    upper = [2**bits - 1] * d  # exact upper bounds of the current (non-negative) values
    layers: list[Layer] = []
    for layer in net.layers[:-1]:
        a_all, a_bias_all, groups = [], [], []
        for row, b in zip(layer.weights, layer.bias):
            w, b = [int(v) for v in row], int(b)
            low, high = _affine_range(w, b, upper)
            size = max(abs(low), abs(high) + 1).bit_length() + 1  # V + 2^(size-1) lies in [0, 2^size)
            coefficients, positions = [], []
            for wi, place in zip(w, places):
                for p, position in enumerate(place):
                    coefficients.append(wi * 2**p)
                    positions.append(position)
            a_rows, a_bias, b_rows, b_bias = _bits_of_affine(coefficients, b + 2**(size - 1), positions, size, width)
            groups.append((len(a_all), b_rows, b_bias, size, max(0, high)))
            a_all += a_rows
            a_bias_all += a_bias
        b_all, b_bias_all, c_all, c_bias_all, new_places, new_upper = [], [], [], [], [], []
        for offset, b_rows, b_bias, size, high in groups:
            first = len(b_all)
            for row, bb in zip(b_rows, b_bias):
                full_row = [0] * len(a_all)
                full_row[offset:offset + len(row)] = row
                b_all.append(full_row)
                b_bias_all.append(bb)
            sign = first + size - 1  # bit size-1 of V + 2^(size-1) is 1 iff V >= 0
            place = []
            for p in range(size - 1):
                c_all.append((first + p, sign))
                place.append(len(c_all) - 1)
            new_places.append(place)
            new_upper.append(high)
        layers.append(_step_layer(a_all, a_bias_all))
        layers.append(_step_layer(b_all, b_bias_all))
        c_rows = []
        for bit, sign in c_all:
            row = [0] * len(b_all)
            row[bit] += 1
            row[sign] += 1
            c_rows.append(row)
        layers.append(_step_layer(c_rows, [-2] * len(c_rows)))
        places, upper, width = new_places, new_upper, len(c_rows)
    output = net.layers[-1]
    rows = []
    for row in output.weights:
        full_row = [0] * width
        for wi, place in zip(row, places):
            for p, position in enumerate(place):
                full_row[position] += int(wi) * 2**p
        rows.append(full_row)
    layers.append(Layer("linear", rows, [int(b) for b in output.bias]))
    return Network(d * bits, layers, name=f"VS: integer ReLU net of depth {net.depth} in binary ({bits}-bit inputs)",
                   meta={"paper": "VS", "claim": "VS-Thm-SmallWeights"})


def small_weight_depth(k: int) -> int:
    """The depth ``3k + 3`` of Vardi & Shamir's small-weight network for a depth-``k`` net (Thms 3.1-3.2)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"k must be a positive integer (got {k!r})")
    return 3 * k + 3


def max_weight(net: Network) -> Fraction:
    """The largest ``|weight|`` of any layer (biases not counted)."""
    return max((abs(v) for layer in net.layers for row in layer.weights for v in row), default=_ZERO)


# -- value audit (VS-Ex-LargeValues) ---------------------------------------------------------------

def output_bounds(net: Network, lower: Sequence[Any], upper: Sequence[Any]) -> list[tuple[Fraction, Fraction]]:
    """Exact interval bounds ``[lo, hi]`` of every output over the box ``lower <= x <= upper``.

    Interval arithmetic layer by layer, in rationals: sound (every output value lies inside),
    exact for a single affine layer, possibly loose for deeper nets.
    """
    from exactnets.rational import as_rational_vector

    lo = list(as_rational_vector(lower, what="box lower bounds"))
    hi = list(as_rational_vector(upper, what="box upper bounds"))
    if len(lo) != net.input_dim or len(hi) != net.input_dim:
        raise InputError(f"the box must have {net.input_dim} coordinates (got {len(lo)} and {len(hi)})")
    for layer in net.layers:
        new_lo, new_hi = [], []
        for row, b in zip(layer.weights, layer.bias):
            a = b + sum((w * (l if w > 0 else h) for w, l, h in zip(row, lo, hi)), _ZERO)
            c = b + sum((w * (h if w > 0 else l) for w, l, h in zip(row, lo, hi)), _ZERO)
            new_lo.append(a)
            new_hi.append(c)
        act = layer.activation
        if act == "relu":
            new_lo, new_hi = [max(v, _ZERO) for v in new_lo], [max(v, _ZERO) for v in new_hi]
        elif act in ("ltf", "step"):
            low_value = Fraction(-1) if act == "ltf" else _ZERO
            new_lo = [low_value if v < 0 else _ONE for v in new_lo]
            new_hi = [low_value if v < 0 else _ONE for v in new_hi]
        elif act == "hardtanh":
            new_lo = [min(max(v, Fraction(-1)), _ONE) for v in new_lo]
            new_hi = [min(max(v, Fraction(-1)), _ONE) for v in new_hi]
        lo, hi = new_lo, new_hi
    return list(zip(lo, hi))


def value_bound(d: int, width: int, depth: int, weight: Any) -> Fraction:
    """An upper bound on ``|N(x)|`` over ``[0,1]^d`` for every ReLU net ``N`` with ``depth`` layers
    (the last linear), hidden widths ``<= width`` and every weight and bias of magnitude ``<= weight``.

    Layer 1 values are at most ``B (d + 1)``; each later layer multiplies by at most ``width B``
    and adds ``B``.  With ``width, B`` polynomial in ``d`` and constant ``depth`` the bound is
    polynomial, so such nets cannot output ``2^d`` (CLAIMS.md VS-Ex-LargeValues).
    """
    b = as_rational(weight, what="weight bound")
    value = b * (d + 1)
    for _ in range(depth - 1):
        value = width * b * value + b
    return value


def large_value_net(d: int) -> Network:
    """``f(x) = 2^d x_1`` on ``R^d``: a depth-1 net with one exponential weight (VS, Main Result 2)."""
    return Network(d, [Layer("linear", [[2**d] + [0] * (d - 1)], [0])], name=f"VS: 2^{d} x_1")


def large_value_error_bound(d: int, bound: Any) -> Fraction:
    """A lower bound on ``E[(N(x) - 2^d x_1)^2]`` under the uniform distribution on ``[0,1]^d``
    for every ``N`` with ``|N| <= bound`` there: on ``x_1 >= 1/2`` (probability 1/2) the error is
    at least ``2^(d-1) - bound``.  Zero when ``bound >= 2^(d-1)`` (no conclusion)."""
    m = as_rational(bound, what="bound")
    gap = Fraction(2**(d - 1)) - m
    return gap * gap / 2 if gap > 0 else _ZERO
