"""Montages against MNE (set_eeg_reference, set_bipolar_reference) and numpy on random data."""

from __future__ import annotations

import mne
import numpy as np
import pytest

import ictaltrack
from ictaltrack import electrodes

TUH_LABELS = [
    "EEG FP1-REF",
    "EEG FP2-REF",
    "EEG F3-REF",
    "EEG F4-REF",
    "EEG C3-REF",
    "EEG C4-REF",
    "EEG P3-REF",
    "EEG P4-REF",
    "EEG O1-REF",
    "EEG O2-REF",
    "EEG F7-REF",
    "EEG F8-REF",
    "EEG T3-REF",
    "EEG T4-REF",
    "EEG T5-REF",
    "EEG T6-REF",
    "EEG A1-REF",
    "EEG A2-REF",
    "EEG FZ-REF",
    "EEG CZ-REF",
    "EEG PZ-REF",
    "EEG EKG1-REF",
    "PHOTIC-REF",
    "EDF Annotations",
]
N_EEG = 21


def random_data(n_channels, n_times=1000, seed=1, dtype=np.float64):
    return np.random.default_rng(seed).normal(0.0, 40.0, size=(n_channels, n_times)).astype(dtype)


def mne_raw(data, labels, types):
    info = mne.create_info(labels, 256.0, types)
    return mne.io.RawArray(data.copy(), info, verbose="error")


def test_average_reference_matches_mne():
    data = random_data(len(TUH_LABELS))
    bad = ["EEG O2-REF", "EEG T6-REF"]
    out, labels = ictaltrack.average_reference(data, TUH_LABELS, bad=bad)
    assert labels[0] == "Fp1-AVG" and labels[12] == "T7-AVG" and len(labels) == N_EEG

    types = ["eeg"] * N_EEG + ["ecg", "stim", "misc"]
    raw = mne_raw(data, TUH_LABELS, types)
    raw.info["bads"] = bad
    referenced, _ = mne.set_eeg_reference(raw, "average", projection=False, verbose="error")
    expected = referenced.get_data()[:N_EEG]
    good = [i for i in range(N_EEG) if TUH_LABELS[i] not in bad]
    np.testing.assert_allclose(out[good], expected[good], rtol=1e-12, atol=1e-9)
    # MNE leaves bad channels untouched; ictaltrack re-references them to the same average.
    mean_of_good = data[good].mean(axis=0)
    for i in (TUH_LABELS.index(b) for b in bad):
        np.testing.assert_allclose(out[i], data[i] - mean_of_good, atol=1e-9)


def test_average_reference_float32_and_bad_flags():
    data = random_data(len(TUH_LABELS), dtype=np.float32)
    flags = np.zeros(len(TUH_LABELS), dtype=bool)
    flags[3] = True
    out, _ = ictaltrack.average_reference(data, TUH_LABELS, bad=flags)
    assert out.dtype == np.float32
    good = [i for i in range(N_EEG) if i != 3]
    expected = data[:N_EEG].astype(np.float64) - data[good].astype(np.float64).mean(axis=0)
    np.testing.assert_allclose(out, expected, atol=1e-3)
    weights, labels = electrodes.average_reference_matrix(TUH_LABELS, bad=flags)
    assert weights.shape == (N_EEG, len(TUH_LABELS))
    np.testing.assert_allclose(weights @ data.astype(np.float64), expected, atol=1e-3)
    np.testing.assert_allclose(weights.sum(axis=1), 0.0, atol=1e-12)  # a difference of signals


@pytest.mark.parametrize("montage", ["double_banana", "tcp"])
def test_bipolar_matches_mne(montage):
    data = random_data(len(TUH_LABELS), seed=2)
    out, labels = ictaltrack.bipolar(data, TUH_LABELS, montage=montage)
    pairs = electrodes.montage_pairs(montage)
    assert len(labels) == len(pairs) == {"double_banana": 18, "tcp": 22}[montage]

    # MNE, with channels renamed to the montage's own spelling (T3 stays T3 for TCP).
    spelled = {}
    for anode, cathode in pairs:
        for name in (anode, cathode):
            spelled[ictaltrack.parse_label(name)["name"]] = name
    table = ictaltrack.channel_table(TUH_LABELS)
    mne_names = [
        spelled.get(name, label) if name else label
        for name, label in zip(table["name"], TUH_LABELS)
    ]
    types = ["eeg"] * N_EEG + ["ecg", "stim", "misc"]
    raw = mne_raw(data, mne_names, types)
    bipolar_names = [f"{a}-{c}-bip{i}" for i, (a, c) in enumerate(pairs)]
    referenced = mne.set_bipolar_reference(
        raw,
        [a for a, _ in pairs],
        [c for _, c in pairs],
        ch_name=bipolar_names,
        drop_refs=False,
        verbose="error",
    )
    expected = referenced.get_data(picks=bipolar_names)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-9)


