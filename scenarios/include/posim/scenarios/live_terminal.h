// A terminal a person operates (the GUI's faceplate): the terminal, cards, issuer and backend of
// a scenario, built exactly as the runner builds them, but driven one transaction at a time
// through devices the caller supplies instead of by the scenario's steps. Transactions are
// reported as the runner reports them, so the manual session's table, summary, what-if and
// exported reports come from the same core functions as `posim run`.
//
//   auto live = LiveTerminal::create(setup, options, backends, devices);
//   (*live)->run({.type = TransactionType::kSale, .amount = Money::parse("12.00", cny)});
//
// Not thread-safe: one thread (the GUI's terminal worker) creates and uses it. The devices may
// block that thread while a person acts (waitForCard, enterPin).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/status.h"
#include "posim/emv/virtual_card.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"
#include "posim/terminal/devices.h"
#include "posim/terminal/engine.h"

namespace posim::scenarios {

struct LiveTerminalOptions {
  std::uint64_t seed = 1;
  std::string backend;                  // as RunOptions::backend; empty: the setup's
  const SteadyClock* steady = nullptr;  // REQUIRED: measures auth_latency_ms
  EventSink* events = nullptr;
  acquirer::WireTap* wire_tap = nullptr;
  std::string journal_path;  // empty: in memory
};

class LiveTerminal {
 public:
  // Builds the terminal of `setup` (its steps are not used) with `devices`. REQUIRES: the
  // devices, the registry and the options' clock and sink outlive the terminal.
  // Errors: as runScenario's set-up (Unavailable for a backend, IoError for the journal).
  static Result<std::unique_ptr<LiveTerminal>> create(Scenario setup,
                                                      const LiveTerminalOptions& options,
                                                      const acquirer::BackendRegistry& backends,
                                                      terminal::Devices devices);
  ~LiveTerminal();
  LiveTerminal(const LiveTerminal&) = delete;
  LiveTerminal& operator=(const LiveTerminal&) = delete;

  const Scenario& setup() const;
  // The virtual card of the setup's card `name` (a key of Scenario::cards); null if none.
  emv::VirtualCard* card(std::string_view name);
  // The swiped track 2 of card `name` ("" without a stripe).
  std::string track2(std::string_view name) const;

  // The terminal's virtual clock. It moves with each transaction; advanceTo() moves it on
  // (never back: earlier times are ignored), e.g. to the wall-clock time between transactions
  // or days ahead to watch money arrive.
  LocalDateTime now() const;
  void advanceTo(Instant t);

  // Runs one transaction (request.original_id: a journal id, see transactions()). Refusals,
  // declines and timeouts are in the record. Errors: as terminal::Engine::run.
  Result<ReportedTransaction> run(const terminal::TransactionRequest& request);

  // Every transaction so far, as the journal holds it now, status as of now().
  Result<std::vector<ReportedTransaction>> transactions() const;

  // The session as a run: one step per transaction (id = its label), the summary and what-if
  // of runScenario. runReport/junitReport/csvReport export it like a scenario run.
  Result<RunResult> asRun() const;

 private:
  struct Impl;
  explicit LiveTerminal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What the GUI's settings choose for a manual session.
struct WorkbenchChoice {
  std::string terminal = "countertop";  // a name or path (examples/terminals/)
  std::string calendar = "cn-2026";     // a name or path (examples/calendars/)
  std::string cycle = "T+1";            // T+0, T+1, D+0, D+1, instant, ...
  std::string cutoff = "23:00";
  std::string payout = "09:00";
  double fee_rate = 0.006;
  std::vector<std::string> what_if = {"T+1", "D+1", "D+0", "instant"};
  std::string backend = "embedded";  // or iso8583://HOST:PORT?dialect=..&framing=..
  std::string currency = "CNY";
  std::vector<std::string> cards;  // card profile names; empty: every available card
  LocalDateTime start;             // the session's first virtual time (the shell's wall clock)
};

// The scenario a manual session runs on: `choice` written as a scenario (format version 1, one
// card per profile with the profile's own PIN) and loaded through `resolver`, so every name
// is checked as in a scenario file. The text is what workbenchScenarioText() returns.
LoadResult<Scenario> workbenchScenario(const WorkbenchChoice& choice, Resolver& resolver);
std::string workbenchScenarioText(const WorkbenchChoice& choice, const Resolver& resolver);

}  // namespace posim::scenarios
