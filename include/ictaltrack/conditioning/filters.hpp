// Causal IIR filtering as cascaded second-order sections (SOS), streaming over chunks.
//
// - Coefficients use scipy's SOS layout: one row [b0, b1, b2, a0, a1, a2] per section, a0 == 1.
// - Design functions reproduce scipy.signal.butter(order, cutoff, btype, fs=sfreq, output="sos")
//   (analog Butterworth prototype, bilinear transform with prewarping, scipy's zpk2sos "nearest"
//   pairing and section order, gain in the first section) and scipy.signal.iirnotch(f0, Q, fs)
//   as one section.
// - SosFilter runs Direct Form II transposed, exactly scipy.signal.sosfilt's recursion, with one
//   state (2 values per section) per channel that carries across chunks. The initial state is zero
//   (sosfilt's default zi=None), so filtering a recording in chunks of any size gives the same
//   output as filtering it in one piece.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace ictaltrack {

/// Second-order sections: one row [b0, b1, b2, a0, a1, a2] per section (a0 == 1).
using SosSections = std::vector<std::array<double, 6>>;

/// scipy.signal.butter(order, cutoff_hz, "lowpass", fs=sfreq, output="sos").
/// Throws std::invalid_argument unless order >= 1 and 0 < cutoff_hz < sfreq / 2.
SosSections butterworth_lowpass(int order, double cutoff_hz, double sfreq);
/// scipy.signal.butter(order, cutoff_hz, "highpass", fs=sfreq, output="sos").
SosSections butterworth_highpass(int order, double cutoff_hz, double sfreq);
/// scipy.signal.iirnotch(notch_hz, quality, fs=sfreq) as one section (b, a concatenated).
/// Use 50 Hz (Europe, most of Asia/Africa) or 60 Hz (Americas) for mains interference.
/// Throws std::invalid_argument unless 0 < notch_hz < sfreq / 2 and quality > 0.
SosSections notch_filter(double notch_hz, double quality, double sfreq);

/// Multi-channel causal SOS filter with state carried across calls (Direct Form II transposed).
class SosFilter {
 public:
  /// Throws std::invalid_argument when there is no section, a0 != 1, a value is not finite, or
  /// n_channels == 0.
  SosFilter(SosSections sections, std::size_t n_channels);

  /// Filters n_samples of every channel: input channel c is input[c * input_stride + i],
  /// output channel c is output[c * output_stride + i]. `output` may equal `input` (in place, with
  /// equal strides).
  void process(const double* input, std::size_t input_stride, double* output,
               std::size_t output_stride, std::size_t n_samples);
  /// float32 input, float64 output (like sosfilt with float64 coefficients).
  void process(const float* input, std::size_t input_stride, double* output,
               std::size_t output_stride, std::size_t n_samples);

  /// Sets every state value back to zero (a new, unrelated signal follows).
  void reset() noexcept;
  /// State as (n_channels, n_sections, 2), row-major.
  std::span<const double> state() const noexcept { return state_; }
  /// Replaces the state; `values` must have n_channels * n_sections * 2 entries in state() order.
  void set_state(std::span<const double> values);

  const SosSections& sections() const noexcept { return sections_; }
  std::size_t n_channels() const noexcept { return n_channels_; }
  std::size_t n_sections() const noexcept { return sections_.size(); }

 private:
  template <typename T>
  void process_impl(const T* input, std::size_t input_stride, double* output,
                    std::size_t output_stride, std::size_t n_samples);

  SosSections sections_;
  std::size_t n_channels_;
  std::vector<double> state_;
};

}  // namespace ictaltrack
