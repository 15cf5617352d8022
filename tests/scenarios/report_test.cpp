#include "posim/scenarios/report.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "runner_test_support.h"
#include "test_data.h"

namespace posim::scenarios::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> keysOf(const Json& j) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.asObject()) keys.push_back(k);
  return keys;
}

// The first n keys of an object.
std::vector<std::string> firstKeys(const Json& j, std::size_t n) {
  std::vector<std::string> keys = keysOf(j);
  if (keys.size() > n) keys.resize(n);
  return keys;
}

class ReportTest : public RunnerTest {
 protected:
  // The worked example plus a declined sale, a failing expectation and a pre-auth.
  RunResult mixedRun() {
    Scenario scenario = workedExample();
    scenario.name = "mixed <run> & \"quotes\", commas";
    scenario.acquirer.issuer.rules.push_back([] {
      acquirer::ResponseRule rule;
      rule.response_code = "51";
      rule.amount_pattern = "*.51";
      return rule;
    }());
    scenario.steps.push_back(expecting(sale("declined", "mc", "10.51"), [](Expectation& e) {
      e.approved = true;  // fails: the rule declines it with 51
    }));
    scenario.steps.push_back(transaction("hold", TransactionType::kPreauth, "visa", "300.00"));
    return run(scenario);
  }
};

TEST_F(ReportTest, RunReportKeysInTheOrderOfDesignSection7) {
  RunResult r = mixedRun();
  const Json report = runReport(r);
  EXPECT_EQ(firstKeys(report, 8),
            (std::vector<std::string>{"posim_report", "scenario", "file", "seed", "passed", "steps",
                                      "transactions", "summary"}));
  EXPECT_EQ(report.find("posim_report")->numberText(), "1");
  ASSERT_TRUE(report.find("steps")->isArray());
  for (const Json& step : report.find("steps")->asArray()) {
    EXPECT_EQ(firstKeys(step, 4), (std::vector<std::string>{"id", "type", "passed", "failures"}));
  }
  const std::vector<std::string> kTransactionKeys = {"id",
                                                     "type",
                                                     "card",
                                                     "entry",
                                                     "amount",
                                                     "currency",
                                                     "approved",
                                                     "response_code",
                                                     "auth_code",
                                                     "stan",
                                                     "rrn",
                                                     "cvm",
                                                     "tvr",
                                                     "cryptogram",
                                                     "auth_latency_ms",
                                                     "started_at",
                                                     "captured_at",
                                                     "clearing_date",
                                                     "settlement_date",
                                                     "arrival_at",
                                                     "arrival_delay_hours",
                                                     "fee",
                                                     "net_amount",
                                                     "status"};
  ASSERT_FALSE(report.find("transactions")->asArray().empty());
  for (const Json& t : report.find("transactions")->asArray()) {
    EXPECT_EQ(firstKeys(t, kTransactionKeys.size()), kTransactionKeys);
  }
  EXPECT_TRUE(report.find("summary")->isObject());
}

