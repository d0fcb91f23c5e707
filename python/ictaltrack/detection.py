"""Seizure detection: run the C++ detector on a recording and get a :class:`DetectionResult`.

:func:`detect` detects seizures, localises their onsets and tracks their migration;
:func:`detector_defaults` lists its parameters. The result model is in :mod:`ictaltrack.result`,
its export (JSON, CSV, EDF+ and MNE annotations, text) in :mod:`ictaltrack.export`, its plots in
:mod:`ictaltrack.plotting`; the names they had here are still importable from this module.

All times are seconds from the first sample of the recording.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from ictaltrack import _core
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


def detect(path_or_recording: Any, *, progress: bool | Callable[[float], bool] = False,
           criteria: Mapping[str, Any] | None = None, **params: Any) -> DetectionResult:
    """Detect seizures, localise their onsets and track their migration in one recording.

    Parameters
    ----------
    path_or_recording : str, path-like or ictaltrack.Recording
        An EDF/EDF+/BDF/BDF+ file, or a recording opened with :func:`ictaltrack.read_edf`
        (its file is read again by the streaming detector).
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
    ictaltrack.UnsupportedError
        A file this version cannot handle, or a build without the detector.
    """
    if not hasattr(_core, "detect_file"):
        raise UnsupportedError("this build of ictaltrack has no seizure detector")
    info = getattr(path_or_recording, "info", None)
    path = info.path if info is not None else os.fspath(path_or_recording)
    bar = ProgressBar() if progress is True else None
    callback = bar if bar is not None else (progress if callable(progress) else None)
    try:
        raw = _core.detect_file(str(path), dict(params) if params else None, callback)
    finally:
        if bar is not None:
            bar.close()
    return DetectionResult.from_dict(raw, criteria=criteria)
