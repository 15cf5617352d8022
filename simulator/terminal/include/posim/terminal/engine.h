// The transaction engine (DESIGN.md §2): each transaction type as an explicit state machine over
// the devices, the EMV kernel, the acquirer backend and the journal, on the virtual clock.
//
//   sale, preauth, balance:  PRESENT CARD -> kernel (card, PIN pad) -> online request through the
//                            backend (pending reversal armed first) -> second GENERATE AC ->
//                            result, receipts
//   completion, cancel,      referenced: the original must exist and satisfy the terminal's
//   refund, reversal:        rules (below); the request carries the original's data (DE 90)
//   echo:                    a network check
//   settle:                  pending advices and reversals first, then the batch totals; the
//                            batch closes
//
// Referencing rules the terminal enforces (a refused request is an outcome, not an error):
// completion and cancel need an approved original of the right type; a sale or completion is
// cancelled only in the open batch and for its full amount; refunds may be partial and
// repeated up to the original amount; a completion may exceed its pre-auth by
// completion_max_percent (default 115 %); an expired hold cannot be completed.
//
// Store and forward (DOMAIN.md §4.4): no response in time, a malformed response or a card that
// declines after the host approved leaves a pending reversal in the journal; offline approvals
// queue an advice. Both are sent before the next online request (and by recover() and settle),
// repeated until answered.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "posim/acquirer/backend.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/money.h"
#include "posim/base/random.h"
#include "posim/emv/terminal_profile.h"
#include "posim/settlement/arrival.h"
#include "posim/settlement/calendar.h"
#include "posim/settlement/policy.h"
#include "posim/terminal/devices.h"
#include "posim/terminal/journal.h"
#include "posim/terminal/transaction.h"

namespace posim::terminal {

// How long the people and devices take, on the virtual clock.
struct Timing {
  Duration chip_read = std::chrono::milliseconds(1500);        // insert to first GENERATE AC
  Duration contactless_read = std::chrono::milliseconds(400);  // tap to result
  Duration swipe_read = std::chrono::milliseconds(800);
  Duration pin_entry = std::chrono::seconds(4);          // per PIN typed
  Duration completion = std::chrono::milliseconds(300);  // second GENERATE AC, scripts
  Duration referenced_entry = std::chrono::seconds(5);   // keying in a completion/cancel/refund
  Duration print = std::chrono::seconds(2);              // receipts
  Duration host_timeout = std::chrono::seconds(30);      // waited when the host does not answer
};

struct EngineConfig {
  const emv::TerminalProfile* terminal = nullptr;  // REQUIRED; outlives the engine
  settlement::Policy settlement;
  settlement::Calendar calendar = settlement::Calendar::weekendsOnly();
  int completion_max_percent = 115;
  int reversal_max_attempts = 3;  // per chance; kept for the next chance after that
  // Try a pending reversal at the end of the transaction that needed it (the first chance);
  // false: only before the next transaction, at recover() and at settle.
  bool send_reversals_immediately = true;
  Timing timing;
  bool print_receipts = true;
};

// What the merchant asks for.
struct TransactionRequest {
  TransactionType type = TransactionType::kSale;
  std::string label;            // the scenario step id
  std::string card;             // the card's name, for the record
  std::optional<Money> amount;  // required for sale, preauth, refund; optional otherwise
  std::optional<std::int64_t> original_id;  // completion, cancel, refund, reversal
  bool force_online = false;
  std::string reversal_reason = "17";  // manual reversal: customer cancellation
};

// The collaborators. REQUIRED: all but events; they outlive the engine.
struct EngineEnvironment {
  Devices devices;
  acquirer::AcquirerBackend* backend = nullptr;
  Journal* journal = nullptr;
  VirtualClock* clock = nullptr;
  const SteadyClock* steady = nullptr;
  Random* random = nullptr;
  EventSink* events = nullptr;
};

class Engine {
 public:
  Engine(EngineConfig config, EngineEnvironment environment);
  ~Engine();

  // Runs one transaction to its end. Declines, refusals and timeouts are outcomes in the
  // record. Errors: the journal could not be written (IoError), or a request the engine
  // cannot even start (InvalidArgument: no amount for a sale, unknown original id).
  Result<TransactionRecord> run(const TransactionRequest& request);

  // Sends what the journal holds for sending: reversals armed by a process that died before it
  // handled the response, pending reversals, then advices. Returns how many were answered.
  Result<int> recover();

  // Records as of now (statusAt the clock), from the journal.
  Result<std::vector<TransactionRecord>> records() const;
  Result<TransactionRecord> record(std::int64_t id) const;

  // Totals of the open batch (what settle would send).
  Result<acquirer::BatchTotals> openBatchTotals() const;

  const EngineConfig& config() const { return config_; }

 private:
  class OnlineBridge;
  Result<TransactionRecord> runCardTransaction(const TransactionRequest& request,
                                               TransactionRecord record);
  Result<TransactionRecord> runReferenced(const TransactionRequest& request,
                                          TransactionRecord record);
  Result<TransactionRecord> runEcho(TransactionRecord record);
  Result<TransactionRecord> runSettle(TransactionRecord record);
  Result<TransactionRecord> refuse(TransactionRecord record, std::string reason);
  // Arms a reversal of `request` (journal first), sends it, records the answer; `response` is
  // empty when no valid answer came.
  Status sendWithReversal(TransactionRecord& record, acquirer::Request& request,
                          std::optional<PendingMessage>& reversal,
                          std::optional<acquirer::Response>& response);
  // Disarms an armed reversal, or makes it pending (`needed`) with DE 39 reason `reason`.
  Status resolveReversal(TransactionRecord& record, std::optional<PendingMessage>& reversal,
                         bool needed, std::string_view reason);
  Status sendPending(bool include_armed);
  Status applySettlement(TransactionRecord& record);
  static void clearSettlement(TransactionRecord& record);
  Status loadHolds();  // also closes the transactions a killed process left unfinished
  Status releaseExpiredHolds();
  void show(std::string_view line1, std::string_view line2 = {});
  void note(std::string summary);
  void traceReceipt(const Receipt& receipt);  // a kReceipt event (masked PAN only)
  // Displays the result, prints the receipts, writes the record; returns it.
  Result<TransactionRecord> finish(TransactionRecord& record);
  acquirer::Request baseRequest(const TransactionRecord& record) const;

  EngineConfig config_;
  EngineEnvironment env_;
  std::map<std::int64_t, LocalDateTime> holds_;  // active pre-auth holds -> expiry
  bool holds_loaded_ = false;
  std::optional<PendingMessage> resolution_;          // a reversal's new state, for finish()
  std::optional<TransactionRecord> original_update_;  // the original's new state, for finish()
  std::vector<std::string> screens_;                  // of the current transaction
  std::vector<std::string> receipts_;                 // of the current transaction
};

}  // namespace posim::terminal
