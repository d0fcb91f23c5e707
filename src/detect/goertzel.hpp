// The mains estimate: mean power of one tone over consecutive whole blocks of a stream (Goertzel
// recursion per block). One implementation for the bad-channel judge's warm-up statistics
// (bad_channels.cpp) and detect_file's choice between 50 and 60 Hz mains.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>

namespace ictaltrack::detail {

class BlockGoertzel {
 public:
  BlockGoertzel() = default;
  /// Tone `hz` in blocks of one second (round(sfreq) samples, at least 1).
  BlockGoertzel(double hz, double sfreq)
      : coefficient_(2.0 * std::cos(2.0 * std::numbers::pi * hz / sfreq)),
        block_(static_cast<std::size_t>(std::max(1L, std::lround(sfreq)))) {}

  /// Feeds samples (finite values: callers replace NaN and infinities first). The state carries
  /// over between calls, so the result does not depend on how the stream is cut.
  void push(const double* x, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) push(x[i]);
  }
  void push(double x) {
    const double s0 = x + coefficient_ * s1_ - s2_;
    s2_ = s1_;
    s1_ = s0;
    if (++filled_ == block_) {
      power_sum_ += s1_ * s1_ + s2_ * s2_ - coefficient_ * s1_ * s2_;
      ++blocks_;
      s1_ = s2_ = 0.0;
      filled_ = 0;
    }
  }

  /// Drops the unfinished block: the next sample starts a new one (the stream has a gap).
  void restart_block() noexcept {
    s1_ = s2_ = 0.0;
    filled_ = 0;
  }

  /// Whole blocks seen so far (an unfinished last block is not counted).
  std::int64_t blocks() const noexcept { return blocks_; }
  /// Mean |DFT coefficient|^2 of the tone per block; 0 before the first whole block.
  double mean_power() const noexcept {
    return blocks_ > 0 ? power_sum_ / static_cast<double>(blocks_) : 0.0;
  }
  /// Amplitude of a sinusoid at the tone (input units) that gives mean_power().
  double amplitude() const noexcept {
    return 2.0 * std::sqrt(std::max(0.0, mean_power())) / static_cast<double>(block_);
  }

 private:
  double coefficient_ = 0.0;
  std::size_t block_ = 1;
  double s1_ = 0.0, s2_ = 0.0;
  std::size_t filled_ = 0;
  double power_sum_ = 0.0;
  std::int64_t blocks_ = 0;
};

}  // namespace ictaltrack::detail
