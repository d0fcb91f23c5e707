# Type stubs for the private extension module ictaltrack._core. One section per pipeline stage.
from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str

class Error(RuntimeError): ...
class FormatError(Error):
    field: str
    signal: int
    byte_offset: int
class IoError(Error):
    path: str
class UnsupportedError(Error): ...

# --- io ---

# --- spectral ---

# --- electrodes ---

# --- simulate ---
def simulation_defaults() -> dict[str, Any]: ...
def simulate_to_edf(edf_path: str, options: dict[str, Any], json_path: str = "") -> str: ...

# --- scoring ---

def score_events(
    reference: npt.ArrayLike,
    hypothesis: npt.ArrayLike,
    duration_s: float,
    *,
    tolerance_start_s: float = 30.0,
    tolerance_end_s: float = 60.0,
    min_overlap: float = 0.0,
    max_event_duration_s: float = 300.0,
    min_duration_between_events_s: float = 90.0,
    resolution_hz: float = 10.0,
) -> dict[str, Any]: ...
