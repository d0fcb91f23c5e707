// The one warning type of the library: a problem worked around, with a stable code. Raised by the
// reader (RecordingInfo::warnings), band power (BandPowerEngine::warnings) and the detector
// (DetectionOutput::warnings).
#pragma once

#include <string>

namespace ictaltrack {

/// A problem the library worked around. `signal` is the signal or channel index it concerns, -1
/// when none. The codes are stable machine names, listed in docs/reader.md (reader),
/// docs/band_power.md (band power) and docs/detection.md (detector).
struct Warning {
  std::string code;     ///< stable machine name, e.g. "truncated_record", "bad_date"
  std::string message;  ///< human-readable explanation (valid, printable UTF-8)
  int signal = -1;
};

/// Former name of Warning (the reader's), kept so existing code compiles.
using ReadWarning = Warning;

}  // namespace ictaltrack
