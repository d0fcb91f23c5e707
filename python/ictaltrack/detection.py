"""Seizure detection results: tables, migration summary, JSON/CSV/annotation export, plots.

:func:`detect` runs the C++ detector on a recording and wraps its output in a
:class:`DetectionResult`. The same class loads a saved detect JSON
(:meth:`DetectionResult.from_json`) or any detection-shaped dict
(:meth:`DetectionResult.from_dict`), and always recomputes transitions and the migration summary
with the C++ tracker (definitions in ``docs/migration.md``; output contract in
``docs/output-format.md``).

All times are seconds from the first sample of the recording.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ictaltrack import _core
from ictaltrack.errors import UnsupportedError

if TYPE_CHECKING:
    import matplotlib.figure
    import mne
    import pandas as pd

__all__ = [
    "SCHEMA_VERSION",
    "DetectionResult",
    "ProgressBar",
    "detect",
    "detector_defaults",
    "save_figure",
    "summary_text",
    "write_atomically",
]

#: Version of the detect JSON contract (docs/detect.schema.json).
SCHEMA_VERSION = "1.1"

HEMISPHERES = ("left", "right", "bilateral", "midline", "unknown")
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
#: Fixed colour per onset region, the same in every plot (front to back, warm to cool).
REGION_COLOURS = {
    "frontopolar": "#d62728",
    "frontal": "#ff7f0e",
    "frontotemporal": "#bcbd22",
    "central": "#2ca02c",
    "temporal": "#17becf",
    "parietal": "#1f77b4",
    "occipital": "#9467bd",
    "auricular": "#8c564b",
    "unknown": "#9a9a9a",
}
CSV_COLUMNS = [
    "seizure",
    "onset_s",
    "offset_s",
    "duration_s",
    "hemisphere",
    "region",
    "lateralization_index",
    "confidence",
    "onset_channels",
    "shift_from_previous",
    "interval_from_previous_s",
    "overlaps_previous",
    "distance_from_previous_deg",
]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to a temporary file beside ``path``, then rename it over ``path``.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def save_figure(figure: Any, path: str | os.PathLike[str], *, dpi: int = 100) -> None:
    """Save a matplotlib figure atomically (temporary file beside ``path``, then rename); the
    format follows the suffix of ``path``."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix,
                                         dir=target.parent if str(target.parent) else ".")
    os.close(handle)
    try:
        figure.savefig(temporary, dpi=dpi)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _json_value(value: Any) -> Any:
    """NaN and infinities become None (JSON has no NaN); numpy scalars become Python ones."""
    numpy = sys.modules.get("numpy")  # NumPy scalars exist only once NumPy is loaded
    if numpy is not None and isinstance(value, numpy.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def _float(value: Any, default: float = math.nan) -> float:
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _hemisphere(value: Any) -> str:
    text = str(value or "unknown").strip().lower()
    return text if text in HEMISPHERES else "unknown"


def _region(value: Any) -> str:
    text = " ".join(str(value or "unknown").strip().lower().replace("_", " ").split())
    return "frontopolar" if text == "frontal polar" else (text or "unknown")


def _parse_start(text: str | None) -> datetime | None:
    """ISO 8601 start (up to 7 decimals, as the reader writes) as a UTC datetime, or None."""
    if not text:
        return None
    value = str(text).replace("Z", "")
    if "." in value:
        head, fraction = value.split(".", 1)
        digits = "".join(ch for ch in fraction if ch.isdigit())
        rest = fraction[len(digits):]
        value = f"{head}.{digits[:6].ljust(6, '0')}{rest}"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


class ProgressBar:
    """A plain text progress bar on a stream (stderr by default), usable as the detector's
    progress callback: ``bar(fraction) -> True`` (never cancels)."""

    def __init__(self, label: str = "detect", *, stream: Any = None, width: int = 40) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self._last = -1

    def __call__(self, fraction: float) -> bool:
        percent = int(max(0.0, min(1.0, float(fraction))) * 100)
        if percent != self._last:
            self._last = percent
            filled = self.width * percent // 100
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                              f"{percent:3d}%")
            self.stream.flush()
        return True

    def close(self) -> None:
        """End the bar's line."""
        if self._last >= 0:
            self.stream.write("\n")
            self.stream.flush()


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


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
    warnings : list of str
        Reader and detector warnings.
    """

    def __init__(self, *, file: str, duration_s: float, start_time: str,
                 seizures: list[dict[str, Any]], channels: list[dict[str, Any]],
                 warnings: list[str], criteria: Mapping[str, Any] | None = None,
                 analysed_s: float = math.nan,
                 gaps: list[tuple[float, float]] | None = None) -> None:
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
        self.warnings = list(warnings)

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_dict(cls, detection: Mapping[str, Any], *,
                  criteria: Mapping[str, Any] | None = None) -> DetectionResult:
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
        seizures = []
        for item in detection.get("seizures") or []:
            onset, offset = _float(item.get("onset_s")), _float(item.get("offset_s"))
            seizure = {
                "onset_s": onset,
                "offset_s": offset,
                "onset_channels": [str(c) for c in item.get("onset_channels") or []],
                "region": _region(item.get("region")),
                "hemisphere": _hemisphere(item.get("hemisphere")),
                "lateralization_index": _float(item.get("lateralization_index")),
                "confidence": _float(item.get("confidence")),
                "channel_onsets": {str(k): float(v)
                                   for k, v in (item.get("channel_onsets") or {}).items()},
            }
            if item.get("focus_position") is not None:
                seizure["focus_position"] = [float(v) for v in item["focus_position"]]
            seizures.append(seizure)
        channels = []
        for item in detection.get("channels") or []:
            status = item.get("status") or ("bad" if item.get("bad") else "ok")
            channels.append({
                "label": str(item.get("label", "")),
                "name": str(item.get("name") or ""),
                "kind": str(item.get("kind") or "unknown"),
                "hemisphere": _hemisphere(item.get("hemisphere")),
                "region": str(item.get("region") or "unknown"),
                "status": "bad" if status == "bad" else "ok",
                "bad_reason": str(item.get("bad_reason") or ""),
            })
        warnings = [w if isinstance(w, str) else str(w.get("message", w))
                    if isinstance(w, Mapping) else str(w)
                    for w in detection.get("warnings") or []]
        gaps = [(_float(gap.get("onset_s")), _float(gap.get("duration_s")))
                for gap in detection.get("gaps") or []]
        return cls(file=str(detection.get("file", "")),
                   duration_s=_float(detection.get("duration_s")),
                   start_time=str(detection.get("start_time") or ""),
                   seizures=seizures, channels=channels, warnings=warnings, criteria=criteria,
                   analysed_s=_float(detection.get("analysed_s")), gaps=gaps)

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
        return table.astype({"from": int, "to": int, "interval_s": float, "overlap": bool,
                             "distance_deg": float})

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
        return (f"<DetectionResult {Path(self.file).name or '?'}: {len(self)} seizures, "
                f"migrating={self.summary.get('migrating')}>")

    # -- export ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The detect JSON contract as a dict (NaN as None); see docs/output-format.md."""
        seizures = []
        for s in self._seizures:
            seizures.append({
                "onset_s": s["onset_s"],
                "offset_s": s["offset_s"],
                "onset_channels": list(s["onset_channels"]),
                "region": s["region"],
                "hemisphere": s["hemisphere"],
                "lateralization_index": s["lateralization_index"],
                "confidence": s["confidence"],
                "channel_onsets": dict(s["channel_onsets"]),
            })
        return _json_value({
            "schema_version": SCHEMA_VERSION,
            "file": self.file,
            "duration_s": self.duration_s,
            "analysed_s": self.analysed_s,
            "gaps": [{"onset_s": onset, "duration_s": duration} for onset, duration in self.gaps],
            "start_time": self.start_time,
            "channels": self._channels,
            "seizures": seizures,
            "transitions": self._transitions,
            "summary": self.summary,
            "warnings": self.warnings,
        })

    def to_json(self, path: str | os.PathLike[str] | None = None, *, indent: int = 2) -> str:
        """The detect JSON text; also written (atomically) to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False) + "\n"
        if path is not None:
            write_atomically(path, text)
        return text

    def csv_rows(self) -> list[dict[str, Any]]:
        """One dict per seizure with the CSV columns (docs/output-format.md)."""
        rows = []
        for k, s in enumerate(self._seizures):
            previous = self._transitions[k - 1] if k > 0 else None
            rows.append({
                "seizure": k,
                "onset_s": s["onset_s"],
                "offset_s": s["offset_s"],
                "duration_s": s["offset_s"] - s["onset_s"],
                "hemisphere": s["hemisphere"],
                "region": s["region"],
                "lateralization_index": s["lateralization_index"],
                "confidence": s["confidence"],
                "onset_channels": " ".join(s["onset_channels"]),
                "shift_from_previous": previous["shift"] if previous else "",
                "interval_from_previous_s": previous["interval_s"] if previous else "",
                "overlaps_previous": previous["overlap"] if previous else "",
                "distance_from_previous_deg": previous["distance_deg"] if previous else "",
            })
        return rows

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """One row per seizure (columns in docs/output-format.md); NaN as an empty field.

        Returns the CSV text; also written (atomically) to ``path`` when given.
        """
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in self.csv_rows():
            writer.writerow({k: ("" if isinstance(v, float) and not math.isfinite(v) else
                                 str(v).lower() if isinstance(v, bool) else v)
                             for k, v in row.items()})
        text = buffer.getvalue()
        if path is not None:
            write_atomically(path, text)
        return text

    def annotation_texts(self) -> list[tuple[float, float, str]]:
        """``(onset_s, duration_s, text)`` per seizure, text at most 40 bytes (the EDF+ limit):
        ``"seizure 3 right frontotemporal"`` (plus ``" overlap"`` when it starts before the
        previous one ends)."""
        notes = []
        for k, s in enumerate(self._seizures):
            text = f"seizure {k + 1} {s['hemisphere']} {s['region']}"
            if k > 0 and self._transitions[k - 1]["overlap"]:
                text += " overlap"
            notes.append((s["onset_s"], s["offset_s"] - s["onset_s"], text.encode()[:40].decode(
                "utf-8", "ignore")))
        return notes

    def to_mne_annotations(self) -> mne.Annotations:
        """The seizures as :class:`mne.Annotations` (seconds from the recording start,
        ``orig_time`` = recording start taken as UTC, like ``Recording.to_mne``)."""
        import mne

        notes = self.annotation_texts()
        return mne.Annotations(onset=[n[0] for n in notes], duration=[n[1] for n in notes],
                               description=[n[2] for n in notes],
                               orig_time=self.start_datetime)

    def write_annotations(self, path: str | os.PathLike[str]) -> None:
        """Write the seizures as EDF+ annotations, atomically, through EdfWriter.

        The file holds the annotations (one per seizure, text from :meth:`annotation_texts`,
        onset and duration in seconds from the recording start), the source's start date-time
        and 1 s data records covering the recording. EdfWriter (like EDFlib) needs at least one
        ordinary signal, so the file carries one flat placeholder signal ``ictaltrack`` at 1 Hz
        (all zeros, no unit): ignore it. EDF viewers overlay the annotations on the source
        (EDFbrowser: File > Import annotations); MNE reads them with ``mne.read_annotations``.
        """
        import numpy as np  # not at module level: `ictaltrack detect` runs without NumPy

        from ictaltrack.edf_writer import write_edf

        start = self.start_datetime or datetime(1985, 1, 1, tzinfo=timezone.utc)
        notes = self.annotation_texts()
        end = max([self.duration_s if math.isfinite(self.duration_s) else 0.0]
                  + [onset + duration for onset, duration, _ in notes])
        # One annotation per 1 s record fits in EDFlib: enough records for every seizure.
        n_records = max(1, math.ceil(end), len(notes))
        write_edf(path, np.zeros((1, n_records)), 1.0, ["ictaltrack"], annotations=notes,
                  physical_dimension="", start=(start.year, start.month, start.day, start.hour,
                                                start.minute, start.second))

    # -- plots ----------------------------------------------------------------------------

    def plot_timeline(self, *, ax: Any = None, time_unit: str = "auto") -> matplotlib.figure.Figure:
        """Each seizure as a bar on the time axis; rows by onset hemisphere, colours by region.

        Overlapping seizures sit in separate lanes of their row so both stay visible, and an
        arrow joins each seizure's onset to the next one's, labelled with the shift class
        (S same region, I ipsilateral, C contralateral, ? unknown).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Draw into it; a new figure otherwise.
        time_unit : {"auto", "s", "min", "h"}
            Unit of the time axis ("auto": s below 10 min, min below 10 h, else h).
        """
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        if ax is None:
            fig, ax = plt.subplots(figsize=(11, 3.8), layout="constrained")
        else:
            fig = ax.figure
        span = self.duration_s if math.isfinite(self.duration_s) else max(
            [s["offset_s"] for s in self._seizures] + [1.0])
        if time_unit == "auto":
            time_unit = "s" if span < 600 else "min" if span < 36000 else "h"
        scale = {"s": 1.0, "min": 60.0, "h": 3600.0}[time_unit]
        rows = [h for h in ("left", "midline", "bilateral", "right", "unknown")
                if h in ("left", "right") or any(s["hemisphere"] == h for s in self._seizures)]
        row_of = {h: i for i, h in enumerate(rows)}
        regions = [r for r in REGION_COLOURS if any(s["region"] == r for s in self._seizures)]
        regions += sorted({s["region"] for s in self._seizures} - set(REGION_COLOURS))

        lane_ends: dict[str, list[float]] = {h: [] for h in rows}
        centres = []
        for k, s in enumerate(self._seizures):
            ends = lane_ends[s["hemisphere"]]
            lane = next((i for i, end in enumerate(ends) if end <= s["onset_s"]), len(ends))
            if lane == len(ends):
                ends.append(s["offset_s"])
            else:
                ends[lane] = s["offset_s"]
            # Lanes alternate above and below the row line so overlapping bars never hide.
            y = row_of[s["hemisphere"]] + 0.34 * ((lane + 1) // 2) * (1 if lane % 2 else -1)
            height = 0.3
            ax.broken_barh([(s["onset_s"] / scale, (s["offset_s"] - s["onset_s"]) / scale)],
                           (y - height / 2, height),
                           facecolors=REGION_COLOURS.get(s["region"], "0.6"),
                           edgecolors="black", linewidth=0.8, alpha=0.85)
            ax.text(s["onset_s"] / scale, y + height / 2 + 0.03, str(k + 1), fontsize=8,
                    ha="left", va="bottom")
            centres.append((s["onset_s"] / scale, y))
        letters = {"same-region": "S", "ipsilateral": "I", "contralateral": "C", "unknown": "?"}
        for t in self._transitions:
            (x0, y0), (x1, y1) = centres[t["from"]], centres[t["to"]]
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                        arrowprops={"arrowstyle": "->", "color": "red" if t["overlap"]
                                    else "dimgray", "lw": 1.2, "shrinkA": 0, "shrinkB": 0})
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, letters[t["shift"]], fontsize=8,
                    color="red" if t["overlap"] else "dimgray", ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.8})
        ax.set_yticks(range(len(rows)), [f"{h} onset" for h in rows])
        ax.set_ylim(-0.75, len(rows) - 0.1)
        ax.set_xlim(0, span / scale)
        ax.set_xlabel(f"time from recording start ({time_unit})")
        ax.grid(axis="x", alpha=0.3)
        summary = self.summary
        rate = summary.get("hemisphere_switch_rate")
        rate_text = "n/a" if rate is None or not math.isfinite(rate) else f"{rate:.2f}"
        ax.set_title(f"{Path(self.file).name}: {len(self)} seizures, switch rate {rate_text}, "
                     f"{summary.get('n_overlapping_pairs', 0)} overlapping pairs, "
                     f"migrating: {'yes' if summary.get('migrating') else 'no'}", fontsize=10)
        handles = [Patch(facecolor=REGION_COLOURS.get(r, "0.6"), edgecolor="black", label=r)
                   for r in regions]
        handles.append(Line2D([], [], color="dimgray", marker=">", label="next onset"))
        handles.append(Line2D([], [], color="red", marker=">",
                              label="next onset, overlapping"))
        handles.append(Patch(facecolor="none", edgecolor="none",
                             label="S/I/C/?: same region,\nipsilateral, contralateral,\nunknown"))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
                  title="onset region", title_fontsize=8, frameon=False,
                  alignment="left")
        return fig

    def plot_onset_map(self, index: int, *, ax: Any = None) -> matplotlib.figure.Figure:
        """Head seen from above (nose up) with each channel coloured by its onset in seizure
        ``index`` (seconds after the seizure onset); onset channels ringed and labelled in bold,
        channels the seizure did not reach hollow grey, bad channels marked with a cross.

        Channels sit at their 2D head-map positions (``LabelInfo.position_2d``; a bipolar
        channel at the midpoint of its electrodes), Cz at the centre, the Fpz-T7-Oz-T8 circle at
        radius 1 drawn as the head outline.
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import Circle, Ellipse, Polygon

        if not -len(self) <= index < len(self):
            raise IndexError(f"seizure {index} out of range ({len(self)} seizures)")
        seizure = self._seizures[index]
        if ax is None:
            fig, ax = plt.subplots(figsize=(5.6, 5.2), layout="constrained")
        else:
            fig = ax.figure
        ax.add_patch(Circle((0, 0), 1.0, fill=False, lw=1.5))
        ax.add_patch(Polygon([(-0.09, 0.995), (0, 1.12), (0.09, 0.995)], closed=False,
                             fill=False, lw=1.5))
        for side in (-1, 1):
            ax.add_patch(Ellipse((side * 1.1, 0), 0.1, 0.32, fill=False, lw=1.5))

        labels = [c["label"] for c in self._channels]
        table = _core.parse_labels(labels) if labels else []
        onsets = seizure["channel_onsets"]
        onset_set = set(seizure["onset_channels"])
        xs, ys, values = [], [], []
        names_at: dict[tuple[float, float], list[str]] = {}
        bold_at: set[tuple[float, float]] = set()
        for channel, parsed in zip(self._channels, table):
            x, y = parsed["x2d"], parsed["y2d"]
            if channel["kind"] not in ("eeg", "unknown") or not (math.isfinite(x)
                                                                  and math.isfinite(y)):
                continue
            name = channel["name"] or channel["label"]
            onset = onsets.get(name, onsets.get(channel["label"]))
            # Onset channels may be named as channels or, for a bipolar montage, as electrodes.
            is_onset = bool({name, channel["label"], parsed["anode"], parsed["cathode"]}
                            & onset_set)
            key = (round(x, 3), round(y, 3))
            if name not in names_at.setdefault(key, []):
                names_at[key].append(name)
            if channel["status"] == "bad":
                ax.plot(x, y, marker="x", color="black", ms=9, mew=2, zorder=4)
            elif onset is None:
                ax.scatter(x, y, s=160, facecolors="none", edgecolors="0.6", lw=1.2)
            else:
                xs.append(x)
                ys.append(y)
                values.append(onset - seizure["onset_s"])
            if is_onset:
                bold_at.add(key)
                ax.scatter(x, y, s=340, facecolors="none", edgecolors="black", lw=2.2, zorder=4)
        for (x, y), names in names_at.items():
            ax.text(x, y - 0.09, " / ".join(names), ha="center", va="top", fontsize=7,
                    fontweight="bold" if (x, y) in bold_at else "normal")
        if values:
            vmax = max(1.0, max(values))
            points = ax.scatter(xs, ys, c=values, s=160, cmap="plasma_r", vmin=0.0, vmax=vmax,
                                edgecolors="black", lw=0.6, zorder=3)
            fig.colorbar(points, ax=ax, shrink=0.8, label="onset after seizure onset (s)")
        extent = max([1.3] + [abs(v) + 0.15 for key in names_at for v in key])
        ax.set_aspect("equal")
        ax.set_xlim(-extent, extent)
        ax.set_ylim(-extent, extent)
        ax.axis("off")
        k = index % len(self)
        ax.set_title(f"seizure {k + 1}: {seizure['hemisphere']} {seizure['region']}, onset "
                     f"{seizure['onset_s']:.1f} s\nonset channels: "
                     f"{', '.join(seizure['onset_channels']) or 'none'}", fontsize=9)
        return fig


