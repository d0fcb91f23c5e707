// SOS design and filtering: hand-derived coefficients, frequency-response properties of the
// designs, the recursion against a direct-form-I difference equation, and chunked == one piece.
// (Coefficients and outputs are compared with scipy in tests/python/test_filters.py.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include "ictaltrack/conditioning/filters.hpp"

namespace ictaltrack {
namespace {

// |H(e^{j 2 pi f / fs})| of the cascade.
double magnitude(const SosSections& sos, double frequency, double sfreq) {
  const std::complex<double> z1 = std::polar(1.0, -2 * std::numbers::pi * frequency / sfreq);
  std::complex<double> h = 1.0;
  for (const auto& s : sos)
    h *= (s[0] + s[1] * z1 + s[2] * z1 * z1) / (s[3] + s[4] * z1 + s[5] * z1 * z1);
  return std::abs(h);
}

TEST(FilterDesign, FirstOrderLowpassAtQuarterRateIsTwoTapAverage) {
  // warped = 4 tan(pi/4) = 4, analog pole -4 maps to z = 0, the zero to -1, gain 4 / 8.
  const auto sos = butterworth_lowpass(1, 64.0, 256.0);
  ASSERT_EQ(sos.size(), 1u);
  const std::array<double, 6> expected{0.5, 0.5, 0.0, 1.0, 0.0, 0.0};
  for (std::size_t j = 0; j < 6; ++j) EXPECT_NEAR(sos[0][j], expected[j], 1e-15);
}

TEST(FilterDesign, SecondOrderLowpassAtQuarterRate) {
  // Poles at +-j(sqrt(2) - 1): a = [1, 0, 3 - 2 sqrt(2)]; unit DC gain gives b = g [1, 2, 1].
  const auto sos = butterworth_lowpass(2, 50.0, 200.0);
  ASSERT_EQ(sos.size(), 1u);
  const double a2 = 3 - 2 * std::sqrt(2.0), g = (2 - std::sqrt(2.0)) / 2;
  const std::array<double, 6> expected{g, 2 * g, g, 1.0, 0.0, a2};
  for (std::size_t j = 0; j < 6; ++j) EXPECT_NEAR(sos[0][j], expected[j], 1e-14);
}

TEST(FilterDesign, ButterworthResponseIsHalfPowerAtCutoff) {
  for (int order = 1; order <= 8; ++order) {
    for (double cutoff : {0.5, 1.0, 30.0, 70.0}) {
      const auto low = butterworth_lowpass(order, cutoff, 256.0);
      const auto high = butterworth_highpass(order, cutoff, 256.0);
      EXPECT_EQ(low.size(), static_cast<std::size_t>((order + 1) / 2));
      EXPECT_NEAR(magnitude(low, cutoff, 256.0), std::sqrt(0.5), 1e-9) << order << " " << cutoff;
      EXPECT_NEAR(magnitude(high, cutoff, 256.0), std::sqrt(0.5), 1e-9) << order << " " << cutoff;
      EXPECT_NEAR(magnitude(low, 0.0, 256.0), 1.0, 1e-9);
      EXPECT_NEAR(magnitude(high, 128.0, 256.0), 1.0, 1e-9);
      EXPECT_NEAR(magnitude(low, 128.0, 256.0), 0.0, 1e-9);  // zeros at z = -1
      // Poles are inside the unit circle: stable.
      for (const auto& s : low) EXPECT_LT(std::abs(s[5]), 1.0);
      for (const auto& s : high) EXPECT_LT(std::abs(s[5]), 1.0);
    }
  }
}

TEST(FilterDesign, NotchRemovesMainsAndKeepsTheRest) {
  for (double mains : {50.0, 60.0}) {
    const auto sos = notch_filter(mains, 30.0, 256.0);
    ASSERT_EQ(sos.size(), 1u);
    EXPECT_NEAR(magnitude(sos, mains, 256.0), 0.0, 1e-12);
    EXPECT_NEAR(magnitude(sos, 0.0, 256.0), 1.0, 1e-12);
    EXPECT_NEAR(magnitude(sos, 128.0, 256.0), 1.0, 1e-12);
    // Q = f0 / bandwidth at -3 dB.
    const double half_band = mains / 30.0 / 2;
    EXPECT_NEAR(magnitude(sos, mains + half_band, 256.0), std::sqrt(0.5), 2e-3);
  }
}

TEST(FilterDesign, RejectsBadArguments) {
  EXPECT_THROW(butterworth_lowpass(0, 10, 256), std::invalid_argument);
  EXPECT_THROW(butterworth_lowpass(4, 128, 256), std::invalid_argument);
  EXPECT_THROW(butterworth_highpass(4, 0, 256), std::invalid_argument);
  EXPECT_THROW(notch_filter(50, 0, 256), std::invalid_argument);
  EXPECT_THROW(notch_filter(200, 30, 256), std::invalid_argument);
  EXPECT_THROW(SosFilter({{1, 0, 0, 2, 0, 0}}, 1), std::invalid_argument);  // a0 != 1
  EXPECT_THROW(SosFilter({}, 1), std::invalid_argument);
  EXPECT_THROW(SosFilter(notch_filter(50, 30, 256), 0), std::invalid_argument);
}

// y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2] per section, in sequence.
std::vector<double> direct_form_one(const SosSections& sos, std::vector<double> x) {
  for (const auto& s : sos) {
    std::vector<double> y(x.size());
    for (std::size_t n = 0; n < x.size(); ++n) {
      double v = s[0] * x[n];
      if (n >= 1) v += s[1] * x[n - 1] - s[4] * y[n - 1];
      if (n >= 2) v += s[2] * x[n - 2] - s[5] * y[n - 2];
      y[n] = v;
    }
    x = std::move(y);
  }
  return x;
}

TEST(SosFilter, MatchesTheDifferenceEquation) {
  // Five channels: four go through the interleaved path, one through the single-channel path.
  const auto sos = butterworth_highpass(5, 1.0, 256.0);
  const std::size_t n = 4000, n_channels = 5;
  std::vector<double> x(n_channels * n);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(0.0, 50.0);
  for (double& v : x) v = normal(rng) + 300.0;
  SosFilter filter(sos, n_channels);
  std::vector<double> y(n_channels * n);
  filter.process(x.data(), n, y.data(), n, n);
  for (std::size_t c = 0; c < n_channels; ++c) {
    const auto expected =
        direct_form_one(sos, std::vector<double>(x.begin() + c * n, x.begin() + (c + 1) * n));
    for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(y[c * n + i], expected[i], 1e-9);
    // Each channel alone gives the same bits as inside the group.
    SosFilter alone(sos, 1);
    std::vector<double> single(n);
    alone.process(x.data() + c * n, n, single.data(), n, n);
    EXPECT_TRUE(std::equal(single.begin(), single.end(), y.begin() + c * n)) << c;
  }
}

TEST(SosFilter, ChunkedEqualsOnePieceBitForBit) {
  SosSections sos = butterworth_highpass(4, 0.5, 256.0);
  const auto low = butterworth_lowpass(6, 70.0, 256.0);
  sos.insert(sos.end(), low.begin(), low.end());
  sos.push_back(notch_filter(50.0, 30.0, 256.0)[0]);
  const std::size_t n_channels = 6, n = 10000;  // one interleaved group of 4, two singles
  std::vector<float> x(n_channels * n);
  std::mt19937_64 rng(9);
  std::normal_distribution<float> normal(0.0f, 20.0f);
  for (float& v : x) v = normal(rng);

  SosFilter whole(sos, n_channels);
  std::vector<double> expected(n_channels * n);
  whole.process(x.data(), n, expected.data(), n, n);

  std::mt19937 sizes(1);
  std::uniform_int_distribution<std::size_t> size(1, 900);
  SosFilter chunked(sos, n_channels);
  std::vector<double> got(n_channels * n);
  for (std::size_t offset = 0; offset < n;) {
    const std::size_t m = std::min(size(sizes), n - offset);
    chunked.process(x.data() + offset, n, got.data() + offset, n, m);
    offset += m;
  }
  EXPECT_EQ(got, expected);

  // In place on float64 data, and reset() restarts from a zero state.
  std::vector<double> in_place(x.begin(), x.end());
  chunked.reset();
  chunked.process(in_place.data(), n, in_place.data(), n, n);
  EXPECT_EQ(in_place, expected);
}

TEST(SosFilter, StateCanBeSavedAndRestored) {
  const auto sos = butterworth_lowpass(3, 20.0, 100.0);
  std::vector<double> x(500);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.1 * static_cast<double>(i));
  SosFilter a(sos, 1);
  std::vector<double> ya(500), yb(500);
  a.process(x.data(), 500, ya.data(), 500, 200);
  SosFilter b(sos, 1);
  b.set_state(a.state());
  a.process(x.data() + 200, 500, ya.data() + 200, 500, 300);
  b.process(x.data() + 200, 500, yb.data() + 200, 500, 300);
  for (std::size_t i = 200; i < 500; ++i) EXPECT_EQ(ya[i], yb[i]);
  EXPECT_THROW(b.set_state(std::vector<double>(3)), std::invalid_argument);
}

}  // namespace
}  // namespace ictaltrack
