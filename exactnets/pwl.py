"""Exact continuous piecewise-linear functions ``R -> R`` with rational breakpoints.

Arora, Basu, Mianjy & Mukherjee (ICLR 2018; CLAIMS.md ABMM-Def3) call a continuous function
piecewise linear (PWL) when the line is a finite union of intervals with the function affine on
each, and count its *pieces*: the maximal intervals on which it is affine.  This module holds
such functions as a small frozen value, :class:`PiecewiseLinear`, and the free functions the
paper's one-dimensional arguments use:

* exact evaluation (``f(x)`` for a rational ``x``), :func:`pwl_add`, :func:`pwl_scale`,
  :func:`pwl_linear_combination`, :func:`pwl_compose` (``f o g``), :func:`pwl_max`,
  :func:`pwl_min`, :func:`pwl_relu`;
* :func:`kinks` and :func:`piece_count` (optionally restricted to an interval);
* :func:`pwl_from_network`: the exact function of a one-input network with ``relu``,
  ``hardtanh`` and ``linear`` layers (breakpoint propagation, CLAIMS.md ABMM-LemD.5);
* :func:`pwl_to_network`: ABMM Theorem 2.2 / Corollary A.1, ``p`` pieces as a 2-layer ReLU
  network with ``p`` hidden units, or ``p - 1`` when an end piece is flat.

Representation.  ``breakpoints`` is a non-empty strictly increasing tuple, ``values`` holds
``f`` at each breakpoint, and ``left_slope`` / ``right_slope`` are the slopes beyond the first
and last breakpoint; between breakpoints ``f`` interpolates linearly.  An affine function has no
kink, so it is stored with the single anchor breakpoint ``0`` (its value there is its intercept).
Every function built here is *canonical*: its breakpoints are exactly its kinks (or the anchor
``0`` when there are none).  So two canonical values are equal as Python objects if and only if
they are the same function, which is what the tests and claim checks compare.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from exactnets.errors import InputError, ShapeError
from exactnets.network import Layer, Network
from exactnets.rational import as_rational, format_rational

__all__ = [
    "PiecewiseLinear",
    "Piece1D",
    "pieces_1d",
    "breakpoints_1d",
    "pwl_affine",
    "pwl_from_points",
    "canonical",
    "kinks",
    "piece_count",
    "pieces",
    "pwl_add",
    "pwl_scale",
    "pwl_linear_combination",
    "pwl_compose",
    "pwl_max",
    "pwl_min",
    "pwl_relu",
    "pwl_from_network",
    "pwl_to_network",
    "two_layer_units_needed",
]

_ZERO = Fraction(0)
_ONE = Fraction(1)


@dataclasses.dataclass(frozen=True)
class PiecewiseLinear:
    """A continuous piecewise-linear function ``R -> R`` with exact rational data.

    >>> f = PiecewiseLinear([0, 1], [0, 1], 0, 0)   # clamp to [0, 1]
    >>> f(Fraction(1, 3)), f(-5), f(7)
    (Fraction(1, 3), Fraction(0, 1), Fraction(1, 1))
    >>> piece_count(f), kinks(f)
    (3, (Fraction(0, 1), Fraction(1, 1)))
    """

    breakpoints: tuple[Fraction, ...]
    values: tuple[Fraction, ...]
    left_slope: Fraction
    right_slope: Fraction

    def __init__(self, breakpoints: Iterable[Any], values: Iterable[Any], left_slope: Any, right_slope: Any):
        xs = tuple(as_rational(v, what=f"breakpoints[{i}]") for i, v in enumerate(breakpoints))
        ys = tuple(as_rational(v, what=f"values[{i}]") for i, v in enumerate(values))
        if not xs:
            raise InputError("a piecewise-linear function needs at least one breakpoint; an affine function "
                             "a*x + b is PiecewiseLinear([0], [b], a, a) (or pwl_affine(a, b))")
        if len(xs) != len(ys):
            raise ShapeError(f"{len(xs)} breakpoints but {len(ys)} values; give f at every breakpoint")
        for i in range(1, len(xs)):
            if xs[i] <= xs[i - 1]:
                raise InputError(f"breakpoints must increase strictly (breakpoints[{i - 1}] = {format_rational(xs[i - 1])}, "
                                 f"breakpoints[{i}] = {format_rational(xs[i])})")
        object.__setattr__(self, "breakpoints", xs)
        object.__setattr__(self, "values", ys)
        object.__setattr__(self, "left_slope", as_rational(left_slope, what="left_slope"))
        object.__setattr__(self, "right_slope", as_rational(right_slope, what="right_slope"))

    def __call__(self, x: Any) -> Fraction:
        """``f(x)``, exactly (``x`` enters through :func:`~exactnets.rational.as_rational`)."""
        x = as_rational(x, what="x")
        xs, ys = self.breakpoints, self.values
        if x <= xs[0]:
            return ys[0] + self.left_slope * (x - xs[0])
        if x >= xs[-1]:
            return ys[-1] + self.right_slope * (x - xs[-1])
        i = bisect_right(xs, x)  # xs[i-1] <= x < xs[i]
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return y0 + (y1 - y0) * (x - x0) / (x1 - x0)

    def slopes(self) -> tuple[Fraction, ...]:
        """The slopes of the ``len(breakpoints) + 1`` intervals, left to right."""
        xs, ys = self.breakpoints, self.values
        inner = tuple((ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1))
        return (self.left_slope, *inner, self.right_slope)

    def slope_at(self, x: Any, side: str = "right") -> Fraction:
        """The slope just right (``side="right"``) or just left of ``x``."""
        x = as_rational(x, what="x")
        xs = self.breakpoints
        index = bisect_right(xs, x) if side == "right" else bisect_left(xs, x)
        return self.slopes()[index]

    def __repr__(self) -> str:
        points = ", ".join(f"({format_rational(x)}, {format_rational(y)})" for x, y in zip(self.breakpoints, self.values))
        return (f"PiecewiseLinear(slope {format_rational(self.left_slope)} | {points} | "
                f"slope {format_rational(self.right_slope)})")


def pwl_affine(slope: Any, intercept: Any) -> PiecewiseLinear:
    """``x -> slope * x + intercept`` (canonical: the anchor breakpoint 0)."""
    a = as_rational(slope, what="slope")
    return PiecewiseLinear((_ZERO,), (as_rational(intercept, what="intercept"),), a, a)


def pwl_from_points(points: Sequence[Sequence[Any]], left_slope: Any, right_slope: Any) -> PiecewiseLinear:
    """The canonical function through ``(x, y)`` points (any order), with the given end slopes."""
    pairs = sorted((as_rational(p[0], what=f"points[{i}][0]"), as_rational(p[1], what=f"points[{i}][1]"))
                   for i, p in enumerate(points))
    return canonical(PiecewiseLinear([p[0] for p in pairs], [p[1] for p in pairs], left_slope, right_slope))


def canonical(f: PiecewiseLinear) -> PiecewiseLinear:
    """The same function with breakpoints only where the slope really changes (collinear
    neighbours merged), or the anchor ``0`` when it is affine."""
    slopes = f.slopes()
    keep = [i for i in range(len(f.breakpoints)) if slopes[i] != slopes[i + 1]]
    if not keep:
        return pwl_affine(f.left_slope, f(_ZERO))
    if len(keep) == len(f.breakpoints):
        return f
    return PiecewiseLinear([f.breakpoints[i] for i in keep], [f.values[i] for i in keep], f.left_slope, f.right_slope)


def kinks(f: PiecewiseLinear) -> tuple[Fraction, ...]:
    """The points where ``f``'s slope changes, in increasing order."""
    slopes = f.slopes()
    return tuple(x for i, x in enumerate(f.breakpoints) if slopes[i] != slopes[i + 1])


