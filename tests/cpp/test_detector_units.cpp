// The detector's units alone, fed with hand-made inputs (src/detect, namespace detail): the
// per-channel scorer (rhythm gain, concentration and muscle vetoes, hysteresis, baseline
// tracker), the event tracker (grouping, joining, closing), the bad-channel judge and the
// Goertzel mains estimate. Expected values are derived here from the rules as documented in
// docs/detection.md, not taken from a run of the detector.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "detect/bad_channels.hpp"
#include "detect/channel_scorer.hpp"
#include "detect/conditioning_lane.hpp"
#include "detect/event_tracker.hpp"
#include "detect/goertzel.hpp"
#include "ictaltrack/detect/detector.hpp"
#include "ictaltrack/electrodes/electrodes.hpp"
#include "localise/localise.hpp"

namespace ictaltrack::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// ChannelScorer
// ---------------------------------------------------------------------------------------------

// One channel, baseline 1 uV^2 in every band; a window whose bands `k`, `k + 1` hold `ratio`
// times the baseline is a pure rhythm of gain 10 log10(ratio).
struct ScorerFixture {
  DetectorOptions params;
  BandLayout layout = BandLayout::make(params, 256.0);
  ChannelScorer scorer{1, layout, params};

  ScorerFixture() {
    const std::vector<double> warmup(layout.n_bands, 1.0);
    scorer.start_baseline(warmup.data(), 1);
  }
  std::vector<double> rhythm(std::size_t k, double ratio) const {
    std::vector<double> power(layout.n_bands, 1.0);
    power[k] = power[k + 1] = ratio;
    return power;
  }
};

TEST(ChannelScorer, BandLayoutAt256Hz) {
  const BandLayout layout = BandLayout::make(DetectorOptions{}, 256.0);
  // 1 Hz bands [0.5, 1.5) .. [24.5, 25.5), then 30-70 Hz; spans start at 1.5 Hz (band 1) and the
  // last span is bands 23, 24.
  EXPECT_EQ(layout.n_fine, 25u);
  EXPECT_TRUE(layout.has_high_band);
  EXPECT_EQ(layout.n_bands, 26u);
  EXPECT_EQ(layout.span_first, 1u);
  EXPECT_EQ(layout.span_last, 23u);
  EXPECT_DOUBLE_EQ(layout.high_band_top_hz, 70.0);
}

TEST(ChannelScorer, PureRhythmGivesItsGainAndBand) {
  ScorerFixture f;
  const auto power = f.rhythm(6, 20.0);
  const ChannelScore score = f.scorer.score(0, power.data());
  EXPECT_NEAR(score.gain_db, 10.0 * std::log10(20.0), 1e-5);
  EXPECT_EQ(score.peak_band, 6);
  // Signed excess over the rhythm range (bands span_first..n_fine-1): the two raised bands.
  EXPECT_NEAR(score.excess, 2 * 19.0, 1e-4);
  EXPECT_TRUE(score.on);  // 13 dB >= 9 dB
}

TEST(ChannelScorer, HysteresisFollowsTheGainSeries) {
  ScorerFixture f;
  // Gains in dB and the state the rules give: on at >= 9 dB, off again below 5 dB.
  const std::vector<double> gains_db{0, 8, 10, 7, 6, 4.5, 8.5, 9.5, 5.5, 3};
  const std::vector<bool> expected{false, false, true, true, true, false, false, true, true, false};
  for (std::size_t w = 0; w < gains_db.size(); ++w) {
    const auto power = f.rhythm(4, std::pow(10.0, gains_db[w] / 10.0));
    const ChannelScore score = f.scorer.score(0, power.data());
    EXPECT_EQ(score.on, expected[w]) << "window " << w << " at " << gains_db[w] << " dB";
  }
}

TEST(ChannelScorer, BroadbandPowerIsNotARhythm) {
  ScorerFixture f;
  // Every fine band 10x: the best span holds 2 of 25 bands' excess, below min_concentration.
  std::vector<double> power(f.layout.n_bands, 1.0);
  for (std::size_t b = 0; b < f.layout.n_fine; ++b) power[b] = 10.0;
  const ChannelScore score = f.scorer.score(0, power.data());
  EXPECT_EQ(score.gain_db, 0.0f);
  EXPECT_FALSE(score.on);
}

TEST(ChannelScorer, SharpRhythmIsRhythmicAndReportedAtItsFundamental) {
  ScorerFixture f;
  // A 3.5 Hz discharge (span 2: bands 2, 3) with six harmonics, each on the two bands around
  // k x 3.5 Hz; its first harmonic (7.5 Hz, span 6) rises most over the flat baseline.
  std::vector<double> power(f.layout.n_bands, 1.0);
  auto raise = [&](std::size_t k, double ratio) { power[k] = power[k + 1] = ratio; };
  raise(2, 15.0);                                                   // fundamental: excess 28
  raise(6, 20.0);                                                   // 2f: excess 38, the best span
  raise(9, 12.0);                                                   // 3f: excess 22
  for (const std::size_t k : {13u, 16u, 20u, 23u}) raise(k, 12.0);  // 4f-7f: 22 each
  // The best span alone holds 38 / 176 of the excess (below min_concentration = 0.4); the
  // fundamental and its first two harmonics hold 88 / 176.
  const ChannelScore score = f.scorer.score(0, power.data());
  EXPECT_EQ(score.peak_band, 2);  // the fundamental's span (it rises above the on ratio too)
  EXPECT_NEAR(score.gain_db, 10.0 * std::log10(20.0), 1e-5);  // the gain is the best span's
  EXPECT_TRUE(score.on);
}

TEST(ChannelScorer, MuscleVetoesARhythm) {
  ScorerFixture vetoed, kept;
  auto power = vetoed.rhythm(8, 20.0);             // rhythm (= span) excess 38
  power[vetoed.layout.n_fine] = 1.0 + 0.6 * 38.0;  // high-frequency excess > 0.5 x that
  EXPECT_EQ(vetoed.scorer.score(0, power.data()).gain_db, 0.0f);
  power[kept.layout.n_fine] = 1.0 + 0.4 * 38.0;  // below: still a rhythm
  EXPECT_NEAR(kept.scorer.score(0, power.data()).gain_db, 10.0 * std::log10(20.0), 1e-5);
}

TEST(ChannelScorer, ASharpRhythmsHighBandIsWeighedAgainstItsWholeHarmonicComb) {
  ScorerFixture f;
  // A 10.5 Hz sharp discharge (span 9: bands 9, 10, excess 38, the best span) with its first
  // harmonic (21 Hz, span 20, excess 28) and more harmonics above 30 Hz: 30-70 Hz excess 25.
  std::vector<double> power(f.layout.n_bands, 1.0);
  power[9] = power[10] = 20.0;
  power[20] = power[21] = 15.0;
  power[f.layout.n_fine] = 1.0 + 25.0;
  // 25 is above half the best span's excess (19) but not above half the comb's (33): a rhythm.
  const ChannelScore score = f.scorer.score(0, power.data());
  EXPECT_EQ(score.peak_band, 9);
  EXPECT_NEAR(score.gain_db, 10.0 * std::log10(20.0), 1e-5);
  EXPECT_TRUE(score.on);
  // The same high band over the fundamental alone is muscle.
  ScorerFixture alone;
  auto fundamental_only = alone.rhythm(9, 20.0);
  fundamental_only[alone.layout.n_fine] = 1.0 + 25.0;
  EXPECT_EQ(alone.scorer.score(0, fundamental_only.data()).gain_db, 0.0f);
}

TEST(ChannelScorer, TheMuscleVetoIsNeverStricterThanAgainstTheBestSpan) {
  ScorerFixture f;
  // Best span 13 (14.5 Hz, excess 38); its fundamental found at half that, span 6 (7.5 Hz,
  // excess 16, above the on ratio); the comb's second harmonic is taken at span 14 (15 Hz
  // rounds there), which holds band 14 only of the best span's two: comb excess 16 + 9 = 25.
  std::vector<double> power(f.layout.n_bands, 1.0);
  power[6] = power[7] = 9.0;
  power[13] = 30.0;
  power[14] = 10.0;
  power[f.layout.n_fine] = 1.0 + 15.0;  // 30-70 Hz excess 15: above 0.5 x 25, not 0.5 x 38
  const ChannelScore score = f.scorer.score(0, power.data());
  EXPECT_EQ(score.peak_band, 6);
  EXPECT_NEAR(score.gain_db, 10.0 * std::log10(20.0), 1e-5);
  EXPECT_TRUE(score.on);
}

TEST(ChannelScorer, BaselineMovesOneStepWhileOffAndHoldsWhileOn) {
  ScorerFixture f;
  const double step = 1.0 + f.params.baseline_step;
  // Off: bands above the baseline move it up one step, the others down one step.
  auto power = f.rhythm(3, 2.0);  // 3 dB: off
  EXPECT_FALSE(f.scorer.score(0, power.data()).on);
  EXPECT_DOUBLE_EQ(f.scorer.baseline(0)[3], step);
  EXPECT_DOUBLE_EQ(f.scorer.baseline(0)[0], 1.0 / step);
  // On: the baseline does not learn the seizure.
  std::vector<double> before(f.scorer.baseline(0), f.scorer.baseline(0) + f.layout.n_bands);
  power = f.rhythm(3, 50.0);
  EXPECT_TRUE(f.scorer.score(0, power.data()).on);
  EXPECT_EQ(std::vector<double>(f.scorer.baseline(0), f.scorer.baseline(0) + f.layout.n_bands),
            before);
}

