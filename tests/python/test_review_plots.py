"""The review plots (issue 15): the EEG page of one seizure and its onset spectrogram, checked on
the drawn artists against independent oracles (MNE's reading of the file for the samples, numpy
for the derivations, the ACNS double banana written out here for the order, scipy's spectrogram
for the band power)."""

from __future__ import annotations

import matplotlib
import mne
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from test_band_power import scipy_band_power  # noqa: E402
from truth_detections import SAMPLE_DIR  # noqa: E402

import ictaltrack  # noqa: E402

SFREQ = 256.0
DURATION_S = 60
# Scrambled file order: the plot must reorder it.
LABELS = [
    "Pz",
    "T4",
    "Fp1",
    "C3",
    "F8",
    "O2",
    "Fz",
    "T3",
    "P4",
    "Fp2",
    "F7",
    "Cz",
    "T5",
    "F3",
    "O1",
    "C4",
    "T6",
    "P3",
    "F4",
]
ONSET_S, OFFSET_S = 25.0, 45.0
ARTIFACT = "C3"  # a 3000 uV swing, far beyond its lane
# Written out from the ACNS longitudinal bipolar (double banana) montage, in old temporal names:
# left temporal, left parasagittal chain, right parasagittal, right temporal, then midline.
DOUBLE_BANANA = [
    ("Fp1", "F7"),
    ("F7", "T3"),
    ("T3", "T5"),
    ("T5", "O1"),
    ("Fp1", "F3"),
    ("F3", "C3"),
    ("C3", "P3"),
    ("P3", "O1"),
    ("Fp2", "F4"),
    ("F4", "C4"),
    ("C4", "P4"),
    ("P4", "O2"),
    ("Fp2", "F8"),
    ("F8", "T4"),
    ("T4", "T6"),
    ("T6", "O2"),
    ("Fz", "Cz"),
    ("Cz", "Pz"),
]
# The referential order: left electrodes (temporal chain, then parasagittal), right electrodes
# (parasagittal, then temporal), midline, each front to back.
AS_RECORDED = [
    "Fp1",
    "F7",
    "T3",
    "T5",
    "O1",
    "F3",
    "C3",
    "P3",
    "Fp2",
    "F4",
    "C4",
    "P4",
    "O2",
    "F8",
    "T4",
    "T6",
    "Fz",
    "Cz",
    "Pz",
]


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    rng = np.random.default_rng(15)
    t = np.arange(int(DURATION_S * SFREQ)) / SFREQ
    data = 20 * rng.standard_normal((len(LABELS), t.size))
    for i in range(len(LABELS)):
        data[i] += (10 + 3 * i) * np.sin(2 * np.pi * (2 + 0.5 * i) * t)
    t4 = LABELS.index("T4")
    ictal = (t >= ONSET_S) & (t < OFFSET_S)
    data[t4, ictal] += 150 * np.sin(2 * np.pi * 9 * t[ictal])  # the onset rhythm
    data[LABELS.index(ARTIFACT), (t >= 30) & (t < 31)] += 3000.0
    path = tmp_path_factory.mktemp("review") / "review.edf"
    ictaltrack.write_edf(path, data, SFREQ, LABELS, start=(2021, 3, 4, 10, 20, 30))
    return path


@pytest.fixture(scope="module")
def result(recording):
    channels = [
        {
            "label": label,
            "name": ictaltrack.parse_label(label)["name"],
            "kind": "eeg",
            "status": "bad" if label == "O2" else "ok",
        }
        for label in LABELS
    ]
    return ictaltrack.DetectionResult.from_dict(
        {
            "file": str(recording),
            "duration_s": DURATION_S,
            "start_time": "2021-03-04T10:20:30",
            "channels": channels,
            "warnings": [],
            "seizures": [
                {
                    "onset_s": ONSET_S,
                    "offset_s": OFFSET_S,
                    "hemisphere": "right",
                    "region": "temporal",
                    "onset_channels": ["T8"],
                    "channel_onsets": {"T8": 25.5, "F8": 28.0, "T7": 33.25},
                }
            ],
        }
    )


