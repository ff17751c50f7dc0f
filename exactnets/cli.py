"""The ``exactnets`` command: parse, call, print, exit code — nothing more.

Exit codes, for every subcommand:

=====  =====================================================
0      success / proved
1      refuted (a counterexample was found and replayed)
2      usage or input error (one message on stderr, no traceback)
3      unknown (timeout, size: the message says why)
4      internal error: an exactness check inside exactnets failed (a bug; please report it)
130    interrupted (Ctrl-C); partial output files are removed
=====  =====================================================
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from typing import Any, NoReturn

from exactnets.errors import ExactnetsError, InputError

from exactnets.cli_common import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_REFUTED, EXIT_UNKNOWN, EXIT_USAGE


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _version() -> str:
    try:
        return metadata.version("exactnets")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def _progress(total: int, description: str, enabled: bool):
    """A tqdm bar on stderr (only when stderr is a terminal and the run is long enough to matter)."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=description, unit="pt", unit_scale=True, disable=None if enabled else True,
               file=sys.stderr, leave=False)

    def update(done: int, _total: int) -> None:
        bar.update(done - bar.n)

    return bar, update


# -- show ------------------------------------------------------------------------------------------

def _cmd_show(args: argparse.Namespace) -> int:
    from exactnets.io import load_network
    from exactnets.rational import common_denominator, format_rational

    net = load_network(args.network)
    print(f"network   {net.name or '(unnamed)'}  [{args.network}]")
    print(f"inputs    {net.input_dim}")
    print(f"outputs   {net.output_dim}")
    print(f"depth     {net.depth} affine layers ({net.hidden_layers} hidden)")
    print(f"size      {net.size} hidden units")
    print("layers")
    for index, layer in enumerate(net.layers):
        entries = [w for row in layer.weights for w in row] + list(layer.bias)
        largest = max((abs(v) for v in entries), default=0)
        nonzero = sum(1 for row in layer.weights for w in row if w != 0)
        print(f"  [{index}] {layer.activation:<9} {layer.out_dim:>4} x {layer.in_dim:<4}  nonzero weights {nonzero:>6}"
              f"  largest |entry| {format_rational(largest)}  common denominator {common_denominator(entries)}")
    if net.meta:
        print(f"meta      {json.dumps(dict(net.meta), sort_keys=True)}")
    return EXIT_OK


# -- eval ------------------------------------------------------------------------------------------

def _parse_point(text: str) -> list[Any]:
    parts = [p.strip() for p in text.split(",")] if text.strip() else []
    if any(p == "" for p in parts):
        raise InputError(f"--at {text!r}: empty coordinate; write numbers separated by commas, e.g. --at 1/2,-3,0")
    return parts


