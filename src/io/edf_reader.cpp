// EdfReader: opening (header + annotation signals only) and the bulk sample path (pread of whole
// records in bounded chunks, 16/24-bit little-endian decoding, calibration).
#include "ictaltrack/io/edf_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

#include "core/text.hpp"
#include "ictaltrack/errors.hpp"
#include "io/edf_detail.hpp"
#include "io/sample_decode.hpp"

namespace ictaltrack {
namespace {

/// Upper bound of the scratch buffer one read call uses.
constexpr std::int64_t kChunkBytes = std::int64_t{4} << 20;
/// Below 1/kSparseFactor of a record, only the requested channels' bytes of each record are read.
constexpr std::int64_t kSparseFactor = 8;
/// A damaged file can have a TAL problem in every record: list this many, count the rest.
constexpr int kMaxTalProblemWarnings = 20;

class FileHandle {
 public:
  explicit FileHandle(int fd) : fd_(fd) {}
  ~FileHandle() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileHandle(FileHandle&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileHandle& operator=(FileHandle&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_ = -1;
};

/// Adds whole seconds to a civil date-time (the first record may start seconds after the header).
void add_seconds(StartDateTime& start, std::int64_t seconds) {
  using namespace std::chrono;
  const sys_days day = year_month_day{year{start.year}, month{unsigned(start.month)},
                                      std::chrono::day{unsigned(start.day)}};
  const std::int64_t total =
      std::int64_t{start.hour} * 3600 + start.minute * 60 + start.second + seconds;
  std::int64_t day_shift = total / 86400;
  std::int64_t second_of_day = total % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --day_shift;
  }
  const year_month_day shifted{day + days{day_shift}};
  start.year = int(shifted.year());
  start.month = int(unsigned(shifted.month()));
  start.day = int(unsigned(shifted.day()));
  start.hour = int(second_of_day / 3600);
  start.minute = int(second_of_day / 60 % 60);
  start.second = int(second_of_day % 60);
}

/// Onset of a record whose annotation signals hold no time-keeping TAL.
constexpr Ticks kNoTimeKeeping = std::numeric_limits<Ticks>::min();

/// Opens `path` read-only as a regular file and stats it. Opening and EdfReader::refresh() both
/// go through here, so a path that no longer opens gives refresh() the very error a fresh open
/// gives (IoError with the errno: a deleted or renamed file is ENOENT).
FileHandle open_regular_file(const std::string& path, struct stat& status) {
  // O_NONBLOCK keeps a FIFO or device from blocking the open; such files are refused below.
  FileHandle file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (file.get() < 0) {
    const int error_number = errno;
    throw IoError(path, std::string("cannot open (") + std::strerror(error_number) + ")",
                  error_number);
  }
  if (::fstat(file.get(), &status) != 0) {
    const int error_number = errno;
    throw IoError(path, std::string("cannot stat (") + std::strerror(error_number) + ")",
                  error_number);
  }
  if (S_ISDIR(status.st_mode)) {
    throw IoError(path, "is a directory, not an EDF/BDF file", EISDIR);
  }
  if (!S_ISREG(status.st_mode)) throw IoError(path, "is not a regular file");
  return file;
}

/// Makes room for `extra` more elements, growing geometrically: refresh() appends a few records'
/// onsets at a time, and an exact reserve would copy the whole vector on every call.
template <typename T>
void reserve_more(std::vector<T>& values, std::size_t extra) {
  const std::size_t needed = values.size() + extra;
  if (needed > values.capacity()) values.reserve(std::max(needed, 2 * values.capacity()));
}

/// Whether a refreshed header still describes the records already scanned (and the recording
/// that was opened): the same format, signals (labels, samples per record, annotation signals)
/// and record duration. Other fields (the record count, texts, calibration) may change.
bool same_layout(const detail::ParsedHeader& before, const detail::ParsedHeader& now) {
  const RecordingInfo& a = before.info;
  const RecordingInfo& b = now.info;
  if (a.format != b.format || a.header_bytes != b.header_bytes ||
      a.record_bytes != b.record_bytes || a.record_duration != b.record_duration ||
      before.bytes_per_sample != now.bytes_per_sample || before.signals != now.signals ||
      a.channels.size() != b.channels.size()) {
    return false;
  }
  for (std::size_t c = 0; c < a.channels.size(); ++c) {
    if (a.channels[c].label != b.channels[c].label) return false;
  }
  return true;
}

/// What the scan of the records' annotation signals has found so far. Opening scans every record
/// present; refresh() scans only the records appended since. So whatever an open derives from all
/// the records is kept here as running values, and the warnings about them are written from these
/// (describe_scan) exactly as one scan of the whole file writes them.
struct RecordScan {
  std::int64_t records = 0;  ///< records [0, records) have been scanned
  Ticks first_offset = 0;    ///< record 0's time-keeping onset (0 when it has none)
  bool first_has_time_keeping = true;
  /// Warnings about single records, in file order: the first kMaxTalProblemWarnings TAL problems
  /// and the first time-keeping TAL that runs into the next one.
  std::vector<Warning> listed;
  std::int64_t tal_problems = 0;
  std::int64_t joined_tals = 0;
  std::int64_t non_utf8 = 0;
  std::int64_t missing_time_keeping = 0;
  std::int64_t backwards = 0;    ///< EDF+D records that start before the previous record
  std::int64_t overlapping = 0;  ///< EDF+D records that start before the previous one ends
  std::int64_t mismatched = 0;   ///< continuous records whose TAL onset is not r x duration
  std::int64_t backwards_annotations = 0;
  int backwards_annotation_signal = -1;
  std::vector<Ticks> last_annotation_onset;  ///< per annotation signal, onsets as written
};

/// The records' onsets and annotations one scan found, kept apart from the reader's until the
/// scan has read everything: a refresh() that fails half way leaves the reader as it was.
struct ScanResult {
  RecordScan scan;
  std::int64_t first_onset = 0;  ///< `onsets` are those of records [first_onset, n_records)
  std::vector<Ticks> onsets;
  std::vector<Annotation> annotations;  ///< onsets from the recording start
};

/// The annotation signals of one record, as written.
struct RecordTals {
  Ticks time_keeping = kNoTimeKeeping;
  std::vector<Annotation> annotations;  ///< onsets as written (the start offset not taken off)
};

/// Writes the warnings that sum up a scan into `rec` (after the header's own) and moves the start
/// by the first record's offset.
void describe_scan(RecordingInfo& rec, const RecordScan& scan) {
  auto warn = [&rec](std::string code, std::string message, int signal = -1) {
    rec.warnings.push_back({std::move(code), std::move(message), signal});
  };
  rec.warnings.insert(rec.warnings.end(), scan.listed.begin(), scan.listed.end());
  if (scan.tal_problems > kMaxTalProblemWarnings) {
    warn("more_tal_problems", std::to_string(scan.tal_problems - kMaxTalProblemWarnings) +
                                  " further TAL problems not listed");
  }
  if (scan.non_utf8 > 0) {
    warn("non_utf8_annotation",
         std::to_string(scan.non_utf8) + " annotation texts are not UTF-8; decoded as Latin-1");
  }
  if (!scan.first_has_time_keeping) {
    warn("missing_time_keeping", "first data record has no time-keeping TAL; start offset 0");
  }
  if (scan.missing_time_keeping > 0) {
    warn("missing_time_keeping", std::to_string(scan.missing_time_keeping) +
                                     " data records lack a time-keeping TAL; their onsets "
                                     "follow the previous record");
  }
  // Recording start = header time + first offset: carry whole seconds into the date-time.
  const Ticks first_offset = scan.first_offset;
  Ticks whole = first_offset / kTicksPerSecond;
  Ticks fraction = first_offset % kTicksPerSecond;
  if (fraction < 0) {
    fraction += kTicksPerSecond;
    --whole;
  }
  if (whole != 0) {
    warn("start_offset", "first record starts " + std::to_string(first_offset) +
                             " ticks after the header start time; start time adjusted");
    add_seconds(rec.start, whole);
  }
  rec.start.subsecond = fraction;
  if (rec.discontinuous()) {
    if (scan.backwards > 0) {
      warn("record_onset_backwards",
           std::to_string(scan.backwards) + " data records start before the previous record");
    }
    if (scan.overlapping > 0) {
      warn("overlapping_records",
           std::to_string(scan.overlapping) + " data records start before the previous one ends");
    }
  } else if (scan.mismatched > 0) {
    warn("record_onset_mismatch",
         std::to_string(scan.mismatched) +
             " records of this continuous file have time-keeping onsets that differ from "
             "record index x record duration; the file is read as continuous");
  }
  if (scan.backwards_annotations > 0) {
    warn("annotation_onset_backwards",
         std::to_string(scan.backwards_annotations) +
             " annotations have an onset before an earlier annotation of the same signal; "
             "kept in file order",
         scan.backwards_annotation_signal);
  }
}

}  // namespace

Ticks RecordingInfo::duration() const noexcept {
  if (record_onsets.empty()) return 0;
  return record_onsets.back() + record_duration;
}

bool RecordingInfo::has_warning(std::string_view code, int signal) const noexcept {
  return std::any_of(warnings.begin(), warnings.end(), [&](const Warning& w) {
    return w.code == code && (signal < 0 || w.signal == signal);
  });
}

struct EdfReader::Impl {
  FileHandle file{-1};
  ReaderOptions options;
  detail::ParsedHeader header;
  std::vector<Annotation> annotations;
  RecordScan scan;
  std::vector<std::int64_t> channel_offsets;      ///< byte offset of each channel inside a record
  std::vector<std::int32_t> clip_low, clip_high;  ///< digital clipping bounds of each channel

