// Streaming reader for EDF, EDF+C, EDF+D, BDF, BDF+C and BDF+D recordings.
//
// Opening a file parses its header and all annotations (TAL) and the data-record onsets (EDF+D),
// never the samples: only the annotation-signal bytes of each record are read. Samples are read on
// request, for any channel over any sample range, into the caller's buffer. Conventions:
// - A "signal" is any signal in the header, annotation signals included (EDF signal index).
// - A "channel" is a data signal (not "EDF Annotations"/"BDF Annotations"); channel indices
//   run over data signals only, in header order. `ChannelInfo::signal_index` maps back.
// - Each channel keeps its own exact rate: samples_per_record / record duration. Sample index k of
//   a channel lies in data record k / samples_per_record. Nothing is ever resampled.
// - Time is in 100 ns ticks from the recording start (the header start time plus the offset of the
//   first record's time-keeping TAL). For EDF+D, record r starts at `record_onsets[r]` (ticks), and
//   gaps between records are reported (segments()), never concatenated silently.
// - Physical values are in the channel's own physical dimension (`physical_dimension`, often "uV");
//   physical = gain * digital + offset with gain = (pmax - pmin) / (dmax - dmin). Channels whose
//   calibration is impossible (dmin == dmax, pmin == pmax) read as NaN in physical units.
// - Digital values are the stored integers, sign-extended (16-bit EDF, 24-bit BDF) and, like
//   EDFlib, clipped to [digital_min, digital_max] (ReaderOptions::clip_to_digital_range). The BDF
//   Status channel is never clipped: it reads as the raw signed 24-bit value, exactly as EDFlib
//   returns it (sign-extended; mask with 0xFFFFFF for the unsigned trigger word).
// - Thread-compatible: every const member may be called from several threads on one EdfReader
//   (reads use pread, there is no shared file position); refresh() may not run beside them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ictaltrack/io/edf_format.hpp"
#include "ictaltrack/time.hpp"

namespace ictaltrack {

struct ChannelInfo {
  int signal_index = 0;                                          ///< index among all header signals
  std::string label, transducer, physical_dimension, prefilter;  ///< trimmed, decoded leniently
  std::string label_raw;                                         ///< the 16 label bytes as stored
  double physical_min = 0, physical_max = 0;
  std::int32_t digital_min = 0, digital_max = 0;
  std::int32_t samples_per_record = 0;
  double gain = 1.0, offset = 0.0;  ///< physical = gain * digital + offset (NaN when !calibrated)
  double sfreq = 0;                 ///< sample rate (Hz): samples_per_record / record duration (s)
  std::int64_t n_samples = 0;       ///< samples_per_record * number of complete data records
  bool usable = true;               ///< false for a dummy channel or when calibration is impossible
  bool calibrated = true;  ///< false when dmin == dmax or pmin == pmax (physical reads give NaN)
  bool is_bdf_status = false;  ///< the BDF "Status" (trigger) channel: read it raw
};

struct RecordingInfo {
  std::string path;
  FileFormat format = FileFormat::edf;
  int header_bytes = 0;              ///< header size used (256 * (n_signals + 1))
  int header_bytes_field = 0;        ///< the "number of bytes in header record" field as written
  int n_signals = 0;                 ///< all signals, annotation signals included
  std::int64_t n_records = 0;        ///< complete data records used
  std::int64_t n_records_field = 0;  ///< the "number of data records" field as written (-1 allowed)
  std::int64_t record_bytes = 0;     ///< size of one data record
  std::int64_t file_bytes = 0;       ///< file size when opened
  Ticks record_duration = 0;         ///< duration of one data record (ticks)
  StartDateTime start;
  std::string patient, recording;  ///< the 80-byte fields, trimmed, decoded leniently (UTF-8)
  std::string patient_raw, recording_raw;  ///< the same bytes as stored
  std::string reserved_raw;                ///< the 44-byte reserved field as stored
  std::vector<ChannelInfo> channels;       ///< data signals only
  std::vector<int> annotation_signals;     ///< signal indices of annotation signals
  /// Onset of each record from the recording start (all formats; r * record_duration unless the
  /// time-keeping TALs say otherwise).
  std::vector<Ticks> record_onsets;
  std::vector<Warning> warnings;
  bool discontinuous() const noexcept {
    return format == FileFormat::edf_plus_d || format == FileFormat::bdf_plus_d;
  }
  bool is_bdf() const noexcept { return ictaltrack::is_bdf(format); }
  int n_channels() const noexcept { return static_cast<int>(channels.size()); }
  /// Duration covered by data: last record onset + record duration (ticks).
  Ticks duration() const noexcept;
  /// True when a warning with this code was raised (for `signal`, or any signal when -1).
  bool has_warning(std::string_view code, int signal = -1) const noexcept;
};

/// One TAL entry. Onset is from the recording start (i.e. after subtracting the start offset).
struct Annotation {
  Ticks onset = 0;
  Ticks duration = -1;      ///< -1 when the TAL gives no duration
  std::string description;  ///< UTF-8
  std::int64_t record = 0;  ///< data record whose annotation signal holds it
  int signal = 0;           ///< signal index of that annotation signal
};

/// A stretch of consecutive data records with no gap: records [first_record, first_record + n).
struct ContiguousSegment {
  std::int64_t first_record = 0;
  std::int64_t n_records = 0;
  Ticks onset = 0;  ///< onset of the first record
};

struct ReaderOptions {
  /// When false, annotations are not collected (EDF+D record onsets are still read).
  bool read_annotations = true;
  /// Clip digital values to the channel's [digital_min, digital_max] as EDFlib does (values outside
  /// are ADC overflow). Never applied to the BDF Status channel or to an empty digital range.
  bool clip_to_digital_range = true;
  /// The file is still being written (an acquisition system appends records): the records used
  /// are the complete ones in the file whatever the header's count says (-1, or a count the writer
  /// has not updated yet), the bytes of a record being written are left for a later open, a file
  /// holding the header but no complete record has 0 records, and none of this is warned about.
  /// EdfReader::refresh() brings the reader up to date with the records appended since.
  bool growing = false;
};

class EdfReader {
 public:
  /// Opens `path` read-only. Throws IoError (cannot open/read), FormatError (unreadable header,
  /// naming field, signal and byte offset), UnsupportedError.
  explicit EdfReader(const std::string& path, ReaderOptions options = {});
  ~EdfReader();
  EdfReader(EdfReader&&) noexcept;
  EdfReader& operator=(EdfReader&&) noexcept;
  EdfReader(const EdfReader&) = delete;
  EdfReader& operator=(const EdfReader&) = delete;

