// How the journal stores an amount: "<minor units>:<ISO 4217 numeric>" ("10000:156"), exact and
// independent of the currency table's exponent. Shared by the record and request serialisers.
#pragma once

#include <string>
#include <string_view>

#include "posim/base/money.h"
#include "posim/base/status.h"

namespace posim::terminal::internal {

std::string storedMoney(const Money& m);
// Malformed (naming the text) for anything that is not such a pair with a known currency.
Result<Money> parseStoredMoney(std::string_view text);

}  // namespace posim::terminal::internal
