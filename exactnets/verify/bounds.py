"""Sound bounds on every unit's pre-activation over a box, and on the difference of two networks.

Three analyses, each *sound*: every bound it returns holds at every point of the box (and, when
some units are fixed to a piece by a branch-and-bound split, at every point of the box where
those units are in those pieces).

:func:`interval_bounds`
    exact interval propagation in integers (layers scaled to integers as in
    :mod:`exactnets.evaluate`); no rounding at all, but loose on deep networks.
:func:`symbolic_bounds`
    linear-relaxation bounds by back-substitution to the input: every unit's pre-activation is
    bounded below and above by linear functions of the input, through the triangle relaxation of
    each unstable unit (DeepPoly: Singh et al., "An abstract domain for certifying neural
    networks", POPL 2019; CROWN: Zhang et al., "Efficient neural network robustness certification
    with general activation functions", NeurIPS 2018), with CROWN's adaptive lower slope.
:func:`differential_bounds`
    for two networks of the *same architecture* ``f`` and ``g`` (a network and a perturbed or
    compressed copy), bounds on ``g_j - f_j`` for every unit, propagated layer by layer through
    the difference itself: ``dz = W_g dh + (W_g - W_f) h_f + (b_g - b_f)`` and
    ``dh = act(z_f + dz) - act(z_f)`` relaxed by linear functions of ``(z_f, dz)``.  This is
    ReluDiff's idea (Paulsen, Wang, Wang, "ReluDiff: differential verification of deep neural
    networks", ICSE 2020), with NeuroDiff's linear relaxations of ``dh`` (Paulsen et al.,
    "NeuroDiff: scalable differential verification of neural networks using fine-grained
    approximation", ASE 2020) and CROWN-style back-substitution of the difference to the input.
    Bounding the difference directly is far tighter than subtracting separate bounds: a unit
    whose two pre-activations straddle 0 contributes an error of the size of ``dz``, not of ``z``.

Arithmetic (the choice and why)
-------------------------------
The symbolic and differential analyses run in **float64 with a proven error bound added to every
result** (verified floating point, as in Neumaier & Shcherbina, Math. Program. 99 (2004), and
Rump, "Verification methods", Acta Numerica 19 (2010)).  Exact rationals are out of reach here:
the relaxation slopes ``u/(u-l)`` multiply through the layers and the back-substituted
coefficients of a 6-layer network with float32 weights would carry thousands of bits (every
node of a branch-and-bound would cost seconds instead of milliseconds).  The float computation
is made rigorous as follows (``u = 2^-53``):

* weights and biases enter as the nearest float plus an exact radius (zero for float32 weights);
  box bounds are rounded outward;
* a float matrix product of inner dimension ``n`` is within ``gamma_n |A||B|`` of the exact
  product, ``gamma_n = n u / (1 - n u)``, whatever order or fused multiply-adds BLAS uses
  (Higham, *Accuracy and Stability of Numerical Algorithms*, Thm. 3.5); underflow adds at most
  ``2^-960`` per entry here.  A back-substitution step whose float coefficients ``C'`` differ
  from the exact ``C`` by ``E`` keeps a valid inequality if ``|E| . m`` is subtracted, ``m`` an
  upper bound on the magnitude of the layer's values (known from the previous layers' bounds):
  every step adds such a *slack*, computed from ``|A|``, ``|B|`` and ``m`` with a factor of
  four to spare, and the final bound is rounded outward with ``nextafter``;
* a relaxation line ``a t + b`` is valid whatever float slope ``a`` was chosen, because its
  intercept ``b`` is the max (min) of ``phi(v) - a v`` over the breakpoints ``v`` of the
  piecewise-linear ``phi`` in ``[l, u]``, computed with upward (downward) rounding.

What these float analyses conclude (a unit is stable, a node is proved, a region is empty) is
therefore a theorem about IEEE-754 binary64 arithmetic, not a float guess.  The branch and bound
(:mod:`exactnets.verify.regions`, with its default ``exact_confirm=True``) does not rest on it
even so: it uses these bounds to *steer* (which node to split, where, which units look stable)
and re-checks every conclusion a verdict would rest on in integer arithmetic with
:mod:`exactnets.verify.exact_bounds`, the same analyses recomputed on dyadic rationals (no
rounding model at all).  Exact arithmetic also decides everything else (leaf linear programs in
:mod:`exactnets.lp`, counterexamples through the exact evaluator).  A network whose weights
exceed ``2^400`` in magnitude (or are not representable) is not analysed in floats: every unit
of it is reported unstable and the search falls back on exact leaves.

Conventions
-----------
Layer ``j`` (0-based) maps its input ``h_j`` (``h_0`` is the network input ``x``) to the
pre-activation ``z_j = W_j h_j + b_j`` and to ``h_(j+1) = act_j(z_j)``.  A *piece* of an
activation is one of its linear pieces (``relu``: 0 inactive ``t <= 0``, 1 active ``t >= 0``;
``hardtanh``: 0 ``t <= -1``, 1 middle, 2 ``t >= 1``; ``step`` and ``ltf``: 0 ``t < 0`` (strict,
since sgn(0) = +1), 1 ``t >= 0``; ``linear``: 0); a unit is *stable* when its bounds fit inside
one piece, and ``-1`` marks an unstable unit.

>>> from exactnets.network import Layer, Network
>>> from exactnets.domains import Box
>>> net = Network(2, [Layer("relu", [[1, 1], [1, -1]], [0, 0]), Layer("linear", [[1, -1]], [0])])
>>> [(b.lower, b.upper) for b in interval_bounds(net, Box([0, 0], [1, 1]))][0]
((Fraction(0, 1), Fraction(-1, 1)), (Fraction(2, 1), Fraction(1, 1)))
>>> out = symbolic_bounds(net, Box([0, 0], [1, 1]))[-1]     # the output ranges over [0, 2]
>>> -1 < out.lower[0] <= 0 and 2 <= out.upper[0] < 2 + Fraction(1, 10**12)   # rounding: outward
True
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.domains import Box, Polytope, Reals
from exactnets.errors import InputError, ShapeError
from exactnets.evaluate import _integer_layer
from exactnets.network import Network

__all__ = [
    "LayerBounds",
    "interval_bounds",
    "symbolic_bounds",
    "differential_bounds",
    "PIECES",
    "FloatNet",
    "float_network",
    "same_architecture",
    "NetAnalysis",
    "PairAnalysis",
    "analyse",
    "analyse_pair",
    "Infeasible",
    "float_box",
]

_INF = math.inf
_U = 2.0**-53
_ABS = 2.0**-960  # underflow allowance per computed entry (<= 2^40 operations of at most 2^-1022 each)
_SAFE = 2.0**400  # weights beyond this are not analysed in floats


def _g(n: int) -> float:
    """At least twice ``gamma_n = n u / (1 - n u)``: room for the rounding of the error terms themselves."""
    return (n + 4) * 2.0**-51


def _up(x: np.ndarray) -> np.ndarray:
    """An upper bound on the exact value whose round-to-nearest result is ``x`` (one operation)."""
    return np.nextafter(x, _INF) + _ABS


def _down(x: np.ndarray) -> np.ndarray:
    return np.nextafter(x, -_INF) - _ABS


def _pos(a: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0.0)


def _neg(a: np.ndarray) -> np.ndarray:
    return np.minimum(a, 0.0)


# -- activation pieces ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Piece:
    """One linear piece ``act(t) = slope * t + offset`` for ``t`` in ``[lo, hi]`` (ends open if marked)."""

    lo: float
    hi: float
    slope: int
    offset: int
    lo_open: bool = False
    hi_open: bool = False

    def contains_interval(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        left = (low > self.lo) if self.lo_open else (low >= self.lo)
        right = (high < self.hi) if self.hi_open else (high <= self.hi)
        return left & right


#: The pieces of every activation, in the order that numbers them.
PIECES: dict[str, tuple[Piece, ...]] = {
    "relu": (Piece(-_INF, 0.0, 0, 0), Piece(0.0, _INF, 1, 0)),
    "hardtanh": (Piece(-_INF, -1.0, 0, -1), Piece(-1.0, 1.0, 1, 0), Piece(1.0, _INF, 0, 1)),
    "step": (Piece(-_INF, 0.0, 0, 0, hi_open=True), Piece(0.0, _INF, 0, 1)),
    "ltf": (Piece(-_INF, 0.0, 0, -1, hi_open=True), Piece(0.0, _INF, 0, 1)),
    "linear": (Piece(-_INF, _INF, 1, 0),),
}

_SLOPES = {act: np.array([p.slope for p in ps], dtype=np.float64) for act, ps in PIECES.items()}
_OFFSETS = {act: np.array([p.offset for p in ps], dtype=np.float64) for act, ps in PIECES.items()}


def _act(act: str, t: np.ndarray) -> np.ndarray:
    """The activation on floats (exact: it only compares, clips or picks constants)."""
    if act == "relu":
        return np.maximum(t, 0.0)
    if act == "hardtanh":
        return np.clip(t, -1.0, 1.0)
    if act == "step":
        return np.where(t >= 0, 1.0, 0.0)
    if act == "ltf":
        return np.where(t >= 0, 1.0, -1.0)
    return t.copy()


def pieces_from_bounds(act: str, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The piece each unit is provably in given ``low <= z <= high``, or ``-1`` (unstable)."""
    if act == "linear":
        return np.zeros(low.shape, dtype=np.int8)
    result = np.full(low.shape, -1, dtype=np.int8)
    for index in range(len(PIECES[act]) - 1, -1, -1):
        result[(result == -1) & PIECES[act][index].contains_interval(low, high)] = index
    return result


