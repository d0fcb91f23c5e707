// Simulator throughput: generating samples in memory, and writing EDF+ through EdfWriter.
// Counters report seconds of 19-channel 256 Hz EEG produced per second of wall time
// ("eeg_seconds_per_second"); a 24 h recording needs 86,400 EEG seconds.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <vector>

#include "ictaltrack/simulate/simulator.hpp"

namespace {

ictaltrack::SimulationOptions one_hour() {
  ictaltrack::SimulationOptions config;
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

// The same hour with every model-version-2 feature on, at the rates of the eval suite's
// "realbg" recordings (python/ictaltrack/evaluation.py): propagation, sharp morphologies,
// rhythms, sleep transients, states, rhythmic artifacts, sweat, ECG.
void BM_GenerateSamplesRealEeg(benchmark::State& state) {
  auto config = one_hour();
  config.homologous_spread_probability = 0.8;
  config.distant_spread_probability = 0.2;
  config.generalisation_probability = 0.15;
  config.sharp_wave_probability = 0.25;
  config.spike_and_wave_probability = 0.2;
  config.polyspike_probability = 0.1;
  config.asymmetric_wave_probability = 0.15;
  config.posterior_rhythm_per_hour = 6;
  config.hypersynchrony_per_hour = 20;
  config.spindles_per_hour = 30;
  config.vertex_waves_per_hour = 20;
  config.k_complexes_per_hour = 10;
  config.state_changes = true;
  config.patting_per_hour = 10;
  config.rocking_per_hour = 6;
  config.chewing_per_hour = 6;
  config.sweat_per_hour = 4;
  config.ecg_uv = 15;
  const auto seconds = state.range(0);
  for (auto _ : state) {
    state.PauseTiming();
    ictaltrack::SimulationGenerator generator(config);
    std::vector<double> buffer(19 * 256);
    state.ResumeTiming();
    for (std::int64_t s = 0; s < seconds; ++s) generator.generate(buffer.data(), 256, 256);
    benchmark::DoNotOptimize(buffer.data());
  }
  state.counters["eeg_seconds_per_second"] = benchmark::Counter(
      static_cast<double>(seconds * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GenerateSamplesRealEeg)->Arg(600)->Unit(benchmark::kMillisecond);

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
