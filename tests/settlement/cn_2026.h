// Test helpers: the cn-2026 calendar built in code (the same facts as
// examples/calendars/cn-2026.yaml, which tests/scenarios checks against it), and local times.
#pragma once

#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "posim/base/clock.h"
#include "posim/settlement/calendar.h"

namespace posim::settlement::test {

inline Date day(std::string_view text) {
  auto d = parseDate(text);
  EXPECT_TRUE(d.isOk()) << text;
  return d.valueOr(Date{});
}

inline LocalDateTime at(std::string_view iso8601) {
  auto t = parseIso8601(iso8601);
  EXPECT_TRUE(t.isOk()) << iso8601;
  return t.valueOr(LocalDateTime{});
}

// China 2026 (State Council notice 国办发明电〔2025〕7号): 33 holidays, 6 make-up workdays.
inline Calendar cn2026() {
  Calendar calendar;
  calendar.setName("cn-2026");
  constexpr std::pair<std::string_view, std::string_view> kHolidays[] = {
      {"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
      {"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"},
      {"2026-10-01", "2026-10-07"},
  };
  for (const auto& [from, to] : kHolidays) {
    for (Date d = day(from); d <= day(to); d = addDays(d, 1)) calendar.addHoliday(d);
  }
  for (std::string_view d :
       {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}) {
    calendar.addWorkday(day(d));
  }
  return calendar;
}

}  // namespace posim::settlement::test
