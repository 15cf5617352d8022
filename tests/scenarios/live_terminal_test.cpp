// The GUI's core entry points: the runner's step hooks (pause, single-step, stop), the manual
// session (LiveTerminal) driven through hand-made devices, and the workbench scenario.
#include "posim/scenarios/live_terminal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "posim/scenarios/resolver.h"

#include "runner_test_support.h"

namespace posim::scenarios::test {
namespace {

using ::testing::HasSubstr;

TEST_F(RunnerTest, BeforeStepHookStopsTheRunAndSkipsTheRest) {
  Scenario scenario = baseScenario("hooks");
  scenario.steps.push_back(sale("one", "visa", "10.00"));
  scenario.steps.push_back(sale("two", "visa", "11.00"));
  scenario.steps.push_back(sale("three", "visa", "12.00"));
  RunOptions options;
  options.steady = &steady_;
  std::vector<std::size_t> asked;
  options.before_step = [&](std::size_t index, const Step& step) {
    asked.push_back(index);
    EXPECT_EQ(step.id, scenario.steps[index].id);
    return index < 1;  // run "one", stop before "two"
  };
  std::vector<std::string> after;
  std::vector<bool> had_transaction;
  auto result = runScenario(
      scenario, options, registry_,
      [&](std::size_t index, const StepResult& out, const ReportedTransaction* transaction) {
        after.push_back(std::to_string(index) + ":" + out.id);
        had_transaction.push_back(transaction != nullptr);
        if (transaction != nullptr) {
          EXPECT_EQ(transaction->id, out.id);
          EXPECT_TRUE(transaction->record.approved);
        }
      });
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  EXPECT_EQ(asked, (std::vector<std::size_t>{0, 1}));  // not asked again once stopped
  EXPECT_EQ(after, (std::vector<std::string>{"0:one", "1:two", "2:three"}));
  EXPECT_EQ(had_transaction, (std::vector<bool>{true, false, false}));
  EXPECT_TRUE(result->stopped);
  EXPECT_TRUE(result->steps[0].passed);
  EXPECT_TRUE(result->steps[1].skipped);
  EXPECT_TRUE(result->steps[2].skipped);
  EXPECT_FALSE(result->passed);
  EXPECT_EQ(result->transactions.size(), 1u);
}

TEST_F(RunnerTest, SummaryAndWhatIfAreTheRunnersOwn) {
  Scenario scenario = baseScenario("summary");
  scenario.steps.push_back(sale("one", "visa", "100.00"));
  scenario.steps.push_back(sale("two", "mc", "50.00"));
  RunResult r = run(scenario);
  RunSummary again = summarizeRun(r.steps, r.transactions, scenario.merchant.currency);
  EXPECT_EQ(again.transactions, r.summary.transactions);
  EXPECT_EQ(again.approved, 2u);
  EXPECT_EQ(again.money_per_day, r.summary.money_per_day);
  EXPECT_FALSE(again.money_per_day.empty());
  settlement::WhatIf what_if = whatIfOf(scenario, r.transactions);
  EXPECT_EQ(what_if.policy_names, r.what_if.policy_names);
  EXPECT_EQ(what_if.rows.size(), 2u);
  EXPECT_TRUE(arrivesForMerchant(r.transactions[0].record));
}

// A cardholder who taps `card` when asked and types `pin` on the PIN pad.
class HandDevices {
 public:
  class Reader final : public terminal::CardReader {
   public:
    std::optional<terminal::PresentedCard> waitForCard(terminal::CardPrompt prompt) override {
      prompts.push_back(prompt);
      if (icc == nullptr) return std::nullopt;
      return terminal::PresentedCard{icc, entry, track2};
    }
    void removeCard() override { ++removals; }
    emv::Icc* icc = nullptr;
    emv::EntryMode entry = emv::EntryMode::kContactless;
    std::string track2;
    std::vector<terminal::CardPrompt> prompts;
    int removals = 0;
  };
  class Pad final : public terminal::PinPad {
   public:
    emv::PinEntryResult enterPin(const emv::PinRequest&) override {
      ++asked;
      return emv::PinEntryResult::entered(pin);
    }
    std::string pin = "1234";
    int asked = 0;
  };

  terminal::Devices devices() { return {&reader, &pad, &display, &keypad, &printer}; }

