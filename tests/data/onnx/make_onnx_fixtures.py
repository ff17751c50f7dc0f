"""Write the small ONNX files that tests/test_interop_onnx.py reads (run once; the files are committed).

    /work/venv/bin/python tests/data/onnx/make_onnx_fixtures.py

Two kinds of files, all a few KB:

* made by PyTorch's exporter (the TorchScript one, ``dynamo=False``: the dynamo exporter needs
  onnxscript, which is not a dependency): ``torch_mlp.onnx`` (Gemm/Relu/Clip), and
  ``torch_image_mlp.onnx`` (a [N, 1, 4, 4] input flattened, a symbolic batch);
* written by hand with ``onnx.helper``: the operator patterns of published networks (an ACAS Xu
  style ``Sub``/``Div`` normalisation and ``Flatten`` of a [1, 1, 1, 3] input, MatMul/Add/Relu;
  a Reshape/Gemm net with alpha, beta and transB; threshold layers as
  ``Cast(GreaterOrEqual(t, 0))`` and ``Where``), and graphs exactnets must refuse (Conv, Softmax,
  Sigmoid, Sign, a MatMul of two input-dependent tensors, a skip connection, a missing
  initializer, a weight of the wrong shape).

Weights are fixed by seeds, so a rerun writes the same networks.
"""

from __future__ import annotations

import pathlib
import warnings

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = pathlib.Path(__file__).resolve().parent
OPSET = 17


def save(model: onnx.ModelProto, name: str, check: bool = True) -> None:
    model.ir_version = 8
    if check:
        onnx.checker.check_model(model)
    (HERE / name).write_bytes(model.SerializeToString())
    print(f"{name}: {len(model.SerializeToString())} bytes")


def init(name: str, array: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, initializers, name: str) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    return helper.make_model(graph, producer_name="make_onnx_fixtures", opset_imports=[helper.make_opsetid("", OPSET)])


def vi(name: str, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def torch_files() -> None:
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 5), torch.nn.Hardtanh(),
                              torch.nn.Linear(5, 3))
    image = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter announces its deprecation
        torch.onnx.export(mlp, (torch.zeros(1, 4),), str(HERE / "torch_mlp.onnx"), dynamo=False,
                          input_names=["x"], output_names=["y"])
        torch.onnx.export(image, (torch.zeros(1, 1, 4, 4),), str(HERE / "torch_image_mlp.onnx"), dynamo=False,
                          input_names=["image"], output_names=["scores"],
                          dynamic_axes={"image": {0: "batch"}, "scores": {0: "batch"}})
    for name in ("torch_mlp.onnx", "torch_image_mlp.onnx"):
        print(f"{name}: {(HERE / name).stat().st_size} bytes")


