#include "posim/scenarios/runner.h"

#include <map>
#include <memory>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "posim/acquirer/embedded.h"
#include "posim/emv/virtual_card.h"
#include "posim/scenarios/report.h"

#include "runner_test_support.h"

namespace posim::scenarios::test {
namespace {

using ::testing::HasSubstr;

// The card fault `card_mute`: the card answers nothing.
StepFault muteCard() {
  StepFault fault;
  fault.name = "card_mute";
  fault.card = emv::CardFault{};
  fault.card->mute = true;
  return fault;
}

TEST_F(RunnerTest, WorkedExampleOfDesignSection5) {
  RunResult r = run(workedExample());
  ASSERT_EQ(r.steps.size(), 5u);
  for (const StepResult& s : r.steps) {
    EXPECT_TRUE(s.passed) << s.id << ": " << ::testing::PrintToString(s.failures) << s.error;
  }
  EXPECT_TRUE(r.passed);
  ASSERT_EQ(r.transactions.size(), 3u);
  EXPECT_EQ(r.transactions[0].id, "before-holiday");
  EXPECT_EQ(r.transactions[0].card, "visa");
  EXPECT_EQ(formatIso8601(*r.transactions[0].record.arrival_at), "2026-10-08T09:00:00+08:00");
  EXPECT_EQ(formatIso8601(*r.transactions[1].record.arrival_at), "2026-10-09T09:00:00+08:00");
  EXPECT_EQ(formatIso8601(*r.transactions[2].record.arrival_at), "2026-10-10T09:00:00+08:00");
  for (const ReportedTransaction& t : r.transactions) {
    EXPECT_EQ(t.record.net_amount->toDecimalString(), "99.40");
  }
  // The run ends on 2026-10-09 just after 12:00: the first two have arrived, the third arrives
  // the next morning.
  EXPECT_EQ(r.transactions[0].status, "settled");
  EXPECT_EQ(r.transactions[1].status, "settled");
  EXPECT_EQ(r.transactions[2].status, "approved");

  const RunSummary& s = r.summary;
  EXPECT_EQ(s.steps, 5u);
  EXPECT_EQ(s.steps_passed, 5u);
  EXPECT_EQ(s.transactions, 3u);
  EXPECT_EQ(s.approved, 3u);
  EXPECT_DOUBLE_EQ(s.approval_rate, 1.0);
  ASSERT_EQ(s.money_per_day.size(), 3u);
  for (const auto& [d, minor] : s.money_per_day) EXPECT_EQ(minor, 9940) << formatDate(d);
  EXPECT_EQ(s.money_per_day.begin()->first, day("2026-10-08"));
  EXPECT_EQ(s.arrival_delay_hours.count, 3u);
  ASSERT_TRUE(s.sla_share.has_value());
  EXPECT_DOUBLE_EQ(*s.sla_share, 1.0 / 3.0);  // only the make-up Saturday arrives within 24 h
  ASSERT_EQ(s.per_type.size(), 1u);
  EXPECT_EQ(s.per_type[0].type, "sale");
  EXPECT_EQ(s.per_type[0].count, 3u);
  EXPECT_EQ(s.reversals_sent, 0u);

  ASSERT_EQ(r.what_if.policy_names.size(), 1u);
  ASSERT_EQ(r.what_if.rows.size(), 3u);
  EXPECT_EQ(formatIso8601(r.what_if.rows[0].arrivals[0].arrival_at), "2026-10-08T09:00:00+08:00");
  EXPECT_EQ(formatIso8601(r.finished_at).substr(0, 13), "2026-10-09T12");
}

TEST_F(RunnerTest, WhatIfComparesPolicies) {
  Scenario scenario = workedExample();
  settlement::Policy d1 = scenario.settlement;
  d1.cycle = *settlement::Cycle::parse("D+1");
  scenario.what_if.push_back({"D+1", d1});
  RunResult r = run(scenario);
  ASSERT_EQ(r.what_if.policy_names, (std::vector<std::string>{"T+1", "D+1"}));
  ASSERT_EQ(r.what_if.rows.size(), 3u);
  EXPECT_EQ(r.what_if.rows[0].id, "before-holiday");
  EXPECT_EQ(formatIso8601(r.what_if.rows[0].arrivals[1].arrival_at), "2026-10-01T09:00:00+08:00");
}

TEST_F(RunnerTest, PreauthAdvanceCancelReleasesTheHold) {
  Scenario scenario = baseScenario("pre-auth", "2026-09-30T21:30:00+08:00");
  scenario.steps.push_back(expecting(
      transaction("hold", TransactionType::kPreauth, "visa", "500.00"), [](Expectation& e) {
        e.approved = true;
        e.response_code = "00";
        e.cvm = "online_pin";
        e.status = "held";
        e.hold_released = false;
      }));
  scenario.steps.push_back(advance(std::chrono::hours(2)));
  scenario.steps.push_back(
      expecting(referenced("release", TransactionType::kCancel, "hold"), [](Expectation& e) {
        e.approved = true;
        e.hold_released = true;
      }));
  RunResult r = run(scenario);
  for (const StepResult& s : r.steps) {
    EXPECT_TRUE(s.passed) << s.id << ": " << ::testing::PrintToString(s.failures) << s.error;
  }
  const ReportedTransaction* hold = transactionOf(r, "hold");
  ASSERT_NE(hold, nullptr);
  EXPECT_EQ(hold->status, "released");
  ASSERT_TRUE(hold->record.hold_placed_at.has_value());
  ASSERT_TRUE(hold->record.hold_released_at.has_value());
  EXPECT_GE(hold->record.hold_released_at->instant - hold->record.hold_placed_at->instant,
            std::chrono::hours(2));
  EXPECT_FALSE(hold->record.arrival_at.has_value());  // a pre-auth never arrives
  EXPECT_TRUE(r.summary.money_per_day.empty());
}

TEST_F(RunnerTest, HoldReleasedFailsWhileTheHoldIsActive) {
  Scenario scenario = baseScenario("pre-auth");
  scenario.steps.push_back(
      expecting(transaction("hold", TransactionType::kPreauth, "visa", "500.00"),
                [](Expectation& e) { e.hold_released = true; }));
  RunResult r = run(scenario);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_THAT(r.steps[0].failures,
              ::testing::ElementsAre("hold_released: expected true, got false"));
}

TEST_F(RunnerTest, SaleThenPartialRefund) {
  Scenario scenario = baseScenario("refund");
  scenario.steps.push_back(expecting(sale("coffee", "mc", "88.00"), [](Expectation& e) {
    e.approved = true;
    e.arrival_at = at("2026-10-08T09:00:00+08:00");
  }));
  scenario.steps.push_back(advance(std::chrono::hours(1)));
  scenario.steps.push_back(
      expecting(referenced("refund", TransactionType::kRefund, "coffee", "20.00"),
                [](Expectation& e) { e.approved = true; }));
  RunResult r = run(scenario);
  for (const StepResult& s : r.steps) {
    EXPECT_TRUE(s.passed) << s.id << ": " << ::testing::PrintToString(s.failures) << s.error;
  }
  ASSERT_EQ(r.transactions.size(), 2u);
  const ReportedTransaction& coffee = r.transactions[0];
  const ReportedTransaction& refund = r.transactions[1];
  EXPECT_EQ(coffee.record.entry, emv::EntryMode::kContact);
  EXPECT_EQ(refund.record.type, TransactionType::kRefund);
  EXPECT_EQ(refund.card, "mc");  // the engine takes the card from the original
  EXPECT_EQ(coffee.record.refunded.toDecimalString(), "20.00");  // re-read at the end
  ASSERT_TRUE(refund.record.settlement_date.has_value());
  // The sale's net arrives on 10-08; the refund leaves on its own settlement date.
  const auto& per_day = r.summary.money_per_day;
  EXPECT_EQ(per_day.at(day("2026-10-08")) +
                (refund.record.settlement_date == day("2026-10-08") ? 2000 : 0),
            8747);  // 88.00 - 0.53 fee
  EXPECT_EQ(per_day.at(*refund.record.settlement_date) -
                (refund.record.settlement_date == day("2026-10-08") ? 8747 : 0),
            -2000);
}

TEST_F(RunnerTest, FailedExpectationIsReportedAndTheRunGoesOn) {
  Scenario scenario = baseScenario("failing");
  scenario.steps.push_back(expecting(sale("wrong", "visa", "10.00"), [](Expectation& e) {
    e.response_code = "51";
    e.approved = true;
    e.net_amount = yuan("1.00");
    e.arrival_at = at("2026-10-09T09:00:00+08:00");
    e.display_contains = {"NO SUCH SCREEN"};
    e.tvr_bits_set = {"no_such_bit"};
  }));
  scenario.steps.push_back(
      expecting(sale("later", "visa", "10.00"), [](Expectation& e) { e.approved = true; }));
  RunResult r = run(scenario);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.steps.size(), 2u);
  const StepResult& wrong = r.steps[0];
  EXPECT_FALSE(wrong.passed);
  EXPECT_FALSE(wrong.skipped);
  EXPECT_THAT(wrong.failures, ::testing::Contains("response_code: expected \"51\", got \"00\""));
  EXPECT_THAT(wrong.failures, ::testing::Contains("net_amount: expected 1.00 CNY, got 9.94 CNY"));
  EXPECT_THAT(wrong.failures,
              ::testing::Contains("arrival_at: expected 2026-10-09T09:00:00+08:00, got "
                                  "2026-10-08T09:00:00+08:00"));
  EXPECT_THAT(wrong.failures, ::testing::Contains(HasSubstr("display_contains: expected \"NO "
                                                            "SUCH SCREEN\", got")));
  EXPECT_THAT(wrong.failures, ::testing::Contains(HasSubstr("tvr_bits_set: ")));
  EXPECT_THAT(wrong.failures,
              ::testing::Contains(HasSubstr("tvr_bits_set: unknown TVR bit 'no_such_bit'")));
  EXPECT_EQ(wrong.failures.size(), 5u);
  EXPECT_TRUE(r.steps[1].passed);
  EXPECT_EQ(r.transactions.size(), 2u);
  EXPECT_EQ(r.summary.steps_failed, 1u);
  EXPECT_EQ(r.summary.steps_passed, 1u);
}

TEST_F(RunnerTest, StopOnFailureSkipsTheRest) {
  Scenario scenario = baseScenario("stop");
  Step first =
      expecting(sale("first", "visa", "10.00"), [](Expectation& e) { e.approved = false; });
  first.stop_on_failure = true;
  scenario.steps.push_back(first);
  scenario.steps.push_back(advance(std::chrono::hours(1), "wait"));
  scenario.steps.push_back(sale("never", "visa", "10.00"));
  RunResult r = run(scenario);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_FALSE(r.steps[0].passed);
  EXPECT_THAT(r.steps[0].failures, ::testing::ElementsAre("approved: expected false, got true"));
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_TRUE(r.steps[i].skipped) << r.steps[i].id;
    EXPECT_FALSE(r.steps[i].passed);
  }
  EXPECT_EQ(r.transactions.size(), 1u);
  EXPECT_EQ(r.summary.steps_failed, 1u);
  EXPECT_EQ(r.summary.steps_passed, 0u);
}

