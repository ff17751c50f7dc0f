"""Pictures of networks (matplotlib, Agg; no display needed): 1-D graphs, 2-D regions, cube tables.

Everything a picture shows is computed exactly first and turned into floats only when drawn:

* :func:`plot_graph` -- a network with one input: the graph of each output over an interval,
  its exact breakpoints marked (and listed as rationals in the caption when there are few).
  Continuous networks (relu, hardtanh, linear) are read by :func:`exactnets.pwl.pwl_from_network`;
  networks with jumps (ltf, step) by :func:`exactnets.pwl.pieces_1d`, the 1-D version of the layer-by-layer
  splitting of :mod:`exactnets.planar`, over all of ``R`` (no interval is assumed).
* :func:`plot_regions` -- a network with two inputs: its linear regions over a box
  (:func:`exactnets.planar.linear_regions_2d`, exact convex polygons) coloured by activation
  pattern or by affine piece, the negative side of the decision hatched and the decision boundary
  (``sgn(output)``, sgn(0) = +1; :func:`exactnets.planar.decision_boundary`) drawn in black.
* :func:`plot_cube` -- a function on ``{-1,1}^n`` or ``{0,1}^n`` (a network or a
  :class:`~exactnets.boolean.TruthTable`), ``n <= 16``: its table as the ``2^k x 2^(n-k)``
  communication matrix, rows the first ``k`` bits, columns the rest, both in the index order of
  :mod:`exactnets.domains` (bits most significant first, ``x = 1 - 2z`` on the ``pm1`` cube).

:func:`plot_network` picks the kind from the network and the options (what ``exactnets plot``
calls).  Each function writes one file (``.png``, ``.svg`` or ``.pdf``) and returns a
:class:`PlotResult`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.errors import InputError, ShapeError
from exactnets.network import Network
from exactnets.pwl import Piece1D, breakpoints_1d, pieces_1d
from exactnets.rational import as_rational, format_rational

__all__ = [
    "PLOT_SUFFIXES",
    "MAX_CUBE_BITS",
    "PlotResult",
    "Piece1D",
    "pieces_1d",
    "breakpoints_1d",
    "check_output_path",
    "plot_graph",
    "plot_regions",
    "plot_cube",
    "plot_network",
]

#: File types a picture can be written as.
PLOT_SUFFIXES = (".png", ".svg", ".pdf")
#: Largest cube dimension drawn as a table (2^16 cells: a 256 x 256 image).
MAX_CUBE_BITS = 16
#: At most this many breakpoints (all outputs together) are written out in the caption.
_LISTED_BREAKPOINTS = 12

_ZERO, _ONE = Fraction(0), Fraction(1)


@dataclasses.dataclass(frozen=True)
class PlotResult:
    """What a plot function wrote: the file, the kind of picture, and its exact counts."""

    path: str
    kind: str  # "graph", "regions" or "cube"
    counts: Mapping[str, int]
    caption: str

    def summary(self) -> str:
        counts = ", ".join(f"{name} {value}" for name, value in self.counts.items())
        return f"{self.kind} plot written to {self.path} ({counts})"


def _check_output(net: Network, output: Any) -> int:
    if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < net.output_dim:
        raise InputError(f"output must be an integer in 0..{net.output_dim - 1} (got {output!r})")
    return output


def _graph_pieces(net: Network, output: int) -> list[Piece1D]:
    """The pieces to draw: from :func:`exactnets.pwl.pwl_from_network` for continuous networks (the
    project's one 1-D representation), from :func:`exactnets.pwl.pieces_1d` when ``ltf``/``step`` make jumps."""
    if all(layer.activation in ("relu", "hardtanh", "linear") for layer in net.layers):
        from exactnets.pwl import pieces, pwl_from_network

        return [Piece1D(*piece) for piece in pieces(pwl_from_network(net, output))]
    return pieces_1d(net, output)


# -- files -----------------------------------------------------------------------------------------

def check_output_path(path: Any, *, what: str = "output file") -> str:
    """``path`` as a string if its suffix is one matplotlib writes here (png, svg, pdf), else an InputError."""
    text = os.fspath(path)
    suffix = os.path.splitext(text)[1].lower()
    if suffix not in PLOT_SUFFIXES:
        raise InputError(f"{what} {text!r}: unknown picture type {suffix or '(no suffix)'!r}; "
                         f"end the name in {', '.join(PLOT_SUFFIXES)}")
    return text


def _check_dpi(dpi: Any) -> int:
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 10 <= dpi <= 1200:
        raise InputError(f"dpi must be an integer between 10 and 1200 (got {dpi!r})")
    return dpi


def _figure(width: float, height: float):
    # A bare Figure draws with the Agg canvas (png) or the svg/pdf ones: no pyplot, no display,
    # no global state shared between calls.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _save(fig, path: str, dpi: int) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise InputError(f"output file {path!r}: the folder {directory} does not exist")
    fig.savefig(path, dpi=dpi, metadata={"Software": "exactnets"} if path.lower().endswith(".png") else None)


def _caption(fig, text: str) -> None:
    fig.get_layout_engine().set(h_pad=0.1)
    fig.supxlabel(text, fontsize=7, wrap=True)


def _format_list(values: Sequence[Fraction]) -> str:
    return ", ".join(format_rational(v) for v in values)


def _interval(box: Any) -> tuple[Fraction, Fraction] | None:
    if box is None:
        return None
    bounds = [as_rational(v, what="interval bound") for v in box]
    if len(bounds) != 2:
        raise InputError(f"a 1-D interval needs 2 bounds LO,HI (got {len(bounds)})")
    lo, hi = bounds
    if lo >= hi:
        raise InputError(f"the interval [{format_rational(lo)}, {format_rational(hi)}] is empty or a point; give LO < HI")
    return lo, hi


# -- 1-D graphs ------------------------------------------------------------------------------------

def plot_graph(net: Network, out: Any, *, interval: Sequence[Any] | None = None, output: int | None = None,
               title: str | None = None, dpi: int = 100) -> PlotResult:
    """Draw the graph of each output (or only ``output``) of a 1-input network, breakpoints marked.

    ``interval`` is ``(lo, hi)``; by default it is the smallest interval holding every
    breakpoint, widened on each side by a quarter of its length, at least 1/2 (``[-1, 1]`` if
    there are no breakpoints).  Each breakpoint ``b`` is marked at ``(b, f(b))``, the exact value
    there (at a jump of an ``ltf``/``step`` unit, the side that sgn(0) = +1 gives it).
    """
    from matplotlib.collections import LineCollection

    from exactnets.evaluate import evaluate

    path = check_output_path(out)
    dpi = _check_dpi(dpi)
    if not isinstance(net, Network) or net.input_dim != 1:
        raise ShapeError(f"a graph needs a network with 1 input (got {getattr(net, 'input_dim', net)!r} inputs)")
    outputs = range(net.output_dim) if output is None else [_check_output(net, output)]
    pieces = {j: _graph_pieces(net, j) for j in outputs}
    points = {j: [p.upper for p in pieces[j][:-1]] for j in outputs}
    span = _interval(interval)
    if span is None:
        every = sorted({b for j in outputs for b in points[j]})
        if every:
            pad = max((every[-1] - every[0]) / 4, Fraction(1, 2))
            span = (every[0] - pad, every[-1] + pad)
        else:
            span = (-_ONE, _ONE)
    lo, hi = span
    fig = _figure(6, 4)
    ax = fig.add_subplot()
    colours = [f"C{k % 10}" for k in range(len(outputs))]
    lines = []
    shown_total = 0
    continuous = all(layer.activation in ("relu", "hardtanh", "linear") for layer in net.layers)
    for colour, j in zip(colours, outputs):
        segments = []
        for piece in pieces[j]:
            left = lo if piece.lower is None or piece.lower < lo else piece.lower
            right = hi if piece.upper is None or piece.upper > hi else piece.upper
            if left < right:
                segments.append([(float(left), float(piece.value(left))), (float(right), float(piece.value(right)))])
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=1.6))
        shown = [(k, b) for k, b in enumerate(points[j]) if lo <= b <= hi]
        shown_total += len(shown)
        # f(b) exactly: either neighbouring piece's value when f is continuous; at a jump, the
        # network's own value (sgn(0) = +1 decides which side b belongs to)
        values = [pieces[j][k].value(b) if continuous else evaluate(net, [b])[j] for k, b in shown]
        shown = [b for _, b in shown]
        label = f"output {j}" if net.output_dim > 1 else "output"
        ax.plot([float(b) for b in shown], [float(v) for v in values], "o", color=colour, ms=4 if len(shown) <= 64 else 1.5,
                label=f"{label}: {len(points[j])} breakpoint{'s' if len(points[j]) != 1 else ''}")
        lines.append((j, points[j], shown))
    ax.autoscale_view()
    ax.set_xlim(float(lo), float(hi))
    ax.axhline(0, color="0.7", lw=0.6, zorder=0)
    ax.set_xlabel("x")
    ax.legend(fontsize=7, loc="best")
    ax.set_title(title if title is not None else (net.name or "network with 1 input"), fontsize=9)
    parts = []
    for j, every, shown in lines:
        name = f"output {j}" if net.output_dim > 1 else "breakpoints"
        prefix = f"{name} breakpoints" if net.output_dim > 1 else name
        if shown_total <= _LISTED_BREAKPOINTS:
            parts.append(f"{prefix}: {_format_list(every) or 'none'}")
        else:
            parts.append(f"{prefix}: {len(every)} in all, {len(shown)} in [{format_rational(lo)}, {format_rational(hi)}]")
    caption = "; ".join(parts) + " (exact)"
    _caption(fig, caption)
    _save(fig, path, dpi)
    return PlotResult(path, "graph", {"outputs": len(outputs), "breakpoints": sum(len(p) for _, p, _ in lines)}, caption)


