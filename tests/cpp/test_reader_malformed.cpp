// One test per defect: generated files with a single deliberate problem. Each asserts the exact
// typed error (with its field, signal and byte offset) or the warning code and flagged channel,
// and that everything not affected still reads correctly.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "edf_builder.hpp"
#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "test_support.hpp"

using namespace ictaltrack;
using ictaltrack::testing::EdfBuilder;
using ictaltrack::testing::put_field;
using ictaltrack::testing::ScratchDir;
using ictaltrack::testing::signal_field_offset;

namespace {

constexpr int kSpr = 8;

/// EDF+C, two data channels of 8 samples per 1 s record, one annotation signal, 3 records.
EdfBuilder small_edf_plus() {
  EdfBuilder builder;
  builder.reserved = "EDF+C";
  builder.add_signal("Fp1", kSpr);
  builder.add_signal("Fp2", kSpr);
  builder.add_annotation_signal(60);
  return builder;
}

/// Plain EDF, two data channels, 3 records.
EdfBuilder small_edf() {
  EdfBuilder builder;
  builder.add_signal("Fp1", kSpr);
  builder.add_signal("Fp2", kSpr);
  return builder;
}

std::optional<FormatError> format_error_of(const std::filesystem::path& path) {
  try {
    EdfReader reader(path.string());
  } catch (const FormatError& error) {
    return error;
  }
  return std::nullopt;
}

/// Checks every sample of every data channel against what the builder wrote, for the first
/// `records` records.
void expect_samples_match(const EdfReader& reader, const EdfBuilder& builder,
                          std::int64_t records) {
  const RecordingInfo& info = reader.info();
  for (int c = 0; c < info.n_channels(); ++c) {
    const ChannelInfo& channel = info.channels[c];
    const std::int64_t n = records * channel.samples_per_record;
    ASSERT_GE(channel.n_samples, n);
    std::vector<std::int32_t> digital(static_cast<std::size_t>(n));
    reader.read_digital(c, 0, n, digital.data());
    for (std::int64_t k = 0; k < n; ++k) {
      ASSERT_EQ(digital[k], builder.value(channel.signal_index, k / channel.samples_per_record,
                                          k % channel.samples_per_record))
          << "channel " << c << " sample " << k;
    }
  }
}

class Malformed : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& bytes, const std::string& name = "f.edf") {
    const auto path = scratch_ / name;
    ictaltrack::testing::write_file(path, bytes);
    return path;
  }
  ScratchDir scratch_;
};

}  // namespace

// ---- The file itself ---------------------------------------------------------------------------

TEST_F(Malformed, NonexistentFileIsIoError) {
  const auto path = scratch_ / "missing.edf";
  try {
    EdfReader reader(path.string());
    FAIL() << "opened a missing file";
  } catch (const IoError& error) {
    EXPECT_EQ(error.path(), path.string());
  }
}

TEST_F(Malformed, DirectoryIsIoError) {
  EXPECT_THROW(EdfReader(scratch_.path().string()), IoError);
}

TEST_F(Malformed, FifoIsRefusedWithoutBlocking) {
  const auto path = scratch_ / "pipe.edf";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_THROW(EdfReader(path.string()), IoError);
}

TEST_F(Malformed, EmptyFileIsFormatErrorAtOffsetZero) {
  const auto error = format_error_of(write(""));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "header");
  EXPECT_EQ(error->byte_offset(), 0);
}

TEST_F(Malformed, TruncatedFixedHeaderIsFormatError) {
  const auto error = format_error_of(write(small_edf().bytes().substr(0, 100)));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "header");
  EXPECT_EQ(error->byte_offset(), 100);
}

TEST_F(Malformed, TruncatedSignalHeadersAreFormatError) {
  // 2 signals need 768 header bytes; cut inside the per-signal part.
  const auto error = format_error_of(write(small_edf().bytes().substr(0, 600)));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of signals");
  EXPECT_EQ(error->byte_offset(), 252);
}

TEST_F(Malformed, UnknownVersionIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.version_field = "XYZ";
  const auto error = format_error_of(write(builder.bytes()));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "version");
  EXPECT_EQ(error->byte_offset(), 0);
}

