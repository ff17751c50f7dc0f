"""Hypothesis strategies shared by every test module: rationals, points and valid networks.

Networks are built with valid shapes directly (no filtering), so hypothesis spends its budget
on values, not on rejected draws.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from exactnets.network import ACTIVATIONS, Layer, Network


def rationals(max_numerator: int = 20, max_denominator: int = 10) -> st.SearchStrategy[Fraction]:
    """Small exact rationals p/q with |p| <= max_numerator and 1 <= q <= max_denominator."""
    return st.builds(
        Fraction,
        st.integers(-max_numerator, max_numerator),
        st.integers(1, max_denominator),
    )


def wide_rationals() -> st.SearchStrategy[Fraction]:
    """Rationals with large numerators and denominators (to push evaluation past int64)."""
    return st.builds(Fraction, st.integers(-(2**80), 2**80), st.integers(1, 2**70))


def points(dim: int, values: st.SearchStrategy[Fraction] | None = None) -> st.SearchStrategy[tuple[Fraction, ...]]:
    return st.tuples(*[rationals() if values is None else values] * dim)


@st.composite
def networks(
    draw,
    input_dim: int | st.SearchStrategy[int] = st.integers(1, 4),
    depth: st.SearchStrategy[int] = st.integers(1, 4),
    width: st.SearchStrategy[int] = st.integers(1, 5),
    output_dim: st.SearchStrategy[int] = st.integers(1, 2),
    activations: tuple[str, ...] = ACTIVATIONS,
    output_activations: tuple[str, ...] = ("linear", "relu", "ltf"),
    values: st.SearchStrategy[Fraction] | None = None,
) -> Network:
    """A random valid network: every layer's shape fits the one before."""
    values = rationals() if values is None else values
    n = draw(input_dim) if isinstance(input_dim, st.SearchStrategy) else input_dim
    layer_count = draw(depth)
    sizes = [n] + [draw(width) for _ in range(layer_count - 1)] + [draw(output_dim)]
    layers = []
    for index in range(layer_count):
        last = index == layer_count - 1
        activation = draw(st.sampled_from(output_activations if last else activations))
        rows, cols = sizes[index + 1], sizes[index]
        weights = [[draw(values) for _ in range(cols)] for _ in range(rows)]
        bias = [draw(values) for _ in range(rows)]
        layers.append(Layer(activation, weights, bias))
    return Network(n, layers)
