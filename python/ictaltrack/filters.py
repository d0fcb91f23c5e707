"""Causal IIR filters as second-order sections (SOS), with state carried across chunks.

Coefficients use scipy's layout: an ``(n_sections, 6)`` array of rows ``[b0, b1, b2, 1, a1, a2]``.
The design functions reproduce ``scipy.signal.butter(..., output="sos")`` and
``scipy.signal.iirnotch``; :class:`SosFilter` runs ``scipy.signal.sosfilt``'s recursion (Direct
Form II transposed, zero initial state) over chunks, so chunked and one-piece filtering agree.
Filtering is causal (phase delay), unlike the zero-phase ``sosfiltfilt``.
"""

from __future__ import annotations

import numpy as np

from ictaltrack import _core

__all__ = ["SosFilter", "butterworth_highpass", "butterworth_lowpass", "notch_filter"]


def butterworth_lowpass(order: int, cutoff_hz: float, sfreq: float) -> np.ndarray:
    """Butterworth low-pass design, ``scipy.signal.butter(order, cutoff_hz, "lowpass", fs=sfreq,
    output="sos")``.

    Parameters
    ----------
    order : int
        Filter order (1-64).
    cutoff_hz : float
        -3 dB frequency in Hz, ``0 < cutoff_hz < sfreq / 2``.
    sfreq : float
        Sampling frequency in Hz.

    Returns
    -------
    numpy.ndarray, shape (n_sections, 6)
    """
    return _core.butterworth_lowpass(int(order), float(cutoff_hz), float(sfreq))


def butterworth_highpass(order: int, cutoff_hz: float, sfreq: float) -> np.ndarray:
    """Butterworth high-pass design, ``scipy.signal.butter(order, cutoff_hz, "highpass",
    fs=sfreq, output="sos")``.

    Parameters
    ----------
    order : int
        Filter order (1-64).
    cutoff_hz : float
        -3 dB frequency in Hz, ``0 < cutoff_hz < sfreq / 2``.
    sfreq : float
        Sampling frequency in Hz.

    Returns
    -------
    numpy.ndarray, shape (n_sections, 6)
    """
    return _core.butterworth_highpass(int(order), float(cutoff_hz), float(sfreq))


def notch_filter(notch_hz: float, quality: float, sfreq: float) -> np.ndarray:
    """Mains notch, ``scipy.signal.iirnotch(notch_hz, quality, fs=sfreq)`` as one section.

    The arguments come in scipy's order (``iirnotch(w0, Q, fs)``), so a call can be moved
    between the two unchanged: ``notch_filter(50, 30, 256)``.

    Parameters
    ----------
    notch_hz : float
        Frequency to remove in Hz: 50 (Europe, most of Asia and Africa) or 60 (the Americas).
    quality : float
        Quality factor ``notch_hz / bandwidth`` (-3 dB bandwidth), e.g. 30.
    sfreq : float
        Sampling frequency in Hz.

    Returns
    -------
    numpy.ndarray, shape (1, 6)
    """
    return _core.notch_filter(float(notch_hz), float(quality), float(sfreq))


class SosFilter:
    """Multi-channel causal SOS filter whose state carries over from one chunk to the next.

    Feed consecutive chunks of one signal; call :meth:`reset` before an unrelated signal or after
    a gap. Not for concurrent use from several threads (the GIL is released while filtering).

    Parameters
    ----------
    sos : array_like, shape (n_sections, 6)
        Second-order sections with ``a0 == 1`` (e.g. from :func:`butterworth_highpass`).
    n_channels : int
        Rows of every chunk passed to :meth:`process`.
    """

    def __init__(self, sos: np.ndarray, n_channels: int) -> None:
        self._filter = _core.SosFilter(np.asarray(sos, dtype=float), int(n_channels))

    def process(self, data: np.ndarray) -> np.ndarray:
        """Filters the next ``(n_channels, n)`` chunk (any unit; output in the same unit).

        Returns a new float64 array; float32/float64 input with contiguous rows is read in place.
        """
        return self._filter.process(data)

    def reset(self) -> None:
        """Sets the state back to zero (before an unrelated signal, or after a gap)."""
        self._filter.reset()

    @property
    def zi(self) -> np.ndarray:
        """State in ``scipy.signal.sosfilt``'s layout, shape (n_sections, n_channels, 2)."""
        return np.ascontiguousarray(self._filter.state.transpose(1, 0, 2))

    @zi.setter
    def zi(self, value: np.ndarray) -> None:
        value = np.asarray(value, dtype=float)
        if value.shape != (self.n_sections, self.n_channels, 2):
            raise ValueError(f"zi must have shape {(self.n_sections, self.n_channels, 2)}")
        self._filter.state = np.ascontiguousarray(value.transpose(1, 0, 2))

    @property
    def sos(self) -> np.ndarray:
        return self._filter.sos

    @property
    def n_channels(self) -> int:
        return int(self._filter.n_channels)

    @property
    def n_sections(self) -> int:
        return int(self._filter.n_sections)
