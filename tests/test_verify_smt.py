"""The direct z3 encoding: proofs of true identities, replayed refutations of false ones, agreement
with exhaustive enumeration, ties at zero, huge rationals, timeouts and Ctrl-C.

Most identities are checked twice: with the exact simplifications of :mod:`exactnets.verify.smt`
(the default; rewrites become syntactic) and on the raw encoding (``simplify=False``), where z3
itself has to do the case analysis.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from fractions import Fraction

import pytest
import z3
from hypothesis import given, settings, strategies as st

from exactnets.constructions.mukherjee_basu import ltf_as_two_relus
from exactnets.domains import BooleanCube, Box, Polytope, Reals, cube_point
from exactnets.errors import InputError, InternalError, ShapeError
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify import smt
from exactnets.verify.query import Deadline, EquivalenceResult, Mode, violates
from tests.strategies import networks, rationals

F = Fraction
MODES = [Mode("function"), Mode("decision"), Mode("epsilon", F(1, 2)), Mode("argmax")]


def run(f, g, domain, mode=Mode("function"), *, simplify=True, timeout=None) -> EquivalenceResult:
    return smt._decide(f, g, domain, mode, Deadline(timeout), None, simplify)


def assert_replays(result: EquivalenceResult, f, g, domain, mode):
    """A counterexample lies in the domain and breaks the mode under the reference evaluator."""
    assert result.verdict == "counterexample"
    c = result.counterexample
    assert domain.contains(c.x)
    assert all(isinstance(v, Fraction) for v in c.x)
    assert c.f == evaluate(f, c.x) and c.g == evaluate(g, c.x)
    assert violates(mode, c.f, c.g)


def two_layer(n, hidden, out_weights, out_bias, activation="relu", out_activation="linear"):
    """``hidden`` is a list of (weights, bias); ``out_weights`` a list of rows (one per output)."""
    return Network(n, [Layer(activation, [w for w, _ in hidden], [b for _, b in hidden]),
                       Layer(out_activation, out_weights, out_bias)])


def random_two_layer(rng: random.Random, n: int, width: int, outputs: int = 1) -> Network:
    value = lambda: F(rng.randint(-9, 9), rng.randint(1, 4))  # noqa: E731
    hidden = [([value() for _ in range(n)], value()) for _ in range(width)]
    return two_layer(n, hidden, [[value() for _ in range(width)] for _ in range(outputs)], [value() for _ in range(outputs)])


def units(net):
    h, o = net.layers
    return [(list(h.weights[k]), h.bias[k], [o.weights[j][k] for j in range(o.out_dim)]) for k in range(h.out_dim)]


def from_units(net, us):
    h, o = net.layers
    return two_layer(net.input_dim, [(w, b) for w, b, _ in us], [[c[j] for _, _, c in us] for j in range(o.out_dim)],
                     list(o.bias), h.activation, o.activation)


# -- identities that must be proved ------------------------------------------------------------------

@pytest.fixture(scope="module")
def base():
    return random_two_layer(random.Random(5), 3, 8, outputs=2)


@pytest.mark.parametrize("simplify", [True, False])
def test_permuted_hidden_units_are_equivalent(base, simplify):
    us = units(base)
    permuted = from_units(base, us[3:] + us[:3][::-1])
    assert permuted != base
    assert run(base, permuted, Reals(3), simplify=simplify).verdict == "equivalent"


@pytest.mark.parametrize("simplify", [True, False])
def test_a_unit_split_in_two_is_equivalent(base, simplify):
    us = units(base)
    w, b, c = us[0]
    split = from_units(base, [(w, b, [x / 2 for x in c]), (w, b, [x / 2 for x in c])] + us[1:])
    result = run(base, split, Reals(3), simplify=simplify)
    assert result.verdict == "equivalent" and result.method == "z3 (QF_LRA unsat)"


@pytest.mark.parametrize("simplify", [True, False])
def test_positive_rescaling_is_equivalent_and_a_negative_one_is_not(base, simplify):
    us = units(base)
    lams = [F(k + 1, 3) for k in range(len(us))]
    scaled = from_units(base, [([lam * x for x in w], lam * b, [x / lam for x in c]) for (w, b, c), lam in zip(us, lams)])
    assert run(base, scaled, Reals(3), simplify=simplify).verdict == "equivalent"
    w, b, c = us[0]
    flipped = from_units(base, [([-x for x in w], -b, [-x for x in c])] + us[1:])  # c R(t) -> -c R(-t): wrong
    result = run(base, flipped, Reals(3), simplify=simplify)
    assert_replays(result, base, flipped, Reals(3), Mode("function"))


@pytest.mark.parametrize("simplify", [True, False])
def test_relu_t_minus_relu_minus_t_is_t(simplify):
    w, b = [F(3, 7), F(-2), F(5, 11)], F(-1, 9)
    linear = Network(3, [Layer("linear", [w], [b])])
    relus = two_layer(3, [(w, b), ([-x for x in w], -b)], [[1, -1]], [0])
    assert run(linear, relus, Reals(3), simplify=simplify).verdict == "equivalent"
    wrong = two_layer(3, [(w, b), ([-x for x in w], -b)], [[1, 1]], [0])  # R(t) + R(-t) = |t|
    assert_replays(run(linear, wrong, Reals(3), simplify=simplify), linear, wrong, Reals(3), Mode("function"))


@pytest.mark.parametrize("simplify", [True, False])
def test_mukherjee_basu_claim_5_holds_on_the_cube_only(simplify):
    a, b = [2, -1, 3], F(1, 2)
    two_relus = ltf_as_two_relus(a, b)
    ltf = Network(3, [Layer("ltf", [a], [b])])
    assert run(two_relus, ltf, BooleanCube(3), simplify=simplify).verdict == "equivalent"
    for domain in (Box.uniform(3, -1, 1), Reals(3)):
        result = run(two_relus, ltf, domain, simplify=simplify)
        assert_replays(result, two_relus, ltf, domain, Mode("function"))
        assert not BooleanCube(3).contains(result.counterexample.x)
    # in decision mode (the sign of -1 + (2/p)(R(t+p) - R(t))) the claim does not extend to the box either
    result = run(two_relus, ltf, Box.uniform(3, -1, 1), Mode("decision"), simplify=simplify)
    assert_replays(result, two_relus, ltf, Box.uniform(3, -1, 1), Mode("decision"))


# -- ties at zero ---------------------------------------------------------------------------------------

T_W, T_B = [F(1), F(-1, 3)], F(-1, 7)  # t(x) = x1 - x2/3 - 1/7: zero only off the grid points


def t_of(x):
    return sum((w * v for w, v in zip(T_W, x)), T_B)


@pytest.mark.parametrize("simplify", [True, False])
def test_ltf_equals_twice_step_minus_one_ties_included(simplify):
    ltf = Network(2, [Layer("ltf", [T_W], [T_B])])
    via_step = Network(2, [Layer("step", [T_W], [T_B]), Layer("linear", [[2]], [-1])])
    assert run(ltf, via_step, Reals(2), simplify=simplify).verdict == "equivalent"
    # -ltf(-t) differs from ltf(t) only at t = 0 (sgn(0) = +1 on both sides): z3 must hit t = 0 exactly
    mirrored = Network(2, [Layer("ltf", [[-w for w in T_W]], [-T_B]), Layer("linear", [[-1]], [0])])
    result = run(ltf, mirrored, Reals(2), simplify=simplify)
    assert_replays(result, ltf, mirrored, Reals(2), Mode("function"))
    assert t_of(result.counterexample.x) == 0
    step = Network(2, [Layer("step", [T_W], [T_B])])
    step_mirrored = Network(2, [Layer("step", [[-w for w in T_W]], [-T_B]), Layer("linear", [[-1]], [1])])
    result = run(step, step_mirrored, Box.uniform(2, -3, 3), simplify=simplify)
    assert_replays(result, step, step_mirrored, Box.uniform(2, -3, 3), Mode("function"))
    assert t_of(result.counterexample.x) == 0


@pytest.mark.parametrize("simplify", [True, False])
def test_decision_mode_with_outputs_exactly_zero(simplify):
    t_net = Network(2, [Layer("linear", [T_W], [T_B])])
    # -R(-t) >= 0 iff t >= 0, the tie t = 0 included: decision-equivalent, not function-equivalent
    minus_relu = two_layer(2, [([-w for w in T_W], -T_B)], [[-1]], [0])
    assert run(t_net, minus_relu, Reals(2), Mode("decision"), simplify=simplify).verdict == "equivalent"
    assert_replays(run(t_net, minus_relu, Reals(2), simplify=simplify), t_net, minus_relu, Reals(2), Mode("function"))
    # -ltf(-t) is -1 at t = 0 while t itself is 0 (sign +1): they differ in decision only at the tie
    minus_ltf = Network(2, [Layer("ltf", [[-w for w in T_W]], [-T_B]), Layer("linear", [[-1]], [0])])
    result = run(t_net, minus_ltf, Reals(2), Mode("decision"), simplify=simplify)
    assert_replays(result, t_net, minus_ltf, Reals(2), Mode("decision"))
    assert t_of(result.counterexample.x) == 0 and result.counterexample.f == (0,)


@pytest.mark.parametrize("simplify", [True, False])
def test_argmax_ties_go_to_the_lowest_index(simplify):
    # f = (t, 0): argmax 0 iff t >= 0.  g = (ltf(t), ltf(-t)): a tie (1, 1) at t = 0 also goes to 0.
    f = Network(2, [Layer("linear", [T_W, [0, 0]], [T_B, 0])])
    g = Network(2, [Layer("ltf", [T_W, [-w for w in T_W]], [T_B, -T_B])])
    assert run(f, g, Reals(2), Mode("argmax"), simplify=simplify).verdict == "equivalent"
    # h = (-ltf(-t), 0): argmax 0 iff t > 0 -- differs from f exactly at the tie t = 0
    h = Network(2, [Layer("ltf", [[-w for w in T_W], [0, 0]], [-T_B, 0]), Layer("linear", [[-1, 0], [0, 0]], [0, 0])])
    result = run(f, h, Reals(2), Mode("argmax"), simplify=simplify)
    assert_replays(result, f, h, Reals(2), Mode("argmax"))
    assert t_of(result.counterexample.x) == 0
    # three outputs with a three-way tie: (x1, x1, x1) has argmax 0, (0, x1, x1) has argmax 0 iff x1 <= 0
    ties = Network(1, [Layer("linear", [[1], [1], [1]], [0, 0, 0])])
    shifted = Network(1, [Layer("linear", [[0], [1], [1]], [0, 0, 0])])
    result = run(ties, shifted, Box.uniform(1, -1, 1), Mode("argmax"), simplify=simplify)
    assert_replays(result, ties, shifted, Box.uniform(1, -1, 1), Mode("argmax"))
    assert result.counterexample.x[0] > 0
    assert run(ties, shifted, Box.uniform(1, -1, 0), Mode("argmax"), simplify=simplify).verdict == "equivalent"


@pytest.mark.parametrize("simplify", [True, False])
def test_units_whose_range_ends_exactly_at_zero(simplify):
    # on [-1, 1]^2, t = x1 - 1 <= 0 with t = 0 only at x1 = 1: ltf and step are +1 / 1 there
    box = Box.uniform(2, -1, 1)
    for activation, below in (("ltf", -1), ("step", 0)):
        net = Network(2, [Layer(activation, [[1, 0]], [-1])])
        constant = Network(2, [Layer("linear", [[0, 0]], [below])])
        result = run(net, constant, box, simplify=simplify)
        assert_replays(result, net, constant, box, Mode("function"))
        assert result.counterexample.x[0] == 1
    relu = Network(2, [Layer("relu", [[1, 0]], [-1])])  # relu(0) = 0: the unit is 0 on all of the box
    assert run(relu, Network(2, [Layer("linear", [[0, 0]], [0])]), box, simplify=simplify).verdict == "equivalent"
    # the same at a lower end: t = x1 + 1 >= 0 on the box, t = 0 at x1 = -1
    ltf = Network(2, [Layer("ltf", [[1, 0]], [1])])
    assert run(ltf, Network(2, [Layer("linear", [[0, 0]], [1])]), box, simplify=simplify).verdict == "equivalent"


@pytest.mark.parametrize("simplify", [True, False])
def test_hardtanh_is_two_relus_minus_one(simplify):
    w, b = [F(2, 3), F(-1)], F(1, 5)
    hardtanh = Network(2, [Layer("hardtanh", [w], [b])])
    relus = two_layer(2, [(w, b + 1), (w, b - 1)], [[1, -1]], [-1])  # R(t+1) - R(t-1) - 1
    assert run(hardtanh, relus, Reals(2), simplify=simplify).verdict == "equivalent"
    assert run(hardtanh, relus, BooleanCube(2), Mode("argmax"), simplify=simplify).verdict == "equivalent"
    clipped = two_layer(2, [(w, b + 1), (w, b - 1)], [[1, -1]], [F(-1, 2)])
    result = run(hardtanh, clipped, Box.uniform(2, -1, 1), Mode("epsilon", F(1, 3)), simplify=simplify)
    assert_replays(result, hardtanh, clipped, Box.uniform(2, -1, 1), Mode("epsilon", F(1, 3)))
    linear = Network(2, [Layer("linear", [w], [b])])  # equal to hardtanh exactly where |t| <= 1
    inside = Polytope([w, [-x for x in w]], [1 - b, 1 + b])
    assert run(hardtanh, linear, inside, simplify=simplify).verdict == "equivalent"
    result = run(hardtanh, linear, Box.uniform(2, -1, 1), simplify=simplify)
    assert_replays(result, hardtanh, linear, Box.uniform(2, -1, 1), Mode("function"))
    assert abs(t_lin(w, b, result.counterexample.x)) > 1


@pytest.mark.parametrize("simplify", [True, False])
def test_deeper_units_use_the_true_range_of_the_units_below(simplify):
    # hardtanh(x1) ranges over [-1, 1] on [-2, 2]; relu(hardtanh(x1) - 1/2) is positive for x1 > 1/2
    box = Box.uniform(1, -2, 2)
    zero = Network(1, [Layer("linear", [[0]], [0])])
    for activation, top in (("hardtanh", 1), ("relu", 2), ("step", 1), ("ltf", 1)):
        net = Network(1, [Layer(activation, [[1]], [0]), Layer("relu", [[1]], [F(-1, 2)])])
        result = run(net, zero, box, simplify=simplify)
        assert_replays(result, net, zero, box, Mode("function"))
        exact_top = Network(1, [Layer(activation, [[1]], [0]), Layer("relu", [[1]], [-top])])
        assert run(exact_top, zero, box, simplify=simplify).verdict == "equivalent"


def t_lin(w, b, x):
    return sum((u * v for u, v in zip(w, x)), b)


# -- huge rationals ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("simplify", [True, False])
def test_tiny_offsets_cancel_exactly(simplify):
    tiny = F(1, 10**30)
    # f(x) = x - (x + 10^-30) + 10^-30 through a hidden linear layer; in floats x + 1e-30 == x
    f = Network(1, [Layer("linear", [[1], [1]], [0, tiny]), Layer("linear", [[1, -1]], [tiny])])
    zero = Network(1, [Layer("linear", [[0]], [0])])
    assert run(f, zero, Reals(1), simplify=simplify).verdict == "equivalent"
    assert run(f, zero, Box.uniform(1, 10**20, 10**21), simplify=simplify).verdict == "equivalent"


@pytest.mark.parametrize("simplify", [True, False])
def test_a_bias_differing_by_ten_to_minus_forty_is_found(simplify):
    big = F(2**100 + 1, 3**60)
    f = two_layer(2, [([big, F(-(2**99), 7)], F(1, 2**101)), ([1, 1], F(-5, 3))], [[F(3**50, 2**90), -1]], [F(1, 3)])
    g = two_layer(2, [([big, F(-(2**99), 7)], F(1, 2**101)), ([1, 1], F(-5, 3))], [[F(3**50, 2**90), -1]],
                  [F(1, 3) + F(1, 10**40)])
    result = run(f, g, Box.uniform(2, -1, 1), simplify=simplify)
    assert_replays(result, f, g, Box.uniform(2, -1, 1), Mode("function"))
    assert result.counterexample.g[0] - result.counterexample.f[0] == F(1, 10**40)
    eps = F(1, 10**40)  # the difference is exactly eps: within tolerance; a hair less is not
    assert run(f, g, Reals(2), Mode("epsilon", eps), simplify=simplify).verdict == "equivalent"
    result = run(f, g, Reals(2), Mode("epsilon", eps - F(1, 10**80)), simplify=simplify)
    assert_replays(result, f, g, Reals(2), Mode("epsilon", eps - F(1, 10**80)))


@pytest.mark.parametrize("simplify", [True, False])
def test_huge_rescaling_is_exact(simplify):
    lam = F(3**70, 2**100)
    w, b = [F(2**100 + 3, 2**50), F(-7, 3**40)], F(1, 10**25)
    f = two_layer(2, [(w, b)], [[F(5, 3)]], [0])
    g = two_layer(2, [([lam * x for x in w], lam * b)], [[F(5, 3) / lam]], [0])
    assert run(f, g, Reals(2), simplify=simplify).verdict == "equivalent"
    off = two_layer(2, [([lam * x for x in w], lam * b + F(1, 2**200))], [[F(5, 3) / lam]], [0])
    assert_replays(run(f, off, Reals(2), simplify=simplify), f, off, Reals(2), Mode("function"))


# -- every mode on every domain ----------------------------------------------------------------------------

DOMAINS = [BooleanCube(2, "pm1"), BooleanCube(2, "01"), Box([F(-1, 3), 0], [2, F(5, 2)]), Reals(2),
           Polytope([[1, 1], [-1, 0], [0, -1]], [3, 1, 1])]
S_W, S_B = [F(1, 2), F(-3, 2)], F(1, 4)


def mode_pair():
    """f = (R(s), 0) and an equal rewrite g = (2 R(s/2), R(s) - R(s)); h = (-R(s) - 1, 0) breaks every mode."""
    f = two_layer(2, [(S_W, S_B)], [[1], [0]], [0, 0])
    g = Network(2, [Layer("relu", [[x / 2 for x in S_W], S_W, S_W], [S_B / 2, S_B, S_B]),
                    Layer("linear", [[2, 0, 0], [0, 1, -1]], [0, 0])])
    h = two_layer(2, [(S_W, S_B)], [[-1], [0]], [-1, 0])
    return f, g, h


@pytest.mark.parametrize("simplify", [True, False])
@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: type(d).__name__ + getattr(d, "kind", ""))
@pytest.mark.parametrize("mode", MODES, ids=str)
def test_every_mode_on_every_domain(mode, domain, simplify):
    f, g, h = mode_pair()
    assert run(f, g, domain, mode, simplify=simplify).verdict == "equivalent"
    assert_replays(run(f, h, domain, mode, simplify=simplify), f, h, domain, mode)


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: type(d).__name__ + getattr(d, "kind", ""))
def test_constant_networks(domain):
    one = Network(2, [Layer("linear", [[0, 0]], [1])])
    two = Network(2, [Layer("linear", [[0, 0]], [2])])
    also_one = Network(2, [Layer("ltf", [[0, 0]], [0]), Layer("relu", [[3]], [-2])])
    assert_replays(run(one, two, domain), one, two, domain, Mode("function"))
    assert run(one, also_one, domain).verdict == "equivalent"
    assert run(one, two, domain, Mode("argmax")).verdict == "equivalent"


@pytest.mark.parametrize("simplify", [True, False])
def test_a_polytope_restricts_where_the_nets_must_agree(simplify):
    relu = Network(2, [Layer("relu", [[1, 0]], [0])])
    ident = Network(2, [Layer("linear", [[1, 0]], [0])])
    half_plane = Polytope([[-1, 0]], [0])  # x1 >= 0
    assert run(relu, ident, half_plane, simplify=simplify).verdict == "equivalent"
    wider = Polytope([[-3, 0], [1, 1]], [1, 1])  # x1 >= -1/3, x1 + x2 <= 1
    result = run(relu, ident, wider, simplify=simplify)
    assert_replays(result, relu, ident, wider, Mode("function"))
    assert F(-1, 3) <= result.counterexample.x[0] < 0
    empty = Polytope([[1, 0], [-1, 0]], [-1, -1])  # x1 <= -1 and x1 >= 1
    assert run(relu, ident, empty, simplify=simplify).verdict == "equivalent"
    # single-variable rows with coefficients other than 1: 1/4 <= x1 <= 1
    strip = Polytope([[-4, 0], [3, 0]], [-1, 3])
    shifted_relu = Network(2, [Layer("relu", [[1, 0]], [F(-1, 2)])])
    shifted_ident = Network(2, [Layer("linear", [[1, 0]], [F(-1, 2)])])
    result = run(shifted_relu, shifted_ident, strip, simplify=simplify)
    assert_replays(result, shifted_relu, shifted_ident, strip, Mode("function"))
    assert F(1, 4) <= result.counterexample.x[0] < F(1, 2)
    higher = Polytope([[-4, 0], [3, 0]], [-2, 3])  # 1/2 <= x1 <= 1
    assert run(shifted_relu, shifted_ident, higher, simplify=simplify).verdict == "equivalent"


# -- agreement with exhaustive enumeration ---------------------------------------------------------------------

@st.composite
def pairs(draw):
    n = draw(st.integers(1, 3))
    m = draw(st.integers(1, 2))
    f = draw(networks(input_dim=st.just(n), depth=st.integers(1, 3), output_dim=st.just(m)))
    how = draw(st.sampled_from(["independent", "bias", "same"]))
    if how == "independent":
        g = draw(networks(input_dim=st.just(n), depth=st.integers(1, 3), output_dim=st.just(m)))
    else:
        last = f.layers[-1]
        shift = draw(rationals()) if how == "bias" else F(0)
        bias = [last.bias[0] + shift, *last.bias[1:]]
        g = Network(n, [*f.layers[:-1], Layer(last.activation, last.weights, bias)])
    kind = draw(st.sampled_from(["function", "decision", "argmax", "epsilon"]))
    mode = Mode("epsilon", abs(draw(rationals()))) if kind == "epsilon" else Mode(kind)
    return f, g, mode


def cube_violation(f, g, mode, kind, n):
    return any(violates(mode, evaluate(f, x), evaluate(g, x)) for x in (cube_point(n, i, kind) for i in range(2**n)))


@settings(max_examples=250)
@given(pairs(), st.sampled_from(["pm1", "01"]), st.booleans())
def test_cube_verdicts_agree_with_enumeration(pair, kind, simplify):
    f, g, mode = pair
    domain = BooleanCube(f.input_dim, kind)
    result = run(f, g, domain, mode, simplify=simplify)
    expected = "counterexample" if cube_violation(f, g, mode, kind, f.input_dim) else "equivalent"
    assert result.verdict == expected
    if expected == "counterexample":
        assert_replays(result, f, g, domain, mode)


@settings(max_examples=120)
@given(pairs(), st.data(), st.booleans())
def test_box_verdicts_never_contradict_enumeration(pair, data, simplify):
    f, g, mode = pair
    n = f.input_dim
    lower = [data.draw(rationals(3, 3).filter(lambda v: v <= 1)) for _ in range(n)]
    upper = [max(a, data.draw(rationals(3, 3))) for a in lower]
    box = Box(lower, upper)
    result = run(f, g, box, mode, simplify=simplify)
    assert result.verdict in ("equivalent", "counterexample")
    if result.verdict == "counterexample":
        assert_replays(result, f, g, box, mode)
    points = [cube_point(n, i, kind) for kind in ("pm1", "01") for i in range(2**n)]
    if any(box.contains(x) and violates(mode, evaluate(f, x), evaluate(g, x)) for x in points):
        assert result.verdict != "equivalent"
    if any(violates(mode, evaluate(f, x), evaluate(g, x)) for x in points):
        assert run(f, g, Reals(n), mode, simplify=simplify).verdict == "counterexample"
    # the same box as a polytope (rows scaled by positive factors) gets the same verdict
    scales = [data.draw(st.integers(1, 5)) for _ in range(2 * n)]
    rows, bounds = [], []
    for j in range(n):
        rows.append([scales[2 * j] if k == j else 0 for k in range(n)])
        bounds.append(scales[2 * j] * upper[j])
        rows.append([-scales[2 * j + 1] if k == j else 0 for k in range(n)])
        bounds.append(-scales[2 * j + 1] * lower[j])
    as_polytope = Polytope(rows, bounds)
    again = run(f, g, as_polytope, mode, simplify=simplify)
    assert again.verdict == result.verdict
    if again.verdict == "counterexample":
        assert_replays(again, f, g, as_polytope, mode)


# -- the exported building blocks -------------------------------------------------------------------------------

@settings(max_examples=40)
@given(st.data())
def test_network_terms_evaluate_to_the_reference(data):
    net = data.draw(networks(input_dim=st.integers(1, 3), depth=st.integers(1, 3)))
    point = data.draw(st.tuples(*[rationals()] * net.input_dim))
    xs = [z3.Real(f"y{j}") for j in range(net.input_dim)]
    terms = smt.network_terms(net, xs)
    subst = [(x, smt.rational_value(v)) for x, v in zip(xs, point)]
    values = [smt.rational_of(z3.simplify(z3.substitute(t, *subst))) for t in terms]
    assert tuple(values) == evaluate(net, point)


def test_encode_gives_a_solver_over_the_inputs():
    f, g, h = mode_pair()
    solver, xs = smt.encode(f, g, Reals(2), Mode("function"))
    assert [str(x) for x in xs] == ["x_1", "x_2"] and solver.check() == z3.unsat
    solver, xs = smt.encode(f, h, BooleanCube(2), Mode("function"))
    assert solver.check() == z3.sat
    model = solver.model()
    point = [smt.rational_of(model.eval(x, model_completion=True)) for x in xs]
    assert BooleanCube(2).contains(point) and evaluate(f, point) != evaluate(h, point)


def test_rationals_enter_z3_exactly_and_floats_never():
    q = F(2**100 + 1, 3**60)
    assert smt.rational_of(smt.rational_value(q)) == q
    with pytest.raises(InternalError):
        smt.rational_value(0.5)


def test_shapes_are_checked_first():
    f, g, _ = mode_pair()
    one_output = Network(2, [Layer("linear", [[1, 1]], [0])])
    with pytest.raises(ShapeError):
        smt.decide(f, one_output, Reals(2), Mode("function"), Deadline(None))
    with pytest.raises(ShapeError):
        smt.decide(f, g, Reals(3), Mode("function"), Deadline(None))
    with pytest.raises(InputError):
        smt.network_terms(f, [z3.Real("y")])


def test_decide_reports_progress_and_seconds():
    f, g, _ = mode_pair()
    calls = []
    result = smt.decide(f, g, Box.uniform(2, -1, 1), Mode("function"), Deadline(None), progress=lambda a, b: calls.append((a, b)))
    assert result.verdict == "equivalent" and calls == [(0, 1), (1, 1)]
    assert result.seconds >= result.details["solve_seconds"] >= 0


# -- timeouts and interruption --------------------------------------------------------------------------------------

def rewritten(rng, net):
    """Every unit rescaled by a random positive factor, some split, all permuted: the same function."""
    out = []
    for w, b, c in units(net):
        lam = F(rng.randint(1, 7), rng.randint(1, 7))
        w, b, c = [lam * x for x in w], lam * b, [x / lam for x in c]
        out += [(w, b, [x / 3 for x in c]), (w, b, [2 * x / 3 for x in c])] if rng.random() < 0.3 else [(w, b, c)]
    rng.shuffle(out)
    return from_units(net, out)


def hard_epsilon_instance():
    """f and a copy with every weight moved by 1/100 on [-1,1]^4, eps a sound bound on |f - g|:
    equivalent in epsilon mode, but z3 needs well over 10 s (measured) to prove it."""
    rng = random.Random(31)
    f = random_two_layer(rng, 4, 24)
    nudge = lambda v: v + F(rng.randint(-1, 1), 100)  # noqa: E731
    us = [([nudge(x) for x in w], nudge(b), [nudge(c[0])]) for w, b, c in units(f)]
    g = from_units(f, us)
    eps = F(0)
    for (w, b, c), (w2, b2, c2) in zip(units(f), us):
        top = b + sum(abs(x) for x in w)  # max of t over the box
        eps += abs(c[0] - c2[0]) * max(F(0), top) + abs(c2[0]) * (abs(b - b2) + sum(abs(x - y) for x, y in zip(w, w2)))
    return f, g, Box.uniform(4, -1, 1), Mode("epsilon", eps)


def test_a_wide_permuted_pair_is_never_refuted():
    rng = random.Random(7)
    f = random_two_layer(rng, 10, 60)
    g = rewritten(rng, f)
    result = smt.decide(f, g, Reals(10), Mode("function"), Deadline(0.05))
    assert result.verdict in ("equivalent", "unknown")
    if result.verdict == "unknown":
        assert "timeout" in result.reason
    # with a sensible budget the exact simplifications prove it
    assert smt.decide(f, g, Reals(10), Mode("function"), Deadline(30)).verdict == "equivalent"
    # the raw encoding cannot, in a quarter of a second
    raw = run(f, g, Reals(10), simplify=False, timeout=0.25)
    assert raw.verdict == "unknown" and "timeout" in raw.reason


def test_a_hard_instance_times_out_honestly():
    f, g, box, mode = hard_epsilon_instance()
    result = smt.decide(f, g, box, mode, Deadline(0.5))
    assert result.verdict == "unknown" and result.reason.startswith("z3 timeout after")
    spent = Deadline(1e-6)
    time.sleep(0.01)
    result = smt.decide(f, g, box, mode, spent)
    assert result.verdict == "unknown" and "timeout" in result.reason and "before encoding" in result.reason


def test_ctrl_c_during_solving_raises_keyboard_interrupt():
    f, g, box, mode = hard_epsilon_instance()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            smt.decide(f, g, box, mode, Deadline(20))
    finally:
        timer.cancel()
