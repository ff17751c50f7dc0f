"""The one-dimensional algorithm (CLAIMS.md ABMM-Alg1D), corrected to search exactly the class of
width-``w`` networks.

ABMM's App. C reduces ``n = 1`` to fitting piecewise-linear functions with ``w`` pieces; CLAIMS.md
shows that reduction is wrong (``w`` units can make ``w+1`` pieces; without an output bias a
``w``-piece function can need ``w+1`` units).  This module searches the right class directly.
A unit ``s relu(a x + b)`` on the sorted distinct data values ``u_1 < ... < u_m`` is one of

* ``right``, gap ``g`` in ``1..m``: ``a >= 0``, active exactly on ``x >= u_g``:
  ``a u_g + b >= 0`` and (if ``g > 1``) ``a u_(g-1) + b <= 0``;
* ``left``, gap ``g`` in ``1..m``: ``a <= 0``, active exactly on ``x <= u_g``:
  ``a u_g + b >= 0`` and (if ``g < m``) ``a u_(g+1) + b <= 0``;
* ``const``: ``a = 0``, ``b >= 0`` (a constant ``s b``: without an output bias this is how a
  network makes a constant);
* ``off``: contributes nothing on the data (taken as ``a = b = 0``).

Monotonicity makes the two boundary constraints enough (no per-point sign constraints, unlike
the enumeration's LPs).  For each ``q`` and each multiset of unit kinds per sign group, one LP in
``(a_i, b_i)`` (and ``c``); the best float optimum is then re-solved exactly and replayed.  Every
unit's weights satisfy the closed constraints of some kind, so the minimum over all LPs is the
global optimum.  That minimum is established exactly: every LP gets an exact lower bound (a dual
vector read off the solver's basis and checked in rationals, or an exact re-solve) that is at
least the returned objective, and then the result is ``"certified": "exact"``; if some LP resists
both, it is ``"tolerance"`` and the notes say how many.  Losses ``l1``, ``linf`` and ``hinge``.
"""

from __future__ import annotations

import itertools
import time
from fractions import Fraction

from exactnets.errors import InputError, InternalError
from exactnets.train.exact import LP, dual_bound_from_basis, solve_lp
from exactnets.train.problem import TrainProblem

__all__ = ["unit_kinds", "onedim_lp", "train_onedim"]

_ZERO = Fraction(0)
_ONE = Fraction(1)


def unit_kinds(values: list[Fraction]) -> list[tuple[str, int]]:
    """Every kind of unit on the sorted distinct data values (see the module docstring)."""
    m = len(values)
    return ([("off", 0), ("const", 0)] + [("right", g) for g in range(1, m + 1)]
            + [("left", g) for g in range(1, m + 1)])


def _active(kind: tuple[str, int], values: list[Fraction], x: Fraction) -> bool:
    name, g = kind
    if name == "const":
        return True
    if name == "off":
        return False
    if name == "right":
        return x >= values[g - 1]
    return x <= values[g - 1]


def onedim_lp(problem: TrainProblem, q: int, kinds: tuple[tuple[str, int], ...], values: list[Fraction]) -> LP:
    """The LP of one choice of unit kinds: columns ``a_i, b_i`` per unit, ``c``, loss variables."""
    w = problem.width
    count = problem.size
    base = 2 * w + (1 if problem.output_bias else 0)
    loss = problem.loss
    n_aux = count if loss in ("l1", "hinge") else 1
    cost = [_ZERO] * (base + n_aux)
    rows: list[list[tuple[int, Fraction]]] = []
    h: list[Fraction] = []
    for j, (point, y) in enumerate(zip(problem.points, problem.labels)):
        x = point[0]
        f = []
        for i, kind in enumerate(kinds):
            if _active(kind, values, x):
                sign = _ONE if i < q else -_ONE
                if x != 0:
                    f.append((2 * i, sign * x))
                f.append((2 * i + 1, sign))
        if problem.output_bias:
            f.append((2 * w, _ONE))
        if loss == "hinge":
            rows.append([(base + j, _ONE)] + [(col, y * v) for col, v in f])
            h.append(_ONE)
            cost[base + j] = Fraction(1, count)
        else:
            e = base + j if loss == "l1" else base
            rows.append([(e, _ONE)] + [(col, -v) for col, v in f])
            h.append(-y)
            rows.append([(e, _ONE)] + f)
            h.append(y)
            cost[e] = Fraction(1, count) if loss == "l1" else _ONE
    m = len(values)
    for i, (name, g) in enumerate(kinds):
        a, b = 2 * i, 2 * i + 1

        def at(u: Fraction, sign: Fraction):
            return [(a, sign * u), (b, sign)] if u != 0 else [(b, sign)]

        if name == "off":
            rows += [[(a, _ONE)], [(a, -_ONE)], [(b, _ONE)], [(b, -_ONE)]]
            h += [_ZERO] * 4
        elif name == "const":
            rows += [[(a, _ONE)], [(a, -_ONE)], [(b, _ONE)]]
            h += [_ZERO] * 3
        elif name == "right":
            rows.append([(a, _ONE)])
            rows.append(at(values[g - 1], _ONE))
            h += [_ZERO, _ZERO]
            if g > 1:
                rows.append(at(values[g - 2], -_ONE))
                h.append(_ZERO)
        else:
            rows.append([(a, -_ONE)])
            rows.append(at(values[g - 1], _ONE))
            h += [_ZERO, _ZERO]
            if g < m:
                rows.append(at(values[g], -_ONE))
                h.append(_ZERO)
    return LP(cost, rows, h, frozenset(range(base, base + n_aux)))


