#include "spectral/fftw_planner.hpp"

namespace ictaltrack::detail {
std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}
}  // namespace ictaltrack::detail
