"""Constructions of Mukherjee & Basu, *Lower bounds over Boolean inputs for deep neural networks
with ReLU gates* (shared/papers/000_1fa5e6ef2b4780b6.txt; CLAIMS.md section 2).

Inputs are ``{-1,1}^n`` unless a function says ``{0,1}``; the output bias that these
constructions need (CLAIMS.md pitfall P2) is the output layer's bias.
"""

from __future__ import annotations

import itertools
import math
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
    "andreev_restrictions",
    "andreev_shift",
    "restrict_andreev",
    "restrict_affine",
    "restricted_range",
    "relu_gate_status",
    "is_removable",
    "ltf_is_constant",
    "binomial_upper_tail",
    "exp_upper_bound",
    "claim1_check",
    "top_nonzero_shift",
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


# -- Section 3: Andreev's function under random restrictions (Def. 5, Claim 2) -------------------

def andreev_restrictions(n: int):
    """Every restriction of Mukherjee & Basu's Definition 5 for Andreev's function on ``n`` bits.

    A restriction fixes every input bit except one bit in each row of the matrix part ``a``.  It
    is yielded as a tuple of length ``n`` with ``0``/``1`` for a fixed bit and ``None`` for a free
    one (layout of :func:`exactnets.boolean.functions.andreev`: truth table ``z[0:n/2]``, then
    ``a`` row by row).  There are ``columns^k * 2^(n/2) * 2^(k(columns-1))`` of them; only ``n <=
    8`` is practical (``n = 8``: 256).
    """
    from exactnets.boolean.functions import andreev_parameters

    k, columns = andreev_parameters(n)
    half = n // 2
    fixed_a = k * (columns - 1)
    for free in itertools.product(range(columns), repeat=k):
        for table in range(2**half):
            x = [table >> (half - 1 - i) & 1 for i in range(half)]
            for rest in range(2**fixed_a):
                bits = iter(rest >> (fixed_a - 1 - i) & 1 for i in range(fixed_a))
                a = [None if j == free[row] else next(bits) for row in range(k) for j in range(columns)]
                yield tuple(x + a)


def _free_positions(rho: Sequence[Any]) -> list[int]:
    return [i for i, v in enumerate(rho) if v is None]


def andreev_shift(rho: Sequence[Any]) -> int:
    """``c_rho``: the parities of the fixed bits of each row of ``a``, read as a ``k``-bit index
    (row 1 most significant).  CLAIMS.md MB-Def5-Claim2: ``A_n|rho(y) = x[y XOR c_rho]``."""
    from exactnets.boolean.functions import andreev_parameters

    k, columns = andreev_parameters(len(rho))
    half = len(rho) // 2
    shift = 0
    for row in range(k):
        cells = rho[half + row * columns: half + (row + 1) * columns]
        if sum(1 for v in cells if v is None) != 1:
            raise InputError(f"a Definition 5 restriction leaves exactly one bit of each row free (row {row + 1}: {cells})")
        shift = 2 * shift + (sum(int(v) for v in cells if v is not None) & 1)
    return shift


def restrict_andreev(rho: Sequence[Any]) -> tuple[int, ...]:
    """The truth table of ``A_n|rho`` on the ``k`` free bits ``y`` (``y_1`` = the free bit of row 1,
    most significant), computed by evaluating Andreev's function at each completion of ``rho``."""
    from exactnets.boolean.functions import andreev_bit

    free = _free_positions(rho)
    andreev_shift(rho)  # validates the shape of the restriction
    k = len(free)
    out = []
    for y in range(2**k):
        point = list(rho)
        for i, position in enumerate(free):
            point[position] = y >> (k - 1 - i) & 1
        out.append(andreev_bit(point))
    return tuple(out)


# -- Section 3: removable gates --------------------------------------------------------------------

