"""The exact re-check of the branch and bound (``exactnets.verify.exact_bounds``).

Soundness by hypothesis (random small networks with every activation, dyadic and non-dyadic
weights, some units fixed to a piece): every exact evaluation at a point of the box where the
fixed pieces hold lies inside the exact bounds, every piece the exact bounds call stable is the
unit's piece there, and "empty" is only claimed when no such point exists.  Agreement with the
float analysis, confirmation of nodes the float proof closes, refusal of corrupted claims, and
the regions method with and without the exact re-check.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from exactnets.domains import Box
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify import bounds as B
from exactnets.verify import exact_bounds as X
from exactnets.verify import regions as R
from exactnets.verify.query import Mode
from tests.strategies import networks, rationals, wide_rationals
from tests.test_verify_bounds import box_points, boxes, perturbed, pre_activations


def dyadics() -> st.SearchStrategy[Fraction]:
    """Float-like weights: p / 2^k."""
    return st.builds(lambda p, k: Fraction(p, 2**k), st.integers(-2**12, 2**12), st.integers(0, 14))


def in_piece(act: str, piece: int, t: Fraction) -> bool:
    p = B.PIECES[act][piece]
    return ((t > p.lo) if p.lo_open else (t >= p.lo)) and ((t < p.hi) if p.hi_open else (t <= p.hi))


def frac(v: int) -> Fraction:
    return Fraction(v, 2**X.G)


def random_fixed(data, net: Network) -> list[np.ndarray]:
    fixed = [np.full(l.out_dim, -1, dtype=np.int8) for l in net.layers]
    for j, layer in enumerate(net.layers):
        for i in range(layer.out_dim):
            if data.draw(st.integers(0, 3)) == 0:
                fixed[j][i] = data.draw(st.integers(0, len(B.PIECES[layer.activation]) - 1))
    return fixed


def holds(net: Network, fixed, z) -> bool:
    return all(in_piece(l.activation, int(fixed[j][i]), z[j][i])
               for j, l in enumerate(net.layers) for i in range(l.out_dim) if fixed[j][i] >= 0)


ACTS = ("relu", "hardtanh", "ltf", "step", "linear")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_exact_bounds_contain_every_exact_evaluation_with_fixed_pieces(data):
    values = data.draw(st.sampled_from([rationals(), dyadics(), wide_rationals()]))
    net = data.draw(networks(input_dim=st.integers(1, 3), depth=st.integers(1, 4), activations=ACTS, values=values))
    box = data.draw(boxes(net.input_dim))
    fixed = random_fixed(data, net) if data.draw(st.booleans()) else None
    try:
        A = X.exact_analyse(net, box.lower, box.upper, fixed)
    except X.ExactInfeasible:
        A = None
    for x in data.draw(box_points(box, 16)):
        z = pre_activations(net, x)
        if fixed is not None and not holds(net, fixed, z):
            continue
        assert A is not None, "an empty region was claimed, but a point of the box has these pieces"
        for j, layer in enumerate(net.layers):
            for i, value in enumerate(z[j]):
                assert frac(A.lo[j][i]) <= value <= frac(A.hi[j][i]), (j, i, value)
                if A.piece[j][i] >= 0:
                    assert in_piece(layer.activation, A.piece[j][i], value)
        # the outputs' lower forms: rows . out(x) >= form(x) on the region
        m = net.output_dim
        rows = np.vstack([np.eye(m, dtype=np.int64), -np.eye(m, dtype=np.int64)])
        F = X.output_lower(net, A, rows)
        xlo, xhi = X._box(x, x)
        low = X._concretise(F, xlo, xhi)
        out = evaluate(net, x)
        for r in range(2 * m):
            assert frac(low[r]) <= (out[r] if r < m else -out[r - m])


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_exact_differential_bounds_contain_every_exact_difference(data):
    values = data.draw(st.sampled_from([rationals(), dyadics()]))
    f = data.draw(networks(input_dim=st.integers(1, 3), depth=st.integers(1, 4), activations=ACTS, values=values))
    noise = data.draw(st.lists(st.builds(Fraction, st.integers(-5, 5), st.sampled_from([8, 100, 1024])), min_size=1, max_size=5))
    g = perturbed(f, noise)
    box = data.draw(boxes(f.input_dim))
    fixed_f = random_fixed(data, f) if data.draw(st.booleans()) else None
    fixed_g = random_fixed(data, g) if fixed_f is not None else None
    try:
        PA = X.exact_analyse_pair(f, g, box.lower, box.upper, fixed_f, fixed_g)
    except X.ExactInfeasible:
        PA = None
    m = f.output_dim
    rows = np.vstack([np.eye(m, dtype=np.int64), -np.eye(m, dtype=np.int64)])
    for x in data.draw(box_points(box, 16)):
        zf, zg = pre_activations(f, x), pre_activations(g, x)
        if fixed_f is not None and not (holds(f, fixed_f, zf) and holds(g, fixed_g, zg)):
            continue
        assert PA is not None, "an empty region was claimed, but a point of the box has these pieces"
        for j, layer in enumerate(f.layers):
            for i in range(layer.out_dim):
                d = zg[j][i] - zf[j][i]
                assert frac(PA.dlo[j][i]) <= d <= frac(PA.dhi[j][i]), (j, i, d)
                assert frac(PA.f.lo[j][i]) <= zf[j][i] <= frac(PA.f.hi[j][i])
                assert frac(PA.g.lo[j][i]) <= zg[j][i] <= frac(PA.g.hi[j][i])
                for A, z in ((PA.f, zf), (PA.g, zg)):
                    if A.piece[j][i] >= 0:
                        assert in_piece(layer.activation, A.piece[j][i], z[j][i])
        F = X.diff_output_lower(f, g, PA, rows)
        xlo, xhi = X._box(x, x)
        low = X._concretise(F, xlo, xhi)
        fx, gx = evaluate(f, x), evaluate(g, x)
        for r in range(2 * m):
            d = gx[r] - fx[r] if r < m else fx[r - m] - gx[r - m]
            assert frac(low[r]) <= d, (r, low[r], d)


def test_relaxation_lines_are_valid_and_a_shifted_intercept_is_not():
    """Lines with rounded slopes and exact intercepts bound the activation on the whole interval."""
    rng = np.random.default_rng(0)
    for act in ("relu", "hardtanh"):
        for _ in range(50):
            l, h = sorted(Fraction(int(v), 7) for v in rng.integers(-20, 20, 2))
            if l == h:
                continue
            lo, hi = [X.grid_floor(l)], [X.grid_ceil(h)]
            piece = [X._piece_of(act, lo[0], hi[0])]
            rel = X._relaxation(act, lo, hi, piece)
            pts = [l, h, Fraction(0), Fraction(-1), Fraction(1)] + [l + (h - l) * Fraction(k, 9) for k in range(10)]
            worst_up = None
            for t in pts:
                if not (l <= t <= h):
                    continue
                value = {"relu": max(t, 0), "hardtanh": max(-1, min(1, t))}[act]
                low = Fraction(int(rel.lam_l[0]), 2**X.SL) * t + frac(rel.mu_l[0])
                up = Fraction(int(rel.lam_u[0]), 2**X.SL) * t + frac(rel.mu_u[0])
                assert low <= value <= up
                gap = up - value
                worst_up = gap if worst_up is None else min(worst_up, gap)
            # the upper line touches the function (tight intercept): lowering it breaks validity
            if piece[0] < 0:
                assert worst_up < Fraction(1, 2**20)


def bench_like(seed: int, hidden: int = 3, width: int = 12, n: int = 3):
    """A small copy of the deep benchmark: float32-exact weights, a perturbed twin, a small box."""
    rng = np.random.default_rng(seed)
    sizes = [n] + [width] * hidden + [2]
    f_layers, g_layers = [], []
    for i in range(len(sizes) - 1):
        W = rng.normal(0, 1 / np.sqrt(sizes[i]), (sizes[i + 1], sizes[i])).astype(np.float32)
        b = rng.normal(0, 0.1, sizes[i + 1]).astype(np.float32)
        Wg = (W + rng.uniform(-1e-3, 1e-3, W.shape)).astype(np.float32)
        bg = (b + rng.uniform(-1e-3, 1e-3, b.shape)).astype(np.float32)
        act = "relu" if i < len(sizes) - 2 else "linear"
        f_layers.append(Layer(act, [[Fraction(float(v)) for v in row] for row in W], [Fraction(float(v)) for v in b]))
        g_layers.append(Layer(act, [[Fraction(float(v)) for v in row] for row in Wg], [Fraction(float(v)) for v in bg]))
    centre = [Fraction(int(v * 1000), 1000) for v in rng.uniform(-1, 1, n)]
    box = Box([c - Fraction(1, 20) for c in centre], [c + Fraction(1, 20) for c in centre])
    return Network(n, f_layers), Network(n, g_layers), box


def test_exact_bounds_are_no_looser_than_the_float_bounds_up_to_the_slope_rounding():
    """The exact analysis mirrors the float one (it back-substitutes the difference for a few more
    units, so it may be tighter); rounded slopes cost it at most a hair."""
    f, g, box = bench_like(1)
    xlo, xhi = B.float_box(box.lower, box.upper)
    pa = B.analyse_pair(f, g, xlo, xhi)
    PA = X.exact_analyse_pair(f, g, box.lower, box.upper)
    tol = Fraction(1, 10**6)
    for j in range(f.depth):
        assert all(int(q) < 0 or p == int(q) for p, q in zip(PA.f.piece[j], pa.f.piece[j]))  # float-stable: exactly stable
        for ex_lo, ex_hi, fl_lo, fl_hi in ((PA.dlo[j], PA.dhi[j], pa.dlo[j], pa.dhi[j]), (PA.f.lo[j], PA.f.hi[j], pa.f.lo[j], pa.f.hi[j])):
            for a, b, c, d in zip(ex_lo, ex_hi, fl_lo, fl_hi):
                a, b, c, d = frac(a), frac(b), Fraction(float(c)), Fraction(float(d))
                assert a <= d and c <= b  # the intervals overlap (both contain the true range)
                scale = 1 + abs(c) + abs(d)
                assert a >= c - tol * scale and b <= d + tol * scale


def test_a_node_the_float_proof_closes_is_confirmed_and_false_claims_are_not():
    f, g, box = bench_like(2)
    xlo, xhi = B.float_box(box.lower, box.upper)
    pa = B.analyse_pair(f, g, xlo, xhi)
    easy = Mode("epsilon", Fraction(1, 10))
    C = X.confirm_node(f, g, box.lower, box.upper, easy, claims_f=pa.f.piece, claims_g=pa.g.piece)
    assert C.proved and C.claims_ok and not C.empty and C.open_rows == ()
    C1 = X.confirm_node(f, g, box.lower, box.upper, easy, pair=False)  # separate bounds, subtracted
    assert C1.proved
    # a wrong stable piece: some unit claimed in the other relu piece
    claims = [p.copy() for p in pa.f.piece]
    j = next(j for j, p in enumerate(claims) if np.any(p >= 0))
    i = int(np.nonzero(claims[j] >= 0)[0][0])
    claims[j][i] = 1 - claims[j][i]
    C2 = X.confirm_node(f, g, box.lower, box.upper, easy, claims_f=claims)
    assert not C2.claims_ok and f"layer {j} unit {i}" in C2.reason
    # a false mode: eps below a difference attained in the box
    x = tuple(box.lower)
    d = max(abs(a - b) for a, b in zip(evaluate(f, x), evaluate(g, x)))
    C3 = X.confirm_node(f, g, box.lower, box.upper, Mode("epsilon", d / 2))
    assert not C3.proved and C3.open_rows
    # decision and argmax on a box where both networks keep one sign / one winner
    tiny = Box(box.lower, [a + Fraction(1, 10**6) for a in box.lower])
    for kind in ("decision", "argmax"):
        assert X.confirm_node(f, g, tiny.lower, tiny.upper, Mode(kind), pair=False, argmax_hint=None).proved


def test_contradicting_constraints_give_an_exact_empty_region():
    # x <= 0 (unit 0 inactive) makes h = 0, so relu(h - 1) cannot be active
    net = Network(1, [Layer("relu", [[1]], [0]), Layer("relu", [[1]], [-1]), Layer("linear", [[1]], [0])])
    fixed = [np.array([0], dtype=np.int8), np.array([1], dtype=np.int8), np.array([-1], dtype=np.int8)]
    A = X.exact_analyse(net, [Fraction(-2)], [Fraction(2)], [fixed[0], np.array([-1], dtype=np.int8), fixed[2]])
    assert A.piece[1] == [0]  # without the second constraint: the unit is inactive, exactly
    with pytest.raises(X.ExactInfeasible):
        X.exact_analyse(net, [Fraction(-2)], [Fraction(2)], fixed)
    C = X.confirm_node(net, net, [Fraction(-2)], [Fraction(2)], Mode("function"), known_f=fixed)
    assert C.empty


# -- the regions method with the exact re-check --------------------------------------------------------------

def decide(f, g, box, mode, **options):
    return R.decide(f, g, box, Mode(*mode) if isinstance(mode, tuple) else Mode(mode), None,
                    options=R.SearchOptions(**options))


def test_regions_verdicts_are_the_same_with_and_without_the_exact_recheck():
    f, g, box = bench_like(3)
    x = tuple(box.lower)
    d = max(abs(a - b) for a, b in zip(evaluate(f, x), evaluate(g, x)))
    for mode in (("epsilon", Fraction(1, 10)), ("epsilon", Fraction(1, 200)), ("epsilon", d / 2), "decision", "argmax"):
        on = decide(f, g, box, mode)
        off = decide(f, g, box, mode, exact_confirm=False)
        assert on.verdict == off.verdict, mode
        assert on.details["exact_confirm"] and not off.details["exact_confirm"]
        if on.verdict == "equivalent":
            assert "exactly re-checked" in on.method
            assert on.details["exact_confirmed"] >= 1
            assert off.details["exact_confirmed"] == 0


def _lying_float_bounds(monkeypatch):
    """Two networks that differ by up to 1/4 on [-1, 1], with float bounds that call every node proved."""
    f = Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [0])])
    g = Network(1, [Layer("relu", [[1]], ["-1/4"]), Layer("linear", [[1]], [0])])
    monkeypatch.setattr(R, "_attack", lambda P, lower, upper: None)
    real = R._check_by_bounds

    def lying(P, bd):
        real(P, bd)
        bd.proved = True
        bd.open_rows = []

    monkeypatch.setattr(R, "_check_by_bounds", lying)
    return f, g, Box([-1], [1])


def test_a_corrupted_float_proof_is_refused_and_the_search_finds_the_counterexample(monkeypatch):
    """Float bounds that claim every node proved (or empty) must not make a verdict 'equivalent'."""
    real = R._check_by_bounds
    f, g, box = _lying_float_bounds(monkeypatch)
    wrong = decide(f, g, box, "function", exact_confirm=False)
    assert wrong.verdict == "equivalent"  # what the lie alone would give
    right = decide(f, g, box, "function")
    assert right.verdict == "counterexample"
    assert right.details["exact_refused"] >= 1

    def empty(*args, **kwargs):
        raise B.Infeasible

    monkeypatch.setattr(R, "_check_by_bounds", real)
    monkeypatch.setattr(B, "analyse_pair", empty)
    monkeypatch.setattr(B, "analyse", empty)
    assert decide(f, g, box, "function", exact_confirm=False).verdict == "equivalent"
    result = decide(f, g, box, "function")
    assert result.verdict == "counterexample" and result.details["exact_refused"] >= 1


def test_a_corrupted_stable_piece_at_a_leaf_is_refused(monkeypatch):
    """Float bounds that call an unstable unit stable would make the leaf's affine map wrong."""
    f = Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [0])])
    g = Network(1, [Layer("linear", [[1]], [0]), Layer("linear", [[1]], [0])])  # relu(x) vs x: differ for x < 0
    box = Box([-1], [1])
    monkeypatch.setattr(R, "_attack", lambda P, lower, upper: None)
    real = B.analyse

    def lying(net, xlo, xhi, fixed=None, **kw):
        A = real(net, xlo, xhi, fixed, **kw)
        A.piece = [np.where(p < 0, 1, p).astype(np.int8) for p in A.piece]  # "every relu is active"
        return A

    monkeypatch.setattr(B, "analyse", lying)
    monkeypatch.setattr(R._Problem, "check_points", lambda self, points, how: None)  # no bound-guided probes
    assert decide(f, g, box, "function", exact_confirm=False).verdict == "equivalent"
    result = decide(f, g, box, "function")
    assert result.verdict == "counterexample" and result.details["exact_refused"] >= 1


