// Python binding of the seizure detector: _core.detect_file, _core.detect_samples,
// _core.SeizureDetector, _core.FileFollower, _core.detector_defaults.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

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
  for_each_detector_option(
      params, [&](const char* name, const auto& field) { out[py::str(name)] = py::cast(field); });
  return out;
}

py::object number_or_none(double value) {
  return std::isfinite(value) ? py::object(py::float_(value)) : py::object(py::none());
}

// One seizure as the dict of the detect result (times in seconds as the Seizure holds them).
py::dict seizure_to_dict(const Seizure& seizure) {
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
  return item;
}

// An onset alarm as the detector holds it: sample indices, ticks as seconds, channel indices.
// ictaltrack.streaming.alarm_to_json makes the record users see (names, "event": "alarm").
py::dict alarm_to_dict(const OnsetAlarm& alarm) {
  py::dict item;
  item["raised_sample"] = alarm.raised_sample;
  item["onset_sample"] = alarm.onset_sample;
  item["raised_s"] = ticks_to_seconds(alarm.raised);
  item["onset_s"] = ticks_to_seconds(alarm.onset);
  item["onset_channels"] = alarm.onset_channels;
  item["hemisphere"] = std::string(to_string(alarm.side));
  item["region"] = std::string(to_string(alarm.region));
  item["confidence"] = alarm.confidence;
  return item;
}

py::dict output_to_dict(const DetectionOutput& output, bool with_alarms = false) {
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
    item["name"] = channel_name(channel.meaning);
    item["kind"] = std::string(to_string(channel.meaning.kind));
    item["hemisphere"] = std::string(to_string(channel.meaning.hemisphere));
    item["region"] = region_name(channel.meaning.region);
    item["status"] = channel.bad ? "bad" : "ok";
    item["bad_reason"] = channel.bad_reason;
    channels.append(item);
  }
  result["channels"] = channels;
  py::list seizures;
  for (const auto& seizure : output.seizures) seizures.append(seizure_to_dict(seizure));
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
  if (with_alarms) {
    py::list alarms;
    for (const auto& alarm : output.alarms) alarms.append(alarm_to_dict(alarm));
    result["alarms"] = alarms;
  }
  return result;
}

ChannelKind kind_from_name(const std::string& name) {
  for (const auto kind :
       {ChannelKind::eeg, ChannelKind::ecg, ChannelKind::eog, ChannelKind::emg,
        ChannelKind::trigger, ChannelKind::annotation, ChannelKind::other, ChannelKind::unknown}) {
    if (to_string(kind) == name) return kind;
  }
  throw py::value_error("unknown channel kind '" + name + "'");
}

// The (n_channels, n_times) samples of `data` for `push`, with the row stride in samples: the
// array itself when its rows are contiguous and of type T, else a C-contiguous copy as T.
template <typename T>
std::pair<py::array_t<T>, std::size_t> rows_of(const py::array& data, std::size_t n_channels) {
  if (data.ndim() != 2) throw py::value_error("samples must be a 2-D array (n_channels, n_times)");
  if (static_cast<std::size_t>(data.shape(0)) != n_channels) {
    throw py::value_error("samples have " + std::to_string(data.shape(0)) + " rows for " +
                          std::to_string(n_channels) + " channels");
  }
  const auto n_times = static_cast<std::size_t>(data.shape(1));
  const auto item = static_cast<py::ssize_t>(sizeof(T));
  if (py::isinstance<py::array_t<T>>(data) && (n_times <= 1 || data.strides(1) == item) &&
      data.strides(0) >= 0 && data.strides(0) % item == 0 &&
      (n_channels <= 1 || static_cast<std::size_t>(data.strides(0) / item) >= n_times)) {
    const std::size_t stride =
        n_channels <= 1 ? n_times : static_cast<std::size_t>(data.strides(0) / item);
    return {py::reinterpret_borrow<py::array_t<T>>(data), stride};
  }
  auto copy = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(data);
  if (!copy) throw py::type_error("samples must be an array of numbers");
  return {copy, n_times};
}

