// Seizure detection and onset localisation over a whole recording (streaming, bounded memory).
// API contract shared by the detector (src/detect, src/localise) and its users (migration
// tracker, reports, Python `ictaltrack.detect`, CLI `ictaltrack detect`). The algorithm, every
// parameter and the measured scores are described in docs/detection.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "ictaltrack/detect/seizure.hpp"
#include "ictaltrack/io/edf_reader.hpp"

namespace ictaltrack {

namespace detail {
struct DetectorAccess;  // the library's own access to internals (src/detect/detector_access.hpp)
}  // namespace detail

/// Every tunable of the detector, with the one documented set of defaults (docs/detection.md).
/// Units are in the names: _hz, _s, _db (10 log10 of a power ratio).
struct DetectorOptions {
  int n_threads = 0;  ///< 0 = all cores; results are identical for any value

  // Conditioning (causal, per channel).
  double highpass_hz = 0.5;  ///< Butterworth high-pass corner; <= 0 disables it
  int highpass_order = 2;
  /// Mains frequency to notch out: 50 or 60 Hz; 0 = decide from the first 30 s of the file
  /// (detect_file only; SeizureDetector then uses 50); < 0 = no notch.
  double line_frequency_hz = 0.0;
  double notch_quality = 30.0;

  // Spectral features (band-power engine, Hann windows).
  double window_s = 2.0;  ///< analysis window
  double step_s = 1.0;    ///< hop between windows
  /// The ictal rhythm is searched as the 2 Hz span of highest power gain over baseline whose
  /// edges lie within [rhythm_low_hz, rhythm_high_hz].
  double rhythm_low_hz = 1.5;
  double rhythm_high_hz = 25.5;

  // Baseline (per channel and 1 Hz band): median of the first baseline_warmup_s, then a
  // multiplicative median tracker that moves by baseline_step per window, updated only from
  // windows where the channel is not ictal.
  double baseline_warmup_s = 30.0;
  double baseline_step = 0.005;

  // Per-channel ictal state (hysteresis on the rhythm gain).
  double on_threshold_db = 9.0;   ///< rhythm gain over baseline to switch a channel on
  double off_threshold_db = 5.0;  ///< ... and below which it switches off
  /// Fraction of the window's excess power (0.5 Hz .. rhythm_high_hz, over baseline) that must
  /// fall in the spans of the rhythm's fundamental and first two harmonics: rhythmic activity is
  /// narrow-band in that sense, blinks and pops are not.
  double min_concentration = 0.4;
  /// Muscle veto: excess power in 30-70 Hz above this fraction of the rhythm's excess (those
  /// spans together, or the best span's when that is more).
  double max_high_frequency_ratio = 0.5;
  /// Channels switching on join a running event when a neighbour of theirs is on in it and
  /// carries a rhythm within this many Hz; otherwise they start a new event (two overlapping
  /// seizures). A channel whose rhythm moves by more than 1 Hz for 3 windows leaves its event.
  double max_frequency_difference_hz = 1.0;

  // Events.
  double min_duration_s = 10.0;  ///< shorter events are dropped
  /// A channel counts as recruited once it stays on this long (its run start is its entry).
  double recruit_s = 3.0;
  /// Events in which no channel stayed on this long are dropped (blinks, pops, fluctuations).
  double min_sustained_s = 6.0;
  double close_gap_s = 10.0;  ///< an event ends when none of its channels was on for this long
  /// Events whose first window switches on more than this fraction of the good channels at once
  /// are movement artifacts (a seizure starts focally and spreads).
  double max_onset_fraction = 0.6;

