// `posim bench` as a user runs it: the fast figures as JSON (shape and sane numbers only; timing
// thresholds belong to the benchmarks, never to tests), and the usage errors.
#include <string>

#include <gtest/gtest.h>

#include "posim/base/json.h"

#include "posim_runner.h"

namespace posim::test {
namespace {

TEST(BenchCliTest, TlvAndIso8583AsJsonWithTargetMeasuredAndLimit) {
  const RunResult r = runPosim({"bench", "--only", "tlv,iso8583", "--json", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc.isOk()) << doc.status().toString() << "\n" << r.out;
  EXPECT_EQ(doc->find("mode")->asString(), "default");
  const Json* figures = doc->find("figures");
  ASSERT_NE(figures, nullptr);
  ASSERT_EQ(figures->size(), 2u) << r.out;
  // Table order, whatever the order of --only.
  EXPECT_EQ(figures->asArray()[0].find("name")->asString(), "iso8583");
  EXPECT_EQ(figures->asArray()[1].find("name")->asString(), "tlv");
  for (const Json& row : figures->asArray()) {
    for (const char* key : {"figure", "target", "measured", "limit", "target_text", "measured_text",
                            "limit_text", "status", "unit"}) {
      ASSERT_NE(row.find(key), nullptr) << key << " missing in " << row.dump();
    }
    EXPECT_FALSE(row.find("figure")->asString().empty());
    ASSERT_TRUE(row.find("measured")->isNumber()) << row.dump();
    ASSERT_TRUE(row.find("limit")->isNumber()) << row.dump();
    EXPECT_GT(row.find("target")->asDouble(), 0.0);
    EXPECT_GT(row.find("measured")->asDouble(), 0.0);
    EXPECT_GT(row.find("limit")->asDouble(), 0.0);
    EXPECT_EQ(row.find("unit")->asString(), "us");
    const std::string status = row.find("status")->asString();
    EXPECT_TRUE(status == "met" || status == "NOT MET") << status;
  }
  EXPECT_TRUE(r.err.empty()) << r.err;  // --quiet
}

TEST(BenchCliTest, TableHasTheHeaderAndOneLinePerFigure) {
  const RunResult r = runPosim({"bench", "--only", "tlv", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("figure"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("limit (same machine)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TLV decode, 250-byte record"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<= 0.5 us"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("memcpy"), std::string::npos) << r.out;
}

TEST(BenchCliTest, UnknownFigureIsAUsageError) {
  const RunResult r = runPosim({"bench", "--only", "tlv,warp-drive"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--only: unknown figure 'warp-drive'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cda, iso8583, tlv, run, host, memory"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;  // nothing was measured
}

TEST(BenchCliTest, UnexpectedArgumentIsAUsageError) {
  const RunResult r = runPosim({"bench", "fast"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unexpected argument 'fast'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace posim::test
