"""The evaluation suite behind ``make eval``: simulated recordings, a detector, one score table.

The suite (:data:`SUITE`) is a list of simulator parameter sets: 22 recordings, 30 min to 6 h
(37.5 h in total), both montages, easy and hard cases. Recordings are generated once into a
cache directory outside the repository (``$ICTALTRACK_EVAL_DIR``, default
``~/.cache/ictaltrack/eval``), keyed by a hash of their parameters and regenerated when the
simulator's version stamp changes. Each recording is run through
a detector callable (path -> detection dict in the detect JSON contract), scored with
:func:`ictaltrack.scoring.evaluate`, and the scores are printed as one table.

The detector is the library's own (:func:`ictaltrack_detector`, default parameters).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ictaltrack.scoring import Evaluation, evaluate

__all__ = [
    "Recording",
    "SUITE",
    "DETECTOR_LABEL",
    "cache_dir",
    "generate",
    "current_generator",
    "ictaltrack_detector",
    "run_suite",
    "format_table",
    "pooled_scores",
]

#: How every table produced with :func:`ictaltrack_detector` names it.
DETECTOR_LABEL = "ictaltrack detector (default parameters, docs/detection.md)"

Detector = Callable[[Path], Mapping[str, Any]]


@dataclass(frozen=True)
class Recording:
    """One recording of the suite.

    Attributes
    ----------
    name : str
        Short unique name (used in file names and the table).
    case : str
        What makes it easy or hard, for the table.
    simulation : dict
        Keyword arguments of the simulator (names of the C++ ``SimulationConfig`` fields:
        ``duration_s``, ``seed``, ``montage`` ("referential" or "bipolar"), ...).
    """

    name: str
    case: str
    simulation: dict = field(hash=False)

    @property
    def duration_s(self) -> float:
        return float(self.simulation["duration_s"])

    @property
    def key(self) -> str:
        """Cache key: name plus a hash of the simulator parameters."""
        text = json.dumps(self.simulation, sort_keys=True)
        return f"{self.name}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def _rec(name: str, case: str, hours: float, seed: int, montage: str, **extra: Any) -> Recording:
    simulation = {"duration_s": hours * 3600.0, "seed": seed, "montage": montage, **extra}
    return Recording(name, case, simulation)


_LOW_AMPLITUDE = {"amplitude_min_uv": 35.0, "amplitude_max_uv": 60.0}
_HEAVY_ARTIFACTS = {"blinks_per_hour": 240.0, "muscle_per_hour": 120.0,
                    "electrode_pops_per_hour": 60.0, "movement_per_hour": 40.0}
_SPARSE = {"interval_min_s": 1800.0, "interval_max_s": 5400.0}

#: The evaluation suite: 22 recordings, 37.5 h, both montages, easy and hard cases.
SUITE: tuple[Recording, ...] = (
    _rec("easy-ref-30m", "easy", 0.5, 101, "referential"),
    _rec("easy-bip-30m", "easy", 0.5, 102, "bipolar"),
    _rec("easy-ref-1h", "easy", 1, 103, "referential"),
    _rec("easy-bip-1h", "easy", 1, 104, "bipolar"),
    _rec("lowamp-ref-1h", "low-amplitude seizures", 1, 105, "referential", **_LOW_AMPLITUDE),
    _rec("lowamp-bip-2h", "low-amplitude seizures", 2, 106, "bipolar", **_LOW_AMPLITUDE),
    _rec("artifact-ref-1h", "heavy artifacts", 1, 107, "referential", **_HEAVY_ARTIFACTS),
    _rec("artifact-bip-2h", "heavy artifacts", 2, 108, "bipolar", **_HEAVY_ARTIFACTS),
    _rec("overlap-ref-1h", "many overlapping seizures", 1, 109, "referential",
         overlap_probability=0.6),
    _rec("overlap-bip-2h", "many overlapping seizures", 2, 110, "bipolar",
         overlap_probability=0.6),
    _rec("sparse-ref-6h", "long seizure-free stretches", 6, 111, "referential", **_SPARSE),
    _rec("sparse-bip-4h", "long seizure-free stretches", 4, 112, "bipolar", **_SPARSE),
    _rec("flatchan-ref-1h", "bad channel (flat)", 1, 113, "referential", bad_channel="flat"),
    _rec("disconn-bip-1h", "bad channel (disconnected)", 1, 114, "bipolar",
         bad_channel="disconnected"),
    _rec("storm-ref-2h", "stormy phase (short intervals)", 2, 115, "referential",
         interval_min_s=60.0, interval_max_s=180.0),
    _rec("ipsi-ref-1h", "mostly ipsilateral migration", 1, 116, "referential",
         contralateral_probability=0.15),
    _rec("eegref-ref-1h", "TUH-style labels, T7/P7 names", 1, 117, "referential",
         label_style="eeg-ref", temporal_names="new"),
    _rec("long-ref-3h", "easy, long", 3, 118, "referential"),
    _rec("hard-bip-3h", "low amplitude + heavy artifacts", 3, 119, "bipolar",
         **_LOW_AMPLITUDE, **_HEAVY_ARTIFACTS),
    _rec("short-ref-1h", "short seizures (15-35 s)", 1, 120, "referential",
         seizure_duration_min_s=15.0, seizure_duration_max_s=35.0),
    _rec("bdf-ref-30m", "BDF+ file", 0.5, 121, "referential", file_type="bdf"),
    _rec("mixed-ref-2h", "low amplitude + overlaps + artifacts", 2, 122, "referential",
         overlap_probability=0.5, **_LOW_AMPLITUDE, **_HEAVY_ARTIFACTS),
)


def cache_dir() -> Path:
    """Where suite recordings are kept: ``$ICTALTRACK_EVAL_DIR`` or ``~/.cache/ictaltrack/eval``."""
    env = os.environ.get("ICTALTRACK_EVAL_DIR")
    return Path(env) if env else Path.home() / ".cache" / "ictaltrack" / "eval"


def _simulate(edf_path: Path, simulation: Mapping[str, Any]) -> None:
    import ictaltrack

    simulate = getattr(ictaltrack, "simulate", None)
    if simulate is None:
        raise RuntimeError(
            "ictaltrack.simulate is not available in this build: the simulator (branch "
            "`simulate`) must be merged before the evaluation suite can be generated")
    simulate(str(edf_path), **dict(simulation))


def current_generator() -> dict[str, Any]:
    """The simulator's ``generator`` stamp (library and model version), from a 10 s simulation.

    Cached recordings whose truth carries another stamp were made by another simulator model
    and are generated again.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ictaltrack-eval-") as scratch:
        path = Path(scratch) / "probe.edf"
        _simulate(path, {"duration_s": 10.0, "seed": 1})
        return json.loads(path.with_suffix(".json").read_text()).get("generator", {})


