"""The result of a detection run: seizures, transitions, the migration summary and the channels.

:class:`DetectionResult` is built by :func:`ictaltrack.detect`, from a saved detect JSON
(:meth:`DetectionResult.from_json`) or from any detection-shaped dict
(:meth:`DetectionResult.from_dict`), and always recomputes transitions and the migration summary
with the C++ tracker (definitions in ``docs/migration.md``). Its export methods are in
:mod:`ictaltrack.export` (contract: ``docs/output-format.md``), its plots in
:mod:`ictaltrack.plotting`.

All times are seconds from the first sample of the recording.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ictaltrack import _core, export, plotting
from ictaltrack.warning import ReadWarning

if TYPE_CHECKING:
    import matplotlib.figure
    import mne
    import pandas as pd

__all__ = ["CHANNEL_COLUMNS", "DetectionResult", "SEIZURE_COLUMNS", "TRANSITION_COLUMNS"]

SEIZURE_COLUMNS = [
    "onset_s",
    "offset_s",
    "duration_s",
    "hemisphere",
    "region",
    "lateralization_index",
    "confidence",
    "onset_channels",
    "channel_onsets",
]
TRANSITION_COLUMNS = ["from", "to", "shift", "interval_s", "overlap", "distance_deg"]
CHANNEL_COLUMNS = ["label", "name", "kind", "hemisphere", "region", "status", "bad_reason"]


def _float(value: Any, default: float = math.nan) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


# Hemisphere and region names are read by the tracker's bindings (one vocabulary for the
# detector, the tracker, the scorer and the simulator's truth).
_hemisphere = _core.hemisphere_name
_region = _core.region_name


def _parse_start(text: str | None) -> datetime | None:
    """ISO 8601 start (up to 7 decimals, as the reader writes) as a UTC datetime, or None."""
    if not text:
        return None
    value = str(text).replace("Z", "")
    if "." in value:
        head, fraction = value.split(".", 1)
        digits = "".join(ch for ch in fraction if ch.isdigit())
        rest = fraction[len(digits) :]
        value = f"{head}.{digits[:6].ljust(6, '0')}{rest}"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def seizure_from_dict(item: Mapping[str, Any]) -> dict[str, Any]:
    """A seizure of a result from a seizure of a detection dict (the C++ detector's or a detect
    JSON's): names checked, missing numbers as NaN."""
    seizure = {
        "onset_s": _float(item.get("onset_s")),
        "offset_s": _float(item.get("offset_s")),
        "onset_channels": [str(c) for c in item.get("onset_channels") or []],
        "region": _region(item.get("region")),
        "hemisphere": _hemisphere(item.get("hemisphere")),
        "lateralization_index": _float(item.get("lateralization_index")),
        "confidence": _float(item.get("confidence")),
        "channel_onsets": {str(k): float(v) for k, v in (item.get("channel_onsets") or {}).items()},
    }
    if item.get("focus_position") is not None:
        seizure["focus_position"] = [float(v) for v in item["focus_position"]]
    return seizure


class DetectionResult:
    """Seizures found in one recording, their transitions and the migration summary.

    Build it with :func:`detect`, :meth:`from_dict` or :meth:`from_json`.

    Attributes
    ----------
    file : str
        The recording.
    duration_s : float
        Seconds covered by the recording (from the first sample to the end of the data, gaps
        included).
    analysed_s : float
        Seconds covered by the detector's analysis windows (NaN when unknown, e.g. a JSON
        written before this field existed).
    gaps : list of (float, float)
        ``(onset_s, duration_s)`` of each gap of an EDF+D/BDF+D recording; the detector analyses
        the data on either side of a gap separately.
    start_time : str
        Start of the recording, ISO 8601 (as in the file header, no time zone).
    seizures : pandas.DataFrame
        One row per seizure in onset order: ``onset_s``, ``offset_s``, ``duration_s`` (s),
        ``hemisphere`` (left/right/bilateral/midline/unknown), ``region``,
        ``lateralization_index`` (+1 left .. -1 right, NaN when undefined), ``confidence``
        (0..1), ``onset_channels`` (list of channel names, earliest first) and
        ``channel_onsets`` (dict channel name -> seconds).
    transitions : pandas.DataFrame
        One row per consecutive pair: ``from``, ``to`` (row numbers in :attr:`seizures`),
        ``shift`` (same-region/ipsilateral/contralateral/unknown), ``interval_s`` (between
        onsets), ``overlap`` (``to`` starts before ``from`` ends), ``distance_deg`` (great-circle
        angle between the onset foci on the unit-sphere head, NaN when unknown).
    channels : pandas.DataFrame
        ``label``, ``name``, ``kind``, ``hemisphere``, ``region``, ``status`` (ok/bad),
        ``bad_reason``.
    summary : dict
        The migration summary (``docs/migration.md``): ``n_seizures``, ``n_left``, ``n_right``,
        ``hemisphere_switch_rate``, ``migrating``, ``verdict_reasons`` and more.
    warnings : list of ReadWarning
        Reader and detector warnings, each with its stable ``code``, ``message`` and ``signal``
        (``str(warning)`` is the message).
    """

    def __init__(
        self,
        *,
        file: str,
        duration_s: float,
        start_time: str,
        seizures: list[dict[str, Any]],
        channels: list[dict[str, Any]],
        warnings: Sequence[ReadWarning | Mapping[str, Any] | str],
        criteria: Mapping[str, Any] | None = None,
        analysed_s: float = math.nan,
        gaps: list[tuple[float, float]] | None = None,
    ) -> None:
        tracked = _core.track_migration(seizures, dict(criteria) if criteria else None)
        ordered = [seizures[i] for i in tracked["order"]]
        self.file = file
        self.duration_s = float(duration_s)
        self.analysed_s = float(analysed_s)
        self.gaps = [(float(onset), float(duration)) for onset, duration in gaps or []]
        self.start_time = start_time
        self._seizures = ordered
        self._channels = channels
        self._transitions = tracked["transitions"]
        self.summary: dict[str, Any] = dict(tracked["summary"])
        self.warnings = [ReadWarning.from_any(w) for w in warnings]

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_dict(
        cls, detection: Mapping[str, Any], *, criteria: Mapping[str, Any] | None = None
    ) -> DetectionResult:
        """Wrap a detection dict (the output of ``_core.detect_file`` or a detect JSON).

        Seizures need ``onset_s`` and ``offset_s``; every other field is optional. Transitions
        and the summary are recomputed (any in the input are ignored).

        Parameters
        ----------
        detection : mapping
            ``{"file", "duration_s", "start_time", "channels", "seizures", "warnings"}``.
        criteria : mapping, optional
            Overrides of the ``migrating`` verdict criteria (``min_seizures``,
            ``min_regions``, ``require_both_hemispheres``, ``min_switch_rate``).
        """
        seizures = [seizure_from_dict(item) for item in detection.get("seizures") or []]
        channels = []
        for item in detection.get("channels") or []:
            status = item.get("status") or ("bad" if item.get("bad") else "ok")
            channels.append(
                {
                    "label": str(item.get("label", "")),
                    "name": str(item.get("name") or ""),
                    "kind": str(item.get("kind") or "unknown"),
                    "hemisphere": _hemisphere(item.get("hemisphere")),
                    "region": str(item.get("region") or "unknown"),
                    "status": "bad" if status == "bad" else "ok",
                    "bad_reason": str(item.get("bad_reason") or ""),
                }
            )
        warnings = [ReadWarning.from_any(w) for w in detection.get("warnings") or []]
        gaps = [
            (_float(gap.get("onset_s")), _float(gap.get("duration_s")))
            for gap in detection.get("gaps") or []
        ]
        return cls(
            file=str(detection.get("file", "")),
            duration_s=_float(detection.get("duration_s")),
            start_time=str(detection.get("start_time") or ""),
            seizures=seizures,
            channels=channels,
            warnings=warnings,
            criteria=criteria,
            analysed_s=_float(detection.get("analysed_s")),
            gaps=gaps,
        )

    @classmethod
    def from_json(cls, path: str | os.PathLike[str], **kwargs: Any) -> DetectionResult:
        """Load a detect JSON file written by :meth:`to_json` / ``ictaltrack detect --json``."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")), **kwargs)

    # -- tables ---------------------------------------------------------------------------

    @property
    def seizures(self) -> pd.DataFrame:
        """One row per seizure in onset order (columns: see the class docstring)."""
        rows = []
        for s in self._seizures:
            row = {key: s[key] for key in SEIZURE_COLUMNS if key in s}
            row["duration_s"] = s["offset_s"] - s["onset_s"]
            rows.append(row)
        import pandas as pd  # not at module level: keeps `import ictaltrack` quick

        table = pd.DataFrame(rows, columns=SEIZURE_COLUMNS)
        numeric = ["onset_s", "offset_s", "duration_s", "lateralization_index", "confidence"]
        return table.astype({column: float for column in numeric})

    @property
    def transitions(self) -> pd.DataFrame:
        """One row per consecutive pair of seizures (columns: see the class docstring)."""
        import pandas as pd

        table = pd.DataFrame(self._transitions, columns=TRANSITION_COLUMNS)
        return table.astype(
            {"from": int, "to": int, "interval_s": float, "overlap": bool, "distance_deg": float}
        )

    @property
    def channels(self) -> pd.DataFrame:
        """One row per data channel of the file, in file order."""
        import pandas as pd

        return pd.DataFrame(self._channels, columns=CHANNEL_COLUMNS)

    @property
    def start_datetime(self) -> datetime | None:
        """The start as a UTC datetime (the header's clock time taken as UTC), or None."""
        return _parse_start(self.start_time)

    def __len__(self) -> int:
        return len(self._seizures)

    def __repr__(self) -> str:
        return (
            f"<DetectionResult {Path(self.file).name or '?'}: {len(self)} seizures, "
            f"migrating={self.summary.get('migrating')}>"
        )

    # -- export (ictaltrack.export) ---------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The detect JSON contract as a dict (NaN as None); see docs/output-format.md."""
        return export.to_dict(self)

    def to_json(self, path: str | os.PathLike[str] | None = None, *, indent: int = 2) -> str:
        """The detect JSON text; also written (atomically) to ``path`` when given."""
        return export.to_json(self, path, indent=indent)

    def csv_rows(self) -> list[dict[str, Any]]:
        """One dict per seizure with the CSV columns (docs/output-format.md); ``seizure`` is
        the 1-based number in onset order."""
        return export.csv_rows(self)

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """One row per seizure (columns in docs/output-format.md); NaN as an empty field.

        Returns the CSV text; also written (atomically) to ``path`` when given.
        """
        return export.to_csv(self, path)

    def annotation_texts(self) -> list[tuple[float, float, str]]:
        """``(onset_s, duration_s, text)`` per seizure, text at most 40 bytes (the EDF+ limit):
        ``"seizure 3 right frontotemporal"`` (plus ``" overlap"`` when it starts before the
        previous one ends)."""
        return export.annotation_texts(self)

    def to_mne_annotations(self) -> mne.Annotations:
        """The seizures as :class:`mne.Annotations` (seconds from the recording start,
        ``orig_time`` = recording start taken as UTC, like ``Recording.to_mne``)."""
        return export.to_mne_annotations(self)

    def write_annotations(self, path: str | os.PathLike[str]) -> None:
        """Write the seizures as EDF+ annotations, atomically (see
        :func:`ictaltrack.export.write_annotations` for the file's layout)."""
        export.write_annotations(self, path)

    def to_html(self, path: str | os.PathLike[str], source: Any = None, **options: Any) -> None:
        """Write one self-contained HTML report (summary, timeline, tables, verdict, and each
        seizure's onset map, EEG page and onset spectrogram; pictures embedded), atomically.
        ``source`` gives the samples (default :attr:`file`); see
        :func:`ictaltrack.report.render_report` for the options."""
        from ictaltrack import report

        report.write_report(self, path, source, **options)

    # -- plots (ictaltrack.plotting) --------------------------------------------------------

    def plot_timeline(self, *, ax: Any = None, time_unit: str = "auto") -> matplotlib.figure.Figure:
        """Each seizure as a bar on the time axis; rows by onset hemisphere, colours by region
        (see :func:`ictaltrack.plotting.plot_timeline`)."""
        return plotting.plot_timeline(self, ax=ax, time_unit=time_unit)

    def plot_onset_map(self, index: int, *, ax: Any = None) -> matplotlib.figure.Figure:
        """Head seen from above with each channel coloured by its onset in seizure ``index``
        (0-based position; the title shows its 1-based number), see
        :func:`ictaltrack.plotting.plot_onset_map`."""
        return plotting.plot_onset_map(self, index, ax=ax)

    def plot_seizure(
        self,
        index: int,
        source: Any = None,
        *,
        before_s: float = 10.0,
        after_s: float = 30.0,
        montage: str = "as recorded",
        **options: Any,
    ) -> matplotlib.figure.Figure:
        """The EEG around seizure ``index`` (0-based position, like :meth:`plot_onset_map`;
        the title shows its 1-based number): traces in montage order (left chain, right chain,
        midline) at a fixed sensitivity with a scale bar, the onset marked, onset channels in
        red, each channel's onset ticked, bad channels grey. ``source`` is a path, a
        :class:`~ictaltrack.Recording` or an MNE Raw (default :attr:`file`); ``montage`` is
        ``"as recorded"``, ``"double banana"`` or ``"average"``. See
        :func:`ictaltrack.plotting.plot_seizure` for the other options."""
        return plotting.plot_seizure(
            self, index, source, before_s=before_s, after_s=after_s, montage=montage, **options
        )

    def plot_onset_spectrogram(
        self, index: int, source: Any = None, **options: Any
    ) -> matplotlib.figure.Figure:
        """Band power over time (1 Hz bands, :func:`ictaltrack.band_power`) of seizure
        ``index``'s onset channels and their homologous channels on the other side (``index``
        0-based); see :func:`ictaltrack.plotting.plot_onset_spectrogram`."""
        return plotting.plot_onset_spectrogram(self, index, source, **options)
