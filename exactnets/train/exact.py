"""Exact linear and quadratic programming at one boundary: HiGHS/cvxpy propose, rationals confirm.

Every program here has the form

    minimise  c . x  (+ x' Q x for the quadratic case)
    subject to  G x >= h   (row by row),   x_j >= 0 for j in ``nonneg``, the other x_j free,

with rational ``c``, ``G``, ``h`` (and ``Q``).  A float solver proposes a solution; then

* for an LP, the optimal basis it reports is re-solved exactly (python-flint ``fmpq_mat``) and the
  exact primal point and exact dual vector are checked for feasibility in rationals.  When both
  checks pass the value is the exact optimum, and the dual vector ``y`` is an exact certificate
  of the lower bound ``h . y`` (weak duality; :func:`lp_dual_bound` re-checks it from scratch);
* for a QP, the active set is read off the float solution and the KKT system is solved exactly;
  the multipliers are checked, and :func:`qp_dual_bound` re-checks the resulting Lagrangian bound.

Nothing here is trusted because a float solver said so: a result carries ``exact=True`` only when
the rational checks pass.  Otherwise the float value comes back with ``exact=False`` and the
caller must say that the number is certified only up to the solver's tolerance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from fractions import Fraction

import flint
import numpy as np

__all__ = ["LP", "LPSolution", "solve_lp", "solve_dense", "dual_bound_from_basis", "lp_dual_bound", "qp_dual_bound", "to_fmpq", "from_fmpq",
           "exact_solve", "nullspace_vector"]

_ZERO = Fraction(0)
INF = float("inf")


def to_fmpq(value: Fraction | int) -> flint.fmpq:
    value = Fraction(value)
    return flint.fmpq(value.numerator, value.denominator)


def from_fmpq(value: flint.fmpq) -> Fraction:
    return Fraction(int(value.p), int(value.q))


@dataclasses.dataclass
class LP:
    """``min c.x s.t. G x >= h``, ``x_j >= 0`` for ``j in nonneg``; exact rational data.

    ``G`` is stored sparsely: ``rows[i]`` is a list of ``(column, coefficient)`` pairs.
    """

    c: list[Fraction]
    rows: list[list[tuple[int, Fraction]]]
    h: list[Fraction]
    nonneg: frozenset[int]

    @property
    def n_cols(self) -> int:
        return len(self.c)

    @property
    def n_rows(self) -> int:
        return len(self.rows)


@dataclasses.dataclass
class LPSolution:
    status: str  # "optimal" | "unbounded" | "infeasible" | "error"
    value: float  # the float optimum
    exact: bool  # True when x and y below are exactly optimal (checked)
    x: list[Fraction] | None = None  # exact primal point (when exact)
    y: dict[int, Fraction] | None = None  # exact dual, nonzero rows only (when exact)
    exact_value: Fraction | None = None  # c.x = h.y (when exact)
    x_float: np.ndarray | None = None
    y_float: np.ndarray | None = None
    basis: tuple[list[int], list[int]] | None = None  # (basic columns, nonbasic rows)


_BANNER_SHOWN = False
_SHARED = None


def _highs(shared: bool = False):
    """A quiet HiGHS instance (its one-time banner would otherwise go to standard output).

    ``shared``: one instance per process, reused (``passModel`` replaces its model); creating a
    ``Highs`` object costs about a tenth of a millisecond, a fifth of a small LP's solve."""
    global _BANNER_SHOWN, _SHARED
    import os
    import sys

    import highspy

    if shared:
        if _SHARED is None:
            _SHARED = _highs()
        return _SHARED
    if not _BANNER_SHOWN:
        _BANNER_SHOWN = True
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
    else:
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")  # tiny LPs: presolve costs more than it saves (measured)
    return highs


