"""Benchmark: certified exact rank against python-flint, sympy and numpy, in one process.

Contenders, on the same matrices:

* ``exactnets`` — :func:`exactnets.linalg.rank` *and* :func:`exactnets.linalg.verify_rank_certificate`
  (both bounds certified, the certificate re-checked), with the time to build the matrix
  (named functions from their indices, circuits by exact batched evaluation of 2^n points);
* ``flint`` — python-flint's bare ``fmpz_mat.rank()`` (the anchor; no certificate), the time of
  ``rank()`` alone, conversion to ``fmpz_mat`` reported apart;
* ``sympy`` — exact rank with ``DomainMatrix`` over ZZ, only up to ``--sympy-max`` (about 4 s at
  N = 256 and ten times more per doubling); the user-facing ``Matrix.rank()`` is measured apart
  (it already takes tens of seconds at N = 32);
* ``numpy`` — ``numpy.linalg.matrix_rank`` in float64 (not exact: the last column says whether it
  happened to be right).

Matrices (N x N): ``ip`` (inner product mod 2, a Sylvester–Hadamard matrix), ``random`` (±1,
seeded), ``relu`` (the communication matrix of a random ReLU circuit on 2 log2 N inputs, widths
32 and 16, weights p/q with |p| <= 10, q <= 10, split in half), ``lowrank`` (an integer-weight
depth-2 ReLU net as in Malach & Shalev-Shwartz Lemma 23: 8 units, weights in [-2, 2]).

Also: an integer matrix on which numpy's float rank is wrong, and IP_13 (8192 x 8192) with the
process's peak memory.

Run:  python bench/bench_rank.py [--sizes 256 1024 4096] [--kinds ip random relu lowrank] [--ip13]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from fractions import Fraction

import flint
import numpy as np

from exactnets.linalg import ExactMatrix, named_matrix, network_matrix, rank, verify_rank_certificate
from exactnets.network import Layer, Network


def relu_circuit(half: int, seed: int = 0) -> Network:
    r = random.Random(seed)

    def value() -> Fraction:
        return Fraction(r.randint(-10, 10), r.randint(1, 10))

    n = 2 * half
    return Network(n, [Layer("relu", [[value() for _ in range(n)] for _ in range(32)], [value() for _ in range(32)]),
                       Layer("relu", [[value() for _ in range(32)] for _ in range(16)], [value() for _ in range(16)]),
                       Layer("linear", [[value() for _ in range(16)]], [value()])], name="random relu circuit")


def lowrank_circuit(half: int, seed: int = 0) -> Network:
    r = random.Random(seed)
    n = 2 * half
    return Network(n, [Layer("relu", [[r.randint(-2, 2) for _ in range(n)] for _ in range(8)], [r.randint(-2, 2) for _ in range(8)]),
                       Layer("linear", [[r.randint(-5, 5) for _ in range(8)]], [0])], name="integer depth-2 net")


def build(kind: str, N: int) -> ExactMatrix:
    half = N.bit_length() - 1
    if kind == "ip":
        return named_matrix("ip", half)
    if kind == "random":
        return ExactMatrix(np.random.default_rng(N).choice(np.array([-1, 1], dtype=np.int8), size=(N, N)))
    if kind == "relu":
        return network_matrix(relu_circuit(half), half)
    if kind == "lowrank":
        return network_matrix(lowrank_circuit(half), half)
    raise SystemExit(f"unknown kind {kind}")


def best(repeat: int, fn):
    times, value = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return min(times), value


def exactnets_run(kind: str, N: int, repeat: int):
    def once():
        t0 = time.perf_counter()
        M = build(kind, N)
        t1 = time.perf_counter()
        result = rank(M)
        t2 = time.perf_counter()
        verdict = verify_rank_certificate(result.certificate, M)
        t3 = time.perf_counter()
        if verdict.status != "proved":
            raise SystemExit(f"certificate failed: {verdict.reason}")
        return (t1 - t0, t2 - t1, t3 - t2, t3 - t0), result.rank, M

    runs = [once() for _ in range(repeat)]
    times, r, M = min(runs, key=lambda run: run[0][3])
    return times, r, M


def flint_run(M: ExactMatrix, repeat: int):
    N = M.shape[0]
    t0 = time.perf_counter()
    Z = flint.fmpz_mat(N, M.shape[1], [int(v) for v in M.numerators.ravel().tolist()])
    convert = time.perf_counter() - t0
    seconds, r = best(repeat, Z.rank)
    return convert, seconds, int(r)


def sympy_run(M: ExactMatrix):
    """sympy's fast exact path, ``DomainMatrix`` over ZZ (``Matrix.rank()`` itself is far slower; see below)."""
    import sympy
    from sympy.polys.matrices import DomainMatrix

    rows = [[int(v) for v in row] for row in M.numerators.tolist()]
    t0 = time.perf_counter()
    r = DomainMatrix.from_list(rows, sympy.ZZ).rank()
    return time.perf_counter() - t0, int(r)


