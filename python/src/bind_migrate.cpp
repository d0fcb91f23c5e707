// Bindings of the migration tracker. Seizures come in as dicts in the detect JSON shape
// ({"onset_s", "offset_s", "hemisphere", "region", "onset_channels", optional
// "focus_position": [x, y, z]}); transitions and the summary go out as plain dicts, which
// ictaltrack.detection turns into DataFrames and the detect JSON.
#include <pybind11/stl.h>

#include <cctype>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "ictaltrack/migrate/migration.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
namespace {

std::string normalised(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The one reading of hemisphere and region names given as text (detect JSON, the simulator's
// truth, users' tables), used by the tracker, ictaltrack.detection and ictaltrack.scoring alike.
// Case, spaces, '-' and '_' are ignored; anything not recognised is unknown.
Hemisphere hemisphere_from(const py::handle& value) {
  if (value.is_none()) return Hemisphere::unknown;
  const std::string text = normalised(py::str(value));
  for (Hemisphere h :
       {Hemisphere::left, Hemisphere::right, Hemisphere::midline, Hemisphere::bilateral}) {
    if (text == to_string(h)) return h;
  }
  if (text == "l" || text == "lh") return Hemisphere::left;
  if (text == "r" || text == "rh") return Hemisphere::right;
  if (text == "z" || text == "mid" || text == "centre" || text == "center") {
    return Hemisphere::midline;
  }
  if (text == "bilat" || text == "both") return Hemisphere::bilateral;
  return Hemisphere::unknown;
}

// "frontal polar" (older truth files) and "prefrontal" are frontopolar; the centroparietal row
// belongs to parietal and the ear electrodes to auricular (as in ictaltrack::Region).
Region region_from(const py::handle& value) {
  if (value.is_none()) return Region::unknown;
  const std::string text = normalised(py::str(value));
  if (text == "frontalpolar" || text == "prefrontal") return Region::frontopolar;
  if (text == "centroparietal") return Region::parietal;
  if (text == "ear" || text == "ears" || text == "mastoid") return Region::auricular;
  for (std::size_t r = 0; r + 1 < kRegionCount; ++r) {
    const auto region = static_cast<Region>(r);
    if (text == to_string(region)) return region;
  }
  return Region::unknown;
}

double number(const py::dict& d, const char* key, std::size_t index) {
  if (!d.contains(key) || d[key].is_none()) {
    throw py::value_error("seizure " + std::to_string(index) + ": missing '" + key + "'");
  }
  const double value = py::float_(d[key]);
  if (!std::isfinite(value)) {
    throw py::value_error("seizure " + std::to_string(index) + ": '" + key + "' is not finite");
  }
  return value;
}

py::object field(const py::dict& d, const char* key) {
  return d.contains(key) ? py::object(d[key]) : py::object(py::none());
}

Seizure seizure_from(const py::handle& item, std::size_t index) {
  if (!py::isinstance<py::dict>(item)) {
    throw py::type_error("seizure " + std::to_string(index) + " is not a dict");
  }
  const auto d = py::reinterpret_borrow<py::dict>(item);
  Seizure s;
  s.onset = seconds_to_ticks(number(d, "onset_s", index));
  s.offset = seconds_to_ticks(number(d, "offset_s", index));
  if (s.offset < s.onset) {
    throw py::value_error("seizure " + std::to_string(index) + ": offset_s before onset_s");
  }
  s.hemisphere = hemisphere_from(field(d, "hemisphere"));
  s.region = region_from(field(d, "region"));
  if (d.contains("onset_channels") && !d["onset_channels"].is_none()) {
    s.onset_channels = d["onset_channels"].cast<std::vector<std::string>>();
  }
  if (d.contains("focus_position") && !d["focus_position"].is_none()) {
    const auto xyz = d["focus_position"].cast<std::vector<double>>();
    if (xyz.size() != 3) {
      throw py::value_error("seizure " + std::to_string(index) + ": focus_position needs 3 values");
    }
    s.focus_position = {xyz[0], xyz[1], xyz[2]};
    s.has_focus_position = true;
  } else if (const auto focus = mean_scalp_position(s.onset_channels)) {
    s.focus_position = *focus;
    s.has_focus_position = true;
  }
  return s;
}

MigrationCriteria criteria_from(const std::optional<py::dict>& options) {
  MigrationCriteria c;
  if (!options) return c;
  for (const auto& [key, value] : *options) {
    const std::string name = py::str(key);
    if (name == "min_seizures") {
      c.min_seizures = value.cast<int>();
    } else if (name == "min_regions") {
      c.min_regions = value.cast<int>();
    } else if (name == "require_both_hemispheres") {
      c.require_both_hemispheres = value.cast<bool>();
    } else if (name == "min_switch_rate") {
      c.min_switch_rate = value.cast<double>();
    } else {
      throw py::value_error("unknown migration criterion '" + name +
                            "' (min_seizures, min_regions, require_both_hemispheres, "
                            "min_switch_rate)");
    }
  }
  return c;
}

py::dict criteria_dict(const MigrationCriteria& c) {
  py::dict d;
  d["min_seizures"] = c.min_seizures;
  d["min_regions"] = c.min_regions;
  d["require_both_hemispheres"] = c.require_both_hemispheres;
  d["min_switch_rate"] = c.min_switch_rate;
  return d;
}

py::dict transition_dict(const Transition& t) {
  py::dict d;
  d["from"] = t.from;
  d["to"] = t.to;
  d["shift"] = std::string(to_string(t.shift));
  d["interval_s"] = ticks_to_seconds(t.interval);
  d["overlap"] = t.overlap;
  d["distance_deg"] = t.distance_degrees;
  return d;
}

py::list transition_list(const std::vector<Transition>& transitions) {
  py::list out;
  for (const Transition& t : transitions) out.append(transition_dict(t));
  return out;
}

py::dict summary_dict(const MigrationSummary& s) {
  py::dict d;
  d["n_seizures"] = s.n_seizures;
  d["n_left"] = s.n_left;
  d["n_right"] = s.n_right;
  py::dict per_hemisphere;
  for (std::size_t h = 0; h < kHemisphereCount; ++h) {
    per_hemisphere[py::str(std::string(to_string(static_cast<Hemisphere>(h))))] =
        s.seizures_per_hemisphere[h];
  }
  d["seizures_per_hemisphere"] = per_hemisphere;
  py::dict per_region;
  py::list region_names;
  for (std::size_t r = 0; r < kRegionCount; ++r) {
    const std::string name(to_string(static_cast<Region>(r)));
    per_region[py::str(name)] = s.seizures_per_region[r];
    region_names.append(name);
  }
  d["seizures_per_region"] = per_region;
  d["n_transitions"] = s.n_transitions;
  py::dict shifts;
  for (std::size_t k = 0; k < kShiftClassCount; ++k) {
    shifts[py::str(std::string(to_string(static_cast<ShiftClass>(k))))] = s.shifts[k];
  }
  d["shift_counts"] = shifts;
  d["n_sided_pairs"] = s.n_sided_pairs;
  d["n_hemisphere_switches"] = s.n_hemisphere_switches;
  d["hemisphere_switch_rate"] = s.hemisphere_switch_rate;
  py::list rows;
  for (const auto& row : s.region_transitions) {
    rows.append(py::cast(std::vector<int>(row.begin(), row.end())));
  }
  py::dict matrix;
  matrix["regions"] = region_names;
  matrix["counts"] = rows;
  d["region_transitions"] = matrix;
  d["n_overlapping_pairs"] = s.n_overlapping_pairs;
  d["n_overlapping_pairs_elsewhere"] = s.n_overlapping_pairs_elsewhere;
  d["n_distinct_regions"] = s.n_distinct_regions;
  d["bilateral_independent_onsets"] = s.bilateral_independent_onsets;
  d["median_distance_deg"] = s.median_distance_degrees;
  d["migrating"] = s.migrating;
  d["verdict_reasons"] = s.verdict_reasons;
  d["criteria"] = criteria_dict(s.criteria);
  return d;
}

// Python-side tracker that also remembers which input each stored seizure came from.
class PyMigrationTracker {
 public:
  explicit PyMigrationTracker(const std::optional<py::dict>& criteria)
      : tracker_(criteria_from(criteria)) {}

  std::size_t add(const py::handle& seizure) {
    const Seizure s = seizure_from(seizure, arrivals_);
    const std::size_t index = tracker_.add(s);
    order_.insert(order_.begin() + static_cast<std::ptrdiff_t>(index), arrivals_++);
    return index;
  }

  py::dict result() const {
    py::dict d;
    d["order"] = order_;
    d["transitions"] = transition_list(tracker_.transitions());
    d["summary"] = summary_dict(tracker_.summary());
    return d;
  }

  const MigrationTracker& tracker() const { return tracker_; }
  const std::vector<std::size_t>& order() const { return order_; }

 private:
  MigrationTracker tracker_;
  std::vector<std::size_t> order_;
  std::size_t arrivals_ = 0;
};

}  // namespace

void register_migrate(py::module_& m) {
  py::class_<PyMigrationTracker>(m, "MigrationTracker")
      .def(py::init<const std::optional<py::dict>&>(), py::arg("criteria") = py::none())
      .def("add", &PyMigrationTracker::add, py::arg("seizure"),
           "Insert a seizure dict in onset order; returns its index in that order.")
      .def("__len__", [](const PyMigrationTracker& t) { return t.tracker().seizures().size(); })
      .def_property_readonly("order", &PyMigrationTracker::order,
                             "Arrival number of each stored seizure, in onset order.")
      .def("transitions",
           [](const PyMigrationTracker& t) { return transition_list(t.tracker().transitions()); })
      .def("summary",
           [](const PyMigrationTracker& t) { return summary_dict(t.tracker().summary()); })
      .def("result", &PyMigrationTracker::result);

  m.def(
      "track_migration",
      [](const py::list& seizures, const std::optional<py::dict>& criteria) {
        PyMigrationTracker tracker(criteria);
        for (const auto& item : seizures) tracker.add(item);
        return tracker.result();
      },
      py::arg("seizures"), py::arg("criteria") = py::none(),
      "Track a list of seizure dicts: {'order', 'transitions', 'summary'}.");
  m.def("migration_criteria_defaults", [] { return criteria_dict(MigrationCriteria{}); });
  m.def(
      "hemisphere_name",
      [](const py::handle& value) { return std::string(to_string(hemisphere_from(value))); },
      py::arg("value"),
      "The hemisphere named by `value` (case, spaces, '-' and '_' ignored; aliases such as "
      "'L', 'rh', 'both'): left, right, midline, bilateral or unknown.");
  m.def(
      "region_name",
      [](const py::handle& value) { return std::string(to_string(region_from(value))); },
      py::arg("value"),
      "The region named by `value` (case, spaces, '-' and '_' ignored; 'frontal polar' and "
      "'prefrontal' are frontopolar): one of the tracker's regions or unknown.");
  m.def(
      "classify_shift",
      [](const py::handle& from_hemisphere, const py::handle& from_region,
         const py::handle& to_hemisphere, const py::handle& to_region) {
        return std::string(
            to_string(classify_shift(hemisphere_from(from_hemisphere), region_from(from_region),
                                     hemisphere_from(to_hemisphere), region_from(to_region))));
      },
      py::arg("from_hemisphere"), py::arg("from_region"), py::arg("to_hemisphere"),
      py::arg("to_region"),
      "The tracker's shift class between two onsets: same-region, ipsilateral, contralateral "
      "or unknown.");
  m.def(
      "mean_scalp_position",
      [](const std::vector<std::string>& names) -> std::optional<std::vector<double>> {
        const auto p = mean_scalp_position(names);
        if (!p) return std::nullopt;
        return std::vector<double>{p->x, p->y, p->z};
      },
      py::arg("channel_names"));
}

}  // namespace ictaltrack::python
