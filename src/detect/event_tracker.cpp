#include "detect/event_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace ictaltrack::detail {
namespace {

constexpr std::size_t kMaxEventHistory = 400;  // windows kept per open event (after lookback)
// An event whose smoothed rhythm stays unrelated to that of an event running beside it for this
// many windows in a row went its own way: it is a seizure of its own, not that one's spread.
// (A propagated discharge follows its parent's rhythm with a lag and a slight detuning.)
constexpr std::int64_t kIndependentWindows = 5;
// ... and it is that event's spread only when their rhythms agreed in this many windows (the
// same amount of evidence either way).
constexpr std::int64_t kMinAgreedWindows = 5;
// An event that followed one event of a seizure at its rhythm for this many windows without
// diverging once is that seizure's spread, even where it parted from another of the seizure's
// events: a seizure's field can hold its parent rhythm and a detuned propagated copy side by
// side, and a piece that switches on late between them tracks one and not the other.
constexpr std::int64_t kFollowedWindows = 2 * kMinAgreedWindows;
// Events opened within this many windows of each other count together for the common-mode
// (movement) onset rule.
constexpr std::int64_t kOnsetClusterWindows = 2;
constexpr std::size_t kMaxOutcomes = 256;  // outcomes of ended events remembered
// An event's home channels are those it holds in its first kHomeWindows windows.
constexpr std::int64_t kHomeWindows = 5;
// A seizure evolves: its rhythm at the end is slower than its rhythm at the start by at least
// this many 1 Hz bands (ACNS: a sequential change in frequency; an ictal discharge slows as it
// runs, the "chirp" of Schiff et al., Clin Neurophysiol 2000). A normal rhythm that waxes and
// wanes does not, nor does one that gives way to a faster one (a second posterior-rhythm
// episode at a higher alpha frequency, a spindle after hypersynchrony); a passing change in
// between is not an evolution either.
constexpr int kMinEvolutionBands = 2;
constexpr float kMinEvolutionHz = 1.0f * kMinEvolutionBands;  // bands are 1 Hz wide
constexpr std::size_t kOnsetRhythmWindows = 3;
// An event cut by a gap or the end of the stream while discharging is spared the evolution test
// (its end was not seen) only while it has run for less than this: most seizures end within
// 2 minutes (Jenssen et al., Epilepsia 2006, video-EEG monitoring: longer ones are rare), and
// one that has discharged for that long has shown its evolution. A normal rhythm cut by the end
// of a recording after minutes of an unchanging frequency is judged like any other.
constexpr double kTruncatedUnjudgedS = 120.0;
// A channel that joined a running event is a focus of its own when, within kNewFocusWindows of
// joining, its gain stays above that of every neighbouring channel of the event by at least
// kNewFocusMarginDb for kNewFocusLeadWindows windows in a row: a spreading discharge weakens
// away from its focus, so its newly reached edge is never the strongest place around it.
constexpr std::int64_t kNewFocusWindows = 30;
constexpr std::int64_t kNewFocusLeadWindows = 5;
constexpr float kNewFocusMarginDb = 1.0f;
// Channels of an event that hold another rhythm than the event's own for kRhythmSplitWindows
// windows in a row carry a second seizure: one seizure drives its whole field at one rhythm.
constexpr std::int64_t kRhythmSplitWindows = 5;
// A second onset under a running field (docs/detection.md): a referential channel held by an
// event, not one of its home channels, on for at least 2 * kRiseBefore windows (a settled part
// of the field), whose gain rose by kNewOnsetRiseDb more than that of the event's strongest home
// channel between the median of windows [t - kRiseBefore, t - kRiseBefore + 4] and that of the
// last 3 windows, for kNewOnsetWindows windows in a row, kLateOnsetWindows or more after the
// event's first recruitment. A channel that carries a running seizure's field (volume
// conduction, propagation) follows the amplitude course of its source; one whose power rises
// fourfold against its source's has a generator of its own. Propagation reaches its targets
// within seconds of the onset (2-15 s in the simulator, following the literature), so the test
// starts after that, when a channel that rises is no longer being reached by the seizure.
// Referential only, as for a stronger discharge elsewhere: a bipolar derivation measures the
// field's gradient, which moves as the field spreads.
constexpr float kNewOnsetRiseDb = 6.0f;
constexpr std::int64_t kRiseBefore = 12;
constexpr std::int64_t kNewOnsetWindows = 3;
constexpr std::int64_t kLateOnsetWindows = 20;

// Onset alarms (docs/detection.md, "Onset alarms"): a focal seizure discharges on one side, so
// its channels carry a rhythm far stronger than their homologous channels over the other
// hemisphere, while the normal rhythms that pass every rule but evolution while they run
// (posterior dominant rhythm, sleep spindles, hypnagogic hypersynchrony) are bilateral and
// near-symmetric. An event whose channels stayed at least kLateralMarginDb (a tenfold power
// ratio) above their homologues in each of at least kLateralWindows windows since its first
// recruitment, from an onset rhythm in the theta-alpha range (below: a burst-suppression burst or
// a delta run can be as lopsided), is confirmed without waiting for its evolution.
constexpr float kLateralMarginDb = 10.0f;
constexpr std::int64_t kLateralWindows = 3;
// Early alarms (lateralised and focal paths): the theta-alpha range (Hz) of an ictal onset rhythm
// (domain.md). Focal-onset alarm: how close (Hz) a homologous channel's rhythm must be to count
// as the same rhythm (the 1 Hz of the grouping, max_frequency_difference_hz's default).
constexpr float kIctalOnsetLowHz = 4.0f;
constexpr float kIctalOnsetHighHz = 12.0f;
constexpr float kFocalSameRhythmHz = 1.0f;
// A homologous channel carrying the same rhythm under the switch-on threshold, within this many
// dB of the channel's gain, is the other half of a symmetric rhythm: ACNS 2012 terminology calls
// a background rhythm markedly asymmetric only beyond a 50 % amplitude difference (a power ratio
// of 4, 6 dB), so the normal rhythms can differ this much between the sides.
constexpr float kFocalQuietMarginDb = 6.0f;
// The focal onset is judged on the first kFocalOnsetWindows windows that can judge it (its onset:
// spread reaches the homologous region 2-15 s after the onset in the simulator). 5, as long as
// the kHomeWindows that define an event's home channels; 3, 4, 6 and every window measured in
// docs/detection.md. The early path needs kLateralWindows of them.
constexpr std::int64_t kFocalOnsetWindows = 5;
static_assert(kLateralWindows <= kFocalOnsetWindows);
// The onset rhythm of an alarm on the evolution or focal path holds within this many bands.
constexpr int kSteadyOnsetBands = 1;
// A bilateral synchronous onset (docs/detection.md, "Closing: what is a seizure"): in at least
// kBilateralOnsetMinWindows of an event's first kBilateralOnsetWindows windows, a channel it
// holds and its homologue are on at one rhythm (within kFocalSameRhythmHz) with run starts at
// most kBilateralStartWindows apart. A focal seizure's field reaches the homologous region by
// propagation, seconds after its onset; the normal rhythms (the posterior dominant rhythm,
// spindles, hypnagogic hypersynchrony) switch on on both sides at once.
constexpr std::int64_t kBilateralOnsetWindows = 3;
constexpr std::int64_t kBilateralOnsetMinWindows = 2;
constexpr std::int64_t kBilateralStartWindows = 1;

std::int64_t windows_for(double seconds, double step_s) {
  return std::max<std::int64_t>(0, std::lround(seconds / step_s));
}

// A 1 Hz band's rhythm frequency (Hz): the centre of the 2 Hz span it starts (the scorer's
// peak_band).
float span_centre_hz(int band) { return static_cast<float>(band) + 1.5f; }

// The theta-alpha range of an ictal onset rhythm (both early alarm paths). Written as "not
// outside" so that a non-finite estimate fails no window, as before this helper.
bool in_ictal_onset_range(float hz) { return !(hz < kIctalOnsetLowHz || hz > kIctalOnsetHighHz); }

}  // namespace

