// `posim emv decode` as a user runs it.
#include <gtest/gtest.h>

#include "posim/base/json.h"

#include "posim_runner.h"

namespace posim::test {
namespace {

constexpr const char* kGenAcResponse = "9F2608B912CED09B6094109F2701809F100706011203A0A000";

TEST(EmvDecodeTest, PrintsAReadableTreeOfTheIssueExample) {
  const RunResult r = runPosim({"emv", "decode", kGenAcResponse});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("9F26 Application Cryptogram [8]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("B912CED09B609410"), std::string::npos);
  EXPECT_NE(r.out.find("9F27 Cryptogram Information Data [1]"), std::string::npos);
  EXPECT_NE(r.out.find("80  ARQC"), std::string::npos);
  EXPECT_NE(r.out.find("9F10 Issuer Application Data [7]"), std::string::npos);
  EXPECT_NE(r.out.find("CVN 18"), std::string::npos);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(EmvDecodeTest, ReadsStandardInputAndNestsTemplates) {
  const RunResult r =
      runPosim({"emv", "decode", "-"},
               "77 1E 9F2701809F360200119F2608B912CED09B6094109F100706011203A0A000\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("77 Response Message Template Format 2 [30]\n  9F27"), std::string::npos)
      << r.out;
}

TEST(EmvDecodeTest, JsonOutputIsMachineReadable) {
  const RunResult r = runPosim({"emv", "decode", "--json", kGenAcResponse});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc.isOk()) << doc.status().toString();
  const Json& items = *doc->find("items");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items.asArray()[1].find("tag")->asString(), "9F27");
  EXPECT_EQ(items.asArray()[1].find("value")->asString(), "80");
  EXPECT_EQ(items.asArray()[1].find("decoded")->asString(), "ARQC");
  EXPECT_TRUE(doc->find("clean")->asBool());
}

TEST(EmvDecodeTest, MasksPans) {
  // A READ RECORD template with a PAN (5A) and track 2 equivalent data (57).
  const RunResult r = runPosim({"emv", "decode",
                                "701D5A0847617390010100105711476173900101001"
                                "0D28122011234567890"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.out.find("4761739001010010"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("476173******0010"), std::string::npos) << r.out;
  const RunResult j = runPosim({"emv", "decode", "--json",
                                "5A0847617390010100105711476173900101001"
                                "0D28122011234567890"});
  EXPECT_EQ(j.out.find("4761739001010010"), std::string::npos) << j.out;
}

TEST(EmvDecodeTest, MalformedInputGivesDiagnosticsAndExit3) {
  // 9F27 declares 5 bytes, only 1 is there.
  const RunResult r = runPosim({"emv", "decode", "9F260812345678"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("! byte 0: "), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("byte offset 0"), std::string::npos) << r.err;
  const RunResult bad_hex = runPosim({"emv", "decode", "9F2"});
  EXPECT_EQ(bad_hex.exit_code, 3);
  EXPECT_NE(bad_hex.err.find("odd number of hex digits"), std::string::npos) << bad_hex.err;
}

TEST(EmvDecodeTest, ResponseApduShowsTheStatusWord) {
  const RunResult r = runPosim({"emv", "decode", "--response", "9F2701809000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("SW 9000  Success"), std::string::npos) << r.out;
}

TEST(EmvDecodeTest, UsageErrorsExit2) {
  EXPECT_EQ(runPosim({"emv", "decode"}).exit_code, 2);
  EXPECT_EQ(runPosim({"emv", "decode", "--bogus", "00"}).exit_code, 2);
  EXPECT_EQ(runPosim({"emv", "decode", "--scheme", "martian", "9F270180"}).exit_code, 2);
  const RunResult unknown = runPosim({"emv", "frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("posim emv decode"), std::string::npos) << unknown.err;
  EXPECT_EQ(runPosim({"nonsense"}).exit_code, 2);
}

TEST(CliTest, HelpAndVersion) {
  const RunResult help = runPosim({"help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("emv decode"), std::string::npos);
  const RunResult version = runPosim({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("posim ", 0), 0u);
  const RunResult cmd_help = runPosim({"emv", "decode", "--help"});
  EXPECT_EQ(cmd_help.exit_code, 0);
  EXPECT_NE(cmd_help.out.find("--json"), std::string::npos);
}

}  // namespace
}  // namespace posim::test
