// The arrival computation of DESIGN.md §5 (normative), steps 1-4, for one captured transaction,
// and the helpers around it (refund credit, pre-auth hold expiry, what-if).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/settlement/calendar.h"
#include "posim/settlement/policy.h"

namespace posim::settlement {

struct Arrival {
  Date clearing_date;        // step 1
  Date settlement_date;      // step 2 (review included)
  LocalDateTime arrival_at;  // step 3 (same UTC offset as the capture time)
  bool in_review = false;    // the amount met the review threshold
  Money fee;                 // step 4
  Money net_amount;          // amount - fee
  // arrival_at - captured_at (formatHours() prints it as reports do).
  Duration delay{0};
};

// Steps 1-4 for an amount captured at `captured_at` (local time in its offset):
//   1. clearing date c = date(t), + 1 calendar day if time(t) >= cutoff (23:00:00 exactly counts
//      as after); for a T cycle, c moves to the next business day when it is not one.
//   2. settlement date s = c + n business days (T+n) or n calendar days (D+n); an amount >= the
//      review threshold moves s on by extra_business_days business days and sets in_review.
//   3. arrival = the first payout time p >= t with date(p) >= s, date(p) a business day for a T
//      cycle (any day for D). Instant: arrival = t + instant_delay, and the clearing and
//      settlement dates are the date of the arrival; the review rule does not apply to instant
//      (in_review stays false), as DESIGN.md §5 defines review as a move of s.
//   4. fee = policy.fee.feeFor(amount), net_amount = amount - fee.
// REQUIRES: amount >= 0 (aborts otherwise).
Arrival computeArrival(const Policy& policy, const Calendar& calendar,
                       const LocalDateTime& captured_at, const Money& amount);

// A refund's cardholder credit: steps 1-3 with policy.refund_cycle (same cutoff, payout times and
// instant_delay) counted from the refund's clearing date; no fee (fee 0, net_amount = amount), no
// review. REQUIRES: amount >= 0.
Arrival computeRefundCredit(const Policy& policy, const Calendar& calendar,
                            const LocalDateTime& refunded_at, const Money& amount);

// When a pre-auth hold placed at `placed_at` expires if nothing completes or cancels it:
// placed_at + policy.hold_expiry (elapsed time, not business days), in the same offset.
LocalDateTime holdExpiry(const Policy& policy, const LocalDateTime& placed_at);

// Hours as reports print them: "183.99" (two decimals, halves rounded away from zero;
// negative durations get a '-').
std::string formatHours(Duration d);

// The same captures under several policies, side by side (T+1 vs D+0 vs instant).
struct Capture {
  std::string id;
  LocalDateTime captured_at;
  Money amount;
};
struct NamedPolicy {
  std::string name;  // "T+1", "D+0", "instant", or a user label
  Policy policy;
};
struct WhatIfRow {
  std::string id;
  std::vector<Arrival> arrivals;  // one per policy, in the order given
};
struct WhatIf {
  std::vector<std::string> policy_names;
  std::vector<WhatIfRow> rows;
};
// computeArrival of every capture under every policy: one row per capture, in order.
WhatIf whatIf(const std::vector<Capture>& captures, const std::vector<NamedPolicy>& policies,
              const Calendar& calendar);
// The arrival delays in hours (microseconds / 3.6e9) of every row under policy number `policy`
// (an index into policy_names), in row order: the what-if distribution reports and the GUI show.
// Rows without that policy are skipped; an index past the last policy gives no values.
std::vector<double> whatIfDelayHours(const WhatIf& what_if, std::size_t policy);

}  // namespace posim::settlement