EventTracker::EventTracker(const ChannelGeometry& geometry, const DetectorOptions& params,
                           EventLocaliser localiser)
    : geometry_(geometry),
      n_(geometry.labels.size()),
      localiser_(std::move(localiser)),
      max_frequency_difference_hz_(params.max_frequency_difference_hz),
      max_onset_fraction_(params.max_onset_fraction),
      on_threshold_db_(static_cast<float>(params.on_threshold_db)),
      min_duration_s_(params.min_duration_s),
      step_s_(params.step_s),
      close_gap_windows_(windows_for(params.close_gap_s, params.step_s)),
      recruit_windows_(std::max<std::int64_t>(1, windows_for(params.recruit_s, params.step_s))),
      sustained_windows_(
          std::max<std::int64_t>(1, windows_for(params.min_sustained_s, params.step_s))),
      lookback_(static_cast<std::size_t>(windows_for(params.lookback_s, params.step_s)) + 1) {
  near_.assign(n_ * n_, 0);
  for (std::size_t a = 0; a < n_; ++a) {
    near_[a * n_ + a] = 1;
    for (const auto b : geometry_.neighbours[a]) near_[a * n_ + b] = 1;
  }
  good_.assign(n_, 1);
  owner_.assign(n_, -1);
  last_owner_.assign(n_, -1);
  last_on_window_.assign(n_, std::numeric_limits<std::int64_t>::min() / 2);
  run_start_.assign(n_, 0);
  run_length_.assign(n_, 0);
  bridged_length_.assign(n_, 0);
  bridged_owner_.assign(n_, -1);
  reference_band_.assign(n_, 0);
  rhythm_changes_.assign(n_, 0);
  joined_window_.assign(n_, -1);
  focus_lead_.assign(n_, 0);
  diverged_.assign(n_, 0);
  onset_rise_.assign(n_, 0);
  ring_gain_.assign(lookback_ * n_, 0.0f);
  ring_excess_.assign(lookback_ * n_, 0.0f);
  ring_start_.assign(lookback_, 0);
}

void EventTracker::set_good(const std::vector<char>& good) {
  good_ = good;
  n_good_ = static_cast<std::size_t>(std::count(good.begin(), good.end(), 1));
  for (std::size_t b = 0; b < n_; ++b) {
    if (good[b]) continue;
    for (const auto x : geometry_.neighbours[b]) {
      for (const auto y : geometry_.neighbours[b]) near_[x * n_ + y] = 1;
    }
  }
}

void EventTracker::step(const WindowScores& scores, std::int64_t start,
                        std::vector<ClosedEvent>& closed) {
  now_ = scores;
  const std::size_t slot = static_cast<std::size_t>(window_index_) % lookback_;
  std::copy_n(scores.gain_db, n_, ring_gain_.begin() + static_cast<std::ptrdiff_t>(slot * n_));
  std::copy_n(scores.excess, n_, ring_excess_.begin() + static_cast<std::ptrdiff_t>(slot * n_));
  ring_start_[slot] = start;
  window_start_ = start;
  track_events(start, closed);
  track_lateralisation();
  raise_alarms();
  ++window_index_;
}

void EventTracker::finish(std::vector<ClosedEvent>& closed) {
  // In opening order: a parent ends before its children are decided.
  std::vector<Event> ending;
  ending.swap(open_events_);
  for (auto& event : ending) {
    // Cut by the end of the stream or by a gap while it was discharging: its end was not seen,
    // so whether it evolves cannot be judged.
    event.truncated = window_index_ - event.last_on <= static_cast<std::int64_t>(kRhythmSmoothing);
    close(event, closed);
  }
  decide_pending(closed);
}

// The median of the first `n` values of `values` (the upper one for an even `n`).
template <class T, std::size_t N>
static T median_of_first(std::array<T, N> values, std::size_t n) {
  std::nth_element(values.begin(), values.begin() + n / 2, values.begin() + n);
  return values[n / 2];
}

// An event's rhythm at its onset and at its end, from its RhythmEnds (`ends.n` at least
// kOnsetRhythmWindows, respectively kEvolutionWindows): the median of its first
// kOnsetRhythmWindows windows at full strength (a seizure may slow within seconds of its onset,
// as the CHB-MIT seizure of ../shared/real does) and that of its last kEvolutionWindows, as 1 Hz
// bands (`first`, `last`) or in Hz (`first_hz`, `last_hz`).
template <class T>
static T onset_rhythm(const std::array<T, kEvolutionWindows>& first) {
  return median_of_first(first, kOnsetRhythmWindows);
}
template <class T>
static T end_rhythm(const std::array<T, kEvolutionWindows>& last) {
  return median_of_first(last, kEvolutionWindows);
}

int slowing_bands(const Event& event) {
  const auto& ends = event.home_ends;
  if (ends.n < kEvolutionWindows) return 0;
  return onset_rhythm(ends.first) - end_rhythm(ends.last);
}

float slowing_hz(const Event& event) {
  const auto& ends = event.home_ends;
  if (ends.n < kEvolutionWindows) return 0.0f;
  return onset_rhythm(ends.first_hz) - end_rhythm(ends.last_hz);
}

bool has_ictal_onset_rhythm(const Event& event) {
  if (event.home_ends.n < kOnsetRhythmWindows) return false;
  // Bands 3-10 (4.5-11.5 Hz) are in range.
  return in_ictal_onset_range(span_centre_hz(onset_rhythm(event.home_ends.first)));
}

bool steady_onset_rhythm(const Event& event) {
  const auto& first = event.home_ends.first;
  if (event.home_ends.n < kOnsetRhythmWindows) return false;
  const auto [low, high] = std::minmax_element(first.begin(), first.begin() + kOnsetRhythmWindows);
  return *high - *low <= kSteadyOnsetBands;
}

