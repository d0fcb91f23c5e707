// detect_file and detect_samples: one assembly (channel selection by kind and rate, mains
// frequency decision, gaps, chunked feeding of SeizureDetector, mapping of the results back to
// the source's channels and true times) over two kinds of source: an EDF/BDF file read in chunks
// and samples already in memory.
#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
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

// The EEG channels the detector runs on: readable, not marked bad, sharing the most common rate.
struct ChannelSelection {
  std::vector<int> selected;  // source channel indices
  std::vector<std::string> labels;
  double sfreq = 0.0;
  int time_channel() const { return selected.front(); }
};

// Fills `output.channels` (labels, meanings, channels left out and why) and warns of channels
// left out for their rate, or of no EEG channel at all (then the selection is empty).
ChannelSelection select_channels(DetectionOutput& output,
                                 const std::vector<SourceChannel>& source_channels) {
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
  ChannelSelection selection;
  int best_count = 0;
  for (const auto& [rate, count] : rate_counts) {
    if (count >= best_count) {
      best_count = count;
      selection.sfreq = rate;
    }
  }
  for (std::size_t c = 0; c < labels.size(); ++c) {
    if (!is_eeg(c) || output.channels[c].bad) continue;
    if (source_channels[c].sfreq != selection.sfreq) {
      output.channels[c].bad = true;
      output.channels[c].bad_reason = "sample rate differs from the other EEG channels";
      output.warnings.push_back({"other_sample_rate",
                                 "channel '" + labels[c] +
                                     "' left out: its sample rate differs "
                                     "from the other EEG channels'",
                                 source_channels[c].signal_index});
      continue;
    }
    selection.selected.push_back(static_cast<int>(c));
    selection.labels.push_back(labels[c]);
  }
  if (selection.selected.empty()) {
    output.warnings.push_back(
        {"no_eeg_channels", "no readable EEG channel in this recording; nothing is detected", -1});
  }
  return selection;
}

// Whether the mains decision reads the first 30 s of data (else it needs none).
bool mains_needs_data(const DetectorOptions& params, double sfreq) {
  return params.line_frequency_hz == 0 && sfreq / 2.0 > 62.0;
}

// The detector options with the mains frequency decided (from the first samples when the
// parameter leaves it open) and the frequency notched as the output reports it (0: none).
std::pair<DetectorOptions, double> decide_mains(const DetectorOptions& params,
                                                const SampleSource& source,
                                                const ChannelSelection& selection,
                                                std::int64_t n_samples) {
  DetectorOptions used = params;
  if (params.line_frequency_hz == 0) {
    used.line_frequency_hz =
        guess_line_frequency(source, selection.selected, selection.sfreq, n_samples);
    if (used.line_frequency_hz == 0) used.line_frequency_hz = -1;
  }
  const double notched = used.line_frequency_hz > 0 && used.line_frequency_hz < selection.sfreq / 2
                             ? used.line_frequency_hz
                             : 0.0;
  return {used, notched};
}

// Lists the gaps between `segments` in the output, with a warning when there are any.
void report_gaps(DetectionOutput& output, const std::vector<SourceSegment>& segments,
                 const std::string& origin) {
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
             (segments.size() == 2 ? " gap" : " gaps") + origin +
             (listed.empty() ? "" : ": " + listed) +
             "; each segment is analysed on its own (no event spans a gap), the baseline "
             "carries over",
         -1});
  }
}

// Maps the detector's stream samples and channel indices back to the source's true times and
// channels, for the source as it is when the mapper is made (`n_samples` samples of the time
// channel in `segments`, data ending at `duration`).
class SeizureMapper {
 public:
  SeizureMapper(const SampleSource& source, const ChannelSelection& selection,
                std::vector<SourceSegment> segments, std::int64_t n_samples, Ticks duration)
      : source_(source),
        selection_(selection),
        segments_(std::move(segments)),
        n_samples_(n_samples),
        duration_(duration) {}

  Seizure map(StreamSeizure item) const {
    Seizure seizure = std::move(item.seizure);
    seizure.onset = time_of(item.onset_sample);
    seizure.offset = std::max(seizure.onset + 1, std::min(end_time_of(item.offset_sample),
                                                          std::max(duration_, seizure.onset + 1)));
    for (auto& onset : seizure.channel_onsets) {
      const auto sample =
          static_cast<std::int64_t>(std::llround(ticks_to_seconds(onset.onset) * selection_.sfreq));
      onset.onset = time_of(sample);
      onset.channel = selection_.selected[static_cast<std::size_t>(onset.channel)];
    }
    return seizure;
  }

