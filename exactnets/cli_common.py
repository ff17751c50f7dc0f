"""What every ``exactnets`` subcommand shares: the exit codes and option types (see :mod:`exactnets.cli`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["EXIT_OK", "EXIT_REFUTED", "EXIT_USAGE", "EXIT_UNKNOWN", "EXIT_INTERNAL", "EXIT_INTERRUPTED",
           "int_at_least"]

#: 0 proved / success, 1 refuted (a replayed counterexample), 2 usage or input error, 3 unknown,
#: 4 an internal exactness check failed, 130 interrupted (as a shell reports SIGINT).
EXIT_OK, EXIT_REFUTED, EXIT_USAGE, EXIT_UNKNOWN, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


def int_at_least(low: int, name: str | None = None) -> Callable[[str], int]:
    """An argparse ``type`` reading an integer ``>= low`` (the message names the option when given).

    >>> int_at_least(1)("3")
    3
    >>> int_at_least(0, "--split")("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: --split: expected an integer >= 0 (got '-1')
    """
    prefix = f"{name}: " if name else ""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{prefix}expected an integer >= {low} (got {text!r})") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{prefix}expected an integer >= {low} (got {text!r})")
        return value

    return parse
