#include "posim/emv/crypto/cipher.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace posim::emv::crypto {
namespace {

TEST(CipherTest, DesFipsKnownAnswer) {
  // FIPS 81 / classic DES example: key 0123456789ABCDEF, "Now is t".
  auto out = encrypt(BlockCipher::kDes, CipherMode::kEcb, hexBytes("0123456789ABCDEF"),
                     hexBytes("4E6F772069732074"));
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  EXPECT_EQ(toHex(*out), "3FA40E8A984D4815");
}

TEST(CipherTest, TdesDoubleLengthRoundTripAndKcv) {
  const Bytes key = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  auto kcv = keyCheckValue(key);
  ASSERT_TRUE(kcv.isOk());
  EXPECT_EQ(toHex(*kcv).substr(0, 6), "08D7B4");
  const Bytes data = hexBytes("00112233445566778899AABBCCDDEEFF");
  for (CipherMode mode : {CipherMode::kEcb, CipherMode::kCbc}) {
    auto enc = encrypt(BlockCipher::kTdes, mode, key, data);
    ASSERT_TRUE(enc.isOk());
    EXPECT_NE(*enc, data);
    EXPECT_EQ(*decrypt(BlockCipher::kTdes, mode, key, *enc), data);
  }
}

TEST(CipherTest, AesFips197KnownAnswer) {
  auto out =
      encrypt(BlockCipher::kAes, CipherMode::kEcb, hexBytes("000102030405060708090A0B0C0D0E0F"),
              hexBytes("00112233445566778899AABBCCDDEEFF"));
  ASSERT_TRUE(out.isOk());
  EXPECT_EQ(toHex(*out), "69C4E0D86A7B0430D8CDB78070B4C55A");
}

TEST(CipherTest, RejectsBadKeysAndPartialBlocks) {
  EXPECT_FALSE(encrypt(BlockCipher::kTdes, CipherMode::kEcb, hexBytes("0011"), Bytes(8)).isOk());
  EXPECT_FALSE(encrypt(BlockCipher::kAes, CipherMode::kEcb, Bytes(20), Bytes(16)).isOk());
  auto partial = encrypt(BlockCipher::kTdes, CipherMode::kEcb, Bytes(16), Bytes(7));
  ASSERT_FALSE(partial.isOk());
  EXPECT_NE(partial.status().message().find("multiple"), std::string::npos);
  EXPECT_FALSE(encrypt(BlockCipher::kTdes, CipherMode::kCbc, Bytes(16), Bytes(8), Bytes(4)).isOk());
  EXPECT_FALSE(keyCheckValue(Bytes(15)).isOk());
}

TEST(CipherTest, OddParity) {
  const Bytes fixed = withOddParity(hexBytes("0022446688AACCEE"));
  EXPECT_EQ(toHex(fixed), "0123456789ABCDEF");
  EXPECT_TRUE(hasOddParity(fixed));
  EXPECT_FALSE(hasOddParity(hexBytes("0022")));
}

// Contexts are cached per thread and algorithm and re-keyed per call: interleaving algorithms,
// directions, keys and failing calls on several threads must give the same answers as a fresh
// computation.
TEST(CipherTest, ReusedContextsStayCorrectAcrossThreadsAndFailures) {
  const Bytes des_key = hexBytes("0123456789ABCDEF");
  const Bytes tdes_key = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  const Bytes aes_key = hexBytes("000102030405060708090A0B0C0D0E0F");
  const Bytes des_plain = hexBytes("4E6F772069732074");
  const Bytes aes_plain = hexBytes("00112233445566778899AABBCCDDEEFF");
  std::atomic<int> mismatches{0};
  auto work = [&](int seed) {
    for (int i = 0; i < 200; ++i) {
      switch ((i + seed) % 4) {
        case 0:
          if (toHex(*encrypt(BlockCipher::kDes, CipherMode::kEcb, des_key, des_plain)) !=
              "3FA40E8A984D4815") {
            ++mismatches;
          }
          break;
        case 1:
          if (toHex(*encrypt(BlockCipher::kAes, CipherMode::kEcb, aes_key, aes_plain)) !=
              "69C4E0D86A7B0430D8CDB78070B4C55A") {
            ++mismatches;
          }
          break;
        case 2: {
          auto enc = encrypt(BlockCipher::kTdes, CipherMode::kCbc, tdes_key, aes_plain);
          if (!enc.isOk() ||
              *decrypt(BlockCipher::kTdes, CipherMode::kCbc, tdes_key, *enc) != aes_plain) {
            ++mismatches;
          }
          break;
        }
        default:
          // A failing call (partial block) must not poison the thread's context.
          if (encrypt(BlockCipher::kTdes, CipherMode::kEcb, tdes_key, Bytes(7)).isOk()) {
            ++mismatches;
          }
          if (toHex(*keyCheckValue(tdes_key)).substr(0, 6) != "08D7B4") ++mismatches;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(work, t);
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace posim::emv::crypto
