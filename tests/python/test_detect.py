"""The detector through its binding, ictaltrack._core.detect_file.

Oracles: the simulator's truth (planned independently of the detector), the `timescoring`
package (SzCORE reference scorer) and pyedflib for the file's channel list.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyedflib
import pytest
from timescoring import scoring
from timescoring.annotations import Annotation

import ictaltrack
from ictaltrack import _core

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLES = REPO / "sample_edf"


def _timescoring_events(truth: dict, detection: dict) -> scoring.EventScoring:
    """SzCORE event scores computed by timescoring from 10 Hz masks."""
    fs = 10
    n = int(round(truth["duration_s"] * fs))

    def mask(events):
        m = np.zeros(n, dtype=bool)
        for event in events:
            m[int(round(event["onset_s"] * fs)) : int(round(event["offset_s"] * fs))] = True
        return m

    return scoring.EventScoring(
        Annotation(mask(truth["seizures"]), fs), Annotation(mask(detection["seizures"]), fs)
    )


@pytest.mark.parametrize("montage, seed", [("referential", 5), ("bipolar", 6)])
def test_simulated_recording_is_detected_and_localised(tmp_path, montage, seed):
    path = tmp_path / "sim.edf"
    truth = ictaltrack.simulate(
        path, duration_s=900, seed=seed, montage=montage, n_seizures=4, overlap_probability=0.0
    )
    detection = _core.detect_file(str(path))
    oracle = _timescoring_events(truth, detection)
    assert oracle.refTrue == 4
    assert oracle.tp == 4 and oracle.fp == 0
    evaluation = ictaltrack.evaluate(path.with_suffix(".json"), detection)
    assert (evaluation.events.tp, evaluation.events.fp) == (oracle.tp, oracle.fp)
    loc = evaluation.localisation
    assert loc.matched == 4
    assert loc.hemisphere_accuracy >= 0.75
    assert abs(loc.latency_median_s) <= 5.0
    for seizure in detection["seizures"]:
        assert seizure["offset_s"] > seizure["onset_s"]
        assert seizure["onset_channels"], seizure
        assert seizure["hemisphere"] in {"left", "right", "midline", "bilateral", "unknown"}
        assert 0.0 <= seizure["confidence"] <= 1.0
        li = seizure["lateralization_index"]
        assert li is None or -1.0 <= li <= 1.0
        # A left LI means a left onset side and vice versa (|LI| above the documented threshold),
        # unless the focus channel, one of the onset channels, lies on the other side
        # (docs/detection.md, Localisation step 5).
        threshold = _core.detector_defaults()["lateralization_threshold"]
        sides = {c["name"]: c["hemisphere"] for c in detection["channels"]}
        onset_sides = {sides[name] for name in seizure["onset_channels"]}
        if li is not None and abs(li) >= threshold:
            by_li = "left" if li > 0 else "right"
            other = "right" if by_li == "left" else "left"
            assert seizure["hemisphere"] == by_li or (
                seizure["hemisphere"] == other and other in onset_sides
            ), seizure
        onsets = seizure["channel_onsets"]
        assert set(seizure["onset_channels"]) <= set(onsets)
        assert all(seizure["onset_s"] - 60 <= t <= seizure["offset_s"] for t in onsets.values())


def test_channels_and_metadata_match_the_file(tmp_path):
    path = tmp_path / "sim.edf"
    ictaltrack.simulate(
        path,
        duration_s=120,
        seed=3,
        n_seizures=0,
        bad_channel="flat",
        bad_channel_electrode="O2",
        label_style="eeg-ref",
    )
    detection = _core.detect_file(str(path))
    with pyedflib.EdfReader(str(path)) as reader:
        labels = [label.strip() for label in reader.getSignalLabels()]
        duration = reader.getFileDuration()
    assert [c["label"] for c in detection["channels"]] == labels
    assert detection["duration_s"] == pytest.approx(duration)
    assert detection["start_time"].startswith("2020-01-01T08:00:00")
    assert detection["seizures"] == []
    status = {c["label"]: (c["status"], c["bad_reason"]) for c in detection["channels"]}
    assert status["EEG O2-REF"] == ("bad", "flat")
    assert all(s == ("ok", "") for label, s in status.items() if label != "EEG O2-REF")
    fp1 = next(c for c in detection["channels"] if c["label"] == "EEG FP1-REF")
    assert (fp1["name"], fp1["kind"], fp1["hemisphere"]) == ("Fp1", "eeg", "left")
    assert any(w["code"] == "bad_channel" for w in detection["warnings"])
    assert detection["line_frequency_hz"] == 50.0


def test_sample_files_match_their_truth():
    if not (SAMPLES / "migrating_referential.edf").exists():
        pytest.skip("sample_edf/ is absent")
    artifacts = _core.detect_file(str(SAMPLES / "artifacts_only.edf"))
    assert artifacts["seizures"] == []
    for name in ("migrating_referential", "chbmit_bipolar"):
        detection = _core.detect_file(str(SAMPLES / f"{name}.edf"))
        truth = json.loads((SAMPLES / f"{name}.json").read_text())
        oracle = _timescoring_events(truth, detection)
        assert oracle.tp == oracle.refTrue and oracle.fp == 0, name


def test_parameters_defaults_and_errors(tmp_path):
    defaults = _core.detector_defaults()
    assert defaults["window_s"] == 2.0 and defaults["step_s"] == 1.0
    assert defaults["n_threads"] == 0 and isinstance(defaults["n_threads"], int)
    assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in defaults.values())
    path = tmp_path / "sim.edf"
    ictaltrack.simulate(path, duration_s=60, seed=1, n_seizures=0)
    with pytest.raises(ValueError, match="unknown detector parameter 'nope'"):
        _core.detect_file(str(path), {"nope": 1})
    with pytest.raises(TypeError, match="n_threads"):
        _core.detect_file(str(path), {"n_threads": 1.5})
    with pytest.raises(ValueError, match="off_threshold_db"):
        _core.detect_file(str(path), {"off_threshold_db": 99.0})
    with pytest.raises(ictaltrack.IoError):
        _core.detect_file(str(tmp_path / "missing.edf"))
    # Same result with explicit defaults, one thread and two threads.
    one = _core.detect_file(str(path), {"n_threads": 1})
    two = _core.detect_file(str(path), dict(defaults, n_threads=2))
    assert one == two


def test_progress_is_reported_and_can_cancel(tmp_path):
    path = tmp_path / "sim.edf"
    ictaltrack.simulate(path, duration_s=120, seed=2, n_seizures=0)
    seen: list[float] = []
    _core.detect_file(str(path), None, lambda fraction: seen.append(fraction) or True)
    assert seen and seen == sorted(seen) and seen[-1] == 1.0
    with pytest.raises(ictaltrack.Error, match="cancelled"):
        _core.detect_file(str(path), None, lambda fraction: False)


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".edf", ".bdf"))


@pytest.mark.skipif(not _corpus_files(), reason="../shared/corpus is absent")
def test_every_corpus_file_runs_or_fails_cleanly():
    ran = 0
    for path in _corpus_files():
        try:
            detection = _core.detect_file(str(path))
        except ictaltrack.Error:
            continue  # unreadable files raise the reader's typed errors
        ran += 1
        assert detection["duration_s"] >= 0, path
        kinds = {c["kind"] for c in detection["channels"]}
        if "eeg" not in kinds:
            assert detection["seizures"] == [], path
            assert any(w["code"] == "no_eeg_channels" for w in detection["warnings"]), path
        for seizure in detection["seizures"]:
            assert 0 <= seizure["onset_s"] < seizure["offset_s"], path
            assert seizure["offset_s"] <= detection["duration_s"] + 1e-6, path
    assert ran > 0
