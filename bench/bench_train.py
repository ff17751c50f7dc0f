"""Benchmarks for exact training (issue 7, item 8): naive Algorithm 1 vs the branch-and-bound vs the MILP.

Same instances, same run.  Instances are *planted with noise*: labels of a fixed rational 2-unit
ReLU network on points with coordinates in {-2, -9/5, ..., 2}, plus noise in {-3/10, ..., 3/10}
(seeded, reproducible).  Every run that does not finish within its time limit is reported as
such (``> LIMIT``); the enumeration's partial progress then comes from its checkpoint.

Run ``python bench/bench_train.py`` (``--quick`` for a smaller table).  Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import pickle
import platform
import random
import sys
import tempfile
import time
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from exactnets.train import TrainProblem, train  # noqa: E402


def planted(count: int, dim: int, seed: int, noise: int = 3) -> TrainProblem:
    rng = random.Random(seed)
    points = [[F(rng.randint(-10, 10), 5) for _ in range(dim)] for _ in range(count)]
    units = [[F(rng.randint(-4, 4), 2) for _ in range(dim + 1)] for _ in range(2)]
    labels = []
    for p in points:
        z = [max(F(0), sum(a * x for a, x in zip(u, p)) + u[-1]) for u in units]
        labels.append(z[0] - z[1] + F(rng.randint(-noise, noise), 10))
    return TrainProblem(points, labels, width=2, loss="l1")


def _worker(method, problem, kwargs, queue):
    started = time.perf_counter()
    result = train(problem, method=method, **kwargs)
    queue.put((result.objective, result.solved, result.naive, result.certified, time.perf_counter() - started))


def timed(method: str, problem: TrainProblem, limit: float, **kwargs):
    """``(objective, solved, naive, certified, seconds)`` or ``None`` past ``limit`` seconds."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_worker, args=(method, problem, kwargs, queue))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.kill()
        process.join()
        return None
    return queue.get()


def fmt(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--limit", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--naive-limit", type=float, default=400.0, help="seconds for a naive run")
    parser.add_argument("--big-limit", type=float, default=600.0, help="seconds for the D = 40 run")
    parser.add_argument("--sizes", default="8,10,12,14", help="D values of the naive comparison (comma-separated)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the D = 40 run")
    parser.add_argument("--sections", default="1,2,3", help="which tables: 1 naive comparison, 2 growth, 3 D = 40")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print()

    sections = {int(v) for v in args.sections.split(",")}

    # 1. naive vs enumeration vs MILP where the naive enumeration finishes
    if 1 in sections:
        _naive_table(args)
    if 2 in sections:
        _growth_table(args)
    if 3 in sections:
        _big_run(args)


def _naive_table(args) -> None:
    print("### n = 2, w = 2, l1 loss: naive Algorithm 1 vs branch-and-bound vs MILP (same instance)")
    print()
    print("| D | method | objective | convex solves | seconds | certified |")
    print("|---|---|---|---|---|---|")
    sizes = [int(v) for v in args.sizes.split(",")]
    for count in sizes:
        problem = planted(count, 2, seed=count)
        rows = {}
        for method, kwargs in (("naive", {}), ("enumerate", {}), ("milp", {"box": 100})):
            rows[method] = timed(method, problem, args.naive_limit if method == "naive" else args.limit, **kwargs)
        for method, row in rows.items():
            if row is None:
                limit = args.naive_limit if method == "naive" else args.limit
                print(f"| {count} | {method} | - | - | > {limit:.0f} | - |")
                continue
            objective, solved, naive, certified, seconds = row
            print(f"| {count} | {method} | {objective} | {solved} | {seconds:.2f} | {certified} |")
        if rows["naive"] and rows["enumerate"]:
            print(f"| {count} | ratio naive/enumerate | | {rows['naive'][1] / rows['enumerate'][1]:.1f}x fewer | "
                  f"{rows['naive'][4] / rows['enumerate'][4]:.1f}x faster | |")
    print()



def _growth_table(args) -> None:
    # 2. growth with D for n = 1, 2, 3
    print("### growth with D (w = 2, l1 loss; enumeration certified exactly, MILP box 100)")
    print()
    print("| n | D | objective | enumerate solves | enumerate s | MILP s | naive count |")
    print("|---|---|---|---|---|---|---|")
    grid = {1: [8, 16, 24], 2: [8, 12, 16], 3: [6, 8, 10]} if args.quick else \
        {1: [8, 16, 24, 32, 40], 2: [8, 12, 16, 20], 3: [6, 8, 10, 12]}
    for dim, counts in grid.items():
        for count in counts:
            problem = planted(count, dim, seed=100 * dim + count)
            enum = timed("enumerate", problem, args.limit)
            milp = timed("milp", problem, args.limit, box=100)
            if enum is None:
                print(f"| {dim} | {count} | - | - | > {args.limit:.0f} | {fmt(milp[4]) if milp else '> %d' % args.limit} | - |")
                continue
            agree = "" if milp is None or milp[0] == enum[0] else " (MILP differs!)"
            print(f"| {dim} | {count} | {enum[0]}{agree} | {enum[1]} | {enum[4]:.2f} | "
                  f"{f'{milp[4]:.2f}' if milp else f'> {args.limit:.0f}'} | {enum[2]} |")
    print()



def _big_run(args) -> None:
    # 3. the D = 40 goal, with a checkpoint to report partial progress
    print("### D = 40, n = 2, w = 2, l1 loss (goal: certified in <= 120 s on 2 cores)")
    print()
    problem = planted(40, 2, seed=40)
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = os.path.join(folder, "run.ckpt")
        row = timed("enumerate", problem, args.big_limit, workers=args.workers, checkpoint=checkpoint)
        if row is None:
            state = pickle.loads(open(checkpoint, "rb").read())["state"] if os.path.exists(checkpoint) else {}
            finished = state.get("finished", {})
            solved = sum(entry[1].solved for entry in finished.values())
            print(f"not finished in {args.big_limit:.0f} s ({args.workers} workers): {len(finished)} of 40 suffix "
                  f"searches (Russian doll) done, {solved} convex solves in them; the longest finished suffix has "
                  f"{40 - min(finished) if finished else 0} points")
        else:
            print(f"objective {row[0]}, {row[1]} convex solves, {row[4]:.1f} s ({args.workers} workers), "
                  f"certified {row[3]}")
    milp = timed("milp", problem, args.big_limit, box=100)
    print(f"MILP (box 100): {'> %d s' % args.big_limit if milp is None else f'objective {milp[0]}, {milp[4]:.1f} s'}")


if __name__ == "__main__":
    main()
