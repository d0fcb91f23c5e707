"""Onset alarms of the streaming detector (issue 14, point 3): the same alarms whatever the chunk
sizes, each seizure announced before it is emitted and while it runs, checked against the
simulator's truth (planned independently of the detector); the alarm scoring of the evaluation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyedflib
import pytest

import ictaltrack
from ictaltrack import _core
from ictaltrack.scoring import alarm_scores
from ictaltrack.streaming import alarm_to_json

ALARM_KEYS = {
    "event",
    "raised_s",
    "onset_s",
    "onset_channels",
    "hemisphere",
    "region",
    "confidence",
    "raised_sample",
    "onset_sample",
}


def _pyedflib_samples(path: Path) -> tuple[np.ndarray, list[str], float]:
    """Physical values (microvolts) of every signal as float32 (what detect feeds), by pyedflib."""
    with pyedflib.EdfReader(str(path)) as reader:
        names = reader.getSignalLabels()
        rates = {reader.getSampleFrequency(i) for i in range(reader.signals_in_file)}
        assert len(rates) == 1, rates
        data = np.vstack([reader.readSignal(i) for i in range(reader.signals_in_file)])
    return data.astype(np.float32), names, rates.pop()


@pytest.fixture(scope="module", params=["referential", "bipolar"])
def simulated(request, tmp_path_factory) -> tuple[np.ndarray, list[str], float, dict, Path]:
    path = tmp_path_factory.mktemp("alarms") / f"sim_{request.param}.edf"
    truth = ictaltrack.simulate(
        path, duration_s=600, seed=23, montage=request.param, n_seizures=3, overlap_probability=0.0
    )
    assert len(truth["seizures"]) == 3
    data, names, sfreq = _pyedflib_samples(path)
    return data, names, sfreq, truth, path


def _stream(data: np.ndarray, names: list[str], sfreq: float, cuts: list[int]) -> list[dict]:
    """Alarms and seizures in the order they come out, each with the samples pushed by then."""
    detector = ictaltrack.SeizureDetector(sfreq, names, line_frequency_hz=50)
    events = []
    for first, last in zip(cuts[:-1], cuts[1:]):
        detector.push(data[:, first:last])
        for record in detector.take_alarms() + detector.take_seizures():
            events.append({**record, "pushed": detector.samples_pushed})
    detector.finish()
    for record in detector.take_alarms() + detector.take_seizures():
        events.append({**record, "pushed": detector.samples_pushed})
    return events


def test_alarms_are_the_same_whatever_the_chunks(simulated):
    data, names, sfreq, _, _ = simulated
    n = data.shape[1]
    whole = [e for e in _stream(data, names, sfreq, [0, n]) if e.get("event") == "alarm"]
    assert len(whole) >= 3
    for alarm in whole:
        assert set(alarm) - {"pushed"} == ALARM_KEYS
        assert alarm["raised_s"] == pytest.approx(alarm["raised_sample"] / sfreq, abs=1e-6)
        assert alarm["onset_s"] == pytest.approx(alarm["onset_sample"] / sfreq, abs=1e-6)
        assert 0.0 <= alarm["confidence"] <= 1.0
        assert alarm["onset_channels"] and set(alarm["onset_channels"]) <= {
            row["name"] or row["label"]
            for row in ictaltrack.channel_table(names).to_dict("records")
        }
    rng = np.random.default_rng(3)
    for _ in range(3):
        cuts = np.sort(rng.choice(np.arange(1, n), size=rng.integers(5, 60), replace=False))
        chunked = _stream(data, names, sfreq, [0, *cuts.tolist(), n])
        alarms = [{k: v for k, v in e.items() if k != "pushed"} for e in chunked if "event" in e]
        assert alarms == [{k: v for k, v in e.items() if k != "pushed"} for e in whole]


def test_each_seizure_is_announced_before_it_ends(simulated):
    data, names, sfreq, truth, _ = simulated
    n = data.shape[1]
    events = _stream(data, names, sfreq, [*range(0, n, int(sfreq)), n])  # one second at a time
    alarms = [e for e in events if e.get("event") == "alarm"]
    seizures = [e for e in events if "event" not in e]
    assert len(seizures) == len(truth["seizures"])
    for seizure in seizures:
        announced = [
            a
            for a in alarms
            if abs(a["onset_s"] - seizure["onset_s"]) <= 3.0 and a["raised_s"] < seizure["offset_s"]
        ]
        assert len(announced) == 1, seizure["onset_s"]
        alarm = announced[0]
        # Out before the seizure (it came out of an earlier or the same push), raised from data
        # already pushed, with the final seizure's side.
        assert alarm["pushed"] <= seizure["pushed"]
        assert alarm["raised_sample"] <= alarm["pushed"]
        assert alarm["hemisphere"] == seizure["hemisphere"]
    # Against the truth: one alarm per true seizure, raised while it runs, no alarm elsewhere.
    for true in truth["seizures"]:
        inside = [a for a in alarms if true["onset_s"] < a["raised_s"] < true["offset_s"]]
        assert len(inside) == 1, true
    scores = alarm_scores(truth["seizures"], alarms, n / sfreq)
    assert scores.alarmed == len(truth["seizures"])
    assert scores.false_alarms == 0


def test_alarm_scores_on_hand_made_alarms():
    truth = [{"onset_s": 100.0, "offset_s": 160.0}, {"onset_s": 1000.0, "offset_s": 1060.0}]
    alarms = [
        {"onset_s": 101.0, "raised_s": 110.0},
        {"onset_s": 500.0, "raised_s": 510.0},  # meets no widened window [70, 220], [970, 1120]
        {"onset_s": 1002.0, "raised_s": 1015.0},
        {"onset_s": 106.0, "raised_s": 130.0},  # a second alarm in the first window: not false
    ]
    scores = alarm_scores(truth, alarms, 3600.0)
    assert scores.alarms == 4
    assert scores.alarmed == 2
    assert scores.delays_s == (10.0, 15.0)
    assert scores.delay_median_s == 12.5
    assert scores.delay_p90_s == pytest.approx(14.5)  # linear interpolation: 10 + 0.9 * 5
    assert scores.false_alarms == 1
    empty = alarm_scores([], alarms[:1], 3600.0)
    assert (empty.alarmed, empty.false_alarms) == (0, 1)
    assert np.isnan(empty.delay_median_s)


def test_an_alarm_raised_before_the_onset_is_a_detection_counted_as_early():
    # Widened windows [70, 220] and [970, 1120]: the first alarm is raised 5 s before its
    # seizure's onset (inside the 30 s pre-onset tolerance), the second 20 s after; the third
    # ends 31 s before the first seizure's onset (outside every window): false.
    truth = [{"onset_s": 100.0, "offset_s": 160.0}, {"onset_s": 1000.0, "offset_s": 1060.0}]
    alarms = [
        {"onset_s": 80.0, "raised_s": 95.0},
        {"onset_s": 1003.0, "raised_s": 1020.0},
        {"onset_s": 40.0, "raised_s": 69.0},
    ]
    scores = alarm_scores(truth, alarms, 3600.0)
    assert scores.alarmed == 2
    assert scores.delays_s == (-5.0, 20.0)
    assert scores.early_alarms == 1
    assert scores.false_alarms == 1
    assert scores.delay_median_s == 7.5  # (-5 + 20) / 2: the negative delay counts as it is
    # The first seizure announced at its onset instead: no early alarm.
    on_time = alarm_scores(truth, [{"onset_s": 80.0, "raised_s": 100.0}, alarms[1]], 3600.0)
    assert on_time.delays_s == (0.0, 20.0)
    assert on_time.early_alarms == 0


def test_alarm_to_json_names_channels_and_keeps_times():
    raw = {
        "raised_sample": 2560,
        "onset_sample": 512,
        "raised_s": 10.0,
        "onset_s": 2.0,
        "onset_channels": [2, 0],
        "hemisphere": "left",
        "region": "temporal",
        "confidence": 0.75,
    }
    record = alarm_to_json(raw, ["Fp1", "Fp2", "T7"])
    assert record == {
        "event": "alarm",
        "raised_s": 10.0,
        "onset_s": 2.0,
        "onset_channels": ["T7", "Fp1"],
        "hemisphere": "left",
        "region": "temporal",
        "confidence": 0.75,
        "raised_sample": 2560,
        "onset_sample": 512,
    }


def test_detect_file_alarms_are_the_streams_and_leave_the_result_alone(simulated):
    data, names, sfreq, _, path = simulated

    plain = _core.detect_file(str(path), {"line_frequency_hz": 50}, None)
    with_alarms = _core.detect_file(str(path), {"line_frequency_hz": 50}, None, True)
    raw_alarms = with_alarms.pop("alarms")
    assert with_alarms == plain  # an extra output: the detect dict is the same
    channel_names = [channel["name"] for channel in plain["channels"]]
    from_file = [alarm_to_json(alarm, channel_names) for alarm in raw_alarms]
    streamed = [e for e in _stream(data, names, sfreq, [0, data.shape[1]]) if "event" in e]
    assert len(from_file) == len(streamed) >= 3
    for got, want in zip(from_file, streamed):
        assert got["raised_sample"] == want["raised_sample"]
        assert got["onset_sample"] == want["onset_sample"]
        assert got["onset_channels"] == want["onset_channels"]
        for key in ("hemisphere", "region", "confidence"):
            assert got[key] == want[key], key
        # The file's times are sample times floored to 100 ns ticks; the stream's sample / sfreq.
        assert got["onset_s"] == pytest.approx(want["onset_s"], abs=1e-6)
        assert got["raised_s"] == pytest.approx(want["raised_s"], abs=1e-6)
