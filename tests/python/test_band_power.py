"""ictaltrack.band_power against scipy.signal.spectrogram + the rectangle rule written in numpy."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.signal
from gil_probe import overlapped

import ictaltrack
from ictaltrack import Band, BandPowerStream, band_power

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

RTOL = 1e-9  # the contract is 1e-6 relative; the float64 path does far better


def scipy_band_power(
    data,
    sfreq,
    *,
    bands=ictaltrack.DEFAULT_BANDS,
    window_s=4.0,  # the documented default of band_power
    step_s=1.0,
    window="hann",
    detrend="constant",
    relative=False,
    total_range=None,
):
    """The oracle: scipy's PSD, then sum of bins with low <= f < high times df = sfreq / N."""
    # Seconds to samples: nearest, halves away from zero (as documented).
    nperseg = int(np.floor(window_s * sfreq + 0.5))
    hop = int(np.floor(step_s * sfreq + 0.5))
    if hop > nperseg:  # scipy has no hop larger than the window: compute every sample's window
        freqs, times, psd = scipy.signal.spectrogram(
            data,
            sfreq,
            window=window,
            nperseg=nperseg,
            noverlap=nperseg - 1,
            detrend=detrend,
            scaling="density",
            mode="psd",
        )
        psd, times = psd[..., ::hop], times[::hop]
    else:
        freqs, times, psd = scipy.signal.spectrogram(
            data,
            sfreq,
            window=window,
            nperseg=nperseg,
            noverlap=nperseg - hop,
            detrend=detrend,
            scaling="density",
            mode="psd",
        )
    df = sfreq / nperseg
    bands = [tuple(b) for b in bands]

    def integrate(low, high):
        mask = (freqs >= low) & (freqs < high)
        return psd[:, mask, :].sum(axis=1) * df  # (n_channels, n_windows)

    power = np.stack([integrate(low, high) for _, low, high in bands], axis=-1)
    if relative:
        if total_range is None:  # documented default: 0.5-70 Hz widened to cover every band
            total_range = (min([0.5] + [b[1] for b in bands]), max([70.0] + [b[2] for b in bands]))
        with np.errstate(invalid="ignore", divide="ignore"):
            power = power / integrate(*total_range)[..., None]
    return power.transpose(1, 0, 2), times


def assert_power_close(ours, expected, rtol=RTOL):
    assert ours.shape == expected.shape
    # Windows of an exactly flat signal have power ~1e-30 from rounding; judge those on scale.
    atol = 1e-13 * float(np.max(np.abs(expected))) if expected.size else 0.0
    np.testing.assert_allclose(ours, expected, rtol=rtol, atol=atol)


def random_eeg(n_channels, n_times, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_times)
    drift = 0.01 * t[None, :] + 50.0 * np.arange(n_channels)[:, None]
    return rng.standard_normal((n_channels, n_times)) * 25.0 + drift


SETTINGS = [
    dict(),
    dict(window_s=4.0, step_s=0.5),
    dict(window_s=1.27, step_s=0.33, window="hamming", detrend="linear"),
    dict(window_s=2.0, step_s=2.5, window="boxcar", detrend=False),
    dict(window="blackman", bands=[("a", 1.0, 7.3), ("b", 7.3, 40.0), ("c", 40.0, 200.0)]),
    dict(window_s=4.0, relative=True),
    dict(window_s=4.0, relative=True, bands=[("alpha", 8.0, 13.0), ("high", 60.0, 100.0)]),
    dict(window_s=3.0, relative=True, total_range=(1.0, 45.0), detrend="linear"),
]


@pytest.mark.filterwarnings("ignore:window of:UserWarning")
@pytest.mark.filterwarnings("ignore:band:UserWarning")
@pytest.mark.parametrize("sfreq", [256.0, 200.0, 173.61])
@pytest.mark.parametrize("settings", SETTINGS)
def test_random_signals_match_scipy(sfreq, settings):
    data = random_eeg(4, int(sfreq * 30), seed=int(sfreq))
    result = band_power(data, sfreq, **settings)
    oracle_settings = dict(settings)
    if oracle_settings.get("detrend") is False:
        oracle_settings["detrend"] = False
    if "bands" not in oracle_settings:
        oracle_settings["bands"] = ictaltrack.DEFAULT_BANDS
    expected, times = scipy_band_power(data, sfreq, **oracle_settings)
    assert_power_close(result.power, expected)
    np.testing.assert_allclose(result.times, times, rtol=0, atol=1e-12)
    assert result.power.dtype == np.float64