  // Localisation (Page-Hinkley per channel on the rhythm gain in dB, domain.md).
  double page_hinkley_bias_db = 1.0;
  double page_hinkley_threshold_db = 12.0;
  double lookback_s = 12.0;  ///< history before an event searched for the change
  /// The focus channel is the one, among those recruited within this long of the earliest, whose
  /// power rose most at its own onset; the seizure onset is its onset.
  double onset_search_s = 8.0;
  double onset_tolerance_s = 2.0;  ///< channels within this of the earliest are onset channels
  double onset_window_s = 4.0;     ///< window after onset for lateralisation and region
  double lateralization_threshold = 0.15;  ///< |LI| above this gives a side

  // Bad channels (judged on the baseline warm-up).
  double flat_rms_uv = 0.5;  ///< RMS below this (after the high-pass) = flat
  /// Line-frequency amplitude (before the notch) above this many times the channels' median and
  /// above line_noise_min_uv = "line noise" (disconnected electrode).
  double line_noise_factor = 10.0;
  double line_noise_min_uv = 10.0;
};

/// Calls visit(name, field) for every DetectorOptions field in declaration order (int or double),
/// so that bindings, docs and reports share one list of names.
template <typename Options, typename Visitor>
void for_each_detector_option(Options& p, Visitor&& visit) {
  visit("n_threads", p.n_threads);
  visit("highpass_hz", p.highpass_hz);
  visit("highpass_order", p.highpass_order);
  visit("line_frequency_hz", p.line_frequency_hz);
  visit("notch_quality", p.notch_quality);
  visit("window_s", p.window_s);
  visit("step_s", p.step_s);
  visit("rhythm_low_hz", p.rhythm_low_hz);
  visit("rhythm_high_hz", p.rhythm_high_hz);
  visit("baseline_warmup_s", p.baseline_warmup_s);
  visit("baseline_step", p.baseline_step);
  visit("on_threshold_db", p.on_threshold_db);
  visit("off_threshold_db", p.off_threshold_db);
  visit("min_concentration", p.min_concentration);
  visit("max_high_frequency_ratio", p.max_high_frequency_ratio);
  visit("max_frequency_difference_hz", p.max_frequency_difference_hz);
  visit("min_duration_s", p.min_duration_s);
  visit("recruit_s", p.recruit_s);
  visit("min_sustained_s", p.min_sustained_s);
  visit("close_gap_s", p.close_gap_s);
  visit("max_onset_fraction", p.max_onset_fraction);
  visit("page_hinkley_bias_db", p.page_hinkley_bias_db);
  visit("page_hinkley_threshold_db", p.page_hinkley_threshold_db);
  visit("lookback_s", p.lookback_s);
  visit("onset_search_s", p.onset_search_s);
  visit("onset_tolerance_s", p.onset_tolerance_s);
  visit("onset_window_s", p.onset_window_s);
  visit("lateralization_threshold", p.lateralization_threshold);
  visit("flat_rms_uv", p.flat_rms_uv);
  visit("line_noise_factor", p.line_noise_factor);
  visit("line_noise_min_uv", p.line_noise_min_uv);
}

/// A stretch without data between two records of an EDF+D/BDF+D file.
struct DataGap {
  Ticks onset = 0;     ///< end of the data before it, from the first sample
  Ticks duration = 0;  ///< > 0
};

/// An onset alarm: a seizure reported while it is still running, as soon as the detector has
/// confirmed it (docs/detection.md, "Onset alarms"). One alarm per seizure the detector emits,
/// raised at the latest when that seizure is emitted; the seizure, emitted once it has ended, may
/// refine the onset and the channels. An alarm whose event is later rejected (confirmed as
/// evolving: its rhythm was back near its onset frequency at its end, or its slowing of 2 Hz
/// read as less than two 1 Hz bands by the closing rule; confirmed as lateralised
/// or as a focal onset: it never evolved, ended before min_duration_s or was the spread of
/// another seizure, and a focal onset also when no channel was ever on for min_sustained_s in a
/// row, its alarm having counted a run across short dropouts; or no
/// onset could be placed on its whole history) is retracted: no seizure follows it (a false
/// alarm unless another seizure was running).
/// Times as stream sample indices (the first sample pushed is 0, gaps not counted, the basis of
/// StreamSeizure) and as ticks from the first sample (stream: sample / sfreq; in
/// DetectionOutput::alarms: the recording's time, gaps included).
struct OnsetAlarm {
  /// End (exclusive) of the analysis window with which the event was confirmed: the alarm could
  /// be raised once this many samples had been pushed.
  std::int64_t raised_sample = 0;
  /// Provisional onset: centre of the change-point window of the onset channel (the rule of
  /// StreamSeizure::onset_sample, on the history seen so far).
  std::int64_t onset_sample = 0;
  /// Provisional onset channels, earliest first, as indices into the detector's channel list (in
  /// DetectionOutput::alarms: into DetectionOutput::channels).
  std::vector<int> onset_channels;
  Hemisphere side = Hemisphere::unknown;  ///< provisional onset hemisphere
  Region region = Region::unknown;        ///< provisional onset region
  double confidence = 0.0;                ///< 0..1, as Seizure::confidence on the history so far
  Ticks raised = 0;                       ///< raised_sample as time from the first sample
  Ticks onset = 0;                        ///< onset_sample as time from the first sample
};

/// Everything a detection run found in one recording.
struct DetectionOutput {
  std::string file;
  Ticks duration = 0;  ///< from the first sample to the end of the data, gaps included
  /// Time covered by the detector's analysis windows: the data minus what no whole window covers
  /// (a segment shorter than one window, the tail after a segment's last window) and minus
  /// everything when no channel could be analysed. duration - analysed - sum of the gaps is the
  /// data left unanalysed.
  Ticks analysed = 0;
  std::vector<DataGap> gaps;  ///< EDF+D gaps, in time order; the detector restarts after each
  StartDateTime start;
  std::vector<DetectedChannel> channels;  ///< every data channel of the file, in file order
  std::vector<Seizure> seizures;          ///< ordered by onset
  /// The onset alarms the streaming detector raised over the recording, ordered by raised time
  /// (an extra output: the seizures are the same with or without them).
  std::vector<OnsetAlarm> alarms;
  std::vector<ReadWarning> warnings;  ///< reader and detector warnings
  double line_frequency_hz = 0.0;     ///< mains frequency notched (0 = none)
};

/// Called now and then with the fraction done (0..1); return false to cancel (the run then
/// throws ictaltrack::Error("cancelled")).
using ProgressCallback = std::function<bool(double fraction_done)>;

/// Reads `path`, detects and localises every seizure. Throws FormatError / IoError /
/// UnsupportedError for unreadable input; std::invalid_argument for bad parameters. The file's
/// annotations are not read (record onsets of EDF+D files are): problems in the annotation
/// signal beyond the first record are reported by EdfReader (`ictaltrack info`), not here.
DetectionOutput detect_file(const std::string& path, const DetectorOptions& params = {},
                            const ProgressCallback& progress = {});

/// A stretch without data inside samples given to detect_samples: the data resumes at `sample`
/// after `duration` without samples.
struct SampleGap {
  std::int64_t sample = 0;  ///< first sample after the gap (0 < sample < n_samples, increasing)
  Ticks duration = 0;       ///< > 0
};

/// What detect_samples knows of its samples beyond their values. Empty vectors mean "none".
struct SampleSourceInfo {
  std::string name;       ///< reported as DetectionOutput::file (e.g. the file MNE read)
  StartDateTime start;    ///< wall-clock time of the first sample
  std::vector<bool> bad;  ///< per channel: bad by the source's own account (left out)
  /// Per channel: the source's typing of it (e.g. MNE channel types); ChannelKind::unknown lets
  /// the label decide, as for a file. Only ChannelKind::eeg channels are analysed.
  std::vector<ChannelKind> kinds;
  std::vector<SampleGap> gaps;  ///< in sample order
};

/// detect_file on samples already in memory: the same channel selection (EEG channels by kind,
/// left out when bad), mains-frequency decision from the first 30 s, gap handling, chunking and
/// mapping of results to channels and times; only the samples come from `data` instead of a file.
/// Channel c's samples are data[c * row_stride + i], i < n_samples, in microvolts, as float32:
/// detect_file feeds the detector the float32 of each physical value it reads, so an EDF's samples
/// converted to float32 give byte-identical results on both routes. All channels share `sfreq`;
/// the time of sample i is start + i / sfreq (floored to ticks, as EdfReader::sample_time places
/// samples inside a record), plus the gaps before it. Throws std::invalid_argument for bad
/// parameters, sizes or gaps.
DetectionOutput detect_samples(const std::vector<std::string>& labels, double sfreq,
                               const float* data, std::size_t n_samples, std::size_t row_stride,
                               const DetectorOptions& params = {},
                               const SampleSourceInfo& source = {},
                               const ProgressCallback& progress = {});

/// A seizure as the streaming detector emits it: times as stream sample indices (the first
/// sample pushed is 0), channels as indices into the detector's channel list.
struct StreamSeizure {
  std::int64_t onset_sample = 0;
  std::int64_t offset_sample = 0;
  /// When the detector closed it: the end of the last analysis window it had seen (a seizure
  /// closed by a gap or by finish() gets the end of the last window before). An onset alarm
  /// raised with that window has the same raised_sample and came first.
  std::int64_t closed_sample = 0;
  Seizure seizure;  ///< onset/offset in ticks at the detector's sample rate (sample / sfreq)
};

/// Streaming detector over equally sampled EEG channels. Feed samples (microvolts, channel-major
/// chunks of any length) with push(); seizures come out, ordered by onset, once they have ended
/// (take_seizures()), each announced earlier by an onset alarm (take_alarms()) raised as soon as
/// the running event is confirmed; finish() closes what is still open. Memory is bounded by the
/// channel count and the parameters, never by the recording length, and the result does not depend
/// on how the recording is cut into chunks or on n_threads. Not thread safe (one detector per
/// stream).
class SeizureDetector {
 public:
  /// `labels`: the channels' labels (parsed with parse_labels; only EEG channels of the list are
  /// analysed, the others are left out). `bad`: channels to leave out from the start (may be
  /// empty). Throws std::invalid_argument for bad parameters or sfreq.
  SeizureDetector(double sfreq, std::vector<std::string> labels, DetectorOptions params = {},
                  std::vector<bool> bad = {});
  ~SeizureDetector();
  SeizureDetector(SeizureDetector&&) noexcept;
  SeizureDetector& operator=(SeizureDetector&&) noexcept;
  SeizureDetector(const SeizureDetector&) = delete;
  SeizureDetector& operator=(const SeizureDetector&) = delete;

