"""Tests of the canonical-form decision procedure for 2-layer ReLU nets (exactnets.verify.canonical).

Equivalent pairs are built by exact rewrites (permute, split, rescale, flip orientation, add
cancelling terms, constant and dead units); perturbed pairs by exact changes.  Every verdict is
cross-checked by exact evaluation at sample points, and on small nets by an independent z3
encoding.  No float enters anywhere.
"""

from __future__ import annotations

import random
import time
from fractions import Fraction as F

import pytest
import z3
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from exactnets.domains import BooleanCube, Box, Polytope, Reals
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify.canonical import canonical_form, decide
from exactnets.verify.query import Deadline, Mode, NotApplicable, violates
from tests.strategies import rationals, wide_rationals

FUNCTION = Mode("function")


# -- a small algebra of 2-layer nets: units (a, b, column) and an output bias -----------------------

class Net2:
    """``x -> bias + sum_k column_k * R(a_k . x + b_k)`` as plain lists, for exact rewriting."""

    def __init__(self, n, units, bias):
        self.n = n
        self.units = [(list(map(F, a)), F(b), list(map(F, c))) for a, b, c in units]
        self.bias = list(map(F, bias))

    @property
    def p(self):
        return len(self.bias)

    def copy(self):
        return Net2(self.n, self.units, self.bias)

    def network(self):
        units = self.units or [([0] * self.n, 0, [0] * self.p)]
        hidden = Layer("relu", [a for a, _, _ in units], [b for _, b, _ in units])
        out = Layer("linear", [[c[j] for _, _, c in units] for j in range(self.p)], self.bias)
        return Network(self.n, [hidden, out])

    # exact rewrites: each returns a net computing the same function on R^n
    def permuted(self, rng):
        new = self.copy()
        rng.shuffle(new.units)
        return new

    def split(self, k, part):
        new = self.copy()
        a, b, c = new.units[k]
        new.units[k] = (a, b, [x - y for x, y in zip(c, part)])
        new.units.append((a, b, list(part)))
        return new

    def rescaled(self, k, lam):
        assert lam > 0
        new = self.copy()
        a, b, c = new.units[k]
        new.units[k] = ([lam * x for x in a], lam * b, [x / lam for x in c])
        return new

    def _add_linear(self, a, b, c):
        """Add the affine term ``c * (a . x + b)`` through coordinate units R(x_i) - R(-x_i)."""
        for i, ai in enumerate(a):
            if ai:
                e = [F(0)] * self.n
                e[i] = F(1)
                self.units.append((e, F(0), [cj * ai for cj in c]))
                self.units.append(([-v for v in e], F(0), [-cj * ai for cj in c]))
        self.bias = [bj + cj * b for bj, cj in zip(self.bias, c)]

    def flipped(self, k):
        """c R(t) = c R(-t) + c t."""
        new = self.copy()
        a, b, c = new.units[k]
        new.units[k] = ([-x for x in a], -b, c)
        new._add_linear(a, b, c)
        return new

    def with_cancelling(self, a, b, d):
        """+ d R(s) - d R(-s) - d s, which is zero."""
        new = self.copy()
        new.units.append((list(a), F(b), list(d)))
        new.units.append(([-x for x in a], -F(b), [-x for x in d]))
        new._add_linear(a, b, [-x for x in d])
        return new

    def with_dead(self, a, b):
        new = self.copy()
        new.units.append((list(a), F(b), [F(0)] * self.p))
        return new

    def with_constant(self, b, c):
        """+ c R(b) (a unit with zero weights) - c R(b) in the output bias."""
        new = self.copy()
        new.units.append(([F(0)] * self.n, F(b), list(c)))
        new.bias = [x - cj * max(F(0), F(b)) for x, cj in zip(new.bias, c)]
        return new

    # changes of the function
    def with_unit(self, a, b, c):
        new = self.copy()
        new.units.append((list(a), F(b), list(c)))
        return new

    def with_bias_shift(self, j, eps):
        new = self.copy()
        new.bias[j] += eps
        return new


