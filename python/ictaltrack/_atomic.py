"""Atomic output files: write to a temporary file beside the target, rename over it on success.

A crash, an exception or a full disk while writing leaves the previous target (or no file) in
place, never a half-written one; the temporary file is removed on error.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on normal exit it replaces ``path``."""
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                             dir=target.parent)
    os.close(descriptor)
    try:
        yield Path(temporary)
        # mkstemp creates the file 0600; give the result the usual permissions (umask applied).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
