"""Outputs are written atomically and inputs are never written: an interrupted CSV write of
``ictaltrack bandpower --csv`` leaves the previous file (or none) and no temporary file; the input
recording's bytes and mtime are the same after the command.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from io_oracles import SignalSpec, write_edf

from ictaltrack import cli
from ictaltrack._atomic import atomic_output

RATE = 100


@pytest.fixture
def recording(tmp_path) -> tuple[Path, bytes, int]:
    path = tmp_path / "input.edf"
    t = np.arange(RATE * 12) / RATE
    digital = [np.round(8000 * np.sin(2 * np.pi * f * t)).astype(np.int64) for f in (5, 10)]
    specs = [SignalSpec(name, "uV", -3200, 3200, -32768, 32767, RATE) for name in ("C3", "C4")]
    write_edf(path, specs, digital)
    path.chmod(0o444)
    old = path.stat().st_mtime_ns - 3600 * 10**9
    os.utime(path, ns=(old, old))
    return path, path.read_bytes(), old


def test_atomic_output_keeps_the_previous_file_on_error(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("previous")

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted):
        with atomic_output(target) as temporary:
            temporary.write_text("half of the new cont")
            raise Interrupted
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    with atomic_output(target) as temporary:
        temporary.write_text("new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_interrupted_bandpower_csv_leaves_no_partial_file(recording, tmp_path, monkeypatch, capsys):
    path, data, mtime = recording
    out = tmp_path / "bands.csv"
    original = pd.DataFrame.to_csv

    def write_half_then_fail(self, target, *args, **kwargs):
        Path(target).write_text("time,channel,band,po")  # a partial line, then the disk fills
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", write_half_then_fail)
    # The operating system refusing the output is reported like an IoError: exit code 2.
    assert cli.main(["bandpower", str(path), "--csv", str(out)]) == 2
    assert "OSError: [Errno 28] No space left on device" in capsys.readouterr().err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.edf"]

    out.write_text("previous result\n")
    assert cli.main(["bandpower", str(path), "--csv", str(out), "--wide"]) == 2
    assert out.read_text() == "previous result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bands.csv", "input.edf"]

    monkeypatch.setattr(pd.DataFrame, "to_csv", original)
    assert cli.main(["bandpower", str(path), "--csv", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["time", "channel", "band", "power"]
    assert set(frame["channel"]) == {"C3", "C4"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bands.csv", "input.edf"]
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == mtime