def solve_dense(c: np.ndarray, matrix: np.ndarray, lower: np.ndarray, nonneg: np.ndarray) -> LPSolution:
    """Float only: ``min c.x s.t. matrix @ x >= lower``, ``x >= 0`` where ``nonneg`` is True.

    The fast path for proposals (numpy data, no rationals); ``exact`` is always False.
    """
    import highspy

    m, n = matrix.shape
    highs = _highs(shared=True)
    model = highspy.HighsLp()
    model.num_col_ = n
    model.num_row_ = m
    model.col_cost_ = np.asarray(c, dtype=np.float64)
    model.col_lower_ = np.where(nonneg, 0.0, -INF)
    model.col_upper_ = np.full(n, INF)
    model.row_lower_ = np.asarray(lower, dtype=np.float64)
    model.row_upper_ = np.full(m, INF)
    nz_rows, nz_cols = np.nonzero(matrix.T)  # column-major order: (column, row) pairs
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = np.searchsorted(nz_rows, np.arange(n + 1)).astype(np.int32)
    model.a_matrix_.index_ = nz_cols.astype(np.int32)
    model.a_matrix_.value_ = matrix.T[nz_rows, nz_cols].astype(np.float64)
    highs.passModel(model)
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        solution = highs.getSolution()
        result = LPSolution("optimal", float(highs.getInfo().objective_function_value), False,
                            x_float=np.array(solution.col_value), y_float=np.array(solution.row_dual))
        basis = highs.getBasis()
        basic = highspy.HighsBasisStatus.kBasic
        result.basis = ([j for j, st in enumerate(basis.col_status) if st == basic],
                        [i for i, st in enumerate(basis.row_status) if st != basic])
        return result
    if status == highspy.HighsModelStatus.kUnbounded:
        return LPSolution("unbounded", -INF, False)
    if status == highspy.HighsModelStatus.kInfeasible:
        return LPSolution("infeasible", INF, False)
    return LPSolution("error", float("nan"), False)


def solve_lp(lp: LP, *, exact: bool = True) -> LPSolution:
    """Solve ``lp`` with HiGHS (dual simplex) and, when ``exact``, confirm the basis in rationals."""
    import highspy

    m, n = lp.n_rows, lp.n_cols
    highs = _highs()
    col_lower = np.array([0.0 if j in lp.nonneg else -INF for j in range(n)])
    col_upper = np.full(n, INF)
    starts, index, values = [], [], []
    # HiGHS wants the matrix by columns or rows; pass rows (row-wise format).
    for row in lp.rows:
        starts.append(len(index))
        for j, v in row:
            index.append(j)
            values.append(float(v))
    model = highspy.HighsLp()
    model.num_col_ = n
    model.num_row_ = m
    model.col_cost_ = np.array([float(v) for v in lp.c])
    model.col_lower_ = col_lower
    model.col_upper_ = col_upper
    model.row_lower_ = np.array([float(v) for v in lp.h])
    model.row_upper_ = np.full(m, INF)
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = np.array(starts + [len(index)], dtype=np.int32)
    model.a_matrix_.index_ = np.array(index, dtype=np.int32)
    model.a_matrix_.value_ = np.array(values)
    highs.passModel(model)
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        pass
    elif status == highspy.HighsModelStatus.kUnbounded:
        return LPSolution("unbounded", -INF, False)
    elif status == highspy.HighsModelStatus.kInfeasible:
        return LPSolution("infeasible", INF, False)
    else:
        return LPSolution("error", float("nan"), False)
    info = highs.getInfo()
    value = float(info.objective_function_value)
    solution = highs.getSolution()
    x_float = np.array(solution.col_value)
    y_float = np.array(solution.row_dual)
    result = LPSolution("optimal", value, False, x_float=x_float, y_float=y_float)
    basis = highs.getBasis()
    basic = highspy.HighsBasisStatus.kBasic
    basic_cols = [j for j, s in enumerate(basis.col_status) if s == basic]
    tight_rows = [i for i, s in enumerate(basis.row_status) if s != basic]
    result.basis = (basic_cols, tight_rows)
    if not exact:
        return result
    confirmed = _confirm_basis(lp, basic_cols, tight_rows)
    if confirmed is None:
        # A second chance: read the active set off the float solution.
        confirmed = _confirm_active_set(lp, x_float, y_float)
    if confirmed is not None:
        x, y, exact_value = confirmed
        result.exact, result.x, result.y, result.exact_value = True, x, y, exact_value
    return result


