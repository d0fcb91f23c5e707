// A byte-level EDF/BDF writer for tests: builds valid files and, by overriding any header field
// with arbitrary text or editing the bytes afterwards, deliberately malformed ones. Independent of
// the reader (it follows the EDF/EDF+ specification directly).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ictaltrack::testing {

/// Digital value of sample `k` of record `record` of one data signal.
using SampleFunction = std::function<std::int32_t(std::int64_t record, std::int64_t k)>;

struct SignalSpec {
  std::string label = "EEG";
  std::string transducer = "AgAgCl electrode";
  std::string physical_dimension = "uV";
  std::string physical_min = "-3200";
  std::string physical_max = "3200";
  std::string digital_min = "-32768";
  std::string digital_max = "32767";
  std::string prefilter = "HP:0.1Hz LP:75Hz";
  std::string samples_per_record_field;  ///< written as is when not empty
  int samples_per_record = 256;          ///< bytes written per record (and the field by default)
  SampleFunction samples;                ///< data signals; default: a record/sample dependent ramp
  bool annotation = false;
  /// Annotation signals: extra TAL bytes per record appended after the time-keeping TAL
  /// (missing entries mean none). The time-keeping TAL is written unless `raw_tals` is set.
  std::vector<std::string> extra_tals;
  /// When set, the whole annotation bytes of each record (padded/cut to the signal size).
  std::optional<std::vector<std::string>> raw_tals;
};

class EdfBuilder {
 public:
  bool bdf = false;
  std::string version_field;  ///< default "0" / 0xFF"BIOSEMI"
  std::string patient = "X M 01-JAN-2020 Baby_Test";
  std::string recording = "Startdate 07-MAR-2021 X X ictaltrack_builder";
  std::string start_date = "07.03.21";
  std::string start_time = "10.02.03";
  std::string header_bytes_field;    ///< default: the true header size
  std::string reserved;              ///< "", "EDF+C", "EDF+D", "BDF+C" ...
  std::string n_records_field;       ///< default: n_records
  std::string duration_field = "1";  ///< record duration in seconds (text)
  std::string n_signals_field;       ///< default: signals.size()
  std::int64_t n_records = 3;
  /// Record onsets in the time-keeping TALs, in seconds as text; default r * duration.
  std::vector<std::string> record_onsets;
  std::vector<SignalSpec> signals;

  /// Default data pattern: distinct for every signal, record and sample, within +-30000.
  static std::int32_t pattern(int signal, std::int64_t record, std::int64_t k);

  /// Adds a data signal with the default pattern and returns it for tweaking.
  SignalSpec& add_signal(const std::string& label, int samples_per_record);
  /// Adds an "EDF Annotations"/"BDF Annotations" signal of `bytes` bytes per record.
  SignalSpec& add_annotation_signal(int bytes);

  /// Digital value the builder writes for data signal `signal` (index in `signals`).
  std::int32_t value(int signal, std::int64_t record, std::int64_t k) const;

  std::string header() const;
  std::string bytes() const;
  std::filesystem::path write(const std::filesystem::path& path) const;
};

/// Offset of per-signal header field `field_start` (16 label, 80 transducer ... in EDF order:
/// label 0, transducer 16, dimension 96, pmin 104, pmax 112, dmin 120, dmax 128, prefilter 136,
/// spr 216, reserved 224; unit: n_signals bytes) of signal `signal` with field width `width`.
std::int64_t signal_field_offset(int n_signals, int field_start, int width, int signal);
/// Overwrites `width` bytes at `offset` with `text` left-justified and space padded.
void put_field(std::string& bytes, std::int64_t offset, int width, const std::string& text);
void write_file(const std::filesystem::path& path, const std::string& bytes);
std::string read_file(const std::filesystem::path& path);

}  // namespace ictaltrack::testing
