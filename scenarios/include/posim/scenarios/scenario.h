// A scenario, format version 1 (DESIGN.md §6, normative): plain structs loaded from YAML by
// loadScenario(), validated before anything runs (every error with file:line:column, all errors
// of a file, "did you mean" for typos, references between steps checked), and run by runner.h.
//
//   posim: 1
//   name: National Day pre-auth, cancel and sale
//   description: "..."                 # optional free text
//   clock: {start: "2026-09-30T21:30:00+08:00"}
//   calendar: cn-2026                  # name, path or inline {weekend, holidays, workdays}
//   terminal: countertop               # name, path or inline terminal profile
//   merchant: {id: "123456789012345", terminal_id: "12345678", mcc: "5812", currency: CNY,
//              name: "...", settlement: {...}}          # merchant override of the policy
//   acquirer:
//     backend: embedded                # or iso8583 with options {host, port, dialect, ...}
//     options: {...}                   # backend options as text
//     settlement: {cycle: T+1, cutoff: "23:00", payout: ["09:00"], fee: {rate: 0.006}}
//     latency: "lognormal:120ms:400ms" # host latency model (embedded)
//     rules: [{response_code: "51", amount: "*.51", card: visa, type: sale, from, until, times}]
//     velocity: [{max_count: 3, window: 1h, max_amount: "1000.00", response_code: "65"}]
//     scripts: [{card: visa, command: application_block}]
//     completion_max_percent: 115
//   cards:
//     visa: {profile: visa-credit, pin: "1234", balance: "5000.00", status: active}
//     mc: mastercard-debit             # a profile name alone
//   what_if: [T+1, D+1, D+0, instant]  # settlement cycles compared side by side (optional)
//   steps:
//     - id: hold
//       preauth: {card: visa, entry: chip, amount: "500.00", pin: "1234"}
//       expect: {approved: true, response_code: "00", cvm: online_pin}
//     - advance: 2h                    # or {to: "2026-10-01T09:00:00+08:00"}
//     - cancel: {ref: hold}
//       expect: {approved: true, hold_released: true}
//       faults: [{kind: timeout, count: 1}, {kind: host_down, for: 1h}, {kind: card_mute}]
//   load: {terminals: 4, count: 1000, rate: 2/s, mix: [{type: sale, weight: 3, card: visa,
//          entry: contactless, amount: "88.00"}]}
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "posim/acquirer/backend.h"
#include "posim/acquirer/embedded.h"
#include "posim/acquirer/faults.h"
#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/emv/card_profile.h"
#include "posim/emv/kernel.h"
#include "posim/emv/terminal_profile.h"
#include "posim/emv/virtual_card.h"
#include "posim/scenarios/diagnostic.h"
#include "posim/scenarios/resolver.h"
#include "posim/settlement/calendar.h"
#include "posim/settlement/policy.h"

namespace posim::scenarios {

// One card of the scenario: its profile and the issuer's account for it.
struct ScenarioCard {
  std::string name;  // the key under `cards:`
  SourcePosition position;
  emv::CardProfile profile;      // `pin` (when given) is also the card's offline PIN
  std::string pin;               // the cardholder's PIN: entered by default, checked online
  std::optional<Money> balance;  // default 10000.00 in the merchant currency
  acquirer::AccountStatus status = acquirer::AccountStatus::kActive;
};

// `expect:` of a step. Every key given is checked; absent keys are not.
struct Expectation {
  std::optional<bool> approved;
  std::optional<std::string> response_code;
  std::optional<std::string> cvm;  // online_pin, offline_plaintext_pin, signature, no_cvm, ...
  std::vector<std::string> tvr_bits_set;  // names of emv::Tvr bits
  std::vector<std::string> tvr_bits_clear;
  std::optional<std::string> cryptogram;  // ARQC, TC, AAC
  std::optional<std::string> status;      // approved, declined, voided, ... (DESIGN.md §5)
  std::optional<std::string> outcome;     // the engine's outcome word (refused, no_response, ...)
  std::optional<LocalDateTime> arrival_at;
  std::optional<Duration> arrival_within;  // arrival_at - captured_at <= this
  std::optional<Date> clearing_date;
  std::optional<Date> settlement_date;
  std::optional<Money> net_amount;
  std::optional<Money> fee;
  std::optional<double> auth_latency_ms_max;
  std::vector<std::string> display_contains;
  std::vector<std::string> receipt_contains;
  std::optional<bool> reversal_sent;
  std::optional<bool> hold_released;  // cancel/completion: the original's hold; preauth: its own
  std::optional<bool> batch_balanced;
  std::optional<bool> offline;  // approved offline by the card (an advice follows)
  std::optional<bool> in_review;
  std::optional<Money> available_balance;  // balance inquiries
  SourcePosition position;
};

// One entry of a step's `faults:` list: a backend fault (acquirer::Fault) or a card fault.
struct StepFault {
  SourcePosition position;
  std::optional<acquirer::Fault> backend;  // timeout, no_answer, host_down, ...
  // `for:` of a host_down fault: how long from the step's start (the runner sets
  // backend->until from it; `until:` gives an absolute end instead).
  std::optional<Duration> for_duration;
  // Card faults: applied to the step's card for this step only.
  std::optional<emv::CardFault> card;
  std::string name;  // as written ("timeout", "card_mute", ...), for reports
};

enum class StepKind { kTransaction, kAdvance };

struct Step {
  std::string id;  // given or generated ("step-3")
  bool id_given = false;
  SourcePosition position;
  StepKind kind = StepKind::kTransaction;

