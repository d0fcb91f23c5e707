"""Migration tracker against the simulator's truth: the transitions and the summary computed by the
C++ tracker must agree with the truth's own sequence, derived here independently (shift classes
from the truth's hemisphere/region labels, overlaps from ``overlaps_previous``, distances with
numpy from the focus electrodes' positions, the summary by counting); the scorer's
``ictaltrack.scoring.migration_summary`` reports the same tracker's summary."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from truth_detections import SAMPLE_DIR, truth_to_detection

import ictaltrack
from ictaltrack import _core
from ictaltrack.electrodes import find_electrode
from ictaltrack.scoring import load_truth, migration_summary

TRUTH_FILES = sorted(SAMPLE_DIR.glob("*.json"))


def expected_shift(a: dict, b: dict) -> str:
    sides = ("left", "right")
    if a["hemisphere"] in sides and b["hemisphere"] in sides and a["hemisphere"] != b["hemisphere"]:
        return "contralateral"
    if a["hemisphere"] == b["hemisphere"] and a["hemisphere"] in (*sides, "midline"):
        return "same-region" if a["region"] == b["region"] else "ipsilateral"
    return "unknown"


def focus_vector(seizure: dict) -> np.ndarray:
    points = []
    for electrode in seizure["focus_electrodes"]:
        site = find_electrode(electrode)
        points.append([site["x"], site["y"], site["z"]])
    mean = np.mean(points, axis=0)
    return mean / np.linalg.norm(mean)


def check_against_truth(truth: dict, criteria: dict | None = None) -> None:
    ordered = sorted(truth["seizures"], key=lambda s: (s["onset_s"], s["offset_s"]))
    detection = truth_to_detection_dict(truth)
    result = ictaltrack.DetectionResult.from_dict(detection, criteria=criteria)
    transitions = result.transitions
    assert len(result) == len(ordered)
    assert len(transitions) == max(0, len(ordered) - 1)
    np.testing.assert_allclose(result.seizures["onset_s"], [s["onset_s"] for s in ordered])
    for k, row in transitions.iterrows():
        a, b = ordered[k], ordered[k + 1]
        assert (row["from"], row["to"]) == (k, k + 1)
        assert row["shift"] == expected_shift(a, b)
        assert row["interval_s"] == pytest.approx(b["onset_s"] - a["onset_s"], abs=1e-6)
        assert bool(row["overlap"]) == b["overlaps_previous"]
        angle = math.degrees(math.acos(np.clip(focus_vector(a) @ focus_vector(b), -1, 1)))
        assert row["distance_deg"] == pytest.approx(angle, abs=1e-6)

    summary = result.summary
    sides = [s["hemisphere"] for s in ordered]
    sided = [(x, y) for x, y in zip(sides, sides[1:]) if {x, y} <= {"left", "right"}]
    switches = sum(x != y for x, y in sided)
    assert summary["n_seizures"] == len(ordered)
    assert summary["n_left"] == sides.count("left")
    assert summary["n_right"] == sides.count("right")
    assert summary["n_sided_pairs"] == len(sided)
    assert summary["n_hemisphere_switches"] == switches
    if sided:
        assert summary["hemisphere_switch_rate"] == pytest.approx(switches / len(sided))
    else:
        assert math.isnan(summary["hemisphere_switch_rate"])
    assert summary["n_overlapping_pairs"] == sum(s["overlaps_previous"] for s in ordered)
    regions = summary["region_transitions"]["regions"]
    counts = np.zeros((len(regions), len(regions)), dtype=int)
    for a, b in zip(ordered, ordered[1:]):
        counts[regions.index(a["region"]), regions.index(b["region"])] += 1
    np.testing.assert_array_equal(summary["region_transitions"]["counts"], counts)
    distinct = {s["region"] for s in ordered} - {"unknown"}
    assert summary["n_distinct_regions"] == len(distinct)
    c = summary["criteria"]
    verdict = (
        len(ordered) >= c["min_seizures"]
        and len(distinct) >= c["min_regions"]
        and (not c["require_both_hemispheres"] or ("left" in sides and "right" in sides))
        and bool(sided)
        and switches / len(sided) >= c["min_switch_rate"]
    )
    assert summary["migrating"] is verdict

    # The scorer reads the truth's labels with the tracker's vocabulary and reports its summary,
    # verdict included.
    other = migration_summary(load_truth(truth)["seizures"], criteria)
    assert other["count"] == summary["n_seizures"]
    assert other["overlapping_pairs"] == summary["n_overlapping_pairs"]
    assert other["bilateral"] == summary["bilateral_independent_onsets"]
    assert other["migrating"] is summary["migrating"] is verdict
    if sided:
        assert other["switch_fraction"] == pytest.approx(summary["hemisphere_switch_rate"])


def truth_to_detection_dict(truth: dict) -> dict:
    # truth_to_detection reads a file; the same conversion for an in-memory truth.
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "truth.json"
        path.write_text(json.dumps(truth), encoding="utf-8")
        return truth_to_detection(path)


@pytest.mark.parametrize("truth_path", TRUTH_FILES, ids=lambda p: p.stem)
def test_tracker_agrees_with_sample_truth(truth_path: Path) -> None:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    check_against_truth(truth)


def test_sample_files_present() -> None:
    assert {p.stem for p in TRUTH_FILES} >= {
        "migrating_referential",
        "chbmit_bipolar",
        "artifacts_only",
    }


def test_demo_file_hand_read_sequence() -> None:
    # sample_edf/README.md: right temporal (T4) -> left frontal polar (Fp1) -> right
    # frontotemporal (F8) -> left central (C3), the last starting while the third runs.
    truth = truth_to_detection(SAMPLE_DIR / "migrating_referential.json")
    result = ictaltrack.DetectionResult.from_dict(truth)
    assert result.transitions["shift"].tolist() == ["contralateral"] * 3
    assert result.transitions["overlap"].tolist() == [False, False, True]
    # T8 -> Fp1: 90 + 18 degrees (T8 on the equator, Fp1 18 degrees from Fpz along it).
    assert result.transitions["distance_deg"][0] == pytest.approx(108.0, abs=1e-9)
    # Fp1 -> F8: both on the equator, 18 + 54 degrees apart.
    assert result.transitions["distance_deg"][1] == pytest.approx(72.0, abs=1e-9)
    s = result.summary
    assert (s["n_left"], s["n_right"], s["hemisphere_switch_rate"]) == (2, 2, 1.0)
    assert s["migrating"] is True


@pytest.mark.parametrize("seed,overlap", [(3, 0.5), (4, 0.0), (5, 0.9)])
def test_tracker_agrees_with_longer_simulated_truth(
    tmp_path: Path, seed: int, overlap: float
) -> None:
    truth = ictaltrack.simulate(
        tmp_path / "sim.edf",
        duration_s=1800.0,
        seed=seed,
        interval_min_s=20.0,
        interval_max_s=90.0,
        seizure_duration_min_s=30.0,
        seizure_duration_max_s=80.0,
        overlap_probability=overlap,
        contralateral_probability=0.5,
    )
    truth = json.loads((tmp_path / "sim.json").read_text(encoding="utf-8"))
    assert len(truth["seizures"]) >= 8
    check_against_truth(truth)
    check_against_truth(truth, criteria={"min_switch_rate": 0.6, "min_regions": 4})


def test_streaming_arrival_order_does_not_matter() -> None:
    truth = truth_to_detection(SAMPLE_DIR / "migrating_referential.json")
    reference = _core.track_migration(truth["seizures"])
    for order in itertools.permutations(range(len(truth["seizures"]))):
        tracker = _core.MigrationTracker()
        for i in order:
            tracker.add(truth["seizures"][i])
        assert tracker.transitions() == reference["transitions"]
        assert [order[i] for i in tracker.order] == reference["order"]
        summary = tracker.summary()
        assert summary["n_hemisphere_switches"] == reference["summary"]["n_hemisphere_switches"]
        assert summary["migrating"] == reference["summary"]["migrating"]


def test_bad_seizure_input() -> None:
    with pytest.raises(ValueError, match="offset_s before onset_s"):
        _core.track_migration([{"onset_s": 10.0, "offset_s": 5.0}])
    with pytest.raises(ValueError, match="missing 'onset_s'"):
        _core.track_migration([{"offset_s": 5.0}])
    with pytest.raises(ValueError, match="unknown migration criterion"):
        _core.track_migration([], {"min_switch": 0.1})
    empty = _core.track_migration([])
    assert empty["transitions"] == [] and empty["summary"]["n_seizures"] == 0
    assert math.isnan(empty["summary"]["hemisphere_switch_rate"])
    assert empty["summary"]["migrating"] is False
