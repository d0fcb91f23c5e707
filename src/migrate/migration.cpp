// Migration tracker (docs/migration.md). Counts are kept additive so that inserting a seizure
// in the middle of the sequence only removes one transition and adds two.
#include "ictaltrack/migrate/migration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace ictaltrack {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_side(Hemisphere h) noexcept { return h == Hemisphere::left || h == Hemisphere::right; }

std::size_t index_of(Hemisphere h) noexcept { return static_cast<std::size_t>(h); }
std::size_t index_of(Region r) noexcept { return static_cast<std::size_t>(r); }
std::size_t index_of(ShiftClass s) noexcept { return static_cast<std::size_t>(s); }

bool onset_before(const Seizure& a, const Seizure& b) noexcept {
  if (a.onset != b.onset) return a.onset < b.onset;
  return a.offset < b.offset;
}

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

double median(std::vector<double> values) {
  if (values.empty()) return kNaN;
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                   values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return 0.5 * (lower + upper);
}

}  // namespace

std::string_view to_string(ShiftClass shift) noexcept {
  switch (shift) {
    case ShiftClass::same_region:
      return "same-region";
    case ShiftClass::ipsilateral:
      return "ipsilateral";
    case ShiftClass::contralateral:
      return "contralateral";
    case ShiftClass::unknown:
      break;
  }
  return "unknown";
}

ShiftClass classify_shift(Hemisphere from_hemisphere, Region from_region, Hemisphere to_hemisphere,
                          Region to_region) noexcept {
  if (is_side(from_hemisphere) && is_side(to_hemisphere) && from_hemisphere != to_hemisphere) {
    return ShiftClass::contralateral;
  }
  const bool comparable_side = from_hemisphere == to_hemisphere &&
                               (is_side(from_hemisphere) || from_hemisphere == Hemisphere::midline);
  if (!comparable_side || from_region == Region::unknown || to_region == Region::unknown) {
    return ShiftClass::unknown;
  }
  return from_region == to_region ? ShiftClass::same_region : ShiftClass::ipsilateral;
}

MigrationTracker::MigrationTracker(MigrationCriteria criteria) : criteria_(criteria) {}

Transition MigrationTracker::make_transition(std::size_t from) const {
  const Seizure& a = seizures_[from];
  const Seizure& b = seizures_[from + 1];
  Transition t;
  t.from = from;
  t.to = from + 1;
  t.shift = classify_shift(a.hemisphere, a.region, b.hemisphere, b.region);
  t.interval = b.onset - a.onset;
  t.overlap = b.onset < a.offset;
  t.distance_degrees = a.has_focus_position && b.has_focus_position
                           ? angle_degrees(a.focus_position, b.focus_position)
                           : kNaN;
  return t;
}

void MigrationTracker::count(const Transition& t, int sign) {
  const Seizure& a = seizures_[t.from];
  const Seizure& b = seizures_[t.to];
  counts_.n_transitions += sign;
  counts_.shifts[index_of(t.shift)] += sign;
  if (is_side(a.hemisphere) && is_side(b.hemisphere)) {
    counts_.n_sided_pairs += sign;
    if (a.hemisphere != b.hemisphere) counts_.n_hemisphere_switches += sign;
  }
  counts_.region_transitions[index_of(a.region)][index_of(b.region)] += sign;
  if (t.overlap) {
    counts_.n_overlapping_pairs += sign;
    if (t.shift == ShiftClass::ipsilateral || t.shift == ShiftClass::contralateral) {
      counts_.n_overlapping_pairs_elsewhere += sign;
    }
  }
}

