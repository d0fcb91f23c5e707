"""The simulator's model-version-2 features (propagation, discharge morphologies, normal rhythms,
rhythmic artifacts, states, ECG), each checked on the generated samples with an independent
measure from scipy (Welch spectra, coherence, peak finding) against what its truth states.

Every feature is off by default; the committed samples (tests/python/test_samples.py) check
that a configuration without them still gives the same bytes."""

from __future__ import annotations

import mne
import numpy as np
import pytest
from scipy import signal

import ictaltrack

FS = 256
#: No version-1 artifacts, no mains: each test sees only the feature under test and background.
QUIET = {
    "blinks": False,
    "muscle": False,
    "electrode_pops": False,
    "movement": False,
    "line_noise_hz": 0.0,
}
ONE_SEIZURE = {
    "n_seizures": 1,
    "seizure_duration_min_s": 70.0,
    "seizure_duration_max_s": 70.0,
    "first_onset_min_s": 20.0,
    "first_onset_max_s": 20.0,
}


def window(data, start_s, stop_s):
    return data[..., int(round(start_s * FS)) : int(round(stop_s * FS))]


def power_near(x, freq, half_width=0.5, nperseg=4 * FS):
    """Welch power (uV^2) of x within +-half_width Hz of freq (sum of density * bin width)."""
    freqs, psd = signal.welch(x, fs=FS, nperseg=nperseg)
    keep = np.abs(freqs - freq) <= half_width
    return psd[..., keep].sum(axis=-1) * (freqs[1] - freqs[0])


def row(truth, name):
    return truth["channels"].index(name)


# ---------------------------------------------------------------------------------------------
# Propagation
# ---------------------------------------------------------------------------------------------


def homologous(**options):
    return ictaltrack.simulate_array(
        # A focal field of radius 0.45 leaves out even the closest mirror sites (O1-O2: 0.49).
        duration_s=120,
        seed=21,
        homologous_spread_probability=1.0,
        spread_radius=0.45,
        onset_frequency_min_hz=5.0,
        onset_frequency_max_hz=5.0,
        end_frequency_min_hz=5.0,
        end_frequency_max_hz=5.0,
        amplitude_min_uv=200.0,
        amplitude_max_uv=200.0,
        **ONE_SEIZURE,
        **QUIET,
        **options,
    )


def test_homologous_spread_carries_the_rhythm_after_the_stated_delay():
    data, truth = homologous()
    (seizure,) = truth["seizures"]  # one seizure stays one seizure
    assert seizure["propagated"] is True
    (spread,) = seizure["propagation"]
    assert spread["kind"] == "homologous"
    assert 2.0 <= spread["delay_s"] <= 15.0
    assert spread["hemisphere"] != seizure["hemisphere"]
    assert spread["region"] == seizure["region"]
    assert 0.4 <= spread["amplitude_factor"] <= 1.0
    target = spread["target_electrode"]
    focus = seizure["focus_electrodes"][0]
    # The target lies outside the focal field: only the propagation brings the rhythm there.
    assert target not in seizure["channel_onsets"]
    assert spread["channel_onsets"][target] == spread["onset_s"]

    rhythm = 5.0 + spread["detuning_hz"]
    x = data[row(truth, target)]
    before = power_near(
        window(x, seizure["onset_s"], spread["onset_s"] - 0.5), rhythm, nperseg=2 * FS
    )
    after = power_near(
        window(x, spread["onset_s"] + 4, seizure["offset_s"] - 5), rhythm, nperseg=2 * FS
    )
    assert after > 20 * before
    # Its spectral peak is the detuned rhythm (0.125 Hz bins from 8 s segments).
    freqs, psd = signal.welch(
        window(x, spread["onset_s"] + 4, seizure["offset_s"] - 5), fs=FS, nperseg=8 * FS
    )
    assert abs(freqs[np.argmax(psd)] - rhythm) <= 0.125
    # Without detuning it is the focus's own rhythm, lagged: coherent with the focus at 5 Hz
    # (a detuned copy drifts in phase, which is what makes it "slightly detuned").
    data, truth = homologous(spread_detuning_max_hz=0.0)
    (seizure,) = truth["seizures"]
    (spread,) = seizure["propagation"]
    assert spread["detuning_hz"] == 0
    segment = window(data, spread["onset_s"] + 4, seizure["offset_s"] - 5)
    freqs, coh = signal.coherence(
        segment[row(truth, focus)], segment[row(truth, target)], fs=FS, nperseg=2 * FS
    )
    assert coh[np.argmin(np.abs(freqs - 5.0))] > 0.9
    _, before = signal.coherence(
        *window(data[[row(truth, focus), row(truth, target)]], 2, seizure["onset_s"] - 1),
        fs=FS,
        nperseg=2 * FS,
    )
    assert before[np.argmin(np.abs(freqs - 5.0))] < 0.5