  // Alarms keep their stream sample indices, which are the time channel's sample indices.
  OnsetAlarm map(OnsetAlarm alarm) const {
    alarm.raised = end_time_of(alarm.raised_sample);
    alarm.onset = time_of(alarm.onset_sample);
    for (auto& channel : alarm.onset_channels) {
      channel = selection_.selected[static_cast<std::size_t>(channel)];
    }
    return alarm;
  }

 private:
  Ticks time_of(std::int64_t sample) const {
    return source_.sample_time(selection_.time_channel(),
                               std::clamp<std::int64_t>(sample, 0, n_samples_ - 1)) +
           (sample >= n_samples_ ? static_cast<Ticks>(std::llround(
                                       static_cast<double>(sample - n_samples_ + 1) *
                                       static_cast<double>(kTicksPerSecond) / selection_.sfreq))
                                 : 0);
  }
  // An offset is an end: the first sample of a segment as an end is where the segment before
  // it ends, not the time after the gap.
  Ticks end_time_of(std::int64_t sample) const {
    for (std::size_t s = 1; s < segments_.size(); ++s) {
      if (sample == segments_[s].first) return segments_[s - 1].end;
    }
    return time_of(sample);
  }

  const SampleSource& source_;
  const ChannelSelection& selection_;
  std::vector<SourceSegment> segments_;
  std::int64_t n_samples_;
  Ticks duration_;
};

// The end of every run once the detector has seen all samples and finished: orders the seizures
// `found` (in the order the detector gave them), maps them, the onset alarms `raised` (in the
// order they were raised) and the detector's channels and warnings back to the source.
void complete_output(DetectionOutput& output, const std::vector<SourceChannel>& source_channels,
                     const ChannelSelection& selection, const SeizureMapper& mapper,
                     const SeizureDetector& detector, std::vector<StreamSeizure> found,
                     std::vector<OnsetAlarm> raised) {
  std::stable_sort(found.begin(), found.end(), [](const StreamSeizure& a, const StreamSeizure& b) {
    return a.onset_sample < b.onset_sample;
  });
  output.analysed =
      static_cast<Ticks>(std::llround(static_cast<double>(detector.samples_analysed()) *
                                      static_cast<double>(kTicksPerSecond) / selection.sfreq));
  for (std::size_t i = 0; i < selection.selected.size(); ++i) {
    const auto& channel = detector.channels()[i];
    auto& target = output.channels[static_cast<std::size_t>(selection.selected[i])];
    target.bad = channel.bad;
    target.bad_reason = channel.bad_reason;
  }
  for (auto warning : detector.warnings()) {
    if (warning.signal >= 0) {
      warning.signal =
          source_channels[static_cast<std::size_t>(
                              selection.selected[static_cast<std::size_t>(warning.signal)])]
              .signal_index;
    }
    output.warnings.push_back(std::move(warning));
  }
  for (auto& item : found) output.seizures.push_back(mapper.map(std::move(item)));
  for (auto& alarm : raised) output.alarms.push_back(mapper.map(std::move(alarm)));
}

