"""``train``: the globally optimal width-``w`` network for a data set, with its evidence."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from exactnets.errors import InputError, InternalError
from exactnets.network import Network
from exactnets.rational import format_rational
from exactnets.train.enumerate import (Incumbent, NodeSolver, TaskResult, expand_frontier, initial_incumbent,
                                       lower_by_q, naive_count, run_task)
from exactnets.train.patterns import count_general_position
from exactnets.train.problem import TrainProblem, build_network, exact_objective, search_order

__all__ = ["TrainResult", "TrainInterrupted", "train", "METHODS"]

METHODS = ("auto", "enumerate", "milp", "convex", "onedim", "naive")


class TrainInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run; the checkpoint (if any) holds every finished task."""

    def __init__(self, checkpoint: str | None):
        self.checkpoint = checkpoint
        super().__init__("interrupted" + (f"; run the same command again to resume from {checkpoint}" if checkpoint
                                          else "; use --checkpoint FILE to be able to resume"))


@dataclasses.dataclass
class TrainResult:
    """The answer: an exact objective, the network attaining it, and how sure we are it is optimal.

    ``certified`` is ``"exact"`` when every pruned node's bound was verified in rationals (and so
    the objective is the global optimum, exactly), ``"tolerance"`` otherwise; ``tolerance_nodes``
    lists where.  ``objective`` is always exactly the loss of ``network`` (replayed).
    """

    objective: Fraction
    network: Network
    method: str
    solved: int
    naive: int
    naive_basis: str
    certified: str
    seconds: float
    tolerance_nodes: list[str] = dataclasses.field(default_factory=list)
    certificate: dict[str, Any] | None = None
    notes: list[str] = dataclasses.field(default_factory=list)
    float_optimum: float | None = None  # the solver's optimum where the true one is irrational (weight decay)

    def to_json(self) -> dict[str, Any]:
        from exactnets.io.network_json import network_to_json

        doc = {"objective": format_rational(self.objective), "network": network_to_json(self.network),
               "method": self.method, "subproblems": {"solved": self.solved, "naive": self.naive},
               "certified": self.certified, "seconds": round(self.seconds, 3)}
        if self.tolerance_nodes:
            doc["tolerance_nodes"] = self.tolerance_nodes[:20]
            doc["tolerance_node_count"] = len(self.tolerance_nodes)
        if self.float_optimum is not None:
            doc["float_optimum"] = self.float_optimum
        if self.notes:
            doc["notes"] = self.notes
        return doc


def _pattern_count(solver: NodeSolver) -> tuple[int, str]:
    problem = solver.problem
    general = count_general_position(problem.size, problem.dim)
    if general <= 400:
        from exactnets.train.patterns import _all_patterns

        return len(_all_patterns(solver.oracle)), "exact pattern count"
    return general, "general-position pattern count (an upper bound)"


def _replay(problem: TrainProblem, incumbent: Incumbent) -> tuple[Network, Fraction]:
    net = build_network(problem, incumbent.q, incumbent.units, incumbent.c)
    value = exact_objective(problem, net)
    if value != incumbent.value:
        raise InternalError(f"the returned network replays to {value}, not the reported {incumbent.value}")
    return net, value


