r"""Exact function-mode equivalence of 2-layer ReLU networks by a canonical form.

Both networks have one hidden layer (ReLU; a linear hidden layer is accepted too) and a linear
output layer with any number of outputs; a single linear layer (an affine map) also counts.
Output ``j`` of ``f`` is

.. math::  f_j(x) = L_j(x) + \sum_k c_{jk} R(a_k \cdot x + b_k),   R(t) = \max(0, t),

with ``L_j`` affine (the output bias, for a ReLU net).  :func:`decide` answers whether ``f = g``
on all of ``R^n``, on a box or on a polytope, exactly, with no search.

The argument
------------
**1. Canonical hyperplanes.**  A unit with ``a_k = 0`` is the constant ``R(b_k)``; it joins
``L``.  Otherwise let ``i`` be the first index with ``a_{k,i} != 0`` and ``p = a_{k,i}``; the
*canonical* affine form of the unit is ``h = (a_k, b_k) / p``, whose first nonzero weight is
``+1``.  Two affine forms with ``a != 0`` have the same zero set iff they are proportional, so
each hyperplane has exactly one canonical form.  Since ``R(lam t) = lam R(t)`` for ``lam > 0``
and ``R(-t) = R(t) - t``:

* ``p > 0``:  ``c R(a.x + b) = (c p) R(h(x))``;
* ``p < 0``:  ``c R(a.x + b) = c |p| R(-h(x)) = (c |p|) R(h(x)) - (c |p|) h(x)``: the same
  canonical unit plus an affine term.

Collecting terms, ``f_j - g_j = DL_j(x) + sum_H Dc_{jH} R(h_H(x))`` exactly (an identity of
functions on ``R^n``), the sum running over *distinct* canonical hyperplanes ``H``.

**2. On R^n.**  ``f = g`` iff every ``Dc_{jH} = 0`` and every ``DL_j = 0``.  "If" is clear.
"Only if": say ``Dc_{jH0} != 0``.  Every other hyperplane ``H`` meets ``H0`` in a proper
subset (or not at all), and finitely many proper affine subspaces do not cover ``H0``, so some
``x0`` in ``H0`` lies on no other ``H``.  Near ``x0`` every other term is affine, so ``f_j -
g_j`` is affine plus ``Dc_{jH0} R(h_0)``; its gradient jumps by ``Dc_{jH0} a_0 != 0`` across
``H0``, so it is not identically zero.  Once every ``Dc`` is zero, ``f_j - g_j = DL_j`` is
affine and vanishes iff all its coefficients do.  (This is the kink-set argument of CLAIMS.md
MB-Prop2.2 made exact: the kink set of a Sum-of-ReLU is the union of the hyperplanes whose
*collected* coefficient is nonzero -- cancelling terms such as ``R(t) - R(-t) - t`` leave none.)

**3. On a full-dimensional convex domain D** (a box with ``lower < upper``, a polytope with
interior).  If ``h_H >= 0`` on ``D`` then ``R(h_H) = h_H`` there; if ``h_H <= 0`` on ``D``
then ``R(h_H) = 0`` there: such a term is *folded* into ``DL``.  Otherwise ``h_H`` takes both
signs on ``D``; as ``D`` is convex with nonempty interior, the open sets ``{h_H > 0}`` and
``{h_H < 0}`` both meet ``int D`` and the segment joining two such points crosses ``H`` inside
``int D``: ``H`` *crosses the interior*.  The argument of step 2 then runs inside the open set
``int D`` (``H0 \cap int D`` is a nonempty open piece of ``H0``, not covered by the other
hyperplanes), and ``f - g`` vanishes on ``D`` iff it vanishes on ``int D`` (continuity).  So
``f = g`` on ``D`` iff every crossing ``Dc_{jH}`` and every folded ``DL_j`` is zero.

Deciding the side of ``h`` is exact: on a box by interval arithmetic (min and max of ``h`` at
vertices); on a polytope ``{A x <= b}`` by z3 (exact rational linear arithmetic): ``h``
crosses iff both ``{A x < b, h < 0}`` and ``{A x < b, h > 0}`` are satisfiable (``{A x < b}``
is the interior once the zero rows are dropped).  A box with some ``lower_i = upper_i`` is
first restricted to its free coordinates; an empty polytope is equivalent trivially; a
nonempty polytope without interior is refused (:class:`NotApplicable`).

**4. Counterexamples, by construction.**  If some crossing ``Dc_{jH0} != 0``: take interior
points ``q-``, ``q+`` with ``h_0(q-) < 0 < h_0(q+)`` and ``x0`` where their segment meets
``H0``.  If ``x0`` lies on other relevant hyperplanes, move it inside ``H0`` along a direction
``u`` (from the moment curve ``sum_k t^k (e_k - a_{0,k} e_i)``) that no such hyperplane
contains, by a step that is not one of the finitely many crossing steps and keeps it interior:
``x1``.  With ``i`` the pivot of ``h_0`` (``a_{0,i} = 1``) and ``delta`` below the distance of
``x1`` to every other relevant hyperplane along ``e_i`` and to the boundary of ``D``,

    ``D(x1 + delta e_i) + D(x1 - delta e_i) - 2 D(x1) = Dc_{jH0} * delta != 0``,

because every other term is affine along that segment.  So one of the three points differs.
If only ``DL_j != 0``: an interior point ``p``, or ``p + delta e_k`` for a coordinate with a
nonzero coefficient of ``DL_j``.  Every candidate is evaluated exactly with the original
networks and returned through :func:`~exactnets.verify.query.replay`.  Should no candidate
differ (the argument says it cannot happen) the answer is *unknown*, never a guess.

Cost: ``O((|f| + |g|) n)`` rational operations to collect terms plus, on a polytope, at most
two z3 feasibility checks per distinct hyperplane (often none: points already found decide
many sides).  Width 64, ``n = 12`` on a box: milliseconds.

>>> from exactnets.network import Layer, Network
>>> from exactnets.verify.query import Mode
>>> f = Network(1, [Layer("relu", [[2]], [-2]), Layer("linear", [[1]], [0])])        # R(2x - 2)
>>> g = Network(1, [Layer("relu", [[-1], [1]], [1, 0]), Layer("linear", [[2, 2]], [-2])])  # 2R(1-x) + 2R(x) - 2
>>> decide(f, g, Reals(1), Mode("function")).verdict
'counterexample'
>>> decide(f, g, Box([0], [1]), Mode("function")).verdict    # on [0, 1] both are 0
'equivalent'
"""

