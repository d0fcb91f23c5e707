// Label parsing, hemisphere/region rules, positions and neighbours. Every expectation below is
// written from the 10-20/10-10 rules in docs/electrodes.md, not from the code's output.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "ictaltrack/electrodes/electrodes.hpp"

using namespace ictaltrack;

namespace {

struct Expected {
  const char* label;
  ChannelKind kind;
  const char* name;
  Hemisphere hemisphere;
  const char* region;
  bool bipolar;
  const char* reference;
};

void expect_label(const Expected& e) {
  SCOPED_TRACE(e.label);
  const LabelInfo info = parse_label(e.label);
  EXPECT_EQ(to_string(info.kind), to_string(e.kind));
  EXPECT_EQ(info.name, e.name);
  EXPECT_EQ(to_string(info.hemisphere), to_string(e.hemisphere));
  EXPECT_EQ(region_name(info.region), e.region);
  EXPECT_EQ(info.is_bipolar, e.bipolar);
  EXPECT_EQ(info.reference, e.reference);
}

std::vector<std::string> names_of(const std::vector<LabelInfo>& channels,
                                  const std::vector<std::size_t>& indices) {
  std::vector<std::string> names;
  for (std::size_t i : indices) names.push_back(channels[i].name);
  std::sort(names.begin(), names.end());
  return names;
}

using K = ChannelKind;
using H = Hemisphere;

}  // namespace

TEST(ElectrodeLabels, ReferentialFormsOfOneElectrode) {
  for (const char* label : {"Fp1", "FP1", "fp1", "EEG FP1-REF", "EEG FP1-LE", "Fp1-Avg", "EEG Fp1",
                            "EEG Fp1-Ref", "Fp1.", "  Fp1  ", "Fp1-AR", "FP1-AVG"}) {
    SCOPED_TRACE(label);
    const LabelInfo info = parse_label(label);
    EXPECT_EQ(info.kind, K::eeg);
    EXPECT_EQ(info.name, "Fp1");
    EXPECT_EQ(info.anode, "Fp1");
    EXPECT_FALSE(info.is_bipolar);
    EXPECT_EQ(info.hemisphere, H::left);
    EXPECT_EQ(info.region, (RegionSpan{Region::frontopolar, Region::frontopolar}));
  }
  EXPECT_EQ(parse_label("EEG FP1-REF").reference, "REF");
  EXPECT_EQ(parse_label("EEG FP1-LE").reference, "LE");
  EXPECT_EQ(parse_label("Fp1-Avg").reference, "AVG");
  EXPECT_EQ(parse_label("EEG Fp1").reference, "");
}

TEST(ElectrodeLabels, OldTemporalNamesAreTheNewSites) {
  EXPECT_EQ(parse_label("EEG T3-REF").name, "T7");
  EXPECT_EQ(parse_label("T4").name, "T8");
  EXPECT_EQ(parse_label("EEG T5-LE").name, "P7");
  EXPECT_EQ(parse_label("T6").name, "P8");
  // T5/T6 are not T9/T10: those are separate inferior temporal sites.
  EXPECT_EQ(parse_label("T9").name, "T9");
  EXPECT_EQ(parse_label("T5").region.first, Region::parietal);
  EXPECT_EQ(parse_label("T9").region.first, Region::temporal);
}

