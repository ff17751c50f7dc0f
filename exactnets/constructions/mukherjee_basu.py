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

__all__ = [
    "ltf_gap",
    "ltf_as_two_relus",
    "parity_relu_net",
    "vertex_indicator_net",
    "fourier_relu_net",
    "lemma_2_1_net",
    "max0_x1_x2_net",
    "prop_2_3_function",
    "prop_2_3_relu_net",
    "prop_2_3_ltf_net",
    "distinct_values",
]


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


def fourier_relu_net(values: Sequence[Any]) -> Network:
    """A Sum-of-ReLU for ``f: {-1,1}^n -> Q`` by the Fourier route (Mukherjee & Basu, Lemma 2.1, second route).

    ``f = f^(0) + sum_{S: f^(S) != 0} f^(S) chi_S`` (the seed's "f(S) != 0" means the Fourier
    coefficient, CLAIMS.md section 8), and ``chi_S(x) = 1 - 2 PARITY(z_S)`` with ``z_i = (1 -
    x_i)/2``; PARITY of ``|S|`` bits costs ``|S|`` ReLUs (App. C, :func:`parity_relu_net`), so the
    net has ``sum_{S != {}, f^(S) != 0} |S|`` units.  The constant ``f^(0)`` is the output bias
    (pitfall P2).  ``values`` lists ``f`` in the index order of :mod:`exactnets.domains`.
    """
    from exactnets.boolean.fourier import fourier_coefficients, mask_set

    table = as_rational_vector(values, what="values")
    n = len(table).bit_length() - 1
    if len(table) != 2**n or n < 1:
        raise InputError(f"values must list f at all 2^n cube points (got {len(table)} values)")
    coefficients = fourier_coefficients(table)
    rows: list[list[Fraction]] = []
    biases: list[Fraction] = []
    out: list[Fraction] = []
    constant = coefficients[0]
    for mask in range(1, 2**n):
        c = coefficients[mask]
        if c == 0:
            continue
        s = sorted(mask_set(n, mask))
        k = len(s)
        # y_S = sum_{i in S} (1 - x_i)/2 = k/2 - (1/2) sum_{i in S} x_i;  PARITY = R(y) + sum_p 2(-1)^p R(y - p)
        weight = [Fraction(-1, 2) if i in s else Fraction(0) for i in range(n)]
        for p in range(k):
            rows.append(weight)
            biases.append(Fraction(k, 2) - p)
            parity_weight = 1 if p == 0 else 2 * (-1) ** p
            out.append(-2 * c * parity_weight)  # c chi_S = c - 2 c PARITY
        constant += c
    if not rows:
        rows, biases, out = [[Fraction(0)] * n], [Fraction(0)], [Fraction(0)]
    return Network(n, [Layer("relu", rows, biases), Layer("linear", [out], [constant])],
                   name="MB Lemma 2.1: Fourier route")


def lemma_2_1_net(values: Sequence[Any]) -> Network:
    """The smaller of :func:`vertex_indicator_net` and :func:`fourier_relu_net`: at most
    ``min(2^n, sum_{f^(S) != 0} |S|)`` ReLUs (Mukherjee & Basu, Lemma 2.1)."""
    a, b = vertex_indicator_net(values), fourier_relu_net(values)
    return a if a.size <= b.size else b


def max0_x1_x2_net() -> Network:
    """``max{0, x1, x2}`` by two ReLU layers (Mukherjee & Basu, Prop. 2.2; CLAIMS.md MB-Prop2.2).

    ``max{0,x1,x2} = R(R(x2) - R(-x2) + R(x1 - x2))``: the first layer computes
    ``max(x1, x2) = x2 + R(x1 - x2)`` (ABMM Fig. 3), the second ReLU takes ``max`` with 0.  The
    proposition's other half -- no Sum-of-ReLU (one hidden layer) equals it over ``R^2`` -- is the
    kink-set argument of App. A (the kink set of a Sum-of-ReLU is a union of full lines).
    """
    first = Layer("relu", [[0, 1], [0, -1], [1, -1]], [0, 0, 0])
    second = Layer("relu", [[1, -1, 1]], [0])
    return Network(2, [first, second, Layer("linear", [[1]], [0])], name="MB Prop 2.2: max{0,x1,x2}")


def prop_2_3_function(n: int) -> tuple[Fraction, ...]:
    """``f(x) = sum_{i=1}^n 2^i (1 + x_i)/2`` on ``{-1,1}^n`` in cube order (Mukherjee & Basu, Prop. 2.3)."""
    points = cube_points(n).tolist()
    return tuple(Fraction(sum(2**(i + 1) * (1 + x[i]) // 2 for i in range(n))) for x in points)


def prop_2_3_relu_net(n: int, units: int = 2) -> Network:
    """Prop. 2.3's linear function as a Sum-of-ReLU: ``l = R(l) - R(-l)`` (``units=2``), or
    ``R(l)`` alone (``units=1``; ``l >= 0`` on the cube, CLAIMS.md MB-Prop2.3 exact version)."""
    if units not in (1, 2):
        raise InputError(f"units must be 1 or 2 (got {units!r})")
    weights = [Fraction(2**i) for i in range(1, n + 1)]  # 2^i (1 + x_i)/2 = 2^(i-1) + 2^(i-1) x_i
    weights = [w / 2 for w in weights]
    constant = sum(weights, Fraction(0))
    if units == 1:
        return Network(n, [Layer("relu", [weights], [constant]), Layer("linear", [[1]], [0])],
                       name="MB Prop 2.3: one ReLU")
    hidden = Layer("relu", [weights, [-w for w in weights]], [constant, -constant])
    return Network(n, [hidden, Layer("linear", [[1, -1]], [0])], name="MB Prop 2.3: two ReLUs")


def prop_2_3_ltf_net(n: int) -> Network:
    """Prop. 2.3's function as a Sum-of-LTF with ``n`` gates ``LTF_i(x) = x_i``:
    ``f = sum_i 2^(i-1) (LTF_i(x) + 1)``; ``n`` is also the least possible number (``w`` LTFs
    take at most ``2^w`` values and ``f`` takes ``2^n``; :func:`distinct_values`)."""
    hidden = Layer("ltf", [[1 if j == i else 0 for j in range(n)] for i in range(n)], [0] * n)
    return Network(n, [hidden, Layer("linear", [[2**i for i in range(n)]], [2**n - 1])],
                   name=f"MB Prop 2.3: {n} LTFs")


def distinct_values(net: Network, kind: str = "pm1") -> int:
    """The number of distinct values of output 0 over the cube (exact enumeration)."""
    from exactnets.evaluate import evaluate_cube

    return len(set(evaluate_cube(net, kind).numerators[:, 0].tolist()))
