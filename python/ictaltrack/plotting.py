"""Plots of a :class:`~ictaltrack.result.DetectionResult` (matplotlib, imported on first use).

:func:`plot_timeline` shows every seizure on the time axis, :func:`plot_onset_map` one seizure's
onset on the head, :func:`plot_seizure` the EEG around one seizure as an EEG reader looks at it
and :func:`plot_onset_spectrogram` the band power of its onset channels and their homologues;
:func:`save_figure` writes a figure atomically. The functions take a seizure's 0-based position
in onset order; titles show its 1-based number, as in the CSV and the annotations.
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

__all__ = [
    "REGION_COLOURS",
    "SEIZURE_MONTAGES",
    "SENSITIVITY_STEPS",
    "auto_sensitivity",
    "homologous_channel",
    "montage_traces",
    "onset_spectrogram_bands",
    "plot_onset_map",
    "plot_onset_spectrogram",
    "plot_seizure",
    "plot_timeline",
    "save_figure",
]

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


def plot_timeline(
    result: DetectionResult, *, ax: Any = None, time_unit: str = "auto"
) -> matplotlib.figure.Figure:
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
    span = (
        result.duration_s
        if math.isfinite(result.duration_s)
        else max([s["offset_s"] for s in result._seizures] + [1.0])
    )
    if time_unit == "auto":
        time_unit = "s" if span < 600 else "min" if span < 36000 else "h"
    scale = {"s": 1.0, "min": 60.0, "h": 3600.0}[time_unit]
    rows = [
        h
        for h in ("left", "midline", "bilateral", "right", "unknown")
        if h in ("left", "right") or any(s["hemisphere"] == h for s in result._seizures)
    ]
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
        ax.broken_barh(
            [(s["onset_s"] / scale, (s["offset_s"] - s["onset_s"]) / scale)],
            (y - height / 2, height),
            facecolors=REGION_COLOURS.get(s["region"], "0.6"),
            edgecolors="black",
            linewidth=0.8,
            alpha=0.85,
        )
        ax.text(
            s["onset_s"] / scale,
            y + height / 2 + 0.03,
            str(k + 1),
            fontsize=8,
            ha="left",
            va="bottom",
        )
        centres.append((s["onset_s"] / scale, y))
    letters = {"same-region": "S", "ipsilateral": "I", "contralateral": "C", "unknown": "?"}
    for t in result._transitions:
        (x0, y0), (x1, y1) = centres[t["from"]], centres[t["to"]]
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={
                "arrowstyle": "->",
                "color": "red" if t["overlap"] else "dimgray",
                "lw": 1.2,
                "shrinkA": 0,
                "shrinkB": 0,
            },
        )
        ax.text(
            (x0 + x1) / 2,
            (y0 + y1) / 2,
            letters[t["shift"]],
            fontsize=8,
            color="red" if t["overlap"] else "dimgray",
            ha="center",
            va="center",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    ax.set_yticks(range(len(rows)), [f"{h} onset" for h in rows])
    ax.set_ylim(-0.75, len(rows) - 0.1)
    ax.set_xlim(0, span / scale)
    ax.set_xlabel(f"time from recording start ({time_unit})")
    ax.grid(axis="x", alpha=0.3)
    summary = result.summary
    rate = summary.get("hemisphere_switch_rate")
    rate_text = "n/a" if rate is None or not math.isfinite(rate) else f"{rate:.2f}"
    ax.set_title(
        f"{Path(result.file).name}: {len(result)} seizures, switch rate {rate_text}, "
        f"{summary.get('n_overlapping_pairs', 0)} overlapping pairs, "
        f"migrating: {'yes' if summary.get('migrating') else 'no'}",
        fontsize=10,
    )
    handles: list[Artist] = [
        Patch(facecolor=REGION_COLOURS.get(r, "0.6"), edgecolor="black", label=r) for r in regions
    ]
    handles.append(Line2D([], [], color="dimgray", marker=">", label="next onset"))
    handles.append(Line2D([], [], color="red", marker=">", label="next onset, overlapping"))
    handles.append(
        Patch(
            facecolor="none",
            edgecolor="none",
            label="S/I/C/?: same region,\nipsilateral, contralateral,\nunknown",
        )
    )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        title="onset region",
        title_fontsize=8,
        frameon=False,
        alignment="left",
    )
    return fig


def plot_onset_map(
    result: DetectionResult, index: int, *, ax: Any = None
) -> matplotlib.figure.Figure:
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
        # Fixed margins, not constrained layout: the report draws one map per seizure and
        # the layout pass was most of its drawing time. The colour bar takes its room from
        # the head's axes (``fig.colorbar(ax=...)``).
        fig, ax = plt.subplots(figsize=(5.6, 5.2))
        fig.subplots_adjust(left=0.02, right=0.9, bottom=0.03, top=0.87)
    else:
        fig = ax.figure
    ax.add_patch(Circle((0, 0), 1.0, fill=False, lw=1.5))
    ax.add_patch(
        Polygon([(-0.09, 0.995), (0, 1.12), (0.09, 0.995)], closed=False, fill=False, lw=1.5)
    )
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
        if channel["kind"] not in ("eeg", "unknown") or not (math.isfinite(x) and math.isfinite(y)):
            continue
        name = channel["name"] or channel["label"]
        onset = onsets.get(name, onsets.get(channel["label"]))
        # Onset channels may be named as channels or, for a bipolar montage, as electrodes.
        is_onset = bool({name, channel["label"], parsed["anode"], parsed["cathode"]} & onset_set)
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
        ax.text(
            x,
            y - 0.09,
            " / ".join(names),
            ha="center",
            va="top",
            fontsize=7,
            fontweight="bold" if (x, y) in bold_at else "normal",
        )
    if values:
        vmax = max(1.0, max(values))
        points = ax.scatter(
            xs,
            ys,
            c=values,
            s=160,
            cmap="plasma_r",
            vmin=0.0,
            vmax=vmax,
            edgecolors="black",
            lw=0.6,
            zorder=3,
        )
        fig.colorbar(points, ax=ax, shrink=0.8, label="onset after seizure onset (s)")
    extent = max([1.3] + [abs(v) + 0.15 for key in names_at for v in key])
    ax.set_aspect("equal")
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.axis("off")
    k = index % len(result)
    ax.set_title(
        f"seizure {k + 1}: {seizure['hemisphere']} {seizure['region']}, onset "
        f"{seizure['onset_s']:.1f} s\nonset channels: "
        f"{', '.join(seizure['onset_channels']) or 'none'}",
        fontsize=9,
        y=1.0,  # a fixed place (above the axes, nothing there): no search for free room
    )
    return fig


# -- the EEG around one seizure ------------------------------------------------------------------

#: Montages of :func:`plot_seizure` (the bipolar one is the library's ``double_banana``).
SEIZURE_MONTAGES = ("as recorded", "double banana", "average")
_HEMISPHERE_ROWS = {"left": 0, "right": 1, "midline": 2}  # then bilateral/unknown


def _open_source(result: DetectionResult, source: Any) -> tuple[Any, bool]:
    """``(reader, owned)`` for ``source``: a path (opened here, ``owned``), a
    :class:`~ictaltrack.io.Recording` or an MNE Raw; ``None`` means ``result.file``."""
    from ictaltrack.io import Recording, read_edf

    if source is None:
        if not result.file:
            raise ValueError(
                "this result names no file: pass source= (a path, Recording or MNE Raw)"
            )
        source = result.file
    if isinstance(source, (str, os.PathLike)):
        return read_edf(source), True
    if isinstance(source, Recording):
        return source, False
    if hasattr(source, "get_data") and hasattr(source, "info") and hasattr(source, "ch_names"):
        return source, False  # an MNE Raw (duck-typed: MNE stays optional)
    raise TypeError(
        f"source must be a path, an ictaltrack Recording or an MNE Raw, got {type(source).__name__}"
    )


def _read_span(
    result: DetectionResult, source: Any, t0: float, t1: float
) -> tuple[Any, list[str], float, float, list[bool]]:
    """The EEG channels of ``source`` over ``[t0, t1)`` seconds (clamped to the gap-free
    stretch holding ``t0``): ``(data_uV, labels, sfreq, time_of_first_sample_s, bad_rows)``.

    ``bad_rows`` flags the rows the result calls bad: by file position when the result's
    channels are the source's (so one of two channels sharing a label can be bad), else by
    label or site name.

    Only that span is read (:meth:`Recording.get_data` with ``start``/``stop``). EEG channels
    are those the label parser calls ``eeg``; the most common rate among them is kept.
    """
    import numpy as np

    reader, owned = _open_source(result, source)
    try:
        if hasattr(reader, "_reader"):  # ictaltrack Recording
            info = reader.info
            labels = info.ch_names
            rates = [c.sfreq for c in info.channels]
        else:
            labels = list(reader.ch_names)
            rates = [float(reader.info["sfreq"])] * len(labels)
        parsed = _core.parse_labels(labels) if labels else []
        eeg = [i for i, p in enumerate(parsed) if p["kind"] == "eeg"]
        if not eeg:
            raise ValueError(f"no EEG channel in the source (labels: {labels})")
        sfreq = max({rates[i] for i in eeg}, key=lambda r: sum(rates[i] == r for i in eeg))
        picks = [i for i in eeg if rates[i] == sfreq]
        if hasattr(reader, "_reader"):
            info = reader.info
            per_record = round(sfreq * info.record_duration)
            segments = info.segments or ((0.0, info.duration, 0, info.n_records),)
            # The stretch holding t0, else (t0 in a gap) the next one.
            onset, duration, first_record, _ = next(
                (s for s in segments if t0 < s[0] + s[1]), segments[-1]
            )
            n_samples = min(info.channels[i].n_samples for i in picks)
            first = first_record * per_record
            start = first + max(0, round((t0 - onset) * sfreq))
            stop = first + round((min(t1, onset + duration) - onset) * sfreq)
            stop = min(max(stop, start), n_samples)
            data = reader.get_data(picks, start=start, stop=stop)
            t_first = onset + (start - first) / sfreq
        else:
            n_times = int(reader.n_times)
            start = min(max(0, round(t0 * sfreq)), n_times)
            stop = min(max(start, round(t1 * sfreq)), n_times)
            data = reader.get_data(picks=picks, start=start, stop=stop) * 1e6  # V -> uV
            t_first = start / sfreq
        if data.shape[1] < 2:
            raise ValueError(f"no samples between {t0:.1f} s and {t1:.1f} s in the source")
        channels = result._channels
        if [c["label"] for c in channels] == list(labels):
            bad_rows = [channels[i]["status"] == "bad" for i in picks]
        else:
            bad = _bad_names(result)
            bad_rows = [labels[i] in bad or parsed[i]["name"] in bad for i in picks]
        return (
            np.asarray(data, dtype=np.float64),
            [labels[i] for i in picks],
            sfreq,
            t_first,
            bad_rows,
        )
    finally:
        if owned:
            reader.close()


def _electrode_rank() -> dict[str, int]:
    """Electrodes in the order the library's double banana walks them (chain by chain)."""
    rank: dict[str, int] = {}
    for pair in _core.montage_pairs("double_banana"):
        for electrode in pair:
            rank.setdefault(str(electrode), len(rank))
    return rank


