// detect_file and detect_samples: one assembly (channel selection by kind and rate, mains
// frequency decision, gaps, chunked feeding of SeizureDetector, mapping of the results back to
// the source's channels and true times) over two kinds of source: an EDF/BDF file read in chunks
// and samples already in memory.
#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "detect/detector_access.hpp"
#include "detect/goertzel.hpp"
#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/errors.hpp"

namespace ictaltrack {
namespace {

// Samples read per channel per step: 64 s at 256 Hz fills the detector's parallel step (8 blocks
// of 4096) and keeps the read buffers small (19 channels: 1.2 MB of float32 each).
constexpr double kChunkSeconds = 64.0;
constexpr double kLineProbeSeconds = 30.0;  // data used to decide between 50 and 60 Hz mains

// Mean Goertzel power at `hz` over the whole 1 s blocks of one channel (non-finite samples
// count as 0).
double tone_power(const std::vector<double>& x, std::size_t offset, std::size_t count, double hz,
                  double sfreq) {
  detail::BlockGoertzel tone(hz, sfreq);
  for (std::size_t i = 0; i < count; ++i) {
    const double v = x[offset + i];
    tone.push(std::isfinite(v) ? v : 0.0);
  }
  return tone.mean_power();
}

// One channel of a source as the assembly sees it.
struct SourceChannel {
  std::string label;
  double sfreq = 0.0;
  bool readable = true;  ///< usable and calibrated
  std::int64_t n_samples = 0;
  int signal_index = -1;  ///< reported in warnings
  /// The source's own typing of the channel; ChannelKind::unknown: the label decides.
  ChannelKind kind = ChannelKind::unknown;
  bool marked_bad = false;  ///< bad by the source's own account (e.g. MNE's info["bads"])
};

// A contiguous stretch of the analysed channels' samples and where it lies in true time.
struct SourceSegment {
  std::int64_t first = 0;  // sample index
  std::int64_t count = 0;
  Ticks onset = 0;  // true time of its first sample
  Ticks end = 0;    // true time where its data ends
};

// Where the assembly gets samples and times from: a file or memory.
class SampleSource {
 public:
  virtual ~SampleSource() = default;
  /// Samples [first, first + count) of `channels` in microvolts, channel c at out[c * stride].
  virtual void read(const std::vector<int>& channels, std::int64_t first, std::int64_t count,
                    double* out, std::int64_t stride) const = 0;
  virtual void read(const std::vector<int>& channels, std::int64_t first, std::int64_t count,
                    float* out, std::int64_t stride) const = 0;
  /// Contiguous segments of `channel`'s samples, in time order.
  virtual std::vector<SourceSegment> segments(int channel) const = 0;
  /// True time of sample `sample` (< n_samples) of `channel`.
  virtual Ticks sample_time(int channel, std::int64_t sample) const = 0;
  /// Where gaps come from, for the warning (e.g. " (EDF+D)"; empty: not said).
  virtual std::string gap_origin() const { return {}; }
};

// 60 Hz when the mains tone at 60 Hz clearly dominates the one at 50 Hz in the first seconds,
// else 50 Hz (the common case, and the answer when neither is present).
double guess_line_frequency(const SampleSource& source, const std::vector<int>& channels,
                            double sfreq, std::int64_t n_samples) {
  if (sfreq / 2.0 <= 62.0 || channels.empty()) return sfreq / 2.0 > 52.0 ? 50.0 : 0.0;
  const auto count = static_cast<std::size_t>(
      std::min<std::int64_t>(n_samples, std::llround(kLineProbeSeconds * sfreq)));
  if (count == 0) return 50.0;
  std::vector<double> data(channels.size() * count);
  source.read(channels, 0, static_cast<std::int64_t>(count), data.data(),
              static_cast<std::int64_t>(count));
  double p50 = 0.0, p60 = 0.0;
  for (std::size_t c = 0; c < channels.size(); ++c) {
    p50 += tone_power(data, c * count, count, 50.0, sfreq);
    p60 += tone_power(data, c * count, count, 60.0, sfreq);
  }
  return p60 > 4.0 * p50 ? 60.0 : 50.0;
}

// A stretch of samples the detector takes in one push, never across a gap of the recording.
struct ChunkSpan {
  std::int64_t first = 0;  // file sample index
  std::int64_t count = 0;
  bool after_gap = false;  // the first chunk of a segment other than the first
};

// The chunks of every contiguous segment (`segments` as sample ranges [first, first + count)),
// each segment cut into chunks of at most `chunk` samples from its start.
std::vector<ChunkSpan> chunk_spans(const std::vector<SourceSegment>& segments, std::int64_t chunk) {
  std::vector<ChunkSpan> spans;
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const auto [first, count, onset, end] = segments[s];
    for (std::int64_t offset = 0; offset < count; offset += chunk) {
      spans.push_back({first + offset, std::min(chunk, count - offset), s > 0 && offset == 0});
    }
  }
  return spans;
}

// Successive chunks of the selected channels (float32, channel-major, `width` samples per row),
// in two buffers: the detector works on one while the next is read into the other. The next chunk
// is read in kParts pieces of time inside the detector's parallel step (the `alongside` of
// detail::DetectorAccess::push), each taken by whichever thread has finished its share of the
// channels, so the reading fills idle time and no reading thread competes for the cores
// (docs/performance.md). A read error is rethrown by next() for the chunk it concerns, as a plain
// read-then-detect loop would.
class ChunkSource {
 public:
  static constexpr std::size_t kParts = 8;

