// Re-referencing matrices: hand-computed outputs on small blocks, chunking invariance, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "ictaltrack/conditioning/montage.hpp"
#include "ictaltrack/errors.hpp"

using namespace ictaltrack;

namespace {
void expect_near(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-12) << i;
}
}  // namespace

TEST(AverageReference, SubtractsTheMeanOfGoodEegChannels) {
  const auto channels = parse_labels({"EEG Fp1-REF", "EEG Fp2-REF", "EKG", "EEG Cz-REF", "Status"});
  // Samples: Fp1 = 1, 2; Fp2 = 3, 4; EKG = 100, 100; Cz = 5, 9; Status = 7, 7.
  const std::vector<double> input{1, 2, 3, 4, 100, 100, 5, 9, 7, 7};
  const Montage all = average_reference(channels);
  ASSERT_EQ(all.output_labels(), (std::vector<std::string>{"Fp1-AVG", "Fp2-AVG", "Cz-AVG"}));
  std::vector<double> out(6);
  all.apply(input.data(), 2, out.data(), 2, 2);
  // Means over Fp1, Fp2, Cz: 3 and 5.
  expect_near(out, {-2, -3, 0, -1, 2, 4});

  // Fp2 bad: the mean uses Fp1 and Cz only (3, 5.5) but Fp2 still gets an output row.
  const Montage without_fp2 = average_reference(channels, {false, true, false, false, false});
  without_fp2.apply(input.data(), 2, out.data(), 2, 2);
  expect_near(out, {-2, -3.5, 0, -1.5, 2, 3.5});
}

TEST(AverageReference, RejectsMixedReferencesAndEmptySets) {
  EXPECT_THROW(average_reference(parse_labels({"Fp1-A1", "Fp2-A2", "C3-A1"})), UnsupportedError);
  EXPECT_THROW(average_reference(parse_labels({"ECG", "FP1-F7"})), std::invalid_argument);
  EXPECT_THROW(average_reference(parse_labels({"Fp1", "Fp2"}), {true, true}),
               std::invalid_argument);
  EXPECT_THROW(average_reference(parse_labels({"Fp1", "Fp2"}), {true}), std::invalid_argument);
}

TEST(BipolarMontage, DoubleBananaFromTuhReferentialLabels) {
  // Old temporal names (T3, T5) resolve to the same sites as the montage's T7, P7.
  const auto channels = parse_labels(
      {"EEG FP1-LE", "EEG F7-LE", "EEG T3-LE", "EEG T5-LE", "EEG O1-LE", "EEG EKG-LE"});
  const Montage montage = bipolar_montage(
      channels, {{"Fp1", "F7"}, {"F7", "T7"}, {"T7", "P7"}, {"P7", "O1"}, {"FP1", "O1"}});
  EXPECT_EQ(montage.output_labels(),
            (std::vector<std::string>{"Fp1-F7", "F7-T7", "T7-P7", "P7-O1", "Fp1-O1"}));
  const std::vector<float> input{10, 7, 3, 1, -4, 55};  // one sample per channel
  std::vector<float> out(5);
  montage.apply(input.data(), 1, out.data(), 1, 1);
  EXPECT_EQ(out, (std::vector<float>{3, 4, 2, 5, 14}));
}

TEST(BipolarMontage, RecordedPairsAreCopiedOrNegated) {
  const auto channels = parse_labels({"FP1-F7", "T7-F7", "EEG T4-A2"});
  const Montage montage = bipolar_montage(channels, {{"Fp1", "F7"}, {"F7", "T7"}, {"T4", "A2"}});
  const std::vector<double> input{1, 2, 3};
  std::vector<double> out(3);
  montage.apply(input.data(), 1, out.data(), 1, 1);
  EXPECT_EQ(out, (std::vector<double>{1, -2, 3}));
}

TEST(BipolarMontage, MissingDerivationsRaiseOrAreSkipped) {
  const auto channels = parse_labels({"Fp1", "F7", "T7"});
  EXPECT_THROW(bipolar_montage(channels, named_montage("double_banana")), std::invalid_argument);
  std::vector<Derivation> skipped;
  const Montage montage =
      bipolar_montage(channels, named_montage("double_banana"), MissingDerivations::skip, &skipped);
  EXPECT_EQ(montage.output_labels(), (std::vector<std::string>{"Fp1-F7", "F7-T7"}));
  EXPECT_EQ(skipped.size(), 16u);
  EXPECT_THROW(bipolar_montage(channels, {{"Fp1", "Q7"}}), std::invalid_argument);
  EXPECT_THROW(bipolar_montage(parse_labels({"Fp1-A1", "F7-A2"}), {{"Fp1", "F7"}}),
               UnsupportedError);
}

