"""The truth table of a network is the sign of its exact output, sgn(0) = +1."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from exactnets.boolean import TruthTable, fourier_coefficients, inverse_fourier, network_truth_table, parity
from exactnets.constructions.mukherjee_basu import vertex_indicator_net
from exactnets.domains import cube_point
from exactnets.errors import ShapeError
from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from tests.strategies import networks


@settings(max_examples=60)
@given(st.data())
def test_table_is_the_sign_of_the_exact_output(data):
    net = data.draw(networks(input_dim=st.integers(1, 6)))
    kind = data.draw(st.sampled_from(["pm1", "01"]))
    output = data.draw(st.integers(0, net.output_dim - 1))
    table = network_truth_table(net, kind, output=output)
    for i in range(2**net.input_dim):
        value = evaluate(net, cube_point(net.input_dim, i, kind))[output]
        assert table.values[i] == (1 if value >= 0 else -1)


def test_zero_output_counts_as_plus_one():
    net = Network(1, [Layer("linear", [[0]], [0])])
    assert network_truth_table(net).values.tolist() == [1, 1]
    with pytest.raises(ShapeError):
        network_truth_table(net, output=1)


def test_fourier_round_trip_through_a_network():
    # parity as a Sum-of-ReLU of vertex indicators, then back to its single Fourier coefficient
    f = parity(4)
    net = vertex_indicator_net(f.values.tolist())
    table = network_truth_table(net)
    assert table == f
    coefficients = fourier_coefficients(table)
    assert coefficients[-1] == 1 and sum(abs(c) for c in coefficients) == 1
    assert TruthTable.from_values([int(v) for v in inverse_fourier(coefficients)]) == f
