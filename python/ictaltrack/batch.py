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

import json
import math
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

from ictaltrack import __version__
from ictaltrack._atomic import write_text
from ictaltrack._extras import require
from ictaltrack.batch_tables import (
    RECORDING_TABLE_COLUMNS,
    SEIZURE_TABLE_COLUMNS,
    TRANSITION_TABLE_COLUMNS,
    BatchResult,
    cohort_summary,
    cohort_text,
    combined_tables,
    recording_row,
    recording_tables,
    write_table,
)
from ictaltrack.corpus import (
    RECORDING_EXTENSIONS,
    find_recordings,
    input_fingerprint,
    parameters_hash,
    result_stem,
)
from ictaltrack.detection import detect
from ictaltrack.errors import public_name
from ictaltrack.progress import ProgressBar
from ictaltrack.result import DetectionResult

__all__ = [
    "BatchResult",
    "RECORDING_EXTENSIONS",
    "RECORDING_TABLE_COLUMNS",
    "SEIZURE_TABLE_COLUMNS",
    "TRANSITION_TABLE_COLUMNS",
    "cohort_summary",
    "cohort_text",
    "find_recordings",
    "parameters_hash",
    "run",
]

#: Error types that come from the input itself: such a failure is final while the input and the
#: parameters are unchanged (a rerun skips it). Any other failure (a crashed worker, a lost
#: connection, an internal error) is retried by the next run.
FINAL_ERRORS = ("FormatError", "IoError", "UnsupportedError")

STATUS_SUFFIX = ".status.json"
RESULT_SUFFIX = ".json"


# ---------------------------------------------------------------------------------------------
# The task (runs on a Dask worker)
# ---------------------------------------------------------------------------------------------


def _detect_task(
    path: str, params: dict[str, Any], criteria: dict[str, Any] | None, sidecars: bool = False
) -> dict[str, Any]:
    """Detect one recording; every exception becomes a failure record, so one broken file
    never fails the batch. Returns the detect JSON text (small), not the result object.

    ``sidecars``: a BIDS recording with a ``*_channels.tsv``, read through mne-bids so that its
    channel types and bad channels reach the detector (an MNE Raw: the whole recording is held
    in memory as float32, 4 bytes per sample and channel); other files are streamed."""
    started = time.perf_counter()
    try:
        source: Any = path
        if sidecars:
            from ictaltrack.bids import read_bids_raw

            source = read_bids_raw(path)
        result = detect(source, criteria=criteria, **params)
        outcome: dict[str, Any] = {
            "status": "ok",
            "json": result.to_json(),
            "n_seizures": len(result),
        }
    except Exception as error:  # noqa: BLE001 - recorded in the failure table
        outcome = {
            "status": "failed",
            "error_type": public_name(error),
            "error_message": str(error),
        }
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
    """Counts finished recordings and shows them on the package's :class:`ProgressBar`:
    ``batch [####....]  30% 37/120 files, 2 failed | 55 seizures | 0.8 files/s | ETA 1m44s``
    (stderr), redrawn after every finished recording."""

    def __init__(self, total: int, skipped: int, stream: Any) -> None:
        self.total = total
        self.done = skipped
        self.skipped = skipped
        self.failed = 0
        self.seizures = 0
        self.started = time.monotonic()
        self.bar = ProgressBar("batch", stream=stream, width=24)
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
        rate_text = f"{rate:.2f} files/s" if math.isfinite(rate) else "- files/s"
        self.bar.show(
            self.done / max(1, self.total),
            f"{self.done}/{self.total} files, {self.failed} failed | "
            f"{self.seizures} seizures | {rate_text} | "
            f"ETA {_duration_text(remaining) if self.done < self.total else '0m00s'}",
        )

    def close(self) -> None:
        self.bar.close()


