// libFuzzer target: the whole reader path on one file: open (header, annotations, EDF+D record
// onsets), then read every channel (physical double and float, digital, several channels of one
// rate at once), sample times and segments. Only ictaltrack::Error may escape the reader.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "memfd_file.hpp"

namespace {

void read_everything(const ictaltrack::EdfReader& reader, bool clipped) {
  const ictaltrack::RecordingInfo& info = reader.info();
  if (static_cast<std::int64_t>(info.record_onsets.size()) != info.n_records) __builtin_trap();
  (void)reader.segments();
  for (const ictaltrack::Annotation& annotation : reader.annotations()) {
    if (annotation.record < 0 || annotation.record >= info.n_records) __builtin_trap();
  }
  std::map<std::int32_t, std::vector<int>> channels_by_rate;
  for (int c = 0; c < info.n_channels(); ++c) {
    const ictaltrack::ChannelInfo& channel = info.channels[c];
    const auto n = static_cast<std::size_t>(channel.n_samples);
    std::vector<double> physical(n);
    std::vector<float> physical_float(n);
    std::vector<std::int32_t> digital(n);
    reader.read_physical(c, 0, channel.n_samples, physical.data());
    reader.read_physical(c, 0, channel.n_samples, physical_float.data());
    reader.read_digital(c, 0, channel.n_samples, digital.data());
    for (std::size_t k = 0; k < n; ++k) {
      // Clipping keeps digital values inside the channel's declared range (Status excepted).
      const std::int32_t low = std::min(channel.digital_min, channel.digital_max);
      const std::int32_t high = std::max(channel.digital_min, channel.digital_max);
      const bool clips = clipped && !channel.is_bdf_status && low != high;
      if (clips && (digital[k] < low || digital[k] > high)) {
        __builtin_trap();
      }
      if (channel.calibrated && std::isnan(physical[k])) __builtin_trap();
    }
    if (channel.n_samples > 0) {
      (void)reader.sample_time(c, 0);
      (void)reader.sample_time(c, channel.n_samples - 1);
    }
    if (channel.samples_per_record > 0) channels_by_rate[channel.samples_per_record].push_back(c);
  }
  for (const auto& [rate, channels] : channels_by_rate) {
    const std::int64_t n = info.channels[channels[0]].n_samples;
    if (n == 0) continue;
    // An odd window inside the recording exercises partial first and last records.
    const std::int64_t start = n / 3;
    const std::int64_t count = n - start;
    std::vector<double> block(channels.size() * static_cast<std::size_t>(count));
    reader.read_physical(channels, start, count, block.data(), count);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ictaltrack::fuzz::MemfdFile file;
  file.assign(data, size);
  for (const bool annotations : {true, false}) {
    try {
      ictaltrack::ReaderOptions options;
      options.read_annotations = annotations;
      options.clip_to_digital_range = annotations;  // both settings get fuzzed
      const ictaltrack::EdfReader reader(file.path(), options);
      read_everything(reader, options.clip_to_digital_range);
    } catch (const ictaltrack::Error&) {
      // a typed, explained refusal is a correct outcome for a malformed file
    }
  }
  return 0;
}
