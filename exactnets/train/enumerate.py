"""Arora et al.'s Algorithm 1 (CLAIMS.md ABMM-Alg1), made fast: a branch-and-bound over prefixes.

Naive Algorithm 1 solves one convex program per sign vector ``s`` in ``{+-1}^w`` and per
``w``-tuple of realisable patterns of all ``D`` points.  Here:

* **Symmetry.**  Units of equal sign are interchangeable, so the sign vector is fixed by ``q``,
  the number of positive units (``w+1`` choices instead of ``2^w``), and within each sign group
  the units' patterns are taken in non-decreasing lexicographic order ('0' < '1').
* **Prefix bounds.**  Points are fixed in a search order (:func:`~exactnets.train.problem.search_order`).
  A node is ``(q, P_1..P_w)`` with patterns of the first ``k`` points; its subproblem (loss of
  those ``k`` points only, constraints of those ``k`` points only) is a valid lower bound for
  every completion.  A node whose bound is at least the incumbent's exact objective is pruned.
  Children extend every unit's pattern by one bit, keeping only realisable prefixes
  (:class:`~exactnets.train.patterns.PatternOracle`, with exact Gordan certificates for the others).
* **Incumbents.**  Every solved node's weights are a network on all the data; when its float
  objective looks better, it is confirmed exactly and becomes the incumbent.
* **Exactness.**  Pruning uses exact bounds: an exact dual vector (LP) or exact KKT multipliers
  (QP), re-checked in :mod:`exactnets.train.certificate`.  Where the exact confirmation fails, the
  node is pruned on the float bound and recorded as ``tolerance``.  Once the incumbent's objective
  is exactly 0, every open node is pruned by the rule "the loss is non-negative".
* **Russian doll search.**  The suffixes ``order[m:]`` are solved from the shortest to the whole
  data set; for a node of suffix ``m`` that has seen ``k`` points, the proven bound of suffix
  ``m+k`` for networks with the same ``q`` bounds the loss of the points it has not seen, and is
  added to its prefix bound (``max`` for ``linf``).  This cut the number of convex solves by
  5-10x on planted data (n = 2, D = 16-24).
  Any solved suffix among the unseen points gives a valid bound (a subset of them; losses are
  ``>= 0``), so a search may skip suffixes (:func:`exactnets.train.api.doll_starts`); measured on
  the benchmark instances, skipping did not pay (fewer suffix searches, weaker bounds), so by
  default every suffix is solved.
* **Cheap nodes.**  The children of a node are solved in one HiGHS call (their LPs side by side:
  for LPs this small HiGHS's fixed cost per call dominates), and a pruned node's exact bound is
  first sought by rounding the float dual to short rationals and checking it against the node
  LP's structure (:meth:`NodeSolver.quick_dual`), before the basis is re-solved exactly.
* **Workers.**  The tree is expanded breadth-first until there are enough open nodes; each open
  node's subtree is a task, run in-process, on local worker processes, or on a Dask cluster.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from exactnets.errors import InternalError
from exactnets.train.exact import dual_bound_from_basis, solve_dense, solve_lp
from exactnets.train.patterns import PatternOracle
from exactnets.train.problem import TrainProblem, fast_objective, float_objective, node_dense, node_lp

__all__ = ["Incumbent", "NodeSolver", "TaskResult", "node_key", "parse_key", "children_of", "run_task",
           "expand_frontier", "naive_enumeration"]

_ZERO = Fraction(0)


def node_key(q: int, patterns: Sequence[str]) -> str:
    """The certificate's name for a node: ``"q:P1|P2|..."``."""
    return f"{q}:{'|'.join(patterns)}"


def parse_key(key: str) -> tuple[int, tuple[str, ...]]:
    q, _, rest = key.partition(":")
    return int(q), tuple(rest.split("|"))


