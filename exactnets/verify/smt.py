"""Equivalence of two networks by one direct z3 query in linear real arithmetic (QF_LRA).

The query "is there a point ``x`` of the domain where ``f`` and ``g`` break the mode?" is written
as one quantifier-free formula over z3 ``Real`` inputs ``x_1 .. x_n`` and handed to z3:

* ``unsat`` proves the networks equivalent on the domain;
* ``sat`` gives an exact rational model, which is replayed through the reference evaluator
  (:func:`~exactnets.verify.query.replay`) before it is returned as a counterexample;
* anything else (timeout, z3's own ``reason_unknown``) is an honest *unknown*.

Every constant enters z3 as an exact rational (``z3.RealVal("p/q")`` built from a
:class:`~fractions.Fraction`); no Python float ever reaches z3 (DESIGN.md, "Known traps": z3
reads a float as its decimal string).

Encoding
--------
Each network is unfolded layer by layer.  A unit's pre-activation ``t = <w, h> + b`` is kept in
Python as an exact *linear expression* over "atoms" (the inputs and the nonlinear units built so
far): a map atom -> :class:`~fractions.Fraction` coefficient plus a constant.  Activations are the
piecewise-linear terms of :mod:`exactnets.network` (sgn(0) = +1):

============  =========================================================
``relu``      ``If(t > 0, t, 0)``
``ltf``       ``If(t >= 0, 1, -1)``
``step``      ``If(t >= 0, 1, 0)``
``hardtanh``  ``If(t >= 1, 1, If(t <= -1, -1, t))``
``linear``    ``t`` (no term at all: the linear expression is passed on)
============  =========================================================

Before a unit becomes an ``If``-term it is simplified by exact identities (all of them hold at
every real point, ties included):

1. *constants*: a unit whose pre-activation has no variable part is evaluated exactly;
2. *stable units*: exact interval bounds over the domain's box hull (the cube's ``[-1,1]^n`` or
   ``[0,1]^n``, a box's bounds, a polytope's single-variable rows; none on ``R^n``) decide units
   that never change phase: ``relu(t) = t`` when ``t >= 0`` on the domain and ``0`` when
   ``t <= 0``; ``ltf``/``step`` are constant when the sign of ``t`` is fixed; ``hardtanh`` is
   ``t``, ``1`` or ``-1`` when ``t`` stays in ``[-1,1]``, ``>= 1`` or ``<= -1``;
3. *positive scaling*: with ``lam = |leading coefficient of t| > 0`` and ``u = t / lam``,
   ``relu(t) = lam relu(u)``, ``ltf(t) = ltf(u)``, ``step(t) = step(u)`` (the sign of ``t`` is
   the sign of ``u``, zero included);
4. *reflection* (relu only): ``relu(-u) = relu(u) - u``, so ``relu(t) = lam relu(u) + t`` when
   the leading coefficient of ``t`` is negative (``t = -lam u``).

After 3 and 4 each distinct hyperplane gives one atom whatever its scale or orientation; atoms
are memoised and shared by ``f`` and ``g``, so two networks that differ by a permutation of units,
a split ``c R(t) = c/2 R(t) + c/2 R(t)``, a rescaling ``c R(t) = (c/lam) R(lam t)`` or the rewrite
``R(t) - R(-t) = t`` give literally the same linear expression, and their difference vanishes
before z3 is called (z3 then gets ``False`` and answers ``unsat`` at once).  With the module
attribute :data:`SIMPLIFY` set to ``False`` only constants are folded and every other unit is its
own ``If``-term (the "raw" encoding; the tests run z3 on it too).

Each atom is one ``If``-term built once (a shared DAG node); there are no auxiliary variables,
and the solver is the plain ``z3.Solver()``.  Measured with z3 5.4.1 on 2-layer ReLU pairs of
width 16-32 (``n`` = 2..5; random rational weights; equivalent rewrites by permutation, splitting
and rescaling, perturbed non-equivalent ones, and "``|f - g| <= eps``" pairs with a sound ``eps``;
on ``R^n``, ``[-1,1]^n`` and the cube), total seconds over 18 instances, 15 s cap each:

======================================================  ===========  ==========
encoding (raw, simplifications off)                     ``Solver``   ``QF_LRA``
======================================================  ===========  ==========
``If``-terms, shared                                     52.4         52.5
fresh ``Real`` per unit, ``h == If(...)``               87.5 (2 t/o)  -
fresh ``Real``, ``(t>0 and h=t) or (t<=0 and h=0)``      47.6         -
======================================================  ===========  ==========

``If``-terms and the disjunctive encoding are within noise of each other (each wins about half
the instances by up to 3x); equality-defined auxiliaries are clearly slower; ``SolverFor("QF_LRA")``
is no faster than ``Solver()``.  ``If``-terms win on simplicity: :func:`network_terms` returns
plain terms with no side constraints.  The exact simplifications dwarf all of this: with them the
same 18 instances take 2.6 s (the rewrites become syntactic identities), and a permuted pair of
width 60 on ``R^10`` is proved in about 0.1 s where the raw encoding times out.

The violation formula (``violates`` of :mod:`exactnets.verify.query`, output by output):

``function``  ``Or_j (f_j - g_j != 0)``
``decision``  ``Or_j Xor(f_j >= 0, g_j >= 0)``
``epsilon``   ``Or_j (f_j - g_j > eps  or  g_j - f_j > eps)``
``argmax``    ``Or_j (A_j(f) and not A_j(g))`` with ``A_j(v) = And_{i<j} v_j > v_i  and
              And_{i>j} v_j >= v_i``: "``j`` is the lowest index of a maximum".  Exactly one
              ``A_j`` holds for each network, so the disjunction says the argmaxes differ.

Domains: ``{-1,1}^n``: ``x_i = -1 or x_i = 1``; ``{0,1}^n``: ``x_i = 0 or x_i = 1``; a box:
``lower_i <= x_i <= upper_i``; a polytope: ``A x <= b``; ``R^n``: nothing.

Interruption: during ``check`` z3 installs its own SIGINT handler, stops, and returns
``unknown`` with reason ``"interrupted from keyboard"``; :func:`decide` turns that back into a
:class:`KeyboardInterrupt` (measured with z3 5.4.1: ``check`` returns within a few milliseconds
of the signal, and Python's own handler is back in place afterwards).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import z3

from exactnets.domains import BooleanCube, Box, Domain, Polytope, Reals
from exactnets.errors import InputError, InternalError
from exactnets.network import Network, activation_function
from exactnets.verify.query import Deadline, EquivalenceResult, Mode, check_shapes, replay

__all__ = ["decide", "encode", "network_terms", "rational_value", "rational_of", "Encoder", "input_bounds",
           "domain_constraints", "linear_combination", "SIMPLIFY", "METHOD"]

#: Apply the exact simplifications 2-4 of the module docstring (stable units, scaling, reflection).
SIMPLIFY = True

#: The method name of a result.
METHOD = "z3"

_ZERO = Fraction(0)
_ONE = Fraction(1)

# z3's reason_unknown after a Ctrl-C it caught (z3 >= 4.8; "canceled" when interrupted by a thread).
_KEYBOARD_REASONS = ("interrupted from keyboard",)


def rational_value(q: Fraction | int, ctx: z3.Context | None = None) -> z3.RatNumRef:
    """The exact z3 real ``p/q`` for a rational (never through a float)."""
    if isinstance(q, float) or isinstance(q, bool):
        raise InternalError(f"a {type(q).__name__} must never reach z3 (got {q!r})")
    q = Fraction(q)
    text = str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
    return z3.RealVal(text, ctx)


def rational_of(value: z3.ExprRef) -> Fraction:
    """The exact :class:`~fractions.Fraction` of a z3 rational numeral."""
    if not z3.is_rational_value(value):
        raise InternalError(f"z3 returned a non-rational model value {value} in linear real arithmetic")
    return Fraction(value.numerator_as_long(), value.denominator_as_long())


# -- linear expressions over atoms ------------------------------------------------------------------

# A linear expression is (coefficients, constant): coefficients is a tuple of (atom index,
# nonzero Fraction) pairs sorted by atom index, which makes it a canonical, hashable key.
LinExpr = tuple[tuple[tuple[int, Fraction], ...], Fraction]


def _lin_constant(c: Fraction) -> LinExpr:
    return ((), c)


def linear_combination(parts: Sequence[tuple[Fraction, LinExpr]], constant: Fraction) -> LinExpr:
    """``sum_k w_k e_k + constant``, exactly, zero coefficients dropped."""
    coefficients: dict[int, Fraction] = {}
    get = coefficients.get
    for w, (terms, c) in parts:
        if not w:
            continue
        if c:
            constant += w * c
        if w == 1:
            for atom, a in terms:
                coefficients[atom] = get(atom, _ZERO) + a
        else:
            for atom, a in terms:
                coefficients[atom] = get(atom, _ZERO) + w * a
    return tuple(sorted(item for item in coefficients.items() if item[1])), constant


def _lin_scale(e: LinExpr, w: Fraction) -> LinExpr:
    if w == 0:
        return ((), _ZERO)
    return tuple((k, w * a) for k, a in e[0]), w * e[1]


def _lin_sub(a: LinExpr, b: LinExpr) -> LinExpr:
    return linear_combination([(_ONE, a), (-_ONE, b)], _ZERO)


class Encoder:
    """Builds shared z3 terms for the units of one or more networks over the same inputs.

    ``bounds`` gives, per input, exact ``(lower, upper)`` bounds (``None`` for unbounded) used only
    to recognise stable units.
    """

    def __init__(self, inputs: Sequence[z3.ArithRef], bounds: Sequence[tuple[Fraction | None, Fraction | None]] | None,
                 simplify: bool, ctx: z3.Context | None = None):
        self.ctx = ctx if ctx is not None else inputs[0].ctx if inputs else z3.main_ctx()
        self.simplify = simplify
        self.atom_terms: list[z3.ArithRef] = list(inputs)
        self.atom_bounds: list[tuple[Fraction | None, Fraction | None]] = (
            list(bounds) if bounds is not None else [(None, None)] * len(inputs))
        self.atom_index: dict[tuple[str, LinExpr], int] = {}
        self.term_cache: dict[LinExpr, z3.ArithRef] = {}
        self.zero = rational_value(_ZERO, self.ctx)
        self.one = rational_value(_ONE, self.ctx)
        self.minus_one = rational_value(-_ONE, self.ctx)

    # exact interval bounds of a linear expression
    def bounds(self, e: LinExpr) -> tuple[Fraction | None, Fraction | None]:
        terms, c = e
        low: Fraction | None = c
        high: Fraction | None = c
        for atom, a in terms:
            lo, hi = self.atom_bounds[atom]
            if a < 0:
                lo, hi = hi, lo
            low = None if low is None or lo is None else low + a * lo
            high = None if high is None or hi is None else high + a * hi
        return low, high

    def term(self, e: LinExpr) -> z3.ArithRef:
        """The z3 term of a linear expression (built once per distinct expression)."""
        cached = self.term_cache.get(e)
        if cached is not None:
            return cached
        terms, c = e
        ctx = self.ctx
        parts = []
        for atom, a in terms:
            t = self.atom_terms[atom]
            if a == 1:
                parts.append(t)
            else:  # Z3_mk_mul / Z3_mk_add directly: z3.Sum's coercions cost more than the solver here
                pair = (z3.Ast * 2)(rational_value(a, ctx).as_ast(), t.as_ast())
                parts.append(z3.ArithRef(z3.Z3_mk_mul(ctx.ref(), 2, pair), ctx))
        if c != 0 or not parts:
            parts.append(rational_value(c, ctx))
        if len(parts) == 1:
            result = parts[0]
        else:
            array = (z3.Ast * len(parts))(*(p.as_ast() for p in parts))
            result = z3.ArithRef(z3.Z3_mk_add(ctx.ref(), len(parts), array), ctx)
        self.term_cache[e] = result
        return result

    def _atom(self, activation: str, u: LinExpr) -> LinExpr:
        """The atom ``activation(u)`` as a linear expression ``1 * atom`` (memoised)."""
        key = (activation, u)
        index = self.atom_index.get(key)
        if index is None:
            t = self.term(u)
            if activation == "relu":
                node = z3.If(t > 0, t, self.zero)
                lo, hi = self.bounds(u)
                b = (_ZERO if lo is None else max(_ZERO, lo), None if hi is None else max(_ZERO, hi))
            elif activation == "ltf":
                node, b = z3.If(t >= 0, self.one, self.minus_one), (-_ONE, _ONE)
            elif activation == "step":
                node, b = z3.If(t >= 0, self.one, self.zero), (_ZERO, _ONE)
            elif activation == "hardtanh":
                node = z3.If(t >= 1, self.one, z3.If(t <= -1, self.minus_one, t))
                lo, hi = self.bounds(u)
                b = (-_ONE if lo is None else min(_ONE, max(-_ONE, lo)), _ONE if hi is None else max(-_ONE, min(_ONE, hi)))
            else:  # pragma: no cover - guarded by Layer
                raise InternalError(f"no atom for activation {activation!r}")
            index = len(self.atom_terms)
            self.atom_terms.append(node)
            self.atom_bounds.append(b)
            self.atom_index[key] = index
        return (((index, _ONE),), _ZERO)

    def activate(self, activation: str, t: LinExpr) -> LinExpr:
        """``activation(t)`` as a linear expression over atoms, by the identities of the docstring."""
        if activation == "linear":
            return t
        terms, c = t
        if not terms:  # 1. a constant
            return _lin_constant(activation_function(activation)(c))
        if not self.simplify:
            return self._atom(activation, t)
        lo, hi = self.bounds(t)  # 2. stable units
        if activation == "relu":
            if lo is not None and lo >= 0:
                return t
            if hi is not None and hi <= 0:
                return _lin_constant(_ZERO)
        elif activation in ("ltf", "step"):
            if lo is not None and lo >= 0:
                return _lin_constant(_ONE)
            if hi is not None and hi < 0:
                return _lin_constant(-_ONE if activation == "ltf" else _ZERO)
        elif activation == "hardtanh":
            if lo is not None and lo >= 1:
                return _lin_constant(_ONE)
            if hi is not None and hi <= -1:
                return _lin_constant(-_ONE)
            if lo is not None and hi is not None and lo >= -1 and hi <= 1:
                return t
            return self._atom(activation, t)
        lead = terms[0][1]  # 3. positive scaling, 4. reflection
        lam = abs(lead)
        u = _lin_scale(t, 1 / lam)
        if activation in ("ltf", "step"):
            return self._atom(activation, u)
        if lead > 0:  # relu(t) = lam relu(u)
            return _lin_scale(self._atom("relu", u), lam)
        # t = -lam v with v = -u leading +1:  relu(t) = lam relu(-v) = lam (relu(v) - v) = lam relu(v) + t
        v = _lin_scale(u, -_ONE)
        return linear_combination([(lam, self._atom("relu", v)), (_ONE, t)], _ZERO)

    def outputs(self, net: Network) -> list[LinExpr]:
        """The outputs of ``net`` as linear expressions over atoms (the first atoms are the inputs)."""
        values: list[LinExpr] = [(((j, _ONE),), _ZERO) for j in range(net.input_dim)]
        for layer in net.layers:
            values = [self.activate(layer.activation, linear_combination(list(zip(row, values)), b))
                      for row, b in zip(layer.weights, layer.bias)]
        return values

    # comparisons of linear expressions, folded to Python booleans when constant
    def compare(self, e: LinExpr, op: str) -> z3.BoolRef:
        """``e > 0``, ``e >= 0`` or ``e != 0`` as a z3 Boolean (a constant when ``e`` is one)."""
        terms, c = e
        if not terms:
            value = c > 0 if op == ">" else c >= 0 if op == ">=" else c != 0
            return z3.BoolVal(value, self.ctx)
        t = self.term(e)
        if op == ">":
            return t > 0
        if op == ">=":
            return t >= 0
        return t != 0


# -- the formula ---------------------------------------------------------------------------------------

def input_bounds(domain: Domain) -> list[tuple[Fraction | None, Fraction | None]]:
    """Exact box hull bounds of the domain (``None`` where unbounded or not cheaply known)."""
    n = domain.dim
    if isinstance(domain, BooleanCube):
        low = -_ONE if domain.kind == "pm1" else _ZERO
        return [(low, _ONE)] * n
    if isinstance(domain, Box):
        return list(zip(domain.lower, domain.upper))
    bounds: list[tuple[Fraction | None, Fraction | None]] = [(None, None)] * n
    if isinstance(domain, Polytope):
        for row, b in zip(domain.A, domain.b):
            nonzero = [j for j, a in enumerate(row) if a != 0]
            if len(nonzero) != 1:
                continue
            j = nonzero[0]
            limit = b / row[j]
            lo, hi = bounds[j]
            if row[j] > 0:  # x_j <= limit
                bounds[j] = (lo, limit if hi is None else min(hi, limit))
            else:  # x_j >= limit
                bounds[j] = (limit if lo is None else max(lo, limit), hi)
    return bounds


def domain_constraints(domain: Domain, xs: Sequence[z3.ArithRef], ctx: z3.Context) -> list[z3.BoolRef]:
    """The domain as z3 constraints on the inputs."""
    if isinstance(domain, BooleanCube):
        low = -1 if domain.kind == "pm1" else 0
        return [z3.Or(x == low, x == 1) for x in xs]
    if isinstance(domain, Box):
        out = []
        for x, a, b in zip(xs, domain.lower, domain.upper):
            out += [x >= rational_value(a, ctx), x <= rational_value(b, ctx)]
        return out
    if isinstance(domain, Polytope):
        out = []
        for row, b in zip(domain.A, domain.b):
            parts = [rational_value(a, ctx) * x for a, x in zip(row, xs) if a != 0]
            lhs = z3.Sum(parts) if len(parts) > 1 else parts[0] if parts else rational_value(_ZERO, ctx)
            out.append(lhs <= rational_value(b, ctx))
        return out
    if isinstance(domain, Reals):
        return []
    raise InputError(f"unknown domain {domain!r}")


def _argmax_is(enc: Encoder, values: Sequence[LinExpr], j: int) -> z3.BoolRef:
    """``A_j``: ``j`` is the lowest index of a maximum of ``values``."""
    conditions = [enc.compare(_lin_sub(values[j], values[i]), ">" if i < j else ">=")
                  for i in range(len(values)) if i != j]
    return z3.And(conditions) if conditions else z3.BoolVal(True, enc.ctx)


def _violation(enc: Encoder, mode: Mode, fs: Sequence[LinExpr], gs: Sequence[LinExpr]) -> z3.BoolRef:
    """The formula that holds exactly where ``violates(mode, f(x), g(x))`` does."""
    ctx = enc.ctx
    if mode.kind == "function":
        return z3.Or([enc.compare(_lin_sub(a, b), "!=") for a, b in zip(fs, gs)] or [z3.BoolVal(False, ctx)])
    if mode.kind == "decision":
        return z3.Or([z3.Xor(enc.compare(a, ">="), enc.compare(b, ">=")) for a, b in zip(fs, gs)]
                     or [z3.BoolVal(False, ctx)])
    if mode.kind == "epsilon":
        eps = mode.epsilon
        out = []
        for a, b in zip(fs, gs):
            d = _lin_sub(a, b)
            out.append(enc.compare(linear_combination([(_ONE, d)], -eps), ">"))   # f - g > eps
            out.append(enc.compare(linear_combination([(-_ONE, d)], -eps), ">"))  # g - f > eps
        return z3.Or(out or [z3.BoolVal(False, ctx)])
    if mode.kind == "argmax":
        return z3.Or([z3.And(_argmax_is(enc, fs, j), z3.Not(_argmax_is(enc, gs, j))) for j in range(len(fs))]
                     or [z3.BoolVal(False, ctx)])
    raise InputError(f"unknown mode {mode!r}")  # pragma: no cover - Mode validates


def network_terms(net: Network, inputs: Sequence[z3.ArithRef]) -> list[z3.ArithRef]:
    """z3 terms for the outputs of ``net`` at the z3 real terms ``inputs`` (no side constraints).

    The terms are built as described in the module docstring (shared ``If``-terms, exact
    constants); nothing is assumed about the inputs, so no stable-unit simplification applies,
    but positive scaling and reflection do when :data:`SIMPLIFY` is set.
    """
    if len(inputs) != net.input_dim:
        raise InputError(f"the network reads {net.input_dim} inputs but {len(inputs)} terms were given")
    enc = Encoder(list(inputs), None, SIMPLIFY)
    return [enc.term(e) for e in enc.outputs(net)]


def encode(f: Network, g: Network, domain: Domain, mode: Mode) -> tuple[z3.Solver, list[z3.ArithRef]]:
    """A z3 solver holding "``x`` in the domain and ``f``, ``g`` break ``mode`` at ``x``", and ``x``.

    The solver is satisfiable exactly at the counterexamples (its ``x`` part); ``unsat`` proves
    equivalence.  The input variables are ``Real('x_1') .. Real('x_n')`` in a fresh z3 context
    of their own (``solver.ctx``): build further terms in that context.
    """
    check_shapes(f, g, domain, mode)
    solver, xs, _ = _encode(f, g, domain, mode, SIMPLIFY)
    return solver, xs


def _encode(f: Network, g: Network, domain: Domain, mode: Mode, simplify: bool):
    ctx = z3.Context()  # a fresh context: queries never share state (and may run in threads)
    xs = [z3.Real(f"x_{i + 1}", ctx) for i in range(f.input_dim)]
    enc = Encoder(xs, input_bounds(domain) if simplify else None, simplify, ctx)
    fs = enc.outputs(f)
    gs = enc.outputs(g)
    solver = z3.Solver(ctx=ctx)
    solver.add(domain_constraints(domain, xs, ctx))
    solver.add(_violation(enc, mode, fs, gs))
    stats = {"atoms": len(enc.atom_terms) - len(xs)}
    return solver, xs, stats


def _default_coordinate(domain: Domain, j: int) -> Fraction:
    """A value for an input the model leaves free, inside the domain's range for that input."""
    if isinstance(domain, BooleanCube):
        return -_ONE if domain.kind == "pm1" else _ZERO
    if isinstance(domain, Box):
        return domain.lower[j]
    return _ZERO


