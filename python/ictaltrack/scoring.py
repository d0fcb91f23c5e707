"""Scoring detections against ground truth: SzCORE event scores, onset localisation, migration.

Two layers (definitions in docs/scoring.md):

- :func:`event_scoring`: SzCORE event scoring (Dan et al., Epilepsia 2025) with the rules of the
  ``timescoring`` package's ``scoring.EventScoring`` (merge events closer than 90 s, split events
  longer than 5 min, widen reference events by 30 s before and 60 s after, any overlap is a hit),
  computed by the C++ core.
- :func:`evaluate`: event scores plus localisation and migration scores on matched seizures,
  from a truth sidecar (written by the simulator) and a detection JSON (written by the detector).

All times are seconds from the first sample of the recording.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ictaltrack import _core
from ictaltrack.errors import FormatError, io_error

__all__ = [
    "EventScoringParameters",
    "EventScores",
    "LocalisationScores",
    "SpreadScores",
    "AlarmScores",
    "Evaluation",
    "alarm_scores",
    "event_scoring",
    "evaluate",
    "load_truth",
    "load_detections",
    "match_seizures",
    "migration_summary",
    "spread_scores",
]

#: Hemisphere labels that define a side; others ("midline", "bilateral", "unknown") do not.
SIDES = ("left", "right")


@dataclass(frozen=True)
class EventScoringParameters:
    """Parameters of SzCORE event scoring (defaults: the SzCORE values).

    Attributes
    ----------
    tolerance_start_s : float
        Reference events are widened this many seconds before their start (30).
    tolerance_end_s : float
        ... and this many seconds after their end (60).
    min_overlap : float
        Fraction of a widened reference window the hypothesis must cover for a hit; 0 means any
        overlap (timescoring tests ``overlap > min_overlap + 1e-6``).
    max_event_duration_s : float
        Events longer than this are split into pieces of this length (300).
    min_duration_between_events_s : float
        Events separated by less than this are merged (90).
    resolution_hz : float
        Time resolution of the overlap tests (timescoring works at 10 Hz).
    """

    tolerance_start_s: float = 30.0
    tolerance_end_s: float = 60.0
    min_overlap: float = 0.0
    max_event_duration_s: float = 300.0
    min_duration_between_events_s: float = 90.0
    resolution_hz: float = 10.0


@dataclass(frozen=True)
class EventScores:
    """Result of :func:`event_scoring`.

    Attributes
    ----------
    tp, fp : int
        Reference events detected; hypothesis events with no sample in any hit window.
    reference_events, hypothesis_events : int
        Event counts after merging and splitting (``reference_events`` is timescoring's refTrue).
    sensitivity, precision, f1 : float
        ``tp / reference_events``; ``tp / (tp + fp)``;
        ``2 tp / (2 tp + fp + reference_events - tp)``.
        NaN when the denominator is zero (sensitivity is NaN without reference events).
    fp_per_24h : float
        ``fp`` divided by the recording duration in days.
    duration_s : float
        Recording duration used, rounded to the scoring resolution.
    reference, hypothesis, reference_windows : numpy.ndarray
        ``(n, 2)`` arrays of (start, end) seconds after merging/splitting, and the widened windows.
    reference_detected : numpy.ndarray
        Boolean per reference event.
    """

    tp: int
    fp: int
    reference_events: int
    hypothesis_events: int
    sensitivity: float
    precision: float
    f1: float
    fp_per_24h: float
    duration_s: float
    reference: np.ndarray = field(repr=False)
    hypothesis: np.ndarray = field(repr=False)
    reference_windows: np.ndarray = field(repr=False)
    reference_detected: np.ndarray = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The counts and metrics as a JSON-ready dict (NaN becomes None)."""
        keys = (
            "tp",
            "fp",
            "reference_events",
            "hypothesis_events",
            "sensitivity",
            "precision",
            "f1",
            "fp_per_24h",
            "duration_s",
        )
        return {key: _json_number(getattr(self, key)) for key in keys}


def _as_event_array(events: Any, name: str) -> np.ndarray:
    array = np.asarray(events if events is not None else [], dtype=float)
    if array.size == 0:
        return np.zeros((0, 2))
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{name} must be a sequence of (start_s, end_s) pairs")
    return array


def event_scoring(
    reference: Any,
    hypothesis: Any,
    duration_s: float,
    *,
    params: EventScoringParameters | None = None,
) -> EventScores:
    """Score hypothesis events against reference events with SzCORE event scoring.

    Parameters
    ----------
    reference, hypothesis : array_like
        ``(n, 2)`` (start, end) pairs in seconds from the start of the recording, any order;
        overlapping events are united. Ends beyond ``duration_s`` are cut there.
    duration_s : float
        Recording duration in seconds (sets the false-positive rate and the edge clipping).
    params : EventScoringParameters, optional
        Defaults to the SzCORE values.

    Returns
    -------
    EventScores

    Raises
    ------
    ValueError
        Non-finite times, a negative start, an end before its start, a start after the end of the
        recording, a non-positive duration or invalid parameters.
    """
    p = params or EventScoringParameters()
    raw = _core.score_events(
        _as_event_array(reference, "reference"),
        _as_event_array(hypothesis, "hypothesis"),
        float(duration_s),
        **asdict(p),
    )
    return EventScores(
        tp=int(raw["tp"]),
        fp=int(raw["fp"]),
        reference_events=int(raw["reference_events"]),
        hypothesis_events=int(raw["hypothesis_events"]),
        sensitivity=float(raw["sensitivity"]),
        precision=float(raw["precision"]),
        f1=float(raw["f1"]),
        fp_per_24h=float(raw["fp_per_24h"]),
        duration_s=float(raw["duration_s"]),
        reference=raw["reference"],
        hypothesis=raw["hypothesis"],
        reference_windows=raw["reference_windows"],
        reference_detected=raw["reference_detected"],
    )


# ---------------------------------------------------------------------------------------------
# Truth and detection files
# ---------------------------------------------------------------------------------------------


def _format_error(message: str, field_name: str) -> FormatError:
    error = FormatError(message)
    error.field, error.signal, error.byte_offset = field_name, -1, -1
    return error


def _read_json(source: str | os.PathLike | Mapping[str, Any], what: str) -> dict[str, Any]:
    if isinstance(source, Mapping):
        return dict(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise io_error(
            f"cannot read the {what} file {path}: {error.strerror or error}", str(path), error.errno
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _format_error(f"{what} file {path} is not valid JSON: {error}", "json") from error
    if not isinstance(data, dict):
        raise _format_error(f"{what} file {path}: expected a JSON object at the top", "json")
    return data


def _first(item: Mapping[str, Any], names: Sequence[str]) -> Any:
    for name in names:
        if name in item and item[name] is not None:
            return item[name]
    return None


# Hemisphere and region names are read once, by the migration tracker's bindings: the truth,
# the detections and the tracker share one vocabulary ("frontal polar" is frontopolar, "L" is
# left, anything unrecognised is unknown).
_normalise_hemisphere = _core.hemisphere_name
_normalise_region = _core.region_name


def _seizures(data: Mapping[str, Any], what: str) -> list[dict[str, Any]]:
    items = _first(data, ("seizures", "events"))
    if items is None:
        items = []
    if not isinstance(items, list):
        raise _format_error(f"{what}: 'seizures' must be a list", "seizures")
    seizures = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise _format_error(f"{what}: seizure {index} is not an object", "seizures")
        onset = _first(item, ("onset_s", "onset", "start_s", "start"))
        offset = _first(item, ("offset_s", "offset", "end_s", "end"))
        if offset is None and onset is not None and item.get("duration_s") is not None:
            offset = float(onset) + float(item["duration_s"])
        try:
            onset_s, offset_s = float(onset), float(offset)
        except (TypeError, ValueError) as error:
            raise _format_error(
                f"{what}: seizure {index} needs numeric onset_s and offset_s", "onset_s"
            ) from error
        if not (math.isfinite(onset_s) and math.isfinite(offset_s)) or offset_s < onset_s:
            raise _format_error(
                f"{what}: seizure {index} has onset_s={onset_s}, offset_s={offset_s}", "offset_s"
            )
        seizures.append(
            {
                "onset_s": onset_s,
                "offset_s": offset_s,
                "hemisphere": _normalise_hemisphere(item.get("hemisphere")),
                "region": _normalise_region(item.get("region")),
                "raw": dict(item),
            }
        )
    seizures.sort(key=lambda s: (s["onset_s"], s["offset_s"]))
    return seizures


def _duration(data: Mapping[str, Any]) -> float | None:
    value = _first(data, ("duration_s", "duration"))
    if value is None:
        return None
    duration = float(value)
    return duration if math.isfinite(duration) and duration > 0 else None


def load_truth(source: str | os.PathLike | Mapping[str, Any]) -> dict[str, Any]:
    """Read a truth sidecar (the simulator's JSON) into ``{"duration_s", "seizures"}``.

    Tolerant of small variations: ``onset``/``start_s`` for ``onset_s``, ``offset``/``end_s``
    (or ``duration_s``) for ``offset_s``, ``events`` for ``seizures``, hemisphere spellings
    (``L``/``R``/...) and case. Seizures come back sorted by onset, each with ``onset_s``,
    ``offset_s``, normalised ``hemisphere`` and ``region``, and the original entry in ``raw``.

    Raises
    ------
    IoError
        The file cannot be read.
    FormatError
        Not JSON, or a seizure without numeric onset and offset.
    """
    data = _read_json(source, "truth")
    return {"duration_s": _duration(data), "seizures": _seizures(data, "truth")}


def load_detections(source: str | os.PathLike | Mapping[str, Any]) -> dict[str, Any]:
    """Read a detection JSON (the detect contract) into ``{"duration_s", "seizures", "summary"}``.

    Same tolerance and errors as :func:`load_truth`.
    """
    data = _read_json(source, "detections")
    summary = data.get("summary")
    return {
        "duration_s": _duration(data),
        "seizures": _seizures(data, "detections"),
        "summary": summary if isinstance(summary, Mapping) else {},
    }


# ---------------------------------------------------------------------------------------------
# Localisation and migration
# ---------------------------------------------------------------------------------------------


def match_seizures(
    truth: Sequence[Mapping[str, Any]],
    detections: Sequence[Mapping[str, Any]],
    duration_s: float,
    *,
    params: EventScoringParameters | None = None,
) -> list[int | None]:
    """Match true seizures one-to-one to detections.

    A detection is a candidate for true seizure ``k`` when its closed interval
    ``[onset_s, offset_s]`` meets the widened window
    ``[max(0, onset_k - tolerance_start_s), min(duration_s, offset_k + tolerance_end_s)]``.
    Candidate pairs are accepted in increasing order of ``|detected onset - true onset|`` (ties:
    earlier true seizure, then earlier detection) when neither member is matched yet.

    Returns
    -------
    list of int or None
        For each true seizure (in the given order), the index of its detection or None.
    """
    p = params or EventScoringParameters()
    candidates = []
    for k, seizure in enumerate(truth):
        window_start = max(0.0, seizure["onset_s"] - p.tolerance_start_s)
        window_end = min(duration_s, seizure["offset_s"] + p.tolerance_end_s)
        for j, detection in enumerate(detections):
            if detection["onset_s"] <= window_end and detection["offset_s"] >= window_start:
                candidates.append((abs(detection["onset_s"] - seizure["onset_s"]), k, j))
    candidates.sort()
    match: list[int | None] = [None] * len(truth)
    used: set[int] = set()
    for _, k, j in candidates:
        if match[k] is None and j not in used:
            match[k] = j
            used.add(j)
    return match


def _shift_class(first: Mapping[str, Any], second: Mapping[str, Any]) -> str:
    """The migration tracker's shift class (same-region, ipsilateral, contralateral, unknown)."""
    return _core.classify_shift(
        first["hemisphere"], first["region"], second["hemisphere"], second["region"]
    )


def migration_summary(
    seizures: Sequence[Mapping[str, Any]], criteria: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Summary of the migration pattern of one seizure list, from the migration tracker.

    The same computation as ``DetectionResult.summary`` (docs/migration.md): ``migrating`` is
    the tracker's verdict under ``criteria``, so a detection's summary and its score agree.

    Parameters
    ----------
    seizures : sequence of mapping
        Each with ``onset_s``, ``offset_s``, ``hemisphere`` and ``region`` (any order).
    criteria : mapping, optional
        Overrides of the verdict criteria (``min_seizures``, ``min_regions``,
        ``require_both_hemispheres``, ``min_switch_rate``); default: the tracker's defaults.

    Returns
    -------
    dict
        ``count``; ``switch_fraction`` (the tracker's ``hemisphere_switch_rate``: consecutive
        pairs with both hemispheres left/right, fraction on different sides, NaN without such
        pairs); ``bilateral`` (both hemispheres host an onset); ``predominant_hemisphere``
        ("left", "right", "balanced" on a tie, "none" without lateralised onsets);
        ``migrating`` (the tracker's verdict); ``overlapping_pairs`` (consecutive pairs where the
        next starts before the previous ends).
    """
    tracked = _core.track_migration(
        [
            {
                "onset_s": s["onset_s"],
                "offset_s": s["offset_s"],
                "hemisphere": s["hemisphere"],
                "region": s["region"],
            }
            for s in seizures
        ],
        dict(criteria) if criteria else None,
    )
    summary = tracked["summary"]
    left, right = summary["n_left"], summary["n_right"]
    if left == right:
        predominant = "none" if left == 0 else "balanced"
    else:
        predominant = "left" if left > right else "right"
    return {
        "count": summary["n_seizures"],
        "switch_fraction": summary["hemisphere_switch_rate"],
        "bilateral": summary["bilateral_independent_onsets"],
        "predominant_hemisphere": predominant,
        "migrating": summary["migrating"],
        "overlapping_pairs": summary["n_overlapping_pairs"],
    }


def _fraction(hits: int, total: int) -> float:
    return hits / total if total else math.nan


@dataclass(frozen=True)
class LocalisationScores:
    """Localisation and migration scores on matched seizures (definitions in docs/scoring.md).

    Attributes
    ----------
    true_seizures, detected_seizures, matched : int
        Counts before merging/splitting; ``matched`` pairs from :func:`match_seizures`.
    latency_median_s, latency_p90_s : float
        Median and 90th percentile (linear interpolation) of the onset latency
        ``detected onset - true onset`` over matched pairs, seconds; NaN without matches.
    hemisphere_accuracy, region_accuracy : float
        Over matched pairs whose true label is known: fraction with the same label.
    overlapping_pairs, overlapping_pairs_separated : int
        Consecutive true pairs where seizure k+1 starts before k ends; those with both members
        matched (to distinct detections, as matching is one-to-one).
    overlap_separation : float
        ``overlapping_pairs_separated / overlapping_pairs``.
    migration_pairs : int
        Consecutive true pairs with both members matched and both true hemispheres left/right.
    migration_agreement : float
        Over ``migration_pairs``: fraction where the detected transition (hemisphere switch or
        not) equals the true one; an unknown detected hemisphere counts as disagreement.
    shift_class_agreement : float
        Over the same pairs: fraction with the same shift class of the migration tracker
        (same-region / ipsilateral / contralateral / unknown, docs/migration.md).
    summary_agreement : float
        Fraction of (bilateral, predominant hemisphere, migrating) that agree between
        :func:`migration_summary` of truth and of detections (both under the verdict criteria
        of the detection JSON's summary, so ``detected_summary["migrating"]`` is the
        detection's own verdict).
    hemisphere_correct, hemisphere_known, region_correct, region_known : int
        Numerators and denominators of the two accuracies (for pooling over recordings).
    migration_agreeing, shift_class_agreeing : int
        Numerators of the two agreements (denominator ``migration_pairs``).
    latencies_s : tuple of float
        The onset latency of every matched pair, in true-onset order.
    truth_summary, detected_summary : dict
        The two summaries.
    """

    true_seizures: int
    detected_seizures: int
    matched: int
    latency_median_s: float
    latency_p90_s: float
    hemisphere_accuracy: float
    region_accuracy: float
    overlapping_pairs: int
    overlapping_pairs_separated: int
    overlap_separation: float
    migration_pairs: int
    migration_agreement: float
    shift_class_agreement: float
    summary_agreement: float
    hemisphere_correct: int = field(repr=False)
    hemisphere_known: int = field(repr=False)
    region_correct: int = field(repr=False)
    region_known: int = field(repr=False)
    migration_agreeing: int = field(repr=False)
    shift_class_agreeing: int = field(repr=False)
    latencies_s: tuple = field(repr=False)
    truth_summary: dict = field(repr=False)
    detected_summary: dict = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, dict):
                out[key] = {k: _json_number(v) for k, v in value.items()}
            elif isinstance(value, (tuple, list)):
                out[key] = [_json_number(v) for v in value]
            else:
                out[key] = _json_number(value)
        return out


def _localisation(
    truth: list[dict],
    detected: list[dict],
    duration_s: float,
    params: EventScoringParameters,
    criteria: Mapping[str, Any] | None = None,
) -> LocalisationScores:
    match = match_seizures(truth, detected, duration_s, params=params)
    pairs = [(truth[k], detected[j]) for k, j in enumerate(match) if j is not None]
    latencies = np.array([d["onset_s"] - t["onset_s"] for t, d in pairs], dtype=float)
    known_hemisphere = [(t, d) for t, d in pairs if t["hemisphere"] != "unknown"]
    known_region = [(t, d) for t, d in pairs if t["region"] != "unknown"]

    overlapping = [
        k for k in range(len(truth) - 1) if truth[k + 1]["onset_s"] < truth[k]["offset_s"]
    ]
    separated = sum(match[k] is not None and match[k + 1] is not None for k in overlapping)

    migration_total = migration_hits = shift_hits = 0
    for k in range(len(truth) - 1):
        j0, j1 = match[k], match[k + 1]
        if j0 is None or j1 is None:
            continue
        t0, t1 = truth[k], truth[k + 1]
        if t0["hemisphere"] not in SIDES or t1["hemisphere"] not in SIDES:
            continue
        d0, d1 = detected[j0], detected[j1]
        migration_total += 1
        if d0["hemisphere"] in SIDES and d1["hemisphere"] in SIDES:
            true_switch = t0["hemisphere"] != t1["hemisphere"]
            migration_hits += (d0["hemisphere"] != d1["hemisphere"]) == true_switch
        shift_hits += _shift_class(t0, t1) == _shift_class(d0, d1)

    truth_summary = migration_summary(truth, criteria)
    detected_summary = migration_summary(detected, criteria)
    summary_keys = ("bilateral", "predominant_hemisphere", "migrating")
    summary_hits = sum(truth_summary[key] == detected_summary[key] for key in summary_keys)
    hemisphere_correct = sum(t["hemisphere"] == d["hemisphere"] for t, d in known_hemisphere)
    region_correct = sum(t["region"] == d["region"] for t, d in known_region)

    return LocalisationScores(
        true_seizures=len(truth),
        detected_seizures=len(detected),
        matched=len(pairs),
        latency_median_s=float(np.median(latencies)) if latencies.size else math.nan,
        latency_p90_s=float(np.percentile(latencies, 90)) if latencies.size else math.nan,
        hemisphere_accuracy=_fraction(hemisphere_correct, len(known_hemisphere)),
        region_accuracy=_fraction(region_correct, len(known_region)),
        overlapping_pairs=len(overlapping),
        overlapping_pairs_separated=separated,
        overlap_separation=_fraction(separated, len(overlapping)),
        migration_pairs=migration_total,
        migration_agreement=_fraction(migration_hits, migration_total),
        shift_class_agreement=_fraction(shift_hits, migration_total),
        summary_agreement=summary_hits / len(summary_keys),
        hemisphere_correct=hemisphere_correct,
        hemisphere_known=len(known_hemisphere),
        region_correct=region_correct,
        region_known=len(known_region),
        migration_agreeing=migration_hits,
        shift_class_agreeing=shift_hits,
        latencies_s=tuple(float(x) for x in latencies),
        truth_summary=truth_summary,
        detected_summary=detected_summary,
    )


# ---------------------------------------------------------------------------------------------
# One seizure stays one seizure: propagation, fragments, the migrating verdict
# ---------------------------------------------------------------------------------------------


def _is_propagated(seizure: Mapping[str, Any]) -> bool:
    raw = seizure.get("raw", seizure)
    return bool(raw.get("propagated")) or bool(raw.get("propagation"))


def _overlaps(detection: Mapping[str, Any], seizure: Mapping[str, Any]) -> bool:
    """Open-interval overlap: sharing only an end point is not overlapping."""
    return detection["onset_s"] < seizure["offset_s"] and detection["offset_s"] > seizure["onset_s"]


@dataclass(frozen=True)
class SpreadScores:
    """Whether each true seizure comes out as one detection (definitions in docs/scoring.md).

    Attributes
    ----------
    true_seizures : int
        True seizures of the recording.
    propagated_seizures : int
        True seizures whose truth records a propagation (``propagated`` / ``propagation``).
    propagated_as_one : int
        Propagated seizures matched by a detection (:func:`match_seizures`) with no other
        detection overlapping the true seizure's ``[onset_s, offset_s]`` except detections
        matched to other true seizures.
    propagated_as_one_fraction : float
        ``propagated_as_one / propagated_seizures``; NaN without propagated seizures.
    fragments : int
        Detections matched to no true seizure that overlap at least one true seizure (each
        counted once).
    fragments_per_seizure : float
        ``fragments / true_seizures``; NaN without true seizures.
    true_migrating, detected_migrating : bool
        The "migrating" verdict of the truth (:func:`migration_summary`) and of the detections
        (the detection file's ``summary["migrating"]`` when it holds a bool, else
        :func:`migration_summary` of the detected seizures).
    migrating_agrees : bool
        ``true_migrating == detected_migrating``.
    """

    true_seizures: int
    propagated_seizures: int
    propagated_as_one: int
    propagated_as_one_fraction: float
    fragments: int
    fragments_per_seizure: float
    true_migrating: bool
    detected_migrating: bool
    migrating_agrees: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""
        return {key: _json_number(value) for key, value in asdict(self).items()}


def spread_scores(
    truth: Sequence[Mapping[str, Any]],
    detections: Sequence[Mapping[str, Any]],
    duration_s: float,
    *,
    detected_summary: Mapping[str, Any] | None = None,
    params: EventScoringParameters | None = None,
) -> SpreadScores:
    """Propagated seizures reported as one, fragments, and the migrating verdict.

    Parameters
    ----------
    truth, detections : sequence of dict
        Seizures with ``onset_s``, ``offset_s``, ``hemisphere``, ``region`` (seconds), as
        returned by :func:`load_truth` / :func:`load_detections` (sorted by onset); a true
        seizure is propagated when it (or its ``raw`` entry) has ``propagated`` true or a
        non-empty ``propagation`` list.
    duration_s : float
        Recording duration (limits the matching windows).
    detected_summary : dict, optional
        The detection file's ``summary``; its ``migrating`` bool, when present, is the detected
        verdict.
    params : EventScoringParameters, optional
        Its tolerances define the matching windows (:func:`match_seizures`).

    Returns
    -------
    SpreadScores
    """
    match = match_seizures(truth, detections, duration_s, params=params)
    matched = {j for j in match if j is not None}
    propagated = [k for k, seizure in enumerate(truth) if _is_propagated(seizure)]
    as_one = 0
    for k in propagated:
        if match[k] is None:
            continue
        extra = [
            j
            for j, d in enumerate(detections)
            if j != match[k] and j not in matched and _overlaps(d, truth[k])
        ]
        as_one += not extra
    fragments = sum(
        j not in matched and any(_overlaps(d, t) for t in truth) for j, d in enumerate(detections)
    )
    true_migrating = bool(migration_summary(truth)["migrating"])
    stated = (detected_summary or {}).get("migrating")
    detected_migrating = (
        stated if isinstance(stated, bool) else bool(migration_summary(detections)["migrating"])
    )
    return SpreadScores(
        true_seizures=len(truth),
        propagated_seizures=len(propagated),
        propagated_as_one=as_one,
        propagated_as_one_fraction=_fraction(as_one, len(propagated)),
        fragments=fragments,
        fragments_per_seizure=_fraction(fragments, len(truth)),
        true_migrating=true_migrating,
        detected_migrating=detected_migrating,
        migrating_agrees=true_migrating == detected_migrating,
    )


@dataclass(frozen=True)
class AlarmScores:
    """How early onset alarms come and how many are false (:func:`alarm_scores`).

    Attributes
    ----------
    true_seizures, alarms : int
        Counts of true seizures and of alarms.
    alarmed : int
        True seizures matched by an alarm.
    delays_s : tuple of float
        For each matched true seizure, in true-seizure order: its alarm's ``raised_s`` minus the
        true onset (seconds). Negative for an alarm raised before the true onset: within the
        SzCORE pre-onset tolerance it is a detection of that seizure, as a detected onset before
        the true one is (docs/scoring.md, "Onset alarms").
    delay_median_s, delay_p90_s : float
        Median and 90th percentile of ``delays_s``; NaN without matched seizures.
    early_alarms : int
        Matched true seizures whose alarm was raised before their onset (delay < 0), counted
        apart so that they cannot lower the delay figures unnoticed.
    false_alarms : int
        Alarms whose span ``[onset_s, raised_s]`` meets no widened true seizure window (an alarm
        inside a true seizure's window that another alarm matched is a duplicate, not false).
    """

    true_seizures: int
    alarms: int
    alarmed: int
    delays_s: tuple[float, ...]
    delay_median_s: float
    delay_p90_s: float
    false_alarms: int
    early_alarms: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""
        out = {key: _json_number(value) for key, value in asdict(self).items()}
        out["delays_s"] = list(self.delays_s)
        return out


def alarm_scores(
    truth: Sequence[Mapping[str, Any]],
    alarms: Sequence[Mapping[str, Any]],
    duration_s: float,
    *,
    params: EventScoringParameters | None = None,
) -> AlarmScores:
    """Alarm delay and false alarms of onset alarms against the true seizures.

    Each alarm stands for the span from its provisional onset to the moment it was raised,
    ``[onset_s, raised_s]``, and is matched to true seizures one to one as a detection is
    (:func:`match_seizures`: the SzCORE widened windows, nearest onsets first). The delay of a
    matched true seizure is ``raised_s`` of its alarm minus its true onset; an alarm raised up to
    the pre-onset tolerance before the true onset matches it with a negative delay (it announced
    that seizure, in SzCORE terms) and is counted in ``early_alarms``.

    Parameters
    ----------
    truth : sequence of dict
        True seizures with ``onset_s`` and ``offset_s`` (seconds from the first sample).
    alarms : sequence of dict
        Alarms with ``onset_s`` and ``raised_s`` (same time basis), e.g. the records of
        :func:`ictaltrack.streaming.alarm_to_json`.
    duration_s : float
        Recording duration (limits the matching windows).
    params : EventScoringParameters, optional
        Its tolerances define the matching windows.

    Returns
    -------
    AlarmScores
    """
    p = params or EventScoringParameters()
    spans = [
        {"onset_s": a["onset_s"], "offset_s": max(a["onset_s"], a["raised_s"])} for a in alarms
    ]
    match = match_seizures(truth, spans, duration_s, params=p)
    delays = tuple(
        float(alarms[j]["raised_s"]) - float(seizure["onset_s"])
        for seizure, j in zip(truth, match)
        if j is not None
    )
    windows = [
        (
            max(0.0, seizure["onset_s"] - p.tolerance_start_s),
            min(duration_s, seizure["offset_s"] + p.tolerance_end_s),
        )
        for seizure in truth
    ]
    false_alarms = sum(
        not any(span["onset_s"] <= end and span["offset_s"] >= start for start, end in windows)
        for span in spans
    )
    values = np.array(delays)
    return AlarmScores(
        true_seizures=len(truth),
        alarms=len(alarms),
        alarmed=len(delays),
        delays_s=delays,
        delay_median_s=float(np.median(values)) if values.size else math.nan,
        delay_p90_s=float(np.percentile(values, 90)) if values.size else math.nan,
        false_alarms=int(false_alarms),
        early_alarms=int(np.count_nonzero(values < 0)) if values.size else 0,
    )


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`evaluate`: ``events`` (SzCORE event scores), ``localisation`` and
    ``spread`` (one seizure stays one seizure)."""

    events: EventScores
    localisation: LocalisationScores
    duration_s: float
    spread: SpreadScores | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with ``scorer``, ``duration_s``, ``events`` and ``localisation``."""
        return {
            "scorer": "SzCORE event scoring (timescoring EventScoring rules)",
            "duration_s": self.duration_s,
            "events": self.events.to_dict(),
            "localisation": self.localisation.to_dict(),
            "spread": self.spread.to_dict() if self.spread is not None else None,
        }


def evaluate(
    truth: str | os.PathLike | Mapping[str, Any],
    detections: str | os.PathLike | Mapping[str, Any],
    *,
    params: EventScoringParameters | None = None,
) -> Evaluation:
    """Score detections against truth: SzCORE event scores, localisation and migration.

    Parameters
    ----------
    truth : path or dict
        Truth sidecar: ``{"duration_s": ..., "seizures": [{"onset_s", "offset_s",
        "hemisphere", "region", ...}]}`` (see :func:`load_truth` for accepted variants).
    detections : path or dict
        Detection JSON (detect contract): ``{"duration_s", "seizures": [{"onset_s", "offset_s",
        "hemisphere", "region", ...}], "summary", ...}``.
    params : EventScoringParameters, optional
        SzCORE defaults when omitted; its tolerances also define the matching windows.

    Returns
    -------
    Evaluation

    Raises
    ------
    IoError, FormatError
        Unreadable or malformed input, or no recording duration in either file.
    ValueError
        Seizure times outside the recording (see :func:`event_scoring`).
    """
    p = params or EventScoringParameters()
    truth_data = load_truth(truth)
    detection_data = load_detections(detections)
    duration_s = truth_data["duration_s"] or detection_data["duration_s"]
    if duration_s is None:
        raise _format_error("neither truth nor detections give a positive duration_s", "duration_s")
    true_seizures, detected = truth_data["seizures"], detection_data["seizures"]
    events = event_scoring(
        [(s["onset_s"], s["offset_s"]) for s in true_seizures],
        [(s["onset_s"], s["offset_s"]) for s in detected],
        duration_s,
        params=p,
    )
    # The verdict criteria the detections were summarised with (detect JSON "summary"), so that
    # detected_summary["migrating"] is the detection's own verdict.
    criteria = detection_data["summary"].get("criteria")
    return Evaluation(
        events=events,
        localisation=_localisation(
            true_seizures,
            detected,
            duration_s,
            p,
            criteria if isinstance(criteria, Mapping) else None,
        ),
        duration_s=float(duration_s),
        spread=spread_scores(
            true_seizures,
            detected,
            duration_s,
            detected_summary=detection_data["summary"],
            params=p,
        ),
    )


def _json_number(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
