"""Detection from every source: an EDF path, a Recording, an MNE Raw (read from the EDF, or from a
FIF file MNE wrote) and a NumPy array give the same result on the same samples; the streaming
:class:`ictaltrack.SeizureDetector` gives detect's seizures whatever the chunk sizes.

Oracles: the file route (``detect`` on the path) for equality, with the samples of the other
routes read by independent readers (pyedflib's physical values for arrays, MNE for Raws); the
simulator's truth that seizures are there to compare at all; MNE's own channel dropping for
``info["bads"]`` and channel types; ``datetime`` arithmetic for the start time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import mne
import numpy as np
import pyedflib
import pytest
from gil_probe import overlapped

import ictaltrack

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_edf"


def _essentials(result: ictaltrack.DetectionResult) -> dict:
    """The result as its JSON dict, without what names the source (file) or comes from reading
    a file rather than from detection (reader warnings)."""
    data = result.to_dict()
    data.pop("file")
    data["warnings"] = [w for w in data["warnings"] if w["code"] in DETECTOR_WARNINGS]
    return data


# Warning codes of the assembly and the detector (the rest are the EDF reader's).
DETECTOR_WARNINGS = {
    "other_sample_rate",
    "no_eeg_channels",
    "gaps",
    "duplicate_channel",
    "sample_rate_too_low",
    "bad_channel",
    "too_short",
    "short_baseline",
}


def _file_labels(data: dict, mne_names: list[str], file_names: list[str]) -> dict:
    """``data`` with the labels MNE made unique (a repeated "T8-P8" becomes "T8-P8-1") back to
    the file's."""
    renamed = {m: f for m, f in zip(mne_names, file_names, strict=True) if m != f}
    for channel in data["channels"]:
        channel["label"] = renamed.get(channel["label"], channel["label"])
    for warning in data["warnings"]:
        for mne_name, file_name in renamed.items():
            warning["message"] = warning["message"].replace(f"'{mne_name}'", f"'{file_name}'")
    return data


def _pyedflib_samples(path: Path) -> tuple[np.ndarray, list[str], float]:
    """Physical values (microvolts, float64) of every signal, by pyedflib."""
    with pyedflib.EdfReader(str(path)) as reader:
        names = reader.getSignalLabels()
        rates = {reader.getSampleFrequency(i) for i in range(reader.signals_in_file)}
        assert len(rates) == 1, rates
        data = np.vstack([reader.readSignal(i) for i in range(reader.signals_in_file)])
    return data, names, rates.pop()


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("sources")
    paths = sorted(SAMPLES.glob("*.edf"))
    for montage, seed in (("referential", 21), ("bipolar", 22)):
        path = folder / f"sim_{montage}.edf"
        truth = ictaltrack.simulate(
            path, duration_s=600, seed=seed, montage=montage, n_seizures=3, overlap_probability=0.0
        )
        assert len(truth["seizures"]) == 3
        paths.append(path)
    return paths


def test_every_source_gives_the_path_result(recordings):
    found = 0
    for path in recordings:
        expected = _essentials(ictaltrack.detect(path))
        found += len(expected["seizures"])
        assert _essentials(ictaltrack.detect(ictaltrack.read_edf(path))) == expected, path
        raw = mne.io.read_raw_edf(path, preload=False, verbose="error")
        assert (
            _file_labels(
                _essentials(ictaltrack.detect(raw)), raw.ch_names, _pyedflib_samples(path)[1]
            )
            == expected
        ), path
        data, names, sfreq = _pyedflib_samples(path)
        from_array = _essentials(ictaltrack.detect(data, sfreq=sfreq, ch_names=names))
        # An array knows no start date: the anonymised EDF date stands in.
        assert from_array.pop("start_time") == "1985-01-01T00:00:00"
        expected.pop("start_time")
        assert from_array == expected, path
    assert found >= 6  # the simulated files' seizures at least: the comparison is not vacuous