def restrict_affine(weights: Sequence[Any], bias: Any, rho: Sequence[Any]) -> tuple[tuple[Fraction, ...], Fraction]:
    """``b + <w, x>`` with the fixed coordinates of ``rho`` substituted: (weights of the free
    coordinates, constant).  ``rho`` holds a value for each fixed coordinate and ``None`` for a free one."""
    w = as_rational_vector(weights, what="gate weights")
    b = as_rational(bias, what="gate bias")
    if len(rho) != len(w):
        raise InputError(f"the restriction has {len(rho)} coordinates but the gate reads {len(w)}")
    constant = b + sum((wi * as_rational(v, what="fixed value") for wi, v in zip(w, rho) if v is not None), Fraction(0))
    return tuple(wi for wi, v in zip(w, rho) if v is None), constant


def restricted_range(weights: Sequence[Any], bias: Any, rho: Sequence[Any], kind: str = "pm1") -> tuple[Fraction, Fraction]:
    """The exact minimum and maximum of ``b + <w, x>`` over the free coordinates in ``{-1,1}``
    (``kind="pm1"``: ``c -+ sum |w_i|``) or ``{0,1}`` (``kind="01"``: ``c + sum min/max(0, w_i)``)."""
    free, constant = restrict_affine(weights, bias, rho)
    if kind == "pm1":
        spread = sum((abs(w) for w in free), Fraction(0))
        return constant - spread, constant + spread
    if kind == "01":
        return constant + sum((min(w, 0) for w in free), Fraction(0)), constant + sum((max(w, 0) for w in free), Fraction(0))
    raise InputError(f"kind must be 'pm1' or '01' (got {kind!r})")


def relu_gate_status(weights: Sequence[Any], bias: Any, rho: Sequence[Any], kind: str = "pm1") -> str:
    """What a ReLU gate becomes under the restriction ``rho`` (Mukherjee & Basu, Sec. 3, after Claim 2).

    ``"zero"``: its argument is ``<= 0`` on every remaining input, so the gate is the constant 0;
    ``"linear"``: the argument is ``>= 0`` everywhere, so the gate equals its (affine) argument and
    can be replaced by direct wires to the output LTF; both cases are *removable*.  ``"live"``:
    the argument takes both signs.
    """
    low, high = restricted_range(weights, bias, rho, kind)
    if high <= 0:
        return "zero"
    if low >= 0:
        return "linear"
    return "live"


def is_removable(weights: Sequence[Any], bias: Any, rho: Sequence[Any], kind: str = "pm1") -> bool:
    """Is the ReLU gate ``max(0, b + <w, x>)`` removable under ``rho``?  (See :func:`relu_gate_status`.)"""
    return relu_gate_status(weights, bias, rho, kind) != "live"


def ltf_is_constant(weights: Sequence[Any], bias: Any, rho: Sequence[Any], kind: str = "pm1") -> bool:
    """Is the LTF ``sgn(b + <w, x>)`` (``sgn(0) = +1``) constant under ``rho``?  Its argument is
    ``>= 0`` everywhere or ``< 0`` everywhere.  Every such restriction also makes the ReLU gate
    with that argument removable (the converse fails when the argument's maximum is exactly 0)."""
    low, high = restricted_range(weights, bias, rho, kind)
    return low >= 0 or high < 0


# -- Section 3: Claim 1, the exact binomial tail against Hoeffding ---------------------------------

def binomial_upper_tail(trials: int, at_least: int) -> Fraction:
    """``P[Bin(trials, 1/2) >= at_least]`` exactly."""
    if at_least <= 0:
        return Fraction(1)
    return Fraction(sum(math.comb(trials, j) for j in range(at_least, trials + 1)), 2**trials)


