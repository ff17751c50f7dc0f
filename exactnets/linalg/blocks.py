"""Contiguous block structure and cube orderings (Mukherjee & Basu, Definition 2, Claim 4, Lemma 4.1).

* A matrix is *block-constant* for a contiguous partition of its rows and one of its columns when
  it is constant on every product block.  The coarsest such partitions cut exactly between
  consecutive rows (columns) that differ: :func:`contiguous_cuts`, :func:`block_counts`.  Rows in
  one block are identical, so ``rank <= min(#row blocks, #column blocks)`` (CLAIMS.md MB-Lemma4.1).
* Claim 4: the cut set of a sum is contained in the union of the summands' cut sets, so
  ``w`` matrices with ``D`` blocks each sum to at most ``w (D - 1) + 1`` blocks: :func:`merge_cuts`.
* Definition 2: ``P_{m,sigma}`` is the cone of ``a`` with ``<a, x^sigma(1)> <= ... <= <a, x^sigma(2^m)>``;
  :func:`in_cone` tests membership, :func:`common_order` finds one ``sigma`` for a set of vectors
  (a topological sort) or proves that none exists (a cycle of strict inequalities).

Cube points are numbered as in :mod:`exactnets.domains` (MSB first, ``x_t = 1 - 2 z_t``); an
order ``sigma`` is a sequence of point indices, first to last.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactnets.domains import cube_points
from exactnets.errors import InputError, ShapeError
from exactnets.linalg.matrix import ExactMatrix, as_exact_matrix
from exactnets.network import Layer, Network
from exactnets.rational import as_rational_vector, scale_to_integers

__all__ = [
    "contiguous_cuts",
    "block_counts",
    "merge_cuts",
    "cube_values",
    "in_cone",
    "Order",
    "common_order",
    "cone_members",
    "generic_order",
    "random_def2_network",
]


def _values(matrix: Any) -> np.ndarray:
    if isinstance(matrix, np.ndarray) and matrix.dtype.kind in "iuO" and matrix.ndim == 2:
        return matrix
    return as_exact_matrix(matrix).numerators  # a common denominator does not change equality


def contiguous_cuts(matrix: Any, axis: int = 0, order: Sequence[int] | None = None) -> list[int]:
    """Positions ``t`` (``1 <= t < len``) where line ``t`` differs from line ``t - 1``.

    Lines are rows (``axis=0``) or columns (``axis=1``), taken in ``order`` when given.  The cut
    set is that of the coarsest contiguous partition into blocks of identical lines.

    >>> contiguous_cuts([[1, 1], [1, 1], [0, 2]])
    [2]
    >>> contiguous_cuts([[1, 1], [1, 1], [0, 2]], axis=1)
    [1]
    """
    values = _values(matrix)
    if axis == 1:
        values = values.T
    elif axis != 0:
        raise InputError(f"axis must be 0 (rows) or 1 (columns) (got {axis!r})")
    if order is not None:
        order = list(order)
        if sorted(order) != list(range(values.shape[0])):
            raise ShapeError(f"the order must be a permutation of 0..{values.shape[0] - 1}")
        values = values[order]
    if values.shape[0] < 2:
        return []
    changed = np.any(values[1:] != values[:-1], axis=1)
    return [int(t) + 1 for t in np.flatnonzero(changed)]


def block_counts(matrix: Any, row_order: Sequence[int] | None = None,
                 col_order: Sequence[int] | None = None) -> tuple[int, int]:
    """``(#row blocks, #column blocks)`` of the coarsest contiguous block-constant partition.

    >>> block_counts([[1, 1, 2], [1, 1, 2], [0, 0, 2]])
    (2, 2)
    """
    values = _values(matrix)
    rows, cols = values.shape
    row_blocks = len(contiguous_cuts(values, 0, row_order)) + 1 if rows else 0
    col_blocks = len(contiguous_cuts(values, 1, col_order)) + 1 if cols else 0
    return row_blocks, col_blocks


def merge_cuts(*cut_sets: Sequence[int]) -> list[int]:
    """The union of cut sets, sorted: the cuts of a partition refining every given one (Claim 4).

    A sum of matrices, each constant on the blocks of its own cuts, is constant on the blocks of
    the merged cuts; with ``w`` sets of ``D - 1`` cuts there are at most ``w (D - 1) + 1`` blocks.

    >>> merge_cuts([2, 5], [1, 5], [])
    [1, 2, 5]
    """
    return sorted(set(itertools.chain.from_iterable(cut_sets)))


def cube_values(a: Sequence[Any], kind: str = "pm1") -> list[Fraction] | np.ndarray:
    """``<a, x>`` at every point of the cube, in index order; an int64 array for integer ``a``.

    >>> cube_values([2, 1]).tolist()
    [3, 1, -1, -3]
    """
    vector = as_rational_vector(a, what="weight vector")
    points = cube_points(len(vector), kind).astype(np.int64)
    ints, den = scale_to_integers(list(vector))
    if all(abs(v) < 2**40 for v in ints):
        values = points @ np.array(ints, dtype=np.int64)
        return values if den == 1 else [Fraction(int(v), den) for v in values]
    return [Fraction(sum(int(x) * w for x, w in zip(row, ints)), den) for row in points.tolist()]


def in_cone(a: Sequence[Any], sigma: Sequence[int]) -> bool:
    """Is ``a`` in ``P_{m,sigma}``: ``<a, x>`` non-decreasing along ``sigma`` (ties allowed)?

    >>> in_cone([2, 1], [3, 2, 1, 0]), in_cone([2, 1], [0, 1, 2, 3])
    (True, False)
    """
    values = list(cube_values(a))
    order = list(sigma)
    if sorted(order) != list(range(len(values))):
        raise ShapeError(f"sigma must be a permutation of the {len(values)} cube points 0..{len(values) - 1}")
    return all(values[u] <= values[v] for u, v in zip(order, order[1:]))


@dataclasses.dataclass(frozen=True)
class Order:
    """The answer of :func:`common_order`: ``sigma`` (every vector in ``P_{m,sigma}``) or ``cycle``.

    ``cycle`` is a list of ``(u, v, k)``: ``<a_k, u> < <a_k, v>``, each ``v`` the next ``u``, the
    last ``v`` the first ``u``; so ``u`` must precede ``v`` in any common order, which is impossible
    around a cycle.  :meth:`check` re-checks either answer exactly.
    """

    m: int
    sigma: tuple[int, ...] | None
    cycle: tuple[tuple[int, int, int], ...] | None

    @property
    def exists(self) -> bool:
        return self.sigma is not None

    def check(self, vectors: Sequence[Sequence[Any]]) -> bool:
        values = [list(cube_values(a)) for a in vectors]
        if self.sigma is not None:
            return all(in_cone(a, self.sigma) for a in vectors)
        if not self.cycle:
            return False
        for (u, v, k), (u_next, _, _) in zip(self.cycle, self.cycle[1:] + self.cycle[:1]):
            if v != u_next or not values[k][u] < values[k][v]:
                return False
        return True


def common_order(vectors: Sequence[Sequence[Any]], m: int | None = None) -> Order:
    """One ordering ``sigma`` of ``{-1,1}^m`` with every vector in ``P_{m,sigma}``, or a proof that none exists.

    The graph has an edge ``u -> v`` whenever ``<a, u> < <a, v>`` for some vector ``a``; a common
    order exists iff it is acyclic, and a topological order is one (CLAIMS.md MB-Def2).  Edges are
    kept linear in number by one auxiliary node per vector and value level (level ``l`` points
    to level ``l + 1``).  Ties are broken by the smallest point index.

    >>> common_order([[2, 1], [1, 1]]).sigma
    (3, 2, 1, 0)
    >>> common_order([[2, 1], [1, 0]]).exists, common_order([[1, 0], [0, 1]]).exists
    (True, False)
    >>> bad = common_order([[1, 2], [2, 1], [1, -1], [-1, 1]]); bad.exists, bad.check([[1, 2], [2, 1], [1, -1], [-1, 1]])
    (False, True)
    """
    vectors = [as_rational_vector(a, what=f"vector {k}") for k, a in enumerate(vectors)]
    if m is None:
        if not vectors:
            raise InputError("common_order needs m when no vectors are given")
        m = len(vectors[0])
    if any(len(a) != m for a in vectors):
        raise ShapeError(f"every vector needs {m} entries")
    size = 1 << m
    successors: list[list[int]] = [[] for _ in range(size)]
    witness: dict[int, int] = {}  # auxiliary node -> vector index
    for k, a in enumerate(vectors):
        values = list(cube_values(a))
        levels = sorted(set(values))
        if len(levels) < 2:
            continue
        rank_of = {value: index for index, value in enumerate(levels)}
        first_aux = len(successors)
        successors.extend([] for _ in range(len(levels) - 1))
        for point, value in enumerate(values):
            level = rank_of[value]
            if level + 1 < len(levels):
                successors[point].append(first_aux + level)
                witness[first_aux + level] = k
            if level > 0:
                successors[first_aux + level - 1].append(point)
    indegree = [0] * len(successors)
    for targets in successors:
        for t in targets:
            indegree[t] += 1
    heap = [node for node in range(len(successors)) if indegree[node] == 0]
    heapq.heapify(heap)  # cube points have the smallest numbers, so ties go to the smallest point
    order: list[int] = []
    while heap:
        node = heapq.heappop(heap)
        order.append(node)
        for t in successors[node]:
            indegree[t] -= 1
            if indegree[t] == 0:
                heapq.heappush(heap, t)
    if len(order) == len(successors):
        return Order(m, tuple(node for node in order if node < size), None)
    # A cycle among the remaining nodes: walk backwards along unfinished predecessors.
    remaining = {node for node in range(len(successors)) if indegree[node] > 0}
    predecessors: dict[int, int] = {}
    for node in remaining:
        for t in successors[node]:
            if t in remaining:
                predecessors.setdefault(t, node)
    node = next(iter(remaining))
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = predecessors[node]
    loop = path[seen[node]:][::-1]  # forward direction
    start = next(i for i, v in enumerate(loop) if v < size)
    loop = loop[start:] + loop[:start]
    cycle = []
    points = [(i, v) for i, v in enumerate(loop) if v < size]
    for (i, u), (_, v) in zip(points, points[1:] + points[:1]):
        aux = loop[(i + 1) % len(loop)]
        cycle.append((u, v, witness[aux]))
    return Order(m, None, tuple(cycle))


def generic_order(m: int, rng: random.Random) -> tuple[tuple[int, ...], list[int]]:
    """A random ordering ``sigma`` of ``{-1,1}^m`` that some integer vector realises strictly.

    Returns ``(sigma, g)`` with ``g`` a vector of distinct powers of two with random signs and
    positions, so ``<g, x>`` takes ``2^m`` distinct values and ``sigma`` sorts them.
    """
    powers = [2**t for t in range(m)]
    rng.shuffle(powers)
    g = [p * rng.choice((-1, 1)) for p in powers]
    values = cube_values(g)
    return tuple(int(i) for i in np.argsort(values, kind="stable")), g


def cone_members(sigma: Sequence[int], m: int, W: int, *, nonzero: bool = True) -> list[tuple[int, ...]]:
    """Every integer vector in ``P_{m,sigma}`` with entries in ``[-W, W]`` (enumerated; small ``m``, ``W``).

    >>> cone_members([3, 2, 1, 0], 2, 1)
    [(1, 0), (1, 1)]
    """
    if (2 * W + 1) ** m > 2_000_000:
        raise InputError(f"enumerating [-{W}, {W}]^{m} is too large; use smaller m or W")
    grid = np.array(list(itertools.product(range(-W, W + 1), repeat=m)), dtype=np.int64).reshape(-1, m)
    points = cube_points(m).astype(np.int64)[list(sigma)]
    values = grid @ points.T  # row: the values along sigma
    ok = np.all(values[:, 1:] >= values[:, :-1], axis=1)
    if nonzero:
        ok &= np.any(grid != 0, axis=1)
    return [tuple(int(v) for v in row) for row in grid[ok]]


def random_def2_network(rng: random.Random, m: int, widths: Sequence[int], W: int, *,
                        top: str = "relu") -> tuple[Network, tuple[int, ...], tuple[int, ...]]:
    """A random ReLU circuit on ``2m`` inputs ``(x, y)`` whose bottom layer satisfies Definition 2.

    The x-parts of the ``widths[0]`` bottom gates share one ordering ``sigma`` and the y-parts
    one ``sigma'`` (the workable reading of CLAIMS.md MB-Def2), with integer entries and biases
    in ``[-W, W]``; deeper layers have random small rational weights; the output is one unit of
    activation ``top``.  Returns ``(network, sigma, sigma')``.
    """
    sigma_x, _ = generic_order(m, rng)
    sigma_y, _ = generic_order(m, rng)
    members_x = cone_members(sigma_x, m, W)
    members_y = cone_members(sigma_y, m, W)
    if not members_x or not members_y:
        raise InputError(f"no nonzero integer vector with entries in [-{W}, {W}] orders the cube this way; increase W")

    def small() -> Fraction:
        return Fraction(rng.randint(-6, 6), rng.randint(1, 4))

    bottom = [list(rng.choice(members_x)) + list(rng.choice(members_y)) for _ in range(widths[0])]
    layers = [Layer("relu", bottom, [rng.randint(-W, W) for _ in range(widths[0])])]
    for width in widths[1:]:
        layers.append(Layer("relu", [[small() for _ in range(layers[-1].out_dim)] for _ in range(width)],
                            [small() for _ in range(width)]))
    layers.append(Layer(top, [[small() for _ in range(layers[-1].out_dim)]], [small()]))
    return Network(2 * m, layers, name=f"random Def. 2 circuit m={m} widths={list(widths)} W={W}"), sigma_x, sigma_y
