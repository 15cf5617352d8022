#include "posim/emv/crypto/rsa_pin.h"

#include <algorithm>
#include <string>

namespace posim::emv::crypto {
namespace {
constexpr std::uint8_t kPinDataHeader = 0x7F;
}  // namespace

Result<Bytes> encipherPinBlock(const RsaPublicKey& key, ByteView pin_block,
                               ByteView icc_unpredictable_number, Random& random) {
  if (pin_block.size() != 8) {
    return invalidArgument("PIN block is " + std::to_string(pin_block.size()) +
                           " bytes, expected 8");
  }
  if (icc_unpredictable_number.size() != 8) {
    return invalidArgument("ICC unpredictable number is " +
                           std::to_string(icc_unpredictable_number.size()) + " bytes, expected 8");
  }
  const std::size_t n = key.size();
  if (n < 17) return invalidArgument("PIN encipherment key is shorter than 17 bytes");
  Bytes block;
  block.reserve(n);
  block.push_back(kPinDataHeader);
  append(block, pin_block);
  append(block, icc_unpredictable_number);
  block.resize(n);
  // A modulus starting below 7F..: redraw the padding until the number is below it. The block
  // starts with 7F so at most a handful of tries for any real key; bounded to stay total.
  for (int attempt = 0; attempt < 64; ++attempt) {
    random.fill(std::span<std::uint8_t>(block).subspan(17));
    auto enciphered = key.publicOperation(block);
    if (enciphered.isOk() || enciphered.status().code() != StatusCode::kInvalidArgument) {
      return enciphered;
    }
  }
  return invalidArgument("PIN encipherment key modulus is too small for the 7F header");
}

std::optional<Bytes> decipherPinBlock(const RsaPrivateKey& key, ByteView enciphered_pin_data,
                                      ByteView icc_unpredictable_number) {
  auto block = key.privateOperation(enciphered_pin_data);
  if (!block.isOk() || block->size() < 17 || (*block)[0] != kPinDataHeader) return std::nullopt;
  const ByteView un = ByteView(*block).subspan(9, 8);
  if (!std::equal(un.begin(), un.end(), icc_unpredictable_number.begin(),
                  icc_unpredictable_number.end())) {
    return std::nullopt;
  }
  return Bytes(block->begin() + 1, block->begin() + 9);
}

}  // namespace posim::emv::crypto
