// ANSI X9.24-1:2009 TDES DUKPT.
#include "posim/emv/crypto/dukpt.h"

#include <bit>
#include <string>

#include "posim/emv/crypto/cipher.h"

#include "crypto/symmetric_util.h"

namespace posim::emv::crypto {
namespace {

using internal::checkLength;

constexpr std::uint8_t kKeyMask[16] = {0xC0, 0xC0, 0xC0, 0xC0, 0x00, 0x00, 0x00, 0x00,
                                       0xC0, 0xC0, 0xC0, 0xC0, 0x00, 0x00, 0x00, 0x00};
constexpr int kTdesMaxCounterBits = 10;

// The rightmost 8 bytes of the KSN with the 21 counter bits cleared.
std::uint64_t ksnRegisterBase(ByteView ksn) {
  return readBigEndian(ksn.subspan(2)) & ~static_cast<std::uint64_t>(kTdesKsnCounterMask);
}

// One half of the non-reversible key generation process: DES(key_left, r xor key_right) xor
// key_right.
Result<Bytes> nrkgpHalf(ByteView key, ByteView r) {
  const ByteView right = internal::rightHalf(key);
  POSIM_ASSIGN_OR_RETURN(Bytes out, encrypt(BlockCipher::kDes, CipherMode::kEcb,
                                            internal::leftHalf(key), xorBytes(r, right)));
  return xorBytes(out, right);
}

// X9.24-1:2009 A.2 non-reversible key generation process.
Result<Bytes> nonReversibleKeyGeneration(ByteView key, std::uint64_t ksn_register) {
  const Bytes r = writeBigEndian(ksn_register, 8);
  POSIM_ASSIGN_OR_RETURN(Bytes right, nrkgpHalf(key, r));
  Bytes masked = xorBytes(key, ByteView(kKeyMask, 16));
  POSIM_ASSIGN_OR_RETURN(Bytes left, nrkgpHalf(masked, r));
  internal::wipe(masked);
  append(left, right);
  return left;
}

Bytes variantMask(DukptVariant variant) {
  Bytes mask(16, 0);
  std::size_t index = 7;
  switch (variant) {
    case DukptVariant::kPinEncryption: index = 7; break;
    case DukptVariant::kMacRequest: index = 6; break;
    case DukptVariant::kDataRequest: index = 5; break;
    case DukptVariant::kMacResponse: index = 4; break;
    case DukptVariant::kDataResponse: index = 3; break;
  }
  mask[index] = 0xFF;
  mask[index + 8] = 0xFF;
  return mask;
}

}  // namespace

Result<std::uint32_t> tdesKsnCounter(ByteView ksn) {
  POSIM_RETURN_IF_ERROR(checkLength("ksn", ksn, {kTdesKsnLength}));
  return static_cast<std::uint32_t>(readBigEndian(ksn.subspan(7)) & kTdesKsnCounterMask);
}

Result<Bytes> deriveIpek(ByteView bdk, ByteView ksn) {
  POSIM_RETURN_IF_ERROR(checkLength("bdk", bdk, {16}));
  POSIM_RETURN_IF_ERROR(checkLength("ksn", ksn, {kTdesKsnLength}));
  // Leftmost 8 bytes of the KSN with the counter cleared: the counter's top 5 bits sit in the
  // last of these bytes (byte 7).
  Bytes base(ksn.begin(), ksn.begin() + 8);
  base[7] &= 0xE0;
  POSIM_ASSIGN_OR_RETURN(Bytes left, encrypt(BlockCipher::kTdes, CipherMode::kEcb, bdk, base));
  Bytes masked = xorBytes(bdk, ByteView(kKeyMask, 16));
  POSIM_ASSIGN_OR_RETURN(Bytes right, encrypt(BlockCipher::kTdes, CipherMode::kEcb, masked, base));
  internal::wipe(masked);
  append(left, right);
  return left;
}

Result<Bytes> deriveDukptTransactionKeyFromIpek(ByteView ipek, ByteView ksn) {
  POSIM_RETURN_IF_ERROR(checkLength("ipek", ipek, {16}));
  POSIM_ASSIGN_OR_RETURN(std::uint32_t counter, tdesKsnCounter(ksn));
  if (counter == 0) return invalidArgument("ksn: transaction counter 0 has no transaction key");
  std::uint64_t ksn_register = ksnRegisterBase(ksn);
  Bytes key(ipek.begin(), ipek.end());
  for (std::uint32_t bit = 0x100000; bit != 0; bit >>= 1) {
    if ((counter & bit) == 0) continue;
    ksn_register |= bit;
    POSIM_ASSIGN_OR_RETURN(Bytes next, nonReversibleKeyGeneration(key, ksn_register));
    internal::wipe(key);
    key = std::move(next);
  }
  return key;
}

Result<Bytes> deriveDukptTransactionKey(ByteView bdk, ByteView ksn) {
  POSIM_ASSIGN_OR_RETURN(Bytes ipek, deriveIpek(bdk, ksn));
  Result<Bytes> key = deriveDukptTransactionKeyFromIpek(ipek, ksn);
  internal::wipe(ipek);
  return key;
}

Result<Bytes> applyDukptVariant(ByteView transaction_key, DukptVariant variant) {
  POSIM_RETURN_IF_ERROR(checkLength("key", transaction_key, {16}));
  Bytes key = xorBytes(transaction_key, variantMask(variant));
  if (variant != DukptVariant::kDataRequest && variant != DukptVariant::kDataResponse) return key;
  // X9.24-1:2009 A.4.1: the data encryption key is the variant key encrypted under itself.
  POSIM_ASSIGN_OR_RETURN(Bytes out, encrypt(BlockCipher::kTdes, CipherMode::kEcb, key, key));
  internal::wipe(key);
  return out;
}

Result<TdesDukptKeys> deriveTdesDukptKeys(ByteView bdk, ByteView ksn) {
  TdesDukptKeys out;
  POSIM_ASSIGN_OR_RETURN(out.ipek, deriveIpek(bdk, ksn));
  POSIM_ASSIGN_OR_RETURN(out.transaction_key, deriveDukptTransactionKeyFromIpek(out.ipek, ksn));
  POSIM_ASSIGN_OR_RETURN(out.pin_key,
                         applyDukptVariant(out.transaction_key, DukptVariant::kPinEncryption));
  POSIM_ASSIGN_OR_RETURN(out.mac_request_key,
                         applyDukptVariant(out.transaction_key, DukptVariant::kMacRequest));
  POSIM_ASSIGN_OR_RETURN(out.mac_response_key,
                         applyDukptVariant(out.transaction_key, DukptVariant::kMacResponse));
  POSIM_ASSIGN_OR_RETURN(out.data_request_key,
                         applyDukptVariant(out.transaction_key, DukptVariant::kDataRequest));
  POSIM_ASSIGN_OR_RETURN(out.data_response_key,
                         applyDukptVariant(out.transaction_key, DukptVariant::kDataResponse));
  return out;
}

Result<Bytes> nextTdesKsn(ByteView ksn) {
  POSIM_ASSIGN_OR_RETURN(std::uint32_t counter, tdesKsnCounter(ksn));
  std::uint32_t next = counter + 1;
  // A value with too many set bits is skipped together with every value that shares its upper
  // bits: adding the lowest set bit jumps to the next candidate.
  while (next <= kTdesKsnCounterMask && std::popcount(next) > kTdesMaxCounterBits) {
    next += next & (~next + 1);
  }
  if (next > kTdesKsnCounterMask) {
    return outOfRange("ksn: the 21-bit transaction counter is exhausted");
  }
  Bytes out(ksn.begin(), ksn.end());
  const std::uint64_t tail =
      (readBigEndian(ksn.subspan(7)) & ~std::uint64_t{kTdesKsnCounterMask}) | next;
  const Bytes tail_bytes = writeBigEndian(tail, 3);
  std::copy(tail_bytes.begin(), tail_bytes.end(), out.begin() + 7);
  return out;
}

}  // namespace posim::emv::crypto
