// The event tracker: turns each window's per-channel on/off states (with their rhythm and gain)
// into events, one per seizure: channels that switch on in adjacent groups of one rhythm join the
// running event they border or open a new one; an event ends when none of its channels was on
// for close_gap_s. It owns the channels' tracking state, the lookback ring and the open events'
// histories, and decides, when an event ends, whether it is kept as a seizure (long and
// sustained enough, not a common-mode artifact) and whether it is a seizure of its own or the
// spread of an event that was running when it opened (the spread model: it is spread unless
// its rhythm went its own way). docs/detection.md, steps 5-6.
#pragma once

#include <array>
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
  /// 1 Hz band where the rhythm span of the discharge's fundamental starts (a harmonic's span
  /// is traced back to its fundamental by the scorer)
  const int* peak_band = nullptr;
  const char* on = nullptr;  ///< ictal state (hysteresis)
  /// The rhythm's frequency (Hz, finer than the bands); nullptr: the band's centre is used
  const float* rhythm_hz = nullptr;
};

/// What an event knows of one event that was running when it opened: how long both had a home
/// channel on, how long their rhythms agreed and how long they went separate ways
/// (docs/detection.md, "Spread or a new seizure").
struct ParentLink {
  int parent = -1;
  std::int64_t together = 0;          ///< windows in which both had a home channel on
  std::int64_t agreed = 0;            ///< those of them with related rhythms
  std::int64_t diverged_run = 0;      ///< current run of those windows with unrelated rhythms
  std::int64_t longest_diverged = 0;  ///< longest such run
  /// Current and longest run of those windows in which this event was a new generator stronger
  /// than that one (docs/detection.md, "A stronger discharge elsewhere")
  std::int64_t stronger_run = 0;
  std::int64_t longest_stronger = 0;
  /// This event was split off that one by an onset of its own under that one's field
  /// (docs/detection.md, "A second onset under a running field").
  bool own_onset = false;
};

/// Windows over which an event's rhythm is smoothed (median) before two events are compared.
constexpr std::size_t kRhythmSmoothing = 5;
/// Windows at the start and at the end of an event whose rhythms are compared for evolution.
constexpr std::size_t kEvolutionWindows = 10;

struct Event {
  int id = 0;
  std::int64_t opened = 0;        ///< window index when opened
  std::int64_t last_on = 0;       ///< last window with an owned channel on
  std::int64_t first_window = 0;  ///< window index of history entry 0
  /// Most good channels switched on within its first windows, counting every event opened with
  /// it (a common-mode artifact, whatever groups it was cut into)
  bool global_onset = false;
  double peak_gain_db = 0.0;
  int rhythm_band = 0;  ///< 1 Hz band of the event's strongest channel, last time one was on
  Hemisphere side = Hemisphere::unknown;  ///< side of the strongest channel it opened with
  std::int64_t longest_run = 0;           ///< longest run of consecutive windows on, any channel
  /// For the onset alarm only: the most windows on of a channel's run with dropouts shorter than
  /// recruit_s bridged, while the channel stayed this event's (the focal path of
  /// EventTracker::confirmed_so_far)
  std::int64_t longest_bridged_run = 0;
  std::int64_t first_recruit = -1;  ///< window where the earliest recruited channel's run began
  /// Every event running when this one opened, earliest first: this event is the spread of the
  /// first of them that is a seizure, unless its rhythm diverged from that one's.
  std::vector<ParentLink> links;
  /// Per channel: held by this event in its first windows (where its own rhythm is measured).
  std::vector<char> home;
  bool on_now = false;  ///< a home channel of it is on in the current window
  /// Its strongest referential home channel on in the current window (-1: none) and that
  /// channel's excess power (uV^2): where its discharge is strongest and how strong.
  int home_peak = -1;
  float home_excess = 0.0f;
  /// Rhythm of its strongest home channel in its last windows with one on.
  std::array<int, kRhythmSmoothing> recent_bands{};
  std::size_t n_recent = 0;
  int smoothed_band = -1;  ///< median of recent_bands; -1 before the first window on
  std::array<float, kRhythmSmoothing> recent_hz{};  ///< the same windows' rhythm in Hz
  float smoothed_hz = 0.0f;                         ///< their median
  /// Its rhythm (home channels) in its first and in its last kEvolutionWindows windows with a
  /// home channel on at or above the switch-on gain, as 1 Hz bands and in Hz (the scorer's
  /// finer estimate): a seizure evolves (starts with one rhythm, ends with another), a
  /// background rhythm that waxes and wanes (or slows as it fades) does not.
  struct RhythmEnds {
    std::array<int, kEvolutionWindows> first{}, last{};
    std::array<float, kEvolutionWindows> first_hz{}, last_hz{};
    std::size_t n = 0;  ///< windows counted so far
    void add(int band, float hz) {
      if (n < kEvolutionWindows) {
        first[n] = band;
        first_hz[n] = hz;
      }
      last[n % kEvolutionWindows] = band;
      last_hz[n % kEvolutionWindows] = hz;
      ++n;
    }
  };
  RhythmEnds home_ends;
  /// Ended by the end of the stream or a gap while still discharging (its evolution unseen;
  /// not judged for evolution while it has run for less than 2 minutes).
  bool truncated = false;
  bool alarmed = false;  ///< its onset alarm was raised
  /// For the onset alarm only (decisions never read it): the windows since its first
  /// recruitment in which a channel it holds with a homologous channel was on, and the lowest
  /// over them of the mean gain (dB) of those channels above their homologues.
  std::int64_t lateral_windows = 0;
  float lateral_min_db = 0.0f;
  /// For the onset alarm only: the windows since its first recruitment in which a channel it
  /// holds with a homologous channel was on, counted up to kFocalOnsetWindows (its onset), and
  /// whether any of them failed the focal-onset evidence (EventTracker::track_focal_onset).
  std::int64_t focal_windows = 0;
  bool focal_broken = false;
  /// Of its first kBilateralOnsetWindows windows, those in which a channel it holds and that
  /// channel's homologue (both good) were on at one rhythm, having switched on together at its
  /// opening, or both held by it (EventTracker::track_bilateral_onset).
  std::int64_t bilateral_onset_windows = 0;
  /// No event that was running when it opened, with a recruited channel and not itself a
  /// bilateral synchronous onset, had opened more than kBilateralStartWindows before it (the
  /// pieces of one onset cut into groups open together).
  bool opened_alone = false;
  EventHistory history;
};

