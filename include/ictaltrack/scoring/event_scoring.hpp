// SzCORE event scoring (Dan et al., Epilepsia 2025) with the semantics of the `timescoring`
// package's `scoring.EventScoring` (version 0.0.7). Reference and hypothesis are lists of events
// in seconds from the start of the recording; the result holds the counts and the metrics.
// docs/scoring.md states every rule, including the one deliberate difference from timescoring.
#pragma once

#include <cstdint>
#include <vector>

#include "ictaltrack/time.hpp"

namespace ictaltrack {

/// One annotated or detected event, seconds from the first sample of the recording.
struct ScoredEvent {
  double start_s = 0.0;
  double end_s = 0.0;
};

/// The SzCORE defaults. All durations in seconds.
struct EventScoringOptions {
  double tolerance_start_s = 30.0;  ///< reference events are widened this much before their start
  double tolerance_end_s = 60.0;    ///< ... and this much after their end
  double min_overlap = 0.0;         ///< relative overlap of a widened window needed for a hit
  double max_event_duration_s = 300.0;          ///< longer events are cut into pieces this long
  double min_duration_between_events_s = 90.0;  ///< events closer than this are merged
  /// Time resolution of the overlap tests in Hz (timescoring works at a fixed 10 Hz).
  double resolution_hz = 10.0;
};
/// Former name of EventScoringOptions, kept so existing code compiles. (The Python class keeps
/// the name `EventScoringParameters`, after timescoring's `EventScoring.Parameters`.)
using EventScoringParameters = EventScoringOptions;

/// Counts and metrics. `sensitivity` is NaN without reference events, `precision` is NaN
/// without hypothesis events that count, `f1` is NaN when both counts are zero.
struct EventScores {
  std::int64_t reference_events = 0;   ///< reference events after merging/splitting (refTrue)
  std::int64_t hypothesis_events = 0;  ///< hypothesis events after merging/splitting
  std::int64_t true_positives = 0;     ///< reference events hit by the hypothesis (tp)
  std::int64_t false_positives = 0;    ///< hypothesis events outside every hit window (fp)
  std::int64_t num_samples = 0;        ///< recording length at `resolution_hz`
  double duration_s = 0.0;             ///< num_samples / resolution_hz, used by fp_per_24h
  double sensitivity = 0.0;
  double precision = 0.0;
  double f1 = 0.0;
  double fp_per_24h = 0.0;
  /// The reference and hypothesis events after merging and splitting, in seconds.
  std::vector<ScoredEvent> reference;
  std::vector<ScoredEvent> hypothesis;
  /// Widened window of every reference event (same order as `reference`), seconds.
  std::vector<ScoredEvent> reference_windows;
  /// For every reference event: whether it was detected.
  std::vector<bool> reference_detected;
};

/// Scores `hypothesis` against `reference` over a recording of `duration_s` seconds.
/// Events may come in any order and may overlap (they are sorted and united first).
/// Ends beyond the recording are cut at `duration_s`.
/// Throws std::invalid_argument for a non-finite or non-positive duration, bad parameters, or an
/// event with a non-finite time, a negative start, an end before its start, or a start after the
/// end of the recording.
EventScores score_events(const std::vector<ScoredEvent>& reference,
                         const std::vector<ScoredEvent>& hypothesis, double duration_s,
                         const EventScoringOptions& parameters = {});

/// The same with events and duration in 100 ns ticks.
struct TickEvent {
  Ticks start = 0;
  Ticks end = 0;
};
EventScores score_events(const std::vector<TickEvent>& reference,
                         const std::vector<TickEvent>& hypothesis, Ticks duration,
                         const EventScoringOptions& parameters = {});

}  // namespace ictaltrack
