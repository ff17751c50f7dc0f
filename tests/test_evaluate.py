"""Exact evaluation: batches and cubes equal the Fraction reference, on every backend."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from exactnets.domains import cube_point, cube_points
from exactnets.errors import FloatRefusedError, ShapeError
from exactnets.evaluate import ExactBatch, _plan, evaluate, evaluate_batch, evaluate_cube, iter_cube_chunks
from exactnets.network import Layer, Network
from tests.strategies import networks, points, rationals, wide_rationals

BIG = st.one_of(rationals(), wide_rationals())


def test_point_evaluation_by_hand():
    net = Network(2, [Layer("relu", [[1, "-1/2"], [0, 2]], [0, "1/3"]), Layer("linear", [[1, -1]], ["1/2"])])
    # x = (1/2, -3): hidden = (relu(1/2 + 3/2), relu(-6 + 1/3)) = (2, 0); output 2 - 0 + 1/2
    assert evaluate(net, ["1/2", -3]) == (Fraction(5, 2),)
    assert evaluate(net, [0, 0]) == (Fraction(1, 2) - Fraction(1, 3),)


@pytest.mark.parametrize("activation, expected", [("ltf", (1, -1, 1)), ("step", (1, 0, 1)), ("hardtanh", (0, -1, 1))])
def test_threshold_conventions_at_zero(activation, expected):
    net = Network(1, [Layer(activation, [[1]], [0])])
    assert tuple(evaluate(net, [x])[0] for x in (0, -5, 5)) == tuple(Fraction(e) for e in expected)


def test_bad_points():
    net = Network(2, [Layer("linear", [[1, 1]], [0])])
    with pytest.raises(ShapeError, match="2 inputs but the point has 3"):
        evaluate(net, [1, 2, 3])
    with pytest.raises(FloatRefusedError):
        evaluate(net, [0.5, 1])
    with pytest.raises(FloatRefusedError):
        evaluate_batch(net, np.array([[0.5, 1.0]]))
    with pytest.raises(ShapeError, match=r"shape \(count, 2\)"):
        evaluate_batch(net, np.array([[1, 2, 3]]))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_batch_equals_point_evaluation(data):
    net = data.draw(networks(values=data.draw(st.sampled_from([rationals(), BIG]))))
    pts = data.draw(st.lists(points(net.input_dim, BIG), min_size=1, max_size=6))
    chunk = data.draw(st.integers(1, 4))
    batch = evaluate_batch(net, pts, chunk_size=chunk)
    assert len(batch) == len(pts)
    for i, p in enumerate(pts):
        assert batch.row(i) == evaluate(net, p)


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_cube_equals_point_evaluation(data):
    net = data.draw(networks(input_dim=st.integers(1, 6), values=data.draw(st.sampled_from([rationals(), BIG]))))
    kind = data.draw(st.sampled_from(["pm1", "01"]))
    chunk_bits = data.draw(st.integers(0, 6))
    batch = evaluate_cube(net, kind, chunk_bits=chunk_bits)
    assert len(batch) == 2**net.input_dim
    for i in range(2**net.input_dim):
        assert batch.row(i) == evaluate(net, cube_point(net.input_dim, i, kind))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_integer_array_points_match_sequences(data):
    net = data.draw(networks(input_dim=st.integers(1, 4)))
    ints = data.draw(st.lists(st.lists(st.integers(-50, 50), min_size=net.input_dim, max_size=net.input_dim), min_size=1, max_size=5))
    assert evaluate_batch(net, np.array(ints)) == evaluate_batch(net, ints)


def _net_with_bound(weight: int, depth: int = 3, width: int = 4) -> Network:
    layers = [Layer("relu", [[weight] * 3 for _ in range(width)], [1] * width)]
    for _ in range(depth - 2):
        layers.append(Layer("relu", [[weight] * width for _ in range(width)], [1] * width))
    layers.append(Layer("linear", [[weight] * width], ["1/3"]))
    return Network(3, layers)


@pytest.mark.parametrize("weight, backends", [
    (7, ["float64", "float64", "float64"]),
    (2**18, ["float64", "float64", "int64"]),
    (2**40, ["float64", "bigint", "bigint"]),
])
def test_backends_follow_the_proven_bound_and_stay_exact(weight, backends):
    net = _net_with_bound(weight)
    assert [p.backend for p in _plan(net, 1, [-1] * 3, [1] * 3)] == backends
    cube = evaluate_cube(net)
    for i in range(8):
        assert cube.row(i) == evaluate(net, cube_point(3, i))


def test_float64_products_beyond_2_to_53_are_not_trusted():
    # 2^53 + 1 is not a double; the plan must move to int64 and still get it right.
    net = Network(2, [Layer("linear", [[2**52, 2**52 + 1]], [0])])
    assert _plan(net, 1, [0, 0], [1, 1])[0].backend == "int64"
    assert evaluate_cube(net, "01").value(3) == 2**53 + 1


def test_chunks_cover_the_cube_in_order():
    net = Network(5, [Layer("linear", [[16, 8, 4, 2, 1]], [0])])
    seen = []
    for start, values, denominator in iter_cube_chunks(net, "01", chunk_bits=2):
        assert denominator == 1
        assert start == len(seen)
        seen.extend(int(v) for v in values[:, 0])
    assert seen == list(range(32))  # the MSB-first index order


def test_progress_reports_reach_the_total():
    net = Network(6, [Layer("linear", [[1] * 6], [0])])
    calls = []
    evaluate_cube(net, chunk_bits=3, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (64, 64) and len(calls) == 8


def test_exact_batch_helpers():
    batch = ExactBatch(np.array([[3, 0], [-4, 6]], dtype=np.int64), 6)
    assert batch.row(0) == (Fraction(1, 2), Fraction(0))
    assert batch.signs(1).tolist() == [1, 1]  # sgn(0) = +1
    assert batch.signs(0).tolist() == [1, -1]
    assert batch.format_columns() == [["1/2", "-2/3"], ["0", "1"]]
    big = ExactBatch(np.array([[2**70]], dtype=object), 3 * 2**10)
    assert big.format_columns() == [[f"{2**60}/3"]]
    both = ExactBatch.concatenate([batch, ExactBatch(np.array([[1, 1]], dtype=np.int64), 4)])
    assert both.denominator == 12 and both.row(2) == (Fraction(1, 4), Fraction(1, 4))
    assert both.row(1) == batch.row(1)
    assert ExactBatch(np.array([[1]]), 2) == ExactBatch(np.array([[2]]), 4)
    assert ExactBatch(np.array([[1]]), 2) != ExactBatch(np.array([[1]]), 4)


def test_empty_batch_and_cube_of_dimension_zero():
    net = Network(2, [Layer("linear", [[1, 1]], [0])])
    assert len(evaluate_batch(net, [])) == 0
    with pytest.raises(Exception):
        evaluate_cube(net, "bad")


def test_large_cube_matches_reference_on_sampled_points():
    rng = np.random.default_rng(3)
    sizes = [16, 32, 32, 1]
    layers = []
    for i in range(3):
        w = [[Fraction(int(rng.integers(-10, 11)), int(rng.integers(1, 11))) for _ in range(sizes[i])] for _ in range(sizes[i + 1])]
        b = [Fraction(int(rng.integers(-10, 11)), int(rng.integers(1, 11))) for _ in range(sizes[i + 1])]
        layers.append(Layer("relu" if i < 2 else "linear", w, b))
    net = Network(16, layers)
    cube = evaluate_cube(net)
    for i in rng.integers(0, 2**16, 300).tolist():
        assert cube.row(i) == evaluate(net, cube_point(16, i))


def test_huge_values_that_no_weight_reads_do_not_overflow():
    # unit 0 is astronomically large but layer 1 ignores it, so layer 1 runs on float64
    net = Network(1, [Layer("relu", [[2**200], [1]], [0, 1]), Layer("linear", [[0, "1/3"]], [0])])
    assert [p.backend for p in _plan(net, 1, [-1], [1])] == ["bigint", "float64"]
    for x in (-1, 1):
        assert evaluate_batch(net, [[x]]).row(0) == evaluate(net, [x])
    assert evaluate_cube(net).to_fractions() == [evaluate(net, [1]), evaluate(net, [-1])]
