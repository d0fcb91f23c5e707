"""In-memory sources for :func:`ictaltrack.detect`: an MNE Raw or a NumPy array.

Both end in the C++ ``detect_samples``, which runs the same channel selection, mains-frequency
decision and mapping of results as the file route; only the samples come from memory. The
detector takes float32 microvolts: the file route converts each physical value it reads to
float32, and so do these (an MNE Raw's volts are scaled to microvolts first).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from ictaltrack import _core

# MNE channel types -> the library's channel kinds; an "eeg" channel is judged by its label, as in
# a file (an MNE Raw read from EDF types every channel "eeg").
_MNE_KINDS = {"eeg": "unknown", "ecg": "ecg", "eog": "eog", "emg": "emg", "stim": "trigger"}
# Values (channels x samples) converted at a time: bounds the float64 copy MNE's get_data makes
# to 128 MB whatever the channel count.
_CONVERT_VALUES = 1 << 24


def is_mne_raw(source: Any) -> bool:
    """Whether ``source`` is an ``mne.io.BaseRaw`` (without importing MNE when it is not loaded)."""
    mne = sys.modules.get("mne")
    return mne is not None and isinstance(source, mne.io.BaseRaw)


def is_array(source: Any) -> bool:
    """Whether ``source`` is a NumPy array (without importing NumPy when it is not loaded)."""
    np = sys.modules.get("numpy")
    return np is not None and isinstance(source, np.ndarray)


def _start_tuple(start: Any) -> tuple[int, int, int, int, int, int, int]:
    return (
        start.year,
        start.month,
        start.day,
        start.hour,
        start.minute,
        start.second,
        start.microsecond * 10,
    )


def detect_raw(
    raw: Any, params: dict[str, Any] | None, progress: Callable[[float], bool] | None
) -> dict[str, Any]:
    """The detect dict of an MNE Raw: volts to microvolts (float32), ``info["bads"]`` left out,
    channel types used (non-EEG types are not analysed), annotations ignored. ``start_time`` is
    ``meas_date`` plus ``first_samp / sfreq`` (the time of the Raw's first sample); without a
    ``meas_date`` it is EDF's anonymised 1985-01-01."""
    import numpy as np

    names = list(raw.ch_names)
    sfreq = float(raw.info["sfreq"])
    n_times = int(raw.n_times)
    data = np.empty((len(names), n_times), dtype=np.float32)
    step = max(1, _CONVERT_VALUES // max(1, len(names)))
    for first in range(0, n_times, step):
        last = min(n_times, first + step)
        # get_data gives SI units (volts for EEG); *1e6 in float64, then rounded once to float32.
        data[:, first:last] = raw.get_data(start=first, stop=last) * 1e6
    bads = set(raw.info["bads"])
    kinds = [_MNE_KINDS.get(kind, "other") for kind in raw.get_channel_types()]
    start = raw.info["meas_date"]
    start_tuple = None
    if start is not None:
        start_tuple = _start_tuple(start + timedelta(seconds=raw.first_samp / sfreq))
    filenames = [name for name in getattr(raw, "filenames", ()) if name]
    return _core.detect_samples(
        names,
        sfreq,
        data,
        params,
        str(filenames[0]) if filenames else "",
        start_tuple,
        [name in bads for name in names],
        kinds,
        progress,
    )


def detect_array(
    data: Any,
    sfreq: float | None,
    ch_names: Sequence[str] | None,
    params: dict[str, Any] | None,
    progress: Callable[[float], bool] | None,
) -> dict[str, Any]:
    """The detect dict of a ``(n_channels, n_times)`` array in microvolts (converted to float32
    unless it is float32 in C order already)."""
    import numpy as np

    if sfreq is None or ch_names is None:
        raise TypeError("detecting on an array needs sfreq= and ch_names=")
    names = [str(name) for name in ch_names]
    samples = np.ascontiguousarray(data, dtype=np.float32)
    if samples.ndim != 2 or samples.shape[0] != len(names):
        raise ValueError(
            f"samples of shape {samples.shape} for {len(names)} channel names: "
            "expected (n_channels, n_times)"
        )
    return _core.detect_samples(names, float(sfreq), samples, params, "", None, [], [], progress)
