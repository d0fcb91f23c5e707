// The hostile-file suite: every file of hostile_files.hpp gives exactly its expected outcome (a
// FormatError naming field, signal and byte offset, or the warning code with the channel flagged),
// whatever still makes sense reads correctly, and the input file is never modified (bytes and
// mtime). Plus the files no byte table can express: a directory, a FIFO, a missing file, a file
// appended to by another thread while it is opened and read.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hostile_files.hpp"
#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "test_support.hpp"

using namespace ictaltrack;
using ictaltrack::testing::EdfBuilder;
using ictaltrack::testing::HostileFile;
using ictaltrack::testing::HostileOutcome;
using ictaltrack::testing::ScratchDir;

namespace {

std::string test_name(const std::string& defect) {
  std::string name;
  for (const char c : defect) {
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  }
  return name;
}

/// Reads every sample of every channel (digital and physical) and checks the values that must
/// hold for any file that opened: digital samples equal what the builder wrote, physical values
/// are finite exactly for calibrated channels.
void check_everything_reads(const EdfReader& reader, const HostileFile& file) {
  const RecordingInfo& info = reader.info();
  for (int c = 0; c < info.n_channels(); ++c) {
    const ChannelInfo& channel = info.channels[c];
    const auto n = static_cast<std::size_t>(channel.n_samples);
    std::vector<std::int32_t> digital(n);
    std::vector<double> physical(n);
    reader.read_digital(c, 0, channel.n_samples, digital.data());
    reader.read_physical(c, 0, channel.n_samples, physical.data());
    for (std::size_t k = 0; k < n; ++k) {
      const std::int64_t record = static_cast<std::int64_t>(k) / channel.samples_per_record;
      const std::int64_t within = static_cast<std::int64_t>(k) % channel.samples_per_record;
      if (file.samples_from) {
        ASSERT_EQ(digital[k], file.samples_from->value(channel.signal_index, record, within))
            << "channel " << c << " sample " << k;
      }
      ASSERT_EQ(std::isfinite(physical[k]), channel.calibrated) << "channel " << c;
    }
  }
}

class HostileFiles : public ::testing::TestWithParam<HostileFile> {};

TEST_P(HostileFiles, GiveTheExpectedOutcomeAndLeaveTheInputUntouched) {
  const HostileFile& file = GetParam();
  ScratchDir scratch;
  const auto path = scratch / file.file_name;
  ictaltrack::testing::write_file(path, file.bytes);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::group_read |
                                         std::filesystem::perms::others_read);
  const auto old_time = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
  std::filesystem::last_write_time(path, old_time);

  const HostileOutcome& expected = file.outcome;
  if (expected.kind == HostileOutcome::Kind::kFormatError) {
    try {
      EdfReader reader(path.string());
      FAIL() << "opened without error";
    } catch (const FormatError& error) {
      EXPECT_EQ(error.field(), expected.name) << error.what();
      EXPECT_EQ(error.signal(), expected.signal) << error.what();
      EXPECT_EQ(error.byte_offset(), expected.byte_offset) << error.what();
    }
  } else {
    const EdfReader reader(path.string());
    const RecordingInfo& info = reader.info();
    EXPECT_TRUE(info.has_warning(expected.name, expected.signal))
        << "missing warning " << expected.name << " for signal " << expected.signal;
    if (expected.signal >= 0) {
      // The warning names this signal, not just any.
      bool exact = false;
      for (const ReadWarning& warning : info.warnings) {
        exact |= warning.code == expected.name && warning.signal == expected.signal;
      }
      EXPECT_TRUE(exact);
    }
    if (expected.unusable_channel) {
      ASSERT_LT(*expected.unusable_channel, info.n_channels());
      EXPECT_FALSE(info.channels[*expected.unusable_channel].usable);
    }
    EXPECT_GT(info.n_records, 0);
    ASSERT_NO_FATAL_FAILURE(check_everything_reads(reader, file));
  }
  EXPECT_EQ(ictaltrack::testing::read_file(path), file.bytes);
  EXPECT_EQ(std::filesystem::last_write_time(path), old_time);
}

INSTANTIATE_TEST_SUITE_P(Table, HostileFiles,
                         ::testing::ValuesIn(ictaltrack::testing::hostile_files()),
                         [](const ::testing::TestParamInfo<HostileFile>& param_info) {
                           return test_name(param_info.param.defect);
                         });

