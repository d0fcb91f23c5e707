// Re-referencing speed on the reference job's layout: 19 referential channels at 256 Hz,
// processed in 60 s blocks (a 24 h file is 1440 such blocks). Items = input samples.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "ictaltrack/conditioning/montage.hpp"

namespace {

const std::vector<std::string> kLabels{"EEG FP1-REF", "EEG FP2-REF", "EEG F3-REF", "EEG F4-REF",
                                       "EEG C3-REF",  "EEG C4-REF",  "EEG P3-REF", "EEG P4-REF",
                                       "EEG O1-REF",  "EEG O2-REF",  "EEG F7-REF", "EEG F8-REF",
                                       "EEG T3-REF",  "EEG T4-REF",  "EEG T5-REF", "EEG T6-REF",
                                       "EEG FZ-REF",  "EEG CZ-REF",  "EEG PZ-REF"};
constexpr std::size_t kBlock = 256 * 60;

template <typename T>
void run(benchmark::State& state, const ictaltrack::Montage& montage) {
  std::mt19937 rng(3);
  std::normal_distribution<T> noise(0, 40);
  std::vector<T> input(montage.input_channels() * kBlock);
  for (T& v : input) v = noise(rng);
  std::vector<T> output(montage.output_channels() * kBlock);
  for (auto _ : state) {
    montage.apply(input.data(), kBlock, output.data(), kBlock, kBlock);
    benchmark::DoNotOptimize(output.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}

void BM_AverageReferenceFloat(benchmark::State& state) {
  run<float>(state, ictaltrack::average_reference(ictaltrack::parse_labels(kLabels)));
}
void BM_DoubleBananaFloat(benchmark::State& state) {
  const auto channels = ictaltrack::parse_labels(kLabels);
  run<float>(state,
             ictaltrack::bipolar_montage(channels, ictaltrack::named_montage("double_banana")));
}
void BM_DoubleBananaDouble(benchmark::State& state) {
  const auto channels = ictaltrack::parse_labels(kLabels);
  run<double>(state,
              ictaltrack::bipolar_montage(channels, ictaltrack::named_montage("double_banana")));
}
void BM_ParseLabels(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ictaltrack::parse_labels(kLabels));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kLabels.size()));
}

}  // namespace

BENCHMARK(BM_AverageReferenceFloat);
BENCHMARK(BM_DoubleBananaFloat);
BENCHMARK(BM_DoubleBananaDouble);
BENCHMARK(BM_ParseLabels);
BENCHMARK_MAIN();