from __future__ import annotations

import dataclasses
import time
import types
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from exactnets.domains import BooleanCube, Box, Polytope, Reals
from exactnets.errors import InternalError
from exactnets.evaluate import evaluate
from exactnets.network import Network, restrict
from exactnets.rational import format_rational
from exactnets.verify.query import (
    Deadline,
    EquivalenceResult,
    Mode,
    NotApplicable,
    check_shapes,
    parse_mode,
    replay,
    violates,
)

__all__ = ["decide", "canonical_form", "CanonicalForm", "METHOD"]

#: Short name of this method (``details["method"]`` of every result).
METHOD = "canonical"

_ZERO = Fraction(0)
_ONE = Fraction(1)

Affine = tuple[Fraction, ...]
"""An affine form ``(a_1, ..., a_n, b)`` meaning ``x -> a . x + b``."""


# -- canonical form -------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class CanonicalForm:
    """``f_j(x) = linear[j](x) + sum_H terms[H][j] * R(H(x))`` over distinct canonical ``H``.

    Each key ``H`` of ``terms`` is an affine form whose first nonzero weight is ``+1``; entries
    whose coefficients are all zero are dropped.  Two networks compute the same function on
    ``R^n`` iff their canonical forms are equal (module docstring, step 2).
    """

    input_dim: int
    linear: tuple[Affine, ...]
    terms: Mapping[Affine, tuple[Fraction, ...]] = dataclasses.field(hash=False)

    def value(self, point: Sequence[Fraction]) -> tuple[Fraction, ...]:
        out = []
        for j, form in enumerate(self.linear):
            total = _ev(form, point)
            for h, coeffs in self.terms.items():
                if coeffs[j]:
                    t = _ev(h, point)
                    if t > 0:
                        total += coeffs[j] * t
            out.append(total)
        return tuple(out)


