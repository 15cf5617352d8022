// Offline data authentication, terminal side: recovery and verification of the EMV certificates
// and signatures with every check of EMV Book 2 (summary table: DOMAIN.md §1.4).
//
//   step                         card tags               key          Book 2
//   Issuer public key            90, 92, 9F32            CAPK         §5.3 (SDA), §6.3 (DDA/CDA)
//   Signed Static App. Data      93                      issuer PK    §5.4
//   ICC public key               9F46, 9F48, 9F47        issuer PK    §6.4
//   ICC PIN encipherment key     9F2D, 9F2F, 9F2E        issuer PK    §7.1
//   Signed Dynamic App. Data     9F4B (INTERNAL AUTH.)   ICC PK       §6.5.2 (DDA)
//   Signed Dynamic App. Data     9F4B (GENERATE AC)      ICC PK       §6.6.2 (CDA)
//
// A failed check is not an error: it is an outcome the kernel turns into a TVR bit (SDA failed,
// DDA failed, CDA failed, Book 3 §10.3). So these functions return an OdaOutcome, which holds
// either the recovered data or an OdaFailure naming the Book 2 step that failed.
//
// All functions are pure (no I/O, same answer for the same input) and thread-safe. Certificate
// recoveries are memoised by their exact input bytes (a bounded table behind a mutex), so a card
// presenting the same certificates again costs no RSA operation for them.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/json.h"
#include "posim/emv/crypto/capk.h"
#include "posim/emv/crypto/rsa.h"

namespace posim::emv::crypto {

// Recovered data header and trailer of every EMV RSA format (Book 2 §A2.1).
inline constexpr std::uint8_t kRecoveredDataHeader = 0x6A;
inline constexpr std::uint8_t kRecoveredDataTrailer = 0xBC;
// Certificate / signed data formats (Book 2 Tables 6, 7, 13, 14, 17, 22).
inline constexpr std::uint8_t kFormatIssuerCertificate = 0x02;
inline constexpr std::uint8_t kFormatSignedStaticData = 0x03;
inline constexpr std::uint8_t kFormatIccCertificate = 0x04;
inline constexpr std::uint8_t kFormatSignedDynamicData = 0x05;
// Public key algorithm indicator for RSA (Book 2 §B3).
inline constexpr std::uint8_t kPublicKeyAlgorithmRsa = 0x01;
// The padding byte of certificates and signed data.
inline constexpr std::uint8_t kPaddingByte = 0xBB;

// Why offline data authentication failed, one value per check of Book 2.
enum class OdaFailureReason {
  kCapkNotFound,                   // no CA public key for RID + 8F (Book 3 §10.3)
  kDataLengthMismatch,             // certificate/signature length != key modulus length (step 1)
  kRecoveryFailed,                 // not a number below the modulus: no recovery possible
  kTrailerInvalid,                 // recovered data trailer is not BC (step 2)
  kHeaderInvalid,                  // recovered data header is not 6A (step 3)
  kFormatInvalid,                  // wrong certificate / signed data format (step 4)
  kHashAlgorithmUnsupported,       // hash algorithm indicator is not 01 (step 6)
  kHashMismatch,                   // the hash result does not match (step 7)
  kIssuerIdentifierMismatch,       // issuer identifier is not the leftmost PAN digits (§5.3 8)
  kPanMismatch,                    // PAN in the ICC certificate is not 5A (§6.4 step 8)
  kExpiryDateInvalid,              // certificate expiration date is not a valid MMYY
  kCertificateExpired,             // certificate expired before the transaction date (step 9)
  kCertificateRevoked,             // (RID, index, serial) is on the revocation list (step 10)
  kPublicKeyAlgorithmUnsupported,  // public key algorithm indicator is not 01 (step 11)
  kPublicKeyLengthInvalid,         // declared key length impossible, or remainder of wrong size
  kExponentMismatch,               // declared exponent length differs from the exponent tag
  kPublicKeyInvalid,               // the recovered key is not a usable RSA public key
  kDynamicDataInvalid,             // ICC dynamic data length / layout impossible (§6.5.2, §6.6.2)
  kCryptogramInformationMismatch,  // CID in the SDAD differs from 9F27 (§6.6.2 step 5)
  kTransactionDataHashMismatch,    // Transaction Data Hash Code differs (§6.6.2 step 9)
};

// "hash mismatch", "certificate expired", ...
std::string_view odaFailureReasonName(OdaFailureReason reason);

// A failed ODA step.
struct OdaFailure {
  OdaFailureReason reason;
  // For traces: what was found vs expected, e.g. "format 03, expected 02". Never contains key
  // material or a full PAN.
  std::string detail;
  // The recovered block when the failure happened after recovery (public data; traces show it,
  // tests read the fields of certificates whose hash input is unknown).
  Bytes recovered;