def sample_points(domain, rng, count=40):
    def rat(lo, hi):
        return lo + (hi - lo) * F(rng.randint(0, 1000), 1000)
    pts = []
    for _ in range(count):
        if isinstance(domain, Box):
            pts.append(tuple(rat(lo, hi) for lo, hi in zip(domain.lower, domain.upper)))
        else:
            pts.append(tuple(F(rng.randint(-400, 400), rng.randint(1, 20)) for _ in range(domain.dim)))
    return [x for x in pts if domain.contains(x)]


def check_consistent(f, g, domain, result, rng, count=40):
    """The verdict is consistent with exact evaluation at sample points; a counterexample replays."""
    if result.verdict == "counterexample":
        x = result.counterexample.x
        assert domain.contains(x)
        assert evaluate(f, x) == result.counterexample.f and evaluate(g, x) == result.counterexample.g
        assert violates(FUNCTION, evaluate(f, x), evaluate(g, x))
        return
    assert result.verdict == "equivalent", result
    for x in sample_points(domain, rng, count):
        assert evaluate(f, x) == evaluate(g, x), x


def z3_equivalent(f, g, domain, timeout_ms=20000):
    """Independent oracle: z3 on ``exists x in D: f(x) != g(x)``; True, False or None (gave up)."""
    xs = [z3.Real(f"x{i}") for i in range(f.input_dim)]

    def q(v):
        return z3.RealVal(f"{v.numerator}/{v.denominator}")

    def outputs(net):
        hidden, out = net.layers
        hs = []
        for row, b in zip(hidden.weights, hidden.bias):
            t = z3.Sum([q(w) * x for w, x in zip(row, xs)] + [q(b)])
            hs.append(z3.If(t > 0, t, q(F(0))))
        return [z3.Sum([q(c) * h for c, h in zip(row, hs)] + [q(b)]) for row, b in zip(out.weights, out.bias)]

    s = z3.Solver()
    s.set("timeout", timeout_ms)
    if isinstance(domain, Box):
        for x, lo, hi in zip(xs, domain.lower, domain.upper):
            s.add(q(lo) <= x, x <= q(hi))
    s.add(z3.Or([a != b for a, b in zip(outputs(f), outputs(g))]))
    r = s.check()
    return None if r == z3.unknown else r == z3.unsat


# -- hand-made cases ---------------------------------------------------------------------------------

def base_net():
    return Net2(3, [([1, -2, F(1, 3)], F(1, 2), [2, -1]),
                    ([-3, 0, 1], 0, [F(-1, 2), 1]),
                    ([0, 5, -1], -1, [1, 0]),
                    ([2, 2, 2], 3, [0, F(7, 3)])], [1, -2])


@pytest.mark.parametrize("rewrite", ["permute", "split", "rescale", "flip", "cancel", "dead", "constant", "all"])
@pytest.mark.parametrize("domain", [Reals(3), Box.uniform(3, -1, 1), Box([0, F(-1, 3), -7], [F(1, 100), 2, 9])])
def test_rewrites_are_equivalent(rewrite, domain):
    rng = random.Random(7)
    base = base_net()
    ops = {
        "permute": lambda m: m.permuted(rng),
        "split": lambda m: m.split(1, [F(3, 7), F(-5)]),
        "rescale": lambda m: m.rescaled(0, F(9, 4)).rescaled(2, F(1, 1000)),
        "flip": lambda m: m.flipped(0).flipped(3),
        "cancel": lambda m: m.with_cancelling([1, 1, -1], F(2, 5), [3, -4]),
        "dead": lambda m: m.with_dead([4, -4, 1], 9),
        "constant": lambda m: m.with_constant(F(5, 2), [1, 3]).with_constant(-4, [2, 2]),
    }
    if rewrite == "all":
        other = base
        for op in ops.values():
            other = op(other)
    else:
        other = ops[rewrite](base)
    f, g = base.network(), other.network()
    result = decide(f, g, domain, FUNCTION, Deadline(30))
    assert result.verdict == "equivalent", result.summary()
    assert "canonical form of 2-layer ReLU nets" in result.method
    check_consistent(f, g, domain, result, rng)
    a, b = canonical_form(f), canonical_form(g)  # the same canonical form: equal on all of R^n
    assert dict(a.terms) == dict(b.terms) and a.linear == b.linear


