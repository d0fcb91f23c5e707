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

enum class Kind { Real, NonReal, Any };

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
      const Complex z1 = take(z, nearest(z, p1, Kind::NonReal));
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

// The recursion of one section, Direct Form II transposed, written exactly as scipy's sosfilt
// evaluates it; every path below calls this, so all give the same bits.
struct SectionCoefficients {
  double b0, b1, b2, a1, a2;
};

inline double step_section(const SectionCoefficients& q, double x, double& z0, double& z1) {
  const double y = q.b0 * x + z0;
  z0 = q.b1 * x - q.a1 * y + z1;
  z1 = q.b2 * x - q.a2 * y;
  return y;
}

// Why this shape: the per-sample recursion is a chain of dependent multiply-adds, so one channel
// cannot go faster than that chain's latency. Keeping the state in locals (not in memory that the
// output may alias, which forced a store and reload per sample) and running `Lanes` channels side
// by side, whose chains are independent, lets the CPU overlap them. kSections > 0 fixes the
// section count at compile time so the whole cascade stays in registers. Each channel's
// arithmetic is unchanged, so the output is bit-identical to the one-channel-at-a-time loop.
template <std::size_t Lanes, std::size_t kSections, typename T>
void filter_lanes(const SectionCoefficients* sections, std::size_t n_sections, const T* input,
                  std::size_t input_stride, double* output, std::size_t output_stride,
                  double* state, std::size_t n_samples) {
  constexpr std::size_t kMaxSections = kSections > 0 ? kSections : 8;
  const std::size_t ns = kSections > 0 ? kSections : n_sections;
  double z0[kMaxSections][Lanes], z1[kMaxSections][Lanes];
  for (std::size_t l = 0; l < Lanes; ++l) {
    for (std::size_t s = 0; s < ns; ++s) {
      z0[s][l] = state[(l * ns + s) * 2];
      z1[s][l] = state[(l * ns + s) * 2 + 1];
    }
  }
  for (std::size_t i = 0; i < n_samples; ++i) {
    double x[Lanes];
    for (std::size_t l = 0; l < Lanes; ++l) x[l] = static_cast<double>(input[l * input_stride + i]);
    for (std::size_t s = 0; s < ns; ++s) {
      for (std::size_t l = 0; l < Lanes; ++l)
        x[l] = step_section(sections[s], x[l], z0[s][l], z1[s][l]);
    }
    for (std::size_t l = 0; l < Lanes; ++l) output[l * output_stride + i] = x[l];
  }
  for (std::size_t l = 0; l < Lanes; ++l) {
    for (std::size_t s = 0; s < ns; ++s) {
      state[(l * ns + s) * 2] = z0[s][l];
      state[(l * ns + s) * 2 + 1] = z1[s][l];
    }
  }
}

// Four channels as two pairs of SSE2 vectors per section state (GCC/Clang vector extensions).
// The operations are the same IEEE multiplies and adds in the same order as step_section (no
// fused multiply-add: the baseline target has none), so each lane stays bit-identical to the
// scalar recursion; the vector form does two channels per instruction.
typedef double Vec2 __attribute__((vector_size(2 * sizeof(double))));

// Lane l reads in[l][i], writes out[l][i] and keeps its state at state[l] (kSections x 2).
template <std::size_t kSections, typename T>
void filter_four_lanes(const SectionCoefficients* sections, const T* const in[4],
                       double* const out[4], double* const state[4], std::size_t n_samples) {
  Vec2 b0[kSections], b1[kSections], b2[kSections], a1[kSections], a2[kSections];
  Vec2 z0[kSections][2], z1[kSections][2];
  for (std::size_t s = 0; s < kSections; ++s) {
    b0[s] = Vec2{} + sections[s].b0;
    b1[s] = Vec2{} + sections[s].b1;
    b2[s] = Vec2{} + sections[s].b2;
    a1[s] = Vec2{} + sections[s].a1;
    a2[s] = Vec2{} + sections[s].a2;
    z0[s][0] = Vec2{state[0][s * 2], state[1][s * 2]};
    z0[s][1] = Vec2{state[2][s * 2], state[3][s * 2]};
    z1[s][0] = Vec2{state[0][s * 2 + 1], state[1][s * 2 + 1]};
    z1[s][1] = Vec2{state[2][s * 2 + 1], state[3][s * 2 + 1]};
  }
  const T* in0 = in[0];
  const T* in1 = in[1];
  const T* in2 = in[2];
  const T* in3 = in[3];
  double* out0 = out[0];
  double* out1 = out[1];
  double* out2 = out[2];
  double* out3 = out[3];
  for (std::size_t i = 0; i < n_samples; ++i) {
    Vec2 x = {static_cast<double>(in0[i]), static_cast<double>(in1[i])};
    Vec2 w = {static_cast<double>(in2[i]), static_cast<double>(in3[i])};
    for (std::size_t s = 0; s < kSections; ++s) {
      const Vec2 y = b0[s] * x + z0[s][0];
      const Vec2 v = b0[s] * w + z0[s][1];
      z0[s][0] = b1[s] * x - a1[s] * y + z1[s][0];
      z0[s][1] = b1[s] * w - a1[s] * v + z1[s][1];
      z1[s][0] = b2[s] * x - a2[s] * y;
      z1[s][1] = b2[s] * w - a2[s] * v;
      x = y;
      w = v;
    }
    out0[i] = x[0];
    out1[i] = x[1];
    out2[i] = w[0];
    out3[i] = w[1];
  }
  for (std::size_t l = 0; l < 4; ++l) {
    for (std::size_t s = 0; s < kSections; ++s) {
      state[l][s * 2] = z0[s][l / 2][l % 2];
      state[l][s * 2 + 1] = z1[s][l / 2][l % 2];
    }
  }
}

