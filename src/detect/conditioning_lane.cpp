#include "detect/conditioning_lane.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <utility>

namespace ictaltrack::detail {
namespace {

// True when any value is NaN or infinite. Integer tests on the exponent bits, so the loop
// vectorises (a floating-point reduction would not without -ffast-math).
template <typename T>
bool any_non_finite(const T* x, std::size_t count) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  using Bits = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
  constexpr Bits kExponent =
      static_cast<Bits>(std::is_same_v<T, float> ? 0x7f800000ull : 0x7ff0000000000000ull);
  Bits found = 0;
  for (std::size_t i = 0; i < count; ++i) {
    Bits bits;
    std::memcpy(&bits, &x[i], sizeof bits);
    found |= static_cast<Bits>((bits & kExponent) == kExponent);
  }
  return found != 0;
}

// Gain of the cascade at 0 Hz (0 for a high-pass).
double dc_gain(const SosSections& sections) {
  double gain = 1.0;
  for (const auto& [b0, b1, b2, a0, a1, a2] : sections) gain *= (b0 + b1 + b2) / (a0 + a1 + a2);
  return gain;
}

// scipy.signal.sosfilt_zi: per section, the state (DF2T, [z0, z1]) that a constant unit input
// holds it in, each section scaled by the DC gain of the sections before it.
std::vector<double> unit_steady_state(const SosSections& sections) {
  std::vector<double> state;
  double scale = 1.0;
  for (const auto& [b0, b1, b2, a0, a1, a2] : sections) {
    const double det = a0 + a1 + a2;
    const double u0 = b1 - a1 * b0, u1 = b2 - a2 * b0;
    state.push_back(scale * (u0 + u1) / det);
    state.push_back(scale * ((a0 + a1) * u1 - a2 * u0) / det);
    scale *= (b0 + b1 + b2) / det;
  }
  return state;
}

// Sets `filter` to the steady state of a constant input first[c] on each channel c.
void set_steady_state(SosFilter& filter, const std::vector<double>& first) {
  const std::vector<double> unit = unit_steady_state(filter.sections());
  std::vector<double> state;
  state.reserve(unit.size() * first.size());
  for (const double x0 : first) {
    for (const double u : unit) state.push_back(u * x0);
  }
  filter.set_state(state);
}

}  // namespace

ConditioningLane::ConditioningLane(std::vector<std::size_t> rows, const LaneFilters& filters,
                                   double sfreq, const BandPowerOptions& options)
    : rows_(std::move(rows)), warmup_samples_(filters.warmup_samples) {
  const std::size_t n = rows_.size();
  adjacent_rows_ = n > 0 && rows_.back() - rows_.front() == n - 1;
  if (!filters.highpass.empty()) highpass_ = std::make_unique<SosFilter>(filters.highpass, n);
  if (!filters.notch.empty()) notch_ = std::make_unique<SosFilter>(filters.notch, n);
  SosSections both = filters.highpass;
  both.insert(both.end(), filters.notch.begin(), filters.notch.end());
  if (!both.empty()) cascade_ = std::make_unique<SosFilter>(both, n);
  statistics_.assign(n, WarmupStatistics(filters.mains_hz, sfreq));
  block_.assign(n * kMaxBlock, 0.0);
  scratch_.assign(kLaneChannels * kMaxBlock, 0.0f);
  engine_ = std::make_unique<BandPowerEngine>(sfreq, n, options);
}

template <typename T>
void ConditioningLane::process(const T* data, std::size_t row_stride, std::size_t offset,
                               std::size_t count, std::int64_t position) {
  powers_.clear();
  if (restart_pending_ && count > 0) restart(data, row_stride, offset, position);
  for (std::size_t done = 0; done < count; done += kMaxBlock) {
    const std::size_t part = std::min(kMaxBlock, count - done);
    condition(data, row_stride, offset + done, part, position + static_cast<std::int64_t>(done));
    engine_->push(block_.data(), part, kMaxBlock, powers_);
  }
}