TEST_F(Malformed, OddButNumericVersionIsWarned) {
  EdfBuilder builder = small_edf();
  builder.version_field = "0.1";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("bad_version"));
  expect_samples_match(reader, builder, 3);
}

// ---- Signal count and header size --------------------------------------------------------------

TEST_F(Malformed, ZeroSignalsIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.n_signals_field = "0";
  const auto error = format_error_of(write(builder.bytes()));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of signals");
  EXPECT_EQ(error->byte_offset(), 252);
}

TEST_F(Malformed, NegativeSignalCountIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.n_signals_field = "-2";
  const auto error = format_error_of(write(builder.bytes()));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of signals");
}

TEST_F(Malformed, MoreSignalsThanTheFileHasBytesIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.n_signals_field = "9999";  // would need a 2.5 MB header; nothing may be allocated first
  const auto error = format_error_of(write(builder.bytes()));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of signals");
  EXPECT_NE(std::string(error->what()).find("2560000"), std::string::npos) << error->what();
}

TEST_F(Malformed, NonNumericSignalCountIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.n_signals_field = "two";
  const auto error = format_error_of(write(builder.bytes()));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of signals");
  EXPECT_EQ(error->byte_offset(), 252);
}

TEST_F(Malformed, WrongHeaderSizeFieldIsWarnedAndIgnored) {
  EdfBuilder builder = small_edf();
  builder.header_bytes_field = "1024";  // the true size is 768
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("header_size_mismatch"));
  EXPECT_EQ(reader.info().header_bytes, 768);
  EXPECT_EQ(reader.info().header_bytes_field, 1024);
  expect_samples_match(reader, builder, 3);
}

TEST_F(Malformed, NonNumericHeaderSizeFieldIsWarned) {
  EdfBuilder builder = small_edf();
  builder.header_bytes_field = "abc";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("header_size_mismatch"));
  expect_samples_match(reader, builder, 3);
}

// ---- Record count ------------------------------------------------------------------------------

TEST_F(Malformed, RecordCountMinusOneIsComputedFromFileSize) {
  EdfBuilder builder = small_edf();
  builder.n_records = 5;
  builder.n_records_field = "-1";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("record_count_unknown"));
  EXPECT_EQ(reader.info().n_records_field, -1);
  EXPECT_EQ(reader.info().n_records, 5);
  expect_samples_match(reader, builder, 5);
}

TEST_F(Malformed, NegativeRecordCountIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.n_records_field = "-5";
  const auto error = format_error_of(write(builder.bytes()));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of data records");
  EXPECT_EQ(error->byte_offset(), 236);
}

TEST_F(Malformed, NonNumericRecordCountIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.n_records_field = "many";
  const auto error = format_error_of(write(builder.bytes()));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of data records");
  EXPECT_EQ(error->byte_offset(), 236);
}

TEST_F(Malformed, HugeRecordCountUsesTheRecordsPresent) {
  EdfBuilder builder = small_edf();
  builder.n_records_field = "99999999";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("truncated_data"));
  EXPECT_EQ(reader.info().n_records, 3);
  EXPECT_EQ(reader.info().record_onsets.size(), 3u);
  expect_samples_match(reader, builder, 3);
}

TEST_F(Malformed, RecordCountBelowFileContentLeavesTrailingRecords) {
  EdfBuilder builder = small_edf();
  builder.n_records = 4;
  builder.n_records_field = "2";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("trailing_bytes"));
  EXPECT_EQ(reader.info().n_records, 2);
  EXPECT_EQ(reader.info().channels[0].n_samples, 2 * kSpr);
}

TEST_F(Malformed, TruncatedLastRecordUsesCompleteRecords) {
  const EdfBuilder builder = small_edf();
  const std::string bytes = builder.bytes();
  const EdfReader reader(write(bytes.substr(0, bytes.size() - 5)).string());
  EXPECT_TRUE(reader.info().has_warning("truncated_data"));
  EXPECT_EQ(reader.info().n_records, 2);
  expect_samples_match(reader, builder, 2);
  std::int32_t beyond = 0;
  EXPECT_THROW(reader.read_digital(0, 2 * kSpr, 1, &beyond), UnsupportedError);
}

