// EdfReader::refresh() on files written while they are read (ReaderOptions::growing). Oracle: a
// fresh EdfReader on the same bytes at the same moment; after every append the refreshed reader's
// info, annotations, segments, warnings and samples must equal it field by field. The files are
// written as an acquisition system writes them: header first (record count -1, or a count
// updated now and then), then records, often stopping in the middle of one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "edf_builder.hpp"
#include "ictaltrack/errors.hpp"
#include "ictaltrack/io/edf_reader.hpp"
#include "test_support.hpp"

using namespace ictaltrack;
using ictaltrack::testing::corpus_files;
using ictaltrack::testing::EdfBuilder;
using ictaltrack::testing::put_field;
using ictaltrack::testing::read_file;
using ictaltrack::testing::ScratchDir;
using ictaltrack::testing::signal_field_offset;
using ictaltrack::testing::write_file;

namespace {

constexpr int kSpr = 8;
constexpr std::int64_t kRecords = 40;

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.4f", value);
  return text;
}

/// Time-keeping TAL of a record starting at `onset` seconds (after the header start time).
std::string time_keeping(double onset) {
  return seconds(onset) + "\x14\x14" + std::string(1, '\0');
}

std::string annotation(double onset, const std::string& text) {
  return seconds(onset) + "\x14" + text + "\x14" + std::string(1, '\0');
}

/// EDF+D (or BDF+D) of kRecords 1 s records, two data channels and two annotation signals, with
/// everything the scan keeps count of, spread over the file so that each appears in some
/// refresh and not in an earlier one: a first record starting 2.5 s after the header time
/// (start_offset), annotations in both signals, a record without time-keeping TAL, gaps, a
/// non-UTF-8 text, a record starting before the previous one, one overlapping it, a time-keeping
/// TAL without its terminator, an annotation earlier than the previous one, and more malformed
/// TALs than are listed (more_tal_problems).
EdfBuilder discontinuous_file(bool bdf = false) {
  EdfBuilder builder;
  builder.bdf = bdf;
  builder.reserved = bdf ? "BDF+D" : "EDF+D";
  builder.n_records = kRecords;
  builder.add_signal("Fp1", kSpr);
  builder.add_signal("Fp2", kSpr);
  builder.add_annotation_signal(120);
  builder.add_annotation_signal(42);
  std::vector<std::string> first(kRecords), second(kRecords);
  double onset = 2.5;
  for (std::int64_t r = 0; r < kRecords; ++r) {
    if (r == 8) onset += 10.0;    // a gap
    if (r == 15) onset -= 4.0;    // starts before the previous record
    if (r == 18) onset -= 0.5;    // overlaps the previous record
    if (r == 30) onset += 600.0;  // a long gap
    std::string& tal = first[r];
    if (r != 5) tal = time_keeping(onset);  // record 5 has no time-keeping TAL
    if (r == 0) tal += annotation(onset, "Recording starts");
    if (r == 3) tal += annotation(onset + 0.25, "Eyes closed");
    if (r == 12) tal += annotation(onset + 0.5, "Caf\xE9");  // Latin-1, not UTF-8
    if (r == 20) {
      // Nihon Kohden style: the 0x00 after the time-keeping TAL is missing.
      tal = seconds(onset) + "\x14\x14" + seconds(onset + 0.2) + "\x14" + "Joined\x14" +
            std::string(1, '\0');
    }
    if (r == 22) tal += annotation(1.0, "Earlier than the last");
    if (r >= 24) tal += std::string("bad") + '\0' + "worse" + '\0';  // two tal_malformed each
    if (r == 6 || r == 33) second[r] = annotation(onset + 0.75, "Marker " + std::to_string(r));
    onset += 1.0;
  }
  builder.signals[2].raw_tals = first;
  builder.signals[3].raw_tals = second;
  return builder;
}

template <typename T>
void expect_same_number(T a, T b, const char* what) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a) && std::isnan(b)) return;
  }
  EXPECT_EQ(a, b) << what;
}

