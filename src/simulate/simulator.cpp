#include "ictaltrack/simulate/simulator.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <utility>

#include "ictaltrack/errors.hpp"
#include "simulate/random.hpp"
#include "simulate/scalp.hpp"

namespace ictaltrack {

using detail::Random;
using detail::scalp_sites;
using detail::ScalpSite;
using detail::site_distance;

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr int kSites = 21;

// Independent random streams, so that switching one artifact kind off leaves the others (and the
// seizures) unchanged.
enum Stream : std::uint64_t {
  kStreamSeizures = 1,
  kStreamBlinks,
  kStreamMuscle,
  kStreamPops,
  kStreamMovement,
  kStreamBadChannel,
  kStreamBackground,
  kStreamChannels,
  // Streams of the features added in model version 2 (all off by default): separate, so that
  // a configuration that leaves them off keeps the version-1 plan and samples.
  kStreamPropagation,
  kStreamMorphology,
  kStreamPosteriorRhythm,
  kStreamHypersynchrony,
  kStreamSpindles,
  kStreamVertexWaves,
  kStreamKComplexes,
  kStreamBursts,
  kStreamStates,
  kStreamPatting,
  kStreamRocking,
  kStreamChewing,
  kStreamSweat,
  kStreamEventNoise = 1000,
  kStreamNewEventNoise = 1'000'000,
};

std::string shortest(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

double smoothstep(double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return x * x * (3 - 2 * x);
}

// Event times are kept in whole milliseconds: EDF+ annotations hold 100 us steps, so annotation
// and JSON times agree exactly. (Also used to round other drawn parameters to 3 decimals.)
double to_millisecond(double value) { return std::round(value * 1000.0) / 1000.0; }

Hemisphere side_of(const ScalpSite& site) {
  return site.side < 0 ? Hemisphere::left : site.side > 0 ? Hemisphere::right : Hemisphere::midline;
}

std::string site_name(const ScalpSite& site, bool new_names) {
  return new_names ? site.new_name : site.old_name;
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

int site_index(const std::string& name) {
  const auto& sites = scalp_sites();
  const std::string wanted = upper(name);
  for (int i = 0; i < kSites; ++i) {
    if (upper(sites[i].old_name) == wanted || upper(sites[i].new_name) == wanted) return i;
  }
  return -1;
}

struct OutputChannel {
  std::string label;
  int positive = 0;
  int negative = -1;  // -1: referential
};

std::vector<OutputChannel> make_channels(const SimulationOptions& config) {
  std::vector<OutputChannel> channels;
  const auto& sites = scalp_sites();
  if (config.montage == SimulatedMontage::referential) {
    for (int i = 0; i < detail::kReferentialSites; ++i) {
      const std::string name = site_name(sites[i], config.new_temporal_names);
      std::string label;
      switch (config.label_style) {
        case LabelStyle::plain:
          label = name;
          break;
        case LabelStyle::eeg_ref:
          label = "EEG " + upper(name) + "-REF";
          break;
        case LabelStyle::linked_ears:
          label = upper(name) + "-LE";
          break;
        case LabelStyle::average:
          label = name + "-Avg";
          break;
      }
      channels.push_back({label, i, -1});
    }
    return channels;
  }
  // CHB-MIT order (domain notes), T8-P8 twice exactly as in the database.
  static const char* const pairs[][2] = {
      {"FP1", "F7"}, {"F7", "T7"},  {"T7", "P7"},    {"P7", "O1"},   {"FP1", "F3"}, {"F3", "C3"},
      {"C3", "P3"},  {"P3", "O1"},  {"FP2", "F4"},   {"F4", "C4"},   {"C4", "P4"},  {"P4", "O2"},
      {"FP2", "F8"}, {"F8", "T8"},  {"T8", "P8"},    {"P8", "O2"},   {"FZ", "CZ"},  {"CZ", "PZ"},
      {"P7", "T7"},  {"T7", "FT9"}, {"FT9", "FT10"}, {"FT10", "T8"}, {"T8", "P8"}};
  for (const auto& pair : pairs) {
    channels.push_back(
        {std::string(pair[0]) + "-" + pair[1], site_index(pair[0]), site_index(pair[1])});
  }
  return channels;
}

// ---------------------------------------------------------------------------------------------
// Planned events
// ---------------------------------------------------------------------------------------------

// Discharge waveforms as functions of the rhythm's phase p. Sharp shapes come from the closed
// forms of geometric Fourier series, so their harmonic content is exact and cheap to evaluate:
//   sum_{k>=1} a^k cos(kp) = (a cos p - a^2) / (1 - 2a cos p + a^2)   (a narrow symmetric peak)
//   sum_{k>=1} a^k sin(kp) = a sin p / (1 - 2a cos p + a^2)           (a skewed, sawtooth-like
//   wave)
// Harmonic k then has amplitude a^k (power ratio a^(2(k-1)) to the fundamental).
enum class Morphology { Sinusoidal, SharpWave, SpikeAndWave, Polyspike, Asymmetric };
constexpr int kMorphologies = 5;
constexpr double kSharpWaveRatio = 0.7;  // harmonic amplitude ratio of a sharp wave
constexpr double kSpikeRatio = 0.8;      // of the spike in spike-and-wave / polyspikes
constexpr double kAsymmetricRatio = 0.6;

const char* morphology_name(Morphology m) {
  switch (m) {
    case Morphology::Sinusoidal:
      return "sinusoidal";
    case Morphology::SharpWave:
      return "sharp_wave";
    case Morphology::SpikeAndWave:
      return "spike_and_wave";
    case Morphology::Polyspike:
      return "polyspike";
    case Morphology::Asymmetric:
      return "asymmetric";
  }
  return "sinusoidal";
}

double cosine_series(double a, double p) {
  const double c = std::cos(p);
  return (a * c - a * a) / (1 - 2 * a * c + a * a);
}
double sine_series(double a, double p) {
  return a * std::sin(p) / (1 - 2 * a * std::cos(p) + a * a);
}

// Unscaled waveforms, zero mean over a cycle. Negative = surface-negative spike.
double raw_waveform(Morphology m, double p) {
  switch (m) {
    case Morphology::Sinusoidal:
      return std::sin(p) + 0.25 * std::sin(2 * p) + 0.1 * std::sin(3 * p);
    case Morphology::SharpWave:
      return -cosine_series(kSharpWaveRatio, p);
    case Morphology::SpikeAndWave:
      // A spike at p = 0 followed by a slow negative wave (trough 2.2 rad later), which carries
      // most of the fundamental as in a real spike-and-slow-wave complex.
      return -cosine_series(kSpikeRatio, p) - 1.5 * std::cos(p - 2.2);
    case Morphology::Polyspike:
      return -cosine_series(kSpikeRatio, p) - cosine_series(kSpikeRatio, p - 0.6) -
             cosine_series(kSpikeRatio, p - 1.2) - 1.5 * std::cos(p - 2.8);
    case Morphology::Asymmetric:
      return sine_series(kAsymmetricRatio, p);
  }
  return 0;
}

// Scale per morphology that gives every waveform the RMS of the default (sinusoidal) one, so
// morphologies differ in how their power is spread over harmonics, not in how much there is.
const std::array<double, kMorphologies>& waveform_scales() {
  static const std::array<double, kMorphologies> scales = [] {
    constexpr int kPoints = 4096;
    std::array<double, kMorphologies> rms{};
    for (int m = 0; m < kMorphologies; ++m) {
      double sum = 0, sum2 = 0;
      for (int i = 0; i < kPoints; ++i) {
        const double v = raw_waveform(static_cast<Morphology>(m), kTwoPi * i / kPoints);
        sum += v;
        sum2 += v * v;
      }
      const double mean = sum / kPoints;
      rms[m] = std::sqrt(sum2 / kPoints - mean * mean);
    }
    std::array<double, kMorphologies> out{};
    for (int m = 0; m < kMorphologies; ++m) out[m] = rms[0] / rms[m];
    return out;
  }();
  return scales;
}

enum class SpreadKind { Homologous, Distant, Generalised };

const char* spread_name(SpreadKind kind) {
  switch (kind) {
    case SpreadKind::Homologous:
      return "homologous";
    case SpreadKind::Distant:
      return "distant";
    case SpreadKind::Generalised:
      return "generalised";
  }
  return "distant";
}

// A seizure's rhythm reaching sites outside its focal field: the same oscillation, lagged by
// `phase_lag` and detuned by `detuning_hz`, scaled by `amplitude`.
struct SpreadPlan {
  SpreadKind kind = SpreadKind::Homologous;
  int target = -1;  // -1 when generalised
  double onset = 0, amplitude = 0, detuning_hz = 0, phase_lag = 0;
  std::array<double, kSites> weight{};
  std::array<double, kSites> recruitment{};
  std::array<double, kSites> site_lag{};
};

struct SeizurePlan {
  double onset = 0, offset = 0;  // seconds
  int focus = 0;
  double onset_hz = 0, end_hz = 0, amplitude = 0;
  std::array<double, kSites> weight{};       // 0 = not recruited
  std::array<double, kSites> recruitment{};  // seconds
  std::array<double, kSites> phase_lag{};    // radians
  Morphology morphology = Morphology::Sinusoidal;
  std::vector<SpreadPlan> spread;  // in onset order
};

double waveform(Morphology m, double p) {
  if (m == Morphology::Sinusoidal) return raw_waveform(m, p);
  return waveform_scales()[static_cast<int>(m)] * raw_waveform(m, p);
}

enum class ArtifactKind {
  Blink,
  Muscle,
  Pop,
  Movement,
  // Model version 2: rhythmic and continuous artifacts ...
  Patting,
  Rocking,
  Chewing,
  Sweat,
  // ... and normal background events (truth: background_events).
  PosteriorRhythm,
  Hypersynchrony,
  Spindle,
  VertexWave,
  KComplex,
  Burst,
};

bool is_background_event(ArtifactKind kind) { return kind >= ArtifactKind::PosteriorRhythm; }

struct ArtifactPlan {
  ArtifactKind kind = ArtifactKind::Blink;
  double onset = 0, offset = 0;
  double amplitude = 0, parameter = 0;  // parameter: pop time constant / movement frequency
  // Model version 2 kinds: rhythm frequency (Hz), second frequency or modulation (Hz), phases.
  double frequency = 0, frequency2 = 0, phase = 0, phase2 = 0;
  std::array<double, kSites> weight{};
  std::uint64_t noise_seed = 0;
};

const char* artifact_name(ArtifactKind kind) {
  switch (kind) {
    case ArtifactKind::Blink:
      return "blink";
    case ArtifactKind::Muscle:
      return "muscle";
    case ArtifactKind::Pop:
      return "electrode_pop";
    case ArtifactKind::Movement:
      return "movement";
    case ArtifactKind::Patting:
      return "patting";
    case ArtifactKind::Rocking:
      return "rocking";
    case ArtifactKind::Chewing:
      return "chewing";
    case ArtifactKind::Sweat:
      return "sweat";
    case ArtifactKind::PosteriorRhythm:
      return "posterior_rhythm";
    case ArtifactKind::Hypersynchrony:
      return "hypersynchrony";
    case ArtifactKind::Spindle:
      return "spindle";
    case ArtifactKind::VertexWave:
      return "vertex_wave";
    case ArtifactKind::KComplex:
      return "k_complex";
    case ArtifactKind::Burst:
      return "burst";
  }
  return "artifact";
}

void validate(const SimulationOptions& c) {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument("SimulationOptions: " + message);
  };
  auto range = [&](double low, double high, const char* name) {
    require(std::isfinite(low) && std::isfinite(high) && low <= high,
            std::string(name) + " minimum must not exceed the maximum");
  };
  auto probability = [&](double p, const char* name) {
    require(p >= 0 && p <= 1, std::string(name) + " must be in [0, 1]");
  };
  require(c.duration_s >= 1 && c.duration_s <= 7 * 24 * 3600.0,
          "duration_s must be between 1 s and 7 days");
  require(c.sfreq >= 64 && c.sfreq <= 4096, "sfreq must be 64..4096");
  require(c.background_rms_uv >= 0 && c.amplifier_noise_uv >= 0 && c.line_noise_uv >= 0,
          "amplitudes must be >= 0");
  require(c.line_noise_hz >= 0 && c.line_noise_hz < c.sfreq / 2.0,
          "line_noise_hz must be below the Nyquist frequency");
  require(c.spatial_correlation > 0 && c.field_width > 0, "length scales must be > 0");
  require(c.delta_peak_hz > 0 && c.theta_peak_hz > 0 && c.theta_peak_hz < c.sfreq / 2.0,
          "rhythm peaks must be in (0, Nyquist)");
  require(c.channel_gain_spread >= 0 && c.channel_gain_spread < 0.5,
          "channel_gain_spread must be in [0, 0.5)");
  range(c.first_onset_min_s, c.first_onset_max_s, "first_onset");
  require(c.first_onset_min_s >= 0, "first_onset_min_s must be >= 0");
  range(c.seizure_duration_min_s, c.seizure_duration_max_s, "seizure_duration");
  require(c.seizure_duration_min_s >= 10, "seizure_duration_min_s must be >= 10 s");
  range(c.interval_min_s, c.interval_max_s, "interval");
  require(c.interval_min_s >= 0, "interval_min_s must be >= 0");
  range(c.onset_frequency_min_hz, c.onset_frequency_max_hz, "onset_frequency");
  range(c.end_frequency_min_hz, c.end_frequency_max_hz, "end_frequency");
  require(c.end_frequency_min_hz > 0 && c.onset_frequency_max_hz < c.sfreq / 4.0,
          "seizure frequencies must be in (0, sample_rate / 4)");
  range(c.amplitude_min_uv, c.amplitude_max_uv, "amplitude");
  require(c.amplitude_min_uv >= 0, "amplitude_min_uv must be >= 0");
  probability(c.contralateral_probability, "contralateral_probability");
  probability(c.overlap_probability, "overlap_probability");
  require(c.spread_delay_s_per_unit >= 0 && c.spread_radius >= 0, "spread parameters must be >= 0");
  require(c.n_seizures >= -1, "n_seizures must be >= 0, or -1 for 'as many as fit'");
  probability(c.homologous_spread_probability, "homologous_spread_probability");
  probability(c.distant_spread_probability, "distant_spread_probability");
  probability(c.generalisation_probability, "generalisation_probability");
  range(c.spread_onset_delay_min_s, c.spread_onset_delay_max_s, "spread_onset_delay");
  require(c.spread_onset_delay_min_s >= 0, "spread_onset_delay_min_s must be >= 0");
  range(c.spread_amplitude_min, c.spread_amplitude_max, "spread_amplitude");
  require(c.spread_amplitude_min >= 0 && c.spread_amplitude_max <= 2,
          "spread_amplitude must be within [0, 2]");
  require(c.spread_detuning_max_hz >= 0 && c.spread_detuning_max_hz < c.end_frequency_min_hz,
          "spread_detuning_max_hz must be in [0, end_frequency_min_hz)");
  for (const double p : {c.sharp_wave_probability, c.spike_and_wave_probability,
                         c.polyspike_probability, c.asymmetric_wave_probability}) {
    probability(p, "morphology probabilities");
  }
  require(c.sharp_wave_probability + c.spike_and_wave_probability + c.polyspike_probability +
                  c.asymmetric_wave_probability <=
              1 + 1e-12,
          "the morphology probabilities must add up to at most 1");
  for (const double rate :
       {c.posterior_rhythm_per_hour, c.hypersynchrony_per_hour, c.spindles_per_hour,
        c.vertex_waves_per_hour, c.k_complexes_per_hour, c.bursts_per_hour, c.patting_per_hour,
        c.rocking_per_hour, c.chewing_per_hour, c.sweat_per_hour}) {
    require(std::isfinite(rate) && rate >= 0 && rate <= 3600, "event rates must be 0..3600 / h");
  }
  range(c.posterior_rhythm_min_hz, c.posterior_rhythm_max_hz, "posterior_rhythm");
  require(c.posterior_rhythm_min_hz > 0 && c.posterior_rhythm_max_hz < c.sfreq / 4.0,
          "posterior rhythm frequencies must be in (0, sample_rate / 4)");
  probability(c.suppression_level, "suppression_level");
  range(c.state_duration_min_s, c.state_duration_max_s, "state_duration");
  require(c.state_duration_min_s >= 60, "state_duration_min_s must be >= 60 s");
  require(std::isfinite(c.ecg_uv) && c.ecg_uv >= 0 && c.ecg_uv <= 1000, "ecg_uv must be 0..1000");
  require(c.heart_rate_bpm >= 30 && c.heart_rate_bpm <= 250, "heart_rate_bpm must be 30..250");
  for (const auto* rate : {&c.blinks, &c.muscle, &c.electrode_pops, &c.movement}) {
    require(rate->per_hour >= 0 && rate->per_hour <= 3600, "artifact rates must be 0..3600 / h");
  }
  if (!c.bad_channel_electrode.empty()) {
    const int index = site_index(c.bad_channel_electrode);
    require(index >= 0 && index < detail::kReferentialSites,
            "bad_channel_electrode '" + c.bad_channel_electrode +
                "' is not one of the 19 10-20 electrodes");
  }
}

// Chooses the next focus: the first anywhere; later ones elsewhere (other hemisphere with the
// configured probability, else another region of the same hemisphere); an overlapping seizure
// always starts in the other hemisphere, in another region.
int choose_focus(Random& random, std::optional<int> previous, bool overlapping,
                 double contralateral_probability) {
  const auto& sites = scalp_sites();
  std::vector<int> candidates;
  bool other_side = true;
  if (previous && !overlapping) other_side = random.chance(contralateral_probability);
  for (int i = 0; i < detail::kReferentialSites; ++i) {
    if (sites[i].side == 0) continue;
    if (previous) {
      const auto& last = sites[*previous];
      if (sites[i].region == last.region) continue;
      if (other_side != (sites[i].side != last.side)) continue;
    }
    candidates.push_back(i);
  }
  return candidates[static_cast<std::size_t>(random.below(static_cast<int>(candidates.size())))];
}

// The mirror site of `site` in the other hemisphere (same region, x negated).
int homologous_site(int site) {
  const auto& sites = scalp_sites();
  int best = -1;
  double best_distance = 1e300;
  for (int i = 0; i < detail::kReferentialSites; ++i) {
    if (sites[i].side != -sites[site].side || sites[i].side == 0) continue;
    const double d = std::hypot(sites[i].x + sites[site].x, sites[i].y - sites[site].y);
    if (d < best_distance) {
      best_distance = d;
      best = i;
    }
  }
  return best;
}

// Morphology and propagation of every seizure, from two streams of their own. Every seizure
// consumes the same draws whatever the probabilities, so raising one probability changes only
// the seizures it selects.
void plan_morphology_and_spread(const SimulationOptions& c, std::vector<SeizurePlan>& plans) {
  const auto& sites = scalp_sites();
  Random morphology_random(detail::mix_seed(c.seed, kStreamMorphology));
  Random spread_random(detail::mix_seed(c.seed, kStreamPropagation));
  // Sites of a propagated field: the target and its immediate neighbours.
  const double field_radius = 0.5 * c.spread_radius;
  for (SeizurePlan& p : plans) {
    const double u = morphology_random.uniform();
    const double cumulative[] = {
        c.sharp_wave_probability, c.sharp_wave_probability + c.spike_and_wave_probability,
        c.sharp_wave_probability + c.spike_and_wave_probability + c.polyspike_probability,
        c.sharp_wave_probability + c.spike_and_wave_probability + c.polyspike_probability +
            c.asymmetric_wave_probability};
    const Morphology choices[] = {Morphology::SharpWave, Morphology::SpikeAndWave,
                                  Morphology::Polyspike, Morphology::Asymmetric};
    for (int k = 0; k < 4; ++k) {
      if (u < cumulative[k]) {
        p.morphology = choices[k];
        break;
      }
    }

    // Distant targets: lateral 10-20 sites outside the focal field, other than the mirror site.
    const int mirror = homologous_site(p.focus);
    std::vector<int> distant;
    for (int i = 0; i < detail::kReferentialSites; ++i) {
      if (sites[i].side == 0 || i == mirror) continue;
      if (site_distance(sites[i], sites[p.focus]) > c.spread_radius) distant.push_back(i);
    }
    for (const SpreadKind kind :
         {SpreadKind::Homologous, SpreadKind::Distant, SpreadKind::Generalised}) {
      const double draw = spread_random.uniform();
      const double delay =
          spread_random.uniform(c.spread_onset_delay_min_s, c.spread_onset_delay_max_s);
      SpreadPlan f;
      f.kind = kind;
      f.amplitude =
          to_millisecond(spread_random.uniform(c.spread_amplitude_min, c.spread_amplitude_max));
      f.detuning_hz = to_millisecond(
          spread_random.uniform(-c.spread_detuning_max_hz, c.spread_detuning_max_hz));
      f.phase_lag = to_millisecond(spread_random.uniform(0.3, 1.5));
      const double pick = spread_random.uniform();
      std::array<double, kSites> jitter{};
      for (auto& j : jitter) j = spread_random.uniform(0, 2);
      const double chance = kind == SpreadKind::Homologous ? c.homologous_spread_probability
                            : kind == SpreadKind::Distant  ? c.distant_spread_probability
                                                           : c.generalisation_probability;
      if (draw >= chance) continue;
      f.onset = to_millisecond(p.onset + delay);
      if (f.onset > p.offset - 5.0) continue;  // no time left to show it
      if (kind == SpreadKind::Generalised) {
        // Every electrode joins within 2 s, with the same weight (no focal fall-off).
        for (int e = 0; e < kSites; ++e) {
          f.weight[e] = 1.0;
          f.recruitment[e] = to_millisecond(f.onset + jitter[e]);
          f.site_lag[e] = 0.3 * site_distance(sites[e], sites[p.focus]);
        }
      } else {
        if (kind == SpreadKind::Homologous) {
          f.target = mirror;
        } else {
          if (distant.empty()) continue;
          f.target = distant[static_cast<std::size_t>(
              std::min<double>(pick * static_cast<double>(distant.size()),
                               static_cast<double>(distant.size() - 1)))];
        }
        for (int e = 0; e < kSites; ++e) {
          const double d = site_distance(sites[e], sites[f.target]);
          const double recruitment = to_millisecond(f.onset + d * c.spread_delay_s_per_unit);
          if (d <= field_radius && recruitment < p.offset - 5.0) {
            f.weight[e] = std::exp(-d * d / (2 * c.field_width * c.field_width));
            f.recruitment[e] = recruitment;
            f.site_lag[e] = 0.6 * d;
          }
        }
      }
      p.spread.push_back(f);
    }
    std::stable_sort(p.spread.begin(), p.spread.end(),
                     [](const SpreadPlan& a, const SpreadPlan& b) { return a.onset < b.onset; });
  }
}

std::vector<SeizurePlan> plan_seizures(const SimulationOptions& c, double duration) {
  Random random(detail::mix_seed(c.seed, kStreamSeizures));
  const auto& sites = scalp_sites();
  constexpr double kTail = 10;  // the last seizure ends at least this long before the end

  struct Draw {
    double duration;
    bool overlap;
    double gap;               // offset of everything before -> onset (non-overlapping)
    double overlap_fraction;  // onset = previous onset + fraction * previous duration
    int focus;
    double onset_hz, end_hz, amplitude;
  };
  std::vector<Draw> draws;
  const double lead = random.uniform(c.first_onset_min_s, c.first_onset_max_s);
  std::optional<int> previous;
  const int limit = c.n_seizures >= 0 ? c.n_seizures : 1'000'000;
  double end = lead, last_onset = lead, last_duration = 0;
  for (int k = 0; k < limit; ++k) {
    Draw d{};
    d.duration = random.uniform(c.seizure_duration_min_s, c.seizure_duration_max_s);
    d.overlap = k > 0 && random.chance(c.overlap_probability);
    d.gap = random.uniform(c.interval_min_s, c.interval_max_s);
    d.overlap_fraction = random.uniform(0.3, 0.7);
    d.focus = choose_focus(random, previous, d.overlap, c.contralateral_probability);
    // Rounded to 3 decimals so that the truth file reads well and states the exact values used.
    d.onset_hz = to_millisecond(random.uniform(c.onset_frequency_min_hz, c.onset_frequency_max_hz));
    d.end_hz = to_millisecond(random.uniform(c.end_frequency_min_hz, c.end_frequency_max_hz));
    d.amplitude = to_millisecond(random.uniform(c.amplitude_min_uv, c.amplitude_max_uv));
    double onset = 0;
    if (k == 0) {
      onset = lead;
    } else if (d.overlap) {
      onset = last_onset + d.overlap_fraction * last_duration;
    } else {
      onset = end + d.gap;
    }
    if (c.n_seizures < 0 && onset + d.duration > duration - kTail) break;
    draws.push_back(d);
    previous = d.focus;
    last_onset = onset;
    last_duration = d.duration;
    end = std::max(end, onset + d.duration);
  }

  // Lay the seizures out; with a fixed count, shrink the lead and the gaps until they fit.
  auto lay_out = [&](double scale) {
    std::vector<std::pair<double, double>> times;
    double end_so_far = 0;
    for (std::size_t k = 0; k < draws.size(); ++k) {
      double onset = 0;
      if (k == 0) {
        onset = lead * scale;
      } else if (draws[k].overlap) {
        onset = times.back().first + draws[k].overlap_fraction * draws[k - 1].duration;
      } else {
        onset = end_so_far + draws[k].gap * scale;
      }
      times.emplace_back(to_millisecond(onset), to_millisecond(onset + draws[k].duration));
      end_so_far = std::max(end_so_far, times.back().second);
    }
    return std::make_pair(times, end_so_far);
  };
  auto [times, last_end] = lay_out(1.0);
  if (!draws.empty() && last_end > duration - kTail) {
    const auto [tight, tight_end] = lay_out(0.0);
    const double free_time = duration - kTail - tight_end;
    if (free_time < 0) {
      throw std::invalid_argument("SimulationOptions: " + std::to_string(draws.size()) +
                                  " seizures of " + shortest(c.seizure_duration_min_s) + "-" +
                                  shortest(c.seizure_duration_max_s) + " s do not fit into " +
                                  shortest(duration) +
                                  " s; lengthen duration_s or shorten the seizures");
    }
    const double stretchable = last_end - tight_end;
    std::tie(times, last_end) = lay_out(free_time / stretchable);
  }

  std::vector<SeizurePlan> plans;
  for (std::size_t k = 0; k < draws.size(); ++k) {
    const Draw& d = draws[k];
    SeizurePlan p;
    p.onset = times[k].first;
    p.offset = times[k].second;
    p.focus = d.focus;
    p.onset_hz = d.onset_hz;
    p.end_hz = d.end_hz;
    p.amplitude = d.amplitude;
    for (int e = 0; e < kSites; ++e) {
      const double distance = site_distance(sites[e], sites[d.focus]);
      const double recruitment = to_millisecond(p.onset + distance * c.spread_delay_s_per_unit);
      // An electrode joins only if it is near enough and there is time left to show it.
      if (distance <= c.spread_radius && recruitment < p.offset - 5.0) {
        p.weight[e] = std::exp(-distance * distance / (2 * c.field_width * c.field_width));
        p.recruitment[e] = recruitment;
        p.phase_lag[e] = 0.6 * distance;
      }
    }
    plans.push_back(p);
  }
  plan_morphology_and_spread(c, plans);
  return plans;
}

// `bad_site`: the flat/disconnected electrode (or -1); an electrode pop never picks it, since
// nothing would show.
std::vector<ArtifactPlan> plan_artifacts(const SimulationOptions& c, double duration,
                                         int bad_site) {
  std::vector<ArtifactPlan> plans;
  auto poisson = [&](const ArtifactRate& rate, Stream stream, auto&& make) {
    if (!rate.enabled || rate.per_hour <= 0) return;
    Random random(detail::mix_seed(c.seed, stream));
    const double mean_gap = 3600.0 / rate.per_hour;
    double t = random.exponential(mean_gap);
    while (t < duration - 10) {
      ArtifactPlan a;
      a.onset = to_millisecond(std::max(t, 1.0));
      a.noise_seed = detail::mix_seed(c.seed, kStreamEventNoise + plans.size() * 16 + stream);
      make(random, a);
      a.offset = to_millisecond(std::min(a.offset, duration - 1));
      plans.push_back(a);
      t += random.exponential(mean_gap);
    }
  };
  auto set_weight = [&](ArtifactPlan& a, const char* name, double weight) {
    a.weight[site_index(name)] = weight;
  };
  poisson(c.blinks, kStreamBlinks, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::Blink;
    a.offset = a.onset + r.uniform(0.25, 0.45);
    a.amplitude = r.uniform(80, 200);
    set_weight(a, "Fp1", 1.0);
    set_weight(a, "Fp2", 1.0);
    for (const char* name : {"F3", "F4", "F7", "F8", "Fz"}) set_weight(a, name, 0.3);
  });
  poisson(c.muscle, kStreamMuscle, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::Muscle;
    a.offset = a.onset + r.uniform(1.0, 5.0);
    a.amplitude = r.uniform(20, 60);
    const bool left = r.chance(0.5);
    for (const char* name :
         left ? std::array{"F7", "T3", "T5", "FT9"} : std::array{"F8", "T4", "T6", "FT10"}) {
      set_weight(a, name, 1.0);
    }
  });
  poisson(c.electrode_pops, kStreamPops, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::Pop;
    a.parameter = r.uniform(0.15, 0.5);  // decay time constant (s)
    a.offset = a.onset + 5 * a.parameter;
    a.amplitude = r.uniform(100, 300) * (r.chance(0.5) ? 1 : -1);
    int site = r.below(detail::kReferentialSites);
    if (site == bad_site) site = (site + 1) % detail::kReferentialSites;
    a.weight[static_cast<std::size_t>(site)] = 1.0;
  });
  poisson(c.movement, kStreamMovement, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::Movement;
    a.offset = a.onset + r.uniform(2.0, 8.0);
    a.amplitude = r.uniform(150, 400);
    a.parameter = r.uniform(0.3, 1.0);  // sway frequency (Hz)
    for (int e = 0; e < kSites; ++e) a.weight[e] = r.uniform(0.5, 1.0);
  });

  // Model version 2 event kinds (rates default to 0). Their per-event noise seeds come from a
  // range of stream ids of their own.
  auto events = [&](double per_hour, Stream stream, auto&& make) {
    if (per_hour <= 0) return;
    Random random(detail::mix_seed(c.seed, stream));
    const double mean_gap = 3600.0 / per_hour;
    double t = random.exponential(mean_gap);
    while (t < duration - 10) {
      ArtifactPlan a;
      a.onset = to_millisecond(std::max(t, 1.0));
      a.noise_seed = detail::mix_seed(c.seed, kStreamNewEventNoise + plans.size() * 64 + stream);
      make(random, a);
      a.offset = to_millisecond(std::min(a.offset, duration - 1));
      a.frequency = to_millisecond(a.frequency);
      a.frequency2 = to_millisecond(a.frequency2);
      plans.push_back(a);
      t += random.exponential(mean_gap);
    }
  };
  const auto& sites = scalp_sites();
  // Weights that fall with distance from a point of the head map, over every site.
  auto field = [&](ArtifactPlan& a, double x, double y, double width, double floor) {
    for (int e = 0; e < kSites; ++e) {
      const double d = std::hypot(sites[e].x - x, sites[e].y - y);
      const double w = std::exp(-d * d / (2 * width * width));
      a.weight[e] = w >= floor ? w : 0.0;
    }
  };
  events(c.posterior_rhythm_per_hour, kStreamPosteriorRhythm, [&](Random& r, ArtifactPlan& a) {
    // Eyes closed / quiet wakefulness: a bilateral, in-phase occipito-parietal rhythm that
    // waxes and wanes (modulation period 8-30 s) for 20 s to 3 min.
    a.kind = ArtifactKind::PosteriorRhythm;
    a.offset = a.onset + r.uniform(20, 180);
    a.amplitude = r.uniform(30, 70);
    a.frequency = r.uniform(c.posterior_rhythm_min_hz, c.posterior_rhythm_max_hz);
    a.frequency2 = 1 / r.uniform(8, 30);
    a.phase = r.uniform(0, kTwoPi);
    a.phase2 = r.uniform(0, kTwoPi);
    field(a, 0.0, -0.8, 0.35, 0.05);
  });
  events(c.hypersynchrony_per_hour, kStreamHypersynchrony, [&](Random& r, ArtifactPlan& a) {
    // Drowsy infant: diffuse, high-amplitude 3-5 Hz bursts, frontocentral maximum.
    a.kind = ArtifactKind::Hypersynchrony;
    a.offset = a.onset + r.uniform(2, 10);
    a.amplitude = r.uniform(100, 250);
    a.frequency = r.uniform(3, 5);
    a.phase = r.uniform(0, kTwoPi);
    field(a, 0.0, 0.2, 0.8, 0.0);
  });
  events(c.spindles_per_hour, kStreamSpindles, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::Spindle;
    a.offset = a.onset + r.uniform(0.5, 2);
    a.amplitude = r.uniform(15, 40);
    a.frequency = r.uniform(11, 15);
    a.phase = r.uniform(0, kTwoPi);
    field(a, 0.0, 0.0, 0.4, 0.1);
  });
  events(c.vertex_waves_per_hour, kStreamVertexWaves, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::VertexWave;
    a.offset = a.onset + r.uniform(0.15, 0.3);
    a.amplitude = r.uniform(60, 150);
    field(a, 0.0, 0.0, 0.35, 0.1);
  });
  events(c.k_complexes_per_hour, kStreamKComplexes, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::KComplex;
    a.offset = a.onset + r.uniform(0.5, 1.0);
    a.amplitude = r.uniform(100, 250);
    field(a, 0.0, 0.2, 0.45, 0.1);
  });
  events(c.bursts_per_hour, kStreamBursts, [&](Random& r, ArtifactPlan& a) {
    // Burst of a burst-suppression pattern: bilateral, mixed delta and theta, 1-6 s.
    a.kind = ArtifactKind::Burst;
    a.offset = a.onset + r.uniform(1, 6);
    a.amplitude = r.uniform(80, 250);
    a.frequency = r.uniform(0.5, 2);
    a.frequency2 = r.uniform(3, 8);
    a.phase = r.uniform(0, kTwoPi);
    a.phase2 = r.uniform(0, kTwoPi);
    for (int e = 0; e < kSites; ++e) a.weight[e] = r.uniform(0.6, 1.0);
  });
  // Common-mode rhythmic artifacts: the movement reaches the recording through the reference
  // (or the whole cap), so every electrode carries the same waveform from the same sample, with
  // gains 0.85-1; bipolar derivations keep only the small differences.
  auto common_mode = [&](Random& r, ArtifactPlan& a) {
    a.offset = a.onset + r.uniform(5, 20);
    a.phase = r.uniform(0, kTwoPi);
    for (int e = 0; e < kSites; ++e) a.weight[e] = r.uniform(0.85, 1.0);
  };
  events(c.patting_per_hour, kStreamPatting, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::Patting;
    a.frequency = r.uniform(1, 2);
    a.amplitude = r.uniform(150, 400);  // peak of each pat
    common_mode(r, a);
  });
  events(c.rocking_per_hour, kStreamRocking, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::Rocking;
    a.frequency = r.uniform(1, 2);
    a.amplitude = r.uniform(100, 300);
    a.phase2 = r.uniform(0, kTwoPi);
    common_mode(r, a);
  });
  events(c.chewing_per_hour, kStreamChewing, [&](Random& r, ArtifactPlan& a) {
    a.kind = ArtifactKind::Chewing;
    a.frequency = r.uniform(1, 4);
    a.amplitude = r.uniform(40, 120);
    common_mode(r, a);
  });
  events(c.sweat_per_hour, kStreamSweat, [&](Random& r, ArtifactPlan& a) {
    // Sweat: a large slow drift (0.02-0.3 Hz) on a patch of electrodes, 30 s to 5 min.
    a.kind = ArtifactKind::Sweat;
    a.offset = a.onset + r.uniform(30, 300);
    a.amplitude = r.uniform(100, 400);
    a.frequency = r.uniform(0.02, 0.08);
    a.frequency2 = r.uniform(0.1, 0.3);
    a.phase = r.uniform(0, kTwoPi);
    a.phase2 = r.uniform(0, kTwoPi);
    int centre = r.below(detail::kReferentialSites);
    if (centre == bad_site) centre = (centre + 1) % detail::kReferentialSites;
    field(a, sites[centre].x, sites[centre].y, 0.3, 0.1);
  });
  std::stable_sort(plans.begin(), plans.end(),
                   [](const auto& a, const auto& b) { return a.onset < b.onset; });
  return plans;
}

