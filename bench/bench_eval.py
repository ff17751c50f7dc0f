"""Benchmark: exact evaluation over the Boolean cube against a Fraction loop and numpy float64.

One process, the same networks and points for every contender:

* ``fraction loop`` — :func:`exactnets.evaluate.evaluate` (plain ``Fraction`` arithmetic) on a
  sample of cube points (the full cube would take hours);
* ``numpy float64`` — the plain float evaluation ``relu(X @ W.T + b)`` with the cube ``X``
  already in memory (fast, not exact);
* ``exactnets`` — :func:`exactnets.evaluate.evaluate_cube`, exact, point generation included;
* file writing — ``exactnets eval NET --cube pm1 --out FILE`` (run in-process through the CLI
  entry point) against a numpy float64 script that writes the same CSV layout (inputs, then the
  output printed with ``repr``).

The network: 2 hidden ReLU layers of width 32 and a linear output; every weight and bias is
p/q with |p| <= 10 and 1 <= q <= 10, seeded.

Run:  python bench/bench_eval.py [--sizes 16 18 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from exactnets.cli import main as exactnets_main
from exactnets.domains import cube_point, cube_points
from exactnets.evaluate import _plan, evaluate, evaluate_cube
from exactnets.io import write_network
from exactnets.network import Layer, Network


def bench_network(n: int, width: int = 32, seed: int = 0) -> Network:
    r = random.Random(seed)

    def value() -> Fraction:
        return Fraction(r.randint(-10, 10), r.randint(1, 10))

    sizes = [n, width, width, 1]
    layers = [
        Layer("relu" if i < 2 else "linear", [[value() for _ in range(sizes[i])] for _ in range(sizes[i + 1])],
              [value() for _ in range(sizes[i + 1])])
        for i in range(3)
    ]
    return Network(n, layers, name=f"bench n={n}")


def float_weights(net: Network) -> list[tuple[np.ndarray, np.ndarray, str]]:
    return [(np.array([[float(w) for w in row] for row in layer.weights]), np.array([float(b) for b in layer.bias]),
             layer.activation) for layer in net.layers]


def float_eval(X: np.ndarray, weights: list[tuple[np.ndarray, np.ndarray, str]]) -> np.ndarray:
    h = X
    for W, b, act in weights:
        h = h @ W.T + b
        if act == "relu":
            h = np.maximum(h, 0)
    return h


def float_script_write(net: Network, path: str) -> None:
    """What a user would write with numpy: float outputs over the cube, one CSV line per point."""
    n = net.input_dim
    X = cube_points(n).astype(np.float64)
    y = float_eval(X, float_weights(net))[:, 0]
    with open(path, "w") as f:
        f.write(",".join([f"x{j + 1}" for j in range(n)] + ["y"]) + "\n")
        rows = cube_points(n).tolist()
        f.write("\n".join([",".join(map(str, row)) + "," + repr(v) for row, v in zip(rows, y.tolist())]))
        f.write("\n")


def float_script_write_tuned(net: Network, path: str, low_bits: int = 12) -> None:
    """The same file from float64, written with the row-prefix trick exactnets uses (a stricter baseline)."""
    n = net.input_dim
    low = min(low_bits, n)
    X = cube_points(n).astype(np.float64)
    y = float_eval(X, float_weights(net))[:, 0].tolist()
    low_prefix = [",".join(map(str, row)) + "," for row in cube_points(low).tolist()]
    high_rows = cube_points(n - low).tolist() if n > low else [[]]
    with open(path, "w") as f:
        f.write(",".join([f"x{j + 1}" for j in range(n)] + ["y"]) + "\n")
        chunk = 2**low
        for block, high in enumerate(high_rows):
            head = ",".join(map(str, high)) + "," if high else ""
            values = y[block * chunk:(block + 1) * chunk]
            f.write("\n".join([head + a + repr(v) for a, v in zip(low_prefix, values)]) + "\n")


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 18, 20])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fraction-sample", type=int, default=2000)
    args = parser.parse_args()

    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, cores {os.cpu_count()}")
    print("points per second (higher is better); best of", args.repeat)
    header = f"{'n':>3} {'points':>9} | {'fraction loop':>14} {'numpy float64':>14} {'exactnets':>14} {'exact/float':>11} | backends"
    print(header)
    print("-" * len(header))
    file_rows = []
    for n in args.sizes:
        net = bench_network(n)
        total = 2**n
        backends = ",".join(p.backend for p in _plan(net, 1, [-1] * n, [1] * n))
        r = random.Random(n)
        sample = [cube_point(n, r.randrange(total)) for _ in range(args.fraction_sample)]
        t_fraction = best_of(1, lambda: [evaluate(net, x) for x in sample])
        X = cube_points(n).astype(np.float64)
        weights = float_weights(net)
        t_float = best_of(args.repeat, lambda: float_eval(X, weights))
        t_exact = best_of(args.repeat, lambda: evaluate_cube(net))
        # sanity: the exact and float results agree to float precision, and exactly on a sample
        exact = evaluate_cube(net)
        floats = float_eval(X, weights)[:, 0]
        assert np.allclose(exact.numerators[:, 0] / exact.denominator, floats, rtol=1e-9, atol=1e-9)
        for i in r.sample(range(total), 50):
            assert exact.row(i) == evaluate(net, cube_point(n, i))
        rate = lambda t, count=total: count / t  # noqa: E731
        print(f"{n:>3} {total:>9} | {rate(t_fraction, len(sample)):>14,.0f} {rate(t_float):>14,.0f} {rate(t_exact):>14,.0f}"
              f" {t_float / t_exact:>10.2f}x | {backends}")

        with tempfile.TemporaryDirectory() as tmp:
            net_path = os.path.join(tmp, "net.json")
            write_network(net, net_path)
            out_exact, out_float = os.path.join(tmp, "exact.csv"), os.path.join(tmp, "float.csv")
            with contextlib.redirect_stderr(io.StringIO()):  # the CLI's "wrote N points" line
                t_cli = best_of(args.repeat, lambda: exactnets_main(["eval", net_path, "--cube", "pm1", "--out", out_exact]))
            t_script = best_of(args.repeat, lambda: float_script_write(net, out_float))
            t_tuned = best_of(args.repeat, lambda: float_script_write_tuned(net, out_float))
            size_exact, size_float = Path(out_exact).stat().st_size, Path(out_float).stat().st_size
            with open(out_exact) as a, open(out_float) as b:
                assert sum(1 for _ in a) == sum(1 for _ in b) == total + 1
            file_rows.append((n, t_cli, t_script, t_tuned, size_exact, size_float))

    print()
    print("writing the cube's outputs to a CSV file (seconds, lower is better)")
    header = (f"{'n':>3} | {'exactnets eval --cube':>22} {'float64 script':>15} {'ratio':>7} {'tuned float64':>14} {'ratio':>7}"
              f" | {'exact MB':>9} {'float MB':>9}")
    print(header)
    print("-" * len(header))
    for n, t_cli, t_script, t_tuned, size_exact, size_float in file_rows:
        print(f"{n:>3} | {t_cli:>22.3f} {t_script:>15.3f} {t_cli / t_script:>6.2f}x {t_tuned:>14.3f} {t_cli / t_tuned:>6.2f}x"
              f" | {size_exact / 1e6:>9.1f} {size_float / 1e6:>9.1f}")


if __name__ == "__main__":
    main()
