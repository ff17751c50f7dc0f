"""ONNX in and out: exact reading of published and exported networks, exact writing, refusals, CLI."""

from __future__ import annotations

import json
import pathlib
from fractions import Fraction

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from onnx import numpy_helper

from exactnets.cli import main
from exactnets.errors import FileFormatError, InputError
from exactnets.evaluate import evaluate
from exactnets.io import load_network, network_to_onnx, onnx_to_network, read_network, read_onnx, write_network, write_onnx
from exactnets.io.onnx_io import _nearest, float_rounding
from exactnets.network import Layer, Network
from tests.strategies import networks

DATA = pathlib.Path(__file__).parent / "data" / "onnx"
ACAS = pathlib.Path("/work/shared/networks/acasxu")
ACAS_FILES = sorted(ACAS.glob("*.onnx"))
ACAS_1_3 = ACAS / "ACASXU_run2a_1_3_batch_2000.onnx"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ort_outputs(path: pathlib.Path | str, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return session.run(None, {name: x})[0].ravel()


def exact_point(x: np.ndarray) -> list[Fraction]:
    return [Fraction(float(v)) for v in x.ravel()]


# -- published networks: ACAS Xu as VNN-COMP distributes it ------------------------------------------

def test_acasxu_files_are_present():
    assert len(ACAS_FILES) == 2


@pytest.mark.parametrize("path", ACAS_FILES, ids=lambda p: p.name)
def test_acasxu_loads_into_one_exact_network(path):
    net = read_onnx(path)
    assert net.widths == (5, 50, 50, 50, 50, 50, 50, 5)
    assert [layer.activation for layer in net.layers] == ["relu"] * 6 + ["linear"]
    # The Sub of the (zero) average image folds away; each weight is the exact float32 of the file.
    model = onnx.load(str(path))
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    W1 = inits["Operation_1_MatMul_W"]
    assert net.layers[0].weights == tuple(tuple(Fraction(float(v)) for v in col) for col in W1.T)
    assert net.layers[-1].bias == tuple(Fraction(float(v)) for v in inits["linear_7_Add_B"])
    assert net.layers[0].weights[0][0].denominator > 10**6  # a binary fraction, not the decimal -0.206269


@pytest.mark.parametrize("path", ACAS_FILES, ids=lambda p: p.name)
def test_acasxu_exact_evaluation_agrees_with_onnxruntime(path):
    net = read_onnx(path)
    rng = np.random.default_rng(7)
    for _ in range(10):
        x = rng.uniform(-0.5, 0.5, size=(1, 1, 1, 5)).astype(np.float32)
        reference = ort_outputs(path, x).astype(np.float64)
        exact = np.array([float(v) for v in evaluate(net, exact_point(x))])
        # the reference computes in float32; the exact outputs are within its rounding
        assert np.allclose(exact, reference, rtol=1e-4, atol=1e-6), (exact, reference)


def test_acasxu_round_decimals_gives_the_printed_decimals():
    net = read_onnx(ACAS_1_3, round_decimals=6)
    assert net.layers[0].weights[0][0] == Fraction("-0.206269")
    info = net.meta["onnx"]
    assert info["round_decimals"] == 6 and info["rounded_values"] > 10_000
    assert Fraction(info["max_rounding_change"]) <= Fraction(1, 2 * 10**6)
    exact = read_onnx(ACAS_1_3)
    assert abs(exact.layers[0].weights[0][0] - net.layers[0].weights[0][0]) <= Fraction(1, 2 * 10**6)


def test_acasxu_onnx_json_onnx_round_trip_is_exact(tmp_path):
    net = read_onnx(ACAS_1_3)
    write_network(net, tmp_path / "acas.json")
    again = read_network(tmp_path / "acas.json")
    assert again == net
    for dtype in ("float32", "float64"):
        report = write_onnx(again, tmp_path / f"acas_{dtype}.onnx", dtype=dtype)
        assert report.exact and report.max_error == 0
        assert read_onnx(tmp_path / f"acas_{dtype}.onnx") == net


# -- exporter output and hand-written graphs ----------------------------------------------------------

def test_torch_exported_mlp_gemm_relu_clip():
    path = DATA / "torch_mlp.onnx"
    net = read_onnx(path)
    assert [layer.activation for layer in net.layers] == ["relu", "hardtanh", "linear"]
    model = onnx.load(str(path))
    assert {n.op_type for n in model.graph.node} >= {"Gemm", "Relu", "Clip"}
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    assert net.layers[0].weights == tuple(tuple(Fraction(float(v)) for v in row) for row in inits["0.weight"])
    rng = np.random.default_rng(0)
    for _ in range(10):
        x = rng.normal(size=(1, 4)).astype(np.float32) * 3
        exact = np.array([float(v) for v in evaluate(net, exact_point(x))])
        # onnxruntime computes in floats: the exact outputs agree with it up to its rounding
        assert np.allclose(exact, ort_outputs(path, x), rtol=1e-5, atol=1e-6)


def test_torch_exported_image_mlp_with_symbolic_batch():
    path = DATA / "torch_image_mlp.onnx"
    model = onnx.load(str(path))
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    net = read_onnx(path)
    assert net.widths == (16, 8, 2)
    x = np.random.default_rng(1).normal(size=(1, 1, 4, 4)).astype(np.float32)
    exact = np.array([float(v) for v in evaluate(net, exact_point(x))])
    # onnxruntime computes in floats: the exact outputs agree with it up to its rounding
    assert np.allclose(exact, ort_outputs(path, x), rtol=1e-5, atol=1e-6)


def test_hand_acas_style_normalisation_folds_exactly():
    path = DATA / "hand_acas_style.onnx"
    net = read_onnx(path)
    assert net.widths == (3, 5, 4, 2)
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}
    mean = [Fraction(float(v)) for v in inits["mean"].ravel()]
    scale = [Fraction(float(v)) for v in inits["range"].ravel()]
    W1 = [[Fraction(float(v)) for v in row] for row in inits["W1"]]
    b1 = [Fraction(float(v)) for v in inits["b1"]]
    # layer 1 computes W1^T ((x - mean) / range) + b1, exactly
    expected_W = tuple(tuple(W1[i][j] / scale[i] for i in range(3)) for j in range(5))
    expected_b = tuple(b1[j] - sum(W1[i][j] * mean[i] / scale[i] for i in range(3)) for j in range(5))
    assert net.layers[0].weights == expected_W
    assert net.layers[0].bias == expected_b
    rng = np.random.default_rng(2)
    for _ in range(5):
        x = rng.normal(size=(1, 1, 1, 3)).astype(np.float32)
        exact = np.array([float(v) for v in evaluate(net, exact_point(x))])
        # onnxruntime computes in floats: the exact outputs agree with it up to its rounding
        assert np.allclose(exact, ort_outputs(path, x), rtol=1e-4, atol=1e-5)