TEST_F(Malformed, TrailingBytesAreWarned) {
  const EdfBuilder builder = small_edf();
  const EdfReader reader(write(builder.bytes() + "garbage").string());
  EXPECT_TRUE(reader.info().has_warning("trailing_bytes"));
  EXPECT_EQ(reader.info().n_records, 3);
  expect_samples_match(reader, builder, 3);
}

// ---- Files still being written (ReaderOptions::growing) -----------------------------------------

TEST_F(Malformed, GrowingFileUsesEveryCompleteRecordWhateverTheCount) {
  EdfBuilder builder = small_edf_plus();
  builder.n_records = 5;
  for (const std::string count : {"2", "-1", "5", "9"}) {
    builder.n_records_field = count;
    const std::string bytes = builder.bytes();
    // The writer is in the middle of record 5: 4 complete records and part of the fifth.
    const auto path = write(bytes.substr(0, bytes.size() - 7));
    ReaderOptions options;
    options.growing = true;
    const EdfReader reader(path.string(), options);
    EXPECT_EQ(reader.info().n_records, 4) << "count field " << count;
    EXPECT_EQ(reader.info().record_onsets.size(), 4u);
    EXPECT_EQ(reader.info().record_onsets.back(), 3 * kTicksPerSecond);
    for (const char* code : {"record_count_unknown", "trailing_bytes", "truncated_data"}) {
      EXPECT_FALSE(reader.info().has_warning(code)) << code << ", count field " << count;
    }
    expect_samples_match(reader, builder, 4);
    // Without the option the same bytes are a finished file and the field decides (warned).
    const EdfReader finished(path.string());
    EXPECT_EQ(finished.info().n_records, count == std::string("2") ? 2 : 4);
    EXPECT_FALSE(finished.info().warnings.empty());
  }
}

TEST_F(Malformed, GrowingFileWithoutACompleteRecordHasNoRecords) {
  EdfBuilder builder = small_edf_plus();
  builder.n_records_field = "-1";
  const std::string bytes = builder.bytes();
  const std::size_t header = 256 * 4;
  const auto path = write(bytes.substr(0, header + 10));
  ReaderOptions options;
  options.growing = true;
  const EdfReader reader(path.string(), options);
  EXPECT_EQ(reader.info().n_records, 0);
  EXPECT_TRUE(reader.segments().empty());
  EXPECT_EQ(reader.info().channels[0].n_samples, 0);
  // A finished file this short is damaged.
  const auto error = format_error_of(path);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of samples in each data record");
}

TEST_F(Malformed, HeaderOnlyFileHasNoRecords) {
  EdfBuilder builder = small_edf();
  builder.n_records = 0;
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_EQ(reader.info().n_records, 0);
  EXPECT_TRUE(reader.segments().empty());
  EXPECT_EQ(reader.info().duration(), 0);
}

// ---- Record duration
// -----------------------------------------------------------------------------

TEST_F(Malformed, NonNumericRecordDurationIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.duration_field = "1s";
  builder.record_onsets.clear();
  std::string bytes = builder.bytes();
  const auto error = format_error_of(write(bytes));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "duration of a data record");
  EXPECT_EQ(error->byte_offset(), 244);
}

TEST_F(Malformed, ZeroRecordDurationWithDataIsFormatError) {
  EdfBuilder builder = small_edf();
  std::string bytes = builder.bytes();
  put_field(bytes, 244, 8, "0");
  const auto error = format_error_of(write(bytes));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "duration of a data record");
}

// ---- Samples per record
// --------------------------------------------------------------------------

TEST_F(Malformed, ZeroSamplesPerRecordFlagsTheChannel) {
  EdfBuilder builder = small_edf();
  builder.signals[1].samples_per_record = 0;
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("zero_samples_per_record", 1));
  EXPECT_FALSE(reader.info().channels[1].usable);
  EXPECT_EQ(reader.info().channels[1].n_samples, 0);
  EXPECT_TRUE(reader.info().channels[0].usable);
  expect_samples_match(reader, builder, 3);
}

TEST_F(Malformed, AllSignalsWithoutSamplesIsFormatError) {
  EdfBuilder builder = small_edf();
  std::string bytes = builder.bytes();
  put_field(bytes, signal_field_offset(2, 216, 8, 0), 8, "0");
  put_field(bytes, signal_field_offset(2, 216, 8, 1), 8, "0");
  const auto error = format_error_of(write(bytes));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of samples in each data record");
}

