// libFuzzer target: the EDF/BDF header parser (fixed header, signal headers, record counting).
// Any outcome but success or an ictaltrack::Error (FormatError/IoError) is a finding: an escaping
// std:: exception, a sanitizer report, a huge allocation (-malloc_limit_mb) or a hang.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ictaltrack/errors.hpp"
#include "io/edf_detail.hpp"
#include "memfd_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ictaltrack::fuzz::MemfdFile file;
  file.assign(data, size);
  try {
    const ictaltrack::detail::ParsedHeader header =
        ictaltrack::detail::parse_header(file.fd(), "fuzz-input", static_cast<std::int64_t>(size));
    // Invariants the reader relies on when it turns header fields into byte offsets.
    const ictaltrack::RecordingInfo& info = header.info;
    if (info.n_signals != static_cast<int>(header.signals.size())) __builtin_trap();
    if (info.header_bytes + info.n_records * info.record_bytes > info.file_bytes) __builtin_trap();
    for (const ictaltrack::ChannelInfo& channel : info.channels) {
      if (channel.signal_index < 0 || channel.signal_index >= info.n_signals) __builtin_trap();
      if (channel.n_samples != info.n_records * channel.samples_per_record) __builtin_trap();
      // A channel called calibrated must give finite physical values for every digital value.
      if (channel.calibrated && (!std::isfinite(channel.gain) || !std::isfinite(channel.offset))) {
        __builtin_trap();
      }
    }
  } catch (const ictaltrack::Error&) {
    // a typed refusal is a correct outcome for a malformed header
  }
  return 0;
}
