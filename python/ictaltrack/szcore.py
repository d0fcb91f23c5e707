"""The SzCORE annotation format (``*_events.tsv``) and SzCORE scoring of whole datasets.

SzCORE (Dan et al., Epilepsia 2025) keeps seizure annotations as BIDS ``*_events.tsv`` files with
the columns :data:`SZCORE_COLUMNS` (``epilepsy2bids`` writes them, ``szcore-evaluation`` reads
them). Definitions and the exact rules used here are in ``docs/datasets.md``:

- :func:`hypothesis_table` / :func:`write_events_tsv`: one recording's detections as such a file
  (one ``sz`` row per seizure, or one ``bckg`` row for the whole recording when there is none),
  with ictaltrack's onset channels in ``channels`` and two extra columns, ``lateralization`` and
  ``region``, that the SzCORE reader ignores;
- :func:`read_events_tsv`: one such file, reference or hypothesis;
- :func:`annotation_mask`: the 1 Hz seizure mask the SzCORE scorer builds from a file;
- :func:`evaluate_dataset`: SzCORE sample and event scoring of a hypothesis folder against a
  reference folder (same relative paths), per recording, per subject and over the dataset, with
  the aggregation of ``szcore-evaluation`` 0.0.7, plus ictaltrack's localisation and migration
  scores where the reference events carry channels or a side.

All times are seconds from the first sample of the recording.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ictaltrack._atomic import atomic_output
from ictaltrack.errors import FormatError, io_error
from ictaltrack.scoring import (
    EventScoringParameters,
    LocalisationScores,
    _localisation,
    event_scoring,
)

if TYPE_CHECKING:
    import pandas as pd

    from ictaltrack.result import DetectionResult

__all__ = [
    "SZCORE_COLUMNS",
    "EXTRA_COLUMNS",
    "SCORER_NAME",
    "EventsFile",
    "DatasetEvaluation",
    "annotation_mask",
    "evaluate_dataset",
    "hypothesis_table",
    "is_seizure_type",
    "read_events_tsv",
    "write_events_tsv",
]

#: The SzCORE annotation columns, in the order epilepsy2bids writes them.
SZCORE_COLUMNS = (
    "onset",
    "duration",
    "eventType",
    "confidence",
    "channels",
    "dateTime",
    "recordingDuration",
)
#: ictaltrack's extra columns (the SzCORE reader reads its columns by name and ignores these):
#: the onset hemisphere (left, right, midline, bilateral, unknown) and the onset region.
EXTRA_COLUMNS = ("lateralization", "region")

#: How every table of a dataset evaluation names its scorer.
SCORER_NAME = (
    "SzCORE sample and event scoring (szcore-evaluation 0.0.7 rules: 1 Hz masks, timescoring "
    "SampleScoring / EventScoring, per-subject sums, mean and std over subjects)"
)

#: Rate of the masks the SzCORE scorer builds from the annotation files (szcore-evaluation: 1 Hz).
MASK_RATE_HZ = 1

_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_MISSING = "n/a"


def is_seizure_type(event_type: str) -> bool:
    """Whether an SzCORE ``eventType`` is a seizure: ``sz`` or one of the ``sz_*`` ILAE types
    (``sz_foc_ia``, ``sz_gen_m_tonic``, ...). ``bckg`` and anything else are not."""
    return event_type == "sz" or event_type.startswith("sz_")


# ---------------------------------------------------------------------------------------------
# Writing: one recording's detections
# ---------------------------------------------------------------------------------------------


def _seconds(value: float) -> str:
    # epilepsy2bids writes onsets and durations with 2 decimals; so do we, so that both scorers
    # (which read the file) see the same numbers.
    return f"{value:.2f}"


def _date_time(result: DetectionResult) -> str:
    start = result.start_datetime  # the result's one parser of its start (up to 7 decimals)
    return start.strftime(_DATE_FORMAT) if start is not None else _MISSING


def hypothesis_table(result: DetectionResult) -> pd.DataFrame:
    """One recording's detections as SzCORE annotation rows (all cells text, as written).

    One ``sz`` row per seizure in onset order: ``onset`` (s), ``duration`` (s), ``confidence``
    (the detector's, 0-1), ``channels`` (the onset channels, earliest first, comma-separated;
    ``n/a`` when none), ``dateTime`` (start of the recording, ``YYYY-MM-DD HH:MM:SS``),
    ``recordingDuration`` (s), then ``lateralization`` (onset hemisphere) and ``region``.
    Without seizures, a single ``bckg`` row covers the whole recording, as epilepsy2bids writes
    it (the SzCORE reader takes the recording duration from the first row, so a file is never
    empty).
    """
    import pandas as pd

    duration = _seconds(result.duration_s)
    date_time = _date_time(result)
    rows = []
    for seizure in result._seizures:
        channels = [str(c) for c in seizure.get("onset_channels") or []]
        confidence = seizure.get("confidence")
        rows.append(
            {
                "onset": _seconds(seizure["onset_s"]),
                "duration": _seconds(seizure["offset_s"] - seizure["onset_s"]),
                "eventType": "sz",
                "confidence": _MISSING if confidence is None else f"{float(confidence):.2f}",
                "channels": ",".join(channels) if channels else _MISSING,
                "dateTime": date_time,
                "recordingDuration": duration,
                "lateralization": seizure.get("hemisphere") or "unknown",
                "region": seizure.get("region") or "unknown",
            }
        )
    if not rows:
        rows.append(
            {
                "onset": _seconds(0.0),
                "duration": duration,
                "eventType": "bckg",
                "confidence": _MISSING,
                "channels": _MISSING,
                "dateTime": date_time,
                "recordingDuration": duration,
                "lateralization": _MISSING,
                "region": _MISSING,
            }
        )
    return pd.DataFrame(rows, columns=[*SZCORE_COLUMNS, *EXTRA_COLUMNS])


def write_events_tsv(path: str | os.PathLike[str], table: pd.DataFrame) -> None:
    """Write annotation rows (:func:`hypothesis_table`) as a tab-separated file, atomically
    (parent folders are created)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(target) as temporary:
        table.to_csv(temporary, sep="\t", index=False, lineterminator="\n")


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventsFile:
    """One SzCORE ``*_events.tsv`` file as read by :func:`read_events_tsv`.

    Attributes
    ----------
    path : pathlib.Path
    recording_duration_s : float
        ``recordingDuration`` of the first row (where the SzCORE scorer takes it).
    seizures : list of dict
        The seizure rows (:func:`is_seizure_type`), in file order: ``onset_s``, ``offset_s``,
        ``event_type``, ``channels`` (list of labels), ``hemisphere`` and ``region`` (from the
        ``lateralization`` / ``region`` columns when present, else ``unknown``), ``confidence``
        (float or None).
    has_location : bool
        Whether any seizure row names channels or a side (localisation can then be scored).
    """

    path: Path
    recording_duration_s: float
    seizures: list[dict[str, Any]] = field(repr=False)
    has_location: bool = False