TEST_F(Malformed, AbsurdSamplesPerRecordIsFormatError) {
  EdfBuilder builder = small_edf();
  std::string bytes = builder.bytes();
  const auto offset = signal_field_offset(2, 216, 8, 1);
  put_field(bytes, offset, 8, "99999999");
  const auto error = format_error_of(write(bytes));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of samples in each data record");
  EXPECT_EQ(error->signal(), 1);
  EXPECT_EQ(error->byte_offset(), offset);
}

TEST_F(Malformed, NegativeSamplesPerRecordIsFormatError) {
  EdfBuilder builder = small_edf();
  std::string bytes = builder.bytes();
  const auto offset = signal_field_offset(2, 216, 8, 0);
  put_field(bytes, offset, 8, "-8");
  const auto error = format_error_of(write(bytes));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of samples in each data record");
  EXPECT_EQ(error->signal(), 0);
  EXPECT_EQ(error->byte_offset(), offset);
}

TEST_F(Malformed, NonNumericSamplesPerRecordIsFormatError) {
  EdfBuilder builder = small_edf();
  std::string bytes = builder.bytes();
  const auto offset = signal_field_offset(2, 216, 8, 1);
  put_field(bytes, offset, 8, "eight");
  const auto error = format_error_of(write(bytes));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->signal(), 1);
  EXPECT_EQ(error->byte_offset(), offset);
}

TEST_F(Malformed, AnnotationSignalLargerThanTheFileIsFormatError) {
  EdfBuilder builder = small_edf_plus();
  std::string bytes = builder.bytes();
  const auto offset = signal_field_offset(3, 216, 8, 2);
  put_field(bytes, offset, 8, "50000000");
  const auto error = format_error_of(write(bytes));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "number of samples in each data record");
  EXPECT_EQ(error->signal(), 2);
  EXPECT_EQ(error->byte_offset(), offset);
}

// ---- Calibration fields
// --------------------------------------------------------------------------

TEST_F(Malformed, PhysicalMinimumEqualsMaximumFlagsTheChannel) {
  EdfBuilder builder = small_edf();
  builder.signals[0].physical_min = "100";
  builder.signals[0].physical_max = "100";
  const EdfReader reader(write(builder.bytes()).string());
  const ChannelInfo& channel = reader.info().channels[0];
  EXPECT_TRUE(reader.info().has_warning("physical_range_empty", 0));
  EXPECT_FALSE(channel.usable);
  EXPECT_FALSE(channel.calibrated);
  double value = 0;
  reader.read_physical(0, 0, 1, &value);
  EXPECT_TRUE(std::isnan(value));
  EXPECT_TRUE(reader.info().channels[1].usable);
  expect_samples_match(reader, builder, 3);  // digital values stay readable
}

TEST_F(Malformed, DigitalMinimumEqualsMaximumFlagsTheChannel) {
  EdfBuilder builder = small_edf();
  builder.signals[1].digital_min = "0";
  builder.signals[1].digital_max = "0";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("digital_range_empty", 1));
  EXPECT_FALSE(reader.info().channels[1].usable);
  EXPECT_TRUE(reader.info().channels[0].usable);
  expect_samples_match(reader, builder, 3);  // an empty range is not used to clip
}

TEST_F(Malformed, DigitalMinimumAboveMaximumKeepsTheInvertedCalibration) {
  EdfBuilder builder = small_edf();
  builder.signals[0].digital_min = "32767";
  builder.signals[0].digital_max = "-32768";
  builder.signals[0].physical_min = "-100";
  builder.signals[0].physical_max = "100";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("digital_range_inverted", 0));
  // gain = (100 - -100) / (-32768 - 32767), offset = -100 - gain * 32767
  const double gain = 200.0 / -65535.0;
  const double offset = -100.0 - gain * 32767.0;
  std::vector<double> physical(3 * kSpr);
  reader.read_physical(0, 0, 3 * kSpr, physical.data());
  for (int k = 0; k < 3 * kSpr; ++k) {
    EXPECT_NEAR(physical[k], gain * builder.value(0, k / kSpr, k % kSpr) + offset, 1e-9);
  }
}

