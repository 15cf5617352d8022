#include "posim/emv/crypto/cipher.h"

#include <array>
#include <memory>
#include <string>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace posim::emv::crypto {
namespace {

struct CipherDeleter {
  void operator()(EVP_CIPHER* cipher) const { EVP_CIPHER_free(cipher); }
};
struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherDeleter>;
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

// Every algorithm this file uses, by its OpenSSL 3 default-provider name. Single DES is not here:
// it lives in the legacy provider, and two-key TDES with K1 = K2 is the same function (run()
// doubles the key; two-key rather than three-key saves one DES key schedule per call).
enum Algorithm : std::size_t {
  kDesEdeEcb,
  kDesEdeCbc,
  kDesEde3Ecb,
  kDesEde3Cbc,
  kAes128Ecb,
  kAes128Cbc,
  kAes192Ecb,
  kAes192Cbc,
  kAes256Ecb,
  kAes256Cbc,
  kAlgorithmCount,
};

constexpr std::array<const char*, kAlgorithmCount> kAlgorithmNames = {
    "DES-EDE-ECB", "DES-EDE-CBC", "DES-EDE3-ECB", "DES-EDE3-CBC", "AES-128-ECB",
    "AES-128-CBC", "AES-192-ECB", "AES-192-CBC",  "AES-256-ECB",  "AES-256-CBC",
};

// The EVP_CIPHERs, fetched once for the process (an implicit fetch through EVP_des_ede3_ecb()
// and friends costs a name lookup under a lock on every EVP_CipherInit_ex2). Fetched ciphers are
// immutable and may be shared between threads; a failed fetch stays null and is reported by
// run().
const EVP_CIPHER* fetchedCipher(Algorithm algorithm) {
  static const std::array<CipherPtr, kAlgorithmCount> ciphers = [] {
    std::array<CipherPtr, kAlgorithmCount> out;
    for (std::size_t i = 0; i < kAlgorithmCount; ++i) {
      out[i].reset(EVP_CIPHER_fetch(nullptr, kAlgorithmNames[i], nullptr));
    }
    return out;
  }();
  return ciphers[algorithm].get();
}

// One EVP_CIPHER_CTX per algorithm and thread, created on first use and re-keyed by every call
// with EVP_CipherInit_ex2(ctx, nullptr, key, ...): the provider context and its allocation are
// kept, only the key schedule and IV are redone. Freed (and cleansed by OpenSSL) at thread exit.
std::array<CtxPtr, kAlgorithmCount>& threadContexts() {
  thread_local std::array<CtxPtr, kAlgorithmCount> contexts;
  return contexts;
}

Result<Algorithm> selectAlgorithm(BlockCipher cipher, CipherMode mode, std::size_t key_len) {
  const bool ecb = mode == CipherMode::kEcb;
  switch (cipher) {
    case BlockCipher::kDes:
      if (key_len != 8) break;
      return ecb ? kDesEdeEcb : kDesEdeCbc;
    case BlockCipher::kTdes:
      if (key_len == 16) return ecb ? kDesEdeEcb : kDesEdeCbc;
      if (key_len == 24) return ecb ? kDesEde3Ecb : kDesEde3Cbc;
      break;
    case BlockCipher::kAes:
      if (key_len == 16) return ecb ? kAes128Ecb : kAes128Cbc;
      if (key_len == 24) return ecb ? kAes192Ecb : kAes192Cbc;
      if (key_len == 32) return ecb ? kAes256Ecb : kAes256Cbc;
      break;
  }
  const char* expected = cipher == BlockCipher::kDes    ? "8"
                         : cipher == BlockCipher::kTdes ? "16 or 24"
                                                        : "16, 24 or 32";
  return invalidArgument("key is " + std::to_string(key_len) + " bytes, expected " + expected);
}

// Sets up `ctx` for one call. A fresh context gets its cipher and padding off; a used one keeps
// both (re-initialising with a null cipher keeps the provider context, where the padding flag
// lives) and only takes the new key, IV and direction. run() checks the output length, so a
// padding block could never pass unnoticed.
bool initContext(EVP_CIPHER_CTX* ctx, const EVP_CIPHER* evp, bool fresh, ByteView key,
                 const std::uint8_t* iv, bool enc) {
  if (EVP_CipherInit_ex2(ctx, fresh ? evp : nullptr, key.data(), iv, enc ? 1 : 0, nullptr) != 1) {
    return false;
  }
  return !fresh || EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
}

Result<Bytes> run(BlockCipher cipher, CipherMode mode, ByteView key, ByteView data, ByteView iv,
                  bool enc) {
  POSIM_ASSIGN_OR_RETURN(const Algorithm algorithm, selectAlgorithm(cipher, mode, key.size()));
  const std::size_t block = blockSize(cipher);
  if (data.size() % block != 0) {
    return invalidArgument("data is " + std::to_string(data.size()) +
                           " bytes, not a multiple of the " + std::to_string(block) +
                           "-byte block");
  }
  static constexpr std::array<std::uint8_t, 16> kZeroIv{};
  const std::uint8_t* iv_data = nullptr;
  if (mode == CipherMode::kCbc) {
    if (!iv.empty() && iv.size() != block) {
      return invalidArgument("IV is " + std::to_string(iv.size()) + " bytes, expected " +
                             std::to_string(block));
    }
    iv_data = iv.empty() ? kZeroIv.data() : iv.data();
  }
  const EVP_CIPHER* evp = fetchedCipher(algorithm);
  if (evp == nullptr) {
    return internalError(std::string("EVP_CIPHER_fetch(") + kAlgorithmNames[algorithm] +
                         ") failed");
  }

  CtxPtr& ctx = threadContexts()[algorithm];
  const bool fresh = !ctx;
  if (fresh) {
    ctx.reset(EVP_CIPHER_CTX_new());
    if (!ctx) return internalError("EVP_CIPHER_CTX_new failed");
  }
  bool initialised = false;
  if (cipher == BlockCipher::kDes) {
    std::array<std::uint8_t, 16> doubled{};
    for (std::size_t i = 0; i < doubled.size(); ++i) doubled[i] = key[i % 8];
    initialised = initContext(ctx.get(), evp, fresh, doubled, iv_data, enc);
    OPENSSL_cleanse(doubled.data(), doubled.size());
  } else {
    initialised = initContext(ctx.get(), evp, fresh, key, iv_data, enc);
  }
  if (!initialised) {
    ctx.reset();  // unknown state: the next call starts from a new context
    return internalError("EVP_CipherInit_ex2 failed");
  }

  Bytes out(data.size() + block);
  int len = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) !=
      1) {
    ctx.reset();
    return internalError("EVP_CipherUpdate failed");
  }
  int tail = 0;
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
    ctx.reset();
    return internalError("EVP_CipherFinal_ex failed");
  }
  if (static_cast<std::size_t>(len) + static_cast<std::size_t>(tail) != data.size()) {
    ctx.reset();
    return internalError("EVP cipher returned " + std::to_string(len + tail) + " bytes for " +
                         std::to_string(data.size()) + " (padding not off?)");
  }
  out.resize(data.size());
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
