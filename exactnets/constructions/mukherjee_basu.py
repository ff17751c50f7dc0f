"""Constructions of Mukherjee & Basu, *Lower bounds over Boolean inputs for deep neural networks
with ReLU gates* (shared/papers/000_1fa5e6ef2b4780b6.txt; CLAIMS.md section 2).

Inputs are ``{-1,1}^n`` unless a function says ``{0,1}``; the output bias that these
constructions need (CLAIMS.md pitfall P2) is the output layer's bias.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.domains import cube_points
from exactnets.errors import InputError
from exactnets.network import Layer, Network
from exactnets.rational import as_rational, as_rational_vector

__all__ = ["ltf_gap", "ltf_as_two_relus", "parity_relu_net", "vertex_indicator_net"]


def ltf_gap(weights: Sequence[Any], bias: Any) -> Fraction:
    """``p``: the distance from 0 of the largest negative value of ``<a,x> + b`` on ``{-1,1}^n``.

    Any positive value works when the form is never negative; 1 is returned then.
    (Mukherjee & Basu, App. B, Claim 5.)
    """
    a = as_rational_vector(weights, what="LTF weights")
    b = as_rational(bias, what="LTF bias")
    from exactnets.evaluate import evaluate_cube

    values = evaluate_cube(Network(len(a), [Layer("linear", [list(a)], [b])]))
    column = values.numerators[:, 0]
    negative = column[column < 0]
    return Fraction(-int(negative.max()), values.denominator) if len(negative) else Fraction(1)


def ltf_as_two_relus(weights: Sequence[Any], bias: Any, p: Any | None = None) -> Network:
    """An LTF as a Sum of 2 ReLUs on the cube (Mukherjee & Basu, App. B, Claim 5).

    ``LTF(x) = -1 + (2/p) (ReLU(t + p) - ReLU(t))`` with ``t = <a,x> + b`` and ``p`` the gap of
    :func:`ltf_gap` (any ``0 < p'`` no larger than it also works).  The output constant -1 is
    mandatory.

    >>> from exactnets.evaluate import evaluate
    >>> net = ltf_as_two_relus([1, 1], "-1/2")
    >>> [evaluate(net, x)[0] for x in ([1, 1], [1, -1], [-1, -1])]
    [Fraction(1, 1), Fraction(-1, 1), Fraction(-1, 1)]
    """
    a = as_rational_vector(weights, what="LTF weights")
    b = as_rational(bias, what="LTF bias")
    gap = ltf_gap(a, b) if p is None else as_rational(p, what="p")
    if gap <= 0:
        raise InputError(f"p must be positive (got {gap})")
    hidden = Layer("relu", [list(a), list(a)], [b + gap, b])
    output = Layer("linear", [[2 / gap, -2 / gap]], [-1])
    return Network(len(a), [hidden, output], name="MB Claim 5: LTF as 2 ReLUs")


def parity_relu_net(k: int) -> Network:
    """PARITY on ``{0,1}^k`` with ``k`` ReLUs (Mukherjee & Basu, App. C; CLAIMS.md MB-AppC).

    ``PARITY(z) = ReLU(y) + sum_{p=1}^{k-1} 2 (-1)^p ReLU(y - p)`` with ``y = sum z_i``: the
    piecewise-linear interpolation of ``p -> p mod 2`` hinged at ``0, ..., k-1``.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"parity needs k >= 1 inputs (got {k!r})")
    hidden = Layer("relu", [[1] * k for _ in range(k)], [-p for p in range(k)])
    output = Layer("linear", [[1] + [2 * (-1) ** p for p in range(1, k)]], [0])
    return Network(k, [hidden, output], name=f"MB App. C: parity of {k} bits with {k} ReLUs")


def vertex_indicator_net(values: Sequence[Any]) -> Network:
    """A Sum-of-ReLU computing any ``f: {-1,1}^n -> Q`` (Mukherjee & Basu, Lemma 2.1, first route).

    ``f(x) = sum_v f(v) ReLU(<v, x> - n + 1)``: the ReLU is the indicator of ``x = v`` on the
    cube.  ``values`` lists ``f`` in the index order of :mod:`exactnets.domains`; vertices with
    ``f(v) = 0`` get no unit.
    """
    table = as_rational_vector(values, what="values")
    n = len(table).bit_length() - 1
    if len(table) != 2**n or n < 1:
        raise InputError(f"values must list f at all 2^n cube points (got {len(table)} values)")
    vertices = cube_points(n).tolist()
    units = [(v, f) for v, f in zip(vertices, table) if f != 0]
    if not units:
        units = [(vertices[0], Fraction(0))]
    hidden = Layer("relu", [v for v, _ in units], [1 - n] * len(units))
    output = Layer("linear", [[f for _, f in units]], [0])
    return Network(n, [hidden, output], name="MB Lemma 2.1: vertex indicators")
