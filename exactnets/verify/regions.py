"""Equivalence on boxes, polytopes and R^n by branch and bound over input boxes and activation regions.

:func:`decide` answers an equivalence query (:mod:`exactnets.verify.query`) for two networks on a
:class:`~exactnets.domains.Box`, :class:`~exactnets.domains.Polytope` or
:class:`~exactnets.domains.Reals` domain, in any of the four modes, for networks of any depth
with ``relu``, ``hardtanh``, ``linear``, ``step`` and ``ltf`` units.

The search
----------
1. **Attack.**  Both networks are evaluated in floats at many points of the domain (the centre,
   the vertices, a grid, random points, and points found by projected gradient ascent on the
   violation); every promising point is evaluated *exactly* and, if it breaks the mode, replayed
   (:func:`~exactnets.verify.query.replay`) and returned.
2. **Branch and bound.**  A node is a sub-box of the domain together with the pieces fixed by
   earlier splits (``relu`` active/inactive, ``ltf`` ``t >= 0`` / ``t < 0``, ...).  Its *region* is
   the set of points of the sub-box where the fixed units are in their pieces.  On each node:

   * sound bounds on every unit (:mod:`exactnets.verify.bounds`: interval and back-substituted
     DeepPoly/CROWN bounds and, for two networks of one architecture, ReluDiff's differential
     bounds on ``g - f``, in float64 with a proven rounding-error bound) fix the stable units and
     may **prove** the mode on the whole region or show it **empty**.  Before such a conclusion
     closes the node (and before a leaf uses the stable units), it is **re-checked exactly**
     (:func:`~exactnets.verify.exact_bounds.confirm_node`: the same analyses recomputed in
     integer arithmetic on dyadic rationals, see :mod:`exactnets.verify.exact_bounds`).  The
     pieces a node *knows* (split constraints, pieces proved by the exact re-check) are kept
     apart from the float claims (stable units, units an LP over float-fixed patterns found
     stable): only the former define the region in the exact re-check, the latter are checked.
     Where the exact re-check does not confirm the float conclusion (rounded slopes are a hair
     looser), the node goes on from the exactly proved pieces only and is split further;
   * otherwise, if every unit of both networks is fixed, the region is a **leaf**: both networks
     are affine on it (exact rational maps composed in integers with python-flint) and the mode's
     violation is a conjunction of linear inequalities, some strict.  It is decided *exactly*
     (:mod:`exactnets.lp`: a HiGHS proposal checked in rationals -- a point row by row, an
     emptiness claim by a dual or Farkas certificate -- or z3's exact simplex);
   * otherwise the node is split.  *Input splitting* bisects the box along its longest side
     relative to the domain (among equally long sides, the one where the undecided objectives
     are most sensitive: ReluVal's "smart" split).  *Unit splitting* splits an unstable unit of
     the earliest unstable layer into its pieces (layers are split in order, so every split
     unit's pre-activation is an exact affine function of ``x`` on the region); before that, an
     exact LP over the region may show the unit stable after all.  The box is split while many
     units are unstable, the bounds make progress, and the mode can be proved by bounds with a
     margin (epsilon > 0, decision, argmax); units are split otherwise -- for equality
     (function mode) from the start.  These rules were chosen by measurement: on the deep
     benchmark (``bench/bench_equiv_deep.py``) splitting the longest side beat the pure
     sensitivity rule by up to 20x, and on small networks and on equality queries unit
     splitting beat input splitting by 2-10x (input splits multiply the leaves).

3. Over an unbounded domain (``R^n``, an unbounded polytope) no float bound is finite: every
   unit is resolved by exact LPs over its region, layer by layer, which enumerates the
   activation regions of both networks (exact, but exponential in the worst case).

Every verdict carries its evidence: *equivalent* when every node was closed by exactly
re-checked bounds, an exact LP certificate or an exactly confirmed empty region;
*counterexample* with a replayed exact point; *unknown* with the reason (timeout, or z3 giving up
on a leaf).  The float solver (HiGHS) and the float bounds only ever *propose*; what a verdict
rests on is exact rational (integer) arithmetic.  ``SearchOptions(exact_confirm=False)`` skips
the exact re-check and trusts the float bounds' proven enclosure of rounding instead (see
:mod:`exactnets.verify.bounds`; measured in ``bench/bench_equiv_deep.py --compare-float``).

>>> from exactnets.network import Layer, Network
>>> from exactnets.domains import Box, Reals
>>> from exactnets.verify.query import Mode
>>> f = Network(1, [Layer("relu", [[1], [-1]], [0, 0]), Layer("linear", [[1, 1]], [0])])  # |x|
>>> g = Network(1, [Layer("relu", [[2], [-2]], [0, 0]), Layer("linear", [["1/2", "1/2"]], [0])])
>>> decide(f, g, Reals(1), Mode("function"), None).verdict
'equivalent'
>>> h = Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [0])])  # relu(x)
>>> r = decide(f, h, Box([-1], [1]), Mode("function"), None)
>>> r.verdict, r.counterexample.x[0] < 0
('counterexample', True)
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import math
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from exactnets.domains import BooleanCube, Box, Polytope, Reals
from exactnets.errors import InputError, InternalError
from exactnets.evaluate import _integer_layer, evaluate, evaluate_batch
from exactnets.lp import EmptyRegion, Halfspace, LPStats, LPUnknown, Region, find_point, upper_bound
from exactnets.network import Network
from exactnets.verify import bounds as B
from exactnets.verify import exact_bounds as XB
from exactnets.verify.query import (Deadline, EquivalenceResult, Mode, NotApplicable, check_shapes,
                                    parse_mode, replay, violates)

__all__ = ["decide", "SearchOptions", "METHOD"]

METHOD = "regions"

ProgressCallback = Callable[[int, int], None]

_PROGRESS_TOTAL = 1_000_000


def _default_confirm_workers() -> int:
    """2 where this process may run on two CPUs or more, else 1 (see ``SearchOptions.confirm_workers``).

    Measured (bench/bench_equiv_deep.py, 2 cores): the stress instance seed 2, c = 1.005 takes
    109 s with 1 and 60 s with 2 (float-only: 43 s); searches closed by few nodes are unchanged.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cpus = os.cpu_count() or 1
    return 2 if cpus >= 2 else 1


@dataclasses.dataclass(frozen=True)
class SearchOptions:
    """Knobs of the branch and bound (defaults chosen by measurement, see bench/bench_equiv_deep.py).

    Attributes
    ----------
    max_input_splits:
        Most bisections of the input box along one path (then only units are split); default
        ``12 n`` for the modes bounds can prove with a margin (epsilon > 0, decision, argmax),
        0 for equality (function, epsilon 0).
    max_stall:
        Input splits in a row that neither reduce the number of unstable units nor shrink the
        gap of the bounds by a quarter, after which units are split instead (a box that straddles
        a unit's hyperplane keeps it unstable however small it gets).
    max_aspect:
        An input split follows the sensitivity of the undecided objectives times the width
        (ReluVal's smart split) unless some side, relative to the domain, is more than this
        many times wider than the chosen one; then the widest side is split.
    neuron_split_below:
        Split units instead of the box once both networks together have at most this many
        unstable units (a leaf is then near).
    lp_stability:
        Before splitting a unit, ask an exact LP over the region whether it is stable.
    g_symbolic:
        For same-architecture pairs, also back-substitute ``g``'s own bounds (not only
        ``f`` plus the difference) for its units that are still unstable.
    differential:
        Use ReluDiff's differential bounds when the two networks share an architecture.
    attack_points:
        Random points evaluated in the attack (besides centre, vertices and a grid).
    attack_restarts, attack_steps:
        Projected gradient ascent on the violation: starts and steps.
    exact_confirm:
        Re-check exactly (:func:`exactnets.verify.exact_bounds.confirm_node`, integer arithmetic)
        every conclusion the float bounds draw on a node before the verdict relies on it: a mode
        proved by bounds, a region found empty, the stable units a leaf's affine maps assume.
        A node whose float conclusion the exact re-check does not confirm is split further.
        ``False`` trusts the float bounds' proven rounding-error enclosure instead.
    confirm_workers:
        Processes sharing the exact re-checks, this one included.  ``1``: every re-check runs
        here, synchronously.  ``k >= 2``: the re-checks of nodes the float bounds call proved
        (the bulk) go to ``k - 1`` worker processes (forked, and so given ``f`` and ``g`` once,
        after a first re-check has run here and filled the exact caches they inherit) while the
        search goes on; such a node counts as closed only when its
        re-check comes back proved, a refused one is processed on from the exactly proved pieces
        as in the synchronous path, and "equivalent" is returned only after every re-check came
        back.  The other re-checks (empty regions, a leaf's stable units, an LP's premises) stay
        synchronous: what happens next depends on them.  Default: 2 where the process may use
        two CPUs or more, else 1; a daemonic process (which may not have children) always
        re-checks synchronously.
    """

    max_input_splits: int | None = None
    neuron_split_below: int = 6
    max_stall: int = 2
    max_aspect: float = 1.0
    lp_stability: bool = True
    g_symbolic: bool = True
    differential: bool = True
    attack_points: int = 512
    attack_restarts: int = 16
    attack_steps: int = 40
    seed: int = 0
    exact_confirm: bool = True
    confirm_workers: int = dataclasses.field(default_factory=_default_confirm_workers)


