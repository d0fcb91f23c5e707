"""Export of a :class:`~ictaltrack.result.DetectionResult`: the detect JSON, the CSV table, EDF+
annotations, MNE annotations and the plain-text table and summary the command line prints.

The contracts are in ``docs/output-format.md`` (JSON Schema ``docs/detect.schema.json``).
Seizures are numbered from 1 in onset order everywhere a number is shown (CSV ``seizure``
column, annotation texts, plot titles and file names), as in the simulator's truth; the JSON's
transitions give ``from``/``to`` as 0-based positions in its ``seizures`` array.
Every file is written atomically (:mod:`ictaltrack._atomic`). All times are seconds from the
first sample of the recording.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ictaltrack._atomic import write_text
from ictaltrack._extras import require

if TYPE_CHECKING:
    import mne

    from ictaltrack.result import DetectionResult

__all__ = [
    "CSV_COLUMNS",
    "SCHEMA_VERSION",
    "annotation_texts",
    "csv_rows",
    "seizure_table_text",
    "summary_text",
    "to_csv",
    "to_dict",
    "to_json",
    "to_mne_annotations",
    "write_annotations",
]

#: Version of the detect JSON contract (docs/detect.schema.json).
SCHEMA_VERSION = "1.1"

CSV_COLUMNS = [
    "seizure",
    "onset_s",
    "offset_s",
    "duration_s",
    "hemisphere",
    "region",
    "lateralization_index",
    "confidence",
    "onset_channels",
    "shift_from_previous",
    "interval_from_previous_s",
    "overlaps_previous",
    "distance_from_previous_deg",
]


def _json_value(value: Any) -> Any:
    """NaN and infinities become None (JSON has no NaN); numpy scalars become Python ones."""
    numpy = sys.modules.get("numpy")  # NumPy scalars exist only once NumPy is loaded
    if numpy is not None and isinstance(value, numpy.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def seizure_record(seizure: Mapping[str, Any]) -> dict[str, Any]:
    """One seizure of the detect JSON (NaN as None) from a seizure of a result (the form
    :func:`ictaltrack.result.seizure_from_dict` gives); ``ictaltrack follow`` prints the same
    record for each seizure as it ends."""
    return _json_value(
        {
            "onset_s": seizure["onset_s"],
            "offset_s": seizure["offset_s"],
            "onset_channels": list(seizure["onset_channels"]),
            "region": seizure["region"],
            "hemisphere": seizure["hemisphere"],
            "lateralization_index": seizure["lateralization_index"],
            "confidence": seizure["confidence"],
            "channel_onsets": dict(seizure["channel_onsets"]),
        }
    )


def to_dict(result: DetectionResult) -> dict[str, Any]:
    """The detect JSON contract as a dict (NaN as None); see docs/output-format.md."""
    seizures = [seizure_record(s) for s in result._seizures]
    return _json_value(
        {
            "schema_version": SCHEMA_VERSION,
            "file": result.file,
            "duration_s": result.duration_s,
            "analysed_s": result.analysed_s,
            "gaps": [{"onset_s": onset, "duration_s": duration} for onset, duration in result.gaps],
            "start_time": result.start_time,
            "channels": result._channels,
            "seizures": seizures,
            "transitions": result._transitions,
            "summary": result.summary,
            "warnings": [warning.to_dict() for warning in result.warnings],
        }
    )


def csv_rows(result: DetectionResult) -> list[dict[str, Any]]:
    """One dict per seizure with the CSV columns (docs/output-format.md)."""
    rows = []
    for k, s in enumerate(result._seizures):
        previous = result._transitions[k - 1] if k > 0 else None
        rows.append(
            {
                "seizure": k + 1,
                "onset_s": s["onset_s"],
                "offset_s": s["offset_s"],
                "duration_s": s["offset_s"] - s["onset_s"],
                "hemisphere": s["hemisphere"],
                "region": s["region"],
                "lateralization_index": s["lateralization_index"],
                "confidence": s["confidence"],
                "onset_channels": " ".join(s["onset_channels"]),
                "shift_from_previous": previous["shift"] if previous else "",
                "interval_from_previous_s": previous["interval_s"] if previous else "",
                "overlaps_previous": previous["overlap"] if previous else "",
                "distance_from_previous_deg": previous["distance_deg"] if previous else "",
            }
        )
    return rows


def to_json(
    result: DetectionResult, path: str | os.PathLike[str] | None = None, *, indent: int = 2
) -> str:
    """The detect JSON text; also written (atomically) to ``path`` when given."""
    text = json.dumps(to_dict(result), indent=indent, allow_nan=False) + "\n"
    if path is not None:
        write_text(path, text)
    return text


def to_csv(result: DetectionResult, path: str | os.PathLike[str] | None = None) -> str:
    """One row per seizure (columns in docs/output-format.md); NaN as an empty field.

    Returns the CSV text; also written (atomically) to ``path`` when given.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(result):
        writer.writerow(
            {
                k: (
                    ""
                    if isinstance(v, float) and not math.isfinite(v)
                    else str(v).lower()
                    if isinstance(v, bool)
                    else v
                )
                for k, v in row.items()
            }
        )
    text = buffer.getvalue()
    if path is not None:
        write_text(path, text)
    return text


