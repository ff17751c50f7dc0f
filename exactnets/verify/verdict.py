"""The three answers exactnets gives, each with its evidence.

* **proved**: ``method`` says how (exhaustive enumeration over 2^n points, z3 unsat, an exact LP
  dual, a rank witness...);
* **refuted**: ``counterexample`` is an exact point that the exact evaluator replayed;
* **unknown**: ``reason`` says why (timeout, size).

Exit codes of the ``exactnets`` command follow the status: 0 proved, 1 refuted, 3 unknown
(2 is kept for usage and input errors).
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from exactnets.errors import InputError
from exactnets.rational import format_rational

__all__ = ["Verdict", "proved", "refuted", "unknown", "EXIT_CODES"]

#: Exit code of the command line for each status.
EXIT_CODES = {"proved": 0, "refuted": 1, "unknown": 3}


@dataclasses.dataclass(frozen=True)
class Verdict:
    """An answer with its evidence; build it with :func:`proved`, :func:`refuted` or :func:`unknown`."""

    status: str
    method: str = ""
    counterexample: tuple[Fraction, ...] | None = None
    reason: str = ""
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.status not in EXIT_CODES:
            raise InputError(f"verdict status must be one of {sorted(EXIT_CODES)} (got {self.status!r})")
        object.__setattr__(self, "details", types.MappingProxyType(dict(self.details)))

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def __bool__(self) -> bool:
        return self.status == "proved"

    def summary(self) -> str:
        if self.status == "proved":
            return f"proved ({self.method})"
        if self.status == "refuted":
            point = ", ".join(format_rational(v) for v in self.counterexample or ())
            return f"refuted at ({point})" + (f": {self.reason}" if self.reason else "")
        return f"unknown ({self.reason})"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if self.method:
            out["method"] = self.method
        if self.counterexample is not None:
            out["counterexample"] = [format_rational(v) for v in self.counterexample]
        if self.reason:
            out["reason"] = self.reason
        if self.details:
            out["details"] = dict(self.details)
        return out


def proved(method: str, **details: Any) -> Verdict:
    return Verdict("proved", method=method, details=details)


def refuted(counterexample: Sequence[Any], reason: str = "", **details: Any) -> Verdict:
    return Verdict("refuted", counterexample=tuple(Fraction(v) for v in counterexample), reason=reason, details=details)


def unknown(reason: str, **details: Any) -> Verdict:
    return Verdict("unknown", reason=reason, details=details)
