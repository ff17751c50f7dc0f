"""Exact linear regions of networks with two inputs: convex polygons with rational vertices.

A network built from ``relu``, ``hardtanh``, ``ltf``, ``step`` and ``linear`` units is piecewise
affine (piecewise constant after a threshold unit).  On two inputs its pieces can be listed
*exactly*: :func:`linear_regions_2d` starts from the box (a polygon) and goes layer by layer.  On
every current polygon the values of the previous layer are affine functions of ``x`` (exact
rational triples), so each unit's pre-activation ``z`` is affine there too; the polygon is cut
along the line ``z = t`` for every threshold ``t`` of the unit's activation (``0`` for relu, ltf
and step; ``-1`` and ``+1`` for hardtanh) by exact half-plane clipping with
:class:`~fractions.Fraction` arithmetic, and the activation is then applied piece by piece
(``relu``: 0 or ``z``; ``hardtanh``: -1, ``z`` or +1; ``ltf``/``step``: a constant).  Slivers of
zero area are dropped, so the result is a tiling of the box by convex polygons with disjoint
interiors; on the interior of each, the chosen output is the affine function
``gradient . x + offset`` of its :class:`PlanarRegion`.

Every polygon is an intersection of the box with half-planes, hence convex, which is what keeps
clipping simple (one pass over the vertices).  A unit whose pre-activation has one sign at every
vertex of a polygon does not cut it and costs one evaluation per vertex.

The value *on* a cut line belongs to the ``z >= t`` side (sgn(0) = +1, DESIGN.md); only the
interior of a region is described by its affine function, which matters for the discontinuous
``ltf``/``step`` units alone.

Also here: :func:`merge_equal_pieces` (unions of adjacent regions with the same affine function:
the "pieces" that ABMM count, CLAIMS.md ABMM-Thm3.9), :func:`sign_pieces` and
:func:`decision_boundary` (the exact segments where the decision ``sgn(output)`` changes).
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from exactnets.domains import Box
from exactnets.errors import InputError, ShapeError
from exactnets.network import Network
from exactnets.rational import as_rational

__all__ = [
    "Point",
    "PlanarRegion",
    "as_box_2d",
    "polygon_area",
    "clip_half_plane",
    "MAX_REGIONS",
    "linear_regions_2d",
    "merge_equal_pieces",
    "sign_pieces",
    "decision_boundary",
    "shared_segments",
]

Point = tuple[Fraction, Fraction]
# An affine function of (x, y): (a, b, c) means a*x + b*y + c.
_Affine = tuple[Fraction, Fraction, Fraction]

_ZERO, _ONE = Fraction(0), Fraction(1)
_ZERO_AFFINE: _Affine = (_ZERO, _ZERO, _ZERO)

# The cut values of each activation (sorted), and what the unit outputs on the piece where
# exactly ``s`` of them are <= z (s = 0 .. len(cuts)).  None stands for "z itself".
_CUTS: dict[str, tuple[Fraction, ...]] = {
    "relu": (_ZERO,),
    "ltf": (_ZERO,),
    "step": (_ZERO,),
    "hardtanh": (-_ONE, _ONE),
    "linear": (),
}
_PIECE_VALUES: dict[str, tuple[Fraction | None, ...]] = {
    "relu": (_ZERO, None),
    "ltf": (-_ONE, _ONE),
    "step": (_ZERO, _ONE),
    "hardtanh": (-_ONE, None, _ONE),
    "linear": (None,),
}


@dataclasses.dataclass(frozen=True)
class PlanarRegion:
    """One linear region of a 2-input network: a convex polygon and the output's affine form on it.

    Attributes
    ----------
    vertices:
        The polygon's corners, counter-clockwise, exact, no three consecutive ones collinear.
    gradient, offset:
        On the interior of the polygon the chosen output equals ``gradient . x + offset``.
    pattern:
        The activation pattern: one tuple per layer, one entry per unit, the number of the
        unit's cut values that ``z`` exceeds (relu/ltf/step: 0 off, 1 on; hardtanh: 0, 1, 2 for
        the -1, linear and +1 pieces; linear units: 0).  In the output layer only the chosen
        output unit is listed.  Hashable; used to colour pictures.
    """

    vertices: tuple[Point, ...]
    gradient: tuple[Fraction, Fraction]
    offset: Fraction
    pattern: tuple[tuple[int, ...], ...]

    @property
    def area(self) -> Fraction:
        """The exact area (positive)."""
        return polygon_area(self.vertices)

    @property
    def centroid(self) -> Point:
        """The average of the vertices: an exact point in the interior (the polygon is convex)."""
        k = len(self.vertices)
        return (sum((v[0] for v in self.vertices), _ZERO) / k, sum((v[1] for v in self.vertices), _ZERO) / k)

    def value(self, point: Sequence[Any]) -> Fraction:
        """``gradient . point + offset`` (the output, if ``point`` is inside the region)."""
        x, y = (as_rational(v, what="point") for v in point)
        return self.gradient[0] * x + self.gradient[1] * y + self.offset

    def contains(self, point: Sequence[Any]) -> bool:
        """Whether ``point`` lies in the closed polygon (exact)."""
        x, y = (as_rational(v, what="point") for v in point)
        verts = self.vertices
        for i, (px, py) in enumerate(verts):
            qx, qy = verts[(i + 1) % len(verts)]
            if (qx - px) * (y - py) - (qy - py) * (x - px) < 0:
                return False
        return True


# -- polygons ---------------------------------------------------------------------------------------

def polygon_area(vertices: Sequence[Point]) -> Fraction:
    """The signed area of a polygon (shoelace formula): positive for counter-clockwise order."""
    total = _ZERO
    k = len(vertices)
    for i in range(k):
        x0, y0 = vertices[i]
        x1, y1 = vertices[(i + 1) % k]
        total += x0 * y1 - x1 * y0
    return total / 2


def _drop_collinear(vertices: list[Point]) -> list[Point]:
    """Remove vertices that lie on the segment between their neighbours (and repeated ones)."""
    changed = True
    while changed and len(vertices) >= 3:
        changed = False
        k = len(vertices)
        for i in range(k):
            (ax, ay), (bx, by), (cx, cy) = vertices[i - 1], vertices[i], vertices[(i + 1) % k]
            if (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) == 0:
                del vertices[i]
                changed = True
                break
    return vertices


def _proper(vertices: list[Point]) -> tuple[Point, ...] | None:
    """The polygon, cleaned, or None when it has no area (a sliver, a segment or a point)."""
    if len(vertices) < 3:
        return None
    vertices = _drop_collinear(vertices)
    if len(vertices) < 3 or polygon_area(vertices) == 0:
        return None
    return tuple(vertices)


def _values(vertices: Sequence[Point], a: Fraction, b: Fraction, c: Fraction) -> list[Fraction]:
    return [a * x + b * y + c for x, y in vertices]


def _clip(vertices: tuple[Point, ...], values: list[Fraction]) -> tuple[tuple[Point, ...] | None, tuple[Point, ...] | None]:
    """Split a convex polygon by the sign of an affine function with these vertex values."""
    upper: list[Point] = []
    lower: list[Point] = []
    k = len(vertices)
    for i in range(k):
        p, s = vertices[i], values[i]
        q, t = vertices[(i + 1) % k], values[(i + 1) % k]
        if s >= 0:
            upper.append(p)
        if s <= 0:
            lower.append(p)
        if (s > 0 and t < 0) or (s < 0 and t > 0):
            # the edge crosses the line strictly inside: one exact new vertex, shared by both sides
            r = s / (s - t)
            cut = (p[0] + r * (q[0] - p[0]), p[1] + r * (q[1] - p[1]))
            upper.append(cut)
            lower.append(cut)
    return _proper(upper), _proper(lower)


def clip_half_plane(vertices: Sequence[Point], a: Any, b: Any, c: Any) -> tuple[tuple[Point, ...] | None, tuple[Point, ...] | None]:
    """Cut a convex counter-clockwise polygon by the line ``a x + b y + c = 0``.

    Returns ``(upper, lower)``: the parts where ``a x + b y + c >= 0`` and ``<= 0``, each a
    counter-clockwise tuple of exact vertices, or ``None`` when that part has zero area.

    >>> square = ((Fraction(0), Fraction(0)), (Fraction(1), Fraction(0)), (Fraction(1), Fraction(1)), (Fraction(0), Fraction(1)))
    >>> up, low = clip_half_plane(square, 1, 0, "-1/3")
    >>> polygon_area(up), polygon_area(low)
    (Fraction(2, 3), Fraction(1, 3))
    """
    verts = tuple((as_rational(x, what="vertex"), as_rational(y, what="vertex")) for x, y in vertices)
    a, b, c = (as_rational(v, what="line coefficient") for v in (a, b, c))
    return _clip(verts, _values(verts, a, b, c))


# -- boxes ------------------------------------------------------------------------------------------

def as_box_2d(box: Any) -> Box:
    """A 2-dimensional :class:`~exactnets.domains.Box` with positive area from ``box``.

    ``box`` may be a :class:`Box`, ``(lo, hi)`` (the square ``[lo, hi]^2``) or
    ``(lo1, hi1, lo2, hi2)``; numbers enter through :func:`~exactnets.rational.as_rational`.
    """
    if isinstance(box, Box):
        result = box
    else:
        try:
            bounds = [as_rational(v, what="box bound") for v in box]
        except TypeError:
            raise InputError(f"a box is a Box, (lo, hi) or (lo1, hi1, lo2, hi2) (got {box!r})") from None
        if len(bounds) == 2:
            bounds = bounds * 2
        if len(bounds) != 4:
            raise InputError(f"a planar box needs 2 bounds (lo, hi) or 4 (lo1, hi1, lo2, hi2) (got {len(bounds)})")
        for j in range(2):
            if bounds[2 * j] >= bounds[2 * j + 1]:
                raise InputError(f"box coordinate {j + 1}: lower bound {bounds[2 * j]} is not below upper bound "
                                 f"{bounds[2 * j + 1]}; the box must have positive area")
        result = Box(bounds[0::2], bounds[1::2])
    if result.dim != 2:
        raise ShapeError(f"a planar box has 2 coordinates (got {result.dim})")
    if any(lo >= hi for lo, hi in zip(result.lower, result.upper)):
        raise InputError(f"the box {list(zip(result.lower, result.upper))} has zero area; give lower < upper in each coordinate")
    return result


def _box_polygon(box: Box) -> tuple[Point, ...]:
    (x0, y0), (x1, y1) = box.lower, box.upper
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


# -- regions ----------------------------------------------------------------------------------------

def _compose(row: Sequence[Fraction], bias: Fraction, forms: Sequence[_Affine]) -> _Affine:
    """The affine form of ``row . h + bias`` when each ``h_j`` is the affine form ``forms[j]``."""
    a = b = _ZERO
    c = bias
    for w, (fa, fb, fc) in zip(row, forms):
        if w and (fa or fb or fc):  # most products vanish (off relus, zero weights): skip them
            a += w * fa
            b += w * fb
            c += w * fc
    return a, b, c


def _cut(vertices: tuple[Point, ...], form: _Affine, cuts: tuple[Fraction, ...]) -> list[tuple[tuple[Point, ...], int]]:
    """Split a polygon by the lines ``form = t`` for the sorted cut values; pieces with their count."""
    pieces = [(vertices, 0)]
    a, b, c = form
    for index, t in enumerate(cuts):
        nxt = []
        for poly, count in pieces:
            if count != index:  # already below an earlier (smaller) cut value: below this one too
                nxt.append((poly, count))
                continue
            values = _values(poly, a, b, c - t)
            if all(v >= 0 for v in values):
                nxt.append((poly, count + 1))
            elif all(v <= 0 for v in values):
                nxt.append((poly, count))
            else:
                upper, lower = _clip(poly, values)
                if upper is not None:
                    nxt.append((upper, count + 1))
                if lower is not None:
                    nxt.append((lower, count))
        pieces = nxt
    return pieces


def _apply(activation: str, form: _Affine, count: int) -> _Affine:
    value = _PIECE_VALUES[activation][count]
    return form if value is None else (_ZERO, _ZERO, value)


#: Default limit on the number of cells :func:`linear_regions_2d` builds before it gives up.
MAX_REGIONS = 200_000


def linear_regions_2d(net: Network, box: Any, output: int = 0, *, max_regions: int | None = MAX_REGIONS) -> list[PlanarRegion]:
    """The linear regions of output ``output`` of a 2-input network over a box, exactly.

    Parameters
    ----------
    net:
        A :class:`~exactnets.network.Network` with ``input_dim == 2``.
    box:
        A 2-D :class:`~exactnets.domains.Box`, ``(lo, hi)`` or ``(lo1, hi1, lo2, hi2)``; it must
        have positive area.
    output:
        Which output to describe (0-based).  Units of the output layer other than this one do not
        cut regions.
    max_regions:
        Give up with an :class:`~exactnets.errors.InputError` once a layer has produced more cells
        than this (``None``: no limit).  A deep network can have exponentially many.

    Returns
    -------
    list of PlanarRegion
        Convex polygons with exact rational vertices that tile the box (their areas sum to the
        box's area, their interiors are disjoint); on the interior of each the output is the
        region's affine function.  Regions are cells of the activation patterns, not maximal
        pieces: :func:`merge_equal_pieces` unions neighbours with equal affine functions.

    Examples
    --------
    >>> from exactnets.network import Layer, Network
    >>> absx = Network(2, [Layer("relu", [[1, 0], [-1, 0]], [0, 0]), Layer("linear", [[1, 1]], [0])])
    >>> regions = linear_regions_2d(absx, (-1, 1))
    >>> sorted((r.gradient, r.area) for r in regions)
    [((Fraction(-1, 1), Fraction(0, 1)), Fraction(2, 1)), ((Fraction(1, 1), Fraction(0, 1)), Fraction(2, 1))]
    """
    if not isinstance(net, Network):
        raise InputError(f"linear_regions_2d needs a Network (got {type(net).__name__})")
    if net.input_dim != 2:
        raise ShapeError(f"linear_regions_2d needs a network with 2 inputs (this one has {net.input_dim})")
    if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < net.output_dim:
        raise InputError(f"output must be an integer in 0..{net.output_dim - 1} (got {output!r})")
    box = as_box_2d(box)
    # A state: (polygon, values of the previous layer as affine forms, pattern so far).
    states: list[tuple[tuple[Point, ...], list[_Affine], tuple[tuple[int, ...], ...]]] = [
        (_box_polygon(box), [(_ONE, _ZERO, _ZERO), (_ZERO, _ONE, _ZERO)], ())
    ]
    last = len(net.layers) - 1
    for index, layer in enumerate(net.layers):
        units = [output] if index == last else range(layer.out_dim)
        cuts = _CUTS[layer.activation]
        nxt = []
        for polygon, forms, pattern in states:
            pre = [_compose(layer.weights[i], layer.bias[i], forms) for i in units]
            # cut the polygon by every unit of the layer in turn; each piece keeps its counts
            pieces: list[tuple[tuple[Point, ...], tuple[int, ...]]] = [(polygon, ())]
            for form in pre:
                if not cuts:
                    pieces = [(poly, counts + (0,)) for poly, counts in pieces]
                    continue
                pieces = [(part, counts + (count,)) for poly, counts in pieces for part, count in _cut(poly, form, cuts)]
            for poly, counts in pieces:
                values = [_apply(layer.activation, form, count) for form, count in zip(pre, counts)]
                nxt.append((poly, values, pattern + (counts,)))
            if max_regions is not None and len(nxt) > max_regions:
                raise InputError(f"layer {index} cuts the box into more than {max_regions} regions; use a smaller box "
                                 f"or raise max_regions")
        states = nxt
    return [PlanarRegion(poly, (forms[0][0], forms[0][1]), forms[0][2], pattern) for poly, forms, pattern in states]


# -- edges shared between polygons ------------------------------------------------------------------

def _line_key(p: Point, q: Point) -> tuple[int, int, int]:
    """The line through ``p != q`` as coprime integers ``(a, b, c)``, ``a x + b y + c = 0``, normalised."""
    a = q[1] - p[1]
    b = p[0] - q[0]
    c = -(a * p[0] + b * p[1])
    scale = math.lcm(a.denominator, b.denominator, c.denominator)
    ia, ib, ic = int(a * scale), int(b * scale), int(c * scale)
    g = math.gcd(ia, ib, ic)
    ia, ib, ic = ia // g, ib // g, ic // g
    if ia < 0 or (ia == 0 and ib < 0):
        ia, ib, ic = -ia, -ib, -ic
    return ia, ib, ic


def _parameter(key: tuple[int, int, int], p: Point) -> Fraction:
    # position along the line: x unless the line is vertical (b == 0), then y
    return p[0] if key[1] != 0 else p[1]


def _point_at(key: tuple[int, int, int], t: Fraction) -> Point:
    a, b, c = key
    if b != 0:
        return (t, Fraction(-(a * t + c)) / b)
    return (Fraction(-c, a), t)


def _edges_by_line(polygons: Sequence[Sequence[Point]]) -> dict[tuple[int, int, int], list[tuple[Fraction, Fraction, int]]]:
    lines: dict[tuple[int, int, int], list[tuple[Fraction, Fraction, int]]] = defaultdict(list)
    for owner, verts in enumerate(polygons):
        k = len(verts)
        for i in range(k):
            p, q = verts[i], verts[(i + 1) % k]
            key = _line_key(p, q)
            s, t = _parameter(key, p), _parameter(key, q)
            lines[key].append((min(s, t), max(s, t), owner))
    return lines


def shared_segments(polygons: Sequence[Sequence[Point]]) -> list[tuple[int, int, Point, Point]]:
    """Every pair of polygons whose boundaries share a segment of positive length.

    Returns ``(i, j, p, q)`` with ``i < j`` and the exact common segment ``p q`` (one entry per
    shared segment; two polygons of a tiling share at most one, as both are convex).
    """
    found = []
    for key, intervals in _edges_by_line(polygons).items():
        intervals.sort()
        active: list[tuple[Fraction, Fraction, int]] = []
        for lo, hi, owner in intervals:
            active = [iv for iv in active if iv[1] > lo]
            for alo, ahi, other in active:
                if other != owner:
                    start, stop = max(lo, alo), min(hi, ahi)
                    if start < stop:
                        i, j = min(owner, other), max(owner, other)
                        found.append((i, j, _point_at(key, start), _point_at(key, stop)))
            active.append((lo, hi, owner))
    return found


def merge_equal_pieces(regions: Sequence[PlanarRegion]) -> list[list[PlanarRegion]]:
    """Group regions into maximal connected unions on which the output is one affine function.

    Two regions are joined when they share an edge of positive length and have equal gradient
    and offset; the groups are the connected components of that relation.  Their number is the
    number of *pieces* in the sense of ABMM (a piece is a maximal connected set on which the
    function is affine; CLAIMS.md ABMM-Thm3.9).  Groups come in the order of their first region.
    """
    parent = list(range(len(regions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _, _ in shared_segments([r.vertices for r in regions]):
        a, b = regions[i], regions[j]
        if a.gradient == b.gradient and a.offset == b.offset:
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[PlanarRegion]] = {}
    for i, region in enumerate(regions):
        groups.setdefault(find(i), []).append(region)
    return list(groups.values())


# -- the decision ----------------------------------------------------------------------------------

def sign_pieces(regions: Iterable[PlanarRegion]) -> list[tuple[tuple[Point, ...], int]]:
    """Cut every region along ``output = 0``: polygons with the sign of the output inside.

    The sign is ``+1`` where the output is ``>= 0`` on the whole polygon (sgn(0) = +1: a region
    where the output is identically 0 counts as ``+1``) and ``-1`` where it is negative inside.
    """
    pieces = []
    for region in regions:
        values = _values(region.vertices, region.gradient[0], region.gradient[1], region.offset)
        if all(v >= 0 for v in values):
            pieces.append((region.vertices, 1))
        elif all(v <= 0 for v in values):
            pieces.append((region.vertices, -1))
        else:
            upper, lower = _clip(region.vertices, values)
            if upper is not None:
                pieces.append((upper, 1))
            if lower is not None:
                pieces.append((lower, -1))
    return pieces


def decision_boundary(regions: Sequence[PlanarRegion]) -> list[tuple[Point, Point]]:
    """The exact segments that separate ``sgn(output) = +1`` from ``-1`` inside the box.

    They are the common edges of a positive and a negative piece of :func:`sign_pieces`: the
    zero set of the output inside regions where it changes sign, and the region edges across
    which a discontinuous output (``ltf``, ``step``) jumps over 0.
    """
    pieces = sign_pieces(regions)
    signs = [s for _, s in pieces]
    segments = [(p, q) for i, j, p, q in shared_segments([poly for poly, _ in pieces]) if signs[i] != signs[j]]
    segments.sort()
    return segments
