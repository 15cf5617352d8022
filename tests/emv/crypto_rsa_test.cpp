#include <gtest/gtest.h>

#include "posim/base/random.h"
#include "posim/emv/crypto/capk.h"
#include "posim/emv/crypto/rsa.h"
#include "posim/emv/crypto/rsa_pin.h"

#include "crypto_rsa_test_support.h"

namespace posim::emv::crypto {
namespace {

using testing::field;
using testing::hexField;
using testing::ownChain;
using testing::ownKey;

TEST(CryptoRsaTest, HashKnownAnswers) {
  // FIPS 180 "abc" examples.
  EXPECT_EQ(toHex(sha1(asBytes("abc"))), "A9993E364706816ABA3E25717850C26C9CD0D89D");
  EXPECT_EQ(toHex(sha256(asBytes("abc"))),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  EXPECT_EQ(hash(HashAlgorithm::kSha1, {asBytes("a"), {}, asBytes("bc")}), sha1(asBytes("abc")));
  EXPECT_EQ(hashLength(HashAlgorithm::kSha1), 20U);
  EXPECT_EQ(hashLength(HashAlgorithm::kSha256), 32U);
}

TEST(CryptoRsaTest, OwnChainKeysRoundTripWithAndWithoutCrt) {
  for (const char* name : {"ca_key", "issuer_key", "icc_key"}) {
    SCOPED_TRACE(name);
    const Json& json = *ownChain().find(name);
    const RsaPrivateKey crt = ownKey(name);
    ASSERT_TRUE(crt.hasCrt());
    auto plain = RsaPrivateKey::create(hexField(json, "modulus"), hexField(json, "public_exponent"),
                                       hexField(json, "private_exponent"));
    ASSERT_TRUE(plain.isOk()) << plain.status().toString();
    EXPECT_FALSE(plain->hasCrt());
    EXPECT_EQ(crt.publicKey(), plain->publicKey());

    Bytes message(crt.size(), 0x5A);
    message[0] = 0x6A;
    auto signed_crt = crt.privateOperation(message);
    auto signed_plain = plain->privateOperation(message);
    ASSERT_TRUE(signed_crt.isOk());
    ASSERT_TRUE(signed_plain.isOk());
    EXPECT_EQ(*signed_crt, *signed_plain);
    EXPECT_EQ(*crt.publicKey().publicOperation(*signed_crt), message);

    // The CRT parts are consistent with the private exponent.
    EXPECT_EQ(toHex(crt.privateExponent()), field(json, "private_exponent"));
    EXPECT_EQ(toHex(crt.primeP()), field(json, "p"));
    EXPECT_FALSE(crt.crtExponentP().empty());
    EXPECT_FALSE(crt.crtCoefficient().empty());
  }
}

TEST(CryptoRsaTest, FromPrimesGivesTheSameModulusAndOperation) {
  const Json& json = *ownChain().find("icc_key");
  auto key = RsaPrivateKey::fromPrimes(hexField(json, "p"), hexField(json, "q"), hexBytes("03"));
  ASSERT_TRUE(key.isOk()) << key.status().toString();
  EXPECT_EQ(toHex(key->publicKey().modulus()), field(json, "modulus"));
  EXPECT_EQ(key->publicKey().bits(), 1024U);
  const Bytes message = hexBytes("6A0102030405");
  Bytes block(key->size(), 0xBB);
  std::copy(message.begin(), message.end(), block.begin());
  EXPECT_EQ(*key->privateOperation(block), *ownKey("icc_key").privateOperation(block));
}

TEST(CryptoRsaTest, PublicOperationIsStableAcrossPlainAndMontgomeryPaths) {
  // Small exponents run plain square-and-multiply for the first few operations and a Montgomery
  // context afterwards; larger ones use Montgomery from the start. Every result must agree.
  const Json& json = *ownChain().find("icc_key");
  for (const char* e : {"03", "010001", "7FFFFFFF"}) {
    SCOPED_TRACE(e);
    auto key = RsaPrivateKey::fromPrimes(hexField(json, "p"), hexField(json, "q"), hexBytes(e));
    ASSERT_TRUE(key.isOk()) << key.status().toString();
    Bytes message(key->size(), 0x5A);
    message[0] = 0x6A;
    auto signature = key->privateOperation(message);
    ASSERT_TRUE(signature.isOk());
    const RsaPublicKey pub = key->publicKey();
    for (int i = 0; i < 10; ++i) {
      auto recovered = pub.publicOperation(*signature);
      ASSERT_TRUE(recovered.isOk()) << recovered.status().toString();
      EXPECT_EQ(*recovered, message) << "operation " << i;
    }
  }
}

TEST(CryptoRsaTest, RejectsBadKeysAndInputs) {
  EXPECT_FALSE(RsaPublicKey::create(hexBytes("C0FE"), hexBytes("03")).isOk());  // even
  EXPECT_FALSE(RsaPublicKey::create(hexBytes("C0FF"), hexBytes("02")).isOk());  // even e
  EXPECT_FALSE(RsaPublicKey::create(hexBytes("C0FF"), hexBytes("01")).isOk());
  EXPECT_FALSE(RsaPublicKey::create(hexBytes("00"), hexBytes("03")).isOk());

  const RsaPrivateKey icc = ownKey("icc_key");
  const RsaPublicKey& pub = icc.publicKey();
  auto short_input = pub.publicOperation(Bytes(10, 1));
  ASSERT_FALSE(short_input.isOk());
  EXPECT_EQ(short_input.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(pub.publicOperation(Bytes(pub.size(), 0xFF)).isOk());  // not below n
  EXPECT_FALSE(icc.privateOperation(Bytes(pub.size(), 0xFF)).isOk());

  const Json& json = *ownChain().find("icc_key");
  Bytes wrong_d = hexField(json, "private_exponent");
  wrong_d.back() ^= 0x02;
  auto mismatched = RsaPrivateKey::create(hexField(json, "modulus"), hexBytes("03"), wrong_d);
  ASSERT_FALSE(mismatched.isOk());
  // Key material never appears in messages.
  EXPECT_EQ(mismatched.status().message().find(toHex(wrong_d).substr(0, 16)), std::string::npos);
  EXPECT_FALSE(RsaPrivateKey::create(hexField(json, "modulus"), hexBytes("03"), wrong_d,
                                     hexField(json, "p"), hexField(json, "q"))
                   .isOk());
  EXPECT_FALSE(RsaPrivateKey::create(hexField(json, "modulus"), hexBytes("03"),
                                     hexField(json, "private_exponent"), hexField(json, "p"),
                                     hexField(json, "p"))
                   .isOk());
  EXPECT_FALSE(RsaPrivateKey::create(hexField(json, "modulus"), hexBytes("03"),
                                     hexField(json, "private_exponent"), hexField(json, "p"))
                   .isOk());
  EXPECT_FALSE(
      RsaPrivateKey::fromPrimes(hexField(json, "p"), hexField(json, "p"), hexBytes("03")).isOk());

  const RsaPublicKey empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.publicOperation({}).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(RsaPrivateKey().privateOperation({}).status().code(), StatusCode::kFailedPrecondition);
}

TEST(CryptoRsaTest, LoadsAllThirtyCapksWithVerifiedChecksums) {
  const CapkStore store = testing::loadCapks();
  ASSERT_EQ(store.size(), 30U);
  const CaPublicKey* visa94 = store.find(hexBytes("A000000003"), 0x94);
  ASSERT_NE(visa94, nullptr);
  EXPECT_EQ(visa94->key.bits(), 1984U);
  EXPECT_EQ(toHex(visa94->key.modulus()), field(testing::emvUtilsCase("ODA-V94-1"), "ca_modulus"));
  const CaPublicKey* mcf5 = store.find(hexBytes("A000000004"), 0xF5);
  ASSERT_NE(mcf5, nullptr);
  EXPECT_EQ(toHex(mcf5->key.exponent()), "010001");
  EXPECT_EQ(store.find(hexBytes("A000000003"), 0x93), nullptr);
  EXPECT_EQ(store.find(hexBytes("A000000999"), 0xE1), nullptr);

  // Every key's checksum is SHA-1(RID | index | modulus | exponent).
  for (const CaPublicKey& key : store.keys()) {
    EXPECT_EQ(key.checksum,
              capkChecksum(key.rid, key.index, key.key.modulus(), key.key.exponent()));
  }
}

TEST(CryptoRsaTest, CapkChecksumMismatchAndDuplicatesAreRejected) {
  const CaPublicKey own = testing::ownCapk();
  EXPECT_EQ(toHex(own.checksum), "DDD2DB4EA98FE477FCF3B36468F1CFAC391D2FA4");
  Bytes bad_checksum = own.checksum;
  bad_checksum[0] ^= 1;
  auto bad =
      CaPublicKey::create(own.rid, own.index, own.key.modulus(), own.key.exponent(), bad_checksum);
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("A000000999/E1"), std::string::npos);
  EXPECT_NE(bad.status().message().find("checksum"), std::string::npos);
  EXPECT_FALSE(
      CaPublicKey::create(hexBytes("A0000009"), 0xE1, own.key.modulus(), hexBytes("03")).isOk());
  EXPECT_FALSE(
      CaPublicKey::create(own.rid, 0xE1, own.key.modulus(), hexBytes("05")).isOk());  // e = 5

  CapkStore store;
  EXPECT_TRUE(store.add(own).isOk());
  EXPECT_FALSE(store.add(own).isOk());
  EXPECT_NE(store.find(own.rid, 0xE1), nullptr);

  Json list = Json::array();
  Json entry = Json::object();
  entry["rid"] = "A000000999";
  entry["index"] = "E1";
  entry["modulus"] = toHex(own.key.modulus());
  entry["exponent"] = "03";
  entry["sha1_checksum"] = toHex(bad_checksum);
  list.push(entry);
  auto loaded = CapkStore::fromJson(list);
  ASSERT_FALSE(loaded.isOk());
  EXPECT_NE(loaded.status().message().find("CAPK #0"), std::string::npos);
  list.asArray()[0]["sha1_checksum"] = toHex(own.checksum);
  list.asArray()[0]["expiry"] = "2030-12-31";
  loaded = CapkStore::fromJson(list);
  ASSERT_TRUE(loaded.isOk()) << loaded.status().toString();
  const CaPublicKey& key = loaded->keys().at(0);
  EXPECT_FALSE(key.isExpired(*parseDate("2030-12-31")));
  EXPECT_TRUE(key.isExpired(*parseDate("2031-01-01")));
}

TEST(CryptoRsaTest, RawRecoveryOfEveryEmvUtilsCase) {
  const CapkStore store = testing::loadCapks();
  for (const Json& c : testing::emvUtilsOda().asArray()) {
    SCOPED_TRACE(field(c, "id"));
    RsaPublicKey key;
    Bytes input;
    if (c.find("ca_modulus") != nullptr) {
      const CaPublicKey* capk =
          store.find(hexField(c, "capk_rid"), hexField(c, "capk_index").at(0));
      ASSERT_NE(capk, nullptr);
      EXPECT_EQ(toHex(capk->key.modulus()), field(c, "ca_modulus"));
      key = capk->key;
      input = hexField(c, "input_tag_90_issuer_pk_certificate");
    } else if (c.find("issuer_pk_modulus") != nullptr) {
      key = *RsaPublicKey::create(hexField(c, "issuer_pk_modulus"), hexBytes("03"));
      input = c.find("input_tag_93_ssad") != nullptr
                  ? hexField(c, "input_tag_93_ssad")
                  : hexField(c, "input_tag_9F46_icc_pk_certificate");
    } else {
      key = *RsaPublicKey::create(hexField(c, "icc_pk_modulus"), hexField(c, "icc_pk_exponent"));
      input = hexField(c, "input_tag_9F4B_sdad");
    }
    auto recovered = key.publicOperation(input);
    ASSERT_TRUE(recovered.isOk()) << recovered.status().toString();
    EXPECT_EQ(toHex(*recovered), field(c, "recovered"));
  }
}

TEST(CryptoRsaTest, EncipheredPinRoundTrip) {
  const RsaPrivateKey icc = ownKey("icc_key");
  SeededRandom random(7);
  const Bytes pin_block = hexBytes("241234FFFFFFFFFF");
  const Bytes un = hexBytes("0102030405060708");
  auto enciphered = encipherPinBlock(icc.publicKey(), pin_block, un, random);
  ASSERT_TRUE(enciphered.isOk()) << enciphered.status().toString();
  EXPECT_EQ(enciphered->size(), icc.size());
  auto deciphered = decipherPinBlock(icc, *enciphered, un);
  ASSERT_TRUE(deciphered.has_value());
  EXPECT_EQ(*deciphered, pin_block);
  EXPECT_FALSE(decipherPinBlock(icc, *enciphered, hexBytes("0102030405060709")).has_value());
  EXPECT_FALSE(encipherPinBlock(icc.publicKey(), hexBytes("2412"), un, random).isOk());
}

}  // namespace
}  // namespace posim::emv::crypto