// Conditions samples [offset, offset + count) into block_; `position` is the stream index of
// the first of them.
template <typename T>
void ConditioningLane::condition(const T* data, std::size_t row_stride, std::size_t offset,
                                 std::size_t count, std::int64_t position) {
  std::size_t warmup_count = 0;
  if (position < warmup_samples_) {
    warmup_count = static_cast<std::size_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(count), warmup_samples_ - position));
  }
  if (warmup_count > 0) condition_warmup(data, row_stride, offset, warmup_count);
  if (warmup_count == count) return;
  if (!cascade_started_) start_cascade();
  const std::size_t from = warmup_count, rest = count - warmup_count;
  double* rows = block_.data() + from;
  const T* in = data + rows_.front() * row_stride + offset + from;
  bool finite = adjacent_rows_;
  for (std::size_t c = 0; finite && c < size(); ++c) {
    finite = !any_non_finite(in + c * row_stride, rest);
  }
  if (!cascade_) {
    copy_finite(data, row_stride, offset + from, rest, rows, kMaxBlock);
    return;
  }
  if (finite) {
    // The usual case: filter straight from the caller's samples, no copy.
    cascade_->process(in, row_stride, rows, kMaxBlock, rest);
    return;
  }
  // Rows not adjacent, or a non-finite value: copy (zeros for non-finite values, the channel
  // is flagged) into a buffer of the caller's type first, so the same filter path runs.
  if constexpr (std::is_same_v<T, float>) {
    copy_finite(data, row_stride, offset + from, rest, scratch_.data(), kMaxBlock);
    cascade_->process(scratch_.data(), kMaxBlock, rows, kMaxBlock, rest);
  } else {
    copy_finite(data, row_stride, offset + from, rest, rows, kMaxBlock);
    cascade_->process(rows, kMaxBlock, rows, kMaxBlock, rest);
  }
}

// Copies `count` samples from `offset` of each of the lane's rows into out[c * out_stride],
// replacing non-finite values by 0 (keeps the filter state finite) and flagging the channel.
template <typename T, typename Out>
void ConditioningLane::copy_finite(const T* data, std::size_t row_stride, std::size_t offset,
                                   std::size_t count, Out* out, std::size_t out_stride) {
  for (std::size_t c = 0; c < size(); ++c) {
    const T* in = data + rows_[c] * row_stride + offset;
    Out* row = out + c * out_stride;
    bool bad_value = false;
    for (std::size_t i = 0; i < count; ++i) {
      const T x = in[i];
      if (std::isfinite(x)) {
        row[i] = static_cast<Out>(x);
      } else {
        row[i] = Out{0};
        bad_value = true;
      }
    }
    if (bad_value) statistics_[c].mark_non_finite();
  }
}

// The cascade continues the warm-up filters: per channel, the high-pass sections' state, then
// the notch's (SosFilter::state() is (channel, section, 2)).
void ConditioningLane::start_cascade() {
  cascade_started_ = true;
  if (!cascade_) return;
  std::vector<double> state;
  state.reserve(cascade_->state().size());
  for (std::size_t c = 0; c < size(); ++c) {
    for (const SosFilter* filter : {highpass_.get(), notch_.get()}) {
      if (filter == nullptr) continue;
      const std::size_t per_channel = filter->n_sections() * 2;
      const auto values = filter->state().subspan(c * per_channel, per_channel);
      state.insert(state.end(), values.begin(), values.end());
    }
  }
  cascade_->set_state(state);
}

// A new segment starts at stream sample `position`, data[.. + offset] of the lane's rows.
template <typename T>
void ConditioningLane::restart(const T* data, std::size_t row_stride, std::size_t offset,
                               std::int64_t position) {
  restart_pending_ = false;
  engine_->begin_segment(position);
  std::vector<double> first(size());
  for (std::size_t c = 0; c < size(); ++c) {
    const T x0 = data[rows_[c] * row_stride + offset];
    first[c] = std::isfinite(x0) ? static_cast<double>(x0) : 0.0;
    statistics_[c].restart_block();
  }
  // Every filter that may run next: the warm-up pair (the notch then sees the high-pass's steady
  // output) and the cascade; start_cascade() still hands the warm-up states over if the warm-up
  // ends later.
  if (highpass_) set_steady_state(*highpass_, first);
  if (notch_) {
    const double gain = highpass_ ? dc_gain(highpass_->sections()) : 1.0;
    std::vector<double> notch_input(first.size());
    for (std::size_t c = 0; c < first.size(); ++c) notch_input[c] = gain * first[c];
    set_steady_state(*notch_, notch_input);
  }
  if (cascade_) set_steady_state(*cascade_, first);
}