/// Every observable of `refreshed` equals that of `fresh`, field by field.
void expect_same_reader(const EdfReader& refreshed, const EdfReader& fresh) {
  const RecordingInfo& a = refreshed.info();
  const RecordingInfo& b = fresh.info();
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.header_bytes, b.header_bytes);
  EXPECT_EQ(a.header_bytes_field, b.header_bytes_field);
  EXPECT_EQ(a.n_signals, b.n_signals);
  EXPECT_EQ(a.n_records, b.n_records);
  EXPECT_EQ(a.n_records_field, b.n_records_field);
  EXPECT_EQ(a.record_bytes, b.record_bytes);
  EXPECT_EQ(a.file_bytes, b.file_bytes);
  EXPECT_EQ(a.record_duration, b.record_duration);
  EXPECT_EQ(a.start.iso8601(), b.start.iso8601());
  EXPECT_EQ(a.start.subsecond, b.start.subsecond);
  EXPECT_EQ(a.patient, b.patient);
  EXPECT_EQ(a.recording, b.recording);
  EXPECT_EQ(a.patient_raw, b.patient_raw);
  EXPECT_EQ(a.recording_raw, b.recording_raw);
  EXPECT_EQ(a.reserved_raw, b.reserved_raw);
  EXPECT_EQ(a.annotation_signals, b.annotation_signals);
  EXPECT_EQ(a.record_onsets, b.record_onsets);
  EXPECT_EQ(a.duration(), b.duration());
  ASSERT_EQ(a.channels.size(), b.channels.size());
  for (std::size_t c = 0; c < a.channels.size(); ++c) {
    SCOPED_TRACE("channel " + std::to_string(c));
    const ChannelInfo& x = a.channels[c];
    const ChannelInfo& y = b.channels[c];
    EXPECT_EQ(x.signal_index, y.signal_index);
    EXPECT_EQ(x.label, y.label);
    EXPECT_EQ(x.label_raw, y.label_raw);
    EXPECT_EQ(x.transducer, y.transducer);
    EXPECT_EQ(x.physical_dimension, y.physical_dimension);
    EXPECT_EQ(x.prefilter, y.prefilter);
    expect_same_number(x.physical_min, y.physical_min, "physical_min");
    expect_same_number(x.physical_max, y.physical_max, "physical_max");
    EXPECT_EQ(x.digital_min, y.digital_min);
    EXPECT_EQ(x.digital_max, y.digital_max);
    EXPECT_EQ(x.samples_per_record, y.samples_per_record);
    expect_same_number(x.gain, y.gain, "gain");
    expect_same_number(x.offset, y.offset, "offset");
    expect_same_number(x.sfreq, y.sfreq, "sfreq");
    EXPECT_EQ(x.n_samples, y.n_samples);
    EXPECT_EQ(x.usable, y.usable);
    EXPECT_EQ(x.calibrated, y.calibrated);
    EXPECT_EQ(x.is_bdf_status, y.is_bdf_status);
  }
  ASSERT_EQ(a.warnings.size(), b.warnings.size());
  for (std::size_t w = 0; w < a.warnings.size(); ++w) {
    EXPECT_EQ(a.warnings[w].code, b.warnings[w].code) << "warning " << w;
    EXPECT_EQ(a.warnings[w].message, b.warnings[w].message) << "warning " << w;
    EXPECT_EQ(a.warnings[w].signal, b.warnings[w].signal) << "warning " << w;
  }
  ASSERT_EQ(refreshed.annotations().size(), fresh.annotations().size());
  for (std::size_t i = 0; i < fresh.annotations().size(); ++i) {
    const Annotation& x = refreshed.annotations()[i];
    const Annotation& y = fresh.annotations()[i];
    EXPECT_EQ(x.onset, y.onset) << "annotation " << i;
    EXPECT_EQ(x.duration, y.duration) << "annotation " << i;
    EXPECT_EQ(x.description, y.description) << "annotation " << i;
    EXPECT_EQ(x.record, y.record) << "annotation " << i;
    EXPECT_EQ(x.signal, y.signal) << "annotation " << i;
  }
  const auto segments = refreshed.segments();
  const auto expected_segments = fresh.segments();
  ASSERT_EQ(segments.size(), expected_segments.size());
  for (std::size_t s = 0; s < segments.size(); ++s) {
    EXPECT_EQ(segments[s].first_record, expected_segments[s].first_record) << "segment " << s;
    EXPECT_EQ(segments[s].n_records, expected_segments[s].n_records) << "segment " << s;
    EXPECT_EQ(segments[s].onset, expected_segments[s].onset) << "segment " << s;
  }
  // The samples of the newest records read the same through both (the descriptor is the same
  // file's, the calibration the refreshed header's).
  for (int c = 0; c < a.n_channels(); ++c) {
    const std::int64_t count = std::min<std::int64_t>(a.channels[c].n_samples, 3 * kSpr);
    std::vector<double> x(static_cast<std::size_t>(count)), y(x.size());
    refreshed.read_physical(c, a.channels[c].n_samples - count, count, x.data());
    fresh.read_physical(c, a.channels[c].n_samples - count, count, y.data());
    EXPECT_EQ(x, y) << "channel " << c;
  }
}

