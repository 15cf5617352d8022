#include "posim/settlement/policy.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>

namespace posim::settlement {
namespace {

constexpr int kMaxCycleDays = 365;

// amount × rate needs up to 94 bits (int64 × 10^9); __extension__ keeps -Wpedantic quiet about
// the GCC/Clang 128-bit integer.
__extension__ using Int128 = __int128;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

std::string twoDigits(std::int64_t n) {
  return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10);
}

// "09:00", or "09:00:30" when the seconds are not zero.
std::string formatTimeOfDay(std::int64_t seconds) {
  std::string out = twoDigits(seconds / 3600) + ":" + twoDigits(seconds / 60 % 60);
  if (seconds % 60 != 0) out += ":" + twoDigits(seconds % 60);
  return out;
}

// Billionths as a percentage without trailing zeros: 6,000,000 -> "0.6%".
std::string formatRatePercent(std::int64_t billionths) {
  constexpr std::int64_t kPercentScale = FeeRule::kRateScale / 100;  // 10^7
  std::string out = std::to_string(billionths / kPercentScale);
  std::string fraction = std::to_string(billionths % kPercentScale);
  fraction.insert(0, 7 - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return out + "%";
}

Status badRate(std::string_view text, std::string_view why) {
  return invalidArgument("fee rate \"" + std::string(text) + "\": " + std::string(why) +
                         " (expected a fraction like 0.006 or a percentage like 0.6%)");
}

}  // namespace

// ---- Cycle ----

Result<Cycle> Cycle::parse(std::string_view text) {
  const std::string_view trimmed = trim(text);
  std::string lower(trimmed);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto bad = [&text]() {
    return invalidArgument("settlement cycle \"" + std::string(text) +
                           "\": expected T+n (n business days), D+n (n calendar days) or instant, "
                           "n from 0 to " +
                           std::to_string(kMaxCycleDays));
  };
  if (lower == "instant") return Cycle{Kind::kInstant, 0};
  if (lower.size() < 3 || lower.size() > 5 || (lower[0] != 't' && lower[0] != 'd') ||
      lower[1] != '+') {
    return bad();
  }
  int days = 0;
  for (std::size_t i = 2; i < lower.size(); ++i) {
    if (!isDigit(lower[i])) return bad();
    days = days * 10 + (lower[i] - '0');
  }
  if (days > kMaxCycleDays) return bad();
  return Cycle{lower[0] == 't' ? Kind::kBusinessDays : Kind::kCalendarDays, days};
}

std::string Cycle::toString() const {
  switch (kind) {
    case Kind::kBusinessDays: return "T+" + std::to_string(days);
    case Kind::kCalendarDays: return "D+" + std::to_string(days);
    case Kind::kInstant: return "instant";
  }
  return "?";
}

// ---- FeeRule ----

Result<std::int64_t> FeeRule::parseRate(std::string_view text) {
  std::string_view rest = trim(text);
  bool percent = false;
  if (!rest.empty() && rest.back() == '%') {
    percent = true;
    rest = trim(rest.substr(0, rest.size() - 1));
  }
  if (rest.empty()) return badRate(text, "no number");
  if (rest.front() == '-') return badRate(text, "a fee rate cannot be negative");
  const std::size_t dot = rest.find('.');
  std::string_view whole = rest.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return badRate(text, "no digits");
  for (std::string_view part : {whole, fraction}) {
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (!isDigit(part[i])) {
        return badRate(text, "unexpected character '" + std::string(1, part[i]) + "'");
      }
    }
  }
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  const int shift = percent ? 2 : 0;
  // value = digits(whole fraction) × 10^-(|fraction| + shift); in billionths that is the digits
  // times 10^(9 - |fraction| - shift).
  const int exponent = 9 - static_cast<int>(fraction.size()) - shift;
  if (exponent < 0) {
    return badRate(text, std::string("more than ") + (percent ? "7" : "9") + " decimal places");
  }
  if (whole.size() > 3) return badRate(text, "a fee rate cannot be above 100%");
  std::int64_t value = 0;
  for (char c : whole) value = value * 10 + (c - '0');
  for (char c : fraction) value = value * 10 + (c - '0');
  for (int i = 0; i < exponent; ++i) value *= 10;
  if (value > kRateScale) return badRate(text, "a fee rate cannot be above 100%");
  return value;
}

Money FeeRule::feeFor(const Money& amount) const {
  if (amount.isNegative()) std::abort();  // REQUIRES: amount >= 0
  const Int128 product = static_cast<Int128>(amount.minorUnits()) * rate_billionths;
  Int128 fee = (product + kRateScale / 2) / kRateScale + fixed;
  if (min.has_value() && fee < *min) fee = *min;
  if (max.has_value() && fee > *max) fee = *max;
  fee = std::clamp<Int128>(fee, std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max());
  return Money(static_cast<std::int64_t>(fee), amount.currency());
}

// ---- Policy ----

std::string Policy::describe() const {
  std::string out = cycle.toString();
  if (cycle.kind == Cycle::Kind::kInstant) {
    out += " delay " + formatDuration(instant_delay);
  } else {
    out += " cutoff " + formatTimeOfDay(cutoff_seconds) + " payout ";
    for (std::size_t i = 0; i < payout_seconds.size(); ++i) {
      if (i > 0) out += ",";
      out += formatTimeOfDay(payout_seconds[i]);
    }
  }
  out += " fee " + formatRatePercent(fee.rate_billionths);
  if (fee.fixed != 0) out += " + " + std::to_string(fee.fixed);
  if (fee.min.has_value()) out += " min " + std::to_string(*fee.min);
  if (fee.max.has_value()) out += " max " + std::to_string(*fee.max);
  if (review.threshold.has_value()) {
    out += " review >= " + std::to_string(*review.threshold) + " +" +
           std::to_string(review.extra_business_days) + "T";
  }
  return out;
}

}  // namespace posim::settlement