def test_canonical_form_is_equal_after_rewrites():
    rng = random.Random(3)
    base = base_net()
    other = base.permuted(rng).split(0, [1, 1]).rescaled(2, F(5)).flipped(1).with_cancelling([0, 1, 1], 1, [1, 2])
    a, b = canonical_form(base.network()), canonical_form(other.network())
    assert dict(a.terms) == dict(b.terms) and a.linear == b.linear


def test_flip_collects_opposite_orientations():
    # R(x) and R(-x) land on one canonical hyperplane: R(-x) = R(x) - x
    net = Net2(1, [([1], 0, [2]), ([-1], 0, [3])], [0]).network()
    form = canonical_form(net)
    assert dict(form.terms) == {(F(1), F(0)): (F(5),)}
    assert form.linear == ((F(-3), F(0)),)


def test_missing_hyperplane_equivalent_on_box_not_on_reals():
    base = base_net()
    # R(x1 - 5) is zero on [-1, 1]^3
    dead_on_box = base.with_unit([1, 0, 0], -5, [3, 1])
    # R(x1 + x2 + 4) equals x1 + x2 + 4 on the box; subtract that affine term exactly
    linear_on_box = base.with_unit([1, 1, 0], 4, [2, 0])
    linear_on_box._add_linear([1, 1, 0], 4, [-2, 0])
    box = Box.uniform(3, -1, 1)
    for other in (dead_on_box, linear_on_box):
        f, g = base.network(), other.network()
        on_box = decide(f, g, box, FUNCTION)
        assert on_box.verdict == "equivalent", on_box.summary()
        assert on_box.details["folded"] == 1
        on_reals = decide(f, g, Reals(3), FUNCTION)
        assert on_reals.verdict == "counterexample", on_reals.summary()
        x = on_reals.counterexample.x
        assert not box.contains(x)
        assert evaluate(f, x) != evaluate(g, x)


def test_hyperplane_touching_the_box_boundary_is_folded():
    # R(x - 1) on [-1, 1]: zero on the box, the hyperplane meets it only at a vertex
    f = Network(1, [Layer("relu", [[1]], [-1]), Layer("linear", [[5]], [0])])
    g = Network(1, [Layer("relu", [[0]], [0]), Layer("linear", [[1]], [0])])
    assert decide(f, g, Box([-1], [1]), FUNCTION).verdict == "equivalent"
    assert decide(f, g, Box([-1], ["1001/1000"]), FUNCTION).verdict == "counterexample"


def test_tiny_perturbation_with_huge_rationals():
    big = F(2**90 + 1, 3**41)
    base = Net2(4, [([big, -big / 7, F(1, 10**25), 3], F(-(10**20), 3), [big, 1]),
                    ([F(1, 2**70), 0, -big, 1], big, [-1, F(5, 3**30)]),
                    ([1, 1, 1, 1], 0, [2, 2])], [big, -big])
    eps = F(1, 10**30)
    rng = random.Random(11)
    for domain in (Reals(4), Box.uniform(4, -1, 1)):
        same = base.permuted(rng).rescaled(0, F(10**40, 3)).split(1, [big, -big])
        assert decide(base.network(), same.network(), domain, FUNCTION).verdict == "equivalent"
        # one hidden weight, one output weight, one bias changed by 10^-30
        for change in ("hidden", "output", "bias"):
            other = base.copy()
            a, b, c = other.units[2]
            if change == "hidden":
                other.units[2] = ([a[0] + eps, *a[1:]], b, c)
            elif change == "output":
                other.units[2] = (a, b, [c[0], c[1] - eps])
            else:
                other = other.with_bias_shift(1, eps)
            f, g = base.network(), other.network()
            result = decide(f, g, domain, FUNCTION)
            assert result.verdict == "counterexample", (domain, change, result.summary())
            check_consistent(f, g, domain, result, rng)


