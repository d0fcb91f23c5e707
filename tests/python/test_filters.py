"""SOS design and causal filtering against scipy.signal.butter / iirnotch / sosfilt."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal

import ictaltrack
from ictaltrack import SosFilter, butterworth_highpass, butterworth_lowpass, notch_filter


@pytest.mark.parametrize("sfreq", [256.0, 200.0, 173.61, 1000.0])
@pytest.mark.parametrize("order", list(range(1, 11)))
def test_butterworth_designs_match_scipy(order, sfreq):
    for cutoff in (0.3, 0.5, 1.0, 13.0, 40.0, 0.45 * sfreq):
        for ours, btype in (
            (butterworth_lowpass(order, cutoff, sfreq), "lowpass"),
            (butterworth_highpass(order, cutoff, sfreq), "highpass"),
        ):
            expected = scipy.signal.butter(order, cutoff, btype, fs=sfreq, output="sos")
            assert ours.shape == expected.shape
            np.testing.assert_allclose(
                ours,
                expected,
                rtol=1e-9,
                atol=1e-12,
                err_msg=f"{btype} order {order} cutoff {cutoff}",
            )


@pytest.mark.parametrize("mains", [50.0, 60.0])
@pytest.mark.parametrize("sfreq", [200.0, 256.0, 500.0])
@pytest.mark.parametrize("quality", [10.0, 30.0])
def test_notch_matches_iirnotch(mains, sfreq, quality):
    b, a = scipy.signal.iirnotch(mains, quality, fs=sfreq)
    np.testing.assert_allclose(
        notch_filter(mains, quality, sfreq), np.concatenate([b, a])[None, :], rtol=1e-12, atol=1e-15
    )


def reference_chain(sfreq):
    return np.concatenate(
        [
            butterworth_highpass(4, 0.5, sfreq),
            butterworth_lowpass(6, 70.0, sfreq),
            notch_filter(50.0, 30.0, sfreq),
        ]
    )


def test_filtering_matches_sosfilt_in_one_piece_and_in_chunks():
    sfreq = 256.0
    sos = reference_chain(sfreq)
    rng = np.random.default_rng(0)
    data = rng.standard_normal((4, 20_000)) * 30.0 + 200.0
    expected = scipy.signal.sosfilt(sos, data, axis=-1)  # the same coefficients, zi = zeros

    one_piece = SosFilter(sos, 4).process(data)
    np.testing.assert_allclose(one_piece, expected, rtol=1e-9, atol=1e-9)

    for max_chunk in (1, 50, 4000):
        filt = SosFilter(sos, 4)
        pieces, offset = [], 0
        while offset < data.shape[1]:
            n = int(rng.integers(1, max_chunk + 1))
            pieces.append(filt.process(data[:, offset : offset + n]))
            offset += n
            if max_chunk == 1 and offset > 500:
                pieces.append(filt.process(data[:, offset:]))
                offset = data.shape[1]
        chunked = np.concatenate(pieces, axis=1)
        np.testing.assert_allclose(chunked, expected, rtol=1e-9, atol=1e-9)
        np.testing.assert_array_equal(chunked, one_piece)


def test_state_matches_sosfilt_zf_and_can_be_restored():
    sfreq = 200.0
    sos = reference_chain(sfreq)
    rng = np.random.default_rng(1)
    data = rng.standard_normal((3, 3000))
    filt = SosFilter(sos, 3)
    filt.process(data[:, :1234])
    _, zf = scipy.signal.sosfilt(sos, data[:, :1234], zi=np.zeros((len(sos), 3, 2)))
    np.testing.assert_allclose(filt.zi, zf, rtol=1e-9, atol=1e-12)

    # Restarting from scipy's state reproduces scipy's continuation.
    fresh = SosFilter(sos, 3)
    fresh.zi = zf
    expected, _ = scipy.signal.sosfilt(sos, data[:, 1234:], zi=zf)
    np.testing.assert_allclose(fresh.process(data[:, 1234:]), expected, rtol=1e-9, atol=1e-12)

    filt.reset()
    np.testing.assert_array_equal(filt.zi, np.zeros((len(sos), 3, 2)))
    with pytest.raises(ValueError):
        filt.zi = np.zeros((1, 3, 2))


def test_float32_and_strided_input():
    sfreq = 256.0
    sos = butterworth_highpass(2, 1.0, sfreq)
    data = (np.random.default_rng(2).standard_normal((6, 5000)) * 10).astype(np.float32)
    expected = scipy.signal.sosfilt(sos, data.astype(np.float64), axis=-1)
    out = SosFilter(sos, 6).process(data)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-9)
    sliced = data[::2, 100:]
    np.testing.assert_allclose(
        SosFilter(sos, 3).process(sliced),
        scipy.signal.sosfilt(sos, sliced.astype(np.float64), axis=-1),
        rtol=1e-9,
        atol=1e-9,
    )


def test_notch_takes_scipys_argument_order():
    # iirnotch(w0, Q, fs) positionally and with fs named: the same call works on both.
    b, a = scipy.signal.iirnotch(60.0, 20.0, 500.0)
    np.testing.assert_allclose(
        notch_filter(60.0, 20.0, 500.0), np.concatenate([b, a])[None, :], rtol=1e-12, atol=1e-15
    )
    b, a = scipy.signal.iirnotch(50.0, 30.0, fs=256.0)
    np.testing.assert_allclose(
        notch_filter(50.0, 30.0, sfreq=256.0),
        np.concatenate([b, a])[None, :],
        rtol=1e-12,
        atol=1e-15,
    )
    # The order of old releases (notch_hz, sfreq) is refused instead of read as a quality.
    with pytest.raises(TypeError, match="sfreq"):
        notch_filter(50.0, 256.0)


def test_bad_arguments():
    with pytest.raises(ValueError):
        butterworth_lowpass(4, 128.0, 256.0)
    with pytest.raises(ValueError):
        butterworth_highpass(0, 1.0, 256.0)
    with pytest.raises(ValueError):
        notch_filter(50.0, 0.0, 256.0)
    with pytest.raises(ValueError, match="a0 == 1"):
        SosFilter(np.array([[1.0, 0, 0, 2.0, 0, 0]]), 1)
    with pytest.raises(ValueError, match="n_sections, 6"):
        SosFilter(np.ones((2, 5)), 1)
    with pytest.raises(ValueError, match="channels"):
        SosFilter(notch_filter(50.0, 30.0, 256.0), 2).process(np.zeros((3, 10)))


def test_public_names():
    assert ictaltrack.SosFilter is SosFilter
    assert ictaltrack.filters.notch_filter is notch_filter
