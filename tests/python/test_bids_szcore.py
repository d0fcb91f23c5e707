"""BIDS datasets in, SzCORE annotations out, dataset scores (issue 16, docs/datasets.md).

A simulated BIDS dataset (3 subjects x 2 runs of 3 minutes, plus one subject whose recording is
broken) goes through ``ictaltrack batch`` on a local Dask cluster and ``ictaltrack evaluate
--reference/--hypothesis``. Oracles:

- ``ictaltrack.detect`` run in this process on each recording (what batch writes);
- epilepsy2bids' ``Annotations.loadTsv`` (szcore-evaluation's own reader) on every hypothesis file;
- ``szcore_evaluation.evaluate.evaluate_dataset`` (pinned 0.0.7) on the same folders, and
  ``timescoring`` SampleScoring / EventScoring per recording, on the batch output and on
  seeded random hypotheses made to hit the scorer's edge cases;
- ``ictaltrack.evaluate`` (truth JSON + detect JSON) for the localisation scores, the same
  definitions reached through the other route.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ictaltrack
from ictaltrack import batch, bids, szcore
from ictaltrack.cli import main

distributed = pytest.importorskip("distributed")
pytest.importorskip("mne_bids")
szcore_evaluate = pytest.importorskip("szcore_evaluation.evaluate")
from epilepsy2bids.annotations import Annotations  # noqa: E402  (after the skip above)
from timescoring import scoring as ts_scoring  # noqa: E402
from timescoring.annotations import Annotation  # noqa: E402

SUBJECTS, RUNS, DURATION_S = 3, 2, 180.0
BROKEN = "sub-04/ses-01/eeg/sub-04_ses-01_task-szMonitoring_run-00"
# szcore-evaluation's metric names -> ictaltrack's
METRICS = {
    "sensitivity": "sensitivity",
    "precision": "precision",
    "f1": "f1",
    "fpRate": "fp_per_24h",
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """The simulated BIDS root (SzCORE references beside the EDFs) with a broken sub-04."""
    root = tmp_path_factory.mktemp("bids") / "ds"
    code = main(
        [
            "simulate",
            "--bids",
            str(root),
            "--subjects",
            str(SUBJECTS),
            "--runs",
            str(RUNS),
            "--duration",
            f"{DURATION_S:g}s",
            "--seed",
            "11",
            "--seizures",
            "2",
            "--seizure-duration",
            "30,60",
            "--interval",
            "20,40",
            "-q",
        ]
    )
    assert code == 0
    # sub-04: a recording cut inside its header (FormatError) with a reference annotation.
    broken = root / f"{BROKEN}_eeg.edf"
    broken.parent.mkdir(parents=True)
    source = next(root.glob("sub-01/ses-01/eeg/*run-00_eeg.edf"))
    broken.write_bytes(source.read_bytes()[:200])
    shutil.copy(
        source.with_name(source.name.replace("_eeg.edf", "_events.tsv")),
        root / f"{BROKEN}_events.tsv",
    )
    return root


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


@pytest.fixture(scope="module")
def batch_run(dataset, client, tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    return batch.run([dataset], out_dir=out, client=client)


def _recordings(root: Path) -> list[Path]:
    return sorted(root.glob("sub-*/ses-*/eeg/*_eeg.edf"))


def _szcore_masks(reference: Path, hypothesis: Path | None):
    """szcore-evaluation's own steps for one file (epilepsy2bids reader, 1 Hz masks)."""
    ref = Annotation(Annotations.loadTsv(reference).getMask(1), 1)
    if hypothesis is None or not hypothesis.exists():
        return ref, Annotation(np.zeros_like(ref.mask), 1)
    hyp = Annotation(Annotations.loadTsv(hypothesis).getMask(1), 1)
    if len(hyp.mask) != len(ref.mask):
        hyp = Annotation(np.zeros_like(ref.mask), 1)
    return ref, hyp