def test_hyperplane_through_the_kink_of_others():
    # H0: x1 = 0 differs; H': x1 + x2 = 0 and H'': x1 - x2 = 0 pass through the box center
    f = Net2(2, [([1, 0], 0, [1]), ([1, 1], 0, [1]), ([1, -1], 0, [1])], [0])
    g = Net2(2, [([1, 0], 0, [2]), ([1, 1], 0, [1]), ([1, -1], 0, [1])], [0])
    for domain in (Reals(2), Box.uniform(2, -1, 1), Box([F(-1, 10**9), -1], [F(1, 10**9), 1])):
        result = decide(f.network(), g.network(), domain, FUNCTION)
        assert result.verdict == "counterexample"
        x = result.counterexample.x
        assert x[0] + x[1] != 0 or x[0] - x[1] != 0 or x[0] != 0


def test_only_the_affine_part_differs():
    base = base_net()
    rng = random.Random(5)
    # affine difference that vanishes at the box center: move along a coordinate
    other = base.copy()
    other._add_linear([0, 1, 0], 0, [0, F(1, 10**6)])
    f, g = base.network(), other.network()
    for domain in (Reals(3), Box.uniform(3, -1, 1), Box([-1, 0, 0], [1, F(1, 10**9), 1])):
        result = decide(f, g, domain, FUNCTION)
        assert result.verdict == "counterexample", result.summary()
        assert result.details["output"] == 1
        check_consistent(f, g, domain, result, rng)
    # with x2 fixed at 0 the difference x2 / 10^6 vanishes
    assert decide(f, g, Box([-1, 0, 0], [1, 0, 1]), FUNCTION).verdict == "equivalent"


def test_degenerate_box_coordinates():
    base = base_net()
    # x3 fixed at 1/2: the unit R(x3 - 1/2) is zero there, though its hyperplane touches the box
    other = base.with_unit([0, 0, 1], F(-1, 2), [1, 1])
    box = Box([-1, -1, F(1, 2)], [1, 1, F(1, 2)])
    f, g = base.network(), other.network()
    result = decide(f, g, box, FUNCTION)
    assert result.verdict == "equivalent" and result.details["fixed_coordinates"] == 1
    wider = Box([-1, -1, F(1, 2)], [1, 1, 1])
    result = decide(f, g, wider, FUNCTION)
    assert result.verdict == "counterexample" and wider.contains(result.counterexample.x)
    # a single point
    point = Box([1, 2, 0], [1, 2, 0])
    assert decide(f, g, point, FUNCTION).verdict == "equivalent"
    result = decide(f, g, Box([1, 2, 3], [1, 2, 3]), FUNCTION)  # R(3 - 1/2) = 5/2 there
    assert result.verdict == "counterexample" and result.counterexample.x == (1, 2, 3)


def test_multiple_outputs_one_differs():
    base = base_net()
    other = base.copy()
    a, b, c = other.units[1]
    other.units[1] = (a, b, [c[0], c[1] + F(1, 3)])
    f, g = base.network(), other.network()
    result = decide(f, g, Reals(3), FUNCTION)
    assert result.verdict == "counterexample"
    cex = result.counterexample
    assert cex.f[0] == cex.g[0] and cex.f[1] != cex.g[1]


