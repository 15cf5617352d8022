// The acquirer interface (DESIGN.md §1, §4): what a terminal sends to its acquirer and what comes
// back, as plain structs whose fields carry the ISO 8583 meaning named beside each one.
//
// A backend answers a request with a Response (approved or declined: a business outcome) or an
// error Status when the request could not be delivered or answered (transport): kUnavailable
// (host down, connection refused), kDeadlineExceeded (no answer in time), kMalformed (an answer
// that could not be decoded or failed its MAC). The terminal treats every error as "no valid
// response" and applies the reversal rules of DOMAIN.md §4.4.
//
// Backends are described by a BackendDescriptor and created through a BackendRegistry
// (registry.h) that the application fills from one explicit list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/base/pan.h"
#include "posim/base/status.h"

namespace posim::acquirer {

// The business transaction types of DESIGN.md §2: the same words in YAML, reports and GUI.
enum class TransactionType {
  kSale,
  kPreauth,
  kCompletion,  // of a pre-auth
  kCancel,      // of a sale (void), a pre-auth (pre-auth cancellation) or a completion
  kRefund,
  kReversal,  // technical, normally automatic
  kBalance,
  kEcho,
  kSettle,  // batch close with totals
};
std::string_view transactionTypeName(TransactionType type);  // "sale", "preauth", ...
std::optional<TransactionType> transactionTypeByName(std::string_view name);

// Why a message is sent (ISO 8583 message class and function).
enum class MessageKind {
  kRequest,  // 0100 / 0200 / 0500 / 0800: the host may approve or decline
  kAdvice,   // 0220 / 0420: already done at the terminal; the host acknowledges, never declines
};

// The original transaction a completion, cancel, refund or reversal refers to (DE 90 and friends).
struct OriginalData {
  TransactionType type = TransactionType::kSale;
  std::string mti;                 // "0200", "0100"
  std::string stan;                // DE 11 of the original, 6 digits
  std::string rrn;                 // DE 37 the host assigned, 12 characters
  std::string authorization_code;  // DE 38
  LocalDateTime transmitted_at;    // DE 7 of the original
  Money amount;                    // DE 4 of the original
};

// Batch totals for settlement (0500, DE 74-89): counts and amounts in minor units. Approved
// transactions (and advices) of the batch that were not reversed; a cancelled (voided) sale or
// completion is not a debit (nothing clears, DOMAIN.md §5.5), its cancel counts as a cancel.
struct BatchTotals {
  std::uint32_t debit_count = 0;  // sales + completions (offline ones uploaded as advices too)
  std::int64_t debit_amount = 0;
  std::uint32_t credit_count = 0;  // refunds
  std::int64_t credit_amount = 0;
  std::uint32_t cancel_count = 0;  // voids and cancellations (informational)
  std::int64_t cancel_amount = 0;
  friend bool operator==(const BatchTotals&, const BatchTotals&) = default;
};

struct Request {
  TransactionType type = TransactionType::kSale;
  MessageKind kind = MessageKind::kRequest;
  bool repeat = false;  // a repeated reversal or advice (0401 / 0421)

  // Card and cardholder.
  Pan pan;                          // DE 2 (prints masked: base/pan.h)
  std::string pan_sequence_number;  // DE 23, "001"; empty when absent
  std::string track2;               // DE 35 ("PAN=YYMM..."); empty for chip-only requests
  std::string expiry_yymm;          // DE 14
  std::string pos_entry_mode;       // DE 22, 3 digits: "051" chip, "071" contactless, "901" swipe
  std::string pos_condition_code;   // DE 25: "00" normal, "06" pre-auth
  Bytes pin_block;                  // DE 52, ISO 9564 format 0 under the terminal PIN key
  Bytes icc_data;                   // DE 55, TLV; empty when none

  // Amounts.
  Money amount;                       // DE 4 / DE 49
  std::optional<Money> other_amount;  // DE 54 cashback

  // Who and when.
  std::string stan;              // DE 11, 6 digits, unique per terminal (wraps 999999 -> 000001)
  LocalDateTime transmitted_at;  // DE 7 / 12 / 13, virtual time
  std::string terminal_id;       // DE 41, 8 characters
  std::string merchant_id;       // DE 42, 15 characters
  std::string merchant_category_code;  // DE 18
  std::uint32_t batch_number = 0;      // the terminal's open batch (CUP DE 60.2)

  // Completion, cancel, refund, reversal: the original transaction.
  std::optional<OriginalData> original;
  // Reversal: why (DE 39 in the request, CUP style): "98" no response / timeout, "96" bad
  // response, "06" card declined after approval, "17" customer cancellation.
  std::string reversal_reason;

  // Offline approval uploaded later (an advice): the card's result.
  std::string offline_authorization_code;  // "Y1", "Y3"

  // Settlement (0500): the terminal's totals of the batch being closed.
  std::optional<BatchTotals> totals;
};

struct Response {
  std::string response_code;            // DE 39: "00" approved, "51", "55", ... ("00" for advices)
  std::string authorization_code;       // DE 38, 6 characters when approved
  std::string rrn;                      // DE 37, assigned by the host
  Bytes icc_data;                       // DE 55: 91 issuer authentication data, 71/72 scripts
  std::optional<Money> ledger_balance;  // DE 54 amount type 01 (balance inquiries)
  std::optional<Money> available_balance;  // DE 54 amount type 02
  std::optional<Money> approved_amount;    // partial approval; nullopt: the amount requested
  // Settlement: whether the host's totals agree with the terminal's (0510 DE 39 "00" vs "95").
  std::optional<bool> batch_balanced;
  // Settlement: the totals the host recorded for the terminal's batch (for the report on a
  // mismatch); nullopt for other requests and for backends that do not return them.
  std::optional<BatchTotals> host_totals;
  // Virtual time the host took (modelled latency, DESIGN.md §4); the terminal advances its
  // clock by it. Zero for backends that really wait (their latency is real).
  Duration host_time{0};
  std::string message;  // the host's reason in words, for traces ("insufficient funds")

  bool approved() const { return response_code == "00" || response_code == "10"; }
};

// One acquirer connection. Not required to be thread-safe: one terminal, one backend instance
// (a backend shared by many terminals documents its own locking).
class AcquirerBackend {
 public:
  virtual ~AcquirerBackend() = default;
  virtual std::string_view id() const = 0;  // "embedded", "iso8583"
  virtual Result<Response> send(const Request& request) = 0;
};

// Response codes of DE 39 (1987) the simulator uses, with their meaning (DOMAIN.md §4.3).
std::string_view responseCodeMeaning(std::string_view code);

}  // namespace posim::acquirer
