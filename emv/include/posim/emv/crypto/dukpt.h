// Derived Unique Key Per Transaction (DUKPT):
//  - ANSI X9.24-1:2009 (TDES DUKPT): a 10-byte KSN (59-bit initial key serial number and 21-bit
//    transaction counter), the IPEK derived from the BDK, the transaction key for a counter by the
//    non-reversible key generation process, and the PIN / MAC / data variants of Annex A.
//  - ANSI X9.24-3:2017 (AES DUKPT): a 12-byte KSN (8-byte initial key ID, 32-bit counter), keys
//    derived by AES-ECB over 16-byte derivation data (version, block counter, key usage,
//    algorithm, length, and the key ID / counter), the initial key from the BDK, the intermediate
//    derivation key for a counter, and working keys of any usage and type.
//
// Both sides are served: the host (receiving) derivation from the BDK, and the device
// (originating) side from the IPEK / initial key with the KSN counter advance.
//
// Thread safety: pure functions; safe to call from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::emv::crypto {

// ---- ANSI X9.24-1:2009, TDES DUKPT ----

inline constexpr std::size_t kTdesKsnLength = 10;
inline constexpr std::uint32_t kTdesKsnCounterMask = 0x1FFFFF;  // rightmost 21 bits

// Working key variants of X9.24-1:2009 Annex A.4 / A.6.
enum class DukptVariant {
  kPinEncryption,  // xor 00000000000000FF 00000000000000FF
  kMacRequest,     // xor 000000000000FF00 000000000000FF00
  kMacResponse,    // xor 00000000FF000000 00000000FF000000
  kDataRequest,    // xor 0000000000FF0000 0000000000FF0000, then each half TDES-encrypted under
                   // the variant key (the one-way data key of X9.24-1:2009)
  kDataResponse,   // xor 000000FF00000000 000000FF00000000, then the same one-way step
};

// The 21-bit transaction counter of a 10-byte KSN.
Result<std::uint32_t> tdesKsnCounter(ByteView ksn);

// X9.24-1:2009 A.6 "Derive IPEK": with the counter bits of the KSN cleared, the leftmost
// 8 bytes are TDES-encrypted under the BDK (left half of the IPEK) and under
// BDK xor C0C0C0C000000000C0C0C0C000000000 (right half).
// `bdk` is 16 bytes, `ksn` 10 bytes. Errors: InvalidArgument naming "bdk" or "ksn".
Result<Bytes> deriveIpek(ByteView bdk, ByteView ksn);

// The transaction key (the future key for the KSN's counter, before any variant) from the
// IPEK: for each set bit of the counter, from the leftmost, the bit is set in the KSN register
// and the key replaced by the non-reversible key generation process of X9.24-1:2009 A.2
// (right = DES(left, R xor right) xor right with the key and with the key xor C0C0C0C0...;
// R being the rightmost 8 bytes of the KSN register). Errors: InvalidArgument naming "ipek" or
// "ksn" (a counter of 0 has no transaction key).
Result<Bytes> deriveDukptTransactionKeyFromIpek(ByteView ipek, ByteView ksn);

// Host side: IPEK from the BDK, then the transaction key. This is `posim crypto dukpt`.
Result<Bytes> deriveDukptTransactionKey(ByteView bdk, ByteView ksn);

// Applies a working key variant to a transaction key (16 bytes).
Result<Bytes> applyDukptVariant(ByteView transaction_key, DukptVariant variant);

// Every key of one TDES DUKPT transaction, for `--json` and the issuer.
struct TdesDukptKeys {
  Bytes ipek;
  Bytes transaction_key;
  Bytes pin_key;
  Bytes mac_request_key;
  Bytes mac_response_key;
  Bytes data_request_key;
  Bytes data_response_key;
};
Result<TdesDukptKeys> deriveTdesDukptKeys(ByteView bdk, ByteView ksn);

// Device side: the KSN of the next transaction. The counter advances to the next value with at
// most 10 bits set (X9.24-1:2009 A.2: counters with more set bits are skipped).
// Errors: InvalidArgument naming "ksn"; OutOfRange when the counter is exhausted.
Result<Bytes> nextTdesKsn(ByteView ksn);

// ---- ANSI X9.24-3:2017, AES DUKPT ----

inline constexpr std::size_t kAesKsnLength = 12;
inline constexpr std::size_t kAesInitialKeyIdLength = 8;

// Key types of X9.24-3 (the derivation data's algorithm indicator and key length).
enum class DukptKeyType : std::uint16_t {
  kTdes2 = 0x0000,   // 2-key TDEA, 128 bits
  kTdes3 = 0x0001,   // 3-key TDEA, 192 bits
  kAes128 = 0x0002,  // 128 bits
  kAes192 = 0x0003,  // 192 bits
  kAes256 = 0x0004,  // 256 bits
};