def _check_against_szcore(reference: Path, hypothesis: Path, tmp_path: Path) -> dict:
    """ictaltrack's dataset scores equal szcore-evaluation's (both aggregations) and
    timescoring's per recording; returns ictaltrack's JSON."""
    ours = szcore.evaluate_dataset(reference, hypothesis)
    per_subject = szcore_evaluate.evaluate_dataset(reference, hypothesis, tmp_path / "o1.json")
    pooled = szcore_evaluate.evaluate_dataset(
        reference, hypothesis, tmp_path / "o2.json", avg_per_subject=False
    )
    for kind in ("sample", "event"):
        theirs = per_subject[f"{kind}_results"]
        for their_name, our_name in METRICS.items():
            for statistic, suffix in (("mean", ""), ("std", "_std")):
                expected = float(theirs[their_name + suffix])
                got = ours.overall[kind][statistic][our_name]
                assert got == pytest.approx(expected, rel=1e-12, abs=1e-12, nan_ok=True), (
                    kind,
                    their_name + suffix,
                )
            expected = float(pooled[f"{kind}_results"][their_name])
            got = ours.overall[kind]["pooled"][our_name]
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-12, nan_ok=True)
    # Per recording: timescoring on the masks szcore-evaluation builds.
    for row in ours.recordings.to_dict("records"):
        ref, hyp = _szcore_masks(Path(row["reference"]), Path(row["hypothesis"]))
        sample = ts_scoring.SampleScoring(ref, hyp)
        event = ts_scoring.EventScoring(ref, hyp)
        for kind, score in (("sample", sample), ("event", event)):
            assert row[f"{kind}_tp"] == score.tp, (row["reference"], kind)
            assert row[f"{kind}_fp"] == score.fp, (row["reference"], kind)
            assert row[f"{kind}_ref_true"] == score.refTrue, (row["reference"], kind)
            assert row[f"{kind}_f1"] == pytest.approx(score.f1, nan_ok=True)
            assert row[f"{kind}_fp_per_24h"] == pytest.approx(score.fpRate)
    return ours.to_dict()


# ---------------------------------------------------------------------------------------------
# simulate --bids
# ---------------------------------------------------------------------------------------------


def test_simulated_dataset_is_bids_with_szcore_references(dataset):
    recordings = bids.find_bids_recordings(dataset)
    assert len(recordings) == SUBJECTS * RUNS + 1
    assert {r.entities["subject"] for r in recordings} == {"01", "02", "03", "04"}
    assert [r.entities["run"] for r in recordings[:2]] == ["00", "01"]
    assert all(r.entities["task"] == "szMonitoring" and r.channels_tsv is None for r in recordings)
    description = json.loads((dataset / "dataset_description.json").read_text())
    assert description["DatasetType"] == "raw"
    for recording in recordings[: SUBJECTS * RUNS]:
        stem = recording.path.name.removesuffix("_eeg.edf")
        truth = json.loads(
            (
                dataset
                / "derivatives"
                / "simulation"
                / recording.path.parent.relative_to(dataset)
                / f"{stem}_truth.json"
            ).read_text()
        )
        sidecar = json.loads(recording.path.with_name(f"{stem}_eeg.json").read_text())
        assert sidecar["SamplingFrequency"] == truth["sample_rate_hz"] == 256
        info = ictaltrack.read_edf(recording.path).info
        assert info.duration == pytest.approx(DURATION_S)
        # The reference passes szcore-evaluation's reader and says what the truth says.
        events_path = recording.path.with_name(f"{stem}_events.tsv")
        loaded = Annotations.loadTsv(events_path)
        assert [e["eventType"].value for e in loaded.events] == ["sz_foc"] * len(truth["seizures"])
        assert len(truth["seizures"]) == 2
        for event, seizure in zip(loaded.events, truth["seizures"]):
            assert event["onset"] == pytest.approx(seizure["onset_s"], abs=0.005)
            assert event["onset"] + event["duration"] == pytest.approx(
                seizure["offset_s"], abs=0.01
            )
            assert event["recordingDuration"] == DURATION_S
            assert event["channels"] == seizure["focus_electrodes"]
        table = pd.read_csv(events_path, sep="\t")
        assert list(table["lateralization"]) == [s["hemisphere"] for s in truth["seizures"]]
        assert list(table["region"]) == [s["region"] for s in truth["seizures"]]


