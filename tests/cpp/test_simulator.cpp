// The simulator: streaming independent of chunking, determinism, migration rules, the written
// file as EDFlib reads it, and no file at all after a failure.
#include <edflib.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>

#include "ictaltrack/errors.hpp"
#include "ictaltrack/simulate/simulator.hpp"
#include "io/edflib_lock.hpp"
#include "test_support.hpp"

using namespace ictaltrack;
using ictaltrack::testing::ScratchDir;

namespace {

SimulationOptions short_config(std::uint64_t seed = 5) {
  SimulationOptions config;
  config.seed = seed;
  config.duration_s = 240;
  config.n_seizures = 3;
  config.seizure_duration_min_s = 30;
  config.seizure_duration_max_s = 50;
  config.interval_min_s = 10;
  config.interval_max_s = 30;
  config.first_onset_min_s = 20;
  config.first_onset_max_s = 30;
  return config;
}

std::vector<double> generate_all(const SimulationOptions& config, std::int64_t chunk) {
  SimulationGenerator generator(config);
  const auto channels = static_cast<std::int64_t>(generator.channel_labels().size());
  const std::int64_t total = generator.total_samples();
  std::vector<double> all(static_cast<std::size_t>(channels * total));
  std::vector<double> buffer(static_cast<std::size_t>(channels * chunk));
  std::int64_t done = 0;
  while (done < total) {
    const std::int64_t n = generator.generate(buffer.data(), chunk, chunk);
    for (std::int64_t c = 0; c < channels; ++c) {
      std::copy_n(buffer.begin() + c * chunk, n, all.begin() + c * total + done);
    }
    done += n;
  }
  EXPECT_EQ(generator.generate(buffer.data(), chunk, chunk), 0);  // exhausted
  return all;
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct EdflibHeader {
  edf_hdr_struct header{};
  explicit EdflibHeader(const std::filesystem::path& path) {
    std::lock_guard lock(detail::edflib_mutex());
    if (edfopen_file_readonly(path.c_str(), &header, EDFLIB_READ_ALL_ANNOTATIONS) != 0) {
      throw std::runtime_error("EDFlib cannot open " + path.string());
    }
  }
  ~EdflibHeader() {
    std::lock_guard lock(detail::edflib_mutex());
    edfclose_file(header.handle);
  }
  std::string label(int signal) const {
    std::string text = header.signalparam[signal].label;
    return text.substr(0, text.find_last_not_of(' ') + 1);
  }
  std::vector<edf_annotation_struct> annotations() const {
    std::vector<edf_annotation_struct> out(static_cast<std::size_t>(header.annotations_in_file));
    std::lock_guard lock(detail::edflib_mutex());
    for (std::size_t i = 0; i < out.size(); ++i) {
      edf_get_annotation(header.handle, static_cast<int>(i), &out[i]);
    }
    return out;
  }
  std::vector<double> physical(int signal, int count) const {
    std::vector<double> out(static_cast<std::size_t>(count));
    std::lock_guard lock(detail::edflib_mutex());
    edfread_physical_samples(header.handle, signal, count, out.data());
    return out;
  }
};

}  // namespace

TEST(Simulator, OutputDoesNotDependOnChunkSize) {
  SimulationOptions config = short_config();
  config.duration_s = 60;
  config.n_seizures = 1;
  config.seizure_duration_min_s = config.seizure_duration_max_s = 20;
  config.blinks.per_hour = config.muscle.per_hour = 600;  // artifacts inside the short window
  const auto by_second = generate_all(config, 256);
  EXPECT_EQ(by_second, generate_all(config, 1000));
  EXPECT_EQ(by_second, generate_all(config, 37));
}

TEST(Simulator, SameSeedSameSignalOtherSeedOtherSignal) {
  SimulationOptions config = short_config();
  config.duration_s = 60;
  config.n_seizures = 1;
  config.seizure_duration_min_s = config.seizure_duration_max_s = 20;
  const auto a = generate_all(config, 256);
  EXPECT_EQ(a, generate_all(config, 256));
  config.seed = 6;
  const auto b = generate_all(config, 256);
  ASSERT_EQ(a.size(), b.size());
  std::size_t equal = 0;
  for (std::size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  EXPECT_LT(equal, a.size() / 100);
}

TEST(Simulator, BackgroundIsInTheInfantMicrovoltRange) {
  SimulationOptions config = short_config();
  config.duration_s = 30;
  config.n_seizures = 0;
  config.blinks.enabled = config.muscle.enabled = false;
  config.electrode_pops.enabled = config.movement.enabled = false;
  const auto data = generate_all(config, 256);
  const std::size_t per_channel = 30 * 256;
  for (std::size_t c = 0; c < 19; ++c) {
    double sum = 0, sum2 = 0;
    for (std::size_t k = 0; k < per_channel; ++k) {
      const double v = data[c * per_channel + k];
      sum += v;
      sum2 += v * v;
    }
    const double mean = sum / per_channel;
    const double rms = std::sqrt(sum2 / per_channel - mean * mean);
    // 25 uV RMS background, gains 1 +- 0.1 (SD), amplifier and line noise on top.
    EXPECT_GT(rms, 12) << "channel " << c;
    EXPECT_LT(rms, 45) << "channel " << c;
  }
}

TEST(Simulator, SeizuresMigrateToTheOtherHemisphereWhenAlwaysAsked) {
  SimulationOptions config = short_config();
  config.duration_s = 3600;
  config.n_seizures = 12;
  config.contralateral_probability = 1.0;
  config.overlap_probability = 0.0;
  const SimulationGenerator generator(config);
  const auto& seizures = generator.truth().seizures;
  ASSERT_EQ(seizures.size(), 12u);
  for (std::size_t k = 1; k < seizures.size(); ++k) {
    EXPECT_NE(seizures[k].hemisphere, seizures[k - 1].hemisphere) << "seizure " << k + 1;
    EXPECT_GE(seizures[k].onset, seizures[k - 1].offset);
    EXPECT_FALSE(seizures[k].overlaps_previous);
  }
}

TEST(Simulator, IpsilateralMigrationChangesRegion) {
  SimulationOptions config = short_config();
  config.duration_s = 3600;
  config.n_seizures = 10;
  config.contralateral_probability = 0.0;
  config.overlap_probability = 0.0;
  const SimulationGenerator generator(config);
  const auto& seizures = generator.truth().seizures;
  ASSERT_EQ(seizures.size(), 10u);
  for (std::size_t k = 1; k < seizures.size(); ++k) {
    EXPECT_EQ(seizures[k].hemisphere, seizures[0].hemisphere);
    EXPECT_NE(seizures[k].region, seizures[k - 1].region);
  }
}

TEST(Simulator, OverlappingSeizuresStartElsewhereBeforeThePreviousEnds) {
  SimulationOptions config = short_config();
  config.duration_s = 1800;
  config.n_seizures = 6;
  config.overlap_probability = 1.0;
  config.contralateral_probability = 0.0;  // overlap must override this
  const SimulationGenerator generator(config);
  const auto& seizures = generator.truth().seizures;
  ASSERT_EQ(seizures.size(), 6u);
  for (std::size_t k = 1; k < seizures.size(); ++k) {
    EXPECT_TRUE(seizures[k].overlaps_previous);
    EXPECT_GT(seizures[k].onset, seizures[k - 1].onset);
    EXPECT_LT(seizures[k].onset, seizures[k - 1].offset);
    EXPECT_NE(seizures[k].hemisphere, seizures[k - 1].hemisphere);
    EXPECT_NE(seizures[k].region, seizures[k - 1].region);
  }
}

TEST(Simulator, RecruitmentIsLaterFartherFromTheFocus) {
  SimulationOptions config = short_config();
  const SimulationGenerator generator(config);
  for (const auto& s : generator.truth().seizures) {
    ASSERT_EQ(s.electrode_onsets.at(s.focus_electrode), s.onset);
    for (const auto& [name, onset] : s.electrode_onsets) {
      EXPECT_GE(onset, s.onset);
      EXPECT_LT(onset, s.offset);
    }
    EXPECT_GE(s.electrode_onsets.size(), 3u);   // the focus and some neighbours
    EXPECT_LT(s.electrode_onsets.size(), 19u);  // never the whole head
  }
}

TEST(Simulator, FixedSeizureCountShrinksIntervalsOrRefuses) {
  SimulationOptions config = short_config();
  config.duration_s = 300;
  config.n_seizures = 4;
  config.interval_min_s = 500;  // far too long: the layout must shrink them
  config.interval_max_s = 600;
  const SimulationGenerator fits(config);
  ASSERT_EQ(fits.truth().seizures.size(), 4u);
  EXPECT_LE(fits.truth().seizures.back().offset, seconds_to_ticks(290.0));
  config.n_seizures = 10;  // 10 x >= 30 s cannot fit into 300 s
  EXPECT_THROW(SimulationGenerator{config}, std::invalid_argument);
}

TEST(Simulator, RejectsBadConfiguration) {
  SimulationOptions config = short_config();
  config.overlap_probability = 1.5;
  EXPECT_THROW(SimulationGenerator{config}, std::invalid_argument);
  config = short_config();
  config.sfreq = 80;  // 50 Hz line noise above Nyquist
  EXPECT_THROW(SimulationGenerator{config}, std::invalid_argument);
  config = short_config();
  config.bad_channel_electrode = "FT9";  // not among the 19 recorded electrodes
  config.bad_channel = BadChannelKind::flat;
  EXPECT_THROW(SimulationGenerator{config}, std::invalid_argument);
}

namespace {

// Every model-version-2 feature on at once (rates high enough to land in a short recording).
SimulationOptions everything_on(SimulationOptions config) {
  config.homologous_spread_probability = 1;
  config.distant_spread_probability = 0.5;
  config.generalisation_probability = 0.5;
  config.sharp_wave_probability = 0.3;
  config.spike_and_wave_probability = 0.3;
  config.posterior_rhythm_per_hour = 120;
  config.hypersynchrony_per_hour = 120;
  config.spindles_per_hour = 240;
  config.vertex_waves_per_hour = 240;
  config.k_complexes_per_hour = 240;
  config.bursts_per_hour = 240;
  config.state_changes = true;
  config.state_duration_min_s = 60;
  config.state_duration_max_s = 90;
  config.patting_per_hour = 120;
  config.rocking_per_hour = 120;
  config.chewing_per_hour = 120;
  config.sweat_per_hour = 60;
  config.ecg_uv = 20;
  return config;
}

}  // namespace

TEST(Simulator, NewFeaturesStreamIndependentlyOfChunkSize) {
  SimulationOptions config = everything_on(short_config());
  config.duration_s = 150;
  const auto by_second = generate_all(config, 256);
  EXPECT_EQ(by_second, generate_all(config, 1000));
  EXPECT_EQ(by_second, generate_all(config, 37));
  for (const double v : by_second) ASSERT_TRUE(std::isfinite(v));
}

TEST(Simulator, NewFeaturesLeaveTheSeizurePlanAndOldArtifactsAlone) {
  const SimulationOptions base = short_config(9);
  const SimulationGenerator plain(base);
  const SimulationGenerator rich(everything_on(base));
  const auto& a = plain.truth();
  const auto& b = rich.truth();
  ASSERT_EQ(a.seizures.size(), b.seizures.size());
  for (std::size_t k = 0; k < a.seizures.size(); ++k) {
    EXPECT_EQ(a.seizures[k].onset, b.seizures[k].onset);
    EXPECT_EQ(a.seizures[k].offset, b.seizures[k].offset);
    EXPECT_EQ(a.seizures[k].focus_electrode, b.seizures[k].focus_electrode);
    EXPECT_EQ(a.seizures[k].channel_onsets, b.seizures[k].channel_onsets);
    EXPECT_TRUE(a.seizures[k].propagation.empty());
    EXPECT_FALSE(b.seizures[k].propagation.empty());  // homologous spread always (if it fits)
  }
  std::vector<std::pair<std::string, Ticks>> old_kinds;
  for (const auto& x : b.artifacts) {
    if (x.kind == "blink" || x.kind == "muscle" || x.kind == "electrode_pop" ||
        x.kind == "movement") {
      old_kinds.emplace_back(x.kind, x.onset);
    }
  }
  std::vector<std::pair<std::string, Ticks>> expected;
  for (const auto& x : a.artifacts) expected.emplace_back(x.kind, x.onset);
  EXPECT_EQ(old_kinds, expected);
  EXPECT_TRUE(a.background_events.empty());
  EXPECT_FALSE(b.background_events.empty());
}

TEST(Simulator, RejectsBadNewOptions) {
  SimulationOptions config = short_config();
  config.sharp_wave_probability = 0.6;
  config.spike_and_wave_probability = 0.6;  // more than 1 in total
  EXPECT_THROW(SimulationGenerator{config}, std::invalid_argument);
  config = short_config();
  config.spread_onset_delay_min_s = 20;
  config.spread_onset_delay_max_s = 10;
  EXPECT_THROW(SimulationGenerator{config}, std::invalid_argument);
  config = short_config();
  config.patting_per_hour = -1;
  EXPECT_THROW(SimulationGenerator{config}, std::invalid_argument);
  config = short_config();
  config.suppression_level = 1.5;
  EXPECT_THROW(SimulationGenerator{config}, std::invalid_argument);
  config = short_config();
  config.heart_rate_bpm = 0;
  config.ecg_uv = 10;
  EXPECT_THROW(SimulationGenerator{config}, std::invalid_argument);
}

TEST(Simulator, WritesEdfThatEdflibReadsWithTruthAnnotations) {
  ScratchDir dir;
  SimulationOptions config = short_config();
  config.label_style = LabelStyle::eeg_ref;
  const auto truth = simulate_to_edf(config, dir / "sim.edf");
  ASSERT_TRUE(std::filesystem::exists(dir / "sim.json"));
  EdflibHeader file(dir / "sim.edf");
  EXPECT_EQ(file.header.filetype, EDFLIB_FILETYPE_EDFPLUS);
  ASSERT_EQ(file.header.edfsignals, 19);
  EXPECT_EQ(file.header.datarecords_in_file, 240);
  EXPECT_EQ(file.header.signalparam[0].smp_in_datarecord, 256);
  EXPECT_EQ(file.label(0), "EEG FP1-REF");
  EXPECT_EQ(file.label(12), "EEG T3-REF");
  EXPECT_EQ(file.label(18), "EEG PZ-REF");
  EXPECT_EQ(file.header.startdate_year, 2020);
  EXPECT_EQ(file.header.starttime_hour, 8);

  const auto annotations = file.annotations();
  ASSERT_EQ(annotations.size(), truth.seizures.size() + truth.artifacts.size());
  std::size_t seizures_found = 0;
  for (const auto& s : truth.seizures) {
    for (const auto& a : annotations) {
      if (s.annotation != a.annotation) continue;
      ++seizures_found;
      EXPECT_EQ(a.onset, s.onset);
      EXPECT_NEAR(std::stod(a.duration), ticks_to_seconds(s.offset - s.onset), 1e-9);
    }
  }
  EXPECT_EQ(seizures_found, truth.seizures.size());
}

TEST(Simulator, EdfSamplesEqualTheStreamWithinOneStep) {
  ScratchDir dir;
  SimulationOptions config = short_config();
  config.duration_s = 20;
  config.n_seizures = 0;
  simulate_to_edf(config, dir / "sim.edf");
  const auto stream = generate_all(config, 256);
  EdflibHeader file(dir / "sim.edf");
  for (int c = 0; c < 19; ++c) {
    const auto values = file.physical(c, 20 * 256);
    for (std::size_t k = 0; k < values.size(); ++k) {
      ASSERT_NEAR(values[k], stream[static_cast<std::size_t>(c) * 20 * 256 + k], 0.125 + 1e-9);
    }
  }
}

TEST(Simulator, SameConfigurationSameBytes) {
  ScratchDir dir;
  const SimulationOptions config = short_config();
  simulate_to_edf(config, dir / "a.edf");
  simulate_to_edf(config, dir / "b.edf");
  EXPECT_EQ(file_bytes(dir / "a.edf"), file_bytes(dir / "b.edf"));
  EXPECT_EQ(file_bytes(dir / "a.json"), file_bytes(dir / "b.json"));
}

TEST(Simulator, BipolarMontageUsesChbMitDerivations) {
  ScratchDir dir;
  SimulationOptions config = short_config();
  config.montage = SimulatedMontage::bipolar_chbmit;
  config.duration_s = 120;
  config.n_seizures = 1;
  const auto truth = simulate_to_edf(config, dir / "bipolar.edf");
  EdflibHeader file(dir / "bipolar.edf");
  ASSERT_EQ(file.header.edfsignals, 23);
  const std::vector<std::string> expected = {
      "FP1-F7", "F7-T7", "T7-P7", "P7-O1",  "FP1-F3",   "F3-C3",   "C3-P3", "P3-O1",
      "FP2-F4", "F4-C4", "C4-P4", "P4-O2",  "FP2-F8",   "F8-T8",   "T8-P8", "P8-O2",
      "FZ-CZ",  "CZ-PZ", "P7-T7", "T7-FT9", "FT9-FT10", "FT10-T8", "T8-P8"};
  for (int i = 0; i < 23; ++i) EXPECT_EQ(file.label(i), expected[static_cast<std::size_t>(i)]);
  // A bipolar channel joins when the first of its two electrodes does.
  const auto& s = truth.seizures.at(0);
  for (const auto& [label, onset] : s.channel_onsets) {
    const auto dash = label.find('-');
    std::set<Ticks> candidates;
    for (const auto& name : {label.substr(0, dash), label.substr(dash + 1)}) {
      for (const auto& [electrode, t] : s.electrode_onsets) {
        std::string upper = electrode;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        if (upper == name) candidates.insert(t);
      }
    }
    ASSERT_FALSE(candidates.empty()) << label;
    EXPECT_EQ(onset, *candidates.begin()) << label;
  }
}

TEST(Simulator, FlatChannelIsExactlyZero) {
  ScratchDir dir;
  SimulationOptions config = short_config();
  config.duration_s = 30;
  config.n_seizures = 0;
  config.bad_channel = BadChannelKind::flat;
  config.bad_channel_electrode = "O2";
  const auto truth = simulate_to_edf(config, dir / "flat.edf");
  ASSERT_EQ(truth.bad_channels.size(), 1u);
  EXPECT_EQ(truth.bad_channels[0].electrode, "O2");
  EdflibHeader file(dir / "flat.edf");
  const auto o2 = file.physical(9, 30 * 256);
  EXPECT_TRUE(std::all_of(o2.begin(), o2.end(), [](double v) { return v == 0.0; }));
  const auto o1 = file.physical(8, 30 * 256);
  EXPECT_GT(*std::max_element(o1.begin(), o1.end()), 10.0);
}

TEST(Simulator, FailureLeavesNoFiles) {
  ScratchDir dir;
  SimulationOptions config = short_config();
  config.n_seizures = 50;  // does not fit: refused before anything is written
  EXPECT_THROW(simulate_to_edf(config, dir / "x.edf"), std::invalid_argument);
  EXPECT_THROW(simulate_to_edf(short_config(), dir / "missing" / "x.edf"), IoError);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}