TEST(ChannelScorer, BadChannelScoresZero) {
  ScorerFixture f;
  f.scorer.set_bad(0);
  const auto power = f.rhythm(6, 100.0);
  const ChannelScore score = f.scorer.score(0, power.data());
  EXPECT_EQ(score.gain_db, 0.0f);
  EXPECT_EQ(score.excess, 0.0f);
  EXPECT_FALSE(score.on);
}

// ---------------------------------------------------------------------------------------------
// EventTracker
// ---------------------------------------------------------------------------------------------

// A stand-in for the localiser, so that the tracker's own rules are what is tested: the event's
// first channel to come on (in channel order among those that did) is its onset channel, and
// that channel's first window its onset.
LocalisedEvent first_channel_onset(const Event& event) {
  LocalisedEvent out;
  for (std::size_t c = 0; c < event.history.first_on.size(); ++c) {
    if (event.history.first_on[c] < 0) continue;
    out.onset_window = static_cast<std::size_t>(event.history.first_on[c]);
    out.seizure.channel_onsets.push_back({static_cast<int>(c), "", 0});
    out.channel_onset_windows.push_back(out.onset_window);
    break;
  }
  return out;
}

// One window of per-channel scores as the EventTracker tests below build it: every channel off
// at 0 dB and no excess, at rhythm band `quiet_band`; set_on switches one on. Its rhythm in Hz is
// its band's span centre (band + 1.5 Hz), as the tracker takes it without a finer estimate.
struct TestWindow {
  TestWindow(std::size_t n, int quiet_band)
      : gain(n, 0.0f), excess(n, 0.0f), band(n, quiet_band), on(n, 0) {}
  void set_on(std::size_t c, float gain_db) {
    on[c] = 1;
    gain[c] = gain_db;
    excess[c] = 10.0f;
  }
  std::vector<float> gain, excess;
  std::vector<int> band;
  std::vector<char> on;
};

// Steps `tracker` over windows 0 .. n_windows - 1 (window t starting at stream sample t * 256),
// each built by `fill(t, window)` from a quiet window at `band`; returns the alarms raised while
// they ran, in order (events that closed are in `closed`).
std::vector<RaisedAlarm> step_windows(EventTracker& tracker, std::size_t n_channels, int band,
                                      int n_windows,
                                      const std::function<void(int, TestWindow&)>& fill,
                                      std::vector<ClosedEvent>& closed) {
  std::vector<RaisedAlarm> alarms;
  for (int t = 0; t < n_windows; ++t) {
    TestWindow window(n_channels, band);
    fill(t, window);
    std::vector<float> hz(n_channels);
    for (std::size_t c = 0; c < n_channels; ++c) hz[c] = static_cast<float>(window.band[c]) + 1.5f;
    tracker.step(
        {window.gain.data(), window.excess.data(), window.band.data(), window.on.data(), hz.data()},
        std::int64_t{t} * 256, closed);
    for (auto& alarm : tracker.take_alarms()) alarms.push_back(std::move(alarm));
  }
  return alarms;
}

// A left-hemisphere referential montage; the tracker's localiser is replaced by one that takes
// the event's first recruited channel as its onset and the event's side as its hemisphere, so
// the tracker's own rules are what is tested.
struct TrackerFixture {
  std::vector<std::string> labels{"Fp1", "F7", "F3", "T7", "C3", "P7", "P3", "O1"};
  ChannelGeometry geometry = make_geometry(parse_labels(labels));
  DetectorOptions params;
  int localised = 0;
  EventTracker tracker{geometry, params, [this](const Event& event) {
                         ++localised;
                         LocalisedEvent out = first_channel_onset(event);
                         out.seizure.hemisphere = event.side;
                         return out;
                       }};
  std::size_t n = labels.size();
  std::vector<float> gain, excess;
  std::vector<int> band;
  std::vector<char> on;
  // Each channel's rhythm in Hz is its band's centre (band + 1.5 Hz) plus this detuning.
  std::vector<float> detune, hz;
  std::vector<ClosedEvent> closed;
  // The rhythm band of every channel while it is off: a channel that comes on with a band more
  // than 1 away from it is treated as a rhythm change, which is not what these tests are about.
  int background_band = 4;

  TrackerFixture() {
    tracker.set_good(std::vector<char>(n, 1));
    reset_window();
  }
  std::size_t index(const std::string& label) const {
    for (std::size_t c = 0; c < n; ++c) {
      if (labels[c] == label) return c;
    }
    throw std::out_of_range(label);
  }
  bool neighbours(std::size_t a, std::size_t b) const {
    for (const auto m : geometry.neighbours[a]) {
      if (m == b) return true;
    }
    return false;
  }
  // The channels form one connected group of the neighbour graph.
  bool connected(const std::vector<std::string>& channels) const {
    std::vector<std::size_t> members, reached{index(channels.front())};
    for (const auto& label : channels) members.push_back(index(label));
    for (std::size_t i = 0; i < reached.size(); ++i) {
      for (const auto m : members) {
        if (std::find(reached.begin(), reached.end(), m) == reached.end() &&
            neighbours(reached[i], m)) {
          reached.push_back(m);
        }
      }
    }
    return reached.size() == members.size();
  }
  void reset_window() {
    gain.assign(n, 0.0f);
    excess.assign(n, 0.0f);
    band.assign(n, background_band);
    on.assign(n, 0);
  }
  void set_on(const std::vector<std::string>& channels, int peak_band, float gain_db) {
    for (const auto& label : channels) {
      const auto c = index(label);
      on[c] = 1;
      band[c] = peak_band;
      gain[c] = gain_db;
      excess[c] = 10.0f;
    }
  }
  void step() {
    const std::int64_t window = tracker.windows();
    detune.resize(n, 0.0f);
    hz.resize(n);
    for (std::size_t c = 0; c < n; ++c) hz[c] = static_cast<float>(band[c]) + 1.5f + detune[c];
    tracker.step({gain.data(), excess.data(), band.data(), on.data(), hz.data()}, window * 256,
                 closed);
  }
};

TEST(EventTracker, TwoSeparatedGroupsOpenTwoEventsAndANeighbourJoinsItsGroup) {
  TrackerFixture f;
  const auto fp1 = f.index("Fp1"), f7 = f.index("F7"), f3 = f.index("F3");
  const auto o1 = f.index("O1"), p7 = f.index("P7");
  // The premise: the two groups are apart, F3 borders the first one only.
  for (const auto a : {fp1, f7}) {
    for (const auto b : {o1, p7}) ASSERT_FALSE(f.neighbours(a, b)) << a << " " << b;
  }
  ASSERT_TRUE(f.neighbours(f3, fp1) || f.neighbours(f3, f7));
  ASSERT_FALSE(f.neighbours(f3, o1) || f.neighbours(f3, p7));
  ASSERT_TRUE(f.connected({"Fp1", "F7"}));
  ASSERT_TRUE(f.connected({"O1", "P7"}));

  // Windows 0-29 quiet; A = {Fp1, F7} on in 30-59; B = {O1, P7} on in 35-64; F3 (next to A, same
  // rhythm) on in 40-59, all 12 dB. Both evolve (a seizure slows; a rhythm that does not change
  // is not one): A and F3 from 7.5 to 5.5 Hz (bands 6, 5, 4 for 10 windows each), B from 11.5 to
  // 9.5 Hz (bands 10, 9, 8), always at least 3 Hz from A's, so B is a seizure of its own.
  auto a_band = [](int t) { return 6 - (std::clamp(t, 30, 59) - 30) / 10; };
  auto b_band = [](int t) { return 10 - (std::clamp(t, 35, 64) - 35) / 10; };
  std::vector<std::size_t> open_count;
  for (int t = 0; t < 90; ++t) {
    f.reset_window();
    // Each channel's background peak is its coming rhythm (no jump on switching on).
    for (const auto c : {fp1, f7, f3}) f.band[c] = a_band(t);
    f.band[o1] = f.band[p7] = b_band(t);
    if (t >= 30 && t < 60) f.set_on({"Fp1", "F7"}, a_band(t), 12.0f);
    if (t >= 35 && t < 65) f.set_on({"O1", "P7"}, b_band(t), 12.0f);
    if (t >= 40 && t < 60) f.set_on({"F3"}, a_band(t), 12.0f);
    const std::size_t closed_before = f.closed.size();
    f.step();
    open_count.push_back(f.tracker.open_events().size());
    // An event ends close_gap_s (10 windows) after its last window with a channel on: A's last
    // is 59, so it closes at 69; B's at 74.
    if (t == 69 || t == 74) {
      EXPECT_EQ(f.closed.size(), closed_before + 1) << "window " << t;
    } else {
      EXPECT_EQ(f.closed.size(), closed_before) << "window " << t;
    }
  }
  EXPECT_EQ(open_count[29], 0u);
  EXPECT_EQ(open_count[30], 1u);
  EXPECT_EQ(open_count[35], 2u);
  EXPECT_EQ(open_count[45], 2u);  // F3 joined A instead of opening a third event
  EXPECT_EQ(open_count[75], 0u);
  ASSERT_EQ(f.closed.size(), 2u);
  const Event& a = f.closed[0].event;
  const Event& b = f.closed[1].event;
  EXPECT_EQ(a.first_recruit, 30);
  EXPECT_EQ(a.last_on, 59);
  EXPECT_EQ(b.first_recruit, 35);
  EXPECT_EQ(b.last_on, 64);
  EXPECT_EQ(a.longest_run, 30);
  // B opened while A ran, so A was its candidate parent; their rhythms were unrelated from the
  // first window both were on (35) to A's last (59).
  EXPECT_TRUE(a.links.empty());
  ASSERT_EQ(b.links.size(), 1u);
  EXPECT_EQ(b.links[0].parent, a.id);
  EXPECT_EQ(b.links[0].together, 59 - 35 + 1);
  EXPECT_EQ(b.links[0].longest_diverged, 59 - 35 + 1);
  // Recruited channels of A: Fp1, F7 and F3; none of B's.
  EXPECT_GE(a.history.first_on[fp1], 0);
  EXPECT_GE(a.history.first_on[f7], 0);
  EXPECT_GE(a.history.first_on[f3], 0);
  EXPECT_LT(a.history.first_on[o1], 0);
  // The history starts lookback_s (12 windows) before the event opened: Fp1 entered at 30.
  EXPECT_EQ(a.first_window, 30 - 12);
  EXPECT_EQ(a.history.first_on[fp1], 12);
  EXPECT_EQ(a.history.first_on[f3], 40 - (30 - 12));
}

