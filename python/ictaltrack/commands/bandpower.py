"""``ictaltrack bandpower FILE [--csv OUT] [--bands ...]``: band power per channel and window.

Streams the recording from disk (memory bounded by the chunk and window, not the file). Power is
in uV^2 (or a fraction with ``--relative``); times are window centres in seconds from the recording
start; no window spans a gap of an EDF+D/BDF+D file. Without ``--picks`` the channels with a
voltage unit at the most common sample rate are used (others are listed on stderr).
With ``--csv`` the result is written as a tidy table (time, channel, band, power; ``--wide`` for one
row per window), otherwise a per-channel summary (median power per band) is printed.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter
from typing import Any

import numpy as np

from ictaltrack._atomic import atomic_output
from ictaltrack.commands._options import add_quiet_option, add_threads_option
from ictaltrack.io import Recording, read_edf
from ictaltrack.spectral import DEFAULT_BANDS, BandPowerResult


def parse_bands(text: str) -> list[tuple[str, float, float]]:
    """``"delta:0.5-4,theta:4-8"`` -> ``[("delta", 0.5, 4.0), ("theta", 4.0, 8.0)]``."""
    bands = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            name, edges = item.split(":")
            low, high = edges.split("-")
            bands.append((name.strip(), float(low), float(high)))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"bad band {item!r}: expected NAME:LOW-HIGH in Hz, e.g. alpha:8-13"
            ) from None
    if not bands:
        raise argparse.ArgumentTypeError("no band given")
    return bands


def add_parser(subparsers: Any) -> None:
    default_bands = ",".join(f"{b.name}:{b.low_hz:g}-{b.high_hz:g}" for b in DEFAULT_BANDS)
    parser = subparsers.add_parser(
        "bandpower",
        help="band power per channel over sliding windows (streamed, uV^2)",
        description=(__doc__ or "").splitlines()[0],
    )
    parser.add_argument("file", help="EDF, EDF+, BDF or BDF+ file")
    parser.add_argument("--csv", metavar="OUT", help="write the band powers to this CSV file")
    parser.add_argument(
        "--wide",
        action="store_true",
        help="CSV with one row per window and a CHANNEL:BAND column per pair",
    )
    parser.add_argument(
        "--bands",
        type=parse_bands,
        default=None,
        help=f"NAME:LOW-HIGH,... in Hz, low edge inclusive (default {default_bands})",
    )
    parser.add_argument(
        "--picks",
        nargs="+",
        default=None,
        metavar="CHANNEL",
        help="channel labels (or indices) to use; they must share one rate",
    )
    parser.add_argument(
        "--window",
        type=float,
        default=4.0,
        metavar="S",
        help="window length in seconds (default 4: two cycles of delta's 0.5 Hz edge)",
    )
    parser.add_argument(
        "--step",
        type=float,
        default=1.0,
        metavar="S",
        help="hop between windows in seconds (default 1)",
    )
    parser.add_argument(
        "--window-function",
        default="hann",
        choices=["hann", "hamming", "boxcar", "rectangular", "blackman"],
    )
    parser.add_argument("--detrend", default="constant", choices=["constant", "linear", "none"])
    parser.add_argument(
        "--relative",
        action="store_true",
        help="fraction of the power over 0.5-70 Hz (widened to cover the bands)",
    )
    add_threads_option(parser, 1, "of the band power")
    add_quiet_option(parser)
    parser.add_argument(
        "--chunk",
        type=float,
        default=60.0,
        metavar="S",
        help="seconds read from disk per chunk (default 60)",
    )
    parser.set_defaults(func=run)


def default_picks(recording: Recording, quiet: bool = False) -> list[int]:
    """Voltage channels at the most common rate among them (the others are listed on stderr
    unless ``quiet``)."""
    voltage = [c for c in recording.info.channels if c.volts_per_unit is not None]
    if not voltage:
        raise ValueError("no channel with a voltage unit (V, mV, uV, nV); use --picks")
    rate = Counter(c.sfreq for c in voltage).most_common(1)[0][0]
    chosen = [c.index for c in voltage if c.sfreq == rate]
    left_out = [c.label for c in recording.info.channels if c.index not in chosen]
    if left_out and not quiet:
        print(
            f"bandpower: using {len(chosen)} channels at {rate:g} Hz; left out: "
            f"{', '.join(left_out)}",
            file=sys.stderr,
        )
    return chosen


def write_csv(result: BandPowerResult, path: str, wide: bool) -> None:
    if not wide:
        frame = result.to_frame()
    else:
        import pandas as pd

        names = result.channel_names or tuple(str(c) for c in range(result.power.shape[1]))
        columns = [f"{channel}:{band.name}" for channel in names for band in result.bands]
        frame = pd.DataFrame(result.power.reshape(result.n_windows, -1), columns=columns)
        frame.insert(0, "time", result.times)
    with atomic_output(path) as temporary:  # never a half-written CSV
        frame.to_csv(temporary, index=False)


def print_summary(result: BandPowerResult, path: str) -> None:
    unit = "fraction" if result.relative else "uV^2"
    print(
        f"{path}: {result.n_windows} windows, {result.power.shape[1]} channels, "
        f"sfreq {result.sfreq:g} Hz; median band power ({unit}):"
    )
    names = result.channel_names or tuple(str(c) for c in range(result.power.shape[1]))
    width = max([len(n) for n in names] + [7])
    print(" " * width + "".join(f"{band.name:>12}" for band in result.bands))
    medians = np.median(result.power, axis=0) if result.n_windows else None
    for c, name in enumerate(names):
        values = "".join(
            f"{medians[c, b]:12.4g}" if medians is not None else f"{'-':>12}"
            for b in range(len(result.bands))
        )
        print(f"{name:<{width}}{values}")


def run(args: argparse.Namespace) -> int:
    with read_edf(args.file) as recording, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        try:
            picks = (
                [int(p) if p.lstrip("-").isdigit() else p for p in args.picks]
                if args.picks
                else default_picks(recording, args.quiet)
            )
            result = recording.band_power(
                picks,
                bands=args.bands,
                window_s=args.window,
                step_s=args.step,
                window=args.window_function,
                detrend=args.detrend,
                relative=args.relative,
                n_threads=args.threads,
                chunk_s=args.chunk,
            )
        except (ValueError, IndexError) as error:
            print(f"ictaltrack bandpower: {error}", file=sys.stderr)
            return 2
        finally:
            for warning in caught:
                print(f"ictaltrack bandpower: warning: {warning.message}", file=sys.stderr)
    if args.csv:
        write_csv(result, args.csv, args.wide)
    elif not args.quiet:
        print_summary(result, args.file)
    return 0