def test_corrupted_relaxation_intercepts_in_the_float_analysis_are_not_confirmed(monkeypatch):
    """Upper intercepts pushed too low make the float bounds unsound; the exact re-check recomputes
    every intercept itself, so nothing it confirms rests on them."""
    f = Network(1, [Layer("relu", [[1], [-1]], [0, 0]), Layer("relu", [[1, 1]], [0]), Layer("linear", [[1]], [0])])
    g = Network(1, [Layer("relu", [[1], [-1]], [0, "1/4"]), Layer("relu", [[1, 1]], [0]), Layer("linear", [[1]], [0])])
    box = Box([-1], [1])
    monkeypatch.setattr(R, "_attack", lambda P, lower, upper: None)
    monkeypatch.setattr(R._Problem, "check_points", lambda self, points, how: None)
    real = B._relaxation

    def corrupt(act, low, high, piece):
        lam_l, mu_l, lam_u, mu_u = real(act, low, high, piece)
        return lam_l, mu_l, lam_u, np.where(piece < 0, mu_u - 10.0, mu_u)

    monkeypatch.setattr(B, "_relaxation", corrupt)
    for mode in ("function", ("epsilon", Fraction(1, 10))):
        assert decide(f, g, box, mode, exact_confirm=False).verdict == "equivalent"  # the corrupted float proof
        result = decide(f, g, box, mode)
        assert result.verdict == "counterexample" and result.details["exact_refused"] >= 1


