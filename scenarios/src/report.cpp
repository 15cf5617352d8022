#include "posim/scenarios/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "posim/acquirer/backend.h"
#include "posim/emv/kernel.h"
#include "posim/scenarios/load_stats.h"

namespace posim::scenarios {
namespace {

using acquirer::TransactionType;
using terminal::TransactionRecord;

Json fixed(double value, int decimals) {
  return fixedNumber(value, decimals);
}
Json fixed(const std::optional<double>& value, int decimals) {
  return value ? fixed(*value, decimals) : Json();
}

Json textOrNull(std::string_view s) {
  return s.empty() ? Json() : Json(s);
}
Json isoTime(const std::optional<LocalDateTime>& t) {
  return t ? Json(formatIso8601(*t)) : Json();
}
Json isoDate(const std::optional<Date>& d) {
  return d ? Json(formatDate(*d)) : Json();
}
Json moneyJson(const std::optional<Money>& m) {
  return m ? Json(m->toDecimalString()) : Json();
}
Json countJson(std::size_t n) {
  return Json(static_cast<std::uint64_t>(n));
}

bool hasNoAmount(TransactionType type) {
  return type == TransactionType::kEcho || type == TransactionType::kSettle ||
         type == TransactionType::kBalance;
}

Json transactionJson(const ReportedTransaction& t) {
  const TransactionRecord& r = t.record;
  Json j = Json::object();
  j["id"] = t.id;
  j["type"] = acquirer::transactionTypeName(r.type);
  j["card"] = textOrNull(t.card);
  j["entry"] = r.entry ? Json(emv::entryModeName(*r.entry)) : Json();
  j["amount"] =
      hasNoAmount(r.type) && r.amount.isZero() ? Json() : Json(r.amount.toDecimalString());
  j["currency"] = textOrNull(r.amount.currency().alpha);
  j["approved"] = r.approved;
  j["response_code"] = textOrNull(r.response_code);
  j["auth_code"] = textOrNull(r.authorization_code);
  j["stan"] = textOrNull(r.stan);
  j["rrn"] = textOrNull(r.rrn);
  j["cvm"] = textOrNull(r.cvm);
  j["tvr"] = textOrNull(r.tvr);
  j["cryptogram"] = textOrNull(r.cryptogram);
  j["auth_latency_ms"] = fixed(r.auth_latency_ms, 3);
  j["started_at"] = formatIso8601(r.started_at);
  j["captured_at"] = isoTime(r.captured_at);
  j["clearing_date"] = isoDate(r.clearing_date);
  j["settlement_date"] = isoDate(r.settlement_date);
  j["arrival_at"] = isoTime(r.arrival_at);
  j["arrival_delay_hours"] =
      r.arrival_delay ? Json::rawNumber(settlement::formatHours(*r.arrival_delay)) : Json();
  j["fee"] = moneyJson(r.fee);
  j["net_amount"] = moneyJson(r.net_amount);
  j["status"] = t.status;
  // Additions after the §7 keys.
  j["masked_pan"] = textOrNull(r.masked_pan);
  j["outcome"] = textOrNull(r.outcome);
  j["reason"] = textOrNull(r.reason);
  j["authorized_at"] = isoTime(r.authorized_at);
  j["hold_placed_at"] = isoTime(r.hold_placed_at);
  j["hold_released_at"] = isoTime(r.hold_released_at);
  j["reversal_sent"] = r.reversal_sent;
  return j;
}

Json stepJson(const StepResult& s) {
  Json j = Json::object();
  j["id"] = s.id;
  j["type"] = s.type;
  j["passed"] = s.passed;
  Json failures = Json::array();
  for (const std::string& f : s.failures) failures.push(f);
  j["failures"] = std::move(failures);
  // Additions after the §7 keys.
  j["skipped"] = s.skipped;
  j["error"] = textOrNull(s.error);
  j["line"] = s.position.line > 0 ? Json(s.position.line) : Json();
  return j;
}

Json distributionJson(const settlement::Distribution& d, int decimals) {
  Json j = Json::object();
  j["count"] = countJson(d.count);
  j["p50"] = fixed(d.p50, decimals);
  j["p95"] = fixed(d.p95, decimals);
  j["p99"] = fixed(d.p99, decimals);
  j["max"] = fixed(d.max, decimals);
  return j;
}

Json summaryJson(const RunSummary& s) {
  Json j = Json::object();
  j["steps"] = countJson(s.steps);
  j["steps_passed"] = countJson(s.steps_passed);
  j["steps_failed"] = countJson(s.steps_failed);
  j["steps_skipped"] = countJson(s.steps - std::min(s.steps, s.steps_passed + s.steps_failed));
  j["transactions"] = countJson(s.transactions);
  j["approved"] = countJson(s.approved);
  j["approval_rate"] = fixed(s.approval_rate, 4);
  j["latency_ms"] = distributionJson(s.latency_ms, 3);
  j["arrival_delay_hours"] = distributionJson(s.arrival_delay_hours, 2);
  j["sla_hours"] = fixed(s.sla_hours, 2);
  j["sla_share"] = fixed(s.sla_share, 4);
  j["currency"] = s.currency.alpha;
  Json per_day = Json::object();
  for (const auto& [day, minor] : s.money_per_day) {
    per_day[formatDate(day)] = Money(minor, s.currency).toDecimalString();
  }
  j["money_per_day"] = std::move(per_day);
  Json per_type = Json::array();
  for (const TypeSummary& t : s.per_type) {
    Json p = Json::object();
    p["type"] = t.type;
    p["count"] = countJson(t.count);
    p["approved"] = countJson(t.approved);
    p["latency_ms"] = distributionJson(t.latency_ms, 3);
    p["arrival_delay_hours"] = distributionJson(t.arrival_delay_hours, 2);
    per_type.push(std::move(p));
  }
  j["per_type"] = std::move(per_type);
  j["reversals_sent"] = countJson(s.reversals_sent);
  return j;
}

Json whatIfJson(const settlement::WhatIf& w) {
  if (w.policy_names.empty()) return Json();
  Json j = Json::object();
  Json names = Json::array();
  for (const std::string& n : w.policy_names) names.push(n);
  j["policies"] = std::move(names);
  Json rows = Json::array();
  for (const settlement::WhatIfRow& row : w.rows) {
    Json r = Json::object();
    r["id"] = row.id;
    Json arrivals = Json::array();
    for (std::size_t i = 0; i < row.arrivals.size(); ++i) {
      const settlement::Arrival& a = row.arrivals[i];
      Json x = Json::object();
      x["policy"] = i < w.policy_names.size() ? Json(w.policy_names[i]) : Json();
      x["clearing_date"] = formatDate(a.clearing_date);
      x["settlement_date"] = formatDate(a.settlement_date);
      x["arrival_at"] = formatIso8601(a.arrival_at);
      x["arrival_delay_hours"] = Json::rawNumber(settlement::formatHours(a.delay));
      x["fee"] = a.fee.toDecimalString();
      x["net_amount"] = a.net_amount.toDecimalString();
      x["in_review"] = a.in_review;
      arrivals.push(std::move(x));
    }
    r["arrivals"] = std::move(arrivals);
    rows.push(std::move(r));
  }
  j["rows"] = std::move(rows);
  return j;
}

// The load runs of a suite, from their reports: counts add up, histograms merge exactly, so
// merged shard reports give the percentiles of the unsharded run.
struct SuiteLoad {
  static constexpr const char* kCounts[] = {"scheduled", "completed", "approved",      "declined",
                                            "errors",    "timeouts",  "reversals_sent"};
  std::size_t runs = 0;
  std::uint64_t counts[std::size(kCounts)] = {};
  LogHistogram latency_us;
  LogHistogram service_us;

