#include "posim/scenarios/load_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "posim/acquirer/backend.h"

namespace posim::scenarios {
namespace {

using acquirer::TransactionType;

std::uint64_t microsOf(std::chrono::nanoseconds d) {
  return d.count() <= 0 ? 0 : static_cast<std::uint64_t>((d.count() + 500) / 1000);
}

Json millis(double us) {
  return fixedNumber(us / 1000.0, 3);
}

bool arrives(const terminal::TransactionRecord& r) {
  return (r.type == TransactionType::kSale || r.type == TransactionType::kCompletion) &&
         r.approved && r.captured_at && !r.voided && !r.reversed && r.arrival_at &&
         r.arrival_delay && r.net_amount;
}

}  // namespace

void LoadStats::add(const terminal::TransactionRecord& record, std::chrono::nanoseconds latency,
                    std::chrono::nanoseconds service, double sla_hours) {
  ++completed;
  if (record.approved) {
    ++approved;
  } else {
    ++declined;
  }
  latency_us.record(microsOf(latency));
  service_us.record(microsOf(service));
  LoadTypeStats& t = per_type[static_cast<int>(record.type)];
  ++t.count;
  if (record.approved) ++t.approved;
  if (record.auth_latency_ms) {
    t.auth_us.record(static_cast<std::uint64_t>(std::llround(*record.auth_latency_ms * 1000.0)));
  }
  if (arrives(record)) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*record.arrival_delay);
    t.arrival_delay_s.record(seconds.count() < 0 ? 0 : static_cast<std::uint64_t>(seconds.count()));
    if (static_cast<double>(record.arrival_delay->count()) / 3.6e9 <= sla_hours) ++t.within_sla;
    money_per_day[record.arrival_at->date()] += record.net_amount->minorUnits();
  }
  if (record.type == TransactionType::kRefund && record.approved && record.captured_at) {
    const std::optional<Date> day =
        record.settlement_date
            ? record.settlement_date
            : (record.arrival_at ? std::optional<Date>(record.arrival_at->date()) : std::nullopt);
    if (day) money_per_day[*day] -= record.amount.minorUnits();
  }
}

void LoadStats::merge(const LoadStats& other) {
  scheduled += other.scheduled;
  completed += other.completed;
  approved += other.approved;
  declined += other.declined;
  errors += other.errors;
  timeouts += other.timeouts;
  reversals_sent += other.reversals_sent;
  latency_us.merge(other.latency_us);
  service_us.merge(other.service_us);
  for (const auto& [type, t] : other.per_type) {
    LoadTypeStats& mine = per_type[type];
    mine.count += t.count;
    mine.approved += t.approved;
    mine.auth_us.merge(t.auth_us);
    mine.arrival_delay_s.merge(t.arrival_delay_s);
    mine.within_sla += t.within_sla;
  }
  for (const auto& [day, minor] : other.money_per_day) money_per_day[day] += minor;
}

Json fixedNumber(double value, int decimals) {
  if (!std::isfinite(value)) return Json();
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text.find_first_not_of("-0.") == std::string::npos) {
    text.erase(0, text.front() == '-' ? 1 : 0);  // no "-0.00"
  }
  return Json::rawNumber(std::move(text));
}

Json latencyPercentilesJson(const LogHistogram& us) {
  Json j = Json::object();
  j["count"] = Json(us.count());
  if (us.empty()) {
    for (const char* key : {"min", "p50", "p90", "p99", "p999", "max", "mean"}) j[key] = Json();
    return j;
  }
  j["min"] = millis(static_cast<double>(us.min()));
  j["p50"] = millis(static_cast<double>(us.valueAtPercentile(50)));
  j["p90"] = millis(static_cast<double>(us.valueAtPercentile(90)));
  j["p99"] = millis(static_cast<double>(us.valueAtPercentile(99)));
  j["p999"] = millis(static_cast<double>(us.valueAtPercentile(99.9)));
  j["max"] = millis(static_cast<double>(us.max()));
  j["mean"] = millis(us.mean());
  return j;
}

Json loadStatsJson(const LoadStats& s) {
  Json j = Json::object();
  j["clock"] = s.clock;
  j["mode"] = s.mode;
  j["terminals"] = s.terminals;
  j["target_rate"] = s.target_rate > 0 ? fixedNumber(s.target_rate, 3) : Json();
  j["elapsed_seconds"] = fixedNumber(s.elapsed_seconds, 3);
  j["scheduled"] = Json(s.scheduled);
  j["completed"] = Json(s.completed);
  j["approved"] = Json(s.approved);
  j["declined"] = Json(s.declined);
  j["errors"] = Json(s.errors);
  j["timeouts"] = Json(s.timeouts);
  j["reversals_sent"] = Json(s.reversals_sent);
  j["throughput_per_second"] = fixedNumber(s.throughput(), 1);
  j["latency_ms"] = latencyPercentilesJson(s.latency_us);
  j["service_ms"] = latencyPercentilesJson(s.service_us);
  j["latency_histogram_us"] = s.latency_us.toJson();
  j["service_histogram_us"] = s.service_us.toJson();
  Json seconds = Json::array();
  for (const LoadSecond& sec : s.per_second) {
    Json row = Json::object();
    row["second"] = Json(sec.second);
    row["completed"] = Json(sec.completed);
    row["errors"] = Json(sec.errors);
    row["p50_ms"] = sec.p50_us ? millis(static_cast<double>(*sec.p50_us)) : Json();
    row["p99_ms"] = sec.p99_us ? millis(static_cast<double>(*sec.p99_us)) : Json();
    seconds.push(std::move(row));
  }
  j["per_second"] = std::move(seconds);
  return j;
}

}  // namespace posim::scenarios