def test_generalisation_reaches_every_electrode_and_distant_spread_leaves_the_field():
    data, truth = ictaltrack.simulate_array(
        duration_s=120,
        seed=5,
        generalisation_probability=1.0,
        distant_spread_probability=1.0,
        spread_onset_delay_min_s=6.0,
        spread_onset_delay_max_s=8.0,
        **ONE_SEIZURE,
        **QUIET,
    )
    (seizure,) = truth["seizures"]
    kinds = {g["kind"]: g for g in seizure["propagation"]}
    assert set(kinds) == {"distant", "generalised"}
    assert [g["onset_s"] for g in seizure["propagation"]] == sorted(
        g["onset_s"] for g in seizure["propagation"]
    )
    general = kinds["generalised"]
    assert set(general["channel_onsets"]) == set(truth["channels"])
    assert all(
        general["onset_s"] <= t <= general["onset_s"] + 2
        for t in general["channel_onsets"].values()
    )
    # Every channel gains theta-alpha power once generalised (6-11 Hz onset rhythm).
    quiet = window(data, 2, seizure["onset_s"] - 1)
    ictal = window(data, general["onset_s"] + 3, general["onset_s"] + 13)
    freqs, p_quiet = signal.welch(quiet, fs=FS, nperseg=2 * FS)
    _, p_ictal = signal.welch(ictal, fs=FS, nperseg=2 * FS)
    band = (freqs >= 4) & (freqs <= 12)
    ratio = p_ictal[:, band].sum(axis=1) / p_quiet[:, band].sum(axis=1)
    assert ratio.min() > 5
    distant = kinds["distant"]
    assert distant["target_electrode"] not in seizure["channel_onsets"]


def test_spread_does_not_change_the_seizure_plan():
    base = ictaltrack.simulate_array(duration_s=900, seed=8, **QUIET)[1]["seizures"]
    spread = ictaltrack.simulate_array(
        duration_s=900,
        seed=8,
        homologous_spread_probability=0.5,
        generalisation_probability=0.3,
        **QUIET,
    )[1]["seizures"]
    assert len(base) == len(spread) >= 2
    keys = ("onset_s", "offset_s", "focus_electrodes", "hemisphere", "region", "channel_onsets")
    assert [{k: s[k] for k in keys} for s in base] == [{k: s[k] for k in keys} for s in spread]
    assert any(s["propagated"] for s in spread) and not any(s["propagated"] for s in base)


# ---------------------------------------------------------------------------------------------
# Morphology
# ---------------------------------------------------------------------------------------------


def steady_focus(morphology, freq=3.0):
    options = {f"{morphology}_probability": 1.0}
    data, truth = ictaltrack.simulate_array(
        duration_s=120,
        seed=3,
        onset_frequency_min_hz=freq,
        onset_frequency_max_hz=freq,
        end_frequency_min_hz=freq,
        end_frequency_max_hz=freq,
        amplitude_min_uv=300.0,
        amplitude_max_uv=300.0,
        background_rms_uv=3.0,
        amplifier_noise_uv=0.5,
        **ONE_SEIZURE,
        **QUIET,
        **options,
    )
    (seizure,) = truth["seizures"]
    focus = seizure["focus_electrodes"][0]
    length = seizure["offset_s"] - seizure["onset_s"]
    # Past the growth phase (35 % of the seizure) and before the fade.
    x = window(data[row(truth, focus)], seizure["onset_s"] + 0.4 * length, seizure["offset_s"] - 6)
    return x, seizure


def test_sharp_waves_have_harmonics_with_geometric_power_ratios():
    x, seizure = steady_focus("sharp_wave")
    assert seizure["morphology"] == "sharp_wave"
    p1, p2, p3 = (power_near(x, k * 3.0, 0.3) for k in (1, 2, 3))
    # Harmonic k has amplitude 0.7^k (docs/simulator.md): power ratios 0.49 and 0.24.
    assert p2 / p1 == pytest.approx(0.49, rel=0.15)
    assert p3 / p1 == pytest.approx(0.49**2, rel=0.2)


