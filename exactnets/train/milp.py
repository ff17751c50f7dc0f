"""An independent method: a mixed-integer LP over weights in an explicit box (HiGHS via cvxpy).

For each ``q`` (number of positive units; positive units first, as in the enumeration) solve

    min  loss(f)   over  (a_i, b_i) in [-B, B]^(n+1),  delta_ij in {0, 1},  h_ij >= 0
    s.t. h_ij >= z_ij,  h_ij <= z_ij + M_j (1 - delta_ij),  h_ij <= M_j delta_ij,
         z_ij = a_i.x_j + b_i,  f_j = sum_i s_i h_ij (+ c),

with ``M_j = B (|x_j|_1 + 1)`` (a bound on ``|z_ij|`` inside the box), so ``h_ij = relu(z_ij)``.
In the code ``z = p - m`` with ``p <= M delta``, ``m <= M (1 - delta)``, ``p, m >= 0`` (so ``p = h``).
Its optimum is the optimum over the box.  The solver works in floats, so the answer is made
exact like every other: the activation pattern ``delta`` of the best solution is re-solved as an
exact LP (:mod:`exactnets.train.exact`), and the resulting network is replayed exactly.  That
polish can only lower the objective; it may leave the box (the LP has no box).  The MILP's
optimality proof is the solver's float branch-and-bound, so the result is ``"tolerance"``; an
exact proof comes from the enumeration seeded with the MILP's network (``--certificate``).

``l1``, ``linf`` and ``hinge`` are linear.  ``squared`` needs a mixed-integer QP, and none of the
installed cvxpy solvers (HiGHS, SCIPY, Clarabel, SCS, OSQP) does one; it is solved by an outer
approximation instead: tangent cuts ``t_j >= 2 a r_j - a^2`` of ``r_j^2``, refined at each MILP
solution, with each proposed pattern re-solved as an exact QP (Kelley's cutting-plane method).
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from exactnets.errors import InputError, InternalError
from exactnets.rational import as_rational
from exactnets.train.problem import TrainProblem

__all__ = ["milp_solve", "train_milp"]


def milp_solve(problem: TrainProblem, box: Fraction, q: int, time_limit: float | None = None,
               tangents: list[list[float]] | None = None):
    """``(value, weights (w x (n+1)), c, delta (D x w))`` of the MILP for one ``q`` (floats).

    For the squared loss the objective is ``(1/D) sum_j t_j`` with ``t_j >= 2 a r_j - a^2`` for
    every ``a`` in ``tangents[j]`` (``r_j = f_j - y_j``): tangents of ``r^2`` from below, so the
    value is a lower bound on the box optimum (see :func:`_squared_outer_approximation`)."""
    import cvxpy as cp

    from exactnets.train.exact import _highs

    _highs()  # HiGHS prints a banner on its first start: let it go to /dev/null
    lifted = np.array([[float(v) for v in p] + [1.0] for p in problem.points])
    y = np.array([float(v) for v in problem.labels])
    count, d = lifted.shape
    w = problem.width
    bound = float(box)
    big = bound * np.abs(lifted).sum(axis=1)  # |z_ij| <= B * (|x_j|_1 + 1)
    weights = cp.Variable((w, d))
    delta = cp.Variable((count, w), boolean=True)
    positive = cp.Variable((count, w), nonneg=True)  # relu(z)
    negative = cp.Variable((count, w), nonneg=True)  # relu(-z)
    z = lifted @ weights.T
    big_col = big[:, None] * np.ones((1, w))
    constraints = [weights <= bound, weights >= -bound, z == positive - negative,
                   positive <= cp.multiply(big_col, delta), negative <= cp.multiply(big_col, 1 - delta)]
    # symmetry: within a sign group, order the units by their bias (any order is a valid choice)
    for i in range(w - 1):
        if (i < q) == (i + 1 < q):
            constraints.append(weights[i, d - 1] <= weights[i + 1, d - 1])
    signs = np.where(np.arange(w) < q, 1.0, -1.0)
    f = positive @ signs
    c = None
    if problem.output_bias:
        c = cp.Variable()
        f = f + c
    if problem.loss in ("l1", "hinge"):
        e = cp.Variable(count, nonneg=True)
        objective = cp.sum(e) / count
        if problem.loss == "l1":
            constraints += [e >= f - y, e >= y - f]
        else:
            constraints += [e >= 1 - cp.multiply(y, f)]
    elif problem.loss == "linf":
        t = cp.Variable(nonneg=True)
        objective = t
        constraints += [t >= f - y, t >= y - f]
    else:  # squared: tangents of r^2 at the given residuals, an outer approximation (a relaxation)
        t = cp.Variable(count, nonneg=True)
        objective = cp.sum(t) / count
        r = f - y
        for j in range(count):
            for a in tangents[j] if tangents is not None else ():
                constraints.append(t[j] >= 2 * a * r[j] - a * a)
    program = cp.Problem(cp.Minimize(objective), constraints)
    options = {"mip_rel_gap": 1e-9, "mip_abs_gap": 1e-10}
    if time_limit:
        options["time_limit"] = float(time_limit)
    program.solve(solver="HIGHS", **options)
    if program.status not in ("optimal", "optimal_inaccurate"):
        raise InternalError(f"the MILP for q = {q} ended with status {program.status}")
    return float(program.value), weights.value, (float(c.value) if c is not None else 0.0), delta.value


def train_milp(problem: TrainProblem, *, box=None, started: float | None = None):
    """The MILP method for every ``q``, polished exactly (see the module docstring)."""
    from exactnets.train.api import TrainResult, _replay
    from exactnets.train.enumerate import NodeSolver

    started = time.perf_counter() if started is None else started
    box = as_rational(box if box is not None else 10, what="box")
    if box <= 0:
        raise InputError(f"the weight box must be positive (got {box})")
    solver = NodeSolver(problem, list(range(problem.size)))
    best = None
    solves = 0
    lower = float("inf")  # min over q of the MILP (relaxation) values: a float bound over the box
    for q in range(problem.width + 1):
        if problem.loss == "squared":
            candidate, value, count = _squared_outer_approximation(problem, solver, box, q, best)
            solves += count
        else:
            value, weights, c, delta = milp_solve(problem, box, q)
            solves += 1
            candidate = _polish(problem, solver, q, weights, c, delta)
        lower = min(lower, value)
        if best is None or candidate.value < best.value:
            best = candidate
    net, objective = _replay(problem, best)
    kind = "exact QP" if problem.loss == "squared" else "exact LP"
    notes = [f"MILP over weights in [-{box}, {box}] (float optimum {lower:.12g}); the best solution's activation "
             f"pattern was re-solved as an {kind} and the network replayed exactly; optimality over the box rests "
             f"on HiGHS's float branch-and-bound (use --certificate for an exact proof by the enumeration)"]
    if problem.loss == "squared":
        notes.append("squared loss: no mixed-integer QP solver is installed, so r^2 is replaced by tangent cuts "
                     "(outer approximation, refined at each MILP solution until the exact QP value of the "
                     "proposed pattern meets the MILP's lower bound)")
    return TrainResult(objective, net, "milp", solves, 0, "", "tolerance", time.perf_counter() - started,
                       notes=notes, float_optimum=lower)


def _polish(problem: TrainProblem, solver, q: int, weights, c: float, delta):
    """The MILP solution's activation pattern, re-solved exactly (LP or QP): an exact network at
    least as good as the float one (up to rounding), replayed in rationals by the caller."""
    from exactnets.train.enumerate import Incumbent

    patterns = tuple("".join("1" if delta[j, i] > 0.5 else "0" for j in range(problem.size))
                     for i in range(problem.width))
    exact = solver.solve_exact(q, patterns)
    if exact is None:  # the float weights themselves, made rational, are still a network
        units = [[Fraction(float(v)) for v in row] for row in weights]
        return Incumbent(solver.objective(q, units, Fraction(c)), q, units, Fraction(c))
    units, cc = solver.network_parts(q, exact[1])
    return Incumbent(exact[0], q, units, cc)


def _squared_outer_approximation(problem: TrainProblem, solver, box: Fraction, q: int, incumbent=None,
                                 rounds: int = 60):
    """Squared loss by MILP without a mixed-integer QP solver (Kelley's cutting planes).

    ``r^2 >= 2 a r - a^2`` for every ``a``, so the MILP with tangents at some residuals is a
    relaxation: its value ``L`` is a lower bound on the box optimum (for this ``q``).  Its
    pattern, re-solved as an exact QP, gives a network with exact loss ``U``.  Tangents at the
    MILP's residuals (and at the exact network's) are added until ``U <= L`` (up to 1e-7
    relative), with ``U`` the best exact value so far including ``incumbent`` (another ``q``'s
    network): then no network with this ``q`` in the box beats it, up to the solver's tolerance.
    Returns ``(best network, L, MILP solves)``.
    """
    count = problem.size
    scale = max([1.0] + [abs(float(y)) for y in problem.labels])
    tangents = [[-scale, -scale / 4, 0.0, scale / 4, scale] for _ in range(count)]
    best = incumbent
    lower = 0.0
    lifted = np.array([[float(v) for v in p] + [1.0] for p in problem.points])
    y = np.array([float(v) for v in problem.labels])
    signs = np.where(np.arange(problem.width) < q, 1.0, -1.0)
    for solves in range(1, rounds + 1):
        lower, weights, c, delta = milp_solve(problem, box, q, tangents=tangents)
        candidate = _polish(problem, solver, q, weights, c, delta)
        if best is None or candidate.value < best.value:
            best = candidate
        if float(best.value) <= lower + 1e-7 * max(1.0, abs(lower)):
            return best, lower, solves
        exact_weights = np.array([[float(v) for v in unit] for unit in candidate.units])
        for residual in (np.maximum(lifted @ weights.T, 0.0) @ signs + c - y,
                         np.maximum(lifted @ exact_weights.T, 0.0) @ signs + float(candidate.c) - y):
            for j in range(count):
                tangents[j].append(float(residual[j]))
    return best, lower, rounds
