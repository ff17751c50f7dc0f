"""The optimality certificate of exact training, and its independent re-check.

Format ``exactnets.train-certificate/1`` (JSON; every number exact, ``"p/q"`` or an integer)::

    {"format": "exactnets.train-certificate/1",
     "problem": {"width", "loss", "output_bias", "weight_decay", "points", "labels"},
     "order": [j_1, ..., j_D],            # the search order of the points (0-based)
     "objective": "p/q",                  # the exact loss of "network"
     "network": {exactnets.network/1},
     "rules": [...],                      # the argument below, in words
     "suffixes": [                        # one tree per suffix order[m:], m = D-1 down to 0
        {"start": m,
         "lower": ["p/q", ...],           # lower[q]: proven bound for networks with q positive units
         "unrealisable": {"bits": {"j": "y_j"}},  # Gordan certificates (bits over order[m:])
         "expanded": ["q:P1|P2", ...],    # nodes whose children were all generated
         "terminal": {"q:P1|P2": record}} # nodes closed by a bound or a rule
     ],
     "summary": {...}}

A record is ``{"kind": "lp", "bound", "dual": {"row": "y"}}`` (a dual vector of the node LP of
:func:`exactnets.train.problem.node_lp`), ``{"kind": "qp", "bound", "multipliers", "x"}`` (an
exact Lagrangian bound of the squared-loss node QP), ``{"kind": "nonnegative"}`` (the loss is
``>= 0``), ``{"kind": "future"}`` (the bound of the unseen points alone) or
``{"kind": "tolerance", "bound_float"}`` (a float bound that could not be confirmed exactly: the
certificate is then only ``tolerance``).  ``"future": m'`` in a record adds ``lower[q]`` of suffix
``m'``, which must lie among the points the node has not seen (``m' >= start + k``; a later
suffix is a subset of them, and losses are ``>= 0``); ``max`` instead of ``+`` for ``linf``.

What :func:`verify_certificate` checks, and why it proves global optimality:

1. The network replays (exact evaluator) to exactly ``objective``: the optimum is at most that.
2. Every network ``sum_i s_i relu(a_i.x + b_i) (+ c)`` is, after sorting its units (positive first;
   by pattern within a sign group, which does not change the function), covered by a chain of
   nodes ``(q, prefix patterns)`` from a root ``(q, "", ..., "")``: choose for each unit a
   realisable full pattern whose closed constraints hold for its weights (one exists: the
   arrangement's cells cover weight space), take prefixes.  The verifier walks each tree from
   the ``w+1`` roots: an ``expanded`` node must have each child (every unit extended by one bit,
   in sorted order within sign groups) either present (expanded or terminal) or excluded because
   a unit's new prefix pattern has a valid Gordan certificate (no realisable pattern extends it).
3. Every terminal node's bound is checked from scratch (dual feasibility in rationals, weak
   duality; the suffix bound it adds was verified first, suffixes being checked from the
   shortest) and must be ``>= lower[q]`` of its tree.  A node's subproblem is a relaxation of
   every network in its subtree on the points it has seen, and ``lower`` of the next suffix bounds
   the rest.  Finally ``min_q lower[q] >= objective`` for the whole data set (suffix 0).
"""

from __future__ import annotations

import itertools
import json
import os
from fractions import Fraction
from typing import Any

from exactnets.errors import FileFormatError, InputError
from exactnets.rational import as_rational, format_rational
from exactnets.train.exact import lp_dual_bound, qp_dual_bound
from exactnets.train.patterns import check_gordan
from exactnets.train.problem import TrainProblem, exact_objective, node_lp

__all__ = ["CERTIFICATE_FORMAT", "build_certificate", "write_certificate", "read_certificate", "verify_certificate",
           "VerifyReport"]

CERTIFICATE_FORMAT = "exactnets.train-certificate/1"

