// Hand-derived SzCORE event-scoring cases (defaults: widen 30 s before / 60 s after, merge gaps
// under 90 s, split at 300 s, any overlap counts). The randomised comparison with timescoring
// itself is in tests/python/test_event_scoring.py.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "ictaltrack/scoring/event_scoring.hpp"

using namespace ictaltrack;

namespace {
constexpr double kDay = 86400.0;
}

TEST(EventScoring, NoEventsGivesUndefinedRatiosAndNoFalseAlarms) {
  const EventScores s = score_events(std::vector<ScoredEvent>{}, {}, 3600.0);
  EXPECT_EQ(s.reference_events, 0);
  EXPECT_EQ(s.true_positives, 0);
  EXPECT_EQ(s.false_positives, 0);
  EXPECT_EQ(s.num_samples, 36000);
  EXPECT_TRUE(std::isnan(s.sensitivity));
  EXPECT_TRUE(std::isnan(s.precision));
  EXPECT_TRUE(std::isnan(s.f1));
  EXPECT_EQ(s.fp_per_24h, 0.0);
}

TEST(EventScoring, NoReferenceOnlyFalseAlarms) {
  // Two detections 2 h apart in a 12 h file: 2 false positives per half day = 4 per day.
  const EventScores s = score_events({}, {{100, 130}, {7300, 7330}}, kDay / 2);
  EXPECT_EQ(s.false_positives, 2);
  EXPECT_TRUE(std::isnan(s.sensitivity));
  EXPECT_EQ(s.precision, 0.0);
  EXPECT_EQ(s.f1, 0.0);  // 2*0 / (0 + 2 + 0)
  EXPECT_DOUBLE_EQ(s.fp_per_24h, 4.0);
}

TEST(EventScoring, NoHypothesisMissesEverything) {
  const EventScores s = score_events({{100, 160}}, {}, 3600.0);
  EXPECT_EQ(s.reference_events, 1);
  EXPECT_EQ(s.true_positives, 0);
  EXPECT_EQ(s.sensitivity, 0.0);
  EXPECT_TRUE(std::isnan(s.precision));
  EXPECT_EQ(s.f1, 0.0);  // 0 / (0 + 0 + 1)
}

TEST(EventScoring, OverlapIsAHit) {
  const EventScores s = score_events({{100, 160}}, {{150, 200}}, kDay);
  EXPECT_EQ(s.true_positives, 1);
  EXPECT_EQ(s.false_positives, 0);
  EXPECT_EQ(s.sensitivity, 1.0);
  EXPECT_EQ(s.precision, 1.0);
  EXPECT_EQ(s.f1, 1.0);
}

TEST(EventScoring, ToleranceWindowIs30sBeforeAnd60sAfter) {
  // Window of (100, 160) is (70, 220).
  EXPECT_EQ(score_events({{100, 160}}, {{75, 80}}, kDay).true_positives, 1);
  EXPECT_EQ(score_events({{100, 160}}, {{215, 230}}, kDay).true_positives, 1);
  const EventScores early = score_events({{100, 160}}, {{60, 69.9}}, kDay);
  EXPECT_EQ(early.true_positives, 0);
  EXPECT_EQ(early.false_positives, 1);
  EXPECT_DOUBLE_EQ(early.fp_per_24h, 1.0);
  const EventScores late = score_events({{100, 160}}, {{220, 230}}, kDay);
  EXPECT_EQ(late.true_positives, 0);
  EXPECT_EQ(late.false_positives, 1);
  ASSERT_EQ(late.reference_windows.size(), 1u);
  EXPECT_EQ(late.reference_windows[0].start_s, 70.0);
  EXPECT_EQ(late.reference_windows[0].end_s, 220.0);
}

TEST(EventScoring, DetectionReachingOutOfTheWindowIsNotFalse) {
  // Any sample inside a hit window keeps a detection from counting as false.
  const EventScores s = score_events({{100, 160}}, {{200, 290}}, kDay);
  EXPECT_EQ(s.true_positives, 1);
  EXPECT_EQ(s.false_positives, 0);
}

TEST(EventScoring, EventsCloserThan90sMerge) {
  EXPECT_EQ(score_events({{100, 160}, {249.9, 300}}, {}, kDay).reference_events, 1);
  const EventScores apart = score_events({{100, 160}, {250, 300}}, {}, kDay);
  EXPECT_EQ(apart.reference_events, 2);  // a gap of exactly 90 s is kept
  // Hypotheses merge too: three bursts 60 s apart are one false alarm, not three.
  const EventScores bursts = score_events({}, {{1000, 1010}, {1070, 1080}, {1140, 1150}}, kDay);
  EXPECT_EQ(bursts.hypothesis_events, 1);
  EXPECT_EQ(bursts.false_positives, 1);
}

TEST(EventScoring, MergedGapCountsAsDetected) {
  // Without tolerances the window of (100, 110) is itself; the bursts 50-90 s and 120-150 s miss
  // it, but merged (gap 30 s < 90 s) into 50-150 s they cover it.
  EventScoringOptions no_tolerance;
  no_tolerance.tolerance_start_s = 0;
  no_tolerance.tolerance_end_s = 0;
  const EventScores merged = score_events({{100, 110}}, {{50, 90}, {120, 150}}, kDay, no_tolerance);
  EXPECT_EQ(merged.hypothesis_events, 1);
  EXPECT_EQ(merged.true_positives, 1);
  EXPECT_EQ(merged.false_positives, 0);
  EventScoringOptions no_merge = no_tolerance;
  no_merge.min_duration_between_events_s = 0;
  const EventScores apart = score_events({{100, 110}}, {{50, 90}, {120, 150}}, kDay, no_merge);
  EXPECT_EQ(apart.hypothesis_events, 2);
  EXPECT_EQ(apart.true_positives, 0);
  EXPECT_EQ(apart.false_positives, 2);
}