  /// Channel c's samples are data[c * row_stride + i], i < n_samples, in microvolts.
  void push(const double* data, std::size_t n_samples, std::size_t row_stride);
  void push(const float* data, std::size_t n_samples, std::size_t row_stride);
  /// The next sample pushed does not follow the last one (a gap in the recording, e.g. between
  /// EDF+D records, or a dropped connection): the detector never treats the data as contiguous.
  /// Every open event ends at the gap (a seizure continuing after it is reported again from the
  /// gap on); no analysis window spans it; the filters restart in the steady state of the first
  /// sample after it (no transient from the jump); channels are judged afresh (all off), while
  /// each channel's baseline and bad flag carry over (docs/detection.md, "Gaps"). Stream sample
  /// indices keep counting the samples pushed, without the gap: the caller maps them to true
  /// times. A no-op before the first sample and right after another gap.
  void mark_gap();
  /// Ends the stream: scores windows still in the warm-up and closes open events.
  void finish();

  /// Seizures completed since the last call, ordered by onset.
  std::vector<StreamSeizure> take_seizures();
  /// Onset alarms raised since the last call, ordered by raised_sample. Like the seizures, they
  /// do not depend on how the stream is cut into chunks or on n_threads.
  std::vector<OnsetAlarm> take_alarms();

