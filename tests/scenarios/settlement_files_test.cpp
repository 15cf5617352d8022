#include "posim/scenarios/settlement_files.h"

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "posim/settlement/arrival.h"

#include "../settlement/cn_2026.h"
#include "test_data.h"

namespace posim::scenarios {
namespace {

namespace fs = std::filesystem;
using settlement::Calendar;
using settlement::Cycle;
using settlement::Policy;
using settlement::test::at;
using settlement::test::day;
using ::testing::HasSubstr;

const Currency kCny = *currencyByAlpha("CNY");

fs::path examplesDir() {
  return fs::path(test::dataDir()) / ".." / ".." / "examples";
}

// A resolver over the project's examples, and the diagnostics of one test.
class SettlementFilesTest : public ::testing::Test {
 protected:
  // Parses `text` as file `name` and returns the value of `key` at its root (nullptr if absent).
  const Node* open(std::string_view text, std::string_view key, std::string name = "s.yaml") {
    opened_.emplace(resolver_.openText(text, std::move(name), diagnostics_));
    if (!opened_->has_value()) return nullptr;
    return (*opened_)->node().find(key);
  }

  std::optional<Calendar> calendarOf(std::string_view text) {
    const Node* node = open(text, "calendar");
    if (node == nullptr) return std::nullopt;
    return resolveCalendar(*node, resolver_, diagnostics_);
  }

  std::optional<Policy> policyOf(std::string_view text, const Policy& defaults = {}) {
    const Node* node = open(text, "settlement");
    if (node == nullptr) return std::nullopt;
    return readSettlementPolicy(*node, kCny, diagnostics_, defaults);
  }

