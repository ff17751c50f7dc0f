"""Claims of Vardi & Shamir (CLAIMS.md section 6), checked exactly.

The seed holds only the abstract and introduction; the checks cover what CLAIMS.md lists as
finite: the threshold-to-ReLU gadget, the value audit behind the "large values" example, and
the binary pieces of the small-weight construction (bit extraction, iterated addition, one
ReLU layer as three threshold layers) with their depth and weight bookkeeping.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from exactnets.constructions.vardi_shamir import (
    binary_widths, bit_extraction_net, iterated_addition_circuit, large_value_error_bound, large_value_net, max_weight,
    output_bounds, relu_net_in_binary, small_weight_depth, threshold_circuit_to_relu, value_bound,
)
from exactnets.domains import cube_bits
from exactnets.evaluate import evaluate, evaluate_batch, evaluate_cube
from exactnets.network import Layer, Network
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.verdict import Verdict, proved, refuted, unknown
from proofs.common import all_proved, equivalence_verdict, rng, small_rational
from proofs.registry import claim



@claim("VS-TC-gadget", "VS", "a threshold circuit (integer weights) is a ReLU net of the same depth, twice the size: 1[z>=0] = R(z+1) - R(z)")
def vs_tc_gadget(full: bool) -> Verdict:
    r = rng("VS-TC-gadget")

    def instances():
        for i in range(60 if full else 20):
            n = r.randint(1, 12 if full else 8)
            integer = i % 3 != 2
            value = (lambda: Fraction(r.randint(-4, 4))) if integer else (lambda: small_rational(r))
            sizes = [n] + [r.randint(1, 4) for _ in range(r.randint(0, 3))] + [1]
            acts = [r.choice(["ltf", "step"]) for _ in sizes[1:-1]] + [r.choice(["ltf", "step", "linear"])]
            net = Network(n, [Layer(a, [[value() for _ in range(sizes[j])] for _ in range(sizes[j + 1])],
                                    [value() for _ in range(sizes[j + 1])]) for j, a in enumerate(acts)])
            kind = r.choice(["pm1", "01"])
            yield (f"n={n} depth={net.depth} {kind}", lambda net=net, kind=kind: equivalence_verdict(check_equivalence(
                net, threshold_circuit_to_relu(net, kind=kind), "cube" if kind == "pm1" else "cube01", "function",
                method="enumerate")))

    return all_proved(instances(), "function-mode equivalence on the cube by exhaustive enumeration")


@claim("VS-Ex-LargeValues", "VS", "2^d x_1 on [0,1]^d is one layer with weight 2^d; nets of constant depth, width and weights <= poly(d) stay below a polynomial there, so their L2 error is >= (2^(d-1) - bound)^2 / 2")
def vs_large_values(full: bool) -> Verdict:
    r = rng("VS-Ex-LargeValues")

    def example(d: int) -> Verdict:
        net = large_value_net(d)
        bounds = output_bounds(net, [0] * d, [1] * d)
        peak = evaluate(net, [1] + [0] * (d - 1))[0]
        if bounds != [(0, 2**d)] or peak != 2**d:
            return unknown(f"bounds {bounds}, value at e_1 {peak}")
        return proved("")

    def audit(d: int, width: int, depth: int, weight: int) -> Verdict:
        sizes = [d] + [r.randint(1, width) for _ in range(depth - 1)] + [1]
        net = Network(d, [Layer("relu" if j < depth - 1 else "linear",
                                [[Fraction(r.randint(-weight, weight), r.randint(1, 3)) for _ in range(sizes[j])]
                                 for _ in range(sizes[j + 1])],
                                [Fraction(r.randint(-weight, weight), r.randint(1, 3)) for _ in range(sizes[j + 1])])
                          for j in range(depth)])
        (lo, hi), = output_bounds(net, [0] * d, [1] * d)
        cap = value_bound(d, width, depth, weight)
        if not -cap <= lo <= hi <= cap:
            return refuted([0] * d, reason=f"interval [{lo}, {hi}] leaves [-{cap}, {cap}]")
        for _ in range(20):
            x = [Fraction(r.randint(0, 12), 12) for _ in range(d)]
            value = evaluate(net, x)[0]
            if not lo <= value <= hi:
                return refuted(x, reason=f"value {value} outside the interval [{lo}, {hi}]")
        return proved("")

    def separation() -> Verdict:
        # width d, weights d, depth 3: the first d where the value bound is below 2^(d-1)
        first = next(d for d in range(1, 200) if value_bound(d, d, 3, d) < 2**(d - 1))
        for d in range(first, first + (60 if full else 20)):
            if large_value_error_bound(d, value_bound(d, d, 3, d)) <= 0:
                return unknown(f"no error bound at d = {d}")
        error = large_value_error_bound(first, value_bound(first, first, 3, first))
        return proved(f"from d = {first} on, every depth-3 net with width and weights <= d has L2 error >= {error} (at d = {first})")

    def instances():
        for d in range(1, 41 if full else 17):
            yield f"2^{d} x_1", lambda d=d: example(d)
        for _ in range(60 if full else 20):
            d, width, depth, weight = r.randint(1, 5), r.randint(1, 4), r.randint(1, 4), r.randint(1, 4)
            yield f"audit d={d} depth={depth}", lambda d=d, w=width, L=depth, B=weight: audit(d, w, L, B)
        yield "separation", separation

    verdict = all_proved(instances(), "exact interval bounds over [0,1]^d, sampled exact values inside them, and the exact error bound")
    if verdict.status != "proved":
        return verdict
    return proved(f"{verdict.method}; {separation().method}", instances=verdict.details.get("instances"))


def _integer_relu_net(r: random.Random, d: int, depth: int, weight: int = 3) -> Network:
    sizes = [d] + [r.randint(1, 3) for _ in range(depth - 1)] + [1]
    return Network(d, [Layer("relu" if j < depth - 1 else "linear",
                             [[r.randint(-weight, weight) for _ in range(sizes[j])] for _ in range(sizes[j + 1])],
                             [r.randint(-weight, weight) for _ in range(sizes[j + 1])]) for j in range(depth)])


@claim("VS-Thm-SmallWeights", "VS", "the checkable pieces of the depth-3k+3 small-weight construction: bit extraction, iterated addition, and a depth-k integer ReLU net as 3(k-1)+1 <= 3k+3 threshold layers, exact on every input")
def vs_small_weights(full: bool) -> Verdict:
    r = rng("VS-Thm-SmallWeights")

    def bits_case(b: int) -> Verdict:
        points = np.arange(2**b, dtype=np.int64).reshape(-1, 1)
        want = (points >> np.arange(b - 1, -1, -1, dtype=np.int64)) & 1
        for activation in ("step", "relu"):
            net = bit_extraction_net(b, activation)
            out = evaluate_batch(net, points)
            if out.denominator != 1 or not (out.numerators == want).all():
                t = int(np.argmax((out.numerators != want * out.denominator).any(axis=1)))
                return refuted((t,), reason=f"{activation} net: wrong bits of {t}")
            if net.depth != 2 or max_weight(net) > 2:
                return unknown(f"{activation} net has depth {net.depth} and weight {max_weight(net)}")
        return proved("")

    def addition_case(m: int, b: int) -> Verdict:
        circuit = iterated_addition_circuit(m, b)
        n, width = m * b, circuit.output_dim
        z = cube_bits(n).astype(np.int64)
        total = sum(z[:, i * b:(i + 1) * b] @ (2 ** np.arange(b - 1, -1, -1, dtype=np.int64)) for i in range(m))
        want = (total[:, None] >> np.arange(width - 1, -1, -1, dtype=np.int64)) & 1
        got = evaluate_cube(circuit, "01").numerators
        if not (got == want).all():
            i = int(np.argmax((got != want).any(axis=1)))
            return refuted(z[i].tolist(), reason=f"wrong sum bits at input {i}")
        if circuit.depth != 2 or max_weight(circuit) > 2**(b - 1):
            return unknown(f"depth {circuit.depth}, weight {max_weight(circuit)}")
        return proved("")

    def layer_case(d: int, bits: int, depth: int) -> Verdict:
        net = _integer_relu_net(r, d, depth)
        circuit = relu_net_in_binary(net, bits)
        if circuit.depth != 3 * (depth - 1) + 1 or circuit.depth > small_weight_depth(depth):
            return unknown(f"depth {circuit.depth} for a depth-{depth} net")
        # weight bookkeeping: inside the threshold layers every weight is below 2^B, B the widest
        # two's-complement pre-activation (binary_widths: exact bounds over the input box)
        widest = max(w for layer in binary_widths(net, bits) for w in layer)
        inner = max((abs(v) for layer in circuit.layers[:-1] for row in layer.weights for v in row), default=0)
        if inner >= 2**widest:
            return unknown(f"a threshold weight {inner} >= 2^{widest}")
        z = cube_bits(d * bits).astype(np.int64)
        x = np.stack([z[:, i * bits:(i + 1) * bits] @ (2 ** np.arange(bits - 1, -1, -1, dtype=np.int64)) for i in range(d)], axis=1)
        want = evaluate_batch(net, x)
        got = evaluate_cube(circuit, "01")
        if want.denominator != 1 or got.denominator != 1 or not (want.numerators == got.numerators).all():
            i = int(np.argmax(want.numerators[:, 0] != got.numerators[:, 0]))
            return refuted(z[i].tolist(), reason=f"the circuit differs from the net at integer input {x[i].tolist()}")
        relu = threshold_circuit_to_relu(circuit, kind="01", margins="integer")
        return equivalence_verdict(check_equivalence(circuit, relu, "cube01", "function", method="enumerate"))

    def instances():
        for b in range(1, 13 if full else 9):
            yield f"bits of 0..2^{b}-1", lambda b=b: bits_case(b)
        for m, b in [(2, 2), (3, 3), (4, 3), (5, 2), (3, 4)] + ([(4, 4), (6, 2), (2, 8)] if full else []):
            yield f"sum of {m} numbers of {b} bits", lambda m=m, b=b: addition_case(m, b)
        for _ in range(30 if full else 10):
            d, bits, depth = r.randint(1, 3), r.randint(1, 3), r.randint(2, 4 if full else 3)
            yield f"ReLU net d={d} depth={depth} in {bits}-bit binary", lambda d=d, b=bits, k=depth: layer_case(d, b, k)

    return all_proved(instances(), "every integer of the range and every input of {0,1}^n enumerated exactly; depths and weights checked against the calculator")
