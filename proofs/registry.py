"""The claim registry and the runner behind ``exactnets prove``."""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from exactnets.errors import InputError
from exactnets.verify.verdict import Verdict, unknown

__all__ = ["Claim", "claim", "all_claims", "select_claims", "run_claims", "CLAIM_MODULES"]

#: Modules that register claims, one per paper (imported on first use).
CLAIM_MODULES = ("proofs.mukherjee_basu", "proofs.malach_shalev_shwartz")


@dataclasses.dataclass(frozen=True)
class Claim:
    """A paper claim with the check that decides it."""

    id: str  # the CLAIMS.md tag, e.g. "MB-Claim5"
    paper: str  # MB, MS, PS, ABMM, VS
    statement: str
    check: Callable[[bool], Verdict]


_REGISTRY: dict[str, Claim] = {}


def claim(id: str, paper: str, statement: str) -> Callable[[Callable[[bool], Verdict]], Callable[[bool], Verdict]]:
    """Decorator registering ``check(full) -> Verdict`` under the CLAIMS.md tag ``id``."""

    def register(check: Callable[[bool], Verdict]) -> Callable[[bool], Verdict]:
        if id in _REGISTRY:
            raise ValueError(f"claim {id} is registered twice")
        _REGISTRY[id] = Claim(id, paper, statement, check)
        return check

    return register


def all_claims() -> list[Claim]:
    for module in CLAIM_MODULES:
        importlib.import_module(module)
    return list(_REGISTRY.values())


def select_claims(prefixes: Sequence[str] | None) -> list[Claim]:
    claims = all_claims()
    if not prefixes:
        return claims
    chosen = [c for c in claims if any(c.id.startswith(p) for p in prefixes)]
    if not chosen:
        raise InputError(f"no claim id starts with {', '.join(prefixes)}; 'exactnets prove --list' shows them")
    return chosen


def run_claims(claims: Iterable[Claim], *, full: bool, echo: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """Run every check; a check that raises is reported as unknown with the error, never hidden."""
    started = time.perf_counter()
    results = []
    counts = {"proved": 0, "refuted": 0, "unknown": 0}
    for item in claims:
        t0 = time.perf_counter()
        try:
            verdict = item.check(full)
        except Exception as error:  # noqa: BLE001 - a broken check must not stop the others
            verdict = unknown(f"the check raised {type(error).__name__}: {error}")
        seconds = time.perf_counter() - t0
        counts[verdict.status] += 1
        results.append({"id": item.id, "paper": item.paper, "statement": item.statement,
                        "seconds": round(seconds, 3), **verdict.to_json()})
        if echo is not None:
            echo(f"{verdict.status.upper():<8} {item.id:<22} {verdict.summary()}  [{seconds:.2f} s]")
    return {"mode": "full" if full else "quick", "counts": counts, "claims": results,
            "seconds": time.perf_counter() - started}
