"""docs/tutorial.py runs end to end as a script and leaves its outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.py"


def test_tutorial_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", str(TUTORIAL), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "migrating" in result.stdout
    assert "FIF through MNE gives the same seizures: True" in result.stdout
    assert "live: seizure" in result.stdout
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "tutorial.edf",
        "tutorial.json",
        "timeline.png",
        "tutorial_detections.json",
        "tutorial_detections.csv",
        "tutorial_detections_annotations.edf",
    } <= names
    detections = json.loads((tmp_path / "tutorial_detections.json").read_text(encoding="utf-8"))
    truth = json.loads((tmp_path / "tutorial.json").read_text(encoding="utf-8"))
    assert detections["duration_s"] == truth["duration_s"] == 300
    assert len(truth["seizures"]) == 4
    image = plt.imread(tmp_path / "timeline.png")
    assert image.shape[0] > 200 and image[..., :3].std() > 0.05
    page = plt.imread(tmp_path / "seizure_1_eeg.png")  # 18 double banana lanes of 7 mm
    assert page.shape[0] > 18 * 7 / 25.4 * 100 and page[..., :3].std() > 0.05
