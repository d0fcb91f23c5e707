// EDF+ / BDF+ writer over EDFlib, written atomically.
//
// The file is written to a temporary file in the target's folder and renamed over the target only
// when close() succeeds, so an error (or a writer destroyed without close()) never leaves a
// half-written recording behind. Samples are written one data record at a time, physical values in
// each signal's physical dimension; EDFlib converts them to digital values with the signal's
// physical/digital ranges (values outside the physical range are clipped by EDFlib).
//
// EDFlib 1.23 limits that the writer checks instead of letting EDFlib truncate silently:
// - annotation texts are at most kMaxAnnotationBytes UTF-8 bytes;
// - annotation onsets and durations are stored with 100 us resolution (ticks are rounded);
// - each annotation signal holds one annotation per data record, so at most
//   n_records * annotation_signals annotations fit (checked at close()).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ictaltrack/io/edf_format.hpp"
#include "ictaltrack/time.hpp"

namespace ictaltrack {

/// The writable formats by the short names that users (Python `file_type=`, the simulator's CLI)
/// and the simulator's truth JSON use: "edf" -> FileFormat::edf_plus_c, "bdf" ->
/// FileFormat::bdf_plus_c; "edf+"/"edf+c"/"bdf+"/"bdf+c" too, in any case. Throws
/// std::invalid_argument otherwise (EDF+D and the plain formats are not written).
FileFormat parse_writer_format(std::string_view name);
/// "edf" or "bdf" (by is_bdf): the short name parse_writer_format reads.
const char* writer_format_name(FileFormat format) noexcept;

struct EdfSignalSpec {
  std::string label;                      ///< at most 16 ASCII characters
  std::string physical_dimension = "uV";  ///< at most 8 ASCII characters
  std::string transducer;                 ///< at most 80 ASCII characters
  std::string prefilter;                  ///< at most 80 ASCII characters
  /// Physical minimum/maximum must be stored exactly in the header's 8 characters, as EDFlib
  /// prints them (it cuts digits, so 3276.7 would become "3276.699"): FormatError otherwise.
  /// The defaults give exactly 0.125 uV per step with 16-bit samples.
  double physical_min = -4096;
  double physical_max = 4095.875;
  /// Defaults to the full range of the file type (EDF: -32768..32767, BDF: -8388608..8388607)
  /// when both are left at 0.
  std::int32_t digital_min = 0;
  std::int32_t digital_max = 0;
  std::int32_t samples_per_record = 256;
};

struct EdfWriterOptions {
  /// FileFormat::edf_plus_c (16-bit samples) or FileFormat::bdf_plus_c (24-bit samples); any
  /// other format throws std::invalid_argument.
  FileFormat format = FileFormat::edf_plus_c;
  Ticks record_duration = kTicksPerSecond;  ///< 1 ms .. 60 s, a multiple of 10 us
  /// 1985-01-01 00:00:00 (the default) is the anonymised convention; EDFlib keeps 100 ns
  /// resolution of `subsecond`.
  StartDateTime start;
  std::string patient_code, patient_name, equipment, technician, recording_additional;
  /// Annotation signals (1..64); each holds one annotation per data record.
  int annotation_signals = 1;
};

class EdfWriter {
 public:
  /// Longest annotation text EDFlib 1.23 stores without truncating it (bytes of UTF-8).
  static constexpr std::size_t kMaxAnnotationBytes = 40;
  /// Resolution of annotation onsets/durations in the file (EDFlib stores units of 100 us).
  static constexpr Ticks kAnnotationResolution = 1000;

  /// Creates the temporary file next to `path` and writes the header settings. Throws IoError
  /// (folder missing or not writable, EDFlib cannot create the file), FormatError (a signal
  /// setting EDFlib rejects, naming the field and signal index) or std::invalid_argument.
  EdfWriter(std::filesystem::path path, std::vector<EdfSignalSpec> signals,
            EdfWriterOptions options = {});
  /// Without a successful close(): closes EDFlib's handle and deletes the temporary file.
  ~EdfWriter();
  EdfWriter(const EdfWriter&) = delete;
  EdfWriter& operator=(const EdfWriter&) = delete;
  EdfWriter(EdfWriter&&) noexcept;
  EdfWriter& operator=(EdfWriter&&) noexcept;

  /// Writes one data record: `samples` holds samples_per_record values of signal 0, then of
  /// signal 1, and so on (physical units). Throws std::invalid_argument on a wrong size, IoError
  /// when EDFlib cannot write.
  void write_record(std::span<const double> samples);
  /// Queues an annotation (written, sorted by onset, at close()). `onset` is from the start of
  /// the recording, `duration` < 0 means none. Throws std::invalid_argument for a negative onset,
  /// or for a text longer than kMaxAnnotationBytes or containing control characters.
  void add_annotation(Ticks onset, Ticks duration, const std::string& text_utf8);

  /// Writes the annotations, closes the file and renames it over the target. Throws FormatError
  /// (too many annotations for the annotation signals) or IoError; on any error the temporary
  /// file is removed and the target is left untouched.
  void close();

  const std::filesystem::path& path() const noexcept;
  std::int64_t records_written() const noexcept;
  bool is_open() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ictaltrack
