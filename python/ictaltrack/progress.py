"""The package's one text progress bar (``ictaltrack detect`` and ``ictaltrack batch``).

``label [########................]  37% detail`` on one line of a stream (stderr by default),
redrawn in place with a carriage return whenever what it shows changes.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["ProgressBar"]


class ProgressBar:
    """A plain text progress bar, usable as the detector's progress callback.

    ``bar(fraction) -> True`` (never cancels) draws the fraction done; :meth:`show` draws it with
    a detail text after the percentage (counts, rate, time left).

    Parameters
    ----------
    label : str
        Text before the bar.
    stream : file-like, optional
        Where to draw (default ``sys.stderr`` at construction time).
    width : int
        Characters between the brackets.
    """

    def __init__(self, label: str = "detect", *, stream: Any = None, width: int = 40) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self._shown: tuple[int, str] | None = None

    def show(self, fraction: float, detail: str = "") -> None:
        """Draw ``fraction`` (clipped to 0..1) and ``detail``, unless both are already shown."""
        percent = int(max(0.0, min(1.0, float(fraction))) * 100)
        if self._shown == (percent, detail):
            return
        self._shown = (percent, detail)
        filled = self.width * percent // 100
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{percent:3d}%" + (f" {detail}" if detail else "")
        )
        self.stream.flush()

    def __call__(self, fraction: float) -> bool:
        self.show(fraction)
        return True

    def close(self) -> None:
        """End the bar's line (nothing when nothing was drawn)."""
        if self._shown is not None:
            self.stream.write("\n")
            self.stream.flush()
