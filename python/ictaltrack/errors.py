"""Typed errors raised by ictaltrack (defined in the C++ core, re-exported here).

- :class:`Error` (a ``RuntimeError``): base class of every deliberate ictaltrack error.
- :class:`FormatError`: the file breaks the EDF/BDF format; attributes ``field`` (header field or
  structure), ``signal`` (signal index or -1) and ``byte_offset`` (offset in the file or -1).
- :class:`IoError`: the operating system refused (missing file, permission, short read); ``path``.
- :class:`UnsupportedError`: valid input this version does not handle.
"""

from ictaltrack._core import Error, FormatError, IoError, UnsupportedError

__all__ = ["Error", "FormatError", "IoError", "UnsupportedError"]
