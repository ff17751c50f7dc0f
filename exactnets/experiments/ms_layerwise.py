"""Malach & Shalev-Shwartz, Algorithm 1: layerwise gradient descent on a tree of neural gates,
then an exact check of the returned network (CLAIMS.md MS-Alg1, MS-Block / MS-Network).

The algorithm (MS Sec. 3).  The network mirrors a depth-``d`` tree circuit: block ``B^(i)``
(``i = d .. 1``) maps the ``2^i`` values of level ``i`` to the ``2^(i-1)`` values of level
``i - 1`` with one *neural gate* per pair, ``g(z) = phi(sum_l v_l sigma(<w_l, z>))`` (``sigma`` =
ReLU, ``phi`` = hard-tanh, width ``k``, no biases).  Starting from ``N_d = id``, for ``i = d`` down
to 1: draw ``W_0`` (entries uniform in ``[-init, init]``) and ``v in {-1, 1}`` (random, **kept
fixed**), take ``T`` gradient steps on ``W`` alone for the sample loss
``L_S(P(B_{W,V} o N_i))`` -- ``P`` is average pooling, the loss is the hinge
``max(1 - y yhat, 0)`` plus ``lambda |1 - yhat|`` -- and set ``N_{i-1} = B_{W_T, V} o N_i``.  The
ReLU's sub-gradient at 0 is 0 (MS footnote 5); so is hard-tanh's at +-1.  MS assume ``E[y] >= 0``
"w.l.o.g. (swap the labels)": when the sample has more -1 labels we train on ``-y`` and negate
the last block's ``v``, which negates the output (``phi`` is odd).

The paper's constants (``eta <= 1/(16 sqrt(2k))``, ``T > 24 n / (sqrt 2 eta Delta^3)``, ...) are
worst-case bounds; :class:`LayerwiseConfig` exposes every one of them, with defaults that train
the small trees of the claims in well under a second.

The exact part.  The trained float weights are converted to their exact binary values
(:func:`~exactnets.rational.rational_from_float`) and become an exact
:class:`~exactnets.network.Network` (ReLU and hard-tanh layers, as
:func:`~exactnets.constructions.malach_shalev_shwartz.tree_circuit_to_network` builds them, but
``k`` units per gate).  :func:`verify_tree_network` then evaluates it exactly on every point of
``{-1,1}^n`` and compares with ``h_C``: the verdict is *proved* when ``N_0(x) = h_C(x)`` exactly
(not only in sign) everywhere, or *refuted* with the first point where it is not, replayed
through the reference evaluator.  :func:`learned_gates` reads each trained neural gate's exact
outputs on its four patterns (a :class:`~exactnets.boolean.Gate` when they are all +-1): the
circuit the algorithm learned, up to MS's sign flips ``nu_j`` between levels.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.boolean.circuits import PATTERNS, Gate, LabelledDistribution, TreeCircuit, circuit_truth_table
from exactnets.domains import cube_point
from exactnets.errors import InputError
from exactnets.evaluate import evaluate, evaluate_cube
from exactnets.network import Layer, Network
from exactnets.rational import rational_from_float
from exactnets.verify.verdict import Verdict, proved, refuted

__all__ = [
    "LayerwiseConfig",
    "TrainedTree",
    "LayerwiseResult",
    "sample_product",
    "sample_distribution",
    "train_layerwise",
    "forward",
    "trained_network",
    "learned_gates",
    "verify_tree_network",
    "run_algorithm1",
    "describe",
    "population_gradient",
]


@dataclasses.dataclass(frozen=True)
class LayerwiseConfig:
    """Hyperparameters of Algorithm 1 (floats: these steer a float optimiser, they are not results).

    ``width`` is MS's ``k``; ``steps`` is ``T`` per layer; ``learning_rate`` is ``eta``;
    ``init_scale`` bounds ``|W_0|`` entrywise (default ``1/(4 sqrt(2k))``, MS Thm 2);
    ``lam`` is the regulariser's ``lambda`` (default: the sample's ``|mean y| + delta/4``, MS's
    ``E[y] + Delta/4`` with ``Delta = delta``); ``seed`` fixes initialisation.
    """

    width: int = 32
    steps: int = 2000
    learning_rate: float = 0.05
    init_scale: float | None = None
    lam: float | None = None
    delta: float = 0.1
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.width, bool) or not isinstance(self.width, int) or self.width < 1:
            raise InputError(f"width must be a positive integer (got {self.width!r})")
        if isinstance(self.steps, bool) or not isinstance(self.steps, int) or self.steps < 0:
            raise InputError(f"steps must be a non-negative integer (got {self.steps!r})")
        if not self.learning_rate > 0:
            raise InputError(f"learning_rate must be positive (got {self.learning_rate!r})")


@dataclasses.dataclass(frozen=True)
class TrainedTree:
    """What Algorithm 1 returns: per block, top first, ``weights[i]`` of shape ``(2^i, k, 2)``
    (the ``w_l`` of the ``2^i`` gates of circuit level ``i``) and ``signs[i]`` of shape ``(2^i, k)``
    (the fixed ``v``); ``flipped`` is True when the labels were swapped (then ``signs[0]`` is
    already negated); ``losses[i]`` is block ``i``'s sample loss after training."""

    depth: int
    weights: tuple[np.ndarray, ...]
    signs: tuple[np.ndarray, ...]
    flipped: bool
    losses: tuple[float, ...]