def _architecture_problem(net: Network) -> str | None:
    acts = net.activations
    if net.depth == 1:
        return None if acts[0] == "linear" else f"its only layer has activation {acts[0]!r}, not 'linear'"
    if net.depth != 2:
        return f"it has {net.hidden_layers} hidden layers; the canonical form covers exactly one"
    if acts[0] not in ("relu", "linear"):
        return f"its hidden layer has activation {acts[0]!r}; the canonical form covers relu (or linear)"
    if acts[1] != "linear":
        return f"its output layer has activation {acts[1]!r}; the canonical form needs a linear output"
    return None


def _accumulate(net: Network, sign: int, linear: list[list[Fraction]], terms: dict[Affine, list[Fraction]]) -> None:
    """Add ``sign * net`` to the accumulators, in canonical form (module docstring, step 1)."""
    n, p = net.input_dim, net.output_dim
    out = net.layers[-1]
    for j in range(p):
        linear[j][n] += sign * out.bias[j]
    if net.depth == 1:
        for j in range(p):
            row = linear[j]
            for i, w in enumerate(out.weights[j]):
                row[i] += sign * w
        return
    hidden = net.layers[0]
    for k in range(hidden.out_dim):
        column = [sign * out.weights[j][k] for j in range(p)]
        if not any(column):
            continue
        a, b = hidden.weights[k], hidden.bias[k]
        if hidden.activation == "linear":
            for j in range(p):
                if column[j]:
                    row = linear[j]
                    for i in range(n):
                        row[i] += column[j] * a[i]
                    row[n] += column[j] * b
            continue
        pivot = next((i for i in range(n) if a[i] != 0), None)
        if pivot is None:  # the constant R(b)
            if b > 0:
                for j in range(p):
                    linear[j][n] += column[j] * b
            continue
        piv = a[pivot]
        key = tuple(x / piv for x in a) + (b / piv,)
        lam = abs(piv)
        coeffs = [c * lam for c in column]
        acc = terms.get(key)
        if acc is None:
            terms[key] = acc = [_ZERO] * p
        for j in range(p):
            acc[j] += coeffs[j]
        if piv < 0:  # c R(-|p| h) = c|p| R(h) - c|p| h
            for j in range(p):
                if coeffs[j]:
                    row = linear[j]
                    for i in range(n + 1):
                        row[i] -= coeffs[j] * key[i]


def canonical_form(net: Network) -> CanonicalForm:
    """The canonical form of a 2-layer ReLU net with a linear output (module docstring, step 1).

    >>> from exactnets.network import Layer, Network
    >>> net = Network(1, [Layer("relu", [[-2], [3]], [4, 0]), Layer("linear", [[1, 1]], [0])])
    >>> form = canonical_form(net)          # R(4 - 2x) + R(3x) = 2R(x - 2) - 2(x - 2) + 3R(x)
    >>> sorted((tuple(map(str, h)), tuple(map(str, c))) for h, c in form.terms.items())
    [(('1', '-2'), ('2',)), (('1', '0'), ('3',))]
    >>> [str(v) for v in form.linear[0]]
    ['-2', '4']
    """
    problem = _architecture_problem(net)
    if problem is not None:
        raise NotApplicable(f"canonical form: the network is not a 2-layer ReLU net with a linear output ({problem})")
    linear = [[_ZERO] * (net.input_dim + 1) for _ in range(net.output_dim)]
    terms: dict[Affine, list[Fraction]] = {}
    _accumulate(net, 1, linear, terms)
    kept = {h: tuple(c) for h, c in terms.items() if any(c)}
    return CanonicalForm(net.input_dim, tuple(tuple(row) for row in linear), types.MappingProxyType(kept))


