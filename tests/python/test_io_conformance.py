"""Conformance of ``ictaltrack.read_edf`` over every EDF/BDF file of ``../shared/corpus``.

Each file must open, and its channel count, labels, rates, sample counts, calibration, sample
values (within half a digital step times the gain), annotations and start time must agree with
pyedflib (EDFlib) and with MNE (``mne.io.read_raw_edf``/``read_raw_bdf``) wherever those read the
file. The tests skip cleanly when the corpus is absent.

Where the oracles disagree or fail, this table says which reading is right and why (the same table
is in docs/reader-conformance.md). The tests check each entry: ictaltrack must then agree with the
oracle named as right.

==========================================  ===================================================
file / situation                            what happens and which reading is right
==========================================  ===================================================
mne_testing_data/MB0400FU.EDF (EDF+D)       pyedflib refuses ("The file is discontinuous and
                                            cannot be read"). MNE reads the records end to end
                                            and ignores record onsets. Right: the time-keeping
                                            TAL of each record (parsed here byte by byte), which
                                            ictaltrack reports as record_onsets; this file's
                                            records happen to be contiguous (0, 1, ... 28 s), so
                                            MNE's concatenation is also right for its samples.
edfjl/bdf_test.edf                          pyedflib refuses (label field not printable ASCII by
                                            EDFlib's strict check); MNE is the oracle.
edfjl/test_uneven_samp.edf                  pyedflib refuses (malformed start date/time); MNE
                                            resamples the 12.8 Hz channel to 100 Hz, so only the
                                            100 Hz channel is compared sample by sample.
mixed rates (test_reduced.edf, short_psg.*, MNE resamples every channel to the highest rate;
test_generator*.bdf, test_uneven_samp.edf)  ictaltrack never resamples. Right: pyedflib (native
                                            rates) for every channel; MNE only for channels at
                                            the highest rate.
edfjl/evt.bdf, SC4001EC-Hypnogram.*         MNE's Raw keeps only annotations inside the data
                                            (evt.bdf: 457 of 1081, onsets reach 2003 s in a
                                            1081 s file; hypnograms: 1 of 154, the file holds
                                            only an annotation signal, record duration 0). Right:
                                            all TALs, as pyedflib and mne.read_annotations
                                            (which parses the TALs without the data) read them.
pyedflib/test_legacy.edf                    plain EDF (no "EDF+" in the reserved field) with an
                                            "EDF Annotations" signal. EDFlib treats it as an
                                            ordinary signal; MNE parses it as annotations.
                                            Compared per ictaltrack's choice (see
                                            LEGACY_ANNOTATION_SIGNAL below).
subsecond start (subsecond_starttime.edf,   The first record's TAL says "+0.3945312": the
test_subsecond.*, test_utf8.edf)            recording starts 0.3945312 s after the header time.
                                            MNE's meas_date drops the sub-second part (documented
                                            in read_raw_edf). pyedflib 0.1.42 reports 0.039453 s:
                                            getStartdatetime() divides EDFlib's 100 ns count by
                                            100 instead of 10. Right: the TAL (ictaltrack:
                                            .394531 s, 3945312 ticks), checked byte by byte in
                                            test_subsecond_start_from_tal.
BDF Status (test_bdf_stim_channel.bdf)      MNE reads the trigger channel as raw integers masked
                                            to 17 bits (``& (2**17 - 1)``), not calibrated;
                                            pyedflib calibrates it like any signal. Both agree
                                            with ictaltrack's digital values (MNE after the same
                                            mask) and physical values (pyedflib).
MB0400FU.EDF TALs                           Nihon Kohden omits the NUL that closes each record's
                                            time-keeping TAL ("+1.000000<20><20>+1.140000<20>A1+A2
                                            OFF<20><0>"). MNE then reads "+1.140000" as a
                                            description at 1 s. Right (and ictaltrack): "A1+A2
                                            OFF" at 1.14 s, "Segment: REC START ALLE EEG" at 0 s
                                            (test_edf_plus_d_annotations).
values outside the digital range            mne_test.*, edfjl/test.edf, test_reduced.edf store
(mne_test.*, test.edf, test_reduced.edf)    values below their header's digital minimum (0; down
                                            to -206). The EDFlib C library clips them to the
                                            range, and so does ictaltrack by default; pyedflib
                                            0.1.42 and MNE return them as stored. Both readings
                                            are checked: clip_to_digital_range=False equals
                                            pyedflib/MNE, the default equals their values
                                            clipped. Neither is wrong: clipping follows the
                                            header's declared range (EDFlib, EDFbrowser), not
                                            clipping keeps information the header understates.
duplicate labels                            MNE renames repeats ("X-0", "X-1"); EDFlib keeps
                                            them. Right: the header (ictaltrack keeps them).
==========================================  ===================================================
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from io_oracles import (
    MNE_VOLT_SCALE,
    corpus_files,
    corpus_id,
    read_mne,
    read_pyedflib,
    read_raw_header,
    record_onsets_from_tals,
)

import ictaltrack

FILES = corpus_files()
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus is absent")

#: Files EDFlib (pyedflib) refuses, with the reason. An unlisted refusal fails the test.
PYEDFLIB_REFUSES = {
    "mne_testing_data/MB0400FU.EDF": "EDF+D: EDFlib does not read discontinuous files",
    "edfjl/bdf_test.edf": "EDFlib's label check rejects the file",
    "edfjl/test_uneven_samp.edf": "EDFlib rejects the malformed start date/time",
}
#: Files where MNE's Raw drops annotations that lie beyond the end of the data.
MNE_RAW_DROPS_ANNOTATIONS = {
    "edfjl/evt.bdf",
    "edfio/SC4001EC-Hypnogram.bdf",
    "edfio/SC4001EC-Hypnogram.edf",
    "mne_testing_data/SC4001EC-Hypnogram.edf",
}
#: Files whose TALs MNE misparses (a time-keeping TAL without its closing NUL).
MNE_MISREADS_TALS = {"mne_testing_data/MB0400FU.EDF"}
#: Plain-EDF files holding an "EDF Annotations" signal (EDFlib: ordinary signal).
LEGACY_ANNOTATION_SIGNAL = {"pyedflib/test_legacy.edf"}

PARAMS = [pytest.param(path, id=corpus_id(path)) for path in FILES]


@functools.cache
def ours(path: Path) -> ictaltrack.Recording:
    return ictaltrack.read_edf(path, verbose=False)


@functools.lru_cache(maxsize=2)
def ours_unclipped(path: Path) -> ictaltrack.Recording:
    """Stored values as they are: pyedflib 0.1.42 and MNE do not clip to the digital range."""
    return ictaltrack.read_edf(path, clip_to_digital_range=False, verbose=False)


@functools.lru_cache(maxsize=2)
def pyedflib_reading(path: Path):
    return read_pyedflib(path)


@functools.lru_cache(maxsize=2)
def mne_raw(path: Path):
    return read_mne(path)


def calibration_tolerance(channel) -> float:
    """Half a digital step in physical units, plus float rounding."""
    return 0.5 * abs(channel.gain) + 1e-9 * max(
        abs(channel.physical_min), abs(channel.physical_max), 1.0
    )


def pyedflib_data_signals(path: Path, reading) -> list[int]:
    """pyedflib signal indices that ictaltrack reports as channels."""
    indices = list(range(len(reading.labels)))
    if corpus_id(path) in LEGACY_ANNOTATION_SIGNAL and len(ours(path).info.channels) < len(indices):
        indices = [i for i in indices if reading.labels[i] != "EDF Annotations"]
    return indices


@pytest.mark.parametrize("path", PARAMS)
def test_opens_and_header_is_consistent(path):
    recording = ours(path)
    info = recording.info
    header = read_raw_header(path)
    assert info.n_records == header.n_records
    assert info.record_duration == pytest.approx(header.record_duration)
    assert info.header_bytes == header.header_bytes
    assert info.n_signals == len(header.labels)
    for channel in info.channels:
        spr = header.samples_per_record[channel.signal_index]
        assert channel.samples_per_record == spr
        assert channel.n_samples == spr * header.n_records
        if header.record_duration > 0:
            assert channel.sfreq == pytest.approx(spr / header.record_duration)
    assert len(info.record_onsets) == info.n_records
    assert info.duration == pytest.approx(
        info.record_onsets[-1] + info.record_duration if info.n_records else 0.0
    )


@pytest.mark.parametrize("path", PARAMS)
def test_agrees_with_pyedflib(path):
    reading = pyedflib_reading(path)
    if reading is None:
        assert corpus_id(path) in PYEDFLIB_REFUSES, "pyedflib refused an unlisted file"
        return
    recording = ours(path)
    info = recording.info
    signals = pyedflib_data_signals(path, reading)
    assert [reading.labels[i] for i in signals] == info.ch_names
    assert [reading.rates[i] for i in signals] == pytest.approx([c.sfreq for c in info.channels])
    assert [reading.n_samples[i] for i in signals] == [c.n_samples for c in info.channels]
    assert [reading.dimensions[i] for i in signals] == [c.unit for c in info.channels]
    assert info.n_records == reading.n_records
    assert info.record_duration == pytest.approx(reading.record_duration)
    # pyedflib converts EDFlib's 100 ns sub-second count to microseconds with /100 instead of /10
    # (see the module table): compare whole seconds, then pyedflib's value as the bug makes it.
    assert info.start.replace(microsecond=0) == reading.start.replace(microsecond=0)
    assert reading.start.microsecond == round(info.start_ticks_subsecond / 100)
    for channel, signal in zip(info.channels, signals):
        assert channel.physical_min == pytest.approx(reading.physical_min[signal])
        assert channel.physical_max == pytest.approx(reading.physical_max[signal])
        assert channel.digital_min == reading.digital_min[signal]
        assert channel.digital_max == reading.digital_max[signal]
        unclipped = ours_unclipped(path)
        digital = unclipped.get_data(channel.index, digital=True)[0]
        np.testing.assert_array_equal(digital, reading.digital[signal])
        physical = unclipped.get_data(channel.index, units=None)[0]
        np.testing.assert_allclose(
            physical, reading.data[signal], rtol=0, atol=calibration_tolerance(channel)
        )
        # By default ictaltrack clips to the header's digital range, as the EDFlib C library does.
        expected = reading.digital[signal]
        if not channel.is_bdf_status and channel.digital_min < channel.digital_max:
            expected = np.clip(expected, channel.digital_min, channel.digital_max)
        np.testing.assert_array_equal(recording.get_data(channel.index, digital=True)[0], expected)
    if corpus_id(path) not in LEGACY_ANNOTATION_SIGNAL:
        onsets, durations, descriptions = reading.annotations
        annotations = recording.annotations
        np.testing.assert_allclose(annotations["onset"], onsets, atol=1e-7)
        # pyedflib marks a missing duration with -1, ictaltrack with NaN.
        np.testing.assert_allclose(annotations["duration"].fillna(-1.0), durations, atol=1e-7)
        assert list(annotations["description"]) == [str(d) for d in descriptions]


@pytest.mark.parametrize("path", PARAMS)
def test_agrees_with_mne(path):
    raw = mne_raw(path)
    assert raw is not None, "MNE reads every corpus file"
    recording = ours(path)
    info = recording.info
    # MNE leaves out annotation signals (also in plain EDF) and renames duplicated labels.
    channels = [c for c in info.channels if c.label not in ("EDF Annotations", "BDF Annotations")]
    assert len(raw.ch_names) == len(channels)
    for channel, name in zip(channels, raw.ch_names):
        if info.ch_names.count(channel.label) == 1:
            assert name == channel.label
        else:
            assert name.startswith(channel.label)
    # Only channels at MNE's rate are compared sample by sample (MNE resamples the others).
    same_rate = [c for c in channels if c.sfreq == pytest.approx(raw.info["sfreq"])]
    if channels:
        assert same_rate, "MNE's rate is the highest channel rate"
    mne_data = raw.get_data() if channels else None
    unclipped = ours_unclipped(path)  # MNE does not clip to the digital range
    for channel in same_rate:
        row = channels.index(channel)
        assert mne_data.shape[1] == channel.n_samples
        if channel.is_bdf_status or raw.get_channel_types()[row] == "stim":
            # MNE: stored integers masked to 17 bits (see the module table).
            ours_digital = unclipped.get_data(channel.index, digital=True)[0]
            if path.suffix.lower() == ".bdf":
                np.testing.assert_array_equal(mne_data[row], ours_digital & (2**17 - 1))
            continue
        scale = MNE_VOLT_SCALE.get(channel.unit, 1.0)
        physical = unclipped.get_data(channel.index, units=None)[0]
        np.testing.assert_allclose(
            mne_data[row], physical * scale, rtol=0, atol=calibration_tolerance(channel) * scale
        )
    # Start time: MNE drops the sub-second part and reads an unparsable date as None.
    if raw.info["meas_date"] is not None:
        assert raw.info["meas_date"].replace(tzinfo=None) == info.start.replace(microsecond=0)


@pytest.mark.parametrize("path", PARAMS)
def test_annotations_agree_with_mne(path):
    import mne

    recording = ours(path)
    if corpus_id(path) in LEGACY_ANNOTATION_SIGNAL and len(recording.info.channels) == len(
        read_raw_header(path).labels
    ):
        pytest.skip("ictaltrack reads the plain-EDF 'EDF Annotations' signal as data, as EDFlib")
    if corpus_id(path) in MNE_MISREADS_TALS:
        pytest.skip("MNE misreads this file's TALs; checked by test_edf_plus_d_annotations")
    try:
        # Parses every TAL of the file, inside the data or not.
        expected = mne.read_annotations(path)
    except Exception:  # noqa: BLE001 - MNE only recognises lower-case .edf/.bdf extensions
        expected = mne_raw(path).annotations
    if corpus_id(path) in MNE_RAW_DROPS_ANNOTATIONS:
        assert len(mne_raw(path).annotations) < len(expected)
    annotations = recording.annotations
    assert len(annotations) == len(expected)
    np.testing.assert_allclose(annotations["onset"], expected.onset, atol=1e-6)
    # MNE stores a missing duration as 0.
    np.testing.assert_allclose(annotations["duration"].fillna(0.0), expected.duration, atol=1e-6)
    assert list(annotations["description"]) == list(expected.description)


def test_edf_plus_d_record_onsets_and_gaps():
    path = next((p for p in FILES if p.name == "MB0400FU.EDF"), None)
    if path is None:
        pytest.skip("MB0400FU.EDF not in the corpus")
    recording = ours(path)
    info = recording.info
    assert info.format == "EDF+D"
    assert info.discontinuous
    expected = record_onsets_from_tals(path)
    np.testing.assert_allclose(info.record_onsets, expected - expected[0], atol=1e-7)
    steps = np.diff(expected)
    expected_gaps = [
        (expected[i] + info.record_duration - expected[0], steps[i] - info.record_duration)
        for i in np.flatnonzero(steps > info.record_duration + 1e-9)
    ]
    np.testing.assert_allclose(
        np.array(info.gaps).reshape(-1, 2), np.array(expected_gaps).reshape(-1, 2)
    )
    assert sum(segment[3] for segment in info.segments) == info.n_records
    # MNE concatenates the records; with contiguous records its samples equal ours.
    raw = mne_raw(path)
    first = recording.get_data(0, units="V")[0]
    np.testing.assert_allclose(
        raw.get_data(picks=[0])[0],
        first,
        rtol=0,
        atol=calibration_tolerance(info.channels[0]) * 1e-6,
    )


def test_edf_plus_d_annotations():
    path = next((p for p in FILES if p.name == "MB0400FU.EDF"), None)
    if path is None:
        pytest.skip("MB0400FU.EDF not in the corpus")
    annotations = ours(path).annotations
    # Hand-read from the file's TAL bytes (see the table above).
    assert list(annotations["description"]) == ["Segment: REC START ALLE EEG", "A1+A2 OFF"]
    np.testing.assert_allclose(annotations["onset"], [0.0, 1.14], atol=1e-7)
    # MNE's reading of the same TALs: the two real annotations at 1 s resolution plus the two
    # onsets it mistakes for descriptions.
    mne_annotations = mne_raw(path).annotations
    assert list(mne_annotations.description) == [
        "+0.000000",
        "Segment: REC START ALLE EEG",
        "+1.140000",
        "A1+A2 OFF",
    ]


def _has_tals(path: Path) -> bool:
    header = read_raw_header(path)
    return header.reserved.startswith(("EDF+", "BDF+")) and any(
        label in ("EDF Annotations", "BDF Annotations") for label in header.labels
    )


@pytest.mark.parametrize("path", [p for p in PARAMS if _has_tals(p.values[0])])
def test_subsecond_start_from_tal(path):
    info = ours(path).info
    first_tal = record_onsets_from_tals(path)[0]
    assert 0 <= first_tal < 1, "the corpus has no first record beyond the header second"
    assert info.start_ticks_subsecond == round(first_tal * 10_000_000)
    assert info.start.microsecond == info.start_ticks_subsecond // 10
