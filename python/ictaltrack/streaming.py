"""Live detection: :class:`SeizureDetector` takes samples as they arrive, raises an onset alarm as
soon as a running seizure is confirmed and gives out each seizure once it has ended; :func:`follow`
runs detection on an EDF/BDF file while it is being written.

It is the C++ streaming detector that :func:`ictaltrack.detect` runs over a whole recording, so the
seizures of a stream are those ``detect`` finds in the same samples, whatever the chunk sizes.
Differences from ``detect``: the channels are given as they are (no selection by sample rate, no
``info["bads"]``: pass ``bads``), the mains frequency is not guessed (``line_frequency_hz=0``
means 50 Hz; pass 60 where the mains is 60 Hz), and times are seconds from the first sample
pushed, not counting gaps (the record also holds the stream sample indices).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ictaltrack import _core
from ictaltrack.errors import UnsupportedError

if TYPE_CHECKING:
    from ictaltrack.result import DetectionResult

__all__ = ["SeizureDetector", "alarm_to_json", "follow"]

# Samples per channel read and detected in one step of follow(): a file that already holds a long
# backlog is taken in steps of about 8 minutes at 256 Hz, so that Ctrl-C and the events of the
# backlog are not held up until all of it is done.
_FOLLOW_STEP_SAMPLES = 1 << 17


def alarm_to_json(alarm: Mapping[str, Any], channel_names: Sequence[str]) -> dict[str, Any]:
    """The record of one onset alarm, as :meth:`SeizureDetector.take_alarms` gives it and as one
    line of JSON shows it.

    Parameters
    ----------
    alarm : mapping
        An alarm as the extension gives it (``_core.SeizureDetector.take_alarms()``, or an item of
        ``"alarms"`` of ``_core.detect_file(..., alarms=True)``): ``raised_s``, ``onset_s``,
        ``raised_sample``, ``onset_sample``, ``onset_channels`` (channel indices),
        ``hemisphere``, ``region``, ``confidence``.
    channel_names : sequence of str
        The name of each channel those indices point to (the canonical names the seizure records
        use, e.g. ``"T7"`` for ``"EEG T3-REF"``).

    Returns
    -------
    dict
        ``event`` (``"alarm"``), ``raised_s`` (when the alarm could be raised: the end of the
        analysis window that confirmed the seizure), ``onset_s`` (provisional onset),
        ``onset_channels`` (names, earliest first), ``hemisphere``, ``region``, ``confidence``
        (0..1), ``raised_sample`` and ``onset_sample``. Seconds from the first sample, on the
        same basis as the seizure records of the same source (streaming: stream sample /
        ``sfreq``, gaps not counted; ``detect_file``: the recording's time); samples are stream
        sample indices. The final seizure, given later, may place the onset and the channels
        differently.
    """
    return {
        "event": "alarm",
        "raised_s": float(alarm["raised_s"]),
        "onset_s": float(alarm["onset_s"]),
        "onset_channels": [str(channel_names[int(c)]) for c in alarm["onset_channels"]],
        "hemisphere": str(alarm["hemisphere"]),
        "region": str(alarm["region"]),
        "confidence": float(alarm["confidence"]),
        "raised_sample": int(alarm["raised_sample"]),
        "onset_sample": int(alarm["onset_sample"]),
    }


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

    Each seizure is announced earlier by one onset alarm (from :meth:`take_alarms`, records of
    :func:`alarm_to_json`), raised as soon as the running event is confirmed as a seizure
    (docs/detection.md, "Onset alarms"); an alarm that no seizure follows is a false alarm.
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
        # The names the seizure records use (canonical site name, else the label).
        self._channel_names = list(self._detector.channel_names)

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

    def take_alarms(self) -> list[dict[str, Any]]:
        """Onset alarms raised since the last call, in the order raised (fields:
        :func:`alarm_to_json`). Call it after each :meth:`push` for live use: an alarm comes
        once the detector has confirmed a running seizure, before the seizure has ended."""
        return [alarm_to_json(alarm, self._channel_names) for alarm in self._detector.take_alarms()]

    def __repr__(self) -> str:
        return (
            f"<SeizureDetector {len(self._names)} channels at {self.sfreq:g} Hz, "
            f"{self.samples_pushed} samples pushed>"
        )


def _follow_events(follower: Any) -> list[dict[str, Any]]:
    """The events of a ``_core.FileFollower`` since the last call, in the order they happened:
    alarm records of :func:`alarm_to_json` and seizure events of :func:`_seizure_event`, seconds
    from the recording start (gaps included)."""
    events = []
    for item in follower.take_events():
        if item.pop("event") == "alarm":
            events.append(alarm_to_json(item, follower.channel_names))
        else:
            events.append(_seizure_event(item))
    return events


def _seizure_event(item: Mapping[str, Any]) -> dict[str, Any]:
    """``{"event": "seizure", ...}``: the seizure's record exactly as the detect JSON holds it."""
    from ictaltrack.export import seizure_record
    from ictaltrack.result import seizure_from_dict

    return {"event": "seizure", **seizure_record(seizure_from_dict(item))}


def follow(
    path: str | os.PathLike[str],
    *,
    idle_timeout_s: float = 10.0,
    poll_s: float = 0.5,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    criteria: Mapping[str, Any] | None = None,
    **params: Any,
) -> DetectionResult:
    """Detect seizures in an EDF/EDF+/BDF/BDF+ file while it is being written.

    The file is read again every ``poll_s`` seconds: the records completed since are run through
    the detector, and each seizure is handed to ``on_event`` as soon as the detector has closed
    it (that is some seconds after it ends: ``close_gap_s``, docs/detection.md). The header's
    record count may be -1 or lag behind the data; only complete records are read (a record
    being written is waited for, never read as damage), and EDF+D/BDF+D record onsets come from
    the time-keeping annotations, so gaps are handled as :func:`ictaltrack.detect` handles them.
    Following ends once the file has not grown for ``idle_timeout_s`` seconds, or on Ctrl-C
    (``KeyboardInterrupt`` ends it the same way: the data read so far is finished, nothing is
    raised). The result is then the one :func:`ictaltrack.detect` gives for the file as it is at
    the end: its ``to_json()`` is byte for byte that of ``detect(path)``. A file deleted or
    renamed while followed ends following at once: the records read are finished (the seizures
    still open are closed and handed to ``on_event``) and the result, that of those records,
    carries the warning ``file_vanished``.

    Parameters
    ----------
    path : str or path-like
        The file being written (it must exist; a header not yet complete is waited for).
    idle_timeout_s : float
        Seconds (wall clock) without growth of the file after which it is taken as complete.
    poll_s : float
        Seconds (wall clock) between two reads of the file once all its records are read.
    on_event : callable, optional
        Called with each event dict, in the order they happen: ``{"event": "seizure",
        "onset_s", "offset_s", "onset_channels", "region", "hemisphere",
        "lateralization_index", "confidence", "channel_onsets"}`` (times in seconds from the
        recording start, the fields of a seizure of the detect JSON; seizures come in the order
        they end, which differs from onset order when they overlap). Before its seizure event,
        each seizure gets an onset alarm event as soon as the detector has confirmed it while
        it runs: ``{"event": "alarm", "raised_s", "onset_s", "onset_channels", "hemisphere",
        "region", "confidence", ...}`` (:func:`alarm_to_json`; seconds from the recording start).
    criteria : mapping, optional
        Overrides of the ``migrating`` verdict criteria (docs/migration.md).
    **params
        Detector parameters (names and defaults: :func:`ictaltrack.detector_defaults`).

    Returns
    -------
    DetectionResult
        As ``detect(path, criteria=criteria, **params)`` on the file at the end.

    Raises
    ------
    ictaltrack.FormatError, ictaltrack.IoError
        The file cannot be read: ``IoError`` (a ``FileNotFoundError`` when missing) at once, as
        ``detect`` raises it; a file that is no EDF/BDF at the first read; a header that never
        became readable at the end; ``IoError`` also when the file goes away before its header
        was read.
    TypeError, ValueError
        Bad detector parameters.
    ictaltrack.UnsupportedError
        A file this version cannot handle, or a build without the detector.
    """
    if not hasattr(_core, "FileFollower"):
        raise UnsupportedError("this build of ictaltrack has no seizure detector")
    if not (idle_timeout_s >= 0 and poll_s > 0):
        raise ValueError("need idle_timeout_s >= 0 and poll_s > 0")
    from ictaltrack.result import DetectionResult

    name = os.fspath(path)
    # A missing file is an error now (IoError, as detect raises it), not after the idle timeout.
    follower = _core.FileFollower(name, dict(params) or None)
    emit = on_event if on_event is not None else (lambda event: None)

    def drain() -> None:
        for event in _follow_events(follower):
            emit(event)

    size, grown_at = -1, time.monotonic()
    try:
        while True:
            try:
                now_size = os.stat(name).st_size
                caught_up = follower.poll(_FOLLOW_STEP_SAMPLES)
            except OSError:
                # The file went away (deleted or renamed) or can no longer be read: following
                # ends here, and finish() completes the records read so far (with the warning
                # "file_vanished" when it cannot open the file again), or raises IoError when
                # not even the header had been read.
                break
            if now_size != size:
                size, grown_at = now_size, time.monotonic()
            drain()
            if caught_up:
                if time.monotonic() - grown_at >= idle_timeout_s:
                    break
                time.sleep(poll_s)
    except KeyboardInterrupt:
        pass  # Ctrl-C ends following: finish on what the file holds now
    raw = follower.finish()
    drain()
    return DetectionResult.from_dict(raw, criteria=criteria)
