// Python face of the EDF/BDF reader (ictaltrack._core.EdfReader). Header data crosses the boundary
// as plain dicts and lists (times stay integer 100 ns ticks here; the pure-Python layer
// `ictaltrack.io` converts to seconds, datetimes and units). Sample reads allocate the NumPy array
// here, with the GIL, and fill it in place with the GIL released, so there is no extra copy.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "bindings.hpp"
#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"

namespace py = pybind11;

namespace ictaltrack::python {
namespace {

// Header text fields may hold any bytes; the *_raw variants go to Python as bytes, never as str,
// so that undecodable headers cannot make the conversion itself fail.
py::bytes as_bytes(const std::string& text) { return py::bytes(text.data(), text.size()); }

// pybind11 converts std::string to str strictly; the reader promises UTF-8 but a lenient
// conversion keeps one odd byte from turning a readable file into an exception.
py::str as_text(const std::string& text) {
  PyObject* decoded =
      PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace");
  if (decoded == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(decoded);
}

py::dict channel_to_dict(const ChannelInfo& channel, int channel_index) {
  py::dict d;
  d["index"] = channel_index;
  d["signal_index"] = channel.signal_index;
  d["label"] = as_text(channel.label);
  d["label_raw"] = as_bytes(channel.label_raw);
  d["transducer"] = as_text(channel.transducer);
  d["physical_dimension"] = as_text(channel.physical_dimension);
  d["prefilter"] = as_text(channel.prefilter);
  d["physical_min"] = channel.physical_min;
  d["physical_max"] = channel.physical_max;
  d["digital_min"] = channel.digital_min;
  d["digital_max"] = channel.digital_max;
  d["samples_per_record"] = channel.samples_per_record;
  d["gain"] = channel.gain;
  d["offset"] = channel.offset;
  d["sfreq"] = channel.sfreq;
  d["n_samples"] = channel.n_samples;
  d["usable"] = channel.usable;
  d["calibrated"] = channel.calibrated;
  d["is_bdf_status"] = channel.is_bdf_status;
  return d;
}

py::dict info_to_dict(const RecordingInfo& info) {
  py::dict start;
  start["year"] = info.start.year;
  start["month"] = info.start.month;
  start["day"] = info.start.day;
  start["hour"] = info.start.hour;
  start["minute"] = info.start.minute;
  start["second"] = info.start.second;
  start["subsecond_ticks"] = info.start.subsecond;
  start["iso8601"] = as_text(info.start.iso8601());

  py::list channels;
  for (std::size_t i = 0; i < info.channels.size(); ++i) {
    channels.append(channel_to_dict(info.channels[i], static_cast<int>(i)));
  }
  py::list warnings;
  for (const ReadWarning& warning : info.warnings) warnings.append(warning_to_dict(warning));

  py::array_t<std::int64_t> onsets(static_cast<py::ssize_t>(info.record_onsets.size()));
  std::copy(info.record_onsets.begin(), info.record_onsets.end(), onsets.mutable_data());

  py::dict d;
  d["path"] = as_text(info.path);
  d["format"] = to_string(info.format);
  d["discontinuous"] = info.discontinuous();
  d["header_bytes"] = info.header_bytes;
  d["header_bytes_field"] = info.header_bytes_field;
  d["n_signals"] = info.n_signals;
  d["n_records"] = info.n_records;
  d["n_records_field"] = info.n_records_field;
  d["record_bytes"] = info.record_bytes;
  d["file_bytes"] = info.file_bytes;
  d["reserved_raw"] = as_bytes(info.reserved_raw);
  d["record_duration_ticks"] = info.record_duration;
  d["duration_ticks"] = info.duration();
  d["start"] = start;
  d["patient"] = as_text(info.patient);
  d["recording"] = as_text(info.recording);
  d["patient_raw"] = as_bytes(info.patient_raw);
  d["recording_raw"] = as_bytes(info.recording_raw);
  d["channels"] = channels;
  d["annotation_signals"] = info.annotation_signals;
  d["record_onsets_ticks"] = onsets;
  d["warnings"] = warnings;
  return d;
}

// The reader plus a lock: reads share it (the reader is thread-compatible, it uses pread), close()
// takes it exclusively so that it waits for running reads instead of pulling the file away.
class PyEdfReader {
 public:
  PyEdfReader(const std::string& path, bool read_annotations, bool clip_to_digital_range) {
    ReaderOptions options;
    options.read_annotations = read_annotations;
    options.clip_to_digital_range = clip_to_digital_range;
    py::gil_scoped_release release;
    reader_.emplace(path, options);
  }

  py::dict info() {
    const std::shared_lock lock(mutex_);
    return info_to_dict(open_reader().info());
  }

  py::dict annotations() {
    const std::shared_lock lock(mutex_);
    const std::vector<Annotation>& annotations = open_reader().annotations();
    const auto n = static_cast<py::ssize_t>(annotations.size());
    py::array_t<std::int64_t> onsets(n);
    py::array_t<std::int64_t> durations(n);
    py::list descriptions;
    auto onset_view = onsets.mutable_unchecked<1>();
    auto duration_view = durations.mutable_unchecked<1>();
    for (py::ssize_t i = 0; i < n; ++i) {
      const Annotation& annotation = annotations[static_cast<std::size_t>(i)];
      onset_view(i) = annotation.onset;
      duration_view(i) = annotation.duration;
      descriptions.append(as_text(annotation.description));
    }
    py::dict d;
    d["onset_ticks"] = onsets;
    d["duration_ticks"] = durations;
    d["description"] = descriptions;
    return d;
  }

  py::list segments() {
    const std::shared_lock lock(mutex_);
    py::list result;
    for (const ContiguousSegment& segment : open_reader().segments()) {
      py::dict d;
      d["first_record"] = segment.first_record;
      d["n_records"] = segment.n_records;
      d["onset_ticks"] = segment.onset;
      result.append(d);
    }
    return result;
  }

  Ticks sample_time(int channel, std::int64_t sample) {
    const std::shared_lock lock(mutex_);
    check_channel(channel);
    return open_reader().sample_time(channel, sample);
  }

  template <typename Sample>
  py::array_t<Sample> read(const std::vector<int>& channels, std::int64_t start,
                           std::int64_t count) {
    check_request(channels, start, count);
    const auto rows = static_cast<py::ssize_t>(channels.size());
    py::array_t<Sample> out({rows, static_cast<py::ssize_t>(count)});
    if (rows == 0 || count == 0) return out;
    Sample* data = out.mutable_data();
    {
      py::gil_scoped_release release;
      const std::shared_lock lock(mutex_);
      const EdfReader& reader = open_reader();
      if constexpr (std::is_same_v<Sample, std::int32_t>) {
        reader.read_digital(std::span<const int>(channels), start, count, data, count);
      } else {
        reader.read_physical(std::span<const int>(channels), start, count, data, count);
      }
    }
    return out;
  }

  void close() {
    py::gil_scoped_release release;
    const std::unique_lock lock(mutex_);
    reader_.reset();
  }

  bool closed() {
    const std::shared_lock lock(mutex_);
    return !reader_.has_value();
  }

 private:
  const EdfReader& open_reader() const {
    if (!reader_) throw py::value_error("I/O operation on a closed EdfReader");
    return *reader_;
  }

  void check_channel(int channel) {
    const auto n = static_cast<int>(open_reader().info().channels.size());
    if (channel < 0 || channel >= n) {
      throw py::index_error("channel index " + std::to_string(channel) + " out of range [0, " +
                            std::to_string(n) + ")");
    }
  }

  // Checked with the GIL held, so that bad arguments raise IndexError/ValueError before any read.
  void check_request(const std::vector<int>& channels, std::int64_t start, std::int64_t count) {
    const std::shared_lock lock(mutex_);
    if (start < 0) throw py::value_error("start must be >= 0, got " + std::to_string(start));
    if (count < 0) throw py::value_error("count must be >= 0, got " + std::to_string(count));
    const RecordingInfo& info = open_reader().info();
    for (int channel : channels) {
      check_channel(channel);
      const std::int64_t n_samples = info.channels[static_cast<std::size_t>(channel)].n_samples;
      if (start + count > n_samples) {
        throw py::value_error("samples [" + std::to_string(start) + ", " +
                              std::to_string(start + count) + ") exceed the " +
                              std::to_string(n_samples) + " samples of channel " +
                              std::to_string(channel));
      }
    }
  }

  std::optional<EdfReader> reader_;
  std::shared_mutex mutex_;
};

}  // namespace

py::dict warning_to_dict(const Warning& warning) {
  py::dict d;
  d["code"] = as_text(warning.code);
  d["message"] = as_text(warning.message);
  d["signal"] = warning.signal;
  return d;
}

py::list warnings_to_list(const std::vector<Warning>& warnings) {
  py::list list;
  for (const Warning& warning : warnings) list.append(warning_to_dict(warning));
  return list;
}

void register_io(py::module_& m) {
  py::class_<PyEdfReader>(m, "EdfReader",
                          "Low-level EDF/BDF reader (use ictaltrack.read_edf instead). Times are "
                          "100 ns ticks from the recording start; samples are indices per channel.")
      .def(py::init<const std::string&, bool, bool>(), py::arg("path"), py::kw_only(),
           py::arg("read_annotations") = true, py::arg("clip_to_digital_range") = true)
      .def("info", &PyEdfReader::info, "Header summary as a dict (times in 100 ns ticks).")
      .def("annotations", &PyEdfReader::annotations,
           "Annotations as a dict of onset_ticks, duration_ticks (-1: none), description.")
      .def("segments", &PyEdfReader::segments,
           "Gap-free stretches of data records: list of dicts first_record, n_records, "
           "onset_ticks.")
      .def("sample_time", &PyEdfReader::sample_time, py::arg("channel"), py::arg("sample"),
           "Time of one sample in 100 ns ticks from the recording start (EDF+D aware).")
      .def("read_physical_float64", &PyEdfReader::read<double>, py::arg("channels"),
           py::arg("start"), py::arg("count"),
           "Physical values, (n_channels, count) float64, in each channel's own dimension. "
           "The channels must share one sample rate (UnsupportedError otherwise).")
      .def("read_physical_float32", &PyEdfReader::read<float>, py::arg("channels"),
           py::arg("start"), py::arg("count"),
           "Physical values, (n_channels, count) float32, in each channel's own dimension.")
      .def("read_digital", &PyEdfReader::read<std::int32_t>, py::arg("channels"), py::arg("start"),
           py::arg("count"), "Stored digital values, (n_channels, count) int32.")
      .def("close", &PyEdfReader::close, "Releases the file; later reads raise ValueError.")
      .def_property_readonly("closed", &PyEdfReader::closed);
}
}  // namespace ictaltrack::python
