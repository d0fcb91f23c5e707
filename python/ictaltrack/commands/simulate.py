"""``ictaltrack simulate OUT.edf``: write a synthetic recording with migrating seizures + truth.

``ictaltrack simulate --bids ROOT --subjects N``: a small BIDS-EEG dataset of such recordings with
SzCORE reference annotations (``*_events.tsv``), as used by the tests (docs/datasets.md).
"""

from __future__ import annotations

import argparse
import re
import sys

from ictaltrack.commands._options import add_quiet_option

_UNITS = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(sec|min|s|m|h|d)")


def parse_duration(text: str) -> float:
    """Parse ``90``, ``90s``, ``30min``, ``2h``, ``1.5h``, ``1h30min`` or ``1d`` into seconds."""
    cleaned = text.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        seconds = float(cleaned)
    else:
        parts = _PART.findall(cleaned)
        if not parts or "".join(n + u for n, u in parts) != cleaned:
            raise argparse.ArgumentTypeError(
                f"cannot read duration {text!r} (examples: 90s, 30min, 2h, 1h30min)"
            )
        seconds = sum(float(number) * _UNITS[unit] for number, unit in parts)
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"duration must be positive, got {text!r}")
    return seconds


def _range(text: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected MIN,MAX (e.g. 40,150), got {text!r}") from None
    return low, high


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "simulate",
        help="write a synthetic EEG recording with migrating focal seizures (EDF+ + JSON truth)",
        description=(
            "Write a deterministic synthetic infant EEG recording with migrating focal seizures "
            "and artifacts as EDF+ (or BDF+), and its ground truth as OUT.json. "
            "See docs/simulator.md."
        ),
    )
    parser.add_argument(
        "out", metavar="OUT.edf", nargs="?", help="file to write (atomically); or use --bids"
    )
    parser.add_argument(
        "--bids",
        metavar="ROOT",
        help="write a BIDS dataset into ROOT instead (sub-*/ses-*/eeg/*_eeg.edf, SzCORE "
        "*_events.tsv references; the other options apply to every recording)",
    )
    parser.add_argument(
        "--subjects", type=int, default=3, metavar="N", help="with --bids: subjects (default 3)"
    )
    parser.add_argument(
        "--sessions",
        type=int,
        default=1,
        metavar="N",
        help="with --bids: sessions per subject (default 1)",
    )
    parser.add_argument(
        "--runs", type=int, default=2, metavar="N", help="with --bids: runs per session (default 2)"
    )
    parser.add_argument(
        "--channels-tsv",
        action="store_true",
        help="with --bids: also write *_channels.tsv (bad channel marked; szcore-evaluation "
        "0.0.7 cannot read such a folder as reference)",
    )
    parser.add_argument(
        "--duration",
        type=parse_duration,
        default=600.0,
        help="length, e.g. 90s, 30min, 2h, 1h30min (default 10min)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--montage",
        choices=("referential", "bipolar"),
        default="referential",
        help="19 referential channels or 23 CHB-MIT bipolar ones",
    )
    parser.add_argument(
        "--label-style",
        choices=("plain", "eeg-ref", "linked-ears", "average"),
        default="plain",
        help="referential labels: Fp1, 'EEG FP1-REF', FP1-LE or Fp1-Avg",
    )
    parser.add_argument(
        "--temporal-names",
        choices=("old", "new"),
        default="old",
        help="T3/T4/T5/T6 (old) or T7/T8/P7/P8 (new)",
    )
    parser.add_argument("--sample-rate", type=int, default=256, help="Hz (default 256)")
    parser.add_argument("--bdf", action="store_true", help="write 24-bit BDF+ instead of EDF+")
    parser.add_argument(
        "--seizures",
        type=int,
        default=None,
        help="exact number of seizures (default: as many as fit)",
    )
    parser.add_argument(
        "--seizure-duration",
        type=_range,
        metavar="MIN,MAX",
        help="seizure duration range in seconds (default 40,150)",
    )
    parser.add_argument(
        "--interval",
        type=_range,
        metavar="MIN,MAX",
        help="offset-to-next-onset interval range in seconds (default 60,600)",
    )
    parser.add_argument(
        "--first-onset",
        type=_range,
        metavar="MIN,MAX",
        help="onset range of the first seizure in seconds (default 30,90)",
    )
    parser.add_argument(
        "--overlap-probability",
        type=float,
        default=0.15,
        help="chance that a seizure starts before the previous ends (0.15)",
    )
    parser.add_argument(
        "--contralateral-probability",
        type=float,
        default=0.7,
        help="chance that the next seizure is in the other hemisphere (0.7)",
    )
    parser.add_argument(
        "--no-artifacts", action="store_true", help="no blinks, muscle, electrode pops or movement"
    )
    for name, default in (("blinks", 60), ("muscle", 20), ("electrode-pops", 10), ("movement", 6)):
        parser.add_argument(
            f"--{name}-per-hour",
            type=float,
            default=None,
            help=f"{name.replace('-', ' ')} rate per hour (default {default}; 0 disables)",
        )
    parser.add_argument(
        "--bad-channel",
        choices=("none", "flat", "disconnected"),
        default="none",
        help="make one electrode flat or disconnected (default none)",
    )
    parser.add_argument(
        "--bad-channel-electrode", default="", help="which electrode (default: drawn from the seed)"
    )
    parser.add_argument(
        "--line-noise",
        type=float,
        default=None,
        metavar="HZ",
        help="mains frequency (default 50; 0 disables)",
    )
    parser.add_argument(
        "--truth",
        default=None,
        metavar="PATH",
        help="truth file to write (default: OUT with extension .json)",
    )
    add_quiet_option(parser)
    parser.set_defaults(func=run)
    return parser