TEST_F(RunnerTest, TimeoutSendsTheReversalAtTheSameStep) {
  Scenario scenario = baseScenario("timeout");
  // The host processes the sale but its answer is lost: the engine reverses the online
  // request at the same step (whatever the card then decides offline).
  Step step = expecting(sale("lost", "visa", "50.00"), [](Expectation& e) {
    e.reversal_sent = true;
    e.response_code = "Y3";  // unable to go online, approved offline by the card
  });
  StepFault fault;
  fault.name = "timeout";
  fault.backend = acquirer::Fault{};
  fault.backend->kind = acquirer::FaultKind::kTimeout;
  fault.backend->only_type = TransactionType::kSale;
  step.faults.push_back(fault);
  scenario.steps.push_back(step);
  scenario.steps.push_back(
      expecting(sale("next", "visa", "50.00"), [](Expectation& e) { e.approved = true; }));
  RunResult r = run(scenario);
  for (const StepResult& s : r.steps) {
    EXPECT_TRUE(s.passed) << s.id << ": " << ::testing::PrintToString(s.failures) << s.error;
  }
  const ReportedTransaction* lost = transactionOf(r, "lost");
  ASSERT_NE(lost, nullptr);
  EXPECT_TRUE(lost->record.reversal_sent);
  EXPECT_FALSE(lost->record.reversal_pending);
  EXPECT_EQ(r.summary.reversals_sent, 1u);
}