bool related_rhythms(int band_a, int band_b, double tolerance_hz) {
  // Span centres are band + 1.5 Hz, so the difference of the bands is that of the frequencies.
  return std::abs(band_a - band_b) <= tolerance_hz + 1e-9;
}

void EventTracker::end_segment(std::vector<ClosedEvent>& closed) {
  finish(closed);
  owner_.assign(n_, -1);
  last_owner_.assign(n_, -1);
  last_on_window_.assign(n_, std::numeric_limits<std::int64_t>::min() / 2);
  run_start_.assign(n_, 0);
  run_length_.assign(n_, 0);
  bridged_length_.assign(n_, 0);
  bridged_owner_.assign(n_, -1);
  rhythm_changes_.assign(n_, 0);
  joined_window_.assign(n_, -1);
  focus_lead_.assign(n_, 0);
  diverged_.assign(n_, 0);
  onset_rise_.assign(n_, 0);
  segment_first_window_ = window_index_;
}

Event* EventTracker::find_event(int id) {
  for (auto& event : open_events_) {
    if (event.id == id) return &event;
  }
  return nullptr;
}

bool EventTracker::same_rhythm(std::size_t a, std::size_t b) const {
  return std::abs(now_.peak_band[a] - now_.peak_band[b]) <= max_frequency_difference_hz_ + 1e-9;
}

void EventTracker::track_events(std::int64_t start, std::vector<ClosedEvent>& closed) {
  const std::int64_t t = window_index_;
  const std::int64_t gap = close_gap_windows_;
  // 1. Channels keep their event while on; a channel back on soon rejoins its last event.
  for (std::size_t c = 0; c < n_; ++c) {
    if (!now_.on[c]) {
      if (owner_[c] >= 0) last_owner_[c] = owner_[c];
      owner_[c] = -1;
      continue;
    }
    if (owner_[c] >= 0 && find_event(owner_[c]) == nullptr) owner_[c] = -1;
    if (owner_[c] < 0 && last_owner_[c] >= 0 && t - last_on_window_[c] <= gap &&
        find_event(last_owner_[c]) != nullptr) {
      if (std::abs(now_.peak_band[c] - reference_band_[c]) <= 1) {
        owner_[c] = last_owner_[c];
        joined_window_[c] = t;  // back in: judged again like a channel that just joined
        focus_lead_[c] = 0;
      } else {
        last_owner_[c] = -1;  // back with another rhythm: placed again below
        reference_band_[c] = now_.peak_band[c];
      }
    }
  }
  // A channel of a running event whose rhythm jumps to another frequency and stays there
  // carries a new seizure (overlapping seizures): it leaves its event and is placed again.
  for (std::size_t c = 0; c < n_; ++c) {
    if (!now_.on[c]) {
      rhythm_changes_[c] = 0;
      // A channel that drops out for a moment keeps its rhythm: when it comes back with
      // another one, that is a new discharge (e.g. a second seizure reaching it while the
      // first's field there fades), not the event it left.
      if (last_owner_[c] < 0 || t - last_on_window_[c] > gap)
        reference_band_[c] = now_.peak_band[c];
      continue;
    }
    if (std::abs(now_.peak_band[c] - reference_band_[c]) <= 1) {
      reference_band_[c] = now_.peak_band[c];
      rhythm_changes_[c] = 0;
    } else if (++rhythm_changes_[c] >= rhythm_change_windows_ && owner_[c] >= 0) {
      owner_[c] = -1;
      last_owner_[c] = -1;
      run_start_[c] = t - rhythm_changes_[c] + 1;
      last_on_window_[c] = t - 1;  // the run continues from its new start
      reference_band_[c] = now_.peak_band[c];
      rhythm_changes_[c] = 0;
    }
  }
  // 2. Unowned channels that are on: groups of adjacent channels with the same rhythm join the
  // event of an adjacent owned channel with the same rhythm, or open a new event.
  std::vector<char> seen(n_, 0);
  std::vector<std::size_t> group;
  for (std::size_t c0 = 0; c0 < n_; ++c0) {
    if (!now_.on[c0] || owner_[c0] >= 0 || seen[c0]) continue;
    group.assign(1, c0);
    seen[c0] = 1;
    for (std::size_t i = 0; i < group.size(); ++i) {
      for (const auto m : geometry_.neighbours[group[i]]) {
        if (now_.on[m] && owner_[m] < 0 && !seen[m] && same_rhythm(group[i], m)) {
          seen[m] = 1;
          group.push_back(m);
        }
      }
    }
    int best_id = -1, best_votes = 0;
    for (auto& event : open_events_) {
      int votes = 0;
      for (const auto c : group) {
        for (std::size_t m = 0; m < n_; ++m) {
          // A neighbour whose rhythm is jumping away from the one it had while on is not
          // showing its event's rhythm (typically a second seizure reaching both at once): no
          // vote. (A channel that has just switched on jumps away from its background's peak.)
          const bool jumping = rhythm_changes_[m] > 0 && run_length_[m] > rhythm_changes_[m];
          if (near_[c * n_ + m] && now_.on[m] && owner_[m] == event.id && same_rhythm(c, m) &&
              !jumping) {
            ++votes;
          }
        }
      }
      if (votes > best_votes) {
        best_votes = votes;
        best_id = event.id;
      }
    }
    const bool joined = best_id >= 0;
    if (!joined) best_id = open_event(group);
    for (const auto c : group) {
      owner_[c] = best_id;
      joined_window_[c] = joined ? t : -1;
      focus_lead_[c] = 0;
    }
  }
  // A channel that joined a running event and then outshines the event's channels around it
  // is a new focus (a second seizure starting with a rhythm like the first's next to it): it
  // opens an event of its own, and channels reached later choose between the two.
  for (std::size_t c = 0; c < n_; ++c) {
    if (!now_.on[c] || owner_[c] < 0 || joined_window_[c] < 0) continue;
    // Only for lateral referential channels: a bipolar derivation measures the field's
    // gradient, which can peak at the edge of a spreading discharge, and a midline electrode
    // sums both hemispheres.
    const auto& label = geometry_.labels[c];
    if (t - joined_window_[c] >= kNewFocusWindows || label.is_bipolar ||
        (label.hemisphere != Hemisphere::left && label.hemisphere != Hemisphere::right)) {
      joined_window_[c] = -1;
      continue;
    }
    if (const Event* event = find_event(owner_[c]); event && event->side == label.hemisphere) {
      continue;  // a focus on the event's own side would be kept as its spread anyway
    }
    bool bordered = false, leads = true;
    for (const auto m : geometry_.neighbours[c]) {
      if (!now_.on[m] || owner_[m] != owner_[c]) continue;
      bordered = true;
      leads = leads && now_.gain_db[c] >= now_.gain_db[m] + kNewFocusMarginDb;
    }
    focus_lead_[c] = bordered && leads ? focus_lead_[c] + 1 : 0;
    if (focus_lead_[c] >= kNewFocusLeadWindows) {
      const std::vector<std::size_t> seed{c};
      owner_[c] = -1;  // open_event looks at the other channels' owners only
      owner_[c] = open_event(seed);
      last_owner_[c] = -1;
      joined_window_[c] = -1;
    }
  }
  split_by_rhythm();
  split_new_onsets();
  // 3. Record the window in every open event; close the quiet ones.
  for (std::size_t c = 0; c < n_; ++c) {
    if (now_.on[c]) {
      if (last_on_window_[c] != t - 1) run_start_[c] = t;
      // A dropout shorter than a recruitment is a fluctuation, as an isolated window on is: the
      // bridged run goes on across it, within one event, counting the windows on.
      const bool bridged =
          t - last_on_window_[c] <= recruit_windows_ && owner_[c] == bridged_owner_[c];
      bridged_owner_[c] = owner_[c];
      last_on_window_[c] = t;
      run_length_[c] = t - run_start_[c] + 1;
      bridged_length_[c] = bridged ? bridged_length_[c] + 1 : run_length_[c];
    } else {
      run_length_[c] = 0;
    }
  }
  for (auto& event : open_events_) {
    bool any = false;
    for (std::size_t c = 0; c < n_; ++c) {
      if (owner_[c] != event.id) continue;
      any = true;
      // A channel is recruited once it has stayed on for recruit_windows_ (isolated windows
      // are fluctuations, blinks or pops); its run start is then its entry into the event. A
      // channel recruited after the history cap is left out of the onset order.
      if (event.history.first_on[c] < 0 && run_length_[c] >= recruit_windows_ &&
          event.history.n_windows() < lookback_ + kMaxEventHistory) {
        event.history.first_on[c] =
            static_cast<int>(std::max<std::int64_t>(0, run_start_[c] - event.first_window));
        if (event.first_recruit < 0 || run_start_[c] < event.first_recruit) {
          event.first_recruit = run_start_[c];
        }
      }
      event.peak_gain_db = std::max(event.peak_gain_db, static_cast<double>(now_.gain_db[c]));
    }
    if (any) {
      event.last_on = t;
      for (std::size_t c = 0; c < n_; ++c) {
        if (owner_[c] != event.id) continue;
        event.longest_run = std::max(event.longest_run, run_length_[c]);
        event.longest_bridged_run = std::max(event.longest_bridged_run, bridged_length_[c]);
      }
      float strongest = -1.0f;
      for (std::size_t c = 0; c < n_; ++c) {
        if (owner_[c] == event.id && now_.gain_db[c] > strongest) {
          strongest = now_.gain_db[c];
          event.rhythm_band = now_.peak_band[c];
        }
      }
    }
    // The event's own rhythm: that of its strongest home channel (one it held in its first
    // kHomeWindows). Channels it took over later may carry another seizure's rhythm where two
    // fields meet; its home channels carry its own.
    if (window_index_ - event.opened < kHomeWindows) {
      for (std::size_t c = 0; c < n_; ++c) {
        if (owner_[c] == event.id) event.home[c] = 1;
      }
    }
    float strongest_home = -1.0f;
    event.home_excess = 0.0f;
    event.home_peak = -1;
    int home_band = -1;
    float home_hz = 0.0f;
    for (std::size_t c = 0; c < n_; ++c) {
      if (owner_[c] == event.id && event.home[c] && !geometry_.labels[c].is_bipolar &&
          now_.excess[c] > event.home_excess) {
        event.home_excess = now_.excess[c];
        event.home_peak = static_cast<int>(c);
      }
      if (owner_[c] == event.id && event.home[c] && now_.gain_db[c] > strongest_home) {
        strongest_home = now_.gain_db[c];
        home_band = now_.peak_band[c];
        home_hz = rhythm_hz(c);
      }
    }
    // Evolution is judged on the windows where the discharge is clearly present (its strongest
    // home channel at or above the switch-on gain), not on the fading tail that the hysteresis
    // keeps on: a normal rhythm that dies away slows and weakens as it goes (the occipital
    // alpha of multiple_annotation_chans.bdf falls from 9 to 4-5 Hz in its last 15 s), while a
    // seizure's slowing comes with a discharge at full strength.
    if (home_band >= 0 && strongest_home >= on_threshold_db_) {
      event.home_ends.add(home_band, home_hz);
    }
    event.on_now = home_band >= 0;
    if (event.on_now) {
      event.recent_bands[event.n_recent % kRhythmSmoothing] = home_band;
      event.recent_hz[event.n_recent % kRhythmSmoothing] = home_hz;
      ++event.n_recent;
      std::array<int, kRhythmSmoothing> sorted = event.recent_bands;
      const std::size_t count = std::min(event.n_recent, kRhythmSmoothing);
      std::sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(count));
      event.smoothed_band = sorted[count / 2];
      std::array<float, kRhythmSmoothing> sorted_hz = event.recent_hz;
      std::sort(sorted_hz.begin(), sorted_hz.begin() + static_cast<std::ptrdiff_t>(count));
      event.smoothed_hz = sorted_hz[count / 2];
    }
    append_history(event, start);
  }
  update_links();
  mark_common_onsets();
  for (std::size_t i = 0; i < open_events_.size();) {
    if (t - open_events_[i].last_on >= gap) {
      // Out of the open list first: its pending children then see it decided.
      Event ending = std::move(open_events_[i]);
      open_events_.erase(open_events_.begin() + static_cast<std::ptrdiff_t>(i));
      close(ending, closed);
    } else {
      ++i;
    }
  }
}

