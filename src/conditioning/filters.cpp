#include "ictaltrack/conditioning/filters.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ictaltrack {
namespace {

using Complex = std::complex<double>;

// Zeros, poles and gain of a filter, the representation scipy designs in.
struct Zpk {
  std::vector<Complex> zeros, poles;
  double gain = 1.0;
};

bool is_real(const Complex& value) { return value.imag() == 0.0; }

void check_cutoff(int order, double cutoff_hz, double sfreq) {
  if (!std::isfinite(sfreq) || sfreq <= 0)
    throw std::invalid_argument("sampling frequency must be positive");
  if (order < 1 || order > 64) throw std::invalid_argument("filter order must be 1..64");
  if (!std::isfinite(cutoff_hz) || cutoff_hz <= 0 || cutoff_hz >= sfreq / 2)
    throw std::invalid_argument("cutoff must satisfy 0 < cutoff < sfreq / 2 (" +
                                std::to_string(sfreq / 2) + " Hz), got " +
                                std::to_string(cutoff_hz));
}

// Analog Butterworth prototype (cutoff 1 rad/s), poles in scipy.signal.buttap's order.
std::vector<Complex> butterworth_prototype_poles(int order) {
  std::vector<Complex> poles;
  for (int m = -order + 1; m < order; m += 2)
    poles.push_back(-std::exp(Complex(0.0, std::numbers::pi * m / (2.0 * order))));
  return poles;
}

Complex product(const std::vector<Complex>& values, double shift, double sign) {
  Complex result(1.0, 0.0);
  for (const Complex& v : values) result *= shift + sign * v;
  return result;
}

// Bilinear transform with scipy's normalised sampling rate fs = 2 (so 2 * fs = 4).
Zpk bilinear(const Zpk& analog) {
  constexpr double fs2 = 4.0;
  Zpk digital;
  const std::size_t degree = analog.poles.size() - analog.zeros.size();
  for (const Complex& z : analog.zeros) digital.zeros.push_back((fs2 + z) / (fs2 - z));
  for (const Complex& p : analog.poles) digital.poles.push_back((fs2 + p) / (fs2 - p));
  digital.zeros.insert(digital.zeros.end(), degree, Complex(-1.0, 0.0));
  digital.gain =
      analog.gain * (product(analog.zeros, fs2, -1.0) / product(analog.poles, fs2, -1.0)).real();
  return digital;
}

// One of each complex-conjugate pair (positive imaginary part, pair averaged) sorted by real part,
// followed by the real values sorted: scipy.signal's _cplxreal for well-formed input.
std::vector<Complex> pairs_then_reals(std::vector<Complex> values) {
  const double tolerance = 100 * std::numeric_limits<double>::epsilon();
  std::stable_sort(values.begin(), values.end(), [](const Complex& a, const Complex& b) {
    if (a.real() != b.real()) return a.real() < b.real();
    return std::abs(a.imag()) < std::abs(b.imag());
  });
  std::vector<Complex> positive, negative, reals;
  for (const Complex& v : values) {
    if (std::abs(v.imag()) <= tolerance * std::abs(v))
      reals.emplace_back(v.real(), 0.0);
    else if (v.imag() > 0)
      positive.push_back(v);
    else
      negative.push_back(v);
  }
  if (positive.size() != negative.size())
    throw std::invalid_argument("complex values must come in conjugate pairs");
  std::vector<Complex> result;
  for (std::size_t i = 0; i < positive.size(); ++i) {
    if (std::abs(positive[i] - std::conj(negative[i])) > tolerance * std::abs(negative[i]) * 1e3)
      throw std::invalid_argument("complex values must come in conjugate pairs");
    result.push_back((positive[i] + std::conj(negative[i])) / 2.0);
  }
  result.insert(result.end(), reals.begin(), reals.end());
  return result;
}

std::size_t index_closest_to_unit_circle(const std::vector<Complex>& values,
                                         const std::vector<std::size_t>& candidates) {
  std::size_t best = candidates.front();
  double best_distance = std::abs(1.0 - std::abs(values[best]));
  for (std::size_t i : candidates) {
    const double distance = std::abs(1.0 - std::abs(values[i]));
    if (distance < best_distance) {
      best = i;
      best_distance = distance;
    }
  }
  return best;
}

enum class Kind { Real, Complex, Any };

std::size_t nearest(const std::vector<Complex>& from, const Complex& to, Kind kind) {
  std::vector<std::size_t> order(from.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(from[a] - to) < std::abs(from[b] - to);
  });
  for (std::size_t i : order) {
    if (kind == Kind::Any || (kind == Kind::Real) == is_real(from[i])) return i;
  }
  throw std::logic_error("zpk2sos: no zero of the requested kind left");
}

