"""``ictaltrack evaluate``: score a detection JSON against a truth sidecar.

Prints SzCORE event scores (timescoring EventScoring rules) and the localisation and migration
scores of docs/scoring.md as a table; ``--json OUT`` writes them as JSON to OUT (``-``: stdout,
the table then goes to stderr).
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from ictaltrack.commands._options import (
    add_json_option,
    add_quiet_option,
    text_stream,
    write_json,
)
from ictaltrack.scoring import Evaluation, evaluate


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="score detections against ground truth (SzCORE events, localisation, migration)",
        description="Score a detection JSON against a truth JSON sidecar. Event scores follow "
        "SzCORE (timescoring EventScoring: merge < 90 s, split > 300 s, widen 30 s / 60 s).",
    )
    parser.add_argument("--truth", required=True, metavar="T.json", help="truth sidecar JSON")
    parser.add_argument("--detections", required=True, metavar="D.json", help="detection JSON")
    add_json_option(parser, "the scores")
    add_quiet_option(parser)
    parser.set_defaults(func=run)


def _cell(value: Any, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}{unit}"
    return f"{value}{unit}"


def format_report(result: Evaluation) -> str:
    """The scores as an aligned two-column table."""
    e, loc = result.events, result.localisation
    rows = [
        ("Scorer", "SzCORE event scoring (timescoring EventScoring rules)"),
        ("Recording duration", f"{result.duration_s / 3600:.2f} h"),
        ("Reference events (merged/split)", _cell(e.reference_events)),
        ("Hypothesis events (merged/split)", _cell(e.hypothesis_events)),
        ("True positives", _cell(e.tp)),
        ("False positives", _cell(e.fp)),
        ("Sensitivity", _cell(e.sensitivity)),
        ("Precision", _cell(e.precision)),
        ("F1", _cell(e.f1)),
        ("False positives / 24 h", _cell(e.fp_per_24h)),
        ("True / detected seizures", f"{loc.true_seizures} / {loc.detected_seizures}"),
        ("Matched seizures", _cell(loc.matched)),
        ("Onset latency median", _cell(loc.latency_median_s, " s")),
        ("Onset latency 90th percentile", _cell(loc.latency_p90_s, " s")),
        ("Hemisphere accuracy", _cell(loc.hemisphere_accuracy)),
        ("Region accuracy", _cell(loc.region_accuracy)),
        (
            "Overlapping pairs separated",
            f"{loc.overlapping_pairs_separated} / {loc.overlapping_pairs}",
        ),
        (
            "Migration (switch) agreement",
            f"{_cell(loc.migration_agreement)} ({loc.migration_pairs} pairs)",
        ),
        ("Shift-class agreement", _cell(loc.shift_class_agreement)),
        ("Summary agreement", _cell(loc.summary_agreement)),
    ]
    spread = result.spread
    if spread is not None:
        rows += [
            (
                "Propagated seizures as one",
                f"{spread.propagated_as_one} / {spread.propagated_seizures}",
            ),
            (
                "Fragments per seizure",
                f"{_cell(spread.fragments_per_seizure)} ({spread.fragments} fragments)",
            ),
            (
                "Migrating verdict true/detected",
                f"{spread.true_migrating} / {spread.detected_migrating}",
            ),
        ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def run(args: argparse.Namespace) -> int:
    try:
        result = evaluate(args.truth, args.detections)
    except ValueError as error:
        # Events outside the recording: bad input, not an internal error.
        from ictaltrack.errors import FormatError

        raise FormatError(f"cannot score: {error}") from error
    if args.json:
        write_json(json.dumps(result.to_dict(), indent=2), args.json)
    stream = text_stream(args)
    if stream is not None:
        print(format_report(result), file=stream)
    return 0