def test_simulate_cli_refuses_both_or_neither_output(tmp_path, capsys):
    assert main(["simulate", "--duration", "60s", "-q"]) == 2
    assert main(["simulate", str(tmp_path / "a.edf"), "--bids", str(tmp_path / "b"), "-q"]) == 2
    assert "either OUT.edf or --bids" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# batch on BIDS: tables, hypothesis files, failures
# ---------------------------------------------------------------------------------------------


def test_batch_on_bids_writes_entities_and_szcore_hypotheses(dataset, batch_run):
    result = batch_run
    recordings = result.recordings.set_index("file")
    assert len(recordings) == SUBJECTS * RUNS + 1
    derivative = dataset / "derivatives" / "ictaltrack"
    description = json.loads((derivative / "dataset_description.json").read_text())
    assert description["DatasetType"] == "derivative"
    assert description["GeneratedBy"][0]["Name"] == "ictaltrack"
    for path in _recordings(dataset):
        row = recordings.loc[str(path)]
        entities = bids.find_bids_recordings(dataset)
        expected_entities = next(r.entities for r in entities if r.path == path)
        for column in bids.ENTITY_COLUMNS:
            assert row[column] == expected_entities[column]
        hypothesis = (
            derivative
            / path.relative_to(dataset).parent
            / path.name.replace("_eeg.edf", "_events.tsv")
        )
        if BROKEN in str(path):
            assert row["status"] == "failed" and row["error_type"] == "FormatError"
            assert pd.isna(row["hypothesis_tsv"]) and not hypothesis.exists()
            continue
        assert row["status"] == "ok" and row["hypothesis_tsv"] == str(hypothesis)
        detected = ictaltrack.detect(path)
        # The seizures/transitions tables carry the entities too.
        seizures = result.seizures[result.seizures["file"] == str(path)]
        assert len(seizures) == len(detected)
        assert set(seizures["subject"]) <= {expected_entities["subject"]}
        assert set(seizures["run"]) <= {expected_entities["run"]}
        transitions = result.transitions[result.transitions["file"] == str(path)]
        assert set(transitions["session"]) <= {"01"}
        # The hypothesis file is that detection, and passes szcore-evaluation's reader.
        loaded = Annotations.loadTsv(hypothesis)
        table = pd.read_csv(hypothesis, sep="\t")
        assert list(table.columns) == [*szcore.SZCORE_COLUMNS, *szcore.EXTRA_COLUMNS]
        assert len(loaded.getMask(1)) == int(detected.duration_s)
        if len(detected) == 0:
            assert [e["eventType"].value for e in loaded.events] == ["bckg"]
            continue
        assert [e["eventType"].value for e in loaded.events] == ["sz"] * len(detected)
        for event, (_, seizure) in zip(loaded.events, detected.seizures.iterrows()):
            assert event["onset"] == pytest.approx(seizure["onset_s"], abs=0.005)
            assert event["duration"] == pytest.approx(
                seizure["offset_s"] - seizure["onset_s"], abs=0.01
            )
            assert event["channels"] == list(seizure["onset_channels"])
            assert event["confidence"] == pytest.approx(seizure["confidence"], abs=0.005)
            assert event["recordingDuration"] == pytest.approx(detected.duration_s)
        assert list(table["lateralization"]) == list(detected.seizures["hemisphere"])
        assert list(table["region"]) == list(detected.seizures["region"])
    assert result.cohort["value"]["recordings_failed"] == 1


