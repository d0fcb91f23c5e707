"""The simulator's recordings, checked with independent readers (MNE, pyedflib/EDFlib) and
signal measures from scipy: seizure band power, recruitment order, lateralisation, overlap,
artifacts at their truth times, determinism."""

from __future__ import annotations

import json

import mne
import numpy as np
import pyedflib
import pytest
from scipy import signal, stats

import ictaltrack

FS = 256
CLEAN = {"blinks": False, "muscle": False, "electrode_pops": False, "movement": False}


def read_uv(path):
    """All channels in microvolts through pyedflib (EDFlib), plus the labels."""
    with pyedflib.EdfReader(str(path)) as reader:
        labels = reader.getSignalLabels()
        data = np.vstack([reader.readSignal(i) for i in range(reader.signals_in_file)])
    return data, labels


def band_power(x, low, high):
    """Mean Welch power density (uV^2/Hz) of x in [low, high] Hz, 2 s Hann segments."""
    freqs, psd = signal.welch(x, fs=FS, nperseg=2 * FS)
    return psd[..., (freqs >= low) & (freqs <= high)].mean(axis=-1)


def segment(data, start_s, stop_s):
    return data[..., int(round(start_s * FS)) : int(round(stop_s * FS))]


@pytest.fixture(scope="module")
def referential(tmp_path_factory):
    path = tmp_path_factory.mktemp("referential") / "rec.edf"
    truth = ictaltrack.simulate(
        path,
        duration_s=240,
        seed=11,
        n_seizures=3,
        seizure_duration_min_s=40,
        seizure_duration_max_s=55,
        interval_min_s=15,
        interval_max_s=25,
        first_onset_min_s=25,
        first_onset_max_s=30,
        overlap_probability=0.0,
        **CLEAN,
    )
    data, labels = read_uv(path)
    return path, truth, data, labels


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    path = tmp_path_factory.mktemp("artifacts") / "art.edf"
    truth = ictaltrack.simulate(
        path,
        duration_s=180,
        seed=4,
        n_seizures=0,
        blinks_per_hour=200,
        muscle_per_hour=100,
        electrode_pops_per_hour=100,
        movement_per_hour=60,
        bad_channel="flat",
        bad_channel_electrode="O2",
        label_style="eeg-ref",
    )
    data, labels = read_uv(path)
    return path, truth, data, labels


def test_recording_opens_in_mne_and_edflib_with_the_same_values(referential):
    path, truth, data, labels = referential
    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    assert raw.ch_names == truth["channels"] == labels
    assert len(labels) == 19
    assert raw.info["sfreq"] == FS
    assert raw.n_times == 240 * FS
    # Two independent decoders agree to float precision (MNE returns volts).
    np.testing.assert_allclose(raw.get_data() * 1e6, data, atol=1e-6)
    assert json.loads(path.with_suffix(".json").read_text()) == truth
    # Realistic infant background: tens of microvolts, no clipping at +-4096 uV.
    pre_ictal = segment(data, 2, truth["seizures"][0]["onset_s"] - 2)
    rms = pre_ictal.std(axis=1)
    assert np.all((rms > 12) & (rms < 60)), rms
    assert np.abs(data).max() < 4000


def test_annotations_in_the_file_match_the_json_truth(referential, artifacts):
    for path, truth, _, _ in (referential, artifacts):
        annotations = mne.io.read_raw_edf(path, verbose="error").annotations
        expected = [
            (s["onset_s"], s["offset_s"] - s["onset_s"], s["annotation"]) for s in truth["seizures"]
        ]
        expected += [
            (a["onset_s"], a["offset_s"] - a["onset_s"], a["annotation"])
            for a in truth["artifacts"]
        ]
        found = sorted(zip(annotations.onset, annotations.duration, annotations.description))
        assert len(found) == len(expected) > 0
        for (onset, duration, text), (t_onset, t_duration, t_text) in zip(found, sorted(expected)):
            assert text == t_text
            assert onset == pytest.approx(t_onset, abs=1e-9)
            assert duration == pytest.approx(t_duration, abs=1e-9)
    seizure = referential[1]["seizures"][0]
    assert seizure["annotation"] == (
        f"seizure 1 {seizure['hemisphere']} {seizure['region']} {seizure['focus_electrodes'][0]}"
    )


