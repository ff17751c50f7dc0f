"""Claims of Malach & Shalev-Shwartz (CLAIMS.md section 3), checked exactly."""

from __future__ import annotations

import itertools

import numpy as np

from exactnets.boolean import Gate, TreeCircuit, circuit_truth_table, count_tree_functions, parity_circuit
from exactnets.domains import cube_point, cube_points
from exactnets.verify.verdict import Verdict, proved, refuted
from proofs.common import rng
from proofs.registry import claim


@claim("MS-Setting", "MS", "tree circuits with arbitrary 2-input gates compute |H| = 16 (n = 2) and 520 (n = 4) functions")
def tree_function_counts(full: bool) -> Verdict:
    counts = {1: count_tree_functions(1), 2: count_tree_functions(2)}
    # Independent count at n = 4: every one of the 16^3 depth-2 circuits, evaluated gate by gate.
    gates = Gate.all()
    seen = {circuit_truth_table(TreeCircuit(2, [[top], [left, right]])).values.tobytes()
            for top, left, right in itertools.product(gates, repeat=3)}
    expected = {1: 16, 2: 520}
    if counts != expected or len(seen) != 520:
        return refuted([], reason=f"counted {counts}, brute force {len(seen)} at n = 4; the paper's class has {expected}")
    return proved("enumeration of the class bottom-up, and at n = 4 of all 4096 circuits", counts=counts, instances=4096 + 2)


@claim("MS-Lemma5", "MS", "for every I, the tree with XOR gates above projection/constant leaves computes prod_{i in I} x_i")
def parity_circuits(full: bool) -> Verdict:
    depths = (1, 2, 3, 4) if full else (1, 2, 3)
    checked = 0
    for d in depths:
        n = 2**d
        points = cube_points(n).astype(np.int64)
        if n <= 8:
            subsets = [s for r in range(n + 1) for s in itertools.combinations(range(n), r)]
        else:
            r = rng(f"MS-Lemma5:{d}")
            subsets = [tuple(i for i in range(n) if r.random() < 0.5) for _ in range(64)]
        for subset in subsets:
            table = circuit_truth_table(parity_circuit(d, subset)).values
            expected = points[:, list(subset)].prod(axis=1) if subset else np.ones(len(points), dtype=np.int64)
            bad = np.nonzero(table != expected)[0]
            if len(bad):
                return refuted(cube_point(n, int(bad[0])), reason=f"d={d}, I={set(subset)}: circuit {table[bad[0]]}, product {expected[bad[0]]}")
            checked += 1
    sampled = ", 64 sampled I at n = 16" if 4 in depths else ""
    return proved(f"exhaustive evaluation over {{-1,1}}^n of {checked} circuits (every I for n <= 8{sampled})",
                  instances=checked)
