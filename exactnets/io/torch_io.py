"""PyTorch modules in and out, exactly (torch is the optional extra ``exactnets[torch]``).

:func:`from_torch` reads an ``nn.Sequential`` (nested ones too) of ``Linear``, ``ReLU``,
``Hardtanh`` (with its default bounds -1 and 1), ``Identity``, ``Flatten`` and ``Dropout`` (the
identity at inference), or a single ``Linear``.  Every parameter enters at the exact binary value
of its float (float16, bfloat16, float32 or float64 alike); consecutive ``Linear`` modules with no
activation between them fold into one exact layer.

:func:`to_torch` builds the ``nn.Sequential`` of ``Linear`` and ``ReLU``/``Hardtanh`` modules for
a network.  A weight that the chosen dtype cannot hold exactly is refused unless
``allow_rounding=True``; then the largest rounding error is reported (a
:class:`RoundingWarning`, and :func:`to_torch_with_report` returns it).  ``step`` and ``ltf``
layers are refused: PyTorch has no module with ``sgn(0) = +1`` semantics (``torch.sign(0)`` is 0),
so no module of its standard library is exactly such a layer.

torch is imported inside the functions, so exactnets works without it; a missing torch is an
:class:`~exactnets.errors.InputError` naming the extra to install.
"""

from __future__ import annotations

import warnings
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.errors import InputError
from exactnets.network import Layer, Network
from exactnets.rational import rational_from_float

__all__ = ["from_torch", "to_torch", "to_torch_with_report", "RoundingWarning"]

_ZERO = Fraction(0)
_ONE = Fraction(1)


class RoundingWarning(UserWarning):
    """Weights were rounded on request (``allow_rounding=True``); the message gives the largest error."""


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise InputError("PyTorch is not installed; install the extra with: pip install 'exactnets[torch]'") from None
    return torch


def _exact_matrix(tensor: Any, what: str) -> list[list[Fraction]]:
    array = tensor.detach().cpu().to(dtype=_torch().float64).numpy()  # every smaller float embeds exactly
    if not np.all(np.isfinite(array)):
        raise InputError(f"{what} holds a NaN or infinite value; exactnets reads finite numbers only")
    return [[rational_from_float(v) for v in row] for row in np.atleast_2d(array)]


def _flatten(module: Any, nn: Any) -> list[tuple[str, Any]]:
    if isinstance(module, nn.Sequential):
        out = []
        for name, child in module.named_children():
            out += [(f"{name}.{sub}" if sub else name, m) for sub, m in _flatten(child, nn)]
        return out
    return [("", module)]