TEST_F(RunnerTest, HostDownForAPeriodOfVirtualTime) {
  Scenario scenario = baseScenario("host down");
  Step down =
      expecting(sale("down", "visa", "20.00"), [](Expectation& e) { e.reversal_sent = false; });
  StepFault fault;
  fault.name = "host_down";
  fault.backend = acquirer::Fault{};
  fault.backend->kind = acquirer::FaultKind::kHostDown;
  fault.for_duration = std::chrono::hours(1);
  down.faults.push_back(fault);
  scenario.steps.push_back(down);
  scenario.steps.push_back(sale("still-down", "visa", "20.00"));
  scenario.steps.push_back(advance(std::chrono::hours(1), "wait"));
  scenario.steps.push_back(expecting(sale("back-up", "visa", "20.00"), [](Expectation& e) {
    e.approved = true;
    e.response_code = "00";
  }));
  RunResult r = run(scenario);
  for (const StepResult& s : r.steps) {
    EXPECT_TRUE(s.passed) << s.id << ": " << ::testing::PrintToString(s.failures) << s.error;
  }
  ASSERT_EQ(r.transactions.size(), 3u);
  // Nothing reached the host while it was down: no host response code, no online approval.
  EXPECT_NE(r.transactions[0].record.response_code, "00");
  EXPECT_NE(r.transactions[1].record.response_code, "00");
  EXPECT_EQ(r.transactions[2].record.response_code, "00");
}

