#include "posim/emv/cvm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace posim::emv {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CvmListTest, ParsesATypicalOnlinePinSignatureNoCvmList) {
  auto list = parseCvmList(hexBytes("000000000000000042031E031F03"));
  ASSERT_TRUE(list.isOk()) << list.status().toString();
  EXPECT_EQ(list->amount_x, 0u);
  EXPECT_EQ(list->amount_y, 0u);
  EXPECT_THAT(list->rules, ElementsAre(CvRule{0x42, 0x03}, CvRule{0x1E, 0x03}, CvRule{0x1F, 0x03}));
  EXPECT_THAT(list->diagnostics, IsEmpty());

  const CvRule& online_pin = list->rules[0];
  EXPECT_EQ(online_pin.code(), static_cast<std::uint8_t>(CvmCode::kEncipheredPinOnline));
  EXPECT_TRUE(online_pin.applySucceedingRuleIfUnsuccessful());
  EXPECT_EQ(online_pin.condition, static_cast<std::uint8_t>(CvmCondition::kTerminalSupportsCvm));
  EXPECT_EQ(online_pin.describe(),
            "42 03 Enciphered PIN verified online; If terminal supports the CVM; apply "
            "succeeding rule if unsuccessful");
  EXPECT_FALSE(list->rules[1].applySucceedingRuleIfUnsuccessful());
  EXPECT_EQ(list->rules[1].describe(),
            "1E 03 Signature (paper); If terminal supports the CVM; fail cardholder "
            "verification if unsuccessful");
  EXPECT_EQ(list->rules[2].describe(),
            "1F 03 No CVM required; If terminal supports the CVM; fail cardholder verification "
            "if unsuccessful");
}

TEST(CvmListTest, ReadsAmountsXAndY) {
  auto list = parseCvmList(hexBytes("000003E8000007D0410644075E031F00"));
  ASSERT_TRUE(list.isOk());
  EXPECT_EQ(list->amount_x, 1000u);
  EXPECT_EQ(list->amount_y, 2000u);
  ASSERT_EQ(list->rules.size(), 4u);
  EXPECT_EQ(list->rules[0].describe(),
            "41 06 Plaintext PIN verification performed by ICC; If transaction is in the "
            "application currency and is under X value; apply succeeding rule if unsuccessful");
  EXPECT_EQ(list->rules[1].code(), 0x04);
  EXPECT_EQ(cvmConditionName(list->rules[1].condition),
            "If transaction is in the application currency and is over X value");
  EXPECT_TRUE(cvmConditionUsesAmount(list->rules[1].condition));
  EXPECT_FALSE(cvmConditionUsesAmount(list->rules[3].condition));
  EXPECT_EQ(encodeCvmList(*list), hexBytes("000003E8000007D0410644075E031F00"));
}

TEST(CvmListTest, ReportsBadLengthsWithOffsets) {
  const CvmList too_short = decodeCvmList(hexBytes("000000"));
  EXPECT_THAT(too_short.rules, IsEmpty());
  ASSERT_EQ(too_short.diagnostics.size(), 1u);
  EXPECT_EQ(too_short.diagnostics[0].offset, 0u);
  EXPECT_EQ(too_short.diagnostics[0].message,
            "byte 0: only 3 bytes, too short for amounts X and Y (4 bytes each); no rules decoded");

  const CvmList odd = decodeCvmList(hexBytes("0000000000000000420301"));
  EXPECT_THAT(odd.rules, ElementsAre(CvRule{0x42, 0x03}));
  ASSERT_EQ(odd.diagnostics.size(), 1u);
  EXPECT_EQ(odd.diagnostics[0].offset, 10u);
  EXPECT_EQ(odd.diagnostics[0].message,
            "byte 10: 1 byte left over after the last CV rule (rules are 2 bytes); ignored");

  const CvmList empty_rules = decodeCvmList(hexBytes("0000000000000000"));
  ASSERT_EQ(empty_rules.diagnostics.size(), 1u);
  EXPECT_EQ(empty_rules.diagnostics[0].message, "byte 8: CVM list has no CV rules");

  const CvmList rfu = decodeCvmList(hexBytes("0000000000000000C2031F00"));
  EXPECT_EQ(rfu.rules.size(), 2u);
  ASSERT_EQ(rfu.diagnostics.size(), 1u);
  EXPECT_EQ(rfu.diagnostics[0].message, "byte 8: CV rule C203 has the RFU bit b8 set");

  auto strict = parseCvmList(hexBytes("000000"));
  ASSERT_FALSE(strict.isOk());
  EXPECT_EQ(strict.status().code(), StatusCode::kMalformed);
  EXPECT_EQ(strict.status().message(),
            "CVM list (8E): byte 0: only 3 bytes, too short for amounts X and Y (4 bytes each); "
            "no rules decoded");
}

