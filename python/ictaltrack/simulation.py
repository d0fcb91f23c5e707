"""Synthetic infant EEG with migrating focal seizures, written as EDF+ with a JSON truth file.

The model (background, seizures, migration, artifacts), every option and the truth format are
described in ``docs/simulator.md``. Output is deterministic: the same options and seed give the
same bytes.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from ictaltrack import _core

__all__ = ["simulate", "simulate_array", "simulation_defaults"]

_MONTAGES = {"referential": "referential", "bipolar": "bipolar", "chbmit": "bipolar"}
_LABEL_STYLES = {
    "plain": "plain",
    "Fp1": "plain",
    "eeg-ref": "eeg-ref",
    "EEG FP1-REF": "eeg-ref",
    "linked-ears": "linked-ears",
    "FP1-LE": "linked-ears",
    "average": "average",
    "Fp1-Avg": "average",
}


def simulation_defaults() -> dict[str, Any]:
    """Return the default value of every simulator option.

    Returns
    -------
    dict
        Option name -> default value. Any of these names can be passed to :func:`simulate`
        as a keyword argument. Times are in seconds, amplitudes in microvolts, rates in events
        per hour.
    """
    return dict(_core.simulation_defaults())


def simulate(
    path: str | os.PathLike[str],
    *,
    duration_s: float = 600.0,
    seed: int = 1,
    montage: str = "referential",
    label_style: str = "plain",
    temporal_names: str = "old",
    n_seizures: int | None = None,
    overlap_probability: float = 0.15,
    contralateral_probability: float = 0.7,
    sfreq: int = 256,
    file_type: str = "edf",
    json_path: str | os.PathLike[str] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Write a simulated recording with migrating focal seizures and return its truth.

    Parameters
    ----------
    path : str or path-like
        The EDF+ (or BDF+) file to write. It is written atomically: on error nothing is left.
    duration_s : float
        Length in seconds (rounded up to whole seconds, the 1 s data records).
    seed : int
        Seed of the pseudo-random generator; the same options and seed give the same bytes.
    montage : {"referential", "bipolar"}
        19 referential 10-20 channels, or the 23 CHB-MIT bipolar derivations.
    label_style : {"plain", "eeg-ref", "linked-ears", "average"}
        Referential labels ``Fp1``, ``EEG FP1-REF``, ``FP1-LE`` or ``Fp1-Avg`` (the examples
        themselves are accepted too). Only the labels change, not the data.
    temporal_names : {"old", "new"}
        T3/T4/T5/T6 or T7/T8/P7/P8 in referential labels and in the truth.
    n_seizures : int or None
        Exact number of seizures (intervals shrink to fit; ``ValueError`` if impossible), or
        ``None`` for as many as fit with the drawn intervals.
    overlap_probability : float
        Probability that a seizure starts before the previous one ends (then in the other
        hemisphere, another region).
    contralateral_probability : float
        Probability that a non-overlapping seizure starts in the other hemisphere.
    sfreq : int
        Samples per second of every channel.
    file_type : {"edf", "bdf"}
        EDF+ (16-bit, 0.1 uV steps) or BDF+ (24-bit, 0.001 uV steps).
    json_path : str or path-like, optional
        Where to write the truth; default: ``path`` with the extension ``.json``.
    **options
        Any other option of :func:`simulation_defaults` (e.g. ``blinks=False``,
        ``muscle_per_hour=40``, ``bad_channel="flat"``, ``seizure_duration_min_s=30``), including
        the real-EEG features, all off by default: propagation
        (``homologous_spread_probability=0.8``, ``distant_spread_probability``,
        ``generalisation_probability``), discharge morphologies (``sharp_wave_probability``,
        ``spike_and_wave_probability``, ...), normal rhythms and transients
        (``posterior_rhythm_per_hour``, ``hypersynchrony_per_hour``, ``spindles_per_hour``,
        ``bursts_per_hour``, ``state_changes=True``, ...) and artifacts (``patting_per_hour``,
        ``rocking_per_hour``, ``chewing_per_hour``, ``sweat_per_hour``, ``ecg_uv``); see
        docs/simulator.md.

    Returns
    -------
    dict
        The truth (same content as the JSON file): ``seizures`` (each with ``onset_s``,
        ``offset_s``, ``focus_electrodes``, ``region``, ``hemisphere``, ``channel_onsets``,
        ``overlaps_previous``, ``morphology``, ``propagated``, ``propagation``, ...),
        ``artifacts``, ``background_events``, ``bad_channels``, ``channels``, ``config``,
        ``seed`` and ``generator``. Times are seconds from the start of the recording.

    Raises
    ------
    ValueError
        Unknown option or inconsistent values.
    ictaltrack.IoError
        The file cannot be written.
    """
    settings = _settings(
        duration_s,
        seed,
        montage,
        label_style,
        temporal_names,
        n_seizures,
        overlap_probability,
        contralateral_probability,
        sfreq,
        file_type,
        options,
    )
    text = _core.simulate_to_edf(
        os.fspath(path), settings, "" if json_path is None else os.fspath(json_path)
    )
    return json.loads(text)