  ChunkSource(const SampleSource& reader, const std::vector<int>& channels,
              std::vector<ChunkSpan> spans, std::int64_t width)
      : reader_(reader), channels_(channels), spans_(std::move(spans)), width_(width) {
    for (auto& buffer : buffers_) {  // 2 x 19 channels x 64 s x 256 Hz x 4 B = 2.5 MB
      buffer.resize(channels.size() * static_cast<std::size_t>(width));
    }
  }
  ChunkSource(const ChunkSource&) = delete;
  ChunkSource& operator=(const ChunkSource&) = delete;

  const std::vector<ChunkSpan>& spans() const noexcept { return spans_; }
  /// The next chunk's samples (read now unless it was read ahead); valid until the following
  /// next().
  const float* next() {
    const std::size_t index = taken_++;
    auto& buffer = buffers_[index % 2];
    if (ahead_ == static_cast<std::int64_t>(index)) {
      ahead_ = -1;
      for (auto& error : part_errors_) {
        if (error) std::rethrow_exception(std::exchange(error, nullptr));
      }
    } else {
      read(index, 0, spans_[index].count, buffer);
    }
    return buffer.data();
  }
  /// Parts in which to read the chunk after the one next() returned last (0: there is none).
  std::size_t begin_read_ahead() {
    if (taken_ >= spans_.size()) return 0;
    ahead_ = static_cast<std::int64_t>(taken_);
    return kParts;
  }
  /// Reads part `part` of that chunk; may run concurrently with other parts. Errors are kept
  /// for next().
  void read_ahead(std::size_t part) {
    const auto index = static_cast<std::size_t>(ahead_);
    const std::int64_t count = spans_[index].count;
    const auto parts = static_cast<std::int64_t>(kParts);
    const std::int64_t from = count * static_cast<std::int64_t>(part) / parts;
    const std::int64_t to = count * static_cast<std::int64_t>(part + 1) / parts;
    try {
      read(index, from, to - from, buffers_[index % 2]);
    } catch (...) {
      part_errors_[part] = std::current_exception();
    }
  }

 private:
  // Samples [from, from + count) of chunk `index` into the same columns of `buffer`.
  void read(std::size_t index, std::int64_t from, std::int64_t count,
            std::vector<float>& buffer) const {
    if (count <= 0) return;
    reader_.read(channels_, spans_[index].first + from, count, buffer.data() + from, width_);
  }

