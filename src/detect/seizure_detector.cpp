// The streaming seizure detector, assembled from its units (docs/detection.md, "Code map"):
//   ConditioningLane / LaneSet   conditioning and band power, shared out on the worker pool
//   ChannelScorer                per-channel rhythm gain, baseline and hysteresis
//   judge_bad_channels           the bad-channel rules on the warm-up statistics
//   EventTracker                 events per spatial cluster, spread or new seizure
//   SeizureHandOff               localisation and the emitted StreamSeizure
// This file only wires them: the warm-up (baseline and bad channels from the first
// baseline_warmup_s), then, per block, one parallel step (lanes condition, compute band power and
// score their channels) and the cross-channel part window by window.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "detect/bad_channels.hpp"
#include "detect/channel_scorer.hpp"
#include "detect/conditioning_lane.hpp"
#include "detect/detector_access.hpp"
#include "detect/event_tracker.hpp"
#include "detect/seizure_handoff.hpp"
#include "ictaltrack/conditioning/filters.hpp"
#include "ictaltrack/detect/detector.hpp"
#include "localise/localise.hpp"

namespace ictaltrack {
namespace {

using detail::kMaxBlock;
// Blocks a lane processes between two meetings of the threads (after the warm-up): fewer
// meetings, less waiting for a worker to wake up, while each block stays cache-sized.
constexpr std::size_t kBlocksPerStep = 8;

void check_params(const DetectorOptions& p, double sfreq) {
  auto require = [](bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("detector parameter: ") + what);
  };
  require(std::isfinite(sfreq) && sfreq > 0, "sfreq must be > 0");
  require(p.n_threads >= 0, "n_threads must be >= 0");
  require(p.highpass_order >= 1 && p.highpass_order <= 8, "highpass_order must be in 1..8");
  require(p.notch_quality > 0, "notch_quality must be > 0");
  require(p.window_s > 0 && p.step_s > 0 && p.step_s <= p.window_s, "need 0 < step_s <= window_s");
  require(p.rhythm_low_hz >= 0.5 && p.rhythm_high_hz > p.rhythm_low_hz + 2.0,
          "need 0.5 <= rhythm_low_hz and rhythm_high_hz > rhythm_low_hz + 2");
  require(p.baseline_warmup_s >= p.step_s, "baseline_warmup_s must be >= step_s");
  require(p.baseline_step > 0 && p.baseline_step < 1, "baseline_step must be in (0, 1)");
  require(p.off_threshold_db <= p.on_threshold_db, "off_threshold_db must be <= on_threshold_db");
  require(p.min_concentration >= 0 && p.min_concentration <= 1,
          "min_concentration must be in [0, 1]");
  require(p.max_high_frequency_ratio >= 0, "max_high_frequency_ratio must be >= 0");
  require(p.max_frequency_difference_hz >= 0, "max_frequency_difference_hz must be >= 0");
  require(p.min_duration_s >= 0 && p.close_gap_s >= 0 && p.recruit_s >= 0 && p.min_sustained_s >= 0,
          "durations must be >= 0");
  require(p.max_onset_fraction > 0 && p.max_onset_fraction <= 1,
          "max_onset_fraction must be in (0, 1]");
  require(p.page_hinkley_threshold_db > 0, "page_hinkley_threshold_db must be > 0");
  require(p.lookback_s >= 0 && p.onset_tolerance_s >= 0 && p.onset_window_s > 0 &&
              p.onset_search_s >= 0,
          "lookback_s, onset_tolerance_s >= 0 and onset_window_s > 0");
  require(p.lateralization_threshold >= 0 && p.lateralization_threshold < 1,
          "lateralization_threshold must be in [0, 1)");
  require(p.flat_rms_uv >= 0 && p.line_noise_factor > 0 && p.line_noise_min_uv >= 0,
          "bad-channel thresholds must be >= 0");
}

std::size_t windows_for(double seconds, double step_s) {
  return static_cast<std::size_t>(std::max(0L, std::lround(seconds / step_s)));
}

}  // namespace

struct SeizureDetector::Impl {
  double sfreq;
  DetectorOptions p;
  std::vector<DetectedChannel> channels;
  std::vector<ReadWarning> warnings;
  std::vector<std::size_t> analysed;  // detector channel index of each analysed channel
  std::size_t n = 0;                  // analysed channels
  double line_hz = 0.0;               // mains frequency notched (0 = none)