TEST(CvmListTest, NamesMethodsAndConditions) {
  EXPECT_EQ(cvmCodeName(0x00), "Fail CVM processing");
  EXPECT_EQ(cvmCodeName(0x01), "Plaintext PIN verification performed by ICC");
  EXPECT_EQ(cvmCodeName(0x42), "Enciphered PIN verified online");  // b7 is ignored
  EXPECT_EQ(cvmCodeName(0x05),
            "Enciphered PIN verification performed by ICC and signature (paper)");
  EXPECT_EQ(cvmCodeName(0x1F), "No CVM required");
  EXPECT_EQ(cvmCodeName(0x06), "RFU");
  EXPECT_EQ(cvmCodeName(0x25), "Reserved for use by the individual payment systems");
  EXPECT_EQ(cvmCodeName(0x35), "Reserved for use by the issuer");
  EXPECT_EQ(cvmCodeShortName(0x02), "online PIN");
  EXPECT_EQ(cvmCodeShortName(0x1E), "signature");
  EXPECT_TRUE(isRecognisedCvmCode(0x1E));
  EXPECT_FALSE(isRecognisedCvmCode(0x06));
  EXPECT_FALSE(isRecognisedCvmCode(0x3F));

  EXPECT_EQ(cvmConditionName(0x00), "Always");
  EXPECT_EQ(cvmConditionName(0x01), "If unattended cash");
  EXPECT_EQ(cvmConditionName(0x02),
            "If not unattended cash and not manual cash and not purchase with cashback");
  EXPECT_EQ(cvmConditionName(0x05), "If purchase with cashback");
  EXPECT_EQ(cvmConditionName(0x09),
            "If transaction is in the application currency and is over Y value");
  EXPECT_EQ(cvmConditionName(0x0A), "RFU");
  EXPECT_EQ(cvmConditionName(0x80), "Reserved for use by individual payment systems");
}

TEST(CvmResultsTest, DecodesResults) {
  auto online = CvmResults::parse(hexBytes("420302"));
  ASSERT_TRUE(online.isOk());
  EXPECT_EQ(online->code(), 0x02);
  EXPECT_EQ(online->describe(),
            "Enciphered PIN verified online; If terminal supports the CVM; successful");

  auto signature = CvmResults::parse(hexBytes("1E0300"));
  ASSERT_TRUE(signature.isOk());
  EXPECT_EQ(signature->describe(), "Signature (paper); If terminal supports the CVM; unknown");

  auto failed = CvmResults::parse(hexBytes("010001"));
  ASSERT_TRUE(failed.isOk());
  EXPECT_EQ(failed->describe(), "Plaintext PIN verification performed by ICC; Always; failed");

  auto none = CvmResults::parse(hexBytes("3F0000"));
  ASSERT_TRUE(none.isOk());
  EXPECT_TRUE(none->nonePerformed());
  EXPECT_EQ(none->describe(), "No CVM performed");
  EXPECT_EQ(CvmResults::noCvmPerformed().toBytes(), hexBytes("3F0000"));
  EXPECT_EQ(cvmResultName(0x07), "RFU");

  auto wrong = CvmResults::parse(hexBytes("4203"));
  ASSERT_FALSE(wrong.isOk());
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().message(), "CVM results (9F34): 2 bytes, expected 3");
}

}  // namespace
}  // namespace posim::emv
