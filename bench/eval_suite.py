"""`make eval`: generate the simulated evaluation suite (cached), detect, score, print one table.

Usage: .venv/bin/python bench/eval_suite.py [--only NAME ...] [--markdown docs/evaluation.md]
       .venv/bin/python bench/eval_suite.py --new-seeds 5000   (`make eval-new-seeds`)

The suite and the detector wrapper live in ictaltrack.evaluation. Recordings are cached in
$ICTALTRACK_EVAL_DIR (default ~/.cache/ictaltrack/eval), never in the repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ictaltrack import evaluation

#: The generated report ends where this heading starts: from it on, docs/evaluation.md is written
#: by hand (the real recordings) and kept as it is.
HAND_WRITTEN_HEADING = "## Real recordings"


def _hand_written_part(path: Path) -> str:
    """The hand-written tail of an existing report (a blank line, then HAND_WRITTEN_HEADING to the
    end), or ''."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    at = text.find("\n" + HAND_WRITTEN_HEADING + "\n")
    return "" if at < 0 else "\n" + text[at + 1 :]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these recordings")
    parser.add_argument(
        "--markdown",
        default=str(Path(__file__).resolve().parent.parent / "docs" / "evaluation.md"),
        help="where to write the Markdown report ('' to skip)",
    )
    parser.add_argument(
        "--new-seeds",
        type=int,
        metavar="OFFSET",
        help="instead of the suite: its tuned-on cases with every seed moved by OFFSET, at "
        "most 1 h each (a generalisation check; prints the table, writes no Markdown)",
    )
    args = parser.parse_args(argv)

    recordings = evaluation.SUITE
    if args.new_seeds is not None:
        recordings = evaluation.with_new_seeds(recordings, args.new_seeds)
        args.markdown = ""
    if args.only:
        unknown = set(args.only) - {r.name for r in recordings}
        if unknown:
            parser.error(f"unknown recordings: {', '.join(sorted(unknown))}")
        recordings = tuple(r for r in recordings if r.name in args.only)

    started = time.perf_counter()
    print(f"cache: {evaluation.cache_dir()}", file=sys.stderr)
    results = evaluation.run_suite(
        evaluation.ictaltrack_detector,
        recordings=recordings,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    seconds = time.perf_counter() - started
    label = evaluation.DETECTOR_LABEL
    print(evaluation.format_table(results, detector_label=label))
    print(f"\n{len(results)} recordings, {seconds:.0f} s", file=sys.stderr)
    if args.markdown:
        command = (
            "make eval" if not args.only else "bench/eval_suite.py --only " + " ".join(args.only)
        )
        target = Path(args.markdown)
        target.write_text(
            evaluation.format_markdown(
                results, detector_label=label, command=command, seconds=seconds
            )
            + _hand_written_part(target)
        )
        print(f"wrote {args.markdown}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
