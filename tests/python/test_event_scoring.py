"""SzCORE event scoring against the oracle: timescoring's scoring.EventScoring.

Hundreds of seeded random reference/hypothesis sets (close events, long events, events at the
edges, empty sets, non-default parameters) must give the same counts and the same metrics.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from timescoring import scoring
from timescoring.annotations import Annotation

from ictaltrack.scoring import EventScoringParameters, event_scoring


def _random_sorted_events(rng: np.random.Generator, duration: float, integer: bool) -> list:
    """Sorted, non-overlapping events (touching allowed) with a mix of gaps and lengths."""
    events: list[tuple[float, float]] = []
    count = int(rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 20]))
    t = 0.0 if rng.random() < 0.2 else float(rng.uniform(0, duration / 4))  # maybe start at 0
    for _ in range(count):
        kind = rng.random()
        if kind < 0.55:
            length = rng.uniform(0.05, 90)
        elif kind < 0.8:
            length = rng.uniform(90, 300)
        elif kind < 0.95:
            length = rng.uniform(300, 1500)  # split into 5 min pieces
        else:
            length = 0.0 if rng.random() < 0.5 else 300.0
        start, end = t, t + length
        if integer:
            start, end = float(round(start)), float(round(end))
        if start >= duration:
            break
        if end >= duration or rng.random() < 0.05:
            end = duration  # touches the end of the recording
        events.append((start, end))
        if end >= duration:
            break
        gap_kind = rng.random()
        if gap_kind < 0.1:
            gap = 0.0
        elif gap_kind < 0.45:
            gap = rng.uniform(0, 90)  # merged
        elif gap_kind < 0.55:
            gap = 90.0  # exactly at the merge limit
        else:
            gap = rng.uniform(90, max(91.0, duration / max(count, 1)))
        t = end + gap
    return events


def _random_overlapping_events(rng: np.random.Generator, duration: float) -> list:
    count = int(rng.integers(0, 10))
    events = []
    for _ in range(count):
        start = float(rng.uniform(0, duration))
        end = min(duration, start + float(rng.choice([rng.uniform(0, 100), rng.uniform(100, 900)])))
        events.append((start, end))
    return events


def _union(events: list) -> list:
    """Independent oracle for the one documented difference: overlapping input is united."""
    merged: list[list[float]] = []
    for start, end in sorted(events):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(e) for e in merged]


def _near_window_edges(rng, reference, params, duration) -> list:
    """Hypotheses that end just before / start just after the widened reference windows."""
    events = []
    for start, end in reference:
        eps = float(rng.choice([0.0, 0.04, 0.05, 0.06, 0.1, 0.15, 1.0]))
        left = start - params.tolerance_start_s
        right = end + params.tolerance_end_s
        choice = rng.random()
        if choice < 0.35 and left - eps > 0:
            edge = left + float(rng.choice([-eps, eps]))
            events.append((max(0.0, edge - float(rng.uniform(0, 20))), max(0.0, edge)))
        elif choice < 0.7 and right + eps < duration:
            edge = right + float(rng.choice([-eps, eps]))
            events.append((edge, min(duration, edge + float(rng.uniform(0, 20)))))
        elif choice < 0.85:
            events.append((start, end))
    return events


def _random_params(rng: np.random.Generator) -> EventScoringParameters:
    if rng.random() < 0.75:
        return EventScoringParameters()
    return EventScoringParameters(
        tolerance_start_s=float(rng.choice([0.0, 10.0, 30.0, 45.5])),
        tolerance_end_s=float(rng.choice([0.0, 20.0, 60.0, 100.25])),
        min_overlap=float(rng.choice([0.0, 0.1, 0.5])),
        max_event_duration_s=float(rng.choice([60.0, 120.0, 300.0, 1000.0])),
        min_duration_between_events_s=float(rng.choice([0.0, 30.0, 90.0, 200.0])),
    )


def _oracle(ref_events, hyp_events, num_samples, fs, params):
    ref = Annotation(ref_events, fs, num_samples)
    hyp = Annotation(hyp_events, fs, num_samples)
    p = scoring.EventScoring.Parameters(
        toleranceStart=params.tolerance_start_s,
        toleranceEnd=params.tolerance_end_s,
        minOverlap=params.min_overlap,
        maxEventDuration=params.max_event_duration_s,
        minDurationBetweenEvents=params.min_duration_between_events_s,
    )
    return scoring.EventScoring(ref, hyp, p)


def _assert_same(ours, oracle, context):
    assert ours.tp == oracle.tp, context
    assert ours.fp == oracle.fp, context
    assert ours.reference_events == oracle.refTrue, context
    for name, theirs in (
        ("sensitivity", oracle.sensitivity),
        ("precision", oracle.precision),
        ("f1", oracle.f1),
        ("fp_per_24h", oracle.fpRate),
    ):
        mine = getattr(ours, name)
        if math.isnan(theirs):
            assert math.isnan(mine), (name, context)
        else:
            assert mine == theirs, (name, mine, theirs, context)


@pytest.mark.parametrize("seed", range(12))
def test_random_sorted_event_lists_match_timescoring(seed):
    rng = np.random.default_rng(1000 + seed)
    for case in range(40):
        fs = int(rng.choice([1, 256]))
        num_samples = int(rng.integers(300, 8 * 3600) * fs + rng.integers(0, fs))
        duration = num_samples / fs
        integer = rng.random() < 0.3
        ref = _random_sorted_events(rng, duration, integer)
        params = _random_params(rng)
        if rng.random() < 0.5:
            hyp = _random_sorted_events(rng, duration, integer)
        else:
            hyp = _near_window_edges(rng, ref, params, duration)
        oracle = _oracle(ref, _union(hyp), num_samples, fs, params)
        ours = event_scoring(ref, hyp, duration, params=params)
        _assert_same(ours, oracle, (seed, case, ref, hyp, duration, params))


@pytest.mark.parametrize("seed", range(4))
def test_overlapping_events_match_timescoring_on_their_union(seed):
    rng = np.random.default_rng(2000 + seed)
    for case in range(40):
        num_samples = int(rng.integers(600, 6 * 3600))
        duration = float(num_samples)
        ref = _random_overlapping_events(rng, duration)
        hyp = _random_overlapping_events(rng, duration)
        oracle = _oracle(_union(ref), _union(hyp), num_samples, 1, EventScoringParameters())
        ours = event_scoring(ref, hyp, duration)
        _assert_same(ours, oracle, (seed, case, ref, hyp, duration))


def test_mask_annotations_match_timescoring():
    # timescoring is often fed masks; events derived from a 1 Hz mask are whole seconds.
    rng = np.random.default_rng(7)
    for case in range(60):
        n = int(rng.integers(600, 4 * 3600))
        masks = []
        for _ in range(2):
            mask = np.zeros(n, dtype=bool)
            for _ in range(int(rng.integers(0, 8))):
                start = int(rng.integers(0, n))
                mask[start : start + int(rng.integers(1, 700))] = True
            masks.append(mask)
        if case == 0:
            masks[0][:] = True  # one event filling the whole recording
        ref, hyp = Annotation(masks[0], 1), Annotation(masks[1], 1)
        oracle = scoring.EventScoring(ref, hyp)
        ours = event_scoring(ref.events, hyp.events, float(n))
        _assert_same(ours, oracle, (case, ref.events, hyp.events, n))


def test_empty_sets_match_timescoring():
    for ref, hyp in (([], []), ([(100.0, 160.0)], []), ([], [(100.0, 160.0)])):
        oracle = _oracle(ref, hyp, 3600, 1, EventScoringParameters())
        _assert_same(event_scoring(ref, hyp, 3600.0), oracle, (ref, hyp))


def test_merged_and_split_events_are_returned():
    scores = event_scoring([(1000.0, 1700.0)], [(1650.0, 1660.0)], 86400.0)
    np.testing.assert_array_equal(scores.reference, [[1000, 1300], [1300, 1600], [1600, 1700]])
    np.testing.assert_array_equal(
        scores.reference_windows, [[970, 1360], [1270, 1660], [1570, 1760]]
    )
    np.testing.assert_array_equal(scores.reference_detected, [False, True, True])


@pytest.mark.parametrize(
    "reference, hypothesis, duration",
    [
        ([(-1.0, 10.0)], [], 100.0),
        ([(20.0, 10.0)], [], 100.0),
        ([], [(150.0, 160.0)], 100.0),
        ([(float("nan"), 10.0)], [], 100.0),
        ([], [], 0.0),
        ([(1.0, 2.0, 3.0)], [], 100.0),
    ],
)
def test_bad_events_raise_value_error(reference, hypothesis, duration):
    with pytest.raises(ValueError):
        event_scoring(reference, hypothesis, duration)


def test_bad_parameters_raise_value_error():
    with pytest.raises(ValueError, match="max_event_duration_s"):
        event_scoring([], [], 100.0, params=EventScoringParameters(max_event_duration_s=0))
