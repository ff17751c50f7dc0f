"""Malach & Shalev-Shwartz: exact distributions, correlations, influences, Properties 1-3, the
generative model, and Algorithm 1 with its exact verification."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.boolean import Gate, TreeCircuit, TruthTable, circuit_truth_table, correlation, parity_circuit
from exactnets.boolean.circuits import (LabelledDistribution, labelled_distribution, lca_margin, level_correlations,
                                        level_distributions, negated_output, node_influences, node_tables,
                                        property1_violation, property2_violation, property3_epsilon,
                                        without_noninfluencing_gates)
from exactnets.boolean.product import point_probabilities
from exactnets.constructions.malach_shalev_shwartz import (generative_distributions, generative_probability,
                                                           lemma8_recursion, tree_circuit_to_network)
from exactnets.domains import cube_points
from exactnets.errors import InputError
from exactnets.evaluate import evaluate
from exactnets.experiments import ms_layerwise as ms
from exactnets.network import Layer, Network
from proofs import malach_shalev_shwartz as claims

gates = st.sampled_from(Gate.all())
probabilities = st.fractions(min_value=0, max_value=1, max_denominator=12)


def circuits(depth: int):
    return st.tuples(*[st.tuples(*[gates] * 2**i) for i in range(depth)]).map(lambda levels: TreeCircuit(depth, levels))


# -- product distributions and labelled distributions ----------------------------------------------

@settings(deadline=None)
@given(st.lists(probabilities, min_size=1, max_size=5))
def test_point_probabilities_are_the_products(p):
    table = point_probabilities(p)
    assert sum(table) == 1
    for k, x in enumerate(cube_points(len(p))):
        expected = Fraction(1)
        for q, v in zip(p, x):
            expected *= q if v == 1 else 1 - q
        assert table[k] == expected


def test_labelled_distribution_validates():
    with pytest.raises(InputError, match="sum to exactly 1"):
        LabelledDistribution(1, {((1,), 1): Fraction(1, 3)})
    with pytest.raises(InputError, match="exact rational"):
        LabelledDistribution(1, {((1,), 1): 1.0})
    d = LabelledDistribution(1, {((1,), 1): Fraction(1, 2), ((-1,), 1): Fraction(1, 2), ((-1,), -1): 0})
    assert ((-1,), -1) not in d.probabilities and d.bias() == 1 and d.correlation(0) == 0


# -- correlations and influences -----------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(circuits(2), st.lists(probabilities, min_size=4, max_size=4))
def test_pushed_correlations_equal_direct_sums(circuit, p):
    D = labelled_distribution(circuit, p)
    tables = node_tables(circuit)
    label = TruthTable(4, tables[0][:, 0])
    for (i, j), c in level_correlations(circuit, D).items():
        assert c == correlation(TruthTable(4, tables[i][:, j]), label, p)


@settings(max_examples=25, deadline=None)
@given(circuits(2))
def test_influences_match_flipping_by_hand(circuit):
    influence = node_influences(circuit)
    for i, j in itertools.product((1, 2), range(4)):
        if j < 2**i:
            assert influence[(i, j)] == claims._brute_influence(circuit, i, j)


def test_a_constant_node_can_have_influence_in_the_seed_parity_circuit():
    # I = {x1, x2}: the right half has no bit of I, so node (1, 2) is the constant 1, yet the
    # XOR above it makes its influence 1 under MS's definition (uniform level values).
    circuit = parity_circuit(2, [0, 1])
    assert set(node_tables(circuit)[1][:, 1].tolist()) == {1}
    assert node_influences(circuit)[(1, 1)] == 1
    normal = claims._parity_normal_form(2, [0, 1])
    assert node_influences(normal)[(1, 1)] == 0
    assert circuit_truth_table(normal) == circuit_truth_table(circuit)


@settings(max_examples=25, deadline=None)
@given(circuits(3))
def test_without_noninfluencing_gates_keeps_the_function(circuit):
    normal = without_noninfluencing_gates(circuit)
    assert circuit_truth_table(normal) == circuit_truth_table(circuit)
    influence = node_influences(normal)
    for (i, j), value in influence.items():
        if i < 3 and value == 0:
            assert normal.levels[i][j] == Gate.constant(1)
    assert node_influences(circuit) == influence


def test_negated_output():
    c = TreeCircuit(2, [[Gate.and_()], [Gate.or_(), Gate.xor()]])
    assert (circuit_truth_table(negated_output(c)).values == -circuit_truth_table(c).values).all()


# -- Properties 1-3 -------------------------------------------------------------------------------

def test_property2_detects_dependence_inside_a_gate_value():
    # AND is -1 on (1,-1), (-1,1), (-1,-1); here y still depends on which of them occurred.
    c = TreeCircuit(1, [[Gate.and_()]])
    q = Fraction(1, 4)
    D = LabelledDistribution(2, {((1, 1), 1): q, ((1, -1), -1): q, ((-1, 1), 1): q, ((-1, -1), -1): q})
    assert property2_violation(c, D) is not None
    product = labelled_distribution(c, ["1/3", "3/4"])
    assert property2_violation(c, product) is None


def test_property3_epsilon_of_a_product_is_the_least_pattern_probability():
    c = TreeCircuit(1, [[Gate.or_()]])
    assert property3_epsilon(c, labelled_distribution(c, ["1/3", "3/4"])) == Fraction(1, 3) * Fraction(1, 4)


def test_property1_and_lca_margin():
    c = TreeCircuit(1, [[Gate.and_()]])
    # E[y] = 9/16 - 7/16 = 1/8; E[x_1 y] = 9/16 - 3/16 + 3/16 + 1/16 = 5/8.
    D = labelled_distribution(c, ["3/4", "3/4"])
    assert D.bias() == Fraction(1, 8) and D.correlation(0) == Fraction(5, 8) and lca_margin(c, D) == Fraction(1, 2)
    assert property1_violation(c, D, "49/100") is None
    assert property1_violation(c, D, "1/2") == (1, 0)  # |c| > E[y] + Delta is strict
    with pytest.raises(InputError):
        property1_violation(c, D, 0.25)


# -- the generative model (Sec. 5.2) ----------------------------------------------------------------

def test_generative_distribution_of_one_or_gate():
    top, bottom = generative_distributions(TreeCircuit(1, [[Gate.or_()]]))
    assert dict(top.probabilities) == {((1,), 1): Fraction(1, 2), ((-1,), -1): Fraction(1, 2)}
    assert dict(bottom.probabilities) == {((1, 1), 1): Fraction(1, 6), ((1, -1), 1): Fraction(1, 6),
                                          ((-1, 1), 1): Fraction(1, 6), ((-1, -1), -1): Fraction(1, 2)}


def test_generative_model_refuses_other_gates():
    with pytest.raises(InputError, match="AND, OR, NAND and NOR"):
        generative_distributions(TreeCircuit(1, [[Gate.xor()]]))


@settings(max_examples=20, deadline=None)
@given(st.tuples(*[st.tuples(*[st.sampled_from([Gate.and_(), Gate.or_(), Gate.nand(), Gate.nor()])] * 2**i)
                   for i in range(3)]))
def test_lemma8_and_lemma9_exactly(levels):
    circuit = TreeCircuit(3, levels)
    D = generative_distributions(circuit)
    assert level_distributions(circuit, D[-1]) == D  # Lemma 9
    assert D[-1].bias() == 0
    for i in (1, 2, 3):
        assert {abs(D[i].correlation(j)) for j in range(2**i)} == {Fraction(2, 3) ** i}  # Lemma 8, exactly
    x = (1, -1, -1, 1, 1, 1, -1, -1)
    assert sum(generative_probability(circuit, x, y) for y in (1, -1)) == \
        sum(q for (z, _), q in D[-1].probabilities.items() if z == x)


def test_lemma8_recursion_as_corrected_not_as_printed():
    # AND at the top: P[x_1 = 1 | y = 1] = 1 (only (1,1) gives 1); the corrected map gives
    # (2/3) * 1 + 1/3 = 1, the printed (2/3) p - 1/3 would give 1/3.
    D = generative_distributions(TreeCircuit(1, [[Gate.and_()]]))[1]
    assert D.probability(lambda x, y: x[0] == 1 and y == 1) / Fraction(1, 2) == 1
    assert lemma8_recursion("AND", 1) == 1 and lemma8_recursion(Gate.nor(), Fraction(1, 2)) == Fraction(1, 3)
    with pytest.raises(InputError):
        lemma8_recursion(Gate.xor(), 0)


def test_lemma8_as_printed_is_refuted_at_the_leaves():
    verdict = claims.lemma8_as_printed(False)
    assert verdict.status == "refuted"
    d, i, j, gap = verdict.counterexample
    assert i == d and gap == Fraction(2, 3) ** int(d)


def test_cor10_epsilon_fails_only_for_a_single_gate():
    # MS: Property 3 with eps = (1/4)^d; for d = 1 the least pattern probability is 1/6 < 1/4.
    c = TreeCircuit(1, [[Gate.and_()]])
    assert property3_epsilon(c, generative_distributions(c)[-1]) == Fraction(1, 6)


# -- Lemma 6 --------------------------------------------------------------------------------------

def test_lemma6_formulas_on_one_instance():
    p = [Fraction(3, 4), Fraction(1, 5), Fraction(9, 10), Fraction(2, 5)]
    assert claims._check_parity(2, [0, 1, 3], Fraction(1, 10), p, (Fraction(2, 10)) ** 3) is None
    # A bound that is too strong is caught: |c| - |E[y]| for the node over {x4} is
    # |(2p1-1)(2p2-1)| - |E[y]| = 3/10 - 3/50 = 6/25.
    assert "not >" in claims._check_parity(2, [0, 1, 3], Fraction(1, 10), p, Fraction(6, 25))


# -- Algorithm 1 and its exact verification ---------------------------------------------------------

@settings(max_examples=10, deadline=None)
@given(circuits(2))
def test_exact_gate_network_is_verified(circuit):
    assert ms.verify_tree_network(tree_circuit_to_network(circuit), circuit).status == "proved"


def _with_one_gate_changed(net: Network, gate_row: int, values) -> Network:
    """The network with the output weights of one neural gate of the first block replaced."""
    layers = list(net.layers)
    out = [list(r) for r in layers[1].weights]
    out[gate_row][4 * gate_row: 4 * gate_row + 4] = [Fraction(v) for v in values]
    layers[1] = Layer("hardtanh", out, layers[1].bias)
    return Network(net.input_dim, layers)


def test_a_wrong_gate_is_detected_and_replayed():
    circuit = TreeCircuit(2, [[Gate.or_()], [Gate.and_(), Gate.xor()]])
    net = tree_circuit_to_network(circuit)
    broken = _with_one_gate_changed(net, 1, Gate.or_().values)  # the second bottom gate: XOR -> OR
    verdict = ms.verify_tree_network(broken, circuit)
    assert verdict.status == "refuted"
    x = verdict.counterexample
    assert evaluate(broken, x)[0] != circuit_truth_table(circuit).values[
        int("".join("1" if v == -1 else "0" for v in x), 2)]
    # OR(AND, XOR) and OR(AND, OR) differ exactly where AND = -1 and XOR != OR: 3 x 3 points.
    assert verdict.details["wrong"] == sum(1 for z in itertools.product((1, -1), repeat=4)
                                           if Gate.and_()(*z[:2]) == -1 and Gate.xor()(*z[2:]) != Gate.or_()(*z[2:])) == 9


def test_a_half_wrong_output_is_not_accepted():
    # Right sign everywhere, but value 1/2 instead of 1 somewhere: refuted (exact equality demanded).
    circuit = TreeCircuit(1, [[Gate.and_()]])
    net = _with_one_gate_changed(tree_circuit_to_network(circuit), 0, ["1/2", -1, -1, -1])
    verdict = ms.verify_tree_network(net, circuit)
    assert verdict.status == "refuted" and verdict.details["sign_errors"] == 0


def test_sample_product_labels_are_the_circuit():
    circuit = TreeCircuit(2, [[Gate.xor()], [Gate.and_(), Gate.nor()]])
    x, y = ms.sample_product(circuit, ["1/3", "1/2", "2/3", "3/4"], 200, np.random.default_rng(1))
    assert all(y[k] == circuit(tuple(int(v) for v in x[k])) for k in range(200))


def test_training_gradient_matches_autograd():
    rng = np.random.default_rng(3)
    z = rng.choice([-1.0, 1.0], size=(50, 4))
    y = rng.choice([-1.0, 1.0], size=50)
    w = rng.normal(scale=0.5, size=(2, 5, 2))
    v = rng.choice([-1.0, 1.0], size=(2, 5))
    lam, eta = 0.3, 0.01
    stepped = ms._train_block(z, y, w, v, lam, eta, 1)
    wt = torch.tensor(w, requires_grad=True)
    pairs = torch.tensor(z).reshape(50, 2, 2)
    s = (torch.relu(torch.einsum("mgc,glc->mgl", pairs, wt)) * torch.tensor(v)).sum(-1)
    yhat = torch.clamp(s, -1, 1).mean(1)
    yt = torch.tensor(y)
    loss = (torch.relu(1 - yt * yhat) + lam * torch.abs(1 - yhat)).mean()
    loss.backward()
    np.testing.assert_allclose(stepped, w - eta * wt.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_algorithm1_learns_a_small_tree_exactly_and_a_broken_copy_is_caught():
    circuit = TreeCircuit(2, [[Gate.or_()], [Gate.and_(), Gate.and_()]])
    D = labelled_distribution(circuit, ["7/12"] * 4)
    result = ms.run_algorithm1(circuit, ms.sample_distribution(D, 3000, np.random.default_rng([20191027, 0])),
                               ms.LayerwiseConfig(seed=0))
    assert result.verdict.status == "proved", result.verdict.summary()
    # The float network agrees with the exact one on the cube (both saturate at +-1).
    exact = [evaluate(result.network, tuple(int(v) for v in x))[0] for x in cube_points(4)]
    assert exact == ms.forward(result.tree, cube_points(4))[:, 0].tolist()
    # Break the trained network: negate the fixed output weights v of the top gate.
    tree = result.tree
    broken = ms.TrainedTree(tree.depth, tree.weights, (-tree.signs[0],) + tree.signs[1:], tree.flipped, tree.losses)
    verdict = ms.verify_tree_network(ms.trained_network(broken), circuit)
    assert verdict.status == "refuted" and verdict.details["wrong"] == 16


def test_algorithm1_swaps_labels_when_most_are_negative():
    circuit = TreeCircuit(1, [[Gate.and_()]])  # E[y] = -1/2 under the uniform distribution
    result = ms.run_algorithm1(circuit, ms.sample_product(circuit, ["1/2", "1/2"], 2000, np.random.default_rng(0)),
                               ms.LayerwiseConfig(seed=1))
    assert result.tree.flipped and result.verdict.status == "proved"
    assert result.gates == ((Gate.and_(),),)


def test_exact_population_gradient_equals_the_float_training_step():
    # Four distinct rows, uniform: the sample mean of the float code is the exact expectation.
    rows = [((1, 1, -1, 1), 1), ((1, -1, -1, -1), -1), ((-1, 1, 1, 1), 1), ((-1, -1, 1, -1), -1)]
    D = LabelledDistribution(4, {row: Fraction(1, 4) for row in rows})
    w = [[(Fraction(1, 8), Fraction(-1, 16)), (Fraction(-3, 16), Fraction(1, 4))],
         [(Fraction(1, 4), Fraction(1, 8)), (Fraction(-1, 8), Fraction(-1, 4))]]
    v = [[1, -1], [-1, 1]]
    exact = ms.population_gradient(D, w, v, "1/5")
    z = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=float)
    w_float = np.array([[[float(c) for c in unit] for unit in gate] for gate in w])
    stepped = ms._train_block(z, y, w_float, np.array(v, dtype=float), 0.2, 1.0, 1)
    np.testing.assert_allclose(w_float - stepped, np.array([[[float(c) for c in g] for g in gate] for gate in exact]),
                               rtol=0, atol=1e-15)
    assert any(c != 0 for gate in exact for g in gate for c in g)


def test_lemma15_claim_checks_the_corrected_constant():
    verdict = claims.lemma15(False)
    assert verdict.status == "proved" and verdict.details["pairs"] > 0
