"""Constructions of Arora, Basu, Mianjy & Mukherjee, *Understanding Deep Neural Networks with
Rectified Linear Units* (ICLR 2018; shared/papers/004_11ba376242a1050b.txt; CLAIMS.md section 5).

* :func:`max2_net` -- the max gadget of Fig. 3: ``max{x1,x2} = (x1+x2)/2 + |x1-x2|/2`` with four
  ReLUs, or ``x2 + R(x1 - x2)`` with three (``x2 = R(x2) - R(-x2)``).
* :func:`max_affine_net`, :func:`max_net` -- the binary tree of gadgets behind Theorem 2.1: the
  maximum of ``m`` affine functions with ``ceil(log2 m)`` hidden layers, so ``max{x_1..x_n}``
  uses ``ceil(log2 n)`` and ``max{0, x_1..x_n}`` (``n + 1`` functions) ``ceil(log2(n + 1))``,
  Theorem 2.1's depth bound for ``R^n``.  Shallow branches are carried by identity pairs
  ``t = R(t) - R(-t)``.  (An *upper* bound on depth only; see CLAIMS.md ABMM-Thm2.1.)
* :func:`max_chain_net` -- the same maximum as a chain of gadgets (depth ``m - 1``), an
  independent construction the tests compare the tree with.
* :func:`hard_function`, :func:`hard_function_net` -- ``h_a`` for ``a`` in the simplex
  ``Delta^p_M`` (Def. 8 as reconstructed in CLAIMS.md ABMM-Def4/ABMM-Def8); :func:`hard_composition`,
  :func:`hard_composition_net` -- ``H_(a^1..a^k) = h_(a^k) o ... o h_(a^1)`` (Lemma B.1,
  Theorem 3.2); :func:`sawtooth`, :func:`sawtooth_net` -- Telgarsky's tent map iterated
  (CLAIMS.md ABMM-Sawtooth).
* Depth-gap calculators in integer/rational arithmetic: :func:`lemma_d5_bound`,
  :func:`max_pieces`, :func:`min_size_for_pieces`, :func:`thm31_bound_holds`,
  :func:`depth_gap` (Theorems 3.1/3.2), :func:`super_exponential_gap` (Corollaries 3.3/3.4).
* Zonotopes: :func:`zonotope_gauge_net` (Def. 6 / Lemma 3.7), :func:`zonotope_net` (Prop. 3.8 /
  Thm 3.9), :func:`zonotope_vertex_count` and :func:`zonotope_piece_count_2d` (exact piece count
  of ``H o gamma_Z`` in the plane).

The output layer is linear with a bias where needed (CLAIMS.md pitfall P2).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from exactnets.errors import InputError
from exactnets.network import Layer, Network
from exactnets.rational import as_rational, as_rational_vector

__all__ = ["max2_net", "max_affine_net", "max_net", "max_chain_net", "verify_max",
           "simplex_point", "hard_function", "hard_function_net", "hard_composition", "hard_composition_net",
           "sawtooth", "sawtooth_net", "lemma_d5_bound", "max_pieces", "min_size_for_pieces", "thm31_bound_holds",
           "stated_size_bound_holds", "DepthGap", "depth_gap", "super_exponential_gap", "zonotope_gauge_net", "zonotope_net",
           "zonotope_vertex_count", "zonotope_general_position", "ZonotopeCount", "zonotope_piece_count_2d",
           "thm39_stated_pieces"]

_ZERO, _HALF = Fraction(0), Fraction(1, 2)


def max2_net(units: int = 4) -> Network:
    """``max{x1, x2}`` as a 2-layer ReLU net (ABMM Fig. 3; CLAIMS.md ABMM-Fig3).

    ``units=4``: ``(1/2)[R(x1+x2) - R(-x1-x2) + R(x1-x2) + R(x2-x1)]``, the figure's
    ``(x1+x2)/2 + |x1-x2|/2``.  ``units=3``: ``R(x1 - x2) + R(x2) - R(-x2)``.
    """
    if units == 4:
        hidden = Layer("relu", [[1, 1], [-1, -1], [1, -1], [-1, 1]], [0] * 4)
        return Network(2, [hidden, Layer("linear", [[_HALF, -_HALF, _HALF, _HALF]], [0])], name="ABMM Fig. 3: max gadget")
    if units == 3:
        hidden = Layer("relu", [[1, -1], [0, 1], [0, -1]], [0] * 3)
        return Network(2, [hidden, Layer("linear", [[1, 1, -1]], [0])], name="ABMM Fig. 3: max gadget, 3 units")
    raise InputError(f"the max gadget has 3 or 4 units (got {units!r})")


# A value carried between layers: an affine form over the previous hidden layer's outputs.
_Form = tuple[tuple[Fraction, ...], Fraction]


def _sub(a: _Form, b: _Form) -> _Form:
    return tuple(x - y for x, y in zip(a[0], b[0])), a[1] - b[1]


def _neg(a: _Form) -> _Form:
    return tuple(-x for x in a[0]), -a[1]


def _tree_layers(forms: list[_Form], input_dim: int) -> tuple[list[Layer], _Form]:
    """Hidden layers reducing ``forms`` (affine in the inputs) to one value by pairwise maxes."""
    layers: list[Layer] = []
    while len(forms) > 1:
        rows: list[_Form] = []
        combos: list[list[tuple[int, int]]] = []  # each new value as (unit index, coefficient) pairs
        for i in range(0, len(forms) - 1, 2):
            a, b = forms[i], forms[i + 1]
            start = len(rows)
            rows += [_sub(a, b), b, _neg(b)]  # max(a, b) = R(a - b) + R(b) - R(-b)
            combos.append([(start, 1), (start + 1, 1), (start + 2, -1)])
        if len(forms) % 2:
            a = forms[-1]
            start = len(rows)
            rows += [a, _neg(a)]  # a = R(a) - R(-a)
            combos.append([(start, 1), (start + 1, -1)])
        layers.append(Layer("relu", [list(r[0]) for r in rows], [r[1] for r in rows]))
        width = len(rows)
        forms = []
        for combo in combos:
            coefficients = [_ZERO] * width
            for index, c in combo:
                coefficients[index] += c
            forms.append((tuple(coefficients), _ZERO))
    return layers, forms[0]


def max_affine_net(weights: Sequence[Sequence[Any]], biases: Sequence[Any] | None = None) -> Network:
    """``x -> max_i (w_i . x + b_i)`` for ``m >= 2`` affine functions, with ``ceil(log2 m)`` hidden
    layers of max gadgets (ABMM Thm. 2.1's construction, Fig. 3's gadget)."""
    rows = [as_rational_vector(w, what=f"weights[{i}]") for i, w in enumerate(weights)]
    m = len(rows)
    if m < 2:
        raise InputError(f"the maximum needs at least 2 affine functions (got {m})")
    d = len(rows[0])
    if any(len(r) != d for r in rows):
        raise InputError("every affine function needs the same number of weights")
    bias = [Fraction(0)] * m if biases is None else [as_rational(b, what="bias") for b in biases]
    if len(bias) != m:
        raise InputError(f"{m} weight rows but {len(bias)} biases")
    forms = [(tuple(r), b) for r, b in zip(rows, bias)]
    layers, last = _tree_layers(forms, d)
    if len(layers) != math.ceil(math.log2(m)):
        raise AssertionError("the gadget tree has the wrong depth")
    output = Layer("linear", [list(last[0])], [last[1]])
    return Network(d, [*layers, output], name=f"ABMM Thm 2.1: max of {m} affine functions, {len(layers)} hidden layers")


def max_net(n: int, *, include_zero: bool = False) -> Network:
    """``max{x_1, ..., x_n}`` on ``R^n`` with ``ceil(log2 n)`` hidden layers, or with
    ``include_zero=True`` ``max{0, x_1, ..., x_n}`` with ``ceil(log2(n + 1))`` (ABMM Thm. 2.1)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1 or (n < 2 and not include_zero):
        raise InputError(f"max_net needs n >= 2 inputs (n >= 1 with include_zero) (got {n!r})")
    rows = [[1 if j == i else 0 for j in range(n)] for i in range(n)]
    if include_zero:
        rows.append([0] * n)
    net = max_affine_net(rows)
    label = f"max{{0, x_1..x_{n}}}" if include_zero else f"max{{x_1..x_{n}}}"
    return net.with_name(f"ABMM Thm 2.1: {label}, {net.hidden_layers} hidden layers",
                         {"paper": "ABMM", "claim": "ABMM-Thm2.1", "n": n, "include_zero": include_zero})


