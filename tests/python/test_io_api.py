"""``Recording`` API: units, picks, sample ranges, chunks, EDF+D times, to_mne, errors, threads.

Files are written byte by byte by ``io_oracles.write_edf`` (every value known by construction) and
read back by MNE and pyedflib as independent oracles.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from gil_probe import overlapped
from io_oracles import SignalSpec, read_mne, read_pyedflib, write_edf

import ictaltrack
from ictaltrack import _core

RATE = 100  # samples per 1 s record
N_RECORDS = 6


def _physical(spec: SignalSpec, digital: np.ndarray) -> np.ndarray:
    """physical = pmin + (d - dmin) * (pmax - pmin) / (dmax - dmin), from the EDF spec."""
    gain = (spec.physical_max - spec.physical_min) / (spec.digital_max - spec.digital_min)
    return spec.physical_min + (digital - spec.digital_min) * gain


@pytest.fixture(scope="module")
def voltages_file(tmp_path_factory) -> tuple[Path, list[SignalSpec], list[np.ndarray]]:
    """Four channels in uV, mV, V and a temperature, 6 s at 100 Hz, two annotations."""
    rng = np.random.default_rng(7)
    specs = [
        SignalSpec("Fp1", "uV", -3200, 3200, -32768, 32767, RATE),
        SignalSpec("Fp2", "mV", -3.2, 3.2, -32768, 32767, RATE),
        SignalSpec("Cz", "V", -0.0032, 0.0032, -32768, 32767, RATE),
        SignalSpec("Temp", "degC", 20, 45, 0, 2500, RATE),
    ]
    digital = [rng.integers(s.digital_min, s.digital_max, RATE * N_RECORDS) for s in specs]
    path = tmp_path_factory.mktemp("api") / "voltages.edf"
    write_edf(
        path, specs, digital, annotations=[(0.5, 2.0, "seizure onset"), (3.25, None, "spike")]
    )
    return path, specs, digital


@pytest.fixture(scope="module")
def mixed_rate_file(tmp_path_factory) -> Path:
    rng = np.random.default_rng(8)
    specs = [
        SignalSpec("EEG", "uV", -100, 100, -32768, 32767, 200),
        SignalSpec("EEG2", "uV", -100, 100, -32768, 32767, 200),
        SignalSpec("Resp", "uV", -100, 100, -32768, 32767, 50),
    ]
    digital = [rng.integers(-30000, 30000, s.samples_per_record * 4) for s in specs]
    path = tmp_path_factory.mktemp("mixed") / "mixed.edf"
    write_edf(path, specs, digital)
    return path


@pytest.fixture(scope="module")
def discontinuous_file(tmp_path_factory) -> tuple[Path, list[float], list[np.ndarray]]:
    """EDF+D with records at 0, 1, 5, 6, 9 s (gaps 2-5 s and 7-9 s), 10 Hz."""
    specs = [SignalSpec("C3", "uV", -500, 500, -32768, 32767, 10)]
    onsets = [0.0, 1.0, 5.0, 6.0, 9.0]
    digital = [np.arange(10 * len(onsets)) * 100 - 2000]
    path = tmp_path_factory.mktemp("plusd") / "gaps.edf"
    write_edf(
        path,
        specs,
        digital,
        reserved="EDF+D",
        record_onsets=onsets,
        annotations=[(0.5, 1.0, "before"), (5.5, None, "after first gap")],
    )
    return path, onsets, digital


# ------------------------------------------------------------------------------------------------
# units, picks and sample ranges
# ------------------------------------------------------------------------------------------------
def test_units_follow_each_channel_dimension(voltages_file):
    path, specs, digital = voltages_file
    recording = ictaltrack.read_edf(path)
    in_volts = {"uV": 1e-6, "mV": 1e-3, "V": 1.0}
    volts = np.array(
        [_physical(s, d) * in_volts[s.dimension] for s, d in zip(specs[:3], digital[:3])]
    )
    picks = ["Fp1", "Fp2", "Cz"]
    for unit, factor in (("uV", 1e6), ("µV", 1e6), ("mV", 1e3), ("V", 1.0), ("nV", 1e9)):
        data = recording.get_data(picks, units=unit)
        assert data.shape == (3, RATE * N_RECORDS)
        assert data.dtype == np.float64
        np.testing.assert_allclose(data, volts * factor, rtol=1e-12)
    # MNE agrees on the volts (it converts uV and mV; this file's "V" channel stays as stored).
    raw = read_mne(path)
    np.testing.assert_allclose(raw.get_data(picks=picks), volts, rtol=1e-9)


def test_units_none_keeps_each_dimension_and_unknown_dimensions_raise(voltages_file):
    path, specs, digital = voltages_file
    recording = ictaltrack.read_edf(path)
    temperature = recording.get_data("Temp", units=None)
    np.testing.assert_allclose(temperature[0], _physical(specs[3], digital[3]), rtol=1e-12)
    with pytest.raises(ValueError, match="'Temp' \\('degC'\\)"):
        recording.get_data()
    with pytest.raises(ValueError, match="units must be one of"):
        recording.get_data("Fp1", units="kV")


def test_float32_and_digital(voltages_file):
    path, specs, digital = voltages_file
    recording = ictaltrack.read_edf(path)
    single = recording.get_data([0, 1], dtype=np.float32)
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, recording.get_data([0, 1]), rtol=1e-6)
    stored = recording.get_data(["Fp1", "Temp"], digital=True)
    assert stored.dtype == np.int32
    np.testing.assert_array_equal(stored, [digital[0], digital[3]])
    np.testing.assert_array_equal(stored, np.array(read_pyedflib(path).digital)[[0, 3]])


def test_picks_and_sample_range(voltages_file):
    path, specs, digital = voltages_file
    recording = ictaltrack.read_edf(path)
    raw = read_mne(path)
    expected = raw.get_data(picks=["Fp2", "Fp1"], start=123, stop=456) * 1e6
    for picks in (["Fp2", "Fp1"], [1, 0], [1, "Fp1"], np.array([1, 0]), [-3, 0]):
        np.testing.assert_allclose(
            recording.get_data(picks, start=123, stop=456), expected, rtol=1e-9
        )
    assert recording.get_data("Cz", start=10, stop=10).shape == (1, 0)
    with pytest.raises(ValueError, match="no channel labelled 'Pz'"):
        recording.get_data("Pz")
    with pytest.raises(IndexError):
        recording.get_data(4)
    with pytest.raises(ValueError, match="start <= stop"):
        recording.get_data("Fp1", start=50, stop=40)
    with pytest.raises(ValueError):
        recording.get_data("Fp1", stop=RATE * N_RECORDS + 1)


def test_sample_range_is_keyword_only_like_iter_chunks(voltages_file):
    path, _, _ = voltages_file
    recording = ictaltrack.read_edf(path)
    # picks and units by position, the range by name: the same layout as iter_chunks.
    np.testing.assert_allclose(
        recording.get_data(["Fp1"], "V", start=5, stop=55),
        read_mne(path).get_data(picks=["Fp1"], start=5, stop=55),
        rtol=1e-9,
    )
    with pytest.raises(TypeError, match="positional"):
        recording.get_data(["Fp1"], "uV", 5, 55)


def test_iter_chunks_concatenate_to_get_data(voltages_file):
    path, _, _ = voltages_file
    recording = ictaltrack.read_edf(path)
    chunks = list(recording.iter_chunks(chunk_s=0.7, picks=["Fp1", "Cz"], start=5, stop=555))
    starts = [first for first, _ in chunks]
    assert starts == list(range(5, 555, 70))
    assert all(data.shape == (2, 70) for _, data in chunks[:-1])
    assert chunks[-1][1].shape == (2, 550 - 70 * 7)
    joined = np.concatenate([data for _, data in chunks], axis=1)
    expected = read_mne(path).get_data(picks=["Fp1", "Cz"], start=5, stop=555) * 1e6
    np.testing.assert_allclose(joined, expected, rtol=1e-9)


def test_mixed_rates_need_separate_requests(mixed_rate_file):
    recording = ictaltrack.read_edf(mixed_rate_file)
    assert recording.info.sampling_rates == [50.0, 200.0]
    assert recording.info.sfreq is None
    with pytest.raises(ictaltrack.UnsupportedError, match="different sample rates"):
        recording.get_data()
    reading = read_pyedflib(mixed_rate_file)
    np.testing.assert_allclose(
        recording.get_data("Resp", units=None)[0], reading.data[2], atol=0.5 * 200 / 65535
    )
    np.testing.assert_allclose(
        recording.get_data(["EEG", "EEG2"], units=None), reading.data[:2], atol=0.5 * 200 / 65535
    )
    # The C++ reader itself refuses a mixed-rate request (mapped to ictaltrack.UnsupportedError).
    reader = _core.EdfReader(str(mixed_rate_file))
    with pytest.raises(ictaltrack.UnsupportedError):
        reader.read_physical_float64([0, 2], 0, 10)


# ------------------------------------------------------------------------------------------------
# header, annotations, EDF+D
# ------------------------------------------------------------------------------------------------
def test_info_and_annotations(voltages_file):
    path, _, _ = voltages_file
    recording = ictaltrack.read_edf(path)
    info = recording.info
    assert info.format == "EDF+C"
    assert info.ch_names == ["Fp1", "Fp2", "Cz", "Temp"]
    assert [c.unit for c in info.channels] == ["uV", "mV", "V", "degC"]
    assert info.sfreq == RATE
    assert info.start == datetime(2019, 4, 3, 16, 0, 16)
    assert info.duration == N_RECORDS
    assert info.gaps == ()
    annotations = recording.annotations
    assert list(annotations.columns) == ["onset", "duration", "description"]
    assert list(annotations["onset"]) == [0.5, 3.25]
    assert annotations["duration"][0] == 2.0
    assert np.isnan(annotations["duration"][1])
    assert list(annotations["description"]) == ["seizure onset", "spike"]
    text = repr(recording)
    assert "EDF+C" in text and "4 channels" in text and "2 annotations" in text


def test_edf_plus_d_onsets_gaps_and_times(discontinuous_file):
    path, onsets, digital = discontinuous_file
    recording = ictaltrack.read_edf(path)
    info = recording.info
    assert info.format == "EDF+D"
    np.testing.assert_allclose(info.record_onsets, onsets)
    np.testing.assert_allclose(np.array(info.gaps), [(2.0, 3.0), (7.0, 2.0)])
    assert [s[2:] for s in info.segments] == [(0, 2), (2, 2), (4, 1)]
    assert info.duration == pytest.approx(10.0)
    times = recording.times("C3")
    expected_times = np.concatenate([onset + np.arange(10) / 10 for onset in onsets])
    np.testing.assert_allclose(times, expected_times, atol=1e-9)
    # The C++ reader's own sample clock (100 ns ticks) agrees.
    reader = _core.EdfReader(str(path))
    assert [reader.sample_time(0, k) for k in (0, 19, 20, 45)] == [
        0,
        19_000_000,
        50_000_000,
        95_000_000,
    ]
    # Samples stay in stored order; MNE (which ignores the record onsets) reads the same samples.
    # MNE warns that it drops "after first gap" (5.5 s), beyond its 5 s of concatenated records.
    theirs = read_mne(path, expected_warnings=(r"Omitted 1 annotation\(s\) that were outside",))
    np.testing.assert_allclose(recording.get_data("C3", units="V"), theirs.get_data(), rtol=1e-9)
    assert list(theirs.annotations.description) == ["before"]
    assert list(recording.annotations["onset"]) == [0.5, 5.5]


def test_to_mne_places_edf_plus_d_records_at_their_times(discontinuous_file):
    path, onsets, digital = discontinuous_file
    recording = ictaltrack.read_edf(path)
    raw = recording.to_mne()
    assert raw.n_times == 100  # 10 s at 10 Hz, gaps filled
    data = raw.get_data()[0]
    spec = SignalSpec("C3", "uV", -500, 500, -32768, 32767, 10)
    volts = _physical(spec, digital[0]) * 1e-6
    for record, onset in enumerate(onsets):
        first = int(onset * 10)
        np.testing.assert_allclose(data[first : first + 10], volts[record * 10 : record * 10 + 10])
    assert np.all(data[20:50] == 0) and np.all(data[70:90] == 0)
    skips = raw.annotations[raw.annotations.description == "BAD_ACQ_SKIP"]
    np.testing.assert_allclose(skips.onset, [2.0, 7.0])
    np.testing.assert_allclose(skips.duration, [3.0, 2.0])


def test_to_mne_round_trip_matches_mne_reader(voltages_file):
    path, _, _ = voltages_file
    recording = ictaltrack.read_edf(path)
    ours = recording.to_mne(picks=["Fp1", "Fp2", "Cz", "Temp"])
    theirs = read_mne(path)
    assert ours.ch_names == theirs.ch_names
    assert ours.info["sfreq"] == theirs.info["sfreq"]
    assert ours.info["meas_date"] == datetime(2019, 4, 3, 16, 0, 16, tzinfo=timezone.utc)
    assert ours.info["meas_date"] == theirs.info["meas_date"]
    # MNE leaves "V" and "degC" channels unscaled, like ictaltrack's to_mne.
    np.testing.assert_allclose(ours.get_data(), theirs.get_data(), rtol=1e-9)
    assert ours.get_channel_types() == ["eeg", "eeg", "eeg", "misc"]
    np.testing.assert_allclose(ours.annotations.onset, theirs.annotations.onset)
    np.testing.assert_allclose(ours.annotations.duration, theirs.annotations.duration)
    assert list(ours.annotations.description) == list(theirs.annotations.description)


# ------------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------------
def test_missing_file_raises_io_error(tmp_path):
    missing = tmp_path / "nope.edf"
    with pytest.raises(ictaltrack.IoError) as error:
        ictaltrack.read_edf(missing)
    assert str(missing) in error.value.path or str(missing) in str(error.value)


def test_directory_raises_io_error(tmp_path):
    with pytest.raises(ictaltrack.IoError):
        ictaltrack.read_edf(tmp_path)


def test_truncated_header_raises_format_error(voltages_file, tmp_path):
    path, _, _ = voltages_file
    truncated = tmp_path / "truncated.edf"
    # 5 signals (4 + "EDF Annotations") need a 256 * 6 = 1536-byte header; keep 300 bytes.
    truncated.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ictaltrack.FormatError) as error:
        ictaltrack.read_edf(truncated)
    assert error.value.field == "number of signals"
    assert error.value.signal == -1
    assert error.value.byte_offset == 252  # where the EDF header keeps the number of signals


def test_truncated_data_keeps_complete_records_and_warns(voltages_file, tmp_path):
    path, _, digital = voltages_file
    header_bytes = 256 * 6
    record_bytes = (4 * RATE + 60) * 2  # four 100-sample channels + 120 annotation bytes
    truncated = tmp_path / "short.edf"
    truncated.write_bytes(path.read_bytes()[: header_bytes + 2 * record_bytes + 100])
    recording = ictaltrack.read_edf(truncated, verbose=False)
    assert recording.info.n_records == 2
    assert [w.code for w in recording.info.warnings] == ["truncated_data"]
    np.testing.assert_array_equal(
        recording.get_data("Fp2", digital=True)[0], digital[1][: 2 * RATE]
    )


def test_duplicate_labels_are_kept_and_picked_by_index(tmp_path):
    specs = [SignalSpec(label, "uV", -100, 100, -32768, 32767, 10) for label in ("A", "B", "A")]
    digital = [np.full(20, value) for value in (1, 2, 3)]
    path = tmp_path / "dup.edf"
    write_edf(path, specs, digital)
    recording = ictaltrack.read_edf(path, verbose=False)
    assert recording.info.ch_names == ["A", "B", "A"]
    assert [w.code for w in recording.info.warnings] == ["duplicate_label"]
    with pytest.raises(ValueError, match="pick them by index"):
        recording.get_data("A")
    np.testing.assert_array_equal(recording.get_data([2], digital=True)[0], digital[2])
    # MNE renames the repeats; to_mne() uses the same names.
    theirs = read_mne(path, expected_warnings=(r"Channel names are not unique",))
    assert recording.to_mne().ch_names == theirs.ch_names


def test_garbage_header_names_the_field(tmp_path):
    garbage = tmp_path / "garbage.edf"
    garbage.write_bytes(
        b"0       " + b"x" * 176 + b"notanint" + b" " * 44 + b"abc     " + b"1       " + b"1   "
    )
    with pytest.raises(ictaltrack.FormatError) as error:
        ictaltrack.read_edf(garbage)
    assert error.value.field


def test_reading_never_writes_the_input(voltages_file):
    path, _, _ = voltages_file
    before = path.read_bytes()
    stat_before = path.stat().st_mtime_ns
    recording = ictaltrack.read_edf(path)
    recording.get_data(["Fp1"])
    recording.close()
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stat_before


def test_closed_recording_refuses_reads(voltages_file):
    path, _, _ = voltages_file
    with ictaltrack.read_edf(path) as recording:
        pass
    assert recording.info.ch_names[0] == "Fp1"
    with pytest.raises(ValueError, match="closed"):
        recording.get_data("Fp1")


# ------------------------------------------------------------------------------------------------
# threads: the GIL is released during reads
# ------------------------------------------------------------------------------------------------
def test_concurrent_reads_return_correct_data(tmp_path):
    rng = np.random.default_rng(11)
    specs = [SignalSpec(f"E{i}", "uV", -1000, 1000, -32768, 32767, 256) for i in range(8)]
    digital = [rng.integers(-32768, 32767, 256 * 120) for _ in specs]
    path = tmp_path / "long.edf"
    write_edf(path, specs, digital, annotation_bytes=60)
    expected = np.array(digital, dtype=np.int32)
    shared = ictaltrack.read_edf(path)
    results: dict[str, np.ndarray] = {}
    errors: list[BaseException] = []

    def work(name: str, recording: ictaltrack.Recording) -> None:
        try:
            for _ in range(5):
                results[name] = recording.get_data(digital=True)
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=work, args=(f"own{i}", ictaltrack.read_edf(path))) for i in range(2)
    ]
    threads += [threading.Thread(target=work, args=(f"shared{i}", shared)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(results) == ["own0", "own1", "shared0", "shared1"]
    for data in results.values():
        np.testing.assert_array_equal(data, expected)


# ------------------------------------------------------------------------------------------------
# reader warnings, BDF Status
# ------------------------------------------------------------------------------------------------
def test_reader_warnings_are_kept_and_logged(voltages_file, tmp_path, caplog):
    path, _, digital = voltages_file
    padded = tmp_path / "padded.edf"
    padded.write_bytes(path.read_bytes() + b"\x00")  # one byte after the last record
    with caplog.at_level("WARNING", logger="ictaltrack"):
        recording = ictaltrack.read_edf(padded)
    assert [w.code for w in recording.info.warnings] == ["trailing_bytes"]
    assert any("trailing_bytes" in record.getMessage() for record in caplog.records)
    np.testing.assert_array_equal(recording.get_data("Fp1", digital=True)[0], digital[0])
    caplog.clear()
    with caplog.at_level("WARNING", logger="ictaltrack"):
        ictaltrack.read_edf(padded, verbose=False)
    assert not caplog.records


def test_bdf_status_is_read_raw_not_as_voltage():
    from io_oracles import CORPUS_DIR

    path = CORPUS_DIR / "mne_testing_data" / "test_bdf_stim_channel.bdf"
    if not path.exists():
        pytest.skip("test_bdf_stim_channel.bdf not in ../shared/corpus")
    recording = ictaltrack.read_edf(path)
    status = recording.info.channels[recording.info.ch_names.index("Status")]
    assert status.is_bdf_status and status.volts_per_unit is None
    with pytest.raises(ValueError, match="'Status'"):
        recording.get_data()
    triggers = recording.get_data("Status", digital=True)[0]
    np.testing.assert_array_equal(triggers, read_pyedflib(path).digital[3])
    raw = recording.to_mne()
    assert raw.get_channel_types() == ["eeg", "eeg", "eeg", "stim"]
    np.testing.assert_array_equal(raw.get_data(picks="Status")[0], triggers)


def test_gil_is_released_during_a_read(tmp_path):
    """While one thread is inside a read, another thread runs Python code.

    With a huge switch interval the interpreter never takes the GIL away from a thread, so the
    main thread can run while the reading thread is inside ``read_physical_float64`` only if the
    binding released the GIL there. If it did not, the main thread would wake up only after the
    read and always see ``finished`` set. Retrying cannot hide a held GIL (that outcome is then
    certain); it only absorbs a main thread that the OS scheduled too late.
    """
    rng = np.random.default_rng(5)
    n_channels, rate, n_records = 32, 2048, 40
    specs = [SignalSpec(f"E{i}", "uV", -1000, 1000, -32768, 32767, rate) for i in range(n_channels)]
    row = rng.integers(-32768, 32767, rate * n_records)
    path = tmp_path / "big.edf"
    write_edf(path, specs, [row] * n_channels, reserved="", annotation_bytes=0)
    reader = _core.EdfReader(str(path))
    everything = list(range(n_channels))
    assert overlapped(lambda: reader.read_physical_float64(everything, 0, rate * n_records)), (
        "the main thread never ran during a read: GIL held?"
    )


def test_out_of_range_values_are_clipped_like_edflib_unless_asked(tmp_path):
    spec = SignalSpec("Fp1", "uV", -100, 100, -1000, 1000, 10)
    digital = np.array([-1500, -1000, 0, 999, 1000, 1001, 2000, 5, -5, 0])
    path = tmp_path / "overflow.edf"
    write_edf(path, [spec], [digital])
    clipped = ictaltrack.read_edf(path).get_data(digital=True)[0]
    np.testing.assert_array_equal(clipped, np.clip(digital, -1000, 1000))
    # pyedflib 0.1.42 and MNE do not clip (see docs/reader-conformance.md).
    unclipped = ictaltrack.read_edf(path, clip_to_digital_range=False)
    stored = unclipped.get_data(digital=True)[0]
    np.testing.assert_array_equal(stored, digital)
    np.testing.assert_array_equal(stored, read_pyedflib(path).digital[0])
    np.testing.assert_allclose(
        unclipped.get_data(units="V")[0], read_mne(path).get_data()[0], rtol=1e-12
    )


def test_to_mne_keeps_the_subsecond_start():
    from io_oracles import CORPUS_DIR, record_onsets_from_tals

    path = CORPUS_DIR / "mne_testing_data" / "subsecond_starttime.edf"
    if not path.exists():
        pytest.skip("subsecond_starttime.edf not in ../shared/corpus")
    recording = ictaltrack.read_edf(path)
    raw = recording.to_mne()
    offset = record_onsets_from_tals(path)[0]  # 0.3945312 s after the header's start second
    assert raw.info["meas_date"] == datetime(
        2020, 1, 24, 4, 5, 56, int(offset * 1e6), tzinfo=timezone.utc
    )
    # Annotation onsets stay relative to that start (the same numbers MNE reads from the file).
    theirs = read_mne(path)
    np.testing.assert_allclose(raw.annotations.onset, theirs.annotations.onset, atol=1e-6)
    assert list(raw.annotations.description) == list(theirs.annotations.description)
