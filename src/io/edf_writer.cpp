#include "ictaltrack/io/edf_writer.hpp"

#include <edflib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "core/text.hpp"
#include "ictaltrack/errors.hpp"
#include "io/edflib_lock.hpp"

namespace ictaltrack {
namespace {

std::string describe_open_error(int code) {
  switch (code) {
    case EDFLIB_MALLOC_ERROR:
      return "EDFlib could not allocate memory (EDFLIB_MALLOC_ERROR)";
    case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY:
      return "EDFlib cannot create the file: folder missing or not writable "
             "(EDFLIB_NO_SUCH_FILE_OR_DIRECTORY)";
    case EDFLIB_MAXFILES_REACHED:
      return "EDFlib has too many files open (EDFLIB_MAXFILES_REACHED)";
    case EDFLIB_FILE_ALREADY_OPENED:
      return "EDFlib already has this file open (EDFLIB_FILE_ALREADY_OPENED)";
    case EDFLIB_NUMBER_OF_SIGNALS_INVALID:
      return "EDFlib rejects the number of signals (EDFLIB_NUMBER_OF_SIGNALS_INVALID)";
    case EDFLIB_ARCH_ERROR:
      return "EDFlib was built for an unsupported architecture (EDFLIB_ARCH_ERROR)";
    default:
      return "EDFlib error code " + std::to_string(code);
  }
}

// EDF header text fields must be printable ASCII (EDF spec 2.1); EDFlib would otherwise replace
// or cut characters without telling anyone.
void check_header_text(const std::string& text, std::size_t max_length, const char* field,
                       int signal) {
  if (text.size() > max_length) {
    throw FormatError(field, signal, -1,
                      "'" + detail::printable(text) + "' is longer than " +
                          std::to_string(max_length) + " characters");
  }
  for (const unsigned char c : text) {
    if (c < 32 || c > 126) {
      throw FormatError(field, signal, -1,
                        "'" + detail::printable(text) + "' contains a non-printable-ASCII byte");
    }
  }
}

// EDF keeps physical minimum/maximum as 8 ASCII characters, and EDFlib 1.23 prints them by
// cutting the exact binary expansion (3276.7 is stored as "3276.699"), while it scales the
// samples with the full value: every reader would then be off. Accept only values that survive
// that cut unchanged (e.g. -3276.8, 4095.875, 500, -8192).
bool fits_header_number(double value) {
  char text[512];
  std::snprintf(text, sizeof text, "%.30f", value);  // glibc prints the exact expansion
  std::string cut(text, std::min<std::size_t>(8, std::strlen(text)));
  if (!cut.empty() && cut.back() == '.') cut.pop_back();
  return std::isfinite(value) && std::strtod(cut.c_str(), nullptr) == value;
}

std::filesystem::path temporary_path_for(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(counter++);
  return target.parent_path() / name;
}

struct PendingAnnotation {
  Ticks onset;
  Ticks duration;
  std::string text;
};

long long to_edflib_annotation_units(Ticks ticks) {
  const Ticks resolution = EdfWriter::kAnnotationResolution;
  return static_cast<long long>((ticks + resolution / 2) / resolution);
}

}  // namespace

FileFormat parse_writer_format(std::string_view name) {
  std::string lower;
  for (const unsigned char c : name) lower.push_back(static_cast<char>(std::tolower(c)));
  if (lower == "edf" || lower == "edf+" || lower == "edf+c") return FileFormat::edf_plus_c;
  if (lower == "bdf" || lower == "bdf+" || lower == "bdf+c") return FileFormat::bdf_plus_c;
  throw std::invalid_argument("file type must be 'edf' or 'bdf', got '" +
                              detail::printable(std::string(name)) + "'");
}

const char* writer_format_name(FileFormat format) noexcept {
  return is_bdf(format) ? "bdf" : "edf";
}

struct EdfWriter::Impl {
  std::filesystem::path target;
  std::filesystem::path temporary;
  std::vector<EdfSignalSpec> signals;
  EdfWriterOptions options;
  int handle = -1;
  std::size_t record_size = 0;
  std::int64_t records = 0;
  std::vector<double> buffer;  // EDFlib takes a non-const pointer
  std::vector<PendingAnnotation> annotations;
  bool committed = false;