TEST(BipolarMontage, NamedMontagesHaveTheirPublishedSizes) {
  EXPECT_EQ(named_montage("double_banana").size(), 18u);
  EXPECT_EQ(named_montage("tcp").size(), 22u);
  EXPECT_EQ(named_montage("chb_mit").size(), 23u);
  EXPECT_THROW(named_montage("banana"), std::invalid_argument);
  // The TCP montage applies to a TUH referential recording with every electrode it needs.
  std::vector<std::string> tuh;
  for (const char* e : {"FP1", "FP2", "F3", "F4", "C3", "C4", "A1", "A2", "P3", "P4", "O1",
                        "O2",  "F7",  "F8", "T3", "T4", "T5", "T6", "FZ", "CZ", "PZ"}) {
    tuh.push_back(std::string("EEG ") + e + "-REF");
  }
  const Montage tcp = bipolar_montage(parse_labels(tuh), named_montage("tcp"));
  EXPECT_EQ(tcp.output_channels(), 22u);
  EXPECT_EQ(tcp.output_labels()[8], "A1-T7");
  EXPECT_DOUBLE_EQ(tcp.weight(8, 6), 1.0);    // A1
  EXPECT_DOUBLE_EQ(tcp.weight(8, 14), -1.0);  // T3
}

TEST(Montage, ChunkedApplicationEqualsWholeBlock) {
  const auto channels = parse_labels({"Fp1", "Fp2", "F3", "F4", "C3", "C4", "Cz"});
  const Montage montage = average_reference(channels);
  const std::size_t n_in = 7, n_out = 7, n = 1000;
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 50.0f);
  std::vector<float> input(n_in * n);
  for (float& v : input) v = noise(rng);
  std::vector<float> whole(n_out * n), chunked(n_out * n);
  montage.apply(input.data(), n, whole.data(), n, n);
  for (std::size_t start = 0; start < n; start += 137) {
    const std::size_t len = std::min<std::size_t>(137, n - start);
    montage.apply(input.data() + start, n, chunked.data() + start, n, len);
  }
  EXPECT_EQ(whole, chunked);
  // Each output sample sums to zero over channels (all channels good).
  for (std::size_t s = 0; s < n; s += 97) {
    float sum = 0;
    for (std::size_t r = 0; r < n_out; ++r) sum += whole[r * n + s];
    EXPECT_NEAR(sum, 0.0f, 1e-3f);
  }
  EXPECT_THROW(montage.apply(input.data(), 10, whole.data(), n, 20), std::invalid_argument);
}

TEST(Montage, ArbitraryWeightsMatchANaiveProduct) {
  // One general matrix and one of the "input + shared combination" form the fast path takes.
  const std::vector<std::vector<double>> matrices{
      {0.5, -1.0, 0.0, 2.0, 0.0, 0.25, 1.0, -0.5, 3.0, 0.0, 0.0, 1.0},
      {1.2, 0.1, -0.3, 0.4, 0.2, 1.1, -0.3, 0.4, 0.2, 0.1, 0.7, 0.4}};
  for (const auto& weights : matrices) {
    const Montage montage(4, {"a", "b", "c"}, weights);
    const std::size_t n = 50;
    std::vector<double> input(4 * n);
    for (std::size_t i = 0; i < input.size(); ++i) {
      input[i] = std::sin(0.37 * static_cast<double>(i)) * 10.0;
    }
    std::vector<double> out(3 * n);
    montage.apply(input.data(), n, out.data(), n, n);
    for (std::size_t r = 0; r < 3; ++r) {
      for (std::size_t s = 0; s < n; ++s) {
        double expected = 0.0;
        for (std::size_t c = 0; c < 4; ++c) expected += weights[r * 4 + c] * input[c * n + s];
        EXPECT_NEAR(out[r * n + s], expected, 1e-12);
      }
    }
  }
  EXPECT_THROW(Montage(4, {"a"}, {1.0, 2.0}), std::invalid_argument);
}