TEST_F(Malformed, NonNumericPhysicalMinimumIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.signals[1].physical_min = "low";
  const auto error = format_error_of(write(builder.bytes()));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "physical minimum");
  EXPECT_EQ(error->signal(), 1);
  EXPECT_EQ(error->byte_offset(), signal_field_offset(2, 104, 8, 1));
}

TEST_F(Malformed, NonNumericDigitalMaximumIsFormatError) {
  EdfBuilder builder = small_edf();
  builder.signals[0].digital_max = "3.2e4x";
  const auto error = format_error_of(write(builder.bytes()));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->field(), "digital maximum");
  EXPECT_EQ(error->signal(), 0);
  EXPECT_EQ(error->byte_offset(), signal_field_offset(2, 128, 8, 0));
}

TEST_F(Malformed, DigitalRangeBeyondSixteenBitsIsWarned) {
  EdfBuilder builder = small_edf();
  builder.signals[1].digital_max = "65535";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("digital_range_exceeds_format", 1));
}

// ---- Text fields
// ---------------------------------------------------------------------------------

TEST_F(Malformed, UnreadableStartDateIsWarnedAndDefaulted) {
  EdfBuilder builder = small_edf();
  builder.start_date = "42.00.00";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("bad_date"));
  EXPECT_EQ(reader.info().start.year, 1985);
  EXPECT_EQ(reader.info().start.month, 1);
  EXPECT_EQ(reader.info().start.day, 1);
  EXPECT_EQ(reader.info().start.hour, 10);  // the time is still good
}

TEST_F(Malformed, UnreadableStartTimeIsWarnedAndDefaulted) {
  EdfBuilder builder = small_edf();
  builder.start_time = "10:2:3";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("bad_time"));
  EXPECT_EQ(reader.info().start.hour, 0);
  EXPECT_EQ(reader.info().start.day, 7);  // the date is still good
}

TEST_F(Malformed, Latin1PatientFieldIsDecodedAndWarned) {
  EdfBuilder builder = small_edf();
  builder.patient = "X F 01-JAN-2020 M\xFCller";  // Latin-1 u-umlaut
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("non_ascii_text"));
  EXPECT_EQ(reader.info().patient, "X F 01-JAN-2020 M\xC3\xBCller");
  EXPECT_EQ(reader.info().patient_raw.substr(0, 22), "X F 01-JAN-2020 M\xFCller");
}

TEST_F(Malformed, Utf8RecordingFieldIsKept) {
  EdfBuilder builder = small_edf();
  builder.recording = "Startdate 07-MAR-2021 X X \xE4\xB8\xAD\xE6\x96\x87";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_EQ(reader.info().recording, "Startdate 07-MAR-2021 X X \xE4\xB8\xAD\xE6\x96\x87");
}

TEST_F(Malformed, LabelWithControlBytesIsFlagged) {
  EdfBuilder builder = small_edf();
  builder.signals[1].label = std::string("F\x01p\x7F") + "2";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("non_ascii_text", 1));
  EXPECT_EQ(reader.info().channels[1].label,
            "F\xEF\xBF\xBDp\xEF\xBF\xBD"
            "2");
  EXPECT_EQ(reader.info().channels[1].label_raw.substr(0, 5), std::string("F\x01p\x7F") + "2");
}

TEST_F(Malformed, DashLabelledDummyChannelIsFlagged) {
  EdfBuilder builder = small_edf();
  builder.signals[1].label = "-";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("dummy_channel", 1));
  EXPECT_FALSE(reader.info().channels[1].usable);
  EXPECT_TRUE(reader.info().channels[1].calibrated);
  expect_samples_match(reader, builder, 3);
}

TEST_F(Malformed, DuplicateLabelsAreWarned) {
  EdfBuilder builder = small_edf();
  builder.signals[1].label = "Fp1";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("duplicate_label", 1));
  EXPECT_EQ(reader.find_channel("Fp1"), 0);
}

TEST_F(Malformed, ReservedFieldOfTheOtherFormatIsWarned) {
  EdfBuilder builder;
  builder.bdf = true;
  builder.reserved = "EDF+C";  // as in EDF.jl's bdf_test.bdf
  builder.add_signal("A1", kSpr);
  const EdfReader reader(write(builder.bytes(), "f.bdf").string());
  EXPECT_EQ(reader.info().format, FileFormat::bdf);
  EXPECT_TRUE(reader.info().has_warning("reserved_field_mismatch"));
  expect_samples_match(reader, builder, 3);
}

