// Replays the recorded C-APDU/R-APDU exchanges of openemv/emv-utils' tests
// (tests/data/emv-utils/emv_apdu_scripts_emvutils.json) through the APDU and TLV code.
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"
#include "posim/base/json.h"
#include "posim/emv/apdu.h"
#include "posim/emv/tlv.h"

#include "test_data.h"

namespace posim::emv {
namespace {

struct Exchange {
  std::string script;
  std::size_t step = 0;
  const Json* json = nullptr;

  std::string field(std::string_view name) const {
    const Json* value = json->find(name);
    return value != nullptr && value->isString() ? value->asString() : std::string();
  }
  std::string where() const { return script + " step " + std::to_string(step); }
};

class ApduScriptsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scripts_ = test::loadJson("emv-utils/emv_apdu_scripts_emvutils.json");
    ASSERT_TRUE(scripts_.isArray());
    for (const Json& script : scripts_.asArray()) {
      const Json* steps = script.find("steps");
      ASSERT_NE(steps, nullptr);
      std::size_t index = 0;
      for (const Json& step : steps->asArray()) {
        exchanges_.push_back(Exchange{script.find("name")->asString(), index++, &step});
      }
    }
  }

  Json scripts_;
  std::vector<Exchange> exchanges_;
};

TEST_F(ApduScriptsTest, FileHasTheDocumentedShape) {
  EXPECT_EQ(scripts_.size(), 36u);
  EXPECT_EQ(exchanges_.size(), 104u);
}

TEST_F(ApduScriptsTest, EveryCommandParsesAndReserializesToTheSameBytes) {
  for (const Exchange& exchange : exchanges_) {
    SCOPED_TRACE(exchange.where());
    const Bytes bytes = hexBytes(exchange.field("c_apdu"));
    const Result<CommandApdu> apdu = CommandApdu::parse(bytes);
    ASSERT_TRUE(apdu.isOk()) << apdu.status().toString();
    const Result<Bytes> again = apdu->serialize();
    ASSERT_TRUE(again.isOk()) << again.status().toString();
    EXPECT_EQ(toHex(*again), toHex(bytes));
    EXPECT_FALSE(apdu->describe().empty());
  }
}

TEST_F(ApduScriptsTest, DescriptionsMatchTheRecordedComments) {
  // The recordings name SELECTs by AID and READ RECORDs by SFI and record, in two spellings.
  const std::regex read_record_a(R"(READ RECORD (\d+),(\d+))");
  const std::regex read_record_b(R"(READ RECORD from SFI (\d+), record (\d+))");
  std::size_t selects = 0;
  std::size_t read_records = 0;
  for (const Exchange& exchange : exchanges_) {
    SCOPED_TRACE(exchange.where());
    const CommandApdu apdu = *CommandApdu::parse(hexBytes(exchange.field("c_apdu")));
    const std::string comment = exchange.field("c_comment");
    std::smatch match;
    if (apdu.ins == kInsSelect) {
      const std::string suffix = apdu.p2 == 0x02 ? " (next occurrence)" : "";
      EXPECT_EQ(apdu.describe(), comment + suffix);
      ++selects;
    } else if (std::regex_match(comment, match, read_record_a) ||
               std::regex_match(comment, match, read_record_b)) {
      EXPECT_EQ(apdu.describe(), "READ RECORD SFI " + match[1].str() + " record " + match[2].str());
      ++read_records;
    } else if (comment == "GPO") {
      EXPECT_EQ(apdu.describe().rfind("GET PROCESSING OPTIONS", 0), 0u);
    } else if (comment.rfind("GET RESPONSE", 0) == 0) {
      EXPECT_EQ(apdu.describe().rfind("GET RESPONSE Le=", 0), 0u);
    } else {
      ADD_FAILURE() << "unexpected command comment: " << comment;
    }
  }
  EXPECT_EQ(selects, 55u);
  EXPECT_EQ(read_records, 38u);
}

// The exchanges whose data is not well-formed TLV, as recorded upstream:
//  - test_select_app7 step 3 is flagged with declared_r_len: the original test declared 51 bytes
//    for a 97-byte response, so its emulated reader delivered the first 51 bytes only;
//  - test6_apdu_list (emv_read_application_data_test.c) returns a record whose last data object
//    9F1F declares 15 bytes but its 70 template holds 14: a deliberately malformed record.
bool isKnownMalformedRecord(const Exchange& exchange) {
  return exchange.script == "test6_apdu_list" && exchange.field("c_apdu") == "00B2020C00" &&
         exchange.field("r_apdu").find("9F1F0F") != std::string::npos;
}

