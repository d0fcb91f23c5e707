// Internal pieces of the EDF/BDF reader shared by the header parser, the TAL parser and the reader.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ictaltrack/io/edf_reader.hpp"

namespace ictaltrack::detail {

/// Where one signal lives inside a data record.
struct SignalLayout {
  std::int64_t offset_in_record = 0;  ///< bytes from the record start
  std::int32_t samples_per_record = 0;
  bool is_annotation = false;
  bool operator==(const SignalLayout&) const = default;
};

struct ParsedHeader {
  RecordingInfo info;
  std::vector<SignalLayout> signals;  ///< all header signals
  int bytes_per_sample = 2;
};

/// Parses the header of the open file `fd` of `file_bytes` bytes and works out the number of
/// complete records (`growing`: ReaderOptions::growing). Record onsets and annotations are left to
/// the caller.
ParsedHeader parse_header(int fd, const std::string& path, std::int64_t file_bytes,
                          bool growing = false);

/// Reads exactly `size` bytes at `offset`; throws IoError on failure or a short read.
void pread_exact(int fd, void* buffer, std::size_t size, std::int64_t offset,
                 const std::string& path);

/// Header text: trims spaces/NULs at both ends, then decodes as UTF-8 or, if invalid, Latin-1.
/// Control bytes become U+FFFD. `suspicious` is set when a byte is not printable ASCII.
std::string decode_header_text(std::string_view raw, bool* suspicious = nullptr);
/// UTF-8 when valid, else each byte as Latin-1. `was_valid` reports which.
std::string decode_lenient_utf8(std::string_view raw, bool* was_valid = nullptr);

/// Parses an exact decimal number of seconds ("+12.3456789", "0.5", "-3") into 100 ns ticks
/// without floating point. Digits beyond the 7th decimal are truncated. Requires a leading sign
/// when `require_sign`. Returns nullopt on any other character or on overflow.
std::optional<std::int64_t> parse_decimal_ticks(std::string_view text, bool require_sign);

/// One time-stamped annotation list of an annotation signal.
struct Tal {
  std::int64_t onset = 0;
  std::int64_t duration = -1;
  std::vector<std::string> texts;  ///< raw bytes of each annotation, in order (may be empty)
  std::int64_t byte_offset = 0;    ///< offset within the parsed bytes
};

struct TalProblem {
  std::string code;  ///< "tal_unterminated", "tal_malformed"
  std::string message;
  std::int64_t byte_offset = 0;
};

/// Parses all TALs in the bytes of one annotation signal of one record. Malformed TALs are skipped
/// (reported in `problems`); an unterminated last TAL keeps the annotations completed before the
/// end of the bytes.
std::vector<Tal> parse_tals(std::span<const unsigned char> bytes,
                            std::vector<TalProblem>& problems);

}  // namespace ictaltrack::detail
