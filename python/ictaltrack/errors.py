"""Typed errors raised by ictaltrack (defined in the C++ core, re-exported here).

- :class:`Error` (a ``RuntimeError``): base class of every deliberate ictaltrack error.
- :class:`FormatError`: the file breaks the EDF/BDF format; attributes ``field`` (header field or
  structure), ``signal`` (signal index or -1) and ``byte_offset`` (offset in the file or -1).
- :class:`IoError` (also an ``OSError``): the operating system refused (missing file,
  permission, short read); attributes ``path`` and ``errno`` (None when unknown). A missing file
  raises :class:`FileNotFoundIoError` (also a ``FileNotFoundError``), a refused permission
  :class:`PermissionIoError` (a ``PermissionError``) and a folder where a file was expected
  :class:`IsADirectoryIoError` (an ``IsADirectoryError``): ``except FileNotFoundError`` and
  ``except ictaltrack.IoError`` both catch a missing input.
- :class:`UnsupportedError`: valid input this version does not handle.
"""

from __future__ import annotations

import errno as _errno

from ictaltrack._core import (
    Error,
    FileNotFoundIoError,
    FormatError,
    IoError,
    IsADirectoryIoError,
    PermissionIoError,
    UnsupportedError,
)

__all__ = [
    "Error",
    "FileNotFoundIoError",
    "FormatError",
    "IoError",
    "IsADirectoryIoError",
    "PermissionIoError",
    "UnsupportedError",
    "io_error",
    "public_name",
]

_IO_ERROR_CLASSES: dict[int, type[IoError]] = {
    _errno.ENOENT: FileNotFoundIoError,
    _errno.EACCES: PermissionIoError,
    _errno.EPERM: PermissionIoError,
    _errno.EISDIR: IsADirectoryIoError,
}


def io_error(message: str, path: str = "", error_number: int | None = None) -> IoError:
    """An :class:`IoError` for ``path`` as the C++ core raises it: the subclass that matches
    ``error_number`` (an ``errno`` value), with ``path`` and ``errno`` set."""
    error = _IO_ERROR_CLASSES.get(error_number or 0, IoError)(message)
    error.path = path
    if error_number:
        error.errno = error_number
    return error


def public_name(error: BaseException) -> str:
    """The name of the public ictaltrack class of ``error`` (``IoError`` for its OSError-flavoured
    subclasses), else its own class name: what the command line and the batch tables report."""
    if isinstance(error, FormatError):
        return "FormatError"
    if isinstance(error, IoError):
        return "IoError"
    if isinstance(error, UnsupportedError):
        return "UnsupportedError"
    return type(error).__name__
