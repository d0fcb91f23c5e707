// Synthetic infant EEG with migrating focal seizures (EIMFS-like), for tests and demos.
//
// Everything is planned up front from the seed (seizures, artifacts, bad channel) and then the
// signal is generated in time order, chunk by chunk, with bounded memory, so a 24 h recording can
// be streamed to disk. The output depends only on the configuration: the pseudo-random numbers
// come from std::mt19937_64 (fully specified by the C++ standard) with the simulator's own
// uniform/normal transforms, never std:: distributions (their output differs between compilers).
// The model and every parameter are described in docs/simulator.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ictaltrack/io/edf_writer.hpp"
#include "ictaltrack/time.hpp"

namespace ictaltrack {

enum class SimulatedMontage {
  Referential,    ///< the 19 10-20 electrodes against a common reference
  BipolarChbMit,  ///< the 23 CHB-MIT double-banana derivations (T8-P8 appears twice, as there)
};

/// How referential channels are labelled (bipolar output always uses CHB-MIT labels).
enum class LabelStyle {
  Plain,       ///< "Fp1", "T3"
  EegRef,      ///< "EEG FP1-REF"
  LinkedEars,  ///< "FP1-LE"
  Average,     ///< "Fp1-Avg" (the label only; the data are the same common-reference signals)
};

enum class BadChannelKind { None, Flat, Disconnected };

/// A random event process: on/off and mean rate (events per hour, Poisson).
struct ArtifactRate {
  bool enabled = true;
  double per_hour = 0;
};

struct SimulationConfig {
  std::uint64_t seed = 1;
  double duration_s = 600;
  int sample_rate_hz = 256;
  SimulatedMontage montage = SimulatedMontage::Referential;
  LabelStyle label_style = LabelStyle::Plain;
  bool new_temporal_names = false;  ///< T7/T8/P7/P8 instead of T3/T4/T5/T6 (referential)
  EdfFileType file_type = EdfFileType::EdfPlus;
  EdfStartDateTime start{2020, 1, 1, 8, 0, 0, 0};  ///< fixed, so files are reproducible

  // Background (microvolts, Hz).
  double background_rms_uv = 25;      ///< per-channel RMS of the slow background
  double spatial_correlation = 0.35;  ///< length scale of source mixing (head radius = 1)
  double delta_peak_hz = 1.5;
  double theta_peak_hz = 5.0;
  double channel_gain_spread = 0.1;  ///< SD of the per-channel gain factor around 1
  double amplifier_noise_uv = 1.5;   ///< white noise RMS, independent per channel
  double line_noise_hz = 50;         ///< 0 disables line noise
  double line_noise_uv = 2;          ///< mean amplitude of the line-noise sinusoid

  // Seizures. n_seizures < 0: as many as fit with the drawn intervals.
  int n_seizures = -1;
  double first_onset_min_s = 30, first_onset_max_s = 90;
  double seizure_duration_min_s = 40, seizure_duration_max_s = 150;
  double interval_min_s = 60, interval_max_s = 600;  ///< previous offset -> next onset
  double onset_frequency_min_hz = 6, onset_frequency_max_hz = 11;
  double end_frequency_min_hz = 1.5, end_frequency_max_hz = 3.5;
  double amplitude_min_uv = 100, amplitude_max_uv = 220;  ///< peak at the focus
  double contralateral_probability = 0.7;                 ///< next seizure in the other hemisphere
  double overlap_probability = 0.15;    ///< next starts before the previous one ends
  double spread_delay_s_per_unit = 25;  ///< recruitment delay per head radius of distance
  double spread_radius = 0.85;          ///< electrodes farther than this stay uninvolved
  double field_width = 0.45;            ///< amplitude falls as exp(-d^2 / (2 width^2))

  // Artifacts.
  ArtifactRate blinks{true, 60};
  ArtifactRate muscle{true, 20};
  ArtifactRate electrode_pops{true, 10};
  ArtifactRate movement{true, 6};
  BadChannelKind bad_channel = BadChannelKind::None;
  std::string bad_channel_electrode;  ///< canonical name (e.g. "O1"); empty = drawn from the seed
};

struct SimulatedSeizure {
  int index = 0;  ///< 1-based
  double onset_s = 0, offset_s = 0;
  std::string focus_electrode;  ///< canonical electrode name in the configured temporal naming
  std::string region;           ///< "frontal polar", "frontal", "frontotemporal", "central",
                                ///< "temporal", "parietal", "occipital"
  std::string hemisphere;       ///< "left" or "right"
  double onset_frequency_hz = 0, end_frequency_hz = 0, amplitude_uv = 0;
  bool overlaps_previous = false;
  std::map<std::string, double> electrode_onsets;  ///< recruited electrodes -> onset (s)
  std::map<std::string, double> channel_onsets;    ///< output channel labels -> onset (s)
  std::string annotation;                          ///< the EDF+ annotation text
};

struct SimulatedArtifact {
  std::string kind;  ///< "blink", "muscle", "electrode_pop", "movement"
  double onset_s = 0, offset_s = 0;
  std::vector<std::string> electrodes;  ///< canonical electrode names
  std::vector<std::string> channels;    ///< output channel labels touched
  std::string annotation;
};

struct SimulatedBadChannel {
  std::string electrode;
  std::string kind;                   ///< "flat" or "disconnected"
  std::vector<std::string> channels;  ///< output channel labels touched
};

struct SimulationTruth {
  std::vector<std::string> channel_labels;
  std::vector<SimulatedSeizure> seizures;
  std::vector<SimulatedArtifact> artifacts;
  std::vector<SimulatedBadChannel> bad_channels;
  double duration_s = 0;
  int sample_rate_hz = 0;
};

/// Streaming generator: plan at construction, then samples in time order.
class SimulationGenerator {
 public:
  /// Throws std::invalid_argument for an inconsistent configuration (e.g. more seizures than fit).
  explicit SimulationGenerator(const SimulationConfig& config);
  ~SimulationGenerator();
  SimulationGenerator(SimulationGenerator&&) noexcept;
  SimulationGenerator& operator=(SimulationGenerator&&) noexcept;

