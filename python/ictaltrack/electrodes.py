"""Electrode knowledge and re-referencing (montages).

What a channel label means (kind, 10-10 site, hemisphere, region, position on the head), which
channels are neighbours, and the common average and bipolar montages. The rules are in
``docs/electrodes.md``; unrecognised labels are reported as ``"unknown"``, never guessed.

Positions are on a unit sphere (x towards the right ear, y towards the nose, z up: MNE's head
orientation, no unit); ``x2d``/``y2d`` is the head map seen from above with Cz at the centre and
the Fpz-T7-Oz-T8 circumference at radius 1. Montages are linear and keep the unit of the data
(microvolts in, microvolts out).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ictaltrack import _core

if TYPE_CHECKING:  # pandas costs ~0.3 s to import; only the table functions need it
    import pandas as pd

__all__ = [
    "active_clusters",
    "average_reference",
    "average_reference_matrix",
    "bipolar",
    "bipolar_matrix",
    "channel_table",
    "electrode_positions",
    "find_electrode",
    "mne_channel_types",
    "montage_names",
    "montage_pairs",
    "neighbour_angle",
    "neighbours",
    "parse_label",
]

_TABLE_COLUMNS = [
    "label",
    "name",
    "kind",
    "hemisphere",
    "region",
    "x",
    "y",
    "z",
    "x2d",
    "y2d",
    "is_bipolar",
    "anode",
    "cathode",
    "reference",
]


def _labels(labels: Iterable[str]) -> list[str]:
    if isinstance(labels, str):
        raise TypeError("labels must be a sequence of strings, not one string")
    return [str(label) for label in labels]


def parse_label(label: str) -> dict:
    """Parse one channel label on its own.

    Parameters
    ----------
    label : str
        A label as found in an EDF header, e.g. ``"EEG FP1-REF"``, ``"FP1-F7"``, ``"EKG EKG"``.

    Returns
    -------
    dict
        Keys ``label``, ``name`` (canonical site such as ``"Fp1"`` or ``"Fp1-F7"``, ``""`` when
        unknown), ``kind`` (``eeg``, ``ecg``, ``eog``, ``emg``, ``trigger``, ``annotation``,
        ``other``, ``unknown``), ``hemisphere`` (``left``, ``right``, ``midline``, ``bilateral``,
        ``unknown``), ``region`` (e.g. ``"central"`` or ``"frontopolar/frontotemporal"`` for a
        pair spanning two regions), ``x``, ``y``, ``z``, ``x2d``, ``y2d`` (NaN without a
        position), ``is_bipolar``, ``anode``, ``cathode`` and ``reference`` (``"REF"``,
        ``"LE"``, ``"AVG"``, ``"A1"``...; ``""`` when none is stated).

    Notes
    -----
    A single label lacks context; :func:`channel_table` also applies the rules that need the
    whole set (BioSemi ABC caps, a common electrode reference written as ``Fp1-Cz``).
    """
    return _core.parse_label(str(label))


def channel_table(labels: Sequence[str]) -> pd.DataFrame:
    """Describe every channel of a recording.

    Parameters
    ----------
    labels : sequence of str
        The channel labels of one recording, in file order.

    Returns
    -------
    pandas.DataFrame
        One row per label, in input order, with the columns of :func:`parse_label`:
        ``label, name, kind, hemisphere, region, x, y, z, x2d, y2d, is_bipolar, anode, cathode,
        reference``.

    Examples
    --------
    >>> import ictaltrack
    >>> table = ictaltrack.channel_table(["EEG T3-REF", "FT9-FT10", "EKG"])
    >>> table["name"].tolist(), table["hemisphere"].tolist()
    (['T7', 'FT9-FT10', ''], ['left', 'bilateral', 'unknown'])
    >>> table["region"].tolist()
    ['temporal', 'frontotemporal', 'unknown']
    """
    rows = _core.parse_labels(_labels(labels))
    import pandas as pd

    return pd.DataFrame(rows, columns=_TABLE_COLUMNS)


_MNE_TYPES = {
    "eeg": "eeg",
    "ecg": "ecg",
    "eog": "eog",
    "emg": "emg",
    "trigger": "stim",
    "annotation": "misc",
    "other": "misc",
    "unknown": "misc",
}


def mne_channel_types(labels: Sequence[str]) -> list[str]:
    """MNE channel types for the labels (for ``mne.create_info`` / ``raw.set_channel_types``).

    ``eeg``, ``ecg``, ``eog`` and ``emg`` keep their kind, ``trigger`` becomes ``stim``, and
    everything else (annotation, other, unknown) ``misc``, so that nothing unrecognised is ever
    treated as EEG, except labels whose ``EEG`` prefix says so (kind ``eeg``, unknown site).
    """
    return [_MNE_TYPES[kind] for kind in channel_table(labels)["kind"]]


def find_electrode(name: str) -> dict | None:
    """Look up one electrode name (any case; old names T3/T4/T5/T6 accepted).

    Returns
    -------
    dict or None
        ``name`` (canonical), ``hemisphere``, ``region``, ``x``, ``y``, ``z``, ``x2d``,
        ``y2d``; None when the name is not an electrode.
    """
    return _core.find_electrode(str(name))


def electrode_positions() -> pd.DataFrame:
    """Every electrode site the library knows, with its hemisphere, region and position.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, hemisphere, region, x, y, z, x2d, y2d``: the 10-10 grid (front to back)
        then A1/A2/M1/M2 and extra sites (T1/T2, SP1/SP2, PG1/PG2, ...), whose positions are NaN.
    """
    import pandas as pd

    return pd.DataFrame(
        _core.electrode_sites(),
        columns=["name", "hemisphere", "region", "x", "y", "z", "x2d", "y2d"],
    )


def neighbour_angle(labels: Sequence[str]) -> float:
    """The default neighbour distance for a set of channels, in degrees.

    1.5 times the median, over the distinct electrodes of the channels, of each electrode's
    nearest-neighbour angle (about 50 degrees for a 10-20 set, 27 for a full 10-10 set); 0 when
    fewer than two electrodes have positions.
    """
    return float(_core.default_neighbour_angle(_labels(labels)))


def neighbours(labels: Sequence[str], *, max_angle: float | None = None) -> npt.NDArray[np.bool_]:
    """Adjacency matrix of the channels.

    Two electrodes are adjacent when the angle between them (seen from the centre of the head)
    is at most ``max_angle``. A referential channel stands for its electrode, a bipolar channel
    for its two electrodes; two channels are adjacent when they share an electrode or any of
    their electrodes are adjacent.

    Parameters
    ----------
    labels : sequence of str
        Channel labels of one recording.
    max_angle : float, optional
        Threshold in degrees; default :func:`neighbour_angle` of the labels.

    Returns
    -------
    numpy.ndarray of bool, shape (n_channels, n_channels)
        Symmetric, False on the diagonal; rows of non-EEG or unknown-site channels are all False.
    """
    angle = 0.0 if max_angle is None else float(max_angle)
    if max_angle is not None and not angle > 0:
        raise ValueError("max_angle must be positive")
    return _core.channel_neighbours(_labels(labels), angle)


def active_clusters(
    labels: Sequence[str], active: Iterable[str] | npt.ArrayLike, *, max_angle: float | None = None
) -> list[list[int]]:
    """Group active channels into clusters of neighbours.

    One discharge spreading over adjacent channels gives one cluster; two independent foci (say
    left temporal and right occipital) give two. Inactive channels never bridge clusters.

    Parameters
    ----------
    labels : sequence of str
        Channel labels of one recording.
    active : sequence of str or array_like of bool
        The active channels, as labels or one flag per channel.
    max_angle : float, optional
        Neighbour threshold in degrees (default: :func:`neighbour_angle`).

    Returns
    -------
    list of list of int
        Channel indices of each cluster, sorted, clusters ordered by their first index.
    """
    labels = _labels(labels)
    flags = _channel_flags(labels, active, "active")
    if flags is None:
        raise ValueError("active must be given")
    angle = 0.0 if max_angle is None else float(max_angle)
    if max_angle is not None and not angle > 0:
        raise ValueError("max_angle must be positive")
    return [list(cluster) for cluster in _core.active_clusters(labels, flags, angle)]


def montage_names() -> list[str]:
    """Names of the built-in bipolar montages: ``double_banana``, ``tcp``, ``chb_mit``."""
    return list(_core.montage_names())


def montage_pairs(name: str) -> list[tuple[str, str]]:
    """The (anode, cathode) electrode pairs of a built-in montage, as published."""
    return [(anode, cathode) for anode, cathode in _core.montage_pairs(name)]


def _channel_flags(labels: list[str], selection, what: str = "bad") -> list[bool] | None:
    """One flag per channel from labels or booleans; ``what`` names the argument in errors."""
    if selection is None:
        return None
    flags = np.asarray(selection)
    if flags.dtype == bool:
        if flags.shape != (len(labels),):
            raise ValueError(f"{what}: expected {len(labels)} flags, got shape {flags.shape}")
        return flags.tolist()
    names = {str(name) for name in selection}
    unknown = names.difference(labels)
    if unknown:
        raise ValueError(f"{what}: no channel labelled {sorted(unknown)}")
    return [label in names for label in labels]


def average_reference_matrix(
    labels: Sequence[str], *, bad: Iterable[str] | npt.ArrayLike | None = None
) -> tuple[npt.NDArray[np.float64], list[str]]:
    """The common average reference as a matrix.

    Returns
    -------
    weights : numpy.ndarray, shape (n_outputs, n_channels)
        Output = ``weights @ data``.
    output_labels : list of str
        ``"<site>-AVG"`` for each output row.

    See Also
    --------
    average_reference : which channels are averaged and which get an output.
    """
    labels = _labels(labels)
    weights, out_labels = _core.average_reference_matrix(labels, _channel_flags(labels, bad))
    return weights, list(out_labels)


def average_reference(
    data: npt.ArrayLike,
    labels: Sequence[str],
    *,
    bad: Iterable[str] | npt.ArrayLike | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Re-reference to the common average of the EEG channels.

    Parameters
    ----------
    data : array_like, shape (n_channels, n_times)
        Samples (microvolts, or any unit: it is kept). float32 stays float32, anything else is
        computed in float64.
    labels : sequence of str
        One label per row of ``data``.
    bad : sequence of str or array_like of bool, optional
        Bad channels, as labels (like MNE's ``info["bads"]``) or one flag per channel. They are
        left out of the average but still re-referenced, as MNE does.

    Returns
    -------
    data : numpy.ndarray, shape (n_eeg, n_times)
        One row per referential EEG channel of known site (non-EEG, bipolar and unrecognised
        channels are dropped), in input order.
    labels : list of str
        ``"<site>-AVG"``, e.g. ``"Fp1-AVG"`` (parsed back as Fp1, reference AVG).

    Raises
    ------
    ValueError
        No good EEG channel, or ``data`` rows do not match ``labels``.
    ictaltrack.UnsupportedError
        The EEG channels state different references (e.g. ``Fp1-A1`` with ``Fp2-A2``).
    """
    labels = _labels(labels)
    out, out_labels = _core.average_reference(_as_array(data), labels, _channel_flags(labels, bad))
    return out, list(out_labels)