# -- 2-D regions -----------------------------------------------------------------------------------

def _greedy_colours(count: int, neighbours: dict[int, set[int]], size: int) -> list[int]:
    """A colour index per node, different from its neighbours' where ``size`` colours allow."""
    colours: list[int] = []
    for node in range(count):
        used = {colours[other] for other in neighbours.get(node, ()) if other < node}
        # start from a rotating index so that colours vary even where there are no conflicts
        choice = next((c % size for c in range(node, node + size) if c % size not in used), node % size)
        colours.append(choice)
    return colours


def plot_regions(net: Network, out: Any, *, box: Any = (-1, 1), output: int = 0, colour_by: str = "pattern",
                 title: str | None = None, dpi: int = 100) -> PlotResult:
    """Draw the exact linear regions and the decision boundary of a 2-input network over a box.

    Regions (:func:`exactnets.planar.linear_regions_2d`) are filled one colour per activation
    pattern (``colour_by="pattern"``) or per maximal affine piece (``colour_by="piece"``,
    :func:`exactnets.planar.merge_equal_pieces`; the cells of one piece are then drawn as one),
    neighbours in different colours where the palette allows.  Where the output is negative the
    picture is hatched, and the decision boundary (where ``sgn(output)`` changes, sgn(0) = +1) is
    drawn in black.  The caption gives the exact counts of regions, pieces and boundary segments.
    """
    import matplotlib
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from exactnets.planar import (
        as_box_2d, decision_boundary, linear_regions_2d, merge_equal_pieces, shared_segments, sign_pieces,
    )

    path = check_output_path(out)
    dpi = _check_dpi(dpi)
    if colour_by not in ("pattern", "piece"):
        raise InputError(f"colour_by must be 'pattern' or 'piece' (got {colour_by!r})")
    if not isinstance(net, Network) or net.input_dim != 2:
        raise ShapeError(f"a region plot needs a network with 2 inputs (got {getattr(net, 'input_dim', net)!r} inputs)")
    output = _check_output(net, output)
    box = as_box_2d(box)
    regions = linear_regions_2d(net, box, output)
    pieces = merge_equal_pieces(regions)
    boundary = decision_boundary(regions)
    negative = [poly for poly, sign in sign_pieces(regions) if sign < 0]

    # which colour class each region belongs to, and which classes touch
    if colour_by == "piece":
        position = {id(region): k for k, group in enumerate(pieces) for region in group}
        classes = [position[id(region)] for region in regions]
    else:
        order: dict[tuple, int] = {}
        classes = [order.setdefault(region.pattern, len(order)) for region in regions]
    edges = shared_segments([r.vertices for r in regions])
    neighbours: dict[int, set[int]] = {}
    seams = []
    for i, j, p, q in edges:
        a, b = classes[i], classes[j]
        if a != b:
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
            seams.append((p, q))
    palette = matplotlib.colormaps["tab20"]
    index = _greedy_colours(max(classes) + 1, neighbours, 20)
    colours = [palette(index[c]) for c in classes]

    def floats(poly):
        return [(float(x), float(y)) for x, y in poly]

    fig = _figure(5.2, 5.6)
    ax = fig.add_subplot()
    # faces edged in their own colour (no hairline gaps); the seams between classes drawn after
    ax.add_collection(PolyCollection([floats(r.vertices) for r in regions], facecolors=colours, edgecolors=colours,
                                     linewidths=0.3))
    if seams:
        ax.add_collection(LineCollection([floats(s) for s in seams], colors="white", linewidths=0.7))
    if negative:
        with matplotlib.rc_context({"hatch.linewidth": 0.6, "hatch.color": (0, 0, 0, 0.45)}):
            ax.add_collection(PolyCollection([floats(p) for p in negative], facecolors="none", edgecolors="none",
                                             hatch="///", linewidths=0))
    if boundary:
        ax.add_collection(LineCollection([floats(s) for s in boundary], colors="black", linewidths=1.8))
    (x0, y0), (x1, y1) = box.lower, box.upper
    ax.set_xlim(float(x0), float(x1))
    ax.set_ylim(float(y0), float(y1))
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    handles = []
    if boundary:
        handles.append(Line2D([], [], color="black", lw=1.8, label="decision boundary (sgn, sgn(0) = +1)"))
    if negative:
        with matplotlib.rc_context({"hatch.linewidth": 0.6, "hatch.color": (0, 0, 0, 0.45)}):
            handles.append(Patch(facecolor="white", edgecolor="0.5", hatch="///", label="output < 0"))
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=len(handles),
                  frameon=False)
    label = f" (output {output})" if net.output_dim > 1 else ""
    ax.set_title((title if title is not None else (net.name or "network with 2 inputs")) + label, fontsize=9)
    box_text = f"[{format_rational(x0)}, {format_rational(x1)}] x [{format_rational(y0)}, {format_rational(y1)}]"
    sign_text = ("output >= 0 on the whole box" if not negative else
                 f"{len(boundary)} boundary segments" if boundary else "output < 0 on the whole box")
    caption = (f"{len(regions)} linear regions, {len(pieces)} affine pieces (coloured by {colour_by}), "
               f"{sign_text}; box {box_text}; exact rational vertices")
    _caption(fig, caption)
    _save(fig, path, dpi)
    return PlotResult(path, "regions", {"regions": len(regions), "pieces": len(pieces), "boundary_segments": len(boundary)},
                      caption)


