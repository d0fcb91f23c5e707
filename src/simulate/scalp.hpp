// The scalp sites the simulator needs: the 19 electrodes of the 10-20 system plus FT9/FT10 (used
// by the CHB-MIT bipolar montage), with 2D positions on the usual flat head map (Cz at the centre,
// nose up, head radius 1, the outer ring Fp-F7-T-T5-O at radius 0.8). Regions follow
// docs/simulator.md and the project's domain notes (T5/T6 = P7/P8 count as parietal).
#pragma once

#include <array>
#include <cmath>
#include <numbers>
#include <string>

#include "ictaltrack/electrodes/electrodes.hpp"

namespace ictaltrack::detail {

struct ScalpSite {
  const char* old_name;  ///< T3/T4/T5/T6 naming
  const char* new_name;  ///< T7/T8/P7/P8 naming
  double x, y;           ///< right and front, head radius = 1
  Region region;
  int side;  ///< -1 left, 0 midline, +1 right
};

inline constexpr int kReferentialSites = 19;  // the first 19 entries; FT9/FT10 follow

// Outer-ring sites sit at radius 0.8 every 36 degrees from the nose, clockwise seen from above.
inline ScalpSite ring_site(const char* old_name, const char* new_name, double degrees,
                           double radius, Region region, int side) {
  const double angle = degrees * std::numbers::pi / 180.0;
  return {old_name, new_name, radius * std::sin(angle), radius * std::cos(angle), region, side};
}

inline const std::array<ScalpSite, 21>& scalp_sites() {
  static const std::array<ScalpSite, 21> sites = {
      ring_site("Fp1", "Fp1", -18, 0.8, Region::frontopolar, -1),
      ring_site("Fp2", "Fp2", 18, 0.8, Region::frontopolar, +1),
      ScalpSite{"F3", "F3", -0.38, 0.45, Region::frontal, -1},
      ScalpSite{"F4", "F4", 0.38, 0.45, Region::frontal, +1},
      ScalpSite{"C3", "C3", -0.4, 0.0, Region::central, -1},
      ScalpSite{"C4", "C4", 0.4, 0.0, Region::central, +1},
      ScalpSite{"P3", "P3", -0.38, -0.45, Region::parietal, -1},
      ScalpSite{"P4", "P4", 0.38, -0.45, Region::parietal, +1},
      ring_site("O1", "O1", -162, 0.8, Region::occipital, -1),
      ring_site("O2", "O2", 162, 0.8, Region::occipital, +1),
      ring_site("F7", "F7", -54, 0.8, Region::frontotemporal, -1),
      ring_site("F8", "F8", 54, 0.8, Region::frontotemporal, +1),
      ring_site("T3", "T7", -90, 0.8, Region::temporal, -1),
      ring_site("T4", "T8", 90, 0.8, Region::temporal, +1),
      ring_site("T5", "P7", -126, 0.8, Region::parietal, -1),
      ring_site("T6", "P8", 126, 0.8, Region::parietal, +1),
      ScalpSite{"Fz", "Fz", 0.0, 0.4, Region::frontal, 0},
      ScalpSite{"Cz", "Cz", 0.0, 0.0, Region::central, 0},
      ScalpSite{"Pz", "Pz", 0.0, -0.4, Region::parietal, 0},
      ring_site("FT9", "FT9", -72, 0.95, Region::frontotemporal, -1),
      ring_site("FT10", "FT10", 72, 0.95, Region::frontotemporal, +1),
  };
  return sites;
}

inline double site_distance(const ScalpSite& a, const ScalpSite& b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

}  // namespace ictaltrack::detail
