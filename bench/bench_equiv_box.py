"""Benchmark: function-mode equivalence of 2-layer ReLU nets on the box [-1, 1]^n.

Run (under 10 minutes with the default timeouts; ``--quick`` for a one-minute smoke run)::

    cd /work/main && /work/venv/bin/python bench/bench_equiv_box.py [--quick] [--z3-timeout 15] [--marabou-timeout 20]

It prints a Markdown table (one row per instance) for bench/RESULTS.md; it writes no file.

Instances.  For n in {4, 8, 12} and hidden widths {8, 16, 32, 64}, from a fixed seed: a random
2-layer ReLU net ``f`` with one output and dyadic weights k/8 (hidden weights in [-2, 2], biases
in [-1, 1], output weights in [-2, 2]; every weight is also an exact float), and two partners:

* ``equiv``: the same function written differently -- hidden units permuted, about 30% rescaled
  by a power of two (``c R(t) = (c/lam) R(lam t)``), about 25% split
  (``c R(t) = c1 R(t) + (c - c1) R(t)``);
* ``perturb``: ``equiv`` with one hidden weight changed by 1/1000, on a unit whose hyperplane
  crosses the box and whose output weight has size >= 1 (so the function really changes; the
  largest difference is of the order of 1/1000).

Contenders, in this one process, one after another on the same instances:

``canonical``  :func:`exactnets.verify.canonical.decide` (exact canonical form of 2-layer nets);
``smt``        :func:`exactnets.verify.smt.decide` (another helper's z3 encoding, which first
               applies exact unit simplifications -- scaling, reflection, stable units -- so that
               rewritten units become identical terms); per-instance deadline ``--z3-timeout``;
``z3raw``      this script's minimal direct encoding: every unit ``If(t > 0, t, 0)``, the
               violation ``Or(f_j != g_j)``, box bounds, exact rationals (``z3.RealVal("p/q")``);
               z3's ``timeout`` = ``--z3-timeout``;
``marabou``    maraboupy 2.0, the query built by hand with MarabouCore: input variables with the
               box bounds, a pre- and post-activation variable and a ReLU constraint per hidden
               unit of ``f`` and of ``g``, the difference ``y = f - g`` as an equation.  Marabou
               works in floating point and cannot state ``f != g``, so it is asked the *epsilon*
               question ``|y| >= eps`` with ``eps = 1/1000``, as two queries (``y >= eps``, then
               ``y <= -eps``; a disjunction constraint is avoided, Marabou issue #563).  Its
               "unsat" therefore means "no point with |f - g| >= eps", never "f = g".  Weights
               are passed as floats (exact for the dyadic ones; 1/1000 is rounded).

Marabou's time limit: the brief asked for 40 s per instance; the default here is 20 s so that
the whole run stays under about 10 minutes (24 instances, and Marabou times out on most).
Marabou 2.0 does not always honour ``timeoutInSeconds`` (Marabou issue #859): with its default
``deeppoly`` tightening, and with ``sbt``, a 4-input width-8 query ran past 40 s with a 5 s
limit.  So each query runs in a forked child process that is killed at the limit ("timeout
(killed)"), and the tightening strategy is ``none`` (which honours the limit) unless
``--marabou-tightening`` says otherwise.  The fork costs a few milliseconds per query.

Replay.  Every counterexample is made an exact point (z3's rationals as they are; Marabou's
floats by ``Fraction(float)``, their exact binary values) and re-evaluated with exactnets' exact
evaluator: ``yes`` means the point is in the box and ``f(x) != g(x)`` exactly.  For Marabou the
column gives the exact gap ``max_j |f_j - g_j|`` against ``eps`` (``gap-eps`` shown rounded; the
comparison itself is exact).  Times are wall-clock seconds per call, encoding included.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import sys
import time
from fractions import Fraction as F

import z3

from exactnets.domains import Box
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify import canonical
from exactnets.verify.query import Deadline, Mode, replay

FUNCTION = Mode("function")
EPS = F(1, 1000)


# -- instances -------------------------------------------------------------------------------------

def _dyadic(rng: random.Random, bound: int) -> F:
    """k/8 with |k/8| <= bound, exactly representable as a float."""
    return F(rng.randint(-8 * bound, 8 * bound), 8)


def make_instance(n: int, width: int, seed: int) -> tuple[Network, Network, Network]:
    """``(f, g_equiv, g_perturbed)`` for one (n, width)."""
    rng = random.Random(seed)
    units = []
    for _ in range(width):
        a = [_dyadic(rng, 2) for _ in range(n)]
        if not any(a):
            a[0] = F(1)
        units.append((a, _dyadic(rng, 1), _dyadic(rng, 2)))
    bias = _dyadic(rng, 1)
    f = _network(n, units, bias)

    rewritten = []
    for a, b, c in units:
        move = rng.random()
        if move < 0.3:  # rescale by a power of two
            lam = F(2) ** rng.choice([-3, -2, -1, 1, 2, 3])
            rewritten.append(([lam * v for v in a], lam * b, c / lam))
        elif move < 0.55:  # split the output weight
            part = _dyadic(rng, 2)
            rewritten.append((a, b, part))
            rewritten.append((a, b, c - part))
        else:
            rewritten.append((a, b, c))
    rng.shuffle(rewritten)
    g = _network(n, rewritten, bias)

    # perturb: a unit that crosses the box with |c| >= 1, one hidden weight + 1/1000
    def crosses(a, b):
        spread = sum(abs(v) for v in a)
        return -spread < b < spread
    candidates = [k for k, (a, b, c) in enumerate(rewritten) if crosses(a, b) and abs(c) >= 1 and a[0] != 0]
    if not candidates:
        candidates = [k for k, (a, b, c) in enumerate(rewritten) if c != 0]
    k = rng.choice(candidates)
    a, b, c = rewritten[k]
    perturbed = list(rewritten)
    perturbed[k] = ([a[0] + F(1, 1000), *a[1:]], b, c)
    h = _network(n, perturbed, bias)
    return f, g, h


def _network(n, units, bias) -> Network:
    hidden = Layer("relu", [a for a, _, _ in units], [b for _, b, _ in units])
    out = Layer("linear", [[c for _, _, c in units]], [bias])
    return Network(n, [hidden, out])


# -- contenders ------------------------------------------------------------------------------------

def run_canonical(f, g, box):
    start = time.perf_counter()
    result = canonical.decide(f, g, box, FUNCTION, Deadline(60))
    seconds = time.perf_counter() - start
    status = "-"
    if result.verdict == "counterexample":
        x = result.counterexample.x  # already replayed by decide; checked once more here
        status = "yes" if box.contains(x) and evaluate(f, x) != evaluate(g, x) else "NO"
    return result.verdict, seconds, status


def _smt_decide():
    try:
        from exactnets.verify import smt
    except ImportError:
        return None
    return getattr(smt, "decide", None)


def run_smt(f, g, box, timeout):
    """:func:`exactnets.verify.smt.decide` (z3 after its own exact simplifications)."""
    decide = _smt_decide()
    if decide is None:
        return "n/a", 0.0, "-"
    start = time.perf_counter()
    result = decide(f, g, box, FUNCTION, Deadline(timeout))
    seconds = time.perf_counter() - start
    verdict = "timeout" if result.verdict == "unknown" else result.verdict
    status = "-"
    if result.verdict == "counterexample":
        x = result.counterexample.x  # replayed by decide; checked once more here
        status = "yes" if box.contains(x) and evaluate(f, x) != evaluate(g, x) else "NO"
    return verdict, seconds, status


def run_z3_raw(f, g, box, timeout):
    """This script's minimal direct encoding: every unit an ``If``, the violation ``Or(f_j != g_j)``."""
    start = time.perf_counter()
    xs = [z3.Real(f"x{i}") for i in range(f.input_dim)]

    def q(v: F):
        return z3.RealVal(f"{v.numerator}/{v.denominator}")

    def outputs(net):
        hidden, out = net.layers
        hs = []
        for row, b in zip(hidden.weights, hidden.bias):
            t = z3.Sum([q(w) * x for w, x in zip(row, xs) if w] + [q(b)])
            hs.append(z3.If(t > 0, t, q(F(0))))
        return [z3.Sum([q(c) * h for c, h in zip(r, hs) if c] + [q(b)]) for r, b in zip(out.weights, out.bias)]

    s = z3.Solver()
    s.set("timeout", int(timeout * 1000))
    for x, lo, hi in zip(xs, box.lower, box.upper):
        s.add(q(lo) <= x, x <= q(hi))
    s.add(z3.Or([a != b for a, b in zip(outputs(f), outputs(g))]))
    answer = s.check()
    seconds = time.perf_counter() - start
    if answer == z3.unsat:
        return "equivalent", seconds, "-"
    if answer == z3.unknown:
        return "timeout", seconds, "-"
    model = s.model()
    point = [model.eval(x, model_completion=True).as_fraction() for x in xs]
    try:
        replay(f, g, box, FUNCTION, point)
        status = "yes"
    except Exception:  # a failed replay is the thing being measured here
        status = "NO"
    return "counterexample", seconds, status