def max_chain_net(n: int) -> Network:
    """``max{x_1..x_n}`` as a chain ``max(...max(max(x1, x2), x3)..., xn)`` of 4-unit gadgets
    (``n - 1`` hidden layers; inputs not yet used are carried by identity pairs)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise InputError(f"max_chain_net needs n >= 2 (got {n!r})")
    # forms over the previous layer: current max, then the inputs not yet used
    forms: list[_Form] = [(tuple(1 if j == i else 0 for j in range(n)), _ZERO) for i in range(n)]
    layers: list[Layer] = []
    while len(forms) > 1:
        a, b, rest = forms[0], forms[1], forms[2:]
        s = (tuple(x + y for x, y in zip(a[0], b[0])), a[1] + b[1])
        rows = [s, _neg(s), _sub(a, b), _sub(b, a)]
        for r in rest:
            rows += [r, _neg(r)]
        layers.append(Layer("relu", [list(r[0]) for r in rows], [r[1] for r in rows]))
        width = len(rows)
        new = [(tuple([_HALF, -_HALF, _HALF, _HALF] + [_ZERO] * (width - 4)), _ZERO)]
        for k in range(len(rest)):
            c = [_ZERO] * width
            c[4 + 2 * k], c[5 + 2 * k] = Fraction(1), Fraction(-1)
            new.append((tuple(c), _ZERO))
        forms = new
    return Network(n, [*layers, Layer("linear", [list(forms[0][0])], [0])], name=f"max of {n} inputs, chained")


def verify_max(net: Network, *, include_zero: bool = False, timeout: float | None = 60):
    """Prove or refute ``net(x) = max{x_1..x_n}`` (with 0 among them if ``include_zero``) on all of ``R^n``.

    The maximum is characterised by two facts, each one z3 query in linear real arithmetic (the
    ReLUs as ``If`` terms, one auxiliary variable per hidden unit): ``net(x) >= x_i`` for every
    ``i`` (and ``>= 0``), and ``net(x)`` equals one of them.  Both unsat: *proved*.  A model is
    an exact rational point, replayed with the reference evaluator before it is reported as a
    counterexample; a z3 timeout gives *unknown*.  Returns a :class:`~exactnets.verify.verdict.Verdict`.
    """
    import z3

    from exactnets.errors import InternalError
    from exactnets.evaluate import evaluate
    from exactnets.verify.verdict import proved, refuted, unknown

    n = net.input_dim
    xs = [z3.Real(f"x_{i}") for i in range(n)]

    def val(q: Fraction):
        return z3.RealVal(f"{q.numerator}/{q.denominator}")

    side = []
    values = list(xs)
    for li, layer in enumerate(net.layers):
        out = []
        for ui, (row, b) in enumerate(zip(layer.weights, layer.bias)):
            terms = [val(w) * v for w, v in zip(row, values) if w != 0] + [val(b)]
            t = z3.Sum(terms) if len(terms) > 1 else terms[0]
            if layer.activation == "relu":
                h = z3.Real(f"h_{li}_{ui}")
                side.append(h == z3.If(t > 0, t, val(_ZERO)))
                out.append(h)
            elif layer.activation == "linear":
                out.append(t)
            else:
                raise InputError(f"verify_max reads relu and linear layers (got {layer.activation!r})")
        values = out
    y = values[0]
    candidates = list(xs) + ([val(_ZERO)] if include_zero else [])
    target = [Fraction(0)] if include_zero else []
    queries = [(f"net(x) < x_{i + 1}", y < c) for i, c in enumerate(xs)]
    if include_zero:
        queries.append(("net(x) < 0", y < 0))
    queries.append(("net(x) differs from every candidate", z3.And([y != c for c in candidates])))
    for label, condition in queries:
        solver = z3.SolverFor("QF_LRA")
        if timeout is not None:
            solver.set("timeout", int(timeout * 1000))
        solver.add(side)
        solver.add(condition)
        answer = solver.check()
        if answer == z3.unsat:
            continue
        if answer != z3.sat:
            return unknown(f"z3 gave no answer on '{label}' ({solver.reason_unknown()})")
        model = solver.model()
        point = [Fraction(model.eval(x, model_completion=True).as_fraction()) for x in xs]
        got = evaluate(net, point)[0]
        want = max(point + target)
        if got == want:
            raise InternalError(f"verify_max: z3's model for '{label}' does not replay")
        return refuted(point, reason=f"net(x) = {got} but the maximum is {want}")
    return proved(f"z3 unsat of {len(queries)} linear-real-arithmetic queries: net(x) >= every candidate and "
                  f"net(x) equals one of them, for all x in R^{n}")


# -- the hard functions h_a and their compositions (ABMM Def. 8, Lemma B.1, Thm 3.2) --------------

def simplex_point(a: Sequence[Any], M: Any = 1) -> tuple[Fraction, ...]:
    """``a`` checked to lie in ``Delta^p_M = {0 < a_1 < ... < a_p < M}`` (CLAIMS.md ABMM-Def4)."""
    bound = as_rational(M, what="M")
    if bound <= 0:
        raise InputError(f"M must be positive (got {bound})")
    point = as_rational_vector(a, what="a")
    if not point:
        raise InputError("a point of Delta^p_M needs p >= 1 coordinates")
    chain = (_ZERO, *point, bound)
    for i in range(len(chain) - 1):
        if not chain[i] < chain[i + 1]:
            raise InputError(f"a = {[str(v) for v in point]} is not in Delta^{len(point)}_{bound}: "
                             f"it needs 0 < a_1 < ... < a_p < M")
    return point


def _zigzag(a: tuple[Fraction, ...], M: Fraction) -> tuple[list[Fraction], list[Fraction]]:
    """The corner points of ``h_a`` on ``[0, M]``: ``(0,0), (a_1,M), (a_2,0), ...``."""
    xs = [_ZERO, *a, M]
    ys = [_ZERO if i % 2 == 0 else M for i in range(len(xs))]
    return xs, ys


def hard_function(a: Sequence[Any], M: Any = 1):
    """``h_a`` as an exact :class:`~exactnets.pwl.PiecewiseLinear` (CLAIMS.md ABMM-Def8).

    0 on ``(-inf, 0]``; on ``[0, M]`` it zig-zags through ``(0,0), (a_1,M), (a_2,0), ...``, ending
    at ``(M, M)`` if ``p`` is even and ``(M, 0)`` if odd; beyond ``M`` the last piece continues
    (no breakpoint at ``M``: ``p + 2`` pieces in all, as the proof of Thm 3.2 implies).

    >>> h = hard_function(["1/3", "2/3"])
    >>> [str(h(x)) for x in (0, "1/3", "2/3", 1, 2)]
    ['0', '1', '0', '1', '4']
    """
    from exactnets.pwl import PiecewiseLinear, canonical

    point = simplex_point(a, M)
    bound = as_rational(M, what="M")
    xs, ys = _zigzag(point, bound)
    last = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    return canonical(PiecewiseLinear(xs[:-1], ys[:-1], 0, last))


def hard_function_net(a: Sequence[Any], M: Any = 1) -> Network:
    """``h_a = sum_(i=0..p) c_i R(x - a_i)`` (``a_0 = 0``): ``p + 1 = w`` ReLUs, one per kink,
    ``c_0`` the first slope and ``c_i`` the slope changes (CLAIMS.md ABMM-Def8; Cor. A.1: a flat
    left end saves the extra unit)."""
    point = simplex_point(a, M)
    bound = as_rational(M, what="M")
    xs, ys = _zigzag(point, bound)
    slopes = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1)]
    coefficients = [slopes[0]] + [slopes[i] - slopes[i - 1] for i in range(1, len(slopes))]
    hidden = Layer("relu", [[1]] * len(coefficients), [-x for x in xs[:-1]])
    return Network(1, [hidden, Layer("linear", [coefficients], [0])], name=f"ABMM Def 8: h_a, p = {len(point)}",
                   meta={"paper": "ABMM", "claim": "ABMM-Def8", "a": [str(v) for v in point], "M": str(bound)})


def hard_composition(a_list: Sequence[Sequence[Any]], M: Any = 1):
    """``H_(a^1..a^k) = h_(a^k) o ... o h_(a^1)`` as an exact PiecewiseLinear (ABMM Lemma B.1)."""
    from exactnets.pwl import pwl_compose

    if not a_list:
        raise InputError("H needs at least one point a^1")
    result = hard_function(a_list[0], M)
    for a in a_list[1:]:
        result = pwl_compose(hard_function(a, M), result)
    return result


def hard_composition_net(a_list: Sequence[Sequence[Any]], M: Any = 1) -> Network:
    """``H_(a^1..a^k)`` as a ReLU network with ``k`` hidden layers of widths ``p_i + 1`` (Lemma D.1:
    each ``h`` net's linear output merges into the next one's first layer; size ``sum (p_i + 1)``)."""
    from exactnets.network import compose

    if not a_list:
        raise InputError("H needs at least one point a^1")
    net = hard_function_net(a_list[0], M)
    for a in a_list[1:]:
        net = compose(hard_function_net(a, M), net)
    widths = [len(a) + 1 for a in a_list]
    return net.with_name(f"ABMM Lemma B.1: H with k = {len(a_list)}, widths {widths}",
                         {"paper": "ABMM", "claim": "ABMM-LemB.1", "widths": widths, "M": str(as_rational(M, what="M"))})


def sawtooth_net(L: int) -> Network:
    """Telgarsky's sawtooth ``m^(L)``, ``m(x) = 2(R(x) - 2R(x - 1/2) + R(x - 1))`` (the tent map
    on ``[0, 1]``, 0 outside): ``L`` hidden layers of 3 units (CLAIMS.md ABMM-Sawtooth)."""
    from exactnets.network import compose

    if isinstance(L, bool) or not isinstance(L, int) or L < 1:
        raise InputError(f"the sawtooth needs L >= 1 compositions (got {L!r})")
    tent = Network(1, [Layer("relu", [[1], [1], [1]], [0, -_HALF, -1]), Layer("linear", [[2, -4, 2]], [0])])
    net = tent
    for _ in range(L - 1):
        net = compose(tent, net)
    return net.with_name(f"Telgarsky sawtooth, L = {L}", {"paper": "ABMM", "claim": "ABMM-Sawtooth", "L": L})


def sawtooth(L: int):
    """``m^(L)`` as an exact PiecewiseLinear, built by composing the tent map ``L`` times."""
    from exactnets.pwl import pwl_compose, pwl_from_points

    if isinstance(L, bool) or not isinstance(L, int) or L < 1:
        raise InputError(f"the sawtooth needs L >= 1 compositions (got {L!r})")
    tent = pwl_from_points([(0, 0), (_HALF, 1), (1, 0)], 0, 0)
    result = tent
    for _ in range(L - 1):
        result = pwl_compose(tent, result)
    return result


# -- depth-gap calculators (Lemma D.5, Lemma D.6, Theorems 3.1/3.2, Corollaries 3.3/3.4) ----------

def _positive_int(value: Any, what: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InputError(f"{what} must be an integer >= {low} (got {value!r})")
    return value


def lemma_d5_bound(widths: Sequence[int]) -> int:
    """ABMM Lemma D.5: an R -> R ReLU net with hidden widths ``w_1..w_k`` has at most
    ``2^(k-1) (w_1 + 1) w_2 ... w_k`` pieces."""
    ws = [_positive_int(w, "every width") for w in widths]
    if not ws:
        raise InputError("Lemma D.5 needs at least one hidden layer")
    product = 2 ** (len(ws) - 1) * (ws[0] + 1)
    for w in ws[1:]:
        product *= w
    return product


def _iroot(value: int, k: int) -> int:
    """``floor(value^(1/k))`` for integers ``value >= 0``, ``k >= 1``, exactly."""
    if value < 2:
        return value
    guess = 1 << -(-value.bit_length() // k)  # above the root
    while True:
        better = ((k - 1) * guess + value // guess ** (k - 1)) // k
        if better >= guess:
            break
        guess = better
    while guess ** k > value:
        guess -= 1
    while (guess + 1) ** k <= value:
        guess += 1
    return guess


def _balanced(total: int, parts: int) -> list[int]:
    """``parts`` integers summing to ``total`` that differ by at most 1 (largest first)."""
    q, r = divmod(total, parts)
    return [q + 1] * r + [q] * (parts - r)


def max_pieces(k: int, size: int) -> int:
    """The largest Lemma D.5 bound over ``k`` hidden layers with ``size`` units in all (each layer
    at least one unit): with ``v_1 = w_1 + 1`` and ``v_i = w_i``, ``sum v = size + 1`` and the
    product is largest when the ``v`` are balanced (moving a unit from a larger to a smaller
    ``v`` never lowers the product), so it is ``2^(k-1)`` times the balanced product."""
    _positive_int(k, "k")
    _positive_int(size, "size", k)
    v = _balanced(size + 1, k)
    if v[-1] < 1:
        raise InputError(f"{size} units cannot fill {k} layers")
    product = 2 ** (k - 1)
    for x in v:
        product *= x
    return product


def min_size_for_pieces(pieces: int, k: int) -> int:
    """The fewest units in ``k`` hidden layers whose Lemma D.5 bound reaches ``pieces``: no
    ``(k+1)``-layer net with fewer units has that many pieces (exact integer search)."""
    _positive_int(pieces, "pieces")
    _positive_int(k, "k")
    size = k
    # max_pieces grows with size, so a doubling search then bisection finds the least size
    high = size
    while max_pieces(k, high) < pieces:
        high *= 2
    low = size
    while low < high:
        middle = (low + high) // 2
        if max_pieces(k, middle) >= pieces:
            high = middle
        else:
            low = middle + 1
    return low


def thm31_bound_holds(size: int, k_prime: int, k: int, w: int) -> bool:
    """Whether ``size >= (1/2) k' w^(k/k') - 1`` (ABMM Thm 3.1's bound), decided exactly:
    both sides are non-negative after adding 1, so it is ``(2 (size + 1))^k' >= k'^k' w^k``."""
    return (2 * (size + 1)) ** k_prime >= k_prime ** k_prime * w ** k


def stated_size_bound_holds(size: int, k: int, pieces: int) -> bool:
    """ABMM Lemma D.6 as printed: ``size >= (1/2) k p^(1/k) - 1``, i.e. ``(2(size+1))^k >= k^k p``."""
    return (2 * (size + 1)) ** k >= k ** k * pieces


@dataclasses.dataclass(frozen=True)
class DepthGap:
    """What ABMM Theorems 3.1/3.2 assert for ``(k, w)``: the deep net (``k`` hidden layers of
    width ``w``) has ``w^k`` pieces and ``k w`` units; for each shallower ``k' <= k`` the exact
    least size Lemma D.5 allows (``shallow_min_size[k']``) and whether it meets the stated bound."""

    k: int
    w: int
    deep_depth: int
    deep_size: int
    pieces: int
    shallow_min_size: dict[int, int]
    stated_bound_met: dict[int, bool]


def depth_gap(k: int, w: int) -> DepthGap:
    """The numbers of ABMM Theorems 3.1/3.2 for ``k >= 1`` hidden layers of width ``w >= 2``."""
    _positive_int(k, "k")
    _positive_int(w, "w", 2)
    pieces = w ** k
    sizes = {kp: min_size_for_pieces(pieces, kp) for kp in range(1, k + 1)}
    met = {kp: thm31_bound_holds(s, kp, k, w) for kp, s in sizes.items()}
    return DepthGap(k, w, k + 1, k * w, pieces, sizes, met)


def super_exponential_gap(k: int, m: int | None = None) -> dict[str, int | Fraction]:
    """ABMM Corollaries 3.3/3.4 with ``w = k`` and ``k m`` hidden layers (``m = k^eps``, an
    integer; ``m = k`` is Cor. 3.4): depth ``k m + 1``, size ``k^2 m``, ``k^(k m)`` pieces, while
    ``k + 1`` layers need at least ``(1/2) k^(m+1) - 1`` units (an exact rational)."""
    _positive_int(k, "k", 2)
    m = k if m is None else _positive_int(m, "m")
    layers = k * m
    return {"deep_depth": layers + 1, "deep_size": k * layers, "pieces": k ** layers,
            "shallow_depth": k + 1, "stated_shallow_size": Fraction(k ** (m + 1), 2) - 1,
            "shallow_min_size": min_size_for_pieces(k ** layers, k)}


# -- zonotopes (Def. 6, Lemma 3.7, Prop. 3.8, Thm 3.9) -------------------------------------------

def _generators(generators: Sequence[Sequence[Any]]) -> list[tuple[Fraction, ...]]:
    gens = [as_rational_vector(g, what=f"generators[{i}]") for i, g in enumerate(generators)]
    if not gens:
        raise InputError("a zonotope needs at least one generator")
    n = len(gens[0])
    if n < 1 or any(len(g) != n for g in gens):
        raise InputError("every generator needs the same number (>= 1) of coordinates")
    if any(all(x == 0 for x in g) for g in gens):
        raise InputError("a generator is the zero vector; leave it out (it adds nothing to the zonotope)")
    return gens


def zonotope_gauge_net(generators: Sequence[Sequence[Any]]) -> Network:
    """``gamma_Z(r) = max_(x in Z) <r, x> = sum_i |<b^i, r>| = sum_i R(<b^i,r>) + R(-<b^i,r>)`` for
    ``Z = {sum lambda_i b^i : lambda_i in [-1, 1]}``: a 2-layer net of size ``2m`` (ABMM Def. 6 /
    Lemma 3.7; CLAIMS.md ABMM-Def6)."""
    gens = _generators(generators)
    rows = [row for g in gens for row in (list(g), [-x for x in g])]
    return Network(len(gens[0]), [Layer("relu", rows, [0] * len(rows)), Layer("linear", [[1] * len(rows)], [0])],
                   name=f"ABMM Lemma 3.7: gauge of a zonotope with {len(gens)} generators",
                   meta={"paper": "ABMM", "claim": "ABMM-Lem3.7", "generators": [[str(x) for x in g] for g in gens]})


def zonotope_net(a_list: Sequence[Sequence[Any]], generators: Sequence[Sequence[Any]], M: Any = 1) -> Network:
    """``ZONOTOPE^n_(k,w,m)[a^1..a^k, b^1..b^m] = H_(a^1..a^k) o gamma_Z(b^1..b^m)`` (ABMM Prop. 3.8 /
    Thm 3.9(i)): depth ``k + 2`` and size ``2m + w k``."""
    from exactnets.network import compose

    gauge = zonotope_gauge_net(generators)
    net = compose(hard_composition_net(a_list, M), gauge)
    n, m = gauge.input_dim, len(generators)
    widths = [len(a) + 1 for a in a_list]
    return net.with_name(f"ABMM Thm 3.9: ZONOTOPE^{n} with k = {len(a_list)}, m = {m}",
                         {"paper": "ABMM", "claim": "ABMM-Thm3.9", "widths": widths, "m": m})


def _cross(u: Sequence[Fraction], v: Sequence[Fraction]) -> Fraction:
    return u[0] * v[1] - u[1] * v[0]


def _angle_key(v: tuple[Fraction, Fraction]):
    """A sort key by angle in ``[0, 2 pi)`` without trigonometry: half-plane, then the slope-like
    comparison through an exact monotone function of the angle inside each quadrant."""
    x, y = v
    if y == 0 and x > 0:
        return (0, _ZERO)
    if y > 0 or (y == 0 and x < 0):
        half = 1
    else:
        half = 2
    # inside a half-plane the angle increases with -x / |v|_1 (monotone, rational)
    return (half, -x / (abs(x) + abs(y)) if half == 1 else x / (abs(x) + abs(y)))


def zonotope_general_position(generators: Sequence[Sequence[Any]]) -> bool:
    """Whether every ``n`` of the generators are linearly independent (2-D: no two parallel), the
    condition under which the vertex count is the maximum (CLAIMS.md ABMM-Thm3.6)."""
    gens = _generators(generators)
    if len(gens[0]) != 2:
        raise InputError("zonotope_general_position handles the plane (n = 2)")
    return all(_cross(gens[i], gens[j]) != 0 for i in range(len(gens)) for j in range(i))


def zonotope_vertex_count(generators: Sequence[Sequence[Any]]) -> int:
    """The number of vertices of a planar zonotope, exactly: twice the number of distinct lines
    among the generators (parallel generators add up to one edge pair).  In general position this
    is ``2 sum_(i<n) C(m-1, i) = 2m`` (CLAIMS.md ABMM-Thm3.6)."""
    gens = _generators(generators)
    if len(gens[0]) != 2:
        raise InputError("zonotope_vertex_count handles the plane (n = 2)")
    lines: list[tuple[Fraction, Fraction]] = []
    for g in gens:
        if not any(_cross(g, h) == 0 for h in lines):
            lines.append(g)
    return 2 * len(lines)


def thm39_stated_pieces(n: int, m: int, w: int, k: int) -> int:
    """ABMM Thm 3.9(i) as stated: ``sum_(i=0..n-1) C(m-1, i) * w^k`` pieces."""
    return sum(math.comb(m - 1, i) for i in range(n)) * w ** k


@dataclasses.dataclass(frozen=True)
class ZonotopeCount:
    """The exact piece count of ``F = H o gamma_Z`` on ``R^2``.

    ``cones`` linear cones of ``gamma_Z`` (one per zonotope vertex), ``bands`` intervals of
    ``H`` on ``[0, inf)`` between its kinks, ``flat_bands`` of them where ``H`` is constant;
    ``pieces`` the number of maximal connected open sets on which ``F`` is affine, ``bounded`` of
    them bounded and ``unbounded`` of them reaching infinity (those holding the outermost band).
    """

    cones: int
    bands: int
    flat_bands: int
    pieces: int
    bounded: int
    unbounded: int
    cone_gradients: tuple[tuple[Fraction, Fraction], ...]
    cone_directions: tuple[tuple[Fraction, Fraction], ...]


def zonotope_piece_count_2d(H, generators: Sequence[Sequence[Any]]) -> ZonotopeCount:
    """Count the pieces of ``F(r) = H(gamma_Z(r))`` on ``R^2`` exactly.

    A *piece* is a maximal connected open set on which ``F`` is affine (ABMM Def. 3, CLAIMS.md P5;
    regions that meet only in a point are separate pieces).  ``gamma_Z`` is linear on each of the
    cones cut out by the lines ``<b^i, r> = 0``, with gradient ``g_j = sum_i sign(<b^i, d_j>) b^i``
    (``d_j`` inside the cone; the ``g_j`` are the zonotope's vertices).  ``H`` (a
    :class:`~exactnets.pwl.PiecewiseLinear`) is affine on each band between consecutive kinks in
    ``(0, inf)``.  So ``F`` is affine on each (cone, band) cell, with gradient ``H'(band) g_j``.
    Cells of one cone differ across a kink of ``H``; cells of one band in neighbouring cones
    share an edge and merge exactly when their gradients are equal, i.e. when ``H`` is flat
    there.  The cells and merges are counted with a union-find, exactly.
    """
    from exactnets.pwl import kinks

    gens = _generators(generators)
    if len(gens[0]) != 2:
        raise InputError("zonotope_piece_count_2d handles the plane (n = 2)")
    # boundary rays: +-(perpendicular of each generator), distinct, sorted by angle
    rays: dict[Any, tuple[Fraction, Fraction]] = {}
    for g in gens:
        for v in ((-g[1], g[0]), (g[1], -g[0])):
            scale = abs(v[0]) + abs(v[1])
            unit = (v[0] / scale, v[1] / scale)
            rays[unit] = unit
    ordered = sorted(rays.values(), key=_angle_key)
    count = len(ordered)
    directions = []
    for j in range(count):
        u, v = ordered[j], ordered[(j + 1) % count]
        if _cross(u, v) > 0:
            directions.append((u[0] + v[0], u[1] + v[1]))
        else:  # two opposite rays (all generators parallel): the cone is a half-plane
            directions.append((-u[1], u[0]))
    gradients = []
    for d in directions:
        g = [_ZERO, _ZERO]
        for b in gens:
            t = b[0] * d[0] + b[1] * d[1]
            if t == 0:
                raise AssertionError("a cone's inner direction lies on a boundary line")
            sign = 1 if t > 0 else -1
            g[0] += sign * b[0]
            g[1] += sign * b[1]
        gradients.append((g[0], g[1]))
    cuts = [t for t in kinks(H) if t > 0]
    band_slopes = [H.slope_at(0, "right")] + [H.slope_at(t, "right") for t in cuts]
    bands = len(band_slopes)
    parent = list(range(count * bands))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for j in range(count):
        nxt = (j + 1) % count
        if nxt == j:
            continue
        for i, sigma in enumerate(band_slopes):
            if (sigma * gradients[j][0], sigma * gradients[j][1]) == (sigma * gradients[nxt][0], sigma * gradients[nxt][1]):
                parent[find(j * bands + i)] = find(nxt * bands + i)
    roots = {find(i) for i in range(count * bands)}
    outer = {find(j * bands + bands - 1) for j in range(count)}
    flat = sum(1 for s in band_slopes if s == 0)
    return ZonotopeCount(count, bands, flat, len(roots), len(roots) - len(outer), len(outer), tuple(gradients),
                         tuple(directions))
