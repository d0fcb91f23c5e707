// Onset localisation on hand-made event histories: which channels may decide a seizure's side.
// The montage is CHB-MIT's double banana (23 bipolar channels with the cross-hemisphere pair
// FT9-FT10, and T8-P8 twice), the layout of ../shared/real/chb01_03_*.edf.
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

#include "ictaltrack/electrodes/electrodes.hpp"
#include "localise/localise.hpp"

using namespace ictaltrack;

namespace {

// localise() takes the localisation tunables as its fourth argument (DetectorOptions today; its own
// struct once detect and localise are separated). The test only relies on the shared field names
// and their defaults, so it names the type through the function.
template <typename Function>
struct FourthArgument;
template <typename Result, typename A, typename B, typename C, typename D, typename E>
struct FourthArgument<Result (*)(A, B, C, D, E)> {
  using type = std::remove_cvref_t<D>;
};
using LocaliseParameters = FourthArgument<decltype(&detail::localise)>::type;

const std::vector<std::string> kChbMitLabels = {
    "FP1-F7", "F7-T7", "T7-P7", "P7-O1",  "FP1-F3",   "F3-C3",   "C3-P3", "P3-O1",
    "FP2-F4", "F4-C4", "C4-P4", "P4-O2",  "FP2-F8",   "F8-T8",   "T8-P8", "P8-O2",
    "FZ-CZ",  "CZ-PZ", "P7-T7", "T7-FT9", "FT9-FT10", "FT10-T8", "T8-P8"};

int index_of(const std::string& label) {
  for (std::size_t c = 0; c < kChbMitLabels.size(); ++c) {
    if (kChbMitLabels[c] == label) return static_cast<int>(c);
  }
  throw std::invalid_argument(label);
}

/// 12 one-second windows; the listed channels switch on at window 4 with a 20 dB rhythm gain and
/// the given excess power (uV^2); every other channel stays at baseline and is never recruited.
detail::EventHistory history_with(const std::vector<std::pair<std::string, float>>& recruited) {
  detail::EventHistory history;
  history.n_channels = kChbMitLabels.size();
  const std::size_t windows = 12, onset = 4;
  for (std::size_t w = 0; w < windows; ++w) history.window_start.push_back(std::int64_t(w) * 256);
  history.gain_db.assign(windows * history.n_channels, 0.0f);
  history.excess.assign(windows * history.n_channels, 0.0f);
  history.first_on.assign(history.n_channels, -1);
  for (const auto& [label, excess] : recruited) {
    const auto c = static_cast<std::size_t>(index_of(label));
    history.first_on[c] = static_cast<int>(onset);
    for (std::size_t w = onset; w < windows; ++w) {
      history.gain_db[w * history.n_channels + c] = 20.0f;
      history.excess[w * history.n_channels + c] = excess;
    }
  }
  return history;
}

detail::LocalisedEvent localise_chb(const std::vector<std::pair<std::string, float>>& recruited) {
  const auto geometry = detail::make_geometry(parse_labels(kChbMitLabels));
  const std::vector<bool> good(kChbMitLabels.size(), true);
  return detail::localise(history_with(recruited), geometry, good, LocaliseParameters{}, 20.0);
}

}  // namespace

TEST(Localise, TheMontageHasTheSidesTheTestsAssume) {
  const auto labels = parse_labels(kChbMitLabels);
  EXPECT_EQ(labels[index_of("FT9-FT10")].hemisphere, Hemisphere::bilateral);
  EXPECT_EQ(labels[index_of("FZ-CZ")].hemisphere, Hemisphere::midline);
  EXPECT_EQ(labels[index_of("T7-FT9")].hemisphere, Hemisphere::left);
  EXPECT_EQ(labels[index_of("FT10-T8")].hemisphere, Hemisphere::right);
}

TEST(Localise, ACrossHemispherePairAloneGivesNoSide) {
  // The chb01_03 case: FT9-FT10 is the strongest (here the only) onset channel. Both of its
  // electrodes see the same power, so nothing says which side starts: no side, but the region.
  const auto event = localise_chb({{"FT9-FT10", 400.0f}});
  EXPECT_EQ(event.seizure.onset_channels, std::vector<std::string>{"FT9-FT10"});
  EXPECT_EQ(event.seizure.hemisphere, Hemisphere::unknown);
  EXPECT_EQ(event.seizure.region, Region::frontotemporal);
}

