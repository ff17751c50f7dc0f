"""``exactnets construct NAME ...``: build a paper's construction, write it, and check it exactly.

Parse, call, print, exit code -- nothing more.  Each construction prints what it built and the
verdict of the equivalence check it ran on the result; the exit code is the verdict's (0 proved,
1 refuted, 3 unknown; 2 for input errors, raised as :class:`~exactnets.errors.InputError`).
"""

from __future__ import annotations

import argparse
from typing import Any

from exactnets.errors import InputError

__all__ = ["register"]

from exactnets.cli_common import EXIT_REFUTED, EXIT_UNKNOWN


def _write(net, path: str | None) -> None:
    from exactnets.io import write_network

    if path:
        write_network(net, path)
        print(f"wrote     {path}")


def _describe(net) -> None:
    shape = " -> ".join(str(w) for w in net.widths)
    print(f"built     {net.name}")
    print(f"shape     {shape}  ({net.size} hidden units; activations {', '.join(net.activations)})")


def _report(result, what: str) -> int:
    print(f"check     {what}: {result.summary()}")
    return result.exit_code


def _check(f, g, domain, mode: str, timeout: float | None):
    from exactnets.verify.dnf import check

    return check(f, g, domain, mode, timeout=timeout)


def _numbers(text: str, what: str) -> list[str]:
    parts = [p.strip() for p in text.split(",")]
    if not text.strip() or any(p == "" for p in parts):
        raise InputError(f"{what} {text!r}: write numbers separated by commas, e.g. 1,-2,1/2")
    return parts


# -- the constructions ------------------------------------------------------------------------------

def _relu_to_threshold(args: argparse.Namespace) -> int:
    from exactnets.constructions.pan_srikumar import relu_to_threshold
    from exactnets.io import read_network

    net = read_network(args.network)
    built = relu_to_threshold(net, args.form)
    _describe(built)
    _write(built, args.out)
    return _report(_check(net, built, "reals", "decision", args.timeout), f"sgn({args.network}) = the {args.form.upper()} net over R^{net.input_dim}")


def _threshold_to_relu(args: argparse.Namespace) -> int:
    from exactnets.constructions.pan_srikumar import threshold_margin, threshold_to_relu
    from exactnets.domains import BooleanCube
    from exactnets.io import read_network
    from exactnets.verify.equivalence import check_equivalence

    net = read_network(args.network)
    margin = threshold_margin(net, args.cube) if args.margin is None else args.margin
    built = threshold_to_relu(net, margin, kind=args.cube)
    _describe(built)
    print(f"margin    {margin}")
    _write(built, args.out)
    result = check_equivalence(net, built, BooleanCube(net.input_dim, args.cube), "function", timeout=args.timeout)
    return _report(result, f"equal as functions on the {args.cube} cube")


def _ltf_to_relu(args: argparse.Namespace) -> int:
    from exactnets.constructions.mukherjee_basu import ltf_as_two_relus
    from exactnets.network import Layer, Network
    from exactnets.verify.equivalence import check_equivalence

    weights = _numbers(args.weights, "--weights")
    built = ltf_as_two_relus(weights, args.bias, args.p)
    spec = Network(len(weights), [Layer("ltf", [weights], [args.bias])])
    _describe(built)
    _write(built, args.out)
    return _report(check_equivalence(spec, built, "cube", "function", timeout=args.timeout),
                   "equal to the LTF on the {-1,1} cube")


def _circuit_to_relu(args: argparse.Namespace) -> int:
    from exactnets.constructions.vardi_shamir import threshold_circuit_to_relu
    from exactnets.domains import BooleanCube
    from exactnets.io import read_network
    from exactnets.verify.equivalence import check_equivalence

    net = read_network(args.network)
    built = threshold_circuit_to_relu(net, kind=args.cube)
    _describe(built)
    _write(built, args.out)
    result = check_equivalence(net, built, BooleanCube(net.input_dim, args.cube), "function", timeout=args.timeout)
    return _report(result, f"equal as functions on the {args.cube} cube")


def _max_net(args: argparse.Namespace) -> int:
    from exactnets.constructions.arora import max_net, verify_max

    built = max_net(args.n, include_zero=args.include_zero)
    _describe(built)
    _write(built, args.out)
    verdict = verify_max(built, include_zero=args.include_zero, timeout=args.timeout)
    what = f"max{{0, x_1..x_{args.n}}}" if args.include_zero else f"max{{x_1..x_{args.n}}}"
    print(f"check     equal to {what} on R^{args.n}: {verdict.summary()}")
    return verdict.exit_code


def _factorise(args: argparse.Namespace) -> int:
    from exactnets.constructions.pan_srikumar import factorise
    from exactnets.io import read_network

    net = read_network(args.network)
    found = factorise(net, timeout=args.timeout)
    if not found.found:
        print(f"no factorisation: {found.reason}")
        return EXIT_UNKNOWN if found.reason.startswith("undecided") else EXIT_REFUTED
    print(f"found     V = U T_{len(found.u)} up to permutation and positive scaling")
    print(f"w0        {found.w0}")
    print("units     " + "; ".join(f"c_{j} = {c} -> column {s}" for j, (c, s) in enumerate(zip(found.scale, found.subset_of_unit))))
    _describe(found.relu_net)
    _write(found.relu_net, args.out)
    return _report(_check(net, found.relu_net, "reals", "decision", args.timeout), "same decision over R^d")


