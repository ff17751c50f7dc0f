"""The claim registry and the runner behind ``exactnets prove``.

A claim is registered under its CLAIMS.md tag with the check that decides it:

* ``@claim(id, paper, statement)``: the check must prove the claim on its instances;
* ``@claim(..., expect="refuted")``: a misprint in a paper, shown wrong by an exact
  counterexample (reported as ``expected-refutation``);
* ``cite_only(id, paper, statement, why)``: an asymptotic or probabilistic statement that no
  finite check decides; listed with the reason.

The runner's verdict per claim is one of ``proved``, ``expected-refutation``, ``refuted`` (a
failure), ``unknown`` and ``cite-only``; the run is ``ok`` iff every verdict is the expected one.
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from exactnets.errors import InputError
from exactnets.verify.verdict import Verdict, unknown

__all__ = ["Claim", "claim", "cite_only", "all_claims", "select_claims", "run_claims", "CLAIM_MODULES", "PAPERS"]

#: Modules that register claims (imported on first use).
CLAIM_MODULES = ("proofs.mukherjee_basu", "proofs.malach_shalev_shwartz", "proofs.pan_srikumar",
                 "proofs.vardi_shamir", "proofs.arora", "proofs.constructions_claims", "proofs.rank_claims",
                 "proofs.misprints", "proofs.cited")

#: The papers, by the short names CLAIMS.md uses.
PAPERS = ("MB", "MS", "VS", "PS", "ABMM")


@dataclasses.dataclass(frozen=True)
class Claim:
    """A paper claim with the check that decides it (``check`` is None for cite-only claims)."""

    id: str  # the CLAIMS.md tag, e.g. "MB-Claim5"
    paper: str  # MB, MS, VS, PS, ABMM
    statement: str
    check: Callable[[bool], Verdict] | None
    expect: str = "proved"  # or "refuted" for a misprint, "cite-only"
    why: str = ""  # for cite-only claims: why no finite check decides it


_REGISTRY: dict[str, Claim] = {}


def _register(item: Claim) -> None:
    if item.id in _REGISTRY:
        raise ValueError(f"claim {item.id} is registered twice")
    if item.paper not in PAPERS:
        raise ValueError(f"claim {item.id}: unknown paper {item.paper!r}")
    _REGISTRY[item.id] = item


def claim(id: str, paper: str, statement: str, *, expect: str = "proved") -> Callable[[Callable[[bool], Verdict]], Callable[[bool], Verdict]]:
    """Decorator registering ``check(full) -> Verdict`` under the CLAIMS.md tag ``id``."""
    if expect not in ("proved", "refuted"):
        raise ValueError(f"expect must be 'proved' or 'refuted' (got {expect!r})")

    def register(check: Callable[[bool], Verdict]) -> Callable[[bool], Verdict]:
        _register(Claim(id, paper, statement, check, expect))
        return check

    return register


def cite_only(id: str, paper: str, statement: str, why: str) -> None:
    """Register a statement that no finite check can decide, with the reason."""
    _register(Claim(id, paper, statement, None, "cite-only", why))


def all_claims() -> list[Claim]:
    for module in CLAIM_MODULES:
        importlib.import_module(module)
    return list(_REGISTRY.values())


def select_claims(prefixes: Sequence[str] | None = None, papers: Sequence[str] | None = None) -> list[Claim]:
    claims = all_claims()
    if papers:
        unknown_papers = [p for p in papers if p not in PAPERS]
        if unknown_papers:
            raise InputError(f"unknown paper {unknown_papers[0]!r}; expected one of {', '.join(PAPERS)}")
        claims = [c for c in claims if c.paper in papers]
    if prefixes:
        claims = [c for c in claims if any(c.id.startswith(p) for p in prefixes)]
        if not claims:
            raise InputError(f"no claim id starts with {', '.join(prefixes)}; 'exactnets prove --list' shows them")
    return claims


def _outcome(item: Claim, verdict: Verdict | None) -> tuple[str, bool]:
    """The runner's verdict word for a claim, and whether it is the expected one."""
    if verdict is None:
        return "cite-only", True
    if item.expect == "refuted":
        if verdict.status == "refuted":
            return "expected-refutation", True
        return verdict.status, False
    return verdict.status, verdict.status == "proved"


def run_claims(claims: Iterable[Claim], *, full: bool, echo: Callable[[dict[str, Any]], Any] | None = None) -> dict[str, Any]:
    """Run every check; a check that raises is reported as unknown with the error, never hidden.

    Returns ``{"ok", "mode", "counts", "seconds", "claims": [{"id", "paper", "statement", "verdict",
    "ok", "instances", "seconds", "evidence"}, ...]}``; ``echo`` receives each claim's entry as soon
    as it is decided (the command prints it: that is the progress display).
    """
    started = time.perf_counter()
    results = []
    counts: dict[str, int] = {}
    for item in claims:
        t0 = time.perf_counter()
        verdict: Verdict | None = None
        if item.check is not None:
            try:
                verdict = item.check(full)
            except Exception as error:  # noqa: BLE001 - a broken check must not stop the others
                verdict = unknown(f"the check raised {type(error).__name__}: {error}")
        word, ok = _outcome(item, verdict)
        counts[word] = counts.get(word, 0) + 1
        evidence = verdict.to_json() if verdict is not None else {"reason": item.why}
        entry = {"id": item.id, "paper": item.paper, "statement": item.statement, "verdict": word, "ok": ok,
                 "instances": (verdict.details.get("instances") if verdict is not None else None),
                 "seconds": round(time.perf_counter() - t0, 3), "evidence": evidence}
        results.append(entry)
        if echo is not None:
            echo(entry)
    return {"ok": all(r["ok"] for r in results), "mode": "full" if full else "quick", "counts": counts,
            "seconds": round(time.perf_counter() - started, 3), "claims": results}
