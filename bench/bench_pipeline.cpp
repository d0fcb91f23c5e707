// The whole pipeline, ictaltrack::detect_file (read, condition, band power, detect, localise), on
// one simulated hour: 19 referential channels at 256 Hz, EDF+C with 1 s records, seed 3 (the
// reference job's layout, docs/performance.md), written once per process to the temp directory.
// Counters from wall-clock time (UseRealTime, so threaded runs are measured fairly): samples
// decoded and processed per second, channel-hours per second, and the projected seconds of the
// 24 h reference job. Arg = n_threads (0 = all cores). ICTALTRACK_BENCH_FILE=PATH runs on an
// existing recording instead (the counters then assume one hour: scale them by its length).
//   build/cpp/bench/bench_pipeline
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/simulate/simulator.hpp"

namespace {

constexpr double kSeconds = 3600;
constexpr int kChannels = 19;
constexpr int kRate = 256;

const std::string& hour_file() {
  static const std::string path = []() -> std::string {
    if (const char* given = std::getenv("ICTALTRACK_BENCH_FILE")) return given;
    const auto file = std::filesystem::temp_directory_path() / "ictaltrack_bench_pipeline.edf";
    ictaltrack::SimulationOptions config;
    config.duration_s = kSeconds;
    config.seed = 3;
    ictaltrack::simulate_to_edf(config, file);
    return file.string();
  }();
  return path;
}

void set_counters(benchmark::State& state) {
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["samples_per_s"] =
      benchmark::Counter(iterations * kSeconds * kRate * kChannels, benchmark::Counter::kIsRate);
  state.counters["channel_hours_per_s"] =
      benchmark::Counter(iterations * kSeconds / 3600.0 * kChannels, benchmark::Counter::kIsRate);
  state.counters["s_per_24h_job"] = benchmark::Counter(
      iterations * kSeconds / 86400.0, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_DetectFile(benchmark::State& state) {
  const auto& path = hour_file();
  ictaltrack::DetectorOptions params;
  params.n_threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto output = ictaltrack::detect_file(path, params);
    benchmark::DoNotOptimize(output.seizures.data());
  }
  set_counters(state);
}
BENCHMARK(BM_DetectFile)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
