#include "ictaltrack/spectral/band_power.hpp"

#include <fftw3.h>

#include <Eigen/Core>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <mutex>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/text.hpp"
#include "core/worker_pool.hpp"
#include "spectral/fftw_planner.hpp"

namespace ictaltrack {
namespace {

constexpr double kDefaultTotalLowHz = 0.5;
constexpr double kDefaultTotalHighHz = 70.0;
// Below this many windows in one push, starting worker threads costs more than it saves.
constexpr std::size_t kMinWindowsForThreads = 4;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string format_hz(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// FFTW documents only fftw_execute* as thread safe, so its allocator is used under the planner
// lock as well (other engines may be planning in other threads).
struct FftwFree {
  void operator()(void* pointer) const noexcept {
    const std::lock_guard lock(detail::fftw_planner_mutex());
    fftw_free(pointer);
  }
};

template <typename T>
T* fftw_allocate(std::size_t count) {
  const std::lock_guard lock(detail::fftw_planner_mutex());
  void* pointer = fftw_malloc(count * sizeof(T));
  if (pointer == nullptr) throw std::bad_alloc();
  return static_cast<T*>(pointer);
}

// Buffers one thread needs to turn windows into band powers. FFTW's new-array execute interface
// lets every workspace share the engine's single plan: fftw_malloc gives them the alignment the
// plan was made for.
struct Workspace {
  std::unique_ptr<double, FftwFree> fft_in;
  std::unique_ptr<fftw_complex, FftwFree> fft_out;
  std::vector<double> column_sums;  // one per band (+ the relative-power total)
};

}  // namespace

std::vector<Band> default_bands() {
  return {{"delta", 0.5, 4.0},
          {"theta", 4.0, 8.0},
          {"alpha", 8.0, 13.0},
          {"beta", 13.0, 30.0},
          {"gamma", 30.0, 70.0}};
}

WindowFunction parse_window_function(std::string_view name) {
  const std::string key = lower(name);
  if (key == "hann" || key == "hanning") return WindowFunction::hann;
  if (key == "hamming") return WindowFunction::hamming;
  if (key == "boxcar" || key == "rectangular" || key == "rect" || key == "box" || key == "ones")
    return WindowFunction::boxcar;
  if (key == "blackman") return WindowFunction::blackman;
  throw std::invalid_argument("unknown window function '" + detail::printable(name) +
                              "' (expected hann, hamming, boxcar/rectangular or blackman)");
}

const char* to_string(WindowFunction window) noexcept {
  switch (window) {
    case WindowFunction::hann:
      return "hann";
    case WindowFunction::hamming:
      return "hamming";
    case WindowFunction::boxcar:
      return "boxcar";
    case WindowFunction::blackman:
      return "blackman";
  }
  return "?";
}

std::vector<double> window_coefficients(WindowFunction window, std::size_t n) {
  // Periodic (fftbins=True) windows: the symmetric window of length n + 1 without its last point,
  // i.e. cosines of 2*pi*k/n.
  std::vector<double> w(n, 1.0);
  const double step = 2.0 * std::numbers::pi / static_cast<double>(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double phase = step * static_cast<double>(k);
    switch (window) {
      case WindowFunction::hann:
        w[k] = 0.5 - 0.5 * std::cos(phase);
        break;
      case WindowFunction::hamming:
        w[k] = 0.54 - 0.46 * std::cos(phase);
        break;
      case WindowFunction::boxcar:
        w[k] = 1.0;
        break;
      case WindowFunction::blackman:
        w[k] = 0.42 - 0.5 * std::cos(phase) + 0.08 * std::cos(2.0 * phase);
        break;
    }
  }
  return w;
}

Detrend parse_detrend(std::string_view name) {
  const std::string key = lower(name);
  if (key == "none" || key.empty() || key == "false") return Detrend::none;
  if (key == "constant") return Detrend::constant;
  if (key == "linear") return Detrend::linear;
  throw std::invalid_argument("unknown detrend '" + detail::printable(name) +
                              "' (expected none, constant or linear)");
}

const char* to_string(Detrend detrend) noexcept {
  switch (detrend) {
    case Detrend::none:
      return "none";
    case Detrend::constant:
      return "constant";
    case Detrend::linear:
      return "linear";
  }
  return "?";
}

void BandPowerResult::clear() noexcept {
  n_windows = 0;
  power.clear();
  window_start.clear();
  times_s.clear();
}

struct BandPowerEngine::Impl {
  double sfreq = 0;
  std::size_t n_channels = 0;
  std::size_t window = 0;  // N, samples
  std::size_t step = 0;    // H, samples
  BandPowerOptions options;
  std::pair<double, double> total_range;
  std::vector<Warning> warnings;

