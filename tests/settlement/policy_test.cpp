#include "posim/settlement/policy.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace posim::settlement {
namespace {

const Currency kCny = *currencyByAlpha("CNY");

Money cny(std::int64_t minor_units) {
  return Money(minor_units, kCny);
}

std::int64_t rateOf(std::string_view text) {
  auto rate = FeeRule::parseRate(text);
  EXPECT_TRUE(rate.isOk()) << text << ": " << rate.status().toString();
  return rate.valueOr(-1);
}

TEST(CycleTest, ParsesGoodForms) {
  EXPECT_EQ(Cycle::parse("T+1").valueOr({}), (Cycle{Cycle::Kind::kBusinessDays, 1}));
  EXPECT_EQ(Cycle::parse("t+0").valueOr({}), (Cycle{Cycle::Kind::kBusinessDays, 0}));
  EXPECT_EQ(Cycle::parse("D+1").valueOr({}), (Cycle{Cycle::Kind::kCalendarDays, 1}));
  EXPECT_EQ(Cycle::parse("d+10").valueOr({}), (Cycle{Cycle::Kind::kCalendarDays, 10}));
  EXPECT_EQ(Cycle::parse(" T+3 ").valueOr({}), (Cycle{Cycle::Kind::kBusinessDays, 3}));
  EXPECT_EQ(Cycle::parse("T+365").valueOr({}), (Cycle{Cycle::Kind::kBusinessDays, 365}));
  EXPECT_EQ(Cycle::parse("instant").valueOr({}), (Cycle{Cycle::Kind::kInstant, 0}));
  EXPECT_EQ(Cycle::parse("INSTANT").valueOr({}), (Cycle{Cycle::Kind::kInstant, 0}));
  EXPECT_TRUE(Cycle::parse("T+2")->businessDays());
  EXPECT_FALSE(Cycle::parse("D+2")->businessDays());
}

TEST(CycleTest, RejectsBadForms) {
  for (std::string_view bad : {"", "T1", "T+", "X+1", "T+-1", "T-1", "T+366", "T+1000", "instant2",
                               "T+1d", "D+ 1", "+1"}) {
    const auto cycle = Cycle::parse(bad);
    ASSERT_FALSE(cycle.isOk()) << bad;
    EXPECT_EQ(cycle.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(Cycle::parse("T1").status().message(),
            "settlement cycle \"T1\": expected T+n (n business days), D+n (n calendar days) or "
            "instant, n from 0 to 365");
}

TEST(CycleTest, ToStringRoundTrips) {
  EXPECT_EQ((Cycle{Cycle::Kind::kBusinessDays, 1}).toString(), "T+1");
  EXPECT_EQ((Cycle{Cycle::Kind::kCalendarDays, 0}).toString(), "D+0");
  EXPECT_EQ((Cycle{Cycle::Kind::kInstant, 0}).toString(), "instant");
  for (std::string_view text : {"T+0", "T+3", "D+1", "instant"}) {
    EXPECT_EQ(Cycle::parse(text)->toString(), text);
  }
}

TEST(FeeRateTest, ParsesFractionsAndPercentages) {
  EXPECT_EQ(rateOf("0.006"), 6'000'000);
  EXPECT_EQ(rateOf("0.6%"), 6'000'000);
  EXPECT_EQ(rateOf("0.6 %"), 6'000'000);
  EXPECT_EQ(rateOf("0.38%"), 3'800'000);
  EXPECT_EQ(rateOf("0.0038"), 3'800'000);
  EXPECT_EQ(rateOf("0"), 0);
  EXPECT_EQ(rateOf("0%"), 0);
  EXPECT_EQ(rateOf(".5"), 500'000'000);
  EXPECT_EQ(rateOf("1"), 1'000'000'000);
  EXPECT_EQ(rateOf("1.000"), 1'000'000'000);
  EXPECT_EQ(rateOf("100%"), 1'000'000'000);
  EXPECT_EQ(rateOf("0.000000001"), 1);
  EXPECT_EQ(rateOf("0.0000001%"), 1);
  EXPECT_EQ(rateOf("0.00600000000000"), 6'000'000);  // trailing zeros are not digits of precision
}

TEST(FeeRateTest, RejectsBadText) {
  for (std::string_view bad : {"", "%", ".", "abc", "0.6%%", "1,5", "-0.1", "-1%", "1.5", "101%",
                               "2", "0.0000000001", "0.00000001%", "0x10", "6e-3", "1000"}) {
    const auto rate = FeeRule::parseRate(bad);
    ASSERT_FALSE(rate.isOk()) << bad;
    EXPECT_EQ(rate.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(FeeRule::parseRate("abc").status().message(),
            "fee rate \"abc\": unexpected character 'a' (expected a fraction like 0.006 or a "
            "percentage like 0.6%)");
  EXPECT_EQ(FeeRule::parseRate("-0.1").status().message(),
            "fee rate \"-0.1\": a fee rate cannot be negative (expected a fraction like 0.006 or a "
            "percentage like 0.6%)");
  EXPECT_EQ(FeeRule::parseRate("1.5").status().message(),
            "fee rate \"1.5\": a fee rate cannot be above 100% (expected a fraction like 0.006 or "
            "a percentage like 0.6%)");
  EXPECT_EQ(FeeRule::parseRate("0.0000000001").status().message(),
            "fee rate \"0.0000000001\": more than 9 decimal places (expected a fraction like "
            "0.006 or a percentage like 0.6%)");
}

TEST(FeeTest, WorkedExampleHundredYuanAtPointSixPercent) {
  FeeRule fee;
  fee.rate_billionths = 6'000'000;
  EXPECT_EQ(fee.feeFor(cny(10000)), cny(60));
  EXPECT_EQ((cny(10000) - fee.feeFor(cny(10000))).toDecimalString(), "99.40");
}

TEST(FeeTest, RoundsHalfUp) {
  FeeRule fee;
  fee.rate_billionths = 6'000'000;          // 0.6%
  EXPECT_EQ(fee.feeFor(cny(250)), cny(2));  // 1.5 -> 2
  EXPECT_EQ(fee.feeFor(cny(249)), cny(1));  // 1.494 -> 1
  EXPECT_EQ(fee.feeFor(cny(251)), cny(2));  // 1.506 -> 2
  EXPECT_EQ(fee.feeFor(cny(25)), cny(0));   // 0.15 -> 0
  EXPECT_EQ(fee.feeFor(cny(0)), cny(0));
  fee.rate_billionths = 10'000'000;           // 1%
  EXPECT_EQ(fee.feeFor(cny(250)), cny(3));    // 2.5 -> 3 (half to even would give 2)
  EXPECT_EQ(fee.feeFor(cny(50)), cny(1));     // 0.5 -> 1
  EXPECT_EQ(fee.feeFor(cny(49)), cny(0));     // 0.49 -> 0
  fee.rate_billionths = 3'800'000;            // 0.38%
  EXPECT_EQ(fee.feeFor(cny(2500)), cny(10));  // 9.5 -> 10
  EXPECT_EQ(fee.feeFor(cny(2499)), cny(9));   // 9.4962 -> 9
}

TEST(FeeTest, FixedMinMax) {
  FeeRule fee;
  fee.rate_billionths = 6'000'000;
  fee.fixed = 50;
  EXPECT_EQ(fee.feeFor(cny(10000)), cny(110));  // 0.60 + 0.50
  EXPECT_EQ(fee.feeFor(cny(0)), cny(50));
  fee.fixed = 0;
  fee.min = 100;
  fee.max = 2000;
  EXPECT_EQ(fee.feeFor(cny(1000)), cny(100));        // 0.06 raised to 1.00
  EXPECT_EQ(fee.feeFor(cny(16667)), cny(100));       // exactly 1.00 (100.002 -> 100)
  EXPECT_EQ(fee.feeFor(cny(50000)), cny(300));       // inside
  EXPECT_EQ(fee.feeFor(cny(333333)), cny(2000));     // 19.99998 -> 20.00, at max
  EXPECT_EQ(fee.feeFor(cny(100000000)), cny(2000));  // 6000.00 lowered to 20.00
  fee.fixed = 50;
  EXPECT_EQ(fee.feeFor(cny(1000)), cny(100));     // 0.56 raised to 1.00
  EXPECT_EQ(fee.feeFor(cny(330000)), cny(2000));  // 19.80 + 0.50 lowered to 20.00
  fee.min = 3000;                                 // min above max: max wins
  EXPECT_EQ(fee.feeFor(cny(1000)), cny(2000));
}

TEST(FeeTest, NoOverflowAtTheTopOfInt64) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  FeeRule fee;
  fee.rate_billionths = 6'000'000;
  // 9223372036854775807 × 0.006 = 55340232221128654.842
  EXPECT_EQ(fee.feeFor(cny(kMax)).minorUnits(), 55'340'232'221'128'655);
  fee.rate_billionths = FeeRule::kRateScale;
  EXPECT_EQ(fee.feeFor(cny(kMax)).minorUnits(), kMax);
  fee.fixed = 1;
  EXPECT_EQ(fee.feeFor(cny(kMax)).minorUnits(), kMax);  // saturates
}

TEST(FeeTest, KeepsTheCurrency) {
  const Currency jpy = *currencyByAlpha("JPY");
  FeeRule fee;
  fee.rate_billionths = 6'000'000;
  EXPECT_EQ(fee.feeFor(Money(10000, jpy)), Money(60, jpy));
}

TEST(PolicyTest, DefaultsOfDesignSection5) {
  const Policy policy;
  EXPECT_EQ(policy.cycle, (Cycle{Cycle::Kind::kBusinessDays, 1}));
  EXPECT_EQ(policy.cutoff_seconds, 23 * 3600);
  EXPECT_EQ(policy.payout_seconds, std::vector<std::int64_t>{9 * 3600});
  EXPECT_EQ(policy.instant_delay, std::chrono::seconds(30));
  EXPECT_EQ(policy.refund_cycle, (Cycle{Cycle::Kind::kBusinessDays, 3}));
  EXPECT_EQ(policy.hold_expiry, std::chrono::hours(24 * 30));
  EXPECT_FALSE(policy.review.threshold.has_value());
}

TEST(PolicyTest, Describe) {
  Policy policy;
  EXPECT_EQ(policy.describe(), "T+1 cutoff 23:00 payout 09:00 fee 0%");
  policy.fee.rate_billionths = 6'000'000;
  EXPECT_EQ(policy.describe(), "T+1 cutoff 23:00 payout 09:00 fee 0.6%");
  policy.payout_seconds = {9 * 3600, 15 * 3600 + 30};
  policy.cutoff_seconds = 22 * 3600 + 30 * 60;
  policy.fee.fixed = 50;
  policy.fee.min = 0;
  policy.fee.max = 2000;
  policy.review.threshold = 5'000'000;
  policy.review.extra_business_days = 2;
  EXPECT_EQ(policy.describe(),
            "T+1 cutoff 22:30 payout 09:00,15:00:30 fee 0.6% + 50 min 0 max 2000 review >= "
            "5000000 +2T");
  Policy instant;
  instant.cycle = Cycle{Cycle::Kind::kInstant, 0};
  instant.fee.rate_billionths = 3'800'000;
  EXPECT_EQ(instant.describe(), "instant delay 30s fee 0.38%");
}

}  // namespace
}  // namespace posim::settlement
