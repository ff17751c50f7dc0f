"""The training problem, its exact objective, and the convex subproblem of one pattern tuple.

Model (CLAIMS.md, ABMM-Thm4.1): ``f(x) = sum_{i<w} s_i * relu(a_i.x + b_i)`` (``+ c`` with
``output_bias``), ``s_i`` in ``{+1, -1}``.  By symmetry the positive units come first: a sign
vector is fixed by ``q``, the number of positive units (units ``0 .. q-1`` have ``s = +1``).

Losses (``mean`` over the ``D`` points, except ``linf``):

=========  ==============================================
squared    ``(1/D) sum_j (f(x_j) - y_j)^2``
l1         ``(1/D) sum_j |f(x_j) - y_j|``
linf       ``max_j |f(x_j) - y_j|``
hinge      ``(1/D) sum_j max(0, 1 - y_j f(x_j))``, labels ``+-1``
=========  ==============================================

The subproblem of a *node* ``(q, P_1 .. P_w)``, where the ``P_i`` are patterns (bit strings) of
the first ``k`` points in the search order, minimises the loss terms of those ``k`` points (still
divided by ``D``) over weights with ``a_i.x_j + b_i >= 0`` where ``P_i[j] = '1'`` and ``<= 0``
where it is ``'0'``.  Every loss term is non-negative and the constraints of a longer prefix
include those of a shorter one, so a node's optimum is a lower bound for every completion of it;
at ``k = D`` it is the exact loss of the best network with those patterns (closed constraints:
a point on a unit's hyperplane contributes 0 either way).

The LP of a node (``l1``, ``linf``, ``hinge``) is laid out as ``min c.x s.t. G x >= h``:
columns are the unit weights ``(a_i, b_i)`` (``n+1`` each, free), then ``c`` (free, with an
output bias), then the loss variables (``>= 0``): one per point for ``l1``/``hinge``, one ``t``
for ``linf``.  Rows are, for each prefix point ``j`` in order, the loss rows (``l1``/``linf``:
``e - f_j >= -y_j`` and ``e + f_j >= y_j``; ``hinge``: ``e_j + y_j f_j >= 1``), then for each unit
``i`` and point ``j`` the pattern row ``+-(a_i.x_j + b_i) >= 0``.  :mod:`exactnets.train.certificate`
rebuilds exactly this LP to re-check a stored dual vector.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.dataset import Dataset
from exactnets.errors import InputError
from exactnets.network import Layer, Network
from exactnets.rational import as_rational
from exactnets.train.exact import LP

__all__ = ["LOSSES", "TrainProblem", "build_network", "network_units", "exact_objective", "predictions",
           "loss_of_predictions", "node_lp", "node_dense", "search_order"]

LOSSES = ("squared", "l1", "linf", "hinge")
_ZERO = Fraction(0)
_ONE = Fraction(1)


@dataclasses.dataclass(frozen=True)
class TrainProblem:
    """A training problem with exact data: points, labels, width, loss, options.

    ``weight_decay`` is lambda of the regulariser ``(lambda/2) sum_i (|u_i|^2 + v_i^2)`` (issue 7);
    only the convex method (:mod:`exactnets.train.convex`) handles it.
    """

    points: tuple[tuple[Fraction, ...], ...]
    labels: tuple[Fraction, ...]
    width: int
    loss: str
    output_bias: bool = False
    weight_decay: Fraction = _ZERO

    def __init__(self, points: Sequence[Sequence[Any]], labels: Sequence[Any], width: int, loss: str = "l1",
                 output_bias: bool = False, weight_decay: Any = 0):
        pts = tuple(tuple(as_rational(v, what=f"points[{i}]") for v in p) for i, p in enumerate(points))
        ys = tuple(as_rational(v, what=f"labels[{i}]") for i, v in enumerate(labels))
        if not pts:
            raise InputError("the data set has no points (D = 0); training needs at least one")
        if len(pts) != len(ys):
            raise InputError(f"{len(pts)} points but {len(ys)} labels")
        dims = {len(p) for p in pts}
        if len(dims) != 1:
            raise InputError("every point needs the same number of coordinates")
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise InputError(f"width must be a positive integer (got {width!r})")
        if loss not in LOSSES:
            raise InputError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)}")
        if loss == "hinge":
            for i, y in enumerate(ys):
                if y not in (1, -1):
                    raise InputError(f"labels[{i}] is {y}; the hinge loss needs labels +1 or -1")
        decay = as_rational(weight_decay, what="weight_decay")
        if decay < 0:
            raise InputError(f"weight_decay must be >= 0 (got {decay})")
        object.__setattr__(self, "points", pts)
        object.__setattr__(self, "labels", ys)
        object.__setattr__(self, "width", width)
        object.__setattr__(self, "loss", loss)
        object.__setattr__(self, "output_bias", bool(output_bias))
        object.__setattr__(self, "weight_decay", decay)

    @classmethod
    def from_dataset(cls, data: Dataset, width: int, loss: str = "l1", output_bias: bool = False,
                     weight_decay: Any = 0) -> "TrainProblem":
        return cls(data.points, data.labels, width, loss, output_bias, weight_decay)

    @property
    def size(self) -> int:
        return len(self.points)

    @property
    def dim(self) -> int:
        return len(self.points[0])

    def to_json(self) -> dict[str, Any]:
        from exactnets.rational import format_rational

        return {"width": self.width, "loss": self.loss, "output_bias": self.output_bias,
                "weight_decay": format_rational(self.weight_decay),
                "points": [[format_rational(v) for v in p] for p in self.points],
                "labels": [format_rational(v) for v in self.labels]}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> "TrainProblem":
        return cls(doc["points"], doc["labels"], doc["width"], doc["loss"], doc.get("output_bias", False),
                   doc.get("weight_decay", 0))


# -- networks and the exact objective --------------------------------------------------------------

def build_network(problem: TrainProblem, q: int, units: Sequence[Sequence[Fraction]], c: Fraction = _ZERO) -> Network:
    """The ``exactnets.network/1`` network ``sum_i s_i relu(a_i.x + b_i) (+ c)``; ``units[i] = (a_i..., b_i)``."""
    n = problem.dim
    weights = [list(u[:n]) for u in units]
    biases = [u[n] for u in units]
    signs = [1 if i < q else -1 for i in range(len(units))]
    return Network(n, [Layer("relu", weights, biases), Layer("linear", [signs], [c])], name="exact-train",
                   meta={"loss": problem.loss, "output_bias": problem.output_bias})


def network_units(problem: TrainProblem, net: Network) -> tuple[list[int], list[list[Fraction]], Fraction]:
    """``(signs, units, c)`` read back from a 2-layer network (output weights any rationals)."""
    if net.depth != 2 or net.layers[0].activation != "relu" or net.layers[1].activation != "linear":
        raise InputError("expected a network with one relu layer and a linear output")
    if net.output_dim != 1 or net.input_dim != problem.dim:
        raise InputError("the network's shape does not fit the data")
    return list(net.layers[1].weights[0]), [list(r) + [b] for r, b in zip(net.layers[0].weights, net.layers[0].bias)], net.layers[1].bias[0]


def predictions(net: Network, points: Sequence[Sequence[Fraction]]) -> list[Fraction]:
    """Exact outputs of ``net`` at the points (the exact batch evaluator of :mod:`exactnets.evaluate`)."""
    from exactnets.evaluate import evaluate, evaluate_batch

    try:
        return [row[0] for row in evaluate_batch(net, list(points)).to_fractions()]
    except OverflowError:  # the batch evaluator's int64 path on huge denominators: go point by point
        return [evaluate(net, list(p))[0] for p in points]


def loss_of_predictions(loss: str, outputs: Sequence[Fraction], labels: Sequence[Fraction],
                        count: int | None = None) -> Fraction:
    """The exact loss (mean, or max for ``linf``) of the outputs against the labels; sums are
    divided by ``count`` (default: the number of labels)."""
    count = len(labels) if count is None else count
    if not labels:
        return _ZERO
    if loss == "squared":
        return sum(((f - y) ** 2 for f, y in zip(outputs, labels)), _ZERO) / count
    if loss == "l1":
        return sum((abs(f - y) for f, y in zip(outputs, labels)), _ZERO) / count
    if loss == "linf":
        return max(abs(f - y) for f, y in zip(outputs, labels))
    if loss == "hinge":
        return sum((max(_ZERO, 1 - y * f) for f, y in zip(outputs, labels)), _ZERO) / count
    raise InputError(f"unknown loss {loss!r}")


def exact_objective(problem: TrainProblem, net: Network) -> Fraction:
    """The exact objective of ``net`` on the problem's data: replayed by the exact evaluator."""
    return loss_of_predictions(problem.loss, predictions(net, problem.points), problem.labels)


