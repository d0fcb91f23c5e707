"""The evaluation-suite pipeline (ictaltrack.evaluation) without the simulator.

A small EDF with two hand-placed rhythmic discharges, written with pyedflib, stands in for a
simulated recording; its truth sidecar is written by hand into the cache layout.
"""

from __future__ import annotations

import json

import numpy as np
import pyedflib
import pytest

from ictaltrack import evaluation
from ictaltrack.evaluation import (
    DETECTOR_LABEL,
    SUITE,
    Recording,
    SuiteResult,
    format_table,
    ictaltrack_detector,
    pooled_scores,
    run_suite,
)
from ictaltrack.scoring import evaluate

FS = 256
LABELS = ["Fp1", "Fp2", "F3", "F4", "C3", "C4", "T3", "T4", "ECG"]


def test_suite_definition():
    names = [r.name for r in SUITE]
    assert len(SUITE) >= 20 and len(set(names)) == len(names)
    assert all(1800 <= r.duration_s <= 6 * 3600 for r in SUITE)
    assert {r.simulation["montage"] for r in SUITE} == {"referential", "bipolar"}
    assert 60 <= sum(r.duration_s for r in SUITE) / 3600 <= 80
    assert len({r.key for r in SUITE}) == len(SUITE)
    # Real-EEG cases: propagation and sharp morphologies with seizures; seizure-free
    # recordings of false-alarm provokers on both montages; held-out recordings of both kinds.
    assert sum(r.simulation.get("homologous_spread_probability", 0) > 0 for r in SUITE) >= 6
    assert sum(r.simulation.get("sharp_wave_probability", 0) > 0 for r in SUITE) >= 4
    free = [r for r in SUITE if r.simulation.get("n_seizures") == 0]
    assert {r.simulation["montage"] for r in free} == {"referential", "bipolar"}
    assert any(
        r.simulation.get("patting_per_hour", 0) > 0 and r.simulation["montage"] == "referential"
        for r in free
    )
    for option in (
        "posterior_rhythm_per_hour",
        "hypersynchrony_per_hour",
        "spindles_per_hour",
        "bursts_per_hour",
        "chewing_per_hour",
        "rocking_per_hour",
    ):
        assert any(r.simulation.get(option, 0) > 0 for r in free), option
    held_out = [r for r in SUITE if r.held_out]
    assert {r.simulation["montage"] for r in held_out} == {"referential", "bipolar"}
    assert any(r.simulation.get("n_seizures") == 0 for r in held_out)
    assert not {r.simulation["seed"] for r in held_out} & {
        r.simulation["seed"] for r in SUITE if not r.held_out
    }


def _write_recording(path):
    rng = np.random.default_rng(5)
    n = 20 * 60 * FS
    t = np.arange(n) / FS
    data = rng.normal(0, 20, (len(LABELS), n))
    left = (t >= 300) & (t < 360)
    right = (t >= 800) & (t < 870)
    # Seizures evolve (docs/detection.md): each discharge slows linearly, 7 -> 4 Hz over 60 s
    # and 6 -> 3.5 Hz over 70 s (phase = 2 pi x the integral of the frequency).
    tau_left, tau_right = t - 300, t - 800
    left_wave = np.sin(2 * np.pi * (7 * tau_left - 3 / 120 * tau_left**2))
    right_wave = np.sin(2 * np.pi * (6 * tau_right - 2.5 / 140 * tau_right**2))
    data[LABELS.index("C3")] += 200 * left_wave * left
    data[LABELS.index("T3")] += 120 * left_wave * left
    data[LABELS.index("C4")] += 200 * right_wave * right
    data[LABELS.index("ECG")] += 500 * np.sin(2 * np.pi * 2 * t)  # must be ignored
    headers = [
        {
            "label": label,
            "dimension": "uV",
            "sample_frequency": FS,
            "physical_min": -1000.0,
            "physical_max": 1000.0,
            "digital_min": -32768,
            "digital_max": 32767,
            "transducer": "",
            "prefilter": "",
        }
        for label in LABELS
    ]
    pyedflib.highlevel.write_edf(str(path), data, headers)


def test_detector_finds_and_lateralises_two_discharges(tmp_path):
    _write_recording(tmp_path / "r.edf")
    detection = ictaltrack_detector(tmp_path / "r.edf")
    kinds = {c["label"]: c["kind"] for c in detection["channels"]}
    assert kinds["ECG"] == "ecg"
    seizures = detection["seizures"]
    assert len(seizures) == 2
    # Rhythmic 7 -> 4 Hz at 300-360 s (C3 strongest, T3 weaker), 6 -> 3.5 Hz at 800-870 s (C4
    # alone).
    assert seizures[0]["onset_s"] == pytest.approx(300, abs=3)
    assert seizures[0]["offset_s"] == pytest.approx(360, abs=5)
    assert seizures[0]["hemisphere"] == "left" and seizures[0]["region"] == "central"
    assert "C3" in seizures[0]["onset_channels"] and "ECG" not in seizures[0]["onset_channels"]
    assert (seizures[1]["hemisphere"], seizures[1]["region"]) == ("right", "central")
    assert seizures[1]["onset_s"] == pytest.approx(800, abs=3)


