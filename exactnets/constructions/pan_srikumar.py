"""Constructions of Pan & Srikumar, *Expressiveness of Rectifier Networks* (ICML 2016;
shared/papers/003_a6651ec235cd0b87.txt; CLAIMS.md section 4).

All statements use ``sgn(0) = +1`` (the ``ltf`` activation), real inputs ``x in R^d`` and a
``+-1`` decision; "two-layer" means one hidden layer.  A 2-layer ReLU net is read in the normal
form of :func:`exactnets.network.ps_normal_form`:
``f(x) = w0 + sum_{k in P} R(a_k(x)) - sum_{k in N} R(a_k(x))``.

What is here, and the misprints of the paper that are *not* copied (CLAIMS.md section 8):

* :func:`dnf_literals` / :func:`relu_to_threshold` -- Theorem 1 and Sec. 3.1: the 3-layer
  threshold net with ``2^(n1+n2)`` first-layer units ``B_{S1,S2} = [w0 + sum_{S1} a - sum_{S2} a >= 0]``
  (the minus sign the seed loses is restored), AND/OR biases ``1 - m`` / ``m - 1``.
  ``as_printed=True`` gives the seed's swapped biases, only so that tests can show it wrong.
* :func:`relu_to_threshold_single_sign` -- Theorem 2 part 1 (``2^n - 1`` units);
  :func:`thm2_witness_net`, :func:`thm2_facet_certificates` -- Theorem 2 part 2's witness with
  its ``2^n - 1`` irredundant facets (exact witness points, optionally confirmed by z3).
* :func:`threshold_unit_as_relus`, :func:`threshold_to_relu` -- Lemma 1, in the exact form
  ``(2/eps)[R(z + eps) - R(z)] - 1`` (``as_printed=True``: the seed's ``(1/eps)[R(z+eps) -
  R(z-eps)] - 1``, which gives 0 at ``z = 0``).
* :func:`compress_three_to_two` -- the 3-to-2 example of Sec. 3.3 with the sign conditions
  ``p > 0, q > 0, d3 > p d1 + q d2`` the seed omits (``as_printed=True`` skips them).
* :func:`tn_matrix`, :func:`lemma3_threshold_net`, :func:`lemma3_relu_net`, :func:`factorise` --
  Lemma 3 (``V = U T_n``) and deciding it up to permutation and positive scaling of units.
* :func:`fit_u_linf`, :func:`hidden_prediction_threshold`, :func:`hidden_prediction_relu`,
  :func:`hidden_layer_disagreements` -- Sec. 4, eq. (10) and Theorem 3.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from exactnets.errors import InputError
from exactnets.network import AffineForm, Layer, Network, PSNormalForm, ps_normal_form
from exactnets.rational import as_rational, as_rational_matrix, as_rational_vector

__all__ = [
    "MAX_THM1_UNITS",
    "Literal",
    "dnf_literals",
    "relu_to_threshold",
    "relu_to_threshold_single_sign",
    "thm2_witness_net",
    "thm2_facets",
    "thm2_facet_certificates",
    "threshold_unit_as_relus",
    "threshold_margin",
    "threshold_to_relu",
    "or_threshold_net",
    "compress_three_to_two",
    "tn_matrix",
    "lemma3_threshold_net",
    "lemma3_relu_net",
    "Factorisation",
    "factorise",
    "LinfFit",
    "fit_u_linf",
    "linf_norm",
    "hidden_prediction_threshold",
    "hidden_prediction_relu",
    "hidden_layer_disagreements",
    "thm3_condition",
    "running_example_net",
    "Inequality",
    "inequality_systems",
    "lemma2_triangle_net",
    "lemma2_grid_search",
    "SEC5_INPUT_RANGE",
    "sec5_generator_net",
    "sec5_dataset",
    "in_general_position",
    "zaslavsky_count",
    "count_regions",
]

_ZERO, _ONE = Fraction(0), Fraction(1)

#: Theorem 1's net has 2^(n1+n2) first-layer units; more than 2^16 is refused.
MAX_THM1_UNITS = 16


# -- Theorem 1 ----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Literal:
    """``B_{S1,S2}(x) = [w0 + sum_{k in S1} a_k(x) - sum_{k in S2} a_k(x) >= 0]``.

    ``s1`` indexes ``PSNormalForm.positive`` and ``s2`` ``PSNormalForm.negative`` (0-based).
    """

    s1: frozenset[int]
    s2: frozenset[int]
    form: AffineForm


def _subsets(n: int) -> list[frozenset[int]]:
    """All subsets of ``range(n)`` in bitmask order (bit k <-> element k)."""
    return [frozenset(k for k in range(n) if mask >> k & 1) for mask in range(2**n)]


def _normal_form(net: Network | PSNormalForm) -> PSNormalForm:
    return net if isinstance(net, PSNormalForm) else ps_normal_form(net)


def dnf_literals(net: Network | PSNormalForm) -> list[Literal]:
    """The ``2^(n1+n2)`` threshold tests of Pan & Srikumar, Theorem 1 (eq. (6), sign corrected).

    Ordered with ``S1`` outer and ``S2`` inner, each in bitmask order.

    >>> from exactnets.network import Layer, Network
    >>> net = Network(1, [Layer("relu", [[1], [1]], [0, -1]), Layer("linear", [[1, -1]], [-1])])
    >>> [(sorted(l.s1), sorted(l.s2), l.form.coefficients, l.form.constant) for l in dnf_literals(net)][1]
    ([], [0], (Fraction(-1, 1),), Fraction(0, 1))
    """
    form = _normal_form(net)
    n1, n2 = len(form.positive), len(form.negative)
    if n1 + n2 > MAX_THM1_UNITS:
        raise InputError(f"Theorem 1's net has 2^{n1 + n2} first-layer units; at most {MAX_THM1_UNITS} ReLU units are accepted")
    d = form.input_dim
    out = []
    for s1 in _subsets(n1):
        for s2 in _subsets(n2):
            coefficients = [_ZERO] * d
            constant = form.w0
            for k in s1:
                a = form.positive[k]
                coefficients = [c + u for c, u in zip(coefficients, a.coefficients)]
                constant += a.constant
            for k in s2:
                a = form.negative[k]
                coefficients = [c - u for c, u in zip(coefficients, a.coefficients)]
                constant -= a.constant
            out.append(Literal(s1, s2, AffineForm(tuple(coefficients), constant)))
    return out


def relu_to_threshold(net: Network | PSNormalForm, form: str = "dnf", *, as_printed: bool = False) -> Network:
    """The 3-layer threshold net equal in decision to a 2-layer ReLU net (Pan & Srikumar, Thm 1, Sec. 3.1).

    ``form="dnf"``: layer 1 the ``2^(n1+n2)`` units ``B_{S1,S2}`` (:func:`dnf_literals`), layer
    2 one AND per ``S1`` (weights 1, bias ``1 - 2^n2``), output one OR (weights 1, bias
    ``2^n1 - 1``): ``y = OR_{S1} AND_{S2} B_{S1,S2}``.  ``form="cnf"``: layer 2 one OR per
    ``S2`` (bias ``2^n1 - 1``), output one AND (bias ``1 - 2^n2``): ``y = AND_{S2} OR_{S1} B``.
    Every activation is ``ltf`` (sgn(0) = +1), so ``sgn(net(x)) = relu_to_threshold(net)(x)``
    for every ``x`` in ``R^d``.

    ``as_printed=True`` (DNF only) uses the biases printed in the seed, AND bias ``2^n2 - 1`` and
    OR bias ``1 - 2^n1``, which compute OR and AND instead (CLAIMS.md PS-Sec3.1): it exists so
    that tests can exhibit the misprint's counterexamples, never for use.
    """
    if form not in ("dnf", "cnf"):
        raise InputError(f"form must be 'dnf' or 'cnf' (got {form!r})")
    if as_printed and form != "dnf":
        raise InputError("as_printed reproduces the seed's Sec. 3.1 DNF biases; it has no CNF version")
    nf = _normal_form(net)
    literals = dnf_literals(nf)
    n1, n2 = len(nf.positive), len(nf.negative)
    d = nf.input_dim
    first = Layer("ltf", [list(l.form.coefficients) if d else [] for l in literals], [l.form.constant for l in literals])
    width = len(literals)
    groups, inner, outer = (2**n1, 2**n2, 2**n1) if form == "dnf" else (2**n2, 2**n1, 2**n2)
    rows = []
    for g in range(groups):
        row = [_ZERO] * width  # shared Fraction constants: the Layer takes them as they are
        for i in range(inner):
            index = g * 2**n2 + i if form == "dnf" else i * 2**n2 + g
            row[index] = _ONE
        rows.append(row)
    and_bias, or_bias = Fraction(1 - 2**n2), Fraction(2**n1 - 1)
    if as_printed:
        and_bias, or_bias = Fraction(2**n2 - 1), Fraction(1 - 2**n1)
    if form == "dnf":
        second = Layer("ltf", rows, [and_bias] * groups)
        output = Layer("ltf", [[1] * groups], [or_bias])
    else:
        second = Layer("ltf", rows, [or_bias] * groups)
        output = Layer("ltf", [[1] * groups], [and_bias])
    label = "as printed (misprinted biases)" if as_printed else form.upper()
    return Network(d, [first, second, output], name=f"PS Thm 1 / Sec. 3.1: {label} threshold net",
                   meta={"paper": "PS", "claim": "PS-Sec3.1", "form": form, "n1": n1, "n2": n2,
                         "as_printed": as_printed})


# -- Theorem 2 ------------------------------------------------------------------------------------

def _constant_threshold_net(d: int, value: int) -> Network:
    hidden = Layer("ltf", [[0] * d] if d else [[]], [0])
    return Network(d, [hidden, Layer("ltf", [[0]], [0 if value > 0 else -1])],
                   name=f"PS Thm 2: constant {value:+d}")


def relu_to_threshold_single_sign(net: Network | PSNormalForm) -> Network:
    """A 2-layer threshold net with ``2^n - 1`` units for a ReLU net whose units share a sign (PS Thm 2, part 1).

    All positive: ``y = OR_{S != {}} [w0 + sum_S a_k >= 0]`` (output bias ``2^n - 2``) when
    ``w0 < 0``; the constant +1 when ``w0 >= 0``.  All negative: ``y = AND_{S != {}} [w0 -
    sum_S a_k >= 0]`` (output bias ``-(2^n - 2)``) when ``w0 >= 0``; the constant -1 when
    ``w0 < 0``.  (CLAIMS.md PS-Thm2; derived from Theorem 1.)
    """
    nf = _normal_form(net)
    d = nf.input_dim
    if nf.positive and nf.negative:
        raise InputError(f"Theorem 2 needs all hidden units of one sign (got {len(nf.positive)} positive and "
                         f"{len(nf.negative)} negative); use relu_to_threshold for mixed nets")
    units, sign = (nf.positive, 1) if nf.positive else (nf.negative, -1)
    n = len(units)
    if n == 0:
        return _constant_threshold_net(d, 1 if nf.w0 >= 0 else -1)
    if sign > 0 and nf.w0 >= 0:
        return _constant_threshold_net(d, 1)
    if sign < 0 and nf.w0 < 0:
        return _constant_threshold_net(d, -1)
    weights, biases = [], []
    for s in _subsets(n)[1:]:
        coefficients = [sum((sign * units[k].coefficients[i] for k in s), _ZERO) for i in range(d)]
        weights.append(coefficients)
        biases.append(nf.w0 + sum((sign * units[k].constant for k in s), _ZERO))
    m = 2**n - 1
    bias = m - 1 if sign > 0 else 1 - m
    return Network(d, [Layer("ltf", weights, biases), Layer("ltf", [[1] * m], [bias])],
                   name=f"PS Thm 2: {'OR' if sign > 0 else 'AND'} of {m} threshold units",
                   meta={"paper": "PS", "claim": "PS-Thm2", "units": m})


def thm2_witness_net(n: int, d: int | None = None) -> Network:
    """``y = sgn(-1 + sum_{k=1}^n R(x_k))`` on ``R^d`` (``d >= n``): Theorem 2 part 2's witness.

    Its negative region ``{x : sum_{k in S} x_k < 1 for every nonempty S}`` has ``2^n - 1``
    irredundant facets (:func:`thm2_facet_certificates`), so no threshold net with fewer than
    ``2^n - 1`` hidden units computes it (CLAIMS.md PS-Thm2; a derived witness, the paper's
    supplementary proof was not recovered).
    """
    d = n if d is None else d
    if isinstance(n, bool) or not isinstance(n, int) or n < 1 or d < n:
        raise InputError(f"the witness needs n >= 1 units and d >= n inputs (got n={n!r}, d={d!r})")
    weights = [[1 if j == k else 0 for j in range(d)] for k in range(n)]
    return Network(d, [Layer("relu", weights, [0] * n), Layer("ltf", [[1] * n], [-1])],
                   name=f"PS Thm 2 witness: sgn(-1 + sum of {n} ReLUs)")


def thm2_facets(n: int) -> list[tuple[frozenset[int], tuple[int, ...]]]:
    """The facets ``sum_{k in S} x_k <= 1`` (``S`` nonempty) as ``(S, normal)`` pairs."""
    return [(s, tuple(1 if k in s else 0 for k in range(n))) for s in _subsets(n)[1:]]


def thm2_facet_certificates(n: int, d: int | None = None, *, use_z3: bool = False) -> list[tuple[frozenset[int], tuple[Fraction, ...]]]:
    """For each facet ``S``, an exact point violating ``sum_S x <= 1`` and satisfying every other facet strictly.

    Such a point proves the facet irredundant (dropping it enlarges the region).  The explicit
    point is ``x_k = 2/(2|S| - 1)`` on ``S`` and ``-2`` elsewhere; with ``use_z3=True`` z3 finds
    its own point instead (an exact model).  Every point is re-checked in rationals here; a
    failed check raises :class:`~exactnets.errors.InternalError`.
    """
    from exactnets.errors import InternalError

    d = n if d is None else d
    facets = thm2_facets(n)
    out = []
    for s, _ in facets:
        if use_z3:
            point = _z3_facet_point(n, d, s)
        else:
            t = Fraction(2, 2 * len(s) - 1)
            point = tuple(t if k in s else Fraction(-2) for k in range(n)) + (_ZERO,) * (d - n)
        if not sum(point[k] for k in s) > 1:
            raise InternalError(f"facet {sorted(s)}: the witness point does not violate it")
        for other, _ in facets:
            if other != s and not sum(point[k] for k in other) < 1:
                raise InternalError(f"facet {sorted(s)}: the witness point violates facet {sorted(other)} too")
        out.append((s, point))
    return out


def _z3_facet_point(n: int, d: int, s: frozenset[int]) -> tuple[Fraction, ...]:
    import z3

    from exactnets.errors import InternalError

    xs = [z3.Real(f"x{k}") for k in range(d)]
    solver = z3.Solver()
    solver.add(z3.Sum([xs[k] for k in s]) > 1)
    for other in _subsets(n)[1:]:
        if other != s:
            solver.add(z3.Sum([xs[k] for k in other]) < 1)
    if solver.check() != z3.sat:
        raise InternalError(f"z3 found no witness point for facet {sorted(s)}")
    model = solver.model()
    return tuple(Fraction(model.eval(x, model_completion=True).as_fraction()) for x in xs)


# -- Lemma 1 ----------------------------------------------------------------------------------------

def threshold_unit_as_relus(weights: Sequence[Any], bias: Any, margin: Any, *, as_printed: bool = False) -> Network:
    """``sgn(z)``, ``z = <v,x> + d``, as 2 ReLUs (Pan & Srikumar, Lemma 1; exact form of CLAIMS.md PS-Lemma1).

    ``(2/eps) [R(z + eps) - R(z)] - 1`` is +1 for ``z >= 0`` and -1 for ``z <= -eps``: exact on
    every point where ``z`` avoids ``(-eps, 0)`` (MB Claim 5 with ``p = eps``).
    ``as_printed=True`` gives the seed's ``(1/eps) [R(z + eps) - R(z - eps)] - 1``, which equals
    ``z/eps`` on ``[-eps, eps]`` and so gives 0, not +1, at ``z = 0``.
    """
    v = as_rational_vector(weights, what="threshold weights")
    b = as_rational(bias, what="threshold bias")
    eps = as_rational(margin, what="margin")
    if eps <= 0:
        raise InputError(f"the margin must be positive (got {eps})")
    if as_printed:
        hidden = Layer("relu", [list(v), list(v)], [b + eps, b - eps])
        return Network(len(v), [hidden, Layer("linear", [[1 / eps, -1 / eps]], [-1])], name="PS Lemma 1 as printed")
    hidden = Layer("relu", [list(v), list(v)], [b + eps, b])
    return Network(len(v), [hidden, Layer("linear", [[2 / eps, -2 / eps]], [-1])], name="PS Lemma 1 (exact form)")


def threshold_margin(net: Network, kind: str = "pm1") -> Fraction:
    """The largest ``eps`` with no first-layer pre-activation in ``(-eps, 0)`` on the cube ``kind``.

    That is the smallest ``|z|`` over negative first-layer values; 1 if none is negative.
    Computed exactly by enumerating the cube.
    """
    from exactnets.evaluate import evaluate_cube

    first = net.layers[0]
    values = evaluate_cube(Network(net.input_dim, [Layer("linear", first.weights, first.bias)]), kind)
    negative = values.numerators[values.numerators < 0]
    if not len(negative):
        return _ONE
    return Fraction(-int(negative.max()), values.denominator)


def threshold_to_relu(net: Network, margin: Any | None = None, *, kind: str = "pm1", as_printed: bool = False) -> Network:
    """A 2-layer threshold net as a 2-layer ReLU net with twice the units (Pan & Srikumar, Lemma 1).

    Each hidden unit ``sgn(z_k)`` becomes ``(2/eps)[R(z_k + eps) - R(z_k)] - 1``; the constants
    ``-1`` and the factors go into the output layer, whose activation is kept.  With
    ``margin=None`` the margin is computed exactly on the cube ``kind``
    (:func:`threshold_margin`), and the result then equals ``net`` *as a function* on that cube.
    With an explicit margin it is exact wherever no pre-activation lies in ``(-margin, 0)``.
    ``as_printed=True`` uses the seed's gadget (wrong where some ``z_k = 0``).
    """
    if net.depth != 2 or net.layers[0].activation != "ltf":
        raise InputError(f"Lemma 1 converts a 2-layer threshold net (ltf hidden layer) (got {net!r})")
    eps = threshold_margin(net, kind) if margin is None else as_rational(margin, what="margin")
    if eps <= 0:
        raise InputError(f"the margin must be positive (got {eps})")
    first, output = net.layers
    rows, biases = [], []
    for row, b in zip(first.weights, first.bias):
        rows += [list(row), list(row)]
        biases += [b + eps, b - eps] if as_printed else [b + eps, b]
    factor = 1 / eps if as_printed else 2 / eps
    out_rows = [[x for w in orow for x in (factor * w, -factor * w)] for orow in output.weights]
    out_bias = [ob - sum(orow, _ZERO) for orow, ob in zip(output.weights, output.bias)]
    return Network(net.input_dim, [Layer("relu", rows, biases), Layer(output.activation, out_rows, out_bias)],
                   name="PS Lemma 1: threshold net as ReLU net" + (" (as printed)" if as_printed else ""),
                   meta={"paper": "PS", "claim": "PS-Lemma1", "margin": str(eps)})


# -- the 3-to-2 example (Sec. 3.3) --------------------------------------------------------------------

def or_threshold_net(units: Sequence[tuple[Sequence[Any], Any]]) -> Network:
    """``y = sgn(m - 1 + sum_k sgn(v_k . x + d_k))``: the OR of ``m`` threshold units (PS eq. (7))."""
    if not units:
        raise InputError("an OR needs at least one unit")
    weights = as_rational_matrix([v for v, _ in units], what="unit weights")
    biases = [as_rational(d, what="unit bias") for _, d in units]
    m = len(units)
    return Network(len(weights[0]), [Layer("ltf", weights, biases), Layer("ltf", [[1] * m], [m - 1])],
                   name=f"OR of {m} threshold units")


def _solve_two(v1: Sequence[Fraction], v2: Sequence[Fraction], v3: Sequence[Fraction]) -> tuple[Fraction, Fraction] | None:
    """Exact ``(p, q)`` with ``v3 = p v1 + q v2``, unique; ``None`` if there is none or it is not unique."""
    d = len(v1)
    for i, j in itertools.combinations(range(d), 2):
        det = v1[i] * v2[j] - v1[j] * v2[i]
        if det != 0:
            p = (v3[i] * v2[j] - v3[j] * v2[i]) / det
            q = (v1[i] * v3[j] - v1[j] * v3[i]) / det
            if all(p * a + q * b == c for a, b, c in zip(v1, v2, v3)):
                return p, q
            return None
    return None


def compress_three_to_two(net: Network, *, as_printed: bool = False) -> Network:
    """Three threshold units in an OR as two ReLUs (Pan & Srikumar, Sec. 3.3 example; CLAIMS.md PS-Ex3to2).

    ``net`` is ``y = sgn(2 + sgn(h1) + sgn(h2) + sgn(h3))`` with ``h_i = v_i . x + d_i`` and
    ``v3 = p v1 + q v2`` (``v1``, ``v2`` independent).  With ``r = 1 / (d3 - p d1 - q d2)`` the
    result is ``y = sgn(-1 + R(p r h1 + 1) + R(q r h2 + 1))`` -- by Theorem 1 the OR of
    ``[p r h1 >= 0]``, ``[q r h2 >= 0]``, ``[r h3 >= 0]``, which equals ``net`` when **p > 0,
    q > 0 and d3 > p d1 + q d2** (so ``r > 0``).  The seed states no such conditions; they are
    checked here and an :class:`~exactnets.errors.InputError` says which one fails.
    ``as_printed=True`` skips the sign conditions (for tests that show the result then wrong).
    """
    if (net.depth != 2 or net.layers[0].activation != "ltf" or net.layers[0].out_dim != 3 or net.output_dim != 1
            or net.layers[1].activation not in ("ltf", "linear")
            or list(net.layers[1].weights[0]) != [1, 1, 1] or net.layers[1].bias[0] != 2):
        raise InputError("the 3-to-2 example needs y = sgn(2 + sgn(h1) + sgn(h2) + sgn(h3)): a 2-layer threshold "
                         "net with 3 ltf units, output weights (1, 1, 1) and bias 2 (see or_threshold_net)")
    (v1, v2, v3), (d1, d2, d3) = net.layers[0].weights, net.layers[0].bias
    solved = _solve_two(v1, v2, v3)
    if solved is None:
        raise InputError("the 3-to-2 example needs v3 = p v1 + q v2 with v1, v2 linearly independent; "
                         "these weight vectors are not of that form")
    p, q = solved
    gap = d3 - p * d1 - q * d2
    if gap == 0:
        raise InputError(f"the 3-to-2 example needs d3 != p d1 + q d2 (here p = {p}, q = {q} and d3 = p d1 + q d2)")
    r = 1 / gap
    if not as_printed:
        failed = [why for ok, why in ((p > 0, f"p > 0 (p = {p})"), (q > 0, f"q > 0 (q = {q})"),
                                      (gap > 0, f"d3 > p d1 + q d2 (d3 - p d1 - q d2 = {gap})")) if not ok]
        if failed:
            raise InputError("the 3-to-2 compression is exact only when p > 0, q > 0 and d3 > p d1 + q d2 "
                             "(CLAIMS.md PS-Ex3to2; the seed omits these conditions); failed: " + ", ".join(failed))
    u1, u2 = [p * r * w for w in v1], [q * r * w for w in v2]
    b1, b2 = p * r * d1 + 1, q * r * d2 + 1
    return Network(net.input_dim, [Layer("relu", [u1, u2], [b1, b2]), Layer("ltf", [[1, 1]], [-1])],
                   name="PS Sec. 3.3: 3 threshold units as 2 ReLUs" + (" (as printed)" if as_printed else ""),
                   meta={"paper": "PS", "claim": "PS-Ex3to2", "p": str(p), "q": str(q), "r": str(r)})


# -- Lemma 3 ------------------------------------------------------------------------------------------

def tn_matrix(n: int) -> tuple[tuple[int, ...], ...]:
    """``T_n``: the ``n x 2^n`` 0/1 matrix whose column ``c`` (0-based) is the binary expansion of ``c``.

    Row ``k`` holds bit ``k`` of ``c`` (row 0 the least significant bit), so column ``c`` is the
    indicator of the subset ``{k : bit k of c}`` of the ReLU units (PS eq. (8)).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"T_n needs n >= 1 (got {n!r})")
    return tuple(tuple(c >> k & 1 for c in range(2**n)) for k in range(n))