// ---------------------------------------------------------------------------------------------
// Background: per scalp site one source = 1/f noise + delta and theta rhythms; sites mix the
// sources with weights that fall with distance (volume conduction, shared generators).
// ---------------------------------------------------------------------------------------------

constexpr int kPinkPoles = 7;  // one-pole low-passes at 0.5, 1, ..., 32 Hz, one per octave

// Variance of x[n] = 2 r cos(w) x[n-1] - r^2 x[n-2] + e[n] for unit-variance white e.
double resonator_variance(double r, double w) {
  const double phi1 = 2 * r * std::cos(w), phi2 = -r * r;
  return (1 - phi2) / ((1 + phi2) * ((1 - phi2) * (1 - phi2) - phi1 * phi1));
}

struct Resonator {
  double a1 = 0, a2 = 0, scale = 1;
  double y1 = 0, y2 = 0;
  void design(double peak_hz, double bandwidth_hz, double fs) {
    const double r = std::exp(-std::numbers::pi * bandwidth_hz / fs);
    const double w = kTwoPi * peak_hz / fs;
    a1 = 2 * r * std::cos(w);
    a2 = -r * r;
    scale = 1 / std::sqrt(resonator_variance(r, w));
  }
  double step(double input) {
    const double y = a1 * y1 + a2 * y2 + input;
    y2 = y1;
    y1 = y;
    return y * scale;
  }
};