/// True when two rhythm bands (1 Hz band indices of their spans, each the fundamental of its
/// discharge as the scorer reports it) belong to one discharge: within `tolerance_hz` (used
/// for a channel against its event's rhythm in the one-rhythm split). Not an octave apart: two
/// seizures that slow down geometrically keep their frequency ratio, so an octave relation
/// joined a second seizure starting at twice the slowed rhythm of the first (seen on the
/// simulated suite); harmonics are traced to their fundamental per channel instead.
bool related_rhythms(int band_a, int band_b, double tolerance_hz);

/// Tolerance (Hz) within which two events' smoothed rhythms (WindowScores::rhythm_hz) agree in
/// the spread model: a propagated discharge runs at its parent's frequency up to a slight
/// detuning, and two independent seizures that happen to slow alike are rarely closer than this
/// for long. (0.5 Hz kept more overlapping pairs apart but reported fewer propagated seizures
/// as one; 1 Hz, the band resolution, the reverse; docs/detection.md.)
constexpr double kSpreadToleranceHz = 0.75;

// A discharge that propagates is weaker than at its focus (the simulator scales it by 0.4-1;
// Bartolomei's EI and every scalp reading take the strongest early site as the focus). An event
// whose strongest home channel carries more than kStrongerPowerRatio times the excess power of
// the strongest home channel of an event running when it opened, for kIndependentWindows
// co-active windows in a row, is a generator of its own, when it recruited after that event and
// its strongest channel is not that event's, a neighbour of it or its homologue (where a focus
// first detected at its weaker edge, or its homologous spread, is found). Referential channels
// only: a bipolar derivation measures the field's gradient, which can peak away from the focus.
constexpr float kStrongerPowerRatio = 2.0f;

/// How far (1 Hz bands) an event's rhythm slowed from its onset (median of its first
/// kOnsetRhythmWindows windows with a home channel at or above the switch-on gain) to its end
/// (median of its last kEvolutionWindows such windows): positive when it slowed, negative when it
/// sped up; 0 with fewer than kEvolutionWindows windows.
int slowing_bands(const Event& event);