TEST(ElectrodeLabels, SingleElectrodeHemisphereAndRegion) {
  const std::vector<Expected> table{
      {"Fp2", K::eeg, "Fp2", H::right, "frontopolar", false, ""},
      {"Fpz", K::eeg, "Fpz", H::midline, "frontopolar", false, ""},
      {"F3", K::eeg, "F3", H::left, "frontal", false, ""},
      {"Fz", K::eeg, "Fz", H::midline, "frontal", false, ""},
      {"F7", K::eeg, "F7", H::left, "frontotemporal", false, ""},
      {"F8", K::eeg, "F8", H::right, "frontotemporal", false, ""},
      {"F10", K::eeg, "F10", H::right, "frontotemporal", false, ""},
      {"FT9", K::eeg, "FT9", H::left, "frontotemporal", false, ""},
      {"FC5", K::eeg, "FC5", H::left, "frontal", false, ""},
      {"AF4", K::eeg, "AF4", H::right, "frontal", false, ""},
      {"C4", K::eeg, "C4", H::right, "central", false, ""},
      {"Cz", K::eeg, "Cz", H::midline, "central", false, ""},
      {"T8", K::eeg, "T8", H::right, "temporal", false, ""},
      {"TP7", K::eeg, "TP7", H::left, "temporal", false, ""},
      {"CP2", K::eeg, "CP2", H::right, "parietal", false, ""},
      {"P7", K::eeg, "P7", H::left, "parietal", false, ""},
      {"Pz", K::eeg, "Pz", H::midline, "parietal", false, ""},
      {"PO8", K::eeg, "PO8", H::right, "occipital", false, ""},
      {"O1", K::eeg, "O1", H::left, "occipital", false, ""},
      {"Oz", K::eeg, "Oz", H::midline, "occipital", false, ""},
      {"Iz", K::eeg, "Iz", H::midline, "occipital", false, ""},
      {"EEG A1-REF", K::eeg, "A1", H::left, "auricular", false, "REF"},
      {"A2", K::eeg, "A2", H::right, "auricular", false, ""},
      {"M1", K::eeg, "M1", H::left, "auricular", false, ""},
      {"EEG T1-LE", K::eeg, "T1", H::left, "temporal", false, "LE"},
      {"POL PG2", K::eeg, "PG2", H::right, "temporal", false, ""},
      {"Sph1", K::eeg, "SP1", H::left, "temporal", false, ""},
  };
  for (const auto& e : table) expect_label(e);
}

TEST(ElectrodeLabels, BipolarPairsSideAndRegion) {
  const std::vector<Expected> table{
      {"FP1-F7", K::eeg, "Fp1-F7", H::left, "frontopolar/frontotemporal", true, ""},
      {"F8-T8", K::eeg, "F8-T8", H::right, "frontotemporal/temporal", true, ""},
      {"T7-P7", K::eeg, "T7-P7", H::left, "temporal/parietal", true, ""},
      {"C3-P3", K::eeg, "C3-P3", H::left, "central/parietal", true, ""},
      {"FZ-CZ", K::eeg, "Fz-Cz", H::midline, "frontal/central", true, ""},
      {"CZ-C4", K::eeg, "Cz-C4", H::right, "central", true, ""},
      {"C3-CZ", K::eeg, "C3-Cz", H::left, "central", true, ""},
      {"FT9-FT10", K::eeg, "FT9-FT10", H::bilateral, "frontotemporal", true, ""},
      {"T7-FT9", K::eeg, "T7-FT9", H::left, "frontotemporal/temporal", true, ""},
      {"EEG Fpz-Cz", K::eeg, "Fpz-Cz", H::midline, "frontopolar/central", true, ""},
      {"EEG Pz-Oz", K::eeg, "Pz-Oz", H::midline, "parietal/occipital", true, ""},
      {"A1-T3", K::eeg, "A1-T7", H::left, "temporal/auricular", true, ""},
      {"T8-P8-1", K::eeg, "T8-P8", H::right, "temporal/parietal", true, ""},
      // An ear or mastoid as the second electrode is a reference, not a bipolar partner.
      {"C3-A2", K::eeg, "C3", H::left, "central", false, "A2"},
      {"EEG T4-A2", K::eeg, "T8", H::right, "temporal", false, "A2"},
  };
  for (const auto& e : table) expect_label(e);
}

