// What the EDF/BDF reader and writer share: the file format and the start date-time of a
// recording.
#pragma once

#include <string>
#include <string_view>

#include "ictaltrack/time.hpp"
#include "ictaltrack/warning.hpp"

namespace ictaltrack {

/// The six EDF/BDF variants. The reader reads all of them; the writer writes edf_plus_c (16-bit
/// samples) and bdf_plus_c (24-bit samples).
enum class FileFormat { edf, edf_plus_c, edf_plus_d, bdf, bdf_plus_c, bdf_plus_d };
/// "EDF", "EDF+C", "EDF+D", "BDF", "BDF+C", "BDF+D".
const char* to_string(FileFormat format) noexcept;
/// The names of to_string in any case; also "EDF+"/"BDF+" for EDF+C/BDF+C. Throws
/// std::invalid_argument otherwise.
FileFormat parse_file_format(std::string_view name);
/// True for the BDF variants (24-bit samples).
bool is_bdf(FileFormat format) noexcept;

/// Start of a recording (civil date-time of the header, plus the sub-second part EDF+/BDF+ keep
/// in the first record's time-keeping TAL).
struct StartDateTime {
  int year = 1985, month = 1, day = 1;  ///< 1985-01-01 is EDF's anonymised date (and the reader's
                                        ///< fallback when the header date is unreadable, warned)
  int hour = 0, minute = 0, second = 0;
  Ticks subsecond = 0;  ///< 0 <= subsecond < kTicksPerSecond
  /// ISO 8601 text, e.g. "2019-03-07T10:02:03.2500000" (7 decimals when subsecond != 0).
  std::string iso8601() const;
};

}  // namespace ictaltrack
