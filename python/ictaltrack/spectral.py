"""Band power per channel over sliding windows (FFTW in the C++ core, streaming).

Definitions (see ``docs/band_power.md``):

- Windows of ``window_s`` seconds (rounded to whole samples, N) start every ``step_s`` seconds
  (rounded, H); only whole windows are computed, like ``scipy.signal.spectrogram``.
- PSD: one-sided, ``scaling="density"``: ``|rfft(w * detrend(x))|**2 / (sfreq * sum(w**2))``, every
  bin except DC and (even N) Nyquist doubled. Input in microvolts gives uV^2/Hz.
- Band power, rectangle rule: the sum of PSD bins with ``low <= f < high`` times ``df = sfreq / N``
  (uV^2 for input in uV). Bin frequencies are ``numpy.fft.rfftfreq(N, 1 / sfreq)``.
- Relative power: band power divided by the power over ``total_range`` (same rule); by default
  0.5-70 Hz widened to cover every band, clipped at Nyquist because no bin lies above.
- Times: window centres, ``(start + N / 2) / sfreq`` seconds from the first sample (scipy's axis).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ictaltrack import _core

if TYPE_CHECKING:
    import pandas as pd

    from ictaltrack.io import Picks, ReadWarning, Recording

__all__ = [
    "Band",
    "DEFAULT_BANDS",
    "BandPowerResult",
    "BandPowerStream",
    "band_power",
    "recording_band_power",
]


class Band(NamedTuple):
    """A frequency band ``[low_hz, high_hz)`` in Hz (low edge inclusive, high edge exclusive)."""

    name: str
    low_hz: float
    high_hz: float


#: delta 0.5-4, theta 4-8, alpha 8-13, beta 13-30, gamma 30-70 Hz.
DEFAULT_BANDS: tuple[Band, ...] = tuple(Band(*b) for b in _core.default_bands())

BandsLike = Mapping[str, Sequence[float]] | Iterable[Sequence] | None


_BAND_FORMS = (
    "each band must be (name, low_hz, high_hz) as ictaltrack.Band, (low_hz, high_hz, name) as "
    "YASA's bandpower(bands=...), a plain (low_hz, high_hz) pair (named 'LOW-HIGH Hz'), or the "
    "whole set a mapping name -> (low_hz, high_hz) as MNE's"
)


def _edge(value: Any, item: Any) -> float:
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{_BAND_FORMS}; got {item!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{_BAND_FORMS}; got {item!r}") from None


def _band(item: Any) -> tuple[str, float, float]:
    """One band in any accepted form as ``(name, low_hz, high_hz)``."""
    if isinstance(item, (str, bytes, Mapping)):
        raise ValueError(f"{_BAND_FORMS}; got {item!r}")
    try:
        parts = tuple(item)
    except TypeError:
        raise ValueError(f"{_BAND_FORMS}; got {item!r}") from None
    if len(parts) == 2:
        low, high = _edge(parts[0], item), _edge(parts[1], item)
        return f"{low:g}-{high:g} Hz", low, high
    if len(parts) == 3:
        if isinstance(parts[0], str) and not isinstance(parts[2], str):  # (name, low, high)
            return parts[0], _edge(parts[1], item), _edge(parts[2], item)
        if isinstance(parts[2], str) and not isinstance(parts[0], str):  # YASA (low, high, name)
            return parts[2], _edge(parts[0], item), _edge(parts[1], item)
    raise ValueError(f"{_BAND_FORMS}; got {item!r}")


def _normalise_bands(bands: BandsLike) -> list[tuple[str, float, float]] | None:
    """Bands in the forms users bring (ictaltrack, YASA, MNE, plain pairs) as
    ``(name, low_hz, high_hz)`` tuples; the edges themselves are checked by the C++ core."""
    if bands is None:
        return None
    if isinstance(bands, Mapping):
        out = []
        for name, edges in bands.items():
            low, high = _band(edges)[1:]
            out.append((str(name), low, high))
        return out
    if isinstance(bands, (str, bytes)):
        raise ValueError(f"{_BAND_FORMS}; got {bands!r}")
    return [_band(item) for item in bands]


def _range(edges: Sequence[float]) -> tuple[float, float]:
    """``(low_hz, high_hz)`` as two floats (the binding checks the values)."""
    low, high = edges
    return float(low), float(high)


def _normalise_detrend(detrend: str | bool | None) -> str:
    if detrend is None or detrend is False:
        return "none"
    if not isinstance(detrend, str):
        raise TypeError("detrend must be 'constant', 'linear', 'none', None or False")
    return detrend


def _emit(found: Iterable[Mapping[str, object]], stacklevel: int) -> None:
    for warning in found:
        warnings.warn(str(warning["message"]), UserWarning, stacklevel=stacklevel + 1)


def _labels(names: list[str], codes: np.ndarray):
    import pandas as pd

    if len(set(names)) == len(names):
        return pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object))
    return np.asarray(names, dtype=object)[codes]


@dataclass(frozen=True)
class BandPowerResult:
    """Band powers of consecutive windows.

    Attributes
    ----------
    power : numpy.ndarray, shape (n_windows, n_channels, n_bands), float64
        Absolute band power in the input unit squared (uV^2 for input in uV), or the fraction of
        the total-range power when ``relative`` is true.
    times : numpy.ndarray, shape (n_windows,)
        Window centres in seconds from the first sample of the stream.
    window_start : numpy.ndarray, shape (n_windows,), int64
        Sample index (from the start of the stream) of each window's first sample.
    bands : tuple of Band
        The bands, in the order of the last axis of ``power``.
    sfreq : float
        Sampling frequency in Hz.
    relative : bool
        Whether ``power`` holds relative power.
    total_range : tuple of float
        ``(low_hz, high_hz)`` of the relative-power denominator.
    channel_names : tuple of str or None
        Channel labels when known (e.g. from :meth:`ictaltrack.Recording.band_power`).
    """

    power: np.ndarray
    times: np.ndarray
    window_start: np.ndarray
    bands: tuple[Band, ...]
    sfreq: float
    relative: bool
    total_range: tuple[float, float]
    channel_names: tuple[str, ...] | None = None

    @property
    def n_windows(self) -> int:
        return int(self.power.shape[0])

    @property
    def band_names(self) -> list[str]:
        return [band.name for band in self.bands]

    def to_frame(self, channel_names: Sequence[str] | None = None) -> pd.DataFrame:
        """Tidy table with one row per (window, channel, band).

        Parameters
        ----------
        channel_names : sequence of str, optional
            One name per channel; default :attr:`channel_names`, else ``"0"``, ``"1"``, ...

        Returns
        -------
        pandas.DataFrame
            Columns ``time`` (window centre, s), ``channel`` and ``band`` (categorical) and
            ``power`` (uV^2, or a fraction when ``relative``); rows ordered by window, then
            channel, then band.
        """
        import pandas as pd

        n_windows, n_channels, n_bands = self.power.shape
        if channel_names is None:
            channel_names = self.channel_names or [str(c) for c in range(n_channels)]
        if len(channel_names) != n_channels:
            raise ValueError(f"expected {n_channels} channel names, got {len(channel_names)}")
        # Categorical columns: a 24 h x 19 channel x 5 band table has 8 million rows. Repeated
        # labels (EDF allows them) cannot be categories, so they stay plain strings.
        channel_codes = np.tile(np.repeat(np.arange(n_channels), n_bands), n_windows)
        band_codes = np.tile(np.arange(n_bands), n_windows * n_channels)
        return pd.DataFrame(
            {
                "time": np.repeat(self.times, n_channels * n_bands),
                "channel": _labels(list(channel_names), channel_codes),
                "band": _labels(self.band_names, band_codes),
                "power": self.power.reshape(-1),
            }
        )

    @classmethod
    def concatenate(cls, results: Sequence[BandPowerResult]) -> BandPowerResult:
        """Joins results of one stream (e.g. the pushes of a :class:`BandPowerStream`)."""
        if not results:
            raise ValueError("nothing to concatenate")
        first = results[0]
        return cls(
            power=np.concatenate([r.power for r in results], axis=0),
            times=np.concatenate([r.times for r in results]),
            window_start=np.concatenate([r.window_start for r in results]),
            bands=first.bands,
            sfreq=first.sfreq,
            relative=first.relative,
            total_range=first.total_range,
            channel_names=first.channel_names,
        )


def band_power(
    data: np.ndarray,
    sfreq: float,
    *,
    bands: BandsLike = None,
    window_s: float = 4.0,
    step_s: float = 1.0,
    window: str = "hann",
    detrend: str | bool | None = "constant",
    relative: bool = False,
    total_range: tuple[float, float] | None = None,
    n_threads: int = 1,
) -> BandPowerResult:
    """Band power of every channel over sliding windows.

    Parameters
    ----------
    data : array_like, shape (n_channels, n_times)
        Samples, normally in microvolts. C-contiguous float64 or float32 arrays (and arrays whose
        rows are contiguous, e.g. column slices) are used without copying; anything else is
        converted to float64 once. The GIL is released during the computation.
    sfreq : float
        Sampling frequency in Hz.
    bands : mapping or sequence, optional
        Edges in Hz, low edge inclusive, high edge exclusive; default :data:`DEFAULT_BANDS`.
        Accepted forms: ``[("alpha", 8, 13), ...]`` (:class:`Band`), YASA's
        ``[(8, 13, "alpha"), ...]``, MNE's ``{"alpha": (8, 13), ...}`` and plain
        ``[(8, 13), ...]`` pairs, which are named ``"8-13 Hz"``. Anything else raises
        ``ValueError`` naming these forms.
    window_s, step_s : float
        Window length and hop in seconds (rounded to whole samples). Defaults 4 s (two cycles of
        the default delta band's 0.5 Hz edge, so the defaults do not warn) and 1 s.
    window : {"hann", "hamming", "boxcar", "rectangular", "blackman"}
        Periodic window as ``scipy.signal.get_window(window, N, fftbins=True)``.
    detrend : {"constant", "linear", "none"} or None or False
        Per-window detrending before the window is applied (default: subtract the mean).
    relative : bool
        Return band power divided by the power over ``total_range`` (a fraction; NaN when that
        power is 0).
    total_range : (float, float), optional
        ``(low_hz, high_hz)`` of the relative-power denominator (low inclusive, high exclusive).
        Default: 0.5-70 Hz widened to cover every band,
        ``(min(0.5, lowest edge), max(70, highest edge))``.
    n_threads : int
        Worker threads (parallel over channels; the result does not depend on it). 0 = all cores.

    Returns
    -------
    BandPowerResult
        ``power`` (n_windows, n_channels, n_bands) in uV^2 (input in uV), ``times`` (s).

    Warns
    -----
    UserWarning
        When the window holds fewer than two cycles of the lowest band edge, when a band lies
        (partly) above Nyquist, or when a band contains no frequency bin.
    """
    band_list = _normalise_bands(bands)
    power, window_start, times, found, used_bands, used_total = _core.band_power(
        data,
        float(sfreq),
        bands=band_list,
        window_s=float(window_s),
        step_s=float(step_s),
        window=window,
        detrend=_normalise_detrend(detrend),
        relative=bool(relative),
        total_range=None if total_range is None else _range(total_range),
        n_threads=int(n_threads),
    )
    _emit(found, stacklevel=2)
    return BandPowerResult(
        power=power,
        times=times,
        window_start=window_start,
        bands=tuple(Band(*b) for b in used_bands),
        sfreq=float(sfreq),
        relative=bool(relative),
        total_range=_range(used_total),
    )


class BandPowerStream:
    """Streaming band power: feed ``(n_channels, n)`` chunks of any length, get finished windows.

    Windows that straddle chunk boundaries are completed from an internal buffer of fewer than one
    window of samples per channel, so memory does not grow with the recording. Feeding a signal in
    any chunking gives exactly the result of :func:`band_power` on the whole signal. One stream
    serves one sequence of chunks: do not push to the same stream from several threads at once
    (the GIL is released during a push).

    Parameters
    ----------
    sfreq : float
        Sampling frequency in Hz.
    n_channels : int
        Number of channels (rows) of every chunk.
    **options
        ``bands``, ``window_s``, ``step_s``, ``window``, ``detrend``, ``relative``,
        ``total_range``, ``n_threads`` as in :func:`band_power`.

    Warns
    -----
    UserWarning
        At construction, for the same configuration problems as :func:`band_power`.
    """

    def __init__(
        self,
        sfreq: float,
        n_channels: int,
        *,
        bands: BandsLike = None,
        window_s: float = 4.0,
        step_s: float = 1.0,
        window: str = "hann",
        detrend: str | bool | None = "constant",
        relative: bool = False,
        total_range: tuple[float, float] | None = None,
        n_threads: int = 1,
    ) -> None:
        self._engine = _core.BandPowerEngine(
            float(sfreq),
            int(n_channels),
            bands=_normalise_bands(bands),
            window_s=float(window_s),
            step_s=float(step_s),
            window=window,
            detrend=_normalise_detrend(detrend),
            relative=bool(relative),
            total_range=None if total_range is None else _range(total_range),
            n_threads=int(n_threads),
        )
        self.bands: tuple[Band, ...] = tuple(Band(*b) for b in self._engine.bands)
        _emit(self._engine.warnings, stacklevel=2)

    def push(self, chunk: np.ndarray) -> BandPowerResult:
        """Adds ``(n_channels, n)`` samples; returns the windows they complete (maybe none)."""
        power, window_start, times = self._engine.push(chunk)
        return BandPowerResult(
            power=power,
            times=times,
            window_start=window_start,
            bands=self.bands,
            sfreq=self.sfreq,
            relative=self._engine.relative,
            total_range=_range(self._engine.total_range),
        )

    def begin_segment(self, start_sample: int) -> None:
        """Starts a new contiguous segment (after a gap in an EDF+D recording).

        Samples not yet used by a window are dropped, so no window spans the gap. The next chunk's
        first sample gets stream index ``start_sample`` (>= :attr:`stream_position`); window
        times continue from there.
        """
        self._engine.begin_segment(int(start_sample))

    @property
    def sfreq(self) -> float:
        return float(self._engine.sfreq)

    @property
    def n_channels(self) -> int:
        return int(self._engine.n_channels)

    @property
    def window_samples(self) -> int:
        return int(self._engine.window_samples)

    @property
    def step_samples(self) -> int:
        return int(self._engine.step_samples)

    @property
    def stream_position(self) -> int:
        """Stream index one past the last sample pushed."""
        return int(self._engine.stream_position)

    @property
    def buffered_samples(self) -> int:
        """Samples per channel held for the next window (always fewer than one window)."""
        return int(self._engine.buffered_samples)

    @property
    def warnings(self) -> list[ReadWarning]:
        """What the configuration warned about, each with its stable ``code``
        (docs/band_power.md) and ``signal`` -1; the same type as the reader's warnings."""
        from ictaltrack.io import ReadWarning

        return [ReadWarning(**warning) for warning in self._engine.warnings]


def recording_band_power(
    recording: Recording,
    picks: Picks = None,
    *,
    chunk_s: float = 60.0,
    units: str = "uV",
    **options,
) -> BandPowerResult:
    """Band power of a recording, streamed from disk chunk by chunk.

    Memory is bounded by ``chunk_s`` and the window, not by the file: a 24 h recording is never
    loaded whole. For EDF+D/BDF+D files each gap-free segment starts windows afresh (no window
    spans a gap) and window times are true times from the recording start, gaps included.

    Parameters
    ----------
    recording : ictaltrack.Recording
        An open recording (:func:`ictaltrack.read_edf`).
    picks : None | str | int | sequence
        Channels by label or index; they must share one sample rate. Default: all channels.
    chunk_s : float
        Seconds read per chunk (does not change the result).
    units : str
        Unit of the samples fed to the engine (default microvolts, so power is in uV^2).
    **options
        ``bands``, ``window_s``, ``step_s``, ``window``, ``detrend``, ``relative``,
        ``total_range``, ``n_threads`` as in :func:`band_power`.

    Returns
    -------
    BandPowerResult
        With ``channel_names`` set; ``times`` in seconds from the recording start.
    """
    indices = recording._pick(picks)
    if not indices:
        raise ValueError("no channel picked")
    n_samples = recording._common_rate_samples(indices)
    channels = [recording.info.channels[i] for i in indices]
    sfreq = float(channels[0].sfreq)
    per_record = int(channels[0].samples_per_record)
    stream = BandPowerStream(sfreq, len(indices), **options)
    pieces = []
    for onset_s, _duration, first_record, n_records in recording.info.segments:
        start = min(first_record * per_record, n_samples)
        stop = min((first_record + n_records) * per_record, n_samples)
        if stop <= start:
            continue
        # Stream index = samples from the recording start at the true (gap-including) time.
        stream.begin_segment(max(int(np.floor(onset_s * sfreq + 0.5)), stream.stream_position))
        for _first, chunk in recording.iter_chunks(
            chunk_s, picks=indices, units=units, start=start, stop=stop
        ):
            pieces.append(stream.push(chunk))
    names = tuple(channel.label for channel in channels)
    if not pieces:
        pieces = [stream.push(np.zeros((len(indices), 0)))]
    result = BandPowerResult.concatenate(pieces)
    return BandPowerResult(
        power=result.power,
        times=result.times,
        window_start=result.window_start,
        bands=result.bands,
        sfreq=result.sfreq,
        relative=result.relative,
        total_range=result.total_range,
        channel_names=names,
    )
