"""The rank and sign-rank claims of Mukherjee & Basu (§4) and Malach & Shalev-Shwartz (§6, App. E).

Every rank below is exact and carries a certificate that is re-checked before it is used
(:func:`exactnets.linalg.verify_rank_certificate`); random instances are seeded
(:func:`proofs.common.rng`), so a refutation can be replayed.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import numpy as np

from exactnets.evaluate import evaluate_cube
from exactnets.linalg import ExactMatrix, MatrixSource, named_matrix, rank, verify_rank_certificate
from exactnets.linalg.blocks import (
    block_counts,
    common_order,
    cone_members,
    contiguous_cuts,
    cube_values,
    generic_order,
    in_cone,
    merge_cuts,
    random_def2_network,
)
from exactnets.linalg.comm import add_constant, network_matrix
from exactnets.network import Layer, Network
from exactnets.signrank import (
    check_sign_agreement,
    mb_theorem_2_5,
    ms_lemma_23,
    ms_round_depth2,
    sign_matrix,
    sign_rank_bounds,
    top_nonzero_shift,
)
from exactnets.verify.verdict import Verdict, proved, refuted
from proofs.common import rng
from proofs.registry import claim


def _certified_rank(matrix: ExactMatrix, seed: int) -> tuple[int, str]:
    """The exact rank, after its certificate has been re-checked; raises if the check fails (a bug)."""
    result = rank(matrix, seed=seed)
    verdict = verify_rank_certificate(result.certificate, matrix)
    if verdict.status != "proved":
        raise AssertionError(f"rank certificate failed its own check: {verdict.reason}")
    return result.rank, verdict.method


# -- Mukherjee & Basu -------------------------------------------------------------------------------------------

def _all_orders_brute_force(vectors: list[list[int]], m: int) -> bool:
    """Is there a common order? By trying every permutation of the 2^m points (m <= 3)."""
    values = np.array([cube_values(a) for a in vectors], dtype=np.int64)  # (k, 2^m)
    permutations = np.array(list(itertools.permutations(range(1 << m))), dtype=np.int64)
    ordered = values[:, permutations]  # (k, (2^m)!, 2^m)
    return bool(np.any(np.all(ordered[:, :, 1:] >= ordered[:, :, :-1], axis=(0, 2))))


@claim("MB-Def2", "MB", "a set of weight vectors has a common cube ordering sigma (all in P_{m,sigma}) iff the "
                        "strict-inequality graph is acyclic; a topological sort gives sigma")
def def2_common_order(full: bool) -> Verdict:
    r = rng("MB-Def2")
    checked = brute = 0
    for m in range(1, (7 if full else 5)):
        for trial in range(30 if full else 12):
            k = r.randint(1, 4)
            W = r.randint(1, 3)
            if trial % 2:  # members of one cone: a common order must be found
                sigma, _ = generic_order(m, r)
                members = cone_members(sigma, m, W)
                vectors = [list(r.choice(members)) for _ in range(k)] if members else [[0] * m]
            else:
                vectors = [[r.randint(-W, W) for _ in range(m)] for _ in range(k)]
            order = common_order(vectors, m)
            if not order.check(vectors):
                return refuted([], f"m={m}: the answer for {vectors} does not check ({order})")
            if trial % 2 and not order.exists:
                return refuted([], f"m={m}: vectors {vectors} share an order by construction, none found")
            if order.exists and not all(in_cone(a, order.sigma) for a in vectors):
                return refuted([], f"m={m}: some vector of {vectors} is not in P_(m,sigma)")
            if m <= (3 if full else 2) or (m == 3 and trial < 4):
                if _all_orders_brute_force(vectors, m) != order.exists:
                    return refuted([], f"m={m}: brute force over all orders disagrees for {vectors}")
                brute += 1
            checked += 1
    return proved(f"{checked} random vector sets (m = 1..{4 if not full else 6}): every sigma and every cycle re-checked "
                  f"exactly; {brute} compared with a search over all (2^m)! orders", instances=checked)


def _random_block_matrix(r: random.Random, size: int, cuts_rows: list[int], cuts_cols: list[int]) -> np.ndarray:
    bounds_r = [0, *cuts_rows, size]
    bounds_c = [0, *cuts_cols, size]
    matrix = np.zeros((size, size), dtype=np.int64)
    for i in range(len(bounds_r) - 1):
        for j in range(len(bounds_c) - 1):
            matrix[bounds_r[i]:bounds_r[i + 1], bounds_c[j]:bounds_c[j + 1]] = r.randint(-5, 5)
    return matrix


@claim("MB-Claim4", "MB", "a sum of w matrices, each block-constant on D contiguous blocks per side (common order), "
                          "is block-constant on w(D-1)+1 contiguous blocks per side; ReLU adds none")
def claim4_block_sums(full: bool) -> Verdict:
    r = rng("MB-Claim4")
    count = 0
    for _ in range(60 if full else 20):
        size = r.randint(2, 48 if full else 24)
        w = r.randint(1, 5)
        D = r.randint(1, min(size, 6))
        total = np.zeros((size, size), dtype=np.int64)
        all_row_cuts, all_col_cuts = [], []
        for _ in range(w):
            rows = sorted(r.sample(range(1, size), D - 1))
            cols = sorted(r.sample(range(1, size), D - 1))
            part = _random_block_matrix(r, size, rows, cols)
            if block_counts(part)[0] > D or block_counts(part)[1] > D:
                return refuted([], "a generated summand has more blocks than D")
            total += part
            all_row_cuts.append(rows)
            all_col_cuts.append(cols)
        bound = w * (D - 1) + 1
        for matrix, label in ((total, "sum"), (np.maximum(total, 0), "relu of the sum")):
            row_blocks, col_blocks = block_counts(matrix)
            if row_blocks > bound or col_blocks > bound:
                return refuted([], f"{label}: {row_blocks} x {col_blocks} blocks > w(D-1)+1 = {bound} (w={w}, D={D}, M={size})")
            if not set(contiguous_cuts(matrix)) <= set(merge_cuts(*all_row_cuts)):
                return refuted([], f"{label}: a row cut outside the merged cut set")
            r_exact, _ = _certified_rank(ExactMatrix(matrix), seed=count)
            if r_exact > min(row_blocks, col_blocks):
                return refuted([], f"{label}: rank {r_exact} > min(#blocks) = {min(row_blocks, col_blocks)}")
        count += 1
    return proved(f"{count} random sums of block-constant matrices: blocks <= w(D-1)+1 per side, cut sets within the "
                  f"merged cuts, certified rank <= min(#row blocks, #column blocks)", instances=count)


def _bottom_distinct_values(net: Network, m: int) -> int:
    first = net.layers[0]
    most = 1
    for row in first.weights:
        most = max(most, len(set(np.asarray(cube_values(row[:m])).tolist())), len(set(np.asarray(cube_values(row[m:])).tolist())))
    return most


@claim("MB-Lemma4.1", "MB", "the matrix G of a ReLU circuit whose bottom weights satisfy Def. 2 has contiguous row and "
                            "column blocks (in the sigma orders), at most w_1(D-1)+1 per side, and rank <= min(blocks)")
def lemma41_blocks(full: bool) -> Verdict:
    r = rng("MB-Lemma4.1")
    count = 0
    largest = (0, 0)
    for m in range(2, 7 if full else 5):
        for _ in range(10 if full else 4):
            widths = [r.randint(1, 4) for _ in range(r.randint(1, 3))]
            W = r.randint(1, 3)
            net, sigma_x, sigma_y = random_def2_network(r, m, widths, W)
            G = network_matrix(net, m)
            row_blocks, col_blocks = block_counts(G, sigma_x, sigma_y)
            D = _bottom_distinct_values(net, m)
            ours = widths[0] * (D - 1) + 1
            explicit = widths[0] * m * W + 1
            mb = math.prod(widths) * m * W + 1
            if max(row_blocks, col_blocks) > ours or ours > explicit or explicit > mb:
                return refuted([], f"m={m} widths={widths} W={W}: blocks {row_blocks} x {col_blocks}, "
                                   f"w1(D-1)+1 = {ours}, w1 mW + 1 = {explicit}, MB (prod w) mW + 1 = {mb}")
            r_exact, _ = _certified_rank(G, seed=count)
            if r_exact > min(row_blocks, col_blocks):
                return refuted([], f"m={m} widths={widths} W={W}: rank {r_exact} > min(blocks) = {min(row_blocks, col_blocks)}")
            largest = max(largest, (row_blocks * col_blocks, r_exact))
            count += 1
    return proved(f"{count} random Def. 2 circuits (m = 2..{6 if full else 4}): blocks <= w1(D-1)+1 <= w1 mW + 1 <= "
                  f"(prod w) mW + 1, and certified rank <= min(row blocks, column blocks) (MB's bound uses their product)",
                  instances=count)


def _top_nonzero(pre, signs):
    """MB-TopNonzero: shift the pre-threshold matrix off zero; the shifted matrix and a failure message or None."""
    shift = top_nonzero_shift(pre)
    shifted = add_constant(pre, shift)
    agree, bad = check_sign_agreement(signs, shifted)
    return shifted, None if agree else f"the MB-TopNonzero shift {shift} changed the sign at {bad}"


@claim("MB-Thm2.5", "MB", "sign-rank of an LTF-of-(ReLU)^(d-1) circuit with Def. 2 bottom weights <= the chain of "
                          "Thm 2.5 (calculator), so computing a function of larger sign-rank needs the calculator's size")
def theorem25_chain(full: bool) -> Verdict:
    r = rng("MB-Thm2.5")
    count = 0
    for m in range(2, 6 if full else 4):
        for _ in range(6 if full else 3):
            widths = [r.randint(1, 3) for _ in range(r.randint(1, 3))]
            W = r.randint(1, 2)
            net, _, _ = random_def2_network(r, m, widths, W, top="ltf")
            shifted, trouble = _top_nonzero(network_matrix(net, m, entries="pre"), network_matrix(net, m, entries="sign"))
            if trouble:
                return refuted([], trouble)
            upper, _ = _certified_rank(shifted, seed=count)
            chain = mb_theorem_2_5(widths, m, W)
            if not upper <= chain["layered"] <= chain["induction"]:
                return refuted([], f"m={m} widths={widths} W={W}: certified sign-rank bound {upper}, chain {chain}")
            count += 1
    # The calculator on the Arkadev-Nikhil function: a certified sign-rank lower bound and the least size.
    a, b = (3, 3) if full else (2, 3)
    an = sign_rank_bounds(named_matrix("an", a, b), representations=[MatrixSource.representation("an", a, b)], tiny=False)
    m = a * b
    least = mb_theorem_2_5([1, 1], m, 1, sign_rank_lower=an.lower)
    return proved(f"{count} random LTF-of-ReLU circuits: certified rank of the shifted pre-threshold matrix <= w1 mW + 1 "
                  f"<= the induction's 1 + w_(d-1)((prod w) mW + 1); AN(a={a}, b={b}): {an.lower} <= sign-rank <= {an.upper}, "
                  f"so a depth-3 circuit with W = 1 needs size >= {least['least_size_induction']}",
                  instances=count, an_bounds=[an.lower, an.upper], least_size=least["least_size_induction"])


# -- Malach & Shalev-Shwartz ------------------------------------------------------------------------------------------

def _random_depth2(r: random.Random, n_prime: int, k: int, B: int, activation: str) -> Network:
    hidden = Layer(activation, [[r.randint(-B, B) for _ in range(2 * n_prime)] for _ in range(k)],
                   [r.randint(-B, B) for _ in range(k)])
    output = Layer("linear", [[Fraction(r.randint(-9, 9), r.randint(1, 5)) for _ in range(k)]], [0])
    return Network(2 * n_prime, [hidden, output], name="random integer depth-2 net")


@claim("MS-Lemma23", "MS", "a depth-2 net with integer weights in [-B, B] (any activation): rank of its matrix <= "
                           "sum_i #<w_i,x> values <= k(Bn'+1), and sign-rank <= 4Bkn'")
def lemma23_rank(full: bool) -> Verdict:
    r = rng("MS-Lemma23")
    count = 0
    for n_prime in range(1, 9 if full else 5):
        for _ in range(6 if full else 3):
            k, B = r.randint(1, 5), r.randint(1, 3)
            activation = r.choice(("relu", "ltf", "hardtanh", "step", "relu"))
            net = _random_depth2(r, n_prime, k, B, activation)
            A = network_matrix(net, n_prime)
            distinct = sum(len(set(np.asarray(cube_values(row[:n_prime])).tolist())) for row in net.layers[0].weights)
            bounds = ms_lemma_23(k, B, n_prime)
            r_exact, _ = _certified_rank(A, seed=count)
            shifted, trouble = _top_nonzero(A, sign_matrix(A))
            if trouble:
                return refuted([], trouble)
            sr_upper, _ = _certified_rank(shifted, seed=count + 1)
            if not (r_exact <= distinct <= bounds["rank_refined"] <= bounds["catalogue"]
                    and sr_upper <= bounds["refined"] <= bounds["paper"]):
                return refuted([], f"n'={n_prime} k={k} B={B} {activation}: rank {r_exact}, distinct values {distinct}, "
                                   f"sign-rank bound {sr_upper}, bounds {bounds}")
            count += 1
    return proved(f"{count} random integer depth-2 nets (n' = 1..{8 if full else 4}; relu, ltf, hardtanh, step): certified "
                  f"rank <= sum of distinct <w_i,x> values <= k(Bn'+1), certified sign-rank bound <= k(Bn'+1)+1 <= 4Bkn'",
                  instances=count)


@claim("MS-Thm12", "MS", "rounding the first layer to ceil(N w)/N with N = ceil(2Bk(2n'+1)/gamma) moves g by at most "
                         "Bk(2n'+1)/N <= gamma/2 on the cube, so sign(g_hat) = sign(g)")
def theorem12_rounding(full: bool) -> Verdict:
    r = rng("MS-Thm12")
    count = 0
    worst = Fraction(0)
    for n_prime in range(1, 7 if full else 4):
        for _ in range(8 if full else 4):
            k, B = r.randint(1, 4), r.randint(1, 3)
            hidden = Layer("relu", [[Fraction(r.randint(-6 * B, 6 * B), 6) for _ in range(2 * n_prime)] for _ in range(k)],
                           [Fraction(r.randint(-6 * B, 6 * B), 6) for _ in range(k)])
            output = Layer("linear", [[Fraction(r.randint(-4 * B, 4 * B), 4) for _ in range(k)]], [Fraction(r.randint(-3, 3), 7)])
            net = Network(2 * n_prime, [hidden, output])
            g = evaluate_cube(net)
            values = [Fraction(int(v), g.denominator) for v in g.numerators[:, 0].tolist()]
            gamma = min(abs(v) for v in values)
            if gamma == 0:
                continue  # the theorem assumes a positive margin
            rounded = ms_round_depth2(net, B, gamma)
            g_hat = evaluate_cube(rounded.network)
            hat = [Fraction(int(v), g_hat.denominator) for v in g_hat.numerators[:, 0].tolist()]
            error = max(abs(a - b) for a, b in zip(values, hat))
            integer_bound = math.ceil(rounded.N * B)
            first = rounded.network.layers[0]
            if not all(w.denominator == 1 and abs(w) <= integer_bound for row in first.weights for w in row):
                return refuted([], "a rounded first-layer weight is not an integer in [-NB, NB]")
            if not error <= rounded.error_bound <= gamma / 2:
                return refuted([], f"n'={n_prime} k={k} B={B}: error {error}, bound {rounded.error_bound}, gamma/2 {gamma / 2}")
            if any((a >= 0) != (b >= 0) for a, b in zip(values, hat)):
                return refuted([], "rounding changed a sign")
            worst = max(worst, error / rounded.error_bound)
            count += 1
    return proved(f"{count} random rational depth-2 ReLU nets with margin gamma = min |g|: exact max |g_hat - g| "
                  f"<= Bk(2n'+1)/N <= gamma/2 over the whole cube (largest ratio error/bound {worst}), signs kept, "
                  f"first layer integer in [-NB, NB]", instances=count)


@claim("MS-Thm11", "MS", "Razborov-Sherstov f_m: certified sign-rank bounds for the sizes that fit (m <= 2); "
                         "the asymptotic 2^Omega(m) itself is not checkable")
def razborov_sherstov_bounds(full: bool) -> Verdict:
    results = {}
    for m in (1, 2):
        bounds = sign_rank_bounds(named_matrix("rs", m), representations=[MatrixSource.representation("rs", m)],
                                  tiny=m == 1)
        results[m] = (bounds.lower, bounds.upper)
    if not results[1][0] <= results[1][1] or not results[2][0] <= results[2][1]:
        return refuted([], f"inconsistent bounds {results}")
    return proved("certified bounds (lower: 2 x 2 witness / Forster / z3; upper: exact rank of a sign representation): "
                  + ", ".join(f"{lo} <= sr(f_{m}) <= {hi}" for m, (lo, hi) in results.items()),
                  bounds={str(m): list(v) for m, v in results.items()})
