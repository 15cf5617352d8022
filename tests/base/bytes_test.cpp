#include "posim/base/bytes.h"

#include <gtest/gtest.h>

namespace posim {
namespace {

TEST(HexTest, RoundTrip) {
  const Bytes b = {0x9F, 0x02, 0x06, 0x00, 0xAB};
  EXPECT_EQ(toHex(b), "9F020600AB");
  EXPECT_EQ(*fromHex("9f020600ab"), b);
  EXPECT_EQ(*fromHex("9F 02 06\n00 AB"), b);
  EXPECT_TRUE(fromHex("")->empty());
}

TEST(HexTest, ErrorsNameTheOffset) {
  auto odd = fromHex("9F0");
  ASSERT_FALSE(odd.isOk());
  EXPECT_NE(odd.status().message().find("odd number"), std::string::npos);
  EXPECT_NE(odd.status().message().find("character 2"), std::string::npos);
  auto bad = fromHex("9G");
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("'G' at character 1"), std::string::npos);
  EXPECT_FALSE(fromHex("9 F").isOk());
}

TEST(BigEndianTest, ReadWrite) {
  EXPECT_EQ(readBigEndian(hexBytes("0102")), 0x0102u);
  EXPECT_EQ(toHex(writeBigEndian(0x0102, 4)), "00000102");
  EXPECT_EQ(toHex(writeBigEndian(0x1234567890, 3)), "567890");
  EXPECT_EQ(readBigEndian({}), 0u);
}

TEST(BcdTest, DigitsAndBack) {
  EXPECT_EQ(toHex(*digitsToBcd("000000012345")), "000000012345");
  EXPECT_EQ(toHex(*digitsToBcd("156")), "0156");
  EXPECT_EQ(*bcdToDigits(hexBytes("4761739001010010")), "4761739001010010");
  EXPECT_EQ(*bcdToDigits(hexBytes("5413330089FFFF")), "5413330089");
  EXPECT_FALSE(digitsToBcd("12a4").isOk());
  auto bad = bcdToDigits(hexBytes("12A4"));
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("byte offset 1"), std::string::npos);
}

TEST(BytesTest, XorConcatAscii) {
  EXPECT_EQ(toHex(xorBytes(hexBytes("F0F0"), hexBytes("0FF0"))), "FF00");
  EXPECT_EQ(toHex(concat(hexBytes("01"), hexBytes("0203"))), "010203");
  EXPECT_EQ(printableAscii(hexBytes("56495341000A")), "VISA..");
  EXPECT_TRUE(isDigits("0123"));
  EXPECT_FALSE(isDigits(""));
  EXPECT_FALSE(isDigits("12 3"));
}

}  // namespace
}  // namespace posim