TEST_F(Malformed, EdfPlusWithoutAnnotationSignalIsWarned) {
  EdfBuilder builder = small_edf();
  builder.reserved = "EDF+C";
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("missing_annotation_signal"));
  EXPECT_EQ(reader.info().record_onsets[2], 2 * kTicksPerSecond);
}

// ---- Annotations
// ---------------------------------------------------------------------------------

TEST_F(Malformed, TalWithoutTerminatorKeepsCompleteAnnotations) {
  EdfBuilder builder = small_edf_plus();
  // Record 1: a complete TAL, then one that fills the signal without 0x14 0x00.
  std::string tal = "+1\x14\x14";
  tal.push_back('\0');
  tal +=
      "+1.5\x14"
      "done\x14";
  tal.push_back('\0');
  tal +=
      "+1.7\x14"
      "cut off";
  tal.resize(60, 'x');
  builder.signals[2].raw_tals = std::vector<std::string>{std::string("+0\x14\x14", 4) + '\0', tal,
                                                         std::string("+2\x14\x14", 4) + '\0'};
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("tal_unterminated", 2));
  ASSERT_EQ(reader.annotations().size(), 1u);
  EXPECT_EQ(reader.annotations()[0].description, "done");
  EXPECT_EQ(reader.annotations()[0].onset, 15'000'000);
  EXPECT_EQ(reader.annotations()[0].record, 1);
}

TEST_F(Malformed, TalWithMalformedOnsetIsSkipped) {
  EdfBuilder builder = small_edf_plus();
  std::string extra = "1.5\x14no sign\x14";
  extra.push_back('\0');
  extra +=
      "+2.25\x15"
      "0.5\x14kept\x14";
  extra.push_back('\0');
  builder.signals[2].extra_tals = {"", extra};
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("tal_malformed", 2));
  ASSERT_EQ(reader.annotations().size(), 1u);
  EXPECT_EQ(reader.annotations()[0].description, "kept");
  EXPECT_EQ(reader.annotations()[0].onset, 22'500'000);
  EXPECT_EQ(reader.annotations()[0].duration, 5'000'000);
}

TEST_F(Malformed, ManyTalProblemsAreListedUpToTwentyThenCounted) {
  EdfBuilder builder = small_edf_plus();
  builder.n_records = 25;
  std::string bad = "+x\x14oops\x14";
  bad.push_back('\0');
  builder.signals[2].extra_tals = std::vector<std::string>(25, bad);
  const EdfReader reader(write(builder.bytes()).string());
  int listed = 0;
  for (const auto& warning : reader.info().warnings) listed += warning.code == "tal_malformed";
  EXPECT_EQ(listed, 20);
  ASSERT_TRUE(reader.info().has_warning("more_tal_problems"));
  EXPECT_EQ(reader.info().warnings.back().message.substr(0, 2), "5 ");
  EXPECT_TRUE(reader.annotations().empty());
}

TEST_F(Malformed, TalRunningIntoTheNextTalIsRecovered) {
  // Nihon Kohden style: the time-keeping TAL lacks its 0x00, the next onset becomes a "text".
  EdfBuilder builder = small_edf_plus();
  builder.signals[2].raw_tals = std::vector<std::string>{std::string("+0\x14\x14", 4) + '\0',
                                                         std::string("+1\x14\x14+1.14\x14"
                                                                     "A1+A2 OFF\x14",
                                                                     20) +
                                                             '\0'};
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("tal_missing_terminator", 2));
  ASSERT_EQ(reader.annotations().size(), 1u);
  EXPECT_EQ(reader.annotations()[0].description, "A1+A2 OFF");
  EXPECT_EQ(reader.annotations()[0].onset, 11'400'000);
}

TEST_F(Malformed, NonUtf8AnnotationIsDecodedAsLatin1) {
  EdfBuilder builder = small_edf_plus();
  std::string extra =
      "+0.5\x14"
      "Kr\xE4mpfe\x14";
  extra.push_back('\0');
  builder.signals[2].extra_tals = {extra};
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("non_utf8_annotation"));
  ASSERT_EQ(reader.annotations().size(), 1u);
  EXPECT_EQ(reader.annotations()[0].description, "Kr\xC3\xA4mpfe");
}