// The assembly shared by every source: selects the EEG channels sharing the most common rate,
// decides the mains frequency, feeds the detector segment by segment and maps its results back
// to the source's channels and true times. `output` arrives with file, duration, start and the
// source's warnings filled in.
DetectionOutput run_detection(DetectionOutput output,
                              const std::vector<SourceChannel>& source_channels,
                              const SampleSource& source, const DetectorOptions& params,
                              const ProgressCallback& progress) {
  const ChannelSelection selection = select_channels(output, source_channels);
  if (selection.selected.empty()) return output;
  const double sfreq = selection.sfreq;
  const std::int64_t n_samples =
      source_channels[static_cast<std::size_t>(selection.time_channel())].n_samples;

  const auto [used, notched] = decide_mains(params, source, selection, n_samples);
  output.line_frequency_hz = notched;
  // Contiguous segments (one unless the source has gaps, e.g. EDF+D records) as sample ranges of
  // the channels analysed; the detector is told of each gap, so it never treats the data as
  // contiguous.
  const std::vector<SourceSegment> segments = source.segments(selection.time_channel());
  report_gaps(output, segments, source.gap_origin());

  SeizureDetector detector(sfreq, selection.labels, used);
  const auto chunk = static_cast<std::int64_t>(std::max(1.0, std::round(kChunkSeconds * sfreq)));
  ChunkSource chunks(source, selection.selected, chunk_spans(segments, chunk), chunk);
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

  const SeizureMapper mapper(source, selection, segments, n_samples, output.duration);
  complete_output(output, source_channels, selection, mapper, detector, std::move(found),
                  std::move(alarms));
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

// How detection opens a file. Annotations are not needed for detection: without them, opening a
// continuous file reads only the first record's time-keeping TAL instead of every record's
// (85 ms of a 24 h file, all of it before the threads start). EDF+D record onsets are still read.
EdfReader open_for_detection(const std::string& path, bool growing) {
  ReaderOptions reader_options;
  reader_options.read_annotations = false;
  reader_options.growing = growing;
  return EdfReader(path, reader_options);
}

// The file's part of the output (file, duration, start, reader warnings) and its channels.
std::pair<DetectionOutput, std::vector<SourceChannel>> file_output(const std::string& path,
                                                                   const EdfReader& reader) {
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
  return {std::move(output), std::move(channels)};
}

// What must stay the same while a file is followed: the data layout of its header.
std::vector<std::pair<std::string, std::int32_t>> channel_layout(const RecordingInfo& info) {
  std::vector<std::pair<std::string, std::int32_t>> layout;
  for (const auto& channel : info.channels) {
    layout.emplace_back(channel.label, channel.samples_per_record);
  }
  layout.emplace_back(std::to_string(info.record_duration), info.n_signals);
  return layout;
}

// Whether a file the reader refused may be an EDF/BDF header still being written, to be waited
// for: the bytes present are the start of one (a version field as the reader accepts it) and
// fewer than the header needs (the 256-byte fixed part, then 256 bytes per signal). A complete
// header that is refused, or bytes no EDF/BDF header starts with, are not waited for.
bool header_still_being_written(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::string head(256, '\0');
  file.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(file.gcount()));
  if (head.empty()) return true;
  const std::string_view bdf = "\377BIOSEMI";  // 0xFF, then "BIOSEMI"
  const std::string_view begun(head.data(), std::min(head.size(), bdf.size()));
  if (head[0] != '0' && !bdf.starts_with(begun)) return false;
  if (head.size() < 256) return true;
  long long n_signals = 0;
  std::istringstream field(head.substr(252, 4));
  if (!(field >> n_signals) || n_signals <= 0) return false;
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return !error && static_cast<long long>(size) < 256 * (1 + n_signals);
}

}  // namespace

DetectionOutput detect_file(const std::string& path, const DetectorOptions& params,
                            const ProgressCallback& progress) {
  EdfReader reader = open_for_detection(path, false);
  auto [output, channels] = file_output(path, reader);
  return run_detection(std::move(output), channels, FileSource(reader), params, progress);
}

// ---- FileFollower ------------------------------------------------------------------------------

struct FileFollower::Impl {
  std::string path;
  DetectorOptions params;
  std::vector<std::pair<std::string, std::int32_t>> layout;  // empty until the header was read
  std::vector<SourceChannel> channels;
  std::vector<DetectedChannel> described;  // the file's channels as the output describes them
  ChannelSelection selection;
  std::unique_ptr<SeizureDetector> detector;
  std::int64_t pushed = 0;  // samples of the analysed channels given to the detector
  std::vector<StreamSeizure> found;
  std::vector<OnsetAlarm> raised;  // every alarm, in stream samples (for finish())
  std::vector<FollowEvent> ready;  // mapped, in the order they happened, not yet taken
  double notched = 0.0;            // mains frequency notched, as DetectionOutput reports it
  std::vector<float> buffer;
  // The file: opened by the first poll that can read the header, brought up to date by
  // the next ones (EdfReader::refresh reads only the records appended since, where opening again
  // would read every EDF+D record's time-keeping TAL: ~100 ms per poll at 24 h). finish() falls
  // back on it when the file can no longer be opened (deleted or renamed while followed), so the
  // records read are still finished.
  std::optional<EdfReader> file;
  bool finished = false;

