#include "io/edflib_lock.hpp"

namespace ictaltrack::detail {
std::mutex& edflib_mutex() {
  static std::mutex mutex;
  return mutex;
}
}  // namespace ictaltrack::detail
