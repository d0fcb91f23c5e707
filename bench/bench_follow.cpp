// Cost of one poll of `ictaltrack follow` on an EDF+D file that is being written, at 4 h and 24 h
// of recording: 19 channels at 256 Hz in 1 s records with a 64-byte annotation signal (the
// reference layout, ~35 MB per hour), a 10 s gap every hour, the header's record count -1.
//   build/cpp/bench/bench_follow
// BM_PollAfterOneMoreRecord: the writer appends one record, then the follower's view of the file
// is brought up to date both ways, one after the other (in alternating order) in each iteration:
// - old: a fresh EdfReader with ReaderOptions::growing (what FileFollower::poll did before
//   EdfReader::refresh), which reads the time-keeping TAL of every record of an EDF+D file;
// - new: EdfReader::refresh() on the reader kept open, which reads the new record's only.
// The reported time is the new way's; the counters give both per poll (open_ms, refresh_ms) and
// their ratio (open_over_refresh), from the same iterations. Both read a file in the page cache
// (it was just written), as the follower does.
// BM_FileFollowerPoll: FileFollower::poll() after each appended record, once the follower has
// caught up with the file: the whole poll as `ictaltrack follow` runs it (refresh, gap list,
// detection of the new second of EEG).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/io/edf_reader.hpp"

namespace {

constexpr int kChannels = 19;
constexpr int kRate = 256;
constexpr int kAnnotationBytes = 64;
constexpr std::int64_t kRecordsPerHour = 3600;
constexpr std::int64_t kGapSeconds = 10;  // after every hour of records
constexpr std::int64_t kRecordBytes = std::int64_t{kChannels} * kRate * 2 + kAnnotationBytes;

using Clock = std::chrono::steady_clock;

std::string field(const std::string& text, std::size_t width) {
  std::string out = text.substr(0, width);
  out.resize(width, ' ');
  return out;
}

std::string header() {
  const int n_signals = kChannels + 1;
  std::string header = field("0", 8) + field("X X X X", 80) +
                       field("Startdate 01-JAN-2024 X X bench", 80) + "01.01.2400.00.00" +
                       field(std::to_string(256 * (n_signals + 1)), 8) + field("EDF+D", 44) +
                       field("-1", 8) + field("1", 8) + field(std::to_string(n_signals), 4);
  auto per_signal = [&](auto value, std::size_t width) {
    for (int s = 0; s < n_signals; ++s) header += field(value(s), width);
  };
  const char* labels[kChannels] = {"Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T3", "C3", "Cz",
                                   "C4",  "T4",  "T5", "P3", "Pz", "P4", "T6", "O1", "O2"};
  auto is_data = [](int s) { return s < kChannels; };
  per_signal([&](int s) { return is_data(s) ? std::string(labels[s]) : "EDF Annotations"; }, 16);
  per_signal([&](int) { return std::string(); }, 80);
  per_signal([&](int s) { return is_data(s) ? "uV" : ""; }, 8);
  per_signal([&](int s) { return is_data(s) ? "-3200" : "-1"; }, 8);
  per_signal([&](int s) { return is_data(s) ? "3200" : "1"; }, 8);
  per_signal([&](int) { return "-32768"; }, 8);
  per_signal([&](int) { return "32767"; }, 8);
  per_signal([&](int) { return std::string(); }, 80);
  per_signal([&](int s) { return std::to_string(is_data(s) ? kRate : kAnnotationBytes / 2); }, 8);
  per_signal([&](int) { return std::string(); }, 32);
  return header;
}

/// The file a recorder is writing: `records` records at first, then one more per append().
class GrowingFile {
 public:
  explicit GrowingFile(std::int64_t records)
      : path_((std::filesystem::temp_directory_path() /
               ("ictaltrack_bench_follow_" + std::to_string(records) + ".edf"))
                  .string()),
        initial_records_(records) {
    out_.open(path_, std::ios::binary | std::ios::trunc);
    out_ << header();
    for (std::int64_t r = 0; r < records; ++r) write_record();
    out_.flush();
  }
  ~GrowingFile() {
    out_.close();
    std::filesystem::remove(path_);
  }
  GrowingFile(const GrowingFile&) = delete;
  GrowingFile& operator=(const GrowingFile&) = delete;