// Warm-up conditioning of `count` samples: high-pass, the bad-channel statistics (RMS after the
// high-pass, mains amplitude before the notch), then the notch.
template <typename T>
void ConditioningLane::condition_warmup(const T* data, std::size_t row_stride, std::size_t offset,
                                        std::size_t count) {
  double* rows = block_.data();
  copy_finite(data, row_stride, offset, count, rows, kMaxBlock);
  if (highpass_) highpass_->process(rows, kMaxBlock, rows, kMaxBlock, count);
  for (std::size_t c = 0; c < size(); ++c) statistics_[c].add(rows + c * kMaxBlock, count);
  if (notch_) notch_->process(rows, kMaxBlock, rows, kMaxBlock, count);
}

std::size_t ConditioningLane::buffer_bytes() const {
  return block_.size() * sizeof(double) + engine_->buffer_bytes() +
         powers_.power.capacity() * sizeof(double) + scratch_.capacity() * sizeof(float);
}

template void ConditioningLane::process(const float*, std::size_t, std::size_t, std::size_t,
                                        std::int64_t);
template void ConditioningLane::process(const double*, std::size_t, std::size_t, std::size_t,
                                        std::int64_t);

LaneSet::LaneSet(const std::vector<std::size_t>& rows, const LaneFilters& filters, double sfreq,
                 const BandPowerOptions& options, int n_threads) {
  // Up to kLaneChannels channels per lane: fewer would leave filter lanes idle (4 channels cost
  // what 1 costs), more would leave the threads fewer pieces to share.
  const std::size_t n = rows.size();
  for (std::size_t first = 0; first < n; first += kLaneChannels) {
    const auto begin = rows.begin() + static_cast<std::ptrdiff_t>(first);
    const auto end = rows.begin() + static_cast<std::ptrdiff_t>(std::min(n, first + kLaneChannels));
    lanes_.emplace_back(std::vector<std::size_t>(begin, end), filters, sfreq, options);
  }
  pool_ = std::make_unique<WorkerPool>(
      std::min<std::size_t>(static_cast<std::size_t>(std::max(1, n_threads)), lanes_.size()));
}

template <typename T>
void LaneSet::step(const T* data, std::size_t row_stride, std::size_t offset, std::size_t count,
                   std::int64_t position,
                   const std::function<void(const ConditioningLane&, std::size_t)>& after,
                   const std::function<void(std::size_t)>& side, std::size_t side_parts) {
  pool_->share(
      lanes_.size(),
      [&](std::size_t l) {
        lanes_[l].process(data, row_stride, offset, count, position);
        if (after) after(lanes_[l], first_channel(l));
      },
      side_parts, side);
}

template void LaneSet::step(const float*, std::size_t, std::size_t, std::size_t, std::int64_t,
                            const std::function<void(const ConditioningLane&, std::size_t)>&,
                            const std::function<void(std::size_t)>&, std::size_t);
template void LaneSet::step(const double*, std::size_t, std::size_t, std::size_t, std::int64_t,
                            const std::function<void(const ConditioningLane&, std::size_t)>&,
                            const std::function<void(std::size_t)>&, std::size_t);

std::vector<WarmupStatistics> LaneSet::statistics() const {
  std::vector<WarmupStatistics> all;
  for (const auto& lane : lanes_) {
    all.insert(all.end(), lane.statistics().begin(), lane.statistics().end());
  }
  return all;
}

}  // namespace ictaltrack::detail
