#include "io/sample_decode.hpp"

namespace ictaltrack::detail {
namespace {

template <typename Real>
inline void decode_int16_loop(const unsigned char* p, std::size_t n, std::int16_t low,
                              std::int16_t high, double gain, double offset, Real* out) noexcept {
  for (std::size_t k = 0; k < n; ++k) {
    const auto digital = std::clamp(static_cast<std::int16_t>(load_int16_le(p + 2 * k)), low, high);
    out[k] = static_cast<Real>(gain * static_cast<double>(digital) + offset);
  }
}

}  // namespace

void decode_int16(const unsigned char* p, std::size_t n, std::int16_t low, std::int16_t high,
                  double gain, double offset, float* out) noexcept {
  decode_int16_loop(p, n, low, high, gain, offset, out);
}

void decode_int16(const unsigned char* p, std::size_t n, std::int16_t low, std::int16_t high,
                  double gain, double offset, double* out) noexcept {
  decode_int16_loop(p, n, low, high, gain, offset, out);
}

}  // namespace ictaltrack::detail