@pytest.fixture(scope="module")
def mne_data(recording):
    raw = mne.io.read_raw_edf(recording, preload=True, verbose="error")
    return raw, {name: raw.get_data(picks=[name])[0] * 1e6 for name in raw.ch_names}


def traces(fig):
    ax = fig.axes[0]
    return [line for line in ax.lines if (line.get_gid() or "").startswith("trace:")]


def lane_of(ax, lines):
    centres = ax.get_yticks()
    return centres, (centres[0] - centres[1]) if len(centres) > 1 else None


def test_traces_in_reading_order_with_the_samples_of_the_file(result, mne_data):
    fig = result.plot_seizure(0, before_s=10, after_s=20, sensitivity_uv_per_mm=10, lane_mm=7)
    ax = fig.axes[0]
    lines = traces(fig)
    assert [line.get_gid()[len("trace:") :] for line in lines] == AS_RECORDED
    raw, samples = mne_data
    start, stop = int(15 * SFREQ), int(45 * SFREQ)
    lane = 70.0  # 7 mm at 10 uV/mm
    for row, line in enumerate(lines):
        label = line.get_gid()[len("trace:") :]
        x, y = line.get_xdata(), line.get_ydata()
        np.testing.assert_allclose(x, np.arange(start, stop) / SFREQ)
        segment = samples[label][start:stop]
        expected = np.clip(-(segment - np.median(segment)), -lane / 2, lane / 2) - row * lane
        np.testing.assert_allclose(y, expected, atol=1e-6)
        assert ax.get_yticks()[row] == pytest.approx(-row * lane)
    plt.close(fig)


def test_onset_highlight_ticks_bad_channels_and_clipping(result):
    fig = result.plot_seizure(0, before_s=10, after_s=20, sensitivity_uv_per_mm=10)
    ax = fig.axes[0]
    colours = {
        line.get_gid()[6:]: matplotlib.colors.to_hex(line.get_color()) for line in traces(fig)
    }
    assert [label for label, c in colours.items() if c == "#c00000"] == ["T4"]
    assert colours["O2"] == matplotlib.colors.to_hex("0.65")
    assert all(c == "#000000" for label, c in colours.items() if label not in ("T4", "O2"))
    onset = [line for line in ax.lines if line.get_gid() == "seizure-onset"]
    assert len(onset) == 1 and list(onset[0].get_xdata()) == [ONSET_S, ONSET_S]
    centre = dict(zip([t.get_text().split(" ")[0] for t in ax.get_yticklabels()], ax.get_yticks()))
    ticks = {
        line.get_gid()[len("channel-onset:") :]: (line.get_xdata()[0], line.get_ydata()[0])
        for line in ax.lines
        if (line.get_gid() or "").startswith("channel-onset:")
    }
    assert "T4 (T8)" in [t.get_text() for t in ax.get_yticklabels()]  # old name, new name
    assert ticks == {
        "T4": (25.5, centre["T4"]),
        "F8": (28.0, centre["F8"]),
        "T3": (33.25, centre["T3"]),
    }
    lane = 70.0
    artifact = next(line for line in traces(fig) if line.get_gid() == f"trace:{ARTIFACT}")
    y = artifact.get_ydata()
    assert y.min() >= centre[ARTIFACT] - lane / 2 and y.max() <= centre[ARTIFACT] + lane / 2
    assert y.min() == pytest.approx(centre[ARTIFACT] - lane / 2)  # it was clipped
    plt.close(fig)