// One seizure drives its whole field at one rhythm: channels of an event (other than its home
// channels, which define its rhythm) that keep another rhythm than the event's for
// kRhythmSplitWindows windows in a row leave it together (with their adjacent channels of the
// same rhythm) as a new event, which the spread model then judges like any other.
void EventTracker::split_by_rhythm() {
  for (std::size_t c = 0; c < n_; ++c) {
    bool off_rhythm = false;
    if (now_.on[c] && owner_[c] >= 0) {
      const Event* event = find_event(owner_[c]);
      off_rhythm =
          event != nullptr && !event->home[c] && event->smoothed_band >= 0 &&
          !related_rhythms(now_.peak_band[c], event->smoothed_band, max_frequency_difference_hz_);
    }
    diverged_[c] = off_rhythm ? diverged_[c] + 1 : 0;
  }
  for (std::size_t c0 = 0; c0 < n_; ++c0) {
    if (diverged_[c0] < kRhythmSplitWindows) continue;
    const int from = owner_[c0];
    std::vector<std::size_t> group{c0};
    std::vector<char> taken(n_, 0);
    taken[c0] = 1;
    for (std::size_t i = 0; i < group.size(); ++i) {
      for (const auto m : geometry_.neighbours[group[i]]) {
        if (!taken[m] && owner_[m] == from && diverged_[m] > 0 && same_rhythm(group[i], m)) {
          taken[m] = 1;
          group.push_back(m);
        }
      }
    }
    for (const auto c : group) owner_[c] = -1;  // open_event looks at the other channels only
    const int id = open_event(group, find_event(from));
    for (const auto c : group) {
      owner_[c] = id;
      last_owner_[c] = -1;
      joined_window_[c] = -1;
      diverged_[c] = 0;
    }
  }
}

