"""The tables of a batch: per-recording rows, the combined seizures/transitions/recordings
tables, their stable column types and the cohort summary (``docs/batch.md``).

Seizures are numbered from 1 in onset order within their recording (column ``seizure``, as in
the detect CSV); ``from``/``to`` of the transitions table are those numbers. All times are
seconds (``_s``) or hours (``_h``); rates are per hour of recording.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ictaltrack._atomic import atomic_output
from ictaltrack.export import CSV_COLUMNS
from ictaltrack.result import TRANSITION_COLUMNS, DetectionResult

if TYPE_CHECKING:  # pandas is imported where a table is built: `import ictaltrack` stays fast
    import pandas as pd

__all__ = [
    "BatchResult",
    "RECORDING_TABLE_COLUMNS",
    "SEIZURE_TABLE_COLUMNS",
    "TRANSITION_TABLE_COLUMNS",
    "cohort_summary",
    "cohort_text",
]

# The BIDS entities kept as columns of every batch and evaluation table (empty for recordings
# outside a BIDS dataset); defined here, where the tables are, and used by ictaltrack.bids.
ENTITY_COLUMNS = ["subject", "session", "task", "run"]

# The combined tables are the per-recording tables of `ictaltrack detect --csv` with the file and
# its BIDS entities in front (and, for transitions, the sides and regions of both seizures behind).
SEIZURE_TABLE_COLUMNS = ["file", *ENTITY_COLUMNS, *CSV_COLUMNS]
TRANSITION_TABLE_COLUMNS = [
    "file",
    *ENTITY_COLUMNS,
    *TRANSITION_COLUMNS,
    "from_hemisphere",
    "to_hemisphere",
    "from_region",
    "to_region",
]
RECORDING_TABLE_COLUMNS = [
    "file",
    *ENTITY_COLUMNS,
    "status",
    "error_type",
    "error_message",
    "computed",
    "duration_s",
    "analysed_s",
    "start_time",
    "n_channels",
    "n_bad_channels",
    "n_seizures",
    "seizures_per_hour",
    "n_left",
    "n_right",
    "n_transitions",
    "n_sided_pairs",
    "n_hemisphere_switches",
    "hemisphere_switch_rate",
    "n_overlapping_pairs",
    "n_distinct_regions",
    "migrating",
    "n_warnings",
    "elapsed_s",
    "computed_at",
    "size_bytes",
    "mtime_ns",
    "params_hash",
    "result_json",
    "hypothesis_tsv",
]


@dataclass
class BatchResult:
    """What a batch produced (also on disk under :attr:`out_dir`, see ``docs/batch.md``).

    Attributes
    ----------
    out_dir : pathlib.Path
        The results folder.
    seizures : pandas.DataFrame
        One row per seizure of every recording that succeeded (columns
        :data:`SEIZURE_TABLE_COLUMNS`: ``file``, ``seizure`` (1-based, onset order),
        ``onset_s``, ``offset_s``, ``duration_s``, ``hemisphere``, ``region``,
        ``lateralization_index``, ``confidence``, ``onset_channels`` (space-separated), the
        shift from the previous seizure...).
    transitions : pandas.DataFrame
        One row per consecutive pair of seizures in a recording (``file``, ``from``, ``to``
        (the ``seizure`` numbers of the pair),
        ``shift``, ``interval_s``, ``overlap``, ``distance_deg``, hemispheres and regions).
    recordings : pandas.DataFrame
        One row per recording, failures included (``status`` ok/failed, ``error_type``,
        ``error_message``), with its migration summary and whether this run computed it.
    cohort : pandas.DataFrame
        The cohort summary (:func:`cohort_summary`): one row per metric, column ``value``.
    n_computed : int
        Recordings computed by this run (the others were up to date and reused).
    dashboard_link : str or None
        The Dask dashboard of the cluster that ran the tasks (None when nothing ran).
    """

    out_dir: Path
    seizures: pd.DataFrame
    transitions: pd.DataFrame
    recordings: pd.DataFrame
    cohort: pd.DataFrame
    n_computed: int = 0
    dashboard_link: str | None = None
    computed_files: list[str] = field(default_factory=list)

    @property
    def failures(self) -> pd.DataFrame:
        """The failed recordings: ``file``, ``error_type``, ``error_message``."""
        failed = self.recordings[self.recordings["status"] == "failed"]
        return failed[["file", "error_type", "error_message"]].reset_index(drop=True)


def recording_row(
    path: Path,
    status: dict[str, Any] | None,
    result: DetectionResult | None,
    result_path: Path,
    computed: bool,
    entities: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    status = status or {}
    fingerprint = status.get("fingerprint") or {}
    row: dict[str, Any] = {column: None for column in RECORDING_TABLE_COLUMNS}
    row.update(_entity_cells(entities))
    row.update(
        {
            "file": str(path),
            "status": status.get("status", "failed"),
            "error_type": status.get("error_type"),
            "error_message": status.get("error_message"),
            "computed": computed,
            "elapsed_s": status.get("elapsed_s"),
            "computed_at": status.get("computed_at"),
            "size_bytes": fingerprint.get("size_bytes"),
            "mtime_ns": fingerprint.get("mtime_ns"),
            "params_hash": fingerprint.get("params_hash"),
        }
    )
    if result is not None:
        summary = result.summary
        hours = result.duration_s / 3600.0
        rate = summary.get("hemisphere_switch_rate")
        row.update(
            {
                "duration_s": result.duration_s,
                "analysed_s": result.analysed_s,
                "start_time": result.start_time,
                "n_channels": len(result._channels),
                "n_bad_channels": sum(c["status"] == "bad" for c in result._channels),
                "n_seizures": len(result),
                "seizures_per_hour": len(result) / hours if hours > 0 else math.nan,
                "n_left": summary.get("n_left"),
                "n_right": summary.get("n_right"),
                "n_transitions": summary.get("n_transitions"),
                "n_sided_pairs": summary.get("n_sided_pairs"),
                "n_hemisphere_switches": summary.get("n_hemisphere_switches"),
                "hemisphere_switch_rate": math.nan if rate is None else float(rate),
                "n_overlapping_pairs": summary.get("n_overlapping_pairs"),
                "n_distinct_regions": summary.get("n_distinct_regions"),
                "migrating": bool(summary.get("migrating")),
                "n_warnings": len(result.warnings),
                "result_json": str(result_path),
            }
        )
    return row


def _entity_cells(entities: Mapping[str, Any] | None) -> dict[str, Any]:
    return {column: (entities or {}).get(column) for column in ENTITY_COLUMNS}


def recording_tables(
    file: str, result: DetectionResult, entities: Mapping[str, Any] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    seizures, transitions = [], []
    cells = _entity_cells(entities)
    ordered = result._seizures
    # The detect CSV rows, with table-friendly missing values: the CSV writes "" where the first
    # seizure has no previous one; the tables hold None (text, boolean) or NaN (numbers).
    for row in result.csv_rows():
        first = row["seizure"] == 1
        seizures.append(
            {
                "file": file,
                **cells,
                **row,
                "shift_from_previous": None if first else row["shift_from_previous"],
                "interval_from_previous_s": math.nan if first else row["interval_from_previous_s"],
                "overlaps_previous": None if first else bool(row["overlaps_previous"]),
                "distance_from_previous_deg": (
                    math.nan if first else _nan(row["distance_from_previous_deg"])
                ),
            }
        )
    for t in result._transitions:
        a, b = ordered[t["from"]], ordered[t["to"]]
        transitions.append(
            {
                "file": file,
                **cells,
                "from": t["from"] + 1,  # seizure numbers, as in the seizures table
                "to": t["to"] + 1,
                "shift": t["shift"],
                "interval_s": t["interval_s"],
                "overlap": bool(t["overlap"]),
                "distance_deg": _nan(t["distance_deg"]),
                "from_hemisphere": a["hemisphere"],
                "to_hemisphere": b["hemisphere"],
                "from_region": a["region"],
                "to_region": b["region"],
            }
        )
    return seizures, transitions


def _nan(value: Any) -> float:
    return math.nan if value is None else float(value)


def cohort_summary(recordings: pd.DataFrame) -> pd.DataFrame:
    """The cohort in numbers, from a recordings table (:attr:`BatchResult.recordings`).

    Returns
    -------
    pandas.DataFrame
        Index ``metric``, one float column ``value``: counts of recordings (ok, failed,
        computed by this run), hours analysed, seizures, pooled seizures per hour and the
        per-recording distribution (median, quartiles), the distribution of the hemisphere
        switch rate over recordings where it is defined (count, mean, min, quartiles, max) and
        the migrating recordings (count, fraction of the recordings analysed).
    """
    import pandas as pd

    ok = recordings[recordings["status"] == "ok"]
    hours = float(pd.to_numeric(ok["duration_s"]).sum()) / 3600.0
    seizures = float(pd.to_numeric(ok["n_seizures"]).sum())
    per_hour = pd.to_numeric(ok["seizures_per_hour"]).dropna()
    rates = pd.to_numeric(ok["hemisphere_switch_rate"]).dropna()
    migrating = float(ok["migrating"].astype(bool).sum())

    def quantile(values: pd.Series, q: float) -> float:
        return float(values.quantile(q)) if len(values) else math.nan

    metrics = {
        "recordings": len(recordings),
        "recordings_ok": len(ok),
        "recordings_failed": int((recordings["status"] == "failed").sum()),
        "recordings_computed": int(recordings["computed"].astype(bool).sum()),
        "hours_analysed": hours,
        "seizures": seizures,
        "seizures_per_hour": seizures / hours if hours > 0 else math.nan,
        "seizures_per_hour_median": quantile(per_hour, 0.5),
        "seizures_per_hour_q25": quantile(per_hour, 0.25),
        "seizures_per_hour_q75": quantile(per_hour, 0.75),
        "recordings_with_seizures": int((pd.to_numeric(ok["n_seizures"]) > 0).sum()),
        "switch_rate_recordings": len(rates),
        "switch_rate_mean": float(rates.mean()) if len(rates) else math.nan,
        "switch_rate_min": float(rates.min()) if len(rates) else math.nan,
        "switch_rate_q25": quantile(rates, 0.25),
        "switch_rate_median": quantile(rates, 0.5),
        "switch_rate_q75": quantile(rates, 0.75),
        "switch_rate_max": float(rates.max()) if len(rates) else math.nan,
        "migrating_recordings": migrating,
        "migrating_fraction": migrating / len(ok) if len(ok) else math.nan,
    }
    frame = pd.DataFrame(
        {"value": [float(v) for v in metrics.values()]},
        index=pd.Index(list(metrics), name="metric"),
    )
    return frame


def cohort_text(cohort: pd.DataFrame, failures: pd.DataFrame | None = None) -> str:
    """The cohort summary as a few readable lines (what ``ictaltrack batch`` prints)."""
    v = cohort["value"]

    def number(name: str, digits: int = 2) -> str:
        value = v[name]
        return "n/a" if not math.isfinite(value) else f"{value:.{digits}f}"

    lines = [
        f"recordings: {int(v['recordings'])} ({int(v['recordings_ok'])} ok, "
        f"{int(v['recordings_failed'])} failed; {int(v['recordings_computed'])} computed now, "
        f"the rest reused)",
        f"analysed: {number('hours_analysed')} h, {int(v['seizures'])} seizures in "
        f"{int(v['recordings_with_seizures'])} recordings",
        f"seizures per hour: {number('seizures_per_hour')} pooled; per recording median "
        f"{number('seizures_per_hour_median')} (IQR {number('seizures_per_hour_q25')}-"
        f"{number('seizures_per_hour_q75')})",
        f"hemisphere switch rate ({int(v['switch_rate_recordings'])} recordings with sided "
        f"pairs): mean {number('switch_rate_mean')}, median {number('switch_rate_median')} "
        f"(IQR {number('switch_rate_q25')}-{number('switch_rate_q75')}, range "
        f"{number('switch_rate_min')}-{number('switch_rate_max')})",
        f"migrating recordings: {int(v['migrating_recordings'])} "
        f"({number('migrating_fraction', 2)} of those analysed)",
    ]
    if failures is not None and len(failures):
        counts = failures["error_type"].value_counts()
        lines.append("failures: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    return "\n".join(lines)


def combined_tables(
    recording_rows: list[dict[str, Any]],
    seizure_rows: list[dict[str, Any]],
    transition_rows: list[dict[str, Any]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The recordings, seizures and transitions tables of a batch, with stable column types."""
    import pandas as pd

    recordings = pd.DataFrame(recording_rows, columns=RECORDING_TABLE_COLUMNS)
    seizures = pd.DataFrame(seizure_rows, columns=SEIZURE_TABLE_COLUMNS)
    transitions = pd.DataFrame(transition_rows, columns=TRANSITION_TABLE_COLUMNS)
    recordings = _typed(
        recordings,
        {
            "computed": bool,
            "duration_s": float,
            "analysed_s": float,
            "seizures_per_hour": float,
            "hemisphere_switch_rate": float,
            "elapsed_s": float,
            **{
                c: "Int64"
                for c in (
                    "n_channels",
                    "n_bad_channels",
                    "n_seizures",
                    "n_left",
                    "n_right",
                    "n_transitions",
                    "n_sided_pairs",
                    "n_hemisphere_switches",
                    "n_overlapping_pairs",
                    "n_distinct_regions",
                    "n_warnings",
                    "size_bytes",
                    "mtime_ns",
                )
            },
            "migrating": "boolean",
        },
    )
    seizures = _typed(
        seizures,
        {
            "seizure": "int64",
            "onset_s": float,
            "offset_s": float,
            "duration_s": float,
            "lateralization_index": float,
            "confidence": float,
            "interval_from_previous_s": float,
            "overlaps_previous": "boolean",
            "distance_from_previous_deg": float,
        },
    )
    transitions = _typed(
        transitions,
        {
            "from": "int64",
            "to": "int64",
            "interval_s": float,
            "overlap": bool,
            "distance_deg": float,
        },
    )
    return recordings, seizures, transitions


def write_table(frame: pd.DataFrame, stem: Path) -> None:
    """``stem.parquet`` and ``stem.csv``, each written atomically."""
    with atomic_output(stem.with_suffix(".parquet")) as temporary:
        frame.to_parquet(temporary, index=False)
    with atomic_output(stem.with_suffix(".csv")) as temporary:
        frame.to_csv(temporary, index=False)


def _typed(frame: pd.DataFrame, dtypes: Mapping[str, Any]) -> pd.DataFrame:
    """Stable column types, also for empty tables and all-missing columns (Parquet keeps them)."""
    import pandas as pd

    for column, dtype in dtypes.items():
        values = frame[column]
        if dtype is float:
            frame[column] = pd.to_numeric(values, errors="coerce").astype(np.float64)
        else:
            frame[column] = values.astype(dtype)
    for column in frame.columns:
        if column not in dtypes and frame[column].dtype == object:
            frame[column] = frame[column].astype("string")
    return frame