TEST_F(ApduScriptsTest, EveryResponseParsesAndItsDataDecodes) {
  std::size_t responses_with_data = 0;
  std::size_t unparsable = 0;
  std::size_t malformed = 0;
  for (const Exchange& exchange : exchanges_) {
    SCOPED_TRACE(exchange.where());
    const Bytes bytes = hexBytes(exchange.field("r_apdu"));
    const Result<ResponseApdu> response = ResponseApdu::parse(bytes);
    if (bytes.size() < 2) {
      // emv_select_application_test.c test_select_app4: a 1-byte "Invalid response".
      EXPECT_EQ(exchange.field("r_comment"), "Invalid response");
      ASSERT_FALSE(response.isOk());
      EXPECT_EQ(response.status().code(), StatusCode::kMalformed);
      ++unparsable;
      continue;
    }
    ASSERT_TRUE(response.isOk()) << response.status().toString();
    EXPECT_EQ(toHex(response->serialize()), toHex(bytes));
    EXPECT_FALSE(response->describe().empty());
    if (response->data.empty()) continue;
    ++responses_with_data;

    const TlvDecodeResult decoded = decodeTlv(response->data);
    if (isKnownMalformedRecord(exchange)) {
      ++malformed;
      ASSERT_EQ(decoded.diagnostics.size(), 1u);
      EXPECT_EQ(decoded.diagnostics[0].kind, TlvErrorKind::kValueOverrun);
      EXPECT_EQ(decoded.diagnostics[0].offset, 36u);
      EXPECT_EQ(decoded.diagnostics[0].message,
                "byte 36: tag 9F1F declares 15 value bytes but only 14 remain; kept 14");
      continue;
    }
    EXPECT_TRUE(decoded.ok()) << decoded.status().toString();
    EXPECT_EQ(response->sw1sw2, 0x9000);
    // Canonical encodings round-trip; trailing padding (test5's FFFF, the record that is just
    // FF) is dropped on re-encoding.
    const std::size_t end = decoded.nodes.empty() ? 0
                                                  : decoded.nodes.back().valueOffset() +
                                                        decoded.nodes.back().value.size();
    EXPECT_EQ(toHex(encodeTlvTree(decoded.nodes)), toHex(ByteView(response->data).first(end)));
  }
  EXPECT_EQ(unparsable, 1u);
  EXPECT_EQ(malformed, 1u);
  EXPECT_EQ(responses_with_data, 52u);
}

TEST_F(ApduScriptsTest, FlaggedExchangeYieldsDiagnosticsNotACrash) {
  const Exchange* flagged = nullptr;
  for (const Exchange& exchange : exchanges_) {
    if (exchange.json->find("declared_r_len") != nullptr) {
      ASSERT_EQ(flagged, nullptr) << "more than one flagged exchange";
      flagged = &exchange;
    }
  }
  ASSERT_NE(flagged, nullptr);
  EXPECT_EQ(flagged->script, "test_select_app7");
  EXPECT_EQ(flagged->json->find("declared_r_len")->asInt(), 51);

  // As recorded, the response carries 95 data bytes + SW, not the 51 declared.
  const Bytes full = hexBytes(flagged->field("r_apdu"));
  EXPECT_EQ(full.size(), 97u);
  const ResponseApdu recorded = *ResponseApdu::parse(full);
  EXPECT_NE(recorded.data.size() + 2, 51u);
  EXPECT_TRUE(decodeTlv(recorded.data).ok());

  // As the emulated reader delivered it: the first 51 bytes, so the last two are taken as SW
  // and every template is cut short.
  const Bytes emulated = hexBytes(flagged->field("r_apdu_as_emulated"));
  ASSERT_EQ(emulated.size(), 51u);
  const Result<ResponseApdu> response = ResponseApdu::parse(emulated);
  ASSERT_TRUE(response.isOk());
  EXPECT_EQ(response->sw1sw2, 0x6487);
  EXPECT_EQ(response->describe(), "6487 Unknown status, 49 bytes");
  const TlvDecodeResult decoded = decodeTlv(response->data);
  ASSERT_EQ(decoded.diagnostics.size(), 3u);
  EXPECT_EQ(decoded.diagnostics[0].offset, 0u);
  EXPECT_EQ(decoded.diagnostics[0].message,
            "byte 0: tag 6F declares 93 value bytes but only 47 remain; kept 47");
  EXPECT_EQ(decoded.diagnostics[1].offset, 11u);
  EXPECT_EQ(decoded.diagnostics[1].message,
            "byte 11: tag A5 declares 82 value bytes but only 36 remain; kept 36");
  EXPECT_EQ(decoded.diagnostics[2].offset, 31u);
  EXPECT_EQ(decoded.diagnostics[2].message,
            "byte 31: tag 9F12 declares 16 value bytes but only 15 remain; kept 15");
  // The partial tree still has what arrived: 84 DF name and 50 label.
  const TlvNode* df_name = findTlv(decoded.nodes, 0x84);
  ASSERT_NE(df_name, nullptr);
  EXPECT_EQ(toHex(df_name->value), "A0000000041010");
  const TlvNode* label = findTlv(decoded.nodes, 0x50);
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(asString(label->value), "DEBIT MASTERCARD");
}

TEST_F(ApduScriptsTest, PseRecordsYieldTheirApplicationEntries) {
  // test_pse_app_not_supported et al.: READ RECORD of the PSE directory returns 70{61{4F,50,87..}}.
  std::size_t directory_records = 0;
  for (const Exchange& exchange : exchanges_) {
    const Bytes bytes = hexBytes(exchange.field("r_apdu"));
    if (bytes.size() < 2 || exchange.field("c_apdu").rfind("00B2", 0) != 0) continue;
    const ResponseApdu response = *ResponseApdu::parse(bytes);
    const TlvDecodeResult decoded = decodeTlv(response.data);
    if (!decoded.ok() || decoded.nodes.empty() || decoded.nodes[0].findChild(0x61) == nullptr) {
      continue;
    }
    ++directory_records;
    for (const TlvNode& entry : decoded.nodes[0].children) {
      if (entry.tag != 0x61) continue;
      const TlvNode* aid = entry.findChild(0x4F);
      ASSERT_NE(aid, nullptr) << exchange.where();
      EXPECT_GE(aid->value.size(), 5u);
      EXPECT_LE(aid->value.size(), 16u);
    }
  }
  EXPECT_EQ(directory_records, 12u);
}

}  // namespace
}  // namespace posim::emv