def test_rerun_removes_the_hypothesis_of_a_recording_that_can_no_longer_be_read(
    dataset, client, tmp_path, monkeypatch
):
    """A recording that the dataset still lists but whose file cannot be stat'ed at the rerun
    (deleted between the listing and the look at it) fails with IoError, and its hypothesis file
    of the first run is removed like that of any failed recording: the SzCORE scorer must not
    score the old detections as its own."""
    root = tmp_path / "ds"
    shutil.copytree(dataset, root, ignore=shutil.ignore_patterns("derivatives"))
    for subject in ("sub-02", "sub-03", "sub-04"):
        shutil.rmtree(root / subject)
    lost, kept = _recordings(root)
    out = tmp_path / "results"
    first = batch.run([root], out_dir=out, client=client).recordings.set_index("file")
    hypothesis = Path(first.loc[str(lost), "hypothesis_tsv"])
    assert first.loc[str(lost), "status"] == "ok" and hypothesis.is_file()

    listed = bids.find_bids_recordings(root)  # the listing still has it: then it is gone
    monkeypatch.setattr(bids, "find_bids_recordings", lambda folder: listed)
    lost.unlink()
    second = batch.run([root], out_dir=out, client=client).recordings.set_index("file")
    row = second.loc[str(lost)]
    assert row["status"] == "failed" and row["error_type"] == "IoError"
    assert "No such file" in row["error_message"]
    assert pd.isna(row["hypothesis_tsv"]) and not hypothesis.exists()
    assert second.loc[str(kept), "status"] == "ok"
    assert Path(second.loc[str(kept), "hypothesis_tsv"]).is_file()
    # The scorer sees no hypothesis for it (no detections), as for any failed recording.
    evaluation = szcore.evaluate_dataset(root, root / "derivatives" / "ictaltrack")
    statuses = {
        Path(r["reference"]).name: r["hypothesis_status"]
        for r in evaluation.recordings.to_dict("records")
    }
    assert statuses == {
        lost.name.replace("_eeg.edf", "_events.tsv"): "missing",
        kept.name.replace("_eeg.edf", "_events.tsv"): "ok",
    }


def test_batch_plus_evaluate_give_szcore_evaluation_scores(dataset, batch_run, tmp_path):
    """The done-when test: same event and sample scores as szcore-evaluation on the same
    folders, through the command line."""
    derivative = dataset / "derivatives" / "ictaltrack"
    json_out, csv_out = tmp_path / "scores.json", tmp_path / "scores.csv"
    code = main(
        [
            "evaluate",
            "--reference",
            str(dataset),
            "--hypothesis",
            str(derivative),
            "--json",
            str(json_out),
            "--csv",
            str(csv_out),
            "-q",
        ]
    )
    assert code == 0
    ours = _check_against_szcore(dataset, derivative, tmp_path)
    assert json.loads(json_out.read_text()) == json.loads(json.dumps(ours))
    assert ours["overall"]["subjects"] == SUBJECTS + 1
    statuses = {Path(r["reference"]).name: r["hypothesis_status"] for r in ours["recordings"]}
    assert statuses.pop(Path(BROKEN).name + "_events.tsv") == "missing"
    assert set(statuses.values()) == {"ok"}
    # The simulated seizures are found: a real test of the detector, not only of the scorer.
    assert ours["overall"]["event"]["pooled"]["sensitivity"] > 0.5
    table = pd.read_csv(csv_out, dtype={"subject": str, "run": str})
    assert list(table["level"].value_counts().sort_index().items()) == [
        ("overall mean", 1),
        ("overall pooled", 1),
        ("overall std", 1),
        ("recording", SUBJECTS * RUNS + 1),
        ("subject", SUBJECTS + 1),
    ]
    recordings = table[table["level"] == "recording"].reset_index(drop=True)
    assert list(recordings["event_tp"]) == [r["event_tp"] for r in ours["recordings"]]


def test_localisation_scores_equal_the_single_recording_route(dataset, batch_run):
    """Reference events carry a side and channels: the dataset localisation scores of each
    recording equal ``ictaltrack.evaluate(truth JSON, detect JSON)`` (times rounded to 10 ms in
    the files, so latencies within 10 ms)."""
    evaluation = szcore.evaluate_dataset(dataset, dataset / "derivatives" / "ictaltrack")
    rows = evaluation.recordings.set_index("reference")
    checked = 0
    for recording in batch_run.recordings.to_dict("records"):
        if recording["status"] != "ok":
            continue
        path = Path(recording["file"])
        stem = path.name.removesuffix("_eeg.edf")
        truth = (
            dataset
            / "derivatives"
            / "simulation"
            / path.parent.relative_to(dataset)
            / f"{stem}_truth.json"
        )
        single = ictaltrack.evaluate(truth, recording["result_json"]).localisation
        row = rows.loc[str(path.with_name(f"{stem}_events.tsv"))]
        assert row["loc_matched"] == single.matched
        for column in ("hemisphere_accuracy", "region_accuracy", "migration_agreement"):
            assert row[column] == pytest.approx(getattr(single, column), nan_ok=True), column
        assert row["latency_median_s"] == pytest.approx(
            single.latency_median_s, abs=0.011, nan_ok=True
        )
        checked += single.matched
    assert checked >= SUBJECTS * RUNS  # most simulated seizures matched and scored