def test_raw_of_a_non_edf_format_gives_the_path_result(recordings, tmp_path):
    path = next(p for p in recordings if p.name == "sim_bipolar.edf")
    expected = _essentials(ictaltrack.detect(path))
    assert expected["seizures"]
    fif = tmp_path / "sim_raw.fif"
    # Double precision: FIF's default single precision would round the samples.
    mne.io.read_raw_edf(path, preload=True, verbose="error").save(
        fif, fmt="double", verbose="error"
    )
    raw = mne.io.read_raw_fif(fif, preload=False, verbose="error")
    result = ictaltrack.detect(raw)
    assert _file_labels(_essentials(result), raw.ch_names, _pyedflib_samples(path)[1]) == expected
    assert result.file == str(fif)


def test_raw_bads_and_channel_types_leave_channels_out(recordings):
    path = next(p for p in recordings if p.name == "sim_referential.edf")
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    eeg = [name for name in raw.ch_names if ictaltrack.parse_label(name)["kind"] == "eeg"]
    bad, misc = eeg[3], eeg[7]
    marked = raw.copy()
    marked.info["bads"] = [bad]
    marked.set_channel_types({misc: "misc"}, on_unit_change="ignore")
    result = _essentials(ictaltrack.detect(marked))
    result_channels = result.pop("channels")
    # Oracle: MNE drops the two channels; the detector must see exactly the remaining ones.
    dropped = _essentials(ictaltrack.detect(raw.copy().drop_channels([bad, misc])))
    dropped_channels = dropped.pop("channels")
    assert result == dropped
    assert result["seizures"]
    channels = {c["label"]: c for c in result_channels}
    assert (channels[bad]["status"], channels[bad]["bad_reason"]) == (
        "bad",
        "marked bad in the source",
    )
    assert (channels[misc]["kind"], channels[misc]["status"]) == ("other", "ok")
    assert [c for c in result_channels if c["label"] not in (bad, misc)] == dropped_channels


def test_raw_start_time_carries_meas_date_and_first_sample(recordings):
    path = next(p for p in recordings if p.name == "sim_referential.edf")
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    meas_date = datetime(2024, 5, 6, 7, 8, 9, 250000, tzinfo=timezone.utc)
    raw.set_meas_date(meas_date)
    cropped = raw.copy().crop(tmin=100.0)
    assert cropped.first_samp == int(round(100.0 * raw.info["sfreq"]))
    result = ictaltrack.detect(cropped)
    assert result.start_datetime == meas_date + timedelta(seconds=100)
    # Times stay seconds from the Raw's first sample: those of the same samples as an array.
    array = ictaltrack.detect(
        cropped.get_data() * 1e6, sfreq=raw.info["sfreq"], ch_names=cropped.ch_names
    )
    expected = _essentials(array)
    got = _essentials(result)
    expected.pop("start_time"), got.pop("start_time")
    assert got == expected
    assert got["seizures"]


def test_array_source_errors():
    data = np.zeros((2, 1000))
    with pytest.raises(TypeError, match="sfreq"):
        ictaltrack.detect(data)
    with pytest.raises(ValueError, match="expected"):
        ictaltrack.detect(data, sfreq=256.0, ch_names=["Fp1"])
    with pytest.raises(TypeError, match="array sources only"):
        ictaltrack.detect(SAMPLES / "artifacts_only.edf", sfreq=256.0)
    with pytest.raises(ValueError, match="sfreq"):
        ictaltrack.detect(data, sfreq=0.0, ch_names=["Fp1", "Fp2"])


def _stream(
    data: np.ndarray, names: list[str], sfreq: float, cuts: list[int], **params
) -> list[dict]:
    detector = ictaltrack.SeizureDetector(sfreq, names, **params)
    seizures = []
    for first, last in zip(cuts[:-1], cuts[1:]):
        detector.push(data[:, first:last])
        seizures += detector.take_seizures()
    detector.finish()
    return seizures + detector.take_seizures()