def piece_count(f: PiecewiseLinear, interval: tuple[Any, Any] | None = None) -> int:
    """The number of pieces (maximal intervals on which ``f`` is affine; ABMM Def. 3).

    With ``interval=(lo, hi)``, ``lo < hi``, the pieces of ``f`` restricted to ``[lo, hi]``:
    one more than the number of kinks strictly inside.
    """
    points = kinks(f)
    if interval is None:
        return len(points) + 1
    lo, hi = (as_rational(v, what="interval") for v in interval)
    if not lo < hi:
        raise InputError(f"the interval needs lo < hi (got [{format_rational(lo)}, {format_rational(hi)}])")
    return bisect_left(points, hi) - bisect_right(points, lo) + 1


def pieces(f: PiecewiseLinear) -> list[tuple[Fraction | None, Fraction | None, Fraction, Fraction]]:
    """The pieces as ``(start, end, slope, intercept)``, ``None`` for an infinite end."""
    points = kinks(f)
    bounds = [None, *points, None]
    out = []
    for i in range(len(bounds) - 1):
        start, end = bounds[i], bounds[i + 1]
        if start is not None and end is not None:
            slope = (f(end) - f(start)) / (end - start)
        elif start is None and end is None:
            slope = f.left_slope
        else:
            slope = f.left_slope if start is None else f.right_slope
        anchor = end if start is None else start
        intercept = f(_ZERO) if anchor is None else f(anchor) - slope * anchor
        out.append((start, end, slope, intercept))
    return out


