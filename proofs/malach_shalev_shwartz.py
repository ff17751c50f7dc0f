"""Claims of Malach & Shalev-Shwartz (CLAIMS.md section 3), checked exactly."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from exactnets.boolean import (Gate, TreeCircuit, TruthTable, apply_level, bias, circuit_truth_table, correlation,
                               count_tree_functions, parity_circuit)
from exactnets.boolean.circuits import (labelled_distribution, lca_margin, level_correlations, level_distributions,
                                        negated_output, node_influences, node_tables, property1_violation,
                                        property2_violation, property3_epsilon, without_noninfluencing_gates)
from exactnets.constructions.malach_shalev_shwartz import (GENERATIVE_GATES, generative_distributions,
                                                           generative_probability, lemma8_recursion)
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


# -- Sec. 4-5: exact distributions, correlations and influences (CLAIMS.md MS-Defs-Correlation ff.) --

def _random_circuit(r, depth: int, gates: Sequence[Gate] | None = None) -> TreeCircuit:
    pool = list(gates) if gates is not None else list(Gate.all())
    return TreeCircuit(depth, [[r.choice(pool) for _ in range(2**i)] for i in range(depth)])


def _random_probability(r, denominator: int = 12) -> Fraction:
    return Fraction(r.randint(1, denominator - 1), denominator)


def _brute_influence(circuit: TreeCircuit, i: int, j: int) -> Fraction:
    """``P_z[Gamma_{1..i}(z) != Gamma_{1..i}(z with z_j flipped)]`` by applying the levels one by one."""
    def up(z):
        for level in range(i, 0, -1):
            z = apply_level(circuit, level, z)
        return z[0]
    changed = 0
    for z in itertools.product((1, -1), repeat=2**i):
        flipped = list(z)
        flipped[j] = -flipped[j]
        changed += up(z) != up(flipped)
    return Fraction(changed, 2 ** (2**i))


@claim("MS-Defs-Correlation", "MS", "c_{i,j} = E_{D^(i)}[z_j y], E[y] and the influences I_{i,j} (of node (i,j) on the output through "
       "Gamma_{1..i}) computed by pushing D up the tree equal direct exact sums over the cube")
def definitions_agree(full: bool) -> Verdict:
    r = rng("MS-Defs-Correlation")
    sizes = [(1, 12), (2, 16), (3, 5)] + ([(2, 16), (3, 10), (4, 1)] if full else [])
    checked = 0
    for depth, count in sizes:
        for _ in range(count):
            circuit = _random_circuit(r, depth)
            p = [_random_probability(r) for _ in range(circuit.n)]
            D = labelled_distribution(circuit, p)
            tables = node_tables(circuit)
            label = TruthTable(circuit.n, tables[0][:, 0])
            if D.bias() != bias(label, p):
                return refuted([], reason=f"{circuit}: E[y] {D.bias()} vs direct {bias(label, p)}")
            correlations = level_correlations(circuit, D)
            influence = node_influences(circuit)
            for (i, j), c in correlations.items():
                direct = correlation(TruthTable(circuit.n, tables[i][:, j]), label, p)
                if c != direct:
                    return refuted([i, j + 1], reason=f"{circuit}, p={p}: c = {c} pushed up, {direct} directly")
                if i <= 3 and influence[(i, j)] != _brute_influence(circuit, i, j):
                    return refuted([i, j + 1], reason=f"{circuit}: influence {influence[(i, j)]} vs brute force")
            checked += 1
    return proved(f"exact sums over the cube for {checked} random circuits (all 16 gates) and rational product distributions",
                  instances=checked)


def _lca_instance(r, depth: int):
    """A random circuit (normalised: non-influencing gates constant, E[y] >= 0) and product p with LCA."""
    while True:
        circuit = without_noninfluencing_gates(_random_circuit(r, depth))
        p = [Fraction(r.choice((1, 2, 3, 9, 10, 11)), 12) for _ in range(circuit.n)]
        D = labelled_distribution(circuit, p)
        if D.bias() < 0:  # MS: w.l.o.g. E[y] >= 0 (swap the labels)
            circuit = negated_output(circuit)
            D = labelled_distribution(circuit, p)
        margin = lca_margin(circuit, D)
        if margin is not None and margin > 0:
            return circuit, p, D, margin


@claim("MS-Lemma3", "MS", "a Delta-non-degenerate product distribution with LCA satisfies Properties 1-3 with eps = Delta^2/4 "
       "(and P[z_j = 1] in (Delta/2, 1 - Delta/2) at every influencing node)")
def lemma3(full: bool) -> Verdict:
    r = rng("MS-Lemma3")
    sizes = [(1, 10), (2, 20), (3, 6)] + ([(2, 20), (3, 40)] if full else [])
    checked = 0
    for depth, count in sizes:
        for _ in range(count):
            circuit, p, D, margin = _lca_instance(r, depth)
            # The largest Delta both hypotheses allow, halved so that every inequality is strict.
            delta = min([margin] + [min(q, 1 - q) for q in p]) / 2
            label = f"{[g.name for level in circuit.levels for g in level]}, p={[str(q) for q in p]}, Delta={delta}"
            levels = level_distributions(circuit, D)
            if property1_violation(circuit, levels, delta) is not None:
                return refuted([], reason=f"Property 1 fails: {label}")
            if (bad := property2_violation(circuit, levels)) is not None:
                return refuted([bad[0], bad[1] + 1], reason=f"Property 2 fails: {label}")
            if (eps := property3_epsilon(circuit, levels)) < delta**2 / 4:
                return refuted([eps], reason=f"Property 3: least pattern probability {eps} < Delta^2/4: {label}")
            influence = node_influences(circuit)
            for (i, j), value in influence.items():
                q = levels[i].marginal(j)
                if value and not delta / 2 < q < 1 - delta / 2:
                    return refuted([i, j + 1, q], reason=f"P[z_j = 1] = {q} outside (Delta/2, 1 - Delta/2): {label}")
            checked += 1
    return proved(f"exact distributions of {checked} random normalised circuits with LCA product distributions "
                  "(n = 2 .. 8), Delta = half the largest admissible", instances=checked)


def _parity_instance(r, depth: int, k: int):
    n = 2**depth
    subset = sorted(r.sample(range(n), k))
    xi = Fraction(r.randint(1, 23), 100)  # xi in (0, 1/4)
    p = []
    for _ in range(n):
        # p_j uniform-ish in (xi, 1/2 - xi) or (1/2 + xi, 1 - xi), rational with denominator 1000.
        lo, hi = (xi, Fraction(1, 2) - xi) if r.random() < 0.5 else (Fraction(1, 2) + xi, 1 - xi)
        p.append(lo + (hi - lo) * Fraction(r.randint(1, 999), 1000))
    return subset, xi, p


def _parity_normal_form(depth: int, subset: Sequence[int]) -> TreeCircuit:
    """Lemma 5's parity circuit with the first-level rule at every level: a gate is XOR if both of
    its subtrees hold bits of ``I``, the projection onto the one that does, and the constant +1 if
    neither does.

    Why: the seed puts XOR on every higher gate.  A node over no bit of ``I`` then computes the
    constant 1 yet has influence 1 by MS's definition (uniform values of level ``i``), and there
    ``c = E[y]``, so Lemma 6's "if I_{i,j} != 0 then |c| - |E[y]| >= (2 xi)^k" fails.  The proof
    of Lemma 6 assumes such nodes have no influence; this circuit (same function) makes it so.
    """
    members = set(subset)
    choice = {(True, True): Gate.xor(), (True, False): Gate.first(), (False, True): Gate.second(),
              (False, False): Gate.constant(1)}
    levels = []
    for i in range(depth):
        width = 2 ** (depth - i - 1)  # leaves under each child of a level-i gate
        levels.append([choice[(any(l in members for l in range(2 * j * width, (2 * j + 1) * width)),
                               any(l in members for l in range((2 * j + 1) * width, (2 * j + 2) * width)))]
                       for j in range(2**i)])
    return TreeCircuit(depth, levels)


def _seed_circuit_gaps(depth: int, subset: Sequence[int]) -> int:
    """How many nodes of the seed's parity circuit have influence but see no bit of ``I``."""
    influence = node_influences(parity_circuit(depth, subset))
    width = lambda i: 2 ** (depth - i)  # noqa: E731
    return sum(1 for (i, j), v in influence.items()
               if v and not any(j * width(i) <= l < (j + 1) * width(i) for l in subset))