def _uw(u: Sequence[Sequence[Any]], b: Sequence[Any], w0: Any) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...], Fraction]:
    units = as_rational_matrix(u, what="U (one weight vector per ReLU unit)")
    biases = as_rational_vector(b, what="b")
    if len(biases) != len(units):
        raise InputError(f"U has {len(units)} units but b has {len(biases)} entries")
    return units, biases, as_rational(w0, what="w0")


def lemma3_threshold_net(u: Sequence[Sequence[Any]], b: Sequence[Any], w0: Any) -> Network:
    """The disjunctive threshold net with ``[V; d] = [u_1..u_n 0; b_1..b_n w0] [T_n; 1^T]`` (PS eqs. (7)-(9)).

    Unit ``c`` (column ``c`` of ``T_n``) is ``sgn(w0 + sum_{k in S_c} (u_k . x + b_k))``; the
    output is ``sgn(2^n - 1 + sum_c sgn(...))``, the OR of the ``2^n`` units.
    """
    units, biases, w = _uw(u, b, w0)
    n, d = len(units), len(units[0])
    t = tn_matrix(n)
    rows = [[sum((units[k][i] for k in range(n) if t[k][c]), _ZERO) for i in range(d)] for c in range(2**n)]
    bias = [w + sum((biases[k] for k in range(n) if t[k][c]), _ZERO) for c in range(2**n)]
    return Network(d, [Layer("ltf", rows, bias), Layer("ltf", [[1] * 2**n], [2**n - 1])],
                   name=f"PS Lemma 3: disjunctive threshold net V = U T_{n}")


