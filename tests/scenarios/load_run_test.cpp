// Load runs (issue 9): the real-time engine (open and closed loop, ramp up, think time,
// coordinated omission), the histograms and aggregates it reports, and the load expectations.
// Time runs on a ManualSteadyClock: sleeping moves it, so these runs finish at once.
#include <atomic>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "posim/acquirer/embedded.h"
#include "posim/scenarios/load_stats.h"
#include "posim/scenarios/report.h"

#include "runner_test_support.h"

namespace posim::scenarios::test {
namespace {

using ::testing::HasSubstr;

// The embedded acquirer behind a host that takes `service` of (steady) time per request.
class SlowBackend final : public acquirer::AcquirerBackend {
 public:
  SlowBackend(std::unique_ptr<acquirer::AcquirerBackend> inner, ManualSteadyClock& steady,
              std::chrono::nanoseconds service)
      : inner_(std::move(inner)), steady_(steady), service_(service) {}
  std::string_view id() const override { return "slow"; }
  Result<acquirer::Response> send(const acquirer::Request& request) override {
    steady_.advance(service_);
    return inner_->send(request);
  }

 private:
  std::unique_ptr<acquirer::AcquirerBackend> inner_;
  ManualSteadyClock& steady_;
  std::chrono::nanoseconds service_;
};

LoadMix contactlessSale(std::string card = "") {
  LoadMix m;
  m.type = TransactionType::kSale;
  m.entry = emv::EntryMode::kContactless;
  m.amount = yuan("388.00");  // above the floor limits: every sale goes online
  m.card = std::move(card);
  return m;
}

class LoadRunTest : public RunnerTest {
 protected:
  void addSlowBackend(std::chrono::nanoseconds service) {
    acquirer::BackendDescriptor d;
    d.id = "slow";
    d.description = "embedded, with a fixed service time";
    d.factory = [this, service](const acquirer::BackendContext& context)
        -> Result<std::unique_ptr<acquirer::AcquirerBackend>> {
      auto inner =
          std::make_unique<acquirer::EmbeddedBackend>(*context.issuer, *context.random, nullptr);
      return std::unique_ptr<acquirer::AcquirerBackend>(
          std::make_unique<SlowBackend>(std::move(inner), steady_, service));
    };
    ASSERT_TRUE(registry_.add(std::move(d)).isOk());
  }

  RunOptions options(std::uint64_t seed = 1) {
    RunOptions o;
    o.seed = seed;
    o.steady = &steady_;
    return o;
  }

