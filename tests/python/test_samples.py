"""The committed recordings in sample_edf/ are exactly what scripts/make_samples.sh makes."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import mne
import pytest

from ictaltrack.commands import simulate as command

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "make_samples.sh"
SAMPLES = ROOT / "sample_edf"
PREFIX = '"${ICTALTRACK[@]}" simulate '


def script_commands(out_dir: Path) -> list[list[str]]:
    """The `simulate` command lines of the script, with $OUT replaced by out_dir."""
    commands = []
    for line in SCRIPT.read_text().replace("\\\n", " ").splitlines():
        if line.startswith(PREFIX):
            arguments = shlex.split(line[len(PREFIX) :].replace("$OUT", str(out_dir)))
            commands.append(["simulate", *arguments])
    return commands


def without_version(truth: dict) -> dict:
    truth = dict(truth)
    truth["generator"] = {k: v for k, v in truth["generator"].items() if k != "version"}
    return truth


def test_script_makes_the_committed_files_byte_for_byte(tmp_path):
    commands = script_commands(tmp_path)
    assert len(commands) == 3
    for argv in commands:
        assert command.main(argv) == 0
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".edf", ".json"})
    for name in made:
        new, committed = tmp_path / name, SAMPLES / name
        if name.endswith(".edf"):
            assert new.read_bytes() == committed.read_bytes(), name
            assert committed.stat().st_size <= 3_000_000
        else:
            # A version bump alone does not make the samples stale.
            assert without_version(json.loads(new.read_text())) == without_version(
                json.loads(committed.read_text())
            ), name


def test_demo_file_has_migrating_and_overlapping_seizures():
    truth = json.loads((SAMPLES / "migrating_referential.json").read_text())
    seizures = truth["seizures"]
    assert len(seizures) >= 3
    assert len(truth["channels"]) == 19
    assert any(s["overlaps_previous"] for s in seizures)
    assert {s["hemisphere"] for s in seizures} == {"left", "right"}
    assert len({(s["hemisphere"], s["region"]) for s in seizures}) == len(seizures)
    raw = mne.io.read_raw_edf(SAMPLES / "migrating_referential.edf", verbose="error")
    assert raw.ch_names == truth["channels"]
    assert sum(d.startswith("seizure") for d in raw.annotations.description) == len(seizures)


@pytest.mark.parametrize("name", ["migrating_referential", "chbmit_bipolar", "artifacts_only"])
def test_readme_documents_each_sample(name):
    readme = (SAMPLES / "README.md").read_text()
    assert f"{name}.edf" in readme
    assert "scripts/make_samples.sh" in readme
