#include "posim/scenarios/settlement_files.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <utility>

#include "posim/scenarios/schema.h"

namespace posim::scenarios {
namespace {

using settlement::Calendar;
using settlement::Cycle;
using settlement::FeeRule;
using settlement::Policy;

constexpr int kMaxRangeDays = 366;
constexpr std::int64_t kMaxExtraBusinessDays = 365;

// Hints search the short and the full names: "sonday" is far from "sun" but near "sunday".
constexpr std::array<std::string_view, 14> kWeekdayNames = {
    "mon",    "tue",     "wed",       "thu",      "fri",    "sat",      "sun",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

template <typename T, typename U>
void assign(std::optional<U> value, T& target) {
  if (value.has_value()) target = static_cast<T>(std::move(*value));
}

std::string lineColumn(const SourcePosition& where) {
  return "line " + std::to_string(where.line) + ", column " + std::to_string(where.column);
}

// ---- Calendars ----

std::optional<std::chrono::weekday> readWeekday(const Node& node, Diagnostics& diagnostics) {
  auto text = readString(&node, diagnostics);
  if (!text.has_value()) return std::nullopt;
  auto day = settlement::parseWeekday(*text);
  if (!day.isOk()) {
    diagnostics.error(node.position(), "unknown weekday " + node.describe() +
                                           didYouMean(*text, kWeekdayNames) +
                                           " (expected one of: mon, tue, wed, thu, fri, sat, sun)");
    return std::nullopt;
  }
  return *day;
}

// A day listed in a calendar, with where it was written.
struct ListedDay {
  Date date;
  SourcePosition where;
};

// One item of `holidays` or `workdays`: a date, or {from, to, name} with both ends included.
std::optional<std::vector<ListedDay>> readDayItem(const Node& item, Diagnostics& diagnostics,
                                                  std::string_view list_name) {
  if (item.isScalar()) {
    auto date = readDate(&item, diagnostics);
    if (!date.has_value()) return std::nullopt;
    return std::vector<ListedDay>{{*date, item.position()}};
  }
  if (!item.isMapping()) {
    reportExpected(item, diagnostics,
                   "a date (like 2026-10-01) or a range {from: 2026-10-01, to: 2026-10-07, "
                   "name: National Day}");
    return std::nullopt;
  }
  MappingReader range(item, diagnostics, "a range of " + std::string(list_name));
  const Node* from_node = range.required("from");
  const Node* to_node = range.required("to");
  auto from = readDate(from_node, diagnostics);
  auto to = readDate(to_node, diagnostics);
  auto name = readString(range.optional("name"), diagnostics);
  range.finish();
  if (!from.has_value() || !to.has_value()) return std::nullopt;
  const auto length = (std::chrono::sys_days(*to) - std::chrono::sys_days(*from)).count() + 1;
  if (length < 1) {
    diagnostics.error(to_node->position(), "the range ends (" + formatDate(*to) +
                                               ") before it starts (" + formatDate(*from) +
                                               "); swap from and to");
    return std::nullopt;
  }
  if (length > kMaxRangeDays) {
    diagnostics.error(item.position(), "the range " + formatDate(*from) + " to " + formatDate(*to) +
                                           " covers " + std::to_string(length) +
                                           " days; a range covers at most " +
                                           std::to_string(kMaxRangeDays) + " days");
    return std::nullopt;
  }
  std::vector<ListedDay> days;
  days.reserve(static_cast<std::size_t>(length));
  for (Date d = *from; std::chrono::sys_days(d) <= std::chrono::sys_days(*to);
       d = settlement::addDays(d, 1)) {
    days.push_back({d, item.position()});
  }
  return days;
}

// A `holidays` or `workdays` list: each date once (a repeat is a warning), with its position.
std::optional<std::map<Date, SourcePosition>> readDayList(const Node* node,
                                                          Diagnostics& diagnostics,
                                                          std::string_view list_name,
                                                          std::string_view noun) {
  if (node == nullptr) return std::map<Date, SourcePosition>{};
  auto items = readList<std::vector<ListedDay>>(
      node, diagnostics,
      [list_name](const Node& item, Diagnostics& d) { return readDayItem(item, d, list_name); });
  if (!items.has_value()) return std::nullopt;
  std::map<Date, SourcePosition> days;
  for (const std::vector<ListedDay>& item : *items) {
    for (const ListedDay& day : item) {
      const auto [it, inserted] = days.emplace(day.date, day.where);
      if (!inserted) {
        diagnostics.warning(day.where, formatDate(day.date) + " is listed twice as a " +
                                           std::string(noun) + " (first at " +
                                           lineColumn(it->second) + ")");
      }
    }
  }
  return days;
}

std::string fileStem(const std::string& file) {
  return std::filesystem::path(file).stem().string();
}

// ---- Settlement policies ----

std::optional<Cycle> readCycle(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  if (!node->isScalar()) {
    reportExpected(*node, diagnostics, "a settlement cycle (T+1, D+0 or instant)");
    return std::nullopt;
  }
  auto cycle = Cycle::parse(node->scalar());
  if (!cycle.isOk()) {
    diagnostics.error(node->position(), cycle.status().message());
    return std::nullopt;
  }
  return *cycle;
}

std::optional<std::int64_t> readRate(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  if (!node->isScalar()) {
    reportExpected(*node, diagnostics, "a fee rate (like 0.006 or \"0.6%\")");
    return std::nullopt;
  }
  auto rate = FeeRule::parseRate(node->scalar());
  if (!rate.isOk()) {
    diagnostics.error(node->position(), rate.status().message());
    return std::nullopt;
  }
  return *rate;
}

// An amount in `currency` that is not negative, as minor units.
std::optional<std::int64_t> readMinorUnits(const Node* node, Diagnostics& diagnostics,
                                           const Currency& currency) {
  auto money = readMoney(node, diagnostics, currency);
  if (!money.has_value()) return std::nullopt;
  if (money->isNegative()) {
    reportExpected(*node, diagnostics, "an amount that is not negative");
    return std::nullopt;
  }
  return money->minorUnits();
}

// `payout`: one time of day or a list of them; sorted, without repeats.
std::optional<std::vector<std::int64_t>> readPayoutTimes(const Node* node,
                                                         Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  std::vector<std::int64_t> times;
  if (node->isScalar()) {
    auto time = readTimeOfDay(node, diagnostics);
    if (!time.has_value()) return std::nullopt;
    times.push_back(*time);
  } else {
    auto list = readList<std::int64_t>(node, diagnostics, [](const Node& item, Diagnostics& d) {
      return readTimeOfDay(&item, d);
    });
    if (!list.has_value()) return std::nullopt;
    if (list->empty()) {
      reportExpected(*node, diagnostics, "at least one payout time (like [\"09:00\"])");
      return std::nullopt;
    }
    times = std::move(*list);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

}  // namespace

std::optional<Calendar> readCalendar(const Node& node, Diagnostics& diagnostics,
                                     std::string_view default_name) {
  MappingReader m(node, diagnostics, "calendar");
  if (!m.isMapping()) return std::nullopt;
  const std::size_t errors = diagnostics.errorCount();
  Calendar calendar;
  calendar.setName(std::string(default_name));
  if (auto name = readNonEmptyString(m.optional("name"), diagnostics)) {
    calendar.setName(std::move(*name));
  }
  if (auto description = readString(m.optional("description"), diagnostics)) {
    calendar.setDescription(std::move(*description));
  }
  readString(m.optional("source"), diagnostics);  // documentation only; must be text

  const Node* weekend_node = m.optional("weekend");
  std::optional<std::vector<std::chrono::weekday>> weekend;
  if (weekend_node != nullptr) {
    weekend = readList<std::chrono::weekday>(weekend_node, diagnostics, readWeekday);
    if (weekend.has_value()) {
      calendar.setWeekend(settlement::WeekdaySet(weekend->begin(), weekend->end()));
    }
  }
  auto holidays = readDayList(m.optional("holidays"), diagnostics, "holidays", "holiday");
  auto workdays = readDayList(m.optional("workdays"), diagnostics, "workdays", "make-up workday");
  m.finish();

  if (holidays.has_value() && workdays.has_value()) {
    for (const auto& [date, where] : *workdays) {
      if (const auto it = holidays->find(date); it != holidays->end()) {
        diagnostics.error(
            where, formatDate(date) + " is listed both as a make-up workday and as a " +
                       "holiday (at " + lineColumn(it->second) + "); a day is one or the other");
      }
    }
  }
  if (weekend.has_value() && calendar.weekend().size() == 7) {
    diagnostics.error(weekend_node->position(),
                      "every day of the week is a weekend day: money would only move on listed "
                      "workdays and never after the last one; remove a day from the weekend");
  }
  if (diagnostics.errorCount() > errors) return std::nullopt;
  for (const auto& [date, where] : holidays.value_or(std::map<Date, SourcePosition>{})) {
    calendar.addHoliday(date);
  }
  for (const auto& [date, where] : workdays.value_or(std::map<Date, SourcePosition>{})) {
    calendar.addWorkday(date);
  }
  return calendar;
}

std::optional<Calendar> resolveCalendar(const Node& reference, Resolver& resolver,
                                        Diagnostics& diagnostics) {
  auto resolved = resolver.resolve(reference, kCalendarReference, diagnostics);
  if (!resolved.has_value()) return std::nullopt;
  const std::string default_name = resolved->isInline() ? "inline" : fileStem(resolved->file());
  return readCalendar(resolved->node(), diagnostics, default_name);
}

LoadResult<Calendar> loadCalendar(std::string_view name_or_path, Resolver& resolver) {
  Diagnostics diagnostics;
  std::optional<Calendar> value;
  if (auto resolved = resolver.resolveText(name_or_path, kCalendarReference, diagnostics)) {
    value = readCalendar(resolved->node(), diagnostics, fileStem(resolved->file()));
  }
  return LoadResult<Calendar>::from(std::move(value), std::move(diagnostics));
}

LoadResult<Calendar> loadCalendar(const Node& reference, Resolver& resolver) {
  Diagnostics diagnostics;
  std::optional<Calendar> value = resolveCalendar(reference, resolver, diagnostics);
  return LoadResult<Calendar>::from(std::move(value), std::move(diagnostics));
}

LoadResult<Calendar> loadCalendar(const std::filesystem::path& path) {
  Resolver resolver;
  Diagnostics diagnostics;
  std::optional<Calendar> value;
  if (auto opened = resolver.open(path, diagnostics)) {
    value = readCalendar(opened->node(), diagnostics, path.stem().string());
  }
  return LoadResult<Calendar>::from(std::move(value), std::move(diagnostics));
}

std::vector<std::string> availableCalendars(const Resolver& resolver) {
  return resolver.availableNames(kCalendarReference);
}

std::optional<Policy> readSettlementPolicy(const Node& node, const Currency& currency,
                                           Diagnostics& diagnostics, const Policy& defaults,
                                           std::span<const std::string_view> extra_keys) {
  MappingReader m(node, diagnostics, "settlement");
  if (!m.isMapping()) return std::nullopt;
  for (std::string_view key : extra_keys) m.allow({key});
  const std::size_t errors = diagnostics.errorCount();
  Policy policy = defaults;
  assign(readCycle(m.optional("cycle"), diagnostics), policy.cycle);
  assign(readTimeOfDay(m.optional("cutoff"), diagnostics), policy.cutoff_seconds);
  assign(readPayoutTimes(m.optional("payout"), diagnostics), policy.payout_seconds);
  assign(readDuration(m.optional("instant_delay"), diagnostics), policy.instant_delay);
  if (const Node* fee = m.optional("fee")) {
    MappingReader f(*fee, diagnostics, "fee");
    assign(readRate(f.optional("rate"), diagnostics), policy.fee.rate_billionths);
    assign(readMinorUnits(f.optional("fixed"), diagnostics, currency), policy.fee.fixed);
    if (auto min = readMinorUnits(f.optional("min"), diagnostics, currency)) policy.fee.min = min;
    const Node* max_node = f.optional("max");
    if (auto max = readMinorUnits(max_node, diagnostics, currency)) policy.fee.max = max;
    f.finish();
    if (policy.fee.min.has_value() && policy.fee.max.has_value() &&
        *policy.fee.min > *policy.fee.max) {
      diagnostics.error(max_node != nullptr ? max_node->position() : fee->position(),
                        "the fee maximum (" + Money(*policy.fee.max, currency).toDecimalString() +
                            ") is below the minimum (" +
                            Money(*policy.fee.min, currency).toDecimalString() + ")");
    }
  }
  if (const Node* review = m.optional("review")) {
    MappingReader r(*review, diagnostics, "review");
    if (auto threshold = readMinorUnits(r.optional("threshold"), diagnostics, currency)) {
      policy.review.threshold = threshold;
    }
    assign(readInteger(r.optional("extra_business_days"), diagnostics, 0, kMaxExtraBusinessDays),
           policy.review.extra_business_days);
  }
  assign(readCycle(m.optional("refund_cycle"), diagnostics), policy.refund_cycle);
  assign(readDuration(m.optional("hold_expiry"), diagnostics), policy.hold_expiry);
  m.finish();
  if (diagnostics.errorCount() > errors) return std::nullopt;
  return policy;
}

}  // namespace posim::scenarios
