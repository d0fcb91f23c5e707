// An anonymous in-memory file (memfd) that each fuzz input is written into, so the reader runs
// its real file path (open, fstat, pread) without touching the disk. Created once per process.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace ictaltrack::fuzz {

class MemfdFile {
 public:
  MemfdFile() : fd_(::memfd_create("ictaltrack-fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) std::abort();  // the fuzzer cannot work at all without it
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemfdFile() { ::close(fd_); }
  MemfdFile(const MemfdFile&) = delete;
  MemfdFile& operator=(const MemfdFile&) = delete;

  /// Replaces the whole content with `data`.
  void assign(const std::uint8_t* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < size) {
      const ssize_t wrote = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (wrote <= 0) std::abort();
      done += static_cast<std::size_t>(wrote);
    }
  }
  int fd() const noexcept { return fd_; }
  /// A path that open(2) resolves to this memfd (the reader opens its own read-only descriptor).
  const std::string& path() const noexcept { return path_; }

 private:
  int fd_;
  std::string path_;
};

}  // namespace ictaltrack::fuzz