def test_bipolar_labels_and_custom_derivations():
    data = random_data(len(TUH_LABELS), seed=3)
    _, labels = ictaltrack.bipolar(data, TUH_LABELS, montage="tcp")
    assert labels[:4] == ["Fp1-F7", "F7-T7", "T7-P7", "P7-O1"]
    assert labels[8] == "A1-T7" and labels[13] == "T8-A2"
    out, labels = ictaltrack.bipolar(data, TUH_LABELS, montage=["T3-T5", ("Cz", "Pz")])
    assert labels == ["T7-P7", "Cz-Pz"]
    np.testing.assert_allclose(out[0], data[12] - data[14])
    np.testing.assert_allclose(out[1], data[19] - data[20])


def test_bipolar_from_a_bipolar_recording():
    """CHB-MIT channels give the double banana's derivations directly (copied)."""
    chb = electrodes.montage_pairs("chb_mit")
    labels = [f"{a}-{c}" for a, c in chb]
    data = random_data(len(labels), seed=4)
    out, out_labels = ictaltrack.bipolar(data, labels, montage="double_banana")
    assert len(out_labels) == 18
    for row, label in enumerate(out_labels):
        source = [ictaltrack.parse_label(lab)["name"] for lab in labels].index(label)
        np.testing.assert_array_equal(out[row], data[source])
    # A derivation recorded the other way round is negated.
    out, _ = ictaltrack.bipolar(data, labels, montage=["F7-FP1"])
    np.testing.assert_array_equal(out[0], -data[0])


def test_missing_derivations_raise_or_skip():
    labels = ["Fp1", "F7", "T7", "P7"]
    data = random_data(4)
    with pytest.raises(ValueError, match="P7-O1"):
        ictaltrack.bipolar(data, labels, montage="double_banana")
    out, out_labels = ictaltrack.bipolar(data, labels, montage="double_banana", on_missing="skip")
    assert out_labels == ["Fp1-F7", "F7-T7", "T7-P7"]
    _, _, skipped = electrodes.bipolar_matrix(labels, montage="double_banana", on_missing="skip")
    assert len(skipped) == 15 and "P7-O1" in skipped
    with pytest.raises(ValueError):
        ictaltrack.bipolar(data, labels, montage="banana")
    with pytest.raises(ValueError):
        ictaltrack.bipolar(data, labels, montage="double_banana", on_missing="ignore")


def test_bad_input_gets_clear_errors():
    data = random_data(3)
    with pytest.raises(ValueError, match="rows"):
        ictaltrack.average_reference(data, ["Fp1", "F7"])
    with pytest.raises(ValueError):
        ictaltrack.average_reference(data[0], ["Fp1"])
    with pytest.raises(ValueError, match="no channel labelled"):
        ictaltrack.average_reference(data, ["Fp1", "F7", "T7"], bad=["Cz"])
    with pytest.raises(ValueError):
        ictaltrack.average_reference(data, ["ECG", "EMG", "Status"])
    with pytest.raises(ictaltrack.UnsupportedError):
        ictaltrack.average_reference(data, ["Fp1-A1", "Fp2-A2", "C3-A1"])


def test_chunked_equals_whole():
    """The montage has no state: chunk by chunk gives exactly the whole-block result."""
    data = random_data(len(TUH_LABELS), n_times=5000, seed=5, dtype=np.float32)
    whole, _ = ictaltrack.bipolar(data, TUH_LABELS, montage="double_banana")
    chunks = [ictaltrack.bipolar(data[:, s : s + 777], TUH_LABELS)[0] for s in range(0, 5000, 777)]
    np.testing.assert_array_equal(np.concatenate(chunks, axis=1), whole)