float EventTracker::ring_median_gain(std::size_t c, std::int64_t first, std::int64_t last) const {
  std::array<float, 16> values{};
  std::size_t count = 0;
  const std::int64_t oldest =
      std::max(segment_first_window_, window_index_ - static_cast<std::int64_t>(lookback_) + 1);
  if (first < oldest) return std::numeric_limits<float>::quiet_NaN();
  for (std::int64_t w = first; w <= last && count < values.size(); ++w) {
    values[count++] = ring_gain_[(static_cast<std::size_t>(w) % lookback_) * n_ + c];
  }
  if (count == 0) return std::numeric_limits<float>::quiet_NaN();
  std::sort(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(count));
  return values[count / 2];
}

// A second onset under a running field: see kNewOnsetRiseDb. The channel leaves its event, with
// its adjacent channels of the event that rose with it at its rhythm, as a new event whose link
// to the event it left says so (decide() then keeps it apart from that event's seizure).
void EventTracker::split_new_onsets() {
  if (open_events_.empty()) return;
  const std::int64_t t = window_index_;
  const auto rise = [&](std::size_t c) {
    const float before = ring_median_gain(c, t - kRiseBefore, t - kRiseBefore + 4);
    const float now = ring_median_gain(c, t - 2, t);
    return now - before;  // NaN when the ring does not reach back
  };
  std::vector<float> home_rise(open_events_.size(), 0.0f);
  for (std::size_t e = 0; e < open_events_.size(); ++e) {
    const Event& event = open_events_[e];
    int strongest = -1;
    for (std::size_t c = 0; c < n_; ++c) {
      if (event.home[c] && owner_[c] == event.id &&
          (strongest < 0 || now_.gain_db[c] > now_.gain_db[strongest]))
        strongest = static_cast<int>(c);
    }
    home_rise[e] = strongest < 0 ? std::numeric_limits<float>::quiet_NaN()
                                 : rise(static_cast<std::size_t>(strongest));
  }
  std::vector<float> relative_rise(n_, std::numeric_limits<float>::quiet_NaN());
  for (std::size_t c = 0; c < n_; ++c) {
    bool rising = false;
    if (now_.on[c] && owner_[c] >= 0) {
      for (std::size_t e = 0; e < open_events_.size(); ++e) {
        const Event& event = open_events_[e];
        if (event.id != owner_[c]) continue;
        if (event.home[c] || event.first_recruit < 0 ||
            t - event.first_recruit < kLateOnsetWindows || geometry_.labels[c].is_bipolar)
          break;
        relative_rise[c] = rise(c) - home_rise[e];
        rising = relative_rise[c] >= kNewOnsetRiseDb;
        break;
      }
    }
    onset_rise_[c] = rising ? onset_rise_[c] + 1 : 0;
  }
  for (std::size_t c0 = 0; c0 < n_; ++c0) {
    if (onset_rise_[c0] < kNewOnsetWindows || run_length_[c0] + 1 < 2 * kRiseBefore) continue;
    const int from = owner_[c0];
    std::vector<std::size_t> group{c0};
    std::vector<char> taken(n_, 0);
    taken[c0] = 1;
    for (std::size_t i = 0; i < group.size(); ++i) {
      for (const auto m : geometry_.neighbours[group[i]]) {
        if (!taken[m] && owner_[m] == from && now_.on[m] && relative_rise[m] >= kNewOnsetRiseDb &&
            same_rhythm(group[i], m)) {
          taken[m] = 1;
          group.push_back(m);
        }
      }
    }
    for (const auto c : group) owner_[c] = -1;  // open_event looks at the other channels only
    const int id = open_event(group, find_event(from));
    for (auto& link : open_events_.back().links) {
      if (link.parent == from) link.own_onset = true;
    }
    for (const auto c : group) {
      owner_[c] = id;
      last_owner_[c] = -1;
      joined_window_[c] = -1;
      diverged_[c] = 0;
      onset_rise_[c] = 0;
    }
  }
}

int EventTracker::open_event(const std::vector<std::size_t>& group, const Event* from) {
  Event event;
  event.id = next_event_id_++;
  event.opened = window_index_;
  event.last_on = window_index_;
  float strongest = -1.0f;
  for (const auto c : group) {
    if (now_.gain_db[c] > strongest) {
      strongest = now_.gain_db[c];
      event.rhythm_band = now_.peak_band[c];
      event.side = geometry_.labels[c].hemisphere;
    }
  }
  // Reverse burden of proof: whatever runs when this event opens may be the seizure it spreads
  // from; close() keeps it as a seizure of its own only if its rhythm goes its own way.
  for (const auto& other : open_events_) event.links.push_back({other.id});
  // Only a running discharge that may be a seizure counts against opening alone. No seizure
  // this one could be the spread of is an event none of whose channels has been recruited yet
  // (a blip of an artifact or of the background, most of which never are), nor one found to be
  // a bilateral synchronous onset itself (a normal rhythm: the next episode of a posterior
  // dominant rhythm that opens while the last one fades is judged as the first one was). A
  // running event counts as such once 2 of its first 3 windows have shown it; one recruited
  // before that (channels that were on before it opened) still counts as running: the
  // conservative side, a bilateral onset not rejected.
  event.opened_alone = std::all_of(open_events_.begin(), open_events_.end(), [&](const Event& e) {
    return e.first_recruit < 0 || window_index_ - e.opened <= kBilateralStartWindows ||
           bilateral_synchronous_onset(e);
  });
  event.home.assign(n_, 0);
  event.history.n_channels = n_;
  event.history.first_on.assign(n_, -1);
  // A group split off a running event has been on for a while: its history starts lookback_
  // windows before the earliest run start of its channels, copied from that event's history
  // (which holds every channel), so that its onset is where its channels began, not the split.
  if (from != nullptr &&
      from->first_window + static_cast<std::int64_t>(from->history.n_windows()) == window_index_) {
    std::int64_t earliest = window_index_;
    for (const auto c : group) earliest = std::min(earliest, run_start_[c]);
    const std::int64_t begin =
        std::max(from->first_window, earliest - (static_cast<std::int64_t>(lookback_) - 1));
    if (begin < window_index_ - (static_cast<std::int64_t>(lookback_) - 1)) {
      const auto row = static_cast<std::size_t>(begin - from->first_window);
      event.first_window = begin;
      event.history.window_start.assign(from->history.window_start.begin() + row,
                                        from->history.window_start.end());
      event.history.gain_db.assign(from->history.gain_db.begin() + row * n_,
                                   from->history.gain_db.end());
      event.history.excess.assign(from->history.excess.begin() + row * n_,
                                  from->history.excess.end());
      open_events_.push_back(std::move(event));
      return open_events_.back().id;
    }
  }
  // History starts with the lookback ring (oldest first, never before the last gap), excluding
  // the current window, which append_history adds.
  const std::int64_t available = std::min<std::int64_t>(window_index_ - segment_first_window_,
                                                        static_cast<std::int64_t>(lookback_) - 1);
  event.first_window = window_index_ - available;
  for (std::int64_t w = event.first_window; w < window_index_; ++w) {
    const std::size_t slot = static_cast<std::size_t>(w) % lookback_;
    event.history.window_start.push_back(ring_start_[slot]);
    event.history.gain_db.insert(event.history.gain_db.end(), ring_gain_.begin() + slot * n_,
                                 ring_gain_.begin() + (slot + 1) * n_);
    event.history.excess.insert(event.history.excess.end(), ring_excess_.begin() + slot * n_,
                                ring_excess_.begin() + (slot + 1) * n_);
  }
  open_events_.push_back(std::move(event));
  return open_events_.back().id;
}

