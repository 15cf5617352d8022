#include <gtest/gtest.h>

#include "posim/base/random.h"
#include "posim/emv/crypto/pin_block.h"

#include "crypto_vectors.h"

namespace posim::emv::crypto {
namespace {

using test::field;
using test::has;
using test::hexField;

TEST(CryptoPinBlockTest, EveryPinBlockVector) {
  int count = 0;
  for (const Json& c : test::vectorCases("pinblocks.json")) {
    SCOPED_TRACE(field(c, "id"));
    auto format = parsePinBlockFormat(field(c, "format"));
    ASSERT_TRUE(format.isOk()) << format.status().toString();
    const std::string pin = field(c, "pin");
    const std::string pan = field(c, "pan");
    const std::string fill =
        has(c, "fill_digits_used") ? field(c, "fill_digits_used") : field(c, "random_pad_8_bytes");

    auto clear = buildClearPinBlock(*format, pin, pan, fill);
    ASSERT_TRUE(clear.isOk()) << clear.status().toString();
    if (has(c, "pin_field")) {
      EXPECT_EQ(toHex(clear->pin_field), field(c, "pin_field"));
    }
    if (has(c, "plain_pin_field")) {
      EXPECT_EQ(toHex(clear->pin_field), field(c, "plain_pin_field"));
    }
    if (has(c, "pan_field")) {
      EXPECT_EQ(toHex(clear->pan_field), field(c, "pan_field"));
    }
    if (has(c, "plain_pan_field")) {
      EXPECT_EQ(toHex(clear->pan_field), field(c, "plain_pan_field"));
    }
    if (has(c, "clear_pinblock")) {
      EXPECT_EQ(toHex(clear->block), field(c, "clear_pinblock"));
      auto back = extractPin(*format, clear->block, pan);
      ASSERT_TRUE(back.isOk()) << back.status().toString();
      EXPECT_EQ(*back, pin);
    }
    if (has(c, "verify_apdu_plaintext_offline_pin")) {
      // EMV Book 3 §6.5.12 VERIFY, P2 = 80 (plaintext PIN): 00 20 00 80 08 <format 2 block>.
      EXPECT_EQ("0020008008" + toHex(clear->block), field(c, "verify_apdu_plaintext_offline_pin"));
    }

    const std::string key_name = has(c, "zpk") ? "zpk" : "aes_key";
    const std::string enc_name = has(c, "encrypted_pinblock_tdes_ecb")
                                     ? "encrypted_pinblock_tdes_ecb"
                                     : "encrypted_pinblock";
    if (has(c, key_name) && has(c, enc_name)) {
      auto enc = encryptPinBlock(*format, hexField(c, key_name), pin, pan, fill);
      ASSERT_TRUE(enc.isOk()) << enc.status().toString();
      EXPECT_EQ(toHex(enc->block), field(c, enc_name));
      if (has(c, "intermediate_block_a")) {
        EXPECT_EQ(toHex(enc->intermediate_a), field(c, "intermediate_block_a"));
        EXPECT_EQ(toHex(enc->intermediate_b), field(c, "intermediate_block_b"));
      }
      auto pin_back = decryptPin(*format, hexField(c, key_name), enc->block, pan);
      ASSERT_TRUE(pin_back.isOk()) << pin_back.status().toString();
      EXPECT_EQ(*pin_back, pin);
    }
    ++count;
  }
  EXPECT_EQ(count, 11);
}

TEST(CryptoPinBlockTest, Format4WithTheX9243DukptPinKey) {
  // ANSI X9.24-3:2017 test vectors, format 4 PIN block under the AES DUKPT PIN keys of
  // transactions 1 and 2 (BDK FEDCBA9876543210F1F1F1F1F1F1F1F1, KSN 123456789012345600000001/2).
  struct Case {
    const char* key;
    const char* a;
    const char* b;
    const char* epb;
  };
  for (const Case& k :
       {Case{"AF8CB133A78F8DC2D1359F18527593FB", "DE84127CF6DCA7DFE47BDE89057CB820",
             "9A95036DE7CDB6CEF47BDE89057CB820", "A912150391AB65A67E52883D81CE2D15"},
        Case{"D30BDC73EC9714B000BEC66BDB7B6D09", "37489F3DB975A040CD1EEE9E68051A44",
             "73598E2CA864B151DD1EEE9E68051A44", "52A00503BD34BA1383F6A7EE9FE2547F"}}) {
    auto enc = encryptPinBlock(PinBlockFormat::kIso4, hexBytes(k.key), "1234", "4111111111111111",
                               "2F69ADDE2E9E7ACE");
    ASSERT_TRUE(enc.isOk()) << enc.status().toString();
    EXPECT_EQ(toHex(enc->clear.pin_field), "441234AAAAAAAAAA2F69ADDE2E9E7ACE");
    EXPECT_EQ(toHex(enc->clear.pan_field), "44111111111111111000000000000000");
    EXPECT_EQ(toHex(enc->intermediate_a), k.a);
    EXPECT_EQ(toHex(enc->intermediate_b), k.b);
    EXPECT_EQ(toHex(enc->block), k.epb);
  }
}

TEST(CryptoPinBlockTest, RandomFillIsDeterministicAndWellFormed) {
  const Bytes zpk = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  const Bytes aes = hexBytes("00112233445566778899AABBCCDDEEFF");
  for (PinBlockFormat format : {PinBlockFormat::kIso0, PinBlockFormat::kIso1, PinBlockFormat::kIso2,
                                PinBlockFormat::kIso3, PinBlockFormat::kIso4}) {
    SCOPED_TRACE(static_cast<int>(format));
    const ByteView key = format == PinBlockFormat::kIso4 ? ByteView(aes) : ByteView(zpk);
    SeededRandom r1(42);
    SeededRandom r2(42);
    auto a = encryptPinBlock(format, key, "98765", "5413330089020011", r1);
    auto b = encryptPinBlock(format, key, "98765", "5413330089020011", r2);
    ASSERT_TRUE(a.isOk() && b.isOk()) << a.status().toString();
    EXPECT_EQ(a->block, b->block);
    auto pin = decryptPin(format, key, a->block, "5413330089020011");
    ASSERT_TRUE(pin.isOk()) << pin.status().toString();
    EXPECT_EQ(*pin, "98765");
    if (format == PinBlockFormat::kIso3) {
      const std::string nibbles = toHex(a->clear.pin_field);
      for (char ch : nibbles.substr(7)) EXPECT_TRUE(ch >= 'A' && ch <= 'F') << nibbles;
    }
  }
  // Different seeds give different format 1 fill.
  SeededRandom r3(1);
  SeededRandom r4(2);
  auto x = buildClearPinBlock(PinBlockFormat::kIso1, "1234", "", r3);
  auto y = buildClearPinBlock(PinBlockFormat::kIso1, "1234", "", r4);
  ASSERT_TRUE(x.isOk() && y.isOk());
  EXPECT_NE(x->block, y->block);
}

TEST(CryptoPinBlockTest, IssuerDetectsWrongPanOrKey) {
  const Bytes zpk = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  auto enc = encryptPinBlock(PinBlockFormat::kIso0, zpk, "1234", "4111111111111111");
  ASSERT_TRUE(enc.isOk());
  EXPECT_EQ(toHex(enc->block), "2A3D408A1977DDE9");
  auto wrong_pan = decryptPin(PinBlockFormat::kIso0, zpk, enc->block, "4111111111111129");
  ASSERT_FALSE(wrong_pan.isOk());
  EXPECT_EQ(wrong_pan.status().code(), StatusCode::kMalformed);
  auto wrong_key = decryptPin(PinBlockFormat::kIso0, hexBytes("1C1C1C1C1C1C1C1C2A2A2A2A2A2A2A2A"),
                              enc->block, "4111111111111111");
  EXPECT_FALSE(wrong_key.isOk());
  const Bytes aes = hexBytes("00112233445566778899AABBCCDDEEFF");
  auto enc4 =
      encryptPinBlock(PinBlockFormat::kIso4, aes, "1234", "1234567890123456", "2F69ADDE2E9E7ACE");
  ASSERT_TRUE(enc4.isOk());
  EXPECT_FALSE(decryptPin(PinBlockFormat::kIso4, aes, enc4->block, "1234567890123457").isOk());
}

TEST(CryptoPinBlockTest, RejectsBadArgumentsNamingThem) {
  auto letters = buildClearPinBlock(PinBlockFormat::kIso0, "12a4", "4111111111111111");
  ASSERT_FALSE(letters.isOk());
  EXPECT_EQ(letters.status().message(), "pin: only digits allowed");
  EXPECT_EQ(buildClearPinBlock(PinBlockFormat::kIso0, "123", "4111111111111111").status().message(),
            "pin: 3 digits, expected 4 to 12");
  EXPECT_EQ(buildClearPinBlock(PinBlockFormat::kIso0, "1234", "").status().message(),
            "pan: required for PIN block format 0");
  EXPECT_EQ(
      buildClearPinBlock(PinBlockFormat::kIso0, "1234", "41111111111X1111").status().message(),
      "pan: only digits allowed");
  EXPECT_FALSE(buildClearPinBlock(PinBlockFormat::kIso1, "1234", "", "ABC").isOk());
  EXPECT_FALSE(
      buildClearPinBlock(PinBlockFormat::kIso3, "1234", "4111111111111111", "0123456789").isOk());
  EXPECT_FALSE(buildClearPinBlock(PinBlockFormat::kIso0, "1234", "4111111111111111", "FF").isOk());
  auto key = encryptPinBlock(PinBlockFormat::kIso0, Bytes(15), "1234", "4111111111111111");
  ASSERT_FALSE(key.isOk());
  EXPECT_EQ(key.status().message(), "key: 15 bytes, expected 16 or 24");
  EXPECT_FALSE(encryptPinBlock(PinBlockFormat::kIso4, Bytes(8), "1234", "4111111111111111",
                               "0000000000000000")
                   .isOk());
  EXPECT_FALSE(parsePinBlockFormat("5").isOk());
  EXPECT_EQ(*parsePinBlockFormat("4"), PinBlockFormat::kIso4);
  // The PIN never shows up in a message.
  auto bad = extractPin(PinBlockFormat::kIso2, hexBytes("2312345FFFFFFFFF"));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message().find("12345"), std::string::npos);
}

}  // namespace
}  // namespace posim::emv::crypto