def montage_traces(
    data: Any, labels: list[str], montage: str, bad_rows: list[bool]
) -> tuple[Any, list[str], list[int], list[bool]]:
    """Re-reference ``data`` (rows = ``labels``) to ``montage`` and order the rows as EEG
    readers do: left chain, right chain, midline, then the rest.

    Returns ``(data, labels, order, bad)``: ``order`` lists row indices top to bottom, ``bad``
    flags each output row. Within a side, referential channels follow the library's double
    banana chains (Fp1 F7 T7 P7 O1, then F3 C3 P3) and bipolar rows keep their montage (or file)
    order. ``bad_rows`` flags the bad input rows: left out of the common average (as MNE does);
    a derivation is bad when its recorded channel or either electrode is (a site counts as bad
    only when no good row has it).
    """
    from ictaltrack import electrodes

    if montage not in SEIZURE_MONTAGES:
        raise ValueError(f"montage must be one of {SEIZURE_MONTAGES}, got {montage!r}")
    inputs = _core.parse_labels(list(labels)) if len(labels) else []
    sites_bad = {n for p, flag in zip(inputs, bad_rows) if flag for n in (p["label"], p["name"])}
    sites_bad -= {
        n for p, flag in zip(inputs, bad_rows) if not flag for n in (p["label"], p["name"])
    }
    sites_bad.discard("")
    if montage == "average":
        data, labels = electrodes.average_reference(data, labels, bad=list(bad_rows))
    elif montage == "double banana":
        data, labels = electrodes.bipolar(data, labels, montage="double_banana", on_missing="skip")
        if not labels:
            raise ValueError("the recording gives none of the double banana derivations")
    rank = _electrode_rank()
    parsed = _core.parse_labels(list(labels))
    if montage == "as recorded":
        bad_out = list(bad_rows)
    else:
        bad_out = [
            bool({p["label"], p["name"], p["anode"], p["cathode"]} & sites_bad) for p in parsed
        ]

    def key(i: int) -> tuple[int, int]:
        p = parsed[i]
        side = _HEMISPHERE_ROWS.get(p["hemisphere"], 3)
        if p["is_bipolar"]:
            return side, len(rank) + i
        return side, rank.get(p["name"], len(rank) + i)

    return data, list(labels), sorted(range(len(labels)), key=key), bad_out


