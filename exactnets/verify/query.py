"""Equivalence queries: what is asked, what comes back, and the exact replay of counterexamples.

A query asks whether two networks ``f`` and ``g`` (same input and output sizes) agree at every
point of a domain, in one of four senses (:class:`Mode`):

``function``  every output equal: ``f_j(x) == g_j(x)``;
``decision``  every output has the same sign: ``f_j(x) >= 0`` iff ``g_j(x) >= 0`` (sgn(0) = +1);
``epsilon``   every output within ``eps``: ``|f_j(x) - g_j(x)| <= eps``;
``argmax``    the index of the largest output is the same, ties going to the lowest index
              (Pan & Srikumar 2016, Sec. 4: hidden-layer equivalence).

The answer (:class:`EquivalenceResult`) is *equivalent* (with the method that proved it),
*counterexample* (an exact point, replayed by :func:`replay` through the reference evaluator
before it is returned; a failed replay is an :class:`~exactnets.errors.InternalError`, never a
verdict) or *unknown* (with the reason).  :func:`violates` is the one definition of each mode
that every method and every replay uses.
"""

from __future__ import annotations

import dataclasses
import time
import types
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from exactnets.domains import BooleanCube, Box, Domain, Polytope, Reals
from exactnets.errors import InputError, InternalError, ShapeError
from exactnets.evaluate import evaluate
from exactnets.network import Network
from exactnets.rational import as_rational, format_rational

__all__ = [
    "MODES",
    "Mode",
    "parse_mode",
    "Counterexample",
    "EquivalenceResult",
    "Deadline",
    "violates",
    "replay",
    "check_shapes",
    "domain_dim",
    "NotApplicable",
]


class NotApplicable(InputError):
    """A method cannot decide this kind of query (e.g. enumeration on a box); the message says why.

    The portfolio moves on to the next method; a user who asked for this method gets the message
    and exit code 2.
    """

MODES = ("function", "decision", "epsilon", "argmax")


@dataclasses.dataclass(frozen=True)
class Mode:
    """The sense of equivalence; ``epsilon`` is set (and non-negative) exactly for ``kind == "epsilon"``."""

    kind: str = "function"
    epsilon: Fraction | None = None

    def __post_init__(self) -> None:
        if self.kind not in MODES:
            raise InputError(f"unknown mode {self.kind!r}; expected one of {', '.join(MODES)} (epsilon as 'epsilon:EPS')")
        if (self.kind == "epsilon") != (self.epsilon is not None):
            raise InputError("mode 'epsilon' needs a tolerance (e.g. 'epsilon:1/1000'); other modes take none")
        if self.epsilon is not None:
            eps = as_rational(self.epsilon, what="epsilon")
            if eps < 0:
                raise InputError(f"epsilon must be non-negative (got {eps})")
            object.__setattr__(self, "epsilon", eps)

    def __str__(self) -> str:
        return f"epsilon:{format_rational(self.epsilon)}" if self.kind == "epsilon" else self.kind


def parse_mode(mode: str | Mode) -> Mode:
    """``"function"``, ``"decision"``, ``"argmax"`` or ``"epsilon:EPS"`` (EPS exact, e.g. ``1/1000``)."""
    if isinstance(mode, Mode):
        return mode
    if not isinstance(mode, str):
        raise InputError(f"mode must be a string such as 'function' or 'epsilon:1/1000' (got {mode!r})")
    kind, _, rest = mode.partition(":")
    if kind == "epsilon":
        if not rest:
            raise InputError("mode 'epsilon' needs a tolerance: 'epsilon:EPS', e.g. 'epsilon:1/1000'")
        return Mode("epsilon", as_rational(rest, what="epsilon"))
    if rest:
        raise InputError(f"mode {kind!r} takes no parameter (got {mode!r})")
    return Mode(kind)


def argmax_index(values: Sequence[Fraction]) -> int:
    """Index of the largest value, the lowest index among ties."""
    best = 0
    for j in range(1, len(values)):
        if values[j] > values[best]:
            best = j
    return best


def violates(mode: Mode, fx: Sequence[Fraction], gx: Sequence[Fraction]) -> bool:
    """True when outputs ``fx`` and ``gx`` at one point break ``mode``: the one exact definition."""
    if mode.kind == "function":
        return tuple(fx) != tuple(gx)
    if mode.kind == "decision":
        return any((a >= 0) != (b >= 0) for a, b in zip(fx, gx))
    if mode.kind == "epsilon":
        return any(abs(a - b) > mode.epsilon for a, b in zip(fx, gx))
    return argmax_index(fx) != argmax_index(gx)


