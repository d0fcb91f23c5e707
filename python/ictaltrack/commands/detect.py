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
from ictaltrack.detection import ProgressBar, detect, save_figure, summary_text


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


def add_detector_options(parser: argparse.ArgumentParser) -> None:
    """``--param``, ``--min-switch-rate`` and ``--progress``, shared by ``detect`` and ``batch``."""
    parser.add_argument("--param", type=_parameter, action="append", default=[],
                        metavar="NAME=VALUE",
                        help="detector parameter, repeatable (names and defaults: "
                             "ictaltrack.detector_defaults())")
    parser.add_argument("--min-switch-rate", type=float, default=None, metavar="RATE",
                        help="criterion of the migrating verdict (default 0.2, docs/migration.md)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: on when stderr is a terminal)")


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
    parser.add_argument("--json", metavar="OUT", help="write the detect JSON here ('-' = stdout)")
    parser.add_argument("--csv", metavar="OUT", help="write one CSV row per seizure here")
    parser.add_argument("--annotations", metavar="OUT.edf",
                        help="write the seizures as an annotation-only EDF+ file")
    parser.add_argument("--plots", metavar="DIR",
                        help="write STEM_timeline.png and STEM_onset_K.png (one per seizure) here")
    add_detector_options(parser)
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="print nothing but errors")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    criteria = {} if args.min_switch_rate is None else {"min_switch_rate": args.min_switch_rate}
    if args.plots:
        require("matplotlib", extra="plot")  # before a long run, not after it
    bar = ProgressBar("detect") if show_progress else None
    try:
        try:
            # A callback even without a bar: Python runs it now and then, so Ctrl-C is noticed
            # during a long run instead of at its end.
            result = detect(args.file, progress=bar if bar is not None else _keep_going,
                            criteria=criteria or None, **dict(args.param))
        except (ValueError, TypeError) as error:
            # Unknown, mistyped or out-of-range detector parameters are bad input, not a bug.
            print(f"ictaltrack detect: {error}", file=sys.stderr)
            return 2
    finally:
        if bar is not None:
            bar.close()

    to_stdout = args.json == "-"
    if args.json and not to_stdout:
        result.to_json(args.json)
    if args.csv:
        result.to_csv(args.csv)
    if args.annotations:
        result.write_annotations(args.annotations)
    if args.plots:
        _write_plots(result, Path(args.plots), Path(args.file).stem)
    if to_stdout:
        sys.stdout.write(result.to_json())
    if not args.quiet:
        from ictaltrack.detection import _seizure_table_text

        stream = sys.stderr if to_stdout else sys.stdout
        print(_seizure_table_text(result), file=stream)
        print(summary_text(result), file=stream)
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return 0
