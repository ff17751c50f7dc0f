"""Networks: validation with useful messages, and operations that preserve the exact function."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from exactnets.errors import InputError, NumberError, ShapeError
from exactnets.evaluate import evaluate
from exactnets.network import (
    ACTIVATIONS,
    Layer,
    Network,
    activation_function,
    compose,
    identity_layer,
    parallel_sum,
    ps_normal_form,
    restrict,
    scale,
)
from tests.strategies import networks, points, rationals


def example() -> Network:
    return Network(2, [Layer("relu", [[1, "-1/2"], [0, 2]], [0, "1/3"]), Layer("linear", [[1, -1]], ["1/2"])])


@pytest.mark.parametrize(
    "name, t, value",
    [
        ("relu", -1, 0), ("relu", 0, 0), ("relu", "5/2", "5/2"),
        ("ltf", 0, 1), ("ltf", "-1/9", -1), ("ltf", 3, 1),
        ("step", 0, 1), ("step", "-1/9", 0),
        ("hardtanh", 3, 1), ("hardtanh", -3, -1), ("hardtanh", "1/2", "1/2"), ("hardtanh", -1, -1),
        ("linear", "-7/3", "-7/3"),
    ],
)
def test_activation_conventions(name, t, value):
    assert activation_function(name)(Fraction(t)) == Fraction(value)


def test_shape_properties():
    net = example()
    assert (net.depth, net.hidden_layers, net.size, net.widths, net.output_dim) == (2, 1, 2, (2, 2, 1), 1)
    assert net.layers[0].weights[0][1] == Fraction(-1, 2)
    assert net == example() and hash(net) == hash(example())


def test_networks_are_frozen():
    net = example()
    with pytest.raises(AttributeError):
        net.input_dim = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        net.meta["x"] = 1  # type: ignore[index]


def test_shape_errors_name_the_layer_and_the_expected_shape():
    with pytest.raises(ShapeError, match=r"layers\[1\]\.weights has 3 columns but layers\[0\] has 2 outputs; expected shape 1 x 2"):
        Network(2, [Layer("relu", [[1, 1], [1, 1]], [0, 0]), Layer("linear", [[1, 1, 1]], [0])])
    with pytest.raises(ShapeError, match=r"layers\[0\]\.weights has 2 columns but input_dim is 3; expected shape 2 x 3"):
        Network(3, [Layer("relu", [[1, 1], [1, 1]], [0, 0])])
    with pytest.raises(ShapeError, match=r"bias has 1 entries .* expected 2 biases"):
        Layer("relu", [[1], [2]], [0])
    with pytest.raises(ShapeError, match=r"weights\[1\] has 1 entries but row 0 has 2"):
        Layer("relu", [[1, 2], [3]], [0, 0])
    with pytest.raises(ShapeError, match="no rows"):
        Layer("relu", [], [])
    with pytest.raises(ShapeError, match="at least one layer"):
        Network(2, [])


def test_value_errors_name_the_place():
    with pytest.raises(NumberError, match=r"layers\[0\]\.weights\[0\]\[1\]"):
        Network(2, [{"activation": "relu", "weights": [[1, 0.5]], "bias": [0]}])
    with pytest.raises(InputError, match=r"layers\[0\]\.activation: unknown activation 'sigmoid'"):
        Network(1, [{"activation": "sigmoid", "weights": [[1]], "bias": [0]}])
    with pytest.raises(InputError, match="unknown keys"):
        Network(1, [{"activation": "relu", "weights": [[1]], "bias": [0], "extra": 1}])
    with pytest.raises(InputError, match="input_dim"):
        Network(-1, [Layer("relu", [[1]], [0])])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_compose_is_function_composition(data):
    inner = data.draw(networks())
    outer = data.draw(networks(input_dim=inner.output_dim))
    x = data.draw(points(inner.input_dim))
    assert evaluate(compose(outer, inner), x) == evaluate(outer, evaluate(inner, x))


def test_compose_merges_a_linear_junction():
    inner = Network(2, [Layer("relu", [[1, 0]], [0]), Layer("linear", [[2]], [1])])
    outer = Network(1, [Layer("relu", [[3]], [-1]), Layer("linear", [[1]], [0])])
    assert compose(outer, inner).depth == 3
    with pytest.raises(ShapeError):
        compose(inner, inner)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_parallel_sum_adds_the_outputs(data):
    first = data.draw(networks(activations=("relu", "linear", "hardtanh")))
    second = data.draw(networks(input_dim=first.input_dim, output_dim=st.just(first.output_dim),
                                activations=("relu",), depth=st.integers(1, 4)))
    x = data.draw(points(first.input_dim))

    def hidden(net):  # hidden activations once a non-linear output is followed by a linear identity
        return net.activations[:-1] + (() if net.activations[-1] == "linear" else (net.activations[-1],))

    shorter, longer = sorted((hidden(first), hidden(second)), key=len)
    try:
        total = parallel_sum(first, second)
    except ShapeError:
        # legitimate only when levels disagree, or an extra level cannot carry values unchanged
        extra = longer[len(shorter):]
        assert longer[: len(shorter)] != shorter or any(a in ("ltf", "step", "hardtanh") for a in extra)
        return
    assert evaluate(total, x) == tuple(a + b for a, b in zip(evaluate(first, x), evaluate(second, x)))


def test_parallel_sum_pads_a_shallow_network_with_identities():
    deep = Network(1, [Layer("relu", [[1]], [0]), Layer("relu", [[1]], [-1]), Layer("linear", [[1]], [0])])
    flat = Network(1, [Layer("linear", [[-3]], ["1/2"])])
    total = parallel_sum(deep, flat)
    for x in (-2, 0, "1/3", 5):
        assert evaluate(total, [x]) == (evaluate(deep, [x])[0] + evaluate(flat, [x])[0],)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_scale_multiplies_the_outputs(data):
    net = data.draw(networks())
    c = data.draw(rationals())
    x = data.draw(points(net.input_dim))
    assert evaluate(scale(net, c), x) == tuple(c * v for v in evaluate(net, x))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_restrict_fixes_inputs(data):
    net = data.draw(networks(input_dim=st.integers(2, 4)))
    x = list(data.draw(points(net.input_dim)))
    fixed_indices = data.draw(st.sets(st.integers(0, net.input_dim - 1), min_size=1, max_size=net.input_dim - 1))
    restricted = restrict(net, {i: x[i] for i in fixed_indices})
    rest = [x[i] for i in range(net.input_dim) if i not in fixed_indices]
    assert restricted.input_dim == len(rest)
    assert evaluate(restricted, rest) == evaluate(net, x)


def test_restrict_errors():
    net = example()
    with pytest.raises(InputError, match="out of range"):
        restrict(net, {5: 1})
    with pytest.raises(ShapeError, match="constant"):
        restrict(net, {0: 1, 1: 2})


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_ps_normal_form_keeps_the_exact_output(data):
    net = data.draw(networks(depth=st.just(2), activations=("relu",), output_dim=st.just(1),
                             output_activations=("linear", "ltf"),
                             values=st.one_of(rationals(), st.just(Fraction(0)))))
    form = ps_normal_form(net)
    x = data.draw(points(net.input_dim))
    real_valued = evaluate(Network(net.input_dim, [net.layers[0], Layer("linear", net.layers[1].weights, net.layers[1].bias)]), x)[0]
    assert form.value(x) == real_valued
    assert evaluate(form.to_network(), x) == evaluate(net, x)
    nonzero = sum(1 for w in net.layers[1].weights[0] if w != 0)
    assert len(form.positive) + len(form.negative) == nonzero


def test_ps_normal_form_drops_zero_units_and_splits_signs():
    net = Network(1, [Layer("relu", [[1], [2], [3]], [0, 1, 2]), Layer("ltf", [[0, "1/2", -2]], [5])])
    form = ps_normal_form(net)
    assert form.w0 == 5
    assert [a.coefficients for a in form.positive] == [(Fraction(1),)]
    assert [(a.coefficients, a.constant) for a in form.negative] == [((Fraction(6),), Fraction(4))]
    with pytest.raises(InputError, match="2-layer"):
        ps_normal_form(Network(1, [Layer("relu", [[1]], [0])]))


def test_identity_layer():
    assert evaluate(Network(2, [identity_layer(2, "relu")]), ["1/2", 3]) == (Fraction(1, 2), Fraction(3))
    with pytest.raises(ShapeError):
        identity_layer(0)
    assert set(ACTIVATIONS) == {"relu", "ltf", "step", "hardtanh", "linear"}
