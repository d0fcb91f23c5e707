"""One self-contained HTML report per recording (``ictaltrack report``,
:meth:`DetectionResult.to_html`).

The page holds the recording summary (channels, bad channels and why, warnings, gaps), the
timeline, the seizure and transition tables, the migration verdict with its reasons, and for each
seizure its onset map, EEG page and onset spectrogram. Images are PNG embedded as base64 ``data:``
URIs and the style sheet is inline, so the file opens with no network access. The page is
rendered from ``templates/report.html.j2`` with Jinja2 (the ``report`` extra), plots with
matplotlib (the ``plot`` extra).
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import io
import math
import multiprocessing
import os
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ictaltrack._atomic import write_text
from ictaltrack._extras import require

if TYPE_CHECKING:
    from ictaltrack.result import DetectionResult

__all__ = ["render_report", "write_report"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _png(figure: Any, dpi: int, colours: int) -> str:
    """The figure as base64 PNG text, reduced to ``colours`` colours (small files: a report of
    100 seizures holds 300 pictures); the figure is closed. Rendered with Agg straight into
    Pillow (one PNG encoding, not two)."""
    plt = require("matplotlib.pyplot", extra="plot")
    backend = require("matplotlib.backends.backend_agg", extra="plot")
    from PIL import Image  # matplotlib's own dependency

    figure.set_dpi(dpi)
    canvas = backend.FigureCanvasAgg(figure)
    canvas.draw()
    image = Image.frombuffer(
        "RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
    ).convert("RGB")
    plt.close(figure)
    # Fast octree keeps the few saturated colours (red onset, blue ticks) distinct.
    reduced = io.BytesIO()
    image.quantize(colours, method=Image.Quantize.FASTOCTREE).save(reduced, format="png")
    return base64.b64encode(reduced.getvalue()).decode("ascii")


def _number(value: Any, digits: int = 2) -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if not math.isfinite(value) else f"{value:.{digits}f}"


def _seizure_pictures(
    result: DetectionResult, k: int, source: Any, dpi: int, colours: int
) -> dict[str, Any]:
    """Seizure ``k``'s onset map, EEG page and onset spectrogram as base64 PNG text, and the
    reasons a picture could not be drawn."""
    pictures: dict[str, Any] = {
        "onset_map": _png(result.plot_onset_map(k), round(dpi * 1.4), colours),
        "eeg": "",
        "spectrogram": "",
        "problems": [],
    }
    # A page that cannot be drawn (no onset channel in the source, a span in a gap) is said in
    # the report instead of failing the whole report.
    for key, draw, scale in (
        ("eeg", result.plot_seizure, 1.0),
        ("spectrogram", result.plot_onset_spectrogram, 1.4),
    ):
        try:
            pictures[key] = _png(draw(k, source), round(dpi * scale), colours)
        except ValueError as error:
            pictures["problems"].append(f"{key}: {error}")
    return pictures


# State of a worker process of the pool: the result, its recording (opened once per process)
# and the picture settings.
_WORKER: dict[str, Any] = {}


def _start_worker(
    result: DetectionResult, path: str, dpi: int, colours: int, rc: dict[str, Any]
) -> None:
    matplotlib = require("matplotlib", extra="plot")
    matplotlib.use("Agg")
    matplotlib.rcParams.update(rc)  # the caller's style, so both routes draw the same pictures
    from ictaltrack.io import read_edf

    _WORKER.update(result=result, source=read_edf(path), dpi=dpi, colours=colours)


def _worker_pictures(k: int) -> dict[str, Any]:
    w = _WORKER
    return _seizure_pictures(w["result"], k, w["source"], w["dpi"], w["colours"])


def _process_count(workers: int, n_seizures: int) -> int:
    if workers < 0:
        raise ValueError(f"workers must be 0 (automatic) or positive, got {workers}")
    if workers == 0:
        # A worker process starts in about a second (Python, NumPy, matplotlib): worth it
        # from about four seizures each.
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        workers = min(cores or 1, n_seizures // 4)
    return max(1, min(workers, n_seizures))


def render_report(
    result: DetectionResult,
    source: Any = None,
    *,
    progress: Any = None,
    dpi: int = 50,
    colours: int = 64,
    workers: int = 1,
) -> str:
    """The report's HTML text (see the module docstring).

    Parameters
    ----------
    source : path, Recording or MNE Raw, optional
        The samples of the EEG pages and spectrograms (default ``result.file``). A path is
        opened once for the whole report (once per worker process).
    progress : callable, optional
        Called as ``progress(fraction, detail)`` after each seizure, e.g.
        :meth:`ictaltrack.progress.ProgressBar.show`.
    dpi, colours : int
        Resolution of the EEG pages (the timeline gets 1.8 times, onset maps and spectrograms
        1.4 times as many dots per inch) and colour count of the embedded pictures.
    workers : int
        Processes drawing the seizures' pictures: 1 (default) draws them in this process, N > 1
        in a pool of N processes (at most one per seizure), 0 picks one per core, at most one
        per four seizures. A pool needs the source as a path (default ``result.file``); with
        a ``Recording`` or MNE Raw the pictures are drawn here. The pool starts its processes
        with ``spawn``, so a script that calls this with ``workers != 1`` must do it under
        ``if __name__ == "__main__":``. The report is the same whichever route draws it.
    """
    jinja2 = require("jinja2", extra="report")
    matplotlib = require("matplotlib", extra="plot")
    from ictaltrack import __version__
    from ictaltrack.io import read_edf

    start = result.start_datetime
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    template = environment.get_template("report.html.j2")
    n_seizures = len(result._seizures)
    if source is None and result.file:
        source = result.file
    is_path = isinstance(source, (str, os.PathLike))
    processes = _process_count(workers, n_seizures) if is_path else 1

    pictures: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        stack.enter_context(matplotlib.rc_context({"figure.max_open_warning": 0}))
        # One open for the whole report (opening a long file reads its whole header); also
        # with a pool, so an unreadable file raises its own error here, before any process.
        recording = stack.enter_context(read_edf(source)) if is_path else None
        if processes > 1:
            rc = {
                key: value
                for key, value in matplotlib.rcParams.items()
                if not key.startswith("backend")
            }
            pool = stack.enter_context(
                concurrent.futures.ProcessPoolExecutor(
                    max_workers=processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(result, os.fspath(source), dpi, colours, rc),
                )
            )
            # Submitted in onset order, so the processes read the file front to back.
            futures = [pool.submit(_worker_pictures, k) for k in range(n_seizures)]
        elif recording is not None:
            source = recording
        # The EEG pages are large (and hold most of the bytes); the smaller pictures get more
        # dots per inch so their text stays readable. Drawn while the pool starts.
        timeline = _png(result.plot_timeline(), round(dpi * 1.8), colours)
        if processes > 1:
            try:
                for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                    future.result()  # a failure stops the report at once
                    if progress is not None:
                        progress(done / n_seizures, f"{done} of {n_seizures} seizures")
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pictures = [future.result() for future in futures]
        else:
            for k in range(n_seizures):
                pictures.append(_seizure_pictures(result, k, source, dpi, colours))
                if progress is not None:
                    progress((k + 1) / n_seizures, f"seizure {k + 1}")
    seizures = [
        {
            "number": k + 1,
            "onset_s": s["onset_s"],
            "offset_s": s["offset_s"],
            "hemisphere": s["hemisphere"],
            "region": s["region"],
            "confidence": _number(s.get("confidence")),
            "onset_channels": s["onset_channels"],
            "clock": ""
            if start is None
            else (start + timedelta(seconds=s["onset_s"])).strftime("%H:%M:%S"),
            **pictures[k],
        }
        for k, s in enumerate(result._seizures)
    ]
    summary = result.summary
    transitions = [
        {
            "from_number": t["from"] + 1,
            "to_number": t["to"] + 1,
            "shift": t["shift"],
            "interval_s": t["interval_s"],
            "overlap": t["overlap"],
            "distance": _number(t.get("distance_deg"), 0),
        }
        for t in result._transitions
    ]
    return template.render(
        version=__version__,
        name=Path(result.file).name or "recording",
        file=result.file,
        start_time=result.start_time,
        duration_s=result.duration_s,
        analysed="unknown"
        if not math.isfinite(result.analysed_s)
        else f"{result.analysed_s:.1f} s",
        channels=result._channels,
        bad_channels=[c for c in result._channels if c["status"] == "bad"],
        gaps=result.gaps,
        warnings=result.warnings,
        seizures=seizures,
        transitions=transitions,
        migrating=bool(summary.get("migrating")),
        verdict_reasons=[str(r) for r in summary.get("verdict_reasons") or []],
        switch_rate=_number(summary.get("hemisphere_switch_rate")),
        timeline=timeline,
    )


def write_report(
    result: DetectionResult, path: str | os.PathLike[str], source: Any = None, **options: Any
) -> None:
    """Write :func:`render_report` to ``path`` (UTF-8, atomically)."""
    write_text(path, render_report(result, source, **options))