def test_hand_gemm_style_alpha_beta_transb_reshape():
    path = DATA / "hand_gemm_style.onnx"
    net = read_onnx(path)
    assert net.widths == (4, 3, 2)
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}
    assert net.layers[0].weights == tuple(tuple(Fraction(float(v)) / 2 for v in row) for row in inits["G1"])
    assert net.layers[0].bias == tuple(2 * Fraction(float(v)) for v in inits["c1"])
    x = np.random.default_rng(3).normal(size=(1, 2, 2))
    exact = np.array([float(v) for v in evaluate(net, exact_point(x))])
    # onnxruntime computes in floats: the exact outputs agree with it up to its rounding
    assert np.allclose(exact, ort_outputs(path, x), rtol=1e-12, atol=1e-12)


def test_hand_threshold_layers_match_onnxruntime_exactly_at_ties():
    path = DATA / "hand_threshold.onnx"
    net = read_onnx(path)
    assert [layer.activation for layer in net.layers] == ["step", "ltf", "step", "linear"]
    # On small dyadic points every float operation is exact, so onnxruntime must agree exactly,
    # ties (pre-activations equal to 0) included: ONNX GreaterOrEqual and exactnets' sgn(0)=+1 agree.
    grid = [-2, -1, -0.5, 0, 0.5, 1, 2]
    ties = 0
    for a in grid:
        for b in grid:
            x = np.array([[a, b]], dtype=np.float32)
            point = exact_point(x)
            pre = [sum((w * v for w, v in zip(row, point)), c) for row, c in zip(net.layers[0].weights, net.layers[0].bias)]
            ties += any(p == 0 for p in pre)
            exact = evaluate(net, point)
            assert [Fraction(float(v)) for v in ort_outputs(path, x)] == list(exact)
    assert ties > 0