  /// Takes `parsed` (the header as it is now) and scans the records not scanned yet; `restart`
  /// scans every record again (the first open, or a file that holds fewer records than before).
  /// Either everything changes or, when reading throws, nothing does.
  void load(detail::ParsedHeader parsed, bool restart) {
    ScanResult found = scan_records(parsed, restart);
    commit(std::move(parsed), std::move(found), restart);
  }

  /// Reads the time-keeping TAL (and, with read_annotations, the annotations) of the records of
  /// `now` not scanned yet, into a ScanResult; the reader itself is left unchanged.
  ScanResult scan_records(const detail::ParsedHeader& now, bool restart) const {
    const RecordingInfo& rec = now.info;
    const std::int64_t n_records = rec.n_records;
    ScanResult found;
    if (!restart) found.scan = scan;  // counters and at most kMaxTalProblemWarnings + 1 warnings
    found.first_onset = restart ? 0 : header.info.n_records;
    found.onsets.resize(static_cast<std::size_t>(n_records - found.first_onset));
    for (std::int64_t r = found.first_onset; r < n_records; ++r) {
      found.onsets[r - found.first_onset] = r * rec.record_duration;
    }
    const bool plus = rec.format != FileFormat::edf && rec.format != FileFormat::bdf;
    if (!plus || rec.annotation_signals.empty() || n_records == 0) return found;
    // A continuous file only needs the first record's time-keeping TAL unless annotations are
    // wanted; a discontinuous one needs every record's.
    const std::int64_t records_to_scan =
        (options.read_annotations || rec.discontinuous()) ? n_records : 1;
    if (found.scan.records == 0) {
      found.scan.last_annotation_onset.assign(rec.annotation_signals.size(),
                                              std::numeric_limits<Ticks>::min());
    }
    std::vector<unsigned char> bytes;
    for (std::int64_t r = found.scan.records; r < records_to_scan; ++r) {
      RecordTals tals = read_record_tals(now, r, found.scan, bytes);
      place_record(rec, r, std::move(tals), found);
      found.scan.records = r + 1;
    }
    return found;
  }

