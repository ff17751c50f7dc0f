"""Claims behind the papers' constructions (CLAIMS.md sections 2-6), each proved by the engine.

Real statements are proved over R^d (decision mode with the literal method of
:mod:`exactnets.verify.dnf`, function mode with the canonical form, the maximum with z3);
cube statements by exhaustive enumeration.  The misprinted versions (PS Sec. 3.1 biases, PS
Lemma 1 as printed, the 3-to-2 example without its sign conditions) are refuted in the tests.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from exactnets.boolean.circuits import Gate, TreeCircuit, circuit_truth_table
from exactnets.constructions.arora import max2_net, max_net, verify_max
from exactnets.constructions.malach_shalev_shwartz import neural_gate, tree_circuit_to_network
from exactnets.constructions.mukherjee_basu import (
    distinct_values, max0_x1_x2_net, prop_2_3_function, prop_2_3_ltf_net, prop_2_3_relu_net,
)
from exactnets.constructions.pan_srikumar import (
    compress_three_to_two, factorise, fit_u_linf, hidden_prediction_relu, hidden_prediction_threshold,
    lemma3_relu_net, lemma3_threshold_net, or_threshold_net, relu_to_threshold, relu_to_threshold_single_sign,
    thm2_facet_certificates, thm3_condition, threshold_to_relu,
)
from exactnets.constructions.vardi_shamir import threshold_circuit_to_relu
from exactnets.network import Layer, Network
from exactnets.verify.dnf import check
from exactnets.verify.enumerate import check_against_table
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.verdict import Verdict, proved, refuted, unknown
from proofs.common import all_proved, rng, small_rational
from proofs.registry import claim


def _verdict(result) -> Verdict:
    if result.verdict == "equivalent":
        return proved(result.method)
    if result.verdict == "counterexample":
        return refuted(result.counterexample.x, reason=result.summary())
    return unknown(result.reason or "unknown")


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
                   lambda net=net, form=form: _verdict(check(net, relu_to_threshold(net, form), "reals", "decision", timeout=120)))


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
            yield f"d={d} n1={n1} n2={n2}", lambda net=net: _verdict(check(net, relu_to_threshold(net), "reals", "decision"))
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
                   lambda net=net: _verdict(check(net, relu_to_threshold_single_sign(net), "reals", "decision")))

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
                   _verdict(check_equivalence(net, threshold_to_relu(net, kind=kind), domain, "function", method="enumerate")))

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
            yield "instance", lambda thr=thr: _verdict(check(thr, compress_three_to_two(thr), "reals", "decision"))

    return all_proved(instances(), "decision-mode equivalence over R^d by the literal method")


@claim("PS-Lemma3", "PS", "V = U T_n makes the disjunctive threshold net equal to sgn(w0 + sum_k R(u_k x + b_k)); factorisations are found up to permutation and scaling")
def ps_lemma3(full: bool) -> Verdict:
    r = rng("PS-Lemma3")

    def shuffled_case(n: int, d: int) -> Verdict:
        u = [[small_rational(r) for _ in range(d)] for _ in range(n)]
        b, w0 = [small_rational(r) for _ in range(n)], small_rational(r)
        thr, relu = lemma3_threshold_net(u, b, w0), lemma3_relu_net(u, b, w0)
        first = _verdict(check(relu, thr, "reals", "decision"))
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
        return _verdict(check(shuffled, found.relu_net, "reals", "decision"))

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


@claim("ABMM-Fig3", "ABMM", "max{x1,x2} = (x1+x2)/2 + |x1-x2|/2 is a 2-layer ReLU net (4 units; 3 suffice)")
def abmm_fig3(full: bool) -> Verdict:
    def instances():
        yield "4 units = 3 units", lambda: _verdict(check_equivalence(max2_net(4), max2_net(3), "reals", "function"))
        for units in (3, 4):
            yield f"{units} units = max", lambda units=units: verify_max(max2_net(units))

    return all_proved(instances(), "canonical form over R^2 (function mode) and z3 unsat for the maximum")


@claim("ABMM-Thm2.1", "ABMM", "the max of n+1 affine functions on R^n needs at most ceil(log2(n+1)) hidden layers (gadget tree)")
def abmm_thm21(full: bool) -> Verdict:
    top = 10 if full else 8

    def case(n: int, zero: bool) -> Verdict:
        net = max_net(n, include_zero=zero)
        if net.hidden_layers != math.ceil(math.log2(n + 1 if zero else n)):
            return unknown(f"depth {net.hidden_layers}")
        return verify_max(net, include_zero=zero)

    return all_proved(((f"n={n} zero={z}", lambda n=n, z=z: case(n, z)) for n in range(2, top + 1) for z in (False, True)),
                      "z3 unsat over R^n: the net is >= every x_i (and 0) and equals one of them")


@claim("MS-NeuralGate", "MS", "a width-4 bias-free neural gate (w_p = p/2, v_p = gamma(p)) computes each of the 16 gates; trees of them compute h_C")
def ms_neural_gate(full: bool) -> Verdict:
    r = rng("MS-NeuralGate")

    def instances():
        for gate in Gate.all():
            yield gate.name, lambda gate=gate: check_against_table(neural_gate(gate), list(gate.values))
        for depth in range(1, 5 if full else 4):
            for _ in range(6 if full else 3):
                circuit = TreeCircuit(depth, [[r.randrange(16) for _ in range(2**i)] for i in range(depth)])
                yield (f"tree depth {depth}", lambda c=circuit:
                       check_against_table(tree_circuit_to_network(c), circuit_truth_table(c).values))

    return all_proved(instances(), "exhaustive enumeration of {-1,1}^2 and of {-1,1}^(2^d)")


@claim("VS-TC-gadget", "VS", "a threshold circuit (integer weights) is a ReLU net of the same depth, twice the size: 1[z>=0] = R(z+1) - R(z)")
def vs_tc_gadget(full: bool) -> Verdict:
    r = rng("VS-TC-gadget")

    def instances():
        for i in range(60 if full else 20):
            n = r.randint(1, 12 if full else 8)
            integer = i % 3 != 2
            value = (lambda: Fraction(r.randint(-4, 4))) if integer else (lambda: small_rational(r))
            sizes = [n] + [r.randint(1, 4) for _ in range(r.randint(0, 3))] + [1]
            acts = [r.choice(["ltf", "step"]) for _ in sizes[1:-1]] + [r.choice(["ltf", "step", "linear"])]
            net = Network(n, [Layer(a, [[value() for _ in range(sizes[j])] for _ in range(sizes[j + 1])],
                                    [value() for _ in range(sizes[j + 1])]) for j, a in enumerate(acts)])
            kind = r.choice(["pm1", "01"])
            yield (f"n={n} depth={net.depth} {kind}", lambda net=net, kind=kind: _verdict(check_equivalence(
                net, threshold_circuit_to_relu(net, kind=kind), "cube" if kind == "pm1" else "cube01", "function",
                method="enumerate")))

    return all_proved(instances(), "function-mode equivalence on the cube by exhaustive enumeration")


@claim("MB-Prop2.2", "MB", "max{0,x1,x2} = R(R(x2) - R(-x2) + R(x1 - x2)) over R^2 (two ReLU layers)")
def mb_prop22(full: bool) -> Verdict:
    net = max0_x1_x2_net()
    if net.hidden_layers != 2:
        return unknown("not two hidden layers")
    return verify_max(net, include_zero=True)


@claim("MB-Prop2.3", "MB", "sum_i 2^i (1+x_i)/2 is a Sum of 2 ReLUs; a Sum-of-LTF needs n gates (it takes 2^n values) and n suffice")
def mb_prop23(full: bool) -> Verdict:
    def case(n: int) -> Verdict:
        table = prop_2_3_function(n)
        for net in (prop_2_3_relu_net(n), prop_2_3_ltf_net(n)):
            verdict = check_against_table(net, table)
            if verdict.status != "proved":
                return verdict
        values = distinct_values(prop_2_3_ltf_net(n))
        if values != 2**n:
            return unknown(f"{values} distinct values")
        return proved(f"{2**n} distinct values > 2^(n-1)")

    return all_proved(((f"n={n}", lambda n=n: case(n)) for n in range(1, 17 if full else 11)),
                      "exhaustive enumeration; the value count bounds the number of LTFs")
