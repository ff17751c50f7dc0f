"""The ``interop`` commands (parse, call, print; see :mod:`exactnets.cli`).

``exactnets.cli`` calls :func:`register` with its subparsers object.
"""

from __future__ import annotations

__all__ = ["register"]


def register(commands) -> None:
    """Add this module's subcommands to the ``exactnets`` parser (none yet)."""