def _format_error(message: str, field_name: str) -> FormatError:
    error = FormatError(message)
    error.field, error.signal, error.byte_offset = field_name, -1, -1
    return error


def _cell_float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _MISSING
    return str(value).strip()


def read_events_tsv(path: str | os.PathLike[str]) -> EventsFile:
    """Read one SzCORE annotation file (reference or hypothesis).

    Raises
    ------
    ictaltrack.IoError
        The file cannot be read.
    ictaltrack.FormatError
        No rows, a missing ``onset``/``duration``/``eventType``/``recordingDuration`` column, a
        non-numeric or negative ``recordingDuration`` in the first row, or a seizure row with a
        non-numeric or negative onset or duration.
    """
    import pandas as pd

    source = Path(path)
    try:
        # Parsed as epilepsy2bids parses it (pandas defaults: numbers by pandas' float parser,
        # "n/a" and empty cells as NaN), so that both read the same float for every cell and
        # the 1 Hz masks, which truncate, agree to the sample.
        table = pd.read_csv(source, sep="\t")
    except OSError as error:
        raise io_error(
            f"cannot read {source}: {error.strerror or error}", str(source), error.errno
        ) from error
    except (ValueError, pd.errors.ParserError) as error:
        raise _format_error(f"{source}: not a tab-separated table: {error}", "tsv") from error
    for column in ("onset", "duration", "eventType", "recordingDuration"):
        if column not in table.columns:
            raise _format_error(f"{source}: no '{column}' column (SzCORE annotations)", column)
    if table.empty:
        raise _format_error(f"{source}: no rows (SzCORE writes a 'bckg' row at least)", "rows")
    duration = _cell_float(table["recordingDuration"].iloc[0])
    if duration is None or duration < 0:
        raise _format_error(
            f"{source}: recordingDuration {table['recordingDuration'].iloc[0]!r} of the first row "
            "is not a duration in seconds",
            "recordingDuration",
        )
    seizures = []
    has_location = False
    for index, row in enumerate(table.to_dict("records")):
        event_type = _cell_text(row["eventType"])
        if not is_seizure_type(event_type):
            continue
        onset, length = _cell_float(row["onset"]), _cell_float(row["duration"])
        if onset is None or length is None or onset < 0 or length < 0:
            raise _format_error(
                f"{source}: row {index + 1}: onset {row['onset']!r} and duration "
                f"{row['duration']!r} must be non-negative seconds",
                "onset",
            )
        channels_text = _cell_text(row.get("channels"))
        channels = (
            [c.strip() for c in channels_text.split(",") if c.strip()]
            if channels_text != _MISSING
            else []
        )
        side = _cell_text(row.get("lateralization"))
        region = _cell_text(row.get("region"))
        has_location = has_location or bool(channels) or side != _MISSING
        seizures.append(
            {
                "onset_s": onset,
                "offset_s": onset + length,
                "event_type": event_type,
                "channels": channels,
                "hemisphere": side if side != _MISSING else "unknown",
                "region": region if region != _MISSING else "unknown",
                "confidence": _cell_float(row.get("confidence")),
            }
        )
    return EventsFile(source, duration, seizures, has_location)


