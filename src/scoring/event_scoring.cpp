// SzCORE event scoring. The rules follow timescoring 0.0.7 `scoring.EventScoring` step by step
// (merge -> split -> widen -> hit test at 10 Hz -> false-positive test), but the sampled masks are
// kept as sorted sample intervals, so a week-long recording costs no more than its event count.
#include "ictaltrack/scoring/event_scoring.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ictaltrack {
namespace {

struct SampleInterval {
  std::int64_t begin = 0;  // inclusive
  std::int64_t end = 0;    // exclusive
};

void check_parameters(const EventScoringOptions& p) {
  const auto require = [](bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("event scoring parameters: ") + what);
  };
  require(std::isfinite(p.tolerance_start_s) && p.tolerance_start_s >= 0,
          "tolerance_start_s must be finite and >= 0");
  require(std::isfinite(p.tolerance_end_s) && p.tolerance_end_s >= 0,
          "tolerance_end_s must be finite and >= 0");
  require(std::isfinite(p.min_overlap) && p.min_overlap >= 0 && p.min_overlap < 1,
          "min_overlap must be in [0, 1)");
  // A zero maximum would split forever.
  require(std::isfinite(p.max_event_duration_s) && p.max_event_duration_s > 0,
          "max_event_duration_s must be finite and > 0");
  require(std::isfinite(p.min_duration_between_events_s) && p.min_duration_between_events_s >= 0,
          "min_duration_between_events_s must be finite and >= 0");
  require(std::isfinite(p.resolution_hz) && p.resolution_hz > 0,
          "resolution_hz must be finite and > 0");
}

// Validates, cuts ends at the recording end, sorts. Overlaps are left to the merge step.
std::vector<ScoredEvent> checked_sorted(const std::vector<ScoredEvent>& events, double duration_s,
                                        const char* which) {
  std::vector<ScoredEvent> out;
  out.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const ScoredEvent& e = events[i];
    const std::string where = std::string(which) + " event " + std::to_string(i);
    if (!std::isfinite(e.start_s) || !std::isfinite(e.end_s)) {
      throw std::invalid_argument(where + ": start and end must be finite");
    }
    if (e.start_s < 0) throw std::invalid_argument(where + ": starts before the recording");
    if (e.end_s < e.start_s) throw std::invalid_argument(where + ": ends before it starts");
    if (e.start_s > duration_s) {
      throw std::invalid_argument(where + ": starts after the end of the recording (" +
                                  std::to_string(e.start_s) + " s > " + std::to_string(duration_s) +
                                  " s)");
    }
    out.push_back({e.start_s, std::min(e.end_s, duration_s)});
  }
  std::sort(out.begin(), out.end(), [](const ScoredEvent& a, const ScoredEvent& b) {
    return a.start_s < b.start_s || (a.start_s == b.start_s && a.end_s < b.end_s);
  });
  return out;
}

// Events separated by less than `min_gap_s` (gap = start - previous end, negative when they
// overlap) become one event. timescoring takes the later event's end even when that event lies
// inside the earlier one; the union (max of the ends) is kept here instead.
std::vector<ScoredEvent> merge_neighbours(const std::vector<ScoredEvent>& sorted,
                                          double min_gap_s) {
  std::vector<ScoredEvent> merged;
  for (const ScoredEvent& e : sorted) {
    if (!merged.empty() && e.start_s - merged.back().end_s < min_gap_s) {
      merged.back().end_s = std::max(merged.back().end_s, e.end_s);
    } else {
      merged.push_back(e);
    }
  }
  return merged;
}

// Pieces start at start, start + max, (start + max) + max, ...: repeated addition, as in
// timescoring, so boundaries round the same way.
std::vector<ScoredEvent> split_long(const std::vector<ScoredEvent>& events, double max_s) {
  std::vector<ScoredEvent> pieces;
  for (ScoredEvent e : events) {
    while (e.end_s - e.start_s > max_s) {
      pieces.push_back({e.start_s, e.start_s + max_s});
      e.start_s = e.start_s + max_s;
    }
    pieces.push_back(e);
  }
  return pieces;
}

// Sample index of a time: round half to even, as Python's round() on a float.
std::int64_t sample_index(double seconds, double fs) {
  return static_cast<std::int64_t>(std::nearbyint(seconds * fs));
}

// The samples an event covers in a mask of `n` samples, with Python slice semantics
// (mask[round(start * fs):round(end * fs)]): indices are clipped to n, reversed ranges are empty.
SampleInterval to_samples(const ScoredEvent& e, double fs, std::int64_t n) {
  const std::int64_t begin = std::clamp<std::int64_t>(sample_index(e.start_s, fs), 0, n);
  const std::int64_t end = std::clamp<std::int64_t>(sample_index(e.end_s, fs), 0, n);
  return {begin, std::max(begin, end)};
}

// Sorted, disjoint, non-empty intervals covering the same samples (a boolean mask, compressed).
std::vector<SampleInterval> to_mask(std::vector<SampleInterval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const SampleInterval& a, const SampleInterval& b) { return a.begin < b.begin; });
  std::vector<SampleInterval> mask;
  for (const SampleInterval& s : intervals) {
    if (s.end <= s.begin) continue;
    if (!mask.empty() && s.begin <= mask.back().end) {
      mask.back().end = std::max(mask.back().end, s.end);
    } else {
      mask.push_back(s);
    }
  }
  return mask;
}

