"""Exact re-computation of the branch-and-bound's bounds: every inequality checked in integers.

:mod:`exactnets.verify.bounds` computes interval, DeepPoly/CROWN and ReluDiff bounds in float64
with a proven rounding-error bound.  This module recomputes the same analyses **in integer
arithmetic on dyadic rationals**, so that a node of the branch and bound closed by bounds (a mode
proved, a region found empty, a unit found stable) rests on a theorem of rational arithmetic and
not on a model of IEEE-754 rounding.  :func:`confirm_node` is what
:mod:`exactnets.verify.regions` calls.

How the arithmetic stays exact and cheap
----------------------------------------
*Vectors* (bounds of units, intercepts, constants of linear forms) are Python integers on the
grid ``2^-G`` (``G = 96``): a lower bound is rounded *down* to the grid, an upper bound *up*,
so every stored bound is a valid (slightly weaker) bound.  Nothing is ever rounded to nearest.

*Weights* are split exactly: ``W = (W_int + R) 2^-s`` with integer ``W_int`` and a remainder
``0 <= R < 1`` entrywise.  For dyadic weights (float32/float64 values, the target workload) ``s``
is their largest binary exponent and ``R = 0``; for any other rational ``s`` gives about 60
significant bits and the remainder is carried as an exact error term ``|C| R |h| <= |C|_1
2^-s |h|_1`` (subtracted from every lower bound).  So arbitrary rational networks are handled
by the same integer code, dyadic ones with no remainder at all.

*Linear forms* in back-substitution (``C . z >= P . h + c``) keep one integer mantissa matrix
(numpy ``int64``) and one binary exponent per row.  After each product the mantissas are
*floored* to at most ``B`` bits (29 to 36): the dropped part ``E`` lies in ``[0, 2^e)``
entrywise, so ``E . h >= 2^e sum_j min(lo_j, 0)``, an exact integer correction added to the
constant (zero after a ReLU layer, whose outputs are non-negative).  The products themselves
are exact: ``W_int`` is cut into limbs of ``LB = 16`` bits, and each limb product runs on
float64 BLAS with every product and partial sum an integer proven below ``2^52``
(``|C| < 2^b``, ``|limb| <= 2^LB``, at most ``2^k`` terms, ``b + LB + k <= 52``), so the float
result *is* the integer result whatever order or fused operations BLAS uses -- the device
:mod:`exactnets.evaluate` uses for cube evaluation.  The limbs are recombined by exact floor
carries in ``int64``.  Forward interval propagation cuts the (outward-rounded, 47-bit) box into
limbs the same way and recombines in Python integers.  (python-flint's ``fmpz_mat`` was
measured first: its products are fast, but converting 5,000 Python integers in and out per step
cost more than the whole float64-limb step.)

Relaxations
-----------
The slopes of the relaxation lines are chosen as the float analysis chooses them (triangle
relaxation ``u/(u-l)``, CROWN's adaptive lower slope, NeuroDiff's chords for ``act(z+d) -
act(z)``) but *rounded to the grid* ``2^-SL`` (``SL = 24``), and each line's intercept is then
computed exactly as the extreme of ``act(v) - s v`` over the vertices ``v`` where the extreme of
a piecewise-linear function minus a line is attained (the interval's ends and the breakpoints
inside it; for the differential lines the ends of ``[dlo, dhi]`` and ``0``, since
``min(0, d) <= act(z + d) - act(z) <= max(0, d)`` for a monotone 1-Lipschitz activation).  Any
slope gives a valid line; rounding only costs a little tightness.  The slopes come from this
module's own exact bounds, so no float value enters what the answer rests on.

References: Singh et al., "DeepPoly", POPL 2019; Zhang et al., "CROWN", NeurIPS 2018; Paulsen,
Wang, Wang, "ReluDiff", ICSE 2020; Paulsen et al., "NeuroDiff", ASE 2020.

>>> from exactnets.network import Layer, Network
>>> net = Network(1, [Layer("relu", [[1], [-1]], [0, 0]), Layer("linear", [[1, 1]], [0])])  # |x|
>>> A = exact_analyse(net, [Fraction(-1)], [Fraction(2)])
>>> lo, hi = A.bounds(1)[0]          # |x| on [-1, 2] ranges over [0, 2]
>>> lo, 2 <= hi < 2 + Fraction(1, 10**6)   # the slope 2/3, rounded to 2^-24, costs ~6e-8 above
(Fraction(0, 1), True)
>>> from exactnets.verify.query import Mode
>>> g = Network(1, [Layer("relu", [[1], [-1]], [0, "1/1000"]), Layer("linear", [[1, 1]], [0])])
>>> C = confirm_node(net, g, [Fraction(-1)], [Fraction(2)], Mode("epsilon", Fraction(1, 500)))
>>> C.proved, C.empty               # |g - f| <= 1/1000 <= 1/500 everywhere: proved exactly
(True, False)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.network import Network

__all__ = ["G", "SL", "ExactAnalysis", "ExactPairAnalysis", "exact_analyse", "exact_analyse_pair",
           "Confirmation", "confirm_node", "ExactInfeasible"]

#: Grid of vectors: bounds are integers times ``2^-G``.
G = 96
#: Grid of relaxation slopes: ``2^-SL``.
SL = 24
#: Bits per limb of the weight matrices.
LB = 16

_ONE = 1 << G


class ExactInfeasible(Exception):
    """The fixed pieces contradict the exact bounds: the region is empty (a proof)."""


# -- grid helpers ------------------------------------------------------------------------------------

def _fl(v: int, e: int) -> int:
    """``floor(v 2^e)``."""
    return v << e if e >= 0 else v >> -e


def _ce(v: int, e: int) -> int:
    """``ceil(v 2^e)``."""
    return v << e if e >= 0 else -((-v) >> -e)


_FL = np.frompyfunc(_fl, 2, 1)


def _fl_rows(v, e: np.ndarray) -> np.ndarray:
    """``floor(v_i 2^e_i)`` elementwise (object array of Python integers)."""
    return _FL(np.asarray(v, dtype=object), e.astype(object))


def grid_floor(q: Fraction) -> int:
    return (q.numerator << G) // q.denominator


def grid_ceil(q: Fraction) -> int:
    return -((-q.numerator << G) // q.denominator)


def _frac(v: int) -> Fraction:
    return Fraction(v, _ONE)


def _obj(values) -> np.ndarray:
    a = np.empty(len(values), dtype=object)
    a[:] = [int(v) for v in values]
    return a


# -- exact piece tables (breakpoints as grid integers) -----------------------------------------------------

# (lo, hi, slope, offset, lo_open, hi_open); None = infinite.  Same numbering as bounds.PIECES.
_PIECES: dict[str, tuple[tuple[Any, Any, int, int, bool, bool], ...]] = {
    "relu": ((None, 0, 0, 0, False, False), (0, None, 1, 0, False, False)),
    "hardtanh": ((None, -_ONE, 0, -1, False, False), (-_ONE, _ONE, 1, 0, False, False), (_ONE, None, 0, 1, False, False)),
    "step": ((None, 0, 0, 0, False, True), (0, None, 0, 1, False, False)),
    "ltf": ((None, 0, 0, -1, False, True), (0, None, 0, 1, False, False)),
    "linear": ((None, None, 1, 0, False, False),),
}


def _act_grid(act: str, v: int) -> int:
    if act == "relu":
        return v if v > 0 else 0
    if act == "hardtanh":
        return max(-_ONE, min(_ONE, v))
    if act == "step":
        return _ONE if v >= 0 else 0
    if act == "ltf":
        return _ONE if v >= 0 else -_ONE
    return v


def _piece_of(act: str, lo: int, hi: int) -> int:
    """The piece containing ``[lo, hi]`` (highest index first, as bounds.pieces_from_bounds), or -1."""
    if act == "relu":
        return 1 if lo >= 0 else (0 if hi <= 0 else -1)
    table = _PIECES[act]
    for index in range(len(table) - 1, -1, -1):
        plo, phi, _, _, lo_open, hi_open = table[index]
        left = plo is None or (lo > plo if lo_open else lo >= plo)
        right = phi is None or (hi < phi if hi_open else hi <= phi)
        if left and right:
            return index
    return -1


def _fix_piece(act: str, lo: int, hi: int, piece: int) -> tuple[int, int]:
    plo, phi, _, _, lo_open, hi_open = _PIECES[act][piece]
    if plo is not None:
        lo = max(lo, plo)
    if phi is not None:
        hi = min(hi, phi)
    if lo > hi or (hi_open and phi is not None and lo >= phi):
        raise ExactInfeasible
    return lo, hi


# -- weights as integers ------------------------------------------------------------------------------------

def _exponent_for(values: Sequence[Fraction]) -> tuple[int, bool]:
    """``(s, exact)``: every value is a multiple of ``2^-s`` when ``exact``; else ``s`` gives ~60 bits."""
    s = 0
    dyadic = True
    for q in values:
        d = q.denominator
        if d & (d - 1):
            dyadic = False
            break
        s = max(s, d.bit_length() - 1)
    if dyadic and s <= 160:
        return s, True
    big = max((abs(q) for q in values), default=Fraction(0))
    top = math.floor(math.log2(big)) if big > 0 else 0
    return max(0, 60 - top), False


def _scaled(values: Sequence[Fraction], s: int) -> list[int]:
    return [(q.numerator << s) // q.denominator for q in values]  # floor: remainder in [0, 2^-s)


def _limbs(M: list[list[int]], K: int | None = None) -> list[np.ndarray]:
    """``M = sum_k L_k 2^(LB k)`` with ``0 <= L_k < 2^LB`` (``k < K-1``) and a signed top limb.

    The limbs are stored as float64 arrays of small integers: BLAS multiplies them exactly (see
    :func:`_affine_step`).
    """
    big = max((abs(v) for row in M for v in row), default=0)
    K = max(K or 1, -(-(big.bit_length() + 1) // LB))
    A = np.array(M, dtype=object)
    out = []
    mask = (1 << LB) - 1
    for k in range(K):
        if k < K - 1:
            out.append(np.array((A >> (LB * k)) & mask, dtype=np.float64))
        else:
            out.append(np.array(A >> (LB * k), dtype=np.float64))
    return out


@dataclasses.dataclass(eq=False)
class _Affine:
    """``z = (A_int + R) 2^-s (vars) + (b_int + r) 2^-s``; limbs of ``[A_int | b_int]`` for back-substitution.

    ``blocks`` is a list of ``(row_block, col_block, flint matrix pos, flint matrix neg)`` for the
    forward interval pass (sub-matrices acting on one group of variables).
    """

    s: int
    exact: bool
    out: int
    inp: int
    limbs: list[np.ndarray]
    plimbs: list[np.ndarray]  # limbs of max(A_int, 0)
    nlimbs: list[np.ndarray]  # limbs of max(-A_int, 0)
    b: list[int]


def _affine(rows: list[list[Fraction]], bias: list[Fraction]) -> _Affine:
    flat = [q for r in rows for q in r] + list(bias)
    s, exact = _exponent_for(flat)
    A = [_scaled(r, s) for r in rows]
    b = _scaled(bias, s)
    inp = len(rows[0]) if rows else 0
    full = [row + [bi] for row, bi in zip(A, b)]
    pos = [[max(v, 0) for v in row] for row in A]
    neg = [[max(-v, 0) for v in row] for row in A]
    K = max(len(_limbs(pos)), len(_limbs(neg)))
    return _Affine(s, exact, len(rows), inp, _limbs(full), _limbs(pos, K), _limbs(neg, K), b)


def _exact_layers(net: Network) -> list[_Affine]:
    cached = net.__dict__.get("_exact_dyadic_layers")
    if cached is None:
        cached = [_affine([list(r) for r in L.weights], list(L.bias)) for L in net.layers]
        object.__setattr__(net, "_exact_dyadic_layers", cached)
    return cached


def _pair_layers(f: Network, g: Network) -> list[_Affine]:
    """Per layer the stacked map ``(z_f, dz) = [[W_f, 0], [W_g - W_f, W_g]] (h_f, dh) + (b_f, b_g - b_f)``."""
    key = "_exact_pair_layers"
    cache = f.__dict__.setdefault(key, {}) if key in f.__dict__ else None
    if cache is None:
        cache = {}
        object.__setattr__(f, key, cache)
    hit = cache.get(id(g))
    if hit is not None and hit[0] is g:
        return hit[1]
    result = []
    for lf, lg in zip(f.layers, g.layers):
        n = lf.in_dim
        rows = [list(rf) + [Fraction(0)] * n for rf in lf.weights]
        rows += [[b - a for a, b in zip(rf, rg)] + list(rg) for rf, rg in zip(lf.weights, lg.weights)]
        bias = list(lf.bias) + [b - a for a, b in zip(lf.bias, lg.bias)]
        result.append(_affine(rows, bias))
    cache[id(g)] = (g, result)
    return result


def _triple_layers(f: Network, g: Network) -> list[_Affine]:
    """Per layer the block map ``(z_f, dz, z_g) = [[W_f, 0, 0], [W_g - W_f, W_g, 0], [0, 0, W_g]] (h_f, dh, h_g) + ...``.

    One exact forward interval pass per layer for ``f``, the difference and ``g`` together.
    """
    key = "_exact_triple_layers"
    cache = f.__dict__.get(key)
    if cache is None:
        cache = {}
        object.__setattr__(f, key, cache)
    hit = cache.get(id(g))
    if hit is not None and hit[0] is g:
        return hit[1]
    result = []
    for lf, lg in zip(f.layers, g.layers):
        n = lf.in_dim
        zero = [Fraction(0)] * n
        rows = [list(rf) + zero + zero for rf in lf.weights]
        rows += [[b - a for a, b in zip(rf, rg)] + list(rg) + zero for rf, rg in zip(lf.weights, lg.weights)]
        rows += [zero + zero + list(rg) for rg in lg.weights]
        bias = list(lf.bias) + [b - a for a, b in zip(lf.bias, lg.bias)] + list(lg.bias)
        result.append(_affine(rows, bias))
    cache[id(g)] = (g, result)
    return result


def _forward(aff: _Affine, lo: list[int], hi: list[int]) -> tuple[list[int], list[int]]:
    """Exact interval of ``aff`` over the box ``[lo, hi]`` (grid integers), rounded outward.

    The box is first rounded outward to 47-bit mantissas (one exponent ``2^t``), cut into limbs
    of ``LB`` bits, and multiplied limb by limb with the weight limbs in float64 (every product
    sum is an integer below ``2^52``: exact); the limb sums are combined by exact floor (ceil)
    recombination is exact (Python integers).
    """
    s = aff.s
    big = max(max(abs(v) for v in lo), max(abs(v) for v in hi))
    t = max(0, big.bit_length() - 47)
    lo_o, hi_o = np.array(lo, dtype=object), np.array(hi, dtype=object)
    X = np.stack([(lo_o >> t).astype(np.int64), (-((-hi_o) >> t)).astype(np.int64)], axis=1)
    mask = (1 << LB) - 1
    XL = [(X & mask).astype(np.float64), ((X >> LB) & mask).astype(np.float64), (X >> (2 * LB)).astype(np.float64)]
    K = len(aff.plimbs)
    low_terms: list[Any] = [0] * (K + 2)
    high_terms: list[Any] = [0] * (K + 2)
    for k in range(K):
        Lp, Ln = aff.plimbs[k], aff.nlimbs[k]
        for a in range(3):
            Pp = (Lp @ XL[a]).astype(np.int64)
            Pn = (Ln @ XL[a]).astype(np.int64)
            low_terms[k + a] = low_terms[k + a] + (Pp[:, 0] - Pn[:, 1])
            high_terms[k + a] = high_terms[k + a] + (Pp[:, 1] - Pn[:, 0])
    # exact recombination in Python integers (object arrays): nothing is dropped
    low = sum(np.asarray(v, dtype=np.int64).astype(object) * (1 << (LB * c)) for c, v in enumerate(low_terms))
    high = sum(np.asarray(v, dtype=np.int64).astype(object) * (1 << (LB * c)) for c, v in enumerate(high_terms))
    if aff.exact:
        extra_lo = extra_hi = 0
    else:  # remainder R in [0, 1) 2^-s per entry (and for the bias): R h in [sum min(lo,0), sum max(hi,0)] 2^-s
        extra_lo = sum(min(v, 0) for v in lo)
        extra_hi = sum(max(v, 0) for v in hi) + _ONE
    bG = aff.__dict__.get("_bG")
    if bG is None:
        bG = np.array([v << G for v in aff.b], dtype=object)
        aff.__dict__["_bG"] = bG
    # s >= 0 always (_exponent_for): floor and ceil divisions by 2^s
    out_lo = (((np.array(low, dtype=object) << t) + bG + extra_lo) >> s).tolist()
    out_hi = (-((-((np.array(high, dtype=object) << t) + bG + extra_hi)) >> s)).tolist()
    return out_lo, out_hi


# -- linear forms in back-substitution ------------------------------------------------------------------------

_B = 36  # mantissa bits kept after an affine step (times a slope < 2^SL it stays below 2^62)


def _mantissa_bits(inner: int) -> int:
    """Mantissa bits allowed into a limb product of inner dimension ``inner``.

    With ``|M| < 2^b``, ``|limb| <= 2^LB`` and ``b + LB + bitlen(inner) <= 52`` every product and
    every partial sum (in any order, fused or not) is an integer below ``2^52``: float64 BLAS
    computes it without rounding.
    """
    b = 52 - LB - max(1, inner.bit_length())
    if b < 12:
        raise ValueError(f"layers of {inner} units are too wide for the exact limb products")
    return min(_B, b)


_SINGLE_THREAD_MNK = 1 << 18  # OpenBLAS runs a product single-threaded when m n k is below this


def _exact_matmul(Mf: np.ndarray, L: np.ndarray) -> np.ndarray:
    """``Mf @ L`` for float64 arrays of integers whose product sums are proven below ``2^52``: exact, as int64.

    Cut into row blocks small enough for BLAS to stay single-threaded: on a loaded machine many
    tiny multi-threaded products spend more time waiting for threads than computing (measured:
    single products of 0.7 s instead of 20 ms).
    """
    r, k = Mf.shape
    n = L.shape[1]
    rows = max(1, (_SINGLE_THREAD_MNK - 1) // max(1, k * n))
    if r <= rows:
        return (Mf @ L).astype(np.int64)
    return np.vstack([(Mf[i:i + rows] @ L).astype(np.int64) for i in range(0, r, rows)])


def _bitlen(v: np.ndarray) -> np.ndarray:
    """``bit_length`` of non-negative int64 values, or one more (never less): float exponents."""
    return np.frexp(v.astype(np.float64))[1].astype(np.int64)


@dataclasses.dataclass
class _Form:
    """Rows ``i``: ``objective_i >= sum_j M[i, j] 2^e[i] v_j + const[i] 2^-G`` over variables ``v``."""

    M: np.ndarray  # int64
    e: np.ndarray  # int64 per row
    const: list[int]


def _nsum(values: Sequence[int]) -> int:
    """``sum_j min(v_j, 0)``: what a dropped non-negative coefficient part can cost, per unit of it."""
    return sum(v for v in values if v < 0)


def _renormalise(M: np.ndarray, e: np.ndarray, const: list[int], neg: int, bits: int) -> _Form:
    """Floor ``M`` to ``bits`` bits per row; the dropped part ``E >= 0`` costs ``2^e neg`` (``neg = sum min(lo, 0)``)."""
    mx = np.abs(M).max(axis=1) if M.shape[1] else np.zeros(M.shape[0], dtype=np.int64)
    t = np.maximum(_bitlen(mx) - bits, 0)
    if t.any():
        M = M >> t[:, None]
        e = e + t
        if neg:
            const = [c + _fl(neg, ei) if ti else c for c, ei, ti in zip(const, e.tolist(), t.tolist())]
    return _Form(M, e, const)


def _affine_step(F: _Form, aff: _Affine, neg: int, var_mag_sum: int | None) -> _Form:
    """``C . z`` with ``z = A v + b``: the form over ``v`` (exact limb products, floored mantissas)."""
    M, Fe = F.M, F.e
    # scale each row up to the full mantissa width first (exact), so that the limb drop below
    # costs only bits far beyond the row's precision
    bits_in = _mantissa_bits(aff.out)
    mx = np.abs(M).max(axis=1) if M.shape[1] else np.zeros(M.shape[0], dtype=np.int64)
    bl = _bitlen(mx)
    if np.any(bl > bits_in):
        # every form reaching a product was renormalised for it (_relax_step's ``inner``); a wider
        # one would need z's lower bounds to pay for flooring it, which this step does not see
        raise AssertionError("a linear form wider than the exact product allows")
    up = np.where(mx > 0, np.maximum(bits_in - 1 - bl, 0), 0)
    if up.any():
        M = M << up[:, None]
        Fe = Fe - up
    Mf = M.astype(np.float64)  # exact: |M| < 2^bits_in <= 2^52
    acc = _exact_matmul(Mf, aff.limbs[0])
    for limb in aff.limbs[1:]:
        acc = _exact_matmul(Mf, limb) + (acc >> LB)
    drop = LB * (len(aff.limbs) - 1)
    e = Fe + drop - aff.s
    const = list(F.const)
    if not aff.exact:  # |C R v| <= |C|_1 2^-s (|v|_1 + 1): subtract, rounded up
        l1 = np.abs(M).sum(axis=1)
        for i in range(len(const)):
            const[i] -= _ce(int(l1[i]) * (var_mag_sum + _ONE), int(Fe[i]) - aff.s)
    bits = _B  # the next step is a relaxation (slopes < 2^SL) or the concretisation
    # the bias column multiplies the constant 1 >= 0: flooring it is a valid lower bound
    mx = np.abs(acc).max(axis=1)
    t = np.maximum(_bitlen(mx) - bits, 0)
    acc = acc >> t[:, None]
    e = e + t
    col = acc[:, -1]
    const = (np.asarray(const, dtype=object) + _fl_rows(col.astype(object), e + G)).tolist()
    if neg and (drop or t.any()):
        # every dropped part E lies in [0, 2^e) entrywise (floors only), so E . v >= 2^e sum min(v_lo, 0)
        const = (np.asarray(const, dtype=object) + _fl_rows(np.full(len(const), neg, dtype=object), e)).tolist()
    return _Form(np.ascontiguousarray(acc[:, :-1]), e, const)


def _concretise(F: _Form, lo: Sequence[int], hi: Sequence[int]) -> list[int]:
    """Exact lower bound (grid, floored) of the form over the box ``[lo, hi]``."""
    M = F.M
    lo_o, hi_o = np.array(lo, dtype=object), np.array(hi, dtype=object)
    total = np.where(M > 0, M, 0).astype(object).dot(lo_o) + np.where(M < 0, M, 0).astype(object).dot(hi_o)
    return (_fl_rows(total, F.e) + np.asarray(F.const, dtype=object)).tolist()


@dataclasses.dataclass
class _Relax:
    """Lines ``lam_l z + mu_l <= act(z) <= lam_u z + mu_u`` (slopes on the ``2^-SL`` grid, intercepts on ``2^-G``)."""

    lam_l: np.ndarray  # int64
    lam_u: np.ndarray
    mu_l: list[int]
    mu_u: list[int]


def _slope(num: int, den: int) -> int:
    """``num/den`` rounded down to the slope grid (any slope is valid; intercepts are exact)."""
    return (num << SL) // den


def _relaxation(act: str, lo: list[int], hi: list[int], piece: list[int]) -> _Relax:
    n = len(lo)
    lam_l = np.zeros(n, dtype=np.int64)
    lam_u = np.zeros(n, dtype=np.int64)
    mu_l = [0] * n
    mu_u = [0] * n
    one = 1 << SL
    for i in range(n):
        p = piece[i]
        if p >= 0:
            _, _, slope, offset, _, _ = _PIECES[act][p]
            lam_l[i] = lam_u[i] = slope * one
            mu_l[i] = mu_u[i] = offset * _ONE
            continue
        l, h = lo[i], hi[i]
        if act == "relu":
            s = _slope(h, h - l)
            # upper line s t + c >= relu(t) at the vertices l, 0, h; c rounded up
            c = max(_ce(-s * l, -SL), 0, h - _fl(s * h, -SL))
            lam_u[i], mu_u[i] = s, c
            lam_l[i] = one if h >= -l else 0
        elif act == "hardtanh":
            verts = [l, h] + [v for v in (-_ONE, _ONE) if l < v < h]
            vals = [_act_grid(act, v) for v in verts]
            chord = _slope(_act_grid(act, h) - _act_grid(act, l), h - l) if h > l else 0
            convex = l < -_ONE and h <= _ONE
            concave = l >= -_ONE and h > _ONE
            s_up = (one if _ONE - l >= h - _ONE else 0) if concave else chord
            s_lo = (one if h + _ONE >= -_ONE - l else 0) if convex else chord
            lam_u[i], lam_l[i] = s_up, s_lo
            mu_u[i] = max(p_ - _fl(s_up * v, -SL) for v, p_ in zip(verts, vals))
            mu_l[i] = min(p_ - _ce(s_lo * v, -SL) for v, p_ in zip(verts, vals))
        elif act in ("step", "ltf"):
            mu_l[i] = 0 if act == "step" else -_ONE
            mu_u[i] = _ONE
        else:
            lam_l[i] = lam_u[i] = one
    return _Relax(lam_l, lam_u, mu_l, mu_u)


def _const_terms(P: np.ndarray, pos: np.ndarray, a: list[int], b: list[int], const: list[int], e: np.ndarray) -> list[int]:
    """``const_i += floor(2^e_i sum_j (P_ij a_j if P_ij > 0 else P_ij b_j))`` over the columns where a or b is non-zero.

    The intercepts are big grid integers: the sums run on object arrays (exact Python integers).
    """
    ca = [j for j in range(len(a)) if a[j]]
    cb = [j for j in range(len(b)) if b[j]]
    if not ca and not cb:
        return const
    total = np.zeros(P.shape[0], dtype=object)
    if ca:
        sub = np.where(pos[:, ca], P[:, ca], 0).astype(object)
        total = total + sub.dot(np.array([a[j] for j in ca], dtype=object))
    if cb:
        sub = np.where(pos[:, cb], 0, P[:, cb]).astype(object)
        total = total + sub.dot(np.array([b[j] for j in cb], dtype=object))
    return [c + _fl(int(t), ei) for c, t, ei in zip(const, total, e.tolist())]


def _relax_step(F: _Form, R: _Relax, neg_z: int, inner: int) -> _Form:
    """``P . act(z)`` bounded below by a form in ``z`` (``inner``: the next product's inner dimension)."""
    P = F.M
    pos = P > 0
    C = np.where(pos, P * R.lam_l, P * R.lam_u)
    const = _const_terms(P, pos, R.mu_l, R.mu_u, F.const, F.e)
    return _renormalise(C, F.e - SL, const, neg_z, _mantissa_bits(inner))


# -- one network ---------------------------------------------------------------------------------------------------

@dataclasses.dataclass(eq=False)
class ExactAnalysis:
    """Exact bounds of one network over a box: ``lo[j][i] 2^-G <= z_ji <= hi[j][i] 2^-G``; pieces (-1: unstable)."""

    lo: list[list[int]]
    hi: list[list[int]]
    piece: list[list[int]]
    hin_lo: list[list[int]]
    hin_hi: list[list[int]]
    relax: list[_Relax]
    _negs: dict = dataclasses.field(default_factory=dict)

    def neg(self, kind: str, j: int) -> int:
        """``sum min(lo, 0)`` of layer ``j``'s inputs (``"h"``) or pre-activations (``"z"``); cached."""
        key = (kind, j)
        if key not in self._negs:
            self._negs[key] = _nsum(self.hin_lo[j] if kind == "h" else self.lo[j])
        return self._negs[key]

    def bounds(self, j: int) -> list[tuple[Fraction, Fraction]]:
        """Layer ``j``'s pre-activation bounds as exact rationals."""
        return [(_frac(a), _frac(b)) for a, b in zip(self.lo[j], self.hi[j])]


def _box(lower: Sequence[Fraction], upper: Sequence[Fraction]) -> tuple[list[int], list[int]]:
    return [grid_floor(Fraction(v)) for v in lower], [grid_ceil(Fraction(v)) for v in upper]


def _unit_rows(need: list[int], width: int) -> _Form:
    k = len(need)
    M = np.zeros((2 * k, width), dtype=np.int64)
    for r, i in enumerate(need):
        M[r, i] = 1
        M[k + r, i] = -1
    return _Form(M, np.zeros(2 * k, dtype=np.int64), [0] * (2 * k))


def _backsub(layers: list[_Affine], A: ExactAnalysis, k: int, F: _Form, post: bool = False) -> _Form:
    """Back-substitute a form over ``z_k`` (or over ``h_(k+1)`` when ``post``) to the input."""
    if post:
        F = _relax_step(F, A.relax[k], A.neg("z", k), layers[k].out)
    for j in range(k, -1, -1):
        hlo = A.hin_lo[j]
        mag = None if layers[j].exact else sum(max(abs(a), abs(b)) for a, b in zip(hlo, A.hin_hi[j]))
        F = _affine_step(F, layers[j], A.neg("h", j), mag)
        if j == 0:
            return F
        F = _relax_step(F, A.relax[j - 1], A.neg("z", j - 1), layers[j - 1].out)
    raise AssertionError("unreachable")


def _merge(lo: list[int], hi: list[int], need: list[int], low: list[int]) -> None:
    k = len(need)
    for r, i in enumerate(need):
        lo[i] = max(lo[i], low[r])
        hi[i] = min(hi[i], -low[k + r])


def _finish(act: str, lo: list[int], hi: list[int], fixed) -> list[int]:
    out = []
    for i in range(len(lo)):
        p = int(fixed[i]) if fixed is not None and fixed[i] >= 0 else -1
        out.append(p if p >= 0 else _piece_of(act, lo[i], hi[i]))
    return out


def _apply_fixed(act: str, lo: list[int], hi: list[int], fixed) -> None:
    if fixed is None:
        return
    for i in range(len(lo)):
        if fixed[i] >= 0:
            lo[i], hi[i] = _fix_piece(act, lo[i], hi[i], int(fixed[i]))
        elif lo[i] > hi[i]:
            raise ExactInfeasible


def exact_analyse(net: Network, lower: Sequence[Fraction], upper: Sequence[Fraction],
                  fixed: Sequence[Any] | None = None, *, output_bounds: bool = True, upto: int | None = None) -> ExactAnalysis:
    """Exact interval + back-substituted (DeepPoly/CROWN) bounds of every unit over the box.

    ``fixed[j][i] >= 0`` is a *constraint* defining the region (the unit's exact pre-activation
    lies in that piece); the bounds hold on the part of the box where every constraint holds.
    Raises :class:`ExactInfeasible` when the constraints contradict the bounds (a proof that the
    region is empty).  ``upto``: analyse layers ``0..upto`` only.
    """
    layers = _exact_layers(net)
    xlo, xhi = _box(lower, upper)
    A = ExactAnalysis([], [], [], [xlo], [xhi], [])
    L = len(layers)
    for j, aff in enumerate(layers):
        if upto is not None and j > upto:
            break
        act = net.layers[j].activation
        lo, hi = _forward(aff, A.hin_lo[j], A.hin_hi[j])
        fix = fixed[j] if fixed is not None else None
        if j > 0:
            piece0 = _finish(act, lo, hi, fix)
            need = [i for i in range(aff.out) if piece0[i] < 0 or (output_bounds and j == L - 1)]
            if need:
                F = _backsub(layers, A, j, _unit_rows(need, aff.out))
                _merge(lo, hi, need, _concretise(F, xlo, xhi))
        _apply_fixed(act, lo, hi, fix)
        if any(a > b for a, b in zip(lo, hi)):
            raise ExactInfeasible
        piece = _finish(act, lo, hi, fix)
        A.lo.append(lo)
        A.hi.append(hi)
        A.piece.append(piece)
        A.relax.append(_relaxation(act, lo, hi, piece))
        A.hin_lo.append([_act_grid(act, v) for v in lo])
        A.hin_hi.append([_act_grid(act, v) for v in hi])
    return A


def output_lower(net: Network, A: ExactAnalysis, rows: np.ndarray) -> _Form:
    """A form over the input with ``rows . out(x) >= form`` on the analysed region (``rows`` integers)."""
    F = _Form(np.array(rows, dtype=np.int64), np.zeros(len(rows), dtype=np.int64), [0] * len(rows))
    return _backsub(_exact_layers(net), A, len(net.layers) - 1, F, post=True)


# -- two networks of one architecture ---------------------------------------------------------------------------

@dataclasses.dataclass(eq=False)
class ExactPairAnalysis:
    """Exact bounds of ``f``, ``g`` and ``g - f`` (pre-activations ``dlo/dhi``, post ``dhin_lo/dhin_hi``)."""

    f: ExactAnalysis
    g: ExactAnalysis
    dlo: list[list[int]]
    dhi: list[list[int]]
    dhin_lo: list[list[int]]
    dhin_hi: list[list[int]]
    drelax: list[tuple]
    _negs: dict = dataclasses.field(default_factory=dict)

    def neg(self, kind: str, j: int) -> int:
        """``sum min(lo, 0)`` over the pair's variables ``(h_f, dh)`` (``"h"``) or ``(z_f, dz)`` (``"z"``)."""
        key = (kind, j)
        if key not in self._negs:
            self._negs[key] = (self.f.neg(kind, j) + _nsum(self.dhin_lo[j] if kind == "h" else self.dlo[j]))
        return self._negs[key]

    def diff_bounds(self, j: int) -> list[tuple[Fraction, Fraction]]:
        return [(_frac(a), _frac(b)) for a, b in zip(self.dlo[j], self.dhi[j])]


def _diff_relaxation(act: str, pf, pg, lo, hi, dlo, dhi, glo, ghi):
    """Lines ``a_l z + b_l d + c_l <= act(z + d) - act(z) <= a_u z + b_u d + c_u`` (exact intercepts)."""
    n = len(lo)
    one = 1 << SL
    al = np.zeros(n, dtype=np.int64)
    au = np.zeros(n, dtype=np.int64)
    bl = np.zeros(n, dtype=np.int64)
    bu = np.zeros(n, dtype=np.int64)
    cl = [0] * n
    cu = [0] * n
    for i in range(n):
        if pf[i] >= 0 and pg[i] >= 0:
            _, _, sf, of, _, _ = _PIECES[act][pf[i]]
            _, _, sg, og, _, _ = _PIECES[act][pg[i]]
            al[i] = au[i] = (sg - sf) * one
            bl[i] = bu[i] = sg * one
            cl[i] = cu[i] = (og - of) * _ONE
            continue
        if act in ("relu", "hardtanh", "linear"):
            d0, d1 = dlo[i], dhi[i]
            # below: min(0, d); above: max(0, d) (monotone, 1-Lipschitz), chords with exact intercepts
            if d1 <= 0:
                lo_s, lo_c = one, 0
            elif d0 >= 0:
                lo_s, lo_c = 0, 0
            else:
                s = _slope(-d0, d1 - d0)
                lo_s = s
                lo_c = min(min(d0, 0) - _ce(s * d0, -SL), min(d1, 0) - _ce(s * d1, -SL), 0)
            if d0 >= 0:
                up_s, up_c = one, 0
            elif d1 <= 0:
                up_s, up_c = 0, 0
            else:
                t = _slope(d1, d1 - d0)
                up_s = t
                up_c = max(max(d0, 0) - _fl(t * d0, -SL), max(d1, 0) - _fl(t * d1, -SL), 0)
            if act == "relu":
                ge_d, ge_0, le_d, le_0 = pf[i] == 1, pf[i] == 0, pg[i] == 1, pg[i] == 0
            elif act == "hardtanh":
                ge_d = le_d = False
                ge_0 = pf[i] == 0 or pg[i] == 2
                le_0 = pg[i] == 0 or pf[i] == 2
            else:
                ge_d = le_d = True
                ge_0 = le_0 = False
            bl[i] = one if ge_d else (0 if ge_0 else lo_s)
            cl[i] = 0 if (ge_d or ge_0) else lo_c
            bu[i] = one if le_d else (0 if le_0 else up_s)
            cu[i] = 0 if (le_d or le_0) else up_c
        else:  # step, ltf: constants from monotonicity
            low = _act_grid(act, glo[i]) - _act_grid(act, hi[i])
            high = _act_grid(act, ghi[i]) - _act_grid(act, lo[i])
            if dlo[i] >= 0:
                low = max(low, 0)
            if dhi[i] <= 0:
                high = min(high, 0)
            cl[i], cu[i] = low, high
    return al, bl, cl, au, bu, cu


def _diff_post_interval(act, rel, lo, hi, dlo, dhi, glo, ghi):
    al, bl, cl, au, bu, cu = rel
    if act == "relu":
        # a in {-1, 0, 1} 2^SL: a z from its interval; vectorised on Python integers
        O = lambda v: np.array(v, dtype=object)  # noqa: E731
        lo_o, hi_o, dlo_o, dhi_o = O(lo), O(hi), O(dlo), O(dhi)
        def ends(a, x0, x1):
            a = a.astype(object)
            return a * x0, a * x1
        a0, a1 = ends(al, lo_o, hi_o)
        b0, b1 = ends(bl, dlo_o, dhi_o)
        low = (np.minimum(a0, a1) + np.minimum(b0, b1)) >> SL
        low = low + O(cl)
        A0, A1 = ends(au, lo_o, hi_o)
        B0, B1 = ends(bu, dlo_o, dhi_o)
        high = -((-(np.maximum(A0, A1) + np.maximum(B0, B1))) >> SL) + O(cu)
        relu = lambda v: np.maximum(v, 0)  # noqa: E731
        low = np.maximum(low, relu(O(glo)) - relu(hi_o))
        high = np.minimum(high, relu(O(ghi)) - relu(lo_o))
        return low.tolist(), high.tolist()
    out_lo, out_hi = [], []
    for i in range(len(lo)):
        a, b, A_, B_ = int(al[i]), int(bl[i]), int(au[i]), int(bu[i])
        low = _fl(min(a * lo[i], a * hi[i]) + min(b * dlo[i], b * dhi[i]), -SL) + cl[i]
        high = _ce(max(A_ * lo[i], A_ * hi[i]) + max(B_ * dlo[i], B_ * dhi[i]), -SL) + cu[i]
        low = max(low, _act_grid(act, glo[i]) - _act_grid(act, hi[i]))
        high = min(high, _act_grid(act, ghi[i]) - _act_grid(act, lo[i]))
        out_lo.append(low)
        out_hi.append(high)
    return out_lo, out_hi


def _diff_relax_step(F: _Form, n: int, R: _Relax, drel, neg_z: int, inner: int) -> _Form:
    """A form over ``(h_f, dh)`` (``2n`` columns) to one over ``(z_f, dz)`` of the layer below."""
    al, bl, cl, au, bu, cu = drel
    H, Gc = F.M[:, :n], F.M[:, n:]
    hp, gp = H > 0, Gc > 0
    CZ = np.where(hp, H * R.lam_l, H * R.lam_u) + np.where(gp, Gc * al, Gc * au)
    CD = np.where(gp, Gc * bl, Gc * bu)
    const = _const_terms(H, hp, R.mu_l, R.mu_u, F.const, F.e)
    const = _const_terms(Gc, gp, cl, cu, const, F.e)
    return _renormalise(np.hstack([CZ, CD]), F.e - SL, const, neg_z, _mantissa_bits(inner))


def _diff_backsub(PL: list[_Affine], PA: ExactPairAnalysis, k: int, F: _Form, post: bool = False) -> _Form:
    """Back-substitute a form over ``(z_f, dz)`` of layer ``k`` (or ``(h_f, dh)`` after it) to the input."""
    if post:
        F = _diff_relax_step(F, len(PA.f.lo[k]), PA.f.relax[k], PA.drelax[k], PA.neg("z", k), PL[k].out)
    for j in range(k, -1, -1):
        vlo = PA.f.hin_lo[j] + PA.dhin_lo[j]
        mag = None
        if not PL[j].exact:
            vhi = PA.f.hin_hi[j] + PA.dhin_hi[j]
            mag = sum(max(abs(a), abs(b)) for a, b in zip(vlo, vhi))
        F = _affine_step(F, PL[j], PA.neg("h", j), mag)
        if j == 0:
            n = F.M.shape[1] // 2
            # at the input dh = 0: only the h_f (= x) columns remain
            return _Form(np.ascontiguousarray(F.M[:, :n]), F.e, F.const)
        F = _diff_relax_step(F, len(PA.f.lo[j - 1]), PA.f.relax[j - 1], PA.drelax[j - 1], PA.neg("z", j - 1),
                             PL[j - 1].out)
    raise AssertionError("unreachable")


def exact_analyse_pair(f: Network, g: Network, lower: Sequence[Fraction], upper: Sequence[Fraction],
                       fixed_f: Sequence[Any] | None = None, fixed_g: Sequence[Any] | None = None,
                       *, g_symbolic: bool = True, output_bounds: bool = True, upto: int | None = None) -> ExactPairAnalysis:
    """The exact counterpart of :func:`exactnets.verify.bounds.analyse_pair` (same steps, integers).

    ``upto``: analyse layers ``0..upto`` only.
    """
    Lf, Lg, PL, TL = _exact_layers(f), _exact_layers(g), _pair_layers(f, g), _triple_layers(f, g)
    xlo, xhi = _box(lower, upper)
    n0 = len(xlo)
    FA = ExactAnalysis([], [], [], [xlo], [xhi], [])
    GA = ExactAnalysis([], [], [], [xlo], [xhi], [])
    PA = ExactPairAnalysis(FA, GA, [], [], [[0] * n0], [[0] * n0], [])
    L = len(Lf)
    for j in range(L if upto is None else min(L, upto + 1)):
        act = f.layers[j].activation
        out = Lf[j].out
        fix_f = fixed_f[j] if fixed_f is not None else None
        fix_g = fixed_g[j] if fixed_g is not None else None
        tlo, thi = _forward(TL[j], FA.hin_lo[j] + PA.dhin_lo[j] + GA.hin_lo[j], FA.hin_hi[j] + PA.dhin_hi[j] + GA.hin_hi[j])
        lo, dlo, glo = tlo[:out], tlo[out:2 * out], tlo[2 * out:]
        hi, dhi, ghi = thi[:out], thi[out:2 * out], thi[2 * out:]
        last = output_bounds and j == L - 1
        if j > 0:
            # f's units (rows (+-e_i, 0)) and the difference's (rows (0, +-e_i)) in one back-substitution
            # through the pair: with no weight on dz the pair's steps are exactly f's own.  The
            # difference's units are chosen from f's *interval* bounds (a superset of what the float
            # analysis picks after f's back-substitution: never looser).
            pf0 = _finish(act, lo, hi, fix_f)
            need_f = [i for i in range(out) if pf0[i] < 0 or last]
            g_lo = [max(a, b + c) for a, b, c in zip(glo, lo, dlo)]
            g_hi = [min(a, b + c) for a, b, c in zip(ghi, hi, dhi)]
            pg0 = _finish(act, g_lo, g_hi, fix_g)
            need_d = [i for i in range(out) if pf0[i] < 0 or pg0[i] < 0 or last]
            if need_f or need_d:
                Uf, Ud = _unit_rows(need_f, out), _unit_rows(need_d, out)
                M = np.vstack([np.hstack([Uf.M, np.zeros_like(Uf.M)]), np.hstack([np.zeros_like(Ud.M), Ud.M])])
                rows = M.shape[0]
                F = _diff_backsub(PL, PA, j, _Form(M, np.zeros(rows, dtype=np.int64), [0] * rows))
                low = _concretise(F, xlo, xhi)
                kf = 2 * len(need_f)
                _merge(lo, hi, need_f, low[:kf])
                _merge(dlo, dhi, need_d, low[kf:])
        glo = [max(a, b + c) for a, b, c in zip(glo, lo, dlo)]
        ghi = [min(a, b + c) for a, b, c in zip(ghi, hi, dhi)]
        if j > 0 and g_symbolic:
            pg0 = _finish(act, glo, ghi, fix_g)
            need = [i for i in range(out) if pg0[i] < 0]
            if need:
                F = _backsub(Lg, GA, j, _unit_rows(need, out))
                _merge(glo, ghi, need, _concretise(F, xlo, xhi))
        _apply_fixed(act, lo, hi, fix_f)
        _apply_fixed(act, glo, ghi, fix_g)
        for i in range(out):  # z_g = z_f + dz
            dlo[i] = max(dlo[i], glo[i] - hi[i])
            dhi[i] = min(dhi[i], ghi[i] - lo[i])
            lo[i] = max(lo[i], glo[i] - dhi[i])
            hi[i] = min(hi[i], ghi[i] - dlo[i])
        if any(a > b for a, b in zip(lo, hi)) or any(a > b for a, b in zip(glo, ghi)) or any(a > b for a, b in zip(dlo, dhi)):
            raise ExactInfeasible
        pf = _finish(act, lo, hi, fix_f)
        pg = _finish(act, glo, ghi, fix_g)
        for A, a_lo, a_hi, p in ((FA, lo, hi, pf), (GA, glo, ghi, pg)):
            A.lo.append(a_lo)
            A.hi.append(a_hi)
            A.piece.append(p)
            A.relax.append(_relaxation(act, a_lo, a_hi, p))
            A.hin_lo.append([_act_grid(act, v) for v in a_lo])
            A.hin_hi.append([_act_grid(act, v) for v in a_hi])
        PA.dlo.append(dlo)
        PA.dhi.append(dhi)
        dr = _diff_relaxation(act, pf, pg, lo, hi, dlo, dhi, glo, ghi)
        PA.drelax.append(dr)
        dh_lo, dh_hi = _diff_post_interval(act, dr, lo, hi, dlo, dhi, glo, ghi)
        PA.dhin_lo.append(dh_lo)
        PA.dhin_hi.append(dh_hi)
    return PA


def diff_output_lower(f: Network, g: Network, PA: ExactPairAnalysis, rows: np.ndarray) -> _Form:
    """A form over the input with ``rows . (g(x) - f(x)) >= form`` on the analysed region."""
    rows = np.array(rows, dtype=np.int64)
    M = np.hstack([np.zeros_like(rows), rows])
    F = _Form(M, np.zeros(len(rows), dtype=np.int64), [0] * len(rows))
    return _diff_backsub(_pair_layers(f, g), PA, len(f.layers) - 1, F, post=True)


def _add_forms(F1: _Form, F2: _Form) -> tuple[list[list[int]], list[int], list[int]]:
    """``F1 + F2`` over the input as Python integers: rows, exponents, constants."""
    rows, es = [], []
    for i in range(F1.M.shape[0]):
        e1, e2 = int(F1.e[i]), int(F2.e[i])
        e = min(e1, e2)
        rows.append([a * (1 << (e1 - e)) + b * (1 << (e2 - e)) for a, b in zip(F1.M[i].tolist(), F2.M[i].tolist())])
        es.append(e)
    return rows, es, [a + b for a, b in zip(F1.const, F2.const)]


def _concretise_rows(rows, es, const, lo, hi) -> list[int]:
    out = []
    for row, e, c in zip(rows, es, const):
        total = sum(m * (a if m > 0 else b) for m, a, b in zip(row, lo, hi) if m)
        out.append(_fl(total, e) + c)
    return out


# -- confirming a node of the branch and bound -----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Confirmation:
    """The exact verdict on a node.

    ``empty``: the constraints contradict the exact bounds (the region is empty).  ``proved``: the
    mode holds on the whole region.  ``claims_ok``: every claimed piece is proved by the exact
    bounds.  ``pieces_f``/``pieces_g``: the pieces the exact bounds prove (constraints included;
    -1 unstable), usable as facts about the region.  ``reason``: why something failed.
    ``open_rows``: for epsilon/function, the rows ``("below", j)`` (``g_j - f_j >= -eps``) and
    ``("above", j)`` (``g_j - f_j <= eps``) the exact bounds do *not* prove (``None``: not
    computed; every row is open).
    """

    empty: bool
    proved: bool
    claims_ok: bool
    pieces_f: tuple[tuple[int, ...], ...] = ()
    pieces_g: tuple[tuple[int, ...], ...] = ()
    reason: str = ""
    open_rows: tuple[tuple, ...] | None = None


def _claims_hold(pieces: list[list[int]], claims) -> str:
    if claims is None:
        return ""
    for j, (p, c) in enumerate(zip(pieces, claims)):
        for i, want in enumerate(c):
            want = int(want)
            if want >= 0 and p[i] != want:
                return f"layer {j} unit {i}: claimed piece {want}, exact bounds give {p[i]}"
    return ""


def _mode_proved(f: Network, g: Network, mode: Any, lower, upper, A_f: ExactAnalysis, A_g: ExactAnalysis,
                 PA: ExactPairAnalysis | None, argmax_hint: int | None) -> tuple[bool, str, tuple | None]:
    m = f.output_dim
    xlo, xhi = _box(lower, upper)
    kind = mode.kind
    if kind in ("function", "epsilon"):
        eps = mode.epsilon if kind == "epsilon" else Fraction(0)
        E = np.vstack([np.eye(m, dtype=np.int64), -np.eye(m, dtype=np.int64)])
        if PA is not None:
            low = _concretise(diff_output_lower(f, g, PA, E), xlo, xhi)
        else:
            Fg, Ff = output_lower(g, A_g, E), output_lower(f, A_f, -E)
            low = _concretise_rows(*_add_forms(Fg, Ff), xlo, xhi)
        open_rows = tuple((("below", r) if r < m else ("above", r - m)) for r, v in enumerate(low) if Fraction(v, _ONE) < -eps)
        if open_rows:
            r = open_rows[0]
            return False, f"exact lower bound of {'g - f' if r[0] == 'below' else 'f - g'} at output {r[1]} is below -eps", open_rows
        return True, "", ()
    act_f, act_g = f.layers[-1].activation, g.layers[-1].activation
    flo = [_act_grid(act_f, v) for v in A_f.lo[-1]]
    fhi = [_act_grid(act_f, v) for v in A_f.hi[-1]]
    glo = [_act_grid(act_g, v) for v in A_g.lo[-1]]
    ghi = [_act_grid(act_g, v) for v in A_g.hi[-1]]
    if kind == "decision":
        for j in range(m):
            if (flo[j] >= 0 and glo[j] >= 0) or (fhi[j] < 0 and ghi[j] < 0):
                continue
            if not (fhi[j] < 0 or glo[j] >= 0) or not (ghi[j] < 0 or flo[j] >= 0):
                return False, f"output {j}: the signs of f and g are not separated by the exact bounds", None
        return True, "", ()
    if m == 1:
        return True, "", ()
    if argmax_hint is not None:
        a = argmax_hint
        others = [k for k in range(m) if k != a]
        R = np.zeros((len(others), m), dtype=np.int64)
        for r, k in enumerate(others):
            R[r, a], R[r, k] = 1, -1
        good = True
        for net, A in ((f, A_f), (g, A_g)):
            low = _concretise(output_lower(net, A, R), xlo, xhi)
            for r, k in enumerate(others):
                if not (low[r] > 0 or (low[r] >= 0 and k > a)):
                    good = False
        if good:
            return True, "", ()
    cand_f = [a for a in range(m) if all(fhi[a] >= flo[k] for k in range(m) if k != a)]
    cand_g = [b for b in range(m) if all(ghi[b] >= glo[k] for k in range(m) if k != b)]
    if any(a != b for a in cand_f for b in cand_g):
        return False, "argmax: the exact bounds leave two different winners possible", None
    return True, "", ()


def confirm_node(f: Network, g: Network, lower: Sequence[Fraction], upper: Sequence[Fraction], mode: Any, *,
                 known_f: Sequence[Any] | None = None, known_g: Sequence[Any] | None = None,
                 claims_f: Sequence[Any] | None = None, claims_g: Sequence[Any] | None = None,
                 pair: bool = True, g_symbolic: bool = True, check_mode: bool = True,
                 argmax_hint: int | None = None, upto: int | None = None) -> Confirmation:
    """Recompute a node's bounds exactly and check what the float analysis claimed about it.

    ``known_f``/``known_g`` are the pieces that *define* the region (units split by the branch
    and bound, or already proved exactly); ``claims_f``/``claims_g`` the pieces the float
    analysis says are stable on it (checked, never assumed).  With ``check_mode`` the mode is
    checked exactly (for epsilon/function: exact lower bounds of ``g_j - f_j`` and ``f_j - g_j``
    against ``-epsilon``; decision and argmax as the float check does).  ``argmax_hint`` is the
    winner the float analysis tried (a choice, not a fact).  ``upto``: only layers ``0..upto``
    are analysed and their claims checked (no mode check); the pieces returned cover those layers.

    Returns a :class:`Confirmation`; ``empty`` is a proof that the region is empty.
    """
    decision_like = mode is not None and mode.kind in ("decision", "argmax")
    if upto is not None:
        check_mode = False
    try:
        if pair:
            PA = exact_analyse_pair(f, g, lower, upper, known_f, known_g, g_symbolic=g_symbolic, output_bounds=decision_like,
                                    upto=upto)
            A_f, A_g = PA.f, PA.g
        else:
            PA = None
            A_f = exact_analyse(f, lower, upper, known_f, output_bounds=decision_like, upto=upto)
            A_g = exact_analyse(g, lower, upper, known_g, output_bounds=decision_like, upto=upto)
    except ExactInfeasible:
        return Confirmation(True, True, True, reason="", open_rows=())
    pieces_f = tuple(tuple(p) for p in A_f.piece)
    pieces_g = tuple(tuple(p) for p in A_g.piece)
    why = _claims_hold(A_f.piece, claims_f) or _claims_hold(A_g.piece, claims_g)
    proved = False
    open_rows = None
    if check_mode and mode is not None:
        proved, why_mode, open_rows = _mode_proved(f, g, mode, lower, upper, A_f, A_g, PA, argmax_hint)
        why = why or why_mode
    return Confirmation(False, proved, not _claims_hold(A_f.piece, claims_f) and not _claims_hold(A_g.piece, claims_g),
                        pieces_f, pieces_g, why, open_rows)
