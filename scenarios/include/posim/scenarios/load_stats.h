// What a load run measured (issue 9): counts, latency histograms that merge exactly, throughput
// per second, and the arrival-time metrics of its captures, kept as aggregates so that a run of a
// million transactions needs no more memory than a run of a thousand.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "posim/base/clock.h"
#include "posim/base/histogram.h"
#include "posim/base/json.h"
#include "posim/base/money.h"
#include "posim/base/status.h"
#include "posim/terminal/transaction.h"

namespace posim::scenarios {

// One second of a real-time load run (throughput over time): what finished within it. Only
// percentiles are kept per second (a histogram each would make memory grow with the run).
struct LoadSecond {
  std::int64_t second = 0;  // since the start of the run: [second, second + 1)
  std::uint64_t completed = 0;
  std::uint64_t errors = 0;
  std::optional<std::uint64_t> p50_us;  // latency of what completed within the second
  std::optional<std::uint64_t> p99_us;
};

// The aggregates of one transaction type within a load run.
struct LoadTypeStats {
  std::uint64_t count = 0;
  std::uint64_t approved = 0;
  LogHistogram auth_us;          // auth_latency_ms, in µs
  LogHistogram arrival_delay_s;  // captures that arrive, in seconds
  std::uint64_t within_sla = 0;  // of those, arrived within the run's sla_hours
};

struct LoadStats {
  std::string clock = "virtual";  // "virtual" or "real"
  std::string mode = "open";      // "open" or "closed"
  int terminals = 1;
  double target_rate = 0;       // open loop: arrivals per second; 0 in a closed loop
  double elapsed_seconds = 0;   // wall time of a real-time run; virtual time otherwise
  std::uint64_t scheduled = 0;  // arrivals due within the run
  std::uint64_t completed = 0;  // transactions that ran to an outcome (approved or not)
  std::uint64_t approved = 0;
  std::uint64_t declined = 0;  // completed, not approved
  std::uint64_t errors = 0;    // could not run, or no valid answer (timeouts included)
  std::uint64_t timeouts = 0;  // no answer within the backend's timeout
  std::uint64_t reversals_sent = 0;
  // Latency of each completed transaction, in µs. Open loop: from the intended send time (the
  // schedule), so a host that stalls is charged for the requests that queued behind it
  // (coordinated omission); closed loop: from the actual send.
  LogHistogram latency_us;
  LogHistogram service_us;                // from the actual start of the transaction, either loop
  std::vector<LoadSecond> per_second;     // real-time runs only
  std::map<int, LoadTypeStats> per_type;  // by acquirer::TransactionType
  std::map<Date, std::int64_t> money_per_day;  // minor units arriving per local date
  // Only in real-time runs, where transactions are aggregated instead of listed: the summary's
  // figures are folded in from these.
  bool aggregated = false;

  double throughput() const {
    return elapsed_seconds > 0 ? static_cast<double>(completed) / elapsed_seconds : 0.0;
  }

  // Adds one finished transaction: `latency` and `service` as measured by the runner.
  void add(const terminal::TransactionRecord& record, std::chrono::nanoseconds latency,
           std::chrono::nanoseconds service, double sla_hours);
  // Adds another terminal's share: counts add, histograms merge exactly. Seconds are not
  // merged (the runner builds them once for all terminals).
  void merge(const LoadStats& other);
};

// Live figures of a real-time load run, about once a second, from the runner's thread.
struct LoadProgress {
  double elapsed_seconds = 0;
  std::uint64_t completed = 0;
  std::uint64_t errors = 0;
  std::uint64_t timeouts = 0;
  double rate_per_second = 0;  // completed in the last interval / its length
  double p50_ms = 0;           // latency over the last interval
  double p99_ms = 0;
  std::uint64_t scheduled = 0;  // arrivals due so far (open loop): behind when > completed+errors
};

// {"clock", "mode", "terminals", "target_rate", "elapsed_seconds", "scheduled", "completed",
//  "approved", "declined", "errors", "timeouts", "reversals_sent", "throughput_per_second",
//  "latency_ms": {"count", "min", "p50", "p90", "p99", "p999", "max", "mean"},
//  "service_ms": {...}, "latency_histogram_us": LogHistogram JSON, "service_histogram_us": ...,
//  "per_second": [{"second", "completed", "errors", "p50_ms", "p99_ms"}]}
Json loadStatsJson(const LoadStats& stats);
// A number with a fixed number of decimals as JSON number text (never "-0.00"); null for NaN
// and infinities. Reports write every measured figure this way.
Json fixedNumber(double value, int decimals);
// The percentile object of a histogram of µs, in ms with 3 decimals.
Json latencyPercentilesJson(const LogHistogram& us);

}  // namespace posim::scenarios