TEST(EventTracker, ShortOrUnsustainedEventsAreDropped) {
  TrackerFixture f;
  f.background_band = 6;
  ASSERT_TRUE(f.connected({"C3", "P3"}));
  // On for 5 windows (less than min_sustained_s = 6), then on and off in alternation for 20:
  // opened, never kept, and the localiser is never asked.
  for (int t = 0; t < 80; ++t) {
    f.reset_window();
    if ((t >= 10 && t < 15) || (t >= 30 && t < 50 && t % 2 == 0)) f.set_on({"C3", "P3"}, 6, 11.0f);
    f.step();
  }
  f.tracker.finish(f.closed);
  EXPECT_TRUE(f.closed.empty());
  EXPECT_EQ(f.localised, 0);
}

TEST(EventTracker, OnsetOnMostChannelsAtOnceIsMovement) {
  TrackerFixture f;
  f.background_band = 5;
  ASSERT_TRUE(f.connected({"Fp1", "F7", "F3", "T7", "C3", "P3"}));
  // 6 of 8 good channels in the first window (> max_onset_fraction 0.6): a movement artifact.
  for (int t = 0; t < 60; ++t) {
    f.reset_window();
    if (t >= 10 && t < 40) f.set_on({"Fp1", "F7", "F3", "T7", "C3", "P3"}, 5, 12.0f);
    f.step();
  }
  f.tracker.finish(f.closed);
  EXPECT_TRUE(f.closed.empty());
}

TEST(EventTracker, FinishClosesAnOpenEvent) {
  TrackerFixture f;
  f.background_band = 3;
  ASSERT_TRUE(f.connected({"T7", "P7"}));
  for (int t = 0; t < 50; ++t) {
    f.reset_window();
    // Evolving from 6.5 to 4.5 Hz (bands 5, 4, 3 for 10 windows each).
    const int band = 5 - (std::clamp(t, 20, 49) - 20) / 10;
    f.band[f.index("T7")] = f.band[f.index("P7")] = band;
    if (t >= 20) f.set_on({"T7", "P7"}, band, 10.0f);
    f.step();
  }
  EXPECT_TRUE(f.closed.empty());
  f.tracker.finish(f.closed);
  ASSERT_EQ(f.closed.size(), 1u);
  EXPECT_EQ(f.closed[0].event.first_recruit, 20);
  EXPECT_EQ(f.closed[0].event.last_on, 49);
  EXPECT_TRUE(f.tracker.open_events().empty());
}

// The spread model (docs/detection.md, "Spread or a new seizure"): a group that switches on apart
// from a running event is its spread when its rhythm follows the event's (with a lag, a slight
// detuning, or at its octave), and a seizure of its own when its rhythm goes its own way.

TEST(EventTracker, RelatedRhythmsAreTheSameFrequencyWithinTheTolerance) {
  // Band k is the span [0.5 + k, 2.5 + k) Hz, centred on k + 1.5 Hz.
  EXPECT_TRUE(related_rhythms(4, 4, 1.0));   // 5.5 and 5.5 Hz
  EXPECT_TRUE(related_rhythms(4, 5, 1.0));   // 5.5 and 6.5 Hz
  EXPECT_TRUE(related_rhythms(5, 4, 1.0));   // symmetric
  EXPECT_FALSE(related_rhythms(4, 6, 1.0));  // 5.5 and 7.5 Hz
  EXPECT_TRUE(related_rhythms(4, 6, 2.0));   // ... within a 2 Hz tolerance
  // An octave is not related at the event level (the scorer reports a harmonic-rich channel at
  // its fundamental already): 3.5 and 7.5 Hz.
  EXPECT_FALSE(related_rhythms(2, 6, 1.0));
}

// A = {Fp1, F7} opens at window 30 at `a_band(t)`; B = {O1, P7}, apart from A, comes on at window
// `b_start` at `b_band(t)`; A ends at window 89, B at `b_end` - 1. Returns the seizures kept.
template <typename BandA, typename BandB>
std::vector<ClosedEvent> two_groups(BandA a_band, BandB b_band, int b_start, int b_end = 90,
                                    float b_detune_hz = 0.0f) {
  TrackerFixture f;
  f.detune.assign(f.n, 0.0f);
  for (const auto& label : {"O1", "P7"}) f.detune[f.index(label)] = b_detune_hz;
  for (int t = 0; t < 130; ++t) {
    f.reset_window();
    // Each group's channels hold its rhythm in the background (no rhythm jump on switching on).
    for (const auto& label : {"Fp1", "F7"}) f.band[f.index(label)] = a_band(std::max(t, 30));
    for (const auto& label : {"O1", "P7"}) f.band[f.index(label)] = b_band(std::max(t, b_start));
    if (t >= 30 && t < 90) f.set_on({"Fp1", "F7"}, a_band(t), 14.0f);
    if (t >= b_start && t < b_end) f.set_on({"O1", "P7"}, b_band(t), 11.0f);
    f.step();
  }
  f.tracker.finish(f.closed);
  return f.closed;
}

TEST(EventTracker, PropagatedGroupWithLagAndDetuningIsTheSameSeizure) {
  // A slows from 9.5 Hz (band 8) to 3.5 Hz (band 2) over its 60 windows; B appears 8 windows
  // later far from A and follows A's rhythm 3 windows behind, detuned by 0.3 Hz.
  auto a_band = [](int t) { return 8 - (std::clamp(t, 30, 89) - 30) / 10; };
  auto b_band = [&](int t) { return a_band(t - 3); };
  const auto kept = two_groups(a_band, b_band, 38, 90, 0.3f);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].event.first_recruit, 30);  // the seizure is A, from its onset
}

TEST(EventTracker, ASecondRhythmOneHertzAwayIsASeizureOfItsOwnEvenWhenItSlowsInStep) {
  // The same as above, but B runs a whole 1 Hz off A throughout (two seizures that happen to
  // slow alike): more than a propagated discharge's detuning (kSpreadToleranceHz).
  ASSERT_LT(kSpreadToleranceHz, 1.0);
  auto a_band = [](int t) { return 8 - (std::clamp(t, 30, 89) - 30) / 10; };
  const auto kept = two_groups(
      a_band, [&](int t) { return a_band(t - 3); }, 38, 90, 1.0f);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[1].event.first_recruit, 38);
}

TEST(EventTracker, HarmonicRichGroupTracedToItsFundamentalIsTheSameSeizure) {
  // B = {O1, P7} shows A's rhythm at its first harmonic, the strongest rise over its 1/f
  // baseline: the scorer reports B at the fundamental (its own unit test above), so the tracker
  // sees one rhythm, and B is A's spread.
  ScorerFixture scorer;
  std::vector<double> power(scorer.layout.n_bands, 1.0);
  power[2] = power[3] = 10.0;  // 3.5 Hz fundamental, 10 dB
  power[6] = power[7] = 30.0;  // 7.5 Hz first harmonic, 14.8 dB (the best span)
  power[9] = power[10] = 8.0;  // second harmonic
  const ChannelScore b_score = scorer.scorer.score(0, power.data());
  ASSERT_TRUE(b_score.on);
  const int b_band = b_score.peak_band;
  EXPECT_EQ(b_band, 2);
  // A evolves from 5.5 to 3.5 Hz; B shows A's rhythm as the scorer reports it (at the
  // fundamental: A's band; at the harmonic it would be 4 bands above, another rhythm).
  auto a_band = [](int t) { return 4 - (std::clamp(t, 30, 89) - 30) / 20; };
  const auto kept = two_groups(
      a_band, [&](int t) { return a_band(t) + (b_band - 2); }, 40);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].event.first_recruit, 30);
}

TEST(EventTracker, IndependentRhythmStartingElsewhereIsASeizureOfItsOwn) {
  // A slows from 9.5 Hz to 3.5 Hz; at window 55 (A at band 6, 7.5 Hz) B starts at 10.5 Hz
  // (band 9) and slows on its own to 8.5 Hz: its own onset frequency and its own evolution.
  auto a_band = [](int t) { return 8 - (std::clamp(t, 30, 89) - 30) / 10; };
  auto b_band = [](int t) { return 9 - std::min(2, (std::max(t, 55) - 55) / 10); };
  const auto kept = two_groups(a_band, b_band, 55);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].event.first_recruit, 30);
  EXPECT_EQ(kept[1].event.first_recruit, 55);
  ASSERT_EQ(kept[1].event.links.size(), 1u);
  EXPECT_GE(kept[1].event.links[0].longest_diverged, 5);
}