@dataclasses.dataclass
class Incumbent:
    """The best network found so far: exact objective, ``q``, units ``(a_i..., b_i)`` and ``c``."""

    value: Fraction
    q: int
    units: list[list[Fraction]]
    c: Fraction = _ZERO

    @property
    def float_value(self) -> float:
        return float(self.value)


@dataclasses.dataclass
class TaskResult:
    """What one subtree search produced: terminal records, expanded keys, counters, best network."""

    records: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    expanded: set[str] = dataclasses.field(default_factory=set)
    solved: int = 0
    exact_solves: int = 0
    best: Incumbent | None = None
    unrealisable: dict[str, dict[int, Fraction]] = dataclasses.field(default_factory=dict)
    uncertified_patterns: set[str] = dataclasses.field(default_factory=set)

    def merge(self, other: "TaskResult") -> None:
        self.records.update(other.records)
        self.expanded |= other.expanded
        self.solved += other.solved
        self.exact_solves += other.exact_solves
        self.unrealisable.update(other.unrealisable)
        self.uncertified_patterns |= other.uncertified_patterns
        if other.best is not None and (self.best is None or other.best.value < self.best.value):
            self.best = other.best


def children_of(oracle: PatternOracle, q: int, patterns: Sequence[str]) -> list[tuple[str, ...]]:
    """The children of a node: every unit's realisable one-bit extension, in symmetric order."""
    w = len(patterns)
    options = [oracle.children(p) for p in patterns]
    result = []
    for combo in itertools.product(*options):
        ok = True
        for i in range(w - 1):
            same_group = (i < q) == (i + 1 < q)
            if same_group and patterns[i] == patterns[i + 1] and combo[i][-1] > combo[i + 1][-1]:
                ok = False
                break
        if ok:
            result.append(tuple(combo))
    return result