def test_focus_gains_theta_alpha_power_at_onset_and_far_channels_do_not(referential):
    _, truth, data, labels = referential
    for seizure in truth["seizures"]:
        onset = seizure["onset_s"]
        focus = labels.index(seizure["focus_electrodes"][0])
        before = band_power(segment(data, onset - 10, onset - 1), 4, 12)
        after = band_power(segment(data, onset + 1, onset + 10), 4, 12)
        assert after[focus] > 4 * before[focus], seizure
        uninvolved = [i for i, name in enumerate(labels) if name not in seizure["channel_onsets"]]
        assert uninvolved
        assert np.all(after[uninvolved] < 2 * before[uninvolved]), seizure
        # The rhythm at onset is at the drawn onset frequency (alpha/theta, 6-11 Hz).
        freqs, psd = signal.welch(segment(data[focus], onset + 1, onset + 6), fs=FS, nperseg=4 * FS)
        peak = freqs[np.argmax(np.where(freqs >= 3, psd, 0))]
        assert 6 <= seizure["onset_frequency_hz"] <= 11
        assert abs(peak - seizure["onset_frequency_hz"]) <= 1.0
        # ...and slows into delta/low theta by the end.
        late = segment(data[focus], seizure["offset_s"] - 12, seizure["offset_s"] - 4)
        freqs, psd = signal.welch(late, fs=FS, nperseg=4 * FS)
        assert freqs[np.argmax(np.where(freqs >= 1, psd, 0))] < 5


def test_recruitment_follows_distance_on_a_real_10_20_head(referential):
    _, truth, data, labels = referential
    positions = mne.channels.make_standard_montage("colin27_1020").get_positions()["ch_pos"]
    for seizure in truth["seizures"]:
        focus = seizure["focus_electrodes"][0]
        names = list(seizure["electrode_onsets"])
        distance = [np.linalg.norm(positions[n] - positions[focus]) for n in names]
        onsets = [seizure["electrode_onsets"][n] for n in names]
        rho = stats.spearmanr(distance, onsets).statistic
        assert rho > 0.8, (seizure["index"], rho)
        # In the signal: each recruited channel's 3-13 Hz envelope leaves its pre-ictal level
        # no earlier than its truth onset, and the focus gets there first.
        sos = signal.butter(4, [3, 13], btype="bandpass", fs=FS, output="sos")
        envelope = np.abs(signal.hilbert(signal.sosfiltfilt(sos, data, axis=1), axis=1))
        smooth = signal.sosfiltfilt(signal.butter(2, 0.5, fs=FS, output="sos"), envelope, axis=1)
        baseline = np.median(
            segment(smooth, seizure["onset_s"] - 15, seizure["onset_s"] - 1), axis=1
        )
        detected = {}
        for name in names:
            row = labels.index(name)
            window = segment(smooth[row], seizure["onset_s"] - 1, seizure["offset_s"])
            above = np.flatnonzero(window > 2.5 * baseline[row])
            if above.size:
                detected[name] = seizure["onset_s"] - 1 + above[0] / FS
        assert focus in detected
        assert detected[focus] - seizure["onset_s"] < 4
        for name, t in detected.items():
            assert t >= seizure["electrode_onsets"][name] - 1.5, (name, t)
        assert min(detected, key=detected.get) == focus


