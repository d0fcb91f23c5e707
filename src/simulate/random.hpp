// Portable pseudo-random numbers for the simulator. std::mt19937_64's sequence is fixed by the
// C++ standard, but std::uniform_real_distribution / std::normal_distribution are not (libstdc++,
// libc++ and MSVC give different numbers), so the transforms are written out here.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace ictaltrack::detail {

/// splitmix64 finaliser: turns (seed, stream id) into well-separated engine seeds.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  /// Uniform integer in [0, n).
  int below(int n) {
    const int k = static_cast<int>(uniform() * n);
    return k < n ? k : n - 1;
  }
  bool chance(double probability) { return uniform() < probability; }
  /// Exponential with the given mean (Poisson process gaps).
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  /// Standard normal by the Box-Muller transform; the second value of each pair is kept.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace ictaltrack::detail
