"""The ``plot`` command (parse, call, print; see :mod:`exactnets.cli`).

``exactnets.cli`` calls :func:`register` with its subparsers object.
"""

from __future__ import annotations

import argparse
import os
import re
from typing import Any

from exactnets.errors import InputError

from exactnets.cli_common import EXIT_OK, int_at_least

__all__ = ["register"]




def _parse_box(text: str) -> list[Any]:
    from exactnets.rational import as_rational

    parts = [p.strip() for p in text.split(",")]
    if any(p == "" for p in parts) or len(parts) not in (2, 4):
        raise InputError(f"--box {text!r}: expected LO,HI (the same bounds for every input) or LO1,HI1,LO2,HI2, "
                         f"e.g. --box -1,1 or --box -2,2,0,1/2")
    bounds = [as_rational(p, what=f"--box bound {k + 1}") for k, p in enumerate(parts)]
    for k in range(0, len(bounds), 2):
        if bounds[k] >= bounds[k + 1]:
            which = "" if len(bounds) == 2 else f" for input {k // 2 + 1}"
            raise InputError(f"--box {text!r}: the interval{which} [{parts[k]}, {parts[k + 1]}] is "
                             f"{'empty' if bounds[k] > bounds[k + 1] else 'a single point'}; give LO < HI")
    return bounds


def _load(path: str):
    # The ONNX-aware loader is used when it is installed; JSON networks load either way.
    try:
        from exactnets.io.loader import load_network
    except ModuleNotFoundError as missing:
        if missing.name != "exactnets.io.loader":  # the loader exists but is broken: say so
            raise
        from exactnets.io import read_network as load_network
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    return load_network(path)


def _cmd_plot(args: argparse.Namespace) -> int:
    from exactnets.plot import MAX_CUBE_BITS, check_output_path, plot_network

    check_output_path(args.out, what="--out")
    box = _parse_box(args.box) if args.box is not None else None
    net = _load(args.network)
    if args.output is not None and args.output >= net.output_dim:
        raise InputError(f"--output {args.output}: {args.network} has {net.output_dim} output"
                         f"{'s' if net.output_dim != 1 else ''} (0..{net.output_dim - 1})")
    if args.cube is not None:
        if box is not None:
            raise InputError("give --box or --cube, not both: a cube picture has no box")
        if net.input_dim > MAX_CUBE_BITS:
            raise InputError(f"--cube: {args.network} has {net.input_dim} inputs; a cube picture has at most "
                             f"{MAX_CUBE_BITS} bits (2^{MAX_CUBE_BITS} cells)")
        if args.split is not None and args.split > net.input_dim:
            raise InputError(f"--split {args.split}: {args.network} has {net.input_dim} inputs; give 0..{net.input_dim}")
    else:
        if args.split is not None:
            raise InputError("--split goes with --cube (it splits the cube's bits into rows and columns)")
        if args.sign:
            raise InputError("--sign goes with --cube (region plots always show the sign as the decision boundary)")
        if net.input_dim not in (1, 2):
            raise InputError(f"{args.network} has {net.input_dim} inputs; plot draws a graph for 1 input, regions for 2, "
                             f"or with --cube pm1|01 a truth table of up to {MAX_CUBE_BITS} inputs")
        if net.input_dim == 1 and box is not None and len(box) != 2:
            raise InputError(f"--box: {args.network} has 1 input; give one interval LO,HI")
    result = plot_network(net, args.out, box=box, cube=args.cube, split=args.split, output=args.output, sign=args.sign,
                          colour_by=args.colour_by,
                          title=args.title if args.title is not None else (net.name or os.path.basename(args.network)),
                          dpi=args.dpi)
    print(result.summary())
    print(result.caption)
    return EXIT_OK


def register(commands: Any) -> None:
    """Add ``plot`` to the subparsers object of :func:`exactnets.cli.build_parser`."""
    pl = commands.add_parser(
        "plot", help="draw a network exactly: 1-D graph with breakpoints, 2-D regions and decision boundary, cube table",
        description="1 input: the graph of each output, exact breakpoints marked. 2 inputs: the exact linear regions "
                    "over a box and the decision boundary (sgn, sgn(0)=+1). --cube: the truth table as a "
                    "communication matrix (rows: the first --split bits, MSB first).")
    pl.add_argument("network", metavar="NET", help="a network file (.json; .onnx where supported)")
    pl.add_argument("--out", required=True, metavar="FILE", help="the picture to write: .png, .svg or .pdf")
    pl.add_argument("--box", metavar="LO,HI|LO1,HI1,LO2,HI2",
                    help="the interval (1 input) or box (2 inputs; default -1,1); exact numbers such as 1/2 or -0.25 "
                         "(--box=-2,2 also works)")
    pl.add_argument("--cube", choices=("pm1", "01"), help="draw the function on {-1,1}^n (pm1) or {0,1}^n (01), n <= 16")
    pl.add_argument("--split", type=int_at_least(0, "--split"), metavar="K",
                    help="with --cube: rows are the first K bits (default n // 2)")
    pl.add_argument("--sign", action="store_true", help="with --cube: draw sgn(output) (sgn(0)=+1) instead of its values")
    pl.add_argument("--colour-by", "--color-by", dest="colour_by", choices=("pattern", "piece"), default="pattern",
                    help="2 inputs: one colour per activation pattern (default) or per maximal affine piece")
    pl.add_argument("--output", type=int_at_least(0, "--output"), metavar="J",
                    help="which output (0-based; default: every output of a 1-D graph, output 0 otherwise)")
    pl.add_argument("--title", help="the picture's title (default: the network's name)")
    pl.add_argument("--dpi", type=int_at_least(10, "--dpi"), default=100, help="resolution (default 100)")
    pl.set_defaults(run=_cmd_plot)
    # Let "--box -2,2" read "-2,2" as the value rather than as an unknown option: argparse takes
    # an argument starting with "-" for a value only when it looks like a negative number, and
    # plot has no option that looks like one.  (A private attribute; "--box=-2,2" works anyway.)
    if hasattr(pl, "_negative_number_matcher"):
        pl._negative_number_matcher = re.compile(r"^-[\d.][\d./,eE+-]*$")
