// Band power and causal filtering on the reference job shape (docs/band_power.md):
// 19 channels at 256 Hz, 2 s Hann windows, 1 s hop, five bands. One hour of random noise is made in
// memory; the counters give channel-hours per second and the projected seconds for the 24 h job,
// both from wall-clock time (UseRealTime), so the threaded runs are measured fairly.
//   build/cpp/bench/bench_band_power
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "ictaltrack/conditioning/filters.hpp"
#include "ictaltrack/spectral/band_power.hpp"

namespace {

constexpr std::size_t kChannels = 19;
constexpr double kSfreq = 256.0;
constexpr std::size_t kSeconds = 3600;
constexpr std::size_t kTimes = kSeconds * 256;

const std::vector<double>& hour_of_noise() {
  static const std::vector<double> data = [] {
    std::vector<double> values(kChannels * kTimes);
    std::mt19937_64 rng(2024);
    std::normal_distribution<double> normal(0.0, 30.0);  // uV
    for (double& v : values) v = normal(rng);
    return values;
  }();
  return data;
}

void set_counters(benchmark::State& state) {
  const double hours = static_cast<double>(kSeconds) / 3600.0;
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["channel_hours_per_s"] =
      benchmark::Counter(iterations * hours * kChannels, benchmark::Counter::kIsRate);
  // Seconds the 24 h x 19 channel reference job would take at this rate.
  state.counters["s_per_24h_job"] = benchmark::Counter(
      iterations * hours / 24.0, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

ictaltrack::BandPowerOptions reference_options(int threads) {
  ictaltrack::BandPowerOptions options;  // 2 s Hann, 1 s hop, constant detrend, default bands
  options.window_s = 2.0;                // the reference job's window, not the 4 s default
  options.n_threads = threads;
  return options;
}

// The whole hour in one push (what ictaltrack.band_power does on an in-memory array).
void BM_BandPowerWholeArray(benchmark::State& state) {
  const auto& data = hour_of_noise();
  const auto options = reference_options(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto result = ictaltrack::band_power(data.data(), kChannels, kTimes, kSfreq, options);
    benchmark::DoNotOptimize(result.power.data());
  }
  set_counters(state);
}
// Same with an FFTW_MEASURE plan (planning cost paid once per engine, inside the timing here).
void BM_BandPowerWholeArrayMeasuredPlan(benchmark::State& state) {
  const auto& data = hour_of_noise();
  auto options = reference_options(1);
  options.planning = ictaltrack::FftPlanning::measure;
  for (auto _ : state) {
    auto result = ictaltrack::band_power(data.data(), kChannels, kTimes, kSfreq, options);
    benchmark::DoNotOptimize(result.power.data());
  }
  set_counters(state);
}
BENCHMARK(BM_BandPowerWholeArrayMeasuredPlan)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK(BM_BandPowerWholeArray)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Streaming in chunks of `chunk_s` seconds, the consumer draining every push (reader-like use).
void BM_BandPowerStreaming(benchmark::State& state) {
  const auto& data = hour_of_noise();
  const auto chunk = static_cast<std::size_t>(state.range(0)) * 256;
  for (auto _ : state) {
    ictaltrack::BandPowerEngine engine(kSfreq, kChannels, reference_options(1));
    ictaltrack::BandPowerResult out;
    for (std::size_t offset = 0; offset < kTimes; offset += chunk) {
      out.clear();
      engine.push(data.data() + offset, std::min(chunk, kTimes - offset), kTimes, out);
      benchmark::DoNotOptimize(out.power.data());
    }
  }
  set_counters(state);
}
BENCHMARK(BM_BandPowerStreaming)
    ->ArgName("chunk_s")
    ->Arg(1)
    ->Arg(60)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// 0.5 Hz high-pass (order 4), 70 Hz low-pass (order 4) and a 50 Hz notch: 5 sections.
void BM_SosFilterChain(benchmark::State& state) {
  const auto& data = hour_of_noise();
  auto sos = ictaltrack::butterworth_highpass(4, 0.5, kSfreq);
  const auto low = ictaltrack::butterworth_lowpass(4, 70.0, kSfreq);
  sos.insert(sos.end(), low.begin(), low.end());
  sos.push_back(ictaltrack::notch_filter(50.0, 30.0, kSfreq)[0]);
  std::vector<double> out(kTimes * kChannels);
  for (auto _ : state) {
    ictaltrack::SosFilter filter(sos, kChannels);
    filter.process(data.data(), kTimes, out.data(), kTimes, kTimes);
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state);
}
BENCHMARK(BM_SosFilterChain)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
