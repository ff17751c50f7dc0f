"""Training with weight decay by enumeration (issue 7, item 4b): Algorithm 1 with the regulariser.

The regularised problem (issue 7) is stated on the network written *before* output magnitudes are
absorbed, ``f(x) = sum_i v_i relu(u_i.(x, 1))`` (``+ c`` with an output bias, not regularised):

    minimise  loss(f) + (lambda/2) sum_i (|u_i|^2 + v_i^2).

**Absorbing the magnitudes.**  ``relu`` is positively homogeneous, so ``(u_i, v_i)`` and
``(t u_i, v_i / t)`` give the same function for every ``t > 0``; only ``s_i = sgn(v_i)`` and
``w_i = |v_i| u_i`` matter.  Over that rescaling the penalty of a unit is
``(lambda/2)(t^2 |u_i|^2 + v_i^2 / t^2) >= lambda |v_i| |u_i| = lambda |w_i|`` (AM-GM), with
equality at ``t^2 = |v_i| / |u_i|``, i.e. when the unit is *balanced* (``|t u_i| = |v_i / t|``).
So the regularised problem is

    minimise  loss(sum_i s_i relu(w_i.(x, 1))) + lambda sum_i |w_i|_2,

a *group lasso* (Euclidean norm, not squared) on the absorbed weights ``w_i``.  This is the
scaling of Pilanci & Ergen (2020, eq. for two-layer ReLU networks with weight decay; our ``loss`` is
the mean over the data, as everywhere in :mod:`exactnets.train`), whose convex program
(:func:`exactnets.train.convex.pilanci_ergen`) is the cross-check: for a fixed sign count ``q``
and a ``w``-tuple of full activation patterns (closed constraints, as in Algorithm 1) the
subproblem is the second-order cone program

    min  loss(f) + lambda sum_i |w_i|   s.t.  +-(w_i.(x_j, 1)) >= 0 as the patterns say,

and the minimum over ``q`` and over tuples (sorted within sign groups: units of equal sign are
interchangeable) is the global optimum of the regularised width-``w`` problem.  Pilanci & Ergen's
program relaxes the width (one block per pattern and sign), so its optimum is at most ours, with
equality whenever its solution has at most ``w`` non-zero blocks.

**Exactness.**  The optimum involves Euclidean norms and is irrational in general, so this method
never claims ``"certified": "exact"``: the comparisons between subproblems are the solver's
(``"tolerance"``).  What *is* exact is the reported objective: the returned network has rational
weights (``v_i`` a rational near ``s_i sqrt(|w_i|)``, ``u_i = w_i / |v_i|``, so nearly balanced)
and its regularised objective is evaluated in rationals by :func:`regularised_objective`.  It is
therefore an exact *upper* bound on the optimum; the float optimum is in the notes.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from exactnets.errors import InputError
from exactnets.network import Layer, Network
from exactnets.train.problem import TrainProblem, exact_objective

__all__ = ["DecaySolver", "regularised_objective", "balanced_network", "decay_enumeration", "train_decay"]

_ZERO = Fraction(0)


def regularised_objective(problem: TrainProblem, net: Network) -> Fraction:
    """``loss + (lambda/2) sum_i (|u_i|^2 + v_i^2)`` of a 2-layer network, exactly (``u_i`` is
    unit ``i``'s input weights and bias, ``v_i`` its output weight; the output bias is free)."""
    hidden, output = net.layers
    penalty = sum((sum((a * a for a in row), _ZERO) + b * b + v * v
                   for row, b, v in zip(hidden.weights, hidden.bias, output.weights[0])), _ZERO)
    return exact_objective(problem, net) + problem.weight_decay / 2 * penalty


def balanced_network(problem: TrainProblem, units: Sequence[tuple[int, np.ndarray]], c: float = 0.0) -> Network:
    """A rational network from absorbed float units ``(s_i, w_i)``: ``v_i = s_i r_i`` with ``r_i`` a
    rational near ``sqrt(|w_i|)`` and ``u_i = w_i / r_i`` (nearly balanced, so the penalty is
    nearly ``lambda |w_i|``).  Blocks of norm below ``1e-9`` (solver noise around an exact zero)
    become zero units; whatever is returned, its objective is then evaluated exactly."""
    hidden, biases, outputs = [], [], []
    for sign, block in units:
        norm = float(np.linalg.norm(block))
        if norm <= 1e-9:
            hidden.append([_ZERO] * problem.dim)
            biases.append(_ZERO)
            outputs.append(_ZERO)
            continue
        root = Fraction(float(np.sqrt(norm))).limit_denominator(1 << 30)
        u = [Fraction(float(v)).limit_denominator(1 << 40) / root for v in block]
        hidden.append(u[:-1])
        biases.append(u[-1])
        outputs.append(sign * root)
    bias = Fraction(float(c)).limit_denominator(1 << 40) if problem.output_bias else _ZERO
    return Network(problem.dim, [Layer("relu", hidden, biases), Layer("linear", [outputs], [bias])],
                   name="exact-train", meta={"loss": problem.loss, "weight_decay": str(problem.weight_decay)})


class DecaySolver:
    """The SOCP of one ``(q, full patterns)``, compiled once (cvxpy parameters) and re-solved."""

    def __init__(self, problem: TrainProblem):
        import cvxpy as cp

        self.problem = problem
        lifted = np.array([[float(v) for v in p] + [1.0] for p in problem.points])
        y = np.array([float(v) for v in problem.labels])
        count, d = lifted.shape
        w = problem.width
        self.weights = cp.Variable((w, d))
        self.bias = cp.Variable() if problem.output_bias else None
        self.mask = cp.Parameter((count, w))  # s_i * [unit i active at point j]
        self.side = cp.Parameter((count, w))  # +1 active, -1 inactive
        z = lifted @ self.weights.T
        f = cp.sum(cp.multiply(self.mask, z), axis=1)
        if self.bias is not None:
            f = f + self.bias
        loss = problem.loss
        if loss == "squared":
            data = cp.sum_squares(f - y) / count
        elif loss == "l1":
            data = cp.sum(cp.abs(f - y)) / count
        elif loss == "linf":
            data = cp.max(cp.abs(f - y))
        else:
            data = cp.sum(cp.pos(1 - cp.multiply(y, f))) / count
        penalty = float(problem.weight_decay) * cp.sum(cp.norm(self.weights, 2, axis=1))
        self.program = cp.Problem(cp.Minimize(data + penalty), [cp.multiply(self.side, z) >= 0])

    def solve(self, q: int, patterns: Sequence[str]) -> tuple[float, np.ndarray, float]:
        """``(value, weights (w x (n+1)), c)`` in floats."""
        w = self.problem.width
        active = np.array([[c == "1" for c in p] for p in patterns], dtype=float).reshape(w, -1).T
        signs = np.where(np.arange(w) < q, 1.0, -1.0)
        self.mask.value = active * signs[None, :]
        self.side.value = 2 * active - 1
        try:
            self.program.solve(solver="CLARABEL")
        except Exception:  # Clarabel rarely gives up on a degenerate cone; SCS is slower but robust
            self.program.solve(solver="SCS", eps=1e-10)
        c = float(self.bias.value) if self.bias is not None else 0.0
        return float(self.program.value), np.array(self.weights.value), c


def decay_enumeration(problem: TrainProblem, patterns: Sequence[str] | None = None):
    """Algorithm 1 with weight decay (see the module docstring): every ``q`` and every tuple of full
    patterns, sorted within sign groups.  Returns ``(float optimum, q, weights, c, solved)``."""
    from exactnets.train.patterns import enumerate_patterns

    patterns = enumerate_patterns(problem.points) if patterns is None else list(patterns)
    solver = DecaySolver(problem)
    w = problem.width
    best = (float("inf"), w, None, 0.0)
    solved = 0
    for q in range(w + 1):
        for positive in itertools.combinations_with_replacement(patterns, q):
            for negative in itertools.combinations_with_replacement(patterns, w - q):
                value, weights, c = solver.solve(q, positive + negative)
                solved += 1
                if value < best[0]:
                    best = (value, q, weights, c)
    value, q, weights, c = best
    return value, q, weights, c, solved


def train_decay(problem: TrainProblem, *, started: float | None = None):
    """The enumeration method with ``weight_decay > 0`` (any loss; output bias allowed, not
    regularised).  ``"certified": "tolerance"`` always (the optimum is irrational in general)."""
    from exactnets.train.api import TrainResult

    started = time.perf_counter() if started is None else started
    if problem.weight_decay <= 0:
        raise InputError("train_decay needs weight_decay > 0")
    from exactnets.train.patterns import enumerate_patterns

    patterns = enumerate_patterns(problem.points)
    value, q, weights, c, solved = decay_enumeration(problem, patterns)
    w = problem.width
    units = [(1 if i < q else -1, weights[i]) for i in range(w)]
    net = balanced_network(problem, units, c)
    objective = regularised_objective(problem, net)
    notes = [f"weight decay: loss + lambda * sum_i |w_i| (group lasso on the absorbed weights, the balanced form of "
             f"(lambda/2) sum_i (|u_i|^2 + v_i^2)); float optimum {value:.12g} over {solved} second-order cone "
             f"programs; the objective is the exact regularised loss of the rational network returned (an exact "
             f"upper bound; the optimum itself is irrational in general)"]
    naive = 2 ** w * len(patterns) ** w
    return TrainResult(objective, net, "enumerate", solved, naive, "exact pattern count", "tolerance",
                       time.perf_counter() - started, notes=notes, float_optimum=value)
