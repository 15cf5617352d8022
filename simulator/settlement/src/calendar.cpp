#include "posim/settlement/calendar.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace posim::settlement {
namespace {

using std::chrono::sys_days;

struct WeekdayName {
  std::string_view short_name;
  std::string_view long_name;
  unsigned c_encoding;
};

constexpr std::array<WeekdayName, 7> kWeekdayNames = {{
    {"mon", "monday", 1},
    {"tue", "tuesday", 2},
    {"wed", "wednesday", 3},
    {"thu", "thursday", 4},
    {"fri", "friday", 5},
    {"sat", "saturday", 6},
    {"sun", "sunday", 0},
}};

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Date addDays(Date d, int days) {
  return Date(sys_days(d) + std::chrono::days(days));
}

std::chrono::weekday weekdayOf(Date d) {
  return std::chrono::weekday(sys_days(d));
}

Result<std::chrono::weekday> parseWeekday(std::string_view text) {
  const std::string lower = lowercase(text);
  for (const WeekdayName& row : kWeekdayNames) {
    if (lower == row.short_name || lower == row.long_name) {
      return std::chrono::weekday(row.c_encoding);
    }
  }
  return invalidArgument("unknown weekday '" + std::string(text) +
                         "': expected mon, tue, wed, thu, fri, sat or sun");
}

std::string_view weekdayName(std::chrono::weekday day) {
  for (const WeekdayName& row : kWeekdayNames) {
    if (row.c_encoding == day.c_encoding()) return row.short_name;
  }
  return "?";
}

Calendar::Calendar() : weekend_{6, 0} {}

Calendar Calendar::weekendsOnly() {
  Calendar calendar;
  calendar.setName("weekends-only");
  return calendar;
}

void Calendar::setWeekend(const WeekdaySet& days) {
  weekend_.clear();
  for (const std::chrono::weekday& day : days) weekend_.insert(day.c_encoding());
}

void Calendar::addHoliday(Date d) {
  holidays_.insert(d);
}

void Calendar::addWorkday(Date d) {
  workdays_.insert(d);
}

bool Calendar::isWeekend(Date d) const {
  return weekend_.contains(weekdayOf(d).c_encoding());
}

bool Calendar::isBusinessDay(Date d) const {
  if (workdays_.contains(d)) return true;
  return !isWeekend(d) && !holidays_.contains(d);
}

Date Calendar::nextBusinessDay(Date d) const {
  // With at least one weekday outside the weekend, a business day comes within a week of the
  // last listed holiday. With every day a weekend day only make-up workdays are business days.
  if (weekend_.size() >= 7) {
    const auto it = workdays_.upper_bound(d);
    if (it == workdays_.end()) std::abort();  // REQUIRES violated: no business day after d
    return *it;
  }
  Date next = addDays(d, 1);
  while (!isBusinessDay(next)) next = addDays(next, 1);
  return next;
}

Date Calendar::businessDayOnOrAfter(Date d) const {
  return isBusinessDay(d) ? d : nextBusinessDay(d);
}

Date Calendar::addBusinessDays(Date d, int n) const {
  for (int i = 0; i < n; ++i) d = nextBusinessDay(d);
  return d;
}

int Calendar::businessDaysBetween(Date from, Date to) const {
  int count = 0;
  for (Date d = addDays(from, 1); sys_days(d) <= sys_days(to); d = addDays(d, 1)) {
    if (isBusinessDay(d)) ++count;
  }
  return count;
}

Date Calendar::firstListedDate() const {
  if (holidays_.empty() && workdays_.empty()) return Date(sys_days{});
  if (holidays_.empty()) return *workdays_.begin();
  if (workdays_.empty()) return *holidays_.begin();
  return std::min(*holidays_.begin(), *workdays_.begin());
}

Date Calendar::lastListedDate() const {
  if (holidays_.empty() && workdays_.empty()) return Date(sys_days{});
  if (holidays_.empty()) return *workdays_.rbegin();
  if (workdays_.empty()) return *holidays_.rbegin();
  return std::max(*holidays_.rbegin(), *workdays_.rbegin());
}

}  // namespace posim::settlement
