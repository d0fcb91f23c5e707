// Migration of seizure onsets from one seizure to the next: what changed between consecutive
// seizures (Transition) and what the whole sequence looks like (MigrationSummary), updated as
// each seizure is found. Definitions and the `migrating` verdict: docs/migration.md.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ictaltrack/detect/seizure.hpp"
#include "ictaltrack/electrodes/electrodes.hpp"
#include "ictaltrack/time.hpp"

namespace ictaltrack {

/// How the onset moved between two consecutive seizures.
/// - same_region: same hemisphere (left, right or midline) and same region;
/// - ipsilateral: same hemisphere, another region;
/// - contralateral: one onset left and the other right (whatever the regions);
/// - unknown: anything else (a hemisphere unknown or bilateral, midline with a side, or the
///   same hemisphere with a region unknown).
enum class ShiftClass { same_region, ipsilateral, contralateral, unknown };

/// "same-region", "ipsilateral", "contralateral", "unknown".
std::string_view to_string(ShiftClass shift) noexcept;

/// The classification on its own (see ShiftClass).
ShiftClass classify_shift(Hemisphere from_hemisphere, Region from_region, Hemisphere to_hemisphere,
                          Region to_region) noexcept;

inline constexpr std::size_t kHemisphereCount = 5;  ///< values of Hemisphere, unknown included
inline constexpr std::size_t kRegionCount = 9;      ///< values of Region, unknown included
inline constexpr std::size_t kShiftClassCount = 4;

/// Consecutive seizures `from` and `to = from + 1` in onset order.
struct Transition {
  std::size_t from = 0;  ///< index in onset order
  std::size_t to = 0;    ///< from + 1
  ShiftClass shift = ShiftClass::unknown;
  Ticks interval = 0;    ///< onset(to) - onset(from), >= 0
  bool overlap = false;  ///< `to` starts before `from` ends: onset(to) < offset(from)
  /// Great-circle angle between the two onset foci (Seizure::focus_position) on the unit-sphere
  /// head, degrees; NaN when either seizure has no focus position. Arc length on a head of
  /// circumference C is C * distance_degrees / 360.
  double distance_degrees = 0.0;
};

/// The rule behind MigrationSummary::migrating; every condition must hold (docs/migration.md).
struct MigrationCriteria {
  int min_seizures = 3;  ///< a sequence, not a single change
  int min_regions = 2;   ///< distinct known onset regions (left and right F4/F3 = 1)
  bool require_both_hemispheres = true;  ///< left and right both host at least one onset
  /// Minimum hemisphere_switch_rate. 0.2 keeps two hemispheres taking turns even when one
  /// dominates 85:15 (independent choice gives 2 * 0.85 * 0.15 = 0.26) and rejects long
  /// one-sided runs broken by a single change (10 left then 10 right: 1/19 = 0.05).
  double min_switch_rate = 0.2;
};

/// The sequence so far. Counts are over seizures in onset order and their consecutive pairs.
struct MigrationSummary {
  int n_seizures = 0;
  /// Seizures by onset hemisphere / region, indexed by the enum value (unknown last).
  std::array<int, kHemisphereCount> seizures_per_hemisphere{};
  std::array<int, kRegionCount> seizures_per_region{};
  int n_left = 0;
  int n_right = 0;
  int n_transitions = 0;                       ///< n_seizures - 1 (0 when empty)
  std::array<int, kShiftClassCount> shifts{};  ///< transitions per ShiftClass
  /// Consecutive pairs with both onsets left or right, and those whose sides differ.
  int n_sided_pairs = 0;
  int n_hemisphere_switches = 0;
  /// n_hemisphere_switches / n_sided_pairs; NaN without sided pairs.
  double hemisphere_switch_rate = 0.0;
  /// region_transitions[a][b]: consecutive pairs with onset region a then b (enum order).
  std::array<std::array<int, kRegionCount>, kRegionCount> region_transitions{};
  int n_overlapping_pairs = 0;  ///< transitions with overlap
  /// Overlapping pairs whose onsets are at different sites (ipsilateral or contralateral):
  /// a new seizure starting elsewhere while the previous one runs.
  int n_overlapping_pairs_elsewhere = 0;
  int n_distinct_regions = 0;  ///< known onset regions among the seizures
  /// Left and right each host at least one seizure onset (onsets lateralised to each side,
  /// so the two sides start seizures on their own rather than only together).
  bool bilateral_independent_onsets = false;
  /// Median of the known transition distances, degrees; NaN when none is known.
  double median_distance_degrees = 0.0;
  bool migrating = false;
  /// One sentence per criterion, saying whether it holds and with which value.
  std::vector<std::string> verdict_reasons;
  MigrationCriteria criteria;
};

/// Streaming tracker: add seizures as the detector closes them (in any order); the seizure list
/// stays sorted by onset (ties: by offset, then arrival) and transitions and counts are updated
/// incrementally.
class MigrationTracker {
 public:
  explicit MigrationTracker(MigrationCriteria criteria = {});

  /// Inserts `seizure` in onset order and returns its index. Throws std::invalid_argument when
  /// offset < onset. Indices of later seizures grow by one.
  std::size_t add(const Seizure& seizure);

  const std::vector<Seizure>& seizures() const noexcept { return seizures_; }
  /// transitions()[k] joins seizures()[k] and seizures()[k + 1].
  const std::vector<Transition>& transitions() const noexcept { return transitions_; }
  /// Rates, distance median and verdict computed from the running counts.
  MigrationSummary summary() const;
  const MigrationCriteria& criteria() const noexcept { return criteria_; }

 private:
  Transition make_transition(std::size_t from) const;
  void count(const Transition& transition, int sign);

  MigrationCriteria criteria_;
  std::vector<Seizure> seizures_;
  std::vector<Transition> transitions_;
  MigrationSummary counts_;  // the additive fields only
};

/// Everything the tracker makes of one seizure list.
struct MigrationResult {
  std::vector<Seizure> seizures;  ///< in onset order
  std::vector<Transition> transitions;
  MigrationSummary summary;
};

/// Whole-list convenience over MigrationTracker.
MigrationResult track_migration(const std::vector<Seizure>& seizures,
                                const MigrationCriteria& criteria = {});

/// Mean position of the named channels (canonical names or raw labels, parsed with
/// parse_label; a bipolar channel counts at its midpoint) projected back onto the unit sphere;
/// nullopt when none has a position or the mean is at the centre.
std::optional<Point3> mean_scalp_position(const std::vector<std::string>& channel_names);

}  // namespace ictaltrack