def _from_samples(xs: Sequence[Fraction], ys: Sequence[Fraction], left: Fraction, right: Fraction) -> PiecewiseLinear:
    return canonical(PiecewiseLinear(xs, ys, left, right))


def pwl_linear_combination(coefficients: Sequence[Any], functions: Sequence[PiecewiseLinear], constant: Any = 0) -> PiecewiseLinear:
    """``sum_i c_i f_i + constant``, exactly (one merge of all breakpoints)."""
    cs = [as_rational(c, what=f"coefficients[{i}]") for i, c in enumerate(coefficients)]
    if len(cs) != len(functions):
        raise ShapeError(f"{len(cs)} coefficients but {len(functions)} functions")
    c0 = as_rational(constant, what="constant")
    used = [(c, f) for c, f in zip(cs, functions) if c != 0]
    if not used:
        return pwl_affine(0, c0)
    xs = sorted({x for _, f in used for x in f.breakpoints})
    ys = [sum((c * f(x) for c, f in used), c0) for x in xs]
    left = sum((c * f.left_slope for c, f in used), _ZERO)
    right = sum((c * f.right_slope for c, f in used), _ZERO)
    return _from_samples(xs, ys, left, right)


def pwl_add(f: PiecewiseLinear, g: PiecewiseLinear) -> PiecewiseLinear:
    """``f + g``."""
    return pwl_linear_combination((1, 1), (f, g))


def pwl_scale(f: PiecewiseLinear, factor: Any) -> PiecewiseLinear:
    """``factor * f``."""
    return pwl_linear_combination((factor,), (f,))


def _crossings(f: PiecewiseLinear, g: PiecewiseLinear) -> list[Fraction]:
    """The points where ``f - g`` changes sign strictly inside an interval of linearity, plus the
    merged breakpoints: enough points for ``max(f, g)`` to be linear in between."""
    d = pwl_linear_combination((1, -1), (f, g))
    xs = list(d.breakpoints)
    ys = list(d.values)
    out = set(xs) | set(f.breakpoints) | set(g.breakpoints)
    for i in range(len(xs) - 1):
        if ys[i] * ys[i + 1] < 0:
            out.add(xs[i] - ys[i] * (xs[i + 1] - xs[i]) / (ys[i + 1] - ys[i]))
    # beyond the ends, d is affine: it may cross zero once on each ray
    if d.left_slope != 0:
        root = xs[0] - ys[0] / d.left_slope
        if root < xs[0]:
            out.add(root)
    if d.right_slope != 0:
        root = xs[-1] - ys[-1] / d.right_slope
        if root > xs[-1]:
            out.add(root)
    return sorted(out)


def pwl_max(f: PiecewiseLinear, g: PiecewiseLinear) -> PiecewiseLinear:
    """``max(f, g)``, pointwise (its kinks are among those of f and g and the crossings)."""
    xs = _crossings(f, g)
    ys = [max(f(x), g(x)) for x in xs]
    # beyond the outermost point f - g keeps one sign: the larger one's slope, or the steeper
    # one where they meet exactly at that point
    first, last = xs[0], xs[-1]
    left = f.left_slope if (f(first), -f.left_slope) >= (g(first), -g.left_slope) else g.left_slope
    right = f.right_slope if (f(last), f.right_slope) >= (g(last), g.right_slope) else g.right_slope
    return _from_samples(xs, ys, left, right)


