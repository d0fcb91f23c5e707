// Electrode knowledge and montages for Python. Label tables come back as dicts of columns (the
// pure-Python layer turns them into pandas DataFrames); montages are applied to
// (n_channels, n_times) float32/float64 arrays without copying the input when it is C-contiguous.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "ictaltrack/conditioning/montage.hpp"
#include "ictaltrack/electrodes/electrodes.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

py::dict channel_dict(const LabelInfo& c) {
  py::dict d;
  d["label"] = c.label;
  d["name"] = c.name;
  d["kind"] = std::string(to_string(c.kind));
  d["hemisphere"] = std::string(to_string(c.hemisphere));
  d["region"] = region_name(c.region);
  d["x"] = c.has_position ? c.position.x : kNaN;
  d["y"] = c.has_position ? c.position.y : kNaN;
  d["z"] = c.has_position ? c.position.z : kNaN;
  d["x2d"] = c.has_position ? c.position_2d.x : kNaN;
  d["y2d"] = c.has_position ? c.position_2d.y : kNaN;
  d["is_bipolar"] = c.is_bipolar;
  d["anode"] = c.anode;
  d["cathode"] = c.cathode;
  d["reference"] = c.reference;
  return d;
}

py::dict site_dict(const ElectrodeSite& s) {
  py::dict d;
  d["name"] = s.name;
  d["hemisphere"] = std::string(to_string(s.hemisphere));
  d["region"] = std::string(to_string(s.region));
  d["x"] = s.has_position ? s.position.x : kNaN;
  d["y"] = s.has_position ? s.position.y : kNaN;
  d["z"] = s.has_position ? s.position.z : kNaN;
  d["x2d"] = s.has_position ? s.position_2d.x : kNaN;
  d["y2d"] = s.has_position ? s.position_2d.y : kNaN;
  return d;
}

std::vector<bool> bad_mask(const std::vector<LabelInfo>& channels,
                           const std::optional<std::vector<bool>>& bad) {
  if (!bad) return {};
  if (bad->size() != channels.size()) {
    throw std::invalid_argument("bad: expected " + std::to_string(channels.size()) +
                                " flags, got " + std::to_string(bad->size()));
  }
  return *bad;
}

std::vector<Derivation> derivations_from(const py::object& montage) {
  if (py::isinstance<py::str>(montage)) return named_montage(montage.cast<std::string>());
  std::vector<Derivation> derivations;
  for (const py::handle item : montage) {
    if (py::isinstance<py::str>(item)) {
      const auto text = item.cast<std::string>();
      const auto dash = text.find('-');
      if (dash == std::string::npos) {
        throw std::invalid_argument("montage: derivation '" + text + "' is not 'anode-cathode'");
      }
      derivations.push_back({text.substr(0, dash), text.substr(dash + 1)});
    } else {
      const auto pair = item.cast<std::pair<std::string, std::string>>();
      derivations.push_back({pair.first, pair.second});
    }
  }
  return derivations;
}

MissingDerivations missing_policy(const std::string& on_missing) {
  if (on_missing == "raise") return MissingDerivations::raise;
  if (on_missing == "skip") return MissingDerivations::skip;
  throw std::invalid_argument("on_missing must be 'raise' or 'skip', not '" + on_missing + "'");
}

py::array_t<double> weight_matrix(const Montage& montage) {
  py::array_t<double> weights({montage.output_channels(), montage.input_channels()});
  std::copy(montage.weights().begin(), montage.weights().end(), weights.mutable_data());
  return weights;
}

template <typename T>
py::array_t<T> apply_typed(const Montage& montage, const py::array& data) {
  const auto input = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(data);
  if (!input || input.ndim() != 2) {
    throw std::invalid_argument("data must be a 2-D array (n_channels, n_times)");
  }
  if (static_cast<std::size_t>(input.shape(0)) != montage.input_channels()) {
    throw std::invalid_argument("data has " + std::to_string(input.shape(0)) + " rows but " +
                                std::to_string(montage.input_channels()) + " labels");
  }
  const auto n_times = static_cast<std::size_t>(input.shape(1));
  py::array_t<T> output({montage.output_channels(), n_times});
  const T* in = input.data();
  T* out = output.mutable_data();
  {
    py::gil_scoped_release release;
    montage.apply(in, n_times, out, n_times, n_times);
  }
  return output;
}

py::array apply_montage(const Montage& montage, const py::array& data) {
  if (data.dtype().is(py::dtype::of<float>())) return apply_typed<float>(montage, data);
  return apply_typed<double>(montage, data);
}

}  // namespace

