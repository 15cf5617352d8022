// Scenarios built in C++ (no YAML) for the runner and report tests: the cn-2026 calendar, the
// countertop terminal, the test cards, T+1 at 0.6 %, a fixed 150 ms host latency, and step
// builders.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "posim/acquirer/registry.h"
#include "posim/emv/test_cards.h"
#include "posim/emv/test_terminals.h"
#include "posim/scenarios/report.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "../settlement/cn_2026.h"

namespace posim::scenarios::test {

using acquirer::TransactionType;
using settlement::test::at;
using settlement::test::day;

inline Currency cny() {
  return *currencyByAlpha("CNY");
}
inline Money yuan(std::string_view text) {
  return *Money::parse(text, cny());
}

inline ScenarioCard card(std::string name, emv::CardProfile profile, std::string pin = "1234",
                         std::string_view balance = "5000.00") {
  ScenarioCard c;
  c.name = std::move(name);
  c.profile = std::move(profile);
  c.pin = std::move(pin);
  c.balance = yuan(balance);
  return c;
}

// The DESIGN.md §5 setting: cn-2026, T+1, cutoff 23:00, payout 09:00, fee 0.6 %.
inline Scenario baseScenario(std::string name = "worked example",
                             std::string_view start = "2026-09-30T15:00:00+08:00") {
  Scenario s;
  s.name = std::move(name);
  s.file = "scenarios/worked_example.yaml";
  s.start = at(start);
  s.calendar = settlement::test::cn2026();
  s.terminal = emv::countertopTerminal();
  s.settlement.fee.rate_billionths = 6'000'000;
  s.acquirer.settlement = s.settlement;
  s.acquirer.issuer.latency = {acquirer::LatencyModel::Kind::kFixed, std::chrono::milliseconds(150),
                               std::chrono::milliseconds(150)};
  s.cards.push_back(card("visa", emv::visaCreditCard()));
  s.cards.push_back(card("mc", emv::mastercardDebitCard()));
  s.what_if.push_back({"T+1", s.settlement});
  return s;
}

inline int& lineCounter() {
  static int line = 10;
  return line;
}

inline Step transaction(std::string id, TransactionType type, std::string card_name,
                        std::optional<std::string_view> amount,
                        emv::EntryMode entry = emv::EntryMode::kContact) {
  Step s;
  s.id = std::move(id);
  s.id_given = true;
  s.kind = StepKind::kTransaction;
  s.type = type;
  s.card = std::move(card_name);
  s.entry = entry;
  if (amount) s.amount = yuan(*amount);
  s.position = {"scenarios/worked_example.yaml", lineCounter()++, 5};
  return s;
}

inline Step sale(std::string id, std::string card_name, std::string_view amount,
                 emv::EntryMode entry = emv::EntryMode::kContact) {
  return transaction(std::move(id), TransactionType::kSale, std::move(card_name), amount, entry);
}

inline Step referenced(std::string id, TransactionType type, std::string ref,
                       std::optional<std::string_view> amount = std::nullopt) {
  Step s = transaction(std::move(id), type, "", amount);
  s.ref = std::move(ref);
  return s;
}

inline Step advance(std::chrono::microseconds d, std::string id = "") {
  Step s;
  s.id = id.empty() ? "advance-" + std::to_string(lineCounter()) : std::move(id);
  s.kind = StepKind::kAdvance;
  s.advance = d;
  s.position = {"scenarios/worked_example.yaml", lineCounter()++, 5};
  return s;
}

inline Step advanceTo(std::string_view iso, std::string id = "") {
  Step s = advance(Duration{0}, std::move(id));
  s.advance_to = at(iso);
  return s;
}

template <typename F>
Step expecting(Step s, F&& fill) {
  s.has_expect = true;
  fill(s.expect);
  return s;
}

// The three sales of the DESIGN.md §5 example: arrivals 10-08, 10-09 and 10-10 at 09:00.
inline Scenario workedExample() {
  Scenario s = baseScenario();
  s.steps.push_back(expecting(sale("before-holiday", "visa", "100.00"), [](Expectation& e) {
    e.approved = true;
    e.arrival_at = at("2026-10-08T09:00:00+08:00");
    e.net_amount = yuan("99.40");
  }));
  s.steps.push_back(advanceTo("2026-09-30T23:30:00+08:00"));
  s.steps.push_back(expecting(sale("after-cutoff", "visa", "100.00"), [](Expectation& e) {
    e.approved = true;
    e.clearing_date = day("2026-10-08");
    e.arrival_at = at("2026-10-09T09:00:00+08:00");
  }));
  s.steps.push_back(advanceTo("2026-10-09T12:00:00+08:00"));
  s.steps.push_back(expecting(sale("make-up-day", "visa", "100.00"), [](Expectation& e) {
    e.approved = true;
    e.arrival_at = at("2026-10-10T09:00:00+08:00");
    e.fee = yuan("0.60");
  }));
  return s;
}

class RunnerTest : public ::testing::Test {
 protected:
  RunnerTest() { acquirer::addBuiltinBackends(registry_); }

  RunResult run(const Scenario& scenario, std::uint64_t seed = 1, std::string backend = "") {
    RunOptions options;
    options.seed = seed;
    options.steady = &steady_;
    options.backend = std::move(backend);
    auto result = runScenario(scenario, options, registry_);
    EXPECT_TRUE(result.isOk()) << result.status().toString();
    return result.isOk() ? std::move(*result) : RunResult{};
  }

  const ReportedTransaction* transactionOf(const RunResult& r, std::string_view id) {
    for (const ReportedTransaction& t : r.transactions) {
      if (t.id == id) return &t;
    }
    ADD_FAILURE() << "no transaction " << id;
    return nullptr;
  }
  const StepResult* stepOf(const RunResult& r, std::string_view id) {
    for (const StepResult& s : r.steps) {
      if (s.id == id) return &s;
    }
    ADD_FAILURE() << "no step " << id;
    return nullptr;
  }

  acquirer::BackendRegistry registry_;
  ManualSteadyClock steady_;
};

}  // namespace posim::scenarios::test