def pwl_min(f: PiecewiseLinear, g: PiecewiseLinear) -> PiecewiseLinear:
    """``min(f, g) = -max(-f, -g)``."""
    return pwl_scale(pwl_max(pwl_scale(f, -1), pwl_scale(g, -1)), -1)


def pwl_relu(f: PiecewiseLinear) -> PiecewiseLinear:
    """``max(0, f)`` (ABMM Fig. 4: at most twice as many pieces as ``f``)."""
    return pwl_max(f, pwl_affine(0, 0))


def pwl_compose(f: PiecewiseLinear, g: PiecewiseLinear) -> PiecewiseLinear:
    """``f o g``: ``x -> f(g(x))``.

    Its kinks lie among ``g``'s kinks and the points where ``g`` meets a kink of ``f``; on each
    linear stretch of ``g`` the latter are found by one bisection into ``f``'s sorted kinks.
    """
    f, g = canonical(f), canonical(g)
    fk = kinks(f)
    gx, gy = g.breakpoints, g.values
    points = set(gx)

    def hits(y0: Fraction, y1: Fraction) -> list[Fraction]:
        lo, hi = (y0, y1) if y0 <= y1 else (y1, y0)
        return fk[bisect_right(fk, lo):bisect_left(fk, hi)]

    for i in range(len(gx) - 1):
        x0, x1, y0, y1 = gx[i], gx[i + 1], gy[i], gy[i + 1]
        if y0 != y1:
            for b in hits(y0, y1):
                points.add(x0 + (b - y0) * (x1 - x0) / (y1 - y0))
    # the two rays of g
    for x0, y0, s, sign in ((gx[0], gy[0], g.left_slope, -1), (gx[-1], gy[-1], g.right_slope, 1)):
        if s == 0:
            continue
        going_up = (s > 0) == (sign > 0)
        candidates = fk[bisect_right(fk, y0):] if going_up else fk[:bisect_left(fk, y0)]
        for b in candidates:
            points.add(x0 + (b - y0) / s)
    xs = sorted(points)
    ys = [f(g(x)) for x in xs]
    left = _ZERO if g.left_slope == 0 else g.left_slope * (f.right_slope if g.left_slope < 0 else f.left_slope)
    right = _ZERO if g.right_slope == 0 else g.right_slope * (f.right_slope if g.right_slope > 0 else f.left_slope)
    return _from_samples(xs, ys, left, right)


def _hardtanh(f: PiecewiseLinear) -> PiecewiseLinear:
    return pwl_max(pwl_min(f, pwl_affine(0, 1)), pwl_affine(0, -1))


_ACTIVATIONS = {"relu": pwl_relu, "hardtanh": _hardtanh, "linear": lambda f: f}


def pwl_from_network(net: Network, output: int = 0) -> PiecewiseLinear:
    """The exact function ``x -> net(x)[output]`` of a one-input network, canonical.

    Every unit's pre-activation is kept as a :class:`PiecewiseLinear` and pushed through its
    activation (``relu``, ``hardtanh``, ``linear``).  ``ltf`` and ``step`` make discontinuous
    functions, which this type cannot hold, so they are refused.

    >>> from exactnets.network import Layer, Network
    >>> tent = Network(1, [Layer("relu", [[1], [1], [1]], [0, -1, -2]), Layer("linear", [[1, -2, 1]], [0])])
    >>> f = pwl_from_network(tent)
    >>> f.breakpoints, f.values, piece_count(f)
    ((Fraction(0, 1), Fraction(1, 1), Fraction(2, 1)), (Fraction(0, 1), Fraction(1, 1), Fraction(0, 1)), 4)
    """
    if not isinstance(net, Network):
        raise InputError(f"pwl_from_network needs a Network (got {type(net).__name__})")
    if net.input_dim != 1:
        raise InputError(f"pwl_from_network reads networks with one input (this one has {net.input_dim}); "
                         f"restrict the others (exactnets.network.restrict) or compose with a line first")
    if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < net.output_dim:
        raise InputError(f"output must be an index in 0..{net.output_dim - 1} (got {output!r})")
    for index, layer in enumerate(net.layers):
        if layer.activation not in _ACTIVATIONS:
            raise InputError(f"layers[{index}] uses {layer.activation!r}, which is discontinuous; a piecewise-linear "
                             f"function of one input exists only for relu, hardtanh and linear layers")
    values = [pwl_affine(1, 0)]
    last = len(net.layers) - 1
    for index, layer in enumerate(net.layers):
        rows = range(layer.out_dim) if index < last else [output]
        act = _ACTIVATIONS[layer.activation]
        values = [act(pwl_linear_combination(layer.weights[r], values, layer.bias[r])) for r in rows]
    return values[0]


