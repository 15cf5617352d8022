#include "bench_figures.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include "posim/acquirer/embedded.h"
#include "posim/acquirer/iso8583_transport.h"
#include "posim/acquirer/registry.h"
#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/histogram.h"
#include "posim/base/random.h"
#include "posim/emv/tlv.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/framing.h"
#include "posim/scenarios/dialect_files.h"
#include "posim/scenarios/host_setup.h"
#include "posim/scenarios/load_stats.h"
#include "posim/scenarios/report.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "bench_limits.h"
#include "bench_scenarios.h"

namespace posim::cli {
namespace {

using WallClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double secondsSince(WallClock::time_point start) {
  return std::chrono::duration<double>(WallClock::now() - start).count();
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

Json numbers(const std::vector<double>& values) {
  Json out = Json::array();
  for (double v : values) out.push(v);
  return out;
}

void progress(const BenchSettings& settings, const std::string& line) {
  if (settings.progress != nullptr) *settings.progress << "posim bench: " << line << std::endl;
}

constexpr double kMiB = 1024.0 * 1024.0;

// --- limits, measured once per process and shared by the figures that need them -----------

struct Limits {
  std::mutex mutex;
  std::optional<Result<RsaSignLimit>> rsa;
  std::optional<Result<EchoRoundTrip>> echo;
  std::optional<Result<EchoThroughput>> echo64;
};
Limits& limits() {
  static Limits l;
  return l;
}

const Result<RsaSignLimit>& rsaLimit(const BenchSettings& settings) {
  Limits& l = limits();
  std::lock_guard lock(l.mutex);
  if (!l.rsa) {
    progress(settings, "limit: OpenSSL RSA-1024 signatures (EVP_PKEY_sign)");
    l.rsa = measureRsaSignLimit(milliseconds(settings.long_run ? 3000 : 1000));
  }
  return *l.rsa;
}

constexpr std::size_t kEchoBytes = 400;  // about a framed 0200 with DE 55

const Result<EchoRoundTrip>& echoLimit(const BenchSettings& settings) {
  Limits& l = limits();
  std::lock_guard lock(l.mutex);
  if (!l.echo) {
    progress(settings, "limit: loopback TCP echo, one connection");
    l.echo = measureLoopbackEcho(kEchoBytes, milliseconds(settings.long_run ? 3000 : 1000));
  }
  return *l.echo;
}

const Result<EchoThroughput>& echo64Limit(const BenchSettings& settings) {
  Limits& l = limits();
  std::lock_guard lock(l.mutex);
  if (!l.echo64) {
    progress(settings, "limit: loopback TCP echo, 64 connections");
    l.echo64 = measureLoopbackEchoThroughput(64, kEchoBytes,
                                             milliseconds(settings.long_run ? 5000 : 2000));
  }
  return *l.echo64;
}

std::string rsaLimitText(const Result<RsaSignLimit>& rsa) {
  if (!rsa.isOk()) return "RSA-1024 sign: not measured (" + rsa.status().message() + ")";
  return "OpenSSL RSA-1024 sign " + formatCount(rsa->signs_per_second) + "/s";
}

// --- scenarios ---------------------------------------------------------------------------

struct LoadedScenario {
  std::optional<scenarios::Scenario> scenario;
  std::string error;
};

LoadedScenario loadBenchScenario(const std::string& text, const std::string& name) {
  scenarios::Resolver resolver;
  auto loaded = scenarios::loadScenarioText(text, name, resolver);
  LoadedScenario out;
  if (!loaded.isOk()) {
    out.error = "the built-in scenario " + name +
                " does not load (are the example cards installed? posim cards lists them): " +
                loaded.errorText();
    while (!out.error.empty() && out.error.back() == '\n') out.error.pop_back();
    return out;
  }
  out.scenario = std::move(loaded).value();
  return out;
}

// A row without a measurement: `why` says what went wrong (or, with failed = false, what is
// not there yet).
BenchRow notMeasured(BenchRow row, std::string why, bool failed = true) {
  row.measured.reset();
  row.measured_text = "-";
  row.note = std::move(why);
  row.failed = failed;
  return row;
}

// The first failure of a run's steps, for a message.
std::string firstFailure(const scenarios::RunResult& run) {
  for (const scenarios::StepResult& step : run.steps) {
    if (!step.error.empty()) return step.id + ": " + step.error;
    if (!step.failures.empty()) return step.id + ": " + step.failures.front();
  }
  return "";
}

// --- 1. full contact CDA transaction ------------------------------------------------------

std::vector<BenchRow> runCdaFigure(const BenchSettings& settings) {
  BenchRow row;
  row.figure = "full CDA transaction (1 core)";
  row.unit = "txn/s";
  row.target = 5000;
  row.target_text = ">= 5,000/s";
  const Result<RsaSignLimit>& rsa = rsaLimit(settings);
  if (rsa.isOk()) {
    row.limit = rsa->signs_per_second / 2;
    row.limit_text = rsaLimitText(rsa) + " (2 per txn -> " + formatCount(*row.limit) + "/s)";
  } else {
    row.limit_text = rsaLimitText(rsa);
  }

  const int count = settings.long_run ? 10000 : 3000;
  const int repetitions = settings.long_run ? 5 : 1;
  const LoadedScenario loaded = loadBenchScenario(cdaScenarioText(count), "bench-cda.yaml");
  if (!loaded.scenario) return {notMeasured(row, loaded.error)};
  acquirer::BackendRegistry backends;
  acquirer::addBuiltinBackends(backends);
  RealSteadyClock steady;
  std::vector<double> rates;
  std::size_t transactions = 0;
  std::size_t approved = 0;
  for (int r = 0; r < repetitions; ++r) {
    progress(settings, "cda: " + formatCount(count) + " Mastercard debit chip sales, run " +
                           std::to_string(r + 1) + " of " + std::to_string(repetitions));
    scenarios::RunOptions options;
    options.steady = &steady;
    const auto start = WallClock::now();
    auto run = scenarios::runScenario(*loaded.scenario, options, backends);
    const double elapsed = secondsSince(start);
    if (!run.isOk()) return {notMeasured(row, "the run failed: " + run.status().toString())};
    if (!run->passed) return {notMeasured(row, "the run failed: " + firstFailure(*run))};
    transactions = run->transactions.size();
    approved = run->summary.approved;
    rates.push_back(static_cast<double>(transactions) / elapsed);
  }
  row.measured = median(rates);
  row.measured_text = formatCount(*row.measured) + "/s";
  row.note =
      "mastercard-debit, chip, CDA on both GENERATE ACs, online PIN, embedded issuer, journal in "
      "memory; runScenario wall time, nothing subtracted";
  row.details["transactions_per_run"] = static_cast<std::uint64_t>(transactions);
  row.details["approved_per_run"] = static_cast<std::uint64_t>(approved);
  row.details["runs_per_second"] = numbers(rates);
  row.details["us_per_transaction"] = 1e6 / *row.measured;
  return {row};
}

// --- 2. ISO 8583 pack + unpack -------------------------------------------------------------

// Times `op` in `rounds` slices of about `slice` each and returns the median ns per call.
template <typename Op>
double medianNsPerOp(Op&& op, int rounds, milliseconds slice, std::vector<double>* samples) {
  for (int i = 0; i < 1000; ++i) op();  // warm-up
  std::vector<double> per_op;
  for (int r = 0; r < rounds; ++r) {
    const auto start = WallClock::now();
    std::uint64_t ops = 0;
    while (WallClock::now() - start < slice) {
      for (int i = 0; i < 64; ++i) op();
      ops += 64;
    }
    per_op.push_back(secondsSince(start) * 1e9 / static_cast<double>(ops));
  }
  if (samples != nullptr) *samples = per_op;
  return median(per_op);
}

std::vector<BenchRow> runIso8583Figure(const BenchSettings& settings) {
  BenchRow row;
  row.figure = "ISO 8583 0200+DE55 pack+unpack";
  row.unit = "us";
  row.higher_is_better = false;
  row.target = 2.0;
  row.target_text = "<= 2 us";
  auto dialect = scenarios::resolveDialect("iso87-ascii");
  if (!dialect.isOk()) return {notMeasured(row, dialect.status().toString())};
  const Bytes wire = purchaseRequestWithDe55();
  iso8583::Unpacked first = iso8583::unpack(**dialect, wire);
  if (!first.diagnostics.empty()) {
    return {notMeasured(row, "the built-in 0200 does not decode cleanly")};
  }
  const iso8583::Message message = first.message;
  Bytes out;
  std::size_t sink = 0;
  bool failed = false;
  progress(settings, "iso8583: pack + unpack of a 0200 with DE 55");
  const int rounds = settings.long_run ? 9 : 5;
  const milliseconds slice(settings.long_run ? 500 : 100);
  std::vector<double> samples;
  const double ns = medianNsPerOp(
      [&] {
        out.clear();
        failed |= !iso8583::pack(**dialect, message, out).isOk();
        iso8583::Unpacked unpacked = iso8583::unpack(**dialect, out);
        sink += unpacked.message.fields().size();
      },
      rounds, slice, &samples);
  if (failed || sink == 0) return {notMeasured(row, "pack failed")};
  row.measured = ns / 1000.0;
  row.measured_text = formatDecimal(*row.measured, 2) + " us";
  const double floor_ns = measureBytePassNs(wire.size(), 2, milliseconds(100));
  row.limit = floor_ns / 1000.0;
  row.limit_text = "2 passes over " + std::to_string(wire.size()) + " bytes (memcpy+sum) " +
                   formatDecimal(*row.limit, 3) + " us";
  row.note = "ISO-11 of the shared vectors (" + std::to_string(wire.size()) +
             " bytes, 25 fields, DE 55 of 161 bytes), dialect iso87-ascii; median of " +
             std::to_string(rounds) + " slices";
  row.details["message_bytes"] = static_cast<std::uint64_t>(wire.size());
  row.details["ns_per_op_slices"] = numbers(samples);
  row.details["floor_ns"] = floor_ns;
  return {row};
}

// --- 3. TLV decode -------------------------------------------------------------------------

std::vector<BenchRow> runTlvFigure(const BenchSettings& settings) {
  BenchRow row;
  row.figure = "TLV decode, 250-byte record";
  row.unit = "us";
  row.higher_is_better = false;
  row.target = 0.5;
  row.target_text = "<= 0.5 us";
  const Bytes record = readRecordTemplate();
  std::size_t sink = 0;
  progress(settings, "tlv: decode of a " + std::to_string(record.size()) + "-byte record");
  const int rounds = settings.long_run ? 9 : 5;
  const milliseconds slice(settings.long_run ? 500 : 100);
  std::vector<double> samples;
  const double ns = medianNsPerOp(
      [&] {
        emv::TlvDecodeResult decoded = emv::decodeTlv(record);
        sink += decoded.nodes.size();
      },
      rounds, slice, &samples);
  if (sink == 0) return {notMeasured(row, "the record did not decode")};
  row.measured = ns / 1000.0;
  row.measured_text = formatDecimal(*row.measured, 3) + " us";
  const double floor_ns = measureBytePassNs(record.size(), 1, milliseconds(100));
  row.limit = floor_ns / 1000.0;
  row.limit_text = "1 pass over " + std::to_string(record.size()) + " bytes (memcpy+sum) " +
                   formatDecimal(*row.limit, 3) + " us";
  row.note =
      "decodeTlv into a node tree of a READ RECORD template (70, 21 primitives); median of " +
      std::to_string(rounds) + " slices";
  row.details["record_bytes"] = static_cast<std::uint64_t>(record.size());
  row.details["ns_per_op_slices"] = numbers(samples);
  row.details["floor_ns"] = floor_ns;
  return {row};
}

// --- 4. posim run of 10,000 transactions across a year ------------------------------------

// The card's RSA private operations per transaction in the year-of-sales mix.
int rsaOperationsOf(const std::string& card) {
  if (card == "mc") return 3;  // mastercard-debit: CDA on both GENERATE ACs + PIN decipherment
  return 1;                    // tap: CDA on one GENERATE AC; visa: DDA (INTERNAL AUTHENTICATE)
}

std::vector<BenchRow> runRunFigure(const BenchSettings& settings) {
  BenchRow row;
  row.figure = "posim run, 10,000 txns over a year";
  row.unit = "s";
  row.higher_is_better = false;
  row.target = 3.0;
  row.target_text = "<= 3 s";
  const int repetitions = settings.long_run ? 3 : 1;
  acquirer::BackendRegistry backends;
  acquirer::addBuiltinBackends(backends);
  RealSteadyClock steady;
  std::vector<double> seconds;
  std::size_t transactions = 0;
  std::uint64_t rsa_operations = 0;
  for (int r = 0; r < repetitions; ++r) {
    progress(settings, "run: 10,000 sales across 2026 (load, validate, run, reports), run " +
                           std::to_string(r + 1) + " of " + std::to_string(repetitions));
    const auto start = WallClock::now();
    scenarios::Resolver resolver;
    auto scenario =
        scenarios::loadScenarioText(yearOfSalesScenarioText(), "year-of-sales.yaml", resolver);
    if (!scenario.isOk()) {
      std::string error = scenario.errorText();
      while (!error.empty() && error.back() == '\n') error.pop_back();
      return {notMeasured(row, "the built-in year-of-sales scenario does not load: " + error)};
    }
    scenarios::RunOptions options;
    options.steady = &steady;
    auto run = scenarios::runScenario(scenario.value(), options, backends);
    if (!run.isOk()) return {notMeasured(row, "the run failed: " + run.status().toString())};
    const std::string json = scenarios::runReport(*run).dump(2);
    const std::string junit = scenarios::junitReport({*run});
    seconds.push_back(secondsSince(start));
    if (json.empty() || junit.empty()) return {notMeasured(row, "empty report")};
    transactions = run->transactions.size();
    rsa_operations = 0;
    for (const scenarios::ReportedTransaction& t : run->transactions) {
      rsa_operations += static_cast<std::uint64_t>(rsaOperationsOf(t.card));
    }
  }
  row.measured = median(seconds);
  row.measured_text = formatDecimal(*row.measured, 2) + " s";
  const Result<RsaSignLimit>& rsa = rsaLimit(settings);
  if (rsa.isOk()) {
    row.limit = static_cast<double>(rsa_operations) / rsa->signs_per_second;
    row.limit_text = formatCount(static_cast<double>(rsa_operations)) + " RSA-1024 ops at " +
                     formatCount(rsa->signs_per_second) + "/s = " + formatDecimal(*row.limit, 2) +
                     " s";
  } else {
    row.limit_text = rsaLimitText(rsa);
  }
  row.note =
      "tests/bench/data/year-of-sales.yaml (built in): 4 terminals, cn-2026, T+1; load + validate "
      "+ run + JSON and JUnit reports, in process";
  row.details["transactions"] = static_cast<std::uint64_t>(transactions);
  row.details["rsa_private_operations"] = rsa_operations;
  row.details["seconds_per_run"] = numbers(seconds);
  return {row};
}

// --- 5. 64 terminals over loopback TCP against posim host ---------------------------------

// The real-time load engine's figures of a run (RunResult::load).
struct LoadFigures {
  std::uint64_t completed = 0;
  std::uint64_t errors = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t approved = 0;
  double elapsed_seconds = 0;
  double throughput = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

std::optional<LoadFigures> loadFiguresOf(const scenarios::RunResult& run) {
  if (!run.load) return std::nullopt;
  LoadFigures f;
  f.completed = run.load->completed;
  f.errors = run.load->errors;
  f.timeouts = run.load->timeouts;
  f.approved = run.load->approved;
  f.elapsed_seconds = run.load->elapsed_seconds;
  f.throughput = run.load->throughput();
  f.p50_ms = static_cast<double>(run.load->latency_us.valueAtPercentile(50.0)) / 1000.0;
  f.p99_ms = static_cast<double>(run.load->latency_us.valueAtPercentile(99.0)) / 1000.0;
  f.max_ms = static_cast<double>(run.load->latency_us.max()) / 1000.0;
  return f;
}

// The same contactless sale as the host figure, in process on one core: one terminal, the
// embedded issuer, the virtual clock, no TCP. What the 64 terminals' own EMV work allows.
Result<double> inProcessContactlessRate(const BenchSettings& settings) {
  const LoadedScenario loaded =
      loadBenchScenario(contactlessScenarioText(2000), "bench-contactless.yaml");
  if (!loaded.scenario) return invalidArgument(loaded.error);
  acquirer::BackendRegistry backends;
  acquirer::addBuiltinBackends(backends);
  RealSteadyClock steady;
  scenarios::RunOptions options;
  options.steady = &steady;
  progress(settings, "limit: the host figure's contactless sale in process, one core");
  const auto start = WallClock::now();
  auto run = scenarios::runScenario(*loaded.scenario, options, backends);
  const double elapsed = secondsSince(start);
  if (!run.isOk()) return run.status();
  if (!run->passed)
    return internalError("the in-process contactless run failed: " + firstFailure(*run));
  return static_cast<double>(run->transactions.size()) / elapsed;
}

std::vector<BenchRow> runHostFigure(const BenchSettings& settings) {
  constexpr int kTerminals = 64;
  BenchRow tps;
  tps.figure = "64 terminals over loopback TCP";
  tps.unit = "txn/s";
  tps.target = 20000;
  tps.target_text = ">= 20,000/s";
  BenchRow p99;
  p99.figure = "   p99 latency";
  p99.unit = "ms";
  p99.higher_is_better = false;
  p99.target = 5.0;
  p99.target_text = "<= 5 ms";

  const Result<EchoRoundTrip>& echo = echoLimit(settings);
  const Result<EchoThroughput>& echo64 = echo64Limit(settings);
  const Result<double> in_process = inProcessContactlessRate(settings);
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  if (echo64.isOk()) {
    tps.limit = echo64->round_trips_per_second;
    tps.limit_text = "TCP echo, 64 conns: " + formatCount(*tps.limit) + "/s";
  } else {
    tps.limit_text = "64-conn echo: not measured (" + echo64.status().message() + ")";
  }
  if (in_process.isOk()) {
    tps.limit_text += "; same txn in process, no TCP: " + formatCount(*in_process) + "/s/core";
  }
  if (echo.isOk()) {
    p99.limit = echo->p99_us / 1000.0;
    p99.limit_text = "TCP echo RTT " + formatDecimal(echo->mean_us, 1) + " us, p99 " +
                     formatDecimal(echo->p99_us, 1) + " us";
    if (echo64.isOk()) {
      p99.limit_text += "; 64 conns p99 " + formatDecimal(echo64->p99_us / 1000.0, 2) + " ms";
    }
  } else {
    p99.limit_text = "echo RTT: not measured (" + echo.status().message() + ")";
  }

  const int seconds = settings.long_run ? 20 : 5;
  const LoadedScenario loaded =
      loadBenchScenario(hostLoadScenarioText(kTerminals, seconds), "bench-host.yaml");
  if (!loaded.scenario) return {notMeasured(tps, loaded.error), notMeasured(p99, loaded.error)};
  const scenarios::Scenario& scenario = *loaded.scenario;

  // posim host, in process: the scenario's issuer behind an ISO 8583 server on a free port.
  auto dialect = scenarios::resolveDialect("iso87-ascii");
  if (!dialect.isOk()) {
    return {notMeasured(tps, dialect.status().toString()),
            notMeasured(p99, dialect.status().toString())};
  }
  acquirer::HostOptions host;
  host.listen_address = "127.0.0.1";
  host.listen_port = 0;
  host.dialect = *dialect;
  host.framing = iso8583::Framing::kBinary2;
  host.reference_time = scenario.start;
  RealSteadyClock steady;
  SeededRandom host_random(scenarios::hostRandomSeed(1));
  auto server =
      acquirer::Iso8583Host::start(std::move(host),
                                   std::make_unique<acquirer::EmbeddedBackend>(
                                       scenarios::issuerConfigFor(scenario), host_random, nullptr),
                                   nullptr, nullptr, &steady);
  if (!server.isOk()) {
    const std::string why = "posim host did not start: " + server.status().toString();
    return {notMeasured(tps, why), notMeasured(p99, why)};
  }
  acquirer::BackendRegistry backends;
  acquirer::addBuiltinBackends(backends);
  scenarios::RunOptions options;
  options.steady = &steady;
  options.backend = "iso8583://127.0.0.1:" + std::to_string((*server)->port()) +
                    "?dialect=iso87-ascii&framing=binary2";
  progress(settings, "host: " + std::to_string(kTerminals) + " terminals, closed loop, " +
                         std::to_string(seconds) + " s against posim host on " +
                         (*server)->address());
  auto run = scenarios::runScenario(scenario, options, backends);
  const std::uint64_t served = (*server)->requestsServed();
  server->reset();
  if (!run.isOk()) {
    const std::string why = "the run failed: " + run.status().toString();
    return {notMeasured(tps, why), notMeasured(p99, why)};
  }
  const std::optional<LoadFigures> load = loadFiguresOf(*run);
  if (!load || !run->passed) {
    const std::string why = "the run failed: " + firstFailure(*run);
    return {notMeasured(tps, why), notMeasured(p99, why)};
  }
  tps.measured = load->throughput;
  tps.measured_text = formatCount(load->throughput) + "/s";
  p99.measured = load->p99_ms;
  p99.measured_text = formatDecimal(load->p99_ms, 2) + " ms";
  tps.note = "closed loop, " + std::to_string(kTerminals) +
             " terminal threads in this process (own connection each) doing the whole "
             "transaction (card, kernel, journal in memory), contactless Mastercard sales of "
             "168.00 (CDA, online, no CVM), against posim host in process (iso87-ascii, "
             "binary2) on 127.0.0.1, " +
             std::to_string(seconds) + " s after a 1 s ramp-up, all on " + std::to_string(cpus) +
             " CPU(s)";
  if (in_process.isOk()) {
    tps.note += "; the same transaction in process without TCP runs " + formatCount(*in_process) +
                "/s on one core, so the terminals' own EMV work caps "
                "this figure near " +
                formatCount(*in_process * cpus) + "/s";
  }
  if (load->errors > 0) {
    tps.note += "; " + std::to_string(load->errors) + " errors (" + std::to_string(load->timeouts) +
                " timeouts)";
  }
  p99.note = "from send to answer, whole transaction at the terminal; p50 " +
             formatDecimal(load->p50_ms, 2) + " ms, max " + formatDecimal(load->max_ms, 2) + " ms";
  Json details = Json::object();
  details["terminals"] = kTerminals;
  details["completed"] = load->completed;
  details["approved"] = load->approved;
  details["errors"] = load->errors;
  details["timeouts"] = load->timeouts;
  details["elapsed_seconds"] = load->elapsed_seconds;
  details["p50_ms"] = load->p50_ms;
  details["p99_ms"] = load->p99_ms;
  details["max_ms"] = load->max_ms;
  details["host_requests_served"] = served;
  if (in_process.isOk()) details["in_process_per_core_per_second"] = *in_process;
  if (echo.isOk()) {
    details["echo_rtt_mean_us"] = echo->mean_us;
    details["echo_rtt_p99_us"] = echo->p99_us;
  }
  if (echo64.isOk()) {
    details["echo64_per_second"] = echo64->round_trips_per_second;
    details["echo64_p99_us"] = echo64->p99_us;
  }
  tps.details = details;
  p99.details = details;
  return {tps, p99};
}

// --- 6. memory over a soak ------------------------------------------------------------------

// Least-squares slope of y over x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  if (x.size() < 2) return 0;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  const double d = n * sxx - sx * sx;
  return d != 0 ? (n * sxy - sx * sy) / d : 0;
}

std::vector<BenchRow> runMemoryFigure(const BenchSettings& settings) {
  // 16 terminals for the million (each card copy of a terminal stays below the 65,535 ATCs a
  // card has); 2 for the short default soak, whose 16 SQLite page caches would still be filling.
  const int kTerminals = settings.long_run ? 16 : 2;
  BenchRow row;
  row.figure = "memory over a soak";
  row.unit = "MiB/100k txn";
  row.higher_is_better = false;
  row.target = 1.0;
  row.target_text = "flat (<= 1 MiB/100k)";
  row.limit = 0;
  row.limit_text = "0 (nothing kept per transaction)";
  // --long: the 1,000,000 transactions of DESIGN.md §10; default: what 20 s allow.
  const std::optional<std::int64_t> count =
      settings.long_run ? std::optional<std::int64_t>(1000000) : std::nullopt;
  const int seconds = 20;
  const LoadedScenario loaded =
      loadBenchScenario(soakScenarioText(kTerminals, count, seconds), "bench-soak.yaml");
  if (!loaded.scenario) return {notMeasured(row, loaded.error)};

  std::error_code ec;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path(ec) / ("posim-bench-soak-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir, ec);
  if (ec) return {notMeasured(row, "cannot create " + dir.string() + ": " + ec.message())};

  struct Sample {
    double seconds = 0;
    std::uint64_t done = 0;
    std::uint64_t rss = 0;
  };
  std::vector<Sample> samples;  // about once a second, from the runner's thread
  acquirer::BackendRegistry backends;
  acquirer::addBuiltinBackends(backends);
  RealSteadyClock steady;
  scenarios::RunOptions options;
  options.steady = &steady;
  options.journal_path = (dir / "soak.db").string();
  const std::uint64_t rss_start = residentBytes();
  std::uint64_t next_line = 0;
  options.load_progress = [&](const scenarios::LoadProgress& p) {
    samples.push_back({p.elapsed_seconds, p.completed + p.errors, residentBytes()});
    if (settings.long_run && p.completed >= next_line) {
      progress(settings,
               "memory: " + formatCount(static_cast<double>(p.completed)) + " transactions, RSS " +
                   formatDecimal(static_cast<double>(samples.back().rss) / kMiB, 1) + " MiB");
      next_line = p.completed + 100000;
    }
  };
  progress(settings, "memory: " +
                         (count ? formatCount(static_cast<double>(*count)) + " transactions"
                                : std::to_string(seconds) + " s") +
                         ", " + std::to_string(kTerminals) +
                         " terminals, closed loop, embedded issuer, file journals in " +
                         dir.string());
  const auto start = WallClock::now();
  auto run = scenarios::runScenario(*loaded.scenario, options, backends);
  const double elapsed = secondsSince(start);
  const std::uint64_t rss_end = residentBytes();
  std::filesystem::remove_all(dir, ec);
  if (!run.isOk()) return {notMeasured(row, "the run failed: " + run.status().toString())};
  const std::optional<LoadFigures> load = loadFiguresOf(*run);
  if (!load || samples.size() < 4) {
    return {notMeasured(row, "the soak gave too few samples: " + firstFailure(*run))};
  }
  const std::uint64_t transactions = load->completed + load->errors;

  // Warm-up: the first quarter of the transactions (the terminals' SQLite page caches, the
  // histograms and the allocator's arenas fill up). Growth: the least-squares slope of the RSS
  // over the transactions after it, which one-off peaks move less than two end points would.
  std::uint64_t peak = rss_start;
  std::uint64_t warm_rss = 0;
  std::vector<double> x;
  std::vector<double> y;
  for (const Sample& s : samples) {
    peak = std::max(peak, s.rss);
    if (static_cast<double>(s.done) < 0.25 * static_cast<double>(transactions)) continue;
    if (x.empty()) warm_rss = s.rss;
    x.push_back(static_cast<double>(s.done));
    y.push_back(static_cast<double>(s.rss) / kMiB);
  }
  if (x.size() < 3) return {notMeasured(row, "too few samples after the warm-up")};
  row.measured = slope(x, y) * 100000.0;
  row.measured_text =
      (*row.measured >= 0 ? "+" : "") + formatDecimal(*row.measured, 2) + " MiB/100k";
  row.note = formatCount(static_cast<double>(transactions)) + " txns in " +
             formatDecimal(elapsed, 1) + " s (" + std::to_string(kTerminals) +
             " terminals, closed loop, embedded issuer, a file journal each); RSS start " +
             formatDecimal(static_cast<double>(rss_start) / kMiB, 1) + " MiB, after warm-up " +
             formatDecimal(static_cast<double>(warm_rss) / kMiB, 1) + " MiB, peak " +
             formatDecimal(static_cast<double>(peak) / kMiB, 1) + " MiB, end " +
             formatDecimal(static_cast<double>(rss_end) / kMiB, 1) +
             " MiB; growth = slope of RSS over the last 75 % of the transactions";
  if (load->errors > 0) row.note += "; " + std::to_string(load->errors) + " errors";
  row.details["transactions"] = transactions;
  row.details["errors"] = load->errors;
  row.details["seconds"] = elapsed;
  row.details["rss_start_mib"] = static_cast<double>(rss_start) / kMiB;
  row.details["rss_after_warmup_mib"] = static_cast<double>(warm_rss) / kMiB;
  row.details["rss_peak_mib"] = static_cast<double>(peak) / kMiB;
  row.details["rss_end_mib"] = static_cast<double>(rss_end) / kMiB;
  Json series = Json::array();
  for (const Sample& s : samples) {
    Json sample = Json::object();
    sample["seconds"] = s.seconds;
    sample["transactions"] = s.done;
    sample["rss_mib"] = static_cast<double>(s.rss) / kMiB;
    series.push(std::move(sample));
  }
  row.details["samples"] = std::move(series);
  return {row};
}

constexpr std::array kFigures = {
    BenchFigure{"cda", "full contact CDA transactions per second on one core", &runCdaFigure},
    BenchFigure{"iso8583", "ISO 8583 pack + unpack of a 0200 with DE 55", &runIso8583Figure},
    BenchFigure{"tlv", "TLV decode of a 250-byte record", &runTlvFigure},
    BenchFigure{"run", "posim run of 10,000 transactions across a year", &runRunFigure},
    BenchFigure{"host", "64 terminals over loopback TCP against posim host: tps and p99",
                &runHostFigure},
    BenchFigure{"memory", "resident memory over a soak", &runMemoryFigure},
};

}  // namespace

std::string BenchRow::status() const {
  if (!measured) return "not measured";
  const bool met = higher_is_better ? *measured >= target : *measured <= target;
  return met ? "met" : "NOT MET";
}

Json benchLimitsJson() {
  Limits& l = limits();
  std::lock_guard lock(l.mutex);
  Json out = Json::object();
  if (l.rsa && l.rsa->isOk()) {
    out["rsa1024_sign_per_second"] = (*l.rsa)->signs_per_second;
  }
  if (l.echo && l.echo->isOk()) {
    Json echo = Json::object();
    echo["message_bytes"] = static_cast<std::uint64_t>(kEchoBytes);
    echo["mean"] = (*l.echo)->mean_us;
    echo["p50"] = (*l.echo)->p50_us;
    echo["p99"] = (*l.echo)->p99_us;
    out["loopback_echo_rtt_us"] = std::move(echo);
  }
  if (l.echo64 && l.echo64->isOk()) {
    Json echo = Json::object();
    echo["connections"] = (*l.echo64)->connections;
    echo["message_bytes"] = static_cast<std::uint64_t>(kEchoBytes);
    echo["per_second"] = (*l.echo64)->round_trips_per_second;
    echo["p50_us"] = (*l.echo64)->p50_us;
    echo["p99_us"] = (*l.echo64)->p99_us;
    out["loopback_echo_64"] = std::move(echo);
  }
  return out;
}

std::span<const BenchFigure> benchFigures() {
  return kFigures;
}

Json benchRowJson(const BenchRow& row) {
  Json out = Json::object();
  out["figure"] = row.figure;
  out["unit"] = row.unit;
  out["target"] = row.target;
  out["target_text"] = row.target_text;
  out["measured"] = row.measured ? Json(*row.measured) : Json();
  out["measured_text"] = row.measured_text;
  out["limit"] = row.limit ? Json(*row.limit) : Json();
  out["limit_text"] = row.limit_text;
  out["status"] = row.status();
  out["met"] = row.status() == "met";
  out["higher_is_better"] = row.higher_is_better;
  out["note"] = row.note;
  out["details"] = row.details;
  return out;
}

std::string formatCount(double value) {
  if (!std::isfinite(value)) return "-";
  const bool negative = value < 0;
  std::string digits = std::to_string(static_cast<long long>(std::llround(std::fabs(value))));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string formatDecimal(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace posim::cli