@pytest.mark.parametrize("morphology", ["spike_and_wave", "polyspike", "asymmetric_wave"])
def test_other_morphologies_spread_power_over_harmonics(morphology):
    x, seizure = steady_focus(morphology)
    expected = {"asymmetric_wave": "asymmetric"}.get(morphology, morphology)
    assert seizure["morphology"] == expected
    total = power_near(x, 12.0, 11.5)  # 0.5-23.5 Hz
    fundamental = power_near(x, 3.0, 1.0)  # the 2 Hz span around the rhythm
    harmonics = sum(power_near(x, k * 3.0, 0.3) for k in (2, 3, 4))
    assert fundamental / total < 0.85
    assert harmonics / fundamental > 0.1
    # Same RMS as the default waveform: the morphology moves power, it does not add any.
    sinus, _ = steady_focus("sharp_wave")
    assert np.std(x) == pytest.approx(np.std(sinus), rel=0.1)


# ---------------------------------------------------------------------------------------------
# Normal rhythms and transients
# ---------------------------------------------------------------------------------------------


def test_posterior_dominant_rhythm_peaks_in_its_band_on_o1_o2_in_phase():
    data, truth = ictaltrack.simulate_array(
        duration_s=600,
        seed=12,
        n_seizures=0,
        posterior_rhythm_per_hour=12.0,
        posterior_rhythm_min_hz=8.0,
        posterior_rhythm_max_hz=12.0,
        **QUIET,
    )
    episodes = [e for e in truth["background_events"] if e["kind"] == "posterior_rhythm"]
    assert episodes and not truth["seizures"]
    for e in episodes:
        assert 8.0 <= e["frequency_hz"] <= 12.0
        assert {"O1", "O2"} <= set(e["channels"])
        seg = window(data, e["onset_s"] + 3, e["offset_s"] - 3)
        o1, o2, fp1 = (seg[row(truth, name)] for name in ("O1", "O2", "Fp1"))
        freqs, psd = signal.welch(o1, fs=FS, nperseg=4 * FS)
        peak = freqs[np.argmax(np.where(freqs > 2, psd, 0))]
        assert abs(peak - e["frequency_hz"]) <= 0.25
        freqs, coh = signal.coherence(o1, o2, fs=FS, nperseg=2 * FS)
        assert coh[np.argmin(np.abs(freqs - e["frequency_hz"]))] > 0.9
        assert power_near(fp1, e["frequency_hz"]) < 0.1 * power_near(o1, e["frequency_hz"])


def test_hypersynchrony_is_diffuse_and_spindles_are_central():
    common = dict(duration_s=600, seed=13, n_seizures=0, **QUIET)
    data, truth = ictaltrack.simulate_array(
        hypersynchrony_per_hour=20.0,
        spindles_per_hour=60.0,
        vertex_waves_per_hour=30.0,
        k_complexes_per_hour=20.0,
        **common,
    )
    # The background comes from its own random stream: without the events it is the same, so
    # the difference is the events alone.
    events_only = data - ictaltrack.simulate_array(**common)[0]
    events = truth["background_events"]
    kinds = {e["kind"] for e in events}
    assert {"hypersynchrony", "spindle", "vertex_wave", "k_complex"} <= kinds
    rest = window(data, 0, 600)
    for e in events:
        if any(
            o is not e and o["onset_s"] < e["offset_s"] + 0.5 and o["offset_s"] > e["onset_s"]
            for o in events
        ):
            continue  # judge each event alone
        seg = window(data, e["onset_s"], e["offset_s"])
        if e["kind"] == "hypersynchrony" and e["offset_s"] - e["onset_s"] >= 3:
            assert 3.0 <= e["frequency_hz"] <= 5.0
            gain = power_near(seg, e["frequency_hz"], 1.0, nperseg=FS) / power_near(
                rest, e["frequency_hz"], 1.0, nperseg=FS
            )
            assert gain.min() > 3  # every channel, not one region
        if e["kind"] == "spindle" and e["offset_s"] - e["onset_s"] >= 1.0:
            cz, o1 = seg[row(truth, "Cz")], seg[row(truth, "O1")]
            band = power_near(cz, e["frequency_hz"], 1.5, nperseg=len(cz))
            assert band > 5 * power_near(o1, e["frequency_hz"], 1.5, nperseg=len(o1))
        if e["kind"] == "vertex_wave":
            # Surface-negative, largest at the vertex, barely anything occipital.
            wave = window(events_only, e["onset_s"], e["offset_s"] + 0.01)
            assert wave[row(truth, "Cz")].min() < -55
            assert wave[row(truth, "Cz")].max() <= 1e-9
            assert abs(wave[row(truth, "O1")]).max() < 0.2 * abs(wave[row(truth, "Cz")]).max()
        if e["kind"] == "k_complex":
            wave = window(events_only, e["onset_s"], e["offset_s"] + 0.01)[row(truth, "Fz")]
            # A negative sharp wave first, then a slower positive one.
            assert np.argmin(wave) < np.argmax(wave) and wave.min() < -60