def _compress(args: argparse.Namespace) -> int:
    from exactnets.constructions.pan_srikumar import compress_three_to_two
    from exactnets.io import read_network

    net = read_network(args.network)
    built = compress_three_to_two(net)
    _describe(built)
    print(f"p, q, r   {built.meta['p']}, {built.meta['q']}, {built.meta['r']}")
    _write(built, args.out)
    return _report(_check(net, built, "reals", "decision", args.timeout), f"same decision over R^{net.input_dim}")


def _neural_gate(args: argparse.Namespace) -> int:
    from exactnets.boolean.circuits import GATE_NAMES, Gate
    from exactnets.constructions.malach_shalev_shwartz import neural_gate
    from exactnets.verify.enumerate import check_against_table

    names = {name.lower(): code for code, name in GATE_NAMES.items()}
    text = args.gate.strip().lower()
    if text in names:
        code = names[text]
    elif text.isdigit() and 0 <= int(text) < 16:
        code = int(text)
    else:
        raise InputError(f"--gate {args.gate!r}: give a gate code 0..15 or a name ({', '.join(sorted(names))})")
    gate = Gate.from_code(code)
    built = neural_gate(gate)
    _describe(built)
    _write(built, args.out)
    verdict = check_against_table(built, list(gate.values))
    print(f"check     equal to {gate.name} on {{-1,1}}^2: {verdict.summary()}")
    return verdict.exit_code


def register(commands: Any) -> argparse.ArgumentParser:
    """Add the ``construct`` subcommand to the subparsers object of :mod:`exactnets.cli`."""
    construct = commands.add_parser("construct", help="build a paper's construction, write it, and check it exactly")
    names = construct.add_subparsers(dest="construction", metavar="NAME", parser_class=type(construct))
    construct.set_defaults(run=lambda args: (construct.print_help(), 2)[1])

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--out", metavar="OUT.json", help="write the constructed network here")
        parser.add_argument("--timeout", type=float, metavar="SECONDS", help="time limit of the check (unknown after it)")

    p = names.add_parser("relu-to-threshold", help="PS Thm 1 / Sec 3.1: a 2-layer ReLU net as a 3-layer threshold net")
    p.add_argument("network", metavar="NET.json")
    p.add_argument("--form", choices=("dnf", "cnf"), default="dnf")
    common(p)
    p.set_defaults(run=_relu_to_threshold)

    p = names.add_parser("threshold-to-relu", help="PS Lemma 1: a 2-layer threshold net as a ReLU net with 2n units")
    p.add_argument("network", metavar="NET.json")
    p.add_argument("--margin", metavar="EPS", help="margin (default: computed exactly on the cube)")
    p.add_argument("--cube", choices=("pm1", "01"), default="pm1")
    common(p)
    p.set_defaults(run=_threshold_to_relu)

    p = names.add_parser("ltf-to-relu", help="MB Claim 5: an LTF on {-1,1}^n as 2 ReLUs")
    p.add_argument("--weights", required=True, metavar="A1,A2,...")
    p.add_argument("--bias", required=True, metavar="B")
    p.add_argument("--p", metavar="P", help="the gap (default: computed exactly on the cube)")
    common(p)
    p.set_defaults(run=_ltf_to_relu)

    p = names.add_parser("circuit-to-relu", help="VS gadget: a threshold circuit (any depth) as a ReLU net")
    p.add_argument("network", metavar="CIRCUIT.json")
    p.add_argument("--cube", choices=("pm1", "01"), default="pm1")
    common(p)
    p.set_defaults(run=_circuit_to_relu)

    p = names.add_parser("max-net", help="ABMM Thm 2.1: max of n inputs with ceil(log2 n) hidden layers")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--include-zero", action="store_true", help="max{0, x_1..x_n}, ceil(log2(n+1)) hidden layers")
    common(p)
    p.set_defaults(run=_max_net)

    p = names.add_parser("factorise", help="PS Lemma 3: factor a disjunctive threshold net as V = U T_n")
    p.add_argument("network", metavar="THRESHOLD.json")
    common(p)
    p.set_defaults(run=_factorise)

    p = names.add_parser("compress-3to2", help="PS Sec 3.3: an OR of 3 threshold units as 2 ReLUs")
    p.add_argument("network", metavar="THRESHOLD.json")
    common(p)
    p.set_defaults(run=_compress)

    p = names.add_parser("neural-gate", help="MS: the width-4 neural gate of a 2-input gate")
    p.add_argument("--gate", required=True, metavar="CODE|NAME")
    common(p)
    p.set_defaults(run=_neural_gate)
    return construct
