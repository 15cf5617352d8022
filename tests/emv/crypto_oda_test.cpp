#include <gtest/gtest.h>

#include "posim/emv/crypto/oda.h"

#include "crypto_rsa_test_support.h"

namespace posim::emv::crypto {
namespace {

using testing::emvUtilsCase;
using testing::field;
using testing::hexField;
using testing::ownChain;
using testing::ownKey;
using testing::ownTag;

Date date(std::string_view iso) {
  return *parseDate(iso);
}

// Signs a hand-made plaintext block with `key` after setting its hash (over bytes 2..N-21 and
// the extras) and leaving the trailer as given: for certificates that are wrong in one field.
Bytes resealAndSign(const RsaPrivateKey& key, Bytes block, std::initializer_list<ByteView> extras) {
  const std::size_t n = block.size();
  Bytes input(block.begin() + 1, block.end() - 21);
  for (ByteView e : extras) append(input, e);
  const Bytes digest = sha1(input);
  std::copy(digest.begin(), digest.end(), block.begin() + static_cast<long>(n - 21));
  return *key.privateOperation(block);
}

// --- the own chain (tests/data/vectors/emv_oda_own_chain.json) ---

struct OwnChain {
  CaPublicKey capk = testing::ownCapk();
  Bytes pan_bytes = hexBytes("4761739001010010");
  std::string pan = field(ownChain(), "pan");
  Bytes static_data = hexField(ownChain(), "static_data_to_be_authenticated");
  Bytes cert90 = ownTag("90");
  Bytes rem92 = ownTag("92");
  Bytes exp9F32 = ownTag("9F32");
  Bytes cert9F46 = ownTag("9F46");
  Bytes rem9F48 = ownTag("9F48");
  Bytes exp9F47 = ownTag("9F47");

