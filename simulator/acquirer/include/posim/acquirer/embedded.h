// The embedded acquirer and issuer (backend `embedded`, DESIGN.md §4): the default backend, in
// process, deterministic.
//
// Issuer rules, in the order they are applied to a request (the first that declines decides):
//   1. format: unknown card -> 14, amount <= 0 where one is needed (sale, preauth, completion,
//      refund) -> 13, cancel without original data -> 30; a request whose terminal id, STAN,
//      type and DE 7 (to the second) repeat one already processed -> 94;
//   2. account status (sale, preauth, completion, balance): blocked -> 62, lost -> 41,
//      stolen -> 43, expired card (DE 14 before the month of transmission, or status
//      expired) -> 54;
//   3. response-code rules on demand (ResponseRule, first match wins); echo, settle and
//      reversal requests only match rules that name their type;
//   4. online PIN: a DE 52 block (ISO 9564 format 0 under `pin_key`) is decrypted and compared
//      with Account::online_pin; a wrong PIN counts a try (55), the try limit reached -> 75
//      (and every later request with a PIN block -> 75); a correct PIN resets the count;
//   5. ARQC (DE 55): verified with the card's issuer master key (emv::IssuerAuthenticator);
//      a failed ARQC -> 05 unless `ignore_arqc_failure`. For a verified ARQC the response's
//      DE 55 carries 91 (ARPC by the card's CVN method, with the final response code, so
//      declines carry one too) and, for approvals, one 71/72 script per matching ScriptRule
//      (commands MACed with the card's SK-SMI, PIN CHANGE data enciphered with SK-SMC, as the
//      virtual card checks them);
//   6. velocity limits per card on sales and pre-auths (approvals within a window, count and
//      amount) -> 65 / 61;
//   7. funds and effects: sales debit the balance, pre-auths place a hold on the open-to-buy
//      (balance - active holds), not enough -> 51; a completion releases its hold (matched by
//      the pre-auth's DE 90, else by its authorization code) and debits its own amount (above
//      completion_max_percent of the hold -> 13, hold released or expired -> 12, no hold -> 25);
//      a cancel credits a sale or completion back or releases a pre-auth's hold (original
//      declined, cancelled or reversed -> 12, unknown -> 25); refunds credit; balance
//      inquiries answer DE 54 ledger and available balances.
// and are answered after a modelled latency (Response::host_time) drawn from the configured
// distribution with the backend's seeded Random. Amounts are taken in minor units of the
// account's currency (no conversion). Approvals get a 6-digit authorization code from the
// Random; every answer but an echo gets an RRN YDDDhhNNNNNN (DOMAIN.md §4.3) from the local
// transmission time and a sequence number.
//
// Holds are released on cancel (immediately), on completion (the unused part) and on expiry
// (hold_expiry after placement, checked on every request against its transmission time).
// Reversals are idempotent: matched to the original by its STAN, terminal id and transmission
// time (DE 90, to the second; any time when the original carries none; when the time does not
// agree, by the RRN or authorization code the host gave it); the first reversal
// undoes what the original did (debit, hold, cancel) and answers 00 (00 too, with nothing to
// undo, for a declined original); a repeat gets the same answer and changes nothing; a reversal
// of an unknown original gets 25 (which a terminal treats as "reversal done", DOMAIN.md §4.4).
// Advices (0220/0420) are always acknowledged with 00 and applied without checks (an offline
// sale debits even beyond the balance); a repeated advice is not applied twice. Originals,
// duplicates and repeated reversals are looked for among each terminal's newest
// EmbeddedConfig::log_per_terminal requests (1,000 by default), so memory stays flat however
// long a run lasts.
//
// Settlement (0500): the host's totals for the request's terminal id and batch number are the
// approved requests and advices not reversed: sales and completions not cancelled as debits,
// refunds as credits, cancels as cancels (informational). The batch balances (00, else 95)
// when debit and credit counts and amounts equal the terminal's; Response::host_totals has
// the host's side.
//
// Trace: one TraceKind::kIso8583Request and one kIso8583Response event per request (source
// "acquirer:embedded", at the transmission time and that plus host_time), PAN masked, no PIN
// block, no key, no raw bytes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posim/acquirer/backend.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/money.h"
#include "posim/base/random.h"
#include "posim/emv/card_profile.h"

namespace posim::iso8583 {
struct Dialect;
}

namespace posim::acquirer {

// Modelled host latency on the virtual clock.
struct LatencyModel {
  enum class Kind {
    kFixed,      // always `a`
    kUniform,    // uniform in [a, b]
    kLogNormal,  // median `a`, 95th percentile `b` (a long right tail, like real hosts)
  };
  Kind kind = Kind::kFixed;
  Duration a = std::chrono::milliseconds(120);
  Duration b = std::chrono::milliseconds(120);

