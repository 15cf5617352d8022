// `posim load` and real-time load scenarios (issue 9), end to end: against the embedded acquirer
// and against `posim host` over TCP, with timeouts and reversals counted, the report's load
// object, and `posim report merge` adding load histograms.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/histogram.h"
#include "posim/base/json.h"

#include "e2e_files.h"
#include "posim_runner.h"

namespace posim::test {
namespace {

// A load scenario whose cards never run out of money, for the embedded acquirer and for a
// `posim host --config` of the same file.
constexpr const char* kScenario = R"(posim: 1
name: e2e load
clock: {start: "2026-03-16T10:00:00+08:00"}
calendar: cn-2026
terminal: countertop
acquirer:
  backend: embedded
  latency: 0ms
  settlement: {cycle: T+1, cutoff: "23:00", payout: ["09:00"], fee: {rate: 0.006}}
cards:
  tap: {profile: mastercard-credit-contactless, pin: "1234", balance: "900000000.00"}
  visa: {profile: visa-credit, pin: "1234", balance: "900000000.00"}
load:
  clock: real
  terminals: 4
  rate: 400/s
  count: 120
  expect: {errors: 0, approval_rate: 1}
  mix:
    - {type: sale, weight: 1, card: tap, entry: contactless, amount: "38.00"}
    - {type: sale, weight: 1, card: visa, entry: chip, amount: "268.00"}
)";

Json readJson(const std::string& path) {
  auto doc = Json::parse(readFile(path));
  EXPECT_TRUE(doc.isOk()) << path;
  return doc.isOk() ? *doc : Json();
}

std::int64_t intAt(const Json& object, const char* key) {
  const Json* v = object.find(key);
  return v != nullptr && v->isNumber() ? v->asInt() : -1;
}

void writeScenario(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(kScenario, f);
  std::fclose(f);
}

class Host {
 public:
  Host(const std::string& config, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"host",    "--listen", "127.0.0.1:0",
                                     "--quiet", "--config", config};
    args.insert(args.end(), extra.begin(), extra.end());
    process_ = std::make_unique<BackgroundPosim>(args);
    const std::string line = process_->waitForLine("listening on");
    const auto at = line.find("listening on 127.0.0.1:");
    if (at != std::string::npos) {
      port_ = line.substr(at + 23);
      port_ = port_.substr(0, port_.find(' '));
    }
  }
  bool ok() const { return !port_.empty(); }
  std::string url(const std::string& extra = "") const {
    return "iso8583://127.0.0.1:" + port_ + "?dialect=iso87-ascii" + extra;
  }

 private:
  std::unique_ptr<BackgroundPosim> process_;
  std::string port_;
};

