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

#include "ictaltrack/electrodes/electrodes.hpp"
#include "ictaltrack/io/edf_writer.hpp"
#include "ictaltrack/time.hpp"

namespace ictaltrack {

enum class SimulatedMontage {
  referential,     ///< the 19 10-20 electrodes against a common reference
  bipolar_chbmit,  ///< the 23 CHB-MIT double-banana derivations (T8-P8 appears twice, as there)
};

/// How referential channels are labelled (bipolar output always uses CHB-MIT labels).
enum class LabelStyle {
  plain,        ///< "Fp1", "T3"
  eeg_ref,      ///< "EEG FP1-REF"
  linked_ears,  ///< "FP1-LE"
  average,      ///< "Fp1-Avg" (the label only; the data are the same common-reference signals)
};

enum class BadChannelKind { none, flat, disconnected };

/// A random event process: on/off and mean rate (events per hour, Poisson).
struct ArtifactRate {
  bool enabled = true;
  double per_hour = 0;
};

struct SimulationOptions {
  std::uint64_t seed = 1;
  double duration_s = 600;
  int sfreq = 256;  ///< samples per second (Hz) of every channel
  SimulatedMontage montage = SimulatedMontage::referential;
  LabelStyle label_style = LabelStyle::plain;
  bool new_temporal_names = false;  ///< T7/T8/P7/P8 instead of T3/T4/T5/T6 (referential)
  /// FileFormat::edf_plus_c or bdf_plus_c; option "file_type" ("edf"/"bdf", parse_writer_format).
  FileFormat format = FileFormat::edf_plus_c;
  StartDateTime start{2020, 1, 1, 8, 0, 0, 0};  ///< fixed, so files are reproducible

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
  BadChannelKind bad_channel = BadChannelKind::none;
  std::string bad_channel_electrode;  ///< canonical name (e.g. "O1"); empty = drawn from the seed

  // Everything below is off by default and draws from random streams of its own, so a
  // configuration that leaves it off gives exactly the samples and truth of model version 1.

  // Propagation of a seizure beyond its focal field (per seizure, docs/simulator.md).
  double homologous_spread_probability = 0;  ///< to the mirror site in the other hemisphere
  double distant_spread_probability = 0;     ///< to a site outside the focal field
  double generalisation_probability = 0;     ///< secondary generalisation (every electrode)
  double spread_onset_delay_min_s = 2, spread_onset_delay_max_s = 15;  ///< after seizure onset
  double spread_amplitude_min = 0.4, spread_amplitude_max = 1.0;       ///< x the focal amplitude
  double spread_detuning_max_hz = 0.3;  ///< propagated rhythm runs |detuning| <= this off

  // Discharge morphology, one per seizure; the remaining probability is the default
  // near-sinusoidal waveform.
  double sharp_wave_probability = 0;
  double spike_and_wave_probability = 0;
  double polyspike_probability = 0;
  double asymmetric_wave_probability = 0;

  // Normal rhythms and transients that are not seizures (events per hour; 0 = none).
  double posterior_rhythm_per_hour = 0;  ///< posterior dominant rhythm episodes (eyes closed)
  double posterior_rhythm_min_hz = 3.5, posterior_rhythm_max_hz = 6;  ///< infant: 3-6 Hz
  double hypersynchrony_per_hour = 0;  ///< hypnagogic hypersynchrony bursts (drowsy infant)
  double spindles_per_hour = 0;
  double vertex_waves_per_hour = 0;
  double k_complexes_per_hour = 0;
  double bursts_per_hour = 0;      ///< burst-suppression bursts; > 0 also suppresses between
  double suppression_level = 0.2;  ///< background gain between bursts (bursts_per_hour > 0)
  bool state_changes = false;      ///< background alternates wake / quiet / active sleep
  double state_duration_min_s = 1200, state_duration_max_s = 3600;

