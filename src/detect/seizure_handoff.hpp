// The hand-off to localisation: localises an event from the history the tracker kept (through
// src/localise, which takes its own LocaliseOptions: the dependency runs detect -> localise only)
// and turns a kept event into the StreamSeizure the detector emits (stream sample times,
// detector channel indices, ticks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "detect/event_tracker.hpp"
#include "ictaltrack/detect/detector.hpp"
#include "localise/localise.hpp"

namespace ictaltrack::detail {

/// The localisation tunables of `params`.
LocaliseOptions localise_options(const DetectorOptions& params);

class SeizureHandOff {
 public:
  SeizureHandOff() = default;
  /// `geometry` (which must outlive this) describes the analysed channels; `analysed[c]` is
  /// analysed channel c's index in the detector's channel list. Windows are `window_samples`
  /// long and `step_samples` apart at `sfreq`.
  SeizureHandOff(const ChannelGeometry* geometry, const DetectorOptions& params,
                 std::vector<std::size_t> analysed, double sfreq, std::size_t window_samples,
                 std::size_t step_samples);

  /// The good channels, once judged: only they take part in localisation.
  void set_good(const std::vector<char>& good);

  LocalisedEvent localise(const Event& event) const;
  /// The seizure as the detector emits it. Onset: centre of the earliest channel's change-point
  /// window; offset: end of the hop after the centre of the last window with a channel on.
  StreamSeizure to_stream_seizure(ClosedEvent closed) const;
  /// The alarm as the detector emits it: raised at the end of the confirming window; onset and
  /// channels by the rules of to_stream_seizure on the history seen so far.
  OnsetAlarm to_alarm(const RaisedAlarm& raised) const;

 private:
  Ticks to_ticks(std::int64_t sample) const;

  const ChannelGeometry* geometry_ = nullptr;
  LocaliseOptions params_;
  std::vector<std::size_t> analysed_;
  double sfreq_ = 1.0;
  std::int64_t window_samples_ = 0, step_samples_ = 0;
  std::vector<bool> good_;
};

}  // namespace ictaltrack::detail