// Number of mask samples inside `window`.
std::int64_t covered_samples(const std::vector<SampleInterval>& mask, SampleInterval window) {
  auto it = std::upper_bound(mask.begin(), mask.end(), window.begin,
                             [](std::int64_t t, const SampleInterval& s) { return t < s.end; });
  std::int64_t count = 0;
  for (; it != mask.end() && it->begin < window.end; ++it) {
    count += std::min(it->end, window.end) - std::max(it->begin, window.begin);
  }
  return count;
}

}  // namespace

EventScores score_events(const std::vector<ScoredEvent>& reference,
                         const std::vector<ScoredEvent>& hypothesis, double duration_s,
                         const EventScoringOptions& parameters) {
  check_parameters(parameters);
  if (!std::isfinite(duration_s) || duration_s <= 0) {
    throw std::invalid_argument("event scoring: duration_s must be finite and > 0");
  }
  const double fs = parameters.resolution_hz;
  // Sample indices must fit in int64 (1e15 samples at 10 Hz is over 3 million years).
  if (duration_s * fs > 1e15) {
    throw std::invalid_argument("event scoring: duration_s * resolution_hz is too large");
  }
  EventScores scores;
  scores.num_samples = sample_index(duration_s, fs);
  if (scores.num_samples <= 0) {
    throw std::invalid_argument("event scoring: the recording is shorter than one scoring sample");
  }
  const std::int64_t n = scores.num_samples;
  scores.duration_s = static_cast<double>(n) / fs;

  const auto prepare = [&](const std::vector<ScoredEvent>& events, const char* which) {
    return split_long(merge_neighbours(checked_sorted(events, duration_s, which),
                                       parameters.min_duration_between_events_s),
                      parameters.max_event_duration_s);
  };
  scores.reference = prepare(reference, "reference");
  scores.hypothesis = prepare(hypothesis, "hypothesis");
  scores.reference_events = static_cast<std::int64_t>(scores.reference.size());
  scores.hypothesis_events = static_cast<std::int64_t>(scores.hypothesis.size());

  std::vector<SampleInterval> hypothesis_samples;
  hypothesis_samples.reserve(scores.hypothesis.size());
  for (const ScoredEvent& e : scores.hypothesis) hypothesis_samples.push_back(to_samples(e, fs, n));
  const std::vector<SampleInterval> hypothesis_mask = to_mask(hypothesis_samples);

  // A reference event is hit when the hypothesis covers more than `min_overlap` of its widened
  // window; the windows of hit events form the "true positive" mask.
  std::vector<SampleInterval> hit_windows;
  const double file_duration_s = scores.duration_s;
  for (const ScoredEvent& e : scores.reference) {
    const ScoredEvent window{std::max(0.0, e.start_s - parameters.tolerance_start_s),
                             std::min(file_duration_s, e.end_s + parameters.tolerance_end_s)};
    scores.reference_windows.push_back(window);
    const SampleInterval samples = to_samples(window, fs, n);
    const double width_s = window.end_s - window.start_s;
    bool hit = false;
    if (width_s > 0) {
      const double relative_overlap =
          (static_cast<double>(covered_samples(hypothesis_mask, samples)) / fs) / width_s;
      hit = relative_overlap > parameters.min_overlap + 1e-6;
    }
    scores.reference_detected.push_back(hit);
    if (hit) {
      ++scores.true_positives;
      hit_windows.push_back(samples);
    }
  }
  const std::vector<SampleInterval> hit_mask = to_mask(hit_windows);

  // A hypothesis event is false when none of its samples lies in a hit window. An event with no
  // samples at all (zero length) is false too, as in timescoring.
  for (const SampleInterval& samples : hypothesis_samples) {
    if (samples.end <= samples.begin || covered_samples(hit_mask, samples) == 0) {
      ++scores.false_positives;
    }
  }

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto tp = static_cast<double>(scores.true_positives);
  const auto fp = static_cast<double>(scores.false_positives);
  const auto ref = static_cast<double>(scores.reference_events);
  scores.sensitivity = scores.reference_events > 0 ? tp / ref : nan;
  scores.precision = scores.true_positives + scores.false_positives > 0 ? tp / (tp + fp) : nan;
  scores.f1 = scores.reference_events + scores.false_positives == 0
                  ? nan
                  : 2 * tp / (2 * tp + fp + (ref - tp));
  scores.fp_per_24h = fp / (static_cast<double>(n) / fs / 3600.0 / 24.0);
  return scores;
}

EventScores score_events(const std::vector<TickEvent>& reference,
                         const std::vector<TickEvent>& hypothesis, Ticks duration,
                         const EventScoringOptions& parameters) {
  const auto to_seconds = [](const std::vector<TickEvent>& events) {
    std::vector<ScoredEvent> out;
    out.reserve(events.size());
    for (const TickEvent& e : events) {
      out.push_back({ticks_to_seconds(e.start), ticks_to_seconds(e.end)});
    }
    return out;
  };
  return score_events(to_seconds(reference), to_seconds(hypothesis), ticks_to_seconds(duration),
                      parameters);
}

}  // namespace ictaltrack
