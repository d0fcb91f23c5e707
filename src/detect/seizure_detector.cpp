// The streaming seizure detector: conditioning -> band power -> per-channel rhythm gain over a
// running baseline -> per-channel hysteresis -> events per spatial cluster -> localisation.
// docs/detection.md describes the method and every parameter.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/worker_pool.hpp"
#include "ictaltrack/conditioning/filters.hpp"
#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/spectral/band_power.hpp"
#include "localise/localise.hpp"

namespace ictaltrack {
namespace {

constexpr std::size_t kMaxBlock = 4096;          // samples per channel conditioned at a time
// Blocks a lane processes between two meetings of the threads (after the warm-up): fewer
// meetings, less waiting for a worker to wake up, while each block stays cache-sized.
constexpr std::size_t kBlocksPerStep = 8;
constexpr std::size_t kFilterGroup = 4;          // channels per filter object
constexpr std::size_t kMaxEventHistory = 400;    // windows kept per open event (after lookback)
constexpr double kTinyPower = 1e-12;             // uV^2; keeps ratios finite on flat channels
constexpr double kHighFrequencyLow = 30.0, kHighFrequencyHigh = 70.0;
// Windows after an event opens during which a new group next to it counts as its spread
// whatever its rhythm (1 s hop: 10 s).
constexpr std::int64_t kSpreadWindows = 10;
// A channel that joined a running event is a focus of its own when, within kNewFocusWindows of
// joining, its gain stays above that of every neighbouring channel of the event by at least
// kNewFocusMarginDb for kNewFocusLeadWindows windows in a row: a spreading discharge weakens
// away from its focus, so its newly reached edge is never the strongest place around it.
constexpr std::int64_t kNewFocusWindows = 30;
constexpr std::int64_t kNewFocusLeadWindows = 5;
constexpr float kNewFocusMarginDb = 1.0f;
// Channels of an event across the midline from where it opened that hold another rhythm than the
// event's strongest channel on its own side, for kRhythmSplitWindows windows in a row, carry a
// second seizure: one seizure drives its whole field at one rhythm.
constexpr std::int64_t kRhythmSplitWindows = 5;

void check_params(const DetectorParams& p, double sfreq) {
  auto require = [](bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("detector parameter: ") + what);
  };
  require(std::isfinite(sfreq) && sfreq > 0, "sfreq must be > 0");
  require(p.n_threads >= 0, "n_threads must be >= 0");
  require(p.highpass_order >= 1 && p.highpass_order <= 8, "highpass_order must be in 1..8");
  require(p.notch_quality > 0, "notch_quality must be > 0");
  require(p.window_s > 0 && p.step_s > 0 && p.step_s <= p.window_s,
          "need 0 < step_s <= window_s");
  require(p.rhythm_low_hz >= 0.5 && p.rhythm_high_hz > p.rhythm_low_hz + 2.0,
          "need 0.5 <= rhythm_low_hz and rhythm_high_hz > rhythm_low_hz + 2");
  require(p.baseline_warmup_s >= p.step_s, "baseline_warmup_s must be >= step_s");
  require(p.baseline_step > 0 && p.baseline_step < 1, "baseline_step must be in (0, 1)");
  require(p.off_threshold_db <= p.on_threshold_db, "off_threshold_db must be <= on_threshold_db");
  require(p.min_concentration >= 0 && p.min_concentration <= 1,
          "min_concentration must be in [0, 1]");
  require(p.max_high_frequency_ratio >= 0, "max_high_frequency_ratio must be >= 0");
  require(p.max_frequency_difference_hz >= 0, "max_frequency_difference_hz must be >= 0");
  require(p.min_duration_s >= 0 && p.close_gap_s >= 0 && p.recruit_s >= 0 &&
              p.min_sustained_s >= 0,
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

// True when any value is NaN or infinite. Integer tests on the exponent bits, so the loop
// vectorises (a floating-point reduction would not without -ffast-math).
template <typename T>
bool any_non_finite(const T* x, std::size_t count) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  using Bits = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
  constexpr Bits kExponent = static_cast<Bits>(std::is_same_v<T, float> ? 0x7f800000ull
                                                                         : 0x7ff0000000000000ull);
  Bits found = 0;
  for (std::size_t i = 0; i < count; ++i) {
    Bits bits;
    std::memcpy(&bits, &x[i], sizeof bits);
    found |= static_cast<Bits>((bits & kExponent) == kExponent);
  }
  return found != 0;
}

}  // namespace

struct SeizureDetector::Impl {
  struct Event {
    int id = 0;
    std::int64_t opened = 0;       // window index when opened
    std::int64_t last_on = 0;      // last window with an owned channel on
    std::int64_t first_window = 0; // window index of history entry 0
    bool global_onset = false;
    double peak_gain_db = 0.0;
    int rhythm_band = 0;  // 1 Hz band of the event's strongest channel, last time one was on
    Hemisphere side = Hemisphere::unknown;  // side of the strongest channel it opened with
    std::int64_t longest_run = 0;     // longest run of consecutive windows on, any channel
    std::int64_t first_recruit = -1;  // window where the earliest recruited channel's run began
    /// Events running with a similar rhythm when this one opened: if one of them started on
    /// the same side, this event is its spread, not a new seizure.
    std::vector<int> parents;
    detail::EventHistory history;
  };

  double sfreq;
  DetectorParams p;
  std::vector<DetectedChannel> channels;
  std::vector<ReadWarning> warnings;
  std::vector<std::size_t> analysed;  // detector channel index of each analysed channel
  std::size_t n = 0;                  // analysed channels
  int threads = 1;