def test_next_seizure_switches_hemisphere_when_configured(tmp_path):
    path = tmp_path / "switch.edf"
    truth = ictaltrack.simulate(
        path,
        duration_s=330,
        seed=8,
        n_seizures=5,
        seizure_duration_min_s=30,
        seizure_duration_max_s=40,
        interval_min_s=15,
        interval_max_s=25,
        first_onset_min_s=15,
        first_onset_max_s=20,
        overlap_probability=0.0,
        contralateral_probability=1.0,
        **CLEAN,
    )
    sides = [s["hemisphere"] for s in truth["seizures"]]
    assert len(sides) == 5
    assert all(a != b for a, b in zip(sides, sides[1:]))
    # The signal agrees: the theta/alpha rise at onset is larger over the truth hemisphere.
    data, labels = read_uv(path)
    left = [i for i, n in enumerate(labels) if n[-1].isdigit() and int(n[-1]) % 2 == 1]
    right = [i for i, n in enumerate(labels) if n[-1].isdigit() and int(n[-1]) % 2 == 0]
    for seizure in truth["seizures"]:
        onset = seizure["onset_s"]
        rise = band_power(segment(data, onset + 1, onset + 8), 4, 12) / band_power(
            segment(data, onset - 8, onset - 1), 4, 12
        )
        louder = "left" if rise[left].max() > rise[right].max() else "right"
        assert louder == seizure["hemisphere"], seizure


def test_same_hemisphere_migration_changes_region(tmp_path):
    truth = ictaltrack.simulate(
        tmp_path / "ipsi.edf",
        duration_s=400,
        seed=3,
        n_seizures=6,
        seizure_duration_min_s=30,
        seizure_duration_max_s=40,
        overlap_probability=0.0,
        contralateral_probability=0.0,
    )
    seizures = truth["seizures"]
    assert {s["hemisphere"] for s in seizures} == {seizures[0]["hemisphere"]}
    assert all(a["region"] != b["region"] for a, b in zip(seizures, seizures[1:]))


def test_overlapping_seizures_are_both_in_the_signal(tmp_path):
    path = tmp_path / "overlap.edf"
    truth = ictaltrack.simulate(
        path,
        duration_s=200,
        seed=5,
        n_seizures=2,
        seizure_duration_min_s=60,
        seizure_duration_max_s=70,
        first_onset_min_s=20,
        first_onset_max_s=25,
        overlap_probability=1.0,
        **CLEAN,
    )
    first, second = truth["seizures"]
    assert second["overlaps_previous"] and not first["overlaps_previous"]
    assert first["onset_s"] < second["onset_s"] < first["offset_s"]
    assert second["hemisphere"] != first["hemisphere"]
    assert second["region"] != first["region"]
    data, labels = read_uv(path)
    baseline = band_power(segment(data, 5, first["onset_s"] - 1), 3, 12)
    overlap_end = min(first["offset_s"], second["offset_s"])
    both = band_power(segment(data, second["onset_s"] + 2, overlap_end - 2), 3, 12)
    for seizure in (first, second):
        focus = labels.index(seizure["focus_electrodes"][0])
        assert both[focus] > 4 * baseline[focus], seizure["focus_electrodes"]


def test_no_overlap_when_probability_is_zero(tmp_path):
    truth = ictaltrack.simulate(
        tmp_path / "x.edf", duration_s=1800, seed=2, overlap_probability=0.0
    )
    seizures = truth["seizures"]
    assert len(seizures) >= 3
    assert not any(s["overlaps_previous"] for s in seizures)
    assert all(b["onset_s"] >= a["offset_s"] for a, b in zip(seizures, seizures[1:]))