def dual_bound_from_basis(lp: LP, basis: tuple[list[int], list[int]] | None,
                          y_float: np.ndarray | None = None) -> tuple[Fraction, dict[int, Fraction]] | None:
    """An exact dual-feasible ``y`` read off a float basis (or, failing that, off the float dual's
    support), with its bound ``h.y``; ``None`` if neither gives a dual-feasible vector.  Only the
    dual is computed: enough to certify a lower bound."""
    attempts = []
    if basis is not None:
        attempts.append(basis)
    if y_float is not None:
        tight = [i for i in range(lp.n_rows) if y_float[i] > 1e-9]
        attempts.append((None, tight))
    for cols, rows in attempts:
        if cols is None:
            cols = [j for j in range(lp.n_cols) if j not in lp.nonneg]
            # plus the non-negative columns whose reduced cost is (numerically) zero
            reduced = np.array([float(c) for c in lp.c])
            for i in rows:
                for j, v in lp.rows[i]:
                    reduced[j] -= float(v) * y_float[i]
            cols += [j for j in lp.nonneg if abs(reduced[j]) <= 1e-9]
        if not cols:
            continue
        matrix = _matrix(lp, rows, cols)
        values = exact_solve(matrix.transpose(), [lp.c[j] for j in cols])
        if values is None:
            continue
        y = {i: v for i, v in zip(rows, values) if v != 0}
        bound = lp_dual_bound(lp, y)
        if bound is not None:
            return bound, y
    return None


def _matrix(lp: LP, rows: Sequence[int], cols: Sequence[int]) -> flint.fmpq_mat:
    position = {j: k for k, j in enumerate(cols)}
    entries = [[0] * len(cols) for _ in rows]
    for r, i in enumerate(rows):
        for j, v in lp.rows[i]:
            k = position.get(j)
            if k is not None:
                entries[r][k] = to_fmpq(v)
    return flint.fmpq_mat(entries) if rows and cols else flint.fmpq_mat(len(rows), len(cols))


def exact_solve(matrix: flint.fmpq_mat, rhs: Sequence[Fraction]) -> list[Fraction] | None:
    """A solution of ``matrix @ x = rhs`` (any one, free variables set to 0), or ``None``."""
    m, n = matrix.nrows(), matrix.ncols()
    if n == 0:
        return [] if all(v == 0 for v in rhs) else None
    augmented = flint.fmpq_mat(m, n + 1)
    for i in range(m):
        for j in range(n):
            augmented[i, j] = matrix[i, j]
        augmented[i, n] = to_fmpq(rhs[i])
    reduced, rank = augmented.rref()
    x = [_ZERO] * n
    for i in range(rank):
        pivot = next(j for j in range(n + 1) if reduced[i, j] != 0)
        if pivot == n:
            return None  # inconsistent
        x[pivot] = from_fmpq(reduced[i, n])
    return x


def nullspace_vector(matrix: flint.fmpq_mat) -> list[list[Fraction]]:
    """A basis of the (right) nullspace of ``matrix`` as rational vectors."""
    m, n = matrix.nrows(), matrix.ncols()
    reduced, rank = matrix.rref()
    pivots = []
    for i in range(rank):
        pivots.append(next(j for j in range(n) if reduced[i, j] != 0))
    free = [j for j in range(n) if j not in set(pivots)]
    basis = []
    for f in free:
        vector = [_ZERO] * n
        vector[f] = Fraction(1)
        for i, p in enumerate(pivots):
            vector[p] = -from_fmpq(reduced[i, f])
        basis.append(vector)
    return basis


def _row_activity(lp: LP, x: Sequence[Fraction], i: int) -> Fraction:
    return sum((v * x[j] for j, v in lp.rows[i]), _ZERO)


def _check(lp: LP, x: list[Fraction], y: dict[int, Fraction]) -> Fraction | None:
    """Exact primal feasibility of ``x``, dual feasibility of ``y`` and equal objectives."""
    for j in lp.nonneg:
        if x[j] < 0:
            return None
    for i in range(lp.n_rows):
        if _row_activity(lp, x, i) < lp.h[i]:
            return None
    bound = lp_dual_bound(lp, y)
    if bound is None:
        return None
    primal = sum((cj * xj for cj, xj in zip(lp.c, x)), _ZERO)
    return primal if primal == bound else None