/// Appends `bytes` to `path` up to each of `cuts` in turn, as a recorder does, refreshing one
/// reader after each piece and comparing it with a fresh open of the file as it then is.
void follow_writing(const std::filesystem::path& path, const std::string& bytes,
                    const std::vector<std::size_t>& cuts, ReaderOptions options) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::size_t written = 0;
  std::optional<EdfReader> reader;
  for (const std::size_t cut : cuts) {
    out.write(bytes.data() + written, static_cast<std::streamsize>(cut - written));
    out.flush();
    written = cut;
    SCOPED_TRACE("after " + std::to_string(written) + " of " + std::to_string(bytes.size()) +
                 " bytes");
    if (!reader) {
      reader.emplace(path.string(), options);
    } else {
      const std::int64_t before = reader->info().n_records;
      const bool added = reader->refresh();
      EXPECT_EQ(added, reader->info().n_records > before);
    }
    const EdfReader fresh(path.string(), options);
    expect_same_reader(*reader, fresh);
  }
}

/// Where a recorder writing `builder`'s file may have stopped: the header, then every record
/// boundary, inside some records (at odd bytes), and a jump of several records at once.
std::vector<std::size_t> cut_points(const EdfBuilder& builder) {
  const std::size_t header = builder.header().size();
  const std::size_t total = builder.bytes().size();
  const std::size_t record = (total - header) / static_cast<std::size_t>(builder.n_records);
  std::vector<std::size_t> cuts{header, header + record / 2};
  for (std::int64_t r = 1; r <= builder.n_records; ++r) {
    if (r > 25 && r < 31) continue;  // five records in one go
    const std::size_t end = header + static_cast<std::size_t>(r) * record;
    if (r % 3 == 1 && r < builder.n_records) cuts.push_back(end + 77);  // mid-record
    cuts.push_back(end);
  }
  std::sort(cuts.begin(), cuts.end());
  return cuts;
}

ReaderOptions growing(bool read_annotations) {
  ReaderOptions options;
  options.growing = true;
  options.read_annotations = read_annotations;
  return options;
}

}  // namespace

