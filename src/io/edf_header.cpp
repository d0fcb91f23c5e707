// EDF/BDF header parsing: lenient where the meaning is clear (warn), FormatError where it is not.
// Nothing is allocated from a header field before that field has been checked against the file
// size.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/text.hpp"
#include "ictaltrack/errors.hpp"
#include "io/edf_detail.hpp"

namespace ictaltrack::detail {
namespace {

constexpr int kFixedHeaderBytes = 256;
constexpr int kSignalHeaderBytes = 256;

std::string_view trim(std::string_view text) {
  auto is_padding = [](char c) { return c == ' ' || c == '\0'; };
  while (!text.empty() && is_padding(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_padding(text.back())) text.remove_suffix(1);
  return text;
}

/// A header field as a message quotes it: without its padding, and printable whatever it holds.
std::string quoted(std::string_view field) { return printable(trim(field)); }

std::optional<std::int64_t> parse_integer(std::string_view field) {
  std::string_view text = trim(field);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_real(std::string_view field) {
  std::string_view text = trim(field);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  // Some writers use a decimal comma; the meaning is unambiguous in a single-number field.
  for (char& c : copy) {
    if (c == ',') c = '.';
  }
  double value = 0;
  const auto [end, error] = std::from_chars(copy.data(), copy.data() + copy.size(), value);
  if (error != std::errc{} || end != copy.data() + copy.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool two_digits(std::string_view text, std::size_t at, int& value) {
  if (at + 2 > text.size()) return false;
  const char a = text[at], b = text[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return false;
  value = (a - '0') * 10 + (b - '0');
  return true;
}

/// "dd.mm.yy" or "hh.mm.ss": three two-digit numbers separated by one non-digit each.
bool parse_triplet(std::string_view field, int& first, int& second, int& third) {
  if (field.size() != 8) return false;
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (is_digit(field[2]) || is_digit(field[5])) return false;
  return two_digits(field, 0, first) && two_digits(field, 3, second) && two_digits(field, 6, third);
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

/// EDF+ "Startdate dd-MMM-yyyy" in the recording field gives the four-digit year.
std::optional<int> edfplus_year(std::string_view recording, int day, int month) {
  static constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  constexpr std::string_view kPrefix = "Startdate ";
  if (recording.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view date = recording.substr(kPrefix.size(), 11);
  int parsed_day = 0;
  if (date.size() != 11 || !two_digits(date, 0, parsed_day) || date[2] != '-' || date[6] != '-') {
    return std::nullopt;
  }
  int parsed_month = 0;
  for (int m = 0; m < 12; ++m) {
    if (date.substr(3, 3) == kMonths[m]) parsed_month = m + 1;
  }
  int high = 0, low = 0;
  if (!two_digits(date, 7, high) || !two_digits(date, 9, low)) return std::nullopt;
  if (parsed_day != day || parsed_month != month) return std::nullopt;
  return high * 100 + low;
}

class HeaderParser {
 public:
  HeaderParser(int fd, const std::string& path, std::int64_t file_bytes, bool growing)
      : fd_(fd), path_(path), file_bytes_(file_bytes), growing_(growing) {}

  ParsedHeader parse() {
    RecordingInfo& info = result_.info;
    info.path = path_;
    info.file_bytes = file_bytes_;
    if (file_bytes_ < kFixedHeaderBytes) {
      throw FormatError("header", -1, file_bytes_,
                        file_bytes_ == 0 ? "empty file, not an EDF/BDF recording"
                                         : "file has " + std::to_string(file_bytes_) +
                                               " bytes, fewer than the 256-byte EDF/BDF header");
    }
    fixed_.resize(kFixedHeaderBytes);
    pread_exact(fd_, fixed_.data(), fixed_.size(), 0, path_);
    parse_version();
    parse_texts();
    parse_start();
    parse_counts();
    signals_.resize(static_cast<std::size_t>(kSignalHeaderBytes) * info.n_signals);
    pread_exact(fd_, signals_.data(), signals_.size(), kFixedHeaderBytes, path_);
    parse_signals();
    count_records();
    return std::move(result_);
  }

 private:
  std::string_view fixed_field(int offset, int size) const {
    return std::string_view(fixed_).substr(offset, size);
  }
  /// Field `field_offset` (in units of n_signals) of signal `signal`, `size` bytes wide.
  std::string_view signal_field(int field_start, int size, int signal) const {
    const std::size_t at =
        static_cast<std::size_t>(field_start) * result_.info.n_signals + std::size_t(size) * signal;
    return std::string_view(signals_).substr(at, size);
  }
  std::int64_t signal_field_offset(int field_start, int size, int signal) const {
    return kFixedHeaderBytes + std::int64_t(field_start) * result_.info.n_signals +
           std::int64_t(size) * signal;
  }
  void warn(std::string code, std::string message, int signal = -1) {
    result_.info.warnings.push_back({std::move(code), std::move(message), signal});
  }

  void parse_version() {
    const std::string_view version = fixed_field(0, 8);
    if (static_cast<unsigned char>(version[0]) == 0xFF && version.substr(1) == "BIOSEMI") {
      bdf_ = true;
    } else if (trim(version) == "0") {
      bdf_ = false;
    } else if (version[0] == '0') {
      warn("bad_version", "version field is not '0' followed by spaces; read as EDF");
    } else {
      throw FormatError("version", -1, 0,
                        "neither an EDF ('0') nor a BDF (0xFF 'BIOSEMI') version field");
    }
    result_.bytes_per_sample = bdf_ ? 3 : 2;
    const std::string_view reserved = fixed_field(192, 44);
    result_.info.reserved_raw = std::string(reserved);
    const std::string_view own = bdf_ ? "BDF+" : "EDF+";
    const std::string_view other = bdf_ ? "EDF+" : "BDF+";
    FileFormat format = bdf_ ? FileFormat::bdf : FileFormat::edf;
    if (reserved.substr(0, 4) == own && (reserved[4] == 'C' || reserved[4] == 'D')) {
      plus_ = true;
      if (reserved[4] == 'C') {
        format = bdf_ ? FileFormat::bdf_plus_c : FileFormat::edf_plus_c;
      } else {
        format = bdf_ ? FileFormat::bdf_plus_d : FileFormat::edf_plus_d;
      }
    } else if (reserved.substr(0, 4) == other) {
      // EDFlib reads such a file as the plain format of its version field; so do we.
      warn("reserved_field_mismatch", "reserved field says " + printable(reserved.substr(0, 5)) +
                                          " in a " + (bdf_ ? "BDF" : "EDF") +
                                          " file; read as plain " + (bdf_ ? "BDF" : "EDF"));
    }
    result_.info.format = format;
  }

  void parse_texts() {
    RecordingInfo& info = result_.info;
    info.patient_raw = std::string(fixed_field(8, 80));
    info.recording_raw = std::string(fixed_field(88, 80));
    bool odd = false;
    info.patient = decode_header_text(info.patient_raw, &odd);
    if (odd) warn("non_ascii_text", "patient field holds bytes outside printable ASCII");
    info.recording = decode_header_text(info.recording_raw, &odd);
    if (odd) warn("non_ascii_text", "recording field holds bytes outside printable ASCII");
  }

  void parse_start() {
    StartDateTime& start = result_.info.start;
    int day = 0, month = 0, yy = 0;
    if (parse_triplet(fixed_field(168, 8), day, month, yy) && month >= 1 && month <= 12 &&
        day >= 1) {
      int year = yy >= 85 ? 1900 + yy : 2000 + yy;
      if (plus_) {
        if (auto full = edfplus_year(result_.info.recording, day, month);
            full && *full % 100 == yy) {
          year = *full;
        }
      }
      if (day <= days_in_month(year, month)) {
        start.year = year, start.month = month, start.day = day;
      } else {
        warn("bad_date", "start date '" + quoted(fixed_field(168, 8)) +
                             "' is not a calendar date; 01.01.85 used");
      }
    } else {
      warn("bad_date",
           "start date '" + quoted(fixed_field(168, 8)) + "' is not dd.mm.yy; 01.01.85 used");
    }
    int hour = 0, minute = 0, second = 0;
    if (parse_triplet(fixed_field(176, 8), hour, minute, second) && hour < 24 && minute < 60 &&
        second < 60) {
      start.hour = hour, start.minute = minute, start.second = second;
    } else {
      warn("bad_time",
           "start time '" + quoted(fixed_field(176, 8)) + "' is not hh.mm.ss; 00:00:00 used");
    }
  }

  void parse_counts() {
    RecordingInfo& info = result_.info;
    const auto header_bytes = parse_integer(fixed_field(184, 8));
    const auto n_records = parse_integer(fixed_field(236, 8));
    const auto duration = parse_decimal_ticks(trim(fixed_field(244, 8)), false);
    const auto n_signals = parse_integer(fixed_field(252, 4));
    if (!n_signals) {
      throw FormatError("number of signals", -1, 252,
                        "'" + quoted(fixed_field(252, 4)) + "' is not an integer");
    }
    if (*n_signals <= 0) {
      throw FormatError("number of signals", -1, 252,
                        "the header declares " + std::to_string(*n_signals) + " signals");
    }
    const std::int64_t needed = kFixedHeaderBytes + kSignalHeaderBytes * *n_signals;
    if (needed > file_bytes_) {
      throw FormatError("number of signals", -1, 252,
                        std::to_string(*n_signals) + " signals need a " + std::to_string(needed) +
                            "-byte header but the file has " + std::to_string(file_bytes_) +
                            " bytes (truncated header?)");
    }
    info.n_signals = static_cast<int>(*n_signals);
    info.header_bytes = static_cast<int>(needed);
    if (!header_bytes) {
      warn("header_size_mismatch", "header size field '" + quoted(fixed_field(184, 8)) +
                                       "' is not an integer; " + std::to_string(needed) + " used");
    } else if (*header_bytes != needed) {
      info.header_bytes_field =
          static_cast<int>(std::clamp<std::int64_t>(*header_bytes, -1, 1 << 30));
      warn("header_size_mismatch", "header size field says " + std::to_string(*header_bytes) +
                                       " bytes, " + std::to_string(info.n_signals) +
                                       " signals make " + std::to_string(needed) + "; " +
                                       std::to_string(needed) + " used");
    }
    if (header_bytes && *header_bytes == needed) info.header_bytes_field = static_cast<int>(needed);
    if (!n_records) {
      throw FormatError("number of data records", -1, 236,
                        "'" + quoted(fixed_field(236, 8)) + "' is not an integer");
    }
    if (*n_records < -1) {
      throw FormatError("number of data records", -1, 236,
                        "negative record count " + std::to_string(*n_records));
    }
    info.n_records_field = *n_records;
    if (!duration || *duration < 0) {
      throw FormatError(
          "duration of a data record", -1, 244,
          "'" + quoted(fixed_field(244, 8)) + "' is not a non-negative decimal number of seconds");
    }
    info.record_duration = *duration;
  }

  void parse_signals() {
    RecordingInfo& info = result_.info;
    const int n = info.n_signals;
    result_.signals.resize(n);
    std::int64_t offset_in_record = 0;
    const std::int32_t format_min = bdf_ ? -8388608 : -32768;
    const std::int32_t format_max = bdf_ ? 8388607 : 32767;
    const std::string_view annotation_label = bdf_ ? "BDF Annotations" : "EDF Annotations";
    for (int s = 0; s < n; ++s) {
      SignalLayout& layout = result_.signals[s];
      const std::string_view label_raw = signal_field(0, 16, s);
      bool odd = false;
      const std::string label = decode_header_text(label_raw, &odd);
      const auto spr = parse_integer(signal_field(216, 8, s));
      if (!spr || *spr < 0 || *spr > std::numeric_limits<std::int32_t>::max()) {
        throw FormatError(
            "number of samples in each data record", s, signal_field_offset(216, 8, s),
            "'" + quoted(signal_field(216, 8, s)) + "' is not a non-negative integer");
      }
      layout.samples_per_record = static_cast<std::int32_t>(*spr);
      layout.offset_in_record = offset_in_record;
      offset_in_record += *spr * result_.bytes_per_sample;
      if (plus_ && trim(label_raw) == annotation_label) {
        layout.is_annotation = true;
        info.annotation_signals.push_back(s);
        if (*spr == 0) warn("zero_samples_per_record", "annotation signal has no bytes", s);
        continue;
      }
      ChannelInfo channel;
      channel.signal_index = s;
      channel.label_raw = std::string(label_raw);
      channel.label = label;
      if (odd) {
        warn("non_ascii_text",
             "label '" + quoted(label_raw) + "' holds bytes outside printable ASCII", s);
      }
      channel.transducer = decode_header_text(signal_field(16, 80, s), &odd);
      if (odd) warn("non_ascii_text", "transducer field holds bytes outside printable ASCII", s);
      channel.physical_dimension = decode_header_text(signal_field(96, 8, s), &odd);
      if (odd) warn("non_ascii_text", "physical dimension holds bytes outside printable ASCII", s);
      channel.prefilter = decode_header_text(signal_field(136, 80, s), &odd);
      if (odd) warn("non_ascii_text", "prefilter field holds bytes outside printable ASCII", s);
      channel.samples_per_record = layout.samples_per_record;
      const auto physical_min = parse_real(signal_field(104, 8, s));
      const auto physical_max = parse_real(signal_field(112, 8, s));
      const auto digital_min = parse_integer(signal_field(120, 8, s));
      const auto digital_max = parse_integer(signal_field(128, 8, s));
      auto require = [&](bool ok, const char* field, int start) {
        if (!ok) {
          throw FormatError(field, s, signal_field_offset(start, 8, s),
                            "'" + quoted(signal_field(start, 8, s)) + "' is not a number");
        }
      };
      require(physical_min.has_value(), "physical minimum", 104);
      require(physical_max.has_value(), "physical maximum", 112);
      require(digital_min && *digital_min >= std::numeric_limits<std::int32_t>::min() &&
                  *digital_min <= std::numeric_limits<std::int32_t>::max(),
              "digital minimum", 120);
      require(digital_max && *digital_max >= std::numeric_limits<std::int32_t>::min() &&
                  *digital_max <= std::numeric_limits<std::int32_t>::max(),
              "digital maximum", 128);
      channel.physical_min = *physical_min;
      channel.physical_max = *physical_max;
      channel.digital_min = static_cast<std::int32_t>(*digital_min);
      channel.digital_max = static_cast<std::int32_t>(*digital_max);
      if (channel.digital_min == channel.digital_max) {
        channel.calibrated = false;
        warn("digital_range_empty",
             "digital minimum equals digital maximum (" + std::to_string(channel.digital_min) +
                 "); physical values unavailable",
             s);
      } else if (channel.digital_min > channel.digital_max) {
        warn("digital_range_inverted", "digital minimum is above digital maximum", s);
      }
      if (channel.digital_min < format_min || channel.digital_max > format_max ||
          channel.digital_max < format_min || channel.digital_min > format_max) {
        warn("digital_range_exceeds_format",
             std::string("digital range exceeds the ") + (bdf_ ? "24" : "16") + "-bit sample range",
             s);
      }
      if (channel.physical_min == channel.physical_max) {
        channel.calibrated = false;
        warn("physical_range_empty",
             "physical minimum equals physical maximum; physical values "
             "unavailable",
             s);
      }
      if (channel.calibrated) {
        channel.gain = (channel.physical_max - channel.physical_min) /
                       (static_cast<double>(channel.digital_max) - channel.digital_min);
        channel.offset = channel.physical_min - channel.gain * channel.digital_min;
        // Finite limits can still overflow: 1e308 and -1e308 give an infinite gain and NaN
        // physical values for half of the digital range.
        if (!std::isfinite(channel.gain) || !std::isfinite(channel.offset)) {
          channel.calibrated = false;
          warn("calibration_not_finite",
               "physical range " + quoted(signal_field(104, 8, s)) + " .. " +
                   quoted(signal_field(112, 8, s)) +
                   " overflows the calibration; physical values unavailable",
               s);
        }
      }
      if (!channel.calibrated) {
        channel.gain = std::numeric_limits<double>::quiet_NaN();
        channel.offset = std::numeric_limits<double>::quiet_NaN();
      }
      channel.usable = channel.calibrated;
      if (channel.label.empty() || channel.label == "-") {
        channel.usable = false;
        warn("dummy_channel",
             "channel labelled '" + printable(channel.label) + "' is a placeholder", s);
      }
      if (channel.samples_per_record == 0) {
        channel.usable = false;
        warn("zero_samples_per_record", "channel has no samples", s);
      }
      if (bdf_) {
        std::string lower;
        for (char c : channel.label) lower.push_back(static_cast<char>(std::tolower(c)));
        channel.is_bdf_status = lower == "status";
      }
      for (const ChannelInfo& other : info.channels) {
        if (other.label == channel.label && !channel.label.empty() && channel.label != "-") {
          warn("duplicate_label",
               "label '" + printable(channel.label) + "' is also used by signal " +
                   std::to_string(other.signal_index),
               s);
          break;
        }
      }
      info.channels.push_back(std::move(channel));
    }
    info.record_bytes = offset_in_record;
    if (plus_ && info.annotation_signals.empty()) {
      warn("missing_annotation_signal",
           std::string(to_string(info.format)) + " file without an annotation signal");
    }
  }

  void count_records() {
    RecordingInfo& info = result_.info;
    const std::int64_t data_bytes = file_bytes_ - info.header_bytes;
    const std::int64_t record_bytes = info.record_bytes;
    bool any_data_samples = false;
    for (const ChannelInfo& channel : info.channels) {
      if (channel.samples_per_record > 0) any_data_samples = true;
    }
    if (any_data_samples && info.record_duration == 0) {
      throw FormatError("duration of a data record", -1, 244,
                        "record duration is 0 but data signals have samples");
    }
    if (record_bytes == 0) {
      if (data_bytes > 0 || info.n_records_field != 0) {
        throw FormatError("number of samples in each data record", -1,
                          signal_field_offset(216, 8, 0),
                          "every signal has 0 samples per record, so records have no size");
      }
      info.n_records = 0;
      return;
    }
    if (record_bytes > data_bytes && info.n_records_field != 0 && !growing_) {
      // Name the signal that makes the record too large: the largest one.
      int largest = 0;
      for (int s = 1; s < info.n_signals; ++s) {
        if (result_.signals[s].samples_per_record > result_.signals[largest].samples_per_record) {
          largest = s;
        }
      }
      throw FormatError(
          "number of samples in each data record", largest, signal_field_offset(216, 8, largest),
          "one data record needs " + std::to_string(record_bytes) +
              " bytes but the file holds only " + std::to_string(data_bytes) + " bytes of data");
    }
    const std::int64_t complete = data_bytes / record_bytes;
    if (info.record_duration > 0 &&
        complete > std::numeric_limits<std::int64_t>::max() / 4 / info.record_duration) {
      throw FormatError("duration of a data record", -1, 244,
                        std::to_string(complete) +
                            " records of this duration exceed the "
                            "representable time span");
    }
    const std::int64_t leftover = data_bytes % record_bytes;
    if (growing_) {
      // The count field of a file being written is -1 or lags behind, and the last record may be
      // half written: only the complete records count, and nothing here is damage.
      info.n_records = complete;
    } else if (info.n_records_field == -1) {
      info.n_records = complete;
      warn("record_count_unknown", "number of data records is -1; " + std::to_string(complete) +
                                       " complete records in the file");
      if (leftover > 0) {
        warn("trailing_bytes", std::to_string(leftover) +
                                   " bytes after the last complete record "
                                   "ignored");
      }
    } else if (info.n_records_field > complete) {
      info.n_records = complete;
      warn("truncated_data",
           "header declares " + std::to_string(info.n_records_field) +
               " records but the file holds " + std::to_string(complete) + " complete records" +
               (leftover > 0 ? " and " + std::to_string(leftover) + " bytes of a truncated record"
                             : std::string()));
    } else {
      info.n_records = info.n_records_field;
      const std::int64_t extra = data_bytes - info.n_records * record_bytes;
      if (extra > 0) {
        warn("trailing_bytes", std::to_string(extra) +
                                   " bytes after the last declared record "
                                   "ignored");
      }
    }
    for (ChannelInfo& channel : info.channels) {
      channel.n_samples = info.n_records * channel.samples_per_record;
      if (info.record_duration > 0) {
        channel.sfreq = static_cast<double>(channel.samples_per_record) *
                        static_cast<double>(kTicksPerSecond) /
                        static_cast<double>(info.record_duration);
      }
    }
  }

  int fd_;
  const std::string& path_;
  std::int64_t file_bytes_;
  bool growing_;
  std::string fixed_;
  std::string signals_;
  bool bdf_ = false;
  bool plus_ = false;
  ParsedHeader result_;
};

}  // namespace

void pread_exact(int fd, void* buffer, std::size_t size, std::int64_t offset,
                 const std::string& path) {
  auto* bytes = static_cast<unsigned char*>(buffer);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = ::pread(fd, bytes + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw IoError(path, std::string("read failed at byte ") + std::to_string(offset + done) +
                              " (" + std::strerror(errno) + ")");
    }
    if (got == 0) {
      throw IoError(path, "file ended at byte " + std::to_string(offset + done) + ", expected " +
                              std::to_string(offset + size) + " (file shrank while open?)");
    }
    done += static_cast<std::size_t>(got);
  }
}

ParsedHeader parse_header(int fd, const std::string& path, std::int64_t file_bytes, bool growing) {
  return HeaderParser(fd, path, file_bytes, growing).parse();
}

}  // namespace ictaltrack::detail
