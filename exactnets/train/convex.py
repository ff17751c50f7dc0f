"""The convex subproblems that are not LPs, through cvxpy; and their exact confirmation.

* :class:`SquaredNodeSolver`: the squared-loss subproblem of a node (a convex QP), compiled once
  per prefix length with cvxpy parameters (the pattern masks), solved by Clarabel.  Its float
  answer is confirmed by :func:`exact_squared_node`: the active set is read off the multipliers,
  the KKT system is solved in rationals and every KKT condition is checked exactly; the result is
  an exact optimum and an exact Lagrangian lower-bound certificate (``multipliers``, ``x``) that
  :func:`exactnets.train.exact.qp_dual_bound` re-checks.
* :func:`pilanci_ergen`: the convex reformulation of Pilanci & Ergen (2020) for squared loss with
  weight decay (issue 7, item 4b).  Its optimum involves Euclidean norms, so it is in general
  irrational: this method is certified only up to the solver's tolerance.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import flint
import numpy as np

from exactnets.train.exact import exact_solve, qp_dual_bound, to_fmpq
from exactnets.train.problem import TrainProblem, node_lp, node_outputs

__all__ = ["SquaredNodeSolver", "exact_squared_node", "squared_node_data", "pilanci_ergen"]

_ZERO = Fraction(0)


class SquaredNodeSolver:
    """Float solutions of squared-loss node QPs: ``min (1/D) sum_{j<k} (f_j - y_j)^2`` subject to
    the pattern constraints; one compiled cvxpy problem per prefix length ``k``."""

    def __init__(self, problem: TrainProblem, lifted_f: np.ndarray, labels_f: np.ndarray):
        self.problem = problem
        self.lifted_f = lifted_f
        self.labels_f = labels_f
        self._compiled: dict[int, tuple] = {}

    def _compile(self, k: int):
        import cvxpy as cp

        w, d = self.problem.width, self.problem.dim + 1
        weights = cp.Variable((w, d))
        bias = cp.Variable() if self.problem.output_bias else None
        mask = cp.Parameter((k, w))  # s_i * [unit i active at point j]
        side = cp.Parameter((k, w))  # +1 active, -1 inactive
        z = self.lifted_f[:k] @ weights.T
        f = cp.sum(cp.multiply(mask, z), axis=1)
        if bias is not None:
            f = f + bias
        objective = cp.sum_squares(f - self.labels_f[:k]) / self.problem.size
        constraint = cp.multiply(side, z) >= 0
        problem = cp.Problem(cp.Minimize(objective), [constraint])
        self._compiled[k] = (problem, weights, bias, mask, side, constraint)
        return self._compiled[k]

    def solve(self, q: int, patterns: Sequence[str]) -> tuple[float, np.ndarray, np.ndarray]:
        """``(value, x, multipliers)``: x in the node column layout, multipliers per pattern row."""
        w, k = self.problem.width, len(patterns[0])
        problem, weights, bias, mask, side, constraint = self._compiled.get(k) or self._compile(k)
        active = np.array([[c == "1" for c in p] for p in patterns], dtype=float).reshape(w, k).T
        signs = np.where(np.arange(w) < q, 1.0, -1.0)
        mask.value = active * signs[None, :]
        side.value = 2 * active - 1
        try:
            problem.solve(solver="CLARABEL")
        except Exception:
            problem.solve(solver="SCS", eps=1e-10)
        x = weights.value.reshape(-1)
        if bias is not None:
            x = np.concatenate([x, [bias.value]])
        multipliers = np.asarray(constraint.dual_value).T.reshape(-1)  # row i*k + j
        return float(problem.value), x, multipliers


def squared_node_data(problem: TrainProblem, lifted: Sequence[Sequence[Fraction]], labels: Sequence[Fraction], q: int,
                      patterns: Sequence[str]):
    """``(Q, lin, const, constraints)`` with objective ``x'Qx + lin.x + const`` (exact)."""
    outputs = node_outputs(problem, lifted, q, patterns)
    n_cols = problem.width * (problem.dim + 1) + (1 if problem.output_bias else 0)
    count = problem.size
    quad = [[_ZERO] * n_cols for _ in range(n_cols)]
    lin = [_ZERO] * n_cols
    const = _ZERO
    for f, y in zip(outputs, labels):
        for a, va in f:
            lin[a] -= 2 * y * va / count
            for b, vb in f:
                quad[a][b] += va * vb / count
        const += y * y / count
    return quad, lin, const, node_lp(problem, lifted, labels, q, patterns)


