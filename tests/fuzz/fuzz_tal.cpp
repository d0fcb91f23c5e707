// libFuzzer target: the EDF+ annotation (TAL) parser and the text decoders it feeds.
// The input is the bytes of one annotation signal of one data record.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "io/edf_detail.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ictaltrack::detail;
  std::vector<TalProblem> problems;
  const std::vector<Tal> tals = parse_tals(std::span<const unsigned char>(data, size), problems);
  for (const Tal& tal : tals) {
    if (tal.byte_offset < 0 || tal.byte_offset >= static_cast<std::int64_t>(size)) __builtin_trap();
    if (tal.duration < -1) __builtin_trap();  // durations are unsigned or absent (-1)
    for (const std::string& text : tal.texts) {
      bool valid = false;
      const std::string decoded = decode_lenient_utf8(text, &valid);
      if (valid && decoded != text) __builtin_trap();  // valid UTF-8 is kept byte for byte
    }
  }
  for (const TalProblem& problem : problems) {
    if (problem.byte_offset < 0 || problem.byte_offset >= static_cast<std::int64_t>(size)) {
      __builtin_trap();
    }
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)decode_header_text(text);
  (void)parse_decimal_ticks(text, true);
  (void)parse_decimal_ticks(text, false);
  return 0;
}
