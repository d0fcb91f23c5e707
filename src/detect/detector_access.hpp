// The library's own access to SeizureDetector beyond its public API (not installed).
#pragma once

#include <cstddef>
#include <functional>

#include "ictaltrack/detect/detector.hpp"

namespace ictaltrack::detail {

struct DetectorAccess {
  /// As SeizureDetector::push(), and calls `alongside(part)` once for every part in [0, parts)
  /// while the samples are processed: each of the detector's threads, once done with its share
  /// of the samples, takes the next part not yet taken (with one thread: all parts after the
  /// samples). Made for overlapping input with detection: detect_file reads the next chunk here,
  /// in parts, so the reading fills whichever thread is free and no reading thread competes for
  /// the cores. Parts may run concurrently with each other and must not use the detector or
  /// `data`; if one throws, the samples and the other parts are still processed and the first
  /// exception is rethrown afterwards.
  static void push(SeizureDetector& detector, const float* data, std::size_t n_samples,
                   std::size_t row_stride, const std::function<void(std::size_t part)>& alongside,
                   std::size_t parts);
};

}  // namespace ictaltrack::detail
