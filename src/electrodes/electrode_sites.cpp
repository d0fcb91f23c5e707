// The 10-10 electrode table and its positions on an idealised spherical head.
//
// Geometry (docs/electrodes.md): the Fpz-T7-Oz-T8 circumference is the equator; along the
// midline and the T7-Cz-T8 arc each 10 % step is 22.5 degrees (Fz, Cz, Pz at 45, 0, 45 degrees
// from the vertex); around the equator each 10 % of the half circumference is 18 degrees of
// azimuth (Fp1 18, F7 54, T7 90, P7 126, O1 162). The inferior ring (F9, T9, P9, Nz, Iz) is one
// step below the equator. Intermediate sites of a row (F5, F3, F1 between F7 and Fz) divide the
// circular arc through the row's lateral, midline and mirrored lateral sites into equal parts, as
// the 10-10 system divides the measured arc.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <numbers>
#include <string>
#include <unordered_map>

#include "electrodes/projection.hpp"
#include "ictaltrack/electrodes/electrodes.hpp"

namespace ictaltrack {
namespace {

constexpr double kDegree = std::numbers::pi / 180.0;
constexpr double kStepDegrees = 22.5;  // one 10 % step along the midline or the coronal arc

struct Vec {
  double x, y, z;
  Vec operator+(const Vec& o) const { return {x + o.x, y + o.y, z + o.z}; }
  Vec operator-(const Vec& o) const { return {x - o.x, y - o.y, z - o.z}; }
  Vec operator*(double s) const { return {x * s, y * s, z * s}; }
  double dot(const Vec& o) const { return x * o.x + y * o.y + z * o.z; }
  Vec cross(const Vec& o) const {
    return {y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x};
  }
  double norm() const { return std::sqrt(dot(*this)); }
};

// polar: degrees from the vertex; azimuth: degrees from the nose towards the right ear.
Vec from_spherical(double polar_degrees, double azimuth_degrees) {
  const double p = polar_degrees * kDegree;
  const double a = azimuth_degrees * kDegree;
  return {std::sin(p) * std::sin(a), std::sin(p) * std::cos(a), std::cos(p)};
}

// Points dividing the arc from `lateral` to `midline` (on the circle that also passes through
// the mirror image of `lateral`) into `parts` equal pieces; returns parts + 1 points.
std::vector<Vec> divide_row_arc(const Vec& lateral, const Vec& midline, int parts) {
  const Vec mirrored{-lateral.x, lateral.y, lateral.z};
  // Circumcentre of the triangle (lateral, midline, mirrored).
  const Vec a = lateral - midline;
  const Vec b = mirrored - midline;
  const Vec axb = a.cross(b);
  const Vec centre =
      midline + (axb.cross(a) * b.dot(b) + b.cross(axb) * a.dot(a)) * (1.0 / (2.0 * axb.dot(axb)));
  const Vec u = lateral - centre;
  const Vec w = midline - centre;
  const double radius = u.norm();
  const double arc = std::acos(std::clamp(u.dot(w) / (radius * w.norm()), -1.0, 1.0));
  Vec v = w - u * (w.dot(u) / (radius * radius));
  v = v * (radius / v.norm());
  std::vector<Vec> points;
  for (int k = 0; k <= parts; ++k) {
    const double t = arc * k / parts;
    points.push_back(centre + u * std::cos(t) + v * std::sin(t));
  }
  return points;
}

Hemisphere hemisphere_from_name(const std::string& name) {
  const char last = name.back();
  if (last == 'z') return Hemisphere::midline;
  if (std::isdigit(static_cast<unsigned char>(last))) {
    return ((last - '0') % 2 == 1) ? Hemisphere::left : Hemisphere::right;
  }
  return Hemisphere::unknown;
}

// Region of a 10-10 name from its letter prefix. Rows between two regions are given to the
// region farther from the central row (FC -> frontal, CP -> parietal, PO -> occipital), as the
// domain notes group CP with P; F7-F10 and FT are frontotemporal; TP is temporal.
Region region_from_name(const std::string& name) {
  std::string prefix;
  for (char c : name) {
    if (std::isdigit(static_cast<unsigned char>(c)) || c == 'z') break;
    prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const bool lateral_f = name == "F7" || name == "F8" || name == "F9" || name == "F10";
  if (prefix == "FP") return Region::frontopolar;
  if (prefix == "AF" || prefix == "FC") return Region::frontal;
  if (prefix == "F") return lateral_f ? Region::frontotemporal : Region::frontal;
  if (prefix == "FT") return Region::frontotemporal;
  if (prefix == "C") return Region::central;
  if (prefix == "T" || prefix == "TP") return Region::temporal;
  if (prefix == "CP" || prefix == "P") return Region::parietal;
  if (prefix == "PO" || prefix == "O" || prefix == "I") return Region::occipital;
  if (prefix == "N") return Region::frontopolar;  // nasion, below Fpz
  return Region::unknown;
}

Point2 project(const Vec& p) {
  const double polar_degrees = std::acos(std::clamp(p.z, -1.0, 1.0)) / kDegree;
  const double horizontal = std::hypot(p.x, p.y);
  const double radius = polar_degrees / 90.0;
  if (horizontal < 1e-12) return {0.0, 0.0};
  return {radius * p.x / horizontal, radius * p.y / horizontal};
}

// The 10-10 sites of the right hemisphere and the midline, as (name, position); the left
// hemisphere is their mirror image (odd numbers = even number - 1).
std::vector<std::pair<std::string, Vec>> right_and_midline_sites() {
  std::vector<std::pair<std::string, Vec>> sites;
  auto add = [&](const std::string& name, const Vec& p) { sites.emplace_back(name, p); };
  // Equator: 10-20 circumference, 10 % of the half circumference = 18 degrees of azimuth.
  const std::array<std::pair<const char*, double>, 11> equator{{{"Fpz", 0},
                                                                {"Fp2", 18},
                                                                {"AF8", 36},
                                                                {"F8", 54},
                                                                {"FT8", 72},
                                                                {"T8", 90},
                                                                {"TP8", 108},
                                                                {"P8", 126},
                                                                {"PO8", 144},
                                                                {"O2", 162},
                                                                {"Oz", 180}}};
  for (const auto& [name, azimuth] : equator) add(name, from_spherical(90.0, azimuth));
  const double inferior = 90.0 + kStepDegrees;
  const std::array<std::pair<const char*, double>, 9> inferior_ring{{{"Nz", 0},
                                                                     {"F10", 54},
                                                                     {"FT10", 72},
                                                                     {"T10", 90},
                                                                     {"TP10", 108},
                                                                     {"P10", 126},
                                                                     {"PO10", 144},
                                                                     {"O10", 162},
                                                                     {"Iz", 180}}};
  for (const auto& [name, azimuth] : inferior_ring) add(name, from_spherical(inferior, azimuth));
  // Midline: 10 % steps of 22.5 degrees from Fpz over Cz to Oz.
  const std::array<std::pair<const char*, double>, 7> midline{
      {{"AFz", 3}, {"Fz", 2}, {"FCz", 1}, {"Cz", 0}, {"CPz", -1}, {"Pz", -2}, {"POz", -3}}};
  for (const auto& [name, steps] : midline) {
    add(name, from_spherical(std::abs(steps) * kStepDegrees, steps >= 0 ? 0.0 : 180.0));
  }
  auto position_of = [&](const std::string& name) {
    return std::find_if(sites.begin(), sites.end(), [&](const auto& s) { return s.first == name; })
        ->second;
  };
  struct Row {
    const char* lateral;
    const char* midline;
    std::vector<const char*> inner;  // from lateral towards the midline, excluding both ends
  };
  const std::array<Row, 7> rows{{{"AF8", "AFz", {"AF4"}},
                                 {"F8", "Fz", {"F6", "F4", "F2"}},
                                 {"FT8", "FCz", {"FC6", "FC4", "FC2"}},
                                 {"T8", "Cz", {"C6", "C4", "C2"}},
                                 {"TP8", "CPz", {"CP6", "CP4", "CP2"}},
                                 {"P8", "Pz", {"P6", "P4", "P2"}},
                                 {"PO8", "POz", {"PO4"}}}};
  for (const Row& row : rows) {
    const int parts = static_cast<int>(row.inner.size()) + 1;
    const auto points = divide_row_arc(position_of(row.lateral), position_of(row.midline), parts);
    for (std::size_t k = 0; k < row.inner.size(); ++k) add(row.inner[k], points[k + 1]);
  }
  return sites;
}

std::string mirror_name(const std::string& name) {
  std::size_t digits = name.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
  return name.substr(0, digits) + std::to_string(std::stoi(name.substr(digits)) - 1);
}

ElectrodeSite positioned_site(const std::string& name, const Vec& p, Hemisphere hemisphere,
                              Region region) {
  ElectrodeSite site;
  site.name = name;
  site.hemisphere = hemisphere;
  site.region = region;
  site.has_position = true;
  const Vec unit = p * (1.0 / p.norm());
  site.position = {unit.x, unit.y, unit.z};
  site.position_2d = project(unit);
  return site;
}

ElectrodeSite unpositioned_site(const std::string& name, Hemisphere hemisphere, Region region) {
  ElectrodeSite site;
  site.name = name;
  site.hemisphere = hemisphere;
  site.region = region;
  return site;
}

std::vector<ElectrodeSite> build_sites() {
  std::vector<ElectrodeSite> grid;
  for (const auto& [name, p] : right_and_midline_sites()) {
    const Hemisphere hemisphere = hemisphere_from_name(name);
    grid.push_back(positioned_site(name, p, hemisphere, region_from_name(name)));
    if (hemisphere == Hemisphere::right) {
      const std::string left = mirror_name(name);
      grid.push_back(
          positioned_site(left, {-p.x, p.y, p.z}, Hemisphere::left, region_from_name(left)));
    }
  }
  // Front to back (by y), then left to right, so tables read like a head map.
  std::sort(grid.begin(), grid.end(), [](const ElectrodeSite& a, const ElectrodeSite& b) {
    if (std::abs(a.position.y - b.position.y) > 1e-9) return a.position.y > b.position.y;
    return a.position.x < b.position.x;
  });
  // Ear lobes and mastoids: one 10 % step below T9/T10 and TP9/TP10 (approximate sites).
  const double below_inferior = 90.0 + 2.0 * kStepDegrees;
  grid.push_back(positioned_site("A1", from_spherical(below_inferior, -90.0), Hemisphere::left,
                                 Region::auricular));
  grid.push_back(positioned_site("A2", from_spherical(below_inferior, 90.0), Hemisphere::right,
                                 Region::auricular));
  grid.push_back(positioned_site("M1", from_spherical(below_inferior, -108.0), Hemisphere::left,
                                 Region::auricular));
  grid.push_back(positioned_site("M2", from_spherical(below_inferior, 108.0), Hemisphere::right,
                                 Region::auricular));
  // Clinical extra sites without a 10-10 position: anterior temporal (T1/T2), sphenoidal and
  // nasopharyngeal (recording mesial temporal activity), SeizeIT behind-the-ear electrodes.
  for (const auto& [name, hemisphere] :
       std::vector<std::pair<std::string, Hemisphere>>{{"T1", Hemisphere::left},
                                                       {"T2", Hemisphere::right},
                                                       {"SP1", Hemisphere::left},
                                                       {"SP2", Hemisphere::right},
                                                       {"PG1", Hemisphere::left},
                                                       {"PG2", Hemisphere::right}}) {
    grid.push_back(unpositioned_site(name, hemisphere, Region::temporal));
  }
  for (const auto& [name, hemisphere] :
       std::vector<std::pair<std::string, Hemisphere>>{{"OorLiAchter", Hemisphere::left},
                                                       {"OorReAchter", Hemisphere::right},
                                                       {"OorLiTop", Hemisphere::left},
                                                       {"OorReTop", Hemisphere::right}}) {
    grid.push_back(unpositioned_site(name, hemisphere, Region::auricular));
  }
  return grid;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

struct SiteIndex {
  std::vector<ElectrodeSite> sites = build_sites();
  std::unordered_map<std::string, std::size_t> by_upper_name;
  SiteIndex() {
    for (std::size_t i = 0; i < sites.size(); ++i) by_upper_name.emplace(upper(sites[i].name), i);
    // Old 10-20 names of the same temporal sites (not T9/T10: those are other sites).
    const std::array<std::pair<const char*, const char*>, 6> aliases{
        {{"T3", "T7"}, {"T4", "T8"}, {"T5", "P7"}, {"T6", "P8"}, {"SPH1", "SP1"}, {"SPH2", "SP2"}}};
    for (const auto& [alias, name] : aliases) by_upper_name.emplace(alias, by_upper_name.at(name));
  }
};

const SiteIndex& site_index() {
  static const SiteIndex index;
  return index;
}

}  // namespace

const std::vector<ElectrodeSite>& electrode_sites() { return site_index().sites; }

std::optional<ElectrodeSite> find_electrode(std::string_view name) {
  while (!name.empty() && (name.back() == '.' || name.back() == ' ')) name.remove_suffix(1);
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  if (name.empty()) return std::nullopt;
  const auto& index = site_index();
  const auto it = index.by_upper_name.find(upper(name));
  if (it == index.by_upper_name.end()) return std::nullopt;
  return index.sites[it->second];
}

double angle_degrees(const Point3& a, const Point3& b) noexcept {
  const double dot = a.x * b.x + a.y * b.y + a.z * b.z;
  const double na = std::sqrt(a.x * a.x + a.y * a.y + a.z * a.z);
  const double nb = std::sqrt(b.x * b.x + b.y * b.y + b.z * b.z);
  return std::acos(std::clamp(dot / (na * nb), -1.0, 1.0)) / kDegree;
}

namespace detail {
Point2 project_to_plane(const Point3& p) { return project({p.x, p.y, p.z}); }
}  // namespace detail

}  // namespace ictaltrack