struct SourceState {
  std::array<double, kPinkPoles> pink{};
  Resonator delta, theta;
};

// Background states (state_changes): weights of 1/f, delta and theta, and overall gain. Awake
// is the version-1 background; quiet sleep is slower and larger, active sleep flatter.
enum class BackgroundState { Awake, QuietSleep, ActiveSleep };
struct BackgroundMix {
  double pink, delta, theta, gain;
};
constexpr BackgroundMix kStateMix[] = {
    {0.55, 0.70, 0.45, 1.0}, {0.45, 0.95, 0.25, 1.5}, {0.65, 0.55, 0.55, 0.85}};
constexpr double kStateCrossfadeS = 60;

const char* state_name(BackgroundState state) {
  switch (state) {
    case BackgroundState::Awake:
      return "state_awake";
    case BackgroundState::QuietSleep:
      return "state_quiet_sleep";
    case BackgroundState::ActiveSleep:
      return "state_active_sleep";
  }
  return "state_awake";
}

struct StatePlan {
  double onset = 0, offset = 0;
  BackgroundState state = BackgroundState::Awake;
};

std::vector<StatePlan> plan_states(const SimulationOptions& c, double duration) {
  std::vector<StatePlan> states;
  if (!c.state_changes) return states;
  Random random(detail::mix_seed(c.seed, kStreamStates));
  auto state = static_cast<BackgroundState>(random.below(3));
  double t = 0;
  while (t < duration) {
    const double length = random.uniform(c.state_duration_min_s, c.state_duration_max_s);
    const double end = std::min(duration, to_millisecond(t + length));
    states.push_back({t, end, state});
    t = end;
    // The next state is one of the two others.
    state = static_cast<BackgroundState>((static_cast<int>(state) + 1 + random.below(2)) % 3);
  }
  return states;
}

