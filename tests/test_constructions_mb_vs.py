"""Mukherjee & Basu and Vardi & Shamir constructions, proved exhaustively on the cube (and over R^2
for Prop. 2.2) with the engine."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.constructions.arora import verify_max
from exactnets.constructions.mukherjee_basu import (
    distinct_values, fourier_relu_net, lemma_2_1_net, ltf_as_two_relus, max0_x1_x2_net, prop_2_3_function,
    prop_2_3_ltf_net, prop_2_3_relu_net, vertex_indicator_net,
)
from exactnets.constructions.vardi_shamir import gate_margins, threshold_circuit_to_relu
from exactnets.boolean.fourier import fourier_coefficients
from exactnets.errors import InputError
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify.enumerate import check_against_table
from exactnets.verify.equivalence import check_equivalence
from tests.strategies import rationals


def rq(r, num=6, den=4):
    return Fraction(r.randint(-num, num), r.randint(1, den))


# -- MB Claim 5 (engine: the LTF network against its 2-ReLU form) --------------------------------------

def test_claim5_against_the_ltf_network():
    r = random.Random("claim5")
    for trial in range(60):
        n = r.randint(1, 8)
        a = [rq(r) for _ in range(n)]
        b = rq(r)
        spec = Network(n, [Layer("ltf", [a], [b])])
        result = check_equivalence(spec, ltf_as_two_relus(a, b), "cube", "function", method="enumerate")
        assert result.verdict == "equivalent", result.summary()


# -- MB Lemma 2.1, both routes ---------------------------------------------------------------------

@pytest.mark.parametrize("n", range(1, 8))
def test_lemma21_fourier_route(n):
    r = random.Random(f"l21-{n}")
    for _ in range(4):
        values = [rq(r) if r.random() < 0.6 else Fraction(0) for _ in range(2**n)]
        net = fourier_relu_net(values)
        assert check_against_table(net, values).status == "proved"
        coefficients = fourier_coefficients(values)
        bound = sum(bin(mask).count("1") for mask, c in enumerate(coefficients) if mask and c != 0)
        assert net.size == max(bound, 1)
        best = lemma_2_1_net(values)
        assert best.size == min(vertex_indicator_net(values).size, net.size)
        assert check_against_table(best, values).status == "proved"


def test_lemma21_parity_is_cheap_by_fourier():
    n = 6
    values = [int(np.prod(x)) for x in __import__("exactnets.domains", fromlist=["cube_points"]).cube_points(n).tolist()]
    net = fourier_relu_net(values)
    assert net.size == n and check_against_table(net, values).status == "proved"


# -- MB Prop 2.2 and 2.3 ---------------------------------------------------------------------------

def test_prop22_two_layers_compute_max0_over_r2():
    net = max0_x1_x2_net()
    assert net.hidden_layers == 2
    verdict = verify_max(net, include_zero=True)
    assert verdict.status == "proved", verdict.summary()
    # a one-layer candidate (here max{x1,x2} + R(-x2)... any Sum-of-ReLU) is refuted with a replayed point
    wrong = Network(2, [Layer("relu", [[1, -1], [0, 1], [0, -1]], [0, 0, 0]), Layer("linear", [[1, 1, 0]], [0])])
    refuted = verify_max(wrong, include_zero=True)
    assert refuted.status == "refuted"
    x = refuted.counterexample
    assert evaluate(wrong, x)[0] != max(0, *x)


@pytest.mark.parametrize("n", range(1, 11))
def test_prop23(n):
    table = prop_2_3_function(n)
    for net in (prop_2_3_relu_net(n), prop_2_3_relu_net(n, units=1), prop_2_3_ltf_net(n)):
        assert check_against_table(net, table).status == "proved"
    assert prop_2_3_relu_net(n).size == 2 and prop_2_3_ltf_net(n).size == n
    assert distinct_values(prop_2_3_ltf_net(n)) == 2**n  # so n - 1 LTFs (2^(n-1) values) cannot do it
    with pytest.raises(InputError):
        prop_2_3_relu_net(n, units=3)


# -- VS gadget: threshold circuits of any depth ----------------------------------------------------------

def random_circuit(r, n, integer, output):
    value = (lambda: Fraction(r.randint(-4, 4))) if integer else (lambda: rq(r))
    sizes = [n] + [r.randint(1, 4) for _ in range(r.randint(0, 3))] + [1]
    acts = [r.choice(["ltf", "step"]) for _ in sizes[1:-1]] + [output]
    return Network(n, [Layer(a, [[value() for _ in range(sizes[i])] for _ in range(sizes[i + 1])],
                             [value() for _ in range(sizes[i + 1])]) for i, a in enumerate(acts)])


@pytest.mark.parametrize("kind", ["pm1", "01"])
@pytest.mark.parametrize("integer", [True, False])
def test_threshold_circuit_to_relu(kind, integer):
    r = random.Random(f"vs-{kind}-{integer}")
    for _ in range(25):
        net = random_circuit(r, r.randint(1, 8), integer, r.choice(["ltf", "step", "linear"]))
        relu = threshold_circuit_to_relu(net, kind=kind)
        hidden = [layer for layer in net.layers if layer.activation != "linear"]
        assert relu.size == 2 * sum(layer.out_dim for layer in hidden)
        assert all(layer.activation in ("relu", "linear") for layer in relu.layers)
        if integer:  # the same weight magnitudes, up to the factor 2 of the +-1 encoding
            top = max(abs(w) for layer in net.layers for row in layer.weights for w in row)
            assert max(abs(w) for row in relu.layers[0].weights for w in row) <= top
        domain = "cube" if kind == "pm1" else "cube01"
        result = check_equivalence(net, relu, domain, "function", method="enumerate")
        assert result.verdict == "equivalent", result.summary()


def test_integer_margins_refuse_rational_circuits():
    net = Network(2, [Layer("ltf", [["1/2", 1]], [0]), Layer("ltf", [[1]], [0])])
    with pytest.raises(InputError, match="integer"):
        threshold_circuit_to_relu(net, margins="integer")
    assert gate_margins(net)[0] == [Fraction(1, 2)]


@settings(max_examples=30)
@given(st.data())
def test_threshold_circuit_to_relu_hypothesis(data):
    n = data.draw(st.integers(1, 5))
    m = data.draw(st.integers(1, 3))
    layer = Layer("ltf", [[data.draw(rationals(5, 3)) for _ in range(n)] for _ in range(m)],
                  [data.draw(rationals(5, 3)) for _ in range(m)])
    net = Network(n, [layer, Layer("ltf", [[data.draw(rationals(5, 3)) for _ in range(m)]], [data.draw(rationals(5, 3))])])
    result = check_equivalence(net, threshold_circuit_to_relu(net), "cube", "function", method="enumerate")
    assert result.verdict == "equivalent"
