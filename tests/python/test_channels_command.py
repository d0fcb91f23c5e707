"""The ``channels`` sub-command, run through its own argparse registration."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from ictaltrack.commands import channels

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


def run_channels(argv, capsys):
    parser = argparse.ArgumentParser()
    channels.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["channels", *argv])
    assert args.func(args) == 0
    return capsys.readouterr().out


def test_labels_on_the_command_line_as_json(capsys):
    out = run_channels(["Fp1,EEG T3-REF", "FT9-FT10", "EKG", "--json", "-", "--neighbours"], capsys)
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["Fp1", "T7", "FT9-FT10", ""]
    assert [r["hemisphere"] for r in rows] == ["left", "left", "bilateral", "unknown"]
    assert rows[3]["kind"] == "ecg" and rows[3]["neighbours"] == ""


def test_text_table(capsys):
    out = run_channels(["C3", "C4"], capsys)
    assert "central" in out and "left" in out and "right" in out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus ../shared/corpus is absent")
def test_file_argument_uses_the_header_labels(capsys):
    pytest.importorskip("ictaltrack.io", reason="the reader stage is not in this build")
    path = CORPUS / "dataset_headers" / "chb01_01_sample.edf"
    rows = json.loads(run_channels([str(path), "--json", "-"], capsys))
    assert rows[0]["name"] == "Fp1-F7" and rows[0]["hemisphere"] == "left"
