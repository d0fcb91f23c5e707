"""``ictaltrack follow`` and ``ictaltrack.follow`` on files written while they are followed.

A writer process (growing_writer.py) copies a sample recording record by record at 20x real time,
the header saying -1 records or a stale count, with records written in two halves and a pause.
Oracles: ``ictaltrack detect`` on the finished file (the final JSON must be byte for byte the
same, the seizure events must be its seizures) and the writer's own timing (events of seizures
that end well before the recording's end are printed before the writer is done).
"""

from __future__ import annotations

import errno
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import ictaltrack

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_edf"
WRITER = Path(__file__).resolve().parent / "growing_writer.py"
EXECUTABLE = Path(sys.executable).parent / "ictaltrack"
IDLE_S = 2.0

pytestmark = pytest.mark.skipif(
    not (SAMPLES / "chbmit_bipolar.edf").exists(), reason="sample_edf/ is absent"
)


def default_sigint() -> None:
    """In the child before it runs: SIGINT back to its default. A shell starts background jobs
    with SIGINT ignored and Python then installs no KeyboardInterrupt handler, so the Ctrl-C of
    the test would do nothing when the suite itself runs in the background."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Run:
    """A process whose stdout lines are collected with the time each arrived, and whose end
    time is noted."""

    def __init__(self, command: list[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self.ended_at: float | None = None
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=default_sigint,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.append((time.monotonic(), line))
        self.process.wait()
        self.ended_at = time.monotonic()

    def wait(self, timeout: float = 90.0) -> tuple[int, str]:
        self._reader.join(timeout)
        assert self.ended_at is not None, "process did not end"
        assert self.process.stderr is not None
        with self.process.stderr:
            return self.process.returncode, self.process.stderr.read()


def start_writer(source: Path, target: Path, count: str, speed: float = 20.0) -> Run:
    run = Run(
        [
            sys.executable,
            str(WRITER),
            str(source),
            str(target),
            "--count",
            count,
            "--speed",
            str(speed),
        ]
    )
    deadline = time.monotonic() + 10
    while not target.exists():  # follow needs the file to exist
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return run


def detect_alarms(path: Path) -> list[dict]:
    """The onset alarms ``detect_file`` raises on the finished file, as follow prints them."""
    from ictaltrack.evaluation import ictaltrack_detector

    alarms = ictaltrack_detector(path)["alarms"]
    assert all(alarm.pop("event") == "alarm" for alarm in alarms)
    return alarms


def split_events(events: list[dict]) -> tuple[list[dict], list[dict]]:
    """(alarms, seizures) of follow's events, each without its ``event`` key; every alarm comes
    before the seizure it announces (matched by onset channels' side and time)."""
    alarms = [{k: v for k, v in e.items() if k != "event"} for e in events if e["event"] == "alarm"]
    seizures = [
        {k: v for k, v in e.items() if k != "event"} for e in events if e["event"] == "seizure"
    ]
    assert len(alarms) + len(seizures) == len(events)
    return alarms, seizures


def detect_json(path: Path, out: Path) -> str:
    done = subprocess.run(
        [str(EXECUTABLE), "detect", str(path), "--json", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


def check_followed(
    tmp_path: Path,
    source: Path,
    growing: Path,
    count: str,
    writer: Run,
    follower: Run,
    final_json: Path,
) -> None:
    """Everything a follow run over a finished writer must show (module docstring)."""
    assert writer.wait()[0] == 0
    code, stderr = follower.wait()
    assert code == 0, stderr
    assert "Traceback" not in stderr

    # The finished file is the recording (the stale count was put right at the end).
    finished = growing.read_bytes()
    original = source.read_bytes()
    if count == "stale":
        assert finished == original
    else:
        assert finished[:236] == original[:236] and finished[244:] == original[244:]
        assert finished[236:244] == b"-1      "

    final = final_json.read_text(encoding="utf-8")
    expected = detect_json(growing, tmp_path / f"detect_{count}.json")
    assert final == expected  # byte for byte
    detection = json.loads(expected)
    assert len(detection["seizures"]) == 2

    events = [(at, json.loads(line)) for at, line in follower.lines]
    alarms, seizures = split_events([e for _, e in events])
    # Each seizure once, as the detect JSON holds it (these two do not overlap: same order),
    # each announced before by its onset alarm, the alarms detect_file raises on the same file.
    assert seizures == detection["seizures"]
    assert alarms == detect_alarms(growing)
    assert [e["event"] for _, e in events] == ["alarm", "seizure"] * len(seizures)
    for alarm, seizure in zip(alarms, seizures):
        assert alarm["raised_s"] < seizure["offset_s"]
    events = [(at, e) for at, e in events if e["event"] == "seizure"]
    # Printed as it happened: a seizure ending >= 30 s of recording before the end came out
    # while the writer was still writing (1.5 s of wall time at 20x).
    assert writer.ended_at is not None and follower.ended_at is not None
    early = [at for at, e in events if e["offset_s"] + 30 <= detection["duration_s"]]
    assert len(early) == 2
    assert all(at < writer.ended_at for at in early)
    # Ended by the idle timeout: not before the file had stopped growing for IDLE_S.
    assert follower.ended_at - writer.ended_at >= IDLE_S - 0.2


def test_follow_cli_on_files_being_written(tmp_path):
    """Header count -1 and a stale header count, the two runs side by side (wall time)."""
    source = SAMPLES / "chbmit_bipolar.edf"
    runs = []
    for count in ("unknown", "stale"):
        growing = tmp_path / f"growing_{count}.edf"
        final_json = tmp_path / f"follow_{count}.json"
        writer = start_writer(source, growing, count)
        follower = Run(
            [
                str(EXECUTABLE),
                "follow",
                str(growing),
                "--json",
                str(final_json),
                "--idle-timeout",
                str(IDLE_S),
                "--poll",
                "0.1",
                "--threads",
                "1" if count == "stale" else "0",
            ]
        )
        runs.append((growing, count, writer, follower, final_json))
    for growing, count, writer, follower, final_json in runs:
        check_followed(tmp_path, source, growing, count, writer, follower, final_json)


def test_follow_cli_ends_cleanly_on_sigint(tmp_path):
    source = SAMPLES / "chbmit_bipolar.edf"
    growing = tmp_path / "growing.edf"
    writer = start_writer(source, growing, "unknown")
    follower = Run(
        [
            str(EXECUTABLE),
            "follow",
            str(growing),
            "--json",
            str(tmp_path / "f.json"),
            "--idle-timeout",
            "60",
            "--poll",
            "0.1",
        ]
    )
    deadline = time.monotonic() + 30
    while len(follower.lines) < 2:  # the first alarm and seizure have been printed
        assert time.monotonic() < deadline
        time.sleep(0.05)
    follower.process.send_signal(signal.SIGINT)
    code, stderr = follower.wait(timeout=30)
    writer.process.kill()
    writer.wait()
    assert code == 0, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    # The final JSON covers what had been written when Ctrl-C came, and holds the seizure
    # printed before it, as printed.
    final = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert json.loads(follower.lines[0][1])["event"] == "alarm"
    first = json.loads(follower.lines[1][1])
    assert final["seizures"][0] == {k: v for k, v in first.items() if k != "event"}
    assert first["offset_s"] < final["duration_s"] < 220


def test_follow_python_api_with_overlapping_seizures(tmp_path):
    """``ictaltrack.follow`` on the demo file (its last seizure starts while the third runs):
    on_event gets each seizure once, in the order they end; the result equals detect's."""
    source = SAMPLES / "migrating_referential.edf"
    growing = tmp_path / "growing.edf"
    writer = start_writer(source, growing, "stale", speed=100.0)
    events: list[dict] = []
    result = ictaltrack.follow(growing, idle_timeout_s=1.0, poll_s=0.05, on_event=events.append)
    assert writer.wait()[0] == 0
    expected = ictaltrack.detect(growing)
    assert result.to_json() == expected.to_json()
    seizures = expected.to_dict()["seizures"]
    assert len(seizures) == 4
    alarms, got = split_events(events)
    assert sorted(got, key=lambda s: s["onset_s"]) == seizures
    assert [e["offset_s"] for e in got] == sorted(e["offset_s"] for e in got)
    # Alarms: those of detect_file on the same file, in the order raised, each before the
    # seizure event it announces (the seizure with the same provisional side that ends after).
    assert alarms == detect_alarms(growing)
    assert [a["raised_s"] for a in alarms] == sorted(a["raised_s"] for a in alarms)
    assert len(alarms) == len(seizures)
    n_alarms = n_seizures = 0
    for event in events:  # at every seizure event, its alarm (and those before) came first
        n_alarms += event["event"] == "alarm"
        n_seizures += event["event"] == "seizure"
        assert n_alarms >= n_seizures


def test_follow_refuses_a_missing_file_and_bad_arguments(tmp_path):
    missing = tmp_path / "absent.edf"
    with pytest.raises(ictaltrack.IoError) as caught:
        ictaltrack.follow(missing, idle_timeout_s=0)
    # The typed error detect raises for the same file (a FileNotFoundError too).
    with pytest.raises(ictaltrack.IoError) as expected:
        ictaltrack.detect(missing)
    assert isinstance(caught.value, FileNotFoundError)
    assert type(caught.value) is type(expected.value)
    assert str(caught.value) == str(expected.value)
    assert (caught.value.errno, caught.value.path) == (errno.ENOENT, str(missing))
    with pytest.raises(ValueError):
        ictaltrack.follow(SAMPLES / "chbmit_bipolar.edf", poll_s=0)
    with pytest.raises(ValueError, match="unknown detector parameter"):
        ictaltrack.follow(SAMPLES / "chbmit_bipolar.edf", idle_timeout_s=0, no_such=1)
    for arguments in (["--json", "-"], ["--param", "no_such=1"]):
        done = subprocess.run(
            [str(EXECUTABLE), "follow", str(SAMPLES / "chbmit_bipolar.edf"), *arguments],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
    done = subprocess.run(
        [str(EXECUTABLE), "follow", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == f"ictaltrack follow: IoError: {expected.value}\n"


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXECUTABLE), *arguments], capture_output=True, text=True, timeout=60, check=False
    )


def test_follow_fails_at_once_on_a_file_that_is_no_edf(tmp_path):
    """Bytes that no EDF/BDF header starts with, or a complete header that is malformed, are not
    waited for as a header still being written: follow fails as detect does on the same file,
    at the first read (the idle timeout of an hour is never reached: the run's own timeout)."""
    text = tmp_path / "notes.edf"
    text.write_text("these are notes, not a recording\n" * 40, encoding="ascii")
    short = tmp_path / "short.edf"
    short.write_bytes(b"hello")
    header = (SAMPLES / "chbmit_bipolar.edf").read_bytes()
    n_signals = int(header[252:256])
    broken = tmp_path / "broken.edf"  # a whole header whose record duration is no number
    broken.write_bytes(header[:244] + b"x".ljust(8) + header[252 : 256 * (1 + n_signals)])
    for path in (text, short, broken):
        with pytest.raises(ictaltrack.FormatError) as expected:
            ictaltrack.detect(path)
        with pytest.raises(ictaltrack.FormatError) as caught:
            ictaltrack.follow(path, idle_timeout_s=3600, poll_s=0.05)
        assert str(caught.value) == str(expected.value)
        assert (caught.value.field, caught.value.byte_offset) == (
            expected.value.field,
            expected.value.byte_offset,
        )
        detected = _cli("detect", str(path), "--json", str(tmp_path / "d.json"))
        followed = _cli("follow", str(path), "--idle-timeout", "3600", "--poll", "0.05")
        assert detected.returncode == followed.returncode == 2
        expected_stderr = detected.stderr.replace("ictaltrack detect:", "ictaltrack follow:")
        assert followed.stderr == expected_stderr


def test_follow_still_waits_for_a_header_being_written(tmp_path):
    """The start of a header (an empty file, part of the fixed part, the fixed part without all
    the signal headers) is waited for: once the rest is written, the result is detect's."""
    source = SAMPLES / "chbmit_bipolar.edf"
    whole = source.read_bytes()
    expected = ictaltrack.detect(source).to_dict()
    for size in (0, 5, 100, 300):
        path = tmp_path / f"begun_{size}.edf"
        path.write_bytes(whole[:size])

        def write_the_rest(path: Path = path, size: int = size) -> None:
            time.sleep(0.3)
            with open(path, "ab") as out:
                out.write(whole[size:])

        writer = threading.Thread(target=write_the_rest)
        writer.start()
        try:
            result = ictaltrack.follow(path, idle_timeout_s=1.0, poll_s=0.05)
        finally:
            writer.join()
        assert {**result.to_dict(), "file": expected["file"]} == expected


def test_follow_ends_cleanly_when_the_file_is_deleted(tmp_path):
    """The file deleted while followed: following ends at once, the detector is finished on the
    records read (the seizure still open is closed and handed out), and the result is detect's
    on those same bytes, with a "file_vanished" warning."""
    whole = (SAMPLES / "chbmit_bipolar.edf").read_bytes()
    n_signals = int(whole[252:256])
    header_bytes = 256 * (1 + n_signals)
    record_bytes = (len(whole) - header_bytes) // int(whole[236:244])
    # 130 of the 220 one-second records (the second seizure starts at 108 s), count -1.
    part = whole[:236] + b"-1".ljust(8) + whole[244 : header_bytes + 130 * record_bytes]
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "growing.edf").write_bytes(part)
    expected = ictaltrack.detect(tmp_path / "kept" / "growing.edf").to_dict()
    assert len(expected["seizures"]) == 2
    growing = tmp_path / "growing.edf"
    growing.write_bytes(part)
    events: list[dict] = []

    def delete_at_first_seizure(event: dict) -> None:
        events.append(event)
        if event["event"] == "seizure":
            growing.unlink(missing_ok=True)

    result = ictaltrack.follow(
        growing, idle_timeout_s=3600, poll_s=0.05, on_event=delete_at_first_seizure
    )
    got = result.to_dict()
    vanished = got["warnings"].pop()
    assert vanished["code"] == "file_vanished" and str(growing) in vanished["message"]
    # The records read, as the reader of a file being written saw them: a record count of -1 is
    # no news there (detect on the finished file warns of it).
    assert [w["code"] for w in expected["warnings"]] == [
        "duplicate_label",
        "record_count_unknown",
        "duplicate_channel",
    ]
    del expected["warnings"][1]
    assert {**got, "file": expected["file"]} == expected
    alarms, seizures = split_events(events)
    assert seizures == expected["seizures"]  # the open one too, once finished
    assert len(alarms) == 2


def test_follow_cli_exits_2_when_the_file_is_deleted(tmp_path):
    """The command line: the events up to the deletion and the final JSON (with the warning) are
    written, and the exit code says the input went away (2, bad input)."""
    source = SAMPLES / "chbmit_bipolar.edf"
    growing = tmp_path / "growing.edf"
    writer = start_writer(source, growing, "unknown")
    final_json = tmp_path / "f.json"
    follower = Run(
        [
            str(EXECUTABLE),
            "follow",
            str(growing),
            "--json",
            str(final_json),
            "--idle-timeout",
            "3600",
            "--poll",
            "0.1",
        ]
    )
    deadline = time.monotonic() + 30
    while len(follower.lines) < 2:  # the first alarm and seizure have been printed
        assert time.monotonic() < deadline
        time.sleep(0.05)
    growing.unlink()
    code, stderr = follower.wait(timeout=60)
    writer.process.kill()
    writer.wait()
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert f"ictaltrack follow: {growing}: the file went away while followed" in stderr
    final = json.loads(final_json.read_text(encoding="utf-8"))
    assert final["warnings"][-1]["code"] == "file_vanished"
    printed = [json.loads(line) for _, line in follower.lines]
    _, seizures = split_events(printed)
    assert seizures == final["seizures"]
    assert 83.5 < final["duration_s"] < 220


def test_follow_events_come_in_the_order_they_happen(tmp_path):
    """Overlapping seizures that close within one read chunk (64 s): follow hands them out in the
    order the detector closes them, each after the alarms raised before, as the streaming detector
    does when pushed one analysis step (1 s) at a time (the oracle: its take calls after each
    push leave no two events of different steps in doubt)."""
    import numpy as np
    import pyedflib

    path = tmp_path / "overlapping.edf"
    ictaltrack.simulate(
        path,
        duration_s=240,
        seed=1,
        overlap_probability=1.0,
        seizure_duration_min_s=20,
        seizure_duration_max_s=120,
        interval_min_s=30,
        interval_max_s=120,
    )
    events: list[dict] = []
    result = ictaltrack.follow(path, idle_timeout_s=0, on_event=events.append)

    with pyedflib.EdfReader(str(path)) as reader:
        names = reader.getSignalLabels()
        assert {reader.getSampleFrequency(i) for i in range(reader.signals_in_file)} == {256}
        data = np.vstack([reader.readSignal(i) for i in range(reader.signals_in_file)])
    detector = ictaltrack.SeizureDetector(256.0, names, line_frequency_hz=50)
    streamed: list[dict] = []
    for first in range(0, data.shape[1], 256):
        detector.push(data[:, first : first + 256].astype(np.float32))
        streamed += detector.take_alarms() + detector.take_seizures()
    detector.finish()
    streamed += detector.take_alarms() + detector.take_seizures()

    def key(event: dict) -> tuple:
        if event.get("event") == "alarm":
            return ("alarm", event["raised_s"], event["onset_s"], tuple(event["onset_channels"]))
        return ("seizure", event["onset_s"], event["offset_s"], tuple(event["onset_channels"]))

    assert [key(e) for e in events] == [key(e) for e in streamed]
    onsets = [e["onset_s"] for e in events if e["event"] == "seizure"]
    # The case in question: seizures handed out in another order than their onsets.
    assert len(onsets) >= 2 and onsets != sorted(onsets)
    assert sorted(onsets) == [s["onset_s"] for s in result.to_dict()["seizures"]]
