#include "ictaltrack/errors.hpp"

#include <utility>

#include "core/text.hpp"

namespace ictaltrack {
namespace {
std::string describe_format_error(const std::string& field, int signal, std::int64_t byte_offset,
                                  const std::string& what) {
  std::string message = what + " [field: " + field;
  if (signal >= 0) message += ", signal " + std::to_string(signal);
  if (byte_offset >= 0) message += ", byte offset " + std::to_string(byte_offset);
  return message + "]";
}
}  // namespace

FormatError::FormatError(std::string field, int signal, std::int64_t byte_offset,
                         const std::string& what)
    : Error(describe_format_error(field, signal, byte_offset, what)),
      field_(std::move(field)),
      signal_(signal),
      byte_offset_(byte_offset) {}

IoError::IoError(std::string path, const std::string& what, int error_number)
    // A path may hold bytes that are not UTF-8 (POSIX file names are bytes): the message shows
    // them escaped, path() keeps them as they are.
    : Error(path.empty() ? what : what + ": " + detail::printable(path)),
      path_(std::move(path)),
      error_number_(error_number) {}

}  // namespace ictaltrack
