"""Claims of Pan & Srikumar (CLAIMS.md section 4), checked exactly.

Statements over R^d are proved in decision mode by the literal method of
:mod:`exactnets.verify.dnf` (exact witnesses, z3 where a case is not forced) or in function mode
by the canonical form; the running example's inequality systems are generated from Theorem 1
and compared with eq. (5); the Section 5 data are generated from seeded exact rational nets
and relabelled exactly by the threshold net.  The misprinted forms of the paper are refuted
in :mod:`proofs.misprints`.
"""

from __future__ import annotations

import random
from fractions import Fraction

from exactnets.constructions.pan_srikumar import (
    compress_three_to_two, count_regions, factorise, fit_u_linf, hidden_prediction_relu, hidden_prediction_threshold,
    in_general_position, inequality_systems, lemma2_grid_search, lemma2_triangle_net, lemma3_relu_net, lemma3_threshold_net, or_threshold_net,
    relu_to_threshold, relu_to_threshold_single_sign, running_example_net, sec5_dataset, sec5_generator_net,
    thm2_facet_certificates, thm3_condition, threshold_to_relu, tn_matrix, zaslavsky_count,
)
from exactnets.evaluate import evaluate_batch
from exactnets.network import Layer, Network, ps_normal_form
from exactnets.verify.dnf import check
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.verdict import Verdict, proved, refuted, unknown
from proofs.common import all_proved, equivalence_verdict, rng, small_rational
from proofs.registry import claim



def _relu_net(r: random.Random, d: int, n1: int, n2: int) -> Network:
    w = n1 + n2
    out = [Fraction(r.randint(1, 3), r.randint(1, 2)) for _ in range(n1)] + \
          [-Fraction(r.randint(1, 3), r.randint(1, 2)) for _ in range(n2)]
    return Network(d, [Layer("relu", [[small_rational(r) for _ in range(d)] for _ in range(w)],
                             [small_rational(r) for _ in range(w)]),
                       Layer("linear", [out], [small_rational(r, 4, 2)])])


def _thm1_instances(r: random.Random, count: int, top: int, forms=("dnf", "cnf")):
    for i in range(count):
        d = r.randint(1, 5)
        n1 = r.randint(0, top)
        n2 = r.randint(0 if n1 else 1, top)
        net = _relu_net(r, d, n1, n2)
        for form in forms:
            yield (f"d={d} n1={n1} n2={n2} {form}",
                   lambda net=net, form=form: equivalence_verdict(check(net, relu_to_threshold(net, form), "reals", "decision", timeout=120)))


@claim("PS-Thm1", "PS", "sgn of a 2-layer ReLU net = OR_{S1} AND_{S2} [w0 + sum_S1 a - sum_S2 a >= 0] = the CNF, on all of R^d")
def ps_thm1(full: bool) -> Verdict:
    r = rng("PS-Thm1")
    return all_proved(_thm1_instances(r, 120 if full else 30, 4 if full else 3),
                      "decision-mode equivalence over R^d by the literal method (exact witnesses; z3 where not forced)")


@claim("PS-Sec3.1", "PS", "the 3-layer threshold net (2^(n1+n2) units, AND bias 1 - 2^n2, OR bias 2^n1 - 1) equals the ReLU net in decision")
def ps_sec31(full: bool) -> Verdict:
    r = rng("PS-Sec3.1")
    sizes = [(5, 4, 4), (5, 5, 5)] + ([(5, 6, 6)] if full else [])

    def instances():
        for d, n1, n2 in sizes:
            net = _relu_net(r, d, n1, n2)
            yield f"d={d} n1={n1} n2={n2}", lambda net=net: equivalence_verdict(check(net, relu_to_threshold(net), "reals", "decision"))
        yield from _thm1_instances(r, 40 if full else 10, 3, ("dnf",))

    return all_proved(instances(), "decision-mode equivalence over R^d by the literal method, up to 2^12 first-layer units")


