"""The few exception types exactnets raises.

Every error a user can cause (a bad number, a malformed file, a network whose shapes do not fit)
is an :class:`InputError`; the command line turns it into one line on stderr and exit code 2.
Each class is also a ``ValueError`` or ``TypeError`` so that ordinary ``except`` clauses work.
"""

from __future__ import annotations


class ExactnetsError(Exception):
    """Base class of every exception exactnets raises on purpose."""


class InputError(ExactnetsError, ValueError):
    """Something the user passed in is not acceptable; the message says what and how to fix it."""


class NumberError(InputError):
    """A number could not enter exactly (bad syntax, nan/inf, zero denominator, absurd size)."""


class FloatRefusedError(NumberError, TypeError):
    """A binary float was passed where an exact number is required."""


class ShapeError(InputError):
    """Weights, biases or points whose shapes do not fit together."""


class FileFormatError(InputError):
    """A network, dataset or certificate file that does not follow its documented format.

    ``path`` is the file and ``place`` the location inside it (``layers[1].weights[0][2]``,
    ``line 7, column y``), so the message can point straight at the problem.
    """

    def __init__(self, message: str, *, path: str | None = None, place: str | None = None):
        self.path = path
        self.place = place
        where = ": ".join(part for part in (path, place) if part)
        super().__init__(f"{where}: {message}" if where else message)


class InternalError(ExactnetsError, RuntimeError):
    """An exactness check inside exactnets failed: a bug, never a verdict about the user's input."""