// Real coefficients of prod (x - r) for roots r, highest power first (numpy.poly).
std::vector<double> polynomial(const std::vector<Complex>& roots) {
  std::vector<Complex> coefficients{Complex(1.0, 0.0)};
  for (const Complex& root : roots) {
    std::vector<Complex> next(coefficients.size() + 1, Complex(0.0, 0.0));
    for (std::size_t i = 0; i < coefficients.size(); ++i) {
      next[i] += coefficients[i];
      next[i + 1] -= coefficients[i] * root;
    }
    coefficients = std::move(next);
  }
  std::vector<double> real(coefficients.size());
  for (std::size_t i = 0; i < coefficients.size(); ++i) real[i] = coefficients[i].real();
  return real;
}

std::array<double, 6> single_section(const std::vector<Complex>& zeros,
                                     const std::vector<Complex>& poles) {
  std::array<double, 6> section{};
  const std::vector<double> b = polynomial(zeros), a = polynomial(poles);
  std::copy(b.begin(), b.end(), section.begin() + static_cast<std::ptrdiff_t>(3 - b.size()));
  std::copy(a.begin(), a.end(), section.begin() + static_cast<std::ptrdiff_t>(6 - a.size()));
  return section;
}

template <typename T>
T take(std::vector<T>& values, std::size_t index) {
  T value = values[index];
  values.erase(values.begin() + static_cast<std::ptrdiff_t>(index));
  return value;
}

// scipy.signal.zpk2sos(z, p, k, pairing="nearest") for a digital filter: poles closest to the
// unit circle go into the last section, each pole pair gets its nearest zeros.
SosSections zpk_to_sos(Zpk zpk) {
  std::vector<Complex> z = std::move(zpk.zeros), p = std::move(zpk.poles);
  if (z.empty() && p.empty()) return {{zpk.gain, 0.0, 0.0, 1.0, 0.0, 0.0}};
  if (p.size() < z.size()) p.resize(z.size(), Complex(0.0, 0.0));
  if (z.size() < p.size()) z.resize(p.size(), Complex(0.0, 0.0));
  const std::size_t n_sections = (p.size() + 1) / 2;
  if (p.size() % 2 == 1) {
    p.emplace_back(0.0, 0.0);
    z.emplace_back(0.0, 0.0);
  }
  z = pairs_then_reals(std::move(z));
  p = pairs_then_reals(std::move(p));

  auto count_real = [](const std::vector<Complex>& values) {
    return static_cast<std::size_t>(std::count_if(values.begin(), values.end(), is_real));
  };
  auto all_indices = [](const std::vector<Complex>& values) {
    std::vector<std::size_t> indices(values.size());
    std::iota(indices.begin(), indices.end(), 0);
    return indices;
  };

  SosSections sos(n_sections);
  for (std::size_t s = n_sections; s-- > 0;) {
    const Complex p1 = take(p, index_closest_to_unit_circle(p, all_indices(p)));
    if (is_real(p1) && count_real(p) == 0) {
      const Complex z1 = take(z, nearest(z, p1, Kind::Real));
      sos[s] = single_section({z1, 0.0}, {p1, 0.0});
    } else if (p.size() + 1 == z.size() && !is_real(p1) && count_real(p) == 1 &&
               count_real(z) == 1) {
      const Complex z1 = take(z, nearest(z, p1, Kind::Complex));
      sos[s] = single_section({z1, std::conj(z1)}, {p1, std::conj(p1)});
    } else {
      Complex p2;
      if (is_real(p1)) {
        std::vector<std::size_t> real_indices;
        for (std::size_t i = 0; i < p.size(); ++i)
          if (is_real(p[i])) real_indices.push_back(i);
        p2 = take(p, index_closest_to_unit_circle(p, real_indices));
      } else {
        p2 = std::conj(p1);
      }
      if (z.empty()) {
        sos[s] = single_section({}, {p1, p2});
        continue;
      }
      const Complex z1 = take(z, nearest(z, p1, Kind::Any));
      if (!is_real(z1)) {
        sos[s] = single_section({z1, std::conj(z1)}, {p1, p2});
      } else if (!z.empty()) {
        const Complex z2 = take(z, nearest(z, p1, Kind::Real));
        sos[s] = single_section({z1, z2}, {p1, p2});
      } else {
        sos[s] = single_section({z1}, {p1, p2});
      }
    }
  }
  for (int i = 0; i < 3; ++i) sos[0][static_cast<std::size_t>(i)] *= zpk.gain;
  return sos;
}

