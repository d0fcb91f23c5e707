// Causal SOS filtering in the shapes the pipeline uses, on one hour of 19-channel 256 Hz noise:
// - DetectorShape: what SeizureDetector does (docs/performance.md): one single-channel SosFilter
//   per channel, a 0.5 Hz order-2 high-pass then a 50 Hz notch (one section each), in place, in
//   blocks of 4096 samples;
// - MultiChannel: one SosFilter over all 19 channels (arg = sections: 2 = high-pass + notch, 5 =
//   order-4 high-pass, order-4 low-pass, notch).
// Counters: samples filtered per second and the projected seconds for the 24 h reference job.
//   build/cpp/bench/bench_filters
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

#include "ictaltrack/conditioning/filters.hpp"

namespace {

constexpr std::size_t kChannels = 19;
constexpr double kSfreq = 256.0;
constexpr std::size_t kTimes = 3600 * 256;
constexpr std::size_t kBlock = 4096;

const std::vector<double>& hour_of_noise() {
  static const std::vector<double> data = [] {
    std::vector<double> values(kChannels * kTimes);
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0.0, 30.0);  // uV
    for (double& v : values) v = normal(rng);
    return values;
  }();
  return data;
}

void set_counters(benchmark::State& state) {
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["samples_per_s"] = benchmark::Counter(
      iterations * static_cast<double>(kTimes * kChannels), benchmark::Counter::kIsRate);
  state.counters["s_per_24h_job"] = benchmark::Counter(
      iterations / 24.0, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_SosDetectorShape(benchmark::State& state) {
  const auto& data = hour_of_noise();
  std::vector<double> block(kChannels * kBlock);
  for (auto _ : state) {
    std::vector<ictaltrack::SosFilter> highpass, notch;
    for (std::size_t c = 0; c < kChannels; ++c) {
      highpass.emplace_back(ictaltrack::butterworth_highpass(2, 0.5, kSfreq), 1);
      notch.emplace_back(ictaltrack::notch_filter(50.0, 30.0, kSfreq), 1);
    }
    for (std::size_t done = 0; done < kTimes; done += kBlock) {
      const std::size_t count = std::min(kBlock, kTimes - done);
      for (std::size_t c = 0; c < kChannels; ++c) {
        double* out = block.data() + c * kBlock;
        std::copy_n(data.data() + c * kTimes + done, count, out);
        highpass[c].process(out, kBlock, out, kBlock, count);
        notch[c].process(out, kBlock, out, kBlock, count);
      }
      benchmark::DoNotOptimize(block.data());
    }
  }
  set_counters(state);
}
BENCHMARK(BM_SosDetectorShape)->Unit(benchmark::kMillisecond);

void BM_SosMultiChannel(benchmark::State& state) {
  const auto& data = hour_of_noise();
  auto sos = ictaltrack::butterworth_highpass(state.range(0) == 2 ? 2 : 4, 0.5, kSfreq);
  if (state.range(0) != 2) {
    const auto low = ictaltrack::butterworth_lowpass(4, 70.0, kSfreq);
    sos.insert(sos.end(), low.begin(), low.end());
  }
  sos.push_back(ictaltrack::notch_filter(50.0, 30.0, kSfreq)[0]);
  std::vector<double> out(kTimes * kChannels);
  for (auto _ : state) {
    ictaltrack::SosFilter filter(sos, kChannels);
    filter.process(data.data(), kTimes, out.data(), kTimes, kTimes);
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state);
}
BENCHMARK(BM_SosMultiChannel)->ArgName("sections")->Arg(2)->Arg(5)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
