"""Constructions of Malach & Shalev-Shwartz, *Learning Boolean Circuits with Neural Networks*
(arXiv 1910.11923v2; shared/papers/001_099aaa27f8f1c26d.txt; CLAIMS.md section 3).

* :func:`neural_gate` -- the width-4 neural gate ``g(x) = phi(sum_l v_l sigma(<w_l, x>))``
  (``sigma`` = ReLU, ``phi`` = hard-tanh, **no biases**) that implements a given gate
  ``gamma: {-1,1}^2 -> {-1,1}`` (MS Sec. 3, "width 4 suffices"; the explicit weights are derived
  in CLAIMS.md MS-NeuralGate): one neuron per pattern ``p``, ``w_p = p/2``, ``v_p = gamma(p)``.
  On the cube ``<p/2, x>`` is 1 if ``x = p``, 0 if ``x`` is orthogonal to ``p`` and -1 if
  ``x = -p``, so ``sigma(<w_p, x>) = 1[x = p]`` and ``g(x) = phi(gamma(x)) = gamma(x)``.
* :func:`tree_circuit_to_network` -- a tree circuit (:class:`~exactnets.boolean.TreeCircuit`)
  as the network ``N = B^(1) o ... o B^(d)`` of neural-gate blocks (MS-Block / MS-Network):
  ``d`` pairs of layers ReLU (``4 * 2^i`` units) then hard-tanh (``2^i`` units), exact on
  ``{-1,1}^n``.  (The seed's sum "``sum_l v_i sigma(...)``" means ``v_l``.)
"""

from __future__ import annotations

from fractions import Fraction

from exactnets.boolean.circuits import PATTERNS, Gate, TreeCircuit
from exactnets.errors import InputError
from exactnets.network import Layer, Network

__all__ = ["neural_gate", "neural_gate_weights", "tree_circuit_to_network"]

_HALF = Fraction(1, 2)


def _gate(gate: Gate | int) -> Gate:
    if isinstance(gate, Gate):
        return gate
    if isinstance(gate, int) and not isinstance(gate, bool):
        return Gate.from_code(gate)
    raise InputError(f"a gate is a Gate or a code 0..15 (got {gate!r})")


def neural_gate_weights(gate: Gate | int) -> tuple[tuple[tuple[Fraction, Fraction], ...], tuple[int, ...]]:
    """``(w, v)``: the four first-layer weight vectors ``w_p = p/2`` and output weights ``v_p = gamma(p)``."""
    g = _gate(gate)
    return tuple((p1 * _HALF, p2 * _HALF) for p1, p2 in PATTERNS), tuple(g.values)


def neural_gate(gate: Gate | int) -> Network:
    """The width-4, bias-free neural gate computing ``gate`` on ``{-1,1}^2`` (MS Sec. 3; CLAIMS.md MS-NeuralGate).

    >>> from exactnets.evaluate import evaluate
    >>> net = neural_gate(Gate.xor())
    >>> [int(evaluate(net, x)[0]) for x in [(1, 1), (1, -1), (-1, 1), (-1, -1)]]
    [1, -1, -1, 1]
    """
    w, v = neural_gate_weights(gate)
    return Network(2, [Layer("relu", [list(r) for r in w], [0] * 4), Layer("hardtanh", [list(v)], [0])],
                   name=f"MS neural gate: {_gate(gate).name}")


def tree_circuit_to_network(circuit: TreeCircuit) -> Network:
    """The network of neural gates computing ``h_C`` on ``{-1,1}^(2^d)`` (MS Sec. 3, MS-Network).

    Level ``i = d-1, ..., 0`` of the circuit becomes a ReLU layer (4 units per gate, reading
    that gate's two inputs) followed by a hard-tanh layer (one unit per gate); no biases.
    """
    if not isinstance(circuit, TreeCircuit):
        raise InputError(f"expected a TreeCircuit (got {type(circuit).__name__})")
    layers: list[Layer] = []
    width = circuit.n
    for i in range(circuit.depth - 1, -1, -1):
        gates = circuit.levels[i]
        relu_rows, out_rows = [], []
        for j, gate in enumerate(gates):
            w, v = neural_gate_weights(gate)
            for l in range(4):
                row = [Fraction(0)] * width
                row[2 * j], row[2 * j + 1] = w[l]
                relu_rows.append(row)
            out = [Fraction(0)] * (4 * len(gates))
            out[4 * j: 4 * j + 4] = [Fraction(x) for x in v]
            out_rows.append(out)
        layers.append(Layer("relu", relu_rows, [0] * len(relu_rows)))
        layers.append(Layer("hardtanh", out_rows, [0] * len(out_rows)))
        width = len(gates)
    return Network(circuit.n, layers, name=f"MS tree circuit of depth {circuit.depth} as neural gates")
