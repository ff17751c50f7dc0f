"""Constructions of Arora, Basu, Mianjy & Mukherjee, *Understanding Deep Neural Networks with
Rectified Linear Units* (ICLR 2018; shared/papers/004_11ba376242a1050b.txt; CLAIMS.md section 5).

* :func:`max2_net` -- the max gadget of Fig. 3: ``max{x1,x2} = (x1+x2)/2 + |x1-x2|/2`` with four
  ReLUs, or ``x2 + R(x1 - x2)`` with three (``x2 = R(x2) - R(-x2)``).
* :func:`max_affine_net`, :func:`max_net` -- the binary tree of gadgets behind Theorem 2.1: the
  maximum of ``m`` affine functions with ``ceil(log2 m)`` hidden layers, so ``max{x_1..x_n}``
  uses ``ceil(log2 n)`` and ``max{0, x_1..x_n}`` (``n + 1`` functions) ``ceil(log2(n + 1))``,
  Theorem 2.1's depth bound for ``R^n``.  Shallow branches are carried by identity pairs
  ``t = R(t) - R(-t)``.  (An *upper* bound on depth only; see CLAIMS.md ABMM-Thm2.1.)
* :func:`max_chain_net` -- the same maximum as a chain of gadgets (depth ``m - 1``), an
  independent construction the tests compare the tree with.

The output layer is linear with a bias where needed (CLAIMS.md pitfall P2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from exactnets.errors import InputError
from exactnets.network import Layer, Network
from exactnets.rational import as_rational, as_rational_vector

__all__ = ["max2_net", "max_affine_net", "max_net", "max_chain_net", "verify_max"]

_ZERO, _HALF = Fraction(0), Fraction(1, 2)


def max2_net(units: int = 4) -> Network:
    """``max{x1, x2}`` as a 2-layer ReLU net (ABMM Fig. 3; CLAIMS.md ABMM-Fig3).

    ``units=4``: ``(1/2)[R(x1+x2) - R(-x1-x2) + R(x1-x2) + R(x2-x1)]``, the figure's
    ``(x1+x2)/2 + |x1-x2|/2``.  ``units=3``: ``R(x1 - x2) + R(x2) - R(-x2)``.
    """
    if units == 4:
        hidden = Layer("relu", [[1, 1], [-1, -1], [1, -1], [-1, 1]], [0] * 4)
        return Network(2, [hidden, Layer("linear", [[_HALF, -_HALF, _HALF, _HALF]], [0])], name="ABMM Fig. 3: max gadget")
    if units == 3:
        hidden = Layer("relu", [[1, -1], [0, 1], [0, -1]], [0] * 3)
        return Network(2, [hidden, Layer("linear", [[1, 1, -1]], [0])], name="ABMM Fig. 3: max gadget, 3 units")
    raise InputError(f"the max gadget has 3 or 4 units (got {units!r})")


# A value carried between layers: an affine form over the previous hidden layer's outputs.
_Form = tuple[tuple[Fraction, ...], Fraction]


def _sub(a: _Form, b: _Form) -> _Form:
    return tuple(x - y for x, y in zip(a[0], b[0])), a[1] - b[1]


def _neg(a: _Form) -> _Form:
    return tuple(-x for x in a[0]), -a[1]


def _tree_layers(forms: list[_Form], input_dim: int) -> tuple[list[Layer], _Form]:
    """Hidden layers reducing ``forms`` (affine in the inputs) to one value by pairwise maxes."""
    layers: list[Layer] = []
    while len(forms) > 1:
        rows: list[_Form] = []
        combos: list[list[tuple[int, int]]] = []  # each new value as (unit index, coefficient) pairs
        for i in range(0, len(forms) - 1, 2):
            a, b = forms[i], forms[i + 1]
            start = len(rows)
            rows += [_sub(a, b), b, _neg(b)]  # max(a, b) = R(a - b) + R(b) - R(-b)
            combos.append([(start, 1), (start + 1, 1), (start + 2, -1)])
        if len(forms) % 2:
            a = forms[-1]
            start = len(rows)
            rows += [a, _neg(a)]  # a = R(a) - R(-a)
            combos.append([(start, 1), (start + 1, -1)])
        layers.append(Layer("relu", [list(r[0]) for r in rows], [r[1] for r in rows]))
        width = len(rows)
        forms = []
        for combo in combos:
            coefficients = [_ZERO] * width
            for index, c in combo:
                coefficients[index] += c
            forms.append((tuple(coefficients), _ZERO))
    return layers, forms[0]


def max_affine_net(weights: Sequence[Sequence[Any]], biases: Sequence[Any] | None = None) -> Network:
    """``x -> max_i (w_i . x + b_i)`` for ``m >= 2`` affine functions, with ``ceil(log2 m)`` hidden
    layers of max gadgets (ABMM Thm. 2.1's construction, Fig. 3's gadget)."""
    rows = [as_rational_vector(w, what=f"weights[{i}]") for i, w in enumerate(weights)]
    m = len(rows)
    if m < 2:
        raise InputError(f"the maximum needs at least 2 affine functions (got {m})")
    d = len(rows[0])
    if any(len(r) != d for r in rows):
        raise InputError("every affine function needs the same number of weights")
    bias = [Fraction(0)] * m if biases is None else [as_rational(b, what="bias") for b in biases]
    if len(bias) != m:
        raise InputError(f"{m} weight rows but {len(bias)} biases")
    forms = [(tuple(r), b) for r, b in zip(rows, bias)]
    layers, last = _tree_layers(forms, d)
    if len(layers) != math.ceil(math.log2(m)):
        raise AssertionError("the gadget tree has the wrong depth")
    output = Layer("linear", [list(last[0])], [last[1]])
    return Network(d, [*layers, output], name=f"ABMM Thm 2.1: max of {m} affine functions, {len(layers)} hidden layers")


def max_net(n: int, *, include_zero: bool = False) -> Network:
    """``max{x_1, ..., x_n}`` on ``R^n`` with ``ceil(log2 n)`` hidden layers, or with
    ``include_zero=True`` ``max{0, x_1, ..., x_n}`` with ``ceil(log2(n + 1))`` (ABMM Thm. 2.1)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1 or (n < 2 and not include_zero):
        raise InputError(f"max_net needs n >= 2 inputs (n >= 1 with include_zero) (got {n!r})")
    rows = [[1 if j == i else 0 for j in range(n)] for i in range(n)]
    if include_zero:
        rows.append([0] * n)
    net = max_affine_net(rows)
    label = f"max{{0, x_1..x_{n}}}" if include_zero else f"max{{x_1..x_{n}}}"
    return net.with_name(f"ABMM Thm 2.1: {label}, {net.hidden_layers} hidden layers",
                         {"paper": "ABMM", "claim": "ABMM-Thm2.1", "n": n, "include_zero": include_zero})