  IssuerCertificateInput issuerInput(std::string_view on = "2026-05-01") const {
    return {cert90, rem92, exp9F32, pan, date(on)};
  }
  IccCertificateInput iccInput(std::string_view on = "2026-05-01") const {
    return {cert9F46, rem9F48, exp9F47, static_data, pan, date(on)};
  }
  RsaPublicKey issuerKey() const { return ownKey("issuer_key").publicKey(); }
  RsaPublicKey iccKey() const { return ownKey("icc_key").publicKey(); }
};

TEST(CryptoOdaTest, OwnChainIssuerPublicKey) {
  const OwnChain chain;
  auto cert = recoverIssuerPublicKey(chain.capk, chain.issuerInput());
  ASSERT_TRUE(cert.isOk()) << cert.failure().toString();
  EXPECT_EQ(toHex(cert->recovered), field(ownChain(), "issuer_cert_plain"));
  EXPECT_EQ(cert->format, 0x02);
  EXPECT_EQ(toHex(cert->identifier), "476173FF");
  EXPECT_EQ(cert->expiry, std::chrono::year(2030) / std::chrono::December);
  EXPECT_EQ(toHex(cert->serial_number), "000001");
  EXPECT_EQ(cert->hash_algorithm, HashAlgorithm::kSha1);
  EXPECT_EQ(cert->public_key, chain.issuerKey());
  EXPECT_EQ(cert->public_key.bits(), 1152U);
}

TEST(CryptoOdaTest, OwnChainSdaSignedStaticData) {
  const OwnChain chain;
  auto ssad = recoverSignedStaticData(chain.issuerKey(), ownTag("93"), chain.static_data);
  ASSERT_TRUE(ssad.isOk()) << ssad.failure().toString();
  EXPECT_EQ(toHex(ssad->data_authentication_code), field(ownChain(), "data_authentication_code"));
  EXPECT_EQ(toHex(ssad->hash), field(ownChain(), "ssad_plain_hash"));
}

TEST(CryptoOdaTest, OwnChainIccPublicKey) {
  const OwnChain chain;
  auto cert = recoverIccPublicKey(chain.issuerKey(), chain.iccInput());
  ASSERT_TRUE(cert.isOk()) << cert.failure().toString();
  EXPECT_EQ(toHex(cert->recovered), field(ownChain(), "icc_cert_plain"));
  EXPECT_EQ(cert->format, 0x04);
  EXPECT_EQ(toHex(cert->identifier), "4761739001010010FFFF");
  EXPECT_EQ(cert->expiry, std::chrono::year(2028) / std::chrono::December);
  EXPECT_EQ(toHex(cert->serial_number), "000042");
  EXPECT_EQ(cert->public_key, chain.iccKey());
}

TEST(CryptoOdaTest, OwnChainDdaSignature) {
  const OwnChain chain;
  const Json& dda = *ownChain().find("dda");
  auto sdad = recoverDdaSignature(chain.iccKey(), hexField(dda, "sdad_9F4B"), hexField(dda, "un"));
  ASSERT_TRUE(sdad.isOk()) << sdad.failure().toString();
  EXPECT_EQ(toHex(sdad->icc_dynamic_number), field(dda, "icc_dynamic_number"));
  EXPECT_EQ(toHex(sdad->icc_dynamic_data), "08" + field(dda, "icc_dynamic_number"));
  EXPECT_EQ(toHex(sdad->hash), field(dda, "sdad_plain_hash"));

  auto wrong_un =
      recoverDdaSignature(chain.iccKey(), hexField(dda, "sdad_9F4B"), hexBytes("7FBC404A"));
  EXPECT_EQ(wrong_un.reason(), OdaFailureReason::kHashMismatch);
}

CdaInput ownCdaInput(const Json& cda, const Bytes& sdad, const Bytes& un, const Bytes& pdol,
                     const Bytes& cdol1, const Bytes& response) {
  CdaInput in;
  in.signed_dynamic_data = sdad;
  in.unpredictable_number = un;
  in.cryptogram_information_data = hexField(cda, "cid").at(0);
  in.pdol_data = pdol;
  in.cdol1_data = cdol1;
  in.response_tlvs_without_sdad = response;
  return in;
}

TEST(CryptoOdaTest, OwnChainCdaSignatureWithEveryCheck) {
  const OwnChain chain;
  const Json& cda = *ownChain().find("cda");
  const Bytes sdad = hexField(cda, "sdad_9F4B");
  const Bytes un = hexField(cda, "un_9F37");
  const Bytes pdol = hexField(cda, "pdol_data");
  const Bytes cdol1 = hexField(cda, "cdol1_data");
  const Bytes response = hexField(cda, "genac_response_tlvs_excl_9F4B");
  EXPECT_EQ(toHex(transactionDataHashCode(pdol, cdol1, {}, response)),
            field(cda, "transaction_data_hash_code"));

  auto ok = recoverCdaSignature(chain.iccKey(), ownCdaInput(cda, sdad, un, pdol, cdol1, response));
  ASSERT_TRUE(ok.isOk()) << ok.failure().toString();
  EXPECT_EQ(ok->cryptogram_information_data, 0x80);
  EXPECT_EQ(toHex(ok->application_cryptogram), field(cda, "ac"));
  EXPECT_EQ(toHex(ok->icc_dynamic_number), field(cda, "icc_dynamic_number"));
  EXPECT_EQ(toHex(ok->transaction_data_hash_code), field(cda, "transaction_data_hash_code"));
  EXPECT_EQ(toHex(ok->hash), field(cda, "sdad_plain_hash"));

  CdaInput wrong_cid = ownCdaInput(cda, sdad, un, pdol, cdol1, response);
  wrong_cid.cryptogram_information_data = 0x40;
  EXPECT_EQ(recoverCdaSignature(chain.iccKey(), wrong_cid).reason(),
            OdaFailureReason::kCryptogramInformationMismatch);

  EXPECT_EQ(recoverCdaSignature(chain.iccKey(),
                                ownCdaInput(cda, sdad, hexBytes("9A3B5C7E"), pdol, cdol1, response))
                .reason(),
            OdaFailureReason::kHashMismatch);

  Bytes other_amount = cdol1;
  other_amount[5] ^= 0x01;
  EXPECT_EQ(
      recoverCdaSignature(chain.iccKey(), ownCdaInput(cda, sdad, un, pdol, other_amount, response))
          .reason(),
      OdaFailureReason::kTransactionDataHashMismatch);
  // A second GENERATE AC hashes the CDOL2 data too.
  CdaInput second = ownCdaInput(cda, sdad, un, pdol, cdol1, response);
  const Bytes cdol2 = hexBytes("3030");
  second.cdol2_data = cdol2;
  EXPECT_EQ(recoverCdaSignature(chain.iccKey(), second).reason(),
            OdaFailureReason::kTransactionDataHashMismatch);
}

// --- emv-utils: real Visa (CAPK 94) and Mastercard (CAPK F1) test chains ---

TEST(CryptoOdaTest, EmvUtilsVisa94Chain) {
  const CapkStore store = testing::loadCapks();
  const Json& c1 = emvUtilsCase("ODA-V94-1");
  const Bytes cert = hexField(c1, "input_tag_90_issuer_pk_certificate");
  const Bytes rem = hexField(c1, "tag_92_issuer_pk_remainder");
  const Bytes exp = hexField(c1, "tag_9F32_issuer_pk_exponent");
  const std::string pan = field(*c1.find("context"), "pan_5A");
  IssuerCertificateInput in{cert, rem, exp, pan, date("2031-12-31")};
  auto issuer = recoverIssuerPublicKey(store, hexField(c1, "capk_rid"), 0x94, in);
  ASSERT_TRUE(issuer.isOk()) << issuer.failure().toString();
  EXPECT_EQ(toHex(issuer->public_key.modulus()), field(c1, "issuer_pk_modulus"));
  EXPECT_EQ(toHex(issuer->serial_number), "03DA0A");
  EXPECT_EQ(toHex(issuer->hash), field(*c1.find("parsed"), "hash"));
  in.transaction_date = date("2032-01-01");
  EXPECT_EQ(recoverIssuerPublicKey(store, hexField(c1, "capk_rid"), 0x94, in).reason(),
            OdaFailureReason::kCertificateExpired);

  // SSAD and ICC certificate: the static data was not published, so the hash cannot match; the
  // recovered block must still be the published one.
  const Json& c2 = emvUtilsCase("ODA-V94-2");
  auto ssad = recoverSignedStaticData(issuer->public_key, hexField(c2, "input_tag_93_ssad"), {});
  ASSERT_EQ(ssad.reason(), OdaFailureReason::kHashMismatch);
  EXPECT_EQ(toHex(ssad.failure().recovered), field(c2, "recovered"));

  const Json& c3 = emvUtilsCase("ODA-V94-3");
  const Bytes icc_cert = hexField(c3, "input_tag_9F46_icc_pk_certificate");
  const Bytes icc_rem = hexField(c3, "tag_9F48_icc_pk_remainder");
  const Bytes icc_exp = hexField(c3, "tag_9F47_icc_pk_exponent");
  auto icc = recoverIccPublicKey(issuer->public_key,
                                 {icc_cert, icc_rem, icc_exp, {}, pan, date("2022-12-01")});
  ASSERT_EQ(icc.reason(), OdaFailureReason::kHashMismatch);
  EXPECT_EQ(toHex(icc.failure().recovered), field(c3, "recovered"));

  const Json& c4 = emvUtilsCase("ODA-V94-4");
  const RsaPublicKey icc_key =
      *RsaPublicKey::create(hexField(c4, "icc_pk_modulus"), hexField(c4, "icc_pk_exponent"));
  EXPECT_EQ(toHex(icc_key.modulus()), field(c3, "icc_pk_modulus"));
  auto dda = recoverDdaSignature(icc_key, hexField(c4, "input_tag_9F4B_sdad"),
                                 hexField(c4, "ddol_data_UN"));
  ASSERT_TRUE(dda.isOk()) << dda.failure().toString();
  EXPECT_EQ(toHex(dda->recovered), field(c4, "recovered"));
  EXPECT_EQ(toHex(dda->icc_dynamic_number), "00AE");
  EXPECT_EQ(toHex(dda->icc_dynamic_data), "0200AE");
}

TEST(CryptoOdaTest, EmvUtilsMastercardF1Chain) {
  const CapkStore store = testing::loadCapks();
  const Json& c1 = emvUtilsCase("ODA-MF1-1");
  const Bytes cert = hexField(c1, "input_tag_90_issuer_pk_certificate");
  const Bytes exp = hexField(c1, "tag_9F32_issuer_pk_exponent");
  const std::string pan = field(*c1.find("context"), "pan_5A");
  auto issuer = recoverIssuerPublicKey(store, hexBytes("A000000004"), 0xF1,
                                       {cert, {}, exp, pan, date("2025-05-06")});
  ASSERT_TRUE(issuer.isOk()) << issuer.failure().toString();
  EXPECT_EQ(toHex(issuer->public_key.modulus()), field(c1, "issuer_pk_modulus"));
  EXPECT_EQ(toHex(issuer->recovered), field(c1, "recovered"));
  EXPECT_EQ(issuer->expiry, std::chrono::year(2027) / std::chrono::December);

  const Json& c2 = emvUtilsCase("ODA-MF1-2");
  const Bytes icc_cert = hexField(c2, "input_tag_9F46_icc_pk_certificate");
  const Bytes icc_rem = hexField(c2, "tag_9F48_icc_pk_remainder");
  const Bytes icc_exp = hexField(c2, "tag_9F47_icc_pk_exponent");
  auto icc = recoverIccPublicKey(issuer->public_key,
                                 {icc_cert, icc_rem, icc_exp, {}, pan, date("2025-05-06")});
  ASSERT_EQ(icc.reason(), OdaFailureReason::kHashMismatch);
  EXPECT_EQ(toHex(icc.failure().recovered), field(c2, "recovered"));

  // CDA: the SDAD hash verifies with the UN; the transaction data was not published, so the
  // last check (Transaction Data Hash Code) is the one that fails, after all the others passed.
  const Json& c3 = emvUtilsCase("ODA-MF1-3");
  const RsaPublicKey icc_key =
      *RsaPublicKey::create(hexField(c3, "icc_pk_modulus"), hexField(c3, "icc_pk_exponent"));
  EXPECT_EQ(toHex(icc_key.modulus()), field(c2, "icc_pk_modulus"));
  const Bytes sdad = hexField(c3, "input_tag_9F4B_sdad");
  const Bytes un = hexField(c3, "terminal_dynamic_data_UN_9F37");
  CdaInput in;
  in.signed_dynamic_data = sdad;
  in.unpredictable_number = un;
  in.cryptogram_information_data = 0x00;
  auto cda = recoverCdaSignature(icc_key, in);
  ASSERT_EQ(cda.reason(), OdaFailureReason::kTransactionDataHashMismatch);
  EXPECT_EQ(toHex(cda.failure().recovered), field(c3, "recovered"));
  in.cryptogram_information_data = 0x80;
  EXPECT_EQ(recoverCdaSignature(icc_key, in).reason(),
            OdaFailureReason::kCryptogramInformationMismatch);
}

// --- negative cases ---

TEST(CryptoOdaTest, FlippedHashInputGivesHashMismatch) {
  const OwnChain chain;
  Bytes rem = chain.rem92;
  rem[1] ^= 0x01;
  auto issuer =
      recoverIssuerPublicKey(chain.capk, {chain.cert90, rem, chain.exp9F32, chain.pan, {}});
  ASSERT_EQ(issuer.reason(), OdaFailureReason::kHashMismatch);
  EXPECT_EQ(toHex(issuer.failure().recovered), field(ownChain(), "issuer_cert_plain"));

  Bytes static_data = chain.static_data;
  static_data[10] ^= 0x80;
  EXPECT_EQ(recoverSignedStaticData(chain.issuerKey(), ownTag("93"), static_data).reason(),
            OdaFailureReason::kHashMismatch);
  IccCertificateInput icc = chain.iccInput();
  icc.static_data = static_data;
  EXPECT_EQ(recoverIccPublicKey(chain.issuerKey(), icc).reason(), OdaFailureReason::kHashMismatch);

  // A flipped byte of the certificate itself scrambles the whole recovered block.
  Bytes cert = chain.cert90;
  cert[40] ^= 0x01;
  auto scrambled = recoverIssuerPublicKey(chain.capk, {cert, chain.rem92, chain.exp9F32, {}, {}});
  ASSERT_FALSE(scrambled.isOk());
  EXPECT_EQ(scrambled.reason(), OdaFailureReason::kTrailerInvalid);
}

TEST(CryptoOdaTest, WrongTrailerHeaderAndFormat) {
  const OwnChain chain;
  const RsaPrivateKey ca = ownKey("ca_key");
  const Bytes plain = hexField(ownChain(), "issuer_cert_plain");
  struct Case {
    std::size_t offset;
    std::uint8_t value;
    OdaFailureReason reason;
  };
  const std::size_t n = plain.size();
  for (const Case& c : {Case{n - 1, 0xBD, OdaFailureReason::kTrailerInvalid},
                        Case{0, 0x6B, OdaFailureReason::kHeaderInvalid},
                        Case{1, 0x04, OdaFailureReason::kFormatInvalid},
                        Case{11, 0x02, OdaFailureReason::kHashAlgorithmUnsupported},
                        Case{12, 0x02, OdaFailureReason::kPublicKeyAlgorithmUnsupported},
                        Case{6, 0x13, OdaFailureReason::kExpiryDateInvalid},
                        Case{14, 0x03, OdaFailureReason::kExponentMismatch},
                        Case{13, 0xA0, OdaFailureReason::kPublicKeyLengthInvalid}}) {
    SCOPED_TRACE(c.offset);
    Bytes block = plain;
    block[c.offset] = c.value;
    const Bytes cert = resealAndSign(ca, block, {chain.rem92, chain.exp9F32});
    auto outcome = recoverIssuerPublicKey(
        chain.capk, {cert, chain.rem92, chain.exp9F32, chain.pan, date("2026-01-01")});
    EXPECT_EQ(outcome.reason(), c.reason) << (outcome ? "ok" : outcome.failure().toString());
  }
}

TEST(CryptoOdaTest, ExpiredCertificates) {
  const OwnChain chain;
  // Issuer certificate valid through 12/2030, ICC certificate through 12/2028.
  EXPECT_TRUE(recoverIssuerPublicKey(chain.capk, chain.issuerInput("2030-12-31")).isOk());
  auto expired = recoverIssuerPublicKey(chain.capk, chain.issuerInput("2031-01-01"));
  ASSERT_EQ(expired.reason(), OdaFailureReason::kCertificateExpired);
  EXPECT_NE(expired.failure().detail.find("1230"), std::string::npos);
  EXPECT_TRUE(recoverIccPublicKey(chain.issuerKey(), chain.iccInput("2028-12-31")).isOk());
  EXPECT_EQ(recoverIccPublicKey(chain.issuerKey(), chain.iccInput("2029-01-01")).reason(),
            OdaFailureReason::kCertificateExpired);
}

TEST(CryptoOdaTest, PanMismatches) {
  const OwnChain chain;
  IssuerCertificateInput issuer = chain.issuerInput();
  issuer.pan = "5413330089020011";
  auto wrong_issuer = recoverIssuerPublicKey(chain.capk, issuer);
  ASSERT_EQ(wrong_issuer.reason(), OdaFailureReason::kIssuerIdentifierMismatch);
  // The full PAN never appears in the detail.
  EXPECT_EQ(wrong_issuer.failure().detail.find("5413330089020011"), std::string::npos);
  issuer.pan = "4761739001010011";  // same BIN: fine for the issuer certificate
  EXPECT_TRUE(recoverIssuerPublicKey(chain.capk, issuer).isOk());

  IccCertificateInput icc = chain.iccInput();
  icc.pan = "4761739001010011";
  EXPECT_EQ(recoverIccPublicKey(chain.issuerKey(), icc).reason(), OdaFailureReason::kPanMismatch);
  icc.pan = "476173900101001";  // a prefix is not the PAN
  EXPECT_EQ(recoverIccPublicKey(chain.issuerKey(), icc).reason(), OdaFailureReason::kPanMismatch);
}

TEST(CryptoOdaTest, WrongCapk) {
  const OwnChain chain;
  CapkStore store = testing::loadCapks();
  ASSERT_TRUE(store.add(chain.capk).isOk());
  EXPECT_TRUE(recoverIssuerPublicKey(store, chain.capk.rid, 0xE1, chain.issuerInput()).isOk());
  EXPECT_EQ(recoverIssuerPublicKey(store, chain.capk.rid, 0xE2, chain.issuerInput()).reason(),
            OdaFailureReason::kCapkNotFound);
  // Another 1408-bit CA key (Visa 92): the recovered block is noise.
  auto visa92 = recoverIssuerPublicKey(store, hexBytes("A000000003"), 0x92, chain.issuerInput());
  ASSERT_FALSE(visa92.isOk());
  EXPECT_TRUE(visa92.reason() == OdaFailureReason::kTrailerInvalid ||
              visa92.reason() == OdaFailureReason::kRecoveryFailed)
      << visa92.failure().toString();
  // A 1984-bit key (Visa 94): the certificate has the wrong length.
  EXPECT_EQ(
      recoverIssuerPublicKey(store, hexBytes("A000000003"), 0x94, chain.issuerInput()).reason(),
      OdaFailureReason::kDataLengthMismatch);
}

TEST(CryptoOdaTest, RevokedIssuerCertificate) {
  const OwnChain chain;
  CertificateRevocationList crl;
  crl.add(chain.capk.rid, 0xE1, hexBytes("000002"));
  EXPECT_TRUE(recoverIssuerPublicKey(chain.capk, chain.issuerInput(), &crl).isOk());
  crl.add(chain.capk.rid, 0xE1, hexBytes("000001"));
  EXPECT_EQ(recoverIssuerPublicKey(chain.capk, chain.issuerInput(), &crl).reason(),
            OdaFailureReason::kCertificateRevoked);
}

TEST(CryptoOdaTest, MissingRemainderAndShortData) {
  const OwnChain chain;
  // The remainder is part of the hash input: without it the hash fails first.
  EXPECT_EQ(
      recoverIssuerPublicKey(chain.capk, {chain.cert90, {}, chain.exp9F32, chain.pan, {}}).reason(),
      OdaFailureReason::kHashMismatch);
  // A certificate signed without the remainder it declares: caught by the length check.
  const RsaPrivateKey ca = ownKey("ca_key");
  const Bytes plain = hexField(ownChain(), "issuer_cert_plain");
  const Bytes cert = resealAndSign(ca, plain, {chain.exp9F32});
  EXPECT_EQ(recoverIssuerPublicKey(chain.capk, {cert, {}, chain.exp9F32, chain.pan, {}}).reason(),
            OdaFailureReason::kPublicKeyLengthInvalid);

  const Bytes truncated(chain.cert90.begin(), chain.cert90.end() - 1);
  EXPECT_EQ(
      recoverIssuerPublicKey(chain.capk, {truncated, chain.rem92, chain.exp9F32, {}, {}}).reason(),
      OdaFailureReason::kDataLengthMismatch);
  EXPECT_EQ(recoverDdaSignature(chain.iccKey(), {}, {}).reason(),
            OdaFailureReason::kDataLengthMismatch);
  // A number not below the modulus.
  EXPECT_EQ(recoverDdaSignature(chain.iccKey(), Bytes(128, 0xFF), {}).reason(),
            OdaFailureReason::kRecoveryFailed);
}

TEST(CryptoOdaTest, DynamicDataLengthBeyondTheBlock) {
  const OwnChain chain;
  const RsaPrivateKey icc = ownKey("icc_key");
  Bytes block(128, 0xBB);
  block[0] = 0x6A;
  block[1] = 0x05;
  block[2] = 0x01;
  block[3] = 128 - 24;  // Ldd > N_IC - 25
  block[127] = 0xBC;
  const Bytes sdad = resealAndSign(icc, block, {hexBytes("01020304")});
  EXPECT_EQ(recoverDdaSignature(chain.iccKey(), sdad, hexBytes("01020304")).reason(),
            OdaFailureReason::kDynamicDataInvalid);
  block[3] = 3;  // room for L_DN + DN but not for CID, AC and TDHC
  block[4] = 2;
  const Bytes short_cda = resealAndSign(icc, block, {hexBytes("01020304")});
  CdaInput in;
  in.signed_dynamic_data = short_cda;
  const Bytes un = hexBytes("01020304");
  in.unpredictable_number = un;
  EXPECT_EQ(recoverCdaSignature(chain.iccKey(), in).reason(),
            OdaFailureReason::kDynamicDataInvalid);
  // DDA accepts any dynamic data layout; this one has L_DN 2 and DN BBBB.
  auto dda = recoverDdaSignature(chain.iccKey(), short_cda, un);
  ASSERT_TRUE(dda.isOk()) << dda.failure().toString();
  EXPECT_EQ(toHex(dda->icc_dynamic_number), "BBBB");
}

TEST(CryptoOdaTest, CalculatorModeSkipsPanAndDate) {
  const OwnChain chain;
  auto cert =
      recoverIssuerPublicKey(chain.capk, {chain.cert90, chain.rem92, chain.exp9F32, {}, {}});
  ASSERT_TRUE(cert.isOk());
  EXPECT_EQ(cert->public_key, chain.issuerKey());
  EXPECT_EQ(std::string(odaFailureReasonName(OdaFailureReason::kHashMismatch)), "hash mismatch");
  const Json json = toJson(*cert);
  EXPECT_EQ(field(json, "issuer_identifier"), "476173FF");
  EXPECT_EQ(field(json, "expiry"), "12/2030");
  EXPECT_EQ(field(json, "public_key_modulus"), field(*ownChain().find("issuer_key"), "modulus"));

  Bytes rem = chain.rem92;
  rem[0] ^= 1;
  auto failed = recoverIssuerPublicKey(chain.capk, {chain.cert90, rem, chain.exp9F32, {}, {}});
  ASSERT_FALSE(failed.isOk());
  const Json failure = toJson(failed.failure());
  EXPECT_EQ(field(failure, "reason"), "hash mismatch");
  EXPECT_EQ(field(failure, "recovered"), field(ownChain(), "issuer_cert_plain"));
}

}  // namespace
}  // namespace posim::emv::crypto
