// Speed of SzCORE event scoring on long recordings: the cost grows with the number of events,
// not with the recording length, because the 10 Hz masks are kept as sample intervals.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "ictaltrack/scoring/event_scoring.hpp"

namespace {

// `count` events of 10-200 s, uniformly placed in `duration_s` (sorted, may overlap).
std::vector<ictaltrack::ScoredEvent> random_events(std::size_t count, double duration_s,
                                                   std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<ictaltrack::ScoredEvent> events;
  for (std::size_t i = 0; i < count; ++i) {
    const double start = static_cast<double>(rng() % 1'000'000) / 1e6 * (duration_s - 200);
    const double length = 10 + static_cast<double>(rng() % 1000) / 1000.0 * 190;
    events.push_back({start, start + length});
  }
  return events;
}

// Arguments: recording hours, reference events, hypothesis events.
void BM_ScoreEvents(benchmark::State& state) {
  const double duration_s = static_cast<double>(state.range(0)) * 3600.0;
  const auto reference = random_events(static_cast<std::size_t>(state.range(1)), duration_s, 1);
  const auto hypothesis = random_events(static_cast<std::size_t>(state.range(2)), duration_s, 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ictaltrack::score_events(reference, hypothesis, duration_s));
  }
}
BENCHMARK(BM_ScoreEvents)
    ->Args({24, 50, 200})        // a day with tens of seizures
    ->Args({24 * 7, 500, 5000})  // a week, many false alarms
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
