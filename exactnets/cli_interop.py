"""The ``convert`` and ``verify`` commands (parse, call, print; see :mod:`exactnets.cli`).

``exactnets.cli`` calls :func:`register` with its subparsers object.

* ``exactnets convert IN OUT`` -- between ``.json`` (exactnets.network/1) and ``.onnx``; floats
  are read at their exact binary values (``--round-decimals K`` rounds on purpose and says so);
  rationals that the float type cannot hold are refused unless ``--allow-rounding``.
* ``exactnets verify NET PROP.vnnlib`` -- a VNN-COMP property answered exactly: ``sat`` with a
  replayed witness (exit 1), ``unsat`` (exit 0), ``unknown``/``timeout`` (exit 3).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from exactnets.errors import InputError

from exactnets.cli_common import EXIT_OK, int_at_least

__all__ = ["register"]




def _cmd_convert(args: argparse.Namespace) -> int:
    from exactnets.io.loader import load_network, save_network
    from exactnets.rational import format_rational

    source, target = args.input, args.output
    if os.path.abspath(source) == os.path.abspath(target):
        raise InputError(f"{target}: the output file is the input file; choose another name")
    in_onnx = source.lower().endswith(".onnx")
    out_onnx = target.lower().endswith(".onnx")
    if args.round_decimals is not None and not in_onnx:
        raise InputError("--round-decimals applies when reading an .onnx file (JSON numbers are exact as written)")
    if (args.allow_rounding or args.dtype != "float64") and not out_onnx:
        raise InputError("--allow-rounding and --dtype apply when writing an .onnx file (JSON keeps every rational)")
    net = load_network(source, round_decimals=args.round_decimals)
    notes = []
    onnx_meta = net.meta.get("onnx") if isinstance(net.meta.get("onnx"), dict) else None
    if args.round_decimals is not None and onnx_meta and "round_decimals" in onnx_meta:
        notes.append(f"rounded {onnx_meta['rounded_values']} stored value(s) of {source} to {args.round_decimals} "
                     f"decimals (--round-decimals); largest change {onnx_meta['max_rounding_change']}")
    elif in_onnx:
        notes.append(f"read every float of {source} at its exact binary value")
    report = save_network(net, target, dtype=args.dtype, allow_rounding=args.allow_rounding)
    if report is not None:
        notes.append(report.summary())
    if args.json:
        out: dict[str, Any] = {"input": source, "output": target, "widths": list(net.widths),
                               "activations": [layer.activation for layer in net.layers]}
        if report is not None:
            out["rounding"] = {"dtype": report.dtype, "rounded": report.rounded,
                               "max_error": format_rational(report.max_error), "where": report.where}
        if args.round_decimals is not None and onnx_meta and "round_decimals" in onnx_meta:
            out["read_rounding"] = {"decimals": args.round_decimals, "rounded": onnx_meta["rounded_values"],
                                    "max_change": onnx_meta["max_rounding_change"]}
        print(json.dumps(out))
    else:
        widths = " -> ".join(str(w) for w in net.widths)
        print(f"wrote {target}: {widths} ({', '.join(layer.activation for layer in net.layers)})")
        for note in notes:
            print(note)
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from exactnets.io.loader import load_network
    from exactnets.io.vnnlib import read_vnnlib
    from exactnets.verify.vnnlib_query import verify_property

    if args.timeout is not None and args.timeout <= 0:
        raise InputError(f"--timeout must be a positive number of seconds (got {args.timeout})")
    if args.json and args.vnncomp:
        raise InputError("give --json or --vnncomp, not both")
    net = load_network(args.network)
    prop = read_vnnlib(args.property)
    try:
        result = verify_property(net, prop, timeout=args.timeout)
    except KeyboardInterrupt:
        if args.vnncomp:  # the competition's word for a run that was stopped
            print("timeout")
        raise
    if args.vnncomp:
        print(result.vnncomp())
    elif args.json:
        print(json.dumps(result.to_json()))
    else:
        print(result.summary())
    return result.exit_code


def register(commands: Any) -> None:
    """Add ``convert`` and ``verify`` to the subparsers object of :func:`exactnets.cli.build_parser`."""
    cv = commands.add_parser("convert", help="convert a network between .json and .onnx, exactly")
    cv.add_argument("input", metavar="IN", help="a .json or .onnx network file")
    cv.add_argument("output", metavar="OUT", help="the .json or .onnx file to write")
    cv.add_argument("--round-decimals", type=int_at_least(0, "--round-decimals"), metavar="K",
                    help="reading ONNX: round every stored float to K decimals (default: its exact binary value)")
    cv.add_argument("--allow-rounding", action="store_true",
                    help="writing ONNX: store the nearest float where a weight is not one (reports the largest error)")
    cv.add_argument("--dtype", default="float64", choices=("float64", "float32"), help="writing ONNX: the weight type")
    cv.add_argument("--json", action="store_true", help="print a JSON summary")
    cv.set_defaults(run=_cmd_convert)

    vf = commands.add_parser("verify", help="answer a VNN-LIB property about a network exactly (sat/unsat)")
    vf.add_argument("network", metavar="NET", help="a .json or .onnx network file")
    vf.add_argument("property", metavar="PROP.vnnlib", help="a VNN-LIB 1.0 property file")
    vf.add_argument("--timeout", type=float, metavar="SECONDS", help="give up with 'timeout' (exit 3) after this long")
    vf.add_argument("--json", action="store_true", help="print the answer and the exact witness as JSON")
    vf.add_argument("--vnncomp", action="store_true",
                    help="print the competition's words: sat (with the assignment), unsat, unknown, timeout")
    vf.set_defaults(run=_cmd_verify)
