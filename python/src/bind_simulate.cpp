#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "bindings.hpp"
#include "ictaltrack/io/edf_writer.hpp"
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
    if constexpr (std::is_same_v<T, FileFormat>) field = parse_writer_format(text);
  }
}

template <typename T>
py::object field_to_python(const T& field) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string> ||
                std::is_arithmetic_v<T>) {
    return py::cast(field);
  } else if constexpr (std::is_same_v<T, FileFormat>) {
    return py::str(writer_format_name(field));
  } else {
    return py::str(to_string(field));
  }
}

SimulationOptions config_from_dict(const py::dict& options) {
  SimulationOptions config;
  for (const auto& [key, value] : options) {
    const auto name = key.cast<std::string>();
    bool found = false;
    for_each_simulation_option(config, [&](const char* field_name, auto& field) {
      if (name == field_name) {
        assign_field(field, field_name, value);
        found = true;
      }
    });
    if (!found) throw py::value_error("unknown simulate option '" + name + "'");
  }
  return config;
}

using Annotations = std::vector<std::tuple<double, double, std::string>>;

// Writes (n_channels, n_times) physical values as EDF+/BDF+ through EdfWriter.
void write_edf(const std::string& path,
               const py::array_t<double, py::array::c_style | py::array::forcecast>& data,
               double sfreq, const std::vector<std::string>& labels, const Annotations& annotations,
               const std::string& file_type, double physical_min, double physical_max,
               const std::string& physical_dimension, double record_duration_s,
               const std::vector<int>& start) {
  if (data.ndim() != 2) throw py::value_error("data must be 2-D (n_channels, n_times)");
  const auto n_channels = static_cast<std::size_t>(data.shape(0));
  const auto n_times = static_cast<std::int64_t>(data.shape(1));
  if (labels.size() != n_channels) {
    throw py::value_error("need one label per channel (" + std::to_string(n_channels) + ")");
  }
  const double per_record = sfreq * record_duration_s;
  const auto samples_per_record = static_cast<std::int64_t>(std::llround(per_record));
  if (!(sfreq > 0) || !(record_duration_s > 0) || samples_per_record < 1 ||
      std::abs(per_record - static_cast<double>(samples_per_record)) > 1e-9) {
    throw py::value_error("sfreq * record_duration_s must be a whole number >= 1");
  }
  if (n_times == 0 || n_times % samples_per_record != 0) {
    throw py::value_error("n_times must be a positive multiple of the " +
                          std::to_string(samples_per_record) + " samples of one data record");
  }
  if (start.size() != 6) throw py::value_error("start must be (year, month, day, h, m, s)");
  std::vector<EdfSignalSpec> signals;
  for (const auto& label : labels) {
    EdfSignalSpec spec;
    spec.label = label;
    spec.physical_dimension = physical_dimension;
    spec.physical_min = physical_min;
    spec.physical_max = physical_max;
    spec.samples_per_record = static_cast<std::int32_t>(samples_per_record);
    signals.push_back(std::move(spec));
  }
  EdfWriterOptions options;
  options.format = parse_writer_format(file_type);
  options.record_duration = seconds_to_ticks(record_duration_s);
  options.start = {start[0], start[1], start[2], start[3], start[4], start[5], 0};
  const std::int64_t records = n_times / samples_per_record;
  options.annotation_signals = static_cast<int>(std::clamp<std::int64_t>(
      (static_cast<std::int64_t>(annotations.size()) + records - 1) / records, 1, 64));
  const double* values = data.data();
  {
    py::gil_scoped_release release;
    EdfWriter writer(path, std::move(signals), options);
    for (const auto& [onset, duration, text] : annotations) {
      writer.add_annotation(seconds_to_ticks(onset), duration < 0 ? -1 : seconds_to_ticks(duration),
                            text);
    }
    std::vector<double> record(n_channels * static_cast<std::size_t>(samples_per_record));
    for (std::int64_t r = 0; r < records; ++r) {
      for (std::size_t c = 0; c < n_channels; ++c) {
        const double* source =
            values + static_cast<std::int64_t>(c) * n_times + r * samples_per_record;
        std::copy_n(source, samples_per_record,
                    record.begin() + static_cast<std::ptrdiff_t>(c) * samples_per_record);
      }
      writer.write_record(record);
    }
    writer.close();
  }
}

}  // namespace

void register_simulate(py::module_& m) {
  // The generic EDF+ writer is bound here (not in bind_io.cpp) only to keep the stages' files
  // apart while they are written in parallel.
  m.def("write_edf", &write_edf, py::arg("path"), py::arg("data"), py::arg("sfreq"),
        py::arg("labels"), py::arg("annotations"), py::arg("file_type"), py::arg("physical_min"),
        py::arg("physical_max"), py::arg("physical_dimension"), py::arg("record_duration_s"),
        py::arg("start"), "Write (n_channels, n_times) physical values as EDF+/BDF+ (atomically).");
  m.def(
      "simulation_defaults",
      [] {
        py::dict defaults;
        const SimulationOptions config;
        for_each_simulation_option(config, [&](const char* name, const auto& field) {
          defaults[py::str(name)] = field_to_python(field);
        });
        return defaults;
      },
      "Default value of every simulator option (dict).");
  m.def(
      "simulate_to_edf",
      [](const std::string& edf_path, const py::dict& options, const std::string& json_path) {
        const SimulationOptions config = config_from_dict(options);
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
  m.def(
      "simulate_samples",
      [](const py::dict& options) {
        const SimulationOptions config = config_from_dict(options);
        SimulationGenerator generator(config);
        const auto n_channels = static_cast<py::ssize_t>(generator.channel_labels().size());
        const auto n_times = static_cast<py::ssize_t>(generator.total_samples());
        py::array_t<double> data({n_channels, n_times});
        double* out = data.mutable_data();
        {
          py::gil_scoped_release release;
          generator.generate(out, n_times, n_times);
        }
        return py::make_tuple(data, truth_to_json(generator.truth(), config));
      },
      py::arg("options"),
      "Simulate into memory: ((n_channels, n_times) float64 microvolts, truth JSON text).");
}

}  // namespace ictaltrack::python