def _flat_subset(f: PiecewiseLinear) -> list[int] | None:
    """Indices ``L`` of kinks with ``s_L + sum_(i in L) d_i = 0`` (``d_i`` the slope change at kink
    ``i``), or None.  Exactly then ``len(kinks)`` units suffice (see :func:`two_layer_units_needed`)."""
    points = kinks(f)
    slopes = f.slopes()
    steps = [slopes[i + 1] - slopes[i] for i in range(len(points))]  # canonical: breakpoints are the kinks
    reach: dict[Fraction, tuple[int, ...]] = {f.left_slope: ()}
    for i, d in enumerate(steps):
        for total, chosen in list(reach.items()):
            reach.setdefault(total + d, chosen + (i,))
        if _ZERO in reach:
            return list(reach[_ZERO])
    return list(reach[_ZERO]) if _ZERO in reach else None


def two_layer_units_needed(f: PiecewiseLinear) -> int:
    """The fewest hidden units of a 2-layer ReLU network (output bias allowed) computing ``f``, exactly.

    A unit ``R(u x + v)`` has at most one kink, so ``k`` kinks need ``k`` units, and with exactly
    ``k`` units each is a flap at its own kink: right-facing ``d_i R(x - a_i)`` or left-facing
    ``d_i R(a_i - x) = d_i R(x - a_i) - d_i (x - a_i)``.  The left slope ``s_L`` must then be
    cancelled by the left-facing ones: ``k`` units suffice iff some set ``L`` of kinks has
    ``s_L + sum_(L) d_i = 0`` (``L`` empty: flat left end; all kinks: flat right end; a prefix:
    a flat inner piece).  Otherwise ``k + 1`` (a second unit at one kink absorbs any slope).  An
    affine function needs 0 units (constant) or 2 (``R(x) - R(-x)``).  This decides the bounds
    ``p - 1 <= units <= p`` of ABMM Thm 2.2 for each ``f``; the subset search is exponential in
    the worst case (fine for the sizes the tests and claims use).
    """
    f = canonical(f)
    k = len(kinks(f))
    if k == 0:
        return 0 if f.left_slope == 0 else 2
    return k if _flat_subset(f) is not None else k + 1


