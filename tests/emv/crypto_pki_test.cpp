#include <gtest/gtest.h>

#include "posim/emv/crypto/oda.h"
#include "posim/emv/crypto/pki.h"
#include "posim/emv/crypto/rsa_pin.h"

#include "crypto_rsa_test_support.h"

namespace posim::emv::crypto {
namespace {

using std::chrono::December;
using std::chrono::year;
using testing::field;
using testing::hexField;
using testing::ownChain;
using testing::ownKey;
using testing::ownTag;

Date date(std::string_view iso) {
  return *parseDate(iso);
}

IccCertificateData ownIccData() {
  return {field(ownChain(), "pan"), year(2028) / December, hexBytes("000042")};
}

// --- byte-exact signing of tests/data/vectors/emv_oda_own_chain.json ---

TEST(CryptoPkiTest, SignsTheOwnChainIssuerCertificateByteForByte) {
  const IssuerCertificateData data{"476173", year(2030) / December, hexBytes("000001")};
  auto cert =
      signIssuerPublicKeyCertificate(ownKey("ca_key"), ownKey("issuer_key").publicKey(), data);
  ASSERT_TRUE(cert.isOk()) << cert.status().toString();
  EXPECT_EQ(toHex(cert->certificate), toHex(ownTag("90")));
  EXPECT_EQ(toHex(cert->remainder), toHex(ownTag("92")));
  EXPECT_EQ(toHex(cert->exponent), toHex(ownTag("9F32")));
}

TEST(CryptoPkiTest, SignsTheOwnChainIccCertificateByteForByte) {
  const Bytes static_data = hexField(ownChain(), "static_data_to_be_authenticated");
  auto cert = signIccPublicKeyCertificate(ownKey("issuer_key"), ownKey("icc_key").publicKey(),
                                          ownIccData(), static_data);
  ASSERT_TRUE(cert.isOk()) << cert.status().toString();
  EXPECT_EQ(toHex(cert->certificate), toHex(ownTag("9F46")));
  EXPECT_EQ(toHex(cert->remainder), toHex(ownTag("9F48")));
  EXPECT_EQ(toHex(cert->exponent), toHex(ownTag("9F47")));
}

TEST(CryptoPkiTest, SignsTheOwnChainSsadDdaAndCdaByteForByte) {
  const Bytes static_data = hexField(ownChain(), "static_data_to_be_authenticated");
  auto ssad = signStaticApplicationData(
      ownKey("issuer_key"), hexField(ownChain(), "data_authentication_code"), static_data);
  ASSERT_TRUE(ssad.isOk()) << ssad.status().toString();
  EXPECT_EQ(toHex(*ssad), toHex(ownTag("93")));

  const RsaPrivateKey icc = ownKey("icc_key");
  const Json& dda = *ownChain().find("dda");
  auto dda_data = ddaIccDynamicData(hexField(dda, "icc_dynamic_number"));
  ASSERT_TRUE(dda_data.isOk());
  auto dda_sdad = signDynamicApplicationData(icc, *dda_data, hexField(dda, "un"));
  ASSERT_TRUE(dda_sdad.isOk()) << dda_sdad.status().toString();
  EXPECT_EQ(toHex(*dda_sdad), field(dda, "sdad_9F4B"));

  const Json& cda = *ownChain().find("cda");
  const Bytes tdhc =
      transactionDataHashCode(hexField(cda, "pdol_data"), hexField(cda, "cdol1_data"), {},
                              hexField(cda, "genac_response_tlvs_excl_9F4B"));
  auto cda_data = cdaIccDynamicData(hexField(cda, "icc_dynamic_number"), hexField(cda, "cid").at(0),
                                    hexField(cda, "ac"), tdhc);
  ASSERT_TRUE(cda_data.isOk()) << cda_data.status().toString();
  auto cda_sdad = signDynamicApplicationData(icc, *cda_data, hexField(cda, "un_9F37"));
  ASSERT_TRUE(cda_sdad.isOk()) << cda_sdad.status().toString();
  EXPECT_EQ(toHex(*cda_sdad), field(cda, "sdad_9F4B"));
}

TEST(CryptoPkiTest, SigningRejectsBadInputs) {
  const RsaPrivateKey ca = ownKey("ca_key");
  const RsaPrivateKey issuer = ownKey("issuer_key");
  const RsaPrivateKey icc = ownKey("icc_key");
  const IssuerCertificateData good{"476173", year(2030) / December, hexBytes("000001")};
  IssuerCertificateData bad = good;
  bad.issuer_identifier = "47";
  EXPECT_FALSE(signIssuerPublicKeyCertificate(ca, issuer.publicKey(), bad).isOk());
  bad = good;
  bad.issuer_identifier = "4761A3";
  EXPECT_FALSE(signIssuerPublicKeyCertificate(ca, issuer.publicKey(), bad).isOk());
  bad = good;
  bad.serial_number = hexBytes("0001");
  EXPECT_FALSE(signIssuerPublicKeyCertificate(ca, issuer.publicKey(), bad).isOk());
  bad = good;
  bad.expiry = year(2050) / December;
  EXPECT_FALSE(signIssuerPublicKeyCertificate(ca, issuer.publicKey(), bad).isOk());
  // N_I <= N_CA: an issuer cannot certify a longer key.
  EXPECT_FALSE(signIssuerPublicKeyCertificate(icc, issuer.publicKey(), good).isOk());
  IccCertificateData icc_data = ownIccData();
  icc_data.pan = "12345";
  EXPECT_FALSE(signIccPublicKeyCertificate(issuer, icc.publicKey(), icc_data, {}).isOk());
  EXPECT_FALSE(signStaticApplicationData(issuer, hexBytes("DA"), {}).isOk());
  EXPECT_FALSE(ddaIccDynamicData(hexBytes("01")).isOk());
  EXPECT_FALSE(ddaIccDynamicData(Bytes(9, 1)).isOk());
  EXPECT_FALSE(cdaIccDynamicData(hexBytes("0102"), 0x80, Bytes(7), Bytes(20)).isOk());
  EXPECT_FALSE(signDynamicApplicationData(icc, Bytes(icc.size() - 24), {}).isOk());
  EXPECT_TRUE(signDynamicApplicationData(icc, Bytes(icc.size() - 25), {}).isOk());
}

TEST(CryptoPkiTest, ShortIssuerKeyIsPaddedAndVerifies) {
  // Issuer key shorter than N_CA - 36: no remainder, BB padding inside the certificate.
  SeededRandom random(11);
  auto small = generateRsaKey(1024, 3, random);
  ASSERT_TRUE(small.isOk()) << small.status().toString();
  const IssuerCertificateData data{"476173", year(2030) / December, hexBytes("000007")};
  auto cert = signIssuerPublicKeyCertificate(ownKey("ca_key"), small->publicKey(), data);
  ASSERT_TRUE(cert.isOk()) << cert.status().toString();
  EXPECT_TRUE(cert->remainder.empty());
  auto recovered = recoverIssuerPublicKey(
      testing::ownCapk(),
      {cert->certificate, {}, cert->exponent, "4761739001010010", date("2026-01-01")});
  ASSERT_TRUE(recovered.isOk()) << recovered.failure().toString();
  EXPECT_EQ(recovered->public_key, small->publicKey());
  EXPECT_EQ(recovered->recovered[recovered->recovered.size() - 22], kPaddingByte);
}

TEST(CryptoPkiTest, PinEnciphermentCertificateRoundTrip) {
  SeededRandom random(5);
  auto pin_key = generateRsaKey(768, 3, random);
  ASSERT_TRUE(pin_key.isOk());
  auto cert = signIccPinEnciphermentKeyCertificate(ownKey("issuer_key"), pin_key->publicKey(),
                                                   ownIccData());
  ASSERT_TRUE(cert.isOk()) << cert.status().toString();
  const std::string pan = field(ownChain(), "pan");
  IccCertificateInput in{cert->certificate, cert->remainder, cert->exponent, {}, pan,
                         date("2026-01-01")};
  auto recovered = recoverIccPinEnciphermentKey(ownKey("issuer_key").publicKey(), in);
  ASSERT_TRUE(recovered.isOk()) << recovered.failure().toString();
  EXPECT_EQ(recovered->public_key, pin_key->publicKey());
  // Not an ICC public key certificate: that one hashes static data too.
  const Bytes static_data = hexBytes("5A08");
  in.static_data = static_data;
  EXPECT_EQ(recoverIccPublicKey(ownKey("issuer_key").publicKey(), in).reason(),
            OdaFailureReason::kHashMismatch);

  const Bytes un = hexBytes("1122334455667788");
  auto enciphered =
      encipherPinBlock(recovered->public_key, hexBytes("241234FFFFFFFFFF"), un, random);
  ASSERT_TRUE(enciphered.isOk());
  EXPECT_EQ(toHex(decipherPinBlock(*pin_key, *enciphered, un).value_or(Bytes{})),
            "241234FFFFFFFFFF");
}

// --- key and PKI generation ---

TEST(CryptoPkiTest, GeneratedKeysAreDeterministicAndExactSize) {
  SeededRandom a(2024);
  SeededRandom b(2024);
  auto ka = generateRsaKey(1024, 65537, a);
  auto kb = generateRsaKey(1024, 65537, b);
  ASSERT_TRUE(ka.isOk()) << ka.status().toString();
  ASSERT_TRUE(kb.isOk());
  EXPECT_EQ(ka->publicKey(), kb->publicKey());
  EXPECT_EQ(ka->privateExponent(), kb->privateExponent());
  EXPECT_EQ(ka->publicKey().bits(), 1024U);
  EXPECT_EQ(toHex(ka->publicKey().exponent()), "010001");
  EXPECT_TRUE(ka->hasCrt());
  Bytes message(128, 0x11);
  EXPECT_EQ(*ka->publicKey().publicOperation(*ka->privateOperation(message)), message);

  SeededRandom c(2025);
  EXPECT_FALSE(generateRsaKey(1024, 65537, c)->publicKey() == ka->publicKey());
  EXPECT_FALSE(generateRsaKey(256, 3, c).isOk());
  EXPECT_FALSE(generateRsaKey(1024, 4, c).isOk());
}

TEST(CryptoPkiTest, GeneratedPkiIsIdenticalForTheSameSeedAndVerifies) {
  TestPkiSpec spec;
  spec.pan = "4761739001010010";
  spec.static_data = hexField(ownChain(), "static_data_to_be_authenticated");
  SeededRandom first_random(42);
  SeededRandom second_random(42);
  auto first = generateTestPki(spec, first_random);
  auto second = generateTestPki(spec, second_random);
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  ASSERT_TRUE(second.isOk());
  EXPECT_EQ(testPkiToJson(*first).dump(), testPkiToJson(*second).dump());
  EXPECT_EQ(first->ca_key.publicKey().bits(), 1408U);
  EXPECT_EQ(first->issuer_key.publicKey().bits(), 1152U);
  EXPECT_EQ(first->icc_key.publicKey().bits(), 1024U);
  EXPECT_EQ(toHex(first->capk.rid), "A000000999");
  EXPECT_EQ(first->capk.index, 0xE1);
  // Not the own chain's keys: those came from another generator.
  EXPECT_NE(toHex(first->ca_key.publicKey().modulus()),
            field(*ownChain().find("ca_key"), "modulus"));

  // The chain verifies with the terminal-side code: SDA, then DDA and CDA.
  const TestPki& pki = *first;
  const std::string pan = spec.pan;
  auto issuer = recoverIssuerPublicKey(
      pki.capk, {pki.issuer_certificate.certificate, pki.issuer_certificate.remainder,
                 pki.issuer_certificate.exponent, pan, date("2026-06-30")});
  ASSERT_TRUE(issuer.isOk()) << issuer.failure().toString();
  EXPECT_EQ(issuer->public_key, pki.issuer_key.publicKey());
  auto ssad = recoverSignedStaticData(issuer->public_key, pki.signed_static_application_data,
                                      spec.static_data);
  ASSERT_TRUE(ssad.isOk()) << ssad.failure().toString();
  EXPECT_EQ(toHex(ssad->data_authentication_code), "DAC1");
  auto icc = recoverIccPublicKey(
      issuer->public_key,
      {pki.icc_certificate.certificate, pki.icc_certificate.remainder, pki.icc_certificate.exponent,
       spec.static_data, pan, date("2026-06-30")});
  ASSERT_TRUE(icc.isOk()) << icc.failure().toString();
  EXPECT_EQ(icc->public_key, pki.icc_key.publicKey());

  const Bytes un = hexBytes("0A0B0C0D");
  const Bytes dn = hexBytes("0001020304050607");
  auto dda_sdad = signDynamicApplicationData(pki.icc_key, *ddaIccDynamicData(dn), un);
  ASSERT_TRUE(dda_sdad.isOk());
  auto dda = recoverDdaSignature(icc->public_key, *dda_sdad, un);
  ASSERT_TRUE(dda.isOk()) << dda.failure().toString();
  EXPECT_EQ(dda->icc_dynamic_number, dn);

  const Bytes pdol = hexBytes("000000010000");
  const Bytes cdol1 = hexBytes("0000000100000000000000097808000000000978260630000A0B0C0D");
  const Bytes response = hexBytes("9F2701409F360200019F100706010A03A00000");
  const Bytes ac = hexBytes("0102030405060708");
  const Bytes tdhc = transactionDataHashCode(pdol, cdol1, {}, response);
  auto cda_sdad =
      signDynamicApplicationData(pki.icc_key, *cdaIccDynamicData(dn, 0x40, ac, tdhc), un);
  ASSERT_TRUE(cda_sdad.isOk());
  CdaInput in;
  in.signed_dynamic_data = *cda_sdad;
  in.unpredictable_number = un;
  in.cryptogram_information_data = 0x40;
  in.pdol_data = pdol;
  in.cdol1_data = cdol1;
  in.response_tlvs_without_sdad = response;
  auto cda = recoverCdaSignature(icc->public_key, in);
  ASSERT_TRUE(cda.isOk()) << cda.failure().toString();
  EXPECT_EQ(cda->application_cryptogram, ac);

  SeededRandom other_random(43);
  auto other = generateTestPki(spec, other_random);
  ASSERT_TRUE(other.isOk());
  EXPECT_NE(other->ca_key.publicKey(), first->ca_key.publicKey());
}

TEST(CryptoPkiTest, GeneratedPkiWithExponent65537AndJson) {
  TestPkiSpec spec;
  spec.pan = "4761739001010010";
  spec.ca_bits = 1024;
  spec.issuer_bits = 896;
  spec.icc_bits = 768;
  spec.public_exponent = 65537;
  spec.rid = hexBytes("A000000998");
  spec.capk_index = 0x01;
  SeededRandom random(1);
  auto pki = generateTestPki(spec, random);
  ASSERT_TRUE(pki.isOk()) << pki.status().toString();
  EXPECT_EQ(toHex(pki->issuer_certificate.exponent), "010001");
  const Json json = testPkiToJson(*pki);
  EXPECT_EQ(field(*json.find("ca_key"), "rid"), "A000000998");
  EXPECT_EQ(field(*json.find("ca_key"), "capk_checksum_sha1"), toHex(pki->capk.checksum));
  const Json& tags = *json.find("card_tags");
  EXPECT_EQ(field(tags, "8F"), "01");
  EXPECT_EQ(field(tags, "90"), toHex(pki->issuer_certificate.certificate));
  EXPECT_EQ(field(tags, "9F47"), "010001");
  // The JSON keys load back into working keys.
  const Json& icc = *json.find("icc_key");
  auto reloaded = RsaPrivateKey::create(hexField(icc, "modulus"), hexField(icc, "public_exponent"),
                                        hexField(icc, "private_exponent"), hexField(icc, "p"),
                                        hexField(icc, "q"));
  ASSERT_TRUE(reloaded.isOk()) << reloaded.status().toString();
  EXPECT_EQ(toHex(reloaded->crtCoefficient()), field(icc, "qinv"));

  auto issuer = recoverIssuerPublicKey(
      pki->capk, {pki->issuer_certificate.certificate, pki->issuer_certificate.remainder,
                  pki->issuer_certificate.exponent, spec.pan, date("2030-12-31")});
  ASSERT_TRUE(issuer.isOk()) << issuer.failure().toString();
  auto icc_cert = recoverIccPublicKey(issuer->public_key, {pki->icc_certificate.certificate,
                                                           pki->icc_certificate.remainder,
                                                           pki->icc_certificate.exponent,
                                                           {},
                                                           spec.pan,
                                                           date("2028-12-31")});
  ASSERT_TRUE(icc_cert.isOk()) << icc_cert.failure().toString();
}

TEST(CryptoPkiTest, GenerateTestPkiRejectsBadSpecs) {
  SeededRandom random(3);
  TestPkiSpec spec;
  spec.pan = "4761739001010010";
  spec.icc_bits = 1160;  // longer than the issuer key
  EXPECT_FALSE(generateTestPki(spec, random).isOk());
  spec = TestPkiSpec();
  spec.pan = "4761739001010010";
  spec.ca_bits = 1412;
  EXPECT_FALSE(generateTestPki(spec, random).isOk());
  spec = TestPkiSpec();
  spec.pan = "4761739001010010";
  spec.public_exponent = 5;
  EXPECT_FALSE(generateTestPki(spec, random).isOk());
  spec = TestPkiSpec();
  spec.pan = "4761739001010010";
  spec.rid = hexBytes("A0000009");
  EXPECT_FALSE(generateTestPki(spec, random).isOk());
  spec = TestPkiSpec();  // no PAN
  EXPECT_FALSE(generateTestPki(spec, random).isOk());
}

}  // namespace
}  // namespace posim::emv::crypto
