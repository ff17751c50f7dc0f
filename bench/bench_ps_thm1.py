"""Benchmark: Pan & Srikumar Theorem 1 at scale -- a 2-layer ReLU net against its DNF threshold net.

Instance (seeded): a random 2-layer ReLU net on R^d (default d = 5) with w hidden units, half of
them with output weight +1 and half -1 (integer weights and biases in [-9, 9], output bias in
[-3, 3]), and g = ``relu_to_threshold(net, "dnf")``: 2^w first-layer threshold units, 2^(w/2)
AND units, one OR.  Question: ``sgn f(x) = sgn g(x)`` for every x in R^d (decision mode).

Contenders, in one process on the same instances:

* ``exactnets``: the literal method (:mod:`exactnets.verify.dnf`): every first-layer unit of g is
  matched to its Pan-Srikumar literal by exact integer comparison, and for each of the
  2^(w/2) + 2^(w/2) cases (S1* = the active positive units when f >= 0, S2* = the active
  negative units when f < 0) exact interval propagation through g shows its output is forced;
  the soundness argument is in that module's docstring.  ``build`` is the time to construct g.
* ``z3 direct``: the direct encoding in linear real arithmetic (ReLUs and threshold units as
  ``If`` terms, the violation ``Xor(f >= 0, g >= 0)``), with a timeout; through
  ``check_equivalence(method="z3")`` when :mod:`exactnets.verify.smt` has ``decide``, else the
  same encoding written here.

A second table (``--misprint``) runs the seed's misprinted Sec. 3.1 biases, which the literal
method must refute with a replayed counterexample.

Goal (issue 5): w = 10, d = 5 proved in <= 30 s, w = 12 in <= 120 s; the direct z3 time beside it.

Run:  /work/venv/bin/python bench/bench_ps_thm1.py [--widths 8 10 12] [--d 5] [--seeds 3] [--z3-timeout 60]
"""

from __future__ import annotations

import argparse
import random
import time
from fractions import Fraction

import z3

from exactnets.constructions.pan_srikumar import relu_to_threshold
from exactnets.domains import Reals
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify import dnf
from exactnets.verify.query import Deadline, Mode, violates

DECISION = Mode("decision")


def make_net(d: int, w: int, seed: int) -> Network:
    r = random.Random(f"ps-thm1:{d}:{w}:{seed}")
    weights = [[Fraction(r.randint(-9, 9)) for _ in range(d)] for _ in range(w)]
    bias = [Fraction(r.randint(-9, 9)) for _ in range(w)]
    signs = [1] * (w // 2) + [-1] * (w - w // 2)
    r.shuffle(signs)
    return Network(d, [Layer("relu", weights, bias), Layer("linear", [signs], [Fraction(r.randint(-3, 3))])])


def z3_direct(f: Network, g: Network, timeout: float) -> tuple[str, float]:
    """The direct encoding; returns (verdict, seconds)."""
    from exactnets.verify import smt

    started = time.perf_counter()
    if hasattr(smt, "decide"):
        from exactnets.verify.equivalence import check_equivalence

        result = check_equivalence(f, g, Reals(f.input_dim), "decision", method="z3", timeout=timeout)
        return result.verdict, time.perf_counter() - started

    def q(v: Fraction):
        return z3.RealVal(f"{v.numerator}/{v.denominator}")

    xs = [z3.Real(f"x{i}") for i in range(f.input_dim)]
    solver = z3.Solver()
    solver.set("timeout", int(timeout * 1000))

    def output(net: Network, prefix: str):
        values = list(xs)
        for li, layer in enumerate(net.layers):
            out = []
            for ui, (row, b) in enumerate(zip(layer.weights, layer.bias)):
                t = z3.Sum([q(w) * v for w, v in zip(row, values) if w] + [q(b)])
                if li == len(net.layers) - 1:
                    return t
                h = z3.Real(f"{prefix}{li}_{ui}")
                if layer.activation == "relu":
                    solver.add(h == z3.If(t > 0, t, q(Fraction(0))))
                else:
                    solver.add(h == z3.If(t >= 0, q(Fraction(1)), q(Fraction(-1))))
                out.append(h)
            values = out
        raise AssertionError

    fo, go = output(f, "f"), output(g, "g")
    solver.add(z3.Xor(fo >= 0, go >= 0))
    answer = solver.check()
    seconds = time.perf_counter() - started
    if answer == z3.unsat:
        return "equivalent", seconds
    if answer == z3.sat:
        model = solver.model()
        x = [Fraction(model.eval(v, model_completion=True).as_fraction()) for v in xs]
        assert violates(DECISION, evaluate(f, x), evaluate(g, x)), "z3's model does not replay"
        return "counterexample", seconds
    return "unknown", seconds


def run(widths, d, seeds, z3_timeout, misprint):
    from exactnets.verify import smt

    rows = []
    path = "check_equivalence(method='z3') (exactnets.verify.smt.decide)" if hasattr(smt, "decide") else "the encoding in this script"
    print(f"direct z3: {path}, timeout {z3_timeout:g} s; biases: {'as printed (misprint)' if misprint else 'corrected'}\n")
    print(f"| w | d | first-layer units | seed | build g (s) | exactnets verdict | exactnets (s) | z3 direct verdict | z3 direct (s) |")
    print("|---|---|---:|---|---:|---|---:|---|---:|")
    for w in widths:
        for seed in range(seeds):
            f = make_net(d, w, seed)
            t0 = time.perf_counter()
            g = relu_to_threshold(f, "dnf", as_printed=misprint)
            build = time.perf_counter() - t0
            t1 = time.perf_counter()
            result = dnf.decide(f, g, Reals(d), DECISION, Deadline(600))
            ours = time.perf_counter() - t1
            if result.verdict == "counterexample":
                x = result.counterexample.x
                assert violates(DECISION, evaluate(f, x), evaluate(g, x))
            theirs, seconds = ("skipped", 0.0) if z3_timeout <= 0 else z3_direct(f, g, z3_timeout)
            rows.append((w, seed, build, result.verdict, ours, theirs, seconds))
            z3_cell = f"{seconds:.2f}" + (" (timeout)" if theirs == "unknown" else "")
            print(f"| {w} | {d} | {2**w} | {seed} | {build:.2f} | {result.verdict} | {ours:.2f} | {theirs} | {z3_cell} |",
                  flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[8, 10, 12])
    parser.add_argument("--d", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--z3-timeout", type=float, default=60.0, help="seconds per direct z3 query (0: skip z3)")
    parser.add_argument("--misprint", action="store_true", help="use the seed's misprinted Sec. 3.1 biases")
    args = parser.parse_args()
    run(args.widths, args.d, args.seeds, args.z3_timeout, args.misprint)


if __name__ == "__main__":
    main()