@contextlib.contextmanager
def _quiet_fd(fd: int):
    """Silence a C-level file descriptor (Marabou prints from C++)."""
    saved = os.dup(fd)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), fd)
    try:
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _marabou_options(timeout, strategy="none"):
    import warnings

    with warnings.catch_warnings():  # maraboupy warns that its TF and ONNX parsers are absent
        warnings.simplefilter("ignore")
        from maraboupy import Marabou
    return Marabou.createOptions(timeoutInSeconds=int(timeout), verbosity=0, tighteningStrategy=strategy)


def _marabou_query(f, g, box, side):
    """The input query ``exists x in box: y_j = f_j(x) - g_j(x)`` with ``side`` on the y's.

    ``side`` is a list of ``(j, sense)`` with sense ``+1`` for ``y_j >= eps``, ``-1`` for
    ``y_j <= -eps``; one entry is added as a plain bound, several as a disjunction.
    """
    from maraboupy import MarabouCore

    n, p = f.input_dim, f.output_dim
    ipq = MarabouCore.InputQuery()
    count = n
    equations, relus = [], []
    output_terms = [[] for _ in range(p)]  # (coefficient, variable)
    constants = [0.0] * p
    for sign, net in ((1.0, f), (-1.0, g)):
        hidden, out = net.layers
        for k, (row, b) in enumerate(zip(hidden.weights, hidden.bias)):
            pre, post = count, count + 1
            count += 2
            eq = MarabouCore.Equation(MarabouCore.Equation.EQ)  # sum_i w_i x_i - pre = -b
            for i, w in enumerate(row):
                if w:
                    eq.addAddend(float(w), i)
            eq.addAddend(-1.0, pre)
            eq.setScalar(-float(b))
            equations.append(eq)
            relus.append((pre, post))
            for j in range(p):
                c = out.weights[j][k]
                if c:
                    output_terms[j].append((sign * float(c), post))
        for j in range(p):
            constants[j] += sign * float(out.bias[j])
    ys = list(range(count, count + p))
    count += p
    for j in range(p):  # sum c h - y = -const
        eq = MarabouCore.Equation(MarabouCore.Equation.EQ)
        for c, v in output_terms[j]:
            eq.addAddend(c, v)
        eq.addAddend(-1.0, ys[j])
        eq.setScalar(-constants[j])
        equations.append(eq)
    ipq.setNumberOfVariables(count)
    for i in range(n):
        ipq.markInputVariable(i, i)
        ipq.setLowerBound(i, float(box.lower[i]))
        ipq.setUpperBound(i, float(box.upper[i]))
    for j, y in enumerate(ys):
        ipq.markOutputVariable(y, j)
    for eq in equations:
        ipq.addEquation(eq)
    for pre, post in relus:
        MarabouCore.addReluConstraint(ipq, pre, post)
    eps = float(EPS)
    if len(side) == 1:
        j, sense = side[0]
        if sense > 0:
            ipq.setLowerBound(ys[j], eps)
        else:
            ipq.setUpperBound(ys[j], -eps)
    else:
        disjuncts = []
        for j, sense in side:
            eq = MarabouCore.Equation(MarabouCore.Equation.GE if sense > 0 else MarabouCore.Equation.LE)
            eq.addAddend(1.0, ys[j])
            eq.setScalar(eps if sense > 0 else -eps)
            disjuncts.append([eq])
        MarabouCore.addDisjunctionConstraint(ipq, disjuncts)
    return ipq