class NodeSolver:
    """Everything needed to solve node subproblems of one problem (one per process)."""

    def __init__(self, problem: TrainProblem, order: Sequence[int], start: int = 0):
        self.problem = problem
        self.order = list(order)
        self.start = start
        self.points = [problem.points[j] for j in order[start:]]
        self.labels = [problem.labels[j] for j in order[start:]]
        self.size = len(self.points)
        self.lifted = [tuple(p) + (Fraction(1),) for p in self.points]
        self.lifted_f = np.array([[float(v) for v in p] for p in self.lifted]).reshape(self.size, problem.dim + 1)
        self.labels_f = np.array([float(v) for v in self.labels])
        self.lifted_q = [flint.fmpq_mat([[_to_fmpq(v) for v in p]]) for p in self.lifted]
        self.oracle = PatternOracle(self.points)
        self.full_f = (self.lifted_f, self.labels_f, problem.size)
        # future[q][k]: a proven lower bound on the loss of the points after the first k, for every
        # network with q positive units (Russian doll search: the optimum of a shorter suffix)
        self.future: list[list[Fraction]] = [[_ZERO] * (self.size + 1) for _ in range(problem.width + 1)]
        # future_from[k]: the start of the (solved) suffix whose bound future[.][k] is; None: 0
        self.future_from: list[int | None] = [None] * (self.size + 1)
        self._squared = None

    def combine(self, bound, future):
        """The bound of a node from its prefix bound and the proven bound on the rest."""
        return max(bound, future) if self.problem.loss == "linf" else bound + future

    def objective(self, q: int, units, c) -> Fraction:
        """Exact loss of a network on this solver's points (divided by D)."""
        return fast_objective(self.problem, q, units, c, self.points, self.labels)

    # -- float -----------------------------------------------------------------------------
    def solve_float(self, q: int, patterns: Sequence[str]) -> tuple[float, np.ndarray, Any]:
        if self.problem.loss == "squared":
            if self._squared is None:
                from exactnets.train.convex import SquaredNodeSolver

                self._squared = SquaredNodeSolver(self.problem, self.lifted_f, self.labels_f)
            value, x, multipliers = self._squared.solve(q, patterns)
            return value, x, multipliers
        cost, matrix, lower, nonneg = node_dense(self.problem, self.lifted_f, self.labels_f, q, patterns)
        solution = solve_dense(cost, matrix, lower, nonneg)
        if solution.status != "optimal":
            raise InternalError(f"node LP {node_key(q, patterns)} came back {solution.status}; it is always "
                                f"feasible and bounded below by 0")
        return solution.value, solution.x_float, (solution.basis, solution.y_float)

    def solve_float_many(self, q: int, nodes: Sequence[Sequence[str]]) -> list[tuple[float, np.ndarray, Any]]:
        """:meth:`solve_float` for several nodes in one HiGHS call: their LPs side by side (block
        diagonal), which decomposes, so each block of an optimal solution is optimal for its
        node.  For LPs this small HiGHS's fixed cost per call dominates (measured: four children
        in one call take about 55% of the time of four calls)."""
        if self.problem.loss == "squared" or len(nodes) < 2:
            return [self.solve_float(q, patterns) for patterns in nodes]
        blocks = [node_dense(self.problem, self.lifted_f, self.labels_f, q, patterns) for patterns in nodes]
        rows = [b[1].shape[0] for b in blocks]
        cols = [b[1].shape[1] for b in blocks]
        matrix = np.zeros((sum(rows), sum(cols)))
        r0 = c0 = 0
        for (_, block, _, _), m, n in zip(blocks, rows, cols):
            matrix[r0:r0 + m, c0:c0 + n] = block
            r0, c0 = r0 + m, c0 + n
        solution = solve_dense(np.concatenate([b[0] for b in blocks]), matrix, np.concatenate([b[2] for b in blocks]),
                               np.concatenate([b[3] for b in blocks]))
        if solution.status != "optimal":
            return [self.solve_float(q, patterns) for patterns in nodes]
        basic_cols, tight_rows = solution.basis
        results = []
        r0 = c0 = 0
        for (cost, _, _, _), m, n in zip(blocks, rows, cols):
            x = solution.x_float[c0:c0 + n]
            basis = ([j - c0 for j in basic_cols if c0 <= j < c0 + n], [i - r0 for i in tight_rows if r0 <= i < r0 + m])
            results.append((float(cost @ x), x, (basis, solution.y_float[r0:r0 + m])))
            r0, c0 = r0 + m, c0 + n
        return results

    # -- exact -----------------------------------------------------------------------------
    def solve_exact(self, q: int, patterns: Sequence[str], x_float: np.ndarray | None = None,
                    extra: Any = None) -> tuple[Fraction, list[Fraction], dict[str, Any]] | None:
        """``(value, x, record)``: the exact optimum, an exact optimal point and the certificate
        record of the lower bound, or ``None`` when exact confirmation fails."""
        if self.problem.loss == "squared":
            from exactnets.train.convex import exact_squared_node

            if x_float is None:
                _, x_float, extra = self.solve_float(q, patterns)
            confirmed = exact_squared_node(self.problem, self.lifted, self.labels, q, patterns, x_float, extra)
            if confirmed is None:
                return None
            value, x, lam = confirmed
            return value, x, {"kind": "qp", "bound": value, "multipliers": lam, "x": x}
        lp = node_lp(self.problem, self.lifted, self.labels, q, patterns)
        solution = solve_lp(lp)
        if not solution.exact:
            return None
        return solution.exact_value, solution.x, {"kind": "lp", "bound": solution.exact_value, "dual": solution.y}

    def exact_bound(self, q: int, patterns: Sequence[str], extra: Any = None) -> tuple[Fraction, dict[str, Any]] | None:
        """An exact lower bound on the node's optimum and its certificate record, or ``None``."""
        if self.problem.loss == "squared":
            exact = self.solve_exact(q, patterns)
            return None if exact is None else (exact[0], exact[2])
        if extra is not None:
            quick = self.quick_dual(q, patterns, extra[1])
            if quick is not None:
                return quick
        lp = node_lp(self.problem, self.lifted, self.labels, q, patterns)
        if extra is not None:
            found = dual_bound_from_basis(lp, extra[0], extra[1])
            if found is not None:
                return found[0], {"kind": "lp", "bound": found[0], "dual": found[1]}
        solution = solve_dense(*node_dense(self.problem, self.lifted_f, self.labels_f, q, patterns))
        found = dual_bound_from_basis(lp, solution.basis, solution.y_float)
        if found is not None:
            return found[0], {"kind": "lp", "bound": found[0], "dual": found[1]}
        exact = self.solve_exact(q, patterns)
        return None if exact is None else (exact[0], exact[2])

    def quick_dual(self, q: int, patterns: Sequence[str], y_float: np.ndarray | None) -> tuple[Fraction, dict[str, Any]] | None:
        """An exact lower bound from the float dual, rounded to short rationals and checked exactly
        against the structure of the node LP (:func:`~exactnets.train.problem.node_lp`'s row
        layout; the same conditions as :func:`~exactnets.train.exact.lp_dual_bound`, without
        building the LP).  ``None`` when the rounded vector is not exactly dual feasible (the
        caller then recovers the dual from the basis)."""
        if y_float is None or self.problem.loss == "squared":
            return None
        problem = self.problem
        loss = problem.loss
        w, k = problem.width, len(patterns[0])
        d = problem.dim + 1
        count = problem.size
        loss_rows = k if loss == "hinge" else 2 * k
        if len(y_float) != loss_rows + w * k:
            return None
        y: dict[int, Fraction] = {}
        for r, value in enumerate(y_float):
            if value > 1e-11:
                y[r] = _rational(value)
            elif value < -1e-9:
                return None
        labels = self.labels
        lifted = self.lifted_q
        if loss == "hinge":
            a = [labels[j] * y.get(j, _ZERO) for j in range(k)]
            bound = sum((y.get(j, _ZERO) for j in range(k)), _ZERO)
            if any(y.get(j, _ZERO) > Fraction(1, count) for j in range(k)):
                return None
        else:
            a = [y.get(2 * j + 1, _ZERO) - y.get(2 * j, _ZERO) for j in range(k)]
            bound = sum((labels[j] * a[j] for j in range(k) if a[j]), _ZERO)
            if loss == "l1":
                if any(y.get(2 * j, _ZERO) + y.get(2 * j + 1, _ZERO) > Fraction(1, count) for j in range(k)):
                    return None
            elif sum((v for r, v in y.items() if r < loss_rows), _ZERO) > 1:
                return None
        if problem.output_bias and sum(a, _ZERO) != 0:
            return None
        # the free weight columns: sum_j (pattern dual +- s_i a_j) (x_j, 1) = 0 for every unit,
        # in flint's rationals (C speed; the data and the duals are exact either way)
        a_q = [_to_fmpq(v) for v in a]
        zero = flint.fmpq(0)
        for i in range(w):
            sign = 1 if i < q else -1
            bits = patterns[i]
            total = flint.fmpq_mat(1, d)
            for j in range(k):
                value = y.get(loss_rows + i * k + j)
                coefficient = _to_fmpq(value) if value is not None else zero
                if bits[j] == "1":
                    coefficient = coefficient + a_q[j] if sign > 0 else coefficient - a_q[j]
                else:
                    coefficient = -coefficient
                if coefficient != 0:
                    total += lifted[j] * coefficient
            if any(total[0, t] != 0 for t in range(d)):
                return None
        return bound, {"kind": "lp", "bound": bound, "dual": y}

    def network_parts(self, q: int, x: Sequence[Any]) -> tuple[list[list[Any]], Any]:
        d = self.problem.dim + 1
        units = [list(x[i * d:(i + 1) * d]) for i in range(self.problem.width)]
        c = x[self.problem.width * d] if self.problem.output_bias else _ZERO
        return units, c

    def float_full_objective(self, q: int, x: np.ndarray) -> float:
        return float_objective(self.full_f, self.problem.loss, q, x, self.problem.width, self.problem.output_bias)