def train(problem: TrainProblem, *, method: str = "auto", workers: int = 1, scheduler: str | None = None,
          checkpoint: str | None = None, progress: Callable[[int, int, Fraction], None] | None = None,
          box: Any = None, tasks: int | None = None, certify: bool = False,
          seed: Network | None = None) -> TrainResult:
    """The globally optimal network for ``problem``, exactly.

    Parameters
    ----------
    problem
        Data, width, loss, options (:class:`~exactnets.train.problem.TrainProblem`).
    method
        ``"enumerate"`` (branch-and-bound over patterns, certified), ``"milp"`` (HiGHS, weights
        in ``[-box, box]``), ``"convex"`` (Pilanci-Ergen, squared loss with weight decay),
        ``"onedim"`` (n = 1 only), ``"naive"`` (Algorithm 1 without pruning: benchmarks);
        ``"auto"`` is ``enumerate``.  With weight decay, ``enumerate`` is Algorithm 1 with the
        regulariser (:mod:`exactnets.train.decay`, certified only up to the solver tolerance).
    workers, scheduler
        Local worker processes, or the address of a running Dask scheduler.
    checkpoint
        A file for progress; an interrupted run started again with the same arguments resumes.
    progress
        ``progress(done, total, incumbent_objective)``: suffix searches finished out of ``D``
        (the enumeration solves the suffixes of its point order, shortest first).
    certify
        With ``method="milp"``: afterwards run the enumeration seeded with the MILP's network,
        so that its optimality gets the enumeration's exact certificate (``"certified"`` and
        ``certificate`` then come from the enumeration).
    seed
        A network (``exactnets.network/1``, one relu layer and a linear output with weights
        ``+-1``) to start the enumeration's incumbent from; only speeds the search up.

    Examples
    --------
    >>> p = TrainProblem([[0], [1], [2]], [1, 0, 1], width=2, loss="l1")
    >>> r = train(p)
    >>> r.objective, r.certified
    (Fraction(0, 1), 'exact')
    """
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if method == "auto":
        method = "enumerate"
    if problem.weight_decay > 0 and method not in ("convex", "enumerate"):
        raise InputError(f"weight decay is handled by --method enumerate (any loss) or --method convex (squared "
                         f"loss, Pilanci & Ergen), not by --method {method}")
    if workers < 1:
        raise InputError(f"workers must be at least 1 (got {workers})")
    started = time.perf_counter()
    if method == "milp":
        from exactnets.train.milp import train_milp

        result = train_milp(problem, box=box, started=started)
        if not certify:
            return result
        proof = _train_enumerate(problem, workers, scheduler, checkpoint, progress, started, tasks,
                                 _seed_incumbent(problem, result.network))
        if proof.objective > result.objective:
            raise InternalError(f"the enumeration seeded with the MILP's network ({result.objective}) ended above it "
                                f"({proof.objective})")
        return dataclasses.replace(proof, method="milp", solved=result.solved + proof.solved,
                                   notes=result.notes + [f"optimality proved by the enumeration seeded with the MILP's "
                                                         f"network ({proof.solved} convex solves)"] + proof.notes)
    if method == "onedim":
        from exactnets.train.onedim import train_onedim

        return train_onedim(problem, started=started)
    if method == "convex":
        from exactnets.train.convex import train_convex

        return train_convex(problem, started=started)
    if problem.weight_decay > 0:
        from exactnets.train.decay import train_decay

        return train_decay(problem, started=started)
    if method == "naive":
        from exactnets.train.enumerate import naive_enumeration

        value, q, units, c, solved, count = naive_enumeration(problem)
        incumbent = Incumbent(value, q, units, c)
        net, value = _replay(problem, incumbent)
        return TrainResult(value, net, "naive", solved, naive_count(problem, count), "exact pattern count",
                           "tolerance", time.perf_counter() - started,
                           notes=["naive enumeration compares float optima; only the best tuple is solved exactly"])
    return _train_enumerate(problem, workers, scheduler, checkpoint, progress, started, tasks,
                            None if seed is None else _seed_incumbent(problem, seed))


DOLLS = None  # benchmarks/experiments: a function count -> the suffix starts to solve


def doll_starts(count: int) -> set[int]:
    """The suffixes ``order[m:]`` the Russian-doll search solves (0 always: the answer)."""
    return set(range(count))


def _seed_incumbent(problem: TrainProblem, net: Network) -> Incumbent:
    """A network as a starting incumbent: positive units first, exact objective on all the data."""
    from exactnets.train.problem import network_units

    signs, units, c = network_units(problem, net)
    if any(s not in (1, -1) for s in signs) or len(units) > problem.width or (c != 0 and not problem.output_bias):
        raise InputError("a seed network needs at most `width` units with output weights +1 or -1 (and no output "
                         "bias unless the problem has one)")
    order = sorted(range(len(units)), key=lambda i: -signs[i])
    q = sum(1 for s in signs if s == 1)
    units = [list(units[i]) for i in order]
    units += [[Fraction(0)] * (problem.dim + 1) for _ in range(problem.width - len(units))]
    value = exact_objective(problem, build_network(problem, q, units, c))
    return Incumbent(value, q, units, c)


