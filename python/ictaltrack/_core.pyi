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
_BandTuple = tuple[str, float, float]

def default_bands() -> list[_BandTuple]: ...
def band_power(
    data: npt.ArrayLike,
    sfreq: float,
    bands: list[_BandTuple] | None = None,
    window_s: float = 2.0,
    step_s: float = 1.0,
    window: str = "hann",
    detrend: str = "constant",
    relative: bool = False,
    total_range: tuple[float, float] | None = None,
    n_threads: int = 1,
    planning: str = "estimate",
    wisdom_path: str = "",
) -> tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.int64],
    npt.NDArray[np.float64],
    list[str],
    list[_BandTuple],
    tuple[float, float],
]: ...

class BandPowerEngine:
    def __init__(
        self,
        sfreq: float,
        n_channels: int,
        bands: list[_BandTuple] | None = None,
        window_s: float = 2.0,
        step_s: float = 1.0,
        window: str = "hann",
        detrend: str = "constant",
        relative: bool = False,
        total_range: tuple[float, float] | None = None,
        n_threads: int = 1,
        planning: str = "estimate",
        wisdom_path: str = "",
    ) -> None: ...
    def push(
        self, chunk: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
    def begin_segment(self, start_sample: int) -> None: ...
    @property
    def sfreq(self) -> float: ...
    @property
    def n_channels(self) -> int: ...
    @property
    def window_samples(self) -> int: ...
    @property
    def step_samples(self) -> int: ...
    @property
    def frequency_resolution(self) -> float: ...
    @property
    def bands(self) -> list[_BandTuple]: ...
    @property
    def total_range(self) -> tuple[float, float]: ...
    @property
    def relative(self) -> bool: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def stream_position(self) -> int: ...
    @property
    def buffered_samples(self) -> int: ...

def butterworth_lowpass(order: int, cutoff_hz: float, sfreq: float) -> npt.NDArray[np.float64]: ...
def butterworth_highpass(order: int, cutoff_hz: float, sfreq: float) -> npt.NDArray[np.float64]: ...
def notch_filter(notch_hz: float, quality: float, sfreq: float) -> npt.NDArray[np.float64]: ...

class SosFilter:
    def __init__(self, sos: npt.ArrayLike, n_channels: int) -> None: ...
    def process(self, data: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
    def reset(self) -> None: ...
    state: npt.NDArray[np.float64]  # (n_channels, n_sections, 2)
    @property
    def sos(self) -> npt.NDArray[np.float64]: ...
    @property
    def n_channels(self) -> int: ...
    @property
    def n_sections(self) -> int: ...

# --- electrodes ---

# --- simulate ---

# --- scoring ---
