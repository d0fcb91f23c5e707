// Reader behaviour on generated files (rates, record durations, ranges, subsets, calibration,
// EDF+D timing, > 640 signals, threads) and hand-derived facts about corpus files EDFlib refuses.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "edf_builder.hpp"
#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "io/edf_detail.hpp"
#include "test_support.hpp"

using namespace ictaltrack;
using ictaltrack::testing::EdfBuilder;
using ictaltrack::testing::ScratchDir;

namespace {

/// EDF+C: 256 Hz, 100 Hz and 12.8 Hz channels in 10 s records (spr 2560, 1000, 128).
EdfBuilder mixed_rate_builder() {
  EdfBuilder builder;
  builder.reserved = "EDF+C";
  builder.duration_field = "10";
  builder.n_records = 4;
  builder.add_signal("Fp1", 2560);
  builder.add_signal("ECG", 1000).physical_dimension = "mV";
  builder.add_signal("Resp", 128);
  builder.add_signal("Fp2", 2560);
  builder.add_annotation_signal(120);
  return builder;
}

std::filesystem::path corpus_file(const std::string& relative) {
  const auto dir = ictaltrack::testing::corpus_dir();
  if (dir.empty() || !std::filesystem::exists(dir / relative)) return {};
  return dir / relative;
}

}  // namespace

TEST(Reader, MixedRatesKeepTheirExactRates) {
  ScratchDir scratch;
  const EdfBuilder builder = mixed_rate_builder();
  const EdfReader reader(builder.write(scratch / "mixed.edf").string());
  const RecordingInfo& info = reader.info();
  EXPECT_EQ(info.format, FileFormat::edf_plus_c);
  EXPECT_EQ(info.n_signals, 5);
  ASSERT_EQ(info.n_channels(), 4);
  EXPECT_EQ(info.annotation_signals, std::vector<int>{4});
  EXPECT_EQ(info.record_duration, 10 * kTicksPerSecond);
  EXPECT_DOUBLE_EQ(info.channels[0].sfreq, 256.0);
  EXPECT_DOUBLE_EQ(info.channels[1].sfreq, 100.0);
  EXPECT_DOUBLE_EQ(info.channels[2].sfreq, 12.8);
  EXPECT_EQ(info.channels[2].n_samples, 4 * 128);
  EXPECT_EQ(info.channels[1].physical_dimension, "mV");
  EXPECT_EQ(info.duration(), 40 * kTicksPerSecond);
  EXPECT_TRUE(info.warnings.empty());
  // 12.8 Hz: sample 129 is the second sample of record 1, at 10 s + 1/12.8 s = 10.078125 s.
  EXPECT_EQ(reader.sample_time(2, 129), 100'781'250);
  EXPECT_EQ(reader.find_channel("Resp"), 2);
  EXPECT_EQ(reader.find_channel("EDF Annotations"), -1);
}

TEST(Reader, ArbitraryRangesAndSubsetsMatchTheWrittenSamples) {
  ScratchDir scratch;
  const EdfBuilder builder = mixed_rate_builder();
  const EdfReader reader(builder.write(scratch / "mixed.edf").string());
  std::mt19937 random(7);
  for (int trial = 0; trial < 200; ++trial) {
    const int channel = static_cast<int>(random() % 4);
    const ChannelInfo& info = reader.info().channels[channel];
    const std::int64_t start = random() % info.n_samples;
    const std::int64_t count = random() % (info.n_samples - start + 1);
    std::vector<std::int32_t> digital(static_cast<std::size_t>(count));
    reader.read_digital(channel, start, count, digital.data());
    for (std::int64_t k = 0; k < count; ++k) {
      const std::int64_t sample = start + k;
      ASSERT_EQ(digital[k], builder.value(info.signal_index, sample / info.samples_per_record,
                                          sample % info.samples_per_record));
    }
  }
  // Two channels of the same rate in one call, channel-major with a stride larger than count.
  const std::vector<int> pair = {3, 0};
  const std::int64_t start = 2000, count = 3000, stride = 3005;
  std::vector<std::int32_t> both(2 * stride, -1);
  reader.read_digital(pair, start, count, both.data(), stride);
  for (std::int64_t k = 0; k < count; ++k) {
    const std::int64_t sample = start + k;
    ASSERT_EQ(both[k], builder.value(3, sample / 2560, sample % 2560));
    ASSERT_EQ(both[stride + k], builder.value(0, sample / 2560, sample % 2560));
  }
  EXPECT_EQ(both[count], -1);  // the gap between rows is left alone
}

