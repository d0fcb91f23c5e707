// Concurrency: the whole read + band-power pipeline on 8 different files from 8 threads gives
// results bit-for-bit identical to a serial run, and so does detect_file on 8 simulated
// recordings; 8 threads sharing one EdfReader read what a single thread reads; the same file
// opened twice (in two threads) reads identically; detect_file's own threads (n_threads 2, 3)
// give the one-thread result.
#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "edf_builder.hpp"
#ifndef ICTALTRACK_TSAN_READER_ONLY
#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/errors.hpp"
#include "ictaltrack/simulate/simulator.hpp"
#endif
#include "ictaltrack/io/edf_reader.hpp"
#include "ictaltrack/spectral/band_power.hpp"
#include "test_support.hpp"

using namespace ictaltrack;
using ictaltrack::testing::EdfBuilder;
using ictaltrack::testing::ScratchDir;

namespace {

constexpr int kFiles = 8;
constexpr int kThreads = 8;

/// Eight recordings that differ in format, rates, record layout and content.
EdfBuilder recording(int index) {
  EdfBuilder builder;
  builder.bdf = index % 3 == 2;
  const char* plus[] = {"EDF+C", "", "BDF+C", "EDF+D", "EDF+C", "BDF+D", "", "EDF+C"};
  builder.reserved = plus[index];
  builder.n_records = 20 + 3 * index;
  const int rate = index % 2 == 0 ? 128 : 100;
  for (int c = 0; c < 4 + index % 3; ++c) {
    auto& signal = builder.add_signal("E" + std::to_string(c), rate);
    // A sine-like integer pattern with a channel- and file-specific period: real spectra.
    signal.samples = [=](std::int64_t record, std::int64_t k) {
      const std::int64_t t = record * rate + k;
      const std::int64_t period = 7 + 3 * c + index;
      const std::int64_t phase = t % period;
      return static_cast<std::int32_t>((phase * 2 < period ? phase : period - phase) * 900 -
                                       (period * 225) + (t * 37 + c * 11 + index) % 301);
    };
  }
  builder.add_signal("slow", rate / 4);  // a second rate in every file
  if (!builder.reserved.empty()) {
    builder.add_annotation_signal(64).extra_tals = {std::string("+0.5\x15") + "1\x14" + "file " +
                                                    std::to_string(index) + '\x14' + '\0'};
    if (builder.reserved.back() == 'D') {
      for (std::int64_t r = 0; r < builder.n_records; ++r) {
        builder.record_onsets.push_back(std::to_string(r + (r >= 5 ? 10 : 0)));
      }
    }
  }
  return builder;
}

struct FileResult {
  std::vector<std::vector<double>> physical;
  std::vector<std::vector<std::int32_t>> digital;
  std::vector<Ticks> record_onsets;
  std::vector<std::string> annotations;
  std::vector<std::string> warnings;
  std::vector<double> band_power;
  std::vector<std::int64_t> window_start;

  bool operator==(const FileResult&) const = default;
};

/// Everything the pipeline derives from one file, read through one reader of its own.
FileResult analyse(const std::filesystem::path& path) {
  const EdfReader reader(path.string());
  const RecordingInfo& info = reader.info();
  FileResult result;
  result.record_onsets = info.record_onsets;
  for (const ReadWarning& warning : info.warnings) result.warnings.push_back(warning.code);
  for (const Annotation& annotation : reader.annotations()) {
    result.annotations.push_back(std::to_string(annotation.onset) + " " + annotation.description);
  }
  std::vector<int> same_rate;
  for (int c = 0; c < info.n_channels(); ++c) {
    const auto n = static_cast<std::size_t>(info.channels[c].n_samples);
    result.physical.emplace_back(n);
    result.digital.emplace_back(n);
    reader.read_physical(c, 0, info.channels[c].n_samples, result.physical.back().data());
    reader.read_digital(c, 0, info.channels[c].n_samples, result.digital.back().data());
    if (info.channels[c].samples_per_record == info.channels[0].samples_per_record) {
      same_rate.push_back(c);
    }
  }
  const std::int64_t n = info.channels[0].n_samples;
  std::vector<double> block(same_rate.size() * static_cast<std::size_t>(n));
  reader.read_physical(same_rate, 0, n, block.data(), n);
  BandPowerOptions options;
  options.n_threads = 1;
  const BandPowerResult power = ictaltrack::band_power(
      block.data(), same_rate.size(), static_cast<std::size_t>(n), info.channels[0].sfreq, options);
  result.band_power = power.power;
  result.window_start = power.window_start;
  return result;
}

class Concurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < kFiles; ++i) {
      paths_.push_back(recording(i).write(scratch_ / ("file" + std::to_string(i) + ".edf")));
    }
  }
  ScratchDir scratch_;
  std::vector<std::filesystem::path> paths_;
};