  /// Brings a reader of a file that is still being written (ReaderOptions::growing) up to date
  /// with the records appended since it was opened or last refreshed, and returns true when
  /// records were added. Afterwards info() (n_records, record_onsets, start, warnings, file size,
  /// duration()), annotations() and segments() are exactly what a fresh EdfReader(path, same
  /// options) gives at that moment, but only the new records' annotation-signal bytes are read
  /// (their time-keeping TALs; their annotations with read_annotations): the cost is that of the
  /// records added, not of the file. The header is read again: its record count and texts may
  /// change; its format, signals (labels, samples per record) and record duration may not
  /// (FormatError). The path must still name the file opened: a path that no longer opens
  /// (deleted, renamed away, permission taken) throws the IoError a fresh open throws (ENOENT for
  /// a deleted file), and a path now naming another file (another device or inode: replaced)
  /// throws IoError. On any exception the reader is left as it was. Records already read are
  /// not read again, so they must not change once complete (a file that holds fewer records than
  /// before is read again from the start). Not for use while another thread reads from this
  /// reader; info() and annotations() keep referring to the reader's (updated) data.
  bool refresh();

  const RecordingInfo& info() const noexcept;
  const std::vector<Annotation>& annotations() const noexcept;
  /// Gap-free stretches of records (one for continuous files, none for a file without records).
  std::vector<ContiguousSegment> segments() const;
  /// True time (ticks from start) of sample `sample` of `channel`, honouring EDF+D record onsets.
  /// Samples inside a record are placed at k * record_duration / samples_per_record (floored).
  Ticks sample_time(int channel, std::int64_t sample) const;
  /// Channel index of the first channel whose trimmed label equals `label`, or -1.
  int find_channel(std::string_view label) const noexcept;

  /// Reads samples [start, start + count) of one channel. Bad channel indices or ranges throw
  /// UnsupportedError; a file that shrank since opening throws IoError.
  void read_digital(int channel, std::int64_t start, std::int64_t count, std::int32_t* out) const;
  void read_physical(int channel, std::int64_t start, std::int64_t count, double* out) const;
  void read_physical(int channel, std::int64_t start, std::int64_t count, float* out) const;

  /// Reads several channels that share one sample rate, channel-major: channel i of `channels`
  /// goes to out[i * stride + k], k in [0, count). stride >= count. Throws UnsupportedError if the
  /// channels' rates differ. Memory use is bounded by the request, not the file (whole records are
  /// read in chunks of a few MiB).
  void read_physical(std::span<const int> channels, std::int64_t start, std::int64_t count,
                     double* out, std::int64_t stride) const;
  void read_physical(std::span<const int> channels, std::int64_t start, std::int64_t count,
                     float* out, std::int64_t stride) const;
  void read_digital(std::span<const int> channels, std::int64_t start, std::int64_t count,
                    std::int32_t* out, std::int64_t stride) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ictaltrack