  void add(const Json& l) {
    ++runs;
    for (std::size_t i = 0; i < std::size(kCounts); ++i) {
      const Json* v = l.find(kCounts[i]);
      if (v != nullptr && v->isNumber()) counts[i] += static_cast<std::uint64_t>(v->asInt());
    }
    // mergeReports checked them; a run made in this process wrote them.
    if (const Json* h = l.find("latency_histogram_us")) {
      if (auto parsed = LogHistogram::fromJson(*h); parsed.isOk()) latency_us.merge(*parsed);
    }
    if (const Json* h = l.find("service_histogram_us")) {
      if (auto parsed = LogHistogram::fromJson(*h); parsed.isOk()) service_us.merge(*parsed);
    }
  }
  Json toJson() const {
    Json j = Json::object();
    j["runs"] = countJson(runs);
    for (std::size_t i = 0; i < std::size(kCounts); ++i) j[kCounts[i]] = Json(counts[i]);
    j["latency_ms"] = latencyPercentilesJson(latency_us);
    j["service_ms"] = latencyPercentilesJson(service_us);
    j["latency_histogram_us"] = latency_us.toJson();
    j["service_histogram_us"] = service_us.toJson();
    return j;
  }
};

// Counts over run reports (JSON), for a suite: from the documents themselves, so merged shard
// reports are summed the same way as runs made in this process.
Json suiteFromRuns(Json::Array runs) {
  std::size_t runs_passed = 0, steps = 0, steps_passed = 0, steps_failed = 0, steps_skipped = 0,
              transactions = 0, approved = 0;
  SuiteLoad load;
  for (const Json& run : runs) {
    const Json* passed = run.find("passed");
    if (passed != nullptr && passed->isBool() && passed->asBool()) ++runs_passed;
    if (const Json* s = run.find("steps"); s != nullptr && s->isArray()) {
      for (const Json& step : s->asArray()) {
        ++steps;
        const Json* p = step.find("passed");
        const Json* k = step.find("skipped");
        if (k != nullptr && k->isBool() && k->asBool()) {
          ++steps_skipped;
        } else if (p != nullptr && p->isBool() && p->asBool()) {
          ++steps_passed;
        } else {
          ++steps_failed;
        }
      }
    }
    const Json* run_summary = run.find("summary");
    const Json* counted = run_summary != nullptr && run_summary->isObject()
                              ? run_summary->find("transactions")
                              : nullptr;
    const Json* counted_approved =
        run_summary != nullptr && run_summary->isObject() ? run_summary->find("approved") : nullptr;
    if (counted != nullptr && counted->isNumber() && counted_approved != nullptr &&
        counted_approved->isNumber()) {
      // The run's own count, which includes the transactions a real-time load run aggregates.
      transactions += static_cast<std::size_t>(counted->asInt());
      approved += static_cast<std::size_t>(counted_approved->asInt());
    } else if (const Json* t = run.find("transactions"); t != nullptr && t->isArray()) {
      for (const Json& tx : t->asArray()) {
        ++transactions;
        const Json* a = tx.find("approved");
        if (a != nullptr && a->isBool() && a->asBool()) ++approved;
      }
    }
    if (const Json* l = run.find("load"); l != nullptr && l->isObject()) load.add(*l);
  }
  Json summary = Json::object();
  summary["runs"] = countJson(runs.size());
  summary["runs_passed"] = countJson(runs_passed);
  summary["runs_failed"] = countJson(runs.size() - runs_passed);
  summary["steps"] = countJson(steps);
  summary["steps_passed"] = countJson(steps_passed);
  summary["steps_failed"] = countJson(steps_failed);
  summary["steps_skipped"] = countJson(steps_skipped);
  summary["transactions"] = countJson(transactions);
  summary["approved"] = countJson(approved);
  summary["approval_rate"] = fixed(
      transactions == 0 ? 0.0 : static_cast<double>(approved) / static_cast<double>(transactions),
      4);
  summary["load"] = load.runs == 0 ? Json() : load.toJson();

  Json out = Json::object();
  out["posim_report"] = 1;
  out["passed"] = runs_passed == runs.size();
  out["runs"] = Json(std::move(runs));
  out["summary"] = std::move(summary);
  return out;
}

// XML 1.0 text and attribute values: the five entities, line breaks kept as character references
// in attributes, and characters XML 1.0 cannot carry replaced by U+FFFD.
std::string xmlEscape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default:
        if (u < 0x20 || u == 0x7F) {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string seconds(double s) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f", std::isfinite(s) && s > 0 ? s : 0.0);
  return buffer;
}

std::string location(const RunResult& run, const StepResult& step) {
  std::string file = step.position.file.empty() ? run.file : step.position.file;
  if (step.position.line > 0) file += ":" + std::to_string(step.position.line);
  return file;
}

std::string csvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csvValue(const Json& v) {
  switch (v.type()) {
    case Json::Type::kNull: return "";
    case Json::Type::kBool: return v.asBool() ? "true" : "false";
    case Json::Type::kNumber: return v.numberText();
    case Json::Type::kString: return v.asString();
    case Json::Type::kArray:
    case Json::Type::kObject: return v.dump();
  }
  return "";
}

std::string pad(std::string s, std::size_t width, bool right) {
  if (s.size() >= width) return s;
  const std::string fill(width - s.size(), ' ');
  return right ? fill + s : s + fill;
}

std::string twoValues(const std::optional<double>& a, const std::optional<double>& b,
                      int decimals) {
  auto one = [&](const std::optional<double>& v) {
    if (!v) return std::string("-");
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, *v);
    return std::string(buffer);
  };
  return one(a) + " / " + one(b);
}

}  // namespace