# -- small exact helpers ----------------------------------------------------------------------------

def _ev(h: Sequence[Fraction], x: Sequence[Fraction]) -> Fraction:
    """``h(x)`` for an affine form ``h = (a, b)``."""
    total = h[-1]
    for a, v in zip(h, x):
        if a:
            total += a * v
    return total


def _dot(h: Sequence[Fraction], d: Sequence[Fraction]) -> Fraction:
    """``a . d`` (the linear part of ``h`` along a direction ``d``)."""
    total = _ZERO
    for a, v in zip(h, d):
        if a and v:
            total += a * v
    return total


def _pivot(h: Sequence[Fraction]) -> int:
    return next(i for i in range(len(h) - 1) if h[i] != 0)


def _fmt_affine(h: Sequence[Fraction]) -> str:
    n = len(h) - 1
    parts = [f"{format_rational(h[i])}*x{i + 1}" for i in range(n) if h[i]]
    if h[n] or not parts:
        parts.append(format_rational(h[n]))
    return " + ".join(parts).replace("+ -", "- ")


class _Undecided(Exception):
    """A solver call or the deadline ran out; the message is the reason."""


# -- domains: sides of hyperplanes, interior points, step limits ---------------------------------------

class _RealsRegion:
    label = "R^n"
    side_method = "every hyperplane crosses R^n"

    def __init__(self, n: int):
        self.n = n

    def side(self, h: Affine) -> str:
        return "cross"

    def witnesses(self, h: Affine) -> tuple[list[Fraction], list[Fraction]]:
        i = _pivot(h)
        x0 = [_ZERO] * self.n
        x0[i] = -h[-1]
        below, above = list(x0), list(x0)
        below[i] -= 1
        above[i] += 1
        return below, above

    def interior_point(self) -> list[Fraction]:
        return [_ZERO] * self.n

    def step_limit(self, x: Sequence[Fraction], d: Sequence[Fraction]) -> Fraction | None:
        return None


class _BoxRegion:
    """A box with ``lower_i < upper_i`` for every coordinate."""

    label = "the box"
    side_method = "exact interval arithmetic"

    def __init__(self, lower: Sequence[Fraction], upper: Sequence[Fraction]):
        self.lower, self.upper = list(lower), list(upper)
        self.center = [(a + b) / 2 for a, b in zip(lower, upper)]

    def _vertex(self, h: Affine, low: bool) -> list[Fraction]:
        """The vertex minimising (``low``) or maximising ``h``."""
        out = []
        for a, lo, hi, c in zip(h, self.lower, self.upper, self.center):
            if a == 0:
                out.append(c)
            else:
                out.append(lo if (a > 0) == low else hi)
        return out

    def side(self, h: Affine) -> str:
        low, high = _ev(h, self._vertex(h, True)), _ev(h, self._vertex(h, False))
        if low >= 0:
            return "pos"
        if high <= 0:
            return "neg"
        return "cross"

    def _toward(self, h: Affine, vertex: list[Fraction]) -> list[Fraction]:
        """An interior point on the segment from the center toward ``vertex`` with ``h`` of ``h(vertex)``'s sign."""
        hc, hv = _ev(h, self.center), _ev(h, vertex)
        if (hc > 0) == (hv > 0) and hc != 0:
            return list(self.center)
        theta = (1 + hc / (hc - hv)) / 2  # in (0, 1): (1 - theta) hc + theta hv has hv's sign
        return [c + theta * (v - c) for c, v in zip(self.center, vertex)]

    def witnesses(self, h: Affine) -> tuple[list[Fraction], list[Fraction]]:
        return self._toward(h, self._vertex(h, True)), self._toward(h, self._vertex(h, False))

    def interior_point(self) -> list[Fraction]:
        return list(self.center)

    def step_limit(self, x: Sequence[Fraction], d: Sequence[Fraction]) -> Fraction | None:
        best = None
        for v, di, lo, hi in zip(x, d, self.lower, self.upper):
            if di:
                room = min(v - lo, hi - v) / abs(di)
                best = room if best is None or room < best else best
        return best