  const SampleSource& reader_;
  const std::vector<int>& channels_;
  std::vector<ChunkSpan> spans_;
  std::int64_t width_;
  std::vector<float> buffers_[2];
  std::size_t taken_ = 0;
  std::int64_t ahead_ = -1;  // index of the chunk being read ahead, if any
  std::exception_ptr part_errors_[kParts];
};

std::string seconds_text(Ticks ticks) {
  std::ostringstream text;
  text << ticks_to_seconds(ticks);
  return text.str();
}

// Ticks from a segment's first sample to sample `offset` of it: offset / sfreq, floored, as
// EdfReader::sample_time places samples inside a record (so that an EDF's samples get the same
// times whether they come from the file or from memory).
Ticks offset_ticks(std::int64_t offset, double sfreq) {
  const long double exact = static_cast<long double>(offset) *
                            static_cast<long double>(kTicksPerSecond) /
                            static_cast<long double>(sfreq);
  return static_cast<Ticks>(std::floor(exact + 1e-6L));  // 1e-6 tick: rounding of the division
}

// The assembly shared by every source: selects the EEG channels sharing the most common rate,
// decides the mains frequency, feeds the detector segment by segment and maps its results back
// to the source's channels and true times. `output` arrives with file, duration, start and the
// source's warnings filled in.
DetectionOutput run_detection(DetectionOutput output,
                              const std::vector<SourceChannel>& source_channels,
                              const SampleSource& source, const DetectorOptions& params,
                              const ProgressCallback& progress) {
  std::vector<std::string> labels;
  for (const auto& channel : source_channels) labels.push_back(channel.label);
  const auto parsed = parse_labels(labels);
  output.channels.resize(labels.size());
  for (std::size_t c = 0; c < labels.size(); ++c) {
    output.channels[c].label = labels[c];
    output.channels[c].meaning = parsed[c];
    if (source_channels[c].kind != ChannelKind::unknown) {
      output.channels[c].meaning.kind = source_channels[c].kind;
    }
  }
  auto is_eeg = [&](std::size_t c) { return output.channels[c].meaning.kind == ChannelKind::eeg; };

  // EEG channels that can be read; the detector runs on those sharing the most common rate.
  std::map<double, int> rate_counts;
  for (std::size_t c = 0; c < labels.size(); ++c) {
    const auto& channel = source_channels[c];
    if (!is_eeg(c)) continue;
    if (!channel.readable || channel.sfreq <= 0) {
      output.channels[c].bad = true;
      output.channels[c].bad_reason = "not usable (dummy or uncalibrated)";
      continue;
    }
    if (channel.marked_bad) {
      output.channels[c].bad = true;
      output.channels[c].bad_reason = "marked bad in the source";
      continue;
    }
    ++rate_counts[channel.sfreq];
  }
  double sfreq = 0.0;
  int best_count = 0;
  for (const auto& [rate, count] : rate_counts) {
    if (count >= best_count) {
      best_count = count;
      sfreq = rate;
    }
  }
  std::vector<int> selected;
  std::vector<std::string> selected_labels;
  for (std::size_t c = 0; c < labels.size(); ++c) {
    if (!is_eeg(c) || output.channels[c].bad) continue;
    if (source_channels[c].sfreq != sfreq) {
      output.channels[c].bad = true;
      output.channels[c].bad_reason = "sample rate differs from the other EEG channels";
      output.warnings.push_back({"other_sample_rate",
                                 "channel '" + labels[c] +
                                     "' left out: its sample rate differs "
                                     "from the other EEG channels'",
                                 source_channels[c].signal_index});
      continue;
    }
    selected.push_back(static_cast<int>(c));
    selected_labels.push_back(labels[c]);
  }
  if (selected.empty()) {
    output.warnings.push_back(
        {"no_eeg_channels", "no readable EEG channel in this recording; nothing is detected", -1});
    return output;
  }
  const int time_channel = selected[0];
  const std::int64_t n_samples = source_channels[static_cast<std::size_t>(time_channel)].n_samples;

  DetectorOptions used = params;
  if (params.line_frequency_hz == 0) {
    used.line_frequency_hz = guess_line_frequency(source, selected, sfreq, n_samples);
    if (used.line_frequency_hz == 0) used.line_frequency_hz = -1;
  }
  output.line_frequency_hz = used.line_frequency_hz > 0 && used.line_frequency_hz < sfreq / 2
                                 ? used.line_frequency_hz
                                 : 0.0;
  // Contiguous segments (one unless the source has gaps, e.g. EDF+D records) as sample ranges of
  // the channels analysed; the detector is told of each gap, so it never treats the data as
  // contiguous.
  const std::vector<SourceSegment> segments = source.segments(time_channel);
  for (std::size_t s = 1; s < segments.size(); ++s) {
    if (segments[s].onset > segments[s - 1].end) {
      output.gaps.push_back({segments[s - 1].end, segments[s].onset - segments[s - 1].end});
    }
  }
  if (segments.size() > 1) {
    std::string listed;
    for (const auto& gap : output.gaps) {
      listed += (listed.empty() ? "" : ", ") + seconds_text(gap.duration) + " s at " +
                seconds_text(gap.onset) + " s";
    }
    output.warnings.push_back(
        {"gaps",
         "the recording has " + std::to_string(segments.size() - 1) +
             (segments.size() == 2 ? " gap" : " gaps") + source.gap_origin() +
             (listed.empty() ? "" : ": " + listed) +
             "; each segment is analysed on its own (no event spans a gap), the baseline "
             "carries over",
         -1});
  }

  SeizureDetector detector(sfreq, selected_labels, used);
  const auto chunk = static_cast<std::int64_t>(std::max(1.0, std::round(kChunkSeconds * sfreq)));
  ChunkSource chunks(source, selected, chunk_spans(segments, chunk), chunk);
  const std::function<void(std::size_t)> read_ahead = [&chunks](std::size_t part) {
    chunks.read_ahead(part);
  };
  std::vector<StreamSeizure> found;
  std::vector<OnsetAlarm> alarms;
  auto take = [&] {
    auto done = detector.take_seizures();
    found.insert(found.end(), done.begin(), done.end());
    auto raised = detector.take_alarms();
    alarms.insert(alarms.end(), raised.begin(), raised.end());
  };
  for (const auto& span : chunks.spans()) {
    if (span.after_gap) detector.mark_gap();
    const float* samples = chunks.next();
    detail::DetectorAccess::push(detector, samples, static_cast<std::size_t>(span.count),
                                 static_cast<std::size_t>(chunk), read_ahead,
                                 chunks.begin_read_ahead());
    take();
    const double fraction =
        static_cast<double>(span.first + span.count) / static_cast<double>(n_samples);
    if (progress && !progress(fraction)) throw Error("cancelled");
  }
  detector.finish();
  take();
  std::stable_sort(found.begin(), found.end(), [](const StreamSeizure& a, const StreamSeizure& b) {
    return a.onset_sample < b.onset_sample;
  });

  output.analysed =
      static_cast<Ticks>(std::llround(static_cast<double>(detector.samples_analysed()) *
                                      static_cast<double>(kTicksPerSecond) / sfreq));

  // Map detector channels back to source channels and sample indices to true times.
  auto time_of = [&](std::int64_t sample) {
    return source.sample_time(time_channel, std::clamp<std::int64_t>(sample, 0, n_samples - 1)) +
           (sample >= n_samples
                ? static_cast<Ticks>(std::llround(static_cast<double>(sample - n_samples + 1) *
                                                  static_cast<double>(kTicksPerSecond) / sfreq))
                : 0);
  };
  // An offset is an end: the first sample of a segment as an end is where the segment before
  // it ends, not the time after the gap.
  auto end_time_of = [&](std::int64_t sample) {
    for (std::size_t s = 1; s < segments.size(); ++s) {
      if (sample == segments[s].first) return segments[s - 1].end;
    }
    return time_of(sample);
  };
  for (std::size_t i = 0; i < selected.size(); ++i) {
    const auto& channel = detector.channels()[i];
    auto& target = output.channels[static_cast<std::size_t>(selected[i])];
    target.bad = channel.bad;
    target.bad_reason = channel.bad_reason;
  }
  for (auto warning : detector.warnings()) {
    if (warning.signal >= 0) {
      warning.signal = source_channels[static_cast<std::size_t>(
                                           selected[static_cast<std::size_t>(warning.signal)])]
                           .signal_index;
    }
    output.warnings.push_back(std::move(warning));
  }
  for (auto& item : found) {
    Seizure seizure = std::move(item.seizure);
    seizure.onset = time_of(item.onset_sample);
    seizure.offset = std::max(
        seizure.onset + 1,
        std::min(end_time_of(item.offset_sample), std::max(output.duration, seizure.onset + 1)));
    for (auto& onset : seizure.channel_onsets) {
      const auto sample =
          static_cast<std::int64_t>(std::llround(ticks_to_seconds(onset.onset) * sfreq));
      onset.onset = time_of(sample);
      onset.channel = selected[static_cast<std::size_t>(onset.channel)];
    }
    output.seizures.push_back(std::move(seizure));
  }
  // Alarms keep their stream sample indices, which are the time channel's sample indices.
  for (auto& alarm : alarms) {
    alarm.raised = end_time_of(alarm.raised_sample);
    alarm.onset = time_of(alarm.onset_sample);
    for (auto& channel : alarm.onset_channels) {
      channel = selected[static_cast<std::size_t>(channel)];
    }
    output.alarms.push_back(std::move(alarm));
  }
  if (progress) progress(1.0);
  return output;
}

// An EDF/BDF file: physical values through EdfReader (float32 for the detector, as read).
class FileSource final : public SampleSource {
 public:
  explicit FileSource(const EdfReader& reader) : reader_(reader) {}
  void read(const std::vector<int>& channels, std::int64_t first, std::int64_t count, double* out,
            std::int64_t stride) const override {
    reader_.read_physical(channels, first, count, out, stride);
  }
  void read(const std::vector<int>& channels, std::int64_t first, std::int64_t count, float* out,
            std::int64_t stride) const override {
    reader_.read_physical(channels, first, count, out, stride);
  }
  std::vector<SourceSegment> segments(int channel) const override {
    const auto& info = reader_.info();
    const std::int64_t per_record =
        info.channels[static_cast<std::size_t>(channel)].samples_per_record;
    std::vector<SourceSegment> out;
    for (const auto& segment : reader_.segments()) {
      out.push_back({segment.first_record * per_record, segment.n_records * per_record,
                     segment.onset, segment.onset + segment.n_records * info.record_duration});
    }
    return out;
  }
  Ticks sample_time(int channel, std::int64_t sample) const override {
    return reader_.sample_time(channel, sample);
  }
  std::string gap_origin() const override { return " (EDF+D)"; }

