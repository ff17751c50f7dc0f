r"""Decision-mode equivalence of a 2-layer ReLU net and a threshold net built on its literals.

This is the structure behind Pan & Srikumar, *Expressiveness of Rectifier Networks* (ICML 2016),
Theorem 1 (CLAIMS.md PS-Thm1, PS-Sec3.1, PS-Thm2, PS-Ex3to2, PS-Lemma3).  One network is a
2-layer ReLU net, in the normal form of :func:`exactnets.network.ps_normal_form`

.. math::  f(x) = w_0 + \sum_{k \in P} R(a_k(x)) - \sum_{k \in N} R(a_k(x)),

the other a threshold network ``g`` (``ltf``/``step`` hidden layers, one ``ltf`` or ``linear``
output unit, any depth).  The question is ``f(x) >= 0  <=>  g(x) >= 0`` for every ``x`` of the
domain (``decision`` mode, sgn(0) = +1).  For ``S1 \subseteq P``, ``S2 \subseteq N`` write the
*literal*

.. math::  \ell_{S1,S2}(x) = w_0 + \sum_{k \in S1} a_k(x) - \sum_{k \in S2} a_k(x).

The argument (exact, no search)
-------------------------------
Fix ``x`` and let ``A = \{k : a_k(x) \ge 0\}``, ``S1^* = A \cap P``, ``S2^* = A \cap N``.  Then
``f(x) = \ell_{S1^*,S2^*}(x)`` and, for every ``S1``, ``S2``,

.. math::  \ell_{S1^*,S2}(x) - f(x) = \sum_{k \in S2^* \setminus S2} a_k(x) - \sum_{k \in S2 \setminus S2^*} a_k(x) \ \ge 0,

.. math::  \ell_{S1,S2^*}(x) - f(x) = \sum_{k \in S1 \setminus S1^*} a_k(x) - \sum_{k \in S1^* \setminus S1} a_k(x) \ \le 0,

because ``a_k(x) >= 0`` on ``A`` and ``a_k(x) < 0`` off it.  Hence

* (**+ side**) if ``f(x) >= 0``, every literal ``\ell_{S1^*, S2}`` is ``>= 0`` at ``x``;
* (**- side**) if ``f(x) < 0``, every literal ``\ell_{S1, S2^*}`` is ``< 0`` at ``x``.

A first-layer unit of ``g`` whose affine form is a *positive* multiple of a literal has the
literal's sign, so on the + side of ``S1^*`` every unit matched to some ``\ell_{S1^*,\cdot}``
outputs +1 (``step``: 1), and on the - side of ``S2^*`` every unit matched to some
``\ell_{\cdot,S2^*}`` outputs -1 (``step``: 0).  Units with zero weights are constants.  The
remaining units are *unknown*; exact interval propagation through ``g``'s upper layers (each
unit's pre-activation bounded by its known inputs and ``[-1,1]`` / ``[0,1]`` for the unknown
ones) decides whether ``g``'s output is forced.  If, for every ``S1^* \subseteq P``, the output
is forced to ``>= 0`` and, for every ``S2^* \subseteq N``, forced to ``< 0``, then ``f`` and
``g`` agree in decision at every point of ``R^d`` (so of any box or polytope): every ``x`` falls under one ``S1^*`` (if
``f(x) >= 0``) or one ``S2^*`` (if ``f(x) < 0``).  A case is also closed when its side is
empty for a visible reason: some ``\ell_{S1^*,S2}`` is a negative constant (+ side) or some
``\ell_{S1,S2^*}`` a non-negative constant (- side).

The check costs ``2^{|P|} + 2^{|N|}`` propagations and one pass over the ``2^{|P|+|N|}``
literals (matched by their primitive integer vectors), with no solver: the DNF net of
Theorem 1 for ``w = 12`` hidden units (4096 literals) is decided in well under a second.  The
evidence is the matching (unit ``j`` of ``g`` and literal ``l`` have equal primitive integer
vectors, i.e. ``(v_j, d_j) = c_j l`` with ``c_j > 0``, an exact integer comparison) and the
forced outputs.

When a case is not forced (``g`` is not built on ``f``'s literals, or its upper layers do not
force the value, e.g. the misprinted biases of PS Sec. 3.1), both nets are first evaluated
exactly at a few thousand seeded sample points (a differing point is replayed and returned);
if none differs, each open case alone is handed to z3:
``x`` is constrained to the case (the signs of the ``a_k`` of ``P`` for a + case, of ``N`` for
a - case), to the side, and to the opposite decision of ``g``.  *unsat* closes the case; a
model is an exact rational point, replayed through the reference evaluator before it is
returned as a counterexample; a timeout makes the answer *unknown*.

Not applicable (:class:`~exactnets.verify.query.NotApplicable`): modes other than
``decision``, Boolean cubes (enumeration is exact and faster there), pairs that are not one
2-layer ReLU net and one threshold net, ReLU nets with more than :data:`MAX_UNITS` units, and
threshold nets none of whose (non-constant) first-layer units is a literal of the ReLU net.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.domains import BooleanCube, Box, Polytope, Reals
from exactnets.errors import InternalError
from exactnets.network import Network, PSNormalForm, ps_normal_form
from exactnets.verify.query import Deadline, EquivalenceResult, Mode, NotApplicable, check_shapes, replay

__all__ = ["decide", "check", "MAX_UNITS", "is_relu2", "is_threshold_net", "literal_matrix"]

#: Largest number of ReLU units (2^MAX_UNITS literals are enumerated).
MAX_UNITS = 20

METHOD = "dnf"


# -- shapes ------------------------------------------------------------------------------------------

def is_relu2(net: Network) -> bool:
    """A 2-layer ReLU net with one ``linear`` or ``ltf`` output unit (Pan & Srikumar's form)."""
    return (net.depth == 2 and net.layers[0].activation == "relu" and net.output_dim == 1
            and net.layers[1].activation in ("linear", "ltf"))


def is_threshold_net(net: Network) -> bool:
    """Hidden layers ``ltf``/``step``, one output unit ``ltf`` or ``linear`` (depth 1: one halfspace)."""
    if net.output_dim != 1 or net.layers[-1].activation not in ("ltf", "linear"):
        return False
    return all(layer.activation in ("ltf", "step") for layer in net.layers[:-1])


# -- exact integer helpers ------------------------------------------------------------------------------

def _primitive(values: Sequence[int]) -> tuple[int, ...]:
    g = 0
    for v in values:
        g = math.gcd(g, int(v))
    return tuple(int(v) // g for v in values) if g else tuple(int(v) for v in values)


def _row_to_ints(row: Sequence[Fraction], bias: Fraction) -> tuple[int, ...]:
    return _primitive(_scaled_row(row, bias))


def literal_matrix(form: PSNormalForm) -> tuple[np.ndarray, int, int]:
    """All literals ``l_{S1,S2}`` as integer rows ``[coefficients..., constant]`` (a common positive scale).

    Row ``mask`` has ``S1`` = the low ``n1`` bits (bit ``k`` = ``form.positive[k]``) and ``S2``
    = the next ``n2`` bits (``form.negative[k]``).  Returns ``(rows, n1, n2)``; ``rows`` is int64
    when a bound allows it, else an object array of Python integers.
    """
    units = [*form.positive, *form.negative]
    n1, n2 = len(form.positive), len(form.negative)
    w = n1 + n2
    if w > MAX_UNITS:
        raise NotApplicable(f"the ReLU net has {w} units; the literal method enumerates 2^w literals, w <= {MAX_UNITS}")
    entries = [form.w0] + [c for a in units for c in (*a.coefficients, a.constant)]
    denominator = math.lcm(*(Fraction(v).denominator for v in entries)) if entries else 1
    dim = form.input_dim
    base = [0] * dim + [int(form.w0 * denominator)]
    signed = [[int(c * denominator) * (1 if k < n1 else -1) for c in (*a.coefficients, a.constant)]
              for k, a in enumerate(units)]
    bound = abs(base[-1]) + sum(abs(v) for row in signed for v in row)
    dtype = np.int64 if bound < 2**62 else object
    masks = np.arange(2**w, dtype=np.int64)
    bits = ((masks[:, None] >> np.arange(w, dtype=np.int64)[None, :]) & 1).astype(dtype)
    matrix = np.array(signed, dtype=dtype).reshape(w, dim + 1)
    rows = bits @ matrix + np.array(base, dtype=dtype)[None, :]
    return rows, n1, n2


def _primitive_rows(rows: np.ndarray) -> list[tuple[int, ...]]:
    if rows.dtype != object:
        g = np.gcd.reduce(np.abs(rows), axis=1)
        g[g == 0] = 1
        return [tuple(r) for r in (rows // g[:, None]).tolist()]
    return [_primitive(r) for r in rows.tolist()]


# -- propagation through the threshold net --------------------------------------------------------------

def _int_layer(layer) -> tuple[np.ndarray, np.ndarray]:
    """The layer's rows scaled by positive integers to integer rows (signs unchanged)."""
    rows = [_scaled_row(row, b) for row, b in zip(layer.weights, layer.bias)]
    bound = max(sum(abs(v) for v in r) for r in rows)
    dtype = np.int64 if bound < 2**60 else object
    array = np.array(rows, dtype=dtype)
    return array[:, :-1], array[:, -1]


def _scaled_row(row: Sequence[Fraction], bias: Fraction) -> list[int]:
    entries = [*row, bias]
    denominator = math.lcm(*{v.denominator for v in entries})
    return [v.numerator * (denominator // v.denominator) for v in entries]


def _propagate(net: Network, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Interval propagation of first-layer output bounds ``[lo, hi]`` (rows = cases) to the output.

    Returns ``(forced_nonneg, forced_neg)`` for the output pre-activation, one entry per case.
    """
    for index, layer in enumerate(net.layers[1:], start=1):
        weights, bias = _int_layer(layer)
        positive = np.where(weights > 0, weights, 0)
        negative = np.where(weights < 0, weights, 0)
        low = lo @ positive.T + hi @ negative.T + bias[None, :]
        high = hi @ positive.T + lo @ negative.T + bias[None, :]
        if index == len(net.layers) - 1:
            return (low >= 0)[:, 0], (high < 0)[:, 0]
        on, off = (1, -1) if layer.activation == "ltf" else (1, 0)
        new_lo = np.where(low >= 0, on, off)
        new_hi = np.where(high < 0, off, on)
        lo, hi = new_lo.astype(lo.dtype), new_hi.astype(hi.dtype)
    raise InternalError("propagation ran past the output layer")


# -- z3 for the cases the witnesses do not force ----------------------------------------------------------

def _z3_case(form: PSNormalForm, thr: Network, domain, side: str, active: int, n1: int, n2: int,
             timeout: float | None) -> tuple[str, list[Fraction] | None]:
    """Search one case for a point where the decisions differ: ``("unsat"|"sat"|"unknown", point)``."""
    import z3

    def rational_val(q):
        q = Fraction(q)
        return z3.RealVal(f"{q.numerator}/{q.denominator}")

    d = form.input_dim
    xs = [z3.Real(f"x_{i + 1}") for i in range(d)]

    def affine(coefficients, constant):
        terms = [rational_val(c) * x for c, x in zip(coefficients, xs) if c != 0]
        terms.append(rational_val(constant))
        return z3.Sum(terms) if len(terms) > 1 else terms[0]

    solver = z3.SolverFor("QF_LRA")
    if timeout is not None:
        solver.set("timeout", max(1, int(timeout * 1000)))
    fixed, free = (form.positive, form.negative) if side == "+" else (form.negative, form.positive)
    value_terms = [rational_val(form.w0)]
    for k, a in enumerate(fixed):
        t = affine(a.coefficients, a.constant)
        if active >> k & 1:
            solver.add(t >= 0)
            value_terms.append(t if side == "+" else -t)
        else:
            solver.add(t < 0)
    for a in free:
        t = affine(a.coefficients, a.constant)
        r = z3.If(t > 0, t, rational_val(Fraction(0)))
        value_terms.append(-r if side == "+" else r)
    value = z3.Sum(value_terms)
    solver.add(value >= 0 if side == "+" else value < 0)
    # the threshold net, with one auxiliary variable per hidden unit
    values = list(xs)
    for li, layer in enumerate(thr.layers):
        out = []
        for ui, (row, b) in enumerate(zip(layer.weights, layer.bias)):
            terms = [rational_val(w) * v for w, v in zip(row, values) if w != 0] + [rational_val(b)]
            t = z3.Sum(terms) if len(terms) > 1 else terms[0]
            if li == len(thr.layers) - 1:
                solver.add(t < 0 if side == "+" else t >= 0)
                break
            h = z3.Real(f"h_{li}_{ui}")
            low = -1 if layer.activation == "ltf" else 0
            solver.add(h == z3.If(t >= 0, rational_val(Fraction(1)), rational_val(Fraction(low))))
            out.append(h)
        values = out
    if isinstance(domain, Box):
        for x, lo, hi in zip(xs, domain.lower, domain.upper):
            solver.add(x >= rational_val(lo), x <= rational_val(hi))
    elif isinstance(domain, Polytope):
        for row, rhs in zip(domain.A, domain.b):
            solver.add(affine(row, Fraction(0)) <= rational_val(rhs))
    answer = solver.check()
    if answer == z3.unsat:
        return "unsat", None
    if answer == z3.sat:
        model = solver.model()
        point = []
        for x in xs:
            v = model.eval(x, model_completion=True)
            point.append(Fraction(v.as_fraction()) if z3.is_rational_value(v) else Fraction(0))
        return "sat", point
    return "unknown", None


# -- a cheap search for counterexamples before z3 ------------------------------------------------------------

ATTACK_POINTS = 2048


def _attack(f: Network, g: Network, domain, mode: Mode):
    """Exact evaluation of both nets at seeded sample points (reals: several scales; box: inside it).

    Returns a replayed :class:`~exactnets.verify.query.Counterexample` or ``None``.  Only a
    shortcut to a refutation: nothing is concluded when no point differs.
    """
    import random

    from exactnets.evaluate import evaluate_batch

    if isinstance(domain, Polytope):
        return None
    d = f.input_dim
    r = random.Random(f"dnf-attack:{d}")
    widest = max(layer.out_dim for net in (f, g) for layer in net.layers)
    points = []
    for i in range(max(64, min(ATTACK_POINTS, 2**24 // widest))):
        if isinstance(domain, Box):
            points.append(tuple(lo + (hi - lo) * Fraction(r.randint(0, 64), 64)
                                for lo, hi in zip(domain.lower, domain.upper)))
        else:
            scale = Fraction(2) ** (i % 12 - 4)
            points.append(tuple(scale * Fraction(r.randint(-64, 64), 16) for _ in range(d)))
    fs, gs = evaluate_batch(f, points).signs(), evaluate_batch(g, points).signs()
    bad = np.nonzero(fs != gs)[0]
    if len(bad) == 0:
        return None
    return replay(f, g, domain, mode, points[int(bad[0])])


# -- the method ---------------------------------------------------------------------------------------------

def decide(f: Network, g: Network, domain: Any, mode: Mode, deadline: Deadline | None = None,
           progress: Callable[[int, int], None] | None = None) -> EquivalenceResult:
    """Decide ``sgn f = sgn g`` on ``domain`` for a 2-layer ReLU net and a threshold net (see module doc)."""
    deadline = deadline or Deadline(None)
    if mode.kind != "decision":
        raise NotApplicable(f"the literal method decides decision mode only (got {mode})")
    if isinstance(domain, BooleanCube):
        raise NotApplicable("on the Boolean cube exhaustive enumeration is exact and faster")
    if not isinstance(domain, (Reals, Box, Polytope)):
        raise NotApplicable(f"unknown domain {domain!r}")
    check_shapes(f, g, domain, mode)
    if is_relu2(f) and is_threshold_net(g) and not is_relu2(g):
        relu, thr = f, g
    elif is_relu2(g) and is_threshold_net(f) and not is_relu2(f):
        relu, thr = g, f
    else:
        raise NotApplicable("the literal method needs one 2-layer ReLU net (one output) and one threshold net "
                            "(ltf/step hidden layers, one ltf or linear output)")
    form = ps_normal_form(relu)
    rows, n1, n2 = literal_matrix(form)
    keys = _primitive_rows(rows)
    d = form.input_dim
    gradient_zero = np.all(rows[:, :d] == 0, axis=1) if d else np.ones(len(rows), dtype=bool)
    constants = rows[:, d]
    index: dict[tuple[int, ...], list[int]] = {}
    for mask, key in enumerate(keys):
        if not gradient_zero[mask]:
            index.setdefault(key, []).append(mask)

    first = thr.layers[0]
    m = first.out_dim
    only_layer = thr.depth == 1
    low_value = -1 if (first.activation == "ltf" or only_layer) else 0
    s1_mask, s2_mask = (1 << n1) - 1, ((1 << n2) - 1) << n1
    pos_parts: list[set[int]] = []
    neg_parts: list[set[int]] = []
    constant_value: list[int | None] = []
    matched = 0
    for row, b in zip(first.weights, first.bias):
        if all(w == 0 for w in row):
            constant_value.append(1 if b >= 0 else low_value)
            pos_parts.append(set())
            neg_parts.append(set())
            continue
        constant_value.append(None)
        labels = index.get(_row_to_ints(row, b), [])
        matched += bool(labels)
        pos_parts.append({mask & s1_mask for mask in labels})
        neg_parts.append({(mask & s2_mask) >> n1 for mask in labels})

    if matched == 0 and any(v is None for v in constant_value):
        raise NotApplicable("no first-layer unit of the threshold net is a positive multiple of a Pan-Srikumar "
                            "literal of the ReLU net; the literal method would only split the query for z3")
    # + cases: one per S1*; - cases: one per S2*
    cases = [("+", s) for s in range(2**n1)] + [("-", s) for s in range(2**n2)]
    total = len(cases)
    lo = np.zeros((total, m), dtype=np.int64)
    hi = np.zeros((total, m), dtype=np.int64)
    vacuous = np.zeros(total, dtype=bool)
    s1_of = np.arange(len(rows)) & s1_mask
    s2_of = (np.arange(len(rows)) & s2_mask) >> n1
    neg_const = gradient_zero & np.array(constants < 0, dtype=bool)
    nonneg_const = gradient_zero & np.array(constants >= 0, dtype=bool)
    empty_plus = np.zeros(2**n1, dtype=bool)
    np.logical_or.at(empty_plus, s1_of[neg_const], True)
    empty_minus = np.zeros(2**n2, dtype=bool)
    np.logical_or.at(empty_minus, s2_of[nonneg_const], True)
    plus_rows = np.zeros((2**n1, m), dtype=bool)   # unit j is a literal l_{S1*, .}: +1 on the + side of S1*
    minus_rows = np.zeros((2**n2, m), dtype=bool)  # unit j is a literal l_{., S2*}: off on the - side of S2*
    for j in range(m):
        for s in pos_parts[j]:
            plus_rows[s, j] = True
        for s in neg_parts[j]:
            minus_rows[s, j] = True
    lo[:] = low_value
    hi[:] = 1
    lo[: 2**n1][plus_rows] = 1
    hi[2**n1:][minus_rows] = low_value
    for j in range(m):
        if constant_value[j] is not None:
            lo[:, j] = hi[:, j] = constant_value[j]
    vacuous[: 2**n1] = empty_plus
    vacuous[2**n1:] = empty_minus
    if only_layer:
        forced_nonneg, forced_neg = lo[:, 0] >= 1, hi[:, 0] <= low_value
    else:
        forced_nonneg, forced_neg = _propagate(thr, lo, hi)
    structural = [bool(vacuous[c] or (forced_nonneg[c] if side == "+" else forced_neg[c]))
                  for c, (side, _) in enumerate(cases)]
    if progress is not None:
        progress(sum(structural), total)
    by_z3 = 0
    if not all(structural):
        found = _attack(f, g, domain, mode)
        if found is not None:
            return EquivalenceResult("counterexample", f"{METHOD} (exact evaluation at sampled points)",
                                     deadline.elapsed(), counterexample=found)
    for c, (side, s) in enumerate(cases):
        if structural[c]:
            continue
        if deadline.expired():
            return EquivalenceResult("unknown", METHOD, deadline.elapsed(),
                                     reason=f"timeout with {total - c} of {total} cases left")
        status, point = _z3_case(form, thr, domain, side, s, n1, n2, deadline.remaining())
        if status == "sat":
            x = point
            counterexample = replay(f, g, domain, mode, x)
            return EquivalenceResult("counterexample", METHOD, deadline.elapsed(), counterexample=counterexample,
                                     details={"case": f"{side}{s}"})
        if status == "unknown":
            return EquivalenceResult("unknown", METHOD, deadline.elapsed(),
                                     reason=f"z3 gave no answer on case {side}{s} (timeout)")
        by_z3 += 1
        if progress is not None:
            progress(sum(structural) + by_z3, total)
    how = (f"Pan-Srikumar literal witnesses: {total} cases (2^{n1} + 2^{n2}), {sum(structural)} forced by "
           f"exact propagation, {by_z3} closed by z3 unsat; {matched} of "
           f"{m - sum(v is not None for v in constant_value)} non-constant first-layer units matched to "
           f"literals of the {n1 + n2}-unit ReLU net")
    return EquivalenceResult("equivalent", f"{METHOD} ({how})", deadline.elapsed(),
                             details={"cases": total, "forced": sum(structural), "z3": by_z3, "matched": matched})


def check(f: Network, g: Network, domain: Any, mode: Mode | str = "decision", *,
          timeout: float | None = None) -> EquivalenceResult:
    """``check_equivalence`` with this method first where it applies (decision mode, literal pairs).

    Until the portfolio of :mod:`exactnets.verify.equivalence` lists this method, constructions
    and their tests call this.  Methods of the portfolio that are not installed yet are skipped,
    and if none is left the answer is *unknown* with that reason (never a guess).
    """
    from exactnets.verify.equivalence import METHODS, check_equivalence, resolve_domain
    from exactnets.verify.query import parse_mode

    domain = resolve_domain(domain, f.input_dim)
    mode = parse_mode(mode)
    deadline = Deadline(timeout)
    if METHOD not in METHODS:
        try:
            return decide(f, g, domain, mode, deadline).with_seconds(deadline.elapsed())
        except NotApplicable:
            pass
    reasons = []
    for method in ("auto", "z3"):
        try:
            return check_equivalence(f, g, domain, mode, method=method, timeout=deadline.remaining())
        except (ModuleNotFoundError, AttributeError) as error:  # a portfolio method not written yet
            reasons.append(f"{method}: {error}")
    return EquivalenceResult("unknown", "none", deadline.elapsed(),
                             reason="no installed method decides this query (" + "; ".join(reasons) + ")")
