"""Agreement of detected migration (transitions, summary) with the simulator's truth.

Usage: .venv/bin/python bench/migration_agreement.py [--samples] [--suite] [--only NAME ...]

For each recording the truth's seizures and the detector's seizures both go through the same
migration tracker (ictaltrack.DetectionResult). True seizures are matched one-to-one to
detections with ictaltrack.scoring.match_seizures (SzCORE tolerances). Reported, per recording
and pooled (definitions in docs/migration.md, "Agreement with the truth"):

- pairs: consecutive true pairs with both members matched;
- shift: of those pairs, the fraction whose detected shift class (tracker applied to the two
  matched detections) equals the true shift class;
- overlap: the fraction whose detected overlap flag equals the true one;
- verdict: whether the `migrating` verdicts of truth and detection agree;
- switch rate of truth and detection (all seizures, matched or not).

Suite recordings are cached in $ICTALTRACK_EVAL_DIR (default ~/.cache/ictaltrack/eval).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import ictaltrack
from ictaltrack import _core, evaluation
from ictaltrack.scoring import match_seizures

ROOT = Path(__file__).resolve().parent.parent


def truth_as_detection(truth_path: Path) -> dict[str, Any]:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    seizures = [
        {
            "onset_s": s["onset_s"],
            "offset_s": s["offset_s"],
            "hemisphere": s["hemisphere"],
            "region": s["region"],
            "onset_channels": list(s["focus_electrodes"]),
        }
        for s in truth["seizures"]
    ]
    return {"file": str(truth_path), "duration_s": truth["duration_s"], "seizures": seizures}


def compare(name: str, edf: Path, truth_path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    detected = ictaltrack.detect(edf)
    seconds = time.perf_counter() - started
    truth = ictaltrack.DetectionResult.from_dict(truth_as_detection(truth_path))
    t_seizures = truth._seizures
    d_seizures = detected._seizures
    match = match_seizures(t_seizures, d_seizures, truth.duration_s)
    pairs = shift_hits = overlap_hits = 0
    for k, transition in enumerate(truth._transitions):
        j0, j1 = match[k], match[k + 1]
        if j0 is None or j1 is None:
            continue
        pairs += 1
        tracked = _core.track_migration([d_seizures[j0], d_seizures[j1]])
        detected_transition = tracked["transitions"][0]
        # The tracker orders by onset; a swapped pair counts as a disagreement of shift too.
        shift_hits += (
            tracked["order"] == [0, 1] and detected_transition["shift"] == transition["shift"]
        )
        overlap_hits += (d_seizures[j1]["onset_s"] < d_seizures[j0]["offset_s"]) == transition[
            "overlap"
        ]
    return {
        "name": name,
        "true": len(t_seizures),
        "detected": len(d_seizures),
        "matched": sum(j is not None for j in match),
        "pairs": pairs,
        "shift_hits": shift_hits,
        "overlap_hits": overlap_hits,
        "true_overlaps": truth.summary["n_overlapping_pairs"],
        "detected_overlaps": detected.summary["n_overlapping_pairs"],
        "true_rate": truth.summary["hemisphere_switch_rate"],
        "detected_rate": detected.summary["hemisphere_switch_rate"],
        "true_migrating": truth.summary["migrating"],
        "detected_migrating": detected.summary["migrating"],
        "seconds": seconds,
    }


def _fraction(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.2f})" if total else "-"


def _rate(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.2f}"


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| recording | true | detected | matched | pairs | shift agrees | overlap agrees "
        "| overlaps true/det | switch rate true/det | migrating true/det |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['true']} | {r['detected']} | {r['matched']} | {r['pairs']} | "
            f"{_fraction(r['shift_hits'], r['pairs'])} | "
            f"{_fraction(r['overlap_hits'], r['pairs'])} | "
            f"{r['true_overlaps']}/{r['detected_overlaps']} | "
            f"{_rate(r['true_rate'])}/{_rate(r['detected_rate'])} | "
            f"{'yes' if r['true_migrating'] else 'no'}/"
            f"{'yes' if r['detected_migrating'] else 'no'} |"
        )
    pairs = sum(r["pairs"] for r in rows)
    verdicts = sum(r["true_migrating"] == r["detected_migrating"] for r in rows)
    lines.append(
        f"| **pooled** | {sum(r['true'] for r in rows)} | {sum(r['detected'] for r in rows)} "
        f"| {sum(r['matched'] for r in rows)} | {pairs} | "
        f"{_fraction(sum(r['shift_hits'] for r in rows), pairs)} | "
        f"{_fraction(sum(r['overlap_hits'] for r in rows), pairs)} | "
        f"{sum(r['true_overlaps'] for r in rows)}/{sum(r['detected_overlaps'] for r in rows)} "
        f"| | verdict agrees {_fraction(verdicts, len(rows))} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", action="store_true", help="the sample_edf/ recordings")
    parser.add_argument("--suite", action="store_true", help="the make-eval suite recordings")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="suite recordings to use")
    args = parser.parse_args(argv)
    jobs: list[tuple[str, Path, Path]] = []
    if args.samples or not args.suite:
        for edf in sorted((ROOT / "sample_edf").glob("*.edf")):
            jobs.append((edf.stem, edf, edf.with_suffix(".json")))
    if args.suite:
        for recording in evaluation.SUITE:
            if args.only and recording.name not in args.only:
                continue
            edf, truth = evaluation.generate(recording)
            jobs.append((recording.name, edf, truth))
    rows = []
    for name, edf, truth in jobs:
        rows.append(compare(name, edf, truth))
        print(f"{name}: {rows[-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