def max_chain_net(n: int) -> Network:
    """``max{x_1..x_n}`` as a chain ``max(...max(max(x1, x2), x3)..., xn)`` of 4-unit gadgets
    (``n - 1`` hidden layers; inputs not yet used are carried by identity pairs)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise InputError(f"max_chain_net needs n >= 2 (got {n!r})")
    # forms over the previous layer: current max, then the inputs not yet used
    forms: list[_Form] = [(tuple(1 if j == i else 0 for j in range(n)), _ZERO) for i in range(n)]
    layers: list[Layer] = []
    while len(forms) > 1:
        a, b, rest = forms[0], forms[1], forms[2:]
        s = (tuple(x + y for x, y in zip(a[0], b[0])), a[1] + b[1])
        rows = [s, _neg(s), _sub(a, b), _sub(b, a)]
        for r in rest:
            rows += [r, _neg(r)]
        layers.append(Layer("relu", [list(r[0]) for r in rows], [r[1] for r in rows]))
        width = len(rows)
        new = [(tuple([_HALF, -_HALF, _HALF, _HALF] + [_ZERO] * (width - 4)), _ZERO)]
        for k in range(len(rest)):
            c = [_ZERO] * width
            c[4 + 2 * k], c[5 + 2 * k] = Fraction(1), Fraction(-1)
            new.append((tuple(c), _ZERO))
        forms = new
    return Network(n, [*layers, Layer("linear", [list(forms[0][0])], [0])], name=f"max of {n} inputs, chained")


def verify_max(net: Network, *, include_zero: bool = False, timeout: float | None = 60):
    """Prove or refute ``net(x) = max{x_1..x_n}`` (with 0 among them if ``include_zero``) on all of ``R^n``.

    The maximum is characterised by two facts, each one z3 query in linear real arithmetic (the
    ReLUs as ``If`` terms, one auxiliary variable per hidden unit): ``net(x) >= x_i`` for every
    ``i`` (and ``>= 0``), and ``net(x)`` equals one of them.  Both unsat: *proved*.  A model is
    an exact rational point, replayed with the reference evaluator before it is reported as a
    counterexample; a z3 timeout gives *unknown*.  Returns a :class:`~exactnets.verify.verdict.Verdict`.
    """
    import z3

    from exactnets.errors import InternalError
    from exactnets.evaluate import evaluate
    from exactnets.verify.verdict import proved, refuted, unknown

    n = net.input_dim
    xs = [z3.Real(f"x_{i}") for i in range(n)]

    def val(q: Fraction):
        return z3.RealVal(f"{q.numerator}/{q.denominator}")

    side = []
    values = list(xs)
    for li, layer in enumerate(net.layers):
        out = []
        for ui, (row, b) in enumerate(zip(layer.weights, layer.bias)):
            terms = [val(w) * v for w, v in zip(row, values) if w != 0] + [val(b)]
            t = z3.Sum(terms) if len(terms) > 1 else terms[0]
            if layer.activation == "relu":
                h = z3.Real(f"h_{li}_{ui}")
                side.append(h == z3.If(t > 0, t, val(_ZERO)))
                out.append(h)
            elif layer.activation == "linear":
                out.append(t)
            else:
                raise InputError(f"verify_max reads relu and linear layers (got {layer.activation!r})")
        values = out
    y = values[0]
    candidates = list(xs) + ([val(_ZERO)] if include_zero else [])
    target = [Fraction(0)] if include_zero else []
    queries = [(f"net(x) < x_{i + 1}", y < c) for i, c in enumerate(xs)]
    if include_zero:
        queries.append(("net(x) < 0", y < 0))
    queries.append(("net(x) differs from every candidate", z3.And([y != c for c in candidates])))
    for label, condition in queries:
        solver = z3.SolverFor("QF_LRA")
        if timeout is not None:
            solver.set("timeout", int(timeout * 1000))
        solver.add(side)
        solver.add(condition)
        answer = solver.check()
        if answer == z3.unsat:
            continue
        if answer != z3.sat:
            return unknown(f"z3 gave no answer on '{label}' ({solver.reason_unknown()})")
        model = solver.model()
        point = [Fraction(model.eval(x, model_completion=True).as_fraction()) for x in xs]
        got = evaluate(net, point)[0]
        want = max(point + target)
        if got == want:
            raise InternalError(f"verify_max: z3's model for '{label}' does not replay")
        return refuted(point, reason=f"net(x) = {got} but the maximum is {want}")
    return proved(f"z3 unsat of {len(queries)} linear-real-arithmetic queries: net(x) >= every candidate and "
                  f"net(x) equals one of them, for all x in R^{n}")