TEST(Localise, ACrossPairStrongestLeavesTheSideToTheSidedChannels) {
  // FT9-FT10 strongest, with FT10-T8 (right) recruited as well and T7-FT9 (left) weaker: the side
  // is the right, whichever electrode of the cross pair the overall score favours.
  const auto right = localise_chb({{"FT9-FT10", 400.0f}, {"FT10-T8", 60.0f}, {"T7-FT9", 20.0f}});
  EXPECT_EQ(right.seizure.hemisphere, Hemisphere::right);
  EXPECT_EQ(right.seizure.region, Region::frontotemporal);  // FT10, on the chosen side
  ASSERT_FALSE(right.seizure.onset_channels.empty());
  EXPECT_EQ(right.seizure.onset_channels.front(), "FT9-FT10");  // still an onset channel
  // The mirror image: T7-FT9 stronger than FT10-T8 gives the left.
  const auto left = localise_chb({{"FT9-FT10", 400.0f}, {"FT10-T8", 20.0f}, {"T7-FT9", 60.0f}});
  EXPECT_EQ(left.seizure.hemisphere, Hemisphere::left);
}

TEST(Localise, SidedChannelsStillDecideAndMidlineStaysMidline) {
  const auto left = localise_chb({{"FP1-F7", 300.0f}, {"F7-T7", 250.0f}});
  EXPECT_EQ(left.seizure.hemisphere, Hemisphere::left);
  EXPECT_EQ(left.seizure.region, Region::frontotemporal);  // F7, shared by both derivations
  const auto midline = localise_chb({{"FZ-CZ", 300.0f}, {"CZ-PZ", 250.0f}});
  EXPECT_EQ(midline.seizure.hemisphere, Hemisphere::midline);
  EXPECT_EQ(midline.seizure.region, Region::frontal);  // Fz: its one derivation is the strongest
}

TEST(Localise, ASidedFocusDecidesAgainstAnEarlyLeadOfTheOtherSide) {
  // P4-O2 (right) starts first (window 4) and rises gradually to the strongest field (50, 100,
  // 150, 200 uV^2, then 800); its homologue P3-O1 (left) is reached a window later and steps
  // at once to 300. Over the onset window (4 s from the focus onset) the left leads, so the LI
  // is positive; over the focus search the right rose most and is the focus. The side is the
  // focus's: right, with the measured LI reported unchanged.
  auto history = history_with({});
  const std::size_t n = history.n_channels;
  const auto right = static_cast<std::size_t>(index_of("P4-O2"));
  const auto left = static_cast<std::size_t>(index_of("P3-O1"));
  const float ramp[] = {50.0f, 100.0f, 150.0f, 200.0f};
  history.first_on[right] = 4;
  history.first_on[left] = 5;
  for (std::size_t w = 4; w < 12; ++w) {
    history.gain_db[w * n + right] = 20.0f;
    history.excess[w * n + right] = w < 8 ? ramp[w - 4] : 800.0f;
    if (w >= 5) {
      history.gain_db[w * n + left] = 20.0f;
      history.excess[w * n + left] = 300.0f;
    }
  }
  const auto geometry = detail::make_geometry(parse_labels(kChbMitLabels));
  const std::vector<bool> good(kChbMitLabels.size(), true);
  const auto event = detail::localise(history, geometry, good, LocaliseParameters{}, 20.0);
  // Oracle, by hand: rises over windows 4-7 minus 0-3: left (0 + 3 * 300) / 4 = 225, right
  // (50 + 100 + 150 + 200) / 4 = 125; LI = (225 - 125) / (225 + 125).
  EXPECT_NEAR(event.seizure.lateralization_index, 100.0 / 350.0, 1e-9);
  ASSERT_FALSE(event.seizure.onset_channels.empty());
  EXPECT_EQ(event.seizure.onset_channels.front(), "P4-O2");
  EXPECT_EQ(event.seizure.hemisphere, Hemisphere::right);
}