  std::int64_t chunk() const {
    return static_cast<std::int64_t>(std::max(1.0, std::round(kChunkSeconds * selection.sfreq)));
  }

  // Takes the header of the first open. Later polls keep it: EdfReader::refresh refuses a header
  // whose signals or record duration changed (FormatError).
  void adopt(const EdfReader& opened) {
    layout = channel_layout(opened.info());
    DetectionOutput scratch;
    channels = file_output(path, opened).second;
    selection = select_channels(scratch, channels);
    described = std::move(scratch.channels);
  }

  // Creates the detector once the mains decision can be made as detect_file makes it on the
  // finished file: from its first 30 s (`final`: the file is complete, however short).
  bool start_detector(const SampleSource& source, std::int64_t n_samples, bool final) {
    if (detector) return true;
    const auto probe = static_cast<std::int64_t>(std::llround(kLineProbeSeconds * selection.sfreq));
    if (!final && mains_needs_data(params, selection.sfreq) && n_samples < probe) return false;
    const auto [used, notched_hz] = decide_mains(params, source, selection, n_samples);
    notched = notched_hz;
    detector = std::make_unique<SeizureDetector>(selection.sfreq, selection.labels, used);
    return true;
  }

  // Feeds the samples [pushed, n_samples) that the reader now holds, at most `limit` of them,
  // segment by segment as detect_file does; seizures completed meanwhile are mapped with the
  // file as it is now. Returns true when every sample held was fed.
  bool feed(const EdfReader& reader, std::int64_t limit) {
    const FileSource source(reader);
    const int time_channel = selection.time_channel();
    const std::int64_t n_samples =
        reader.info().channels[static_cast<std::size_t>(time_channel)].n_samples;
    const auto segments = source.segments(time_channel);
    const SeizureMapper mapper(source, selection, segments, n_samples, reader.info().duration());
    const std::int64_t width = chunk();
    buffer.resize(selection.selected.size() * static_cast<std::size_t>(width));
    std::int64_t fed = 0;
    for (std::size_t s = 0; s < segments.size(); ++s) {
      const std::int64_t end = segments[s].first + segments[s].count;
      while (pushed < end && fed < limit) {
        if (s > 0 && pushed == segments[s].first) detector->mark_gap();
        const std::int64_t count = std::min({width, end - pushed, limit - fed});
        source.read(selection.selected, pushed, count, buffer.data(), width);
        detector->push(buffer.data(), static_cast<std::size_t>(count),
                       static_cast<std::size_t>(width));
        pushed += count;
        fed += count;
        take(mapper);
      }
    }
    return pushed >= n_samples;
  }

  // Moves the alarms raised and the seizures closed since the last call to `ready`, mapped with
  // `mapper` and in the order they happened, and keeps them unmapped for finish(). The detector
  // gives the seizures of one push by onset; within one read chunk several may close, so they
  // are put back in the order they closed, each after the alarms raised up to then.
  void take(const SeizureMapper& mapper) {
    auto alarms = detector->take_alarms();
    auto seizures = detector->take_seizures();
    std::stable_sort(seizures.begin(), seizures.end(),
                     [](const StreamSeizure& a, const StreamSeizure& b) {
                       return a.closed_sample < b.closed_sample;
                     });
    std::size_t a = 0;
    for (auto& item : seizures) {
      for (; a < alarms.size() && alarms[a].raised_sample <= item.closed_sample; ++a) {
        ready.emplace_back(mapper.map(alarms[a]));
      }
      ready.emplace_back(mapper.map(item));
    }
    for (; a < alarms.size(); ++a) ready.emplace_back(mapper.map(alarms[a]));
    raised.insert(raised.end(), alarms.begin(), alarms.end());
    found.insert(found.end(), seizures.begin(), seizures.end());
  }
};

FileFollower::FileFollower(std::string path, DetectorOptions params)
    : impl_(std::make_unique<Impl>()) {
  // The parameters are checked now, not when the first records arrive.
  (void)SeizureDetector(256.0, {}, params);
  impl_->path = std::move(path);
  impl_->params = params;
  // So is a file that cannot be opened (missing, a folder, no permission): the reader's IoError
  // now, not after the caller's idle time. A header not yet complete is poll()'s to wait for.
  try {
    (void)open_for_detection(impl_->path, true);
  } catch (const FormatError&) {
  }
}

