// Internal: the 2D head-map projection shared by the site table and the channel parser.
#pragma once

#include "ictaltrack/electrodes/electrodes.hpp"

namespace ictaltrack::detail {
/// Azimuthal equidistant projection of a point of the unit sphere (see Point2).
Point2 project_to_plane(const Point3& p);
}  // namespace ictaltrack::detail