def _cached_generator(truth_path: Path) -> Any:
    try:
        return json.loads(truth_path.read_text()).get("generator")
    except (OSError, ValueError):
        return None


def generate(recording: Recording, directory: Path | None = None, *,
             generator: Mapping[str, Any] | None = None) -> tuple[Path, Path]:
    """Generate a suite recording if it is not cached yet (or was made by another simulator).

    Parameters
    ----------
    recording : Recording
    directory : Path, optional
        Cache directory (default :func:`cache_dir`).
    generator : dict, optional
        The current simulator stamp (:func:`current_generator`); when given, a cached recording
        with a different stamp is generated again.

    Returns
    -------
    (edf_path, truth_path) : tuple of Path
        The recording and its truth sidecar (the simulator writes ``<name>.json`` beside it).
    """
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    extension = ".bdf" if recording.simulation.get("file_type") == "bdf" else ".edf"
    edf_path = directory / f"{recording.key}{extension}"
    truth_path = edf_path.with_suffix(".json")
    cached = edf_path.exists() and truth_path.exists()
    if cached and generator is not None and _cached_generator(truth_path) != dict(generator):
        cached = False
    if not cached:
        _simulate(edf_path, recording.simulation)
    return edf_path, truth_path


# ---------------------------------------------------------------------------------------------
# The detector
# ---------------------------------------------------------------------------------------------


