#include "posim/base/clock.h"

#include <gtest/gtest.h>

namespace posim {
namespace {

using namespace std::chrono_literals;

TEST(Iso8601Test, ParseAndFormatWithOffset) {
  auto t = parseIso8601("2026-09-30T21:30:00+08:00");
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  EXPECT_EQ(t->utc_offset, std::chrono::minutes(480));
  EXPECT_EQ(formatIso8601(*t), "2026-09-30T21:30:00+08:00");
  EXPECT_EQ(formatDate(t->date()), "2026-09-30");
  EXPECT_EQ(t->secondOfDay(), 21 * 3600 + 30 * 60);
  // The same instant in UTC.
  EXPECT_EQ(formatIso8601({t->instant, 0min}), "2026-09-30T13:30:00+00:00");
}

TEST(Iso8601Test, LocalDateCrossesMidnight) {
  auto t = parseIso8601("2026-09-30T23:30:00+08:00");
  ASSERT_TRUE(t.isOk());
  LocalDateTime later{t->instant + 1h, t->utc_offset};
  EXPECT_EQ(formatDate(later.date()), "2026-10-01");
  EXPECT_EQ(formatIso8601(later), "2026-10-01T00:30:00+08:00");
}

TEST(Iso8601Test, FractionsZuluAndNegativeOffsets) {
  auto z = parseIso8601("2026-01-02T03:04:05.25Z");
  ASSERT_TRUE(z.isOk());
  EXPECT_EQ(formatIso8601(*z), "2026-01-02T03:04:05.25+00:00");
  auto ny = parseIso8601("2026-01-02T03:04:05-05:00");
  ASSERT_TRUE(ny.isOk());
  EXPECT_EQ(formatIso8601({ny->instant, 0min}), "2026-01-02T08:04:05+00:00");
}

TEST(Iso8601Test, RejectsBadTimes) {
  EXPECT_FALSE(parseIso8601("2026-09-30").isOk());
  EXPECT_FALSE(parseIso8601("2026-09-30T21:30:00").isOk());  // no offset
  EXPECT_FALSE(parseIso8601("2026-02-30T21:30:00Z").isOk());
  EXPECT_FALSE(parseIso8601("2026-09-30T25:30:00Z").isOk());
  EXPECT_FALSE(parseIso8601("2026-09-30T21:30:00+8").isOk());
}

TEST(DurationTest, ParseAndFormat) {
  EXPECT_EQ(*parseDuration("30s"), 30s);
  EXPECT_EQ(*parseDuration("5m"), 5min);
  EXPECT_EQ(*parseDuration("2h"), 2h);
  EXPECT_EQ(*parseDuration("3d"), 72h);
  EXPECT_EQ(*parseDuration("1h30m"), 90min);
  EXPECT_EQ(*parseDuration("250ms"), 250ms);
  EXPECT_FALSE(parseDuration("").isOk());
  EXPECT_FALSE(parseDuration("5").isOk());
  EXPECT_FALSE(parseDuration("5w").isOk());
  EXPECT_FALSE(parseDuration("h").isOk());
  EXPECT_EQ(formatDuration(90min), "1h30m");
  EXPECT_EQ(formatDuration(Duration(0)), "0s");
  EXPECT_EQ(formatDuration(std::chrono::duration_cast<Duration>(1500ms)), "1s500ms");
}

// Found by tests/fuzz (fuzz_expressions): "133323227d72d" overflowed the microsecond count
// (undefined behaviour) instead of being refused.
TEST(DurationTest, TooLargeIsOutOfRangeNotOverflow) {
  EXPECT_EQ(parseDuration("133323227d72d").status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(parseDuration("1000000000d").status().code(), StatusCode::kOutOfRange);
  // Each part fits, the sum does not.
  EXPECT_EQ(parseDuration("100000000d10000000d").status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(*parseDuration("106751991d"), std::chrono::days(106751991));  // the most whole days
  EXPECT_EQ(parseDuration("106751992d").status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(*parseDuration("1000000000us"), std::chrono::seconds(1000));
}

TEST(TimeOfDayTest, Parse) {
  EXPECT_EQ(*parseTimeOfDay("23:00"), 23 * 3600);
  EXPECT_EQ(*parseTimeOfDay("09:00:30"), 9 * 3600 + 30);
  EXPECT_FALSE(parseTimeOfDay("24:00").isOk());
  EXPECT_FALSE(parseTimeOfDay("9:00").isOk());
}

TEST(VirtualClockTest, MovesOnlyWhenTold) {
  VirtualClock clock(*parseIso8601("2026-09-30T21:30:00+08:00"));
  const Instant start = clock.now();
  EXPECT_EQ(clock.now(), start);
  clock.advance(2h);
  EXPECT_EQ(formatIso8601(clock.localNow()), "2026-09-30T23:30:00+08:00");
  clock.advanceTo(start + 3h);
  EXPECT_EQ(clock.now() - start, 3h);
}

TEST(VirtualClockDeathTest, NeverRunsBackwards) {
  VirtualClock clock(*parseIso8601("2026-09-30T21:30:00+08:00"));
  EXPECT_DEATH(clock.advance(Duration(-1)), "");
}

TEST(SteadyClockTest, ManualAndReal) {
  ManualSteadyClock manual;
  manual.advance(5ms);
  EXPECT_EQ(manual.elapsed(), 5ms);
  RealSteadyClock real;
  const auto a = real.elapsed();
  EXPECT_GE(real.elapsed(), a);
}

}  // namespace
}  // namespace posim