  // Parallel work: the analysed channels are split into lanes of up to kFilterGroup channels (the
  // filter interleaves the recursions of a lane's channels); a lane conditions its channels, runs
  // its own band-power engine and scores its channels, so each block needs a single parallel step
  // on the persistent pool. In a step the threads take lanes in order as they become free, then
  // the pieces of the step's side work (detect_file's reading): a thread that runs slower (a busy
  // core) simply takes fewer lanes, and no thread waits on a fixed share. The lanes do not depend
  // on n_threads, and a channel's arithmetic does not depend on its lane (SosFilter's lane paths
  // are bit-identical, band power is per channel), so results do not depend on n_threads.
  //
  // Conditioning per lane (one SosFilter object for its channels): during the warm-up a
  // high-pass and a notch filter run one after the other, with the bad-channel statistics taken
  // between them; from the sample where the warm-up ends (an exact sample index, so chunking does
  // not matter) one cascade of both, continuing their states, runs in one pass, straight from the
  // caller's samples when the lane's rows are adjacent and finite.
  struct Lane {
    std::size_t first = 0, last = 0;  // analysed channels [first, last)
    bool adjacent_rows = false;       // analysed[first..last) are consecutive caller rows
    std::vector<SosFilter> warmup_filters;  // high-pass and/or notch (warm-up)
    std::vector<SosFilter> cascade;         // both in one (after the warm-up); empty = none
    bool cascade_started = false;
    std::unique_ptr<BandPowerEngine> engine;
    BandPowerResult powers;
    std::vector<float> scratch;  // the lane's rows, non-finite values replaced (float input)
  };
  std::vector<Lane> lanes;
  std::unique_ptr<detail::WorkerPool> pool;
  bool has_highpass = false;
  std::vector<double> window_powers;  // (n, n_bands) of one window, gathered from the lanes
  // Per-channel scores of every window of a block, computed by the lanes once the warm-up is
  // over: (window, channel) of gain_db, excess, peak_band and on.
  std::vector<float> block_gain, block_excess;
  std::vector<int> block_peak;
  std::vector<char> block_on;
  double step_up = 1.0, step_down = 1.0;  // baseline tracker factors (multiplies, not divisions)
  double on_ratio = 1.0, off_ratio = 1.0;  // hysteresis thresholds as power ratios
  // does not depend on the thread count, so neither do the results).
  double line_hz = 0.0;
  std::vector<double> block;  // (n, kMaxBlock) conditioned samples

  // Features.
  std::size_t n_fine = 0;        // 1 Hz bands [0.5 + b, 1.5 + b)
  bool has_high_band = false;    // band index n_fine: kHighFrequencyLow .. min(70, Nyquist)
  std::size_t n_bands = 0;
  std::size_t span_first = 1, span_last = 0;  // valid 2-band spans k: bands k, k + 1

  // Warm-up: stored band powers, then per-channel statistics for the bad-channel rules.
  std::size_t warmup_windows = 1;
  bool warmed_up = false;
  std::vector<double> warmup_powers;          // (w, n, n_bands)
  std::vector<std::int64_t> warmup_starts;
  std::vector<double> sum_squares, line_power_sum;
  std::vector<std::int64_t> counted_samples, line_blocks;
  std::vector<char> non_finite;
  std::size_t line_block = 0;                  // samples per Goertzel block (1 s)
  std::vector<double> goertzel_s1, goertzel_s2;
  std::vector<std::size_t> goertzel_count;
  std::int64_t warmup_sample_limit = 0;

  // Running state per analysed channel.
  std::vector<double> baseline;  // (n, n_bands)
  std::vector<char> good, on;
  std::vector<int> owner, last_owner;
  std::vector<std::int64_t> last_on_window, run_start, run_length;
  std::vector<int> reference_band;            // slowly drifting rhythm of a channel that is on
  std::vector<std::int64_t> rhythm_changes;   // consecutive windows away from it
  std::int64_t rhythm_change_windows = 3;
  std::vector<std::int64_t> joined_window;  // when the channel joined a running event, else -1
  std::vector<std::int64_t> focus_lead;     // consecutive windows it led its event neighbours
  std::vector<std::int64_t> diverged;       // consecutive windows off its event's rhythm
  std::int64_t recruit_windows = 1, sustained_windows = 1;
  std::vector<int> peak_band;
  std::vector<float> gain_db, excess;  // current window
  std::vector<float> concentration_ok;

  // Lookback ring of (gain, excess, window start) for the last `lookback` windows.
  std::size_t lookback = 0;
  std::vector<float> ring_gain, ring_excess;
  std::vector<std::int64_t> ring_start;
  std::int64_t window_index = 0;  // windows scored so far

  std::vector<Event> open_events;
  std::vector<std::pair<int, Hemisphere>> closed_sides;  // onset side of recent seizures
  int next_event_id = 0;
  std::vector<StreamSeizure> finished;
  detail::ChannelGeometry geometry;
  std::vector<char> near;  // (n, n): the same channel or a neighbour
  std::size_t n_good = 0;

  std::int64_t pushed = 0;
  std::size_t window_samples = 0, step_samples = 0;

