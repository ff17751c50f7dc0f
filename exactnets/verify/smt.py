"""Equivalence by a direct z3 encoding in linear real arithmetic (draft for measuring)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction

import z3

from exactnets.domains import BooleanCube, Box, Domain, Polytope, Reals
from exactnets.network import Network
from exactnets.verify.query import Deadline, EquivalenceResult, Mode, check_shapes, replay

_ZERO = Fraction(0)


def rational_val(q: Fraction, ctx=None) -> z3.ArithRef:
    q = Fraction(q)
    text = str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
    return z3.RealVal(text, ctx)


def _affine(row, bias, inputs, ctx):
    terms = []
    for w, v in zip(row, inputs):
        if w == 0:
            continue
        terms.append(v if w == 1 else rational_val(w, ctx) * v)
    if bias != 0 or not terms:
        terms.append(rational_val(bias, ctx))
    return terms[0] if len(terms) == 1 else z3.Sum(terms)


def network_terms(net, inputs, *, style="ite", aux=None, prefix="h", side=None, bounds=None):
    ctx = inputs[0].ctx if inputs else None
    values = list(inputs)
    zero, one, mone = rational_val(_ZERO, ctx), rational_val(Fraction(1), ctx), rational_val(Fraction(-1), ctx)
    last = len(net.layers) - 1
    for li, layer in enumerate(net.layers):
        out = []
        for ui, (row, b) in enumerate(zip(layer.weights, layer.bias)):
            t = _affine(row, b, values, ctx)
            act = layer.activation
            hidden = li < last
            if act == "relu" and style == "disj" and hidden:
                h = z3.Real(f"{prefix}_{li}_{ui}", ctx)
                side.append(z3.Or(z3.And(t > 0, h == t), z3.And(t <= 0, h == 0)))
                out.append(h)
                continue
            if act == "relu" and style == "disj2" and hidden:
                h = z3.Real(f"{prefix}_{li}_{ui}", ctx)
                side.append(h >= 0)
                side.append(h >= t)
                side.append(z3.Or(h <= 0, h <= t))
                out.append(h)
                continue
            if act == "relu":
                v = z3.If(t > 0, t, zero)
            elif act == "ltf":
                v = z3.If(t >= 0, one, mone)
            elif act == "step":
                v = z3.If(t >= 0, one, zero)
            elif act == "hardtanh":
                v = z3.If(t >= 1, one, z3.If(t <= -1, mone, t))
            else:
                v = t
            if aux and hidden:
                h = z3.Real(f"{prefix}_{li}_{ui}", ctx)
                side.append(h == v)
                v = h
            out.append(v)
        values = out
    return values


def _argmax_is(values, j):
    conds = [values[j] > values[i] for i in range(j)] + [values[j] >= values[i] for i in range(j + 1, len(values))]
    return z3.And(conds) if conds else z3.BoolVal(True, values[j].ctx)


def violation(mode, fs, gs):
    if mode.kind == "function":
        return z3.Or([a != b for a, b in zip(fs, gs)])
    if mode.kind == "decision":
        return z3.Or([z3.Xor(a >= 0, b >= 0) for a, b in zip(fs, gs)])
    if mode.kind == "epsilon":
        e = rational_val(mode.epsilon)
        return z3.Or([z3.Or(a - b > e, b - a > e) for a, b in zip(fs, gs)])
    m = len(fs)
    if m == 1:
        return z3.BoolVal(False)
    return z3.Or([z3.And(_argmax_is(fs, j), z3.Not(_argmax_is(gs, j))) for j in range(m)])


def domain_constraints(domain, xs):
    if isinstance(domain, BooleanCube):
        lo, hi = (-1, 1) if domain.kind == "pm1" else (0, 1)
        return [z3.Or(x == lo, x == hi) for x in xs]
    if isinstance(domain, Box):
        out = []
        for x, a, b in zip(xs, domain.lower, domain.upper):
            out += [x >= rational_val(a), x <= rational_val(b)]
        return out
    if isinstance(domain, Polytope):
        return [_affine(row, _ZERO, xs, None) <= rational_val(b) for row, b in zip(domain.A, domain.b)]
    return []


def encode(f, g, domain, mode, *, style="ite", aux=False, solver="plain"):
    xs = [z3.Real(f"x_{i + 1}") for i in range(f.input_dim)]
    side = []
    fs = network_terms(f, xs, style=style, aux=aux, prefix="f", side=side)
    gs = network_terms(g, xs, style=style, aux=aux, prefix="g", side=side)
    s = z3.SolverFor("QF_LRA") if solver == "lra" else z3.Solver()
    s.add(domain_constraints(domain, xs))
    s.add(side)
    s.add(violation(mode, fs, gs))
    return s, xs