def _marabou_child(f, g, box, side, timeout, strategy, conn):
    from maraboupy import MarabouCore

    ipq = _marabou_query(f, g, box, side)
    options = _marabou_options(timeout, strategy)
    with _quiet_fd(1), _quiet_fd(2):
        exit_code, values, _stats = MarabouCore.solve(ipq, options, "")
    conn.send((exit_code, {i: values[i] for i in range(f.input_dim)} if exit_code == "sat" else {}))
    conn.close()


def run_marabou(f, g, box, timeout, strategy="none", eps=EPS):
    """Marabou on ``|f - g| >= eps``: one query per (output, sign), in a forked child process.

    The child is killed ``timeout`` seconds after the first query starts: Marabou 2.0 does not
    always honour its own ``timeoutInSeconds`` (Marabou issue #859; seen here with the default
    deeppoly and with sbt tightening, where a 4-input query ran past 40 s).
    """
    import multiprocessing

    start = time.perf_counter()
    context = multiprocessing.get_context("fork")
    point = None
    status_all = "eps-unsat"
    for j in range(f.output_dim):
        for sense in (1, -1):
            left = timeout - (time.perf_counter() - start)
            if left <= 0:
                return "timeout", time.perf_counter() - start, "-"
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_marabou_child,
                                    args=(f, g, box, [(j, sense)], max(1, int(left)), strategy, send))
            child.start()
            send.close()
            got = receive.poll(left + 1)
            if not got:
                child.kill()
                child.join()
                return "timeout (killed)", time.perf_counter() - start, "-"
            exit_code, values = receive.recv()
            child.join()
            if exit_code == "sat":
                point = tuple(F(values[i]) for i in range(f.input_dim))  # the float's exact binary value
                break
            if exit_code != "unsat":
                status_all = exit_code.lower() or "unknown"
        if point is not None:
            break
    seconds = time.perf_counter() - start
    if point is None:
        return status_all, seconds, "-"
    inside = box.contains(point)
    fx, gx = evaluate(f, point), evaluate(g, point)
    gap = max(abs(a - b) for a, b in zip(fx, gx))
    if not inside:
        status = "outside box"
    elif gap == 0:
        status = "NO: f = g there"
    else:
        shown = f"{float(gap - eps):+.2g}"  # display only; the comparison with eps is exact
        status = (f"yes: f!=g, gap-eps={shown}" if gap > eps else f"f!=g but gap<=eps: gap-eps={shown}")
    return "sat", seconds, status


