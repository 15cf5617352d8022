// The small text parsers of scenario files and the command line: durations ("1h30m"), ISO 8601
// times, dates, times of day, money ("12.34" in a currency), currencies, rates ("300/m"), hex
// and BCD, PAN masking. Where a formatter exists, what parses formats to text that parses to the
// same value.
//
// Input: one byte choosing the parser, then its text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/base/pan.h"
#include "posim/scenarios/schema.h"

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  posim::fuzz::FuzzInput input(bytes, size);
  const std::uint8_t choice = input.byte();
  const std::string_view text = posim::fuzz::asText(input.rest());

  switch (choice % 9) {
    case 0: {
      const auto d = posim::parseDuration(text);
      if (d.isOk()) {
        const std::string again = posim::formatDuration(*d);
        const auto back = posim::parseDuration(again);
        POSIM_FUZZ_CHECK(back.isOk() && *back == *d);
      }
      break;
    }
    case 1: {
      const auto t = posim::parseIso8601(text);
      if (t.isOk()) {
        const auto back = posim::parseIso8601(posim::formatIso8601(*t));
        POSIM_FUZZ_CHECK(back.isOk() && back->instant == t->instant &&
                         back->utc_offset == t->utc_offset);
        (void)t->date();
        (void)t->secondOfDay();
      }
      break;
    }
    case 2: {
      const auto d = posim::parseDate(text);
      if (d.isOk()) {
        POSIM_FUZZ_CHECK(d->ok());
        const auto back = posim::parseDate(posim::formatDate(*d));
        POSIM_FUZZ_CHECK(back.isOk() && *back == *d);
      }
      break;
    }
    case 3: {
      const auto s = posim::parseTimeOfDay(text);
      if (s.isOk()) POSIM_FUZZ_CHECK(*s >= 0 && *s < 24 * 3600);
      break;
    }
    case 4: {
      // The rest of the choice byte picks the currency.
      const auto currencies = posim::allCurrencies();
      const posim::Currency currency = currencies[(choice / 9) % currencies.size()];
      const auto m = posim::Money::parse(text, currency);
      if (m.isOk()) {
        const auto back = posim::Money::parse(m->toDecimalString(), currency);
        POSIM_FUZZ_CHECK(back.isOk() && *back == *m);
      }
      break;
    }
    case 5: {
      const auto c = posim::findCurrency(text);
      if (c.isOk()) POSIM_FUZZ_CHECK(posim::findCurrency(c->alpha).isOk());
      break;
    }
    case 6: {
      const auto rate = posim::scenarios::parseRatePerSecond(text);
      if (rate) POSIM_FUZZ_CHECK(*rate > 0);
      break;
    }
    case 7: {
      const auto hex = posim::fromHex(text);
      if (hex.isOk()) POSIM_FUZZ_CHECK(posim::fromHex(posim::toHex(*hex)).isOk());
      const auto bcd = posim::digitsToBcd(text);
      if (bcd.isOk()) {
        const auto digits = posim::bcdToDigits(*bcd);
        POSIM_FUZZ_CHECK(digits.isOk());
      }
      (void)posim::bcdToDigits(posim::asBytes(text));
      break;
    }
    default: {
      const std::string masked = posim::maskPan(text);
      POSIM_FUZZ_CHECK(masked.size() == text.size());
      if (text.size() >= 11) {
        POSIM_FUZZ_CHECK(masked.substr(6, text.size() - 10) == std::string(text.size() - 10, '*'));
      }
      (void)posim::luhnValid(text);
      break;
    }
  }
  return 0;
}
