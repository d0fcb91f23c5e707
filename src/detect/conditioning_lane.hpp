// Lane conditioning and band power: a lane is up to kLaneChannels analysed channels that share
// one filter object (SosFilter interleaves the recursions of its channels) and one band-power
// engine. It takes a block of the caller's samples and gives the band powers of the windows the
// block completes; it owns its filter states, its band-power carry and its channels' warm-up
// statistics. LaneSet runs all lanes of a detector as one step on the worker pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/worker_pool.hpp"
#include "detect/bad_channels.hpp"
#include "ictaltrack/conditioning/filters.hpp"
#include "ictaltrack/spectral/band_power.hpp"

namespace ictaltrack::detail {

constexpr std::size_t kMaxBlock = 4096;   // samples per channel conditioned at a time
constexpr std::size_t kLaneChannels = 4;  // channels per lane (one filter object)

/// What every lane of a detector conditions with.
struct LaneFilters {
  SosSections highpass;    ///< empty = no high-pass
  SosSections notch;       ///< empty = no notch
  double mains_hz = 50.0;  ///< tone of the warm-up mains statistics
  /// Stream samples [0, warmup_samples) are the baseline warm-up: high-pass and notch run one
  /// after the other with the statistics taken between them; from that exact sample on (so
  /// chunking does not matter) one cascade of both, continuing their states, runs in one pass.
  std::int64_t warmup_samples = 0;
};

class ConditioningLane {
 public:
  /// `rows`: the caller's row of each of the lane's channels.
  ConditioningLane(std::vector<std::size_t> rows, const LaneFilters& filters, double sfreq,
                   const BandPowerOptions& options);

  /// Conditions samples [offset, offset + count) of the lane's rows of `data` (channel c at
  /// data[c * row_stride + i]), whose first is stream sample `position`, and computes the band
  /// powers of the windows they complete: powers() then holds exactly those windows.
  template <typename T>
  void process(const T* data, std::size_t row_stride, std::size_t offset, std::size_t count,
               std::int64_t position);

  /// The stream has a gap before the next sample processed: no window spans it (the band-power
  /// engine starts a new segment there) and the filters restart in the steady state of that
  /// first sample (scipy's sosfilt_zi scaled by it), so the jump leaves no transient.
  void begin_segment() noexcept { restart_pending_ = true; }

  std::size_t size() const noexcept { return rows_.size(); }
  /// Windows completed by the last process(): (window, lane channel, band).
  const BandPowerResult& powers() const noexcept { return powers_; }
  const BandPowerEngine& engine() const noexcept { return *engine_; }
  /// Per lane channel, over the warm-up samples.
  const std::vector<WarmupStatistics>& statistics() const noexcept { return statistics_; }
  std::size_t buffer_bytes() const;

 private:
  template <typename T>
  void condition(const T* data, std::size_t row_stride, std::size_t offset, std::size_t count,
                 std::int64_t position);
  template <typename T>
  void condition_warmup(const T* data, std::size_t row_stride, std::size_t offset,
                        std::size_t count);
  template <typename T, typename Out>
  void copy_finite(const T* data, std::size_t row_stride, std::size_t offset, std::size_t count,
                   Out* out, std::size_t out_stride);
  void start_cascade();
  template <typename T>
  void restart(const T* data, std::size_t row_stride, std::size_t offset, std::int64_t position);

  std::vector<std::size_t> rows_;
  bool adjacent_rows_ = false;  // rows_ are consecutive caller rows
  std::int64_t warmup_samples_ = 0;
  std::unique_ptr<SosFilter> highpass_, notch_;  // warm-up filters (null = none)
  std::unique_ptr<SosFilter> cascade_;           // both in one, after the warm-up (null = none)
  bool cascade_started_ = false;
  bool restart_pending_ = false;
  std::vector<WarmupStatistics> statistics_;
  std::vector<double> block_;   // (size, kMaxBlock) conditioned samples
  std::vector<float> scratch_;  // the lane's rows, non-finite values replaced (float input)
  std::unique_ptr<BandPowerEngine> engine_;
  BandPowerResult powers_;
};

/// The lanes of one detector and the worker pool that shares them out. In a step the threads
/// take lanes in order as they become free, then the pieces of the step's side work (detect_file's
/// reading): a thread that runs slower (a busy core) simply takes fewer lanes, and no thread
/// waits on a fixed share. The lanes do not depend on the thread count, and a channel's
/// arithmetic does not depend on its lane (SosFilter's lane paths are bit-identical, band power is
/// per channel), so results do not depend on n_threads.
class LaneSet {
 public:
  LaneSet() = default;
  /// `rows`: the caller's row of each analysed channel; lanes take them kLaneChannels at a time
  /// (the last lane is the smallest, so the end of a step is the cheapest part to balance).
  LaneSet(const std::vector<std::size_t>& rows, const LaneFilters& filters, double sfreq,
          const BandPowerOptions& options, int n_threads);

  /// One parallel step: every lane processes samples [offset, offset + count) (stream position
  /// `position`) in blocks of kMaxBlock, then runs `after(lane index, first channel)` on the
  /// same thread; `side(k)` for k < side_parts runs on whichever thread is free.
  template <typename T>
  void step(const T* data, std::size_t row_stride, std::size_t offset, std::size_t count,
            std::int64_t position,
            const std::function<void(const ConditioningLane&, std::size_t first)>& after,
            const std::function<void(std::size_t)>& side, std::size_t side_parts);

  /// The stream has a gap before the next step (ConditioningLane::begin_segment).
  void begin_segment() noexcept {
    for (auto& lane : lanes_) lane.begin_segment();
  }

  bool empty() const noexcept { return lanes_.empty(); }
  const std::vector<ConditioningLane>& lanes() const noexcept { return lanes_; }
  /// Index of lane l's first channel among the analysed channels.
  std::size_t first_channel(std::size_t l) const noexcept { return l * kLaneChannels; }
  /// Every analysed channel's warm-up statistics, in channel order.
  std::vector<WarmupStatistics> statistics() const;

 private:
  std::vector<ConditioningLane> lanes_;
  std::unique_ptr<WorkerPool> pool_;
};

}  // namespace ictaltrack::detail
