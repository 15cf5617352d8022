// Settlement of a year of transactions on the cn-2026 calendar (DESIGN.md §10: a 10,000-
// transaction scenario with settlement across a year of calendar runs in <= 3 s in total; this
// measures the settlement share of it).
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/scenarios/settlement_files.h"
#include "posim/settlement/arrival.h"
#include "posim/settlement/calendar.h"
#include "posim/settlement/metrics.h"
#include "posim/settlement/policy.h"

namespace posim::settlement {
namespace {

constexpr int kTransactions = 10'000;

// The calendar of examples/calendars/cn-2026.yaml, loaded as posim loads it (once).
const Calendar& cn2026() {
  static const Calendar calendar = [] {
    scenarios::Resolver resolver;
    auto loaded = scenarios::loadCalendar(std::string_view("cn-2026"), resolver);
    if (!loaded.isOk()) std::abort();  // the examples are part of the build tree
    return loaded.value();
  }();
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
  const Calendar& calendar = cn2026();
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
  const Calendar& calendar = cn2026();
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