TEST(EventTracker, SameRhythmAtFirstThenItsOwnEvolutionIsASeizureOfItsOwn) {
  // B starts with the rhythm A has slowed to (band 5 at window 60), then holds it while A slows
  // on (to band 3 at window 70): the rhythms part, and B, which then slows on its own (bands 4
  // and 3 from window 90), is independent although it began like A's spread.
  auto a_band = [](int t) { return 8 - (std::clamp(t, 30, 89) - 30) / 8; };
  auto b_band = [](int t) { return 5 - std::clamp((t - 80) / 10, 0, 2); };
  const auto kept = two_groups(a_band, b_band, 60, 110);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[1].event.first_recruit, 60);
}

TEST(EventTracker, APieceThatFollowsAPropagatedPartOfASeizureIsThatSeizure) {
  // A = {Fp1} slows from 9.5 to 3.5 Hz; B = {O1}, apart from it, is A's propagation, detuned by
  // +0.6 Hz (within kSpreadToleranceHz of A); C = {T7}, apart from both, switches on later and
  // follows B, detuned by a further +0.6 Hz: it never parts from B, but runs 1.2 Hz from A.
  // C tracks the seizure's propagated part throughout, so it is that seizure (before
  // kFollowedWindows it was a seizure of its own: it had diverged from A, a member of the
  // seizure, for 5 windows).
  ASSERT_GT(2 * 0.6, kSpreadToleranceHz);
  ASSERT_LT(0.6, kSpreadToleranceHz);
  TrackerFixture f;
  auto a_band = [](int t) { return 8 - (std::clamp(t, 30, 89) - 30) / 10; };
  f.detune.assign(f.n, 0.0f);
  f.detune[f.index("O1")] = 0.6f;
  f.detune[f.index("T7")] = 1.2f;
  for (int t = 0; t < 130; ++t) {
    f.reset_window();
    for (const auto& label : {"Fp1", "O1", "T7"}) f.band[f.index(label)] = a_band(std::max(t, 30));
    if (t >= 30 && t < 90) f.set_on({"Fp1"}, a_band(t), 14.0f);
    if (t >= 36 && t < 90) f.set_on({"O1"}, a_band(t), 12.0f);
    if (t >= 50 && t < 90) f.set_on({"T7"}, a_band(t), 11.0f);
    f.step();
  }
  f.tracker.finish(f.closed);
  ASSERT_EQ(f.closed.size(), 1u);
  EXPECT_EQ(f.closed[0].event.first_recruit, 30);  // the seizure is A, from its onset
}

// A = {Fp1} slows from 9.5 to 3.5 Hz with excess power 10 uV^2; B = {O1}, far from it (not a
// neighbour, not its homologue), comes on 15 windows later at A's rhythm detuned by 0.2 Hz
// (within kSpreadToleranceHz throughout) with excess power `b_excess`. Returns the seizures kept.
std::vector<ClosedEvent> same_rhythm_elsewhere(float b_excess) {
  TrackerFixture f;
  auto a_band = [](int t) { return 8 - (std::clamp(t, 30, 89) - 30) / 10; };
  f.detune.assign(f.n, 0.0f);
  f.detune[f.index("O1")] = 0.2f;
  for (int t = 0; t < 130; ++t) {
    f.reset_window();
    for (const auto& label : {"Fp1", "O1"}) f.band[f.index(label)] = a_band(std::max(t, 30));
    if (t >= 30 && t < 90) f.set_on({"Fp1"}, a_band(t), 14.0f);
    if (t >= 45 && t < 90) {
      f.set_on({"O1"}, a_band(t), 12.0f);
      f.excess[f.index("O1")] = b_excess;
    }
    f.step();
  }
  f.tracker.finish(f.closed);
  return f.closed;
}

TEST(EventTracker, AStrongerDischargeElsewhereIsASeizureOfItsOwnAWeakerOneIsSpread) {
  // Propagated activity is weaker than at its focus: at 0.8 times A's power, B is A's spread.
  const auto weaker = same_rhythm_elsewhere(8.0f);
  ASSERT_EQ(weaker.size(), 1u);
  EXPECT_EQ(weaker[0].event.first_recruit, 30);
  // At more than kStrongerPowerRatio times A's power B is a generator of its own, although its
  // rhythm never left A's.
  const auto stronger = same_rhythm_elsewhere(2.5f * 10.0f);
  ASSERT_EQ(stronger.size(), 2u);
  EXPECT_EQ(stronger[1].event.first_recruit, 45);
  ASSERT_EQ(stronger[1].event.links.size(), 1u);
  EXPECT_EQ(stronger[1].event.links[0].longest_diverged, 0);
  EXPECT_GE(stronger[1].event.links[0].longest_stronger, 5);
  // Just under the ratio it is still spread.
  ASSERT_EQ(same_rhythm_elsewhere(0.95f * kStrongerPowerRatio * 10.0f).size(), 1u);
}

// A = {Fp1, F7} slows from 11.5 to 4.5 Hz over windows 30-109 at 14 dB; F3, their neighbour,
// joins A at window 36 (after A's home windows) at A's rhythm and 10 dB, a part of its field.
// From window 70 (40 windows after A's first recruitment) F3's gain rises by `f3_rise_db` and
// A's focus channels' by `focus_rise_db`. Returns the seizures kept.
std::vector<ClosedEvent> rise_under_a_field(float f3_rise_db, float focus_rise_db) {
  TrackerFixture f;
  EXPECT_TRUE(f.neighbours(f.index("F3"), f.index("Fp1")));
  auto a_band = [](int t) { return 10 - (std::clamp(t, 30, 109) - 30) / 10; };
  for (int t = 0; t < 150; ++t) {
    f.reset_window();
    for (const auto& label : {"Fp1", "F7", "F3"}) f.band[f.index(label)] = a_band(std::max(t, 30));
    if (t >= 30 && t < 110)
      f.set_on({"Fp1", "F7"}, a_band(t), 14.0f + (t >= 70 ? focus_rise_db : 0));
    if (t >= 36 && t < 110) f.set_on({"F3"}, a_band(t), 10.0f + (t >= 70 ? f3_rise_db : 0));
    f.step();
  }
  f.tracker.finish(f.closed);
  return f.closed;
}

TEST(EventTracker, ALateRiseOfAChannelUnderAFieldIsASecondOnset) {
  // A channel carrying a running seizure's field follows its source's amplitude course: F3's
  // power rising tenfold (10 dB) on its own, 40 s into the seizure, is a generator of its own,
  // although its rhythm never left A's (what the rhythm tests cannot see).
  const auto rising = rise_under_a_field(10.0f, 0.0f);
  ASSERT_EQ(rising.size(), 2u);
  const auto f3 = static_cast<std::size_t>(TrackerFixture{}.index("F3"));
  EXPECT_EQ(rising[0].event.first_recruit, 30);        // A, from its onset
  EXPECT_GE(rising[1].event.history.first_on[f3], 0);  // F3 left it as the second seizure
  ASSERT_FALSE(rising[1].event.links.empty());
  EXPECT_TRUE(rising[1].event.links[0].own_onset);
  EXPECT_EQ(rising[1].event.links[0].longest_diverged, 0);
  // The same rise shared by the focus is the seizure growing: one seizure.
  ASSERT_EQ(rise_under_a_field(10.0f, 10.0f).size(), 1u);
  // A rise under kNewOnsetRiseDb (6 dB, a fourfold power) above the focus's is not enough.
  ASSERT_EQ(rise_under_a_field(4.0f, 0.0f).size(), 1u);
  ASSERT_EQ(rise_under_a_field(14.0f, 10.0f).size(), 1u);
}

TEST(EventTracker, ACommonModeOnsetCutIntoGroupsIsNotASeizure) {
  // Two groups apart from each other, 3 + 3 of 8 channels (each below max_onset_fraction = 0.6 of
  // the good channels, together above it), switching on one window apart at unrelated rhythms:
  // a common-mode artifact whatever the grouping, so neither is kept.
  TrackerFixture f;
  ASSERT_TRUE(f.connected({"Fp1", "F7", "F3"}));
  ASSERT_TRUE(f.connected({"P7", "P3", "O1"}));
  for (int t = 0; t < 80; ++t) {
    f.reset_window();
    // Both evolve (so that only the common onset can reject them): bands 6, 5, 4 and 3, 2, 1.
    const int step = (std::clamp(t, 20, 49) - 20) / 10;
    for (const auto& label : {"Fp1", "F7", "F3"}) f.band[f.index(label)] = 6 - step;
    for (const auto& label : {"P7", "P3", "O1"}) f.band[f.index(label)] = 3 - step;
    if (t >= 20 && t < 50) f.set_on({"Fp1", "F7", "F3"}, 6 - step, 12.0f);
    if (t >= 21 && t < 50) f.set_on({"P7", "P3", "O1"}, 3 - step, 12.0f);
    f.step();
  }
  f.tracker.finish(f.closed);
  EXPECT_TRUE(f.closed.empty());
  // The same groups 5 windows apart are a focal onset and its spread: one seizure.
  TrackerFixture g;
  for (int t = 0; t < 80; ++t) {
    g.reset_window();
    const int band = 6 - (std::clamp(t, 20, 49) - 20) / 10;  // evolving: bands 6, 5, 4
    for (auto& b : g.band) b = band;
    if (t >= 20 && t < 50) g.set_on({"Fp1", "F7", "F3"}, band, 12.0f);
    if (t >= 25 && t < 50) g.set_on({"P7", "P3", "O1"}, band, 12.0f);
    g.step();
  }
  g.tracker.finish(g.closed);
  EXPECT_EQ(g.closed.size(), 1u);
}

