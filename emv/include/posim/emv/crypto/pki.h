// The signing side of offline data authentication: a test PKI (CA -> issuer -> ICC), the
// certificates it issues and the signatures a virtual card computes (EMV Book 2 §5.1, §5.2, §6.1,
// §6.2, §6.5.1, §6.6.1, §7.1). Everything here is the exact inverse of oda.h: what these
// functions produce, the recovery functions accept.
//
// Padding is deterministic ('BB' bytes, as Book 2 specifies), so a certificate or signature is
// a pure function of its inputs; only key generation consumes randomness, from the injected
// posim::Random, so the same seed gives the same keys on every machine.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "posim/base/bytes.h"
#include "posim/base/json.h"
#include "posim/base/random.h"
#include "posim/base/status.h"
#include "posim/emv/crypto/capk.h"
#include "posim/emv/crypto/rsa.h"

namespace posim::emv::crypto {

// What a CA certifies about an issuer key besides the key itself (Book 2 Table 6).
struct IssuerCertificateData {
  std::string issuer_identifier;     // 3..8 leftmost PAN digits (padded with F to 4 bytes)
  std::chrono::year_month expiry{};  // Certificate Expiration Date, written MMYY
  Bytes serial_number;               // Certificate Serial Number, 3 bytes
};

// What an issuer certifies about an ICC key (Book 2 Table 14).
struct IccCertificateData {
  std::string pan;                   // Application PAN, 12..19 digits (padded with F to 10 bytes)
  std::chrono::year_month expiry{};  // Certificate Expiration Date, written MMYY
  Bytes serial_number;               // Certificate Serial Number, 3 bytes
};

// The three card tags of a public key certificate.
struct PublicKeyCertificate {
  Bytes certificate;  // 90 (issuer), 9F46 (ICC), 9F2D (ICC PIN encipherment)
  Bytes remainder;    // 92, 9F48, 9F2F; empty when the whole modulus fits in the certificate
  Bytes exponent;     // 9F32, 9F47, 9F2E
};

// Issuer Public Key Certificate signed by a CA key (Book 2 §5.1, Table 6): format 02, SHA-1 (01),
// RSA (01). The modulus goes into the certificate up to N_CA - 36 bytes, the rest into the
// remainder; shorter moduli are padded with BB.
// Errors: InvalidArgument if the identifier is not 3..8 digits, the serial is not 3 bytes, the
// expiry year is outside 1950..2049, the issuer key is longer than the CA key (Book 2 §5.1: N_I
// <= N_CA) or its exponent is over 3 bytes.
Result<PublicKeyCertificate> signIssuerPublicKeyCertificate(const RsaPrivateKey& ca_key,
                                                            const RsaPublicKey& issuer_key,
                                                            const IssuerCertificateData& data);

// ICC Public Key Certificate signed by the issuer key (Book 2 §6.1, Table 14): format 04; the hash
// covers the static data to be authenticated (DOMAIN.md §1.3). Modulus split at N_I - 42.
// Errors: InvalidArgument for a PAN that is not 12..19 digits, a bad serial or expiry, an ICC key
// longer than the issuer key (N_IC <= N_I), or an exponent over 3 bytes.
Result<PublicKeyCertificate> signIccPublicKeyCertificate(const RsaPrivateKey& issuer_key,
                                                         const RsaPublicKey& icc_key,
                                                         const IccCertificateData& data,
                                                         ByteView static_data);

// ICC PIN Encipherment Public Key Certificate (Book 2 §7.1): as the ICC certificate, without
// static data in the hash.
Result<PublicKeyCertificate> signIccPinEnciphermentKeyCertificate(const RsaPrivateKey& issuer_key,
                                                                  const RsaPublicKey& pin_key,
                                                                  const IccCertificateData& data);

// Signed Static Application Data, tag 93 (Book 2 §5.2, Table 7): format 03, the 2-byte Data
// Authentication Code (9F45), BB padding, SHA-1 over the block ‖ static data to be authenticated.
// Errors: InvalidArgument if the DAC is not 2 bytes or the key is under 26 bytes.
Result<Bytes> signStaticApplicationData(const RsaPrivateKey& issuer_key,
                                        ByteView data_authentication_code, ByteView static_data);

// ICC Dynamic Data for DDA: L_DN ‖ ICC Dynamic Number (Book 2 §6.5.1).
// Errors: InvalidArgument unless the number is 2..8 bytes.
Result<Bytes> ddaIccDynamicData(ByteView icc_dynamic_number);

// ICC Dynamic Data for CDA (Book 2 Table 19): L_DN ‖ ICC Dynamic Number ‖ CID ‖ Application
// Cryptogram ‖ Transaction Data Hash Code. Errors: InvalidArgument on a number that is not 2..8
// bytes, a cryptogram that is not 8 bytes or a hash code that is not 20 bytes.
Result<Bytes> cdaIccDynamicData(ByteView icc_dynamic_number,
                                std::uint8_t cryptogram_information_data,
                                ByteView application_cryptogram,
                                ByteView transaction_data_hash_code);

// Signed Dynamic Application Data, tag 9F4B (Book 2 §6.5.1 Table 17 for DDA, §6.6.1 for CDA):
// format 05, Ldd ‖ ICC dynamic data, BB padding, SHA-1 over the block ‖ terminal dynamic data.
// For DDA terminal_dynamic_data is the DDOL data of INTERNAL AUTHENTICATE; for CDA it is the
// unpredictable number 9F37 and icc_dynamic_data comes from cdaIccDynamicData().
// Errors: InvalidArgument if the ICC dynamic data is longer than N_IC - 25 bytes.
Result<Bytes> signDynamicApplicationData(const RsaPrivateKey& icc_key, ByteView icc_dynamic_data,
                                         ByteView terminal_dynamic_data);

// Generates an RSA key of exactly `bits` bits (two primes of bits/2 bits with their two top bits
// set, gcd(p-1, e) = gcd(q-1, e) = 1), deterministic from random: candidates are built from
// random.bytes() and tested with OpenSSL's BN_check_prime, whose verdict does not depend on its
// own internal randomness (error probability below 2^-128). Typical cost: tens of milliseconds
// for 1024 bits.
// Errors: InvalidArgument if bits is not 512..4096 or public_exponent is even or < 3.
Result<RsaPrivateKey> generateRsaKey(std::size_t bits, std::uint32_t public_exponent,
                                     Random& random);

// Parameters of a fresh test PKI. Defaults reproduce the shape of tests/data/vectors/
// emv_oda_own_chain.json (RID A000000999, index E1, 1408/1152/1024 bits, e = 3).
struct TestPkiSpec {
  Bytes rid = {0xA0, 0x00, 0x00, 0x09, 0x99};
  std::uint8_t capk_index = 0xE1;
  std::size_t ca_bits = 1408;  // multiples of 8; N_CA >= N_I >= N_IC (Book 2 §5.1, §6.1)
  std::size_t issuer_bits = 1152;
  std::size_t icc_bits = 1024;
  std::uint32_t public_exponent = 3;  // 3 or 65537
  std::string pan;                    // REQUIRED: the Application PAN the ICC certificate binds
  std::string issuer_identifier;      // empty: the first 6 digits of pan
  std::chrono::year_month issuer_certificate_expiry{std::chrono::year(2030), std::chrono::December};
  Bytes issuer_certificate_serial = {0x00, 0x00, 0x01};
  std::chrono::year_month icc_certificate_expiry{std::chrono::year(2028), std::chrono::December};
  Bytes icc_certificate_serial = {0x00, 0x00, 0x42};
  Bytes data_authentication_code = {0xDA, 0xC1};
  // Static data to be authenticated, covered by the ICC certificate and the SSAD. A card whose
  // records change needs both re-signed (signIccPublicKeyCertificate, signStaticApplicationData).
  Bytes static_data;
};

// A generated chain: everything a terminal (capk) and a virtual card (the rest) need for SDA,
// DDA and CDA.
struct TestPki {
  CaPublicKey capk;
  RsaPrivateKey ca_key;
  RsaPrivateKey issuer_key;
  PublicKeyCertificate issuer_certificate;  // 90, 92, 9F32
  RsaPrivateKey icc_key;
  PublicKeyCertificate icc_certificate;  // 9F46, 9F48, 9F47
  Bytes signed_static_application_data;  // 93
};

// Generates CA, issuer and ICC keys in that order from random, then certifies and signs.
// The same spec and the same seed give the same TestPki, byte for byte.
// Errors: InvalidArgument for sizes that are not multiples of 8 in 512..1984, sizes out of order,
// an exponent other than 3 or 65537, or bad certificate data (see the sign functions).
Result<TestPki> generateTestPki(const TestPkiSpec& spec, Random& random);

// The chain as JSON in the layout of emv_oda_own_chain.json: ca_key / issuer_key / icc_key
// {modulus, public_exponent, private_exponent, p, q, dp, dq, qinv} (+ rid, index,
// capk_checksum_sha1 for the CA), and card_tags {8F, 90, 92, 9F32, 93, 9F46, 9F47, 9F48}.
// Contains private keys: for personalisation files and the `posim crypto` calculator only.
Json testPkiToJson(const TestPki& pki);

}  // namespace posim::emv::crypto
