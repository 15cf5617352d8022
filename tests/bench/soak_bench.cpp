// DESIGN.md §10 "memory flat over a 1,000,000-transaction soak": a real-time open-loop load of
// contactless and chip sales against the embedded acquirer with file journals, the process's RSS
// sampled once a second through the load's progress callback. Reports the RSS at the start of the
// second quarter and at the end and the growth per 100,000 transactions after warm-up (the
// least-squares slope). 100,000 transactions (about a minute) unless POSIM_SOAK_TRANSACTIONS says
// otherwise: POSIM_SOAK_TRANSACTIONS=1000000 for the full figure (about 10 minutes at 1,700/s).
// scripts/soak runs the 10-minute soak of the `posim` binary and writes RSS over time.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

namespace posim::scenarios {
namespace {

double rssMiB() {
  long pages = 0, resident = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  const int read = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  if (read != 2) return 0;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

std::string soakScenario(std::int64_t count) {
  return R"(posim: 1
name: soak
clock: {start: "2026-03-16T08:00:00+08:00"}
calendar: cn-2026
terminal: countertop
acquirer:
  backend: embedded
  latency: 0ms
  settlement: {cycle: T+1, cutoff: "23:00", payout: ["09:00"], fee: {rate: 0.006}}
cards:
  tap: {profile: mastercard-credit-contactless, pin: "1234", balance: "9000000000000.00"}
  visa: {profile: visa-credit, pin: "1234", balance: "9000000000000.00"}
load:
  clock: real
  terminals: 16
  rate: 1700/s
  count: )" +
         std::to_string(count) +
         R"(
  mix:
    - {type: sale, weight: 2, card: tap, entry: contactless, amount: "38.00"}
    - {type: sale, weight: 1, card: visa, entry: chip, amount: "268.00"}
)";
}

void BM_SoakMemory(benchmark::State& state) {
  std::int64_t count = 100'000;
  if (const char* env = std::getenv("POSIM_SOAK_TRANSACTIONS"); env != nullptr) {
    count = std::max<std::int64_t>(1000, std::atoll(env));
  }
  Resolver resolver;
  auto scenario = loadScenarioText(soakScenario(count), "soak.yaml", resolver);
  if (!scenario.isOk()) {
    state.SkipWithError(scenario.errorText().c_str());
    return;
  }
  acquirer::BackendRegistry backends;
  acquirer::addBuiltinBackends(backends);
  const RealSteadyClock steady;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("posim-soak-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  struct Sample {
    double done;
    double rss;
  };
  std::vector<Sample> samples;
  double slope_per_100k = 0, rss_start = 0, rss_end = 0;
  for (auto _ : state) {
    samples.clear();
    RunOptions options;
    options.steady = &steady;
    options.journal_path = (dir / "journal.db").string();
    options.load_progress = [&](const LoadProgress& p) {
      samples.push_back({static_cast<double>(p.completed), rssMiB()});
    };
    auto run = runScenario(*scenario, options, backends);
    if (!run.isOk() || !run->load || run->load->errors > 0) {
      state.SkipWithError(run.isOk() ? "the load had errors" : run.status().toString().c_str());
      break;
    }
    // After warm-up (the first quarter): least squares of RSS over transactions.
    const std::size_t from = samples.size() / 4;
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = from; i < samples.size(); ++i) {
      n += 1;
      sx += samples[i].done;
      sy += samples[i].rss;
      sxx += samples[i].done * samples[i].done;
      sxy += samples[i].done * samples[i].rss;
    }
    const double denominator = n * sxx - sx * sx;
    slope_per_100k = denominator > 0 ? (n * sxy - sx * sy) / denominator * 100000.0 : 0.0;
    rss_start = samples.empty() ? 0 : samples[from].rss;
    rss_end = samples.empty() ? 0 : samples.back().rss;
  }
  std::filesystem::remove_all(dir);
  state.counters["rss_after_warmup_MiB"] = rss_start;
  state.counters["rss_end_MiB"] = rss_end;
  state.counters["growth_MiB_per_100k"] = slope_per_100k;
  state.counters["samples"] = static_cast<double>(samples.size());
  state.counters["transactions"] = static_cast<double>(count);
}
BENCHMARK(BM_SoakMemory)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace posim::scenarios