TEST(EventTracker, ARhythmThatWaxesAndWanesWithoutEvolvingIsNotASeizure) {
  // O1 and P7 hold 9.5 Hz (band 8) for 90 windows, switching off now and then (a posterior
  // rhythm on eyes closing): long and sustained, but its rhythm never changes. The same with
  // the rhythm slowing by 2 Hz over the event is kept.
  for (const bool evolving : {false, true}) {
    TrackerFixture f;
    for (int t = 0; t < 140; ++t) {
      f.reset_window();
      const int band = evolving ? 8 - (std::clamp(t, 20, 109) - 20) / 30 : 8;
      f.band[f.index("O1")] = f.band[f.index("P7")] = band;
      if (t >= 20 && t < 110 && t % 15 != 0) f.set_on({"O1", "P7"}, band, 11.0f);
      f.step();
    }
    f.tracker.finish(f.closed);
    EXPECT_EQ(f.closed.size(), evolving ? 1u : 0u) << (evolving ? "evolving" : "steady");
  }
}

TEST(EventTracker, ARhythmThatSpeedsUpIsNotASeizureOneThatSlowsIs) {
  // O1 and P7 on for 90 windows at full strength (11 dB), their rhythm moving by 2 Hz in two
  // steps of 1 Hz 30 windows apart: from 9.5 to 11.5 Hz (bands 8, 9, 10: a posterior rhythm
  // giving way to a faster alpha episode) or from 9.5 to 7.5 Hz (bands 8, 7, 6). Only the
  // slowing is a seizure's evolution (an ictal discharge slows as it runs).
  for (const int direction : {+1, -1}) {
    TrackerFixture f;
    for (int t = 0; t < 140; ++t) {
      f.reset_window();
      const int band = 8 + direction * ((std::clamp(t, 20, 109) - 20) / 30);
      f.band[f.index("O1")] = f.band[f.index("P7")] = band;
      if (t >= 20 && t < 110) f.set_on({"O1", "P7"}, band, 11.0f);
      f.step();
    }
    f.tracker.finish(f.closed);
    ASSERT_EQ(f.closed.size(), direction < 0 ? 1u : 0u) << "direction " << direction;
    if (direction < 0) {
      EXPECT_EQ(slowing_bands(f.closed[0].event), 2);
    }
  }
}

TEST(EventTracker, ASteadyRhythmCutByTheEndIsJudgedOnlyOnceItRanTwoMinutes) {
  // O1 and P7 hold 9.5 Hz (band 8) at 11 dB from window 20 until the stream ends while they
  // are on. Cut after 40 s, its evolution was not seen: kept (a seizure cut by the end of a
  // recording). Cut after 150 s without any change of rhythm: a normal rhythm, dropped.
  for (const int seen : {40, 150}) {
    TrackerFixture f;
    for (int t = 0; t < 20 + seen; ++t) {
      f.reset_window();
      f.band[f.index("O1")] = f.band[f.index("P7")] = 8;
      if (t >= 20) f.set_on({"O1", "P7"}, 8, 11.0f);
      f.step();
    }
    f.tracker.finish(f.closed);
    EXPECT_EQ(f.closed.size(), seen < 120 ? 1u : 0u) << seen << " s seen";
  }
}

TEST(EventTracker, ARhythmThatSlowsOnlyAsItFadesIsNotASeizure) {
  // O1 and P7 hold 9.5 Hz (band 8) at 11 dB for 50 windows, then over their last 25 windows
  // slow down to 5.5 Hz (band 4, one band every 4 windows) while they fade (7 dB: under the
  // switch-on gain of 9 dB, still on by the hysteresis), as a posterior rhythm dying away
  // does. The same slowing at full strength (11 dB) is a seizure's evolution and is kept.
  for (const bool strong_end : {false, true}) {
    TrackerFixture f;
    ASSERT_LT(7.0, f.params.on_threshold_db);
    for (int t = 0; t < 110; ++t) {
      f.reset_window();
      const bool fading = t >= 70;
      const int band = 8 - (std::clamp(t, 70, 86) - 70) / 4;
      f.band[f.index("O1")] = f.band[f.index("P7")] = band;
      if (t >= 20 && t < 95) f.set_on({"O1", "P7"}, band, fading && !strong_end ? 7.0f : 11.0f);
      f.step();
    }
    f.tracker.finish(f.closed);
    EXPECT_EQ(f.closed.size(), strong_end ? 1u : 0u) << (strong_end ? "strong" : "fading");
  }
}

// Onset alarms of a rhythm that does not evolve on O1 and P7 from window 20, at 20 dB while
// their homologues O2 and P8 carry `mirror_db`: lateralised by at least 10 dB from an onset
// rhythm in 4-12 Hz, it is confirmed once sustained (min_sustained_s, 6 windows, before
// min_duration_s of 10); nearly symmetric (a posterior rhythm on both sides), lateralised by
// less than that margin, or as lopsided outside 4-12 Hz (2.5 or 3.5 Hz: a burst-suppression burst
// or a delta run; 12.5 Hz), it waits for an evolution that never comes, so no alarm is raised
// while it runs. The onset rhythm is the median of its first three windows (band b + 1.5 Hz, the
// span centre); the second of them is 2 bands faster, so the onset is not a steady one and the
// focal path (which asks a steady onset) stays closed: only the margin and the range decide.
TEST(EventTracker, ALateralisedRhythmIsConfirmedOnceSustainedASymmetricOneIsNot) {
  const std::vector<std::string> labels{"O1", "O2", "P7", "P8"};
  const ChannelGeometry geometry = make_geometry(parse_labels(labels));
  ASSERT_EQ(geometry.mirror[0], 1);  // O1 <-> O2
  ASSERT_EQ(geometry.mirror[2], 3);  // P7 <-> P8
  const DetectorOptions params;
  for (const int onset_band : {1, 2, 3, 6, 10, 11}) {  // 2.5, 3.5, 4.5, 7.5, 11.5, 12.5 Hz
    for (const float mirror_db : {0.0f, 10.5f, 19.0f}) {
      EventTracker tracker{geometry, params, first_channel_onset};
      tracker.set_good(std::vector<char>(4, 1));
      std::vector<ClosedEvent> closed;
      const auto alarms = step_windows(
          tracker, 4, onset_band, 60,
          [&](int t, TestWindow& w) {
            if (t == 21) w.band.assign(4, onset_band + 2);
            if (t < 20) return;
            w.set_on(0, 20.0f);  // O1
            w.set_on(2, 20.0f);  // P7
            w.gain[1] = w.gain[3] = mirror_db;
            w.excess[1] = w.excess[3] = 10.0f;
          },
          closed);
      const bool in_range = onset_band >= 3 && onset_band <= 10;
      const bool confirmed = in_range && 20.0f - mirror_db >= 10.0f;
      ASSERT_EQ(alarms.size(), confirmed ? 1u : 0u)
          << "onset band " << onset_band << ", homologues at " << mirror_db << " dB";
      if (confirmed) {
        // Recruited at window 20 (3 windows on), sustained 6 windows: confirmed with window 25.
        EXPECT_EQ(alarms[0].window_start, 25 * 256);
        EXPECT_EQ(alarms[0].onset_window_start, 20 * 256);
      }
      EXPECT_TRUE(closed.empty());  // still running
    }
  }
}

// A bad channel scores 0 dB, so a bad homologue would make a bilateral rhythm look lateralised:
// pairs with a bad channel do not count. O1 and P7 at 20 dB, P8 (good) at 15 dB, O2 at 0 dB: with
// O2 good, the margin is (20 + 5) / 2 = 12.5 dB, lateralised and alarmed once sustained; with O2
// bad, only P7-P8 counts (5 dB): not lateralised, and without evolution no alarm while it runs.
// The rhythm is 7.5 Hz with an unsteady onset (as in the test above), so that the focal path
// stays closed and the margin alone decides.
TEST(EventTracker, ABadHomologueDoesNotMakeAnEventLateralised) {
  // Fp1, Fp2, C3, C4 stay quiet: O1 and P7 are a small share of the good channels, not a
  // common-mode onset.
  const std::vector<std::string> labels{"O1", "O2", "P7", "P8", "Fp1", "Fp2", "C3", "C4"};
  const ChannelGeometry geometry = make_geometry(parse_labels(labels));
  ASSERT_EQ(geometry.mirror[0], 1);  // O1 <-> O2
  ASSERT_EQ(geometry.mirror[2], 3);  // P7 <-> P8
  const DetectorOptions params;
  for (const bool o2_bad : {false, true}) {
    EventTracker tracker{geometry, params, first_channel_onset};
    std::vector<char> good(labels.size(), 1);
    good[1] = o2_bad ? 0 : 1;
    tracker.set_good(good);
    std::vector<ClosedEvent> closed;
    // 7.5 Hz (band 6), 9.5 Hz in its second window: not a steady onset, so only the margin
    // decides.
    const auto alarms = step_windows(
        tracker, labels.size(), 6, 60,
        [&](int t, TestWindow& w) {
          if (t == 21) w.band.assign(labels.size(), 8);
          if (t < 20) return;
          // A bad channel's scores are 0 (ChannelScorer.BadChannelScoresZero).
          w.set_on(0, 20.0f);  // O1
          w.set_on(2, 20.0f);  // P7
          w.gain[3] = 15.0f;   // P8: the homologue, not in the event
          w.excess[3] = 5.0f;
        },
        closed);
    ASSERT_EQ(alarms.size(), o2_bad ? 0u : 1u) << (o2_bad ? "O2 bad" : "O2 good");
    if (!o2_bad) {
      EXPECT_EQ(alarms[0].window_start, 25 * 256);
    }
    EXPECT_TRUE(closed.empty());  // still running
  }
}