#: Usual display sensitivities (uV/mm) that ``sensitivity_uv_per_mm="auto"`` chooses from.
SENSITIVITY_STEPS = (
    1,
    2,
    3,
    5,
    7,
    10,
    15,
    20,
    30,
    50,
    70,
    100,
    150,
    200,
    300,
    500,
    700,
    1000,
    2000,
    5000,
)


def auto_sensitivity(data: Any, lane_mm: float) -> float:
    """The most sensitive of :data:`SENSITIVITY_STEPS` at which the median row of ``data``
    (uV, rows = traces) has its 2-98 percentile range within 80 % of a ``lane_mm`` lane."""
    import numpy as np

    low, high = np.nanpercentile(data, [2, 98], axis=1)
    spread = float(np.nanmedian(high - low)) if len(low) else 0.0
    return float(
        next((s for s in SENSITIVITY_STEPS if spread <= 0.8 * lane_mm * s), SENSITIVITY_STEPS[-1])
    )


def _trace_facts(label: str, seizure: dict[str, Any]) -> tuple[bool, float | None]:
    """``(is_onset_channel, own_onset_s)`` of one displayed trace.

    A derivation (``F8-T8``, ``T8-AVG``) counts as an onset channel when its label, site or
    either electrode is one; its own onset is the recorded channel's, else the earliest of its
    electrodes'.
    """
    p = _core.parse_label(label)
    names = {label, p["name"], p["anode"], p["cathode"]} - {""}
    onsets = seizure["channel_onsets"]
    own = onsets.get(p["name"], onsets.get(label))
    if own is None:
        found = [onsets[n] for n in (p["anode"], p["cathode"]) if n in onsets]
        own = min(found) if found else None
    return bool(names & set(seizure["onset_channels"])), own


