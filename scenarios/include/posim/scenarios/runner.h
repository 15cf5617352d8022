// The scenario runner (DESIGN.md §6): builds a terminal (headless devices, transaction engine,
// journal), the cards and the backend from a Scenario, runs its steps on the virtual clock,
// checks the expectations of each step and collects what the report needs.
//
// A failed expectation does not stop the run unless the step says stop_on_failure (later steps
// are then reported as skipped). The same scenario with the same seed gives the same results,
// apart from measured latencies (auth_latency_ms).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/status.h"
#include "posim/emv/icc.h"
#include "posim/scenarios/load_stats.h"
#include "posim/scenarios/scenario.h"
#include "posim/settlement/arrival.h"
#include "posim/settlement/metrics.h"
#include "posim/terminal/journal.h"
#include "posim/terminal/transaction.h"

namespace posim::scenarios {

struct RunOptions {
  std::uint64_t seed = 1;
  // Overrides the scenario's backend: an id ("embedded") or a URL
  // ("iso8583://HOST:PORT?dialect=..&framing=.."); empty: the scenario's.
  std::string backend;
  const SteadyClock* steady = nullptr;  // REQUIRED: measures auth_latency_ms
  EventSink* events = nullptr;          // APDUs, messages, display, state changes
  // iso8583 backends: every framed message on the wire (`posim run --pcap`).
  acquirer::WireTap* wire_tap = nullptr;
  // The journal file; empty: in memory (each run starts with a fresh terminal).
  std::string journal_path;
  // What a committed journal change survives (journal.h): a killed process (synchronous=NORMAL)
  // or also a power loss (synchronous=FULL, an fsync per commit).
  terminal::Durability journal_durability = terminal::Durability::kProcessCrash;
  // Called after each step (or every 1% of a virtual-time load run) with done and total, for
  // progress lines.
  std::function<void(std::size_t done, std::size_t total)> progress;
  // Real-time load runs: called about once a second, on the running thread, with live figures.
  std::function<void(const LoadProgress&)> load_progress;
  // Real-time load runs: set to true (from any thread) to end the run early; the arrivals not yet
  // sent are dropped and the run reports what finished. Null: runs to its count or duration.
  const std::atomic<bool>* stop_load = nullptr;
  // Called on the running thread before step `index` (of Scenario::steps) runs. Returning false
  // stops the run: that step and every later one are reported skipped, and RunResult::stopped
  // is set. The GUI pauses and single-steps a run by blocking here.
  std::function<bool(std::size_t index, const Step& step)> before_step;
  // Cards of the scenario that are physical cards in readers (`posim run --reader CARD=READER`):
  // card name -> the card in its reader, used instead of the virtual card for every step with
  // that card; the profile still gives the issuer its keys and the PIN to type. Such a card
  // takes no injected card faults and no swipe (a step that asks for either fails, saying why),
  // and a scenario with a load run does not start with one. Names that are not cards of the
  // scenario are ignored (a run of many files may name a card only some have).
  // REQUIRES: the cards outlive the run.
  std::map<std::string, emv::Icc*, std::less<>> reader_cards;
};

struct StepResult {
  std::string id;
  std::string type;  // "sale", "advance", "load", ...
  SourcePosition position;
  bool passed = true;
  bool skipped = false;                    // after a stop_on_failure
  std::vector<std::string> failures;       // "response_code: expected \"00\", got \"51\""
  std::optional<std::size_t> transaction;  // index into RunResult::transactions
  std::string error;                       // a step that could not run at all
};

// One transaction as reports show it (DESIGN.md §7): the engine's record plus its names.
struct ReportedTransaction {
  std::string id;    // the step id (load runs: "load-<n>")
  std::string card;  // the scenario's card name
  terminal::TransactionRecord record;
  std::string status;  // status at the end of the run
};

// Per-run summary (DESIGN.md §5 metrics).
struct TypeSummary {
  std::string type;
  std::size_t count = 0;
  std::size_t approved = 0;
  settlement::Distribution latency_ms;
  settlement::Distribution arrival_delay_hours;
};
struct RunSummary {
  std::size_t steps = 0;
  std::size_t steps_passed = 0;
  std::size_t steps_failed = 0;
  std::size_t transactions = 0;
  std::size_t approved = 0;
  double approval_rate = 0.0;
  settlement::Distribution latency_ms;           // auth_latency_ms of online transactions
  settlement::Distribution arrival_delay_hours;  // captured transactions that arrive
  std::optional<double> sla_share;               // arrivals within sla_hours
  double sla_hours = 24.0;
  std::map<Date, std::int64_t> money_per_day;  // minor units arriving per local date
  std::vector<TypeSummary> per_type;
  Currency currency{"CNY", 156, 2, "Chinese yuan"};
  std::size_t reversals_sent = 0;
};

struct RunResult {
  std::string scenario;  // name
  std::string file;
  std::uint64_t seed = 1;
  bool passed = true;
  bool stopped = false;  // a before_step hook stopped the run
  std::vector<StepResult> steps;
  std::vector<ReportedTransaction> transactions;
  RunSummary summary;
  settlement::WhatIf what_if;  // the scenario's captures under each what_if policy
  LocalDateTime finished_at;   // virtual time at the end
  // The load run's measurements, when the scenario has a load: block. A real-time load run lists
  // no transactions (it may run millions): the summary's figures include its aggregates.
  std::optional<LoadStats> load;
};

// Called on the running thread after step `index` ran (or was skipped), with its result and its
// transaction (null when the step has none). Statuses in the transaction are as of the step's
// end; the RunResult holds them as of the end of the run.
using AfterStepHook = std::function<void(std::size_t index, const StepResult& result,
                                         const ReportedTransaction* transaction)>;

// Runs one scenario. Errors: the backend could not be created or reached for setup
// (Unavailable), the journal could not be opened (IoError). Failed expectations are in the
// result, not errors.
Result<RunResult> runScenario(const Scenario& scenario, const RunOptions& options,
                              const acquirer::BackendRegistry& backends,
                              const AfterStepHook& after_step = {});

// The summary of a run's steps and transactions (what runScenario puts in RunResult::summary;
// the GUI's manual session uses it too, so both show the same numbers).
// `load`: a real-time load run's aggregates (LoadStats::aggregated), folded into the counts,
// distributions (then read from histograms: within 1/128 of the exact value), SLA share and money
// per day; null or not aggregated: the listed transactions only.
RunSummary summarizeRun(const std::vector<StepResult>& steps,
                        const std::vector<ReportedTransaction>& transactions,
                        const Currency& currency, const LoadStats* load = nullptr);

// The scenario's captures under each of its what_if policies (RunResult::what_if).
settlement::WhatIf whatIfOf(const Scenario& scenario,
                            const std::vector<ReportedTransaction>& transactions);

// A sale or completion whose money goes to the merchant: approved, captured, neither voided
// nor reversed.
bool arrivesForMerchant(const terminal::TransactionRecord& record);

}  // namespace posim::scenarios
