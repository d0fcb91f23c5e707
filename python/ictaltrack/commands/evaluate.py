"""``ictaltrack evaluate``: score a detection JSON against a truth sidecar, or a whole dataset.

``--truth T.json --detections D.json``: prints SzCORE event scores (timescoring EventScoring
rules) and the localisation and migration scores of docs/scoring.md as a table; ``--json OUT``
writes them as JSON to OUT (``-``: stdout, the table then goes to stderr).

``--reference ROOT --hypothesis DERIV_ROOT``: SzCORE sample and event scoring of every
``sub-*/**/*_events.tsv`` of ROOT against the file at the same relative path under DERIV_ROOT
(the rules of szcore-evaluation 0.0.7), per recording, per subject and overall, plus
localisation scores where the reference events carry channels or a side (docs/datasets.md);
prints a summary, ``--csv OUT`` writes the table, ``--json OUT`` everything.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
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
        description="Score a detection JSON against a truth JSON sidecar (--truth, "
        "--detections), or a folder of SzCORE hypothesis files against a BIDS dataset's SzCORE "
        "reference annotations (--reference, --hypothesis). Event scores follow SzCORE "
        "(timescoring EventScoring: merge < 90 s, split > 300 s, widen 30 s / 60 s).",
    )
    parser.add_argument("--truth", metavar="T.json", help="truth sidecar JSON")
    parser.add_argument("--detections", metavar="D.json", help="detection JSON")
    parser.add_argument(
        "--reference",
        metavar="ROOT",
        help="BIDS dataset whose sub-*/**/*_events.tsv are the SzCORE reference",
    )
    parser.add_argument(
        "--hypothesis",
        metavar="DERIV_ROOT",
        help="folder of SzCORE hypothesis files at the same relative paths "
        "(ictaltrack batch writes ROOT/derivatives/ictaltrack)",
    )
    parser.add_argument(
        "--csv",
        metavar="OUT.csv",
        help="with --reference: write the table (recordings, subjects, overall) as CSV",
    )
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


def _run_dataset(args: argparse.Namespace) -> int:
    from ictaltrack.szcore import evaluate_dataset, summary_text

    evaluation = evaluate_dataset(args.reference, args.hypothesis)
    if args.csv:
        from ictaltrack._atomic import atomic_output

        with atomic_output(args.csv) as temporary:
            evaluation.table().to_csv(temporary, index=False)
    if args.json:
        write_json(json.dumps(evaluation.to_dict(), indent=2), args.json)
    stream = text_stream(args)
    if stream is not None:
        print(summary_text(evaluation), file=stream)
    return 0


def run(args: argparse.Namespace) -> int:
    single = args.truth is not None or args.detections is not None
    dataset = args.reference is not None or args.hypothesis is not None
    if (
        single == dataset
        or (single and None in (args.truth, args.detections))
        or (dataset and None in (args.reference, args.hypothesis))
    ):
        print(
            "ictaltrack evaluate: give --truth and --detections, or --reference and --hypothesis",
            file=sys.stderr,
        )
        return 2
    if dataset:
        return _run_dataset(args)
    if args.csv:
        print("ictaltrack evaluate: --csv goes with --reference/--hypothesis", file=sys.stderr)
        return 2
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
