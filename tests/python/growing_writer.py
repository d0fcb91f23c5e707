"""Plays an acquisition system: copies an EDF/BDF file record by record into a new file at a
multiple of real time, as a recorder appends data records while it records.

``python growing_writer.py SRC DST [--count unknown|stale] [--speed 20] [--pause-every 15]``

- ``--count unknown``: the header written first says -1 records (EDF+ "recording in progress")
  and stays so.
- ``--count stale``: the header first says 0 records; every 40 records the count is rewritten to
  a value 10 records behind the data (a recorder updating its header now and then), and the true
  count is written at the end.
- Every ``--pause-every``-th record is written in two halves with a pause in between, so that a
  reader often sees half a record at the end of the file.

Knows nothing of ictaltrack: the three header fields it needs are read from the bytes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def _count_field(value: int) -> bytes:
    return str(value).ljust(8).encode("ascii")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--count", choices=("unknown", "stale"), default="unknown")
    parser.add_argument("--speed", type=float, default=20.0)
    parser.add_argument("--pause-every", type=int, default=15)
    args = parser.parse_args()

    data = args.source.read_bytes()
    header_bytes = int(data[184:192])
    n_records = int(data[236:244])
    record_s = float(data[244:252])
    record_bytes = (len(data) - header_bytes) // n_records
    assert header_bytes + n_records * record_bytes == len(data)
    delay = record_s / args.speed

    header = bytearray(data[:header_bytes])
    header[236:244] = _count_field(-1 if args.count == "unknown" else 0)
    with open(args.target, "wb", buffering=0) as out:
        out.write(header)
        for r in range(n_records):
            record = data[header_bytes + r * record_bytes : header_bytes + (r + 1) * record_bytes]
            if args.pause_every and r % args.pause_every == args.pause_every // 2:
                half = record_bytes // 2 + 3  # not on a sample boundary either
                out.write(record[:half])
                time.sleep(2 * delay)
                out.write(record[half:])
            else:
                out.write(record)
            if args.count == "stale" and r % 40 == 39:
                out.seek(236)
                out.write(_count_field(max(0, r + 1 - 10)))
                out.seek(0, 2)
            time.sleep(delay)
        if args.count == "stale":
            out.seek(236)
            out.write(_count_field(n_records))


if __name__ == "__main__":
    main()