def test_artifacts_are_in_the_signal_at_their_truth_times(artifacts):
    _, truth, data, labels = artifacts
    kinds = {a["kind"] for a in truth["artifacts"]}
    assert kinds == {"blink", "muscle", "electrode_pop", "movement"}
    # Robust per-channel scale of the whole recording.
    typical = np.median(np.abs(data - np.median(data, axis=1, keepdims=True)), axis=1)
    sos_high = signal.butter(4, 30, btype="highpass", fs=FS, output="sos")
    high = signal.sosfiltfilt(sos_high, data, axis=1)
    high_typical = np.median(np.abs(high), axis=1)
    sos_slow = signal.butter(2, 1.5, fs=FS, output="sos")
    slow = signal.sosfiltfilt(sos_slow, data, axis=1)
    for artifact in truth["artifacts"]:
        assert "EEG O2-REF" not in artifact["channels"]  # the flat electrode shows nothing
        rows = [labels.index(c) for c in artifact["channels"]]
        start, stop = artifact["onset_s"], artifact["offset_s"]
        if artifact["kind"] == "blink":
            assert {"EEG FP1-REF", "EEG FP2-REF"} <= set(artifact["channels"])
            fp = [labels.index("EEG FP1-REF"), labels.index("EEG FP2-REF")]
            rise = segment(data[fp], start, stop).max(axis=1) - np.median(
                segment(data[fp], max(start - 2, 0), stop + 2), axis=1
            )
            assert np.all(rise > 40), artifact
        elif artifact["kind"] == "muscle":
            assert all("T" in c or "F7" in c or "F8" in c for c in artifact["channels"])
            inside = np.median(np.abs(segment(high[rows], start + 0.3, stop - 0.3)), axis=1)
            assert np.all(inside > 2.5 * high_typical[rows]), artifact
        elif artifact["kind"] == "electrode_pop":
            assert len(rows) == 1
            jump = np.abs(
                segment(data[rows[0]], start, start + 0.05)
                - np.median(segment(data[rows[0]], start - 1, start))
            ).max()
            assert jump > 60, artifact
        else:  # movement: large and slow on (nearly) every channel
            assert len(artifact["channels"]) == 18  # all but the flat O2
            swing = np.ptp(segment(slow[rows], start, stop), axis=1)
            assert np.median(swing) > 6 * np.median(typical[rows]), artifact


def test_flat_channel_is_flat_and_listed(artifacts):
    _, truth, data, labels = artifacts
    assert truth["bad_channels"] == [
        {"electrode": "O2", "kind": "flat", "channels": ["EEG O2-REF"]}
    ]
    o2 = data[labels.index("EEG O2-REF")]
    assert np.all(o2 == 0)
    assert np.all(data[[i for i in range(19) if labels[i] != "EEG O2-REF"]].std(axis=1) > 5)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    options = {
        "duration_s": 60,
        "n_seizures": 1,
        "seizure_duration_min_s": 20,
        "seizure_duration_max_s": 30,
    }
    ictaltrack.simulate(tmp_path / "a.edf", seed=9, **options)
    ictaltrack.simulate(tmp_path / "b.edf", seed=9, **options)
    ictaltrack.simulate(tmp_path / "c.edf", seed=10, **options)
    a, b, c = ((tmp_path / f"{n}.edf").read_bytes() for n in "abc")
    assert a == b
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert a != c
    assert a[88:256] == c[88:256]  # same header apart from the patient field (holds the seed)


@pytest.mark.parametrize(
    ("style", "names", "first", "temporal"),
    [
        ("plain", "old", "Fp1", "T3"),
        ("eeg-ref", "old", "EEG FP1-REF", "EEG T3-REF"),
        ("linked-ears", "new", "FP1-LE", "T7-LE"),
        ("average", "new", "Fp1-Avg", "T7-Avg"),
        ("EEG FP1-REF", "new", "EEG FP1-REF", "EEG T7-REF"),
    ],
)
def test_label_styles(tmp_path, style, names, first, temporal):
    path = tmp_path / "labels.edf"
    truth = ictaltrack.simulate(
        path, duration_s=10, label_style=style, temporal_names=names, n_seizures=0
    )
    raw = mne.io.read_raw_edf(path, verbose="error")
    assert raw.ch_names[0] == first
    assert raw.ch_names[12] == temporal
    assert truth["channels"] == raw.ch_names


