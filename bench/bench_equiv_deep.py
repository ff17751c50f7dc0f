"""Benchmark: epsilon-equivalence of a deep network and its perturbed copy on a small box.

Run (defaults: 3 seeds, 100 s per instance and method, the direct z3 encoding as baseline)::

    /work/venv/bin/python bench/bench_equiv_deep.py [--seeds 0 1 2] [--timeout 100] [--baseline-timeout 100]
                                                  [--factors 3 1.5 1.1] [--no-baseline] [--compare-float]
                                                  [--confirm-workers 1 2]

The workload (the ACAS Xu shape, trained-like weights).  ``f``: 5 inputs, 6 hidden layers of 50
ReLUs, 5 linear outputs; weights drawn from N(0, 1/fan_in) and biases from N(0, 0.1^2), stored as
float32 and read at their exact binary value (``rational_from_float(float(np.float32(w)))``:
denominators up to about 2^30 and beyond).  ``g``: ``f`` with every weight and bias perturbed by
uniform noise in [-0.001, 0.001], again float32-exact.  The domain: the box with every coordinate
within +-1/20 of a random centre (a multiple of 1/1000).

The instances.  ``delta`` is the largest ``|g_j(x) - f_j(x)|`` the script finds by sampling
100,000 points in floats and refining the best one by local random search; it is then recomputed
*exactly* at that point (so ``delta`` is an exact rational attained in the box).  For each
factor ``c`` the mode is ``epsilon:eps`` with ``eps = c * delta`` rounded up to 4 significant
decimal digits; ``c < 1`` is refutable by construction (the sampled point breaks it), ``c = 3``
is the "provable" instance of the task; 1.5 and 1.1 are harder (the true maximum may lie a
fraction of a percent below ``eps``).

Two methods, each with its own deadline per instance: ``regions``
(:func:`exactnets.verify.regions.decide`: attack, then branch and bound with ReluDiff
differential bounds, DeepPoly/CROWN bounds and exact LP leaves) and the direct z3 encoding
(:func:`exactnets.verify.smt.decide` when it exists, else a minimal encoding in this script).
Every counterexample is replayed once more here through the exact evaluator.

``regions`` runs with its default ``exact_confirm=True``: every node closed by the float bounds
is re-checked in integer arithmetic (:mod:`exactnets.verify.exact_bounds`).  ``--compare-float``
also runs it with ``exact_confirm=False`` (float64 bounds with a proven rounding-error bound,
no exact re-check) on the same instance, in the same process, and adds its columns and the time
spent in the exact re-check.

``--confirm-workers N [N ...]`` runs ``regions`` with ``SearchOptions(confirm_workers=N)`` (the
re-checks of nodes the float bounds proved go to ``N - 1`` worker processes while the search goes
on), once per value, on the same instance in the same process; the column ``w`` says which.  The
re-check seconds are then those of this process plus those of the workers.

The table is printed for the lead to copy (bench/RESULTS.md is not written).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from fractions import Fraction

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from exactnets.domains import Box  # noqa: E402
from exactnets.evaluate import evaluate  # noqa: E402
from exactnets.network import Layer, Network  # noqa: E402
from exactnets.rational import format_rational, rational_from_float  # noqa: E402
from exactnets.verify.query import Deadline, Mode, replay  # noqa: E402
from exactnets.verify.regions import SearchOptions  # noqa: E402
from exactnets.verify.regions import decide as regions_decide  # noqa: E402


def _exact32(value: float) -> Fraction:
    return rational_from_float(float(np.float32(value)))


def build(seed: int, n: int = 5, width: int = 50, hidden: int = 6, out: int = 5, noise: float = 1e-3,
          half_width: Fraction = Fraction(1, 20)):
    """``f``, its perturbed copy ``g``, the box, and the float32 arrays (for float sampling)."""
    rng = np.random.default_rng(seed)
    sizes = [n] + [width] * hidden + [out]
    Ws = [rng.normal(0, 1 / np.sqrt(sizes[i]), (sizes[i + 1], sizes[i])).astype(np.float32) for i in range(len(sizes) - 1)]
    bs = [rng.normal(0, 0.1, sizes[i + 1]).astype(np.float32) for i in range(len(sizes) - 1)]
    Wg = [(W + rng.uniform(-noise, noise, W.shape)).astype(np.float32) for W in Ws]
    bg = [(b + rng.uniform(-noise, noise, b.shape)).astype(np.float32) for b in bs]
    acts = ["relu"] * hidden + ["linear"]

    def net(weights, biases, name):
        return Network(n, [Layer(a, [[_exact32(w) for w in row] for row in W], [_exact32(v) for v in b])
                           for a, W, b in zip(acts, weights, biases)], name=name)

    centre = [Fraction(round(v * 1000), 1000) for v in rng.uniform(-1, 1, n)]
    box = Box([c - half_width for c in centre], [c + half_width for c in centre])
    return net(Ws, bs, f"f{seed}"), net(Wg, bg, f"g{seed}"), box, (Ws, bs, Wg, bg)


def _float_net(W, b, X):
    h = X
    for i, (Wi, bi) in enumerate(zip(W, b)):
        h = h @ Wi.T.astype(np.float64) + bi.astype(np.float64)
        if i < len(W) - 1:
            h = np.maximum(h, 0)
    return h


def sampled_delta(f: Network, g: Network, box: Box, arrays, seed: int) -> tuple[Fraction, tuple[Fraction, ...]]:
    """The largest difference found by float sampling + local search, recomputed exactly."""
    Ws, bs, Wg, bg = arrays
    lo = np.array([float(v) for v in box.lower])
    hi = np.array([float(v) for v in box.upper])
    rng = np.random.default_rng(1000 + seed)
    X = rng.uniform(lo, hi, (100_000, len(lo)))
    D = np.abs(_float_net(Wg, bg, X) - _float_net(Ws, bs, X)).max(axis=1)
    best, value = X[np.argmax(D)], D.max()
    for scale in (1e-2, 3e-3, 1e-3, 3e-4, 1e-4):
        for _ in range(100):
            Y = np.clip(best + rng.normal(0, scale, (128, len(lo))), lo, hi)
            d = np.abs(_float_net(Wg, bg, Y) - _float_net(Ws, bs, Y)).max(axis=1)
            if d.max() > value:
                value, best = d.max(), Y[np.argmax(d)]
    point = tuple(min(max(Fraction(float(v)), a), b) for v, a, b in zip(best, box.lower, box.upper))
    fx, gx = evaluate(f, point), evaluate(g, point)
    return max(abs(a - b) for a, b in zip(fx, gx)), point


def round_up(value: Fraction, digits: int = 4) -> Fraction:
    """``value`` rounded up to ``digits`` significant decimal digits (an exact decimal)."""
    exponent = math.floor(math.log10(float(value))) - digits + 1
    unit = Fraction(10) ** exponent
    return math.ceil(value / unit) * unit


def baseline():
    try:
        from exactnets.verify.smt import decide  # type: ignore[attr-defined]

        return decide, "exactnets.verify.smt.decide"
    except ImportError:
        return _minimal_z3, "minimal z3 encoding (this script)"


def _minimal_z3(f, g, domain, mode, deadline, progress=None):
    import z3

    from exactnets.verify.query import EquivalenceResult

    def rv(q):
        return z3.RealVal(f"{q.numerator}/{q.denominator}")

    xs = [z3.Real(f"x{i}") for i in range(f.input_dim)]

    def terms(net):
        h = list(xs)
        for layer in net.layers:
            z = [z3.Sum([rv(w) * v for w, v in zip(row, h) if w] + [rv(b)]) for row, b in zip(layer.weights, layer.bias)]
            h = [z3.If(t > 0, t, 0) for t in z] if layer.activation == "relu" else z
        return h

    s = z3.Solver()
    s.set("timeout", max(1, int(deadline.remaining() * 1000)))
    for x, lo, hi in zip(xs, domain.lower, domain.upper):
        s.add(x >= rv(lo), x <= rv(hi))
    eps = rv(mode.epsilon)
    s.add(z3.Or([z3.Or(b - a > eps, a - b > eps) for a, b in zip(terms(f), terms(g))]))
    start = time.monotonic()
    r = s.check()
    seconds = time.monotonic() - start
    if r == z3.unsat:
        return EquivalenceResult("equivalent", "z3", seconds)
    if r == z3.sat:
        m = s.model()
        point = [Fraction(m.eval(x, model_completion=True).as_fraction()) for x in xs]
        return EquivalenceResult("counterexample", "z3", seconds, replay(f, g, domain, mode, point))
    return EquivalenceResult("unknown", "z3", seconds, reason=s.reason_unknown())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--factors", type=Fraction, nargs="+", default=[Fraction(1, 2), Fraction(3), Fraction(3, 2), Fraction(11, 10)])
    parser.add_argument("--timeout", type=float, default=100.0)
    parser.add_argument("--baseline-timeout", type=float, default=100.0)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--compare-float", action="store_true",
                        help="also run regions without the exact re-check of bound-closed nodes (exact_confirm=False)")
    parser.add_argument("--half-width", type=Fraction, default=Fraction(1, 20),
                        help="half the side of the box (default 1/20, the task's workload)")
    parser.add_argument("--confirm-workers", type=int, nargs="+", default=[SearchOptions().confirm_workers],
                        help="SearchOptions.confirm_workers for regions; several values: one run each "
                             "(default: the library's, 2 on two CPUs or more)")
    args = parser.parse_args()

    base, base_name = baseline()
    print(f"# bench_equiv_deep: 5 -> 6x50 ReLU -> 5, float32-exact weights, g = f + U[-0.001, 0.001] noise, "
          f"box centre +- {format_rational(args.half_width)}")
    print(f"# python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores; "
          f"timeouts: regions {args.timeout:g} s, baseline {args.baseline_timeout:g} s ({base_name})")
    header = ("| seed | eps = c x delta | eps | w | regions | s | nodes | LPs | z3 baseline | s |")
    if args.compare_float:
        header += " exact re-check s | confirmed | refused | float-only | s | nodes |"
    rows = []
    for seed in args.seeds:
        f, g, box, arrays = build(seed, half_width=args.half_width)
        start = time.monotonic()
        delta, where = sampled_delta(f, g, box, arrays, seed)
        print(f"# seed {seed}: box centre {[format_rational((a + b) / 2) for a, b in zip(box.lower, box.upper)]}, "
              f"sampled delta = {float(delta):.6g} (exact at a sampled point; {time.monotonic() - start:.1f} s); "
              f"weight denominators up to 2^{max(w.denominator for l in f.layers for r in l.weights for w in r).bit_length() - 1}")
        for c in args.factors:
            eps = round_up(c * delta) if c >= 1 else c * delta
            mode = Mode("epsilon", eps)
            runs = []
            for workers in args.confirm_workers:
                result = regions_decide(f, g, box, mode, Deadline(args.timeout),
                                        options=SearchOptions(confirm_workers=workers))
                if result.counterexample is not None:
                    replay(f, g, box, mode, result.counterexample.x)
                runs.append((workers, result))
            if args.no_baseline:
                bverdict, bseconds = "-", float("nan")
            else:
                try:
                    b = base(f, g, box, mode, Deadline(args.baseline_timeout))
                    if b.counterexample is not None:
                        replay(f, g, box, mode, b.counterexample.x)
                    bverdict, bseconds = b.verdict, b.seconds
                except Exception as exc:  # report, do not hide
                    bverdict, bseconds = f"error: {type(exc).__name__}", float("nan")
            eps_text = f"{float(eps):.6g}" if c >= 1 else f"{float(eps):.6g} (delta/2)"
            plain = None
            if args.compare_float:
                plain = regions_decide(f, g, box, mode, Deadline(args.timeout), options=SearchOptions(exact_confirm=False))
                if plain.counterexample is not None:
                    replay(f, g, box, mode, plain.counterexample.x)
            for workers, result in runs:
                d = result.details
                row = (f"| {seed} | {float(c):g} | {eps_text} | {workers} | {result.verdict} | {result.seconds:.2f} | "
                       f"{d.get('nodes', 0)} | {d.get('lps', 0)} | {bverdict} | {bseconds:.2f} |")
                if plain is not None:
                    exact_s = d.get('exact_seconds', 0) + d.get('exact_seconds_worker', 0)
                    row += (f" {exact_s:.2f} | {d.get('exact_confirmed', 0)} | {d.get('exact_refused', 0)} | "
                            f"{plain.verdict} | {plain.seconds:.2f} | {plain.details.get('nodes', 0)} |")
                rows.append(row)
                print(row, flush=True)
                if result.verdict == "unknown":
                    print(f"#   regions (confirm_workers={workers}): {result.reason}")
    print()
    print(header)
    print("|---|---:|---:|---:|---|---:|---:|---:|---|---:|" + ("---:|---:|---:|---|---:|---:|" if args.compare_float else ""))
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