  // Closes EDFlib's handle (if open) and removes the temporary file. Never throws.
  void abandon() noexcept {
    if (handle >= 0) {
      std::lock_guard lock(detail::edflib_mutex());
      edfclose_file(handle);
      handle = -1;
    }
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
  }
};

EdfWriter::EdfWriter(std::filesystem::path path, std::vector<EdfSignalSpec> signals,
                     EdfWriterOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.target = std::move(path);
  w.signals = std::move(signals);
  w.options = std::move(options);
  if (w.options.format != FileFormat::edf_plus_c && w.options.format != FileFormat::bdf_plus_c) {
    throw std::invalid_argument(std::string("EdfWriter writes EDF+C or BDF+C, not ") +
                                to_string(w.options.format));
  }
  const bool bdf = w.options.format == FileFormat::bdf_plus_c;

  if (w.signals.empty() || w.signals.size() > EDFLIB_MAXSIGNALS) {
    throw std::invalid_argument("EdfWriter needs 1.." + std::to_string(EDFLIB_MAXSIGNALS) +
                                " signals, got " + std::to_string(w.signals.size()));
  }
  if (w.options.annotation_signals < 1 || w.options.annotation_signals > 64) {
    throw std::invalid_argument("annotation_signals must be 1..64");
  }
  const Ticks duration = w.options.record_duration;
  if (duration < kTicksPerSecond / 1000 || duration > 60 * kTicksPerSecond || duration % 100 != 0) {
    throw std::invalid_argument("record duration must be 1 ms..60 s in steps of 10 us");
  }
  const auto& start = w.options.start;
  if (start.subsecond < 0 || start.subsecond >= kTicksPerSecond) {
    throw std::invalid_argument("start subsecond must be in [0, 1 s)");
  }
  for (std::size_t i = 0; i < w.signals.size(); ++i) {
    auto& s = w.signals[i];
    const int index = static_cast<int>(i);
    check_header_text(s.label, 16, "label", index);
    check_header_text(s.physical_dimension, 8, "physical dimension", index);
    check_header_text(s.transducer, 80, "transducer type", index);
    check_header_text(s.prefilter, 80, "prefiltering", index);
    if (s.digital_min == 0 && s.digital_max == 0) {
      s.digital_min = bdf ? -8388608 : -32768;
      s.digital_max = bdf ? 8388607 : 32767;
    }
    if (s.samples_per_record < 1) {
      throw FormatError("number of samples in each data record", index, -1, "must be >= 1");
    }
    if (!(s.physical_max != s.physical_min) || !std::isfinite(s.physical_min) ||
        !std::isfinite(s.physical_max)) {
      throw FormatError("physical maximum", index, -1,
                        "physical minimum and maximum must be finite and differ");
    }
    if (!fits_header_number(s.physical_min) || !fits_header_number(s.physical_max)) {
      throw FormatError(
          fits_header_number(s.physical_min) ? "physical maximum" : "physical minimum", index, -1,
          "the value does not fit into the 8 characters of the header");
    }
    if (s.digital_min >= s.digital_max) {
      throw FormatError("digital maximum", index, -1, "digital maximum must exceed the minimum");
    }
    w.record_size += static_cast<std::size_t>(s.samples_per_record);
  }
  w.buffer.resize(w.record_size);

  const auto folder =
      w.target.parent_path().empty() ? std::filesystem::path(".") : w.target.parent_path();
  if (!std::filesystem::is_directory(folder)) {
    throw IoError(w.target.string(), "cannot write EDF file: folder does not exist", ENOENT);
  }
  if (std::filesystem::is_directory(w.target)) {
    throw IoError(w.target.string(), "cannot write EDF file: the path is a folder", EISDIR);
  }
  w.temporary = temporary_path_for(w.target);

  std::lock_guard lock(detail::edflib_mutex());
  w.handle = edfopen_file_writeonly(w.temporary.c_str(),
                                    bdf ? EDFLIB_FILETYPE_BDFPLUS : EDFLIB_FILETYPE_EDFPLUS,
                                    static_cast<int>(w.signals.size()));
  if (w.handle < 0) {
    const int code = w.handle;
    w.handle = -1;
    std::error_code ignored;
    std::filesystem::remove(w.temporary, ignored);
    throw IoError(w.target.string(), "cannot create EDF file: " + describe_open_error(code));
  }
  // The lock is held for the whole set-up: the checks below call abandon(), which locks too, so
  // they must run after the guard is released. Collect the first failure instead.
  struct Failure {
    const char* field;
    int signal;
    std::string value;
  };
  std::vector<Failure> failures;
  auto expect = [&](int result, const char* field, int signal, std::string value) {
    if (result != 0 && failures.empty()) failures.push_back({field, signal, std::move(value)});
  };
  const int h = w.handle;
  for (std::size_t i = 0; i < w.signals.size(); ++i) {
    const auto& s = w.signals[i];
    const int index = static_cast<int>(i);
    expect(edf_set_samplefrequency(h, index, s.samples_per_record),
           "number of samples in each data record", index, std::to_string(s.samples_per_record));
    expect(edf_set_physical_maximum(h, index, s.physical_max), "physical maximum", index,
           std::to_string(s.physical_max));
    expect(edf_set_physical_minimum(h, index, s.physical_min), "physical minimum", index,
           std::to_string(s.physical_min));
    expect(edf_set_digital_maximum(h, index, s.digital_max), "digital maximum", index,
           std::to_string(s.digital_max));
    expect(edf_set_digital_minimum(h, index, s.digital_min), "digital minimum", index,
           std::to_string(s.digital_min));
    expect(edf_set_label(h, index, s.label.c_str()), "label", index, s.label);
    expect(edf_set_physical_dimension(h, index, s.physical_dimension.c_str()), "physical dimension",
           index, s.physical_dimension);
    expect(edf_set_transducer(h, index, s.transducer.c_str()), "transducer type", index,
           s.transducer);
    expect(edf_set_prefilter(h, index, s.prefilter.c_str()), "prefiltering", index, s.prefilter);
  }
  expect(edf_set_datarecord_duration(h, static_cast<int>(duration / 100)),
         "duration of a data record", -1, std::to_string(ticks_to_seconds(duration)));
  expect(edf_set_startdatetime(h, start.year, start.month, start.day, start.hour, start.minute,
                               start.second),
         "startdate", -1,
         std::to_string(start.year) + "-" + std::to_string(start.month) + "-" +
             std::to_string(start.day) + " " + std::to_string(start.hour) + ":" +
             std::to_string(start.minute) + ":" + std::to_string(start.second));
  expect(edf_set_subsecond_starttime(h, static_cast<int>(start.subsecond)), "starttime subsecond",
         -1, std::to_string(start.subsecond));
  expect(edf_set_number_of_annotation_signals(h, w.options.annotation_signals),
         "number of annotation signals", -1, std::to_string(w.options.annotation_signals));
  const auto set_text = [&](int (*setter)(int, const char*), const std::string& text,
                            const char* field) {
    if (text.empty()) return;
    check_header_text(text, 80, field, -1);
    expect(setter(h, text.c_str()), field, -1, text);
  };
  try {
    set_text(edf_set_patientcode, w.options.patient_code, "patient code");
    set_text(edf_set_patientname, w.options.patient_name, "patient name");
    set_text(edf_set_equipment, w.options.equipment, "equipment");
    set_text(edf_set_technician, w.options.technician, "technician");
    set_text(edf_set_recording_additional, w.options.recording_additional, "recording additional");
  } catch (...) {
    edfclose_file(w.handle);
    w.handle = -1;
    std::error_code ignored;
    std::filesystem::remove(w.temporary, ignored);
    throw;
  }
  if (!failures.empty()) {
    edfclose_file(w.handle);
    w.handle = -1;
    std::error_code ignored;
    std::filesystem::remove(w.temporary, ignored);
    throw FormatError(
        failures.front().field, failures.front().signal, -1,
        "EDFlib rejected the value '" + detail::printable(failures.front().value) + "'");
  }
}

EdfWriter::~EdfWriter() {
  if (impl_) impl_->abandon();
}

EdfWriter::EdfWriter(EdfWriter&&) noexcept = default;
EdfWriter& EdfWriter::operator=(EdfWriter&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->abandon();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

void EdfWriter::write_record(std::span<const double> samples) {
  if (!is_open()) throw std::logic_error("EdfWriter::write_record on a closed writer");
  Impl& w = *impl_;
  if (samples.size() != w.record_size) {
    throw std::invalid_argument("write_record needs " + std::to_string(w.record_size) +
                                " samples (one data record), got " +
                                std::to_string(samples.size()));
  }
  std::copy(samples.begin(), samples.end(), w.buffer.begin());
  int result = 0;
  {
    std::lock_guard lock(detail::edflib_mutex());
    result = edf_blockwrite_physical_samples(w.handle, w.buffer.data());
  }
  if (result != 0) {
    w.abandon();
    throw IoError(w.target.string(), "EDFlib could not write data record " +
                                         std::to_string(w.records) + " (disk full?)");
  }
  ++w.records;
}

void EdfWriter::add_annotation(Ticks onset, Ticks duration, const std::string& text_utf8) {
  if (!is_open()) throw std::logic_error("EdfWriter::add_annotation on a closed writer");
  if (onset < 0) throw std::invalid_argument("annotation onset must be >= 0");
  if (text_utf8.size() > kMaxAnnotationBytes) {
    throw std::invalid_argument("annotation text '" + detail::printable(text_utf8) +
                                "' is longer than " + std::to_string(kMaxAnnotationBytes) +
                                " bytes, which EDFlib would truncate");
  }
  for (const unsigned char c : text_utf8) {
    if (c < 32 || c == 127) {
      throw std::invalid_argument("annotation text contains a control character");
    }
  }
  impl_->annotations.push_back({onset, duration < 0 ? -1 : duration, text_utf8});
}

void EdfWriter::close() {
  if (!is_open()) throw std::logic_error("EdfWriter::close on a closed writer");
  Impl& w = *impl_;
  if (w.records == 0) {
    w.abandon();
    throw FormatError("number of data records", -1, -1, "no data record was written");
  }
  const auto capacity = w.records * w.options.annotation_signals;
  if (static_cast<std::int64_t>(w.annotations.size()) > capacity) {
    const auto count = w.annotations.size();
    w.abandon();
    throw FormatError("EDF Annotations", -1, -1,
                      std::to_string(count) + " annotations do not fit into " +
                          std::to_string(w.records) + " records x " +
                          std::to_string(w.options.annotation_signals) +
                          " annotation signals; raise EdfWriterOptions::annotation_signals");
  }
  std::stable_sort(w.annotations.begin(), w.annotations.end(),
                   [](const auto& a, const auto& b) { return a.onset < b.onset; });
  int failed = 0;
  {
    std::lock_guard lock(detail::edflib_mutex());
    for (const auto& a : w.annotations) {
      const long long duration = a.duration < 0 ? -1 : to_edflib_annotation_units(a.duration);
      if (edfwrite_annotation_utf8(w.handle, to_edflib_annotation_units(a.onset), duration,
                                   a.text.c_str()) != 0) {
        failed = 1;
        break;
      }
    }
    if (!failed) {
      failed = edfclose_file(w.handle) != 0 ? 2 : 0;
      w.handle = -1;
    }
  }
  if (failed) {
    w.abandon();
    throw IoError(w.target.string(), failed == 1 ? "EDFlib could not store an annotation"
                                                 : "EDFlib could not finish the file (disk full?)");
  }
  std::error_code error;
  std::filesystem::rename(w.temporary, w.target, error);
  if (error) {
    w.abandon();
    throw IoError(w.target.string(),
                  "cannot move the finished file into place: " + error.message());
  }
  w.committed = true;
}

const std::filesystem::path& EdfWriter::path() const noexcept {
  static const std::filesystem::path moved_from;
  return impl_ ? impl_->target : moved_from;
}

std::int64_t EdfWriter::records_written() const noexcept { return impl_ ? impl_->records : 0; }

bool EdfWriter::is_open() const noexcept { return impl_ && impl_->handle >= 0; }

}  // namespace ictaltrack
