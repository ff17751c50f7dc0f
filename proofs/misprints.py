"""Misprints of Mukherjee & Basu and Pan & Srikumar (CLAIMS.md section 8), each refuted exactly.

Every check builds the statement *as printed* and returns ``refuted`` with a counterexample
that was replayed in exact arithmetic (by the equivalence engine, which replays every
counterexample through the reference evaluator, or here, point by point).  The runner
reports these as ``expected-refutation``; a ``proved`` here would mean the misprint is
harmless after all, and the run fails.  The corrected statements are proved in
:mod:`proofs.mukherjee_basu` and :mod:`proofs.pan_srikumar`.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from exactnets.constructions.pan_srikumar import (
    compress_three_to_two, fit_u_linf, hidden_prediction_relu, hidden_prediction_threshold, inequality_systems,
    lemma3_threshold_net, or_threshold_net, relu_to_threshold, running_example_net, threshold_to_relu,
)
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network, ps_normal_form
from exactnets.verify.dnf import check
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.verdict import Verdict, proved, refuted, unknown
from proofs.common import rng, small_rational
from proofs.registry import claim


def _first_refutation(candidates, method: str) -> Verdict:
    """The first candidate whose equivalence check finds a (replayed) counterexample."""
    tried = 0
    for label, f, g, domain, mode in candidates:
        tried += 1
        result = check(f, g, domain, mode) if mode == "decision" and domain == "reals" else check_equivalence(f, g, domain, mode)
        if result.verdict == "counterexample":
            x = result.counterexample.x
            fx, gx = evaluate(f, x)[0], evaluate(g, x)[0]  # replayed once more, here
            differ = _sgn(fx) != _sgn(gx) if mode == "decision" else fx != gx
            if not differ:
                return unknown(f"{label}: the reported counterexample {x} did not replay ({fx} vs {gx})")
            return refuted(x, reason=f"{label}: {result.summary()}", method=method, tried=tried)
    return unknown(f"no counterexample among {tried} instances ({method})")


def _grid(d: int, values=(-1, 0, 1, 2)):
    return itertools.product([Fraction(v) for v in values], repeat=d)


def _sgn(value: Fraction) -> int:
    return 1 if value >= 0 else -1


@claim("PS-Sec3.1-as-printed", "PS", "as printed: layer-2 conjunctions with bias 2^n2 - 1 and the output disjunction with bias 1 - 2^n1 (swapped)", expect="refuted")
def ps_sec31_as_printed(full: bool) -> Verdict:
    r = rng("PS-Sec3.1-as-printed")

    def candidates():
        for _ in range(20):
            d, n1, n2 = r.randint(1, 3), r.randint(1, 2), r.randint(1, 2)
            w = n1 + n2
            out = [Fraction(r.randint(1, 3)) for _ in range(n1)] + [-Fraction(r.randint(1, 3)) for _ in range(n2)]
            net = Network(d, [Layer("relu", [[small_rational(r) for _ in range(d)] for _ in range(w)],
                                    [small_rational(r) for _ in range(w)]), Layer("ltf", [out], [small_rational(r)])])
            yield f"d={d} n1={n1} n2={n2}", net, relu_to_threshold(net, as_printed=True), "reals", "decision"

    return _first_refutation(candidates(), "decision-mode equivalence over R^d, counterexample replayed")


@claim("PS-Ex3to2-as-printed", "PS", "as printed: OR of 3 threshold units with v3 = p v1 + q v2, d3 != p d1 + q d2 equals the 2-ReLU net, with no sign conditions", expect="refuted")
def ps_ex3to2_as_printed(full: bool) -> Verdict:
    r = rng("PS-Ex3to2-as-printed")

    def candidates():
        for i in range(20):
            v1, v2 = [Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]
            # violate one condition at a time: p < 0, q < 0, or d3 < p d1 + q d2
            p = Fraction(-r.randint(1, 4)) if i % 3 == 0 else Fraction(r.randint(1, 4))
            q = Fraction(-r.randint(1, 4)) if i % 3 == 1 else Fraction(r.randint(1, 4))
            d1, d2 = small_rational(r), small_rational(r)
            gap = Fraction(r.randint(1, 4)) * (-1 if i % 3 == 2 else 1)
            thr = or_threshold_net([(v1, d1), (v2, d2), ([p * a + q * b for a, b in zip(v1, v2)], p * d1 + q * d2 + gap)])
            yield f"p={p} q={q} d3-pd1-qd2={gap}", thr, compress_three_to_two(thr, as_printed=True), "reals", "decision"

    return _first_refutation(candidates(), "decision-mode equivalence over R^2, counterexample replayed")


@claim("PS-Lemma1-as-printed", "PS", "as printed: sgn(z) = (1/eps)[R(z+eps) - R(z-eps)] - 1 simulates a threshold unit exactly (it gives 0 at z = 0)", expect="refuted")
def ps_lemma1_as_printed(full: bool) -> Verdict:
    r = rng("PS-Lemma1-as-printed")

    def candidates():
        for _ in range(20):
            d, m = r.randint(1, 4), r.randint(1, 3)
            value = lambda: Fraction(r.randint(-2, 2))  # noqa: E731 - integer weights put z = 0 on the cube
            net = Network(d, [Layer("ltf", [[value() for _ in range(d)] for _ in range(m)], [value() for _ in range(m)]),
                              Layer("ltf", [[value() for _ in range(m)]], [value()])])
            yield f"d={d} m={m}", net, threshold_to_relu(net, as_printed=True), "cube", "function"

    return _first_refutation(candidates(), "function-mode equivalence on {-1,1}^d by enumeration, counterexample replayed")


@claim("PS-Thm1-as-printed", "PS", "as printed: positive iff some S1 has w0 + sum_S1 a_k(x) [+] sum_S2 a_k(x) >= 0 for every S2 (the minus sign lost)", expect="refuted")
def ps_thm1_as_printed(full: bool) -> Verdict:
    net = running_example_net()  # a_k = x_k on R^3, w0 = -1/2
    form = ps_normal_form(net)
    n1, n2 = len(form.positive), len(form.negative)

    def printed(x) -> int:
        a1 = [f(x) for f in form.positive]
        a2 = [f(x) for f in form.negative]
        subsets = lambda n: [s for k in range(n + 1) for s in itertools.combinations(range(n), k)]  # noqa: E731
        return 1 if any(all(form.w0 + sum(a1[i] for i in s1) + sum(a2[i] for i in s2) >= 0 for s2 in subsets(n2))
                        for s1 in subsets(n1)) else -1

    for x in _grid(3):
        if printed(x) != _sgn(evaluate(net, x)[0]):
            return refuted(x, reason=f"the net gives {_sgn(evaluate(net, x)[0]):+d}, the printed condition {printed(x):+d} "
                                     f"(running example, a_k = x_k, w0 = -1/2)")
    return unknown("no grid point separates the printed condition from the net")


@claim("PS-Fig2-as-printed", "PS", "as printed: Fig. 2's blocks (w0 - a3 labelled {2}, w0 - a2 - a3 twice; right block w0 + a1 - a2 twice, no w0 + a1 - a3) decide the running example", expect="refuted")
def ps_fig2_as_printed(full: bool) -> Verdict:
    net = running_example_net()
    tests = {(t.s1, t.s2): t.form for t in inequality_systems(net)}
    e, one, two, three, both = frozenset(), frozenset({1}), frozenset({2}), frozenset({3}), frozenset({2, 3})
    # the printed lines, by the inequality each one states (not by its label)
    left = [tests[(e, e)], tests[(e, two)], tests[(e, three)], tests[(e, both)], tests[(e, both)]]
    right = [tests[(one, e)], tests[(one, two)], tests[(one, two)], tests[(one, both)]]

    def printed(x) -> int:
        return 1 if any(all(f(x) >= 0 for f in block) for block in (left, right)) else -1

    for x in _grid(3):
        if printed(x) != _sgn(evaluate(net, x)[0]):
            return refuted(x, reason=f"the net gives {_sgn(evaluate(net, x)[0]):+d}, Fig. 2 as printed {printed(x):+d} "
                                     f"(a_k = x_k, w0 = -1/2: w0 + a1 - a3 < 0 is not tested)")
    return unknown("no grid point separates Fig. 2 as printed from the net")


@claim("PS-Thm3-as-printed", "PS", "as printed: ||(V - UT)^T||_inf <= gamma(x)/(2||x||_inf) (non-strict) makes the hidden-layer predictions agree at x", expect="refuted")
def ps_thm3_as_printed(full: bool) -> Verdict:
    # V = U T + delta (1, -1, -1, 1) on the biases: the interaction term no U can fit, so the
    # optimal norm is delta; at x = (1, 0) the ReLU scores of {1} and {1,2} tie and the
    # threshold scores are 3/4 and 5/4, a gap of exactly 2 delta.
    delta = Fraction(1, 4)
    exact = lemma3_threshold_net([[1, 0], [0, 1]], [0, 0], 0)
    layer = exact.layers[0]
    signs = [(-1) ** bin(c).count("1") for c in range(4)]
    noisy = Network(2, [Layer("ltf", layer.weights, [b + delta * s for b, s in zip(layer.bias, signs)]), exact.layers[1]])
    fit = fit_u_linf(noisy)
    if fit.norm != delta:
        return unknown(f"the exact L_inf fit has norm {fit.norm}, expected {delta}")
    x = (Fraction(1), Fraction(0))
    scores = sorted((sum((w * p for w, p in zip(row, x)), b) for row, b in zip(noisy.layers[0].weights, noisy.layers[0].bias)),
                    reverse=True)
    gamma = scores[0] - scores[1]
    size = max([Fraction(1)] + [abs(p) for p in x])
    if not fit.norm <= gamma / (2 * size):
        return unknown("the non-strict condition does not hold at the chosen point")
    t, s = hidden_prediction_threshold(noisy, x), hidden_prediction_relu(fit.relu_net, x)
    if t == s:
        return proved("the predictions agree even at equality")
    return refuted(x, reason=f"norm = gamma/(2||x||) = {fit.norm} holds with equality, but the threshold net predicts unit {t} "
                             f"and the fitted ReLU net subset {s}")


@claim("MB-AppA-as-printed", "MB", "as printed: the non-differentiability set of a Sum-of-ReLU is precisely the union of its w lines <a^i, x> + b_i = 0", expect="refuted")
def mb_appa_as_printed(full: bool) -> Verdict:
    # R(x1) - R(-x1) has the line x1 = 0 among its lines but equals x1: no kink at all.
    net = Network(2, [Layer("relu", [[1, 0], [-1, 0]], [0, 0]), Layer("linear", [[1, -1]], [0])])
    linear = Network(2, [Layer("linear", [[1, 0]], [0])])
    result = check_equivalence(net, linear, "reals", "function")
    if result.verdict != "equivalent":
        return unknown(f"the cancellation was not confirmed: {result.summary()}")
    x = (Fraction(0), Fraction(0))
    # replay: along x1 the values at -1, 0, 1 lie on one line through (0, 0)
    values = [evaluate(net, (Fraction(t), Fraction(0)))[0] for t in (-1, 0, 1)]
    if values != [-1, 0, 1]:
        return unknown(f"values {values}")
    return refuted(x, reason=f"R(x1) - R(-x1) = x1 on R^2 ({result.method}), so the point (0, 0) of its line x1 = 0 is no kink")


@claim("MB-Def1-Andreev-as-printed", "MB", "as printed: the matrix part a of A_n has floor(n / 2^floor(log(n/2))) columns, so x and a use all n input bits", expect="refuted")
def mb_andreev_as_printed(full: bool) -> Verdict:
    for e in range(2, 12):
        n = 2**e
        k = (n // 2).bit_length() - 1  # floor(log2(n/2))
        printed = n // 2**k
        if (n // 2) % k == 0 and n // 2 + k * printed != n:
            return refuted((n, n // 2 + k * printed),
                           reason=f"n = {n}: k = {k} rows of {printed} columns (as printed) and x of {n // 2} bits use "
                                  f"{n // 2 + k * printed} of the {n} inputs; the corrected count (n/2)/k = {(n // 2) // k} uses all")
    return unknown("the printed column count agreed for every n tried")


@claim("MB-Lemma2.1-as-printed", "MB", "as printed: a Sum-of-ReLU with min{2^n, sum over S with f(S) != 0 of |S|} gates computes f (f(S) read as f at the point with -1 exactly on S)", expect="refuted")
def mb_lemma21_as_printed(full: bool) -> Verdict:
    # f = 1[x = (1, ..., 1)]: f(S) != 0 only for S = {} (the all-ones point), so the printed count is
    # |{}| = 0 gates -- a constant -- but f is not constant.  (With the Fourier hat the count is
    # sum_{S != {}} |S| = n 2^(n-1) > 0, and min{2^n, ...} = 2^n gates suffice: MB-Lemma2.1.)
    from exactnets.domains import cube_points

    for n in range(1, 5):
        points = [tuple(int(v) for v in p) for p in cube_points(n).tolist()]
        f = {p: Fraction(int(all(v == 1 for v in p))) for p in points}
        support = [frozenset(i for i, v in enumerate(p) if v == -1) for p in points if f[p] != 0]
        printed = min(2**n, sum(len(s) for s in support))
        values = sorted(set(f.values()))
        if printed == 0 and len(values) > 1:
            one = next(p for p in points if f[p] == 1)
            zero = next(p for p in points if f[p] == 0)
            return refuted(one + zero, reason=f"n = {n}: the printed count is 0 gates (a constant), but f = 1 at {one} "
                                              f"and f = 0 at {zero}")
    return unknown("no counterexample among n = 1..4")