# -- the re-checks of proved nodes on a worker process (SearchOptions.confirm_workers) ---------------------------

import multiprocessing  # noqa: E402
import os  # noqa: E402

from exactnets.errors import InputError  # noqa: E402
from exactnets.verify.query import Deadline  # noqa: E402


def no_children_left() -> bool:
    return multiprocessing.active_children() == []


def test_confirm_workers_give_the_same_verdicts_and_counts_as_the_synchronous_recheck():
    f, g, small = bench_like(3)
    wide = Box([-1] * 3, [1] * 3)  # ~180 nodes at eps 1/200, two of them refused by the exact re-check
    x = tuple(small.lower)
    d = max(abs(a - b) for a, b in zip(evaluate(f, x), evaluate(g, x)))
    cases = [(small, mode) for mode in (("epsilon", Fraction(1, 10)), ("epsilon", Fraction(1, 200)), ("epsilon", d / 2),
                                        "decision", "argmax", "function")]
    cases += [(wide, mode) for mode in (("epsilon", Fraction(1, 200)), "decision", "argmax")]
    used = refused = 0
    for box, mode in cases:
        sync = decide(f, g, box, mode, confirm_workers=1)
        pool = decide(f, g, box, mode, confirm_workers=2)
        assert no_children_left(), mode
        assert pool.verdict == sync.verdict, (box, mode)
        assert pool.details["confirm_workers"] == 2 and sync.details["confirm_workers"] == 1
        assert sync.details["exact_pending_max"] == 0 and sync.details["exact_seconds_worker"] == 0
        if sync.verdict == "equivalent":
            # the same nodes closed the same way: only the place of the re-check moved
            for key in ("nodes", "exact_confirmed", "exact_refused", "closed_by_bounds", "empty_regions", "leaves"):
                assert pool.details[key] == sync.details[key], (mode, key)
            assert pool.details["explored"] == 1.0
            assert "exactly re-checked" in pool.method
        else:
            assert pool.counterexample is not None and pool.counterexample.x is not None
        used += pool.details["exact_pending_max"] >= 1
        refused += pool.details["exact_refused"] if sync.verdict == "equivalent" else 0
    assert used >= 2  # the asynchronous path did run (a search closed by its first node stays synchronous)
    assert refused >= 1  # and a worker's refusal was processed on (eps 1/200 on the wide box)


