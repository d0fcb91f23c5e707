// Gaps (EDF+D, SeizureDetector::mark_gap): the detector never treats the data on either side of
// a gap as contiguous. Oracles: the detector run on each segment alone (the segment before a gap
// must give exactly what it gives alone; the segment after it, with the baseline carried over,
// the same seizures at the same times within a window), and the simulator's truth.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "edf_builder.hpp"
#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "ictaltrack/simulate/simulator.hpp"
#include "test_support.hpp"

namespace ictaltrack {
namespace {

struct Segment {
  std::vector<std::string> labels;
  std::vector<double> data;  // channel-major
  std::size_t n_samples = 0;
  SimulationTruth truth;
};

// One simulated seizure in `duration_s` of referential EEG, without line noise (the file test
// quantises the samples to 16 bits; the stream test feeds them as they are).
Segment simulate_segment(std::uint64_t seed, double duration_s) {
  SimulationOptions config;
  config.seed = seed;
  config.duration_s = duration_s;
  config.n_seizures = 1;
  config.first_onset_min_s = 80;
  config.first_onset_max_s = 100;
  config.seizure_duration_min_s = 50;
  config.seizure_duration_max_s = 60;
  SimulationGenerator generator(config);
  Segment segment;
  segment.labels = generator.channel_labels();
  segment.n_samples = static_cast<std::size_t>(generator.total_samples());
  segment.data.resize(segment.labels.size() * segment.n_samples);
  generator.generate(segment.data.data(), generator.total_samples(),
                     static_cast<std::int64_t>(segment.n_samples));
  segment.truth = generator.truth();
  return segment;
}

// Keeps the first `seconds` of the segment.
void cut_at(Segment& segment, double seconds) {
  const auto keep = static_cast<std::size_t>(seconds * 256.0);
  std::vector<double> kept(segment.labels.size() * keep);
  for (std::size_t c = 0; c < segment.labels.size(); ++c) {
    std::copy_n(segment.data.begin() + static_cast<std::ptrdiff_t>(c * segment.n_samples), keep,
                kept.begin() + static_cast<std::ptrdiff_t>(c * keep));
  }
  segment.data = std::move(kept);
  segment.n_samples = keep;
}

// Runs a detector over the segments, with mark_gap() between them, in chunks of 1000 samples.
std::vector<StreamSeizure> run_stream(const std::vector<const Segment*>& segments,
                                      std::int64_t* analysed = nullptr,
                                      std::vector<OnsetAlarm>* alarms = nullptr) {
  DetectorOptions params;
  params.line_frequency_hz = 50;
  SeizureDetector detector(256.0, segments.front()->labels, params);
  std::vector<StreamSeizure> out;
  for (const Segment* segment : segments) {
    detector.mark_gap();  // a no-op before the first sample
    const std::size_t n = segment->labels.size(), chunk = 1000;
    std::vector<double> buffer(n * chunk);
    for (std::size_t start = 0; start < segment->n_samples; start += chunk) {
      const std::size_t count = std::min(chunk, segment->n_samples - start);
      for (std::size_t c = 0; c < n; ++c) {
        std::copy_n(
            segment->data.begin() + static_cast<std::ptrdiff_t>(c * segment->n_samples + start),
            count, buffer.begin() + static_cast<std::ptrdiff_t>(c * chunk));
      }
      detector.push(buffer.data(), count, chunk);
      if (alarms != nullptr) {
        auto raised = detector.take_alarms();
        alarms->insert(alarms->end(), raised.begin(), raised.end());
      }
    }
  }
  detector.finish();
  out = detector.take_seizures();
  if (alarms != nullptr) {
    auto raised = detector.take_alarms();
    alarms->insert(alarms->end(), raised.begin(), raised.end());
  }
  if (analysed != nullptr) *analysed = detector.samples_analysed();
  return out;
}

void expect_same_seizure(const StreamSeizure& a, const StreamSeizure& b, std::int64_t shift) {
  EXPECT_EQ(a.onset_sample, b.onset_sample + shift);
  EXPECT_EQ(a.offset_sample, b.offset_sample + shift);
  EXPECT_EQ(a.seizure.onset_channels, b.seizure.onset_channels);
  EXPECT_EQ(a.seizure.hemisphere, b.seizure.hemisphere);
  EXPECT_EQ(a.seizure.region, b.seizure.region);
  ASSERT_EQ(a.seizure.channel_onsets.size(), b.seizure.channel_onsets.size());
}

TEST(DetectorGaps, SegmentsAreAnalysedApartAndNoEventSpansTheGap) {
  Segment first = simulate_segment(5, 240);
  const Segment second = simulate_segment(8, 240);
  ASSERT_EQ(first.labels, second.labels);
  // Cut the first segment 20 s into its seizure: the seizure is still running at the gap.
  cut_at(first, std::floor(ticks_to_seconds(first.truth.seizures.at(0).onset)) + 20.0);
  const auto n_first = static_cast<std::int64_t>(first.n_samples);

  std::int64_t analysed = 0;
  std::vector<OnsetAlarm> alarms;
  const auto joined = run_stream({&first, &second}, &analysed, &alarms);
  const auto first_alone = run_stream({&first});
  const auto second_alone = run_stream({&second});
  ASSERT_EQ(first_alone.size(), 1u);  // the running seizure, ended by the end of the data
  ASSERT_EQ(second_alone.size(), 1u);

  std::vector<StreamSeizure> before, after;
  for (const auto& s : joined) {
    // No event spans the gap.
    EXPECT_TRUE(s.offset_sample <= n_first || s.onset_sample >= n_first)
        << s.onset_sample << " .. " << s.offset_sample;
    (s.onset_sample < n_first ? before : after).push_back(s);
  }
  // Up to the gap the run is exactly the first segment alone: the open event ends at the gap as
  // it ends at the end of the data.
  ASSERT_EQ(before.size(), 1u);
  expect_same_seizure(before[0], first_alone[0], 0);
  EXPECT_NEAR(static_cast<double>(before[0].onset_sample) / 256.0,
              ticks_to_seconds(first.truth.seizures[0].onset), 5.0);
  // After it: the second segment's seizure at its time (within one 1 s hop; the baseline it is
  // measured against came from the first segment, not from its own warm-up).
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NEAR(static_cast<double>(after[0].onset_sample - n_first),
              static_cast<double>(second_alone[0].onset_sample), 256.0);
  EXPECT_EQ(after[0].seizure.hemisphere, second_alone[0].seizure.hemisphere);
  EXPECT_NEAR(static_cast<double>(after[0].onset_sample - n_first) / 256.0,
              ticks_to_seconds(second.truth.seizures[0].onset), 5.0);
  // Analysed: each segment but the tail after its last whole window (2 s windows, 1 s hop).
  auto covered = [](std::int64_t samples) {
    return samples < 512 ? 0 : (samples - 512) / 256 * 256 + 512;
  };
  EXPECT_EQ(analysed, covered(n_first) + covered(static_cast<std::int64_t>(second.n_samples)));
  // One alarm per seizure: the seizure cut by the gap is announced by the gap at the latest (it
  // is decided there), with its onset; the second one after the gap.
  ASSERT_EQ(alarms.size(), 2u);
  EXPECT_LE(alarms[0].raised_sample, n_first);
  EXPECT_EQ(alarms[0].onset_sample, before[0].onset_sample);
  EXPECT_GT(alarms[1].onset_sample, n_first);
  EXPECT_LT(alarms[1].raised_sample, after[0].offset_sample);
}

TEST(DetectorGaps, MarkGapOnlyCountsBetweenSamples) {
  const Segment segment = simulate_segment(5, 200);
  // Gaps before the first sample and repeated gaps change nothing.
  DetectorOptions params;
  params.line_frequency_hz = 50;
  SeizureDetector with_marks(256.0, segment.labels, params);
  with_marks.mark_gap();
  with_marks.mark_gap();
  with_marks.push(segment.data.data(), segment.n_samples, segment.n_samples);
  with_marks.finish();
  const auto expected = run_stream({&segment});
  const auto got = with_marks.take_seizures();
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) expect_same_seizure(got[i], expected[i], 0);
}

// Writes the segments as one EDF+D file (records of 1 s at `onsets_s`, 16-bit samples).
std::filesystem::path write_edf(const std::filesystem::path& path,
                                const std::vector<const Segment*>& segments,
                                const std::vector<double>& onsets_s) {
  testing::EdfBuilder builder;
  builder.reserved = segments.size() > 1 ? "EDF+D" : "EDF+C";
  std::vector<std::pair<const Segment*, std::int64_t>> records;  // segment, record within it
  for (std::size_t s = 0; s < segments.size(); ++s) {
    for (std::int64_t r = 0; r < static_cast<std::int64_t>(segments[s]->n_samples / 256); ++r) {
      builder.record_onsets.push_back(std::to_string(onsets_s[s] + static_cast<double>(r)));
      records.emplace_back(segments[s], r);
    }
  }
  builder.n_records = static_cast<std::int64_t>(records.size());
  const auto& labels = segments.front()->labels;
  for (std::size_t c = 0; c < labels.size(); ++c) {
    auto& signal = builder.add_signal(labels[c], 256);
    signal.samples = [records, c](std::int64_t record, std::int64_t k) {
      const auto& [segment, r] = records[static_cast<std::size_t>(record)];
      const double x =
          segment->data[c * segment->n_samples + static_cast<std::size_t>(r * 256 + k)];
      const double digital = std::round((x + 3200.0) / 6400.0 * 65535.0 - 32768.0);
      return static_cast<std::int32_t>(std::clamp(digital, -32768.0, 32767.0));
    };
  }
  builder.add_annotation_signal(60);
  return builder.write(path);
}

TEST(DetectorGaps, DetectFileAnalysesEdfPlusDSegmentsApartWithTrueTimes) {
  Segment first = simulate_segment(5, 240);
  const Segment second = simulate_segment(8, 240);
  // The first segment ends 20 s into its seizure (whole 1 s records).
  const double first_s = std::floor(ticks_to_seconds(first.truth.seizures.at(0).onset)) + 20.0;
  cut_at(first, first_s);
  const auto first_ticks = static_cast<Ticks>(first_s) * kTicksPerSecond;
  const testing::ScratchDir dir;
  const double second_onset_s = 3000.0;
  const auto joined_path = write_edf(dir / "joined.edf", {&first, &second}, {0.0, second_onset_s});
  const auto first_path = write_edf(dir / "first.edf", {&first}, {0.0});
  const auto second_path = write_edf(dir / "second.edf", {&second}, {0.0});

  const DetectionOutput joined = detect_file(joined_path.string());
  const DetectionOutput first_alone = detect_file(first_path.string());
  const DetectionOutput second_alone = detect_file(second_path.string());
  ASSERT_EQ(first_alone.seizures.size(), 1u);
  ASSERT_EQ(second_alone.seizures.size(), 1u);

  // The gap is reported, with true times.
  ASSERT_EQ(joined.gaps.size(), 1u);
  EXPECT_EQ(joined.gaps[0].onset, first_ticks);
  EXPECT_EQ(joined.gaps[0].duration, 3000 * kTicksPerSecond - first_ticks);
  EXPECT_EQ(joined.duration, 3240 * kTicksPerSecond);
  EXPECT_TRUE(std::any_of(joined.warnings.begin(), joined.warnings.end(),
                          [](const ReadWarning& w) { return w.code == "gaps"; }));
  EXPECT_TRUE(first_alone.gaps.empty());
  // Whole seconds, 2 s windows, 1 s hop: all of each segment is analysed.
  EXPECT_EQ(joined.analysed, first_ticks + 240 * kTicksPerSecond);
  EXPECT_EQ(first_alone.analysed, first_ticks);

  ASSERT_EQ(joined.seizures.size(), 2u);
  const Seizure& a = joined.seizures[0];
  const Seizure& b = joined.seizures[1];
  // Nothing spans the gap; the first segment's seizure is exactly the one it gives alone.
  EXPECT_LE(a.offset, first_ticks);
  EXPECT_GE(b.onset, 3000 * kTicksPerSecond);
  EXPECT_EQ(a.onset, first_alone.seizures[0].onset);
  EXPECT_EQ(a.offset, first_alone.seizures[0].offset);
  EXPECT_EQ(a.onset_channels, first_alone.seizures[0].onset_channels);
  // The second at its true time: the second segment's own time plus 3000 s, within a hop.
  const double shift_s = second_onset_s;
  EXPECT_NEAR(ticks_to_seconds(b.onset), ticks_to_seconds(second_alone.seizures[0].onset) + shift_s,
              1.0);
  EXPECT_NEAR(ticks_to_seconds(b.onset), ticks_to_seconds(second.truth.seizures[0].onset) + shift_s,
              5.0);
  for (const auto& onset : b.channel_onsets) EXPECT_GE(onset.onset, 3000 * kTicksPerSecond);
}

// detect_samples runs detect_file's assembly on samples in memory: the file's float32 physical
// values with its gaps give the same output (oracle: detect_file on the file).
DetectionOutput detect_read_samples(const std::filesystem::path& path) {
  const EdfReader reader(path.string());
  const auto& info = reader.info();
  std::vector<int> channels;
  std::vector<std::string> labels;
  for (int c = 0; c < info.n_channels(); ++c) {
    channels.push_back(c);
    labels.push_back(info.channels[static_cast<std::size_t>(c)].label);
  }
  const std::int64_t n = info.channels[0].n_samples;
  std::vector<float> data(channels.size() * static_cast<std::size_t>(n));
  reader.read_physical(channels, 0, n, data.data(), n);
  SampleSourceInfo source;
  source.start = info.start;
  const auto segments = reader.segments();
  for (std::size_t s = 1; s < segments.size(); ++s) {
    const Ticks previous_end =
        segments[s - 1].onset + segments[s - 1].n_records * info.record_duration;
    source.gaps.push_back({segments[s].first_record * info.channels[0].samples_per_record,
                           segments[s].onset - previous_end});
  }
  return detect_samples(labels, info.channels[0].sfreq, data.data(), static_cast<std::size_t>(n),
                        static_cast<std::size_t>(n), {}, source);
}

// Every field of two detection outputs (the file names aside) is the same.
void expect_same_output(const DetectionOutput& got, const DetectionOutput& expected) {
  EXPECT_EQ(got.duration, expected.duration);
  EXPECT_EQ(got.analysed, expected.analysed);
  EXPECT_EQ(got.line_frequency_hz, expected.line_frequency_hz);
  EXPECT_EQ(got.start.iso8601(), expected.start.iso8601());
  ASSERT_EQ(got.gaps.size(), expected.gaps.size());
  for (std::size_t g = 0; g < got.gaps.size(); ++g) {
    EXPECT_EQ(got.gaps[g].onset, expected.gaps[g].onset);
    EXPECT_EQ(got.gaps[g].duration, expected.gaps[g].duration);
  }
  ASSERT_EQ(got.channels.size(), expected.channels.size());
  for (std::size_t c = 0; c < got.channels.size(); ++c) {
    EXPECT_EQ(got.channels[c].bad, expected.channels[c].bad);
    EXPECT_EQ(got.channels[c].bad_reason, expected.channels[c].bad_reason);
  }
  ASSERT_EQ(got.seizures.size(), expected.seizures.size());
  for (std::size_t i = 0; i < got.seizures.size(); ++i) {
    const Seizure& a = got.seizures[i];
    const Seizure& b = expected.seizures[i];
    EXPECT_EQ(a.onset, b.onset);
    EXPECT_EQ(a.offset, b.offset);
    EXPECT_EQ(a.onset_channels, b.onset_channels);
    EXPECT_EQ(a.hemisphere, b.hemisphere);
    EXPECT_EQ(a.confidence, b.confidence);
    ASSERT_EQ(a.channel_onsets.size(), b.channel_onsets.size());
    for (std::size_t k = 0; k < a.channel_onsets.size(); ++k) {
      EXPECT_EQ(a.channel_onsets[k].onset, b.channel_onsets[k].onset);
      EXPECT_EQ(a.channel_onsets[k].channel, b.channel_onsets[k].channel);
    }
  }
}

TEST(DetectorGaps, DetectSamplesGivesDetectFileOutput) {
  Segment first = simulate_segment(5, 240);
  const Segment second = simulate_segment(8, 240);
  cut_at(first, std::floor(ticks_to_seconds(first.truth.seizures.at(0).onset)) + 20.0);
  const testing::ScratchDir dir;
  for (const auto& path : {write_edf(dir / "joined.edf", {&first, &second}, {0.0, 3000.0}),
                           write_edf(dir / "second.edf", {&second}, {0.0})}) {
    const DetectionOutput expected = detect_file(path.string());
    ASSERT_FALSE(expected.seizures.empty());
    expect_same_output(detect_read_samples(path), expected);
  }
}

// FileFollower on an EDF+D file written while it is followed: the header says -1 records, the
// writer appends pieces that often end inside a record. Oracle: detect_file on the finished file
// (the same bytes); each seizure comes out of take_events() once closed, equal to the final one.
TEST(DetectorGaps, FileFollowerOnAGrowingEdfPlusDFileGivesDetectFileOutput) {
  Segment first = simulate_segment(5, 240);
  const Segment second = simulate_segment(8, 240);
  cut_at(first, std::floor(ticks_to_seconds(first.truth.seizures.at(0).onset)) + 20.0);
  const testing::ScratchDir dir;
  const auto source = write_edf(dir / "joined.edf", {&first, &second}, {0.0, 3000.0});
  std::string bytes;
  {
    std::ifstream in(source, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes.replace(236, 8, "-1      ");
  const std::size_t header = 256 * (1 + static_cast<std::size_t>(std::stoi(bytes.substr(252, 4))));
  const auto growing = dir / "growing.edf";
  std::ofstream out(growing, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(header / 2));  // half the header first
  out.flush();
  FileFollower follower(growing.string());
  EXPECT_TRUE(follower.poll());  // a header being written is waited for
  std::vector<Seizure> streamed;
  std::vector<OnsetAlarm> alarmed;
  std::vector<std::size_t> written_when_streamed;
  std::size_t at = header / 2;
  const std::size_t piece = 7 * 19 * 256 * 2 + 1001;  // 7.2 records of 19 channels at 256 Hz
  auto take_events = [&] {
    for (auto& event : follower.take_events()) {
      if (auto* alarm = std::get_if<OnsetAlarm>(&event)) {
        alarmed.push_back(std::move(*alarm));
      } else {
        streamed.push_back(std::move(std::get<Seizure>(event)));
        written_when_streamed.push_back(at);
      }
    }
  };
  while (at < bytes.size()) {
    const std::size_t count = std::min(piece, bytes.size() - at);
    out.write(bytes.data() + at, static_cast<std::streamsize>(count));
    out.flush();
    at += count;
    EXPECT_TRUE(follower.poll());
    take_events();
  }
  const DetectionOutput got = follower.finish();
  take_events();
  const DetectionOutput expected = detect_file(growing.string());
  ASSERT_EQ(expected.seizures.size(), 2u);
  ASSERT_EQ(expected.gaps.size(), 1u);
  expect_same_output(got, expected);
  ASSERT_EQ(got.warnings.size(), expected.warnings.size());
  for (std::size_t w = 0; w < got.warnings.size(); ++w) {
    EXPECT_EQ(got.warnings[w].code, expected.warnings[w].code);
    EXPECT_EQ(got.warnings[w].message, expected.warnings[w].message);
  }
  ASSERT_EQ(streamed.size(), expected.seizures.size());
  for (std::size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].onset, expected.seizures[i].onset);
    EXPECT_EQ(streamed[i].offset, expected.seizures[i].offset);
    EXPECT_EQ(streamed[i].onset_channels, expected.seizures[i].onset_channels);
  }
  // The onset alarms taken while following are detect_file's, in the recording's time and
  // channels, and so are finish()'s.
  ASSERT_EQ(alarmed.size(), expected.alarms.size());
  ASSERT_EQ(got.alarms.size(), expected.alarms.size());
  for (std::size_t i = 0; i < alarmed.size(); ++i) {
    for (const OnsetAlarm* alarm : {static_cast<const OnsetAlarm*>(&alarmed[i]), &got.alarms[i]}) {
      EXPECT_EQ(alarm->raised, expected.alarms[i].raised);
      EXPECT_EQ(alarm->onset, expected.alarms[i].onset);
      EXPECT_EQ(alarm->onset_channels, expected.alarms[i].onset_channels);
      EXPECT_EQ(alarm->side, expected.alarms[i].side);
    }
  }
  // The first seizure ends at the gap: it comes out as soon as the records after the gap do,
  // long before the file is complete.
  EXPECT_LT(written_when_streamed[0], bytes.size() / 2);
  EXPECT_EQ(follower.samples_read(), static_cast<std::int64_t>(first.n_samples + second.n_samples));
}

TEST(DetectorGaps, DetectSamplesRejectsGapsOutsideTheSamples) {
  std::vector<float> data(2 * 1000, 0.0f);
  SampleSourceInfo source;
  source.gaps = {{1000, kTicksPerSecond}};
  EXPECT_THROW(detect_samples({"Fp1", "Fp2"}, 256.0, data.data(), 1000, 1000, {}, source),
               std::invalid_argument);
  source.gaps = {{500, 0}};
  EXPECT_THROW(detect_samples({"Fp1", "Fp2"}, 256.0, data.data(), 1000, 1000, {}, source),
               std::invalid_argument);
  source.gaps = {};
  source.bad = {true};
  EXPECT_THROW(detect_samples({"Fp1", "Fp2"}, 256.0, data.data(), 1000, 1000, {}, source),
               std::invalid_argument);
}

}  // namespace
}  // namespace ictaltrack
