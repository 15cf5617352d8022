#include "posim/base/money.h"

#include <array>
#include <cctype>
#include <compare>
#include <cstdlib>
#include <limits>

#include "posim/base/bytes.h"

namespace posim {
namespace {

// ISO 4217 (a subset: the currencies of the card schemes' main markets and every currency of a
// country in the country table). Exponents per the standard's minor unit column.
constexpr std::array kCurrencies = {
    Currency{"AED", 784, 2, "UAE Dirham"},
    Currency{"ARS", 32, 2, "Argentine Peso"},
    Currency{"AUD", 36, 2, "Australian Dollar"},
    Currency{"BHD", 48, 3, "Bahraini Dinar"},
    Currency{"BRL", 986, 2, "Brazilian Real"},
    Currency{"CAD", 124, 2, "Canadian Dollar"},
    Currency{"CHF", 756, 2, "Swiss Franc"},
    Currency{"CLP", 152, 0, "Chilean Peso"},
    Currency{"CNY", 156, 2, "Yuan Renminbi"},
    Currency{"COP", 170, 2, "Colombian Peso"},
    Currency{"CZK", 203, 2, "Czech Koruna"},
    Currency{"DKK", 208, 2, "Danish Krone"},
    Currency{"EGP", 818, 2, "Egyptian Pound"},
    Currency{"EUR", 978, 2, "Euro"},
    Currency{"GBP", 826, 2, "Pound Sterling"},
    Currency{"HKD", 344, 2, "Hong Kong Dollar"},
    Currency{"HUF", 348, 2, "Forint"},
    Currency{"IDR", 360, 2, "Rupiah"},
    Currency{"ILS", 376, 2, "New Israeli Sheqel"},
    Currency{"INR", 356, 2, "Indian Rupee"},
    Currency{"ISK", 352, 0, "Iceland Krona"},
    Currency{"JOD", 400, 3, "Jordanian Dinar"},
    Currency{"JPY", 392, 0, "Yen"},
    Currency{"KES", 404, 2, "Kenyan Shilling"},
    Currency{"KRW", 410, 0, "Won"},
    Currency{"KWD", 414, 3, "Kuwaiti Dinar"},
    Currency{"MOP", 446, 2, "Pataca"},
    Currency{"MXN", 484, 2, "Mexican Peso"},
    Currency{"MYR", 458, 2, "Malaysian Ringgit"},
    Currency{"NGN", 566, 2, "Naira"},
    Currency{"NOK", 578, 2, "Norwegian Krone"},
    Currency{"NZD", 554, 2, "New Zealand Dollar"},
    Currency{"OMR", 512, 3, "Rial Omani"},
    Currency{"PHP", 608, 2, "Philippine Peso"},
    Currency{"PKR", 586, 2, "Pakistan Rupee"},
    Currency{"PLN", 985, 2, "Zloty"},
    Currency{"QAR", 634, 2, "Qatari Rial"},
    Currency{"RON", 946, 2, "Romanian Leu"},
    Currency{"RUB", 643, 2, "Russian Ruble"},
    Currency{"SAR", 682, 2, "Saudi Riyal"},
    Currency{"SEK", 752, 2, "Swedish Krona"},
    Currency{"SGD", 702, 2, "Singapore Dollar"},
    Currency{"THB", 764, 2, "Baht"},
    Currency{"TND", 788, 3, "Tunisian Dinar"},
    Currency{"TRY", 949, 2, "Turkish Lira"},
    Currency{"TWD", 901, 2, "New Taiwan Dollar"},
    Currency{"UAH", 980, 2, "Hryvnia"},
    Currency{"USD", 840, 2, "US Dollar"},
    Currency{"VND", 704, 0, "Dong"},
    Currency{"XXX", 999, 0, "No currency"},
    Currency{"ZAR", 710, 2, "Rand"},
};

std::int64_t pow10(int n) {
  std::int64_t v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

}  // namespace

std::span<const Currency> allCurrencies() {
  return kCurrencies;
}

std::optional<Currency> currencyByAlpha(std::string_view alpha) {
  if (alpha.size() != 3) return std::nullopt;
  for (const Currency& c : kCurrencies) {
    bool same = true;
    for (std::size_t i = 0; i < 3; ++i) {
      if (std::toupper(static_cast<unsigned char>(alpha[i])) != c.alpha[i]) same = false;
    }
    if (same) return c;
  }
  return std::nullopt;
}

std::optional<Currency> currencyByNumeric(std::uint16_t numeric) {
  for (const Currency& c : kCurrencies) {
    if (c.numeric == numeric) return c;
  }
  return std::nullopt;
}

Result<Currency> findCurrency(std::string_view code) {
  if (isDigits(code) && code.size() <= 3) {
    if (auto c = currencyByNumeric(static_cast<std::uint16_t>(std::stoi(std::string(code))))) {
      return *c;
    }
  } else if (auto c = currencyByAlpha(code)) {
    return *c;
  }
  return notFound("unknown currency '" + std::string(code) +
                  "' (expected an ISO 4217 code such as CNY or 156)");
}

Result<Money> Money::parse(std::string_view text, Currency currency) {
  if (text.empty()) return invalidArgument("amount: empty (expected a decimal such as \"12.34\")");
  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  std::int64_t whole = 0;
  std::int64_t fraction = 0;
  int fraction_digits = 0;
  bool seen_point = false;
  bool seen_digit = false;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 10 - 9;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (seen_point) {
        return invalidArgument("amount \"" + std::string(text) + "\": second '.' at position " +
                               std::to_string(i));
      }
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return invalidArgument("amount \"" + std::string(text) + "\": '" + std::string(1, c) +
                             "' at position " + std::to_string(i) + " is not a digit");
    }
    seen_digit = true;
    if (seen_point) {
      if (++fraction_digits > currency.exponent) {
        return invalidArgument("amount \"" + std::string(text) + "\" has more than " +
                               std::to_string(currency.exponent) + " decimal places, the minor " +
                               "unit of " + std::string(currency.alpha));
      }
      fraction = fraction * 10 + (c - '0');
    } else {
      if (whole > kMax) return outOfRange("amount \"" + std::string(text) + "\" is too large");
      whole = whole * 10 + (c - '0');
    }
  }
  if (!seen_digit) {
    return invalidArgument("amount \"" + std::string(text) + "\" has no digits");
  }
  const std::int64_t scale = pow10(currency.exponent);
  if (whole > std::numeric_limits<std::int64_t>::max() / scale - 1) {
    return outOfRange("amount \"" + std::string(text) + "\" is too large");
  }
  std::int64_t minor = whole * scale + fraction * pow10(currency.exponent - fraction_digits);
  return Money(negative ? -minor : minor, currency);
}

