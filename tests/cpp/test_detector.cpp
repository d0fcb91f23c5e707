// SeizureDetector / detect_file on simulated recordings: invariances (chunking, threads),
// bounded memory, artifacts without seizures, localisation of a known focus, overlapping seizures.
// The oracle is the simulator's truth (planned independently of the detector).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "detect/detector_access.hpp"
#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/errors.hpp"
#include "ictaltrack/simulate/simulator.hpp"
#include "test_support.hpp"

namespace ictaltrack {
namespace {

struct Stream {
  std::vector<std::string> labels;
  std::vector<double> data;  // channel-major, n_samples per channel
  std::size_t n_samples = 0;
  SimulationTruth truth;
  double sfreq = 256;
};

Stream simulate(const SimulationOptions& config) {
  SimulationGenerator generator(config);
  Stream stream;
  stream.labels = generator.channel_labels();
  stream.n_samples = static_cast<std::size_t>(generator.total_samples());
  stream.data.resize(stream.labels.size() * stream.n_samples);
  generator.generate(stream.data.data(), generator.total_samples(),
                     static_cast<std::int64_t>(stream.n_samples));
  stream.truth = generator.truth();
  stream.sfreq = config.sfreq;
  return stream;
}

// Feeds the stream in chunks of `chunk` samples (copied into a buffer of that width, so the
// detector cannot see past the chunk) and collects every seizure.
template <typename Sample = double>
std::vector<StreamSeizure> run(const Stream& stream, std::size_t chunk, DetectorOptions params = {},
                               std::size_t* max_bytes = nullptr,
                               std::vector<DetectedChannel>* channels = nullptr,
                               std::vector<OnsetAlarm>* alarms = nullptr) {
  params.line_frequency_hz = 50;
  SeizureDetector detector(stream.sfreq, stream.labels, params);
  const std::size_t n = stream.labels.size();
  std::vector<Sample> buffer(n * chunk);
  std::vector<StreamSeizure> out;
  for (std::size_t start = 0; start < stream.n_samples; start += chunk) {
    const std::size_t count = std::min(chunk, stream.n_samples - start);
    for (std::size_t c = 0; c < n; ++c) {
      std::copy_n(stream.data.begin() + static_cast<std::ptrdiff_t>(c * stream.n_samples + start),
                  count, buffer.begin() + static_cast<std::ptrdiff_t>(c * chunk));
    }
    detector.push(buffer.data(), count, chunk);
    auto done = detector.take_seizures();
    out.insert(out.end(), done.begin(), done.end());
    if (alarms != nullptr) {
      auto raised = detector.take_alarms();
      alarms->insert(alarms->end(), raised.begin(), raised.end());
    }
    if (max_bytes) *max_bytes = std::max(*max_bytes, detector.buffer_bytes());
  }
  detector.finish();
  auto done = detector.take_seizures();
  out.insert(out.end(), done.begin(), done.end());
  if (alarms != nullptr) {
    auto raised = detector.take_alarms();
    alarms->insert(alarms->end(), raised.begin(), raised.end());
  }
  if (channels != nullptr) *channels = detector.channels();
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.onset_sample < b.onset_sample; });
  return out;
}

void expect_identical(const std::vector<StreamSeizure>& a, const std::vector<StreamSeizure>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].onset_sample, b[i].onset_sample);
    EXPECT_EQ(a[i].offset_sample, b[i].offset_sample);
    EXPECT_EQ(a[i].seizure.onset_channels, b[i].seizure.onset_channels);
    EXPECT_EQ(a[i].seizure.region, b[i].seizure.region);
    EXPECT_EQ(a[i].seizure.hemisphere, b[i].seizure.hemisphere);
    // Bit-identical, NaN included.
    EXPECT_EQ(std::memcmp(&a[i].seizure.lateralization_index, &b[i].seizure.lateralization_index,
                          sizeof(double)),
              0);
    EXPECT_EQ(a[i].seizure.confidence, b[i].seizure.confidence);
    ASSERT_EQ(a[i].seizure.channel_onsets.size(), b[i].seizure.channel_onsets.size());
    for (std::size_t k = 0; k < a[i].seizure.channel_onsets.size(); ++k) {
      EXPECT_EQ(a[i].seizure.channel_onsets[k].name, b[i].seizure.channel_onsets[k].name);
      EXPECT_EQ(a[i].seizure.channel_onsets[k].onset, b[i].seizure.channel_onsets[k].onset);
    }
  }
}