def _check_parity(depth: int, subset: Sequence[int], xi: Fraction, p: Sequence[Fraction], delta: Fraction) -> str | None:
    """``None`` if Lemma 6's formulas and bounds hold on this instance, else what failed."""
    circuit = _parity_normal_form(depth, subset)
    if circuit_truth_table(circuit).values.tolist() != circuit_truth_table(parity_circuit(depth, subset)).values.tolist():
        return "the normal-form circuit does not compute the parity"
    D = labelled_distribution(circuit, p)
    levels = level_distributions(circuit, D)
    influence = node_influences(circuit)
    bias_formula = _product(2 * p[j] - 1 for j in subset)
    if D.bias() != bias_formula:
        return f"E[y] = {D.bias()}, formula {bias_formula}"
    for i in range(1, depth + 1):
        width = 2 ** (depth - i)
        for j in range(2**i):
            relevant = [l for l in subset if j * width <= l < (j + 1) * width]  # I' = I n J_{i,j}
            if (influence[(i, j)] != 0) != bool(relevant):
                return f"node ({i},{j + 1}): influence {influence[(i, j)]} but I' = {relevant}"
            if not relevant:
                continue
            c = levels[i].correlation(j)
            formula = _product(2 * p[l] - 1 for l in subset if l not in relevant)
            if c != formula:
                return f"c_({i},{j + 1}) = {c}, formula prod_(I minus I') (2p - 1) = {formula}"
            if not abs(c) - abs(D.bias()) > delta:
                return f"|c_({i},{j + 1})| - |E[y]| = {abs(c) - abs(D.bias())} not > {delta}"
            q = levels[i].marginal(j)
            if not xi < q < 1 - xi:
                return f"P[z_{j + 1} = 1] = {q} outside (xi, 1 - xi) at level {i}"
    return None