@pytest.mark.parametrize("name", ["sim_referential.edf", "sim_bipolar.edf"])
def test_stream_gives_detect_seizures_whatever_the_chunks(recordings, name):
    path = next(p for p in recordings if p.name == name)
    physical, names, sfreq = _pyedflib_samples(path)
    samples = physical.astype(np.float32)  # what detect feeds the detector
    n = samples.shape[1]
    detected = ictaltrack.detect(path, line_frequency_hz=50).to_dict()["seizures"]
    assert len(detected) >= 2
    rng = np.random.default_rng(7)
    runs = [_stream(samples, names, sfreq, [0, n], line_frequency_hz=50)]
    for _ in range(3):
        cuts = np.sort(rng.choice(np.arange(1, n), size=rng.integers(5, 60), replace=False))
        runs.append(_stream(samples, names, sfreq, [0, *cuts.tolist(), n], line_frequency_hz=50))
    runs.append(_stream(samples, names, sfreq, [*range(0, n, 999), n], line_frequency_hz=50))
    for run in runs[1:]:
        assert run == runs[0]
    stream = runs[0]
    assert len(stream) == len(detected)
    for got, want in zip(stream, detected):
        # detect's times are sample times floored to 100 ns ticks; the stream's are sample / sfreq.
        assert got["onset_sample"] == round(want["onset_s"] * sfreq)
        assert abs(got["offset_s"] - want["offset_s"]) < 1e-6
        assert got["onset_s"] == pytest.approx(want["onset_s"], abs=1e-6)
        for key in ("onset_channels", "region", "hemisphere", "lateralization_index", "confidence"):
            assert got[key] == want[key], key
        assert got["channel_onsets"].keys() == want["channel_onsets"].keys()


def test_stream_takes_float64_and_strided_chunks(recordings):
    path = next(p for p in recordings if p.name == "sim_bipolar.edf")
    physical, names, sfreq = _pyedflib_samples(path)
    samples = physical.astype(np.float32)
    n = samples.shape[1]
    reference = _stream(samples, names, sfreq, [0, n], line_frequency_hz=50)
    assert reference
    # A column slice of a wider float32 array (read in place) and a Fortran-order copy.
    wide = np.zeros((samples.shape[0], n + 17), dtype=np.float32)
    wide[:, 5 : 5 + n] = samples
    assert (
        _stream(wide[:, 5 : 5 + n], names, sfreq, [0, 4000, n], line_frequency_hz=50) == reference
    )
    assert (
        _stream(np.asfortranarray(samples), names, sfreq, [0, 12345, n], line_frequency_hz=50)
        == reference
    )
    # float64 samples holding the float32 values give the same seizures.
    assert (
        _stream(samples.astype(np.float64), names, sfreq, [0, 7777, n], line_frequency_hz=50)
        == reference
    )


def test_stream_rejects_bad_chunks():
    detector = ictaltrack.SeizureDetector(256.0, ["Fp1", "Fp2"])
    with pytest.raises(ValueError, match="rows"):
        detector.push(np.zeros((3, 10), dtype=np.float32))
    with pytest.raises(ValueError, match="2-D"):
        detector.push(np.zeros(10))
    with pytest.raises(ValueError, match="bads"):
        ictaltrack.SeizureDetector(256.0, ["Fp1"], bads=["Cz"])


def test_array_detection_and_push_release_the_gil(recordings):
    path = next(p for p in recordings if p.name == "sim_referential.edf")
    physical, names, sfreq = _pyedflib_samples(path)
    samples = physical.astype(np.float32)
    results = []
    assert overlapped(
        lambda: results.append(ictaltrack.detect(samples, sfreq=sfreq, ch_names=names, n_threads=1))
    ), "the main thread never ran during detect(array): GIL held?"
    assert results[-1].seizures.equals(ictaltrack.detect(path, n_threads=1).seizures)

    pushed = []

    def push() -> None:
        detector = ictaltrack.SeizureDetector(sfreq, names, n_threads=1, line_frequency_hz=50)
        detector.push(samples)
        detector.finish()
        pushed.append(detector.take_seizures())

    assert overlapped(push), "the main thread never ran during SeizureDetector.push: GIL held?"
    assert pushed[-1] == _stream(samples, names, sfreq, [0, samples.shape[1]], line_frequency_hz=50)
    assert pushed[-1]
