"""Communication matrices (named, truth tables, networks), matrix files, block structure (MB Claim 4,
Lemma 4.1) and cube orderings (MB Definition 2)."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.boolean import arkadev_nikhil, disjointness, inner_product_mod2, razborov_sherstov
from exactnets.errors import FileFormatError, InputError
from exactnets.evaluate import evaluate
from exactnets.io.matrix_json import dumps_matrix, loads_matrix, read_matrix, write_matrix
from exactnets.linalg import (
    ExactMatrix,
    MatrixSource,
    block_counts,
    common_order,
    contiguous_cuts,
    in_cone,
    merge_cuts,
    named_matrix,
    network_matrix,
    rank,
    table_matrix,
)
from exactnets.linalg.blocks import cone_members, cube_values, generic_order, random_def2_network
from exactnets.linalg.comm import add_constant, named_sign_representation
from exactnets.domains import cube_point
from exactnets.network import Layer, Network
from tests.strategies import networks


# -- named matrices equal the truth tables' communication matrices ------------------------------------------------

@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_ip_and_disj_match_truth_tables(m):
    assert named_matrix("ip", m) == table_matrix(inner_product_mod2(m), m)
    assert named_matrix("disj", m) == table_matrix(disjointness(m), m)


@pytest.mark.parametrize("m", [1, 2])
def test_razborov_sherstov_matches_truth_table(m):
    assert named_matrix("rs", m) == table_matrix(razborov_sherstov(m), m**3)


@pytest.mark.parametrize("a,b", [(1, 1), (1, 3), (2, 1), (2, 2), (3, 2), (2, 3)])
def test_arkadev_nikhil_matches_truth_table(a, b):
    assert named_matrix("an", a, b) == table_matrix(arkadev_nikhil(a, b), a * b)


@pytest.mark.parametrize("name,m,b", [("disj", 3, None), ("disj", 4, None), ("an", 2, 2), ("an", 3, 2), ("rs", 1, None),
                                      ("rs", 2, None), ("ip", 3, None)])
def test_sign_representations_have_the_signs_and_small_rank(name, m, b):
    S = named_matrix(name, m, b).numerators
    A = named_sign_representation(name, m, b).numerators
    assert np.all(A != 0) and np.array_equal(np.sign(A), S)
    bound = {"disj": m + 1, "an": 1 + m * (2 ** (b or 0) + 1), "rs": 1 + (m * m) ** m, "ip": 2**m}[name]
    assert rank(ExactMatrix(A), seed=0).rank <= bound


def test_named_matrix_errors():
    with pytest.raises(InputError, match="unknown function"):
        named_matrix("xor", 2)
    with pytest.raises(InputError, match="needs --b"):
        named_matrix("an", 2)
    with pytest.raises(InputError, match="at most 2"):
        named_matrix("ip", 15)
    with pytest.raises(InputError, match="positive integer"):
        named_matrix("ip", 0)


@settings(max_examples=25)
@given(networks(input_dim=st.integers(1, 5), output_dim=st.just(1)), st.data())
def test_network_matrix_equals_pointwise_evaluation(net, data):
    k = data.draw(st.integers(0, net.input_dim))
    matrix = network_matrix(net, k)
    n = net.input_dim
    for i in range(2**k):
        for j in range(2 ** (n - k)):
            point = cube_point(n, i * 2 ** (n - k) + j)
            assert matrix.entry(i, j) == evaluate(net, point)[0]
    signs = network_matrix(net, k, entries="sign").numerators
    assert set(np.unique(signs).tolist()) <= {-1, 1}


def test_network_matrix_pre_and_sign_of_a_threshold_net():
    net = Network(2, [Layer("relu", [[1, -1]], [0]), Layer("ltf", [[2]], ["-1"])])
    pre = network_matrix(net, 1, entries="pre")
    assert pre.rows() == [[Fraction(-1), Fraction(3)], [Fraction(-1), Fraction(-1)]]
    assert network_matrix(net, 1, entries="sign").numerators.tolist() == [[-1, 1], [-1, -1]]
    assert network_matrix(net, 1).numerators.tolist() == [[-1, 1], [-1, -1]]
    with pytest.raises(InputError, match="split"):
        network_matrix(net, 3)


def test_matrix_sources_round_trip():
    net = Network(2, [Layer("relu", [[1, "1/2"]], [0]), Layer("linear", [[3]], [0])])
    for source in (MatrixSource.function("an", 2, 2), MatrixSource.representation("disj", 2),
                   MatrixSource.network(net, 1, "value", shift=Fraction(1, 3)), MatrixSource.rows([[1, "1/2"]]),
                   MatrixSource.table(inner_product_mod2(1), 1)):
        again = MatrixSource.from_json(source.to_json())
        assert again.build() == source.build()
    assert MatrixSource.network(net, 1, shift=Fraction(1, 3)).build() == add_constant(network_matrix(net, 1), Fraction(1, 3))


def test_matrix_files(tmp_path):
    M = loads_matrix('{"format": "exactnets.matrix/1", "rows": [[1, 0.5, "-2/3"], [0, 1e-1, 7]]}')
    assert M.rows() == [[1, Fraction(1, 2), Fraction(-2, 3)], [0, Fraction(1, 10), 7]]
    path = tmp_path / "m.json"
    write_matrix(M, path)
    assert read_matrix(path) == M
    assert loads_matrix(dumps_matrix([[2**100, -1]])).numerators.dtype == object
    for text, message in [('{"format": "exactnets.matrix/1", "rows": []}', "empty"),
                          ('{"format": "exactnets.matrix/1", "rows": [[1, "x"]]}', r"rows\[0\]\[1\]"),
                          ('{"format": "exactnets.matrix/2", "rows": [[1]]}', "format"),
                          ('{"format": "exactnets.matrix/1", "rows": [[1]], "cols": 1}', "unknown key"),
                          ('{"format": "exactnets.matrix/1", "rows": [[NaN]]}', "finite"),
                          ('[1, 2]', "JSON object")]:
        with pytest.raises(FileFormatError, match=message):
            loads_matrix(text, "m.json")
    with pytest.raises(FileFormatError, match="cannot read"):
        read_matrix(tmp_path / "missing.json")


# -- block structure: Claim 4 -------------------------------------------------------------------------------------

@st.composite
def block_matrices(draw):
    size = draw(st.integers(2, 20))
    D = draw(st.integers(1, min(size, 5)))
    w = draw(st.integers(1, 4))
    parts, row_sets, col_sets = [], [], []
    for _ in range(w):
        rows = sorted(draw(st.sets(st.integers(1, size - 1), min_size=D - 1, max_size=D - 1)))
        cols = sorted(draw(st.sets(st.integers(1, size - 1), min_size=D - 1, max_size=D - 1)))
        values = draw(st.lists(st.integers(-4, 4), min_size=D * D, max_size=D * D))
        rb, cb = [0, *rows, size], [0, *cols, size]
        part = np.zeros((size, size), dtype=np.int64)
        for i in range(D):
            for j in range(D):
                part[rb[i]:rb[i + 1], cb[j]:cb[j + 1]] = values[i * D + j]
        parts.append(part)
        row_sets.append(rows)
        col_sets.append(cols)
    return parts, row_sets, col_sets, D


@settings(max_examples=120)
@given(block_matrices())
def test_claim4_sums_of_block_matrices(case):
    parts, row_sets, col_sets, D = case
    w = len(parts)
    total = sum(parts)
    for matrix in (total, np.maximum(total, 0)):
        row_blocks, col_blocks = block_counts(matrix)
        assert row_blocks <= w * (D - 1) + 1 and col_blocks <= w * (D - 1) + 1
        assert set(contiguous_cuts(matrix)) <= set(merge_cuts(*row_sets))
        assert set(contiguous_cuts(matrix, axis=1)) <= set(merge_cuts(*col_sets))
        assert rank(matrix, seed=0).rank <= min(row_blocks, col_blocks)


def test_block_count_examples():
    assert block_counts([[1, 1, 2], [1, 1, 2], [3, 3, 2]]) == (2, 2)
    assert block_counts([[1, 2], [1, 2]], row_order=[1, 0], col_order=[1, 0]) == (1, 2)
    assert merge_cuts([3], [1, 3], [2]) == [1, 2, 3]


# -- Definition 2 and Lemma 4.1 ---------------------------------------------------------------------------------

_PERMUTATIONS = {m: np.array(list(itertools.permutations(range(2**m))), dtype=np.int64) for m in (1, 2, 3)}


def _brute_force_order_exists(vectors, m):
    values = np.array([cube_values(a) for a in vectors], dtype=np.int64)  # (k, 2^m)
    ordered = values[:, _PERMUTATIONS[m]]  # (k, (2^m)!, 2^m)
    return bool(np.any(np.all(ordered[:, :, 1:] >= ordered[:, :, :-1], axis=(0, 2))))


@settings(max_examples=60)
@given(st.integers(1, 3).flatmap(lambda m: st.lists(st.lists(st.integers(-2, 2), min_size=m, max_size=m), min_size=1, max_size=3)))
def test_common_order_agrees_with_brute_force(vectors):
    m = len(vectors[0])
    order = common_order(vectors, m)
    assert order.check(vectors)
    assert order.exists == _brute_force_order_exists(vectors, m)


def test_common_order_certificates_are_checked():
    order = common_order([[1, 0], [0, 1]])
    assert not order.exists and order.check([[1, 0], [0, 1]])
    assert not order.check([[1, 0], [1, 0]])  # the cycle's inequalities do not hold for these vectors
    sigma = common_order([[2, 1]]).sigma
    assert in_cone([2, 1], sigma) and in_cone([1, 1], sigma)
    assert not in_cone([1, 2], sigma)


def test_cone_members_are_members():
    rng = random.Random(1)
    for m in (2, 3, 4):
        sigma, g = generic_order(m, rng)
        members = cone_members(sigma, m, 2)
        assert members and all(in_cone(a, sigma) for a in members)
        assert common_order(members, m).exists


@pytest.mark.parametrize("seed", range(8))
def test_lemma41_block_counts_of_random_def2_circuits(seed):
    rng = random.Random(seed)
    m = 2 + seed % 3
    widths = [rng.randint(1, 4) for _ in range(1 + seed % 3)]
    W = 1 + seed % 3
    net, sigma_x, sigma_y = random_def2_network(rng, m, widths, W)
    G = network_matrix(net, m)
    row_blocks, col_blocks = block_counts(G, sigma_x, sigma_y)
    D = max(len(set(np.asarray(cube_values(part)).tolist()))
            for row in net.layers[0].weights for part in (row[:m], row[m:]))
    assert row_blocks <= widths[0] * (D - 1) + 1 <= widths[0] * m * W + 1 <= math.prod(widths) * m * W + 1
    assert col_blocks <= widths[0] * (D - 1) + 1
    assert rank(G, seed=seed).rank <= min(row_blocks, col_blocks)