class _PolytopeRegion:
    """``{A x <= b}`` with nonzero rows and nonempty interior ``{A x < b}``; sides by z3."""

    label = "the polytope"
    side_method = "exact z3 linear-arithmetic feasibility"

    def __init__(self, rows: list[tuple[tuple[Fraction, ...], Fraction]], solver: Any, xs: list[Any],
                 interior: list[Fraction], deadline: Deadline | None):
        self.rows, self.solver, self.xs, self.deadline = rows, solver, xs, deadline
        self.pool = [interior]  # interior points found so far; they decide many sides for free
        self.solver_calls = 0

    def _find(self, h: Affine, positive: bool) -> list[Fraction] | None:
        import z3

        expr = _z3_affine(h, self.xs)
        self.solver.push()
        try:
            self.solver.add(expr > 0 if positive else expr < 0)
            _set_timeout(self.solver, self.deadline)
            self.solver_calls += 1
            result = self.solver.check()
            if result == z3.unknown:
                raise _Undecided(f"z3 gave up deciding a side of {_fmt_affine(h)} ({self.solver.reason_unknown()})")
            if result == z3.unsat:
                return None
            model = self.solver.model()
            point = [model.eval(x, model_completion=True).as_fraction() for x in self.xs]
        finally:
            self.solver.pop()
        if not all(_ev(a + (-b,), point) < 0 for a, b in self.rows) or (_ev(h, point) > 0) != positive:
            raise InternalError("z3 returned a point that does not satisfy its constraints")
        self.pool.append(point)
        return point

    def _signed(self, h: Affine, positive: bool) -> list[Fraction] | None:
        for point in self.pool:
            v = _ev(h, point)
            if (v > 0 if positive else v < 0):
                return point
        return self._find(h, positive)

    def side(self, h: Affine) -> str:
        has_neg = self._signed(h, False) is not None
        has_pos = self._signed(h, True) is not None
        if has_neg and has_pos:
            return "cross"
        if has_pos:
            return "pos"
        if has_neg:
            return "neg"
        raise InternalError(f"{_fmt_affine(h)} vanishes on an open set although its linear part is nonzero")

    def witnesses(self, h: Affine) -> tuple[list[Fraction], list[Fraction]]:
        below, above = self._signed(h, False), self._signed(h, True)
        if below is None or above is None:
            raise InternalError("witnesses asked for a hyperplane that does not cross the polytope")
        return below, above

    def interior_point(self) -> list[Fraction]:
        return list(self.pool[0])

    def step_limit(self, x: Sequence[Fraction], d: Sequence[Fraction]) -> Fraction | None:
        best = None
        for a, b in self.rows:
            rate = abs(_dot(a + (_ZERO,), d))
            if rate:
                room = (b - _dot(a + (_ZERO,), x)) / rate
                best = room if best is None or room < best else best
        return best


def _z3_affine(h: Sequence[Fraction], xs: list[Any]) -> Any:
    import z3

    terms = [z3.RealVal(f"{c.numerator}/{c.denominator}") * x for c, x in zip(h, xs) if c]
    const = z3.RealVal(f"{h[-1].numerator}/{h[-1].denominator}")
    return z3.Sum(terms) + const if terms else const


def _set_timeout(solver: Any, deadline: Deadline | None) -> None:
    if deadline is None or deadline.end is None:
        return
    left = deadline.remaining()
    if not left:
        raise _Undecided("timeout")
    solver.set("timeout", max(1, int(left * 1000)))


