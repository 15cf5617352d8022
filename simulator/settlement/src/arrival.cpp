#include "posim/settlement/arrival.h"

#include <cstdint>
#include <optional>
#include <span>
#include <utility>

namespace posim::settlement {
namespace {

using std::chrono::sys_days;

// The payout time used when a policy lists none.
constexpr std::int64_t kMidnight[] = {0};

// The instant at which the wall clock in `offset` shows `seconds` past midnight of `day`.
Instant localInstant(Date day, std::int64_t seconds, std::chrono::minutes offset) {
  return Instant(sys_days(day)) + std::chrono::seconds(seconds) - offset;
}

// Step 1: the clearing date.
Date clearingDate(const Cycle& cycle, std::int64_t cutoff_seconds, const Calendar& calendar,
                  const LocalDateTime& t) {
  Date c = t.date();
  if (t.timeOfDay() >= std::chrono::seconds(cutoff_seconds)) c = addDays(c, 1);
  if (cycle.businessDays()) c = calendar.businessDayOnOrAfter(c);
  return c;
}

// Step 2 without review: the settlement date.
Date settlementDate(const Cycle& cycle, const Calendar& calendar, Date clearing) {
  return cycle.businessDays() ? calendar.addBusinessDays(clearing, cycle.days)
                              : addDays(clearing, cycle.days);
}

// Step 3: the first payout time p >= t on or after day s (business days only for a T cycle).
LocalDateTime firstPayout(const Policy& policy, bool business_days_only, const Calendar& calendar,
                          Date s, const LocalDateTime& t) {
  const std::span<const std::int64_t> payouts =
      policy.payout_seconds.empty() ? std::span<const std::int64_t>(kMidnight)
                                    : std::span<const std::int64_t>(policy.payout_seconds);
  for (Date day = s;; day = addDays(day, 1)) {
    if (business_days_only && !calendar.isBusinessDay(day)) continue;
    std::optional<Instant> best;
    for (std::int64_t seconds : payouts) {
      const Instant p = localInstant(day, seconds, t.utc_offset);
      if (p >= t.instant && (!best.has_value() || p < *best)) best = p;
    }
    if (best.has_value()) return {*best, t.utc_offset};
  }
}

Arrival arrive(const Policy& policy, const Cycle& cycle, const Calendar& calendar,
               const LocalDateTime& t, bool reviewed) {
  Arrival arrival;
  if (cycle.kind == Cycle::Kind::kInstant) {
    arrival.arrival_at = {t.instant + policy.instant_delay, t.utc_offset};
    arrival.clearing_date = arrival.arrival_at.date();
    arrival.settlement_date = arrival.clearing_date;
  } else {
    arrival.clearing_date = clearingDate(cycle, policy.cutoff_seconds, calendar, t);
    arrival.settlement_date = settlementDate(cycle, calendar, arrival.clearing_date);
    if (reviewed) {
      arrival.in_review = true;
      arrival.settlement_date =
          calendar.addBusinessDays(arrival.settlement_date, policy.review.extra_business_days);
    }
    arrival.arrival_at =
        firstPayout(policy, cycle.businessDays(), calendar, arrival.settlement_date, t);
  }
  arrival.delay = arrival.arrival_at.instant - t.instant;
  return arrival;
}

}  // namespace

Arrival computeArrival(const Policy& policy, const Calendar& calendar,
                       const LocalDateTime& captured_at, const Money& amount) {
  const bool reviewed =
      policy.review.threshold.has_value() && amount.minorUnits() >= *policy.review.threshold;
  Arrival arrival = arrive(policy, policy.cycle, calendar, captured_at, reviewed);
  arrival.fee = policy.fee.feeFor(amount);
  arrival.net_amount = amount - arrival.fee;
  return arrival;
}

Arrival computeRefundCredit(const Policy& policy, const Calendar& calendar,
                            const LocalDateTime& refunded_at, const Money& amount) {
  Arrival arrival = arrive(policy, policy.refund_cycle, calendar, refunded_at, false);
  arrival.fee = Money(0, amount.currency());
  arrival.net_amount = amount;
  return arrival;
}

LocalDateTime holdExpiry(const Policy& policy, const LocalDateTime& placed_at) {
  return {placed_at.instant + policy.hold_expiry, placed_at.utc_offset};
}

std::string formatHours(Duration d) {
  // Hundredths of an hour, half away from zero: 1 h = 3.6e9 us, 0.01 h = 3.6e7 us.
  constexpr std::int64_t kHundredth = 36'000'000;
  const std::int64_t micros = d.count();
  const std::int64_t magnitude = micros < 0 ? -micros : micros;
  const std::int64_t hundredths = (magnitude + kHundredth / 2) / kHundredth;
  std::string fraction = std::to_string(hundredths % 100);
  if (fraction.size() < 2) fraction.insert(0, "0");
  std::string out = std::to_string(hundredths / 100) + "." + fraction;
  if (micros < 0 && hundredths != 0) out.insert(0, "-");
  return out;
}

WhatIf whatIf(const std::vector<Capture>& captures, const std::vector<NamedPolicy>& policies,
              const Calendar& calendar) {
  WhatIf out;
  out.policy_names.reserve(policies.size());
  for (const NamedPolicy& named : policies) out.policy_names.push_back(named.name);
  out.rows.reserve(captures.size());
  for (const Capture& capture : captures) {
    WhatIfRow row{capture.id, {}};
    row.arrivals.reserve(policies.size());
    for (const NamedPolicy& named : policies) {
      row.arrivals.push_back(
          computeArrival(named.policy, calendar, capture.captured_at, capture.amount));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

std::vector<double> whatIfDelayHours(const WhatIf& what_if, std::size_t policy) {
  std::vector<double> hours;
  hours.reserve(what_if.rows.size());
  for (const WhatIfRow& row : what_if.rows) {
    if (policy < row.arrivals.size()) {
      hours.push_back(static_cast<double>(row.arrivals[policy].delay.count()) / 3.6e9);
    }
  }
  return hours;
}

}  // namespace posim::settlement