void EventTracker::append_history(Event& event, std::int64_t start) {
  if (event.history.n_windows() >= lookback_ + kMaxEventHistory) return;
  event.history.window_start.push_back(start);
  event.history.gain_db.insert(event.history.gain_db.end(), now_.gain_db, now_.gain_db + n_);
  event.history.excess.insert(event.history.excess.end(), now_.excess, now_.excess + n_);
}

bool EventTracker::peaks_touch(const Event& a, const Event& b) const {
  if (a.home_peak < 0 || b.home_peak < 0) return true;
  const auto x = static_cast<std::size_t>(a.home_peak);
  const auto y = static_cast<std::size_t>(b.home_peak);
  return near_[x * n_ + y] != 0 || geometry_.mirror[x] == static_cast<int>(y);
}

// Each window: how long every event and each event running when it opened have both been on,
// for how long their smoothed rhythms have been unrelated, and for how long the later one has
// been a stronger discharge elsewhere.
void EventTracker::update_links() {
  for (auto& event : open_events_) {
    if (!event.on_now) continue;
    for (auto& link : event.links) {
      const Event* parent = find_event(link.parent);
      if (parent == nullptr || !parent->on_now) continue;
      ++link.together;
      if (std::abs(event.smoothed_hz - parent->smoothed_hz) <= kSpreadToleranceHz + 1e-6) {
        ++link.agreed;
        link.diverged_run = 0;
      } else {
        link.longest_diverged = std::max(link.longest_diverged, ++link.diverged_run);
      }
      const bool stronger = parent->home_excess > 0.0f &&
                            event.home_excess > kStrongerPowerRatio * parent->home_excess &&
                            event.first_recruit > parent->first_recruit &&
                            parent->first_recruit >= 0 && !peaks_touch(event, *parent);
      if (stronger) {
        link.longest_stronger = std::max(link.longest_stronger, ++link.stronger_run);
      } else {
        link.stronger_run = 0;
      }
    }
  }
}

// A common-mode artifact (movement, patting, rocking, chewing on a referential montage) reaches
// every channel within a second or two, and the grouping may cut it into several events: the
// events opened within kOnsetClusterWindows of each other are judged together, and when their
// channels on make up more than max_onset_fraction of the good channels, none is a seizure (a
// seizure starts focally).
void EventTracker::mark_common_onsets() {
  const std::int64_t t = window_index_;
  for (const auto& event : open_events_) {
    if (t - event.opened >= kOnsetClusterWindows) continue;
    std::size_t count = 0;
    for (std::size_t c = 0; c < n_; ++c) {
      if (!now_.on[c] || owner_[c] < 0) continue;
      const Event* holder = find_event(owner_[c]);
      count += holder != nullptr && std::abs(holder->opened - event.opened) < kOnsetClusterWindows;
    }
    if (static_cast<double>(count) <= max_onset_fraction_ * static_cast<double>(n_good_)) continue;
    for (auto& other : open_events_) {
      if (std::abs(other.opened - event.opened) < kOnsetClusterWindows) other.global_onset = true;
    }
    return;
  }
}

EventTracker::Outcome EventTracker::outcome(int id, int* root) const {
  for (const auto& known : outcomes_) {
    if (known.id != id) continue;
    if (root != nullptr) *root = known.root;
    return known.outcome;
  }
  return Outcome::undecided;  // still open or pending (or long forgotten)
}

void EventTracker::record(int id, Outcome result, int root) {
  outcomes_.push_back({id, result, root});
  if (outcomes_.size() > kMaxOutcomes) outcomes_.erase(outcomes_.begin());
}

// A closed event waits while a parent it has not diverged from is still undecided.
bool EventTracker::waits_for_parent(const Event& event) const {
  for (const auto& link : event.links) {
    // Nothing to wait for when the rhythms parted, or when it cannot be that event's spread.
    if (link.longest_diverged >= kIndependentWindows || link.agreed < kMinAgreedWindows) {
      continue;
    }
    const bool open = std::any_of(open_events_.begin(), open_events_.end(),
                                  [&](const Event& e) { return e.id == link.parent; });
    const bool pending = std::any_of(pending_.begin(), pending_.end(),
                                     [&](const Event& e) { return e.id == link.parent; });
    if (open || pending) return true;
  }
  return false;
}

// An event that ended is a seizure candidate when a channel stayed on long enough (not blinks,
// pops or fluctuations), it lasted min_duration_s and it did not start on most channels at once
// (common-mode artifact). It is then the spread of the first event running when it opened that
// is (part of) a seizure and whose rhythm it did not leave; otherwise a seizure of its own.
void EventTracker::close(Event& event, std::vector<ClosedEvent>& closed) {
  const double duration_s = static_cast<double>(event.last_on - event.first_recruit + 1) * step_s_;
  const bool unjudged = event.truncated && duration_s < kTruncatedUnjudgedS;
  const bool evolved = unjudged || slowing_bands(event) >= kMinEvolutionBands;
  if (event.global_onset || event.first_recruit < 0 || event.longest_run < sustained_windows_ ||
      duration_s < min_duration_s_ || !evolved || bilateral_synchronous_onset(event)) {
    record(event.id, Outcome::rejected, -1);
  } else if (waits_for_parent(event)) {
    pending_.push_back(std::move(event));
    return;
  } else {
    decide(event, closed);
  }
  decide_pending(closed);
}

