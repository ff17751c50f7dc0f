"""The literal method (exactnets.verify.dnf): proofs, counterexamples, and where it does not apply."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from exactnets.constructions.pan_srikumar import relu_to_threshold
from exactnets.domains import BooleanCube, Box, Reals
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify import dnf
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.query import Deadline, Mode, NotApplicable, violates

DECISION = Mode("decision")


def rq(r, num=6, den=3):
    return Fraction(r.randint(-num, num), r.randint(1, den))


def nonzero_row(r, d):
    while True:
        row = [rq(r) for _ in range(d)]
        if any(row):
            return row


def relu_net(r, d, w):
    return Network(d, [Layer("relu", [nonzero_row(r, d) for _ in range(w)], [rq(r) for _ in range(w)]),
                       Layer("linear", [[r.choice([-1, 1]) * Fraction(r.randint(1, 3)) for _ in range(w)]], [rq(r)])])


def threshold_net(r, d, widths):
    sizes = [d, *widths, 1]
    return Network(d, [Layer("ltf", [[rq(r) for _ in range(sizes[i])] for _ in range(sizes[i + 1])],
                             [rq(r) for _ in range(sizes[i + 1])]) for i in range(len(sizes) - 1)])


def test_both_argument_orders_and_outputs():
    r = random.Random("orders")
    for _ in range(10):
        net = relu_net(r, 2, 3)
        g = relu_to_threshold(net)
        for f1, g1 in ((net, g), (g, net)):
            result = dnf.decide(f1, g1, Reals(2), DECISION, Deadline(30))
            assert result.verdict == "equivalent" and result.details["z3"] == 0


def perturbed(g: Network, r: random.Random) -> Network:
    """``g`` with one first-layer unit moved: some cases are no longer forced and go to z3."""
    first = g.layers[0]
    j = r.randrange(first.out_dim)
    rows = [list(row) for row in first.weights]
    rows[j][0] += Fraction(r.choice([-1, 1]), r.randint(1, 4))
    return Network(g.input_dim, [Layer("ltf", rows, first.bias), *g.layers[1:]])


def test_partly_matched_nets_get_a_verdict_that_holds():
    r = random.Random("perturbed")
    refuted = 0
    for _ in range(20):
        d = r.randint(1, 3)
        f = relu_net(r, d, r.randint(2, 4))
        g = perturbed(relu_to_threshold(f, r.choice(["dnf", "cnf"])), r)
        result = dnf.decide(f, g, Reals(d), DECISION, Deadline(60))
        if result.verdict == "counterexample":
            x = result.counterexample.x
            assert violates(DECISION, evaluate(f, x), evaluate(g, x))
            refuted += 1
        else:
            assert result.verdict == "equivalent"
            for _ in range(50):
                x = [rq(r, 30, 4) for _ in range(d)]
                assert (evaluate(f, x)[0] >= 0) == (evaluate(g, x)[0] >= 0)
    assert refuted >= 5


def test_a_single_halfspace_and_the_box_domain():
    # sgn(-1 + R(x) - R(x - 3)) >= 0 iff x >= 1; its literals are -1, x - 1, 2 - x and the constant 2
    f = Network(1, [Layer("relu", [[1], [1]], [0, -3]), Layer("linear", [[1, -1]], [-1])])
    g = Network(1, [Layer("ltf", [[2]], [-2])])                                   # [2x - 2 >= 0]
    assert dnf.decide(f, g, Reals(1), DECISION).verdict == "equivalent"
    h = Network(1, [Layer("ltf", [[-1]], [2])])                                   # [2 - x >= 0]: wrong off [1, 2]
    result = dnf.decide(f, h, Box([-5], [5]), DECISION)
    x = result.counterexample.x[0]
    assert result.verdict == "counterexample" and (x < 1 or x > 2) and -5 <= x <= 5
    assert dnf.decide(f, h, Box([1], [2]), DECISION).verdict == "equivalent"


def test_not_applicable():
    r = random.Random("na")
    f = relu_net(r, 2, 2)
    g = relu_to_threshold(f)
    with pytest.raises(NotApplicable):
        dnf.decide(f, g, Reals(2), Mode("function"))
    with pytest.raises(NotApplicable):
        dnf.decide(f, g, BooleanCube(2), DECISION)
    with pytest.raises(NotApplicable):
        dnf.decide(f, relu_net(r, 2, 2), Reals(2), DECISION)
    deep = Network(2, [Layer("relu", [[1, 0]], [0]), Layer("relu", [[1]], [0]), Layer("linear", [[1]], [0])])
    with pytest.raises(NotApplicable):
        dnf.decide(deep, g, Reals(2), DECISION)
    with pytest.raises(NotApplicable, match="literal"):
        dnf.decide(f, threshold_net(r, 2, [2]), Reals(2), DECISION)


def test_check_falls_back_and_says_so():
    r = random.Random("fallback")
    f = relu_net(r, 2, 2)
    result = dnf.check(f, relu_to_threshold(f), "reals", "decision")
    assert result.verdict == "equivalent"


def _direct_z3(f: Network, g: Network) -> str:
    """The direct encoding (ReLU and ltf units as If terms), written here as an independent judge."""
    import z3

    def q(v):
        return z3.RealVal(f"{v.numerator}/{v.denominator}")

    xs = [z3.Real(f"x{i}") for i in range(f.input_dim)]

    def out(net):
        values = list(xs)
        for li, layer in enumerate(net.layers):
            terms = [z3.Sum([q(w) * v for w, v in zip(row, values)] + [q(b)]) for row, b in zip(layer.weights, layer.bias)]
            if li == len(net.layers) - 1:
                return terms[0]
            if layer.activation == "relu":
                values = [z3.If(t > 0, t, q(Fraction(0))) for t in terms]
            else:
                values = [z3.If(t >= 0, q(Fraction(1)), q(Fraction(-1))) for t in terms]

    solver = z3.Solver()
    solver.add(z3.Xor(out(f) >= 0, out(g) >= 0))
    answer = solver.check()
    assert answer in (z3.sat, z3.unsat)
    return "equivalent" if answer == z3.unsat else "counterexample"


def test_agrees_with_the_direct_z3_encoding():
    r = random.Random("z3-judge")
    for _ in range(12):
        d = r.randint(1, 3)
        f = relu_net(r, d, r.randint(2, 4))
        for g in (relu_to_threshold(f), relu_to_threshold(f, as_printed=True), perturbed(relu_to_threshold(f), r)):
            ours = dnf.decide(f, g, Reals(d), DECISION).verdict
            assert ours == _direct_z3(f, g)
            engine = check_equivalence(f, g, Reals(d), DECISION, method="z3", timeout=120)
            assert engine.verdict == ours, engine.summary()


def test_theorem1_at_benchmark_size_is_proved_without_a_solver():
    r = random.Random("w10")
    d, w = 5, 10
    f = Network(d, [Layer("relu", [[Fraction(r.randint(-9, 9)) for _ in range(d)] for _ in range(w)],
                          [Fraction(r.randint(-9, 9)) for _ in range(w)]),
                    Layer("linear", [[1] * 5 + [-1] * 5], [2])])
    result = dnf.decide(f, relu_to_threshold(f), Reals(d), DECISION, Deadline(120))
    assert result.verdict == "equivalent"
    assert result.details["forced"] == result.details["cases"] == 64 and result.details["z3"] == 0


def test_a_sliver_the_samples_miss_is_found_by_z3():
    # g = [x >= 1] OR (x in [1/3, 1/3 + 10^-9]): differs from sgn(-1 + R(x)) on a sliver without small dyadics
    f = Network(1, [Layer("relu", [[1]], [0]), Layer("ltf", [[1]], [-1])])
    top = Fraction(1, 3) + Fraction(1, 10**9)
    g = Network(1, [Layer("ltf", [[1], [1], [-1]], [-1, Fraction(-1, 3), top]),
                    Layer("ltf", [[1, 0, 0], [0, 1, 1]], [0, -1]),
                    Layer("ltf", [[1, 1]], [1])])
    result = dnf.decide(f, g, Reals(1), DECISION, Deadline(60))
    assert result.verdict == "counterexample" and result.details.get("case") == "-0"
    assert Fraction(1, 3) <= result.counterexample.x[0] <= top
