"""Batch detection over whole corpora: one task per recording on a Dask cluster.

:func:`run` finds every EDF/BDF recording in the inputs (files, folders searched recursively,
glob patterns), runs :func:`ictaltrack.detect` (detection, localisation, migration tracking) on
each as one Dask task, writes one detect JSON per recording and combined tables (Parquet and CSV)
for the cohort. By default the tasks run on a local ``dask.distributed`` cluster sized to the
machine; pass ``client=`` to run the same job on an existing cluster.

Result layout, resume rules and the failure table are described in ``docs/batch.md``. In short:

- ``OUT/recordings/<name>.<id>.json`` is the detect JSON of one recording (the contract of
  ``ictaltrack detect --json``) and ``OUT/recordings/<name>.<id>.status.json`` records the
  input's fingerprint (size, modification time, parameters hash) and the outcome;
- ``OUT/seizures``, ``OUT/transitions``, ``OUT/recordings`` (``.parquet`` and ``.csv``) and
  ``OUT/cohort.csv`` are rebuilt at the end of every run from the per-recording files;
- a rerun skips every recording whose result exists and whose fingerprint is unchanged;
- every file is written atomically (temporary file + ``os.replace``), so an interrupted batch
  leaves only complete results, and a rerun resumes where it stopped.

Dask, pyarrow and bokeh (the dashboard) are the optional ``batch`` extra
(``pip install ictaltrack[batch]``); they are imported only when a batch runs.

All times are seconds (``_s``) or hours (``_h``); rates are per hour of recording.
"""

from __future__ import annotations

import glob
import hashlib
import json
import math
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is imported where a table is built: `import ictaltrack` stays fast
    import pandas as pd

from ictaltrack import __version__
from ictaltrack.detection import (
    CSV_COLUMNS,
    SCHEMA_VERSION,
    TRANSITION_COLUMNS,
    DetectionResult,
    detect,
    write_atomically,
)
from ictaltrack.errors import IoError

__all__ = [
    "BatchResult",
    "RECORDING_EXTENSIONS",
    "cohort_summary",
    "cohort_text",
    "find_recordings",
    "parameters_hash",
    "run",
]

#: File name endings (case-insensitive) searched for in folders and glob matches.
RECORDING_EXTENSIONS = (".edf", ".bdf")

#: Error types that come from the input itself: such a failure is final while the input and the
#: parameters are unchanged (a rerun skips it). Any other failure (a crashed worker, a lost
#: connection, an internal error) is retried by the next run.
FINAL_ERRORS = ("FormatError", "IoError", "UnsupportedError")

STATUS_SUFFIX = ".status.json"
RESULT_SUFFIX = ".json"

# The combined tables are the per-recording tables of `ictaltrack detect --csv` with the file in
# front (and, for transitions, the sides and regions of both seizures behind).
SEIZURE_TABLE_COLUMNS = ["file", *CSV_COLUMNS]
TRANSITION_TABLE_COLUMNS = [
    "file",
    *TRANSITION_COLUMNS,
    "from_hemisphere",
    "to_hemisphere",
    "from_region",
    "to_region",
]
RECORDING_TABLE_COLUMNS = [
    "file",
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
]


# ---------------------------------------------------------------------------------------------
# Finding recordings, fingerprints
# ---------------------------------------------------------------------------------------------


