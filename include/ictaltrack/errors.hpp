// Typed errors thrown by ictaltrack. Each is thrown once, at the boundary that found the problem,
// and names the place: FormatError carries the header field, the signal index and the byte offset.
// The Python bindings map them to ictaltrack.FormatError / IoError / UnsupportedError.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace ictaltrack {

/// Base class of every error ictaltrack throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The file breaks the EDF/BDF format in a way that cannot be read around.
class FormatError : public Error {
 public:
  /// `field`: header field or structure name (e.g. "number of data records", "TAL");
  /// `signal`: signal index or -1 when not signal-specific; `byte_offset`: offset in the file or
  /// -1.
  FormatError(std::string field, int signal, std::int64_t byte_offset, const std::string& what);
  const std::string& field() const noexcept { return field_; }
  int signal() const noexcept { return signal_; }
  std::int64_t byte_offset() const noexcept { return byte_offset_; }

 private:
  std::string field_;
  int signal_;
  std::int64_t byte_offset_;
};

/// The operating system refused: missing file, permission, directory, short read, disk full.
/// `error_number` is the errno value behind it when one is known (ENOENT, EACCES, EISDIR, ...),
/// else 0; Python maps it to the matching OSError subclass (FileNotFoundError, ...).
class IoError : public Error {
 public:
  IoError(std::string path, const std::string& what, int error_number = 0);
  const std::string& path() const noexcept { return path_; }
  int error_number() const noexcept { return error_number_; }

 private:
  std::string path_;
  int error_number_;
};

/// Valid input that this version does not handle (e.g. mixed-rate channels in one request).
class UnsupportedError : public Error {
 public:
  using Error::Error;
};

}  // namespace ictaltrack
