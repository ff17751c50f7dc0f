"""Exact evaluation of networks: at one point, over the Boolean cube, over batches of points.

:func:`evaluate` computes with :class:`~fractions.Fraction` and is the reference.  The batch
functions compute the *same* values much faster by moving to integers:

1. Inputs are scaled to integers over one common denominator ``s`` and each layer's ``[W | b]``
   over its own least common denominator ``D``.  Then ``z = W h + b`` becomes the integer
   ``W_int h_int + s b_int`` at scale ``s D``.  ReLU, hardtanh and the identity commute with the
   positive scale; ``ltf`` and ``step`` read only the sign and restart the scale at 1.
2. Before each layer, exact interval propagation (Python integers) bounds every unit's value,
   and hence ``sum_j |W_ij| |h_j| + |s b_i|``, which bounds every partial sum whatever order a
   BLAS kernel adds in.  The layer then runs on the cheapest exact backend:

   * ``float64`` BLAS when the bound is below 2^53 (every intermediate is an integer a double
     holds exactly, so the float result *is* the integer result);
   * ``int64`` when it is below 2^63;
   * python-flint ``fmpz_mat`` (exact big integers) beyond.

3. On the cube, the first layer is split: the top bits of the index select a row vector, the low
   bits a precomputed block, and ``W x`` is their sum — no multiplication per point.

Results come back as an :class:`ExactBatch`: integer numerators over one common denominator.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from exactnets.domains import cube_points, _check_cube
from exactnets.errors import InternalError, ShapeError
from exactnets.network import Layer, Network, activation_function
from exactnets.rational import as_rational, format_rational

__all__ = ["evaluate", "evaluate_batch", "evaluate_cube", "iter_cube_chunks", "ExactBatch", "FLOAT64_EXACT_BOUND", "INT64_BOUND"]

#: Integers of magnitude below this are exact in float64, and so are sums of them that stay below it.
FLOAT64_EXACT_BOUND = 2**53
#: Integers of magnitude below this fit numpy int64 without overflow.
INT64_BOUND = 2**63 - 1

ProgressCallback = Callable[[int, int], None]


# -- reference evaluation -------------------------------------------------------------------------

def _as_point(net: Network, point: Sequence[Any]) -> list[Fraction]:
    if isinstance(point, (str, bytes)) or not hasattr(point, "__len__"):
        raise ShapeError(f"a point must be a sequence of {net.input_dim} numbers (got {point!r})")
    if len(point) != net.input_dim:
        raise ShapeError(f"the network has {net.input_dim} inputs but the point has {len(point)} coordinates")
    return [as_rational(v, what=f"point[{j}]") for j, v in enumerate(point)]


def evaluate(net: Network, point: Sequence[Any]) -> tuple[Fraction, ...]:
    """The exact outputs of ``net`` at one rational point.

    >>> from exactnets.network import Layer, Network
    >>> net = Network(2, [Layer("relu", [[1, "-1/2"]], [0]), Layer("linear", [[3]], ["1/2"])])
    >>> evaluate(net, ["1/2", -3])
    (Fraction(13, 2),)
    """
    values = _as_point(net, point)
    for layer in net.layers:
        act = activation_function(layer.activation)
        values = [act(sum((w * v for w, v in zip(row, values)), b)) for row, b in zip(layer.weights, layer.bias)]
    return tuple(values)


# -- results ----------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, eq=False)
class ExactBatch:
    """Exact outputs of a batch: ``numerators[i, j] / denominator`` is output ``j`` at point ``i``.

    ``numerators`` is an int64 array or, when values exceed int64, an object array of Python
    integers; ``denominator`` is a positive Python integer.  Nothing is rounded.
    """

    numerators: np.ndarray
    denominator: int

    def __len__(self) -> int:
        return self.numerators.shape[0]

    @property
    def output_dim(self) -> int:
        return self.numerators.shape[1]

    def value(self, i: int, j: int = 0) -> Fraction:
        return Fraction(int(self.numerators[i, j]), self.denominator)

    def row(self, i: int) -> tuple[Fraction, ...]:
        return tuple(Fraction(int(v), self.denominator) for v in self.numerators[i])

    def to_fractions(self) -> list[tuple[Fraction, ...]]:
        return [self.row(i) for i in range(len(self))]

    def signs(self, j: int = 0) -> np.ndarray:
        """``sgn`` of output ``j`` at every point as an int8 array, with sgn(0) = +1."""
        return np.where(self.numerators[:, j] >= 0, 1, -1).astype(np.int8)

    def reduced(self) -> tuple[np.ndarray, np.ndarray]:
        """Entrywise lowest terms: ``(p, q)`` arrays with ``p / q`` equal to each output and ``q > 0``."""
        nums = self.numerators
        den = self.denominator
        if nums.dtype != object and den <= INT64_BOUND:
            divisor = np.gcd(nums, np.int64(den))
            divisor[divisor == 0] = 1
            return nums // divisor, np.int64(den) // divisor
        flat = [Fraction(int(v), den) for v in nums.ravel()]
        p = np.array([f.numerator for f in flat], dtype=object).reshape(nums.shape)
        q = np.array([f.denominator for f in flat], dtype=object).reshape(nums.shape)
        return p, q

    def format_columns(self) -> list[list[str]]:
        """Each output column as a list of exact strings ``"p/q"`` (or ``"p"``), one per point."""
        p, q = self.reduced()
        columns = []
        for j in range(self.output_dim):
            ps, qs = p[:, j].tolist(), q[:, j].tolist()
            columns.append([f"{a}/{b}" if b != 1 else str(a) for a, b in zip(ps, qs)])
        return columns

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExactBatch):
            return NotImplemented
        if self.numerators.shape != other.numerators.shape:
            return False
        left = self.numerators.astype(object) * other.denominator
        right = other.numerators.astype(object) * self.denominator
        return bool(np.all(left == right))

    @staticmethod
    def concatenate(batches: Sequence["ExactBatch"]) -> "ExactBatch":
        """One batch from several, over the least common denominator."""
        if not batches:
            raise ShapeError("nothing to concatenate")
        common = math.lcm(*(b.denominator for b in batches))
        parts = []
        for batch in batches:
            factor = common // batch.denominator
            nums = batch.numerators
            if factor != 1:
                nums = _scale_integers(nums, factor)
            parts.append(nums)
        if any(p.dtype == object for p in parts):
            parts = [p.astype(object) for p in parts]
        return ExactBatch(np.concatenate(parts, axis=0), common)


def _scale_integers(array: np.ndarray, factor: int) -> np.ndarray:
    if array.dtype != object:
        peak = int(np.abs(array).max()) if array.size else 0
        if peak * factor <= INT64_BOUND:
            return array * np.int64(factor)
        array = array.astype(object)
    return array * factor


# -- planning: integer layers and proven bounds ----------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _LayerPlan:
    backend: str  # "float64" | "int64" | "bigint"
    activation: str
    weights_t: Any  # (in, out) array in the backend's dtype, or an fmpz_mat for bigint
    offset: np.ndarray  # scaled bias s * b_int, shape (out,)
    scale: int  # scale of this layer's output values
    bound: int  # proven bound on every partial sum of this layer
    dead: tuple[int, ...] = ()  # input columns with only zero weights: their values are never read


def _integer_layer(layer: Layer) -> tuple[list[list[int]], list[int], int]:
    """``(W_int, b_int, D)`` with ``[W | b] = [W_int | b_int] / D``; cached on the (frozen) layer."""
    cached = layer.__dict__.get("_integer_form")
    if cached is not None:
        return cached
    denominator = 1
    for row in layer.weights:
        for w in row:
            denominator = math.lcm(denominator, w.denominator)
    for b in layer.bias:
        denominator = math.lcm(denominator, b.denominator)
    weights = [[w.numerator * (denominator // w.denominator) for w in row] for row in layer.weights]
    bias = [b.numerator * (denominator // b.denominator) for b in layer.bias]
    object.__setattr__(layer, "_integer_form", (weights, bias, denominator))
    return weights, bias, denominator


def _backend_for(bound: int) -> str:
    if bound < FLOAT64_EXACT_BOUND:
        return "float64"
    if bound <= INT64_BOUND:
        return "int64"
    return "bigint"


def _array(values: Any, backend: str) -> np.ndarray:
    if backend == "float64":
        return np.array(values, dtype=np.float64)
    if backend == "int64":
        return np.array(values, dtype=np.int64)
    return np.array(values, dtype=object)


def _plan(net: Network, input_scale: int, lower: Sequence[int], upper: Sequence[int]) -> list[_LayerPlan]:
    """Backends and integer weights for every layer, given integer bounds on the scaled inputs.

    The plan depends only on the network and the input bounds; the last few are cached on the
    (frozen) network, so repeated cube or batch evaluations skip the interval arithmetic.
    """
    key = (input_scale, tuple(lower), tuple(upper))
    cache = net.__dict__.setdefault("_plans", {})
    if key in cache:
        return cache[key]
    if len(cache) >= 8:
        cache.pop(next(iter(cache)))
    cache[key] = plans = _make_plan(net, input_scale, lower, upper)
    return plans


def _make_plan(net: Network, input_scale: int, lower: Sequence[int], upper: Sequence[int]) -> list[_LayerPlan]:
    plans = []
    scale = input_scale
    lo, hi = list(lower), list(upper)
    for layer in net.layers:
        weights, bias, denominator = _integer_layer(layer)
        offset = [scale * b for b in bias]
        magnitudes = [max(-a, b) for a, b in zip(lo, hi)]
        new_lo, new_hi, bound = [], [], 0
        for row, c in zip(weights, offset):
            low = high = c
            total = abs(c)
            for w, a, b, m in zip(row, lo, hi, magnitudes):
                if w > 0:
                    low += w * a
                    high += w * b
                    total += w * m
                elif w < 0:
                    low += w * b
                    high += w * a
                    total -= w * m
            new_lo.append(low)
            new_hi.append(high)
            bound = max(bound, total)
        out_scale = scale * denominator
        backend = _backend_for(bound)
        transposed = [list(col) for col in zip(*weights)] if weights[0] else []
        if backend == "bigint":
            weights_t: Any = flint.fmpz_mat(len(transposed), len(weights), [w for col in transposed for w in col]) if transposed else None
        else:
            weights_t = _array(transposed, backend).reshape(len(transposed), len(weights))
        act = layer.activation
        if act == "relu":
            lo = [max(0, a) for a in new_lo]
            hi = [max(0, b) for b in new_hi]
        elif act == "ltf":
            lo, hi, out_scale = [-1] * len(new_lo), [1] * len(new_lo), 1
        elif act == "step":
            lo, hi, out_scale = [0] * len(new_lo), [1] * len(new_lo), 1
        elif act == "hardtanh":
            lo = [max(-out_scale, min(out_scale, a)) for a in new_lo]
            hi = [max(-out_scale, min(out_scale, b)) for b in new_hi]
        else:
            lo, hi = new_lo, new_hi
        # The bound says nothing about inputs that every weight ignores; they are zeroed before the
        # backend conversion so that a huge value there cannot overflow it.
        dead = tuple(j for j in range(len(transposed)) if not any(transposed[j]))
        plans.append(_LayerPlan(backend, act, weights_t, _array(offset, backend),
                                out_scale if act not in ("ltf", "step") else 1, bound, dead))
        scale = plans[-1].scale
    return plans


def _to_backend(values: np.ndarray, backend: str) -> np.ndarray:
    if backend == "float64":
        return values if values.dtype == np.float64 else values.astype(np.float64)
    if backend == "int64":
        if values.dtype == np.int64:
            return values
        return values.astype(np.int64)
    if values.dtype == object:
        return values
    return values.astype(np.int64).astype(object)


def _bigint_product(values: np.ndarray, weights_t: Any, out_dim: int) -> np.ndarray:
    rows, inner = values.shape
    if weights_t is None or inner == 0:
        return np.zeros((rows, out_dim), dtype=object)
    left = flint.fmpz_mat(rows, inner, [int(v) for v in values.ravel().tolist()])
    product = left * weights_t
    return np.array([int(v) for v in product.entries()], dtype=object).reshape(rows, out_dim)


def _apply_activation(z: np.ndarray, plan: _LayerPlan) -> np.ndarray:
    act = plan.activation
    if act == "relu":
        # in place: z is always a fresh array owned by the caller
        return np.maximum(z, 0, out=z) if z.dtype != object else np.where(z > 0, z, 0)
    if act == "ltf":
        return np.where(z >= 0, 1, -1).astype(z.dtype if z.dtype != object else np.int64)
    if act == "step":
        return np.where(z >= 0, 1, 0).astype(z.dtype if z.dtype != object else np.int64)
    if act == "hardtanh":
        bound = plan.scale
        if z.dtype == object:
            return np.where(z > bound, bound, np.where(z < -bound, -bound, z))
        return np.clip(z, -bound, bound)
    return z


def _run_layer(values: np.ndarray, plan: _LayerPlan, out_dim: int) -> np.ndarray:
    if plan.dead and plan.backend != "bigint":
        values = values.copy()
        values[:, list(plan.dead)] = 0
    values = _to_backend(values, plan.backend)
    if plan.backend == "bigint":
        z = _bigint_product(values, plan.weights_t, out_dim) + plan.offset
    else:
        z = values @ plan.weights_t
        z += plan.offset
    return _apply_activation(z, plan)


def _finish(values: np.ndarray) -> np.ndarray:
    """Integer numerators from the last layer's array (float64 results are exact integers)."""
    if values.dtype == np.float64:
        return values.astype(np.int64)
    return values