TEST_F(Malformed, MissingTimeKeepingTalIsWarned) {
  EdfBuilder builder = small_edf_plus();
  builder.reserved = "EDF+D";
  builder.signals[2].raw_tals = std::vector<std::string>{
      std::string("+0\x14\x14", 4) + '\0', std::string(), std::string("+5\x14\x14", 4) + '\0'};
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("missing_time_keeping"));
  EXPECT_EQ(reader.info().record_onsets,
            (std::vector<Ticks>{0, 1 * kTicksPerSecond, 5 * kTicksPerSecond}));
}

TEST_F(Malformed, EdfPlusDRecordOnsetGoingBackwardsIsWarned) {
  EdfBuilder builder = small_edf_plus();
  builder.reserved = "EDF+D";
  builder.record_onsets = {"0", "10", "4"};
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("record_onset_backwards"));
  EXPECT_EQ(reader.info().record_onsets,
            (std::vector<Ticks>{0, 10 * kTicksPerSecond, 4 * kTicksPerSecond}));
  EXPECT_EQ(reader.segments().size(), 3u);
}

TEST_F(Malformed, EdfPlusDOverlappingRecordsAreWarned) {
  EdfBuilder builder = small_edf_plus();
  builder.reserved = "EDF+D";
  builder.record_onsets = {"0", "0.5", "3"};
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("overlapping_records"));
  EXPECT_EQ(reader.sample_time(0, kSpr), 5'000'000);  // first sample of record 1
  expect_samples_match(reader, builder, 3);
}

TEST_F(Malformed, EdfPlusCWithInconsistentRecordOnsetsIsWarned) {
  EdfBuilder builder = small_edf_plus();
  builder.record_onsets = {"0", "1", "7"};
  const EdfReader reader(write(builder.bytes()).string());
  EXPECT_TRUE(reader.info().has_warning("record_onset_mismatch"));
  EXPECT_EQ(reader.info().record_onsets[2], 2 * kTicksPerSecond);  // continuous by definition
}

// ---- BDF extremes, requests, concurrency with writers
// ----------------------------------------------

TEST_F(Malformed, Bdf24BitExtremesDecodeExactly) {
  EdfBuilder builder;
  builder.bdf = true;
  builder.reserved = "BDF+C";
  const std::vector<std::int32_t> extremes = {-8388608, 8388607, -1, 0, 1, -65536, 65535, 123456};
  builder.add_signal("A1", 8).samples = [&](std::int64_t, std::int64_t k) { return extremes[k]; };
  builder.add_annotation_signal(30);
  const EdfReader reader(write(builder.bytes(), "x.bdf").string());
  std::vector<std::int32_t> digital(8);
  reader.read_digital(0, 8, 8, digital.data());
  EXPECT_EQ(digital, extremes);
  std::vector<double> physical(8);
  reader.read_physical(0, 8, 8, physical.data());
  // gain = 6400 / 16777215, offset chosen so that -8388608 maps to -3200 and 8388607 to 3200.
  EXPECT_DOUBLE_EQ(physical[0], -3200.0);
  EXPECT_DOUBLE_EQ(physical[1], 3200.0);
}

TEST_F(Malformed, BadRequestsAreRefused) {
  EdfBuilder builder = small_edf();
  builder.add_signal("slow", 4);
  const EdfReader reader(write(builder.bytes()).string());
  std::vector<double> buffer(64);
  EXPECT_THROW(reader.read_physical(5, 0, 1, buffer.data()), UnsupportedError);
  EXPECT_THROW(reader.read_physical(-1, 0, 1, buffer.data()), UnsupportedError);
  EXPECT_THROW(reader.read_physical(0, -1, 1, buffer.data()), UnsupportedError);
  EXPECT_THROW(reader.read_physical(0, 20, 5, buffer.data()), UnsupportedError);  // 24 samples
  const std::vector<int> mixed = {0, 2};
  EXPECT_THROW(reader.read_physical(mixed, 0, 4, buffer.data(), 4), UnsupportedError);
  const std::vector<int> same = {0, 1};
  EXPECT_THROW(reader.read_physical(same, 0, 8, buffer.data(), 4), UnsupportedError);
  EXPECT_THROW(reader.sample_time(0, 24), UnsupportedError);
  EXPECT_NO_THROW(reader.read_physical(0, 24, 0, buffer.data()));  // empty range at the end
}

