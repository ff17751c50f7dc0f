"""Checkpoints of a training run that survive ``kill -9``.

The enumeration saves after every finished suffix search and, within one, after a finished task
at most once a second (and on Ctrl-C).  A checkpoint is one file, replaced atomically: the new state is written to ``FILE.tmp``,
flushed and ``fsync``-ed, then renamed over ``FILE`` (``os.replace`` is atomic on POSIX), and the
folder is ``fsync``-ed.  A run killed at any moment leaves either the previous checkpoint or the
new one, never a torn file.

The file holds a header (format, the problem's fingerprint) and the search state: the open
tasks, the results of the finished ones and the incumbent.  It is a pickle and meant for this
program only: load checkpoints you wrote yourself, never ones from elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any

from exactnets.errors import InputError

__all__ = ["CHECKPOINT_FORMAT", "fingerprint", "save_checkpoint", "load_checkpoint"]

CHECKPOINT_FORMAT = "exactnets.train-checkpoint/1"


def fingerprint(problem_json: dict[str, Any], method: str) -> str:
    """A hash of everything that decides the answer (data, width, loss, options, method)."""
    text = json.dumps({"problem": problem_json, "method": method}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def save_checkpoint(path: str | os.PathLike[str], print_: str, state: dict[str, Any]) -> None:
    target = Path(path)
    temporary = target.with_name(target.name + ".tmp")
    data = pickle.dumps({"format": CHECKPOINT_FORMAT, "fingerprint": print_, "state": state},
                        protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        try:
            folder = os.open(target.parent if str(target.parent) else ".", os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except OSError:
            pass
    except OSError as error:
        raise InputError(f"{target}: cannot write the checkpoint: {error.strerror or error}") from None


def load_checkpoint(path: str | os.PathLike[str], print_: str) -> dict[str, Any] | None:
    """The saved state, ``None`` if there is no checkpoint yet; an error if it belongs to another run."""
    target = Path(path)
    if not target.exists():
        return None
    try:
        doc = pickle.loads(target.read_bytes())
    except Exception as error:  # noqa: BLE001 - any unreadable file is the same user error
        raise InputError(f"{target}: not a readable checkpoint ({error}); delete it to start afresh") from None
    if not isinstance(doc, dict) or doc.get("format") != CHECKPOINT_FORMAT:
        raise InputError(f"{target}: not an exactnets training checkpoint; delete it or choose another file")
    if doc.get("fingerprint") != print_:
        raise InputError(f"{target}: this checkpoint belongs to a run with other data or options; "
                         f"use the same arguments to resume, or another --checkpoint file")
    return doc["state"]