std::size_t MigrationTracker::add(const Seizure& seizure) {
  if (seizure.offset < seizure.onset) {
    throw std::invalid_argument("MigrationTracker::add: seizure offset before onset");
  }
  // upper_bound: a seizure equal to earlier ones in (onset, offset) goes after them (arrival).
  const auto position = std::upper_bound(seizures_.begin(), seizures_.end(), seizure, onset_before);
  const auto index = static_cast<std::size_t>(position - seizures_.begin());

  // The pair (index-1, index) that the new seizure splits, if any, stops being consecutive.
  if (index > 0 && index < seizures_.size()) {
    count(transitions_[index - 1], -1);
    transitions_.erase(transitions_.begin() + static_cast<std::ptrdiff_t>(index - 1));
  }
  seizures_.insert(position, seizure);
  for (Transition& t : transitions_) {
    if (t.from >= index) {
      ++t.from;
      ++t.to;
    }
  }
  // Transitions before `index` keep their indices; the ones after were shifted above.
  std::vector<Transition> added;
  if (index > 0) added.push_back(make_transition(index - 1));
  if (index + 1 < seizures_.size()) added.push_back(make_transition(index));
  auto insert_at = transitions_.begin() + static_cast<std::ptrdiff_t>(index > 0 ? index - 1 : 0);
  transitions_.insert(insert_at, added.begin(), added.end());
  for (const Transition& t : added) count(t, +1);

  counts_.n_seizures += 1;
  counts_.seizures_per_hemisphere[index_of(seizure.hemisphere)] += 1;
  counts_.seizures_per_region[index_of(seizure.region)] += 1;
  if (seizure.hemisphere == Hemisphere::left) ++counts_.n_left;
  if (seizure.hemisphere == Hemisphere::right) ++counts_.n_right;
  return index;
}

MigrationSummary MigrationTracker::summary() const {
  MigrationSummary s = counts_;
  s.criteria = criteria_;
  s.hemisphere_switch_rate =
      s.n_sided_pairs > 0 ? static_cast<double>(s.n_hemisphere_switches) / s.n_sided_pairs : kNaN;
  s.n_distinct_regions = 0;
  for (std::size_t r = 0; r + 1 < kRegionCount; ++r) {
    s.n_distinct_regions += s.seizures_per_region[r] > 0;
  }
  s.bilateral_independent_onsets = s.n_left > 0 && s.n_right > 0;

  std::vector<double> distances;
  for (const Transition& t : transitions_) {
    if (!std::isnan(t.distance_degrees)) distances.push_back(t.distance_degrees);
  }
  s.median_distance_degrees = median(std::move(distances));

  const MigrationCriteria& c = criteria_;
  const bool enough_seizures = s.n_seizures >= c.min_seizures;
  const bool enough_regions = s.n_distinct_regions >= c.min_regions;
  const bool hemispheres_ok = !c.require_both_hemispheres || s.bilateral_independent_onsets;
  // NaN (no sided pair) fails the comparison: no evidence of switching.
  const bool switching = s.hemisphere_switch_rate >= c.min_switch_rate;
  s.migrating = enough_seizures && enough_regions && hemispheres_ok && switching;

  auto verdict = [](bool holds) { return holds ? std::string("yes: ") : std::string("no: "); };
  s.verdict_reasons = {
      verdict(enough_seizures) + std::to_string(s.n_seizures) +
          " seizures (need >= " + std::to_string(c.min_seizures) + ")",
      verdict(enough_regions) + std::to_string(s.n_distinct_regions) +
          " distinct known onset regions (need >= " + std::to_string(c.min_regions) + ")",
      verdict(hemispheres_ok) + std::to_string(s.n_left) + " left and " +
          std::to_string(s.n_right) + " right onsets" +
          (c.require_both_hemispheres ? " (need both sides)" : " (both sides not required)"),
      verdict(switching) + "hemisphere switch rate " +
          (s.n_sided_pairs > 0 ? format_number(s.hemisphere_switch_rate) + " over " +
                                     std::to_string(s.n_sided_pairs) + " sided pairs"
                               : std::string("undefined (no pair with both sides known)")) +
          " (need >= " + format_number(c.min_switch_rate) + ")",
  };
  return s;
}

MigrationResult track_migration(const std::vector<Seizure>& seizures,
                                const MigrationCriteria& criteria) {
  MigrationTracker tracker(criteria);
  for (const Seizure& seizure : seizures) tracker.add(seizure);
  return {tracker.seizures(), tracker.transitions(), tracker.summary()};
}

std::optional<Point3> mean_scalp_position(const std::vector<std::string>& channel_names) {
  Point3 sum;
  int n = 0;
  for (const std::string& name : channel_names) {
    const LabelInfo info = parse_label(name);
    if (!info.has_position) continue;
    sum.x += info.position.x;
    sum.y += info.position.y;
    sum.z += info.position.z;
    ++n;
  }
  const double norm = std::sqrt(sum.x * sum.x + sum.y * sum.y + sum.z * sum.z);
  if (n == 0 || norm < 1e-9) return std::nullopt;
  return Point3{sum.x / norm, sum.y / norm, sum.z / norm};
}

}  // namespace ictaltrack