Json runReport(const RunResult& run) {
  Json j = Json::object();
  j["posim_report"] = 1;
  j["scenario"] = run.scenario;
  j["file"] = run.file;
  j["seed"] = Json(run.seed);
  j["passed"] = run.passed;
  Json steps = Json::array();
  for (const StepResult& s : run.steps) steps.push(stepJson(s));
  j["steps"] = std::move(steps);
  Json transactions = Json::array();
  for (const ReportedTransaction& t : run.transactions) transactions.push(transactionJson(t));
  j["transactions"] = std::move(transactions);
  j["summary"] = summaryJson(run.summary);
  j["what_if"] = whatIfJson(run.what_if);
  j["finished_at"] = formatIso8601(run.finished_at);
  j["load"] = run.load ? loadStatsJson(*run.load) : Json();
  return j;
}

Json suiteReport(const std::vector<RunResult>& runs) {
  Json::Array docs;
  docs.reserve(runs.size());
  for (const RunResult& run : runs) docs.push_back(runReport(run));
  return suiteFromRuns(std::move(docs));
}

std::string junitReport(const std::vector<RunResult>& runs) {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double total_time = 0;
  std::string suites;
  for (const RunResult& run : runs) {
    std::size_t s_failures = 0, s_errors = 0, s_skipped = 0;
    double s_time = 0;
    std::string cases;
    for (const StepResult& step : run.steps) {
      double t = 0;
      if (step.transaction && *step.transaction < run.transactions.size()) {
        t = run.transactions[*step.transaction].record.auth_latency_ms.value_or(0.0) / 1000.0;
      }
      s_time += t;
      cases += "    <testcase classname=\"" + xmlEscape(run.scenario, true) + "\" name=\"" +
               xmlEscape(step.id, true) + "\" time=\"" + seconds(t) + "\"";
      if (step.passed && !step.skipped) {
        cases += "/>\n";
        continue;
      }
      cases += ">\n";
      if (step.skipped) {
        ++s_skipped;
        cases += "      <skipped message=\"skipped after a failed step with stop_on_failure\"/>\n";
      } else if (!step.error.empty()) {
        ++s_errors;
        cases += "      <error message=\"" + xmlEscape(step.error, true) + "\" type=\"error\">" +
                 xmlEscape(location(run, step) + ": " + step.error, false) + "</error>\n";
      } else {
        ++s_failures;
        const std::string message =
            step.failures.empty() ? std::string("failed") : step.failures.front();
        std::string details = location(run, step) + ":";
        for (const std::string& f : step.failures) details += "\n" + f;
        cases += "      <failure message=\"" + xmlEscape(message, true) +
                 "\" type=\"expectation\">" + xmlEscape(details, false) + "</failure>\n";
      }
      cases += "    </testcase>\n";
    }
    tests += run.steps.size();
    failures += s_failures;
    errors += s_errors;
    skipped += s_skipped;
    total_time += s_time;
    suites += "  <testsuite name=\"" + xmlEscape(run.scenario, true) + "\" tests=\"" +
              std::to_string(run.steps.size()) + "\" failures=\"" + std::to_string(s_failures) +
              "\" errors=\"" + std::to_string(s_errors) + "\" skipped=\"" +
              std::to_string(s_skipped) + "\" time=\"" + seconds(s_time) + "\">\n";
    suites += "    <properties>\n";
    suites += "      <property name=\"seed\" value=\"" + std::to_string(run.seed) + "\"/>\n";
    suites += "      <property name=\"file\" value=\"" + xmlEscape(run.file, true) + "\"/>\n";
    suites += "    </properties>\n";
    suites += cases;
    suites += "  </testsuite>\n";
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"posim\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" +
         std::to_string(skipped) + "\" time=\"" + seconds(total_time) + "\">\n";
  out += suites;
  out += "</testsuites>\n";
  return out;
}

std::string csvReport(const std::vector<RunResult>& runs) {
  // The columns: "scenario", then the keys of a report transaction, in report order.
  const Json sample = transactionJson(ReportedTransaction{});
  std::vector<std::string> keys;
  for (const auto& [key, value] : sample.asObject()) keys.push_back(key);
  std::string out = "scenario";
  for (const std::string& k : keys) out += "," + csvField(k);
  out += "\r\n";
  for (const RunResult& run : runs) {
    for (const ReportedTransaction& t : run.transactions) {
      const Json row = transactionJson(t);
      out += csvField(run.scenario);
      for (const std::string& k : keys) {
        const Json* v = row.find(k);
        out += ",";
        out += csvField(v == nullptr ? std::string() : csvValue(*v));
      }
      out += "\r\n";
    }
  }
  return out;
}

std::string textSummary(const std::vector<RunResult>& runs) {
  std::string out;
  std::size_t passed = 0;
  for (const RunResult& run : runs) {
    const RunSummary& s = run.summary;
    if (run.passed) ++passed;
    out += std::string(run.passed ? "PASSED" : "FAILED") + "  " + run.scenario;
    if (!run.file.empty()) out += " (" + run.file + ")";
    out += "  seed " + std::to_string(run.seed) + ": " + std::to_string(s.steps_passed) + "/" +
           std::to_string(s.steps) + " steps passed, " + std::to_string(s.transactions) +
           " transactions\n";
    if (!s.per_type.empty()) {
      out += "  " + pad("type", 12, false) + pad("count", 7, true) + pad("approved", 10, true) +
             pad("latency p50/p95 ms", 22, true) + pad("arrival p50/p95 h", 22, true) + "\n";
      for (const TypeSummary& t : s.per_type) {
        out += "  " + pad(t.type, 12, false) + pad(std::to_string(t.count), 7, true) +
               pad(std::to_string(t.approved), 10, true) +
               pad(twoValues(t.latency_ms.p50, t.latency_ms.p95, 2), 22, true) +
               pad(twoValues(t.arrival_delay_hours.p50, t.arrival_delay_hours.p95, 2), 22, true) +
               "\n";
      }
    }
    if (run.load) {
      const LoadStats& l = *run.load;
      const LogHistogram& h = l.latency_us;
      char line[320];
      std::snprintf(line, sizeof line,
                    "  load (%s clock, %s loop, %d terminals): %llu completed in %.1f s = %.1f/s, "
                    "%llu errors (%llu timeouts), %llu reversals sent\n",
                    l.clock.c_str(), l.mode.c_str(), l.terminals,
                    static_cast<unsigned long long>(l.completed), l.elapsed_seconds, l.throughput(),
                    static_cast<unsigned long long>(l.errors),
                    static_cast<unsigned long long>(l.timeouts),
                    static_cast<unsigned long long>(l.reversals_sent));
      out += line;
      if (!h.empty()) {
        std::snprintf(line, sizeof line,
                      "  load latency ms%s: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
                      l.mode == "open" && l.clock == "real" ? " (from the intended send time)" : "",
                      static_cast<double>(h.valueAtPercentile(50)) / 1e3,
                      static_cast<double>(h.valueAtPercentile(90)) / 1e3,
                      static_cast<double>(h.valueAtPercentile(99)) / 1e3,
                      static_cast<double>(h.valueAtPercentile(99.9)) / 1e3,
                      static_cast<double>(h.max()) / 1e3);
        out += line;
      }
    }
    if (!s.money_per_day.empty()) {
      out += "  money arriving per day:\n";
      for (const auto& [day, minor] : s.money_per_day) {
        out += "    " + formatDate(day) + "  " + Money(minor, s.currency).toString() + "\n";
      }
    }
    if (run.what_if.policy_names.size() > 1 && !run.what_if.rows.empty()) {
      // The same captures under each policy: the decision a merchant makes.
      out += "  settlement what-if (" + std::to_string(run.what_if.rows.size()) +
             " captured transactions):\n";
      for (std::size_t p = 0; p < run.what_if.policy_names.size(); ++p) {
        std::vector<double> hours;
        for (const settlement::WhatIfRow& row : run.what_if.rows) {
          if (p < row.arrivals.size()) {
            hours.push_back(static_cast<double>(row.arrivals[p].delay.count()) / 3.6e9);
          }
        }
        const settlement::Distribution d = settlement::distributionOf(hours);
        const std::string p50_p95 = twoValues(d.p50, d.p95, 2);
        const std::string max = twoValues(d.max, std::nullopt, 2);
        out += "    " + pad(run.what_if.policy_names[p], 10, false) + "arrival p50/p95/max h " +
               p50_p95 + " / " + max.substr(0, max.find(" / ")) + "\n";
      }
    }
    for (const StepResult& step : run.steps) {
      if (step.passed || step.skipped) continue;
      out += "  FAILED " + step.id + " (" + step.type + ") at " + location(run, step) + "\n";
      if (!step.error.empty()) out += "    error: " + step.error + "\n";
      for (const std::string& f : step.failures) out += "    " + f + "\n";
    }
    const std::size_t skipped = static_cast<std::size_t>(std::count_if(
        run.steps.begin(), run.steps.end(), [](const StepResult& step) { return step.skipped; }));
    if (skipped > 0) out += "  " + std::to_string(skipped) + " steps skipped\n";
  }
  if (runs.size() > 1) {
    out += std::to_string(passed) + " of " + std::to_string(runs.size()) + " scenarios passed\n";
  }
  return out;
}

namespace {

// A run report's load histograms must read back, or the merged percentiles would be wrong.
Status checkLoad(const Json& run, const std::string& where) {
  const Json* l = run.find("load");
  if (l == nullptr || l->isNull()) return Status::ok();
  if (!l->isObject()) return invalidArgument(where + ": \"load\" is not an object");
  for (const char* key : {"latency_histogram_us", "service_histogram_us"}) {
    const Json* h = l->find(key);
    if (h == nullptr) continue;
    if (auto parsed = LogHistogram::fromJson(*h); !parsed.isOk()) {
      return invalidArgument(where + ": load." + key + ": " + parsed.status().message());
    }
  }
  return Status::ok();
}

}  // namespace

Result<Json> mergeReports(const std::vector<Json>& reports) {
  Json::Array runs;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const Json& doc = reports[i];
    const std::string where = "report " + std::to_string(i + 1) + " of " +
                              std::to_string(reports.size()) + " (index " + std::to_string(i) + ")";
    const Json* version = doc.isObject() ? doc.find("posim_report") : nullptr;
    if (version == nullptr || !version->isNumber() || version->numberText() != "1") {
      return invalidArgument(where +
                             ": not a posim report (expected an object with \"posim_report\": 1)");
    }
    if (const Json* inner = doc.find("runs"); inner != nullptr) {
      if (!inner->isArray()) return invalidArgument(where + ": \"runs\" is not an array");
      for (std::size_t k = 0; k < inner->asArray().size(); ++k) {
        const Json& run = inner->asArray()[k];
        if (!run.isObject() || run.find("steps") == nullptr) {
          return invalidArgument(where + ": runs[" + std::to_string(k) +
                                 "] is not a run report (no \"steps\")");
        }
        POSIM_RETURN_IF_ERROR(checkLoad(run, where + ": runs[" + std::to_string(k) + "]"));
        runs.push_back(run);
      }
    } else if (const Json* steps = doc.find("steps"); steps != nullptr && steps->isArray()) {
      POSIM_RETURN_IF_ERROR(checkLoad(doc, where));
      runs.push_back(doc);
    } else {
      return invalidArgument(where + ": neither a run report (\"steps\") nor a suite (\"runs\")");
    }
  }
  return suiteFromRuns(std::move(runs));
}

}  // namespace posim::scenarios
