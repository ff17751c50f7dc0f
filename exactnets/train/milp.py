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
optimality proof is the solver's float branch-and-bound, so the result is ``"tolerance"``.

Supports ``l1``, ``linf`` and ``hinge`` (HiGHS has no mixed-integer QP for ``squared``).
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from exactnets.errors import InputError, InternalError
from exactnets.rational import as_rational
from exactnets.train.problem import TrainProblem

__all__ = ["milp_solve", "train_milp"]


def milp_solve(problem: TrainProblem, box: Fraction, q: int, time_limit: float | None = None):
    """``(value, weights (w x (n+1)), c, delta (D x w))`` of the MILP for one ``q`` (floats)."""
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
    else:
        raise InputError("the MILP method handles the l1, linf and hinge losses (no mixed-integer QP solver "
                         "for squared); use --method enumerate")
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
    from exactnets.train.enumerate import Incumbent, NodeSolver

    started = time.perf_counter() if started is None else started
    box = as_rational(box if box is not None else 10, what="box")
    if box <= 0:
        raise InputError(f"the weight box must be positive (got {box})")
    solver = NodeSolver(problem, list(range(problem.size)))
    best = None
    for q in range(problem.width + 1):
        value, weights, c, delta = milp_solve(problem, box, q)
        patterns = tuple("".join("1" if delta[j, i] > 0.5 else "0" for j in range(problem.size))
                         for i in range(problem.width))
        exact = solver.solve_exact(q, patterns)
        if exact is None:
            units = [[Fraction(float(v)) for v in row] for row in weights]
            candidate = Incumbent(solver.objective(q, units, Fraction(c)), q, units, Fraction(c))
        else:
            units, cc = solver.network_parts(q, exact[1])
            candidate = Incumbent(exact[0], q, units, cc)
        if best is None or candidate.value < best[0].value:
            best = (candidate, value)
    incumbent, float_value = best
    net, objective = _replay(problem, incumbent)
    return TrainResult(objective, net, "milp", problem.width + 1, 0, "", "tolerance", time.perf_counter() - started,
                       notes=[f"MILP over weights in [-{box}, {box}] (float optimum {float_value:.12g}); the best "
                              f"solution's activation pattern was re-solved as an exact LP; optimality over the "
                              f"box rests on HiGHS's float branch-and-bound"])