def _model_point(solver: z3.Solver, xs: Sequence[z3.ArithRef], domain: Domain) -> list[Fraction]:
    model = solver.model()
    point = []
    for j, x in enumerate(xs):
        value = model[x]
        if value is None:
            value = model.eval(x, model_completion=True) if isinstance(domain, Polytope) else None
        point.append(_default_coordinate(domain, j) if value is None else rational_of(value))
    return point


def decide(f: Network, g: Network, domain: Domain, mode: Mode, deadline: Deadline,
           progress: Callable[[int, int], None] | None = None) -> EquivalenceResult:
    """Decide equivalence of ``f`` and ``g`` on ``domain`` in ``mode`` with one z3 query.

    Parameters
    ----------
    f, g:
        Networks with the same input and output sizes (any depth, any activations).
    domain:
        A :class:`~exactnets.domains.BooleanCube`, :class:`~exactnets.domains.Box`,
        :class:`~exactnets.domains.Reals` or :class:`~exactnets.domains.Polytope`.
    mode:
        The sense of equivalence (:class:`~exactnets.verify.query.Mode`).
    deadline:
        The wall-clock budget; z3's timeout is what is left of it when solving starts.
    progress:
        Called as ``progress(0, 1)`` before solving and ``progress(1, 1)`` after.

    Returns
    -------
    EquivalenceResult
        ``equivalent`` (z3 proved the violation formula unsat), ``counterexample`` (z3's exact
        model, replayed) or ``unknown`` (timeout or z3's ``reason_unknown``).  ``seconds`` is the
        wall time of the whole call (encoding + solving); ``details`` holds ``encode_seconds``,
        ``solve_seconds`` and the number of ``If``-atoms.

    Raises
    ------
    KeyboardInterrupt
        When the user interrupts z3 (z3 catches the signal and reports it as ``unknown``).
    exactnets.errors.InternalError
        If z3's model does not replay (a bug in z3 or in this encoding, never a verdict).

    Examples
    --------
    ``R(2x + 1/3) - R(-2x - 1/3) = 2x + 1/3`` everywhere; ``R(t) + R(-t) = |t|`` is not ``t``:

    >>> from exactnets.domains import Reals
    >>> from exactnets.network import Layer, Network
    >>> t = Network(1, [Layer("linear", [[2]], ["1/3"])])
    >>> hidden = Layer("relu", [[2], [-2]], ["1/3", "-1/3"])
    >>> difference = Network(1, [hidden, Layer("linear", [[1, -1]], [0])])
    >>> decide(t, difference, Reals(1), Mode("function"), Deadline(10)).verdict
    'equivalent'
    >>> total = Network(1, [hidden, Layer("linear", [[1, 1]], [0])])
    >>> result = decide(t, total, Reals(1), Mode("function"), Deadline(10))
    >>> result.verdict, result.counterexample.x[0] < Fraction(-1, 6)
    ('counterexample', True)
    """
    return _decide(f, g, domain, mode, deadline, progress, SIMPLIFY)


