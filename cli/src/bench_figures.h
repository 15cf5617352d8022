// The figures of DESIGN.md §10 as `posim bench` measures them, end to end and in process, each
// next to its target and the physical limit on the same machine (bench_limits.h). Shell code:
// these read the real clock.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/json.h"

namespace posim::cli {

// How long and how often each figure runs.
struct BenchSettings {
  bool long_run = false;  // --long: more transactions, more repetitions (the median is reported)
  // Progress lines ("posim bench: cda ...") go here; null: silent.
  std::ostream* progress = nullptr;
};

// One row of the table.
struct BenchRow {
  std::string figure;  // "full CDA transaction (1 core)"
  std::string unit;    // "txn/s", "us", "s", "ms", "MiB/100k txn"
  bool higher_is_better = true;
  double target = 0;
  std::string target_text;         // ">= 5,000/s"
  std::optional<double> measured;  // nullopt: not measured (see note)
  std::string measured_text;       // "2,100/s"
  std::optional<double> limit;     // in `unit`, where one applies
  std::string limit_text;          // "RSA-1024 sign 13,700/s (2 per txn -> 6,850/s)"
  std::string note;                // why a figure is not measured, or how it was run
  bool failed = false;             // not measured because something went wrong (not "not yet")
  Json details = Json::object();   // everything measured on the way
  // "met", "NOT MET" or "not measured".
  std::string status() const;
};

// The figures by --only name, in table order.
struct BenchFigure {
  std::string_view name;     // "cda"
  std::string_view summary;  // for --help and the usage error
  std::vector<BenchRow> (*run)(const BenchSettings& settings);
};
std::span<const BenchFigure> benchFigures();

// The rows as JSON: {"figure", "unit", "target", "target_text", "measured", "measured_text",
// "limit", "limit_text", "status", "met", "note", "details"}.
Json benchRowJson(const BenchRow& row);

// The limits measured so far in this process: {"rsa1024_sign_per_second",
// "loopback_echo_rtt_us": {"mean", "p50", "p99"}, "loopback_echo_64": {"per_second", "p50_us",
// "p99_us"}}, each present once measured.
Json benchLimitsJson();

// Numbers as the table shows them: 12345.6 -> "12,346", 1.234 -> "1.23".
std::string formatCount(double value);
std::string formatDecimal(double value, int decimals);

}  // namespace posim::cli
