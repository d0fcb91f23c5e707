// The values the detector produces and the migration tracker consumes. Times are 100 ns ticks from
// the first sample of the recording (seconds only at the edges: JSON, Python).
#pragma once

#include <string>
#include <vector>

#include "ictaltrack/electrodes/electrodes.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "ictaltrack/time.hpp"

namespace ictaltrack {

/// When one channel joined a seizure.
struct ChannelOnset {
  int channel = -1;  ///< index into DetectionOutput::channels
  std::string name;  ///< canonical channel name (LabelInfo::name), or the label when unknown
  Ticks onset = 0;   ///< from the first sample
};

/// One detected seizure and where it started.
struct Seizure {
  Ticks onset = 0;   ///< from the first sample
  Ticks offset = 0;  ///< from the first sample; offset > onset
  /// The earliest-recruited cluster of adjacent channels (canonical names), earliest first.
  std::vector<std::string> onset_channels;
  /// Every recruited channel, ordered by its onset time.
  std::vector<ChannelOnset> channel_onsets;
  Region region = Region::unknown;              ///< onset region
  Hemisphere hemisphere = Hemisphere::unknown;  ///< onset hemisphere
  /// (P_left - P_right) / (P_left + P_right) over homologous channels in the onset window:
  /// +1 = entirely left, -1 = entirely right, 0 = symmetric. NaN when no homologous pairs exist.
  double lateralization_index = 0.0;
  double confidence = 0.0;  ///< 0..1, how sure the detector is of this seizure and its onset side
  /// Mean scalp position of the onset channels on the unit-sphere head (electrodes.hpp);
  /// has_focus_position is false when no onset channel has a known position.
  Point3 focus_position;
  bool has_focus_position = false;
};

/// A channel as the detector saw it.
struct DetectedChannel {
  std::string label;       ///< as in the file
  LabelInfo meaning;       ///< parsed label (kind, name, hemisphere, region, position)
  bool bad = false;        ///< flagged bad (flat, disconnected, artifact-ridden) and left out
  std::string bad_reason;  ///< why, when bad ("flat", "disconnected", "line noise", ...)
};

}  // namespace ictaltrack