  // The chain.
  detail::BandLayout layout;
  detail::LaneSet lanes;
  detail::ChannelScorer scorer;
  detail::ChannelGeometry geometry;
  std::unique_ptr<detail::EventTracker> tracker;
  detail::SeizureHandOff handoff;

  std::size_t window_samples = 0, step_samples = 0;
  std::int64_t pushed = 0;
  std::int64_t segment_start = 0;     // stream sample after the last gap
  std::int64_t analysed_samples = 0;  // covered by analysis windows
  std::int64_t covered_end = 0;       // end of the last window counted in analysed_samples

  // Warm-up: band powers of the first warmup_windows windows, kept until the baseline and the
  // bad channels are decided from them.
  std::size_t warmup_windows = 1;
  bool warmed_up = false;
  std::vector<double> warmup_powers;  // (window, channel, band)
  std::vector<std::int64_t> warmup_starts;
  std::vector<double> window_powers;  // (channel, band) of one window, gathered from the lanes
  std::vector<char> good;
  // Warm-up windows (indices into warmup_starts) that follow a gap: replayed at the end of the
  // warm-up with the same segment breaks.
  std::vector<std::size_t> warmup_segment_starts;

  // Per-channel scores of the windows of one step, (window, channel): the lanes fill them in
  // parallel after the warm-up, the tracker reads them window by window.
  std::vector<float> block_gain, block_excess;
  std::vector<int> block_peak;
  std::vector<float> block_rhythm;
  std::vector<char> block_on;

  std::vector<detail::ClosedEvent> closed;  // scratch: events the tracker just closed
  std::vector<StreamSeizure> finished;
  std::vector<OnsetAlarm> alarms;    // raised, not taken yet
  std::int64_t last_window_end = 0;  // of the last window tracked: when events close

  Impl(double rate, std::vector<std::string> labels, DetectorOptions params, std::vector<bool> bad)
      : sfreq(rate), p(std::move(params)) {
    check_params(p, sfreq);
    const int threads = p.n_threads > 0
                            ? p.n_threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const auto parsed = parse_labels(labels);
    channels.resize(labels.size());
    std::vector<LabelInfo> analysed_labels;
    std::set<std::string> analysed_names;
    for (std::size_t c = 0; c < labels.size(); ++c) {
      channels[c].label = labels[c];
      channels[c].meaning = parsed[c];
      if (c < bad.size() && bad[c]) {
        channels[c].bad = true;
        channels[c].bad_reason = "excluded by caller";
        continue;
      }
      if (parsed[c].kind != ChannelKind::eeg) continue;
      // A channel name stands for one signal: a second channel of the same name (CHB-MIT repeats
      // T8-P8) is analysed once, so no name appears twice in a seizure's channel lists.
      const std::string& name = channel_name(parsed[c]);
      if (!analysed_names.insert(name).second) {
        channels[c].bad = true;
        channels[c].bad_reason = "duplicate channel name";
        warnings.push_back({"duplicate_channel",
                            "channel '" + labels[c] +
                                "' left out: an earlier channel has the "
                                "name '" +
                                name + "' (analysed once)",
                            static_cast<int>(c)});
        continue;
      }
      analysed.push_back(c);
      analysed_labels.push_back(parsed[c]);
    }
    n = analysed.size();
    if (n == 0) {
      warnings.push_back({"no_eeg_channels", "no EEG channel to analyse; nothing is detected", -1});
    }
    const double nyquist = sfreq / 2.0;
    line_hz =
        p.line_frequency_hz > 0 ? p.line_frequency_hz : (p.line_frequency_hz == 0 ? 50.0 : 0.0);
    if (line_hz >= nyquist) line_hz = 0.0;  // nothing to notch below Nyquist
    layout = detail::BandLayout::make(p, sfreq);
    if (n > 0 && layout.unusable()) {
      warnings.push_back({"sample_rate_too_low",
                          "the sample rate leaves no frequency range for the ictal rhythm; "
                          "nothing is detected",
                          -1});
      n = 0;
      analysed.clear();
      analysed_labels.clear();
    }
    warmup_windows = std::max<std::size_t>(1, windows_for(p.baseline_warmup_s, p.step_s));
    geometry = detail::make_geometry(analysed_labels);
    tracker = std::make_unique<detail::EventTracker>(
        geometry, p, [this](const detail::Event& event) { return handoff.localise(event); });
    scorer = detail::ChannelScorer(n, layout, p);
    good.assign(n, 1);
    if (n == 0) return;

    detail::LaneFilters filters;
    if (p.highpass_hz > 0 && p.highpass_hz < nyquist) {
      filters.highpass = butterworth_highpass(p.highpass_order, p.highpass_hz, sfreq);
    }
    if (line_hz > 0) filters.notch = notch_filter(line_hz, p.notch_quality, sfreq);
    filters.mains_hz = line_hz > 0 ? line_hz : 50.0;
    const BandPowerOptions options = layout.band_power_options(p);
    {
      // The warm-up conditioning (and its bad-channel statistics) covers exactly the samples of
      // the warm-up windows, so it does not depend on where the caller's chunks end.
      const BandPowerEngine probe(sfreq, 1, options);
      window_samples = probe.window_samples();
      step_samples = probe.step_samples();
      filters.warmup_samples =
          static_cast<std::int64_t>((warmup_windows - 1) * step_samples + window_samples);
    }
    lanes = detail::LaneSet(analysed, filters, sfreq, options, threads);
    handoff = detail::SeizureHandOff(&geometry, p, analysed, sfreq, window_samples, step_samples);
    window_powers.assign(n * layout.n_bands, 0.0);
    const std::size_t max_windows = kMaxBlock * kBlocksPerStep / step_samples + 2;
    block_gain.assign(max_windows * n, 0.0f);
    block_excess.assign(max_windows * n, 0.0f);
    block_peak.assign(max_windows * n, 0);
    block_rhythm.assign(max_windows * n, 0.0f);
    block_on.assign(max_windows * n, 0);
  }