TEST(LoadCliTest, BuiltInDefaultRunsAndReports) {
  ScratchDir dir;
  const auto r = runPosim({"load", "--count", "60", "--rate", "600/s", "--terminals", "3",
                           "--report", dir.file("load.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("load (real clock, open loop, 3 terminals): 60 completed"),
            std::string::npos)
      << r.out;
  const Json report = readJson(dir.file("load.json"));
  const Json* load = report.find("load");
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(intAt(*load, "scheduled"), 60);
  EXPECT_EQ(intAt(*load, "completed"), 60);
  EXPECT_EQ(intAt(*load, "errors"), 0);
  EXPECT_EQ(intAt(*load->find("latency_ms"), "count"), 60);
  auto histogram = LogHistogram::fromJson(*load->find("latency_histogram_us"));
  ASSERT_TRUE(histogram.isOk()) << histogram.status().toString();
  EXPECT_EQ(histogram->count(), 60u);
  // The summary holds the load's transactions; none is listed one by one.
  EXPECT_EQ(intAt(*report.find("summary"), "transactions"), 60);
  EXPECT_TRUE(report.find("transactions")->asArray().empty());
}

TEST(LoadCliTest, PosimRunRunsARealTimeLoadWithFileJournals) {
  ScratchDir dir;
  writeScenario(dir.file("load.yaml"));
  // With --journal the load terminals' journals are files beside it, one per terminal.
  const auto r = runPosim({"run", dir.file("load.yaml"), "--quiet", "--journal",
                           dir.file("journal.db"), "--report", dir.file("report.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json report = readJson(dir.file("report.json"));
  const Json* load = report.find("load");
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(intAt(*load, "completed"), 120);
  EXPECT_EQ(intAt(*load, "approved"), 120);
  for (int k = 1; k <= 4; ++k) {
    EXPECT_TRUE(std::filesystem::exists(dir.file("journal.db.load-" + std::to_string(k)))) << k;
  }
  // Without it, in a temporary directory that is gone afterwards: the run is the same.
  const auto again = runPosim({"run", dir.file("load.yaml"), "--quiet"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST(LoadCliTest, BadOptionsAndScenariosWithoutLoadAreRefused) {
  auto r = runPosim({"load", "--rate", "5/x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--rate: expected a rate like 500, 500/s"), std::string::npos) << r.err;
  r = runPosim({"load", "--closed", "--rate", "5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--rate and --closed exclude each other"), std::string::npos) << r.err;
  r = runPosim({"load", "--think-time", "5ms"});
  EXPECT_EQ(r.exit_code, 2);
  r = runPosim({"load", (exampleSuite() / "chip-sale-online-pin.yaml").string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("has no load: block"), std::string::npos) << r.err;
}

TEST(LoadCliTest, SixtyFourTerminalsAgainstPosimHost) {
  ScratchDir dir;
  writeScenario(dir.file("load.yaml"));
  Host host(dir.file("load.yaml"), {});
  ASSERT_TRUE(host.ok());
  const auto r =
      runPosim({"load", dir.file("load.yaml"), "--backend", host.url(), "--terminals", "64",
                "--closed", "--count", "640", "--quiet", "--report", dir.file("report.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json report = readJson(dir.file("report.json"));
  const Json* load = report.find("load");
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(intAt(*load, "terminals"), 64);
  EXPECT_EQ(intAt(*load, "completed"), 640);
  EXPECT_EQ(intAt(*load, "approved"), 640);
  EXPECT_EQ(intAt(*load, "errors"), 0);
}

TEST(LoadCliTest, DroppedAnswersAreTimeoutsWithReversalsAndFailTheRun) {
  ScratchDir dir;
  writeScenario(dir.file("load.yaml"));
  // The host swallows three requests: each times out (after 1 s), the terminal reverses it.
  Host host(dir.file("load.yaml"), {"--fault", "drop:mti=0200:count=3"});
  ASSERT_TRUE(host.ok());
  const auto r = runPosim({"load", dir.file("load.yaml"), "--backend", host.url("&timeout_ms=1000"),
                           "--terminals", "2", "--count", "20", "--rate", "100", "--report",
                           dir.file("report.json")});
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  const Json report = readJson(dir.file("report.json"));
  const Json* load = report.find("load");
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(intAt(*load, "timeouts"), 3);
  EXPECT_EQ(intAt(*load, "errors"), 3);
  EXPECT_EQ(intAt(*load, "completed"), 17);
  EXPECT_GE(intAt(*load, "reversals_sent"), 1);
  EXPECT_NE(r.out.find("errors: expected at most 0, got 3"), std::string::npos) << r.out;
}

TEST(LoadCliTest, ReportMergeAddsLoadHistogramsExactly) {
  ScratchDir dir;
  ASSERT_EQ(runPosim({"load", "--count", "40", "--rate", "800", "--quiet", "--report",
                      dir.file("a.json")})
                .exit_code,
            0);
  ASSERT_EQ(runPosim({"load", "--count", "30", "--rate", "800", "--seed", "2", "--quiet",
                      "--report", dir.file("b.json")})
                .exit_code,
            0);
  const auto merged = runPosim(
      {"report", "merge", dir.file("a.json"), dir.file("b.json"), "-o", dir.file("m.json")});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  const Json m = readJson(dir.file("m.json"));
  const Json* load = m.find("summary")->find("load");
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(intAt(*load, "runs"), 2);
  EXPECT_EQ(intAt(*load, "completed"), 70);
  EXPECT_EQ(intAt(*m.find("summary"), "transactions"), 70);
  auto a = LogHistogram::fromJson(
      *readJson(dir.file("a.json")).find("load")->find("latency_histogram_us"));
  auto b = LogHistogram::fromJson(
      *readJson(dir.file("b.json")).find("load")->find("latency_histogram_us"));
  auto both = LogHistogram::fromJson(*load->find("latency_histogram_us"));
  ASSERT_TRUE(a.isOk() && b.isOk() && both.isOk());
  a->merge(*b);
  EXPECT_EQ(*both, *a);
  EXPECT_EQ(intAt(*load->find("latency_ms"), "count"), 70);

  // A report whose histogram was tampered with is refused, naming it.
  std::string text = readFile(dir.file("a.json"));
  const auto at = text.find("\"sub_bucket_bits\": 7");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 20, "\"sub_bucket_bits\": 9");
  std::FILE* f = std::fopen(dir.file("bad.json").c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  const auto bad = runPosim({"report", "merge", dir.file("bad.json"), dir.file("b.json")});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_NE(bad.err.find("load.latency_histogram_us"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace posim::test
