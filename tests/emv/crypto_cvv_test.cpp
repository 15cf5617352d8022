#include <gtest/gtest.h>

#include "posim/emv/crypto/card_verification.h"
#include "posim/emv/crypto/key_derivation.h"

#include "crypto_vectors.h"

namespace posim::emv::crypto {
namespace {

using test::field;
using test::hexField;

TEST(CryptoCvvTest, EveryCardVerificationVector) {
  int count = 0;
  for (const Json& c : test::vectorCases("cvv.json")) {
    SCOPED_TRACE(field(c, "id"));
    if (field(c, "type").find("CVC3") != std::string::npos) {
      auto key = deriveIccMasterKey(hexField(c, "imk_cvc3"), field(c, "pan"), field(c, "psn"));
      ASSERT_TRUE(key.isOk()) << key.status().toString();
      EXPECT_EQ(toHex(key->key), field(c, "icc_cvc3_key"));
      auto cvc3 = computeCvc3(hexField(c, "icc_cvc3_key"), hexField(c, "track2_template"),
                              hexField(c, "un"), hexField(c, "atc"));
      ASSERT_TRUE(cvc3.isOk()) << cvc3.status().toString();
      EXPECT_EQ(toHex(cvc3->iv_cvc3), field(c, "iv_cvc3"));
      EXPECT_EQ(toHex(cvc3->block), field(c, "block"));
      EXPECT_EQ(cvc3->digits, field(c, "cvc3_5_digits"));
      ++count;
      continue;
    }
    const Bytes cvk = concat(hexField(c, "cvk_a"), hexField(c, "cvk_b"));
    auto cvv = computeCvv(cvk, field(c, "pan"), field(c, "expiry_yymm"), field(c, "service_code"));
    ASSERT_TRUE(cvv.isOk()) << cvv.status().toString();
    EXPECT_EQ(toHex(cvv->block1), field(c, "block1"));
    EXPECT_EQ(toHex(cvv->block2), field(c, "block2"));
    EXPECT_EQ(cvv->digits, field(c, "cvv"));
    auto ok = verifyCvv(cvk, field(c, "pan"), field(c, "expiry_yymm"), field(c, "service_code"),
                        field(c, "cvv"));
    ASSERT_TRUE(ok.isOk());
    EXPECT_TRUE(*ok);
    ++count;
  }
  EXPECT_EQ(count, 7);
}

TEST(CryptoCvvTest, Cvv2AndIcvvUseTheirServiceCodes) {
  const Bytes cvk = hexBytes("1C2D3E4F5A6B7C8D8D7C6B5A4F3E2D1C");
  auto icvv = computeIcvv(cvk, "4761739001010010", "2812");
  ASSERT_TRUE(icvv.isOk());
  EXPECT_EQ(icvv->digits, "857");  // cvv.json CVV-05
  auto cvv2 = computeCvv2(cvk, "4761739001010010", "2812");
  auto explicit000 = computeCvv(cvk, "4761739001010010", "2812", "000");
  ASSERT_TRUE(cvv2.isOk() && explicit000.isOk());
  EXPECT_EQ(cvv2->digits, explicit000->digits);
  auto wrong = verifyCvv(cvk, "4761739001010010", "2812", "999", "858");
  ASSERT_TRUE(wrong.isOk());
  EXPECT_FALSE(*wrong);
  auto longer = computeCvv(cvk, "4761739001010010", "2812", "201", 5);
  ASSERT_TRUE(longer.isOk());
  EXPECT_EQ(longer->digits.size(), 5u);
  EXPECT_EQ(longer->digits.substr(0, 3), "893");  // cvv.json CVV-03
}

TEST(CryptoCvvTest, RejectsBadArgumentsNamingThem) {
  const Bytes cvk = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  EXPECT_EQ(computeCvv(Bytes(8), "4123456789012345", "8701", "101").status().message(),
            "cvk: 8 bytes, expected 16");
  EXPECT_EQ(computeCvv(cvk, "41234567890123X5", "8701", "101").status().message(),
            "pan: only digits allowed");
  EXPECT_EQ(computeCvv(cvk, "4123456789012345", "870", "101").status().message(),
            "expiry: 3 digits, expected 4");
  EXPECT_EQ(computeCvv(cvk, "4123456789012345", "8701", "10").status().message(),
            "service-code: 2 digits, expected 3");
  EXPECT_FALSE(computeCvc3(cvk, {}, hexBytes("00000899"), hexBytes("005E")).isOk());
  EXPECT_FALSE(computeCvc3(cvk, hexBytes("51"), hexBytes("0899"), hexBytes("005E")).isOk());
}

}  // namespace
}  // namespace posim::emv::crypto