// 1 to 4 channels through the four-lane kernel (missing lanes repeat channel 0's input into a
// scratch output and state, which are thrown away). False when the section count has no
// four-lane kernel. A lone channel is latency-bound (each sample waits for the previous one), so
// filling the idle lanes costs nothing and a group of 3 runs ~3x faster than one by one.
template <typename T>
bool filter_up_to_four(const SectionCoefficients* sections, std::size_t n_sections,
                       std::size_t lanes, const T* input, std::size_t input_stride, double* output,
                       std::size_t output_stride, double* state, std::size_t n_samples) {
  if (n_sections < 1 || n_sections > 3) return false;
  // Where the missing lanes write: one buffer per thread, kept between calls (a fresh zeroed
  // vector per call cost a measurable share of the filter's time in the detector).
  thread_local std::vector<double> scratch_out;
  if (lanes < 4 && scratch_out.size() < n_samples) scratch_out.resize(n_samples);
  double scratch_state[4][6] = {};
  const T* in[4];
  double* out[4];
  double* lane_state[4];
  for (std::size_t l = 0; l < 4; ++l) {
    if (l < lanes) {
      in[l] = input + l * input_stride;
      out[l] = output + l * output_stride;
      lane_state[l] = state + l * n_sections * 2;
    } else {
      in[l] = input;
      out[l] = scratch_out.data();
      lane_state[l] = scratch_state[l];
    }
  }
  switch (n_sections) {
    case 1:
      filter_four_lanes<1>(sections, in, out, lane_state, n_samples);
      break;
    case 2:
      filter_four_lanes<2>(sections, in, out, lane_state, n_samples);
      break;
    default:
      filter_four_lanes<3>(sections, in, out, lane_state, n_samples);
      break;
  }
  return true;
}

template <std::size_t Lanes, typename T>
void filter_lanes_any_sections(const SectionCoefficients* sections, std::size_t n_sections,
                               const T* input, std::size_t input_stride, double* output,
                               std::size_t output_stride, double* state, std::size_t n_samples) {
  switch (n_sections) {
    case 1:
      return filter_lanes<Lanes, 1>(sections, 1, input, input_stride, output, output_stride, state,
                                    n_samples);
    case 2:
      return filter_lanes<Lanes, 2>(sections, 2, input, input_stride, output, output_stride, state,
                                    n_samples);
    case 3:
      return filter_lanes<Lanes, 3>(sections, 3, input, input_stride, output, output_stride, state,
                                    n_samples);
    default:
      return filter_lanes<Lanes, 0>(sections, n_sections, input, input_stride, output,
                                    output_stride, state, n_samples);
  }
}

}  // namespace

template <typename T>
void SosFilter::process_impl(const T* input, std::size_t input_stride, double* output,
                             std::size_t output_stride, std::size_t n_samples) {
  if (n_samples == 0) return;
  if (input == nullptr || output == nullptr) throw std::invalid_argument("SosFilter: null data");
  if (n_channels_ > 1 && (input_stride < n_samples || output_stride < n_samples))
    throw std::invalid_argument("SosFilter: strides must be >= n_samples");
  const std::size_t n_sections = sections_.size();
  std::vector<SectionCoefficients> coefficients;
  coefficients.reserve(n_sections);
  for (const auto& q : sections_) coefficients.push_back({q[0], q[1], q[2], q[4], q[5]});
  constexpr std::size_t kMaxLocalSections = 8;  // longer cascades: the plain loop below
  if (n_sections <= kMaxLocalSections) {
    constexpr std::size_t kLanes = 4;
    std::size_t c = 0;
    for (; c < n_channels_; c += kLanes) {
      const std::size_t lanes = std::min(kLanes, n_channels_ - c);
      if (!filter_up_to_four(coefficients.data(), n_sections, lanes, input + c * input_stride,
                             input_stride, output + c * output_stride, output_stride,
                             state_.data() + c * n_sections * 2, n_samples)) {
        break;
      }
    }
    for (; c + kLanes <= n_channels_; c += kLanes) {
      filter_lanes_any_sections<kLanes>(coefficients.data(), n_sections, input + c * input_stride,
                                        input_stride, output + c * output_stride, output_stride,
                                        state_.data() + c * n_sections * 2, n_samples);
    }
    for (; c < n_channels_; ++c) {
      filter_lanes_any_sections<1>(coefficients.data(), n_sections, input + c * input_stride,
                                   input_stride, output + c * output_stride, output_stride,
                                   state_.data() + c * n_sections * 2, n_samples);
    }
    return;
  }
  for (std::size_t c = 0; c < n_channels_; ++c) {
    const T* in = input + c * input_stride;
    double* out = output + c * output_stride;
    double* state = state_.data() + c * n_sections * 2;
    for (std::size_t i = 0; i < n_samples; ++i) {
      double x = static_cast<double>(in[i]);
      for (std::size_t s = 0; s < n_sections; ++s)
        x = step_section(coefficients[s], x, state[2 * s], state[2 * s + 1]);
      out[i] = x;
    }
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
