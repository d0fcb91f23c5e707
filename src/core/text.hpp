// Text that crosses the library's boundary: every message (warning, exception) must be valid,
// printable UTF-8 whatever bytes a file holds, so that any caller (a C++ log, Python's str, a JSON
// writer) can show it. Messages quote file bytes only through printable().
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ictaltrack::detail {

/// Length (1-4) of the well-formed UTF-8 sequence starting at text[at], or 0 when the bytes there
/// are not one (a stray continuation byte, a truncated sequence, an overlong form, a surrogate or
/// a value above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) noexcept;

/// True when the whole of `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text) noexcept;

/// `bytes` made safe to quote in a message: well-formed UTF-8 sequences other than control
/// characters are kept as they are; every other byte (invalid UTF-8, C0 controls, DEL) becomes
/// `\xNN` (two upper-case hex digits, as Python's "backslashreplace"), so the result is valid,
/// printable UTF-8 that still shows which bytes the file holds.
std::string printable(std::string_view bytes);

}  // namespace ictaltrack::detail