def test_confirm_workers_refuse_a_corrupted_float_proof_and_find_the_counterexample(monkeypatch):
    f, g, box = _lying_float_bounds(monkeypatch)
    # no bound-guided probes: the root's (synchronous) refusal would find the counterexample at once
    monkeypatch.setattr(R._Problem, "check_points", lambda self, points, how: None)
    assert decide(f, g, box, "function", exact_confirm=False, confirm_workers=2).verdict == "equivalent"  # the lie
    for mode in ("function", ("epsilon", Fraction(1, 8))):
        result = decide(f, g, box, mode, confirm_workers=2)
        assert result.verdict == "counterexample", mode
        assert result.details["exact_refused"] >= 1 and result.details["exact_pending_max"] >= 1
        x = result.counterexample.x
        assert abs(evaluate(f, x)[0] - evaluate(g, x)[0]) > (0 if mode == "function" else Fraction(1, 8))
        assert no_children_left()


def _slow_in_workers(monkeypatch, seconds: float) -> None:
    """A worker's first exact re-check takes ``seconds`` longer (the workers fork after this patch;
    the tasks are run in order, so none comes back before)."""
    main, real = os.getpid(), X.confirm_node
    slept = []  # per process: a forked worker starts with the main process's (empty) list

    def slow(*args, **kwargs):
        if os.getpid() != main and not slept:
            import time

            slept.append(True)
            time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(X, "confirm_node", slow)