// A focal onset is confirmed early without a 10 dB margin. A 7.5 Hz rhythm (band 6) on F3 (or
// O1) from window 20 at 20 dB, its homologue F4 (O2) off at 12 dB (8 dB below: not lateralised
// by the margin, but beyond the 6 dB of a normal rhythm's asymmetry): a focus whose homologue
// does not discharge at its rhythm, alarmed once sustained (window 25), at the front and at the
// back. So is F3 when F4 switches on at its rhythm 3 windows after it (the seizure's spread).
// No alarm while it runs (it waits for an evolution that does not come) when F4 is on at the
// same rhythm from the same window (bilateral and synchronous, as a normal rhythm is), when F4
// carries it off but within 6 dB (a symmetric rhythm that crossed the threshold on one side),
// when O2 switches on 3 windows after O1 (at the back, the weaker side of an asymmetric
// posterior dominant rhythm crossing the threshold late), or at 2.5 Hz (delta, band 1: no
// ictal onset rhythm).
TEST(EventTracker, AFocalOnsetIsConfirmedOnceSustainedWithoutAMargin) {
  const std::vector<std::string> labels{"Fp1", "Fp2", "F3", "F4", "C3", "C4", "O1", "O2"};
  const ChannelGeometry geometry = make_geometry(parse_labels(labels));
  ASSERT_EQ(geometry.mirror[2], 3);  // F3 <-> F4
  ASSERT_EQ(geometry.mirror[6], 7);  // O1 <-> O2
  const DetectorOptions params;
  enum class Case {
    focal,
    homologue_on,
    homologue_joins,
    homologue_near,
    occipital,
    occipital_homologue_joins,
    delta
  };
  for (const Case which :
       {Case::focal, Case::homologue_on, Case::homologue_joins, Case::homologue_near,
        Case::occipital, Case::occipital_homologue_joins, Case::delta}) {
    EventTracker tracker{geometry, params, first_channel_onset};
    tracker.set_good(std::vector<char>(labels.size(), 1));
    const bool back = which == Case::occipital || which == Case::occipital_homologue_joins;
    const bool joins = which == Case::homologue_joins || which == Case::occipital_homologue_joins;
    const std::size_t focus = back ? 6 : 2;  // O1 or F3
    const int band = which == Case::delta ? 1 : 6;
    std::vector<ClosedEvent> closed;
    const auto alarms = step_windows(
        tracker, labels.size(), band, 60,
        [&](int t, TestWindow& w) {
          if (t < 20) return;
          w.set_on(focus, 20.0f);
          w.gain[focus + 1] = which == Case::homologue_near ? 15.0f : 12.0f;  // the homologue
          w.excess[focus + 1] = 2.0f;
          w.on[focus + 1] = which == Case::homologue_on || (joins && t >= 23) ? 1 : 0;
        },
        closed);
    const bool focal =
        which == Case::focal || which == Case::homologue_joins || which == Case::occipital;
    ASSERT_EQ(alarms.size(), focal ? 1u : 0u) << static_cast<int>(which);
    if (focal) {
      EXPECT_EQ(alarms[0].window_start, 25 * 256);
      EXPECT_EQ(alarms[0].onset_window_start, 20 * 256);
    }
  }
}

// A focal onset whose channel drops out for fewer windows than a recruitment takes (recruit_s,
// 3 windows) is sustained across the dropout, once it has been on for min_sustained_s (6
// windows) in the bridged run; a lateralised event without focal evidence is not.
// F3 at 20 dB and band 6 (7.5 Hz) from window 20, off in the windows given:
// - F4 off at 12 dB (a focal onset, 8 dB short of the lateralised margin), F3 off at 24-25: the
//   run bridges the dropout and has its 6th window on at 27 (20-23, 26, 27), the focal evidence
//   its 3 windows (22, 23, 26) at 26: alarmed at 27 (at 31 without the bridge);
// - the same with F3 off at 24-26: not bridged, sustained from 27: alarmed at 32;
// - F4 off at 0 dB (lateralised by 20 dB) but F3's first windows at bands 6, 8, 6 (an unsteady
//   onset rhythm: no focal evidence), off at 24-25: alarmed only once F3 has been on for 6
//   windows in a row, at 31.
TEST(EventTracker, AFocalOnsetIsSustainedAcrossADropoutShorterThanARecruitment) {
  const std::vector<std::string> labels{"Fp1", "Fp2", "F3", "F4", "C3", "C4", "O1", "O2"};
  const ChannelGeometry geometry = make_geometry(parse_labels(labels));
  ASSERT_EQ(geometry.mirror[2], 3);  // F3 <-> F4
  const DetectorOptions params;
  struct Scenario {
    const char* name;
    int dropout_from, dropout_to;
    float f4_gain_db;
    bool steady_onset;
    int alarm_window;
  };
  const std::vector<Scenario> scenarios{
      {"focal, 2-window dropout", 24, 25, 12.0f, true, 27},
      {"focal, 3-window dropout", 24, 26, 12.0f, true, 32},
      {"lateralised only, 2-window dropout", 24, 25, 0.0f, false, 31},
  };
  for (const auto& scenario : scenarios) {
    EventTracker tracker{geometry, params, first_channel_onset};
    tracker.set_good(std::vector<char>(labels.size(), 1));
    std::vector<ClosedEvent> closed;
    const auto alarms = step_windows(
        tracker, labels.size(), 6, 45,
        [&](int t, TestWindow& w) {
          if (t < 20) return;
          w.gain[3] = scenario.f4_gain_db;
          if (t >= scenario.dropout_from && t <= scenario.dropout_to) return;
          w.set_on(2, 20.0f);
          if (!scenario.steady_onset && t == 21) w.band[2] = 8;
        },
        closed);
    ASSERT_EQ(alarms.size(), 1u) << scenario.name;
    EXPECT_EQ(alarms[0].window_start, std::int64_t{scenario.alarm_window} * 256) << scenario.name;
    EXPECT_TRUE(closed.empty()) << scenario.name;  // still running
  }
}

// A bridged run stays with one event. C3 at 20 dB and band 9 (10.5 Hz) from window 10, on for 4
// windows and off for 3 in turn (never sustained, bridged or not), C4 off at 12 dB: a focal onset
// whose event waits for a sustained run. F3 (C3's neighbour) at band 6 on 20-23, its own event,
// off at 24-25, back at band 9 from 26 on, joining C3's event (its rhythm). Its run there starts
// at 26 and is sustained at 31, when that event is alarmed; counting its windows on in its
// first event across the dropout (20-23, 26, 27) would alarm it at 27.
TEST(EventTracker, ABridgedRunStaysWithOneEvent) {
  const std::vector<std::string> labels{"Fp1", "Fp2", "F3", "F4", "C3", "C4", "O1", "O2"};
  const ChannelGeometry geometry = make_geometry(parse_labels(labels));
  const auto& near_f3 = geometry.neighbours[2];
  ASSERT_NE(std::find(near_f3.begin(), near_f3.end(), std::size_t{4}), near_f3.end());  // F3-C3
  ASSERT_EQ(geometry.mirror[4], 5);                                                     // C3-C4
  const DetectorOptions params;
  EventTracker tracker{geometry, params, first_channel_onset};
  tracker.set_good(std::vector<char>(labels.size(), 1));
  std::vector<ClosedEvent> closed;
  const auto alarms = step_windows(
      tracker, labels.size(), 6, 40,
      [&](int t, TestWindow& w) {
        if (t < 10) return;
        w.gain[5] = 12.0f;  // C4
        if ((t - 10) % 7 < 4) {
          w.set_on(4, 20.0f);  // C3
          w.band[4] = 9;
        }
        if (t >= 20 && t <= 23) w.set_on(2, 20.0f);  // F3, band 6
        if (t >= 26) {
          w.set_on(2, 20.0f);
          w.band[2] = 9;
        }
      },
      closed);
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].window_start, 31 * 256);
}