  /// Reads and parses the annotation signals of record `r`; its TAL problems go to `counts`.
  RecordTals read_record_tals(const detail::ParsedHeader& now, std::int64_t r, RecordScan& counts,
                              std::vector<unsigned char>& bytes) const {
    const RecordingInfo& rec = now.info;
    RecordTals found;
    std::vector<detail::TalProblem> problems;
    for (std::size_t a = 0; a < rec.annotation_signals.size(); ++a) {
      const int signal = rec.annotation_signals[a];
      const detail::SignalLayout& layout = now.signals[signal];
      const std::size_t size =
          static_cast<std::size_t>(layout.samples_per_record) * now.bytes_per_sample;
      if (size == 0) continue;
      bytes.resize(size);
      const std::int64_t offset = rec.header_bytes + r * rec.record_bytes + layout.offset_in_record;
      detail::pread_exact(file.get(), bytes.data(), size, offset, rec.path);
      problems.clear();
      std::vector<detail::Tal> tals = detail::parse_tals(bytes, problems);
      for (const detail::TalProblem& problem : problems) {
        if (counts.tal_problems++ < kMaxTalProblemWarnings) {
          counts.listed.push_back({problem.code,
                                   problem.message + " (record " + std::to_string(r) +
                                       ", file byte " +
                                       std::to_string(offset + problem.byte_offset) + ")",
                                   signal});
        }
      }
      for (std::size_t t = 0; t < tals.size(); ++t) {
        detail::Tal& tal = tals[t];
        std::size_t first_text = 0;
        if (a == 0 && t == 0) {
          found.time_keeping = tal.onset;
          // The time-keeping TAL's first (empty) annotation only marks the record start.
          if (!tal.texts.empty() && tal.texts.front().empty()) first_text = 1;
        }
        if (!options.read_annotations) continue;
        // Some writers (Nihon Kohden) omit the 0x00 after the time-keeping TAL, so the next
        // TAL's onset shows up as a text: "+1\x14\x14+1.14\x14A1+A2 OFF\x14". Inside the
        // time-keeping TAL, a signed number followed by more text is read as that lost onset.
        const bool recover = first_text == 1;
        Ticks onset = tal.onset;
        Ticks duration = tal.duration;
        for (std::size_t k = first_text; k < tal.texts.size(); ++k) {
          if (tal.texts[k].empty()) continue;
          if (recover && k + 1 < tal.texts.size()) {
            if (const auto lost = detail::parse_decimal_ticks(tal.texts[k], true)) {
              if (counts.joined_tals++ == 0) {
                counts.listed.push_back({"tal_missing_terminator",
                                         "time-keeping TAL of record " + std::to_string(r) +
                                             " runs into the next TAL (no 0x00); its onset '" +
                                             detail::printable(tal.texts[k]) +
                                             "' is used for the annotations that follow",
                                         signal});
              }
              onset = *lost;
              duration = -1;
              continue;
            }
          }
          bool valid = true;
          std::string text = detail::decode_lenient_utf8(tal.texts[k], &valid);
          if (!valid) ++counts.non_utf8;
          found.annotations.push_back({onset, duration, std::move(text), r, signal});
        }
      }
    }
    return found;
  }

