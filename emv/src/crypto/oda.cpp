#include "posim/emv/crypto/oda.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "posim/base/pan.h"

namespace posim::emv::crypto {

std::string_view odaFailureReasonName(OdaFailureReason reason) {
  switch (reason) {
    case OdaFailureReason::kCapkNotFound: return "CA public key not found";
    case OdaFailureReason::kDataLengthMismatch: return "length mismatch";
    case OdaFailureReason::kRecoveryFailed: return "recovery failed";
    case OdaFailureReason::kTrailerInvalid: return "recovered data trailer invalid";
    case OdaFailureReason::kHeaderInvalid: return "recovered data header invalid";
    case OdaFailureReason::kFormatInvalid: return "format invalid";
    case OdaFailureReason::kHashAlgorithmUnsupported: return "hash algorithm unsupported";
    case OdaFailureReason::kHashMismatch: return "hash mismatch";
    case OdaFailureReason::kIssuerIdentifierMismatch: return "issuer identifier mismatch";
    case OdaFailureReason::kPanMismatch: return "PAN mismatch";
    case OdaFailureReason::kExpiryDateInvalid: return "expiry date invalid";
    case OdaFailureReason::kCertificateExpired: return "certificate expired";
    case OdaFailureReason::kCertificateRevoked: return "certificate revoked";
    case OdaFailureReason::kPublicKeyAlgorithmUnsupported:
      return "public key algorithm unsupported";
    case OdaFailureReason::kPublicKeyLengthInvalid: return "public key length invalid";
    case OdaFailureReason::kExponentMismatch: return "exponent mismatch";
    case OdaFailureReason::kPublicKeyInvalid: return "public key invalid";
    case OdaFailureReason::kDynamicDataInvalid: return "dynamic data invalid";
    case OdaFailureReason::kCryptogramInformationMismatch: return "CID mismatch";
    case OdaFailureReason::kTransactionDataHashMismatch: return "transaction data hash mismatch";
  }
  return "unknown";
}

std::string OdaFailure::toString() const {
  std::string out(odaFailureReasonName(reason));
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

namespace {

constexpr std::size_t kSha1Length = 20;

OdaFailure fail(OdaFailureReason reason, std::string detail, ByteView recovered = {}) {
  return OdaFailure{reason, std::move(detail), Bytes(recovered.begin(), recovered.end())};
}

std::string hexByte(std::uint8_t b) {
  const std::uint8_t one[1] = {b};
  return toHex(one);
}

// Memo tables for the certificate steps. A card presents the same issuer and ICC certificates
// in every transaction, and their recovery (an RSA public operation, a hash and the set-up of
// the recovered key) is a pure function of the exact bytes: the tables keep what those bytes gave
// so that a later transaction with the same bytes skips the work. Only successes are kept; every
// check that depends on the transaction (identifier against the PAN, expiry against the date,
// revocation) still runs on each call. Bounded: a table that reaches kMemoLimit entries starts
// over, which keeps memory flat when certificates keep changing.
constexpr std::size_t kMemoLimit = 256;

template <typename T>
class Memo {
 public:
  std::optional<T> find(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = table_.find(key);
    if (it == table_.end()) return std::nullopt;
    return it->second;
  }
  void insert(std::string key, const T& value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (table_.size() >= kMemoLimit) table_.clear();
    table_.insert_or_assign(std::move(key), value);
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, T> table_;
};

// Length-prefixed concatenation: distinct byte sequences give distinct keys.
void appendKeyPart(std::string& key, ByteView part) {
  const auto size = static_cast<std::uint32_t>(part.size());
  for (int shift : {24, 16, 8, 0}) key.push_back(static_cast<char>((size >> shift) & 0xFF));
  key.append(reinterpret_cast<const char*>(part.data()), part.size());
}

void appendKeyPart(std::string& key, std::string_view part) {
  appendKeyPart(key, ByteView(reinterpret_cast<const std::uint8_t*>(part.data()), part.size()));
}

// Book 2 steps 1-4, common to every format: the input has the key's length, recovers to a block
// with trailer BC, header 6A and the expected format. min_length is the smallest N the format
// can have (its fixed fields).
OdaOutcome<Bytes> recoverBlock(const RsaPublicKey& key, ByteView input, std::uint8_t format,
                               std::size_t min_length, std::string_view what) {
  const std::string name(what);
  if (key.size() < min_length) {
    return fail(OdaFailureReason::kDataLengthMismatch,
                name + ": the key modulus is " + std::to_string(key.size()) +
                    " bytes, too short for format " + hexByte(format) + " (at least " +
                    std::to_string(min_length) + ")");
  }
  if (input.size() != key.size()) {
    return fail(OdaFailureReason::kDataLengthMismatch,
                name + " is " + std::to_string(input.size()) + " bytes, the key modulus is " +
                    std::to_string(key.size()));
  }
  auto recovered = key.publicOperation(input);
  if (!recovered.isOk()) {
    return fail(OdaFailureReason::kRecoveryFailed, name + ": " + recovered.status().message());
  }
  const Bytes& block = *recovered;
  if (block.back() != kRecoveredDataTrailer) {
    return fail(OdaFailureReason::kTrailerInvalid,
                name + ": trailer " + hexByte(block.back()) + ", expected BC", block);
  }
  if (block.front() != kRecoveredDataHeader) {
    return fail(OdaFailureReason::kHeaderInvalid,
                name + ": header " + hexByte(block.front()) + ", expected 6A", block);
  }
  if (block[1] != format) {
    return fail(OdaFailureReason::kFormatInvalid,
                name + ": format " + hexByte(block[1]) + ", expected " + hexByte(format), block);
  }
  return std::move(recovered).value();
}

// The hash algorithm indicator at `offset` must be SHA-1 ('01'): the only one defined for RSA.
std::optional<OdaFailure> checkHashAlgorithm(const Bytes& block, std::size_t offset,
                                             std::string_view what) {
  if (block[offset] != static_cast<std::uint8_t>(HashAlgorithm::kSha1)) {
    return fail(OdaFailureReason::kHashAlgorithmUnsupported,
                std::string(what) + ": hash algorithm indicator " + hexByte(block[offset]) +
                    ", expected 01 (SHA-1)",
                block);
  }
  return std::nullopt;
}

// Recovered bytes 2..N-21 (1-based): the part of every EMV hash input taken from the block.
ByteView hashedPart(const Bytes& block) {
  return ByteView(block).subspan(1, block.size() - 22);
}

ByteView hashResult(const Bytes& block) {
  return ByteView(block).subspan(block.size() - 21, kSha1Length);
}

std::optional<OdaFailure> checkHash(const Bytes& block, const Bytes& computed,
                                    std::string_view what) {
  const ByteView carried = hashResult(block);
  if (!std::equal(carried.begin(), carried.end(), computed.begin(), computed.end())) {
    return fail(
        OdaFailureReason::kHashMismatch,
        std::string(what) + ": hash result " + toHex(carried) + ", computed " + toHex(computed),
        block);
  }
  return std::nullopt;
}

// The digits of an F-padded BCD field: digits up to the first F nibble, then only F nibbles.
// nullopt if a nibble A-E appears or a digit follows the padding.
std::optional<std::string> paddedDigits(ByteView bcd) {
  std::string digits;
  bool padding = false;
  for (std::uint8_t byte : bcd) {
    for (int shift : {4, 0}) {
      const int nibble = (byte >> shift) & 0x0F;
      if (nibble == 0x0F) {
        padding = true;
      } else if (nibble > 9 || padding) {
        return std::nullopt;
      } else {
        digits.push_back(static_cast<char>('0' + nibble));
      }
    }
  }
  return digits;
}

// MMYY in BCD (Book 4 §6.7.3: YY 00-49 is 20YY, 50-99 is 19YY).
std::optional<std::chrono::year_month> decodeExpiry(ByteView mmyy) {
  auto digits = paddedDigits(mmyy);
  if (!digits || digits->size() != 4) return std::nullopt;
  const unsigned month = static_cast<unsigned>(((*digits)[0] - '0') * 10 + ((*digits)[1] - '0'));
  const int yy = ((*digits)[2] - '0') * 10 + ((*digits)[3] - '0');
  if (month < 1 || month > 12) return std::nullopt;
  return std::chrono::year_month(std::chrono::year(yy < 50 ? 2000 + yy : 1900 + yy),
                                 std::chrono::month(month));
}

std::string formatMmyy(ByteView mmyy) {
  return toHex(mmyy);
}

// Steps 9 of §5.3 / §6.4: the certificate is valid through the last day of its expiry month.
std::optional<OdaFailure> checkExpiry(const Bytes& block, ByteView mmyy,
                                      const std::optional<Date>& transaction_date,
                                      std::string_view what, std::chrono::year_month& expiry_out) {
  const auto expiry = decodeExpiry(mmyy);
  if (!expiry) {
    return fail(OdaFailureReason::kExpiryDateInvalid,
                std::string(what) + ": certificate expiration date " + formatMmyy(mmyy) +
                    " is not a valid MMYY",
                block);
  }
  expiry_out = *expiry;
  if (transaction_date) {
    const std::chrono::year_month today(transaction_date->year(), transaction_date->month());
    if (*expiry < today) {
      return fail(OdaFailureReason::kCertificateExpired,
                  std::string(what) + ": expired end of " + formatMmyy(mmyy) +
                      " (MMYY), before the transaction date " + formatDate(*transaction_date),
                  block);
    }
  }
  return std::nullopt;
}

struct CertificateLayout {
  std::uint8_t format;
  std::size_t identifier_length;  // 4 issuer ID, 10 PAN
  std::size_t fixed_length;       // 36 or 42: N minus the room for the key's leftmost digits
  std::string_view what;
};

constexpr CertificateLayout kIssuerLayout{kFormatIssuerCertificate, 4, 36,
                                          "issuer public key certificate"};
constexpr CertificateLayout kIccLayout{kFormatIccCertificate, 10, 42, "ICC public key certificate"};
constexpr CertificateLayout kPinLayout{kFormatIccCertificate, 10, 42,
                                       "ICC PIN encipherment public key certificate"};

// The common body of §5.3 and §6.4: everything but the identifier check.
// extra_hash_input is the static data (empty for issuer and PIN encipherment certificates).
// Fills everything in `out` except identifier checks, which the caller does on out.identifier
// before `finish` (so the Book 2 step order is kept).
OdaOutcome<RecoveredCertificate> recoverCertificateFields(const RsaPublicKey& key,
                                                          const CertificateLayout& layout,
                                                          ByteView certificate, ByteView remainder,
                                                          ByteView exponent,
                                                          ByteView extra_hash_input) {
  static Memo<RecoveredCertificate> memo;
  std::string memo_key;
  memo_key.reserve(64 + key.size() + certificate.size() + remainder.size() +
                   extra_hash_input.size());
  appendKeyPart(memo_key, layout.what);
  appendKeyPart(memo_key, key.modulus());
  appendKeyPart(memo_key, key.exponent());
  appendKeyPart(memo_key, certificate);
  appendKeyPart(memo_key, remainder);
  appendKeyPart(memo_key, exponent);
  appendKeyPart(memo_key, extra_hash_input);
  if (std::optional<RecoveredCertificate> known = memo.find(memo_key)) return std::move(*known);

  auto recovered = recoverBlock(key, certificate, layout.format, layout.fixed_length, layout.what);
  if (!recovered) return recovered.failure();
  Bytes block = std::move(recovered).value();
  const std::size_t id_at = 2;
  const std::size_t expiry_at = id_at + layout.identifier_length;
  const std::size_t serial_at = expiry_at + 2;
  const std::size_t hash_alg_at = serial_at + 3;
  if (auto f = checkHashAlgorithm(block, hash_alg_at, layout.what)) return *f;
  const Bytes computed =
      hash(HashAlgorithm::kSha1, {hashedPart(block), remainder, exponent, extra_hash_input});
  if (auto f = checkHash(block, computed, layout.what)) return *f;

  RecoveredCertificate cert;
  cert.format = layout.format;
  cert.identifier.assign(block.begin() + id_at, block.begin() + static_cast<long>(expiry_at));
  cert.serial_number.assign(block.begin() + static_cast<long>(serial_at),
                            block.begin() + static_cast<long>(hash_alg_at));
  cert.hash_algorithm = HashAlgorithm::kSha1;
  cert.public_key_algorithm = block[hash_alg_at + 1];
  const ByteView hash_bytes = hashResult(block);
  cert.hash.assign(hash_bytes.begin(), hash_bytes.end());
  cert.recovered = std::move(block);
  memo.insert(std::move(memo_key), cert);
  return cert;
}

// Steps after the identifier check: expiry (9), revocation (10), algorithm (11), key (12).
OdaOutcome<RecoveredCertificate> finishCertificate(RecoveredCertificate cert,
                                                   const CertificateLayout& layout,
                                                   ByteView remainder, ByteView exponent,
                                                   const std::optional<Date>& transaction_date,
                                                   const CaPublicKey* capk,
                                                   const CertificateRevocationList* crl) {
  const Bytes& block = cert.recovered;
  const std::size_t n = block.size();
  const std::size_t expiry_at = 2 + layout.identifier_length;
  const std::size_t pk_alg_at = expiry_at + 2 + 3 + 1;
  if (auto f = checkExpiry(block, ByteView(block).subspan(expiry_at, 2), transaction_date,
                           layout.what, cert.expiry)) {
    return *f;
  }
  if (crl != nullptr && capk != nullptr &&
      crl->isRevoked(capk->rid, capk->index, cert.serial_number)) {
    return fail(OdaFailureReason::kCertificateRevoked,
                std::string(layout.what) + ": serial " + toHex(cert.serial_number) +
                    " is revoked for CAPK " + toHex(capk->rid) + "/" + hexByte(capk->index),
                block);
  }
  if (block[pk_alg_at] != kPublicKeyAlgorithmRsa) {
    return fail(OdaFailureReason::kPublicKeyAlgorithmUnsupported,
                std::string(layout.what) + ": public key algorithm indicator " +
                    hexByte(block[pk_alg_at]) + ", expected 01 (RSA)",
                block);
  }
  const std::size_t key_length = block[pk_alg_at + 1];
  const std::size_t exponent_length = block[pk_alg_at + 2];
  const std::size_t room = n - layout.fixed_length;  // bytes for the key's leftmost digits
  const std::size_t needed_remainder = key_length > room ? key_length - room : 0;
  if (key_length == 0 || remainder.size() != needed_remainder) {
    return fail(OdaFailureReason::kPublicKeyLengthInvalid,
                std::string(layout.what) + ": key length " + std::to_string(key_length) +
                    " needs a remainder of " + std::to_string(needed_remainder) +
                    " bytes, the card gave " + std::to_string(remainder.size()),
                block);
  }
  if (exponent_length != exponent.size()) {
    return fail(OdaFailureReason::kExponentMismatch,
                std::string(layout.what) + ": exponent length " + std::to_string(exponent_length) +
                    ", the exponent tag has " + std::to_string(exponent.size()) + " bytes",
                block);
  }
  const ByteView leftmost = ByteView(block).subspan(pk_alg_at + 3, std::min(key_length, room));
  Bytes modulus(leftmost.begin(), leftmost.end());
  append(modulus, remainder);
  // The same certified key in every transaction of a card: one RsaPublicKey for it, which also
  // lets that key build its Montgomery context once it is used often (rsa.h).
  static Memo<RsaPublicKey> keys;
  std::string key_id;
  appendKeyPart(key_id, modulus);
  appendKeyPart(key_id, exponent);
  if (std::optional<RsaPublicKey> known = keys.find(key_id)) {
    cert.public_key = std::move(*known);
    return cert;
  }
  auto key = RsaPublicKey::create(modulus, exponent);
  if (!key.isOk()) {
    return fail(OdaFailureReason::kPublicKeyInvalid,
                std::string(layout.what) + ": " + key.status().message(), block);
  }
  cert.public_key = std::move(key).value();
  keys.insert(std::move(key_id), cert.public_key);
  return cert;
}

OdaOutcome<RecoveredCertificate> recoverIccCertificate(const RsaPublicKey& issuer_key,
                                                       const IccCertificateInput& input,
                                                       const CertificateLayout& layout,
                                                       ByteView static_data) {
  auto fields = recoverCertificateFields(issuer_key, layout, input.certificate, input.remainder,
                                         input.exponent, static_data);
  if (!fields) return fields;
  RecoveredCertificate cert = std::move(fields).value();
  if (!input.pan.empty()) {
    const auto digits = paddedDigits(cert.identifier);
    if (!digits || *digits != input.pan) {
      return fail(OdaFailureReason::kPanMismatch,
                  std::string(layout.what) + ": certified PAN " +
                      (digits ? maskPan(*digits) : std::string("(not BCD)")) +
                      " is not the card's PAN " + maskPan(input.pan),
                  cert.recovered);
    }
  }
  return finishCertificate(std::move(cert), layout, input.remainder, input.exponent,
                           input.transaction_date, nullptr, nullptr);
}

// Book 2 §6.5.2 / §6.6.2 steps 1-4 plus the Ldd bound.
OdaOutcome<RecoveredDynamicData> recoverDynamicBlock(const RsaPublicKey& icc_key,
                                                     ByteView signed_dynamic_data,
                                                     std::string_view what) {
  auto recovered = recoverBlock(icc_key, signed_dynamic_data, kFormatSignedDynamicData, 25, what);
  if (!recovered) return recovered.failure();
  RecoveredDynamicData data;
  data.recovered = std::move(recovered).value();
  const Bytes& block = data.recovered;
  if (auto f = checkHashAlgorithm(block, 2, what)) return *f;
  const std::size_t ldd = block[3];
  if (ldd > block.size() - 25) {
    return fail(OdaFailureReason::kDynamicDataInvalid,
                std::string(what) + ": ICC dynamic data length " + std::to_string(ldd) +
                    " exceeds N_IC - 25 = " + std::to_string(block.size() - 25),
                block);
  }
  data.icc_dynamic_data.assign(block.begin() + 4, block.begin() + 4 + static_cast<long>(ldd));
  const ByteView hash_bytes = hashResult(block);
  data.hash.assign(hash_bytes.begin(), hash_bytes.end());
  return data;
}

}  // namespace

OdaOutcome<RecoveredCertificate> recoverIssuerPublicKey(const CaPublicKey& capk,
                                                        const IssuerCertificateInput& input,
                                                        const CertificateRevocationList* crl) {
  auto fields = recoverCertificateFields(capk.key, kIssuerLayout, input.certificate,
                                         input.remainder, input.exponent, {});
  if (!fields) return fields;
  RecoveredCertificate cert = std::move(fields).value();
  if (!input.pan.empty()) {
    // §5.3 step 8: the leftmost 3-8 digits of the Issuer Identifier (padded with F) match the
    // leftmost PAN digits.
    const auto digits = paddedDigits(cert.identifier);
    if (!digits || digits->size() < 3 || !input.pan.starts_with(*digits)) {
      return fail(OdaFailureReason::kIssuerIdentifierMismatch,
                  "issuer public key certificate: issuer identifier " + toHex(cert.identifier) +
                      " does not match the leftmost digits of PAN " + maskPan(input.pan),
                  cert.recovered);
    }
  }
  return finishCertificate(std::move(cert), kIssuerLayout, input.remainder, input.exponent,
                           input.transaction_date, &capk, crl);
}

OdaOutcome<RecoveredCertificate> recoverIssuerPublicKey(const CapkStore& store, ByteView rid,
                                                        std::uint8_t capk_index,
                                                        const IssuerCertificateInput& input,
                                                        const CertificateRevocationList* crl) {
  const CaPublicKey* capk = store.find(rid, capk_index);
  if (capk == nullptr) {
    return fail(OdaFailureReason::kCapkNotFound,
                "no CA public key " + toHex(rid) + "/" + hexByte(capk_index) + " in the terminal");
  }
  return recoverIssuerPublicKey(*capk, input, crl);
}

OdaOutcome<RecoveredStaticData> recoverSignedStaticData(const RsaPublicKey& issuer_key,
                                                        ByteView signed_static_data,
                                                        ByteView static_data) {
  constexpr std::string_view kWhat = "signed static application data";
  auto recovered = recoverBlock(issuer_key, signed_static_data, kFormatSignedStaticData, 26, kWhat);
  if (!recovered) return recovered.failure();
  RecoveredStaticData data;
  data.recovered = std::move(recovered).value();
  const Bytes& block = data.recovered;
  if (auto f = checkHashAlgorithm(block, 2, kWhat)) return *f;
  const Bytes computed = hash(HashAlgorithm::kSha1, {hashedPart(block), static_data});
  if (auto f = checkHash(block, computed, kWhat)) return *f;
  data.data_authentication_code.assign(block.begin() + 3, block.begin() + 5);
  data.hash = computed;
  return data;
}

OdaOutcome<RecoveredCertificate> recoverIccPublicKey(const RsaPublicKey& issuer_key,
                                                     const IccCertificateInput& input) {
  return recoverIccCertificate(issuer_key, input, kIccLayout, input.static_data);
}

OdaOutcome<RecoveredCertificate> recoverIccPinEnciphermentKey(const RsaPublicKey& issuer_key,
                                                              const IccCertificateInput& input) {
  return recoverIccCertificate(issuer_key, input, kPinLayout, {});
}

OdaOutcome<RecoveredDynamicData> recoverDdaSignature(const RsaPublicKey& icc_key,
                                                     ByteView signed_dynamic_data,
                                                     ByteView ddol_data) {
  constexpr std::string_view kWhat = "signed dynamic application data (DDA)";
  auto recovered = recoverDynamicBlock(icc_key, signed_dynamic_data, kWhat);
  if (!recovered) return recovered;
  RecoveredDynamicData data = std::move(recovered).value();
  const Bytes computed = hash(HashAlgorithm::kSha1, {hashedPart(data.recovered), ddol_data});
  if (auto f = checkHash(data.recovered, computed, kWhat)) return *f;
  const Bytes& dyn = data.icc_dynamic_data;
  if (!dyn.empty() && dyn[0] >= 2 && dyn[0] <= 8 && dyn.size() >= 1U + dyn[0]) {
    data.icc_dynamic_number.assign(dyn.begin() + 1, dyn.begin() + 1 + dyn[0]);
  }
  return data;
}

OdaOutcome<RecoveredDynamicData> recoverCdaSignature(const RsaPublicKey& icc_key,
                                                     const CdaInput& input) {
  constexpr std::string_view kWhat = "signed dynamic application data (CDA)";
  auto recovered = recoverDynamicBlock(icc_key, input.signed_dynamic_data, kWhat);
  if (!recovered) return recovered;
  RecoveredDynamicData data = std::move(recovered).value();
  const Bytes& block = data.recovered;
  // Step 5: ICC Dynamic Data = L_DN ‖ ICC Dynamic Number ‖ CID ‖ AC ‖ Transaction Data Hash Code.
  const Bytes& dyn = data.icc_dynamic_data;
  const std::size_t l_dn = dyn.empty() ? 0 : dyn[0];
  if (l_dn < 2 || l_dn > 8 || dyn.size() < 1 + l_dn + 1 + 8 + kSha1Length) {
    return fail(OdaFailureReason::kDynamicDataInvalid,
                std::string(kWhat) + ": ICC dynamic data of " + std::to_string(dyn.size()) +
                    " bytes with L_DN " + std::to_string(l_dn) +
                    " cannot hold DN, CID, AC and the transaction data hash code",
                block);
  }
  auto at = dyn.begin() + 1;
  data.icc_dynamic_number.assign(at, at + static_cast<long>(l_dn));
  at += static_cast<long>(l_dn);
  data.cryptogram_information_data = *at++;
  data.application_cryptogram.assign(at, at + 8);
  at += 8;
  data.transaction_data_hash_code.assign(at, at + static_cast<long>(kSha1Length));
  if (data.cryptogram_information_data != input.cryptogram_information_data) {
    return fail(OdaFailureReason::kCryptogramInformationMismatch,
                std::string(kWhat) + ": CID " + hexByte(data.cryptogram_information_data) +
                    " in the signature, 9F27 is " + hexByte(input.cryptogram_information_data),
                block);
  }
  // Steps 6-8.
  const Bytes computed =
      hash(HashAlgorithm::kSha1, {hashedPart(block), input.unpredictable_number});
  if (auto f = checkHash(block, computed, kWhat)) return *f;
  // Step 9.
  const Bytes tdhc = transactionDataHashCode(input.pdol_data, input.cdol1_data, input.cdol2_data,
                                             input.response_tlvs_without_sdad);
  if (tdhc != data.transaction_data_hash_code) {
    return fail(OdaFailureReason::kTransactionDataHashMismatch,
                std::string(kWhat) + ": transaction data hash code " +
                    toHex(data.transaction_data_hash_code) + ", computed " + toHex(tdhc),
                block);
  }
  return data;
}

Json toJson(const RecoveredCertificate& certificate) {
  Json out = Json::object();
  out["format"] = hexByte(certificate.format);
  out[certificate.format == kFormatIssuerCertificate ? "issuer_identifier" : "pan"] =
      toHex(certificate.identifier);
  const unsigned month = static_cast<unsigned>(certificate.expiry.month());
  std::string expiry = std::to_string(month);
  if (month < 10) expiry.insert(expiry.begin(), '0');  // (a "0" + string trips GCC 12 -Wrestrict)
  out["expiry"] = expiry + "/" + std::to_string(static_cast<int>(certificate.expiry.year()));
  out["serial_number"] = toHex(certificate.serial_number);
  out["hash_algorithm"] = hexByte(static_cast<std::uint8_t>(certificate.hash_algorithm));
  out["public_key_algorithm"] = hexByte(certificate.public_key_algorithm);
  out["public_key_bits"] = static_cast<std::uint64_t>(certificate.public_key.bits());
  out["public_key_modulus"] = toHex(certificate.public_key.modulus());
  out["public_key_exponent"] = toHex(certificate.public_key.exponent());
  out["hash"] = toHex(certificate.hash);
  out["recovered"] = toHex(certificate.recovered);
  return out;
}

Json toJson(const RecoveredStaticData& data) {
  Json out = Json::object();
  out["hash_algorithm"] = hexByte(static_cast<std::uint8_t>(data.hash_algorithm));
  out["data_authentication_code"] = toHex(data.data_authentication_code);
  out["hash"] = toHex(data.hash);
  out["recovered"] = toHex(data.recovered);
  return out;
}

Json toJson(const RecoveredDynamicData& data) {
  Json out = Json::object();
  out["hash_algorithm"] = hexByte(static_cast<std::uint8_t>(data.hash_algorithm));
  out["icc_dynamic_data"] = toHex(data.icc_dynamic_data);
  out["icc_dynamic_number"] = toHex(data.icc_dynamic_number);
  if (!data.application_cryptogram.empty()) {
    out["cryptogram_information_data"] = hexByte(data.cryptogram_information_data);
    out["application_cryptogram"] = toHex(data.application_cryptogram);
    out["transaction_data_hash_code"] = toHex(data.transaction_data_hash_code);
  }
  out["hash"] = toHex(data.hash);
  out["recovered"] = toHex(data.recovered);
  return out;
}

Json toJson(const OdaFailure& failure) {
  Json out = Json::object();
  out["reason"] = std::string(odaFailureReasonName(failure.reason));
  out["detail"] = failure.detail;
  if (!failure.recovered.empty()) out["recovered"] = toHex(failure.recovered);
  return out;
}

Bytes transactionDataHashCode(ByteView pdol_data, ByteView cdol1_data, ByteView cdol2_data,
                              ByteView response_tlvs_without_sdad) {
  return hash(HashAlgorithm::kSha1,
              {pdol_data, cdol1_data, cdol2_data, response_tlvs_without_sdad});
}

}  // namespace posim::emv::crypto