TEST(HostileFileTable, HasAtLeastThirtyDistinctDefectsAllDocumented) {
  const auto files = ictaltrack::testing::hostile_files();
  std::set<std::string> defects;
  for (const HostileFile& file : files) defects.insert(file.defect);
  EXPECT_EQ(defects.size(), files.size());
  EXPECT_GE(files.size(), 30u);
  const std::string doc =
      ictaltrack::testing::read_file(ictaltrack::testing::source_dir() / "docs/reliability.md");
  for (const std::string& defect : defects) {
    EXPECT_NE(doc.find("| " + defect + " |"), std::string::npos)
        << "docs/reliability.md lacks the row for '" << defect << "'";
  }
}

// ---- Files no byte table expresses -----------------------------------------------------------

TEST(HostilePaths, DirectoryIsIoError) {
  ScratchDir scratch;
  try {
    EdfReader reader(scratch.path().string());
    FAIL() << "opened a directory";
  } catch (const IoError& error) {
    EXPECT_EQ(error.path(), scratch.path().string());
    EXPECT_NE(std::string(error.what()).find("directory"), std::string::npos);
  }
}

TEST(HostilePaths, FifoIsIoErrorWithoutBlocking) {
  ScratchDir scratch;
  const auto path = scratch / "pipe.edf";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_THROW(EdfReader(path.string()), IoError);
}

TEST(HostilePaths, MissingFileIsIoError) {
  ScratchDir scratch;
  EXPECT_THROW(EdfReader((scratch / "absent.edf").string()), IoError);
}

TEST(HostilePaths, DeviceFileIsIoError) { EXPECT_THROW(EdfReader("/dev/zero"), IoError); }

// A recorder appends records (header count -1) while another thread keeps opening and reading the
// file: every open sees a whole number of records, never fewer than before, with exact samples.
TEST(HostilePaths, FileBeingAppendedToWhileReadGivesConsistentSnapshots) {
  ScratchDir scratch;
  const auto path = scratch / "growing.edf";
  EdfBuilder builder;
  builder.n_records_field = "-1";
  builder.add_signal("Fp1", 64);
  builder.add_signal("Fp2", 64);
  constexpr std::int64_t kTotalRecords = 400;
  builder.n_records = kTotalRecords;
  const std::string all = builder.bytes();
  const std::size_t header = 256 * 3;
  const std::size_t record = 2 * 64 * 2;
  ictaltrack::testing::write_file(path, all.substr(0, header + record));

  std::atomic<bool> done{false};
  std::thread writer([&] {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    // Odd-sized pieces, so that readers often see a partial record at the end.
    std::size_t at = header + record;
    while (at < all.size()) {
      const std::size_t piece = std::min<std::size_t>(all.size() - at, 97);
      out.write(all.data() + at, static_cast<std::streamsize>(piece));
      out.flush();
      at += piece;
    }
    done = true;
  });
  std::int64_t previous = 0;
  int opens = 0;
  while (!done || opens < 3) {
    const EdfReader reader(path.string());
    const RecordingInfo& info = reader.info();
    ASSERT_GE(info.n_records, previous);
    ASSERT_GE(info.n_records, 1);
    previous = info.n_records;
    const std::int64_t n = info.channels[1].n_samples;
    std::vector<std::int32_t> digital(static_cast<std::size_t>(n));
    reader.read_digital(1, 0, n, digital.data());
    for (std::int64_t k = 0; k < n; ++k) {
      ASSERT_EQ(digital[k], builder.value(1, k / 64, k % 64)) << "sample " << k;
    }
    ++opens;
  }
  writer.join();
  EXPECT_EQ(EdfReader(path.string()).info().n_records, kTotalRecords);
}

TEST(HostilePaths, SameFileOpenedTwiceReadsIdentically) {
  ScratchDir scratch;
  const EdfBuilder builder = ictaltrack::testing::hostile_detail::edf_plus();
  const auto path = builder.write(scratch / "twice.edf");
  const EdfReader first(path.string());
  const EdfReader second(path.string());
  std::vector<double> a(24), b(24);
  first.read_physical(0, 0, 24, a.data());
  second.read_physical(0, 0, 24, b.data());
  EXPECT_EQ(a, b);
  first.read_physical(1, 0, 24, a.data());  // interleaved use of both readers
  second.read_physical(1, 0, 24, b.data());
  EXPECT_EQ(a, b);
  EXPECT_EQ(first.info().record_onsets, second.info().record_onsets);
}

}  // namespace
