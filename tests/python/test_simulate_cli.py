"""``ictaltrack simulate``: duration parsing, options, files written, exit codes."""

from __future__ import annotations

import argparse
import json

import pyedflib
import pytest

from ictaltrack import cli
from ictaltrack.commands import simulate as command


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90),
        ("90s", 90),
        ("30min", 1800),
        ("2h", 7200),
        ("1.5h", 5400),
        ("1h30min", 5400),
        ("1d", 86400),
        ("45 sec", 45),
        ("10m", 600),
    ],
)
def test_parse_duration(text, seconds):
    assert command.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "2x", "h", "-5s", "0", "1h-2"])
def test_parse_duration_rejects(text):
    with pytest.raises(argparse.ArgumentTypeError):
        command.parse_duration(text)


def test_simulate_is_a_cli_command():
    assert "simulate" in cli.COMMANDS


def test_writes_edf_and_truth(tmp_path, capsys):
    out = tmp_path / "cli.edf"
    code = command.main(
        [
            "simulate",
            str(out),
            "--duration",
            "2min",
            "--seed",
            "3",
            "--seizures",
            "1",
            "--seizure-duration",
            "30,40",
            "--montage",
            "bipolar",
            "--no-artifacts",
            "--line-noise",
            "60",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "cli.edf: 120 s, 23 channels, 1 seizures (0 overlapping), 0 artifacts" in printed
    truth = json.loads(out.with_suffix(".json").read_text())
    assert truth["config"]["line_noise_hz"] == 60
    assert truth["config"]["blinks"] is False
    assert truth["montage"] == "bipolar"
    assert 30 <= truth["seizures"][0]["offset_s"] - truth["seizures"][0]["onset_s"] <= 40
    with pyedflib.EdfReader(str(out)) as reader:
        assert reader.signals_in_file == 23
        assert reader.getFileDuration() == 120


def test_options_map_to_the_python_api(tmp_path):
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    args = parser.parse_args(
        [
            "simulate",
            "x.edf",
            "--duration",
            "1h",
            "--label-style",
            "eeg-ref",
            "--temporal-names",
            "new",
            "--bdf",
            "--interval",
            "100,200",
            "--blinks-per-hour",
            "0",
            "--muscle-per-hour",
            "50",
            "--bad-channel",
            "disconnected",
            "--truth",
            str(tmp_path / "t.json"),
        ]
    )
    options = command.options_from_args(args)
    assert options["duration_s"] == 3600
    assert options["label_style"] == "eeg-ref"
    assert options["temporal_names"] == "new"
    assert options["file_type"] == "bdf"
    assert (options["interval_min_s"], options["interval_max_s"]) == (100, 200)
    assert options["blinks"] is False
    assert options["muscle_per_hour"] == 50
    assert options["bad_channel"] == "disconnected"
    assert options["json_path"] == str(tmp_path / "t.json")
    assert options["n_seizures"] is None


def test_impossible_request_exits_with_2_and_writes_nothing(tmp_path, capsys):
    code = command.main(
        ["simulate", str(tmp_path / "x.edf"), "--duration", "2min", "--seizures", "9"]
    )
    assert code == 2
    assert "do not fit" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_target_exits_with_2(tmp_path, capsys):
    code = command.main(["simulate", str(tmp_path / "missing" / "x.edf"), "--duration", "10s"])
    assert code == 2
    assert "IoError" in capsys.readouterr().err