def _settings(
    duration_s,
    seed,
    montage,
    label_style,
    temporal_names,
    n_seizures,
    overlap_probability,
    contralateral_probability,
    sfreq,
    file_type,
    options,
) -> dict[str, Any]:
    """Checks the keyword arguments and turns them into the C++ option names."""
    if montage not in _MONTAGES:
        raise ValueError(f"montage must be 'referential' or 'bipolar', got {montage!r}")
    if label_style not in _LABEL_STYLES:
        raise ValueError(
            f"label_style must be one of {sorted(set(_LABEL_STYLES))}, got {label_style!r}"
        )
    if temporal_names not in ("old", "new"):
        raise ValueError(f"temporal_names must be 'old' or 'new', got {temporal_names!r}")
    if n_seizures is not None and (isinstance(n_seizures, bool) or n_seizures < 0):
        raise ValueError(f"n_seizures must be None or >= 0, got {n_seizures!r}")
    settings: dict[str, Any] = {
        "duration_s": float(duration_s),
        "seed": int(seed),
        "montage": _MONTAGES[montage],
        "label_style": _LABEL_STYLES[label_style],
        "new_temporal_names": temporal_names == "new",
        "n_seizures": -1 if n_seizures is None else int(n_seizures),
        "overlap_probability": float(overlap_probability),
        "contralateral_probability": float(contralateral_probability),
        "sfreq": int(sfreq),
        "file_type": file_type,
    }
    settings.update(options)
    return settings


def simulate_array(
    *,
    duration_s: float = 60.0,
    seed: int = 1,
    montage: str = "referential",
    label_style: str = "plain",
    temporal_names: str = "old",
    n_seizures: int | None = None,
    overlap_probability: float = 0.15,
    contralateral_probability: float = 0.7,
    sfreq: int = 256,
    **options: Any,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Simulate into memory instead of a file (same model and options as :func:`simulate`).

    Parameters
    ----------
    duration_s : float
        Length in seconds (rounded up to whole seconds); 60 s by default here.
    seed, montage, label_style, temporal_names, n_seizures, overlap_probability
        As for :func:`simulate`.
    contralateral_probability, sfreq, **options
        As for :func:`simulate`.

    Returns
    -------
    data : numpy.ndarray, shape (n_channels, n_times), float64
        Microvolts, before the 16-bit quantisation an EDF file would apply. Memory is
        ``8 * n_channels * n_times`` bytes (19 channels x 1 h at 256 Hz: 140 MB); use
        :func:`simulate` for long recordings.
    truth : dict
        As returned by :func:`simulate`; ``truth["channels"]`` labels the rows.
    """
    settings = _settings(
        duration_s,
        seed,
        montage,
        label_style,
        temporal_names,
        n_seizures,
        overlap_probability,
        contralateral_probability,
        sfreq,
        "edf",
        options,
    )
    data, text = _core.simulate_samples(settings)
    return data, json.loads(text)