def _to_fmpq(value: Fraction) -> flint.fmpq:
    return flint.fmpq(value.numerator, value.denominator)


def _rational(value: float) -> Fraction:
    """A short rational near a float dual value (a proposal only; it is checked exactly): the
    first continued-fraction convergent within ``1e-11`` relative (denominator ``<= 2^24``).
    A float loop; several times faster than ``Fraction(value).limit_denominator``."""
    negative = value < 0
    x = -value if negative else value
    target = x
    p0, q0, p1, q1 = 0, 1, 1, 0
    for _ in range(40):
        a = math.floor(x)
        p0, q0, p1, q1 = p1, q1, a * p1 + p0, a * q1 + q0
        if q1 > 1 << 24:
            p1, q1 = p0, q0
            break
        if abs(p1 / q1 - target) <= 1e-11 * max(1.0, target):
            break
        frac = x - a
        if frac <= 0:
            break
        x = 1.0 / frac
    return Fraction(-p1 if negative else p1, q1)


def _tol(value: float) -> float:
    return 1e-9 * max(1.0, abs(value))


class _Search:
    """A depth-first search over the subtrees of some start nodes, against a local incumbent."""

    def __init__(self, solver: NodeSolver, incumbent: Incumbent, result: TaskResult):
        self.solver = solver
        self.problem = solver.problem
        self.incumbent = incumbent
        self.result = result

    # -- incumbent --------------------------------------------------------------------------
    def offer(self, q: int, x: Sequence[Fraction]) -> None:
        units, c = self.solver.network_parts(q, x)
        value = self.solver.objective(q, units, c)
        if value < self.incumbent.value:
            self.incumbent = Incumbent(value, q, [list(u) for u in units], c)
            self.result.best = self.incumbent

    def heuristic(self, q: int, patterns: Sequence[str], value: float, x: np.ndarray, extra: Any) -> None:
        estimate = self.solver.float_full_objective(q, x)
        if estimate < self.incumbent.float_value - _tol(self.incumbent.float_value):
            exact = self.solver.solve_exact(q, patterns, x, extra)
            self.result.exact_solves += 1
            if exact is not None:
                self.offer(q, exact[1])
            else:  # the float point itself, made rational, is still a network with an exact objective
                self.offer(q, [Fraction(float(v)) for v in x])

    # -- pruning ----------------------------------------------------------------------------------
    def try_prune(self, key: str, q: int, patterns: Sequence[str], bound: float, extra: Any = None) -> bool:
        if self.incumbent.value == 0:
            self.result.records[key] = {"kind": "nonnegative"}
            return True
        k = len(patterns[0])
        future = self.solver.future[q][k]
        total = self.solver.combine(bound, float(future))
        if total < self.incumbent.float_value - _tol(self.incumbent.float_value):
            return False
        if future >= self.incumbent.value:
            self.result.records[key] = {"kind": "future", "future": self.solver.future_from[k]}
            return True
        exact = self.solver.exact_bound(q, patterns, extra)
        self.result.exact_solves += 1
        if exact is not None:
            if self.solver.combine(exact[0], future) >= self.incumbent.value:
                record = dict(exact[1])
                if future:
                    record["future"] = self.solver.future_from[k]
                self.result.records[key] = record
                return True
            return False
        if total >= self.incumbent.float_value + 1e-7 * max(1.0, abs(self.incumbent.float_value)):
            self.result.records[key] = {"kind": "tolerance", "bound_float": total}
            return True
        return False

    def leaf(self, key: str, q: int, patterns: Sequence[str], bound: float) -> None:
        """A node with all ``D`` points: its optimum is the best network with these patterns."""
        if self.incumbent.value == 0:
            self.result.records[key] = {"kind": "nonnegative"}
            return
        exact = self.solver.solve_exact(q, patterns)
        self.result.exact_solves += 1
        if exact is None:
            self.result.records[key] = {"kind": "tolerance", "bound_float": bound}
            return
        value, x, record = exact
        units, c = self.solver.network_parts(q, x)
        replay = self.solver.objective(q, units, c)
        if replay != value:
            raise InternalError(f"leaf {key}: the exact LP optimum {value} differs from the replayed loss {replay}")
        self.offer(q, x)
        self.result.records[key] = record

    # -- the search ---------------------------------------------------------------------------
    def expand(self, q: int, patterns: Sequence[str]) -> list[tuple[float, tuple[str, ...]]]:
        """Solve every child of an (unpruned) node; returns the children still open, best first."""
        key = node_key(q, patterns)
        self.result.expanded.add(key)
        open_children = []
        children = children_of(self.solver.oracle, q, patterns)
        if self.incumbent.value == 0:
            for child in children:
                self.result.records[node_key(q, child)] = {"kind": "nonnegative"}
            return []
        for child, (value, x, extra) in zip(children, self.solver.solve_float_many(q, children)):
            self.result.solved += 1
            self.heuristic(q, child, value, x, extra)
            open_children.append((value, child, extra if self.problem.loss != "squared" else None))
        open_children.sort(key=lambda item: item[0])
        return open_children

    def visit(self, q: int, patterns: tuple[str, ...], bound: float, extra: Any = None) -> list[tuple]:
        """Process one open node: prune it, finish it as a leaf, or expand it."""
        key = node_key(q, patterns)
        if len(patterns[0]) > 0 and self.try_prune(key, q, patterns, bound, extra):
            return []
        if self.incumbent.value == 0:
            self.result.records[key] = {"kind": "nonnegative"}
            return []
        if len(patterns[0]) == self.solver.size:
            self.leaf(key, q, patterns, bound)
            return []
        return self.expand(q, patterns)

    def run(self, start: Sequence[tuple]) -> None:
        stack = [(q, p, b, None) for q, p, b in reversed(start)]
        while stack:
            q, patterns, bound, extra = stack.pop()
            for value, child, child_extra in reversed(self.visit(q, patterns, bound, extra)):
                stack.append((q, child, value, child_extra))


