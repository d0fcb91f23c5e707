"""One seizure stays one seizure: propagated-as-one, fragments and the migrating verdict
(docs/scoring.md), on hand-made truth/detection pairs whose answers are worked out by hand in
the comments."""

from __future__ import annotations

import math

import pytest

from ictaltrack.evaluation import Recording, SuiteResult, pooled_scores, target_failures
from ictaltrack.scoring import evaluate, spread_scores


def _sz(onset, offset, hemisphere="left", region="temporal", **extra):
    return {
        "onset_s": onset,
        "offset_s": offset,
        "hemisphere": hemisphere,
        "region": region,
        **extra,
    }


SPREAD = [{"kind": "homologous", "onset_s": 0}]  # only its presence matters to the scores

# S1 and S2 propagate; S3 (not propagated) and S4 (propagated) overlap as independent seizures.
TRUTH_A = {
    "duration_s": 7200.0,
    "seizures": [
        _sz(100, 200, "left", "temporal", propagation=SPREAD),
        _sz(500, 600, "right", "temporal", propagated=True),
        _sz(1000, 1100, "left", "frontal"),
        _sz(1050, 1200, "right", "central", propagation=SPREAD),
    ],
}
DETECTIONS_A = {
    "seizures": [
        _sz(102, 150),  # D1 -> S1 (|2|)
        _sz(140, 198, "right"),  # D2: inside S1, matches nothing -> a fragment
        _sz(505, 598, "right"),  # D3 -> S2 (|5|)
        _sz(1003, 1100, "left", "frontal"),  # D4 -> S3 (|3|); also overlaps S4, but it is S3's
        _sz(1055, 1190, "right", "central"),  # D5 -> S4 (|5|)
        _sz(3000, 3010),
    ]
}  # D6: a false positive outside every seizure


def test_propagated_as_one_and_fragments_by_hand():
    result = evaluate(TRUTH_A, DETECTIONS_A).spread
    # Matching (closest onsets first): S1-D1 2, S3-D4 3, S2-D3 5, S4-D5 5; D2 and D6 unmatched.
    # Propagated: S1, S2, S4. S1 also overlaps the unmatched D2 -> not "as one"; S2 has only D3;
    # S4 overlaps D4 too, but D4 is matched to S3, an independent seizure -> excused.
    assert result.propagated_seizures == 3
    assert result.propagated_as_one == 2
    assert result.propagated_as_one_fraction == pytest.approx(2 / 3)
    # Fragments: D2 (unmatched, inside S1). D6 is unmatched but inside no true seizure.
    assert result.fragments == 1
    assert result.fragments_per_seizure == 0.25
    # Truth: four (hemisphere, region) sites -> migrating; no stated verdict in the detections:
    # computed from them (four sites) -> migrating too.
    assert result.true_migrating is True and result.detected_migrating is True
    assert result.migrating_agrees is True


def test_the_detectors_own_verdict_is_used_when_stated():
    stated = dict(DETECTIONS_A, summary={"migrating": False})
    result = evaluate(TRUTH_A, stated).spread
    assert (result.true_migrating, result.detected_migrating) == (True, False)
    assert result.migrating_agrees is False


def test_a_missed_propagated_seizure_is_not_reported_as_one():
    truth = [_sz(100, 200, propagated=True)]
    # Window [70, 260]: the detection at 300 s is no candidate; it is not inside the seizure.
    result = spread_scores(truth, [_sz(300, 310)], 3600.0)
    assert (result.propagated_seizures, result.propagated_as_one) == (1, 0)
    assert result.fragments == 0 and result.fragments_per_seizure == 0.0


def test_touching_ends_do_not_overlap_and_merging_a_pair_is_not_a_fragment():
    truth = [_sz(100, 200, propagated=True), _sz(150, 250, "right")]
    # One detection over both: matched to S1 (|0|); S2 is missed (an overlap-separation error,
    # not a fragment). The second detection only touches S2's end: no overlap.
    result = spread_scores(truth, [_sz(100, 250), _sz(250, 260)], 3600.0)
    assert result.propagated_as_one == 1
    assert result.fragments == 0


def test_no_seizures_gives_undefined_fractions_and_a_false_alarm_verdict():
    false_alarms = [
        _sz(10, 20, "left", "occipital"),
        _sz(30, 40, "right", "occipital"),
        _sz(50, 60, "left", "temporal"),
    ]
    result = spread_scores([], false_alarms, 3600.0)
    assert math.isnan(result.propagated_as_one_fraction)
    assert math.isnan(result.fragments_per_seizure)
    # Three false seizures alternating sides (the tracker's verdict needs >= 3 seizures, >= 2
    # regions, both sides): the detections say "migrating", the truth does not.
    assert (result.true_migrating, result.detected_migrating, result.migrating_agrees) == (
        False,
        True,
        False,
    )


def test_pooled_spread_scores_and_target_failures_by_hand():
    truth_b = {"duration_s": 3600.0, "seizures": [_sz(100, 200, propagated=True)]}
    detections_b = {"seizures": [_sz(300, 310)], "summary": {"migrating": False}}
    results = [
        SuiteResult(
            Recording("a", "a", {"duration_s": 7200.0}), evaluate(TRUTH_A, DETECTIONS_A), 0.0
        ),
        SuiteResult(
            Recording("b", "b", {"duration_s": 3600.0}), evaluate(truth_b, detections_b), 0.0
        ),
    ]
    pooled = pooled_scores(results)
    # Propagated: 2 of 3 (A) + 0 of 1 (B) = 2 / 4; fragments 1 of 4 + 0 of 1 = 1 / 5;
    # verdicts: A agrees, B (one site, not migrating; stated False) agrees -> 2 / 2.
    assert pooled["propagated_seizures"] == 4
    assert pooled["propagated_as_one"] == 0.5
    assert pooled["fragments_per_seizure"] == pytest.approx(0.2)
    assert pooled["migrating_verdict_agreement"] == 1.0
    failures = target_failures(results)
    assert failures["propagated_as_one"] == ["a", "b"]  # 0.67 and 0.0 < 0.95
    assert failures["fragments_per_seizure"] == ["a"]  # 0.25 > 0.05; B has 0
    assert failures["migrating_verdict_agreement"] == []
    # A: 1 FP (D6) in 2 h = 12 / 24 h; B: D at 300 s is outside S's window -> 1 FP in 1 h.
    assert failures["fp_per_24h"] == ["a", "b"]


def test_cli_report_and_json_carry_the_spread_scores():
    from ictaltrack.commands.evaluate import format_report

    result = evaluate(TRUTH_A, DETECTIONS_A)
    report = format_report(result)
    assert "Propagated seizures as one" in report and "2 / 3" in report
    assert "0.250 (1 fragments)" in report
    spread = result.to_dict()["spread"]
    assert spread["propagated_as_one"] == 2 and spread["fragments_per_seizure"] == 0.25
