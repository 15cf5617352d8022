// Settlement of a year of transactions on the cn-2026 calendar (DESIGN.md §10: a 10,000-
// transaction scenario with settlement across a year of calendar runs in <= 3 s in total; this
// measures the settlement share of it).
#include <chrono>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/settlement/arrival.h"
#include "posim/settlement/calendar.h"
#include "posim/settlement/metrics.h"
#include "posim/settlement/policy.h"

namespace posim::settlement {
namespace {

constexpr int kTransactions = 10'000;

Date parsedDate(std::string_view text) {
  return parseDate(text).valueOr(Date{});
}

// The facts of examples/calendars/cn-2026.yaml, built in code so the benchmark needs no YAML.
Calendar cn2026() {
  Calendar calendar;
  calendar.setName("cn-2026");
  constexpr std::pair<std::string_view, std::string_view> kHolidays[] = {
      {"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
      {"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"},
      {"2026-10-01", "2026-10-07"},
  };
  for (const auto& [from, to] : kHolidays) {
    for (Date d = parsedDate(from); d <= parsedDate(to); d = addDays(d, 1)) calendar.addHoliday(d);
  }
  for (std::string_view d :
       {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}) {
    calendar.addWorkday(parsedDate(d));
  }
  return calendar;
}

struct Sale {
  LocalDateTime captured_at;
  Money amount;
};

// 10,000 sales spread evenly over 2026 (about one every 52 minutes, so every time of day and
// every holiday is hit), amounts from 1.00 to 60,000.00 CNY from a fixed LCG.
std::vector<Sale> yearOfSales() {
  const Currency cny = *currencyByAlpha("CNY");
  const LocalDateTime start = parseIso8601("2026-01-01T00:00:00+08:00").valueOr({});
  const Duration step =
      std::chrono::duration_cast<Duration>(std::chrono::days(365)) / kTransactions;
  std::vector<Sale> sales;
  sales.reserve(kTransactions);
  std::uint64_t state = 20261001;
  for (int i = 0; i < kTransactions; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto minor = static_cast<std::int64_t>(100 + (state >> 33) % 6'000'000);
    sales.push_back({{start.instant + step * i, start.utc_offset}, Money(minor, cny)});
  }
  return sales;
}

Policy t1Policy() {
  Policy policy;  // T+1, cutoff 23:00, payout 09:00
  policy.payout_seconds = {9 * 3600, 15 * 3600};
  policy.fee.rate_billionths = 6'000'000;
  policy.fee.max = 2000;
  policy.review.threshold = 5'000'000;
  policy.review.extra_business_days = 2;
  return policy;
}

// computeArrival for each sale, then the arrival-delay distribution and the cash-flow timeline.
void BM_SettleYearOfSales(benchmark::State& state) {
  const Calendar calendar = cn2026();
  const std::vector<Sale> sales = yearOfSales();
  Policy policy = t1Policy();
  if (state.range(0) == 1) policy.cycle = Cycle{Cycle::Kind::kCalendarDays, 0};
  std::vector<double> delay_hours;
  delay_hours.reserve(sales.size());
  for (auto _ : state) {
    delay_hours.clear();
    CashFlow cash_flow;
    for (const Sale& sale : sales) {
      const Arrival arrival = computeArrival(policy, calendar, sale.captured_at, sale.amount);
      delay_hours.push_back(std::chrono::duration<double, std::ratio<3600>>(arrival.delay).count());
      cash_flow.add(arrival.arrival_at.date(), arrival.net_amount.minorUnits());
    }
    const Distribution distribution = distributionOf(delay_hours);
    benchmark::DoNotOptimize(distribution);
    benchmark::DoNotOptimize(cash_flow.total());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(sales.size()));
  state.SetLabel(policy.cycle.toString());
}
BENCHMARK(BM_SettleYearOfSales)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// One arrival: the cost per transaction the scenario runner pays.
void BM_ComputeArrival(benchmark::State& state) {
  const Calendar calendar = cn2026();
  const Policy policy = t1Policy();
  const LocalDateTime t = parseIso8601("2026-09-30T23:30:00+08:00").valueOr({});
  const Money amount(10000, *currencyByAlpha("CNY"));
  for (auto _ : state) {
    Arrival arrival = computeArrival(policy, calendar, t, amount);
    benchmark::DoNotOptimize(arrival);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ComputeArrival);

}  // namespace
}  // namespace posim::settlement