TEST_F(RunnerTest, CardFaultAppliesToItsStepOnly) {
  Scenario scenario = baseScenario("card fault");
  Step mute = expecting(sale("mute", "visa", "10.00"), [](Expectation& e) { e.approved = false; });
  mute.faults.push_back(muteCard());
  scenario.steps.push_back(mute);
  scenario.steps.push_back(
      expecting(sale("healthy", "visa", "10.00"), [](Expectation& e) { e.approved = true; }));
  RunResult r = run(scenario);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_TRUE(r.steps[1].passed) << ::testing::PrintToString(r.steps[1].failures)
                                 << r.steps[1].error;
}

TEST_F(RunnerTest, AdvanceIntoThePastIsAStepError) {
  Scenario scenario = baseScenario("past");
  scenario.steps.push_back(advanceTo("2026-09-29T10:00:00+08:00", "back"));
  scenario.steps.push_back(sale("after", "visa", "10.00"));
  RunResult r = run(scenario);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_FALSE(r.steps[0].passed);
  EXPECT_THAT(r.steps[0].error, HasSubstr("before the current time 2026-09-30T15:00:00+08:00"));
  EXPECT_TRUE(r.steps[1].passed);
  EXPECT_FALSE(r.passed);
}

TEST_F(RunnerTest, EngineErrorFailsTheStepAndTheRunContinues) {
  Scenario scenario = baseScenario("no amount");
  scenario.steps.push_back(transaction("no-amount", TransactionType::kSale, "visa", std::nullopt));
  scenario.steps.push_back(sale("fine", "visa", "10.00"));
  RunResult r = run(scenario);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_FALSE(r.steps[0].passed);
  EXPECT_THAT(r.steps[0].error, HasSubstr("amount"));
  EXPECT_TRUE(r.steps[1].passed);
  EXPECT_EQ(r.transactions.size(), 1u);
}

TEST_F(RunnerTest, UnknownBackendIsAnError) {
  RunOptions options;
  options.steady = &steady_;
  options.backend = "nowhere://127.0.0.1:1?dialect=x";
  auto result = runScenario(workedExample(), options, registry_);
  ASSERT_FALSE(result.isOk());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("nowhere"));
}

TEST_F(RunnerTest, BackendOverrideByIdKeepsEmbedded) {
  RunResult r = run(workedExample(), 1, "embedded");
  EXPECT_TRUE(r.passed);
}

TEST_F(RunnerTest, BackendUrlBecomesIdAndOptions) {
  // A backend that records its options and answers through the embedded acquirer.
  std::map<std::string, std::string> seen;
  acquirer::BackendDescriptor fake;
  fake.id = "fake";
  fake.description = "records its options";
  for (const char* name : {"host", "port", "dialect", "framing"}) {
    fake.options.push_back({name, name, "", false});
  }
  fake.factory = [&](const acquirer::BackendContext& context)
      -> Result<std::unique_ptr<acquirer::AcquirerBackend>> {
    seen = context.options;
    return std::unique_ptr<acquirer::AcquirerBackend>(
        std::make_unique<acquirer::EmbeddedBackend>(*context.issuer, *context.random, nullptr));
  };
  ASSERT_TRUE(registry_.add(fake).isOk());
  RunResult r = run(workedExample(), 1, "fake://10.0.0.7:8583?dialect=iso87-ascii&framing=len2");
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(seen, (std::map<std::string, std::string>{{"host", "10.0.0.7"},
                                                      {"port", "8583"},
                                                      {"dialect", "iso87-ascii"},
                                                      {"framing", "len2"}}));
  RunOptions options;
  options.steady = &steady_;
  options.backend = "fake://[::1]:9000";
  ASSERT_TRUE(runScenario(workedExample(), options, registry_).isOk());
  EXPECT_EQ(seen, (std::map<std::string, std::string>{{"host", "::1"}, {"port", "9000"}}));
  options.backend = "fake://h:1?dialect";
  auto bad = runScenario(workedExample(), options, registry_);
  ASSERT_FALSE(bad.isOk());
  EXPECT_THAT(bad.status().message(), HasSubstr("not KEY=VALUE"));
}

