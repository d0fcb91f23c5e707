// Onset localisation of one detected event: per-channel onset times (Page-Hinkley change point),
// onset channels, onset region and hemisphere, lateralization index, confidence.
// Internal to the detector; the method is described in docs/detection.md.
//
// Dependency direction: detect -> localise. This stage knows nothing of the detector: it takes
// its own parameters (LocaliseOptions, filled from DetectorOptions by src/detect/handoff.cpp) and
// the history the detector kept of one event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ictaltrack/detect/seizure.hpp"
#include "ictaltrack/electrodes/electrodes.hpp"

namespace ictaltrack::detail {

/// What the detector kept of one event: per-window rhythm gain (dB) and excess power (uV^2) of
/// every analysed channel, from `lookback` windows before the event opened.
struct EventHistory {
  std::size_t n_channels = 0;
  std::vector<std::int64_t> window_start;  ///< stream sample of each stored window
  std::vector<float> gain_db;              ///< (n_windows, n_channels) row-major
  std::vector<float> excess;               ///< (n_windows, n_channels) row-major
  /// Per channel: history index of its first window "on" in this event, -1 if never recruited.
  std::vector<int> first_on;
  std::size_t n_windows() const noexcept { return window_start.size(); }
};

/// Fixed facts about the analysed channels, computed once per detector.
struct ChannelGeometry {
  std::vector<LabelInfo> labels;                     ///< analysed channels
  std::vector<std::vector<std::size_t>> neighbours;  ///< channel_neighbours(labels)
  std::vector<int> mirror;  ///< homologous channel (odd <-> even electrodes), -1 if none
  /// Electrodes (canonical names) and the analysed channels that contain each.
  std::vector<ElectrodeSite> electrodes;
  std::vector<std::vector<std::size_t>> electrode_channels;
};

ChannelGeometry make_geometry(const std::vector<LabelInfo>& labels);

/// The localisation tunables (the fields of the same names in DetectorOptions, documented there).
struct LocaliseOptions {
  double step_s = 1.0;  ///< hop between the history's windows
  double page_hinkley_bias_db = 1.0;
  double page_hinkley_threshold_db = 12.0;
  double onset_search_s = 8.0;
  double onset_tolerance_s = 2.0;
  double onset_window_s = 4.0;
  double lateralization_threshold = 0.15;
  double on_threshold_db = 9.0;  ///< confidence is the peak gain's margin over it
};

struct LocalisedEvent {
  std::size_t onset_window = 0;  ///< history index of the earliest channel onset
  Seizure seizure;               ///< everything but onset/offset ticks (set by the caller)
  /// Channel onsets as history indices, parallel to seizure.channel_onsets.
  std::vector<std::size_t> channel_onset_windows;
};

/// `good[c]`: channel c is analysed and not bad. `peak_gain_db`: highest gain of the event.
LocalisedEvent localise(const EventHistory& history, const ChannelGeometry& geometry,
                        const std::vector<bool>& good, const LocaliseOptions& params,
                        double peak_gain_db);

}  // namespace ictaltrack::detail