void register_electrodes(py::module_& m) {
  m.def(
      "parse_label", [](const std::string& label) { return channel_dict(parse_label(label)); },
      py::arg("label"));
  m.def(
      "parse_labels",
      [](const std::vector<std::string>& labels) {
        py::list rows;
        for (const auto& channel : parse_labels(labels)) rows.append(channel_dict(channel));
        return rows;
      },
      py::arg("labels"));
  m.def(
      "find_electrode",
      [](const std::string& name) -> py::object {
        const auto site = find_electrode(name);
        if (!site) return py::none();
        return site_dict(*site);
      },
      py::arg("name"));
  m.def("electrode_sites", [] {
    py::list rows;
    for (const auto& site : electrode_sites()) rows.append(site_dict(site));
    return rows;
  });
  m.def(
      "default_neighbour_angle",
      [](const std::vector<std::string>& labels) {
        return default_neighbour_angle(parse_labels(labels));
      },
      py::arg("labels"));
  m.def(
      "channel_neighbours",
      [](const std::vector<std::string>& labels, double max_angle) {
        const auto channels = parse_labels(labels);
        const auto lists = channel_neighbours(channels, max_angle);
        py::array_t<bool> matrix({lists.size(), lists.size()});
        bool* cells = matrix.mutable_data();
        std::fill(cells, cells + lists.size() * lists.size(), false);
        for (std::size_t i = 0; i < lists.size(); ++i) {
          for (std::size_t j : lists[i]) cells[i * lists.size() + j] = true;
        }
        return matrix;
      },
      py::arg("labels"), py::arg("max_angle") = 0.0);
  m.def(
      "active_clusters",
      [](const std::vector<std::string>& labels, const std::vector<bool>& active,
         double max_angle) {
        const auto channels = parse_labels(labels);
        return active_clusters(channel_neighbours(channels, max_angle), active);
      },
      py::arg("labels"), py::arg("active"), py::arg("max_angle") = 0.0);
  m.def("montage_names", &montage_names);
  m.def(
      "montage_pairs",
      [](const std::string& name) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& d : named_montage(name)) out.emplace_back(d.anode, d.cathode);
        return out;
      },
      py::arg("name"));
  m.def(
      "average_reference_matrix",
      [](const std::vector<std::string>& labels, const std::optional<std::vector<bool>>& bad) {
        const auto channels = parse_labels(labels);
        const Montage montage = average_reference(channels, bad_mask(channels, bad));
        return py::make_tuple(weight_matrix(montage), montage.output_labels());
      },
      py::arg("labels"), py::arg("bad") = py::none());
  m.def(
      "bipolar_matrix",
      [](const std::vector<std::string>& labels, const py::object& montage,
         const std::string& on_missing) {
        std::vector<Derivation> skipped;
        const Montage result = bipolar_montage(parse_labels(labels), derivations_from(montage),
                                               missing_policy(on_missing), &skipped);
        std::vector<std::string> skipped_names;
        for (const auto& d : skipped) skipped_names.push_back(d.anode + "-" + d.cathode);
        return py::make_tuple(weight_matrix(result), result.output_labels(), skipped_names);
      },
      py::arg("labels"), py::arg("montage"), py::arg("on_missing") = "raise");
  m.def(
      "average_reference",
      [](const py::array& data, const std::vector<std::string>& labels,
         const std::optional<std::vector<bool>>& bad) {
        const auto channels = parse_labels(labels);
        const Montage montage = average_reference(channels, bad_mask(channels, bad));
        return py::make_tuple(apply_montage(montage, data), montage.output_labels());
      },
      py::arg("data"), py::arg("labels"), py::arg("bad") = py::none());
  m.def(
      "bipolar",
      [](const py::array& data, const std::vector<std::string>& labels, const py::object& montage,
         const std::string& on_missing) {
        std::vector<Derivation> skipped;
        const Montage result = bipolar_montage(parse_labels(labels), derivations_from(montage),
                                               missing_policy(on_missing), &skipped);
        std::vector<std::string> skipped_names;
        for (const auto& d : skipped) skipped_names.push_back(d.anode + "-" + d.cathode);
        return py::make_tuple(apply_montage(result, data), result.output_labels(), skipped_names);
      },
      py::arg("data"), py::arg("labels"), py::arg("montage"), py::arg("on_missing") = "raise");
}

}  // namespace ictaltrack::python