@dataclasses.dataclass(frozen=True)
class Counterexample:
    """A point ``x`` of the domain and the exact outputs ``f(x)``, ``g(x)`` that break the mode."""

    x: tuple[Fraction, ...]
    f: tuple[Fraction, ...]
    g: tuple[Fraction, ...]

    def to_json(self) -> dict[str, list[str]]:
        return {key: [format_rational(v) for v in getattr(self, key)] for key in ("x", "f", "g")}


@dataclasses.dataclass(frozen=True)
class EquivalenceResult:
    """The answer to an equivalence query, with its evidence.

    ``verdict`` is ``"equivalent"``, ``"counterexample"`` or ``"unknown"``; ``method`` names what
    decided it (and how it proved it); ``reason`` says why an answer is unknown.
    """

    verdict: str
    method: str
    seconds: float = 0.0
    counterexample: Counterexample | None = None
    reason: str | None = None
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.verdict not in ("equivalent", "counterexample", "unknown"):
            raise InternalError(f"bad verdict {self.verdict!r}")
        if (self.verdict == "counterexample") != (self.counterexample is not None):
            raise InternalError("a counterexample verdict carries exactly one counterexample")
        object.__setattr__(self, "details", types.MappingProxyType(dict(self.details)))

    @property
    def exit_code(self) -> int:
        return {"equivalent": 0, "counterexample": 1, "unknown": 3}[self.verdict]

    def with_seconds(self, seconds: float) -> "EquivalenceResult":
        return dataclasses.replace(self, seconds=seconds)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "method": self.method,
            "seconds": round(self.seconds, 6),
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "reason": self.reason,
        }

    def summary(self) -> str:
        if self.verdict == "equivalent":
            return f"equivalent ({self.method}, {self.seconds:.3f} s)"
        if self.verdict == "counterexample":
            c = self.counterexample
            show = lambda vs: ", ".join(format_rational(v) for v in vs)  # noqa: E731
            return (f"counterexample ({self.method}, {self.seconds:.3f} s)\n  x = ({show(c.x)})\n"
                    f"  f(x) = ({show(c.f)})\n  g(x) = ({show(c.g)})")
        return f"unknown ({self.reason}; {self.method}, {self.seconds:.3f} s)"


class Deadline:
    """A wall-clock budget shared by the methods of one query (``None``: no limit)."""

    def __init__(self, seconds: float | None):
        if seconds is not None and seconds <= 0:
            raise InputError(f"timeout must be positive (got {seconds})")
        self.seconds = seconds
        self.start = time.monotonic()
        self.end = None if seconds is None else self.start + seconds

    def remaining(self) -> float | None:
        return None if self.end is None else max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() >= self.end

    def elapsed(self) -> float:
        return time.monotonic() - self.start


def domain_dim(domain: Domain) -> int:
    return domain.dim


def check_shapes(f: Network, g: Network, domain: Domain, mode: Mode) -> None:
    if f.input_dim != g.input_dim:
        raise ShapeError(f"the networks read different numbers of inputs ({f.input_dim} and {g.input_dim})")
    if f.output_dim != g.output_dim:
        raise ShapeError(f"the networks have different numbers of outputs ({f.output_dim} and {g.output_dim})")
    if domain.dim != f.input_dim:
        raise ShapeError(f"the domain has dimension {domain.dim} but the networks read {f.input_dim} inputs")
    if not isinstance(domain, (BooleanCube, Box, Reals, Polytope)):
        raise InputError(f"unknown domain {domain!r}")


def replay(f: Network, g: Network, domain: Domain, mode: Mode, x: Sequence[Any]) -> Counterexample:
    """Re-check a candidate counterexample with the reference evaluator; return it with its outputs.

    Raises :class:`~exactnets.errors.InternalError` if ``x`` is outside the domain or does not
    break ``mode``: a method that proposed it is wrong, and that must never become a verdict.
    """
    point = tuple(as_rational(v, what="counterexample coordinate") for v in x)
    if not domain.contains(point):
        raise InternalError(f"a proposed counterexample lies outside the domain: {[format_rational(v) for v in point]}")
    fx, gx = evaluate(f, point), evaluate(g, point)
    if not violates(mode, fx, gx):
        raise InternalError(f"a proposed counterexample does not replay: at {[format_rational(v) for v in point]} "
                            f"f = {[format_rational(v) for v in fx]}, g = {[format_rational(v) for v in gx]}")
    return Counterexample(point, fx, gx)


ProgressCallback = Callable[[int, int], None]