TEST(GrowingReader, DiscontinuousFileRefreshedRecordByRecordEqualsAFreshOpen) {
  const ScratchDir scratch;
  EdfBuilder first_untimed = discontinuous_file();
  (*first_untimed.signals[2].raw_tals)[0].clear();  // the first record has no time-keeping TAL
  for (const EdfBuilder& file : {discontinuous_file(), discontinuous_file(true), first_untimed}) {
    EdfBuilder builder = file;
    builder.n_records_field = "-1";
    for (const bool read_annotations : {true, false}) {
      SCOPED_TRACE(std::string(builder.bdf ? "BDF+D" : "EDF+D") +
                   ((*builder.signals[2].raw_tals)[0].empty() ? ", first record untimed" : "") +
                   (read_annotations ? ", annotations" : ", no annotations"));
      follow_writing(scratch / "growing.edf", builder.bytes(), cut_points(builder),
                     growing(read_annotations));
    }
  }
  // The file holds what the test is about (a fresh open of the whole file says so).
  const auto path = discontinuous_file().write(scratch / "whole.edf");
  const EdfReader whole(path.string(), growing(true));
  for (const char* code :
       {"start_offset", "missing_time_keeping", "non_utf8_annotation", "record_onset_backwards",
        "overlapping_records", "tal_missing_terminator", "annotation_onset_backwards",
        "tal_malformed", "more_tal_problems"}) {
    EXPECT_TRUE(whole.info().has_warning(code)) << code;
  }
  EXPECT_GE(whole.segments().size(), 4u);
  EXPECT_EQ(whole.annotations().size(), 7u);
  EXPECT_TRUE(EdfReader(first_untimed.write(scratch / "untimed.edf").string(), growing(true))
                  .info()
                  .has_warning("missing_time_keeping"));
}

TEST(GrowingReader, ContinuousAndPlainFilesRefreshedEqualAFreshOpen) {
  const ScratchDir scratch;
  EdfBuilder continuous;
  continuous.reserved = "EDF+C";
  continuous.n_records = 12;
  continuous.n_records_field = "-1";
  continuous.add_signal("C3", kSpr);
  continuous.add_annotation_signal(60).extra_tals = {annotation(0.5, "Start"), "", "",
                                                     annotation(3.25, "Spike")};
  continuous.record_onsets = {"0.125"};  // the recording starts 1/8 s after the header time
  continuous.record_onsets.resize(12);
  for (std::size_t r = 1; r < 12; ++r) continuous.record_onsets[r] = std::to_string(r) + ".125";
  continuous.record_onsets[7] = "9";  // one time-keeping onset off the grid
  EdfBuilder plain;
  plain.n_records = 9;
  plain.n_records_field = "-1";
  plain.add_signal("C4", kSpr);
  plain.add_signal("O1", 2 * kSpr);
  for (const EdfBuilder* builder : {&continuous, &plain}) {
    for (const bool read_annotations : {true, false}) {
      SCOPED_TRACE(std::string(builder == &plain ? "EDF" : "EDF+C") +
                   (read_annotations ? ", annotations" : ", no annotations"));
      follow_writing(scratch / "growing.edf", builder->bytes(), cut_points(*builder),
                     growing(read_annotations));
    }
  }
  const EdfReader whole(continuous.write(scratch / "whole.edf").string(), growing(true));
  EXPECT_TRUE(whole.info().has_warning("record_onset_mismatch"));
  EXPECT_EQ(whole.info().start.subsecond, kTicksPerSecond / 8);
}

// A recorder that rewrites the header's record count now and then (stale, then true), and a
// refresh with nothing new: the refreshed header's count field is the fresh one's.
TEST(GrowingReader, RecordCountRewrittenByTheWriterIsTakenFromTheNewHeader) {
  const ScratchDir scratch;
  EdfBuilder builder = discontinuous_file();
  builder.n_records_field = "0";
  const std::string bytes = builder.bytes();
  const std::size_t header = builder.header().size();
  const std::size_t record = (bytes.size() - header) / kRecords;
  const auto path = scratch / "stale.edf";
  write_file(path, bytes.substr(0, header + 10 * record));
  EdfReader reader(path.string(), growing(true));
  for (const std::int64_t count : {std::int64_t{7}, std::int64_t{-1}, kRecords}) {
    {
      std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
      std::string field = std::to_string(count);
      field.resize(8, ' ');
      file.seekp(236);
      file.write(field.data(), 8);
      file.seekp(0, std::ios::end);
      const std::size_t size = std::filesystem::file_size(path);
      file.write(bytes.data() + size, static_cast<std::streamsize>(5 * record + 3));
    }
    EXPECT_TRUE(reader.refresh());
    EXPECT_EQ(reader.info().n_records_field, count);
    expect_same_reader(reader, EdfReader(path.string(), growing(true)));
    EXPECT_FALSE(reader.refresh()) << "nothing was appended";
    expect_same_reader(reader, EdfReader(path.string(), growing(true)));
  }
}