TEST_F(ReportTest, ValuesAreFormattedAsDesignSection7Says) {
  RunResult r = mixedRun();
  const Json report = runReport(r);
  EXPECT_FALSE(report.find("passed")->asBool());
  const auto& txs = report.find("transactions")->asArray();
  ASSERT_EQ(txs.size(), 5u);
  const Json& first = txs[0];
  EXPECT_EQ(first.find("id")->asString(), "before-holiday");
  EXPECT_EQ(first.find("type")->asString(), "sale");
  EXPECT_EQ(first.find("card")->asString(), "visa");
  EXPECT_EQ(first.find("entry")->asString(), "chip");
  EXPECT_EQ(first.find("amount")->asString(), "100.00");
  EXPECT_EQ(first.find("currency")->asString(), "CNY");
  EXPECT_TRUE(first.find("approved")->asBool());
  EXPECT_EQ(first.find("response_code")->asString(), "00");
  EXPECT_TRUE(std::regex_match(first.find("stan")->asString(), std::regex("[0-9]{6}")));
  EXPECT_TRUE(std::regex_match(first.find("tvr")->asString(), std::regex("[0-9A-F]{10}")));
  EXPECT_EQ(first.find("clearing_date")->asString(), "2026-09-30");
  EXPECT_EQ(first.find("settlement_date")->asString(), "2026-10-08");
  EXPECT_EQ(first.find("arrival_at")->asString(), "2026-10-08T09:00:00+08:00");
  EXPECT_TRUE(std::regex_match(first.find("started_at")->asString(),
                               std::regex(R"(2026-09-30T15:00:00\+08:00)")));
  ASSERT_TRUE(first.find("arrival_delay_hours")->isNumber());
  EXPECT_TRUE(std::regex_match(first.find("arrival_delay_hours")->numberText(),
                               std::regex(R"(1[0-9]{2}\.[0-9]{2})")));
  EXPECT_EQ(first.find("fee")->asString(), "0.60");
  EXPECT_EQ(first.find("net_amount")->asString(), "99.40");
  EXPECT_EQ(first.find("status")->asString(), "settled");

  const Json& declined = txs[3];
  EXPECT_EQ(declined.find("id")->asString(), "declined");
  EXPECT_FALSE(declined.find("approved")->asBool());
  EXPECT_EQ(declined.find("response_code")->asString(), "51");
  EXPECT_TRUE(declined.find("captured_at")->isNull());
  EXPECT_TRUE(declined.find("arrival_at")->isNull());
  EXPECT_TRUE(declined.find("arrival_delay_hours")->isNull());
  EXPECT_TRUE(declined.find("fee")->isNull());
  EXPECT_TRUE(declined.find("net_amount")->isNull());
  EXPECT_EQ(declined.find("status")->asString(), "declined");

  const Json& hold = txs[4];
  EXPECT_EQ(hold.find("status")->asString(), "held");
  EXPECT_TRUE(hold.find("arrival_at")->isNull());
  EXPECT_TRUE(hold.find("hold_placed_at")->isString());
  EXPECT_TRUE(hold.find("hold_released_at")->isNull());

  const Json& steps = *report.find("steps");
  const Json* failed = nullptr;
  for (const Json& s : steps.asArray()) {
    if (s.find("id")->asString() == "declined") failed = &s;
  }
  ASSERT_NE(failed, nullptr);
  EXPECT_FALSE(failed->find("passed")->asBool());
  ASSERT_EQ(failed->find("failures")->size(), 1u);
  EXPECT_EQ(failed->find("failures")->asArray()[0].asString(),
            "approved: expected true, got false");

  const Json& summary = *report.find("summary");
  EXPECT_EQ(summary.find("money_per_day")->find("2026-10-08")->asString(), "99.40");
  EXPECT_EQ(summary.find("transactions")->asInt(), 5);
  EXPECT_EQ(summary.find("approved")->asInt(), 4);
  EXPECT_EQ(summary.find("approval_rate")->numberText(), "0.8000");
  const Json& what_if = *report.find("what_if");
  EXPECT_EQ(what_if.find("policies")->asArray()[0].asString(), "T+1");
  EXPECT_EQ(what_if.find("rows")->size(), 3u);
}

TEST_F(ReportTest, NoFullPanAnywhere) {
  RunResult r = mixedRun();
  std::vector<RunResult> runs{r};
  const std::string texts[] = {runReport(r).dump(2), junitReport(runs), csvReport(runs),
                               textSummary(runs), suiteReport(runs).dump()};
  for (const ScenarioCard& card : workedExample().cards) {
    const std::string& pan = card.profile.pan.digits();
    ASSERT_GE(pan.size(), 12u);
    for (const std::string& t : texts) EXPECT_THAT(t, Not(HasSubstr(pan))) << card.name;
  }
  EXPECT_THAT(runReport(r).dump(), HasSubstr("\"masked_pan\""));
}

std::string writeTemp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("posim-report-test-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

TEST_F(ReportTest, JunitValidatesAgainstTheSchema) {
  if (std::system("xmllint --version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "xmllint not installed (libxml2-utils)";
  }
  Scenario stop = baseScenario("stops");
  Step first =
      expecting(sale("first", "visa", "10.00"), [](Expectation& e) { e.approved = false; });
  first.stop_on_failure = true;
  stop.steps.push_back(first);
  stop.steps.push_back(sale("skipped-one", "visa", "10.00"));
  Scenario broken = baseScenario("errors");
  broken.steps.push_back(advanceTo("2020-01-01T00:00:00+08:00", "back-in-time"));
  const std::vector<RunResult> runs{mixedRun(), run(stop), run(broken)};
  const std::string xml = junitReport(runs);
  const std::string file = writeTemp("junit.xml", xml);
  const std::string schema = posim::test::dataDir() + "/junit/junit.xsd";
  const std::string command =
      "xmllint --noout --schema '" + schema + "' '" + file + "' > /dev/null 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << xml;
  std::filesystem::remove(file);
}

TEST_F(ReportTest, JunitContent) {
  Scenario stop = baseScenario("stops");
  Step first =
      expecting(sale("first", "visa", "10.00"), [](Expectation& e) { e.approved = false; });
  first.stop_on_failure = true;
  stop.steps.push_back(first);
  stop.steps.push_back(sale("skipped-one", "visa", "10.00"));
  Scenario broken = baseScenario("errors");
  broken.steps.push_back(advanceTo("2020-01-01T00:00:00+08:00", "back-in-time"));
  const std::vector<RunResult> runs{mixedRun(), run(stop), run(broken)};
  const std::string xml = junitReport(runs);
  EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"posim\" tests=\"10\" failures=\"2\" "
                             "errors=\"1\" skipped=\"1\""));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"mixed &lt;run&gt; &amp; &quot;quotes&quot;, "
                             "commas\" tests=\"7\" failures=\"1\" errors=\"0\" skipped=\"0\""));
  EXPECT_THAT(xml, HasSubstr("<property name=\"seed\" value=\"1\"/>"));
  EXPECT_THAT(xml, HasSubstr("name=\"declined\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"approved: expected true, got false\" "
                             "type=\"expectation\">scenarios/worked_example.yaml:"));
  EXPECT_THAT(xml, HasSubstr("<skipped"));
  EXPECT_THAT(xml, HasSubstr("<error message=\""));
  EXPECT_THAT(xml, HasSubstr("classname=\"stops\" name=\"skipped-one\""));
}

