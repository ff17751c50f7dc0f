"""The activation-region method: exact verdicts on boxes, polytopes and R^n.

Equivalent rewrites are proved, changed networks refuted at replayed points, ties at zero decided
by the conventions (sgn(0) = +1, argmax ties to the lowest index), huge rationals decided where
floats would be wrong, deep networks handled; on random small pairs the verdict agrees with an
independent exact z3 encoding.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import z3
from hypothesis import given, settings, strategies as st

from exactnets.domains import BooleanCube, Box, Polytope, Reals
from exactnets.evaluate import evaluate
from exactnets.lp import EmptyRegion, Halfspace, LPStats, Region, exact_maximum, find_point, satisfies, upper_bound
from exactnets.network import Layer, Network, compose, identity_layer
from exactnets.verify.query import Deadline, Mode, NotApplicable, replay, violates
from exactnets.verify.regions import SearchOptions, decide
from tests.strategies import rationals

F = Fraction


def check(f, g, domain, mode, expected, **kw):
    """Run the method; a counterexample must replay exactly, lie in the domain and break the mode."""
    mode = Mode(*mode) if isinstance(mode, tuple) else Mode(mode)
    result = decide(f, g, domain, mode, None, **kw)
    assert result.verdict == expected, (result.verdict, result.reason, result.method)
    if result.verdict == "counterexample":
        x = result.counterexample.x
        assert domain.contains(x)
        assert violates(mode, evaluate(f, x), evaluate(g, x))
        assert replay(f, g, domain, mode, x) == result.counterexample
    return result


def two_layer(hidden, out, bias_out=0, act="relu", out_act="linear"):
    n = len(hidden[0][0])
    return Network(n, [Layer(act, [h[0] for h in hidden], [h[1] for h in hidden]), Layer(out_act, [out], [bias_out])])


BOX2 = Box([-1, -2], [2, 1])
REALS2 = Reals(2)
TRIANGLE = Polytope([[1, 1], [-1, 0], [0, -1]], [3, 1, 1])  # x, y >= -1, x + y <= 3

# f(x, y) = 2 R(x - y) - R(x + 2y - 1) + 1/2
F2 = two_layer([([1, -1], 0), ([1, 2], -1)], [2, -1], F(1, 2))


# -- equivalent rewrites --------------------------------------------------------------------------------

def permuted_split_rescaled():
    """Units permuted, the first split in two halves, the second rescaled by 3 (exactly F2)."""
    return two_layer([([3, 6], -3), ([1, -1], 0), ([1, -1], 0)], [F(-1, 3), 1, 1], F(1, 2))


@pytest.mark.parametrize("domain", [BOX2, REALS2, TRIANGLE], ids=["box", "reals", "polytope"])
@pytest.mark.parametrize("mode", ["function", "decision", "argmax", ("epsilon", 0)])
def test_rewritten_networks_are_equivalent_everywhere(domain, mode):
    check(F2, permuted_split_rescaled(), domain, mode, "equivalent")


def test_reflection_identity_relu_t_minus_relu_minus_t_is_t():
    f = two_layer([([1, 1], 0), ([-1, -1], 0)], [1, -1])
    g = Network(2, [Layer("linear", [[1, 1]], [0])])
    check(f, g, REALS2, "function", "equivalent")


def test_deep_networks_composed_differently_are_equivalent():
    """A 5-layer net against the same map with identity ReLU layers inserted and units rescaled."""
    rng = np.random.default_rng(7)
    sizes = [3, 4, 4, 4, 2]
    layers = []
    for i in range(len(sizes) - 1):
        W = [[F(int(v), 4) for v in row] for row in rng.integers(-4, 5, (sizes[i + 1], sizes[i]))]
        b = [F(int(v), 4) for v in rng.integers(-2, 3, sizes[i + 1])]
        layers.append(Layer("relu" if i < len(sizes) - 2 else "linear", W, b))
    f = Network(3, layers)
    # g: after every hidden ReLU layer an identity ReLU layer (a no-op on non-negative values),
    # and hidden layer 1 scaled by 2 with the next layer's weights halved.
    g_layers = []
    for i, layer in enumerate(layers):
        W, b = [list(r) for r in layer.weights], list(layer.bias)
        if i == 1:
            W, b = [[2 * w for w in r] for r in W], [2 * v for v in b]
        if i == 2:
            W = [[w / 2 for w in r] for r in W]
        g_layers.append(Layer(layer.activation, W, b))
        if i < len(layers) - 1:
            g_layers.append(identity_layer(layer.out_dim, "relu"))
    g = Network(3, g_layers)
    assert g.depth == 2 * f.depth - 1
    box = Box([-1, -1, -1], [1, 1, 1])
    check(f, g, box, "function", "equivalent")
    check(f, g, box, "argmax", "equivalent")
    # composing with a linear map merges layers: the same function with one layer fewer
    double = Network(3, [Layer("linear", [[2, 0, 0], [0, 2, 0], [0, 0, 2]], [0, 0, 0])])
    halve_first = Network(3, [Layer(layers[0].activation, [[w / 2 for w in r] for r in layers[0].weights], layers[0].bias),
                              *layers[1:]])
    check(compose(halve_first, double), f, Box([-1, -1, -1], [1, 1, 1]), "function", "equivalent")


# -- non-equivalent pairs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("domain", [BOX2, REALS2, TRIANGLE], ids=["box", "reals", "polytope"])
def test_a_changed_weight_is_refuted_at_a_replayed_point(domain):
    g = two_layer([([1, -1], 0), ([1, 2], F(-1001, 1000))], [2, -1], F(1, 2))
    check(F2, g, domain, "function", "counterexample")
    check(F2, g, domain, ("epsilon", F(1, 2000)), "counterexample")
    check(F2, g, domain, ("epsilon", F(1, 1000)), "equivalent")  # |f - g| <= 1/1000 everywhere


def test_decision_mode_refutes_only_where_signs_differ():
    f = two_layer([([1], 0), ([-1], 0)], [1, -1])  # x
    g = two_layer([([1], 0), ([-1], 0)], [2, -1])  # 2R(x) - R(-x): same sign as x
    h = two_layer([([1], 0), ([-1], 0)], [1, -1], -1)  # x - 1: the sign differs on [0, 1)
    check(f, g, Reals(1), "decision", "equivalent")
    r = check(f, h, Reals(1), "decision", "counterexample")
    assert 0 <= r.counterexample.x[0] < 1


def test_equal_on_a_box_but_not_on_the_reals():
    f = Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [0])])  # R(x)
    g = Network(1, [Layer("linear", [[1]], [0])])  # x
    check(f, g, Box([0], [5]), "function", "equivalent")
    check(f, g, Polytope([[-1]], [0]), "function", "equivalent")  # x >= 0, unbounded
    r = check(f, g, Reals(1), "function", "counterexample")
    assert r.counterexample.x[0] < 0


# -- ties at zero -----------------------------------------------------------------------------------------------

def test_a_difference_only_at_zero_is_found_exactly():
    """ltf(x) and -ltf(-x) differ only at x = 0 (sgn(0) = +1): no sample hits it, the strict LP does."""
    f = Network(1, [Layer("ltf", [[1]], [0]), Layer("linear", [[1]], [0])])
    g = Network(1, [Layer("ltf", [[-1]], [0]), Layer("linear", [[-1]], [0])])
    box = Box([-1], [3])  # centre 1, vertices -1 and 3, grid -1, 1, 3: no sample is 0
    for mode in ("function", "decision"):
        r = check(f, g, box, mode, "counterexample")
        assert r.counterexample.x == (0,)
        assert r.counterexample.f == (1,) and r.counterexample.g == (-1,)
    check(f, g, Box([F(1, 10**9)], [3]), "function", "equivalent")


def test_decision_at_exact_zero_outputs():
    f = Network(1, [Layer("linear", [[1]], [0])])  # x: 0 at x = 0 counts as +1
    g = Network(1, [Layer("relu", [[-1]], [0]), Layer("linear", [[-1]], [0])])  # -R(-x) = min(x, 0): 0 for x >= 0
    check(f, g, Reals(1), "decision", "equivalent")
    k = Network(1, [Layer("relu", [[-1]], [0]), Layer("linear", [[-1]], [F(-1, 10**30)])])  # min(x,0) - 1e-30
    r = check(f, k, Box([-1], [1]), "decision", "counterexample")
    assert r.counterexample.x[0] >= 0


def test_argmax_ties_go_to_the_lowest_index():
    f = Network(1, [Layer("linear", [[1], [-1]], [0, 0])])  # (x, -x): tie at 0 -> index 0
    u = Network(1, [Layer("ltf", [[-1]], [0]), Layer("linear", [[-1], [1]], [0, 0])])  # (-ltf(-x), ltf(-x))
    s = Network(1, [Layer("relu", [[1], [-1]], [0, 0]), Layer("linear", [[1, 0], [0, 1]], [0, 0])])  # (R(x), R(-x))
    check(f, s, Reals(1), "argmax", "equivalent")  # both tie at 0 and pick 0
    r = check(f, u, Box([-2], [5]), "argmax", "counterexample")  # u has (-1, 1) at 0: picks 1
    assert r.counterexample.x == (0,)


# -- huge rationals -----------------------------------------------------------------------------------------------------

def test_huge_rationals_where_floats_would_be_wrong():
    big = F(2**100 + 1, 2**100)  # float(big) == 1.0
    f = Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [0])])
    g = Network(1, [Layer("relu", [[big]], [0]), Layer("linear", [[1]], [0])])
    assert float(big) == 1.0
    box = Box([-1], [1])
    check(f, g, box, "function", "counterexample")
    check(f, g, box, ("epsilon", F(1, 2**100)), "equivalent")  # max |g - f| = 2^-100 exactly, at x = 1
    r = check(f, g, box, ("epsilon", F(1, 2**100) - F(1, 2**200)), "counterexample")
    assert r.counterexample.x[0] > 1 - F(1, 2**99)
    # a bias of -2^-100 moves the hinge: decision differs only on (0, 2^-100)
    h = Network(1, [Layer("linear", [[1]], [F(-1, 2**100)])])
    ident = Network(1, [Layer("linear", [[1]], [0])])
    r = check(ident, h, Reals(1), "decision", "counterexample")
    assert 0 <= r.counterexample.x[0] < F(1, 2**100)


# -- activations ------------------------------------------------------------------------------------------------------------

def test_hardtanh_and_step_networks():
    # hardtanh(x) = R(x + 1) - R(x - 1) - 1
    ht = Network(1, [Layer("hardtanh", [[1]], [0]), Layer("linear", [[1]], [0])])
    rl = Network(1, [Layer("relu", [[1], [1]], [1, -1]), Layer("linear", [[1, -1]], [-1])])
    check(ht, rl, Reals(1), "function", "equivalent")
    # 2 step(x) - 1 = ltf(x)
    st_ = Network(1, [Layer("step", [[1]], [0]), Layer("linear", [[2]], [-1])])
    lt = Network(1, [Layer("ltf", [[1]], [0]), Layer("linear", [[1]], [0])])
    check(st_, lt, Reals(1), "function", "equivalent")
    st2 = Network(1, [Layer("step", [[1]], [F(1, 10**6)]), Layer("linear", [[2]], [-1])])
    r = check(st2, lt, Reals(1), "function", "counterexample")
    assert -F(1, 10**6) <= r.counterexample.x[0] < 0


# -- agreement with an independent exact z3 encoding on random small pairs --------------------------------------------

def _z3_truth(f, g, domain, mode) -> str:
    def rv(q):
        return z3.RealVal(f"{q.numerator}/{q.denominator}")

    xs = [z3.Real(f"x{i}") for i in range(f.input_dim)]

    def terms(net):
        h = list(xs)
        for layer in net.layers:
            z = [z3.Sum([rv(w) * v for w, v in zip(row, h)] + [rv(b)]) for row, b in zip(layer.weights, layer.bias)]
            a = layer.activation
            if a == "relu":
                h = [z3.If(t > 0, t, rv(F(0))) for t in z]
            elif a == "ltf":
                h = [z3.If(t >= 0, rv(F(1)), rv(F(-1))) for t in z]
            elif a == "step":
                h = [z3.If(t >= 0, rv(F(1)), rv(F(0))) for t in z]
            elif a == "hardtanh":
                h = [z3.If(t >= 1, rv(F(1)), z3.If(t <= -1, rv(F(-1)), t)) for t in z]
            else:
                h = z
        return h

    s = z3.Solver()
    if isinstance(domain, Box):
        for x, lo, hi in zip(xs, domain.lower, domain.upper):
            s.add(x >= rv(lo), x <= rv(hi))
    if isinstance(domain, Polytope):
        for row, b in zip(domain.A, domain.b):
            s.add(z3.Sum([rv(a) * x for a, x in zip(row, xs)]) <= rv(b))
    fs, gs = terms(f), terms(g)
    m = len(fs)
    if mode.kind == "function":
        s.add(z3.Or([a != b for a, b in zip(fs, gs)]))
    elif mode.kind == "epsilon":
        e = rv(mode.epsilon)
        s.add(z3.Or([z3.Or(a - b > e, b - a > e) for a, b in zip(fs, gs)]))
    elif mode.kind == "decision":
        s.add(z3.Or([(a >= 0) != (b >= 0) for a, b in zip(fs, gs)]))
    else:
        def wins(v, j):
            return z3.And([v[j] > v[k] for k in range(j)] + [v[j] >= v[k] for k in range(j + 1, m)])
        s.add(z3.Or([z3.And(wins(fs, a), wins(gs, b)) for a in range(m) for b in range(m) if a != b] or [False]))
    r = s.check()
    return "counterexample" if r == z3.sat else "equivalent"


@st.composite
def small_pairs(draw):
    n = draw(st.integers(1, 2))
    depth = draw(st.integers(1, 3))
    widths = [draw(st.integers(1, 3)) for _ in range(depth - 1)] + [draw(st.integers(1, 2))]
    acts = [draw(st.sampled_from(["relu", "hardtanh", "ltf", "step", "linear"])) for _ in range(depth - 1)]
    acts.append(draw(st.sampled_from(["linear", "relu", "ltf"])))
    values = rationals(6, 4)

    def net():
        layers, prev = [], n
        for w, a in zip(widths, acts):
            layers.append(Layer(a, [[draw(values) for _ in range(prev)] for _ in range(w)], [draw(values) for _ in range(w)]))
            prev = w
        return Network(n, layers)

    f = net()
    kind = draw(st.sampled_from(["random", "nudged", "same"]))
    if kind == "random":
        g = net()
    else:
        nudge = F(draw(st.integers(-3, 3)), 50) if kind == "nudged" else F(0)
        g = Network(n, [Layer(l.activation, [[w + (nudge if (i + j) % 3 == 0 else 0) for j, w in enumerate(r)]
                                             for i, r in enumerate(l.weights)], l.bias) for l in f.layers])
    dom = draw(st.sampled_from(["box", "reals", "polytope"]))
    if dom == "box":
        lower = [draw(values) for _ in range(n)]
        domain = Box(lower, [a + abs(draw(values)) + F(1, 4) for a in lower])
    elif dom == "reals":
        domain = Reals(n)
    else:
        rows = [[draw(values) for _ in range(n)] for _ in range(draw(st.integers(1, 3)))]
        domain = Polytope(rows, [abs(draw(values)) + 1 for _ in rows])
    m = draw(st.sampled_from(["function", "epsilon", "decision", "argmax"]))
    mode = Mode("epsilon", F(draw(st.integers(0, 4)), 4)) if m == "epsilon" else Mode(m)
    return f, g, domain, mode


@settings(max_examples=200)
@given(small_pairs())
def test_verdicts_agree_with_an_independent_z3_encoding(pair):
    f, g, domain, mode = pair
    result = decide(f, g, domain, mode, None)
    assert result.verdict == _z3_truth(f, g, domain, mode), (result.verdict, result.method, result.reason)
    if result.verdict == "counterexample":
        x = result.counterexample.x
        assert domain.contains(x) and violates(mode, evaluate(f, x), evaluate(g, x))


@settings(max_examples=100)
@given(small_pairs(), st.lists(st.tuples(st.integers(-8, 8), st.integers(1, 4)), min_size=1, max_size=6))
def test_a_sampled_violation_is_never_called_equivalent(pair, samples):
    f, g, domain, mode = pair
    if not isinstance(domain, Box):
        domain = Box([-2] * f.input_dim, [2] * f.input_dim)
    points = [tuple(max(min(F(a, b), hi), lo) for lo, hi in zip(domain.lower, domain.upper)) for a, b in samples]
    broken = any(violates(mode, evaluate(f, p), evaluate(g, p)) for p in points)
    result = decide(f, g, domain, mode, None, options=SearchOptions(attack_points=0, attack_restarts=0))
    if broken:
        assert result.verdict == "counterexample"


# -- the deep workload in miniature ---------------------------------------------------------------------------------------

def _float32_net(rng, sizes, noise=None, base=None):
    from exactnets.rational import rational_from_float

    layers = []
    for i in range(len(sizes) - 1):
        if base is None:
            W = rng.normal(0, 1 / np.sqrt(sizes[i]), (sizes[i + 1], sizes[i])).astype(np.float32)
            b = rng.normal(0, 0.1, sizes[i + 1]).astype(np.float32)
        else:
            W = (base[i][0] + rng.uniform(-noise, noise, base[i][0].shape)).astype(np.float32)
            b = (base[i][1] + rng.uniform(-noise, noise, base[i][1].shape)).astype(np.float32)
        layers.append((W, b))
    acts = ["relu"] * (len(sizes) - 2) + ["linear"]
    net = Network(sizes[0], [Layer(a, [[rational_from_float(float(w)) for w in row] for row in W],
                                   [rational_from_float(float(v)) for v in b]) for a, (W, b) in zip(acts, layers)])
    return net, layers


def test_deep_float32_network_and_its_perturbed_copy():
    rng = np.random.default_rng(11)
    sizes = [3, 12, 12, 12, 12, 2]
    f, arrays = _float32_net(rng, sizes)
    g, _ = _float32_net(rng, sizes, 1e-3, arrays)
    box = Box(["1/10", "-3/10", "1/2"], ["1/5", "-1/5", "3/5"])
    pts = [tuple(a + (b - a) * F(k, 7) for a, b in zip(box.lower, box.upper)) for k in range(8)]
    delta = max(abs(u - v) for p in pts for u, v in zip(evaluate(f, p), evaluate(g, p)))
    r = check(f, g, box, ("epsilon", 3 * delta), "equivalent")
    assert r.details["differential"]
    check(f, g, box, ("epsilon", delta / 2), "counterexample")
    check(f, g, box, "function", "counterexample")


# -- the interface: not applicable, deadline, progress, interrupts ------------------------------------------------------------

def test_the_cube_is_not_this_methods_business():
    with pytest.raises(NotApplicable):
        decide(F2, F2, BooleanCube(2), Mode("function"), None)


def test_progress_reaches_the_total_on_a_proof():
    calls = []
    check(F2, permuted_split_rescaled(), BOX2, "function", "equivalent", progress=lambda d, t: calls.append((d, t)))
    assert calls and all(0 <= d <= t for d, t in calls)
    assert calls[-1][0] == calls[-1][1]


def test_an_expired_deadline_gives_unknown_with_the_explored_fraction():
    deadline = Deadline(1e-9)
    result = decide(F2, permuted_split_rescaled(), BOX2, Mode("function"), deadline)
    assert result.verdict == "unknown"
    assert result.reason.startswith("timeout after") and "explored" in result.reason


def test_keyboard_interrupt_propagates():
    def interrupt(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        decide(F2, permuted_split_rescaled(), BOX2, Mode("function"), None, progress=interrupt)


# -- the exact LP boundary ------------------------------------------------------------------------------------------------------

@settings(max_examples=60)
@given(st.data())
def test_exact_lp_answers_agree_with_z3(data):
    n = data.draw(st.integers(1, 3))
    coef = st.integers(-3, 3)
    rows = [Halfspace(tuple(data.draw(coef) for _ in range(n)), data.draw(coef), data.draw(st.booleans()))
            for _ in range(data.draw(st.integers(0, 5)))]
    bounded = data.draw(st.booleans())
    region = Region(n, [-2] * n if bounded else None, [2] * n if bounded else None, rows)
    point = find_point(region, stats=LPStats())
    s = z3.Solver()
    xs = [z3.Real(f"x{j}") for j in range(n)]
    if bounded:
        s.add(*[x >= -2 for x in xs], *[x <= 2 for x in xs])
    for h in rows:
        lhs = z3.Sum([a * x for a, x in zip(h.a, xs)] + [z3.RealVal(0)])
        s.add(lhs < h.b if h.strict else lhs <= h.b)
    assert (point is not None) == (s.check() == z3.sat)
    if point is not None:
        assert satisfies(region, point)
    c = [data.draw(coef) for _ in range(n)]
    try:
        bound = upper_bound(region, c)
    except EmptyRegion:
        assert exact_maximum(region, c)[0] == "empty" or point is None
        return
    kind, value = exact_maximum(region, c)
    if bound is not None and kind == "max":
        assert bound >= value
    if kind == "unbounded":
        assert bound is None


def test_degenerate_domains():
    g = permuted_split_rescaled()
    # a box of one point, a flat box, an empty polytope
    check(F2, g, Box([F(1, 3), F(-1, 7)], [F(1, 3), F(-1, 7)]), ("epsilon", 0), "equivalent")
    check(F2, g, Box([-1, F(1, 2)], [2, F(1, 2)]), "decision", "equivalent")
    h = two_layer([([1, -1], 0), ([1, 2], -1)], [2, -1], F(1, 3))  # F2 - 1/6
    r = check(F2, h, Box([F(1, 3), 0], [F(1, 3), 0]), "function", "counterexample")
    assert r.counterexample.x == (F(1, 3), 0)
    empty = Polytope([[1, 0], [-1, 0]], [0, -1])  # x <= 0 and x >= 1
    check(F2, h, empty, "function", "equivalent")
