"""``ictaltrack info FILE [--json OUT|-]``: header summary of an EDF/BDF recording.

Prints the format, channels (label, rate, unit, samples), start time, duration, data records,
annotation count, discontinuities (gaps of EDF+D/BDF+D files) and reader warnings. Times are
seconds from the recording start. ``--json OUT`` writes the same content as one JSON object to
OUT (``-``: to stdout, the text then goes to stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from typing import Any

from ictaltrack.commands._options import (
    add_json_option,
    add_quiet_option,
    text_stream,
    write_json,
)
from ictaltrack.io import Recording, read_edf


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "info",
        help="summarise an EDF/BDF file (header, channels, annotations, gaps, warnings)",
        description=(__doc__ or "").splitlines()[0],
    )
    parser.add_argument("file", help="EDF, EDF+, BDF or BDF+ file")
    add_json_option(parser, "the summary")
    add_quiet_option(parser)
    parser.set_defaults(func=run)


def summary(recording: Recording) -> dict[str, Any]:
    """The ``info`` content as plain JSON-ready data (seconds from the recording start)."""
    info = recording.info
    return {
        "path": info.path,
        "format": info.format,
        "start": info.start_iso,
        "duration_s": info.duration,
        "n_records": info.n_records,
        "record_duration_s": info.record_duration,
        "n_signals": info.n_signals,
        "n_channels": len(info.channels),
        "sampling_rates_hz": info.sampling_rates,
        "patient": info.patient,
        "recording": info.recording,
        "channels": [
            {
                "index": channel.index,
                "label": channel.label,
                "unit": channel.unit,
                "sfreq": channel.sfreq,
                "samples_per_record": channel.samples_per_record,
                "n_samples": channel.n_samples,
                "physical_min": channel.physical_min,
                "physical_max": channel.physical_max,
                "digital_min": channel.digital_min,
                "digital_max": channel.digital_max,
                "transducer": channel.transducer,
                "prefilter": channel.prefilter,
                "usable": channel.usable,
            }
            for channel in info.channels
        ],
        "annotations": {
            "count": len(recording.annotations),
            "descriptions": dict(Counter(recording.annotations["description"]).most_common(20)),
        },
        "discontinuous": info.discontinuous,
        "gaps": [{"onset_s": onset, "duration_s": duration} for onset, duration in info.gaps],
        "segments": [
            {"onset_s": onset, "duration_s": duration, "first_record": first, "n_records": count}
            for onset, duration, first, count in info.segments
        ],
        "warnings": [
            {"code": warning.code, "message": warning.message, "signal": warning.signal}
            for warning in info.warnings
        ],
    }


def _print_text(data: dict[str, Any], stream: Any) -> None:
    print(f"file:        {data['path']}", file=stream)
    print(f"format:      {data['format']}", file=stream)
    print(f"start:       {data['start']}", file=stream)
    print(f"duration:    {data['duration_s']:g} s", file=stream)
    print(f"records:     {data['n_records']} x {data['record_duration_s']:g} s", file=stream)
    n_annotation_signals = data["n_signals"] - data["n_channels"]
    print(
        f"channels:    {data['n_channels']} (+{n_annotation_signals} annotation "
        f"signal{'' if n_annotation_signals == 1 else 's'})",
        file=stream,
    )
    width = max([len(c["label"]) for c in data["channels"]] + [5])
    if data["channels"]:
        print(
            f"  {'#':>3}  {'label':<{width}}  {'rate/Hz':>9}  {'unit':<6}  {'samples':>10}",
            file=stream,
        )
    for channel in data["channels"]:
        flag = "" if channel["usable"] else "  (unusable calibration)"
        print(
            f"  {channel['index']:>3}  {channel['label']:<{width}}  "
            f"{channel['sfreq']:>9g}  {channel['unit']:<6}  "
            f"{channel['n_samples']:>10}{flag}",
            file=stream,
        )
    print(f"annotations: {data['annotations']['count']}", file=stream)
    if data["discontinuous"]:
        print(f"gaps:        {len(data['gaps'])} (EDF+D/BDF+D)", file=stream)
        for gap in data["gaps"]:
            print(f"  at {gap['onset_s']:g} s for {gap['duration_s']:g} s", file=stream)
    print(f"warnings:    {len(data['warnings'])}", file=stream)
    for warning in data["warnings"]:
        where = f" (signal {warning['signal']})" if warning["signal"] >= 0 else ""
        print(f"  {warning['code']}{where}: {warning['message']}", file=stream)


def run(args: argparse.Namespace) -> int:
    recording = read_edf(args.file, verbose=False)
    try:
        data = summary(recording)
    finally:
        recording.close()
    try:
        if args.json:
            write_json(json.dumps(data, indent=2, ensure_ascii=False), args.json)
        stream = text_stream(args)
        if stream is not None:
            _print_text(data, stream)
            stream.flush()
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): not an error of this command.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