def test_bipolar_montage_is_chbmit(tmp_path):
    path = tmp_path / "bipolar.edf"
    truth = ictaltrack.simulate(
        path,
        duration_s=120,
        seed=2,
        montage="bipolar",
        n_seizures=1,
        seizure_duration_min_s=40,
        seizure_duration_max_s=50,
        **CLEAN,
    )
    data, labels = read_uv(path)
    assert labels == [
        "FP1-F7",
        "F7-T7",
        "T7-P7",
        "P7-O1",
        "FP1-F3",
        "F3-C3",
        "C3-P3",
        "P3-O1",
        "FP2-F4",
        "F4-C4",
        "C4-P4",
        "P4-O2",
        "FP2-F8",
        "F8-T8",
        "T8-P8",
        "P8-O2",
        "FZ-CZ",
        "CZ-PZ",
        "P7-T7",
        "T7-FT9",
        "FT9-FT10",
        "FT10-T8",
        "T8-P8",
    ]
    # T8-P8 appears twice, as in CHB-MIT, with identical samples; P7-T7 is -(T7-P7).
    np.testing.assert_array_equal(data[14], data[22])
    np.testing.assert_allclose(data[18], -data[2], atol=0.125 + 1e-9)
    seizure = truth["seizures"][0]
    focus = seizure["focus_electrodes"][0]
    assert focus.upper() not in {"T3", "T4", "T5", "T6"}  # CHB-MIT names in the truth
    involved = [i for i, n in enumerate(labels) if focus.upper() in n.split("-")]
    onset = seizure["onset_s"]
    rise = band_power(segment(data, onset + 1, onset + 9), 4, 12) / band_power(
        segment(data, onset - 9, onset - 1), 4, 12
    )
    assert rise[involved].max() > 4


def test_bdf_output(tmp_path):
    path = tmp_path / "fine.bdf"
    ictaltrack.simulate(path, duration_s=20, n_seizures=0, file_type="bdf")
    with pyedflib.EdfReader(str(path)) as reader:
        assert reader.filetype == pyedflib.FILETYPE_BDFPLUS
        assert reader.getDigitalMaximum(0) == 8388607
        values = reader.readSignal(0)
    steps = np.diff(np.unique(values))
    assert steps.min() < 0.002  # 24-bit resolution, not EDF's 0.125 uV


def test_defaults_and_errors(tmp_path):
    defaults = ictaltrack.simulation_defaults()
    assert defaults["sfreq"] == 256
    assert defaults["contralateral_probability"] == 0.7
    assert defaults["line_noise_hz"] == 50
    assert defaults["montage"] == "referential"
    with pytest.raises(ValueError, match="unknown simulate option 'blink_rate'"):
        ictaltrack.simulate(tmp_path / "x.edf", blink_rate=3)
    with pytest.raises(ValueError, match="do not fit"):
        ictaltrack.simulate(tmp_path / "x.edf", duration_s=120, n_seizures=5)
    with pytest.raises(ValueError, match="montage"):
        ictaltrack.simulate(tmp_path / "x.edf", montage="laplacian")
    with pytest.raises(TypeError, match="must be a bool"):
        ictaltrack.simulate(tmp_path / "x.edf", blinks=1)
    with pytest.raises(ictaltrack.IoError):
        ictaltrack.simulate(tmp_path / "missing" / "x.edf", duration_s=10)
    assert list(tmp_path.iterdir()) == []


def test_truth_schema(referential):
    _, truth, _, _ = referential
    assert truth["format"] == "ictaltrack-simulation-truth"
    assert truth["generator"]["version"] == ictaltrack.__version__
    assert truth["seed"] == 11 == truth["config"]["seed"]
    assert truth["config"]["overlap_probability"] == 0.0
    for seizure in truth["seizures"]:
        assert set(seizure) >= {
            "onset_s",
            "offset_s",
            "focus_electrodes",
            "region",
            "hemisphere",
            "channel_onsets",
            "overlaps_previous",
        }
        assert seizure["hemisphere"] in {"left", "right"}
        assert 40 <= seizure["offset_s"] - seizure["onset_s"] <= 55 + 1e-3
        assert seizure["channel_onsets"][seizure["focus_electrodes"][0]] == seizure["onset_s"]
    assert truth["artifacts"] == [] and truth["bad_channels"] == []


@pytest.fixture(scope="module")
def background(tmp_path_factory):
    path = tmp_path_factory.mktemp("background") / "bg.edf"
    truth = ictaltrack.simulate(path, duration_s=120, seed=12, n_seizures=0, **CLEAN)
    data, labels = read_uv(path)
    return truth, data, labels


