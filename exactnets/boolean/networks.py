"""The Boolean function a network decides on the cube."""

from __future__ import annotations

from exactnets.boolean.truth_table import TruthTable
from exactnets.errors import ShapeError
from exactnets.evaluate import iter_cube_chunks
from exactnets.network import Network

import numpy as np

__all__ = ["network_truth_table"]


def network_truth_table(net: Network, kind: str = "pm1", *, output: int = 0) -> TruthTable:
    """``sgn(net_output(x))`` at every cube point, with sgn(0) = +1 (the papers' convention).

    ``kind="01"`` evaluates the network on ``{0,1}^n``; the table is still indexed in the order
    of :mod:`exactnets.domains` (index ``i`` is the point with bits of ``i``).

    >>> from exactnets.network import Layer, Network
    >>> and_gate = Network(2, [Layer("ltf", [[1, 1]], [-1])])
    >>> network_truth_table(and_gate).values.tolist()
    [1, -1, -1, -1]
    """
    if not 0 <= output < net.output_dim:
        raise ShapeError(f"output {output} is out of range 0..{net.output_dim - 1}")
    parts = [np.where(numerators[:, output] >= 0, 1, -1).astype(np.int8)
             for _, numerators, _ in iter_cube_chunks(net, kind)]
    return TruthTable(net.input_dim, np.concatenate(parts))