TEST_F(Concurrency, EightFilesFromEightThreadsMatchTheSerialRun) {
  std::vector<FileResult> serial;
  for (const auto& path : paths_) serial.push_back(analyse(path));
  // The files really differ, so a mix-up between threads would show.
  for (int i = 1; i < kFiles; ++i) ASSERT_NE(serial[i].physical, serial[0].physical);
  for (const FileResult& result : serial) ASSERT_FALSE(result.band_power.empty());

  for (int round = 0; round < 3; ++round) {
    std::vector<FileResult> parallel(kFiles);
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();  // all threads open at the same moment
        // Each round a different thread takes each file.
        const int file = (t + round) % kFiles;
        parallel[file] = analyse(paths_[file]);
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (int i = 0; i < kFiles; ++i) {
      EXPECT_TRUE(parallel[i] == serial[i]) << "file " << i << " round " << round;
    }
  }
}

TEST_F(Concurrency, EightThreadsSharingOneReaderReadWhatOneThreadReads) {
  const EdfReader reader(paths_[4].string());
  const RecordingInfo& info = reader.info();
  std::vector<std::vector<double>> serial;
  for (int c = 0; c < info.n_channels(); ++c) {
    serial.emplace_back(static_cast<std::size_t>(info.channels[c].n_samples));
    reader.read_physical(c, 0, info.channels[c].n_samples, serial.back().data());
  }
  std::vector<std::vector<std::vector<double>>> seen(kThreads);
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int repeat = 0; repeat < 5; ++repeat) {
        seen[t].clear();
        for (int k = 0; k < info.n_channels(); ++k) {
          const int c = (k + t) % info.n_channels();  // threads read channels in different orders
          std::vector<double> values(static_cast<std::size_t>(info.channels[c].n_samples));
          reader.read_physical(c, 0, info.channels[c].n_samples, values.data());
          seen[t].push_back(std::move(values));
        }
        std::rotate(seen[t].rbegin(), seen[t].rbegin() + t % info.n_channels(), seen[t].rend());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(seen[t], serial) << "thread " << t;
}

TEST_F(Concurrency, SameFileOpenedTwiceFromTwoThreadsReadsIdentically) {
  FileResult first, second;
  std::thread a([&] { first = analyse(paths_[3]); });
  std::thread b([&] { second = analyse(paths_[3]); });
  a.join();
  b.join();
  EXPECT_TRUE(first == second);
  EXPECT_FALSE(first.annotations.empty());
  EXPECT_EQ(first.annotations[0], "5000000 file 3");
}

