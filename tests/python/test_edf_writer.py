"""ictaltrack.write_edf (EdfWriter over EDFlib) read back by pyedflib and MNE."""

from __future__ import annotations

import mne
import numpy as np
import pyedflib
import pytest

import ictaltrack


def test_round_trip_values_and_annotations(tmp_path):
    path = tmp_path / "round.edf"
    rng = np.random.default_rng(0)
    data = rng.normal(0, 300, size=(3, 5 * 200))
    data[0, :10] = [4095.875, -4096, 0, 0.0625, -0.0625, 1e6, -1e6, 12.3, -45.6, 100]
    notes = [
        (0.5, None, "start"),
        (2.25, 1.5, "seizure 1 left temporal T3"),
        (1.0001, 0.0, "Fp1 \u00e9lectrode \u00b5V"),
    ]
    ictaltrack.write_edf(
        path, data, 200, ["Fp1", "EEG T3-REF", "Cz"], annotations=notes, start=(2022, 5, 6, 7, 8, 9)
    )
    with pyedflib.EdfReader(str(path)) as reader:
        assert reader.getSignalLabels() == ["Fp1", "EEG T3-REF", "Cz"]
        assert reader.getSampleFrequency(0) == 200
        assert reader.getPhysicalDimension(0) == "uV"
        assert reader.getPhysicalMaximum(0) == 4095.875
        assert reader.getPhysicalMinimum(0) == -4096
        assert reader.getDigitalMaximum(0) == 32767
        assert reader.getStartdatetime().isoformat() == "2022-05-06T07:08:09"
        back = np.vstack([reader.readSignal(i) for i in range(3)])
        onsets, durations, texts = reader.readAnnotations()
    expected = np.clip(data, -4096, 4095.875)
    step = 8191.875 / 65535  # 0.125 uV
    assert step == 0.125
    np.testing.assert_allclose(back, expected, atol=step)
    assert back[0, 5] == 4095.875 and back[0, 6] == -4096  # clipped to the physical range
    assert list(texts) == ["start", "Fp1 \u00e9lectrode \u00b5V", "seizure 1 left temporal T3"]
    np.testing.assert_array_equal(onsets, [0.5, 1.0001, 2.25])
    np.testing.assert_array_equal(durations, [-1, 0, 1.5])
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    np.testing.assert_allclose(raw.get_data() * 1e6, back, atol=1e-9)
    assert list(raw.annotations.description) == list(texts)


def test_bdf_round_trip_has_fine_resolution(tmp_path):
    path = tmp_path / "fine.bdf"
    data = np.linspace(-1000, 1000, 2 * 512).reshape(2, 512) + 0.0123
    ictaltrack.write_edf(path, data, 256, ["A", "B"], file_type="bdf", physical_range=(-8192, 8192))
    with pyedflib.EdfReader(str(path)) as reader:
        assert reader.filetype == pyedflib.FILETYPE_BDFPLUS
        back = np.vstack([reader.readSignal(i) for i in range(2)])
    np.testing.assert_allclose(back, data, atol=16384 / (2**24 - 1))


def test_errors_leave_no_file(tmp_path):
    data = np.zeros((2, 256))
    with pytest.raises(ValueError, match="longer than 40 bytes"):
        ictaltrack.write_edf(
            tmp_path / "a.edf", data, 256, ["A", "B"], annotations=[(0, None, "x" * 41)]
        )
    with pytest.raises(ictaltrack.FormatError, match="label") as error:
        ictaltrack.write_edf(tmp_path / "a.edf", data, 256, ["A", "seventeen letters"])
    assert error.value.signal == 1
    with pytest.raises(ictaltrack.FormatError, match="8 characters"):
        ictaltrack.write_edf(
            tmp_path / "a.edf", data, 256, ["A", "B"], physical_range=(-3276.7, 3276.7)
        )
    with pytest.raises(ValueError, match="multiple"):
        ictaltrack.write_edf(tmp_path / "a.edf", np.zeros((2, 300)), 256, ["A", "B"])
    with pytest.raises(ValueError, match="one label per channel"):
        ictaltrack.write_edf(tmp_path / "a.edf", data, 256, ["A"])
    with pytest.raises(ictaltrack.IoError, match="folder does not exist"):
        ictaltrack.write_edf(tmp_path / "no" / "a.edf", data, 256, ["A", "B"])
    assert list(tmp_path.iterdir()) == []
