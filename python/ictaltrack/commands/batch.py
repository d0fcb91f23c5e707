"""``ictaltrack batch INPUTS... --out RESULTS_DIR``: detect seizures in a whole corpus.

Runs detection, onset localisation and migration tracking on every EDF/BDF recording found in
INPUTS (files, folders searched recursively, glob patterns), one Dask task per recording: on a
local cluster sized to the machine, or on an existing cluster (``--scheduler tcp://host:8786``).
Writes one detect JSON per recording and combined tables (seizures, transitions, recordings with
their failures, cohort summary) as Parquet and CSV, then prints the cohort summary. A rerun
skips the recordings already done (same size, modification time and parameters). Details:
docs/batch.md.

An INPUT folder with ``dataset_description.json`` is a BIDS dataset (docs/datasets.md): its
recordings are found with mne-bids, subject/session/task/run become columns of every table,
``*_channels.tsv`` gives channel types and bad channels, and one SzCORE ``*_events.tsv`` per
recording is written under ROOT/derivatives/ictaltrack (or ``--derivatives DERIV_ROOT``).

Exit codes: 0 the batch ran (recordings that failed are listed in recordings.csv); 2 bad input
(no such input, bad parameters); 130 interrupted (finished recordings are kept: rerun to resume).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ictaltrack.commands.detect import add_detector_options, detector_parameters


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="detect seizures in many recordings (Dask; resumable; Parquet/CSV tables)",
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Exit codes: 0 ok (failures are rows of recordings.csv), 2 bad input, "
        "130 interrupted (rerun to resume).",
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="EDF/BDF file, folder (searched recursively), glob pattern, or BIDS dataset root",
    )
    parser.add_argument(
        "--out", required=True, metavar="RESULTS_DIR", help="results folder (created if needed)"
    )
    add_detector_options(
        parser, 1, "of the detector in each task (the workers are the parallelism)"
    )
    parser.add_argument(
        "--derivatives",
        metavar="DERIV_ROOT",
        help="where the SzCORE *_events.tsv of a BIDS input go "
        "(default: ROOT/derivatives/ictaltrack)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on this existing Dask cluster (e.g. tcp://host:8786) instead of a local one",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="workers of the local cluster (default: one per CPU core)",
    )
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="also retry recordings that failed on their input last time",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ictaltrack import batch

    criteria = {} if args.min_switch_rate is None else {"min_switch_rate": args.min_switch_rate}
    if args.workers is not None and args.workers < 1:
        print("ictaltrack batch: --workers must be at least 1", file=sys.stderr)
        return 2
    client = None
    try:
        if args.scheduler:
            distributed = batch._import_dask()
            client = distributed.Client(args.scheduler)
        result = batch.run(
            args.inputs,
            out_dir=args.out,
            params=detector_parameters(args),
            criteria=criteria or None,
            client=client,
            n_workers=args.workers,
            retry_failed=args.retry_failed,
            derivatives=args.derivatives,
            progress=args.progress
            if args.progress is not None
            else (False if args.quiet else None),
        )
    except (ValueError, ImportError) as error:
        print(f"ictaltrack batch: {error}", file=sys.stderr)
        return 2
    finally:
        if client is not None:
            client.close()
    if not args.quiet:
        print(batch.cohort_text(result.cohort, result.failures))
        print(
            f"results: {result.out_dir} (seizures, transitions, recordings, cohort: "
            f".parquet and .csv)"
        )
        hypotheses = result.recordings["hypothesis_tsv"].dropna()
        if len(hypotheses):
            print(f"SzCORE hypothesis files: {len(hypotheses)} *_events.tsv (BIDS derivative)")
    return 0