SimulationOptions base_config(std::uint64_t seed, double duration_s) {
  SimulationOptions config;
  config.seed = seed;
  config.duration_s = duration_s;
  return config;
}

TEST(SeizureDetector, ChunkSizeAndThreadsDoNotChangeTheResult) {
  auto config = base_config(11, 600);
  config.n_seizures = 3;
  config.overlap_probability = 0.5;
  const Stream stream = simulate(config);
  DetectorOptions one_thread;
  one_thread.n_threads = 1;
  const auto whole = run(stream, stream.n_samples, one_thread);
  ASSERT_GE(whole.size(), 2u);  // the recording holds three seizures
  expect_identical(whole, run(stream, 4096, one_thread));
  expect_identical(whole, run(stream, 37, one_thread));
  expect_identical(whole, run(stream, 1000, one_thread));
  DetectorOptions two_threads;
  two_threads.n_threads = 2;
  expect_identical(whole, run(stream, 777, two_threads));
  DetectorOptions three_threads;
  three_threads.n_threads = 3;
  expect_identical(whole, run(stream, stream.n_samples, three_threads));
}

// float32 input, a non-EEG channel between EEG rows (its filter group cannot read the caller's
// rows in place) and non-finite samples during and after the warm-up take the detector's other
// conditioning paths; chunking and threads must still not change a bit of the result.
TEST(SeizureDetector, FloatInputWithGapsAndNonFiniteValuesIsChunkAndThreadInvariant) {
  auto config = base_config(11, 600);
  config.n_seizures = 3;
  config.overlap_probability = 0.5;
  Stream stream = simulate(config);
  const std::size_t ns = stream.n_samples;
  // An ECG row inserted after the fifth channel.
  stream.labels.insert(stream.labels.begin() + 5, "ECG");
  stream.data.insert(stream.data.begin() + static_cast<std::ptrdiff_t>(5 * ns), ns, 100.0);
  // Channel 2: NaNs in the warm-up (flagged); channel 8: a burst of NaN and inf at 300 s.
  for (std::size_t i = 1000; i < 1010; ++i) stream.data[2 * ns + i] = std::nan("");
  for (std::size_t i = 300 * 256; i < 300 * 256 + 20; ++i) {
    stream.data[8 * ns + i] = i % 2 ? std::numeric_limits<double>::infinity() : std::nan("");
  }
  DetectorOptions one_thread;
  one_thread.n_threads = 1;
  std::vector<DetectedChannel> channels;
  const auto whole = run<float>(stream, ns, one_thread, nullptr, &channels);
  ASSERT_GE(whole.size(), 2u);
  EXPECT_TRUE(channels[2].bad);
  EXPECT_EQ(channels[2].bad_reason, "not calibrated (non-finite samples)");
  EXPECT_FALSE(channels[8].bad);  // judged on the warm-up only
  expect_identical(whole, run<float>(stream, 4096, one_thread));
  expect_identical(whole, run<float>(stream, 37, one_thread));
  DetectorOptions two_threads;
  two_threads.n_threads = 2;
  expect_identical(whole, run<float>(stream, 777, two_threads));
  DetectorOptions three_threads;
  three_threads.n_threads = 3;
  expect_identical(whole, run<float>(stream, 4096, three_threads));
}