def lemma3_relu_net(u: Sequence[Sequence[Any]], b: Sequence[Any], w0: Any) -> Network:
    """``y = sgn(w0 + sum_k R(u_k . x + b_k))`` (PS eq. (9)): equal in decision to :func:`lemma3_threshold_net`."""
    units, biases, w = _uw(u, b, w0)
    return Network(len(units[0]), [Layer("relu", units, biases), Layer("ltf", [[1] * len(units)], [w])],
                   name=f"PS Lemma 3: {len(units)}-unit ReLU net")


def _or_output(net: Network) -> str | None:
    """``None`` if the output unit computes the OR of the hidden units (exactly), else why not."""
    weights, bias = net.layers[1].weights[0], net.layers[1].bias[0]
    if any(w <= 0 for w in weights):
        return "an output weight is not positive, so the output is not an OR of the units"
    total = sum(weights, _ZERO)
    if not bias - total < 0:
        return "the output is +1 even when every unit is -1, so it is not an OR"
    if not all(bias - total + 2 * w >= 0 for w in weights):
        return "a single unit at +1 does not force the output to +1, so it is not an OR"
    return None


@dataclasses.dataclass(frozen=True)
class Factorisation:
    """The answer of :func:`factorise`.

    ``found``: whether ``V = U T_n`` up to a permutation and positive scaling of the units.
    When found: ``u``, ``b``, ``w0`` (the ReLU net's parameters), ``subset_of_unit[j]`` (the
    column of ``T_n`` that unit ``j`` is), ``scale[j] > 0`` (``scale[j] (v_j, d_j)`` is that
    column of ``U T_n``, checked exactly) and ``relu_net``.  Otherwise ``reason`` says why not.
    """

    found: bool
    reason: str = ""
    u: tuple[tuple[Fraction, ...], ...] = ()
    b: tuple[Fraction, ...] = ()
    w0: Fraction = _ZERO
    subset_of_unit: tuple[int, ...] = ()
    scale: tuple[Fraction, ...] = ()
    relu_net: Network | None = None


