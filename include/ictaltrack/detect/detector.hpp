// Seizure detection and onset localisation over a whole recording (streaming, bounded memory).
// API contract shared by the detector (src/detect, src/localise) and its users (migration
// tracker, reports, Python `ictaltrack.detect`, CLI `ictaltrack detect`). The detector stage
// refines DetectorParams and adds the streaming SeizureDetector class.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ictaltrack/detect/seizure.hpp"
#include "ictaltrack/io/edf_reader.hpp"

namespace ictaltrack {

/// Every tunable of the detector, with the one documented set of defaults (docs/detection.md).
struct DetectorParams {
  int n_threads = 0;  ///< 0 = all cores; results are identical for any value
};

/// Everything a detection run found in one recording.
struct DetectionOutput {
  std::string file;
  Ticks duration = 0;  ///< covered by data
  StartDateTime start;
  std::vector<DetectedChannel> channels;  ///< every data channel of the file, in file order
  std::vector<Seizure> seizures;          ///< ordered by onset
  std::vector<ReadWarning> warnings;      ///< reader and detector warnings
};

/// Called now and then with the fraction done (0..1); return false to cancel (the run then
/// throws ictaltrack::Error("cancelled")).
using ProgressCallback = std::function<bool(double fraction_done)>;

/// Reads `path`, detects and localises every seizure. Throws FormatError / IoError /
/// UnsupportedError for unreadable input.
DetectionOutput detect_file(const std::string& path, const DetectorParams& params = {},
                            const ProgressCallback& progress = {});

}  // namespace ictaltrack
