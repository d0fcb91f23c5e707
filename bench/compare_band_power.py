"""Time ictaltrack.band_power against scipy.signal.spectrogram + band integration on the same data.

Reference job shape (docs/band_power.md): 19 channels at 256 Hz, 2 s Hann windows, 1 s hop, the five
default bands. One hour of random noise (uV) is generated in memory; both sides get the same array,
and the results are checked to agree before the times are printed. Not run by ``make test``:

    .venv/bin/python bench/compare_band_power.py [--hours 1] [--repeats 3] [--threads 1]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import scipy.signal

import ictaltrack


def scipy_band_power(data: np.ndarray, sfreq: float) -> np.ndarray:
    """spectrogram (density PSD) + sum of bins with low <= f < high times df, the stated rule."""
    nperseg = int(2 * sfreq)
    freqs, _, psd = scipy.signal.spectrogram(
        data,
        sfreq,
        window="hann",
        nperseg=nperseg,
        noverlap=nperseg - int(sfreq),
        detrend="constant",
        scaling="density",
        mode="psd",
    )
    df = sfreq / nperseg
    power = np.stack(
        [
            psd[:, (freqs >= b.low_hz) & (freqs < b.high_hz), :].sum(axis=1) * df
            for b in ictaltrack.DEFAULT_BANDS
        ],
        axis=-1,
    )
    return power.transpose(1, 0, 2)


def best_of(repeats: int, function) -> tuple[float, float, object]:
    """Best wall-clock and best process CPU time over `repeats` runs (CPU time is the steadier
    figure on a shared machine; it sums all threads)."""
    best_wall, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    sfreq, n_channels = 256.0, 19
    n_times = int(args.hours * 3600 * sfreq)
    data = np.random.default_rng(0).standard_normal((n_channels, n_times)) * 30.0

    warnings.simplefilter("ignore", UserWarning)  # the 0.5 Hz two-cycle warning of the job
    ours_wall, ours_cpu, ours = best_of(
        args.repeats,
        lambda: ictaltrack.band_power(data, sfreq, window_s=2.0, n_threads=args.threads),
    )
    scipy_wall, scipy_cpu, reference = best_of(args.repeats, lambda: scipy_band_power(data, sfreq))
    np.testing.assert_allclose(ours.power, reference, rtol=1e-9)

    channel_hours = n_channels * args.hours
    print(
        f"data: {n_channels} channels x {args.hours:g} h at {sfreq:g} Hz, "
        f"{ours.power.shape[0]} windows, best of {args.repeats}, threads={args.threads}"
    )
    for name, wall, cpu in (
        ("ictaltrack.band_power", ours_wall, ours_cpu),
        ("scipy spectrogram+sum", scipy_wall, scipy_cpu),
    ):
        print(
            f"{name:24s} wall {wall:7.3f} s (24 h job ~ {wall * 24 / args.hours:6.2f} s, "
            f"{channel_hours / wall:7.1f} channel-h/s)  cpu {cpu:7.3f} s"
        )
    print(
        f"ratio scipy / ictaltrack: wall {scipy_wall / ours_wall:.1f}x, "
        f"cpu {scipy_cpu / ours_cpu:.1f}x"
    )


if __name__ == "__main__":
    main()