def fast_objective(problem: TrainProblem, q: int, units: Sequence[Sequence[Fraction]], c: Fraction,
                   points: Sequence[Sequence[Fraction]] | None = None,
                   labels: Sequence[Fraction] | None = None) -> Fraction:
    """The same value as :func:`exact_objective`, computed directly in Fractions (search use);
    on a subset of the points when ``points``/``labels`` are given (still divided by ``D``)."""
    points = problem.points if points is None else points
    labels = problem.labels if labels is None else labels
    outputs = []
    for point in points:
        total = c
        for i, u in enumerate(units):
            z = sum((a * x for a, x in zip(u, point)), u[-1])
            if z > 0:
                total = total + z if i < q else total - z
        outputs.append(total)
    return loss_of_predictions(problem.loss, outputs, labels, problem.size)


def float_objective(problem_float: tuple[np.ndarray, np.ndarray], loss: str, q: int, x: np.ndarray, width: int,
                    bias: bool) -> float:
    """A float estimate of the objective of the weights ``x`` (node LP column layout)."""
    lifted, labels, count = problem_float
    if not len(labels):
        return 0.0
    d = lifted.shape[1]
    weights = x[:width * d].reshape(width, d)
    z = np.maximum(lifted @ weights.T, 0.0)
    signs = np.where(np.arange(width) < q, 1.0, -1.0)
    f = z @ signs + (x[width * d] if bias else 0.0)
    r = f - labels
    if loss == "squared":
        return float(np.sum(r * r)) / count
    if loss == "l1":
        return float(np.sum(np.abs(r))) / count
    if loss == "linf":
        return float(np.max(np.abs(r)))
    return float(np.sum(np.maximum(0.0, 1.0 - labels * f))) / count