def _collect_oracle(solver: NodeSolver, result: TaskResult) -> None:
    result.unrealisable.update(solver.oracle.gordan)
    result.uncertified_patterns |= solver.oracle.uncertified


_SOLVERS: dict[Any, NodeSolver] = {}


def _solver_for(problem: TrainProblem, order: Sequence[int], start: int) -> NodeSolver:
    key = (problem, tuple(order), start)
    solver = _SOLVERS.get(key)
    if solver is None:
        _SOLVERS.clear()
        solver = _SOLVERS[key] = NodeSolver(problem, order, start)
    return solver


def run_task(payload: tuple) -> TaskResult:
    """One task: the subtrees of some open nodes.  ``payload = (problem, order, start, future,
    nodes, incumbent)`` with ``nodes`` a list of ``(q, patterns, float_bound)``.  A module-level
    function, so that worker processes and Dask can run it."""
    problem, order, start, (future, future_from), nodes, incumbent = payload
    solver = _solver_for(problem, order, start)
    solver.future = [list(row) for row in future]
    solver.future_from = list(future_from)
    result = TaskResult()
    search = _Search(solver, incumbent, result)
    search.run(nodes)
    _collect_oracle(solver, result)
    return result


def initial_incumbent(solver: NodeSolver, previous: Incumbent | None = None) -> Incumbent:
    """The better of the all-zero network and ``previous`` (exact objectives on the solver's points)."""
    problem = solver.problem
    units = [[_ZERO] * (problem.dim + 1) for _ in range(problem.width)]
    best = Incumbent(solver.objective(problem.width, units, _ZERO), problem.width, units, _ZERO)
    if previous is not None:
        value = solver.objective(previous.q, previous.units, previous.c)
        if value < best.value:
            best = Incumbent(value, previous.q, previous.units, previous.c)
    return best