  /// Places record `r` in time from its time-keeping TAL (EDF+D), counts what the warnings sum
  /// up, and moves its annotations to `found` with onsets from the recording start.
  void place_record(const RecordingInfo& rec, std::int64_t r, RecordTals tals,
                    ScanResult& found) const {
    RecordScan& counts = found.scan;
    const bool has_time_keeping = tals.time_keeping != kNoTimeKeeping;
    if (r == 0) {
      counts.first_has_time_keeping = has_time_keeping;
      counts.first_offset = has_time_keeping ? tals.time_keeping : 0;
    }
    if (!has_time_keeping) ++counts.missing_time_keeping;
    if (rec.discontinuous()) {
      // The previous record is this scan's or, for the first record a refresh() scans, the
      // reader's.
      auto onset_of = [&](std::int64_t record) {
        return record >= found.first_onset ? found.onsets[record - found.first_onset]
                                           : header.info.record_onsets[record];
      };
      Ticks& onset = found.onsets[r - found.first_onset];
      if (has_time_keeping) {
        onset = tals.time_keeping - counts.first_offset;
      } else {
        onset = r == 0 ? 0 : onset_of(r - 1) + rec.record_duration;
      }
      if (r > 0) {
        const Ticks previous = onset_of(r - 1);
        if (onset < previous) {
          ++counts.backwards;
        } else if (onset < previous + rec.record_duration) {
          ++counts.overlapping;
        }
      }
    } else if (has_time_keeping &&
               tals.time_keeping - counts.first_offset != r * rec.record_duration) {
      ++counts.mismatched;
    }
    // EDF+ writers store each annotation signal's TALs in time order; a later TAL with an earlier
    // onset points at a damaged or hand-edited file. The annotations are kept as written.
    for (Annotation& annotation : tals.annotations) {
      const auto a =
          static_cast<std::size_t>(std::find(rec.annotation_signals.begin(),
                                             rec.annotation_signals.end(), annotation.signal) -
                                   rec.annotation_signals.begin());
      if (annotation.onset < counts.last_annotation_onset[a]) {
        if (counts.backwards_annotations++ == 0) {
          counts.backwards_annotation_signal = annotation.signal;
        }
      }
      counts.last_annotation_onset[a] = std::max(counts.last_annotation_onset[a], annotation.onset);
      annotation.onset -= counts.first_offset;
      found.annotations.push_back(std::move(annotation));
    }
  }

