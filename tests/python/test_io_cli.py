"""``ictaltrack info FILE [--json]``, run as a subprocess, against pyedflib's header values."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from io_oracles import SignalSpec, corpus_files, read_pyedflib, write_edf

EXECUTABLE = Path(sys.executable).parent / "ictaltrack"


def run_info(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(EXECUTABLE), "info", *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    specs = [
        SignalSpec("EEG Fp1-REF", "uV", -200, 200, -32768, 32767, 256),
        SignalSpec("ECG", "mV", -5, 5, -2048, 2047, 128),
    ]
    digital = [np.zeros(256 * 3, dtype=int), np.ones(128 * 3, dtype=int)]
    path = tmp_path_factory.mktemp("cli") / "small.edf"
    write_edf(path, specs, digital, annotations=[(1.0, 0.5, "onset"), (2.0, None, "end")])
    return path


def compare_with_pyedflib(path: Path, summary: dict) -> None:
    reading = read_pyedflib(path, with_data=False)
    assert summary["n_records"] == reading.n_records
    assert summary["record_duration_s"] == pytest.approx(reading.record_duration)
    assert summary["n_channels"] == len(reading.labels)
    assert [c["label"] for c in summary["channels"]] == reading.labels
    assert [c["sfreq"] for c in summary["channels"]] == pytest.approx(reading.rates)
    assert [c["unit"] for c in summary["channels"]] == reading.dimensions
    assert [c["n_samples"] for c in summary["channels"]] == reading.n_samples
    assert [c["physical_min"] for c in summary["channels"]] == pytest.approx(reading.physical_min)
    assert [c["digital_max"] for c in summary["channels"]] == reading.digital_max
    assert summary["annotations"]["count"] == len(reading.annotations[0])
    assert summary["start"].startswith(reading.start.strftime("%Y-%m-%dT%H:%M:%S"))


def test_info_json_matches_pyedflib(small_file):
    result = run_info(str(small_file), "--json", "-")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    compare_with_pyedflib(small_file, summary)
    assert summary["format"] == "EDF+C"
    assert summary["duration_s"] == 3.0
    assert summary["gaps"] == [] and summary["discontinuous"] is False
    assert summary["annotations"]["descriptions"] == {"onset": 1, "end": 1}


def test_info_text_lists_channels(small_file):
    result = run_info(str(small_file))
    assert result.returncode == 0, result.stderr
    assert "EDF+C" in result.stdout
    assert "EEG Fp1-REF" in result.stdout and "256" in result.stdout
    assert "annotations: 2" in result.stdout


@pytest.mark.parametrize("name", ["mne_testing_data/test_reduced.edf", "edfio/mne_test.bdf"])
def test_info_json_on_corpus(name):
    path = next((p for p in corpus_files() if p.as_posix().endswith(name)), None)
    if path is None:
        pytest.skip(f"{name} not in ../shared/corpus")
    result = run_info(str(path), "--json", "-")
    assert result.returncode == 0, result.stderr
    compare_with_pyedflib(path, json.loads(result.stdout))


def test_info_discontinuous_reports_gaps(tmp_path):
    specs = [SignalSpec("C3", "uV", -500, 500, -32768, 32767, 10)]
    path = tmp_path / "gaps.edf"
    write_edf(
        path, specs, [np.zeros(30, dtype=int)], reserved="EDF+D", record_onsets=[0.0, 4.0, 5.0]
    )
    result = run_info(str(path), "--json", "-")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["format"] == "EDF+D"
    assert summary["gaps"] == [{"onset_s": 1.0, "duration_s": 3.0}]
    assert summary["duration_s"] == 6.0


def test_info_missing_file_exits_2(tmp_path):
    result = run_info(str(tmp_path / "missing.edf"))
    assert result.returncode == 2
    assert "IoError" in result.stderr


def test_info_truncated_file_exits_2(small_file, tmp_path):
    truncated = tmp_path / "cut.edf"
    truncated.write_bytes(small_file.read_bytes()[:200])
    result = run_info(str(truncated), "--json", "-")
    assert result.returncode == 2
    assert "FormatError" in result.stderr
    assert result.stdout == ""
