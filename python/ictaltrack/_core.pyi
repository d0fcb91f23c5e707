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
def simulate_samples(options: dict[str, Any]) -> tuple[npt.NDArray[np.float64], str]: ...
def write_edf(
    path: str,
    data: npt.NDArray[np.float64],
    sample_rate_hz: float,
    labels: list[str],
    annotations: list[tuple[float, float, str]],
    file_type: str,
    physical_min: float,
    physical_max: float,
    physical_dimension: str,
    record_duration_s: float,
    start: list[int],
) -> None: ...

# --- scoring ---