// DetectorAccess::push(..., alongside, parts) (internal) is how detect_file overlaps reading with
// detection: every part runs once per push (also for an empty push and for a detector with
// nothing to analyse), and an exception from one is rethrown only after the push's samples and
// the other parts were processed, so the result is unchanged.
TEST(SeizureDetector, AlongsideRunsOncePerPushAndItsErrorLeavesTheResultUnchanged) {
  auto config = base_config(11, 300);
  config.n_seizures = 2;
  const Stream stream = simulate(config);
  const std::size_t n = stream.labels.size(), chunk = 16384;
  DetectorOptions params;
  params.n_threads = 2;
  const auto plain = run<float>(stream, chunk, params);
  ASSERT_GE(plain.size(), 1u);

  params.line_frequency_hz = 50;
  SeizureDetector detector(stream.sfreq, stream.labels, params);
  std::vector<float> buffer(n * chunk);
  std::vector<StreamSeizure> out;
  int pushes = 0, thrown = 0;
  std::atomic<int> calls{0};
  std::vector<std::atomic<int>> part_calls(5);
  for (std::size_t start = 0; start < stream.n_samples; start += chunk) {
    const std::size_t count = std::min(chunk, stream.n_samples - start);
    for (std::size_t c = 0; c < n; ++c) {
      std::copy_n(stream.data.begin() + static_cast<std::ptrdiff_t>(c * stream.n_samples + start),
                  count, buffer.begin() + static_cast<std::ptrdiff_t>(c * chunk));
    }
    ++pushes;
    try {
      detail::DetectorAccess::push(
          detector, buffer.data(), count, chunk,
          [&](std::size_t part) {
            ++part_calls[part];
            if (++calls == 7) throw std::runtime_error("read failed");
          },
          5);
    } catch (const std::runtime_error&) {
      ++thrown;
    }
    EXPECT_EQ(detector.samples_pushed(), static_cast<std::int64_t>(start + count));
    auto done = detector.take_seizures();
    out.insert(out.end(), done.begin(), done.end());
  }
  detector.finish();
  auto done = detector.take_seizures();
  out.insert(out.end(), done.begin(), done.end());
  EXPECT_EQ(calls, 5 * pushes);
  for (const auto& count : part_calls) EXPECT_EQ(count, pushes);
  EXPECT_EQ(thrown, 1);
  expect_identical(plain, out);

  int empty_calls = 0;
  detail::DetectorAccess::push(
      detector, buffer.data(), 0, chunk, [&](std::size_t) { ++empty_calls; }, 2);
  EXPECT_EQ(empty_calls, 2);
  SeizureDetector nothing_to_analyse(256.0, {"ECG"}, params);
  std::vector<float> ecg(4096, 1.0f);
  detail::DetectorAccess::push(
      nothing_to_analyse, ecg.data(), ecg.size(), ecg.size(), [&](std::size_t) { ++empty_calls; },
      1);
  EXPECT_EQ(empty_calls, 3);
}

TEST(SeizureDetector, MemoryDoesNotGrowWithTheRecording) {
  auto config = base_config(12, 2400);
  const Stream stream = simulate(config);
  ASSERT_GE(stream.truth.seizures.size(), 3u);
  // Bytes held over the first 10 minutes and over the whole 40 minutes: the same bound.
  Stream first = stream;
  first.n_samples = static_cast<std::size_t>(600 * stream.sfreq);
  first.data.clear();
  for (std::size_t c = 0; c < stream.labels.size(); ++c) {
    first.data.insert(
        first.data.end(), stream.data.begin() + static_cast<std::ptrdiff_t>(c * stream.n_samples),
        stream.data.begin() + static_cast<std::ptrdiff_t>(c * stream.n_samples + first.n_samples));
  }
  std::size_t bytes_short = 0, bytes_long = 0;
  run(first, 2560, {}, &bytes_short);
  run(stream, 2560, {}, &bytes_long);
  EXPECT_GT(bytes_short, 0u);
  // Open events keep a capped history; nothing else grows. 4 MB is far above what 19 channels
  // need and far below what 40 minutes of samples (19 x 614,400 doubles = 93 MB) would take.
  EXPECT_LT(bytes_long, 4u << 20);
  EXPECT_LT(static_cast<double>(bytes_long), 2.0 * static_cast<double>(bytes_short) + 1e6);
}