def _decide(f: Network, g: Network, domain: Domain, mode: Mode, deadline: Deadline,
            progress: Callable[[int, int], None] | None, simplify: bool) -> EquivalenceResult:
    check_shapes(f, g, domain, mode)
    start = time.monotonic()
    if deadline.expired():
        return EquivalenceResult("unknown", METHOD, reason=f"z3 timeout after {deadline.seconds:g} s "
                                 "(the deadline had passed before encoding)")
    solver, xs, stats = _encode(f, g, domain, mode, simplify)
    encoded = time.monotonic()
    details: dict[str, Any] = dict(stats, encode_seconds=encoded - start)
    remaining = deadline.remaining()
    if remaining is not None:
        if remaining <= 0:
            return EquivalenceResult("unknown", METHOD, seconds=encoded - start, details=dict(details, solve_seconds=0.0),
                                     reason=f"z3 timeout after {deadline.seconds:g} s (the deadline passed before z3 started)")
        solver.set("timeout", max(1, math.ceil(remaining * 1000)))
    if progress is not None:
        progress(0, 1)
    outcome = solver.check()
    solved = time.monotonic()
    if progress is not None:
        progress(1, 1)
    details["solve_seconds"] = solved - encoded
    seconds = solved - start
    if outcome == z3.unsat:
        return EquivalenceResult("equivalent", f"{METHOD} (QF_LRA unsat)", seconds=seconds, details=details)
    if outcome == z3.sat:
        point = _model_point(solver, xs, domain)
        counterexample = replay(f, g, domain, mode, point)  # InternalError if z3 or the encoding is wrong
        return EquivalenceResult("counterexample", f"{METHOD} (QF_LRA sat, model replayed)", seconds=seconds,
                                 counterexample=counterexample, details=details)
    why = solver.reason_unknown()
    if why in _KEYBOARD_REASONS:
        raise KeyboardInterrupt
    if remaining is not None and (why in ("timeout", "canceled") or deadline.expired()):
        reason = f"z3 timeout after {remaining:.3g} s"
    else:
        reason = f"z3 returned unknown: {why}"
    return EquivalenceResult("unknown", METHOD, seconds=seconds, reason=reason, details=details)
