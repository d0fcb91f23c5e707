"""``ictaltrack.batch`` / ``ictaltrack batch``: a corpus of simulated and broken recordings on a
local Dask cluster with 2 workers, checked against ``ictaltrack.detect`` run file by file;
reruns that recompute nothing; an interrupted batch that resumes.

One cluster (2 single-threaded worker processes) serves the whole module: starting one costs
seconds. The oracle is ``ictaltrack.detect`` run in this process on each file.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ictaltrack
from ictaltrack import batch

distributed = pytest.importorskip("distributed")

GOOD = [  # (relative path, duration s, seed, file type); 2 simulated seizures each
    ("night1/a.edf", 180, 1, "edf"),
    ("night1/b.edf", 240, 2, "edf"),
    ("night1/c.EDF", 180, 3, "edf"),
    ("night2/a.edf", 240, 4, "edf"),  # same name as night1/a.edf, another folder
    ("night2/d.bdf", 180, 5, "bdf"),
    ("night2/deep/e.edf", 240, 6, "edf"),
    ("f.edf", 180, 7, "edf"),
    ("g.edf", 240, 8, "edf"),
    ("h.edf", 180, 9, "edf"),
]
# Data cut short (read leniently, with a warning), random bytes, an empty file, a header cut short.
BROKEN = [
    "broken/truncated.edf",
    "broken/garbage.edf",
    "broken/empty.edf",
    "broken/header_only.edf",
]
N_RECORDINGS = len(GOOD) + len(BROKEN)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """13 recordings (9 simulated, 4 broken) plus files that are not recordings."""
    root = tmp_path_factory.mktemp("corpus")
    for relative, duration, seed, file_type in GOOD:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        ictaltrack.simulate(
            path,
            duration_s=duration,
            seed=seed,
            file_type=file_type,
            n_seizures=2,
            seizure_duration_min_s=30,
            seizure_duration_max_s=60,
            json_path=path.with_suffix(".truth.json"),
        )
    (root / "broken").mkdir()
    whole = (root / "f.edf").read_bytes()
    header_bytes = int(whole[184:192].decode())
    # Header complete, data cut in the middle of the second record.
    (root / BROKEN[0]).write_bytes(whole[: header_bytes + (len(whole) - header_bytes) // 40])
    (root / BROKEN[1]).write_bytes(np.random.default_rng(0).bytes(5000))
    (root / BROKEN[2]).write_bytes(b"")
    (root / BROKEN[3]).write_bytes(whole[:200])
    (root / "notes.txt").write_text("not a recording")
    return root


@pytest.fixture(scope="module")
def oracle(corpus):
    """``ictaltrack.detect`` on each recording in this process: a DetectionResult, or the
    exception it raised."""
    expected = {}
    for path in batch.find_recordings([corpus]):
        try:
            expected[str(path)] = ictaltrack.detect(path)
        except ictaltrack.Error as error:
            expected[str(path)] = error
    return expected


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def _result_mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted((out / "recordings").iterdir())}


def _check_against_oracle(result: batch.BatchResult, oracle: dict) -> None:
    recordings = result.recordings.set_index("file")
    assert sorted(recordings.index) == sorted(oracle)
    n_seizures = 0
    hours = 0.0
    migrating = 0
    for file, expected in oracle.items():
        row = recordings.loc[file]
        if isinstance(expected, Exception):
            assert row["status"] == "failed"
            assert row["error_type"] == type(expected).__name__
            assert row["error_message"] == str(expected)
            assert not (result.seizures["file"] == file).any()
            continue
        assert row["status"] == "ok"
        assert pd.isna(row["error_type"])
        # The per-recording JSON is the detect contract of this recording.
        saved = json.loads(Path(row["result_json"]).read_text())
        assert saved == json.loads(expected.to_json())
        seizures = result.seizures[result.seizures["file"] == file].reset_index(drop=True)
        table = expected.seizures
        assert len(seizures) == len(table) == row["n_seizures"]
        # Seizures are numbered from 1 (as in the detect CSV); transitions join on the numbers.
        np.testing.assert_array_equal(seizures["seizure"], np.arange(1, len(table) + 1))
        for column in ("onset_s", "offset_s", "duration_s", "confidence", "lateralization_index"):
            np.testing.assert_allclose(
                seizures[column].to_numpy(float), table[column].to_numpy(float), rtol=0, atol=1e-12
            )
        assert list(seizures["hemisphere"]) == list(table["hemisphere"])
        assert list(seizures["region"]) == list(table["region"])
        assert list(seizures["onset_channels"]) == [" ".join(c) for c in table["onset_channels"]]
        transitions = result.transitions[result.transitions["file"] == file]
        assert list(transitions["from"]) == list(range(1, len(table)))
        assert list(transitions["to"]) == list(range(2, len(table) + 1))
        assert list(transitions["shift"]) == list(expected.transitions["shift"])
        assert list(transitions["overlap"]) == list(expected.transitions["overlap"])
        assert list(seizures["shift_from_previous"].iloc[1:]) == list(expected.transitions["shift"])
        summary = expected.summary
        rate = summary["hemisphere_switch_rate"]
        if rate is None or not math.isfinite(rate):
            assert math.isnan(row["hemisphere_switch_rate"])
        else:
            assert row["hemisphere_switch_rate"] == pytest.approx(rate)
        assert bool(row["migrating"]) == bool(summary["migrating"])
        assert row["duration_s"] == pytest.approx(expected.duration_s)
        assert row["seizures_per_hour"] == pytest.approx(len(expected) * 3600 / expected.duration_s)
        n_seizures += len(expected)
        hours += expected.duration_s / 3600
        migrating += bool(summary["migrating"])

    cohort = result.cohort["value"]
    n_failed = sum(isinstance(e, Exception) for e in oracle.values())
    assert cohort["recordings"] == len(oracle)
    assert cohort["recordings_failed"] == n_failed
    assert cohort["recordings_ok"] == len(oracle) - n_failed
    assert cohort["seizures"] == n_seizures
    assert cohort["hours_analysed"] == pytest.approx(hours)
    assert cohort["seizures_per_hour"] == pytest.approx(n_seizures / hours)
    assert cohort["migrating_recordings"] == migrating
    rates = [
        e.summary["hemisphere_switch_rate"]
        for e in oracle.values()
        if not isinstance(e, Exception)
        and e.summary["hemisphere_switch_rate"] is not None
        and math.isfinite(e.summary["hemisphere_switch_rate"])
    ]
    assert cohort["switch_rate_recordings"] == len(rates)
    if rates:
        assert cohort["switch_rate_median"] == pytest.approx(float(np.median(rates)))

    # The tables on disk hold the same rows (Parquet keeps the types, CSV the values).
    out = result.out_dir
    for name, frame in (
        ("seizures", result.seizures),
        ("transitions", result.transitions),
        ("recordings", result.recordings),
    ):
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), frame)
        from_csv = pd.read_csv(out / f"{name}.csv")
        assert list(from_csv.columns) == list(frame.columns)
        assert len(from_csv) == len(frame)
    assert list(pd.read_csv(out / "recordings.csv")["file"]) == list(result.recordings["file"])
    np.testing.assert_allclose(
        pd.read_csv(out / "cohort.csv")["value"], result.cohort["value"], equal_nan=True
    )


def test_finds_recordings_in_files_folders_and_patterns(corpus):
    everything = batch.find_recordings([corpus])
    assert [p.relative_to(corpus).as_posix() for p in everything] == sorted(
        [g[0] for g in GOOD] + BROKEN
    )
    by_pattern = batch.find_recordings(
        [str(corpus / "night*"), corpus / "f.edf", str(corpus / "**" / "a.edf")]
    )
    assert [p.relative_to(corpus).as_posix() for p in by_pattern] == [
        "f.edf",
        "night1/a.edf",
        "night1/b.edf",
        "night1/c.EDF",
        "night2/a.edf",
        "night2/d.bdf",
        "night2/deep/e.edf",
    ]
    # A file named explicitly is taken whatever its extension (it will fail if it is no EDF).
    assert batch.find_recordings([corpus / "notes.txt"]) == [(corpus / "notes.txt").resolve()]
    with pytest.raises(ictaltrack.IoError, match="no such file"):
        batch.find_recordings([corpus / "missing.edf"])
    with pytest.raises(ictaltrack.IoError, match="matches nothing"):
        batch.find_recordings([str(corpus / "*.xyz")])


def test_parameters_hash_depends_on_parameters_only():
    assert batch.parameters_hash({"a": 1, "b": 2}) == batch.parameters_hash({"b": 2, "a": 1})
    assert batch.parameters_hash({"a": 1}) != batch.parameters_hash({"a": 2})
    assert batch.parameters_hash() != batch.parameters_hash(criteria={"min_switch_rate": 0.5})


def test_unknown_parameter_is_refused_before_any_work(corpus, tmp_path, client):
    with pytest.raises(ValueError, match="no_such_parameter"):
        batch.run([corpus], out_dir=tmp_path, params={"no_such_parameter": 1}, client=client)
    assert not (tmp_path / "recordings").exists()


def test_batch_matches_detect_and_rerun_computes_nothing(corpus, oracle, client, tmp_path):
    assert len(oracle) == N_RECORDINGS
    assert sum(isinstance(e, Exception) for e in oracle.values()) >= 2
    out = tmp_path / "results"
    umask = os.umask(0o027)  # the outputs get the mode this umask gives, not mkstemp's 0600
    try:
        first = batch.run([corpus], out_dir=out, client=client)
    finally:
        os.umask(umask)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) > N_RECORDINGS
    assert {oct(p.stat().st_mode & 0o777) for p in written} == {oct(0o640)}
    assert first.n_computed == N_RECORDINGS
    assert first.recordings["computed"].all()
    _check_against_oracle(first, oracle)
    # One JSON per good recording, one status per recording: nothing else.
    n_ok = sum(not isinstance(e, Exception) for e in oracle.values())
    names = [p.name for p in (out / "recordings").iterdir()]
    assert len([n for n in names if n.endswith(".status.json")]) == N_RECORDINGS
    assert len([n for n in names if not n.endswith(".status.json")]) == n_ok
    assert not [n for n in names if n.endswith(".tmp")]

    before = _result_mtimes(out)
    second = batch.run([corpus], out_dir=out, client=client)
    assert second.n_computed == 0
    assert not second.recordings["computed"].any()
    assert _result_mtimes(out) == before
    for name in ("seizures", "transitions"):
        pd.testing.assert_frame_equal(getattr(second, name), getattr(first, name))
    pd.testing.assert_frame_equal(
        second.recordings.drop(columns="computed"), first.recordings.drop(columns="computed")
    )

    # A changed modification time (same bytes) makes exactly that recording run again.
    touched = corpus / "g.edf"
    stat = touched.stat()
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    try:
        third = batch.run([corpus], out_dir=out, client=client)
        assert third.computed_files == [str(touched.resolve())]
        _check_against_oracle(third, oracle)

        # Failures on their input are final until the input changes, unless asked to retry.
        assert batch.run([corpus], out_dir=out, client=client).n_computed == 0
        retried = batch.run([corpus], out_dir=out, client=client, retry_failed=True)
        assert sorted(retried.computed_files) == sorted(
            f for f, e in oracle.items() if isinstance(e, Exception)
        )
    finally:
        os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_interrupted_batch_resumes_without_recomputing(corpus, oracle, client, tmp_path):
    out = tmp_path / "results"
    finished = []

    def stop_after_four(row):
        finished.append(row["file"])
        if len(finished) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run([corpus], out_dir=out, client=client, on_recording=stop_after_four)
    assert len(finished) == 4
    saved = {json.loads(p.read_text())["file"] for p in (out / "recordings").glob("*.status.json")}
    assert saved == set(finished)
    kept = _result_mtimes(out)

    resumed = []
    result = batch.run(
        [corpus], out_dir=out, client=client, on_recording=lambda row: resumed.append(row["file"])
    )
    assert sorted(resumed) == sorted(set(oracle) - set(finished))
    assert sorted(result.computed_files) == sorted(resumed)
    after = _result_mtimes(out)
    assert all(after[name] == mtime for name, mtime in kept.items())
    _check_against_oracle(result, oracle)


# A Dask preload for the workers of the Ctrl-C test: each finished task holds its worker for
# 0.3 s, so that the batch (tens of ms per task) cannot finish between the first saved result
# and the SIGINT on any machine, and the run is interrupted for certain.
SLOW_WORKER_PRELOAD = """
import time