def expand_frontier(solver: NodeSolver, incumbent: Incumbent, target: int,
                    result: TaskResult) -> tuple[list[tuple[int, tuple[str, ...], float]], Incumbent]:
    """Breadth-first expansion from the roots until at least ``target`` nodes are open (or the
    leaves are reached); returns the open nodes and the incumbent."""
    w = solver.problem.width
    search = _Search(solver, incumbent, result)
    level = [(q, ("",) * w, 0.0) for q in range(w + 1)]
    while level and len(level) < target and len(level[0][1][0]) < solver.size:
        following = []
        for q, patterns, bound in level:
            following.extend((q, child, value) for value, child, _ in search.visit(q, patterns, bound))
        level = following
    _collect_oracle(solver, result)
    return level, search.incumbent


def lower_by_q(solver: NodeSolver, result: TaskResult, incumbent: Fraction) -> list[Fraction]:
    """For each ``q``, the least combined bound over the closed nodes of that tree: a proven lower
    bound on the loss (on this solver's points) of every network with ``q`` positive units.
    Float-only (tolerance) records count as ``incumbent``."""
    lowest: list[Fraction | None] = [None] * (solver.problem.width + 1)
    for key, record in result.records.items():
        q, patterns = parse_key(key)
        k = len(patterns[0])
        kind = record["kind"]
        if kind == "nonnegative":
            value = _ZERO
        elif kind == "future":
            value = solver.future[q][k]
        elif kind == "tolerance":
            value = incumbent
        else:
            value = solver.combine(record["bound"], solver.future[q][k]) if "future" in record else record["bound"]
        if lowest[q] is None or value < lowest[q]:
            lowest[q] = value
    return [incumbent if v is None else v for v in lowest]


