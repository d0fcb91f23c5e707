#include "detect/seizure_handoff.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ictaltrack::detail {

LocaliseOptions localise_options(const DetectorOptions& params) {
  LocaliseOptions out;
  out.step_s = params.step_s;
  out.page_hinkley_bias_db = params.page_hinkley_bias_db;
  out.page_hinkley_threshold_db = params.page_hinkley_threshold_db;
  out.onset_search_s = params.onset_search_s;
  out.onset_tolerance_s = params.onset_tolerance_s;
  out.onset_window_s = params.onset_window_s;
  out.lateralization_threshold = params.lateralization_threshold;
  out.on_threshold_db = params.on_threshold_db;
  return out;
}

SeizureHandOff::SeizureHandOff(const ChannelGeometry* geometry, const DetectorOptions& params,
                               std::vector<std::size_t> analysed, double sfreq,
                               std::size_t window_samples, std::size_t step_samples)
    : geometry_(geometry),
      params_(localise_options(params)),
      analysed_(std::move(analysed)),
      sfreq_(sfreq),
      window_samples_(static_cast<std::int64_t>(window_samples)),
      step_samples_(static_cast<std::int64_t>(step_samples)),
      good_(analysed_.size(), true) {}

void SeizureHandOff::set_good(const std::vector<char>& good) {
  good_.assign(good.begin(), good.end());
}

LocalisedEvent SeizureHandOff::localise(const Event& event) const {
  return detail::localise(event.history, *geometry_, good_, params_, event.peak_gain_db);
}

StreamSeizure SeizureHandOff::to_stream_seizure(ClosedEvent closed) const {
  const Event& event = closed.event;
  const EventHistory& history = event.history;
  LocalisedEvent& located = closed.located;
  StreamSeizure out;
  out.seizure = std::move(located.seizure);
  const std::int64_t half = window_samples_ / 2;
  out.onset_sample = history.window_start[located.onset_window] + half;
  const std::int64_t last_index = event.last_on - event.first_window;
  std::int64_t last_start;
  if (last_index >= 0 && static_cast<std::size_t>(last_index) < history.n_windows()) {
    last_start = history.window_start[static_cast<std::size_t>(last_index)];
  } else {
    // The last window with a channel on lies beyond the capped history.
    last_start = history.window_start.back() +
                 (last_index - static_cast<std::int64_t>(history.n_windows()) + 1) * step_samples_;
  }
  out.offset_sample = std::max(out.onset_sample + 1, last_start + half + step_samples_ / 2);
  for (std::size_t i = 0; i < out.seizure.channel_onsets.size(); ++i) {
    auto& onset = out.seizure.channel_onsets[i];
    onset.channel = static_cast<int>(analysed_[static_cast<std::size_t>(onset.channel)]);
    onset.onset = to_ticks(history.window_start[located.channel_onset_windows[i]] + half);
  }
  out.seizure.onset = to_ticks(out.onset_sample);
  out.seizure.offset = to_ticks(out.offset_sample);
  return out;
}

OnsetAlarm SeizureHandOff::to_alarm(const RaisedAlarm& raised) const {
  OnsetAlarm out;
  out.raised_sample = raised.window_start + window_samples_;
  out.onset_sample = raised.onset_window_start + window_samples_ / 2;
  const Seizure& seizure = raised.located.seizure;
  // The localiser names the onset channels; names are unique among the analysed channels.
  for (const auto& name : seizure.onset_channels) {
    for (std::size_t c = 0; c < geometry_->labels.size(); ++c) {
      const auto& label = geometry_->labels[c];
      if (channel_name(label) == name) {
        out.onset_channels.push_back(static_cast<int>(analysed_[c]));
        break;
      }
    }
  }
  out.side = seizure.hemisphere;
  out.region = seizure.region;
  out.confidence = seizure.confidence;
  out.raised = to_ticks(out.raised_sample);
  out.onset = to_ticks(out.onset_sample);
  return out;
}

Ticks SeizureHandOff::to_ticks(std::int64_t sample) const {
  return static_cast<Ticks>(
      std::llround(static_cast<double>(sample) * static_cast<double>(kTicksPerSecond) / sfreq_));
}

}  // namespace ictaltrack::detail