  // Artifacts that look rhythmic (events per hour; 0 = none) and continuous ones.
  double patting_per_hour = 0;  ///< common-mode 1-2 Hz pulse trains
  double rocking_per_hour = 0;  ///< common-mode 1-2 Hz sway
  double chewing_per_hour = 0;  ///< common-mode 1-4 Hz muscle bursts
  double sweat_per_hour = 0;    ///< slow drifts on a patch of electrodes
  double ecg_uv = 0;            ///< ECG artifact amplitude (R peak at the strongest site); 0 = none
  double heart_rate_bpm = 130;
};

/// Where and when a seizure spread beyond its focal field (the seizure stays one seizure).
struct SimulatedPropagation {
  std::string kind;                 ///< "homologous", "distant" or "generalised"
  Ticks onset = 0;                  ///< first propagated electrode joins (recording time)
  std::string target_electrode;     ///< site the propagated field is centred on ("" generalised)
  Region region = Region::unknown;  ///< of the target (unknown when generalised)
  Hemisphere hemisphere = Hemisphere::unknown;    ///< of the target (bilateral when generalised)
  double amplitude_factor = 0;                    ///< x the seizure's focal amplitude
  double detuning_hz = 0;                         ///< propagated rhythm = seizure rhythm + this
  double phase_lag_rad = 0;                       ///< lag of the propagated rhythm behind the focus
  std::map<std::string, Ticks> electrode_onsets;  ///< electrodes the propagation adds
  std::map<std::string, Ticks> channel_onsets;    ///< output channels it adds
  std::string annotation;
};

struct SimulatedSeizure {
  int index = 0;                    ///< 1-based
  Ticks onset = 0, offset = 0;      ///< from the first sample (whole milliseconds)
  std::string focus_electrode;      ///< canonical electrode name in the configured temporal naming
  Region region = Region::unknown;  ///< of the focus (frontopolar ... occipital)
  Hemisphere hemisphere = Hemisphere::unknown;  ///< of the focus: left or right
  double onset_frequency_hz = 0, end_frequency_hz = 0, amplitude_uv = 0;
  bool overlaps_previous = false;
  std::map<std::string, Ticks> electrode_onsets;  ///< recruited electrodes -> onset
  std::map<std::string, Ticks> channel_onsets;    ///< output channel labels -> onset
  std::string annotation;                         ///< the EDF+ annotation text
  std::string morphology = "sinusoidal";  ///< "sharp_wave", "spike_and_wave", "polyspike", ...
  std::vector<SimulatedPropagation> propagation;  ///< in onset order; empty: stays focal
};

/// An artifact or a normal (non-ictal) background event.
struct SimulatedArtifact {
  std::string kind;  ///< artifacts: "blink", "muscle", "electrode_pop", "movement", "patting",
                     ///< "rocking", "chewing", "sweat", "ecg"; background events:
                     ///< "posterior_rhythm", "hypersynchrony", "spindle", "vertex_wave",
                     ///< "k_complex", "burst", "state_awake", "state_quiet_sleep",
                     ///< "state_active_sleep"
  Ticks onset = 0, offset = 0;
  double frequency_hz = 0;              ///< main rhythm of a rhythmic event; 0: none stated
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
  std::vector<SimulatedArtifact> background_events;  ///< normal rhythms, transients, states
  std::vector<SimulatedBadChannel> bad_channels;
  Ticks duration = 0;  ///< the recording's length (whole seconds)
  int sfreq = 0;       ///< samples per second (Hz)
};

/// Streaming generator: plan at construction, then samples in time order.
class SimulationGenerator {
 public:
  /// Throws std::invalid_argument for an inconsistent configuration (e.g. more seizures than fit).
  explicit SimulationGenerator(const SimulationOptions& config);
  ~SimulationGenerator();
  SimulationGenerator(SimulationGenerator&&) noexcept;
  SimulationGenerator& operator=(SimulationGenerator&&) noexcept;

  const SimulationOptions& config() const noexcept;
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
std::string truth_to_json(const SimulationTruth& truth, const SimulationOptions& config);

/// Writes the recording to `edf_path` (EDF+ or BDF+, 1 s records, seizures and artifacts as
/// annotations) and the truth to `json_path` (empty: `edf_path` with extension .json). Both files
/// are written atomically. Returns the truth.
SimulationTruth simulate_to_edf(const SimulationOptions& config,
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
/// std::string, SimulatedMontage, LabelStyle, BadChannelKind, FileFormat (named "edf"/"bdf" by
/// parse_writer_format/writer_format_name). Artifact processes
/// appear as two fields, "<name>" (bool) and "<name>_per_hour" (double); the start date-time as
/// "start_year" ... "start_second" (int).
template <typename Options, typename Visitor>
void for_each_simulation_option(Options& c, Visitor&& visit) {
  visit("seed", c.seed);
  visit("duration_s", c.duration_s);
  visit("sfreq", c.sfreq);
  visit("montage", c.montage);
  visit("label_style", c.label_style);
  visit("new_temporal_names", c.new_temporal_names);
  visit("file_type", c.format);
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
  visit("homologous_spread_probability", c.homologous_spread_probability);
  visit("distant_spread_probability", c.distant_spread_probability);
  visit("generalisation_probability", c.generalisation_probability);
  visit("spread_onset_delay_min_s", c.spread_onset_delay_min_s);
  visit("spread_onset_delay_max_s", c.spread_onset_delay_max_s);
  visit("spread_amplitude_min", c.spread_amplitude_min);
  visit("spread_amplitude_max", c.spread_amplitude_max);
  visit("spread_detuning_max_hz", c.spread_detuning_max_hz);
  visit("sharp_wave_probability", c.sharp_wave_probability);
  visit("spike_and_wave_probability", c.spike_and_wave_probability);
  visit("polyspike_probability", c.polyspike_probability);
  visit("asymmetric_wave_probability", c.asymmetric_wave_probability);
  visit("posterior_rhythm_per_hour", c.posterior_rhythm_per_hour);
  visit("posterior_rhythm_min_hz", c.posterior_rhythm_min_hz);
  visit("posterior_rhythm_max_hz", c.posterior_rhythm_max_hz);
  visit("hypersynchrony_per_hour", c.hypersynchrony_per_hour);
  visit("spindles_per_hour", c.spindles_per_hour);
  visit("vertex_waves_per_hour", c.vertex_waves_per_hour);
  visit("k_complexes_per_hour", c.k_complexes_per_hour);
  visit("bursts_per_hour", c.bursts_per_hour);
  visit("suppression_level", c.suppression_level);
  visit("state_changes", c.state_changes);
  visit("state_duration_min_s", c.state_duration_min_s);
  visit("state_duration_max_s", c.state_duration_max_s);
  visit("patting_per_hour", c.patting_per_hour);
  visit("rocking_per_hour", c.rocking_per_hour);
  visit("chewing_per_hour", c.chewing_per_hour);
  visit("sweat_per_hour", c.sweat_per_hour);
  visit("ecg_uv", c.ecg_uv);
  visit("heart_rate_bpm", c.heart_rate_bpm);
}

}  // namespace ictaltrack
