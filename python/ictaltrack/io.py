"""Reading EDF, EDF+ (C and D) and BDF, BDF+ recordings.

Time base and units
-------------------
- Sample positions are integer **sample indices per channel**, counted from the first sample of
  the file (``start``/``stop`` arguments). Each channel keeps its own rate; nothing is resampled.
- Times (annotation onsets, record onsets, gaps, durations) are **seconds from the recording
  start**, i.e. from the header start time plus the sub-second offset of the first data record
  (EDF+/BDF+ time-keeping annotation). The C++ core keeps them as 100 ns ticks.
- Samples are returned in **microvolts** by default (``units="uV"``), converted from each
  channel's physical dimension; ``units=None`` returns physical values in each channel's own
  dimension; ``to_mne()`` gives volts, as MNE expects.
- For discontinuous files (EDF+D/BDF+D) sample indices run over the stored records without the
  gaps; :meth:`Recording.times` and :attr:`RecordingInfo.gaps` give the true times.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from ictaltrack import _core
from ictaltrack._extras import require
from ictaltrack.errors import UnsupportedError
from ictaltrack.warning import ReadWarning

if TYPE_CHECKING:  # pragma: no cover - typing only
    import mne

    from ictaltrack.spectral import BandPowerResult

__all__ = ["ChannelInfo", "Recording", "RecordingInfo", "ReadWarning", "read_edf"]

logger = logging.getLogger("ictaltrack")

_TICKS_PER_SECOND = 10_000_000

#: Physical dimensions recognised as voltages, with their size in volts. The micro sign appears
#: as "u", MICRO SIGN U+00B5, GREEK SMALL LETTER MU U+03BC, and the Shift-JIS mu bytes 0x83 0xCA
#: seen in Nihon Kohden exports (decoded byte-wise).
_VOLTS_PER_UNIT = {
    "V": 1.0,
    "mV": 1e-3,
    "uV": 1e-6,
    "\u00b5V": 1e-6,
    "\u03bcV": 1e-6,
    "\x83\xcaV": 1e-6,
    "nV": 1e-9,
}
#: Upper- and lower-case spellings that old headers use; "MV" is left out on purpose (megavolt
#: or millivolt cannot be told apart).
_VOLTS_PER_UNIT_CASELESS = {"uv": 1e-6, "nv": 1e-9, "v": 1.0}

#: The units ``get_data`` accepts, with their size in volts.
OUTPUT_UNITS = {"V": 1.0, "mV": 1e-3, "uV": 1e-6, "\u00b5V": 1e-6, "nV": 1e-9}


def volts_per_unit(physical_dimension: str) -> float | None:
    """Size in volts of one unit of an EDF physical dimension, or ``None`` if not a voltage."""
    text = physical_dimension.strip()
    if text in _VOLTS_PER_UNIT:
        return _VOLTS_PER_UNIT[text]
    return _VOLTS_PER_UNIT_CASELESS.get(text.lower())


@dataclass(frozen=True)
class ChannelInfo:
    """One data channel (annotation signals are not channels).

    Attributes
    ----------
    index : int
        Channel index (over data channels only, header order).
    signal_index : int
        Index among all header signals, annotation signals included.
    label : str
        Trimmed label, e.g. ``"EEG Fp1-REF"``; duplicates are kept as they are.
    unit : str
        Physical dimension as stored (e.g. ``"uV"``).
    volts_per_unit : float or None
        Size of one ``unit`` in volts, ``None`` when the dimension is not a known voltage.
    sfreq : float
        Sample rate in Hz (samples per record / record duration), exact, never resampled.
    n_samples : int
        Samples in the file (complete records only).
    gain, offset : float
        Calibration: physical = gain * digital + offset.
    usable : bool
        False for a dummy channel or when calibration is impossible.
    calibrated : bool
        False when digital min == max or physical min == max: physical values are then NaN.
    is_bdf_status : bool
        The BDF ``Status`` trigger channel (read it with ``digital=True``).
    """

    index: int
    signal_index: int
    label: str
    unit: str
    volts_per_unit: float | None
    sfreq: float
    n_samples: int
    samples_per_record: int
    physical_min: float
    physical_max: float
    digital_min: int
    digital_max: int
    gain: float
    offset: float
    transducer: str
    prefilter: str
    usable: bool
    calibrated: bool
    is_bdf_status: bool
    label_raw: bytes = field(repr=False)


@dataclass(frozen=True)
class RecordingInfo:
    """Header summary of a recording. All times are seconds from the recording start.

    Attributes
    ----------
    path : str
    format : str
        ``"EDF"``, ``"EDF+C"``, ``"EDF+D"``, ``"BDF"``, ``"BDF+C"`` or ``"BDF+D"``.
    channels : tuple of ChannelInfo
        Data channels in header order.
    start : datetime.datetime
        Start of the recording as written in the header (local clock time, no time zone), with
        the sub-second offset of the first data record in the microseconds (rounded down to whole
        microseconds; ``start_ticks_subsecond`` keeps the exact 100 ns value).
    duration : float
        Seconds covered by the data: onset of the last record + record duration (gaps included).
    n_records : int
    record_duration : float
        Seconds per data record.
    record_onsets : numpy.ndarray of float
        Onset of every data record (seconds). Evenly spaced except in EDF+D/BDF+D files.
    gaps : tuple of (onset, duration)
        Gaps between records in seconds (empty for continuous files): a gap starts where a record
        ends and lasts until the next record's onset.
    segments : tuple of (onset, duration, first_record, n_records)
        Gap-free stretches of records.
    warnings : tuple of ReadWarning
        Problems the reader worked around.
    start_ticks_subsecond : int
        Sub-second part of the start in 100 ns ticks (exact).
    start_iso : str
        The start as ISO 8601 text with 7 decimals when there is a sub-second part.
    patient, recording : str
        The 80-character header fields (trimmed, decoded leniently).
    header_bytes, n_signals : int
        Header size in bytes; number of signals, annotation signals included.
    annotation_signals : tuple of int
        Signal indices of the annotation signals.
    discontinuous : bool
        True for EDF+D/BDF+D.
    """

    path: str
    format: str
    channels: tuple[ChannelInfo, ...]
    start: datetime
    start_ticks_subsecond: int
    start_iso: str
    duration: float
    n_records: int
    record_duration: float
    record_onsets: np.ndarray = field(repr=False)
    gaps: tuple[tuple[float, float], ...]
    segments: tuple[tuple[float, float, int, int], ...]
    warnings: tuple[ReadWarning, ...]
    patient: str
    recording: str
    header_bytes: int
    n_signals: int
    annotation_signals: tuple[int, ...]
    discontinuous: bool

    @property
    def ch_names(self) -> list[str]:
        """Channel labels in header order (duplicates kept)."""
        return [channel.label for channel in self.channels]

    @property
    def sampling_rates(self) -> list[float]:
        """The distinct channel sample rates in Hz, ascending."""
        return sorted({channel.sfreq for channel in self.channels})

    @property
    def sfreq(self) -> float | None:
        """The sample rate in Hz when all channels share one, else ``None``."""
        rates = self.sampling_rates
        return rates[0] if len(rates) == 1 else None


def _make_info(raw: dict, segments: list[dict]) -> RecordingInfo:
    channels = tuple(
        ChannelInfo(
            index=c["index"],
            signal_index=c["signal_index"],
            label=c["label"],
            unit=c["physical_dimension"],
            # The Status channel holds trigger bits whatever its header dimension says.
            volts_per_unit=None if c["is_bdf_status"] else volts_per_unit(c["physical_dimension"]),
            sfreq=c["sfreq"],
            n_samples=c["n_samples"],
            samples_per_record=c["samples_per_record"],
            physical_min=c["physical_min"],
            physical_max=c["physical_max"],
            digital_min=c["digital_min"],
            digital_max=c["digital_max"],
            gain=c["gain"],
            offset=c["offset"],
            transducer=c["transducer"],
            prefilter=c["prefilter"],
            usable=c["usable"],
            calibrated=c["calibrated"],
            is_bdf_status=c["is_bdf_status"],
            label_raw=c["label_raw"],
        )
        for c in raw["channels"]
    )
    start = raw["start"]
    start_datetime = datetime(
        start["year"], start["month"], start["day"], start["hour"], start["minute"], start["second"]
    ) + timedelta(microseconds=start["subsecond_ticks"] // 10)
    onsets_ticks = np.asarray(raw["record_onsets_ticks"], dtype=np.int64)
    record_ticks = int(raw["record_duration_ticks"])
    gaps = []
    if onsets_ticks.size > 1:
        gap_ticks = onsets_ticks[1:] - (onsets_ticks[:-1] + record_ticks)
        for index in np.flatnonzero(gap_ticks > 0):
            gap_start = int(onsets_ticks[index]) + record_ticks
            gaps.append((gap_start / _TICKS_PER_SECOND, int(gap_ticks[index]) / _TICKS_PER_SECOND))
    segment_tuples = tuple(
        (
            s["onset_ticks"] / _TICKS_PER_SECOND,
            s["n_records"] * record_ticks / _TICKS_PER_SECOND,
            int(s["first_record"]),
            int(s["n_records"]),
        )
        for s in segments
    )
    return RecordingInfo(
        path=raw["path"],
        format=raw["format"],
        channels=channels,
        start=start_datetime,
        start_ticks_subsecond=int(start["subsecond_ticks"]),
        start_iso=start["iso8601"],
        duration=raw["duration_ticks"] / _TICKS_PER_SECOND,
        n_records=int(raw["n_records"]),
        record_duration=record_ticks / _TICKS_PER_SECOND,
        record_onsets=onsets_ticks / _TICKS_PER_SECOND,
        gaps=tuple(gaps),
        segments=segment_tuples,
        warnings=tuple(ReadWarning(w["code"], w["message"], w["signal"]) for w in raw["warnings"]),
        patient=raw["patient"],
        recording=raw["recording"],
        header_bytes=int(raw["header_bytes"]),
        n_signals=int(raw["n_signals"]),
        annotation_signals=tuple(raw["annotation_signals"]),
        discontinuous=bool(raw["discontinuous"]),
    )


Picks = None | int | str | Sequence[int | str] | np.ndarray


class Recording:
    """An open EDF/BDF recording: header, annotations, and samples read on request.

    Create it with :func:`read_edf`. Samples stay on disk until :meth:`get_data` or
    :meth:`iter_chunks` asks for them, so memory is bounded by the request, not the file.

    Attributes
    ----------
    info : RecordingInfo
        Header summary (channels, rates, start time, duration, record onsets, gaps, warnings).
    annotations : pandas.DataFrame
        Columns ``onset`` and ``duration`` (seconds from the recording start; ``duration`` is NaN
        when the annotation gives none) and ``description`` (str).
    """

    def __init__(self, reader: _core.EdfReader) -> None:
        self._reader = reader
        self.info = _make_info(reader.info(), reader.segments())
        import pandas as pd  # here, not at module level: `import ictaltrack` stays quick

        raw = reader.annotations()
        durations = np.asarray(raw["duration_ticks"], dtype=np.int64)
        self.annotations = pd.DataFrame(
            {
                "onset": np.asarray(raw["onset_ticks"], dtype=np.int64) / _TICKS_PER_SECOND,
                "duration": np.where(durations < 0, np.nan, durations / _TICKS_PER_SECOND),
                "description": pd.Series(raw["description"], dtype=object),
            }
        )

    # ----------------------------------------------------------------------------------------
    # picking channels and ranges
    # ----------------------------------------------------------------------------------------
    def _pick(self, picks: Picks) -> list[int]:
        """Channel indices for ``picks``: None (all), labels, indices, or a mix."""
        n_channels = len(self.info.channels)
        if picks is None:
            return list(range(n_channels))
        if isinstance(picks, (str, int, np.integer)):
            picks = [picks]
        labels = self.info.ch_names
        indices = []
        for pick in picks:
            if isinstance(pick, (int, np.integer)) and not isinstance(pick, bool):
                index = int(pick)
                if not -n_channels <= index < n_channels:
                    raise IndexError(
                        f"channel index {index} out of range for {n_channels} channels"
                    )
                indices.append(index % n_channels)
            elif isinstance(pick, str):
                matches = [i for i, label in enumerate(labels) if label == pick]
                if not matches:
                    raise ValueError(f"no channel labelled {pick!r}; channels are {labels}")
                if len(matches) > 1:
                    raise ValueError(
                        f"label {pick!r} names channels {matches}; pick them by index instead"
                    )
                indices.append(matches[0])
            else:
                raise TypeError(f"picks must be channel labels or indices, got {pick!r}")
        return indices

    def _common_rate_samples(self, indices: list[int]) -> int:
        rates = {self.info.channels[i].sfreq for i in indices}
        if len(rates) > 1:
            by_rate: dict[float, list[str]] = {}
            for i in indices:
                by_rate.setdefault(self.info.channels[i].sfreq, []).append(
                    self.info.channels[i].label
                )
            detail = "; ".join(f"{rate:g} Hz: {names}" for rate, names in sorted(by_rate.items()))
            raise UnsupportedError(
                "picked channels have different sample rates and are never resampled; "
                f"pick channels of one rate at a time ({detail})"
            )
        return min(self.info.channels[i].n_samples for i in indices) if indices else 0

    @staticmethod
    def _range(start: int | None, stop: int | None, n_samples: int) -> tuple[int, int]:
        start = 0 if start is None else int(start)
        stop = n_samples if stop is None else int(stop)
        if not 0 <= start <= stop <= n_samples:
            raise ValueError(
                f"need 0 <= start <= stop <= {n_samples} (samples), got start={start}, stop={stop}"
            )
        return start, stop

    def _scales(self, indices: list[int], units: str | None) -> np.ndarray | None:
        """Per-channel factors from the channel's physical dimension to ``units``."""
        if units is None:
            return None
        if units not in OUTPUT_UNITS:
            raise ValueError(f"units must be one of {sorted(OUTPUT_UNITS)} or None, got {units!r}")
        target = OUTPUT_UNITS[units]
        factors = [self.info.channels[i].volts_per_unit for i in indices]
        unknown = [
            f"{self.info.channels[i].label!r} ({self.info.channels[i].unit!r})"
            for i, factor in zip(indices, factors)
            if factor is None
        ]
        if unknown:
            raise ValueError(
                f"cannot convert to {units}: channels {', '.join(unknown)} do not have a voltage "
                "dimension (V, mV, uV/µV, nV); leave them out with picks=..., or pass "
                "units=None for values in each channel's own dimension"
            )
        return np.array([factor / target for factor in factors if factor is not None])

    def _read(
        self,
        indices: list[int],
        start: int,
        stop: int,
        scales: np.ndarray | None,
        dtype: Any,
        digital: bool,
    ) -> np.ndarray:
        if digital:
            return self._reader.read_digital(indices, start, stop - start)
        data: np.ndarray  # float32 or float64, as asked
        if np.dtype(dtype) == np.float32:
            data = self._reader.read_physical_float32(indices, start, stop - start)
        elif np.dtype(dtype) == np.float64:
            data = self._reader.read_physical_float64(indices, start, stop - start)
        else:
            raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
        if scales is not None and not np.all(scales == 1.0):
            np.multiply(data, scales.astype(data.dtype)[:, np.newaxis], out=data)
        return data

    # ----------------------------------------------------------------------------------------
    # public reading API
    # ----------------------------------------------------------------------------------------
    def get_data(
        self,
        picks: Picks = None,
        units: str | None = "uV",
        *,
        start: int | None = None,
        stop: int | None = None,
        dtype: Any = np.float64,
        digital: bool = False,
    ) -> np.ndarray:
        """Read samples of some channels.

        Parameters
        ----------
        picks : None | str | int | sequence of str or int
            Channels by label or index (data channels only, header order). ``None``: all. The
            picked channels must share one sample rate (:class:`ictaltrack.UnsupportedError`
            otherwise: nothing is ever resampled). A label shared by several channels must be
            picked by index.
        units : "uV" | "µV" | "mV" | "V" | "nV" | None
            Output unit (default microvolts), converted from each channel's physical dimension
            (``V``, ``mV``, ``uV``/``µV``, ``nV``). A channel whose dimension is not a voltage
            (e.g. ``""``, ``"degC"``, BDF ``Status``) raises ``ValueError`` naming it; pick it
            separately with ``units=None`` to get values in its own dimension.
        start, stop : int | None, keyword-only
            Sample range ``[start, stop)`` in samples of the picked channels' rate, from the first
            stored sample. ``None``: from the first / to the last sample. In EDF+D/BDF+D files the
            samples of consecutive records are adjacent even across gaps (see :meth:`times`).
            Keyword-only, as in :meth:`iter_chunks`.
        dtype : numpy.float64 | numpy.float32
            Output type for physical values.
        digital : bool
            Return the stored integers (int32, no calibration) instead; ``units`` is ignored.

        Returns
        -------
        numpy.ndarray, shape (n_channels, n_times)
            The samples, allocated by the reader (no extra copy).
        """
        indices = self._pick(picks)
        n_samples = self._common_rate_samples(indices)
        start, stop = self._range(start, stop, n_samples)
        scales = None if digital else self._scales(indices, units)
        return self._read(indices, start, stop, scales, dtype, digital)

    def iter_chunks(
        self,
        chunk_s: float = 60.0,
        picks: Picks = None,
        units: str | None = "uV",
        *,
        start: int | None = None,
        stop: int | None = None,
        dtype: Any = np.float64,
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Iterate over consecutive chunks of samples, for files too long to read at once.

        Parameters
        ----------
        chunk_s : float
            Chunk length in seconds (rounded to whole samples, at least one sample). The last
            chunk may be shorter.
        picks, units, start, stop, dtype
            As in :meth:`get_data` (units default to microvolts; start/stop in samples).

        Yields
        ------
        first_sample : int
            Index of the chunk's first sample (samples from the start of the file).
        data : numpy.ndarray, shape (n_channels, n_chunk_samples)
        """
        indices = self._pick(picks)
        n_samples = self._common_rate_samples(indices)
        start, stop = self._range(start, stop, n_samples)
        scales = self._scales(indices, units)
        if not chunk_s > 0:
            raise ValueError(f"chunk_s must be > 0, got {chunk_s}")
        rate = self.info.channels[indices[0]].sfreq if indices else 1.0
        chunk = max(1, int(round(chunk_s * rate)))
        for first in range(start, stop, chunk):
            last = min(first + chunk, stop)
            yield first, self._read(indices, first, last, scales, dtype, False)

    def band_power(self, picks: Picks = None, **options: Any) -> BandPowerResult:
        """Band power per channel over sliding windows, streamed from disk.

        A thin wrapper over :func:`ictaltrack.spectral.recording_band_power` (see there for the
        options: ``bands``, ``window_s``, ``step_s``, ``window``, ``detrend``, ``relative``,
        ``total_range``, ``n_threads``, ``chunk_s``, ``units``). Power is in uV^2 by default; no
        window spans a gap of an EDF+D/BDF+D file; times are seconds from the recording start.
        """
        from ictaltrack.spectral import recording_band_power

        return recording_band_power(self, picks, **options)

    def times(
        self, channel: int | str = 0, start: int | None = None, stop: int | None = None
    ) -> np.ndarray:
        """Time of each sample of ``channel`` in seconds from the recording start.

        Honours the record onsets of EDF+D/BDF+D files (times jump across gaps); for continuous
        files this is ``sample / sfreq`` (plus nothing: the recording start is time 0).
        """
        (index,) = self._pick(channel)
        info = self.info.channels[index]
        start, stop = self._range(start, stop, info.n_samples)
        samples = np.arange(start, stop, dtype=np.int64)
        records, within = np.divmod(samples, info.samples_per_record)
        return self.info.record_onsets[records] + within / info.sfreq

    def to_mne(self, picks: Picks = None, *, verbose: Any = None) -> mne.io.RawArray:
        """Convert to an :class:`mne.io.RawArray` (data in volts, as MNE expects).

        Voltage channels become ``eeg`` channels in volts; the BDF ``Status`` channel becomes a
        ``stim`` channel holding the stored integers; other channels (non-voltage dimensions)
        become ``misc`` channels in their own dimension. Annotations are copied (missing
        durations become 0) and ``meas_date`` is the header start time taken as UTC (EDF stores no
        time zone). For EDF+D/BDF+D files the data are placed at their true times, the gaps are
        filled with zeros and marked with ``BAD_ACQ_SKIP`` annotations, as MNE does for other
        discontinuous formats. The picked channels must share one sample rate.
        """
        mne = require("mne", extra="mne")

        indices = self._pick(picks)
        if not indices:
            raise ValueError("to_mne() needs at least one channel; this pick has none")
        n_samples = self._common_rate_samples(indices)
        channels = [self.info.channels[i] for i in indices]
        sfreq = channels[0].sfreq
        # One pass over the file for all channels, then per-channel scaling.
        data = self._read(indices, 0, n_samples, None, np.float64, False)
        types = []
        for row, (index, channel) in enumerate(zip(indices, channels)):
            if channel.is_bdf_status:
                data[row] = self._read([index], 0, n_samples, None, np.float64, True)[0]
                types.append("stim")
            elif channel.volts_per_unit is not None:
                data[row] *= channel.volts_per_unit
                types.append("eeg")
            else:
                types.append("misc")
        descriptions = list(self.annotations["description"])
        onsets = list(self.annotations["onset"])
        durations = list(self.annotations["duration"].fillna(0.0))
        if self.info.discontinuous and self.info.gaps:
            samples_per_record = channels[0].samples_per_record
            total = int(round(self.info.duration * sfreq))
            placed = np.zeros((len(indices), total))
            for onset, _, first_record, n_records in self.info.segments:
                first_out = int(round(onset * sfreq))
                first_in = first_record * samples_per_record
                count = n_records * samples_per_record
                placed[:, first_out : first_out + count] = data[:, first_in : first_in + count]
            data = placed
            for gap_onset, gap_duration in self.info.gaps:
                onsets.append(gap_onset)
                durations.append(gap_duration)
                descriptions.append("BAD_ACQ_SKIP")
        names = _unique_names([channel.label for channel in channels])
        mne_info = mne.create_info(names, sfreq, types, verbose=verbose)
        raw = mne.io.RawArray(data, mne_info, verbose=verbose)
        meas_date = self.info.start.replace(tzinfo=timezone.utc)
        raw.set_meas_date(meas_date)
        raw.set_annotations(mne.Annotations(onsets, durations, descriptions, orig_time=meas_date))
        return raw

    def close(self) -> None:
        """Release the file. Header data and annotations stay available."""
        self._reader.close()

    def __enter__(self) -> Recording:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        info = self.info
        rates = ", ".join(f"{rate:g}" for rate in info.sampling_rates)
        return (
            f"<Recording {os.path.basename(info.path)!r} {info.format}, "
            f"{len(info.channels)} channels @ {rates} Hz, {info.duration:g} s from "
            f"{info.start.isoformat()}, {len(self.annotations)} annotations, "
            f"{len(info.gaps)} gaps, {len(info.warnings)} warnings>"
        )


def _unique_names(labels: list[str]) -> list[str]:
    """MNE needs unique, non-empty channel names: suffix repeats with -0, -1, ... like MNE."""
    counts = {label: labels.count(label) for label in labels}
    seen: dict[str, int] = {}
    names = []
    for label in labels:
        base = label or "unnamed"
        if counts[label] > 1:
            number = seen.get(label, 0)
            seen[label] = number + 1
            names.append(f"{base}-{number}")
        else:
            names.append(base)
    return names


def read_edf(
    path: str | os.PathLike,
    *,
    clip_to_digital_range: bool = True,
    verbose: bool | str | int | None = None,
) -> Recording:
    """Open an EDF, EDF+C, EDF+D, BDF, BDF+C or BDF+D file.

    The header and all annotations are read now; samples are read on request
    (:meth:`Recording.get_data`, :meth:`Recording.iter_chunks`). The file is opened read-only.

    Parameters
    ----------
    path : str or path-like
        The file.
    clip_to_digital_range : bool
        Clip stored values to each channel's [digital min, digital max], as EDFlib does (values
        outside are ADC overflow). Never applied to the BDF Status channel. ``False`` returns the
        stored values as they are (as MNE does).
    verbose : bool | str | int | None
        Logging level for this call, as in MNE: problems the reader worked around (also kept in
        ``info.warnings``) are logged to the ``ictaltrack`` logger at WARNING level; ``True`` or
        ``"INFO"`` also logs a one-line summary; ``False`` or ``"ERROR"`` silences both.
        ``None`` keeps the logger's level.

    Returns
    -------
    Recording
        Times in seconds from the recording start, samples in microvolts by default.

    Raises
    ------
    ictaltrack.IoError
        The file cannot be opened or read (``.path``).
    ictaltrack.FormatError
        The header breaks the format (``.field``, ``.signal``, ``.byte_offset``).
    ictaltrack.UnsupportedError
        A valid file this version cannot read.
    """
    level = _verbose_level(verbose)
    previous = logger.level
    if level is not None:
        logger.setLevel(level)
    try:
        recording = Recording(
            _core.EdfReader(os.fspath(path), clip_to_digital_range=clip_to_digital_range)
        )
        for warning in recording.info.warnings:
            logger.warning("%s: %s (%s)", os.fspath(path), warning.message, warning.code)
        logger.info("%r", recording)
        return recording
    finally:
        if level is not None:
            logger.setLevel(previous)


def _verbose_level(verbose: bool | str | int | None) -> int | None:
    if verbose is None:
        return None
    if verbose is True:
        return logging.INFO
    if verbose is False:
        return logging.ERROR
    if isinstance(verbose, str):
        level = logging.getLevelName(verbose.upper())
        if not isinstance(level, int):
            raise ValueError(f"unknown verbose level {verbose!r}")
        return level
    return int(verbose)
