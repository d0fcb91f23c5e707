// The streaming seizure detector against its own floor (the band-power engine alone, on the same
// data and bands) on the reference job shape: 19 referential channels at 256 Hz, one simulated
// hour (seizures and artifacts included) held in memory, fed in 16 s chunks of float32 as
// detect_file does. Counters: channel-hours per second and the projected seconds for the 24 h
// reference job (wall clock). File reading is not included (see bench_reader).
//   build/cpp/bench/bench_detector
#include <benchmark/benchmark.h>

#include <vector>

#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/simulate/simulator.hpp"
#include "ictaltrack/spectral/band_power.hpp"

namespace {

constexpr double kSeconds = 3600.0;
constexpr std::size_t kChunk = 16 * 256;

struct Hour {
  std::vector<std::string> labels;
  std::vector<float> data;  // chunk-major: each chunk is (channels, kChunk)
  std::size_t n_samples = 0;
};

const Hour& simulated_hour() {
  static const Hour hour = [] {
    ictaltrack::SimulationOptions config;
    config.seed = 7;
    config.duration_s = kSeconds;
    ictaltrack::SimulationGenerator generator(config);
    Hour h;
    h.labels = generator.channel_labels();
    h.n_samples = static_cast<std::size_t>(generator.total_samples());
    const std::size_t n = h.labels.size();
    std::vector<double> chunk(n * kChunk);
    for (std::size_t start = 0; start < h.n_samples; start += kChunk) {
      const auto count = static_cast<std::size_t>(
          generator.generate(chunk.data(), static_cast<std::int64_t>(kChunk), kChunk));
      for (std::size_t c = 0; c < n; ++c) {
        for (std::size_t i = 0; i < kChunk; ++i) {
          h.data.push_back(i < count ? static_cast<float>(chunk[c * kChunk + i]) : 0.0f);
        }
      }
    }
    return h;
  }();
  return hour;
}

void set_counters(benchmark::State& state, std::size_t channels) {
  const double hours = kSeconds / 3600.0;
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["channel_hours_per_s"] = benchmark::Counter(
      iterations * hours * static_cast<double>(channels), benchmark::Counter::kIsRate);
  state.counters["s_per_24h_job"] = benchmark::Counter(
      iterations * hours / 24.0, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Detector(benchmark::State& state) {
  const Hour& hour = simulated_hour();
  const std::size_t n = hour.labels.size();
  ictaltrack::DetectorOptions params;
  params.n_threads = static_cast<int>(state.range(0));
  params.line_frequency_hz = 50;
  std::size_t seizures = 0;
  for (auto _ : state) {
    ictaltrack::SeizureDetector detector(256.0, hour.labels, params);
    for (std::size_t start = 0, k = 0; start < hour.n_samples; start += kChunk, ++k) {
      const std::size_t count = std::min(kChunk, hour.n_samples - start);
      detector.push(hour.data.data() + k * n * kChunk, count, kChunk);
      seizures += detector.take_seizures().size();
    }
    detector.finish();
    seizures += detector.take_seizures().size();
  }
  benchmark::DoNotOptimize(seizures);
  set_counters(state, n);
}
BENCHMARK(BM_Detector)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The floor: the band-power engine alone with the detector's bands (1 Hz bands to 25.5 Hz and
// 30-70 Hz), no filtering, no scoring.
void BM_BandPowerFloor(benchmark::State& state) {
  const Hour& hour = simulated_hour();
  const std::size_t n = hour.labels.size();
  ictaltrack::BandPowerOptions options;
  options.window_s = ictaltrack::DetectorOptions{}.window_s;  // the detector's window, not 4 s
  options.n_threads = static_cast<int>(state.range(0));
  options.bands.clear();
  for (int b = 0; b < 25; ++b) options.bands.push_back({"f", 0.5 + b, 1.5 + b});
  options.bands.push_back({"high", 30.0, 70.0});
  ictaltrack::BandPowerResult result;
  for (auto _ : state) {
    ictaltrack::BandPowerEngine engine(256.0, n, options);
    for (std::size_t start = 0, k = 0; start < hour.n_samples; start += kChunk, ++k) {
      const std::size_t count = std::min(kChunk, hour.n_samples - start);
      result.clear();
      engine.push(hour.data.data() + k * n * kChunk, count, kChunk, result);
    }
  }
  benchmark::DoNotOptimize(result.power.data());
  set_counters(state, n);
}
BENCHMARK(BM_BandPowerFloor)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