# -- exact affine maps on a fixed activation pattern ---------------------------------------------------

class _ExactNet:
    """A network's layers as integer matrices (python-flint) for exact affine maps on a pattern."""

    def __init__(self, net: Network):
        self.net = net
        self.layers = []
        for layer in net.layers:
            W, b, D = _integer_layer(layer)
            self.layers.append((flint.fmpz_mat(W), b, D, layer.activation))

    def forms(self, pieces: Sequence[np.ndarray], upto: int) -> list[tuple[list[list[int]], int]]:
        """Exact pre-activations of layers ``0..upto`` as ``(rows, den)``: ``z_i = (rows[i] . (x, 1)) / den``.

        ``pieces[j]`` must be fixed (``>= 0``) for every unit of every layer ``j < upto``.
        """
        n = self.net.input_dim
        H = flint.fmpz_mat([[1 if i == j else 0 for j in range(n + 1)] for i in range(n)]) if n else None
        hden = 1
        out = []
        for j in range(upto + 1):
            W, b, D, act = self.layers[j]
            Z = W * H if H is not None else None
            rows = [[int(v) for v in r] for r in Z.tolist()] if Z is not None else [[0] for _ in b]
            for i, bi in enumerate(b):
                rows[i][-1] += hden * bi
            zden = hden * D
            out.append((rows, zden))
            if j == upto:
                break
            slopes, offsets = B._SLOPES[act], B._OFFSETS[act]
            piece = pieces[j]
            new = []
            for i, row in enumerate(rows):
                p = int(piece[i])
                if p < 0:
                    raise InternalError("an exact affine map was asked across an unfixed unit")
                s, o = int(slopes[p]), int(offsets[p])
                r = [s * v for v in row]
                r[-1] += o * zden
                new.append(r)
            H = flint.fmpz_mat(new)
            hden = zden
        return out

    def outputs(self, pieces: Sequence[np.ndarray]) -> tuple[list[list[int]], int]:
        """The exact outputs ``out_j = (rows[j] . (x, 1)) / den`` on the pattern ``pieces``."""
        L = len(self.layers)
        rows, den = self.forms(pieces, L - 1)[-1]
        act = self.layers[-1][3]
        slopes, offsets = B._SLOPES[act], B._OFFSETS[act]
        result = []
        for i, row in enumerate(rows):
            p = int(pieces[L - 1][i])
            s, o = int(slopes[p]), int(offsets[p])
            r = [s * v for v in row]
            r[-1] += o * den
            result.append(r)
        return result, den


