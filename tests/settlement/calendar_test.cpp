#include "posim/settlement/calendar.h"

#include <chrono>

#include <gtest/gtest.h>

#include "cn_2026.h"

namespace posim::settlement {
namespace {

using test::cn2026;
using test::day;

TEST(CalendarTest, DefaultIsSaturdaySundayWeekendWithoutHolidays) {
  const Calendar calendar;
  EXPECT_EQ(calendar.weekend(), (std::set<unsigned>{0, 6}));
  EXPECT_TRUE(calendar.holidays().empty());
  EXPECT_TRUE(calendar.workdays().empty());
  EXPECT_TRUE(calendar.isBusinessDay(day("2026-10-01")));   // a Thursday
  EXPECT_FALSE(calendar.isBusinessDay(day("2026-10-03")));  // Saturday
  EXPECT_FALSE(calendar.isBusinessDay(day("2026-10-04")));  // Sunday
  EXPECT_EQ(Calendar::weekendsOnly().name(), "weekends-only");
  EXPECT_EQ(Calendar::weekendsOnly().weekend(), calendar.weekend());
}

TEST(CalendarTest, BusinessDayRule) {
  const Calendar calendar = cn2026();
  EXPECT_TRUE(calendar.isBusinessDay(day("2026-09-30")));   // Wednesday
  EXPECT_FALSE(calendar.isBusinessDay(day("2026-10-01")));  // National Day, Thursday
  EXPECT_FALSE(calendar.isBusinessDay(day("2026-10-07")));  // National Day, Wednesday
  EXPECT_TRUE(calendar.isBusinessDay(day("2026-10-08")));   // Thursday
  EXPECT_TRUE(calendar.isBusinessDay(day("2026-10-10")));   // make-up Saturday
  EXPECT_FALSE(calendar.isBusinessDay(day("2026-10-11")));  // Sunday
  EXPECT_TRUE(calendar.isBusinessDay(day("2026-09-20")));   // make-up Sunday
  EXPECT_FALSE(calendar.isBusinessDay(day("2026-09-19")));  // Saturday
  EXPECT_TRUE(calendar.isHoliday(day("2026-10-03")));
  EXPECT_TRUE(calendar.isWeekend(day("2026-10-03")));
  EXPECT_TRUE(calendar.isMakeupWorkday(day("2026-10-10")));
  EXPECT_TRUE(calendar.isWeekend(day("2026-10-10")));
  EXPECT_FALSE(calendar.isMakeupWorkday(day("2026-10-09")));
}

TEST(CalendarTest, WorkdayWinsOverHoliday) {
  Calendar calendar;
  calendar.addHoliday(day("2026-10-10"));
  calendar.addWorkday(day("2026-10-10"));
  EXPECT_TRUE(calendar.isBusinessDay(day("2026-10-10")));
}

TEST(CalendarTest, NextBusinessDayAndOnOrAfter) {
  const Calendar calendar = cn2026();
  EXPECT_EQ(calendar.nextBusinessDay(day("2026-09-30")), day("2026-10-08"));
  EXPECT_EQ(calendar.nextBusinessDay(day("2026-10-09")), day("2026-10-10"));
  EXPECT_EQ(calendar.nextBusinessDay(day("2026-10-10")), day("2026-10-12"));
  EXPECT_EQ(calendar.nextBusinessDay(day("2026-09-18")), day("2026-09-20"));  // Fri -> make-up Sun
  EXPECT_EQ(calendar.nextBusinessDay(day("2026-09-24")), day("2026-09-28"));  // over Mid-Autumn
  EXPECT_EQ(calendar.businessDayOnOrAfter(day("2026-09-30")), day("2026-09-30"));
  EXPECT_EQ(calendar.businessDayOnOrAfter(day("2026-10-01")), day("2026-10-08"));
  EXPECT_EQ(calendar.businessDayOnOrAfter(day("2026-02-15")), day("2026-02-24"));
}

TEST(CalendarTest, AddBusinessDays) {
  const Calendar calendar = cn2026();
  EXPECT_EQ(calendar.addBusinessDays(day("2026-10-03"), 0), day("2026-10-03"));  // unchanged
  EXPECT_EQ(calendar.addBusinessDays(day("2026-09-30"), 1), day("2026-10-08"));
  EXPECT_EQ(calendar.addBusinessDays(day("2026-09-30"), 3), day("2026-10-10"));
  EXPECT_EQ(calendar.addBusinessDays(day("2026-10-03"), 1), day("2026-10-08"));
  EXPECT_EQ(calendar.addBusinessDays(day("2026-12-31"), 1), day("2027-01-01"));  // no 2027 data
}

TEST(CalendarTest, BusinessDaysBetween) {
  const Calendar calendar = cn2026();
  EXPECT_EQ(calendar.businessDaysBetween(day("2026-09-30"), day("2026-10-12")), 4);
  EXPECT_EQ(calendar.businessDaysBetween(day("2026-09-30"), day("2026-09-30")), 0);
  EXPECT_EQ(calendar.businessDaysBetween(day("2026-10-12"), day("2026-09-30")), 0);
  // 261 weekdays - 19 holidays on weekdays + 6 make-up days.
  EXPECT_EQ(calendar.businessDaysBetween(day("2025-12-31"), day("2026-12-31")), 248);
  EXPECT_EQ(calendar.holidays().size(), 33u);
  EXPECT_EQ(calendar.workdays().size(), 6u);
}

TEST(CalendarTest, ListedDateRange) {
  EXPECT_EQ(cn2026().firstListedDate(), day("2026-01-01"));
  EXPECT_EQ(cn2026().lastListedDate(), day("2026-10-10"));
  EXPECT_EQ(Calendar().firstListedDate(), day("1970-01-01"));
  EXPECT_EQ(Calendar().lastListedDate(), day("1970-01-01"));
  Calendar only_workdays;
  only_workdays.addWorkday(day("2026-09-20"));
  EXPECT_EQ(only_workdays.firstListedDate(), day("2026-09-20"));
  EXPECT_EQ(only_workdays.lastListedDate(), day("2026-09-20"));
}

TEST(CalendarTest, CustomWeekend) {
  Calendar calendar;
  calendar.setWeekend({std::chrono::Friday, std::chrono::Saturday});
  EXPECT_EQ(calendar.weekend(), (std::set<unsigned>{5, 6}));
  EXPECT_FALSE(calendar.isBusinessDay(day("2026-10-02")));  // Friday
  EXPECT_TRUE(calendar.isBusinessDay(day("2026-10-04")));   // Sunday
  EXPECT_EQ(calendar.nextBusinessDay(day("2026-10-01")), day("2026-10-04"));
  calendar.setWeekend({});
  EXPECT_TRUE(calendar.isBusinessDay(day("2026-10-03")));
}

TEST(CalendarTest, ParseWeekday) {
  EXPECT_EQ(parseWeekday("mon").valueOr(std::chrono::Sunday), std::chrono::Monday);
  EXPECT_EQ(parseWeekday("SAT").valueOr(std::chrono::Monday), std::chrono::Saturday);
  EXPECT_EQ(parseWeekday("Sunday").valueOr(std::chrono::Monday), std::chrono::Sunday);
  EXPECT_EQ(parseWeekday("thursday").valueOr(std::chrono::Monday), std::chrono::Thursday);
  const auto bad = parseWeekday("sonntag");
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "unknown weekday 'sonntag': expected mon, tue, wed, thu, fri, sat or sun");
  EXPECT_FALSE(parseWeekday("").isOk());
  EXPECT_EQ(weekdayName(std::chrono::Monday), "mon");
  EXPECT_EQ(weekdayName(std::chrono::Sunday), "sun");
}

TEST(CalendarTest, DateHelpers) {
  EXPECT_EQ(addDays(day("2026-02-28"), 1), day("2026-03-01"));
  EXPECT_EQ(addDays(day("2028-02-28"), 1), day("2028-02-29"));
  EXPECT_EQ(addDays(day("2026-01-01"), -1), day("2025-12-31"));
  EXPECT_EQ(weekdayOf(day("2026-10-10")), std::chrono::Saturday);
  EXPECT_EQ(weekdayOf(day("2026-09-30")), std::chrono::Wednesday);
}

}  // namespace
}  // namespace posim::settlement