@claim("PS-Thm2", "PS", "single-sign ReLU nets need exactly 2^n - 1 threshold units: the OR/AND construction, and a witness with 2^n - 1 irredundant facets")
def ps_thm2(full: bool) -> Verdict:
    r = rng("PS-Thm2")

    def part2(n: int) -> Verdict:
        explicit = thm2_facet_certificates(n)
        confirmed = thm2_facet_certificates(n, use_z3=True)
        if len(explicit) == len(confirmed) == 2**n - 1:
            return proved(f"{2**n - 1} facets, each with an exact point violating it alone")
        return unknown("facet count mismatch")

    def instances():
        for n in range(2, 7 if full else 6):
            yield f"witness n={n}", lambda n=n: part2(n)
        for i in range(40 if full else 12):
            sign = 1 if i % 2 else -1
            n, d = r.randint(1, 5 if full else 4), r.randint(1, 4)
            net = _relu_net(r, d, n if sign > 0 else 0, 0 if sign > 0 else n)
            yield (f"part 1 n={n} d={d} sign={sign:+d}",
                   lambda net=net: equivalence_verdict(check(net, relu_to_threshold_single_sign(net), "reals", "decision")))

    return all_proved(instances(), "Part 1 by decision-mode equivalence over R^d; Part 2's facets by exact witness points (and z3 models)")


@claim("PS-Lemma1", "PS", "sgn(z) = (2/eps)[R(z+eps) - R(z)] - 1 where no z lies in (-eps, 0): a threshold net as a ReLU net with 2n units")
def ps_lemma1(full: bool) -> Verdict:
    r = rng("PS-Lemma1")

    def instances():
        for i in range(80 if full else 24):
            d, m = r.randint(1, 10 if full else 7), r.randint(1, 5)
            integer = i % 2 == 0
            value = (lambda: Fraction(r.randint(-3, 3))) if integer else (lambda: small_rational(r))
            net = Network(d, [Layer("ltf", [[value() for _ in range(d)] for _ in range(m)], [value() for _ in range(m)]),
                              Layer("ltf", [[value() for _ in range(m)]], [value()])])
            kind = "pm1" if i % 3 else "01"
            domain = "cube" if kind == "pm1" else "cube01"
            yield (f"d={d} m={m} {kind}", lambda net=net, kind=kind, domain=domain:
                   equivalence_verdict(check_equivalence(net, threshold_to_relu(net, kind=kind), domain, "function", method="enumerate")))

    return all_proved(instances(), "function-mode equivalence on the cube by exhaustive enumeration, margin computed exactly")


def _three_unit_or(r: random.Random):
    while True:
        d = r.randint(2, 4)
        v1, v2 = [small_rational(r) for _ in range(d)], [small_rational(r) for _ in range(d)]
        if v1[0] * v2[1] - v1[1] * v2[0] != 0:
            break
    p, q, gap = (Fraction(r.randint(1, 6), r.randint(1, 3)) for _ in range(3))
    d1, d2 = small_rational(r), small_rational(r)
    return or_threshold_net([(v1, d1), (v2, d2), ([p * a + q * b for a, b in zip(v1, v2)], p * d1 + q * d2 + gap)])


@claim("PS-Ex3to2", "PS", "an OR of 3 threshold units with v3 = p v1 + q v2 is 2 ReLUs when p > 0, q > 0, d3 > p d1 + q d2")
def ps_ex3to2(full: bool) -> Verdict:
    r = rng("PS-Ex3to2")

    def instances():
        for _ in range(60 if full else 20):
            thr = _three_unit_or(r)
            yield "instance", lambda thr=thr: equivalence_verdict(check(thr, compress_three_to_two(thr), "reals", "decision"))

    return all_proved(instances(), "decision-mode equivalence over R^d by the literal method")


@claim("PS-Lemma3", "PS", "V = U T_n makes the disjunctive threshold net equal to sgn(w0 + sum_k R(u_k x + b_k)); factorisations are found up to permutation and scaling")
def ps_lemma3(full: bool) -> Verdict:
    r = rng("PS-Lemma3")

    def shuffled_case(n: int, d: int) -> Verdict:
        u = [[small_rational(r) for _ in range(d)] for _ in range(n)]
        b, w0 = [small_rational(r) for _ in range(n)], small_rational(r)
        thr, relu = lemma3_threshold_net(u, b, w0), lemma3_relu_net(u, b, w0)
        first = equivalence_verdict(check(relu, thr, "reals", "decision"))
        if first.status != "proved":
            return first
        order = list(range(2**n))
        r.shuffle(order)
        scales = [Fraction(r.randint(1, 5), r.randint(1, 3)) for _ in order]
        layer = thr.layers[0]
        shuffled = Network(d, [Layer("ltf", [[c * w for w in layer.weights[k]] for c, k in zip(scales, order)],
                                     [c * layer.bias[k] for c, k in zip(scales, order)]), thr.layers[1]])
        found = factorise(shuffled)
        if not found.found:
            return unknown(f"no factorisation found for a permuted Lemma 3 net: {found.reason}")
        return equivalence_verdict(check(shuffled, found.relu_net, "reals", "decision"))

    def instances():
        for _ in range(24 if full else 8):
            n, d = r.randint(1, 3), r.randint(1, 3)
            yield f"n={n} d={d}", lambda n=n, d=d: shuffled_case(n, d)

    return all_proved(instances(), "decision-mode equivalence over R^d by the literal method; factorisation by z3, checked exactly")