TEST(SeizureDetector, ArtifactsWithoutSeizuresGiveNoDetection) {
  for (const auto montage : {SimulatedMontage::referential, SimulatedMontage::bipolar_chbmit}) {
    auto config = base_config(13, 900);
    config.montage = montage;
    config.n_seizures = 0;
    config.blinks = {true, 240};
    config.muscle = {true, 120};
    config.electrode_pops = {true, 60};
    config.movement = {true, 40};
    const Stream stream = simulate(config);
    ASSERT_TRUE(stream.truth.seizures.empty());
    ASSERT_GT(stream.truth.artifacts.size(), 50u);
    EXPECT_TRUE(run(stream, 4096).empty()) << to_string(montage);
  }
}

void expect_identical(const std::vector<OnsetAlarm>& a, const std::vector<OnsetAlarm>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].raised_sample, b[i].raised_sample);
    EXPECT_EQ(a[i].onset_sample, b[i].onset_sample);
    EXPECT_EQ(a[i].onset_channels, b[i].onset_channels);
    EXPECT_EQ(a[i].side, b[i].side);
    EXPECT_EQ(a[i].region, b[i].region);
    EXPECT_EQ(a[i].confidence, b[i].confidence);
    EXPECT_EQ(a[i].raised, b[i].raised);
    EXPECT_EQ(a[i].onset, b[i].onset);
  }
}

// Onset alarms against the simulator's truth and against the detector's own final seizures:
// each detected seizure was announced by one alarm raised while the true seizure was still
// running, whose provisional onset lies near the final one; and the alarms, like the seizures,
// do not depend on the chunking or the thread count.
TEST(SeizureDetector, OnsetAlarmsComeWhileTheSeizureRunsWhateverTheChunking) {
  auto config = base_config(11, 600);
  config.n_seizures = 3;
  config.overlap_probability = 0.5;
  const Stream stream = simulate(config);
  DetectorOptions one_thread;
  one_thread.n_threads = 1;
  std::vector<OnsetAlarm> alarms;
  const auto found = run(stream, stream.n_samples, one_thread, nullptr, nullptr, &alarms);
  ASSERT_GE(found.size(), 2u);
  ASSERT_GE(alarms.size(), found.size());
  for (std::size_t i = 1; i < alarms.size(); ++i) {
    EXPECT_LE(alarms[i - 1].raised_sample, alarms[i].raised_sample);
  }
  const double sfreq = stream.sfreq;
  for (const auto& seizure : found) {
    // Its alarm: the one whose provisional onset is nearest the final onset.
    const auto alarm =
        std::min_element(alarms.begin(), alarms.end(), [&](const auto& a, const auto& b) {
          return std::abs(a.onset_sample - seizure.onset_sample) <
                 std::abs(b.onset_sample - seizure.onset_sample);
        });
    EXPECT_LE(std::abs(static_cast<double>(alarm->onset_sample - seizure.onset_sample)) / sfreq,
              3.0);
    EXPECT_GT(alarm->raised_sample, alarm->onset_sample);
    EXPECT_LT(alarm->raised_sample, seizure.offset_sample);  // before the detected end
    const auto truth = std::min_element(stream.truth.seizures.begin(), stream.truth.seizures.end(),
                                        [&](const auto& a, const auto& b) {
                                          return std::abs(a.onset - seizure.seizure.onset) <
                                                 std::abs(b.onset - seizure.seizure.onset);
                                        });
    // The side the alarm announces is the true seizure's (the final seizure may refine it; on
    // this stream a lateralised early alarm has the true side of a seizure whose final
    // localisation, over the whole overlapping history, does not).
    EXPECT_EQ(alarm->side, truth->hemisphere);
    EXPECT_FALSE(alarm->onset_channels.empty());
    EXPECT_EQ(alarm->raised,
              static_cast<Ticks>(std::llround(static_cast<double>(alarm->raised_sample) *
                                              static_cast<double>(kTicksPerSecond) / sfreq)));
    // ... and before the true seizure it announces ended.
    const double raised_s = static_cast<double>(alarm->raised_sample) / sfreq;
    EXPECT_LT(raised_s, ticks_to_seconds(truth->offset));
    EXPECT_GT(raised_s, ticks_to_seconds(truth->onset));
  }
  for (const std::size_t chunk : {std::size_t{37}, std::size_t{4096}}) {
    std::vector<OnsetAlarm> chunked;
    run(stream, chunk, one_thread, nullptr, nullptr, &chunked);
    expect_identical(alarms, chunked);
  }
  DetectorOptions two_threads;
  two_threads.n_threads = 2;
  std::vector<OnsetAlarm> threaded;
  run(stream, 777, two_threads, nullptr, nullptr, &threaded);
  expect_identical(alarms, threaded);
}