TEST(Reader, PhysicalIsGainTimesDigitalPlusOffsetInFloatAndDouble) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.add_signal("C3", 64);
  builder.signals[0].physical_min = "-500";
  builder.signals[0].physical_max = "1500";
  builder.signals[0].digital_min = "-2048";
  builder.signals[0].digital_max = "2047";
  builder.signals[0].samples = [](std::int64_t record, std::int64_t k) {
    return static_cast<std::int32_t>((record * 64 + k) * 13 % 4096) - 2048;
  };
  const EdfReader reader(builder.write(scratch / "cal.edf").string());
  const ChannelInfo& channel = reader.info().channels[0];
  const double gain = 2000.0 / 4095.0;
  const double offset = -500.0 - gain * -2048.0;
  EXPECT_DOUBLE_EQ(channel.gain, gain);
  EXPECT_DOUBLE_EQ(channel.offset, offset);
  const std::int64_t n = channel.n_samples;
  std::vector<double> as_double(n);
  std::vector<float> as_float(n);
  reader.read_physical(0, 0, n, as_double.data());
  reader.read_physical(0, 0, n, as_float.data());
  for (std::int64_t k = 0; k < n; ++k) {
    const double expected = gain * builder.value(0, k / 64, k % 64) + offset;
    EXPECT_NEAR(as_double[k], expected, 1e-9);
    EXPECT_EQ(as_float[k], static_cast<float>(as_double[k]));
  }
  EXPECT_NEAR(as_double[0], -500.0, 1e-9);  // digital minimum maps to physical minimum
}

TEST(Reader, HalfSecondRecordsWithBdfPlus) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.bdf = true;
  builder.reserved = "BDF+C";
  builder.duration_field = "0.5";
  builder.n_records = 6;
  builder.add_signal("Cz", 128);
  builder.add_signal("Status", 128).samples = [](std::int64_t record, std::int64_t k) {
    return static_cast<std::int32_t>(0xFF0000 | (record * 128 + k)) - 0x1000000;
  };
  builder.signals[1].digital_min = "0";  // a narrow range must not clip the Status channel
  builder.signals[1].digital_max = "255";
  builder.add_annotation_signal(30);
  const EdfReader reader(builder.write(scratch / "half.bdf").string());
  EXPECT_EQ(reader.info().format, FileFormat::bdf_plus_c);
  EXPECT_EQ(reader.info().record_duration, 5'000'000);
  EXPECT_DOUBLE_EQ(reader.info().channels[0].sfreq, 256.0);
  EXPECT_TRUE(reader.info().channels[1].is_bdf_status);
  EXPECT_FALSE(reader.info().channels[0].is_bdf_status);
  std::vector<std::int32_t> status(6 * 128);
  reader.read_digital(1, 0, 6 * 128, status.data());
  for (int k = 0; k < 6 * 128; ++k) {
    ASSERT_EQ(status[k] & 0xFFFFFF, 0xFF0000 | k);  // raw, sign-extended 24-bit word
    ASSERT_LT(status[k], 0);
  }
  EXPECT_EQ(reader.info().record_onsets[3], 15'000'000);
  EXPECT_EQ(reader.sample_time(0, 3 * 128 + 64), 15'000'000 + 2'500'000);
}

TEST(Reader, DigitalValuesOutsideTheRangeAreClippedLikeEdflibUnlessDisabled) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.add_signal("O1", 4).samples = [](std::int64_t, std::int64_t k) {
    return static_cast<std::int32_t>(k * 1000 - 1500);  // -1500, -500, 500, 1500
  };
  builder.signals[0].digital_min = "-1000";
  builder.signals[0].digital_max = "1000";
  const auto path = builder.write(scratch / "clip.edf");
  std::vector<std::int32_t> values(4);
  EdfReader(path.string()).read_digital(0, 0, 4, values.data());
  EXPECT_EQ(values, (std::vector<std::int32_t>{-1000, -500, 500, 1000}));
  ReaderOptions raw;
  raw.clip_to_digital_range = false;
  EdfReader(path.string(), raw).read_digital(0, 0, 4, values.data());
  EXPECT_EQ(values, (std::vector<std::int32_t>{-1500, -500, 500, 1500}));
}