def _polytope_region(domain: Polytope, deadline: Deadline | None) -> _PolytopeRegion | _RealsRegion | str:
    """The region for a polytope, or ``"empty"`` / ``"lower-dimensional"``."""
    import z3

    n = domain.dim
    rows = []
    for a, b in zip(domain.A, domain.b):
        if any(a):
            rows.append((tuple(a), b))
        elif b < 0:
            return "empty"  # 0 <= b fails
    if not rows:
        return _RealsRegion(n)
    xs = [z3.Real(f"x{i}") for i in range(n)]
    solver = z3.Solver()
    for a, b in rows:
        solver.add(_z3_affine(a + (-b,), xs) < 0)
    _set_timeout(solver, deadline)
    result = solver.check()
    if result == z3.unknown:
        raise _Undecided(f"z3 gave up on the interior of the polytope ({solver.reason_unknown()})")
    if result == z3.sat:
        model = solver.model()
        point = [model.eval(x, model_completion=True).as_fraction() for x in xs]
        if not all(_ev(a + (-b,), point) < 0 for a, b in rows):
            raise InternalError("z3 returned a point outside the open polytope")
        return _PolytopeRegion(rows, solver, xs, point, deadline)
    closed = z3.Solver()
    for a, b in rows:
        closed.add(_z3_affine(a + (-b,), xs) <= 0)
    _set_timeout(closed, deadline)
    result = closed.check()
    if result == z3.unknown:
        raise _Undecided(f"z3 gave up on the feasibility of the polytope ({closed.reason_unknown()})")
    return "empty" if result == z3.unsat else "lower-dimensional"


# -- counterexample construction (module docstring, step 4) ------------------------------------------

def _kink_candidates(region: Any, h0: Affine, others: list[Affine], n: int) -> list[list[Fraction]]:
    """Three points around a point of ``H0 \\cap int D`` whose second difference is ``Dc * delta``."""
    i = _pivot(h0)
    below, above = region.witnesses(h0)
    vb, va = _ev(h0, below), _ev(h0, above)
    if not vb < 0 < va:
        raise InternalError("witness points are not on both sides of the hyperplane")
    lam = vb / (vb - va)
    x = [p + lam * (q - p) for p, q in zip(below, above)]
    if _ev(h0, x) != 0:
        raise InternalError("the crossing point is not on the hyperplane")
    bad = [h for h in others if _ev(h, x) == 0]
    if bad:
        # a direction u inside H0 that no bad hyperplane contains (moment curve, module docstring)
        free = [k for k in range(n) if k != i]
        u = None
        for t in range(1, len(bad) * n + 2):
            trial = [_ZERO] * n
            power = Fraction(t)
            for k in free:
                trial[k] += power
                trial[i] -= power * h0[k]
                power *= t
            if all(_dot(h, trial) != 0 for h in bad):
                u = trial
                break
        if u is None:
            raise InternalError("no direction inside the hyperplane avoids the others")
        limit = region.step_limit(x, u)
        scale = limit if limit is not None else _ONE
        hits = {-_ev(h, x) / _dot(h, u) for h in others if _dot(h, u) != 0}
        eps = next(scale / q for q in range(2, len(others) + 4) if scale / q not in hits)
        x = [v + eps * d for v, d in zip(x, u)]
        if _ev(h0, x) != 0 or any(_ev(h, x) == 0 for h in others):
            raise InternalError("moving inside the hyperplane did not leave the others")
    e = [_ZERO] * n
    e[i] = _ONE
    bounds = []
    limit = region.step_limit(x, e)
    if limit is not None:
        bounds.append(limit)
    for h in others:
        if h[i]:
            bounds.append(abs(_ev(h, x)) / abs(h[i]))
    delta = min(bounds) / 2 if bounds else _ONE
    minus, plus = list(x), list(x)
    minus[i] -= delta
    plus[i] += delta
    return [x, plus, minus]


def _affine_candidates(region: Any, form: Sequence[Fraction], n: int) -> list[list[Fraction]]:
    """An interior point where the nonzero affine ``form`` does not vanish."""
    p = region.interior_point()
    if _ev(form, p) != 0:
        return [p]
    k = next((k for k in range(n) if form[k] != 0), None)
    if k is None:
        raise InternalError("a nonzero affine form vanishes at a point although it is constant")
    e = [_ZERO] * n
    e[k] = _ONE
    limit = region.step_limit(p, e)
    q = list(p)
    q[k] += limit / 2 if limit is not None else _ONE
    return [q, p]


# -- the decision procedure -----------------------------------------------------------------------------