# ---------------------------------------------------------------------------------------------
# Running the detector
# ---------------------------------------------------------------------------------------------


def detector_defaults() -> dict[str, Any]:
    """Every detector parameter and its default (docs/detection.md).

    Raises
    ------
    ictaltrack.UnsupportedError
        This build has no detector.
    """
    if not hasattr(_core, "detector_defaults"):
        raise UnsupportedError("this build of ictaltrack has no seizure detector")
    return dict(_core.detector_defaults())


def detect(path_or_recording: Any, *, progress: bool | Callable[[float], bool] = False,
           criteria: Mapping[str, Any] | None = None, **params: Any) -> DetectionResult:
    """Detect seizures, localise their onsets and track their migration in one recording.

    Parameters
    ----------
    path_or_recording : str, path-like or ictaltrack.Recording
        An EDF/EDF+/BDF/BDF+ file, or a recording opened with :func:`ictaltrack.read_edf`
        (its file is read again by the streaming detector).
    progress : bool or callable
        True: a progress bar on stderr; a callable ``f(fraction_done) -> bool`` is called now and
        then (return False to cancel: the run raises ``ictaltrack.Error("cancelled")``).
    criteria : mapping, optional
        Overrides of the ``migrating`` verdict criteria (docs/migration.md).
    **params
        Detector parameters (names and defaults: :func:`detector_defaults`).

    Returns
    -------
    DetectionResult

    Raises
    ------
    ictaltrack.FormatError, ictaltrack.IoError
        The file cannot be read.
    ictaltrack.UnsupportedError
        A file this version cannot handle, or a build without the detector.
    """
    if not hasattr(_core, "detect_file"):
        raise UnsupportedError("this build of ictaltrack has no seizure detector")
    info = getattr(path_or_recording, "info", None)
    path = info.path if info is not None else os.fspath(path_or_recording)
    bar = ProgressBar() if progress is True else None
    callback = bar if bar is not None else (progress if callable(progress) else None)
    try:
        raw = _core.detect_file(str(path), dict(params) if params else None, callback)
    finally:
        if bar is not None:
            bar.close()
    return DetectionResult.from_dict(raw, criteria=criteria)