def test_linear_nets_and_linear_hidden_layers():
    affine = Network(2, [Layer("linear", [[1, 2], [0, -1]], [3, 0])])
    as_relu = Net2(2, [([1, 0], 0, [1, 0]), ([-1, 0], 0, [-1, 0]), ([0, 1], 0, [2, -1]), ([0, -1], 0, [-2, 1])], [3, 0])
    linear_hidden = Network(2, [Layer("linear", [[1, 0], [0, 1]], [0, 0]), Layer("linear", [[1, 2], [0, -1]], [3, 0])])
    for other in (as_relu.network(), linear_hidden):
        assert decide(affine, other, Reals(2), FUNCTION).verdict == "equivalent"
    assert decide(affine, as_relu.with_bias_shift(0, 1).network(), Reals(2), FUNCTION).verdict == "counterexample"


# -- polytopes ---------------------------------------------------------------------------------------

TRIANGLE = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])  # x >= 0, y >= 0, x + y <= 1


def test_polytope_missing_and_crossing_hyperplanes():
    base = Net2(2, [([1, -1], 0, [1]), ([2, 1], F(-1, 2), [-3])], [1])
    misses = base.with_unit([1, 1], -2, [5])              # zero on the triangle
    positive = base.with_unit([1, 0], 1, [2])             # equals x + 1 there
    positive._add_linear([1, 0], 1, [-2])
    crosses = base.with_unit([1, -2], F(1, 10), [F(1, 10**12)])
    f = base.network()
    for other in (misses, positive):
        result = decide(f, other.network(), TRIANGLE, FUNCTION)
        assert result.verdict == "equivalent", result.summary()
        assert result.details["folded"] == 1
        assert decide(f, other.network(), Reals(2), FUNCTION).verdict == "counterexample"
    result = decide(f, crosses.network(), TRIANGLE, FUNCTION)
    assert result.verdict == "counterexample"
    check_consistent(f, crosses.network(), TRIANGLE, result, random.Random(1))


def test_unbounded_polytope():
    halfspace = Polytope([[1, 0]], [-1])  # x1 <= -1
    f = Net2(2, [([0, 1], 0, [1])], [0])
    g = f.with_unit([1, 0], 0, [7]).with_unit([1, 1], 0, [0])
    assert decide(f.network(), g.network(), halfspace, FUNCTION).verdict == "equivalent"
    h = f.with_unit([1, 1], 0, [1])
    result = decide(f.network(), h.network(), halfspace, FUNCTION)
    assert result.verdict == "counterexample" and halfspace.contains(result.counterexample.x)


def test_empty_lower_dimensional_and_trivial_polytopes():
    f = base_net().network()
    g = base_net().with_unit([1, 1, 1], 0, [1, 1]).network()
    empty = Polytope([[1, 0, 0], [-1, 0, 0]], [0, -1])  # x1 <= 0 and x1 >= 1
    assert decide(f, g, empty, FUNCTION).verdict == "equivalent"
    assert decide(f, g, Polytope([[0, 0, 0]], [-1]), FUNCTION).verdict == "equivalent"
    flat = Polytope([[1, 0, 0], [-1, 0, 0]], [0, 0])  # x1 = 0
    with pytest.raises(NotApplicable, match="lower-dimensional"):
        decide(f, g, flat, FUNCTION)
    everything = Polytope([[0, 0, 0]], [0])  # 0 <= 0: all of R^3
    result = decide(f, g, everything, FUNCTION)
    assert result.verdict == "counterexample"


def test_box_as_polytope_agrees_with_box():
    rng = random.Random(19)
    base = base_net()
    cases = [base.with_unit([1, 0, 0], -5, [3, 1]), base.with_unit([1, 1, 0], F(1, 2), [0, 1]), base.flipped(2)]
    box = Box.uniform(3, -1, 1)
    poly = Polytope([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], [1] * 6)
    for other in cases:
        f, g = base.network(), other.network()
        a, b = decide(f, g, box, FUNCTION), decide(f, g, poly, FUNCTION)
        assert a.verdict == b.verdict
        check_consistent(f, g, box, a, rng)
        check_consistent(f, g, poly, b, rng)


# -- refusals, deadline, progress -------------------------------------------------------------------------

