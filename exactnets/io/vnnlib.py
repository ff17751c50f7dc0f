"""VNN-LIB property files (the VNN-LIB 1.0 form used in VNN-COMP), read exactly.

A property declares the inputs ``X_0 .. X_{n-1}`` and outputs ``Y_0 .. Y_{m-1}`` as ``Real``
constants and asserts linear constraints on them; it describes the *unsafe* set, so a network
"satisfies" the file (``sat``) when some input in the box has outputs meeting the constraints::

    ; property: output 0 is never the smallest
    (declare-const X_0 Real)
    (declare-const X_1 Real)
    (declare-const Y_0 Real)
    (declare-const Y_1 Real)
    (assert (<= X_0 0.6))
    (assert (>= X_0 -0.3))
    (assert (<= X_1 1/2))            ; not SMT-LIB, but accepted: numbers are read exactly
    (assert (>= X_1 (- 0.5)))
    (assert (or (and (<= Y_0 Y_1)) (and (>= Y_0 (+ Y_1 1.5)))))

Read here:

* ``(declare-const NAME Real)`` for ``X_i`` and ``Y_j``, numbered from 0 without gaps;
* ``(assert F)`` with ``F`` built from ``and``, ``or`` and comparisons ``<=``, ``>=``, ``<``,
  ``>``, ``=`` (chains such as ``(<= a b c)`` too) between linear terms: numbers, variables,
  ``(+ ...)``, ``(- ...)``, ``(* c t)``, ``(/ t c)`` with constant ``c``;
* every number is read exactly (``0.1`` is one tenth), decimals, integers, fractions ``p/q`` and
  exponents (``1e-05``) alike;
* ``set-logic``, ``check-sat``, ``get-model`` and ``exit`` are ignored.

Refused with the line named: ``not``, ``=>``, ``define-fun``, non-linear terms, variables other
than ``X_i``/``Y_j``, integer or Boolean constants, and properties whose inputs are not bounded.

The conjunction of the asserts is put in disjunctive normal form (at most
:data:`MAX_CASES` cases).  In each case, the constraints on one input alone are its *box*; every
other constraint (on the outputs, or linear in several inputs) is kept as a
:class:`LinearConstraint` ``sum a_i X_i + sum b_j Y_j + k  >= 0`` (or ``> 0``).  Strict input
bounds give the closed box and are also kept as constraints, so a witness must meet them.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from exactnets.domains import Box
from exactnets.errors import FileFormatError, InputError
from exactnets.rational import as_rational, format_rational

__all__ = ["read_vnnlib", "parse_vnnlib", "VnnlibProperty", "PropertyCase", "LinearConstraint", "MAX_CASES"]

#: The most cases the disjunctive normal form may have before the file is refused.
MAX_CASES = 100_000

_ZERO = Fraction(0)
_NAME = re.compile(r"([XY])_(\d+)")
_IGNORED = {"set-logic", "check-sat", "get-model", "exit", "set-info", "set-option"}


@dataclasses.dataclass(frozen=True)
class LinearConstraint:
    """``sum_i x[i] * X_i + sum_j y[j] * Y_j + constant  >= 0`` (``op`` ``">="``) or ``> 0`` (``">"``).

    ``x`` and ``y`` are sorted ``(index, nonzero coefficient)`` pairs; ``text`` is the constraint as
    written (for messages).
    """

    x: tuple[tuple[int, Fraction], ...]
    y: tuple[tuple[int, Fraction], ...]
    constant: Fraction
    op: str
    text: str = dataclasses.field(default="", compare=False)

    def value(self, xs: Sequence[Fraction], ys: Sequence[Fraction]) -> Fraction:
        """The left-hand side at a point, exactly."""
        total = self.constant
        for i, a in self.x:
            total += a * xs[i]
        for j, b in self.y:
            total += b * ys[j]
        return total

    def holds(self, xs: Sequence[Fraction], ys: Sequence[Fraction]) -> bool:
        v = self.value(xs, ys)
        return v > 0 if self.op == ">" else v >= 0

    def __str__(self) -> str:
        parts = [f"{format_rational(a)}*X_{i}" for i, a in self.x] + [f"{format_rational(b)}*Y_{j}" for j, b in self.y]
        if self.constant or not parts:
            parts.append(format_rational(self.constant))
        return f"{' + '.join(parts)} {self.op} 0"


@dataclasses.dataclass(frozen=True)
class PropertyCase:
    """One disjunct: an input box and the constraints that must all hold."""

    box: Box
    constraints: tuple[LinearConstraint, ...]

    @property
    def output_constraints(self) -> tuple[LinearConstraint, ...]:
        return tuple(c for c in self.constraints if c.y)

    def holds(self, xs: Sequence[Fraction], ys: Sequence[Fraction]) -> bool:
        """Whether ``(xs, ys)`` lies in this case (box and every constraint), exactly."""
        return self.box.contains(tuple(xs)) and all(c.holds(xs, ys) for c in self.constraints)


@dataclasses.dataclass(frozen=True)
class VnnlibProperty:
    """A parsed property: ``n_inputs`` ``X``s, ``n_outputs`` ``Y``s, and the cases of its DNF.

    The property holds at ``(x, y)`` when some case does.  ``empty_cases`` counts the cases
    dropped because their input bounds contradict each other.
    """

    n_inputs: int
    n_outputs: int
    cases: tuple[PropertyCase, ...]
    source: str = ""
    empty_cases: int = 0

    def holds(self, xs: Sequence[Fraction], ys: Sequence[Fraction]) -> int | None:
        """The index of the first case that ``(xs, ys)`` meets, or ``None``."""
        for k, case in enumerate(self.cases):
            if case.holds(xs, ys):
                return k
        return None

    def input_box(self) -> Box:
        """The one input box of the property (for ``--domain vnnlib:FILE``).

        Raises :class:`~exactnets.errors.InputError` when the cases have different boxes or
        constrain the inputs by more than bounds.
        """
        where = self.source or "the property"
        if not self.cases:
            raise InputError(f"{where}: the input bounds contradict each other; the box is empty")
        boxes = {case.box for case in self.cases}
        if len(boxes) > 1:
            raise InputError(f"{where}: the property has {len(boxes)} different input boxes (one per case); a domain "
                             f"needs one box -- use `exactnets verify` to check the whole property")
        for case in self.cases:
            for c in case.constraints:
                if c.x and (c.y or len(c.x) > 1):
                    raise InputError(f"{where}: the input constraint {c.text or c} is not a bound on one input; "
                                     f"a box domain needs bounds only")
        return self.cases[0].box


# -- reading -------------------------------------------------------------------------------------------

@dataclasses.dataclass
class _Token:
    text: str
    line: int


class _Parser:
    def __init__(self, text: str, source: str):
        self.text = text
        self.source = source
        self.inputs: dict[int, int] = {}
        self.outputs: dict[int, int] = {}

    def fail(self, line: int | None, message: str) -> FileFormatError:
        return FileFormatError(message, path=self.source, place=f"line {line}" if line else None)

    def tokens(self) -> list[_Token]:
        out = []
        for number, line in enumerate(self.text.splitlines(), start=1):
            line = line.split(";", 1)[0]
            for piece in re.findall(r"\(|\)|[^\s()]+", line):
                out.append(_Token(piece, number))
        return out

    def expressions(self) -> list[Any]:
        stack: list[list[Any]] = [[]]
        opened: list[int] = []
        for token in self.tokens():
            if token.text == "(":
                stack.append([])
                opened.append(token.line)
            elif token.text == ")":
                if len(stack) == 1:
                    raise self.fail(token.line, "unbalanced ')'")
                done = stack.pop()
                line = opened.pop()
                stack[-1].append((done, line))
            else:
                stack[-1].append(token)
        if len(stack) > 1:
            raise self.fail(opened[-1], "a '(' opened here is never closed (is the file truncated?)")
        return stack[0]

    # -- the file -------------------------------------------------------------------------------
    def parse(self) -> VnnlibProperty:
        asserts: list[tuple[Any, int]] = []
        for item in self.expressions():
            if isinstance(item, _Token):
                raise self.fail(item.line, f"unexpected {item.text!r} outside parentheses")
            body, line = item
            if not body or not isinstance(body[0], _Token):
                raise self.fail(line, "expected a command such as (declare-const X_0 Real) or (assert ...)")
            head = body[0].text
            if head == "declare-const":
                self.declare(body, line)
            elif head == "assert":
                if len(body) != 2:
                    raise self.fail(line, "assert takes one formula")
                asserts.append((body[1], line))
            elif head in _IGNORED:
                continue
            else:
                raise self.fail(line, f"unsupported command {head!r}; VNN-LIB 1.0 properties use declare-const and assert")
        n = self.count(self.inputs, "X")
        m = self.count(self.outputs, "Y")
        if n == 0:
            raise self.fail(None, "no inputs declared; expected (declare-const X_0 Real) ...")
        if m == 0:
            raise self.fail(None, "no outputs declared; expected (declare-const Y_0 Real) ...")
        cases: list[list[tuple[tuple[Any, ...], int]]] = [[]]
        for formula, line in asserts:
            cases = self.conjoin(cases, self.dnf(formula, line), line)
        built = []
        empty = 0
        for atoms in cases:
            case = self.case(atoms, n)
            if case is None:
                empty += 1
            else:
                built.append(case)
        return VnnlibProperty(n, m, tuple(built), self.source, empty)

    def declare(self, body: list[Any], line: int) -> None:
        if len(body) != 3 or not all(isinstance(t, _Token) for t in body):
            raise self.fail(line, "expected (declare-const NAME Real)")
        name, sort = body[1].text, body[2].text
        if sort != "Real":
            raise self.fail(line, f"{name} is declared of sort {sort}; VNN-LIB variables are Real")
        match = _NAME.fullmatch(name)
        if not match:
            raise self.fail(line, f"unsupported variable name {name!r}; inputs are X_0, X_1, ... and outputs Y_0, Y_1, ...")
        table = self.inputs if match[1] == "X" else self.outputs
        index = int(match[2])
        if index in table:
            raise self.fail(line, f"{name} is declared twice (lines {table[index]} and {line})")
        table[index] = line

    def count(self, table: dict[int, int], letter: str) -> int:
        n = len(table)
        missing = sorted(set(range(n)) - set(table))
        if missing:
            raise self.fail(None, f"{letter}_{missing[0]} is not declared, but {letter}_{max(table)} is; "
                                  f"variables are numbered from 0 without gaps")
        return n

    # -- formulas to DNF ---------------------------------------------------------------------------
    def conjoin(self, left: list[list[Any]], right: list[list[Any]], line: int) -> list[list[Any]]:
        if len(left) * len(right) > MAX_CASES:
            raise self.fail(line, f"the property has more than {MAX_CASES} cases in disjunctive normal form")
        return [a + b for a in left for b in right]

    def dnf(self, formula: Any, line: int) -> list[list[Any]]:
        if isinstance(formula, _Token):
            if formula.text == "true":
                return [[]]
            if formula.text == "false":
                return []
            raise self.fail(formula.line, f"expected a formula, got {formula.text!r}")
        body, line = formula
        if not body or not isinstance(body[0], _Token):
            raise self.fail(line, "expected a formula such as (<= X_0 1) or (and ...)")
        head = body[0].text
        if head == "and":
            out: list[list[Any]] = [[]]
            for part in body[1:]:
                out = self.conjoin(out, self.dnf(part, line), line)
            return out
        if head == "or":
            out = []
            for part in body[1:]:
                out += self.dnf(part, line)
                if len(out) > MAX_CASES:
                    raise self.fail(line, f"the property has more than {MAX_CASES} cases in disjunctive normal form")
            return out
        if head in ("<=", ">=", "<", ">", "="):
            if len(body) < 3:
                raise self.fail(line, f"({head} ...) needs at least two terms")
            terms = [self.term(t, line) for t in body[1:]]
            atoms = []
            for a, b in zip(terms, terms[1:]):
                atoms += self.atoms(head, a, b, line)
            return [atoms]
        if head in ("not", "=>", "xor", "ite", "distinct"):
            raise self.fail(line, f"unsupported connective {head!r}; VNN-LIB properties use and, or and comparisons "
                                  f"(rewrite (not (<= a b)) as (> a b))")
        raise self.fail(line, f"unsupported formula head {head!r}; expected and, or, <=, >=, <, >, =")

    def atoms(self, op: str, a: dict[Any, Fraction], b: dict[Any, Fraction], line: int) -> list[tuple[tuple[Any, ...], int]]:
        diff = dict(a)
        for key, v in b.items():
            diff[key] = diff.get(key, _ZERO) - v
        neg = {key: -v for key, v in diff.items()}
        if op == ">=":
            return [(("ge", diff), line)]
        if op == ">":
            return [(("gt", diff), line)]
        if op == "<=":
            return [(("ge", neg), line)]
        if op == "<":
            return [(("gt", neg), line)]
        return [(("ge", diff), line), (("ge", neg), line)]  # "="

    def term(self, term: Any, line: int) -> dict[Any, Fraction]:
        """A linear term as {("X", i) | ("Y", j) | 1: coefficient}."""
        if isinstance(term, _Token):
            text = term.text
            match = _NAME.fullmatch(text)
            if match:
                table = self.inputs if match[1] == "X" else self.outputs
                if int(match[2]) not in table:
                    raise self.fail(term.line, f"{text} is used but never declared")
                return {(match[1], int(match[2])): Fraction(1)}
            try:
                return {1: as_rational(text, what=text)}
            except InputError:
                raise self.fail(term.line, f"cannot read {text!r} as a number or a variable X_i / Y_j") from None
        body, line = term
        if not body or not isinstance(body[0], _Token):
            raise self.fail(line, "expected a term")
        head = body[0].text
        parts = [self.term(t, line) for t in body[1:]]
        if head == "+":
            return self.add(parts)
        if head == "-":
            if not parts:
                raise self.fail(line, "(-) needs a term")
            if len(parts) == 1:
                return {k: -v for k, v in parts[0].items()}
            return self.add([parts[0]] + [{k: -v for k, v in p.items()} for p in parts[1:]])
        if head == "*":
            result = {1: Fraction(1)}
            for p in parts:
                if set(p) <= {1}:
                    factor = p.get(1, _ZERO)
                    result = {k: v * factor for k, v in result.items()}
                elif set(result) <= {1}:
                    factor = result.get(1, _ZERO)
                    result = {k: v * factor for k, v in p.items()}
                else:
                    raise self.fail(line, "a product of two variables is not linear")
            return result
        if head == "/":
            if len(parts) != 2 or not set(parts[1]) <= {1} or parts[1].get(1, _ZERO) == 0:
                raise self.fail(line, "(/ t c) needs a nonzero constant c")
            return {k: v / parts[1][1] for k, v in parts[0].items()}
        raise self.fail(line, f"unsupported term {head!r}; terms are numbers, X_i, Y_j, +, -, * by a constant, / by a constant")

    @staticmethod
    def add(parts: list[dict[Any, Fraction]]) -> dict[Any, Fraction]:
        out: dict[Any, Fraction] = {}
        for p in parts:
            for k, v in p.items():
                out[k] = out.get(k, _ZERO) + v
        return out

    # -- one case: a box and constraints --------------------------------------------------------------
    def case(self, atoms: list[tuple[tuple[Any, ...], int]], n: int) -> PropertyCase | None:
        lower: list[Fraction | None] = [None] * n
        upper: list[Fraction | None] = [None] * n
        constraints: list[LinearConstraint] = []
        seen: set[LinearConstraint] = set()
        for (kind, expr), line in atoms:
            op = ">=" if kind == "ge" else ">"
            xs = tuple(sorted((k[1], v) for k, v in expr.items() if k != 1 and k[0] == "X" and v != 0))
            ys = tuple(sorted((k[1], v) for k, v in expr.items() if k != 1 and k[0] == "Y" and v != 0))
            constant = expr.get(1, _ZERO)
            constraint = LinearConstraint(xs, ys, constant, op, text=f"line {line}")
            if not xs and not ys:  # a constant comparison
                if not constraint.holds((), ()):
                    return None
                continue
            if not ys and len(xs) == 1:
                i, a = xs[0]
                limit = -constant / a
                if a > 0:  # X_i >= limit
                    lower[i] = limit if lower[i] is None else max(lower[i], limit)
                else:      # X_i <= limit
                    upper[i] = limit if upper[i] is None else min(upper[i], limit)
                if op == ">=":
                    continue
            if constraint not in seen:
                seen.add(constraint)
                constraints.append(constraint)
        for i in range(n):
            if lower[i] is None or upper[i] is None:
                side = "lower" if lower[i] is None else "upper"
                raise self.fail(None, f"X_{i} has no {side} bound; exactnets verifies properties over a bounded box "
                                      f"of inputs (add (assert (>= X_{i} ...)) and (assert (<= X_{i} ...)))")
        if any(lo > hi for lo, hi in zip(lower, upper)):
            return None
        return PropertyCase(Box(lower, upper), tuple(constraints))


def parse_vnnlib(text: str, source: str = "<vnnlib>") -> VnnlibProperty:
    """Parse VNN-LIB text (see the module docstring).

    >>> prop = parse_vnnlib('''
    ... (declare-const X_0 Real)
    ... (declare-const Y_0 Real)
    ... (declare-const Y_1 Real)
    ... (assert (<= X_0 0.5))
    ... (assert (>= X_0 -0.5))
    ... (assert (or (and (<= Y_0 Y_1)) (and (>= Y_0 3))))''')
    >>> prop.input_box().lower, len(prop.cases), str(prop.cases[0].constraints[0])
    ((Fraction(-1, 2),), 2, '-1*Y_0 + 1*Y_1 >= 0')
    """
    if not isinstance(text, str):
        raise InputError(f"parse_vnnlib expects the text as a str (got {type(text).__name__})")
    return _Parser(text, source).parse()


def read_vnnlib(path: str | os.PathLike[str]) -> VnnlibProperty:
    """Read a VNN-LIB property file; errors name the file and the line."""
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise FileFormatError(f"not UTF-8 text (byte {error.start}: {error.reason})", path=source) from None
    except OSError as error:
        raise FileFormatError(f"cannot read the file: {error.strerror or error}", path=source) from None
    return parse_vnnlib(text, source)