# -- main ------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="n in {4, 8}, widths {8, 16}, 3 s / 5 s timeouts")
    parser.add_argument("--z3-timeout", type=float, default=15.0,
                        help="seconds per z3 call, smt.decide and the raw encoding alike (default 15)")
    parser.add_argument("--marabou-timeout", type=int, default=20,
                        help="seconds per Marabou instance, both signs together (default 20, see the docstring)")
    parser.add_argument("--marabou-tightening", default="none", choices=["none", "sbt", "deeppoly"],
                        help="Marabou's tighteningStrategy (default none: the others hang past the timeout)")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--no-marabou", action="store_true")
    args = parser.parse_args(argv)
    dims, widths = ((4, 8), (8, 16)) if args.quick else ((4, 8, 12), (8, 16, 32, 64))
    if args.quick:
        args.z3_timeout, args.marabou_timeout = min(args.z3_timeout, 3.0), min(args.marabou_timeout, 5)
    try:
        import maraboupy  # noqa: F401
        have_marabou = not args.no_marabou
    except ImportError:
        have_marabou = False

    print(f"# bench_equiv_box: 2-layer ReLU nets on [-1,1]^n, 1 output, seed {args.seed}; "
          f"python {platform.python_version()}, z3 {z3.get_version_string()}, {platform.machine()}, {os.cpu_count()} cpus")
    print(f"# canonical = exactnets.verify.canonical.decide; smt = exactnets.verify.smt.decide"
          f"{'' if _smt_decide() else ' (absent: n/a)'} (z3 after exact unit simplifications); "
          f"z3raw = this script's plain If-encoding; timeouts z3 {args.z3_timeout:g} s each")
    print(f"# marabou = maraboupy 2.0, epsilon form |f-g| >= 1/1000 (two queries, y >= eps then y <= -eps), "
          f"tightening {args.marabou_tightening}, {args.marabou_timeout} s per instance, forked child killed "
          f"at the timeout" + ("" if have_marabou else " -- NOT RUN"))
    print("# replay: the returned point re-checked exactly (in the box and f(x) != g(x)); for marabou the "
          "exact gap = max_j abs(f_j - g_j) at its point against eps (gap-eps shown rounded)")
    print("| n | width | pair | canonical | s | replay | smt | s | replay | z3raw | s | replay | marabou | s | replay |")
    print("|" + "---|" * 15)
    totals = dict.fromkeys(("canonical", "smt", "z3raw", "marabou"), 0.0)
    for n in dims:
        for width in widths:
            f, g, h = make_instance(n, width, args.seed + 1000 * n + width)
            box = Box.uniform(n, -1, 1)
            for kind, other in (("equiv", g), ("perturb", h)):
                row = [run_canonical(f, other, box), run_smt(f, other, box, args.z3_timeout),
                       run_z3_raw(f, other, box, args.z3_timeout)]
                if have_marabou:
                    row.append(run_marabou(f, other, box, args.marabou_timeout, args.marabou_tightening))
                else:
                    row.append(("not run", 0.0, "-"))
                for name, (_, seconds, _) in zip(totals, row):
                    totals[name] += seconds
                cells = [f"{v} | {sec:.4f} | {r}" if i == 0 else f"{v} | {sec:.2f} | {r}" for i, (v, sec, r) in enumerate(row)]
                print(f"| {n} | {width} | {kind} | " + " | ".join(cells) + " |", flush=True)
    print("# total seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in totals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
