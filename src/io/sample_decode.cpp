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

// "avx2" does not enable FMA, so the multiply and the add stay two roundings, as in the baseline
// clone: every clone gives the same bits. Not under the sanitizers: the clones are picked by an
// ifunc resolver that runs before their runtime is set up (ThreadSanitizer crashes at start-up).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define ICTALTRACK_NO_TARGET_CLONES
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ICTALTRACK_NO_TARGET_CLONES
#endif
#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__) && \
    !defined(ICTALTRACK_NO_TARGET_CLONES)
#define ICTALTRACK_DECODE_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ICTALTRACK_DECODE_CLONES
#endif

ICTALTRACK_DECODE_CLONES
void decode_int16(const unsigned char* p, std::size_t n, std::int16_t low, std::int16_t high,
                  double gain, double offset, float* out) noexcept {
  decode_int16_loop(p, n, low, high, gain, offset, out);
}

ICTALTRACK_DECODE_CLONES
void decode_int16(const unsigned char* p, std::size_t n, std::int16_t low, std::int16_t high,
                  double gain, double offset, double* out) noexcept {
  decode_int16_loop(p, n, low, high, gain, offset, out);
}

}  // namespace ictaltrack::detail
