"""Answer a VNN-LIB property about a network exactly: ``sat`` with a replayed witness, ``unsat``, or unknown.

A VNN-COMP property describes the unsafe set: it is **sat** when some input ``x`` in a case's box
has outputs ``y = net(x)`` meeting all of the case's constraints, and **unsat** (the network is
safe) when no case can be met.  :func:`verify_property` decides each case in four steps, under
one deadline:

1. *bounds* (proves cases unsat): each output constraint ``b . y + k >= 0`` is appended to the
   network as one more linear row and its upper bound over the box is computed by the
   back-substituted linear relaxation of :func:`exactnets.verify.bounds.symbolic_bounds` (float64
   with a proven error bound, returned as exact rationals that bound the exact values).  A
   constraint whose upper bound is below 0 (``<= 0`` for ``> 0``) cannot hold: the case is empty.
2. *search* (finds sat witnesses): float64 forward passes on random points of the box, refined
   around the best ones, *propose* candidates; each is turned into an exact rational point
   (clamped into the box) and checked by the exact evaluator
   :func:`exactnets.evaluate.evaluate`.  Only an exactly checked point counts.
3. *regions* (decides most cases): a case whose constraints are all on the outputs and all
   non-strict (or all strict) is one decision-equivalence query for the region search of
   :mod:`exactnets.verify.regions`.  The constraints become one more output
   ``h = min_i (b_i . y + k_i)``, built exactly from ReLUs (``min(a, b) = a - relu(a - b)``);
   "``h >= 0`` somewhere on the box" is "``h`` and the constant ``-1`` take different decisions
   somewhere" (sgn(0) = +1), and for strict constraints ``-h`` is compared with ``+1``.  The
   search's counterexample is the witness; its proof of equivalence proves the case empty.
4. *z3* (decides the rest): the network is encoded with the shared-``If``-term encoder of
   :mod:`exactnets.verify.smt` (its exact simplifications and the box's stable units included),
   the box and the case's constraints are added over the same exact linear expressions, and z3
   answers in linear real arithmetic.  ``unsat`` proves the case empty; a ``sat`` model is replayed
   through the exact evaluator and the property before it is reported.

Measured on the two ACAS Xu networks of ``/work/shared/networks/acasxu`` (a box of half-width 0.01,
five single-case properties each; 2 cores shared with other jobs): the region search decided all
ten in 0.2-0.5 s each; z3 decided the five on network 1_3 in 0.8-1.8 s and timed out after 60 s
on all five of network 3_3.  Hence the order.

The answer is ``sat`` as soon as one case has a witness, ``unsat`` when every case is proved
empty, otherwise ``timeout`` (the deadline passed) or ``unknown`` (the solvers gave up for another reason).
The witness is exact; :attr:`PropertyResult.verdict` maps the answer onto exactnets' verdicts:
``unsat`` -> *proved* (the network is safe), ``sat`` -> *refuted* (with the witness).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.domains import Box
from exactnets.errors import InputError, InternalError
from exactnets.evaluate import evaluate
from exactnets.io.vnnlib import LinearConstraint, PropertyCase, VnnlibProperty
from exactnets.network import Layer, Network
from exactnets.rational import format_rational
from exactnets.verify.query import Deadline
from exactnets.verify.verdict import Verdict, proved, refuted, unknown

__all__ = ["verify_property", "PropertyResult", "VNNCOMP_WORDS"]

#: Exit code of ``exactnets verify`` for each answer (the same convention as every command).
_EXIT = {"unsat": 0, "sat": 1, "unknown": 3, "timeout": 3}
#: The answers, in the words of VNN-COMP result files.
VNNCOMP_WORDS = ("sat", "unsat", "unknown", "timeout")


@dataclasses.dataclass(frozen=True)
class PropertyResult:
    """The answer to a property, with its evidence.

    ``status`` is ``sat`` (``witness`` is an input in case ``case``'s box whose exact outputs
    ``outputs`` meet all of that case's constraints, replayed), ``unsat`` (``method`` says how the
    cases were ruled out), ``timeout`` or ``unknown`` (``reason`` says why).
    """

    status: str
    method: str = ""
    seconds: float = 0.0
    witness: tuple[Fraction, ...] | None = None
    outputs: tuple[Fraction, ...] | None = None
    case: int | None = None
    reason: str = ""
    details: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def exit_code(self) -> int:
        return _EXIT[self.status]

    @property
    def verdict(self) -> Verdict:
        """``unsat`` -> proved (safe), ``sat`` -> refuted at the witness, else unknown."""
        if self.status == "unsat":
            return proved(self.method, **self.details)
        if self.status == "sat":
            return refuted(self.witness or (), reason=f"the outputs meet the property (case {self.case})",
                           outputs=[format_rational(v) for v in self.outputs or ()])
        return unknown(self.reason or self.status)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"result": self.status, "method": self.method, "seconds": round(self.seconds, 6)}
        if self.witness is not None:
            out["witness"] = {"x": [format_rational(v) for v in self.witness],
                              "y": [format_rational(v) for v in self.outputs or ()], "case": self.case}
        if self.reason:
            out["reason"] = self.reason
        if self.details:
            out["details"] = dict(self.details)
        return out

    def summary(self) -> str:
        if self.status == "sat":
            xs = ", ".join(format_rational(v) for v in self.witness or ())
            ys = ", ".join(format_rational(v) for v in self.outputs or ())
            return f"sat: counterexample (replayed exactly) x = ({xs}) gives y = ({ys}); case {self.case}; {self.method}"
        if self.status == "unsat":
            return f"unsat: proved, no input in the box meets the property ({self.method})"
        return f"{self.status}: {self.reason}"

    def vnncomp(self) -> str:
        """The competition's result text: the word, then for ``sat`` the assignment ``((X_0 v) ... (Y_0 v))``.

        Values are exact: a finite decimal where the rational has one, ``(/ p q)`` otherwise.
        """
        if self.status != "sat":
            return self.status
        pairs = [f"(X_{i} {_smt_number(v)})" for i, v in enumerate(self.witness or ())]
        pairs += [f"(Y_{j} {_smt_number(v)})" for j, v in enumerate(self.outputs or ())]
        return "sat\n(" + "\n ".join(pairs) + ")"


def _smt_number(v: Fraction) -> str:
    """``v`` exactly, as SMT-LIB reads it: a decimal when finite, else ``(/ p q)``."""
    sign = "-" if v < 0 else ""
    a = abs(v)
    d = a.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d == 1:
        digits = max(twos, fives)
        scaled = a.numerator * (10**digits // a.denominator)
        text = str(scaled).rjust(digits + 1, "0")
        body = f"{text[:-digits]}.{text[-digits:]}" if digits else f"{text}.0"
        return f"(- {body})" if sign else body
    return f"(/ {'(- ' if sign else ''}{a.numerator}{')' if sign else ''} {a.denominator})"


# -- 1. bounds ------------------------------------------------------------------------------------------

def _with_rows(net: Network, rows: Sequence[LinearConstraint]) -> Network:
    """``net`` followed by the linear map ``y -> (b . y + k)`` for each row (merged into a linear output layer)."""
    m = net.output_dim
    C = [[dict(c.y).get(j, Fraction(0)) for j in range(m)] for c in rows]
    k = [c.constant for c in rows]
    last = net.layers[-1]
    if last.activation == "linear":
        W = [[sum((cj * last.weights[j][i] for j, cj in enumerate(row) if cj), Fraction(0)) for i in range(last.in_dim)]
             for row in C]
        b = [sum((cj * last.bias[j] for j, cj in enumerate(row) if cj), Fraction(0)) + kk for row, kk in zip(C, k)]
        return Network(net.input_dim, [*net.layers[:-1], Layer("linear", W, b)])
    return Network(net.input_dim, [*net.layers, Layer("linear", C, k)])


def _refuted_by_bounds(net: Network, case: PropertyCase) -> LinearConstraint | None:
    """An output constraint of ``case`` that the sound bounds show never holds on the box, if any."""
    from exactnets.verify.bounds import symbolic_bounds

    rows = [c for c in case.constraints if c.y and not c.x]
    if not rows:
        return None
    try:
        top = symbolic_bounds(_with_rows(net, rows), case.box)[-1]
    except (InputError, ArithmeticError, ValueError):  # pragma: no cover - bounds are only a shortcut
        return None
    for c, hi in zip(rows, top.upper):
        if hi is not None and (hi < 0 or (c.op == ">" and hi <= 0)):
            return c
    return None


# -- 2. search -----------------------------------------------------------------------------------------

class _FloatNet:
    """Float64 copies of the weights, to propose candidates only (never to decide)."""

    def __init__(self, net: Network):
        self.layers = [(np.array([[float(w) for w in row] for row in layer.weights]),
                        np.array([float(b) for b in layer.bias]), layer.activation) for layer in net.layers]

    def __call__(self, X: np.ndarray) -> np.ndarray:
        H = X
        for W, b, act in self.layers:
            Z = H @ W.T + b
            if act == "relu":
                H = np.maximum(Z, 0)
            elif act == "hardtanh":
                H = np.clip(Z, -1, 1)
            elif act == "ltf":
                H = np.where(Z >= 0, 1.0, -1.0)
            elif act == "step":
                H = np.where(Z >= 0, 1.0, 0.0)
            else:
                H = Z
        return H


def _score(case: PropertyCase, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """How far each row is from meeting the case (<= 0: every constraint met, in floats)."""
    worst = np.full(len(X), -np.inf)
    for c in case.constraints:
        value = np.full(len(X), float(c.constant))
        for i, a in c.x:
            value += float(a) * X[:, i]
        for j, b in c.y:
            value += float(b) * Y[:, j]
        worst = np.maximum(worst, -value)  # want value >= 0
    return worst


def _exact_point(row: np.ndarray, box: Box) -> tuple[Fraction, ...]:
    point = []
    for v, lo, hi in zip(row, box.lower, box.upper):
        q = Fraction(float(v))
        point.append(min(max(q, lo), hi))
    return tuple(point)


def _search(net: Network, fnet: _FloatNet, case: PropertyCase, rng: np.random.Generator, deadline: Deadline,
            samples: int = 2048, rounds: int = 6) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None:
    lo = np.array([float(v) for v in case.box.lower])
    hi = np.array([float(v) for v in case.box.upper])
    n = len(lo)
    centre = [(a + b) / 2 for a, b in zip(case.box.lower, case.box.upper)]
    candidates: list[tuple[Fraction, ...]] = [tuple(centre), tuple(case.box.lower), tuple(case.box.upper)]
    X = rng.uniform(lo, hi, size=(samples, n))
    radius = (hi - lo) / 4
    for _ in range(rounds):
        if deadline.expired():
            break
        scores = _score(case, X, fnet(X))
        best = X[np.argsort(scores)[:16]]
        candidates += [_exact_point(row, case.box) for row in best[:4]]
        parents = best[rng.integers(0, len(best), size=samples)]
        X = np.clip(parents + rng.normal(size=(samples, n)) * radius, lo, hi)
        radius = radius / 2
    for point in dict.fromkeys(candidates):
        y = evaluate(net, point)
        if case.holds(point, y):
            return point, y
    return None


# -- 3. regions ----------------------------------------------------------------------------------------

def _min_network(net: Network, rows: Sequence[LinearConstraint], negate: bool) -> Network:
    """``net`` followed by ``min_i (b_i . y + k_i)`` (negated if ``negate``), built exactly from ReLUs.

    ``min(a, b) = a - relu(a - b)`` and ``a = relu(a) - relu(-a)``: each round halves the list with
    one relu layer and one linear layer.
    """
    one, zero = Fraction(1), Fraction(0)
    out = _with_rows(net, rows)
    layers = list(out.layers)
    m = len(rows)
    while m > 1:
        P: list[list[Fraction]] = []
        Q: list[list[Fraction]] = []
        for start in range(0, m, 2):
            def unit(coeffs: dict[int, Fraction]) -> int:
                P.append([coeffs.get(j, zero) for j in range(m)])
                return len(P) - 1
            a = start
            pos, neg = unit({a: one}), unit({a: -one})
            q = {pos: one, neg: -one}
            if start + 1 < m:
                q[unit({a: one, start + 1: -one})] = -one
            Q.append(q)
        layers.append(Layer("relu", P, [zero] * len(P)))
        layers.append(Layer("linear", [[q.get(i, zero) for i in range(len(P))] for q in Q], [zero] * len(Q)))
        m = len(Q)
    if negate:
        last = layers[-1]
        layers[-1] = Layer("linear", [[-w for w in row] for row in last.weights], [-b for b in last.bias])
    return Network(net.input_dim, layers)


def _regions_case(net: Network, case: PropertyCase, deadline: Deadline) -> tuple[str, Any]:
    """One case by the region search of :mod:`exactnets.verify.regions`, where it applies.

    The case "``b_i . y + k_i >= 0`` for every ``i``" is "``h(x) = min_i (b_i . y + k_i) >= 0``", and
    ``h >= 0`` somewhere on the box is exactly a counterexample to *decision* equivalence of ``h``
    and the constant ``-1`` (whose sign is never ``>= 0``).  For strict constraints, ``-h`` is
    compared with the constant ``+1``: they differ in sign exactly where ``-h < 0``.  Cases that mix
    strict and non-strict constraints, or constrain the inputs beyond the box, are left to z3.
    """
    from exactnets.verify import regions
    from exactnets.verify.query import NotApplicable, parse_mode

    rows = list(case.constraints)
    if not rows or any(c.x for c in rows) or len({c.op for c in rows}) != 1:
        return "skip", None
    strict = rows[0].op == ">"
    h = _min_network(net, rows, negate=strict)
    constant = Network(net.input_dim, [Layer("linear", [[0] * net.input_dim], [1 if strict else -1])])
    try:
        result = regions.decide(h, constant, case.box, parse_mode("decision"), deadline, None)
    except NotApplicable:
        return "skip", None
    except (ArithmeticError, LookupError, ValueError, RuntimeError, TypeError) as error:
        # a failure inside the search is no verdict: say so and leave the case to z3
        return "unknown", f"the region search failed ({type(error).__name__}: {error})"
    if result.verdict == "equivalent":
        return "unsat", None
    if result.verdict == "counterexample":
        return "sat", tuple(result.counterexample.x)
    reason = result.reason or "undecided"
    return ("timeout" if deadline.expired() else "unknown"), f"regions: {reason}"


# -- 4. z3 ------------------------------------------------------------------------------------------

def _z3_case(net: Network, case: PropertyCase, deadline: Deadline) -> tuple[str, Any]:
    """``("unsat", None)``, ``("sat", point)``, ``("timeout", why)`` or ``("unknown", why)`` for one case."""
    import z3

    from exactnets.verify.smt import SIMPLIFY, domain_constraints, Encoder, input_bounds, linear_combination, rational_of

    ctx = z3.Context()
    xs = [z3.Real(f"X_{i}", ctx) for i in range(net.input_dim)]
    enc = Encoder(xs, input_bounds(case.box), SIMPLIFY, ctx)
    ys = enc.outputs(net)
    solver = z3.Solver(ctx=ctx)
    solver.add(domain_constraints(case.box, xs, ctx))
    one = Fraction(1)
    for c in case.constraints:
        parts = [(a, (((i, one),), Fraction(0))) for i, a in c.x] + [(b, ys[j]) for j, b in c.y]
        solver.add(enc.compare(linear_combination(parts, c.constant), c.op))
    remaining = deadline.remaining()
    if remaining is not None:
        if remaining <= 0:
            return "timeout", "the deadline passed before z3 started"
        solver.set("timeout", max(1, math.ceil(remaining * 1000)))
    outcome = solver.check()
    if outcome == z3.unsat:
        return "unsat", None
    if outcome == z3.sat:
        model = solver.model()
        point = []
        for i, x in enumerate(xs):
            value = model[x]
            point.append(case.box.lower[i] if value is None else rational_of(value))
        return "sat", tuple(point)
    why = solver.reason_unknown()
    if why == "interrupted from keyboard":
        raise KeyboardInterrupt
    if remaining is not None and (why in ("timeout", "canceled") or deadline.expired()):
        return "timeout", f"z3 timeout after {remaining:.3g} s"
    return "unknown", f"z3 returned unknown: {why}"


# -- the query -------------------------------------------------------------------------------------------

def verify_property(net: Network, prop: VnnlibProperty, *, timeout: float | None = None, seed: int = 0,
                    methods: Sequence[str] = ("bounds", "search", "regions", "z3")) -> PropertyResult:
    """Decide a VNN-LIB property for ``net`` exactly (see the module docstring).

    Parameters
    ----------
    net
        The network; its inputs are ``X_0 ..`` and its outputs ``Y_0 ..`` of the property.
    prop
        The parsed property (:func:`exactnets.io.vnnlib.read_vnnlib`).
    timeout
        Seconds for the whole query (``None``: no limit); past it the answer is ``timeout``.
    seed
        Seed of the random search (step 2); the answer never depends on it, only its speed.
    methods
        The steps to run, a subset of ``("bounds", "search", "regions", "z3")`` (tests use this
        to exercise each step alone).

    Examples
    --------
    ``y = relu(x) - 1`` on ``[-1, 1]``: ``y >= 0`` holds only at ``x = 1``; ``y >= 1/2`` never.

    >>> from exactnets.io.vnnlib import parse_vnnlib
    >>> net = Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [-1])])
    >>> head = "(declare-const X_0 Real)(declare-const Y_0 Real)(assert (<= X_0 1))(assert (>= X_0 -1))"
    >>> verify_property(net, parse_vnnlib(head + "(assert (>= Y_0 0))")).witness
    (Fraction(1, 1),)
    >>> verify_property(net, parse_vnnlib(head + "(assert (>= Y_0 1/2))")).status
    'unsat'
    """
    unknown_methods = set(methods) - {"bounds", "search", "regions", "z3"}
    if unknown_methods:
        raise InputError(f"unknown methods {sorted(unknown_methods)}; expected bounds, search, regions, z3")
    if prop.n_inputs != net.input_dim:
        raise InputError(f"{prop.source or 'the property'} declares {prop.n_inputs} inputs X_i but the network reads "
                         f"{net.input_dim}")
    if prop.n_outputs != net.output_dim:
        raise InputError(f"{prop.source or 'the property'} declares {prop.n_outputs} outputs Y_j but the network has "
                         f"{net.output_dim}")
    if timeout is not None and timeout <= 0:
        raise InputError(f"timeout must be a positive number of seconds (got {timeout})")
    deadline = Deadline(timeout)
    start = time.monotonic()
    details: dict[str, Any] = {"cases": len(prop.cases), "empty_boxes": prop.empty_cases}
    open_cases = list(range(len(prop.cases)))

    def found(k: int, point: Sequence[Fraction], how: str) -> PropertyResult:
        y = evaluate(net, point)
        if prop.cases[k].holds(point, y) is not True:  # replay: an exact check before anything is reported
            raise InternalError(f"the {how} witness for case {k} does not replay exactly: x = {point}")
        return PropertyResult("sat", how, time.monotonic() - start, tuple(point), tuple(y), k, details=details)

    if "bounds" in methods:
        closed = [k for k in open_cases if _refuted_by_bounds(net, prop.cases[k]) is not None]
        details["closed_by_bounds"] = len(closed)
        open_cases = [k for k in open_cases if k not in closed]
    if not open_cases:
        how = "symbolic bounds rule out every case" if prop.cases else "the input bounds are contradictory"
        return PropertyResult("unsat", how, time.monotonic() - start, details=details)
    if "search" in methods:
        fnet = _FloatNet(net)
        rng = np.random.default_rng(seed)
        for k in open_cases:
            hit = _search(net, fnet, prop.cases[k], rng, deadline)
            if hit is not None:
                return found(k, hit[0], "search (float proposal, exact evaluation)")
            if deadline.expired():
                break
    reasons: dict[int, str] = {}
    steps = [("regions", _regions_case, "regions (attack confirmed by exact evaluation, or exact region search)"),
             ("z3", _z3_case, "z3 (QF_LRA sat, model replayed)")]
    for name, decide_case, how in steps:
        if name not in methods:
            continue
        still = []
        for k in open_cases:
            if deadline.expired():
                reasons[k] = "timeout"
                still.append(k)
                continue
            status, value = decide_case(net, prop.cases[k], deadline)
            if status == "sat":
                return found(k, value, how)
            if status != "unsat":
                if status != "skip":
                    reasons[k] = value
                still.append(k)
        details[f"closed_by_{name}"] = len(open_cases) - len(still)
        open_cases = still
    seconds = time.monotonic() - start
    if not open_cases:
        words = {"bounds": "symbolic bounds", "regions": "the region search", "z3": "z3 (QF_LRA unsat)"}
        parts = [f"{details[f'closed_by_{name}']} case(s) by {word}" for name, word in words.items()
                 if details.get(f"closed_by_{name}")]
        return PropertyResult("unsat", "; ".join(parts), seconds, details=details)
    if not any(name in methods for name in ("regions", "z3")):
        reasons = {k: "neither the region search nor z3 was run" for k in open_cases}
    why = "; ".join(f"case {k}: {reasons.get(k, 'undecided')}" for k in open_cases)
    status = "timeout" if deadline.expired() or any("timeout" in reasons.get(k, "") for k in open_cases) else "unknown"
    return PropertyResult(status, "", seconds, reason=why, details=details)