RULES = [
    "model: f(x) = sum_i s_i relu(a_i.x + b_i) (+ c with output_bias); positive units first, q = their number",
    "symmetry: within a sign group, unit patterns are in non-decreasing lexicographic order ('0' < '1')",
    "coverage: every weight vector satisfies the closed constraints of some realisable full pattern",
    "children: a unit prefix pattern is omitted only with a Gordan certificate of unrealisability",
    "bound: a node's subproblem (its prefix points only) is a relaxation of all its completions",
    "nonnegative: every loss is >= 0, so a node can be closed by the bound 0 when the objective is 0",
    "russian doll: on suffix m of the order every network with q positive units has loss >= lower_m[q]; "
    "a node with k prefix points of suffix m adds lower_(m+k)[q] (max for linf) for the points it has not seen",
]


def _fmt(value: Fraction) -> str | int:
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else format_rational(value)


def _record_json(record: dict[str, Any]) -> dict[str, Any]:
    doc = _record_body(record)
    if "future" in record:
        doc["future"] = int(record["future"])
    return doc


def _record_body(record: dict[str, Any]) -> dict[str, Any]:
    kind = record["kind"]
    if kind == "lp":
        return {"kind": "lp", "bound": _fmt(record["bound"]), "dual": {str(i): _fmt(v) for i, v in sorted(record["dual"].items())}}
    if kind == "qp":
        return {"kind": "qp", "bound": _fmt(record["bound"]),
                "multipliers": {str(i): _fmt(v) for i, v in sorted(record["multipliers"].items())},
                "x": [_fmt(v) for v in record["x"]]}
    if kind == "tolerance":
        return {"kind": "tolerance", "bound_float": record["bound_float"]}
    return {"kind": kind}


def build_certificate(problem: TrainProblem, order, objective: Fraction, network, suffixes) -> dict[str, Any]:
    """The certificate of a finished enumeration; ``suffixes[m] = (lower_m (one per q), TaskResult)``."""
    from exactnets.io.network_json import network_to_json

    tolerance = []
    uncertified = 0
    parts = []
    for start in sorted(suffixes, reverse=True):
        lower, result = suffixes[start]
        tolerance += [f"{start}/{key}" for key, record in sorted(result.records.items()) if record["kind"] == "tolerance"]
        uncertified += len(result.uncertified_patterns)
        parts.append({
            "start": start,
            "lower": [_fmt(v) for v in lower],
            "unrealisable": {bits: {str(j): _fmt(v) for j, v in sorted(y.items())}
                             for bits, y in sorted(result.unrealisable.items())},
            "expanded": sorted(result.expanded),
            "terminal": {key: _record_json(record) for key, record in sorted(result.records.items())},
        })
    return {
        "format": CERTIFICATE_FORMAT,
        "problem": problem.to_json(),
        "order": list(order),
        "objective": _fmt(objective),
        "network": network_to_json(network),
        "rules": RULES,
        "suffixes": parts,
        "summary": {"suffixes": len(parts), "expanded": sum(len(p["expanded"]) for p in parts),
                    "terminal": sum(len(p["terminal"]) for p in parts), "tolerance_nodes": tolerance,
                    "uncertified_patterns": uncertified,
                    "certified": "exact" if not tolerance and not uncertified else "tolerance"},
    }


