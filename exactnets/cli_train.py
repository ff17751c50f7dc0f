"""The ``train`` and ``verify-train`` commands (parse, call, print; see :mod:`exactnets.cli`).

``exactnets.cli`` calls :func:`register` with its subparsers object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from exactnets.errors import InputError

from exactnets.cli_common import EXIT_INTERRUPTED, EXIT_OK, EXIT_REFUTED, EXIT_UNKNOWN, int_at_least

__all__ = ["register"]




def _load_problem(args: argparse.Namespace):
    from exactnets.io import read_dataset
    from exactnets.train import TrainProblem

    data = read_dataset(args.data)
    if len(data) == 0:
        raise InputError(f"{args.data}: line 2: no data rows (D = 0); training needs at least one point")
    if args.loss == "hinge":
        for index, label in enumerate(data.labels):
            if label not in (1, -1):
                # every data row is one line (numbers cannot hold line breaks); the header is line 1
                raise InputError(f"{args.data}: line {index + 2}, column {data.y_name!r}: the hinge loss needs labels "
                                 f"+1 or -1 (got {label})")
    return TrainProblem.from_dataset(data, args.width, args.loss, args.output_bias, args.weight_decay or 0)


def _cmd_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from exactnets.io.network_json import write_network
    from exactnets.rational import format_rational
    from exactnets.train import TrainInterrupted, train, write_certificate

    problem = _load_problem(args)
    if args.scheduler and args.workers is not None:
        raise InputError("give --workers or --scheduler, not both")
    # local worker processes by default: one per CPU (the answer does not depend on the count)
    workers = 1 if args.scheduler else (args.workers or os.cpu_count() or 1)
    bar = tqdm(total=0, desc="train", unit="suffix", file=sys.stderr, disable=None if not args.json else True,
               leave=False)

    def progress(done: int, total: int, incumbent) -> None:
        if bar.total != total:
            bar.reset(total=total)
        bar.n = done
        bar.set_postfix_str(f"incumbent {float(incumbent):.6g}")
        bar.refresh()

    try:
        result = train(problem, method=args.method, workers=workers, scheduler=args.scheduler,
                       checkpoint=args.checkpoint, progress=progress, box=args.box,
                       certify=bool(args.certificate) and args.method == "milp")
    except TrainInterrupted as stop:
        bar.close()
        print(f"exactnets train: {stop}", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        bar.close()
    if args.out:
        write_network(result.network, args.out)
    if args.certificate:
        if result.certificate is None:
            raise InputError(f"--certificate: the {result.method} method produces no certificate; use --method enumerate "
                             f"or milp (without weight decay)")
        write_certificate(result.certificate, args.certificate)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(f"objective   {format_rational(result.objective)}  (~{float(result.objective):.6g}, {problem.loss} loss, "
              f"exact replay of the network)")
        print(f"method      {result.method}")
        print(f"certified   {result.certified}")
        print(f"subproblems {result.solved} solved (naive Algorithm 1: {result.naive or 'n/a'})")
        print(f"seconds     {result.seconds:.2f}")
        for note in result.notes:
            print(f"note        {note}")
        if args.out:
            print(f"network     written to {args.out}")
        if args.certificate:
            print(f"certificate written to {args.certificate}")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from exactnets.train import read_certificate, verify_certificate

    report = verify_certificate(read_certificate(args.certificate))
    if args.json:
        print(json.dumps(dict(report)))
    else:
        if report["valid"]:
            print(f"valid: the objective {report['objective']} is the global optimum "
                  f"({report['certified']}; {report['checked']} bounds checked)")
            if report["tolerance_nodes"]:
                print(f"{len(report['tolerance_nodes'])} bound(s) rest on solver tolerance, e.g. "
                      f"{', '.join(report['tolerance_nodes'][:5])}")
        else:
            print("INVALID certificate:")
            for problem in report["problems"]:
                print(f"  {problem}")
    if not report["valid"]:
        return EXIT_REFUTED
    return EXIT_OK if report["certified"] == "exact" else EXIT_UNKNOWN


def register(commands: Any) -> None:
    """Add ``train`` and ``verify-train`` to the subparsers object of :func:`exactnets.cli.build_parser`."""
    tr = commands.add_parser("train", help="the globally optimal 2-layer ReLU network for a data set, exactly")
    tr.add_argument("data", metavar="DATA.csv", help="CSV data: a header row, one row per point, the label last")
    tr.add_argument("--width", type=int_at_least(1, "--width"), required=True, metavar="W", help="number of hidden ReLU units")
    tr.add_argument("--loss", default="squared", choices=("squared", "l1", "linf", "hinge"))
    tr.add_argument("--output-bias", action="store_true", help="allow an output constant c (default: none, as in ABMM)")
    tr.add_argument("--weight-decay", metavar="LAMBDA", help="add (lambda/2) sum_i (|u_i|^2 + v_i^2) for the net sum_i v_i relu(u_i.(x,1)); "
                    "--method enumerate (any loss) or convex (squared); certified only up to solver tolerance")
    tr.add_argument("--method", default="auto", choices=("auto", "enumerate", "milp", "convex", "onedim", "naive"))
    tr.add_argument("--box", default="10", metavar="B", help="with --method milp: weights in [-B, B] (default 10)")
    tr.add_argument("--workers", type=int_at_least(1, "--workers"), default=None, metavar="N",
                    help="local worker processes (default: the number of CPUs)")
    tr.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
    tr.add_argument("--checkpoint", metavar="FILE", help="save progress here; rerun the same command to resume")
    tr.add_argument("--out", metavar="NET.json", help="write the network (exactnets.network/1)")
    tr.add_argument("--certificate", metavar="CERT.json", help="write the optimality certificate (enumerate; with milp the MILP's network seeds "
                    "the enumeration that proves it)")
    tr.add_argument("--json", action="store_true", help="print the result as one JSON object")
    tr.set_defaults(run=_cmd_train)

    vt = commands.add_parser("verify-train", help="re-check a training certificate exactly")
    vt.add_argument("certificate", metavar="CERT.json")
    vt.add_argument("--json", action="store_true", help="print the report as JSON")
    vt.set_defaults(run=_cmd_verify)
