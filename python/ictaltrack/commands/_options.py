"""Options shared by the sub-commands, so that each means one thing everywhere.

- ``--json OUT|-``: write the command's JSON to the file OUT (atomically) or, with ``-``, to
  stdout; the human-readable text then goes to stderr (or is left out with ``--quiet``), so
  stdout holds nothing but the JSON.
- ``-q/--quiet``: print nothing but errors and warnings.
- ``--threads N``: worker threads of the computation (0 = all cores).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO


def add_json_option(parser: argparse.ArgumentParser, what: str = "the result") -> None:
    parser.add_argument(
        "--json",
        metavar="OUT|-",
        default=None,
        help=f"write {what} as JSON to OUT, or to stdout with '-' (the text "
        "output then goes to stderr)",
    )


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing but errors and warnings"
    )


def add_threads_option(parser: argparse.ArgumentParser, default: int, what: str) -> None:
    parser.add_argument(
        "--threads",
        type=int,
        default=default,
        metavar="N",
        help=f"worker threads {what} (0 = all cores; default {default})",
    )


def write_json(text: str, target: str) -> None:
    """``text`` to stdout (``target == "-"``) or atomically to the file ``target``."""
    if target == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    from ictaltrack._atomic import write_text

    write_text(target, text if text.endswith("\n") else text + "\n")


def text_stream(args: Any) -> TextIO | None:
    """Where the human-readable output goes: None with ``--quiet``, stderr when the JSON takes
    stdout, else stdout."""
    if getattr(args, "quiet", False):
        return None
    return sys.stderr if getattr(args, "json", None) == "-" else sys.stdout