void EventTracker::decide(Event& event, std::vector<ClosedEvent>& closed) {
  // The seizures (roots) that events linked to this one belong to, earliest link first. This
  // event is the spread of the first of them that it followed throughout (never diverged from
  // the linked event, agreed for kFollowedWindows), or from none of whose members it diverged:
  // one seizure drives its whole field at one rhythm, up to the detuning of its propagation.
  // Either way not when it was a stronger discharge elsewhere than the seizure's own first
  // event (its focus; a spread part of it is weaker anyway): a generator of its own.
  const auto parted = [&](int root, bool by_rhythm) {
    return std::any_of(event.links.begin(), event.links.end(), [&](const auto& l) {
      int other_root = -1;
      const Outcome o = outcome(l.parent, &other_root);
      if (other_root != root) return false;
      return (o == Outcome::seizure && l.longest_stronger >= kIndependentWindows) ||
             ((o == Outcome::seizure || o == Outcome::spread) && l.own_onset) ||
             (by_rhythm && (o == Outcome::seizure || o == Outcome::spread) &&
              l.longest_diverged >= kIndependentWindows);
    });
  };
  for (const auto& link : event.links) {
    int root = -1;
    const Outcome parent = outcome(link.parent, &root);
    // Spread appears while its parent discharges, at its rhythm: a parent whose home channels
    // were quiet while this event ran, or that shared its rhythm only briefly, is not one.
    if ((parent != Outcome::seizure && parent != Outcome::spread) ||
        link.agreed < kMinAgreedWindows) {
      continue;
    }
    const bool followed = link.longest_diverged == 0 && link.agreed >= kFollowedWindows;
    if (!parted(root, !followed)) {
      record(event.id, Outcome::spread, root);
      return;
    }
  }
  auto located = localiser_(event);
  if (located.seizure.channel_onsets.empty()) {
    record(event.id, Outcome::rejected, -1);
    return;
  }
  record(event.id, Outcome::seizure, event.id);
  // A seizure never confirmed while it ran (it waited for a parent's outcome, or it was cut by a
  // gap or the end of the stream first) is announced now, just before it is emitted.
  if (!event.alarmed) raise(event, located);
  closed.push_back({std::move(event), std::move(located)});
}

void EventTracker::track_lateralisation() {
  for (auto& event : open_events_) {
    track_bilateral_onset(event);
    if (event.first_recruit < 0) continue;
    double sum = 0.0;
    int count = 0;
    for (std::size_t c = 0; c < n_; ++c) {
      const int m = geometry_.mirror[c];
      // A bad homologue scores 0 dB: it would make any discharge look lateralised (pairs with a
      // bad channel are left out, as for the lateralisation index).
      if (owner_[c] != event.id || !now_.on[c] || m < 0 || !good_[c] ||
          !good_[static_cast<std::size_t>(m)]) {
        continue;
      }
      sum += static_cast<double>(now_.gain_db[c]) -
             static_cast<double>(now_.gain_db[static_cast<std::size_t>(m)]);
      ++count;
    }
    track_focal_onset(event);
    if (count == 0) continue;  // no evidence either way in this window
    const auto margin = static_cast<float>(sum / count);
    event.lateral_min_db =
        event.lateral_windows == 0 ? margin : std::min(event.lateral_min_db, margin);
    ++event.lateral_windows;
  }
}

// A focal onset, told from the normal rhythms by where and how it discharges rather than by how
// much stronger it is than its homologues (docs/detection.md, "Onset alarms"). A normal rhythm
// is bilateral and synchronous, at one frequency on both sides; a focal discharge starts on one
// side, and its homologous region is quiet, or busy with another rhythm, until the seizure's
// spread reaches it seconds later. So a window fails when
// - a homologous channel of one of its channels carries the same rhythm (within
//   kFocalSameRhythmHz) and is on, having switched on with it (run starts at most
//   kBilateralStartWindows apart) or before the event opened; or is off but within
//   kFocalQuietMarginDb of that channel's gain (a symmetric rhythm that crossed the switch-on
//   threshold on one side);
// - it holds good channels on both sides (midline channels and pairs across the midline belong
//   to neither) whose earliest run starts are at most kBilateralStartWindows apart;
// - its strongest channel's rhythm is outside the theta-alpha range of an ictal onset (4-12 Hz;
//   delta bursts and spindles are not).
// A homologue at its rhythm, or a side, that switched on later is the seizure's spread, except
// where the strongest channel is parieto-occipital: there the posterior dominant rhythm,
// bilateral but often asymmetric, crosses the switch-on threshold on its weaker side seconds
// after its stronger one, so such a homologue fails the window, and so does holding both sides.
// Judged in the first kFocalOnsetWindows windows where one of its channels with a homologue
// (both good) is on, its onset (later windows hold the spread); one window that fails ends the
// focal evidence for good.
void EventTracker::track_focal_onset(Event& event) const {
  if (event.focal_windows >= kFocalOnsetWindows) return;  // judged at its onset
  bool focal = true, homologue_joined = false;
  constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  std::int64_t left_start = kNever, right_start = kNever;  // earliest run start on each side
  int pairs = 0, strongest = -1;
  for (std::size_t c = 0; c < n_; ++c) {
    if (owner_[c] != event.id || !now_.on[c] || !good_[c]) continue;
    const auto side = geometry_.labels[c].hemisphere;
    if (side == Hemisphere::left) left_start = std::min(left_start, run_start_[c]);
    if (side == Hemisphere::right) right_start = std::min(right_start, run_start_[c]);
    if (strongest < 0 || now_.gain_db[c] > now_.gain_db[static_cast<std::size_t>(strongest)]) {
      strongest = static_cast<int>(c);
    }
    const int m = geometry_.mirror[c];
    if (m < 0 || static_cast<std::size_t>(m) == c || !good_[static_cast<std::size_t>(m)]) continue;
    ++pairs;
    const auto mu = static_cast<std::size_t>(m);
    if (!same_rhythm_hz(c, mu)) continue;  // quiet, or busy with another rhythm
    if (!now_.on[mu]) {
      if (now_.gain_db[mu] >= now_.gain_db[c] - kFocalQuietMarginDb) focal = false;
    } else if (switched_on_together(c, mu) ||
               run_start_[mu] < event.opened - kBilateralStartWindows) {
      focal = false;  // switched on with it, or was discharging before the event opened
    } else {
      homologue_joined = true;  // switched on after the event opened: the seizure's spread
    }
  }
  if (pairs == 0) return;  // no homologue to compare with: no evidence either way
  const auto peak = static_cast<std::size_t>(strongest);
  const Region region = geometry_.labels[peak].region.first;
  const bool posterior = region == Region::parietal || region == Region::occipital;
  const bool both_sides = left_start != kNever && right_start != kNever;
  if (both_sides && (posterior || std::llabs(left_start - right_start) <= kBilateralStartWindows)) {
    focal = false;
  }
  if (homologue_joined && posterior) focal = false;
  if (!in_ictal_onset_range(rhythm_hz(peak))) focal = false;
  ++event.focal_windows;
  event.focal_broken = event.focal_broken || !focal;
}

void EventTracker::track_bilateral_onset(Event& event) const {
  if (window_index_ - event.opened >= kBilateralOnsetWindows) return;
  for (std::size_t c = 0; c < n_; ++c) {
    const int m = geometry_.mirror[c];
    if (owner_[c] != event.id || !now_.on[c] || !good_[c] || m < 0 ||
        static_cast<std::size_t>(m) == c) {
      continue;
    }
    const auto mu = static_cast<std::size_t>(m);
    // The pair must have switched on with the event: a group split off a running event has
    // been on since long before (its run starts are its parent's), so it is not an onset here.
    if (good_[mu] && now_.on[mu] && same_rhythm_hz(c, mu) && switched_on_together(c, mu) &&
        (run_start_[c] >= event.opened - kBilateralStartWindows || owner_[mu] == event.id)) {
      ++event.bilateral_onset_windows;
      return;
    }
  }
}