@pytest.mark.parametrize("sensitivity", [7.0, 15.0])
def test_scale_bar_is_the_stated_sensitivity_on_the_saved_image(result, sensitivity):
    fig = result.plot_seizure(0, sensitivity_uv_per_mm=sensitivity, scale_bar_mm=5)
    ax = fig.axes[0]
    bar = next(line for line in ax.lines if line.get_gid() == "scale-bar")
    (y0, y1) = bar.get_ydata()
    assert y1 - y0 == pytest.approx(5 * sensitivity)
    # On paper: the bar's height in display pixels at the figure's dpi is 5 mm.
    (_, p0), (_, p1) = ax.transData.transform([(0, y0), (0, y1)])
    assert (p1 - p0) / fig.dpi * 25.4 == pytest.approx(5.0, rel=1e-6)
    assert any(f"{5 * sensitivity:g} uV" in text.get_text() for text in ax.texts)
    plt.close(fig)


def test_double_banana_order_values_and_highlight(result, mne_data):
    fig = result.plot_seizure(
        0, montage="double banana", before_s=5, after_s=5, sensitivity_uv_per_mm=10
    )
    lines = traces(fig)
    names = [
        ictaltrack.parse_label(a)["name"] + "-" + ictaltrack.parse_label(c)["name"]
        for a, c in DOUBLE_BANANA
    ]
    assert [line.get_gid()[len("trace:") :] for line in lines] == names
    _, samples = mne_data
    start, stop = int(20 * SFREQ), int(30 * SFREQ)
    lane = 70.0
    for row, ((a, c), line) in enumerate(zip(DOUBLE_BANANA, lines)):
        derived = samples[a][start:stop] - samples[c][start:stop]
        expected = np.clip(-(derived - np.median(derived)), -lane / 2, lane / 2) - row * lane
        np.testing.assert_allclose(line.get_ydata(), expected, atol=1e-6)
    red = [
        line.get_gid()[6:]
        for line in lines
        if matplotlib.colors.to_hex(line.get_color()) == "#c00000"
    ]
    assert red == ["F8-T8", "T8-P8"]  # the derivations holding the onset electrode
    grey = [
        line.get_gid()[6:]
        for line in lines
        if matplotlib.colors.to_hex(line.get_color()) == matplotlib.colors.to_hex("0.65")
    ]
    assert grey == ["P4-O2", "P8-O2"]  # the bad O2 electrode
    plt.close(fig)


def test_average_montage_leaves_the_bad_channel_out_of_the_mean(result, mne_data):
    fig = result.plot_seizure(0, montage="average", before_s=2, after_s=2, sensitivity_uv_per_mm=10)
    lines = traces(fig)
    _, samples = mne_data
    start, stop = int(23 * SFREQ), int(27 * SFREQ)
    good = [label for label in LABELS if label != "O2"]
    mean = np.mean([samples[label][start:stop] for label in good], axis=0)
    assert len(lines) == len(LABELS)
    for row, line in enumerate(lines):
        site = line.get_gid()[len("trace:") :]
        assert site.endswith("-AVG")
        label = AS_RECORDED[row]
        assert ictaltrack.parse_label(label)["name"] == site[:-4]
        derived = samples[label][start:stop] - mean
        expected = np.clip(-(derived - np.median(derived)), -35, 35) - row * 70.0
        np.testing.assert_allclose(line.get_ydata(), expected, atol=1e-6)
    plt.close(fig)


def test_sources_path_recording_and_mne_raw_draw_the_same(result, recording, mne_data):
    raw, _ = mne_data
    figures = [result.plot_seizure(0, None), result.plot_seizure(0, str(recording))]
    with ictaltrack.read_edf(recording) as rec:
        figures.append(result.plot_seizure(0, rec))
    figures.append(result.plot_seizure(0, raw))
    reference = [line.get_ydata() for line in traces(figures[0])]
    for fig in figures[1:]:
        for expected, line in zip(reference, traces(fig)):
            np.testing.assert_allclose(line.get_ydata(), expected, atol=1e-6)
    for fig in figures:
        plt.close(fig)
    with pytest.raises(TypeError, match="source must be"):
        result.plot_seizure(0, 3.5)
    with pytest.raises(IndexError):
        result.plot_seizure(1)
    with pytest.raises(ValueError, match="montage"):
        result.plot_seizure(0, montage="laplacian")


