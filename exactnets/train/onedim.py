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
``(a_i, b_i)`` (and ``c``); the best float optimum is then re-solved exactly and replayed.  The
comparisons between LPs are in floats, so the result is ``"tolerance"``; it is a cross-check of
the enumeration, not a certificate.  Losses ``l1``, ``linf`` and ``hinge``.
"""

from __future__ import annotations

import itertools
import time
from fractions import Fraction

from exactnets.errors import InputError, InternalError
from exactnets.train.exact import LP, solve_lp
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
    solved = 0
    for q in range(w + 1):
        for positive in itertools.combinations_with_replacement(range(len(kinds)), q):
            for negative in itertools.combinations_with_replacement(range(len(kinds)), w - q):
                chosen = tuple(kinds[i] for i in positive + negative)
                solution = solve_lp(onedim_lp(problem, q, chosen, values), exact=False)
                solved += 1
                if solution.status != "optimal":
                    raise InternalError(f"1-D LP {chosen} came back {solution.status}")
                candidates.append((solution.value, q, chosen))
    best_float = min(value for value, _, _ in candidates)
    solver = NodeSolver(problem, list(range(problem.size)))
    best = None
    for value, q, chosen in candidates:
        if value > best_float + 1e-7 * max(1.0, abs(best_float)):
            continue
        solution = solve_lp(onedim_lp(problem, q, chosen, values))
        if not solution.exact:
            continue
        units = [[solution.x[2 * i], solution.x[2 * i + 1]] for i in range(w)]
        c = solution.x[2 * w] if problem.output_bias else _ZERO
        replay = solver.objective(q, units, c)
        if replay != solution.exact_value:
            raise InternalError(f"1-D LP {chosen}: exact optimum {solution.exact_value} but replay {replay}")
        if best is None or replay < best.value:
            best = Incumbent(replay, q, units, c)
    if best is None:
        raise InternalError("1-D method: no candidate could be solved exactly")
    net, objective = _replay(problem, best)
    return TrainResult(objective, net, "onedim", solved, 0, "", "tolerance", time.perf_counter() - started,
                       notes=["1-D algorithm (CLAIMS.md ABMM-Alg1D, corrected): LPs compared in floats, the best "
                              "re-solved exactly"])
