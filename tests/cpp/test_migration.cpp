// Migration tracker on hand-built seizure sequences; every expected value is derived by hand
// from the definitions in docs/migration.md (angles from the 10-10 sphere: 22.5 degrees per 10 %
// step, so C3-Cz = 45, C3-C4 = 90, T7-T8 = 180, T8-C4 = 45).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "ictaltrack/migrate/migration.hpp"

namespace ictaltrack {
namespace {

Seizure make_seizure(double onset_s, double offset_s, Hemisphere hemisphere, Region region,
                     const std::string& focus = {}) {
  Seizure s;
  s.onset = seconds_to_ticks(onset_s);
  s.offset = seconds_to_ticks(offset_s);
  s.hemisphere = hemisphere;
  s.region = region;
  if (!focus.empty()) {
    const auto site = find_electrode(focus);
    EXPECT_TRUE(site.has_value()) << focus;
    s.onset_channels = {focus};
    s.focus_position = site->position;
    s.has_focus_position = true;
  }
  return s;
}

// A: left temporal T7 10-50 s; B: right temporal T8 100-140; C: right central C4 120-170
// (starts while B runs); D: right central C4 300-330; E: unknown side and region 400-420.
std::vector<Seizure> sequence() {
  return {make_seizure(10, 50, Hemisphere::left, Region::temporal, "T7"),
          make_seizure(100, 140, Hemisphere::right, Region::temporal, "T8"),
          make_seizure(120, 170, Hemisphere::right, Region::central, "C4"),
          make_seizure(300, 330, Hemisphere::right, Region::central, "C4"),
          make_seizure(400, 420, Hemisphere::unknown, Region::unknown)};
}

std::size_t r(Region region) { return static_cast<std::size_t>(region); }
std::size_t h(Hemisphere hemisphere) { return static_cast<std::size_t>(hemisphere); }

void expect_hand_derived_sequence(const MigrationResult& result) {
  ASSERT_EQ(result.seizures.size(), 5u);
  ASSERT_EQ(result.transitions.size(), 4u);
  const ShiftClass shifts[] = {ShiftClass::contralateral, ShiftClass::ipsilateral,
                               ShiftClass::same_region, ShiftClass::unknown};
  const double intervals[] = {90, 20, 180, 100};
  const bool overlaps[] = {false, true, false, false};
  const double distances[] = {180, 45, 0, NAN};
  for (std::size_t k = 0; k < 4; ++k) {
    const Transition& t = result.transitions[k];
    SCOPED_TRACE(k);
    EXPECT_EQ(t.from, k);
    EXPECT_EQ(t.to, k + 1);
    EXPECT_EQ(t.shift, shifts[k]);
    EXPECT_EQ(t.interval, seconds_to_ticks(intervals[k]));
    EXPECT_EQ(t.overlap, overlaps[k]);
    if (std::isnan(distances[k])) {
      EXPECT_TRUE(std::isnan(t.distance_degrees));
    } else {
      EXPECT_NEAR(t.distance_degrees, distances[k], 1e-9);
    }
  }
  const MigrationSummary& s = result.summary;
  EXPECT_EQ(s.n_seizures, 5);
  EXPECT_EQ(s.n_left, 1);
  EXPECT_EQ(s.n_right, 3);
  EXPECT_EQ(s.seizures_per_hemisphere[h(Hemisphere::unknown)], 1);
  EXPECT_EQ(s.seizures_per_region[r(Region::temporal)], 2);
  EXPECT_EQ(s.seizures_per_region[r(Region::central)], 2);
  EXPECT_EQ(s.seizures_per_region[r(Region::unknown)], 1);
  EXPECT_EQ(s.n_transitions, 4);
  EXPECT_EQ(s.shifts[0] + s.shifts[1] + s.shifts[2] + s.shifts[3], 4);
  EXPECT_EQ(s.shifts[static_cast<std::size_t>(ShiftClass::contralateral)], 1);
  EXPECT_EQ(s.n_sided_pairs, 3);  // A-B, B-C, C-D
  EXPECT_EQ(s.n_hemisphere_switches, 1);
  EXPECT_DOUBLE_EQ(s.hemisphere_switch_rate, 1.0 / 3.0);
  EXPECT_EQ(s.region_transitions[r(Region::temporal)][r(Region::temporal)], 1);
  EXPECT_EQ(s.region_transitions[r(Region::temporal)][r(Region::central)], 1);
  EXPECT_EQ(s.region_transitions[r(Region::central)][r(Region::central)], 1);
  EXPECT_EQ(s.region_transitions[r(Region::central)][r(Region::unknown)], 1);
  int total = 0;
  for (const auto& row : s.region_transitions) {
    for (int n : row) total += n;
  }
  EXPECT_EQ(total, 4);
  EXPECT_EQ(s.n_overlapping_pairs, 1);
  EXPECT_EQ(s.n_overlapping_pairs_elsewhere, 1);
  EXPECT_EQ(s.n_distinct_regions, 2);
  EXPECT_TRUE(s.bilateral_independent_onsets);
  EXPECT_NEAR(s.median_distance_degrees, 45.0, 1e-9);  // median of 180, 45, 0
  EXPECT_TRUE(s.migrating);
  ASSERT_EQ(s.verdict_reasons.size(), 4u);
  for (const std::string& reason : s.verdict_reasons) EXPECT_EQ(reason.rfind("yes: ", 0), 0u);
}

TEST(Migration, ShiftClassTable) {
  using H = Hemisphere;
  using R = Region;
  EXPECT_EQ(classify_shift(H::left, R::temporal, H::left, R::temporal), ShiftClass::same_region);
  EXPECT_EQ(classify_shift(H::left, R::temporal, H::left, R::frontal), ShiftClass::ipsilateral);
  EXPECT_EQ(classify_shift(H::left, R::temporal, H::right, R::temporal), ShiftClass::contralateral);
  // The side alone decides a contralateral shift.
  EXPECT_EQ(classify_shift(H::right, R::unknown, H::left, R::unknown), ShiftClass::contralateral);
  EXPECT_EQ(classify_shift(H::midline, R::central, H::midline, R::central),
            ShiftClass::same_region);
  EXPECT_EQ(classify_shift(H::midline, R::central, H::midline, R::parietal),
            ShiftClass::ipsilateral);
  EXPECT_EQ(classify_shift(H::midline, R::central, H::left, R::central), ShiftClass::unknown);
  EXPECT_EQ(classify_shift(H::left, R::unknown, H::left, R::central), ShiftClass::unknown);
  EXPECT_EQ(classify_shift(H::bilateral, R::central, H::bilateral, R::central),
            ShiftClass::unknown);
  EXPECT_EQ(classify_shift(H::unknown, R::central, H::left, R::central), ShiftClass::unknown);
  EXPECT_EQ(to_string(ShiftClass::same_region), "same-region");
  EXPECT_EQ(to_string(ShiftClass::ipsilateral), "ipsilateral");
  EXPECT_EQ(to_string(ShiftClass::contralateral), "contralateral");
  EXPECT_EQ(to_string(ShiftClass::unknown), "unknown");
}

TEST(Migration, HandBuiltSequenceInOrder) {
  expect_hand_derived_sequence(track_migration(sequence()));
}

TEST(Migration, EveryArrivalOrderGivesTheSameResult) {
  const std::vector<Seizure> ordered = sequence();
  std::vector<int> order = {0, 1, 2, 3, 4};
  int permutations = 0;
  do {
    std::vector<Seizure> shuffled;
    for (int i : order) shuffled.push_back(ordered[static_cast<std::size_t>(i)]);
    SCOPED_TRACE(permutations);
    expect_hand_derived_sequence(track_migration(shuffled));
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 120);
}

TEST(Migration, AddReturnsInsertionIndex) {
  MigrationTracker tracker;
  const auto s = sequence();
  EXPECT_EQ(tracker.add(s[3]), 0u);
  EXPECT_EQ(tracker.add(s[0]), 0u);
  EXPECT_EQ(tracker.add(s[4]), 2u);
  EXPECT_EQ(tracker.add(s[2]), 1u);
  // After A, C, D, E: transitions A-C (contralateral), C-D, D-E.
  ASSERT_EQ(tracker.transitions().size(), 3u);
  EXPECT_EQ(tracker.transitions()[0].interval, seconds_to_ticks(110));
  EXPECT_EQ(tracker.summary().n_sided_pairs, 2);
  EXPECT_EQ(tracker.add(s[1]), 1u);
  EXPECT_EQ(tracker.summary().n_sided_pairs, 3);
  EXPECT_EQ(tracker.summary().n_hemisphere_switches, 1);
}

TEST(Migration, EqualOnsetsOrderedByOffsetThenArrival) {
  MigrationTracker tracker;
  tracker.add(make_seizure(10, 80, Hemisphere::left, Region::frontal));
  tracker.add(make_seizure(10, 40, Hemisphere::right, Region::frontal));
  tracker.add(make_seizure(10, 40, Hemisphere::left, Region::occipital));
  ASSERT_EQ(tracker.seizures().size(), 3u);
  EXPECT_EQ(tracker.seizures()[0].hemisphere, Hemisphere::right);
  EXPECT_EQ(tracker.seizures()[1].region, Region::occipital);
  EXPECT_EQ(tracker.seizures()[2].offset, seconds_to_ticks(80));
  // Equal onsets: interval 0, and each starts before the previous one ends.
  for (const Transition& t : tracker.transitions()) {
    EXPECT_EQ(t.interval, 0);
    EXPECT_TRUE(t.overlap);
  }
}

TEST(Migration, TouchingSeizuresDoNotOverlap) {
  const auto result = track_migration({make_seizure(0, 30, Hemisphere::left, Region::frontal),
                                       make_seizure(30, 60, Hemisphere::right, Region::frontal)});
  ASSERT_EQ(result.transitions.size(), 1u);
  EXPECT_FALSE(result.transitions[0].overlap);
  EXPECT_EQ(result.summary.n_overlapping_pairs, 0);
}

TEST(Migration, VerdictCriteria) {
  using H = Hemisphere;
  using R = Region;
  // Left only, three regions: no second hemisphere, switch rate 0.
  auto one_side = track_migration({make_seizure(0, 10, H::left, R::frontal),
                                   make_seizure(100, 110, H::left, R::central),
                                   make_seizure(200, 210, H::left, R::occipital)})
                      .summary;
  EXPECT_FALSE(one_side.migrating);
  EXPECT_FALSE(one_side.bilateral_independent_onsets);
  EXPECT_EQ(one_side.n_distinct_regions, 3);
  EXPECT_DOUBLE_EQ(one_side.hemisphere_switch_rate, 0.0);
  EXPECT_EQ(one_side.verdict_reasons[2].rfind("no: ", 0), 0u);
  EXPECT_EQ(one_side.verdict_reasons[3].rfind("no: ", 0), 0u);

  // Two seizures are not a sequence.
  auto two = track_migration({make_seizure(0, 10, H::left, R::frontal),
                              make_seizure(100, 110, H::right, R::central)})
                 .summary;
  EXPECT_FALSE(two.migrating);
  EXPECT_DOUBLE_EQ(two.hemisphere_switch_rate, 1.0);

  // Homologous regions only: left and right temporal alternate, one region.
  auto homologous = track_migration({make_seizure(0, 10, H::left, R::temporal),
                                     make_seizure(100, 110, H::right, R::temporal),
                                     make_seizure(200, 210, H::left, R::temporal)})
                        .summary;
  EXPECT_EQ(homologous.n_distinct_regions, 1);
  EXPECT_FALSE(homologous.migrating);

  // Unknown sides: switch rate undefined, so not migrating.
  auto unknown = track_migration({make_seizure(0, 10, H::unknown, R::frontal),
                                  make_seizure(100, 110, H::unknown, R::central),
                                  make_seizure(200, 210, H::unknown, R::occipital)})
                     .summary;
  EXPECT_TRUE(std::isnan(unknown.hemisphere_switch_rate));
  EXPECT_FALSE(unknown.migrating);
  EXPECT_TRUE(std::isnan(unknown.median_distance_degrees));

  // Ten left then ten right, every region alternating front/back: 1 switch in 19 pairs (0.053).
  std::vector<Seizure> runs;
  for (int k = 0; k < 20; ++k) {
    runs.push_back(make_seizure(100.0 * k, 100.0 * k + 30, k < 10 ? H::left : H::right,
                                k % 2 ? R::frontal : R::occipital));
  }
  auto run_summary = track_migration(runs).summary;
  EXPECT_NEAR(run_summary.hemisphere_switch_rate, 1.0 / 19.0, 1e-12);
  EXPECT_FALSE(run_summary.migrating);
  MigrationCriteria lenient;
  lenient.min_switch_rate = 0.05;
  EXPECT_TRUE(track_migration(runs, lenient).summary.migrating);
  lenient.min_regions = 3;
  EXPECT_FALSE(track_migration(runs, lenient).summary.migrating);
}

TEST(Migration, RejectsOffsetBeforeOnset) {
  MigrationTracker tracker;
  EXPECT_THROW(tracker.add(make_seizure(50, 40, Hemisphere::left, Region::frontal)),
               std::invalid_argument);
  EXPECT_EQ(tracker.seizures().size(), 0u);
  EXPECT_EQ(tracker.summary().n_seizures, 0);
  EXPECT_EQ(tracker.summary().n_transitions, 0);
}

TEST(Migration, MeanScalpPosition) {
  const auto cz = find_electrode("Cz");
  ASSERT_TRUE(cz.has_value());
  // C3 and C4 lie 45 degrees either side of Cz on the coronal arc: their mean points at Cz.
  const auto c3_c4 = mean_scalp_position({"C3", "C4"});
  ASSERT_TRUE(c3_c4.has_value());
  EXPECT_NEAR(angle_degrees(*c3_c4, cz->position), 0.0, 1e-6);
  // T7 and T8 are antipodal: no direction.
  EXPECT_FALSE(mean_scalp_position({"T7", "T8"}).has_value());
  EXPECT_FALSE(mean_scalp_position({"ECG", "nonsense"}).has_value());
  // Old names and raw labels are parsed: T4 = T8.
  const auto t4 = mean_scalp_position({"EEG T4-REF"});
  const auto t8 = find_electrode("T8");
  ASSERT_TRUE(t4.has_value());
  EXPECT_NEAR(angle_degrees(*t4, t8->position), 0.0, 1e-6);
  // C3 with Cz: midway on the arc, 22.5 degrees from each.
  const auto c3_cz = mean_scalp_position({"C3", "Cz"});
  ASSERT_TRUE(c3_cz.has_value());
  EXPECT_NEAR(angle_degrees(*c3_cz, cz->position), 22.5, 1e-6);
}

}  // namespace
}  // namespace ictaltrack
