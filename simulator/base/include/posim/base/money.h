// Money: integer minor units plus an ISO 4217 currency. No floating point anywhere.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "posim/base/status.h"

namespace posim {

// One ISO 4217 currency: "CNY", 156, exponent 2.
struct Currency {
  std::string_view alpha;  // three uppercase letters
  std::uint16_t numeric = 0;
  int exponent = 2;  // digits after the decimal point (minor units)
  std::string_view name;

  friend bool operator==(const Currency& a, const Currency& b) { return a.numeric == b.numeric; }
};

// The currencies posim knows (a table, one row per currency).
std::span<const Currency> allCurrencies();

// Look-ups: by "CNY" (case-insensitive), by 156, or by either written as text ("156" or "cny").
std::optional<Currency> currencyByAlpha(std::string_view alpha);
std::optional<Currency> currencyByNumeric(std::uint16_t numeric);
Result<Currency> findCurrency(std::string_view code);

class Money {
 public:
  Money() = default;
  Money(std::int64_t minor_units, Currency currency) : minor_(minor_units), currency_(currency) {}

  // Parses a decimal string in major units: "12.34", "-0.5", "1000". More fraction digits than
  // the currency's exponent, a sign in the wrong place, or any other character is an
  // InvalidArgument naming the character position. Overflow of int64 is OutOfRange.
  static Result<Money> parse(std::string_view text, Currency currency);

  std::int64_t minorUnits() const { return minor_; }
  const Currency& currency() const { return currency_; }

  // "12.34" (always with exactly `exponent` fraction digits; "-" for negatives).
  std::string toDecimalString() const;
  // "12.34 CNY"
  std::string toString() const;

  bool isNegative() const { return minor_ < 0; }
  bool isZero() const { return minor_ == 0; }

  // Arithmetic within one currency. REQUIRES: same currency (aborts otherwise).
  Money operator+(const Money& other) const;
  Money operator-(const Money& other) const;
  Money operator-() const { return Money(-minor_, currency_); }

  friend bool operator==(const Money& a, const Money& b) {
    return a.minor_ == b.minor_ && a.currency_ == b.currency_;
  }
  // REQUIRES: same currency.
  friend std::strong_ordering operator<=>(const Money& a, const Money& b);

 private:
  std::int64_t minor_ = 0;
  Currency currency_{"XXX", 999, 0, "No currency"};
};

}  // namespace posim
