"""Test helper: a simulator truth JSON as a detection-shaped dict (the `_core.detect_file` shape),
so the tracker, exports and plots can be tested against exactly known seizures."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import ictaltrack

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_edf"


def canonical(label: str) -> str:
    name = ictaltrack.parse_label(label)["name"]
    return name or label


def truth_to_detection(
    truth_path: str | Path, *, start_time: str = "2020-01-01T08:00:00", file: str = ""
) -> dict[str, Any]:
    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    bad = {c for b in truth.get("bad_channels", []) for c in b.get("channels", [])}
    channels = []
    for label in truth["channels"]:
        info = ictaltrack.parse_label(label)
        channels.append(
            {
                "label": label,
                "name": info["name"] or label,
                "kind": info["kind"],
                "hemisphere": info["hemisphere"],
                "region": info["region"],
                "status": "bad" if label in bad else "ok",
                "bad_reason": "",
            }
        )
    seizures = []
    for s in truth["seizures"]:
        side = {"left": 1.0, "right": -1.0}.get(s["hemisphere"], math.nan)
        seizures.append(
            {
                "onset_s": s["onset_s"],
                "offset_s": s["offset_s"],
                "onset_channels": [canonical(e) for e in s["focus_electrodes"]],
                "region": s["region"],
                "hemisphere": s["hemisphere"],
                "lateralization_index": side,
                "confidence": 1.0,
                "channel_onsets": {canonical(k): v for k, v in s["channel_onsets"].items()},
            }
        )
    return {
        "file": file or str(Path(truth_path).with_suffix(".edf")),
        "duration_s": truth["duration_s"],
        "start_time": start_time,
        "channels": channels,
        "seizures": seizures,
        "warnings": [],
    }
