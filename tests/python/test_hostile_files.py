"""Hostile files through the Python API: ``ictaltrack.read_edf`` raises the typed exception with
its fields (``field``, ``signal``, ``byte_offset``; ``path``) or returns a recording whose
``info.warnings`` name the defect and whose channel is flagged; the input file is never modified.

Files are written by ``io_oracles.write_edf`` (a byte-level EDF writer independent of ictaltrack)
and then patched byte by byte; every expected value is derived here from the EDF layout.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pytest
from io_oracles import SignalSpec, write_edf

import ictaltrack

SPR = 10  # samples per 1 s record
N_RECORDS = 3
ANNOTATION_BYTES = 60
N_SIGNALS = 3  # Fp1, Fp2, EDF Annotations
HEADER_BYTES = 256 * (N_SIGNALS + 1)
RECORD_BYTES = 2 * SPR * 2 + ANNOTATION_BYTES


def signal_field(field_start: int, width: int, signal: int) -> int:
    """Byte offset of a per-signal header field (EDF layout: label 0, pmin 104, spr 216 ...)."""
    return 256 + field_start * N_SIGNALS + width * signal


def digital_samples() -> list[np.ndarray]:
    n = SPR * N_RECORDS
    return [np.arange(n, dtype=np.int64) * 100 - 1000, 3000 - np.arange(n, dtype=np.int64) * 7]


def base_bytes(tmp_path: Path, reserved: str = "EDF+C", **options) -> bytearray:
    specs = [
        SignalSpec("Fp1", "uV", -3200, 3200, -32768, 32767, SPR),
        SignalSpec("Fp2", "uV", -3200, 3200, -32768, 32767, SPR),
    ]
    path = tmp_path / "base.edf"
    write_edf(
        path,
        specs,
        digital_samples(),
        reserved=reserved,
        annotation_bytes=ANNOTATION_BYTES,
        **options,
    )
    data = bytearray(path.read_bytes())
    path.unlink()
    assert len(data) == HEADER_BYTES + N_RECORDS * RECORD_BYTES
    return data


def put(data: bytearray, offset: int, width: int, text: str | bytes) -> bytearray:
    raw = text.encode("latin-1") if isinstance(text, str) else text
    data[offset : offset + width] = raw.ljust(width, b" ")[:width]
    return data


def annotation_bytes_of(record: int) -> slice:
    start = HEADER_BYTES + record * RECORD_BYTES + 2 * SPR * 2
    return slice(start, start + ANNOTATION_BYTES)


def written(tmp_path: Path, data: bytes, name: str = "hostile.edf") -> tuple[Path, bytes, int]:
    """Writes the file read-only with an mtime a day back; returns (path, bytes, mtime_ns)."""
    path = tmp_path / name
    path.write_bytes(data)
    path.chmod(0o444)
    old = path.stat().st_mtime_ns - 86_400 * 10**9
    os.utime(path, ns=(old, old))
    return path, bytes(data), old


def assert_untouched(path: Path, data: bytes, mtime_ns: int) -> None:
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == mtime_ns


# ---- Typed errors ------------------------------------------------------------------------------
def _truncated_header(d: bytearray) -> bytearray:
    return d[:100]


ERROR_CASES = {
    # defect: (patch, field, signal, byte_offset)
    "empty file": (lambda d: bytearray(), "header", -1, 0),
    "truncated fixed header": (_truncated_header, "header", -1, 100),
    "truncated signal headers": (lambda d: d[:700], "number of signals", -1, 252),
    "unknown version": (lambda d: put(d, 0, 8, "X"), "version", -1, 0),
    "zero signals": (lambda d: put(d, 252, 4, "0"), "number of signals", -1, 252),
    "more signals than bytes": (lambda d: put(d, 252, 4, "9999"), "number of signals", -1, 252),
    "negative record count": (lambda d: put(d, 236, 8, "-7"), "number of data records", -1, 236),
    "non-numeric record count": (
        lambda d: put(d, 236, 8, "many"),
        "number of data records",
        -1,
        236,
    ),
    "negative record duration": (
        lambda d: put(d, 244, 8, "-1"),
        "duration of a data record",
        -1,
        244,
    ),
    "samples per record absurd": (
        lambda d: put(d, signal_field(216, 8, 1), 8, "99999999"),
        "number of samples in each data record",
        1,
        signal_field(216, 8, 1),
    ),
    "annotation signal larger than the file": (
        lambda d: put(d, signal_field(216, 8, 2), 8, "50000000"),
        "number of samples in each data record",
        2,
        signal_field(216, 8, 2),
    ),
    "non-numeric physical minimum": (
        lambda d: put(d, signal_field(104, 8, 0), 8, "low"),
        "physical minimum",
        0,
        signal_field(104, 8, 0),
    ),
    "digital maximum 'inf'": (
        lambda d: put(d, signal_field(128, 8, 1), 8, "inf"),
        "digital maximum",
        1,
        signal_field(128, 8, 1),
    ),
}


@pytest.mark.parametrize("defect", sorted(ERROR_CASES))
def test_format_error_names_field_signal_and_offset(tmp_path, defect):
    patch, field, signal, byte_offset = ERROR_CASES[defect]
    path, data, mtime = written(tmp_path, bytes(patch(base_bytes(tmp_path))))
    with pytest.raises(ictaltrack.FormatError) as caught:
        ictaltrack.read_edf(path)
    assert isinstance(caught.value, ictaltrack.Error)
    assert (caught.value.field, caught.value.signal, caught.value.byte_offset) == (
        field,
        signal,
        byte_offset,
    )
    assert_untouched(path, data, mtime)


def test_directory_is_io_error_with_path(tmp_path):
    with pytest.raises(ictaltrack.IoError) as caught:
        ictaltrack.read_edf(tmp_path)
    assert caught.value.path == str(tmp_path)


def test_missing_file_is_io_error_with_path(tmp_path):
    path = tmp_path / "absent.edf"
    with pytest.raises(ictaltrack.IoError) as caught:
        ictaltrack.read_edf(path)
    assert caught.value.path == str(path)


def test_fifo_is_io_error_without_blocking(tmp_path):
    path = tmp_path / "pipe.edf"
    os.mkfifo(path)
    with pytest.raises(ictaltrack.IoError):
        ictaltrack.read_edf(path)


# ---- Warnings and flagged channels -------------------------------------------------------------
def _unterminated_tal(d: bytearray) -> bytearray:
    tal = b"+1\x14\x14\x00+1.5\x14cut off"
    d[annotation_bytes_of(1)] = tal.ljust(ANNOTATION_BYTES, b"x")
    return d


WARNING_CASES = {
    # defect: (patch, warning code, signal, channel flagged unusable or None, records used)
    "header size field wrong": (
        lambda d: put(d, 184, 8, "256"),
        "header_size_mismatch",
        -1,
        None,
        3,
    ),
    "record count -1": (lambda d: put(d, 236, 8, "-1"), "record_count_unknown", -1, None, 3),
    "huge record count": (lambda d: put(d, 236, 8, "99999999"), "truncated_data", -1, None, 3),
    "truncated data": (lambda d: d[:-5], "truncated_data", -1, None, 2),
    "physical min == max": (
        lambda d: put(put(d, signal_field(104, 8, 1), 8, "5"), signal_field(112, 8, 1), 8, "5"),
        "physical_range_empty",
        1,
        1,
        3,
    ),
    "physical range overflowing": (
        lambda d: put(
            put(d, signal_field(104, 8, 0), 8, "1e308"), signal_field(112, 8, 0), 8, "-1e308"
        ),
        "calibration_not_finite",
        0,
        0,
        3,
    ),
    "digital min == max": (
        lambda d: put(put(d, signal_field(120, 8, 0), 8, "0"), signal_field(128, 8, 0), 8, "0"),
        "digital_range_empty",
        0,
        0,
        3,
    ),
    "digital min > max": (
        lambda d: put(
            put(d, signal_field(120, 8, 1), 8, "32767"), signal_field(128, 8, 1), 8, "-32768"
        ),
        "digital_range_inverted",
        1,
        None,
        3,
    ),
    "label with control bytes": (
        lambda d: put(d, signal_field(0, 16, 1), 16, b"F\x01p2"),
        "non_ascii_text",
        1,
        None,
        3,
    ),
    "dummy label": (lambda d: put(d, signal_field(0, 16, 0), 16, "-"), "dummy_channel", 0, 0, 3),
    "TAL without terminator": (_unterminated_tal, "tal_unterminated", 2, None, 3),
}


@pytest.mark.parametrize("defect", sorted(WARNING_CASES))
def test_warning_and_flagged_channel(tmp_path, caplog, defect):
    patch, code, signal, unusable, records = WARNING_CASES[defect]
    path, data, mtime = written(tmp_path, bytes(patch(base_bytes(tmp_path))))
    with caplog.at_level(logging.WARNING, logger="ictaltrack"):
        recording = ictaltrack.read_edf(path)
    with recording:
        info = recording.info
        assert any(w.code == code and w.signal == signal for w in info.warnings), info.warnings
        assert any(f"({code})" in message for message in caplog.messages)
        assert info.n_records == records
        if unusable is not None:
            assert not info.channels[unusable].usable
        digital = recording.get_data(digital=True)
        expected = np.vstack([samples[: records * SPR] for samples in digital_samples()])
        np.testing.assert_array_equal(digital, expected)
        physical = recording.get_data(units="uV")
        for index, channel in enumerate(info.channels):
            assert np.isfinite(physical[index]).all() == channel.calibrated
    assert_untouched(path, data, mtime)


def test_tal_onset_going_backwards_is_warned_and_kept_in_file_order(tmp_path):
    data = base_bytes(tmp_path, annotations=[(0.8, None, "late"), (0.2, None, "early")])
    path, data, mtime = written(tmp_path, bytes(data))
    with ictaltrack.read_edf(path) as recording:
        assert any(
            w.code == "annotation_onset_backwards" and w.signal == 2
            for w in recording.info.warnings
        )
        annotations = recording.annotations
        assert list(annotations.description) == ["late", "early"]
        np.testing.assert_allclose(annotations.onset, [0.8, 0.2])
    assert_untouched(path, data, mtime)


def test_edf_plus_d_overlapping_records_are_warned_with_their_true_onsets(tmp_path):
    data = base_bytes(tmp_path, reserved="EDF+D", record_onsets=[0.0, 0.5, 3.0])
    path, data, mtime = written(tmp_path, bytes(data))
    with ictaltrack.read_edf(path) as recording:
        assert any(w.code == "overlapping_records" for w in recording.info.warnings)
        np.testing.assert_allclose(recording.info.record_onsets, [0.0, 0.5, 3.0])
    assert_untouched(path, data, mtime)