def test_run_suite_uses_the_cache_and_scores(tmp_path):
    recording = Recording(
        "tiny", "hand-made", {"duration_s": 1200.0, "seed": 1, "montage": "referential"}
    )
    _write_recording(tmp_path / f"{recording.key}.edf")
    truth = {
        "duration_s": 1200.0,
        "seizures": [
            {"onset_s": 300, "offset_s": 360, "hemisphere": "left", "region": "central"},
            {"onset_s": 800, "offset_s": 870, "hemisphere": "right", "region": "central"},
            {"onset_s": 1100, "offset_s": 1130, "hemisphere": "left", "region": "temporal"},
        ],
    }
    (tmp_path / f"{recording.key}.json").write_text(json.dumps(truth))
    results = run_suite(recordings=[recording], directory=tmp_path, check_generator=False)
    events = results[0].evaluation.events
    assert (events.tp, events.fp, events.reference_events) == (2, 0, 3)
    loc = results[0].evaluation.localisation
    assert loc.hemisphere_accuracy == 1.0
    assert loc.migration_pairs == 1 and loc.migration_agreement == 1.0
    table = format_table(results, detector_label=DETECTOR_LABEL)
    assert DETECTOR_LABEL in table and "ALL (pooled)" in table and "tiny" in table


def test_pooled_scores_by_hand():
    truth_a = {
        "duration_s": 7200.0,
        "seizures": [
            {"onset_s": 100, "offset_s": 160, "hemisphere": "left", "region": "temporal"},
            {"onset_s": 1000, "offset_s": 1060, "hemisphere": "right", "region": "central"},
            {"onset_s": 3000, "offset_s": 3060, "hemisphere": "left", "region": "frontal"},
        ],
    }
    detections_a = {
        "seizures": [
            {"onset_s": 110, "offset_s": 150, "hemisphere": "left", "region": "temporal"},
            {"onset_s": 1020, "offset_s": 1070, "hemisphere": "left", "region": "central"},
            {"onset_s": 5000, "offset_s": 5010, "hemisphere": "left", "region": "temporal"},
        ]
    }
    truth_b = {
        "duration_s": 22 * 3600.0,
        "seizures": [
            {"onset_s": 500, "offset_s": 560, "hemisphere": "right", "region": "occipital"}
        ],
    }
    detections_b = {
        "seizures": [{"onset_s": 470, "offset_s": 560, "hemisphere": "right", "region": "parietal"}]
    }
    rec = Recording("x", "x", {"duration_s": 1.0})
    results = [
        SuiteResult(rec, evaluate(truth_a, detections_a), 0.0),
        SuiteResult(rec, evaluate(truth_b, detections_b), 0.0),
    ]
    pooled = pooled_scores(results)
    # A: tp 2 of 3, fp 1 in 2 h; B: tp 1 of 1, fp 0 in 22 h.
    assert (pooled["tp"], pooled["reference_events"], pooled["fp"]) == (3, 4, 1)
    assert pooled["hours"] == 24.0
    assert pooled["sensitivity"] == 0.75
    assert pooled["precision"] == 0.75
    assert pooled["f1"] == 0.75  # 6 / (6 + 1 + 1)
    assert pooled["fp_per_24h"] == 1.0
    # Latencies 10, 20, -30: median 10; hemispheres 1/1 right of 3 -> 2/3; regions 2 of 3.
    assert pooled["latency_median_s"] == 10.0
    assert pooled["hemisphere_accuracy"] == pytest.approx(2 / 3)
    assert pooled["region_accuracy"] == pytest.approx(2 / 3)


def test_simulated_recording_round_trip(tmp_path):
    """The suite reads the simulator's own truth sidecar (skipped without the simulator)."""
    import ictaltrack

    if not hasattr(ictaltrack, "simulate"):
        pytest.skip("the simulator is not in this build")
    recording = Recording(
        "sim", "simulated", {"duration_s": 600.0, "seed": 4, "montage": "bipolar"}
    )
    edf_path, truth_path = evaluation.generate(recording, tmp_path)
    truth = json.loads(truth_path.read_text())
    results = run_suite(recordings=[recording], directory=tmp_path)
    assert truth["generator"] == evaluation.current_generator()
    # A cached file stamped by another simulator model is generated again.
    stale = dict(truth, generator={"name": "ictaltrack simulator", "model_version": -1})
    truth_path.write_text(json.dumps(stale))
    evaluation.generate(recording, tmp_path, generator=evaluation.current_generator())
    assert json.loads(truth_path.read_text()) == truth
    loc = results[0].evaluation.localisation
    assert loc.true_seizures == len(truth["seizures"]) > 0
    assert results[0].evaluation.duration_s == pytest.approx(truth["duration_s"])
    # Every simulated seizure has a lateralised hemisphere, so all matched pairs are counted.
    assert loc.hemisphere_known == loc.matched
    assert edf_path.stat().st_size > 0


def test_new_seeds_repeat_the_tuned_on_cases_with_other_seeds():
    from ictaltrack.evaluation import SUITE, with_new_seeds

    again = with_new_seeds(SUITE, 5000)
    tuned_on = [r for r in SUITE if not r.held_out]
    assert len(again) == len(tuned_on)
    for old, new in zip(tuned_on, again):
        assert new.name == f"{old.name}-seed+5000" and not new.held_out and new.case == old.case
        assert new.simulation["seed"] == old.simulation["seed"] + 5000
        assert new.duration_s == min(old.duration_s, 3600.0)
        rest = {k: v for k, v in new.simulation.items() if k not in ("seed", "duration_s")}
        assert rest == {k: v for k, v in old.simulation.items() if k not in ("seed", "duration_s")}
    assert not {r.key for r in again} & {r.key for r in SUITE}  # never the suite's cached files
