"""BIDS-EEG datasets: their recordings, entities and sidecars, the derivative ictaltrack writes,
and a simulated dataset with SzCORE reference annotations (``docs/datasets.md``).

Paths, entities and sidecars go through ``mne-bids`` (``BIDSPath``, ``find_matching_paths``,
``get_entities_from_fname``, ``read_raw_bids``, ``make_dataset_description``): the optional
``bids`` extra, imported only when a BIDS dataset is used.

- :func:`is_bids_root`: a folder with ``dataset_description.json``;
- :func:`find_bids_recordings`: every ``sub-*/[ses-*/]eeg/*_eeg.edf|bdf`` with its subject,
  session, task, run and ``*_channels.tsv``;
- :func:`read_bids_raw`: one recording as an MNE Raw with its channel types and bad channels
  from ``*_channels.tsv`` (what :func:`ictaltrack.detect` then leaves out);
- :func:`hypothesis_path`, :func:`write_derivative_description`: the SzCORE hypothesis files
  that ``ictaltrack batch`` writes under ``ROOT/derivatives/ictaltrack``, mirroring the input;
- :func:`simulate_bids`: a small BIDS dataset from the simulator with SzCORE reference files.

Times are seconds from the first sample of each recording.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ictaltrack import __version__
from ictaltrack._atomic import write_text
from ictaltrack._extras import require
from ictaltrack.batch_tables import ENTITY_COLUMNS  # the entity columns of every table

__all__ = [
    "ENTITY_COLUMNS",
    "DERIVATIVE_NAME",
    "BidsRecording",
    "find_bids_recordings",
    "hypothesis_path",
    "is_bids_root",
    "read_bids_raw",
    "simulate_bids",
    "write_derivative_description",
]

#: Folder of the derivative under ``ROOT/derivatives/``.
DERIVATIVE_NAME = "ictaltrack"
#: Task label of the simulated dataset (the label epilepsy2bids gives every SzCORE dataset).
SIMULATED_TASK = "szMonitoring"

_EXTENSIONS = [".edf", ".bdf", ".EDF", ".BDF"]


def _mne_bids() -> Any:
    return require("mne_bids", extra="bids")


def is_bids_root(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a BIDS dataset root (a folder with ``dataset_description.json``)."""
    folder = Path(path)
    return folder.is_dir() and (folder / "dataset_description.json").is_file()


@dataclass(frozen=True)
class BidsRecording:
    """One EEG recording of a BIDS dataset.

    Attributes
    ----------
    path : pathlib.Path
        The ``*_eeg.edf`` / ``*_eeg.bdf`` file (absolute).
    root : pathlib.Path
        The dataset root (absolute).
    entities : dict
        ``subject``, ``session``, ``task``, ``run`` (``None`` where the name has none) and
        ``acquisition``.
    channels_tsv : pathlib.Path or None
        The recording's ``*_channels.tsv``, when there is one.
    """

    path: Path
    root: Path
    entities: dict[str, str | None]
    channels_tsv: Path | None

    def bids_path(self) -> Any:
        """The recording's ``mne_bids.BIDSPath``."""
        return _mne_bids().get_bids_path_from_fname(self.path, check=False)


def find_bids_recordings(root: str | os.PathLike[str]) -> list[BidsRecording]:
    """Every EEG recording (``sub-*/[ses-*/]eeg/*_eeg.edf|bdf``) of a BIDS dataset, sorted by
    path; ``derivatives/`` and ``sourcedata/`` are not searched."""
    mne_bids = _mne_bids()
    # Absolute, but symbolic links kept: a dataset of links to the files elsewhere (a common way
    # to lay out a corpus) keeps its BIDS names and relative paths.
    folder = Path(os.path.abspath(root))
    found = mne_bids.find_matching_paths(
        folder, datatypes="eeg", suffixes="eeg", extensions=_EXTENSIONS, ignore_json=True
    )
    recordings = []
    for bids_path in found:
        path = Path(os.path.abspath(bids_path.fpath))
        if not path.relative_to(folder).parts[0].startswith("sub-"):
            continue  # a recording inside derivatives/ or sourcedata/
        entities = mne_bids.get_entities_from_fname(path.name, on_error="ignore")
        channels = bids_path.copy().update(suffix="channels", extension=".tsv", check=False)
        channels_path = Path(channels.fpath)
        recordings.append(
            BidsRecording(
                path=path,
                root=folder,
                entities={key: entities.get(key) for key in (*ENTITY_COLUMNS, "acquisition")},
                channels_tsv=channels_path if channels_path.is_file() else None,
            )
        )
    return sorted(recordings, key=lambda r: r.path)