def _result(verdict: str, method: str, start: float, **kwargs: Any) -> EquivalenceResult:
    details = {"method": METHOD, **kwargs.pop("details", {})}
    return EquivalenceResult(verdict, method, time.monotonic() - start, details=details, **kwargs)


def decide(f: Network, g: Network, domain: Any, mode: Mode | str, deadline: Deadline | None = None,
           progress: Callable[[int, int], None] | None = None) -> EquivalenceResult:
    """Decide exactly whether 2-layer ReLU nets ``f`` and ``g`` are equal on ``domain``.

    ``domain`` is :class:`~exactnets.domains.Reals`, :class:`~exactnets.domains.Box` or
    :class:`~exactnets.domains.Polytope`; ``mode`` must be ``function`` (or ``epsilon:0``, the
    same thing).  The answer is *equivalent* (by the canonical form; see the module docstring),
    *counterexample* (constructed, replayed) or *unknown* (deadline or solver gave up).
    ``progress(done, total)`` is called as hyperplanes are classified.

    Raises :class:`~exactnets.verify.query.NotApplicable` for other modes, other
    architectures, Boolean cubes and polytopes without interior.
    """
    start = time.monotonic()
    mode = parse_mode(mode)
    check_shapes(f, g, domain, mode)
    if not (mode.kind == "function" or (mode.kind == "epsilon" and mode.epsilon == 0)):
        raise NotApplicable(f"canonical form decides function-mode equivalence only (got mode {mode})")
    if isinstance(domain, BooleanCube):
        raise NotApplicable("canonical form works on R^n, boxes and polytopes; on a Boolean cube two nets can agree "
                            "without being equal on R^n, so use enumeration there")
    if not isinstance(domain, (Reals, Box, Polytope)):
        raise NotApplicable(f"canonical form: unsupported domain {domain!r}")
    for name, net in (("f", f), ("g", g)):
        problem = _architecture_problem(net)
        if problem is not None:
            raise NotApplicable(f"canonical form needs 2-layer ReLU nets with a linear output; {name} is not: {problem}")
    if deadline is not None and deadline.expired():
        return _result("unknown", METHOD, start, reason="timeout before the canonical form was computed")

    n = f.input_dim
    fixed: dict[int, Fraction] = {}
    if isinstance(domain, Box):
        fixed = {i: lo for i, (lo, hi) in enumerate(zip(domain.lower, domain.upper)) if lo == hi}
    if n == 0 or len(fixed) == n:  # a single point (or, for a 0-dimensional polytope, maybe none)
        point = tuple(fixed[i] for i in range(n))
        if not domain.contains(point):
            return _result("equivalent", "the domain is empty (its only candidate point () violates A x <= b)", start)
        if violates(mode, evaluate(f, point), evaluate(g, point)):
            cex = replay(f, g, domain, mode, point)
            return _result("counterexample", f"{METHOD}: the domain is a single point; exact evaluation differs",
                           start, counterexample=cex)
        return _result("equivalent", "the domain is a single point and exact evaluation agrees there", start)

    def lift(reduced: Sequence[Fraction]) -> tuple[Fraction, ...]:
        values = iter(reduced)
        return tuple(fixed[i] if i in fixed else next(values) for i in range(n))

    ff, gg = (restrict(f, fixed), restrict(g, fixed)) if fixed else (f, g)
    m = n - len(fixed)
    try:
        if isinstance(domain, Reals):
            region: Any = _RealsRegion(m)
        elif isinstance(domain, Box):
            free = [i for i in range(n) if i not in fixed]
            region = _BoxRegion([domain.lower[i] for i in free], [domain.upper[i] for i in free])
        else:
            region = _polytope_region(domain, deadline)
            if region == "empty":
                return _result("equivalent", "the polytope is empty (z3: A x <= b is unsatisfiable in exact rational "
                               "arithmetic), so f and g agree on all of its points", start)
            if region == "lower-dimensional":
                raise NotApplicable("canonical form needs a polytope with nonempty interior; A x < b is infeasible "
                                    "while A x <= b is not (the polytope is lower-dimensional)")
        return _decide_on_region(f, g, ff, gg, domain, mode, region, m, lift, deadline, progress, start, fixed)
    except _Undecided as stop:
        return _result("unknown", METHOD, start, reason=str(stop))