def test_scores_equal_szcore_evaluation_on_random_hypotheses(dataset, tmp_path):
    """Hypothesis folders made to hit the scorer's rules: events < 90 s apart, > 5 min long,
    at 0 s and at the end, a missing file, a file of another recording duration."""
    rng = np.random.default_rng(16)
    references = sorted(dataset.glob("sub-*/**/*_events.tsv"))
    for variant in range(12):
        hypothesis = tmp_path / f"h{variant}"
        for reference in references:
            if rng.random() < 0.1:
                continue  # missing: counted as no detections
            duration = DURATION_S if rng.random() > 0.1 else DURATION_S + 7
            rows = []
            for _ in range(int(rng.integers(0, 6))):
                onset = float(rng.choice([0.0, rng.uniform(0, duration), duration - 3]))
                length = float(rng.choice([rng.uniform(0.2, 40), rng.uniform(290, 320)]))
                rows.append(
                    {
                        "onset": f"{onset:.2f}",
                        "duration": f"{length:.2f}",
                        "eventType": str(rng.choice(["sz", "sz_foc_ia", "bckg"])),
                        "confidence": "n/a",
                        "channels": "n/a",
                        "dateTime": "2020-01-01 08:00:00",
                        "recordingDuration": f"{duration:.2f}",
                    }
                )
            if not rows:
                rows.append(
                    dict(
                        zip(
                            szcore.SZCORE_COLUMNS,
                            [
                                "0.00",
                                f"{duration:.2f}",
                                "bckg",
                                "n/a",
                                "n/a",
                                "n/a",
                                f"{duration:.2f}",
                            ],
                        )
                    )
                )
            target = hypothesis / reference.relative_to(dataset)
            szcore.write_events_tsv(target, pd.DataFrame(rows))
        _check_against_szcore(dataset, hypothesis, tmp_path)


def test_extra_columns_are_ignored_by_szcore_evaluation(dataset, batch_run, tmp_path):
    derivative = dataset / "derivatives" / "ictaltrack"
    stripped = tmp_path / "stripped"
    for path in derivative.glob("sub-*/**/*_events.tsv"):
        table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
        assert set(szcore.EXTRA_COLUMNS) <= set(table.columns)
        szcore.write_events_tsv(
            stripped / path.relative_to(derivative), table[list(szcore.SZCORE_COLUMNS)]
        )
    with_extra = szcore_evaluate.evaluate_dataset(dataset, derivative, tmp_path / "a.json")
    without = szcore_evaluate.evaluate_dataset(dataset, stripped, tmp_path / "b.json")
    assert json.dumps(with_extra) == json.dumps(without)


