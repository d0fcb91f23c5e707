// EdfWriter against EDFlib's own reader: header fields, samples within one calibration step,
// annotations exact, and the atomic behaviour (no file, or the old file, after any failure).
#include <edflib.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "ictaltrack/io/edf_writer.hpp"
#include "io/edflib_lock.hpp"
#include "test_support.hpp"

using namespace ictaltrack;
using ictaltrack::testing::ScratchDir;

namespace {

std::vector<EdfSignalSpec> two_signals() {
  EdfSignalSpec a;
  a.label = "EEG Fp1-REF";
  a.physical_dimension = "uV";
  a.transducer = "AgAgCl cup";
  a.prefilter = "HP:0.5Hz LP:70Hz";
  a.physical_min = -500;
  a.physical_max = 500;
  a.samples_per_record = 8;
  EdfSignalSpec b;
  b.label = "ECG";
  b.physical_dimension = "mV";
  b.physical_min = -5;
  b.physical_max = 10;
  b.digital_min = -2048;
  b.digital_max = 2047;
  b.samples_per_record = 4;
  return {a, b};
}

// The value of record r, sample k of signal s used by the round-trip tests.
double test_value(int s, int r, int k) {
  return s == 0 ? 400.0 * std::sin(0.7 * (r * 8 + k)) : -4.0 + 0.37 * (r * 4 + k);
}

std::vector<double> test_record(int r) {
  std::vector<double> record;
  for (int k = 0; k < 8; ++k) record.push_back(test_value(0, r, k));
  for (int k = 0; k < 4; ++k) record.push_back(test_value(1, r, k));
  return record;
}

std::size_t files_in(const std::filesystem::path& folder) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++count;
  return count;
}

struct EdflibFile {
  edf_hdr_struct header{};
  int handle = -1;
  explicit EdflibFile(const std::filesystem::path& path) {
    std::lock_guard lock(detail::edflib_mutex());
    const int result = edfopen_file_readonly(path.c_str(), &header, EDFLIB_READ_ALL_ANNOTATIONS);
    if (result != 0) throw std::runtime_error("EDFlib cannot open " + path.string());
    handle = header.handle;
  }
  ~EdflibFile() {
    std::lock_guard lock(detail::edflib_mutex());
    edfclose_file(handle);
  }
  std::vector<double> physical(int signal, int count) {
    std::vector<double> out(static_cast<std::size_t>(count));
    std::lock_guard lock(detail::edflib_mutex());
    edfseek(handle, signal, 0, EDFSEEK_SET);
    EXPECT_EQ(edfread_physical_samples(handle, signal, count, out.data()), count);
    return out;
  }
  edf_annotation_struct annotation(int index) {
    edf_annotation_struct a{};
    std::lock_guard lock(detail::edflib_mutex());
    EXPECT_EQ(edf_get_annotation(handle, index, &a), 0);
    return a;
  }
};

}  // namespace

