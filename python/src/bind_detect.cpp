// Python binding of the seizure detector: _core.detect_file, _core.detector_defaults.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <string>
#include <type_traits>

#include "bindings.hpp"
#include "ictaltrack/detect/detector.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
namespace {

DetectorOptions params_from_dict(const py::dict& options) {
  DetectorOptions params;
  for (const auto& [key, value] : options) {
    const auto name = py::str(key).cast<std::string>();
    bool found = false;
    for_each_detector_option(params, [&](const char* field_name, auto& field) {
      if (name != field_name) return;
      found = true;
      using T = std::remove_reference_t<decltype(field)>;
      const std::string where = std::string("detector parameter '") + field_name + "'";
      if (py::isinstance<py::bool_>(value)) throw py::type_error(where + " must be a number");
      if constexpr (std::is_integral_v<T>) {
        if (!py::isinstance<py::int_>(value)) throw py::type_error(where + " must be an int");
        field = value.cast<T>();
      } else {
        if (!py::isinstance<py::int_>(value) && !py::isinstance<py::float_>(value)) {
          throw py::type_error(where + " must be a number");
        }
        field = value.cast<double>();
      }
    });
    if (!found) throw py::value_error("unknown detector parameter '" + name + "'");
  }
  return params;
}

py::dict params_to_dict(const DetectorOptions& params) {
  py::dict out;
  for_each_detector_option(params, [&](const char* name, const auto& field) {
    out[py::str(name)] = py::cast(field);
  });
  return out;
}

py::object number_or_none(double value) {
  return std::isfinite(value) ? py::object(py::float_(value)) : py::object(py::none());
}

py::dict output_to_dict(const DetectionOutput& output) {
  py::dict result;
  result["file"] = output.file;
  result["duration_s"] = ticks_to_seconds(output.duration);
  result["analysed_s"] = ticks_to_seconds(output.analysed);
  py::list gaps;
  for (const auto& gap : output.gaps) {
    py::dict item;
    item["onset_s"] = ticks_to_seconds(gap.onset);
    item["duration_s"] = ticks_to_seconds(gap.duration);
    gaps.append(item);
  }
  result["gaps"] = gaps;
  result["start_time"] = output.start.iso8601();
  result["line_frequency_hz"] = output.line_frequency_hz;
  py::list channels;
  for (const auto& channel : output.channels) {
    py::dict item;
    item["label"] = channel.label;
    item["name"] = channel.meaning.name.empty() ? channel.label : channel.meaning.name;
    item["kind"] = std::string(to_string(channel.meaning.kind));
    item["hemisphere"] = std::string(to_string(channel.meaning.hemisphere));
    item["region"] = region_name(channel.meaning.region);
    item["status"] = channel.bad ? "bad" : "ok";
    item["bad_reason"] = channel.bad_reason;
    channels.append(item);
  }
  result["channels"] = channels;
  py::list seizures;
  for (const auto& seizure : output.seizures) {
    py::dict item;
    item["onset_s"] = ticks_to_seconds(seizure.onset);
    item["offset_s"] = ticks_to_seconds(seizure.offset);
    item["onset_channels"] = seizure.onset_channels;
    item["region"] = std::string(to_string(seizure.region));
    item["hemisphere"] = std::string(to_string(seizure.hemisphere));
    item["lateralization_index"] = number_or_none(seizure.lateralization_index);
    item["confidence"] = seizure.confidence;
    py::dict onsets;
    for (const auto& onset : seizure.channel_onsets) {
      onsets[py::str(onset.name)] = ticks_to_seconds(onset.onset);
    }
    item["channel_onsets"] = onsets;
    if (seizure.has_focus_position) {
      item["focus_position"] = py::make_tuple(seizure.focus_position.x, seizure.focus_position.y,
                                              seizure.focus_position.z);
    } else {
      item["focus_position"] = py::none();
    }
    seizures.append(item);
  }
  result["seizures"] = seizures;
  py::list warnings;
  for (const auto& warning : output.warnings) {
    py::dict item;
    item["code"] = warning.code;
    item["message"] = warning.message;
    item["signal"] = warning.signal;
    warnings.append(item);
  }
  result["warnings"] = warnings;
  return result;
}

}  // namespace

void register_detect(py::module_& m) {
  m.def(
      "detector_defaults", [] { return params_to_dict(DetectorOptions{}); },
      "Default value of every detector parameter (name -> int or float).");
  m.def(
      "detect_file",
      [](const std::string& path, std::optional<py::dict> params,
         std::optional<py::function> progress) {
        const DetectorOptions parsed = params ? params_from_dict(*params) : DetectorOptions{};
        ProgressCallback callback;
        if (progress) {
          py::function function = *progress;
          // The C++ work runs without the GIL; the callback takes it back only for the call.
          callback = [function](double fraction) {
            py::gil_scoped_acquire acquire;
            py::object answer = function(fraction);
            return answer.is_none() || static_cast<bool>(py::bool_(answer));
          };
        }
        DetectionOutput output;
        {
          py::gil_scoped_release release;
          output = detect_file(path, parsed, callback);
        }
        return output_to_dict(output);
      },
      py::arg("path"), py::arg("params") = py::none(), py::arg("progress") = py::none(),
      "Detect and localise seizures in an EDF/BDF file; returns the detect dict (times in s).");
}

}  // namespace ictaltrack::python