// Only the records appended since are scanned: a record already scanned is not read again (the
// contract asks that complete records do not change). A file that holds fewer records than
// before is scanned again from the start, as a fresh open does.
TEST(GrowingReader, RefreshScansOnlyTheNewRecordsAndStartsOverWhenTheFileShrinks) {
  const ScratchDir scratch;
  const EdfBuilder builder = discontinuous_file();
  const std::string bytes = builder.bytes();
  const std::size_t header = builder.header().size();
  const std::size_t record = (bytes.size() - header) / kRecords;
  const auto path = scratch / "file.edf";
  write_file(path, bytes.substr(0, header + 10 * record));
  EdfReader reader(path.string(), growing(true));
  const Ticks onset_of_record_2 = reader.info().record_onsets[2];
  // Record 2's time-keeping TAL is rewritten in place; then two records are appended.
  std::string edited = bytes.substr(0, header + 12 * record);
  const std::size_t tal_at = header + 2 * record + 2 * 2 * kSpr;
  edited.replace(tal_at, 10, time_keeping(900.0).substr(0, 10));
  write_file(path, edited);
  EXPECT_TRUE(reader.refresh());
  EXPECT_EQ(reader.info().n_records, 12);
  EXPECT_EQ(reader.info().record_onsets[2], onset_of_record_2);
  EXPECT_NE(EdfReader(path.string(), growing(true)).info().record_onsets[2], onset_of_record_2);
  // Cut back to 6 records and a half: everything is read again.
  std::filesystem::resize_file(path, header + 6 * record + record / 2);
  EXPECT_FALSE(reader.refresh());
  EXPECT_EQ(reader.info().n_records, 6);
  expect_same_reader(reader, EdfReader(path.string(), growing(true)));
}

// follow relies on refresh() failing as a fresh open fails when the file goes away: a deleted or
// renamed path is the same IoError (ENOENT), a path that now names another file is an IoError
// too. The reader stays as it was, its descriptor still reading the file it opened.
TEST(GrowingReader, RefreshThrowsIoErrorWhenThePathNoLongerNamesTheFile) {
  const ScratchDir scratch;
  EdfBuilder builder = discontinuous_file();
  builder.n_records_field = "-1";
  const std::string bytes = builder.bytes();
  const std::size_t header = builder.header().size();
  const std::size_t record = (bytes.size() - header) / kRecords;
  const auto path = scratch / "file.edf";
  enum class Fate { deleted, renamed, replaced };
  for (const Fate fate : {Fate::deleted, Fate::renamed, Fate::replaced}) {
    SCOPED_TRACE(static_cast<int>(fate));
    write_file(path, bytes.substr(0, header + 10 * record));
    EdfReader reader(path.string(), growing(true));
    const RecordingInfo before = reader.info();
    if (fate == Fate::deleted) {
      std::filesystem::remove(path);
    } else if (fate == Fate::renamed) {
      std::filesystem::rename(path, scratch / "moved.edf");
    } else {
      // The same recording with more records, written beside and renamed over the path.
      write_file(scratch / "new.edf", bytes.substr(0, header + 20 * record));
      std::filesystem::rename(scratch / "new.edf", path);
    }
    std::optional<IoError> fresh_error;
    try {
      (void)EdfReader(path.string(), growing(true));
    } catch (const IoError& error) {
      fresh_error = error;
    }
    try {
      reader.refresh();
      ADD_FAILURE() << "refresh() did not throw";
    } catch (const IoError& error) {
      EXPECT_EQ(error.path(), path.string());
      if (fate == Fate::replaced) {
        EXPECT_FALSE(fresh_error) << "a fresh open reads the new file";
        EXPECT_NE(std::string(error.what()).find("replaced"), std::string::npos) << error.what();
      } else {
        ASSERT_TRUE(fresh_error);
        EXPECT_EQ(error.error_number(), ENOENT);
        EXPECT_EQ(error.error_number(), fresh_error->error_number());
        EXPECT_STREQ(error.what(), fresh_error->what());
      }
    }
    EXPECT_EQ(reader.info().n_records, before.n_records);
    EXPECT_EQ(reader.info().record_onsets, before.record_onsets);
    std::vector<double> last(kSpr);
    reader.read_physical(0, (before.n_records - 1) * kSpr, kSpr, last.data());
    std::filesystem::remove(scratch / "moved.edf");
  }
}