def _bad_names(result: DetectionResult) -> set[str]:
    return {
        n for c in result._channels if c["status"] == "bad" for n in (c["label"], c["name"]) if n
    }


def _clock_formatter(result: DetectionResult) -> Any:
    from datetime import timedelta

    ticker = require("matplotlib.ticker", extra="plot")
    start = result.start_datetime

    def clock(seconds: float, _position: Any = None) -> str:
        if start is None:
            return ""
        return (start + timedelta(seconds=float(seconds))).strftime("%H:%M:%S")

    return ticker.FuncFormatter(clock)


def plot_seizure(
    result: DetectionResult,
    index: int,
    source: Any = None,
    *,
    before_s: float = 10.0,
    after_s: float = 30.0,
    montage: str = "as recorded",
    sensitivity_uv_per_mm: float | str = "auto",
    lane_mm: float = 7.0,
    scale_bar_mm: float = 5.0,
    negative_up: bool = True,
    seconds_per_inch: float = 2.5,
) -> matplotlib.figure.Figure:
    """The EEG around seizure ``index`` (0-based position in onset order) as a reader sees it.

    Traces run top to bottom in montage order (left chain, right chain, midline, then the
    rest), one lane of ``lane_mm`` millimetres each at a fixed sensitivity of
    ``sensitivity_uv_per_mm`` (the figure is sized so that this holds on the saved image at
    its physical size); a vertical scale bar of ``scale_bar_mm`` shows it in microvolts. Each
    trace is the signal minus its median over the page, clipped to its lane, so an artifact
    cannot flatten its neighbours; negative is drawn up (the clinical convention) unless
    ``negative_up`` is false. The x axis is seconds from the recording start (bottom) and
    clock time (top, from the header's start). A red line marks the seizure onset, a shaded
    band the seizure; onset channels are drawn and labelled in red, each trace's own onset
    (``channel_onsets``) is ticked on it, bad channels are grey.

    Parameters
    ----------
    index : int
        Position of the seizure in :attr:`DetectionResult.seizures` (0-based; the title gives
        the 1-based number used in the CSV).
    source : path, Recording or MNE Raw, optional
        Where the samples come from (default: ``result.file``). Only the shown span is read.
    before_s, after_s : float
        Seconds shown before and after the onset.
    montage : {"as recorded", "double banana", "average"}
        The file's channels, the library's double banana (:func:`ictaltrack.bipolar`,
        derivations the file cannot give are left out) or the common average
        (:func:`ictaltrack.average_reference`, bad channels left out of the average).
    sensitivity_uv_per_mm : float or "auto"
        Microvolts per millimetre. ``"auto"`` takes the most sensitive of the usual steps
        (:data:`SENSITIVITY_STEPS`) at which the median trace's 2-98 percentile range fits in
        80 % of a lane (:func:`auto_sensitivity`); pass a number to compare pages.
    lane_mm, scale_bar_mm : float
        Height of one trace's lane and of the scale bar, in millimetres.
    negative_up : bool
        Draw negative voltage up (the clinical convention; default).
    seconds_per_inch : float
        Horizontal scale of the page (the width follows from the span).
    """
    plt = require("matplotlib.pyplot", extra="plot")
    import numpy as np

    if not -len(result) <= index < len(result):
        raise IndexError(f"seizure {index} out of range ({len(result)} seizures)")
    if lane_mm <= 0 or before_s < 0 or after_s <= 0 or seconds_per_inch <= 0:
        raise ValueError(
            "lane_mm, after_s and seconds_per_inch must be positive and before_s not negative"
        )
    if not (
        sensitivity_uv_per_mm == "auto"
        or (isinstance(sensitivity_uv_per_mm, (int, float)) and sensitivity_uv_per_mm > 0)
    ):
        raise ValueError(
            f"sensitivity_uv_per_mm must be a positive number or 'auto', got "
            f"{sensitivity_uv_per_mm!r}"
        )
    k = index % len(result)
    seizure = result._seizures[k]
    onset_s = seizure["onset_s"]
    raw, labels, sfreq, t_first, bad_rows = _read_span(
        result, source, max(0.0, onset_s - before_s), onset_s + after_s
    )
    data, labels, order, bad_out = montage_traces(raw, labels, montage, bad_rows)
    times = t_first + np.arange(data.shape[1]) / sfreq
    sensitivity = (
        auto_sensitivity(data, lane_mm)
        if sensitivity_uv_per_mm == "auto"
        else float(sensitivity_uv_per_mm)
    )

    lane_uv = lane_mm * sensitivity
    n = len(order)
    margins_in = {"left": 1.0, "right": 1.0, "top": 0.95, "bottom": 0.55}
    axes_w = max(6.0, (times[-1] - times[0]) / seconds_per_inch)
    axes_h = n * lane_mm / 25.4
    fig_w = axes_w + margins_in["left"] + margins_in["right"]
    fig_h = axes_h + margins_in["top"] + margins_in["bottom"]
    fig = plt.figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes(
        (margins_in["left"] / fig_w, margins_in["bottom"] / fig_h, axes_w / fig_w, axes_h / fig_h)
    )
    sign = -1.0 if negative_up else 1.0
    ax.axvspan(
        onset_s, min(seizure["offset_s"], times[-1]), color="#fff0ee", zorder=0, gid="seizure-span"
    )
    ax.axvline(onset_s, color="red", lw=1.2, zorder=3, gid="seizure-onset")
    tick_labels = []
    for row, i in enumerate(order):
        centre = -row * lane_uv
        trace = sign * (data[i] - np.median(data[i]))
        trace = np.clip(trace, -lane_uv / 2, lane_uv / 2) + centre
        is_onset, own = _trace_facts(labels[i], seizure)
        is_bad = bad_out[i]
        colour = "0.65" if is_bad else "#c00000" if is_onset else "black"
        ax.plot(
            times,
            trace,
            color=colour,
            lw=0.6 if is_onset else 0.4,
            zorder=2,
            gid=f"trace:{labels[i]}",
        )
        if own is not None and times[0] <= own <= times[-1]:
            ax.plot(
                [own],
                [centre],
                marker="|",
                ms=lane_mm * 72 / 25.4,
                mew=2.5,
                color="#1f77b4",
                alpha=0.9,
                zorder=4,
                gid=f"channel-onset:{labels[i]}",
            )
        # Old temporal names (T3/T4/T5/T6) get the modern one the onset channels use.
        site = _core.parse_label(labels[i])["name"]
        shown = (
            labels[i]
            if site.lower() in (labels[i].lower(), "") or "-" in site
            else (f"{labels[i]} ({site})")
        )
        tick_labels.append((shown + (" (bad)" if is_bad else ""), colour, is_onset))
    ax.set_yticks([-row * lane_uv for row in range(n)], [t[0] for t in tick_labels])
    for tick, (_, colour, is_onset) in zip(ax.get_yticklabels(), tick_labels):
        tick.set_color(colour)
        tick.set_fontweight("bold" if is_onset else "normal")
    ax.tick_params(axis="y", labelsize=7, length=0)
    ax.set_ylim(-(n - 0.5) * lane_uv, 0.5 * lane_uv)
    ax.set_xlim(times[0], times[-1])
    ax.set_xlabel("time from recording start (s)")
    ax.grid(axis="x", color="0.85", lw=0.5)
    top = ax.secondary_xaxis("top")
    top.xaxis.set_major_formatter(_clock_formatter(result))
    top.tick_params(labelsize=7)
    # Scale bar just right of the traces, bottom lane: scale_bar_mm at the stated sensitivity.
    bar_uv = scale_bar_mm * sensitivity
    x_bar = times[-1] + 0.02 * (times[-1] - times[0])
    y_low = -(n - 0.5) * lane_uv + 0.1 * lane_uv
    ax.plot(
        [x_bar, x_bar], [y_low, y_low + bar_uv], color="black", lw=2, clip_on=False, gid="scale-bar"
    )
    ax.text(
        x_bar,
        y_low + bar_uv / 2,
        f" {bar_uv:g} uV\n {sensitivity:g} uV/mm",
        fontsize=7,
        va="center",
        ha="left",
        clip_on=False,
    )
    ax.set_title(
        f"seizure {k + 1}: {seizure['hemisphere']} {seizure['region']}, onset "
        f"{onset_s:.1f} s, {montage} montage, {sensitivity:g} uV/mm; "
        "onset channels (red): "
        f"{', '.join(seizure['onset_channels']) or 'none'}; blue ticks: each "
        "channel's onset",
        fontsize=8,
        # A fixed place clear of the clock labels of the top axis (about 16 points tall),
        # not matplotlib's search for free room above them, which cost a sixth of the page.
        y=1.0,
        pad=22,
    )
    return fig


