// `posim iso8583 decode|encode` and `posim dialects` as a user runs them, on the shared vectors.
#include <string>

#include <gtest/gtest.h>

#include "posim/base/json.h"

#include "posim_runner.h"
#include "test_data.h"

namespace posim::test {
namespace {

const Json& vector(const std::string& id) {
  static const Json cases = loadJson("vectors/iso8583_default.json");
  for (const Json& c : cases.asArray()) {
    if (c.find("id")->asString() == id) return c;
  }
  ADD_FAILURE() << id << " not found";
  return cases;
}

std::string hexOf(const std::string& id, const char* key = "encoded_hex") {
  return vector(id).find(key)->asString();
}

TEST(Iso8583CliTest, DecodeShowsEveryFieldWithPanMaskedAndPinHidden) {
  const RunResult r = runPosim({"iso8583", "decode", "--dialect", "iso87-ascii", hexOf("ISO-05")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("MTI       0100  authorization request"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bitmap    723C46C128E09201"), std::string::npos);
  EXPECT_NE(r.out.find("    2  Primary Account Number (PAN)           541333******0011"),
            std::string::npos);
  EXPECT_EQ(r.out.find("5413330089020011"), std::string::npos) << "PAN in clear";
  EXPECT_NE(r.out.find("000000050000  (500.00 CNY)"), std::string::npos);
  EXPECT_NE(r.out.find("541333******0011=****"), std::string::npos);
  EXPECT_NE(r.out.find("[PIN block, 8 bytes]"), std::string::npos);
  EXPECT_EQ(r.out.find("7295BAE7050AE684"), std::string::npos) << "PIN block in clear";
  EXPECT_NE(r.out.find("9F26 Application Cryptogram [8]"), std::string::npos);
  EXPECT_NE(r.out.find("   64  MAC"), std::string::npos);
  EXPECT_NE(r.out.find("A39C51ABA4FCB91B"), std::string::npos);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(Iso8583CliTest, DecodeResponseCodeAndOriginalData) {
  const RunResult r = runPosim({"iso8583", "decode", "--dialect", "iso87-ascii", hexOf("ISO-13")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("51  (insufficient funds)"), std::string::npos) << r.out;
  const RunResult reversal =
      runPosim({"iso8583", "decode", "--dialect", "iso87-ascii", hexOf("ISO-16")});
  ASSERT_EQ(reversal.exit_code, 0) << reversal.err;
  EXPECT_NE(reversal.out.find("90.1    original MTI"), std::string::npos) << reversal.out;
}

TEST(Iso8583CliTest, DecodeFramedFromStandardInputAsJson) {
  const RunResult r = runPosim(
      {"iso8583", "decode", "--dialect", "iso87-ascii", "--framing", "binary2", "--json", "-"},
      hexOf("ISO-05", "framed_2byte_len_hex") + "\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc.isOk()) << doc.status().toString();
  EXPECT_EQ(doc->find("dialect")->asString(), "iso87-ascii");
  EXPECT_EQ(doc->find("mti")->asString(), "0100");
  const Json& fields = *doc->find("fields");
  EXPECT_EQ(fields.find("2")->asString(), "541333******0011");
  EXPECT_EQ(fields.find("4")->asString(), "000000050000");
  EXPECT_EQ(fields.find("64")->asString(), "A39C51ABA4FCB91B");
  EXPECT_EQ(fields.find("55")->asString().substr(0, 6), "9F2608");
  EXPECT_EQ(doc->find("diagnostics")->size(), 0u);
}

TEST(Iso8583CliTest, MalformedInputExits3WithFieldAndOffset) {
  std::string hex = hexOf("ISO-05");
  hex.replace(2 * 36, 24, "303030303030303030354142");  // DE 4 = 0000000005AB
  const RunResult r = runPosim({"iso8583", "decode", "--dialect", "iso87-ascii", hex});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("! field 4 at byte 36: expected 12 digits, found '0000000005AB'"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("   64  MAC"), std::string::npos) << "decoding went on";
  EXPECT_NE(r.err.find("malformed ISO 8583 message"), std::string::npos);

  const RunResult cut =
      runPosim({"iso8583", "decode", "--dialect", "iso87-ascii", "--json", hex.substr(0, 40)});
  EXPECT_EQ(cut.exit_code, 3);
  auto doc = Json::parse(cut.out);
  ASSERT_TRUE(doc.isOk());
  const Json& diagnostic = doc->find("diagnostics")->asArray().at(0);
  EXPECT_EQ(diagnostic.find("field")->asInt(), 2);
  EXPECT_EQ(diagnostic.find("offset")->asInt(), 12);
}

TEST(Iso8583CliTest, EncodeTakesTheDecodeJsonShape) {
  const Json& c = vector("ISO-01");
  const std::string input =
      R"({"mti": "0800", "fields": {"7": "0314021500", "11": "000001", "41": "TERM0001", )"
      R"("70": "001"}})";
  RunResult r = runPosim({"iso8583", "encode", "--dialect", "iso87-ascii", input});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, c.find("encoded_hex")->asString() + "\n");
  r = runPosim({"iso8583", "encode", "--dialect", "iso87-ascii", "--framing", "binary2"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, c.find("framed_2byte_len_hex")->asString() + "\n");
  r = runPosim({"iso8583", "encode", "--dialect", "iso87-ascii"},
               R"({"mti": "0200", "fields": {"4": "12"}})");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("field 4: 2 characters where the field has a fixed length of 12"),
            std::string::npos)
      << r.err;
}

TEST(Iso8583CliTest, UsageErrors) {
  RunResult r = runPosim({"iso8583", "decode", "--dialect", "iso78", "00"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown dialect 'iso78'"), std::string::npos) << r.err;
  r = runPosim({"iso8583", "decode", "--dialect", "iso87-ascii", "--framing", "len9", "00"});
  EXPECT_EQ(r.exit_code, 2);
  r = runPosim({"iso8583", "decode", "--dialect", "iso87-ascii", "XYZ"});
  EXPECT_EQ(r.exit_code, 3);
}

TEST(Iso8583CliTest, DialectsListsTheBuiltins) {
  RunResult r = runPosim({"dialects"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("iso87-ascii      iso87  ISO 8583:1987"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cup-pos"), std::string::npos);
  r = runPosim({"dialects", "--json"});
  ASSERT_EQ(r.exit_code, 0);
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc.isOk());
  ASSERT_EQ(doc->size(), 4u);
  EXPECT_EQ(doc->asArray()[0].find("id")->asString(), "cup-pos");
  EXPECT_EQ(doc->asArray()[0].find("flavour")->asString(), "cup");
}

}  // namespace
}  // namespace posim::test