  // ---------------------------------------------------------------------------------------------
  // Samples
  // ---------------------------------------------------------------------------------------------

  template <typename T>
  void push(const T* data, std::size_t n_samples, std::size_t row_stride,
            const std::function<void(std::size_t)>& alongside = {}, std::size_t parts = 0) {
    if (n_samples > 0 && row_stride < n_samples)
      throw std::invalid_argument("row_stride < n_samples");
    if (!alongside) parts = 0;
    // The parts of `alongside` go to the first parallel step of these samples (WorkerPool::share's
    // side pieces), or run here when there is no step; what they throw waits until the samples
    // are processed.
    std::mutex error_mutex;
    std::exception_ptr alongside_error;
    const std::function<void(std::size_t)> run_part = [&](std::size_t part) {
      try {
        alongside(part);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!alongside_error) alongside_error = std::current_exception();
      }
    };
    const bool has_step = n_samples > 0 && n > 0;
    push_samples(data, n_samples, row_stride, run_part, has_step ? parts : 0);
    if (!has_step) {
      for (std::size_t part = 0; part < parts; ++part) run_part(part);
    }
    if (alongside_error) std::rethrow_exception(alongside_error);
  }

  // `side(k)` for k < side_parts runs in the first parallel step, on whichever thread is free.
  template <typename T>
  void push_samples(const T* data, std::size_t n_samples, std::size_t row_stride,
                    const std::function<void(std::size_t)>& side, std::size_t side_parts) {
    if (n_samples == 0) return;
    if (n == 0) {
      pushed += static_cast<std::int64_t>(n_samples);
      return;
    }
    const std::size_t n_bands = layout.n_bands;
    // After the warm-up, each lane scores its own channels (their state is per channel) right
    // after computing their band powers, in the same parallel step.
    const std::function<void(const detail::ConditioningLane&, std::size_t)> score_lane =
        [this, n_bands](const detail::ConditioningLane& lane, std::size_t first) {
          const BandPowerResult& powers = lane.powers();
          const std::size_t size = lane.size();
          for (std::size_t w = 0; w < powers.n_windows; ++w) {
            for (std::size_t i = 0; i < size; ++i) {
              const auto score = scorer.score(first + i, &powers.power[(w * size + i) * n_bands]);
              store_score(w, first + i, score);
            }
          }
        };
    for (std::size_t done = 0; done < n_samples;) {
      // After the warm-up, each lane runs up to kBlocksPerStep blocks on its own before the
      // threads meet; the cross-channel part then runs window by window below. During the
      // warm-up it is one block per step, scored in order by on_window.
      const bool lanes_score = warmed_up;
      const std::size_t count =
          std::min(kMaxBlock * (lanes_score ? kBlocksPerStep : 1), n_samples - done);
      lanes.step(data, row_stride, done, count, pushed,
                 lanes_score ? score_lane
                             : std::function<void(const detail::ConditioningLane&, std::size_t)>{},
                 side, std::exchange(side_parts, 0));
      pushed += static_cast<std::int64_t>(count);
      done += count;
      const BandPowerResult& first_powers = lanes.lanes().front().powers();
      const std::size_t n_windows = first_powers.n_windows;
      for (std::size_t w = 0; w < n_windows; ++w) {
        count_analysed(first_powers.window_start[w]);
        if (lanes_score) {
          track(w, first_powers.window_start[w]);
          continue;
        }
        for (std::size_t l = 0; l < lanes.lanes().size(); ++l) {
          const auto& powers = lanes.lanes()[l].powers();
          const std::size_t size = lanes.lanes()[l].size() * n_bands;
          std::copy_n(powers.power.data() + w * size, size,
                      window_powers.data() + lanes.first_channel(l) * n_bands);
        }
        on_window(window_powers.data(), first_powers.window_start[w]);
      }
    }
  }

  // Adds the samples of the window starting at `start` not yet covered by an earlier one.
  void count_analysed(std::int64_t start) {
    const std::int64_t end = start + static_cast<std::int64_t>(window_samples);
    analysed_samples += end - std::max(start, covered_end);
    covered_end = end;
  }

  // The stream has a gap before the next sample (SeizureDetector::mark_gap).
  void mark_gap() {
    if (pushed == segment_start) return;  // nothing since the start or the last gap
    segment_start = pushed;
    if (n == 0) return;
    lanes.begin_segment();
    if (warmed_up) {
      end_segment();
    } else {
      warmup_segment_starts.push_back(warmup_starts.size());
    }
  }

  void end_segment() {
    tracker->end_segment(closed);
    hand_off_closed();
    scorer.end_segment();
  }

  void store_score(std::size_t w, std::size_t c, const detail::ChannelScore& score) {
    block_gain[w * n + c] = score.gain_db;
    block_excess[w * n + c] = score.excess;
    block_peak[w * n + c] = score.peak_band;
    block_rhythm[w * n + c] = score.rhythm_hz;
    block_on[w * n + c] = score.on ? 1 : 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Windows
  // ---------------------------------------------------------------------------------------------

  void on_window(const double* power, std::int64_t start) {
    if (!warmed_up) {
      warmup_powers.insert(warmup_powers.end(), power, power + n * layout.n_bands);
      warmup_starts.push_back(start);
      if (warmup_starts.size() >= warmup_windows) end_warmup();
      return;
    }
    score_window(power, start);
  }

  // Baseline and bad channels from the warm-up windows, which are then scored in order.
  void end_warmup() {
    warmed_up = true;
    const std::size_t w_count = warmup_starts.size();
    if (w_count == 0) return;
    scorer.start_baseline(warmup_powers.data(), w_count);
    judge_bad_channels();
    auto next_break = warmup_segment_starts.begin();
    for (std::size_t w = 0; w < w_count; ++w) {
      for (; next_break != warmup_segment_starts.end() && *next_break <= w; ++next_break) {
        if (w > 0) end_segment();
      }
      score_window(&warmup_powers[w * n * layout.n_bands], warmup_starts[w]);
    }
    if (next_break != warmup_segment_starts.end()) end_segment();  // a gap after the last one
    warmup_segment_starts.clear();
    warmup_powers.clear();
    warmup_powers.shrink_to_fit();
    warmup_starts.clear();
    warmup_starts.shrink_to_fit();
  }

  void judge_bad_channels() {
    detail::BadChannelRules rules;
    rules.flat_rms_uv = p.flat_rms_uv;
    rules.line_noise_factor = p.line_noise_factor;
    rules.line_noise_min_uv = p.line_noise_min_uv;
    rules.line_hz = line_hz;
    const auto reasons = detail::judge_bad_channels(lanes.statistics(), rules);
    for (std::size_t c = 0; c < n; ++c) {
      if (reasons[c].empty()) continue;
      good[c] = 0;
      scorer.set_bad(c);
      auto& channel = channels[analysed[c]];
      channel.bad = true;
      channel.bad_reason = reasons[c];
      warnings.push_back({"bad_channel", "channel '" + channel.label + "' left out: " + reasons[c],
                          static_cast<int>(analysed[c])});
    }
    tracker->set_good(good);
    handoff.set_good(good);
  }

  // Scores every channel of one window in order (warm-up path), then tracks it.
  void score_window(const double* power, std::int64_t start) {
    for (std::size_t c = 0; c < n; ++c) {
      store_score(0, c, scorer.score(c, power + c * layout.n_bands));
    }
    track(0, start);
  }

  // The cross-channel part of window w of the block, once every channel is scored.
  void track(std::size_t w, std::int64_t start) {
    const detail::WindowScores scores{&block_gain[w * n], &block_excess[w * n], &block_peak[w * n],
                                      &block_on[w * n], &block_rhythm[w * n]};
    last_window_end = start + static_cast<std::int64_t>(window_samples);
    tracker->step(scores, start, closed);
    hand_off_closed();
  }

  void hand_off_closed() {
    for (const auto& raised : tracker->take_alarms()) alarms.push_back(handoff.to_alarm(raised));
    for (auto& event : closed) {
      finished.push_back(handoff.to_stream_seizure(std::move(event)));
      finished.back().closed_sample = last_window_end;
    }
    closed.clear();
  }

  void finish() {
    if (n == 0) return;
    if (!warmed_up) {
      if (warmup_starts.empty()) {
        warnings.push_back({"too_short", "recording shorter than one analysis window", -1});
      } else {
        warnings.push_back({"short_baseline",
                            "recording shorter than the baseline warm-up (" +
                                std::to_string(p.baseline_warmup_s) + " s)",
                            -1});
      }
      end_warmup();
    }
    tracker->finish(closed);
    hand_off_closed();
  }

  std::vector<StreamSeizure> take() {
    std::vector<StreamSeizure> out;
    out.swap(finished);
    std::stable_sort(out.begin(), out.end(), [](const StreamSeizure& a, const StreamSeizure& b) {
      return a.onset_sample < b.onset_sample;
    });
    return out;
  }

  std::vector<OnsetAlarm> take_alarms() {
    std::vector<OnsetAlarm> out;
    out.swap(alarms);
    // Raised window by window, so already in order; stable for alarms of one window.
    std::stable_sort(out.begin(), out.end(), [](const OnsetAlarm& a, const OnsetAlarm& b) {
      return a.raised_sample < b.raised_sample;
    });
    return out;
  }

  std::size_t bytes() const {
    std::size_t total = scorer.buffer_bytes() + tracker->buffer_bytes() +
                        warmup_powers.capacity() * sizeof(double) +
                        window_powers.capacity() * sizeof(double) +
                        (block_gain.capacity() + block_excess.capacity()) * sizeof(float) +
                        block_peak.capacity() * sizeof(int) + block_on.capacity() +
                        block_rhythm.capacity() * sizeof(float);
    for (const auto& lane : lanes.lanes()) total += lane.buffer_bytes();
    return total;
  }
};