#ifndef ICTALTRACK_TSAN_READER_ONLY
/// What detect_file reports, flattened for an exact comparison.
std::vector<std::string> describe(const DetectionOutput& output) {
  std::vector<std::string> lines;
  for (const DetectedChannel& channel : output.channels) {
    lines.push_back("channel " + channel.label + " bad=" + std::to_string(channel.bad) + " " +
                    channel.bad_reason);
  }
  for (const Seizure& seizure : output.seizures) {
    std::string line =
        "seizure " + std::to_string(seizure.onset) + ".." + std::to_string(seizure.offset) + " " +
        std::string(to_string(seizure.hemisphere)) + " " + std::string(to_string(seizure.region)) +
        " li=" + std::to_string(seizure.lateralization_index) +
        " confidence=" + std::to_string(seizure.confidence);
    for (const std::string& name : seizure.onset_channels) line += " " + name;
    for (const ChannelOnset& onset : seizure.channel_onsets) {
      line += " " + onset.name + "@" + std::to_string(onset.onset);
    }
    lines.push_back(line);
  }
  for (const ReadWarning& warning : output.warnings) lines.push_back("warning " + warning.code);
  lines.push_back("line " + std::to_string(output.line_frequency_hz));
  return lines;
}

TEST(ConcurrentDetection, EightSimulatedFilesFromEightThreadsMatchTheSerialRun) {
  ScratchDir scratch;
  std::vector<std::string> paths;
  for (int i = 0; i < kFiles; ++i) {
    SimulationOptions config;
    config.seed = 500 + static_cast<std::uint64_t>(i);
    config.duration_s = 150;
    config.n_seizures = 1;
    config.first_onset_min_s = 40;
    config.first_onset_max_s = 60;
    config.seizure_duration_min_s = 40;
    config.seizure_duration_max_s = 60;
    config.format = i % 2 == 0 ? FileFormat::edf_plus_c : FileFormat::bdf_plus_c;
    const auto path = scratch / ("sim" + std::to_string(i) + (i % 2 == 0 ? ".edf" : ".bdf"));
    simulate_to_edf(config, path);
    paths.push_back(path.string());
  }
  DetectorOptions params;
  params.n_threads = 1;  // the threads of this test are the concurrency under test
  std::vector<std::vector<std::string>> serial;
  std::size_t seizures = 0;
  for (const std::string& path : paths) {
    const DetectionOutput output = detect_file(path, params);
    seizures += output.seizures.size();
    serial.push_back(describe(output));
  }
  ASSERT_GE(seizures, 4u);  // most simulated seizures are found, so there is something to compare
  for (int i = 1; i < kFiles; ++i) ASSERT_NE(serial[i], serial[0]);

  std::vector<std::vector<std::string>> parallel(kFiles);
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      const int file = (t + 3) % kFiles;
      parallel[file] = describe(detect_file(paths[file], params));
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kFiles; ++i) EXPECT_EQ(parallel[i], serial[i]) << "file " << i;
}

// detect_file's own threads: the worker pool, whose threads take lanes of four channels as they
// become free and then read the next chunk ahead in parts. Under ThreadSanitizer
// (make test-tsan) this is the race check of that machinery; everywhere it checks that 1, 2 and 3
// threads give the same output, including when the progress callback cancels the run after a
// chunk was read ahead.
TEST(ConcurrentDetection, DetectorThreadsGiveTheOneThreadResult) {
  ScratchDir scratch;
  SimulationOptions config;
  config.seed = 77;
  config.duration_s = 240;
  config.n_seizures = 2;
  config.overlap_probability = 1.0;
  const auto path = (scratch / "threads.edf").string();
  simulate_to_edf(config, path);
  DetectorOptions params;
  params.n_threads = 1;
  const auto one = describe(detect_file(path, params));
  // Something to compare: the simulated seizures are found (both, or at least one of the pair).
  ASSERT_GE(std::count_if(one.begin(), one.end(),
                          [](const std::string& line) { return line.rfind("seizure ", 0) == 0; }),
            1);
  for (int threads : {2, 3}) {
    params.n_threads = threads;
    EXPECT_EQ(describe(detect_file(path, params)), one) << threads << " threads";
  }
  params.n_threads = 2;
  int calls = 0;
  EXPECT_THROW(detect_file(path, params, [&](double) { return ++calls < 3; }), Error);
  EXPECT_EQ(calls, 3);
}
#endif  // ICTALTRACK_TSAN_READER_ONLY

}  // namespace
