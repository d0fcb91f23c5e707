// Helpers shared by the C++ tests: where the corpus is, scratch directories.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ictaltrack::testing {

/// ../shared/corpus beside the checkout, or an empty path when it is absent (tests then skip).
std::filesystem::path corpus_dir();
/// Every .edf/.bdf file (any case) below the corpus, sorted; empty when the corpus is absent.
std::vector<std::filesystem::path> corpus_files();
/// The repository root.
std::filesystem::path source_dir();

/// A fresh directory removed (with its content) when the object goes out of scope.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace ictaltrack::testing