  /// Makes `parsed` and `found` the reader's state. Everything that can throw (allocation) is
  /// done before the first member changes.
  void commit(detail::ParsedHeader parsed, ScanResult found, bool restart) {
    RecordingInfo& rec = parsed.info;
    if (found.scan.records > 0) describe_scan(rec, found.scan);
    std::vector<std::int64_t> offsets;
    std::vector<std::int32_t> low, high;
    for (const ChannelInfo& channel : rec.channels) {
      offsets.push_back(parsed.signals[channel.signal_index].offset_in_record);
      const bool clips = options.clip_to_digital_range && !channel.is_bdf_status &&
                         channel.digital_min != channel.digital_max;
      low.push_back(clips ? std::min(channel.digital_min, channel.digital_max)
                          : std::numeric_limits<std::int32_t>::min());
      high.push_back(clips ? std::max(channel.digital_min, channel.digital_max)
                           : std::numeric_limits<std::int32_t>::max());
    }
    if (!restart) {
      reserve_more(header.info.record_onsets, found.onsets.size());
      reserve_more(annotations, found.annotations.size());
    }
    // Nothing below allocates or throws.
    if (restart) {
      rec.record_onsets = std::move(found.onsets);
      annotations = std::move(found.annotations);
    } else {
      rec.record_onsets = std::move(header.info.record_onsets);
      rec.record_onsets.insert(rec.record_onsets.end(), found.onsets.begin(), found.onsets.end());
      for (Annotation& annotation : found.annotations) annotations.push_back(std::move(annotation));
    }
    header = std::move(parsed);
    scan = std::move(found.scan);
    channel_offsets = std::move(offsets);
    clip_low = std::move(low);
    clip_high = std::move(high);
  }