def factorise(net: Network, *, timeout: float | None = 60) -> Factorisation:
    """Decide whether a disjunctive threshold net factors as ``V = U T_n`` (Pan & Srikumar, Lemma 3).

    ``net`` is a 2-layer threshold net whose output is an OR of its ``m = 2^n`` units (checked
    exactly).  Up to a permutation of the units and a *positive* rescaling of each
    (``sgn(c z) = sgn(z)`` for ``c > 0``), is there ``U = [u_1..u_n 0; b_1..b_n w0]`` with
    ``c_j (v_j, d_j) = (U T_n)_{sigma(j)}``?  The search is one z3 query in linear real
    arithmetic with Boolean choices (unit ``j`` is column ``s``); the model's rationals are
    re-checked exactly.  If found, the ReLU net ``sgn(w0 + sum_k R(u_k . x + b_k))`` with ``n``
    units computes the same decision (Lemma 3; prove it with ``check_equivalence(...,
    "decision")``).  Lemma 3 is sufficient, not necessary: "not found" says only that this
    factorisation does not exist.
    """
    import z3

    from exactnets.errors import InternalError

    if net.depth != 2 or net.layers[0].activation != "ltf" or net.output_dim != 1 or \
            net.layers[1].activation not in ("ltf", "linear"):
        raise InputError(f"factorise needs a 2-layer threshold net with one output (got {net!r})")
    m = net.layers[0].out_dim
    n = m.bit_length() - 1
    if m != 2**n or n < 1:
        return Factorisation(False, f"the net has {m} units; V = U T_n needs 2^n units")
    if n > 5:
        raise InputError(f"factorise searches over {m}! unit orders with z3; n <= 5 (2^n <= 32 units) is accepted")
    why = _or_output(net)
    if why is not None:
        return Factorisation(False, why)
    d = net.input_dim
    columns = [(*row, bias) for row, bias in zip(net.layers[0].weights, net.layers[0].bias)]

    def val(q: Fraction):
        return z3.RealVal(f"{q.numerator}/{q.denominator}")

    z = [[z3.Real(f"z_{k}_{i}") for i in range(d + 1)] for k in range(n)]
    w0 = z3.Real("w0")
    scale = [z3.Real(f"c_{j}") for j in range(m)]
    choose = [[z3.Bool(f"a_{j}_{s}") for s in range(m)] for j in range(m)]
    solver = z3.Solver()
    if timeout is not None:
        solver.set("timeout", int(timeout * 1000))
    for j in range(m):
        solver.add(scale[j] > 0)
        solver.add(z3.PbEq([(choose[j][s], 1) for s in range(m)], 1))
    for s in range(m):
        solver.add(z3.PbEq([(choose[j][s], 1) for j in range(m)], 1))
    for s in range(m):
        target = []
        for i in range(d + 1):
            terms = [z[k][i] for k in range(n) if s >> k & 1]
            if i == d:
                terms.append(w0)
            target.append(z3.Sum(terms) if terms else z3.RealVal(0))
        for j in range(m):
            solver.add(z3.Implies(choose[j][s], z3.And([scale[j] * val(columns[j][i]) == target[i]
                                                        for i in range(d + 1)])))
    answer = solver.check()
    if answer == z3.unsat:
        return Factorisation(False, "no V = U T_n up to permutation and positive scaling of the units (z3: unsat)")
    if answer != z3.sat:
        return Factorisation(False, f"undecided: z3 gave no answer ({solver.reason_unknown()})")
    model = solver.model()

    def frac(term) -> Fraction:
        return Fraction(model.eval(term, model_completion=True).as_fraction())

    zs = [[frac(z[k][i]) for i in range(d + 1)] for k in range(n)]
    w = frac(w0)
    scales = tuple(frac(c) for c in scale)
    subset = tuple(next(s for s in range(m) if z3.is_true(model.eval(choose[j][s], model_completion=True)))
                   for j in range(m))
    for j in range(m):
        s = subset[j]
        expected = [sum((zs[k][i] for k in range(n) if s >> k & 1), _ZERO) + (w if i == d else _ZERO)
                    for i in range(d + 1)]
        if scales[j] <= 0 or [scales[j] * c for c in columns[j]] != expected:
            raise InternalError(f"factorise: z3's model fails the exact check at unit {j}")
    u = tuple(tuple(row[:d]) for row in zs)
    b = tuple(row[d] for row in zs)
    return Factorisation(True, "", u, b, w, subset, scales, lemma3_relu_net(u, b, w))


