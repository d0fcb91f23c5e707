// SosFilter's fast paths (channels run side by side, state kept in locals, fixed section counts)
// must give exactly the bits of the plain Direct Form II transposed recursion that scipy's sosfilt
// runs, written out here sample by sample as the oracle, for every channel count (full groups of
// channels and the remainder), section count (the fixed 1-3 and the general path, and the plain
// loop beyond eight sections), chunking, float input and in-place use. test_filters.cpp checks
// the recursion itself against scipy.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <random>
#include <vector>

#include "ictaltrack/conditioning/filters.hpp"

namespace {

using ictaltrack::SosFilter;
using ictaltrack::SosSections;

// The oracle: one channel, one sample, one section at a time, state in a plain array.
std::vector<double> reference_filter(const SosSections& sections, const std::vector<double>& x) {
  std::vector<double> state(sections.size() * 2, 0.0), out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    double value = x[i];
    for (std::size_t s = 0; s < sections.size(); ++s) {
      const auto& q = sections[s];
      const double y = q[0] * value + state[2 * s];
      state[2 * s] = q[1] * value - q[4] * y + state[2 * s + 1];
      state[2 * s + 1] = q[2] * value - q[5] * y;
      value = y;
    }
    out[i] = value;
  }
  return out;
}

SosSections cascade(std::size_t n_sections) {
  SosSections sos = ictaltrack::butterworth_highpass(2, 0.5, 256.0);
  sos.push_back(ictaltrack::notch_filter(50.0, 30.0, 256.0)[0]);
  const auto low = ictaltrack::butterworth_lowpass(16, 70.0, 256.0);  // 8 sections
  sos.insert(sos.end(), low.begin(), low.end());
  sos.resize(n_sections);
  return sos;
}

std::vector<double> noise(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 40.0);
  std::vector<double> values(n);
  for (double& v : values) v = normal(rng);
  return values;
}

class FilterLanes : public ::testing::TestWithParam<std::tuple<std::size_t, std::size_t>> {};

TEST_P(FilterLanes, EveryChannelMatchesThePlainRecursionBitForBit) {
  const auto [n_channels, n_sections] = GetParam();
  const std::size_t n_times = 1000, stride = 1003;
  const SosSections sos = cascade(n_sections);
  std::vector<double> input(n_channels * stride, -7.0);  // padding between rows must not leak
  std::vector<std::vector<double>> expected;
  for (std::size_t c = 0; c < n_channels; ++c) {
    const auto row = noise(n_times, static_cast<unsigned>(c + 10 * n_sections));
    std::copy(row.begin(), row.end(), input.begin() + static_cast<std::ptrdiff_t>(c * stride));
    expected.push_back(reference_filter(sos, row));
  }
  // Uneven chunks: the state carried across calls must be the oracle's state.
  SosFilter filter(sos, n_channels);
  std::vector<double> output(n_channels * stride, 0.0);
  const std::size_t cuts[] = {0, 1, 37, 400, 401, n_times};
  for (std::size_t k = 0; k + 1 < std::size(cuts); ++k) {
    filter.process(input.data() + cuts[k], stride, output.data() + cuts[k], stride,
                   cuts[k + 1] - cuts[k]);
  }
  // In place, one piece, from float input converted to double (the reader's float32 path).
  SosFilter in_place(sos, n_channels);
  std::vector<double> buffer = input;
  in_place.process(buffer.data(), stride, buffer.data(), stride, n_times);
  std::vector<float> input_float(input.begin(), input.end());
  SosFilter from_float(sos, n_channels);
  std::vector<double> output_float(n_channels * stride, 0.0);
  from_float.process(input_float.data(), stride, output_float.data(), stride, n_times);

  for (std::size_t c = 0; c < n_channels; ++c) {
    std::vector<double> row_float(n_times);
    for (std::size_t i = 0; i < n_times; ++i)
      row_float[i] = static_cast<double>(input_float[c * stride + i]);
    const auto expected_float = reference_filter(sos, row_float);
    for (std::size_t i = 0; i < n_times; ++i) {
      ASSERT_EQ(output[c * stride + i], expected[c][i]) << "channel " << c << " sample " << i;
      ASSERT_EQ(buffer[c * stride + i], expected[c][i]) << "in place, channel " << c;
      ASSERT_EQ(output_float[c * stride + i], expected_float[i]) << "float, channel " << c;
    }
    EXPECT_EQ(buffer[c * stride + n_times], -7.0);  // the padding stays untouched
  }
}

INSTANTIATE_TEST_SUITE_P(ChannelsAndSections, FilterLanes,
                         ::testing::Combine(::testing::Values(1u, 3u, 4u, 5u, 19u),
                                            ::testing::Values(1u, 2u, 3u, 5u, 10u)));

}  // namespace