def _seizure_table_text(result: DetectionResult) -> str:
    """Aligned plain-text seizure table (used by the CLI)."""
    if len(result) == 0:
        return "no seizures detected"
    header = (f"{'#':>3} {'onset s':>9} {'offset s':>9} {'dur s':>6} {'hemisphere':<10} "
              f"{'region':<15} {'LI':>5} {'conf':>5}  {'shift':<13} onset channels")
    lines = [header]
    for k, s in enumerate(result._seizures):
        shift = result._transitions[k - 1]["shift"] if k else ""
        if k and result._transitions[k - 1]["overlap"]:
            shift += "*"
        li = s["lateralization_index"]
        lines.append(f"{k + 1:>3} {s['onset_s']:9.1f} {s['offset_s']:9.1f} "
                     f"{s['offset_s'] - s['onset_s']:6.1f} {s['hemisphere']:<10} "
                     f"{s['region']:<15} {li if not math.isfinite(li) else round(li, 2):>5} "
                     f"{s['confidence']:5.2f}  {shift:<13} {' '.join(s['onset_channels'])}")
    lines.append("(* = starts before the previous seizure ends)")
    return "\n".join(lines)


def summary_text(result: DetectionResult) -> str:
    """The migration summary as a few readable lines."""
    s = result.summary
    rate = s.get("hemisphere_switch_rate")
    rate_text = "undefined" if rate is None or not math.isfinite(rate) else f"{rate:.2f}"
    regions = ", ".join(f"{k} {v}" for k, v in s["seizures_per_region"].items() if v)
    lines = [
        f"seizures: {s['n_seizures']} (left {s['n_left']}, right {s['n_right']}); "
        f"regions: {regions or 'none'}",
        f"hemisphere switch rate: {rate_text} over {s['n_sided_pairs']} pairs; shifts: "
        + ", ".join(f"{k} {v}" for k, v in s["shift_counts"].items()),
        f"overlapping pairs: {s['n_overlapping_pairs']}; both hemispheres host onsets: "
        f"{'yes' if s['bilateral_independent_onsets'] else 'no'}",
        f"migrating: {'YES' if s['migrating'] else 'no'}",
    ]
    lines += [f"  - {reason}" for reason in s["verdict_reasons"]]
    return "\n".join(lines)