// The focal onset is judged at its onset, and a side that switches on later is its spread. A
// 7.5 Hz rhythm (band 6) at 20 dB on the channels listed, each on from the window given to the
// end; Fz joins F3 and F4 into one event, P3 and P4 are no neighbours (two events).
// - F3 at 20, Fz at 22, F4 at 24 (the field spreading across the midline): alarmed at 25;
// - F3, Fz and F4 together at 20 (a bilateral synchronous rhythm): no alarm;
// - P3 at 20, P4 at 23 (at the back: the weaker side of a posterior rhythm crossing late):
//   no alarm for either;
// - F4 at 17, F3 at 20, F3 within 6 dB of F4 while off (F4's event is no focal onset): F3's
//   event, whose homologue was discharging before it opened, no alarm either;
// - F3 at 20, off for windows 25-27 (so that it is sustained only at 33: a dropout of 3 windows
//   is not bridged), F4 off but within 6 dB of it from window 30: the focal evidence was judged
//   on its first 5 windows (22-24, 28, 29), alarmed at 33.
TEST(EventTracker, TheFocalOnsetIsJudgedAtItsOnset) {
  const std::vector<std::string> labels{"Fp1", "Fp2", "F3", "F4", "Fz", "C3",
                                        "C4",  "Cz",  "P3", "P4", "O1", "O2"};
  const ChannelGeometry geometry = make_geometry(parse_labels(labels));
  const auto at = [&](const std::string& label) {
    return static_cast<std::size_t>(std::find(labels.begin(), labels.end(), label) -
                                    labels.begin());
  };
  const auto neighbours = [&](const std::string& a, const std::string& b) {
    const auto& near = geometry.neighbours[at(a)];
    return std::find(near.begin(), near.end(), at(b)) != near.end();
  };
  ASSERT_TRUE(neighbours("F3", "Fz") && neighbours("Fz", "F4") && !neighbours("F3", "F4"));
  ASSERT_FALSE(neighbours("P3", "P4"));
  ASSERT_EQ(geometry.mirror[at("P3")], static_cast<int>(at("P4")));
  const DetectorOptions params;
  struct Scenario {
    const char* name;
    std::vector<std::pair<std::string, int>> on_from;
    int dropout_from, dropout_to;  // windows in which F3 is off (-1: none)
    float f3_off_gain_db;          // F3's gain while off
    float f4_off_gain_db;          // F4's gain while off
    int f4_near_from;              // from this window F4, off, is at 16 dB (within 6 dB of F3)
    int alarm_window;              // -1: no alarm
  };
  const std::vector<Scenario> scenarios{
      {"sides apart", {{"F3", 20}, {"Fz", 22}, {"F4", 24}}, -1, -1, 0.0f, 0.0f, 1000, 25},
      {"sides together", {{"F3", 20}, {"Fz", 20}, {"F4", 20}}, -1, -1, 0.0f, 0.0f, 1000, -1},
      {"back, homologue later", {{"P3", 20}, {"P4", 23}}, -1, -1, 0.0f, 0.0f, 1000, -1},
      {"homologue earlier", {{"F4", 17}, {"F3", 20}}, -1, -1, 15.0f, 0.0f, 1000, -1},
      {"judged at onset", {{"F3", 20}}, 25, 27, 0.0f, 12.0f, 30, 33},
  };
  for (const auto& scenario : scenarios) {
    EventTracker tracker{geometry, params, first_channel_onset};
    tracker.set_good(std::vector<char>(labels.size(), 1));
    std::vector<ClosedEvent> closed;
    const auto alarms = step_windows(
        tracker, labels.size(), 6, 60,
        [&](int t, TestWindow& w) {
          if (t >= 10) {
            w.gain[at("F3")] = scenario.f3_off_gain_db;
            w.gain[at("F4")] = t >= scenario.f4_near_from ? 16.0f : scenario.f4_off_gain_db;
          }
          for (const auto& [label, from] : scenario.on_from) {
            const bool dropped = t >= scenario.dropout_from && t <= scenario.dropout_to;
            if (t < from || (label == "F3" && dropped)) continue;
            w.set_on(at(label), 20.0f);
          }
        },
        closed);
    const bool alarmed = scenario.alarm_window >= 0;
    ASSERT_EQ(alarms.size(), alarmed ? 1u : 0u) << scenario.name;
    if (alarmed) {
      EXPECT_EQ(alarms[0].window_start, std::int64_t{scenario.alarm_window} * 256) << scenario.name;
    }
  }
}

// A seizure starting under a normal rhythm's field is no bilateral synchronous onset: O1 and O2
// switch on together at window 20 (a normal rhythm, never a seizure: it does not evolve), P7 and
// P8 join it at 30; at window 61 P7 rises by 10 dB on its own (a second onset, split off the
// running event) and then slows by 2 bands. P7 and P8 switched on together, but at 30, long
// before the split: the split event did not open with them, so it stays a seizure (one, alarmed).
TEST(EventTracker, ASecondOnsetUnderANormalRhythmIsNoBilateralOnset) {
  const std::vector<std::string> labels{"O1",  "O2",  "P7", "P8", "F3", "F4",
                                        "Fp1", "Fp2", "T7", "T8", "C3", "C4"};
  const std::size_t n = labels.size();
  const ChannelGeometry geometry = make_geometry(parse_labels(labels));
  const DetectorOptions params;
  EventTracker tracker{geometry, params, first_channel_onset};
  tracker.set_good(std::vector<char>(n, 1));
  std::vector<ClosedEvent> closed;
  std::size_t alarms = step_windows(
                           tracker, n, 8, 170,
                           [&](int t, TestWindow& w) {
                             if (t >= 20 && t < 160) {
                               w.set_on(0, 11.0f);  // O1
                               w.set_on(1, 11.0f);  // O2
                             }
                             if (t >= 30 && t < 160) w.set_on(3, 11.0f);  // P8
                             const int seizure_band = t < 70 ? 8 : (t < 95 ? 7 : 6);
                             if (t >= 30 && t < 150) {  // P7
                               w.set_on(2, t >= 61 ? 21.0f : 11.0f);
                               w.band[2] = t >= 61 ? seizure_band : 8;
                             }
                           },
                           closed)
                           .size();
  tracker.finish(closed);
  alarms += tracker.take_alarms().size();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(slowing_bands(closed[0].event), 2);
  EXPECT_EQ(alarms, 1u);
}

// The evolution path asks the slowing to start from a rhythm. O1 and P7 (no homologues in the
// fixture: neither lateralised nor focal evidence) on at 11 dB from window 20, slowing from band
// 8 to 7 at window 30 and to 6 at window 40: from a steady onset it is alarmed while it runs once
// the median of its last 10 windows is band 6 (window 45); with its first three windows at bands
// 8, 5, 8 (an onset jumping between rhythms, whose median is still band 8) it is not.
TEST(EventTracker, TheEvolutionPathAsksASteadyOnsetRhythm) {
  for (const bool steady : {true, false}) {
    TrackerFixture f;
    std::vector<RaisedAlarm> alarms;
    for (int t = 0; t < 70; ++t) {
      f.reset_window();
      int band = t < 30 ? 8 : (t < 40 ? 7 : 6);  // one band at a time, as a seizure slows
      if (!steady && t == 21) band = 5;
      f.band[f.index("O1")] = f.band[f.index("P7")] = band;
      if (t >= 20) f.set_on({"O1", "P7"}, band, 11.0f);
      f.step();
      for (auto& alarm : f.tracker.take_alarms()) alarms.push_back(std::move(alarm));
    }
    EXPECT_TRUE(f.closed.empty());  // still running
    ASSERT_EQ(alarms.size(), steady ? 1u : 0u) << (steady ? "steady" : "unsteady");
    if (steady) {
      EXPECT_EQ(alarms[0].window_start, 45 * 256);
    }
  }
}

// The evolution path measures the slowing in Hz (slowing_hz), not in bands. O1 and P7 (no
// homologues in the fixture) on at 11 dB from window 20, read as band 9 until window 29, band 8
// until window 39 and band 7 from window 40 (one band at a time, as in the test above): two bands
// below its onset by window 45. A rhythm at the bands' span centres (10.5, 9.5, 8.5 Hz) slowed by
// 2 Hz and is alarmed at window 45; one at 10.3, 9.6 and 9.0 Hz, each inside the span it is read
// in (the occipital alpha of multiple_annotation_chans.bdf: 10.3 Hz read as band 9, 9.0 Hz read
// as band 7), slowed by 1.3 Hz and is not alarmed while it runs.
TEST(EventTracker, TheEvolutionPathMeasuresTheSlowingInHertz) {
  for (const bool slowed_2_hz : {true, false}) {
    TrackerFixture f;
    f.background_band = 9;
    std::vector<RaisedAlarm> alarms;
    for (int t = 0; t < 70; ++t) {
      f.reset_window();
      const int band = t < 30 ? 9 : (t < 40 ? 8 : 7);
      const float detune = slowed_2_hz ? 0.0f : (t < 30 ? -0.2f : (t < 40 ? 0.1f : 0.5f));
      f.detune.assign(f.n, 0.0f);
      for (const char* label : {"O1", "P7"}) {
        f.band[f.index(label)] = band;
        f.detune[f.index(label)] = detune;
      }
      if (t >= 20) f.set_on({"O1", "P7"}, band, 11.0f);
      f.step();
      for (auto& alarm : f.tracker.take_alarms()) alarms.push_back(std::move(alarm));
    }
    const char* name = slowed_2_hz ? "2 Hz" : "1.3 Hz";
    ASSERT_TRUE(f.closed.empty()) << name;  // still running
    ASSERT_EQ(alarms.size(), slowed_2_hz ? 1u : 0u) << name;
    if (slowed_2_hz) {
      EXPECT_EQ(alarms[0].window_start, 45 * 256);
    }
    ASSERT_EQ(f.tracker.open_events().size(), 1u);
    const Event& event = f.tracker.open_events()[0];
    EXPECT_EQ(slowing_bands(event), 2) << name;
    EXPECT_NEAR(slowing_hz(event), slowed_2_hz ? 2.0f : 1.3f, 1e-4f) << name;
  }
}

