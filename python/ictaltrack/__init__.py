"""ictaltrack: find seizures in long multichannel EEG, localise each onset, track migration.

Units and time bases (everywhere in the package):

- EEG samples are returned in microvolts (``units="uV"``) unless another unit is asked for.
- Times are seconds from the first sample of the recording (``float``); inside the C++ core time
  is kept as integer sample indices and 100 ns ticks.
- Data arrays are ``(n_channels, n_times)``, like MNE.
"""

import importlib as _importlib
import importlib.util as _importlib_util
import os as _os
import sys as _sys
from typing import TYPE_CHECKING as _TYPE_CHECKING


def _single_threaded_blas_for_the_command() -> None:
    """Run as the ``ictaltrack`` command, start NumPy's BLAS with one thread.

    The command does no linear algebra, but OpenBLAS starts one thread per core when NumPy is
    imported and those threads poll for work for a while: on a 2-core machine that took 0.1-0.3 s
    of CPU from the detector's own threads (docs/performance.md). Only for the command (never
    when imported as a library), only before NumPy is loaded, and never over a user's setting.
    """
    if "numpy" in _sys.modules or not _sys.argv:
        return
    if _os.path.basename(_sys.argv[0]) not in ("ictaltrack", "ictaltrack.exe"):
        return
    if any(name in _os.environ for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")):
        return
    _os.environ["OPENBLAS_NUM_THREADS"] = "1"


_single_threaded_blas_for_the_command()

from ictaltrack._core import __version__  # noqa: E402  (after the BLAS setting above)

# The public names below are imported on first use (PEP 562), not with the package: the
# command line and a notebook that needs one function then load only the modules behind it
# (NumPy alone takes ~50 ms to import). `import ictaltrack` plus attribute access behaves as if
# everything had been imported eagerly.
_LAZY = {
    "DetectionResult": "detection",
    "detect": "detection",
    "detector_defaults": "detection",
    "SeizureDetector": "streaming",
    "follow": "streaming",
    "average_reference": "electrodes",
    "bipolar": "electrodes",
    "channel_table": "electrodes",
    "electrode_positions": "electrodes",
    "montage_names": "electrodes",
    "neighbours": "electrodes",
    "parse_label": "electrodes",
    "write_edf": "edf_writer",
    "Error": "errors",
    "FormatError": "errors",
    "IoError": "errors",
    "UnsupportedError": "errors",
    "SosFilter": "filters",
    "butterworth_highpass": "filters",
    "butterworth_lowpass": "filters",
    "notch_filter": "filters",
    "Recording": "io",
    "ReadWarning": "warning",
    "read_edf": "io",
    "evaluate": "scoring",
    "simulate": "simulation",
    "simulate_array": "simulation",
    "simulation_defaults": "simulation",
    "DEFAULT_BANDS": "spectral",
    "Band": "spectral",
    "BandPowerResult": "spectral",
    "BandPowerStream": "spectral",
    "band_power": "spectral",
}

if _TYPE_CHECKING:  # what the lazy names are, for type checkers and IDEs
    from ictaltrack import batch as batch  # the submodule as an attribute (see __getattr__)
    from ictaltrack.detection import DetectionResult, detect, detector_defaults
    from ictaltrack.edf_writer import write_edf
    from ictaltrack.electrodes import (
        average_reference,
        bipolar,
        channel_table,
        electrode_positions,
        montage_names,
        neighbours,
        parse_label,
    )
    from ictaltrack.errors import Error, FormatError, IoError, UnsupportedError
    from ictaltrack.filters import (
        SosFilter,
        butterworth_highpass,
        butterworth_lowpass,
        notch_filter,
    )
    from ictaltrack.io import Recording, read_edf
    from ictaltrack.scoring import evaluate
    from ictaltrack.simulation import simulate, simulate_array, simulation_defaults
    from ictaltrack.spectral import (
        DEFAULT_BANDS,
        Band,
        BandPowerResult,
        BandPowerStream,
        band_power,
    )
    from ictaltrack.streaming import SeizureDetector, follow
    from ictaltrack.warning import ReadWarning


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(_importlib.import_module(f"ictaltrack.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    # A submodule used as an attribute (`ictaltrack.batch`, `ictaltrack.scoring.match_seizures`
    # after a plain `import ictaltrack`), as the eager imports used to allow; importing it binds
    # the attribute.
    if not name.startswith("_") and _importlib_util.find_spec(f"ictaltrack.{name}"):
        return _importlib.import_module(f"ictaltrack.{name}")
    raise AttributeError(f"module 'ictaltrack' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "__version__",
    # errors
    "Error",
    "FormatError",
    "IoError",
    "UnsupportedError",
    # reading recordings
    "Recording",
    "ReadWarning",
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
    "SeizureDetector",
    "follow",
]
