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
  kStreamEventNoise = 1000,
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

std::vector<OutputChannel> make_channels(const SimulationConfig& config) {
  std::vector<OutputChannel> channels;
  const auto& sites = scalp_sites();
  if (config.montage == SimulatedMontage::Referential) {
    for (int i = 0; i < detail::kReferentialSites; ++i) {
      const std::string name = site_name(sites[i], config.new_temporal_names);
      std::string label;
      switch (config.label_style) {
        case LabelStyle::Plain:
          label = name;
          break;
        case LabelStyle::EegRef:
          label = "EEG " + upper(name) + "-REF";
          break;
        case LabelStyle::LinkedEars:
          label = upper(name) + "-LE";
          break;
        case LabelStyle::Average:
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

struct SeizurePlan {
  double onset = 0, offset = 0;  // seconds
  int focus = 0;
  double onset_hz = 0, end_hz = 0, amplitude = 0;
  std::array<double, kSites> weight{};       // 0 = not recruited
  std::array<double, kSites> recruitment{};  // seconds
  std::array<double, kSites> phase_lag{};    // radians
};

enum class ArtifactKind { Blink, Muscle, Pop, Movement };

struct ArtifactPlan {
  ArtifactKind kind = ArtifactKind::Blink;
  double onset = 0, offset = 0;
  double amplitude = 0, parameter = 0;  // parameter: pop time constant / movement frequency
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
  }
  return "artifact";
}

void validate(const SimulationConfig& c) {
  auto require = [](bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument("SimulationConfig: " + message);
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
  require(c.sample_rate_hz >= 64 && c.sample_rate_hz <= 4096, "sample_rate_hz must be 64..4096");
  require(c.background_rms_uv >= 0 && c.amplifier_noise_uv >= 0 && c.line_noise_uv >= 0,
          "amplitudes must be >= 0");
  require(c.line_noise_hz >= 0 && c.line_noise_hz < c.sample_rate_hz / 2.0,
          "line_noise_hz must be below the Nyquist frequency");
  require(c.spatial_correlation > 0 && c.field_width > 0, "length scales must be > 0");
  require(c.delta_peak_hz > 0 && c.theta_peak_hz > 0 && c.theta_peak_hz < c.sample_rate_hz / 2.0,
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
  require(c.end_frequency_min_hz > 0 && c.onset_frequency_max_hz < c.sample_rate_hz / 4.0,
          "seizure frequencies must be in (0, sample_rate / 4)");
  range(c.amplitude_min_uv, c.amplitude_max_uv, "amplitude");
  require(c.amplitude_min_uv >= 0, "amplitude_min_uv must be >= 0");
  probability(c.contralateral_probability, "contralateral_probability");
  probability(c.overlap_probability, "overlap_probability");
  require(c.spread_delay_s_per_unit >= 0 && c.spread_radius >= 0, "spread parameters must be >= 0");
  require(c.n_seizures >= -1, "n_seizures must be >= 0, or -1 for 'as many as fit'");
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
      if (std::string(sites[i].region) == last.region) continue;
      if (other_side != (sites[i].side != last.side)) continue;
    }
    candidates.push_back(i);
  }
  return candidates[static_cast<std::size_t>(random.below(static_cast<int>(candidates.size())))];
}

std::vector<SeizurePlan> plan_seizures(const SimulationConfig& c, double duration) {
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
      throw std::invalid_argument("SimulationConfig: " + std::to_string(draws.size()) +
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
  return plans;
}

// `bad_site`: the flat/disconnected electrode (or -1); an electrode pop never picks it, since
// nothing would show.
std::vector<ArtifactPlan> plan_artifacts(const SimulationConfig& c, double duration, int bad_site) {
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

}  // namespace

// ---------------------------------------------------------------------------------------------

struct SimulationGenerator::Impl {
  SimulationConfig config;
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

  explicit Impl(const SimulationConfig& c);
  void plan_background();
  void build_truth();
  void background_step(std::array<double, kSites>& out);
  void sample(std::int64_t n, double* out, std::int64_t stride, std::int64_t k);
};

SimulationGenerator::Impl::Impl(const SimulationConfig& c) : config(c) {
  validate(config);
  fs = config.sample_rate_hz;
  const auto seconds = static_cast<std::int64_t>(std::ceil(config.duration_s - 1e-9));
  total = seconds * config.sample_rate_hz;
  const auto duration = static_cast<double>(seconds);
  channels = make_channels(config);
  seizures = plan_seizures(config, duration);
  if (config.bad_channel != BadChannelKind::None) {
    Random random(detail::mix_seed(config.seed, kStreamBadChannel));
    bad_site = config.bad_channel_electrode.empty() ? random.below(detail::kReferentialSites)
                                                    : site_index(config.bad_channel_electrode);
  }
  artifacts = plan_artifacts(config, duration, bad_site);
  seizure_phase.assign(seizures.size(), 0.0);
  artifact_noise.resize(artifacts.size());
  muscle_previous.resize(artifacts.size());
  truth.duration_s = duration;
  truth.sample_rate_hz = config.sample_rate_hz;
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
  for (int n = 0; n < 4 * config.sample_rate_hz; ++n) background_step(discard);
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
    source_value[j] = 0.55 * pink * pink_scale + 0.70 * s.delta.step(background_noise.normal()) +
                      0.45 * s.theta.step(background_noise.normal());
  }
  const double norm = 1 / std::sqrt(0.55 * 0.55 + 0.70 * 0.70 + 0.45 * 0.45);
  for (int e = 0; e < kSites; ++e) {
    double sum = 0;
    for (int j = 0; j < kSites; ++j) sum += mixing[e][j] * source_value[j];
    out[e] = sum * norm * site_gain[e] * config.background_rms_uv;
  }
}

void SimulationGenerator::Impl::sample(std::int64_t n, double* out, std::int64_t stride,
                                       std::int64_t k) {
  const double t = static_cast<double>(n) / fs;
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
      const double wave = std::sin(phase) + 0.25 * std::sin(2 * phase) + 0.1 * std::sin(3 * phase);
      site_value[e] += s.amplitude * s.weight[e] * growth * ending * recruit * wave;
    }
  }

  while (next_artifact < artifacts.size() && artifacts[next_artifact].onset <= t) {
    artifact_noise[next_artifact].emplace(artifacts[next_artifact].noise_seed);
    active_artifacts.push_back(next_artifact++);
  }
  std::erase_if(active_artifacts, [&](std::size_t i) {
    if (artifacts[i].offset > t) return false;
    artifact_noise[i].reset();
    return true;
  });
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
    }
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
    } else if (config.bad_channel == BadChannelKind::Flat) {
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
      config.new_temporal_names || config.montage == SimulatedMontage::BipolarChbMit;
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
    s.onset_s = p.onset;
    s.offset_s = p.offset;
    s.focus_electrode = site_name(sites[p.focus], new_names);
    s.region = sites[p.focus].region;
    s.hemisphere = sites[p.focus].side < 0 ? "left" : "right";
    s.onset_frequency_hz = p.onset_hz;
    s.end_frequency_hz = p.end_hz;
    s.amplitude_uv = p.amplitude;
    for (std::size_t j = 0; j < k; ++j) {
      if (seizures[j].offset > p.onset) s.overlaps_previous = true;
    }
    for (int e = 0; e < kSites; ++e) {
      if (!shows(p.weight, e)) continue;
      // FT9/FT10 exist only in the bipolar montage.
      if (e >= detail::kReferentialSites && config.montage == SimulatedMontage::Referential) {
        continue;
      }
      s.electrode_onsets[site_name(sites[e], new_names)] = p.recruitment[e];
    }
    for (const auto& c : channels) {
      double onset = 1e300;
      if (shows(p.weight, c.positive)) onset = p.recruitment[c.positive];
      if (shows(p.weight, c.negative)) {
        onset = std::min(onset, p.recruitment[c.negative]);
      }
      if (onset < 1e300) s.channel_onsets[c.label] = onset;
    }
    s.annotation = "seizure " + std::to_string(s.index) + " " + s.hemisphere + " " + s.region +
                   " " + s.focus_electrode;
    truth.seizures.push_back(std::move(s));
  }
  for (const auto& a : artifacts) {
    SimulatedArtifact t;
    t.kind = artifact_name(a.kind);
    t.onset_s = a.onset;
    t.offset_s = a.offset;
    for (int e = 0; e < kSites; ++e) {
      if (!shows(a.weight, e)) continue;
      if (e >= detail::kReferentialSites && config.montage == SimulatedMontage::Referential) {
        continue;
      }
      t.electrodes.push_back(site_name(sites[e], new_names));
    }
    t.channels = channels_touching(a.weight);
    t.annotation = "artifact " + t.kind;
    truth.artifacts.push_back(std::move(t));
  }
  if (bad_site >= 0) {
    SimulatedBadChannel b;
    b.electrode = site_name(sites[bad_site], new_names);
    b.kind = config.bad_channel == BadChannelKind::Flat ? "flat" : "disconnected";
    for (const auto& c : channels) {
      if (c.positive == bad_site || c.negative == bad_site) b.channels.push_back(c.label);
    }
    truth.bad_channels.push_back(std::move(b));
  }
}

