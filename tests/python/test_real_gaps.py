"""Real EEG with an EDF+D gap and a duplicated channel (../shared/real, CHB-MIT chb01_03 joined).

The file holds seconds 0-41 and 2995-3036 of chb01_03 as two EDF+D segments, 49 minutes apart,
with one annotated seizure at 2996-3036 s (../shared/real/MANIFEST.md) and the label T8-P8 twice.
Oracles: the record onsets parsed here from the file's time-keeping TALs (EDF+ specification,
independent of the reader), the truth JSON beside the file, and the manifest (seconds 0-41 hold
no seizure). Skipped when ../shared/real is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ictaltrack
from ictaltrack import _core

REAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "real"
JOINED = REAL_DIR / "chb01_03_joined_edfd.edf"

pytestmark = pytest.mark.skipif(not JOINED.exists(), reason="../shared/real is absent")


def _record_onsets(path: Path) -> tuple[list[float], float]:
    """Record onsets (s) from the first TAL of each record of the EDF+ annotation signal."""
    raw = path.read_bytes()
    header_bytes = int(raw[184:192])
    n_records = int(raw[236:244])
    record_s = float(raw[244:252])
    n_signals = int(raw[252:256])
    labels = [
        raw[256 + 16 * i : 256 + 16 * (i + 1)].decode("ascii").strip() for i in range(n_signals)
    ]
    spr_at = 256 + n_signals * 216
    samples = [int(raw[spr_at + 8 * i : spr_at + 8 * (i + 1)]) for i in range(n_signals)]
    annotation = labels.index("EDF Annotations")
    record_bytes = 2 * sum(samples)
    start = 2 * sum(samples[:annotation])
    onsets = []
    for r in range(n_records):
        at = header_bytes + r * record_bytes + start
        tal = raw[at : at + 2 * samples[annotation]]
        onsets.append(float(tal.split(b"\x14", 1)[0].decode("ascii")))
    return onsets, record_s


@pytest.fixture(scope="module")
def joined():
    return ictaltrack.detect(JOINED), _core.detect_file(str(JOINED))


def test_the_gap_is_reported_at_its_true_place(joined) -> None:
    result, raw = joined
    onsets, record_s = _record_onsets(JOINED)
    expected = [
        (a + record_s, b - (a + record_s)) for a, b in zip(onsets, onsets[1:]) if b > a + record_s
    ]
    assert expected == [(41.0, 2954.0)]  # the manifest's layout
    assert result.gaps == expected
    assert [g for g in raw["gaps"]] == [{"onset_s": 41.0, "duration_s": 2954.0}]
    assert "gaps" in [w["code"] for w in raw["warnings"]]
    assert "gaps_bridged" not in [w["code"] for w in raw["warnings"]]
    # Two segments of 41 s, 2 s windows every 1 s: each segment is covered whole.
    assert result.analysed_s == pytest.approx(82.0)
    assert result.duration_s == pytest.approx(3036.0)


def test_nothing_in_the_first_segment_and_nothing_spans_the_gap(joined) -> None:
    result, _ = joined
    seizures = result.seizures
    assert len(seizures) >= 1
    for onset, offset in zip(seizures["onset_s"], seizures["offset_s"]):
        assert onset >= 2995.0, f"seizure at {onset} s before the gap or in the first segment"
        assert offset <= 3036.0
    for channel_onsets in seizures["channel_onsets"]:
        assert min(channel_onsets.values()) >= 2995.0
    truth = json.loads((REAL_DIR / "chb01_03_joined_edfd.truth.json").read_text())
    annotated = truth["seizures"][0]["onset_s"]
    assert min(abs(onset - annotated) for onset in seizures["onset_s"]) <= 10.0


def test_a_duplicated_channel_is_analysed_once(joined) -> None:
    result, raw = joined
    channels = result.channels
    t8p8 = channels[channels["label"] == "T8-P8"]
    assert list(t8p8["status"]) == ["ok", "bad"]
    assert list(t8p8["bad_reason"])[1] == "duplicate channel name"
    assert "duplicate_channel" in [w["code"] for w in raw["warnings"]]
    for onset_channels in result.seizures["onset_channels"]:
        assert len(onset_channels) == len(set(onset_channels))
