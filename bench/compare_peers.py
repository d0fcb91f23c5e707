"""ictaltrack against its peers on the reference job of docs/performance.md (domain.md).

The reference recording (19 referential channels, 256 Hz, EDF+C, 1 s records, ``--hours`` long,
24 h by default) is made once with ``ictaltrack simulate`` and cached outside the repository in
``$ICTALTRACK_BENCH_DIR`` (default ``~/.cache/ictaltrack/bench``). Every tool then runs in its own
subprocess, all tools interleaved within each repetition, so that a change in the machine's load
hits them alike, each starting with the file in the page cache (it is read once, untimed, before
every run) and, after a tool that used over 1 GB, after a 5 s pause. Wall time is taken around
the subprocess; peak resident memory is the child's ``ru_maxrss`` from ``os.wait4``. Medians
over the repetitions are reported, with time ratios against the ictaltrack CLI (or, while the
CLI has no ``detect`` command, against ictaltrack's read + band power), and the table goes to
docs/performance.md between markers.

Every tool computes the same numbers (2 s Hann windows, 1 s hop, constant detrend, density PSD,
rectangle-rule sums over delta 0.5-4, theta 4-8, alpha 8-13, beta 13-30, gamma 30-70 Hz, in uV^2);
each prints the sum of all its band powers, and the table shows its relative difference from
ictaltrack's, so a tool that computed something else would show.

    .venv/bin/python bench/compare_peers.py --hours 2            # while iterating
    .venv/bin/python bench/compare_peers.py                      # the 24 h reference job
    make bench-peers                                             # the same, after building

MNE + scipy on 24 h needs several GB (the reference measurement: 19 GB for the whole-array
spectrogram); the runner is skipped, and the table says so, when /proc/meminfo's MemAvailable is
below its estimated need. By default scipy runs channel by channel, which needs far less memory
than one spectrogram of the whole array and is no slower; ``--scipy-whole-array`` adds a row with
MNE + one spectrogram of the whole array, the reference measurement of domain.md (about 17 GB
for 24 h; skipped when the memory is not there). Under the table, the speed-ups that the
performance targets ask for are spelled out (the CLI at its default, all cores, and at one
thread, against MNE + scipy in both forms and against the floor loop).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BANDS = (
    ("delta", 0.5, 4.0),
    ("theta", 4.0, 8.0),
    ("alpha", 8.0, 13.0),
    ("beta", 13.0, 30.0),
    ("gamma", 30.0, 70.0),
)
N_CHANNELS, SFREQ = 19, 256.0
TIME_PROGRAM = "/usr/bin/time" if Path("/usr/bin/time").exists() else ""


# ---------------------------------------------------------------------------------------------
# Runners executed inside a child process (`compare_peers.py --run NAME FILE ...`). Each prints
# one JSON line: the sum of all band powers, the window count and optional in-process timings.


def scipy_band_sums(data, sfreq: float, whole_array: bool) -> tuple[float, int]:
    """Band powers of (n_channels, n_times) microvolts with scipy.signal.spectrogram."""
    import numpy as np
    from scipy.signal import spectrogram

    n = int(round(2.0 * sfreq))
    kwargs = dict(
        fs=sfreq,
        window="hann",
        nperseg=n,
        noverlap=n - int(round(sfreq)),
        detrend="constant",
        scaling="density",
        mode="psd",
    )
    freqs = np.fft.rfftfreq(n, 1.0 / sfreq)
    masks = [(freqs >= low) & (freqs < high) for _, low, high in BANDS]
    df = sfreq / n
    total, n_windows = 0.0, 0
    blocks = [data] if whole_array else [data[c : c + 1] for c in range(data.shape[0])]
    for block in blocks:
        _, _, sxx = spectrogram(block, **kwargs)  # (channels, freqs, windows)
        powers = np.stack([sxx[:, mask, :].sum(axis=1) * df for mask in masks], axis=-1)
        total += float(powers.sum())
        n_windows = sxx.shape[-1]
        del sxx, powers
    return total, n_windows


def run_mne_scipy(path: str, whole_array: bool) -> dict:
    import mne

    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    raw.pick("eeg")
    data = raw.get_data(units="uV")
    del raw
    checksum, n_windows = scipy_band_sums(data, SFREQ, whole_array)
    return {"checksum": checksum, "n_windows": n_windows}


def run_pyedflib_scipy(path: str, whole_array: bool) -> dict:
    import numpy as np
    import pyedflib

    with pyedflib.EdfReader(path) as reader:
        data = np.stack([reader.readSignal(c) for c in range(reader.signals_in_file)])
    checksum, n_windows = scipy_band_sums(data, SFREQ, whole_array)
    return {"checksum": checksum, "n_windows": n_windows}


def run_ictaltrack_stream(path: str, threads: int) -> dict:
    import ictaltrack

    with ictaltrack.read_edf(path) as recording:
        result = recording.band_power(window_s=2.0, n_threads=threads)  # reference job
    return {"checksum": float(result.power.sum()), "n_windows": result.n_windows}


def run_ictaltrack_array(path: str, threads: int) -> dict:
    """Read the file into memory, then time ictaltrack.band_power on the array alone."""
    import ictaltrack

    with ictaltrack.read_edf(path) as recording:
        data = recording.get_data()
    started = time.perf_counter()
    result = ictaltrack.band_power(data, SFREQ, window_s=2.0, n_threads=threads)
    band_power_s = time.perf_counter() - started
    return {
        "checksum": float(result.power.sum()),
        "n_windows": result.n_windows,
        "band_power_s": band_power_s,
    }


def run_ictaltrack_detect_api(path: str, threads: int) -> dict:
    import ictaltrack

    started = time.perf_counter()
    result = ictaltrack.detect(path, n_threads=threads)
    return {"n_seizures": len(result), "detect_s": time.perf_counter() - started}


def check_layout(path: str) -> dict:
    import ictaltrack

    with ictaltrack.read_edf(path) as recording:
        info = recording.info
        rates = {round(channel.sfreq, 9) for channel in info.channels}
        if (
            len(info.channels) != N_CHANNELS
            or rates != {SFREQ}
            or info.format != "EDF+C"
            or info.record_duration != 1.0
        ):
            raise SystemExit(f"not 19 channels at 256 Hz, EDF+C, 1 s records: {info}")
    return {"ok": True}


CHILD_RUNNERS = {
    "layout": lambda path, args: check_layout(path),
    "mne_scipy": lambda path, args: run_mne_scipy(path, False),
    "mne_scipy_whole": lambda path, args: run_mne_scipy(path, True),
    "pyedflib_scipy": lambda path, args: run_pyedflib_scipy(path, False),
    "py_stream": lambda path, args: run_ictaltrack_stream(path, args.threads),
    "py_array": lambda path, args: run_ictaltrack_array(path, args.threads),
    "py_detect": lambda path, args: run_ictaltrack_detect_api(path, args.threads),
}


# ---------------------------------------------------------------------------------------------
# The parent: the reference file, the machine, the interleaved runs, the table.


@dataclass
class Tool:
    key: str
    label: str
    command: list[str]
    memory_need_bytes: int = 0  # estimated; the run is skipped when MemAvailable is lower
    runs: list[dict] = field(default_factory=list)
    skipped: str = ""


def mem_available_bytes() -> int:
    text = Path("/proc/meminfo").read_text()
    match = re.search(r"MemAvailable:\s+(\d+) kB", text)
    return int(match.group(1)) * 1024 if match else 0


def machine_description() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    meminfo = Path("/proc/meminfo").read_text()
    total = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    return {
        "nproc": os.cpu_count(),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "mem_total_gb": int(total.group(1)) / 1024**2 if total else float("nan"),
        "mem_available_gb": mem_available_bytes() / 1024**3,
        "loadavg": os.getloadavg(),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def bench_dir() -> Path:
    env = os.environ.get("ICTALTRACK_BENCH_DIR")
    return Path(env) if env else Path.home() / ".cache" / "ictaltrack" / "bench"


def ictaltrack_cli() -> str:
    local = Path(sys.executable).parent / "ictaltrack"
    return str(local) if local.exists() else (shutil.which("ictaltrack") or "ictaltrack")


def tile_recording(source: Path, target: Path, copies: int) -> None:
    """Writes `copies` back-to-back copies of an EDF+C file's records (a plain writer).

    The simulator needs ~90 s of CPU per simulated day; a 48 h file for the memory/scaling check
    is made from the 24 h one instead. Copies after the first keep the samples and replace each
    record's annotation signal by a bare time-keeping TAL with the record's true onset, so the
    result is a valid EDF+C recording `copies` times as long.
    """
    with open(source, "rb") as src:
        head = src.read(256)
        header_bytes = int(head[184:192])
        n_records = int(head[236:244])
        n_signals = int(head[252:256])
        src.seek(0)
        header = bytearray(src.read(header_bytes))
        fields = header[256:]
        labels = [fields[16 * s : 16 * s + 16].decode("latin-1").strip() for s in range(n_signals)]
        at_spr = n_signals * (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80)
        sizes = [2 * int(fields[at_spr + 8 * s : at_spr + 8 * s + 8]) for s in range(n_signals)]
        record_bytes = sum(sizes)
        annotation = labels.index("EDF Annotations")
        tal_offset, tal_size = sum(sizes[:annotation]), sizes[annotation]
        header[236:244] = f"{n_records * copies:<8d}".encode()
        partial = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        with open(partial, "wb") as out:
            out.write(header)
            for copy in range(copies):
                src.seek(header_bytes)
                for r in range(n_records):
                    record = bytearray(src.read(record_bytes))
                    if copy > 0:
                        tal = f"+{copy * n_records + r}\x14\x14\x00".encode()
                        record[tal_offset : tal_offset + tal_size] = tal.ljust(tal_size, b"\x00")
                    out.write(record)
        partial.replace(target)


def reference_file(hours: float) -> Path:
    """The cached reference recording, made once with the simulator (atomic write)."""
    directory = bench_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"reference_{hours:g}h_seed3.edf"
    day = directory / "reference_24h_seed3.edf"
    if not path.exists() and hours > 24 and hours % 24 == 0 and day.exists():
        print(f"making {path} from {int(hours // 24)} copies of {day.name}", flush=True)
        tile_recording(day, path, int(hours // 24))
    if not path.exists():
        print(f"making {path} (ictaltrack simulate, once)", flush=True)
        subprocess.run(
            [
                ictaltrack_cli(),
                "simulate",
                str(path),
                "--duration",
                f"{hours:g}h",
                "--seed",
                "3",
                "--quiet",
            ],
            check=True,
        )
    # Checked in a child: importing numpy here would inflate the parent (see run_measured).
    check = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--run", "layout", str(path)],
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        raise SystemExit(f"{path} is not the reference layout: {check.stderr[-2000:]}")
    return path


def cli_has_detect() -> bool:
    probe = subprocess.run([ictaltrack_cli(), "detect", "--help"], capture_output=True)
    return probe.returncode == 0


def api_has_detect() -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "import ictaltrack; ictaltrack.detect"], capture_output=True
    )
    return probe.returncode == 0


def make_tools(args: argparse.Namespace, path: Path, scratch: Path) -> list[Tool]:
    build = Path(args.build_dir)
    me = [sys.executable, str(Path(__file__).resolve())]
    n_times = int(args.hours * 3600 * SFREQ)
    array_bytes = N_CHANNELS * n_times * 8
    # Channel by channel: the array (twice while MNE converts it) plus one channel's windows.
    # Whole array: measured 16.6 GB peak RSS for 24 h (3.3 GB array), i.e. ~5 arrays.
    scipy_need = array_bytes * 2 + array_bytes * 12 // N_CHANNELS
    whole_need = array_bytes * 5
    scipy_mode = "channel by channel"
    tools = []
    if cli_has_detect():
        for threads in args.threads_list:
            tools.append(
                Tool(
                    f"cli_t{threads}",
                    f"ictaltrack detect CLI, n_threads={threads}",
                    [
                        ictaltrack_cli(),
                        "detect",
                        str(path),
                        "--json",
                        str(scratch / "detect.json"),
                        "--quiet",
                        "--no-progress",
                        "--threads",
                        str(threads),
                    ],
                )
            )
    if api_has_detect():
        tools.append(
            Tool(
                "py_detect",
                "ictaltrack.detect(path) (Python API), n_threads=1",
                me + ["--run", "py_detect", str(path), "--threads", "1"],
            )
        )
    tools += [
        Tool(
            "mne_scipy",
            f"MNE read_raw_edf(preload) + scipy spectrogram ({scipy_mode})",
            me + ["--run", "mne_scipy", str(path)],
            memory_need_bytes=scipy_need,
        ),
    ]
    if args.scipy_whole_array:
        tools.append(
            Tool(
                "mne_scipy_whole",
                "MNE read_raw_edf(preload) + scipy spectrogram (whole array: the "
                "reference measurement of domain.md)",
                me + ["--run", "mne_scipy_whole", str(path)],
                memory_need_bytes=whole_need,
            )
        )
    tools += [
        Tool(
            "pyedflib_scipy",
            f"pyedflib readSignal + scipy spectrogram ({scipy_mode})",
            me + ["--run", "pyedflib_scipy", str(path)],
            memory_need_bytes=scipy_need,
        ),
        Tool(
            "floor",
            "floor loop: mmap + decode + FFTW r2c, 1 thread (bench/floor_loop.cpp)",
            [str(build / "bench" / "floor_loop"), str(path)],
        ),
    ]
    for threads in args.threads_list:
        tools.append(
            Tool(
                f"cpp_t{threads}",
                f"ictaltrack read + band power, C++ streaming, n_threads={threads}",
                [str(build / "bench" / "read_band_power"), str(path), "--threads", str(threads)],
            )
        )
    tools += [
        Tool(
            "py_stream",
            "ictaltrack Python: read_edf(...).band_power() streaming, n_threads=1",
            me + ["--run", "py_stream", str(path), "--threads", "1"],
        ),
        Tool(
            "cpp_array",
            "ictaltrack C++ band_power() on an in-memory array, n_threads=1",
            [str(build / "bench" / "read_band_power"), str(path), "--threads", "1", "--in-memory"],
            memory_need_bytes=array_bytes * 2,
        ),
        Tool(
            "py_array",
            "ictaltrack.band_power(array) Python, in-memory, n_threads=1",
            me + ["--run", "py_array", str(path), "--threads", "1"],
            memory_need_bytes=array_bytes * 2,
        ),
    ]
    wanted = set(args.only.split(",")) if args.only else None
    return [tool for tool in tools if wanted is None or tool.key in wanted]


#: After a tool that peaked above SETTLE_AFTER_MB, the next run waits SETTLE_S (untimed): on the
#: project's VM the runs right after the 16 GB whole-array run or the 3.4 GB in-memory rows were
#: the slowest of their tool (memory being handed back to the host), whichever tool came next.
SETTLE_AFTER_MB = 1024
SETTLE_S = 5.0


def warm_page_cache(path: Path) -> None:
    """Reads the recording once, untimed, so that every tool starts with it in the page cache.

    Without this, the tools run after the whole-array MNE run (16 GB) read part of the file from
    disk again and their times depend on their place in the order.
    """
    with open(path, "rb", buffering=0) as file:
        while file.read(16 << 20):
            pass


def run_measured(tool: Tool) -> dict:
    """Runs one tool; wall seconds around the process, peak RSS and CPU time of the tool alone.

    A child's ru_maxrss starts from the RSS of the process that spawned it (Linux carries the
    high-water mark across fork/vfork + exec), so the child is started through the small
    /usr/bin/time (Debian package `time`), whose own child then has an honest peak. Without it,
    os.wait4's figures are used and the parent's RSS is reported as the floor they include.
    """
    scratch = Path(os.environ.get("TMPDIR", "/tmp"))
    stem = scratch / f"ictaltrack_peers_{os.getpid()}"
    out_file, err_file, usage_file = (Path(f"{stem}.{ext}") for ext in ("out", "err", "usage"))
    command = tool.command
    if TIME_PROGRAM:
        command = [TIME_PROGRAM, "-f", "%M %U %S", "-o", str(usage_file)] + command
    with open(out_file, "wb") as out, open(err_file, "wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    returncode = os.waitstatus_to_exitcode(status)
    stdout_text = out_file.read_text(errors="replace")
    stderr_text = err_file.read_text(errors="replace")
    usage_text = usage_file.read_text() if usage_file.exists() else ""
    for file in (out_file, err_file, usage_file):
        file.unlink(missing_ok=True)
    if returncode != 0:
        raise RuntimeError(f"{tool.label} failed ({returncode}): {stderr_text[-2000:]}")
    lines = [line for line in stdout_text.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    report["wall_s"] = wall
    if TIME_PROGRAM:
        max_kb, user_s, sys_s = usage_text.split()[-3:]
        report["peak_rss_mb"] = int(max_kb) / 1024.0
        report["user_s"], report["sys_s"] = float(user_s), float(sys_s)
    else:
        report["peak_rss_mb"] = usage.ru_maxrss / 1024.0  # Linux: kilobytes
        report["user_s"], report["sys_s"] = usage.ru_utime, usage.ru_stime
    return report


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def write_table(args, machine, tools: list[Tool], path: Path, end_load) -> str:
    measured = [tool for tool in tools if tool.runs]
    baseline = next((t for t in measured if t.key == "cli_t1"), None) or next(
        (t for t in measured if t.key.startswith("cli")), None
    )
    baseline_note = f"the ictaltrack CLI ({baseline.label})" if baseline else ""
    if baseline is None:
        baseline = next((t for t in measured if t.key == "cpp_t1"), measured[0])
        baseline_note = (
            f"{baseline.label} (`ictaltrack detect` is not available on this branch yet)"
        )
    reference_sum = next(
        (median([r["checksum"] for r in t.runs]) for t in measured if t.key == "cpp_t1"), None
    )
    base_wall = median([r["wall_s"] for r in baseline.runs])
    lines = [
        f"Reference job, {args.hours:g} h: `{path.name}` ({path.stat().st_size / 1e6:.0f} MB, "
        f"19 channels, 256 Hz, EDF+C, 1 s records), {args.repeats} interleaved repetitions, "
        f"medians. Ratio = tool's wall time / wall time of {baseline_note}.",
        "",
        f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), "
        f"{machine['mem_total_gb']:.1f} GB RAM ({machine['mem_available_gb']:.1f} GB available at "
        f"the start), load average at the start {machine['loadavg'][0]:.2f} / "
        f"{machine['loadavg'][1]:.2f} / {machine['loadavg'][2]:.2f} (1/5/15 min), at the end "
        f"{end_load[0]:.2f} / {end_load[1]:.2f} / {end_load[2]:.2f}; Linux {machine['kernel']}, "
        f"Python {machine['python']}. Command: `{' '.join(args.command_line)}`. "
        + (
            "Peak RSS: /usr/bin/time's maximum resident set size of each tool's process."
            if TIME_PROGRAM
            else f"Peak RSS: os.wait4 ru_maxrss, which includes the parent's "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB."
        ),
        "",
        "| tool | wall s (median) | all runs s | ratio | CPU s (user+sys) | peak RSS MB | "
        "band sum rel. diff |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for tool in tools:
        if not tool.runs:
            lines.append(f"| {tool.label} | skipped: {tool.skipped} | | | | | |")
            continue
        walls = [r["wall_s"] for r in tool.runs]
        wall = median(walls)
        cpu = median([r["user_s"] + r["sys_s"] for r in tool.runs])
        rss = median([r["peak_rss_mb"] for r in tool.runs])
        diff = ""
        if reference_sum and "checksum" in tool.runs[0]:
            diff = f"{abs(tool.runs[0]['checksum'] - reference_sum) / abs(reference_sum):.1e}"
        extra = ""
        if "band_power_s" in tool.runs[0]:
            extra = f" (band power alone {median([r['band_power_s'] for r in tool.runs]):.2f} s)"
        lines.append(
            f"| {tool.label} | {wall:.2f}{extra} | {', '.join(f'{w:.2f}' for w in walls)} | "
            f"{wall / base_wall:.2f} | {cpu:.2f} | {rss:.0f} | {diff} |"
        )
    return "\n".join(lines) + "\n" + speedup_lines(tools, machine)


def speedup_lines(tools: list[Tool], machine) -> str:
    """The ratios the performance targets ask for, from the medians above."""
    walls = {t.key: median([r["wall_s"] for r in t.runs]) for t in tools if t.runs}
    default_key = f"cli_t{machine['nproc']}"
    clis = [
        (key, label)
        for key, label in (
            (default_key, f"default n_threads = all {machine['nproc']} cores"),
            ("cli_t1", "n_threads=1"),
        )
        if key in walls
    ]
    if not clis:
        return ""
    out = [
        "",
        "Speed-ups from these medians (wall time of the other tool / the CLI's; for the "
        "floor loop, the CLI's / the floor's):",
        "",
    ]
    for key, label in clis:
        parts = []
        for peer, name in (
            ("mne_scipy_whole", "MNE + scipy whole array"),
            ("mne_scipy", "MNE + scipy channel by channel"),
            ("pyedflib_scipy", "pyedflib + scipy channel by channel"),
        ):
            if peer in walls:
                parts.append(f"{walls[peer] / walls[key]:.1f}x faster than {name}")
        if "floor" in walls:
            parts.append(f"{walls[key] / walls['floor']:.2f}x the floor loop's time")
        if parts:
            out.append(f"- `ictaltrack detect` ({label}): " + "; ".join(parts) + ".")
    if "cli_t1" in walls and "cli_t2" in walls:
        out.append(f"- n_threads 2 vs 1: {walls['cli_t1'] / walls['cli_t2']:.2f}x.")
    return "\n".join(out) + "\n"


def update_doc(doc: Path, hours: float, table: str) -> None:
    begin, end = f"<!-- peers-{hours:g}h:begin -->", f"<!-- peers-{hours:g}h:end -->"
    block = f"{begin}\n{table}{end}"
    text = doc.read_text() if doc.exists() else "# Performance\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + f"\n\n### Peer comparison, {hours:g} h\n\n{block}\n"
    doc.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0, help="recording length (24)")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repetitions (3)")
    parser.add_argument(
        "--threads-list",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[1, 2],
        help="n_threads values for ictaltrack (1,2)",
    )
    parser.add_argument("--only", default="", help="comma-separated tool keys to run")
    parser.add_argument("--build-dir", default=str(REPO / "build" / "cpp"))
    parser.add_argument(
        "--doc",
        default=str(REPO / "docs" / "performance.md"),
        help="file to write the table into ('' = do not write)",
    )
    parser.add_argument(
        "--scipy-whole-array",
        action="store_true",
        help="add MNE + one spectrogram of the whole array (the reference run "
        "of domain.md, ~17 GB for 24 h)",
    )
    parser.add_argument("--run", default="", help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.run:  # inside a child process
        print(json.dumps(CHILD_RUNNERS[args.run](args.file, args)), flush=True)
        return 0

    args.command_line = ["bench/compare_peers.py"] + (sys.argv[1:] if argv is None else argv)
    machine = machine_description()
    path = reference_file(args.hours)
    scratch = bench_dir() / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    tools = make_tools(args, path, scratch)
    for repetition in range(args.repeats):
        for tool in tools:
            if tool.skipped:
                continue
            available = mem_available_bytes()
            if tool.memory_need_bytes and available < tool.memory_need_bytes * 1.2:
                tool.skipped = (
                    f"needs ~{tool.memory_need_bytes / 1e9:.1f} GB, "
                    f"{available / 1e9:.1f} GB available"
                )
                print(f"skip {tool.key}: {tool.skipped}", flush=True)
                continue
            warm_page_cache(path)
            report = run_measured(tool)
            tool.runs.append(report)
            if report["peak_rss_mb"] >= SETTLE_AFTER_MB:
                time.sleep(SETTLE_S)
            print(
                f"[{repetition + 1}/{args.repeats}] {tool.key:15s} {report['wall_s']:8.2f} s "
                f"{report['peak_rss_mb']:8.0f} MB",
                flush=True,
            )
    table = write_table(args, machine, tools, path, os.getloadavg())
    print(table)
    if args.doc:
        update_doc(Path(args.doc), args.hours, table)
        print(f"table written to {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