# -- writing ---------------------------------------------------------------------------------------------

float32s = st.floats(width=32, allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6).map(Fraction)
float64s = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12).map(Fraction)


@settings(max_examples=40)
@given(networks(values=float32s, activations=("relu", "hardtanh", "step", "ltf"),
                output_activations=("linear", "relu", "hardtanh", "ltf", "step")))
def test_round_trip_of_float32_weights_is_exact(net):
    for dtype in ("float32", "float64"):
        model, report = network_to_onnx(net, dtype=dtype)
        assert report.exact
        assert onnx_to_network(onnx.load_from_string(model.SerializeToString())) == net


@settings(max_examples=40)
@given(networks(values=float64s, activations=("relu", "hardtanh", "step", "ltf")))
def test_round_trip_of_float64_weights_is_exact(net):
    model, report = network_to_onnx(net, dtype="float64")
    assert report.exact
    assert onnx_to_network(model) == net


def test_written_model_passes_the_checker_and_runs_in_onnxruntime(tmp_path):
    net = Network(2, [Layer("relu", [["1/2", -1], [3, "1/4"]], [0, "-1/8"]), Layer("hardtanh", [[1, 1], [1, -1]], [0, 0]),
                      Layer("ltf", [[1, -2]], ["1/2"])])
    write_onnx(net, tmp_path / "n.onnx")
    onnx.checker.check_model(onnx.load(str(tmp_path / "n.onnx")))
    for point in ([0, 0], [1, -1], ["1/2", 2], [-3, "3/4"]):
        x = np.array([[float(Fraction(v)) for v in point]])
        assert [Fraction(float(v)) for v in ort_outputs(tmp_path / "n.onnx", x)] == list(evaluate(net, point))


def test_name_survives_the_round_trip():
    net = Network(1, [Layer("linear", [[2]], [1])], name="double-plus-one")
    model, _ = network_to_onnx(net)
    assert onnx_to_network(model).name == "double-plus-one"


def test_hidden_linear_layers_fold_into_the_next_one():
    net = Network(2, [Layer("linear", [[1, 2], [3, 4]], [1, 0]), Layer("relu", [[1, -1]], [0])])
    back = onnx_to_network(network_to_onnx(net)[0])
    assert len(back.layers) == 1 and back.layers[0].weights == ((-2, -2),) and back.layers[0].bias == (1,)
    for point in ([0, 0], [1, -3], [-2, 5]):
        assert evaluate(back, point) == evaluate(net, point)


def test_rational_weights_are_refused_without_allow_rounding():
    net = Network(1, [Layer("relu", [["1/3"]], ["1/10"])])
    with pytest.raises(InputError, match=r"layers\[0\]\.weights\[0\]\[0\] = 1/3 is not exactly a float64"):
        network_to_onnx(net)
    model, report = network_to_onnx(net, allow_rounding=True)
    assert report.rounded == 2
    expected = max(abs(Fraction(1 / 3) - Fraction(1, 3)), abs(Fraction(0.1) - Fraction(1, 10)))
    assert report.max_error == expected and report.where == "layers[0].weights[0][0]"
    back = onnx_to_network(model)
    assert back.layers[0].weights[0][0] == Fraction(1 / 3)
    assert float_rounding(net, "float32").max_error > report.max_error


