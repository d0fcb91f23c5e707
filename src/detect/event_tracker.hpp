// The event tracker: turns each window's per-channel on/off states (with their rhythm and gain)
// into events, one per seizure: channels that switch on in adjacent groups of one rhythm join the
// running event they border or open a new one; an event ends when none of its channels was on
// for close_gap_s. It owns the channels' tracking state, the lookback ring and the open events'
// histories, and decides, when an event ends, whether it is kept as a seizure (long and
// sustained enough, not a movement artifact, not the spread of a parent event on the same side).
// docs/detection.md, steps 5-6.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "ictaltrack/detect/detector.hpp"
#include "localise/localise.hpp"

namespace ictaltrack::detail {

/// One window's scores of every analysed channel (views into the caller's arrays, read during
/// EventTracker::step only).
struct WindowScores {
  const float* gain_db = nullptr;  ///< rhythm gain over baseline, dB
  const float* excess = nullptr;   ///< signed excess power in the rhythm range, uV^2
  const int* peak_band = nullptr;  ///< 1 Hz band where the rhythm span starts
  const char* on = nullptr;        ///< ictal state (hysteresis)
};

struct Event {
  int id = 0;
  std::int64_t opened = 0;        ///< window index when opened
  std::int64_t last_on = 0;       ///< last window with an owned channel on
  std::int64_t first_window = 0;  ///< window index of history entry 0
  bool global_onset = false;      ///< its first window switched on most good channels at once
  double peak_gain_db = 0.0;
  int rhythm_band = 0;  ///< 1 Hz band of the event's strongest channel, last time one was on
  Hemisphere side = Hemisphere::unknown;  ///< side of the strongest channel it opened with
  std::int64_t longest_run = 0;     ///< longest run of consecutive windows on, any channel
  std::int64_t first_recruit = -1;  ///< window where the earliest recruited channel's run began
  /// Events running with a similar rhythm when this one opened: if one of them started on the
  /// same side, this event is its spread, not a new seizure.
  std::vector<int> parents;
  EventHistory history;
};

/// An event that ended and is kept as a seizure, with its localisation.
struct ClosedEvent {
  Event event;
  LocalisedEvent located;
};

/// Localises an event from its history (seizure_handoff.hpp gives the detector's; tests may
/// give their own).
using EventLocaliser = std::function<LocalisedEvent(const Event&)>;

class EventTracker {
 public:
  /// Tracks the channels of `geometry` (which must outlive the tracker).
  EventTracker(const ChannelGeometry& geometry, const DetectorParams& params,
               EventLocaliser localiser);

  /// The good channels, once judged (before the first step): the share of good channels decides
  /// a movement onset, and the channels around a bad one count as neighbours of each other (a
  /// bad channel is a hole in the map, not a gap in the cortex).
  void set_good(const std::vector<char>& good);

  /// Takes the next window (its first sample is stream sample `start`); appends the events that
  /// ended with it and are kept to `closed`, in closing order.
  void step(const WindowScores& scores, std::int64_t start, std::vector<ClosedEvent>& closed);
  /// Ends every open event (end of the stream).
  void finish(std::vector<ClosedEvent>& closed);
  /// The stream has a gap after the last window: every open event ends there (kept or dropped by
  /// the usual rules), the channels' tracking state starts afresh, and the history of an event
  /// opened later starts no earlier than the next window.
  void end_segment(std::vector<ClosedEvent>& closed);

  std::int64_t windows() const noexcept { return window_index_; }
  const std::vector<Event>& open_events() const noexcept { return open_events_; }
  std::size_t buffer_bytes() const;

 private:
  Event* find_event(int id);
  bool same_rhythm(std::size_t a, std::size_t b) const;
  void track_events(std::int64_t start, std::vector<ClosedEvent>& closed);
  void split_by_rhythm();
  int open_event(const std::vector<std::size_t>& group);
  void append_history(Event& event, std::int64_t start);
  void close(Event& event, std::vector<ClosedEvent>& closed);

  const ChannelGeometry& geometry_;
  std::size_t n_ = 0;
  EventLocaliser localiser_;
  double max_frequency_difference_hz_ = 1.0;
  double max_onset_fraction_ = 0.6;
  double min_duration_s_ = 10.0, step_s_ = 1.0;
  std::int64_t close_gap_windows_ = 1, recruit_windows_ = 1, sustained_windows_ = 1;
  std::int64_t rhythm_change_windows_ = 3;
  std::size_t lookback_ = 1;
  std::size_t n_good_ = 0;
  std::vector<char> near_;  // (n, n): the same channel or a neighbour
  WindowScores now_;        // the window being tracked

  // Per channel.
  std::vector<int> owner_, last_owner_;
  std::vector<std::int64_t> last_on_window_, run_start_, run_length_;
  std::vector<int> reference_band_;           // slowly drifting rhythm of a channel that is on
  std::vector<std::int64_t> rhythm_changes_;  // consecutive windows away from it
  std::vector<std::int64_t> joined_window_;   // when the channel joined a running event, else -1
  std::vector<std::int64_t> focus_lead_;      // consecutive windows it led its event neighbours
  std::vector<std::int64_t> diverged_;        // consecutive windows off its event's rhythm

  // Lookback ring of (gain, excess, window start) for the last lookback_ windows.
  std::vector<float> ring_gain_, ring_excess_;
  std::vector<std::int64_t> ring_start_;
  std::int64_t window_index_ = 0;  // windows tracked so far
  std::int64_t segment_first_window_ = 0;  // first window after the last gap

  std::vector<Event> open_events_;
  std::vector<std::pair<int, Hemisphere>> closed_sides_;  // onset side of recent seizures
  int next_event_id_ = 0;
};

}  // namespace ictaltrack::detail