def test_burst_suppression_scales_the_background_between_bursts():
    common = dict(duration_s=300, seed=14, n_seizures=0, amplifier_noise_uv=0.0, **QUIET)
    plain, _ = ictaltrack.simulate_array(**common)
    suppressed, truth = ictaltrack.simulate_array(
        bursts_per_hour=240.0, suppression_level=0.2, **common
    )
    bursts = [
        (e["onset_s"], e["offset_s"]) for e in truth["background_events"] if e["kind"] == "burst"
    ]
    assert len(bursts) > 5
    t = np.arange(plain.shape[1]) / FS
    between = np.ones_like(t, dtype=bool)
    for onset, offset in bursts:
        between &= ~((t >= onset - 0.25) & (t <= offset + 0.25))
    # The same background (same stream), exactly scaled by the suppression level.
    np.testing.assert_allclose(suppressed[:, between], 0.2 * plain[:, between], atol=1e-9)
    onset, offset = bursts[0]
    inside = window(suppressed, onset + 0.3, offset - 0.3)
    assert np.std(inside) > 3 * np.std(suppressed[:, between])


def test_background_states_change_amplitude_and_spectrum():
    data, truth = ictaltrack.simulate_array(
        duration_s=1200,
        seed=15,
        n_seizures=0,
        state_changes=True,
        state_duration_min_s=200.0,
        state_duration_max_s=300.0,
        amplifier_noise_uv=0.0,
        **QUIET,
    )
    states = [e for e in truth["background_events"] if e["kind"].startswith("state_")]
    assert len(states) >= 4
    assert states[0]["onset_s"] == 0 and states[-1]["offset_s"] == 1200
    assert all(
        a["offset_s"] == b["onset_s"] and a["kind"] != b["kind"] for a, b in zip(states, states[1:])
    )
    gain = {"state_awake": 1.0, "state_quiet_sleep": 1.5, "state_active_sleep": 0.85}
    rms = {}
    for e in states:
        if e["offset_s"] - e["onset_s"] < 120:
            continue  # the last state, cut by the end of the recording
        seg = window(data, e["onset_s"] + 61, e["offset_s"])  # after the 60 s cross-fade
        rms.setdefault(e["kind"], []).append(np.sqrt(np.mean(seg**2)))
    kinds = sorted(rms)
    assert len(kinds) >= 2
    for a in kinds:
        for b in kinds:
            measured = np.mean(rms[a]) / np.mean(rms[b])
            assert measured == pytest.approx(gain[a] / gain[b], rel=0.12)


# ---------------------------------------------------------------------------------------------
# Artifacts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["patting", "rocking", "chewing"])
def test_rhythmic_artifacts_are_common_mode_on_every_referential_channel(kind):
    common = dict(duration_s=600, seed=16, n_seizures=0, **QUIET)
    data, truth = ictaltrack.simulate_array(**{f"{kind}_per_hour": 30.0}, **common)
    # Same seed without the artifact: the same background (its own random stream).
    background = ictaltrack.simulate_array(**common)[0]
    events = [a for a in truth["artifacts"] if a["kind"] == kind]
    assert events
    low, high = (1.0, 2.0) if kind != "chewing" else (1.0, 4.0)
    fp1, o2 = row(truth, "Fp1"), row(truth, "O2")
    for a in events:
        assert set(a["channels"]) == set(truth["channels"])  # all channels, the same onset
        assert low <= a["frequency_hz"] <= high
        seg = window(data, a["onset_s"] + 1, a["offset_s"] - 1)
        quiet = window(background, a["onset_s"] + 1, a["offset_s"] - 1)
        # Where the artifact dominates the background 4:1 in power on both far-apart electrodes,
        # the recorded signals must be coherent (one waveform through the common reference):
        # expected coherence >= (4/5)^2 = 0.64 for an identical waveform.
        freqs, p_all = signal.welch(seg[[fp1, o2]], fs=FS, nperseg=FS)
        _, p_background = signal.welch(quiet[[fp1, o2]], fs=FS, nperseg=FS)
        dominated = np.all(p_all > 5 * p_background, axis=0) & (freqs > 0)
        assert dominated.sum() >= 2
        _, coh = signal.coherence(seg[fp1], seg[o2], fs=FS, nperseg=FS)
        assert coh[dominated].mean() > 0.6
        # The same two electrodes on the background alone at those frequencies: not coherent.
        _, coh_quiet = signal.coherence(quiet[fp1], quiet[o2], fs=FS, nperseg=FS)
        assert coh_quiet[dominated].mean() < 0.3