def from_torch(module: Any) -> Network:
    """The exact network of a PyTorch ``nn.Sequential`` (or single ``nn.Linear``).

    Raises :class:`~exactnets.errors.InputError` naming the first module that is not one of
    ``Linear``, ``ReLU``, ``Hardtanh(-1, 1)``, ``Identity``, ``Flatten``, ``Dropout``.

    Examples
    --------
    >>> import torch
    >>> lin = torch.nn.Linear(2, 1)
    >>> with torch.no_grad():
    ...     _ = lin.weight.copy_(torch.tensor([[0.5, -0.25]])); _ = lin.bias.fill_(0.1)
    >>> net = from_torch(torch.nn.Sequential(lin, torch.nn.ReLU()))
    >>> net.layers[0].weights, net.layers[0].bias       # 0.1 as a float32 is 13421773 / 2^27
    (((Fraction(1, 2), Fraction(-1, 4)),), (Fraction(13421773, 134217728),))
    """
    torch = _torch()
    nn = torch.nn
    if not isinstance(module, nn.Module):
        raise InputError(f"from_torch expects a torch.nn.Module (got {type(module).__name__})")
    layers: list[Layer] = []
    input_dim: int | None = None
    A: list[list[Fraction]] | None = None  # pending affine map on the current hidden vector; None: identity
    c: list[Fraction] | None = None
    width: int | None = None  # width of the current hidden vector (None: not known yet)

    def close(activation: str, where: str) -> None:
        nonlocal A, c, width
        if A is None:
            if width is None:
                raise InputError(f"{where}: the module starts with an activation, so the input size is unknown; "
                                 f"start with an nn.Linear")
            matrix = [[_ONE if i == j else _ZERO for j in range(width)] for i in range(width)]
            bias = [_ZERO] * width
        else:
            matrix, bias = A, c
        layers.append(Layer(activation, matrix, bias, where=where))
        width = len(matrix)
        A, c = None, None

    for name, child in _flatten(module, nn):
        where = f"module {name or '(root)'} ({type(child).__name__})"
        if isinstance(child, nn.Linear):
            W = _exact_matrix(child.weight, f"{where}.weight")
            out_dim, in_dim = len(W), len(W[0])
            b = _exact_matrix(child.bias.reshape(1, -1), f"{where}.bias")[0] if child.bias is not None else [_ZERO] * out_dim
            if width is None:
                width = input_dim = in_dim
            current = len(A) if A is not None else width
            if in_dim != current:
                raise InputError(f"{where}: in_features is {in_dim} but the previous module gives {current} values")
            if A is None:
                A, c = W, b
            else:  # x -> W (A x + c) + b, exactly
                A = [[sum((w * A[k][j] for k, w in enumerate(row)), _ZERO) for j in range(len(A[0]))] for row in W]
                c = [sum((w * ck for w, ck in zip(row, c)), _ZERO) + bk for row, bk in zip(W, b)]
        elif isinstance(child, nn.ReLU):
            close("relu", where)
        elif isinstance(child, nn.Hardtanh):
            if child.min_val != -1 or child.max_val != 1:
                raise InputError(f"{where}: Hardtanh({child.min_val}, {child.max_val}) is not an exactnets activation; "
                                 f"only Hardtanh(-1, 1) is hardtanh")
            close("hardtanh", where)
        elif isinstance(child, (nn.Identity, nn.Flatten, nn.Dropout)):
            continue
        else:
            raise InputError(f"{where}: unsupported module; from_torch reads nn.Sequential of Linear, ReLU, "
                             f"Hardtanh(-1, 1), Identity, Flatten and Dropout")
    if width is None:
        raise InputError("the module has no nn.Linear; exactnets cannot tell its input size")
    if A is not None or not layers:
        if A is None:
            A = [[_ONE if i == j else _ZERO for j in range(width)] for i in range(width)]
            c = [_ZERO] * width
        layers.append(Layer("linear", A, c, where="output"))
    return Network(input_dim if input_dim is not None else width, layers)


def to_torch_with_report(net: Network, dtype: Any = None, *, allow_rounding: bool = False) -> tuple[Any, Any]:
    """Like :func:`to_torch`, and also the :class:`~exactnets.io.onnx_io.RoundingReport`."""
    from exactnets.io.onnx_io import _float_entries

    torch = _torch()
    nn = torch.nn
    dtype = torch.float64 if dtype is None else dtype
    names = {torch.float64: "float64", torch.float32: "float32"}
    if dtype not in names:
        raise InputError(f"dtype must be torch.float64 or torch.float32 (got {dtype})")
    if not isinstance(net, Network):
        raise InputError(f"expected a Network (got {type(net).__name__})")
    for i, layer in enumerate(net.layers):
        if layer.activation in ("step", "ltf"):
            raise InputError(f"layers[{i}] is a {layer.activation} layer; PyTorch has no module that equals it exactly "
                             f"(torch.sign(0) is 0, exactnets' sgn(0) is +1), so to_torch refuses it")
    arrays, report = _float_entries(net, names[dtype], allow_rounding, "pass allow_rounding=True")
    modules = []
    for layer, (W, b) in zip(net.layers, arrays):
        linear = nn.Linear(layer.in_dim, layer.out_dim, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if layer.activation == "relu":
            modules.append(nn.ReLU())
        elif layer.activation == "hardtanh":
            modules.append(nn.Hardtanh())
    if not report.exact:
        warnings.warn(report.summary(), RoundingWarning, stacklevel=3)
    return nn.Sequential(*modules), report


def to_torch(net: Network, dtype: Any = None, *, allow_rounding: bool = False) -> Any:
    """A PyTorch ``nn.Sequential`` computing ``net`` (``dtype`` torch.float64 by default, or torch.float32).

    Raises :class:`~exactnets.errors.InputError` for a weight the dtype cannot hold exactly
    (unless ``allow_rounding``: then a :class:`RoundingWarning` gives the largest error) and for
    ``step``/``ltf`` layers.

    Examples
    --------
    >>> from exactnets.network import Layer, Network
    >>> module = to_torch(Network(1, [Layer("relu", [["1/2"]], [0]), Layer("linear", [[3]], [1])]))
    >>> module
    Sequential(
      (0): Linear(in_features=1, out_features=1, bias=True)
      (1): ReLU()
      (2): Linear(in_features=1, out_features=1, bias=True)
    )
    """
    return to_torch_with_report(net, dtype, allow_rounding=allow_rounding)[0]
