// detect_file: a thin wrapper that reads a recording in chunks and feeds SeizureDetector.
#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

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
double tone_power(const std::vector<double>& x, std::size_t offset, std::size_t count,
                  double hz, double sfreq) {
  detail::BlockGoertzel tone(hz, sfreq);
  for (std::size_t i = 0; i < count; ++i) {
    const double v = x[offset + i];
    tone.push(std::isfinite(v) ? v : 0.0);
  }
  return tone.mean_power();
}

// 60 Hz when the mains tone at 60 Hz clearly dominates the one at 50 Hz in the first seconds,
// else 50 Hz (the common case, and the answer when neither is present).
double guess_line_frequency(const EdfReader& reader, const std::vector<int>& channels,
                            double sfreq, std::int64_t n_samples) {
  if (sfreq / 2.0 <= 62.0 || channels.empty()) return sfreq / 2.0 > 52.0 ? 50.0 : 0.0;
  const auto count = static_cast<std::size_t>(
      std::min<std::int64_t>(n_samples, std::llround(kLineProbeSeconds * sfreq)));
  if (count == 0) return 50.0;
  std::vector<double> data(channels.size() * count);
  reader.read_physical(channels, 0, static_cast<std::int64_t>(count), data.data(),
                       static_cast<std::int64_t>(count));
  double p50 = 0.0, p60 = 0.0;
  for (std::size_t c = 0; c < channels.size(); ++c) {
    p50 += tone_power(data, c * count, count, 50.0, sfreq);
    p60 += tone_power(data, c * count, count, 60.0, sfreq);
  }
  return p60 > 4.0 * p50 ? 60.0 : 50.0;
}

// Successive chunks of the selected channels (float32, channel-major, `chunk` samples per row),
// in two buffers: the detector works on one while the next is read into the other. The next chunk
// is read in kParts pieces of time inside the detector's parallel step (SeizureDetector::push's
// `alongside`), each taken by whichever thread has finished its share of the channels, so the
// reading fills idle time and no reading thread competes for the cores (docs/performance.md).
// A read error is rethrown by next() for the chunk it concerns, as a plain read-then-detect loop
// would.
class ChunkSource {
 public:
  static constexpr std::size_t kParts = 8;

  ChunkSource(const EdfReader& reader, const std::vector<int>& channels, std::int64_t n_samples,
              std::int64_t chunk)
      : reader_(reader), channels_(channels), n_samples_(n_samples), chunk_(chunk) {
    for (auto& buffer : buffers_) {  // 2 x 19 channels x 64 s x 256 Hz x 4 B = 2.5 MB
      buffer.resize(channels.size() * static_cast<std::size_t>(chunk));
    }
  }
  ChunkSource(const ChunkSource&) = delete;
  ChunkSource& operator=(const ChunkSource&) = delete;

  /// The next chunk's samples (read now unless it was read ahead); valid until the following
  /// next().
  const float* next() {
    const std::int64_t index = taken_++;
    auto& buffer = buffers_[index % 2];
    if (ahead_ == index) {
      ahead_ = -1;
      for (auto& error : part_errors_) {
        if (error) std::rethrow_exception(std::exchange(error, nullptr));
      }
    } else {
      read(index, 0, length(index), buffer);
    }
    return buffer.data();
  }
  /// Parts in which to read the chunk after the one next() returned last (0: there is none).
  std::size_t begin_read_ahead() {
    if (taken_ * chunk_ >= n_samples_) return 0;
    ahead_ = taken_;
    return kParts;
  }
  /// Reads part `part` of that chunk; may run concurrently with other parts. Errors are kept
  /// for next().
  void read_ahead(std::size_t part) {
    const std::int64_t count = length(ahead_);
    const auto parts = static_cast<std::int64_t>(kParts);
    const std::int64_t from = count * static_cast<std::int64_t>(part) / parts;
    const std::int64_t to = count * static_cast<std::int64_t>(part + 1) / parts;
    try {
      read(ahead_, from, to - from, buffers_[ahead_ % 2]);
    } catch (...) {
      part_errors_[part] = std::current_exception();
    }
  }

 private:
  std::int64_t length(std::int64_t index) const {
    return std::min(chunk_, n_samples_ - index * chunk_);
  }
  // Samples [from, from + count) of chunk `index` into the same columns of `buffer`.
  void read(std::int64_t index, std::int64_t from, std::int64_t count,
            std::vector<float>& buffer) const {
    if (count <= 0) return;
    reader_.read_physical(channels_, index * chunk_ + from, count, buffer.data() + from, chunk_);
  }

  const EdfReader& reader_;
  const std::vector<int>& channels_;
  std::int64_t n_samples_, chunk_;
  std::vector<float> buffers_[2];
  std::int64_t taken_ = 0;
  std::int64_t ahead_ = -1;  // index of the chunk being read ahead, if any
  std::exception_ptr part_errors_[kParts];
};

}  // namespace