TEST(EdfWriter, RoundTripThroughEdflibReader) {
  ScratchDir dir;
  const auto path = dir / "round_trip.edf";
  EdfWriterOptions options;
  options.start = {2021, 3, 7, 10, 2, 3, 2'500'000};
  options.patient_code = "P-17";
  options.equipment = "test rig";
  {
    EdfWriter writer(path, two_signals(), options);
    for (int r = 0; r < 5; ++r) writer.write_record(test_record(r));
    // Added out of order: the file must hold them sorted by onset.
    writer.add_annotation(3 * kTicksPerSecond + 2'500'000, 10'000'000, "seizure 2 left temporal");
    writer.add_annotation(seconds_to_ticks(0.5), -1, "start");
    writer.add_annotation(seconds_to_ticks(1.25), seconds_to_ticks(0.75), "\xC3\x84rger \xC2\xB5V");
    writer.close();
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(files_in(dir.path()), 1u);  // no temporary file left beside it

  EdflibFile file(path);
  EXPECT_EQ(file.header.filetype, EDFLIB_FILETYPE_EDFPLUS);
  ASSERT_EQ(file.header.edfsignals, 2);
  EXPECT_EQ(file.header.datarecords_in_file, 5);
  EXPECT_EQ(file.header.datarecord_duration, EDFLIB_TIME_DIMENSION);
  EXPECT_EQ(file.header.startdate_year, 2021);
  EXPECT_EQ(file.header.startdate_month, 3);
  EXPECT_EQ(file.header.startdate_day, 7);
  EXPECT_EQ(file.header.starttime_hour, 10);
  EXPECT_EQ(file.header.starttime_minute, 2);
  EXPECT_EQ(file.header.starttime_second, 3);
  EXPECT_EQ(file.header.starttime_subsecond, 2'500'000);
  // Reader and writer share FileFormat and StartDateTime: what was written reads back equal.
  const EdfReader reader(path.string());
  EXPECT_EQ(reader.info().format, options.format);
  EXPECT_EQ(reader.info().start.iso8601(), options.start.iso8601());
  EXPECT_EQ(reader.info().start.iso8601(), "2021-03-07T10:02:03.2500000");
  EXPECT_STREQ(file.header.patientcode, "P-17");
  EXPECT_STREQ(file.header.equipment, "test rig");
  const auto& s0 = file.header.signalparam[0];
  const auto& s1 = file.header.signalparam[1];
  EXPECT_STREQ(s0.label, "EEG Fp1-REF     ");
  EXPECT_STREQ(s0.physdimension, "uV      ");
  EXPECT_EQ(std::string(s0.transducer).substr(0, 10), "AgAgCl cup");
  EXPECT_EQ(std::string(s0.prefilter).substr(0, 16), "HP:0.5Hz LP:70Hz");
  EXPECT_EQ(s0.smp_in_datarecord, 8);
  EXPECT_EQ(s0.dig_min, -32768);  // the default: the full 16-bit range
  EXPECT_EQ(s0.dig_max, 32767);
  EXPECT_DOUBLE_EQ(s0.phys_min, -500);
  EXPECT_DOUBLE_EQ(s0.phys_max, 500);
  EXPECT_EQ(s1.smp_in_datarecord, 4);
  EXPECT_EQ(s1.dig_min, -2048);
  EXPECT_EQ(s1.dig_max, 2047);

  for (int s = 0; s < 2; ++s) {
    const auto& param = file.header.signalparam[s];
    const double step = (param.phys_max - param.phys_min) / (param.dig_max - param.dig_min);
    const int per_record = param.smp_in_datarecord;
    const auto values = file.physical(s, 5 * per_record);
    for (int r = 0; r < 5; ++r) {
      for (int k = 0; k < per_record; ++k) {
        EXPECT_NEAR(values[static_cast<std::size_t>(r * per_record + k)], test_value(s, r, k), step)
            << "signal " << s << " record " << r << " sample " << k;
      }
    }
  }

  ASSERT_EQ(file.header.annotations_in_file, 3);
  const auto a0 = file.annotation(0);
  const auto a1 = file.annotation(1);
  const auto a2 = file.annotation(2);
  EXPECT_EQ(a0.onset, 5'000'000);
  EXPECT_STREQ(a0.annotation, "start");
  EXPECT_STREQ(a0.duration, "");
  EXPECT_EQ(a1.onset, 12'500'000);
  EXPECT_EQ(std::stod(a1.duration), 0.75);
  EXPECT_STREQ(a1.annotation, "\xC3\x84rger \xC2\xB5V");
  EXPECT_EQ(a2.onset, 32'500'000);
  EXPECT_EQ(std::stod(a2.duration), 1.0);
  EXPECT_STREQ(a2.annotation, "seizure 2 left temporal");
}

TEST(EdfWriter, BdfKeeps24BitResolution) {
  ScratchDir dir;
  const auto path = dir / "fine.bdf";
  EdfSignalSpec spec;
  spec.label = "Cz";
  spec.physical_min = -8192;
  spec.physical_max = 8192;  // about 0.001 uV per step
  spec.samples_per_record = 10;
  EdfWriterOptions options;
  options.format = FileFormat::bdf_plus_c;
  options.record_duration = kTicksPerSecond / 10;  // 100 Hz
  {
    EdfWriter writer(path, {spec}, options);
    for (int r = 0; r < 3; ++r) {
      std::vector<double> record;
      for (int k = 0; k < 10; ++k) record.push_back(1234.5678 + 0.001 * (r * 10 + k));
      writer.write_record(record);
    }
    writer.close();
  }
  EdflibFile file(path);
  EXPECT_EQ(file.header.filetype, EDFLIB_FILETYPE_BDFPLUS);
  EXPECT_EQ(file.header.signalparam[0].dig_max, 8388607);
  EXPECT_EQ(file.header.datarecord_duration, EDFLIB_TIME_DIMENSION / 10);
  const auto values = file.physical(0, 30);
  for (int n = 0; n < 30; ++n) EXPECT_NEAR(values[n], 1234.5678 + 0.001 * n, 0.0011);
}

TEST(EdfWriter, WritesOnlyTheContinuousPlusFormats) {
  ScratchDir dir;
  EdfSignalSpec spec;
  spec.label = "Cz";
  spec.samples_per_record = 10;
  for (const FileFormat format :
       {FileFormat::edf, FileFormat::edf_plus_d, FileFormat::bdf, FileFormat::bdf_plus_d}) {
    EdfWriterOptions options;
    options.format = format;
    EXPECT_THROW(EdfWriter(dir / "refused.edf", {spec}, options), std::invalid_argument)
        << to_string(format);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "refused.edf"));
}