TEST(ElectrodeLabels, NonEegAndUnknownLabels) {
  const std::vector<Expected> table{
      {"-", K::other, "", H::unknown, "unknown", false, ""},
      {"ECG", K::ecg, "", H::unknown, "unknown", false, ""},
      {"EKG", K::ecg, "", H::unknown, "unknown", false, ""},
      {"EKG EKG", K::ecg, "", H::unknown, "unknown", false, ""},
      {"EEG EKG-LE", K::ecg, "", H::unknown, "unknown", false, ""},
      {"ECG ECG1", K::ecg, "", H::unknown, "unknown", false, ""},
      {"EMG", K::emg, "", H::unknown, "unknown", false, ""},
      {"EMG submental", K::emg, "", H::unknown, "unknown", false, ""},
      {"EOG", K::eog, "", H::unknown, "unknown", false, ""},
      {"EOG horizontal", K::eog, "", H::unknown, "unknown", false, ""},
      {"EEG LOC-REF", K::eog, "", H::unknown, "unknown", false, ""},
      {"EEG RLC-LE", K::eog, "", H::unknown, "unknown", false, ""},
      {"Status", K::trigger, "", H::unknown, "unknown", false, ""},
      {"Trigger", K::trigger, "", H::unknown, "unknown", false, ""},
      {"Photic", K::trigger, "", H::unknown, "unknown", false, ""},
      {"PHOTIC PH", K::trigger, "", H::unknown, "unknown", false, ""},
      {"Event marker", K::trigger, "", H::unknown, "unknown", false, ""},
      {"EDF Annotations", K::annotation, "", H::unknown, "unknown", false, ""},
      {"BDF Annotations", K::annotation, "", H::unknown, "unknown", false, ""},
      {"Resp", K::other, "", H::unknown, "unknown", false, ""},
      {"Resp oro-nasal", K::other, "", H::unknown, "unknown", false, ""},
      {"SpO2", K::other, "", H::unknown, "unknown", false, ""},
      {"SaO2 X9", K::other, "", H::unknown, "unknown", false, ""},
      {"IBI", K::other, "", H::unknown, "unknown", false, ""},
      {"BURSTS", K::other, "", H::unknown, "unknown", false, ""},
      {"SUPPR", K::other, "", H::unknown, "unknown", false, ""},
      {"HR", K::other, "", H::unknown, "unknown", false, ""},
      {"EEG Channel-1", K::eeg, "", H::unknown, "unknown", false, ""},
      {"EEG 30-LE", K::eeg, "", H::unknown, "unknown", false, ""},
      {"POL E", K::unknown, "", H::unknown, "unknown", false, ""},
      {"POL $A1", K::unknown, "", H::unknown, "unknown", false, ""},
      {"Ergo-Left", K::unknown, "", H::unknown, "unknown", false, ""},
      {"sine 8.5 Hz", K::unknown, "", H::unknown, "unknown", false, ""},
      {"MK", K::unknown, "", H::unknown, "unknown", false, ""},
      {"1", K::unknown, "", H::unknown, "unknown", false, ""},
      {"", K::unknown, "", H::unknown, "unknown", false, ""},
      {"XYZ-C3", K::eeg, "", H::unknown, "unknown", false, ""},
      {"E1-M2", K::eog, "", H::unknown, "unknown", false, ""},
      {"Chin1-Chin2", K::emg, "", H::unknown, "unknown", false, ""},
      {"Fp1-F7-T7", K::unknown, "", H::unknown, "unknown", false, ""},
  };
  for (const auto& e : table) expect_label(e);
}

TEST(ElectrodePairs, HemisphereRule) {
  EXPECT_EQ(pair_hemisphere(H::left, H::left), H::left);
  EXPECT_EQ(pair_hemisphere(H::right, H::right), H::right);
  EXPECT_EQ(pair_hemisphere(H::midline, H::left), H::left);
  EXPECT_EQ(pair_hemisphere(H::right, H::midline), H::right);
  EXPECT_EQ(pair_hemisphere(H::left, H::right), H::bilateral);
  EXPECT_EQ(pair_hemisphere(H::midline, H::midline), H::midline);
  EXPECT_EQ(pair_hemisphere(H::unknown, H::left), H::unknown);
}

TEST(ElectrodePairs, RegionRule) {
  EXPECT_EQ(region_name(pair_region(Region::central, Region::central)), "central");
  EXPECT_EQ(region_name(pair_region(Region::occipital, Region::parietal)), "parietal/occipital");
  EXPECT_EQ(region_name(pair_region(Region::unknown, Region::frontal)), "unknown");
}

