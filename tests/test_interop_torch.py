"""PyTorch in and out: exact binary values in, bitwise-equal weights back, refusals, the example script."""

from __future__ import annotations

import pathlib
import runpy
import sys
import warnings
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.errors import InputError
from exactnets.evaluate import evaluate
from exactnets.io import from_torch, to_torch
from exactnets.io.torch_io import RoundingWarning, to_torch_with_report
from exactnets.network import Layer, Network
from tests.strategies import networks

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "torch_prune_equiv.py"


def seeded_mlp(dtype=torch.float32) -> torch.nn.Sequential:
    torch.manual_seed(3)
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                               torch.nn.Linear(5, 4), torch.nn.Hardtanh(), torch.nn.Identity(),
                               torch.nn.Linear(4, 2)).to(dtype)


def test_from_torch_reads_exact_binary_values():
    module = seeded_mlp()
    net = from_torch(module)
    assert net.widths == (3, 5, 4, 2)
    assert [layer.activation for layer in net.layers] == ["relu", "hardtanh", "linear"]
    w = module[1].weight.detach().numpy()
    assert net.layers[0].weights == tuple(tuple(Fraction(float(v)) for v in row) for row in w)
    assert net.layers[2].bias == tuple(Fraction(float(v)) for v in module[7].bias.detach().numpy())


def test_from_torch_agrees_with_the_float_forward_pass():
    module = seeded_mlp(torch.float64).eval()
    net = from_torch(module)
    rng = np.random.default_rng(0)
    for _ in range(10):
        x = rng.normal(size=3) * 2
        with torch.no_grad():
            reference = module(torch.tensor(x).reshape(1, 3)).numpy().ravel()
        exact = [float(v) for v in evaluate(net, [Fraction(float(v)) for v in x])]
        assert np.allclose(exact, reference, rtol=1e-12, atol=1e-12)


def test_round_trip_torch_net_torch_is_bitwise():
    for dtype in (torch.float32, torch.float64):
        module = seeded_mlp(dtype)
        back = to_torch(from_torch(module), dtype)
        originals = [m for m in module if isinstance(m, torch.nn.Linear)]
        copies = [m for m in back if isinstance(m, torch.nn.Linear)]
        assert len(originals) == len(copies)
        for a, b in zip(originals, copies):
            assert b.weight.dtype == dtype
            assert torch.equal(a.weight.detach().view(torch.int32 if dtype == torch.float32 else torch.int64),
                               b.weight.detach().view(torch.int32 if dtype == torch.float32 else torch.int64))
            assert torch.equal(a.bias.detach(), b.bias.detach())
        assert [type(m) for m in back] == [torch.nn.Linear, torch.nn.ReLU, torch.nn.Linear, torch.nn.Hardtanh,
                                           torch.nn.Linear]


float32s = st.floats(width=32, allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6).map(Fraction)
float64s = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12).map(Fraction)


@settings(max_examples=30)
@given(networks(values=float32s, activations=("relu", "hardtanh"), output_activations=("linear", "relu", "hardtanh")))
def test_net_torch_net_is_exact_for_float32_weights(net):
    assert from_torch(to_torch(net, torch.float32)) == net
    assert from_torch(to_torch(net)) == net


@settings(max_examples=30)
@given(networks(values=float64s, activations=("relu", "hardtanh"), output_activations=("linear", "relu")))
def test_net_torch_net_is_exact_for_float64_weights(net):
    assert from_torch(to_torch(net, torch.float64)) == net


def test_consecutive_linear_modules_fold_exactly():
    a, b = torch.nn.Linear(2, 3, dtype=torch.float64), torch.nn.Linear(3, 1, dtype=torch.float64)
    with torch.no_grad():
        a.weight.copy_(torch.tensor([[1.0, 0.5], [-2.0, 0.25], [0.0, 1.0]]))
        a.bias.copy_(torch.tensor([0.5, 0.0, -1.0]))
        b.weight.copy_(torch.tensor([[1.0, 1.0, 2.0]]))
        b.bias.copy_(torch.tensor([0.125]))
    net = from_torch(torch.nn.Sequential(a, b, torch.nn.ReLU()))
    assert net.layers == (Layer("relu", [[-1, Fraction(11, 4)]], [Fraction(-11, 8)]),)


def test_nested_sequential_and_single_linear():
    inner = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
    net = from_torch(torch.nn.Sequential(inner, torch.nn.Linear(2, 1)))
    assert [layer.activation for layer in net.layers] == ["relu", "linear"]
    assert from_torch(torch.nn.Linear(3, 2)).widths == (3, 2)


def test_rational_weights_refused_then_rounded_with_a_report():
    net = Network(1, [Layer("relu", [["1/3"]], [0]), Layer("linear", [[1]], ["1/10"])])
    with pytest.raises(InputError, match=r"layers\[0\]\.weights\[0\]\[0\] = 1/3 is not exactly a float64"):
        to_torch(net)
    with pytest.warns(RoundingWarning, match="largest rounding error"):
        module, report = to_torch_with_report(net, torch.float32, allow_rounding=True)
    assert report.rounded == 2
    third = Fraction(float(np.float32(1 / 3)))
    tenth = Fraction(float(np.float32(0.1)))
    assert report.max_error == max(abs(third - Fraction(1, 3)), abs(tenth - Fraction(1, 10)))
    assert Fraction(module[0].weight.item()) == third


def test_to_torch_without_rounding_issues_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        to_torch(Network(1, [Layer("relu", [["1/2"]], [0])]))


@pytest.mark.parametrize("activation", ["step", "ltf"])
def test_threshold_layers_are_refused(activation):
    with pytest.raises(InputError, match="sgn\\(0\\) is \\+1"):
        to_torch(Network(1, [Layer(activation, [[1]], [0])]))


@pytest.mark.parametrize(("module", "pattern"), [
    (torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid()), r"Sigmoid\): unsupported module"),
    (torch.nn.Sequential(torch.nn.Conv2d(1, 1, 2)), r"Conv2d\): unsupported module"),
    (torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Hardtanh(0, 2)), r"Hardtanh\(0, 2\) is not an exactnets activation"),
    (torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 2)), r"starts with an activation"),
    (torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(2, 1)), r"in_features is 2 but the previous module gives 3"),
    (torch.nn.Sequential(torch.nn.ReLU()), r"starts with an activation"),
])
def test_unsupported_modules_are_named(module, pattern):
    with pytest.raises(InputError, match=pattern):
        from_torch(module)


def test_non_finite_weights_are_refused():
    lin = torch.nn.Linear(1, 1)
    with torch.no_grad():
        lin.weight.fill_(float("nan"))
    with pytest.raises(InputError, match="NaN or infinite"):
        from_torch(lin)


def test_missing_torch_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # "import torch" now raises ImportError
    with pytest.raises(InputError, match=r"pip install 'exactnets\[torch\]'"):
        to_torch(Network(1, [Layer("relu", [[1]], [0])]))
    with pytest.raises(InputError, match=r"exactnets\[torch\]"):
        from_torch(object())


def test_example_script_runs(capsys):
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert "dead unit(s): equivalent" in out
    assert "pruned: counterexample" in out and "quantised: counterexample" in out
    assert out.count("the decisions differ") == 2
