"""All methods agree on a corpus of random and constructed pairs.

For each pair every applicable method answers; no two may disagree (one "equivalent" and one
"counterexample"), no method may say "unknown" without a time limit on these small instances,
and every counterexample has already been replayed by the reference evaluator.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from exactnets.domains import BooleanCube, Box, Polytope, Reals
from exactnets.network import Layer, Network, compose, parallel_sum, scale
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.query import NotApplicable, parse_mode
from tests.strategies import networks, rationals

CUBE_METHODS = ("enumerate", "z3")
CONTINUOUS_METHODS = ("canonical", "regions", "z3")


def verdicts(f, g, domain, mode, methods):
    answers = {}
    for method in methods:
        try:
            answers[method] = check_equivalence(f, g, domain, mode, method=method)
        except NotApplicable:
            continue
    return answers


def assert_agree(answers):
    assert answers, "no method applied"
    seen = {name: result.verdict for name, result in answers.items()}
    assert "unknown" not in seen.values(), seen
    assert len(set(seen.values())) == 1, seen


def rewrite(net: Network, r: random.Random) -> Network:
    """The same function written differently: permuted, rescaled and split first-layer units."""
    first, *rest = net.layers
    order = list(range(first.out_dim))
    r.shuffle(order)
    factors = [Fraction(r.randint(1, 5), r.randint(1, 5)) if first.activation == "relu" else Fraction(1) for _ in order]
    rows = [[factors[i] * w for w in first.weights[k]] for i, k in enumerate(order)]
    bias = [factors[i] * first.bias[k] for i, k in enumerate(order)]
    nxt = rest[0] if rest else None
    if nxt is None:
        return net
    cols = [[row[k] / factors[i] for i, k in enumerate(order)] for row in nxt.weights]
    return Network(net.input_dim, [Layer(first.activation, rows, bias), Layer(nxt.activation, cols, nxt.bias), *rest[1:]])


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_methods_agree_on_the_cube(data):
    f = data.draw(networks(input_dim=st.integers(1, 4), depth=st.integers(1, 3), width=st.integers(1, 4)))
    kind = data.draw(st.sampled_from(["pm1", "01"]))
    choice = data.draw(st.sampled_from(["rewrite", "random", "scaled"]))
    if choice == "rewrite":
        g = rewrite(f, random.Random(data.draw(st.integers(0, 10**6))))
    elif choice == "random":
        g = data.draw(networks(input_dim=st.just(f.input_dim), output_dim=st.just(f.output_dim), depth=st.integers(1, 3)))
    else:
        g = scale(f, data.draw(st.sampled_from(["1", "-1", "3/2"])))
    mode = parse_mode(data.draw(st.sampled_from(["function", "decision", "argmax", "epsilon:1/2"])))
    assert_agree(verdicts(f, g, BooleanCube(f.input_dim, kind), mode, CUBE_METHODS))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_methods_agree_on_boxes_and_reals(data):
    relu_only = ("relu",)
    f = data.draw(networks(input_dim=st.integers(1, 3), depth=st.integers(2, 3), width=st.integers(1, 4),
                           activations=relu_only, output_activations=("linear",)))
    choice = data.draw(st.sampled_from(["rewrite", "random", "perturbed"]))
    if choice == "rewrite":
        g = rewrite(f, random.Random(data.draw(st.integers(0, 10**6))))
    elif choice == "random":
        g = data.draw(networks(input_dim=st.just(f.input_dim), output_dim=st.just(f.output_dim), depth=st.integers(2, 3),
                               width=st.integers(1, 4), activations=relu_only, output_activations=("linear",)))
    else:
        last = f.layers[-1]
        g = Network(f.input_dim, [*f.layers[:-1], Layer("linear", last.weights, [b + Fraction(1, 1000) for b in last.bias])])
    n = f.input_dim
    domain = data.draw(st.sampled_from([Box.uniform(n, -1, 1), Box.uniform(n, "-1/3", 2), Reals(n),
                                        Polytope([[1] * n, [-1] * n] + [[-1 if j == i else 0 for j in range(n)] for i in range(n)],
                                                 [1, 1] + [3] * n)]))
    mode = parse_mode(data.draw(st.sampled_from(["function", "decision", "argmax", "epsilon:1/100"])))
    assert_agree(verdicts(f, g, domain, mode, CONTINUOUS_METHODS))


def test_constructed_pairs_agree():
    # relu(x) - relu(-x) = x everywhere; max(x, y) = y + relu(x - y) via two layers
    ident = Network(1, [Layer("relu", [[1], [-1]], [0, 0]), Layer("linear", [[1, -1]], [0])])
    linear = Network(1, [Layer("linear", [[1]], [0])])
    for domain in (Reals(1), Box.uniform(1, -2, 5)):
        assert_agree(verdicts(ident, linear, domain, parse_mode("function"), CONTINUOUS_METHODS))
    mx = Network(2, [Layer("relu", [[1, -1], [0, 1], [0, -1]], [0, 0, 0]), Layer("linear", [[1, 1, -1]], [0])])
    wrong = Network(2, [Layer("relu", [[1, -1], [0, 1]], [0, 0]), Layer("linear", [[1, 1]], [0])])  # forgets y < 0
    answers = verdicts(mx, wrong, Reals(2), parse_mode("function"), CONTINUOUS_METHODS)
    assert_agree(answers)
    assert all(a.verdict == "counterexample" and a.counterexample.x[1] < 0 for a in answers.values())
    # equal on the cube, not on the box: an LTF and its Claim-5 two-ReLU simulation
    from exactnets.constructions.mukherjee_basu import ltf_as_two_relus

    ltf = Network(2, [Layer("ltf", [[1, 1]], [0])])
    sim = ltf_as_two_relus([1, 1], 0)
    assert_agree(verdicts(ltf, sim, BooleanCube(2), parse_mode("function"), CUBE_METHODS))
    assert check_equivalence(ltf, sim, BooleanCube(2)).verdict == "equivalent"
    answers = verdicts(ltf, sim, Box.uniform(2, -1, 1), parse_mode("function"), ("regions", "z3"))
    assert_agree(answers)
    assert all(a.verdict == "counterexample" for a in answers.values())