 private:
  const EdfReader& reader_;
};

// Equally sampled channels in memory (float32 microvolts, rows `stride` apart), with the gaps
// the caller reports.
class MemorySource final : public SampleSource {
 public:
  MemorySource(const float* data, std::int64_t n_samples, std::int64_t stride, double sfreq,
               const std::vector<SampleGap>& gaps)
      : data_(data), stride_(stride), sfreq_(sfreq) {
    std::int64_t first = 0;
    Ticks onset = 0;
    for (const auto& gap : gaps) {
      if (gap.sample <= first || gap.sample >= n_samples) {
        throw std::invalid_argument("gap at sample " + std::to_string(gap.sample) +
                                    " is not inside the samples, after the previous gap");
      }
      if (gap.duration <= 0) throw std::invalid_argument("gap duration must be > 0");
      segments_.push_back(
          {first, gap.sample - first, onset, onset + offset_ticks(gap.sample - first, sfreq)});
      onset = segments_.back().end + gap.duration;
      first = gap.sample;
    }
    segments_.push_back(
        {first, n_samples - first, onset, onset + offset_ticks(n_samples - first, sfreq)});
  }
  Ticks end() const { return segments_.back().end; }
  void read(const std::vector<int>& channels, std::int64_t first, std::int64_t count, double* out,
            std::int64_t stride) const override {
    copy(channels, first, count, out, stride);
  }
  void read(const std::vector<int>& channels, std::int64_t first, std::int64_t count, float* out,
            std::int64_t stride) const override {
    copy(channels, first, count, out, stride);
  }
  std::vector<SourceSegment> segments(int /*channel*/) const override { return segments_; }
  Ticks sample_time(int /*channel*/, std::int64_t sample) const override {
    std::size_t s = segments_.size() - 1;
    while (s > 0 && segments_[s].first > sample) --s;
    return segments_[s].onset + offset_ticks(sample - segments_[s].first, sfreq_);
  }