class _Plan(NamedTuple):
    """One recording of a batch: where its outputs go and whether it must be computed."""

    path: Path
    result_path: Path
    status_path: Path
    fingerprint: dict[str, Any] | None  # None when the file could not be read (stat_error)
    up_to_date: bool
    stat_error: str | None
    # For a recording of a BIDS dataset: (BidsRecording, derivative root); None otherwise.
    bids: tuple[Any, Path] | None = None


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_up_to_date(
    status: dict[str, Any] | None,
    fingerprint: dict[str, Any],
    result_path: Path,
    retry_failed: bool,
) -> bool:
    if not status or status.get("fingerprint") != fingerprint:
        return False
    if status.get("status") == "ok":
        return result_path.is_file()
    return (
        status.get("status") == "failed"
        and not retry_failed
        and status.get("error_type") in FINAL_ERRORS
    )


# ---------------------------------------------------------------------------------------------
# Running a batch
# ---------------------------------------------------------------------------------------------


def _import_dask() -> Any:
    distributed = require("distributed", extra="batch")
    require("pyarrow", extra="batch")  # pandas writes the Parquet tables through it
    return distributed


def _check_params(params: Mapping[str, Any]) -> None:
    """Unknown parameter names would fail every task: refuse them before starting."""
    from ictaltrack.detection import detector_defaults

    known = detector_defaults()
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(
            f"unknown detector parameter(s): {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )


def run(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str],
    params: Mapping[str, Any] | None = None,
    criteria: Mapping[str, Any] | None = None,
    client: Any = None,
    n_workers: int | None = None,
    retry_failed: bool = False,
    progress: bool | None = None,
    on_recording: Callable[[dict[str, Any]], None] | None = None,
    derivatives: str | os.PathLike[str] | None = None,
) -> BatchResult:
    """Detect seizures and track migration in every EDF/BDF recording, one Dask task each.

    Parameters
    ----------
    paths : str, path-like or iterable of them
        Files, folders (searched recursively) and glob patterns (:func:`find_recordings`). The
        workers open the files by these absolute paths: on a remote cluster they must see the
        same file system. A folder with ``dataset_description.json`` is a BIDS dataset: its
        ``sub-*/[ses-*/]eeg/*_eeg.edf|bdf`` recordings are found with mne-bids, their subject,
        session, task and run fill those columns, a ``*_channels.tsv`` gives channel types and
        bad channels, and an SzCORE ``*_events.tsv`` per recording is written to the
        derivative (``docs/datasets.md``; needs the ``bids`` extra).
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
    derivatives : str or path-like, optional
        Where the SzCORE hypothesis files of a BIDS input go (default
        ``ROOT/derivatives/ictaltrack``); only with a single BIDS dataset among the inputs.

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
    recordings, bids_recordings = _expand_inputs(paths, derivatives)
    out = Path(out_dir)
    results_dir = out / "recordings"
    results_dir.mkdir(parents=True, exist_ok=True)
    show = sys.stderr.isatty() if progress is None else progress
    params_digest = parameters_hash(params, criteria)

    # Plan: which recordings are up to date (their fingerprint is checked before any work).
    plans: list[_Plan] = []
    for path in recordings:
        stem = result_stem(path)
        result_path = results_dir / (stem + RESULT_SUFFIX)
        status_path = results_dir / (stem + STATUS_SUFFIX)
        bids = bids_recordings.get(path)
        try:
            fingerprint = input_fingerprint(path, params_digest)
            if bids is not None and bids[0].channels_tsv is not None:
                # A changed channels.tsv (another bad channel) changes the result.
                sidecar = input_fingerprint(bids[0].channels_tsv, params_digest)
                fingerprint["channels_tsv"] = [sidecar["size_bytes"], sidecar["mtime_ns"]]
        except OSError as error:
            plans.append(_Plan(path, result_path, status_path, None, False, str(error), bids))
            continue
        up_to_date = _is_up_to_date(_read_json(status_path), fingerprint, result_path, retry_failed)
        plans.append(_Plan(path, result_path, status_path, fingerprint, up_to_date, None, bids))
    to_compute = [p for p in plans if p.fingerprint is not None and not p.up_to_date]

    computed: dict[Path, bool] = {}
    dashboard_link = None
    if show and not to_compute:
        print(
            f"ictaltrack batch: all {len(plans)} recordings up to date, nothing to compute",
            file=sys.stderr,
        )
    if to_compute:
        own_cluster = None
        if client is None:
            workers = n_workers or os.cpu_count() or 1
            own_cluster = distributed.LocalCluster(
                n_workers=max(1, min(workers, len(to_compute))),
                threads_per_worker=1,
                processes=True,
            )
            client = distributed.Client(own_cluster)
        try:
            dashboard_link = client.dashboard_link
            if show:
                print(
                    f"ictaltrack batch: {len(to_compute)} of {len(plans)} recordings to "
                    f"compute on {client.scheduler.address}; Dask dashboard: "
                    f"{dashboard_link}",
                    file=sys.stderr,
                )
            bar = (
                _BatchProgress(len(plans), len(plans) - len(to_compute), sys.stderr)
                if show
                else None
            )
            try:
                _compute(
                    distributed, client, to_compute, params, criteria, computed, bar, on_recording
                )
            finally:
                if bar is not None:
                    bar.close()
        finally:
            if own_cluster is not None:
                client.close()
                own_cluster.close()

    return _collect(out, plans, computed, dashboard_link)


def _compute(
    distributed: Any,
    client: Any,
    to_compute: list[_Plan],
    params: dict[str, Any],
    criteria: dict[str, Any] | None,
    computed: dict[Path, bool],
    bar: _BatchProgress | None,
    on_recording: Callable[[dict[str, Any]], None] | None,
) -> None:
    pending = {}
    for plan in to_compute:
        sidecars = plan.bids is not None and plan.bids[0].channels_tsv is not None
        future = client.submit(
            _detect_task,
            str(plan.path),
            params,
            criteria,
            sidecars,
            key=f"detect-{uuid.uuid4().hex}",
            pure=False,
        )
        pending[future] = plan
    try:
        for future in distributed.as_completed(list(pending)):
            plan = pending.pop(future)
            path, result_path, status_path = plan.path, plan.result_path, plan.status_path
            bids = plan.bids
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - e.g. KilledWorker: the worker crashed
                outcome = {
                    "status": "failed",
                    "error_type": public_name(error),
                    "error_message": str(error),
                    "elapsed_s": None,
                }
            future.release()
            assert plan.fingerprint is not None  # only readable recordings are computed
            _save(path, result_path, status_path, plan.fingerprint, outcome)
            computed[path] = True
            if bar is not None:
                bar.update(
                    failed=outcome["status"] != "ok", seizures=int(outcome.get("n_seizures") or 0)
                )
            if on_recording is not None:
                result = (
                    DetectionResult.from_json(result_path) if outcome["status"] == "ok" else None
                )
                on_recording(
                    recording_row(
                        path,
                        _read_json(status_path),
                        result,
                        result_path,
                        True,
                        bids[0].entities if bids else None,
                    )
                )
    except BaseException:
        # Interrupted (Ctrl-C, a callback): stop the cluster's remaining work for this batch.
        client.cancel(list(pending))
        raise


def _save(
    path: Path,
    result_path: Path,
    status_path: Path,
    fingerprint: dict[str, Any],
    outcome: dict[str, Any],
) -> None:
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
        write_text(result_path, outcome["json"])
        write_text(status_path, json.dumps(status, indent=2) + "\n")
    else:
        write_text(status_path, json.dumps(status, indent=2) + "\n")
        result_path.unlink(missing_ok=True)  # a stale result of an older version of the file


def _collect(
    out: Path, plans: list[_Plan], computed: dict[Path, bool], dashboard_link: str | None
) -> BatchResult:
    """Rebuild the combined tables from the per-recording files of every input."""
    recording_rows, seizure_rows, transition_rows = [], [], []
    derivative_roots: dict[Path, Path] = {}
    for path, result_path, status_path, _, _, stat_error, bids in plans:
        entities = bids[0].entities if bids else None
        status: dict[str, Any] | None
        if stat_error is not None:
            status = {"status": "failed", "error_type": "IoError", "error_message": stat_error}
            row = recording_row(path, status, None, result_path, False, entities)
            if bids is not None:
                # Failed like any other: a hypothesis file of an earlier run must not stay.
                row["hypothesis_tsv"] = _write_hypothesis(bids, None)
                derivative_roots[bids[1]] = bids[0].root
            recording_rows.append(row)
            continue
        status = _read_json(status_path)
        result = None
        if status is not None and status.get("status") == "ok":
            try:
                result = DetectionResult.from_json(result_path)
            except (OSError, ValueError) as error:
                status = dict(
                    status,
                    status="failed",
                    error_type=public_name(error),
                    error_message=f"result unreadable: {error}",
                )
        elif status is None:
            status = {
                "status": "failed",
                "error_type": "Missing",
                "error_message": "no result (the batch was interrupted before it)",
            }
        row = recording_row(path, status, result, result_path, computed.get(path, False), entities)
        if bids is not None:
            row["hypothesis_tsv"] = _write_hypothesis(bids, result)
            derivative_roots[bids[1]] = bids[0].root
        recording_rows.append(row)
        if result is not None:
            seizures, transitions = recording_tables(str(path), result, entities)
            seizure_rows += seizures
            transition_rows += transitions
    for derivative_root, source_root in derivative_roots.items():
        from ictaltrack.bids import write_derivative_description

        write_derivative_description(derivative_root, source_root)

    recordings, seizures, transitions = combined_tables(
        recording_rows, seizure_rows, transition_rows
    )
    cohort = cohort_summary(recordings)
    write_table(seizures, out / "seizures")
    write_table(transitions, out / "transitions")
    write_table(recordings, out / "recordings")
    write_table(cohort.reset_index(), out / "cohort")
    return BatchResult(
        out_dir=out,
        seizures=seizures,
        transitions=transitions,
        recordings=recordings,
        cohort=cohort,
        n_computed=len(computed),
        dashboard_link=dashboard_link,
        computed_files=[str(p) for p in computed],
    )


# ---------------------------------------------------------------------------------------------
# BIDS inputs
# ---------------------------------------------------------------------------------------------


def _expand_inputs(
    paths: Iterable[str | os.PathLike[str]], derivatives: str | os.PathLike[str] | None
) -> tuple[list[Path], dict[Path, tuple[Any, Path]]]:
    """The recordings of the inputs, sorted, and for those of a BIDS dataset their
    ``(BidsRecording, derivative root)``."""
    plain: list[str | os.PathLike[str]] = []
    bids_recordings: dict[Path, tuple[Any, Path]] = {}
    bids_roots = []
    for item in paths:
        folder = Path(item).expanduser()
        if folder.is_dir() and (folder / "dataset_description.json").is_file():
            bids_roots.append(Path(os.path.abspath(folder)))
        else:
            plain.append(item)
    if derivatives is not None and len(bids_roots) != 1:
        raise ValueError(
            "a derivatives folder needs exactly one BIDS dataset among the inputs "
            f"({len(bids_roots)} given)"
        )
    if bids_roots:
        from ictaltrack.bids import DERIVATIVE_NAME, find_bids_recordings

        for root in bids_roots:
            target = (
                Path(derivatives).expanduser().resolve()
                if derivatives is not None
                else root / "derivatives" / DERIVATIVE_NAME
            )
            found = find_bids_recordings(root)
            if not found:
                raise ValueError(f"{root}: a BIDS dataset without sub-*/[ses-*/]eeg/*_eeg.edf|bdf")
            for recording in found:
                bids_recordings[recording.path] = (recording, target)
    recordings = set(find_recordings(plain)) if plain else set()
    recordings.update(bids_recordings)
    return sorted(recordings), bids_recordings


def _write_hypothesis(bids: tuple[Any, Path], result: DetectionResult | None) -> str | None:
    """The recording's SzCORE hypothesis file, rewritten from its result at every run (so a
    deleted derivative is restored by a rerun); a failed recording's stale file is removed, and
    the SzCORE scorer then counts it as no detections (the recordings table says it failed)."""
    from ictaltrack.bids import hypothesis_path
    from ictaltrack.szcore import hypothesis_table, write_events_tsv

    recording, derivative_root = bids
    target = hypothesis_path(recording, derivative_root)
    if result is None:
        target.unlink(missing_ok=True)
        return None
    write_events_tsv(target, hypothesis_table(result))
    return str(target)
