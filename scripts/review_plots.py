"""Draw the review plots of one seizure from a detect JSON: the EEG page and the onset
spectrogram, as PNG files (used by `make demo`, and to make the README's pictures in docs/img).

Usage: review_plots.py DETECTIONS.json OUT_DIR [--seizure N] [--source EDF] [--before S]
                       [--after S] [--dpi D] [--palette N]
(N is the 1-based seizure number of the CSV; the source defaults to the JSON's file.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import ictaltrack  # noqa: E402
from ictaltrack.plotting import save_figure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("detections")
    parser.add_argument("out_dir")
    parser.add_argument("--seizure", type=int, default=1, help="1-based seizure number")
    parser.add_argument("--source", default=None, help="the recording (default: the JSON's)")
    parser.add_argument("--before", type=float, default=10.0, help="seconds before the onset")
    parser.add_argument("--after", type=float, default=30.0, help="seconds after the onset")
    parser.add_argument("--dpi", type=int, default=100)
    parser.add_argument(
        "--palette",
        type=int,
        default=0,
        help="re-save with at most this many colours (smaller files, docs/img)",
    )
    args = parser.parse_args()
    result = ictaltrack.DetectionResult.from_json(args.detections)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    k = args.seizure - 1
    written = []
    for name, figure in [
        ("eeg", result.plot_seizure(k, args.source, before_s=args.before, after_s=args.after)),
        (
            "onset_spectrogram",
            result.plot_onset_spectrogram(k, args.source, before_s=args.before, after_s=args.after),
        ),
    ]:
        path = out / f"seizure_{args.seizure}_{name}.png"
        save_figure(figure, path, dpi=args.dpi)
        if args.palette:
            from PIL import Image  # matplotlib's own dependency

            with Image.open(path) as image:
                image.convert("RGB").quantize(args.palette).save(path, optimize=True)
        written.append(str(path))
    print("review plots: " + " ".join(written))


if __name__ == "__main__":
    main()
