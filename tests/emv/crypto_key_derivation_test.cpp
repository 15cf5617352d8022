#include <gtest/gtest.h>

#include "posim/emv/crypto/cipher.h"
#include "posim/emv/crypto/key_derivation.h"

#include "crypto_vectors.h"

namespace posim::emv::crypto {
namespace {

using test::field;
using test::hexField;

TEST(CryptoKeyDerivationTest, EveryIccMasterKeyVector) {
  int count = 0;
  for (const Json& c : test::vectorCases("emv_icc_master_key.json")) {
    SCOPED_TRACE(field(c, "id"));
    const IccMkOption option = field(c, "method").find("option B") != std::string::npos
                                   ? IccMkOption::kB
                                   : IccMkOption::kA;
    auto mk = deriveIccMasterKey(option, hexField(c, "imk"), field(c, "pan"), field(c, "psn"));
    ASSERT_TRUE(mk.isOk()) << mk.status().toString();
    EXPECT_EQ(toHex(mk->y), field(c, "y"));
    EXPECT_EQ(toHex(mk->key_no_parity), field(c, "icc_mk_raw_no_parity"));
    EXPECT_EQ(toHex(mk->key), field(c, "icc_mk"));
    EXPECT_TRUE(hasOddParity(mk->key));
    auto kcv = keyCheckValue(mk->key);
    ASSERT_TRUE(kcv.isOk());
    EXPECT_EQ(toHex(*kcv).substr(0, 6), field(c, "icc_mk_kcv"));
    auto imk_kcv = keyCheckValue(hexField(c, "imk"));
    ASSERT_TRUE(imk_kcv.isOk());
    EXPECT_EQ(toHex(*imk_kcv).substr(0, 6), field(c, "imk_kcv"));

    // The automatic choice (by PAN length, as `posim crypto derive-mk`) agrees whenever the
    // vector's option is the one Book 2 A1.4 prescribes for that PAN.
    if ((field(c, "pan").size() > 16) == (option == IccMkOption::kB)) {
      auto automatic = deriveIccMasterKey(hexField(c, "imk"), field(c, "pan"), field(c, "psn"));
      ASSERT_TRUE(automatic.isOk());
      EXPECT_EQ(toHex(automatic->key), field(c, "icc_mk"));
      EXPECT_EQ(automatic->option, option);
    }
    ++count;
  }
  EXPECT_EQ(count, 8);
}

TEST(CryptoKeyDerivationTest, OptionBFallsBackToOptionAForShortPans) {
  const Bytes imk = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  auto a = deriveIccMasterKey(IccMkOption::kA, imk, "4761739001010010", "00");
  auto b = deriveIccMasterKey(IccMkOption::kB, imk, "4761739001010010", "00");
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(b->option, IccMkOption::kA);
  EXPECT_EQ(a->key, b->key);
}

TEST(CryptoKeyDerivationTest, PsnDefaultsAndPadding) {
  const Bytes imk = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  auto with00 = deriveIccMasterKey(imk, "4761739001010010", "00");
  auto empty = deriveIccMasterKey(imk, "4761739001010010", "");
  auto one = deriveIccMasterKey(imk, "4761739001010010", "0");
  ASSERT_TRUE(with00.isOk() && empty.isOk() && one.isOk());
  EXPECT_EQ(with00->key, empty->key);
  EXPECT_EQ(with00->key, one->key);
}

TEST(CryptoKeyDerivationTest, EverySessionKeyVector) {
  int count = 0;
  for (const Json& c : test::vectorCases("emv_session_keys.json")) {
    const std::string id = field(c, "id");
    SCOPED_TRACE(id);
    const std::string method = field(c, "method");
    const Bytes mk = hexField(c, "icc_mk");
    if (method == "VISA_SM") {
      auto sk = deriveVisaSecureMessagingKey(mk, hexField(c, "atc"));
      ASSERT_TRUE(sk.isOk()) << sk.status().toString();
      EXPECT_EQ(toHex(*sk), field(c, "sk"));
      EXPECT_EQ(toHex(*keyCheckValue(*sk)).substr(0, 6), field(c, "sk_kcv"));
      ++count;
      continue;
    }
    Result<SessionKey> sk = invalidArgument("unknown method " + method);
    if (method == "EMV_CSK_AC") {
      sk = deriveSessionKey(SessionKeyMethod::kEmvCsk, mk, hexField(c, "atc"));
    } else if (method == "MASTERCARD_SKD") {
      sk = deriveSessionKey(SessionKeyMethod::kMastercardSkd, mk, hexField(c, "atc"),
                            hexField(c, "un"));
    } else if (method == "EMV_CSK_SM") {
      sk = deriveSecureMessagingSessionKey(mk, hexField(c, "arqc"));
    }
    ASSERT_TRUE(sk.isOk()) << sk.status().toString();
    EXPECT_EQ(toHex(sk->r), field(c, "r"));
    EXPECT_EQ(toHex(sk->r_left), field(c, "r_left"));
    EXPECT_EQ(toHex(sk->r_right), field(c, "r_right"));
    EXPECT_EQ(toHex(sk->key_no_parity), field(c, "sk_raw_no_parity"));
    EXPECT_EQ(toHex(sk->key), field(c, "sk"));
    EXPECT_EQ(toHex(*keyCheckValue(sk->key)).substr(0, 6), field(c, "sk_kcv"));
    ++count;
  }
  EXPECT_EQ(count, 8);
}

TEST(CryptoKeyDerivationTest, ParsesSessionKeyMethods) {
  EXPECT_EQ(*parseSessionKeyMethod("emv-csk"), SessionKeyMethod::kEmvCsk);
  EXPECT_EQ(*parseSessionKeyMethod("mc-skd"), SessionKeyMethod::kMastercardSkd);
  auto bad = parseSessionKeyMethod("visa");
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("method"), std::string::npos);
  EXPECT_EQ(sessionKeyMethodName(SessionKeyMethod::kMastercardSkd), "mc-skd");
}

TEST(CryptoKeyDerivationTest, RejectsBadArgumentsNamingThem) {
  const Bytes imk = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  auto letters = deriveIccMasterKey(imk, "47617390010100AB", "00");
  ASSERT_FALSE(letters.isOk());
  EXPECT_EQ(letters.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(letters.status().message(), "pan: only digits allowed");
  auto short_pan = deriveIccMasterKey(imk, "47617390", "00");
  ASSERT_FALSE(short_pan.isOk());
  EXPECT_EQ(short_pan.status().message(), "pan: 8 digits, expected 12 to 19");
  auto psn = deriveIccMasterKey(imk, "4761739001010010", "123");
  ASSERT_FALSE(psn.isOk());
  EXPECT_EQ(psn.status().message().substr(0, 4), "psn:");
  auto key = deriveIccMasterKey(Bytes(15), "4761739001010010", "00");
  ASSERT_FALSE(key.isOk());
  EXPECT_EQ(key.status().message(), "imk: 15 bytes, expected 16");
  auto no_un = deriveSessionKey(SessionKeyMethod::kMastercardSkd, imk, hexBytes("0001"));
  ASSERT_FALSE(no_un.isOk());
  EXPECT_EQ(no_un.status().message().substr(0, 3), "un:");
  auto atc = deriveSessionKey(SessionKeyMethod::kEmvCsk, imk, hexBytes("000001"));
  ASSERT_FALSE(atc.isOk());
  EXPECT_EQ(atc.status().message(), "atc: 3 bytes, expected 2");
  EXPECT_FALSE(deriveVisaSecureMessagingKey(imk, hexBytes("01")).isOk());
  EXPECT_FALSE(deriveSecureMessagingSessionKey(imk, hexBytes("0102")).isOk());
}

}  // namespace
}  // namespace posim::emv::crypto