def annotation_mask(events: EventsFile, fs: int = MASK_RATE_HZ) -> np.ndarray:
    """The seizure mask the SzCORE scorer builds from a file (epilepsy2bids
    ``Annotations.getMask``): ``int(recordingDuration * fs)`` samples, and each seizure row sets
    samples ``int(onset * fs)`` to ``int((onset + duration) * fs) - 1`` (truncation, not
    rounding; rows reaching past the end are cut there)."""
    mask = np.zeros(int(events.recording_duration_s * fs), dtype=bool)
    for seizure in events.seizures:
        mask[int(seizure["onset_s"] * fs) : int(seizure["offset_s"] * fs)] = True
    return mask


def _mask_events(mask: np.ndarray, fs: int) -> np.ndarray:
    """(start, end) seconds of the runs of a mask, as ``timescoring.annotations.Annotation``."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return edges.reshape(-1, 2).astype(float) / fs


# ---------------------------------------------------------------------------------------------
# Scoring a dataset
# ---------------------------------------------------------------------------------------------


@dataclass
class _Counts:
    """Summable SzCORE counts (``szcore_evaluation.evaluate.Result``): ``samples`` at ``fs``."""

    tp: int = 0
    fp: int = 0
    ref_true: int = 0
    samples: int = 0
    fs: int = 0

    def add(self, other: _Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.ref_true += other.ref_true
        self.samples += other.samples
        self.fs = other.fs

    def metrics(self) -> dict[str, float]:
        """timescoring ``_Scoring.computeScores``, expression for expression."""
        sensitivity = self.tp / self.ref_true if self.ref_true > 0 else math.nan
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp > 0 else math.nan
        if self.ref_true + self.fp == 0:
            f1 = math.nan
        else:
            f1 = 2 * self.tp / (2 * self.tp + self.fp + (self.ref_true - self.tp))
        days = self.samples / self.fs / 3600 / 24 if self.fs else 0.0
        fp_rate = self.fp / days if days > 0 else math.nan
        return {
            "sensitivity": sensitivity,
            "precision": precision,
            "f1": f1,
            "fp_per_24h": fp_rate,
        }


def _score_masks(reference: np.ndarray, hypothesis: np.ndarray, fs: int) -> tuple[_Counts, _Counts]:
    """Sample and event counts of one recording (timescoring SampleScoring at the mask rate,
    EventScoring through :func:`ictaltrack.scoring.event_scoring`, which works at 10 Hz)."""
    sample = _Counts(
        tp=int(np.sum(reference & hypothesis)),
        fp=int(np.sum(~reference & hypothesis)),
        ref_true=int(np.sum(reference)),
        samples=len(reference),
        fs=fs,
    )
    params = EventScoringParameters()
    duration_s = len(reference) / fs
    scores = event_scoring(
        _mask_events(reference, fs), _mask_events(hypothesis, fs), duration_s, params=params
    )
    event = _Counts(
        tp=scores.tp,
        fp=scores.fp,
        ref_true=scores.reference_events,
        # timescoring's EventScoring works on round(duration * 10) samples at 10 Hz.
        samples=int(round(duration_s * params.resolution_hz)),
        fs=int(params.resolution_hz),
    )
    return sample, event


@dataclass
class DatasetEvaluation:
    """What :func:`evaluate_dataset` computed (``docs/datasets.md``).

    Attributes
    ----------
    recordings : pandas.DataFrame
        One row per reference annotation file: ``subject``, ``session``, ``task``, ``run``,
        ``reference``, ``hypothesis`` (paths), ``hypothesis_status`` (``ok``, ``missing``,
        ``unreadable``, ``length mismatch``: the last three are scored as no detections, as
        szcore-evaluation does), ``duration_s``, ``sample_tp``/``_fp``/``_ref_true`` and
        ``event_tp``/``_fp``/``_ref_true``, the four metrics of each kind (``sample_sensitivity``
        ... ``event_fp_per_24h``), and the localisation scores where the reference carries
        channels or a side (``loc_matched``, ``hemisphere_accuracy``, ``region_accuracy``,
        ``migration_agreement``, ``latency_median_s``; empty elsewhere).
    subjects : pandas.DataFrame
        One row per subject: summed counts and their metrics (the szcore-evaluation per-subject
        result), and pooled localisation scores.
    overall : dict
        ``sample`` and ``event``: mean and standard deviation over subjects of each metric
        (``np.nanmean`` / ``np.nanstd``, szcore-evaluation's default output) plus ``pooled``
        (the metrics of the counts summed over the dataset, szcore-evaluation's
        ``avg_per_subject=False``); ``localisation`` pooled over the recordings that have it.
    """

    recordings: pd.DataFrame
    subjects: pd.DataFrame
    overall: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN becomes None)."""
        return {
            "scorer": SCORER_NAME,
            "overall": _json_ready(self.overall),
            "subjects": _json_ready(self.subjects.to_dict("records")),
            "recordings": _json_ready(self.recordings.to_dict("records")),
        }

    def table(self) -> pd.DataFrame:
        """Recordings, subjects and the overall means in one table (column ``level``), the CSV
        that ``ictaltrack evaluate --reference ... --csv`` writes."""
        import pandas as pd

        overall_rows = []
        for statistic in ("mean", "std", "pooled"):
            row: dict[str, Any] = {"level": f"overall {statistic}"}
            for kind in ("sample", "event"):
                for metric, value in self.overall[kind][statistic].items():
                    row[f"{kind}_{metric}"] = value
            overall_rows.append(row)
        table = pd.concat(
            [
                self.recordings.assign(level="recording"),
                self.subjects.assign(level="subject"),
                pd.DataFrame(overall_rows),
            ],
            ignore_index=True,
        )[["level", *self.recordings.columns]]
        counts = [c for c in table.columns if c.endswith(("_tp", "_fp", "_ref_true"))]
        return table.astype({c: "Int64" for c in [*counts, "loc_matched"]})


def _json_ready(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    if value is None or isinstance(value, (str, bool, int)):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _reference_files(reference: Path) -> list[tuple[str, Path]]:
    """(subject folder name, events file) for every ``sub-*/**/*_events.tsv`` of the reference,
    sorted. ictaltrack reads only ``*_events.tsv`` (szcore-evaluation 0.0.7 reads every ``*.tsv``
    under ``sub-*``, so a reference folder with ``*_channels.tsv`` or ``*_scans.tsv`` files
    stops it; see docs/datasets.md)."""
    files = []
    for subject in sorted(p for p in reference.glob("sub-*") if p.is_dir()):
        for path in sorted(subject.rglob("*_events.tsv")):
            files.append((subject.name, path))
    return files


def _entities(path: Path) -> dict[str, str | None]:
    from ictaltrack._extras import require

    mne_bids = require("mne_bids", extra="bids")
    entities = mne_bids.get_entities_from_fname(path.name, on_error="ignore")
    return {key: entities.get(key) for key in ("subject", "session", "task", "run")}


def _location_seizures(events: EventsFile) -> list[dict[str, Any]]:
    """Seizures with a side and region for the localisation scores: the file's
    ``lateralization``/``region`` columns, else what the channel labels say (one side named by
    every sided channel, one region shared by all), else unknown."""
    from ictaltrack.electrodes import channel_table

    seizures = []
    for seizure in events.seizures:
        hemisphere, region = seizure["hemisphere"], seizure["region"]
        if seizure["channels"] and (hemisphere == "unknown" or region == "unknown"):
            table = channel_table(seizure["channels"])
            sides = {h for h in table["hemisphere"] if h in ("left", "right")}
            regions = {r for r in table["region"] if r and r != "unknown"}
            if hemisphere == "unknown" and sides:
                hemisphere = sides.pop() if len(sides) == 1 else "bilateral"
            if region == "unknown" and len(regions) == 1:
                region = regions.pop()
        seizures.append(
            {
                "onset_s": seizure["onset_s"],
                "offset_s": seizure["offset_s"],
                "hemisphere": hemisphere,
                "region": region,
            }
        )
    return sorted(seizures, key=lambda s: (s["onset_s"], s["offset_s"]))


def _localisation_columns(scores: LocalisationScores | None) -> dict[str, Any]:
    if scores is None:
        return {
            "loc_matched": None,
            "hemisphere_accuracy": math.nan,
            "region_accuracy": math.nan,
            "migration_agreement": math.nan,
            "latency_median_s": math.nan,
        }
    return {
        "loc_matched": scores.matched,
        "hemisphere_accuracy": scores.hemisphere_accuracy,
        "region_accuracy": scores.region_accuracy,
        "migration_agreement": scores.migration_agreement,
        "latency_median_s": scores.latency_median_s,
    }


def _pooled_localisation(scores: Sequence[LocalisationScores]) -> dict[str, Any]:
    def fraction(hits: int, total: int) -> float:
        return hits / total if total else math.nan

    latencies = [x for s in scores for x in s.latencies_s]
    return {
        "recordings": len(scores),
        "loc_matched": sum(s.matched for s in scores),
        "hemisphere_accuracy": fraction(
            sum(s.hemisphere_correct for s in scores), sum(s.hemisphere_known for s in scores)
        ),
        "region_accuracy": fraction(
            sum(s.region_correct for s in scores), sum(s.region_known for s in scores)
        ),
        "migration_agreement": fraction(
            sum(s.migration_agreeing for s in scores), sum(s.migration_pairs for s in scores)
        ),
        "latency_median_s": float(np.median(latencies)) if latencies else math.nan,
    }


def evaluate_dataset(
    reference: str | os.PathLike[str], hypothesis: str | os.PathLike[str]
) -> DatasetEvaluation:
    """Score a folder of SzCORE hypothesis files against a folder of reference files.

    Parameters
    ----------
    reference : str or path-like
        A BIDS dataset (or any folder) whose ``sub-*/**/*_events.tsv`` files are the reference.
    hypothesis : str or path-like
        A folder with the same layout (``ictaltrack batch ROOT`` writes one under
        ``ROOT/derivatives/ictaltrack``); the hypothesis of a reference file is the file at the
        same relative path. A missing or unreadable hypothesis file counts as no detections, as
        in szcore-evaluation; the table says so in ``hypothesis_status``.

    Returns
    -------
    DatasetEvaluation

    Raises
    ------
    ictaltrack.IoError
        A folder that does not exist, or a reference without any ``sub-*/**/*_events.tsv``.
    ictaltrack.FormatError
        An unreadable reference file.
    """
    import pandas as pd

    reference_root, hypothesis_root = Path(reference), Path(hypothesis)
    for folder, what in ((reference_root, "reference"), (hypothesis_root, "hypothesis")):
        if not folder.is_dir():
            raise io_error(f"{folder}: the {what} folder does not exist", str(folder), 2)
    files = _reference_files(reference_root)
    if not files:
        raise io_error(
            f"{reference_root}: no sub-*/**/*_events.tsv annotation files", str(reference_root), 2
        )
    fs = MASK_RATE_HZ
    rows: list[dict[str, Any]] = []
    per_subject: dict[str, tuple[_Counts, _Counts, list[LocalisationScores]]] = {}
    for subject, path in files:
        truth = read_events_tsv(path)
        reference_mask = annotation_mask(truth, fs)
        hypothesis_path = hypothesis_root / path.relative_to(reference_root)
        status = "ok"
        detected: EventsFile | None = None
        hypothesis_mask = np.zeros_like(reference_mask)
        if not hypothesis_path.is_file():
            status = "missing"
        else:
            try:
                detected = read_events_tsv(hypothesis_path)
            except FormatError:
                status = "unreadable"
            else:
                mask = annotation_mask(detected, fs)
                if len(mask) != len(reference_mask):
                    status = "length mismatch"
                else:
                    hypothesis_mask = mask
        sample, event = _score_masks(reference_mask, hypothesis_mask, fs)
        localisation = None
        if truth.has_location:
            localisation = _localisation(
                _location_seizures(truth),
                _location_seizures(detected) if detected is not None and status == "ok" else [],
                max(len(reference_mask) / fs, 1e-9),
                EventScoringParameters(),
            )
        sums = per_subject.setdefault(subject, (_Counts(), _Counts(), []))
        sums[0].add(sample)
        sums[1].add(event)
        if localisation is not None:
            sums[2].append(localisation)
        entities = _entities(path)
        rows.append(
            {
                "subject": entities["subject"] or subject.removeprefix("sub-"),
                "session": entities["session"],
                "task": entities["task"],
                "run": entities["run"],
                "reference": str(path),
                "hypothesis": str(hypothesis_path),
                "hypothesis_status": status,
                "duration_s": len(reference_mask) / fs,
                **_count_columns(sample, event),
                **_localisation_columns(localisation),
            }
        )

    subject_rows = []
    subject_metrics: dict[str, list[dict[str, float]]] = {"sample": [], "event": []}
    total_sample, total_event = _Counts(), _Counts()
    for subject, (sample, event, localisations) in per_subject.items():
        subject_metrics["sample"].append(sample.metrics())
        subject_metrics["event"].append(event.metrics())
        total_sample.add(sample)
        total_event.add(event)
        pooled = _pooled_localisation(localisations) if localisations else None
        subject_rows.append(
            {
                "subject": subject.removeprefix("sub-"),
                "duration_s": sample.samples / fs,
                **_count_columns(sample, event),
                **(
                    _localisation_columns(None)
                    if pooled is None
                    else {k: v for k, v in pooled.items() if k != "recordings"}
                ),
            }
        )
    overall: dict[str, Any] = {"subjects": len(per_subject), "recordings": len(rows)}
    for kind, total in (("sample", total_sample), ("event", total_event)):
        values = subject_metrics[kind]
        with warnings.catch_warnings():
            # np.nanmean/nanstd of a metric undefined for every subject is NaN (with a warning).
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = {m: float(np.nanmean([v[m] for v in values])) for m in values[0]}
            std = {m: float(np.nanstd([v[m] for v in values])) for m in values[0]}
        overall[kind] = {"mean": mean, "std": std, "pooled": total.metrics()}
    all_localisations = [s for _, _, locs in per_subject.values() for s in locs]
    overall["localisation"] = _pooled_localisation(all_localisations) if all_localisations else None
    recordings = pd.DataFrame(rows)
    subjects = pd.DataFrame(subject_rows).reindex(columns=recordings.columns)
    return DatasetEvaluation(recordings=recordings, subjects=subjects, overall=overall)


def _count_columns(sample: _Counts, event: _Counts) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for kind, counts in (("sample", sample), ("event", event)):
        columns[f"{kind}_tp"] = counts.tp
        columns[f"{kind}_fp"] = counts.fp
        columns[f"{kind}_ref_true"] = counts.ref_true
        for metric, value in counts.metrics().items():
            columns[f"{kind}_{metric}"] = value
    return columns


def summary_text(evaluation: DatasetEvaluation) -> str:
    """The overall scores as a few readable lines (what ``ictaltrack evaluate --reference``
    prints)."""

    def number(value: Any) -> str:
        return "n/a" if value is None or not math.isfinite(value) else f"{value:.3f}"

    overall = evaluation.overall
    lines = [
        f"Scorer: {SCORER_NAME}",
        f"{overall['recordings']} recordings of {overall['subjects']} subjects; "
        f"{int((evaluation.recordings['hypothesis_status'] != 'ok').sum())} without a usable "
        "hypothesis file (scored as no detections)",
    ]
    for kind in ("event", "sample"):
        mean, std, pooled = (overall[kind][s] for s in ("mean", "std", "pooled"))
        lines.append(
            f"{kind:<6} (mean +- std over subjects): "
            + ", ".join(
                f"{name} {number(mean[name])} +- {number(std[name])}"
                for name in ("sensitivity", "precision", "f1", "fp_per_24h")
            )
        )
        lines.append(
            f"{kind:<6} (pooled over the dataset):   "
            + ", ".join(
                f"{name} {number(pooled[name])}"
                for name in ("sensitivity", "precision", "f1", "fp_per_24h")
            )
        )
    localisation = overall.get("localisation")
    if localisation:
        lines.append(
            f"localisation ({localisation['recordings']} recordings with located reference "
            f"events, {localisation['loc_matched']} matched seizures): hemisphere accuracy "
            f"{number(localisation['hemisphere_accuracy'])}, region accuracy "
            f"{number(localisation['region_accuracy'])}, migration agreement "
            f"{number(localisation['migration_agreement'])}, median onset latency "
            f"{number(localisation['latency_median_s'])} s"
        )
    return "\n".join(lines)
