"""Errors a Python user can catch the usual way, and one set of exit codes for every entry point.

- ``ictaltrack.IoError`` is an ``OSError``: a missing input raises an error that is both an
  ``IoError`` and a ``FileNotFoundError``, from the C++ reader and writer and from the Python
  modules alike, with the errno of the operating system (``errno`` module as the oracle).
- The command line maps what a sub-command raises to the same exit code whichever entry point
  runs it (``ictaltrack`` / ``cli.main`` and ``python -m ictaltrack.commands.simulate``).
- ``python -W error`` runs the everyday calls without a warning.
"""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ictaltrack
from ictaltrack import cli
from ictaltrack.commands import simulate as simulate_command
from ictaltrack.errors import FileNotFoundIoError, IsADirectoryIoError, io_error, public_name

SAMPLE = Path(__file__).resolve().parents[2] / "sample_edf" / "migrating_referential.edf"


def test_io_error_is_an_os_error():
    assert issubclass(ictaltrack.IoError, OSError)
    assert issubclass(ictaltrack.IoError, ictaltrack.Error)
    assert issubclass(FileNotFoundIoError, FileNotFoundError)
    assert issubclass(FileNotFoundIoError, ictaltrack.IoError)
    assert issubclass(IsADirectoryIoError, IsADirectoryError)


def test_missing_input_is_caught_as_file_not_found(tmp_path):
    missing = tmp_path / "missing.edf"
    with pytest.raises(FileNotFoundError) as caught:
        ictaltrack.read_edf(missing)
    error = caught.value
    assert isinstance(error, ictaltrack.IoError)
    assert error.errno == errno.ENOENT
    assert error.path == str(missing)
    assert str(error) == f"cannot open (No such file or directory): {missing}"
    assert public_name(error) == "IoError"
    with pytest.raises(FileNotFoundError):
        ictaltrack.detect(missing)
    with pytest.raises(FileNotFoundError):
        ictaltrack.evaluate(tmp_path / "truth.json", {"duration_s": 10, "seizures": []})
    with pytest.raises(FileNotFoundError):
        ictaltrack.batch.find_recordings([tmp_path / "no_such_folder"])
    with pytest.raises(FileNotFoundError):  # the C++ writer: the folder does not exist
        ictaltrack.write_edf(tmp_path / "no_folder" / "x.edf", np.zeros((1, 256)), 256.0, ["C3"])
    with pytest.raises(IsADirectoryError) as caught:
        ictaltrack.read_edf(tmp_path)
    assert caught.value.errno == errno.EISDIR and isinstance(caught.value, ictaltrack.IoError)


def test_io_error_helper_picks_the_matching_class():
    assert type(io_error("x", "p", errno.ENOENT)) is FileNotFoundIoError
    assert isinstance(io_error("x", "p", errno.EACCES), PermissionError)
    plain = io_error("short read", "p")
    assert type(plain) is ictaltrack.IoError and plain.errno is None and str(plain) == "short read"


def _both_entry_points(argv: list[str]) -> tuple[int, int]:
    return cli.main(argv), simulate_command.main(argv)


def test_exit_codes_are_the_same_whichever_entry_point_runs_the_command(
    tmp_path, monkeypatch, capsys
):
    # Bad input: the output folder does not exist (an IoError from the C++ writer).
    missing_folder = str(tmp_path / "no_folder" / "x.edf")
    assert _both_entry_points(["simulate", missing_folder, "--duration", "10"]) == (2, 2)
    # Bad input: an impossible request (ValueError from the options).
    assert _both_entry_points(
        ["simulate", str(tmp_path / "x.edf"), "--duration", "60", "--seizures", "50"]
    ) == (2, 2)

    def raise_(error: BaseException):
        def run(args):
            raise error

        return run

    for error, code in (
        (ictaltrack.UnsupportedError("not here"), cli.EXIT_UNSUPPORTED),
        (ictaltrack.FormatError("bad"), cli.EXIT_BAD_INPUT),
        (KeyboardInterrupt(), cli.EXIT_INTERRUPTED),
        (PermissionError(errno.EACCES, "denied"), cli.EXIT_BAD_INPUT),
    ):
        monkeypatch.setattr(simulate_command, "run", raise_(error))
        assert _both_entry_points(["simulate", str(tmp_path / "y.edf")]) == (code, code)
    err = capsys.readouterr().err
    assert "ictaltrack simulate: UnsupportedError: not here" in err
    assert "ictaltrack simulate: interrupted" in err


def test_quiet_and_json_mean_the_same_on_every_command(tmp_path, capsys):
    for argv in (["info", str(SAMPLE)], ["channels", "Fp1,C3"]):
        out = tmp_path / f"{argv[0]}.json"
        assert cli.main([*argv, "--json", str(out), "-q"]) == 0
        assert capsys.readouterr().out == ""
        assert out.read_text(encoding="utf-8").startswith(("{", "["))
        assert cli.main([*argv, "--json", "-"]) == 0
        captured = capsys.readouterr()
        assert captured.out.strip() == out.read_text(encoding="utf-8").strip()
        assert captured.err  # the text output moved to stderr
    for command in ("detect", "batch", "bandpower", "simulate", "info", "channels", "evaluate"):
        parser = cli.build_parser(command)
        text = parser._subparsers._group_actions[0].choices[command].format_help()
        assert "-q, --quiet" in text, command
        if command in ("detect", "batch", "bandpower"):
            assert "--threads N" in text, command
        if command in ("detect", "info", "channels", "evaluate"):
            assert "--json OUT|-" in text, command
    simulate_help = (
        cli.build_parser("simulate")._subparsers._group_actions[0].choices["simulate"].format_help()
    )
    assert "--truth PATH" in simulate_help and "--json" not in simulate_help


def test_everyday_calls_raise_no_warning(tmp_path):
    code = f"""
import importlib, pkgutil
import matplotlib
matplotlib.use("Agg")
import ictaltrack
for module in pkgutil.walk_packages(ictaltrack.__path__, "ictaltrack."):
    importlib.import_module(module.name)
recording = ictaltrack.read_edf({str(SAMPLE)!r})
data = recording.get_data(start=0, stop=2560)
recording.to_mne(verbose=False)
ictaltrack.band_power(data, 256.0, window_s=4.0)
result = ictaltrack.detect({str(SAMPLE)!r})
result.seizures, result.transitions, result.to_csv(), result.to_mne_annotations()
result.plot_timeline(), result.plot_onset_map(0)
ictaltrack.evaluate({str(SAMPLE.with_suffix(".json"))!r}, result.to_dict())
ictaltrack.simulate({str(tmp_path / "s.edf")!r}, duration_s=30)
print("clean")
"""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["clean"]
    assert "Warning" not in done.stderr