def test_too_large_for_float32_is_refused_even_with_rounding():
    net = Network(1, [Layer("linear", [[10**40]], [0])])
    with pytest.raises(InputError, match="too large for float32"):
        network_to_onnx(net, dtype="float32", allow_rounding=True)


@settings(max_examples=200)
@given(st.fractions(max_denominator=10**12).filter(lambda q: abs(q) < 10**30))
def test_nearest_float32_is_the_nearest(q):
    f = np.float32(_nearest(q, "float32"))
    error = abs(Fraction(float(f)) - q)
    for neighbour in (np.nextafter(f, np.float32(-np.inf)), np.nextafter(f, np.float32(np.inf))):
        assert abs(Fraction(float(neighbour)) - q) >= error


# -- refusals and malformed files -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "pattern"), [
    ("bad_conv.onnx", r"node 0 \(Conv\): unsupported operator Conv"),
    ("bad_softmax.onnx", r"unsupported operator Softmax: it is not piecewise linear"),
    ("bad_sigmoid.onnx", r"unsupported operator Sigmoid: it is not piecewise linear"),
    ("bad_sign.onnx", r"unsupported operator Sign: ONNX defines Sign\(0\) = 0.*ltf\(0\) = \+1"),
    ("bad_matmul_two_inputs.onnx", r"MatMul of two tensors that both depend on the input"),
    ("bad_skip_connection.onnx", r"skip connection"),
    ("bad_missing_initializer.onnx", r"the input tensor 'B' is neither a graph input, an initializer"),
    ("bad_wrong_shape.onnx", r"MatMul of a tensor with 4 entries by a weight matrix of shape \[5, 3\]"),
])
def test_unsupported_and_malformed_graphs_are_refused_naming_file_and_node(name, pattern):
    with pytest.raises(FileFormatError, match=pattern) as caught:
        read_onnx(DATA / name)
    assert str(caught.value).startswith(str(DATA / name))


def test_truncated_file_is_refused(tmp_path):
    data = ACAS_1_3.read_bytes()
    path = tmp_path / "truncated.onnx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileFormatError, match="truncated") as caught:
        read_onnx(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"this is not an onnx file at all\n", b"\x00\x01\x02"])
def test_garbage_files_are_refused(tmp_path, content):
    path = tmp_path / "garbage.onnx"
    path.write_bytes(content)
    with pytest.raises(FileFormatError) as caught:
        read_onnx(path)
    assert str(path) in str(caught.value)


def test_clip_other_than_hardtanh_is_refused():
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Clip", ["input", "lo", "hi"], ["output"])], "clip",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(np.array(0.0, np.float32), "lo"), numpy_helper.from_array(np.array(6.0, np.float32), "hi")])
    with pytest.raises(FileFormatError, match=r"Clip\(0, 6\) is not an exactnets activation"):
        onnx_to_network(helper.make_model(graph))


def test_two_inputs_are_refused():
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["output"])], "two",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 2]) for n in ("a", "b")],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2])])
    with pytest.raises(FileFormatError, match="expected exactly one graph input"):
        onnx_to_network(helper.make_model(graph))


def test_load_network_dispatches_on_suffix(tmp_path):
    net = Network(1, [Layer("relu", [[2]], [0])])
    write_network(net, tmp_path / "n.json")
    write_onnx(net, tmp_path / "n.onnx")
    assert load_network(tmp_path / "n.json") == net == load_network(tmp_path / "n.onnx")
    with pytest.raises(InputError, match=r"network files end in \.json .* or \.onnx"):
        load_network(tmp_path / "n.txt")


