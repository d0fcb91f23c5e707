"""``ictaltrack detect FILE [--json OUT|-] [--csv OUT] [--annotations OUT.edf]``: find seizures.

Detects seizures, localises each onset (region, hemisphere, onset channels) and tracks how the
onset migrates from seizure to seizure. Prints the seizure table and the migration summary (to
stdout, or to stderr when ``--json -`` writes the JSON to stdout). Every file is written
atomically (a temporary file in the same folder, renamed when complete). Output contract:
docs/output-format.md (JSON Schema docs/detect.schema.json); migration definitions:
docs/migration.md.

Exit codes: 0 done (also when no seizure is found); 2 bad input (unreadable or malformed file,
bad arguments or parameters); 3 valid input this version does not support; 130 interrupted
(Ctrl-C; no partial output file is left).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ictaltrack._extras import require
from ictaltrack.commands._options import (
    add_json_option,
    add_quiet_option,
    add_threads_option,
    text_stream,
    write_json,
)
from ictaltrack.detection import detect
from ictaltrack.export import seizure_table_text, summary_text
from ictaltrack.plotting import save_figure
from ictaltrack.progress import ProgressBar


def _parameter(text: str) -> tuple[str, float]:
    try:
        name, value = text.split("=", 1)
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad parameter {text!r}: expected NAME=NUMBER") from None
    return name.strip(), int(number) if number.is_integer() and "." not in value else number


def _write_plots(result: Any, folder: Path, stem: str) -> None:
    matplotlib = require("matplotlib", extra="plot")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    figure = result.plot_timeline()
    save_figure(figure, folder / f"{stem}_timeline.png")
    plt.close(figure)
    for k in range(len(result)):
        figure = result.plot_onset_map(k)
        save_figure(figure, folder / f"{stem}_onset_{k + 1}.png")
        plt.close(figure)


def add_detector_options(
    parser: argparse.ArgumentParser,
    default_threads: int,
    threads_help: str,
    *,
    progress: bool = True,
) -> None:
    """``--param``, ``--threads``, ``--min-switch-rate``, ``--progress`` (unless
    ``progress=False``: ``follow`` prints events instead) and ``-q/--quiet``, shared by the
    sub-commands that run the detector."""
    parser.add_argument(
        "--param",
        type=_parameter,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="detector parameter, repeatable (names and defaults: ictaltrack.detector_defaults())",
    )
    add_threads_option(parser, default_threads, threads_help)
    parser.add_argument(
        "--min-switch-rate",
        type=float,
        default=None,
        metavar="RATE",
        help="criterion of the migrating verdict (default 0.2, docs/migration.md)",
    )
    if progress:
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="progress bar on stderr (default: on when stderr is a terminal)",
        )
    add_quiet_option(parser)


def detector_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--param`` values plus ``--threads`` as the detector's ``n_threads``."""
    params = dict(args.param)
    if "n_threads" in params and params["n_threads"] != args.threads:
        raise ValueError("give the thread count once: --threads N (not --param n_threads=N)")
    params["n_threads"] = args.threads
    return params


def _keep_going(fraction: float) -> bool:
    return True


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "detect",
        help="detect seizures, localise onsets, track migration (JSON/CSV/EDF+ annotations)",
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Exit codes: 0 ok, 2 bad input, 3 unsupported, 130 interrupted.",
    )
    parser.add_argument("file", help="EDF, EDF+, BDF or BDF+ file")
    add_json_option(parser, "the detections (the detect contract)")
    parser.add_argument("--csv", metavar="OUT", help="write one CSV row per seizure here")
    parser.add_argument(
        "--annotations",
        metavar="OUT.edf",
        help="write the seizures as an annotation-only EDF+ file",
    )
    parser.add_argument(
        "--plots",
        metavar="DIR",
        help="write STEM_timeline.png and STEM_onset_K.png (one per seizure) here",
    )
    add_detector_options(parser, 0, "of the detector")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # --progress asks for the bar even with --quiet; by default it shows on a terminal.
    show_progress = (
        (sys.stderr.isatty() and not args.quiet) if args.progress is None else args.progress
    )
    criteria = {} if args.min_switch_rate is None else {"min_switch_rate": args.min_switch_rate}
    if args.plots:
        require("matplotlib", extra="plot")  # before a long run, not after it
    bar = ProgressBar("detect") if show_progress else None
    try:
        try:
            # A callback even without a bar: Python runs it now and then, so Ctrl-C is noticed
            # during a long run instead of at its end.
            result = detect(
                args.file,
                progress=bar if bar is not None else _keep_going,
                criteria=criteria or None,
                **detector_parameters(args),
            )
        except (ValueError, TypeError) as error:
            # Unknown, mistyped or out-of-range detector parameters are bad input, not a bug.
            print(f"ictaltrack detect: {error}", file=sys.stderr)
            return 2
    finally:
        if bar is not None:
            bar.close()

    if args.json and args.json != "-":
        write_json(result.to_json(), args.json)
    if args.csv:
        result.to_csv(args.csv)
    if args.annotations:
        result.write_annotations(args.annotations)
    if args.plots:
        _write_plots(result, Path(args.plots), Path(args.file).stem)
    if args.json == "-":  # stdout last: only once every file is in place
        write_json(result.to_json(), "-")
    stream = text_stream(args)
    if stream is not None:
        print(seizure_table_text(result), file=stream)
        print(summary_text(result), file=stream)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
