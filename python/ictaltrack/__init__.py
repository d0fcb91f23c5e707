"""ictaltrack: find seizures in long multichannel EEG, localise each onset, track migration.

Units and time bases (everywhere in the package):

- EEG samples are returned in microvolts (``units="uV"``) unless another unit is asked for.
- Times are seconds from the first sample of the recording (``float``); inside the C++ core time
  is kept as integer sample indices and 100 ns ticks.
- Data arrays are ``(n_channels, n_times)``, like MNE.
"""

from ictaltrack._core import __version__
from ictaltrack.errors import Error, FormatError, IoError, UnsupportedError
from ictaltrack.edf_writer import write_edf
from ictaltrack.simulate import simulate, simulate_array, simulation_defaults

__all__ = ["__version__", "Error", "FormatError", "IoError", "UnsupportedError"]
__all__ += ["simulate", "simulate_array", "simulation_defaults", "write_edf"]