/// slowing_bands in Hz, on the scorer's rhythm frequency (WindowScores::rhythm_hz) instead of the
/// 1 Hz bands: the onset alarm's evolution test (EventTracker::confirmed_so_far). A rhythm between
/// two spans reads as either from one window to the next, so the medians of a slightly drifting
/// rhythm can lie two bands apart while it runs though it slowed by less than 2 Hz (the occipital
/// alpha of multiple_annotation_chans.bdf, alarmed at 190 s on the band rule: 10.3 Hz at its
/// onset, read as band 9, and a median of 9.0 Hz over its last 10 windows, read as band 7).
float slowing_hz(const Event& event);

/// Whether an event's onset rhythm is a rhythm: its first kOnsetRhythmWindows windows at full
/// strength (those whose median is the onset rhythm of slowing_bands) lie within one band.
bool steady_onset_rhythm(const Event& event);

/// Whether an event's onset rhythm (slowing_bands's: the median band of its first
/// kOnsetRhythmWindows windows at full strength, as its span centre, band + 1.5 Hz) lies in the
/// theta-alpha range of an ictal onset, 4-12 Hz (domain.md); false before that many windows. The
/// lateralised early path asks it, as the focal path asks its strongest channel's rhythm to be
/// in that range in each window it judges: delta bursts (burst-suppression, hypersynchrony) can
/// be lateralised too.
bool has_ictal_onset_rhythm(const Event& event);

/// An event that ended and is kept as a seizure, with its localisation.
struct ClosedEvent {
  Event event;
  LocalisedEvent located;
};

/// An onset alarm as the tracker raises it: the window with which the event was confirmed and
/// its provisional localisation (seizure_handoff.hpp turns it into an OnsetAlarm).
struct RaisedAlarm {
  std::int64_t window_start = 0;        ///< stream sample where the confirming window starts
  std::int64_t onset_window_start = 0;  ///< stream sample where the onset channel's window starts
  LocalisedEvent located;
};

/// Localises an event from its history (seizure_handoff.hpp gives the detector's; tests may
/// give their own).
using EventLocaliser = std::function<LocalisedEvent(const Event&)>;

