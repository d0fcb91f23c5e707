// Per-channel state and scoring: each window's band powers of one channel become its rhythm
// gain over a running baseline, its excess power and its ictal on/off state (hysteresis). The
// scorer owns every channel's baseline and state; scoring channel c reads and writes only
// channel c's, so lanes score their own channels in parallel. docs/detection.md, steps 3-4.
#pragma once

#include <cstddef>
#include <vector>

#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/spectral/band_power.hpp"

namespace ictaltrack::detail {

constexpr double kTinyPower = 1e-12;  // uV^2; keeps ratios finite on flat channels
constexpr double kHighFrequencyLow = 30.0, kHighFrequencyHigh = 70.0;  // muscle band, Hz

/// The detector's bands: n_fine 1 Hz bands [0.5 + b, 1.5 + b) up to the rhythm search limit,
/// then (when the rate allows) one high-frequency band for the muscle veto; the rhythm is
/// searched over the 2-band spans k (bands k, k + 1) for k in [span_first, span_last].
struct BandLayout {
  std::size_t n_fine = 0;
  bool has_high_band = false;  ///< band index n_fine: kHighFrequencyLow .. high_band_top_hz
  double high_band_top_hz = kHighFrequencyHigh;  ///< min(kHighFrequencyHigh, Nyquist)
  std::size_t n_bands = 0;
  std::size_t span_first = 1, span_last = 0;

  static BandLayout make(const DetectorOptions& params, double sfreq);
  /// True when there is no span to search (the rate is too low for the rhythm range).
  bool unusable() const noexcept { return n_fine < 3 || span_first > span_last; }
  /// Band-power options computing exactly these bands, single-threaded.
  BandPowerOptions band_power_options(const DetectorOptions& params) const;
};

/// One channel's score for one window.
struct ChannelScore {
  float gain_db = 0.0f;  ///< rhythm gain over the baseline (0 when not rhythmic or bad)
  float excess = 0.0f;   ///< signed power over the baseline in the rhythm range, uV^2
  int peak_band = 0;     ///< first band of the rhythm span (of the discharge's fundamental)
  /// The rhythm's frequency, Hz: the excess-weighted mean of the centres of the fundamental's
  /// span and its two neighbouring bands (finer than the 1 Hz bands; 0 when bad)
  float rhythm_hz = 0.0f;
  bool on = false;  ///< ictal state after this window
};

class ChannelScorer {
 public:
  ChannelScorer() = default;
  ChannelScorer(std::size_t n_channels, const BandLayout& layout, const DetectorOptions& params);

  /// Baseline of every channel and band: the median over the warm-up windows `powers`
  /// ((window, channel, band), n_windows >= 1).
  void start_baseline(const double* powers, std::size_t n_windows);
  /// A bad channel is never scored again (its score stays 0, off).
  void set_bad(std::size_t c) { good_[c] = 0; }

  /// The stream has a gap: every channel starts the next segment off (judged afresh); the
  /// baselines carry over.
  void end_segment() { on_.assign(on_.size(), 0); }

  /// Scores channel c's window from its band powers `power` (layout().n_bands values) and
  /// moves its hysteresis and its baseline (updated only when the channel is off).
  ChannelScore score(std::size_t c, const double* power);

  const BandLayout& layout() const noexcept { return layout_; }
  /// Channel c's current baseline (layout().n_bands values).
  const double* baseline(std::size_t c) const noexcept { return &baseline_[c * layout_.n_bands]; }
  std::size_t buffer_bytes() const noexcept { return baseline_.size() * sizeof(double); }

 private:
  BandLayout layout_;
  double min_concentration_ = 0.4, max_high_frequency_ratio_ = 0.5;
  double step_up_ = 1.0, step_down_ = 1.0;   // baseline tracker factors (multiplies, not divisions)
  double on_ratio_ = 1.0, off_ratio_ = 1.0;  // hysteresis thresholds as power ratios
  std::vector<double> baseline_;             // (channel, band)
  std::vector<char> good_, on_;
};

}  // namespace ictaltrack::detail
