"""Finding the recordings of a corpus and fingerprinting them for ``ictaltrack batch``.

:func:`find_recordings` expands files, folders and glob patterns into EDF/BDF paths;
:func:`parameters_hash` and the fingerprint (size, modification time, parameters hash) decide
whether a saved result is still up to date (``docs/batch.md``).
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ictaltrack import __version__
from ictaltrack.errors import io_error
from ictaltrack.export import SCHEMA_VERSION

__all__ = [
    "RECORDING_EXTENSIONS",
    "find_recordings",
    "input_fingerprint",
    "parameters_hash",
    "result_stem",
]

#: File name endings (case-insensitive) searched for in folders and glob matches.
RECORDING_EXTENSIONS = (".edf", ".bdf")


def _is_recording(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in RECORDING_EXTENSIONS


def find_recordings(inputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every EDF/BDF recording named by ``inputs``, absolute, sorted, without duplicates.

    Parameters
    ----------
    inputs : iterable of str or path-like
        Files (taken whatever their extension: the user named them), folders (searched
        recursively for ``*.edf`` / ``*.bdf``, any case) and glob patterns (``*``, ``?``,
        ``[...]``; ``**`` matches any depth; matched folders are searched recursively too).

    Raises
    ------
    ictaltrack.IoError
        An input that does not exist, or a pattern that matches nothing.
    """
    found: set[Path] = set()
    for item in inputs:
        text = os.fspath(item)
        path = Path(text).expanduser()
        if path.exists():
            candidates = [path]
        elif glob.has_magic(text):
            candidates = [Path(p) for p in glob.glob(os.path.expanduser(text), recursive=True)]
            if not candidates:
                raise io_error(f"{text}: the pattern matches nothing", text, errno.ENOENT)
        else:
            raise io_error(f"{text}: no such file or folder", text, errno.ENOENT)
        for candidate in candidates:
            if candidate.is_dir():
                found.update(p for p in candidate.rglob("*") if _is_recording(p))
            elif candidate.is_file() and (candidate == path or _is_recording(candidate)):
                found.add(candidate)
    return sorted(p.resolve() for p in found)


def parameters_hash(
    params: Mapping[str, Any] | None = None, criteria: Mapping[str, Any] | None = None
) -> str:
    """A short hash of everything besides the input that decides a result: detector
    parameters, migration criteria, the ictaltrack version and the JSON schema version."""
    settings = {
        "params": dict(params or {}),
        "criteria": dict(criteria or {}),
        "ictaltrack": __version__,
        "schema": SCHEMA_VERSION,
    }
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def result_stem(path: Path) -> str:
    """``<file name>.<8 hex of the absolute path>``: readable, and unique when two folders
    hold recordings with the same name."""
    digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:8]
    return f"{path.name}.{digest}"


def input_fingerprint(path: Path, params_hash: str) -> dict[str, Any]:
    stat = path.stat()
    return {"size_bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns, "params_hash": params_hash}
