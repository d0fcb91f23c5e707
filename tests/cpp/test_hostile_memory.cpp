// Memory while opening and reading hostile files stays bounded by the file size, never by what a
// header field claims (99999999 records, 9999 signals, 50000000 samples per record...). This
// executable replaces the global operator new/delete to measure, around each open and each read,
// the largest single allocation and the peak of live heap bytes.
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "hostile_files.hpp"
#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "test_support.hpp"

namespace {

std::atomic<bool> g_tracking{false};
std::atomic<std::int64_t> g_live{0};
std::atomic<std::int64_t> g_peak{0};
std::atomic<std::int64_t> g_largest{0};

void* tracked_allocate(std::size_t size) {
  void* pointer = std::malloc(size == 0 ? 1 : size);
  if (pointer == nullptr) throw std::bad_alloc();
  if (g_tracking.load(std::memory_order_relaxed)) {
    const auto bytes = static_cast<std::int64_t>(malloc_usable_size(pointer));
    const std::int64_t live = g_live.fetch_add(bytes) + bytes;
    std::int64_t peak = g_peak.load();
    while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
    }
    std::int64_t largest = g_largest.load();
    while (static_cast<std::int64_t>(size) > largest &&
           !g_largest.compare_exchange_weak(largest, static_cast<std::int64_t>(size))) {
    }
  }
  return pointer;
}

void tracked_free(void* pointer) noexcept {
  if (pointer == nullptr) return;
  if (g_tracking.load(std::memory_order_relaxed)) {
    g_live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(pointer)));
  }
  std::free(pointer);
}

struct Usage {
  std::int64_t peak_live_bytes = 0;
  std::int64_t largest_allocation = 0;
};

/// Runs `work` with allocation tracking; peak is relative to the live bytes at the start.
template <typename Work>
Usage measure(Work&& work) {
  g_live = 0;
  g_peak = 0;
  g_largest = 0;
  g_tracking = true;
  try {
    work();
  } catch (...) {
    g_tracking = false;
    throw;
  }
  g_tracking = false;
  return {g_peak.load(), g_largest.load()};
}

}  // namespace

void* operator new(std::size_t size) { return tracked_allocate(size); }
void* operator new[](std::size_t size) { return tracked_allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return tracked_allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return tracked_allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* pointer) noexcept { tracked_free(pointer); }
void operator delete[](void* pointer) noexcept { tracked_free(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { tracked_free(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { tracked_free(pointer); }

namespace {

using namespace ictaltrack;
using ictaltrack::testing::HostileFile;

/// What opening a file may need: its header and annotation bytes, the per-record onsets (8 bytes
/// for each record, at least 2 bytes long) and small bookkeeping.
std::int64_t open_budget(std::int64_t file_bytes) { return 64 * 1024 + 32 * file_bytes; }

TEST(HostileMemory, TrackingSeesAllocations) {
  const Usage usage = measure([] {
    std::vector<char> block(123456);
    block[0] = 1;
  });
  EXPECT_GE(usage.largest_allocation, 123456);
  EXPECT_GE(usage.peak_live_bytes, 123456);
}

class HostileMemory : public ::testing::TestWithParam<HostileFile> {};

TEST_P(HostileMemory, OpeningAndReadingStayWithinABudgetSetByTheFileSize) {
  const HostileFile& file = GetParam();
  ictaltrack::testing::ScratchDir scratch;
  const auto path = scratch / file.file_name;
  ictaltrack::testing::write_file(path, file.bytes);
  const auto file_bytes = static_cast<std::int64_t>(file.bytes.size());
  const std::string path_text = path.string();

  std::unique_ptr<EdfReader> reader;
  const Usage opening = measure([&] {
    try {
      reader = std::make_unique<EdfReader>(path_text);
    } catch (const Error&) {
      // the outcome itself is checked by test_hostile_files; here only memory matters
    }
  });
  EXPECT_LE(opening.largest_allocation, open_budget(file_bytes)) << file.defect;
  EXPECT_LE(opening.peak_live_bytes, open_budget(file_bytes)) << file.defect;
  if (!reader) return;

  // Output buffers are the caller's; the reader's own scratch must stay small.
  const RecordingInfo& info = reader->info();
  std::vector<std::vector<double>> outputs;
  for (const ChannelInfo& channel : info.channels) {
    outputs.emplace_back(static_cast<std::size_t>(channel.n_samples));
  }
  const Usage reading = measure([&] {
    for (int c = 0; c < info.n_channels(); ++c) {
      reader->read_physical(c, 0, info.channels[c].n_samples, outputs[c].data());
    }
  });
  EXPECT_LE(reading.peak_live_bytes, 64 * 1024 + 4 * file_bytes) << file.defect;
}

INSTANTIATE_TEST_SUITE_P(Table, HostileMemory,
                         ::testing::ValuesIn(ictaltrack::testing::hostile_files()),
                         [](const ::testing::TestParamInfo<HostileFile>& param_info) {
                           std::string name;
                           for (const char c : param_info.param.defect) {
                             name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
                           }
                           return name;
                         });

}  // namespace