TEST_F(RunnerTest, MissingSteadyClockIsAnError) {
  RunOptions options;
  auto result = runScenario(workedExample(), options, registry_);
  EXPECT_FALSE(result.isOk());
}

// Strips the measured fields (auth_latency_ms, latency distributions) from a report.
Json withoutLatency(const Json& j) {
  if (j.isObject()) {
    Json out = Json::object();
    for (const auto& [k, v] : j.asObject()) {
      if (k == "auth_latency_ms" || k == "latency_ms") continue;
      out[k] = withoutLatency(v);
    }
    return out;
  }
  if (j.isArray()) {
    Json out = Json::array();
    for (const Json& v : j.asArray()) out.push(withoutLatency(v));
    return out;
  }
  return j;
}

TEST_F(RunnerTest, SameSeedSameReport) {
  Scenario scenario = workedExample();
  scenario.steps.push_back(expecting(transaction("hold", TransactionType::kPreauth, "mc", "300.00"),
                                     [](Expectation& e) { e.approved = true; }));
  scenario.steps.push_back(referenced("complete", TransactionType::kCompletion, "hold", "280.00"));
  RealSteadyClock real;
  auto once = [&](std::uint64_t seed) {
    RunOptions options;
    options.seed = seed;
    options.steady = &real;
    auto result = runScenario(scenario, options, registry_);
    EXPECT_TRUE(result.isOk()) << result.status().toString();
    return withoutLatency(runReport(*result)).dump(2);
  };
  const std::string a = once(42);
  const std::string b = once(42);
  EXPECT_EQ(a, b);
  EXPECT_THAT(a, HasSubstr("\"seed\": 42"));
  EXPECT_EQ(a.find("auth_latency_ms"), std::string::npos);
}

TEST_F(RunnerTest, SmallLoadRun) {
  Scenario scenario = baseScenario("load");
  LoadSpec load;
  load.terminals = 2;
  load.count = 20;
  load.rate_per_second = 0.1;  // one every 10 s of virtual time
  LoadMix sales;
  sales.type = TransactionType::kSale;
  sales.weight = 3;
  sales.entry = emv::EntryMode::kContactless;
  sales.amount = yuan("88.00");
  LoadMix holds;
  holds.type = TransactionType::kPreauth;
  holds.weight = 1;
  holds.card = "visa";
  holds.amount = yuan("200.00");
  LoadMix refunds;
  refunds.type = TransactionType::kRefund;
  refunds.weight = 1;
  refunds.amount = yuan("10.00");
  load.mix = {sales, holds, refunds};
  scenario.load = load;

  RunOptions options;
  options.steady = &steady_;
  std::vector<std::pair<std::size_t, std::size_t>> progress;
  options.progress = [&](std::size_t done, std::size_t total) {
    progress.emplace_back(done, total);
  };
  auto result = runScenario(scenario, options, registry_);
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  const RunResult& r = *result;
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].type, "load");
  EXPECT_TRUE(r.steps[0].passed) << ::testing::PrintToString(r.steps[0].failures);
  ASSERT_EQ(r.transactions.size(), 20u);
  EXPECT_EQ(r.transactions.front().id, "load-1");
  EXPECT_EQ(r.transactions.back().id, "load-20");
  // Two terminals, each with its own STAN space: STAN 000001 appears once per terminal (a
  // transaction may use more than one STAN, so look at the first of each terminal).
  EXPECT_EQ(r.transactions[0].record.stan, "000001");
  EXPECT_EQ(r.transactions[1].record.stan, "000001");
  std::set<std::string> types;
  for (const ReportedTransaction& t : r.transactions) {
    types.insert(std::string(acquirer::transactionTypeName(t.record.type)));
    EXPECT_TRUE(t.record.approved) << t.id << " " << t.record.reason;
  }
  EXPECT_TRUE(types.count("sale"));
  EXPECT_EQ(r.summary.transactions, 20u);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), (std::pair<std::size_t, std::size_t>{20, 20}));
  // Arrivals are 10 s apart on the virtual clock.
  EXPECT_GE(
      r.transactions[19].record.started_at.instant - r.transactions[0].record.started_at.instant,
      std::chrono::seconds(190));

  // Deterministic too.
  auto again = runScenario(scenario, options, registry_);
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(runReport(*again).dump(), runReport(r).dump());
}

