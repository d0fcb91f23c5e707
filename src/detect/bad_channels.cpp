#include "detect/bad_channels.hpp"

#include <algorithm>
#include <cmath>

namespace ictaltrack::detail {

double WarmupStatistics::rms() const {
  return counted_samples_ > 0 ? std::sqrt(sum_squares_ / static_cast<double>(counted_samples_))
                              : 0.0;
}

std::vector<std::string> judge_bad_channels(const std::vector<WarmupStatistics>& statistics,
                                            const BadChannelRules& rules) {
  const std::size_t n = statistics.size();
  std::vector<double> line_amplitude(n, 0.0);
  for (std::size_t c = 0; c < n; ++c) line_amplitude[c] = statistics[c].mains().amplitude();
  std::vector<double> sorted = line_amplitude;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(n / 2),
                   sorted.end());
  const double median_line = n > 0 ? sorted[n / 2] : 0.0;
  std::vector<std::string> reasons(n);
  for (std::size_t c = 0; c < n; ++c) {
    const auto& channel = statistics[c];
    if (channel.non_finite()) {
      reasons[c] = "not calibrated (non-finite samples)";
    } else if (channel.counted_samples() > 0 && channel.rms() < rules.flat_rms_uv) {
      reasons[c] = "flat";
    } else if (rules.line_hz > 0 && channel.mains().blocks() > 0 &&
               line_amplitude[c] >
                   std::max(rules.line_noise_min_uv, rules.line_noise_factor * median_line)) {
      reasons[c] = "line noise";
    }
  }
  return reasons;
}

}  // namespace ictaltrack::detail
