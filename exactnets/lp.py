"""Exact linear programming at one boundary: a float solver proposes, rationals confirm.

A :class:`Region` is ``{x : lower <= x <= upper, a_i . x <= b_i (or < b_i)}`` with exact
integer rows and exact rational (or missing, i.e. infinite) box bounds.  Two questions are
answered exactly:

:func:`find_point`
    a point of the region (strict rows strictly satisfied), or a proof that there is none;
:func:`upper_bound`
    a number that provably bounds ``sup c . x`` over the region.

HiGHS (through ``highspy``, in float64) is asked first; nothing it says is believed.

* A proposed **point** is turned into exact binary rationals, clamped into the box and checked
  row by row in integers; only a point that passes is returned.
* A proposed **bound** or **emptiness** is checked with the dual vector ``y >= 0`` HiGHS
  returns, by the *Lagrangian (weak duality) bound* in exact rationals: for every ``x`` of the
  region ``c . x = y^T A x + r . x <= y^T b + max_{x in box} r . x`` with ``r = c - A^T y``.
  This holds for *every* ``y >= 0``, so rounding in ``y`` can only weaken the bound, never make
  it wrong (Neumaier & Shcherbina, "Safe bounds in linear and mixed-integer linear programming",
  Math. Program. 99 (2004)); emptiness is the same argument with a Farkas ray (Farkas' lemma).
  Where the box is unbounded the residual ``r`` must vanish exactly, so the dual is re-solved
  exactly on its support with python-flint (a basis re-solved in rationals).

When the float route cannot certify (a degenerate optimum exactly at 0, an unbounded box), z3 is
asked: its linear real arithmetic is an exact simplex over rationals, and a model it returns is
checked row by row like any other point.

Strict rows are handled with a strictness variable ``s``: the region is non-empty iff
``max s`` subject to ``a_i . x + s <= b_i`` (strict rows), ``a_i . x <= b_i`` (the others) and
``-1 <= s <= 1`` is positive.

>>> from fractions import Fraction
>>> r = Region(2, [0, 0], [1, 1], [Halfspace((1, 1), 1, strict=True)])
>>> p = find_point(r)
>>> p is not None and p[0] + p[1] < 1
True
>>> find_point(Region(1, [0], [1], [Halfspace((-1,), -2)])) is None   # x >= 2 misses [0, 1]
True
>>> upper_bound(Region(2, [0, 0], [1, 1], [Halfspace((1, 1), 1)]), (1, 1))
Fraction(1, 1)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.errors import InputError, InternalError

__all__ = ["Halfspace", "Region", "LPUnknown", "EmptyRegion", "LPStats", "find_point", "upper_bound", "exact_maximum", "satisfies"]


class LPUnknown(Exception):
    """Neither the certified float route nor z3 (within its time limit) could answer."""


@dataclasses.dataclass
class LPStats:
    """Counters for benchmarks: LPs asked, answered by a checked float certificate, by z3."""

    solved: int = 0
    certified: int = 0
    z3_calls: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Halfspace:
    """``sum_j a_j x_j <= b`` (``< b`` when ``strict``) with integer ``a`` and ``b``."""

    a: tuple[int, ...]
    b: int
    strict: bool = False

    @staticmethod
    def from_rationals(a: Sequence[Fraction], b: Fraction, strict: bool = False) -> "Halfspace":
        """The same halfspace with the row scaled to integers (by a positive common denominator)."""
        den = 1
        for v in (*a, b):
            den = math.lcm(den, Fraction(v).denominator)
        ints = [int(Fraction(v) * den) for v in a]
        return Halfspace(tuple(ints), int(Fraction(b) * den), strict)

    def holds(self, x: Sequence[Fraction]) -> bool:
        value = sum((a * v for a, v in zip(self.a, x) if a), Fraction(0))
        return value < self.b if self.strict else value <= self.b


class Region:
    """``{x in R^dim : lower <= x <= upper, every halfspace}``; ``None`` bounds are infinite."""

    def __init__(self, dim: int, lower: Sequence[Any] | None, upper: Sequence[Any] | None,
                 halfspaces: Iterable[Halfspace] = ()):
        self.dim = dim
        self.lower = tuple(None if v is None else Fraction(v) for v in (lower if lower is not None else [None] * dim))
        self.upper = tuple(None if v is None else Fraction(v) for v in (upper if upper is not None else [None] * dim))
        self.halfspaces = tuple(halfspaces)
        if len(self.lower) != dim or len(self.upper) != dim:
            raise InputError(f"region box bounds must have {dim} entries")
        for h in self.halfspaces:
            if len(h.a) != dim:
                raise InputError(f"a halfspace has {len(h.a)} coefficients; the region has dimension {dim}")

    def with_halfspaces(self, extra: Iterable[Halfspace]) -> "Region":
        return Region(self.dim, self.lower, self.upper, (*self.halfspaces, *extra))

    @property
    def bounded(self) -> bool:
        return all(v is not None for v in self.lower) and all(v is not None for v in self.upper)

    def contains(self, x: Sequence[Fraction]) -> bool:
        return satisfies(self, x)


def satisfies(region: Region, x: Sequence[Fraction]) -> bool:
    """Exact membership: every box bound and every row, strict rows strictly."""
    for v, lo, hi in zip(x, region.lower, region.upper):
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            return False
    return all(h.holds(x) for h in region.halfspaces)


# -- HiGHS: proposals ------------------------------------------------------------------------------

_SOLVER: Any = None


def _highs():
    """One HiGHS instance for the process, built with stdout silenced (it prints a banner)."""
    global _SOLVER
    if _SOLVER is None:
        import os
        import sys

        import highspy

        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        try:
            solver = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        solver.setOptionValue("output_flag", False)
        _SOLVER = solver
    return _SOLVER


def _row_scale(h: Halfspace) -> int:
    """``e`` with the row divided by ``2^e`` of order one (exact: a power of two)."""
    peak = max((abs(v) for v in h.a), default=0)
    return max(peak.bit_length() - 1, 0) if peak else 0


def _to_float(value: Fraction | int) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _solve_float(region: Region, cost: Sequence[float], strict_var: bool, scales: Sequence[int]):
    """Minimise ``cost . (x, s)`` with HiGHS; returns (status, x, s, row_duals, col_duals, ray)."""
    import highspy

    n, m = region.dim, len(region.halfspaces)
    cols = n + (1 if strict_var else 0)
    lp = highspy.HighsLp()
    lp.num_col_ = cols
    lp.num_row_ = m
    inf = highspy.kHighsInf
    lp.col_cost_ = np.array(cost, dtype=np.float64)
    lower = [(-inf if v is None else _to_float(v)) for v in region.lower]
    upper = [(inf if v is None else _to_float(v)) for v in region.upper]
    if strict_var:
        lower.append(-1.0)
        upper.append(1.0)
    lp.col_lower_ = np.array(lower, dtype=np.float64)
    lp.col_upper_ = np.array(upper, dtype=np.float64)
    starts, index, values, row_upper = [0], [], [], []
    for h, e in zip(region.halfspaces, scales):
        div = 1 << e
        for j, a in enumerate(h.a):
            if a:
                index.append(j)
                values.append(a / div)
        if strict_var and h.strict:
            index.append(n)
            values.append(1.0)
        starts.append(len(index))
        row_upper.append(min(h.b / div, 1e300) if abs(h.b) < (div << 1000) else (1e300 if h.b > 0 else -1e300))
    lp.row_lower_ = np.full(m, -inf)
    lp.row_upper_ = np.array(row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values, dtype=np.float64)
    solver = _highs()
    solver.passModel(lp)
    solver.run()
    status = solver.modelStatusToString(solver.getModelStatus())
    sol = solver.getSolution()
    x = list(sol.col_value) if sol.value_valid else None
    duals = list(sol.row_dual) if sol.dual_valid else None
    ray = None
    if status == "Infeasible":
        try:
            _, has_ray, values_ray = solver.getDualRay()
            if has_ray:
                ray = list(values_ray)
        except Exception:  # an older highspy without rays: the z3 fallback answers instead
            ray = None
    return status, x, duals, ray


# -- exact certificates ---------------------------------------------------------------------------------

def _lagrangian_bound(region: Region, c: Sequence[Fraction], y: Sequence[float], scales: Sequence[int],
                      strict_coef: Fraction | None) -> Fraction | None:
    """Exact ``y^T b + max_{box} r . (x, s)`` for multipliers ``y >= 0`` on the rows.

    The rows are those HiGHS was given, each divided by its power of two ``2^e``:
    ``(a / 2^e) . x (+ s) <= b / 2^e`` (``+ s`` on strict rows), so ``y_i`` multiplies that scaled
    row and the row's exact contribution is ``y_i / 2^e`` times the integer row.  ``c`` is the
    objective on ``x`` (maximised); ``strict_coef`` the objective on ``s`` when the strictness
    variable is present (box ``[-1, 1]``).  ``None`` if the box is infinite where the residual is
    not zero (the bound would be infinite).
    """
    n = region.dim
    total = Fraction(0)
    residual = [Fraction(v) for v in c]
    r_s = strict_coef
    for h, e, yv in zip(region.halfspaces, scales, y):
        if not (yv > 0.0) or not math.isfinite(yv):
            continue
        mult = Fraction(yv) / (1 << e)
        total += mult * h.b
        for j, a in enumerate(h.a):
            if a:
                residual[j] -= mult * a
        if r_s is not None and h.strict:
            r_s -= Fraction(yv)  # the strictness variable has coefficient 1 in the scaled row
    for j in range(n):
        r = residual[j]
        if r > 0:
            if region.upper[j] is None:
                return None
            total += r * region.upper[j]
        elif r < 0:
            if region.lower[j] is None:
                return None
            total += r * region.lower[j]
    if r_s is not None:
        total += abs(r_s)
    return total


def _exact_dual_repair(region: Region, c: Sequence[Fraction], y: Sequence[float], scales: Sequence[int]) -> Fraction | None:
    """Re-solve the dual exactly on the support of a float dual (python-flint), for unbounded boxes.

    Finds exact ``y_S >= 0`` with ``sum_S y_i a_i = c`` on the rows HiGHS marked active and
    returns ``y_S . b_S`` (a valid bound by weak duality), or ``None``.
    """
    import flint

    support = [i for i, v in enumerate(y) if v > 1e-12]
    if not support or len(support) > 4 * region.dim + 8:
        return None
    rows = [region.halfspaces[i] for i in support]
    n = region.dim
    # Solve A_S^T y = c for y (n equations, |S| unknowns) by exact row reduction.
    k = len(rows)
    augmented = flint.fmpq_mat(n, k + 1, [v for j in range(n) for v in
                                          ([rows[i].a[j] for i in range(k)] + [flint.fmpq(c[j].numerator, c[j].denominator)])])
    reduced, rank = augmented.rref()
    solution = [Fraction(0)] * k
    pivots = []
    for r in range(rank):
        row = [reduced[r, col] for col in range(k + 1)]
        pivot = next((col for col in range(k + 1) if row[col] != 0), None)
        if pivot is None:
            continue
        if pivot == k:  # inconsistent: c is not in the span of the support rows
            return None
        value = row[k]
        solution[pivot] = Fraction(int(value.p), int(value.q))
        pivots.append(pivot)
    # Free variables are set to zero; check the candidate exactly.
    if any(v < 0 for v in solution):
        return None
    for j in range(n):
        if sum((solution[i] * rows[i].a[j] for i in range(k)), Fraction(0)) != c[j]:
            return None
    return sum((solution[i] * rows[i].b for i in range(k)), Fraction(0))


def _solve_exact(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """A solution of ``matrix y = rhs`` (free unknowns set to 0) by exact row reduction, or None."""
    import flint

    rows, cols = len(matrix), len(matrix[0]) if matrix else 0
    if rows == 0 or cols == 0:
        return None
    entries = []
    for r in range(rows):
        for v in (*matrix[r], rhs[r]):
            q = Fraction(v)
            entries.append(flint.fmpq(q.numerator, q.denominator))
    reduced, rank = flint.fmpq_mat(rows, cols + 1, entries).rref()
    solution = [Fraction(0)] * cols
    for r in range(rank):
        pivot = next((c for c in range(cols + 1) if reduced[r, c] != 0), None)
        if pivot is None:
            continue
        if pivot == cols:
            return None  # inconsistent
        value = reduced[r, cols]
        solution[pivot] = Fraction(int(value.p), int(value.q))
    return solution


def _repair_point(region: Region, x: Sequence[float], scales: Sequence[int]) -> tuple[Fraction, ...] | None:
    """Snap a float point onto the rows it (nearly) satisfies with equality, exactly; then check it.

    The float point ``x`` becomes exact binary rationals; the rows active at it are solved as
    equalities by the least-norm exact correction ``d = A^T (A A^T)^-1 (b - A x)`` (rows made
    independent first).  A row-by-row exact check decides; nothing is trusted.
    """
    n = region.dim
    point = [Fraction(v) for v in x]
    active: list[tuple[list[Fraction], Fraction]] = []
    for h, e in zip(region.halfspaces, scales):
        if h.strict:
            continue
        div = 1 << e
        value = sum(a / div * v for a, v in zip(h.a, x))
        if abs(h.b / div - value) <= 1e-7 * (1 + abs(h.b / div)):
            active.append(([Fraction(a) for a in h.a], Fraction(h.b)))
    for j, (lo, hi) in enumerate(zip(region.lower, region.upper)):
        for bound in (lo, hi):
            if bound is not None and abs(_to_float(bound) - x[j]) <= 1e-9 * (1 + abs(x[j])):
                e = [Fraction(0)] * n
                e[j] = Fraction(1)
                active.append((e, bound))
    if not active:
        return None
    # independent rows, greedily
    chosen: list[tuple[list[Fraction], Fraction]] = []
    for row in active:
        trial = chosen + [row]
        if len(trial) > n:
            break
        M = [r for r, _ in trial]
        import flint

        rank = flint.fmpq_mat(len(M), n, [flint.fmpq(v.numerator, v.denominator) for r in M for v in r]).rank()
        if rank == len(trial):
            chosen = trial
    A = [r for r, _ in chosen]
    residual = [b - sum((a * v for a, v in zip(r, point)), Fraction(0)) for r, b in chosen]
    gram = [[sum((a * c for a, c in zip(r1, r2)), Fraction(0)) for r2 in A] for r1 in A]
    lam = _solve_exact(gram, residual)
    if lam is None:
        return None
    point = [v + sum((l * r[j] for l, r in zip(lam, A)), Fraction(0)) for j, v in enumerate(point)]
    point = tuple(point)
    return point if satisfies(region, point) else None


def _farkas_repair(region: Region, y: Sequence[float], has_strict: bool) -> bool:
    """Exact emptiness certificate on the support of a float dual (for unbounded boxes).

    Looks for ``y_S >= 0`` with ``A_S^T y_S = 0`` exactly and either ``sum over strict rows of y = 1``
    and ``y_S . b_S <= 0`` (then no point satisfies the strict rows strictly), or, without strict
    rows, ``sum y = 1`` and ``y_S . b_S < 0`` (Farkas' lemma).
    """
    support = [i for i, v in enumerate(y) if v > 1e-12]
    if not support or len(support) > 4 * region.dim + 8:
        return False
    rows = [region.halfspaces[i] for i in support]
    n = region.dim
    matrix = [[Fraction(h.a[j]) for h in rows] for j in range(n)]
    rhs = [Fraction(0)] * n
    matrix.append([Fraction(1) if (h.strict or not has_strict) else Fraction(0) for h in rows])
    rhs.append(Fraction(1))
    sol = _solve_exact(matrix, rhs)
    if sol is None or any(v < 0 for v in sol):
        return False
    if any(sum((sol[i] * rows[i].a[j] for i in range(len(rows))), Fraction(0)) != 0 for j in range(n)):
        return False
    value = sum((sol[i] * rows[i].b for i in range(len(rows))), Fraction(0))
    return value <= 0 if has_strict else value < 0


def _exact_point(region: Region, x: Sequence[float]) -> tuple[Fraction, ...] | None:
    point = []
    for v, lo, hi in zip(x, region.lower, region.upper):
        if not math.isfinite(v):
            return None
        q = Fraction(v)
        if lo is not None and q < lo:
            q = lo
        if hi is not None and q > hi:
            q = hi
        point.append(q)
    point = tuple(point)
    return point if satisfies(region, point) else None


# -- z3: exact fallback ----------------------------------------------------------------------------------

def _z3_timeout_ms(deadline: Any) -> int | None:
    if deadline is None:
        return None
    remaining = deadline.remaining()
    if remaining is None:
        return None
    return max(1, int(remaining * 1000))


def _z3_solver(region: Region, deadline: Any, optimize: bool = False):
    import z3

    xs = [z3.Real(f"x{j}") for j in range(region.dim)]
    solver = z3.Optimize() if optimize else z3.SolverFor("QF_LRA")
    timeout = _z3_timeout_ms(deadline)
    if timeout is not None:
        solver.set("timeout", timeout)
    for x, lo, hi in zip(xs, region.lower, region.upper):
        if lo is not None:
            solver.add(x >= _rv(lo))
        if hi is not None:
            solver.add(x <= _rv(hi))
    for h in region.halfspaces:
        terms = [z3.IntVal(a) * x for a, x in zip(h.a, xs) if a]
        lhs = z3.Sum(terms) if terms else z3.RealVal(0)
        rhs = z3.RealVal(h.b)
        solver.add(lhs < rhs if h.strict else lhs <= rhs)
    return solver, xs


def _z3_value(value: Any) -> Fraction:
    import z3

    if z3.is_rational_value(value):
        return Fraction(value.numerator_as_long(), value.denominator_as_long())
    if z3.is_int_value(value):
        return Fraction(value.as_long())
    raise InternalError(f"z3 returned a non-rational value {value} for a linear problem")


def _z3_unknown(solver: Any) -> None:
    reason = solver.reason_unknown()
    if "cancel" in reason or "interrupt" in reason:
        raise KeyboardInterrupt
    raise LPUnknown(f"z3 returned unknown ({reason})")


def _z3_find_point(region: Region, deadline: Any) -> tuple[Fraction, ...] | None:
    import z3

    solver, xs = _z3_solver(region, deadline)
    result = solver.check()
    if result == z3.unsat:
        return None
    if result != z3.sat:
        _z3_unknown(solver)
    model = solver.model()
    point = tuple(_z3_value(model.eval(x, model_completion=True)) for x in xs)
    if not satisfies(region, point):
        raise InternalError("z3 returned a model that does not satisfy the linear system it was given")
    return point


# -- public questions ------------------------------------------------------------------------------------

def find_point(region: Region, *, deadline: Any = None, stats: LPStats | None = None) -> tuple[Fraction, ...] | None:
    """An exact point of ``region`` or ``None`` when it is empty (both answers certified).

    Raises :class:`LPUnknown` only when z3 gives up (time limit) on the exact fallback.
    """
    if stats is not None:
        stats.solved += 1
    n = region.dim
    if any(lo is not None and hi is not None and lo > hi for lo, hi in zip(region.lower, region.upper)):
        return None
    if not region.halfspaces:
        return tuple((lo if lo is not None else (hi if hi is not None else Fraction(0)))
                     for lo, hi in zip(region.lower, region.upper))
    scales = [_row_scale(h) for h in region.halfspaces]
    has_strict = any(h.strict for h in region.halfspaces)
    try:
        status, x, duals, ray = _solve_float(region, [0.0] * n + [-1.0], True, scales)  # maximise s
    except (ValueError, OverflowError):
        status, x, duals, ray = "error", None, None, None
    if status == "Optimal" and x is not None:
        point = _exact_point(region, x[:n])
        if point is None and (not has_strict or x[n] > 1e-9):
            point = _repair_point(region, x[:n], scales)
        if point is not None:
            if stats is not None:
                stats.certified += 1
            return point
        if has_strict and duals is not None and x[n] <= 1e-9:
            # max s <= 0 certifies emptiness; HiGHS minimised -s, so y = -dual (both signs tried:
            # any y >= 0 gives a valid bound, so a wrong sign only fails to certify).
            for sign in (-1.0, 1.0):
                y = [max(sign * d, 0.0) for d in duals]
                bound = _lagrangian_bound(region, [Fraction(0)] * n, y, scales, Fraction(1))
                if (bound is not None and bound <= 0) or _farkas_repair(region, y, True):
                    if stats is not None:
                        stats.certified += 1
                    return None
    elif status == "Infeasible" and ray is not None:
        for sign in (-1.0, 1.0):
            y = [max(sign * v, 0.0) for v in ray]
            if _farkas_value(region, y, scales) < 0 or (not region.bounded and _farkas_repair(region, y, has_strict)):
                if stats is not None:
                    stats.certified += 1
                return None
    if stats is not None:
        stats.z3_calls += 1
    return _z3_find_point(region, deadline)


def _farkas_value(region: Region, y: Sequence[float], scales: Sequence[int]) -> Fraction:
    """``y^T b + max_{x in box, s in [-1,1]} (-(A^T y) . (x, s))``; negative proves emptiness (Farkas).

    The Lagrangian bound of the zero objective; an unbounded residual gives 1 (no proof).
    """
    value = _lagrangian_bound(region, [Fraction(0)] * region.dim, y, scales, Fraction(0))
    return Fraction(1) if value is None else value


class EmptyRegion(Exception):
    """Raised by :func:`upper_bound` when it has proved (exactly) that the region is empty."""


def upper_bound(region: Region, c: Sequence[Any], *, deadline: Any = None, stats: LPStats | None = None,
                exact_fallback: bool = False) -> Fraction | None:
    """A certified upper bound on ``sup c . x`` over the closure of ``region``.

    Returns a :class:`~fractions.Fraction` ``B`` with ``c . x <= B`` for every ``x`` of the region
    (``B`` may exceed the true supremum slightly: it comes from a float dual made exact), or
    ``None`` when no bound could be certified (the supremum is infinite, or the float route
    failed and ``exact_fallback`` is false).  Raises :class:`EmptyRegion` when the region is
    proved empty.
    """
    if stats is not None:
        stats.solved += 1
    cq = [Fraction(v) for v in c]
    if not region.halfspaces:
        if any(lo is not None and hi is not None and lo > hi for lo, hi in zip(region.lower, region.upper)):
            raise EmptyRegion
        total = Fraction(0)
        for r, lo, hi in zip(cq, region.lower, region.upper):
            if r > 0:
                if hi is None:
                    return None
                total += r * hi
            elif r < 0:
                if lo is None:
                    return None
                total += r * lo
        return total
    scales = [_row_scale(h) for h in region.halfspaces]
    try:
        status, _, duals, _ = _solve_float(region, [-_to_float(v) for v in cq], False, scales)
    except (ValueError, OverflowError):
        status, duals = "error", None
    if status == "Optimal" and duals is not None:
        best = None
        for sign in (-1.0, 1.0):
            y = [max(sign * d, 0.0) for d in duals]
            bound = _lagrangian_bound(region, cq, y, scales, None)
            if bound is None and not region.bounded:
                bound = _exact_dual_repair(region, cq, y, scales)
            if bound is not None and (best is None or bound < best):
                best = bound
        if best is not None:
            if stats is not None:
                stats.certified += 1
            return best
    if status == "Infeasible":
        if find_point(region, deadline=deadline, stats=stats) is None:
            raise EmptyRegion
    if status == "Unbounded":
        return None  # no bound is claimed, so nothing needs proving
    if not exact_fallback:
        return None
    if stats is not None:
        stats.z3_calls += 1
    kind, value = exact_maximum(region, cq, deadline=deadline)
    if kind == "empty":
        raise EmptyRegion
    return value


def _rv(q: Fraction):
    import z3

    return z3.RealVal(f"{q.numerator}/{q.denominator}")


def exact_maximum(region: Region, c: Sequence[Any], *, deadline: Any = None) -> tuple[str, Fraction | None]:
    """``sup c . x`` over the closure of ``region`` by z3's exact optimiser.

    Returns ``("max", value)``, ``("unbounded", None)`` or ``("empty", None)`` (the closure is
    empty).  Strict rows are relaxed to their closure.
    """
    import z3

    closure = Region(region.dim, region.lower, region.upper,
                     [Halfspace(h.a, h.b, False) for h in region.halfspaces])
    solver, xs = _z3_solver(closure, deadline, optimize=True)
    terms = [Fraction(v) for v in c]
    parts = [_rv(t) * x for t, x in zip(terms, xs) if t]
    handle = solver.maximize(z3.Sum(parts) if parts else z3.RealVal(0))
    result = solver.check()
    if result == z3.unsat:
        return "empty", None
    if result != z3.sat:
        _z3_unknown(solver)
    upper = handle.upper()
    if z3.is_rational_value(upper) or z3.is_int_value(upper):
        return "max", _z3_value(upper)
    return "unbounded", None