def test_patting_is_broadband_and_cancels_in_bipolar_derivations():
    common = dict(duration_s=600, seed=17, n_seizures=0, **QUIET)
    ref, truth = ictaltrack.simulate_array(patting_per_hour=30.0, **common)
    (a, *_) = [a for a in truth["artifacts"] if a["kind"] == "patting"]
    f = a["frequency_hz"]
    cz = window(ref, a["onset_s"] + 1, a["offset_s"] - 1)[row(truth, "Cz")]
    # A pulse train: its harmonics up to 5f carry power, not just the fundamental.
    harmonic_powers = [power_near(cz, k * f, 0.3) for k in range(1, 6)]
    assert min(harmonic_powers[1:]) > 0.05 * harmonic_powers[0]
    # The artifact alone (same seed without it subtracted), referential vs bipolar: the
    # derivations keep only the differences of the electrode gains (0.85-1).
    ref_only = ref - ictaltrack.simulate_array(**common)[0]
    bip, _ = ictaltrack.simulate_array(montage="bipolar", patting_per_hour=30.0, **common)
    bip_only = bip - ictaltrack.simulate_array(montage="bipolar", **common)[0]
    ref_rms = np.std(window(ref_only, a["onset_s"], a["offset_s"]))
    bip_rms = np.std(window(bip_only, a["onset_s"], a["offset_s"]))
    assert ref_rms > 20
    assert bip_rms < 0.25 * ref_rms


def test_sweat_is_slow_and_local_and_ecg_beats_at_the_heart_rate():
    data, truth = ictaltrack.simulate_array(
        duration_s=600,
        seed=18,
        n_seizures=0,
        sweat_per_hour=30.0,
        ecg_uv=30.0,
        heart_rate_bpm=120.0,
        **QUIET,
    )
    sweat = [a for a in truth["artifacts"] if a["kind"] == "sweat"]
    assert sweat
    for a in sweat:
        assert 0.02 <= a["frequency_hz"] <= 0.08
        assert len(a["electrodes"]) < len(truth["channels"])
    (ecg,) = [a for a in truth["artifacts"] if a["kind"] == "ecg"]
    assert (ecg["onset_s"], ecg["offset_s"]) == (0, 600)
    # R peaks on the strongest site, found by scipy on a 10-40 Hz band-pass.
    sos = signal.butter(4, [10, 40], btype="band", fs=FS, output="sos")
    x = signal.sosfiltfilt(sos, data[row(truth, "T5")])
    peaks, _ = signal.find_peaks(x, height=0.5 * np.percentile(x, 99.9), distance=int(0.3 * FS))
    intervals = np.diff(peaks) / FS
    assert np.median(intervals) == pytest.approx(60 / 120, rel=0.03)


def test_new_events_are_annotated_in_the_file(tmp_path):
    path = tmp_path / "rec.edf"
    truth = ictaltrack.simulate(
        path,
        duration_s=300,
        seed=19,
        patting_per_hour=20.0,
        spindles_per_hour=30.0,
        homologous_spread_probability=1.0,
        n_seizures=2,
        **QUIET,
    )
    raw = mne.io.read_raw_edf(path, preload=False, verbose="error")
    notes = {
        (round(float(o), 3), d) for o, d in zip(raw.annotations.onset, raw.annotations.description)
    }
    for a in truth["artifacts"]:
        assert (a["onset_s"], f"artifact {a['kind']}") in notes
    for e in truth["background_events"]:
        assert (e["onset_s"], f"background {e['kind']}") in notes
    spreads = [g for s in truth["seizures"] for g in s["propagation"]]
    assert spreads
    for g in spreads:
        assert (g["onset_s"], g["annotation"]) in notes
    assert sum(d.startswith("seizure ") for _, d in notes) == len(truth["seizures"])
