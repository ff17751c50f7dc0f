"""Files in and out: JSON networks (``exactnets.network/1``), polytopes, and CSV data sets.

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

__all__ = [
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
