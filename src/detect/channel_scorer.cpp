#include "detect/channel_scorer.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace ictaltrack::detail {

BandLayout BandLayout::make(const DetectorOptions& params, double sfreq) {
  BandLayout layout;
  const double nyquist = sfreq / 2.0;
  const double fine_top = std::min(params.rhythm_high_hz, nyquist);
  while (1.5 + static_cast<double>(layout.n_fine) <= fine_top + 1e-9) ++layout.n_fine;
  layout.has_high_band = nyquist > kHighFrequencyLow + 5.0;
  layout.high_band_top_hz = std::min(kHighFrequencyHigh, nyquist);
  layout.n_bands = layout.n_fine + (layout.has_high_band ? 1 : 0);
  layout.span_first =
      static_cast<std::size_t>(std::max(0.0, std::ceil(params.rhythm_low_hz - 0.5 - 1e-9)));
  layout.span_last = layout.n_fine >= 2 ? layout.n_fine - 2 : 0;
  return layout;
}

BandPowerOptions BandLayout::band_power_options(const DetectorOptions& params) const {
  BandPowerOptions options;
  options.window_s = params.window_s;
  options.step_s = params.step_s;
  options.n_threads = 1;  // the detector's threads share out its lanes
  options.bands.clear();  // replaces the default delta..gamma bands
  for (std::size_t b = 0; b < n_fine; ++b) {
    const double low = 0.5 + static_cast<double>(b);
    options.bands.push_back({"f" + std::to_string(b), low, low + 1.0});
  }
  if (has_high_band) options.bands.push_back({"high", kHighFrequencyLow, high_band_top_hz});
  return options;
}

ChannelScorer::ChannelScorer(std::size_t n_channels, const BandLayout& layout,
                             const DetectorOptions& params)
    : layout_(layout),
      min_concentration_(params.min_concentration),
      max_high_frequency_ratio_(params.max_high_frequency_ratio),
      step_up_(1.0 + params.baseline_step),
      step_down_(1.0 / step_up_),
      on_ratio_(std::pow(10.0, params.on_threshold_db / 10.0)),
      off_ratio_(std::pow(10.0, params.off_threshold_db / 10.0)),
      baseline_(n_channels * layout.n_bands, kTinyPower),
      good_(n_channels, 1),
      on_(n_channels, 0) {}

void ChannelScorer::start_baseline(const double* powers, std::size_t n_windows) {
  const std::size_t n = good_.size(), n_bands = layout_.n_bands;
  std::vector<double> values(n_windows);
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t b = 0; b < n_bands; ++b) {
      for (std::size_t w = 0; w < n_windows; ++w) values[w] = powers[(w * n + c) * n_bands + b];
      auto middle = values.begin() + static_cast<std::ptrdiff_t>(n_windows / 2);
      std::nth_element(values.begin(), middle, values.end());
      baseline_[c * n_bands + b] = std::max(kTinyPower, *middle);
    }
  }
}