def _run(net: Network, plans: list[_LayerPlan], values: np.ndarray, start: int = 0) -> np.ndarray:
    for plan, layer in zip(plans[start:], net.layers[start:]):
        values = _run_layer(values, plan, layer.out_dim)
    return _finish(values)


# -- batches of points ---------------------------------------------------------------------------------

def _integer_points(net: Network, points: Any) -> tuple[np.ndarray, int]:
    """Points as integers over one common denominator: an int64 or object array and the denominator."""
    if isinstance(points, np.ndarray) and points.dtype.kind in "iu":
        if points.ndim != 2 or points.shape[1] != net.input_dim:
            raise ShapeError(f"points must have shape (count, {net.input_dim}) (got {points.shape})")
        return points.astype(np.int64), 1
    if isinstance(points, np.ndarray) and points.dtype.kind == "f":
        as_rational(float(points.flat[0]) if points.size else 0.5, what="points")  # raises the float message
    rows = [_as_point(net, p) for p in points]
    denominator = 1
    for row in rows:
        for v in row:
            denominator = math.lcm(denominator, v.denominator)
    ints = [[v.numerator * (denominator // v.denominator) for v in row] for row in rows]
    peak = max((abs(v) for row in ints for v in row), default=0)
    array = np.array(ints, dtype=np.int64 if peak <= INT64_BOUND else object).reshape(len(rows), net.input_dim)
    return array, denominator


def evaluate_batch(net: Network, points: Any, *, chunk_size: int = 1 << 15,
                   progress: ProgressCallback | None = None) -> ExactBatch:
    """Exact outputs at many points; equal, entry for entry, to :func:`evaluate` at each.

    ``points`` is a sequence of points (numbers as :func:`~exactnets.rational.as_rational`
    accepts) or an integer numpy array of shape ``(count, input_dim)``.
    """
    ints, denominator = _integer_points(net, points)
    if ints.shape[0] == 0:
        return ExactBatch(np.zeros((0, net.output_dim), dtype=np.int64), 1)
    if ints.dtype == object:
        lower = [min(int(v) for v in ints[:, j]) for j in range(net.input_dim)]
        upper = [max(int(v) for v in ints[:, j]) for j in range(net.input_dim)]
    else:
        lower = [int(v) for v in ints.min(axis=0)] if net.input_dim else []
        upper = [int(v) for v in ints.max(axis=0)] if net.input_dim else []
    plans = _plan(net, denominator, lower, upper)
    parts = []
    total = ints.shape[0]
    for start in range(0, total, chunk_size):
        parts.append(_run(net, plans, ints[start:start + chunk_size]))
        if progress is not None:
            progress(min(start + chunk_size, total), total)
    return _batch(parts, plans[-1].scale)


def _batch(parts: list[np.ndarray], scale: int) -> ExactBatch:
    if any(p.dtype == object for p in parts):
        parts = [p.astype(object) for p in parts]
    numerators = np.concatenate(parts, axis=0) if len(parts) > 1 else parts[0]
    if numerators.dtype != object and numerators.dtype != np.int64:
        numerators = numerators.astype(np.int64)
    return ExactBatch(numerators, scale)


# -- the Boolean cube ------------------------------------------------------------------------------------

def iter_cube_chunks(net: Network, kind: str = "pm1", *, chunk_bits: int = 12,
                     progress: ProgressCallback | None = None) -> Iterator[tuple[int, np.ndarray, int]]:
    """Exact outputs over the cube, chunk by chunk: yields ``(start_index, numerators, denominator)``.

    The chunks cover the points in the documented index order (see :mod:`exactnets.domains`);
    memory stays bounded for any ``n``.
    """
    n = net.input_dim
    _check_cube(n, kind)
    low_bits = min(chunk_bits, n)
    high_bits = n - low_bits
    zero = 0 if kind == "01" else -1
    plans = _plan(net, 1, [zero] * n, [1] * n)
    first = plans[0]
    # The low coordinates' contribution, shared by every chunk (bias included).
    low_points = cube_points(low_bits, kind)
    low_block = _to_backend(low_points, first.backend)
    if first.backend == "bigint":
        dense_w = np.array([[int(first.weights_t[i, j]) for j in range(first.weights_t.ncols())]
                            for i in range(first.weights_t.nrows())], dtype=object).reshape(n, net.layers[0].out_dim)
    else:
        dense_w = first.weights_t
    w_high, w_low = dense_w[:high_bits], dense_w[high_bits:]
    base = (low_block @ w_low if low_bits else np.zeros((1, dense_w.shape[1]), dtype=dense_w.dtype)) + first.offset
    chunk = base.shape[0]
    total = 2**n
    for block in range(2**high_bits):
        if high_bits:
            high_point = _to_backend(cube_points(high_bits, kind, block, block + 1)[0], first.backend)
            z = base + high_point @ w_high
        else:
            z = base.copy()
        values = _finish(_run(net, plans, _apply_activation(z, first), start=1)) if net.depth > 1 else _finish(_apply_activation(z, first))
        if progress is not None:
            progress(min((block + 1) * chunk, total), total)
        yield block * chunk, values, plans[-1].scale


def evaluate_cube(net: Network, kind: str = "pm1", *, chunk_bits: int = 12,
                  progress: ProgressCallback | None = None) -> ExactBatch:
    """Exact outputs at every point of ``{-1,1}^n`` (``kind="pm1"``) or ``{0,1}^n`` (``"01"``).

    Row ``i`` is the point with index ``i`` in the order of :mod:`exactnets.domains`.

    >>> from exactnets.network import Layer, Network
    >>> net = Network(2, [Layer("relu", [[1, 1]], [0]), Layer("linear", [["1/2"]], [0])])
    >>> evaluate_cube(net).to_fractions()
    [(Fraction(1, 1),), (Fraction(0, 1),), (Fraction(0, 1),), (Fraction(0, 1),)]
    """
    parts = []
    scale = 1
    for _, values, scale in iter_cube_chunks(net, kind, chunk_bits=chunk_bits, progress=progress):
        parts.append(values)
    return _batch(parts, scale)