// Through detect_file, alarms are mapped to the recording's channels and time, and the seizures
// are those detect_file gives without looking at alarms (they are an extra output).
TEST(DetectFile, ReportsOneAlarmPerSeizureInTheRecordingsTime) {
  testing::ScratchDir dir;
  auto config = base_config(11, 600);
  config.n_seizures = 3;
  config.overlap_probability = 0.5;
  simulate_to_edf(config, dir / "x.edf");
  const auto output = detect_file((dir / "x.edf").string());
  ASSERT_GE(output.seizures.size(), 2u);
  ASSERT_GE(output.alarms.size(), output.seizures.size());
  for (const auto& seizure : output.seizures) {
    const bool announced =
        std::any_of(output.alarms.begin(), output.alarms.end(), [&](const auto& a) {
          return std::abs(ticks_to_seconds(a.onset - seizure.onset)) <= 3.0 &&
                 a.raised < seizure.offset;
        });
    EXPECT_TRUE(announced) << ticks_to_seconds(seizure.onset);
  }
  for (const auto& alarm : output.alarms) {
    for (const int channel : alarm.onset_channels) {
      ASSERT_GE(channel, 0);
      ASSERT_LT(static_cast<std::size_t>(channel), output.channels.size());
      EXPECT_EQ(output.channels[static_cast<std::size_t>(channel)].meaning.kind, ChannelKind::eeg);
    }
  }
}

TEST(SeizureDetector, LocalisesAKnownFocus) {
  // Seeds whose single seizure starts in different places; the truth names the focus.
  for (const std::uint64_t seed : {21u, 22u, 23u, 24u}) {
    auto config = base_config(seed, 300);
    config.n_seizures = 1;
    const Stream stream = simulate(config);
    ASSERT_EQ(stream.truth.seizures.size(), 1u);
    const auto& truth = stream.truth.seizures[0];
    const auto found = run(stream, 4096);
    ASSERT_EQ(found.size(), 1u) << "seed " << seed;
    const auto& seizure = found[0].seizure;
    EXPECT_EQ(seizure.hemisphere, truth.hemisphere) << "seed " << seed;
    EXPECT_EQ(seizure.region, truth.region)
        << "seed " << seed << " focus " << truth.focus_electrode;
    EXPECT_NEAR(ticks_to_seconds(seizure.onset - truth.onset), 0.0, 5.0) << "seed " << seed;
    EXPECT_NEAR(ticks_to_seconds(seizure.offset - truth.offset), 0.0, 15.0) << "seed " << seed;
    if (truth.hemisphere == Hemisphere::left) EXPECT_GT(seizure.lateralization_index, 0.0);
    if (truth.hemisphere == Hemisphere::right) EXPECT_LT(seizure.lateralization_index, 0.0);
  }
}

