// posim load [SCENARIO] [--backend ID|URL] [--terminals N] [--rate R | --closed [--think-time D]]
//            [--ramp-up D] [--duration D | --count N] [--virtual]
//            [--journal-dir DIR | --memory-journal] [--report F.json] [--seed N] [--quiet]
//
// The load block of a scenario (or the built-in default: contactless and chip sales on 8
// terminals at 200/s for 10 s against the embedded acquirer), run on the wall clock with live
// progress; the options override the block. Exit 0 when the load step passed (no errors, every
// `expect:` bound kept), 1 when it failed, 2 usage, 3 invalid scenario, 4 runtime (backend
// unreachable, report not written). SIGINT/SIGTERM end the run early with a report of what
// finished.
#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/report.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"
#include "posim/scenarios/schema.h"

#include "commands.h"
#include "exit_codes.h"
#include "load_progress.h"
#include "options.h"
#include "text_file.h"

namespace posim::cli {
namespace {

// The default load: cards from examples/cards with balances that do not run out, sales in the
// mix a countertop terminal sees.
constexpr std::string_view kDefaultLoad = R"(posim: 1
name: posim load (built-in default)
clock: {start: "2026-03-16T10:00:00+08:00"}
calendar: cn-2026
terminal: countertop
acquirer:
  backend: embedded
  latency: 0ms
  settlement: {cycle: T+1, cutoff: "23:00", payout: ["09:00"], fee: {rate: 0.006}}
cards:
  tap: {profile: mastercard-credit-contactless, pin: "1234", balance: "9000000000000.00"}
  visa: {profile: visa-credit, pin: "1234", balance: "9000000000000.00"}
  mc: {profile: mastercard-debit, pin: "1234", balance: "9000000000000.00"}
load:
  clock: real
  terminals: 8
  rate: 200/s
  duration: 10s
  mix:
    - {type: sale, weight: 5, card: tap, entry: contactless, amount: "38.00"}
    - {type: sale, weight: 3, card: visa, entry: chip, amount: "268.00"}
    - {type: sale, weight: 2, card: mc, entry: chip, amount: "128.50"}
)";

}  // namespace