class Infeasible(Exception):
    """The pieces fixed by branching contradict the bounds: the region is empty."""


# -- float enclosures of a network -----------------------------------------------------------------

def _enclose(values: Sequence[Fraction]) -> tuple[np.ndarray, np.ndarray | None, bool]:
    """Nearest floats, radii ``>= |exact - float|`` (``None`` when all exact), and whether all are safe."""
    mids = np.empty(len(values), dtype=np.float64)
    radii = None
    safe = True
    for i, v in enumerate(values):
        try:
            f = v.numerator / v.denominator  # correctly rounded (CPython int true division)
        except OverflowError:
            f = _INF if v > 0 else -_INF
        if not math.isfinite(f) or abs(f) > _SAFE:
            safe = False
            f = 0.0
        mids[i] = f
        if Fraction(f) != v:
            if radii is None:
                radii = np.zeros(len(values), dtype=np.float64)
            radii[i] = math.ulp(f) if f != 0.0 else 2.0**-1074
    return mids, radii, safe


@dataclasses.dataclass(eq=False)
class FloatLayer:
    """A layer's weights as floats with exact radii: ``|W_exact - W| <= Wrad`` entrywise."""

    activation: str
    W: np.ndarray
    Wrad: np.ndarray | None
    absW: np.ndarray
    b: np.ndarray
    brad: np.ndarray | None

    @property
    def out_dim(self) -> int:
        return self.W.shape[0]

    @property
    def in_dim(self) -> int:
        return self.W.shape[1]


def _float_layer(activation: str, weights: Sequence[Sequence[Fraction]], bias: Sequence[Fraction]) -> tuple[FloatLayer, bool]:
    rows, cols = len(weights), len(weights[0]) if weights else 0
    flat = [w for row in weights for w in row]
    mid, rad, safe_w = _enclose(flat)
    b, brad, safe_b = _enclose(list(bias))
    W = mid.reshape(rows, cols)
    Wrad = None if rad is None else rad.reshape(rows, cols)
    return FloatLayer(activation, W, Wrad, np.abs(W), b, brad), safe_w and safe_b


@dataclasses.dataclass(eq=False)
class FloatNet:
    """Float enclosures of every layer; ``safe`` is False when some weight is beyond ``2^400``."""

    layers: list[FloatLayer]
    safe: bool

    @property
    def depth(self) -> int:
        return len(self.layers)


def float_network(net: Network) -> FloatNet:
    """The float enclosure of ``net`` (computed once and cached on the frozen network)."""
    cached = net.__dict__.get("_float_enclosure")
    if cached is not None:
        return cached
    layers, safe = [], True
    for layer in net.layers:
        fl, ok = _float_layer(layer.activation, layer.weights, layer.bias)
        layers.append(fl)
        safe = safe and ok
    result = FloatNet(layers, safe)
    object.__setattr__(net, "_float_enclosure", result)
    return result


def same_architecture(f: Network, g: Network) -> bool:
    """Same widths and the same activation in every layer: the differential analysis applies."""
    return f.widths == g.widths and f.activations == g.activations


def _difference_network(f: Network, g: Network) -> FloatNet:
    """Float enclosures of ``W_g - W_f`` and ``b_g - b_f``, computed exactly before rounding."""
    layers, safe = [], True
    for lf, lg in zip(f.layers, g.layers):
        weights = [[b - a for a, b in zip(rf, rg)] for rf, rg in zip(lf.weights, lg.weights)]
        bias = [b - a for a, b in zip(lf.bias, lg.bias)]
        fl, ok = _float_layer(lf.activation, weights, bias)
        layers.append(fl)
        safe = safe and ok
    return FloatNet(layers, safe)


def float_box(lower: Sequence[Fraction | None], upper: Sequence[Fraction | None]) -> tuple[np.ndarray, np.ndarray]:
    """Float bounds rounded outward: ``lo <= lower`` and ``hi >= upper`` exactly (None: infinite)."""
    lo = np.empty(len(lower))
    hi = np.empty(len(upper))
    for j, (a, b) in enumerate(zip(lower, upper)):
        if a is None:
            lo[j] = -_INF
        else:
            try:
                x = a.numerator / a.denominator
            except OverflowError:
                x = -_INF if a < 0 else _SAFE
            if math.isfinite(x) and Fraction(x) > a:
                x = math.nextafter(x, -_INF)
            lo[j] = x
        if b is None:
            hi[j] = _INF
        else:
            try:
                y = b.numerator / b.denominator
            except OverflowError:
                y = _INF if b > 0 else -_SAFE
            if math.isfinite(y) and Fraction(y) < b:
                y = math.nextafter(y, _INF)
            hi[j] = y
    return lo, hi