// ECG as seen on the scalp: a QRS complex and a T wave, `tau` seconds into the beat (peak 1).
double ecg_beat(double tau) {
  auto bump = [](double x, double centre, double width) {
    const double z = (x - centre) / width;
    return std::exp(-0.5 * z * z);
  };
  return bump(tau, 0.10, 0.008) - 0.15 * bump(tau, 0.08, 0.006) - 0.2 * bump(tau, 0.12, 0.008) +
         0.25 * bump(tau, 0.32, 0.04);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct SimulationGenerator::Impl {
  SimulationOptions config;
  SimulationTruth truth;
  std::vector<OutputChannel> channels;
  std::vector<SeizurePlan> seizures;
  std::vector<ArtifactPlan> artifacts;
  int bad_site = -1;
  double fs = 256;
  std::int64_t total = 0, position = 0;

  // Background.
  Random background_noise{0};
  std::array<double, kPinkPoles> pink_alpha{}, pink_weight{};
  double pink_scale = 1;
  std::array<SourceState, kSites> sources{};
  std::array<std::array<double, kSites>, kSites> mixing{};
  std::array<double, kSites> site_gain{};
  std::array<double, kSites> line_amplitude{}, line_phase{};

  // Events in progress (indices into seizures / artifacts) and their running state.
  std::size_t next_seizure = 0, next_artifact = 0;
  std::vector<std::size_t> active_seizures, active_artifacts;
  std::vector<double> seizure_phase;
  std::vector<std::optional<Random>> artifact_noise;
  std::vector<std::array<double, kSites>> muscle_previous;

  std::array<double, kSites> site_value{};

  // Model version 2 background: mixing weights and gain (version-1 values unless state changes
  // or burst-suppression are on), states, ECG.
  double mix_pink = 0.55, mix_delta = 0.70, mix_theta = 0.45, background_gain = 1.0;
  std::vector<StatePlan> states;
  std::size_t state_index = 0;
  std::array<double, kSites> ecg_weight{};
  double ecg_beat_time = 0, ecg_period = 0;

  explicit Impl(const SimulationOptions& c);
  void update_background_mix(double t);
  void add_event(std::size_t i, double t);
  void plan_background();
  void build_truth();
  void background_step(std::array<double, kSites>& out);
  void sample(std::int64_t n, double* out, std::int64_t stride, std::int64_t k);
};

SimulationGenerator::Impl::Impl(const SimulationOptions& c) : config(c) {
  validate(config);
  fs = config.sfreq;
  const auto seconds = static_cast<std::int64_t>(std::ceil(config.duration_s - 1e-9));
  total = seconds * config.sfreq;
  const auto duration = static_cast<double>(seconds);
  channels = make_channels(config);
  seizures = plan_seizures(config, duration);
  if (config.bad_channel != BadChannelKind::none) {
    Random random(detail::mix_seed(config.seed, kStreamBadChannel));
    bad_site = config.bad_channel_electrode.empty() ? random.below(detail::kReferentialSites)
                                                    : site_index(config.bad_channel_electrode);
  }
  artifacts = plan_artifacts(config, duration, bad_site);
  states = plan_states(config, duration);
  if (config.ecg_uv > 0) {
    // The heart's field on the head: largest at the left posterior sites, weakest frontal right.
    const auto& sites = scalp_sites();
    double peak = 0;
    for (int e = 0; e < kSites; ++e) {
      ecg_weight[e] = std::max(0.1, 0.55 - 0.35 * sites[e].x - 0.35 * sites[e].y);
      peak = std::max(peak, ecg_weight[e]);
    }
    for (auto& w : ecg_weight) w /= peak;
    ecg_period = 60.0 / config.heart_rate_bpm;
    ecg_beat_time = 0.5 * ecg_period;
  }
  seizure_phase.assign(seizures.size(), 0.0);
  artifact_noise.resize(artifacts.size());
  muscle_previous.resize(artifacts.size());
  truth.duration = seconds_to_ticks(duration);
  truth.sfreq = config.sfreq;
  plan_background();
  build_truth();
}

void SimulationGenerator::Impl::plan_background() {
  const auto& sites = scalp_sites();
  // Weights ~ f^-1/2 per octave make the parallel one-pole bank (one shared white input) fall
  // as 1/f in power between 0.5 and 32 Hz; the variance of the sum is worked out exactly.
  for (int k = 0; k < kPinkPoles; ++k) {
    const double corner = 0.5 * std::ldexp(1.0, k);
    pink_alpha[k] = std::exp(-kTwoPi * corner / fs);
    pink_weight[k] = 1 / std::sqrt(corner);
  }
  double variance = 0;
  for (int i = 0; i < kPinkPoles; ++i) {
    for (int j = 0; j < kPinkPoles; ++j) {
      variance += pink_weight[i] * pink_weight[j] * (1 - pink_alpha[i]) * (1 - pink_alpha[j]) /
                  (1 - pink_alpha[i] * pink_alpha[j]);
    }
  }
  pink_scale = 1 / std::sqrt(variance);
  for (auto& source : sources) {
    source.delta.design(config.delta_peak_hz, 1.0, fs);
    source.theta.design(config.theta_peak_hz, 2.0, fs);
  }
  const double length = config.spatial_correlation;
  for (int e = 0; e < kSites; ++e) {
    double norm = 0;
    for (int j = 0; j < kSites; ++j) {
      const double d = site_distance(sites[e], sites[j]);
      mixing[e][j] = std::exp(-d * d / (2 * length * length));
      norm += mixing[e][j] * mixing[e][j];
    }
    for (int j = 0; j < kSites; ++j) mixing[e][j] /= std::sqrt(norm);
  }
  Random channel_random(detail::mix_seed(config.seed, kStreamChannels));
  for (int e = 0; e < kSites; ++e) {
    site_gain[e] = std::clamp(1 + config.channel_gain_spread * channel_random.normal(), 0.5, 1.5);
  }
  for (int e = 0; e < kSites; ++e) {
    line_amplitude[e] = config.line_noise_uv * channel_random.uniform(0.5, 1.5);
    line_phase[e] = channel_random.uniform(0, kTwoPi);
  }
  background_noise = Random(detail::mix_seed(config.seed, kStreamBackground));
  // Run the filters for 4 s so that the recording starts in their steady state.
  std::array<double, kSites> discard{};
  for (int n = 0; n < 4 * config.sfreq; ++n) background_step(discard);
}

void SimulationGenerator::Impl::background_step(std::array<double, kSites>& out) {
  std::array<double, kSites> source_value{};
  for (int j = 0; j < kSites; ++j) {
    SourceState& s = sources[j];
    const double white = background_noise.normal();
    double pink = 0;
    for (int k = 0; k < kPinkPoles; ++k) {
      s.pink[k] = pink_alpha[k] * s.pink[k] + (1 - pink_alpha[k]) * white;
      pink += pink_weight[k] * s.pink[k];
    }
    // Infant background: delta dominates, with some theta (weights give unit variance).
    source_value[j] = mix_pink * pink * pink_scale +
                      mix_delta * s.delta.step(background_noise.normal()) +
                      mix_theta * s.theta.step(background_noise.normal());
  }
  const double norm =
      1 / std::sqrt(mix_pink * mix_pink + mix_delta * mix_delta + mix_theta * mix_theta);
  for (int e = 0; e < kSites; ++e) {
    double sum = 0;
    for (int j = 0; j < kSites; ++j) sum += mixing[e][j] * source_value[j];
    out[e] = sum * norm * site_gain[e] * config.background_rms_uv * background_gain;
  }
}

void SimulationGenerator::Impl::update_background_mix(double t) {
  BackgroundMix mix = kStateMix[0];
  if (!states.empty()) {
    while (state_index + 1 < states.size() && states[state_index].offset <= t) ++state_index;
    const StatePlan& now = states[state_index];
    mix = kStateMix[static_cast<int>(now.state)];
    if (state_index > 0 && t - now.onset < kStateCrossfadeS) {
      // Cross-fade from the previous state over the first minute.
      const BackgroundMix& before = kStateMix[static_cast<int>(states[state_index - 1].state)];
      const double w = smoothstep((t - now.onset) / kStateCrossfadeS);
      mix = {before.pink + w * (mix.pink - before.pink),
             before.delta + w * (mix.delta - before.delta),
             before.theta + w * (mix.theta - before.theta),
             before.gain + w * (mix.gain - before.gain)};
    }
  }
  double gain = mix.gain;
  if (config.bursts_per_hour > 0) {
    // Suppressed between bursts; each burst lifts the background back with 0.2 s ramps.
    double lift = 0;
    for (const std::size_t i : active_artifacts) {
      const ArtifactPlan& a = artifacts[i];
      if (a.kind != ArtifactKind::Burst) continue;
      lift = std::max(lift, smoothstep(std::min(t - a.onset, a.offset - t) / 0.2));
    }
    gain *= config.suppression_level + (1 - config.suppression_level) * lift;
  }
  mix_pink = mix.pink;
  mix_delta = mix.delta;
  mix_theta = mix.theta;
  background_gain = gain;
}

// The model version 2 event kinds (rhythmic artifacts and normal background events).
void SimulationGenerator::Impl::add_event(std::size_t i, double t) {
  const ArtifactPlan& a = artifacts[i];
  const double tau = t - a.onset;
  const double length = a.offset - a.onset;
  const double u = tau / length;
  // Fade in and out over `ramp` seconds (at most a third of the event).
  auto taper = [&](double ramp) {
    return smoothstep(std::min(tau, a.offset - t) / std::min(ramp, length / 3));
  };
  const double p = kTwoPi * a.frequency * tau + a.phase;
  double value = 0;
  switch (a.kind) {
    case ArtifactKind::PosteriorRhythm: {
      const double waxing = 0.65 + 0.35 * std::sin(kTwoPi * a.frequency2 * tau + a.phase2);
      value = taper(3.0) * waxing * std::sin(p);
      break;
    }
    case ArtifactKind::Hypersynchrony:
      value = taper(0.5) * (std::sin(p) + 0.2 * std::sin(2 * p));
      break;
    case ArtifactKind::Spindle: {
      const double bump = std::sin(std::numbers::pi * u);
      value = bump * bump * std::sin(p);
      break;
    }
    case ArtifactKind::VertexWave: {
      const double bump = std::sin(std::numbers::pi * u);
      value = -bump * bump * bump;  // a sharp surface-negative transient at the vertex
      break;
    }
    case ArtifactKind::KComplex:
      // A sharp negative wave (first 35 %) followed by a slower positive one.
      value = u < 0.35 ? -std::sin(std::numbers::pi * u / 0.35)
                       : 0.6 * std::sin(std::numbers::pi * (u - 0.35) / 0.65);
      break;
    case ArtifactKind::Burst: {
      const double mixed = 0.6 * std::sin(p) +
                           0.4 * std::sin(kTwoPi * a.frequency2 * tau + a.phase2) +
                           0.3 * artifact_noise[i]->normal();
      value = taper(0.2) * mixed;
      break;
    }
    case ArtifactKind::Patting:
      // Sharp pulses at the patting rate: a broadband train (harmonics 0.75^k).
      value = taper(0.5) * -cosine_series(0.75, p) / 3;  // the series peaks at 3 (p = 0)
      break;
    case ArtifactKind::Rocking:
      value = taper(1.0) * (std::sin(p) + 0.3 * std::sin(2 * p + a.phase2));
      break;
    case ArtifactKind::Chewing: {
      // Jaw-muscle bursts once per chew (broadband, the same on every electrode through the
      // reference) riding on a small slow jaw-movement wave.
      const double white = artifact_noise[i]->normal();
      const double high = (white - muscle_previous[i][0]) / std::numbers::sqrt2;
      muscle_previous[i][0] = white;
      const double gate = std::max(0.0, std::sin(p));
      value = taper(0.5) * (1.5 * gate * gate * high + 0.3 * std::sin(p));
      break;
    }
    case ArtifactKind::Sweat:
      value = taper(10.0) * (std::sin(p) + 0.5 * std::sin(kTwoPi * a.frequency2 * tau + a.phase2));
      break;
    default:
      return;
  }
  for (int e = 0; e < kSites; ++e) site_value[e] += a.amplitude * a.weight[e] * value;
}

void SimulationGenerator::Impl::sample(std::int64_t n, double* out, std::int64_t stride,
                                       std::int64_t k) {
  const double t = static_cast<double>(n) / fs;
  // Events first (their start and end do not depend on the background), so that a burst can
  // lift the suppressed background from its first sample.
  while (next_artifact < artifacts.size() && artifacts[next_artifact].onset <= t) {
    artifact_noise[next_artifact].emplace(artifacts[next_artifact].noise_seed);
    active_artifacts.push_back(next_artifact++);
  }
  std::erase_if(active_artifacts, [&](std::size_t i) {
    if (artifacts[i].offset > t) return false;
    artifact_noise[i].reset();
    return true;
  });
  if (!states.empty() || config.bursts_per_hour > 0) update_background_mix(t);
  background_step(site_value);

  // Seizures: start those whose onset has come, drop those that ended.
  while (next_seizure < seizures.size() && seizures[next_seizure].onset <= t) {
    active_seizures.push_back(next_seizure++);
  }
  std::erase_if(active_seizures, [&](std::size_t i) { return seizures[i].offset <= t; });
  for (const std::size_t i : active_seizures) {
    const SeizurePlan& s = seizures[i];
    const double length = s.offset - s.onset;
    const double progress = (t - s.onset) / length;
    // Holds near the onset frequency at first, then slows into delta (geometric interpolation
    // on progress^1.5).
    const double frequency = s.onset_hz * std::pow(s.end_hz / s.onset_hz, std::pow(progress, 1.5));
    seizure_phase[i] += kTwoPi * frequency / fs;
    const double growth = 0.3 + 0.7 * smoothstep(progress / 0.35);
    const double ending = smoothstep((s.offset - t) / std::min(4.0, 0.1 * length));
    for (int e = 0; e < kSites; ++e) {
      if (s.weight[e] == 0 || t < s.recruitment[e]) continue;
      const double recruit = smoothstep((t - s.recruitment[e]) / 3.0);
      const double phase = seizure_phase[i] - s.phase_lag[e];
      const double wave = waveform(s.morphology, phase);
      site_value[e] += s.amplitude * s.weight[e] * growth * ending * recruit * wave;
    }
    // Propagation: the same rhythm, lagged and slightly detuned, from its own onset.
    for (const SpreadPlan& f : s.spread) {
      if (t < f.onset) break;  // in onset order
      const double lagged = seizure_phase[i] + kTwoPi * f.detuning_hz * (t - f.onset) - f.phase_lag;
      for (int e = 0; e < kSites; ++e) {
        if (f.weight[e] == 0 || t < f.recruitment[e]) continue;
        const double recruit = smoothstep((t - f.recruitment[e]) / 3.0);
        const double wave = waveform(s.morphology, lagged - f.site_lag[e]);
        site_value[e] += s.amplitude * f.amplitude * f.weight[e] * growth * ending * recruit * wave;
      }
    }
  }
  for (const std::size_t i : active_artifacts) {
    const ArtifactPlan& a = artifacts[i];
    const double u = (t - a.onset) / (a.offset - a.onset);
    switch (a.kind) {
      case ArtifactKind::Blink: {
        const double bump = std::sin(std::numbers::pi * u);
        for (int e = 0; e < kSites; ++e) site_value[e] += a.amplitude * a.weight[e] * bump * bump;
        break;
      }
      case ArtifactKind::Muscle: {
        // First difference of white noise: power rises towards Nyquist (EMG-like, broadband).
        const double taper = smoothstep(std::min(u, 1 - u) * (a.offset - a.onset) / 0.2);
        for (int e = 0; e < kSites; ++e) {
          if (a.weight[e] == 0) continue;
          const double white = artifact_noise[i]->normal();
          const double high = (white - muscle_previous[i][e]) / std::numbers::sqrt2;
          muscle_previous[i][e] = white;
          site_value[e] += a.amplitude * a.weight[e] * taper * high;
        }
        break;
      }
      case ArtifactKind::Pop: {
        const double decay = std::exp(-(t - a.onset) / a.parameter);
        for (int e = 0; e < kSites; ++e) site_value[e] += a.amplitude * a.weight[e] * decay;
        break;
      }
      case ArtifactKind::Movement: {
        const double window = std::sin(std::numbers::pi * u);
        const double sway = std::sin(kTwoPi * a.parameter * (t - a.onset));
        for (int e = 0; e < kSites; ++e) {
          site_value[e] += a.amplitude * a.weight[e] * window * window * sway;
        }
        break;
      }
      default:
        add_event(i, t);
        break;
    }
  }
  if (config.ecg_uv > 0) {
    // Beat-to-beat period varies by +-3 % with a 3.5 s breathing cycle (sinus arrhythmia).
    ecg_beat_time += 1 / fs;
    if (ecg_beat_time >= ecg_period) {
      ecg_beat_time -= ecg_period;
      ecg_period = 60.0 / config.heart_rate_bpm * (1 + 0.03 * std::sin(kTwoPi * t / 3.5));
    }
    const double beat = config.ecg_uv * ecg_beat(ecg_beat_time);
    for (int e = 0; e < kSites; ++e) site_value[e] += ecg_weight[e] * beat;
  }

  // Amplifier and line noise belong to each electrode's input, so bipolar derivations are exact
  // differences (P7-T7 = -(T7-P7), the repeated T8-P8 is identical) and common hum partly
  // cancels, as in a real recording.
  for (int e = 0; e < kSites; ++e) {
    const double noise = config.amplifier_noise_uv * background_noise.normal();
    const double line =
        config.line_noise_hz > 0
            ? line_amplitude[e] * std::sin(kTwoPi * config.line_noise_hz * t + line_phase[e])
            : 0.0;
    if (e != bad_site) {
      site_value[e] += noise + line;
    } else if (config.bad_channel == BadChannelKind::flat) {
      site_value[e] = 0;  // exactly flat
    } else {
      // An open input loses its EEG, picks up strong mains hum and drifts with large noise.
      const double mains = config.line_noise_hz > 0 ? config.line_noise_hz : 50.0;
      site_value[e] = 60.0 * std::sin(kTwoPi * mains * t) + 10 * noise;
    }
  }
  for (std::size_t ch = 0; ch < channels.size(); ++ch) {
    const OutputChannel& c = channels[ch];
    double value = site_value[c.positive];
    if (c.negative >= 0) value -= site_value[c.negative];
    out[static_cast<std::int64_t>(ch) * stride + k] = value;
  }
}

void SimulationGenerator::Impl::build_truth() {
  const auto& sites = scalp_sites();
  // Bipolar labels are CHB-MIT's (T7/P7...), so the truth names electrodes the same way.
  const bool new_names =
      config.new_temporal_names || config.montage == SimulatedMontage::bipolar_chbmit;
  for (const auto& c : channels) truth.channel_labels.push_back(c.label);
  // The flat/disconnected electrode shows none of the events, so the truth leaves it out.
  auto shows = [&](const std::array<double, kSites>& weight, int e) {
    return e >= 0 && e != bad_site && weight[e] != 0;
  };
  auto channels_touching = [&](const std::array<double, kSites>& weight) {
    std::vector<std::string> labels;
    for (const auto& c : channels) {
      if (shows(weight, c.positive) || shows(weight, c.negative)) {
        if (std::find(labels.begin(), labels.end(), c.label) == labels.end()) {
          labels.push_back(c.label);
        }
      }
    }
    return labels;
  };
  for (std::size_t k = 0; k < seizures.size(); ++k) {
    const SeizurePlan& p = seizures[k];
    SimulatedSeizure s;
    s.index = static_cast<int>(k) + 1;
    s.onset = seconds_to_ticks(p.onset);
    s.offset = seconds_to_ticks(p.offset);
    s.focus_electrode = site_name(sites[p.focus], new_names);
    s.region = sites[p.focus].region;
    s.hemisphere = side_of(sites[p.focus]);
    s.onset_frequency_hz = p.onset_hz;
    s.end_frequency_hz = p.end_hz;
    s.amplitude_uv = p.amplitude;
    for (std::size_t j = 0; j < k; ++j) {
      if (seizures[j].offset > p.onset) s.overlaps_previous = true;
    }
    for (int e = 0; e < kSites; ++e) {
      if (!shows(p.weight, e)) continue;
      // FT9/FT10 exist only in the bipolar montage.
      if (e >= detail::kReferentialSites && config.montage == SimulatedMontage::referential) {
        continue;
      }
      s.electrode_onsets[site_name(sites[e], new_names)] = seconds_to_ticks(p.recruitment[e]);
    }
    for (const auto& c : channels) {
      double onset = 1e300;
      if (shows(p.weight, c.positive)) onset = p.recruitment[c.positive];
      if (shows(p.weight, c.negative)) {
        onset = std::min(onset, p.recruitment[c.negative]);
      }
      if (onset < 1e300) s.channel_onsets[c.label] = seconds_to_ticks(onset);
    }
    s.annotation = "seizure " + std::to_string(s.index) + " " +
                   std::string(to_string(s.hemisphere)) + " " + std::string(to_string(s.region)) +
                   " " + s.focus_electrode;
    s.morphology = morphology_name(p.morphology);
    for (const SpreadPlan& f : p.spread) {
      SimulatedPropagation g;
      g.kind = spread_name(f.kind);
      g.onset = seconds_to_ticks(f.onset);
      if (f.target >= 0) {
        g.target_electrode = site_name(sites[f.target], new_names);
        g.region = sites[f.target].region;
        g.hemisphere = side_of(sites[f.target]);
      } else {
        g.region = Region::unknown;
        g.hemisphere = Hemisphere::bilateral;
      }
      g.amplitude_factor = f.amplitude;
      g.detuning_hz = f.detuning_hz;
      g.phase_lag_rad = f.phase_lag;
      for (int e = 0; e < kSites; ++e) {
        if (!shows(f.weight, e)) continue;
        if (e >= detail::kReferentialSites && config.montage == SimulatedMontage::referential) {
          continue;
        }
        g.electrode_onsets[site_name(sites[e], new_names)] = seconds_to_ticks(f.recruitment[e]);
      }
      for (const auto& c : channels) {
        double onset = 1e300;
        if (shows(f.weight, c.positive)) onset = f.recruitment[c.positive];
        if (shows(f.weight, c.negative)) onset = std::min(onset, f.recruitment[c.negative]);
        if (onset < 1e300) g.channel_onsets[c.label] = seconds_to_ticks(onset);
      }
      // "spread" (not "seizure"): readers that take "seizure ..." annotations as seizures
      // must not count a propagation as one.
      g.annotation = "spread " + std::to_string(s.index) + " " + g.kind +
                     (g.target_electrode.empty() ? "" : " " + g.target_electrode);
      s.propagation.push_back(std::move(g));
    }
    truth.seizures.push_back(std::move(s));
  }
  for (const auto& a : artifacts) {
    SimulatedArtifact t;
    t.kind = artifact_name(a.kind);
    t.onset = seconds_to_ticks(a.onset);
    t.offset = seconds_to_ticks(a.offset);
    for (int e = 0; e < kSites; ++e) {
      if (!shows(a.weight, e)) continue;
      if (e >= detail::kReferentialSites && config.montage == SimulatedMontage::referential) {
        continue;
      }
      t.electrodes.push_back(site_name(sites[e], new_names));
    }
    t.channels = channels_touching(a.weight);
    if (a.kind >= ArtifactKind::Patting && a.kind != ArtifactKind::VertexWave &&
        a.kind != ArtifactKind::KComplex) {
      t.frequency_hz = a.frequency;
    }
    if (is_background_event(a.kind)) {
      t.annotation = "background " + t.kind;
      truth.background_events.push_back(std::move(t));
    } else {
      t.annotation = "artifact " + t.kind;
      truth.artifacts.push_back(std::move(t));
    }
  }
  if (config.ecg_uv > 0) {
    SimulatedArtifact t;
    t.kind = "ecg";
    t.onset = 0;
    t.offset = truth.duration;
    std::array<double, kSites> everywhere{};
    everywhere.fill(1.0);
    for (int e = 0; e < kSites; ++e) {
      if (!shows(everywhere, e)) continue;
      if (e >= detail::kReferentialSites && config.montage == SimulatedMontage::referential) {
        continue;
      }
      t.electrodes.push_back(site_name(sites[e], new_names));
    }
    t.channels = channels_touching(everywhere);
    t.annotation = "artifact ecg";
    truth.artifacts.push_back(std::move(t));
  }
  for (const StatePlan& state : states) {
    SimulatedArtifact t;
    t.kind = state_name(state.state);
    t.onset = seconds_to_ticks(state.onset);
    t.offset = seconds_to_ticks(state.offset);
    t.annotation = "background " + t.kind;
    truth.background_events.push_back(std::move(t));
  }
  std::stable_sort(truth.background_events.begin(), truth.background_events.end(),
                   [](const auto& a, const auto& b) { return a.onset < b.onset; });
  if (bad_site >= 0) {
    SimulatedBadChannel b;
    b.electrode = site_name(sites[bad_site], new_names);
    b.kind = config.bad_channel == BadChannelKind::flat ? "flat" : "disconnected";
    for (const auto& c : channels) {
      if (c.positive == bad_site || c.negative == bad_site) b.channels.push_back(c.label);
    }
    truth.bad_channels.push_back(std::move(b));
  }
}

SimulationGenerator::SimulationGenerator(const SimulationOptions& config)
    : impl_(std::make_unique<Impl>(config)) {}
SimulationGenerator::~SimulationGenerator() = default;
SimulationGenerator::SimulationGenerator(SimulationGenerator&&) noexcept = default;
SimulationGenerator& SimulationGenerator::operator=(SimulationGenerator&&) noexcept = default;

const SimulationOptions& SimulationGenerator::config() const noexcept { return impl_->config; }
const SimulationTruth& SimulationGenerator::truth() const noexcept { return impl_->truth; }
const std::vector<std::string>& SimulationGenerator::channel_labels() const noexcept {
  return impl_->truth.channel_labels;
}
std::int64_t SimulationGenerator::total_samples() const noexcept { return impl_->total; }
std::int64_t SimulationGenerator::position() const noexcept { return impl_->position; }

std::int64_t SimulationGenerator::generate(double* out, std::int64_t count, std::int64_t stride) {
  if (count < 0 || stride < count) {
    throw std::invalid_argument("generate: need 0 <= count <= stride");
  }
  const std::int64_t n = std::min(count, impl_->total - impl_->position);
  for (std::int64_t k = 0; k < n; ++k) impl_->sample(impl_->position + k, out, stride, k);
  impl_->position += n;
  return n;
}

// ---------------------------------------------------------------------------------------------

const char* to_string(SimulatedMontage montage) noexcept {
  return montage == SimulatedMontage::referential ? "referential" : "bipolar";
}
const char* to_string(LabelStyle style) noexcept {
  switch (style) {
    case LabelStyle::plain:
      return "plain";
    case LabelStyle::eeg_ref:
      return "eeg-ref";
    case LabelStyle::linked_ears:
      return "linked-ears";
    case LabelStyle::average:
      return "average";
  }
  return "plain";
}
const char* to_string(BadChannelKind kind) noexcept {
  switch (kind) {
    case BadChannelKind::none:
      return "none";
    case BadChannelKind::flat:
      return "flat";
    case BadChannelKind::disconnected:
      return "disconnected";
  }
  return "none";
}

SimulatedMontage parse_simulated_montage(const std::string& name) {
  if (name == "referential") return SimulatedMontage::referential;
  if (name == "bipolar" || name == "chbmit") return SimulatedMontage::bipolar_chbmit;
  throw std::invalid_argument("montage must be 'referential' or 'bipolar', got '" + name + "'");
}
LabelStyle parse_label_style(const std::string& name) {
  for (const auto style :
       {LabelStyle::plain, LabelStyle::eeg_ref, LabelStyle::linked_ears, LabelStyle::average}) {
    if (name == to_string(style)) return style;
  }
  throw std::invalid_argument(
      "label_style must be 'plain', 'eeg-ref', 'linked-ears' or 'average', got '" + name + "'");
}
BadChannelKind parse_bad_channel_kind(const std::string& name) {
  for (const auto kind :
       {BadChannelKind::none, BadChannelKind::flat, BadChannelKind::disconnected}) {
    if (name == to_string(kind)) return kind;
  }
  throw std::invalid_argument("bad_channel must be 'none', 'flat' or 'disconnected', got '" + name +
                              "'");
}

// ---------------------------------------------------------------------------------------------

SimulationTruth simulate_to_edf(const SimulationOptions& config,
                                const std::filesystem::path& edf_path,
                                const std::filesystem::path& json_path) {
  SimulationGenerator generator(config);
  const SimulationTruth& truth = generator.truth();
  const bool bdf = is_bdf(config.format);
  const int fs = config.sfreq;

  std::vector<EdfSignalSpec> signals;
  for (const auto& label : truth.channel_labels) {
    EdfSignalSpec s;
    s.label = label;
    s.physical_dimension = "uV";
    s.transducer = "simulated electrode (ictaltrack)";
    // EDF: exactly 0.125 uV per step over +-4096 uV; BDF: ~0.001 uV per step over +-8192 uV.
    // Both limits are written exactly in the 8-character header fields.
    s.physical_min = bdf ? -8192.0 : -4096.0;
    s.physical_max = bdf ? 8192.0 : 4095.875;
    s.samples_per_record = fs;
    signals.push_back(std::move(s));
  }
  const std::int64_t records = generator.total_samples() / fs;
  std::size_t propagations = 0;
  for (const auto& s : truth.seizures) propagations += s.propagation.size();
  const auto annotations =
      static_cast<std::int64_t>(truth.seizures.size() + propagations + truth.artifacts.size() +
                                truth.background_events.size());
  EdfWriterOptions options;
  options.format = config.format;
  options.start = config.start;
  options.patient_code = "SIM-" + std::to_string(config.seed);
  options.patient_name = "simulated infant";
  options.equipment = "ictaltrack simulator";
  options.recording_additional = "synthetic migrating focal seizures";
  options.annotation_signals =
      static_cast<int>(std::clamp<std::int64_t>((annotations + records - 1) / records, 1, 64));

  EdfWriter writer(edf_path, std::move(signals), options);
  for (const auto& s : truth.seizures) {
    writer.add_annotation(s.onset, s.offset - s.onset, s.annotation);
  }
  for (const auto& s : truth.seizures) {
    for (const auto& g : s.propagation) {
      writer.add_annotation(g.onset, s.offset - g.onset, g.annotation);
    }
  }
  for (const auto* events : {&truth.artifacts, &truth.background_events}) {
    for (const auto& a : *events) {
      writer.add_annotation(a.onset, a.offset - a.onset, a.annotation);
    }
  }
  const std::size_t n_channels = truth.channel_labels.size();
  std::vector<double> record(n_channels * static_cast<std::size_t>(fs));
  while (generator.position() < generator.total_samples()) {
    generator.generate(record.data(), fs, fs);
    writer.write_record(record);
  }

  // The sidecar goes next to the EDF file through a temporary file too.
  std::filesystem::path json = json_path;
  if (json.empty()) {
    json = edf_path;
    json.replace_extension(".json");
  }
  const std::filesystem::path json_temporary =
      json.parent_path() / ("." + json.filename().string() + ".tmp");
  {
    std::ofstream stream(json_temporary, std::ios::binary | std::ios::trunc);
    stream << truth_to_json(truth, config);
    stream.close();
    if (!stream) {
      std::error_code ignored;
      std::filesystem::remove(json_temporary, ignored);
      throw IoError(json.string(), "cannot write the truth sidecar");
    }
  }
  try {
    writer.close();
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(json_temporary, ignored);
    throw;
  }
  std::error_code error;
  std::filesystem::rename(json_temporary, json, error);
  if (error) throw IoError(json.string(), "cannot move the truth sidecar into place");
  return truth;
}

}  // namespace ictaltrack