SimulationGenerator::SimulationGenerator(const SimulationConfig& config)
    : impl_(std::make_unique<Impl>(config)) {}
SimulationGenerator::~SimulationGenerator() = default;
SimulationGenerator::SimulationGenerator(SimulationGenerator&&) noexcept = default;
SimulationGenerator& SimulationGenerator::operator=(SimulationGenerator&&) noexcept = default;

const SimulationConfig& SimulationGenerator::config() const noexcept { return impl_->config; }
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
  return montage == SimulatedMontage::Referential ? "referential" : "bipolar";
}
const char* to_string(LabelStyle style) noexcept {
  switch (style) {
    case LabelStyle::Plain:
      return "plain";
    case LabelStyle::EegRef:
      return "eeg-ref";
    case LabelStyle::LinkedEars:
      return "linked-ears";
    case LabelStyle::Average:
      return "average";
  }
  return "plain";
}
const char* to_string(BadChannelKind kind) noexcept {
  switch (kind) {
    case BadChannelKind::None:
      return "none";
    case BadChannelKind::Flat:
      return "flat";
    case BadChannelKind::Disconnected:
      return "disconnected";
  }
  return "none";
}

SimulatedMontage parse_simulated_montage(const std::string& name) {
  if (name == "referential") return SimulatedMontage::Referential;
  if (name == "bipolar" || name == "chbmit") return SimulatedMontage::BipolarChbMit;
  throw std::invalid_argument("montage must be 'referential' or 'bipolar', got '" + name + "'");
}
LabelStyle parse_label_style(const std::string& name) {
  for (const auto style :
       {LabelStyle::Plain, LabelStyle::EegRef, LabelStyle::LinkedEars, LabelStyle::Average}) {
    if (name == to_string(style)) return style;
  }
  throw std::invalid_argument(
      "label_style must be 'plain', 'eeg-ref', 'linked-ears' or 'average', got '" + name + "'");
}
BadChannelKind parse_bad_channel_kind(const std::string& name) {
  for (const auto kind :
       {BadChannelKind::None, BadChannelKind::Flat, BadChannelKind::Disconnected}) {
    if (name == to_string(kind)) return kind;
  }
  throw std::invalid_argument("bad_channel must be 'none', 'flat' or 'disconnected', got '" + name +
                              "'");
}