  static Scenario realTimeScenario(LoadSpec load) {
    Scenario scenario = baseScenario("real-time load");
    for (ScenarioCard& c : scenario.cards) c.balance = yuan("100000000.00");
    load.clock = LoadClock::kReal;
    if (load.mix.empty()) load.mix = {contactlessSale()};
    scenario.load = std::move(load);
    return scenario;
  }
};

TEST_F(LoadRunTest, OpenLoopRunsEveryArrivalAndAggregatesInsteadOfListing) {
  LoadSpec load;
  load.terminals = 4;
  load.count = 200;
  load.rate_per_second = 1000;
  RunOptions options;
  options.steady = &steady_;
  std::vector<LoadProgress> progress;
  options.load_progress = [&](const LoadProgress& p) { progress.push_back(p); };
  auto result = runScenario(realTimeScenario(load), options, registry_);
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  const RunResult& r = *result;
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_TRUE(r.steps[0].passed) << ::testing::PrintToString(r.steps[0].failures);
  ASSERT_TRUE(r.load.has_value());
  const LoadStats& s = *r.load;
  EXPECT_EQ(s.clock, "real");
  EXPECT_EQ(s.mode, "open");
  EXPECT_EQ(s.terminals, 4);
  EXPECT_EQ(s.scheduled, 200u);
  EXPECT_EQ(s.completed, 200u);
  EXPECT_EQ(s.approved, 200u);
  EXPECT_EQ(s.errors, 0u);
  EXPECT_EQ(s.latency_us.count(), 200u);
  EXPECT_EQ(s.service_us.count(), 200u);
  // 200 arrivals at 1000/s: the last is due at 199 ms.
  EXPECT_GE(s.elapsed_seconds, 0.199);
  // Nothing listed, everything in the summary.
  EXPECT_TRUE(r.transactions.empty());
  EXPECT_EQ(r.summary.transactions, 200u);
  EXPECT_EQ(r.summary.approved, 200u);
  ASSERT_EQ(r.summary.per_type.size(), 1u);
  EXPECT_EQ(r.summary.per_type[0].type, "sale");
  EXPECT_EQ(r.summary.per_type[0].count, 200u);
  // Every sale is captured and arrives: 200 x (388.00 - 0.6% fee).
  EXPECT_EQ(r.summary.arrival_delay_hours.count, 200u);
  std::int64_t arriving = 0;
  for (const auto& [day, minor] : r.summary.money_per_day) arriving += minor;
  EXPECT_EQ(arriving, 200 * 38567);
  // Throughput over time accounts for every transaction.
  std::uint64_t per_second = 0;
  for (const LoadSecond& sec : s.per_second) per_second += sec.completed;
  EXPECT_EQ(per_second, 200u);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().completed, 200u);
}

TEST_F(LoadRunTest, OpenLoopLatencyCountsFromTheIntendedSendTime) {
  // One terminal, an arrival every 10 ms, a host that takes 50 ms: the requests queue up. The
  // service time stays 50 ms; the latency a customer sees grows by 40 ms per arrival.
  addSlowBackend(std::chrono::milliseconds(50));
  LoadSpec load;
  load.terminals = 1;
  load.count = 20;
  load.rate_per_second = 100;
  RunOptions options;
  options.steady = &steady_;
  options.backend = "slow";
  auto result = runScenario(realTimeScenario(load), options, registry_);
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  const LoadStats& s = *result->load;
  ASSERT_EQ(s.completed, 20u);
  EXPECT_EQ(s.service_us.min(), 50'000u);
  EXPECT_LE(s.service_us.max(), 50'000u + 50'000u / 128);
  // The last arrival was due at 190 ms and finished at 20 x 50 ms = 1000 ms: 810 ms.
  EXPECT_NEAR(static_cast<double>(s.latency_us.max()), 810'000.0, 810'000.0 / 128);
  EXPECT_EQ(s.latency_us.min(), 50'000u);
  EXPECT_GT(s.latency_us.valueAtPercentile(50), 5 * s.service_us.valueAtPercentile(50));
}

TEST_F(LoadRunTest, ClosedLoopWaitsAndThinks) {
  addSlowBackend(std::chrono::milliseconds(10));
  LoadSpec load;
  load.terminals = 1;
  load.mode = LoadMode::kClosed;
  load.count = 10;
  load.think_time = std::chrono::milliseconds(90);
  RunOptions options;
  options.steady = &steady_;
  options.backend = "slow";
  auto result = runScenario(realTimeScenario(load), options, registry_);
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  const LoadStats& s = *result->load;
  EXPECT_EQ(s.mode, "closed");
  EXPECT_EQ(s.target_rate, 0.0);
  EXPECT_EQ(s.completed, 10u);
  // Latency is the service time in a closed loop.
  EXPECT_EQ(s.latency_us.max(), s.service_us.max());
  // Ten transactions of 10 ms with 90 ms of thinking after each: about a second.
  EXPECT_NEAR(s.elapsed_seconds, 1.0, 0.1);
}

TEST_F(LoadRunTest, DurationBoundsTheArrivalsAndRampUpThinsThem) {
  LoadSpec load;
  load.terminals = 2;
  load.duration = std::chrono::seconds(1);
  load.rate_per_second = 100;
  auto plain = runScenario(realTimeScenario(load), options(), registry_);
  ASSERT_TRUE(plain.isOk());
  EXPECT_EQ(plain->load->scheduled, 100u);
  EXPECT_EQ(plain->load->completed, 100u);

  // Ramping up over 0.4 s: 20 arrivals during the ramp, 60 after it.
  load.ramp_up = std::chrono::milliseconds(400);
  auto ramped = runScenario(realTimeScenario(load), options(), registry_);
  ASSERT_TRUE(ramped.isOk());
  EXPECT_EQ(ramped->load->scheduled, 80u);

  // The virtual clock ramps the same way.
  Scenario virtual_run = realTimeScenario(load);
  virtual_run.load->clock = LoadClock::kVirtual;
  auto v = runScenario(virtual_run, options(), registry_);
  ASSERT_TRUE(v.isOk());
  EXPECT_EQ(v->transactions.size(), 80u);
  EXPECT_EQ(v->load->completed, 80u);
  EXPECT_EQ(v->load->clock, "virtual");
}

TEST_F(LoadRunTest, ExpectationsFailTheStepWithExpectedAndActual) {
  addSlowBackend(std::chrono::milliseconds(8));
  LoadSpec load;
  load.terminals = 2;
  load.count = 20;
  load.rate_per_second = 100;
  load.expect.p99_ms = 5.0;
  load.expect.max_errors = 0;
  load.expect.min_approval_rate = 0.99;
  RunOptions options;
  options.steady = &steady_;
  options.backend = "slow";
  auto result = runScenario(realTimeScenario(load), options, registry_);
  ASSERT_TRUE(result.isOk());
  ASSERT_EQ(result->steps.size(), 1u);
  EXPECT_FALSE(result->passed);
  EXPECT_THAT(result->steps[0].failures,
              ::testing::ElementsAre(HasSubstr("latency p99: expected at most 5.0 ms, got")));

  load.expect = {};
  load.expect.p99_ms = 1000.0;
  load.expect.min_throughput = 1.0;
  auto relaxed = runScenario(realTimeScenario(load), options, registry_);
  ASSERT_TRUE(relaxed.isOk());
  EXPECT_TRUE(relaxed->passed) << ::testing::PrintToString(relaxed->steps[0].failures);
}

TEST_F(LoadRunTest, AStopRequestEndsTheRunWithWhatFinished) {
  LoadSpec load;
  load.terminals = 2;
  load.duration = std::chrono::hours(1);
  load.rate_per_second = 100;
  std::atomic<bool> stop{false};
  RunOptions options;
  options.steady = &steady_;
  options.stop_load = &stop;
  options.load_progress = [&](const LoadProgress& p) {
    if (p.elapsed_seconds >= 2.0) stop = true;
  };
  auto result = runScenario(realTimeScenario(load), options, registry_);
  ASSERT_TRUE(result.isOk());
  const LoadStats& s = *result->load;
  EXPECT_GT(s.completed, 150u);
  EXPECT_LT(s.completed, 400u);
  EXPECT_EQ(s.errors, 0u);
}

TEST_F(LoadRunTest, EachTerminalHasItsOwnTerminalIdAndCards) {
  // Cards are per terminal: with 3 terminals, card state (the ATC) never collides, and every
  // transaction is approved by the issuer's ARQC check.
  LoadSpec load;
  load.terminals = 3;
  load.count = 60;
  load.rate_per_second = 500;
  LoadMix chip = contactlessSale("mc");
  chip.entry = emv::EntryMode::kContact;
  load.mix = {contactlessSale("visa"), chip};
  auto result = runScenario(realTimeScenario(load), options(), registry_);
  ASSERT_TRUE(result.isOk());
  EXPECT_EQ(result->load->completed, 60u);
  EXPECT_EQ(result->load->approved, 60u);
}

TEST_F(LoadRunTest, ReportCarriesTheHistogramAndTheSuiteMergesItExactly) {
  LoadSpec load;
  load.terminals = 2;
  load.count = 50;
  load.rate_per_second = 1000;
  auto a = runScenario(realTimeScenario(load), options(), registry_);
  load.count = 70;
  auto b = runScenario(realTimeScenario(load), options(2), registry_);
  ASSERT_TRUE(a.isOk() && b.isOk());
  const Json ra = runReport(*a);
  const Json* l = ra.find("load");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->find("completed")->asInt(), 50);
  EXPECT_EQ(l->find("latency_ms")->find("count")->asInt(), 50);
  auto histogram = LogHistogram::fromJson(*l->find("latency_histogram_us"));
  ASSERT_TRUE(histogram.isOk()) << histogram.status().toString();
  EXPECT_EQ(*histogram, a->load->latency_us);

  // One suite of both runs and the merge of two one-run reports agree to the byte.
  const Json suite = suiteReport({*a, *b});
  auto merged = mergeReports({runReport(*a), runReport(*b)});
  ASSERT_TRUE(merged.isOk());
  EXPECT_EQ(merged->dump(), suite.dump());
  const Json* suite_load = suite.find("summary")->find("load");
  ASSERT_NE(suite_load, nullptr);
  EXPECT_EQ(suite_load->find("completed")->asInt(), 120);
  LogHistogram both = a->load->latency_us;
  both.merge(b->load->latency_us);
  auto from_suite = LogHistogram::fromJson(*suite_load->find("latency_histogram_us"));
  ASSERT_TRUE(from_suite.isOk());
  EXPECT_EQ(*from_suite, both);
}

}  // namespace
}  // namespace posim::scenarios::test