  const std::string& path() const { return path_; }
  void append() {
    write_record();
    out_.flush();
  }
  /// Back to the initial records, so that each benchmark starts from the same file.
  void rewind() {
    out_.close();
    std::filesystem::resize_file(path_, header().size() + initial_records_ * kRecordBytes);
    records_ = initial_records_;
    out_.open(path_, std::ios::binary | std::ios::app);
  }

 private:
  void write_record() {
    record_.resize(static_cast<std::size_t>(kRecordBytes));
    std::size_t at = 0;
    for (int k = 0; k < kChannels * kRate; ++k) {
      // Small noise (+-100 digital, about +-10 uV): something the detector reads as quiet EEG.
      noise_ = noise_ * 6364136223846793005ULL + 1442695040888963407ULL;
      const auto value = static_cast<std::int16_t>(static_cast<int>(noise_ >> 56) - 128);
      record_[at++] = static_cast<char>(value & 0xFF);
      record_[at++] = static_cast<char>((value >> 8) & 0xFF);
    }
    const std::int64_t onset = records_ + kGapSeconds * (records_ / kRecordsPerHour);
    std::string tal = "+" + std::to_string(onset) + "\x14\x14";
    tal.resize(kAnnotationBytes, '\0');
    record_.replace(at, tal.size(), tal);
    out_.write(record_.data(), static_cast<std::streamsize>(record_.size()));
    ++records_;
  }

  std::string path_;
  std::int64_t initial_records_;
  std::int64_t records_ = 0;
  std::ofstream out_;
  std::string record_;
  std::uint64_t noise_ = 12345;
};

/// One file per length, written once per process (24 h: 846 MB in the temp directory).
GrowingFile& file_of_hours(std::int64_t hours) {
  static std::map<std::int64_t, std::unique_ptr<GrowingFile>> files;
  auto& file = files[hours];
  if (!file) file = std::make_unique<GrowingFile>(hours * kRecordsPerHour);
  file->rewind();
  return *file;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

void BM_PollAfterOneMoreRecord(benchmark::State& state) {
  GrowingFile& file = file_of_hours(state.range(0));
  ictaltrack::ReaderOptions options;  // as FileFollower opens the file
  options.growing = true;
  options.read_annotations = false;
  ictaltrack::EdfReader kept(file.path(), options);
  double open_seconds = 0, refresh_seconds = 0;
  bool open_first = true;
  for (auto _ : state) {
    file.append();
    std::int64_t opened_records = 0;
    auto time_open = [&] {
      const auto start = Clock::now();
      const ictaltrack::EdfReader fresh(file.path(), options);
      open_seconds += seconds_between(start, Clock::now());
      opened_records = fresh.info().n_records;
    };
    double refreshed = 0;
    auto time_refresh = [&] {
      const auto start = Clock::now();
      kept.refresh();
      refreshed = seconds_between(start, Clock::now());
      refresh_seconds += refreshed;
    };
    if (open_first) {
      time_open();
      time_refresh();
    } else {
      time_refresh();
      time_open();
    }
    open_first = !open_first;
    if (kept.info().n_records != opened_records) {
      state.SkipWithError("the refreshed reader and a fresh open disagree");
      break;
    }
    state.SetIterationTime(refreshed);
  }
  const double polls = static_cast<double>(state.iterations());
  state.counters["open_ms"] = open_seconds * 1e3 / polls;
  state.counters["refresh_ms"] = refresh_seconds * 1e3 / polls;
  state.counters["open_over_refresh"] = open_seconds / refresh_seconds;
  state.counters["records"] = static_cast<double>(kept.info().n_records);
}

void BM_FileFollowerPoll(benchmark::State& state) {
  GrowingFile& file = file_of_hours(state.range(0));
  ictaltrack::FileFollower follower(file.path());
  while (!follower.poll()) {
  }
  for (auto _ : state) {
    file.append();
    const auto start = Clock::now();
    follower.poll();
    state.SetIterationTime(seconds_between(start, Clock::now()));
    benchmark::DoNotOptimize(follower.take_events());
  }
  state.counters["samples_read"] = static_cast<double>(follower.samples_read());
}

// Fixed iteration counts: every iteration makes the file one record longer.
BENCHMARK(BM_PollAfterOneMoreRecord)
    ->ArgName("hours")
    ->Arg(4)
    ->Arg(24)
    ->Iterations(60)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FileFollowerPoll)
    ->ArgName("hours")
    ->Arg(4)
    ->Arg(24)
    ->Iterations(60)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