def annotation_texts(result: DetectionResult) -> list[tuple[float, float, str]]:
    """``(onset_s, duration_s, text)`` per seizure, text at most 40 bytes (the EDF+ limit):
    ``"seizure 3 right frontotemporal"`` (plus ``" overlap"`` when it starts before the
    previous one ends)."""
    notes = []
    for k, s in enumerate(result._seizures):
        text = f"seizure {k + 1} {s['hemisphere']} {s['region']}"
        if k > 0 and result._transitions[k - 1]["overlap"]:
            text += " overlap"
        notes.append(
            (
                s["onset_s"],
                s["offset_s"] - s["onset_s"],
                text.encode()[:40].decode("utf-8", "ignore"),
            )
        )
    return notes


def to_mne_annotations(result: DetectionResult) -> mne.Annotations:
    """The seizures as :class:`mne.Annotations` (seconds from the recording start,
    ``orig_time`` = recording start taken as UTC, like ``Recording.to_mne``)."""
    mne = require("mne", extra="mne")

    notes = annotation_texts(result)
    return mne.Annotations(
        onset=[n[0] for n in notes],
        duration=[n[1] for n in notes],
        description=[n[2] for n in notes],
        orig_time=result.start_datetime,
    )


def write_annotations(result: DetectionResult, path: str | os.PathLike[str]) -> None:
    """Write the seizures as EDF+ annotations, atomically, through EdfWriter.

    The file holds the annotations (one per seizure, text from :meth:`annotation_texts`,
    onset and duration in seconds from the recording start), the source's start date-time
    and 1 s data records covering the recording. EdfWriter (like EDFlib) needs at least one
    ordinary signal, so the file carries one flat placeholder signal ``ictaltrack`` at 1 Hz
    (all zeros, no unit): ignore it. EDF viewers overlay the annotations on the source
    (EDFbrowser: File > Import annotations); MNE reads them with ``mne.read_annotations``.
    """
    import numpy as np  # not at module level: `ictaltrack detect` runs without NumPy

    from ictaltrack.edf_writer import write_edf

    start = result.start_datetime or datetime(1985, 1, 1, tzinfo=timezone.utc)
    notes = annotation_texts(result)
    end = max(
        [result.duration_s if math.isfinite(result.duration_s) else 0.0]
        + [onset + duration for onset, duration, _ in notes]
    )
    # One annotation per 1 s record fits in EDFlib: enough records for every seizure.
    n_records = max(1, math.ceil(end), len(notes))
    write_edf(
        path,
        np.zeros((1, n_records)),
        1.0,
        ["ictaltrack"],
        annotations=notes,
        physical_dimension="",
        start=(start.year, start.month, start.day, start.hour, start.minute, start.second),
    )


def seizure_table_text(result: DetectionResult) -> str:
    """Aligned plain-text seizure table (used by the CLI)."""
    if len(result) == 0:
        return "no seizures detected"
    header = (
        f"{'#':>3} {'onset s':>9} {'offset s':>9} {'dur s':>6} {'hemisphere':<10} "
        f"{'region':<15} {'LI':>5} {'conf':>5}  {'shift':<13} onset channels"
    )
    lines = [header]
    for k, s in enumerate(result._seizures):
        shift = result._transitions[k - 1]["shift"] if k else ""
        if k and result._transitions[k - 1]["overlap"]:
            shift += "*"
        li = s["lateralization_index"]
        lines.append(
            f"{k + 1:>3} {s['onset_s']:9.1f} {s['offset_s']:9.1f} "
            f"{s['offset_s'] - s['onset_s']:6.1f} {s['hemisphere']:<10} "
            f"{s['region']:<15} {li if not math.isfinite(li) else round(li, 2):>5} "
            f"{s['confidence']:5.2f}  {shift:<13} {' '.join(s['onset_channels'])}"
        )
    lines.append("(* = starts before the previous seizure ends)")
    return "\n".join(lines)


def summary_text(result: DetectionResult) -> str:
    """The migration summary as a few readable lines."""
    s = result.summary
    rate = s.get("hemisphere_switch_rate")
    rate_text = "undefined" if rate is None or not math.isfinite(rate) else f"{rate:.2f}"
    regions = ", ".join(f"{k} {v}" for k, v in s["seizures_per_region"].items() if v)
    lines = [
        f"seizures: {s['n_seizures']} (left {s['n_left']}, right {s['n_right']}); "
        f"regions: {regions or 'none'}",
        f"hemisphere switch rate: {rate_text} over {s['n_sided_pairs']} pairs; shifts: "
        + ", ".join(f"{k} {v}" for k, v in s["shift_counts"].items()),
        f"overlapping pairs: {s['n_overlapping_pairs']}; both hemispheres host onsets: "
        f"{'yes' if s['bilateral_independent_onsets'] else 'no'}",
        f"migrating: {'YES' if s['migrating'] else 'no'}",
    ]
    lines += [f"  - {reason}" for reason in s["verdict_reasons"]]
    return "\n".join(lines)