FileFollower::~FileFollower() = default;
FileFollower::FileFollower(FileFollower&&) noexcept = default;
FileFollower& FileFollower::operator=(FileFollower&&) noexcept = default;

bool FileFollower::poll(std::int64_t max_samples) {
  auto& impl = *impl_;
  if (impl.finished) throw std::logic_error("FileFollower::poll after finish");
  std::optional<EdfReader> first_open;
  try {
    if (impl.file) {
      // IoError when the path no longer names the file (deleted, renamed or replaced): follow
      // ends on it at once. The reader stays as it was for finish().
      impl.file->refresh();
    } else {
      first_open.emplace(open_for_detection(impl.path, true));
    }
  } catch (const FormatError&) {
    // Until the header has been read once, a header still being written is waited for (finish()
    // reports it if the file ends so); a header that was readable and no longer is (or whose
    // signals changed), or a file that is no EDF/BDF header in the making, is damage.
    if (!impl.layout.empty() || !header_still_being_written(impl.path)) throw;
    return true;
  }
  if (first_open) {
    impl.adopt(*first_open);
    impl.file = std::move(first_open);
  }
  const EdfReader& opened = *impl.file;
  if (impl.selection.selected.empty()) return true;
  const std::int64_t n_samples =
      opened.info().channels[static_cast<std::size_t>(impl.selection.time_channel())].n_samples;
  if (!impl.start_detector(FileSource(opened), n_samples, false)) return true;
  return impl.feed(opened,
                   max_samples > 0 ? max_samples : std::numeric_limits<std::int64_t>::max());
}

std::vector<FollowEvent> FileFollower::take_events() { return std::exchange(impl_->ready, {}); }

std::int64_t FileFollower::samples_read() const noexcept { return impl_->pushed; }

const std::vector<DetectedChannel>& FileFollower::channels() const noexcept {
  return impl_->described;
}

DetectionOutput FileFollower::finish() {
  auto& impl = *impl_;
  if (impl.finished) throw std::logic_error("FileFollower::finish called twice");
  impl.finished = true;
  // The finished file, opened as detect_file opens it: its record count and warnings are the
  // ones detect_file reports. A file that cannot be opened any more (deleted or renamed while
  // followed) is finished as the last poll saw it, with a warning.
  std::optional<EdfReader> reopened;
  std::string vanished;
  try {
    reopened.emplace(open_for_detection(impl.path, false));
  } catch (const IoError& error) {
    if (!impl.file) throw;
    vanished = error.what();
  }
  const EdfReader& reader = reopened ? *reopened : *impl.file;
  // The warning comes last: it concerns the end of the following, after everything read.
  auto finished = [&vanished](DetectionOutput output) {
    if (!vanished.empty()) {
      output.warnings.push_back({"file_vanished",
                                 "the file could not be opened again at the end (" + vanished +
                                     "): the result covers the records read while it was followed",
                                 -1});
    }
    return output;
  };
  auto [output, channels] = file_output(impl.path, reader);
  const int time_channel = impl.selection.selected.empty() ? -1 : impl.selection.time_channel();
  const bool same_layout = !impl.layout.empty() && channel_layout(reader.info()) == impl.layout;
  if (!same_layout || time_channel < 0 ||
      channels[static_cast<std::size_t>(time_channel)].n_samples < impl.pushed) {
    // Nothing was followed (no header, or no EEG channel to analyse), or the finished file holds
    // less than was read while it grew (a final record count below the records written): the
    // result is detect_file's on the file as it now is.
    return finished(
        run_detection(std::move(output), channels, FileSource(reader), impl.params, {}));
  }
  const ChannelSelection selection = select_channels(output, channels);  // as when following
  const FileSource source(reader);
  const std::int64_t n_samples = channels[static_cast<std::size_t>(time_channel)].n_samples;
  impl.start_detector(source, n_samples, true);
  output.line_frequency_hz = impl.notched;
  const auto segments = source.segments(time_channel);
  report_gaps(output, segments, source.gap_origin());
  impl.feed(reader, std::numeric_limits<std::int64_t>::max());  // records added since the last poll
  impl.detector->finish();
  const SeizureMapper mapper(source, impl.selection, segments, n_samples, output.duration);
  impl.take(mapper);
  complete_output(output, channels, selection, mapper, *impl.detector, std::move(impl.found),
                  std::move(impl.raised));
  return finished(std::move(output));
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