def write_certificate(doc: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write atomically (``FILE.part`` then rename)."""
    from exactnets.io.evaluations import atomic_output

    with atomic_output(path) as stream:
        json.dump(doc, stream, separators=(",", ":"))
        stream.write("\n")


def read_certificate(path: str | os.PathLike[str]) -> dict[str, Any]:
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as handle:
            doc = json.load(handle)
    except OSError as error:
        raise InputError(f"{source}: cannot read the file: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise FileFormatError(f"invalid JSON: {error.msg}", path=source, place=f"line {error.lineno}") from None
    if not isinstance(doc, dict) or doc.get("format") != CERTIFICATE_FORMAT:
        raise FileFormatError(f"not a training certificate (expected \"format\": \"{CERTIFICATE_FORMAT}\")", path=source)
    return doc


class VerifyReport(dict):
    """``{"valid": bool, "certified": "exact"|"tolerance"|None, "objective", "checked", "problems"}``."""


def verify_certificate(doc: dict[str, Any]) -> VerifyReport:
    """Re-check a certificate from scratch (see the module docstring); never raises on a bad
    certificate, it reports the problems instead (a malformed document raises FileFormatError)."""
    from exactnets.io.network_json import network_from_json

    problems: list[str] = []
    try:
        problem = TrainProblem.from_json(doc["problem"])
        order = [int(j) for j in doc["order"]]
        objective = as_rational(doc["objective"], what="objective")
        network = network_from_json(doc["network"], source="certificate network")
        suffixes = {int(part["start"]): part for part in doc["suffixes"]}
    except (KeyError, TypeError, ValueError) as error:
        raise FileFormatError(f"malformed certificate: {error}") from None
    count = problem.size
    if sorted(order) != list(range(count)):
        problems.append("'order' is not a permutation of the points")
        return VerifyReport(valid=False, certified=None, objective=doc.get("objective"), checked=0, problems=problems)
    replay = exact_objective(problem, network)
    if replay != objective:
        problems.append(f"the network replays to {format_rational(replay)}, not the stated objective")
    if network.layers[0].out_dim > problem.width:
        problems.append(f"the network has {network.layers[0].out_dim} hidden units, more than width {problem.width}")
    if not problem.output_bias and network.layers[1].bias[0] != 0:
        problems.append("the network has an output bias but the problem does not allow one")
    if 0 not in suffixes:
        problems.append("no tree for the whole data set (suffix 0)")
        return VerifyReport(valid=False, certified=None, objective=format_rational(objective), checked=0, problems=problems)
    # Lower bounds proven so far, per suffix start: (value, exact?).  The empty suffix has 0.
    proven: dict[int, tuple[list[Fraction], bool]] = {count: ([Fraction(0)] * (problem.width + 1), True)}
    checked = 0
    tolerance: list[str] = []
    for start in sorted(suffixes, reverse=True):
        part = suffixes[start]
        try:
            lower = [as_rational(v, what="lower") for v in part["lower"]]
        except (KeyError, ValueError, TypeError):
            problems.append(f"suffix {start}: unreadable 'lower'")
            continue
        if not 0 <= start < count or len(lower) != problem.width + 1:
            problems.append(f"suffix {start}: no such start, or not one lower bound per q")
            continue
        found = _verify_tree(problem, order, start, lower, part, proven, problems)
        if found is None:
            continue
        nodes, tolerant = found
        checked += nodes
        tolerance += [f"{start}/{key}" for key in tolerant]
        exact_here = not tolerant and all(proven[m][1] for m in _futures_used(part))
        proven[start] = (lower, exact_here)
    if 0 in proven and min(proven[0][0]) < objective:
        problems.append(f"the proven lower bound {format_rational(min(proven[0][0]))} is below the objective")
    valid = not problems
    certified = None
    if valid:
        certified = "exact" if proven[0][1] else "tolerance"
    return VerifyReport(valid=valid, certified=certified, objective=format_rational(objective), checked=checked,
                        tolerance_nodes=tolerance, problems=problems)


def _futures_used(part) -> set[int]:
    return {int(record["future"]) for record in part["terminal"].values() if "future" in record}


def _verify_tree(problem, order, start, lower, part, proven, problems) -> tuple[int, list[str]] | None:
    """Check that every network with ``q`` positive units has loss at least ``lower[q]`` on the
    suffix ``order[start:]``."""
    count = problem.size
    points = [problem.points[j] for j in order[start:]]
    labels = [problem.labels[j] for j in order[start:]]
    lifted = [tuple(p) + (Fraction(1),) for p in points]
    size = len(points)
    w = problem.width
    try:
        expanded = set(part["expanded"])
        terminal = part["terminal"]
        unrealisable = {bits: {int(j): as_rational(v) for j, v in y.items()} for bits, y in part["unrealisable"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        problems.append(f"suffix {start}: malformed tree")
        return None
    gordan_ok: dict[str, bool] = {}

    def unrealisable_ok(bits: str) -> bool:
        if bits not in gordan_ok:
            y = unrealisable.get(bits)
            gordan_ok[bits] = y is not None and check_gordan(lifted, bits, y)
        return gordan_ok[bits]

    before = len(problems)
    tolerant: list[str] = []
    checked = 0
    seen: set[str] = set()
    stack = [(q, ("",) * w) for q in range(w + 1)]
    while stack and len(problems) - before < 20:
        q, patterns = stack.pop()
        key = f"{q}:{'|'.join(patterns)}"
        if key in seen:
            continue
        seen.add(key)
        if key in terminal:
            checked += 1
            record = terminal[key]
            future = Fraction(0)
            if "future" in record:
                m = int(record["future"])
                # any proven suffix among the points the node has not seen (a subset of them:
                # losses are >= 0, so its bound is a bound for them all)
                if m < start + len(patterns[0]) or m not in proven:
                    problems.append(f"suffix {start}, node {key}: uses the bound of suffix {m}, which is not proven here")
                    continue
                future = proven[m][0][q]
            text = _check_record(problem, lifted, labels, q, patterns, record, lower[q], future)
            if text == "tolerance":
                tolerant.append(key)
            elif text:
                problems.append(f"suffix {start}, node {key}: {text}")
            continue
        if key not in expanded:
            problems.append(f"suffix {start}: node {key} is neither closed by a bound nor expanded")
            continue
        if len(patterns[0]) >= size:
            problems.append(f"suffix {start}: node {key} has all points; it must be closed by a bound")
            continue
        for bits in itertools.product("01", repeat=w):
            if any((i < q) == (i + 1 < q) and patterns[i] == patterns[i + 1] and bits[i] > bits[i + 1]
                   for i in range(w - 1)):
                continue
            child = tuple(p + b for p, b in zip(patterns, bits))
            if any(unrealisable_ok(c) for c in set(child)):
                continue
            stack.append((q, child))
    if len(problems) > before:
        return None
    return checked, tolerant


def _check_record(problem, lifted, labels, q, patterns, record, objective, future=Fraction(0)) -> str | None:
    """``None`` if the record proves ``bound (+) future >= objective`` exactly (``(+)`` is ``+``,
    or ``max`` for ``linf``), ``"tolerance"`` for a float record, else what is wrong."""
    kind = record.get("kind")

    def combine(bound):
        return max(bound, future) if problem.loss == "linf" else bound + future

    if kind == "nonnegative":
        return None if objective <= 0 else "closed by the rule 'loss >= 0' but the objective is not 0"
    if kind == "future":
        return None if future >= objective else "its future bound is below the objective"
    if kind == "tolerance":
        return "tolerance"
    if kind == "lp":
        if problem.loss == "squared":
            return "an LP record for the squared loss"
        lp = node_lp(problem, lifted, labels, q, patterns)
        try:
            dual = {int(i): as_rational(v) for i, v in record["dual"].items()}
        except (KeyError, ValueError, TypeError):
            return "unreadable dual vector"
        if any(not 0 <= i < lp.n_rows for i in dual):
            return "dual vector names rows the node LP does not have"
        bound = lp_dual_bound(lp, dual)
        if bound is None:
            return "the dual vector is not dual feasible"
        return None if combine(bound) >= objective else f"its bound {format_rational(bound)} is below the objective"
    if kind == "qp":
        if problem.loss != "squared":
            return "a QP record for a non-squared loss"
        from exactnets.train.convex import squared_node_data

        quad, lin, const, constraints = squared_node_data(problem, lifted, labels, q, patterns)
        try:
            lam = {int(i): as_rational(v) for i, v in record["multipliers"].items()}
            x = [as_rational(v) for v in record["x"]]
        except (KeyError, ValueError, TypeError):
            return "unreadable multipliers"
        if len(x) != len(lin) or any(not 0 <= i < constraints.n_rows for i in lam):
            return "multipliers or point of the wrong size"
        bound = qp_dual_bound(quad, lin, const, constraints, lam, x)
        if bound is None:
            return "the multipliers do not certify a Lagrangian bound"
        return None if combine(bound) >= objective else f"its bound {format_rational(bound)} is below the objective"
    return f"unknown record kind {kind!r}"
