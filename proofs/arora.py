"""Claims of Arora, Basu, Mianjy & Mukherjee (ICLR 2018; CLAIMS.md section 5), checked exactly.

The one-dimensional claims run on exact piecewise-linear functions (:mod:`exactnets.pwl`): a
network's function is computed by breakpoint propagation and compared as a canonical value, so
"equal" means equal on all of ``R``.  The zonotope claim counts pieces in the plane exactly
(:func:`exactnets.constructions.arora.zonotope_piece_count_2d`).  ``ABMM-Fig3`` and
``ABMM-Thm2.1`` live in :mod:`proofs.constructions_claims`.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

from exactnets.constructions.arora import (depth_gap, hard_composition, hard_composition_net, hard_function,
                                           hard_function_net, lemma_d5_bound, max_pieces, min_size_for_pieces,
                                           sawtooth, sawtooth_net, stated_size_bound_holds, super_exponential_gap,
                                           thm39_stated_pieces,
                                           zonotope_gauge_net, zonotope_net, zonotope_piece_count_2d,
                                           zonotope_general_position, zonotope_vertex_count)
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network, compose
from exactnets.pwl import (PiecewiseLinear, canonical, kinks, piece_count, pwl_affine, pwl_compose, pwl_from_network,
                           pwl_linear_combination, pwl_relu, pwl_to_network, two_layer_units_needed)
from exactnets.verify.verdict import Verdict, proved, refuted, unknown
from proofs.common import rng, small_rational
from proofs.registry import claim

_ZERO, _HALF = Fraction(0), Fraction(1, 2)


def _fail(label: str, why: str) -> Verdict:
    """A claim check that found its statement false on an instance it cannot express as a point."""
    return unknown(f"{label}: {why}", instance=label)


def random_pwl(r: random.Random, pieces: int, *, flat: str | None = None) -> PiecewiseLinear:
    """A random canonical PWL function with exactly ``pieces`` pieces (``flat`` = "left"/"right"
    forces a zero end slope)."""
    while True:
        xs = sorted({Fraction(r.randint(-40, 40), r.randint(1, 4)) for _ in range(pieces - 1)})
        if len(xs) != pieces - 1:
            continue
        ys = [small_rational(r) for _ in xs]
        left = _ZERO if flat == "left" else small_rational(r)
        right = _ZERO if flat == "right" else small_rational(r)
        f = canonical(PiecewiseLinear(xs or [0], ys or [small_rational(r)], left, right))
        if piece_count(f) == pieces:
            return f


def random_relu_net(r: random.Random, widths: list[int], *, scale: int = 6) -> Network:
    """A random one-input ReLU network with the given hidden widths and one linear output."""
    sizes = [1, *widths, 1]
    layers = []
    for i in range(len(sizes) - 1):
        act = "linear" if i == len(sizes) - 2 else "relu"
        layers.append(Layer(act, [[small_rational(r, scale, 4) for _ in range(sizes[i])] for _ in range(sizes[i + 1])],
                            [small_rational(r, scale, 4) for _ in range(sizes[i + 1])]))
    return Network(1, layers)


@claim("ABMM-Thm2.2", "ABMM", "an R->R PWL function with p >= 2 pieces is a 2-layer ReLU net with at most p hidden "
                              "units (output bias), and every 2-layer net computing it has at least p-1")
def thm22(full: bool) -> Verdict:
    r = rng("ABMM-Thm2.2")
    top, per = (16, 40) if full else (9, 12)
    below_paper = 0
    count = 0
    for p in range(2, top + 1):
        for _ in range(per):
            f = random_pwl(r, p)
            net = pwl_to_network(f)
            label = f"p={p} f={f!r}"
            if net.hidden_layers != 1 or net.size > p:
                return _fail(label, f"the construction used {net.size} units in {net.hidden_layers} hidden layers")
            if pwl_from_network(net) != f:
                return _fail(label, "the constructed network computes another function")
            needed = two_layer_units_needed(f)
            minimal = pwl_to_network(f, minimal=True)
            if pwl_from_network(minimal) != f or minimal.size != needed:
                return _fail(label, "the fewest-units network is wrong")
            if needed < p - 1:
                return _fail(label, f"{needed} units suffice, fewer than p - 1")
            below_paper += needed < net.size
            count += 1
    # the lower bound, from the other side: a 2-layer net with u units has at most u + 1 pieces
    nets = 0
    for u in range(1, top):
        for _ in range(per):
            net = random_relu_net(r, [u])
            pieces_ = piece_count(pwl_from_network(net))
            if pieces_ > u + 1:
                return _fail(f"u={u}", f"a {u}-unit net has {pieces_} pieces")
            nets += 1
    return proved(f"exact: {count} random PWL functions (p = 2..{top}) rebuilt by the App. A construction with <= p "
                  f"units (compared as canonical PWL functions, i.e. on all of R); the exact fewest units (subset-sum "
                  f"criterion) is >= p - 1 for each; and {nets} random 2-layer nets with u units have <= u + 1 pieces",
                  instances=count + nets, fewer_units_than_construction=below_paper,
                  note="p = 1 lies outside the theorem: a non-constant affine function needs 2 units")


@claim("ABMM-CorA.1", "ABMM", "an R->R PWL function with p pieces and a flat leftmost or rightmost piece is a 2-layer "
                              "ReLU net with p-1 hidden units")
def cor_a1(full: bool) -> Verdict:
    r = rng("ABMM-CorA.1")
    top, per = (16, 40) if full else (9, 12)
    count = 0
    for p in range(2, top + 1):
        for side in ("left", "right"):
            for _ in range(per):
                f = random_pwl(r, p, flat=side)
                net = pwl_to_network(f)
                if net.size != p - 1 or pwl_from_network(net) != f:
                    return _fail(f"p={p} flat {side} f={f!r}", f"{net.size} units, or another function")
                count += 1
    for a in ([_HALF], [Fraction(1, 3), Fraction(1, 2)], [Fraction(1, 5), Fraction(2, 5), Fraction(3, 5)]):
        h = hard_function(a)
        if pwl_to_network(h).size != len(a) + 1 or two_layer_units_needed(h) != len(a) + 1:
            return _fail(f"h_a, a={a}", "h_a (w + 1 pieces, flat left) does not take exactly w units")
        count += 1
    return proved(f"exact: {count} PWL functions with a flat end, p = 2..{top}, and h_a for w = 2, 3, 4, each rebuilt "
                  f"with p - 1 units and compared on all of R", instances=count)


@claim("ABMM-LemD.5", "ABMM", "an R->R ReLU net with hidden widths w_1..w_k has at most 2^(k-1)(w_1+1)w_2...w_k "
                              "pieces; max{0, f + b} has at most twice the pieces of f (Fig. 4)")
def lemma_d5(full: bool) -> Verdict:
    r = rng("ABMM-LemD.5")
    per = 60 if full else 15
    count = tight = 0
    worst = Fraction(0)
    for k in range(1, (6 if full else 5)):
        for _ in range(per):
            widths = [r.randint(1, 4 if full else 3) for _ in range(k)]
            net = random_relu_net(r, widths)
            f = pwl_from_network(net)
            got, bound = piece_count(f), lemma_d5_bound(widths)
            if got > bound:
                return _fail(f"widths={widths}", f"{got} pieces exceed the bound {bound}")
            tight += got == bound
            worst = max(worst, Fraction(got, bound))
            b = small_rational(r)
            g = pwl_relu(pwl_linear_combination([1], [f], b))
            if piece_count(g) > 2 * got:
                return _fail(f"widths={widths}", "max{0, f+b} has more than twice the pieces of f")
            count += 1
    return proved(f"exact breakpoint propagation on {count} random rational ReLU nets with 1..{4 if not full else 5} "
                  f"hidden layers: every piece count within the bound, and max{{0, f + b}} within twice f's",
                  instances=count, attained_bound=tight, largest_ratio=str(worst))


@claim("ABMM-LemD.6", "ABMM", "depth k+1 and p pieces need size >= (1/2) k p^(1/k) - 1; depth k+1 and size s give at "
                              "most (2s/k)^k pieces")
def lemma_d6(full: bool) -> Verdict:
    top_k, top_s = (8, 60) if full else (5, 30)
    count = 0
    for k in range(1, top_k + 1):
        for s in range(k, top_s + 1):
            most = max_pieces(k, s)
            # the sharp form (1/2)(2(s+1)/k)^k bounds the exact maximum; the printed (2s/k)^k as well
            if 2 * most * k ** k > (2 * (s + 1)) ** k or most * k ** k > (2 * s) ** k:
                return _fail(f"k={k} s={s}", f"the exact maximum {most} exceeds (2s/k)^k")
            least = min_size_for_pieces(most, k)
            if least > s or not stated_size_bound_holds(least, k, most):
                return _fail(f"k={k} s={s}", f"the least size {least} for {most} pieces breaks the size bound")
            count += 1
    # the exact piece counter agrees with the calculator on the hard functions (which attain w^k)
    r = rng("ABMM-LemD.6")
    for k in range(1, 4):
        w = r.randint(2, 3)
        a = [sorted({Fraction(r.randint(1, 29), 30) for _ in range(w - 1)}) for _ in range(k)]
        a = [x for x in a if len(x) == w - 1]
        if len(a) != k:
            continue
        net = hard_composition_net(a)
        pieces_ = piece_count(pwl_from_network(net), (0, 1))
        if not stated_size_bound_holds(net.size, k, pieces_) or pieces_ > max_pieces(k, net.size):
            return _fail(f"H with a={a}", "the hard function breaks Lemma D.6")
        count += 1
    return proved(f"exact integer arithmetic for k = 1..{top_k}, s = k..{top_s} (maximum of Lemma D.5's bound over "
                  f"width splits vs (2s/k)^k and (1/2)(2(s+1)/k)^k; least size vs (1/2)k p^(1/k) - 1, compared as "
                  f"(2(s+1))^k >= k^k p), and hard functions counted exactly", instances=count)


def _simplex(r: random.Random, p: int, M: Fraction) -> list[Fraction]:
    while True:
        a = sorted({M * Fraction(r.randint(1, 59), 60) for _ in range(p)})
        if len(a) == p:
            return a


@claim("ABMM-Def8", "ABMM", "h_a (a in Delta^(w-1)_M) has w+1 pieces, a flat left end, and is w ReLUs")
def def8(full: bool) -> Verdict:
    r = rng("ABMM-Def8")
    count = 0
    for p in range(1, 12 if full else 7):
        for M in (Fraction(1), Fraction(5, 3)):
            a = _simplex(r, p, M)
            h, net = hard_function(a, M), hard_function_net(a, M)
            if pwl_from_network(net) != h or net.size != p + 1 or piece_count(h) != p + 2 or h.left_slope != 0:
                return _fail(f"a={a} M={M}", "h_a's network, size or piece count is off")
            if [h(x) for x in (0, *a)] != [M * (i % 2) for i in range(p + 1)]:
                return _fail(f"a={a} M={M}", "h_a does not zig-zag between 0 and M")
            count += 1
    return proved(f"exact: {count} random h_a, p = 1..{10 if full else 6}, M in {{1, 5/3}}", instances=count)


@claim("ABMM-LemB.1", "ABMM", "H = h_(a^k) o ... o h_(a^1) has prod (p_i+1) pieces in [0,M], each affine from 0 to M, "
                              "and at most prod (p_i+1) + 2 pieces in all")
def lemma_b1(full: bool) -> Verdict:
    r = rng("ABMM-LemB.1")
    count = 0
    for _ in range(40 if full else 12):
        k = r.randint(1, 4 if full else 3)
        M = r.choice([Fraction(1), Fraction(7, 4)])
        ps = [r.randint(1, 4 if full else 3) for _ in range(k)]
        a_list = [_simplex(r, p, M) for p in ps]
        H = hard_composition(a_list, M)
        label = f"a={[[str(x) for x in a] for a in a_list]} M={M}"
        if pwl_from_network(hard_composition_net(a_list, M)) != H:
            return _fail(label, "the network and the composed function differ")
        expected = 1
        for p in ps:
            expected *= p + 1
        inside = [x for x in kinks(H) if 0 < x < M]
        if piece_count(H, (0, M)) != expected or piece_count(H) > expected + 2:
            return _fail(label, f"{piece_count(H, (0, M))} pieces in [0,M], {piece_count(H)} in all; expected {expected}")
        ends = [_ZERO, *inside, M]
        if any({H(ends[i]), H(ends[i + 1])} != {_ZERO, M} for i in range(len(ends) - 1)):
            return _fail(label, "a piece in [0, M] does not run between 0 and M")
        count += 1
    fig2 = hard_composition([[Fraction(1, 3), Fraction(2, 3)], [_HALF]])  # Fig. 2: a^1 in Delta^2_1, a^2 in Delta^1_1
    if piece_count(fig2, (0, 1)) != 6:
        return _fail("Fig. 2", f"{piece_count(fig2, (0, 1))} pieces in [0,1], not 3 x 2 = 6")
    return proved(f"exact composition of {count} random H (k <= {4 if full else 3}, p_i <= {4 if full else 3}) and "
                  f"the Fig. 2 shape (6 pieces); each network compared with its function on all of R",
                  instances=count + 1)


@claim("ABMM-Thm3.1", "ABMM", "a (k+1)-layer width-w net has w^k pieces; every (k'+1)-layer net with k' <= k "
                              "computing it has size >= (1/2) k' w^(k/k') - 1")
def thm31(full: bool) -> Verdict:
    r = rng("ABMM-Thm3.1")
    cases = [(k, w) for k in range(1, 6 if full else 4) for w in range(2, 5 if full else 4)]
    count = 0
    rows = []
    for k, w in cases:
        gap = depth_gap(k, w)
        a_list = [_simplex(r, w - 1, Fraction(1)) for _ in range(k)]
        net = hard_composition_net(a_list)
        H = pwl_from_network(net)
        if (net.depth, net.size, max(net.widths[1:-1])) != (gap.deep_depth, gap.deep_size, w):
            return _fail(f"k={k} w={w}", f"the construction has depth {net.depth}, size {net.size}")
        if piece_count(H, (0, 1)) != gap.pieces:
            return _fail(f"k={k} w={w}", f"{piece_count(H, (0, 1))} pieces in [0,1], not w^k = {gap.pieces}")
        if not all(gap.stated_bound_met.values()):
            return _fail(f"k={k} w={w}", f"Lemma D.5's least sizes {gap.shallow_min_size} miss the stated bound")
        rows.append(f"k={k},w={w}: {gap.pieces} pieces at size {gap.deep_size}; least shallow sizes {gap.shallow_min_size}")
        count += 1
    return proved(f"exact: for {count} (k, w) the constructed H (k hidden layers of width w) has w^k pieces in [0,1] "
                  f"(breakpoint propagation through the network), and for every k' <= k the least size Lemma D.5 "
                  f"allows for w^k pieces at depth k'+1 is >= (1/2) k' w^(k/k') - 1 (compared in integers)",
                  instances=count, table=rows[:12])


@claim("ABMM-Thm3.2", "ABMM", "each H_(a^1..a^k), a^i in Delta^(w-1)_M, has w^k pieces (on [0,M]) and is a "
                              "(k+1)-layer net with w units per layer")
def thm32(full: bool) -> Verdict:
    r = rng("ABMM-Thm3.2")
    count = 0
    for _ in range(30 if full else 10):
        k, w = r.randint(1, 4 if full else 3), r.randint(2, 4)
        M = r.choice([Fraction(1), Fraction(3, 2)])
        a_list = [_simplex(r, w - 1, M) for _ in range(k)]
        net = hard_composition_net(a_list, M)
        H = pwl_from_network(net)
        if piece_count(H, (0, M)) != w ** k or net.widths[1:-1] != (w,) * k:
            return _fail(f"a={a_list}", "wrong piece count or widths")
        count += 1
    return proved(f"exact: {count} random members (k <= {4 if full else 3}, w <= 4, M in {{1, 3/2}}) have w^k "
                  f"pieces on [0, M]; in all, w^k + 1 or w^k + 2 with the outer pieces", instances=count)


@claim("ABMM-Cor3.4", "ABMM", "k^2+1 layers and k^3 units give k^(k^2) pieces, while k+1 layers need >= "
                              "(1/2) k^(k+1) - 1 units")
def cor34(full: bool) -> Verdict:
    cases = [(2, 1), (2, 2), (3, 1), (3, 3)] if full else [(2, 1), (2, 2), (3, 1)]
    rows = []
    for k, m in cases:
        facts = super_exponential_gap(k, m)
        a_list = [[Fraction(i, k) for i in range(1, k)]] * (k * m)
        net = hard_composition_net(a_list)
        if (net.depth, net.size) != (facts["deep_depth"], facts["deep_size"]):
            return _fail(f"k={k} m={m}", f"depth {net.depth}, size {net.size}")
        pieces_ = piece_count(pwl_from_network(net), (0, 1))
        if pieces_ != facts["pieces"]:
            return _fail(f"k={k} m={m}", f"{pieces_} pieces, not {facts['pieces']}")
        if facts["shallow_min_size"] < facts["stated_shallow_size"]:
            return _fail(f"k={k} m={m}", "the least shallow size is below the stated bound")
        rows.append(f"k={k}, {k * m} hidden layers: {pieces_} pieces at size {net.size}; depth {k + 1} needs "
                    f">= {facts['shallow_min_size']} units (stated >= {facts['stated_shallow_size']})")
    return proved("exact piece counts of the width-k, k*m-layer hard functions (m = k is Cor. 3.4, m = k^eps "
                  "Cor. 3.3) and the least depth-(k+1) size by Lemma D.5, in integers", instances=len(cases),
                  table=rows)


@claim("ABMM-Sawtooth", "ABMM", "Telgarsky's sawtooth m^(L) has 2^L pieces on [0,1]; m = h_(1/2) on [0,1]")
def sawtooth_claim(full: bool) -> Verdict:
    top = 12 if full else 8
    for L in range(1, top + 1):
        f = pwl_from_network(sawtooth_net(L))
        if f != sawtooth(L) or piece_count(f, (0, 1)) != 2 ** L:
            return _fail(f"L={L}", f"{piece_count(f, (0, 1))} pieces on [0,1]")
    h = hard_function([_HALF])
    tent = sawtooth(1)
    if any(h(x) != tent(x) for x in (0, Fraction(1, 4), _HALF, Fraction(3, 4), 1)):
        return _fail("L=1", "the tent map differs from h_(1/2) on [0, 1]")
    return proved(f"exact breakpoint propagation through the networks, L = 1..{top}; the tent map agrees with "
                  f"h_(1/2) at the corners of both on [0, 1]", instances=top)


@claim("ABMM-LemD.1-D.2", "ABMM", "composing a (k1+1)- after a (k2+1)-layer net gives a (k1+k2+1)-layer net of the "
                                  "summed size; the function is the composition")
def closure(full: bool) -> Verdict:
    r = rng("ABMM-LemD.1-D.2")
    count = 0
    for _ in range(30 if full else 10):
        wa = [r.randint(1, 3) for _ in range(r.randint(1, 3))]
        wb = [r.randint(1, 3) for _ in range(r.randint(1, 3))]
        a, b = random_relu_net(r, wa), random_relu_net(r, wb)
        c = compose(a, b)
        if c.hidden_layers != len(wa) + len(wb) or c.size != a.size + b.size:
            return _fail(f"widths {wa} after {wb}", "the composed shape is off")
        if pwl_from_network(c) != pwl_compose(pwl_from_network(a), pwl_from_network(b)):
            return _fail(f"widths {wa} after {wb}", "the composed network computes another function")
        count += 1
    return proved(f"exact: {count} random pairs, composed networks vs composed PWL functions on all of R",
                  instances=count)


def _ray_net(net: Network, d: tuple[Fraction, Fraction]) -> Network:
    line = Network(1, [Layer("linear", [[d[0]], [d[1]]], [0, 0])])
    return compose(net, line)


#: ABMM Fig. 1 instances (CLAIMS.md ABMM-Prop3.8 / ABMM-Thm3.9): (label, a-list, generators).
FIG1 = (
    ("Fig. 1 left: ZONOTOPE^2_(2,2,2), H o l1", [[_HALF], [_HALF]], [(0, 1), (1, 0)]),
    ("Fig. 1 middle: ZONOTOPE^2_(2,2,4)", [[_HALF], [_HALF]],
     [(Fraction(1, 4), _HALF), (-_HALF, 0), (0, Fraction(-1, 4)), (Fraction(-1, 4), Fraction(-1, 4))]),
    ("Fig. 1 right: ZONOTOPE^2_(3,2,4)", [[_HALF], [_HALF], [_HALF]],
     [(Fraction(1, 4), _HALF), (-_HALF, 0), (0, Fraction(-1, 4)), (Fraction(-1, 4), Fraction(-1, 4))]),
)


def _planar_count(net: Network, box) -> int:
    """Pieces of ``net`` in ``box`` from the planar region enumeration (exactnets.planar): regions
    joined across edges of positive length when their affine functions agree."""
    from exactnets.planar import linear_regions_2d, merge_equal_pieces

    return len(merge_equal_pieces(linear_regions_2d(net, box, output=0)))


@claim("ABMM-Thm3.9", "ABMM", "ZONOTOPE^n_(k,w,m) = H o gamma_Z is a ReLU net of depth k+2 and size 2m + wk with at "
                              "least sum_(i<n) C(m-1,i) w^k pieces; exactly, in R^2 with generators in general "
                              "position, 2 sum_(i<n) C(m-1,i) w^k, plus 1 when H is flat beyond M")
def thm39(full: bool) -> Verdict:
    cases = list(FIG1)
    r = rng("ABMM-Thm3.9")
    # random members in general position: w = 2, 3, 4 (p odd and even), k = 1..3
    for index in range(8 if full else 3):
        m = r.randint(2, 5 if full else 3)
        w = 2 + index % 3
        k = 1 + index % (3 if full else 2)
        cases.append((f"random k={k} w={w} m={m}", [_simplex(r, w - 1, Fraction(1)) for _ in range(k)],
                      _random_generators(r, m)))
    table = []
    for label, a_list, gens in cases:
        net = zonotope_net(a_list, gens)
        k, m, n = len(a_list), len(gens), 2
        w = len(a_list[0]) + 1
        if net.depth != k + 2 or net.size != 2 * m + w * k:
            return _fail(label, f"depth {net.depth}, size {net.size}; expected {k + 2}, {2 * m + w * k}")
        # the gauge is the max of the zonotope's vertex functionals: check F = H(gamma) at points
        H = pwl_from_network(hard_composition_net(a_list))
        gauge = zonotope_gauge_net(gens)
        count = zonotope_piece_count_2d(H, gens)
        vertices = count.cone_gradients
        if count.cones != zonotope_vertex_count(gens):
            return _fail(label, "the cone count differs from the zonotope's vertex count")
        for _ in range(40):
            x = (small_rational(r), small_rational(r))
            g = evaluate(gauge, x)[0]
            if g != max(v[0] * x[0] + v[1] * x[1] for v in vertices) or evaluate(net, x)[0] != H(g):
                return refuted(x, reason=f"{label}: the network differs from H(gamma_Z) here")
        # along one ray inside each cone, the network itself is H(gamma(d) t) for t >= 0
        ramp = pwl_relu(pwl_affine(1, 0))  # compare the two functions of t on t >= 0 only
        for j, (grad, probe) in enumerate(zip(vertices, count.cone_directions)):
            gd = grad[0] * probe[0] + grad[1] * probe[1]
            along = pwl_from_network(_ray_net(net, probe))
            expected = pwl_compose(H, pwl_affine(gd, 0))
            if pwl_compose(along, ramp) != pwl_compose(expected, ramp):
                return _fail(label, f"along the ray {probe} the network is not H(gamma) (cone {j})")
        stated = thm39_stated_pieces(n, m, w, k)
        flat_beyond = H.right_slope == 0
        exact = 2 * stated + (1 if flat_beyond else 0)
        if count.pieces < stated or count.pieces != exact or count.bands != w ** k + (1 if flat_beyond else 0):
            return _fail(label, f"{count.pieces} pieces ({count.bands} bands of H); the stated count is {stated}, "
                                f"twice it {'plus 1 ' if flat_beyond else ''}is {exact}")
        # an independent count: the exact planar regions in a box holding the last level set
        # (gamma_Z <= 1 for the Fig. 1 instances lies in [-4, 4]^2), merged into pieces
        planar = None
        if label.startswith("Fig") or count.pieces <= (600 if full else 60):
            # gamma_Z >= |<b1,r>| + |<b2,r>| (two independent generators), so the level set
            # gamma_Z <= T lies in the parallelogram with vertices +-T B^-1 e_j; pad it by 1
            (a, b), (c, d) = gens[0], gens[1]
            det = a * d - b * c
            top = max(kinks(H))
            half = 1 + max(abs(v) * top / abs(det) for v in (a, b, c, d))
            planar = _planar_count(net, (-half, half))
        if planar is not None and planar != count.pieces:
            return _fail(label, f"the planar region count {planar} differs from the cone-band count {count.pieces}")
        table.append({"instance": label, "exact_pieces": count.pieces, "bounded": count.bounded,
                      "unbounded": count.unbounded, "stated": stated, "cones": count.cones,
                      "planar_region_count_in_box": planar})
    left = table[0]
    return proved("exact piece count in R^2 (cones of gamma_Z x bands of H, merged across cone boundaries where H "
                  "is flat; pieces = maximal connected open sets where F is affine), the network checked against "
                  "H(gamma_Z) at points and along a ray in every cone, the Fig. 1 counts also by the planar region "
                  "enumeration; the stated count is a lower bound: the exact count is twice it (2m cones, not m), "
                  "plus 1 for the flat outer piece when H is flat beyond M "
                  f"(Fig. 1 left: {left['exact_pieces']} = {left['bounded']} bounded + {left['unbounded']} unbounded vs stated "
                  f"{left['stated']})",
                  instances=len(table), counts=table)


def _tiny_data(r: random.Random, count: int, dim: int):
    points = [[Fraction(r.randint(-10, 10), 5) for _ in range(dim)] for _ in range(count)]
    units = [[Fraction(r.randint(-4, 4), 2) for _ in range(dim + 1)] for _ in range(2)]
    labels = []
    for p in points:
        value = max(_ZERO, sum(a * x for a, x in zip(units[0], p)) + units[0][-1]) \
            - max(_ZERO, sum(a * x for a, x in zip(units[1], p)) + units[1][-1])
        labels.append(value + Fraction(r.randint(-3, 3), 10))
    return points, labels


@claim("ABMM-Alg1", "ABMM", "Algorithm 1 (enumerate signs and hyperplane partitions, one convex program each) "
                            "finds the global optimum of one-hidden-layer ERM")
def alg1(full: bool) -> Verdict:
    from exactnets.train.api import train
    from exactnets.train.problem import TrainProblem

    # quick: a 1-D and a 2-D case; full adds 2-D cases whose optimum is positive (l1, hinge)
    cases = [(6, 1, "linf"), (5, 2, "l1")] + ([(7, 1, "l1"), (6, 2, "l1"), (7, 2, "l1"), (6, 2, "hinge")] if full else [])
    rows = []
    for count, dim, loss in cases:
        points, labels = _tiny_data(rng(f"ABMM-Alg1:{count}:{dim}:{loss}"), count, dim)
        if loss == "hinge":
            labels = [1 if y >= 0 else -1 for y in labels]
        problem = TrainProblem(points, labels, width=2, loss=loss)
        enum = train(problem)
        naive = train(problem, method="naive")
        milp = train(problem, method="milp", box=1000)
        label = f"D={count} n={dim} {loss}"
        if not enum.objective == naive.objective == milp.objective:
            return _fail(label, f"enumeration {enum.objective}, Algorithm 1 as printed {naive.objective}, "
                                f"MILP {milp.objective}")
        if enum.certified != "exact":
            return _fail(label, "the enumeration's optimum is not certified exactly")
        rows.append(f"{label}: optimum {enum.objective}")
    return proved("the certified branch-and-bound enumeration (every pruned bound verified in rationals), "
                  "Algorithm 1 without pruning (float comparisons, its best subproblem re-solved exactly) and a "
                  "big-M MILP (weights in [-1000, 1000]) reach the same exact optimum; each returned network "
                  "replayed exactly",
                  instances=len(cases), table=rows)


@claim("ABMM-Alg1D", "ABMM", "for n = 1 the optimum over width-w nets is found by a search over the class w units "
                             "realise (the corrected App. C algorithm)")
def alg1d(full: bool) -> Verdict:
    from exactnets.train.api import train
    from exactnets.train.problem import TrainProblem

    r = rng("ABMM-Alg1D")
    rows = []
    for count in ((5, 6, 7) if full else (5, 6)):
        points, labels = _tiny_data(r, count, 1)
        problem = TrainProblem(points, labels, width=2, loss="l1")
        enum, onedim = train(problem), train(problem, method="onedim")
        if enum.objective != onedim.objective:
            return _fail(f"D={count}", f"enumeration {enum.objective} vs 1-D search {onedim.objective}")
        rows.append(f"D={count}: {enum.objective}")
    return proved("the 1-D search and the certified enumeration agree exactly", instances=len(rows), table=rows)


def _collinear(points) -> bool:
    (x0, y0), (x1, y1) = points[0], points[1]
    return all((x1 - x0) * (y - y0) == (y1 - y0) * (x - x0) for x, y in points[2:])


@claim("ABMM-AlgC-as-printed", "ABMM", "App. C as printed: width-w ERM in one dimension is fitting a PWL function "
                                       "with w pieces", expect="refuted")
def algc_as_printed(full: bool) -> Verdict:
    # CLAIMS.md ABMM-Alg1D: 2 units fit these 5 points exactly, no 2-piece PWL function does
    data = [(Fraction(0), Fraction(0)), (Fraction(1), _HALF), (Fraction(2), Fraction(3, 2)), (Fraction(3), Fraction(3)),
            (Fraction(4), Fraction(5))]
    net = Network(1, [Layer("relu", [[1], [1]], [-_HALF, -Fraction(5, 2)]), Layer("linear", [[1, 1]], [0])])
    if any(evaluate(net, [x])[0] != y for x, y in data):
        return unknown("the 2-unit witness does not fit the data")
    # a continuous function with 2 pieces (one kink c) through the sorted points: the points left
    # of c are collinear, those right of c are collinear, and together they are all the points.
    # Any 3 consecutive points here are not collinear, so each side holds at most 2: 4 < 5.
    # Necessary for a fit: for a kink between points (sides data[:i], data[i:]) or at point i
    # (sides data[:i+1], data[i:]) both sides collinear; none of these splits works.
    sides = [(data[:i], data[i:]) for i in range(len(data) + 1)] + [(data[:i + 1], data[i:]) for i in range(len(data))]
    for left, right in sides:
        if (len(left) < 3 or _collinear(left)) and (len(right) < 3 or _collinear(right)):
            return unknown("a 2-piece fit may exist (the counterexample is wrong)")
    flat = [v for point in data for v in point]
    return refuted(flat, reason="the 5 points (x1, y1, ..., x5, y5): R(x - 1/2) + R(x - 5/2) fits them with zero loss "
                                "(replayed), but no continuous 2-piece PWL function passes through them (no 3 consecutive "
                                "points are collinear, so each side of the kink holds at most 2 of the 5)",
                   network_units=2, best_two_piece_loss="> 0")


def _random_generators(r: random.Random, m: int, *, general: bool = True) -> list[tuple[Fraction, Fraction]]:
    while True:
        gens = [(Fraction(r.randint(-9, 9), r.randint(1, 4)), Fraction(r.randint(-9, 9), r.randint(1, 4))) for _ in range(m)]
        if any(g == (0, 0) for g in gens):
            continue
        if not general or zonotope_general_position(gens):
            return gens


@claim("ABMM-Lem3.7", "ABMM", "the gauge gamma_Z(r) = max_(x in Z) <r, x> of a zonotope with m generators is a "
                              "2-layer ReLU net of size 2m")
def lemma37(full: bool) -> Verdict:
    from exactnets.constructions.arora import max_affine_net
    from exactnets.verify.equivalence import check_equivalence

    r = rng("ABMM-Lem3.7")
    count = 0
    for m in range(1, 9 if full else 6):
        for _ in range(3 if full else 2):
            gens = _random_generators(r, m, general=False)
            gauge = zonotope_gauge_net(gens)
            if gauge.depth != 2 or gauge.size != 2 * m:
                return _fail(f"m={m}", f"depth {gauge.depth}, size {gauge.size}")
            # max over Z of <r, x> is attained at a vertex: the max of the vertex functionals,
            # built independently with ABMM's max gadget tree (Thm 2.1), and proved equal on R^2
            vertices = zonotope_piece_count_2d(pwl_affine(1, 0), gens).cone_gradients
            if len(vertices) < 2:
                return _fail(f"m={m}", "fewer than 2 vertices")
            spec = max_affine_net([list(v) for v in vertices])
            result = check_equivalence(gauge, spec, "reals", "function")
            if result.verdict == "counterexample":
                return refuted(result.counterexample, reason=f"generators {gens}: the gauge net is not max_v <v, r>")
            if result.verdict != "equivalent":
                return unknown(f"generators {gens}: {result.summary()}")
            count += 1
    return proved(f"{count} random planar zonotopes (m = 1..{8 if full else 5}): the size-2m net sum_i R(<b_i,r>) + "
                  f"R(-<b_i,r>) proved equal on all of R^2 to the maximum of <v, r> over the zonotope's vertices "
                  f"(equivalence engine, exact)", instances=count)


@claim("ABMM-Thm3.6", "ABMM", "a zonotope in R^n with m generators in general position has 2 sum_(i<n) C(m-1,i) "
                              "vertices, and its gauge has exactly that many pieces (checked in R^2)")
def thm36(full: bool) -> Verdict:
    from exactnets.planar import linear_regions_2d, merge_equal_pieces

    r = rng("ABMM-Thm3.6")
    count = 0
    for m in range(1, 8 if full else 5):
        for general in (True, False) if m >= 2 else (True,):
            if general:
                gens = _random_generators(r, m)
            else:  # m - 1 generators in general position and one parallel to the first
                gens = _random_generators(r, m - 1)
                gens.append((-3 * gens[0][0] / 2, -3 * gens[0][1] / 2))
            vertices = zonotope_vertex_count(gens)
            expected = 2 * sum(math.comb(m - 1, i) for i in range(2))
            if vertices != (expected if general else expected - 2) or zonotope_general_position(gens) != general:
                return _fail(f"m={m} {gens}", f"{vertices} vertices; the maximum is 2 sum C(m-1, i) = {expected}")
            # the gauge's pieces, counted by the planar region enumeration (a box around 0 meets every cone)
            pieces_ = len(merge_equal_pieces(linear_regions_2d(zonotope_gauge_net(gens), (-1, 1))))
            if pieces_ != vertices:
                return _fail(f"m={m} {gens}", f"the gauge has {pieces_} pieces but the zonotope {vertices} vertices")
            count += 1
    return proved(f"{count} planar zonotopes (m = 1..{7 if full else 4}, in general position and with one parallel pair): "
                  f"vertex count (distinct generator lines) = 2 sum_(i<2) C(m-1, i) = 2m in general position, 2m - 2 with "
                  f"the parallel pair, "
                  f"and the gauge's pieces (exact planar regions merged) = the vertex count", instances=count)