// ---------------------------------------------------------------------------------------------

SimulationTruth simulate_to_edf(const SimulationConfig& config,
                                const std::filesystem::path& edf_path,
                                const std::filesystem::path& json_path) {
  SimulationGenerator generator(config);
  const SimulationTruth& truth = generator.truth();
  const bool bdf = config.file_type == EdfFileType::BdfPlus;
  const int fs = config.sample_rate_hz;

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
  const auto annotations =
      static_cast<std::int64_t>(truth.seizures.size() + truth.artifacts.size());
  EdfWriterOptions options;
  options.file_type = config.file_type;
  options.start = config.start;
  options.patient_code = "SIM-" + std::to_string(config.seed);
  options.patient_name = "simulated infant";
  options.equipment = "ictaltrack simulator";
  options.recording_additional = "synthetic migrating focal seizures";
  options.annotation_signals =
      static_cast<int>(std::clamp<std::int64_t>((annotations + records - 1) / records, 1, 64));

  EdfWriter writer(edf_path, std::move(signals), options);
  for (const auto& s : truth.seizures) {
    writer.add_annotation(seconds_to_ticks(s.onset_s), seconds_to_ticks(s.offset_s - s.onset_s),
                          s.annotation);
  }
  for (const auto& a : truth.artifacts) {
    writer.add_annotation(seconds_to_ticks(a.onset_s), seconds_to_ticks(a.offset_s - a.onset_s),
                          a.annotation);
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
