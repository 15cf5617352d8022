#include <gtest/gtest.h>

#include "posim/emv/crypto/mac.h"

#include "crypto_vectors.h"

namespace posim::emv::crypto {
namespace {

using test::field;
using test::hexField;

TEST(CryptoMacTest, EveryIso9797Vector) {
  int count = 0;
  for (const Json& c : test::vectorCases("mac_iso9797_1.json")) {
    SCOPED_TRACE(field(c, "id"));
    const bool alg1 = field(c, "algorithm").find("alg 1") != std::string::npos;
    const MacAlgorithm alg = alg1 ? MacAlgorithm::kAlgorithm1 : MacAlgorithm::kAlgorithm3;
    const Bytes key =
        alg1 ? hexField(c, "key") : concat(hexField(c, "key"), hexField(c, "key_prime"));
    auto padding = parseMacPadding(field(c, "padding_method"));
    ASSERT_TRUE(padding.isOk()) << padding.status().toString();
    const Bytes data = hexField(c, "data");

    EXPECT_EQ(toHex(padIso9797(data, *padding)), field(c, "padded_data"));
    auto mac8 = computeMac(alg, key, data, *padding);
    ASSERT_TRUE(mac8.isOk()) << mac8.status().toString();
    EXPECT_EQ(toHex(*mac8), field(c, "mac8"));
    auto mac4 = computeMac(alg, key, data, *padding, 4);
    ASSERT_TRUE(mac4.isOk());
    EXPECT_EQ(toHex(*mac4), field(c, "mac4"));

    auto good = verifyMac(alg, key, data, *padding, *mac4);
    ASSERT_TRUE(good.isOk());
    EXPECT_TRUE(*good);
    Bytes wrong = *mac8;
    wrong[7] ^= 0x01;
    auto bad = verifyMac(alg, key, data, *padding, wrong);
    ASSERT_TRUE(bad.isOk());
    EXPECT_FALSE(*bad);
    ++count;
  }
  EXPECT_EQ(count, 38);
}

TEST(CryptoMacTest, Algorithm3EqualsAlgorithm1WhenBothKeysAreTheSame) {
  // With K' = K the final D(K') E(K) cancels out: a plain single-DES CBC-MAC.
  const Bytes k = hexBytes("0123456789ABCDEF");
  const Bytes data = hexBytes("000102030405060708090A0B0C0D0E0F1011");
  auto a1 = macAlgorithm1(k, data, MacPadding::kMethod2);
  auto a3 = macAlgorithm3(concat(k, k), data, MacPadding::kMethod2);
  ASSERT_TRUE(a1.isOk() && a3.isOk());
  EXPECT_EQ(*a1, *a3);
}

TEST(CryptoMacTest, PaddingEdgeCases) {
  EXPECT_EQ(toHex(padIso9797({}, MacPadding::kMethod1)), "0000000000000000");
  EXPECT_EQ(toHex(padIso9797({}, MacPadding::kMethod2)), "8000000000000000");
  EXPECT_EQ(toHex(padIso9797(hexBytes("0102030405060708"), MacPadding::kMethod1)),
            "0102030405060708");
  EXPECT_EQ(toHex(padIso9797(hexBytes("0102030405060708"), MacPadding::kMethod2)),
            "01020304050607088000000000000000");
  EXPECT_EQ(padIso9797(hexBytes("01"), MacPadding::kMethod2, 16).size(), 16u);
}

TEST(CryptoMacTest, RejectsBadArgumentsNamingThem) {
  auto short_key = macAlgorithm3(Bytes(15), {}, MacPadding::kMethod1);
  ASSERT_FALSE(short_key.isOk());
  EXPECT_EQ(short_key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(short_key.status().message(), "key: 15 bytes, expected 16");
  auto alg1_key = macAlgorithm1(Bytes(12), {}, MacPadding::kMethod1);
  ASSERT_FALSE(alg1_key.isOk());
  EXPECT_EQ(alg1_key.status().message(), "key: 12 bytes, expected 8, 16 or 24");
  EXPECT_FALSE(macAlgorithm1(Bytes(8), {}, MacPadding::kMethod1, 3).isOk());
  EXPECT_FALSE(macAlgorithm1(Bytes(8), {}, MacPadding::kMethod1, 9).isOk());
  EXPECT_FALSE(parseMacPadding("3").isOk());
  EXPECT_FALSE(parseMacAlgorithm("2").isOk());
  EXPECT_EQ(*parseMacAlgorithm("3"), MacAlgorithm::kAlgorithm3);
  auto bad_mac = verifyMac(MacAlgorithm::kAlgorithm1, Bytes(8), {}, MacPadding::kMethod1, Bytes(2));
  EXPECT_FALSE(bad_mac.isOk());
}

TEST(CryptoMacTest, KeysNeverAppearInErrors) {
  const Bytes key = hexBytes("0123456789ABCDEFFEDCBA98765432");  // 15 bytes
  auto r = macAlgorithm3(key, hexBytes("00"), MacPadding::kMethod1);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message().find("0123"), std::string::npos);
}

TEST(CryptoMacTest, AesCmacRfc4493) {
  // RFC 4493 §4 examples (NIST SP 800-38B D.1).
  const Bytes key = hexBytes("2B7E151628AED2A6ABF7158809CF4F3C");
  auto empty = cmac(BlockCipher::kAes, key, {});
  ASSERT_TRUE(empty.isOk()) << empty.status().toString();
  EXPECT_EQ(toHex(*empty), "BB1D6929E95937287FA37D129B756746");
  auto one = cmac(BlockCipher::kAes, key, hexBytes("6BC1BEE22E409F96E93D7E117393172A"));
  ASSERT_TRUE(one.isOk());
  EXPECT_EQ(toHex(*one), "070A16B46B4D4144F79BDD9DD04A287C");
  auto four = cmac(BlockCipher::kAes, key,
                   hexBytes("6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51"
                            "30C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710"));
  ASSERT_TRUE(four.isOk());
  EXPECT_EQ(toHex(*four), "51F0BEBF7E3B9D92FC49741779363CFE");
  auto truncated = cmac(BlockCipher::kAes, key, {}, 8);
  ASSERT_TRUE(truncated.isOk());
  EXPECT_EQ(toHex(*truncated), "BB1D6929E9593728");
}

TEST(CryptoMacTest, TdesCmacDoubleLengthKeyIsK1K2K1) {
  const Bytes k16 = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  const Bytes k24 = concat(k16, hexBytes("0123456789ABCDEF"));
  const Bytes data = hexBytes("6BC1BEE22E409F96E93D7E117393172A");
  auto a = cmac(BlockCipher::kTdes, k16, data);
  auto b = cmac(BlockCipher::kTdes, k24, data);
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(a->size(), 8u);
  EXPECT_EQ(*a, *b);
  EXPECT_FALSE(cmac(BlockCipher::kDes, Bytes(8), data).isOk());
  EXPECT_FALSE(cmac(BlockCipher::kAes, Bytes(20), data).isOk());
}

}  // namespace
}  // namespace posim::emv::crypto
