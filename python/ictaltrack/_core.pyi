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
# Times are int 100 ns ticks from the recording start; sample indices are per channel.
class EdfReader:
    def __init__(
        self, path: str, *, read_annotations: bool = True, clip_to_digital_range: bool = True
    ) -> None: ...
    def info(self) -> dict[str, Any]: ...
    def annotations(self) -> dict[str, Any]: ...
    def segments(self) -> list[dict[str, int]]: ...
    def sample_time(self, channel: int, sample: int) -> int: ...
    def read_physical_float64(
        self, channels: list[int], start: int, count: int
    ) -> npt.NDArray[np.float64]: ...
    def read_physical_float32(
        self, channels: list[int], start: int, count: int
    ) -> npt.NDArray[np.float32]: ...
    def read_digital(self, channels: list[int], start: int, count: int) -> npt.NDArray[np.int32]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

# --- spectral ---

# --- electrodes ---

# --- simulate ---

# --- scoring ---