# -- one network ----------------------------------------------------------------------------------------

def _mag(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.maximum(np.abs(low), np.abs(high))


def _clean(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NaN (from overflow, inf - inf) means nothing is known: -inf below, +inf above."""
    return np.where(np.isnan(lo), -_INF, lo), np.where(np.isnan(hi), _INF, hi)


def _affine_interval(layer: FloatLayer, low: np.ndarray, high: np.ndarray, mag: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rigorous interval of ``W h + b`` for ``h`` in ``[low, high]`` (``mag`` = max |h|)."""
    Wp, Wn = _pos(layer.W), _neg(layer.W)
    lo = Wp @ low + Wn @ high + layer.b
    hi = Wp @ high + Wn @ low + layer.b
    err = _g(2 * layer.in_dim + 1) * (layer.absW @ mag + np.abs(layer.b))
    if layer.Wrad is not None:
        err = err + layer.Wrad @ mag
    if layer.brad is not None:
        err = err + layer.brad
    err = _up(err * (1 + 2.0**-40)) + _ABS * (layer.in_dim + 1)
    return _down(lo - err), _up(hi + err)


def _relaxation(act: str, low: np.ndarray, high: np.ndarray, piece: np.ndarray):
    """Linear bounds ``lam_l t + mu_l <= act(t) <= lam_u t + mu_u`` valid for ``t`` in ``[low, high]``.

    Stable units get their piece's exact line; unstable ones a sound line whose intercept is the
    outward-rounded extreme of ``act(v) - slope * v`` over the breakpoints ``v`` in the interval.
    """
    n = len(low)
    slopes, offsets = _SLOPES[act], _OFFSETS[act]
    fixed = piece >= 0
    safe_piece = np.where(fixed, piece, 0)
    lam_l = np.where(fixed, slopes[safe_piece], 0.0)
    mu_l = np.where(fixed, offsets[safe_piece], 0.0)
    lam_u, mu_u = lam_l.copy(), mu_l.copy()
    loose = ~fixed
    if not loose.any():
        return lam_l, mu_l, lam_u, mu_u
    idx = np.nonzero(loose)[0]
    l, h = low[idx], high[idx]
    if act == "relu":
        s = h / (h - l)
        s = np.where(np.isfinite(s), s, 0.0)
        # vertices (l, 0), (0, 0), (h, h): upper intercept = max(-s l, 0, h - s h) rounded up
        c1 = _up(-(s * l))
        c2 = _up(h - _down(s * h))  # h - s h from above: s h taken from below
        lam_u[idx], mu_u[idx] = s, np.maximum(np.maximum(c1, c2), 0.0)
        lam_l[idx] = np.where(h >= -l, 1.0, 0.0)
        mu_l[idx] = 0.0
    elif act == "hardtanh":
        vs = [l, h, np.where((l < -1) & (-1 < h), -1.0, l), np.where((l < 1) & (1 < h), 1.0, h)]
        phi = [np.clip(v, -1.0, 1.0) for v in vs]
        chord = (np.clip(h, -1, 1) - np.clip(l, -1, 1)) / (h - l)
        chord = np.where(np.isfinite(chord), chord, 0.0)
        convex = (l < -1) & (h <= 1)  # max(-1, t) on [l, h]
        concave = (l >= -1) & (h > 1)  # min(1, t)
        s_up = np.where(concave, np.where(1 - l >= h - 1, 1.0, 0.0), chord)
        s_lo = np.where(convex, np.where(h + 1 >= -1 - l, 1.0, 0.0), chord)
        up_b = np.full(len(idx), -_INF)
        lo_b = np.full(len(idx), _INF)
        for v, p in zip(vs, phi):
            up_b = np.maximum(up_b, _up(p - _down(s_up * v)))
            lo_b = np.minimum(lo_b, _down(p - _up(s_lo * v)))
        lam_u[idx], mu_u[idx], lam_l[idx], mu_l[idx] = s_up, up_b, s_lo, lo_b
    elif act in ("step", "ltf"):
        lam_l[idx] = lam_u[idx] = 0.0
        mu_l[idx] = 0.0 if act == "step" else -1.0
        mu_u[idx] = 1.0
    else:  # linear: never unstable
        lam_l[idx] = lam_u[idx] = 1.0
        mu_l[idx] = mu_u[idx] = 0.0
    bad = ~(np.isfinite(lam_u) & np.isfinite(mu_u) & np.isfinite(lam_l) & np.isfinite(mu_l))
    if bad.any():
        raise _Unbounded
    return lam_l, mu_l, lam_u, mu_u


class _Unbounded(Exception):
    """Some bound is infinite: no linear relaxation exists (the symbolic analysis stops there)."""


@dataclasses.dataclass(eq=False)
class NetAnalysis:
    """Bounds of one network over one box: per layer ``j``, ``lo[j] <= z_j <= hi[j]``, the pieces,
    the relaxation lines, and the bounds ``hin[j]`` of each layer's input (``hin[0]`` is the box).

    ``symbolic`` tells how many layers carry back-substituted (not only interval) bounds.
    """

    net: FloatNet
    lo: list[np.ndarray]
    hi: list[np.ndarray]
    piece: list[np.ndarray]
    hin_lo: list[np.ndarray]
    hin_hi: list[np.ndarray]
    relax: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
    crown_rows: int = 0

    def hmag(self, j: int) -> np.ndarray:
        cache = self.__dict__.setdefault("_hmag", {})
        if j not in cache or len(cache[j][0]) != len(self.hin_lo[j]) or cache[j][1] is not self.hin_lo[j]:
            cache[j] = (_mag(self.hin_lo[j], self.hin_hi[j]), self.hin_lo[j])
        return cache[j][0]

    def zmag(self, j: int) -> np.ndarray:
        cache = self.__dict__.setdefault("_zmag", {})
        if j not in cache or cache[j][1] is not self.lo[j]:
            cache[j] = (_mag(self.lo[j], self.hi[j]), self.lo[j])
        return cache[j][0]

    @property
    def unstable(self) -> list[np.ndarray]:
        return [np.nonzero(p < 0)[0] for p in self.piece]


def _relax_step(P: np.ndarray, relax, zmag: np.ndarray, const: np.ndarray, slack: np.ndarray):
    """Replace ``P . h`` (``h = act(z)``) by its lower bound ``C . z + c`` through the relaxation."""
    lam_l, mu_l, lam_u, mu_u = relax
    Pp, Pn = _pos(P), _neg(P)
    C = Pp * lam_l + Pn * lam_u  # one non-zero product per entry
    const = const + (Pp @ mu_l + Pn @ mu_u)
    n = P.shape[1]
    slack = slack + 2 * _U * (np.abs(C) @ zmag + np.abs(const)) + _g(2 * n) * (np.abs(P) @ np.maximum(np.abs(mu_l), np.abs(mu_u))) \
        + _ABS * (zmag.sum() + 2 * n)
    return C, const, slack


def _affine_step(C: np.ndarray, layer: FloatLayer, hmag: np.ndarray, const: np.ndarray, slack: np.ndarray):
    """Replace ``C . z_j`` by ``P . h_j + c`` (``z_j = W h_j + b``) with the error added to the slack."""
    P = C @ layer.W
    const = const + C @ layer.b
    absC = np.abs(C)
    k = layer.out_dim
    err = _g(k) * (absC @ (layer.absW @ hmag) + absC @ np.abs(layer.b)) + 2 * _U * np.abs(const)
    if layer.Wrad is not None:
        err = err + absC @ (layer.Wrad @ hmag)
    if layer.brad is not None:
        err = err + absC @ layer.brad
    slack = slack + err + _ABS * (hmag.sum() + k)
    return P, const, slack


def _concretize_lower(P: np.ndarray, const: np.ndarray, slack: np.ndarray, xlo: np.ndarray, xhi: np.ndarray) -> np.ndarray:
    """Rigorous lower bound of ``P x + const - slack`` over the box ``[xlo, xhi]``."""
    value = _pos(P) @ xlo + _neg(P) @ xhi + const
    n = P.shape[1]
    err = _g(2 * n + 2) * (np.abs(P) @ _mag(xlo, xhi) + np.abs(const)) + slack
    err = _up(err * (1 + 2.0**-40)) + _ABS * (n + 1)
    result = _down(value - err)
    return np.where(np.isnan(result), -_INF, result)


def _backsub(A: NetAnalysis, k: int, C: np.ndarray, post: bool = False):
    """Lower bounds of ``C . z_k`` (or ``C . h_(k+1)`` when ``post``) as ``(P, const, slack)`` over x."""
    m = C.shape[0]
    const = np.zeros(m)
    slack = np.zeros(m)
    if post:
        C, const, slack = _relax_step(C, A.relax[k], A.zmag(k), const, slack)
    for j in range(k, -1, -1):
        P, const, slack = _affine_step(C, A.net.layers[j], A.hmag(j), const, slack)
        if j == 0:
            return P, const, slack
        C, const, slack = _relax_step(P, A.relax[j - 1], A.zmag(j - 1), const, slack)
    raise AssertionError("unreachable")


def _fix_pieces(act: str, lo: np.ndarray, hi: np.ndarray, fixed: np.ndarray | None):
    """Intersect the bounds with the pieces fixed by branching; raise Infeasible on a contradiction."""
    if fixed is None:
        return lo, hi
    mask = fixed >= 0
    if not mask.any():
        return lo, hi
    pieces = PIECES[act]
    plo = np.array([p.lo for p in pieces])[fixed[mask]]
    phi = np.array([p.hi for p in pieces])[fixed[mask]]
    hi_open = np.array([p.hi_open for p in pieces])[fixed[mask]]
    lo, hi = lo.copy(), hi.copy()
    lo[mask] = np.maximum(lo[mask], plo)
    hi[mask] = np.minimum(hi[mask], phi)
    if np.any(lo[mask] > hi[mask]) or np.any(hi_open & (lo[mask] >= phi)):
        raise Infeasible
    return lo, hi


def _finish_layer(act: str, lo: np.ndarray, hi: np.ndarray, fixed: np.ndarray | None):
    piece = pieces_from_bounds(act, lo, hi)
    if fixed is not None:
        piece = np.where(fixed >= 0, fixed, piece).astype(np.int8)
    return piece


def analyse(net: Network | FloatNet, xlo: np.ndarray, xhi: np.ndarray, fixed: Sequence[np.ndarray | None] | None = None,
            *, symbolic: bool = True, output_bounds: bool = True) -> NetAnalysis:
    """Bounds on every pre-activation of one network over the float box ``[xlo, xhi]``.

    ``fixed[j][i] >= 0`` forces unit ``i`` of layer ``j`` into that piece (a branch); the result
    then holds on the part of the box where the forced units are in their pieces.  Interval
    bounds are computed for every unit, back-substituted (CROWN) bounds for the units that the
    intervals leave unstable (and for the output layer unless ``output_bounds`` is false: a
    caller that back-substitutes its own objective on the outputs does not need them).  Raises
    :class:`Infeasible` when the fixed pieces contradict the bounds.
    """
    fnet = net if isinstance(net, FloatNet) else float_network(net)
    A = NetAnalysis(fnet, [], [], [], [xlo], [xhi], [])
    usable = symbolic and fnet.safe and np.all(np.isfinite(xlo)) and np.all(np.isfinite(xhi))
    L = fnet.depth
    for j, layer in enumerate(fnet.layers):
        if fnet.safe:
            lo, hi = _affine_interval(layer, A.hin_lo[j], A.hin_hi[j], A.hmag(j))
        else:
            lo, hi = np.full(layer.out_dim, -_INF), np.full(layer.out_dim, _INF)
        fix = fixed[j] if fixed is not None else None
        if usable and j > 0:
            piece0 = _finish_layer(layer.activation, lo, hi, fix)
            need = np.nonzero((piece0 < 0) | (output_bounds and j == L - 1))[0]
            if len(need):
                E = np.zeros((len(need), layer.out_dim))
                E[np.arange(len(need)), need] = 1.0
                try:
                    P, const, slack = _backsub(A, j, np.vstack([E, -E]))
                except _Unbounded:
                    usable = False
                else:
                    low = _concretize_lower(P, const, slack, xlo, xhi)
                    A.crown_rows += 2 * len(need)
                    lo[need] = np.maximum(lo[need], low[: len(need)])
                    hi[need] = np.minimum(hi[need], -low[len(need):])
        lo, hi = _fix_pieces(layer.activation, *_clean(lo, hi), fix)
        if np.any(lo > hi):
            raise Infeasible
        piece = _finish_layer(layer.activation, lo, hi, fix)
        A.lo.append(lo)
        A.hi.append(hi)
        A.piece.append(piece)
        if usable:
            try:
                A.relax.append(_relaxation(layer.activation, lo, hi, piece))
            except _Unbounded:
                usable = False
        A.hin_lo.append(_act(layer.activation, lo))
        A.hin_hi.append(_act(layer.activation, hi))
    A.symbolic = usable  # type: ignore[attr-defined]
    return A


def output_objective_lower(A: NetAnalysis, C: np.ndarray, xlo: np.ndarray, xhi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rigorous lower bounds of ``C . out`` (the network's outputs) and the input coefficients used."""
    k = A.net.depth - 1
    P, const, slack = _backsub(A, k, C, post=True)
    return _concretize_lower(P, const, slack, xlo, xhi), P


def linear_output_lower(A: NetAnalysis, C: np.ndarray):
    """``(P, const, slack)`` with ``C . out(x) >= P x + const - slack`` on the analysed region."""
    return _backsub(A, A.net.depth - 1, C, post=True)


# -- two networks of the same architecture: the difference ------------------------------------------------

def _diff_relaxation(act: str, pf: np.ndarray, pg: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                     dlo: np.ndarray, dhi: np.ndarray, glo: np.ndarray, ghi: np.ndarray):
    """Lines ``a_l z + b_l d + c_l <= act(z + d) - act(z) <= a_u z + b_u d + c_u``.

    Valid for ``z`` in ``[lo, hi]`` (``f``'s pre-activation), ``d`` in ``[dlo, dhi]`` (the
    difference) and ``z + d`` in ``[glo, ghi]``.  Both pieces fixed: the exact affine map.
    Otherwise (ReLU, hardtanh: monotone and 1-Lipschitz) the difference lies between
    ``min(0, d)`` and ``max(0, d)``, relaxed by their chords over ``[dlo, dhi]`` (NeuroDiff), and
    replaced by the exact line ``d`` or ``0`` where one network's piece allows it (for ReLU:
    ``f`` active gives ``dh >= d``, ``f`` inactive ``dh >= 0``, ``g`` active ``dh <= d``, ``g``
    inactive ``dh <= 0``).  Step and ltf (monotone, piecewise constant) get constant bounds.
    """
    n = len(lo)
    al, bl, cl = np.zeros(n), np.zeros(n), np.zeros(n)
    au, bu, cu = np.zeros(n), np.zeros(n), np.zeros(n)
    slopes, offsets = _SLOPES[act], _OFFSETS[act]
    both = (pf >= 0) & (pg >= 0)
    if both.any():
        sf, of = slopes[pf[both]], offsets[pf[both]]
        sg, og = slopes[pg[both]], offsets[pg[both]]
        al[both] = au[both] = sg - sf
        bl[both] = bu[both] = sg
        cl[both] = cu[both] = og - of
    rest = ~both
    if not rest.any():
        return al, bl, cl, au, bu, cu
    idx = np.nonzero(rest)[0]
    if act in ("relu", "hardtanh", "linear"):
        d0, d1 = dlo[idx], dhi[idx]
        # chord of min(0, d) from below
        s = np.where((d0 < 0) & (d1 > 0), -d0 / (d1 - d0), 0.0)
        s = np.where(np.isfinite(s), s, 0.0)
        # intercept: min of min(0, v) - s v over the vertices v in {d0, 0, d1}, rounded down
        lo_c = np.minimum(_down(np.minimum(d0, 0) - _up(s * d0)), _down(np.minimum(d1, 0) - _up(s * d1)))
        lo_s = np.where(d1 <= 0, 1.0, np.where(d0 >= 0, 0.0, s))
        lo_c = np.where(d1 <= 0, 0.0, np.where(d0 >= 0, 0.0, np.minimum(lo_c, 0.0)))
        # chord of max(0, d) from above
        t = np.where((d0 < 0) & (d1 > 0), d1 / (d1 - d0), 0.0)
        t = np.where(np.isfinite(t), t, 0.0)
        up_c = np.maximum(_up(np.maximum(d0, 0) - _down(t * d0)), _up(np.maximum(d1, 0) - _down(t * d1)))
        up_s = np.where(d0 >= 0, 1.0, np.where(d1 <= 0, 0.0, t))
        up_c = np.where(d0 >= 0, 0.0, np.where(d1 <= 0, 0.0, np.maximum(up_c, 0.0)))
        pfi, pgi = pf[idx], pg[idx]
        if act == "relu":
            ge_d = pfi == 1  # dh >= d
            ge_0 = pfi == 0  # dh >= 0
            le_d = pgi == 1
            le_0 = pgi == 0
        elif act == "hardtanh":
            ge_d = np.zeros(len(idx), dtype=bool)
            le_d = np.zeros(len(idx), dtype=bool)
            ge_0 = (pfi == 0) | (pgi == 2)
            le_0 = (pgi == 0) | (pfi == 2)
        else:
            ge_d = le_d = np.ones(len(idx), dtype=bool)
            ge_0 = le_0 = np.zeros(len(idx), dtype=bool)
        bl[idx] = np.where(ge_d, 1.0, np.where(ge_0, 0.0, lo_s))
        cl[idx] = np.where(ge_d | ge_0, 0.0, lo_c)
        bu[idx] = np.where(le_d, 1.0, np.where(le_0, 0.0, up_s))
        cu[idx] = np.where(le_d | le_0, 0.0, up_c)
    else:  # step, ltf: monotone, constant between its values
        phi_glo, phi_ghi = _act(act, glo[idx]), _act(act, ghi[idx])
        phi_lo, phi_hi = _act(act, lo[idx]), _act(act, hi[idx])
        low = phi_glo - phi_hi  # exact: small integers
        high = phi_ghi - phi_lo
        low = np.where(dlo[idx] >= 0, np.maximum(low, 0.0), low)
        high = np.where(dhi[idx] <= 0, np.minimum(high, 0.0), high)
        cl[idx], cu[idx] = low, high
    bad = ~(np.isfinite(bl) & np.isfinite(cl) & np.isfinite(bu) & np.isfinite(cu))
    if bad.any():
        raise _Unbounded
    return al, bl, cl, au, bu, cu


def _diff_post_interval(act: str, relax, lo, hi, dlo, dhi, glo, ghi):
    """Interval of ``dh = act(z_g) - act(z_f)`` from the relaxation lines and from monotonicity."""
    al, bl, cl, au, bu, cu = relax
    low = _down(_down(np.minimum(al * lo, al * hi)) + _down(np.minimum(bl * dlo, bl * dhi)))
    low = _down(low + cl)
    high = _up(_up(np.maximum(au * lo, au * hi)) + _up(np.maximum(bu * dlo, bu * dhi)))
    high = _up(high + cu)
    mono_lo = _down(_act(act, glo) - _act(act, hi))
    mono_hi = _up(_act(act, ghi) - _act(act, lo))
    low = np.where(np.isnan(low), -_INF, low)
    high = np.where(np.isnan(high), _INF, high)
    return np.maximum(low, mono_lo), np.minimum(high, mono_hi)


@dataclasses.dataclass(eq=False)
class PairAnalysis:
    """Bounds for two networks of one architecture over one box: ``f``, ``g`` and their difference.

    ``dlo[j] <= z^g_j - z^f_j <= dhi[j]`` and ``dhin_lo[j] <= h^g_j - h^f_j <= dhin_hi[j]``.
    """

    f: NetAnalysis
    g: NetAnalysis
    diff: FloatNet
    dlo: list[np.ndarray]
    dhi: list[np.ndarray]
    dhin_lo: list[np.ndarray]
    dhin_hi: list[np.ndarray]
    drelax: list[tuple]
    symbolic: bool = True
    crown_rows: int = 0

    def dmag(self, j: int) -> np.ndarray:
        return _mag(self.dhin_lo[j], self.dhin_hi[j])

    def dzmag(self, j: int) -> np.ndarray:
        return _mag(self.dlo[j], self.dhi[j])


def _diff_affine_interval(fl: FloatLayer, gl: FloatLayer, dl: FloatLayer, hlo, hhi, hmag, dhlo, dhhi, dhmag):
    """Rigorous interval of ``dz = W_g dh + D h_f + db`` (ReluDiff's forward interval pass)."""
    Gp, Gn, Dp, Dn = _pos(gl.W), _neg(gl.W), _pos(dl.W), _neg(dl.W)
    lo = Gp @ dhlo + Gn @ dhhi + Dp @ hlo + Dn @ hhi + dl.b
    hi = Gp @ dhhi + Gn @ dhlo + Dp @ hhi + Dn @ hlo + dl.b
    n = gl.in_dim
    err = _g(4 * n + 1) * (gl.absW @ dhmag + dl.absW @ hmag + np.abs(dl.b))
    for rad, mag in ((gl.Wrad, dhmag), (dl.Wrad, hmag)):
        if rad is not None:
            err = err + rad @ mag
    if dl.brad is not None:
        err = err + dl.brad
    err = _up(err * (1 + 2.0**-40)) + _ABS * (2 * n + 1)
    lo, hi = _down(lo - err), _up(hi + err)
    return np.where(np.isnan(lo), -_INF, lo), np.where(np.isnan(hi), _INF, hi)


def _diff_backsub(PA: PairAnalysis, k: int, CZ: np.ndarray, CD: np.ndarray, post: bool = False):
    """Lower bounds of ``CZ . z^f_k + CD . dz_k`` (or of ``CZ . h^f + CD . dh`` after layer ``k`` when ``post``).

    Back-substitutes through the pair ``(h^f, dh)`` layer by layer to the input; returns
    ``(P, const, slack)`` with the objective ``>= P x + const - slack`` on the region.
    """
    F, G, D = PA.f.net.layers, PA.g.net.layers, PA.diff.layers
    m = CZ.shape[0]
    const = np.zeros(m)
    slack = np.zeros(m)
    if post:
        CZ, CD, const, slack = _diff_relax_step(PA, k, CZ, CD, const, slack)
    for j in range(k, -1, -1):
        fl, gl, dl = F[j], G[j], D[j]
        hmag, dmag = PA.f.hmag(j), PA.dmag(j)
        H = CZ @ fl.W + CD @ dl.W
        const = const + CZ @ fl.b + CD @ dl.b
        aZ, aD = np.abs(CZ), np.abs(CD)
        n_out = fl.out_dim
        err = _g(2 * n_out + 1) * (aZ @ (fl.absW @ hmag) + aD @ (dl.absW @ hmag) + aZ @ np.abs(fl.b) + aD @ np.abs(dl.b))
        for coef, rad, mag in ((aZ, fl.Wrad, hmag), (aD, dl.Wrad, hmag)):
            if rad is not None:
                err = err + coef @ (rad @ mag)
        for coef, rad in ((aZ, fl.brad), (aD, dl.brad)):
            if rad is not None:
                err = err + coef @ rad
        slack = slack + err + 2 * _U * np.abs(const) + _ABS * (hmag.sum() + n_out + 1)
        if j == 0:
            return H, const, slack
        Gc = CD @ gl.W
        err = _g(n_out) * (aD @ (gl.absW @ dmag))
        if gl.Wrad is not None:
            err = err + aD @ (gl.Wrad @ dmag)
        slack = slack + err + _ABS * (dmag.sum() + 1)
        # relax h^f_j (in z^f_(j-1)) and dh_j (in z^f_(j-1), dz_(j-1))
        CZ, CD, const, slack = _diff_relax_pair(PA, j - 1, H, Gc, const, slack)
    raise AssertionError("unreachable")


def _diff_relax_pair(PA: PairAnalysis, j: int, H: np.ndarray, Gc: np.ndarray, const, slack):
    lam_l, mu_l, lam_u, mu_u = PA.f.relax[j]
    al, bl, cl, au, bu, cu = PA.drelax[j]
    Hp, Hn, Gp, Gn = _pos(H), _neg(H), _pos(Gc), _neg(Gc)
    CZ = Hp * lam_l + Hn * lam_u + Gp * al + Gn * au
    CD = Gp * bl + Gn * bu
    const = const + (Hp @ mu_l + Hn @ mu_u + Gp @ cl + Gn @ cu)
    n = H.shape[1]
    zmag, dzmag = PA.f.zmag(j), PA.dzmag(j)
    terms = np.abs(H) * np.maximum(np.abs(lam_l), np.abs(lam_u)) + np.abs(Gc) * np.maximum(np.abs(al), np.abs(au))
    cmax = np.abs(H) @ np.maximum(np.abs(mu_l), np.abs(mu_u)) + np.abs(Gc) @ np.maximum(np.abs(cl), np.abs(cu))
    slack = slack + 4 * _U * (terms @ zmag) + 2 * _U * (np.abs(CD) @ dzmag + np.abs(const)) + _g(4 * n) * cmax \
        + _ABS * (zmag.sum() + dzmag.sum() + 4 * n)
    return CZ, CD, const, slack


def _diff_relax_step(PA: PairAnalysis, k: int, CZ: np.ndarray, CD: np.ndarray, const, slack):
    """For a ``post`` objective: ``CZ . h^f_(k+1) + CD . dh_(k+1)`` relaxed into layer ``k``'s pre-activations."""
    return _diff_relax_pair(PA, k, CZ, CD, const, slack)


def analyse_pair(f: Network, g: Network, xlo: np.ndarray, xhi: np.ndarray,
                 fixed_f: Sequence[np.ndarray | None] | None = None, fixed_g: Sequence[np.ndarray | None] | None = None,
                 *, g_symbolic: bool = True, diff_net: FloatNet | None = None, output_bounds: bool = True) -> PairAnalysis:
    """Bounds of ``f``, ``g`` (same architecture) and of ``g - f`` at every layer, over ``[xlo, xhi]``.

    Layer by layer: ``f`` by intervals and back-substitution; the difference by ReluDiff's
    interval pass and by differential back-substitution; ``g`` from ``f`` plus the difference,
    intersected with its own intervals (and its own back-substitution for the units still
    unstable when ``g_symbolic``); then each bound is tightened by the others
    (``z_g = z_f + dz``).  ``output_bounds=False`` skips the back-substitution for output units
    that are stable (the caller bounds its own objective on the outputs).  Raises
    :class:`Infeasible` when fixed pieces contradict the bounds.
    """
    ff, gf = float_network(f), float_network(g)
    D = diff_net if diff_net is not None else _difference_network(f, g)
    L = ff.depth
    FA = NetAnalysis(ff, [], [], [], [xlo], [xhi], [])
    GA = NetAnalysis(gf, [], [], [], [xlo], [xhi], [])
    zero = np.zeros(len(xlo))
    PA = PairAnalysis(FA, GA, D, [], [], [zero], [zero], [])
    usable = ff.safe and gf.safe and D.safe and np.all(np.isfinite(xlo)) and np.all(np.isfinite(xhi))
    PA.symbolic = bool(usable)
    for j in range(L):
        fl, gl, dl = ff.layers[j], gf.layers[j], D.layers[j]
        act = fl.activation
        fix_f = fixed_f[j] if fixed_f is not None else None
        fix_g = fixed_g[j] if fixed_g is not None else None
        dr = None
        if usable:
            lo, hi = _affine_interval(fl, FA.hin_lo[j], FA.hin_hi[j], FA.hmag(j))
            glo, ghi = _affine_interval(gl, GA.hin_lo[j], GA.hin_hi[j], GA.hmag(j))
            dlo, dhi = _diff_affine_interval(fl, gl, dl, FA.hin_lo[j], FA.hin_hi[j], FA.hmag(j),
                                             PA.dhin_lo[j], PA.dhin_hi[j], PA.dmag(j))
        else:
            inf = np.full(fl.out_dim, _INF)
            lo, hi, glo, ghi, dlo, dhi = -inf, inf.copy(), -inf, inf.copy(), -inf, inf.copy()
        last = output_bounds and j == L - 1
        if usable and j > 0:
            # f: back-substitution for the units intervals leave unstable (and the outputs)
            pf0 = _finish_layer(act, lo, hi, fix_f)
            need = np.nonzero((pf0 < 0) | last)[0]
            if len(need):
                E = np.zeros((len(need), fl.out_dim))
                E[np.arange(len(need)), need] = 1.0
                P, const, slack = _backsub(FA, j, np.vstack([E, -E]))
                low = _concretize_lower(P, const, slack, xlo, xhi)
                lo[need] = np.maximum(lo[need], low[: len(need)])
                hi[need] = np.minimum(hi[need], -low[len(need):])
                PA.crown_rows += 2 * len(need)
            # the difference: where f or g may be unstable (and the outputs)
            g_est_lo, g_est_hi = np.maximum(glo, _down(lo + dlo)), np.minimum(ghi, _up(hi + dhi))
            pf0 = _finish_layer(act, lo, hi, fix_f)
            pg0 = _finish_layer(act, g_est_lo, g_est_hi, fix_g)
            need = np.nonzero((pf0 < 0) | (pg0 < 0) | last)[0]
            if len(need):
                E = np.zeros((len(need), fl.out_dim))
                E[np.arange(len(need)), need] = 1.0
                CD = np.vstack([E, -E])
                P, const, slack = _diff_backsub(PA, j, np.zeros_like(CD), CD)
                low = _concretize_lower(P, const, slack, xlo, xhi)
                dlo[need] = np.maximum(dlo[need], low[: len(need)])
                dhi[need] = np.minimum(dhi[need], -low[len(need):])
                PA.crown_rows += 2 * len(need)
        # g from f + difference
        glo = np.maximum(glo, _down(lo + dlo))
        ghi = np.minimum(ghi, _up(hi + dhi))
        if usable and j > 0 and g_symbolic:
            pg0 = _finish_layer(act, glo, ghi, fix_g)
            need = np.nonzero(pg0 < 0)[0]
            if len(need):
                E = np.zeros((len(need), gl.out_dim))
                E[np.arange(len(need)), need] = 1.0
                P, const, slack = _backsub(GA, j, np.vstack([E, -E]))
                low = _concretize_lower(P, const, slack, xlo, xhi)
                glo[need] = np.maximum(glo[need], low[: len(need)])
                ghi[need] = np.minimum(ghi[need], -low[len(need):])
                PA.crown_rows += 2 * len(need)
        lo, hi = _fix_pieces(act, *_clean(lo, hi), fix_f)
        glo, ghi = _fix_pieces(act, *_clean(glo, ghi), fix_g)
        dlo, dhi = _clean(dlo, dhi)
        # mutual tightening: dz = z_g - z_f, z_f = z_g - dz, z_g = z_f + dz
        dlo = np.maximum(dlo, _down(glo - hi))
        dhi = np.minimum(dhi, _up(ghi - lo))
        lo = np.maximum(lo, _down(glo - dhi))
        hi = np.minimum(hi, _up(ghi - dlo))
        if np.any(lo > hi) or np.any(glo > ghi) or np.any(dlo > dhi):
            raise Infeasible
        pf = _finish_layer(act, lo, hi, fix_f)
        pg = _finish_layer(act, glo, ghi, fix_g)
        for A, a_lo, a_hi, p in ((FA, lo, hi, pf), (GA, glo, ghi, pg)):
            A.lo.append(a_lo)
            A.hi.append(a_hi)
            A.piece.append(p)
            A.hin_lo.append(_act(act, a_lo))
            A.hin_hi.append(_act(act, a_hi))
        PA.dlo.append(dlo)
        PA.dhi.append(dhi)
        if usable:
            try:
                FA.relax.append(_relaxation(act, lo, hi, pf))
                GA.relax.append(_relaxation(act, glo, ghi, pg))
                dr = _diff_relaxation(act, pf, pg, lo, hi, dlo, dhi, glo, ghi)
            except _Unbounded:
                usable = False
                PA.symbolic = False
                dr = None
            PA.drelax.append(dr)
        if dr is not None and usable:
            dh_lo, dh_hi = _diff_post_interval(act, dr, lo, hi, dlo, dhi, glo, ghi)
        else:
            dh_lo = _down(_act(act, glo) - _act(act, hi))
            dh_hi = _up(_act(act, ghi) - _act(act, lo))
        PA.dhin_lo.append(dh_lo)
        PA.dhin_hi.append(dh_hi)
    FA.symbolic = GA.symbolic = PA.symbolic  # type: ignore[attr-defined]
    return PA


def diff_output_lower(PA: PairAnalysis, CD: np.ndarray):
    """``(P, const, slack)`` with ``CD . (g(x) - f(x)) >= P x + const - slack`` on the analysed region."""
    k = PA.f.net.depth - 1
    return _diff_backsub(PA, k, np.zeros_like(CD), CD, post=True)


# -- public, exact-valued interface ------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class LayerBounds:
    """Bounds of one layer's pre-activations: ``lower[i] <= z_i <= upper[i]`` (``None``: unbounded)."""

    lower: tuple[Fraction | None, ...]
    upper: tuple[Fraction | None, ...]

    def stable(self, activation: str) -> tuple[int, ...]:
        """The provable piece of every unit (``-1``: unstable), decided exactly; see :data:`PIECES`."""
        result = []
        for lo, hi in zip(self.lower, self.upper):
            found = -1
            for index in range(len(PIECES[activation]) - 1, -1, -1):
                p = PIECES[activation][index]
                left = p.lo == -_INF or (lo is not None and (lo > p.lo if p.lo_open else lo >= p.lo))
                right = p.hi == _INF or (hi is not None and (hi < p.hi if p.hi_open else hi <= p.hi))
                if left and right:
                    found = index
                    break
            result.append(found)
        return tuple(result)


def _to_fraction(x: float) -> Fraction | None:
    return Fraction(x) if math.isfinite(x) else None


def _layer_bounds(lo: np.ndarray, hi: np.ndarray) -> LayerBounds:
    return LayerBounds(tuple(_to_fraction(float(v)) for v in lo), tuple(_to_fraction(float(v)) for v in hi))


def _domain_box(domain: Box | Polytope | Reals, dim: int) -> tuple[list[Fraction | None], list[Fraction | None]]:
    """An exact bounding box of the domain (for a polytope: exact LP optima, by z3)."""
    if domain.dim != dim:
        raise ShapeError(f"the domain has dimension {domain.dim} but the network reads {dim} inputs")
    if isinstance(domain, Box):
        return list(domain.lower), list(domain.upper)
    if isinstance(domain, Reals):
        return [None] * dim, [None] * dim
    if isinstance(domain, Polytope):
        return polytope_bounding_box(domain)
    raise InputError(f"bounds are computed over a Box, a Polytope or Reals (got {type(domain).__name__})")


def polytope_bounding_box(domain: Polytope, deadline: Any = None) -> tuple[list[Fraction | None], list[Fraction | None]]:
    """``min`` and ``max`` of every coordinate over the polytope, exactly (``None``: unbounded).

    Raises :class:`exactnets.lp.EmptyRegion` if the polytope is empty.
    """
    from exactnets.lp import EmptyRegion, Halfspace, Region, exact_maximum

    n = domain.dim
    region = Region(n, None, None, [Halfspace.from_rationals(row, b) for row, b in zip(domain.A, domain.b)])
    lower: list[Fraction | None] = []
    upper: list[Fraction | None] = []
    for j in range(n):
        e = [0] * n
        e[j] = 1
        kind, value = exact_maximum(region, e, deadline=deadline)
        if kind == "empty":
            raise EmptyRegion
        upper.append(value)
        e[j] = -1
        kind, value = exact_maximum(region, e, deadline=deadline)
        lower.append(None if value is None else -value)
    return lower, upper


def interval_bounds(net: Network, domain: Box | Polytope | Reals) -> list[LayerBounds]:
    """Exact interval propagation: every layer's pre-activation bounds in exact rationals.

    Each layer is scaled to integers (``[W | b] = [W_int | b_int] / D``), the box to integers
    over one common denominator, and the intervals are propagated in Python integers, so nothing
    is rounded.  A polytope is first replaced by its exact bounding box; over ``R^n`` every
    bound is ``None`` unless a unit's weights are all zero.

    >>> from exactnets.network import Layer, Network
    >>> net = Network(1, [Layer("relu", [["1/3"]], [0]), Layer("linear", [[-3]], [1])])
    >>> [(b.lower, b.upper) for b in interval_bounds(net, Box([-1], [1]))]
    [((Fraction(-1, 3),), (Fraction(1, 3),)), ((Fraction(0, 1),), (Fraction(1, 1),))]
    """
    lower, upper = _domain_box(domain, net.input_dim)
    scale = 1
    for v in (*lower, *upper):
        if v is not None:
            scale = math.lcm(scale, v.denominator)
    lo: list[int | None] = [None if v is None else int(v * scale) for v in lower]
    hi: list[int | None] = [None if v is None else int(v * scale) for v in upper]
    result = []
    for layer in net.layers:
        weights, bias, den = _integer_layer(layer)
        new_lo: list[int | None] = []
        new_hi: list[int | None] = []
        for row, b in zip(weights, bias):
            low: int | None = scale * b
            high: int | None = scale * b
            for w, a, c in zip(row, lo, hi):
                if w == 0:
                    continue
                small, big = (a, c) if w > 0 else (c, a)
                low = None if (low is None or small is None) else low + w * small
                high = None if (high is None or big is None) else high + w * big
            new_lo.append(low)
            new_hi.append(high)
        out_scale = scale * den
        result.append(LayerBounds(tuple(None if v is None else Fraction(v, out_scale) for v in new_lo),
                                  tuple(None if v is None else Fraction(v, out_scale) for v in new_hi)))
        act = layer.activation
        if act == "relu":
            lo = [None if v is None else max(v, 0) for v in new_lo]
            lo = [0 if v is None else v for v in lo]
            hi = [None if v is None else max(v, 0) for v in new_hi]
            scale = out_scale
        elif act == "hardtanh":
            lo = [-out_scale if v is None else max(-out_scale, min(out_scale, v)) for v in new_lo]
            hi = [out_scale if v is None else max(-out_scale, min(out_scale, v)) for v in new_hi]
            scale = out_scale
        elif act in ("step", "ltf"):
            neg = 0 if act == "step" else -1
            lo = [neg if (v is None or v < 0) else 1 for v in new_lo]
            hi = [1 if (v is None or v >= 0) else neg for v in new_hi]
            scale = 1
        else:
            lo, hi, scale = new_lo, new_hi, out_scale
    return result


def symbolic_bounds(net: Network, domain: Box | Polytope) -> list[LayerBounds]:
    """Back-substituted linear-relaxation bounds (DeepPoly / CROWN) of every pre-activation.

    Computed in float64 with a proven error bound (see the module docstring) and returned as the
    exact binary values of those floats, which bound the exact pre-activations.  Over an
    unbounded domain the bounds are ``None`` where no finite bound is known.
    """
    lower, upper = _domain_box(domain, net.input_dim)
    xlo, xhi = float_box(lower, upper)
    A = analyse(net, xlo, xhi)
    return [_layer_bounds(lo, hi) for lo, hi in zip(A.lo, A.hi)]


def differential_bounds(f: Network, g: Network, domain: Box | Polytope) -> list[LayerBounds]:
    """Bounds on ``z^g_j - z^f_j`` for every unit of two same-architecture networks (ReluDiff).

    Layer ``j``'s entry bounds the difference of the two pre-activations; the last entry bounds
    ``g(x) - f(x)`` when the output layer is linear.  Sound in the sense of the module docstring.

    >>> from exactnets.network import Layer, Network
    >>> f = Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [0])])
    >>> g = Network(1, [Layer("relu", [["1001/1000"]], [0]), Layer("linear", [[1]], [0])])
    >>> d = differential_bounds(f, g, Box([-1], [1]))[-1]       # g - f = relu(x) / 1000
    >>> Fraction(-1001, 10**6) < d.lower[0] <= 0 and Fraction(1, 1000) <= d.upper[0] < Fraction(1001, 10**6)
    True
    >>> s_f, s_g = symbolic_bounds(f, Box([-1], [1]))[-1], symbolic_bounds(g, Box([-1], [1]))[-1]
    >>> s_g.lower[0] - s_f.upper[0] <= -1          # subtracting separate bounds: far looser
    True
    """
    if not same_architecture(f, g):
        raise ShapeError("differential bounds need two networks with the same widths and activations")
    lower, upper = _domain_box(domain, f.input_dim)
    xlo, xhi = float_box(lower, upper)
    PA = analyse_pair(f, g, xlo, xhi)
    return [_layer_bounds(lo, hi) for lo, hi in zip(PA.dlo, PA.dhi)]