std::string Money::toDecimalString() const {
  const std::uint64_t magnitude = minor_ < 0 ? static_cast<std::uint64_t>(-(minor_ + 1)) + 1
                                             : static_cast<std::uint64_t>(minor_);
  const auto scale = static_cast<std::uint64_t>(pow10(currency_.exponent));
  std::string out = minor_ < 0 ? "-" : "";
  out += std::to_string(magnitude / scale);
  if (currency_.exponent > 0) {
    std::string frac = std::to_string(magnitude % scale);
    out += '.';
    out.append(static_cast<std::size_t>(currency_.exponent) - frac.size(), '0');
    out += frac;
  }
  return out;
}

std::string Money::toString() const {
  return toDecimalString() + " " + std::string(currency_.alpha);
}

Money Money::operator+(const Money& other) const {
  if (!(currency_ == other.currency_)) std::abort();
  return Money(minor_ + other.minor_, currency_);
}

Money Money::operator-(const Money& other) const {
  if (!(currency_ == other.currency_)) std::abort();
  return Money(minor_ - other.minor_, currency_);
}

std::strong_ordering operator<=>(const Money& a, const Money& b) {
  if (!(a.currency_ == b.currency_)) std::abort();
  return a.minor_ <=> b.minor_;
}

}  // namespace posim
