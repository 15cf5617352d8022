// One transaction as the terminal records it: what was asked, what the card and the host
// answered, the virtual timeline and the settlement outcome (DESIGN.md §2, §5, §7). The journal
// persists it; reports print it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posim/acquirer/backend.h"
#include "posim/base/clock.h"
#include "posim/base/json.h"
#include "posim/base/money.h"
#include "posim/base/pan.h"
#include "posim/base/status.h"
#include "posim/emv/kernel.h"

namespace posim::terminal {

using acquirer::TransactionType;

// Settlement status of DESIGN.md §5, as of a point in (virtual) time.
enum class TransactionStatus {
  kApproved,
  kDeclined,
  kVoided,    // cancelled in the open batch: removed from settlement
  kReversed,  // technically reversed (timeout, bad response, card declined after approval)
  kRefunded,  // refunded in full
  kHeld,      // an approved pre-auth whose hold is active
  kReleased,  // a pre-auth whose hold was released (cancel, completion, expiry)
  kSettled,   // the money arrived (arrival_at passed)
  kInReview,  // captured, held for risk review, not yet arrived
};
std::string_view transactionStatusName(TransactionStatus status);

struct TransactionRecord {
  std::int64_t id = 0;  // journal row id, 1..
  std::string label;    // the scenario step id ("coffee"); may be empty
  TransactionType type = TransactionType::kSale;
  std::optional<std::int64_t> original_id;  // completion, cancel, refund, reversal

  // Card.
  std::string card;        // the scenario's card name
  Pan pan;                 // kept for reversals and referenced transactions; prints masked
  std::string masked_pan;  // first 6, last 4
  std::string pan_sequence_number;
  std::string expiry_yymm;
  std::optional<emv::EntryMode> entry;
  bool fallback = false;

  // Money.
  Money amount;
  Money refunded;  // sum of approved refunds against this transaction

  // Host and card results.
  bool approved = false;
  std::string outcome;        // kernel outcome or the terminal's decision, one word
  std::string reason;         // why, in one sentence
  std::string response_code;  // DE 39; empty when no host answered
  std::string authorization_code;
  std::string stan;
  std::string rrn;
  std::uint32_t batch_number = 0;
  std::uint32_t invoice_number = 0;
  std::string cvm;  // "online_pin", "offline_pin", "signature", "no_cvm", "cdcvm", ""
  std::string tvr;  // hex, 10 digits; empty when no card
  std::string tsi;  // hex, 4 digits
  std::string aid;  // hex
  std::string application_label;
  std::string cryptogram;      // "ARQC", "TC", "AAC" of the final GENERATE AC (or GPO)
  std::string cryptogram_hex;  // 9F26
  std::string atc;             // 9F36 hex
  bool went_online = false;
  bool offline_approved = false;  // approved by the card without the host (an advice follows)
  bool advice_sent = false;
  bool reversal_pending = false;
  bool reversal_sent = false;
  std::string reversal_reason;
  bool signature_required = false;
  std::optional<Money> available_balance;  // balance inquiries
  std::optional<Money> ledger_balance;
  std::optional<bool> batch_balanced;                 // settle
  std::optional<acquirer::BatchTotals> batch_totals;  // settle

  // Timeline: virtual times, and the measured wall-clock host round trip.
  LocalDateTime started_at;
  std::optional<LocalDateTime> card_done_at;
  std::optional<LocalDateTime> authorized_at;
  std::optional<LocalDateTime> captured_at;
  std::optional<double> auth_latency_ms;  // measured; not deterministic

  // Settlement (DESIGN.md §5). Empty when the transaction does not arrive (declined, voided,
  // pre-auths, ...).
  std::optional<Date> clearing_date;
  std::optional<Date> settlement_date;
  std::optional<LocalDateTime> arrival_at;
  std::optional<Duration> arrival_delay;
  std::optional<Money> fee;
  std::optional<Money> net_amount;
  bool in_review = false;

  // Pre-auth holds.
  std::optional<LocalDateTime> hold_placed_at;
  std::optional<LocalDateTime> hold_released_at;
  std::string hold_release_reason;  // "cancel", "completion", "expiry"

  // Later events.
  bool voided = false;     // a cancel of it was approved
  bool reversed = false;   // a technical reversal of it completed
  bool completed = false;  // pre-auth: a completion was approved

  // Screens shown and receipts printed during this transaction (not persisted).
  std::vector<std::string> display;
  std::vector<std::string> receipts;

  // The status at virtual time `now` (settled once arrival_at has passed, released once a hold
  // expired, ...).
  TransactionStatus statusAt(Instant now) const;
};

// The journal's JSON form of a record (every field above but display and receipts; the PAN is
// kept in clear in the journal only, which a real terminal would encrypt: see docs).
Json recordToJson(const TransactionRecord& record);
// recordToJson(record).dump(), written directly (the journal's form, without the tree).
std::string recordJsonText(const TransactionRecord& record);
Result<TransactionRecord> recordFromJson(const Json& json);

}  // namespace posim::terminal
