"""Files in and out: JSON networks (``exactnets.network/1``), ONNX networks, VNN-LIB properties,
PyTorch modules (optional), polytopes, and CSV data sets.

:func:`load_network` reads a network from a ``.json`` or ``.onnx`` file, whichever it is.

Every reader raises :class:`~exactnets.errors.FileFormatError` naming the file and the place of
the problem; every writer writes exact numbers (integers and ``"p/q"``), so a round trip gives
back an equal value.
"""

from __future__ import annotations

from exactnets.io.polytope_json import POLYTOPE_FORMAT, dumps_polytope, loads_polytope, read_polytope, write_polytope
from exactnets.io.dataset_csv import dumps_dataset, loads_dataset, read_dataset, write_dataset
from exactnets.io.network_json import (
    NETWORK_FORMAT,
    dumps_network,
    loads_network,
    network_from_json,
    network_to_json,
    read_network,
    write_network,
)
from exactnets.io.loader import load_network, save_network
from exactnets.io.onnx_io import RoundingReport, network_to_onnx, onnx_to_network, read_onnx, write_onnx
from exactnets.io.vnnlib import VnnlibProperty, read_vnnlib, parse_vnnlib
from exactnets.io.torch_io import from_torch, to_torch

__all__ = [
    "load_network",
    "save_network",
    "read_onnx",
    "write_onnx",
    "onnx_to_network",
    "network_to_onnx",
    "RoundingReport",
    "read_vnnlib",
    "parse_vnnlib",
    "VnnlibProperty",
    "from_torch",
    "to_torch",
    "NETWORK_FORMAT",
    "read_network",
    "write_network",
    "loads_network",
    "dumps_network",
    "network_to_json",
    "network_from_json",
    "read_dataset",
    "write_dataset",
    "loads_dataset",
    "dumps_dataset",
    "POLYTOPE_FORMAT",
    "read_polytope",
    "write_polytope",
    "loads_polytope",
    "dumps_polytope",
]
