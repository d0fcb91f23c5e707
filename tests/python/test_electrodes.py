"""Electrode knowledge: labels of every corpus file against a hand-written table, positions
against MNE's template heads, neighbours against hand expectations."""

from __future__ import annotations

import csv
import fnmatch
import re
from pathlib import Path

import mne
import numpy as np
import pytest

import ictaltrack
from ictaltrack import electrodes

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / ".." / "shared" / "corpus"
EXPECTED_CSV = HERE / "data" / "expected_channels.csv"


def edf_labels(path: Path) -> list[str]:
    """Channel labels straight from the EDF/BDF header: 16-byte fields from offset 256."""
    with path.open("rb") as handle:
        header = handle.read(256)
        n_signals = int(header[252:256].decode("ascii").strip())
        raw = handle.read(16 * n_signals)
    return [raw[16 * i : 16 * i + 16].decode("latin-1").strip() for i in range(n_signals)]


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".edf", ".bdf"))


def expected_rows() -> list[dict[str, str]]:
    with EXPECTED_CSV.open(newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


def expectation_for(rows, relative_file: str, label: str) -> dict[str, str] | None:
    for row in rows:
        if not fnmatch.fnmatch(relative_file, row["file"]):
            continue
        pattern = row["label"]
        if pattern.startswith("re:"):
            if re.fullmatch(pattern[3:], label):
                return row
        elif pattern == label:
            return row
    return None


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus ../shared/corpus is absent")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_every_corpus_label_matches_the_hand_table(path):
    rows = expected_rows()
    relative = path.relative_to(CORPUS).as_posix()
    labels = edf_labels(path)
    table = ictaltrack.channel_table(labels)
    assert list(table["label"]) == labels
    mismatches = []
    for label, (_, got) in zip(labels, table.iterrows()):
        want = expectation_for(rows, relative, label)
        assert want is not None, f"{relative}: label {label!r} is missing from the hand table"
        for column in ("kind", "name", "hemisphere", "region"):
            if got[column] != want[column]:
                mismatches.append(f"{label!r} {column}: got {got[column]!r}, want {want[column]!r}")
    assert not mismatches, "\n".join(mismatches)


def test_corpus_covers_the_dataset_layouts():
    """The hand table names the four dataset layouts the issue asks for."""
    files = {row["file"] for row in expected_rows()}
    for name in ("chb01_01", "aaaaaaac_s001", "PN00-5", "P_ID10_r5"):
        assert any(name in f for f in files)


# Inline labels (no corpus needed): label -> (kind, name, hemisphere, region, is_bipolar)
INLINE = {
    "Fp1": ("eeg", "Fp1", "left", "frontopolar", False),
    "FP2": ("eeg", "Fp2", "right", "frontopolar", False),
    "EEG FP1-REF": ("eeg", "Fp1", "left", "frontopolar", False),
    "EEG FP1-LE": ("eeg", "Fp1", "left", "frontopolar", False),
    "Fp1-Avg": ("eeg", "Fp1", "left", "frontopolar", False),
    "EEG Fp1": ("eeg", "Fp1", "left", "frontopolar", False),
    "EEG T3-REF": ("eeg", "T7", "left", "temporal", False),
    "EEG T6-REF": ("eeg", "P8", "right", "parietal", False),
    "EEG A1-REF": ("eeg", "A1", "left", "auricular", False),
    "M2": ("eeg", "M2", "right", "auricular", False),
    "Cz": ("eeg", "Cz", "midline", "central", False),
    "FP1-F7": ("eeg", "Fp1-F7", "left", "frontopolar/frontotemporal", True),
    "T7-FT9": ("eeg", "T7-FT9", "left", "frontotemporal/temporal", True),
    "FT9-FT10": ("eeg", "FT9-FT10", "bilateral", "frontotemporal", True),
    "CZ-C4": ("eeg", "Cz-C4", "right", "central", True),
    "Fz-Cz": ("eeg", "Fz-Cz", "midline", "frontal/central", True),
    "C3-C4": ("eeg", "C3-C4", "bilateral", "central", True),
    "-": ("other", "", "unknown", "unknown", False),
    "ECG": ("ecg", "", "unknown", "unknown", False),
    "EKG": ("ecg", "", "unknown", "unknown", False),
    "EMG": ("emg", "", "unknown", "unknown", False),
    "EOG": ("eog", "", "unknown", "unknown", False),
    "EEG LOC-REF": ("eog", "", "unknown", "unknown", False),
    "Status": ("trigger", "", "unknown", "unknown", False),
    "Photic": ("trigger", "", "unknown", "unknown", False),
    "Resp": ("other", "", "unknown", "unknown", False),
    "SpO2": ("other", "", "unknown", "unknown", False),
    "IBI": ("other", "", "unknown", "unknown", False),
    "BURSTS": ("other", "", "unknown", "unknown", False),
    "SUPPR": ("other", "", "unknown", "unknown", False),
    "EDF Annotations": ("annotation", "", "unknown", "unknown", False),
    "POL E": ("unknown", "", "unknown", "unknown", False),
    "POL PG1": ("eeg", "PG1", "left", "temporal", False),
    "Foo": ("unknown", "", "unknown", "unknown", False),
}


@pytest.mark.parametrize("label", sorted(INLINE))
def test_parse_label_inline(label):
    kind, name, hemisphere, region, bipolar = INLINE[label]
    got = ictaltrack.parse_label(label)
    assert (got["kind"], got["name"], got["hemisphere"], got["region"], got["is_bipolar"]) == (
        kind,
        name,
        hemisphere,
        region,
        bipolar,
    )


def test_channel_table_columns_and_references():
    table = ictaltrack.channel_table(["EEG FP1-LE", "Fp1-Avg", "C3-A2", "FP1-F7", "ECG"])
    for column in (
        "label",
        "name",
        "kind",
        "hemisphere",
        "region",
        "x",
        "y",
        "z",
        "is_bipolar",
        "anode",
        "cathode",
        "reference",
    ):
        assert column in table.columns
    assert list(table["reference"]) == ["LE", "AVG", "A2", "", ""]
    assert list(table["anode"]) == ["Fp1", "Fp1", "C3", "Fp1", ""]
    assert list(table["cathode"]) == ["", "", "", "F7", ""]
    assert np.isnan(table.loc[4, "x"])
    with pytest.raises(TypeError):
        ictaltrack.channel_table("Fp1")


# ---------------------------------------------------------------------------------------------
# Positions against MNE's template heads (real head shapes, so agreement is within degrees).


def _unit_vectors(montage_name: str, names: list[str]) -> np.ndarray:
    positions = mne.channels.make_standard_montage(montage_name).get_positions()["ch_pos"]
    points = np.array([positions[n] for n in names])
    # Least-squares sphere through the electrodes: |p|^2 = 2 p.c + (r^2 - |c|^2).
    design = np.c_[2 * points, np.ones(len(points))]
    centre = np.linalg.lstsq(design, (points**2).sum(axis=1), rcond=None)[0][:3]
    vectors = points - centre
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _angles(u: np.ndarray) -> np.ndarray:
    return np.degrees(np.arccos(np.clip(u @ u.T, -1.0, 1.0)))


def _grid_sites(montage_name: str) -> tuple[list[str], np.ndarray]:
    sites = ictaltrack.electrode_positions().dropna()
    available = mne.channels.make_standard_montage(montage_name).ch_names
    sites = sites[sites["name"].isin(available) & ~sites["name"].isin(["A1", "A2", "M1", "M2"])]
    return list(sites["name"]), sites[["x", "y", "z"]].to_numpy()


def test_positions_match_mne_standard_1005_angles():
    # colin27_1005 is MNE's former "standard_1005" template.
    names, ours = _grid_sites("colin27_1005")
    assert len(names) >= 70
    theirs = _unit_vectors("colin27_1005", names)
    ours_angles, their_angles = _angles(ours), _angles(theirs)
    near = (ours_angles > 0) & (ours_angles < 50)
    difference = np.abs(ours_angles - their_angles)[near]
    assert difference.max() < 7.0
    assert np.median(difference) < 2.0


def test_positions_match_mne_fsaverage_directions():
    names, ours = _grid_sites("fsaverage_1005")
    theirs = _unit_vectors("fsaverage_1005", names)
    error = np.degrees(np.arccos(np.clip((ours * theirs).sum(axis=1), -1.0, 1.0)))
    assert error.max() < 6.0, names[int(error.argmax())]


def test_ear_positions_are_close_to_mne():
    ears = ["A1", "A2", "M1", "M2"]
    sites = ictaltrack.electrode_positions().set_index("name")
    ours = sites.loc[ears, ["x", "y", "z"]].to_numpy()
    # Same sphere fit as for the grid, then the ears' directions from its centre.
    names, _ = _grid_sites("colin27_1005")
    positions = mne.channels.make_standard_montage("colin27_1005").get_positions()["ch_pos"]
    grid = np.array([positions[n] for n in names])
    design = np.c_[2 * grid, np.ones(len(grid))]
    centre = np.linalg.lstsq(design, (grid**2).sum(axis=1), rcond=None)[0][:3]
    theirs = np.array([positions[n] for n in ears]) - centre
    theirs /= np.linalg.norm(theirs, axis=1, keepdims=True)
    error = np.degrees(np.arccos(np.clip((ours * theirs).sum(axis=1), -1.0, 1.0)))
    assert error.max() < 10.0


def test_2d_projection_by_hand():
    sites = ictaltrack.electrode_positions().set_index("name")
    assert sites.loc["Cz", ["x2d", "y2d"]].tolist() == pytest.approx([0.0, 0.0], abs=1e-12)
    assert sites.loc["T7", ["x2d", "y2d"]].tolist() == pytest.approx([-1.0, 0.0], abs=1e-12)
    assert sites.loc["Oz", ["x2d", "y2d"]].tolist() == pytest.approx([0.0, -1.0], abs=1e-12)
    assert sites.loc["Fz", ["x2d", "y2d"]].tolist() == pytest.approx([0.0, 0.5], abs=1e-12)
    assert np.isnan(sites.loc["T1", "x"])


# ---------------------------------------------------------------------------------------------
# Neighbours.

TEN_TWENTY = [
    "Fp1",
    "Fp2",
    "F7",
    "F3",
    "Fz",
    "F4",
    "F8",
    "T3",
    "C3",
    "Cz",
    "C4",
    "T4",
    "T5",
    "P3",
    "Pz",
    "P4",
    "T6",
    "O1",
    "O2",
]


def _neighbour_names(labels, label, **kwargs):
    table = ictaltrack.channel_table(labels)
    matrix = ictaltrack.neighbours(labels, **kwargs)
    row = labels.index(label)
    return set(table["name"][matrix[row]])


def test_neighbours_ten_twenty_by_hand():
    labels = TEN_TWENTY + ["ECG"]
    matrix = ictaltrack.neighbours(labels)
    assert matrix.dtype == bool and matrix.shape == (20, 20)
    assert (matrix == matrix.T).all() and not matrix.diagonal().any()
    c3 = _neighbour_names(labels, "C3")
    assert {"F3", "P3", "Cz", "T7"} <= c3
    assert not {"C4", "T8", "O1", "Fp1"} & c3
    assert _neighbour_names(labels, "T4") == {"F8", "C4", "P8"}
    assert _neighbour_names(labels, "O2") == {"O1", "P4", "P8", "Pz"}
    assert not matrix[-1].any()


def test_neighbours_ten_ten_are_the_adjacent_grid_sites():
    labels = [label for label in edf_like_1010()]
    assert _neighbour_names(labels, "C3") == {"C1", "C5", "FC3", "CP3"}
    assert _neighbour_names(labels, "Cz") == {"C1", "C2", "FCz", "CPz"}


def edf_like_1010() -> list[str]:
    rows = ["FC", "C", "CP", "F", "P"]
    labels = []
    for row in rows:
        labels += [f"{row}{n}" for n in range(1, 7)] + [f"{row}z"]
    return labels + [
        "Fp1",
        "Fpz",
        "Fp2",
        "AF3",
        "AF4",
        "AFz",
        "O1",
        "Oz",
        "O2",
        "T7",
        "T8",
        "FT7",
        "FT8",
        "TP7",
        "TP8",
        "F7",
        "F8",
        "P7",
        "P8",
        "PO3",
        "POz",
        "PO4",
    ]


def test_neighbours_of_bipolar_chains():
    labels = [
        "FP1-F7",
        "F7-T7",
        "T7-P7",
        "P7-O1",
        "FP1-F3",
        "F3-C3",
        "C3-P3",
        "P3-O1",
        "FP2-F4",
        "F4-C4",
        "C4-P4",
        "P4-O2",
        "FP2-F8",
        "F8-T8",
        "T8-P8",
        "P8-O2",
        "FZ-CZ",
        "CZ-PZ",
        "P7-T7",
        "T7-FT9",
        "FT9-FT10",
        "FT10-T8",
        "T8-P8",
    ]
    matrix = ictaltrack.neighbours(labels)
    index = {label: i for i, label in enumerate(labels)}

    def adjacent(a, b):
        return bool(matrix[index[a], index[b]])

    assert adjacent("FP1-F7", "F7-T7")  # shared F7
    assert adjacent("T7-P7", "P7-T7")  # same electrodes
    assert adjacent("F3-C3", "FZ-CZ")  # F3-Fz and C3-Cz are grid neighbours
    assert not adjacent("F7-T7", "F8-T8")
    assert not adjacent("P7-O1", "F4-C4")
    assert adjacent("FT9-FT10", "F7-T7") and adjacent("FT9-FT10", "FT10-T8")


def test_neighbour_angle_and_explicit_threshold():
    assert electrodes.neighbour_angle(TEN_TWENTY) == pytest.approx(50.4, abs=0.1)
    # With 40 degrees only the 33.6-36 degree links survive: C3 keeps nobody at 42-45 degrees.
    assert _neighbour_names(TEN_TWENTY, "C3", max_angle=40) == set()
    with pytest.raises(ValueError):
        ictaltrack.neighbours(TEN_TWENTY, max_angle=0)


def test_mne_channel_types_by_hand():
    labels = ["EEG FP1-REF", "EKG", "EOG", "EMG", "Status", "EDF Annotations", "SpO2", "Foo"]
    assert electrodes.mne_channel_types(labels) == [
        "eeg",
        "ecg",
        "eog",
        "emg",
        "stim",
        "misc",
        "misc",
        "misc",
    ]
    # MNE accepts them.
    info = mne.create_info(labels, 256.0, electrodes.mne_channel_types(labels))
    assert info.get_channel_types() == ["eeg", "ecg", "eog", "emg", "stim", "misc", "misc", "misc"]


@pytest.mark.parametrize("layout", ["10-20", "10-10"])
def test_neighbours_are_edges_of_mne_delaunay_adjacency(layout):
    """Every neighbour pair is also an edge of MNE's triangulation of its template head; the
    triangulation has more edges (the diagonals), which the default threshold leaves out."""
    if layout == "10-20":
        labels = [ictaltrack.parse_label(label)["name"] for label in TEN_TWENTY]
    else:
        sites = ictaltrack.electrode_positions().dropna()["name"]
        labels = [n for n in sites if n not in ("A1", "A2", "M1", "M2", "Nz", "O9", "O10")]
    info = mne.create_info(labels, 256.0, "eeg")
    info.set_montage("colin27_1005")
    adjacency, _ = mne.channels.find_ch_adjacency(info, "eeg")
    theirs = adjacency.toarray().astype(bool)
    np.fill_diagonal(theirs, False)
    ours = ictaltrack.neighbours(labels)
    assert not (ours & ~theirs).any()
    assert ours.sum() >= 0.6 * theirs.sum()


def test_active_clusters_by_hand():
    labels = TEN_TWENTY
    # Left temporal spread: F7, T3 (T7), T5 (P7) are one chain.
    assert electrodes.active_clusters(labels, ["F7", "T3", "T5"]) == [[2, 7, 12]]
    # Left frontotemporal and right occipital: two foci.
    assert electrodes.active_clusters(labels, ["F7", "T3", "O2", "T6"]) == [[2, 7], [16, 18]]
    flags = np.zeros(len(labels), dtype=bool)
    flags[[8, 10]] = True  # C3, C4
    assert electrodes.active_clusters(labels, flags) == [[8], [10]]
    flags[9] = True  # Cz joins them
    assert electrodes.active_clusters(labels, flags) == [[8, 9, 10]]