# -- Section 4, Theorem 3 ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class LinfFit:
    """``U`` minimising ``||(V - U T)^T||_inf`` (PS eq. (10)), with the exact achieved norm."""

    u: tuple[tuple[Fraction, ...], ...]
    b: tuple[Fraction, ...]
    w0: Fraction
    norm: Fraction
    relu_net: Network


def _v_columns(net: Network) -> list[tuple[Fraction, ...]]:
    return [(*row, bias) for row, bias in zip(net.layers[0].weights, net.layers[0].bias)]


def _ut_columns(u, b, w0, n: int) -> list[tuple[Fraction, ...]]:
    d = len(u[0])
    return [tuple(sum((u[k][i] for k in range(n) if s >> k & 1), _ZERO) for i in range(d))
            + (w0 + sum((b[k] for k in range(n) if s >> k & 1), _ZERO),) for s in range(2**n)]


def linf_norm(net: Network, u, b, w0) -> Fraction:
    """``||(V - U T)^T||_inf``: the largest absolute row sum of ``(V - UT)^T``, i.e. column sum of ``V - UT``."""
    columns = _v_columns(net)
    n = len(columns).bit_length() - 1
    return max(sum((abs(x - y) for x, y in zip(vc, uc)), _ZERO) for vc, uc in zip(columns, _ut_columns(u, b, w0, n)))