  // "hash mismatch: ..." for logs.
  std::string toString() const;
};

// Either the recovered T or the OdaFailure that stopped the step.
template <typename T>
class [[nodiscard]] OdaOutcome {
 public:
  OdaOutcome(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  OdaOutcome(OdaFailure failure) : data_(std::move(failure)) {}  // NOLINT

  bool isOk() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return isOk(); }

  // REQUIRES: isOk() (aborts otherwise).
  const T& value() const& {
    if (!isOk()) std::abort();
    return std::get<T>(data_);
  }
  T&& value() && {
    if (!isOk()) std::abort();
    return std::move(std::get<T>(data_));
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !isOk() (aborts otherwise).
  const OdaFailure& failure() const& {
    if (isOk()) std::abort();
    return std::get<OdaFailure>(data_);
  }
  // The failure reason, or nullopt on success.
  std::optional<OdaFailureReason> reason() const {
    if (isOk()) return std::nullopt;
    return std::get<OdaFailure>(data_).reason;
  }

 private:
  std::variant<T, OdaFailure> data_;
};

// A recovered issuer or ICC public key certificate (Book 2 Tables 6 and 14).
struct RecoveredCertificate {
  Bytes recovered;          // the whole recovered block, 6A .. BC
  std::uint8_t format = 0;  // 02 issuer, 04 ICC (and ICC PIN encipherment)
  // Issuer certificate: the Issuer Identifier (4 bytes, leftmost PAN digits padded with F).
  // ICC certificate: the Application PAN (10 bytes, padded with F).
  Bytes identifier;
  std::chrono::year_month expiry{};  // Certificate Expiration Date (MMYY, YY < 50 -> 20YY)
  Bytes serial_number;               // 3 bytes
  HashAlgorithm hash_algorithm = HashAlgorithm::kSha1;
  std::uint8_t public_key_algorithm = kPublicKeyAlgorithmRsa;
  RsaPublicKey public_key;  // modulus = leftmost digits ‖ remainder; the exponent tag
  Bytes hash;               // the hash result carried by the certificate
};

// Recovered Signed Static Application Data (tag 93; Book 2 Table 7).
struct RecoveredStaticData {
  Bytes recovered;
  HashAlgorithm hash_algorithm = HashAlgorithm::kSha1;
  Bytes data_authentication_code;  // 2 bytes: the kernel stores it as 9F45
  Bytes hash;
};

// Recovered Signed Dynamic Application Data (tag 9F4B; Book 2 Tables 17 and 22).
struct RecoveredDynamicData {
  Bytes recovered;
  HashAlgorithm hash_algorithm = HashAlgorithm::kSha1;
  Bytes icc_dynamic_data;    // Ldd bytes
  Bytes icc_dynamic_number;  // 2..8 bytes (9F4C); empty for DDA data not in L_DN ‖ DN layout
  // CDA only (Book 2 Table 19):
  std::uint8_t cryptogram_information_data = 0;  // CID
  Bytes application_cryptogram;                  // 8 bytes: the kernel stores it as 9F26
  Bytes transaction_data_hash_code;              // 20 bytes
  Bytes hash;
};

// Inputs of the issuer public key recovery. The views must outlive the call.
struct IssuerCertificateInput {
  ByteView certificate;  // tag 90, N_CA bytes
  ByteView remainder;    // tag 92, empty when absent
  ByteView exponent;     // tag 9F32
  // The Application PAN (5A) as digits. Empty skips the issuer identifier check: only for the
  // `posim crypto` calculator; the kernel always passes it.
  std::string_view pan;
  // The transaction date (9A). nullopt skips the expiry check (calculator only).
  std::optional<Date> transaction_date;
};

// Recovers and checks the Issuer Public Key Certificate with a CA public key: Book 2 §5.3 steps
// 1-12 (SDA) and §6.3 (DDA/CDA, the same procedure): length, trailer BC, header 6A, format 02,
// SHA-1 over recovered bytes 2..N_CA-21 ‖ remainder ‖ exponent, issuer identifier vs PAN, expiry
// vs transaction date, revocation of (RID, index, serial) when crl is given, algorithm
// indicators, key length and remainder size.
OdaOutcome<RecoveredCertificate> recoverIssuerPublicKey(
    const CaPublicKey& capk, const IssuerCertificateInput& input,
    const CertificateRevocationList* crl = nullptr);

// The same, looking the CAPK up by RID (first 5 bytes of the AID) and index (8F) first;
// kCapkNotFound if the store has no such key (Book 3 §10.3).
OdaOutcome<RecoveredCertificate> recoverIssuerPublicKey(
    const CapkStore& store, ByteView rid, std::uint8_t capk_index,
    const IssuerCertificateInput& input, const CertificateRevocationList* crl = nullptr);

// Recovers Signed Static Application Data (93) with the issuer public key and checks it over the
// static data to be authenticated (DOMAIN.md §1.3): Book 2 §5.4 steps 1-7 (length, BC, 6A,
// format 03, SHA-1 over recovered bytes 2..N_I-21 ‖ static data).
OdaOutcome<RecoveredStaticData> recoverSignedStaticData(const RsaPublicKey& issuer_key,
                                                        ByteView signed_static_data,
                                                        ByteView static_data);

// Inputs of the ICC public key (or ICC PIN encipherment key) recovery. The views must outlive
// the call.
struct IccCertificateInput {
  ByteView certificate;  // 9F46 (9F2D), N_I bytes
  ByteView remainder;    // 9F48 (9F2F), empty when absent
  ByteView exponent;     // 9F47 (9F2E)
  // Static data to be authenticated (DOMAIN.md §1.3). Not used for the PIN encipherment key.
  ByteView static_data;
  std::string_view pan;                  // 5A as digits; empty skips the check (calculator)
  std::optional<Date> transaction_date;  // 9A; nullopt skips the expiry check (calculator)
};

// Recovers and checks the ICC Public Key Certificate with the issuer public key: Book 2 §6.4
// steps 1-11: length, BC, 6A, format 04, SHA-1 over recovered bytes 2..N_I-21 ‖ 9F48 ‖ 9F47 ‖
// static data, recovered PAN == 5A, expiry, algorithm indicators, key length and remainder size.
OdaOutcome<RecoveredCertificate> recoverIccPublicKey(const RsaPublicKey& issuer_key,
                                                     const IccCertificateInput& input);

// The ICC PIN Encipherment Public Key Certificate (9F2D, 9F2E, 9F2F): Book 2 §7.1, the checks of
// §6.4 with a hash over recovered bytes 2..N_I-21 ‖ remainder ‖ exponent (no static data).
OdaOutcome<RecoveredCertificate> recoverIccPinEnciphermentKey(const RsaPublicKey& issuer_key,
                                                              const IccCertificateInput& input);

// Verifies the DDA signature (9F4B from INTERNAL AUTHENTICATE) with the ICC public key: Book 2
// §6.5.2 steps 1-7: length, BC, 6A, format 05, Ldd <= N_IC - 25, SHA-1 over recovered bytes
// 2..N_IC-21 ‖ terminal dynamic data (the DDOL data sent in INTERNAL AUTHENTICATE).
// The ICC Dynamic Number is returned when the dynamic data has the L_DN ‖ DN layout.
OdaOutcome<RecoveredDynamicData> recoverDdaSignature(const RsaPublicKey& icc_key,
                                                     ByteView signed_dynamic_data,
                                                     ByteView ddol_data);

// Inputs of the CDA signature check after a GENERATE AC. The views must outlive the call.
struct CdaInput {
  ByteView signed_dynamic_data;                  // 9F4B from the GENERATE AC response
  ByteView unpredictable_number;                 // 9F37 sent in the CDOL data
  std::uint8_t cryptogram_information_data = 0;  // 9F27 from the GENERATE AC response
  // The Transaction Data Hash Code input (Book 2 §6.6.1): PDOL data ‖ CDOL1 data [‖ CDOL2 data
  // for the second GENERATE AC] ‖ the TLV-coded data objects of the response except 9F4B, in
  // the order returned. Pass cdol2_data empty for the first GENERATE AC.
  ByteView pdol_data;
  ByteView cdol1_data;
  ByteView cdol2_data;
  ByteView response_tlvs_without_sdad;
};

// Verifies the CDA signature: Book 2 §6.6.2 steps 1-9: length, BC, 6A, format 05, dynamic data
// layout L_DN ‖ DN ‖ CID ‖ AC ‖ TDHC, CID == 9F27, SHA-1 over recovered bytes 2..N_IC-21 ‖
// unpredictable number, and the Transaction Data Hash Code. On success the application
// cryptogram to use as 9F26 is in the result.
OdaOutcome<RecoveredDynamicData> recoverCdaSignature(const RsaPublicKey& icc_key,
                                                     const CdaInput& input);

// The recovered fields as JSON for `--json` output and traces (hex uppercase; expiry "MM/YYYY";
// the key as "public_key_modulus" / "public_key_exponent"). Public data only.
Json toJson(const RecoveredCertificate& certificate);
Json toJson(const RecoveredStaticData& data);
Json toJson(const RecoveredDynamicData& data);
// {"reason": "hash mismatch", "detail": ..., "recovered": hex or absent}.
Json toJson(const OdaFailure& failure);

// SHA-1(PDOL data ‖ CDOL1 data ‖ CDOL2 data ‖ response TLVs without 9F4B): the Transaction Data
// Hash Code of Book 2 §6.6.1, computed alike by the card (to sign) and the terminal (to check).
Bytes transactionDataHashCode(ByteView pdol_data, ByteView cdol1_data, ByteView cdol2_data,
                              ByteView response_tlvs_without_sdad);

}  // namespace posim::emv::crypto
