"""ictaltrack: find seizures in long multichannel EEG, localise each onset, track migration.

Units and time bases (everywhere in the package):

- EEG samples are returned in microvolts (``units="uV"``) unless another unit is asked for.
- Times are seconds from the first sample of the recording (``float``); inside the C++ core time
  is kept as integer sample indices and 100 ns ticks.
- Data arrays are ``(n_channels, n_times)``, like MNE.
"""

from ictaltrack._core import __version__
from ictaltrack import batch  # Dask is imported only when a batch runs
from ictaltrack.detection import DetectionResult, detect, detector_defaults
from ictaltrack.electrodes import (
    average_reference,
    bipolar,
    channel_table,
    electrode_positions,
    montage_names,
    neighbours,
    parse_label,
)
from ictaltrack.edf_writer import write_edf
from ictaltrack.errors import Error, FormatError, IoError, UnsupportedError
from ictaltrack.filters import SosFilter, butterworth_highpass, butterworth_lowpass, notch_filter
from ictaltrack.io import Recording, read_edf
from ictaltrack.scoring import evaluate
from ictaltrack.simulate import simulate, simulate_array, simulation_defaults
from ictaltrack.spectral import (
    DEFAULT_BANDS,
    Band,
    BandPowerResult,
    BandPowerStream,
    band_power,
)

__all__ = [
    "__version__",
    # errors
    "Error",
    "FormatError",
    "IoError",
    "UnsupportedError",
    # reading recordings
    "Recording",
    "read_edf",
    "write_edf",
    # signal conditioning and band power
    "SosFilter",
    "butterworth_highpass",
    "butterworth_lowpass",
    "notch_filter",
    "DEFAULT_BANDS",
    "Band",
    "BandPowerResult",
    "BandPowerStream",
    "band_power",
    # electrode knowledge and montages
    "average_reference",
    "bipolar",
    "channel_table",
    "electrode_positions",
    "montage_names",
    "neighbours",
    "parse_label",
    # simulation and scoring
    "simulate",
    "simulate_array",
    "simulation_defaults",
    "evaluate",
    # detection and migration
    "DetectionResult",
    "detect",
    "detector_defaults",
]