def options_from_args(args: argparse.Namespace) -> dict:
    """The keyword arguments of :func:`ictaltrack.simulate` for parsed CLI arguments."""
    options: dict = {
        "duration_s": args.duration,
        "seed": args.seed,
        "montage": args.montage,
        "label_style": args.label_style,
        "temporal_names": args.temporal_names,
        "sfreq": args.sample_rate,
        "file_type": "bdf" if args.bdf else "edf",
        "n_seizures": args.seizures,
        "overlap_probability": args.overlap_probability,
        "contralateral_probability": args.contralateral_probability,
        "bad_channel": args.bad_channel,
        "bad_channel_electrode": args.bad_channel_electrode,
    }
    for attribute, prefix in (
        ("seizure_duration", "seizure_duration"),
        ("interval", "interval"),
        ("first_onset", "first_onset"),
    ):
        value = getattr(args, attribute)
        if value is not None:
            options[f"{prefix}_min_s"], options[f"{prefix}_max_s"] = value
    for name in ("blinks", "muscle", "electrode_pops", "movement"):
        if args.no_artifacts:
            options[name] = False
        rate = getattr(args, f"{name}_per_hour")
        if rate is not None:
            options[f"{name}_per_hour"] = rate
            if rate == 0:
                options[name] = False
    if args.line_noise is not None:
        options["line_noise_hz"] = args.line_noise
    if args.truth is not None:
        options["json_path"] = args.truth
    return options


def _run_bids(args: argparse.Namespace) -> int:
    from ictaltrack.bids import simulate_bids

    options = options_from_args(args)
    if "json_path" in options:
        print("ictaltrack simulate: --truth does not go with --bids", file=sys.stderr)
        return 2
    try:
        written = simulate_bids(
            args.bids,
            subjects=args.subjects,
            sessions=args.sessions,
            runs=args.runs,
            channels_tsv=args.channels_tsv,
            **options,
        )
    except ValueError as error:
        print(f"ictaltrack simulate: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(
            f"{args.bids}: BIDS dataset of {len(written)} recordings ({args.subjects} subjects x "
            f"{args.sessions} sessions x {args.runs} runs, {args.duration:g} s each) with SzCORE "
            "reference *_events.tsv"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    from ictaltrack.simulation import simulate

    if (args.out is None) == (args.bids is None):
        print("ictaltrack simulate: give either OUT.edf or --bids ROOT", file=sys.stderr)
        return 2
    if args.bids is not None:
        return _run_bids(args)
    try:
        truth = simulate(args.out, **options_from_args(args))
    except ValueError as error:
        print(f"ictaltrack simulate: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        seizures = truth["seizures"]
        overlapping = sum(1 for s in seizures if s["overlaps_previous"])
        print(
            f"{args.out}: {truth['duration_s']:g} s, {len(truth['channels'])} channels, "
            f"{len(seizures)} seizures ({overlapping} overlapping), "
            f"{len(truth['artifacts'])} artifacts"
        )
        for s in seizures:
            print(
                f"  seizure {s['index']}: {s['onset_s']:.3f}-{s['offset_s']:.3f} s "
                f"{s['hemisphere']} {s['region']} ({', '.join(s['focus_electrodes'])})"
                + (" overlaps previous" if s["overlaps_previous"] else "")
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``ictaltrack simulate ...`` on its own (``python -m ictaltrack.commands.simulate``).

    ``argv`` starts with ``simulate`` as on the full command line. Scripts and tests use this
    when they want this command without importing every other sub-command.
    """
    parser = argparse.ArgumentParser(prog="ictaltrack")
    add_parser(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    args = parser.parse_args(argv)
    from ictaltrack.cli import run_command

    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
