"""Arora et al. max networks (proved over R^n) and Malach & Shalev-Shwartz neural gates (on the cube)."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest

from exactnets.boolean.circuits import Gate, TreeCircuit, circuit_truth_table, parity_circuit
from exactnets.constructions.arora import max2_net, max_affine_net, max_chain_net, max_net, verify_max
from exactnets.constructions.malach_shalev_shwartz import neural_gate, neural_gate_weights, tree_circuit_to_network
from exactnets.errors import InputError
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify.enumerate import check_against_table
from exactnets.verify.equivalence import check_equivalence


def test_max_gadgets_over_r2():
    # the engine (canonical form, function mode over R^2) proves the two gadgets equal...
    result = check_equivalence(max2_net(4), max2_net(3), "reals", "function")
    assert result.verdict == "equivalent", result.summary()
    # ...and z3 proves each is the maximum
    for units in (3, 4):
        assert verify_max(max2_net(units)).status == "proved"
    with pytest.raises(InputError):
        max2_net(5)


@pytest.mark.parametrize("n", range(2, 9))
def test_max_net_is_the_maximum_over_rn(n):
    net = max_net(n)
    assert net.hidden_layers == math.ceil(math.log2(n)) <= math.ceil(math.log2(n + 1))
    assert verify_max(net).status == "proved"
    zero = max_net(n, include_zero=True)
    assert zero.hidden_layers == math.ceil(math.log2(n + 1))
    assert verify_max(zero, include_zero=True).status == "proved"
    chain = max_chain_net(n)
    assert chain.hidden_layers == n - 1 and verify_max(chain).status == "proved"
    r = random.Random(n)
    for _ in range(20):
        x = [Fraction(r.randint(-30, 30), r.randint(1, 5)) for _ in range(n)]
        assert evaluate(net, x)[0] == max(x) == evaluate(chain, x)[0]


def test_max_affine_and_a_broken_max_is_refuted():
    net = max_affine_net([[1, 2], [-1, 0], [0, 0], ["1/2", "-1/3"], [0, 1]], [0, 1, "-2/3", 0, 5])
    r = random.Random("affine")
    for _ in range(30):
        x = [Fraction(r.randint(-20, 20), r.randint(1, 3)) for _ in range(2)]
        expected = max(x[0] + 2 * x[1], 1 - x[0], Fraction(-2, 3), x[0] / 2 - x[1] / 3, x[1] + 5)
        assert evaluate(net, x)[0] == expected
    good = max_net(3)
    out = good.layers[-1]
    broken = Network(3, [*good.layers[:-1], Layer("linear", out.weights, [Fraction(1, 10**6)])])
    verdict = verify_max(broken)
    assert verdict.status == "refuted"
    x = verdict.counterexample
    assert evaluate(broken, x)[0] != max(x)


def test_all_sixteen_neural_gates():
    for gate in Gate.all():
        net = neural_gate(gate)
        assert net.widths == (2, 4, 1) and all(b == 0 for layer in net.layers for b in layer.bias)
        assert check_against_table(net, list(gate.values)).status == "proved"
        w, v = neural_gate_weights(gate)
        assert set(v) <= {-1, 1}


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_tree_circuits_as_networks(depth):
    r = random.Random(f"tree-{depth}")
    for _ in range(6 if depth < 4 else 2):
        circuit = TreeCircuit(depth, [[r.randrange(16) for _ in range(2**i)] for i in range(depth)])
        net = tree_circuit_to_network(circuit)
        assert net.depth == 2 * depth
        assert check_against_table(net, circuit_truth_table(circuit).values).status == "proved"
    parity = parity_circuit(depth, range(0, 2**depth, 2))
    assert check_against_table(tree_circuit_to_network(parity), circuit_truth_table(parity).values).status == "proved"


@pytest.mark.parametrize("n", range(2, 9))
def test_max_net_tree_equals_chain_by_the_engine(n):
    result = check_equivalence(max_net(n), max_chain_net(n), "reals", "function", method="z3", timeout=120)
    assert result.verdict == "equivalent", result.summary()


def test_prop22_net_equals_the_gadget_tree_by_the_engine():
    from exactnets.constructions.mukherjee_basu import max0_x1_x2_net

    result = check_equivalence(max0_x1_x2_net(), max_net(2, include_zero=True), "reals", "function", method="z3", timeout=120)
    assert result.verdict == "equivalent", result.summary()