def sympy_matrix_rank_note() -> list[str]:
    import sympy

    lines = ["", "sympy's user-facing `Matrix(rows).rank()` on random ±1 matrices (the table uses `DomainMatrix` over ZZ):", ""]
    for N in (16, 24, 32):
        rows = np.random.default_rng(N).choice([-1, 1], size=(N, N)).tolist()
        t0 = time.perf_counter()
        r = sympy.Matrix(rows).rank()
        lines.append(f"- N = {N}: rank {r} in {time.perf_counter() - t0:.2f} s")
    lines.append("- stopped there: the time grows by orders of magnitude per step (expression swell in its elimination).")
    return lines


def numpy_run(M: ExactMatrix, repeat: int):
    F = M.numerators.astype(np.float64)
    return best(repeat, lambda: int(np.linalg.matrix_rank(F)))


def numpy_counterexample() -> list[str]:
    lines = ["", "An integer matrix on which numpy's float rank is wrong: kron(I_(N/2), [[1, 2^30], [2^30, 2^60 + 1]])",
             "(each 2 x 2 block has determinant 1; in float64 2^60 + 1 rounds to 2^60 and the rows look parallel).", "",
             "| N | exact rank (exactnets, certified) | numpy.linalg.matrix_rank |", "|---:|---:|---:|"]
    block = np.array([[1, 2**30], [2**30, 2**60 + 1]], dtype=np.int64)
    for N in (2, 64, 512):
        M = np.kron(np.eye(N // 2, dtype=np.int64), block)
        result = rank(M, seed=0)
        assert verify_rank_certificate(result.certificate, M).status == "proved"
        lines.append(f"| {N} | {result.rank} | {np.linalg.matrix_rank(M.astype(np.float64))} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024, 2048, 4096])
    parser.add_argument("--kinds", nargs="+", default=["ip", "random", "relu", "lowrank"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sympy-max", type=int, default=256, help="largest N given to sympy (default 256)")
    parser.add_argument("--sympy-matrix-rank", action="store_true", help="also time sympy's Matrix.rank() at N = 16, 24, 32")
    parser.add_argument("--no-flint-above", type=int, default=8192, help="skip flint above this N")
    parser.add_argument("--ip13", action="store_true", help="also IP_13 (8192 x 8192): exactnets and flint")
    args = parser.parse_args(argv)
    print(f"# bench_rank  python {sys.version.split()[0]}, numpy {np.__version__}, python-flint {flint.__version__}, "
          f"{os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.2f}")
    print()
    print("Seconds (lower is better). exactnets = build + rank + re-check of the certificate; "
          "flint = fmpz_mat.rank() alone (conversion apart).")
    print()
    print("| matrix | N | rank | exactnets build | rank | check | **total** | flint convert | **flint rank** | "
          "total / flint | sympy | numpy float | numpy right? |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    sizes = list(args.sizes)
    for N in sizes:
        for kind in args.kinds:
            (b, r_t, c, total), r, M = exactnets_run(kind, N, args.repeat)
            if N <= args.no_flint_above:
                convert, f_seconds, f_rank = flint_run(M, args.repeat)
                if f_rank != r:
                    raise SystemExit(f"{kind} N={N}: flint rank {f_rank} != exactnets {r}")
                flint_cols = f"{convert:.2f} | {f_seconds:.2f} | {total / f_seconds:.2f}x"
            else:
                flint_cols = "— | — | —"
            if N <= args.sympy_max:
                s_seconds, s_rank = sympy_run(M)
                if s_rank != r:
                    raise SystemExit(f"{kind} N={N}: sympy rank {s_rank} != exactnets {r}")
                sympy_col = f"{s_seconds:.2f}"
            else:
                sympy_col = "—"
            n_seconds, n_rank = numpy_run(M, args.repeat)
            print(f"| {kind} | {N} | {r} | {b:.2f} | {r_t:.2f} | {c:.2f} | **{total:.2f}** | {flint_cols} | {sympy_col} | "
                  f"{n_seconds:.2f} | {'yes' if n_rank == r else f'no ({n_rank})'} |", flush=True)
    if args.ip13:
        (b, r_t, c, total), r, M = exactnets_run("ip", 8192, 1)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        convert, f_seconds, f_rank = flint_run(M, 1)
        print(f"| ip | 8192 | {r} | {b:.2f} | {r_t:.2f} | {c:.2f} | **{total:.2f}** | {convert:.2f} | {f_seconds:.2f} | "
              f"{total / f_seconds:.2f}x | — | — | — |")
        print(f"\nIP_13: certified in {total:.1f} s; peak resident memory of the whole run {peak:.2f} GiB.")
    print("\n".join(numpy_counterexample()))
    if args.sympy_matrix_rank:
        print("\n".join(sympy_matrix_rank_note()))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