def fit_u_linf(net: Network, *, timeout: float | None = 60) -> LinfFit:
    """The exact minimiser of ``||(V - U T_n)^T||_inf`` over ``U`` (Pan & Srikumar, Sec. 4, eq. (10)).

    ``V`` holds the first-layer columns ``(v_c, d_c)`` of a disjunctive threshold net with
    ``2^n`` units, unit ``c`` standing for column ``c`` of :func:`tn_matrix`.  The problem is a
    linear program (``min t`` with ``sum_i |E_{i,c}| <= t`` for each column ``c`` of ``E = V -
    U T``; the last column of ``U`` has zero weights), solved exactly by z3's optimiser; the
    norm of the returned ``U`` is recomputed in rationals.
    """
    import z3

    from exactnets.errors import InternalError

    columns = _v_columns(net)
    m = len(columns)
    n = m.bit_length() - 1
    if m != 2**n or n < 1:
        raise InputError(f"eq. (10) needs 2^n threshold units (got {m})")
    d = net.input_dim

    def val(q: Fraction):
        return z3.RealVal(f"{q.numerator}/{q.denominator}")

    z = [[z3.Real(f"z_{k}_{i}") for i in range(d + 1)] for k in range(n)]
    w0 = z3.Real("w0")
    t = z3.Real("t")
    opt = z3.Optimize()
    if timeout is not None:
        opt.set("timeout", int(timeout * 1000))
    for s in range(m):
        absolutes = []
        for i in range(d + 1):
            terms = [z[k][i] for k in range(n) if s >> k & 1] + ([w0] if i == d else [])
            e = val(columns[s][i]) - (z3.Sum(terms) if terms else z3.RealVal(0))
            a = z3.Real(f"abs_{s}_{i}")
            opt.add(a >= e, a >= -e)
            absolutes.append(a)
        opt.add(z3.Sum(absolutes) <= t)
    opt.minimize(t)
    if opt.check() != z3.sat:
        raise InternalError("fit_u_linf: z3 found no optimum of a feasible LP")
    model = opt.model()

    def frac(term) -> Fraction:
        return Fraction(model.eval(term, model_completion=True).as_fraction())

    zs = [[frac(z[k][i]) for i in range(d + 1)] for k in range(n)]
    u = tuple(tuple(row[:d]) for row in zs)
    b = tuple(row[d] for row in zs)
    w = frac(w0)
    norm = linf_norm(net, u, b, w)
    if norm != frac(t):
        raise InternalError(f"fit_u_linf: the exact norm {norm} differs from z3's optimum {frac(t)}")
    return LinfFit(u, b, w, norm, lemma3_relu_net(u, b, w))


def hidden_prediction_threshold(net: Network, x: Sequence[Any]) -> int | None:
    """Hidden-layer prediction of a disjunctive threshold net (PS Sec. 4): ``None`` (reject) if
    ``y = -1``, else the unit with the largest score ``v_k . x + d_k`` (lowest index on ties)."""
    from exactnets.evaluate import evaluate

    if evaluate(net, x)[0] < 0:
        return None
    point = [as_rational(v) for v in x]
    scores = [sum((w * p for w, p in zip(row, point)), b) for row, b in zip(net.layers[0].weights, net.layers[0].bias)]
    best = max(scores)
    return scores.index(best)


def hidden_prediction_relu(net: Network, x: Sequence[Any]) -> int | None:
    """Hidden-layer prediction of ``sgn(w0 + sum R(a_k))`` read as a ``2^n``-class classifier (PS Sec. 4).

    ``None`` (reject) if ``y = -1``; else the subset ``S = {k : a_k(x) > 0}`` with the largest
    score ``w0 + sum_S a_k``, returned as its column of :func:`tn_matrix` (bit ``k`` <-> unit ``k``).
    """
    from exactnets.evaluate import evaluate

    if evaluate(net, x)[0] < 0:
        return None
    point = [as_rational(v) for v in x]
    layer = net.layers[0]
    return sum(1 << k for k, (row, b) in enumerate(zip(layer.weights, layer.bias))
               if sum((w * p for w, p in zip(row, point)), b) > 0)


def hidden_layer_disagreements(threshold: Network, relu: Network, points: Sequence[Sequence[Any]]) -> list[int]:
    """Indices of the points where the two hidden-layer predictions differ (exact, pointwise)."""
    return [i for i, x in enumerate(points)
            if hidden_prediction_threshold(threshold, x) != hidden_prediction_relu(relu, x)]


def thm3_condition(threshold: Network, norm: Any, x: Sequence[Any]) -> bool:
    """Theorem 3's sufficient condition at ``x``, in its strict form (CLAIMS.md PS-Thm3):
    ``norm < gamma(x) / (2 ||(x, 1)||_inf)``, ``gamma`` the gap between the two largest unit scores."""
    point = [as_rational(v) for v in x]
    scores = sorted((sum((w * p for w, p in zip(row, point)), b)
                     for row, b in zip(threshold.layers[0].weights, threshold.layers[0].bias)), reverse=True)
    gamma = scores[0] - scores[1] if len(scores) > 1 else _ZERO
    size = max([_ONE] + [abs(p) for p in point])
    return as_rational(norm) < gamma / (2 * size)


