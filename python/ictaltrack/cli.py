"""The ``ictaltrack`` command line.

Each sub-command lives in ``ictaltrack.commands.<name>`` and provides ``add_parser(subparsers)``,
which registers its arguments and sets ``func`` to the function that runs it and returns an exit
code.

Exit codes (the same whichever entry point runs the command, see :func:`run_command`): 0 success;
1 unexpected internal error; 2 bad input (unreadable or malformed file, a file that cannot be
written, bad arguments, an option whose extra is not installed); 3 valid input that this version
does not support; 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ictaltrack import __version__
from ictaltrack._extras import MissingExtraError
from ictaltrack.errors import Error, UnsupportedError, public_name

#: Sub-command modules under ictaltrack.commands, in the order `--help` lists them.
COMMANDS = (
    "info",
    "channels",
    "bandpower",
    "detect",
    "follow",
    "report",
    "batch",
    "simulate",
    "evaluate",
)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_UNSUPPORTED = 3
EXIT_INTERRUPTED = 130


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or with ``only`` the parser of that one sub-command (what ``main`` uses
    when the command line names it first: the other commands' modules, and the libraries they
    import, are then not loaded; ``ictaltrack detect`` runs without importing NumPy)."""
    parser = argparse.ArgumentParser(
        prog="ictaltrack",
        description="Find seizures in long EEG recordings, localise their onsets, track migration.",
    )
    parser.add_argument("--version", action="version", version=f"ictaltrack {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"ictaltrack.commands.{name}").add_parser(subparsers)
    return parser


def _named_command(argv: list[str]) -> str | None:
    """The sub-command when it is the first argument (else None: e.g. ``--help``)."""
    if argv and argv[0] in COMMANDS:
        return argv[0]
    return None


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed sub-command and turn what it raises into the exit code (module docstring):
    the one mapping for every entry point (``ictaltrack``, ``python -m ictaltrack.cli``,
    ``python -m ictaltrack.commands.simulate``). Other exceptions propagate (a traceback and
    exit code 1: an internal error)."""
    try:
        return int(args.func(args) or 0)
    except MissingExtraError as error:
        # An option that needs an extra this installation lacks: a bad argument here.
        print(f"ictaltrack {args.command}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnsupportedError as error:
        print(f"ictaltrack {args.command}: UnsupportedError: {error}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    except (Error, OSError) as error:
        # ictaltrack's own errors (IoError is an OSError too) and the operating system refusing
        # an output file: bad input either way.
        print(f"ictaltrack {args.command}: {public_name(error)}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"ictaltrack {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_named_command(arguments))
    args = parser.parse_args(arguments)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
