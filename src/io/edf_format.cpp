#include "ictaltrack/io/edf_format.hpp"

#include <cctype>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "core/text.hpp"

namespace ictaltrack {

const char* to_string(FileFormat format) noexcept {
  switch (format) {
    case FileFormat::edf:
      return "EDF";
    case FileFormat::edf_plus_c:
      return "EDF+C";
    case FileFormat::edf_plus_d:
      return "EDF+D";
    case FileFormat::bdf:
      return "BDF";
    case FileFormat::bdf_plus_c:
      return "BDF+C";
    case FileFormat::bdf_plus_d:
      return "BDF+D";
  }
  return "unknown";
}

FileFormat parse_file_format(std::string_view name) {
  std::string upper;
  for (const unsigned char c : name) upper.push_back(static_cast<char>(std::toupper(c)));
  constexpr FileFormat kAll[] = {FileFormat::edf, FileFormat::edf_plus_c, FileFormat::edf_plus_d,
                                 FileFormat::bdf, FileFormat::bdf_plus_c, FileFormat::bdf_plus_d};
  for (const FileFormat format : kAll) {
    if (upper == to_string(format)) return format;
  }
  if (upper == "EDF+") return FileFormat::edf_plus_c;
  if (upper == "BDF+") return FileFormat::bdf_plus_c;
  throw std::invalid_argument("unknown file format '" + detail::printable(name) +
                              "' (EDF, EDF+C, EDF+D, BDF, BDF+C, BDF+D)");
}

bool is_bdf(FileFormat format) noexcept {
  return format == FileFormat::bdf || format == FileFormat::bdf_plus_c ||
         format == FileFormat::bdf_plus_d;
}

std::string StartDateTime::iso8601() const {
  char text[64];
  if (subsecond != 0) {
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%07lld", year, month, day, hour,
                  minute, second, static_cast<long long>(subsecond));
  } else {
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour,
                  minute, second);
  }
  return text;
}

}  // namespace ictaltrack