  void check_range(std::span<const int> channels, std::int64_t start, std::int64_t count,
                   std::int64_t stride) const {
    const RecordingInfo& rec = header.info;
    if (channels.empty()) throw UnsupportedError("no channels requested");
    for (const int channel : channels) {
      if (channel < 0 || channel >= rec.n_channels()) {
        throw UnsupportedError("channel index " + std::to_string(channel) + " outside [0, " +
                               std::to_string(rec.n_channels()) + ")");
      }
    }
    const ChannelInfo& first = rec.channels[channels[0]];
    for (const int channel : channels) {
      if (rec.channels[channel].samples_per_record != first.samples_per_record) {
        throw UnsupportedError("channels '" + detail::printable(first.label) + "' and '" +
                               detail::printable(rec.channels[channel].label) +
                               "' have different sample rates; read them separately");
      }
    }
    if (start < 0 || count < 0 || start > first.n_samples || count > first.n_samples - start) {
      throw UnsupportedError("sample range [" + std::to_string(start) + ", " +
                             std::to_string(start) + "+" + std::to_string(count) +
                             ") outside the channel's " + std::to_string(first.n_samples) +
                             " samples");
    }
    if (channels.size() > 1 && stride < count) {
      throw UnsupportedError("stride " + std::to_string(stride) + " is smaller than count " +
                             std::to_string(count));
    }
  }

  /// Decodes samples of `channels` in [start, start + count) into out[i * stride + k] through
  /// `decode(bytes, n, out_pointer, channel_position)`, which converts a run of n samples of
  /// one channel (detail::decode_digital / decode_physical).
  template <typename Out, typename Decode>
  void read(std::span<const int> channels, std::int64_t start, std::int64_t count, Out* out,
            std::int64_t stride, Decode decode) const {
    check_range(channels, start, count, stride);
    if (count == 0) return;
    const RecordingInfo& rec = header.info;
    const std::int64_t spr = rec.channels[channels[0]].samples_per_record;
    const std::int64_t first_record = start / spr;
    const std::int64_t last_record = (start + count - 1) / spr;
    const std::int64_t record_bytes = rec.record_bytes;
    const int bps = header.bytes_per_sample;
    // The bytes of the requested channels inside a record. When they are a small part of it
    // (e.g. one channel of many), read only that span of each record instead of whole records.
    std::int64_t span_begin = record_bytes, span_end = 0;
    for (const int channel : channels) {
      span_begin = std::min(span_begin, channel_offsets[channel]);
      span_end = std::max(span_end, channel_offsets[channel] + spr * bps);
    }
    const bool sparse = (span_end - span_begin) * kSparseFactor <= record_bytes;
    const std::int64_t slot_bytes = sparse ? span_end - span_begin : record_bytes;
    if (slot_bytes > kChunkBytes) {
      // Huge records (e.g. a whole recording in one record): read exactly the requested samples,
      // piece by piece, so memory stays bounded whatever the record size.
      const std::int64_t piece_samples = kChunkBytes / bps;
      std::vector<unsigned char> piece(
          static_cast<std::size_t>(std::min(piece_samples, std::min(count, spr)) * bps));
      for (std::int64_t r = first_record; r <= last_record; ++r) {
        const std::int64_t record_first_sample = r * spr;
        const std::int64_t from = std::max(start, record_first_sample);
        const std::int64_t to = std::min(start + count, record_first_sample + spr);
        for (std::size_t i = 0; i < channels.size(); ++i) {
          for (std::int64_t at = from; at < to; at += piece_samples) {
            const std::int64_t n = std::min(piece_samples, to - at);
            detail::pread_exact(file.get(), piece.data(), static_cast<std::size_t>(n * bps),
                                rec.header_bytes + r * record_bytes + channel_offsets[channels[i]] +
                                    (at - record_first_sample) * bps,
                                rec.path);
            decode(piece.data(), n, out + static_cast<std::int64_t>(i) * stride + (at - start), i);
          }
        }
      }
      return;
    }
    const std::int64_t base = sparse ? span_begin : 0;
    const std::int64_t chunk_records = std::max<std::int64_t>(1, kChunkBytes / slot_bytes);
    // Not zero-filled: pread_exact fills every byte that is decoded, or throws.
    const auto buffer = std::make_unique_for_overwrite<unsigned char[]>(static_cast<std::size_t>(
        std::min(chunk_records, last_record - first_record + 1) * slot_bytes));
    for (std::int64_t chunk_start = first_record; chunk_start <= last_record;
         chunk_start += chunk_records) {
      const std::int64_t n_chunk = std::min(chunk_records, last_record - chunk_start + 1);
      if (sparse) {
        for (std::int64_t r = chunk_start; r < chunk_start + n_chunk; ++r) {
          detail::pread_exact(file.get(), buffer.get() + (r - chunk_start) * slot_bytes,
                              static_cast<std::size_t>(slot_bytes),
                              rec.header_bytes + r * record_bytes + base, rec.path);
        }
      } else {
        detail::pread_exact(file.get(), buffer.get(),
                            static_cast<std::size_t>(n_chunk * record_bytes),
                            rec.header_bytes + chunk_start * record_bytes, rec.path);
      }
      for (std::int64_t r = chunk_start; r < chunk_start + n_chunk; ++r) {
        const std::int64_t record_first_sample = r * spr;
        const std::int64_t from = std::max(start, record_first_sample);
        const std::int64_t to = std::min(start + count, record_first_sample + spr);
        const unsigned char* record = buffer.get() + (r - chunk_start) * slot_bytes;
        for (std::size_t i = 0; i < channels.size(); ++i) {
          decode(
              record + (channel_offsets[channels[i]] - base) + (from - record_first_sample) * bps,
              to - from, out + static_cast<std::int64_t>(i) * stride + (from - start), i);
        }
      }
    }
  }