TEST(Reader, EdfPlusDRecordOnsetsSegmentsAndSampleTimes) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.reserved = "EDF+D";
  builder.n_records = 5;
  builder.record_onsets = {"0.25", "1.25", "5.25", "6.25", "10.75"};
  builder.add_signal("T3", 10);
  auto& annotations = builder.add_annotation_signal(80);
  std::string seizure =
      "+5.5\x15"
      "12.0000001\x14Seizure onset\x14";
  seizure.push_back('\0');
  annotations.extra_tals = {"", "", seizure};
  const EdfReader reader(builder.write(scratch / "gaps.edf").string());
  const RecordingInfo& info = reader.info();
  EXPECT_EQ(info.format, FileFormat::edf_plus_d);
  EXPECT_TRUE(info.discontinuous());
  EXPECT_EQ(info.start.subsecond, 2'500'000);
  EXPECT_EQ(info.start.iso8601(), "2021-03-07T10:02:03.2500000");
  EXPECT_EQ(info.record_onsets,
            (std::vector<Ticks>{0, 10'000'000, 50'000'000, 60'000'000, 105'000'000}));
  const auto segments = reader.segments();
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[0].first_record, 0);
  EXPECT_EQ(segments[0].n_records, 2);
  EXPECT_EQ(segments[1].first_record, 2);
  EXPECT_EQ(segments[1].n_records, 2);
  EXPECT_EQ(segments[1].onset, 50'000'000);
  EXPECT_EQ(segments[2].onset, 105'000'000);
  EXPECT_EQ(info.duration(), 115'000'000);
  EXPECT_EQ(reader.sample_time(0, 0), 0);
  EXPECT_EQ(reader.sample_time(0, 23), 50'000'000 + 3'000'000);
  EXPECT_EQ(reader.sample_time(0, 49), 105'000'000 + 9'000'000);
  ASSERT_EQ(reader.annotations().size(), 1u);
  const Annotation& annotation = reader.annotations()[0];
  EXPECT_EQ(annotation.onset, 55'000'000 - 2'500'000);  // relative to the true start
  EXPECT_EQ(annotation.duration, 120'000'001);          // exact, no float round-trip
  EXPECT_EQ(annotation.description, "Seizure onset");
  EXPECT_EQ(annotation.record, 2);
  EXPECT_EQ(annotation.signal, 1);
}

TEST(Reader, FirstRecordOffsetOfSecondsMovesTheStartTime) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.reserved = "EDF+C";
  builder.start_date = "31.12.99";
  builder.start_time = "23.59.59";
  builder.recording = "Startdate 31-DEC-1999 X X X";
  builder.record_onsets = {"2.5", "3.5", "4.5"};
  builder.add_signal("Pz", 4);
  builder.add_annotation_signal(30);
  const EdfReader reader(builder.write(scratch / "offset.edf").string());
  EXPECT_TRUE(reader.info().has_warning("start_offset"));
  EXPECT_EQ(reader.info().start.iso8601(), "2000-01-01T00:00:01.5000000");
  EXPECT_EQ(reader.info().record_onsets[2], 2 * kTicksPerSecond);
}

TEST(Reader, EdfPlusStartdateGivesYearsBeyond2084) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.reserved = "EDF+C";
  builder.start_date = "07.03.85";  // "85" alone means 1985
  builder.recording = "Startdate 07-MAR-2085 X X X";
  builder.add_signal("Pz", 4);
  builder.add_annotation_signal(30);
  EXPECT_EQ(EdfReader(builder.write(scratch / "future.edf").string()).info().start.year, 2085);
  builder.reserved.clear();  // plain EDF: the recording field has no defined meaning
  EXPECT_EQ(EdfReader(builder.write(scratch / "plain.edf").string()).info().start.year, 1985);
}