def test_bad_input_to_the_dataset_evaluation(dataset, tmp_path, capsys):
    assert main(["evaluate", "--reference", str(dataset), "-q"]) == 2
    assert main(["evaluate", "--truth", "t.json", "--reference", str(dataset), "-q"]) == 2
    assert "--reference and --hypothesis" in capsys.readouterr().err
    with pytest.raises(ictaltrack.IoError, match="does not exist"):
        szcore.evaluate_dataset(dataset, tmp_path / "nowhere")
    bad = tmp_path / "bad"
    (bad / "sub-01").mkdir(parents=True)
    (bad / "sub-01" / "sub-01_task-x_events.tsv").write_text("onset\tduration\n1\t2\n")
    with pytest.raises(ictaltrack.FormatError, match="eventType"):
        szcore.evaluate_dataset(bad, tmp_path)
    assert main(["evaluate", "--reference", str(bad), "--hypothesis", str(tmp_path), "-q"]) == 2
    # An unreadable hypothesis file counts as no detections, and says so.
    hypothesis = tmp_path / "hyp"
    reference = next(dataset.glob("sub-01/**/*_events.tsv"))
    target = hypothesis / reference.relative_to(dataset)
    target.parent.mkdir(parents=True)
    target.write_text("not\tannotations\n1\t2\n")
    rows = szcore.evaluate_dataset(dataset, hypothesis).recordings.set_index("reference")
    row = rows.loc[str(reference)]
    assert row["hypothesis_status"] == "unreadable"
    assert row["sample_tp"] == row["sample_fp"] == row["event_tp"] == row["event_fp"] == 0
    ref, empty = _szcore_masks(reference, None)
    assert row["event_ref_true"] == ts_scoring.EventScoring(ref, empty).refTrue
    assert row["sample_ref_true"] == ts_scoring.SampleScoring(ref, empty).refTrue
    assert set(rows["hypothesis_status"]) == {"unreadable", "missing"}


# ---------------------------------------------------------------------------------------------
# channels.tsv, resume, progress
# ---------------------------------------------------------------------------------------------


def test_channels_tsv_types_and_bad_channels_reach_the_detector(tmp_path, client):
    mne = pytest.importorskip("mne")
    root = tmp_path / "ds"
    bids.simulate_bids(
        root,
        subjects=1,
        runs=1,
        duration_s=DURATION_S,
        seed=3,
        channels_tsv=True,
        n_seizures=2,
        seizure_duration_min_s=30,
        seizure_duration_max_s=60,
    )
    (recording,) = bids.find_bids_recordings(root)
    assert recording.channels_tsv is not None
    channels = pd.read_csv(recording.channels_tsv, sep="\t")
    # Mark a good channel bad and another as EOG: the detector must leave both out.
    channels.loc[channels["name"] == "C3", "status"] = "bad"
    channels.loc[channels["name"] == "Fp1", "type"] = "EOG"
    channels.to_csv(recording.channels_tsv, sep="\t", index=False)
    result = batch.run([root], out_dir=tmp_path / "out", client=client)
    row = result.recordings.iloc[0]
    assert row["status"] == "ok"
    saved = ictaltrack.DetectionResult.from_json(row["result_json"])
    by_label = {c["label"]: c for c in saved._channels}
    assert by_label["C3"]["status"] == "bad"
    assert by_label["Fp1"]["kind"] == "eog"
    # Oracle: the same recording read by MNE with those bads and types, detected in process.
    raw = mne.io.read_raw_edf(recording.path, verbose="error")
    raw.info["bads"] = ["C3"]
    raw.set_channel_types({"Fp1": "eog"}, verbose="error")
    expected = ictaltrack.detect(raw)
    assert json.loads(saved.to_json())["seizures"] == json.loads(expected.to_json())["seizures"]
    # A changed channels.tsv is a changed input: the next run recomputes the recording.
    assert batch.run([root], out_dir=tmp_path / "out", client=client).n_computed == 0
    channels.loc[channels["name"] == "C3", "status"] = "good"
    channels.to_csv(recording.channels_tsv, sep="\t", index=False)
    assert batch.run([root], out_dir=tmp_path / "out", client=client).n_computed == 1


def test_bids_batch_resumes_and_restores_hypotheses(dataset, client, tmp_path):
    out = tmp_path / "results"
    derivative = tmp_path / "deriv"
    finished = []

    def stop_after_three(row):
        finished.append(row)
        if len(finished) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run(
            [dataset],
            out_dir=out,
            client=client,
            derivatives=derivative,
            on_recording=stop_after_three,
        )
    # The rows handed out while running carry the entities.
    assert all(row["subject"] in {"01", "02", "03", "04"} for row in finished)
    resumed = batch.run([dataset], out_dir=out, client=client, derivatives=derivative)
    assert sorted(resumed.computed_files) == sorted(
        {str(p) for p in _recordings(dataset)} - {row["file"] for row in finished}
    )
    assert resumed.recordings["hypothesis_tsv"].dropna().str.startswith(str(derivative)).all()
    # A deleted hypothesis file comes back on the next run without recomputing.
    victim = Path(resumed.recordings["hypothesis_tsv"].dropna().iloc[0])
    content = victim.read_text()
    victim.unlink()
    again = batch.run([dataset], out_dir=out, client=client, derivatives=derivative)
    assert again.n_computed == 0
    assert victim.read_text() == content
    other = tmp_path / "other"
    other.mkdir()
    (other / "dataset_description.json").write_text('{"Name": "x", "BIDSVersion": "1.9.0"}')
    with pytest.raises(ValueError, match="exactly one BIDS dataset"):
        batch.run([dataset, other], out_dir=out, client=client, derivatives=derivative)
    with pytest.raises(ValueError, match="without sub-"):
        batch.run([other], out_dir=out, client=client)