def _train_enumerate(problem, workers, scheduler, checkpoint, progress, started, tasks, seed=None) -> TrainResult:
    """Russian-doll branch-and-bound: the suffixes of the search order are solved from the
    shortest to the whole data set; each one's exact optimum bounds the unexplored points of
    the longer ones (:mod:`exactnets.train.enumerate`)."""
    from exactnets.train import checkpoint as ckpt

    order = search_order(problem.points)
    count = problem.size
    print_ = ckpt.fingerprint(problem.to_json(), "enumerate")
    state = ckpt.load_checkpoint(checkpoint, print_) if checkpoint else None
    if state is None:
        state = {"order": order, "finished": {}, "current": None}
    order = state["order"]
    finished: dict[int, tuple[Incumbent, TaskResult]] = state["finished"]
    target = tasks if tasks is not None else max(16, 8 * workers)
    dolls = doll_starts(count) if DOLLS is None else DOLLS(count)

    last_save = [0.0]

    def save(force: bool = True) -> None:
        # After every finished suffix (force); after a finished task at most once a second, so
        # that rewriting a large state does not dominate long runs (kill -9 then loses at most
        # about a second of work; Ctrl-C loses nothing: the state is saved on the way out).
        if checkpoint and (force or time.perf_counter() - last_save[0] >= 1.0):
            ckpt.save_checkpoint(checkpoint, print_, state)
            last_save[0] = time.perf_counter()

    pool = _LazyPool(workers if workers > 1 and not scheduler else 1)
    try:
        for start in range(count - 1, -1, -1):
            if start in finished:
                continue
            if start not in dolls:
                continue
            solver = NodeSolver(problem, order, start)
            # the bound of the points after the first k: the nearest solved suffix among them
            solver.future_from = [next((m for m in range(start + k, count) if m in finished), None) if k else None
                                  for k in range(count - start + 1)]
            solver.future = [[finished[m][2][q] if m is not None else Fraction(0) for m in solver.future_from]
                             for q in range(problem.width + 1)]
            current = state["current"]
            if current is None or current["start"] != start:
                driver = TaskResult()
                later = [m for m in finished if m > start]
                previous = finished[min(later)][0] if later else None
                incumbent = initial_incumbent(solver, previous)
                if seed is not None:
                    seeded = initial_incumbent(solver, seed)
                    if seeded.value < incumbent.value:
                        incumbent = seeded
                parallel = start == 0 or ((workers > 1 or scheduler) and count - start >= 8)
                frontier, incumbent = expand_frontier(solver, incumbent, target if parallel else 1, driver)
                if driver.best is not None and driver.best.value < incumbent.value:
                    incumbent = driver.best
                current = state["current"] = {"start": start, "frontier": frontier, "driver": driver, "done": {},
                                              "incumbent": incumbent}
                save()
            _run_frontier(problem, order, solver, current, pool, scheduler, progress, save, show=(start == 0),
                          parallel=start == 0 or count - start >= 8)
            merged = TaskResult()
            merged.merge(current["driver"])
            for index in range(len(current["frontier"])):
                merged.merge(current["done"][index])
            finished[start] = (current["incumbent"], merged,
                               lower_by_q(solver, merged, current["incumbent"].value))
            state["current"] = None
            save()
    except KeyboardInterrupt:
        save()
        raise TrainInterrupted(checkpoint) from None
    finally:
        pool.shutdown()
    incumbent = finished[0][0]
    net, value = _replay(problem, incumbent)
    solved = sum(entry[1].solved for entry in finished.values())
    # the suffix-0 solver's pattern oracle has already decided most prefixes: reuse its answers
    from exactnets.train.enumerate import _solver_for

    pattern_total, basis = _pattern_count(_solver_for(problem, order, 0))
    from exactnets.train.certificate import build_certificate

    certificate = build_certificate(problem, order, value, net, {m: (lower, res) for m, (inc, res, lower) in finished.items()})
    tolerance = certificate["summary"]["tolerance_nodes"]
    uncertified = certificate["summary"]["uncertified_patterns"]
    certified = "exact" if not tolerance and not uncertified else "tolerance"
    notes = []
    if basis != "exact pattern count":
        notes.append(f"'naive' = 2^w * P^w with P = {pattern_total}, the {basis}")
    if uncertified:
        notes.append(f"{uncertified} pattern(s) could not be proved unrealisable exactly; they were kept (safe) "
                     f"but the certificate lacks their proofs")
    if tolerance:
        notes.append(f"{len(tolerance)} node bound(s) are certified only up to the solver tolerance; see "
                     f"'tolerance_nodes'")
    return TrainResult(value, net, "enumerate", solved, naive_count(problem, pattern_total), basis, certified,
                       time.perf_counter() - started, tolerance, certificate, notes)


