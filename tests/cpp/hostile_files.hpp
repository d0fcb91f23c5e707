// The hostile-file table: one generated file per defect and the outcome the reader must give.
// Shared by test_hostile_files.cpp (outcome, input left untouched) and test_hostile_memory.cpp
// (bounded allocations while opening). docs/reliability.md lists the same table.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "edf_builder.hpp"

namespace ictaltrack::testing {

struct HostileOutcome {
  enum class Kind {
    kFormatError,  ///< FormatError naming `name` (field), `signal` and `byte_offset`
    kWarning,      ///< opens; warning `name` raised for `signal` (-1: file-wide)
  };
  Kind kind = Kind::kWarning;
  std::string name;  ///< the FormatError field or the warning code
  int signal = -1;
  std::int64_t byte_offset = -1;  ///< FormatError only
  /// kWarning: the channel (data-channel index) that must be flagged usable == false.
  std::optional<int> unusable_channel;
};

struct HostileFile {
  std::string defect;     ///< short name, also the row of the table in docs/reliability.md
  std::string file_name;  ///< .edf or .bdf
  std::string bytes;
  HostileOutcome outcome;
  /// For files that open: the builder whose samples every data channel must still match over
  /// the records the reader uses (nullopt when the data part is not the builder's).
  std::optional<EdfBuilder> samples_from;
};

namespace hostile_detail {

inline constexpr int kSpr = 8;

/// Plain EDF, two data channels (Fp1, Fp2) of 8 samples per 1 s record, 3 records.
inline EdfBuilder plain_edf() {
  EdfBuilder builder;
  builder.add_signal("Fp1", kSpr);
  builder.add_signal("Fp2", kSpr);
  return builder;
}

/// EDF+C: the two data channels plus a 60-byte annotation signal (signal 2).
inline EdfBuilder edf_plus(const std::string& reserved = "EDF+C") {
  EdfBuilder builder = plain_edf();
  builder.reserved = reserved;
  builder.add_annotation_signal(60);
  return builder;
}

inline std::string tal(const std::string& onset, const std::string& text) {
  std::string out = onset + '\x14' + text + '\x14';
  out.push_back('\0');
  return out;
}

inline HostileOutcome format_error(std::string field, int signal, std::int64_t byte_offset) {
  return {HostileOutcome::Kind::kFormatError, std::move(field), signal, byte_offset, {}};
}
inline HostileOutcome warning(std::string code, int signal = -1, std::optional<int> unusable = {}) {
  return {HostileOutcome::Kind::kWarning, std::move(code), signal, -1, unusable};
}

inline std::int64_t field_at(int n_signals, int field_start, int width, int signal) {
  return signal_field_offset(n_signals, field_start, width, signal);
}

}  // namespace hostile_detail

/// Every hostile file, each with one deliberate defect.
inline std::vector<HostileFile> hostile_files() {
  using namespace hostile_detail;
  std::vector<HostileFile> files;
  auto add_error = [&](std::string defect, std::string bytes, HostileOutcome outcome,
                       std::string name = "f.edf") {
    files.push_back({std::move(defect), std::move(name), std::move(bytes), std::move(outcome), {}});
  };
  auto add_warning = [&](std::string defect, const EdfBuilder& builder, HostileOutcome outcome,
                         std::string name = "f.edf") {
    files.push_back(
        {std::move(defect), std::move(name), builder.bytes(), std::move(outcome), builder});
  };
  auto add_patched = [&](std::string defect, const EdfBuilder& builder, std::int64_t offset,
                         int width, const std::string& text, HostileOutcome outcome) {
    std::string bytes = builder.bytes();
    put_field(bytes, offset, width, text);
    files.push_back({std::move(defect), "f.edf", std::move(bytes), std::move(outcome), {}});
  };

  // ---- The file as a whole
  add_error("empty file", "", format_error("header", -1, 0));
  add_error("truncated fixed header (100 bytes)", plain_edf().bytes().substr(0, 100),
            format_error("header", -1, 100));
  add_error("truncated signal headers", plain_edf().bytes().substr(0, 600),
            format_error("number of signals", -1, 252));
  add_patched("unknown version field", plain_edf(), 0, 8, "X", format_error("version", -1, 0));
  {
    EdfBuilder b = plain_edf();
    b.version_field = "0abc";
    add_warning("version field '0' with trailing junk", b, warning("bad_version"));
  }
  // ---- Counts in the fixed header
  add_patched("zero signals", plain_edf(), 252, 4, "0", format_error("number of signals", -1, 252));
  add_patched("negative signal count", plain_edf(), 252, 4, "-3",
              format_error("number of signals", -1, 252));
  add_patched("more signals than the file has bytes", plain_edf(), 252, 4, "9999",
              format_error("number of signals", -1, 252));
  add_patched("non-numeric signal count", plain_edf(), 252, 4, "two",
              format_error("number of signals", -1, 252));
  {
    EdfBuilder b = plain_edf();
    b.header_bytes_field = "1024";
    add_warning("header size field wrong", b, warning("header_size_mismatch"));
    b.header_bytes_field = "-256";
    add_warning("header size field negative", b, warning("header_size_mismatch"));
    b.header_bytes_field = "bytes";
    add_warning("header size field non-numeric", b, warning("header_size_mismatch"));
  }
  {
    EdfBuilder b = plain_edf();
    b.n_records_field = "-1";
    add_warning("record count -1 (recording in progress)", b, warning("record_count_unknown"));
    b.n_records_field = "99999999";
    add_warning("huge record count", b, warning("truncated_data"));
  }
  add_patched("negative record count", plain_edf(), 236, 8, "-5",
              format_error("number of data records", -1, 236));
  add_patched("non-numeric record count", plain_edf(), 236, 8, "three",
              format_error("number of data records", -1, 236));
  {
    const EdfBuilder b = plain_edf();
    std::string bytes = b.bytes();
    bytes.resize(bytes.size() - 7);  // cut inside the last record
    files.push_back(
        {"truncated data (last record cut)", "f.edf", bytes, warning("truncated_data"), b});
    bytes = b.bytes() + "junk!";
    files.push_back(
        {"trailing bytes after the last record", "f.edf", bytes, warning("trailing_bytes"), b});
  }
  add_patched("non-numeric record duration", plain_edf(), 244, 8, "one",
              format_error("duration of a data record", -1, 244));
  add_patched("negative record duration", plain_edf(), 244, 8, "-1",
              format_error("duration of a data record", -1, 244));
  add_patched("zero record duration with samples", plain_edf(), 244, 8, "0",
              format_error("duration of a data record", -1, 244));
  // ---- Per-signal fields (2 signals: field offsets in units of 2 bytes per width)
  {
    EdfBuilder b = plain_edf();
    b.signals[1].samples_per_record = 0;
    add_warning("samples per record zero", b, warning("zero_samples_per_record", 1, 1));
  }
  add_patched("samples per record absurd (99999999)", plain_edf(), field_at(2, 216, 8, 0), 8,
              "99999999",
              format_error("number of samples in each data record", 0, field_at(2, 216, 8, 0)));
  add_patched("samples per record negative", plain_edf(), field_at(2, 216, 8, 1), 8, "-8",
              format_error("number of samples in each data record", 1, field_at(2, 216, 8, 1)));
  {
    EdfBuilder b = plain_edf();
    b.signals[0].samples_per_record = 0;
    b.signals[1].samples_per_record = 0;
    add_error("every signal without samples, data present", b.bytes() + "xx",
              format_error("number of samples in each data record", -1, field_at(2, 216, 8, 0)));
  }
  add_patched("annotation signal larger than the record and the file", edf_plus(),
              field_at(3, 216, 8, 2), 8, "50000000",
              format_error("number of samples in each data record", 2, field_at(3, 216, 8, 2)));
  {
    EdfBuilder b = plain_edf();
    b.signals[1].physical_min = "100";
    b.signals[1].physical_max = "100";
    add_warning("physical min == max", b, warning("physical_range_empty", 1, 1));
  }
  {
    EdfBuilder b = plain_edf();
    b.signals[0].physical_min = "1e308";
    b.signals[0].physical_max = "-1e308";
    add_warning("physical range overflowing the calibration", b,
                warning("calibration_not_finite", 0, 0));
  }
  {
    EdfBuilder b = plain_edf();
    b.signals[0].digital_min = "5";
    b.signals[0].digital_max = "5";
    add_warning("digital min == max", b, warning("digital_range_empty", 0, 0));
  }
  {
    EdfBuilder b = plain_edf();
    b.signals[0].digital_min = "32767";
    b.signals[0].digital_max = "-32768";
    add_warning("digital min > max", b, warning("digital_range_inverted", 0));
  }
  {
    EdfBuilder b = plain_edf();
    b.signals[1].digital_max = "99999";
    add_warning("digital range beyond 16 bits", b, warning("digital_range_exceeds_format", 1));
  }
  add_patched("non-numeric physical minimum", plain_edf(), field_at(2, 104, 8, 1), 8, "low",
              format_error("physical minimum", 1, field_at(2, 104, 8, 1)));
  add_patched("physical maximum 'nan'", plain_edf(), field_at(2, 112, 8, 0), 8, "nan",
              format_error("physical maximum", 0, field_at(2, 112, 8, 0)));
  add_patched("non-numeric digital minimum", plain_edf(), field_at(2, 120, 8, 0), 8, "-32k",
              format_error("digital minimum", 0, field_at(2, 120, 8, 0)));
  add_patched("digital maximum in exponent notation", plain_edf(), field_at(2, 128, 8, 1), 8,
              "3.2e4", format_error("digital maximum", 1, field_at(2, 128, 8, 1)));
  // ---- Text fields
  {
    EdfBuilder b = plain_edf();
    b.signals[1].label = std::string("F\x01p\x7F") + "2";
    add_warning("label with control bytes", b, warning("non_ascii_text", 1));
  }
  {
    EdfBuilder b = plain_edf();
    b.signals[1].label = "-";
    add_warning("dummy channel labelled '-'", b, warning("dummy_channel", 1, 1));
  }
  {
    EdfBuilder b = plain_edf();
    b.signals[1].label = "Fp1";
    add_warning("duplicate labels", b, warning("duplicate_label", 1));
  }
  {
    EdfBuilder b = plain_edf();
    b.start_date = "31.02.21";
    add_warning("start date not a calendar date", b, warning("bad_date"));
    b.start_date = "07.03.21";
    b.start_time = "25.61.00";
    add_warning("start time out of range", b, warning("bad_time"));
  }
  {
    EdfBuilder b = plain_edf();
    b.patient = "Kr\xE4mpfe";
    add_warning("Latin-1 bytes in the patient field", b, warning("non_ascii_text"));
  }
  {
    EdfBuilder b = plain_edf();
    b.reserved = "BDF+C";
    add_warning("EDF file claiming BDF+", b, warning("reserved_field_mismatch"));
  }
  add_warning(
      "EDF+C without an annotation signal",
      [] {
        EdfBuilder b = plain_edf();
        b.reserved = "EDF+C";
        return b;
      }(),
      warning("missing_annotation_signal"));
  // ---- Annotations and record times
  {
    EdfBuilder b = edf_plus();
    std::string cut = tal("+1", "");
    cut +=
        "+1.7\x14"
        "cut off";
    cut.resize(60, 'x');
    b.signals[2].raw_tals = std::vector<std::string>{tal("+0", ""), cut, tal("+2", "")};
    add_warning("TAL without terminator", b, warning("tal_unterminated", 2));
  }
  {
    EdfBuilder b = edf_plus();
    b.signals[2].extra_tals = {"", tal("1.5", "no sign")};
    add_warning("TAL onset without sign", b, warning("tal_malformed", 2));
    b.signals[2].extra_tals = {"", tal("+99999999999999999999", "overflow")};
    add_warning("TAL onset overflowing 64 bits", b, warning("tal_malformed", 2));
  }
  {
    EdfBuilder b = edf_plus();
    b.signals[2].extra_tals = {tal("+0.8", "late"), tal("+0.2", "early")};
    add_warning("TAL onset going backwards", b, warning("annotation_onset_backwards", 2));
  }
  {
    EdfBuilder b = edf_plus();
    b.signals[2].extra_tals = {tal("+0.5", "Kr\xE4mpfe")};
    add_warning("annotation text not UTF-8", b, warning("non_utf8_annotation"));
  }
  {
    EdfBuilder b = edf_plus("EDF+D");
    b.signals[2].raw_tals = std::vector<std::string>{tal("+0", ""), "", tal("+5", "")};
    add_warning("record without time-keeping TAL", b, warning("missing_time_keeping"));
  }
  {
    EdfBuilder b = edf_plus("EDF+D");
    b.record_onsets = {"0", "0.5", "3"};
    add_warning("EDF+D with overlapping records", b, warning("overlapping_records"));
    b.record_onsets = {"0", "10", "4"};
    add_warning("EDF+D with a record going backwards", b, warning("record_onset_backwards"));
  }
  {
    EdfBuilder b = edf_plus();
    b.record_onsets = {"0", "1", "7"};
    add_warning("EDF+C with a gap in the time-keeping TALs", b, warning("record_onset_mismatch"));
  }
  {
    EdfBuilder b = edf_plus();
    b.signals[2].raw_tals = std::vector<std::string>{tal("-5", ""), tal("-4", ""), tal("-3", "")};
    add_warning("first record 5 s before the header start", b, warning("start_offset"));
  }
  {
    EdfBuilder b;
    b.bdf = true;
    b.reserved = "BDF+C";
    b.add_signal("A1", kSpr).samples = [](std::int64_t record, std::int64_t k) {
      return (record + k) % 2 == 0 ? 8388607 : -8388608;
    };
    b.add_signal("A2", kSpr).digital_max = "99999999";
    b.add_annotation_signal(30);
    add_warning("BDF with 24-bit extremes and a range beyond 24 bits", b,
                warning("digital_range_exceeds_format", 1), "f.bdf");
  }
  return files;
}

}  // namespace ictaltrack::testing