  /// Per channel: label, parsed meaning, bad flag and reason (final after the warm-up).
  const std::vector<DetectedChannel>& channels() const noexcept;
  /// Detector warnings so far (code, message, channel index or -1).
  const std::vector<ReadWarning>& warnings() const noexcept;
  double sfreq() const noexcept;
  std::int64_t samples_pushed() const noexcept;
  /// Samples covered by analysis windows so far: all but those of a segment shorter than one
  /// window and those after a segment's last whole window (and none when no channel is analysed).
  std::int64_t samples_analysed() const noexcept;
  std::int64_t windows_processed() const noexcept;
  /// Bytes of the detector's own buffers (constant after the warm-up apart from open events,
  /// whose history is capped).
  std::size_t buffer_bytes() const noexcept;

 private:
  friend struct detail::DetectorAccess;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One event of a followed file: an onset alarm or a closed seizure.
using FollowEvent = std::variant<OnsetAlarm, Seizure>;

/// detect_file on an EDF/BDF file that is still being written (an acquisition system appends
/// data records): the first poll() that can read the header opens the file (EdfReader with
/// ReaderOptions::growing: the header's record count may be -1 or stale, a record being written
/// is waited for), each later one brings that reader up to date (EdfReader::refresh: a poll costs
/// the records appended since, not the whole file); each feeds the detector the records completed
/// since. Seizures come out as soon as the detector has closed them (take_events(), times from
/// the recording start as detect_file reports them). Once the file is complete, finish() returns
/// exactly what detect_file(path, params) returns for it: the same channel selection, mains
/// decision (made once the first 30 s are in, or at the end), EDF+D gaps (from the records' onsets)
/// and mapping, on the same float32 samples. Not thread safe.
class FileFollower {
 public:
  /// Nothing is read yet. Throws std::invalid_argument for bad parameters, IoError for a file
  /// that cannot be opened (missing, a folder, no permission).
  explicit FileFollower(std::string path, DetectorOptions params = {});
  ~FileFollower();
  FileFollower(FileFollower&&) noexcept;
  FileFollower& operator=(FileFollower&&) noexcept;
  FileFollower(const FileFollower&) = delete;
  FileFollower& operator=(const FileFollower&) = delete;