TEST(ElectrodeSets, BioSemiAbcCapIsNotTenTwenty) {
  std::vector<std::string> labels;
  for (char letter : {'A', 'B', 'C', 'D'}) {
    for (int n = 1; n <= 32; ++n) labels.push_back(std::string(1, letter) + std::to_string(n));
  }
  labels.push_back("Status");
  const auto channels = parse_labels(labels);
  for (std::size_t i = 0; i + 1 < channels.size(); ++i) {
    SCOPED_TRACE(labels[i]);
    EXPECT_EQ(channels[i].kind, K::eeg);
    EXPECT_EQ(channels[i].name, "");
    EXPECT_EQ(channels[i].hemisphere, H::unknown);
  }
  EXPECT_EQ(channels.back().kind, K::trigger);
  // A plain 10-20 set with A1/A2 ear electrodes keeps its meaning.
  const auto plain = parse_labels({"A1", "A2", "C3", "C4", "F3", "O1", "EMG"});
  EXPECT_EQ(plain[0].region.first, Region::auricular);
  EXPECT_EQ(plain[2].name, "C3");
}

TEST(ElectrodeSets, CommonElectrodeCathodeIsAReference) {
  const auto channels = parse_labels({"Fp1-Cz", "F3-Cz", "C3-Cz", "P3-Cz", "ECG"});
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_FALSE(channels[i].is_bipolar);
    EXPECT_EQ(channels[i].reference, "Cz");
    EXPECT_EQ(channels[i].hemisphere, H::left);
  }
  EXPECT_EQ(channels[2].name, "C3");
  // CHB-MIT chains share cathodes that are also anodes: they stay bipolar.
  const auto chain = parse_labels({"FP1-F7", "F7-T7", "T7-P7", "P7-O1", "FP1-F3", "F3-C3"});
  for (const auto& c : chain) EXPECT_TRUE(c.is_bipolar);
}

TEST(ElectrodePositions, SphericalTenTwentyGeometry) {
  auto at = [](const char* name) { return find_electrode(name)->position; };
  // Cz at the vertex, Fpz at the nose on the equator, T7 at the left ear on the equator.
  EXPECT_NEAR(at("Cz").z, 1.0, 1e-12);
  EXPECT_NEAR(at("Fpz").y, 1.0, 1e-12);
  EXPECT_NEAR(at("T7").x, -1.0, 1e-12);
  EXPECT_NEAR(at("T8").x, 1.0, 1e-12);
  // Two 10 % steps (45 degrees) from Cz to Fz, C3, T7 to Cz is 90 degrees.
  EXPECT_NEAR(angle_degrees(at("Cz"), at("Fz")), 45.0, 1e-9);
  EXPECT_NEAR(angle_degrees(at("Cz"), at("C3")), 45.0, 1e-9);
  EXPECT_NEAR(angle_degrees(at("T7"), at("Cz")), 90.0, 1e-9);
  // Equator spacing: Fp1-Fp2 = 36 degrees of azimuth.
  EXPECT_NEAR(angle_degrees(at("Fp1"), at("Fp2")), 36.0, 1e-9);
  // F3 halfway along the F7-Fz arc: equal angles to both ends.
  EXPECT_NEAR(angle_degrees(at("F7"), at("F3")), angle_degrees(at("F3"), at("Fz")), 1e-9);
  // Mirror symmetry, and left sites have x < 0.
  EXPECT_NEAR(at("C4").x, -at("C3").x, 1e-12);
  EXPECT_LT(at("CP5").x, 0.0);
  // 2D: Cz at the centre, the equator at radius 1, nose up.
  EXPECT_NEAR(find_electrode("Cz")->position_2d.x, 0.0, 1e-12);
  EXPECT_NEAR(find_electrode("Fpz")->position_2d.y, 1.0, 1e-12);
  EXPECT_NEAR(find_electrode("T9")->position_2d.x, 1.25 * -1.0, 1e-12);
  EXPECT_FALSE(find_electrode("T1")->has_position);
}