def _cmd_eval(args: argparse.Namespace) -> int:
    from exactnets.evaluate import evaluate, iter_cube_chunks
    from exactnets.io import load_network
    from exactnets.io.evaluations import atomic_output, write_cube_evaluation
    from exactnets.rational import as_rational, format_rational

    if (args.at is None) == (args.cube is None):
        raise InputError("give exactly one of --at POINT or --cube pm1|01")
    net = load_network(args.network)
    if args.at is not None:
        if args.out:
            raise InputError("--out goes with --cube; --at prints its outputs")
        point = [as_rational(v, what=f"--at coordinate {j + 1}") for j, v in enumerate(_parse_point(args.at))]
        if len(point) != net.input_dim:
            raise InputError(f"--at has {len(point)} coordinates but {args.network} has {net.input_dim} inputs")
        outputs = [format_rational(v) for v in evaluate(net, point)]
        if args.json:
            print(json.dumps({"outputs": outputs}))
        else:
            print("\n".join(outputs))
        return EXIT_OK
    if args.json:
        raise InputError("--json goes with --at; --cube writes CSV")
    chunk_bits = 12
    started = time.perf_counter()
    bar, update = _progress(2**net.input_dim, f"eval {args.cube} cube", enabled=net.input_dim >= 16)
    try:
        with atomic_output(args.out) as stream:
            chunks = iter_cube_chunks(net, args.cube, chunk_bits=chunk_bits, progress=update)
            lines = write_cube_evaluation(stream, chunks, net.input_dim, net.output_dim, args.cube, chunk_bits)
    finally:
        bar.close()
    if args.out and args.out != "-":
        print(f"wrote {lines} points to {args.out} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return EXIT_OK


# -- equiv -----------------------------------------------------------------------------------------

def _parse_domain(spec: str, dim: int):
    from exactnets.domains import BooleanCube, Box, Reals
    from exactnets.io import read_polytope

    kind, _, rest = spec.partition(":")
    if kind in ("cube", "cube01", "reals") and not rest:
        return {"cube": lambda: BooleanCube(dim, "pm1"), "cube01": lambda: BooleanCube(dim, "01"),
                "reals": lambda: Reals(dim)}[kind]()
    if kind == "box":
        bounds = [part.strip() for part in rest.split(",")]
        if len(bounds) != 2 or not all(bounds):
            raise InputError(f"--domain {spec!r}: write box:LO,HI, e.g. box:-1,1 (every coordinate in [LO, HI]); "
                             f"for a box with different bounds per coordinate use a polytope file")
        return Box.uniform(dim, bounds[0], bounds[1])
    if kind == "polytope" and rest:
        polytope = read_polytope(rest)
        if polytope.dim != dim:
            raise InputError(f"{rest}: the polytope has dimension {polytope.dim} but the networks read {dim} inputs")
        return polytope
    if kind == "vnnlib" and rest:
        from exactnets.io.vnnlib import read_vnnlib

        box = read_vnnlib(rest).input_box()  # the property's input bounds, each decimal read exactly
        if box.dim != dim:
            raise InputError(f"{rest}: the property declares {box.dim} inputs but the networks read {dim}")
        return box
    raise InputError(f"unknown --domain {spec!r}; expected cube, cube01, box:LO,HI, reals, polytope:FILE or vnnlib:FILE")


def _cmd_equiv(args: argparse.Namespace) -> int:
    from exactnets.io import load_network
    from exactnets.verify.equivalence import check_equivalence

    f, g = load_network(args.first), load_network(args.second)
    if f.input_dim != g.input_dim:
        raise InputError(f"{args.first} reads {f.input_dim} inputs but {args.second} reads {g.input_dim}")
    if f.output_dim != g.output_dim:
        raise InputError(f"{args.first} has {f.output_dim} outputs but {args.second} has {g.output_dim}")
    domain = _parse_domain(args.domain, f.input_dim)
    if args.timeout is not None and args.timeout <= 0:
        raise InputError(f"--timeout must be a positive number of seconds (got {args.timeout})")
    bar, update = _progress(0, "equiv", enabled=not args.json)
    try:
        def progress(done: int, total: int) -> None:
            if bar.total != total:
                bar.reset(total=total)
            update(done, total)

        result = check_equivalence(f, g, domain, args.mode, method=args.method, timeout=args.timeout, progress=progress)
    finally:
        bar.close()
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(result.summary())
    return result.exit_code


# -- prove -----------------------------------------------------------------------------------------

def _cmd_prove(args: argparse.Namespace) -> int:
    from proofs import run_claims, select_claims

    claims = select_claims(args.claim, args.paper)
    width = max((len(claim.id) for claim in claims), default=0)
    if args.list:
        for claim in claims:
            print(f"{claim.id:<{width}}  {claim.paper:<5} {claim.expect:<10} {claim.statement}")
        return EXIT_OK
    statements = {claim.id: claim.statement for claim in claims}

    def show(entry: dict[str, Any]) -> None:
        # two lines per claim: verdict, id, instances, seconds and the statement; then how it was decided
        evidence = entry["evidence"]
        how = evidence.get("method") or evidence.get("reason") or ""
        if "counterexample" in evidence:
            how = f"counterexample ({', '.join(evidence['counterexample'])})" + (
                f": {evidence['reason']}" if evidence.get("reason") else "")
        how = "; ".join(part.strip() for part in how.splitlines() if part.strip())  # one line per claim
        instances = "" if entry["instances"] is None else str(entry["instances"])
        mark = "  <-- not the expected verdict" if not entry["ok"] else ""
        stream = sys.stderr if args.json else sys.stdout
        print(f"{entry['verdict']:<19} {entry['id']:<{width}} {instances:>6} {entry['seconds']:>7.2f}s  "
              f"{statements.get(entry['id'], '')}{mark}", file=stream)
        print(f"{'':<19} {'':<{width}} {'':>6} {'':>8}   {how}", file=stream, flush=True)

    report = run_claims(claims, full=not args.quick, echo=show)
    if args.report:
        from exactnets.io.evaluations import atomic_output

        with atomic_output(args.report) as stream:
            json.dump(report, stream, indent=2)
            stream.write("\n")
    if args.json:
        print(json.dumps({"ok": report["ok"], "claims": [
            {key: entry[key] for key in ("id", "verdict", "instances", "seconds", "evidence")} for entry in report["claims"]]}))
    else:
        counts = ", ".join(f"{n} {word}" for word, n in sorted(report["counts"].items()))
        print(f"\n{len(report['claims'])} claims: {counts} ({report['seconds']:.1f} s, {report['mode']} sizes)"
              f" -- {'all as expected' if report['ok'] else 'NOT all as expected'}")
    if report["ok"]:
        return EXIT_OK
    words = {entry["verdict"] for entry in report["claims"] if not entry["ok"]}
    return EXIT_REFUTED if words & {"refuted", "proved"} else EXIT_UNKNOWN


# -- the parser ----------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="exactnets", description="Exact answers about ReLU and threshold networks.",
                     epilog="Exit codes: 0 proved/success, 1 refuted, 2 usage or input error, 3 unknown.")
    parser.add_argument("--version", action="version", version=f"exactnets {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    show = commands.add_parser("show", help="a readable summary of a network file")
    show.add_argument("network", metavar="NET", help="a .json (exactnets.network/1) or .onnx network file")
    show.set_defaults(run=_cmd_show)

    ev = commands.add_parser("eval", help="exact outputs at a point or over the whole Boolean cube")
    ev.add_argument("network", metavar="NET", help="a .json or .onnx network file")
    ev.add_argument("--at", metavar="X1,X2,...", help="one point, e.g. --at 1/2,-3,0 (decimals are read exactly)")
    ev.add_argument("--json", action="store_true", help='with --at: print {"outputs": ["p/q", ...]}')
    ev.add_argument("--cube", choices=("pm1", "01"), help="every point of {-1,1}^n (pm1) or {0,1}^n (01)")
    ev.add_argument("--out", metavar="FILE", help="with --cube: CSV file to write (default: standard output)")
    ev.set_defaults(run=_cmd_eval)

    eq = commands.add_parser("equiv", help="do two networks compute the same function / decision on a domain?")
    eq.add_argument("first", metavar="F", help="a .json or .onnx network file")
    eq.add_argument("second", metavar="G", help="a .json or .onnx network file")
    eq.add_argument("--domain", default="cube", metavar="DOMAIN",
                    help="cube ({-1,1}^n, default), cube01 ({0,1}^n), box:LO,HI, reals, polytope:FILE, "
                         "vnnlib:FILE (the input box of a VNN-LIB property)")
    eq.add_argument("--mode", default="function", metavar="MODE",
                    help="function (default), decision (same sign, sgn(0)=+1), epsilon:EPS, argmax (ties to the lowest index)")
    eq.add_argument("--method", default="auto", choices=("auto", "enumerate", "canonical", "dnf", "regions", "z3"))
    eq.add_argument("--timeout", type=float, metavar="SECONDS", help="give up with verdict unknown (exit 3) after this long")
    eq.add_argument("--json", action="store_true", help="print the verdict as JSON")
    eq.set_defaults(run=_cmd_equiv)

    from exactnets import cli_construct, cli_interop, cli_plot, cli_rank, cli_train

    cli_construct.register(commands)
    cli_rank.register(commands)
    cli_train.register(commands)
    cli_interop.register(commands)
    cli_plot.register(commands)

    prove = commands.add_parser("prove", help="check the papers' claims exactly (the main job)")
    prove.add_argument("--quick", action="store_true", help="a representative subset of sizes (what CI runs)")
    prove.add_argument("--claim", "--only", dest="claim", action="append", metavar="ID",
                       help="only claims whose id starts with ID (repeatable)")
    prove.add_argument("--paper", action="append", metavar="PAPER", help="only claims of MB, MS, VS, PS or ABMM (repeatable)")
    prove.add_argument("--list", action="store_true", help="list the claims and exit")
    prove.add_argument("--json", action="store_true", help='print {"ok": ..., "claims": [...]} (progress goes to stderr)')
    prove.add_argument("--report", metavar="FILE", help="save every verdict with its evidence as JSON")
    prove.set_defaults(run=_cmd_prove)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except InputError as error:
        print(f"exactnets {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"exactnets {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `exactnets eval ... | head`
        sys.stderr.close()
        return EXIT_OK
    except ExactnetsError as error:
        print(f"exactnets {args.command}: internal error: {error}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