def test_not_applicable():
    f = base_net().network()
    deep = Network(3, [Layer("relu", [[1, 0, 0]], [0]), Layer("relu", [[1]], [0]), Layer("linear", [[1], [1]], [0, 0])])
    with pytest.raises(NotApplicable, match="hidden layers"):
        decide(f, deep, Reals(3), FUNCTION)
    with pytest.raises(NotApplicable, match="cube"):
        decide(f, f, BooleanCube(3), FUNCTION)
    for mode in (Mode("decision"), Mode("argmax"), Mode("epsilon", F(1, 10))):
        with pytest.raises(NotApplicable, match="function-mode"):
            decide(f, f, Reals(3), mode)
    relu_out = Network(3, [Layer("relu", [[1, 0, 0]], [0]), Layer("relu", [[1], [1]], [0, 0])])
    with pytest.raises(NotApplicable, match="linear output"):
        decide(relu_out, f, Reals(3), FUNCTION)
    ltf_hidden = Network(3, [Layer("ltf", [[1, 0, 0]], [0]), Layer("linear", [[1], [1]], [0, 0])])
    with pytest.raises(NotApplicable, match="ltf"):
        decide(ltf_hidden, f, Reals(3), FUNCTION)
    # epsilon:0 is function mode
    assert decide(f, f, Reals(3), Mode("epsilon", 0)).verdict == "equivalent"


def test_deadline_and_progress():
    f = base_net().network()
    deadline = Deadline(1e-6)
    time.sleep(0.001)
    result = decide(f, f, Reals(3), FUNCTION, deadline)
    assert result.verdict == "unknown" and "timeout" in result.reason
    seen = []
    g = base_net().with_unit([1, 1, 1], 0, [1, 1]).network()
    decide(f, g, Box.uniform(3, -1, 1), FUNCTION, Deadline(30), progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] == 1


def test_width_64_dimension_12_is_fast():
    rng = random.Random(2024)
    n, width = 12, 64
    units = [([F(rng.randint(-50, 50), rng.randint(1, 9)) for _ in range(n)], F(rng.randint(-9, 9), 4),
              [F(rng.randint(-9, 9), rng.randint(1, 5))]) for _ in range(width)]
    base = Net2(n, units, [F(1, 3)])
    other = base.permuted(rng).rescaled(3, F(7, 2)).split(10, [F(1, 7)]).flipped(5)
    box = Box.uniform(n, -1, 1)
    assert decide(base.network(), other.network(), box, FUNCTION).verdict == "equivalent"
    a, b, c = other.units[0]
    other.units[0] = (a, b + F(1, 1000), c)
    assert decide(base.network(), other.network(), box, FUNCTION).verdict == "counterexample"


# -- hypothesis --------------------------------------------------------------------------------------------

@st.composite
def net2s(draw, n=None, max_width=4, max_outputs=2, values=None):
    values = rationals() if values is None else values
    n = draw(st.integers(1, 3)) if n is None else n
    p = draw(st.integers(1, max_outputs))
    width = draw(st.integers(1, max_width))
    units = [([draw(values) for _ in range(n)], draw(values), [draw(values) for _ in range(p)]) for _ in range(width)]
    return Net2(n, units, [draw(values) for _ in range(p)])


@st.composite
def rewritten(draw, net):
    """A random sequence of exact rewrites of ``net``."""
    values = rationals()
    positive = st.builds(F, st.integers(1, 30), st.integers(1, 30))
    other = net
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["permute", "split", "rescale", "flip", "cancel", "dead", "constant"]))
        k = draw(st.integers(0, len(other.units) - 1))
        if op == "permute":
            other = other.permuted(random.Random(draw(st.integers(0, 10**6))))
        elif op == "split":
            other = other.split(k, [draw(values) for _ in range(other.p)])
        elif op == "rescale":
            other = other.rescaled(k, draw(positive))
        elif op == "flip":
            other = other.flipped(k)
        elif op == "cancel":
            other = other.with_cancelling([draw(values) for _ in range(other.n)], draw(values),
                                          [draw(values) for _ in range(other.p)])
        elif op == "dead":
            other = other.with_dead([draw(values) for _ in range(other.n)], draw(values))
        else:
            other = other.with_constant(draw(values), [draw(values) for _ in range(other.p)])
    return other