def exact_squared_node(problem: TrainProblem, lifted: Sequence[Sequence[Fraction]], labels: Sequence[Fraction], q: int,
                       patterns: Sequence[str], x_float: np.ndarray, multipliers_float: np.ndarray):
    """Confirm a float QP solution exactly: ``(value, x, multipliers)`` or ``None``."""
    quad, lin, const, constraints = squared_node_data(problem, lifted, labels, q, patterns)
    n = len(lin)
    scale = max(1.0, float(np.max(np.abs(multipliers_float))) if multipliers_float.size else 1.0)
    slack = np.array([sum(float(v) * x_float[j] for j, v in row) for row in constraints.rows])
    candidates = []
    for tol in (1e-7, 1e-9, 1e-5):
        candidates.append([i for i in range(constraints.n_rows) if multipliers_float[i] > tol * scale])
        candidates.append([i for i in range(constraints.n_rows) if abs(slack[i]) <= tol * (1 + np.max(np.abs(x_float)))])
    seen = set()
    for active in candidates:
        key = tuple(active)
        if key in seen:
            continue
        seen.add(key)
        size = n + len(active)
        matrix = flint.fmpq_mat(size, size)
        for a in range(n):
            for b in range(n):
                if quad[a][b]:
                    matrix[a, b] = to_fmpq(2 * quad[a][b])
        for r, i in enumerate(active):
            for j, v in constraints.rows[i]:
                matrix[j, n + r] = to_fmpq(-v)
                matrix[n + r, j] = to_fmpq(v)
        rhs = [-v for v in lin] + [_ZERO] * len(active)
        solution = exact_solve(matrix, rhs)
        if solution is None:
            continue
        solution = _closest_solution(matrix, solution, np.concatenate([x_float, multipliers_float[active]]))
        x = solution[:n]
        lam = {i: solution[n + r] for r, i in enumerate(active) if solution[n + r] != 0}
        if any(v < 0 for v in lam.values()):
            continue
        if any(sum((v * x[j] for j, v in row), _ZERO) < 0 for row in constraints.rows):
            continue
        bound = qp_dual_bound(quad, lin, const, constraints, lam, x)
        if bound is None:
            continue
        value = const + sum((lin[j] * x[j] for j in range(n)), _ZERO) + sum(
            (x[a] * quad[a][b] * x[b] for a in range(n) for b in range(n) if quad[a][b]), _ZERO)
        if value != bound:
            continue
        return value, x, lam
    return None


def _closest_solution(matrix: flint.fmpq_mat, particular: list[Fraction], target: np.ndarray) -> list[Fraction]:
    """Among the exact solutions ``particular + N c`` of a singular system, the one (with a
    rational ``c``) near the float ``target``: the float only guides, the result is exact."""
    from exactnets.train.exact import nullspace_vector

    basis = nullspace_vector(matrix)
    if not basis:
        return particular
    columns = np.array([[float(v) for v in vector] for vector in basis]).T
    start = np.array([float(v) for v in particular])
    coefficients, *_ = np.linalg.lstsq(columns, target - start, rcond=None)
    result = list(particular)
    for coefficient, vector in zip(coefficients, basis):
        c = Fraction(float(coefficient)).limit_denominator(1 << 32)
        if c:
            result = [r + c * v for r, v in zip(result, vector)]
    return result


