// Text decoding, exact decimal parsing and the EDF+ time-stamped annotation lists (TAL).
#include <cstdint>
#include <limits>

#include "core/text.hpp"
#include "io/edf_detail.hpp"

namespace ictaltrack::detail {
namespace {

constexpr unsigned char kTalDurationMark = 0x15;
constexpr unsigned char kTalTextMark = 0x14;

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace

std::string decode_lenient_utf8(std::string_view raw, bool* was_valid) {
  const bool valid = is_valid_utf8(raw);
  if (was_valid) *was_valid = valid;
  if (valid) return std::string(raw);
  std::string out;
  out.reserve(raw.size() * 2);
  for (const char c : raw) append_utf8(out, static_cast<unsigned char>(c));
  return out;
}

std::string decode_header_text(std::string_view raw, bool* suspicious) {
  auto is_padding = [](char c) { return c == ' ' || c == '\0'; };
  while (!raw.empty() && is_padding(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_padding(raw.back())) raw.remove_suffix(1);
  bool odd = false;
  std::string cleaned;
  cleaned.reserve(raw.size());
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      odd = true;
      cleaned += "\xEF\xBF\xBD";  // U+FFFD keeps the position of the control byte visible
    } else {
      if (byte >= 0x80) odd = true;
      cleaned.push_back(c);
    }
  }
  if (suspicious) *suspicious = odd;
  // Control bytes were replaced by valid UTF-8 already, so validity depends on the other bytes.
  return odd ? decode_lenient_utf8(cleaned) : cleaned;
}

std::optional<std::int64_t> parse_decimal_ticks(std::string_view text, bool require_sign) {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    ++i;
  } else if (require_sign) {
    return std::nullopt;
  }
  // 1e11 s (3000 years) keeps every sum and difference of two parsed times inside int64.
  constexpr std::int64_t kMaxSeconds = 100'000'000'000;
  std::int64_t seconds = 0;
  std::int64_t fraction = 0;
  int fraction_digits = 0;
  bool any_digit = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    seconds = seconds * 10 + (text[i] - '0');
    if (seconds > kMaxSeconds) return std::nullopt;
    any_digit = true;
  }
  if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (fraction_digits < 7) {
        fraction = fraction * 10 + (text[i] - '0');
        ++fraction_digits;
      }
      any_digit = true;
    }
  }
  if (!any_digit || i != text.size()) return std::nullopt;
  for (; fraction_digits < 7; ++fraction_digits) fraction *= 10;
  const std::int64_t ticks = seconds * 10'000'000 + fraction;
  return negative ? -ticks : ticks;
}

std::vector<Tal> parse_tals(std::span<const unsigned char> bytes,
                            std::vector<TalProblem>& problems) {
  std::vector<Tal> tals;
  const std::size_t n = bytes.size();
  std::size_t pos = 0;
  auto skip_to_terminator = [&](std::size_t from) {
    while (from < n && bytes[from] != 0) ++from;
    return from;
  };
  while (pos < n) {
    if (bytes[pos] == 0) {  // padding after the last TAL, or between TALs
      ++pos;
      continue;
    }
    const std::size_t tal_start = pos;
    std::size_t onset_end = pos;
    while (onset_end < n && bytes[onset_end] != kTalTextMark &&
           bytes[onset_end] != kTalDurationMark && bytes[onset_end] != 0) {
      ++onset_end;
    }
    const std::string_view onset_text(reinterpret_cast<const char*>(bytes.data()) + pos,
                                      onset_end - pos);
    const auto onset = parse_decimal_ticks(onset_text, true);
    if (!onset || onset_end >= n || bytes[onset_end] == 0) {
      const bool at_end = onset_end >= n;
      problems.push_back({at_end ? "tal_unterminated" : "tal_malformed",
                          at_end ? "TAL ends without its terminator"
                                 : "TAL onset '" + printable(onset_text) +
                                       "' is not a signed "
                                       "decimal number followed by 0x14 or 0x15",
                          static_cast<std::int64_t>(tal_start)});
      pos = skip_to_terminator(onset_end);
      continue;
    }
    Tal tal;
    tal.onset = *onset;
    tal.byte_offset = static_cast<std::int64_t>(tal_start);
    pos = onset_end;
    if (bytes[pos] == kTalDurationMark) {
      std::size_t duration_end = pos + 1;
      while (duration_end < n && bytes[duration_end] != kTalTextMark && bytes[duration_end] != 0) {
        ++duration_end;
      }
      const std::string_view duration_text(reinterpret_cast<const char*>(bytes.data()) + pos + 1,
                                           duration_end - pos - 1);
      const auto duration = parse_decimal_ticks(duration_text, false);
      if (duration_end >= n || bytes[duration_end] == 0 || !duration || *duration < 0) {
        const bool at_end = duration_end >= n;
        problems.push_back({at_end ? "tal_unterminated" : "tal_malformed",
                            at_end ? "TAL ends without its terminator"
                                   : "TAL duration '" + printable(duration_text) +
                                         "' is not an unsigned decimal number",
                            static_cast<std::int64_t>(tal_start)});
        pos = skip_to_terminator(duration_end);
        continue;
      }
      tal.duration = *duration;
      pos = duration_end;
    }
    // pos is at the 0x14 that opens the first annotation; each text ends with 0x14.
    ++pos;
    bool terminated = false;
    while (pos < n) {
      if (bytes[pos] == 0) {
        terminated = true;
        ++pos;
        break;
      }
      std::size_t text_end = pos;
      while (text_end < n && bytes[text_end] != kTalTextMark && bytes[text_end] != 0) ++text_end;
      if (text_end >= n || bytes[text_end] == 0) {
        // A text that runs into the end or a NUL without its 0x14 is incomplete: drop it.
        pos = text_end;
        break;
      }
      tal.texts.emplace_back(reinterpret_cast<const char*>(bytes.data()) + pos, text_end - pos);
      pos = text_end + 1;
    }
    if (!terminated) {
      problems.push_back({"tal_unterminated",
                          "TAL at byte " + std::to_string(tal_start) +
                              " is not closed by 0x14 0x00; its complete annotations are kept",
                          static_cast<std::int64_t>(tal_start)});
      if (pos < n && bytes[pos] == 0) ++pos;
    }
    tals.push_back(std::move(tal));
  }
  return tals;
}

}  // namespace ictaltrack::detail