NONZERO = st.builds(lambda p, q, sign: F(sign * p, q), st.integers(1, 20), st.integers(1, 10), st.sampled_from([1, -1]))


def domains(n):
    boxes = st.lists(st.tuples(rationals(5, 4), rationals(5, 4)), min_size=n, max_size=n).map(
        lambda bounds: Box([min(a, b) for a, b in bounds], [max(a, b) for a, b in bounds]))
    return st.one_of(st.just(Reals(n)), boxes)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_rewrites_are_equivalent(data):
    base = data.draw(net2s())
    other = data.draw(rewritten(base))
    domain = data.draw(domains(base.n))
    f, g = base.network(), other.network()
    result = decide(f, g, domain, FUNCTION)
    assert result.verdict == "equivalent", result.summary()
    check_consistent(f, g, domain, result, random.Random(0), count=20)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_rewrites_of_huge_rationals_are_equivalent_and_tiny_changes_are_not(data):
    base = data.draw(net2s(values=wide_rationals()))
    other = data.draw(rewritten(base))
    domain = data.draw(domains(base.n))
    f, g = base.network(), other.network()
    assert decide(f, g, domain, FUNCTION).verdict == "equivalent"
    j = data.draw(st.integers(0, base.p - 1))
    changed = other.with_bias_shift(j, F(1, 10**30)).network()
    result = decide(f, changed, domain, FUNCTION)
    assert result.verdict == "counterexample", result.summary()
    assert result.counterexample.g[j] - result.counterexample.f[j] == F(1, 10**30)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_rewrite_plus_guaranteed_change_is_refuted(data):
    base = data.draw(net2s())
    other = data.draw(rewritten(base))
    nonzero = NONZERO
    if data.draw(st.booleans()):
        other = other.with_bias_shift(data.draw(st.integers(0, base.p - 1)), data.draw(nonzero))
        domain = data.draw(domains(base.n))
    else:  # a new kink: on R^n it cannot be cancelled by anything else... unless it hits an existing hyperplane
        a = [data.draw(rationals()) for _ in range(base.n)]
        if not any(a):
            a[0] = F(1)
        c = [F(0)] * base.p
        c[data.draw(st.integers(0, base.p - 1))] = data.draw(nonzero)
        # make it a fresh hyperplane: a bias no existing unit of the base net shares up to scale
        b = F(10**6 + data.draw(st.integers(0, 1000)), 7)
        other = other.with_unit(a, b, c)
        domain = Reals(base.n)
    f, g = base.network(), other.network()
    result = decide(f, g, domain, FUNCTION)
    assert result.verdict == "counterexample", result.summary()
    check_consistent(f, g, domain, result, random.Random(0))


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_perturbation_against_sampling_and_z3(data):
    base = data.draw(net2s(max_width=3))
    other = data.draw(rewritten(base)) if data.draw(st.booleans()) else base.copy()
    # perturb one random weight of the rewritten net (may or may not change the function)
    k = data.draw(st.integers(0, len(other.units) - 1))
    a, b, c = other.units[k]
    delta = data.draw(NONZERO)
    where = data.draw(st.sampled_from(["a", "b", "c", "bias", "none"]))
    if where == "a":
        i = data.draw(st.integers(0, base.n - 1))
        a = [v + delta if idx == i else v for idx, v in enumerate(a)]
    elif where == "b":
        b = b + delta
    elif where == "c":
        j = data.draw(st.integers(0, base.p - 1))
        c = [v + delta if idx == j else v for idx, v in enumerate(c)]
    other.units[k] = (a, b, c)
    if where == "bias":
        other = other.with_bias_shift(0, delta)
    domain = data.draw(domains(base.n))
    f, g = base.network(), other.network()
    result = decide(f, g, domain, FUNCTION)
    assert result.verdict in ("equivalent", "counterexample"), result.summary()
    event(f"{type(domain).__name__}: {result.verdict}")
    rng = random.Random(data.draw(st.integers(0, 10**6)))
    differs = any(evaluate(f, x) != evaluate(g, x) for x in sample_points(domain, rng, 30))
    if differs:
        assert result.verdict == "counterexample"
    check_consistent(f, g, domain, result, rng)
    if where == "none":
        assert result.verdict == "equivalent"
    if len(f.layers[0].weights) + len(g.layers[0].weights) <= 12:
        oracle = z3_equivalent(f, g, domain)
        event(f"z3 oracle {'gave up' if oracle is None else 'ran'}")
        if oracle is not None:
            assert oracle == (result.verdict == "equivalent")


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_polytopes_against_z3(data):
    n = data.draw(st.integers(1, 2))
    base = data.draw(net2s(n=n, max_width=3, max_outputs=1))
    other = data.draw(net2s(n=n, max_width=2, max_outputs=1)) if data.draw(st.booleans()) else data.draw(rewritten(base))
    if data.draw(st.booleans()):
        # a unit whose hyperplane may or may not meet the polytope
        other = other.with_unit([data.draw(rationals()) for _ in range(n)], data.draw(rationals(40, 3)), [F(1)])
    rows = data.draw(st.lists(st.tuples(st.lists(rationals(5, 3), min_size=n, max_size=n), rationals(5, 2)),
                              min_size=1, max_size=4))
    poly = Polytope([r for r, _ in rows], [b for _, b in rows])
    f, g = base.network(), other.network()
    try:
        result = decide(f, g, poly, FUNCTION)
    except NotApplicable as exc:
        assert "lower-dimensional" in str(exc)
        event("lower-dimensional")
        return
    if result.verdict == "counterexample":
        assert poly.contains(result.counterexample.x)
        assert evaluate(f, result.counterexample.x) != evaluate(g, result.counterexample.x)
    assert result.verdict in ("equivalent", "counterexample")
    event(result.verdict)
    xs = [z3.Real(f"x{i}") for i in range(n)]

    def q(v):
        return z3.RealVal(f"{v.numerator}/{v.denominator}")

    def out(net):
        hidden, o = net.layers
        hs = []
        for row, bb in zip(hidden.weights, hidden.bias):
            t = z3.Sum([q(w) * x for w, x in zip(row, xs)] + [q(bb)])
            hs.append(z3.If(t > 0, t, q(F(0))))
        return z3.Sum([q(cc) * h for cc, h in zip(o.weights[0], hs)] + [q(o.bias[0])])

    s = z3.Solver()
    for row, bb in zip(poly.A, poly.b):
        s.add(z3.Sum([q(w) * x for w, x in zip(row, xs)] + [q(F(0))]) <= q(bb))
    s.add(out(f) != out(g))
    assert (s.check() == z3.unsat) == (result.verdict == "equivalent")


def test_zero_input_networks():
    f = Network(0, [Layer("relu", [[]], [2]), Layer("linear", [[1]], [0])])
    g = Network(0, [Layer("relu", [[]], [3]), Layer("linear", [[1]], [-1])])
    h = Network(0, [Layer("relu", [[]], [3]), Layer("linear", [[1]], [0])])
    assert decide(f, g, Reals(0), FUNCTION).verdict == "equivalent"
    result = decide(f, h, Reals(0), FUNCTION)
    assert result.verdict == "counterexample" and result.counterexample.f == (2,) and result.counterexample.g == (3,)
    assert decide(f, h, Polytope([[]], [-1]), FUNCTION).verdict == "equivalent"  # 0 <= -1: empty
    assert decide(f, h, Polytope([[]], [0]), FUNCTION).verdict == "counterexample"
