#include "test_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <random>

namespace ictaltrack::testing {

std::filesystem::path corpus_dir() {
  std::filesystem::path dir = ICTALTRACK_CORPUS_DIR;
  if (const char* env = std::getenv("ICTALTRACK_CORPUS_DIR")) dir = env;
  return std::filesystem::is_directory(dir) ? dir : std::filesystem::path{};
}

std::vector<std::filesystem::path> corpus_files() {
  std::vector<std::filesystem::path> files;
  const auto dir = corpus_dir();
  if (dir.empty()) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (ext == ".edf" || ext == ".bdf") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::filesystem::path source_dir() { return ICTALTRACK_SOURCE_DIR; }

ScratchDir::ScratchDir() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("ictaltrack-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(random()));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace ictaltrack::testing