# -- command line -------------------------------------------------------------------------------------------

def test_cli_convert_both_ways(capsys, tmp_path):
    json_path, onnx_path = tmp_path / "acas.json", tmp_path / "acas.onnx"
    code, out, _ = run(capsys, "convert", str(ACAS_1_3), str(json_path))
    assert code == 0 and "exact binary value" in out
    code, out, _ = run(capsys, "convert", str(json_path), str(onnx_path), "--dtype", "float32")
    assert code == 0 and "nothing was rounded" in out
    assert read_onnx(onnx_path) == read_network(json_path) == read_onnx(ACAS_1_3)


def test_cli_convert_refuses_rationals_then_rounds_on_request(capsys, tmp_path):
    net = Network(1, [Layer("relu", [["1/3"]], [0])])
    write_network(net, tmp_path / "third.json")
    code, _, err = run(capsys, "convert", str(tmp_path / "third.json"), str(tmp_path / "third.onnx"))
    assert code == 2 and "is not exactly a float64" in err and "--allow-rounding" in err
    assert not (tmp_path / "third.onnx").exists()
    code, out, _ = run(capsys, "convert", str(tmp_path / "third.json"), str(tmp_path / "third.onnx"), "--allow-rounding", "--json")
    assert code == 0
    report = json.loads(out)["rounding"]
    assert report["rounded"] == 1 and Fraction(report["max_error"]) == abs(Fraction(1 / 3) - Fraction(1, 3))


def test_cli_convert_round_decimals(capsys, tmp_path):
    code, out, _ = run(capsys, "convert", str(ACAS_1_3), str(tmp_path / "a.json"), "--round-decimals", "6")
    assert code == 0 and "to 6 decimals" in out and "largest change" in out
    assert read_network(tmp_path / "a.json").layers[0].weights[0][0] == Fraction("-0.206269")


def test_cli_bad_onnx_exits_2_naming_the_file(capsys, tmp_path):
    code, _, err = run(capsys, "convert", str(DATA / "bad_sign.onnx"), str(tmp_path / "x.json"))
    assert code == 2 and "bad_sign.onnx" in err and "Sign" in err
    code, _, err = run(capsys, "eval", str(DATA / "bad_conv.onnx"), "--at", "0")
    assert code == 2 and "bad_conv.onnx" in err and "Conv" in err


def test_cli_eval_and_equiv_read_onnx(capsys, tmp_path):
    code, out, _ = run(capsys, "eval", str(DATA / "hand_threshold.onnx"), "--at", "1/2,-1", "--json")
    net = read_onnx(DATA / "hand_threshold.onnx")
    assert code == 0 and json.loads(out)["outputs"] == [str(v) for v in evaluate(net, [Fraction(1, 2), -1])]
    write_network(read_onnx(DATA / "torch_mlp.onnx"), tmp_path / "mlp.json")
    code, out, _ = run(capsys, "equiv", str(DATA / "torch_mlp.onnx"), str(tmp_path / "mlp.json"), "--domain", "box:-1,1")
    assert code == 0 and "equivalent" in out


# -- every operator pattern the reader folds, against onnxruntime ----------------------------------------