// A streamed seizure: the detect dict's fields, times in seconds from the first sample pushed
// (stream sample / sfreq, gaps not counted), plus the stream sample indices.
py::dict stream_seizure_to_dict(const StreamSeizure& seizure) {
  py::dict item = seizure_to_dict(seizure.seizure);
  item["onset_sample"] = seizure.onset_sample;
  item["offset_sample"] = seizure.offset_sample;
  return item;
}

}  // namespace

void register_detect(py::module_& m) {
  m.def(
      "detector_defaults", [] { return params_to_dict(DetectorOptions{}); },
      "Default value of every detector parameter (name -> int or float).");
  m.def(
      "detect_file",
      [](const std::string& path, std::optional<py::dict> params,
         std::optional<py::function> progress, bool alarms) {
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
        return output_to_dict(output, alarms);
      },
      py::arg("path"), py::arg("params") = py::none(), py::arg("progress") = py::none(),
      py::arg("alarms") = false,
      "Detect and localise seizures in an EDF/BDF file; returns the detect dict (times in s). "
      "alarms=True adds 'alarms': the onset alarms raised on the way (raw records, channel "
      "indices into 'channels'; ictaltrack.streaming.alarm_to_json names them).");
  m.def(
      "detect_samples",
      [](const std::vector<std::string>& labels, double sfreq,
         py::array_t<float, py::array::c_style> data, std::optional<py::dict> params,
         const std::string& name, std::optional<py::tuple> start, std::vector<bool> bad,
         std::vector<std::string> kinds, std::optional<py::function> progress) {
        const DetectorOptions parsed = params ? params_from_dict(*params) : DetectorOptions{};
        if (data.ndim() != 2 || static_cast<std::size_t>(data.shape(0)) != labels.size()) {
          throw py::value_error("samples must be a 2-D array with one row per channel label");
        }
        SampleSourceInfo source;
        source.name = name;
        if (start) {
          const auto& t = *start;
          source.start = {t[0].cast<int>(), t[1].cast<int>(), t[2].cast<int>(),  t[3].cast<int>(),
                          t[4].cast<int>(), t[5].cast<int>(), t[6].cast<Ticks>()};
        }
        source.bad = std::move(bad);
        for (const auto& kind : kinds) source.kinds.push_back(kind_from_name(kind));
        ProgressCallback callback;
        if (progress) {
          py::function function = *progress;
          callback = [function](double fraction) {
            py::gil_scoped_acquire acquire;
            py::object answer = function(fraction);
            return answer.is_none() || static_cast<bool>(py::bool_(answer));
          };
        }
        const auto n_times = static_cast<std::size_t>(data.shape(1));
        const float* samples = data.data();
        DetectionOutput output;
        {
          py::gil_scoped_release release;
          output =
              detect_samples(labels, sfreq, samples, n_times, n_times, parsed, source, callback);
        }
        return output_to_dict(output);
      },
      py::arg("labels"), py::arg("sfreq"), py::arg("data"), py::arg("params") = py::none(),
      py::arg("name") = "", py::arg("start") = py::none(), py::arg("bad") = std::vector<bool>{},
      py::arg("kinds") = std::vector<std::string>{}, py::arg("progress") = py::none(),
      "detect_file on float32 microvolt samples (n_channels, n_times) in memory; `start` is "
      "(year, month, day, hour, minute, second, ticks), `kinds` channel kind names ('unknown': "
      "the label decides).");

  py::class_<FileFollower>(m, "FileFollower")
      .def(py::init([](std::string path, std::optional<py::dict> params) {
             return FileFollower(std::move(path),
                                 params ? params_from_dict(*params) : DetectorOptions{});
           }),
           py::arg("path"), py::arg("params") = py::none())
      .def("poll", &FileFollower::poll, py::arg("max_samples") = 0,
           py::call_guard<py::gil_scoped_release>(),
           "Read the records completed since the last call; True when caught up with the file.")
      .def(
          "take_events",
          [](FileFollower& follower) {
            py::list out;
            for (const auto& event : follower.take_events()) {
              if (const auto* alarm = std::get_if<OnsetAlarm>(&event)) {
                py::dict item = alarm_to_dict(*alarm);
                item["event"] = "alarm";
                out.append(item);
              } else {
                py::dict item = seizure_to_dict(std::get<Seizure>(event));
                item["event"] = "seizure";
                out.append(item);
              }
            }
            return out;
          },
          "Events since the last call, in the order they happened: raw onset alarms "
          "('event': 'alarm'; file channel indices, ictaltrack.streaming.alarm_to_json names "
          "them) and seizures as the detector closed them ('event': 'seizure'; the detect "
          "dict's fields), seconds from the recording start.")
      .def("finish",
           [](FileFollower& follower) {
             DetectionOutput output;
             {
               py::gil_scoped_release release;
               output = follower.finish();
             }
             return output_to_dict(output);
           })
      .def_property_readonly("channel_names",
                             [](const FileFollower& follower) {
                               std::vector<std::string> names;
                               for (const auto& channel : follower.channels()) {
                                 names.push_back(channel_name(channel.meaning));
                               }
                               return names;
                             })
      .def_property_readonly("samples_read", &FileFollower::samples_read);

  py::class_<SeizureDetector>(m, "SeizureDetector")
      .def(py::init([](double sfreq, std::vector<std::string> labels,
                       std::optional<py::dict> params, std::vector<bool> bad) {
             return SeizureDetector(sfreq, std::move(labels),
                                    params ? params_from_dict(*params) : DetectorOptions{},
                                    std::move(bad));
           }),
           py::arg("sfreq"), py::arg("labels"), py::arg("params") = py::none(),
           py::arg("bad") = std::vector<bool>{})
      .def(
          "push",
          [](SeizureDetector& detector, const py::array& data) {
            const std::size_t n_channels = detector.channels().size();
            if (py::isinstance<py::array_t<float>>(data)) {
              auto [rows, stride] = rows_of<float>(data, n_channels);
              const auto n_times = static_cast<std::size_t>(rows.shape(1));
              const float* samples = rows.data();
              py::gil_scoped_release release;
              detector.push(samples, n_times, stride);
            } else {
              auto [rows, stride] = rows_of<double>(data, n_channels);
              const auto n_times = static_cast<std::size_t>(rows.shape(1));
              const double* samples = rows.data();
              py::gil_scoped_release release;
              detector.push(samples, n_times, stride);
            }
          },
          py::arg("samples"))
      .def("mark_gap", &SeizureDetector::mark_gap)
      .def("finish", &SeizureDetector::finish, py::call_guard<py::gil_scoped_release>())
      .def("take_seizures",
           [](SeizureDetector& detector) {
             py::list out;
             for (const auto& seizure : detector.take_seizures()) {
               out.append(stream_seizure_to_dict(seizure));
             }
             return out;
           })
      .def("take_alarms",
           [](SeizureDetector& detector) {
             py::list out;
             for (const auto& alarm : detector.take_alarms()) out.append(alarm_to_dict(alarm));
             return out;
           })
      .def_property_readonly("channel_names",
                             [](const SeizureDetector& detector) {
                               std::vector<std::string> names;
                               for (const auto& channel : detector.channels()) {
                                 names.push_back(channel_name(channel.meaning));
                               }
                               return names;
                             })
      .def_property_readonly("sfreq", &SeizureDetector::sfreq)
      .def_property_readonly("samples_pushed", &SeizureDetector::samples_pushed)
      .def_property_readonly("samples_analysed", &SeizureDetector::samples_analysed)
      .def_property_readonly("buffer_bytes", &SeizureDetector::buffer_bytes)
      .def_property_readonly("channels",
                             [](const SeizureDetector& detector) {
                               py::list out;
                               for (const auto& channel : detector.channels()) {
                                 py::dict item;
                                 item["label"] = channel.label;
                                 item["status"] = channel.bad ? "bad" : "ok";
                                 item["bad_reason"] = channel.bad_reason;
                                 out.append(item);
                               }
                               return out;
                             })
      .def_property_readonly("warnings", [](const SeizureDetector& detector) {
        py::list out;
        for (const auto& warning : detector.warnings()) {
          py::dict item;
          item["code"] = warning.code;
          item["message"] = warning.message;
          item["signal"] = warning.signal;
          out.append(item);
        }
        return out;
      });
}

}  // namespace ictaltrack::python