TEST(SeizureDetector, OverlappingSeizuresInBothHemispheresAreTwoSeizures) {
  int separated = 0, cases = 0;
  for (const std::uint64_t seed : {31u, 32u, 33u, 34u}) {
    auto config = base_config(seed, 400);
    config.n_seizures = 2;
    config.overlap_probability = 1.0;
    config.seizure_duration_min_s = 80;
    const Stream stream = simulate(config);
    ASSERT_EQ(stream.truth.seizures.size(), 2u);
    const auto& a = stream.truth.seizures[0];
    const auto& b = stream.truth.seizures[1];
    ASSERT_TRUE(b.overlaps_previous);
    ASSERT_NE(a.hemisphere, b.hemisphere);
    ++cases;
    const auto found = run(stream, 4096);
    // One detection starting near each true onset, on the true side.
    auto near_onset = [&](const SimulatedSeizure& truth) {
      return std::any_of(found.begin(), found.end(), [&](const StreamSeizure& s) {
        return std::abs(ticks_to_seconds(s.seizure.onset - truth.onset)) <= 5.0 &&
               s.seizure.hemisphere == truth.hemisphere;
      });
    };
    if (near_onset(a) && near_onset(b)) ++separated;
  }
  // Measured over the evaluation suite: 90 of 95 overlapping pairs separated (docs/detection.md).
  EXPECT_GE(4 * separated, 3 * cases);
}

// The documented frequency law of a simulated seizure (docs/simulator.md): from the onset to the
// end frequency, geometric in progress^1.5.
double simulated_frequency(const SimulatedSeizure& s, double t) {
  const double onset = ticks_to_seconds(s.onset), offset = ticks_to_seconds(s.offset);
  const double progress = std::clamp((t - onset) / (offset - onset), 0.0, 1.0);
  return s.onset_frequency_hz *
         std::pow(s.end_frequency_hz / s.onset_frequency_hz, std::pow(progress, 1.5));
}

// The hard overlapping case: the second seizure starts with the rhythm the first has slowed to
// (within 1 Hz), next to or under the first's field, so rhythm and adjacency alone cannot tell
// them apart. The cases are every such plan among seeds 1..60 (picked from the simulator's
// truth, not from the detector's output: 12 cases).
TEST(SeizureDetector, SecondSeizureWithTheFirstsRhythmIsASeizureOfItsOwn) {
  int cases = 0, separated = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    auto config = base_config(seed, 400);
    config.n_seizures = 2;
    config.overlap_probability = 1.0;
    config.seizure_duration_min_s = 80;
    const SimulationTruth plan = SimulationGenerator(config).truth();
    ASSERT_EQ(plan.seizures.size(), 2u);
    const auto& a = plan.seizures[0];
    const auto& b = plan.seizures[1];
    ASSERT_TRUE(b.overlaps_previous);
    const double a_onset = ticks_to_seconds(a.onset), b_onset = ticks_to_seconds(b.onset);
    if (std::abs(simulated_frequency(a, b_onset) - b.onset_frequency_hz) > 1.0) continue;
    ++cases;
    const auto found = run(simulate(config), 4096);
    // Two seizures, neither split: the first starting within 5 s of the first true onset, the
    // second within -5..+15 s of the second (the second rises under the first's field, so its
    // onset is found later).
    if (found.size() != 2) continue;
    const double first = ticks_to_seconds(found[0].seizure.onset);
    const double second = ticks_to_seconds(found[1].seizure.onset);
    if (std::abs(first - a_onset) <= 5.0 && second - b_onset >= -5.0 && second - b_onset <= 15.0) {
      ++separated;
    }
  }
  ASSERT_EQ(cases, 12);
  // Before the new-focus and two-rhythm rules (docs/detection.md) 5 of these 12 came out as
  // one seizure.
  EXPECT_GE(separated, 11);
}

