"""Atomic output files: write to a temporary file beside the target, rename over it on success.

A crash, an exception or a full disk while writing leaves the previous target (or no file) in
place, never a half-written one; the temporary file is removed on error. The one helper of the
package for every output file (detect JSON/CSV, annotations, plots, batch tables).

The temporary file is created with mode 0666 minus the process umask, like any file a tool
creates (``tempfile.mkstemp`` would make it 0600, and the rename keeps that mode).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_output", "write_text"]


def _create_temporary(target: Path) -> Path:
    """An empty new file beside ``target`` (same folder, so the rename never crosses devices)."""
    folder = target.parent
    while True:
        candidate = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            descriptor = os.open(
                candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666
            )
        except FileExistsError:
            continue
        os.close(descriptor)
        return candidate


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on normal exit it replaces ``path``.

    The temporary file exists (empty) when yielded; write it by name (any library that opens
    the path for writing keeps its mode). Its name keeps the target's suffix last but one
    (``.NAME.<random>.tmp``): pass ``format=`` to writers that choose a format by suffix.
    """
    target = Path(path)
    temporary = _create_temporary(target)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically."""
    with atomic_output(path) as temporary:
        with open(temporary, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