def test_float32_input_matches_scipy_on_the_same_values():
    data = random_eeg(3, 256 * 20, seed=3).astype(np.float32)
    result = band_power(data, 256.0)
    expected, _ = scipy_band_power(data.astype(np.float64), 256.0)
    assert_power_close(result.power, expected)


def test_non_contiguous_inputs():
    data = random_eeg(6, 256 * 20, seed=4)
    column_slice = data[::2, 300:4700]  # rows contiguous, row stride > n_times
    expected, _ = scipy_band_power(np.ascontiguousarray(column_slice), 256.0)
    assert_power_close(band_power(column_slice, 256.0).power, expected)
    fortran = np.asfortranarray(data)  # converted once
    expected, _ = scipy_band_power(data, 256.0)
    assert_power_close(band_power(fortran, 256.0).power, expected)
    as_int = np.round(data).astype(np.int32)
    expected, _ = scipy_band_power(as_int.astype(np.float64), 256.0)
    assert_power_close(band_power(as_int, 256.0).power, expected)


@pytest.mark.parametrize(
    "settings", [dict(), dict(step_s=0.37, detrend="linear"), dict(step_s=3.0, relative=True)]
)
def test_stream_in_random_chunks_equals_one_piece(settings):
    data = random_eeg(5, 256 * 40, seed=5)
    whole = band_power(data, 256.0, **settings)
    rng = np.random.default_rng(1)
    for max_chunk in (7, 300, 5000):
        stream = BandPowerStream(256.0, 5, **settings)
        pieces, offset = [], 0
        while offset < data.shape[1]:
            n = int(rng.integers(1, max_chunk + 1))
            pieces.append(stream.push(data[:, offset : offset + n]))
            offset += n
            assert stream.buffered_samples < stream.window_samples
        streamed = ictaltrack.BandPowerResult.concatenate(pieces)
        np.testing.assert_array_equal(streamed.power, whole.power)
        np.testing.assert_array_equal(streamed.times, whole.times)
        np.testing.assert_array_equal(streamed.window_start, whole.window_start)


def test_threads_do_not_change_the_result():
    data = random_eeg(7, 256 * 30, seed=6)
    serial = band_power(data, 256.0)
    np.testing.assert_array_equal(band_power(data, 256.0, n_threads=2).power, serial.power)


def test_segments_start_windows_afresh():
    sfreq = 256.0
    first, second = random_eeg(2, 1500, seed=7), random_eeg(2, 3000, seed=8)
    stream = BandPowerStream(sfreq, 2)
    a = stream.push(first)
    stream.begin_segment(10_000)
    b = stream.push(second)
    expected_a, times_a = scipy_band_power(first, sfreq)
    expected_b, times_b = scipy_band_power(second, sfreq)
    assert_power_close(a.power, expected_a)
    assert_power_close(b.power, expected_b)
    np.testing.assert_allclose(b.times, times_b + 10_000 / sfreq, atol=1e-12)
    assert b.window_start[0] == 10_000
    with pytest.raises(ValueError):
        stream.begin_segment(10_000)