def pwl_to_network(f: PiecewiseLinear, *, minimal: bool = False) -> Network:
    """A 2-layer ReLU network computing ``f`` (ABMM Theorem 2.2 and Corollary A.1).

    For ``p >= 2`` pieces with kinks ``a_1 < ... < a_(p-1)`` the paper's construction (App. A) is
    ``f(x) = f(a_(p-1)) + s_R R(x - a_(p-1)) + sum_i t_i R(a_i - x)``: one right-facing flap with
    the rightmost slope and ``p - 1`` left-facing flaps whose coefficients solve a triangular
    system (back-substitution: ``t_(p-1) = -s_(p-1)``, ``t_j = s_(j+1) - s_j``, ``s_j`` the slope
    of piece ``j``).  That is ``p`` units, ``p - 1`` when ``s_R = 0`` (Cor. A.1); when instead
    ``s_L = 0`` the mirror image (right-facing flaps, one left flap) gives ``p - 1``.  A unit whose
    coefficient comes out 0 (``t_(p-1)`` when piece ``p - 1`` is flat) is left out.  The constant
    sits in the output bias (CLAIMS.md P2: ABMM's Def. 1 has no output bias, its proofs use one).

    ``minimal=True`` builds a network with exactly :func:`two_layer_units_needed` units instead.

    ``p = 1`` lies outside the theorem: a constant is one linear layer with zero weight, and a
    non-constant affine function needs two units (``R(x) - R(-x)``); one ReLU unit never
    computes a non-constant affine function.

    >>> f = pwl_from_points([(0, 0), (1, 2), (3, 2)], 0, -1)   # 4 pieces, flat left end
    >>> net = pwl_to_network(f)
    >>> net.size, pwl_from_network(net) == f
    (3, True)
    """
    f = canonical(f)
    points = kinks(f)
    slopes = f.slopes()
    p = len(points) + 1
    meta = {"paper": "ABMM", "claim": "ABMM-Thm2.2", "pieces": p, "minimal": minimal}
    name = f"ABMM Thm 2.2: {p}-piece PWL function" + (", fewest units" if minimal else "")
    rows: list[tuple[Fraction, Fraction, Fraction]] = []  # (u, v, c): the term c R(u x + v)
    if not points:
        if f.left_slope == 0:
            return Network(1, [Layer("linear", [[0]], [f(_ZERO)])], name=name, meta=meta)
        rows = [(_ONE, _ZERO, f.left_slope), (-_ONE, _ZERO, -f.left_slope)]
    else:
        steps = [slopes[i + 1] - slopes[i] for i in range(p - 1)]
        if minimal:
            chosen = _flat_subset(f)
            if chosen is None:  # k + 1 units: all right-facing, plus R(a_1 - x) with weight -s_L...
                # ...f = c + s_L x + sum d_i R(x - a_i) and s_L x = s_L (x - a_1) + s_L a_1 =
                # s_L R(x - a_1) - s_L R(a_1 - x) + const
                rows = [(_ONE, -a, d) for a, d in zip(points, steps)]
                rows[0] = (_ONE, -points[0], steps[0] + f.left_slope)
                rows.append((-_ONE, points[0], -f.left_slope))
            else:
                left = set(chosen)
                rows = [((-_ONE, a, d) if i in left else (_ONE, -a, d)) for i, (a, d) in enumerate(zip(points, steps))]
        elif f.right_slope == 0 or f.left_slope != 0:
            # the paper's construction: left-facing flaps, one right flap (absent when s_R = 0)
            if f.right_slope != 0:
                rows.append((_ONE, -points[-1], f.right_slope))
            for j in range(p - 1):
                t = -slopes[p - 2] if j == p - 2 else slopes[j + 1] - slopes[j]
                rows.append((-_ONE, points[j], t))
        else:
            # mirror image (s_L = 0, s_R != 0): right-facing flaps, and no left flap
            for j in range(p - 1):
                t = slopes[1] if j == 0 else slopes[j + 1] - slopes[j]
                rows.append((_ONE, -points[j], t))
    rows = [r for r in rows if r[2] != 0 and r[0] != 0]
    hidden = Layer("relu", [[u] for u, _, _ in rows], [v for _, v, _ in rows])
    out = [c for _, _, c in rows]
    # the output bias: f minus the flaps, at any point (both sides are affine-equal by construction)
    anchor = points[0] if points else _ZERO
    bias = f(anchor) - sum((c * max(_ZERO, u * anchor + v) for u, v, c in rows), _ZERO)
    return Network(1, [hidden, Layer("linear", [out], [bias])], name=name, meta=meta)


# -- pieces of any 1-input network, jumps included ------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Piece1D:
    """On the open interval ``(lower, upper)`` (``None``: unbounded) the output is ``slope x + intercept``."""

    lower: Fraction | None
    upper: Fraction | None
    slope: Fraction
    intercept: Fraction

    def value(self, x: Fraction) -> Fraction:
        return self.slope * x + self.intercept


_CUTS = {"relu": (_ZERO,), "ltf": (_ZERO,), "step": (_ZERO,), "hardtanh": (-_ONE, _ONE), "linear": ()}
_PIECE_VALUES = {"relu": (_ZERO, None), "ltf": (-_ONE, _ONE), "step": (_ZERO, _ONE),
                 "hardtanh": (-_ONE, None, _ONE), "linear": (None,)}


