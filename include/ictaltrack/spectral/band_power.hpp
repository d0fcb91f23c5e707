// Band power per channel over sliding windows, computed in a streaming pass.
//
// Definitions (docs/band_power.md gives them in full, with the scipy equivalents):
// - Windows: `window_s` seconds long (N samples), started every `step_s` seconds (H samples),
//   both rounded to the nearest sample with halves away from zero. Only whole windows are
//   computed (scipy.signal.spectrogram with padded=False).
// - Window functions are the periodic ones of scipy.signal.get_window(name, N, fftbins=True).
// - PSD: one-sided, density scaling exactly as scipy.signal.spectrogram(..., scaling="density",
//   mode="psd"): |rfft(w * detrend(x))|^2 / (sfreq * sum(w^2)), every bin except DC and (for even
//   N) Nyquist doubled. Units: input^2 / Hz (uV^2/Hz for input in uV).
// - Band power (rectangle rule): sum of PSD bins with low_hz <= f < high_hz, times the frequency
//   resolution df = sfreq / N. Units: input^2 (uV^2). Bin frequencies are computed like
//   numpy.fft.rfftfreq, so the bins chosen here are the bins numpy chooses.
// - Relative power: band power / power over `total_range` (same rule); the default total range is
//   0.5-70 Hz widened to cover every band (min(0.5, lowest edge) to max(70, highest edge)). Bins
//   above Nyquist do not exist, so every range is clipped at Nyquist by construction.
// - Time: the window that starts at stream sample s is reported with `window_start = s` and centre
//   time (s + N / 2) / sfreq seconds, which is scipy's time axis.
// - Gaps (EDF+D): `begin_segment(start_sample)` drops the samples not yet used, so no window spans
//   two segments; windows of the new segment start at `start_sample`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ictaltrack/warning.hpp"

namespace ictaltrack {

/// A frequency band [low_hz, high_hz) in Hz.
struct Band {
  std::string name;
  double low_hz = 0.0;
  double high_hz = 0.0;
};

/// delta 0.5-4, theta 4-8, alpha 8-13, beta 13-30, gamma 30-70 Hz (the project's reference job).
std::vector<Band> default_bands();

/// Periodic window functions, defined as scipy.signal.get_window(name, N, fftbins=True).
enum class WindowFunction { hann, hamming, boxcar, blackman };
/// Accepts "hann" ("hanning"), "hamming", "boxcar" ("rectangular", "rect", "box", "ones"),
/// "blackman" (any case); throws std::invalid_argument otherwise.
WindowFunction parse_window_function(std::string_view name);
const char* to_string(WindowFunction window) noexcept;
/// The N coefficients of the periodic window.
std::vector<double> window_coefficients(WindowFunction window, std::size_t n);

/// Per-window detrending before the window function is applied (scipy's `detrend` argument).
enum class Detrend { none, constant, linear };
/// Accepts "none" (also "" and "false"), "constant", "linear"; throws std::invalid_argument.
Detrend parse_detrend(std::string_view name);
const char* to_string(Detrend detrend) noexcept;

/// FFTW planning effort. `measure` takes longer to plan (once per engine) and may run faster; with
/// a `wisdom_path` the measured plans are read from / written to that file (FFTW wisdom format).
enum class FftPlanning { estimate, measure };

struct BandPowerOptions {
  /// Window length in seconds (rounded to whole samples, at least 2). 4 s holds two cycles of
  /// the default bands' lowest edge (delta from 0.5 Hz), so the defaults do not warn
  /// (`window_too_short`).
  double window_s = 4.0;
  double step_s = 1.0;  ///< hop between window starts in seconds (rounded, at least 1 sample)
  WindowFunction window = WindowFunction::hann;
  Detrend detrend = Detrend::constant;
  std::vector<Band> bands = default_bands();
  bool relative = false;  ///< report band power / total-range power instead of uV^2
  /// [low, high) Hz for the relative-power denominator; nullopt = 0.5-70 Hz widened to cover
  /// every band: [min(0.5, lowest band edge), max(70, highest band edge)).
  std::optional<std::pair<double, double>> total_range;
  /// Threads used per push (parallel over channels; results do not depend on it). 0 = all cores.
  int n_threads = 1;
  FftPlanning planning = FftPlanning::estimate;
  std::string wisdom_path;  ///< optional FFTW wisdom file (read before, written after planning)
};

/// Band powers of consecutive windows. `power` is row-major (n_windows, n_channels, n_bands).
struct BandPowerResult {
  std::size_t n_windows = 0;
  std::size_t n_channels = 0;
  std::size_t n_bands = 0;
  std::vector<double> power;               ///< input^2 (uV^2), or a fraction when relative
  std::vector<std::int64_t> window_start;  ///< stream sample index of each window's first sample
  std::vector<double> times_s;             ///< window centre, seconds from stream sample 0
  std::vector<Warning> warnings;           ///< filled by band_power(); see BandPowerEngine
  double at(std::size_t window, std::size_t channel, std::size_t band) const {
    return power[(window * n_channels + channel) * n_bands + band];
  }
  void clear() noexcept;
};

/// Streaming band-power computation. Feed chunks of any length with push(); windows that straddle
/// chunk boundaries are assembled from an internal carry buffer of fewer than N samples per
/// channel, so memory is bounded by (window x channels), never by the recording length. One FFTW
/// plan per engine (made under the global FFTW planner lock) is reused for every window. Not thread
/// safe: use one engine per thread (the engine itself may use `n_threads` workers inside push()).
class BandPowerEngine {
 public:
  /// Validates the options (std::invalid_argument on bad values) and collects warnings: window
  /// shorter than two cycles of the lowest band edge, band (partly) above Nyquist, band without
  /// any frequency bin.
  BandPowerEngine(double sfreq, std::size_t n_channels, BandPowerOptions options = {});
  ~BandPowerEngine();
  BandPowerEngine(BandPowerEngine&&) noexcept;
  BandPowerEngine& operator=(BandPowerEngine&&) noexcept;
  BandPowerEngine(const BandPowerEngine&) = delete;
  BandPowerEngine& operator=(const BandPowerEngine&) = delete;

