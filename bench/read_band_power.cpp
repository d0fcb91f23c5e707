// ictaltrack's read + band power for the peer comparison (bench/compare_peers.py): the streaming
// EdfReader bulk path feeding one BandPowerEngine chunk by chunk, no detection. Not part of the
// library.
//
//   read_band_power FILE [--threads N] [--chunk-s S] [--in-memory]
//
// Streaming (default): memory stays bounded by the chunk. --in-memory first reads every channel
// into one (n_channels, n_times) array, then times ictaltrack::band_power() on it alone
// (`band_power_s`): the C++ side of the "Python API on an in-memory array" comparison.
// Prints one JSON line: wall seconds, the band-power part, windows, channels, checksum.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <numeric>
#include <string>
#include <vector>

#include "ictaltrack/io/edf_reader.hpp"
#include "ictaltrack/spectral/band_power.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double checksum(const ictaltrack::BandPowerResult& result) {
  return std::accumulate(result.power.begin(), result.power.end(), 0.0);
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: read_band_power FILE [--threads N] [--chunk-s S] [--in-memory]\n");
    return 2;
  }
  const std::string path = argv[1];
  int threads = 1;
  double chunk_s = 60.0;
  bool in_memory = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (arg == "--chunk-s" && i + 1 < argc) {
      chunk_s = std::atof(argv[++i]);
    } else if (arg == "--in-memory") {
      in_memory = true;
    } else {
      std::fprintf(stderr, "read_band_power: unknown argument '%s'\n", arg.c_str());
      return 2;
    }
  }
  const auto started = Clock::now();
  ictaltrack::ReaderOptions reader_options;
  reader_options.read_annotations = false;
  const ictaltrack::EdfReader reader(path, reader_options);
  const auto& info = reader.info();
  std::vector<int> channels(static_cast<std::size_t>(info.n_channels()));
  std::iota(channels.begin(), channels.end(), 0);
  const double sfreq = info.channels.at(0).sfreq;
  const std::int64_t n_times = info.channels.at(0).n_samples;
  ictaltrack::BandPowerOptions options;  // the reference job: 2 s Hann, 1 s hop, five bands
  options.window_s = 2.0;                // (the default window is 4 s)
  options.n_threads = threads;

  ictaltrack::BandPowerResult result;
  double band_power_s = 0.0;
  if (in_memory) {
    std::vector<double> data(channels.size() * static_cast<std::size_t>(n_times));
    reader.read_physical(channels, 0, n_times, data.data(), n_times);
    const auto band_started = Clock::now();
    result = ictaltrack::band_power(data.data(), channels.size(), static_cast<std::size_t>(n_times),
                                    sfreq, options);
    band_power_s = since(band_started);
  } else {
    // Continuous files only (the reference job is EDF+C): one segment, read in chunk_s pieces.
    const auto chunk = std::max<std::int64_t>(1, static_cast<std::int64_t>(chunk_s * sfreq));
    std::vector<double> buffer(channels.size() * static_cast<std::size_t>(chunk));
    ictaltrack::BandPowerEngine engine(sfreq, channels.size(), options);
    for (std::int64_t first = 0; first < n_times; first += chunk) {
      const std::int64_t count = std::min(chunk, n_times - first);
      reader.read_physical(channels, first, count, buffer.data(), chunk);
      const auto band_started = Clock::now();
      engine.push(buffer.data(), static_cast<std::size_t>(count), static_cast<std::size_t>(chunk),
                  result);
      band_power_s += since(band_started);
    }
  }
  std::printf(
      "{\"wall_s\": %.6f, \"band_power_s\": %.6f, \"n_windows\": %zu, \"n_channels\": %zu, "
      "\"checksum\": %.17g}\n",
      since(started), band_power_s, result.n_windows, result.n_channels, checksum(result));
  return 0;
} catch (const std::exception& error) {
  std::fprintf(stderr, "read_band_power: %s\n", error.what());
  return 1;
}
