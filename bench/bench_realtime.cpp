// Real-time cost of the streaming detector on one thread: seconds of EEG processed per second of
// CPU (the real-time factor) and the detector's own memory, for a clinical montage (19 channels at
// 256 Hz) and a dense research one (128 channels at 1 kHz). The samples are simulated EEG with
// seizures and artifacts (the 19 simulated channels at the rate with their 10-20 labels; for 128
// channels repeated over the rows, labelled "EEG 001".."EEG 128"), held in memory and pushed in 1 s
// chunks of float32 as a live acquisition would hand them over (the copy of each chunk into its
// buffer is timed too). File reading is not included (bench_reader).
//   build/cpp/bench/bench_realtime
// Counters: realtime_factor (EEG seconds per CPU second), detector_bytes (buffer_bytes() at the
// end of the stream).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/simulate/simulator.hpp"

namespace {

constexpr double kSeconds = 600.0;

struct Simulated {
  std::vector<std::string> labels;  // the simulator's 10-20 labels
  std::vector<float> data;          // (19, n_samples), channel-major
  std::size_t n_channels = 0;
  std::size_t n_samples = 0;
};

const Simulated& simulated(int sfreq) {
  static std::vector<std::pair<int, Simulated>> cache;
  for (const auto& [rate, sim] : cache) {
    if (rate == sfreq) return sim;
  }
  ictaltrack::SimulationOptions config;
  config.seed = 11;
  config.duration_s = kSeconds;
  config.sfreq = sfreq;
  ictaltrack::SimulationGenerator generator(config);
  Simulated sim;
  sim.labels = generator.channel_labels();
  sim.n_channels = sim.labels.size();
  sim.n_samples = static_cast<std::size_t>(generator.total_samples());
  std::vector<double> samples(sim.n_channels * sim.n_samples);
  generator.generate(samples.data(), generator.total_samples(),
                     static_cast<std::int64_t>(sim.n_samples));
  sim.data.assign(samples.begin(), samples.end());
  cache.emplace_back(sfreq, std::move(sim));
  return cache.back().second;
}

void BM_RealTime(benchmark::State& state) {
  const auto n_channels = static_cast<std::size_t>(state.range(0));
  const auto rate = static_cast<int>(state.range(1));
  const Simulated& sim = simulated(rate);
  // The simulator's own 10-20 labels when they suffice, else numbered EEG channels (no positions).
  std::vector<std::string> labels;
  if (n_channels == sim.n_channels) labels = sim.labels;
  for (std::size_t c = labels.size(); c < n_channels; ++c) {
    std::string number = std::to_string(c + 1);
    labels.push_back("EEG " + std::string(number.size() < 3 ? 3 - number.size() : 0, '0') + number);
  }
  ictaltrack::DetectorOptions params;
  params.n_threads = 1;
  params.line_frequency_hz = 50;
  const auto chunk = static_cast<std::size_t>(rate);  // 1 s
  std::vector<float> buffer(n_channels * chunk);
  std::size_t seizures = 0, bytes = 0;
  for (auto _ : state) {
    ictaltrack::SeizureDetector detector(rate, labels, params);
    for (std::size_t start = 0; start < sim.n_samples; start += chunk) {
      const std::size_t count = std::min(chunk, sim.n_samples - start);
      for (std::size_t c = 0; c < n_channels; ++c) {
        const float* row = sim.data.data() + (c % sim.n_channels) * sim.n_samples + start;
        std::copy_n(row, count, buffer.data() + c * chunk);
      }
      detector.push(buffer.data(), count, chunk);
      seizures += detector.take_seizures().size();
    }
    detector.finish();
    seizures += detector.take_seizures().size();
    bytes = detector.buffer_bytes();
  }
  benchmark::DoNotOptimize(seizures);
  // kIsRate divides by the CPU time of the whole process (MeasureProcessCPUTime): every thread
  // the detector might use counts, not just the calling one.
  state.counters["realtime_factor"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kSeconds, benchmark::Counter::kIsRate);
  state.counters["detector_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RealTime)
    ->Args({19, 256})
    ->Args({128, 1000})
    ->ArgNames({"channels", "hz"})
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