DetectionOutput detect_file(const std::string& path, const DetectorParams& params,
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

  std::vector<std::string> labels;
  for (const auto& channel : info.channels) labels.push_back(channel.label);
  const auto parsed = parse_labels(labels);
  output.channels.resize(labels.size());
  for (std::size_t c = 0; c < labels.size(); ++c) {
    output.channels[c].label = labels[c];
    output.channels[c].meaning = parsed[c];
  }

  // EEG channels that can be read; the detector runs on those sharing the most common rate.
  std::map<double, int> rate_counts;
  for (std::size_t c = 0; c < labels.size(); ++c) {
    const auto& channel = info.channels[c];
    if (parsed[c].kind != ChannelKind::eeg) continue;
    if (!channel.usable || !channel.calibrated || channel.sample_rate_hz <= 0) {
      output.channels[c].bad = true;
      output.channels[c].bad_reason = "not usable (dummy or uncalibrated)";
      continue;
    }
    ++rate_counts[channel.sample_rate_hz];
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
    if (parsed[c].kind != ChannelKind::eeg || output.channels[c].bad) continue;
    if (info.channels[c].sample_rate_hz != sfreq) {
      output.channels[c].bad = true;
      output.channels[c].bad_reason = "sample rate differs from the other EEG channels";
      output.warnings.push_back({"other_sample_rate",
                                 "channel '" + labels[c] + "' left out: its sample rate differs "
                                 "from the other EEG channels'",
                                 info.channels[c].signal_index});
      continue;
    }
    selected.push_back(static_cast<int>(c));
    selected_labels.push_back(labels[c]);
  }
  if (selected.empty()) {
    output.warnings.push_back(
        {"no_eeg_channels", "no readable EEG channel in this file; nothing is detected", -1});
    return output;
  }
  const std::int64_t n_samples = info.channels[static_cast<std::size_t>(selected[0])].n_samples;

  DetectorParams used = params;
  if (params.line_frequency_hz == 0) {
    used.line_frequency_hz = guess_line_frequency(reader, selected, sfreq, n_samples);
    if (used.line_frequency_hz == 0) used.line_frequency_hz = -1;
  }
  output.line_frequency_hz =
      used.line_frequency_hz > 0 && used.line_frequency_hz < sfreq / 2 ? used.line_frequency_hz
                                                                        : 0.0;
  if (info.discontinuous() && reader.segments().size() > 1) {
    output.warnings.push_back({"gaps_bridged",
                               "the recording has gaps (EDF+D); the detector treats the data as "
                               "contiguous, times are mapped back through the record onsets",
                               -1});
  }

  SeizureDetector detector(sfreq, selected_labels, used);
  const auto chunk = static_cast<std::int64_t>(std::max(1.0, std::round(kChunkSeconds * sfreq)));
  ChunkSource source(reader, selected, n_samples, chunk);
  const std::function<void(std::size_t)> read_ahead = [&source](std::size_t part) {
    source.read_ahead(part);
  };
  std::vector<StreamSeizure> found;
  for (std::int64_t start = 0; start < n_samples; start += chunk) {
    const std::int64_t count = std::min(chunk, n_samples - start);
    const float* samples = source.next();
    detector.push(samples, static_cast<std::size_t>(count), static_cast<std::size_t>(chunk),
                  read_ahead, source.begin_read_ahead());
    auto done = detector.take_seizures();
    found.insert(found.end(), done.begin(), done.end());
    if (progress && !progress(static_cast<double>(start + count) / static_cast<double>(n_samples))) {
      throw Error("cancelled");
    }
  }
  detector.finish();
  auto done = detector.take_seizures();
  found.insert(found.end(), done.begin(), done.end());
  std::stable_sort(found.begin(), found.end(), [](const StreamSeizure& a, const StreamSeizure& b) {
    return a.onset_sample < b.onset_sample;
  });

  // Map detector channels back to file channels and sample indices to true times.
  const int time_channel = selected[0];
  auto time_of = [&](std::int64_t sample) {
    return reader.sample_time(time_channel, std::clamp<std::int64_t>(sample, 0, n_samples - 1)) +
           (sample >= n_samples ? static_cast<Ticks>(std::llround(
                                      static_cast<double>(sample - n_samples + 1) *
                                      static_cast<double>(kTicksPerSecond) / sfreq))
                                : 0);
  };
  for (std::size_t i = 0; i < selected.size(); ++i) {
    const auto& channel = detector.channels()[i];
    auto& target = output.channels[static_cast<std::size_t>(selected[i])];
    target.bad = channel.bad;
    target.bad_reason = channel.bad_reason;
  }
  for (auto warning : detector.warnings()) {
    if (warning.signal >= 0) {
      warning.signal = info.channels[static_cast<std::size_t>(selected[static_cast<std::size_t>(
                                         warning.signal)])]
                           .signal_index;
    }
    output.warnings.push_back(std::move(warning));
  }
  for (auto& item : found) {
    Seizure seizure = std::move(item.seizure);
    seizure.onset = time_of(item.onset_sample);
    seizure.offset = std::max(seizure.onset + 1, std::min(time_of(item.offset_sample),
                                                          std::max(output.duration,
                                                                   seizure.onset + 1)));
    for (auto& onset : seizure.channel_onsets) {
      const auto sample = static_cast<std::int64_t>(
          std::llround(ticks_to_seconds(onset.onset) * sfreq));
      onset.onset = time_of(sample);
      onset.channel = selected[static_cast<std::size_t>(onset.channel)];
    }
    output.seizures.push_back(std::move(seizure));
  }
  if (progress) progress(1.0);
  return output;
}

}  // namespace ictaltrack