// Splits RFC 4180 CSV into records of fields.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

TEST_F(ReportTest, CsvQuotingFollowsRfc4180) {
  RunResult r = mixedRun();
  const std::string csv = csvReport({r});
  ASSERT_GE(csv.size(), 2u);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
  EXPECT_THAT(csv, HasSubstr("\"mixed <run> & \"\"quotes\"\", commas\","));
  const auto rows = parseCsv(csv);
  ASSERT_EQ(rows.size(), 6u);  // header + 5 transactions
  EXPECT_EQ(rows[0][0], "scenario");
  EXPECT_EQ(rows[0][1], "id");
  EXPECT_EQ(rows[0][24], "status");
  for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
  EXPECT_EQ(rows[1][0], "mixed <run> & \"quotes\", commas");
  EXPECT_EQ(rows[1][1], "before-holiday");
  EXPECT_EQ(rows[1][5], "100.00");
  EXPECT_EQ(rows[4][1], "declined");
  EXPECT_EQ(rows[4][20], "");  // arrival_at null -> empty
}

TEST_F(ReportTest, CsvQuotesEmbeddedLineBreaks) {
  RunResult r = run(workedExample());
  r.scenario = "two\r\nlines";
  const auto rows = parseCsv(csvReport({r}));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][0], "two\r\nlines");
}

TEST_F(ReportTest, TextSummary) {
  RunResult r = mixedRun();
  const std::string text = textSummary({r});
  EXPECT_THAT(text, HasSubstr("FAILED  mixed"));
  EXPECT_THAT(text, HasSubstr("sale"));
  EXPECT_THAT(text, HasSubstr("2026-10-08  99.40 CNY"));
  EXPECT_THAT(text, HasSubstr("2026-10-10  99.40 CNY"));
  EXPECT_THAT(text, HasSubstr("FAILED declined (sale) at scenarios/worked_example.yaml:"));
  EXPECT_THAT(text, HasSubstr("approved: expected true, got false"));
}

TEST_F(ReportTest, SuiteReport) {
  RunResult a = run(workedExample());
  RunResult b = mixedRun();
  const Json suite = suiteReport({a, b});
  EXPECT_EQ(firstKeys(suite, 4),
            (std::vector<std::string>{"posim_report", "passed", "runs", "summary"}));
  EXPECT_FALSE(suite.find("passed")->asBool());
  EXPECT_EQ(suite.find("runs")->size(), 2u);
  const Json& summary = *suite.find("summary");
  EXPECT_EQ(summary.find("runs")->asInt(), 2);
  EXPECT_EQ(summary.find("runs_passed")->asInt(), 1);
  EXPECT_EQ(summary.find("transactions")->asInt(), 8);
  EXPECT_EQ(summary.find("steps_failed")->asInt(), 1);
}

TEST_F(ReportTest, MergeShardReports) {
  RunResult a = run(workedExample());
  RunResult b = mixedRun();
  // Shards as the CLI writes them: text, parsed back.
  auto shard1 = Json::parse(runReport(a).dump(2));
  auto shard2 = Json::parse(suiteReport({b}).dump());
  ASSERT_TRUE(shard1.isOk());
  ASSERT_TRUE(shard2.isOk());
  auto merged = mergeReports({*shard1, *shard2});
  ASSERT_TRUE(merged.isOk()) << merged.status().toString();
  EXPECT_EQ(merged->dump(), suiteReport({a, b}).dump());

  auto bad = mergeReports({*shard1, Json::parse(R"({"junit": true})").value()});
  ASSERT_FALSE(bad.isOk());
  EXPECT_THAT(bad.status().message(), HasSubstr("index 1"));
  EXPECT_THAT(bad.status().message(), HasSubstr("not a posim report"));

  auto empty = mergeReports({});
  ASSERT_TRUE(empty.isOk());
  EXPECT_TRUE(empty->find("passed")->asBool());
  EXPECT_EQ(empty->find("runs")->size(), 0u);
}

}  // namespace
}  // namespace posim::scenarios::test
