"""Pan & Srikumar (ICML 2016) constructions, each proved with the equivalence engine.

Real statements (Theorem 1/2, Lemma 3, the 3-to-2 example) are proved over R^d in decision
mode with the literal method (exactnets.verify.dnf, through ``dnf.check``, which defers to the
portfolio once the lead registers it); cube statements (Lemma 1) exhaustively on the cube.  The
misprinted versions are shown wrong by replayed exact counterexamples.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.constructions.pan_srikumar import (
    compress_three_to_two, dnf_literals, factorise, fit_u_linf, hidden_prediction_relu,
    hidden_prediction_threshold, lemma3_relu_net, lemma3_threshold_net, or_threshold_net,
    relu_to_threshold, relu_to_threshold_single_sign, threshold_margin, threshold_to_relu,
    threshold_unit_as_relus, thm2_facet_certificates, thm2_witness_net, thm3_condition, tn_matrix,
)
from exactnets.errors import InputError
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network, ps_normal_form
from exactnets.verify.dnf import check
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.query import violates, Mode
from tests.strategies import rationals

DECISION = Mode("decision")


def rq(r: random.Random, num: int = 7, den: int = 3) -> Fraction:
    return Fraction(r.randint(-num, num), r.randint(1, den))


def random_relu_net(r: random.Random, d: int, n1: int, n2: int, output: str = "linear") -> Network:
    w = n1 + n2
    weights = [[rq(r) for _ in range(d)] for _ in range(w)]
    bias = [rq(r) for _ in range(w)]
    out = [Fraction(r.randint(1, 3), r.randint(1, 2)) for _ in range(n1)] + \
          [-Fraction(r.randint(1, 3), r.randint(1, 2)) for _ in range(n2)]
    order = list(range(w))
    r.shuffle(order)
    return Network(d, [Layer("relu", [weights[k] for k in order], [bias[k] for k in order]),
                       Layer(output, [[out[k] for k in order]], [rq(r, 4, 2)])])


def assert_proved(result) -> None:
    assert result.verdict == "equivalent", result.summary()


def assert_refuted(result, f: Network, g: Network, mode: Mode = DECISION) -> None:
    assert result.verdict == "counterexample", result.summary()
    x = result.counterexample.x
    assert violates(mode, evaluate(f, x), evaluate(g, x))  # replayed once more, here


# -- Theorem 1 / Sec. 3.1 ------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["dnf", "cnf"])
def test_theorem1_random_nets_over_reals(form):
    r = random.Random(f"thm1-{form}")
    for trial in range(60):
        d = r.randint(1, 4)
        n1, n2 = r.randint(0, 3), r.randint(0, 3)
        if n1 + n2 == 0:
            n1 = 1
        net = random_relu_net(r, d, n1, n2, r.choice(["linear", "ltf"]))
        g = relu_to_threshold(net, form)
        assert g.widths == (d, 2 ** (n1 + n2), 2 ** (n1 if form == "dnf" else n2), 1)
        assert g.activations == ("ltf", "ltf", "ltf")
        assert_proved(check(net, g, "reals", "decision", timeout=60))
        # and pointwise, exactly, as a third view
        for _ in range(10):
            x = [rq(r, 20, 4) for _ in range(d)]
            assert (evaluate(net, x)[0] >= 0) == (evaluate(g, x)[0] >= 0)


@settings(max_examples=25)
@given(st.data())
def test_theorem1_hypothesis(data):
    d = data.draw(st.integers(1, 3))
    w = data.draw(st.integers(1, 4))
    weights = [[data.draw(rationals(6, 4)) for _ in range(d)] for _ in range(w)]
    bias = [data.draw(rationals(6, 4)) for _ in range(w)]
    out = [data.draw(rationals(4, 3)) for _ in range(w)]
    net = Network(d, [Layer("relu", weights, bias), Layer("linear", [out], [data.draw(rationals(4, 3))])])
    for form in ("dnf", "cnf"):
        assert_proved(check(net, relu_to_threshold(net, form), "reals", "decision", timeout=60))


def test_theorem1_literals_of_the_running_example():
    # eq. (4): y = sgn(w0 + R(a1) - R(a2) - R(a3)) with a_k = x_k, w0 = 1 (Fig. 2 regenerated, not typed)
    net = Network(3, [Layer("relu", [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0]), Layer("linear", [[1, -1, -1]], [1])])
    literals = dnf_literals(net)
    assert len(literals) == 8
    for lit in literals:
        expected = [Fraction(0)] * 3
        if 0 in lit.s1:
            expected[0] = Fraction(1)
        for k in lit.s2:
            expected[k + 1] = Fraction(-1)
        assert list(lit.form.coefficients) == expected and lit.form.constant == 1
    # S1 = {} block first, its S2 in the order {}, {2}, {3}, {2,3}
    assert [sorted(k + 2 for k in l.s2) for l in literals[:4]] == [[], [2], [3], [2, 3]]


def test_sec31_as_printed_biases_are_refuted():
    r = random.Random("misprint")
    refuted = 0
    trials = 25
    for _ in range(trials):
        net = random_relu_net(r, r.randint(1, 3), r.randint(1, 2), r.randint(1, 2))
        wrong = relu_to_threshold(net, "dnf", as_printed=True)
        result = check(net, wrong, "reals", "decision", timeout=60)
        if result.verdict == "counterexample":
            assert_refuted(result, net, wrong)
            refuted += 1
        else:
            assert result.verdict == "equivalent"
    assert refuted >= trials * 3 // 4
    # the running example is refuted
    net = Network(3, [Layer("relu", [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0]), Layer("linear", [[1, -1, -1]], [-1])])
    wrong = relu_to_threshold(net, "dnf", as_printed=True)
    assert_refuted(check(net, wrong, "reals", "decision"), net, wrong)
    assert_refuted(check_equivalence(net, wrong, "reals", "decision", method="z3", timeout=120), net, wrong)
    assert check_equivalence(net, relu_to_threshold(net), "reals", "decision", method="z3", timeout=120).verdict == "equivalent"


def test_relu_to_threshold_refuses_bad_requests():
    net = random_relu_net(random.Random(1), 2, 1, 1)
    with pytest.raises(InputError, match="form"):
        relu_to_threshold(net, "xnf")
    with pytest.raises(InputError, match="CNF"):
        relu_to_threshold(net, "cnf", as_printed=True)
    big = random_relu_net(random.Random(2), 2, 9, 8)
    with pytest.raises(InputError, match="at most"):
        relu_to_threshold(big)


# -- Theorem 2 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sign", [1, -1])
def test_theorem2_single_sign_nets(sign):
    r = random.Random(f"thm2-{sign}")
    for _ in range(30):
        d, n = r.randint(1, 4), r.randint(1, 4)
        net = random_relu_net(r, d, n if sign > 0 else 0, 0 if sign > 0 else n)
        g = relu_to_threshold_single_sign(net)
        w0 = ps_normal_form(net).w0
        constant = (sign > 0 and w0 >= 0) or (sign < 0 and w0 < 0)
        assert g.size == (1 if constant else 2**n - 1)
        assert_proved(check(net, g, "reals", "decision", timeout=60))
    mixed = random_relu_net(r, 2, 1, 1)
    with pytest.raises(InputError, match="one sign"):
        relu_to_threshold_single_sign(mixed)


@pytest.mark.parametrize("n", range(2, 7))
def test_theorem2_witness_has_irredundant_facets(n):
    explicit = thm2_facet_certificates(n)
    assert len(explicit) == 2**n - 1 and len({s for s, _ in explicit}) == 2**n - 1
    assert len(thm2_facet_certificates(n, use_z3=True)) == 2**n - 1  # z3's own witness points, re-checked
    net = thm2_witness_net(n)
    for s, point in explicit:
        # each witness point is on the positive side of the ReLU net (it violates one facet)
        assert evaluate(net, point)[0] == 1
    # and Part 1's 2^n - 1 unit net computes the witness exactly
    g = relu_to_threshold_single_sign(net)
    assert g.size == 2**n - 1
    assert_proved(check(net, g, "reals", "decision", timeout=60))


# -- Lemma 1 ----------------------------------------------------------------------------------------

def random_threshold_net(r: random.Random, d: int, m: int, integer: bool, output: str) -> Network:
    value = (lambda: Fraction(r.randint(-3, 3))) if integer else (lambda: rq(r, 6, 4))
    return Network(d, [Layer("ltf", [[value() for _ in range(d)] for _ in range(m)], [value() for _ in range(m)]),
                       Layer(output, [[value() for _ in range(m)]], [value()])])


@pytest.mark.parametrize("kind", ["pm1", "01"])
def test_lemma1_exact_form_on_the_cube(kind):
    r = random.Random(f"lemma1-{kind}")
    for trial in range(40):
        d, m = r.randint(1, 7), r.randint(1, 5)
        net = random_threshold_net(r, d, m, trial % 2 == 0, r.choice(["ltf", "linear"]))
        relu = threshold_to_relu(net, kind=kind)
        assert relu.size == 2 * m and relu.activations[0] == "relu"
        domain = "cube" if kind == "pm1" else "cube01"
        assert_proved(check_equivalence(net, relu, domain, "function", method="enumerate"))


def test_lemma1_as_printed_gives_zero_at_zero():
    net = Network(2, [Layer("ltf", [[1, 1]], [0]), Layer("linear", [[1]], [0])])  # z = x1 + x2 hits 0
    printed = threshold_to_relu(net, 1, as_printed=True)
    result = check_equivalence(net, printed, "cube", "function", method="enumerate")
    assert_refuted(result, net, printed, Mode("function"))
    assert 0 in {v for v in result.counterexample.g}
    assert_proved(check_equivalence(net, threshold_to_relu(net), "cube", "function", method="enumerate"))
    # the one-unit gadgets, at z = 0
    assert evaluate(threshold_unit_as_relus([1], 0, "1/3"), [0]) == (1,)
    assert evaluate(threshold_unit_as_relus([1], 0, "1/3", as_printed=True), [0]) == (0,)


@settings(max_examples=60)
@given(rationals(10, 6), st.builds(Fraction, st.integers(1, 10), st.integers(1, 10)))
def test_lemma1_gadget_is_exact_outside_the_margin(z, eps):
    net = threshold_unit_as_relus([1], 0, eps)
    value = evaluate(net, [z])[0]
    if z >= 0:
        assert value == 1
    elif z <= -eps:
        assert value == -1
    else:
        assert -1 < value < 1


def test_threshold_margin_is_exact():
    net = Network(2, [Layer("ltf", [["1/2", "1/3"]], ["-1/6"]), Layer("ltf", [[1]], [0])])
    # values on {-1,1}^2: 2/3, -1/3, 0, -1 -> smallest |negative| is 1/3
    assert threshold_margin(net) == Fraction(1, 3)


# -- the 3-to-2 example ------------------------------------------------------------------------------

def three_unit_or(r: random.Random, p: Fraction, q: Fraction, gap: Fraction, d: int = 2) -> Network:
    while True:
        v1, v2 = [rq(r) for _ in range(d)], [rq(r) for _ in range(d)]
        if v1[0] * v2[1] - v1[1] * v2[0] != 0:
            break
    d1, d2 = rq(r), rq(r)
    v3 = [p * a + q * b for a, b in zip(v1, v2)]
    return or_threshold_net([(v1, d1), (v2, d2), (v3, p * d1 + q * d2 + gap)])


def test_three_to_two_with_its_sign_conditions():
    r = random.Random("3to2")
    for _ in range(30):
        p, q, gap = (Fraction(r.randint(1, 5), r.randint(1, 3)) for _ in range(3))
        thr = three_unit_or(r, p, q, gap, r.randint(2, 3))
        relu = compress_three_to_two(thr)
        assert relu.size == 2
        assert_proved(check(thr, relu, "reals", "decision", timeout=60))


@pytest.mark.parametrize("signs", [(-1, 1, 1), (1, -1, 1), (1, 1, -1), (-1, -1, -1)])
def test_three_to_two_without_the_conditions_is_refused_and_wrong(signs):
    r = random.Random(f"3to2-bad-{signs}")
    refuted = 0
    for _ in range(8):
        p, q, gap = (s * Fraction(r.randint(1, 5), r.randint(1, 3)) for s in signs)
        thr = three_unit_or(r, p, q, gap)
        with pytest.raises(InputError, match="p > 0, q > 0 and d3 > p d1 \\+ q d2"):
            compress_three_to_two(thr)
        printed = compress_three_to_two(thr, as_printed=True)
        result = check(thr, printed, "reals", "decision", timeout=60)
        if result.verdict == "counterexample":
            assert_refuted(result, thr, printed)
            refuted += 1
        # the engine's direct z3 method agrees
        assert_refuted(check_equivalence(thr, printed, "reals", "decision", method="z3", timeout=120), thr, printed)
    assert refuted == 8


def test_three_to_two_input_errors():
    with pytest.raises(InputError, match="independent"):
        compress_three_to_two(or_threshold_net([([1, 0], 0), ([2, 0], 1), ([0, 1], 0)]))
    with pytest.raises(InputError, match="d3 != p d1"):
        compress_three_to_two(or_threshold_net([([1, 0], 0), ([0, 1], 1), ([1, 1], 1)]))
    with pytest.raises(InputError, match="sgn\\(2 \\+"):
        compress_three_to_two(or_threshold_net([([1, 0], 0), ([0, 1], 1)]))


# -- Lemma 3 and factorisation -----------------------------------------------------------------------

def test_tn_matrix():
    assert tn_matrix(2) == ((0, 1, 0, 1), (0, 0, 1, 1))
    assert all(len(col) == 8 for col in tn_matrix(3))


def random_u(r: random.Random, n: int, d: int):
    return [[rq(r) for _ in range(d)] for _ in range(n)], [rq(r) for _ in range(n)], rq(r)


def test_lemma3_nets_agree_over_reals():
    r = random.Random("lemma3")
    for _ in range(25):
        n, d = r.randint(1, 4), r.randint(1, 3)
        u, b, w0 = random_u(r, n, d)
        assert_proved(check(lemma3_relu_net(u, b, w0), lemma3_threshold_net(u, b, w0), "reals", "decision", timeout=60))


def test_factorise_recovers_permuted_and_scaled_nets():
    r = random.Random("factorise")
    for _ in range(12):
        n, d = r.randint(1, 3), r.randint(1, 3)
        u, b, w0 = random_u(r, n, d)
        base = lemma3_threshold_net(u, b, w0)
        order = list(range(2**n))
        r.shuffle(order)
        scales = [Fraction(r.randint(1, 6), r.randint(1, 4)) for _ in order]
        layer = base.layers[0]
        shuffled = Network(d, [Layer("ltf", [[c * w for w in layer.weights[k]] for c, k in zip(scales, order)],
                                     [c * layer.bias[k] for c, k in zip(scales, order)]), base.layers[1]])
        found = factorise(shuffled)
        assert found.found, found.reason
        assert found.relu_net.size == n
        assert_proved(check(shuffled, found.relu_net, "reals", "decision", timeout=60))


def test_factorise_says_why_not():
    r = random.Random("factorise-no")
    # in R^3 (4 coordinates with the bias) a generic bump leaves the span: no factorisation at all
    u, b, w0 = [[1, 2, 0], [3, -1, 1]], [1, -2], -1
    base = lemma3_threshold_net(u, b, w0)
    layer = base.layers[0]
    bumped = [list(row) for row in layer.weights]
    bumped[3][2] += Fraction(1, 7)  # column {1,2} no longer in the span of the others
    broken = Network(3, [Layer("ltf", bumped, layer.bias), base.layers[1]])
    answer = factorise(broken)
    assert not answer.found and "unsat" in answer.reason
    three = or_threshold_net([([1, 0], 0), ([0, 1], 0), ([1, 1], 0)])
    assert "2^n" in factorise(three).reason
    not_or = Network(3, [layer, Layer("ltf", [[1, 1, 1, 1]], [-3])])  # an AND
    assert "not an OR" in factorise(not_or).reason
    assert r is not None


# -- Sec. 4, Theorem 3 -----------------------------------------------------------------------------------

def test_fit_u_linf_is_exact_and_zero_on_exact_factorisations():
    r = random.Random("thm3")
    for _ in range(6):
        n, d = r.randint(1, 3), r.randint(1, 3)
        u, b, w0 = random_u(r, n, d)
        assert fit_u_linf(lemma3_threshold_net(u, b, w0)).norm == 0


def test_theorem3_condition_implies_hidden_layer_agreement():
    r = random.Random("thm3-agree")
    checked = 0
    for _ in range(6):
        n, d = 2, 2
        u, b, w0 = random_u(r, n, d)
        base = lemma3_threshold_net(u, b, w0)
        layer = base.layers[0]
        noisy = Network(d, [Layer("ltf", [[w + Fraction(r.randint(-1, 1), 50) for w in row] for row in layer.weights],
                                  layer.bias), base.layers[1]])
        fit = fit_u_linf(noisy)
        assert fit.norm >= 0
        for _ in range(60):
            x = [rq(r, 12, 3) for _ in range(d)]
            if not thm3_condition(noisy, fit.norm, x):
                continue
            t, s = hidden_prediction_threshold(noisy, x), hidden_prediction_relu(fit.relu_net, x)
            if t is None or s is None:
                continue  # Theorem 3 speaks of the argmax; rejection is not covered
            assert t == s
            checked += 1
    assert checked > 20