TEST(Reader, EdfPlusDOnsetsAreReadEvenWithoutAnnotations) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.reserved = "EDF+D";
  builder.record_onsets = {"0", "4", "4.5"};
  builder.duration_field = "0.5";
  builder.add_signal("T4", 4);
  std::string note = "+4.25\x14note\x14";
  note.push_back('\0');
  builder.add_annotation_signal(40).extra_tals = {"", note};
  ReaderOptions options;
  options.read_annotations = false;
  const EdfReader reader(builder.write(scratch / "d.edf").string(), options);
  EXPECT_TRUE(reader.annotations().empty());
  EXPECT_EQ(reader.info().record_onsets, (std::vector<Ticks>{0, 40'000'000, 45'000'000}));
  EXPECT_EQ(reader.segments().size(), 2u);
  EXPECT_EQ(EdfReader(builder.write(scratch / "d.edf").string()).annotations().size(), 1u);
}

TEST(Reader, AnnotationsAcrossSeveralAnnotationSignalsAndReadAnnotationsOff) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.reserved = "EDF+C";
  builder.add_signal("F7", 4);
  auto first = builder.add_annotation_signal(40);
  (void)first;
  std::string a =
      "+0.5\x14"
      "eyes closed\x14";
  a.push_back('\0');
  builder.signals[1].extra_tals = {a};
  builder.add_annotation_signal(40);
  std::string b =
      "+2.0000005\x15"
      "3\x14"
      "spike\x14"
      "artefact\x14";
  b.push_back('\0');
  builder.signals[2].extra_tals = {"", "", b};
  const auto path = builder.write(scratch / "two.edf");
  const EdfReader reader(path.string());
  ASSERT_EQ(reader.annotations().size(), 3u);
  EXPECT_EQ(reader.annotations()[0].description, "eyes closed");
  EXPECT_EQ(reader.annotations()[0].onset, 5'000'000);
  EXPECT_EQ(reader.annotations()[0].duration, -1);
  EXPECT_EQ(reader.annotations()[1].description, "spike");
  EXPECT_EQ(reader.annotations()[2].description, "artefact");
  EXPECT_EQ(reader.annotations()[2].onset, 20'000'005);
  EXPECT_EQ(reader.annotations()[2].duration, 30'000'000);
  EXPECT_EQ(reader.annotations()[2].signal, 2);
  ReaderOptions options;
  options.read_annotations = false;
  EXPECT_TRUE(EdfReader(path.string(), options).annotations().empty());
}