@claim("PS-Thm3", "PS", "||(V - UT)^T||_inf < gamma(x)/(2||x||_inf) makes the ReLU net hidden-layer equivalent to the threshold net at x")
def ps_thm3(full: bool) -> Verdict:
    r = rng("PS-Thm3")

    def case() -> Verdict:
        d, n = 2, 2
        u = [[small_rational(r) for _ in range(d)] for _ in range(n)]
        thr = lemma3_threshold_net(u, [small_rational(r) for _ in range(n)], small_rational(r))
        if fit_u_linf(thr).norm != 0:
            return unknown("an exact factorisation did not fit with norm 0")
        layer = thr.layers[0]
        noisy = Network(d, [Layer("ltf", [[w + Fraction(r.randint(-1, 1), 40) for w in row] for row in layer.weights],
                                  layer.bias), thr.layers[1]])
        fit = fit_u_linf(noisy)
        seen = 0
        for _ in range(80):
            x = [small_rational(r, 12, 3) for _ in range(d)]
            if not thm3_condition(noisy, fit.norm, x):
                continue
            t, s = hidden_prediction_threshold(noisy, x), hidden_prediction_relu(fit.relu_net, x)
            if t is not None and s is not None:
                if t != s:
                    return refuted(x, reason=f"argmax {t} vs {s} where the condition holds")
                seen += 1
        return proved(f"eq. (10) solved exactly (norm {fit.norm}); {seen} points under the condition agree")

    return all_proved((("instance", case) for _ in range(12 if full else 4)),
                      "exact L_inf fit by z3's optimiser, pointwise exact hidden-layer predictions")


@claim("PS-Def-Nets", "PS", "the general form w0 + sum_P R(a_k) - sum_N R(a_k) (|w_k| absorbed, w_k = 0 dropped) equals the net exactly on R^d; n hyperplanes in general position cut R^d into sum_{s<=d} C(n,s) regions")
def ps_def_nets(full: bool) -> Verdict:
    r = rng("PS-Def-Nets")

    def case(net: Network, zeros: int) -> Verdict:
        form = ps_normal_form(net)
        if len(form.positive) + len(form.negative) != net.layers[0].out_dim - zeros:
            return unknown(f"{zeros} zero-weight units, but the form keeps {len(form.positive) + len(form.negative)} of "
                           f"{net.layers[0].out_dim}")
        normal = form.to_network()
        if zeros < net.layers[0].out_dim and any(abs(w) != 1 for w in normal.layers[-1].weights[0]):
            return unknown("an output weight of the general form is not +-1")
        return equivalence_verdict(check_equivalence(net, normal, "reals", "function"))

    def instances():
        for _ in range(40 if full else 12):
            d, width = r.randint(1, 4), r.randint(1, 5)
            out = [Fraction(0) if r.random() < 0.3 else small_rational(r) for _ in range(width)]
            zeros = sum(1 for w in out if w == 0)
            net = Network(d, [Layer("relu", [[small_rational(r) for _ in range(d)] for _ in range(width)],
                                    [small_rational(r) for _ in range(width)]),
                              Layer("linear", [out], [small_rational(r)])])
            yield f"d={d} units={width} zero={zeros}", lambda net=net, zeros=zeros: case(net, zeros)
        for _ in range(16 if full else 6):
            d, n = r.randint(1, 3), r.randint(1, 5 if full else 4)
            while True:
                planes = [([small_rational(r) for _ in range(d)], small_rational(r)) for _ in range(n)]
                if in_general_position(planes):
                    break
            yield f"arrangement n={n} d={d}", lambda planes=planes, n=n, d=d: regions(planes, n, d)

    def regions(planes, n: int, d: int) -> Verdict:
        found = count_regions(planes)
        if found != zaslavsky_count(n, d):
            return refuted([0] * d, reason=f"{found} regions, the formula gives {zaslavsky_count(n, d)}")
        return proved("")

    return all_proved(instances(), "function-mode equivalence over R^d (canonical form), unit counts and +-1 weights checked; "
                                   "arrangement regions by z3 per sign vector, each with an exact witness point")