class _LazyPool:
    """Worker processes, started on first use: small runs (which never reach the parallel
    phase) do not pay the start-up of spawned interpreters."""

    # Below this many points a whole run takes about as long as starting the workers (each
    # spawned interpreter first imports numpy, cvxpy and highspy: on the order of a second).
    MIN_POINTS = 8

    def __init__(self, workers: int):
        self.workers = workers
        self.executor = None

    def get(self):
        if self.workers <= 1:
            return None
        if self.executor is None:
            import concurrent.futures as cf
            import multiprocessing

            self.executor = cf.ProcessPoolExecutor(max_workers=self.workers,
                                                   mp_context=multiprocessing.get_context("spawn"))
        return self.executor

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
            self.executor = None


def _run_frontier(problem, order, solver, current, pool, scheduler, progress, save, show, parallel) -> None:
    frontier = current["frontier"]
    done: dict[int, TaskResult] = current["done"]
    total = len(frontier)
    pending = [i for i in range(total) if i not in done]
    start = solver.start
    future = solver.future

    def finish(index: int, result: TaskResult) -> None:
        done[index] = result
        if result.best is not None and result.best.value < current["incumbent"].value:
            current["incumbent"] = result.best
        save(force=False)
        if progress is not None:
            progress(problem.size - start - (0 if len(done) == total else 1), problem.size, current["incumbent"].value)

    def payload(index: int) -> tuple:
        return (problem, order, start, (future, solver.future_from), [frontier[index]], current["incumbent"])

    if scheduler and parallel:
        _run_dask(scheduler, pending, payload, finish)
    elif pool.workers > 1 and parallel and len(pending) > 1 and problem.size >= pool.MIN_POINTS:
        _run_pool(pool.get(), pending, payload, finish)
    else:
        for index in pending:
            finish(index, run_task(payload(index)))


def _run_pool(pool, pending, payload, finish) -> None:
    import concurrent.futures as cf

    workers = pool._max_workers
    queue = list(pending)
    running: dict[Any, int] = {}
    try:
        while queue or running:
            while queue and len(running) < workers:
                index = queue.pop(0)
                running[pool.submit(run_task, payload(index))] = index
            finished, _ = cf.wait(list(running), return_when=cf.FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: running[f]):
                finish(running.pop(future), future.result())
    except BaseException:
        for future in running:
            future.cancel()
        raise


def _run_dask(address, pending, payload, finish) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError("--scheduler needs the 'distributed' package (pip install dask distributed)") from None
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError) as error:
        raise InputError(f"--scheduler {address}: cannot reach the Dask scheduler ({error})") from None
    try:
        queue = list(pending)
        running = {}
        slots = max(2, len(client.scheduler_info().get("workers", {})))
        while queue and len(running) < slots:
            index = queue.pop(0)
            running[client.submit(run_task, payload(index), pure=False)] = index
        stream = as_completed(list(running))
        for future in stream:
            finish(running.pop(future), future.result())
            if queue:
                index = queue.pop(0)
                new = client.submit(run_task, payload(index), pure=False)
                running[new] = index
                stream.add(new)
    finally:
        client.close()
