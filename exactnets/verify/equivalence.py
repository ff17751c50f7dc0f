"""``check_equivalence``: one question, several exact methods, and a portfolio that picks.

Methods (each a module with ``decide(f, g, domain, mode, deadline, progress)``):

``enumerate``  every point of a Boolean cube, in exact integer batches (:mod:`.enumerate`);
``canonical``  the canonical form of 2-layer ReLU nets, function mode (:mod:`.canonical`);
``dnf``        a 2-layer ReLU net against a threshold net built from Pan & Srikumar's
               inequalities, decision mode, by per-case certificates (:mod:`.dnf`);
``regions``    branch and bound over activation regions with exactly certified bounds and LPs,
               for boxes, polytopes and R^n, any depth (:mod:`.regions`);
``z3``         the direct encoding in linear real arithmetic (:mod:`.smt`).

``auto`` tries, in order, the methods that apply: enumeration on cubes up to 2^26 points;
otherwise canonical, dnf, a short z3 try (at most 2 s or a tenth of the budget), regions, then z3
for what is left — sharing one deadline.  Networks with identical layers are equivalent at once.  A method that cannot take
the query raises :class:`~exactnets.verify.query.NotApplicable` and the next one is tried.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from exactnets.domains import BooleanCube, Box, Domain, Polytope, Reals
from exactnets.errors import InputError
from exactnets.network import Network
from exactnets.verify.query import Deadline, EquivalenceResult, Mode, NotApplicable, check_shapes, parse_mode

__all__ = ["check_equivalence", "METHODS", "resolve_domain"]

#: Method name -> module implementing ``decide``.
METHODS: dict[str, str] = {
    "enumerate": "exactnets.verify.enumerate",
    "canonical": "exactnets.verify.canonical",
    "dnf": "exactnets.verify.dnf",
    "regions": "exactnets.verify.regions",
    "z3": "exactnets.verify.smt",
}


def resolve_domain(domain: Domain | str, dim: int) -> Domain:
    """A domain value from a Domain or one of the names ``"cube"``, ``"cube01"``, ``"reals"``."""
    if isinstance(domain, (BooleanCube, Box, Reals, Polytope)):
        return domain
    names = {"cube": lambda: BooleanCube(dim, "pm1"), "cube01": lambda: BooleanCube(dim, "01"), "reals": lambda: Reals(dim)}
    if isinstance(domain, str) and domain in names:
        return names[domain]()
    raise InputError(f"unknown domain {domain!r}; pass a Domain (BooleanCube, Box, Reals, Polytope) or "
                     f"'cube', 'cube01', 'reals'")


#: A short first try of z3 before the region search: its exact normal form settles rewritten
#: copies of deep networks at once, where a branch and bound would explore the whole domain.
QUICK_Z3_SECONDS = 2.0


def _portfolio(domain: Domain) -> list[str]:
    if isinstance(domain, BooleanCube):
        return ["enumerate", "z3"]
    return ["canonical", "dnf", "z3-quick", "regions", "z3"]


def _slice(deadline: Deadline, name: str) -> Deadline:
    """The deadline a method runs under: the query's, or a short slice of it for the quick z3 try."""
    if name != "z3-quick":
        return deadline
    remaining = deadline.remaining()
    budget = QUICK_Z3_SECONDS if remaining is None else min(QUICK_Z3_SECONDS, remaining / 10)
    return Deadline(max(budget, 1e-3))


def check_equivalence(f: Network, g: Network, domain: Domain | str = "cube", mode: Mode | str = "function", *,
                      method: str = "auto", timeout: float | None = None,
                      progress: Callable[[int, int], None] | None = None) -> EquivalenceResult:
    """Decide whether ``f`` and ``g`` agree on ``domain`` in the sense of ``mode``.

    Returns an :class:`~exactnets.verify.query.EquivalenceResult`: *equivalent* with the method
    that proved it, *counterexample* with an exact point replayed through the reference
    evaluator, or *unknown* with the reason.  Never prints.

    >>> from exactnets.network import Layer, Network
    >>> f = Network(1, [Layer("relu", [[1], [-1]], [0, 0]), Layer("linear", [[1, -1]], [0])])
    >>> g = Network(1, [Layer("linear", [[1]], [0])])       # relu(x) - relu(-x) = x
    >>> check_equivalence(f, g, "reals").verdict
    'equivalent'
    >>> check_equivalence(f, g, "cube", "epsilon:0").verdict
    'equivalent'
    """
    domain = resolve_domain(domain, f.input_dim)
    mode = parse_mode(mode)
    check_shapes(f, g, domain, mode)
    deadline = Deadline(timeout)
    if method != "auto" and method not in METHODS:
        raise InputError(f"unknown method {method!r}; expected auto or one of {', '.join(METHODS)}")
    if method == "auto" and f.layers == g.layers:  # the same weights: nothing to search
        return EquivalenceResult("equivalent", "the two networks have identical layers", deadline.elapsed())
    order = [method] if method != "auto" else _portfolio(domain)
    reasons: list[str] = []
    last: EquivalenceResult | None = None
    for name in order:
        module = importlib.import_module(METHODS[name.removesuffix("-quick")])
        try:
            result = module.decide(f, g, domain, mode, _slice(deadline, name), progress)
        except NotApplicable as why:
            if method != "auto":
                raise
            reasons.append(f"{name}: {why}")
            continue
        result = result.with_seconds(deadline.elapsed())
        if result.verdict != "unknown":
            return result
        last = result
        reasons.append(f"{name}: {result.reason}")
        if deadline.expired():
            break
    if last is None:
        raise InputError("no method can decide this query: " + "; ".join(reasons))
    return EquivalenceResult("unknown", last.method, deadline.elapsed(), reason="; ".join(reasons))
