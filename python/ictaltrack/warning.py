"""The one warning record of the package (C++ ``ictaltrack::Warning``): a problem the reader,
the band-power engine or the detector worked around.

Kept in its own small module, without NumPy, so that the detect path (``ictaltrack detect``,
:class:`ictaltrack.result.DetectionResult`) can carry warnings without loading NumPy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ReadWarning"]


@dataclass(frozen=True)
class ReadWarning:
    """A problem that was worked around.

    Attributes
    ----------
    code : str
        Stable machine-readable code (e.g. ``"bad_channel"``, ``"gaps"``, ``"duplicate_label"``;
        docs/output-format.md); ``""`` when the source gave none (detect JSON of schema 1.0).
    message : str
        Human-readable text (printable: bytes of the file are escaped at the source).
    signal : int
        Index of the signal it concerns in the file, or -1 when not signal-specific.
    """

    code: str
    message: str
    signal: int = -1

    def __str__(self) -> str:
        return self.message

    @classmethod
    def from_any(cls, value: Any) -> ReadWarning:
        """From a ``{"code", "message", "signal"}`` mapping (the detector's and the detect JSON's
        form), a ReadWarning, or a plain message string (detect JSON of schema 1.0: no code)."""
        if isinstance(value, ReadWarning):
            return value
        if isinstance(value, Mapping):
            signal = value.get("signal")
            return cls(
                str(value.get("code") or ""),
                str(value.get("message", "")),
                int(signal) if signal is not None else -1,
            )
        return cls("", str(value), -1)

    def to_dict(self) -> dict[str, Any]:
        """The detect JSON form."""
        return {"code": self.code, "message": self.message, "signal": self.signal}