# -- the search order --------------------------------------------------------------------------------

def search_order(points: Sequence[Sequence[Fraction]]) -> list[int]:
    """A deterministic order of the points: farthest-first from the centroid, so that short
    prefixes already spread over the data (their bounds grow fast).  Exact distances; ties go to
    the lower index."""
    count = len(points)
    dim = len(points[0])
    centre = [sum((p[k] for p in points), _ZERO) / count for k in range(dim)]

    def dist(p, q):
        return sum(((a - b) ** 2 for a, b in zip(p, q)), _ZERO)

    first = max(range(count), key=lambda j: (dist(points[j], centre), -j))
    order = [first]
    nearest = [dist(points[j], points[first]) for j in range(count)]
    chosen = {first}
    while len(order) < count:
        best = max((j for j in range(count) if j not in chosen), key=lambda j: (nearest[j], -j))
        order.append(best)
        chosen.add(best)
        for j in range(count):
            d = dist(points[j], points[best])
            if d < nearest[j]:
                nearest[j] = d
    return order


# -- the node subproblem --------------------------------------------------------------------------------

def layout(problem: TrainProblem, k: int) -> tuple[int, int, int]:
    """``(d, first_aux_column, column_count)`` of the node LP with ``k`` prefix points."""
    d = problem.dim + 1
    base = problem.width * d + (1 if problem.output_bias else 0)
    aux = {"l1": k, "hinge": k, "linf": 1, "squared": 0}[problem.loss]
    return d, base, base + aux