def test_warnings_are_user_warnings():
    data = random_eeg(1, 2000, seed=9)
    with pytest.warns(UserWarning, match="fewer than two cycles of the lowest band edge"):
        band_power(data, 256.0, window_s=2.0)  # one cycle of delta's 0.5 Hz edge
    with pytest.warns(UserWarning, match="partly above the Nyquist"):
        band_power(data, 100.0, window_s=4.0)
    with pytest.warns(UserWarning, match="contains no frequency bin"):
        band_power(data, 256.0, window_s=4.0, bands=[("thin", 10.1, 10.2)])
    with pytest.warns(UserWarning, match="fewer than two cycles"):
        BandPowerStream(256.0, 1, window_s=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        band_power(data, 256.0, window_s=4.0)  # no warning for a clean configuration


@pytest.mark.parametrize("sfreq", [256.0, 200.0, 500.0])
def test_defaults_do_not_warn_and_match_scipy(sfreq):
    """Issue 19: the default configuration is clean (the window holds two cycles of the lowest
    default edge), while the warning stays for a user's short window."""
    data = random_eeg(4, int(sfreq * 60), seed=21)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = band_power(data, sfreq)
        stream = BandPowerStream(sfreq, 4)
        streamed = stream.push(data)
    assert stream.warnings == []
    # The oracle is told the documented defaults explicitly, not through its own defaults.
    expected, times = scipy_band_power(
        data, sfreq, bands=ictaltrack.DEFAULT_BANDS, window_s=4.0, step_s=1.0
    )
    assert_power_close(result.power, expected)
    np.testing.assert_allclose(result.times, times, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(streamed.power, result.power)
    assert [b.name for b in result.bands] == [b.name for b in ictaltrack.DEFAULT_BANDS]


def test_defaults_are_clean_under_python_warnings_as_errors():
    """The command of issue 19 part 5, in a fresh interpreter with ``-W error``."""
    import subprocess
    import sys

    code = (
        "import numpy as np, ictaltrack; "
        "r = ictaltrack.band_power(np.random.default_rng(0).standard_normal((4, 256 * 60)), 256); "
        "print(r.power.shape)"
    )
    run = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "(57, 4, 5)"  # 60 s, 4 s windows every 1 s: 60 - 4 + 1


def test_stream_warnings_are_the_readers_warning_type_with_codes():
    from ictaltrack.io import ReadWarning

    with pytest.warns(UserWarning, match="partly above the Nyquist"):
        stream = BandPowerStream(100.0, 1, window_s=4.0)  # gamma 30-70 Hz crosses 50 Hz
    assert [type(w) for w in stream.warnings] == [ReadWarning]
    assert [(w.code, w.signal) for w in stream.warnings] == [("band_above_nyquist", -1)]
    assert "gamma" in stream.warnings[0].message


def test_bad_arguments_raise_value_errors():
    data = random_eeg(2, 2000)
    with pytest.raises(ValueError, match="2-D"):
        band_power(data[0], 256.0, window_s=4.0)
    with pytest.raises(ValueError, match="low < high"):
        band_power(data, 256.0, window_s=4.0, bands=[("bad", 8.0, 4.0)])
    with pytest.raises(ValueError, match="window function"):
        band_power(data, 256.0, window_s=4.0, window="kaiser")
    with pytest.raises(ValueError, match="detrend"):
        band_power(data, 256.0, window_s=4.0, detrend="quadratic")
    with pytest.raises(ValueError, match="sampling frequency"):
        band_power(data, 0.0)
    stream = BandPowerStream(256.0, 2, window_s=4.0)
    with pytest.raises(ValueError, match="channels"):
        stream.push(data[:1])


def test_bands_as_mapping_and_to_frame():
    data = random_eeg(2, 256 * 10, seed=10)
    result = band_power(data, 256.0, window_s=4.0, bands={"theta": (4, 8), "alpha": (8, 13)})
    assert result.bands == (Band("theta", 4.0, 8.0), Band("alpha", 8.0, 13.0))
    frame = result.to_frame(["Fp1", "Fp2"])
    assert list(frame.columns) == ["time", "channel", "band", "power"]
    assert len(frame) == result.n_windows * 2 * 2
    row = frame[(frame.channel == "Fp2") & (frame.band == "alpha")].iloc[3]
    assert row.power == result.power[3, 1, 1]
    assert row.time == result.times[3]
    with pytest.raises(ValueError):
        result.to_frame(["only one"])
    repeated = result.to_frame(["EEG", "EEG"])  # EDF allows repeated labels
    assert list(repeated["channel"][:4]) == ["EEG", "EEG", "EEG", "EEG"]
    assert repeated["power"].iloc[2] == result.power[0, 1, 0]


YASA_BANDS = [
    (0.5, 4, "Delta"),
    (4, 8, "Theta"),
    (8, 12, "Alpha"),
    (12, 16, "Sigma"),
    (16, 30, "Beta"),
]  # yasa.bandpower's default, in its (low, high, name) order


@pytest.mark.parametrize(
    "bands, names",
    [
        (YASA_BANDS, ["Delta", "Theta", "Alpha", "Sigma", "Beta"]),
        ({"theta": (4, 8), "alpha": [8.0, 12.0]}, ["theta", "alpha"]),  # MNE's dict
        ([(4, 8), (8, 12.5)], ["4-8 Hz", "8-12.5 Hz"]),  # plain pairs, named LOW-HIGH Hz
        ([Band("alpha", 8, 12), ("beta", 12, 30)], ["alpha", "beta"]),
        ((np.array([1.0, 4.0]), (4, 8, "theta")), ["1-4 Hz", "theta"]),
    ],
)
def test_bands_in_the_forms_of_yasa_mne_and_plain_pairs(bands, names):
    data = random_eeg(2, 256 * 12, seed=11)
    result = band_power(data, 256.0, window_s=4.0, bands=bands)
    assert [band.name for band in result.bands] == names
    edges = [(band.low_hz, band.high_hz) for band in result.bands]
    expected, _ = scipy_band_power(
        data, 256.0, window_s=4.0, bands=[(n, lo, hi) for n, (lo, hi) in zip(names, edges)]
    )
    assert_power_close(result.power, expected)


@pytest.mark.parametrize(
    "bands",
    [
        [("alpha", 8)],
        [(8, 12, 16)],
        [("a", "b", "c")],
        [(8, "12", "alpha")],
        ["alpha"],
        [{"alpha": (8, 12)}],
        "delta",
        [(8, 12, "alpha", "extra")],
        {"alpha": 8},
    ],
)
def test_other_band_forms_are_refused_naming_the_accepted_ones(bands):
    with pytest.raises(ValueError) as caught:
        band_power(random_eeg(1, 256 * 4), 256.0, bands=bands)
    message = str(caught.value)
    for form in (
        "(name, low_hz, high_hz)",
        "(low_hz, high_hz, name)",
        "(low_hz, high_hz)",
        "mapping name -> (low_hz, high_hz)",
    ):
        assert form in message


def corpus_files():
    names = [
        "mne_testing_data/test_generator_2.edf",
        "mne_testing_data/multiple_annotation_chans.bdf",
        "edfio/short_psg.edf",
        "edfio/test_subsecond.edf",
        "pyedflib/test_generator_datarec_generator_2.bdf",
        "dataset_headers/chb01_01_sample.edf",
    ]
    return [CORPUS / name for name in names]


@pytest.mark.filterwarnings("ignore:window of:UserWarning")
@pytest.mark.filterwarnings("ignore:band:UserWarning")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_signals_match_scipy(path):
    if not path.exists():
        pytest.skip(f"corpus file {path} absent")
    pyedflib = pytest.importorskip("pyedflib")
    with pyedflib.EdfReader(str(path)) as reader:
        by_rate: dict[float, list[np.ndarray]] = {}
        for i in range(reader.signals_in_file):
            by_rate.setdefault(reader.getSampleFrequency(i), []).append(reader.readSignal(i))
    checked = 0
    for sfreq, signals in by_rate.items():
        n = min(len(s) for s in signals)
        data = np.stack([s[:n] for s in signals])
        duration = n / sfreq
        for window_s, step_s in ((min(2.0, duration / 2), 0.5), (min(1.0, duration), 0.25)):
            if round(window_s * sfreq) < 8:
                continue
            for relative in (False, True):
                settings = dict(window_s=window_s, step_s=step_s, relative=relative)
                result = band_power(data, sfreq, **settings)
                expected, _ = scipy_band_power(data, sfreq, **settings)
                if relative:
                    # Flat channels (constant samples) have only rounding noise after detrending,
                    # so their ratio means nothing in either implementation: judge the others.
                    total, _ = scipy_band_power(
                        data, sfreq, window_s=window_s, step_s=step_s, bands=[("all", 0.5, 70.0)]
                    )
                    meaningful = total[..., 0] > 1e-12 * total.max()
                    assert meaningful.any()
                    assert_power_close(result.power[meaningful], expected[meaningful])
                else:
                    assert_power_close(result.power, expected)
                checked += 1
    assert checked > 0


def test_gil_is_released_during_the_computation():
    """While one thread computes band power, another runs Python code.

    With a huge switch interval the interpreter never preempts a thread holding the GIL, so the
    main thread can observe the worker unfinished only if the binding released the GIL around
    the C++ work (the same construction as the reader's GIL test). Retries only absorb a main
    thread that the OS scheduled late; they cannot hide a held GIL.
    """
    data = random_eeg(19, 256 * 900, seed=12)
    assert overlapped(lambda: band_power(data, 256.0)), (
        "main thread never ran during band_power: GIL held?"
    )


def test_contiguous_input_is_not_copied():
    """numpy reports its allocations to tracemalloc; the results are C++ buffers handed over
    without copying. So a C-contiguous float64/float32 input (or a column slice of one) leaves the
    traced peak far below the input size, while an input that needs converting shows its copy."""
    import tracemalloc

    data = random_eeg(19, 256 * 600, seed=13)  # 23 MB
    inputs = {"float64": data, "float32": data.astype(np.float32), "slice": data[:, 1000:-1000]}
    for name, array in inputs.items():
        tracemalloc.start()
        try:
            band_power(array, 256.0)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < array.nbytes / 20, f"{name}: traced peak {peak} bytes"
    tracemalloc.start()
    try:
        band_power(np.asfortranarray(data), 256.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak >= data.nbytes  # the converted copy is visible, so the check above can fail