TEST(EdfWriter, ShortFormatNamesMapToTheWritableFormats) {
  for (const char* name : {"edf", "EDF", "edf+", "EDF+C"}) {
    EXPECT_EQ(parse_writer_format(name), FileFormat::edf_plus_c) << name;
  }
  for (const char* name : {"bdf", "Bdf+", "bdf+c"}) {
    EXPECT_EQ(parse_writer_format(name), FileFormat::bdf_plus_c) << name;
  }
  for (const char* name : {"", "gdf", "edf+d", "BDF+D", "edf "}) {
    EXPECT_THROW(parse_writer_format(name), std::invalid_argument) << name;
  }
  EXPECT_STREQ(writer_format_name(FileFormat::edf_plus_c), "edf");
  EXPECT_STREQ(writer_format_name(FileFormat::bdf_plus_c), "bdf");
}

TEST(EdfWriter, UnclosedWriterLeavesNoFile) {
  ScratchDir dir;
  const auto path = dir / "never.edf";
  {
    EdfWriter writer(path, two_signals());
    writer.write_record(test_record(0));
    EXPECT_TRUE(writer.is_open());
    EXPECT_EQ(files_in(dir.path()), 1u);  // only the temporary file while writing
    EXPECT_FALSE(std::filesystem::exists(path));
  }
  EXPECT_EQ(files_in(dir.path()), 0u);
}

TEST(EdfWriter, FailureKeepsThePreviousFileUntouched) {
  ScratchDir dir;
  const auto path = dir / "existing.edf";
  {
    std::ofstream old(path);
    old << "previous content";
  }
  try {
    EdfWriter writer(path, two_signals());
    writer.write_record(test_record(0));
    writer.write_record(std::vector<double>(3));  // wrong size: throws
    FAIL() << "a short record must throw";
  } catch (const std::invalid_argument&) {
  }
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), "previous content");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(EdfWriter, CloseReplacesAnExistingFile) {
  ScratchDir dir;
  const auto path = dir / "existing.edf";
  {
    std::ofstream old(path);
    old << "previous content";
  }
  EdfWriter writer(path, two_signals());
  writer.write_record(test_record(0));
  writer.close();
  EXPECT_FALSE(writer.is_open());
  EdflibFile file(path);
  EXPECT_EQ(file.header.datarecords_in_file, 1);
}

TEST(EdfWriter, MissingFolderIsAnIoError) {
  ScratchDir dir;
  const auto path = dir / "no" / "such" / "folder.edf";
  try {
    EdfWriter writer(path, two_signals());
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_EQ(error.path(), path.string());
    EXPECT_NE(std::string(error.what()).find("folder does not exist"), std::string::npos);
    EXPECT_EQ(error.error_number(), ENOENT);
  }
}

TEST(EdfWriter, UnwritableFolderExplainsEdflibError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write into read-only folders";
  ScratchDir dir;
  std::filesystem::permissions(
      dir.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  try {
    EdfWriter writer(dir / "x.edf", two_signals());
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("EDFLIB_NO_SUCH_FILE_OR_DIRECTORY"),
              std::string::npos);
  }
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all);
}