def _halfspace(a: Sequence[int], b: int, strict: bool) -> Halfspace:
    """``a . x <= b`` (``<`` when strict), divided by the gcd of ``a`` and ``b`` (exactly equivalent)."""
    g = 0
    for v in a:
        g = math.gcd(g, v)
    g = math.gcd(g, b)
    if g > 1:
        return Halfspace(tuple(v // g for v in a), b // g, strict)
    return Halfspace(tuple(a), b, strict)


def _piece_halfspaces(row: Sequence[int], den: int, act: str, piece: int) -> list[Halfspace]:
    """``z = (row . (x, 1)) / den`` lies in the piece: one or two halfspaces on ``x``."""
    p = B.PIECES[act][piece]
    a, c = list(row[:-1]), row[-1]
    result = []
    if math.isfinite(p.lo):  # lo <= z  <=>  -a.x <= c - lo*den
        result.append(_halfspace([-v for v in a], c - int(p.lo) * den, p.lo_open))
    if math.isfinite(p.hi):  # z <= hi  <=>  a.x <= hi*den - c
        result.append(_halfspace(a, int(p.hi) * den - c, p.hi_open))
    return result


# -- the worker process of the asynchronous re-checks -------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _worker_start(f: Network, g: Network, mode: Mode, pair: bool, g_symbolic: bool) -> None:
    """Initializer: receives the problem once (the tasks carry only the node)."""
    # Ctrl-C is the main process's business: it cancels the pool and waits for this worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(f=f, g=g, mode=mode, pair=pair, g_symbolic=g_symbolic)


def _worker_confirm(lower, upper, known_f, known_g, argmax_hint) -> tuple[XB.Confirmation, float]:
    """The re-check :func:`_exact` does for a node the float bounds proved (``check_mode``, no claims)."""
    start = time.monotonic()
    W = _WORKER
    C = XB.confirm_node(W["f"], W["g"], lower, upper, W["mode"], known_f=known_f, known_g=known_g, claims_f=None,
                        claims_g=None, pair=W["pair"], g_symbolic=W["g_symbolic"], check_mode=True,
                        argmax_hint=argmax_hint, upto=None)
    return C, time.monotonic() - start


# -- the problem -------------------------------------------------------------------------------------------

@dataclasses.dataclass
class _Node:
    lower: tuple[Fraction | None, ...]
    upper: tuple[Fraction | None, ...]
    fixed_f: list[np.ndarray]  # pieces known on the region (split, or inherited from the parent's bounds)
    fixed_g: list[np.ndarray]
    weight: Fraction
    input_splits: int = 0
    splits: tuple[tuple[str, int, int], ...] = ()  # the units split on the way here: (net, layer, unit)
    parent_unstable: int | None = None  # unstable units of the parent (for input splits)
    parent_gap: float | None = None  # how far the parent's bounds were from proving
    stall: int = 0  # input splits in a row that brought no progress
    # pieces that are *facts* about the region (split constraints, or proved by exact bounds);
    # ``fixed_*`` also holds float claims and LP answers that depend on them (None: none known)
    known_f: list[np.ndarray] | None = None
    known_g: list[np.ndarray] | None = None

    @property
    def bounded(self) -> bool:
        return all(v is not None for v in self.lower) and all(v is not None for v in self.upper)


@dataclasses.dataclass
class _Pending:
    """A node closed by the float bounds whose exact re-check runs in a worker."""
    future: concurrent.futures.Future
    node: _Node
    bd: Any  # its _Bounds: a refused node is processed on from them, as in the synchronous path


_PENDING: Any = object()  # what _process returns for a node whose re-check was sent to a worker


class _Found(Exception):
    """A replayed counterexample ends the search."""

    def __init__(self, result: EquivalenceResult):
        self.result = result


class _Problem:
    def __init__(self, f: Network, g: Network, domain: Any, mode: Mode, deadline: Deadline | None,
                 progress: ProgressCallback | None, options: SearchOptions):
        self.f, self.g, self.domain, self.mode = f, g, domain, mode
        self.deadline = deadline
        self.progress = progress
        self.opt = options
        self.n = f.input_dim
        self.m = f.output_dim
        self.stats = LPStats()
        self.nodes = 0
        self.leaves = 0
        self.bound_proofs = 0
        self.empty = 0
        self.lp_fixed = 0
        self.exact_confirmed = 0  # float conclusions re-checked and confirmed exactly
        self.exact_refused = 0  # float conclusions the exact re-check did not confirm (node split further)
        self.exact_seconds = 0.0
        self.exact_calls = 0  # exact re-checks run in this process
        # a daemonic process (e.g. a multiprocessing.Pool worker) may not start children
        self.workers = 1 if multiprocessing.current_process().daemon else options.confirm_workers
        self.exact_seconds_worker = 0.0  # re-checks run by the worker processes (confirm_workers >= 2)
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None  # started on the first asynchronous re-check
        self.pending: list[_Pending] = []  # asynchronous re-checks not yet settled, in submission order
        self.pending_max = 0
        self.done = Fraction(0)
        self.unresolved: list[str] = []
        self.pair = options.differential and B.same_architecture(f, g)
        self.ff, self.gf = B.float_network(f), B.float_network(g)
        self.diff = B._difference_network(f, g) if self.pair else None
        self.ef, self.eg = _ExactNet(f), _ExactNet(g)
        self.domain_halfspaces: list[Halfspace] = []
        if isinstance(domain, Polytope):
            self.domain_halfspaces = [Halfspace.from_rationals(row, b) for row, b in zip(domain.A, domain.b)]
        self.start = time.monotonic()
        self.last_progress = 0.0
        self.rng = np.random.default_rng(options.seed)
        # Bisecting the box helps where bounds can prove the mode with a margin (epsilon > 0,
        # decision and argmax away from their boundaries).  Equality (function, epsilon 0) is
        # proved by bounds only on regions where every unit is fixed -- leaves anyway -- so
        # there units are split from the start (measured: input splits multiply the leaves).
        margin = mode.kind in ("decision", "argmax") or (mode.kind == "epsilon" and mode.epsilon > 0)
        self.default_input_splits = 12 * self.n if margin else 0
        self.root_widths = np.ones(self.n)

    # -- bookkeeping ---------------------------------------------------------------------------------------
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def expired(self) -> bool:
        return self.deadline is not None and self.deadline.expired()

    def report(self, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last_progress > 0.1:
            self.last_progress = now
            self.progress(int(self.done * _PROGRESS_TOTAL), _PROGRESS_TOTAL)

    def close(self, node: _Node) -> None:
        self.done += node.weight
        self.report()

    def details(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "leaves": self.leaves, "closed_by_bounds": self.bound_proofs,
                "empty_regions": self.empty, "units_fixed_by_lp": self.lp_fixed,
                "lps": self.stats.solved, "lps_certified_float": self.stats.certified,
                "z3_calls": self.stats.z3_calls, "differential": self.pair,
                "exact_confirm": self.opt.exact_confirm, "exact_confirmed": self.exact_confirmed,
                "exact_refused": self.exact_refused, "exact_seconds": round(self.exact_seconds, 3),
                "confirm_workers": self.workers if self.opt.exact_confirm else 1,
                "exact_seconds_worker": round(self.exact_seconds_worker, 3), "exact_pending_max": self.pending_max,
                "explored": float(self.done)}

    # -- asynchronous exact re-checks (confirm_workers >= 2) -----------------------------------------------
    def submit(self, node: _Node, bd: _Bounds) -> None:
        """Send the re-check of a node the float bounds proved to a worker; the node waits in ``pending``."""
        if self.pool is None:
            # fork: the children inherit the networks (no pickling) and start in milliseconds
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers - 1, mp_context=context, initializer=_worker_start,
                initargs=(self.f, self.g, self.mode, self.pair, self.opt.g_symbolic))
        future = self.pool.submit(_worker_confirm, node.lower, node.upper, node.known_f, node.known_g, bd.argmax_hint)
        self.pending.append(_Pending(future, node, bd))
        self.pending_max = max(self.pending_max, len(self.pending))

    def shutdown(self) -> None:
        """Cancel what has not started and wait for the workers to exit (no child is left behind)."""
        for item in self.pending:
            item.future.cancel()
        self.pending = []
        if self.pool is not None:
            pool, self.pool = self.pool, None
            pool.shutdown(wait=True, cancel_futures=True)

    def counterexample(self, x: Sequence[Fraction], how: str) -> EquivalenceResult:
        cex = replay(self.f, self.g, self.domain, self.mode, x)
        return EquivalenceResult("counterexample", f"{METHOD} ({how})", self.elapsed(), cex, details=self.details())

    # -- exact checks of candidate points -----------------------------------------------------------------------
    def check_points(self, points: Sequence[Sequence[Fraction]], how: str) -> None:
        """Evaluate exactly; raise :class:`_Found` with a replayed counterexample at the first violation."""
        points = [p for p in points if self.domain.contains(p)]
        if not points:
            return
        try:
            fb, gb = evaluate_batch(self.f, points), evaluate_batch(self.g, points)
            rows = [(fb.row(i), gb.row(i)) for i in range(len(points))]
        except OverflowError:  # the batch evaluator's int64 path can overflow on some inputs: use the reference
            rows = [(evaluate(self.f, p), evaluate(self.g, p)) for p in points]
        for p, (fx, gx) in zip(points, rows):
            if violates(self.mode, fx, gx):
                raise _Found(self.counterexample(p, how))

    # -- float evaluation and scores (proposals only) --------------------------------------------------------------
    def float_outputs(self, X: np.ndarray, fnet: B.FloatNet) -> np.ndarray:
        h = X
        with np.errstate(all="ignore"):
            for layer in fnet.layers:
                h = B._act(layer.activation, h @ layer.W.T + layer.b)
        return h

    def scores(self, X: np.ndarray) -> np.ndarray:
        """How badly each point (row) seems to break the mode in floats (> 0: seems to)."""
        F, G = self.float_outputs(X, self.ff), self.float_outputs(X, self.gf)
        kind = self.mode.kind
        with np.errstate(all="ignore"):
            if kind == "function":
                s = np.abs(G - F).max(axis=1)
                s = np.where(s > 0, s, -1.0)
            elif kind == "epsilon":
                s = np.abs(G - F).max(axis=1) - float(self.mode.epsilon)
            elif kind == "decision":
                a = np.minimum(F, -G)  # f >= 0 > g
                b = np.minimum(-F, G)  # f < 0 <= g
                s = np.maximum(a, b).max(axis=1)
            else:
                fa, ga = np.argmax(F, axis=1), np.argmax(G, axis=1)
                Fs, Gs = np.sort(F, axis=1), np.sort(G, axis=1)
                margin = np.minimum(Fs[:, -1] - Fs[:, -2], Gs[:, -1] - Gs[:, -2]) if F.shape[1] > 1 else np.zeros(len(F))
                s = np.where(fa != ga, 1.0 + margin, -margin)
        return np.where(np.isnan(s), -np.inf, s)

    def to_points(self, X: np.ndarray, lower, upper) -> list[tuple[Fraction, ...]]:
        """Float proposals as exact points of the box (rounded to 2^-40 of their scale, then clamped)."""
        points = []
        for row in X:
            if not np.all(np.isfinite(row)):
                continue
            p = []
            for v, lo, hi in zip(row, lower, upper):
                e = math.frexp(max(abs(float(v)), 1.0))[1]
                q = Fraction(round(math.ldexp(float(v), 40 - e)), 2 ** (40 - e)) if 40 - e >= 0 else Fraction(round(float(v)))
                if lo is not None and q < lo:
                    q = lo
                if hi is not None and q > hi:
                    q = hi
                p.append(q)
            points.append(tuple(p))
        return points


# -- attacks ---------------------------------------------------------------------------------------------------------

def _gradient_attack(P: _Problem, lo: np.ndarray, hi: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Projected sign-gradient ascent on ``+-(g_j - f_j)`` (epsilon, function), ``-f_j g_j`` ... (proposals)."""
    layers_f, layers_g = P.ff.layers, P.gf.layers
    if any(l.activation in ("step", "ltf") for l in (*layers_f, *layers_g)):
        return starts[:0]
    m = P.m
    # objectives: rows of (cf, cg) applied to outputs; maximise cg.g - cf.f
    objs = []
    for j in range(m):
        e = np.zeros(m)
        e[j] = 1.0
        if P.mode.kind in ("epsilon", "function"):
            objs += [(-e, e), (e, -e)]
        elif P.mode.kind == "decision":
            objs += [(e, -e), (-e, e)]
        else:
            for k in range(m):
                if k != j:
                    ek = np.zeros(m)
                    ek[k] = 1.0
                    objs.append((ek - e, e - ek))
    if not objs:
        return starts[:0]
    X = np.repeat(starts, len(objs), axis=0)
    CF = np.tile(np.array([o[0] for o in objs]), (len(starts), 1))
    CG = np.tile(np.array([o[1] for o in objs]), (len(starts), 1))
    width = hi - lo
    step = width / 8
    best = X.copy()
    for it in range(P.opt.attack_steps):
        grad = np.zeros_like(X)
        with np.errstate(all="ignore"):
            for layers, C in ((layers_f, CF), (layers_g, CG)):
                h, masks = X, []
                for layer in layers:
                    z = h @ layer.W.T + layer.b
                    if layer.activation == "relu":
                        mask = (z > 0).astype(float)
                    elif layer.activation == "hardtanh":
                        mask = ((z > -1) & (z < 1)).astype(float)
                    else:
                        mask = np.ones_like(z)
                    masks.append(mask)
                    h = B._act(layer.activation, z)
                d = C
                for layer, mask in zip(reversed(layers), reversed(masks)):
                    d = (d * mask) @ layer.W
                grad += d
        X = np.clip(X + step * np.sign(grad), lo, hi)
        step = step * 0.85
        best = np.vstack([best, X]) if it % 10 == 9 else best
    return np.vstack([best, X])


def _attack(P: _Problem, lower, upper) -> None:
    """Look for a counterexample before any proof is attempted (raises :class:`_Found`)."""
    n = P.n
    exact: list[tuple[Fraction, ...]] = []
    bounded = all(v is not None for v in lower) and all(v is not None for v in upper)
    if bounded:
        centre = tuple((a + b) / 2 for a, b in zip(lower, upper))
        exact.append(centre)
        if n <= 8:
            for index in range(2**n):
                exact.append(tuple(upper[j] if (index >> j) & 1 else lower[j] for j in range(n)))
        if n <= 5:
            grid = [[lower[j], (lower[j] + upper[j]) / 2, upper[j]] for j in range(n)]
            for index in range(3**n):
                exact.append(tuple(grid[j][(index // 3**j) % 3] for j in range(n)))
    else:
        base = [Fraction(0)] * n
        exact.append(tuple(base))
        for j in range(n):
            for v in (1, -1):
                p = list(base)
                p[j] = Fraction(v)
                exact.append(tuple(p))
    P.check_points(exact[:4096], "attack: exact evaluation at the centre, vertices and grid")
    if P.expired():
        return
    lo, hi = B.float_box(lower, upper)
    if not bounded:
        lo = np.where(np.isfinite(lo), lo, -1e3)
        hi = np.where(np.isfinite(hi), hi, 1e3)
        lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    k = P.opt.attack_points
    if bounded:
        X = P.rng.uniform(lo, hi, (k, n))
    else:
        scales = np.repeat([1.0, 10.0, 100.0, 1000.0], k // 4 + 1)[:k, None]
        X = np.clip(P.rng.uniform(-1, 1, (k, n)) * scales, lo, hi)
    if P.opt.attack_restarts and P.opt.attack_steps and n:
        starts = np.vstack([X[: P.opt.attack_restarts], ((lo + hi) / 2)[None, :]])
        X = np.vstack([X, _gradient_attack(P, lo, hi, starts)])
    s = P.scores(X)
    order = np.argsort(-s)
    top = order[: 64]
    top = top[s[top] > -np.inf]
    candidates = P.to_points(X[top], lower, upper)
    P.check_points(candidates, "attack: sampling and gradient ascent, confirmed by exact evaluation")


# -- bounds and the mode on a node -------------------------------------------------------------------------------------

@dataclasses.dataclass
class _Bounds:
    fa: B.NetAnalysis
    ga: B.NetAnalysis
    pa: B.PairAnalysis | None
    xlo: np.ndarray
    xhi: np.ndarray
    proved: bool = False
    gap: float = math.inf  # how far the bounds are from proving the mode (mode's own units)
    sens: np.ndarray | None = None  # |coefficients| of the undecided objectives on the inputs
    probe: list[np.ndarray] = dataclasses.field(default_factory=list)  # float points worth evaluating
    open_rows: list[tuple] = dataclasses.field(default_factory=list)  # undecided (kind, j[, k]) for leaves
    argmax_hint: int | None = None  # the winner the float argmax check tried (a choice, not a fact)


def _node_bounds(P: _Problem, node: _Node) -> _Bounds:
    lower = [v for v in node.lower]
    upper = [v for v in node.upper]
    xlo, xhi = B.float_box(lower, upper)
    outputs = P.mode.kind in ("decision", "argmax")  # epsilon and function bound g - f themselves
    if P.pair:
        pa = B.analyse_pair(P.f, P.g, xlo, xhi, node.fixed_f, node.fixed_g, g_symbolic=P.opt.g_symbolic, diff_net=P.diff,
                            output_bounds=outputs)
        return _Bounds(pa.f, pa.g, pa, xlo, xhi)
    fa = B.analyse(P.ff, xlo, xhi, node.fixed_f, output_bounds=outputs)
    ga = B.analyse(P.gf, xlo, xhi, node.fixed_g, output_bounds=outputs)
    return _Bounds(fa, ga, None, xlo, xhi)


def _lower_rows(P: _Problem, bd: _Bounds, rows_f: np.ndarray, rows_g: np.ndarray):
    """Lower bounds of ``rows_g . g(x) + rows_f . f(x)`` over the node, and input coefficients."""
    if not (bd.fa.symbolic and bd.ga.symbolic):
        return np.full(rows_f.shape[0], -np.inf), None
    Pf, cf, sf = B.linear_output_lower(bd.fa, rows_f)
    Pg, cg, sg = B.linear_output_lower(bd.ga, rows_g)
    Pc = Pf + Pg
    low = B._concretize_lower(Pc, cf + cg, sf + sg + B._U * 4 * (np.abs(Pf) + np.abs(Pg)) @ B._mag(bd.xlo, bd.xhi)
                              + 4 * B._U * (np.abs(cf) + np.abs(cg)), bd.xlo, bd.xhi)
    return low, Pc


def _diff_rows(P: _Problem, bd: _Bounds, CD: np.ndarray):
    """Lower bounds of ``CD . (g(x) - f(x))`` over the node (ReluDiff, or the product of both networks)."""
    if bd.pa is not None:
        if not bd.pa.symbolic:
            return np.full(CD.shape[0], -np.inf), None
        Pc, c, s = B.diff_output_lower(bd.pa, CD)
        return B._concretize_lower(Pc, c, s, bd.xlo, bd.xhi), Pc
    return _lower_rows(P, bd, -CD, CD)


def _out_interval(A: B.NetAnalysis) -> tuple[np.ndarray, np.ndarray]:
    act = A.net.layers[-1].activation
    return B._act(act, A.lo[-1]), B._act(act, A.hi[-1])


def _vertex(P: np.ndarray, xlo: np.ndarray, xhi: np.ndarray) -> np.ndarray:
    """The box vertex where ``P . x`` is smallest (where a lower bound is attained)."""
    return np.where(P > 0, xlo, xhi)


def _check_by_bounds(P: _Problem, bd: _Bounds) -> None:
    """Try to prove the mode on the node from the bounds; record what stays open."""
    m = P.m
    kind = P.mode.kind
    xlo, xhi = bd.xlo, bd.xhi
    sens = np.zeros(P.n)
    open_rows: list[tuple] = []
    if kind in ("function", "epsilon"):
        eps = P.mode.epsilon if kind == "epsilon" else Fraction(0)
        E = np.eye(m)
        low, Pc = _diff_rows(P, bd, np.vstack([E, -E]))
        # row j: g_j - f_j >= low[j]; row m+j: f_j - g_j >= low[m+j]; compared with eps exactly
        ok_lo = [bool(np.isfinite(v)) and Fraction(float(v)) >= -eps for v in low[:m]]  # g - f >= -eps
        ok_up = [bool(np.isfinite(v)) and Fraction(float(v)) >= -eps for v in low[m:]]  # g - f <= eps
        bd.gap = float(np.max(-low - float(eps)))
        for j in range(m):
            if not ok_lo[j]:
                open_rows.append(("below", j))
                if Pc is not None:
                    sens += np.abs(Pc[j])
                    bd.probe.append(_vertex(Pc[j], xlo, xhi))
            if not ok_up[j]:
                open_rows.append(("above", j))
                if Pc is not None:
                    sens += np.abs(Pc[m + j])
                    bd.probe.append(_vertex(Pc[m + j], xlo, xhi))
    elif kind == "decision":
        flo, fhi = _out_interval(bd.fa)
        glo, ghi = _out_interval(bd.ga)
        for j in range(m):
            both_pos = flo[j] >= 0 and glo[j] >= 0
            both_neg = fhi[j] < 0 and ghi[j] < 0
            if both_pos or both_neg:
                continue
            if not (fhi[j] < 0 or glo[j] >= 0):  # f >= 0 > g is possible
                open_rows.append(("f>=0>g", j))
            if not (ghi[j] < 0 or flo[j] >= 0):  # g >= 0 > f is possible
                open_rows.append(("g>=0>f", j))
            if bd.fa.symbolic and bd.ga.symbolic:
                e = np.zeros((1, m))
                e[0, j] = 1.0
                for A in (bd.fa, bd.ga):
                    Pc, _, _ = B.linear_output_lower(A, e)
                    sens += np.abs(Pc[0])
                    bd.probe.append(_vertex(Pc[0], xlo, xhi))
                    bd.probe.append(_vertex(-Pc[0], xlo, xhi))
    else:  # argmax
        flo, fhi = _out_interval(bd.fa)
        glo, ghi = _out_interval(bd.ga)
        cand_f = [a for a in range(m) if all(fhi[a] >= flo[k] for k in range(m) if k != a)]
        cand_g = [b for b in range(m) if all(ghi[b] >= glo[k] for k in range(m) if k != b)]
        proved_a = None
        if bd.fa.symbolic and bd.ga.symbolic and m > 1:
            centre = (xlo + xhi) / 2
            fc = P.float_outputs(centre[None, :], P.ff)[0]
            a = int(np.argmax(fc)) if np.all(np.isfinite(fc)) else 0
            bd.argmax_hint = a
            others = [k for k in range(m) if k != a]
            R = np.zeros((len(others), m))
            for r, k in enumerate(others):
                R[r, a] = 1.0
                R[r, k] = -1.0
            lf, Pf = _lower_rows(P, bd, R, np.zeros_like(R))
            lg, Pg = _lower_rows(P, bd, np.zeros_like(R), R)
            good = True
            for r, k in enumerate(others):
                need_strict = k < a  # a must beat a lower index strictly
                for low in (lf[r], lg[r]):
                    if not (low > 0 or (low >= 0 and not need_strict)):
                        good = False
            if good:
                proved_a = a
            else:
                for Pm in (Pf, Pg):
                    if Pm is not None:
                        sens += np.abs(Pm).sum(axis=0)
                        for row in Pm:
                            bd.probe.append(_vertex(row, xlo, xhi))
        if m == 1:
            proved_a = 0
        if proved_a is None:
            for a in cand_f:
                for b in cand_g:
                    if a != b:
                        open_rows.append(("argmax", a, b))
    bd.open_rows = open_rows
    bd.proved = not open_rows
    bd.sens = sens


# -- leaves: exact linear programs ---------------------------------------------------------------------------------

def _region_halfspaces(P: _Problem, node: _Node, pieces_f, pieces_g, which: str) -> list[Halfspace]:
    """Pattern constraints in ``x``: for the split units (``which == "split"``) or every unit (``"all"``).

    A split unit's pre-activation is affine on the region because every earlier layer of its
    network was fixed when it was split (layers are split in order).
    """
    result: list[Halfspace] = []
    for name, net, en, pieces in (("f", P.f, P.ef, pieces_f), ("g", P.g, P.eg, pieces_g)):
        L = len(net.layers)
        if which == "split":
            wanted: dict[int, list[int]] = {}
            for who, j, i in node.splits:
                if who == name:
                    wanted.setdefault(j, []).append(i)
        else:
            wanted = {j: list(range(net.layers[j].out_dim)) for j in range(L) if net.layers[j].activation != "linear"}
        if which == "split":
            # After an exact re-check refused a float claim, an earlier layer may be unfixed again:
            # a split unit behind it has no affine form yet.  Leaving its constraint out only
            # enlarges the region, which keeps every LP conclusion (empty, bounded) sound.
            unfixed = [j for j in range(L) if np.any(np.asarray(pieces[j]) < 0)]
            if unfixed:
                wanted = {j: units for j, units in wanted.items() if j <= unfixed[0]}
        if not wanted:
            continue
        forms = en.forms(pieces, max(wanted))
        for j, units in sorted(wanted.items()):
            rows, den = forms[j]
            act = net.layers[j].activation
            for i in units:
                result.extend(_piece_halfspaces(rows[i], den, act, int(pieces[j][i])))
    return result


def _base_region(P: _Problem, node: _Node, halfspaces: list[Halfspace]) -> Region:
    return Region(P.n, node.lower, node.upper, [*P.domain_halfspaces, *halfspaces])


def _affine_sub(a: list[int], da: int, b: list[int], db: int) -> tuple[list[int], int]:
    """``a/da - b/db`` as integer row over ``da*db``."""
    return [x * db - y * da for x, y in zip(a, b)], da * db


def _violation_systems(P: _Problem, bd: _Bounds | None, out_f, out_g) -> list[tuple[str, list[Halfspace]]]:
    """The mode's violation on a leaf, as a list of conjunctions of halfspaces in ``x``."""
    rows_f, den_f = out_f
    rows_g, den_g = out_g
    n, m = P.n, P.m
    kind = P.mode.kind
    open_rows = None if bd is None else set(bd.open_rows)
    systems = []

    def geq0(row: list[int], strict: bool) -> Halfspace:  # row.(x,1) >= 0 (> 0 if strict)  <=>  -a.x <= c
        return _halfspace([-v for v in row[:n]], row[n], strict)

    def lt0(row: list[int]) -> Halfspace:  # row.(x,1) < 0  <=>  a.x < -c
        return _halfspace(list(row[:n]), -row[n], True)

    if kind in ("function", "epsilon"):
        eps = P.mode.epsilon if kind == "epsilon" else Fraction(0)
        for j in range(m):
            d, den = _affine_sub(rows_g[j], den_g, rows_f[j], den_f)
            if not any(d[:n]) and abs(Fraction(d[n], den)) <= eps:
                continue  # constant and within the tolerance
            # g - f > eps  <=>  d.(x,1) - eps*den > 0 ; scale by eps's denominator
            q = eps.denominator
            up = [v * q for v in d]
            up[n] -= eps.numerator * den
            lo = [v * q for v in d]
            lo[n] += eps.numerator * den  # g - f < -eps  <=>  d + eps*den < 0
            if open_rows is None or ("above", j) in open_rows:
                systems.append((f"g_{j} - f_{j} > {eps}", [geq0(up, True)]))
            if open_rows is None or ("below", j) in open_rows:
                systems.append((f"g_{j} - f_{j} < -{eps}", [lt0(lo)]))
    elif kind == "decision":
        for j in range(m):
            if open_rows is None or ("f>=0>g", j) in open_rows:
                systems.append((f"f_{j} >= 0 > g_{j}", [geq0(rows_f[j], False), lt0(rows_g[j])]))
            if open_rows is None or ("g>=0>f", j) in open_rows:
                systems.append((f"g_{j} >= 0 > f_{j}", [geq0(rows_g[j], False), lt0(rows_f[j])]))
    else:
        pairs = [(a, b) for a in range(m) for b in range(m) if a != b]
        if open_rows is not None:
            pairs = [(a, b) for (_, a, b) in [r for r in open_rows if r[0] == "argmax"]]
        for a, b in pairs:
            hs = []
            for rows, win in ((rows_f, a), (rows_g, b)):
                for k in range(m):
                    if k == win:
                        continue
                    diff = [x - y for x, y in zip(rows[win], rows[k])]
                    hs.append(geq0(diff, strict=k < win))  # win beats lower indices strictly
            systems.append((f"argmax f = {a}, argmax g = {b}", hs))
    return systems


def _leaf(P: _Problem, node: _Node, bd: _Bounds | None, pieces_f, pieces_g) -> bool:
    """Decide the mode exactly on a leaf (every unit fixed).  True when proved; raises _Found."""
    P.leaves += 1
    out_f = P.ef.outputs(pieces_f)
    out_g = P.eg.outputs(pieces_g)
    systems = _violation_systems(P, bd, out_f, out_g)
    if not systems:
        return True
    fixed_hs = _region_halfspaces(P, node, pieces_f, pieces_g, "split")
    all_hs = None
    for label, hs in systems:
        region = _base_region(P, node, fixed_hs + hs)
        point = find_point(region, deadline=P.deadline, stats=P.stats)
        if point is None:
            continue
        fx, gx = evaluate(P.f, point), evaluate(P.g, point)
        if violates(P.mode, fx, gx):
            raise _Found(P.counterexample(point, f"exact LP on an activation region: {label}"))
        # The point lies where the pattern differs from the leaf's; use every unit's constraint.
        if all_hs is None:
            all_hs = _region_halfspaces(P, node, pieces_f, pieces_g, "all")
        region = _base_region(P, node, all_hs + hs)
        point = find_point(region, deadline=P.deadline, stats=P.stats)
        if point is None:
            continue
        fx, gx = evaluate(P.f, point), evaluate(P.g, point)
        if not violates(P.mode, fx, gx):
            raise InternalError(f"exact affine maps disagree with the evaluator on a leaf ({label})")
        raise _Found(P.counterexample(point, f"exact LP on an activation region: {label}"))
    return True


# -- branching ---------------------------------------------------------------------------------------------------------

def _frontier(pieces: Sequence[np.ndarray]) -> tuple[int, np.ndarray] | None:
    for j, p in enumerate(pieces):
        idx = np.nonzero(p < 0)[0]
        if len(idx):
            return j, idx
    return None


def _lp_stability(P: _Problem, node: _Node, which: str, layer: int, units: Sequence[int], pieces_f, pieces_g) -> dict[int, int]:
    """Exact-LP pieces of some units of the frontier layer over the node's region (may raise EmptyRegion)."""
    net, en, pieces = (P.f, P.ef, pieces_f) if which == "f" else (P.g, P.eg, pieces_g)
    act = net.layers[layer].activation
    rows, den = en.forms(pieces, layer)[layer]
    region = _base_region(P, node, _region_halfspaces(P, node, pieces_f, pieces_g, "split"))
    found = {}
    n = P.n
    for i in units:
        if P.expired():
            break
        a, c = rows[i][:n], rows[i][n]
        up = upper_bound(region, a, deadline=P.deadline, stats=P.stats, exact_fallback=not node.bounded)
        down = upper_bound(region, [-v for v in a], deadline=P.deadline, stats=P.stats, exact_fallback=not node.bounded)
        zmax = None if up is None else (up + c) / den
        zmin = None if down is None else (c - down) / den
        lo = -np.inf if zmin is None else zmin
        hi = np.inf if zmax is None else zmax
        for index, piece in enumerate(B.PIECES[act]):
            left = (lo > piece.lo) if piece.lo_open else (lo >= piece.lo)
            right = (hi < piece.hi) if piece.hi_open else (hi <= piece.hi)
            if left and right:
                found[int(i)] = index
                break
    return found


def _split_input(P: _Problem, node: _Node, bd: _Bounds, pieces_f, pieces_g, unstable: int, stall: int) -> list[_Node]:
    widths = np.array([float(b - a) for a, b in zip(node.lower, node.upper)])
    relative = widths / P.root_widths
    sens = bd.sens if bd.sens is not None and np.any(bd.sens > 0) else np.ones(P.n)
    score = widths * (sens + 1e-12 * (sens.max() if sens.max() > 0 else 1.0))
    score[widths <= 0] = -1.0  # a side of zero width cannot be bisected
    j = int(np.argmax(score))
    # The objective's sensitivity ignores how the box feeds unstable units: keep the box from
    # growing thinner than 1 : aspect in any direction (measured on the deep benchmark).
    widest = int(np.argmax(relative))
    if widths[widest] > 0 and relative[widest] > P.opt.max_aspect * relative[j]:
        j = widest
    mid = (node.lower[j] + node.upper[j]) / 2
    left_upper = list(node.upper)
    left_upper[j] = mid
    right_lower = list(node.lower)
    right_lower[j] = mid
    half = node.weight / 2
    # the children inherit every piece the parent's bounds proved (bounds are not monotone under refinement)
    extra = dict(parent_unstable=unstable, parent_gap=bd.gap, stall=stall)
    extra.update(known_f=node.known_f, known_g=node.known_g)
    return [_Node(node.lower, tuple(left_upper), pieces_f, pieces_g, half, node.input_splits + 1, node.splits, **extra),
            _Node(tuple(right_lower), node.upper, pieces_f, pieces_g, half, node.input_splits + 1, node.splits, **extra)]


def _split_unit(node: _Node, which: str, layer: int, unit: int, choices: Sequence[int], pieces_f, pieces_g) -> list[_Node]:
    kids = []
    share = node.weight / len(choices)
    for p in choices:
        ff = [a.copy() for a in pieces_f]
        fg = [a.copy() for a in pieces_g]
        (ff if which == "f" else fg)[layer][unit] = p
        kf = [a.copy() for a in node.known_f] if node.known_f is not None else [np.full(len(a), -1, dtype=np.int8) for a in pieces_f]
        kg = [a.copy() for a in node.known_g] if node.known_g is not None else [np.full(len(a), -1, dtype=np.int8) for a in pieces_g]
        (kf if which == "f" else kg)[layer][unit] = p  # a split constraint defines the region: a fact
        kids.append(_Node(node.lower, node.upper, ff, fg, share, node.input_splits, (*node.splits, (which, layer, unit)),
                          known_f=kf, known_g=kg))
    return kids


def _candidate_pieces(act: str, lo: float, hi: float) -> list[int]:
    result = []
    for index, piece in enumerate(B.PIECES[act]):
        if lo <= piece.hi and hi >= piece.lo:
            result.append(index)
    return result or list(range(len(B.PIECES[act])))


def _exact(P: _Problem, node: _Node, claims_f, claims_g, check_mode: bool, bd: _Bounds | None,
           upto: int | None = None) -> XB.Confirmation:
    """The exact re-check of a node (integer arithmetic; see :mod:`exactnets.verify.exact_bounds`)."""
    start = time.monotonic()
    P.exact_calls += 1
    try:
        return XB.confirm_node(P.f, P.g, node.lower, node.upper, P.mode, known_f=node.known_f, known_g=node.known_g,
                               claims_f=claims_f, claims_g=claims_g, pair=P.pair, g_symbolic=P.opt.g_symbolic,
                               check_mode=check_mode, argmax_hint=None if bd is None else bd.argmax_hint, upto=upto)
    finally:
        P.exact_seconds += time.monotonic() - start


def _known_arrays(node: _Node, pieces_f, pieces_g) -> tuple[list[np.ndarray], list[np.ndarray]]:
    kf = [a.copy() for a in node.known_f] if node.known_f is not None else [np.full(len(a), -1, dtype=np.int8) for a in pieces_f]
    kg = [a.copy() for a in node.known_g] if node.known_g is not None else [np.full(len(a), -1, dtype=np.int8) for a in pieces_g]
    return kf, kg


def _with_known(node: _Node, C: XB.Confirmation) -> _Node:
    """Record the pieces the exact re-check proved (its analysed layers) as facts of the node."""
    kf, kg = _known_arrays(node, node.fixed_f, node.fixed_g)
    for known, proved in ((kf, C.pieces_f), (kg, C.pieces_g)):
        for j, p in enumerate(proved):
            known[j] = np.array(p, dtype=np.int8)
    return dataclasses.replace(node, known_f=kf, known_g=kg)


def _exact_fallback(node: _Node, C: XB.Confirmation):
    """The float conclusion was not confirmed: go on from the pieces the exact bounds prove (facts only).

    Where ``C`` covers only the first layers, the later ones keep what the node already knows
    (no float claim survives).
    """
    kf, kg = _known_arrays(node, node.fixed_f, node.fixed_g)
    for known, proved in ((kf, C.pieces_f), (kg, C.pieces_g)):
        for j, p in enumerate(proved):
            known[j] = np.array(p, dtype=np.int8)
    node = dataclasses.replace(node, fixed_f=[a.copy() for a in kf], fixed_g=[a.copy() for a in kg], known_f=kf, known_g=kg)
    return node, [a.copy() for a in kf], [a.copy() for a in kg]


def _leaf_bounds(bd: _Bounds | None, C: XB.Confirmation | None, confirm: bool) -> _Bounds | None:
    """What a leaf may skip: the mode's rows the (exactly confirmed) bounds already proved."""
    if not confirm:
        return bd
    if bd is None or C is None or C.open_rows is None:
        return None  # every row is decided by the leaf's exact LPs
    return dataclasses.replace(bd, open_rows=list(C.open_rows))


def _probe(P: _Problem, node: _Node, bd: _Bounds) -> None:
    """Evaluate exactly the points the bounds point at (they may break the mode).  Raises _Found."""
    if bd.probe:
        X = np.array(bd.probe + [(bd.xlo + bd.xhi) / 2])
        s = P.scores(X)
        good = np.nonzero(s >= 0)[0]
        if len(good):
            P.check_points(P.to_points(X[good[:8]], node.lower, node.upper), "bound-guided probe, confirmed exactly")


def _count_confirmed(P: _Problem, C) -> bool:
    """Whether an exact re-check closed its node (proved the mode, or the region empty); counted."""
    if not (C.empty or C.proved):
        return False
    P.exact_confirmed += 1
    if C.empty:
        P.empty += 1
    else:
        P.bound_proofs += 1
    return True


def _process(P: _Problem, node: _Node, refused: tuple[_Bounds, XB.Confirmation] | None = None) -> list[_Node]:
    """Work on one node: close it (proved / empty) or return its children.  Raises _Found.

    With ``exact_confirm`` every float conclusion that would close the node or shape a leaf is
    re-checked exactly first; when the re-check does not confirm it, the node goes on from the
    pieces the exact bounds prove (``exact_only``: no float claim is used on it any more).

    With ``confirm_workers >= 2`` the re-check of a node the float bounds proved is sent to a
    worker and :data:`_PENDING` is returned; if the worker refuses it, ``_process`` is called
    again with ``refused = (its bounds, the refusal)`` and resumes where the synchronous path
    goes on after a refusal.
    """
    confirm = P.opt.exact_confirm
    exact_only = False
    C: XB.Confirmation | None = None
    for _ in range(10_000):  # each pass fixes at least one more unit, or returns
        bd = None
        if refused is not None:
            # the asynchronous twin of the refusal below (the pass was counted when it was submitted)
            (bd, C), refused = refused, None
            P.exact_refused += 1
            node, pieces_f, pieces_g = _exact_fallback(node, C)
            exact_only = True
            _probe(P, node, bd)
        elif node.bounded:
            P.nodes += 1
            try:
                bd = _node_bounds(P, node)
            except B.Infeasible:
                if not confirm:
                    P.empty += 1
                    return []
                C = _exact(P, node, None, None, False, None)
                if C.empty:
                    P.exact_confirmed += 1
                    P.empty += 1
                    return []
                P.exact_refused += 1
                node, pieces_f, pieces_g = _exact_fallback(node, C)
                exact_only = True
            if bd is not None:
                pieces_f, pieces_g = bd.fa.piece, bd.ga.piece
                _check_by_bounds(P, bd)
                if bd.proved:
                    if not confirm:
                        P.bound_proofs += 1
                        return []
                    if P.workers >= 2 and P.exact_calls > 0:
                        # (not before one re-check ran here: it fills the exact layer caches on f
                        # and g, which the forked workers then inherit instead of rebuilding them,
                        # and a search closed by its first node starts no process)
                        P.submit(node, bd)  # closed when the worker confirms it (see _settle)
                        return _PENDING
                    C = _exact(P, node, None, None, True, bd)
                    if _count_confirmed(P, C):
                        return []
                    P.exact_refused += 1
                    node, pieces_f, pieces_g = _exact_fallback(node, C)
                    exact_only = True
                _probe(P, node, bd)
        else:
            P.nodes += 1
            pieces_f = [a.copy() for a in node.fixed_f]
            pieces_g = [a.copy() for a in node.fixed_g]
            for pieces, net in ((pieces_f, P.f), (pieces_g, P.g)):
                for j, layer in enumerate(net.layers):
                    if layer.activation == "linear":
                        pieces[j][:] = 0
        front_f, front_g = _frontier(pieces_f), _frontier(pieces_g)
        if front_f is None and front_g is None and confirm and node.bounded and not exact_only:
            # the leaf's affine maps assume the float-stable units: confirm them exactly
            C = _exact(P, node, pieces_f, pieces_g, True, bd)
            if C.empty:
                P.exact_confirmed += 1
                P.empty += 1
                return []
            if C.claims_ok and C.proved:  # the exact bounds prove the mode: no LP needed
                P.exact_confirmed += 1
                P.bound_proofs += 1
                return []
            if C.claims_ok:
                P.exact_confirmed += 1
            else:
                P.exact_refused += 1
                node, pieces_f, pieces_g = _exact_fallback(node, C)
                exact_only = True
                front_f, front_g = _frontier(pieces_f), _frontier(pieces_g)
        if front_f is None and front_g is None:
            try:
                _leaf(P, node, _leaf_bounds(bd, C, confirm and node.bounded), pieces_f, pieces_g)
            except LPUnknown as exc:
                P.unresolved.append(str(exc))
            return []
        unstable = sum(int((p < 0).sum()) for p in (*pieces_f, *pieces_g))
        max_splits = P.opt.max_input_splits if P.opt.max_input_splits is not None else P.default_input_splits
        splittable = any(b > a for a, b in zip(node.lower, node.upper)) if node.bounded else False
        if bd is not None and splittable and node.input_splits < max_splits and unstable > P.opt.neuron_split_below:
            progress = (node.parent_unstable is None or unstable < node.parent_unstable
                        or (node.parent_gap is not None and bd.gap < 0.75 * node.parent_gap))
            stall = 0 if progress else node.stall + 1
            if stall <= P.opt.max_stall:
                return _split_input(P, node, bd, pieces_f, pieces_g, unstable, stall)
        # split a unit of the earliest unstable layer
        if front_g is None or (front_f is not None and front_f[0] <= front_g[0]):
            which, (layer, units) = "f", front_f
            A = bd.fa if bd is not None else None
        else:
            which, (layer, units) = "g", front_g
            A = bd.ga if bd is not None else None
        net = P.f if which == "f" else P.g
        act = net.layers[layer].activation
        if A is not None:
            lo, hi = A.lo[layer][units], A.hi[layer][units]
            width = np.minimum(np.where(np.isfinite(hi), hi, 1e300), np.where(np.isfinite(lo), -lo, 1e300))
            order = list(units[np.argsort(-width)])
        else:
            order = list(units)
        premises_ok = True
        if (P.opt.lp_stability or not node.bounded) and not exact_only and confirm and node.bounded:
            # The LP's affine forms (of the asked units and of the split constraints) assume the
            # pieces of the layers before them.  Prove those exactly first; then the LP's answers
            # (stable units, an empty region) are facts about the region, not float claims.
            premise = max([layer - 1] + [j - 1 for _, j, _ in node.splits])
            if premise >= 0:
                C = _exact(P, node, pieces_f, pieces_g, False, bd, upto=premise)
                if C.empty:
                    P.exact_confirmed += 1
                    P.empty += 1
                    return []
                if C.claims_ok:
                    P.exact_confirmed += 1
                    node = _with_known(node, C)
                else:
                    P.exact_refused += 1
                    premises_ok = False
                    node, pieces_f, pieces_g = _exact_fallback(node, C)
                    exact_only = True
                    front_f, front_g = _frontier(pieces_f), _frontier(pieces_g)
                    if front_f is None and front_g is None:  # cannot happen (premise layers come first)
                        raise InternalError("an exact re-check of an LP's premises fixed every unit")
                    if front_g is None or (front_f is not None and front_f[0] <= front_g[0]):
                        which, (layer, units) = "f", front_f
                    else:
                        which, (layer, units) = "g", front_g
                    net = P.f if which == "f" else P.g
                    act = net.layers[layer].activation
                    order = list(units)
        if (P.opt.lp_stability or not node.bounded) and not exact_only and premises_ok:
            ask = order if not node.bounded else order[:8]
            try:
                found = _lp_stability(P, node, which, layer, ask, pieces_f, pieces_g)
            except EmptyRegion:
                P.empty += 1  # with exact_confirm: its premises were proved just above
                return []
            except LPUnknown as exc:
                P.unresolved.append(str(exc))
                return []
            if found:
                # stable on the whole region (exact LP): known pieces, not split constraints
                fixed_f, fixed_g = [a.copy() for a in pieces_f], [a.copy() for a in pieces_g]
                for i, p in found.items():
                    (fixed_f if which == "f" else fixed_g)[layer][i] = p
                P.lp_fixed += len(found)
                node = dataclasses.replace(node, fixed_f=fixed_f, fixed_g=fixed_g)
                if confirm and node.bounded:  # premises proved: the LP's answers are facts
                    kf, kg = _known_arrays(node, pieces_f, pieces_g)
                    for i, p in found.items():
                        (kf if which == "f" else kg)[layer][i] = p
                    node = dataclasses.replace(node, known_f=kf, known_g=kg)
                continue
        unit = int(order[0])
        if A is not None and not (confirm and node.bounded):
            choices = _candidate_pieces(act, float(A.lo[layer][unit]), float(A.hi[layer][unit]))
        else:
            # with exact confirmation no piece is dropped on the float bounds' word: the children
            # of a piece the bounds exclude are closed as empty regions, exactly
            choices = list(range(len(B.PIECES[act])))
        return _split_unit(node, which, layer, unit, choices, pieces_f, pieces_g)
    raise InternalError("a node was refined 10,000 times without closing")


# -- the entry point -----------------------------------------------------------------------------------------------------

def decide(f: Network, g: Network, domain: Box | Polytope | Reals, mode: Mode | str, deadline: Deadline | None,
           progress: ProgressCallback | None = None, *, options: SearchOptions | None = None) -> EquivalenceResult:
    """Decide the equivalence of ``f`` and ``g`` on a box, polytope or ``R^n`` (activation regions).

    Parameters
    ----------
    f, g:
        Networks with the same input and output sizes (any depth; ``relu``, ``hardtanh``,
        ``linear``, ``step`` and ``ltf`` layers).
    domain:
        :class:`~exactnets.domains.Box`, :class:`~exactnets.domains.Polytope` or
        :class:`~exactnets.domains.Reals`.  A :class:`~exactnets.domains.BooleanCube` raises
        :class:`~exactnets.verify.query.NotApplicable` (exhaustive enumeration decides it).
    mode:
        A :class:`~exactnets.verify.query.Mode` (or its string form).
    deadline:
        A :class:`~exactnets.verify.query.Deadline` or ``None``; when it expires the answer is
        *unknown* with the explored fraction of the domain.
    progress:
        Called as ``progress(done, total)`` with the explored measure of the domain (volume
        fraction for input splits, an equal share per piece for unit splits), in millionths.
    options:
        :class:`SearchOptions`.

    Returns
    -------
    EquivalenceResult
        ``equivalent`` (every region closed by a sound bound, an exact LP certificate or an
        empty-region proof), ``counterexample`` (replayed exactly) or ``unknown`` (with why).

    References
    ----------
    Paulsen, Wang, Wang, "ReluDiff", ICSE 2020; Singh et al., "DeepPoly", POPL 2019; Zhang et
    al., "CROWN", NeurIPS 2018; Wang et al., "Formal security analysis of neural networks using
    symbolic intervals" (ReluVal), USENIX Security 2018; Farkas' lemma for the emptiness
    certificates of :mod:`exactnets.lp`.
    """
    mode = parse_mode(mode)
    check_shapes(f, g, domain, mode)
    if isinstance(domain, BooleanCube):
        raise NotApplicable("the regions method works on boxes, polytopes and R^n; the Boolean cube is finite and "
                            "exhaustive enumeration decides it")
    options = options or SearchOptions()
    if not isinstance(options.confirm_workers, int) or options.confirm_workers < 1:
        raise InputError(f"SearchOptions.confirm_workers must be a positive integer (got {options.confirm_workers!r}): "
                         "1 re-checks synchronously, 2 or more sends the re-checks of proved nodes to worker processes")
    P = _Problem(f, g, domain, mode, deadline, progress, options)
    try:
        return _search(P)
    except _Found as found:
        P.report(force=True)
        return found.result
    finally:
        P.shutdown()  # on a counterexample, a timeout, an exception or Ctrl-C: no worker outlives the call


def _root(P: _Problem) -> _Node | None:
    n = P.n
    if isinstance(P.domain, Box):
        lower, upper = tuple(P.domain.lower), tuple(P.domain.upper)
    elif isinstance(P.domain, Reals):
        lower, upper = (None,) * n, (None,) * n
    else:
        lower_l, upper_l = B.polytope_bounding_box(P.domain, P.deadline)
        lower, upper = tuple(lower_l), tuple(upper_l)
    if all(v is not None for v in (*lower, *upper)):
        P.root_widths = np.array([max(float(b - a), 1e-300) for a, b in zip(lower, upper)])
    fixed_f = [np.full(layer.out_dim, -1, dtype=np.int8) for layer in P.f.layers]
    fixed_g = [np.full(layer.out_dim, -1, dtype=np.int8) for layer in P.g.layers]
    return _Node(lower, upper, fixed_f, fixed_g, Fraction(1))


# Re-checks in flight before the search waits for the oldest: bounds the memory the waiting nodes
# (and their float bounds) hold; the worker is the slower side on the deep benchmark.
_MAX_PENDING = 256


def _push(P: _Problem, stack: list[_Node], node: _Node, children: Any) -> None:
    """What ``_process`` returned: children to explore, a closed node, or one waiting for a worker."""
    if children is _PENDING:
        return  # counted as done when its re-check comes back proved
    if children:
        stack.extend(reversed(children))
    else:
        P.close(node)


def _settle(P: _Problem, stack: list[_Node]) -> None:
    """Take in the finished asynchronous re-checks: close confirmed nodes, process refused ones on.

    A worker's exception is raised here, as the synchronous re-check would have raised it.
    """
    still = []
    finished = []
    for item in P.pending:
        (finished if item.future.done() else still).append(item)
    P.pending = still
    for item in finished:
        C, seconds = item.future.result()
        P.exact_seconds_worker += seconds
        if _count_confirmed(P, C):
            P.close(item.node)
        else:
            _push(P, stack, item.node, _process(P, item.node, refused=(item.bd, C)))


def _search(P: _Problem) -> EquivalenceResult:
    try:
        root = _root(P)
    except EmptyRegion:
        return EquivalenceResult("equivalent", f"{METHOD} (the polytope is empty: z3 proved its constraints unsatisfiable)",
                                 P.elapsed(), details=P.details())
    except LPUnknown as exc:
        return EquivalenceResult("unknown", METHOD, P.elapsed(), reason=f"could not bound the polytope: {exc}",
                                 details=P.details())
    if P.mode.kind == "argmax" and P.m == 1:
        return EquivalenceResult("equivalent", f"{METHOD} (one output: both argmaxes are 0 everywhere)", P.elapsed(),
                                 details=P.details())
    if P.n == 0:
        P.check_points([()], "the only point of R^0")
        return EquivalenceResult("equivalent", f"{METHOD} (R^0 has one point, evaluated exactly)", P.elapsed(),
                                 details=P.details())
    _attack(P, root.lower, root.upper)
    stack = [root]
    # with confirm_workers >= 2, nodes whose re-check is still running wait in P.pending: the loop
    # ends only when both are empty, so "equivalent" rests on every re-check, as in the synchronous path
    while stack or P.pending:
        if P.expired():
            P.report(force=True)
            seconds = P.deadline.seconds if P.deadline is not None and P.deadline.seconds is not None else P.elapsed()
            waiting = f", {len(P.pending)} exact re-check(s) still pending" if P.pending else ""
            return EquivalenceResult(
                "unknown", METHOD, P.elapsed(),
                reason=(f"timeout after {seconds:g} s: explored {float(P.done) * 100:.1f}% of the domain "
                        f"({P.nodes} nodes, {P.stats.solved} LPs{waiting})"),
                details=P.details())
        if P.pending:
            if not stack or len(P.pending) >= _MAX_PENDING:
                # nothing else to do (or enough in flight): wait for the oldest, at most until the deadline
                remaining = P.deadline.remaining() if P.deadline is not None else None
                concurrent.futures.wait([P.pending[0].future], timeout=remaining)
            _settle(P, stack)
            if not stack:
                continue
        node = stack.pop()
        _push(P, stack, node, _process(P, node))
    P.report(force=True)
    if P.unresolved:
        return EquivalenceResult("unknown", METHOD, P.elapsed(),
                                 reason=f"{len(P.unresolved)} region(s) undecided: {P.unresolved[0]}", details=P.details())
    bounds_kind = "DeepPoly/CROWN" + (" and ReluDiff differential bounds" if P.pair else "")
    if P.opt.exact_confirm:
        how = (f"every region closed by exactly re-checked bounds ({bounds_kind}, recomputed in integer "
               "arithmetic), exact LP certificates or exactly confirmed empty-region proofs")
    else:
        how = (f"every region closed by sound bounds (outward-rounded {bounds_kind}), exact LP certificates or "
               "empty-region proofs")
    return EquivalenceResult("equivalent", f"{METHOD} ({how})", P.elapsed(), details=P.details())