# -- cube tables -----------------------------------------------------------------------------------

def _cube_values(source: Any, kind: str, output: int, sign: bool) -> tuple[int, list[Fraction], np.ndarray]:
    """``(n, distinct exact values, index of each point's value)`` for a network or a TruthTable."""
    from exactnets.boolean import TruthTable

    if isinstance(source, TruthTable):
        if source.n > MAX_CUBE_BITS:
            raise InputError(f"a cube picture has at most {MAX_CUBE_BITS} bits (the table has {source.n})")
        values = np.asarray(source.values, dtype=np.int64)
        levels = sorted(set(values.tolist()))
        return source.n, [Fraction(v) for v in levels], np.searchsorted(levels, values)
    if not isinstance(source, Network):
        raise InputError(f"a cube picture needs a Network or a TruthTable (got {type(source).__name__})")
    if source.input_dim > MAX_CUBE_BITS:
        raise InputError(f"a cube picture has at most {MAX_CUBE_BITS} bits (the network has {source.input_dim} inputs, "
                         f"2^{source.input_dim} points)")
    output = _check_output(source, output)
    from exactnets.evaluate import evaluate_cube

    batch = evaluate_cube(source, kind)
    numerators = np.asarray(batch.numerators[:, output])
    if sign:
        numerators = np.where(numerators >= 0, 1, -1)
        denominator = 1
    else:
        denominator = batch.denominator
    levels, index = np.unique(numerators, return_inverse=True)
    return source.input_dim, [Fraction(int(v), denominator) for v in levels], index.reshape(-1)


