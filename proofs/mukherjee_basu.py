"""Claims of Mukherjee & Basu (CLAIMS.md section 2), checked exactly."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from exactnets.boolean.functions import andreev, andreev_bit, andreev_parameters
from exactnets.constructions.mukherjee_basu import (
    andreev_restrictions, andreev_shift, claim1_check, ltf_as_two_relus, ltf_is_constant, parity_relu_net,
    relu_gate_status, restrict_andreev, restricted_range, top_nonzero_shift, vertex_indicator_net,
)
from exactnets.domains import cube_bits, cube_points
from exactnets.evaluate import evaluate_cube
from exactnets.network import Layer, Network
from exactnets.rational import scale_to_integers
from exactnets.verify.enumerate import check_against_table
from exactnets.verify.verdict import Verdict, proved, refuted, unknown
from proofs.common import all_proved, rng, small_rational
from proofs.registry import claim


@claim("MB-Claim5", "MB", "an LTF on {-1,1}^n equals -1 + (2/p)(R(t+p) - R(t)) with p its negative gap")
def ltf_by_two_relus(full: bool) -> Verdict:
    r = rng("MB-Claim5")
    sizes = range(1, 15 if full else 9)
    per_size = 40 if full else 12

    def instances():
        for n in sizes:
            for i in range(per_size):
                integer = i % 2 == 0  # half integer gates (p = 1 works there), half rational ones
                a = [Fraction(r.randint(-5, 5)) if integer else small_rational(r) for _ in range(n)]
                b = Fraction(r.randint(-5, 5)) if integer else small_rational(r)
                # The specification, computed apart from the evaluator: integer forms over the cube.
                ints, _ = scale_to_integers([*a, b])
                t = cube_points(n).astype(np.int64) @ np.array(ints[:-1], dtype=np.int64) + ints[-1]
                table = np.where(t >= 0, 1, -1)
                yield f"n={n} a={[str(w) for w in a]} b={b}", (lambda a=a, b=b, table=table:
                                                               check_against_table(ltf_as_two_relus(a, b), table))

    return all_proved(instances(), "exhaustive enumeration of the cube for random LTFs, n = 1..%d" % (max(sizes)))


@claim("MB-AppC", "MB", "PARITY on {0,1}^k is computed by k ReLUs: R(y) + sum_{p<k} 2(-1)^p R(y-p)")
def parity_with_k_relus(full: bool) -> Verdict:
    top = 18 if full else 12

    def instances():
        for k in range(1, top + 1):
            table = (cube_points(k, "01").sum(axis=1) % 2).astype(int)
            yield f"k={k}", (lambda k=k, table=table: check_against_table(parity_relu_net(k), table, "01"))

    return all_proved(instances(), f"exhaustive enumeration of {{0,1}}^k, k = 1..{top}, with exactly k hidden ReLUs")


@claim("MB-Lemma2.1", "MB", "every f: {-1,1}^n -> Q is a Sum-of-ReLU of its vertex indicators R(<v,x> - n + 1)")
def vertex_indicators(full: bool) -> Verdict:
    r = rng("MB-Lemma2.1")
    sizes = range(1, 11 if full else 7)

    def instances():
        for n in sizes:
            for _ in range(5):
                values = [small_rational(r) if r.random() < 0.7 else Fraction(0) for _ in range(2**n)]
                yield f"n={n}", (lambda values=values: check_against_table(vertex_indicator_net(values), values))

    return all_proved(instances(), f"exhaustive enumeration for random rational f, n = 1..{max(sizes)}")


def _andreev_spec(bits) -> int:
    """Andreev's function written out from CLAIMS.md MB-Def1-Andreev, apart from the library:
    ``x = z[0:n/2]``, ``a`` = ``k`` rows of ``(n/2)/k`` bits, output ``x[sum_i r_i 2^(k-i)]``."""
    n = len(bits)
    k = (n // 2).bit_length() - 1
    row_length = (n // 2) // k
    index = 0
    for i in range(k):
        row = bits[n // 2 + i * row_length: n // 2 + (i + 1) * row_length]
        index = 2 * index + sum(row) % 2
    return bits[index]


@claim("MB-Def1-Andreev", "MB", "A_n: x (n/2 bits) is a truth table on k = log2(n/2) bits indexed by the parities of the k rows of a (k x (n/2)/k bits)")
def andreev_definition(full: bool) -> Verdict:
    r = rng("MB-Def1-Andreev")

    def table(n: int) -> Verdict:
        k, columns = andreev_parameters(n)
        if n // 2 + k * columns != n:
            return refuted((n,), reason=f"x and a use {n // 2 + k * columns} bits, not {n}")
        points = cube_bits(n).tolist()
        want = [1 - 2 * _andreev_spec(z) for z in points]
        got = andreev(n).values.tolist()
        bad = next((i for i in range(2**n) if want[i] != got[i]), None)
        if bad is not None:
            return refuted(points[bad], reason=f"andreev({n}) is {got[bad]} at point {bad}, the definition gives {want[bad]}")
        return proved(f"the whole table of A_{n} ({2**n} points)")

    def sampled(n: int, count: int) -> Verdict:
        k, columns = andreev_parameters(n)
        if n // 2 + k * columns != n:
            return refuted((n,), reason=f"x and a use {n // 2 + k * columns} bits, not {n}")
        for _ in range(count):
            z = [r.randint(0, 1) for _ in range(n)]
            if andreev_bit(z) != _andreev_spec(z):
                return refuted(z, reason=f"andreev_bit differs from the definition at n = {n}")
        return proved(f"{count} seeded points")

    def instances():
        for n in (4, 8):
            yield f"n={n} table", lambda n=n: table(n)
        yield "n=32 sampled", lambda: sampled(32, 4000 if full else 500)
        if full:
            yield "n=512 sampled", lambda: sampled(512, 200)

    return all_proved(instances(), "the library's A_n against the definition written out: whole tables (n = 4, 8), seeded points (n = 32, 512)")


@claim("MB-Def5-Claim2", "MB", "a restriction rho (one free bit per row of a) leaves A_n|rho(y) = x[y XOR c_rho], c_rho the fixed bits' row parities; so a uniform rho gives a uniform k-bit function")
def andreev_restrictions_claim(full: bool) -> Verdict:
    r = rng("MB-Def5-Claim2")

    def shifted(rho) -> Verdict:
        half = len(rho) // 2
        table, shift = restrict_andreev(rho), andreev_shift(rho)
        for y, value in enumerate(table):
            if value != rho[y ^ shift]:
                return refuted([*(0 if v is None else v for v in rho)], reason=f"A|rho({y}) = {value}, x[{y} XOR {shift}] = {rho[y ^ shift]}")
        if half != len(table):
            return unknown("the restricted table is not indexed by the x part")
        return proved("")

    def exhaustive(n: int) -> Verdict:
        k, _ = andreev_parameters(n)
        counts: dict[tuple[int, ...], int] = {}
        total = 0
        for rho in andreev_restrictions(n):
            verdict = shifted(rho)
            if verdict.status != "proved":
                return verdict
            table = restrict_andreev(rho)
            counts[table] = counts.get(table, 0) + 1
            total += 1
        # uniform rho -> uniform function: every one of the 2^(2^k) tables occurs equally often
        if len(counts) != 2**(2**k) or len(set(counts.values())) != 1:
            return unknown(f"{len(counts)} distinct restricted functions with multiplicities {sorted(set(counts.values()))}")
        return proved(f"all {total} restrictions; each of the {2**(2**k)} functions on {k} bits occurs {total // len(counts)} times")

    def sampled(n: int, count: int) -> Verdict:
        k, columns = andreev_parameters(n)
        for _ in range(count):
            rho: list = [r.randint(0, 1) for _ in range(n // 2)]
            for _ in range(k):
                free = r.randrange(columns)
                rho += [None if j == free else r.randint(0, 1) for j in range(columns)]
            verdict = shifted(tuple(rho))
            if verdict.status != "proved":
                return verdict
        return proved(f"{count} seeded restrictions")

    def instances():
        for n in (4, 8):
            yield f"n={n} all restrictions", lambda n=n: exhaustive(n)
        yield "n=32 sampled", lambda: sampled(32, 3000 if full else 300)

    return all_proved(instances(), "restricted tables by evaluating A_n at every completion: n = 4, 8 exhaustively (with the uniformity count), n = 32 sampled")


@claim("MB-Removable", "MB", "under a restriction a ReLU gate is removable (constant 0, or equal to its affine argument) iff max <= 0 or min >= 0 of its argument, min/max = c -+ sum_free |w_i|; LTF collapse implies it")
def removable_gates(full: bool) -> Verdict:
    r = rng("MB-Removable")

    def case(w, b, rho, kind) -> Verdict:
        free = [i for i, v in enumerate(rho) if v is None]
        values = []
        for bits in range(2**len(free)):
            x = list(rho)
            for j, i in enumerate(free):
                x[i] = (bits >> j & 1) if kind == "01" else 1 - 2 * (bits >> j & 1)
            values.append(b + sum((wi * xi for wi, xi in zip(w, x)), Fraction(0)))
        low, high = restricted_range(w, b, rho, kind)
        point = [0 if v is None else v for v in rho]
        if (low, high) != (min(values), max(values)):
            return refuted(point, reason=f"closed form range {low}..{high}, enumeration {min(values)}..{max(values)}")
        status = relu_gate_status(w, b, rho, kind)
        relus = [max(v, Fraction(0)) for v in values]
        removable = all(v == 0 for v in relus) or relus == values
        if (status != "live") != removable:
            return refuted(point, reason=f"status {status} but the gate is {'removable' if removable else 'live'} by enumeration")
        if ltf_is_constant(w, b, rho, kind) and status == "live":
            return refuted(point, reason="the LTF collapses but the ReLU does not")
        return proved(status)

    def instances():
        for i in range(400 if full else 120):
            n = r.randint(1, 10)
            integer = i % 2 == 0  # integer gates make ties at 0 common
            kind = "pm1" if i % 4 < 2 else "01"
            values = (-1, 1) if kind == "pm1" else (0, 1)
            w = [Fraction(r.randint(-3, 3)) if integer else small_rational(r) for _ in range(n)]
            b = Fraction(r.randint(-3, 3)) if integer else small_rational(r)
            rho = tuple(None if r.random() < 0.4 else r.choice(values) for _ in range(n))
            yield f"n={n} {kind}", lambda w=w, b=b, rho=rho, kind=kind: case(w, b, rho, kind)

    verdict = all_proved(instances(), "closed-form range and status against enumeration of the free subcube, random gates and restrictions")
    if verdict.status != "proved":
        return verdict
    # Evidence, not part of the verdict: the removal rate under all Andreev restrictions (n = 8),
    # for seeded random integer gates, next to MB's eta = 1 - O(log n / sqrt n).
    rhos = list(andreev_restrictions(8))
    gates = [([Fraction(r.randint(-4, 4)) for _ in range(8)], Fraction(r.randint(-8, 8))) for _ in range(20 if full else 5)]
    removed = sum(relu_gate_status(w, b, rho, "01") != "live" for w, b in gates for rho in rhos)
    rate = Fraction(removed, len(gates) * len(rhos))
    return proved(f"{verdict.method}; removal rate under all {len(rhos)} Andreev restrictions of n = 8 for {len(gates)} "
                  f"random integer gates: {rate.numerator}/{rate.denominator}", instances=verdict.details.get("instances"),
                  removal_rate=str(rate))


    return all_proved(instances(), "closed-form range and status against enumeration of the free subcube, random gates and restrictions")


@claim("MB-Claim1", "MB", "P_g[P_x[f = g] >= 1/2 + eps] = P[Bin(2^n, 1/2) >= (1/2 + eps) 2^n] <= exp(-2^(n+1) eps^2) for every eps in (0, 1/2]")
def claim1(full: bool) -> Verdict:
    top = 12 if full else 9

    def case(n: int) -> Verdict:
        holds, worst = claim1_check(n)
        if not holds:
            return refuted((n,), reason=f"tail * exp(2N eps^2) reaches {worst}")
        return proved(f"max tail/bound <= {worst.numerator * 1000 // worst.denominator}/1000")

    return all_proved(((f"n={n}", lambda n=n: case(n)) for n in range(1, top + 1)),
                      f"exact binomial tails against rational upper bounds of exp, every threshold m = N/2+1..N, n = 1..{top}")


@claim("MB-TopNonzero", "MB", "raising the top LTF's bias by p/2 (p = the largest negative value's distance from 0) keeps the function and makes every top input nonzero")
def top_nonzero(full: bool) -> Verdict:
    r = rng("MB-TopNonzero")
    ties = 0

    def case(net: Network) -> Verdict:
        nonlocal ties
        shifted, p = top_nonzero_shift(net)
        top = net.layers[-1]
        before = evaluate_cube(Network(net.input_dim, [*net.layers[:-1], Layer("linear", top.weights, top.bias)]))
        after = evaluate_cube(Network(net.input_dim, [*shifted.layers[:-1], Layer("linear", top.weights, shifted.layers[-1].bias)]))
        if (after.numerators[:, 0] == 0).any():
            return refuted(cube_points(net.input_dim)[int(np.argmax(after.numerators[:, 0] == 0))].tolist(), reason="a zero remains")
        ties += int((before.numerators[:, 0] == 0).any())
        original = evaluate_cube(net)
        return check_against_table(shifted, original.numerators[:, 0] // original.denominator)

    def instances():
        for i in range(40 if full else 14):
            n, width = r.randint(1, 10 if full else 7), r.randint(1, 4)
            value = (lambda: Fraction(r.randint(-2, 2))) if i % 2 == 0 else (lambda: small_rational(r))
            net = Network(n, [Layer("relu", [[value() for _ in range(n)] for _ in range(width)], [value() for _ in range(width)]),
                              Layer("ltf", [[value() for _ in range(width)]], [value()])])
            yield f"n={n} width={width}", lambda net=net: case(net)

    verdict = all_proved(instances(), "exhaustive enumeration of the cube before and after the shift")
    if verdict.status == "proved":
        return proved(f"{verdict.method}; {ties} nets had a top input exactly 0 before the shift", instances=verdict.details.get("instances"))
    return verdict