def test_background_is_slow_and_falls_with_frequency(background):
    _, data, _ = background
    delta = band_power(data, 0.5, 4)
    theta = band_power(data, 4, 8)
    alpha = band_power(data, 8, 13)
    beta = band_power(data, 13, 30)
    assert np.all(delta > theta) and np.all(theta > alpha) and np.all(alpha > beta)
    # 1/f-like: between 2 and 32 Hz the log-log slope is about -1 to -2.5 (delta hump included).
    freqs, psd = signal.welch(data, fs=FS, nperseg=4 * FS)
    band = (freqs >= 2) & (freqs <= 32)
    slope = np.polyfit(np.log(freqs[band]), np.log(psd[:, band].mean(axis=0)), 1)[0]
    assert -3.0 < slope < -1.0, slope


def test_neighbouring_electrodes_are_more_correlated_than_distant_ones(background):
    _, data, labels = background
    sos = signal.butter(4, [0.5, 30], btype="bandpass", fs=FS, output="sos")
    filtered = signal.sosfiltfilt(sos, data, axis=1)
    corr = np.corrcoef(filtered)
    pairs = [("C3", "P3", "O2"), ("F4", "C4", "T5"), ("Fp1", "F3", "P4"), ("T4", "F8", "O1")]
    for reference, neighbour, distant in pairs:
        i, j, k = (labels.index(n) for n in (reference, neighbour, distant))
        assert corr[i, j] > corr[i, k] + 0.2, (reference, corr[i, j], corr[i, k])


def test_line_noise_at_the_configured_frequency(background, tmp_path):
    _, data, _ = background
    freqs, psd = signal.welch(data, fs=FS, nperseg=4 * FS)
    at_50 = psd[:, freqs == 50][:, 0]
    nearby = psd[:, (np.abs(freqs - 50) > 2) & (np.abs(freqs - 50) < 6)].mean(axis=1)
    assert np.all(at_50 > 2 * nearby)  # 1-3 uV hum over a ~0.5 uV^2/Hz floor
    path = tmp_path / "quiet.edf"
    ictaltrack.simulate(path, duration_s=60, seed=12, n_seizures=0, line_noise_hz=0, **CLEAN)
    quiet, _ = read_uv(path)
    freqs, psd = signal.welch(quiet, fs=FS, nperseg=4 * FS)
    nearby = psd[:, (np.abs(freqs - 50) > 2) & (np.abs(freqs - 50) < 6)].mean(axis=1)
    # Without hum the 50 Hz bin is just noise: about the level around it (median over channels).
    assert np.median(psd[:, freqs == 50][:, 0] / nearby) < 1.4


def test_disconnected_electrode_carries_hum_and_no_eeg(tmp_path):
    path = tmp_path / "open.edf"
    truth = ictaltrack.simulate(
        path,
        duration_s=60,
        seed=1,
        n_seizures=0,
        bad_channel="disconnected",
        bad_channel_electrode="T4",
        **CLEAN,
    )
    assert truth["bad_channels"] == [
        {"electrode": "T4", "kind": "disconnected", "channels": ["T4"]}
    ]
    data, labels = read_uv(path)
    t4 = labels.index("T4")
    hum = band_power(data, 49, 51)
    eeg = band_power(data, 0.5, 8)
    assert hum[t4] > 50 * np.median(hum)
    assert eeg[t4] < 0.2 * np.median(eeg)


def test_simulate_array_is_the_file_before_quantisation(tmp_path):
    options = {
        "duration_s": 30,
        "seed": 6,
        "n_seizures": 1,
        "seizure_duration_min_s": 15,
        "seizure_duration_max_s": 20,
        "first_onset_min_s": 5,
        "first_onset_max_s": 6,
    }
    data, truth = ictaltrack.simulate_array(**options)
    written = ictaltrack.simulate(tmp_path / "same.edf", **options)
    assert truth == written
    assert data.shape == (19, 30 * FS) and data.dtype == np.float64
    from_file, labels = read_uv(tmp_path / "same.edf")
    assert labels == truth["channels"]
    np.testing.assert_allclose(from_file, data, atol=0.125 + 1e-9)
    assert np.abs(from_file - data).max() > 0.01  # the file really is quantised