def hand_files() -> None:
    rng = np.random.default_rng(1)
    f32 = np.float32

    # ACAS Xu style: Sub mean, Div range, Flatten [1,1,1,3] -> [1,3], MatMul/Add/Relu twice, MatMul/Add.
    mean = rng.normal(size=(1, 1, 1, 3)).astype(f32)
    scale = np.array([2.0, 0.5, 4.0], dtype=f32).reshape(1, 1, 1, 3)
    W1, b1 = rng.normal(size=(3, 5)).astype(f32), rng.normal(size=5).astype(f32)
    W2, b2 = rng.normal(size=(5, 4)).astype(f32), rng.normal(size=4).astype(f32)
    W3, b3 = rng.normal(size=(4, 2)).astype(f32), rng.normal(size=2).astype(f32)
    nodes = [
        helper.make_node("Sub", ["input", "mean"], ["centred"]),
        helper.make_node("Div", ["centred", "range"], ["normalised"]),
        helper.make_node("Flatten", ["normalised"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "W1"], ["m1"]), helper.make_node("Add", ["m1", "b1"], ["a1"]),
        helper.make_node("Relu", ["a1"], ["r1"]),
        helper.make_node("MatMul", ["r1", "W2"], ["m2"]), helper.make_node("Add", ["m2", "b2"], ["a2"]),
        helper.make_node("Relu", ["a2"], ["r2"]),
        helper.make_node("MatMul", ["r2", "W3"], ["m3"]), helper.make_node("Add", ["m3", "b3"], ["output"]),
    ]
    inits = [init("mean", mean), init("range", scale), init("W1", W1), init("b1", b1), init("W2", W2),
             init("b2", b2), init("W3", W3), init("b3", b3)]
    save(model(nodes, [vi("input", [1, 1, 1, 3])], [vi("output", [1, 2])], inits, "acas_style"), "hand_acas_style.onnx")

    # MNIST style, float64: a symbolic batch, Reshape to [-1, 4], Gemm(transB, alpha, beta), Relu, Gemm.
    G1, c1 = rng.normal(size=(3, 4)), rng.normal(size=3)
    G2, c2 = rng.normal(size=(3, 2)), rng.normal(size=2)
    nodes = [
        helper.make_node("Reshape", ["input", "shape"], ["flat"]),
        helper.make_node("Gemm", ["flat", "G1", "c1"], ["g1"], transB=1, alpha=0.5, beta=2.0),
        helper.make_node("Relu", ["g1"], ["r1"]),
        helper.make_node("Gemm", ["r1", "G2", "c2"], ["output"]),
    ]
    inits = [init("shape", np.array([-1, 4], dtype=np.int64)), init("G1", G1), init("c1", c1), init("G2", G2),
             init("c2", c2)]
    save(model(nodes, [vi("input", ["N", 2, 2], TensorProto.DOUBLE)], [vi("output", ["N", 2], TensorProto.DOUBLE)],
               inits, "gemm_style"), "hand_gemm_style.onnx")

    # Threshold layers: step as Cast(GreaterOrEqual(t, 0)), ltf as Where(t >= 0, 1, -1), and Where(t >= 0, 2, 0.5).
    T1 = np.array([[1.0, -1.0, 0.5], [0.25, 1.0, -2.0]], dtype=f32)  # [in=2, out=3]
    T2 = np.array([[1.0, 2.0], [-1.0, 0.5], [0.75, -0.25]], dtype=f32)  # [3, 2]
    T3 = np.array([[1.0, -1.0], [0.5, 3.0]], dtype=f32)
    nodes = [
        helper.make_node("MatMul", ["input", "T1"], ["t1"]),
        helper.make_node("GreaterOrEqual", ["t1", "zero"], ["c1"]),
        helper.make_node("Cast", ["c1"], ["s1"], to=TensorProto.FLOAT),
        helper.make_node("MatMul", ["s1", "T2"], ["t2"]), helper.make_node("Add", ["t2", "d2"], ["u2"]),
        helper.make_node("GreaterOrEqual", ["u2", "zero"], ["c2"]),
        helper.make_node("Where", ["c2", "one", "minus_one"], ["s2"]),
        helper.make_node("MatMul", ["s2", "T3"], ["t3"]),
        helper.make_node("GreaterOrEqual", ["t3", "zero"], ["c3"]),
        helper.make_node("Where", ["c3", "two", "half"], ["output"]),
    ]
    inits = [init("T1", T1), init("T2", T2), init("T3", T3), init("d2", np.array([0.5, -1.0], dtype=f32)),
             init("zero", np.array(0.0, dtype=f32)), init("one", np.array(1.0, dtype=f32)),
             init("minus_one", np.array(-1.0, dtype=f32)), init("two", np.array(2.0, dtype=f32)),
             init("half", np.array(0.5, dtype=f32))]
    save(model(nodes, [vi("input", [1, 2])], [vi("output", [1, 2])], inits, "threshold"), "hand_threshold.onnx")

    # Graphs exactnets must refuse.
    W = rng.normal(size=(4, 3)).astype(f32)
    x = [vi("input", [1, 4])]
    y = [vi("output", [1, 3])]
    save(model([helper.make_node("MatMul", ["input", "W"], ["m"]), helper.make_node("Softmax", ["m"], ["output"])],
               x, y, [init("W", W)], "softmax"), "bad_softmax.onnx")
    save(model([helper.make_node("MatMul", ["input", "W"], ["m"]), helper.make_node("Sigmoid", ["m"], ["output"])],
               x, y, [init("W", W)], "sigmoid"), "bad_sigmoid.onnx")
    save(model([helper.make_node("MatMul", ["input", "W"], ["m"]), helper.make_node("Sign", ["m"], ["output"])],
               x, y, [init("W", W)], "sign"), "bad_sign.onnx")
    kernel = rng.normal(size=(2, 1, 2, 2)).astype(f32)
    save(model([helper.make_node("Conv", ["input", "K"], ["output"])], [vi("input", [1, 1, 3, 3])],
               [vi("output", [1, 2, 2, 2])], [init("K", kernel)], "conv"), "bad_conv.onnx")
    save(model([helper.make_node("MatMul", ["input", "W"], ["a"]), helper.make_node("Transpose", ["input"], ["t"]),
                helper.make_node("MatMul", ["t", "a"], ["output"])],
               x, [vi("output", [4, 3])], [init("W", W)], "matmul_two_inputs"), "bad_matmul_two_inputs.onnx")
    V = rng.normal(size=(3, 3)).astype(f32)
    save(model([helper.make_node("MatMul", ["input", "W"], ["a"]), helper.make_node("Relu", ["a"], ["r"]),
                helper.make_node("MatMul", ["r", "V"], ["b"]), helper.make_node("Add", ["b", "a"], ["output"])],
               x, y, [init("W", W), init("V", V)], "skip"), "bad_skip_connection.onnx")
    save(model([helper.make_node("MatMul", ["input", "W"], ["a"]), helper.make_node("Add", ["a", "B"], ["output"])],
               x, y, [init("W", W)], "missing"), "bad_missing_initializer.onnx", check=False)
    save(model([helper.make_node("MatMul", ["input", "W5"], ["output"])], x, y,
               [init("W5", rng.normal(size=(5, 3)).astype(f32))], "wrong_shape"), "bad_wrong_shape.onnx", check=False)


if __name__ == "__main__":
    torch_files()
    hand_files()