def _inside(lower: Fraction | None, upper: Fraction | None) -> Fraction:
    """An exact point strictly inside the interval."""
    if lower is None and upper is None:
        return _ZERO
    if lower is None:
        return upper - 1
    if upper is None:
        return lower + 1
    return (lower + upper) / 2


def pieces_1d(net: Network, output: int = 0) -> list[Piece1D]:
    """The maximal affine pieces of output ``output`` of a 1-input network over all of ``R``, exactly.

    The real line is cut layer by layer, as :func:`exactnets.planar.linear_regions_2d` cuts the
    plane: on each interval every unit's pre-activation is an exact affine function ``a x + c``,
    cut where it crosses the activation's thresholds; adjacent intervals with the same affine
    function are joined at the end.  The pieces are ordered left to right; consecutive pieces
    meet at the breakpoints (where the slope changes, or the value jumps for ``ltf``/``step``).

    >>> from exactnets.network import Layer, Network
    >>> tent = Network(1, [Layer("relu", [[1], [1], [1]], [0, "-1/2", -1]), Layer("linear", [[2, -4, 2]], [0])])
    >>> [(p.lower, p.upper, p.slope) for p in pieces_1d(tent)]  # doctest: +NORMALIZE_WHITESPACE
    [(None, Fraction(0, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 2), Fraction(2, 1)),
     (Fraction(1, 2), Fraction(1, 1), Fraction(-2, 1)), (Fraction(1, 1), None, Fraction(0, 1))]
    """
    if not isinstance(net, Network):
        raise InputError(f"pieces_1d needs a Network (got {type(net).__name__})")
    if net.input_dim != 1:
        raise ShapeError(f"pieces_1d needs a network with 1 input (this one has {net.input_dim})")
    if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < net.output_dim:
        raise InputError(f"output must be an integer in 0..{net.output_dim - 1} (got {output!r})")
    # a state: an open interval and the previous layer's values as (slope, constant) pairs
    states: list[tuple[Fraction | None, Fraction | None, list[tuple[Fraction, Fraction]]]] = [(None, None, [(_ONE, _ZERO)])]
    last = len(net.layers) - 1
    for index, layer in enumerate(net.layers):
        units = [output] if index == last else range(layer.out_dim)
        cuts = _CUTS[layer.activation]
        nxt = []
        for lower, upper, forms in states:
            pre = []
            for i in units:
                a, c = _ZERO, layer.bias[i]
                for w, (fa, fc) in zip(layer.weights[i], forms):
                    if w:
                        a += w * fa
                        c += w * fc
                pre.append((a, c))
            # every root of every unit strictly inside the interval is a cut point
            roots = sorted({(t - c) / a for a, c in pre if a for t in cuts
                            if (lower is None or (t - c) / a > lower) and (upper is None or (t - c) / a < upper)})
            ends = [lower, *roots, upper]
            for left, right in zip(ends, ends[1:]):
                x = _inside(left, right)
                values = []
                for (a, c) in pre:
                    z = a * x + c
                    count = sum(1 for t in cuts if z >= t)
                    piece = _PIECE_VALUES[layer.activation][count]
                    values.append((a, c) if piece is None else (_ZERO, piece))
                nxt.append((left, right, values))
        states = nxt
    merged: list[Piece1D] = []
    for lower, upper, forms in states:
        slope, intercept = forms[0]
        if merged and merged[-1].slope == slope and merged[-1].intercept == intercept:
            merged[-1] = Piece1D(merged[-1].lower, upper, slope, intercept)
        else:
            merged.append(Piece1D(lower, upper, slope, intercept))
    return merged


def breakpoints_1d(net: Network, output: int = 0) -> tuple[Fraction, ...]:
    """The exact breakpoints of output ``output`` of a 1-input network, increasing.

    >>> from exactnets.network import Layer, Network
    >>> absx = Network(1, [Layer("relu", [[1], [-1]], [0, 0]), Layer("linear", [[1, 1]], [0])])
    >>> breakpoints_1d(absx)
    (Fraction(0, 1),)
    """
    return tuple(piece.upper for piece in pieces_1d(net, output)[:-1])
