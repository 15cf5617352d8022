// Business calendars (DESIGN.md §5, DOMAIN.md §5.2): which days money moves.
//
// A calendar is data: the weekend days, the public holidays and the make-up working days of the
// years it covers, as a government publishes them (China's State Council each November for the
// next year). It is never computed from rules. Dates are local calendar dates of the scenario's
// time zone.
//
//   business(d) = d ∈ workdays or (weekday(d) ∉ weekend and d ∉ holidays)
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "posim/base/clock.h"
#include "posim/base/status.h"

namespace posim::settlement {

// std::chrono::weekday has no ordering; weekday sets order by c_encoding() (Sunday first).
struct WeekdayOrder {
  bool operator()(std::chrono::weekday a, std::chrono::weekday b) const {
    return a.c_encoding() < b.c_encoding();
  }
};
using WeekdaySet = std::set<std::chrono::weekday, WeekdayOrder>;

class Calendar {
 public:
  // An empty calendar: weekend Saturday and Sunday, no holidays, no make-up days.
  Calendar();

  // "weekends-only": the default calendar, named.
  static Calendar weekendsOnly();

  const std::string& name() const { return name_; }
  void setName(std::string name) { name_ = std::move(name); }
  // Free text for listings ("China 2026, State Council notice of 2025-11-04").
  const std::string& description() const { return description_; }
  void setDescription(std::string description) { description_ = std::move(description); }

  // The weekend days (default {Saturday, Sunday}), as std::chrono::weekday::c_encoding()
  // values (0 = Sunday, 6 = Saturday).
  const std::set<unsigned>& weekend() const { return weekend_; }
  // Replaces the weekend; an empty set makes every day a business day unless it is a holiday.
  void setWeekend(const WeekdaySet& days);
  // Adding a date already listed has no effect. A date that is both a holiday and a make-up
  // workday is a business day (workdays win); loaders report such files as errors.
  void addHoliday(Date d);
  void addWorkday(Date d);  // a make-up working day: business even on a weekend
  const std::set<Date>& holidays() const { return holidays_; }
  const std::set<Date>& workdays() const { return workdays_; }

  bool isWeekend(Date d) const;
  bool isHoliday(Date d) const { return holidays_.contains(d); }
  bool isMakeupWorkday(Date d) const { return workdays_.contains(d); }
  bool isBusinessDay(Date d) const;

  // The first business day strictly after d.
  // REQUIRES: a business day exists after d: the weekend leaves at least one weekday free, or a
  // make-up workday is listed after d (aborts otherwise; loaders reject such calendars).
  Date nextBusinessDay(Date d) const;
  // d itself when it is a business day, otherwise the next one.
  Date businessDayOnOrAfter(Date d) const;
  // d advanced by n >= 0 business days (n = 0: d unchanged, even when d is not a business day).
  Date addBusinessDays(Date d, int n) const;
  // Business days in (from, to]: 0 when to <= from.
  int businessDaysBetween(Date from, Date to) const;

  // The first and last date the calendar has data for (holidays or workdays); nullopt-free:
  // for a calendar without data both are 1970-01-01. Used to warn about dates outside it.
  Date firstListedDate() const;
  Date lastListedDate() const;

 private:
  std::string name_;
  std::string description_;
  std::set<unsigned> weekend_;
  std::set<Date> holidays_;
  std::set<Date> workdays_;
};

// "mon", "tue", ..., "sun" (also full English names, any case) -> weekday. Anything else is
// InvalidArgument listing the accepted names.
Result<std::chrono::weekday> parseWeekday(std::string_view text);
std::string_view weekdayName(std::chrono::weekday day);  // "mon"

// Calendar date arithmetic helpers. REQUIRES: d is a valid date.
Date addDays(Date d, int days);  // days may be negative
std::chrono::weekday weekdayOf(Date d);

}  // namespace posim::settlement
