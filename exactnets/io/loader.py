"""One door for network files: :func:`load_network` picks the reader by the file's suffix.

``.json`` -> :func:`exactnets.io.network_json.read_network` (``exactnets.network/1``);
``.onnx`` -> :func:`exactnets.io.onnx_io.read_onnx` (every float weight at its exact binary value).
:func:`save_network` writes by suffix the same way.
"""

from __future__ import annotations

import os
from typing import Any

from exactnets.errors import InputError
from exactnets.network import Network

__all__ = ["load_network", "save_network", "NETWORK_SUFFIXES"]

#: The suffixes :func:`load_network` and :func:`save_network` understand.
NETWORK_SUFFIXES = (".json", ".onnx")


def _suffix(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in NETWORK_SUFFIXES:
        shown = suffix or "no suffix"
        raise InputError(f"{path}: cannot tell the file format from {shown!r}; network files end in .json "
                         f"(exactnets.network/1) or .onnx")
    return suffix


def load_network(path: str | os.PathLike[str], *, round_decimals: int | None = None) -> Network:
    """Read a network from a ``.json`` or ``.onnx`` file, exactly.

    ``round_decimals`` (ONNX only) rounds each stored float to that many decimals first; see
    :func:`exactnets.io.onnx_io.onnx_to_network`.

    >>> import pathlib, tempfile
    >>> from exactnets.network import Layer, Network
    >>> from exactnets.io import write_network
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.json"
    >>> write_network(Network(1, [Layer("relu", [[2]], [0])]), path)
    >>> load_network(path)
    Network(1 -> 1, activations=['relu'])
    """
    source = os.fspath(path)
    suffix = _suffix(source)
    if suffix == ".onnx":
        from exactnets.io.onnx_io import read_onnx

        return read_onnx(source, round_decimals=round_decimals)
    if round_decimals is not None:
        raise InputError(f"{source}: rounding decimals applies to ONNX files (JSON numbers are read exactly as written)")
    from exactnets.io.network_json import read_network

    return read_network(source)


def save_network(net: Network, path: str | os.PathLike[str], *, dtype: str = "float64",
                 allow_rounding: bool = False) -> Any:
    """Write ``net`` to a ``.json`` or ``.onnx`` file.

    Returns ``None`` for JSON (always exact) and the
    :class:`~exactnets.io.onnx_io.RoundingReport` for ONNX (``dtype`` and ``allow_rounding`` as in
    :func:`exactnets.io.onnx_io.write_onnx`).
    """
    target = os.fspath(path)
    if _suffix(target) == ".onnx":
        from exactnets.io.onnx_io import write_onnx

        return write_onnx(net, target, dtype=dtype, allow_rounding=allow_rounding)
    from exactnets.io.network_json import write_network

    write_network(net, target)
    return None