SeizureDetector::SeizureDetector(double sfreq, std::vector<std::string> labels,
                                 DetectorOptions params, std::vector<bool> bad)
    : impl_(std::make_unique<Impl>(sfreq, std::move(labels), std::move(params), std::move(bad))) {}
SeizureDetector::~SeizureDetector() = default;
SeizureDetector::SeizureDetector(SeizureDetector&&) noexcept = default;
SeizureDetector& SeizureDetector::operator=(SeizureDetector&&) noexcept = default;

void SeizureDetector::push(const double* data, std::size_t n_samples, std::size_t row_stride) {
  impl_->push(data, n_samples, row_stride);
}
void SeizureDetector::push(const float* data, std::size_t n_samples, std::size_t row_stride) {
  impl_->push(data, n_samples, row_stride);
}
void detail::DetectorAccess::push(SeizureDetector& detector, const float* data,
                                  std::size_t n_samples, std::size_t row_stride,
                                  const std::function<void(std::size_t)>& alongside,
                                  std::size_t parts) {
  detector.impl_->push(data, n_samples, row_stride, alongside, parts);
}
void SeizureDetector::mark_gap() { impl_->mark_gap(); }
void SeizureDetector::finish() { impl_->finish(); }
std::vector<StreamSeizure> SeizureDetector::take_seizures() { return impl_->take(); }
std::vector<OnsetAlarm> SeizureDetector::take_alarms() { return impl_->take_alarms(); }
const std::vector<DetectedChannel>& SeizureDetector::channels() const noexcept {
  return impl_->channels;
}
const std::vector<ReadWarning>& SeizureDetector::warnings() const noexcept {
  return impl_->warnings;
}
double SeizureDetector::sfreq() const noexcept { return impl_->sfreq; }
std::int64_t SeizureDetector::samples_pushed() const noexcept { return impl_->pushed; }
std::int64_t SeizureDetector::samples_analysed() const noexcept { return impl_->analysed_samples; }
std::int64_t SeizureDetector::windows_processed() const noexcept {
  return impl_->tracker->windows();
}
std::size_t SeizureDetector::buffer_bytes() const noexcept { return impl_->bytes(); }

}  // namespace ictaltrack