def kitchen_sink_model():
    """Shape/Gather/Unsqueeze/Concat reshape target, constant weights computed in the graph, float16
    and float64 initializers cast to float, Neg, Sub(const, t), Mul, Max(t, 0), LessOrEqual(0, t) + Cast,
    Identity, Dropout, Squeeze/Unsqueeze on the input-dependent tensor."""
    from onnx import TensorProto, helper

    f32 = np.float32
    rng = np.random.default_rng(5)
    W = rng.normal(size=(3, 4)).astype(f32)
    inits = [
        numpy_helper.from_array(np.array([0], dtype=np.int64), "zero_index"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "minus_one"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "axis0"),
        numpy_helper.from_array(W, "W"),
        numpy_helper.from_array(np.array(2.0, dtype=f32), "two"),
        numpy_helper.from_array(rng.normal(size=4).astype(np.float16), "b16"),
        numpy_helper.from_array(rng.normal(size=4), "scale64"),
        numpy_helper.from_array(np.array(0.0, dtype=f32), "zero"),
        numpy_helper.from_array(rng.normal(size=(4, 2)).astype(f32), "V"),
        numpy_helper.from_array(np.array([0.25, -0.5], dtype=f32), "shift"),
    ]
    nodes = [
        helper.make_node("Shape", ["input"], ["shape"]),
        helper.make_node("Gather", ["shape", "zero_index"], ["batch"], axis=0),
        helper.make_node("Concat", ["batch", "minus_one"], ["target"], axis=0),
        helper.make_node("Reshape", ["input", "target"], ["flat"]),            # [1, 3]
        helper.make_node("Mul", ["W", "two"], ["W2"]),                         # constants fold
        helper.make_node("Cast", ["b16"], ["b32"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["scale64"], ["scale"], to=TensorProto.FLOAT),
        helper.make_node("MatMul", ["flat", "W2"], ["m"]),
        helper.make_node("Add", ["m", "b32"], ["a"]),
        helper.make_node("Neg", ["a"], ["n"]),
        helper.make_node("Sub", ["zero", "n"], ["back"]),                      # 0 - (-a) = a
        helper.make_node("Mul", ["back", "scale"], ["scaled"]),
        helper.make_node("Max", ["scaled", "zero"], ["r"]),                    # relu
        helper.make_node("Identity", ["r"], ["r2"]),
        helper.make_node("Dropout", ["r2"], ["r3"]),
        helper.make_node("Unsqueeze", ["r3", "axis0"], ["u"]),                 # [1, 1, 4]
        helper.make_node("Squeeze", ["u", "axis0"], ["s"]),                    # [1, 4]
        helper.make_node("MatMul", ["s", "V"], ["t"]),
        helper.make_node("Add", ["t", "shift"], ["pre"]),
        helper.make_node("LessOrEqual", ["zero", "pre"], ["geq"]),
        helper.make_node("Cast", ["geq"], ["output"], to=TensorProto.FLOAT),   # step
    ]
    graph = helper.make_graph(nodes, "kitchen_sink", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 2])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, W


def test_every_folded_pattern_agrees_with_onnxruntime(tmp_path):
    model, W = kitchen_sink_model()
    net = onnx_to_network(model)
    assert [layer.activation for layer in net.layers] == ["relu", "step"]
    values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    b16, scale = values["b16"], values["scale64"]
    # exact real semantics: weight 2 W^T scaled row by row by the float64 scale (the Cast to float32
    # is not a rounding here, see the module docstring), bias from the float16 values
    assert net.layers[0].weights == tuple(tuple(2 * Fraction(float(W[i, j])) * Fraction(float(scale[j])) for i in range(3))
                                          for j in range(4))
    assert net.layers[0].bias == tuple(Fraction(float(b16[j])) * Fraction(float(scale[j])) for j in range(4))
    path = tmp_path / "sink.onnx"
    path.write_bytes(model.SerializeToString())
    rng = np.random.default_rng(6)
    compared = 0
    for _ in range(40):
        x = rng.normal(size=(1, 3)).astype(np.float32)
        point = exact_point(x)
        hidden = [max(sum((w * v for w, v in zip(row, point)), b), 0) for row, b in zip(net.layers[0].weights, net.layers[0].bias)]
        pre = [sum((w * h for w, h in zip(row, hidden)), b) for row, b in zip(net.layers[1].weights, net.layers[1].bias)]
        if min(abs(p) for p in pre) < Fraction(1, 1000):
            continue  # float rounding could flip the step this close to 0
        compared += 1
        assert [Fraction(float(v)) for v in ort_outputs(path, x)] == list(evaluate(net, point))
    assert compared >= 30
