"""Throughput of ``ictaltrack.batch.run`` in recording-hours per second, 1 and 2 workers.

Not part of ``make test``. Run from the repository root after ``make python``:

    .venv/bin/python bench/bench_batch.py [--recordings 8] [--minutes 30] [--repeats 2]

Simulates the recordings once (cached in --corpus, default $TMPDIR/ictaltrack-bench-batch),
starts a LocalCluster with 1 and one with 2 single-threaded worker processes, runs a warm-up batch
on each, then times ``batch.run`` into fresh results folders, alternating the clusters, best of
--repeats (cluster start-up excluded: users who run many batches pay it once; it is printed
separately). Prints the load average so that figures measured on a shared machine can be judged.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import distributed

import ictaltrack
from ictaltrack import batch


def make_corpus(folder: Path, n: int, minutes: float) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(n):
        path = folder / f"bench_{int(minutes)}min_{seed}.edf"
        if not path.exists():
            ictaltrack.simulate(path, duration_s=minutes * 60, seed=seed + 1)
        paths.append(path)
    return paths


def measure(paths: list[Path], repeats: int) -> tuple[dict[int, float], dict[int, float]]:
    """Best batch time per worker count. Both clusters stay up and the runs alternate
    (1, 2, 1, 2, ...), so that a change of load on a shared machine hits both alike."""
    seconds: dict[int, float] = {1: float("inf"), 2: float("inf")}
    startup: dict[int, float] = {}
    scratch = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    with contextlib.ExitStack() as stack:
        clients = {}
        for n_workers in (1, 2):
            started = time.perf_counter()
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                )
            )
            clients[n_workers] = stack.enter_context(distributed.Client(cluster))
            startup[n_workers] = time.perf_counter() - started
            batch.run(
                paths[:n_workers], out_dir=scratch / f"warmup{n_workers}", client=clients[n_workers]
            )
        try:
            for k in range(repeats):
                for n_workers, client in clients.items():
                    t0 = time.perf_counter()
                    result = batch.run(
                        paths, out_dir=scratch / f"run{n_workers}-{k}", client=client
                    )
                    seconds[n_workers] = min(seconds[n_workers], time.perf_counter() - t0)
                    assert result.n_computed == len(paths)
        finally:
            shutil.rmtree(scratch)
    return seconds, startup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recordings", type=int, default=8)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir()) / "ictaltrack-bench-batch"
    )
    args = parser.parse_args()
    paths = make_corpus(args.corpus, args.recordings, args.minutes)
    hours = args.recordings * args.minutes / 60
    print(
        f"{args.recordings} simulated recordings x {args.minutes:g} min = {hours:g} "
        f"recording-hours; {os.cpu_count()} CPU cores; load average before: "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    seconds, startup = measure(paths, args.repeats)
    rates = {}
    for n_workers in (1, 2):
        rates[n_workers] = hours / seconds[n_workers]
        print(
            f"{n_workers} worker(s): {seconds[n_workers]:.2f} s (best of {args.repeats}) = "
            f"{rates[n_workers]:.2f} recording-hours/s; cluster start-up "
            f"{startup[n_workers]:.1f} s"
        )
    print(
        f"scaling 2 vs 1 workers: {rates[2] / rates[1]:.2f}x; load average after: "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
