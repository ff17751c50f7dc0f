"""Claims of Mukherjee & Basu (CLAIMS.md section 2), checked exactly."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from exactnets.constructions.mukherjee_basu import ltf_as_two_relus, parity_relu_net, vertex_indicator_net
from exactnets.domains import cube_points
from exactnets.rational import scale_to_integers
from exactnets.verify.enumerate import check_against_table
from exactnets.verify.verdict import Verdict
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