def homologous_channel(label: str, labels: list[str]) -> str | None:
    """The channel of ``labels`` mirroring ``label`` across the midline (T8 for T7, Fp2-F8 for
    Fp1-F7), found by 2D head-map position; None when there is none or ``label`` is midline."""
    table = _core.parse_labels([label, *labels])
    me, others = table[0], table[1:]
    if me["hemisphere"] not in ("left", "right") or not math.isfinite(me["x2d"]):
        return None
    best, best_distance = None, 0.05  # head radius 1: well below the spacing of 10-10 sites
    for candidate, p in zip(labels, others):
        if p["hemisphere"] == me["hemisphere"] or not math.isfinite(p["x2d"]):
            continue
        distance = math.hypot(p["x2d"] + me["x2d"], p["y2d"] - me["y2d"])
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


def onset_spectrogram_bands(fmax_hz: float = 30.0) -> list[tuple[str, float, float]]:
    """The 1 Hz bands of :func:`plot_onset_spectrogram`: ``("1-2 Hz", 1, 2)`` up to
    ``fmax_hz`` (from 1 Hz: a 2 s window holds two cycles of the lowest edge)."""
    return [(f"{f}-{f + 1} Hz", float(f), float(f + 1)) for f in range(1, int(fmax_hz))]


def plot_onset_spectrogram(
    result: DetectionResult,
    index: int,
    source: Any = None,
    *,
    before_s: float = 10.0,
    after_s: float = 30.0,
    fmax_hz: float = 30.0,
    window_s: float = 2.0,
    step_s: float = 0.25,
    max_channels: int = 4,
) -> matplotlib.figure.Figure:
    """Band power over time of seizure ``index``'s onset channels (left column, earliest
    first, at most ``max_channels``) and their homologous channels on the other side (right
    column), so the rhythm can be seen to appear, evolve and spread.

    Power comes from :func:`ictaltrack.band_power` on the recorded channels over the shown span
    (1 Hz bands up to ``fmax_hz``, ``window_s`` Hann windows every ``step_s``), drawn in
    dB (10 log10 uV^2) at each window's centre with one colour scale for all panels. The red
    line marks the seizure onset. ``index`` is 0-based as in :func:`plot_seizure`.
    """
    plt = require("matplotlib.pyplot", extra="plot")
    import numpy as np

    from ictaltrack.spectral import band_power

    if not -len(result) <= index < len(result):
        raise IndexError(f"seizure {index} out of range ({len(result)} seizures)")
    k = index % len(result)
    seizure = result._seizures[k]
    onset_s = seizure["onset_s"]
    raw, labels, sfreq, t_first, _ = _read_span(
        result,
        source,
        max(0.0, onset_s - before_s - window_s / 2),
        onset_s + after_s + window_s / 2,
    )
    parsed = _core.parse_labels(labels)
    wanted = (
        list(seizure["onset_channels"])
        or sorted(seizure["channel_onsets"], key=seizure["channel_onsets"].get)[:2]
    )
    rows: list[tuple[str, str | None]] = []
    for name in wanted:
        match = next((lab for lab, p in zip(labels, parsed) if name in (lab, p["name"])), None)
        if match is not None and all(match != r[0] for r in rows):
            rows.append((match, homologous_channel(match, labels)))
        if len(rows) == max_channels:
            break
    if not rows:
        raise ValueError(f"seizure {k + 1} names no onset channel found in the source")
    shown = [lab for pair in rows for lab in pair if lab is not None]
    picks = [labels.index(lab) for lab in dict.fromkeys(shown)]
    bands = onset_spectrogram_bands(fmax_hz)
    power = band_power(raw[picks], sfreq, bands=bands, window_s=window_s, step_s=step_s)
    decibels = 10 * np.log10(np.maximum(power.power, 1e-12))  # (windows, channels, bands)
    centres = t_first + power.times
    freqs = np.array([(low + high) / 2 for _, low, high in bands])
    finite = decibels[np.isfinite(decibels)]
    vmin, vmax = np.percentile(finite, [5, 99.5]) if finite.size else (0.0, 1.0)

    # A fixed layout (margins in inches), not constrained layout: the report draws one of
    # these per seizure and constrained layout was most of the time.
    height = 1.0 + 1.7 * len(rows)
    fig, axes = plt.subplots(
        len(rows), 2, figsize=(11, height), sharex=True, sharey=True, squeeze=False
    )
    fig.subplots_adjust(
        left=0.06, right=0.87, bottom=0.55 / height, top=1 - 0.5 / height, hspace=0.3, wspace=0.04
    )
    column_of = {lab: j for j, lab in enumerate(dict.fromkeys(shown))}
    mesh = None
    for r, pair in enumerate(rows):
        for c, lab in enumerate(pair):
            ax = axes[r][c]
            if lab is None:
                ax.text(
                    0.5,
                    0.5,
                    "no homologous channel",
                    ha="center",
                    va="center",
                    transform=ax.transAxes,
                    fontsize=8,
                )
                ax.set_facecolor("0.92")
                continue
            mesh = ax.pcolormesh(
                centres,
                freqs,
                decibels[:, column_of[lab], :].T,
                shading="nearest",
                cmap="magma",
                vmin=vmin,
                vmax=vmax,
                gid=f"spectrogram:{lab}",
            )
            ax.axvline(onset_s, color="red", lw=1.2, gid="seizure-onset")
            if seizure["offset_s"] <= centres[-1]:
                ax.axvline(seizure["offset_s"], color="red", lw=1.0, ls="--")
            side = "onset" if c == 0 else "homologous"
            ax.set_title(f"{lab} ({side})", fontsize=8, loc="left", y=1.0)  # fixed: faster
            if c == 0:
                ax.set_ylabel("Hz")
    for ax in axes[-1]:
        ax.set_xlabel("time from recording start (s)")
    if mesh is not None:
        colour_axes = fig.add_axes((0.89, 0.55 / height + 0.05, 0.013, 1 - 1.05 / height - 0.1))
        fig.colorbar(mesh, cax=colour_axes, label="band power (dB re 1 uV^2)")
    fig.suptitle(
        f"seizure {k + 1}: {seizure['hemisphere']} {seizure['region']}, onset "
        f"{onset_s:.1f} s (red line); 1 Hz bands, {window_s:g} s windows every "
        f"{step_s:g} s",
        fontsize=9,
        y=1 - 0.12 / height,
        va="top",
    )
    return fig
