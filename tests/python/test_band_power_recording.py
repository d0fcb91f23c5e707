"""``Recording.band_power`` and ``ictaltrack bandpower`` on files written byte by byte, against
scipy.signal.spectrogram + the rectangle rule on the samples known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from io_oracles import SignalSpec, write_edf
from test_band_power import assert_power_close, scipy_band_power

import ictaltrack
from ictaltrack import cli

RATE = 256


def physical(spec: SignalSpec, digital: np.ndarray) -> np.ndarray:
    gain = (spec.physical_max - spec.physical_min) / (spec.digital_max - spec.digital_min)
    return spec.physical_min + (digital - spec.digital_min) * gain


def make_signals(n_channels, n_samples, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(n_samples) / RATE
    rhythm = 8000 * np.sin(2 * np.pi * 6.0 * t)  # a theta rhythm under the noise
    return [
        np.clip(
            rhythm * (c + 1) / n_channels + rng.normal(0, 3000, n_samples), -32768, 32767
        ).astype(np.int64)
        for c in range(n_channels)
    ]


@pytest.fixture(scope="module")
def continuous_file(tmp_path_factory):
    specs = [SignalSpec(name, "uV", -500, 500, -32768, 32767, RATE) for name in ("C3", "C4", "Cz")]
    specs.append(SignalSpec("Temp", "degC", 20, 45, 0, 2500, RATE))  # not a voltage: left out
    digital = make_signals(3, RATE * 40, seed=1) + [np.full(RATE * 40, 1000)]
    path = tmp_path_factory.mktemp("bp") / "continuous.edf"
    write_edf(path, specs, digital)
    data = np.stack([physical(s, d) for s, d in zip(specs[:3], digital[:3])])
    return path, data


@pytest.fixture(scope="module")
def discontinuous_file(tmp_path_factory):
    """EDF+D: records at 0-9 s, 15-29 s and 40-44 s (two gaps), 2 channels at 256 Hz."""
    specs = [SignalSpec(name, "uV", -500, 500, -32768, 32767, RATE) for name in ("T3", "T4")]
    onsets = [float(s) for s in list(range(0, 10)) + list(range(15, 30)) + list(range(40, 45))]
    digital = make_signals(2, RATE * len(onsets), seed=2)
    path = tmp_path_factory.mktemp("bpd") / "gaps.edf"
    write_edf(path, specs, digital, reserved="EDF+D", record_onsets=onsets)
    data = np.stack([physical(s, d) for s, d in zip(specs, digital)])
    segments = [(0.0, 0, 10), (15.0, 10, 15), (40.0, 25, 5)]  # onset s, first record, n records
    return path, data, segments


@pytest.mark.parametrize("chunk_s", [0.7, 60.0])
def test_recording_band_power_matches_scipy(continuous_file, chunk_s):
    path, data = continuous_file
    with ictaltrack.read_edf(path) as recording:
        result = recording.band_power(["C3", "C4", "Cz"], chunk_s=chunk_s, step_s=0.5)
    expected, times = scipy_band_power(data, RATE, step_s=0.5)
    assert_power_close(result.power, expected)
    np.testing.assert_allclose(result.times, times, atol=1e-12)
    assert result.channel_names == ("C3", "C4", "Cz")
    # The rhythm dominates theta.
    assert np.all(result.power[:, :, 1] > result.power[:, :, 2])


def test_edf_plus_d_windows_never_span_a_gap(discontinuous_file):
    path, data, segments = discontinuous_file
    with ictaltrack.read_edf(path) as recording:
        result = recording.band_power(window_s=4.0, step_s=1.5, chunk_s=3.3)
    parts, part_times = [], []
    for onset, first_record, n_records in segments:
        segment = data[:, first_record * RATE : (first_record + n_records) * RATE]
        expected, times = scipy_band_power(segment, RATE, window_s=4.0, step_s=1.5)
        parts.append(expected)
        part_times.append(times + onset)
    expected = np.concatenate(parts)
    assert_power_close(result.power, expected)
    np.testing.assert_allclose(result.times, np.concatenate(part_times), atol=1e-12)
    # Every window lies inside one segment (true times, gaps included).
    for start in result.window_start:
        assert any(
            onset * RATE <= start and start + 4 * RATE <= (onset + n) * RATE
            for onset, _, n in segments
        )


def test_cli_writes_the_band_powers(continuous_file, tmp_path, capsys):
    path, data = continuous_file
    out = tmp_path / "bp.csv"
    code = cli.main(
        [
            "bandpower",
            str(path),
            "--csv",
            str(out),
            "--bands",
            "theta:4-8,alpha:8-13",
            "--window",
            "4",
            "--step",
            "2",
        ]
    )
    assert code == 0
    assert "left out: Temp" in capsys.readouterr().err
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["time", "channel", "band", "power"]
    bands = [("theta", 4.0, 8.0), ("alpha", 8.0, 13.0)]
    expected, times = scipy_band_power(data, RATE, bands=bands, window_s=4.0, step_s=2.0)
    got = frame["power"].to_numpy().reshape(expected.shape)
    assert_power_close(got, expected)
    assert list(frame["channel"][:4]) == ["C3", "C3", "C4", "C4"]
    np.testing.assert_allclose(frame["time"].to_numpy()[::6], times, atol=1e-9)

    wide = tmp_path / "wide.csv"
    assert (
        cli.main(
            ["bandpower", str(path), "--csv", str(wide), "--wide", "--window", "4", "--picks", "C4"]
        )
        == 0
    )
    frame = pd.read_csv(wide)
    assert list(frame.columns) == ["time"] + [f"C4:{b.name}" for b in ictaltrack.DEFAULT_BANDS]
    expected, _ = scipy_band_power(data[1:2], RATE, window_s=4.0)
    assert_power_close(frame.iloc[:, 1:].to_numpy(), expected[:, 0, :])


def test_cli_summary_and_errors(continuous_file, capsys):
    path, _ = continuous_file
    assert cli.main(["bandpower", str(path), "--window", "4"]) == 0
    output = capsys.readouterr()
    assert "median band power (uV^2)" in output.out and "C4" in output.out
    assert cli.main(["bandpower", str(path), "--picks", "Nope"]) == 2
    assert "no channel labelled" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["bandpower", str(path), "--bands", "alpha8-13"])
    assert cli.main(["bandpower", str(path), "--window", "4", "--bands", "x:9-3"]) == 2


def test_recording_and_cli_defaults_do_not_warn(continuous_file, tmp_path, capsys):
    """``Recording.band_power()`` and ``ictaltrack bandpower`` with no options use the same clean
    defaults as ``ictaltrack.band_power`` (4 s windows, 1 s hop): no warning, scipy's values."""
    import warnings

    path, data = continuous_file
    expected, times = scipy_band_power(data, RATE, window_s=4.0, step_s=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ictaltrack.read_edf(path) as recording:
            result = recording.band_power(["C3", "C4", "Cz"])
        assert_power_close(result.power, expected)
        np.testing.assert_allclose(result.times, times, atol=1e-9)
        out = tmp_path / "defaults.csv"
        assert cli.main(["bandpower", str(path), "--csv", str(out), "--wide"]) == 0
    assert "warning" not in capsys.readouterr().err.lower()
    frame = pd.read_csv(out)
    assert_power_close(frame.iloc[:, 1:].to_numpy().reshape(expected.shape), expected)
