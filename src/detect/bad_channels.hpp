// The bad-channel judge: statistics of each channel over the baseline warm-up (RMS after the
// high-pass, mains amplitude before the notch, non-finite samples) and the rules that leave a
// channel out (flat, line noise, not calibrated). docs/detection.md, "Bad channels".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "detect/goertzel.hpp"

namespace ictaltrack::detail {

/// One channel's warm-up statistics. The conditioning lane feeds it while it conditions the
/// warm-up samples.
class WarmupStatistics {
 public:
  WarmupStatistics() = default;
  /// `mains_hz`: the tone measured (the notch frequency; 50 Hz when there is no notch).
  WarmupStatistics(double mains_hz, double sfreq) : mains_(mains_hz, sfreq) {}

  /// Samples after the high-pass and before the notch (finite; non-finite ones were replaced
  /// by 0 and reported with mark_non_finite()).
  void add(const double* high_passed, std::size_t count) {
    double squares = 0.0;
    for (std::size_t i = 0; i < count; ++i) {
      squares += high_passed[i] * high_passed[i];
      mains_.push(high_passed[i]);
    }
    sum_squares_ += squares;
    counted_samples_ += static_cast<std::int64_t>(count);
  }
  void mark_non_finite() noexcept { non_finite_ = true; }
  /// The stream has a gap: no mains block spans it.
  void restart_block() noexcept { mains_.restart_block(); }

  bool non_finite() const noexcept { return non_finite_; }
  std::int64_t counted_samples() const noexcept { return counted_samples_; }
  double rms() const;
  const BlockGoertzel& mains() const noexcept { return mains_; }

 private:
  double sum_squares_ = 0.0;
  std::int64_t counted_samples_ = 0;
  BlockGoertzel mains_;
  bool non_finite_ = false;
};

struct BadChannelRules {
  double flat_rms_uv = 0.5;         ///< RMS below this = flat
  double line_noise_factor = 10.0;  ///< mains amplitude above this many times the median ...
  double line_noise_min_uv = 10.0;  ///< ... and above this = line noise
  double line_hz = 0.0;             ///< the notched mains frequency; 0 = no line-noise rule
};

/// Per channel: why it is left out ("flat", "line noise", "not calibrated (non-finite
/// samples)"), or an empty string for a good channel. The line-noise rule compares each channel
/// with the median over all of `statistics`.
std::vector<std::string> judge_bad_channels(const std::vector<WarmupStatistics>& statistics,
                                            const BadChannelRules& rules);

}  // namespace ictaltrack::detail