  /// Reads the records completed since the last call (at most `max_samples` samples per channel
  /// when > 0, so that a long backlog is taken in steps) and runs the detector over them. Returns
  /// true when every complete record of the file has been taken (or none can be yet: a header
  /// not fully written is waited for). Throws IoError (also when the path no longer names the
  /// file being followed: deleted, renamed or replaced by another file), FormatError (a header
  /// whose signals or record duration changed, or that became unreadable after it was read),
  /// UnsupportedError.
  bool poll(std::int64_t max_samples = 0);
  /// What happened since the last call, in the order it happened: onset alarms as they were
  /// raised and seizures as the detector closed them (StreamSeizure::closed_sample; an alarm
  /// raised with the window that closed a seizure comes first). Mapped as DetectionOutput's:
  /// times in ticks from the recording start, channels as file channel indices.
  std::vector<FollowEvent> take_events();
  /// Samples per analysed channel given to the detector so far.
  std::int64_t samples_read() const noexcept;
  /// The file's channels as DetectionOutput::channels describes them (label and parsed meaning;
  /// bad flags are final only in finish()'s output); empty until the header has been read.
  const std::vector<DetectedChannel>& channels() const noexcept;
  /// The file is complete: reads the records still unread, closes open events (take them with
  /// take_events()) and returns detect_file's output for the file as it now is. A file that
  /// ends holding fewer records than were read while it grew (a final record count below the
  /// records written) gets detect_file run afresh. Throws as detect_file does.
  DetectionOutput finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ictaltrack