// The signals of the file opened must stay (the follower's condition): another label, other
// samples per record or another record duration is a FormatError, and the reader stays as it was.
TEST(GrowingReader, RefreshRefusesAHeaderWhoseSignalsChanged) {
  const ScratchDir scratch;
  EdfBuilder builder = discontinuous_file();
  builder.n_records_field = "-1";
  const std::string bytes = builder.bytes();
  const int n_signals = static_cast<int>(builder.signals.size());
  const auto path = scratch / "file.edf";
  struct Edit {
    std::int64_t offset;
    int width;
    std::string text;
  };
  for (const Edit& edit : {Edit{signal_field_offset(n_signals, 0, 16, 1), 16, "Cz"},
                           Edit{signal_field_offset(n_signals, 216, 8, 0), 8, "4"},
                           Edit{244, 8, "2"}, Edit{192, 44, "EDF+C"}}) {
    SCOPED_TRACE(edit.text);
    write_file(path, bytes);
    EdfReader reader(path.string(), growing(true));
    std::string changed = bytes;
    put_field(changed, edit.offset, edit.width, edit.text);
    write_file(path, changed);
    try {
      reader.refresh();
      ADD_FAILURE() << "refresh() did not throw";
    } catch (const FormatError& error) {
      EXPECT_EQ(error.field(), "header");
    }
    EXPECT_EQ(reader.info().n_records, kRecords);
    EXPECT_EQ(reader.info().channels[1].label, "Fp2");
  }
  // Texts and calibration may change: they are the new header's.
  write_file(path, bytes);
  EdfReader reader(path.string(), growing(true));
  std::string changed = bytes;
  put_field(changed, 8, 80, "X F 02-FEB-2020 Other_Name");
  put_field(changed, signal_field_offset(n_signals, 112, 8, 0), 8, "1600");
  write_file(path, changed);
  EXPECT_FALSE(reader.refresh());
  expect_same_reader(reader, EdfReader(path.string(), growing(true)));
  EXPECT_EQ(reader.info().patient, "X F 02-FEB-2020 Other_Name");
}

// Real writers' files (the corpus: EDF+C/D with annotations, BDF, odd headers), each written in
// pieces that end at record boundaries and inside records.
TEST(GrowingReader, CorpusFilesWrittenInPiecesRefreshLikeAFreshOpen) {
  const auto files = corpus_files();
  if (files.empty()) GTEST_SKIP() << "no corpus";
  const ScratchDir scratch;
  int followed = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    std::optional<EdfReader> whole;
    try {
      whole.emplace(file.string(), growing(true));
    } catch (const Error&) {
      continue;  // files the reader refuses are test_reader_malformed's
    }
    const RecordingInfo& info = whole->info();
    if (info.n_records == 0) continue;
    const std::string bytes = read_file(file);
    const auto header = static_cast<std::size_t>(info.header_bytes);
    const auto record = static_cast<std::size_t>(info.record_bytes);
    const std::size_t data_end = header + static_cast<std::size_t>(info.n_records) * record;
    std::vector<std::size_t> cuts{header};
    for (int step = 1; step <= 8; ++step) {
      const std::size_t records = static_cast<std::size_t>(info.n_records) * step / 8;
      cuts.push_back(std::min(data_end, header + records * record + (step % 2) * record / 3));
    }
    cuts.push_back(bytes.size());
    std::sort(cuts.begin(), cuts.end());
    for (const bool read_annotations : {true, false}) {
      follow_writing(scratch / "growing", bytes, cuts, growing(read_annotations));
    }
    ++followed;
  }
  EXPECT_GT(followed, 10);
}