def test_auto_sensitivity_is_the_most_sensitive_usual_step_that_fits(result, mne_data):
    fig = result.plot_seizure(0, before_s=10, after_s=20, lane_mm=7)
    bar = next(line for line in fig.axes[0].lines if line.get_gid() == "scale-bar")
    chosen = (bar.get_ydata()[1] - bar.get_ydata()[0]) / 5  # 5 mm bar
    _, samples = mne_data
    spans = [
        np.percentile(samples[label][int(15 * SFREQ) : int(45 * SFREQ)], [2, 98])
        for label in LABELS
    ]
    spread = np.median([high - low for low, high in spans])
    steps = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500]
    assert chosen in steps
    assert spread <= 0.8 * 7 * chosen
    assert spread > 0.8 * 7 * steps[steps.index(chosen) - 1]
    plt.close(fig)


def test_clock_time_on_the_top_axis(result):
    fig = result.plot_seizure(0)
    fig.canvas.draw()
    top = [a for a in fig.axes[0].child_axes]
    labels = [t.get_text() for t in top[0].get_xticklabels() if t.get_text()]
    assert "10:21:00" in labels  # 30 s after the 10:20:30 start
    plt.close(fig)


def test_spectrogram_is_the_libraries_band_power_of_onset_and_homologous_channels(result, mne_data):
    fig = result.plot_onset_spectrogram(0, before_s=10, after_s=15, window_s=2.0, step_s=0.5)
    meshes = {
        c.get_gid()[len("spectrogram:") :]: c
        for ax in fig.axes
        for c in ax.collections
        if (c.get_gid() or "").startswith("spectrogram:")
    }
    assert list(meshes) == ["T4", "T3"]  # the onset channel, then its homologue
    _, samples = mne_data
    t0, t1 = ONSET_S - 10 - 1.0, ONSET_S + 15 + 1.0
    start, stop = round(t0 * SFREQ), round(t1 * SFREQ)
    bands = [(f"{f}-{f + 1} Hz", f, f + 1) for f in range(1, 30)]
    span = np.array([samples["T4"][start:stop], samples["T3"][start:stop]])
    power, times = scipy_band_power(span, SFREQ, bands=bands, window_s=2.0, step_s=0.5)
    for channel, label in enumerate(["T4", "T3"]):
        drawn = np.asarray(meshes[label].get_array()).reshape(len(bands), len(times))
        np.testing.assert_allclose(drawn, 10 * np.log10(power[:, channel, :].T), atol=1e-6)
        centres = meshes[label].get_coordinates()[0, :, 0]  # cell edges: centres midway
        np.testing.assert_allclose((centres[:-1] + centres[1:]) / 2, start / SFREQ + times)
    # The 9 Hz onset rhythm of T4 appears at the onset and not on its homologue.
    nine = 8  # the 9-10 Hz band
    before = times + start / SFREQ < ONSET_S - 1
    after = times + start / SFREQ > ONSET_S + 1
    t4 = 10 * np.log10(power[:, 0, nine])
    t3 = 10 * np.log10(power[:, 1, nine])
    assert t4[after].mean() > t4[before].mean() + 10
    assert abs(t3[after].mean() - t3[before].mean()) < 3
    onset_lines = [
        line for ax in fig.axes for line in ax.lines if line.get_gid() == "seizure-onset"
    ]
    assert onset_lines and all(list(line.get_xdata()) == [ONSET_S] * 2 for line in onset_lines)
    plt.close(fig)