  Impl(double rate, std::vector<std::string> labels, DetectorParams params,
       std::vector<bool> bad)
      : sfreq(rate), p(std::move(params)) {
    check_params(p, sfreq);
    threads = p.n_threads > 0 ? p.n_threads
                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const auto parsed = parse_labels(labels);
    channels.resize(labels.size());
    std::vector<LabelInfo> analysed_labels;
    for (std::size_t c = 0; c < labels.size(); ++c) {
      channels[c].label = labels[c];
      channels[c].meaning = parsed[c];
      if (c < bad.size() && bad[c]) {
        channels[c].bad = true;
        channels[c].bad_reason = "excluded by caller";
        continue;
      }
      if (parsed[c].kind != ChannelKind::eeg) continue;
      analysed.push_back(c);
      analysed_labels.push_back(parsed[c]);
    }
    n = analysed.size();
    geometry = detail::make_geometry(analysed_labels);
    near.assign(n * n, 0);
    for (std::size_t a = 0; a < n; ++a) {
      near[a * n + a] = 1;
      for (const auto b : geometry.neighbours[a]) {
        near[a * n + b] = 1;
      }
    }
    if (n == 0) {
      warnings.push_back({"no_eeg_channels", "no EEG channel to analyse; nothing is detected", -1});
    }
    const double nyquist = sfreq / 2.0;

    line_hz = p.line_frequency_hz > 0 ? p.line_frequency_hz
                                      : (p.line_frequency_hz == 0 ? 50.0 : 0.0);
    if (line_hz >= nyquist) line_hz = 0.0;  // nothing to notch below Nyquist
    has_highpass = p.highpass_hz > 0 && p.highpass_hz < nyquist;
    step_up = 1.0 + p.baseline_step;
    step_down = 1.0 / step_up;
    on_ratio = std::pow(10.0, p.on_threshold_db / 10.0);
    off_ratio = std::pow(10.0, p.off_threshold_db / 10.0);

    // Bands: 1 Hz bands up to the rhythm search limit, then the high-frequency (muscle) band.
    const double fine_top = std::min(p.rhythm_high_hz, nyquist);
    while (1.5 + static_cast<double>(n_fine) <= fine_top + 1e-9) ++n_fine;
    BandPowerOptions options;
    options.window_s = p.window_s;
    options.step_s = p.step_s;
    options.n_threads = 1;  // the detector's threads share out its lanes
    options.bands.clear();  // replaces the default delta..gamma bands
    for (std::size_t b = 0; b < n_fine; ++b) {
      const double low = 0.5 + static_cast<double>(b);
      options.bands.push_back({"f" + std::to_string(b), low, low + 1.0});
    }
    if (nyquist > kHighFrequencyLow + 5.0) {
      has_high_band = true;
      options.bands.push_back(
          {"high", kHighFrequencyLow, std::min(kHighFrequencyHigh, nyquist)});
    }
    n_bands = options.bands.size();
    span_first = static_cast<std::size_t>(std::max(0.0, std::ceil(p.rhythm_low_hz - 0.5 - 1e-9)));
    span_last = n_fine >= 2 ? n_fine - 2 : 0;
    if (n > 0 && (n_fine < 3 || span_first > span_last)) {
      warnings.push_back({"sample_rate_too_low",
                          "the sample rate leaves no frequency range for the ictal rhythm; "
                          "nothing is detected",
                          -1});
      n = 0;
      analysed.clear();
    }
    if (n > 0) {
      make_lanes(options);
      window_samples = lanes.front().engine->window_samples();
      step_samples = lanes.front().engine->step_samples();
      block.assign(n * kMaxBlock, 0.0);
      window_powers.assign(n * n_bands, 0.0);
      const std::size_t max_windows = kMaxBlock * kBlocksPerStep / step_samples + 2;
      block_gain.assign(max_windows * n, 0.0f);
      block_excess.assign(max_windows * n, 0.0f);
      block_peak.assign(max_windows * n, 0);
      block_on.assign(max_windows * n, 0);
    }
    warmup_windows = std::max<std::size_t>(1, windows_for(p.baseline_warmup_s, p.step_s));
    lookback = windows_for(p.lookback_s, p.step_s) + 1;
    // The bad-channel statistics cover exactly the samples of the warm-up windows, so they do
    // not depend on where the caller's chunks end.
    warmup_sample_limit = static_cast<std::int64_t>((warmup_windows - 1) * step_samples +
                                                    window_samples);
    line_block = static_cast<std::size_t>(std::max(1L, std::lround(sfreq)));
    sum_squares.assign(n, 0.0);
    line_power_sum.assign(n, 0.0);
    counted_samples.assign(n, 0);
    line_blocks.assign(n, 0);
    non_finite.assign(n, 0);
    goertzel_s1.assign(n, 0.0);
    goertzel_s2.assign(n, 0.0);
    goertzel_count.assign(n, 0);
    baseline.assign(n * n_bands, kTinyPower);
    good.assign(n, 1);
    on.assign(n, 0);
    owner.assign(n, -1);
    last_owner.assign(n, -1);
    last_on_window.assign(n, std::numeric_limits<std::int64_t>::min() / 2);
    run_start.assign(n, 0);
    run_length.assign(n, 0);
    reference_band.assign(n, 0);
    rhythm_changes.assign(n, 0);
    joined_window.assign(n, -1);
    focus_lead.assign(n, 0);
    diverged.assign(n, 0);
    recruit_windows = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(windows_for(p.recruit_s, p.step_s)));
    sustained_windows = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(windows_for(p.min_sustained_s, p.step_s)));
    peak_band.assign(n, 0);
    gain_db.assign(n, 0.0f);
    excess.assign(n, 0.0f);
    ring_gain.assign(lookback * n, 0.0f);
    ring_excess.assign(lookback * n, 0.0f);
    ring_start.assign(lookback, 0);
  }

  // ---------------------------------------------------------------------------------------------
  // Lanes (shared out among the threads step by step)
  // ---------------------------------------------------------------------------------------------

  void make_lanes(const BandPowerOptions& options) {
    // Up to kFilterGroup channels per lane: fewer would leave filter lanes idle (4 channels cost
    // what 1 costs), more would leave the threads fewer pieces to share. The last lane is the
    // smallest, so the end of a step is the cheapest part to balance.
    const std::size_t n_lanes = (n + kFilterGroup - 1) / kFilterGroup;
    SosSections highpass_sections, notch_sections;
    if (has_highpass) {
      highpass_sections = butterworth_highpass(p.highpass_order, p.highpass_hz, sfreq);
    }
    if (line_hz > 0) notch_sections = notch_filter(line_hz, p.notch_quality, sfreq);
    SosSections both = highpass_sections;
    both.insert(both.end(), notch_sections.begin(), notch_sections.end());
    lanes.resize(n_lanes);
    for (std::size_t l = 0; l < n_lanes; ++l) {
      Lane& lane = lanes[l];
      lane.first = l * kFilterGroup;
      lane.last = std::min(n, lane.first + kFilterGroup);
      const std::size_t size = lane.last - lane.first;
      lane.adjacent_rows = analysed[lane.last - 1] - analysed[lane.first] == size - 1;
      if (has_highpass) lane.warmup_filters.emplace_back(highpass_sections, size);
      if (line_hz > 0) lane.warmup_filters.emplace_back(notch_sections, size);
      if (!both.empty()) lane.cascade.emplace_back(both, size);
      lane.engine = std::make_unique<BandPowerEngine>(sfreq, size, options);
      lane.scratch.assign(kFilterGroup * kMaxBlock, 0.0f);
    }
    pool = std::make_unique<detail::WorkerPool>(
        std::min<std::size_t>(static_cast<std::size_t>(threads), n_lanes));
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
    for (std::size_t done = 0; done < n_samples;) {
      // After the warm-up, each lane runs up to kBlocksPerStep blocks on its own (condition,
      // band power, and scoring of its channels, whose state is per channel) before the threads
      // meet; the cross-channel part then runs window by window below. During the warm-up it is
      // one block per step, scored in order by on_window.
      const bool lanes_score = warmed_up;
      const std::size_t count =
          std::min(kMaxBlock * (lanes_score ? kBlocksPerStep : 1), n_samples - done);
      pool->share(lanes.size(), [&](std::size_t l) {
        Lane& lane = lanes[l];
        lane.powers.clear();
        for (std::size_t offset = 0; offset < count; offset += kMaxBlock) {
          const std::size_t part = std::min(kMaxBlock, count - offset);
          const std::int64_t position = pushed + static_cast<std::int64_t>(offset);
          condition(lane, data, row_stride, done + offset, part, position);
          lane.engine->push(block.data() + lane.first * kMaxBlock, part, kMaxBlock, lane.powers);
        }
        if (lanes_score) score_lane(lane);
      }, std::exchange(side_parts, 0), side);
      pushed += static_cast<std::int64_t>(count);
      const std::size_t n_windows = lanes.front().powers.n_windows;
      if (lanes_score) {
        for (std::size_t w = 0; w < n_windows; ++w) {
          std::copy_n(block_gain.data() + w * n, n, gain_db.data());
          std::copy_n(block_excess.data() + w * n, n, excess.data());
          std::copy_n(block_peak.data() + w * n, n, peak_band.data());
          std::copy_n(block_on.data() + w * n, n, on.data());
          finish_window(lanes.front().powers.window_start[w]);
        }
        done += count;
        continue;
      }
      for (std::size_t w = 0; w < n_windows; ++w) {
        for (const auto& lane : lanes) {
          const std::size_t size = (lane.last - lane.first) * n_bands;
          std::copy_n(lane.powers.power.data() + w * size, size,
                      window_powers.data() + lane.first * n_bands);
        }
        on_window(window_powers.data(), lanes.front().powers.window_start[w]);
      }
      done += count;
    }
  }

  // Scores the lane's channels for each window it just computed, keeping each window's
  // per-channel results for the cross-channel step (which reads gain_db, excess, peak_band, on).
  void score_lane(Lane& lane) {
    const std::size_t n_windows = lane.powers.n_windows;
    const std::size_t size = lane.last - lane.first;
    for (std::size_t w = 0; w < n_windows; ++w) {
      for (std::size_t c = lane.first; c < lane.last; ++c) {
        score_channel(c, lane.powers.power.data() + (w * size + c - lane.first) * n_bands);
        block_gain[w * n + c] = gain_db[c];
        block_excess[w * n + c] = excess[c];
        block_peak[w * n + c] = peak_band[c];
        block_on[w * n + c] = on[c];
      }
    }
  }

  // Conditions samples [offset, offset + count) of one lane into `block`; `position` is
  // the stream index of the first of them.
  template <typename T>
  void condition(Lane& lane, const T* data, std::size_t row_stride, std::size_t offset,
                 std::size_t count, std::int64_t position) {
    std::size_t warmup_count = 0;
    if (position < warmup_sample_limit) {
      warmup_count = static_cast<std::size_t>(std::min<std::int64_t>(
          static_cast<std::int64_t>(count), warmup_sample_limit - position));
    }
    if (warmup_count > 0) condition_warmup(lane, data, row_stride, offset, warmup_count);
    if (warmup_count == count) return;
    if (!lane.cascade_started) start_cascade(lane);
    const std::size_t from = warmup_count, rest = count - warmup_count;
    double* rows = block.data() + lane.first * kMaxBlock + from;
    const T* in = data + analysed[lane.first] * row_stride + offset + from;
    const std::size_t size = lane.last - lane.first;
    bool finite = lane.adjacent_rows;
    for (std::size_t c = 0; finite && c < size; ++c) {
      finite = !any_non_finite(in + c * row_stride, rest);
    }
    if (lane.cascade.empty()) {
      copy_finite(lane, data, row_stride, offset + from, rest, rows, kMaxBlock);
      return;
    }
    if (finite) {
      // The usual case: filter straight from the caller's samples, no copy.
      lane.cascade.front().process(in, row_stride, rows, kMaxBlock, rest);
      return;
    }
    // Rows not adjacent, or a non-finite value: copy (zeros for non-finite values, the channel
    // is flagged) into a buffer of the caller's type first, so the same filter path runs.
    if constexpr (std::is_same_v<T, float>) {
      copy_finite(lane, data, row_stride, offset + from, rest, lane.scratch.data(), kMaxBlock);
      lane.cascade.front().process(lane.scratch.data(), kMaxBlock, rows, kMaxBlock, rest);
    } else {
      copy_finite(lane, data, row_stride, offset + from, rest, rows, kMaxBlock);
      lane.cascade.front().process(rows, kMaxBlock, rows, kMaxBlock, rest);
    }
  }

  // Copies `count` samples from `offset` of each channel of the lane into out[c * out_stride],
  // replacing non-finite values by 0 (keeps the filter state finite) and flagging the channel.
  template <typename T, typename Out>
  void copy_finite(const Lane& lane, const T* data, std::size_t row_stride,
                   std::size_t offset, std::size_t count, Out* out, std::size_t out_stride) {
    for (std::size_t c = lane.first; c < lane.last; ++c) {
      const T* in = data + analysed[c] * row_stride + offset;
      Out* row = out + (c - lane.first) * out_stride;
      bool bad_value = false;
      for (std::size_t i = 0; i < count; ++i) {
        const T x = in[i];
        if (std::isfinite(x)) {
          row[i] = static_cast<Out>(x);
        } else {
          row[i] = Out{0};
          bad_value = true;
        }
      }
      if (bad_value) non_finite[c] = 1;
    }
  }

  // The cascade continues the warm-up filters: per channel, the high-pass sections' state, then
  // the notch's (SosFilter::state() is (channel, section, 2)).
  void start_cascade(Lane& lane) {
    lane.cascade_started = true;
    if (lane.cascade.empty()) return;
    const std::size_t size = lane.last - lane.first;
    std::vector<double> state;
    state.reserve(lane.cascade.front().state().size());
    for (std::size_t c = 0; c < size; ++c) {
      for (const auto& filter : lane.warmup_filters) {
        const std::size_t per_channel = filter.n_sections() * 2;
        const auto values = filter.state().subspan(c * per_channel, per_channel);
        state.insert(state.end(), values.begin(), values.end());
      }
    }
    lane.cascade.front().set_state(state);
  }

  // Warm-up conditioning of the first `count` samples of the block: high-pass, statistics for the
  // bad-channel rules (RMS after the high-pass, mains amplitude before the notch by Goertzel
  // over 1 s blocks), then the notch.
  template <typename T>
  void condition_warmup(Lane& lane, const T* data, std::size_t row_stride,
                        std::size_t offset, std::size_t count) {
    const double omega = 2.0 * std::numbers::pi * (line_hz > 0 ? line_hz : 50.0) / sfreq;
    const double coefficient = 2.0 * std::cos(omega);
    double* rows = block.data() + lane.first * kMaxBlock;
    copy_finite(lane, data, row_stride, offset, count, rows, kMaxBlock);
    std::size_t next_filter = 0;
    if (has_highpass) {
      lane.warmup_filters[next_filter++].process(rows, kMaxBlock, rows, kMaxBlock, count);
    }
    for (std::size_t c = lane.first; c < lane.last; ++c) {
      const double* out = rows + (c - lane.first) * kMaxBlock;
      double squares = 0.0;
      double s1 = goertzel_s1[c], s2 = goertzel_s2[c];
      std::size_t filled = goertzel_count[c];
      for (std::size_t i = 0; i < count; ++i) {
        squares += out[i] * out[i];
        const double s0 = out[i] + coefficient * s1 - s2;
        s2 = s1;
        s1 = s0;
        if (++filled == line_block) {
          line_power_sum[c] += s1 * s1 + s2 * s2 - coefficient * s1 * s2;
          ++line_blocks[c];
          s1 = s2 = 0.0;
          filled = 0;
        }
      }
      goertzel_s1[c] = s1;
      goertzel_s2[c] = s2;
      goertzel_count[c] = filled;
      sum_squares[c] += squares;
      counted_samples[c] += static_cast<std::int64_t>(count);
    }
    if (line_hz > 0) {
      lane.warmup_filters[next_filter].process(rows, kMaxBlock, rows, kMaxBlock, count);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Windows
  // ---------------------------------------------------------------------------------------------

  void on_window(const double* power, std::int64_t start) {
    if (!warmed_up) {
      warmup_powers.insert(warmup_powers.end(), power, power + n * n_bands);
      warmup_starts.push_back(start);
      if (warmup_starts.size() >= warmup_windows) end_warmup();
      return;
    }
    score_window(power, start);
  }

  void end_warmup() {
    warmed_up = true;
    const std::size_t w_count = warmup_starts.size();
    if (w_count == 0) return;
    // Baseline: per channel and band, the median over the warm-up windows.
    std::vector<double> values(w_count);
    for (std::size_t c = 0; c < n; ++c) {
      for (std::size_t b = 0; b < n_bands; ++b) {
        for (std::size_t w = 0; w < w_count; ++w) {
          values[w] = warmup_powers[(w * n + c) * n_bands + b];
        }
        auto middle = values.begin() + static_cast<std::ptrdiff_t>(w_count / 2);
        std::nth_element(values.begin(), middle, values.end());
        baseline[c * n_bands + b] = std::max(kTinyPower, *middle);
      }
    }
    judge_bad_channels();
    for (std::size_t w = 0; w < w_count; ++w) {
      score_window(&warmup_powers[w * n * n_bands], warmup_starts[w]);
    }
    warmup_powers.clear();
    warmup_powers.shrink_to_fit();
    warmup_starts.clear();
    warmup_starts.shrink_to_fit();
  }

  void judge_bad_channels() {
    std::vector<double> line_amplitude(n, 0.0);
    for (std::size_t c = 0; c < n; ++c) {
      if (line_blocks[c] > 0) {
        const double mean_power = line_power_sum[c] / static_cast<double>(line_blocks[c]);
        line_amplitude[c] = 2.0 * std::sqrt(std::max(0.0, mean_power)) /
                            static_cast<double>(line_block);
      }
    }
    std::vector<double> sorted = line_amplitude;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(n / 2),
                     sorted.end());
    const double median_line = n > 0 ? sorted[n / 2] : 0.0;
    for (std::size_t c = 0; c < n; ++c) {
      const double rms =
          counted_samples[c] > 0
              ? std::sqrt(sum_squares[c] / static_cast<double>(counted_samples[c]))
              : 0.0;
      std::string reason;
      if (non_finite[c]) {
        reason = "not calibrated (non-finite samples)";
      } else if (counted_samples[c] > 0 && rms < p.flat_rms_uv) {
        reason = "flat";
      } else if (line_hz > 0 && line_blocks[c] > 0 &&
                 line_amplitude[c] > std::max(p.line_noise_min_uv,
                                              p.line_noise_factor * median_line)) {
        reason = "line noise";
      }
      if (!reason.empty()) {
        good[c] = 0;
        auto& channel = channels[analysed[c]];
        channel.bad = true;
        channel.bad_reason = reason;
        warnings.push_back({"bad_channel",
                            "channel '" + channel.label + "' left out: " + reason,
                            static_cast<int>(analysed[c])});
      }
    }
    n_good = static_cast<std::size_t>(std::count(good.begin(), good.end(), 1));
    // A bad channel is a hole in the map, not a gap in the cortex: the channels around it count
    // as neighbours of each other, so a seizure spreading across it stays one.
    for (std::size_t b = 0; b < n; ++b) {
      if (good[b]) continue;
      for (const auto x : geometry.neighbours[b]) {
        for (const auto y : geometry.neighbours[b]) near[x * n + y] = 1;
      }
    }
  }

  void score_window(const double* power, std::int64_t start) {
    for (std::size_t c = 0; c < n; ++c) score_channel(c, power + c * n_bands);
    finish_window(start);
  }

  // The per-channel part of scoring a window: rhythm gain over the baseline, excess power,
  // hysteresis and the baseline update of channel c, from its band powers `channel_power`. It
  // reads and writes only channel c's state, so lanes run it for their channels in parallel.
  void score_channel(std::size_t c, const double* channel_power) {
    {
      gain_db[c] = 0.0f;
      excess[c] = 0.0f;
      if (!good[c]) return;
      // Distinct arrays (restrict lets the band loops vectorise).
      const double* __restrict pw = channel_power;
      double* __restrict base = &baseline[c * n_bands];
      double total_excess = 0.0;
      for (std::size_t b = 0; b < n_fine; ++b) total_excess += std::max(0.0, pw[b] - base[b]);
      // Best span by power ratio over baseline, compared by cross-multiplying (denominators are
      // >= kTinyPower > 0): one division per channel and window instead of one per span, which
      // was most of this function's time.
      double best_power = 0.0, best_base = 1.0;
      std::size_t best = span_first;
      for (std::size_t k = span_first; k <= span_last; ++k) {
        const double span_power = pw[k] + pw[k + 1];
        const double span_base = base[k] + base[k + 1];
        if (span_power * best_base > best_power * span_base) {
          best_power = span_power;
          best_base = span_base;
          best = k;
        }
      }
      const double best_ratio = best_power / best_base;
      const double span_excess =
          std::max(0.0, pw[best] + pw[best + 1] - base[best] - base[best + 1]);
      const double high_excess =
          has_high_band ? std::max(0.0, pw[n_fine] - base[n_fine]) : 0.0;
      const bool rhythmic = total_excess > 0 &&
                            span_excess >= p.min_concentration * total_excess &&
                            high_excess <= p.max_high_frequency_ratio * span_excess;
      double ratio = rhythmic ? best_ratio : 1.0;
      peak_band[c] = static_cast<int>(best);
      gain_db[c] = static_cast<float>(ratio > 1.0 ? 10.0 * std::log10(ratio) : 0.0);
      // Signed excess over the rhythm range (movement lives below it): fluctuations cancel,
      // so sums over windows and channels measure the rhythm that was added.
      double signed_excess = 0.0;
      for (std::size_t b = span_first; b < n_fine; ++b) signed_excess += pw[b] - base[b];
      excess[c] = static_cast<float>(signed_excess);
      // Hysteresis.
      if (on[c]) {
        if (ratio < off_ratio) on[c] = 0;
      } else if (ratio >= on_ratio) {
        on[c] = 1;
      }
      // Baseline: a median tracker in the log domain, fed by every window of the channel
      // except its ictal ones (excluding more, e.g. every window above the off threshold, would
      // drop the upper tail of ordinary fluctuations and drag the baseline down).
      if (!on[c]) {
        for (std::size_t b = 0; b < n_bands; ++b) {
          // Both candidates computed, then selected: a branch here is mispredicted about half
          // the time (power above or below the median is a coin toss).
          const double up = base[b] * step_up;
          const double down = std::max(kTinyPower, base[b] * step_down);
          base[b] = pw[b] > base[b] ? up : down;
        }
      }
    }
  }

  // The cross-channel part of a window, once every channel is scored: lookback ring, events.
  void finish_window(std::int64_t start) {
    const std::size_t slot = static_cast<std::size_t>(window_index) % lookback;
    std::copy(gain_db.begin(), gain_db.end(), ring_gain.begin() + slot * n);
    std::copy(excess.begin(), excess.end(), ring_excess.begin() + slot * n);
    ring_start[slot] = start;
    track_events(start);
    ++window_index;
  }

  // ---------------------------------------------------------------------------------------------
  // Events per spatial cluster
  // ---------------------------------------------------------------------------------------------

  Event* find_event(int id) {
    for (auto& event : open_events) {
      if (event.id == id) return &event;
    }
    return nullptr;
  }

  bool same_rhythm(std::size_t a, std::size_t b) const {
    return std::abs(peak_band[a] - peak_band[b]) <= p.max_frequency_difference_hz + 1e-9;
  }

  void track_events(std::int64_t start) {
    const std::int64_t t = window_index;
    const auto gap = static_cast<std::int64_t>(windows_for(p.close_gap_s, p.step_s));
    // 1. Channels keep their event while on; a channel back on soon rejoins its last event.
    for (std::size_t c = 0; c < n; ++c) {
      if (!on[c]) {
        if (owner[c] >= 0) last_owner[c] = owner[c];
        owner[c] = -1;
        continue;
      }
      if (owner[c] >= 0 && find_event(owner[c]) == nullptr) owner[c] = -1;
      if (owner[c] < 0 && last_owner[c] >= 0 && t - last_on_window[c] <= gap &&
          find_event(last_owner[c]) != nullptr) {
        if (std::abs(peak_band[c] - reference_band[c]) <= 1) {
          owner[c] = last_owner[c];
          joined_window[c] = t;  // back in: judged again like a channel that just joined
          focus_lead[c] = 0;
        } else {
          last_owner[c] = -1;  // back with another rhythm: placed again below
          reference_band[c] = peak_band[c];
        }
      }
    }
    // A channel of a running event whose rhythm jumps to another frequency and stays there
    // carries a new seizure (overlapping seizures): it leaves its event and is placed again.
    for (std::size_t c = 0; c < n; ++c) {
      if (!on[c]) {
        rhythm_changes[c] = 0;
        // A channel that drops out for a moment keeps its rhythm: when it comes back with
        // another one, that is a new discharge (e.g. a second seizure reaching it while the
        // first's field there fades), not the event it left.
        if (last_owner[c] < 0 || t - last_on_window[c] > gap) reference_band[c] = peak_band[c];
        continue;
      }
      if (std::abs(peak_band[c] - reference_band[c]) <= 1) {
        reference_band[c] = peak_band[c];
        rhythm_changes[c] = 0;
      } else if (++rhythm_changes[c] >= rhythm_change_windows && owner[c] >= 0) {
        owner[c] = -1;
        last_owner[c] = -1;
        run_start[c] = t - rhythm_changes[c] + 1;
        last_on_window[c] = t - 1;  // the run continues from its new start
        reference_band[c] = peak_band[c];
        rhythm_changes[c] = 0;
      }
    }
    // 2. Unowned channels that are on: groups of adjacent channels with the same rhythm join the
    // event of an adjacent owned channel with the same rhythm, or open a new event.
    std::vector<char> seen(n, 0);
    std::vector<std::size_t> group;
    for (std::size_t c0 = 0; c0 < n; ++c0) {
      if (!on[c0] || owner[c0] >= 0 || seen[c0]) continue;
      group.assign(1, c0);
      seen[c0] = 1;
      for (std::size_t i = 0; i < group.size(); ++i) {
        for (const auto m : geometry.neighbours[group[i]]) {
          if (on[m] && owner[m] < 0 && !seen[m] && same_rhythm(group[i], m)) {
            seen[m] = 1;
            group.push_back(m);
          }
        }
      }
      int best_id = -1, best_votes = 0;
      for (auto& event : open_events) {
        int votes = 0;
        for (const auto c : group) {
          for (std::size_t m = 0; m < n; ++m) {
            if (near[c * n + m] && on[m] && owner[m] == event.id && same_rhythm(c, m)) ++votes;
          }
        }
        if (votes > best_votes) {
          best_votes = votes;
          best_id = event.id;
        }
      }
      const bool joined = best_id >= 0;
      if (!joined) best_id = open_event(group);
      for (const auto c : group) {
        owner[c] = best_id;
        joined_window[c] = joined ? t : -1;
        focus_lead[c] = 0;
      }
    }
    // A channel that joined a running event and then outshines the event's channels around it
    // is a new focus (a second seizure starting with a rhythm like the first's next to it): it
    // opens an event of its own, and channels reached later choose between the two.
    for (std::size_t c = 0; c < n; ++c) {
      if (!on[c] || owner[c] < 0 || joined_window[c] < 0) continue;
      // Only for lateral referential channels: a bipolar derivation measures the field's
      // gradient, which can peak at the edge of a spreading discharge, and a midline electrode
      // sums both hemispheres.
      const auto& label = geometry.labels[c];
      if (t - joined_window[c] >= kNewFocusWindows || label.is_bipolar ||
          (label.hemisphere != Hemisphere::left && label.hemisphere != Hemisphere::right)) {
        joined_window[c] = -1;
        continue;
      }
      if (const Event* event = find_event(owner[c]); event && event->side == label.hemisphere) {
        continue;  // a focus on the event's own side would be kept as its spread anyway
      }
      bool bordered = false, leads = true;
      for (const auto m : geometry.neighbours[c]) {
        if (!on[m] || owner[m] != owner[c]) continue;
        bordered = true;
        leads = leads && gain_db[c] >= gain_db[m] + kNewFocusMarginDb;
      }
      focus_lead[c] = bordered && leads ? focus_lead[c] + 1 : 0;
      if (focus_lead[c] >= kNewFocusLeadWindows) {
        const std::vector<std::size_t> seed{c};
        owner[c] = -1;  // open_event looks at the other channels' owners only
        owner[c] = open_event(seed);
        last_owner[c] = -1;
        joined_window[c] = -1;
      }
    }
    split_by_rhythm();
    // 3. Record the window in every open event; close the quiet ones.
    for (std::size_t c = 0; c < n; ++c) {
      if (on[c]) {
        if (last_on_window[c] != t - 1) run_start[c] = t;
        last_on_window[c] = t;
        run_length[c] = t - run_start[c] + 1;
      } else {
        run_length[c] = 0;
      }
    }
    for (auto& event : open_events) {
      bool any = false;
      for (std::size_t c = 0; c < n; ++c) {
        if (owner[c] != event.id) continue;
        any = true;
        // A channel is recruited once it has stayed on for recruit_windows (isolated windows
        // are fluctuations, blinks or pops); its run start is then its entry into the event. A
        // channel recruited after the history cap is left out of the onset order.
        if (event.history.first_on[c] < 0 && run_length[c] >= recruit_windows &&
            event.history.n_windows() < lookback + kMaxEventHistory) {
          event.history.first_on[c] =
              static_cast<int>(std::max<std::int64_t>(0, run_start[c] - event.first_window));
          if (event.first_recruit < 0 || run_start[c] < event.first_recruit) {
            event.first_recruit = run_start[c];
          }
        }
        event.peak_gain_db = std::max(event.peak_gain_db, static_cast<double>(gain_db[c]));
      }
      if (any) {
        event.last_on = t;
        for (std::size_t c = 0; c < n; ++c) {
          if (owner[c] == event.id) event.longest_run = std::max(event.longest_run, run_length[c]);
        }
        float strongest = -1.0f;
        for (std::size_t c = 0; c < n; ++c) {
          if (owner[c] == event.id && gain_db[c] > strongest) {
            strongest = gain_db[c];
            event.rhythm_band = peak_band[c];
          }
        }
      }
      append_history(event, start);
    }
    for (std::size_t i = 0; i < open_events.size();) {
      if (t - open_events[i].last_on >= gap) {
        close_event(open_events[i]);
        open_events.erase(open_events.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
  }

  // Two rhythms in one event, one on each side: the channels across the midline from where the
  // event opened that keep another rhythm than its strongest channel on its own side leave it
  // together (with their adjacent channels of the same rhythm) as a new event.
  void split_by_rhythm() {
    auto lateral = [](Hemisphere h) { return h == Hemisphere::left || h == Hemisphere::right; };
    std::vector<int> home(open_events.size(), -1);
    for (std::size_t e = 0; e < open_events.size(); ++e) {
      const Event& event = open_events[e];
      if (!lateral(event.side)) continue;
      float strongest = -1.0f;
      for (std::size_t c = 0; c < n; ++c) {
        if (on[c] && owner[c] == event.id && geometry.labels[c].hemisphere == event.side &&
            gain_db[c] > strongest) {
          strongest = gain_db[c];
          home[e] = peak_band[c];
        }
      }
    }
    for (std::size_t c = 0; c < n; ++c) {
      bool off_rhythm = false;
      for (std::size_t e = 0; e < open_events.size() && on[c]; ++e) {
        const Event& event = open_events[e];
        if (owner[c] != event.id || home[e] < 0) continue;
        const Hemisphere side = geometry.labels[c].hemisphere;
        off_rhythm = lateral(side) && side != event.side &&
                     std::abs(peak_band[c] - home[e]) > p.max_frequency_difference_hz + 1e-9;
      }
      diverged[c] = off_rhythm ? diverged[c] + 1 : 0;
    }
    for (std::size_t c0 = 0; c0 < n; ++c0) {
      if (diverged[c0] < kRhythmSplitWindows) continue;
      const int from = owner[c0];
      std::vector<std::size_t> group{c0};
      std::vector<char> taken(n, 0);
      taken[c0] = 1;
      for (std::size_t i = 0; i < group.size(); ++i) {
        for (const auto m : geometry.neighbours[group[i]]) {
          if (!taken[m] && owner[m] == from && diverged[m] > 0 && same_rhythm(group[i], m)) {
            taken[m] = 1;
            group.push_back(m);
          }
        }
      }
      for (const auto c : group) owner[c] = -1;  // open_event looks at the other channels only
      const int id = open_event(group);
      for (const auto c : group) {
        owner[c] = id;
        last_owner[c] = -1;
        joined_window[c] = -1;
        diverged[c] = 0;
      }
    }
  }

  int open_event(const std::vector<std::size_t>& group) {
    Event event;
    event.id = next_event_id++;
    event.opened = window_index;
    event.last_on = window_index;
    event.global_onset =
        static_cast<double>(group.size()) > p.max_onset_fraction * static_cast<double>(n_good);
    float strongest = -1.0f;
    for (const auto c : group) {
      if (gain_db[c] > strongest) {
        strongest = gain_db[c];
        event.rhythm_band = peak_band[c];
        event.side = geometry.labels[c].hemisphere;
      }
    }
    for (const auto& other : open_events) {
      // A running event is a possible parent when its rhythm is similar, or when it opened
      // moments ago and already owns a channel next to this group: a seizure that spreads while
      // slowing into delta reaches its neighbours with another rhythm. close_event keeps the
      // child only when it lies on the other side.
      bool adjacent = false;
      const bool recent = window_index - other.opened <= kSpreadWindows;
      for (const auto c : group) {
        if (!recent) break;
        for (std::size_t m = 0; m < n && !adjacent; ++m) {
          adjacent = near[c * n + m] && (owner[m] == other.id || last_owner[m] == other.id);
        }
      }
      // Spread is contiguous: a group with a similar rhythm is the other event's spread only
      // when it borders a channel that event holds or has recruited; a group arising apart
      // from it is a focus of its own.
      bool touching = adjacent;
      for (const auto c : group) {
        for (std::size_t m = 0; m < n && !touching; ++m) {
          touching = near[c * n + m] && (owner[m] == other.id || last_owner[m] == other.id ||
                                         other.history.first_on[m] >= 0);
        }
      }
      if (adjacent || (touching && std::abs(other.rhythm_band - event.rhythm_band) <= 2)) {
        event.parents.push_back(other.id);
      }
    }
    event.history.n_channels = n;
    event.history.first_on.assign(n, -1);
    // History starts with the lookback ring (oldest first), excluding the current window, which
    // append_history adds.
    const std::int64_t available = std::min<std::int64_t>(window_index,
                                                           static_cast<std::int64_t>(lookback) - 1);
    event.first_window = window_index - available;
    for (std::int64_t w = event.first_window; w < window_index; ++w) {
      const std::size_t slot = static_cast<std::size_t>(w) % lookback;
      event.history.window_start.push_back(ring_start[slot]);
      event.history.gain_db.insert(event.history.gain_db.end(), ring_gain.begin() + slot * n,
                                   ring_gain.begin() + (slot + 1) * n);
      event.history.excess.insert(event.history.excess.end(), ring_excess.begin() + slot * n,
                                  ring_excess.begin() + (slot + 1) * n);
    }
    open_events.push_back(std::move(event));
    return open_events.back().id;
  }

  void append_history(Event& event, std::int64_t start) {
    if (event.history.n_windows() >= lookback + kMaxEventHistory) return;
    event.history.window_start.push_back(start);
    event.history.gain_db.insert(event.history.gain_db.end(), gain_db.begin(), gain_db.end());
    event.history.excess.insert(event.history.excess.end(), excess.begin(), excess.end());
  }

  void close_event(Event& event) {
    if (event.global_onset || event.first_recruit < 0 ||
        event.longest_run < sustained_windows) {
      return;
    }
    const double duration_s =
        static_cast<double>(event.last_on - event.first_recruit + 1) * p.step_s;
    if (duration_s < p.min_duration_s) return;
    std::vector<bool> good_flags(good.begin(), good.end());
    auto located = detail::localise(event.history, geometry, good_flags, p, event.peak_gain_db);
    if (located.seizure.channel_onsets.empty()) return;
    const Hemisphere hemisphere = located.seizure.hemisphere;
    const bool lateral = hemisphere == Hemisphere::left || hemisphere == Hemisphere::right;
    for (const int parent : event.parents) {
      Hemisphere parent_side = Hemisphere::unknown;
      bool known = false;
      for (const auto& [id, side] : closed_sides) {
        if (id == parent) {
          parent_side = side;
          known = true;
        }
      }
      if (!known) {
        if (Event* running = find_event(parent); running && running != &event) {
          parent_side =
              detail::localise(running->history, geometry, good_flags, p, running->peak_gain_db)
                  .seizure.hemisphere;
          known = true;
        }
      }
      if (known && lateral && parent_side == hemisphere) return;  // spread of the parent
    }
    closed_sides.emplace_back(event.id, hemisphere);
    if (closed_sides.size() > 64) closed_sides.erase(closed_sides.begin());
    StreamSeizure out;
    out.seizure = std::move(located.seizure);
    // Onset: centre of the earliest channel's change-point window; offset: end of the hop
    // after the centre of the last window with a channel on.
    const auto half = static_cast<std::int64_t>(window_samples / 2);
    out.onset_sample = event.history.window_start[located.onset_window] + half;
    const std::int64_t last_index = event.last_on - event.first_window;
    std::int64_t last_start;
    if (last_index >= 0 && static_cast<std::size_t>(last_index) < event.history.n_windows()) {
      last_start = event.history.window_start[static_cast<std::size_t>(last_index)];
    } else {
      last_start = event.history.window_start.back() +
                   (last_index - static_cast<std::int64_t>(event.history.n_windows()) + 1) *
                       static_cast<std::int64_t>(step_samples);
    }
    out.offset_sample = std::max(out.onset_sample + 1,
                                 last_start + half + static_cast<std::int64_t>(step_samples / 2));
    for (std::size_t i = 0; i < out.seizure.channel_onsets.size(); ++i) {
      auto& onset = out.seizure.channel_onsets[i];
      const auto c = static_cast<std::size_t>(onset.channel);
      onset.channel = static_cast<int>(analysed[c]);
      onset.onset = to_ticks(event.history.window_start[located.channel_onset_windows[i]] + half);
    }
    out.seizure.onset = to_ticks(out.onset_sample);
    out.seizure.offset = to_ticks(out.offset_sample);
    finished.push_back(std::move(out));
  }

  Ticks to_ticks(std::int64_t sample) const {
    return static_cast<Ticks>(
        std::llround(static_cast<double>(sample) * static_cast<double>(kTicksPerSecond) / sfreq));
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
    for (auto& event : open_events) close_event(event);
    open_events.clear();
  }

  std::vector<StreamSeizure> take() {
    std::vector<StreamSeizure> out;
    out.swap(finished);
    std::stable_sort(out.begin(), out.end(), [](const StreamSeizure& a, const StreamSeizure& b) {
      return a.onset_sample < b.onset_sample;
    });
    return out;
  }

  std::size_t bytes() const {
    std::size_t total = block.size() * sizeof(double) + baseline.size() * sizeof(double) +
                        (ring_gain.size() + ring_excess.size()) * sizeof(float) +
                        warmup_powers.capacity() * sizeof(double) +
                        window_powers.capacity() * sizeof(double) +
                        (block_gain.capacity() + block_excess.capacity()) * sizeof(float) +
                        block_peak.capacity() * sizeof(int) + block_on.capacity();
    for (const auto& event : open_events) {
      total += (event.history.gain_db.capacity() + event.history.excess.capacity()) *
                   sizeof(float) +
               event.history.window_start.capacity() * sizeof(std::int64_t);
    }
    for (const auto& lane : lanes) {
      total += lane.engine->buffer_bytes() + lane.powers.power.capacity() * sizeof(double) +
               lane.scratch.capacity() * sizeof(float);
    }
    return total;
  }
};

SeizureDetector::SeizureDetector(double sfreq, std::vector<std::string> labels,
                                 DetectorParams params, std::vector<bool> bad)
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
void SeizureDetector::push(const float* data, std::size_t n_samples, std::size_t row_stride,
                           const std::function<void(std::size_t)>& alongside,
                           std::size_t parts) {
  impl_->push(data, n_samples, row_stride, alongside, parts);
}
void SeizureDetector::finish() { impl_->finish(); }
std::vector<StreamSeizure> SeizureDetector::take_seizures() { return impl_->take(); }
const std::vector<DetectedChannel>& SeizureDetector::channels() const noexcept {
  return impl_->channels;
}
const std::vector<ReadWarning>& SeizureDetector::warnings() const noexcept {
  return impl_->warnings;
}
double SeizureDetector::sfreq() const noexcept { return impl_->sfreq; }
std::int64_t SeizureDetector::samples_pushed() const noexcept { return impl_->pushed; }
std::int64_t SeizureDetector::windows_processed() const noexcept { return impl_->window_index; }
std::size_t SeizureDetector::buffer_bytes() const noexcept { return impl_->bytes(); }

}  // namespace ictaltrack
