// Shared fixtures of the acquirer tests: an issuer with two accounts and requests built the way
// a terminal builds them.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "posim/acquirer/backend.h"
#include "posim/acquirer/embedded.h"
#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/money.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/test_cards.h"

namespace posim::acquirer::testing {

// The countertop terminal's online PIN key (emv/src/test_terminals.cpp).
inline const Bytes& pinKey() {
  static const Bytes key = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  return key;
}

inline Money cny(std::int64_t minor) {
  return Money(minor, *currencyByAlpha("CNY"));
}

inline LocalDateTime at(std::string_view iso) {
  auto parsed = parseIso8601(iso);
  EXPECT_TRUE(parsed.isOk()) << iso;
  return parsed.valueOr(LocalDateTime{});
}

inline LocalDateTime plus(const LocalDateTime& t, Duration d) {
  return LocalDateTime{t.instant + d, t.utc_offset};
}

inline const std::string& visaPan() {
  static const std::string pan = emv::visaCreditCard().pan.digits();
  return pan;
}
inline const std::string& mastercardPan() {
  static const std::string pan = emv::mastercardDebitCard().pan.digits();
  return pan;
}

// "visa" (visa-credit, online PIN 1234, 5000.00 CNY) and "mc" (mastercard-debit, 1000.00 CNY),
// fixed latency 120 ms, the countertop PIN key.
inline EmbeddedConfig issuerConfig() {
  EmbeddedConfig config;
  Account visa;
  visa.name = "visa";
  visa.card = emv::visaCreditCard();
  visa.online_pin = "1234";
  visa.balance = cny(500000);
  config.accounts.push_back(visa);
  Account mc;
  mc.name = "mc";
  mc.card = emv::mastercardDebitCard();
  mc.balance = cny(100000);
  config.accounts.push_back(mc);
  config.pin_key = pinKey();
  config.latency.kind = LatencyModel::Kind::kFixed;
  config.latency.a = std::chrono::milliseconds(120);
  return config;
}

inline constexpr std::string_view kStart = "2026-03-15T12:00:00+08:00";

// A request of terminal 12345678, batch 1.
inline Request request(TransactionType type, const std::string& pan, std::int64_t amount_minor,
                       const std::string& stan, const LocalDateTime& when) {
  Request r;
  r.type = type;
  r.pan = Pan(pan);
  r.pan_sequence_number = "001";
  r.expiry_yymm = "2812";
  r.pos_entry_mode = "051";
  r.pos_condition_code = type == TransactionType::kPreauth ? "06" : "00";
  r.amount = cny(amount_minor);
  r.stan = stan;
  r.transmitted_at = when;
  r.terminal_id = "12345678";
  r.merchant_id = "123456789012345";
  r.merchant_category_code = "5812";
  r.batch_number = 1;
  return r;
}

// The original data elements (DE 90, DE 38) of a request and its response.
inline OriginalData originalOf(const Request& r, const Response& response) {
  OriginalData o;
  o.type = r.type;
  o.mti = r.type == TransactionType::kPreauth ? "0100" : "0200";
  o.stan = r.stan;
  o.rrn = response.rrn;
  o.authorization_code = response.authorization_code;
  o.transmitted_at = r.transmitted_at;
  o.amount = r.amount;
  return o;
}

// A request that refers to an original (completion, cancel, reversal).
inline Request referring(TransactionType type, const Request& original, const Response& answer,
                         std::int64_t amount_minor, const std::string& stan,
                         const LocalDateTime& when) {
  Request r = request(type, original.pan.digits(), amount_minor, stan, when);
  r.original = originalOf(original, answer);
  return r;
}

// DE 52: ISO 9564 format 0 under the PIN key.
inline Bytes pinBlock(std::string_view pin, const std::string& pan) {
  auto block = emv::crypto::encryptPinBlock(emv::crypto::PinBlockFormat::kIso0, pinKey(), pin, pan);
  EXPECT_TRUE(block.isOk()) << block.status().toString();
  return block.isOk() ? block->block : Bytes{};
}

// Records events from any thread (the host and the client report from their network threads).
class LockedSink final : public EventSink {
 public:
  void onEvent(const TraceEvent& event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  // How many events' summaries contain `text`.
  std::size_t count(std::string_view text) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& e : events_) n += e.summary.find(text) != std::string::npos ? 1u : 0u;
    return n;
  }
  bool contains(std::string_view text) const { return count(text) > 0; }
  // Every summary, one a line (for failure messages).
  std::string all() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& e : events_) out += e.summary + "\n";
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<TraceEvent> events_;
};

}  // namespace posim::acquirer::testing
