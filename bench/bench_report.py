"""Time ``ictaltrack report`` of a long recording with 100 seizures (issue 15: <= 30 s, <= 15 MB).

Not part of ``make test``. Run from the repository root after ``make python``:

    .venv/bin/python bench/bench_report.py [--repeats 3] [--stages] [--profile OUT.prof]

Simulates the recording once (6 h, 19 channels at 256 Hz, 100 seizures; cached with its detect
JSON under ``~/.cache/ictaltrack/bench``, or ``--cache``), then runs
``ictaltrack report FILE --detections D.json -o OUT -q --no-progress`` as a child process
``--repeats`` times and prints, per run, the wall time, the child's CPU time (user + sys, which a
shared machine disturbs less than the wall time), the report's size and the number of seizures
in it, the peak resident size of its largest process and the machine's load average before
the run. The detector is not timed (its speed is
measured in docs/performance.md); the report of a recording without ``--detections`` adds it.

``--stages`` also renders the report in this process with the stage functions wrapped in timers
(summed wall time of each: timeline, onset maps, EEG pages, spectrograms, PNG encoding, reading,
the template); it runs with ``workers=1`` so every stage runs here. ``--profile OUT.prof``
writes a cProfile of that run.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ictaltrack

DURATION_S = 6 * 3600.0
N_SEIZURES = 100
SEED = 7


def recording(cache: Path) -> tuple[Path, Path]:
    """The simulated recording and its detect JSON (made once; the JSON again after a
    version change, so the report reads what this build's detector says)."""
    cache.mkdir(parents=True, exist_ok=True)
    edf = cache / f"report_{N_SEIZURES}seizures_{int(DURATION_S / 3600)}h_seed{SEED}.edf"
    if not edf.exists():
        print(f"simulating {edf} (once) ...", file=sys.stderr)
        truth = ictaltrack.simulate(
            edf,
            duration_s=DURATION_S,
            seed=SEED,
            n_seizures=N_SEIZURES,
            interval_max_s=300.0,
            json_path=edf.with_suffix(".truth.json"),
        )
        assert len(truth["seizures"]) == N_SEIZURES, len(truth["seizures"])
    detections = edf.with_name(edf.stem + f".detect-{ictaltrack.__version__}.json")
    if not detections.exists():
        print(f"detecting seizures of {edf.name} (once) ...", file=sys.stderr)
        result = ictaltrack.detect(edf)
        result.to_json(detections)
    return edf, detections


def run_cli(edf: Path, detections: Path, out: Path) -> tuple[float, float, float]:
    """``(wall_s, cpu_s, peak_rss_mb)`` of one ``ictaltrack report`` child process (CPU time
    of it and its worker processes; the peak resident size of the largest of them)."""
    command = [
        str(Path(sys.executable).with_name("ictaltrack")),
        "report",
        str(edf),
        "--detections",
        str(detections),
        "-o",
        str(out),
        "-q",
        "--no-progress",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def stages(edf: Path, detections: Path, out: Path, profile: str | None) -> None:
    """Render in this process with the stage functions timed (serial: ``workers=1``)."""
    from ictaltrack import plotting, report

    totals: dict[str, float] = collections.defaultdict(float)
    counts: dict[str, int] = collections.Counter()

    def timed(name: str, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[name] += time.perf_counter() - started
                counts[name] += 1

        return wrapper

    stage_functions = {
        plotting: ["plot_timeline", "plot_onset_map", "plot_seizure", "plot_onset_spectrogram"],
        report: [],
    }
    for module, names in stage_functions.items():
        for name in names:
            setattr(module, name, timed(name, getattr(module, name)))
    for name in ("_read_span", "montage_traces"):
        setattr(plotting, name, timed(name, getattr(plotting, name)))
    for name in [n for n in dir(report) if re.fullmatch(r"_(png|encode|draw)\w*", n)]:
        setattr(report, name, timed(name, getattr(report, name)))

    result = ictaltrack.DetectionResult.from_json(detections)
    profiler = cProfile.Profile() if profile else None
    started_cpu, started = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result.to_html(out, edf, workers=1)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(f"stages (in process, workers=1): total {wall:.1f} s wall, {cpu:.1f} s CPU")
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {name:24s} {seconds:7.2f} s  ({counts[name]} calls)")
    if profile:
        print(f"  cProfile written to {profile}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "ictaltrack" / "bench"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stages", action="store_true", help="per-stage breakdown (in process)")
    parser.add_argument("--profile", metavar="OUT.prof", help="cProfile of the --stages run")
    args = parser.parse_args()

    edf, detections = recording(args.cache)
    n_detected = len(json.loads(detections.read_text(encoding="utf-8"))["seizures"])
    print(
        f"recording: {edf.name} ({edf.stat().st_size / 1e6:.0f} MB), {n_detected} seizures "
        f"detected; cores: {os.cpu_count()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        out = Path(scratch) / "report.html"
        walls, cpus = [], []
        for repeat in range(args.repeats):
            load = os.getloadavg()[0]
            wall, cpu, rss = run_cli(edf, detections, out)
            walls.append(wall)
            cpus.append(cpu)
            shown = len(re.findall(r'<section class="seizure"', out.read_text(encoding="utf-8")))
            print(
                f"run {repeat + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU (user+sys), "
                f"{out.stat().st_size / 1e6:.1f} MB, {shown} seizure sections, "
                f"peak RSS {rss:.0f} MB (largest process), "
                f"load average before {load:.1f}"
            )
        if walls:
            print(
                f"best of {args.repeats}: {min(walls):.1f} s wall, {min(cpus):.1f} s CPU; "
                f"median {sorted(walls)[len(walls) // 2]:.1f} s wall"
            )
        if args.stages or args.profile:
            stages(edf, detections, Path(scratch) / "stages.html", args.profile)


if __name__ == "__main__":
    main()