TEST_F(RunnerTest, LoadForADuration) {
  Scenario scenario = baseScenario("load for a minute");
  LoadSpec load;
  load.terminals = 3;
  load.duration = std::chrono::minutes(1);
  load.rate_per_second = 0.5;
  LoadMix sales;
  sales.amount = yuan("12.00");
  sales.entry = emv::EntryMode::kContactless;
  load.mix = {sales};
  scenario.load = load;
  RunResult r = run(scenario);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.transactions.size(), 30u);
}

// A card "in a reader" (RunOptions::reader_cards): here another virtual card of the same profile
// behind a counting Icc, standing in for PC/SC. The steps with that card talk to it and not to
// the runner's own virtual card; a swipe and a card fault are step errors; a load run does not
// start; names the scenario does not have are ignored.
class CountingIcc final : public emv::Icc {
 public:
  explicit CountingIcc(emv::Icc& inner) : inner_(inner) {}
  Result<Bytes> powerOn(emv::CardInterface interface) override { return inner_.powerOn(interface); }
  Result<Bytes> transceive(ByteView command) override {
    ++commands;
    return inner_.transceive(command);
  }
  void powerOff() override { inner_.powerOff(); }
  int commands = 0;

 private:
  emv::Icc& inner_;
};

TEST_F(RunnerTest, ACardInAReaderStandsInForItsVirtualCard) {
  Scenario scenario = baseScenario("reader");
  emv::CardProfile profile = scenario.cards[0].profile;  // visa
  profile.offline_pin = scenario.cards[0].pin;
  auto physical = emv::VirtualCard::create(profile);
  ASSERT_TRUE(physical.isOk());
  CountingIcc reader(*physical);
  scenario.steps.push_back(
      expecting(sale("inserted", "visa", "10.00"), [](Expectation& e) { e.approved = true; }));
  Step swiped = sale("swiped", "visa", "10.00");
  swiped.entry = emv::EntryMode::kMagstripe;
  scenario.steps.push_back(swiped);
  Step faulty = sale("faulty", "visa", "10.00");
  faulty.faults.push_back(muteCard());
  scenario.steps.push_back(faulty);
  scenario.steps.push_back(
      expecting(sale("other", "mc", "10.00"), [](Expectation& e) { e.approved = true; }));

  RunOptions options;
  options.steady = &steady_;
  options.reader_cards = {{"visa", &reader}, {"not-in-this-scenario", &reader}};
  auto result = runScenario(scenario, options, registry_);
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  const StepResult* inserted = stepOf(*result, "inserted");
  ASSERT_NE(inserted, nullptr);
  EXPECT_TRUE(inserted->passed) << inserted->error;
  EXPECT_GE(reader.commands, 8);  // SELECT, GPO, READ RECORD..., GENERATE AC x 2
  ASSERT_FALSE(physical->state().applications.empty());
  EXPECT_EQ(physical->state().applications.front().atc, 1);
  EXPECT_EQ(stepOf(*result, "swiped")->error,
            "card visa is in a card reader, which reads chips, not stripes");
  EXPECT_THAT(stepOf(*result, "faulty")->error,
              HasSubstr("card faults are injected into virtual cards only"));
  const int after = reader.commands;
  EXPECT_TRUE(stepOf(*result, "other")->passed);  // mc stays virtual
  EXPECT_EQ(reader.commands, after);
  EXPECT_EQ(result->transactions.size(), 2u);

  Scenario with_load = baseScenario("reader and load");
  with_load.load = LoadSpec{};
  auto refused = runScenario(with_load, options, registry_);
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("a load run takes virtual cards only"));
}

}  // namespace
}  // namespace posim::scenarios::test