// One seizure that spreads over most of a hemisphere and across the midline, slowing from
// alpha/theta into delta, stays one seizure, in both montages.
TEST(SeizureDetector, OneSpreadingSeizureStaysOne) {
  for (const auto montage : {SimulatedMontage::referential, SimulatedMontage::bipolar_chbmit}) {
    for (const std::uint64_t seed : {1u, 3u, 5u, 8u, 11u}) {
      auto config = base_config(seed, 300);
      config.montage = montage;
      config.n_seizures = 1;
      config.seizure_duration_min_s = 100;
      config.seizure_duration_max_s = 150;
      const Stream stream = simulate(config);
      ASSERT_EQ(stream.truth.seizures.size(), 1u);
      const auto found = run(stream, 4096);
      ASSERT_EQ(found.size(), 1u) << "seed " << seed;
      EXPECT_NEAR(ticks_to_seconds(found[0].seizure.onset - stream.truth.seizures[0].onset), 0.0,
                  5.0);
    }
  }
}

TEST(DetectFile, ReadsASimulatedFileAndReportsChannels) {
  testing::ScratchDir dir;
  auto config = base_config(41, 300);
  config.n_seizures = 1;
  config.bad_channel = BadChannelKind::flat;
  config.bad_channel_electrode = "O2";
  const auto truth = simulate_to_edf(config, dir / "x.edf");
  int calls = 0;
  const auto output = detect_file((dir / "x.edf").string(), {}, [&](double fraction) {
    EXPECT_GE(fraction, 0.0);
    EXPECT_LE(fraction, 1.0);
    ++calls;
    return true;
  });
  EXPECT_GT(calls, 0);
  EXPECT_EQ(output.line_frequency_hz, 50.0);
  ASSERT_EQ(output.channels.size(), truth.channel_labels.size());
  for (const auto& channel : output.channels) {
    EXPECT_EQ(channel.bad, channel.label == "O2") << channel.label;
  }
  EXPECT_EQ(output.channels[9].bad_reason, "flat");
  ASSERT_EQ(output.seizures.size(), 1u);
  EXPECT_EQ(output.seizures[0].hemisphere, truth.seizures[0].hemisphere);
  EXPECT_NEAR(ticks_to_seconds(output.seizures[0].onset - truth.seizures[0].onset), 0.0, 5.0);
  // Cancelling throws.
  EXPECT_THROW(detect_file((dir / "x.edf").string(), {}, [](double) { return false; }),
               ictaltrack::Error);
}

TEST(DetectFile, SixtyHertzMainsIsRecognised) {
  testing::ScratchDir dir;
  auto config = base_config(42, 120);
  config.n_seizures = 0;
  config.line_noise_hz = 60;
  config.line_noise_uv = 8;
  simulate_to_edf(config, dir / "x.edf");
  EXPECT_EQ(detect_file((dir / "x.edf").string()).line_frequency_hz, 60.0);
}

TEST(SeizureDetector, RejectsBadParameters) {
  DetectorOptions params;
  params.off_threshold_db = params.on_threshold_db + 1;
  EXPECT_THROW(SeizureDetector(256, {"Fp1"}, params), std::invalid_argument);
  EXPECT_THROW(SeizureDetector(0, {"Fp1"}), std::invalid_argument);
  // No EEG channel: a warning, no crash, no seizure.
  SeizureDetector detector(256, {"ECG", "EMG"});
  std::vector<double> zeros(2 * 1000, 0.0);
  detector.push(zeros.data(), 1000, 1000);
  detector.finish();
  EXPECT_TRUE(detector.take_seizures().empty());
  ASSERT_FALSE(detector.warnings().empty());
  EXPECT_EQ(detector.warnings()[0].code, "no_eeg_channels");
}

}  // namespace
}  // namespace ictaltrack