  /// Appends to `out` the windows completed by the `n_samples` new samples of every channel.
  /// Channel c's samples are data[c * row_stride + i], i < n_samples (row_stride >= n_samples).
  /// Returns the number of windows appended. `out` must be empty or filled by this engine.
  std::size_t push(const double* data, std::size_t n_samples, std::size_t row_stride,
                   BandPowerResult& out);
  /// float32 samples are converted to double window by window.
  std::size_t push(const float* data, std::size_t n_samples, std::size_t row_stride,
                   BandPowerResult& out);

  /// Starts a new contiguous segment whose first sample has stream index `start_sample` (must not
  /// lie before the end of the data already pushed). Samples not yet used by a window are dropped,
  /// so no window spans the gap.
  void begin_segment(std::int64_t start_sample);

  double sfreq() const noexcept;
  std::size_t n_channels() const noexcept;
  std::size_t window_samples() const noexcept;
  std::size_t step_samples() const noexcept;
  double frequency_resolution() const noexcept;  ///< df = sfreq / window_samples (Hz)
  const std::vector<Band>& bands() const noexcept;
  std::pair<double, double> total_range() const noexcept;
  const BandPowerOptions& options() const noexcept;
  /// Warnings found while validating the options (human-readable sentences).
  const std::vector<Warning>& warnings() const noexcept;
  /// Stream index one past the last sample pushed.
  std::int64_t stream_position() const noexcept;
  /// Samples per channel held between pushes (always < window_samples()).
  std::size_t buffered_samples() const noexcept;
  /// Bytes of the engine's own buffers (carry, FFT buffers, band matrix); constant after creation.
  std::size_t buffer_bytes() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Whole-array convenience: one engine, one push of the (n_channels x n_times) row-major array.
/// The result's `warnings` holds the engine's warnings.
BandPowerResult band_power(const double* data, std::size_t n_channels, std::size_t n_times,
                           double sfreq, const BandPowerOptions& options = {});
BandPowerResult band_power(const float* data, std::size_t n_channels, std::size_t n_times,
                           double sfreq, const BandPowerOptions& options = {});

}  // namespace ictaltrack