TEST(ElectrodeNeighbours, TenTwentyGrid) {
  const auto channels =
      parse_labels({"Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T3", "C3", "Cz",
                    "C4",  "T4",  "T5", "P3", "Pz", "P4", "T6", "O1", "O2", "ECG"});
  // The median nearest-neighbour angle of the 10-20 set is the F3-Fz spacing.
  const double f3_fz =
      angle_degrees(find_electrode("F3")->position, find_electrode("Fz")->position);
  EXPECT_NEAR(default_neighbour_angle(channels), 1.5 * f3_fz, 1e-9);
  const auto adjacency = channel_neighbours(channels);
  EXPECT_EQ(names_of(channels, adjacency[8]), (std::vector<std::string>{"Cz", "F3", "P3", "T7"}));
  EXPECT_EQ(names_of(channels, adjacency[0]), (std::vector<std::string>{"F3", "F7", "Fp2", "Fz"}));
  EXPECT_EQ(names_of(channels, adjacency[9]), (std::vector<std::string>{"C3", "C4", "Fz", "Pz"}));
  EXPECT_TRUE(adjacency.back().empty());  // ECG has no neighbours
}

TEST(ElectrodeNeighbours, BipolarChannelsShareOrTouch) {
  const auto channels = parse_labels({"FP1-F7", "F7-T7", "T7-P7", "FP2-F8", "F8-T8", "FT9-FT10"});
  const auto adjacency = channel_neighbours(channels);
  auto adjacent = [&](std::size_t a, std::size_t b) {
    return std::find(adjacency[a].begin(), adjacency[a].end(), b) != adjacency[a].end();
  };
  EXPECT_TRUE(adjacent(0, 1));   // share F7
  EXPECT_TRUE(adjacent(1, 2));   // share T7
  EXPECT_TRUE(adjacent(0, 3));   // Fp1 and Fp2 are 36 degrees apart
  EXPECT_FALSE(adjacent(1, 4));  // left and right temporal chains
  EXPECT_FALSE(adjacent(2, 4));
  EXPECT_TRUE(adjacent(5, 1));  // FT9 touches F7 and T7
  EXPECT_TRUE(adjacent(5, 4));  // FT10 touches F8 and T8
}

TEST(ElectrodeLabels, ArbitraryBytesNeverCrash) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  std::vector<std::string> labels;
  for (int i = 0; i < 2000; ++i) {
    std::string label(static_cast<std::size_t>(length(rng)), ' ');
    for (char& c : label) c = static_cast<char>(byte(rng));
    if (i % 3 == 0) label = "EEG " + label + "-REF";
    if (i % 5 == 0) label = "-" + label + "-";
    labels.push_back(label);
    const LabelInfo info = parse_label(label);
    EXPECT_TRUE(info.kind != K::eeg || info.name.empty() || find_electrode(info.anode));
  }
  const auto channels = parse_labels(labels);
  EXPECT_EQ(channels.size(), labels.size());
  EXPECT_EQ(channel_neighbours(channels).size(), labels.size());
}

TEST(ElectrodeNeighbours, ActiveClustersSeparateDistantFoci) {
  const auto channels = parse_labels({"Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T3", "C3", "Cz",
                                      "C4", "T4", "T5", "P3", "Pz", "P4", "T6", "O1", "O2"});
  const auto adjacency = channel_neighbours(channels);
  auto active_of = [&](std::initializer_list<const char*> names) {
    std::vector<bool> active(channels.size(), false);
    for (const char* name : names) {
      for (std::size_t i = 0; i < channels.size(); ++i)
        active[i] = active[i] || channels[i].name == name;
    }
    return active;
  };
  // Left temporal spread F7-T7-P7: one cluster. Left temporal + right occipital: two.
  EXPECT_EQ(active_clusters(adjacency, active_of({"F7", "T7", "P7"})).size(), 1u);
  const auto two = active_clusters(adjacency, active_of({"F7", "T7", "O2", "P8"}));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0], (std::vector<std::size_t>{2, 7}));    // F7, T7
  EXPECT_EQ(two[1], (std::vector<std::size_t>{16, 18}));  // P8 (T6), O2
  // C3 and C4 are not neighbours; Cz bridges them only when it is active itself.
  EXPECT_EQ(active_clusters(adjacency, active_of({"C3", "C4"})).size(), 2u);
  EXPECT_EQ(active_clusters(adjacency, active_of({"C3", "Cz", "C4"})).size(), 1u);
  EXPECT_TRUE(active_clusters(adjacency, std::vector<bool>(channels.size(), false)).empty());
  EXPECT_THROW(active_clusters(adjacency, {true}), std::invalid_argument);
}
