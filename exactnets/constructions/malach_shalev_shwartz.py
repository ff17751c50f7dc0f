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
* :func:`generative_distributions` -- MS Sec. 5.2's generative model for a tree of AND / OR /
  NAND / NOR gates: ``D^(0), ..., D^(d)`` with exact probabilities (CLAIMS.md MS-GenModel), and
  :func:`generative_probability`, the same probabilities in closed form (a cross-check);
  :func:`lemma8_recursion`, the four maps ``p+ -> p+'`` of the proof of Lemma 8 as corrected.
"""

from __future__ import annotations

from fractions import Fraction

from collections.abc import Sequence

from exactnets.boolean.circuits import PATTERNS, Gate, LabelledDistribution, TreeCircuit, node_values
from exactnets.errors import InputError
from exactnets.network import Layer, Network

__all__ = ["neural_gate", "neural_gate_weights", "tree_circuit_to_network", "GENERATIVE_GATES",
           "generative_distributions", "generative_probability", "lemma8_recursion"]

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


# -- Sec. 5.2: the generative model --------------------------------------------------------------

#: The gates of MS Sec. 5.2 (AND, OR, NAND, NOR), by name.
GENERATIVE_GATES = {"AND": Gate.and_(), "OR": Gate.or_(), "NAND": Gate.nand(), "NOR": Gate.nor()}


def _pattern_sets(gate: Gate) -> dict[int, tuple[tuple[int, int], ...]]:
    """``{+1: S_gamma, -1: S_gamma^c}``: the patterns on which the gate outputs +1, resp. -1."""
    return {v: tuple(p for p in PATTERNS if gate(*p) == v) for v in (1, -1)}


def _generative_circuit(circuit: TreeCircuit) -> TreeCircuit:
    if not isinstance(circuit, TreeCircuit):
        raise InputError(f"expected a TreeCircuit (got {type(circuit).__name__})")
    allowed = set(GENERATIVE_GATES.values())
    for i, level in enumerate(circuit.levels):
        for j, gate in enumerate(level):
            if gate not in allowed:
                raise InputError(f"MS's generative model (Sec. 5.2) takes AND, OR, NAND and NOR gates; "
                                 f"gamma_{{{i},{j + 1}}} is {gate.name}")
    return circuit


def generative_distributions(circuit: TreeCircuit) -> tuple[LabelledDistribution, ...]:
    """``(D^(0), ..., D^(d))`` of Malach & Shalev-Shwartz Sec. 5.2, exactly (CLAIMS.md MS-GenModel).

    ``D^(0)`` is uniform on ``(z, y) in {(1, 1), (-1, -1)}``.  ``D^(i)`` draws ``(z, y)`` from
    ``D^(i-1)`` and, for each node ``j`` of level ``i - 1``, a pattern uniformly from ``S_gamma``
    if ``z_j = 1`` and from the complement ``S_gamma^c`` otherwise (the seed prints
    ``U(S_gamma)`` twice; the complement is meant), ``gamma = gamma_{i-1,j}``; the patterns are
    concatenated.  ``D^(d)`` is the distribution on ``(x, y)``.  Gates: AND, OR, NAND, NOR.

    >>> from exactnets.boolean import Gate
    >>> top, bottom = generative_distributions(TreeCircuit(1, [[Gate.or_()]]))
    >>> bottom.probabilities[((1, 1), 1)], bottom.probabilities[((-1, -1), -1)]
    (Fraction(1, 6), Fraction(1, 2))
    """
    circuit = _generative_circuit(circuit)
    half = Fraction(1, 2)
    levels = [LabelledDistribution(1, {((1,), 1): half, ((-1,), -1): half})]
    for i in range(1, circuit.depth + 1):
        sets = [_pattern_sets(g) for g in circuit.levels[i - 1]]
        table: dict[tuple[tuple[int, ...], int], Fraction] = {}
        for (z, y), q in levels[-1].probabilities.items():
            partial: list[tuple[tuple[int, ...], Fraction]] = [((), q)]
            for j, value in enumerate(z):
                choices = sets[j][value]
                share = Fraction(1, len(choices))
                partial = [(x + p, w * share) for x, w in partial for p in choices]
            for x, w in partial:
                table[(x, y)] = table.get((x, y), Fraction(0)) + w
        levels.append(LabelledDistribution(2**i, table))
    return tuple(levels)


def generative_probability(circuit: TreeCircuit, x: Sequence[int], y: int) -> Fraction:
    """``P_{D^(d)}[(x, y)]`` in closed form: ``1/2 * prod_gates 1/|S_gamma^(v)|`` if ``y = h_C(x)``, else 0.

    Evaluating the tree bottom-up fixes every node's value ``v``; the generative model chose,
    top-down, exactly those patterns, each uniformly among the ``|S^(v)|`` patterns with that
    output.  An independent route to the numbers of :func:`generative_distributions`.
    """
    circuit = _generative_circuit(circuit)
    values = node_values(circuit, x)
    if values[0][0] != y:
        return Fraction(0)
    probability = Fraction(1, 2)
    for i, level in enumerate(circuit.levels):
        for j, gate in enumerate(level):
            probability /= len(_pattern_sets(gate)[values[i][j]])
    return probability


def lemma8_recursion(gate: Gate | int | str, p: object) -> Fraction:
    """``P[x_j = 1 | y]`` at level ``i`` from ``p = P[z_{ceil(j/2)} = 1 | y]`` at level ``i - 1`` (proof of MS Lemma 8).

    AND: ``(2/3) p + 1/3``; OR: ``(2/3) p``; NAND: ``1 - (2/3) p``; NOR: ``2/3 - (2/3) p`` -- the
    same for either input of the gate.  (The seed prints ``(2/3) p - 1/3`` for AND and labels the
    NOR case "or"; CLAIMS.md MS-GenModel.)  Each map has slope +-2/3, so
    ``|p+ - p-|`` shrinks by exactly 2/3 per level.
    """
    from exactnets.rational import as_rational

    g = GENERATIVE_GATES.get(gate) if isinstance(gate, str) else _gate(gate)
    if g is None or g not in GENERATIVE_GATES.values():
        raise InputError(f"Lemma 8 covers AND, OR, NAND and NOR gates (got {gate!r})")
    q = as_rational(p, what="p")
    third = Fraction(1, 3)
    return {Gate.and_(): 2 * third * q + third, Gate.or_(): 2 * third * q,
            Gate.nand(): 1 - 2 * third * q, Gate.nor(): 2 * third - 2 * third * q}[g]
