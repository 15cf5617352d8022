#include "posim/emv/crypto/cipher.h"

#include <memory>
#include <string>

#include <openssl/evp.h>

namespace posim::emv::crypto {
namespace {

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

Result<const EVP_CIPHER*> selectCipher(BlockCipher cipher, CipherMode mode, std::size_t key_len) {
  const bool ecb = mode == CipherMode::kEcb;
  switch (cipher) {
    case BlockCipher::kDes:
      // Single DES lives in OpenSSL 3's legacy provider; TDES with K1 = K2 = K3 is the same
      // function and needs no legacy provider (run() triples the key).
      if (key_len != 8) break;
      return ecb ? EVP_des_ede3_ecb() : EVP_des_ede3_cbc();
    case BlockCipher::kTdes:
      if (key_len == 16) return ecb ? EVP_des_ede_ecb() : EVP_des_ede_cbc();
      if (key_len == 24) return ecb ? EVP_des_ede3_ecb() : EVP_des_ede3_cbc();
      break;
    case BlockCipher::kAes:
      if (key_len == 16) return ecb ? EVP_aes_128_ecb() : EVP_aes_128_cbc();
      if (key_len == 24) return ecb ? EVP_aes_192_ecb() : EVP_aes_192_cbc();
      if (key_len == 32) return ecb ? EVP_aes_256_ecb() : EVP_aes_256_cbc();
      break;
  }
  const char* expected = cipher == BlockCipher::kDes    ? "8"
                         : cipher == BlockCipher::kTdes ? "16 or 24"
                                                        : "16, 24 or 32";
  return invalidArgument("key is " + std::to_string(key_len) + " bytes, expected " + expected);
}

Result<Bytes> run(BlockCipher cipher, CipherMode mode, ByteView key, ByteView data, ByteView iv,
                  bool enc) {
  POSIM_ASSIGN_OR_RETURN(const EVP_CIPHER* evp, selectCipher(cipher, mode, key.size()));
  const std::size_t block = blockSize(cipher);
  if (data.size() % block != 0) {
    return invalidArgument("data is " + std::to_string(data.size()) +
                           " bytes, not a multiple of the " + std::to_string(block) +
                           "-byte block");
  }
  Bytes zero_iv(block, 0);
  if (mode == CipherMode::kCbc) {
    if (!iv.empty() && iv.size() != block) {
      return invalidArgument("IV is " + std::to_string(iv.size()) + " bytes, expected " +
                             std::to_string(block));
    }
    if (iv.empty()) iv = zero_iv;
  }
  Bytes tripled;
  if (cipher == BlockCipher::kDes) {
    tripled.reserve(24);
    for (int i = 0; i < 3; ++i) append(tripled, key);
    key = tripled;
  }
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return internalError("EVP_CIPHER_CTX_new failed");
  if (EVP_CipherInit_ex2(ctx.get(), evp, key.data(), mode == CipherMode::kCbc ? iv.data() : nullptr,
                         enc ? 1 : 0, nullptr) != 1) {
    return internalError("EVP_CipherInit_ex2 failed");
  }
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  Bytes out(data.size() + block);
  int len = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) !=
      1) {
    return internalError("EVP_CipherUpdate failed");
  }
  int tail = 0;
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
    return internalError("EVP_CipherFinal_ex failed");
  }
  out.resize(static_cast<std::size_t>(len + tail));
  return out;
}

}  // namespace

std::size_t blockSize(BlockCipher cipher) {
  return cipher == BlockCipher::kAes ? 16 : 8;
}

Result<Bytes> encrypt(BlockCipher cipher, CipherMode mode, ByteView key, ByteView data,
                      ByteView iv) {
  return run(cipher, mode, key, data, iv, true);
}

Result<Bytes> decrypt(BlockCipher cipher, CipherMode mode, ByteView key, ByteView data,
                      ByteView iv) {
  return run(cipher, mode, key, data, iv, false);
}

Result<BlockCipher> desFamilyForKey(ByteView key) {
  if (key.size() == 8) return BlockCipher::kDes;
  if (key.size() == 16 || key.size() == 24) return BlockCipher::kTdes;
  return invalidArgument("key is " + std::to_string(key.size()) +
                         " bytes, expected 8, 16 or 24 for DES/TDES");
}

Result<Bytes> keyCheckValue(BlockCipher cipher, ByteView key) {
  const Bytes zeros(blockSize(cipher), 0);
  return encrypt(cipher, CipherMode::kEcb, key, zeros);
}

Result<Bytes> keyCheckValue(ByteView key) {
  POSIM_ASSIGN_OR_RETURN(BlockCipher cipher, desFamilyForKey(key));
  return keyCheckValue(cipher, key);
}

Bytes withOddParity(ByteView key) {
  Bytes out(key.begin(), key.end());
  for (auto& b : out) {
    const int ones = __builtin_popcount(static_cast<unsigned>(b & 0xFE));
    b = static_cast<std::uint8_t>((b & 0xFE) | (ones % 2 == 0 ? 1 : 0));
  }
  return out;
}

bool hasOddParity(ByteView key) {
  for (auto b : key) {
    if (__builtin_popcount(b) % 2 == 0) return false;
  }
  return true;
}

}  // namespace posim::emv::crypto