float EventTracker::rhythm_hz(std::size_t c) const {
  return now_.rhythm_hz != nullptr ? now_.rhythm_hz[c] : span_centre_hz(now_.peak_band[c]);
}

bool EventTracker::same_rhythm_hz(std::size_t a, std::size_t b) const {
  return std::fabs(rhythm_hz(a) - rhythm_hz(b)) <= kFocalSameRhythmHz;
}

bool EventTracker::switched_on_together(std::size_t a, std::size_t b) const {
  return std::llabs(run_start_[a] - run_start_[b]) <= kBilateralStartWindows;
}

bool EventTracker::bilateral_synchronous_onset(const Event& event) {
  // Only an event that opened alone (or with the other pieces of its own onset): one opening
  // while another runs may be that one's spread or a second seizure under its field, which the
  // spread model decides (a seizure spreading to both sides switches homologous channels on
  // together too; held-out measure in docs/detection.md).
  return event.opened_alone && event.bilateral_onset_windows >= kBilateralOnsetMinWindows;
}

bool EventTracker::confirmed_so_far(const Event& event) const {
  // The common-mode flag is final once no event can open within kOnsetClusterWindows of it, the
  // bilateral onset after kBilateralOnsetWindows (the longest run reaches sustained_windows_
  // later); recruitment, the longest runs and the duration only grow.
  if (window_index_ - event.opened < std::max(kOnsetClusterWindows, kBilateralOnsetWindows) ||
      event.global_onset || bilateral_synchronous_onset(event) || event.first_recruit < 0) {
    return false;
  }
  const std::int64_t duration = event.last_on - event.first_recruit + 1;  // windows
  // Early evidence of a focal discharge: lateralised by kLateralMarginDb in every window so far
  // from an onset rhythm in the theta-alpha range (has_ictal_onset_rhythm), or a focal onset
  // (track_focal_onset: every window judged at its onset) with a steady onset rhythm.
  const bool focal =
      event.focal_windows >= kLateralWindows && !event.focal_broken && steady_onset_rhythm(event);
  // Sustained as close() asks (one channel on for min_sustained_s in a row), or, for a focal
  // onset, with dropouts shorter than a recruitment bridged: a low-amplitude focal discharge
  // flickers around the switch-on gain for 10-30 s. Only there: the lateralised path alone, which
  // judges no window's rhythm, then took a train of burst-suppression bursts 2 s apart for one
  // run (docs/detection.md, "Onset alarms").
  const bool sustained = event.longest_run >= sustained_windows_ ||
                         (focal && event.longest_bridged_run >= sustained_windows_);
  if (!sustained) return false;
  const bool lateralised =
      (event.lateral_windows >= kLateralWindows && event.lateral_min_db >= kLateralMarginDb &&
       has_ictal_onset_rhythm(event)) ||
      focal;
  if (lateralised) {
    // Strong evidence of a focal discharge: sustained (min_sustained_s) is enough.
    if (duration < sustained_windows_) return false;
  } else {
    // The evolution rule of close(), on the rhythm seen so far, and its minimum duration: a
    // normal rhythm (the posterior dominant rhythm, sleep spindles) passes every other rule
    // while it runs and never evolves, so an alarm before evolution would be false for each
    // of them (docs/detection.md). Measured in Hz (slowing_hz), the same 2 Hz as close()'s two
    // 1 Hz bands: on the rhythm seen so far, a rhythm that drifted by less than 2 Hz can read as
    // slowed by two bands for a while. (close() keeps the bands: judged in Hz there, it lost
    // seizures that had slowed by two bands; docs/detection.md.)
    if (static_cast<double>(duration) * step_s_ < min_duration_s_) return false;
    if (slowing_hz(event) < kMinEvolutionHz) return false;
    // The slowing must start from a rhythm: normal activity whose frequency jumps between bands
    // from its first windows (pdr-infant-ref-2h's drowsy posterior rhythm, 6 and 4 Hz in turn)
    // can read as slowed by 2 Hz and return to its onset frequency by its end.
    if (!steady_onset_rhythm(event)) return false;
  }
  // Not the spread of another event, as decide() would judge it: an event that has not diverged
  // from a running or kept event may still turn out to be its spread while that one runs
  // (agreement accumulates only between open events), and is its spread once they agreed long
  // enough. Rejected events are no parents; a closed one that agreed too briefly is none either.
  // A lateralised event waits only for running events already confirmed as seizures (alarmed):
  // spread needs a seizure to spread from, and one not confirmed yet may never be one (the
  // alarm of an event that does turn out to be the spread of a seizure confirmed later falls
  // within that seizure: a second announcement of it, not a false alarm; docs/detection.md).
  for (const auto& link : event.links) {
    if (link.longest_diverged >= kIndependentWindows) continue;
    const auto running = [&](const std::vector<Event>& events) {
      return std::any_of(events.begin(), events.end(), [&](const Event& e) {
        return e.id == link.parent && (e.alarmed || !lateralised);
      });
    };
    if (running(open_events_) || running(pending_)) return false;
    const Outcome parent = outcome(link.parent);
    if ((parent == Outcome::seizure || parent == Outcome::spread) &&
        link.agreed >= kMinAgreedWindows) {
      return false;
    }
  }
  return true;
}

void EventTracker::raise_alarms() {
  for (auto& event : open_events_) {
    if (event.alarmed || !confirmed_so_far(event)) continue;
    const auto located = localiser_(event);
    if (located.seizure.channel_onsets.empty()) continue;  // no onset yet: decide() rejects it
    raise(event, located);
  }
}

void EventTracker::raise(Event& event, const LocalisedEvent& located) {
  event.alarmed = true;
  alarms_.push_back({window_start_, event.history.window_start[located.onset_window], located});
}

std::vector<RaisedAlarm> EventTracker::take_alarms() {
  std::vector<RaisedAlarm> out;
  out.swap(alarms_);
  return out;
}

void EventTracker::decide_pending(std::vector<ClosedEvent>& closed) {
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (waits_for_parent(pending_[i])) continue;
      Event event = std::move(pending_[i]);
      pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
      decide(event, closed);
      progress = true;
      break;
    }
  }
}

std::size_t EventTracker::buffer_bytes() const {
  std::size_t total = (ring_gain_.size() + ring_excess_.size()) * sizeof(float);
  for (const auto* events : {&open_events_, &pending_}) {
    for (const auto& event : *events) {
      total +=
          (event.history.gain_db.capacity() + event.history.excess.capacity()) * sizeof(float) +
          event.history.window_start.capacity() * sizeof(std::int64_t);
    }
  }
  return total;
}

}  // namespace ictaltrack::detail
