// Bindings of the scoring stage: SzCORE event scoring. The public wrapper is
// ictaltrack.scoring.event_scoring (python/ictaltrack/scoring.py).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "ictaltrack/scoring/event_scoring.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
namespace {

using EventArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::vector<ScoredEvent> to_events(const EventArray& array, const char* name) {
  if (array.ndim() != 2 || array.shape(1) != 2) {
    throw py::value_error(std::string(name) + " must have shape (n_events, 2): (start_s, end_s)");
  }
  std::vector<ScoredEvent> events(static_cast<std::size_t>(array.shape(0)));
  const auto view = array.unchecked<2>();
  for (py::ssize_t i = 0; i < array.shape(0); ++i) {
    events[static_cast<std::size_t>(i)] = {view(i, 0), view(i, 1)};
  }
  return events;
}

py::array_t<double> to_array(const std::vector<ScoredEvent>& events) {
  py::array_t<double> out({static_cast<py::ssize_t>(events.size()), py::ssize_t{2}});
  auto view = out.mutable_unchecked<2>();
  for (std::size_t i = 0; i < events.size(); ++i) {
    view(static_cast<py::ssize_t>(i), 0) = events[i].start_s;
    view(static_cast<py::ssize_t>(i), 1) = events[i].end_s;
  }
  return out;
}

py::dict score(const EventArray& reference, const EventArray& hypothesis, double duration_s,
               double tolerance_start_s, double tolerance_end_s, double min_overlap,
               double max_event_duration_s, double min_duration_between_events_s,
               double resolution_hz) {
  const std::vector<ScoredEvent> ref = to_events(reference, "reference");
  const std::vector<ScoredEvent> hyp = to_events(hypothesis, "hypothesis");
  EventScoringOptions parameters;
  parameters.tolerance_start_s = tolerance_start_s;
  parameters.tolerance_end_s = tolerance_end_s;
  parameters.min_overlap = min_overlap;
  parameters.max_event_duration_s = max_event_duration_s;
  parameters.min_duration_between_events_s = min_duration_between_events_s;
  parameters.resolution_hz = resolution_hz;
  EventScores scores;
  {
    py::gil_scoped_release release;
    scores = score_events(ref, hyp, duration_s, parameters);
  }
  py::dict out;
  out["reference_events"] = scores.reference_events;
  out["hypothesis_events"] = scores.hypothesis_events;
  out["tp"] = scores.true_positives;
  out["fp"] = scores.false_positives;
  out["num_samples"] = scores.num_samples;
  out["duration_s"] = scores.duration_s;
  out["sensitivity"] = scores.sensitivity;
  out["precision"] = scores.precision;
  out["f1"] = scores.f1;
  out["fp_per_24h"] = scores.fp_per_24h;
  out["reference"] = to_array(scores.reference);
  out["hypothesis"] = to_array(scores.hypothesis);
  out["reference_windows"] = to_array(scores.reference_windows);
  py::array_t<bool> detected(static_cast<py::ssize_t>(scores.reference_detected.size()));
  auto detected_view = detected.mutable_unchecked<1>();
  for (std::size_t i = 0; i < scores.reference_detected.size(); ++i) {
    detected_view(static_cast<py::ssize_t>(i)) = scores.reference_detected[i];
  }
  out["reference_detected"] = detected;
  return out;
}

}  // namespace

void register_scoring(py::module_& m) {
  const EventScoringOptions defaults;
  m.def("score_events", &score, py::arg("reference"), py::arg("hypothesis"), py::arg("duration_s"),
        py::kw_only(), py::arg("tolerance_start_s") = defaults.tolerance_start_s,
        py::arg("tolerance_end_s") = defaults.tolerance_end_s,
        py::arg("min_overlap") = defaults.min_overlap,
        py::arg("max_event_duration_s") = defaults.max_event_duration_s,
        py::arg("min_duration_between_events_s") = defaults.min_duration_between_events_s,
        py::arg("resolution_hz") = defaults.resolution_hz,
        "SzCORE event scoring (timescoring EventScoring rules); events as (n, 2) seconds.");
}
}  // namespace ictaltrack::python
