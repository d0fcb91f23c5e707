"""Wall time of the dataset route of docs/datasets.md per recording-hour (not part of `make test`).

Simulates a BIDS dataset (`ictaltrack simulate --bids`), then times the two commands a user runs
on a converted public dataset, each as a fresh process as from a shell:
`ictaltrack batch ROOT --out RESULTS` (local Dask cluster, start-up included) and
`ictaltrack evaluate --reference ROOT --hypothesis ROOT/derivatives/ictaltrack`, and, for
comparison, szcore-evaluation's `evaluate_dataset` on the same folders (when installed).

    .venv/bin/python bench/bench_datasets.py --subjects 3 --runs 2 --minutes 30 --montage bipolar
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--montage", choices=("referential", "bipolar"), default="bipolar")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    ictaltrack = [sys.executable, "-m", "ictaltrack.cli"]
    folder = Path(tempfile.mkdtemp(prefix="bench-datasets-"))
    try:
        root, results = folder / "ds", folder / "results"
        simulate_s = _timed(
            [
                *ictaltrack,
                "simulate",
                "--bids",
                str(root),
                "--subjects",
                str(args.subjects),
                "--runs",
                str(args.runs),
                "--duration",
                f"{args.minutes * 60:g}s",
                "--montage",
                args.montage,
                "-q",
            ]
        )
        hours = args.subjects * args.runs * args.minutes / 60
        load_before = os.getloadavg()
        batch_s = _timed(
            [
                *ictaltrack,
                "batch",
                str(root),
                "--out",
                str(results),
                "--workers",
                str(args.workers),
                "-q",
            ]
        )
        evaluate_s = _timed(
            [
                *ictaltrack,
                "evaluate",
                "--reference",
                str(root),
                "--hypothesis",
                str(root / "derivatives" / "ictaltrack"),
                "--json",
                str(folder / "scores.json"),
                "-q",
            ]
        )
        oracle = (
            "from szcore_evaluation.evaluate import evaluate_dataset; "
            f"evaluate_dataset({str(root)!r}, {str(root / 'derivatives' / 'ictaltrack')!r}, "
            f"{str(folder / 'szcore.json')!r})"
        )
        try:
            szcore_s: float | None = _timed([sys.executable, "-c", oracle])
        except subprocess.CalledProcessError:
            szcore_s = None
        load_after = os.getloadavg()
        recordings = args.subjects * args.runs
        print(
            f"{recordings} simulated {args.montage} recordings x {args.minutes:g} min = "
            f"{hours:g} recording-hours; {os.cpu_count()} CPU cores, {args.workers} workers; "
            f"load average before: {' '.join(f'{x:.1f}' for x in load_before)}"
        )
        print(f"simulate --bids: {simulate_s:.1f} s")
        print(
            f"batch: {batch_s:.1f} s = {batch_s / hours:.2f} s per recording-hour "
            "(cluster start-up included)"
        )
        print(f"evaluate: {evaluate_s:.2f} s = {evaluate_s / hours:.3f} s per recording-hour")
        if szcore_s is not None:
            print(f"szcore-evaluation on the same folders: {szcore_s:.2f} s")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in load_after)}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