// A rhythm at O1/P7 and their homologues O2/P8 from window 20, slowing by 2 Hz over 90 windows
// (9.5 -> 7.5 Hz: an evolution), scored as the rules say:
// - both sides switching on together while nothing else runs: a bilateral synchronous rhythm
//   (a posterior dominant rhythm slowing with drowsiness), neither a seizure nor alarmed;
// - the homologues switching on 5 windows after O1/P7 (a focal discharge propagating to the
//   homologous region): one seizure, alarmed;
// - both sides together while an unrelated rhythm runs at F3 since window 10: left to the
//   spread model, which keeps it as a seizure of its own (its rhythm is not F3's); the steady
//   F3 rhythm is no seizure (it never evolves);
// - both sides together while a normal rhythm runs at F3 and F4 since window 10 (itself a
//   bilateral synchronous onset, nothing the posterior rhythm could spread from): as alone.
TEST(EventTracker, ABilateralSynchronousOnsetIsNoSeizureOfItsOwn) {
  // Twelve channels, so that the four switching on at once are no common-mode onset (at most
  // max_onset_fraction = 0.6 of the good channels).
  const std::vector<std::string> labels{"O1",  "O2",  "P7", "P8", "F3", "F4",
                                        "Fp1", "Fp2", "T7", "T8", "C3", "C4"};
  const std::size_t n = labels.size();
  const ChannelGeometry geometry = make_geometry(parse_labels(labels));
  ASSERT_EQ(geometry.mirror[0], 1);  // O1 <-> O2
  ASSERT_EQ(geometry.mirror[2], 3);  // P7 <-> P8
  ASSERT_EQ(geometry.mirror[4], 5);  // F3 <-> F4
  const DetectorOptions params;
  // beside_a_blip: F3/F4 on for 2 windows just before (an event never recruited, still open
  // when the bilateral onset comes): the onset is as alone as without it.
  enum class Case { bilateral, propagated, beside_another, beside_a_blip, beside_a_normal_rhythm };
  for (const Case scenario : {Case::bilateral, Case::propagated, Case::beside_another,
                              Case::beside_a_blip, Case::beside_a_normal_rhythm}) {
    EventTracker tracker{geometry, params, first_channel_onset};
    tracker.set_good(std::vector<char>(n, 1));
    std::vector<ClosedEvent> closed;
    const int homologues_from = scenario == Case::propagated ? 25 : 20;
    const auto alarms = step_windows(
        tracker, n, 4, 140,
        [&](int t, TestWindow& w) {
          const int band = 8 - (std::clamp(t, 20, 109) - 20) / 30;
          // Each channel keeps its rhythm's band while off (a channel coming on 1 Hz or more away
          // from it would be a rhythm change, which is not what this test is about).
          for (std::size_t c = 0; c < 4; ++c) w.band[c] = band;
          w.band[4] = w.band[5] = 2;
          const auto set_on = [&](std::size_t c, int b) {
            w.set_on(c, 11.0f);
            w.band[c] = b;
          };
          if (t >= 20 && t < 110) {
            set_on(0, band);
            set_on(2, band);
          }
          if (t >= homologues_from && t < 110) {
            set_on(1, band);
            set_on(3, band);
          }
          if (scenario == Case::beside_another && t >= 10 && t < 110) {
            set_on(4, 2);      // 3.5 Hz, steady, on one side: a discharge that may be a seizure
            w.gain[4] = 8.0f;  // under kLateralMarginDb over F4: not confirmed (never alarmed)
          }
          if (scenario == Case::beside_a_normal_rhythm && t >= 10 && t < 110) {
            set_on(4, 2);  // 3.5 Hz, steady, on both sides together
            set_on(5, 2);
          }
          if (scenario == Case::beside_a_blip && t >= 10 && t < 12) {
            set_on(4, 2);  // shorter than recruit_s (3 windows)
            set_on(5, 2);
          }
        },
        closed);
    tracker.finish(closed);
    const bool seizure = scenario == Case::propagated || scenario == Case::beside_another;
    ASSERT_EQ(closed.size(), seizure ? 1u : 0u) << static_cast<int>(scenario);
    EXPECT_EQ(alarms.size(), seizure ? 1u : 0u) << static_cast<int>(scenario);
    if (seizure) {
      EXPECT_EQ(closed[0].event.first_recruit, 20);
      EXPECT_EQ(slowing_bands(closed[0].event), 2);
    }
  }
}

// A lateralised event at O1/P7 (from window 20) with the same rhythm as an event running at the
// front since window 10 could be that event's spread. When the front event is bilateral (Fp1
// and Fp2 alike: never confirmed, it may be no seizure at all), the lateralised one is alarmed
// once sustained (window 25); when the front event is a lateralised discharge at Fp2, confirmed
// (alarmed) before, the one at the back waits (its agreement with it may make it its spread):
// only the front event's alarm is raised while both run.
TEST(EventTracker, ALateralisedEventWaitsOnlyForALinkedEventAlreadyConfirmed) {
  const std::vector<std::string> labels{"Fp1", "Fp2", "O1", "O2", "P7", "P8"};
  const ChannelGeometry geometry = make_geometry(parse_labels(labels));
  const DetectorOptions params;
  for (const bool front_confirmed : {false, true}) {
    EventTracker tracker{geometry, params, first_channel_onset};
    tracker.set_good(std::vector<char>(labels.size(), 1));
    std::vector<ClosedEvent> closed;
    const auto alarms = step_windows(
        tracker, labels.size(), 8, 60,
        [&](int t, TestWindow& w) {
          if (t >= 10) {
            w.set_on(1, 20.0f);                        // Fp2
            if (!front_confirmed) w.set_on(0, 20.0f);  // Fp1: a bilateral front event
          }
          if (t >= 20) {
            w.set_on(2, 20.0f);  // O1
            w.set_on(4, 20.0f);  // P7
          }
        },
        closed);
    ASSERT_EQ(tracker.open_events().size(), 2u);  // the front and the back event, both running
    ASSERT_EQ(alarms.size(), 1u) << (front_confirmed ? "front confirmed" : "front bilateral");
    // The front event's alarm (onset window 10) or the back event's (onset window 20).
    EXPECT_EQ(alarms[0].onset_window_start, (front_confirmed ? 10 : 20) * 256);
    EXPECT_EQ(alarms[0].window_start, (front_confirmed ? 15 : 25) * 256);
  }
}

// ---------------------------------------------------------------------------------------------
// ConditioningLane at a gap
// ---------------------------------------------------------------------------------------------

// Band powers of the first window after a jump of the DC level from +1000 uV to -1000 uV,
// through the 0.5 Hz high-pass and the 50 Hz notch, with or without a gap marked at the jump.
double power_after_jump(bool mark_gap) {
  const double sfreq = 256.0;
  DetectorOptions params;
  const BandLayout layout = BandLayout::make(params, sfreq);
  LaneFilters filters;
  filters.highpass = butterworth_highpass(2, 0.5, sfreq);
  filters.notch = notch_filter(50.0, 30.0, sfreq);
  filters.warmup_samples = 256;  // the cascade takes over after 1 s
  ConditioningLane lane({0}, filters, sfreq, layout.band_power_options(params));
  std::vector<double> level(60 * 256, 1000.0);  // 60 s: the high-pass has long settled
  lane.process(level.data(), level.size(), 0, level.size(), 0);
  if (mark_gap) lane.begin_segment();
  std::fill(level.begin(), level.end(), -1000.0);
  lane.process(level.data(), level.size(), 0, 512, 60 * 256);  // exactly one 2 s window
  const BandPowerResult& powers = lane.powers();
  // After a gap, the only window is the one starting at it (none spans it); without one, a
  // window straddling the jump comes first.
  EXPECT_EQ(powers.n_windows, mark_gap ? 1u : 2u);
  EXPECT_EQ(powers.window_start.back(), 60 * 256);
  double total = 0.0;
  for (std::size_t b = 0; b < powers.n_bands; ++b) total += powers.at(powers.n_windows - 1, 0, b);
  return total;
}

TEST(ConditioningLane, RestartsInTheSteadyStateOfTheFirstSampleAfterAGap) {
  // Without the gap the filters see a 2000 uV step (a transient of hundreds of uV); after a
  // marked gap they start in the steady state of -1000 uV, whose high-passed output is 0.
  EXPECT_GT(power_after_jump(false), 1e3);
  EXPECT_LT(power_after_jump(true), 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Bad-channel judge and Goertzel
// ---------------------------------------------------------------------------------------------

TEST(BlockGoertzel, MeasuresTheAmplitudeOfATone) {
  const double sfreq = 256.0;
  for (const double amplitude : {3.0, 40.0}) {
    BlockGoertzel tone(50.0, sfreq);
    for (int i = 0; i < 10 * 256 + 100; ++i) {  // 10 whole blocks and a part not counted
      tone.push(amplitude * std::sin(2.0 * std::numbers::pi * 50.0 * i / sfreq + 0.3) +
                5.0 * std::sin(2.0 * std::numbers::pi * 11.0 * i / sfreq));
    }
    EXPECT_EQ(tone.blocks(), 10);
    EXPECT_NEAR(tone.amplitude(), amplitude, 1e-6 * amplitude);
  }
}

TEST(BadChannels, FlatLineNoiseAndNonFinite) {
  const double sfreq = 256.0;
  std::vector<WarmupStatistics> channels(5, WarmupStatistics(50.0, sfreq));
  std::vector<double> x(30 * 256);
  for (std::size_t c = 0; c < channels.size(); ++c) {
    const double mains = c == 2 ? 60.0 : 1.0;  // channel 2: 60 uV of mains, the others 1 uV
    const double eeg = c == 1 ? 0.1 : 20.0;    // channel 1: flat (RMS 0.07 uV)
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double t = static_cast<double>(i) / sfreq;
      x[i] = eeg * std::sin(2.0 * std::numbers::pi * 7.0 * t) +
             (c == 1 ? 0.0 : mains * std::sin(2.0 * std::numbers::pi * 50.0 * t));
    }
    channels[c].add(x.data(), x.size());
  }
  channels[4].mark_non_finite();
  BadChannelRules rules;
  rules.line_hz = 50.0;
  const auto reasons = judge_bad_channels(channels, rules);
  EXPECT_EQ(reasons, (std::vector<std::string>{"", "flat", "line noise", "",
                                               "not calibrated (non-finite samples)"}));
  EXPECT_NEAR(channels[0].rms(), std::sqrt((20.0 * 20.0 + 1.0) / 2.0), 1e-3);
  rules.line_hz = 0.0;  // no notch: no line-noise rule
  EXPECT_EQ(judge_bad_channels(channels, rules)[2], "");
}

}  // namespace
}  // namespace ictaltrack::detail