  Eigen::ArrayXd taper;          // window function
  Eigen::ArrayXd centred_index;  // k - (N-1)/2, for linear detrending
  double centred_index_sq_sum = 0;
  // Column c (band c, then the relative-power total) sums bins [first, last) of
  // bin_weight[k] * |X_k|^2, where bin_weight = density scaling * one-sided factor * df.
  struct BinRange {
    std::size_t first = 0, last = 0;
  };
  std::vector<BinRange> columns;
  std::vector<double> bin_weight;
  std::size_t n_bands = 0;
  // Constant detrending is done in the frequency domain: the spectrum of (x - mean) * w is that of
  // x * w minus mean * W, where W, the spectrum of the window function, is non-zero at only a few
  // bins (k = 0 and 1 for Hann). This turns copy + sum + subtract-and-multiply (three passes over
  // every window) into one fused pass (docs/performance.md).
  struct TaperBin {
    std::size_t k = 0;
    double re = 0, im = 0;
  };
  std::vector<TaperBin> taper_spectrum;

  fftw_plan plan = nullptr;
  std::vector<Workspace> workspaces;  // one per thread
  std::size_t n_threads = 1;
  std::unique_ptr<detail::WorkerPool> pool;  // started at the first threaded push

  // Streaming state. Positions are sample indices inside the current segment.
  std::vector<double> carry;  // n_channels x window; row c holds samples [next_start, consumed)
  std::size_t carry_length = 0;
  std::int64_t segment_start = 0;  // stream index of the segment's first sample
  std::int64_t consumed = 0;       // samples of the segment pushed so far
  std::int64_t next_start = 0;     // start of the next window

  Impl(double sfreq_in, std::size_t channels, BandPowerOptions opts);
  ~Impl();

  void validate_and_warn();
  void build_band_columns();
  void make_plan();
  Workspace make_workspace() const;