enum class Pass { Low, High };

SosSections butterworth(int order, double cutoff_hz, double sfreq, Pass pass) {
  check_cutoff(order, cutoff_hz, sfreq);
  // scipy normalises to fs = 2 and prewarps: warped = 2 * fs * tan(pi * Wn / fs).
  const double normalised = 2.0 * cutoff_hz / sfreq;
  const double warped = 4.0 * std::tan(std::numbers::pi * normalised / 2.0);
  const std::vector<Complex> prototype = butterworth_prototype_poles(order);
  Zpk analog;
  if (pass == Pass::Low) {
    for (const Complex& p : prototype) analog.poles.push_back(p * warped);
    analog.gain = std::pow(warped, order);
  } else {
    for (const Complex& p : prototype) analog.poles.push_back(warped / p);
    analog.zeros.assign(static_cast<std::size_t>(order), Complex(0.0, 0.0));
    analog.gain = (Complex(1.0, 0.0) / product(prototype, 0.0, -1.0)).real();
  }
  return zpk_to_sos(bilinear(analog));
}

}  // namespace

SosSections butterworth_lowpass(int order, double cutoff_hz, double sfreq) {
  return butterworth(order, cutoff_hz, sfreq, Pass::Low);
}

SosSections butterworth_highpass(int order, double cutoff_hz, double sfreq) {
  return butterworth(order, cutoff_hz, sfreq, Pass::High);
}

SosSections notch_filter(double notch_hz, double quality, double sfreq) {
  if (!std::isfinite(sfreq) || sfreq <= 0)
    throw std::invalid_argument("sampling frequency must be positive");
  if (!std::isfinite(notch_hz) || notch_hz <= 0 || notch_hz >= sfreq / 2)
    throw std::invalid_argument("notch frequency must satisfy 0 < f < sfreq / 2 (" +
                                std::to_string(sfreq / 2) + " Hz), got " +
                                std::to_string(notch_hz));
  if (!std::isfinite(quality) || quality <= 0)
    throw std::invalid_argument("notch quality factor must be positive");
  // scipy.signal.iirnotch (Orfanidis, eqs. 11.3.4-11.3.7 with -3 dB bandwidth).
  const double w0 = 2.0 * notch_hz / sfreq;
  const double bandwidth = w0 / quality * std::numbers::pi;
  const double beta = std::tan(bandwidth / 2.0);
  const double gain = 1.0 / (1.0 + beta);
  const double cos_w0 = std::cos(w0 * std::numbers::pi);
  return {{gain, gain * -2.0 * cos_w0, gain, 1.0, -2.0 * gain * cos_w0, 2.0 * gain - 1.0}};
}

SosFilter::SosFilter(SosSections sections, std::size_t n_channels)
    : sections_(std::move(sections)), n_channels_(n_channels) {
  if (sections_.empty()) throw std::invalid_argument("SosFilter needs at least one section");
  if (n_channels_ == 0) throw std::invalid_argument("SosFilter needs at least one channel");
  for (const auto& section : sections_) {
    for (double c : section)
      if (!std::isfinite(c)) throw std::invalid_argument("SOS coefficients must be finite");
    if (section[3] != 1.0)
      throw std::invalid_argument("every section must have a0 == 1 (normalise the section)");
  }
  state_.assign(n_channels_ * sections_.size() * 2, 0.0);
}

