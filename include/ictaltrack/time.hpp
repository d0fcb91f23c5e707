// Time bases. Inside the library time is an integer: sample indices per channel, and 100 ns ticks
// (EDFlib's EDFLIB_TIME_DIMENSION) for absolute positions. Seconds appear only at the edges (API
// results, JSON, Python), because float seconds accumulated over a 24 h file drift.
#pragma once

#include <cstdint>

namespace ictaltrack {

using Ticks = std::int64_t;  ///< 100 ns units
inline constexpr Ticks kTicksPerSecond = 10'000'000;

constexpr double ticks_to_seconds(Ticks t) noexcept {
  return static_cast<double>(t) / static_cast<double>(kTicksPerSecond);
}
/// Rounds to the nearest tick.
constexpr Ticks seconds_to_ticks(double s) noexcept {
  const double t = s * static_cast<double>(kTicksPerSecond);
  return static_cast<Ticks>(t < 0 ? t - 0.5 : t + 0.5);
}

}  // namespace ictaltrack
