// DESIGN.md §10: `posim run` of a 10,000-transaction scenario with settlement across a year of
// calendar, target <= 3 s in total. Loads tests/bench/data/year-of-sales.yaml (10,000 sales on
// 4 terminals over cn-2026, T+1) and runs it as `posim run` does, reports included.
#include <filesystem>

#include <benchmark/benchmark.h>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/report.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

namespace posim::scenarios {
namespace {

void BM_RunYearOfSales(benchmark::State& state) {
  const std::filesystem::path file =
      std::filesystem::path(POSIM_BENCH_DATA_DIR) / "year-of-sales.yaml";
  Resolver resolver;
  acquirer::BackendRegistry backends;
  acquirer::addBuiltinBackends(backends);
  RealSteadyClock steady;
  std::size_t transactions = 0;
  for (auto _ : state) {
    // The whole command: load and validate, run, build the reports.
    LoadResult<Scenario> scenario = loadScenario(file, resolver);
    if (!scenario.isOk()) {
      state.SkipWithError(scenario.diagnostics().toString().c_str());
      return;
    }
    RunOptions options;
    options.steady = &steady;
    Result<RunResult> run = runScenario(scenario.value(), options, backends);
    if (!run.isOk()) {
      state.SkipWithError(run.status().toString().c_str());
      return;
    }
    transactions = run->transactions.size();
    const std::string json = runReport(*run).dump(2);
    const std::string junit = junitReport({*run});
    benchmark::DoNotOptimize(json.data());
    benchmark::DoNotOptimize(junit.data());
  }
  state.counters["transactions"] = static_cast<double>(transactions);
  state.counters["tx/s"] = benchmark::Counter(
      static_cast<double>(transactions) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RunYearOfSales)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

}  // namespace
}  // namespace posim::scenarios
