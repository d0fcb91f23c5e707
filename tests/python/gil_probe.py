"""Shared check that a long C++ call releases the GIL (used by several test files).

With a huge switch interval the interpreter never takes the GIL away from a running thread, so
the main thread can run while the worker thread is inside the C++ call only if the binding
released the GIL there. If it did not, the main thread would wake up only after the call and
always see ``finished`` set. Retrying cannot hide a held GIL (that outcome is then certain); it
only absorbs a main thread that the OS scheduled too late.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def overlapped(call: Callable[[], object]) -> bool:
    """True when the main thread ran while `call` was still running in another thread."""
    previous_interval = sys.getswitchinterval()
    seen = []
    try:
        sys.setswitchinterval(100.0)
        for _ in range(3):
            started = threading.Event()
            finished = []

            def work(started: threading.Event, finished: list[bool]) -> None:
                started.set()
                call()
                finished.append(True)

            thread = threading.Thread(target=work, args=(started, finished))
            thread.start()
            started.wait()
            seen.append(not finished)
            thread.join()
            if seen[-1]:
                break
    finally:
        sys.setswitchinterval(previous_interval)
    return any(seen)
