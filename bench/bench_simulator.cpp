// Simulator throughput: generating samples in memory, and writing EDF+ through EdfWriter.
// Counters report seconds of 19-channel 256 Hz EEG produced per second of wall time
// ("eeg_seconds_per_second"); a 24 h recording needs 86,400 EEG seconds.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <vector>

#include "ictaltrack/simulate/simulator.hpp"

namespace {

ictaltrack::SimulationConfig one_hour() {
  ictaltrack::SimulationConfig config;
  config.duration_s = 3600;
  config.seed = 7;
  return config;
}

void BM_GenerateSamples(benchmark::State& state) {
  const auto seconds = state.range(0);
  for (auto _ : state) {
    state.PauseTiming();
    ictaltrack::SimulationGenerator generator(one_hour());
    std::vector<double> buffer(19 * 256);
    state.ResumeTiming();
    for (std::int64_t s = 0; s < seconds; ++s) generator.generate(buffer.data(), 256, 256);
    benchmark::DoNotOptimize(buffer.data());
  }
  state.counters["eeg_seconds_per_second"] = benchmark::Counter(
      static_cast<double>(seconds * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GenerateSamples)->Arg(600)->Unit(benchmark::kMillisecond);

void BM_SimulateToEdf(benchmark::State& state) {
  auto config = one_hour();
  config.duration_s = static_cast<double>(state.range(0));
  const auto path = std::filesystem::temp_directory_path() / "ictaltrack_bench_simulate.edf";
  for (auto _ : state) ictaltrack::simulate_to_edf(config, path);
  state.counters["eeg_seconds_per_second"] = benchmark::Counter(
      config.duration_s * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  std::filesystem::remove(path);
  std::filesystem::remove(std::filesystem::path(path).replace_extension(".json"));
}
BENCHMARK(BM_SimulateToEdf)->Arg(600)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
