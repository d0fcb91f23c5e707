"""``ictaltrack channels FILE_OR_LABELS... [--json OUT|-] [--neighbours]``: what each label means.

Prints, per channel, the canonical site, kind, hemisphere and region (docs/electrodes.md). The
argument is an EDF/BDF file (its header labels are used; needs ``ictaltrack.io``) or channel
labels, given as separate arguments or comma-separated (``Fp1,F7,"EEG T3-REF"``).
"""

from __future__ import annotations

import json
import os
from typing import Any

from ictaltrack.commands._options import (
    add_json_option,
    add_quiet_option,
    text_stream,
    write_json,
)
from ictaltrack.electrodes import channel_table, neighbours

COLUMNS = ["label", "name", "kind", "hemisphere", "region", "is_bipolar", "reference"]


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "channels",
        help="describe channel labels (site, kind, hemisphere, region) of a file or a list",
        description=(__doc__ or "").splitlines()[0],
    )
    parser.add_argument(
        "items",
        nargs="+",
        metavar="FILE_OR_LABELS",
        help="an EDF/BDF file, or channel labels (separate or comma-separated)",
    )
    add_json_option(parser, "the list of channels")
    add_quiet_option(parser)
    parser.add_argument(
        "--neighbours", action="store_true", help="also list each channel's neighbours (labels)"
    )
    parser.set_defaults(func=run)


def labels_from(items: list[str]) -> list[str]:
    """Header labels of a single file argument, else the labels written on the command line."""
    if len(items) == 1 and os.path.isfile(items[0]):
        from ictaltrack.io import read_edf  # the reader stage; imported only for files

        return list(read_edf(items[0], verbose=False).info.ch_names)
    labels: list[str] = []
    for item in items:
        labels += [part.strip() for part in item.split(",") if part.strip()]
    return labels


def run(args: Any) -> int:
    labels = labels_from(args.items)
    table = channel_table(labels)[COLUMNS]
    if args.neighbours:
        matrix = neighbours(labels)
        table = table.assign(
            neighbours=[", ".join(labels[j] for j in row.nonzero()[0]) for row in matrix]
        )
    if args.json:
        write_json(json.dumps(table.to_dict(orient="records"), indent=1), args.json)
    stream = text_stream(args)
    if stream is not None:
        print(table.to_string(index=False), file=stream)
    return 0