def _product(values) -> Fraction:
    out = Fraction(1)
    for v in values:
        out *= v
    return out


@claim("MS-Lemma6", "MS", "k-parity under a product distribution with p_j in (xi, 1/2 - xi) u (1/2 + xi, 1 - xi): "
       "c_{i,j} = prod_{I minus I'} (2p - 1), E[y] = prod_I (2p - 1), |c| - |E[y]| > (2 xi)^k and P[z_j = 1] in (xi, 1 - xi)")
def lemma6(full: bool) -> Verdict:
    r = rng("MS-Lemma6")
    cases = [(1, 12), (2, 30), (3, 12)] + ([(3, 30), (4, 1)] if full else [])
    checked = gaps = 0
    for depth, count in cases:
        for _ in range(count):
            k = r.randint(1, 2**depth)
            subset, xi, p = _parity_instance(r, depth, k)
            if (why := _check_parity(depth, subset, xi, p, (2 * xi) ** k)) is not None:
                return refuted(p, reason=f"d={depth}, I={subset}, xi={xi}: {why}")
            gaps += _seed_circuit_gaps(depth, subset)
            checked += 1
    return proved(f"exact distributions pushed up {checked} parity circuits (n = 2 .. {2 ** cases[-1][0]}, random I, xi, p), "
                  f"in the normal form where nodes over no bit of I have no influence (with the seed's all-XOR upper gates "
                  f"{gaps} such nodes have influence 1 and c = E[y], where the lemma's bound fails)",
                  instances=checked, seed_circuit_nodes_without_lca=gaps)