# -- the running example, Fig. 2 and eq. (5) ------------------------------------------------------

def running_example_net(w0: Any = Fraction(-1, 2), units: Sequence[tuple[Sequence[Any], Any]] | None = None) -> Network:
    """Pan & Srikumar's running example, eq. (4): ``y = sgn(w0 + R(a1) - R(a2) - R(a3))``.

    ``units`` gives ``a_k(x) = u_k . x + b_k`` as ``(u_k, b_k)`` pairs; by default ``a_k(x) = x_k``
    on ``R^3``, so that each threshold test of Theorem 1 shows its subsets in its coefficients.
    """
    if units is None:
        units = [([1 if j == k else 0 for j in range(3)], 0) for k in range(3)]
    if len(units) != 3:
        raise InputError(f"the running example has 3 hidden units (got {len(units)})")
    rows = [as_rational_vector(u, what=f"u_{k + 1}") for k, (u, _) in enumerate(units)]
    if len({len(r) for r in rows}) != 1:
        raise InputError("the three weight vectors u_1, u_2, u_3 must have the same length")
    biases = [as_rational(b, what=f"b_{k + 1}") for k, (_, b) in enumerate(units)]
    return Network(len(rows[0]), [Layer("relu", [list(r) for r in rows], biases),
                                  Layer("ltf", [[1, -1, -1]], [as_rational(w0, what="w0")])],
                   name="PS eq. (4): running example")


@dataclasses.dataclass(frozen=True)
class Inequality:
    """``w0 + sum_{k in s1} a_k(x) - sum_{k in s2} a_k(x) >= 0`` with the paper's 1-based unit numbers."""

    s1: frozenset[int]
    s2: frozenset[int]
    form: AffineForm

    def __str__(self) -> str:
        terms = "".join(f" + a{k}" for k in sorted(self.s1)) + "".join(f" - a{k}" for k in sorted(self.s2))
        return f"w0{terms} >= 0"


def inequality_systems(net: Network) -> list[Inequality]:
    """Theorem 1's tests named as in the paper (Fig. 2 and eq. (5)): unit ``k`` of ``net`` is ``a_{k+1}``.

    The list is ordered ``S1`` outer, ``S2`` inner (bitmask order of the positive and of the
    negative units).  The DNF is ``OR_{S1} AND_{S2}`` of these tests (Fig. 2, one block per
    ``S1``), the CNF ``AND_{S2} OR_{S1}`` (eq. (5), one line per ``S2``).  Units with output weight
    0 are dropped (CLAIMS.md PS-Def-Nets), so their numbers never occur.
    """
    weights = net.layers[-1].weights[0]
    positive = [k + 1 for k, w in enumerate(weights) if w > 0]
    negative = [k + 1 for k, w in enumerate(weights) if w < 0]
    return [Inequality(frozenset(positive[i] for i in lit.s1), frozenset(negative[i] for i in lit.s2), lit.form)
            for lit in dnf_literals(net)]


# -- Lemma 2: a threshold net that no smaller ReLU net matches -------------------------------------

def lemma2_triangle_net() -> Network:
    """A 3-unit threshold net whose positive region is the closed triangle ``x1 >= 0, x2 >= 0, x1 + x2 <= 1``.

    ``y = sgn(-2 + sgn(x1) + sgn(x2) + sgn(1 - x1 - x2))``, the AND of three halfplanes whose
    outward normals positively span the plane.  CLAIMS.md PS-Lemma2 proposes it (a derived
    candidate; the paper's example is in its supplementary, not recovered).
    """
    return Network(2, [Layer("ltf", [[1, 0], [0, 1], [-1, -1]], [0, 0, 1]), Layer("ltf", [[1, 1, 1]], [-2])],
                   name="PS Lemma 2 candidate: a triangle")


def lemma2_grid_search(target: Network, points: Sequence[Sequence[Any]], positive: int, negative: int,
                       *, timeout: float | None = None) -> tuple[str, Network | None]:
    """Is there a ReLU net ``sgn(w0 + sum_{k<positive} R(a_k) - sum_{k<negative} R(a_(positive+k)))``
    with the same decisions as ``target`` at every point of ``points``?

    Every 2-layer ReLU net with ``positive`` positive and ``negative`` negative units has this
    form (weights absorbed, PS-Def-Nets); a unit may be switched off by ``a_k = -1``, so the
    search also covers fewer units.  At fixed points the constraints are linear in the unknown
    weights, so z3 decides the question in linear real arithmetic.  Returns ``("unsat", None)``
    (no such net: then none matches ``target`` on all of ``R^d`` either), ``("sat", net)`` with a
    net whose decisions at ``points`` were re-checked exactly, or ``("unknown", None)``.
    """
    import z3

    from exactnets.evaluate import evaluate

    pts = [as_rational_vector(p, what="point") for p in points]
    d = target.input_dim
    units = positive + negative
    labels = [evaluate(target, p)[0] >= 0 for p in pts]
    u = [[z3.Real(f"u{k}_{i}") for i in range(d)] for k in range(units)]
    b = [z3.Real(f"b{k}") for k in range(units)]
    w0 = z3.Real("w0")
    solver = z3.Solver()
    if timeout is not None:
        solver.set("timeout", int(timeout * 1000))

    def q(value: Fraction):
        return z3.Q(value.numerator, value.denominator)

    for p, label in zip(pts, labels):
        total = w0
        for k in range(units):
            a = z3.Sum([u[k][i] * q(p[i]) for i in range(d)]) + b[k] if d else b[k]
            relu = z3.If(a >= 0, a, 0)
            total = total + relu if k < positive else total - relu
        solver.add(total >= 0 if label else total < 0)
    answer = solver.check()
    if answer == z3.unsat:
        return "unsat", None
    if answer != z3.sat:
        return "unknown", None
    model = solver.model()

    def value(v) -> Fraction:
        r = model.eval(v, model_completion=True)
        return Fraction(r.numerator_as_long(), r.denominator_as_long())

    net = Network(d, [Layer("relu", [[value(x) for x in row] for row in u], [value(x) for x in b]),
                      Layer("ltf", [[1] * positive + [-1] * negative], [value(w0)])],
                  name=f"a ReLU net with {positive}+{negative} units matching on a grid")
    if any((evaluate(net, p)[0] >= 0) != label for p, label in zip(pts, labels)):
        return "unknown", None  # never trusted unchecked
    return "sat", net


# -- Sec. 5: the synthetic data ---------------------------------------------------------------------

#: The inputs of the Sec. 5 data are integer points of this cube (the paper gives no distribution).
SEC5_INPUT_RANGE = 1000