  Resolver resolver_{{examplesDir()}};
  Diagnostics diagnostics_;
  std::optional<std::optional<ResolvedReference>> opened_;
};

// ---- Calendar files ----

TEST_F(SettlementFilesTest, Cn2026ByNameMatchesTheStateCouncilNotice) {
  const auto loaded = loadCalendar("cn-2026", resolver_);
  ASSERT_TRUE(loaded.isOk()) << loaded.errorText();
  EXPECT_TRUE(loaded.diagnostics().empty()) << loaded.errorText();
  const Calendar& calendar = loaded.value();
  const Calendar expected = settlement::test::cn2026();
  EXPECT_EQ(calendar.name(), "cn-2026");
  EXPECT_EQ(calendar.description(), "China mainland 2026 public holidays and make-up workdays");
  EXPECT_EQ(calendar.weekend(), expected.weekend());
  EXPECT_EQ(calendar.holidays(), expected.holidays());
  EXPECT_EQ(calendar.workdays(), expected.workdays());
  EXPECT_EQ(calendar.holidays().size(), 33u);
  EXPECT_EQ(calendar.workdays().size(), 6u);
  EXPECT_EQ(calendar.businessDaysBetween(day("2025-12-31"), day("2026-12-31")), 248);

  // The worked example of DESIGN.md §5 on the file's calendar.
  const Policy policy;
  const Money amount(10000, kCny);
  const auto arrival = [&](std::string_view t) {
    return formatIso8601(settlement::computeArrival(policy, calendar, at(t), amount).arrival_at);
  };
  EXPECT_EQ(arrival("2026-09-30T15:00:00+08:00"), "2026-10-08T09:00:00+08:00");
  EXPECT_EQ(arrival("2026-09-30T23:30:00+08:00"), "2026-10-09T09:00:00+08:00");
  EXPECT_EQ(arrival("2026-10-09T12:00:00+08:00"), "2026-10-10T09:00:00+08:00");
}

TEST_F(SettlementFilesTest, Cn2025AndWeekendsOnly) {
  const auto cn2025 = loadCalendar("cn-2025", resolver_);
  ASSERT_TRUE(cn2025.isOk()) << cn2025.errorText();
  EXPECT_EQ(cn2025->name(), "cn-2025");
  EXPECT_EQ(cn2025->holidays().size(), 1u + 8 + 3 + 5 + 3 + 8);
  EXPECT_EQ(cn2025->workdays().size(), 5u);
  EXPECT_TRUE(cn2025->isHoliday(day("2025-01-01")));
  EXPECT_TRUE(cn2025->isHoliday(day("2025-10-08")));
  EXPECT_TRUE(cn2025->isBusinessDay(day("2025-10-11")));  // make-up Saturday
  EXPECT_TRUE(cn2025->isBusinessDay(day("2025-01-26")));  // make-up Sunday
  EXPECT_FALSE(cn2025->isBusinessDay(day("2025-02-04")));

  const auto weekends = loadCalendar("weekends-only", resolver_);
  ASSERT_TRUE(weekends.isOk()) << weekends.errorText();
  EXPECT_EQ(weekends->name(), "weekends-only");
  EXPECT_TRUE(weekends->holidays().empty());
  EXPECT_TRUE(weekends->workdays().empty());
  EXPECT_EQ(weekends->weekend(), Calendar::weekendsOnly().weekend());
}

TEST_F(SettlementFilesTest, ByPath) {
  const auto loaded = loadCalendar(examplesDir() / "calendars" / "cn-2026.yaml");
  ASSERT_TRUE(loaded.isOk()) << loaded.errorText();
  EXPECT_EQ(loaded->name(), "cn-2026");
  EXPECT_EQ(loaded->holidays(), settlement::test::cn2026().holidays());
}

TEST_F(SettlementFilesTest, ListsTheExampleCalendars) {
  const std::vector<std::string> names = availableCalendars(resolver_);
  EXPECT_THAT(names, ::testing::IsSupersetOf({"cn-2025", "cn-2026", "weekends-only"}));
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST_F(SettlementFilesTest, NameReferenceFromAScenario) {
  const Node* node = open("posim: 1\ncalendar: cn-2026\n", "calendar");
  ASSERT_NE(node, nullptr) << diagnostics_.toString();
  const auto loaded = loadCalendar(*node, resolver_);
  ASSERT_TRUE(loaded.isOk()) << loaded.errorText();
  EXPECT_EQ(loaded->name(), "cn-2026");
  EXPECT_TRUE(loaded->isMakeupWorkday(day("2026-10-10")));
}

TEST_F(SettlementFilesTest, InlineCalendar) {
  const auto calendar = calendarOf(
      "calendar:\n"
      "  weekend: [fri, Saturday]\n"
      "  holidays: [2026-10-01, {from: 2026-10-03, to: 2026-10-05, name: Golden week}]\n"
      "  workdays: [2026-10-02]\n");
  ASSERT_TRUE(calendar.has_value()) << diagnostics_.toString();
  EXPECT_TRUE(diagnostics_.empty()) << diagnostics_.toString();
  EXPECT_EQ(calendar->name(), "inline");
  EXPECT_EQ(calendar->weekend(), (std::set<unsigned>{5, 6}));
  EXPECT_EQ(calendar->holidays(), (std::set<Date>{day("2026-10-01"), day("2026-10-03"),
                                                  day("2026-10-04"), day("2026-10-05")}));
  EXPECT_EQ(calendar->workdays(), std::set<Date>{day("2026-10-02")});
  EXPECT_TRUE(calendar->isBusinessDay(day("2026-10-02")));  // a make-up Friday
  EXPECT_FALSE(calendar->isBusinessDay(day("2026-10-05")));
  EXPECT_EQ(calendar->nextBusinessDay(day("2026-10-02")), day("2026-10-06"));
}

TEST_F(SettlementFilesTest, InlineCalendarDefaultsAndName) {
  const auto calendar = calendarOf("calendar: {name: lab}\n");
  ASSERT_TRUE(calendar.has_value()) << diagnostics_.toString();
  EXPECT_EQ(calendar->name(), "lab");
  EXPECT_EQ(calendar->weekend(), (std::set<unsigned>{0, 6}));
  EXPECT_TRUE(calendar->holidays().empty());
  const auto no_weekend = calendarOf("calendar: {weekend: []}\n");
  ASSERT_TRUE(no_weekend.has_value()) << diagnostics_.toString();
  EXPECT_TRUE(no_weekend->isBusinessDay(day("2026-10-04")));
}

TEST_F(SettlementFilesTest, UnknownKeyHasADidYouMean) {
  EXPECT_FALSE(calendarOf("calendar:\n"
                          "  weekend: [sat, sun]\n"
                          "  holidys: [2026-10-01]\n")
                   .has_value());
  EXPECT_EQ(diagnostics_.toString(),
            "s.yaml:3:3: error: unknown key 'holidys' in calendar; did you mean holidays?\n");
}

TEST_F(SettlementFilesTest, UnknownCalendarNameSuggestsTheNearest) {
  EXPECT_FALSE(calendarOf("calendar: cn-2062\n").has_value());
  EXPECT_THAT(diagnostics_.toString(),
              HasSubstr("s.yaml:1:11: error: unknown calendar 'cn-2062': no file cn-2062 next to "
                        "s.yaml and no calendars/cn-2062.yaml in the example roots ("));
  EXPECT_THAT(diagnostics_.toString(), HasSubstr("; did you mean cn-2025 or cn-2026?\n"));
  const auto loaded = loadCalendar("weekend-only", resolver_);
  ASSERT_FALSE(loaded.isOk());
  EXPECT_THAT(loaded.errorText(), HasSubstr("did you mean weekends-only?"));
}

TEST_F(SettlementFilesTest, BadWeekdayHasADidYouMean) {
  EXPECT_FALSE(calendarOf("calendar:\n  weekend: [sat, sunday, sonday]\n").has_value());
  EXPECT_EQ(diagnostics_.toString(),
            "s.yaml:2:26: error: unknown weekday 'sonday'; did you mean monday or sunday? "
            "(expected one of: "
            "mon, tue, wed, thu, fri, sat, sun)\n");
}

TEST_F(SettlementFilesTest, BadDatesAndRanges) {
  EXPECT_FALSE(calendarOf("calendar:\n"
                          "  holidays:\n"
                          "    - 2026-13-01\n"
                          "    - {from: 2026-10-07, to: 2026-10-01}\n"
                          "    - {from: 2026-01-01, to: 2027-12-31}\n"
                          "    - {from: 2026-05-01}\n"
                          "    - {start: 2026-05-01, to: 2026-05-02}\n"
                          "    - [2026-05-01]\n")
                   .has_value());
  const std::string text = diagnostics_.toString();
  EXPECT_THAT(text, HasSubstr("s.yaml:3:7: error: expected a date (like \"2026-10-08\"), got "
                              "'2026-13-01'"));
  EXPECT_THAT(text, HasSubstr("s.yaml:4:30: error: the range ends (2026-10-01) before it starts "
                              "(2026-10-07); swap from and to\n"));
  EXPECT_THAT(text, HasSubstr("s.yaml:5:7: error: the range 2026-01-01 to 2027-12-31 covers 730 "
                              "days; a range covers at most 366 days\n"));
  EXPECT_THAT(text, HasSubstr("s.yaml:6:7: error: missing required key 'to' in a range of "
                              "holidays\n"));
  EXPECT_THAT(text, HasSubstr("s.yaml:7:7: error: missing required key 'from' in a range of "
                              "holidays\n"));
  EXPECT_THAT(text, HasSubstr("s.yaml:7:8: error: unknown key 'start' in a range of holidays "
                              "(known keys: from, name, to)\n"));
  EXPECT_THAT(text, HasSubstr("s.yaml:8:7: error: expected a date (like 2026-10-01) or a range "
                              "{from: 2026-10-01, to: 2026-10-07, name: National Day}, got a "
                              "list\n"));
}

TEST_F(SettlementFilesTest, ADayCannotBeBothHolidayAndWorkday) {
  EXPECT_FALSE(calendarOf("calendar:\n"
                          "  holidays: [{from: 2026-10-01, to: 2026-10-07}]\n"
                          "  workdays: [2026-10-10, 2026-10-03]\n")
                   .has_value());
  EXPECT_EQ(diagnostics_.toString(),
            "s.yaml:3:26: error: 2026-10-03 is listed both as a make-up workday and as a holiday "
            "(at line 2, column 14); a day is one or the other\n");
}

TEST_F(SettlementFilesTest, ARepeatedDayIsAWarning) {
  const auto calendar = calendarOf("calendar:\n  holidays: [2026-10-01, 2026-10-01]\n");
  ASSERT_TRUE(calendar.has_value()) << diagnostics_.toString();
  EXPECT_EQ(calendar->holidays().size(), 1u);
  EXPECT_EQ(diagnostics_.toString(),
            "s.yaml:2:26: warning: 2026-10-01 is listed twice as a holiday (first at line 2, "
            "column 14)\n");
}

TEST_F(SettlementFilesTest, AWeekOfWeekendIsAnError) {
  EXPECT_FALSE(calendarOf("calendar:\n  weekend: [mon, tue, wed, thu, fri, sat, sun]\n  workdays: "
                          "[2026-10-10]\n")
                   .has_value());
  EXPECT_THAT(diagnostics_.toString(),
              HasSubstr("s.yaml:2:12: error: every day of the week is a weekend day"));
}

TEST_F(SettlementFilesTest, NotAMappingOrList) {
  EXPECT_FALSE(calendarOf("calendar: [cn-2026]\n").has_value());
  EXPECT_EQ(diagnostics_.toString(),
            "s.yaml:1:11: error: expected a calendar name, a path or a mapping, got a list\n");
  diagnostics_ = {};
  EXPECT_FALSE(calendarOf("calendar: {holidays: 2026-10-01}\n").has_value());
  EXPECT_EQ(diagnostics_.toString(), "s.yaml:1:22: error: expected a list, got '2026-10-01'\n");
}

// ---- Settlement policies ----

TEST_F(SettlementFilesTest, FullSettlementBlock) {
  const auto policy = policyOf(
      "settlement:\n"
      "  cycle: T+1\n"
      "  cutoff: \"23:00\"\n"
      "  payout: [\"15:00\", \"09:00\", \"15:00\"]\n"
      "  instant_delay: 45s\n"
      "  fee: {rate: 0.006, fixed: \"0.50\", min: \"0.00\", max: \"20.00\"}\n"
      "  review: {threshold: \"50000.00\", extra_business_days: 2}\n"
      "  refund_cycle: T+5\n"
      "  hold_expiry: 7d\n");
  ASSERT_TRUE(policy.has_value()) << diagnostics_.toString();
  EXPECT_TRUE(diagnostics_.empty()) << diagnostics_.toString();
  EXPECT_EQ(policy->cycle, (Cycle{Cycle::Kind::kBusinessDays, 1}));
  EXPECT_EQ(policy->cutoff_seconds, 23 * 3600);
  EXPECT_EQ(policy->payout_seconds, (std::vector<std::int64_t>{9 * 3600, 15 * 3600}));
  EXPECT_EQ(policy->instant_delay, std::chrono::seconds(45));
  EXPECT_EQ(policy->fee.rate_billionths, 6'000'000);
  EXPECT_EQ(policy->fee.fixed, 50);
  EXPECT_EQ(policy->fee.min, 0);
  EXPECT_EQ(policy->fee.max, 2000);
  EXPECT_EQ(policy->review.threshold, 5'000'000);
  EXPECT_EQ(policy->review.extra_business_days, 2);
  EXPECT_EQ(policy->refund_cycle, (Cycle{Cycle::Kind::kBusinessDays, 5}));
  EXPECT_EQ(policy->hold_expiry, std::chrono::hours(24 * 7));

  // 100.00 CNY: 0.60 + 0.50.
  const auto arrival = settlement::computeArrival(
      *policy, settlement::test::cn2026(), at("2026-09-30T15:00:00+08:00"), Money(10000, kCny));
  EXPECT_EQ(arrival.fee.toDecimalString(), "1.10");
  EXPECT_EQ(arrival.net_amount.toDecimalString(), "98.90");
}

TEST_F(SettlementFilesTest, EmptyBlockKeepsTheDefaults) {
  const auto policy = policyOf("settlement: {}\n");
  ASSERT_TRUE(policy.has_value()) << diagnostics_.toString();
  const Policy defaults;
  EXPECT_EQ(policy->cycle, defaults.cycle);
  EXPECT_EQ(policy->cutoff_seconds, defaults.cutoff_seconds);
  EXPECT_EQ(policy->payout_seconds, defaults.payout_seconds);
  EXPECT_EQ(policy->instant_delay, defaults.instant_delay);
  EXPECT_EQ(policy->refund_cycle, defaults.refund_cycle);
  EXPECT_EQ(policy->hold_expiry, defaults.hold_expiry);
  EXPECT_EQ(policy->fee.rate_billionths, 0);
  EXPECT_FALSE(policy->review.threshold.has_value());
}

TEST_F(SettlementFilesTest, AMerchantOverrideKeepsTheAcquirersOtherValues) {
  Policy acquirer;
  acquirer.cycle = Cycle{Cycle::Kind::kCalendarDays, 0};
  acquirer.fee.rate_billionths = 6'000'000;
  acquirer.fee.max = 2000;
  const auto policy = policyOf("settlement: {payout: \"10:30\", fee: {rate: 0.38%}}\n", acquirer);
  ASSERT_TRUE(policy.has_value()) << diagnostics_.toString();
  EXPECT_EQ(policy->cycle, (Cycle{Cycle::Kind::kCalendarDays, 0}));
  EXPECT_EQ(policy->payout_seconds, std::vector<std::int64_t>{10 * 3600 + 30 * 60});
  EXPECT_EQ(policy->fee.rate_billionths, 3'800'000);
  EXPECT_EQ(policy->fee.max, 2000);
}

TEST_F(SettlementFilesTest, InstantPolicy) {
  const auto policy = policyOf("settlement: {cycle: instant, instant_delay: 2m}\n");
  ASSERT_TRUE(policy.has_value()) << diagnostics_.toString();
  EXPECT_EQ(policy->cycle.kind, Cycle::Kind::kInstant);
  EXPECT_EQ(policy->instant_delay, std::chrono::minutes(2));
}

TEST_F(SettlementFilesTest, SettlementErrorsNamePlaceAndFix) {
  EXPECT_FALSE(policyOf("settlement:\n"
                        "  cycel: T+1\n"
                        "  refund_cycle: T+x\n"
                        "  cutoff: \"25:00\"\n"
                        "  payout: []\n"
                        "  fee: {rate: 1.5, fixed: \"-0.50\", min: \"5.00\", max: \"1.00\", "
                        "maximum: 3}\n"
                        "  review: {threshold: \"50000.001\", extra_business_days: 400}\n"
                        "  hold_expiry: forever\n")
                   .has_value());
  const std::string text = diagnostics_.toString();
  EXPECT_THAT(
      text, HasSubstr("s.yaml:2:3: error: unknown key 'cycel' in settlement; did you mean cycle"));
  EXPECT_THAT(text, HasSubstr("s.yaml:3:17: error: settlement cycle \"T+x\": expected T+n (n "
                              "business days), D+n (n calendar days) or instant, n from 0 to "
                              "365\n"));
  EXPECT_THAT(text, HasSubstr("s.yaml:4:11: error: expected a time of day (like \"23:00\"), got "
                              "'25:00'"));
  EXPECT_THAT(text, HasSubstr("s.yaml:5:11: error: expected at least one payout time (like "
                              "[\"09:00\"]), got a list\n"));
  EXPECT_THAT(text, HasSubstr("s.yaml:6:15: error: fee rate \"1.5\": a fee rate cannot be above "
                              "100%"));
  EXPECT_THAT(text, HasSubstr("s.yaml:6:27: error: expected an amount that is not negative, got "
                              "'-0.50'\n"));
  EXPECT_THAT(text, HasSubstr("s.yaml:6:54: error: the fee maximum (1.00) is below the minimum "
                              "(5.00)\n"));
  EXPECT_THAT(text, HasSubstr("s.yaml:6:62: error: unknown key 'maximum' in fee; did you mean "
                              "max"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "s.yaml:7:23: error: expected an amount in CNY as a decimal string (like \"12.34\"), got "
          "'50000.001': amount \"50000.001\" has more than 2 decimal places"));
  EXPECT_THAT(text, HasSubstr("s.yaml:7:57: error: expected an integer from 0 to 365, got '400'"));
  EXPECT_THAT(text, HasSubstr("s.yaml:8:16: error: expected a duration"));
}

TEST_F(SettlementFilesTest, SettlementMustBeAMapping) {
  EXPECT_FALSE(policyOf("settlement: T+1\n").has_value());
  EXPECT_EQ(diagnostics_.toString(),
            "s.yaml:1:13: error: expected a mapping (key: value) for settlement, got 'T+1'\n");
}

}  // namespace
}  // namespace posim::scenarios
