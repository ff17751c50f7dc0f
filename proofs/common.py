"""Shared pieces of the claim checks: seeded instance streams and verdict aggregation."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from fractions import Fraction

from exactnets.verify.verdict import Verdict, proved, refuted, unknown

#: Every random instance stream starts here, so a refutation can be reproduced.
SEED = 20161110


def rng(tag: str) -> random.Random:
    return random.Random(f"{SEED}:{tag}")


def small_rational(r: random.Random, numerator: int = 9, denominator: int = 6) -> Fraction:
    return Fraction(r.randint(-numerator, numerator), r.randint(1, denominator))


def all_proved(instances: Iterable[tuple[str, Callable[[], Verdict]]], method: str) -> Verdict:
    """Run each instance check; the first refutation wins, else one verdict for all of them."""
    count = 0
    for label, check in instances:
        verdict = check()
        if verdict.status != "proved":
            details = dict(verdict.details)
            details["instance"] = label
            return Verdict(verdict.status, verdict.method, verdict.counterexample,
                           f"{label}: {verdict.reason}" if verdict.reason else label, details)
        count += 1
    return proved(f"{method}; {count} instances", instances=count)


def equivalence_verdict(result) -> Verdict:
    """An equivalence result as a claim verdict (a counterexample was already replayed by the engine)."""
    if result.verdict == "equivalent":
        return proved(result.method)
    if result.verdict == "counterexample":
        return refuted(result.counterexample.x, reason=result.summary())
    return unknown(result.reason or "unknown")