def train_onedim(problem: TrainProblem, *, started: float | None = None):
    """The corrected 1-D algorithm (see the module docstring)."""
    from exactnets.train.api import TrainResult, _replay
    from exactnets.train.enumerate import Incumbent, NodeSolver

    started = time.perf_counter() if started is None else started
    if problem.dim != 1:
        raise InputError(f"the 1-D method needs one input coordinate (the data has {problem.dim})")
    if problem.loss == "squared":
        raise InputError("the 1-D method handles the l1, linf and hinge losses; use --method enumerate for squared")
    values = sorted({p[0] for p in problem.points})
    kinds = unit_kinds(values)
    w = problem.width
    candidates = []
    for q in range(w + 1):
        for positive in itertools.combinations_with_replacement(range(len(kinds)), q):
            for negative in itertools.combinations_with_replacement(range(len(kinds)), w - q):
                chosen = tuple(kinds[i] for i in positive + negative)
                lp = onedim_lp(problem, q, chosen, values)
                solution = solve_lp(lp, exact=False)
                if solution.status != "optimal":
                    raise InternalError(f"1-D LP {chosen} came back {solution.status}")
                candidates.append((solution.value, q, chosen, lp, solution))
    solved = len(candidates)
    candidates.sort(key=lambda item: item[0])
    solver = NodeSolver(problem, list(range(problem.size)))
    best = None
    exact_solves = 0
    tolerance = 0

    def solve_exactly(q, chosen, lp):
        nonlocal best, exact_solves
        solution = solve_lp(lp)
        exact_solves += 1
        if not solution.exact:
            return None
        units = [[solution.x[2 * i], solution.x[2 * i + 1]] for i in range(w)]
        c = solution.x[2 * w] if problem.output_bias else _ZERO
        replay = solver.objective(q, units, c)
        if replay != solution.exact_value:
            raise InternalError(f"1-D LP {chosen}: exact optimum {solution.exact_value} but replay {replay}")
        if best is None or replay < best.value:
            best = Incumbent(replay, q, units, c)
        return solution.exact_value

    # The incumbent: the float-best candidates, solved exactly (the first that confirms).
    for value, q, chosen, lp, _ in candidates:
        if best is not None and value > candidates[0][0] + 1e-7 * max(1.0, abs(candidates[0][0])):
            break
        solve_exactly(q, chosen, lp)
    if best is None:
        raise InternalError("1-D method: no candidate could be solved exactly")
    # Optimality, exactly: every candidate needs an exact lower bound >= the incumbent.  A dual
    # vector read off the float basis is checked in rationals (weak duality); where that bound
    # falls short the candidate is solved exactly, which may improve the incumbent.
    for value, q, chosen, lp, solution in candidates:
        found = dual_bound_from_basis(lp, solution.basis, solution.y_float)
        if found is not None and found[0] >= best.value:
            continue
        exact = solve_exactly(q, chosen, lp)
        if exact is None:
            tolerance += 1
    net, objective = _replay(problem, best)
    certified = "exact" if tolerance == 0 else "tolerance"
    notes = [f"1-D algorithm (CLAIMS.md ABMM-Alg1D, corrected): {solved} LPs; every one's optimum was bounded "
             f"below exactly (checked dual vectors, or an exact re-solve: {exact_solves}) by the objective"]
    if tolerance:
        notes[0] = (f"1-D algorithm (CLAIMS.md ABMM-Alg1D, corrected): {tolerance} of {solved} LPs could not be "
                    f"bounded exactly; their comparison rests on the solver's tolerance")
    return TrainResult(objective, net, "onedim", solved, 0, "", certified, time.perf_counter() - started,
                       notes=notes)
