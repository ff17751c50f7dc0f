"""Benchmark: equivalence of two 2-layer ReLU nets on {-1,1}^20 (goal: <= 2 s per query).

Instances (seeded): f has n inputs, one hidden layer of width 32 and one linear output, weights
p/q with |p| <= 10 and 1 <= q <= 10.  Pairs:

* ``equivalent``: g is f with its hidden units permuted, every unit rescaled by a positive factor
  (R(l t) = l R(t)), and one unit split in two halves;
* ``differ everywhere``: one output weight of g changed by 1/1000;
* ``differ at one point``: g = f + 1/1000 * R(<1,...,1> x - (n - 1)), a vertex indicator that is
  non-zero only at x = (1, ..., 1), so enumeration must reach that point;
* ``differ at the last point``: the same at x = (-1, ..., -1), the last point in the cube order.

Contenders, in one process on the same instances: ``exactnets`` (method auto = exhaustive exact
enumeration in integer batches), a plain Fraction loop (the reference evaluator on every point;
timed on a sample and extrapolated to the whole cube), and the direct z3 encoding on the cube
(``exactnets.verify.smt``, with a timeout).

Run:  python bench/bench_equiv_cube.py [--n 20] [--z3-timeout 60]
"""

from __future__ import annotations

import argparse
import random
import time
from fractions import Fraction

from exactnets.domains import BooleanCube, cube_point
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network, parallel_sum
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.query import Mode, violates


def random_net(n: int, width: int, seed: int) -> Network:
    r = random.Random(seed)
    value = lambda: Fraction(r.randint(-10, 10), r.randint(1, 10))  # noqa: E731
    return Network(n, [Layer("relu", [[value() for _ in range(n)] for _ in range(width)], [value() for _ in range(width)]),
                       Layer("linear", [[value() for _ in range(width)]], [value()])])


def rewritten(net: Network, seed: int) -> Network:
    """The same function: units permuted, rescaled by positive factors, the first one split in two."""
    r = random.Random(seed)
    hidden, output = net.layers
    order = list(range(hidden.out_dim))
    r.shuffle(order)
    rows, bias, weights = [], [], []
    for k in order:
        factor = Fraction(r.randint(1, 9), r.randint(1, 9))
        rows.append([factor * w for w in hidden.weights[k]])
        bias.append(factor * hidden.bias[k])
        weights.append(output.weights[0][k] / factor)
    rows.append(rows[0])
    bias.append(bias[0])
    weights[0] /= 2
    weights.append(weights[0])
    return Network(net.input_dim, [Layer("relu", rows, bias), Layer("linear", [weights], output.bias)])


def plus_vertex_bump(net: Network, vertex_sign: int) -> Network:
    n = net.input_dim
    bump = Network(n, [Layer("relu", [[vertex_sign] * n], [1 - n]), Layer("linear", [[Fraction(1, 1000)]], [0])])
    return parallel_sum(net, bump)


def fraction_loop_seconds(f: Network, g: Network, n: int, sample: int = 500) -> float:
    """Seconds a plain Fraction loop over the whole cube would take (timed on a sample)."""
    r = random.Random(1)
    points = [cube_point(n, r.randrange(2**n)) for _ in range(sample)]
    t0 = time.perf_counter()
    for x in points:
        violates(Mode(), evaluate(f, x), evaluate(g, x))
    return (time.perf_counter() - t0) / sample * 2**n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--z3-timeout", type=float, default=60.0)
    args = parser.parse_args()
    n = args.n
    f = random_net(n, args.width, seed=7)
    g_flip = Network(n, [f.layers[0], Layer("linear", [[f.layers[1].weights[0][0] + Fraction(1, 1000),
                                                         *f.layers[1].weights[0][1:]]], f.layers[1].bias)])
    pairs = [("equivalent", rewritten(f, 3)), ("differ everywhere", g_flip),
             ("differ at one point", plus_vertex_bump(f, 1)), ("differ at the last point", plus_vertex_bump(f, -1))]
    try:
        from exactnets.verify import smt  # noqa: F401
        have_z3 = True
    except ImportError:
        have_z3 = False
    domain = BooleanCube(n)
    print(f"2-layer ReLU nets, n = {n}, width {args.width}, domain {{-1,1}}^{n} ({2**n} points), mode function")
    header = f"{'pair':<26} | {'exactnets':>32} {'seconds':>8} | {'Fraction loop (extrap.)':>24} | {'z3 direct':>14} {'seconds':>8}"
    print(header)
    print("-" * len(header))
    for label, g in pairs:
        t0 = time.perf_counter()
        result = check_equivalence(f, g, domain)
        ours = time.perf_counter() - t0
        where = f" at index {sum((1 if v == -1 else 0) << (n - 1 - j) for j, v in enumerate(result.counterexample.x))}" \
            if result.counterexample else ""
        loop = fraction_loop_seconds(f, g, n)
        if have_z3:
            z3_result = check_equivalence(f, g, domain, method="z3", timeout=args.z3_timeout)
            z3_text, z3_time = z3_result.verdict, f"{z3_result.seconds:8.2f}"
        else:
            z3_text, z3_time = "(not built)", "       -"
        print(f"{label:<26} | {result.verdict + where:>32} {ours:8.3f} | {loop:>22.0f} s | {z3_text:>14} {z3_time}")


if __name__ == "__main__":
    main()
