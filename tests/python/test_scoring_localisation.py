"""Localisation and migration scores on hand-built truth/detection pairs.

Every expected value is worked out by hand in the comments (definitions: docs/scoring.md).
"""

from __future__ import annotations

import json
import math

import pytest

import ictaltrack
from ictaltrack import cli
from ictaltrack.errors import FormatError, IoError
from ictaltrack.scoring import evaluate, match_seizures, migration_summary


def _seizure(onset, offset, hemisphere, region, **extra):
    return {
        "onset_s": onset,
        "offset_s": offset,
        "hemisphere": hemisphere,
        "region": region,
        **extra,
    }


TRUTH = {
    "duration_s": 7200.0,
    "seizures": [
        _seizure(100, 160, "left", "temporal", focus_electrodes=["T7", "P7"]),
        _seizure(150, 220, "right", "central"),  # starts before the first one ends
        _seizure(1000, 1060, "right", "central"),
        _seizure(3000, 3060, "left", "frontal"),  # never detected
    ],
}
DETECTIONS = {
    "file": "x.edf",
    "duration_s": 7200.0,
    "seizures": [
        _seizure(110, 165, "left", "temporal", confidence=0.9),
        _seizure(158, 230, "right", "frontal"),
        _seizure(1005, 1070, "left", "central"),
        _seizure(5000, 5010, "left", "temporal"),  # false alarm
    ],
    "transitions": [],
    "summary": {},
}


def test_matching_takes_the_closest_onset_one_to_one():
    # Windows: T0 [70, 220], T1 [120, 280], T2 [970, 1120], T3 [2970, 3120].
    # Candidates (|onset difference|): T0-D0 10, T0-D1 58, T1-D0 40, T1-D1 8, T2-D2 5.
    # Accepted in order 5, 8, 10: T2-D2, T1-D1, T0-D0.
    truth = ictaltrack.scoring.load_truth(TRUTH)["seizures"]
    detected = ictaltrack.scoring.load_detections(DETECTIONS)["seizures"]
    assert match_seizures(truth, detected, 7200.0) == [0, 1, 2, None]


def test_localisation_and_migration_scores_by_hand():
    result = evaluate(TRUTH, DETECTIONS)
    loc = result.localisation
    assert (loc.true_seizures, loc.detected_seizures, loc.matched) == (4, 4, 3)
    # Latencies 10, 8, 5 s: median 8; 90th percentile between 8 and 10 at 0.8 -> 9.6.
    assert loc.latency_median_s == 8.0
    assert loc.latency_p90_s == pytest.approx(9.6)
    # Hemispheres L/L, R/R, R/L; regions temporal/temporal, central/frontal, central/central.
    assert loc.hemisphere_accuracy == pytest.approx(2 / 3)
    assert loc.region_accuracy == pytest.approx(2 / 3)
    # T0/T1 overlap (150 < 160) and both are matched.
    assert (loc.overlapping_pairs, loc.overlapping_pairs_separated) == (1, 1)
    assert loc.overlap_separation == 1.0
    # Pairs (T0,T1): true switch L->R, detected L->R: agree. (T1,T2): true R->R, detected R->L:
    # disagree. (T2,T3): T3 unmatched, skipped.
    assert loc.migration_pairs == 2
    assert loc.migration_agreement == 0.5
    # Shift classes: contralateral/contralateral agree; same_region vs contralateral disagree.
    assert loc.shift_class_agreement == 0.5
    # Truth: bilateral, 2 left / 2 right = balanced, 3 sites = migrating.
    # Detections: bilateral, 3 left / 1 right = left, 3 sites = migrating -> 2 of 3 agree.
    assert loc.truth_summary["predominant_hemisphere"] == "balanced"
    assert loc.detected_summary["predominant_hemisphere"] == "left"
    assert loc.summary_agreement == pytest.approx(2 / 3)


def test_event_scores_of_the_same_pair_by_hand():
    # Reference: T0+T1 merge (overlap) into 100-220, T2, T3 -> 3 events; windows (70, 280),
    # (970, 1120), (2970, 3120). Hypothesis: D0+D1 merge into 110-230, D2, D3 -> 3 events.
    # Hits: first two windows -> tp 2; D3 lies outside every hit window -> fp 1.
    events = evaluate(TRUTH, DETECTIONS).events
    assert (events.reference_events, events.hypothesis_events) == (3, 3)
    assert (events.tp, events.fp) == (2, 1)
    assert events.sensitivity == pytest.approx(2 / 3)
    assert events.precision == pytest.approx(2 / 3)
    assert events.f1 == pytest.approx(4 / 6)  # 2*2 / (2*2 + 1 + 1)
    assert events.fp_per_24h == pytest.approx(12.0)  # 1 false alarm in 2 h


