// Electrode knowledge: what a channel label means (kind, 10-10 site, hemisphere, region), where the
// site lies on an idealised spherical head, and which channels are neighbours. The rules are
// written out in docs/electrodes.md; nothing here guesses: an unrecognised label stays unknown.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ictaltrack {

/// What a channel records. `annotation` is an EDF+/BDF+ annotation signal; `trigger` is a
/// stimulus/event/status channel; `other` a recognised non-EEG signal (respiration, SpO2, dummy).
enum class ChannelKind { eeg, ecg, eog, emg, trigger, annotation, other, unknown };

/// `bilateral`: a bipolar pair joining a left and a right electrode.
enum class Hemisphere { left, right, midline, bilateral, unknown };

/// Scalp regions, ordered front to back, with the ears last. `parietal` covers the centroparietal
/// (CP) row too; `auricular` covers ear and mastoid electrodes (A1/A2, M1/M2).
enum class Region {
  frontopolar,
  frontal,
  frontotemporal,
  central,
  temporal,
  parietal,
  occipital,
  auricular,
  unknown
};

std::string_view to_string(ChannelKind kind) noexcept;
std::string_view to_string(Hemisphere hemisphere) noexcept;
std::string_view to_string(Region region) noexcept;

/// Point on the unit sphere of the idealised head: x towards the right ear, y towards the nose,
/// z towards the vertex (the orientation of MNE's head coordinates). The Fpz-T7-Oz-T8
/// circumference is the equator and each 10 % step of the 10-10 system is 22.5 degrees.
struct Point3 {
  double x = 0.0;
  double y = 0.0;
  double z = 0.0;
};

/// Azimuthal equidistant projection seen from above, nose up: radius = polar angle / 90 degrees,
/// so Cz is (0, 0), the Fpz-T7-Oz-T8 circle has radius 1 and the F9-T9-P9 ring radius 1.25.
struct Point2 {
  double x = 0.0;
  double y = 0.0;
};

/// One electrode site (a scalp position of the 10-10 system, or a recognised extra site such as
/// A1, T1, SP1 or PG1; extra sites without an agreed 10-10 position have `has_position` false).
struct ElectrodeSite {
  std::string name;  ///< canonical spelling, e.g. "Fp1", "T7", "FC5", "A1", "SP1"
  Hemisphere hemisphere = Hemisphere::unknown;
  Region region = Region::unknown;
  bool has_position = false;
  Point3 position;
  Point2 position_2d;
};

/// Looks up an electrode name in any letter case, with old names (T3=T7, T4=T8, T5=P7, T6=P8)
/// and trailing dots ("Fc5.", "C5..") accepted. Returns nullopt for anything else.
std::optional<ElectrodeSite> find_electrode(std::string_view name);

/// Every site the library knows, 10-10 grid first (front to back), then the extra sites.
const std::vector<ElectrodeSite>& electrode_sites();

/// The region of a channel: one region, or the two regions a bipolar pair spans (ordered as in
/// `Region`). A single region has first == second.
struct RegionSpan {
  Region first = Region::unknown;
  Region second = Region::unknown;
  bool is_single() const noexcept { return first == second; }
  friend bool operator==(const RegionSpan&, const RegionSpan&) = default;
};

/// "frontal" for a single region, "frontal/central" for a span, "unknown" when either is unknown.
std::string region_name(const RegionSpan& region);

/// What one channel label means.
struct LabelInfo {
  std::string label;  ///< the label as given, without surrounding blanks
  ChannelKind kind = ChannelKind::unknown;
  /// Canonical site name: "Fp1" (referential), "Fp1-F7" (bipolar); empty when not known.
  std::string name;
  std::string anode;      ///< first electrode (canonical), empty when unknown
  std::string cathode;    ///< second electrode of a bipolar pair, empty otherwise
  std::string reference;  ///< stated reference of a referential label ("REF", "LE", "AVG", "A1")
  bool is_bipolar = false;
  Hemisphere hemisphere = Hemisphere::unknown;
  RegionSpan region;
  /// A referential channel sits at its electrode; a bipolar one at the midpoint of its two
  /// electrodes (projected back onto the sphere). False when an electrode has no position.
  bool has_position = false;
  Point3 position;
  Point2 position_2d;
};

/// Parses one label on its own. See docs/electrodes.md for every form recognised.
LabelInfo parse_label(std::string_view label);

/// The name a channel goes by in results (seizures' channel lists, onset alarms, the channels of
/// a detection): its canonical site name when the label names one ("T7" for "EEG T3-REF"), else
/// the label itself ("Photic").
const std::string& channel_name(const LabelInfo& label) noexcept;

/// Parses the labels of one recording. Unlike parse_label it uses the whole set: a BioSemi
/// "ABC" cap (A1..A32, B1.. labels that are not 10-10 names) makes every such label an EEG
/// channel of unknown site, and bipolar labels that all share one cathode that is never an
/// anode (Fp1-Cz, F3-Cz, ...) are read as referential to that electrode.
std::vector<LabelInfo> parse_labels(const std::vector<std::string>& labels);

/// Side of a bipolar pair: both left = left, both right = right, midline + side = that side,
/// left + right = bilateral, both midline = midline; unknown when either side is unknown.
Hemisphere pair_hemisphere(Hemisphere anode, Hemisphere cathode) noexcept;
/// Region of a bipolar pair: the region of both when equal, else the span of the two.
RegionSpan pair_region(Region anode, Region cathode) noexcept;

/// Angle in degrees between two points of the unit sphere.
double angle_degrees(const Point3& a, const Point3& b) noexcept;

/// Factor applied to the median nearest-neighbour angle to get the default neighbour distance.
/// 1.5 puts the threshold in the gap between edge and diagonal neighbours of both the 10-20 grid
/// (median nearest 33.6 -> 50.4 degrees; edges up to 47.7 such as Fp1-Fz, diagonals from 55.1
/// such as C3-F7) and the full 10-10 grid (median 18 -> 27; edges up to 22.5, diagonals from 29.8).
inline constexpr double kNeighbourAngleFactor = 1.5;

/// The default neighbour distance for a set of channels: kNeighbourAngleFactor times the median,
/// over the distinct positioned electrodes of the channels, of each one's nearest-neighbour angle.
/// Returns 0 when fewer than two electrodes have positions.
double default_neighbour_angle(const std::vector<LabelInfo>& channels);

/// Adjacency lists (sorted indices) over EEG channels with known electrodes. Two electrodes are
/// adjacent when their angle is at most `max_angle_degrees` (<= 0: default_neighbour_angle).
/// A channel stands for its electrode (referential) or its two electrodes (bipolar); two channels
/// are neighbours when they share an electrode or any of their electrodes are adjacent.
/// Non-EEG channels and channels of unknown site have no neighbours.
std::vector<std::vector<std::size_t>> channel_neighbours(const std::vector<LabelInfo>& channels,
                                                         double max_angle_degrees = 0.0);

/// Groups the `active` channels (one flag per channel) into connected clusters of the neighbour
/// graph `adjacency` (from channel_neighbours): one spreading discharge gives one cluster, two
/// independent foci two. Clusters are sorted lists of channel indices, ordered by their first
/// index; inactive channels never join or bridge a cluster.
std::vector<std::vector<std::size_t>> active_clusters(
    const std::vector<std::vector<std::size_t>>& adjacency, const std::vector<bool>& active);

}  // namespace ictaltrack