class EventTracker {
 public:
  /// Tracks the channels of `geometry` (which must outlive the tracker).
  EventTracker(const ChannelGeometry& geometry, const DetectorOptions& params,
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

  /// Onset alarms raised since the last call, in the order raised (docs/detection.md, "Onset
  /// alarms"): an open event is confirmed once it meets every rule of close() that can be judged
  /// while it runs (not a common-mode onset, a channel recruited, sustained (a focal onset also
  /// across dropouts shorter than a recruitment, which close() does not bridge), not possibly the
  /// spread of another event, an onset placed) and either its rhythm has evolved so far and it
  /// lasted min_duration_s from a steady onset rhythm, or it has been lateralised in every
  /// window since its recruitment (its channels at least 10 dB above their homologues) or a
  /// focal onset with a steady onset rhythm (then min_sustained_s suffices); a seizure decided
  /// without having been confirmed is raised when it is decided.
  std::vector<RaisedAlarm> take_alarms();

  std::int64_t windows() const noexcept { return window_index_; }
  const std::vector<Event>& open_events() const noexcept { return open_events_; }
  std::size_t buffer_bytes() const;

 private:
  Event* find_event(int id);
  bool same_rhythm(std::size_t a, std::size_t b) const;
  void track_events(std::int64_t start, std::vector<ClosedEvent>& closed);
  void split_by_rhythm();
  /// A second onset under a running field splits its channels off (docs/detection.md).
  void split_new_onsets();
  /// Median gain (dB) of channel `c` over windows [first, last] of the lookback ring; NaN when
  /// `first` lies before the last gap or outside the ring.
  float ring_median_gain(std::size_t c, std::int64_t first, std::int64_t last) const;
  /// Opens an event for `group`; `from`: the running event the group is split off (its history
  /// supplies the group's past), or nullptr.
  int open_event(const std::vector<std::size_t>& group, const Event* from = nullptr);
  void append_history(Event& event, std::int64_t start);
  void update_links();
  /// Whether the strongest home channels of two events are the same, neighbours or homologous.
  bool peaks_touch(const Event& a, const Event& b) const;
  void mark_common_onsets();
  void close(Event& event, std::vector<ClosedEvent>& closed);
  /// What became of an event that ended: a seizure, the spread of one, neither, or not known
  /// yet (still open, or waiting for a parent).
  enum class Outcome { seizure, spread, rejected, undecided };
  /// The outcome of event `id`; `root` gets the seizure it is (part of), -1 if none.
  Outcome outcome(int id, int* root = nullptr) const;
  void record(int id, Outcome outcome, int root);
  /// Decides a closed event whose parents are decided (or from which it diverged).
  void decide(Event& event, std::vector<ClosedEvent>& closed);
  bool waits_for_parent(const Event& event) const;
  void decide_pending(std::vector<ClosedEvent>& closed);
  /// Whether an open event meets the rules of close() that can be judged so far.
  bool confirmed_so_far(const Event& event) const;
  /// Updates every open event's lateral_windows and lateral_min_db with the current window.
  void track_lateralisation();
  /// Updates an open event's focal_windows and focal_broken with the current window.
  void track_focal_onset(Event& event) const;
  /// Channel c's rhythm in the current window (Hz): the scorer's estimate, or its span's centre.
  float rhythm_hz(std::size_t c) const;
  /// Channels a and b carry one rhythm in the current window, within kFocalSameRhythmHz of
  /// rhythm_hz (same_rhythm compares the grouping's 1 Hz bands).
  bool same_rhythm_hz(std::size_t a, std::size_t b) const;
  /// The current runs of channels a and b started at most kBilateralStartWindows apart.
  bool switched_on_together(std::size_t a, std::size_t b) const;
  /// Counts the current window in an open event's bilateral_onset_windows while it is one of
  /// its first kBilateralOnsetWindows.
  void track_bilateral_onset(Event& event) const;
  /// Opened while no other event ran, with a channel and its homologue switching on together
  /// at one rhythm in most of its first windows: a bilateral synchronous rhythm, not a seizure
  /// of its own (docs/detection.md, "Closing: what is a seizure").
  static bool bilateral_synchronous_onset(const Event& event);
  void raise_alarms();
  void raise(Event& event, const LocalisedEvent& located);

  const ChannelGeometry& geometry_;
  std::size_t n_ = 0;
  EventLocaliser localiser_;
  double max_frequency_difference_hz_ = 1.0;
  double max_onset_fraction_ = 0.6;
  float on_threshold_db_ = 9.0f;  // a home channel's gain counting for the evolution test
  double min_duration_s_ = 10.0, step_s_ = 1.0;
  std::int64_t close_gap_windows_ = 1, recruit_windows_ = 1, sustained_windows_ = 1;
  std::int64_t rhythm_change_windows_ = 3;
  std::size_t lookback_ = 1;
  std::size_t n_good_ = 0;
  std::vector<char> good_;  // (n): judged good (set_good); only good pairs tell the side
  std::vector<char> near_;  // (n, n): the same channel or a neighbour
  WindowScores now_;        // the window being tracked

  // Per channel.
  std::vector<int> owner_, last_owner_;
  std::vector<std::int64_t> last_on_window_, run_start_, run_length_;
  // Windows on in the channel's run with dropouts of fewer than recruit_windows_ windows
  // bridged, while it stays with one event (bridged_owner_): for the onset alarm's focal path.
  std::vector<std::int64_t> bridged_length_;
  std::vector<int> bridged_owner_;
  std::vector<int> reference_band_;           // slowly drifting rhythm of a channel that is on
  std::vector<std::int64_t> rhythm_changes_;  // consecutive windows away from it
  std::vector<std::int64_t> joined_window_;   // when the channel joined a running event, else -1
  std::vector<std::int64_t> focus_lead_;      // consecutive windows it led its event neighbours
  std::vector<std::int64_t> diverged_;        // consecutive windows off its event's rhythm
  std::vector<std::int64_t> onset_rise_;      // consecutive windows of a new onset under a field

  // Lookback ring of (gain, excess, window start) for the last lookback_ windows.
  std::vector<float> ring_gain_, ring_excess_;
  std::vector<std::int64_t> ring_start_;
  std::int64_t window_index_ = 0;          // windows tracked so far
  std::int64_t segment_first_window_ = 0;  // first window after the last gap

  std::vector<Event> open_events_;
  std::vector<Event> pending_;  // ended, waiting for a parent's outcome
  struct Decided {
    int id;
    Outcome outcome;
    int root;  // the seizure it is (part of); -1 when rejected
  };
  std::vector<Decided> outcomes_;  // of recently ended events
  int next_event_id_ = 0;
  std::int64_t window_start_ = 0;  // stream sample where the window being tracked starts
  std::vector<RaisedAlarm> alarms_;
};

}  // namespace ictaltrack::detail
