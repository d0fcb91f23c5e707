"""Plots of a :class:`~ictaltrack.result.DetectionResult` (matplotlib, imported on first use).

:func:`plot_timeline` shows every seizure on the time axis, :func:`plot_onset_map` one seizure's
onset on the head; :func:`save_figure` writes a figure atomically. Seizures are numbered from 1
in onset order, as in the CSV and the annotations.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ictaltrack import _core
from ictaltrack._atomic import atomic_output
from ictaltrack._extras import require

if TYPE_CHECKING:
    import matplotlib.figure
    from matplotlib.artist import Artist

    from ictaltrack.result import DetectionResult

__all__ = ["REGION_COLOURS", "plot_onset_map", "plot_timeline", "save_figure"]

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


def save_figure(figure: Any, path: str | os.PathLike[str], *, dpi: int = 100) -> None:
    """Save a matplotlib figure atomically; the format follows the suffix of ``path``."""
    suffix = Path(path).suffix.lstrip(".").lower()
    with atomic_output(path) as temporary:
        figure.savefig(temporary, dpi=dpi, format=suffix or None)


def plot_timeline(result: DetectionResult, *, ax: Any = None,
                  time_unit: str = "auto") -> matplotlib.figure.Figure:
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
    plt = require("matplotlib.pyplot", extra="plot")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 3.8), layout="constrained")
    else:
        fig = ax.figure
    span = result.duration_s if math.isfinite(result.duration_s) else max(
        [s["offset_s"] for s in result._seizures] + [1.0])
    if time_unit == "auto":
        time_unit = "s" if span < 600 else "min" if span < 36000 else "h"
    scale = {"s": 1.0, "min": 60.0, "h": 3600.0}[time_unit]
    rows = [h for h in ("left", "midline", "bilateral", "right", "unknown")
            if h in ("left", "right") or any(s["hemisphere"] == h for s in result._seizures)]
    row_of = {h: i for i, h in enumerate(rows)}
    regions = [r for r in REGION_COLOURS if any(s["region"] == r for s in result._seizures)]
    regions += sorted({s["region"] for s in result._seizures} - set(REGION_COLOURS))

    lane_ends: dict[str, list[float]] = {h: [] for h in rows}
    centres = []
    for k, s in enumerate(result._seizures):
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
    for t in result._transitions:
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
    summary = result.summary
    rate = summary.get("hemisphere_switch_rate")
    rate_text = "n/a" if rate is None or not math.isfinite(rate) else f"{rate:.2f}"
    ax.set_title(f"{Path(result.file).name}: {len(result)} seizures, switch rate {rate_text}, "
                 f"{summary.get('n_overlapping_pairs', 0)} overlapping pairs, "
                 f"migrating: {'yes' if summary.get('migrating') else 'no'}", fontsize=10)
    handles: list[Artist] = [Patch(facecolor=REGION_COLOURS.get(r, "0.6"), edgecolor="black", label=r)
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


def plot_onset_map(result: DetectionResult, index: int, *,
                   ax: Any = None) -> matplotlib.figure.Figure:
    """Head seen from above (nose up) with each channel coloured by its onset in seizure
    ``index`` (seconds after the seizure onset); onset channels ringed and labelled in bold,
    channels the seizure did not reach hollow grey, bad channels marked with a cross.

    Channels sit at their 2D head-map positions (``LabelInfo.position_2d``; a bipolar
    channel at the midpoint of its electrodes), Cz at the centre, the Fpz-T7-Oz-T8 circle at
    radius 1 drawn as the head outline.
    """
    plt = require("matplotlib.pyplot", extra="plot")
    from matplotlib.patches import Circle, Ellipse, Polygon

    if not -len(result) <= index < len(result):
        raise IndexError(f"seizure {index} out of range ({len(result)} seizures)")
    seizure = result._seizures[index]
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.6, 5.2), layout="constrained")
    else:
        fig = ax.figure
    ax.add_patch(Circle((0, 0), 1.0, fill=False, lw=1.5))
    ax.add_patch(Polygon([(-0.09, 0.995), (0, 1.12), (0.09, 0.995)], closed=False,
                         fill=False, lw=1.5))
    for side in (-1, 1):
        ax.add_patch(Ellipse((side * 1.1, 0), 0.1, 0.32, fill=False, lw=1.5))

    labels = [c["label"] for c in result._channels]
    table = _core.parse_labels(labels) if labels else []
    onsets = seizure["channel_onsets"]
    onset_set = set(seizure["onset_channels"])
    xs, ys, values = [], [], []
    names_at: dict[tuple[float, float], list[str]] = {}
    bold_at: set[tuple[float, float]] = set()
    for channel, parsed in zip(result._channels, table):
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
    k = index % len(result)
    ax.set_title(f"seizure {k + 1}: {seizure['hemisphere']} {seizure['region']}, onset "
                 f"{seizure['onset_s']:.1f} s\nonset channels: "
                 f"{', '.join(seizure['onset_channels']) or 'none'}", fontsize=9)
    return fig