def test_homologous_channels():
    labels = ["Fp1", "Fp2", "T3", "T4", "Cz", "FP1-F7", "FP2-F8"]
    assert ictaltrack.plotting.homologous_channel("T4", labels) == "T3"
    assert ictaltrack.plotting.homologous_channel("Fp1", labels) == "Fp2"
    assert ictaltrack.plotting.homologous_channel("FP1-F7", labels) == "FP2-F8"
    assert ictaltrack.plotting.homologous_channel("Cz", labels) is None


def test_a_bad_duplicate_label_greys_only_its_own_row():
    """CHB-MIT records T8-P8 twice; only the second copy (file position 22) is called bad."""
    path = SAMPLE_DIR / "chbmit_bipolar.edf"
    with ictaltrack.read_edf(path) as rec:
        labels = rec.info.ch_names
    assert [i for i, label in enumerate(labels) if label == "T8-P8"] == [14, 22]
    result = ictaltrack.DetectionResult.from_dict(
        {
            "file": str(path),
            "duration_s": 220,
            "start_time": "2020-01-01T08:00:00",
            "channels": [
                {"label": label, "kind": "eeg", "status": "bad" if i == 22 else "ok"}
                for i, label in enumerate(labels)
            ],
            "warnings": [],
            "seizures": [{"onset_s": 30.0, "offset_s": 60.0, "onset_channels": ["F7-T7"]}],
        }
    )
    fig = result.plot_seizure(0, before_s=2, after_s=2)
    grey = matplotlib.colors.to_hex("0.65")
    rows = [
        (line.get_gid()[6:], matplotlib.colors.to_hex(line.get_color())) for line in traces(fig)
    ]
    assert [label for label, colour in rows if colour == grey] == ["T8-P8"]
    assert [label for label, _ in rows].count("T8-P8") == 2
    plt.close(fig)
    fig = result.plot_seizure(0, before_s=2, after_s=2, montage="double banana")
    assert all(matplotlib.colors.to_hex(line.get_color()) != grey for line in traces(fig))
    plt.close(fig)


def test_a_page_after_a_gap_reads_the_right_samples(tmp_path):
    """EDF+D with records at 0-9 s and 15-29 s (written byte by byte by the test's own writer):
    a page around 20 s shows the samples of second 20, stamped 20 s, and stops at the segment."""
    from io_oracles import SignalSpec, write_edf

    specs = [SignalSpec(name, "uV", -500, 500, -32768, 32767, 256) for name in ("T3", "T4")]
    onsets = [float(s) for s in list(range(0, 10)) + list(range(15, 30))]
    rng = np.random.default_rng(3)
    digital = [rng.integers(-3000, 3000, 256 * len(onsets)) for _ in specs]
    path = tmp_path / "gaps.edf"
    write_edf(path, specs, digital, reserved="EDF+D", record_onsets=onsets)
    gain = 1000 / 65535
    physical = [-500 + (d + 32768) * gain for d in digital]
    result = ictaltrack.DetectionResult.from_dict(
        {
            "file": str(path),
            "duration_s": 30,
            "start_time": "2019-04-03T16:00:16",
            "channels": [{"label": "T3"}, {"label": "T4"}],
            "warnings": [],
            "seizures": [{"onset_s": 20.0, "offset_s": 25.0, "onset_channels": ["T8"]}],
        }
    )
    fig = result.plot_seizure(0, before_s=2, after_s=20, sensitivity_uv_per_mm=100)
    first = (10 + 3) * 256  # record 10 holds second 15; second 18 starts 3 records later
    for row, line in enumerate(traces(fig)):
        label = line.get_gid()[len("trace:") :]
        x = line.get_xdata()
        assert x[0] == pytest.approx(18.0) and x[-1] == pytest.approx(30 - 1 / 256)
        segment = physical[["T3", "T4"].index(label)][first : 25 * 256]
        expected = np.clip(-(segment - np.median(segment)), -350, 350) - row * 700
        np.testing.assert_allclose(line.get_ydata(), expected, atol=1e-3)
    plt.close(fig)
