"""Seizure detection: run the C++ detector on a recording and get a :class:`DetectionResult`.

:func:`detect` detects seizures, localises their onsets and tracks their migration;
:func:`detector_defaults` lists its parameters. The result model is in :mod:`ictaltrack.result`,
its export (JSON, CSV, EDF+ and MNE annotations, text) in :mod:`ictaltrack.export`, its plots in
:mod:`ictaltrack.plotting`; the names they had here are still importable from this module.

All times are seconds from the first sample of the recording.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ictaltrack import _core, sources
from ictaltrack.errors import UnsupportedError
from ictaltrack.export import CSV_COLUMNS, SCHEMA_VERSION, seizure_table_text, summary_text
from ictaltrack.plotting import REGION_COLOURS, save_figure
from ictaltrack.progress import ProgressBar
from ictaltrack.result import (
    CHANNEL_COLUMNS,
    SEIZURE_COLUMNS,
    TRANSITION_COLUMNS,
    DetectionResult,
)

__all__ = [
    "CHANNEL_COLUMNS",
    "CSV_COLUMNS",
    "REGION_COLOURS",
    "SCHEMA_VERSION",
    "SEIZURE_COLUMNS",
    "TRANSITION_COLUMNS",
    "DetectionResult",
    "ProgressBar",
    "detect",
    "detector_defaults",
    "save_figure",
    "seizure_table_text",
    "summary_text",
]


def detector_defaults() -> dict[str, Any]:
    """Every detector parameter and its default (docs/detection.md).

    Raises
    ------
    ictaltrack.UnsupportedError
        This build has no detector.
    """
    if not hasattr(_core, "detector_defaults"):
        raise UnsupportedError("this build of ictaltrack has no seizure detector")
    return dict(_core.detector_defaults())


def detect(
    source: Any,
    *,
    sfreq: float | None = None,
    ch_names: Sequence[str] | None = None,
    progress: bool | Callable[[float], bool] = False,
    criteria: Mapping[str, Any] | None = None,
    **params: Any,
) -> DetectionResult:
    """Detect seizures, localise their onsets and track their migration in one recording.

    Every source goes through the same C++ assembly (channel selection, mains frequency, gaps,
    mapping of the results), so the same samples give the same seizures from a file, an MNE Raw
    or an array.

    Parameters
    ----------
    source : str, path-like, ictaltrack.Recording, mne.io.BaseRaw or numpy.ndarray
        An EDF/EDF+/BDF/BDF+ file; a recording opened with :func:`ictaltrack.read_edf` (its file
        is read again by the streaming detector); an MNE Raw of any format (volts, converted to
        microvolts; ``info["bads"]`` are left out; channels MNE types as other than EEG are not
        analysed; annotations are ignored; ``start_time`` is ``meas_date`` plus
        ``first_samp / sfreq``, times stay seconds from the Raw's first sample); or an array
        ``(n_channels, n_times)`` in microvolts with ``sfreq`` and ``ch_names``.
        The detector works on float32 samples, as read from a file: in-memory samples are
        converted to float32 (an EDF's physical values give bit-identical results either way).
    sfreq : float, optional
        Sample rate in Hz of an array source (keyword only; arrays only).
    ch_names : sequence of str, optional
        Channel labels of an array source, one per row (keyword only; arrays only).
    progress : bool or callable
        True: a progress bar on stderr; a callable ``f(fraction_done) -> bool`` is called now and
        then (return False to cancel: the run raises ``ictaltrack.Error("cancelled")``).
    criteria : mapping, optional
        Overrides of the ``migrating`` verdict criteria (docs/migration.md).
    **params
        Detector parameters (names and defaults: :func:`detector_defaults`).

    Returns
    -------
    DetectionResult

    Raises
    ------
    ictaltrack.FormatError, ictaltrack.IoError
        The file cannot be read.
    TypeError, ValueError
        An array without ``sfreq``/``ch_names`` or of the wrong shape; ``sfreq``/``ch_names``
        given with another kind of source.
    ictaltrack.UnsupportedError
        A file this version cannot handle, or a build without the detector.
    """
    if not hasattr(_core, "detect_file"):
        raise UnsupportedError("this build of ictaltrack has no seizure detector")
    in_memory = sources.is_mne_raw(source) or sources.is_array(source)
    if not sources.is_array(source) and (sfreq is not None or ch_names is not None):
        raise TypeError("sfreq= and ch_names= are for array sources only")
    bar = ProgressBar() if progress is True else None
    callback = bar if bar is not None else (progress if callable(progress) else None)
    options = dict(params) if params else None
    try:
        if sources.is_mne_raw(source):
            raw = sources.detect_raw(source, options, callback)
        elif in_memory:
            raw = sources.detect_array(source, sfreq, ch_names, options, callback)
        else:
            info = getattr(source, "info", None)
            path = info.path if info is not None else os.fspath(source)
            raw = _core.detect_file(str(path), options, callback)
    finally:
        if bar is not None:
            bar.close()
    return DetectionResult.from_dict(raw, criteria=criteria)
