// `posim run`, `posim validate`, `posim report merge` and the listing commands, as CI and a QA
// engineer use them on the example suite (DESIGN.md §6-§8).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "posim/base/json.h"

#include "e2e_files.h"
#include "posim_runner.h"
#include "test_data.h"

namespace posim::test {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = exampleSuite();

Json readJson(const std::string& path) {
  auto doc = Json::parse(readFile(path));
  EXPECT_TRUE(doc.isOk()) << path << ": " << doc.status().message();
  return doc.isOk() ? *doc : Json();
}

// The "file" of every run in a report (one run, or a suite of runs).
std::multiset<std::string> reportedFiles(const Json& report) {
  std::multiset<std::string> files;
  if (const Json* runs = report.find("runs")) {
    for (const Json& run : runs->asArray())
      files.insert(fs::path(run.find("file")->asString()).filename());
  } else if (const Json* file = report.find("file")) {
    files.insert(fs::path(file->asString()).filename());
  }
  return files;
}

TEST(ScenarioRunTest, EveryExampleScenarioPasses) {
  const auto files = suiteFiles();
  ASSERT_GE(files.size(), 12u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    const RunResult r = runPosim({"run", file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("PASSED"), std::string::npos) << r.out;
  }
}

TEST(ScenarioRunTest, SuiteDirectoryRunsEveryFileAndWritesReports) {
  ScratchDir dir;
  const RunResult r = runPosim({"run", kSuite.string(), "--report", dir.file("r.json"), "--junit",
                                dir.file("r.xml"), "--csv", dir.file("r.csv"), "--trace",
                                dir.file("trace.txt"), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // --quiet
  EXPECT_EQ(r.err, "");  // no progress line when stderr is not a terminal
  const Json report = readJson(dir.file("r.json"));
  EXPECT_EQ(reportedFiles(report).size(), suiteFiles().size());
  ASSERT_NE(report.find("passed"), nullptr);
  EXPECT_TRUE(report.find("passed")->asBool());

  const std::string junit = readFile(dir.file("r.xml"));
  EXPECT_EQ(junit.rfind("<?xml", 0), 0u) << junit.substr(0, 80);
  EXPECT_NE(junit.find("<testsuites"), std::string::npos);
  EXPECT_NE(junit.find("<testcase"), std::string::npos);
  EXPECT_NE(readFile(dir.file("r.csv")).find("scenario"), std::string::npos);

  // The trace is one line per event, "<time> <kind> <source> <summary>", never a PAN.
  const std::string trace = readFile(dir.file("trace.txt"));
  EXPECT_NE(trace.find("+08:00 apdu-command kernel SELECT"), std::string::npos);
  EXPECT_EQ(trace.find("4761739001010010"), std::string::npos);  // visa-credit's PAN
}

TEST(ScenarioRunTest, OfflineSaleArrivesFromItsUpload) {
  ScratchDir dir;
  const RunResult r = runPosim(
      {"run", (kSuite / "offline-below-floor.yaml").string(), "--report", dir.file("r.json")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const Json report = readJson(dir.file("r.json"));
  const Json* snack = nullptr;
  for (const Json& t : report.find("transactions")->asArray()) {
    if (t.find("id")->asString() == "snack") snack = &t;
  }
  ASSERT_NE(snack, nullptr);
  // Uploaded at the 23:30 settlement, after the cut-off: it clears the next day.
  EXPECT_EQ(snack->find("clearing_date")->asString(), "2026-11-11");
  EXPECT_EQ(snack->find("arrival_at")->asString(), "2026-11-12T09:00:00+08:00");
}

TEST(ScenarioRunTest, SameSeedGivesTheSameReport) {
  ScratchDir dir;
  const std::string file = (kSuite / "end-of-day-settlement.yaml").string();
  for (const char* name : {"a.json", "b.json"}) {
    const RunResult r = runPosim({"run", file, "--seed", "7", "--report", dir.file(name)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const Json a = withoutMeasuredLatencies(readJson(dir.file("a.json")));
  const Json b = withoutMeasuredLatencies(readJson(dir.file("b.json")));
  EXPECT_EQ(a.dump(2), b.dump(2));
  EXPECT_EQ(a.find("seed")->asInt(), 7);
}

TEST(ScenarioRunTest, ShardsPartitionTheSuiteAndMergeBack) {
  ScratchDir dir;
  std::multiset<std::string> all;
  for (const char* shard : {"1/2", "2/2"}) {
    const std::string report = dir.file(std::string("shard") + shard[0] + ".json");
    const RunResult r =
        runPosim({"run", kSuite.string(), "--shard", shard, "--report", report, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto files = reportedFiles(readJson(report));
    EXPECT_FALSE(files.empty()) << shard;
    all.insert(files.begin(), files.end());
  }
  std::multiset<std::string> expected;
  for (const fs::path& f : suiteFiles()) expected.insert(f.filename().string());
  EXPECT_EQ(all, expected);  // every file exactly once

  const RunResult merged = runPosim({"report", "merge", dir.file("shard1.json"),
                                     dir.file("shard2.json"), "-o", dir.file("merged.json")});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(reportedFiles(readJson(dir.file("merged.json"))), expected);
}

TEST(ScenarioRunTest, BadShardIsAUsageError) {
  for (const char* shard : {"0/2", "3/2", "1", "a/b"}) {
    EXPECT_EQ(runPosim({"run", kSuite.string(), "--shard", shard}).exit_code, 2) << shard;
  }
}

TEST(ScenarioRunTest, MergeRejectsAFileThatIsNotAReport) {
  ScratchDir dir;
  std::ofstream(dir.file("bad.json")) << "{\"hello\": 1";
  const RunResult r = runPosim({"report", "merge", dir.file("bad.json")});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
}

TEST(ScenarioRunTest, UnwritableReportIsARuntimeError) {
  const RunResult r = runPosim({"run", (kSuite / "chip-sale-online-pin.yaml").string(), "--report",
                                "/nonexistent-posim-dir/report.json"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("/nonexistent-posim-dir/report.json"), std::string::npos) << r.err;
}

TEST(ScenarioRunTest, FailedExpectationExitsOne) {
  ScratchDir dir;
  std::ofstream(dir.file("wrong.yaml")) << "posim: 1\n"
                                           "name: wrong expectation\n"
                                           "clock: {start: \"2026-11-02T10:00:00+08:00\"}\n"
                                           "calendar: cn-2026\n"
                                           "terminal: countertop\n"
                                           "cards:\n"
                                           "  v: {profile: visa-credit, pin: \"1234\"}\n"
                                           "steps:\n"
                                           "  - sale: {card: v, entry: chip, amount: \"10.00\"}\n"
                                           "    expect: {response_code: \"51\"}\n";
  const RunResult r = runPosim({"run", dir.file("wrong.yaml")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("response_code"), std::string::npos) << r.out;
}

TEST(ScenarioRunTest, InvalidFileStopsTheWholeRun) {
  ScratchDir dir;
  const RunResult r =
      runPosim({"run", (kSuite / "chip-sale-online-pin.yaml").string(),
                dataDir() + "/scenarios/three-mistakes.yaml", "--report", dir.file("r.json")});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("three-mistakes.yaml:12:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("r.json")));  // nothing ran
}

TEST(ScenarioValidateTest, ReportsEveryMistakeWithLineAndColumn) {
  const std::string file = dataDir() + "/scenarios/three-mistakes.yaml";
  const RunResult r = runPosim({"validate", file});
  EXPECT_EQ(r.exit_code, 3);
  const std::string text = r.out + r.err;
  for (const char* where :
       {"three-mistakes.yaml:12:", "three-mistakes.yaml:13:", "three-mistakes.yaml:14:"}) {
    EXPECT_NE(text.find(where), std::string::npos) << where << " in\n" << text;
  }
  EXPECT_NE(text.find("did you mean amount"), std::string::npos) << text;
}

TEST(ScenarioValidateTest, ValidFilesAreOk) {
  const RunResult r = runPosim({"validate", kSuite.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("chip-sale-online-pin.yaml: ok"), std::string::npos) << r.out;
}

TEST(ScenarioValidateTest, MissingFileIsInvalidInput) {
  EXPECT_EQ(runPosim({"validate", "/nonexistent-posim-dir/x.yaml"}).exit_code, 3);
}

TEST(ListCommandsTest, CardsTerminalsAndCalendars) {
  RunResult r = runPosim({"cards"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("visa-credit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Visa credit, CVN 18"), std::string::npos) << r.out;

  r = runPosim({"terminals", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc.isOk()) << r.out;
  ASSERT_TRUE(doc->isArray());
  bool countertop = false;
  for (const Json& item : doc->asArray()) {
    countertop = countertop || item.find("name")->asString() == "countertop";
  }
  EXPECT_TRUE(countertop) << r.out;

  r = runPosim({"calendars"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cn-2026"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace posim::test