TEST(EdfWriter, RejectsHeaderValuesEdflibWouldMangle) {
  ScratchDir dir;
  auto signals = two_signals();
  signals[1].label = "a label longer than sixteen";
  try {
    EdfWriter writer(dir / "x.edf", signals);
    FAIL() << "expected FormatError";
  } catch (const FormatError& error) {
    EXPECT_EQ(error.field(), "label");
    EXPECT_EQ(error.signal(), 1);
  }
  signals = two_signals();
  signals[0].physical_max = signals[0].physical_min;
  EXPECT_THROW(EdfWriter(dir / "x.edf", signals), FormatError);
  signals = two_signals();
  signals[0].physical_min = -3276.7;  // EDFlib would store "-3276.69": off by 0.01
  try {
    EdfWriter writer(dir / "x.edf", signals);
    FAIL() << "expected FormatError";
  } catch (const FormatError& error) {
    EXPECT_EQ(error.field(), "physical minimum");
    EXPECT_EQ(error.signal(), 0);
  }
  signals = two_signals();
  signals[0].physical_dimension = "\xC2\xB5V";  // not ASCII
  EXPECT_THROW(EdfWriter(dir / "x.edf", signals), FormatError);
  EdfWriterOptions options;
  options.record_duration = 0;
  EXPECT_THROW(EdfWriter(dir / "x.edf", two_signals(), options), std::invalid_argument);
  EXPECT_EQ(files_in(dir.path()), 0u);
}

TEST(EdfWriter, AnnotationLimitsAreCheckedNotTruncated) {
  ScratchDir dir;
  const auto path = dir / "notes.edf";
  EdfWriter writer(path, two_signals());
  writer.write_record(test_record(0));
  writer.write_record(test_record(1));
  EXPECT_THROW(writer.add_annotation(0, -1, std::string(41, 'x')), std::invalid_argument);
  EXPECT_THROW(writer.add_annotation(-1, -1, "negative"), std::invalid_argument);
  EXPECT_THROW(writer.add_annotation(0, -1, "line\nbreak"), std::invalid_argument);
  writer.add_annotation(0, -1, std::string(40, 'x'));
  writer.add_annotation(1, -1, "two");
  writer.add_annotation(2, -1, "three");  // 3 annotations, 2 records x 1 annotation signal
  try {
    writer.close();
    FAIL() << "expected FormatError";
  } catch (const FormatError& error) {
    EXPECT_EQ(error.field(), "EDF Annotations");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(files_in(dir.path()), 0u);
}

TEST(EdfWriter, MoreAnnotationSignalsHoldMoreAnnotations) {
  ScratchDir dir;
  const auto path = dir / "notes.edf";
  EdfWriterOptions options;
  options.annotation_signals = 3;
  {
    EdfWriter writer(path, two_signals(), options);
    writer.write_record(test_record(0));
    writer.write_record(test_record(1));
    for (int i = 0; i < 6; ++i) {
      writer.add_annotation(i * kTicksPerSecond / 4, -1, "event " + std::to_string(i));
    }
    writer.close();
  }
  EdflibFile file(path);
  ASSERT_EQ(file.header.annotations_in_file, 6);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(file.annotation(i).onset, i * kTicksPerSecond / 4);
    EXPECT_EQ(std::string(file.annotation(i).annotation), "event " + std::to_string(i));
  }
}

TEST(EdfWriter, EmptyRecordingIsRefused) {
  ScratchDir dir;
  EdfWriter writer(dir / "empty.edf", two_signals());
  EXPECT_THROW(writer.close(), FormatError);
  EXPECT_EQ(files_in(dir.path()), 0u);
}

TEST(EdfWriter, MovedWriterOwnsTheFile) {
  ScratchDir dir;
  const auto path = dir / "moved.edf";
  EdfWriter first(path, two_signals());
  first.write_record(test_record(0));
  EdfWriter second = std::move(first);
  second.write_record(test_record(1));
  second.close();
  EXPECT_EQ(second.records_written(), 2);
  EdflibFile file(path);
  EXPECT_EQ(file.header.datarecords_in_file, 2);
}

TEST(EdfWriter, WritersInSeveralThreadsShareEdflibSafely) {
  ScratchDir dir;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&dir, t] {
      EdfWriter writer(dir / ("thread" + std::to_string(t) + ".edf"), two_signals());
      for (int r = 0; r < 50; ++r) writer.write_record(test_record(r));
      writer.add_annotation(0, -1, "thread " + std::to_string(t));
      writer.close();
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) {
    EdflibFile file(dir / ("thread" + std::to_string(t) + ".edf"));
    EXPECT_EQ(file.header.datarecords_in_file, 50);
    EXPECT_EQ(std::string(file.annotation(0).annotation), "thread " + std::to_string(t));
    const auto values = file.physical(0, 8 * 50);
    EXPECT_NEAR(values[8 * 49 + 7], test_value(0, 49, 7), 1000.0 / 65535);
  }
}