  // kAdvance: the clock moves by `advance`, or to `advance_to`.
  Duration advance{0};
  std::optional<LocalDateTime> advance_to;

  // kTransaction.
  acquirer::TransactionType type = acquirer::TransactionType::kSale;
  std::string card;  // a key of Scenario::cards; empty for referenced types
  emv::EntryMode entry = emv::EntryMode::kContact;
  std::optional<Money> amount;
  std::vector<std::string> pins;  // PIN pad answers in order ("" bypass, "timeout")
  bool pin_given = false;         // false: the card's own PIN
  std::string ref;                // completion, cancel, refund, reversal: an earlier step id
  bool force_online = false;
  std::string reversal_reason = "17";

  Expectation expect;
  bool has_expect = false;
  std::vector<StepFault> faults;
  bool stop_on_failure = false;
  std::string description;
};

// `load:` (DESIGN.md §6): many terminals for a count or a duration with a transaction mix.
struct LoadMix {
  acquirer::TransactionType type = acquirer::TransactionType::kSale;
  int weight = 1;
  std::string card;  // empty: any card, round robin
  emv::EntryMode entry = emv::EntryMode::kContact;
  Money amount;
};
// How a load run keeps time. kVirtual: arrivals on the scenario's virtual clock, one after the
// other, deterministic for a seed (settlement over months in seconds). kReal: arrivals paced by
// the wall clock, every terminal on its own thread with its own connection (measures a host, or
// posim itself).
enum class LoadClock { kVirtual, kReal };
// kOpen: arrivals at `rate` whatever the answers (latency counted from the intended send time);
// kClosed: each terminal sends, waits for the answer, thinks, and sends again (real clock only).
enum class LoadMode { kOpen, kClosed };
// `expect:` of a load run: the step fails when a bound is crossed.
struct LoadExpectation {
  std::optional<double> p99_ms;             // latency p99 at most
  std::optional<double> p50_ms;             // latency p50 at most
  std::optional<double> min_throughput;     // completed transactions per second at least
  std::optional<std::uint64_t> max_errors;  // errors (incl. timeouts) at most
  std::optional<double> min_approval_rate;  // approved / completed at least (0..1)
};
struct LoadSpec {
  SourcePosition position;
  int terminals = 1;
  std::optional<std::int64_t> count;  // transactions in total
  std::optional<Duration> duration;   // virtual time, or wall time with clock: real
  double rate_per_second = 1.0;       // arrivals per second, all terminals (open loop)
  bool has_rate = false;              // `rate` was given
  LoadClock clock = LoadClock::kVirtual;
  LoadMode mode = LoadMode::kOpen;
  Duration ramp_up{0};     // open: the rate rises linearly from 0; closed: terminals start in turn
  Duration think_time{0};  // closed: pause between a terminal's answer and its next request
  LoadExpectation expect;
  std::vector<LoadMix> mix;
};

struct AcquirerSpec {
  std::string backend = "embedded";
  SourcePosition backend_position;
  std::map<std::string, std::string> options;
  settlement::Policy settlement;
  acquirer::EmbeddedConfig issuer;  // accounts are filled from `cards:` by the runner
  int completion_max_percent = 115;
};

struct Merchant {
  std::string id = "123456789012345";
  std::string terminal_id = "12345678";
  std::string mcc = "5812";
  std::string name;
  Currency currency{"CNY", 156, 2, "Chinese yuan"};
};

struct WhatIfPolicy {
  std::string name;  // "T+1"
  settlement::Policy policy;
};

struct Scenario {
  int version = 1;
  std::string name;
  std::string description;  // optional free text
  std::filesystem::path file;
  LocalDateTime start;
  settlement::Calendar calendar;
  emv::TerminalProfile terminal;
  Merchant merchant;
  AcquirerSpec acquirer;
  settlement::Policy settlement;  // the merchant's effective policy (acquirer + override)
  std::vector<ScenarioCard> cards;
  std::vector<Step> steps;
  std::optional<LoadSpec> load;
  std::vector<WhatIfPolicy> what_if;  // always holds at least the scenario's own policy

  const ScenarioCard* findCard(std::string_view name) const;
  const Step* findStep(std::string_view id) const;
};

// Loads and validates a scenario file: every error of the file (and of the files it refers
// to), each with file:line:column. Unknown keys are errors with a hint; `ref:` must name an
// earlier transaction step of a type it can refer to; `card:` must name a card of `cards:`.
LoadResult<Scenario> loadScenario(const std::filesystem::path& file, Resolver& resolver);
// The same for a scenario held in memory (an editor buffer, a test); `display_name` names it in
// diagnostics and is the base for relative paths.
LoadResult<Scenario> loadScenarioText(std::string_view text, std::string display_name,
                                      Resolver& resolver);

// The keys loadScenario() accepts, in the order of the format description: at the top level,
// in a step (action keys first, then the common ones), in `expect:`, in `acquirer:`, in a
// `faults:` item and in `load:`. scenarios/scenario.schema.json must list the same (a test
// checks it).
std::span<const std::string_view> scenarioKeys();
std::span<const std::string_view> stepActionKeys();
std::span<const std::string_view> stepCommonKeys();
std::span<const std::string_view> expectationKeys();
std::span<const std::string_view> acquirerKeys();
std::span<const std::string_view> faultKeys();
std::span<const std::string_view> loadKeys();

}  // namespace posim::scenarios
