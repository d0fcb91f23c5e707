"""The detect output contract: JSON (validated against docs/detect.schema.json), CSV and EDF+
annotation round trips read back with independent readers (pandas/csv, MNE, pyedflib), plots,
CLI exit codes, and the detector end to end on the sample recordings."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from truth_detections import SAMPLE_DIR, truth_to_detection  # noqa: E402

import ictaltrack  # noqa: E402
from ictaltrack import cli  # noqa: E402
from ictaltrack.commands import detect as detect_command  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "detect.schema.json").read_text(encoding="utf-8"))
DEMO = SAMPLE_DIR / "migrating_referential.edf"
SAMPLES = sorted(SAMPLE_DIR.glob("*.edf"))


@pytest.fixture(scope="module")
def truth_result() -> ictaltrack.DetectionResult:
    return ictaltrack.DetectionResult.from_dict(
        truth_to_detection(SAMPLE_DIR / "migrating_referential.json", file=str(DEMO))
    )


def validate(document: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_broken_documents(truth_result) -> None:
    good = truth_result.to_dict()
    validate(good)
    for path, value in [
        (("seizures", 0, "hemisphere"), "up"),
        (("transitions", 0, "shift"), "sideways"),
        (("summary", "migrating"), "yes"),
        (("schema_version",), "2.0"),
    ]:
        broken = json.loads(json.dumps(good))
        target = broken
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)


def test_json_round_trip(truth_result, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    text = truth_result.to_json(out)
    assert out.read_text(encoding="utf-8") == text
    document = json.loads(text)
    validate(document)
    assert document["schema_version"] == "1.1"
    truth = json.loads((SAMPLE_DIR / "migrating_referential.json").read_text(encoding="utf-8"))
    assert [s["onset_s"] for s in document["seizures"]] == [s["onset_s"] for s in truth["seizures"]]
    assert document["seizures"][1]["region"] == "frontopolar"  # truth says "frontal polar"
    assert document["seizures"][0]["onset_channels"] == ["T8"]  # truth says T4 (same site)
    again = ictaltrack.DetectionResult.from_json(out)
    assert again.to_dict() == document
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


def test_csv_round_trip(truth_result, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    truth_result.to_csv(out)
    table = pd.read_csv(out)
    assert list(table.columns) == ictaltrack.detection.CSV_COLUMNS
    seizures = truth_result.seizures
    np.testing.assert_allclose(table["onset_s"], seizures["onset_s"])
    np.testing.assert_allclose(table["offset_s"], seizures["offset_s"])
    np.testing.assert_allclose(table["duration_s"], seizures["offset_s"] - seizures["onset_s"])
    assert table["hemisphere"].tolist() == seizures["hemisphere"].tolist()
    assert table["onset_channels"].tolist() == [" ".join(c) for c in seizures["onset_channels"]]
    # First row has no previous seizure: empty fields.
    assert math.isnan(table["interval_from_previous_s"][0])
    assert table["shift_from_previous"][1:].tolist() == truth_result.transitions["shift"].tolist()
    import csv

    with out.open(newline="", encoding="utf-8") as stream:
        raw = [row["overlaps_previous"] for row in csv.DictReader(stream)]
    assert raw == [""] + ["true" if o else "false" for o in truth_result.transitions["overlap"]]


def test_annotations_round_trip_mne_and_pyedflib(truth_result, tmp_path: Path) -> None:
    import mne
    import pyedflib

    out = tmp_path / "ann.edf"
    truth_result.write_annotations(out)
    expected = truth_result.seizures
    annotations = mne.read_annotations(out)
    np.testing.assert_allclose(annotations.onset, expected["onset_s"], atol=1e-4)
    np.testing.assert_allclose(annotations.duration, expected["duration_s"], atol=1e-4)
    assert list(annotations.description) == [
        "seizure 1 right temporal",
        "seizure 2 left frontopolar",
        "seizure 3 right frontotemporal",
        "seizure 4 left central overlap",
    ]
    with pyedflib.EdfReader(str(out)) as reader:
        onsets, durations, texts = reader.readAnnotations()
        assert reader.getStartdatetime() == datetime(2020, 1, 1, 8, 0, 0)
        assert reader.file_duration == pytest.approx(270.0)
    np.testing.assert_allclose(onsets, expected["onset_s"], atol=1e-4)
    assert list(texts) == list(annotations.description)
    # The MNE object in memory carries the recording start.
    in_memory = truth_result.to_mne_annotations()
    assert in_memory.orig_time == datetime(2020, 1, 1, 8, 0, 0, tzinfo=timezone.utc)
    np.testing.assert_allclose(in_memory.onset, expected["onset_s"])


def test_seizures_are_numbered_from_one_everywhere(truth_result, tmp_path: Path) -> None:
    # The simulator's truth numbers its seizures 1..n in onset order ("index"); the CSV, the
    # annotation texts and the onset-map titles and file names use the same numbers.
    import matplotlib.pyplot as plt

    truth = json.loads((SAMPLE_DIR / "migrating_referential.json").read_text(encoding="utf-8"))
    numbers = [s["index"] for s in sorted(truth["seizures"], key=lambda s: s["onset_s"])]
    assert numbers == [1, 2, 3, 4]
    table = pd.read_csv(io.StringIO(truth_result.to_csv()))
    assert table["seizure"].tolist() == numbers
    assert [text.split()[1] for _, _, text in truth_result.annotation_texts()] == [
        str(n) for n in numbers
    ]
    for k, number in enumerate(numbers):
        figure = truth_result.plot_onset_map(k)
        assert figure.axes[0].get_title().startswith(f"seizure {number}:")
        plt.close(figure)


def test_outputs_get_the_mode_of_the_umask(tmp_path: Path, capsys) -> None:
    umask = os.umask(0o027)
    try:
        assert (
            run_cli(
                str(DEMO),
                "--no-progress",
                "-q",
                "--json",
                str(tmp_path / "d.json"),
                "--csv",
                str(tmp_path / "d.csv"),
                "--annotations",
                str(tmp_path / "d.edf"),
                "--plots",
                str(tmp_path / "plots"),
            )
            == 0
        )
    finally:
        os.umask(umask)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 5  # JSON, CSV, annotations, timeline, one onset map per seizure
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(0o640)}  # 0666 & ~0027
    assert capsys.readouterr().out == ""


def test_threads_option_gives_the_same_result(tmp_path: Path, capsys) -> None:
    outputs = []
    for threads in ("1", "2"):
        out = tmp_path / f"t{threads}.json"
        assert (
            run_cli(str(DEMO), "--no-progress", "-q", "--threads", threads, "--json", str(out)) == 0
        )
        outputs.append(json.loads(out.read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]["seizures"]) >= 1
    assert run_cli(str(DEMO), "--threads", "1", "--param", "n_threads=2") == cli.EXIT_BAD_INPUT
    assert "--threads" in capsys.readouterr().err


def test_annotations_overlay_on_source_recording(truth_result) -> None:
    raw = ictaltrack.read_edf(DEMO).to_mne()
    before = len(raw.annotations)
    raw.set_annotations(raw.annotations + truth_result.to_mne_annotations())
    assert len(raw.annotations) == before + 4
    ours = raw.annotations[raw.annotations.description == "seizure 4 left central overlap"]
    # Same orig_time as the recording: the onset stays in the recording's time base.
    assert ours.onset[0] == pytest.approx(142.922, abs=1e-6)
    # The simulator's own annotation of that seizure sits at the same time.
    theirs = raw.annotations[raw.annotations.description == "seizure 4 left central C3"]
    assert theirs.onset[0] == pytest.approx(ours.onset[0], abs=1e-3)


def test_plots_are_drawn(truth_result, tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    figure = truth_result.plot_timeline()
    axis = figure.axes[0]
    assert len(axis.collections) == len(truth_result)  # one bar collection per seizure
    assert [t.get_text() for t in axis.get_yticklabels()] == ["left onset", "right onset"]
    figure.savefig(tmp_path / "timeline.png")
    onset_map = truth_result.plot_onset_map(0)
    onset_map.savefig(tmp_path / "map.png")
    assert len(onset_map.axes) == 2  # the head and its colour bar
    assert "onset after seizure onset (s)" in onset_map.axes[1].get_ylabel()
    with pytest.raises(IndexError):
        truth_result.plot_onset_map(4)
    plt.close("all")
    for name in ("timeline.png", "map.png"):
        data = plt.imread(tmp_path / name)
        assert data.shape[0] > 200 and data.shape[1] > 200
        assert data[..., :3].std() > 0.05  # not a blank image


def run_cli(*args: str) -> int:
    return cli.main(["detect", *args])


@pytest.mark.parametrize("edf", SAMPLES, ids=lambda p: p.stem)
def test_cli_end_to_end(edf: Path, tmp_path: Path, capsys) -> None:
    out_json, out_csv, out_ann = tmp_path / "d.json", tmp_path / "d.csv", tmp_path / "d.edf"
    assert (
        run_cli(
            str(edf),
            "--json",
            str(out_json),
            "--csv",
            str(out_csv),
            "--annotations",
            str(out_ann),
            "--no-progress",
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "migrating:" in printed
    document = json.loads(out_json.read_text(encoding="utf-8"))
    validate(document)
    assert document["duration_s"] == pytest.approx(
        json.loads(edf.with_suffix(".json").read_text(encoding="utf-8"))["duration_s"]
    )
    assert document["start_time"] == "2020-01-01T08:00:00"
    assert len(pd.read_csv(out_csv)) == len(document["seizures"])
    assert document["summary"]["n_seizures"] == len(document["seizures"])
    assert len(document["transitions"]) == max(0, len(document["seizures"]) - 1)


def test_cli_json_to_stdout(capsys) -> None:
    assert run_cli(str(DEMO), "--json", "-", "--no-progress") == 0
    captured = capsys.readouterr()
    validate(json.loads(captured.out))
    assert "migrating:" in captured.err  # the table moves to stderr


def test_cli_progress_bar(capsys) -> None:
    assert run_cli(str(DEMO), "--progress", "--quiet") == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "100%" in captured.err


def test_cli_exit_codes(tmp_path: Path, capsys, monkeypatch) -> None:
    assert run_cli(str(tmp_path / "missing.edf")) == cli.EXIT_BAD_INPUT
    junk = tmp_path / "junk.edf"
    junk.write_bytes(b"0       not an edf header" * 20)
    assert run_cli(str(junk)) == cli.EXIT_BAD_INPUT
    assert run_cli(str(DEMO), "--param", "no_such_parameter=1") == cli.EXIT_BAD_INPUT
    assert run_cli(str(DEMO), "--param", "n_threads=1.5") == cli.EXIT_BAD_INPUT
    assert "n_threads" in capsys.readouterr().err

    def unsupported(*args, **kwargs):
        raise ictaltrack.UnsupportedError("not in this version")

    monkeypatch.setattr(detect_command, "detect", unsupported)
    assert run_cli(str(DEMO)) == cli.EXIT_UNSUPPORTED
    monkeypatch.undo()

    # Ctrl-C arrives while the detector runs (raised from its progress callback): 130 and no
    # output file left behind.
    def interrupt(fraction: float) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(detect_command, "_keep_going", interrupt)
    out = tmp_path / "never.json"
    assert run_cli(str(DEMO), "--no-progress", "--json", str(out)) == cli.EXIT_INTERRUPTED
    assert not out.exists()
    assert "interrupted" in capsys.readouterr().err


def test_cli_entry_point_subprocess(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("ictaltrack")
    result = subprocess.run(
        [str(script), "detect", str(DEMO), "--json", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    validate(json.loads(result.stdout))
    assert "\r" not in result.stderr  # no progress bar when stderr is not a terminal


def test_atomic_write_keeps_old_file_on_error(truth_result, tmp_path: Path) -> None:
    out = tmp_path / "keep.json"
    out.write_text("old", encoding="utf-8")
    truth_result._seizures[0]["onset_s"] = object()  # unserialisable: json.dumps fails
    try:
        with pytest.raises(TypeError):
            truth_result.to_json(out)
    finally:
        truth_result._seizures[0]["onset_s"] = 22.366
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(os.listdir(tmp_path)) == ["keep.json"]


def test_python_detect_accepts_recording_and_progress() -> None:
    fractions: list[float] = []
    result = ictaltrack.detect(
        ictaltrack.read_edf(DEMO), progress=lambda f: fractions.append(f) or True
    )
    assert fractions and fractions[-1] == pytest.approx(1.0)
    assert fractions == sorted(fractions)
    assert isinstance(result.seizures, pd.DataFrame)
    assert result.summary["n_seizures"] == len(result)
    with pytest.raises(ictaltrack.Error, match="cancelled"):
        ictaltrack.detect(DEMO, progress=lambda f: False)


def test_cli_plots(tmp_path: Path, capsys) -> None:
    import matplotlib.pyplot as plt

    assert (
        run_cli(
            str(DEMO),
            "--plots",
            str(tmp_path / "plots"),
            "--no-progress",
            "--json",
            str(tmp_path / "d.json"),
        )
        == 0
    )
    n = len(json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["seizures"])
    names = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert names == sorted(
        ["migrating_referential_timeline.png"]
        + [f"migrating_referential_onset_{k}.png" for k in range(1, n + 1)]
    )
    for name in names:
        image = plt.imread(tmp_path / "plots" / name)
        assert image.shape[0] > 200 and image[..., :3].std() > 0.05


@pytest.mark.parametrize("edf", SAMPLES, ids=lambda p: p.stem)
def test_detected_migration_agrees_with_truth(edf: Path) -> None:
    """End to end: the detector's transitions and verdict against the truth's (the same tracker
    on both sides; pairs of consecutive true seizures whose members are both matched)."""
    from ictaltrack.scoring import match_seizures

    truth = ictaltrack.DetectionResult.from_dict(truth_to_detection(edf.with_suffix(".json")))
    detected = ictaltrack.detect(edf)
    assert detected.summary["migrating"] == truth.summary["migrating"]
    match = match_seizures(truth._seizures, detected._seizures, truth.duration_s)
    assert all(j is not None for j in match)  # every true seizure found
    for k, transition in enumerate(truth._transitions):
        pair = [detected._seizures[match[k]], detected._seizures[match[k + 1]]]
        shift = ictaltrack._core.track_migration(pair)["transitions"][0]["shift"]
        assert shift == transition["shift"], (k, pair)


def test_warnings_keep_their_codes_from_the_detector_to_the_json(tmp_path: Path) -> None:
    """Every warning of the C++ detector (code, message, signal) survives DetectionResult, the
    JSON file and its reading back; a 1.0 document's plain-string warnings read with no code."""
    from ictaltrack import _core

    # Two copies of one channel: the reader warns (duplicate_label), the detector leaves the
    # second copy out (duplicate_channel).
    data = np.random.default_rng(5).normal(0.0, 20.0, (3, 256 * 40))
    data[2] = data[1]
    path = tmp_path / "duplicate.edf"
    ictaltrack.write_edf(path, data, 256.0, ["Fp1", "C3", "C3"])
    raw = _core.detect_file(str(path))
    expected = [(w["code"], w["message"], w["signal"]) for w in raw["warnings"]]
    assert {"duplicate_label", "duplicate_channel"} <= {code for code, _, _ in expected}

    result = ictaltrack.detect(path)
    assert [(w.code, w.message, w.signal) for w in result.warnings] == expected
    assert [str(w) for w in result.warnings] == [message for _, message, _ in expected]
    document = json.loads(result.to_json(tmp_path / "out.json"))
    jsonschema.validate(document, SCHEMA)
    assert [(w["code"], w["message"], w["signal"]) for w in document["warnings"]] == expected
    again = ictaltrack.DetectionResult.from_json(tmp_path / "out.json")
    assert [(w.code, w.message, w.signal) for w in again.warnings] == expected

    old = dict(document, schema_version="1.0", warnings=["a plain message"])
    assert [
        (w.code, w.message, w.signal) for w in ictaltrack.DetectionResult.from_dict(old).warnings
    ] == [("", "a plain message", -1)]