WIDE = Box([-1] * 3, [1] * 3)  # with bench_like(3) and eps 1/200: ~180 nodes, ~90 closed by bounds


def test_a_timeout_with_pending_rechecks_is_unknown_never_equivalent(monkeypatch):
    f, g, _ = bench_like(3)
    mode = Mode("epsilon", Fraction(1, 200))
    quick = R.decide(f, g, WIDE, mode, None, options=R.SearchOptions(confirm_workers=2))
    assert quick.verdict == "equivalent" and quick.details["exact_pending_max"] >= 2
    _slow_in_workers(monkeypatch, 1.5)  # no worker re-check comes back before the deadline
    result = R.decide(f, g, WIDE, mode, Deadline(1.0), options=R.SearchOptions(confirm_workers=2))
    assert result.verdict == "unknown"
    assert "exact re-check(s) still pending" in result.reason
    # the nodes sent to the worker are not counted as explored: only the synchronous re-checks closed any
    assert result.details["explored"] < 1
    assert result.details["exact_seconds_worker"] == 0
    assert no_children_left()


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_the_worker_pool_is_shut_down_when_the_search_raises(monkeypatch, error):
    f, g, box = bench_like(3)

    def broken(P, stack):
        assert P.pool is not None and P.pending  # raised while a re-check is in flight
        raise error("settle failed")

    monkeypatch.setattr(R, "_settle", broken)
    with pytest.raises(error, match="settle failed"):
        decide(f, g, WIDE, ("epsilon", Fraction(1, 200)), confirm_workers=2)
    assert no_children_left()


def test_the_default_uses_a_worker_only_where_two_cpus_are_available(monkeypatch):
    monkeypatch.setattr(R.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert R.SearchOptions().confirm_workers == 1
    monkeypatch.setattr(R.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert R.SearchOptions().confirm_workers == 2
    f, g, _ = bench_like(3)
    monkeypatch.setitem(multiprocessing.current_process()._config, "daemon", True)  # as in a Pool worker
    result = decide(f, g, WIDE, ("epsilon", Fraction(1, 200)), confirm_workers=2)
    assert result.verdict == "equivalent" and result.details["confirm_workers"] == 1
    assert result.details["exact_pending_max"] == 0


def test_confirm_workers_must_be_a_positive_integer():
    f, g, box = bench_like(3)
    for bad in (0, -1, 1.5):
        with pytest.raises(InputError, match="confirm_workers"):
            decide(f, g, box, ("epsilon", Fraction(1, 10)), confirm_workers=bad)