@claim("MS-Cor7", "MS", "(log n)-parity under such a product distribution satisfies Properties 1-3 with Delta = (2 xi)^(log2 n) "
       "and eps = xi^2, the hypotheses of Theorem 4 (polynomial in n)")
def corollary7(full: bool) -> Verdict:
    r = rng("MS-Cor7")
    cases = [(1, 10), (2, 20), (3, 8)] + ([(3, 30)] if full else [])
    checked = 0
    for depth, count in cases:
        for _ in range(count):
            k = depth  # k = log2 n
            subset, xi, p = _parity_instance(r, depth, k)
            circuit = _parity_normal_form(depth, subset)
            D = labelled_distribution(circuit, p)
            if D.bias() < 0:
                circuit = negated_output(circuit)  # w.l.o.g. E[y] >= 0: |c| is unchanged
                D = labelled_distribution(circuit, p)
            delta = (2 * xi) ** k
            label = f"d={depth}, I={subset}, xi={xi}"
            if (why := _check_parity(depth, subset, xi, p, delta)) is not None:
                return refuted(p, reason=f"{label}: {why}")
            levels = level_distributions(circuit, D)
            if property1_violation(circuit, levels, delta) is not None:
                return refuted(p, reason=f"{label}: Property 1 fails with Delta = (2 xi)^k = {delta}")
            if property2_violation(circuit, levels) is not None:
                return refuted(p, reason=f"{label}: Property 2 fails")
            if (eps := property3_epsilon(circuit, levels)) < xi**2:
                return refuted(p, reason=f"{label}: Property 3: least pattern probability {eps} < xi^2")
            checked += 1
    return proved(f"exact Properties 1-3 on {checked} (log2 n)-parity instances, n = 2 .. 8",
                  instances=checked)


_GENERATIVE = tuple(GENERATIVE_GATES.values())


def _generative_instances(r, full: bool):
    """Every AND/OR/NAND/NOR circuit of depth 1 and 2, and random ones of depth 3."""
    for depth in (1, 2):
        for combo in itertools.product(_GENERATIVE, repeat=2**depth - 1):
            yield TreeCircuit(depth, [combo[2**i - 1: 2 ** (i + 1) - 1] for i in range(depth)])
    for depth, count in [(3, 30 if full else 6)]:
        for _ in range(count):
            yield _random_circuit(r, depth, _GENERATIVE)


@claim("MS-GenModel", "MS", "the generative distribution D^(d) of an AND/OR/NAND/NOR tree has P[(x, y)] = 1/2 prod_gates 1/|S^(v)| "
       "if y = h_C(x) and 0 otherwise (top-down sampling = bottom-up closed form)")
def generative_model(full: bool) -> Verdict:
    r = rng("MS-GenModel")
    checked = 0
    for circuit in _generative_instances(r, full):
        D = generative_distributions(circuit)[-1]
        labels = circuit_truth_table(circuit).values
        for k, x in enumerate(cube_points(circuit.n)):
            x = tuple(int(v) for v in x)
            for y in (1, -1):
                q = D.probabilities.get((x, y), Fraction(0))
                if q != generative_probability(circuit, x, y):
                    return refuted(x, reason=f"{circuit}: P[(x, {y})] = {q}, closed form {generative_probability(circuit, x, y)}")
                if q and y != labels[k]:
                    return refuted(x, reason=f"{circuit}: D^(d) puts mass on a mislabelled point")
        checked += 1
    return proved(f"exact probabilities of every (x, y) for {checked} circuits (all of depth 1-2, random deeper)",
                  instances=checked)


@claim("MS-Lemma9", "MS", "Gamma_i(D^(i)) = D^(i-1) for the generative distributions of every AND/OR/NAND/NOR tree")
def lemma9(full: bool) -> Verdict:
    r = rng("MS-Lemma9")
    checked = 0
    for circuit in _generative_instances(r, full):
        generated = generative_distributions(circuit)
        pushed = level_distributions(circuit, generated[-1])
        for i in range(circuit.depth):
            if generated[i] != pushed[i]:
                return refuted([i], reason=f"{circuit}: Gamma_{{{i + 1}}}(D^({i + 1})) differs from D^({i})")
        checked += 1
    return proved(f"exact push-forward of {checked} generative distributions, level by level", instances=checked)


