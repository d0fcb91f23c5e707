// Bulk decoding speed of EdfReader against EDFlib's edfread_physical_samples on one generated
// EDF+C file: 19 channels x 256 Hz x 1 h, 1 s records (written once to the temp directory with
// raw bytes). Both read every sample of every channel as double; items = samples decoded.
// The file is in the page cache after the first pass, so this measures decoding, not the disk.
#include <benchmark/benchmark.h>
#include <edflib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <string>
#include <vector>

#include "ictaltrack/io/edf_reader.hpp"
#include "io/edflib_lock.hpp"

namespace {

constexpr int kChannels = 19;
constexpr int kRate = 256;
constexpr int kRecords = 3600;
constexpr int kAnnotationBytes = 64;

std::string field(const std::string& text, std::size_t width) {
  std::string out = text.substr(0, width);
  out.resize(width, ' ');
  return out;
}

/// Writes the benchmark file once per process and returns its path.
const std::string& bench_file() {
  static const std::string path = [] {
    const auto file = std::filesystem::temp_directory_path() / "ictaltrack_bench_reader.edf";
    const int n_signals = kChannels + 1;
    std::string header =
        field("0", 8) + field("X X X X", 80) + field("Startdate 01-JAN-2024 X X bench", 80) +
        "01.01.2400.00.00" + field(std::to_string(256 * (n_signals + 1)), 8) + field("EDF+C", 44) +
        field(std::to_string(kRecords), 8) + field("1", 8) + field(std::to_string(n_signals), 4);
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
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << header;
    std::string record;
    for (int r = 0; r < kRecords; ++r) {
      record.clear();
      for (int c = 0; c < kChannels; ++c) {
        for (int k = 0; k < kRate; ++k) {
          const int value = (c * 7919 + r * 131 + k * 17) % 60001 - 30000;
          record.push_back(static_cast<char>(value & 0xFF));
          record.push_back(static_cast<char>((value >> 8) & 0xFF));
        }
      }
      std::string tal = "+" + std::to_string(r) + "\x14\x14";
      tal.resize(kAnnotationBytes, '\0');
      record += tal;
      out << record;
    }
    return file.string();
  }();
  return path;
}

constexpr std::int64_t kSamplesPerChannel = std::int64_t{kRate} * kRecords;

void BM_EdfReader_AllChannelsOneCall(benchmark::State& state) {
  const ictaltrack::EdfReader reader(bench_file());
  std::vector<int> channels(kChannels);
  std::iota(channels.begin(), channels.end(), 0);
  std::vector<double> out(static_cast<std::size_t>(kChannels * kSamplesPerChannel));
  for (auto _ : state) {
    reader.read_physical(channels, 0, kSamplesPerChannel, out.data(), kSamplesPerChannel);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kChannels * kSamplesPerChannel);
}

void BM_EdfReader_AllChannelsFloat(benchmark::State& state) {
  const ictaltrack::EdfReader reader(bench_file());
  std::vector<int> channels(kChannels);
  std::iota(channels.begin(), channels.end(), 0);
  std::vector<float> out(static_cast<std::size_t>(kChannels * kSamplesPerChannel));
  for (auto _ : state) {
    reader.read_physical(channels, 0, kSamplesPerChannel, out.data(), kSamplesPerChannel);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kChannels * kSamplesPerChannel);
}

void BM_EdfReader_PerChannel(benchmark::State& state) {
  const ictaltrack::EdfReader reader(bench_file());
  std::vector<double> out(static_cast<std::size_t>(kSamplesPerChannel));
  for (auto _ : state) {
    for (int c = 0; c < kChannels; ++c) {
      reader.read_physical(c, 0, kSamplesPerChannel, out.data());
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kChannels * kSamplesPerChannel);
}

void BM_Edflib_PhysicalPerChannel(benchmark::State& state) {
  edf_hdr_struct header{};
  {
    const std::lock_guard lock(ictaltrack::detail::edflib_mutex());
    if (edfopen_file_readonly(bench_file().c_str(), &header, EDFLIB_DO_NOT_READ_ANNOTATIONS) != 0) {
      state.SkipWithError("EDFlib cannot open the benchmark file");
      return;
    }
  }
  std::vector<double> out(static_cast<std::size_t>(kSamplesPerChannel));
  for (auto _ : state) {
    const std::lock_guard lock(ictaltrack::detail::edflib_mutex());
    for (int c = 0; c < kChannels; ++c) {
      edfrewind(header.handle, c);
      edfread_physical_samples(header.handle, c, static_cast<int>(kSamplesPerChannel), out.data());
      benchmark::DoNotOptimize(out.data());
    }
  }
  {
    const std::lock_guard lock(ictaltrack::detail::edflib_mutex());
    edfclose_file(header.handle);
  }
  state.SetItemsProcessed(state.iterations() * kChannels * kSamplesPerChannel);
}

void BM_EdfReader_Open(benchmark::State& state) {
  for (auto _ : state) {
    const ictaltrack::EdfReader reader(bench_file());
    benchmark::DoNotOptimize(reader.info().n_records);
  }
}

void BM_Edflib_OpenAllAnnotations(benchmark::State& state) {
  const std::string& path = bench_file();
  for (auto _ : state) {
    const std::lock_guard lock(ictaltrack::detail::edflib_mutex());
    edf_hdr_struct header{};
    if (edfopen_file_readonly(path.c_str(), &header, EDFLIB_READ_ALL_ANNOTATIONS) == 0) {
      edfclose_file(header.handle);
    }
    benchmark::DoNotOptimize(header.datarecords_in_file);
  }
}

BENCHMARK(BM_EdfReader_AllChannelsOneCall)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EdfReader_AllChannelsFloat)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EdfReader_PerChannel)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Edflib_PhysicalPerChannel)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EdfReader_Open)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Edflib_OpenAllAnnotations)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
