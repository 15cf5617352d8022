#include "posim/settlement/arrival.h"

#include <chrono>
#include <cstdint>

#include <gtest/gtest.h>

#include "cn_2026.h"

namespace posim::settlement {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using test::at;
using test::cn2026;
using test::day;

const Currency kCny = *currencyByAlpha("CNY");

Money cny(std::int64_t minor_units) {
  return Money(minor_units, kCny);
}

Policy policyWith(std::string_view cycle) {
  Policy policy;
  policy.cycle = Cycle::parse(cycle).valueOr({});
  return policy;
}

// The arrival of 100.00 CNY captured at `t` under `cycle` (cutoff 23:00, payout 09:00), as ISO
// 8601 text.
std::string arrivalOf(std::string_view cycle, std::string_view t,
                      const Calendar& calendar = cn2026()) {
  return formatIso8601(computeArrival(policyWith(cycle), calendar, at(t), cny(10000)).arrival_at);
}

// ---- The worked example of DESIGN.md §5 ----

TEST(ArrivalTest, WorkedExampleT1AfternoonBeforeNationalDay) {
  Policy policy = policyWith("T+1");
  policy.fee.rate_billionths = 6'000'000;
  const Arrival a = computeArrival(policy, cn2026(), at("2026-09-30T15:00:00+08:00"), cny(10000));
  EXPECT_EQ(a.clearing_date, day("2026-09-30"));
  EXPECT_EQ(a.settlement_date, day("2026-10-08"));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-08T09:00:00+08:00");
  EXPECT_EQ(a.arrival_at.utc_offset, minutes(480));
  EXPECT_FALSE(a.in_review);
  EXPECT_EQ(a.fee, cny(60));
  EXPECT_EQ(a.net_amount.toDecimalString(), "99.40");
  EXPECT_EQ(a.delay, hours(186));
  EXPECT_EQ(formatHours(a.delay), "186.00");
}

TEST(ArrivalTest, WorkedExampleT1AfterCutoffClearsAfterTheHoliday) {
  const Arrival a =
      computeArrival(policyWith("T+1"), cn2026(), at("2026-09-30T23:30:00+08:00"), cny(10000));
  EXPECT_EQ(a.clearing_date, day("2026-10-08"));
  EXPECT_EQ(a.settlement_date, day("2026-10-09"));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-09T09:00:00+08:00");
  EXPECT_EQ(formatHours(a.delay), "201.50");
}

TEST(ArrivalTest, WorkedExampleT1ArrivesOnMakeupSaturday) {
  const Arrival a =
      computeArrival(policyWith("T+1"), cn2026(), at("2026-10-09T12:00:00+08:00"), cny(10000));
  EXPECT_EQ(a.clearing_date, day("2026-10-09"));
  EXPECT_EQ(a.settlement_date, day("2026-10-10"));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-10T09:00:00+08:00");
}

TEST(ArrivalTest, WorkedExampleD1ArrivesOnTheHoliday) {
  const Arrival a =
      computeArrival(policyWith("D+1"), cn2026(), at("2026-09-30T15:00:00+08:00"), cny(10000));
  EXPECT_EQ(a.clearing_date, day("2026-09-30"));
  EXPECT_EQ(a.settlement_date, day("2026-10-01"));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-01T09:00:00+08:00");
  EXPECT_EQ(formatHours(a.delay), "18.00");
}

// ---- Cutoff ----

TEST(ArrivalTest, ExactlyAtCutoffCountsAsAfter) {
  const Arrival a =
      computeArrival(policyWith("T+1"), cn2026(), at("2026-09-30T23:00:00+08:00"), cny(10000));
  EXPECT_EQ(a.clearing_date, day("2026-10-08"));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-09T09:00:00+08:00");
}

TEST(ArrivalTest, OneSecondAndOneMicrosecondBeforeCutoffCountAsBefore) {
  EXPECT_EQ(arrivalOf("T+1", "2026-09-30T22:59:59+08:00"), "2026-10-08T09:00:00+08:00");
  const Arrival a = computeArrival(policyWith("T+1"), cn2026(),
                                   at("2026-09-30T22:59:59.999999+08:00"), cny(10000));
  EXPECT_EQ(a.clearing_date, day("2026-09-30"));
}

TEST(ArrivalTest, CutoffBeforeAHolidayWeekend) {
  // Thursday 2026-09-24; Mid-Autumn is Fri 25 to Sun 27.
  const Arrival before =
      computeArrival(policyWith("T+1"), cn2026(), at("2026-09-24T22:00:00+08:00"), cny(10000));
  EXPECT_EQ(before.clearing_date, day("2026-09-24"));
  EXPECT_EQ(before.settlement_date, day("2026-09-28"));
  const Arrival after =
      computeArrival(policyWith("T+1"), cn2026(), at("2026-09-24T23:30:00+08:00"), cny(10000));
  EXPECT_EQ(after.clearing_date, day("2026-09-28"));
  EXPECT_EQ(after.settlement_date, day("2026-09-29"));
  EXPECT_EQ(formatIso8601(after.arrival_at), "2026-09-29T09:00:00+08:00");
}

TEST(ArrivalTest, CustomCutoff) {
  Policy policy = policyWith("T+1");
  policy.cutoff_seconds = 20 * 3600;  // 20:00
  const Arrival a = computeArrival(policy, cn2026(), at("2026-10-08T20:00:00+08:00"), cny(100));
  EXPECT_EQ(a.clearing_date, day("2026-10-09"));
  EXPECT_EQ(a.settlement_date, day("2026-10-10"));
}

// ---- Make-up days ----

TEST(ArrivalTest, MakeupSundayClearsAWeekendSale) {
  // Saturday 2026-09-19 is not a business day; Sunday 09-20 is a make-up workday.
  const Arrival a =
      computeArrival(policyWith("T+1"), cn2026(), at("2026-09-19T10:00:00+08:00"), cny(10000));
  EXPECT_EQ(a.clearing_date, day("2026-09-20"));
  EXPECT_EQ(a.settlement_date, day("2026-09-21"));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-09-21T09:00:00+08:00");
}

TEST(ArrivalTest, SaleOnMakeupSaturdaySettlesMonday) {
  EXPECT_EQ(arrivalOf("T+1", "2026-10-10T10:00:00+08:00"), "2026-10-12T09:00:00+08:00");
  EXPECT_EQ(arrivalOf("T+1", "2026-10-09T23:30:00+08:00"), "2026-10-12T09:00:00+08:00");
}

// ---- T+0 and D+0 ----

TEST(ArrivalTest, T0OnAHolidayPaysOnTheNextBusinessDay) {
  const Arrival a =
      computeArrival(policyWith("T+0"), cn2026(), at("2026-10-03T10:00:00+08:00"), cny(10000));
  EXPECT_EQ(a.clearing_date, day("2026-10-08"));
  EXPECT_EQ(a.settlement_date, day("2026-10-08"));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-08T09:00:00+08:00");
  // An ordinary weekend under weekends-only.
  EXPECT_EQ(arrivalOf("T+0", "2026-11-21T10:00:00+08:00", Calendar::weekendsOnly()),
            "2026-11-23T09:00:00+08:00");
}

TEST(ArrivalTest, T0OnABusinessDay) {
  EXPECT_EQ(arrivalOf("T+0", "2026-10-08T08:00:00+08:00"), "2026-10-08T09:00:00+08:00");
  EXPECT_EQ(arrivalOf("T+0", "2026-10-08T09:00:00+08:00"), "2026-10-08T09:00:00+08:00");
  // After the day's payout: the next business day's.
  EXPECT_EQ(arrivalOf("T+0", "2026-10-08T10:00:00+08:00"), "2026-10-09T09:00:00+08:00");
}

TEST(ArrivalTest, D0AfterTheLastPayoutGoesToTheNextDaysFirst) {
  EXPECT_EQ(arrivalOf("D+0", "2026-10-03T08:00:00+08:00"), "2026-10-03T09:00:00+08:00");
  const Arrival a =
      computeArrival(policyWith("D+0"), cn2026(), at("2026-10-03T10:00:00+08:00"), cny(10000));
  EXPECT_EQ(a.clearing_date, day("2026-10-03"));
  EXPECT_EQ(a.settlement_date, day("2026-10-03"));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-04T09:00:00+08:00");  // a holiday Sunday
  EXPECT_EQ(arrivalOf("D+0", "2026-10-03T23:30:00+08:00"), "2026-10-04T09:00:00+08:00");
}

TEST(ArrivalTest, SeveralPayoutTimes) {
  Policy policy = policyWith("T+0");
  policy.payout_seconds = {9 * 3600, 15 * 3600};
  const auto arrive = [&](std::string_view t) {
    return formatIso8601(computeArrival(policy, cn2026(), at(t), cny(100)).arrival_at);
  };
  EXPECT_EQ(arrive("2026-09-30T08:00:00+08:00"), "2026-09-30T09:00:00+08:00");
  EXPECT_EQ(arrive("2026-09-30T12:00:00+08:00"), "2026-09-30T15:00:00+08:00");
  EXPECT_EQ(arrive("2026-09-30T15:00:00+08:00"), "2026-09-30T15:00:00+08:00");
  EXPECT_EQ(arrive("2026-09-30T16:00:00+08:00"), "2026-10-08T09:00:00+08:00");
  // T+1 only looks at the settlement date's payouts.
  policy.cycle = Cycle{Cycle::Kind::kBusinessDays, 1};
  EXPECT_EQ(arrive("2026-09-30T16:00:00+08:00"), "2026-10-08T09:00:00+08:00");
  // Unsorted payout times still give the earliest.
  policy.payout_seconds = {15 * 3600, 9 * 3600};
  EXPECT_EQ(arrive("2026-09-30T16:00:00+08:00"), "2026-10-08T09:00:00+08:00");
}

// ---- Review ----

TEST(ArrivalTest, ReviewThresholdIsInclusive) {
  Policy policy = policyWith("T+1");
  policy.review.threshold = 5'000'000;  // 50,000.00
  policy.review.extra_business_days = 2;
  const LocalDateTime t = at("2026-09-30T15:00:00+08:00");
  const Arrival at_threshold = computeArrival(policy, cn2026(), t, cny(5'000'000));
  EXPECT_TRUE(at_threshold.in_review);
  EXPECT_EQ(at_threshold.settlement_date, day("2026-10-10"));  // 10-08 + 2 business days
  EXPECT_EQ(formatIso8601(at_threshold.arrival_at), "2026-10-10T09:00:00+08:00");
  const Arrival below = computeArrival(policy, cn2026(), t, cny(4'999'999));
  EXPECT_FALSE(below.in_review);
  EXPECT_EQ(below.settlement_date, day("2026-10-08"));
  // Zero extra days: still flagged, date unchanged.
  policy.review.extra_business_days = 0;
  const Arrival flagged = computeArrival(policy, cn2026(), t, cny(6'000'000));
  EXPECT_TRUE(flagged.in_review);
  EXPECT_EQ(flagged.settlement_date, day("2026-10-08"));
}

TEST(ArrivalTest, ReviewUnderADCycleAddsBusinessDays) {
  Policy policy = policyWith("D+1");
  policy.review.threshold = 5'000'000;
  policy.review.extra_business_days = 1;
  const Arrival a =
      computeArrival(policy, cn2026(), at("2026-09-30T15:00:00+08:00"), cny(5'000'000));
  EXPECT_TRUE(a.in_review);
  EXPECT_EQ(a.settlement_date, day("2026-10-08"));  // 10-01 + 1 business day
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-08T09:00:00+08:00");
}

// ---- Instant ----

TEST(ArrivalTest, InstantArrivesAfterTheDelay) {
  Policy policy = policyWith("instant");
  policy.fee.rate_billionths = 6'000'000;
  policy.review.threshold = 100;  // does not apply to instant
  const Arrival a = computeArrival(policy, cn2026(), at("2026-10-01T10:00:00+08:00"), cny(10000));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-01T10:00:30+08:00");
  EXPECT_EQ(a.clearing_date, day("2026-10-01"));
  EXPECT_EQ(a.settlement_date, day("2026-10-01"));
  EXPECT_FALSE(a.in_review);
  EXPECT_EQ(a.delay, seconds(30));
  EXPECT_EQ(a.fee, cny(60));
  // Across midnight the dates are the arrival's.
  policy.instant_delay = seconds(30);
  const Arrival late = computeArrival(policy, cn2026(), at("2026-10-01T23:59:45+08:00"), cny(1));
  EXPECT_EQ(formatIso8601(late.arrival_at), "2026-10-02T00:00:15+08:00");
  EXPECT_EQ(late.clearing_date, day("2026-10-02"));
  EXPECT_EQ(late.settlement_date, day("2026-10-02"));
}

// ---- Offsets ----

TEST(ArrivalTest, LocalDatesComeFromTheOffset) {
  // 2026-09-30T23:30+08:00 is 15:30 UTC: after the local cutoff although the UTC time is not.
  EXPECT_EQ(arrivalOf("T+1", "2026-09-30T15:30:00Z"), "2026-10-08T09:00:00+00:00");
  EXPECT_EQ(arrivalOf("T+1", "2026-09-30T23:30:00+08:00"), "2026-10-09T09:00:00+08:00");
  const Arrival a = computeArrival(policyWith("T+1"), Calendar::weekendsOnly(),
                                   at("2026-11-20T12:00:00-05:00"), cny(100));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-11-23T09:00:00-05:00");
  EXPECT_EQ(a.arrival_at.utc_offset, minutes(-300));
}

// ---- Refunds, holds ----

TEST(RefundCreditTest, T3AcrossNationalDay) {
  Policy policy;  // refund_cycle T+3
  policy.fee.rate_billionths = 6'000'000;
  policy.review.threshold = 1;
  const Arrival a =
      computeRefundCredit(policy, cn2026(), at("2026-09-29T10:00:00+08:00"), cny(2000));
  EXPECT_EQ(a.clearing_date, day("2026-09-29"));
  EXPECT_EQ(a.settlement_date, day("2026-10-09"));  // 09-30, 10-08, 10-09
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-09T09:00:00+08:00");
  EXPECT_EQ(a.fee, cny(0));
  EXPECT_EQ(a.net_amount, cny(2000));
  EXPECT_FALSE(a.in_review);
  // After the cutoff the count starts a business day later.
  const Arrival late =
      computeRefundCredit(policy, cn2026(), at("2026-09-30T23:10:00+08:00"), cny(2000));
  EXPECT_EQ(late.clearing_date, day("2026-10-08"));
  EXPECT_EQ(formatIso8601(late.arrival_at), "2026-10-12T09:00:00+08:00");  // 10-09, 10-10, 10-12
}

TEST(RefundCreditTest, InstantRefundCycle) {
  Policy policy;
  policy.refund_cycle = Cycle{Cycle::Kind::kInstant, 0};
  policy.instant_delay = minutes(5);
  const Arrival a =
      computeRefundCredit(policy, cn2026(), at("2026-10-01T10:00:00+08:00"), cny(2000));
  EXPECT_EQ(formatIso8601(a.arrival_at), "2026-10-01T10:05:00+08:00");
}

TEST(HoldExpiryTest, ElapsedTimeFromPlacement) {
  Policy policy;
  EXPECT_EQ(formatIso8601(holdExpiry(policy, at("2026-09-30T21:30:00+08:00"))),
            "2026-10-30T21:30:00+08:00");
  policy.hold_expiry = hours(24 * 7);
  EXPECT_EQ(formatIso8601(holdExpiry(policy, at("2026-09-30T21:30:00+08:00"))),
            "2026-10-07T21:30:00+08:00");
}

// ---- Reporting helpers ----

TEST(FormatHoursTest, TwoDecimalsHalfUp) {
  EXPECT_EQ(formatHours(hours(0)), "0.00");
  EXPECT_EQ(formatHours(seconds(18)), "0.01");  // 0.005 h exactly
  EXPECT_EQ(formatHours(seconds(17)), "0.00");
  EXPECT_EQ(formatHours(seconds(30)), "0.01");
  EXPECT_EQ(formatHours(hours(183) + minutes(59) + seconds(24)), "183.99");
  EXPECT_EQ(formatHours(hours(201) + minutes(30)), "201.50");
  EXPECT_EQ(formatHours(-seconds(18)), "-0.01");
  EXPECT_EQ(formatHours(-seconds(1)), "0.00");
}

TEST(WhatIfTest, ThreePoliciesSideBySide) {
  Policy instant = policyWith("instant");
  const std::vector<NamedPolicy> policies = {
      {"T+1", policyWith("T+1")}, {"D+0", policyWith("D+0")}, {"instant", instant}};
  const std::vector<Capture> captures = {
      {"coffee", at("2026-09-30T15:00:00+08:00"), cny(8800)},
      {"late", at("2026-09-30T23:30:00+08:00"), cny(2000)},
  };
  const WhatIf w = whatIf(captures, policies, cn2026());
  EXPECT_EQ(w.policy_names, (std::vector<std::string>{"T+1", "D+0", "instant"}));
  ASSERT_EQ(w.rows.size(), 2u);
  EXPECT_EQ(w.rows[0].id, "coffee");
  ASSERT_EQ(w.rows[0].arrivals.size(), 3u);
  EXPECT_EQ(formatIso8601(w.rows[0].arrivals[0].arrival_at), "2026-10-08T09:00:00+08:00");
  EXPECT_EQ(formatIso8601(w.rows[0].arrivals[1].arrival_at), "2026-10-01T09:00:00+08:00");
  EXPECT_EQ(formatIso8601(w.rows[0].arrivals[2].arrival_at), "2026-09-30T15:00:30+08:00");
  EXPECT_EQ(w.rows[1].id, "late");
  EXPECT_EQ(formatIso8601(w.rows[1].arrivals[0].arrival_at), "2026-10-09T09:00:00+08:00");
  EXPECT_EQ(formatIso8601(w.rows[1].arrivals[1].arrival_at), "2026-10-01T09:00:00+08:00");
  EXPECT_EQ(formatIso8601(w.rows[1].arrivals[2].arrival_at), "2026-09-30T23:30:30+08:00");
  EXPECT_TRUE(whatIf({}, policies, cn2026()).rows.empty());
}

TEST(WhatIfTest, DelayHoursPerPolicyInRowOrder) {
  const std::vector<NamedPolicy> policies = {{"T+1", policyWith("T+1")},
                                             {"D+0", policyWith("D+0")}};
  const std::vector<Capture> captures = {
      {"coffee", at("2026-09-30T15:00:00+08:00"), cny(8800)},
      {"late", at("2026-09-30T23:30:00+08:00"), cny(2000)},
  };
  WhatIf w = whatIf(captures, policies, cn2026());
  // 30 Sep 15:00 -> 8 Oct 09:00 is 186 h; 30 Sep 23:30 -> 9 Oct 09:00 is 201.5 h.
  EXPECT_EQ(whatIfDelayHours(w, 0), (std::vector<double>{186.0, 201.5}));
  EXPECT_EQ(whatIfDelayHours(w, 1), (std::vector<double>{18.0, 9.5}));
  EXPECT_TRUE(whatIfDelayHours(w, 2).empty());
  w.rows[1].arrivals.pop_back();  // a row without the second policy is skipped
  EXPECT_EQ(whatIfDelayHours(w, 1), (std::vector<double>{18.0}));
  EXPECT_TRUE(whatIfDelayHours(WhatIf{}, 0).empty());
}

}  // namespace
}  // namespace posim::settlement