TEST(EventScoring, LongEventsSplitInto300sPieces) {
  // 700 s -> 300 + 300 + 100; windows (970,1360), (1270,1660), (1570,1760).
  const EventScores s = score_events({{1000, 1700}}, {{1650, 1660}}, kDay);
  ASSERT_EQ(s.reference_events, 3);
  EXPECT_EQ(s.reference[1].start_s, 1300.0);
  EXPECT_EQ(s.reference[2].end_s, 1700.0);
  EXPECT_EQ(s.true_positives, 2);
  EXPECT_EQ(s.false_positives, 0);
  EXPECT_DOUBLE_EQ(s.sensitivity, 2.0 / 3.0);
  EXPECT_EQ(s.reference_detected, (std::vector<bool>{false, true, true}));
}

TEST(EventScoring, LongDetectionSpanningTwoSeizures) {
  // Detection 50-1050 s splits into (50,350) (350,650) (650,950) (950,1050); the reference windows
  // are (70,170) and (970,1070): the first and last pieces hit, the middle two are false.
  const EventScores s = score_events({{100, 110}, {1000, 1010}}, {{50, 1050}}, kDay);
  EXPECT_EQ(s.hypothesis_events, 4);
  EXPECT_EQ(s.true_positives, 2);
  EXPECT_EQ(s.false_positives, 2);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.f1, 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(s.fp_per_24h, 2.0);
}

TEST(EventScoring, SeveralDetectionsInOneWindowAreOneHit) {
  const EventScores s = score_events({{1000, 1250}}, {{975, 980}, {1100, 1105}}, kDay);
  EXPECT_EQ(s.hypothesis_events, 2);
  EXPECT_EQ(s.true_positives, 1);
  EXPECT_EQ(s.false_positives, 0);
  EXPECT_EQ(s.precision, 1.0);
}

TEST(EventScoring, EventsAtTheFileEdges) {
  // At the start the window is cut at 0 s, at the end at the recording's end.
  const EventScores start = score_events({{0, 10}}, {{65, 66}}, 1000.0);
  EXPECT_EQ(start.reference_windows[0].start_s, 0.0);
  EXPECT_EQ(start.true_positives, 1);
  const EventScores end = score_events({{990, 1000}}, {{995, 1010}}, 1000.0);
  EXPECT_EQ(end.reference_windows[0].end_s, 1000.0);
  EXPECT_EQ(end.hypothesis[0].end_s, 1000.0);  // cut at the recording end
  EXPECT_EQ(end.true_positives, 1);
  EXPECT_EQ(end.false_positives, 0);
}

TEST(EventScoring, OverlappingAndContainedEventsAreUnited) {
  // (150, 200) lies inside (100, 400): the union is one 300 s event (not split: not > 300 s).
  const EventScores s = score_events({{150, 200}, {100, 400}}, {{440, 450}}, kDay);
  ASSERT_EQ(s.reference_events, 1);
  EXPECT_EQ(s.reference[0].start_s, 100.0);
  EXPECT_EQ(s.reference[0].end_s, 400.0);
  EXPECT_EQ(s.true_positives, 1);  // window ends at 460 s
}

TEST(EventScoring, MinimumRelativeOverlap) {
  EventScoringOptions half;
  half.min_overlap = 0.5;
  // Window (970, 1070) is 100 s wide.
  const EventScores low = score_events({{1000, 1010}}, {{1000, 1040}}, kDay, half);
  EXPECT_EQ(low.true_positives, 0);
  EXPECT_EQ(low.false_positives, 1);
  EXPECT_EQ(score_events({{1000, 1010}}, {{1000, 1060}}, kDay, half).true_positives, 1);
}

TEST(EventScoring, ZeroLengthDetectionIsFalse) {
  const EventScores s = score_events({{100, 160}}, {{120, 120}}, kDay);
  EXPECT_EQ(s.true_positives, 0);
  EXPECT_EQ(s.false_positives, 1);
}

TEST(EventScoring, TicksGiveTheSameAnswerAsSeconds) {
  const std::vector<TickEvent> ref{{100 * kTicksPerSecond, 160 * kTicksPerSecond}};
  const std::vector<TickEvent> hyp{{215 * kTicksPerSecond, 230 * kTicksPerSecond},
                                   {5000 * kTicksPerSecond, 5010 * kTicksPerSecond}};
  const EventScores s = score_events(ref, hyp, 7200 * kTicksPerSecond);
  EXPECT_EQ(s.true_positives, 1);
  EXPECT_EQ(s.false_positives, 1);
  EXPECT_DOUBLE_EQ(s.fp_per_24h, 12.0);
}

TEST(EventScoring, BadInputIsRejected) {
  EXPECT_THROW(score_events({{-1, 10}}, {}, 100.0), std::invalid_argument);
  EXPECT_THROW(score_events({{20, 10}}, {}, 100.0), std::invalid_argument);
  EXPECT_THROW(score_events({}, {{150, 160}}, 100.0), std::invalid_argument);
  EXPECT_THROW(score_events({}, {{NAN, 160}}, 100.0), std::invalid_argument);
  EXPECT_THROW(score_events({}, {}, 0.0), std::invalid_argument);
  EXPECT_THROW(score_events({}, {}, 0.01), std::invalid_argument);  // < one 10 Hz sample
  EXPECT_THROW(score_events({}, {}, 1e300), std::invalid_argument);
  EventScoringOptions bad;
  bad.max_event_duration_s = 0;
  EXPECT_THROW(score_events({}, {}, 100.0, bad), std::invalid_argument);
}