int runLoad(const Args& args, Io& io) {
  const Command& self = *findCommand("load");
  po::options_description options("Options");
  options.add_options()("backend", po::value<std::string>(),
                        "embedded, or iso8583://HOST:PORT?dialect=NAME&framing=NAME (one "
                        "connection per terminal)")("terminals", po::value<int>(),
                                                    "terminals, each on its own thread")(
      "rate", po::value<std::string>(), "open loop: arrivals across all terminals (500, 500/s)")(
      "closed", "closed loop: each terminal sends as soon as its last answer is in")(
      "think-time", po::value<std::string>(), "closed loop: pause after each answer (5ms)")(
      "ramp-up", po::value<std::string>(), "rise to the rate (open) or start terminals (closed)")(
      "duration", po::value<std::string>(), "how long to send (30s, 10m)")(
      "count", po::value<std::int64_t>(), "how many transactions to send")(
      "virtual", "run on the scenario's virtual clock instead (deterministic, no pacing)")(
      "journal-dir", po::value<std::string>(),
      "keep each terminal's journal in DIR/journal.db.load-K (default: a temporary directory, "
      "removed at the end)")(
      "memory-journal",
      "keep the journals in memory: faster, but memory grows with every transaction")(
      "report", po::value<std::string>(), "write the JSON report to this file")(
      "seed", po::value<std::uint64_t>()->default_value(1), "seed of the mix and the cards")(
      "quiet,q", "no progress line and no summary");
  int early_exit = kExitOk;
  auto parsed = parseCommandLine(args, options, self, io, Positional::kSome, early_exit);
  if (!parsed) return early_exit;
  if (parsed->positional.size() > 1) return usageError(io, self, "one scenario at most");
  const auto& values = parsed->values;

  scenarios::Resolver resolver;
  auto loaded = parsed->positional.empty()
                    ? scenarios::loadScenarioText(kDefaultLoad, "<built-in load>", resolver)
                    : scenarios::loadScenario(parsed->positional.front(), resolver);
  io.err << loaded.errorText();
  if (!loaded.isOk()) {
    io.err << "posim: invalid scenario; nothing was run\n";
    return kExitInvalidInput;
  }
  scenarios::Scenario scenario = std::move(loaded).value();
  if (!scenario.load) {
    io.err << "posim: " << scenario.file.string()
           << ": the scenario has no load: block (see docs/scenarios.md, Load runs)\n";
    return kExitInvalidInput;
  }
  scenarios::LoadSpec& load = *scenario.load;
  load.clock =
      values.count("virtual") > 0 ? scenarios::LoadClock::kVirtual : scenarios::LoadClock::kReal;
  if (values.count("terminals") > 0) {
    const int n = values["terminals"].as<int>();
    if (n < 1 || n > 10000) return usageError(io, self, "--terminals: expected 1 to 10000");
    load.terminals = n;
  }
  const bool closed = values.count("closed") > 0;
  if (closed && values.count("rate") > 0) {
    return usageError(io, self, "--rate and --closed exclude each other");
  }
  if (closed && load.clock != scenarios::LoadClock::kReal) {
    return usageError(io, self, "--closed needs the real clock (drop --virtual)");
  }
  if (closed) load.mode = scenarios::LoadMode::kClosed;
  if (values.count("rate") > 0) {
    auto rate = scenarios::parseRatePerSecond(values["rate"].as<std::string>());
    if (!rate) {
      return usageError(io, self, "--rate: expected a rate like 500, 500/s, 300/m or 20/h");
    }
    load.mode = scenarios::LoadMode::kOpen;
    load.rate_per_second = *rate;
  }
  auto durationOption = [&](const char* name) -> Result<std::optional<Duration>> {
    if (values.count(name) == 0) return std::optional<Duration>();
    auto d = parseDuration(values[name].as<std::string>());
    if (!d.isOk()) {
      return invalidArgument(std::string("--") + name + ": " + d.status().message());
    }
    return std::optional<Duration>(*d);
  };
  auto think = durationOption("think-time");
  auto ramp = durationOption("ramp-up");
  auto duration = durationOption("duration");
  for (const auto* r : {&think, &ramp, &duration}) {
    if (!r->isOk()) return usageError(io, self, r->status().message());
  }
  if (*think) {
    if (load.mode != scenarios::LoadMode::kClosed) {
      return usageError(io, self, "--think-time applies to a closed loop (--closed)");
    }
    load.think_time = **think;
  }
  if (*ramp) load.ramp_up = **ramp;
  if (values.count("count") > 0 || *duration) {
    // Given on the command line: they replace the block's limits.
    load.count.reset();
    load.duration.reset();
  }
  if (*duration) {
    if ((*duration)->count() <= 0) return usageError(io, self, "--duration: expected above 0");
    load.duration = **duration;
  }
  if (values.count("count") > 0) {
    const std::int64_t n = values["count"].as<std::int64_t>();
    if (n < 1) return usageError(io, self, "--count: expected at least 1");
    load.count = n;
  }

  acquirer::BackendRegistry backends;
  acquirer::addBuiltinBackends(backends);
  scenarios::RunOptions run_options;
  run_options.seed = values["seed"].as<std::uint64_t>();
  if (values.count("backend") > 0) {
    run_options.backend = values["backend"].as<std::string>();
    if (const Status known = checkBackendOption(backends, run_options.backend); !known.isOk()) {
      return usageError(io, self, known.message());
    }
  }
  if (values.count("journal-dir") > 0 && values.count("memory-journal") > 0) {
    return usageError(io, self, "--journal-dir and --memory-journal exclude each other");
  }
  // File journals by default, as terminals keep them: memory stays flat however long the run.
  std::optional<TemporaryDirectory> scratch;
  if (values.count("journal-dir") > 0) {
    const std::filesystem::path dir = values["journal-dir"].as<std::string>();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return reportError(io, ioError("--journal-dir " + dir.string() + ": " + ec.message()));
    run_options.journal_path = (dir / "journal.db").string();
  } else if (values.count("memory-journal") == 0) {
    auto made = TemporaryDirectory::create("posim-load-");
    if (!made.isOk()) return reportError(io, made.status());
    scratch.emplace(std::move(*made));
    run_options.journal_path = (scratch->path() / "journal.db").string();
  }
  const bool quiet = values.count("quiet") > 0;
  const RealSteadyClock steady;
  run_options.steady = &steady;
  LoadProgressLine progress(io);
  if (!quiet) {
    run_options.load_progress = [&](const scenarios::LoadProgress& p) { progress.show(p); };
  }
  StopOnSignal stop;
  run_options.stop_load = stop.flag();

  auto run = scenarios::runScenario(scenario, run_options, backends);
  progress.clear();
  if (!run.isOk()) {
    io.err << "posim: " << scenario.file.string() << ": " << run.status().message() << "\n";
    return kExitRuntime;
  }
  if (stop.flag()->load()) io.err << "posim: stopped by a signal; reporting what finished\n";
  if (!quiet) io.out << scenarios::textSummary({*run});
  int exit_code = run->passed ? kExitOk : kExitExpectationFailed;
  if (values.count("report") > 0) {
    const Status written = writeTextFile(values["report"].as<std::string>(),
                                         scenarios::runReport(*run).dump(2) + "\n");
    if (!written.isOk()) {
      io.err << "posim: --report: " << written.message() << "\n";
      exit_code = kExitRuntime;
    }
  }
  return exit_code;
}

}  // namespace posim::cli