def test_bids_batch_cli_progress_and_failure_rows(dataset, client, tmp_path):
    out = tmp_path / "cli"
    command = [
        sys.executable,
        "-m",
        "ictaltrack.cli",
        "batch",
        str(dataset),
        "--out",
        str(out),
        "--derivatives",
        str(tmp_path / "deriv"),
        "--scheduler",
        client.scheduler.address,
        "--progress",
    ]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    n = SUBJECTS * RUNS + 1
    assert f"{n}/{n} files, 1 failed" in finished.stderr
    assert "failures: FormatError 1" in finished.stdout
    assert f"SzCORE hypothesis files: {n - 1} *_events.tsv" in finished.stdout
    recordings = pd.read_csv(out / "recordings.csv", dtype={"subject": str, "run": str})
    failed = recordings[recordings["status"] == "failed"]
    assert list(failed["subject"]) == ["04"] and list(failed["run"]) == ["00"]
    assert not math.isnan(recordings[recordings["status"] == "ok"]["duration_s"].sum())
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"all {n} recordings up to date" in rerun.stderr


# ---------------------------------------------------------------------------------------------
# Real EEG: CHB-MIT chb01_03 laid out as epilepsy2bids lays out the SzCORE CHB-MIT dataset
# ---------------------------------------------------------------------------------------------

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real"


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real is absent")
def test_real_chbmit_recordings_as_a_bids_dataset(client, tmp_path):
    """Two real CHB-MIT recordings (the EDF+D file holding the seizure of chb01_03 at 2996-3036 s
    and a seizure-free crop), linked into a BIDS layout with references written by epilepsy2bids'
    own ``Annotations.saveTsv``: batch + evaluate equal szcore-evaluation, and the annotated
    seizure is found."""
    import mne_bids

    root = tmp_path / "chbmit_bids"
    eeg = root / "sub-01" / "ses-01" / "eeg"
    eeg.mkdir(parents=True)
    mne_bids.make_dataset_description(path=root, name="chb01_03 crops", verbose="error")
    truth = json.loads((REAL / "chb01_03_joined_edfd.truth.json").read_text())
    (seizure,) = truth["seizures"]
    for run, (name, events, duration) in enumerate(
        (
            ("chb01_03_joined_edfd.edf", [(seizure["onset_s"], seizure["offset_s"])], 3036.0),
            ("chb01_03_start_crop.edf", [], 41.0),
        )
    ):
        stem = eeg / f"sub-01_ses-01_task-szMonitoring_run-{run:02d}"
        Path(f"{stem}_eeg.edf").symlink_to(REAL / name)  # never copied
        Annotations.loadEvents(events, duration).saveTsv(f"{stem}_events.tsv")
    result = batch.run([root], out_dir=tmp_path / "results", client=client)
    assert list(result.recordings["status"]) == ["ok", "ok"]
    assert list(result.recordings["run"]) == ["00", "01"]
    ours = _check_against_szcore(root, root / "derivatives" / "ictaltrack", tmp_path)
    runs = {row["run"]: row for row in ours["recordings"]}
    assert runs["00"]["event_tp"] == runs["00"]["event_ref_true"] == 1
    assert runs["01"]["event_fp"] == 0
    # References without channels or side: no localisation scores.
    assert ours["overall"]["localisation"] is None