  // One latency; uses `random` for kUniform and kLogNormal (Box-Muller on uniformReal), so the
  // same seed gives the same sequence. Never negative.
  Duration sample(Random& random) const;
};

// "120ms" or "fixed:120ms", "uniform:50ms:200ms", "lognormal:120ms:800ms" (median, p95): the
// text of the `latency` backend option. Errors: InvalidArgument naming the text and the forms.
Result<LatencyModel> parseLatencyModel(std::string_view text);
// The text parseLatencyModel() reads back: "fixed:120ms", "lognormal:120ms:800ms", ...
std::string formatLatencyModel(const LatencyModel& model);

enum class AccountStatus { kActive, kBlocked, kLost, kStolen, kExpired };
std::string_view accountStatusName(AccountStatus status);

// One cardholder account at the issuer, keyed by the card's PAN.
struct Account {
  std::string name;        // the scenario's card name ("visa"), for reports
  emv::CardProfile card;   // PAN, PSN, expiry and the issuer master keys
  std::string online_pin;  // empty: online PIN not checked (any PIN passes)
  int pin_try_limit = 3;
  Money balance;  // ledger balance (credit: the remaining credit line)
  AccountStatus status = AccountStatus::kActive;
};

// A response code on demand. Every condition given must match; the first matching rule wins.
struct ResponseRule {
  std::string response_code;        // "51", "05", "91", ...
  std::optional<std::string> card;  // account name
  // A pattern on the amount's decimal string: '*' any run of characters, '?' one character,
  // e.g. "*.51" (amounts ending in .51).
  std::optional<std::string> amount_pattern;
  std::optional<TransactionType> type;
  std::optional<Instant> from;   // inclusive, on the request's transmission time
  std::optional<Instant> until;  // exclusive
  std::optional<int> times;      // apply to the first n matching requests only
};

// Issuer script on demand: sent with the response to matching approvals.
struct ScriptRule {
  std::optional<std::string> card;  // account name; nullopt: every card
  enum class Command { kApplicationBlock, kApplicationUnblock, kPutData, kPinChange };
  Command command = Command::kApplicationBlock;
  Bytes put_data_tag_value;          // kPutData: the tag and value (e.g. 9F58 01 03)
  std::string new_pin;               // kPinChange
  std::uint8_t template_tag = 0x72;  // 71: before the second GENERATE AC, 72: after it
};

struct VelocityLimit {
  int max_count = 0;                       // > 0: at most this many approvals per window
  std::optional<std::int64_t> max_amount;  // minor units per window
  Duration window = std::chrono::hours(24);
  // The decline; empty: 65 (exceeds frequency) for the count, 61 (exceeds amount) for the amount.
  std::string response_code;
};

struct EmbeddedConfig {
  std::vector<Account> accounts;
  std::vector<ResponseRule> rules;
  std::vector<ScriptRule> scripts;
  std::vector<VelocityLimit> velocity;
  LatencyModel latency;
  Bytes pin_key;  // the zone PIN key the terminal enciphers DE 52 under (double-length TDES)
  Duration hold_expiry = std::chrono::hours(24 * 30);
  int completion_max_percent = 115;            // a completion may exceed its pre-auth by this share
  bool ignore_arqc_failure = false;            // approve even when the ARQC does not verify
  std::string institution_id = "00000000001";  // acquirer id, for RRNs and traces
  // How many of each terminal's requests the issuer remembers (its newest; about half a KiB
  // each) to find the originals of reversals, cancels and completions (DE 90) and to detect
  // duplicates and repeated reversals; an older original is not found (a reversal of it is
  // answered 25, a cancel 25). Settlement totals are kept per batch apart from it and never
  // forget. 0: no limit (memory grows with every request). The bound keeps a long run's memory
  // flat (DESIGN.md §10).
  std::size_t log_per_terminal = 1000;
};

// A pre-auth hold as the issuer sees it.
struct Hold {
  std::string stan;
  std::string authorization_code;
  Money amount;
  LocalDateTime placed_at;
  std::optional<LocalDateTime> released_at;
  std::string release_reason;  // "cancel", "completion", "expiry", "reversal"
};

struct AccountView {
  Money balance;
  Money open_to_buy;  // balance - active holds
  int pin_tries_left = 3;
  AccountStatus status = AccountStatus::kActive;
  std::vector<Hold> holds;
};

class EmbeddedBackend final : public AcquirerBackend {
 public:
  // `random` draws latencies and authorization codes; `events` (may be null) receives one
  // TraceKind event per request/response with the PAN masked. Both must outlive the backend.
  EmbeddedBackend(EmbeddedConfig config, Random& random, EventSink* events);
  ~EmbeddedBackend() override;

  std::string_view id() const override { return "embedded"; }
  Result<Response> send(const Request& request) override;

  // With a dialect, and only while `events` is set, each traced request and response also
  // carries the message packed in it (TraceEvent::format "iso8583:<id>"; no DE 52, no keys;
  // nothing when the message does not pack). Without one (the default) traces carry no bytes.
  void setTraceDialect(std::shared_ptr<const iso8583::Dialect> dialect);

  // The issuer's view of a card (by account name or PAN); nullopt when unknown.
  std::optional<AccountView> account(std::string_view name_or_pan) const;
  // Requests seen, reversals accepted (by original STAN), for tests and reports.
  std::size_t requestCount() const;
  std::size_t reversalCount() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace posim::acquirer