def _decide_on_region(f: Network, g: Network, ff: Network, gg: Network, domain: Any, mode: Mode, region: Any,
                      n: int, lift: Callable[[Sequence[Fraction]], tuple[Fraction, ...]],
                      deadline: Deadline | None, progress: Callable[[int, int], None] | None, start: float,
                      fixed: Mapping[int, Fraction]) -> EquivalenceResult:
    p = ff.output_dim
    linear = [[_ZERO] * (n + 1) for _ in range(p)]
    terms: dict[Affine, list[Fraction]] = {}
    _accumulate(ff, 1, linear, terms)
    _accumulate(gg, -1, linear, terms)
    distinct = len(terms)
    live = [(h, c) for h, c in terms.items() if any(c)]
    crossing: list[tuple[Affine, list[Fraction]]] = []
    folded = 0
    for index, (h, coeffs) in enumerate(live):
        if deadline is not None and deadline.expired():
            raise _Undecided(f"timeout after classifying {index} of {len(live)} hyperplanes")
        side = region.side(h)
        if side == "cross":
            crossing.append((h, coeffs))
        else:
            folded += 1
            if side == "pos":  # R(h) = h on D
                for j in range(p):
                    if coeffs[j]:
                        row = linear[j]
                        for i in range(n + 1):
                            row[i] += coeffs[j] * h[i]
        if progress is not None:
            progress(index + 1, len(live))
    details = {"hyperplanes": distinct, "differing": len(live), "crossing_differing": len(crossing),
               "folded": folded, "fixed_coordinates": len(fixed)}
    if isinstance(region, _PolytopeRegion):
        details["solver_calls"] = region.solver_calls
    where = region.label

    bad_term = next(((h, j) for h, c in crossing for j in range(p) if c[j]), None)
    bad_linear = next((j for j in range(p) if any(linear[j])), None)
    if bad_term is None and bad_linear is None:
        if isinstance(region, _RealsRegion):
            method = (f"canonical form of 2-layer ReLU nets: identical hyperplane coefficients ({distinct} distinct "
                      f"canonical hyperplanes, every ReLU coefficient and the affine part agree exactly)")
        else:
            method = (f"canonical form of 2-layer ReLU nets on {where}: identical coefficients on every hyperplane that "
                      f"crosses its interior; {folded} differing hyperplanes miss the interior ({region.side_method}) "
                      f"and fold into the affine part, which agrees exactly")
        return _result("equivalent", method, start, details=details)

    if bad_term is not None:
        h0, j = bad_term
        others = [h for h, c in crossing if c[j] and h != h0]
        candidates = _kink_candidates(region, h0, others, n)
        method = (f"canonical form of 2-layer ReLU nets: output {j} has ReLU coefficient "
                  f"{format_rational(terms[h0][j])} on hyperplane {_fmt_affine(h0)} = 0, which crosses {where}; "
                  f"counterexample constructed at its kink")
        details.update(output=j, hyperplane=[format_rational(v) for v in h0])
    else:
        j = bad_linear
        candidates = _affine_candidates(region, linear[j], n)
        method = (f"canonical form of 2-layer ReLU nets: every crossing ReLU coefficient agrees but the affine part of "
                  f"output {j} differs by {_fmt_affine(linear[j])}; counterexample at an interior point")
        details.update(output=j)
    for point in candidates:
        full = lift(point)
        if violates(mode, evaluate(f, full), evaluate(g, full)):
            cex = replay(f, g, domain, mode, full)
            return _result("counterexample", method, start, counterexample=cex, details=details)
    return _result("unknown", METHOD, start, details=details,
                   reason="the canonical forms differ but no constructed point showed the difference "
                          "(this contradicts the argument in exactnets.verify.canonical; please report it)")