def test_one_detection_covering_an_overlapping_pair_does_not_separate_it():
    truth = {
        "duration_s": 3600,
        "seizures": [
            _seizure(100, 200, "left", "temporal"),
            _seizure(180, 260, "right", "temporal"),
        ],
    }
    detections = {"seizures": [_seizure(178, 262, "right", "temporal")]}
    loc = evaluate(truth, detections).localisation
    # |178-100| = 78 vs |178-180| = 2: the detection goes to the second seizure only.
    assert loc.matched == 1
    assert (loc.overlapping_pairs, loc.overlapping_pairs_separated) == (1, 0)
    assert loc.overlap_separation == 0.0
    assert loc.hemisphere_accuracy == 1.0
    assert loc.migration_pairs == 0
    assert math.isnan(loc.migration_agreement)


def test_no_detections_gives_undefined_localisation():
    result = evaluate(TRUTH, {"duration_s": 7200.0, "seizures": []})
    loc = result.localisation
    assert loc.matched == 0
    assert math.isnan(loc.latency_median_s) and math.isnan(loc.latency_p90_s)
    assert math.isnan(loc.hemisphere_accuracy) and math.isnan(loc.migration_agreement)
    assert loc.overlap_separation == 0.0
    assert result.events.tp == 0 and math.isnan(result.events.precision)
    # Detected summary: nothing lateralised -> "none", not bilateral, not migrating; truth is
    # balanced, bilateral, migrating -> no item agrees.
    assert loc.summary_agreement == 0.0


def test_no_true_seizures_gives_nan_sensitivity():
    result = evaluate({"duration_s": 86400, "seizures": []}, DETECTIONS)
    assert math.isnan(result.events.sensitivity)
    assert result.events.fp == 3  # D0+D1 merged, D2, D3
    assert result.events.fp_per_24h == 3.0
    assert math.isnan(result.localisation.hemisphere_accuracy)


def test_unknown_detected_hemisphere_counts_against_migration_agreement():
    truth = {
        "duration_s": 7200,
        "seizures": [
            _seizure(100, 160, "left", "temporal"),
            _seizure(1000, 1060, "right", "temporal"),
        ],
    }
    detections = {
        "seizures": [_seizure(100, 160, "left", "temporal"), _seizure(1000, 1060, None, None)]
    }
    loc = evaluate(truth, detections).localisation
    assert loc.migration_pairs == 1
    assert loc.migration_agreement == 0.0
    assert loc.hemisphere_accuracy == 0.5
    assert loc.region_accuracy == 0.5


def test_migration_summary_by_hand():
    seizures = [
        _seizure(0, 50, "left", "temporal"),
        _seizure(40, 90, "right", "temporal"),
        _seizure(500, 560, "right", "central"),
        _seizure(900, 950, "midline", "central"),
    ]
    summary = migration_summary(seizures)
    # Lateralised consecutive pairs: L->R (switch), R->R (no); R->midline is not lateralised.
    assert summary["switch_fraction"] == 0.5
    assert summary["bilateral"] is True
    assert summary["predominant_hemisphere"] == "right"
    assert summary["migrating"] is True
    assert summary["overlapping_pairs"] == 1
    assert summary["count"] == 4


def test_loader_tolerates_variants(tmp_path):
    truth = {
        "duration": 3600,
        "events": [
            {"onset": 100, "duration_s": 60, "hemisphere": "L", "region": "Fronto_Temporal"}
        ],
    }
    detections = {
        "seizures": [
            {"start_s": 90, "end_s": 150, "hemisphere": "LEFT", "region": "fronto-temporal"}
        ]
    }
    (tmp_path / "t.json").write_text(json.dumps(truth))
    (tmp_path / "d.json").write_text(json.dumps(detections))
    result = evaluate(tmp_path / "t.json", str(tmp_path / "d.json"))
    assert result.duration_s == 3600.0
    assert result.events.tp == 1
    assert result.localisation.latency_median_s == -10.0
    assert result.localisation.hemisphere_accuracy == 1.0
    assert result.localisation.region_accuracy == 1.0
    # A name outside the tracker's regions is unknown (not scored) on either side.
    truth["events"][0]["region"] = "central temporal"
    (tmp_path / "t.json").write_text(json.dumps(truth))
    loc = evaluate(tmp_path / "t.json", str(tmp_path / "d.json")).localisation
    assert (loc.region_correct, loc.region_known) == (0, 0)