 private:
  template <typename T>
  void copy(const std::vector<int>& channels, std::int64_t first, std::int64_t count, T* out,
            std::int64_t stride) const {
    for (std::size_t c = 0; c < channels.size(); ++c) {
      const float* row = data_ + static_cast<std::int64_t>(channels[c]) * stride_ + first;
      std::copy(row, row + count, out + static_cast<std::int64_t>(c) * stride);
    }
  }

  const float* data_;
  std::int64_t stride_;
  double sfreq_;
  std::vector<SourceSegment> segments_;
};

}  // namespace

DetectionOutput detect_file(const std::string& path, const DetectorOptions& params,
                            const ProgressCallback& progress) {
  // Annotations are not needed for detection: without them, opening a continuous file reads
  // only the first record's time-keeping TAL instead of every record's (85 ms of a 24 h file,
  // all of it before the threads start). EDF+D record onsets are still read.
  ReaderOptions reader_options;
  reader_options.read_annotations = false;
  EdfReader reader(path, reader_options);
  const auto& info = reader.info();
  DetectionOutput output;
  output.file = path;
  output.duration = info.duration();
  output.start = info.start;
  output.warnings = info.warnings;
  std::vector<SourceChannel> channels;
  for (const auto& channel : info.channels) {
    channels.push_back({channel.label, channel.sfreq, channel.usable && channel.calibrated,
                        channel.n_samples, channel.signal_index});
  }
  return run_detection(std::move(output), channels, FileSource(reader), params, progress);
}