def naive_count(problem: TrainProblem, pattern_count: int) -> int:
    """Naive Algorithm 1's number of convex programs: ``2^w`` sign vectors times ``P^w`` tuples."""
    return 2 ** problem.width * pattern_count ** problem.width


def naive_enumeration(problem: TrainProblem, progress: Callable[[int, int], None] | None = None):
    """Naive Algorithm 1: every sign vector in ``{+-1}^w`` and every ``w``-tuple of realisable
    patterns of all points, one float convex program each, no pruning, no symmetry.  The best
    tuple is then solved exactly.  Returns ``(value, q_signs, units, c, solved)`` where
    ``q_signs`` is the sign vector; for benchmarks and cross-checks (not certified)."""
    from exactnets.train.patterns import _all_patterns

    order = list(range(problem.size))
    solver = NodeSolver(problem, order)
    patterns = _all_patterns(solver.oracle)
    w = problem.width
    best = (math.inf, None, None)
    solved = 0
    total = 2 ** w * len(patterns) ** w
    for signs in itertools.product((1, -1), repeat=w):
        # Put the sign vector into the node layout by permuting: positive units first.
        positive = [i for i in range(w) if signs[i] == 1]
        negative = [i for i in range(w) if signs[i] == -1]
        q = len(positive)
        for combo in itertools.product(patterns, repeat=w):
            arranged = tuple(combo[i] for i in positive + negative)
            value, x, extra = solver.solve_float(q, arranged)
            solved += 1
            if value < best[0]:
                best = (value, q, arranged)
            if progress is not None and solved % 1000 == 0:
                progress(solved, total)
    _, q, arranged = best
    exact = solver.solve_exact(q, arranged)
    if exact is None:
        raise InternalError("naive enumeration: the best tuple's subproblem could not be confirmed exactly")
    value, x, _ = exact
    units, c = solver.network_parts(q, x)
    return value, q, units, c, solved, len(patterns)