@dataclasses.dataclass(frozen=True)
class LayerwiseResult:
    """A run of Algorithm 1 and its exact check against the target circuit."""

    circuit: TreeCircuit
    tree: TrainedTree
    network: Network
    verdict: Verdict
    gates: tuple[tuple[Gate | None, ...], ...]
    sample_size: int
    train_error: float


def _cube_index(x: np.ndarray) -> np.ndarray:
    """Row indices in THE cube order of +-1 rows (bit ``n-1-j`` of the index is ``x_j = -1``)."""
    n = x.shape[1]
    weights = (1 << np.arange(n - 1, -1, -1)).astype(np.int64)
    return (x == -1).astype(np.int64) @ weights


def sample_product(circuit: TreeCircuit, p: Sequence[object], size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``size`` draws of ``(x, h_C(x))`` with ``x`` from the product distribution ``P[x_i = +1] = p_i``.

    ``p`` holds exact rationals (``"3/5"``); sampling uses their float values (a float proposes).
    """
    from exactnets.boolean.product import check_probabilities

    probabilities = np.array([float(q) for q in check_probabilities(p, circuit.n)])
    x = np.where(rng.random((size, circuit.n)) < probabilities, 1, -1).astype(np.int8)
    y = circuit_truth_table(circuit).values.astype(np.int8)[_cube_index(x)]
    return x, y


def sample_distribution(distribution: LabelledDistribution, size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``size`` draws of ``(x, y)`` from an exact :class:`LabelledDistribution` (e.g. MS's generative model)."""
    items = list(distribution.probabilities.items())
    weights = np.array([float(q) for _, q in items])
    picks = rng.choice(len(items), size=size, p=weights / weights.sum())
    x = np.array([items[k][0][0] for k in picks], dtype=np.int8).reshape(size, distribution.dim)
    y = np.array([items[k][0][1] for k in picks], dtype=np.int8)
    return x, y


def _block(z: np.ndarray, w: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One block on a batch: inputs ``(m, 2G)`` -> pairs, pre-activations, sums, gate outputs ``(m, G)``."""
    pairs = z.reshape(z.shape[0], -1, 2)  # (m, G, 2)
    pre = pairs[:, :, None, 0] * w[None, :, :, 0] + pairs[:, :, None, 1] * w[None, :, :, 1]  # (m, G, k)
    s = (np.maximum(pre, 0.0) * v[None, :, :]).sum(axis=2)
    return pairs, pre, s, np.clip(s, -1.0, 1.0)


def _loss(out: np.ndarray, y: np.ndarray, lam: float, counts: np.ndarray | None = None) -> float:
    yhat = out.mean(axis=1)
    losses = np.maximum(1 - y * yhat, 0) + lam * np.abs(1 - yhat)
    return float(np.average(losses, weights=counts))


def _distinct(z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct rows of ``(z, y)`` and their multiplicities.

    Equal examples have equal gradients, so full-batch gradient descent on the sample is the same
    computation on the distinct rows weighted by their counts -- only faster (``2^n`` rows at most).
    """
    rows, counts = np.unique(np.column_stack([z, y]), axis=0, return_counts=True)
    return rows[:, :-1], rows[:, -1], counts.astype(np.float64)


def _train_block(z: np.ndarray, y: np.ndarray, w: np.ndarray, v: np.ndarray, lam: float, eta: float, steps: int) -> np.ndarray:
    """``steps`` full-batch gradient steps on ``w`` for ``L_S(P(B_{w,v}(z)))`` (sub-gradients 0 at kinks)."""
    z, y, counts = _distinct(z, y)
    scale = counts / counts.sum() / w.shape[0]  # the sample mean, and P's 1/G
    for _ in range(steps):
        pairs, pre, s, out = _block(z, w, v)
        yhat = out.mean(axis=1)
        # d/dyhat of max(1 - y yhat, 0) + lam |1 - yhat|, with sign(0) = 0 for both kinks.
        upstream = -y * (1 - y * yhat > 0) - lam * np.sign(1 - yhat)
        d_s = (upstream * scale)[:, None] * (np.abs(s) < 1)  # through P and hard-tanh
        d_pre = d_s[:, :, None] * v[None, :, :] * (pre > 0)  # through v and ReLU
        gradient = np.stack([(d_pre * pairs[:, :, None, 0]).sum(axis=0), (d_pre * pairs[:, :, None, 1]).sum(axis=0)], axis=2)
        w = w - eta * gradient
    return w


def forward(tree: TrainedTree, x: np.ndarray, levels: int | None = None) -> np.ndarray:
    """The float network on a batch: all blocks (``levels=None``) or the bottom ``levels`` of them."""
    z = np.asarray(x, dtype=np.float64)
    for i in range(tree.depth - 1, tree.depth - 1 - (tree.depth if levels is None else levels), -1):
        z = _block(z, tree.weights[i], tree.signs[i])[3]
    return z


def train_layerwise(x: np.ndarray, y: np.ndarray, depth: int, config: LayerwiseConfig = LayerwiseConfig()) -> TrainedTree:
    """Algorithm 1 of Malach & Shalev-Shwartz on the sample ``(x, y)`` (+-1 arrays), bottom block first."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2**depth or y.shape != (x.shape[0],):
        raise InputError(f"expected x of shape (m, {2 ** depth}) and y of shape (m,) (got {x.shape} and {y.shape})")
    flipped = bool(y.mean() < 0)
    if flipped:
        y = -y  # MS: w.l.o.g. E[y] >= 0
    k = config.width
    init = config.init_scale if config.init_scale is not None else 1 / (4 * math.sqrt(2 * k))
    lam = config.lam if config.lam is not None else float(y.mean()) + config.delta / 4
    rng = np.random.default_rng(config.seed)
    weights: list[np.ndarray] = [np.empty(0)] * depth
    signs: list[np.ndarray] = [np.empty(0)] * depth
    losses: list[float] = [0.0] * depth
    z = x
    for i in range(depth - 1, -1, -1):  # circuit level i = MS's block B^(i+1)
        gates = 2**i
        w0 = rng.uniform(-init, init, size=(gates, k, 2))
        v = rng.choice([-1.0, 1.0], size=(gates, k))
        w = _train_block(z, y, w0, v, lam, config.learning_rate, config.steps)
        weights[i], signs[i] = w, v
        z = _block(z, w, v)[3]
        losses[i] = _loss(z, y, lam)
    if flipped:
        signs[0] = -signs[0]
    return TrainedTree(depth, tuple(weights), tuple(signs), flipped, tuple(losses))


def trained_network(tree: TrainedTree) -> Network:
    """The returned network ``N_0`` with every weight at its exact binary value (no rounding).

    Block by block from the bottom: a ReLU layer (``k`` units per gate, each reading its gate's
    two inputs) and a hard-tanh layer (one unit per gate, weights ``v``); no biases (MS Sec. 3).
    """
    layers: list[Layer] = []
    width = 2**tree.depth
    zero = Fraction(0)
    for i in range(tree.depth - 1, -1, -1):
        w, v = tree.weights[i], tree.signs[i]
        gates, k = v.shape
        relu_rows, out_rows = [], []
        for j in range(gates):
            for l in range(k):
                row = [zero] * width
                row[2 * j] = rational_from_float(w[j, l, 0])
                row[2 * j + 1] = rational_from_float(w[j, l, 1])
                relu_rows.append(row)
            out = [zero] * (gates * k)
            out[j * k: (j + 1) * k] = [Fraction(int(s)) for s in v[j]]
            out_rows.append(out)
        layers.append(Layer("relu", relu_rows, [0] * len(relu_rows)))
        layers.append(Layer("hardtanh", out_rows, [0] * gates))
        width = gates
    return Network(2**tree.depth, layers, name=f"MS Algorithm 1: trained tree of depth {tree.depth}",
                   meta={"paper": "MS", "claim": "MS-Alg1", "flipped": tree.flipped})


def _gate_output(w: np.ndarray, v: np.ndarray, pattern: tuple[int, int]) -> Fraction:
    """``phi(sum_l v_l sigma(<w_l, p>))`` exactly, the weights at their exact binary values."""
    total = Fraction(0)
    for l in range(len(v)):
        pre = rational_from_float(w[l, 0]) * pattern[0] + rational_from_float(w[l, 1]) * pattern[1]
        if pre > 0:
            total += int(v[l]) * pre
    return max(Fraction(-1), min(Fraction(1), total))


def learned_gates(tree: TrainedTree) -> tuple[tuple[Gate | None, ...], ...]:
    """Each trained neural gate's exact outputs on the four patterns, as a Gate (``None`` if some output is not +-1).

    Indexed like ``TreeCircuit.levels`` (level 0 = the output gate).
    """
    out = []
    for i in range(tree.depth):
        level = []
        for j in range(2**i):
            values = [_gate_output(tree.weights[i][j], tree.signs[i][j], p) for p in PATTERNS]
            level.append(Gate(int(v) for v in values) if all(abs(v) == 1 for v in values) else None)
        out.append(tuple(level))
    return tuple(out)


def verify_tree_network(network: Network, circuit: TreeCircuit) -> Verdict:
    """Exact enumeration of ``{-1,1}^n``: proved iff ``network(x) = h_C(x)`` exactly at every point.

    A refutation carries the first point where they differ, replayed through the single-point
    exact evaluator.
    """
    if not isinstance(circuit, TreeCircuit):
        raise InputError(f"expected a TreeCircuit (got {type(circuit).__name__})")
    if network.input_dim != circuit.n or network.output_dim != 1:
        raise InputError(f"the network must map {{-1,1}}^{circuit.n} to one output (got {network.input_dim} -> {network.output_dim})")
    batch = evaluate_cube(network)
    target = circuit_truth_table(circuit).values.astype(np.int64)
    numerators = np.array([int(v) for v in batch.numerators[:, 0]], dtype=object)
    wrong = np.nonzero(numerators != target.astype(object) * batch.denominator)[0]
    if len(wrong):
        point = cube_point(circuit.n, int(wrong[0]))
        value = evaluate(network, point)[0]  # replay
        if value == target[wrong[0]]:
            raise AssertionError("batch and single-point exact evaluation disagree")  # never expected
        sign_errors = int(np.sum((numerators >= 0) != (target >= 0)))
        return refuted(point, reason=f"N(x) = {value}, h_C(x) = {int(target[wrong[0]])}; {len(wrong)} of {len(target)} "
                       f"points differ ({sign_errors} in sign)", wrong=len(wrong), sign_errors=sign_errors)
    return proved(f"exact evaluation at all {len(target)} points of {{-1,1}}^{circuit.n}: N(x) = h_C(x)", points=len(target))


def run_algorithm1(circuit: TreeCircuit, sample: tuple[np.ndarray, np.ndarray],
                   config: LayerwiseConfig = LayerwiseConfig()) -> LayerwiseResult:
    """Train on ``sample`` (see :func:`sample_product`, :func:`sample_distribution`), convert exactly, verify against ``circuit``."""
    x, y = sample
    tree = train_layerwise(x, y, circuit.depth, config)
    net = trained_network(tree)
    verdict = verify_tree_network(net, circuit)
    error = float(np.mean(np.where(forward(tree, x)[:, 0] >= 0, 1, -1) != y))
    return LayerwiseResult(circuit, tree, net, verdict, learned_gates(tree), len(y), error)


def describe(result: LayerwiseResult) -> dict[str, Any]:
    """A JSON-able summary: target and learned gates, the verdict, training error."""
    return {"target": [[g.name for g in level] for level in result.circuit.levels],
            "learned": [[g.name if g is not None else None for g in level] for level in result.gates],
            "verdict": result.verdict.status, "sample_size": result.sample_size,
            "train_error": result.train_error, "flipped": result.tree.flipped}


def population_gradient(distribution: LabelledDistribution, weights: Sequence[Sequence[Sequence[object]]],
                        signs: Sequence[Sequence[int]], lam: object) -> tuple[tuple[tuple[Fraction, Fraction], ...], ...]:
    """The exact gradient of ``L_D(P(B_{W,V}))`` in ``W`` for an exact distribution of a block's inputs.

    ``distribution`` is on ``{-1,1}^(2G) x {-1,1}`` (MS's ``D^(i)``, the values of level ``i`` and
    the label); ``weights[j][l]`` is ``w_l`` of gate ``j`` (two exact rationals), ``signs[j][l]``
    its ``v_l = +-1``; the loss is MS's hinge plus ``lam |1 - yhat|``.  Sub-gradients are 0 at
    every kink (ReLU at 0, hard-tanh at +-1, both loss terms), as in :func:`train_layerwise`.
    Returns ``grad[j][l] = (d/dw_{l,1}, d/dw_{l,2})``.  Used to check MS Lemma 15 exactly.
    """
    from exactnets.rational import as_rational

    lam = as_rational(lam, what="lambda")
    w = [[tuple(as_rational(c, what="weight") for c in unit) for unit in gate] for gate in weights]
    gates = len(w)
    if distribution.dim != 2 * gates:
        raise InputError(f"the block has {gates} gates and reads {2 * gates} values; the distribution has {distribution.dim}")
    grad = [[[Fraction(0), Fraction(0)] for _ in gate] for gate in w]
    for (z, y), q in distribution.probabilities.items():
        parts, outputs = [], []
        for j in range(gates):
            pair = (z[2 * j], z[2 * j + 1])
            pre = [unit[0] * pair[0] + unit[1] * pair[1] for unit in w[j]]
            s = sum((int(signs[j][l]) * max(t, Fraction(0)) for l, t in enumerate(pre)), Fraction(0))
            parts.append((pair, pre, s))
            outputs.append(max(Fraction(-1), min(Fraction(1), s)))
        yhat = sum(outputs, Fraction(0)) / gates
        slack = 1 - yhat
        upstream = (-y if 1 - y * yhat > 0 else 0) - lam * ((slack > 0) - (slack < 0))
        for j, (pair, pre, s) in enumerate(parts):
            if not -1 < s < 1:
                continue
            for l, t in enumerate(pre):
                if t > 0:
                    c = q * upstream * int(signs[j][l]) / gates
                    grad[j][l][0] += c * pair[0]
                    grad[j][l][1] += c * pair[1]
    return tuple(tuple((g[0], g[1]) for g in gate) for gate in grad)