def plot_cube(source: Any, out: Any, *, kind: str = "pm1", split: int | None = None, output: int = 0, sign: bool = False,
              title: str | None = None, dpi: int = 100) -> PlotResult:
    """Draw a function on the cube as its communication matrix (at most 16 bits).

    ``source`` is a :class:`~exactnets.network.Network` (evaluated exactly on the ``kind`` cube,
    ``"pm1"`` or ``"01"``; ``sign=True`` draws ``sgn(output)`` with sgn(0) = +1) or a
    :class:`~exactnets.boolean.TruthTable`.  Row ``a`` holds the points whose first ``split``
    bits (default ``n // 2``) are the bits of ``a``, column ``b`` those whose last ``n - split``
    bits are the bits of ``b`` (most significant first, as in :mod:`exactnets.domains`): the
    matrix is the table reshaped, like :func:`exactnets.boolean.communication_matrix`.
    Two values are drawn black and white and named exactly in the legend; more get a colour map.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from exactnets.domains import CUBE_KINDS

    path = check_output_path(out)
    dpi = _check_dpi(dpi)
    if kind not in CUBE_KINDS:
        raise InputError(f"unknown cube kind {kind!r}; expected 'pm1' ({{-1,1}}^n) or '01' ({{0,1}}^n)")
    n, levels, index = _cube_values(source, kind, output, sign)
    if split is None:
        split = n // 2
    if isinstance(split, bool) or not isinstance(split, int) or not 0 <= split <= n:
        raise InputError(f"split must be an integer between 0 and n = {n} (got {split!r})")
    matrix = index.reshape(2**split, 2 ** (n - split))
    rows, cols = matrix.shape
    aspect = min(max(cols / rows, 0.25), 4.0)
    fig = _figure(min(4.0 * aspect, 7.0) + 0.8, 4.6)
    ax = fig.add_subplot()
    if len(levels) <= 2:
        cmap = ListedColormap(["white", "black"][: len(levels)] if len(levels) == 2 else ["black"])
        ax.imshow(matrix, cmap=cmap, interpolation="nearest", vmin=0, vmax=max(len(levels) - 1, 1), aspect="auto")
        handles = [Patch(facecolor=c, edgecolor="0.3", label=format_rational(v))
                   for c, v in zip(["white", "black"] if len(levels) == 2 else ["black"], levels)]
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    else:
        image = ax.imshow(np.array([float(levels[i]) for i in range(len(levels))])[matrix], cmap="viridis",
                          interpolation="nearest", aspect="auto")
        fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_ylabel(f"row: bits z1..z{split} (MSB first)" if split else "one row", fontsize=8)
    ax.set_xlabel(f"column: bits z{split + 1}..z{n} (MSB first)" if split < n else "one column", fontsize=8)
    if isinstance(source, Network):
        name = source.name or f"network with {n} inputs"
        what = ("sgn " if sign else "") + (f"output {output}" if source.output_dim > 1 else "output")
        domain = "{-1,1}" if kind == "pm1" else "{0,1}"
        caption = (f"{what} on {domain}^{n} (x = 1 - 2z)" if kind == "pm1" else f"{what} on {domain}^{n} (x = z)")
    else:
        name = "truth table"
        caption = f"f on {{-1,1}}^{n} (x = 1 - 2z)"
    caption += (f"; {rows} x {cols} communication matrix; {len(levels)} distinct value{'s' if len(levels) != 1 else ''}"
                + (f": {_format_list(levels)}" if len(levels) <= 4 else f" from {format_rational(levels[0])} to "
                   f"{format_rational(levels[-1])}"))
    ax.set_title(title if title is not None else name, fontsize=9)
    _caption(fig, caption)
    _save(fig, path, dpi)
    return PlotResult(path, "cube", {"bits": n, "rows": rows, "columns": cols, "values": len(levels)}, caption)


# -- dispatch --------------------------------------------------------------------------------------

def plot_network(net: Network, out: Any, *, box: Sequence[Any] | None = None, cube: str | None = None,
                 split: int | None = None, output: int | None = None, sign: bool = False, colour_by: str = "pattern",
                 title: str | None = None, dpi: int = 100) -> PlotResult:
    """The picture that fits the network: a cube table with ``cube``, else a 1-D graph or 2-D regions.

    ``box`` is a flat sequence of bounds: ``(lo, hi)`` for a graph (default: around the
    breakpoints) or for the square ``[lo, hi]^2``, or ``(lo1, hi1, lo2, hi2)`` (default
    ``[-1, 1]^2``).  ``output=None`` draws every output of a graph, output 0 otherwise.
    """
    check_output_path(out)
    if cube is not None:
        if box is not None:
            raise InputError("give --box or --cube, not both: a cube picture has no box")
        return plot_cube(net, out, kind=cube, split=split, output=0 if output is None else output, sign=sign,
                         title=title, dpi=dpi)
    if split is not None:
        raise InputError("--split goes with --cube (it splits the cube's bits into rows and columns)")
    if net.input_dim == 1:
        if box is not None and len(box) != 2:
            raise InputError(f"a network with 1 input needs a box LO,HI (got {len(box)} numbers)")
        return plot_graph(net, out, interval=box, output=output, title=title, dpi=dpi)
    if net.input_dim == 2:
        return plot_regions(net, out, box=(-1, 1) if box is None else box, output=0 if output is None else output,
                            colour_by=colour_by, title=title, dpi=dpi)
    raise InputError(f"the network has {net.input_dim} inputs; plot draws networks with 1 input (a graph), 2 inputs "
                     f"(regions), or with --cube pm1|01 up to {MAX_CUBE_BITS} inputs (a truth table)")
