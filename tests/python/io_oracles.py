"""Independent oracles and file builders for the reader tests (no ictaltrack code here).

- ``corpus_files()``: every EDF/BDF file of ``../shared/corpus`` beside the checkout.
- ``read_mne()``, ``read_pyedflib()``: what MNE and pyedflib (EDFlib) decode, or None when they
  cannot read the file.
- ``record_onsets_from_tals()``: onset of each data record from its time-keeping TAL, parsed here
  byte by byte per the EDF+ specification (section 2.2.4), as the oracle for EDF+D record onsets.
- ``write_edf()``: writes small EDF/EDF+C/EDF+D files byte by byte from a hand-chosen layout, so
  that tests know every expected value by construction.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus"


def corpus_files() -> list[Path]:
    """Every .edf/.bdf file (any case) below the corpus, sorted; empty when it is absent."""
    if not CORPUS_DIR.is_dir():
        return []
    return sorted(p for p in CORPUS_DIR.rglob("*") if p.suffix.lower() in (".edf", ".bdf"))


def corpus_id(path: Path) -> str:
    return path.relative_to(CORPUS_DIR).as_posix()


# ------------------------------------------------------------------------------------------------
# Header fields read directly from the bytes (for cross-checks that need no library).
# ------------------------------------------------------------------------------------------------
@dataclass
class RawHeader:
    header_bytes: int
    n_records: int
    record_duration: float
    labels: list[str]
    samples_per_record: list[int]
    bytes_per_sample: int
    reserved: str


def read_raw_header(path: Path) -> RawHeader:
    data = path.read_bytes()
    n_signals = int(data[252:256])
    base = 256
    labels = [
        data[base + i * 16 : base + (i + 1) * 16].decode("latin-1").strip()
        for i in range(n_signals)
    ]
    # label 16, transducer 80, dimension 8, pmin 8, pmax 8, dmin 8, dmax 8, prefilter 80
    spr_offset = base + n_signals * (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80)
    samples_per_record = [
        int(data[spr_offset + i * 8 : spr_offset + (i + 1) * 8]) for i in range(n_signals)
    ]
    return RawHeader(
        header_bytes=int(data[184:192]),
        n_records=int(data[236:244]),
        record_duration=float(data[244:252]),
        labels=labels,
        samples_per_record=samples_per_record,
        bytes_per_sample=3 if data[0] == 0xFF else 2,
        reserved=data[192:236].decode("latin-1").strip(),
    )


_TIMEKEEPING_TAL = re.compile(rb"([+-]\d+(?:\.\d*)?)\x14\x14")


def record_onsets_from_tals(path: Path) -> np.ndarray:
    """Onset (s, as written) of every data record: the first TAL of its first annotation signal."""
    header = read_raw_header(path)
    data = path.read_bytes()
    annotation_signal = next(
        i
        for i, label in enumerate(header.labels)
        if label in ("EDF Annotations", "BDF Annotations")
    )
    record_bytes = sum(header.samples_per_record) * header.bytes_per_sample
    first = sum(header.samples_per_record[:annotation_signal]) * header.bytes_per_sample
    size = header.samples_per_record[annotation_signal] * header.bytes_per_sample
    onsets = []
    for record in range(header.n_records):
        start = header.header_bytes + record * record_bytes + first
        match = _TIMEKEEPING_TAL.match(data[start : start + size])
        assert match, f"record {record} of {path} has no time-keeping TAL"
        onsets.append(float(match.group(1)))
    return np.array(onsets)


# ------------------------------------------------------------------------------------------------
# MNE and pyedflib readings
# ------------------------------------------------------------------------------------------------
#: MNE's own unit scaling (mne/io/edf/edf.py): only these dimensions are converted to volts;
#: every other dimension is left in its own unit.
MNE_VOLT_SCALE = {"uV": 1e-6, "\u00b5V": 1e-6, "\u03bcV": 1e-6, "mV": 1e-3}


@dataclass
class PyedflibReading:
    labels: list[str]
    rates: list[float]
    n_samples: list[int]
    dimensions: list[str]
    physical_min: list[float]
    physical_max: list[float]
    digital_min: list[int]
    digital_max: list[int]
    data: list[np.ndarray]  # physical values per signal
    digital: list[np.ndarray]
    annotations: tuple[np.ndarray, np.ndarray, list[str]]
    start: object  # datetime with microseconds
    n_records: int
    record_duration: float
    filetype: int


def read_pyedflib(path: Path, with_data: bool = True) -> PyedflibReading | None:
    """pyedflib's (EDFlib's) reading, or None when EDFlib refuses the file."""
    import pyedflib

    try:
        reader = pyedflib.EdfReader(str(path))
    except OSError:
        return None
    try:
        n = reader.signals_in_file
        onsets, durations, descriptions = reader.readAnnotations()
        return PyedflibReading(
            labels=[reader.getLabel(i) for i in range(n)],
            rates=[float(reader.getSampleFrequency(i)) for i in range(n)],
            n_samples=[int(x) for x in reader.getNSamples()],
            dimensions=[reader.getPhysicalDimension(i) for i in range(n)],
            physical_min=[reader.getPhysicalMinimum(i) for i in range(n)],
            physical_max=[reader.getPhysicalMaximum(i) for i in range(n)],
            digital_min=[reader.getDigitalMinimum(i) for i in range(n)],
            digital_max=[reader.getDigitalMaximum(i) for i in range(n)],
            data=[reader.readSignal(i) for i in range(n)] if with_data else [],
            digital=[reader.readSignal(i, digital=True) for i in range(n)] if with_data else [],
            annotations=(
                np.asarray(onsets, float),
                np.asarray(durations, float),
                list(descriptions),
            ),
            start=reader.getStartdatetime(),
            n_records=int(reader.datarecords_in_file),
            record_duration=float(reader.datarecord_duration),
            filetype=int(reader.filetype),
        )
    finally:
        reader.close()


#: The RuntimeWarnings MNE 1.13.2 emits for corpus files, by file (pytest turns warnings into
#: errors; only these are let through, each for the file that explains it).
_PREFILTER_WARNINGS = (
    # Per-channel prefilter text differs (EEG vs EOG/EMG/respiration channels); MNE keeps one
    # value for the whole recording and says so. ictaltrack keeps each channel's text.
    r"Channels contain different (lowpass|highpass) filters",
    r"Highpass cutoff frequency .* is greater than lowpass cutoff frequency",
)
_ANNOTATION_ONLY_WARNINGS = (
    # Hypnogram files: a single annotation signal, record duration 0. MNE invents a 1 s record
    # and drops the annotations beyond it (the conformance table documents this).
    r"Header information is incorrect for record length",
    r"Omitted \d+ annotation\(s\) that were outside data range",
    r"Limited \d+ annotation\(s\) that were expanding outside the data range",
)
EXPECTED_MNE_WARNINGS: dict[str, tuple[str, ...]] = {
    "dataset_headers/PN00-5_sample.edf": _PREFILTER_WARNINGS,
    "edfio/short_psg.edf": _PREFILTER_WARNINGS,
    "edfio/short_psg.bdf": _PREFILTER_WARNINGS,
    "edfio/SC4001EC-Hypnogram.edf": _ANNOTATION_ONLY_WARNINGS,
    "edfio/SC4001EC-Hypnogram.bdf": _ANNOTATION_ONLY_WARNINGS,
    "mne_testing_data/SC4001EC-Hypnogram.edf": _ANNOTATION_ONLY_WARNINGS,
    # 1081 annotations reach 2003 s in a 1081 s file: MNE's Raw drops those beyond the data.
    "edfjl/evt.bdf": (r"Omitted \d+ annotation\(s\) that were outside data range",),
    # Start date '42.00.00': MNE sets no measurement date (ictaltrack warns bad_date).
    "edfjl/test_uneven_samp.edf": (r"Invalid measurement date encountered in the header",),
    # CHB-MIT repeats the bipolar derivation T8-P8; MNE renames the repeat.
    "dataset_headers/chb01_01_sample.edf": (r"Channel names are not unique",),
}


def read_mne(path: Path, preload: bool = True, expected_warnings: tuple[str, ...] = ()):
    """``mne.io.read_raw_edf``/``read_raw_bdf`` with MNE's defaults, or None if MNE fails.

    RuntimeWarnings are let through only when they match ``expected_warnings`` or the
    ``EXPECTED_MNE_WARNINGS`` entry of a corpus file; any other warning stays an error.
    """
    import mne

    reader = mne.io.read_raw_bdf if path.suffix.lower() == ".bdf" else mne.io.read_raw_edf
    if CORPUS_DIR in path.parents:
        expected_warnings = expected_warnings + EXPECTED_MNE_WARNINGS.get(corpus_id(path), ())
    try:
        with warnings.catch_warnings():
            for pattern in expected_warnings:
                warnings.filterwarnings("ignore", message=pattern, category=RuntimeWarning)
            return reader(path, preload=preload, verbose=False)
    except Warning:
        raise  # an unexpected MNE warning (an error under pytest) is a finding, not a failure
    except Exception:  # noqa: BLE001 - any MNE failure means "no MNE oracle for this file"
        return None


# ------------------------------------------------------------------------------------------------
# Writing small EDF files byte by byte (EDF 1992 + EDF+ 2003 layouts).
# ------------------------------------------------------------------------------------------------
@dataclass
class SignalSpec:
    label: str
    dimension: str
    physical_min: float
    physical_max: float
    digital_min: int
    digital_max: int
    samples_per_record: int


def _field(text: str, width: int) -> bytes:
    raw = text.encode("ascii")
    assert len(raw) <= width, (text, width)
    return raw.ljust(width, b" ")


def write_edf(
    path: Path,
    signals: list[SignalSpec],
    digital: list[np.ndarray],
    record_duration: float = 1.0,
    reserved: str = "EDF+C",
    record_onsets: list[float] | None = None,
    annotations: list[tuple[float, float | None, str]] = (),
    start: str = ("03.04.19", "16.00.16"),
    annotation_bytes: int = 120,
) -> None:
    """Writes an EDF file. ``digital[i]`` holds all samples of signal i (int16 range).

    For EDF+ (``reserved`` starting with "EDF+") an "EDF Annotations" signal is appended; record r
    carries the time-keeping TAL ``record_onsets[r]`` (default ``r * record_duration``) and record 0
    also carries ``annotations`` (onset, duration or None, text).
    """
    n_records = len(digital[0]) // signals[0].samples_per_record
    plus = reserved.startswith("EDF+")
    all_specs = list(signals)
    if plus:
        all_specs.append(
            SignalSpec("EDF Annotations", "", -1, 1, -32768, 32767, annotation_bytes // 2)
        )
    if record_onsets is None:
        record_onsets = [r * record_duration for r in range(n_records)]
    n = len(all_specs)
    header = bytearray()
    header += _field("0", 8)
    header += _field("X X X X" if plus else "patient", 80)
    header += _field("Startdate 03-APR-2019 X X X" if plus else "recording", 80)
    header += _field(start[0], 8) + _field(start[1], 8)
    header += _field(str(256 * (n + 1)), 8)
    header += _field(reserved, 44)
    header += _field(str(n_records), 8)
    header += _field(f"{record_duration:g}", 8)
    header += _field(str(n), 4)
    for name, width in (("label", 16), ("transducer", 80), ("dimension", 8)):
        for spec in all_specs:
            header += _field(getattr(spec, name) if name != "transducer" else "", width)
    for name in ("physical_min", "physical_max", "digital_min", "digital_max"):
        for spec in all_specs:
            header += _field(f"{getattr(spec, name):g}", 8)
    for _ in all_specs:
        header += _field("", 80)
    for spec in all_specs:
        header += _field(str(spec.samples_per_record), 8)
    for _ in all_specs:
        header += _field("", 32)
    assert len(header) == 256 * (n + 1)

    body = bytearray()
    for record in range(n_records):
        for spec, samples in zip(signals, digital):
            k = spec.samples_per_record
            chunk = np.asarray(samples[record * k : (record + 1) * k], dtype="<i2")
            body += chunk.tobytes()
        if plus:
            tal = f"+{record_onsets[record]:g}\x14\x14\x00".encode()
            if record == 0:
                for onset, duration, text in annotations:
                    tal += f"+{onset:g}".encode()
                    if duration is not None:
                        tal += f"\x15{duration:g}".encode()
                    tal += f"\x14{text}\x14\x00".encode()
            assert len(tal) <= annotation_bytes
            body += tal.ljust(annotation_bytes, b"\x00")
    path.write_bytes(bytes(header) + bytes(body))