def ictaltrack_detector(edf_path: Path, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ictaltrack detector with its documented defaults (docs/detection.md).

    Parameters
    ----------
    edf_path : Path
        The recording.
    params : mapping, optional
        Detector parameters to change (names of ``ictaltrack._core.detector_defaults()``).

    Returns
    -------
    dict
        The detect dict (``file``, ``duration_s``, ``channels``, ``seizures`` with ``onset_s``,
        ``offset_s``, ``onset_channels``, ``region``, ``hemisphere``, ...; seconds).
    """
    from ictaltrack import _core

    return _core.detect_file(str(edf_path), dict(params) if params else None, None)


# ---------------------------------------------------------------------------------------------
# Running and reporting
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuiteResult:
    """Scores of one recording."""

    recording: Recording
    evaluation: Evaluation
    detect_seconds: float
    generate_seconds: float = 0.0  # 0 when the recording came from the cache


def run_suite(
    detector: Detector = ictaltrack_detector,
    *,
    recordings: Sequence[Recording] = SUITE,
    directory: Path | None = None,
    progress: Callable[[str], None] | None = None,
    check_generator: bool = True,
) -> list[SuiteResult]:
    """Generate (if needed), detect and score every recording of the suite.

    ``check_generator=True`` regenerates cached recordings made by another simulator model
    (costs one 10 s simulation); tests with hand-made cached files turn it off.
    """
    generator = current_generator() if check_generator else None
    results = []
    for recording in recordings:
        started = time.perf_counter()
        edf_path, truth_path = generate(recording, directory, generator=generator)
        generated = time.perf_counter()
        detections = dict(detector(edf_path))
        detected = time.perf_counter()
        results.append(SuiteResult(recording, evaluate(truth_path, detections),
                                   detected - generated, generated - started))
        if progress:
            progress(f"{recording.name}: generate/load {generated - started:.1f} s, "
                     f"detect {detected - generated:.1f} s")
    return results


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def pooled_scores(results: Sequence[SuiteResult]) -> dict[str, float]:
    """Scores over the whole suite from summed counts (micro-average over recordings).

    Event metrics use the SzCORE formulas on the summed tp, fp and reference counts and the
    summed duration; localisation metrics pool numerators and denominators; the latency
    median and 90th percentile are over all matched seizures of the suite.
    """
    events = [r.evaluation.events for r in results]
    loc = [r.evaluation.localisation for r in results]
    tp = sum(e.tp for e in events)
    fp = sum(e.fp for e in events)
    ref = sum(e.reference_events for e in events)
    hours = sum(e.duration_s for e in events) / 3600.0
    latencies = np.array([x for item in loc for x in item.latencies_s])
    overlapping = sum(item.overlapping_pairs for item in loc)
    return {
        "hours": hours,
        "true_seizures": sum(item.true_seizures for item in loc),
        "reference_events": ref,
        "tp": tp,
        "fp": fp,
        "sensitivity": _ratio(tp, ref),
        "precision": _ratio(tp, tp + fp),
        "f1": _ratio(2 * tp, 2 * tp + fp + ref - tp),
        "fp_per_24h": _ratio(fp, hours / 24.0),
        "latency_median_s": float(np.median(latencies)) if latencies.size else math.nan,
        "latency_p90_s": float(np.percentile(latencies, 90)) if latencies.size else math.nan,
        "hemisphere_accuracy": _ratio(sum(i.hemisphere_correct for i in loc),
                                      sum(i.hemisphere_known for i in loc)),
        "region_accuracy": _ratio(sum(i.region_correct for i in loc),
                                  sum(i.region_known for i in loc)),
        "overlapping_pairs": overlapping,
        "overlap_separation": _ratio(sum(i.overlapping_pairs_separated for i in loc),
                                     overlapping),
        "migration_agreement": _ratio(sum(i.migration_agreeing for i in loc),
                                      sum(i.migration_pairs for i in loc)),
        "shift_class_agreement": _ratio(sum(i.shift_class_agreeing for i in loc),
                                        sum(i.migration_pairs for i in loc)),
        "summary_agreement": float(np.mean([i.summary_agreement for i in loc])) if loc
        else math.nan,
    }


_COLUMNS = ("recording", "montage", "case", "h", "sz", "tp", "fp", "sens", "prec", "F1",
            "FP/24h", "lat med", "lat p90", "hemi", "region", "ovl sep", "migr", "summ")


def _num(value: float, digits: int = 2) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.{digits}f}"


def _row(name: str, montage: str, case: str, hours: float, scores: Mapping[str, Any]) -> list:
    return [name, montage, case, f"{hours:.1f}", str(scores["true_seizures"]),
            f"{scores['tp']}/{scores['reference_events']}", str(scores["fp"]),
            _num(scores["sensitivity"]), _num(scores["precision"]), _num(scores["f1"]),
            _num(scores["fp_per_24h"], 1), _num(scores["latency_median_s"], 1),
            _num(scores["latency_p90_s"], 1), _num(scores["hemisphere_accuracy"]),
            _num(scores["region_accuracy"]),
            f"{scores['overlapping_pairs_separated']}/{scores['overlapping_pairs']}",
            _num(scores["migration_agreement"]), _num(scores["summary_agreement"])]


def _recording_scores(result: SuiteResult) -> dict[str, Any]:
    e, loc = result.evaluation.events, result.evaluation.localisation
    return {"true_seizures": loc.true_seizures, "tp": e.tp, "reference_events": e.reference_events,
            "fp": e.fp, "sensitivity": e.sensitivity, "precision": e.precision, "f1": e.f1,
            "fp_per_24h": e.fp_per_24h, "latency_median_s": loc.latency_median_s,
            "latency_p90_s": loc.latency_p90_s, "hemisphere_accuracy": loc.hemisphere_accuracy,
            "region_accuracy": loc.region_accuracy,
            "overlapping_pairs_separated": loc.overlapping_pairs_separated,
            "overlapping_pairs": loc.overlapping_pairs,
            "migration_agreement": loc.migration_agreement,
            "summary_agreement": loc.summary_agreement}


def table_rows(results: Sequence[SuiteResult]) -> list[list[str]]:
    """One row per recording plus a pooled ``ALL`` row (strings, in :data:`_COLUMNS` order)."""
    rows = [_row(r.recording.name, str(r.recording.simulation.get("montage", "")),
                 r.recording.case, r.recording.duration_s / 3600.0, _recording_scores(r))
            for r in results]
    pooled = pooled_scores(results)
    pooled["overlapping_pairs_separated"] = sum(
        r.evaluation.localisation.overlapping_pairs_separated for r in results)
    rows.append(_row("ALL (pooled)", "", "", pooled["hours"], pooled))
    return rows


def format_table(results: Sequence[SuiteResult], *, detector_label: str) -> str:
    """Plain-text table: a title line naming the detector and the scorer, then aligned rows."""
    rows = [list(_COLUMNS)] + table_rows(results)
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = [f"Detector: {detector_label}",
             "Scorer: SzCORE event scoring (timescoring EventScoring rules: merge < 90 s, "
             "split > 300 s, window -30 s / +60 s)"]
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if index == 0 or index == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_markdown(results: Sequence[SuiteResult], *, detector_label: str, command: str,
                    seconds: float) -> str:
    """docs/evaluation.md: what was run, the table, and how to read it."""
    header = "| " + " | ".join(_COLUMNS) + " |"
    rule = "|" + "|".join("---" for _ in _COLUMNS) + "|"
    body = ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    hours = sum(r.recording.duration_s for r in results) / 3600.0
    generating = sum(r.generate_seconds for r in results)
    detecting = sum(r.detect_seconds for r in results)
    return "\n".join([
        "# Evaluation on the simulated suite",
        "",
        f"**Detector: {detector_label}.**",
        "",
        f"Produced by `{command}` ({len(results)} recordings, {hours:.1f} h of simulated EEG; "
        f"{seconds:.0f} s wall time, of which {generating:.0f} s generating recordings not yet "
        f"cached and {detecting:.0f} s in the detector). "
        "Scorer: SzCORE event scoring as implemented in `ictaltrack.scoring` (timescoring "
        "EventScoring rules); localisation and migration scores as defined in docs/scoring.md.",
        "",
        header, rule, *body,
        "",
        "Columns: `h` hours; `sz` true seizures; `tp` detected reference events / reference "
        "events after SzCORE merging and splitting; `fp` false positives; `sens`, `prec`, `F1` "
        "SzCORE event metrics; `FP/24h` false positives per day; `lat med`, `lat p90` onset "
        "latency (detected minus true onset, s) median and 90th percentile over matched "
        "seizures; `hemi`, `region` accuracy on matched seizures; `ovl sep` overlapping true "
        "pairs separated / overlapping true pairs; `migr` hemisphere-switch agreement on "
        "consecutive matched pairs; `summ` summary agreement. `ALL` pools counts over "
        "recordings (summary agreement: mean). `n/a`: undefined (no denominator).",
        "",
        "The suite is defined in `python/ictaltrack/evaluation.py` (`SUITE`); recordings are "
        "cached in `$ICTALTRACK_EVAL_DIR` (default `~/.cache/ictaltrack/eval`).",
        "",
    ])
