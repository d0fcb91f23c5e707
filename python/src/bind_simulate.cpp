#include <pybind11/stl.h>

#include <stdexcept>
#include <string>
#include <type_traits>

#include "bindings.hpp"
#include "ictaltrack/simulate/simulator.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
namespace {

template <typename T>
void assign_field(T& field, const char* name, const py::handle& value) {
  const std::string where = std::string("simulate option '") + name + "'";
  if constexpr (std::is_same_v<T, bool>) {
    if (!py::isinstance<py::bool_>(value)) throw py::type_error(where + " must be a bool");
    field = value.cast<bool>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!py::isinstance<py::str>(value)) throw py::type_error(where + " must be a str");
    field = value.cast<std::string>();
  } else if constexpr (std::is_integral_v<T>) {
    if (py::isinstance<py::bool_>(value) || !py::isinstance<py::int_>(value)) {
      throw py::type_error(where + " must be an int");
    }
    if constexpr (std::is_unsigned_v<T>) {
      if (value.cast<py::int_>() < py::int_(0)) throw py::value_error(where + " must be >= 0");
    }
    field = value.cast<T>();
  } else if constexpr (std::is_floating_point_v<T>) {
    if (py::isinstance<py::bool_>(value) ||
        !(py::isinstance<py::float_>(value) || py::isinstance<py::int_>(value))) {
      throw py::type_error(where + " must be a number");
    }
    field = value.cast<double>();
  } else {
    if (!py::isinstance<py::str>(value)) throw py::type_error(where + " must be a str");
    const auto text = value.cast<std::string>();
    if constexpr (std::is_same_v<T, SimulatedMontage>) field = parse_simulated_montage(text);
    if constexpr (std::is_same_v<T, LabelStyle>) field = parse_label_style(text);
    if constexpr (std::is_same_v<T, BadChannelKind>) field = parse_bad_channel_kind(text);
    if constexpr (std::is_same_v<T, EdfFileType>) field = parse_edf_file_type(text);
  }
}

template <typename T>
py::object field_to_python(const T& field) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string> ||
                std::is_arithmetic_v<T>) {
    return py::cast(field);
  } else {
    return py::str(to_string(field));
  }
}

SimulationConfig config_from_dict(const py::dict& options) {
  SimulationConfig config;
  for (const auto& [key, value] : options) {
    const auto name = key.cast<std::string>();
    bool found = false;
    for_each_config_field(config, [&](const char* field_name, auto& field) {
      if (name == field_name) {
        assign_field(field, field_name, value);
        found = true;
      }
    });
    if (!found) throw py::value_error("unknown simulate option '" + name + "'");
  }
  return config;
}

}  // namespace

void register_simulate(py::module_& m) {
  m.def(
      "simulation_defaults",
      [] {
        py::dict defaults;
        const SimulationConfig config;
        for_each_config_field(config, [&](const char* name, const auto& field) {
          defaults[py::str(name)] = field_to_python(field);
        });
        return defaults;
      },
      "Default value of every simulator option (dict).");
  m.def(
      "simulate_to_edf",
      [](const std::string& edf_path, const py::dict& options, const std::string& json_path) {
        const SimulationConfig config = config_from_dict(options);
        std::string json;
        {
          py::gil_scoped_release release;
          const SimulationTruth truth = simulate_to_edf(config, edf_path, json_path);
          json = truth_to_json(truth, config);
        }
        return json;
      },
      py::arg("edf_path"), py::arg("options"), py::arg("json_path") = "",
      "Write a simulated recording and its JSON truth sidecar; returns the truth as JSON text.");
}

}  // namespace ictaltrack::python
