// The inputs of `posim bench`, built into the binary so that it measures the same thing wherever
// it runs (no source tree needed; card, terminal and calendar names still resolve through the
// example roots, as for `posim run`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "posim/base/bytes.h"

namespace posim::cli {

// `count` Mastercard debit chip sales (CDA on both GENERATE ACs, online PIN: a countertop
// terminal without offline enciphered PIN) on one terminal, embedded issuer, virtual clock,
// after one checked sale.
std::string cdaScenarioText(int count);

// tests/bench/data/year-of-sales.yaml: 10,000 sales on 4 terminals across 2026, cn-2026, T+1.
std::string yearOfSalesScenarioText();

// `terminals` terminals in a real-time closed loop for `seconds` (after a 1 s ramp-up), each
// selling 168.00 contactless with mastercard-credit-contactless (CDA, online, no CVM).
std::string hostLoadScenarioText(int terminals, int seconds);

// `count` contactless sales like those of hostLoadScenarioText, on one terminal, virtual clock,
// embedded issuer, after one checked sale.
std::string contactlessScenarioText(int count);

// examples/load/soak.yaml as a real-time closed loop on `terminals` terminals for `count`
// transactions (nullopt: for `seconds`), embedded issuer: 50 % contactless, 30 % chip DDA with
// online PIN, 20 % chip CDA with offline enciphered PIN.
std::string soakScenarioText(int terminals, std::optional<std::int64_t> count, int seconds);

// ISO-11 of tests/data/vectors/iso8583_default.json: a 0200 chip purchase with online PIN in
// iso87-ascii, 399 bytes, 25 fields, DE 55 of 161 bytes (tests/bench/iso8583_bench.cpp).
Bytes purchaseRequestWithDe55();

// The 251-byte READ RECORD template of tests/bench/tlv_bench.cpp (70 with 21 primitives).
Bytes readRecordTemplate();

}  // namespace posim::cli