def _confirm_basis(lp: LP, basic_cols: list[int], tight_rows: list[int]) -> tuple | None:
    if len(basic_cols) != len(tight_rows):
        return None
    # Nonbasic columns sit at 0 (their lower bound, or 0 for a free nonbasic column).
    matrix = _matrix(lp, tight_rows, basic_cols)
    if basic_cols:
        try:
            if matrix.rank() != len(basic_cols):
                return None
        except Exception:
            return None
    values = exact_solve(matrix, [lp.h[i] for i in tight_rows]) if basic_cols else []
    if values is None:
        return None
    x = [_ZERO] * lp.n_cols
    for j, v in zip(basic_cols, values):
        x[j] = v
    # Duals: G_{tight, basic}^T y = c_basic.
    y_values = exact_solve(matrix.transpose(), [lp.c[j] for j in basic_cols]) if basic_cols else []
    if y_values is None:
        return None
    y = {i: v for i, v in zip(tight_rows, y_values) if v != 0}
    value = _check(lp, x, y)
    return None if value is None else (x, y, value)


def _confirm_active_set(lp: LP, x_float: np.ndarray, y_float: np.ndarray, tol: float = 1e-7) -> tuple | None:
    """Fallback: tight rows = rows with a clearly positive dual; solve primal and dual exactly."""
    tight = [i for i in range(lp.n_rows) if abs(y_float[i]) > tol]
    zero_cols = [j for j in lp.nonneg if abs(x_float[j]) <= tol]
    cols = [j for j in range(lp.n_cols) if j not in set(zero_cols)]
    # Primal: rows in `tight` hold with equality, zero columns are 0.
    matrix = _matrix(lp, tight, cols)
    values = exact_solve(matrix, [lp.h[i] for i in tight])
    if values is None:
        return None
    x = [_ZERO] * lp.n_cols
    for j, v in zip(cols, values):
        x[j] = v
    # Dual: sum_i G_ij y_i = c_j for the columns that are free or positive.
    y_values = exact_solve(matrix.transpose(), [lp.c[j] for j in cols])
    if y_values is None:
        return None
    y = {i: v for i, v in zip(tight, y_values) if v != 0}
    value = _check(lp, x, y)
    return None if value is None else (x, y, value)


def lp_dual_bound(lp: LP, y: dict[int, Fraction]) -> Fraction | None:
    """The exact lower bound ``h . y`` on ``lp``'s optimum if ``y`` is dual feasible, else ``None``.

    Dual feasibility: ``y >= 0``; ``(G^T y)_j = c_j`` for free columns and ``<= c_j`` for
    non-negative ones.  Weak duality then gives ``c.x >= h.y`` for every feasible ``x``.
    """
    reduced = list(lp.c)
    for i, yi in y.items():
        if yi < 0:
            return None
        for j, v in lp.rows[i]:
            reduced[j] -= v * yi
    for j, d in enumerate(reduced):
        if j in lp.nonneg:
            if d < 0:
                return None
        elif d != 0:
            return None
    return sum((lp.h[i] * yi for i, yi in y.items()), _ZERO)


def qp_dual_bound(quad: Sequence[Sequence[Fraction]], lin: Sequence[Fraction], const: Fraction, lp_rows: LP,
                  multipliers: dict[int, Fraction], x: Sequence[Fraction]) -> Fraction | None:
    """An exact Lagrangian lower bound for ``min x'Qx + lin.x + const s.t. G x >= h`` (all x free).

    ``multipliers`` (``lambda >= 0``) and a point ``x`` with ``2 Q x + lin = G^T lambda`` (exactly;
    then ``x`` minimises the convex Lagrangian) give the bound
    ``x'Qx + lin.x + const - lambda.(G x - h)``.  ``Q`` must be positive semidefinite, which the
    caller guarantees by construction (``Q = F'F / D``).  Returns ``None`` if a check fails.
    """
    n = len(lin)
    gradient = [2 * sum((quad[j][k] * x[k] for k in range(n) if quad[j][k]), _ZERO) + lin[j] for j in range(n)]
    for i, li in multipliers.items():
        if li < 0:
            return None
        for j, v in lp_rows.rows[i]:
            gradient[j] -= v * li
    if any(g != 0 for g in gradient):
        return None
    value = const + sum((lin[j] * x[j] for j in range(n)), _ZERO)
    value += sum((x[j] * quad[j][k] * x[k] for j in range(n) for k in range(n) if quad[j][k]), _ZERO)
    for i, li in multipliers.items():
        value -= li * (_row_activity(lp_rows, x, i) - lp_rows.h[i])
    return value
