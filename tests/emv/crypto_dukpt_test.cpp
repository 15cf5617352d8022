#include <gtest/gtest.h>

#include "posim/emv/crypto/dukpt.h"
#include "posim/emv/crypto/mac.h"
#include "posim/emv/crypto/pin_block.h"

namespace posim::emv::crypto {
namespace {

// ---- ANSI X9.24-1:2009 (TDES) ----
//
// The published test key of X9.24-1 (BDK 0123456789ABCDEFFEDCBA9876543210, initial KSN
// FFFF9876543210E00000) and its Annex A values, as reproduced by several independent DUKPT
// implementations.
const Bytes kTdesBdk = hexBytes("0123456789ABCDEFFEDCBA9876543210");

TEST(CryptoDukptTest, TdesIpekOfThePublishedTestKey) {
  auto ipek = deriveIpek(kTdesBdk, hexBytes("FFFF9876543210E00000"));
  ASSERT_TRUE(ipek.isOk()) << ipek.status().toString();
  EXPECT_EQ(toHex(*ipek), "6AC292FAA1315B4D858AB3A3D7D5933A");
  // The counter bits do not matter.
  auto later = deriveIpek(kTdesBdk, hexBytes("FFFF9876543210E00002"));
  ASSERT_TRUE(later.isOk());
  EXPECT_EQ(*later, *ipek);
}

TEST(CryptoDukptTest, TdesTransactionKeyForCounter2) {
  auto key = deriveDukptTransactionKey(kTdesBdk, hexBytes("FFFF9876543210E00002"));
  ASSERT_TRUE(key.isOk()) << key.status().toString();
  EXPECT_EQ(toHex(*key), "C46551CEF9FD24B0AA9AD834130D3BC7");
}

TEST(CryptoDukptTest, TdesPublishedWorkingKeys) {
  struct Case {
    const char* ksn;
    const char* transaction;
    const char* pin;
    const char* mac_request;
    const char* data_request;
  };
  const Case cases[] = {
      {"FFFF9876543210E00001", "042666B49184CFA368DE9628D0397BC9",
       "042666B49184CF5C68DE9628D0397B36", "042666B4918430A368DE9628D03984C9",
       "448D3F076D8304036A55A3D7E0055A78"},
      {"FFFF9876543210E00002", "C46551CEF9FD24B0AA9AD834130D3BC7",
       "C46551CEF9FD244FAA9AD834130D3B38", "C46551CEF9FDDBB0AA9AD834130DC4C7",
       "F1BE73B36135C5C26CF937D50ABBE5AF"},
      {"FFFF9876543210E00003", "0DF3D9422ACA56E547676D07AD6BADFA",
       "0DF3D9422ACA561A47676D07AD6BAD05", "0DF3D9422ACAA9E547676D07AD6B52FA",
       "EEEEF522C67239E4A2A65FEBF4C511F4"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ksn);
    auto keys = deriveTdesDukptKeys(kTdesBdk, hexBytes(c.ksn));
    ASSERT_TRUE(keys.isOk()) << keys.status().toString();
    EXPECT_EQ(toHex(keys->ipek), "6AC292FAA1315B4D858AB3A3D7D5933A");
    EXPECT_EQ(toHex(keys->transaction_key), c.transaction);
    EXPECT_EQ(toHex(keys->pin_key), c.pin);
    EXPECT_EQ(toHex(keys->mac_request_key), c.mac_request);
    EXPECT_EQ(toHex(keys->data_request_key), c.data_request);
  }
  auto response = deriveTdesDukptKeys(kTdesBdk, hexBytes("FFFF9876543210E00001"));
  ASSERT_TRUE(response.isOk());
  EXPECT_EQ(toHex(response->mac_response_key), "042666B46E84CFA368DE96282F397BC9");
}

TEST(CryptoDukptTest, TdesPinBlockAndMacOfThePublishedTable) {
  // The DUKPT test table's encrypted PIN block (format 0, PIN 1234, PAN 4012345678909) and the
  // 4-byte X9.19 MAC of "1234567890" x 4 under the MAC request key, for counters 1 and 2.
  struct Case {
    const char* ksn;
    const char* epb;
    const char* mac;
  };
  for (const Case& c : {Case{"FFFF9876543210E00001", "1B9C1845EB993A7A", "BF3DF9F4"},
                        Case{"FFFF9876543210E00002", "10A01C8D02C69107", "1F05D23A"}}) {
    SCOPED_TRACE(c.ksn);
    auto keys = deriveTdesDukptKeys(kTdesBdk, hexBytes(c.ksn));
    ASSERT_TRUE(keys.isOk());
    auto epb = encryptPinBlock(PinBlockFormat::kIso0, keys->pin_key, "1234", "4012345678909");
    ASSERT_TRUE(epb.isOk()) << epb.status().toString();
    EXPECT_EQ(toHex(epb->clear.block), "041274EDCBA9876F");
    EXPECT_EQ(toHex(epb->block), c.epb);
    auto mac =
        macAlgorithm3(keys->mac_request_key, asBytes("1234567890123456789012345678901234567890"),
                      MacPadding::kMethod1, 4);
    ASSERT_TRUE(mac.isOk());
    EXPECT_EQ(toHex(*mac), c.mac);
  }
}

TEST(CryptoDukptTest, TdesDeviceAndHostAgreeAlongTheKsnSequence) {
  Bytes ksn = hexBytes("FFFF9876543210E00000");
  const Bytes ipek = *deriveIpek(kTdesBdk, ksn);
  for (int i = 0; i < 40; ++i) {
    auto next = nextTdesKsn(ksn);
    ASSERT_TRUE(next.isOk());
    ksn = *next;
    auto device = deriveDukptTransactionKeyFromIpek(ipek, ksn);
    auto host = deriveDukptTransactionKey(kTdesBdk, ksn);
    ASSERT_TRUE(device.isOk() && host.isOk());
    EXPECT_EQ(*device, *host);
  }
  EXPECT_EQ(toHex(ksn), "FFFF9876543210E00028");
}

TEST(CryptoDukptTest, TdesKsnSkipsCountersWithMoreThanTenBits) {
  auto a = nextTdesKsn(hexBytes("FFFF9876543210E003FE"));  // 9 bits set
  ASSERT_TRUE(a.isOk());
  EXPECT_EQ(toHex(*a), "FFFF9876543210E003FF");  // 10 bits: allowed
  auto b = nextTdesKsn(*a);
  ASSERT_TRUE(b.isOk());
  EXPECT_EQ(toHex(*b), "FFFF9876543210E00400");
  auto c = nextTdesKsn(hexBytes("FFFF9876543210E007FE"));  // 10 bits; 7FF would have 11
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ(toHex(*c), "FFFF9876543210E00800");
  auto last = nextTdesKsn(hexBytes("FFFF9876543210FFF800"));  // bits 11-20: the last counter
  ASSERT_FALSE(last.isOk());
  EXPECT_EQ(last.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(*tdesKsnCounter(hexBytes("FFFF9876543210E00028")), 0x28u);
}

TEST(CryptoDukptTest, TdesRejectsBadArguments) {
  EXPECT_EQ(deriveIpek(Bytes(24), hexBytes("FFFF9876543210E00000")).status().message(),
            "bdk: 24 bytes, expected 16");
  EXPECT_EQ(deriveIpek(kTdesBdk, hexBytes("FFFF9876543210E000")).status().message(),
            "ksn: 9 bytes, expected 10");
  auto zero = deriveDukptTransactionKey(kTdesBdk, hexBytes("FFFF9876543210E00000"));
  ASSERT_FALSE(zero.isOk());
  EXPECT_EQ(zero.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(applyDukptVariant(Bytes(8), DukptVariant::kPinEncryption).isOk());
}

// ---- ANSI X9.24-3:2017 (AES) ----
//
// Published values of the X9.24-3:2017 test vector supplement (ASC X9, 2018): BDK
// FEDCBA9876543210F1F1F1F1F1F1F1F1, initial key ID 1234567890123456.
const Bytes kAesBdk = hexBytes("FEDCBA9876543210F1F1F1F1F1F1F1F1");
const Bytes kAesBdk256 =
    hexBytes("FEDCBA9876543210F1F1F1F1F1F1F1F1FEDCBA9876543210F1F1F1F1F1F1F1F1");
const Bytes kIkId = hexBytes("1234567890123456");

Bytes aesKsn(std::uint32_t counter) {
  return concat(kIkId, writeBigEndian(counter, 4));
}

TEST(CryptoDukptTest, AesDerivationDataLayout) {
  auto ik = aesDukptDerivationData(DukptKeyUsage::kKeyDerivationInitialKey, DukptKeyType::kAes128,
                                   kIkId, 0);
  ASSERT_TRUE(ik.isOk());
  EXPECT_EQ(toHex(*ik), "01018001000200801234567890123456");
  auto pin = aesDukptDerivationData(DukptKeyUsage::kPinEncryption, DukptKeyType::kAes128, kIkId, 1);
  ASSERT_TRUE(pin.isOk());
  EXPECT_EQ(toHex(*pin), "01011000000200809012345600000001");
  auto tdes2 =
      aesDukptDerivationData(DukptKeyUsage::kPinEncryption, DukptKeyType::kTdes2, kIkId, 1);
  EXPECT_EQ(toHex(*tdes2), "01011000000000809012345600000001");
  auto aes256 =
      aesDukptDerivationData(DukptKeyUsage::kPinEncryption, DukptKeyType::kAes256, kIkId, 1);
  EXPECT_EQ(toHex(*aes256), "01011000000401009012345600000001");
  auto kek =
      aesDukptDerivationData(DukptKeyUsage::kKeyEncryptionKey, DukptKeyType::kAes128, kIkId, 1);
  EXPECT_EQ(toHex(*kek), "01010002000200809012345600000001");
}

TEST(CryptoDukptTest, AesInitialKeys) {
  auto ik = deriveAesDukptInitialKey(kAesBdk, kIkId);
  ASSERT_TRUE(ik.isOk()) << ik.status().toString();
  EXPECT_EQ(toHex(*ik), "1273671EA26AC29AFA4D1084127652A1");
  auto ik256 = deriveAesDukptInitialKey(kAesBdk256, kIkId);
  ASSERT_TRUE(ik256.isOk());
  EXPECT_EQ(toHex(*ik256), "CE9CE0C101D1138F97FB6CAD4DF045A7083D4EAE2D35A31789D01CCF0949550F");
}

TEST(CryptoDukptTest, AesTransactionDerivationKeys) {
  const Bytes ik = hexBytes("1273671EA26AC29AFA4D1084127652A1");
  struct Case {
    std::uint32_t counter;
    const char* key;
  };
  const Case cases[] = {
      {1, "4F21B565BAD9835E112B6465635EAE44"},
      {2, "2F34D68DE10F68D38091A73B9E7C437C"},
      {3, "031504E530365CF81264238540518318"},
      {4, "0EEFC7ADA628BA68878DA9165A8A1887"},
      {5, "C2A7AC328A5DA2D6002D62465BFC028B"},
      {6, "D30F7D9351DA58448A2F5E92B4EE3B7D"},
      {7, "A8253CEED9AC042C54F75D35C8352278"},
      {8, "718EE6CF0B27E53D5F7AF99C4D8146A2"},
      {0x1FFFE, "E21E8C8D347F8561A2BE752DAA85A111"},
      {0x20000, "F7AE9025468A25D37B7249CFFED224C8"},
      {0x20001, "692C8EA4013645135B36497131DF9D2C"},
      {0xFFFE2000, "48E585B694EB0B18D5C35443E163C0BA"},
      {0xFFFE4000, "396C2C7CA1EA701C03B86B7D41F0C562"},
      {0xFFFE8000, "0387625F189B58AE03EF0E8CCA41105E"},
      {0xFFFF0000, "F6BA59389BD14A9855BE9727E7C52E3C"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.counter);
    auto key = deriveAesDukptDerivationKey(ik, aesKsn(c.counter));
    ASSERT_TRUE(key.isOk()) << key.status().toString();
    EXPECT_EQ(toHex(*key), c.key);
  }
}

TEST(CryptoDukptTest, AesWorkingKeys) {
  struct Case {
    const Bytes* bdk;
    std::uint32_t counter;
    DukptKeyUsage usage;
    DukptKeyType type;
    const char* key;
  };
  using U = DukptKeyUsage;
  using T = DukptKeyType;
  const Case cases[] = {
      {&kAesBdk, 1, U::kPinEncryption, T::kAes128, "AF8CB133A78F8DC2D1359F18527593FB"},
      {&kAesBdk, 1, U::kMacGeneration, T::kAes128, "A2DC23DE6FDE0824A2BC321E08E4B8B7"},
      {&kAesBdk, 1, U::kMacVerification, T::kAes128, "DBB463945B286C07CD3AD82EE96FD9C9"},
      {&kAesBdk, 1, U::kMacBothWays, T::kAes128, "85675439D18D7F1158BD8E3EAA3D502B"},
      {&kAesBdk, 1, U::kDataEncryptionEncrypt, T::kAes128, "A35C412EFD41FDB98B69797C02DCD08F"},
      {&kAesBdk, 1, U::kDataEncryptionDecrypt, T::kAes128, "16292C6EA8F64C5420A0584BFBC577BE"},
      {&kAesBdk, 1, U::kDataEncryptionBothWays, T::kAes128, "A308E080DD15A1B741F1721BF67DE11C"},
      {&kAesBdk, 1, U::kKeyEncryptionKey, T::kAes128, "36A724B7BEFA5A25F5E7B5782A4554A2"},
      {&kAesBdk, 2, U::kPinEncryption, T::kAes128, "D30BDC73EC9714B000BEC66BDB7B6D09"},
      {&kAesBdk, 8, U::kPinEncryption, T::kAes128, "4D9DF3FBEE3448FC3E676D04320A90F5"},
      {&kAesBdk, 8, U::kMacGeneration, T::kAes128, "6FD572E5D59E618875F193484F9178FB"},
      {&kAesBdk, 8, U::kDataEncryptionEncrypt, T::kAes128, "650F34204ABD4E57764D61AC3D266FB1"},
      {&kAesBdk, 1, U::kPinEncryption, T::kTdes2, "630C706D9546E47D4449313F61C4D4AB"},
      {&kAesBdk, 1, U::kMacGeneration, T::kTdes2, "5D8FD787E8A796D07035FFCA9B5800BB"},
      {&kAesBdk, 1, U::kDataEncryptionEncrypt, T::kTdes2, "BD44121C223F831446A01EE3A4CB58D2"},
      {&kAesBdk, 1, U::kPinEncryption, T::kTdes3,
       "EA8B3F37EB9B15831167EF2977FD8762D9B5913F35766F6A"},
      {&kAesBdk256, 1, U::kPinEncryption, T::kAes256,
       "8C1AB7BEE973829E30242E0BBBDD4946D540C98FC1B5BDCF94790001A23FD502"},
      {&kAesBdk256, 1, U::kMacGeneration, T::kAes256,
       "61DABDF4B340CF461EE860B1D1AB55357142BD2D6977306859CF49AEFE8F1549"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.counter) + " usage " + std::to_string(static_cast<int>(c.usage)) +
                 " type " + std::to_string(static_cast<int>(c.type)));
    auto key = deriveAesDukptWorkingKey(*c.bdk, aesKsn(c.counter), c.usage, c.type);
    ASSERT_TRUE(key.isOk()) << key.status().toString();
    EXPECT_EQ(toHex(*key), c.key);
  }
  auto derivation256 =
      deriveAesDukptDerivationKey(*deriveAesDukptInitialKey(kAesBdk256, kIkId), aesKsn(1));
  ASSERT_TRUE(derivation256.isOk());
  EXPECT_EQ(toHex(*derivation256),
            "54AC2B32B145EA4A554CB8BC44B17467063A799856B1CCC2A138D36E8DBF78B3");
}

TEST(CryptoDukptTest, AesAllKeysOfATransaction) {
  auto keys = deriveAesDukptKeys(kAesBdk, aesKsn(1));
  ASSERT_TRUE(keys.isOk()) << keys.status().toString();
  EXPECT_EQ(toHex(keys->initial_key), "1273671EA26AC29AFA4D1084127652A1");
  EXPECT_EQ(toHex(keys->derivation_key), "4F21B565BAD9835E112B6465635EAE44");
  EXPECT_EQ(toHex(keys->pin_key), "AF8CB133A78F8DC2D1359F18527593FB");
  EXPECT_EQ(toHex(keys->mac_generation_key), "A2DC23DE6FDE0824A2BC321E08E4B8B7");
  EXPECT_EQ(toHex(keys->mac_verification_key), "DBB463945B286C07CD3AD82EE96FD9C9");
  EXPECT_EQ(toHex(keys->data_encryption_key), "A35C412EFD41FDB98B69797C02DCD08F");
  EXPECT_EQ(toHex(keys->data_decryption_key), "16292C6EA8F64C5420A0584BFBC577BE");
}

TEST(CryptoDukptTest, AesKsnSequence) {
  auto first = nextAesKsn(aesKsn(0));
  ASSERT_TRUE(first.isOk());
  EXPECT_EQ(*first, aesKsn(1));
  auto skip = nextAesKsn(aesKsn(0x1FFFE));
  ASSERT_TRUE(skip.isOk());
  EXPECT_EQ(*skip, aesKsn(0x20000));  // 0x1FFFF has 17 bits set
  Bytes ksn = aesKsn(0xFFFE2000);
  for (std::uint32_t expected : {0xFFFE4000u, 0xFFFE8000u, 0xFFFF0000u}) {
    auto next = nextAesKsn(ksn);
    ASSERT_TRUE(next.isOk());
    EXPECT_EQ(*next, aesKsn(expected));
    ksn = *next;
  }
  auto exhausted = nextAesKsn(ksn);
  ASSERT_FALSE(exhausted.isOk());
  EXPECT_EQ(exhausted.status().code(), StatusCode::kOutOfRange);

  // Device (from the initial key) and host (from the BDK) agree along the sequence.
  const Bytes ik = *deriveAesDukptInitialKey(kAesBdk, kIkId);
  ksn = aesKsn(0);
  for (int i = 0; i < 20; ++i) {
    ksn = *nextAesKsn(ksn);
    auto device = deriveAesDukptWorkingKeyFromInitialKey(ik, ksn, DukptKeyUsage::kPinEncryption,
                                                         DukptKeyType::kAes128);
    auto host = deriveAesDukptWorkingKey(kAesBdk, ksn, DukptKeyUsage::kPinEncryption,
                                         DukptKeyType::kAes128);
    ASSERT_TRUE(device.isOk() && host.isOk());
    EXPECT_EQ(*device, *host);
  }
}

TEST(CryptoDukptTest, AesRejectsBadArguments) {
  EXPECT_EQ(deriveAesDukptInitialKey(Bytes(20), kIkId).status().message(),
            "bdk: 20 bytes, expected 16, 24 or 32");
  EXPECT_EQ(deriveAesDukptInitialKey(kAesBdk, Bytes(7)).status().message(),
            "initial key id: 7 bytes, expected 8");
  EXPECT_FALSE(deriveAesDukptWorkingKey(kAesBdk, aesKsn(0), DukptKeyUsage::kPinEncryption,
                                        DukptKeyType::kAes128)
                   .isOk());
  EXPECT_FALSE(deriveAesDukptWorkingKey(kAesBdk, Bytes(10), DukptKeyUsage::kPinEncryption,
                                        DukptKeyType::kAes128)
                   .isOk());
  auto stronger = deriveAesDukptWorkingKey(kAesBdk, aesKsn(1), DukptKeyUsage::kPinEncryption,
                                           DukptKeyType::kAes256);
  ASSERT_FALSE(stronger.isOk());
  EXPECT_EQ(stronger.status().message().substr(0, 9), "key type:");
  EXPECT_EQ(*parseDukptKeyType("tdes3"), DukptKeyType::kTdes3);
  EXPECT_EQ(*parseDukptKeyUsage("mac-verify"), DukptKeyUsage::kMacVerification);
  EXPECT_FALSE(parseDukptKeyType("des").isOk());
  EXPECT_FALSE(parseDukptKeyUsage("cvv").isOk());
}

}  // namespace
}  // namespace posim::emv::crypto
