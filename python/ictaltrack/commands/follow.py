"""``ictaltrack follow FILE [--json OUT]``: detect seizures in a recording while it is written.

Reads an EDF/EDF+/BDF/BDF+ file that an acquisition system is still appending data records to
(the header's record count may be -1 or not yet updated; a record being written is waited for)
and prints one JSON object per line on stdout as things happen: ``{"event": "seizure", ...}``
for each seizure as soon as the detector has closed it, with the fields of a seizure of the
detect JSON (times in seconds from the recording start), and alarm events
(``{"event": "alarm", ...}``) the same way. Following ends when the file has not grown for
``--idle-timeout`` seconds, or on Ctrl-C; then ``--json OUT`` receives the detect JSON of the
file as it is at the end, byte for byte what ``ictaltrack detect FILE --json OUT`` writes.

Exit codes: 0 done (the file stopped growing, or Ctrl-C: both end following normally); 2 bad
input (unreadable or malformed file, bad arguments or parameters; also a file deleted or renamed
while followed, after the events and ``--json OUT`` of the records read have been written, with
the warning ``file_vanished``); 3 valid input this version does not support; 130 interrupted
while the final result was being written.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ictaltrack.commands._options import (
    add_json_option,
    write_json,
)
from ictaltrack.commands.detect import add_detector_options, detector_parameters


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}")
    return value


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "follow",
        help="detect seizures in a recording while it is being written (JSON lines)",
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Exit codes: 0 ok (idle timeout or Ctrl-C), 2 bad input, 3 unsupported, "
        "130 interrupted.",
    )
    parser.add_argument("file", help="EDF, EDF+, BDF or BDF+ file being written")
    add_json_option(parser, "the final detections (the detect contract) at the end")
    parser.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=10.0,
        metavar="S",
        help="stop when the file has not grown for S seconds (default 10)",
    )
    parser.add_argument(
        "--poll",
        type=_seconds,
        default=0.5,
        metavar="S",
        help="seconds between two reads of the file (default 0.5)",
    )
    add_detector_options(parser, 0, "of the detector", progress=False)
    parser.set_defaults(func=run)


def _print_event(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event, allow_nan=False) + "\n")
    sys.stdout.flush()  # each event when it happens, also through a pipe


def run(args: argparse.Namespace) -> int:
    if args.json == "-":
        print(
            "ictaltrack follow: --json - is not available: stdout carries the event lines; "
            "give a file",
            file=sys.stderr,
        )
        return 2
    if args.poll <= 0:
        print("ictaltrack follow: --poll must be > 0", file=sys.stderr)
        return 2
    from ictaltrack.export import seizure_table_text, summary_text
    from ictaltrack.streaming import follow

    criteria = {} if args.min_switch_rate is None else {"min_switch_rate": args.min_switch_rate}
    try:
        result = follow(
            args.file,
            idle_timeout_s=args.idle_timeout,
            poll_s=args.poll,
            on_event=None if args.quiet else _print_event,
            criteria=criteria or None,
            **detector_parameters(args),
        )
    except (ValueError, TypeError) as error:
        # Unknown, mistyped or out-of-range detector parameters are bad input, not a bug.
        print(f"ictaltrack follow: {error}", file=sys.stderr)
        return 2
    if args.json:
        write_json(result.to_json(), args.json)
    if not args.quiet:
        # stdout holds only the event lines: the table and summary go to stderr.
        print(seizure_table_text(result), file=sys.stderr)
        print(summary_text(result), file=sys.stderr)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if any(warning.code == "file_vanished" for warning in result.warnings):
        # The outputs cover what was read; the input going away is still bad input.
        print(
            f"ictaltrack follow: {args.file}: the file went away while followed",
            file=sys.stderr,
        )
        return 2
    return 0