def pilanci_ergen(problem: TrainProblem, patterns: Sequence[str], order: Sequence[int] | None = None):
    """The convex program of Pilanci & Ergen (2020) over the given full patterns (squared loss,
    weight decay ``lambda > 0``, no output bias):

    ``min (1/(2D))... `` in our scaling: ``(1/D) sum_j (sum_P D_P X (u_P - v_P))_j - y_j)^2
    + lambda * sum_P (|u_P| + |v_P|)`` subject to ``(2 D_P - I) X u_P >= 0`` and the same for
    ``v_P``, where ``X`` holds the lifted points.  Its optimum equals the global optimum of the
    regularised width-``m`` problem once ``m`` is at least the number of non-zero blocks.

    Returns ``(value, units)``: the float optimum and the recovered units as ``(sign, weights)``
    (weights ``u / sqrt(|u|)``-style rescaling is left to the caller).
    """
    import cvxpy as cp

    points = problem.points if order is None else [problem.points[j] for j in order]
    labels = problem.labels if order is None else [problem.labels[j] for j in order]
    lifted = np.array([[float(v) for v in p] + [1.0] for p in points])
    y = np.array([float(v) for v in labels])
    count, d = lifted.shape
    lam = float(problem.weight_decay)
    us = cp.Variable((len(patterns), d))
    vs = cp.Variable((len(patterns), d))
    f = 0
    constraints = []
    for index, bits in enumerate(patterns):
        mask = np.array([c == "1" for c in bits], dtype=float)
        side = 2 * mask - 1
        f = f + cp.multiply(mask, lifted @ (us[index] - vs[index]))
        constraints += [cp.multiply(side, lifted @ us[index]) >= 0, cp.multiply(side, lifted @ vs[index]) >= 0]
    objective = cp.sum_squares(f - y) / count + lam * (cp.sum(cp.norm(us, 2, axis=1)) + cp.sum(cp.norm(vs, 2, axis=1)))
    program = cp.Problem(cp.Minimize(objective), constraints)
    program.solve(solver="CLARABEL")
    units = []
    for index in range(len(patterns)):
        for sign, block in ((1, us.value[index]), (-1, vs.value[index])):
            if np.linalg.norm(block) > 1e-7:
                units.append((sign, block))
    return float(program.value), units


def train_convex(problem: TrainProblem, *, started: float | None = None):
    """Squared loss with weight decay through :func:`pilanci_ergen` over all patterns.

    The solver's blocks ``(s, w)`` are absorbed units; the network returned is
    :func:`exactnets.train.decay.balanced_network` of the ``width`` largest, and the objective
    reported is its exact regularised loss (:func:`exactnets.train.decay.regularised_objective`).
    The optimum itself is in general irrational, so the result is certified only up to the
    solver's tolerance; when the program needs more blocks than ``width``, its optimum is only a
    lower bound for width ``w`` (the notes say so).
    """
    import time

    from exactnets.errors import InputError
    from exactnets.train.api import TrainResult
    from exactnets.train.decay import balanced_network, regularised_objective
    from exactnets.train.patterns import enumerate_patterns

    started = time.perf_counter() if started is None else started
    if problem.loss != "squared" or problem.output_bias:
        raise InputError("the convex method (Pilanci & Ergen) handles the squared loss without an output bias")
    patterns = enumerate_patterns(problem.points)
    value, units = pilanci_ergen(problem, patterns)
    blocks = len(units)
    units = sorted(units, key=lambda item: -np.linalg.norm(item[1]))[: problem.width]
    if not units:
        units = [(1, np.zeros(problem.dim + 1))]
    net = balanced_network(problem, units)
    notes = [f"Pilanci & Ergen convex program over {len(patterns)} patterns, float optimum {value:.12g}; the "
             f"objective is the exact regularised loss of the rational weights returned"]
    if blocks > problem.width:
        notes.append(f"the convex program's solution has {blocks} non-zero blocks, more than the width "
                     f"{problem.width}: its optimum is only a lower bound for this width and the {problem.width} "
                     f"largest blocks were kept; use --method enumerate")
    return TrainResult(regularised_objective(problem, net), net, "convex", 1, 0, "", "tolerance",
                       time.perf_counter() - started, notes=notes, float_optimum=value)