ChannelScore ChannelScorer::score(std::size_t c, const double* power) {
  ChannelScore out;
  if (!good_[c]) return out;
  const std::size_t n_fine = layout_.n_fine, n_bands = layout_.n_bands;
  const std::size_t span_first = layout_.span_first, span_last = layout_.span_last;
  // Distinct arrays (restrict lets the band loops vectorise).
  const double* __restrict pw = power;
  double* __restrict base = &baseline_[c * n_bands];
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
  // A sharp discharge (sharp waves, spike-and-wave) puts much of its power into harmonics, and
  // over a 1/f baseline a harmonic can rise more than its fundamental: when the span at half or
  // a third of the best one's frequency also rises to the switch-on ratio, that is the
  // discharge's fundamental, and the rhythm is reported there.
  std::size_t fundamental = best;
  double fundamental_ratio = 0.0;
  const double best_hz = static_cast<double>(best) + 1.5;  // span centre
  for (const double divisor : {2.0, 3.0}) {
    const long k = std::lround(best_hz / divisor - 1.5);
    if (k < static_cast<long>(span_first) || static_cast<std::size_t>(k) >= best) continue;
    const auto j = static_cast<std::size_t>(k);
    const double power_j = pw[j] + pw[j + 1], base_j = base[j] + base[j + 1];
    if (power_j >= on_ratio_ * base_j && power_j > fundamental_ratio * base_j) {
      fundamental = j;
      fundamental_ratio = power_j / base_j;
    }
  }
  // Rhythmic activity is narrow-band in the harmonic sense: its excess lies in the spans of its
  // fundamental and of its first two harmonics (blinks, pops and movement spread theirs over
  // every band), and muscle does not dominate it. A span counts when it is the best one or the
  // fundamental, or when it has itself risen to the switch-off ratio (so that background
  // fluctuations in the harmonic spans of an ordinary window do not make it rhythmic).
  double rhythm_excess = 0.0;
  const double fundamental_hz = static_cast<double>(fundamental) + 1.5;
  std::size_t next_free = 0;  // bands below it are already counted (harmonic spans may touch)
  for (int harmonic = 1; harmonic <= 3; ++harmonic) {
    const long k = std::lround(harmonic * fundamental_hz - 1.5);
    if (k > static_cast<long>(span_last)) break;
    const auto j = static_cast<std::size_t>(k);
    if (harmonic > 1 && j != best && pw[j] + pw[j + 1] < off_ratio_ * (base[j] + base[j + 1])) {
      continue;
    }
    for (auto b = std::max(next_free, j); b <= j + 1; ++b) {
      rhythm_excess += std::max(0.0, pw[b] - base[b]);
    }
    next_free = j + 2;
  }
  // Muscle: 30-70 Hz excess above max_high_frequency_ratio of the rhythm's excess, its whole
  // harmonic comb and not the best span alone, because a sharp discharge of 7-11 Hz puts its
  // higher harmonics into 30-70 Hz too (weighed against one span, the veto silenced such seizures
  // until they had slowed, and the homologous side they had spread to was found first). The comb
  // is taken at the rounded multiples of the fundamental's span, which can miss the best span by
  // one band; the larger of the two keeps the veto never stricter than against the best span.
  const double span_excess = std::max(0.0, pw[best] + pw[best + 1] - base[best] - base[best + 1]);
  const double high_excess = layout_.has_high_band ? std::max(0.0, pw[n_fine] - base[n_fine]) : 0.0;
  const bool rhythmic =
      total_excess > 0 && rhythm_excess >= min_concentration_ * total_excess &&
      high_excess <= max_high_frequency_ratio_ * std::max(span_excess, rhythm_excess);
  const double ratio = rhythmic ? best_ratio : 1.0;
  out.peak_band = static_cast<int>(fundamental);
  {
    double weight = 0.0, moment = 0.0;
    const std::size_t low = fundamental > 0 ? fundamental - 1 : 0;
    for (std::size_t b = low; b <= std::min(fundamental + 2, n_fine - 1); ++b) {
      const double e = std::max(0.0, pw[b] - base[b]);
      weight += e;
      moment += e * (static_cast<double>(b) + 1.0);  // band b is centred on b + 1 Hz
    }
    out.rhythm_hz = static_cast<float>(weight > 0 ? moment / weight : fundamental_hz);
  }
  out.gain_db = static_cast<float>(ratio > 1.0 ? 10.0 * std::log10(ratio) : 0.0);
  // Signed excess over the rhythm range (movement lives below it): fluctuations cancel, so sums
  // over windows and channels measure the rhythm that was added.
  double signed_excess = 0.0;
  for (std::size_t b = span_first; b < n_fine; ++b) signed_excess += pw[b] - base[b];
  out.excess = static_cast<float>(signed_excess);
  // Hysteresis.
  if (on_[c]) {
    if (ratio < off_ratio_) on_[c] = 0;
  } else if (ratio >= on_ratio_) {
    on_[c] = 1;
  }
  out.on = on_[c] != 0;
  // Baseline: a median tracker in the log domain, fed by every window of the channel except
  // its ictal ones (excluding more, e.g. every window above the off threshold, would drop the
  // upper tail of ordinary fluctuations and drag the baseline down).
  if (!on_[c]) {
    for (std::size_t b = 0; b < n_bands; ++b) {
      // Both candidates computed, then selected: a branch here is mispredicted about half the
      // time (power above or below the median is a coin toss).
      const double up = base[b] * step_up_;
      const double down = std::max(kTinyPower, base[b] * step_down_);
      base[b] = pw[b] > base[b] ? up : down;
    }
  }
  return out;
}

}  // namespace ictaltrack::detail