from distributed import WorkerPlugin


class HoldAfterEachTask(WorkerPlugin):
    def transition(self, key, start, finish, **kwargs):
        if finish == "memory":
            time.sleep(0.3)


async def dask_setup(worker):
    await worker.plugin_add(HoldAfterEachTask(), name="hold-after-each-task")
"""


def test_cli_runs_on_an_existing_cluster_and_resumes_after_ctrl_c(corpus, oracle, tmp_path):
    preload = tmp_path / "hold_after_each_task.py"
    preload.write_text(SLOW_WORKER_PRELOAD)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        preload=[str(preload)],
    ) as cluster:
        _interrupt_and_resume_cli(corpus, oracle, cluster.scheduler_address, tmp_path)


def _interrupt_and_resume_cli(corpus, oracle, scheduler_address: str, tmp_path: Path) -> None:
    out = tmp_path / "cli"
    command = [
        sys.executable,
        "-m",
        "ictaltrack.cli",
        "batch",
        str(corpus),
        "--out",
        str(out),
        "--scheduler",
        scheduler_address,
    ]
    # SIGINT back to its default in the child: a shell starts background jobs with SIGINT
    # ignored, and Python then installs no KeyboardInterrupt handler.
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        # Results arrive at least 0.3 s apart per worker (the preload): stop at the first one.
        if any((out / "recordings").glob("*.status.json")):
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    done = len(list((out / "recordings").glob("*.status.json")))
    assert 1 <= done < N_RECORDINGS

    finished = subprocess.run(command + ["--progress"], capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert "Dask dashboard: http" in finished.stderr
    assert f"{N_RECORDINGS}/{N_RECORDINGS} files" in finished.stderr
    n_failed = sum(isinstance(e, Exception) for e in oracle.values())
    assert (
        f"recordings: {N_RECORDINGS} ({N_RECORDINGS - n_failed} ok, {n_failed} failed; "
        f"{N_RECORDINGS - done} computed now"
    ) in finished.stdout
    recordings = pd.read_parquet(out / "recordings.parquet")
    assert int(recordings["computed"].sum()) == N_RECORDINGS - done
    assert sorted(recordings["file"]) == sorted(oracle)


def test_cli_rejects_missing_input(tmp_path, capsys):
    from ictaltrack import cli

    assert "batch" in cli.COMMANDS
    code = cli.main(["batch", str(tmp_path / "nothing_here"), "--out", str(tmp_path / "o")])
    assert code == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_missing_dask_is_a_clear_error(corpus, tmp_path, monkeypatch, capsys):
    from ictaltrack import cli

    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    with pytest.raises(ImportError, match=r"ictaltrack\[batch\]"):
        batch.run([corpus], out_dir=tmp_path)
    assert cli.main(["batch", str(corpus), "--out", str(tmp_path)]) == 2
    assert "pip install 'ictaltrack[batch]'" in capsys.readouterr().err