void SosFilter::reset() noexcept { std::fill(state_.begin(), state_.end(), 0.0); }

void SosFilter::set_state(std::span<const double> values) {
  if (values.size() != state_.size())
    throw std::invalid_argument("SosFilter state must have n_channels * n_sections * 2 values");
  std::copy(values.begin(), values.end(), state_.begin());
}

namespace {

// Filters `Group` channels together: the recursion of one channel is a chain of dependent
// multiply-adds, so interleaving independent channels keeps the FPU busy. Every channel sees
// exactly the operations of the one-channel recursion (scipy's sosfilt), in the same order.
// The state lives in a local buffer laid out [section][2][channel] while the block runs.
template <std::size_t Group, typename T>
void filter_group(const SosSections& sections, const T* const* inputs, double* const* outputs,
                  double* state, std::size_t n_samples, std::vector<double>& scratch) {
  const std::size_t n_sections = sections.size();
  scratch.resize(n_sections * 2 * Group);
  double* z = scratch.data();
  for (std::size_t g = 0; g < Group; ++g)
    for (std::size_t s = 0; s < n_sections; ++s)
      for (std::size_t j = 0; j < 2; ++j)
        z[(s * 2 + j) * Group + g] = state[(g * n_sections + s) * 2 + j];

  for (std::size_t i = 0; i < n_samples; ++i) {
    double x[Group];
    for (std::size_t g = 0; g < Group; ++g) x[g] = static_cast<double>(inputs[g][i]);
    for (std::size_t s = 0; s < n_sections; ++s) {
      const auto& q = sections[s];
      double* z0 = z + s * 2 * Group;
      double* z1 = z0 + Group;
      for (std::size_t g = 0; g < Group; ++g) {
        const double y = q[0] * x[g] + z0[g];
        z0[g] = q[1] * x[g] - q[4] * y + z1[g];
        z1[g] = q[2] * x[g] - q[5] * y;
        x[g] = y;
      }
    }
    for (std::size_t g = 0; g < Group; ++g) outputs[g][i] = x[g];
  }

  for (std::size_t g = 0; g < Group; ++g)
    for (std::size_t s = 0; s < n_sections; ++s)
      for (std::size_t j = 0; j < 2; ++j)
        state[(g * n_sections + s) * 2 + j] = z[(s * 2 + j) * Group + g];
}

}  // namespace

template <typename T>
void SosFilter::process_impl(const T* input, std::size_t input_stride, double* output,
                             std::size_t output_stride, std::size_t n_samples) {
  if (n_samples == 0) return;
  if (input == nullptr || output == nullptr) throw std::invalid_argument("SosFilter: null data");
  if (n_channels_ > 1 && (input_stride < n_samples || output_stride < n_samples))
    throw std::invalid_argument("SosFilter: strides must be >= n_samples");
  constexpr std::size_t kGroup = 4;
  const std::size_t state_per_channel = sections_.size() * 2;
  std::vector<double> scratch;
  std::size_t c = 0;
  for (; c + kGroup <= n_channels_; c += kGroup) {
    const T* inputs[kGroup];
    double* outputs[kGroup];
    for (std::size_t g = 0; g < kGroup; ++g) {
      inputs[g] = input + (c + g) * input_stride;
      outputs[g] = output + (c + g) * output_stride;
    }
    filter_group<kGroup>(sections_, inputs, outputs, state_.data() + c * state_per_channel,
                         n_samples, scratch);
  }
  for (; c < n_channels_; ++c) {
    const T* inputs[1] = {input + c * input_stride};
    double* outputs[1] = {output + c * output_stride};
    filter_group<1>(sections_, inputs, outputs, state_.data() + c * state_per_channel, n_samples,
                    scratch);
  }
}

void SosFilter::process(const double* input, std::size_t input_stride, double* output,
                        std::size_t output_stride, std::size_t n_samples) {
  process_impl(input, input_stride, output, output_stride, n_samples);
}

void SosFilter::process(const float* input, std::size_t input_stride, double* output,
                        std::size_t output_stride, std::size_t n_samples) {
  process_impl(input, input_stride, output, output_stride, n_samples);
}

}  // namespace ictaltrack