def _eq5_lines() -> list[tuple[frozenset[int], frozenset[int]]]:
    """Eq. (5) of the paper as printed (it is correct): per S2, the tests (S1 = {}) or (S1 = {1})."""
    s2s = [frozenset(), frozenset({2}), frozenset({3}), frozenset({2, 3})]
    return [(s1, s2) for s2 in s2s for s1 in (frozenset(), frozenset({1}))]


@claim("PS-Fig2", "PS", "the running example's DNF (Fig. 2: blocks S1 = {}, {1} over S2 = {}, {2}, {3}, {2,3}) and CNF (eq. 5), generated from Thm 1, equal the net")
def ps_fig2(full: bool) -> Verdict:
    r = rng("PS-Fig2")

    def systems() -> Verdict:
        net = running_example_net()
        tests = inequality_systems(net)
        generated = {(t.s1, t.s2): t for t in tests}
        if len(generated) != 8 or sorted(generated, key=str) != sorted(_eq5_lines(), key=str):
            return unknown(f"the generated tests are not the 8 (S1, S2) pairs of eq. (5): {[str(t) for t in tests]}")
        for (s1, s2), t in generated.items():  # a_k = x_k, so the coefficients spell the subsets
            want = tuple(Fraction((1 if k + 1 in s1 else 0) - (1 if k + 1 in s2 else 0)) for k in range(3))
            if t.form.coefficients != want or t.form.constant != Fraction(-1, 2):
                return unknown(f"test {t} has coefficients {t.form.coefficients}, expected {want}")
        return proved("the 8 tests are w0 + [1 in S1] a1 - [2 in S2] a2 - [3 in S2] a3 >= 0, one per (S1, S2) of eq. (5)")

    def equal(net: Network, form: str) -> Verdict:
        return equivalence_verdict(check(net, relu_to_threshold(net, form), "reals", "decision"))

    def instances():
        yield "generated systems", systems
        yield "a_k = x_k, DNF", lambda: equal(running_example_net(), "dnf")
        yield "a_k = x_k, CNF", lambda: equal(running_example_net(), "cnf")
        for i in range(16 if full else 6):
            d = r.randint(1, 3)
            net = running_example_net(small_rational(r), [([small_rational(r) for _ in range(d)], small_rational(r))
                                                          for _ in range(3)])
            for form in ("dnf", "cnf"):
                yield f"random a_k, d={d}, {form}", lambda net=net, form=form: equal(net, form)

    return all_proved(instances(), "tests generated from Thm 1 and compared with eq. (5); decision-mode equivalence over R^d")


@claim("PS-Lemma2", "PS", "a 3-unit threshold net (a triangle) that no 2-layer ReLU net with fewer than 3 units matches, even on a finite grid")
def ps_lemma2(full: bool) -> Verdict:
    triangle = lemma2_triangle_net()
    step = 4
    span = range(-4, 9) if not full else range(-6, 11)
    grid = [(Fraction(i, step), Fraction(j, step)) for i in span for j in span]

    def none_with(positive: int, negative: int) -> Verdict:
        answer, net = lemma2_grid_search(triangle, grid, positive, negative)
        if answer == "unsat":
            return proved(f"z3 unsat (linear real arithmetic) on {len(grid)} grid points")
        if answer == "sat":
            return refuted(grid[0], reason=f"a net with {positive}+{negative} units matches on the grid: {net!r}")
        return unknown("z3 gave no answer")

    def three_suffice() -> Verdict:
        # y = sgn(0 - R(-x1) - R(-x2) - R(x1 + x2 - 1)): the sum is 0 exactly on the closed triangle
        relu = Network(2, [Layer("relu", [[-1, 0], [0, -1], [1, 1]], [0, 0, -1]), Layer("ltf", [[-1, -1, -1]], [0])])
        return equivalence_verdict(check(relu, triangle, "reals", "decision"))

    def instances():
        for positive, negative in ((2, 0), (1, 1), (0, 2)):  # every net with <= 2 units is one of these
            yield f"no {positive}+{negative}-unit ReLU net", lambda p=positive, n=negative: none_with(p, n)
        yield "3 negative ReLUs are exactly the triangle", three_suffice

    return all_proved(instances(), "z3 unsat over a rational grid for every sign pattern of 2 units; 3 units equal over R^2")