DetectionOutput detect_samples(const std::vector<std::string>& labels, double sfreq,
                               const float* data, std::size_t n_samples, std::size_t row_stride,
                               const DetectorOptions& params, const SampleSourceInfo& source_info,
                               const ProgressCallback& progress) {
  if (!(sfreq > 0) || !std::isfinite(sfreq)) {
    throw std::invalid_argument("sfreq must be a positive number");
  }
  if (n_samples > 0 && row_stride < n_samples) {
    throw std::invalid_argument("row_stride < n_samples");
  }
  if (n_samples > 0 && !labels.empty() && data == nullptr) {
    throw std::invalid_argument("no samples given");
  }
  auto check_size = [&](std::size_t size, const char* what) {
    if (size != 0 && size != labels.size()) {
      throw std::invalid_argument(std::string(what) + " has " + std::to_string(size) +
                                  " entries for " + std::to_string(labels.size()) + " channels");
    }
  };
  check_size(source_info.bad.size(), "bad");
  check_size(source_info.kinds.size(), "kinds");
  const auto count = static_cast<std::int64_t>(n_samples);
  const MemorySource source(data, count, static_cast<std::int64_t>(row_stride), sfreq,
                            count > 0 ? source_info.gaps : std::vector<SampleGap>{});
  DetectionOutput output;
  output.file = source_info.name;
  output.start = source_info.start;
  output.duration = source.end();
  std::vector<SourceChannel> channels;
  for (std::size_t c = 0; c < labels.size(); ++c) {
    SourceChannel channel{labels[c], sfreq, true, count, static_cast<int>(c)};
    if (!source_info.kinds.empty()) channel.kind = source_info.kinds[c];
    if (!source_info.bad.empty()) channel.marked_bad = source_info.bad[c];
    channels.push_back(std::move(channel));
  }
  return run_detection(std::move(output), channels, source, params, progress);
}

}  // namespace ictaltrack
