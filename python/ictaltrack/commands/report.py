"""Write one self-contained HTML report of a recording: its summary, the seizures with the
migration verdict, and each seizure's onset map, EEG page and onset spectrogram.

Runs the detector (as ``ictaltrack detect``) unless ``--detections`` gives a saved detect JSON.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ictaltrack._extras import require
from ictaltrack.commands.detect import _keep_going, add_detector_options, detector_parameters
from ictaltrack.progress import ProgressBar


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="one self-contained HTML report per recording (pictures embedded)",
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Exit codes: 0 ok, 2 bad input, 3 unsupported, 130 interrupted.",
    )
    parser.add_argument("file", help="EDF, EDF+, BDF or BDF+ file")
    parser.add_argument(
        "-o", "--output", required=True, metavar="REPORT.html", help="the HTML file to write"
    )
    parser.add_argument(
        "--detections", metavar="JSON", help="a detect JSON of this file (skips the detector)"
    )
    add_detector_options(
        parser,
        0,
        "of the detector, and processes drawing the pictures (at most one per four seizures)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    require("jinja2", extra="report")  # before a long run, not after it
    require("matplotlib", extra="plot")
    show_progress = (
        (sys.stderr.isatty() and not args.quiet) if args.progress is None else args.progress
    )
    criteria = {} if args.min_switch_rate is None else {"min_switch_rate": args.min_switch_rate}
    from ictaltrack.detection import detect
    from ictaltrack.result import DetectionResult

    if args.detections:
        result = DetectionResult.from_json(args.detections, criteria=criteria or None)
    else:
        bar = ProgressBar("detect") if show_progress else None
        try:
            try:
                # A callback even without a bar: Ctrl-C is noticed during a long run.
                result = detect(
                    args.file,
                    progress=bar if bar is not None else _keep_going,
                    criteria=criteria or None,
                    **detector_parameters(args),
                )
            except (ValueError, TypeError) as error:
                print(f"ictaltrack report: {error}", file=sys.stderr)
                return 2
        finally:
            if bar is not None:
                bar.close()
    bar = ProgressBar("report") if show_progress else None
    try:
        result.to_html(
            args.output,
            args.file,
            progress=bar.show if bar is not None else None,
            workers=args.threads,  # 0: one process per core, at most one per four seizures
        )
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        print(f"report: {args.output} ({len(result)} seizures)")
    return 0
