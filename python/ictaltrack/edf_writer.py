"""Write EEG as EDF+ or BDF+ (through EDFlib, atomically)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from ictaltrack import _core

__all__ = ["write_edf"]


def write_edf(
    path: str | os.PathLike[str],
    data: npt.ArrayLike,
    sfreq: float,
    labels: Sequence[str],
    *,
    annotations: Iterable[tuple[float, float | None, str]] = (),
    file_type: str = "edf",
    physical_range: tuple[float, float] = (-4096.0, 4095.875),
    physical_dimension: str = "uV",
    record_duration_s: float = 1.0,
    start: tuple[int, int, int, int, int, int] = (1985, 1, 1, 0, 0, 0),
) -> None:
    """Write signals and annotations as an EDF+ (16-bit) or BDF+ (24-bit) file.

    The file is written to a temporary file beside ``path`` and renamed over it only when
    everything succeeded, so an error never leaves a partial file.

    Parameters
    ----------
    path : str or path-like
        File to write.
    data : array_like, shape (n_channels, n_times)
        Physical values (in ``physical_dimension``, microvolts by default). ``n_times`` must be a
        multiple of the samples in one data record (``sfreq * record_duration_s``).
        Values outside ``physical_range`` are clipped.
    sfreq : float
        Sample rate in Hz (samples per second), the same for every channel.
    labels : sequence of str
        One label per channel, at most 16 printable ASCII characters.
    annotations : iterable of (onset_s, duration_s or None, text)
        Seconds from the start of the recording; EDF+ stores 100 us steps. Text: UTF-8, at most
        40 bytes (EDFlib's limit; longer texts raise ``ValueError`` instead of being cut).
    file_type : {"edf", "bdf"}
        EDF+ or BDF+.
    physical_range : (float, float)
        Physical minimum and maximum of every channel. Both must be stored exactly in the
        header's 8 characters (``FormatError`` otherwise). The default gives exactly 0.125 uV
        per step in EDF.
    physical_dimension : str
        Unit of ``data``, e.g. ``"uV"``.
    record_duration_s : float
        Duration of one data record in seconds.
    start : (year, month, day, hour, minute, second)
        Start date and time written in the header (1985-01-01 00:00:00 = anonymised).

    Raises
    ------
    ValueError
        Wrong shapes or arguments, annotation text too long.
    ictaltrack.FormatError
        A header value that EDF cannot hold (label too long, physical limits, ...).
    ictaltrack.IoError
        The file cannot be written.
    """
    array = np.ascontiguousarray(data, dtype=np.float64)
    notes = [
        (float(onset), -1.0 if duration is None else float(duration), str(text))
        for onset, duration, text in annotations
    ]
    _core.write_edf(
        os.fspath(path),
        array,
        float(sfreq),
        [str(label) for label in labels],
        notes,
        file_type,
        float(physical_range[0]),
        float(physical_range[1]),
        physical_dimension,
        float(record_duration_s),
        [int(part) for part in start],
    )