def read_bids_raw(path: str | os.PathLike[str]) -> Any:
    """One BIDS recording as an MNE Raw with its sidecars applied by ``mne_bids.read_raw_bids``:
    channel types and ``status = bad`` channels of ``*_channels.tsv`` (``info["bads"]``), the
    line frequency of ``*_eeg.json``. Warnings of mne-bids about missing optional sidecars
    (participants.tsv, ...) are silenced: the detection does not use them."""
    mne_bids = _mne_bids()
    bids_path = mne_bids.get_bids_path_from_fname(Path(path), check=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return mne_bids.read_raw_bids(bids_path, verbose="error")


def hypothesis_path(recording: BidsRecording, derivative_root: str | os.PathLike[str]) -> Path:
    """Where the SzCORE hypothesis file of ``recording`` goes: the recording's relative path
    under ``derivative_root``, ``_eeg.edf`` replaced by ``_events.tsv`` (the name of its
    reference annotations, so the SzCORE scorer pairs them by relative path)."""
    relative = recording.path.relative_to(recording.root)
    name = recording.path.name
    stem = name[: name.rfind("_")] if "_" in name else recording.path.stem
    return Path(derivative_root) / relative.parent / f"{stem}_events.tsv"


def write_derivative_description(
    derivative_root: str | os.PathLike[str], source_root: str | os.PathLike[str] | None = None
) -> Path:
    """Write the derivative's ``dataset_description.json`` (``DatasetType: derivative``,
    ``GeneratedBy: ictaltrack <version>``) with ``mne_bids.make_dataset_description``."""
    folder = Path(derivative_root)
    folder.mkdir(parents=True, exist_ok=True)
    source = [{"URL": Path(source_root).resolve().as_uri()}] if source_root is not None else None
    _mne_bids().make_dataset_description(
        path=folder,
        name="ictaltrack seizure detections (SzCORE annotations)",
        dataset_type="derivative",
        generated_by=[
            {
                "Name": "ictaltrack",
                "Version": __version__,
                "Description": "seizure detection, onset localisation and migration tracking; "
                "one SzCORE *_events.tsv per recording",
            }
        ],
        source_datasets=source,
        overwrite=True,
        verbose="error",
    )
    return folder / "dataset_description.json"


# ---------------------------------------------------------------------------------------------
# A simulated dataset
# ---------------------------------------------------------------------------------------------


def _reference_table(truth: dict[str, Any]) -> Any:
    """The simulator's truth as SzCORE reference rows: ``sz_foc`` (focal onset, awareness not
    modelled) per seizure with its focus channels and extra ``lateralization``/``region``."""
    import pandas as pd

    from ictaltrack.szcore import EXTRA_COLUMNS, SZCORE_COLUMNS

    config = truth.get("config", {})
    date_time = (
        f"{config.get('start_year', 1985):04d}-{config.get('start_month', 1):02d}-"
        f"{config.get('start_day', 1):02d} {config.get('start_hour', 0):02d}:"
        f"{config.get('start_minute', 0):02d}:{config.get('start_second', 0):02d}"
    )
    duration = f"{float(truth['duration_s']):.2f}"
    channels_of_file = set(truth.get("channels", []))
    rows = []
    for seizure in sorted(truth["seizures"], key=lambda s: s["onset_s"]):
        # The focus electrodes where they are channels of the file (referential montages); for a
        # bipolar file, the channels that entered the seizure first.
        focus = [e for e in seizure.get("focus_electrodes", []) if e in channels_of_file]
        if not focus:
            onsets = seizure.get("channel_onsets", {})
            first = min(onsets.values()) if onsets else None
            focus = sorted(c for c, t in onsets.items() if t == first)
        rows.append(
            {
                "onset": f"{seizure['onset_s']:.2f}",
                "duration": f"{seizure['offset_s'] - seizure['onset_s']:.2f}",
                "eventType": "sz_foc",
                "confidence": "1.00",
                "channels": ",".join(focus) if focus else "n/a",
                "dateTime": date_time,
                "recordingDuration": duration,
                "lateralization": seizure.get("hemisphere", "unknown"),
                "region": seizure.get("region", "unknown"),
            }
        )
    if not rows:
        rows.append(
            dict(
                zip(
                    [*SZCORE_COLUMNS, *EXTRA_COLUMNS],
                    ["0.00", duration, "bckg", "n/a", "n/a", date_time, duration, "n/a", "n/a"],
                )
            )
        )
    return pd.DataFrame(rows, columns=[*SZCORE_COLUMNS, *EXTRA_COLUMNS])


def simulate_bids(
    root: str | os.PathLike[str],
    *,
    subjects: int = 3,
    sessions: int = 1,
    runs: int = 2,
    duration_s: float = 240.0,
    seed: int = 1,
    channels_tsv: bool = False,
    **options: Any,
) -> list[Path]:
    """Write a small BIDS-EEG dataset of simulated recordings with SzCORE reference annotations.

    Layout (as epilepsy2bids writes the SzCORE datasets)::

        ROOT/dataset_description.json, participants.tsv, README
        ROOT/sub-01/ses-01/eeg/sub-01_ses-01_task-szMonitoring_run-00_eeg.edf  (EDF+, 256 Hz)
                                                          ..._run-00_eeg.json   (sidecar)
                                                          ..._run-00_events.tsv (reference)
        ROOT/derivatives/simulation/sub-01/ses-01/eeg/..._run-00_truth.json (simulator truth)

    Parameters
    ----------
    root : str or path-like
        The dataset root (created; existing files of the same names are replaced).
    subjects, sessions, runs : int
        Subjects ``01..``, sessions ``01..`` per subject, runs ``00..`` per session.
    duration_s : float
        Length of each recording in seconds.
    seed : int
        Recording ``k`` (0-based, in path order) is simulated with seed ``seed + k``.
    channels_tsv : bool
        Also write ``*_channels.tsv`` (type ``EEG``, ``status`` ``bad`` for the simulated bad
        channel of the truth). szcore-evaluation 0.0.7 reads every ``*.tsv`` under ``sub-*`` as
        annotations and stops on these, so the default leaves them out (as epilepsy2bids does).
    **options
        Simulator options (:func:`ictaltrack.simulate`), the same for every recording.

    Returns
    -------
    list of pathlib.Path
        The EDF files written, in path order.
    """
    import pandas as pd

    from ictaltrack.simulation import simulate
    from ictaltrack.szcore import write_events_tsv

    mne_bids = _mne_bids()
    if subjects < 1 or sessions < 1 or runs < 1:
        raise ValueError("subjects, sessions and runs must be at least 1")
    folder = Path(root)
    folder.mkdir(parents=True, exist_ok=True)
    mne_bids.make_dataset_description(
        path=folder,
        name="ictaltrack simulated infant EEG with migrating focal seizures",
        dataset_type="raw",
        generated_by=[{"Name": "ictaltrack simulator", "Version": __version__}],
        overwrite=True,
        verbose="error",
    )
    truth_root = folder / "derivatives" / "simulation"
    written = []
    index = 0
    for subject in range(1, subjects + 1):
        for session in range(1, sessions + 1):
            for run in range(runs):
                bids_path = mne_bids.BIDSPath(
                    root=folder,
                    subject=f"{subject:02d}",
                    session=f"{session:02d}",
                    task=SIMULATED_TASK,
                    run=f"{run:02d}",
                    datatype="eeg",
                    suffix="eeg",
                    extension=".edf",
                    check=False,
                )
                edf = Path(bids_path.fpath)
                edf.parent.mkdir(parents=True, exist_ok=True)
                truth_path = (
                    truth_root / edf.parent.relative_to(folder) / f"{bids_path.basename[:-8]}"
                    "_truth.json"
                )
                truth_path.parent.mkdir(parents=True, exist_ok=True)
                truth = simulate(
                    edf,
                    duration_s=duration_s,
                    seed=seed + index,
                    json_path=truth_path,
                    **options,
                )
                index += 1
                sidecar = {
                    "TaskName": SIMULATED_TASK,
                    "SamplingFrequency": truth["sample_rate_hz"],
                    "PowerLineFrequency": truth["config"]["line_noise_hz"],
                    "EEGReference": "common reference"
                    if truth["montage"] == "referential"
                    else "bipolar",
                    "SoftwareFilters": "n/a",
                    "EEGChannelCount": len(truth["channels"]),
                    "RecordingDuration": float(truth["duration_s"]),
                    "RecordingType": "continuous",
                }
                write_text(
                    bids_path.copy().update(extension=".json").fpath,
                    json.dumps(sidecar, indent=2) + "\n",
                )
                events = bids_path.copy().update(suffix="events", extension=".tsv")
                write_events_tsv(events.fpath, _reference_table(truth))
                if channels_tsv:
                    bad = {c for b in truth.get("bad_channels", []) for c in b["channels"]}
                    table = pd.DataFrame(
                        {
                            "name": truth["channels"],
                            "type": "EEG",
                            "units": "uV",
                            "status": ["bad" if c in bad else "good" for c in truth["channels"]],
                        }
                    )
                    channels = bids_path.copy().update(suffix="channels", extension=".tsv")
                    table.to_csv(channels.fpath, sep="\t", index=False, lineterminator="\n")
                written.append(edf)
    participants = pd.DataFrame(
        {"participant_id": [f"sub-{s:02d}" for s in range(1, subjects + 1)]}
    )
    participants.to_csv(folder / "participants.tsv", sep="\t", index=False, lineterminator="\n")
    write_text(
        folder / "README",
        "Simulated infant EEG with migrating focal seizures (ictaltrack simulate --bids).\n"
        "Reference seizure annotations: SzCORE *_events.tsv beside each recording; simulator\n"
        "truth: derivatives/simulation/.\n",
    )
    return sorted(written)