  const SimulationConfig& config() const noexcept;
  const SimulationTruth& truth() const noexcept;
  const std::vector<std::string>& channel_labels() const noexcept;
  std::int64_t total_samples() const noexcept;
  std::int64_t position() const noexcept;

  /// Generates the next min(count, remaining) samples of every channel, in microvolts, into
  /// out[channel * stride + k]; stride >= count. Returns how many samples were generated. The
  /// result does not depend on how the recording is cut into chunks.
  std::int64_t generate(double* out, std::int64_t count, std::int64_t stride);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The truth as JSON text (the sidecar format documented in docs/simulator.md).
std::string truth_to_json(const SimulationTruth& truth, const SimulationConfig& config);

/// Writes the recording to `edf_path` (EDF+ or BDF+, 1 s records, seizures and artifacts as
/// annotations) and the truth to `json_path` (empty: `edf_path` with extension .json). Both files
/// are written atomically. Returns the truth.
SimulationTruth simulate_to_edf(const SimulationConfig& config,
                                const std::filesystem::path& edf_path,
                                const std::filesystem::path& json_path = {});

}  // namespace ictaltrack

namespace ictaltrack {

const char* to_string(SimulatedMontage montage) noexcept;  ///< "referential", "bipolar"
const char* to_string(LabelStyle style) noexcept;  ///< "plain", "eeg-ref", "linked-ears", "average"
const char* to_string(BadChannelKind kind) noexcept;  ///< "none", "flat", "disconnected"
/// Parse the names above; throw std::invalid_argument naming the allowed values.
SimulatedMontage parse_simulated_montage(const std::string& name);
LabelStyle parse_label_style(const std::string& name);
BadChannelKind parse_bad_channel_kind(const std::string& name);

/// Calls visit(name, field) for every configuration field, in a fixed order, so that bindings
/// and the JSON sidecar share one list. Field types: std::uint64_t, int, double, bool,
/// std::string, SimulatedMontage, LabelStyle, BadChannelKind, EdfFileType. Artifact processes
/// appear as two fields, "<name>" (bool) and "<name>_per_hour" (double); the start date-time as
/// "start_year" ... "start_second" (int).
template <typename Config, typename Visitor>
void for_each_config_field(Config& c, Visitor&& visit) {
  visit("seed", c.seed);
  visit("duration_s", c.duration_s);
  visit("sample_rate_hz", c.sample_rate_hz);
  visit("montage", c.montage);
  visit("label_style", c.label_style);
  visit("new_temporal_names", c.new_temporal_names);
  visit("file_type", c.file_type);
  visit("start_year", c.start.year);
  visit("start_month", c.start.month);
  visit("start_day", c.start.day);
  visit("start_hour", c.start.hour);
  visit("start_minute", c.start.minute);
  visit("start_second", c.start.second);
  visit("background_rms_uv", c.background_rms_uv);
  visit("spatial_correlation", c.spatial_correlation);
  visit("delta_peak_hz", c.delta_peak_hz);
  visit("theta_peak_hz", c.theta_peak_hz);
  visit("channel_gain_spread", c.channel_gain_spread);
  visit("amplifier_noise_uv", c.amplifier_noise_uv);
  visit("line_noise_hz", c.line_noise_hz);
  visit("line_noise_uv", c.line_noise_uv);
  visit("n_seizures", c.n_seizures);
  visit("first_onset_min_s", c.first_onset_min_s);
  visit("first_onset_max_s", c.first_onset_max_s);
  visit("seizure_duration_min_s", c.seizure_duration_min_s);
  visit("seizure_duration_max_s", c.seizure_duration_max_s);
  visit("interval_min_s", c.interval_min_s);
  visit("interval_max_s", c.interval_max_s);
  visit("onset_frequency_min_hz", c.onset_frequency_min_hz);
  visit("onset_frequency_max_hz", c.onset_frequency_max_hz);
  visit("end_frequency_min_hz", c.end_frequency_min_hz);
  visit("end_frequency_max_hz", c.end_frequency_max_hz);
  visit("amplitude_min_uv", c.amplitude_min_uv);
  visit("amplitude_max_uv", c.amplitude_max_uv);
  visit("contralateral_probability", c.contralateral_probability);
  visit("overlap_probability", c.overlap_probability);
  visit("spread_delay_s_per_unit", c.spread_delay_s_per_unit);
  visit("spread_radius", c.spread_radius);
  visit("field_width", c.field_width);
  visit("blinks", c.blinks.enabled);
  visit("blinks_per_hour", c.blinks.per_hour);
  visit("muscle", c.muscle.enabled);
  visit("muscle_per_hour", c.muscle.per_hour);
  visit("electrode_pops", c.electrode_pops.enabled);
  visit("electrode_pops_per_hour", c.electrode_pops.per_hour);
  visit("movement", c.movement.enabled);
  visit("movement_per_hour", c.movement.per_hour);
  visit("bad_channel", c.bad_channel);
  visit("bad_channel_electrode", c.bad_channel_electrode);
}

}  // namespace ictaltrack
