// Settlement policies (DESIGN.md §5, normative): when a captured transaction clears, settles and
// arrives in the merchant's account, and what it costs.
//
// All amounts are integer minor units of the merchant's currency; the fee rate is a decimal
// fraction held exactly as an integer number of billionths (0.006 -> 6,000,000), so fees are
// computed without floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/base/status.h"

namespace posim::settlement {

// `T+n` (n business days), `D+n` (n calendar days) or `instant`.
struct Cycle {
  enum class Kind { kBusinessDays, kCalendarDays, kInstant };
  Kind kind = Kind::kBusinessDays;
  int days = 1;  // n >= 0; 0 for instant

  // "T+1", "t+0", "D+1", "instant" (case-insensitive, surrounding spaces ignored), n from 0 to
  // 365. Errors (InvalidArgument) name the text and list the accepted forms.
  static Result<Cycle> parse(std::string_view text);
  std::string toString() const;  // "T+1", "D+0", "instant"
  bool businessDays() const { return kind == Kind::kBusinessDays; }

  friend bool operator==(const Cycle&, const Cycle&) = default;
};

// fee = round-half-up(amount × rate) + fixed, clamped to [min, max].
struct FeeRule {
  static constexpr std::int64_t kRateScale = 1'000'000'000;  // rate_billionths / kRateScale
  std::int64_t rate_billionths = 0;
  std::int64_t fixed = 0;           // minor units
  std::optional<std::int64_t> min;  // minor units
  std::optional<std::int64_t> max;  // minor units

  // "0.006", "0.38%" -> billionths (6,000,000 and 3,800,000). More than 9 significant fraction
  // digits (after the percent shift; trailing zeros do not count), a negative rate, a rate above 1
  // (100%) or any other text is InvalidArgument.
  static Result<std::int64_t> parseRate(std::string_view text);
  // The fee of `amount`, in its currency: the product rounded half up to a minor unit, plus
  // `fixed`, then raised to `min` and lowered to `max` (max wins if min > max). Computed in
  // 128 bits, so no amount overflows. REQUIRES: amount >= 0 (refunds carry no fee; aborts).
  Money feeFor(const Money& amount) const;
};

struct ReviewRule {
  std::optional<std::int64_t> threshold;  // minor units; amounts >= threshold are reviewed
  int extra_business_days = 0;
};

// A settlement policy with the defaults of DESIGN.md §5. REQUIRES (checked by the loaders, not
// here): payout_seconds not empty, every time of day in [0, 86400), fee amounts >= 0.
struct Policy {
  Cycle cycle{Cycle::Kind::kBusinessDays, 1};
  std::int64_t cutoff_seconds = std::int64_t{23} * 3600;  // time of day, local
  std::vector<std::int64_t> payout_seconds{std::int64_t{9} *
                                           3600};  // times of day, sorted ascending
  Duration instant_delay = std::chrono::seconds(30);
  FeeRule fee;
  ReviewRule review;
  Cycle refund_cycle{Cycle::Kind::kBusinessDays, 3};
  Duration hold_expiry = std::chrono::hours(24 * 30);

  // One line for listings and reports: "T+1 cutoff 23:00 payout 09:00,15:00 fee 0.6%", followed
  // by " + 50 min 0 max 2000" (fee amounts in minor units) and " review >= 5000000 +2T" when set;
  // "instant delay 30s fee 0.6%" for an instant policy.
  std::string describe() const;
};

}  // namespace posim::settlement