def node_lp(problem: TrainProblem, lifted: Sequence[Sequence[Fraction]], labels: Sequence[Fraction], q: int,
            patterns: Sequence[str]) -> LP:
    """The exact LP of a node (see the module docstring for its layout); ``lifted`` are the
    ordered points with a trailing 1 and ``labels`` their labels."""
    loss = problem.loss
    w = problem.width
    k = len(patterns[0])
    d, base, n_cols = layout(problem, k)
    count = problem.size
    cost = [_ZERO] * n_cols
    if loss in ("l1", "hinge"):
        for j in range(k):
            cost[base + j] = Fraction(1, count)
    elif loss == "linf":
        cost[base] = _ONE
    rows: list[list[tuple[int, Fraction]]] = []
    h: list[Fraction] = []
    for j in range(k if loss != "squared" else 0):
        f: list[tuple[int, Fraction]] = []
        for i in range(w):
            if patterns[i][j] == "1":
                sign = _ONE if i < q else -_ONE
                f.extend((i * d + t, sign * v) for t, v in enumerate(lifted[j]) if v != 0)
        if problem.output_bias:
            f.append((w * d, _ONE))
        y = labels[j]
        if loss == "hinge":
            rows.append([(base + j, _ONE)] + [(col, y * v) for col, v in f])
            h.append(_ONE)
        else:
            e = base + j if loss == "l1" else base
            rows.append([(e, _ONE)] + [(col, -v) for col, v in f])
            h.append(-y)
            rows.append([(e, _ONE)] + f)
            h.append(y)
    for i in range(w):
        for j in range(k):
            sign = _ONE if patterns[i][j] == "1" else -_ONE
            rows.append([(i * d + t, sign * v) for t, v in enumerate(lifted[j]) if v != 0])
            h.append(_ZERO)
    return LP(cost, rows, h, frozenset(range(base, n_cols)))


def node_outputs(problem: TrainProblem, lifted: Sequence[Sequence[Fraction]], q: int,
                 patterns: Sequence[str]) -> list[list[tuple[int, Fraction]]]:
    """For each prefix point, ``f_j`` as a sparse row over the weight columns (node layout)."""
    w = problem.width
    d = problem.dim + 1
    rows = []
    for j in range(len(patterns[0])):
        f: list[tuple[int, Fraction]] = []
        for i in range(w):
            if patterns[i][j] == "1":
                sign = _ONE if i < q else -_ONE
                f.extend((i * d + t, sign * v) for t, v in enumerate(lifted[j]) if v != 0)
        if problem.output_bias:
            f.append((w * d, _ONE))
        rows.append(f)
    return rows


def node_dense(problem: TrainProblem, lifted_f: np.ndarray, labels_f: np.ndarray, q: int,
               patterns: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The same LP as :func:`node_lp` in floats: ``(cost, matrix, lower, nonneg)``."""
    loss = problem.loss
    w = problem.width
    k = len(patterns[0])
    d, base, n_cols = layout(problem, k)
    count = problem.size
    masks = np.array([[c == "1" for c in p] for p in patterns], dtype=bool).reshape(w, k)
    signs = np.where(np.arange(w) < q, 1.0, -1.0)
    block = np.zeros((k, base))
    for i in range(w):
        block[:, i * d:(i + 1) * d] = (signs[i] * masks[i])[:, None] * lifted_f[:k]
    if problem.output_bias:
        block[:, w * d] = 1.0
    y = labels_f[:k]
    cost = np.zeros(n_cols)
    if loss == "hinge":
        loss_rows = np.zeros((k, n_cols))
        loss_rows[:, :base] = y[:, None] * block
        loss_rows[np.arange(k), base + np.arange(k)] = 1.0
        loss_lower = np.ones(k)
        cost[base:] = 1.0 / count
    else:
        loss_rows = np.zeros((2 * k, n_cols))
        loss_rows[0::2, :base] = -block
        loss_rows[1::2, :base] = block
        if loss == "l1":
            loss_rows[0::2, base:][np.arange(k), np.arange(k)] = 1.0
            loss_rows[1::2, base:][np.arange(k), np.arange(k)] = 1.0
            cost[base:] = 1.0 / count
        else:
            loss_rows[:, base] = 1.0
            cost[base] = 1.0
        loss_lower = np.empty(2 * k)
        loss_lower[0::2] = -y
        loss_lower[1::2] = y
    pattern_rows = np.zeros((w * k, n_cols))
    for i in range(w):
        pattern_rows[i * k:(i + 1) * k, i * d:(i + 1) * d] = np.where(masks[i], 1.0, -1.0)[:, None] * lifted_f[:k]
    matrix = np.vstack([loss_rows, pattern_rows])
    lower = np.concatenate([loss_lower, np.zeros(w * k)])
    nonneg = np.zeros(n_cols, dtype=bool)
    nonneg[base:] = True
    return cost, matrix, lower, nonneg
