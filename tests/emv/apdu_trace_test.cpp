#include "posim/emv/apdu_trace.h"

#include <gtest/gtest.h>

namespace posim::emv {
namespace {

TEST(ApduTraceTest, VerifyNeverShowsThePinBlock) {
  // VERIFY plaintext PIN, format 2 block for PIN 1234.
  const Bytes verify = hexBytes("0020008008241234FFFFFFFFFF");
  const std::string hex = redactedCommandHex(verify);
  EXPECT_EQ(hex, "0020008008****************");
  EXPECT_EQ(hex.find("1234"), std::string::npos);
  EXPECT_EQ(redactedCommandHex(hexBytes("00B2010C00")), "00B2010C00");
}

TEST(ApduTraceTest, ResponsesMaskPansAndTrackData) {
  const Bytes record =
      hexBytes("701D5A08476173900101001057114761739001010010D281220112345678909000");
  const std::string hex = redactedResponseHex(record);
  EXPECT_EQ(hex.find("4761739001010010"), std::string::npos) << hex;
  EXPECT_NE(hex.find("5A08476173******0010"), std::string::npos) << hex;
  EXPECT_NE(hex.find("5711476173******0010D2812201**********"), std::string::npos) << hex;
  EXPECT_EQ(hex.size(), record.size() * 2);
  EXPECT_EQ(hex.substr(hex.size() - 4), "9000");
}

TEST(ApduTraceTest, ExchangeShowsNameStatusAndDecodedTree) {
  const std::string text =
      formatApduExchange(hexBytes("00B2010C00"),
                         hexBytes("701D5A08476173900101001057114761739001010010D2812201123456789"
                                  "09000"));
  EXPECT_NE(text.find("> 00B2010C00  READ RECORD"), std::string::npos) << text;
  EXPECT_NE(text.find("Success"), std::string::npos) << text;
  EXPECT_NE(text.find("5A Application Primary Account Number (PAN)"), std::string::npos) << text;
  EXPECT_EQ(text.find("4761739001010010"), std::string::npos) << text;
  EXPECT_NE(formatApduExchange(hexBytes("00A4040000"), {}).find("(no response)"),
            std::string::npos);
}

}  // namespace
}  // namespace posim::emv
