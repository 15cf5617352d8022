// ANSI X9.24-3:2017 AES DUKPT.
#include <bit>
#include <string>

#include "posim/emv/crypto/cipher.h"
#include "posim/emv/crypto/dukpt.h"

#include "crypto/symmetric_util.h"

namespace posim::emv::crypto {
namespace {

using internal::checkLength;

constexpr int kAesMaxCounterBits = 16;

Result<DukptKeyType> aesTypeForKey(std::string_view name, ByteView key) {
  POSIM_RETURN_IF_ERROR(checkLength(name, key, {16, 24, 32}));
  return key.size() == 16   ? DukptKeyType::kAes128
         : key.size() == 24 ? DukptKeyType::kAes192
                            : DukptKeyType::kAes256;
}

bool isAes(DukptKeyType type) {
  return type == DukptKeyType::kAes128 || type == DukptKeyType::kAes192 ||
         type == DukptKeyType::kAes256;
}

std::uint32_t ksnCounter(ByteView ksn) {
  return static_cast<std::uint32_t>(readBigEndian(ksn.subspan(kAesInitialKeyIdLength)));
}

Status checkKsn(ByteView ksn) {
  POSIM_RETURN_IF_ERROR(checkLength("ksn", ksn, {kAesKsnLength}));
  if (ksnCounter(ksn) == 0) {
    return invalidArgument("ksn: transaction counter 0 has no transaction key");
  }
  return Status::ok();
}

// X9.24-3: a working key may not be stronger than the key it is derived from.
Status checkWorkingKeyType(DukptKeyType type, std::size_t derivation_key_length) {
  if (isAes(type) && dukptKeyLength(type) > derivation_key_length) {
    return invalidArgument("key type: a " + std::to_string(dukptKeyLength(type) * 8) +
                           "-bit AES working key needs a derivation key at least as long (" +
                           std::to_string(derivation_key_length * 8) + " bits)");
  }
  return Status::ok();
}

}  // namespace

std::size_t dukptKeyLength(DukptKeyType type) {
  switch (type) {
    case DukptKeyType::kTdes2:
    case DukptKeyType::kAes128: return 16;
    case DukptKeyType::kTdes3:
    case DukptKeyType::kAes192: return 24;
    case DukptKeyType::kAes256: return 32;
  }
  return 16;
}

Result<DukptKeyType> parseDukptKeyType(std::string_view text) {
  if (text == "aes128") return DukptKeyType::kAes128;
  if (text == "aes192") return DukptKeyType::kAes192;
  if (text == "aes256") return DukptKeyType::kAes256;
  if (text == "tdes2") return DukptKeyType::kTdes2;
  if (text == "tdes3") return DukptKeyType::kTdes3;
  return invalidArgument("key type: '" + std::string(text) +
                         "', expected aes128, aes192, aes256, tdes2 or tdes3");
}

Result<DukptKeyUsage> parseDukptKeyUsage(std::string_view text) {
  if (text == "pin") return DukptKeyUsage::kPinEncryption;
  if (text == "mac-gen") return DukptKeyUsage::kMacGeneration;
  if (text == "mac-verify") return DukptKeyUsage::kMacVerification;
  if (text == "mac") return DukptKeyUsage::kMacBothWays;
  if (text == "data-encrypt") return DukptKeyUsage::kDataEncryptionEncrypt;
  if (text == "data-decrypt") return DukptKeyUsage::kDataEncryptionDecrypt;
  if (text == "data") return DukptKeyUsage::kDataEncryptionBothWays;
  if (text == "kek") return DukptKeyUsage::kKeyEncryptionKey;
  return invalidArgument("usage: '" + std::string(text) +
                         "', expected pin, mac-gen, mac-verify, mac, data-encrypt, "
                         "data-decrypt, data or kek");
}

Result<Bytes> aesDukptDerivationData(DukptKeyUsage usage, DukptKeyType type,
                                     ByteView initial_key_id, std::uint32_t counter) {
  POSIM_RETURN_IF_ERROR(checkLength("initial key id", initial_key_id, {kAesInitialKeyIdLength}));
  Bytes data;
  data.reserve(16);
  data.push_back(0x01);  // version
  data.push_back(0x01);  // key block counter
  append(data, writeBigEndian(static_cast<std::uint16_t>(usage), 2));
  append(data, writeBigEndian(static_cast<std::uint16_t>(type), 2));
  append(data, writeBigEndian(dukptKeyLength(type) * 8, 2));
  if (usage == DukptKeyUsage::kKeyDerivationInitialKey) {
    append(data, initial_key_id);
  } else {
    append(data, initial_key_id.subspan(4));  // the derivation ID
    append(data, writeBigEndian(counter, 4));
  }
  return data;
}

Result<Bytes> aesDukptDeriveKey(ByteView derivation_key, DukptKeyUsage usage, DukptKeyType type,
                                ByteView initial_key_id, std::uint32_t counter) {
  POSIM_RETURN_IF_ERROR(checkLength("derivation key", derivation_key, {16, 24, 32}));
  POSIM_ASSIGN_OR_RETURN(Bytes block, aesDukptDerivationData(usage, type, initial_key_id, counter));
  const std::size_t length = dukptKeyLength(type);
  Bytes data;
  for (std::uint8_t i = 1; data.size() < length; ++i) {
    block[1] = i;
    append(data, block);
  }
  POSIM_ASSIGN_OR_RETURN(Bytes out,
                         encrypt(BlockCipher::kAes, CipherMode::kEcb, derivation_key, data));
  out.resize(length);
  return out;
}

Result<Bytes> deriveAesDukptInitialKey(ByteView bdk, ByteView initial_key_id) {
  POSIM_ASSIGN_OR_RETURN(DukptKeyType type, aesTypeForKey("bdk", bdk));
  return aesDukptDeriveKey(bdk, DukptKeyUsage::kKeyDerivationInitialKey, type, initial_key_id, 0);
}

Result<Bytes> deriveAesDukptDerivationKey(ByteView initial_key, ByteView ksn) {
  POSIM_ASSIGN_OR_RETURN(DukptKeyType type, aesTypeForKey("initial key", initial_key));
  POSIM_RETURN_IF_ERROR(checkKsn(ksn));
  const ByteView id = ksn.first(kAesInitialKeyIdLength);
  const std::uint32_t counter = ksnCounter(ksn);
  Bytes key(initial_key.begin(), initial_key.end());
  std::uint32_t working_counter = 0;
  for (std::uint32_t bit = 0x80000000u; bit != 0; bit >>= 1) {
    if ((counter & bit) == 0) continue;
    working_counter |= bit;
    POSIM_ASSIGN_OR_RETURN(Bytes next, aesDukptDeriveKey(key, DukptKeyUsage::kKeyDerivation, type,
                                                         id, working_counter));
    internal::wipe(key);
    key = std::move(next);
  }
  return key;
}

Result<Bytes> deriveAesDukptWorkingKeyFromInitialKey(ByteView initial_key, ByteView ksn,
                                                     DukptKeyUsage usage, DukptKeyType type) {
  POSIM_ASSIGN_OR_RETURN(Bytes derivation_key, deriveAesDukptDerivationKey(initial_key, ksn));
  if (Status s = checkWorkingKeyType(type, initial_key.size()); !s.isOk()) {
    internal::wipe(derivation_key);
    return s;
  }
  Result<Bytes> out = aesDukptDeriveKey(derivation_key, usage, type,
                                        ksn.first(kAesInitialKeyIdLength), ksnCounter(ksn));
  internal::wipe(derivation_key);
  return out;
}

Result<Bytes> deriveAesDukptWorkingKey(ByteView bdk, ByteView ksn, DukptKeyUsage usage,
                                       DukptKeyType type) {
  POSIM_RETURN_IF_ERROR(checkLength("ksn", ksn, {kAesKsnLength}));
  POSIM_ASSIGN_OR_RETURN(Bytes ik,
                         deriveAesDukptInitialKey(bdk, ksn.first(kAesInitialKeyIdLength)));
  Result<Bytes> out = deriveAesDukptWorkingKeyFromInitialKey(ik, ksn, usage, type);
  internal::wipe(ik);
  return out;
}

Result<AesDukptKeys> deriveAesDukptKeys(ByteView bdk, ByteView ksn, DukptKeyType type) {
  POSIM_RETURN_IF_ERROR(checkLength("ksn", ksn, {kAesKsnLength}));
  AesDukptKeys out;
  const ByteView id = ksn.first(kAesInitialKeyIdLength);
  POSIM_ASSIGN_OR_RETURN(out.initial_key, deriveAesDukptInitialKey(bdk, id));
  POSIM_RETURN_IF_ERROR(checkWorkingKeyType(type, out.initial_key.size()));
  POSIM_ASSIGN_OR_RETURN(out.derivation_key, deriveAesDukptDerivationKey(out.initial_key, ksn));
  const std::uint32_t counter = ksnCounter(ksn);
  struct Slot {
    DukptKeyUsage usage;
    Bytes* key;
  };
  for (const Slot& slot : {Slot{DukptKeyUsage::kPinEncryption, &out.pin_key},
                           Slot{DukptKeyUsage::kMacGeneration, &out.mac_generation_key},
                           Slot{DukptKeyUsage::kMacVerification, &out.mac_verification_key},
                           Slot{DukptKeyUsage::kDataEncryptionEncrypt, &out.data_encryption_key},
                           Slot{DukptKeyUsage::kDataEncryptionDecrypt, &out.data_decryption_key}}) {
    POSIM_ASSIGN_OR_RETURN(*slot.key,
                           aesDukptDeriveKey(out.derivation_key, slot.usage, type, id, counter));
  }
  return out;
}

Result<Bytes> nextAesKsn(ByteView ksn) {
  POSIM_RETURN_IF_ERROR(checkLength("ksn", ksn, {kAesKsnLength}));
  std::uint64_t next = std::uint64_t{ksnCounter(ksn)} + 1;
  while (next <= 0xFFFFFFFFu && std::popcount(next) > kAesMaxCounterBits) {
    next += next & (~next + 1);
  }
  if (next > 0xFFFFFFFFu) return outOfRange("ksn: the 32-bit transaction counter is exhausted");
  Bytes out(ksn.begin(), ksn.begin() + kAesInitialKeyIdLength);
  append(out, writeBigEndian(next, 4));
  return out;
}

}  // namespace posim::emv::crypto