TEST_F(Malformed, FileAppendedWhileOpenReadsTheSnapshot) {
  EdfBuilder builder = small_edf();
  builder.n_records_field = "-1";
  const auto path = write(builder.bytes());
  const EdfReader reader(path.string());
  ASSERT_EQ(reader.info().n_records, 3);
  EdfBuilder longer = builder;
  longer.n_records = 6;
  const std::string more = longer.bytes();
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.write(more.data() + builder.bytes().size(), 3 * 2 * kSpr * 2 + 3);  // 3 records + 3 bytes
  }
  EXPECT_EQ(reader.info().n_records, 3);
  expect_samples_match(reader, builder, 3);
  EXPECT_EQ(EdfReader(path.string()).info().n_records, 6);  // a new reader sees the new records
}

TEST_F(Malformed, FileShrunkWhileOpenIsIoErrorOnRead) {
  const EdfBuilder builder = small_edf();
  const auto path = write(builder.bytes());
  const EdfReader reader(path.string());
  std::filesystem::resize_file(path, 768 + 20);
  std::vector<std::int32_t> digital(3 * kSpr);
  EXPECT_THROW(reader.read_digital(0, 0, 3 * kSpr, digital.data()), IoError);
}

TEST_F(Malformed, ReadingLeavesTheInputFileUntouched) {
  EdfBuilder builder = small_edf_plus();
  const auto path = write(builder.bytes());
  const auto old_time = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
  std::filesystem::last_write_time(path, old_time);
  const std::string before = ictaltrack::testing::read_file(path);
  {
    const EdfReader reader(path.string());
    std::vector<double> physical(3 * kSpr);
    reader.read_physical(1, 0, 3 * kSpr, physical.data());
  }
  EXPECT_EQ(ictaltrack::testing::read_file(path), before);
  EXPECT_EQ(std::filesystem::last_write_time(path), old_time);
}

// ---- Random corruption
// ---------------------------------------------------------------------------

/// Opens and fully reads a file; any failure must be one of the library's typed errors.
void open_and_read_everything(const std::filesystem::path& path) {
  try {
    const EdfReader reader(path.string());
    const RecordingInfo& info = reader.info();
    (void)reader.segments();
    for (int c = 0; c < info.n_channels(); ++c) {
      const ChannelInfo& channel = info.channels[c];
      std::vector<double> physical(static_cast<std::size_t>(channel.n_samples));
      reader.read_physical(c, 0, channel.n_samples, physical.data());
      if (channel.n_samples > 0) (void)reader.sample_time(c, channel.n_samples - 1);
    }
  } catch (const Error&) {
    // a typed, explained refusal is a correct outcome for a corrupted file
  }
}

TEST_F(Malformed, RandomByteCorruptionOnlyEverGivesTypedErrors) {
  EdfBuilder builder = small_edf_plus();
  builder.reserved = "EDF+D";
  std::string extra =
      "+0.5\x15"
      "1\x14"
      "event\x14";
  extra.push_back('\0');
  builder.signals[2].extra_tals = {extra, extra};
  const std::string original = builder.bytes();
  std::mt19937 random(2024);
  const auto path = scratch_ / "fuzz.edf";
  for (int trial = 0; trial < 1500; ++trial) {
    std::string bytes = original;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      // Mostly the header and the annotation bytes, where the structure lives.
      const std::size_t at = random() % 3 == 0 ? random() % bytes.size() : random() % 1024;
      const char replacements[] = {'0', '9', '-', '+', '.', ' ', '\0', '\x14', '\x15', 'x', '\xFF'};
      bytes[at] = replacements[random() % sizeof replacements];
    }
    if (random() % 8 == 0) bytes.resize(random() % bytes.size());
    ictaltrack::testing::write_file(path, bytes);
    SCOPED_TRACE("trial " + std::to_string(trial));
    ASSERT_NO_FATAL_FAILURE(open_and_read_everything(path));
  }
}