def sec5_generator_net(d: int, n: int, seed: int | str) -> Network:
    """A seeded random 2-layer ReLU net of the kind Pan & Srikumar's Sec. 5 generates data with.

    It reads the integer inputs of :func:`sec5_dataset` (``x = k / 1000`` for ``k`` in
    ``-1000..1000``): ``n`` hidden ReLUs ``R(u . k / 1000 + b)`` with ``u_i, b = j/100``, ``j``
    uniform in ``-100..100``; output weights ``j/100`` with ``j`` in ``1..100`` (all positive, the
    case in which the paper says a 2-layer threshold net suffices); the output bias is minus the
    median of ``sum_k w_k R(a_k)`` over 101 seeded pilot inputs, rounded up to the next multiple
    of 1/100 above it (so ``w0 < 0``: never a constant net), and both labels occur about equally.  The paper states neither distribution; these are
    our choices (CLAIMS.md EXP-PS-Sec5).
    """
    if isinstance(d, bool) or not isinstance(d, int) or d < 1 or isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"the generator needs d >= 1 inputs and n >= 1 hidden units (got d={d!r}, n={n!r})")
    r = random.Random(f"PS-Sec5:{seed}:{d}:{n}")
    scale = SEC5_INPUT_RANGE * 100
    weights = [[Fraction(r.randint(-100, 100), scale) for _ in range(d)] for _ in range(n)]
    biases = [Fraction(r.randint(-100, 100), 100) for _ in range(n)]
    out = [Fraction(r.randint(1, 100), 100) for _ in range(n)]
    pilot = []
    for _ in range(101):
        x = [r.randint(-SEC5_INPUT_RANGE, SEC5_INPUT_RANGE) for _ in range(d)]
        pilot.append(sum((w * max(_ZERO, sum((u * v for u, v in zip(row, x)), b))
                          for w, row, b in zip(out, weights, biases)), _ZERO))
    median = sorted(pilot)[50]
    w0 = -Fraction(math.floor(median * 100) + 1, 100)  # strictly negative: never the constant +1 net
    return Network(d, [Layer("relu", weights, biases), Layer("ltf", [out], [w0])],
                   name=f"PS Sec. 5 generator d={d} n={n}")


def sec5_dataset(net: Network, count: int, seed: int | str) -> tuple[Any, Any]:
    """``count`` seeded inputs, uniform on the integer points of ``[-1000, 1000]^d`` (``x = k/1000``
    in :func:`sec5_generator_net`), and their exact labels.

    Returns ``(points, labels)``: an ``int64`` array of shape ``(count, d)`` and an ``int8`` array
    of ``+-1`` labels ``sgn(net(x))`` (sgn(0) = +1), computed exactly.  The paper splits 10000
    examples into 8500 training and 1500 test examples; the split is the caller's.
    """
    import numpy as np

    from exactnets.evaluate import evaluate_batch

    generator = np.random.default_rng([*str(seed).encode(), net.input_dim, count])  # reproducible, no hash()
    points = generator.integers(-SEC5_INPUT_RANGE, SEC5_INPUT_RANGE + 1, size=(count, net.input_dim), dtype=np.int64)
    batch = evaluate_batch(net, points)
    labels = np.where(batch.numerators[:, 0] >= 0, 1, -1).astype(np.int8)
    return points, labels


# -- Sec. 2.1: regions of a hyperplane arrangement ------------------------------------------------

def _det(matrix: list[list[Fraction]]) -> Fraction:
    """Exact determinant by fraction-valued Gaussian elimination."""
    m = [list(row) for row in matrix]
    size, det = len(m), _ONE
    for c in range(size):
        pivot = next((r for r in range(c, size) if m[r][c] != 0), None)
        if pivot is None:
            return _ZERO
        if pivot != c:
            m[c], m[pivot] = m[pivot], m[c]
            det = -det
        det *= m[c][c]
        for r in range(c + 1, size):
            factor = m[r][c] / m[c][c]
            m[r] = [a - factor * b for a, b in zip(m[r], m[c])]
    return det


def in_general_position(hyperplanes: Sequence[tuple[Sequence[Any], Any]]) -> bool:
    """Are the hyperplanes ``u . x + b = 0`` in general position in ``R^d``?  Every ``min(n, d)`` of
    the normals are independent and no ``d + 1`` of the hyperplanes share a point (exact minors)."""
    planes = [(as_rational_vector(u, what="normal"), as_rational(b, what="offset")) for u, b in hyperplanes]
    d = len(planes[0][0])
    k = min(len(planes), d)
    for group in itertools.combinations(planes, k):
        rows = [list(u) for u, _ in group]
        if not any(_det([[row[c] for c in cols] for row in rows]) != 0 for cols in itertools.combinations(range(d), k)):
            return False
    return all(_det([[*u, b] for u, b in group]) != 0 for group in itertools.combinations(planes, d + 1))


def zaslavsky_count(n: int, d: int) -> int:
    """``sum_{s=0}^{d} C(n, s)``: the regions of ``n`` hyperplanes in general position in ``R^d``
    (Pan & Srikumar, Sec. 2.1, citing Zaslavsky)."""
    return sum(math.comb(n, s) for s in range(d + 1))


def count_regions(hyperplanes: Sequence[tuple[Sequence[Any], Any]]) -> int:
    """The number of sign vectors ``s`` with ``{x : s_i (u_i . x + b_i) > 0 for all i}`` nonempty,
    i.e. the open regions of the arrangement; each is decided by z3 in linear real arithmetic,
    and every region found is confirmed by an exact witness point."""
    import z3

    planes = [(as_rational_vector(u, what="normal"), as_rational(b, what="offset")) for u, b in hyperplanes]
    d = len(planes[0][0])
    xs = [z3.Real(f"x{i}") for i in range(d)]
    count = 0
    for signs in itertools.product((1, -1), repeat=len(planes)):
        solver = z3.Solver()
        for s, (u, b) in zip(signs, planes):
            form = z3.Sum([z3.Q(c.numerator, c.denominator) * x for c, x in zip(u, xs)]) + z3.Q(b.numerator, b.denominator)
            solver.add(form > 0 if s > 0 else form < 0)
        answer = solver.check()
        if answer == z3.unknown:
            raise InputError("z3 could not decide a region of the arrangement")
        if answer == z3.sat:
            model = solver.model()
            point = [Fraction(model.eval(x, model_completion=True).as_fraction()) for x in xs]
            if not all(s * (sum((c * p for c, p in zip(u, point)), b)) > 0 for s, (u, b) in zip(signs, planes)):
                raise InputError("z3's witness point does not lie in the region")  # never trusted unchecked
            count += 1
    return count
