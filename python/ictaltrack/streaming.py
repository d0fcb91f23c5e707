"""Live detection: :class:`SeizureDetector` takes samples as they arrive and gives out each seizure
once it has ended.

It is the C++ streaming detector that :func:`ictaltrack.detect` runs over a whole recording, so the
seizures of a stream are those ``detect`` finds in the same samples, whatever the chunk sizes.
Differences from ``detect``: the channels are given as they are (no selection by sample rate, no
``info["bads"]``: pass ``bads``), the mains frequency is not guessed (``line_frequency_hz=0``
means 50 Hz; pass 60 where the mains is 60 Hz), and times are seconds from the first sample
pushed, not counting gaps (the record also holds the stream sample indices).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ictaltrack import _core
from ictaltrack.errors import UnsupportedError

__all__ = ["SeizureDetector"]


class SeizureDetector:
    """Streaming seizure detector over equally sampled channels.

    Parameters
    ----------
    sfreq : float
        Sample rate in Hz, shared by every channel.
    ch_names : sequence of str
        Channel labels, one per row of the chunks pushed; only EEG channels (by label, as
        :func:`ictaltrack.parse_label` reads them) are analysed.
    bads : iterable of str, optional
        Labels of channels to leave out from the start.
    **params
        Detector parameters (names and defaults: :func:`ictaltrack.detector_defaults`).

    Notes
    -----
    Samples are microvolts, as arrays of shape ``(n_channels, n)``. float32 and float64 rows that
    are contiguous (C order, or a slice of columns of such an array) are read in place without a
    copy; other arrays are converted to float64. ``detect`` feeds the detector float32 samples:
    push float32 to get its results bit for bit. The GIL is released while the detector works.
    The detector is not thread safe: one per stream, used from one thread at a time.

    Each seizure record (from :meth:`take_seizures`) is a dict with ``onset_s``, ``offset_s``
    (seconds from the first sample pushed, stream sample / ``sfreq``), ``onset_sample`` and
    ``offset_sample`` (stream sample indices, gaps not counted), ``onset_channels``, ``region``,
    ``hemisphere``, ``lateralization_index`` (None when undefined), ``confidence``,
    ``channel_onsets`` (name -> seconds) and ``focus_position`` (x, y, z or None): the fields of
    a seizure of the detect JSON (docs/output-format.md).
    """

    def __init__(
        self, sfreq: float, ch_names: Sequence[str], *, bads: Iterable[str] = (), **params: Any
    ) -> None:
        if not hasattr(_core, "SeizureDetector"):
            raise UnsupportedError("this build of ictaltrack has no seizure detector")
        names = [str(name) for name in ch_names]
        bad = set(bads)
        unknown = bad - set(names)
        if unknown:
            raise ValueError(f"bads not among the channels: {sorted(unknown)}")
        self._detector = _core.SeizureDetector(
            float(sfreq), names, dict(params) or None, [name in bad for name in names]
        )
        self._names = names

    @property
    def sfreq(self) -> float:
        """Sample rate in Hz."""
        return float(self._detector.sfreq)

    @property
    def ch_names(self) -> list[str]:
        """Channel labels, one per row of the chunks."""
        return list(self._names)

    @property
    def samples_pushed(self) -> int:
        """Samples per channel pushed so far."""
        return int(self._detector.samples_pushed)

    @property
    def channels(self) -> list[dict[str, str]]:
        """Per channel: ``label``, ``status`` ("ok" or "bad", final after the baseline warm-up)
        and ``bad_reason``."""
        return list(self._detector.channels)

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """Detector warnings so far: ``code``, ``message``, ``signal`` (channel index or -1)."""
        return list(self._detector.warnings)

    def push(self, samples: Any) -> None:
        """Append ``samples`` (microvolts, shape ``(n_channels, n)``, any ``n`` >= 0)."""
        self._detector.push(samples)

    def mark_gap(self) -> None:
        """The next sample pushed does not follow the last one (dropped connection, pause): open
        events end here and no analysis window spans the gap (docs/detection.md, "Gaps")."""
        self._detector.mark_gap()

    def finish(self) -> None:
        """End the stream: close the events still open (take them with :meth:`take_seizures`)."""
        self._detector.finish()

    def take_seizures(self) -> list[dict[str, Any]]:
        """Seizures completed since the last call, ordered by onset (fields: class docstring)."""
        return list(self._detector.take_seizures())

    def __repr__(self) -> str:
        return (
            f"<SeizureDetector {len(self._names)} channels at {self.sfreq:g} Hz, "
            f"{self.samples_pushed} samples pushed>"
        )