def exp_upper_bound(x: Any, terms: int = 24) -> Fraction:
    """A rational number ``>= e^x`` for rational ``x >= 0`` (within a relative ``1e-9`` or so).

    ``x = m + r`` with ``m`` an integer and ``0 <= r < 1``: ``e^x <= E^m U(r)``, where ``U(r)`` is the
    Taylor polynomial of degree ``terms - 1`` plus the bound ``r^K/K! * (K+1)/(K+1-r)`` on the rest of
    the series, and ``E = 2718281829/10^9``, which is ``>= U(1) >= e`` (checked here).
    """
    value = as_rational(x, what="x")
    if value < 0:
        raise InputError(f"exp_upper_bound needs x >= 0 (got {value})")

    def taylor_upper(r: Fraction) -> Fraction:
        total, term = Fraction(0), Fraction(1)
        for k in range(terms):
            total += term
            term = term * r / (k + 1)
        return total + term * Fraction(terms + 1) / (terms + 1 - r)  # term is now r^K / K!

    e_high = Fraction(2718281829, 10**9)
    if taylor_upper(Fraction(1)) > e_high:
        raise ArithmeticError("the rational upper bound of e is too small")  # cannot happen; guards the constant
    whole = value.numerator // value.denominator
    return e_high**whole * taylor_upper(value - whole)


def claim1_check(n: int) -> tuple[bool, Fraction]:
    """Mukherjee & Basu, Claim 1, for every ``eps`` in ``(0, 1/2]`` at once, with ``N = 2^n``.

    The agreement count of a fixed ``f`` with a uniform random ``g`` is ``Bin(N, 1/2)``, so the
    probability in the claim is ``T(m) = P[Bin(N, 1/2) >= m]`` with ``m = ceil((1/2 + eps) N)``.
    For ``eps`` in ``((m-1)/N - 1/2, m/N - 1/2]`` the tail is ``T(m)`` and the bound
    ``exp(-2N eps^2)`` is smallest at the right end, so checking ``T(m) exp(2N eps_m^2) <= 1`` with
    ``eps_m = m/N - 1/2`` for ``m = N/2 + 1 .. N`` proves the claim for all ``eps``; the exponential
    is bounded above by :func:`exp_upper_bound`.  Returns ``(holds, largest T(m) e^(2N eps_m^2)
    upper bound)``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"n must be a positive integer (got {n!r})")
    big = 2**n
    tail = 0  # running sum of C(N, j) for j >= m, from the top
    ratios = []
    for m in range(big, big // 2, -1):
        tail += math.comb(big, m)
        eps = Fraction(m, big) - Fraction(1, 2)
        ratios.append(Fraction(tail, 2**big) * exp_upper_bound(2 * big * eps * eps))
    worst = max(ratios)
    return worst <= 1, worst


# -- Section 4: the top LTF never sees 0 -----------------------------------------------------------

def top_nonzero_shift(net: Network, kind: str = "pm1") -> tuple[Network, Fraction]:
    """Mukherjee & Basu, Sec. 4, first paragraph: raise the top LTF's bias by ``p/2``.

    ``p > 0`` is the distance from 0 of the largest negative value reaching the single output
    ``ltf`` over the cube ``kind`` (1 if none is negative), computed exactly by enumeration.
    The returned net computes the same Boolean function and its top pre-activation is never 0.
    Returns ``(shifted net, p)``.
    """
    from exactnets.evaluate import evaluate_cube

    top = net.layers[-1]
    if top.activation != "ltf" or top.out_dim != 1:
        raise InputError(f"the output layer must be one ltf unit (got {top.out_dim} {top.activation!r} unit(s))")
    prefix = Network(net.input_dim, [*net.layers[:-1], Layer("linear", top.weights, top.bias)])
    values = evaluate_cube(prefix, kind)
    column = values.numerators[:, 0]
    negative = column[column < 0]
    p = Fraction(-int(negative.max()), values.denominator) if len(negative) else Fraction(1)
    shifted = Layer("ltf", top.weights, [top.bias[0] + p / 2])
    return Network(net.input_dim, [*net.layers[:-1], shifted], name="MB Sec. 4: top LTF shifted off 0"), p