@claim("PS-Tn", "PS", "T_n (n x 2^n, column i = binary expansion of i - 1) lists every subset of the units once; T_3 as printed")
def ps_tn(full: bool) -> Verdict:
    printed_t3 = ((0, 0, 0, 0, 1, 1, 1, 1), (0, 0, 1, 1, 0, 0, 1, 1), (0, 1, 0, 1, 0, 1, 0, 1))

    def case(n: int) -> Verdict:
        t = tn_matrix(n)
        if len(t) != n or any(len(row) != 2**n for row in t):
            return unknown(f"T_{n} has shape {len(t)} x {len(t[0])}")
        for c in range(2**n):
            column = tuple(t[k][c] for k in range(n))
            if sum(bit << k for k, bit in enumerate(column)) != c:
                return refuted((n, c), reason=f"column {c} of T_{n} is {column}, not the binary expansion of {c}")
        return proved("every column is its index in binary")

    def t3() -> Verdict:
        # exactnets stores row k = bit k (least significant first); the paper prints the most significant row first
        if tuple(reversed(tn_matrix(3))) != printed_t3:
            return refuted((3,), reason="T_3 differs from the paper's display")
        return proved("T_3 equals the paper's display, rows read from the most significant bit")

    return all_proved([("T_3 as printed", t3)] + [(f"n={n}", lambda n=n: case(n)) for n in range(1, 15 if full else 10)],
                      "exact comparison of every column")


#: The paper's six generating networks: input dimension d and hidden ReLUs n (Sec. 5).
SEC5_SETTINGS = ((3, 3), (3, 10), (10, 3), (10, 10), (50, 3), (50, 10))


@claim("EXP-PS-Sec5", "PS", "on the Sec. 5 data (six seeded all-positive ReLU nets, d in {3,10,50}, n in {3,10}) the threshold nets with 2^n - 1 (Thm 2) and 2^n (eq. 7) units reproduce every label exactly")
def ps_sec5(full: bool) -> Verdict:
    count = 10000 if full else 1500

    def case(d: int, n: int) -> Verdict:
        net = sec5_generator_net(d, n, "exactnets")
        points, labels = sec5_dataset(net, count, "exactnets")
        positives = int((labels > 0).sum())
        if positives in (0, count):
            return unknown(f"the data have a single label ({positives} positive of {count})")
        # Thm 2 part 1: 2^n - 1 units; eq. (7) / Lemma 3: the 2^n-unit disjunctive net with V = U T_n
        # (the units a_k absorbed with their positive output weights, PS-Def-Nets)
        form = ps_normal_form(net)
        eq7 = lemma3_threshold_net([a.coefficients for a in form.positive], [a.constant for a in form.positive], form.w0)
        for threshold, units in ((relu_to_threshold_single_sign(net), 2**n - 1), (eq7, 2**n)):
            if threshold.layers[0].out_dim != units:
                return unknown(f"{threshold.layers[0].out_dim} threshold units, expected {units}")
            got = evaluate_batch(threshold, points).numerators[:, 0]
            wrong = [i for i in range(count) if (got[i] >= 0) != (labels[i] > 0)]
            if wrong:
                return refuted(tuple(int(v) for v in points[wrong[0]]),
                               reason=f"{len(wrong)} labels differ from the {units}-unit threshold net")
        return proved(f"{count} labels ({positives} positive) reproduced by {2**n - 1} and by {2**n} threshold units")

    # quick mode leaves out d = 50, n = 10 (building its two 1023/1024-unit nets dominates the time)
    settings = SEC5_SETTINGS if full else [(d, n) for d, n in SEC5_SETTINGS if d * 2**n <= 10 * 2**10]
    return all_proved(((f"d={d} n={n}", lambda d=d, n=n: case(d, n)) for d, n in settings),
                      f"exact batch evaluation of {count} seeded examples per network (integer inputs in [-1000, 1000]^d)")