def _lemma8_failure(circuit: TreeCircuit) -> str | None:
    levels = generative_distributions(circuit)
    if levels[-1].bias() != 0:
        return f"E[y] = {levels[-1].bias()}, not 0"
    for i in range(1, circuit.depth + 1):
        for j in range(2**i):
            c = levels[i].correlation(j)
            if abs(c) != Fraction(2, 3) ** i:
                return f"|c_({i},{j + 1})| = {abs(c)}, not (2/3)^{i}"
            for y in (1, -1):
                here = levels[i].probability(lambda x, yy: x[j] == 1 and yy == y) / Fraction(1, 2)
                before = levels[i - 1].probability(lambda z, yy: z[j // 2] == 1 and yy == y) / Fraction(1, 2)
                if here != lemma8_recursion(circuit.levels[i - 1][j // 2], before):
                    return f"P[x_{j + 1} = 1 | y = {y}] at level {i} = {here}, recursion gives " \
                           f"{lemma8_recursion(circuit.levels[i - 1][j // 2], before)}"
    return None


@claim("MS-Lemma8", "MS", "for the generative distribution of an AND/OR/NAND/NOR tree, |c_{i,j}| - E[y] >= (2/3)^d; "
       "exactly |c_{i,j}| = (2/3)^i, E[y] = 0, and P[x_j = 1 | y] follows the corrected maps (2/3)p + 1/3, (2/3)p, 1 - (2/3)p, 2/3 - (2/3)p")
def lemma8(full: bool) -> Verdict:
    r = rng("MS-Lemma8")
    checked = 0
    for circuit in _generative_instances(r, full):
        if (why := _lemma8_failure(circuit)) is not None:
            return refuted([circuit.depth], reason=f"{circuit}: {why}")
        checked += 1
    return proved(f"exact correlations of {checked} generative distributions (all depth 1-2 circuits, random deeper)",
                  instances=checked)


@claim("MS-Lemma8-as-printed", "MS", "as printed: |c_{i,j}| - E[y] > (2/3)^d strictly (false: equality at i = d)", expect="refuted")
def lemma8_as_printed(full: bool) -> Verdict:
    r = rng("MS-Lemma8-as-printed")
    for circuit in _generative_instances(r, full):
        levels = generative_distributions(circuit)
        d = circuit.depth
        for j in range(2**d):
            gap = abs(levels[d].correlation(j)) - levels[d].bias()
            if not gap > Fraction(2, 3) ** d:
                names = "/".join(g.name for level in circuit.levels for g in level)
                return refuted([d, d, j + 1, gap], reason=f"circuit {names} (gates level by level): at (i, j) = ({d}, {j + 1}) "
                               f"|c| - E[y] = {gap} = (2/3)^{d}, not > (2/3)^{d} (counterexample: d, i, j, |c| - E[y])",
                               circuit=names)
    return proved("no instance with equality found")


@claim("MS-Cor10", "MS", "for every AND/OR/NAND/NOR tree, D^(d) satisfies Properties 1-3: every node influences, LCA margin "
       "exactly (2/3)^d (so any Delta < (2/3)^d), conditional independence, and eps >= (1/4)^d for d >= 2 (1/6 at d = 1)")
def corollary10(full: bool) -> Verdict:
    r = rng("MS-Cor10")
    checked = 0
    least: dict[int, Fraction] = {}
    for circuit in _generative_instances(r, full):
        D = generative_distributions(circuit)
        d = circuit.depth
        label = "/".join(g.name for level in circuit.levels for g in level)
        if any(v == 0 for v in node_influences(circuit).values()):
            return refuted([d], reason=f"{label}: a node without influence")
        if (margin := lca_margin(circuit, D)) != Fraction(2, 3) ** d:
            return refuted([d, margin], reason=f"{label}: LCA margin {margin}, expected (2/3)^d")
        if property1_violation(circuit, D, Fraction(2, 3) ** d * Fraction(99, 100)) is not None:
            return refuted([d], reason=f"{label}: Property 1 fails below (2/3)^d")
        if property2_violation(circuit, D) is not None:
            return refuted([d], reason=f"{label}: Property 2 fails")
        eps = property3_epsilon(circuit, D)
        least[d] = min(eps, least.get(d, eps))
        if (d >= 2 and eps < Fraction(1, 4) ** d) or (d == 1 and eps != Fraction(1, 6)):
            return refuted([d, eps], reason=f"{label}: least pattern probability {eps}")
        checked += 1
    return proved(f"exact Properties 1-3 for {checked} generative distributions; least pattern probability by depth "
                  f"{ {d: str(e) for d, e in sorted(least.items())} } (the paper's eps = (1/4)^d = 1/n^2 fails only at n = 2)",
                  instances=checked)


# -- Algorithm 1, run and checked exactly -----------------------------------------------------------

def _alg1_instances(full: bool):
    """``(label, circuit, exact distribution)``: trees with n = 4 and 8 under distributions meeting MS's hypotheses.

    Product distributions with LCA (the influence normal form of parities, Lemma 6, and an
    AND/OR tree) and Sec. 5.2's generative distributions (Corollary 10).
    """
    q, Q = Fraction(1, 4), Fraction(3, 4)
    and_or = TreeCircuit(2, [[Gate.or_()], [Gate.and_(), Gate.and_()]])
    yield "parity{x1,x3}, p=(3/4,1/4,3/4,1/4)", _parity_normal_form(2, [0, 2]), labelled_distribution(_parity_normal_form(2, [0, 2]), [Q, q, Q, q])
    yield "OR(AND, AND), p=7/12", and_or, labelled_distribution(and_or, [Fraction(7, 12)] * 4)
    gen3 = TreeCircuit(3, [[Gate.and_()], [Gate.or_(), Gate.nand()], [Gate.nor(), Gate.and_(), Gate.or_(), Gate.nand()]])
    yield "generative AND/OR/NAND/NOR tree, n=8", gen3, generative_distributions(gen3)[-1]
    if full:
        gen2 = TreeCircuit(2, [[Gate.nor()], [Gate.nand(), Gate.or_()]])
        yield "generative NOR(NAND, OR), n=4", gen2, generative_distributions(gen2)[-1]
        par3 = _parity_normal_form(3, [0, 3, 5])
        yield "parity{x1,x4,x6}, p in {1/4,3/4}", par3, labelled_distribution(par3, [Q, q, Q, Q, q, Q, q, Q])


@claim("MS-Alg1", "MS", "Algorithm 1 (layerwise GD on neural gates, seeded runs on n = 4 and 8 under LCA product and generative "
       "distributions) returns networks that, with their trained weights taken exactly, compute h_C on all of {-1,1}^n")
def algorithm1(full: bool) -> Verdict:
    from exactnets.experiments.ms_layerwise import LayerwiseConfig, run_algorithm1, sample_distribution

    seeds = range(5) if full else range(1)
    runs = []
    for label, circuit, distribution in _alg1_instances(full):
        margin = lca_margin(circuit, distribution)
        if distribution.bias() < 0 or margin is None or margin <= 0:
            return refuted([], reason=f"{label}: the instance does not meet MS's hypotheses (E[y] >= 0, LCA)")
        for seed in seeds:
            sample = sample_distribution(distribution, 3000, np.random.default_rng([20191027, seed]))
            result = run_algorithm1(circuit, sample, LayerwiseConfig(seed=seed))
            if result.verdict.status != "proved":
                v = result.verdict
                return Verdict(v.status, v.method, v.counterexample, f"{label}, seed {seed}: {v.reason}", dict(v.details))
            runs.append(f"{label} (seed {seed}, LCA margin {margin})")
    return proved(f"{len(runs)} seeded runs (sample 3000, width k = 32, T = 2000, eta = 0.05); each returned network, with "
                  f"its float weights as exact binary rationals, equals h_C at every point of the cube (exact enumeration)",
                  instances=len(runs), runs=runs)


@claim("MS-AppB", "MS", "Lemma 15 for the loss as defined (hinge + lambda|1 - yhat|, lambda = E[y] + Delta/4): at a pattern p with "
       "<w_l, p> > 0 and g(p) in (-1, 1), <dL/dw_l, p> = (4 v_l / n_i) E[-(y + lambda) 1{pair = p}] exactly, and "
       "-gamma(p) v_l nu_j <dL/dw_l, p> > eps Delta / (sqrt 2 n_i)")
def lemma15(full: bool) -> Verdict:
    from exactnets.experiments.ms_layerwise import population_gradient

    r = rng("MS-AppB")
    count = 25 if full else 10
    checked = instances = 0
    for depth in (1, 2, 3) if full else (1, 2):
        for _ in range(count):
            circuit, p, D, margin = _lca_instance(r, depth)
            levels = level_distributions(circuit, D)
            delta = min([margin] + [min(q, 1 - q) for q in p]) / 2
            eps = property3_epsilon(circuit, levels)
            lam = D.bias() + delta / 4
            i = r.randint(1, depth)  # the block B^(i): inputs are level i's values (psi = id)
            gates, k = 2 ** (i - 1), 4
            n_i = 2 * gates
            w = [[(Fraction(r.randint(-20, 20), 400), Fraction(r.randint(-20, 20), 400)) for _ in range(k)] for _ in range(gates)]
            v = [[r.choice((1, -1)) for _ in range(k)] for _ in range(gates)]
            grad = population_gradient(levels[i], w, v, lam)
            bound_squared = (eps * delta) ** 2 / (2 * n_i**2)  # (eps Delta / (sqrt 2 n_i))^2, compared exactly
            for j, gate in enumerate(circuit.levels[i - 1]):
                nu = 1 if levels[i - 1].correlation(j) >= 0 else -1
                for l in range(k):
                    for pattern in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                        pre = w[j][l][0] * pattern[0] + w[j][l][1] * pattern[1]
                        s = sum((v[j][m] * max(w[j][m][0] * pattern[0] + w[j][m][1] * pattern[1], Fraction(0))
                                 for m in range(k)), Fraction(0))
                        mass = levels[i].probability(lambda z, y: (z[2 * j], z[2 * j + 1]) == pattern)
                        if mass == 0 or pre <= 0 or not -1 < s < 1:
                            continue  # outside the lemma's hypotheses
                        projection = grad[j][l][0] * pattern[0] + grad[j][l][1] * pattern[1]
                        formula = Fraction(4 * v[j][l], n_i) * levels[i].expectation(
                            lambda z, y: -(y + lam) * ((z[2 * j], z[2 * j + 1]) == pattern))
                        where = f"{circuit}, p={[str(q) for q in p]}, level {i}, gate {j + 1}, unit {l + 1}, pattern {pattern}"
                        if projection != formula:
                            return refuted([projection, formula], reason=f"gradient identity fails: {where}")
                        q = -gate(*pattern) * v[j][l] * nu * projection
                        if not (q > 0 and q * q > bound_squared):
                            return refuted([q, eps, delta], reason=f"Lemma 15's inequality fails: {where}")
                        checked += 1
            instances += 1
    return proved(f"exact population gradients on {instances} random LCA instances, {checked} (unit, pattern) pairs "
                  f"meeting the hypotheses; the seed's proof prints the factor as 2 sqrt2 / n_i (it is <p, p> = 2, so "
                  f"4 / n_i) and the loss derivative as (lambda - y) (for lambda|1 - yhat| it is -(y + lambda))",
                  instances=instances, pairs=checked)