def _is_recording(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in RECORDING_EXTENSIONS


def find_recordings(inputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every EDF/BDF recording named by ``inputs``, absolute, sorted, without duplicates.

    Parameters
    ----------
    inputs : iterable of str or path-like
        Files (taken whatever their extension: the user named them), folders (searched
        recursively for ``*.edf`` / ``*.bdf``, any case) and glob patterns (``*``, ``?``,
        ``[...]``; ``**`` matches any depth; matched folders are searched recursively too).

    Raises
    ------
    ictaltrack.IoError
        An input that does not exist, or a pattern that matches nothing.
    """
    found: set[Path] = set()
    for item in inputs:
        text = os.fspath(item)
        path = Path(text).expanduser()
        if path.exists():
            candidates = [path]
        elif glob.has_magic(text):
            candidates = [Path(p) for p in glob.glob(os.path.expanduser(text), recursive=True)]
            if not candidates:
                raise IoError(f"{text}: the pattern matches nothing")
        else:
            raise IoError(f"{text}: no such file or folder")
        for candidate in candidates:
            if candidate.is_dir():
                found.update(p for p in candidate.rglob("*") if _is_recording(p))
            elif candidate.is_file() and (candidate == path or _is_recording(candidate)):
                found.add(candidate)
    return sorted(p.resolve() for p in found)


def parameters_hash(params: Mapping[str, Any] | None = None,
                    criteria: Mapping[str, Any] | None = None) -> str:
    """A short hash of everything besides the input that decides a result: detector
    parameters, migration criteria, the ictaltrack version and the JSON schema version."""
    settings = {
        "params": dict(params or {}),
        "criteria": dict(criteria or {}),
        "ictaltrack": __version__,
        "schema": SCHEMA_VERSION,
    }
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _result_stem(path: Path) -> str:
    """``<file name>.<8 hex of the absolute path>``: readable, and unique when two folders
    hold recordings with the same name."""
    digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:8]
    return f"{path.name}.{digest}"


def _fingerprint(path: Path, params_hash: str) -> dict[str, Any]:
    stat = path.stat()
    return {"size_bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns, "params_hash": params_hash}


# ---------------------------------------------------------------------------------------------
# The task (runs on a Dask worker)
# ---------------------------------------------------------------------------------------------


def _detect_task(path: str, params: dict[str, Any], criteria: dict[str, Any] | None
                 ) -> dict[str, Any]:
    """Detect one recording; every exception becomes a failure record, so one broken file
    never fails the batch. Returns the detect JSON text (small), not the result object."""
    started = time.perf_counter()
    try:
        result = detect(path, criteria=criteria, **params)
        outcome: dict[str, Any] = {"status": "ok", "json": result.to_json(),
                                   "n_seizures": len(result)}
    except Exception as error:  # noqa: BLE001 - recorded in the failure table
        outcome = {"status": "failed", "error_type": type(error).__name__,
                   "error_message": str(error)}
    outcome["elapsed_s"] = time.perf_counter() - started
    return outcome


# ---------------------------------------------------------------------------------------------
# Progress bar
# ---------------------------------------------------------------------------------------------


def _duration_text(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


class _BatchProgress:
    """``batch [####....]  37/120 files, 2 failed | 55 seizures | 0.8 files/s | ETA 1m44s``
    on one terminal line (stderr), redrawn after every finished recording."""

    def __init__(self, total: int, skipped: int, stream: Any, width: int = 24) -> None:
        self.total = total
        self.done = skipped
        self.skipped = skipped
        self.failed = 0
        self.seizures = 0
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.draw()

    def update(self, *, failed: bool, seizures: int) -> None:
        self.done += 1
        self.failed += int(failed)
        self.seizures += seizures
        self.draw()

    def draw(self) -> None:
        elapsed = time.monotonic() - self.started
        computed = self.done - self.skipped
        rate = computed / elapsed if elapsed > 0 and computed else math.nan
        remaining = (self.total - self.done) / rate if rate > 0 else math.nan
        filled = self.width * self.done // max(1, self.total)
        rate_text = f"{rate:.2f} files/s" if math.isfinite(rate) else "- files/s"
        self.stream.write(
            f"\rbatch [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
            f"files, {self.failed} failed | {self.seizures} seizures | {rate_text} | "
            f"ETA {_duration_text(remaining) if self.done < self.total else '0m00s'} ")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class BatchResult:
    """What a batch produced (also on disk under :attr:`out_dir`, see ``docs/batch.md``).

    Attributes
    ----------
    out_dir : pathlib.Path
        The results folder.
    seizures : pandas.DataFrame
        One row per seizure of every recording that succeeded (columns
        :data:`SEIZURE_TABLE_COLUMNS`: ``file``, ``seizure`` (0-based, onset order),
        ``onset_s``, ``offset_s``, ``duration_s``, ``hemisphere``, ``region``,
        ``lateralization_index``, ``confidence``, ``onset_channels`` (space-separated), the
        shift from the previous seizure...).
    transitions : pandas.DataFrame
        One row per consecutive pair of seizures in a recording (``file``, ``from``, ``to``,
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


def _recording_rows(path: Path, status: dict[str, Any] | None, result: DetectionResult | None,
                    result_path: Path, computed: bool) -> dict[str, Any]:
    status = status or {}
    fingerprint = status.get("fingerprint") or {}
    row: dict[str, Any] = {column: None for column in RECORDING_TABLE_COLUMNS}
    row.update({
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
    })
    if result is not None:
        summary = result.summary
        hours = result.duration_s / 3600.0
        rate = summary.get("hemisphere_switch_rate")
        row.update({
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
        })
    return row


def _seizure_rows(file: str, result: DetectionResult) -> tuple[list[dict[str, Any]],
                                                             list[dict[str, Any]]]:
    seizures, transitions = [], []
    ordered = result._seizures
    # The detect CSV rows, with table-friendly missing values: the CSV writes "" where the first
    # seizure has no previous one; the tables hold None (text, boolean) or NaN (numbers).
    for row in result.csv_rows():
        first = row["seizure"] == 0
        seizures.append({
            "file": file,
            **row,
            "shift_from_previous": None if first else row["shift_from_previous"],
            "interval_from_previous_s": math.nan if first else row["interval_from_previous_s"],
            "overlaps_previous": None if first else bool(row["overlaps_previous"]),
            "distance_from_previous_deg": (math.nan if first
                                           else _nan(row["distance_from_previous_deg"])),
        })
    for t in result._transitions:
        a, b = ordered[t["from"]], ordered[t["to"]]
        transitions.append({
            "file": file,
            "from": t["from"],
            "to": t["to"],
            "shift": t["shift"],
            "interval_s": t["interval_s"],
            "overlap": bool(t["overlap"]),
            "distance_deg": _nan(t["distance_deg"]),
            "from_hemisphere": a["hemisphere"],
            "to_hemisphere": b["hemisphere"],
            "from_region": a["region"],
            "to_region": b["region"],
        })
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
    frame = pd.DataFrame({"value": [float(v) for v in metrics.values()]},
                         index=pd.Index(list(metrics), name="metric"))
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


def _write_table(frame: pd.DataFrame, stem: Path) -> None:
    """``stem.parquet`` and ``stem.csv``, each through a temporary file and os.replace."""
    for suffix in (".parquet", ".csv"):
        target = stem.with_suffix(suffix)
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            if suffix == ".parquet":
                frame.to_parquet(temporary, index=False)
            else:
                frame.to_csv(temporary, index=False)
            os.replace(temporary, target)
        finally:
            if temporary.exists():
                temporary.unlink()


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_up_to_date(status: dict[str, Any] | None, fingerprint: dict[str, Any],
                   result_path: Path, retry_failed: bool) -> bool:
    if not status or status.get("fingerprint") != fingerprint:
        return False
    if status.get("status") == "ok":
        return result_path.is_file()
    return (status.get("status") == "failed" and not retry_failed
            and status.get("error_type") in FINAL_ERRORS)


# ---------------------------------------------------------------------------------------------
# Running a batch
# ---------------------------------------------------------------------------------------------


def _import_dask() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise ImportError(
            "ictaltrack batch needs Dask: pip install 'ictaltrack[batch]' (dask, distributed, "
            "pyarrow, bokeh)") from error
    try:
        import pyarrow  # noqa: F401 - pandas writes Parquet through it
    except ImportError as error:
        raise ImportError("ictaltrack batch writes Parquet with pyarrow: pip install "
                          "'ictaltrack[batch]'") from error
    return distributed


def _check_params(params: Mapping[str, Any]) -> None:
    """Unknown parameter names would fail every task: refuse them before starting."""
    from ictaltrack.detection import detector_defaults

    known = detector_defaults()
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(f"unknown detector parameter(s): {', '.join(unknown)} "
                         f"(known: {', '.join(sorted(known))})")


def run(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *,
        out_dir: str | os.PathLike[str], params: Mapping[str, Any] | None = None,
        criteria: Mapping[str, Any] | None = None, client: Any = None,
        n_workers: int | None = None, retry_failed: bool = False,
        progress: bool | None = None,
        on_recording: Callable[[dict[str, Any]], None] | None = None) -> BatchResult:
    """Detect seizures and track migration in every EDF/BDF recording, one Dask task each.

    Parameters
    ----------
    paths : str, path-like or iterable of them
        Files, folders (searched recursively) and glob patterns (:func:`find_recordings`). The
        workers open the files by these absolute paths: on a remote cluster they must see the
        same file system.
    out_dir : str or path-like
        Results folder (created if needed); see ``docs/batch.md`` for its layout.
    params : mapping, optional
        Detector parameters (names and defaults: :func:`ictaltrack.detector_defaults`);
        ``n_threads`` is 1 unless given (each worker runs one task on one core).
    criteria : mapping, optional
        Overrides of the ``migrating`` verdict criteria (docs/migration.md).
    client : distributed.Client, optional
        Run on this existing cluster. By default a ``LocalCluster`` is started for the
        batch (one single-threaded worker process per core, at most one per recording to
        compute) and closed at the end.
    n_workers : int, optional
        Workers of the default local cluster (default: the number of CPU cores). Ignored when
        ``client`` is given.
    retry_failed : bool
        Also recompute recordings that failed because of their input (FormatError, IoError,
        UnsupportedError) although they have not changed.
    progress : bool, optional
        Progress bar and the dashboard link on stderr; default: when stderr is a terminal.
    on_recording : callable, optional
        Called with the recording's row of the recordings table (a dict) after each recording
        computed by this run is saved. An exception raised by it (e.g. KeyboardInterrupt)
        stops the batch: tasks not yet finished are cancelled, saved results stay.

    Returns
    -------
    BatchResult
        The combined tables (also written to ``out_dir``) and the cohort summary.

    Raises
    ------
    ictaltrack.IoError
        An input that does not exist or a pattern that matches nothing.
    ValueError
        Unknown detector parameters.
    ImportError
        Dask or pyarrow is not installed (the ``batch`` extra).
    """
    distributed = _import_dask()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    params = dict(params or {})
    # The workers are the parallelism: one detector thread per task unless asked otherwise, so
    # that N workers on N cores do not run N x N threads.
    params.setdefault("n_threads", 1)
    criteria = dict(criteria) if criteria else None
    _check_params(params)
    recordings = find_recordings(paths)
    out = Path(out_dir)
    results_dir = out / "recordings"
    results_dir.mkdir(parents=True, exist_ok=True)
    show = sys.stderr.isatty() if progress is None else progress
    params_digest = parameters_hash(params, criteria)

    # Plan: which recordings are up to date (their fingerprint is checked before any work).
    plans = []
    for path in recordings:
        stem = _result_stem(path)
        result_path = results_dir / (stem + RESULT_SUFFIX)
        status_path = results_dir / (stem + STATUS_SUFFIX)
        try:
            fingerprint = _fingerprint(path, params_digest)
        except OSError as error:
            fingerprint = None
            plans.append((path, result_path, status_path, None, False, str(error)))
            continue
        up_to_date = _is_up_to_date(_read_json(status_path), fingerprint, result_path,
                                    retry_failed)
        plans.append((path, result_path, status_path, fingerprint, up_to_date, None))
    to_compute = [p for p in plans if p[3] is not None and not p[4]]

    computed: dict[Path, bool] = {}
    dashboard_link = None
    if show and not to_compute:
        print(f"ictaltrack batch: all {len(plans)} recordings up to date, nothing to compute",
              file=sys.stderr)
    if to_compute:
        own_cluster = None
        if client is None:
            workers = n_workers or os.cpu_count() or 1
            own_cluster = distributed.LocalCluster(
                n_workers=max(1, min(workers, len(to_compute))), threads_per_worker=1,
                processes=True)
            client = distributed.Client(own_cluster)
        try:
            dashboard_link = client.dashboard_link
            if show:
                print(f"ictaltrack batch: {len(to_compute)} of {len(plans)} recordings to "
                      f"compute on {client.scheduler.address}; Dask dashboard: "
                      f"{dashboard_link}", file=sys.stderr)
            bar = _BatchProgress(len(plans), len(plans) - len(to_compute), sys.stderr) \
                if show else None
            try:
                _compute(distributed, client, to_compute, params, criteria, computed, bar,
                         on_recording)
            finally:
                if bar is not None:
                    bar.close()
        finally:
            if own_cluster is not None:
                client.close()
                own_cluster.close()

    return _collect(out, plans, computed, dashboard_link)


def _compute(distributed: Any, client: Any, to_compute: list[tuple], params: dict[str, Any],
             criteria: dict[str, Any] | None, computed: dict[Path, bool],
             bar: _BatchProgress | None,
             on_recording: Callable[[dict[str, Any]], None] | None) -> None:
    pending = {}
    for plan in to_compute:
        path = plan[0]
        future = client.submit(_detect_task, str(path), params, criteria,
                               key=f"detect-{uuid.uuid4().hex}", pure=False)
        pending[future] = plan
    try:
        for future in distributed.as_completed(list(pending)):
            path, result_path, status_path, fingerprint, _, _ = pending.pop(future)
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - e.g. KilledWorker: the worker crashed
                outcome = {"status": "failed", "error_type": type(error).__name__,
                           "error_message": str(error), "elapsed_s": None}
            future.release()
            _save(path, result_path, status_path, fingerprint, outcome)
            computed[path] = True
            if bar is not None:
                bar.update(failed=outcome["status"] != "ok",
                           seizures=int(outcome.get("n_seizures") or 0))
            if on_recording is not None:
                result = (DetectionResult.from_json(result_path)
                          if outcome["status"] == "ok" else None)
                on_recording(_recording_rows(path, _read_json(status_path), result,
                                             result_path, True))
    except BaseException:
        # Interrupted (Ctrl-C, a callback): stop the cluster's remaining work for this batch.
        client.cancel(list(pending))
        raise


def _save(path: Path, result_path: Path, status_path: Path, fingerprint: dict[str, Any],
          outcome: dict[str, Any]) -> None:
    """The result first, then the status that vouches for it: a status file always describes
    a complete result."""
    status = {
        "file": str(path),
        "status": outcome["status"],
        "error_type": outcome.get("error_type"),
        "error_message": outcome.get("error_message"),
        "fingerprint": fingerprint,
        "elapsed_s": outcome.get("elapsed_s"),
        "computed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "ictaltrack_version": __version__,
        "result": result_path.name if outcome["status"] == "ok" else None,
    }
    if outcome["status"] == "ok":
        write_atomically(result_path, outcome["json"])
        write_atomically(status_path, json.dumps(status, indent=2) + "\n")
    else:
        write_atomically(status_path, json.dumps(status, indent=2) + "\n")
        result_path.unlink(missing_ok=True)  # a stale result of an older version of the file


def _collect(out: Path, plans: list[tuple], computed: dict[Path, bool],
             dashboard_link: str | None) -> BatchResult:
    """Rebuild the combined tables from the per-recording files of every input."""
    recording_rows, seizure_rows, transition_rows = [], [], []
    for path, result_path, status_path, fingerprint, _, stat_error in plans:
        if stat_error is not None:
            status = {"status": "failed", "error_type": "IoError", "error_message": stat_error}
            recording_rows.append(_recording_rows(path, status, None, result_path, False))
            continue
        status = _read_json(status_path)
        result = None
        if status is not None and status.get("status") == "ok":
            try:
                result = DetectionResult.from_json(result_path)
            except (OSError, ValueError) as error:
                status = dict(status, status="failed", error_type=type(error).__name__,
                              error_message=f"result unreadable: {error}")
        elif status is None:
            status = {"status": "failed", "error_type": "Missing",
                      "error_message": "no result (the batch was interrupted before it)"}
        recording_rows.append(_recording_rows(path, status, result, result_path,
                                              computed.get(path, False)))
        if result is not None:
            seizures, transitions = _seizure_rows(str(path), result)
            seizure_rows += seizures
            transition_rows += transitions

    import pandas as pd

    recordings = pd.DataFrame(recording_rows, columns=RECORDING_TABLE_COLUMNS)
    seizures = pd.DataFrame(seizure_rows, columns=SEIZURE_TABLE_COLUMNS)
    transitions = pd.DataFrame(transition_rows, columns=TRANSITION_TABLE_COLUMNS)
    recordings = _typed(recordings, {
        "computed": bool, "duration_s": float, "analysed_s": float, "seizures_per_hour": float,
        "hemisphere_switch_rate": float, "elapsed_s": float,
        **{c: "Int64" for c in ("n_channels", "n_bad_channels", "n_seizures", "n_left",
                                "n_right", "n_transitions", "n_sided_pairs",
                                "n_hemisphere_switches", "n_overlapping_pairs",
                                "n_distinct_regions", "n_warnings", "size_bytes",
                                "mtime_ns")},
        "migrating": "boolean",
    })
    seizures = _typed(seizures, {"seizure": "int64", "onset_s": float, "offset_s": float,
                                 "duration_s": float, "lateralization_index": float,
                                 "confidence": float, "interval_from_previous_s": float,
                                 "overlaps_previous": "boolean",
                                 "distance_from_previous_deg": float})
    transitions = _typed(transitions, {"from": "int64", "to": "int64", "interval_s": float,
                                       "overlap": bool, "distance_deg": float})
    cohort = cohort_summary(recordings)
    _write_table(seizures, out / "seizures")
    _write_table(transitions, out / "transitions")
    _write_table(recordings, out / "recordings")
    _write_table(cohort.reset_index(), out / "cohort")
    return BatchResult(out_dir=out, seizures=seizures, transitions=transitions,
                       recordings=recordings, cohort=cohort, n_computed=len(computed),
                       dashboard_link=dashboard_link,
                       computed_files=[str(p) for p in computed])


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