TEST(Reader, HugeSingleRecordIsReadPieceByPiece) {
  // One 1200 s record of 2 x 1.2 M samples (4.8 MB): larger than the reader's 4 MiB chunk, so
  // requests are served by reading just the requested samples.
  ScratchDir scratch;
  EdfBuilder builder;
  builder.n_records = 1;
  builder.duration_field = "1200";
  builder.add_signal("F3", 1'200'000);
  builder.add_signal("F4", 1'200'000);
  const EdfReader reader(builder.write(scratch / "one_record.edf").string());
  ASSERT_EQ(reader.info().record_bytes, 4'800'000);
  const std::vector<int> both = {0, 1};
  for (const auto& [start, count] : std::vector<std::pair<std::int64_t, std::int64_t>>{
           {0, 1'200'000}, {1'000, 256}, {1'199'999, 1}, {3, 2'200'000 / 2}}) {
    std::vector<std::int32_t> digital(2 * count);
    reader.read_digital(both, start, count, digital.data(), count);
    for (std::int64_t k = 0; k < count; ++k) {
      ASSERT_EQ(digital[k], builder.value(0, 0, start + k));
      ASSERT_EQ(digital[count + k], builder.value(1, 0, start + k));
    }
  }
}

TEST(Reader, MoreThanEdflibsSixHundredFortySignals) {
  ScratchDir scratch;
  EdfBuilder builder;
  builder.n_records = 2;
  for (int s = 0; s < 700; ++s) builder.add_signal("E" + std::to_string(s), 2 + s % 3);
  const EdfReader reader(builder.write(scratch / "many.edf").string());
  ASSERT_EQ(reader.info().n_channels(), 700);
  EXPECT_EQ(reader.info().header_bytes, 256 * 701);
  for (const int channel : {0, 639, 640, 641, 699}) {
    const ChannelInfo& info = reader.info().channels[channel];
    EXPECT_EQ(info.label, "E" + std::to_string(channel));
    std::vector<std::int32_t> digital(info.n_samples);
    reader.read_digital(channel, 0, info.n_samples, digital.data());
    for (std::int64_t k = 0; k < info.n_samples; ++k) {
      ASSERT_EQ(digital[k],
                builder.value(channel, k / info.samples_per_record, k % info.samples_per_record));
    }
  }
}

TEST(Reader, ConcurrentReadsFromOneReaderAgree) {
  ScratchDir scratch;
  const EdfBuilder builder = mixed_rate_builder();
  const EdfReader reader(builder.write(scratch / "mixed.edf").string());
  const std::int64_t n = reader.info().channels[0].n_samples;
  std::vector<double> expected(n);
  reader.read_physical(0, 0, n, expected.data());
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<double> mine(n);
      for (int repeat = 0; repeat < 20; ++repeat) {
        const std::int64_t start = (t * 997 + repeat * 131) % n;
        reader.read_physical(0, start, n - start, mine.data());
        for (std::int64_t k = 0; k < n - start; ++k) {
          if (mine[k] != expected[start + k]) ++mismatches[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(Reader, MovedReaderKeepsWorking) {
  ScratchDir scratch;
  const EdfBuilder builder = mixed_rate_builder();
  EdfReader first(builder.write(scratch / "mixed.edf").string());
  EdfReader second = std::move(first);
  std::int32_t value = 0;
  second.read_digital(2, 5, 1, &value);
  EXPECT_EQ(value, builder.value(2, 0, 5));
}

TEST(Reader, FormatNames) {
  EXPECT_STREQ(to_string(FileFormat::edf), "EDF");
  EXPECT_STREQ(to_string(FileFormat::edf_plus_c), "EDF+C");
  EXPECT_STREQ(to_string(FileFormat::edf_plus_d), "EDF+D");
  EXPECT_STREQ(to_string(FileFormat::bdf), "BDF");
  EXPECT_STREQ(to_string(FileFormat::bdf_plus_c), "BDF+C");
  EXPECT_STREQ(to_string(FileFormat::bdf_plus_d), "BDF+D");
  EXPECT_EQ(parse_file_format("edf+d"), FileFormat::edf_plus_d);
  EXPECT_EQ(parse_file_format("BDF"), FileFormat::bdf);
  EXPECT_EQ(parse_file_format("Bdf+C"), FileFormat::bdf_plus_c);
  EXPECT_EQ(parse_file_format("EDF+"), FileFormat::edf_plus_c);
  EXPECT_THROW(parse_file_format("GDF"), std::invalid_argument);
  EXPECT_TRUE(is_bdf(FileFormat::bdf_plus_d));
  EXPECT_FALSE(is_bdf(FileFormat::edf_plus_c));
}

TEST(TalParsing, DecimalSecondsBecomeExactTicks) {
  using detail::parse_decimal_ticks;
  EXPECT_EQ(parse_decimal_ticks("+0", true), 0);
  EXPECT_EQ(parse_decimal_ticks("+1.5", true), 15'000'000);
  EXPECT_EQ(parse_decimal_ticks("-0.0000001", true), -1);
  EXPECT_EQ(parse_decimal_ticks("+86399.9999999", true), 863'999'999'999);
  EXPECT_EQ(parse_decimal_ticks("+0.123456789", true), 1'234'567);  // beyond 100 ns: truncated
  EXPECT_EQ(parse_decimal_ticks("30630", false), 306'300'000'000);
  EXPECT_EQ(parse_decimal_ticks(".5", false), 5'000'000);
  EXPECT_FALSE(parse_decimal_ticks("1.5", true));
  EXPECT_FALSE(parse_decimal_ticks("+", true));
  EXPECT_FALSE(parse_decimal_ticks("+1e3", true));
  EXPECT_FALSE(parse_decimal_ticks("+99999999999999999999", true));
}

TEST(TalParsing, SplitsOnsetDurationAndTexts) {
  const char raw[] =
      "+3\x14\x14\0+3.5\x15"
      "2\x14"
      "a\x14"
      "b\x14\0\0\0";
  const std::string bytes(raw, sizeof raw - 1);
  std::vector<detail::TalProblem> problems;
  const auto tals = detail::parse_tals(
      std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()), problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(tals.size(), 2u);
  EXPECT_EQ(tals[0].onset, 30'000'000);
  EXPECT_EQ(tals[0].texts, std::vector<std::string>{""});
  EXPECT_EQ(tals[1].onset, 35'000'000);
  EXPECT_EQ(tals[1].duration, 20'000'000);
  EXPECT_EQ(tals[1].texts, (std::vector<std::string>{"a", "b"}));
}

// ---- Corpus files EDFlib refuses: facts read off the bytes by hand (python struct, hex dump) ---

TEST(ReaderCorpus, NihonKohdenEdfPlusD) {
  const auto path = corpus_file("mne_testing_data/MB0400FU.EDF");
  if (path.empty()) GTEST_SKIP() << "corpus absent";
  const EdfReader reader(path.string());
  const RecordingInfo& info = reader.info();
  EXPECT_EQ(info.format, FileFormat::edf_plus_d);
  EXPECT_EQ(info.n_signals, 26);
  EXPECT_EQ(info.n_channels(), 25);
  EXPECT_EQ(info.n_records, 29);
  EXPECT_EQ(info.start.iso8601(), "2019-04-03T16:00:16");
  EXPECT_EQ(info.channels[0].label, "EEG Fp2-Ref");
  EXPECT_EQ(info.channels[0].samples_per_record, 200);
  // The time-keeping TALs say +0.000000 ... +28.000000: no gap despite EDF+D.
  for (std::int64_t r = 0; r < 29; ++r) EXPECT_EQ(info.record_onsets[r], r * kTicksPerSecond);
  ASSERT_EQ(reader.segments().size(), 1u);
  EXPECT_EQ(reader.segments()[0].n_records, 29);
  // Record 0: "+0.000000\x14\x14+0.000000\x14Segment: REC START ALLE EEG\x14";
  // record 1: "+1.000000\x14\x14+1.140000\x14A1+A2 OFF\x14" (no 0x00 between the TALs).
  ASSERT_EQ(reader.annotations().size(), 2u);
  EXPECT_EQ(reader.annotations()[0].description, "Segment: REC START ALLE EEG");
  EXPECT_EQ(reader.annotations()[0].onset, 0);
  EXPECT_EQ(reader.annotations()[1].description, "A1+A2 OFF");
  EXPECT_EQ(reader.annotations()[1].onset, 11'400'000);
  EXPECT_TRUE(info.has_warning("tal_missing_terminator"));
  // First samples of channel 0 and the last three of "POL E" (channel 19) in record 28.
  std::vector<std::int32_t> samples(3);
  reader.read_digital(0, 0, 3, samples.data());
  EXPECT_EQ(samples, (std::vector<std::int32_t>{-1978, -3042, 1119}));
  reader.read_digital(19, 29 * 200 - 200, 3, samples.data());
  EXPECT_EQ(samples, (std::vector<std::int32_t>{-84, -90, -6}));
}

TEST(ReaderCorpus, UnevenSamplingWithBadDateAndTrailingByte) {
  const auto path = corpus_file("edfjl/test_uneven_samp.edf");
  if (path.empty()) GTEST_SKIP() << "corpus absent";
  const EdfReader reader(path.string());
  const RecordingInfo& info = reader.info();
  EXPECT_EQ(info.format, FileFormat::edf);
  EXPECT_EQ(info.n_records, 11);
  EXPECT_EQ(info.record_duration, 10 * kTicksPerSecond);
  EXPECT_DOUBLE_EQ(info.channels[0].sfreq, 100.0);
  EXPECT_DOUBLE_EQ(info.channels[1].sfreq, 12.8);
  EXPECT_TRUE(info.has_warning("bad_date"));        // "42.00.00"
  EXPECT_TRUE(info.has_warning("bad_time"));        // "26.00.99"
  EXPECT_TRUE(info.has_warning("trailing_bytes"));  // 25585 = 768 + 11 * 2256 + 1
  std::vector<std::int32_t> samples(5);
  reader.read_digital(0, 0, 5, samples.data());
  EXPECT_EQ(samples, (std::vector<std::int32_t>{0, 192, 377, 549, 701}));
  reader.read_digital(1, 0, 5, samples.data());
  EXPECT_EQ(samples, (std::vector<std::int32_t>{1000, 1000, 1000, 1000, 1000}));
  reader.read_digital(1, 11 * 128 - 3, 3, samples.data());
  EXPECT_EQ(std::vector<std::int32_t>(samples.begin(), samples.begin() + 3),
            (std::vector<std::int32_t>{-100, -100, -100}));
}

TEST(ReaderCorpus, EdfPlusWithoutAnnotationSignal) {
  const auto path = corpus_file("edfjl/bdf_test.edf");
  if (path.empty()) GTEST_SKIP() << "corpus absent";
  const EdfReader reader(path.string());
  const RecordingInfo& info = reader.info();
  EXPECT_EQ(info.format, FileFormat::edf_plus_c);
  EXPECT_TRUE(info.has_warning("missing_annotation_signal"));
  EXPECT_EQ(info.n_channels(), 8);
  EXPECT_EQ(info.n_records, 73);
  EXPECT_DOUBLE_EQ(info.channels[0].physical_min, -121.973);
  EXPECT_DOUBLE_EQ(info.channels[0].physical_max, 121.9748);
  std::vector<std::int32_t> samples(3);
  reader.read_digital(0, 0, 3, samples.data());
  EXPECT_EQ(samples, (std::vector<std::int32_t>{-384, -935, -973}));
  reader.read_digital(7, 73 * 250 - 3, 3, samples.data());
  EXPECT_EQ(samples, (std::vector<std::int32_t>{-2507, -1764, -1829}));
}

TEST(ReaderCorpus, OverlappingAnnotations) {
  const auto path = corpus_file("mne_testing_data/test_edf_overlapping_annotations.edf");
  if (path.empty()) GTEST_SKIP() << "corpus absent";
  const EdfReader reader(path.string());
  const RecordingInfo& info = reader.info();
  EXPECT_EQ(info.n_channels(), 64);
  EXPECT_EQ(info.n_records, 124);
  const auto& annotations = reader.annotations();
  ASSERT_EQ(annotations.size(), 38u);  // 19 x T0, 10 x T1, 9 x T2
  EXPECT_EQ(annotations[0].description, "T0");
  EXPECT_EQ(annotations[0].onset, 0);
  EXPECT_EQ(annotations[0].duration, 13'750'000);
  EXPECT_EQ(annotations[1].description, "T1");
  EXPECT_EQ(annotations[1].onset, 13'750'000);
  EXPECT_EQ(annotations[1].duration, 51'250'000);
  EXPECT_EQ(annotations[37].description, "T1");
  EXPECT_EQ(annotations[37].onset, 1'184'000'000);
  int t2 = 0;
  for (const auto& annotation : annotations) t2 += annotation.description == "T2";
  EXPECT_EQ(t2, 9);
  std::vector<std::int32_t> samples(4);
  reader.read_digital(0, 0, 4, samples.data());
  EXPECT_EQ(samples, (std::vector<std::int32_t>{21, 7, 11, 26}));
  reader.read_digital(63, 123 * 128, 4, samples.data());
  EXPECT_EQ(samples, (std::vector<std::int32_t>{-20, -21, -25, -18}));
}

TEST(ReaderCorpus, EveryCorpusFileOpensAndReadsEverySample) {
  const auto files = ictaltrack::testing::corpus_files();
  if (files.empty()) GTEST_SKIP() << "corpus absent";
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const EdfReader reader(file.string());
    const RecordingInfo& info = reader.info();
    EXPECT_EQ(static_cast<std::int64_t>(info.record_onsets.size()), info.n_records);
    for (int c = 0; c < info.n_channels(); ++c) {
      const ChannelInfo& channel = info.channels[c];
      std::vector<float> physical(static_cast<std::size_t>(channel.n_samples));
      reader.read_physical(c, 0, channel.n_samples, physical.data());
      if (channel.calibrated && channel.n_samples > 0) {
        const auto [low, high] = std::minmax_element(physical.begin(), physical.end());
        EXPECT_TRUE(std::isfinite(*low) && std::isfinite(*high));
      }
    }
  }
}
