// Replays fuzz inputs through a libFuzzer target without libFuzzer: a main() that feeds each file
// to LLVMFuzzerTestOneInput once. Linked with each tests/fuzz/fuzz_*.cpp target into the
// AddressSanitizer + UndefinedBehaviorSanitizer build (ICTALTRACK_SANITIZE), so `make test`
// replays the seed corpus and every committed reproducer without a separate clang build; timed
// fuzzing stays in `make fuzz`. A finding aborts the process (sanitizer report, __builtin_trap,
// escaping exception), which fails the ctest case.
//   fuzz_replay_<target> [--max-len=BYTES] PATH...   (a PATH is a file or a folder, walked
//   recursively like libFuzzer's corpus folders; inputs are cut at BYTES like libFuzzer's -max_len)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> read_prefix(const std::filesystem::path& path, std::size_t max_len) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    std::fprintf(stderr, "fuzz replay: cannot open %s\n", path.c_str());
    std::exit(2);
  }
  std::vector<std::uint8_t> bytes(max_len);
  stream.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(max_len));
  bytes.resize(static_cast<std::size_t>(stream.gcount()));
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t max_len = 1U << 20U;
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument(argv[i]);
    constexpr std::string_view max_len_flag = "--max-len=";
    if (argument.starts_with(max_len_flag)) {
      max_len = std::stoul(std::string(argument.substr(max_len_flag.size())));
      continue;
    }
    const std::filesystem::path path(argument);
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else if (std::filesystem::is_regular_file(path)) {
      inputs.push_back(path);
    } else {
      std::fprintf(stderr, "fuzz replay: no such file or folder: %s\n", path.c_str());
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "fuzz replay: no input (a replay that runs nothing must not pass)\n");
    return 2;
  }
  std::sort(inputs.begin(), inputs.end());  // a stable order, so a failure is reproducible
  for (const std::filesystem::path& input : inputs) {
    const std::vector<std::uint8_t> bytes = read_prefix(input, max_len);
    std::fprintf(stderr, "replay %s (%zu bytes)\n", input.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::printf("fuzz replay: %zu inputs, no finding\n", inputs.size());
  return 0;
}