  template <typename Real>
  void read_physical(std::span<const int> channels, std::int64_t start, std::int64_t count,
                     Real* out, std::int64_t stride) const {
    std::vector<double> gains, offsets;
    for (const int channel : channels) {
      if (channel < 0 || channel >= header.info.n_channels()) break;  // check_range reports it
      gains.push_back(header.info.channels[channel].gain);
      offsets.push_back(header.info.channels[channel].offset);
    }
    const int bps = header.bytes_per_sample;
    read(channels, start, count, out, stride,
         [&](const unsigned char* p, std::int64_t n, Real* destination, std::size_t i) {
           detail::decode_physical(p, static_cast<std::size_t>(n), bps, clip_low[channels[i]],
                                   clip_high[channels[i]], gains[i], offsets[i], destination);
         });
  }
};

EdfReader::EdfReader(const std::string& path, ReaderOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  struct stat status {};
  impl_->file = open_regular_file(path, status);
  impl_->load(detail::parse_header(impl_->file.get(), path,
                                   static_cast<std::int64_t>(status.st_size), options.growing),
              true);
}

bool EdfReader::refresh() {
  Impl& impl = *impl_;
  const std::string path = impl.header.info.path;
  // The path must still name the file being read: one deleted or renamed away fails to open as
  // it would for a fresh open, and one replaced by another file is not this recording any more
  // (the descriptor held would go on reading the old one).
  struct stat at_path {};
  (void)open_regular_file(path, at_path);
  struct stat held {};
  if (::fstat(impl.file.get(), &held) != 0) {
    const int error_number = errno;
    throw IoError(path, std::string("cannot stat (") + std::strerror(error_number) + ")",
                  error_number);
  }
  if (at_path.st_dev != held.st_dev || at_path.st_ino != held.st_ino) {
    throw IoError(path, "was replaced by another file since it was opened");
  }
  detail::ParsedHeader parsed = detail::parse_header(
      impl.file.get(), path, static_cast<std::int64_t>(held.st_size), impl.options.growing);
  if (!same_layout(impl.header, parsed)) {
    throw FormatError("header", -1, 0,
                      "the header's signals or record duration changed since the file was "
                      "opened");
  }
  const std::int64_t before = impl.header.info.n_records;
  // A file that holds fewer records than before was cut or rewritten: scanned again from the
  // start, as a fresh open would.
  const bool restart = parsed.info.n_records < before;
  impl.load(std::move(parsed), restart);
  return impl.header.info.n_records > before;
}

EdfReader::~EdfReader() = default;
EdfReader::EdfReader(EdfReader&&) noexcept = default;
EdfReader& EdfReader::operator=(EdfReader&&) noexcept = default;

const RecordingInfo& EdfReader::info() const noexcept { return impl_->header.info; }
const std::vector<Annotation>& EdfReader::annotations() const noexcept {
  return impl_->annotations;
}

std::vector<ContiguousSegment> EdfReader::segments() const {
  const RecordingInfo& rec = info();
  std::vector<ContiguousSegment> result;
  for (std::int64_t r = 0; r < rec.n_records; ++r) {
    if (r == 0 || rec.record_onsets[r] != rec.record_onsets[r - 1] + rec.record_duration) {
      result.push_back({r, 0, rec.record_onsets[r]});
    }
    ++result.back().n_records;
  }
  return result;
}

Ticks EdfReader::sample_time(int channel, std::int64_t sample) const {
  const RecordingInfo& rec = info();
  if (channel < 0 || channel >= rec.n_channels()) {
    throw UnsupportedError("channel index " + std::to_string(channel) + " outside [0, " +
                           std::to_string(rec.n_channels()) + ")");
  }
  const ChannelInfo& info = rec.channels[channel];
  if (sample < 0 || sample >= info.n_samples) {
    throw UnsupportedError("sample " + std::to_string(sample) + " outside the channel's " +
                           std::to_string(info.n_samples) + " samples");
  }
  const std::int64_t record = sample / info.samples_per_record;
  const std::int64_t within = sample % info.samples_per_record;
  // within < samples_per_record, so splitting the duration avoids overflowing within * duration.
  const Ticks whole = rec.record_duration / info.samples_per_record;
  const Ticks rest = rec.record_duration % info.samples_per_record;
  const Ticks offset = within * whole + within * rest / info.samples_per_record;
  return rec.record_onsets[record] + offset;
}

int EdfReader::find_channel(std::string_view label) const noexcept {
  const auto& channels = info().channels;
  for (std::size_t i = 0; i < channels.size(); ++i) {
    if (channels[i].label == label) return static_cast<int>(i);
  }
  return -1;
}

void EdfReader::read_digital(int channel, std::int64_t start, std::int64_t count,
                             std::int32_t* out) const {
  read_digital(std::span<const int>(&channel, 1), start, count, out, count);
}
void EdfReader::read_physical(int channel, std::int64_t start, std::int64_t count,
                              double* out) const {
  read_physical(std::span<const int>(&channel, 1), start, count, out, count);
}
void EdfReader::read_physical(int channel, std::int64_t start, std::int64_t count,
                              float* out) const {
  read_physical(std::span<const int>(&channel, 1), start, count, out, count);
}

void EdfReader::read_physical(std::span<const int> channels, std::int64_t start, std::int64_t count,
                              double* out, std::int64_t stride) const {
  impl_->read_physical(channels, start, count, out, stride);
}
void EdfReader::read_physical(std::span<const int> channels, std::int64_t start, std::int64_t count,
                              float* out, std::int64_t stride) const {
  impl_->read_physical(channels, start, count, out, stride);
}
void EdfReader::read_digital(std::span<const int> channels, std::int64_t start, std::int64_t count,
                             std::int32_t* out, std::int64_t stride) const {
  const Impl& impl = *impl_;
  const int bps = impl.header.bytes_per_sample;
  impl.read(channels, start, count, out, stride,
            [&](const unsigned char* p, std::int64_t n, std::int32_t* destination, std::size_t i) {
              detail::decode_digital(p, static_cast<std::size_t>(n), bps,
                                     impl.clip_low[channels[i]], impl.clip_high[channels[i]],
                                     destination);
            });
}

}  // namespace ictaltrack