def test_detected_migrating_is_the_detections_own_verdict(tmp_path):
    # Two seizures at two sites, left then right: the scorer's former rule ("two or more
    # distinct sites") called this migrating, the tracker's verdict needs at least 3 seizures
    # (docs/migration.md), so evaluate() and DetectionResult.summary disagreed.
    truth = {
        "duration_s": 3600,
        "seizures": [
            _seizure(100, 160, "left", "temporal"),
            _seizure(1000, 1060, "right", "central"),
        ],
    }
    detected = ictaltrack.DetectionResult.from_dict(
        {
            "duration_s": 3600,
            "seizures": [
                _seizure(102, 158, "left", "temporal"),
                _seizure(1003, 1061, "right", "central"),
            ],
        }
    )
    loc = evaluate(truth, detected.to_dict()).localisation
    assert detected.summary["migrating"] is False
    assert loc.detected_summary["migrating"] is False
    assert loc.truth_summary["migrating"] is False
    # With the criteria the detection was summarised under (min_seizures 2: both hemispheres,
    # 2 regions, switch rate 1.0 hold), both say migrating, read from the detect JSON file.
    lenient = ictaltrack.DetectionResult.from_dict(detected.to_dict(), criteria={"min_seizures": 2})
    assert lenient.summary["migrating"] is True
    lenient.to_json(tmp_path / "d.json")
    loc = evaluate(truth, tmp_path / "d.json").localisation
    assert loc.detected_summary["migrating"] is True
    assert loc.summary_agreement == 1.0  # the truth is judged under the same criteria
    # Shift classes are the tracker's: left temporal -> right central is contralateral.
    assert [t["shift"] for t in detected.to_dict()["transitions"]] == ["contralateral"]


@pytest.mark.parametrize("name", ["migrating_referential", "chbmit_bipolar", "artifacts_only"])
def test_detected_migrating_agrees_with_the_result_on_the_samples(name):
    from truth_detections import SAMPLE_DIR, truth_to_detection

    truth = SAMPLE_DIR / f"{name}.json"
    result = ictaltrack.DetectionResult.from_dict(truth_to_detection(truth))
    loc = evaluate(truth, result.to_dict()).localisation
    assert loc.detected_summary["migrating"] is result.summary["migrating"]
    assert loc.detected_summary["count"] == result.summary["n_seizures"] == len(result)


def test_region_spellings_of_simulator_and_electrodes_stage_agree():
    truth = {
        "duration_s": 3600,
        "seizures": [
            _seizure(100, 160, "left", "frontal polar"),
            _seizure(1000, 1060, "right", "centroparietal"),
            _seizure(2000, 2060, "right", "temporal"),
        ],
    }
    detections = {
        "seizures": [
            _seizure(100, 160, "left", "frontopolar"),
            _seizure(1000, 1060, "right", "parietal"),
            _seizure(2000, 2060, "right", "frontotemporal"),
        ]
    }
    loc = evaluate(truth, detections).localisation
    assert (loc.region_correct, loc.region_known) == (2, 3)


def test_bad_files_raise_typed_errors(tmp_path):
    with pytest.raises(IoError):
        evaluate(tmp_path / "missing.json", DETECTIONS)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(FormatError):
        evaluate(tmp_path / "bad.json", DETECTIONS)
    with pytest.raises(FormatError, match="duration_s"):
        evaluate({"seizures": []}, {"seizures": []})
    with pytest.raises(FormatError, match="onset_s"):
        evaluate({"duration_s": 100, "seizures": [{"offset_s": 10}]}, {"seizures": []})


def test_cli_prints_table_and_json(tmp_path, capsys):
    assert "evaluate" in cli.COMMANDS
    (tmp_path / "t.json").write_text(json.dumps(TRUTH))
    (tmp_path / "d.json").write_text(json.dumps(DETECTIONS))
    argv = [
        "evaluate",
        "--truth",
        str(tmp_path / "t.json"),
        "--detections",
        str(tmp_path / "d.json"),
    ]
    assert cli.main(argv) == 0
    table = capsys.readouterr().out
    assert "SzCORE" in table
    assert "True positives                    2" in table
    assert "Onset latency median              8.000 s" in table
    assert cli.main(argv + ["--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["events"]["tp"] == 2 and data["events"]["fp"] == 1
    assert data["localisation"]["migration_agreement"] == 0.5
    assert data["localisation"]["overlap_separation"] == 1.0
    assert data["localisation"]["migration_pairs"] == 2
    # --json OUT writes the same JSON to a file and keeps the table on stdout; -q drops it.
    assert cli.main(argv + ["--json", str(tmp_path / "scores.json")]) == 0
    assert "SzCORE" in capsys.readouterr().out
    assert json.loads((tmp_path / "scores.json").read_text()) == data
    assert cli.main(argv + ["--json", str(tmp_path / "again.json"), "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads((tmp_path / "again.json").read_text()) == data


def test_cli_reports_bad_input_with_exit_code_2(tmp_path, capsys):
    (tmp_path / "t.json").write_text(json.dumps({"duration_s": 100, "seizures": []}))
    (tmp_path / "d.json").write_text(json.dumps({"seizures": [_seizure(200, 210, "left", "x")]}))
    argv = ["evaluate", "--truth", str(tmp_path / "t.json"), "--detections"]
    assert cli.main(argv + [str(tmp_path / "d.json")]) == cli.EXIT_BAD_INPUT
    assert "starts after the end of the recording" in capsys.readouterr().err
    assert cli.main(argv + [str(tmp_path / "missing.json")]) == cli.EXIT_BAD_INPUT
    assert "IoError" in capsys.readouterr().err