  void prepare_window(double* fft_in) const;
  void make_taper_spectrum();
  template <typename T>
  void process_channel(Workspace& ws, std::size_t channel, const T* row, std::size_t n_samples,
                       std::size_t n_windows, double* out_power);
  template <typename T>
  std::size_t push(const T* data, std::size_t n_samples, std::size_t row_stride,
                   BandPowerResult& out);
};

BandPowerEngine::Impl::Impl(double sfreq_in, std::size_t channels, BandPowerOptions opts)
    : sfreq(sfreq_in), n_channels(channels), options(std::move(opts)) {
  validate_and_warn();
  const std::vector<double> coefficients = window_coefficients(options.window, window);
  taper = Eigen::Map<const Eigen::ArrayXd>(coefficients.data(), static_cast<Eigen::Index>(window));
  centred_index.resize(static_cast<Eigen::Index>(window));
  for (std::size_t k = 0; k < window; ++k)
    centred_index[static_cast<Eigen::Index>(k)] =
        static_cast<double>(k) - 0.5 * static_cast<double>(window - 1);
  centred_index_sq_sum = centred_index.square().sum();
  build_band_columns();

  std::size_t threads = options.n_threads == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                               : static_cast<std::size_t>(options.n_threads);
  n_threads = std::min(threads, n_channels);
  make_plan();
  workspaces.reserve(n_threads);
  for (std::size_t t = 0; t < n_threads; ++t) workspaces.push_back(make_workspace());
  make_taper_spectrum();
  carry.assign(n_channels * window, 0.0);
}

BandPowerEngine::Impl::~Impl() {
  if (plan != nullptr) {
    const std::lock_guard lock(detail::fftw_planner_mutex());
    fftw_destroy_plan(plan);
  }
}

void BandPowerEngine::Impl::validate_and_warn() {
  if (!std::isfinite(sfreq) || sfreq <= 0)
    throw std::invalid_argument("sampling frequency must be positive, got " + format_hz(sfreq));
  if (n_channels == 0) throw std::invalid_argument("band power needs at least one channel");
  if (!std::isfinite(options.window_s) || options.window_s <= 0)
    throw std::invalid_argument("window_s must be positive");
  if (!std::isfinite(options.step_s) || options.step_s <= 0)
    throw std::invalid_argument("step_s must be positive");
  const double window_samples = std::round(options.window_s * sfreq);
  const double step_samples = std::round(options.step_s * sfreq);
  if (window_samples < 2)
    throw std::invalid_argument("window_s * sfreq must round to at least 2 samples");
  if (step_samples < 1)
    throw std::invalid_argument("step_s * sfreq must round to at least 1 sample");
  if (window_samples > 1e9) throw std::invalid_argument("window_s * sfreq is unreasonably large");
  window = static_cast<std::size_t>(window_samples);
  step = static_cast<std::size_t>(std::min(step_samples, 1e15));
  if (options.n_threads < 0) throw std::invalid_argument("n_threads must be >= 0");
  if (options.bands.empty()) throw std::invalid_argument("at least one band is needed");
  for (const Band& band : options.bands) {
    if (!std::isfinite(band.low_hz) || !std::isfinite(band.high_hz) || band.low_hz < 0 ||
        band.high_hz <= band.low_hz)
      throw std::invalid_argument("band '" + detail::printable(band.name) +
                                  "' must satisfy 0 <= low < high, got " + format_hz(band.low_hz) +
                                  "-" + format_hz(band.high_hz) + " Hz");
  }
  n_bands = options.bands.size();

  double span_low = options.bands.front().low_hz, span_high = options.bands.front().high_hz;
  double lowest_positive_edge = 0;
  for (const Band& band : options.bands) {
    span_low = std::min(span_low, band.low_hz);
    span_high = std::max(span_high, band.high_hz);
    if (band.low_hz > 0 && (lowest_positive_edge == 0 || band.low_hz < lowest_positive_edge))
      lowest_positive_edge = band.low_hz;
  }
  // 0.5-70 Hz, widened to cover every band, so a lone band never has a relative power of 1 by
  // construction and a band beyond 70 Hz still lies inside its denominator.
  total_range = options.total_range.value_or(std::make_pair(
      std::min(kDefaultTotalLowHz, span_low), std::max(kDefaultTotalHighHz, span_high)));
  if (!std::isfinite(total_range.first) || !std::isfinite(total_range.second) ||
      total_range.first < 0 || total_range.second <= total_range.first)
    throw std::invalid_argument("total_range must satisfy 0 <= low < high");

  const double window_seconds = static_cast<double>(window) / sfreq;
  if (lowest_positive_edge > 0 && window_seconds < 2.0 / lowest_positive_edge) {
    warnings.push_back(
        {"window_too_short", "window of " + format_hz(window_seconds) +
                                 " s holds fewer than two cycles of the lowest band edge (" +
                                 format_hz(lowest_positive_edge) + " Hz needs " +
                                 format_hz(2.0 / lowest_positive_edge) +
                                 " s); its power is poorly resolved"});
  }
  const double nyquist = sfreq / 2.0;
  for (const Band& band : options.bands) {
    if (band.high_hz > nyquist) {
      warnings.push_back({"band_above_nyquist",
                          "band '" + detail::printable(band.name) + "' (" + format_hz(band.low_hz) +
                              "-" + format_hz(band.high_hz) + " Hz) lies " +
                              (band.low_hz >= nyquist ? "entirely" : "partly") +
                              " above the Nyquist frequency (" + format_hz(nyquist) + " Hz)"});
    }
  }
}

void BandPowerEngine::Impl::build_band_columns() {
  const std::size_t n_bins = window / 2 + 1;
  // numpy.fft.rfftfreq: k * (1 / (n * d)) with d = 1 / sfreq, so that band edges select the same
  // bins as numpy/scipy, bit for bit.
  const double bin_spacing = 1.0 / (static_cast<double>(window) * (1.0 / sfreq));
  const double df = sfreq / static_cast<double>(window);
  const double density = 1.0 / (sfreq * taper.square().sum());
  const bool has_nyquist_bin = window % 2 == 0;

  bin_weight.resize(n_bins);
  for (std::size_t k = 0; k < n_bins; ++k) {
    const bool doubled = k != 0 && !(has_nyquist_bin && k == n_bins - 1);
    bin_weight[k] = density * df * (doubled ? 2.0 : 1.0);
  }

  std::vector<std::pair<double, double>> ranges;
  for (const Band& band : options.bands) ranges.emplace_back(band.low_hz, band.high_hz);
  if (options.relative) ranges.push_back(total_range);
  for (const auto& [low, high] : ranges) {
    // Bin frequencies increase with k, so low <= f < high is one contiguous run of bins.
    BinRange range{n_bins, n_bins};
    for (std::size_t k = 0; k < n_bins; ++k) {
      const double f = static_cast<double>(k) * bin_spacing;
      if (low <= f && f < high) {
        if (range.first == n_bins) range.first = k;
        range.last = k + 1;
      }
    }
    if (range.first == n_bins) range = {0, 0};
    columns.push_back(range);
  }
  for (std::size_t b = 0; b < n_bands; ++b) {
    if (columns[b].first == columns[b].last) {
      const Band& band = options.bands[b];
      warnings.push_back(
          {"band_without_bins", "band '" + detail::printable(band.name) + "' (" +
                                    format_hz(band.low_hz) + "-" + format_hz(band.high_hz) +
                                    " Hz) contains no frequency bin (df = " + format_hz(df) +
                                    " Hz); its power is 0"});
    }
  }
}

Workspace BandPowerEngine::Impl::make_workspace() const {
  Workspace ws;
  ws.fft_in.reset(fftw_allocate<double>(window));
  ws.fft_out.reset(fftw_allocate<fftw_complex>(window / 2 + 1));
  ws.column_sums.assign(columns.size(), 0.0);
  return ws;
}

void BandPowerEngine::Impl::make_plan() {
  // Planning may overwrite the arrays, so plan on scratch buffers.
  std::unique_ptr<double, FftwFree> in(fftw_allocate<double>(window));
  std::unique_ptr<fftw_complex, FftwFree> out(fftw_allocate<fftw_complex>(window / 2 + 1));
  const unsigned flags = options.planning == FftPlanning::measure ? FFTW_MEASURE : FFTW_ESTIMATE;
  const std::lock_guard lock(detail::fftw_planner_mutex());
  if (!options.wisdom_path.empty())
    (void)fftw_import_wisdom_from_filename(options.wisdom_path.c_str());  // absent file: fine
  plan = fftw_plan_dft_r2c_1d(static_cast<int>(window), in.get(), out.get(), flags);
  if (plan == nullptr) throw std::runtime_error("FFTW could not plan a transform of this length");
  if (!options.wisdom_path.empty() &&
      fftw_export_wisdom_to_filename(options.wisdom_path.c_str()) == 0)
    warnings.push_back(
        {"fftw_wisdom_not_written",
         "could not write FFTW wisdom to '" + detail::printable(options.wisdom_path) + "'"});
}

void BandPowerEngine::Impl::make_taper_spectrum() {
  Workspace& ws = workspaces.front();
  std::copy_n(taper.data(), window, ws.fft_in.get());
  fftw_execute_dft_r2c(plan, ws.fft_in.get(), ws.fft_out.get());
  // Bins where W is zero in exact arithmetic come out of the transform at ~1e-16 * W[0]; they
  // are left out (their share of the correction is far below the transform's own rounding).
  const double scale = std::abs(ws.fft_out.get()[0][0]);
  for (std::size_t k = 0; k < window / 2 + 1; ++k) {
    const double re = ws.fft_out.get()[k][0], im = ws.fft_out.get()[k][1];
    if (std::hypot(re, im) > 1e-9 * scale) taper_spectrum.push_back({k, re, im});
  }
}

namespace {
// out[k] = x[k] * taper[k] for k < n, and returns the sum of x. The sum runs in four partial sums
// by position in the window (k mod 4), so its rounding depends only on the window's values, never
// on where they came from; x may equal out.
template <typename T>
double taper_and_sum(const T* x, const double* taper, double* out, std::size_t n) {
  double partial[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    for (std::size_t j = 0; j < 4; ++j) {
      const auto value = static_cast<double>(x[k + j]);
      partial[j] += value;
      out[k + j] = value * taper[k + j];
    }
  }
  for (; k < n; ++k) {
    const auto value = static_cast<double>(x[k]);
    partial[k % 4] += value;
    out[k] = value * taper[k];
  }
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}
}  // namespace

// Detrend::none and Detrend::linear, in place (Detrend::constant is done by taper_and_sum and a
// correction of the spectrum, see taper_spectrum).
void BandPowerEngine::Impl::prepare_window(double* fft_in) const {
  // Always on the same aligned buffer: Eigen's vectorised sums peel according to the address, so
  // working in place keeps every window's result independent of how the stream was chunked.
  const auto n = static_cast<Eigen::Index>(window);
  Eigen::Map<Eigen::ArrayXd> x(fft_in, n);
  switch (options.detrend) {
    case Detrend::none:
    case Detrend::constant:  // not reached: see process_channel
      x *= taper;
      break;
    case Detrend::linear: {
      // Least-squares line through the window; the centred abscissa makes the two normal
      // equations independent (intercept = mean, slope = sum(t x) / sum(t^2)).
      const double mean = x.sum() / static_cast<double>(window);
      const double slope = (x * centred_index).sum() / centred_index_sq_sum;
      x = (x - mean - slope * centred_index) * taper;
      break;
    }
  }
}

template <typename T>
void BandPowerEngine::Impl::process_channel(Workspace& ws, std::size_t channel, const T* row,
                                            std::size_t n_samples, std::size_t n_windows,
                                            double* out_power) {
  double* carried = carry.data() + channel * window;
  const std::int64_t carry_begin = consumed - static_cast<std::int64_t>(carry_length);
  const fftw_complex* spectrum = ws.fft_out.get();
  const std::size_t n_columns = columns.size();

  for (std::size_t w = 0; w < n_windows; ++w) {
    const std::int64_t start = next_start + static_cast<std::int64_t>(w * step);
    double* fft_in = ws.fft_in.get();
    fftw_complex* spectrum_out = ws.fft_out.get();
    const bool straddles = start < consumed;  // the window's head is in the carry buffer
    if (straddles) {
      const auto from_carry = static_cast<std::size_t>(consumed - start);
      std::copy_n(carried + (start - carry_begin), from_carry, fft_in);
      std::copy_n(row, window - from_carry, fft_in + from_carry);
    }
    if (options.detrend == Detrend::constant) {
      const double total =
          straddles ? taper_and_sum(fft_in, taper.data(), fft_in, window)
                    : taper_and_sum(row + (start - consumed), taper.data(), fft_in, window);
      fftw_execute_dft_r2c(plan, fft_in, spectrum_out);
      const double mean = total / static_cast<double>(window);
      for (const TaperBin& bin : taper_spectrum) {
        spectrum_out[bin.k][0] -= mean * bin.re;
        spectrum_out[bin.k][1] -= mean * bin.im;
      }
    } else {
      if (!straddles) std::copy_n(row + (start - consumed), window, fft_in);
      prepare_window(fft_in);
      fftw_execute_dft_r2c(plan, fft_in, spectrum_out);
    }

    // Plain sequential sums (not a BLAS-style product) so that a window's result never depends
    // on which other windows share its push: chunked and one-piece runs agree bit for bit.
    double* column_sum = ws.column_sums.data();
    for (std::size_t c = 0; c < n_columns; ++c) {
      double sum = 0.0;
      for (std::size_t k = columns[c].first; k < columns[c].last; ++k)
        sum += bin_weight[k] * (spectrum[k][0] * spectrum[k][0] + spectrum[k][1] * spectrum[k][1]);
      column_sum[c] = sum;
    }
    double* target = out_power + (w * n_channels + channel) * n_bands;
    if (options.relative) {
      for (std::size_t b = 0; b < n_bands; ++b) target[b] = column_sum[b] / column_sum[n_bands];
    } else {
      std::copy_n(column_sum, n_bands, target);
    }
  }

  // Keep the samples the next window needs: stream positions [new_next, consumed + n_samples).
  const std::int64_t new_next = next_start + static_cast<std::int64_t>(n_windows * step);
  const std::int64_t end = consumed + static_cast<std::int64_t>(n_samples);
  if (new_next >= end) return;
  if (new_next < consumed) {
    const auto kept = static_cast<std::size_t>(consumed - new_next);
    std::memmove(carried, carried + (new_next - carry_begin), kept * sizeof(double));
    std::copy_n(row, n_samples, carried + kept);
  } else {
    const auto skip = static_cast<std::size_t>(new_next - consumed);
    std::copy_n(row + skip, n_samples - skip, carried);
  }
}

template <typename T>
std::size_t BandPowerEngine::Impl::push(const T* data, std::size_t n_samples,
                                        std::size_t row_stride, BandPowerResult& out) {
  if (n_samples == 0) return 0;
  if (data == nullptr) throw std::invalid_argument("push: null data");
  if (n_channels > 1 && row_stride < n_samples)
    throw std::invalid_argument("push: row_stride must be >= n_samples");
  if (out.n_windows == 0 && out.power.empty()) {
    out.n_channels = n_channels;
    out.n_bands = n_bands;
  } else if (out.n_channels != n_channels || out.n_bands != n_bands) {
    throw std::invalid_argument("push: result was filled by an engine of another shape");
  }

  const std::int64_t end = consumed + static_cast<std::int64_t>(n_samples);
  std::size_t n_windows = 0;
  if (next_start + static_cast<std::int64_t>(window) <= end)
    n_windows = static_cast<std::size_t>((end - static_cast<std::int64_t>(window) - next_start) /
                                         static_cast<std::int64_t>(step)) +
                1;

  const std::size_t first = out.n_windows;
  out.power.resize((first + n_windows) * n_channels * n_bands);
  out.window_start.resize(first + n_windows);
  out.times_s.resize(first + n_windows);
  for (std::size_t w = 0; w < n_windows; ++w) {
    const std::int64_t start = segment_start + next_start + static_cast<std::int64_t>(w * step);
    out.window_start[first + w] = start;
    out.times_s[first + w] =
        (static_cast<double>(start) + static_cast<double>(window) * 0.5) / sfreq;
  }
  out.n_windows = first + n_windows;
  double* out_power = out.power.data() + first * n_channels * n_bands;

  auto run_channels = [&](std::size_t thread, std::size_t channel_begin, std::size_t channel_end) {
    for (std::size_t c = channel_begin; c < channel_end; ++c)
      process_channel(workspaces[thread], c, data + c * row_stride, n_samples, n_windows,
                      out_power);
  };
  const std::size_t threads = n_windows >= kMinWindowsForThreads ? n_threads : 1;
  if (threads <= 1) {
    run_channels(0, 0, n_channels);
  } else {
    // Contiguous channel groups on the engine's persistent workers; each channel is computed
    // exactly as in the serial path.
    if (!pool) pool = std::make_unique<detail::WorkerPool>(n_threads);
    const std::size_t per_thread = (n_channels + n_threads - 1) / n_threads;
    pool->run([&](std::size_t t) {
      const std::size_t begin = std::min(n_channels, t * per_thread);
      run_channels(t, begin, std::min(n_channels, begin + per_thread));
    });
  }

  const std::int64_t new_next = next_start + static_cast<std::int64_t>(n_windows * step);
  carry_length = new_next >= end ? 0 : static_cast<std::size_t>(end - new_next);
  next_start = new_next;
  consumed = end;
  return n_windows;
}

BandPowerEngine::BandPowerEngine(double sfreq, std::size_t n_channels, BandPowerOptions options)
    : impl_(std::make_unique<Impl>(sfreq, n_channels, std::move(options))) {}
BandPowerEngine::~BandPowerEngine() = default;
BandPowerEngine::BandPowerEngine(BandPowerEngine&&) noexcept = default;
BandPowerEngine& BandPowerEngine::operator=(BandPowerEngine&&) noexcept = default;

std::size_t BandPowerEngine::push(const double* data, std::size_t n_samples, std::size_t row_stride,
                                  BandPowerResult& out) {
  return impl_->push(data, n_samples, row_stride, out);
}
std::size_t BandPowerEngine::push(const float* data, std::size_t n_samples, std::size_t row_stride,
                                  BandPowerResult& out) {
  return impl_->push(data, n_samples, row_stride, out);
}

void BandPowerEngine::begin_segment(std::int64_t start_sample) {
  Impl& s = *impl_;
  if (start_sample < s.segment_start + s.consumed)
    throw std::invalid_argument("begin_segment: start_sample lies before data already pushed");
  s.segment_start = start_sample;
  s.consumed = 0;
  s.next_start = 0;
  s.carry_length = 0;
}

double BandPowerEngine::sfreq() const noexcept { return impl_->sfreq; }
std::size_t BandPowerEngine::n_channels() const noexcept { return impl_->n_channels; }
std::size_t BandPowerEngine::window_samples() const noexcept { return impl_->window; }
std::size_t BandPowerEngine::step_samples() const noexcept { return impl_->step; }
double BandPowerEngine::frequency_resolution() const noexcept {
  return impl_->sfreq / static_cast<double>(impl_->window);
}
const std::vector<Band>& BandPowerEngine::bands() const noexcept { return impl_->options.bands; }
std::pair<double, double> BandPowerEngine::total_range() const noexcept {
  return impl_->total_range;
}
const BandPowerOptions& BandPowerEngine::options() const noexcept { return impl_->options; }
const std::vector<Warning>& BandPowerEngine::warnings() const noexcept { return impl_->warnings; }
std::int64_t BandPowerEngine::stream_position() const noexcept {
  return impl_->segment_start + impl_->consumed;
}
std::size_t BandPowerEngine::buffered_samples() const noexcept { return impl_->carry_length; }
std::size_t BandPowerEngine::buffer_bytes() const noexcept {
  const Impl& s = *impl_;
  const std::size_t per_workspace =
      s.window * sizeof(double) + (s.window / 2 + 1) * sizeof(fftw_complex);
  return s.carry.capacity() * sizeof(double) + s.workspaces.size() * per_workspace +
         (s.bin_weight.capacity() + 2 * s.window) * sizeof(double) +
         s.columns.capacity() * sizeof(Impl::BinRange);
}

namespace {
template <typename T>
BandPowerResult band_power_impl(const T* data, std::size_t n_channels, std::size_t n_times,
                                double sfreq, const BandPowerOptions& options) {
  BandPowerEngine engine(sfreq, n_channels, options);
  BandPowerResult result;
  result.n_channels = n_channels;
  result.n_bands = engine.bands().size();
  engine.push(data, n_times, n_times, result);
  result.warnings = engine.warnings();
  return result;
}
}  // namespace

BandPowerResult band_power(const double* data, std::size_t n_channels, std::size_t n_times,
                           double sfreq, const BandPowerOptions& options) {
  return band_power_impl(data, n_channels, n_times, sfreq, options);
}
BandPowerResult band_power(const float* data, std::size_t n_channels, std::size_t n_times,
                           double sfreq, const BandPowerOptions& options) {
  return band_power_impl(data, n_channels, n_times, sfreq, options);
}

}  // namespace ictaltrack