def bipolar_matrix(
    labels: Sequence[str],
    *,
    montage: str | Sequence[str] | Sequence[tuple[str, str]] = "double_banana",
    on_missing: str = "raise",
) -> tuple[npt.NDArray[np.float64], list[str], list[str]]:
    """A bipolar montage as a matrix: ``(weights, output_labels, skipped)``.

    See :func:`bipolar` for the arguments.
    """
    weights, out_labels, skipped = _core.bipolar_matrix(_labels(labels), montage, on_missing)
    return weights, list(out_labels), list(skipped)


def bipolar(
    data: npt.ArrayLike,
    labels: Sequence[str],
    *,
    montage: str | Sequence[str] | Sequence[tuple[str, str]] = "double_banana",
    on_missing: str = "raise",
) -> tuple[np.ndarray, list[str]]:
    """Bipolar derivations (anode minus cathode).

    Parameters
    ----------
    data : array_like, shape (n_channels, n_times)
        Samples; the unit is kept. float32 stays float32, anything else is computed in float64.
    labels : sequence of str
        One label per row of ``data``.
    montage : str or sequence
        A built-in name (``"double_banana"``: ACNS longitudinal bipolar, 18 derivations;
        ``"tcp"``: TUH temporal central parasagittal, 22; ``"chb_mit"``: the 23 CHB-MIT
        signals) or derivations as ``"Fp1-F7"`` strings or ``("Fp1", "F7")`` pairs. Old temporal
        names are accepted (T3 is T7).
    on_missing : {"raise", "skip"}
        What to do with a derivation the recording cannot give: raise ValueError, or leave it
        out (a warning-free choice the caller makes knowingly).

    Returns
    -------
    data : numpy.ndarray, shape (n_derivations, n_times)
    labels : list of str
        Canonical pairs such as ``"Fp1-F7"``, ``"F7-T7"``.

    Notes
    -----
    Each derivation is taken from two referential channels sharing one reference, or, when the
    recording is already bipolar, from the recorded pair (negated if recorded the other way).
    """
    out, out_labels, _ = _core.bipolar(_as_array(data), _labels(labels), montage, on_missing)
    return out, list(out_labels)


def _as_array(data: npt.ArrayLike) -> np.ndarray:
    array = np.asarray(data)
    if array.dtype != np.float32:
        array = np.asarray(array, dtype=np.float64)
    return np.ascontiguousarray(array)