// Key usage indicators of the derivation data (X9.24-3:2017 §6.3.2).
enum class DukptKeyUsage : std::uint16_t {
  kKeyEncryptionKey = 0x0002,
  kPinEncryption = 0x1000,
  kMacGeneration = 0x2000,
  kMacVerification = 0x2001,
  kMacBothWays = 0x2002,
  kDataEncryptionEncrypt = 0x3000,
  kDataEncryptionDecrypt = 0x3001,
  kDataEncryptionBothWays = 0x3002,
  kKeyDerivation = 0x8000,
  kKeyDerivationInitialKey = 0x8001,
};

// Key length in bytes of a key type (16, 24 or 32).
std::size_t dukptKeyLength(DukptKeyType type);

// Parses "aes128", "aes192", "aes256", "tdes2", "tdes3" (key type) and "pin", "mac-gen",
// "mac-verify", "mac", "data-encrypt", "data-decrypt", "data", "kek" (usage).
// Errors: InvalidArgument naming "key type" / "usage".
Result<DukptKeyType> parseDukptKeyType(std::string_view text);
Result<DukptKeyUsage> parseDukptKeyUsage(std::string_view text);

// The 16-byte derivation data of X9.24-3:2017 §6.3.2 for the first block:
//   01 (version) || 01 (block counter) || usage (2) || algorithm (2) || length in bits (2) ||
//   8 bytes: the initial key ID for kKeyDerivationInitialKey, otherwise the rightmost 4 bytes of
//   the initial key ID (the derivation ID) || the 32-bit transaction counter.
// `initial_key_id` is 8 bytes (the leftmost 8 bytes of the KSN).
// Errors: InvalidArgument naming "initial key id".
Result<Bytes> aesDukptDerivationData(DukptKeyUsage usage, DukptKeyType type,
                                     ByteView initial_key_id, std::uint32_t counter);

// X9.24-3:2017 §6.3.3 "Derive Key": AES-ECB encryption under `derivation_key` (AES 128/192/256)
// of the derivation data, one block per 128 bits of output (block counter 1, 2), leftmost
// dukptKeyLength(type) bytes.
Result<Bytes> aesDukptDeriveKey(ByteView derivation_key, DukptKeyUsage usage, DukptKeyType type,
                                ByteView initial_key_id, std::uint32_t counter);

// The initial key (IK) loaded into the device: derived from the BDK with usage
// kKeyDerivationInitialKey over the initial key ID; it has the BDK's type and length.
// Errors: InvalidArgument naming "bdk" (16, 24 or 32 bytes) or "initial key id" (8 bytes).
Result<Bytes> deriveAesDukptInitialKey(ByteView bdk, ByteView initial_key_id);

// The intermediate derivation key for the KSN's counter from the initial key: for each set bit
// from the leftmost, the bit is added to a working counter and the key replaced by
// aesDukptDeriveKey(key, kKeyDerivation, type of the IK, id, working counter). This is the
// "transaction key" of the X9.24-3 test vectors and of `posim crypto dukpt --aes`.
// Errors: InvalidArgument naming "initial key" or "ksn" (12 bytes, counter not 0).
Result<Bytes> deriveAesDukptDerivationKey(ByteView initial_key, ByteView ksn);

// A working key of a usage and type for the KSN, from the initial key or (host side) the BDK.
Result<Bytes> deriveAesDukptWorkingKeyFromInitialKey(ByteView initial_key, ByteView ksn,
                                                     DukptKeyUsage usage, DukptKeyType type);
Result<Bytes> deriveAesDukptWorkingKey(ByteView bdk, ByteView ksn, DukptKeyUsage usage,
                                       DukptKeyType type);

// Every key of one AES DUKPT transaction for the common usages, for `--json` and the issuer.
struct AesDukptKeys {
  Bytes initial_key;
  Bytes derivation_key;  // the transaction key
  Bytes pin_key;
  Bytes mac_generation_key;
  Bytes mac_verification_key;
  Bytes data_encryption_key;  // encrypt
  Bytes data_decryption_key;  // decrypt
};
// `type` is the type of the working keys (AES-128 by default).
Result<AesDukptKeys> deriveAesDukptKeys(ByteView bdk, ByteView ksn,
                                        DukptKeyType type = DukptKeyType::kAes128);

// Device side: the KSN of the next transaction; the counter skips values with more than 16
// bits set (X9.24-3:2017 §6.1). Errors: InvalidArgument naming "ksn"; OutOfRange when exhausted.
Result<Bytes> nextAesKsn(ByteView ksn);

}  // namespace posim::emv::crypto