  Reader reader;
  Pad pad;
  terminal::RecordingDisplay display;
  terminal::HeadlessKeypad keypad;
  terminal::RecordingPrinter printer;
};

TEST_F(RunnerTest, LiveTerminalRunsTransactionsThroughTheGivenDevices) {
  Scenario setup = baseScenario("live");
  HandDevices hand;
  LiveTerminalOptions options;
  options.steady = &steady_;
  auto live = LiveTerminal::create(setup, options, registry_, hand.devices());
  ASSERT_TRUE(live.isOk()) << live.status().toString();
  LiveTerminal& terminal = **live;
  ASSERT_NE(terminal.card("visa"), nullptr);
  EXPECT_EQ(terminal.card("nope"), nullptr);
  EXPECT_FALSE(terminal.track2("visa").empty());

  hand.reader.icc = terminal.card("visa");
  hand.reader.entry = emv::EntryMode::kContact;
  terminal::TransactionRequest sale;
  sale.type = TransactionType::kSale;
  sale.card = "visa";
  sale.amount = yuan("100.00");
  auto first = terminal.run(sale);
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  EXPECT_TRUE(first->record.approved);
  EXPECT_EQ(first->id, "manual-1");
  EXPECT_EQ(first->card, "visa");
  EXPECT_GE(hand.reader.prompts.size(), 1u);
  EXPECT_TRUE(hand.display.contains("APPROVED"));
  EXPECT_FALSE(hand.printer.receipts().empty());

  // A void of the sale, referring to it by journal id.
  hand.reader.icc = nullptr;
  terminal::TransactionRequest cancel;
  cancel.type = TransactionType::kCancel;
  cancel.original_id = first->record.id;
  auto second = terminal.run(cancel);
  ASSERT_TRUE(second.isOk()) << second.status().toString();
  EXPECT_TRUE(second->record.approved);

  // Days later the list shows the sale voided, and the session exports as a run.
  terminal.advanceTo(terminal.now().instant + std::chrono::hours(72));
  terminal.advanceTo(terminal.now().instant - std::chrono::hours(1));  // never back
  auto all = terminal.transactions();
  ASSERT_TRUE(all.isOk());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].status, "voided");
  auto as_run = terminal.asRun();
  ASSERT_TRUE(as_run.isOk());
  EXPECT_EQ(as_run->steps.size(), 2u);
  EXPECT_EQ(as_run->summary.transactions, 2u);
  EXPECT_EQ(as_run->scenario, "live");
  const std::string json = runReport(*as_run).dump();
  EXPECT_THAT(json, HasSubstr("manual-1"));
}

TEST_F(RunnerTest, LiveTerminalReportsWhatTheRunnerReports) {
  HandDevices hand;
  LiveTerminalOptions options;
  options.steady = &steady_;
  options.backend = "nowhere";
  auto live = LiveTerminal::create(baseScenario("bad"), options, registry_, hand.devices());
  ASSERT_FALSE(live.isOk());
  EXPECT_EQ(live.status().code(), StatusCode::kUnavailable);
  options.backend.clear();
  options.steady = nullptr;
  EXPECT_FALSE(
      LiveTerminal::create(baseScenario("bad"), options, registry_, hand.devices()).isOk());
}

TEST(WorkbenchScenario, LoadsWithTheChosenProfilesAndEveryCard) {
  Resolver resolver;
  WorkbenchChoice choice;
  choice.terminal = "unattended";
  choice.calendar = "cn-2025";
  choice.cycle = "D+0";
  choice.start = *parseIso8601("2025-09-30T15:00:00+08:00");
  auto loaded = workbenchScenario(choice, resolver);
  ASSERT_TRUE(loaded.isOk()) << loaded.diagnostics().toString();
  const Scenario& s = loaded.value();
  EXPECT_EQ(s.cards.size(), resolver.availableNames(kCardReference).size());
  const ScenarioCard* visa = s.findCard("visa-credit");
  ASSERT_NE(visa, nullptr);
  EXPECT_EQ(visa->pin, visa->profile.offline_pin);
  EXPECT_EQ(formatIso8601(s.start), "2025-09-30T15:00:00+08:00");
  EXPECT_GE(s.what_if.size(), 4u);

  choice.calendar = "no-such-calendar";
  auto bad = workbenchScenario(choice, resolver);
  ASSERT_FALSE(bad.isOk());
  EXPECT_THAT(bad.diagnostics().toString(), HasSubstr("no-such-calendar"));
}

}  // namespace
}  // namespace posim::scenarios::test
