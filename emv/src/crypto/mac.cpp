#include "posim/emv/crypto/mac.h"

#include <memory>
#include <string>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto/symmetric_util.h"

namespace posim::emv::crypto {
namespace {

using internal::checkLength;

Status checkMacLength(std::size_t mac_length, std::size_t block) {
  if (mac_length >= 4 && mac_length <= block) return Status::ok();
  return invalidArgument("mac length: " + std::to_string(mac_length) + " bytes, expected 4 to " +
                         std::to_string(block));
}

Bytes lastBlock(const Bytes& cbc_output, std::size_t block, std::size_t take) {
  return Bytes(cbc_output.end() - static_cast<std::ptrdiff_t>(block),
               cbc_output.end() - static_cast<std::ptrdiff_t>(block - take));
}

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

EVP_MAC* cmacAlgorithm() {
  // Fetched once: an EVP_MAC is immutable and may be shared between threads.
  static const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "CMAC", nullptr));
  return mac.get();
}

}  // namespace

Result<MacPadding> parseMacPadding(std::string_view text) {
  if (text == "1") return MacPadding::kMethod1;
  if (text == "2") return MacPadding::kMethod2;
  return invalidArgument("padding: '" + std::string(text) + "', expected 1 or 2");
}

Result<MacAlgorithm> parseMacAlgorithm(std::string_view text) {
  if (text == "1") return MacAlgorithm::kAlgorithm1;
  if (text == "3") return MacAlgorithm::kAlgorithm3;
  return invalidArgument("alg: '" + std::string(text) + "', expected 1 or 3");
}

Bytes padIso9797(ByteView data, MacPadding padding, std::size_t block_size) {
  Bytes out(data.begin(), data.end());
  if (padding == MacPadding::kMethod2) {
    out.push_back(0x80);
  } else if (out.empty()) {
    out.resize(block_size, 0);  // §6.1.1: empty data is padded to one block of zeros
  }
  const std::size_t rem = out.size() % block_size;
  if (rem != 0) out.resize(out.size() + block_size - rem, 0);
  return out;
}

Result<Bytes> macAlgorithm1(ByteView key, ByteView data, MacPadding padding,
                            std::size_t mac_length) {
  POSIM_RETURN_IF_ERROR(checkLength("key", key, {8, 16, 24}));
  POSIM_RETURN_IF_ERROR(checkMacLength(mac_length, 8));
  const BlockCipher cipher = key.size() == 8 ? BlockCipher::kDes : BlockCipher::kTdes;
  POSIM_ASSIGN_OR_RETURN(Bytes cbc,
                         encrypt(cipher, CipherMode::kCbc, key, padIso9797(data, padding)));
  return lastBlock(cbc, 8, mac_length);
}

Result<Bytes> macAlgorithm3(ByteView key, ByteView data, MacPadding padding,
                            std::size_t mac_length) {
  POSIM_RETURN_IF_ERROR(checkLength("key", key, {16}));
  POSIM_RETURN_IF_ERROR(checkMacLength(mac_length, 8));
  const Bytes padded = padIso9797(data, padding);
  // H(q) = E_K(H(q-1) xor D(q)) followed by D_K' and E_K is one two-key TDES encryption of
  // H(q-1) xor D(q); so: single-DES CBC over the first q-1 blocks, then TDES-CBC with H(q-1) as
  // the IV over the last block.
  const ByteView all(padded);
  const std::size_t head = padded.size() - 8;
  Bytes iv(8, 0);
  if (head > 0) {
    POSIM_ASSIGN_OR_RETURN(
        Bytes cbc, encrypt(BlockCipher::kDes, CipherMode::kCbc, key.first(8), all.first(head)));
    iv.assign(cbc.end() - 8, cbc.end());
  }
  POSIM_ASSIGN_OR_RETURN(Bytes last,
                         encrypt(BlockCipher::kTdes, CipherMode::kCbc, key, all.subspan(head), iv));
  last.resize(mac_length);
  return last;
}

Result<Bytes> computeMac(MacAlgorithm algorithm, ByteView key, ByteView data, MacPadding padding,
                         std::size_t mac_length) {
  return algorithm == MacAlgorithm::kAlgorithm1 ? macAlgorithm1(key, data, padding, mac_length)
                                                : macAlgorithm3(key, data, padding, mac_length);
}

Result<bool> verifyMac(MacAlgorithm algorithm, ByteView key, ByteView data, MacPadding padding,
                       ByteView mac) {
  POSIM_RETURN_IF_ERROR(internal::checkLengthRange("mac", mac, 4, 8));
  POSIM_ASSIGN_OR_RETURN(Bytes expected, computeMac(algorithm, key, data, padding, mac.size()));
  return internal::constantTimeEqual(expected, mac);
}

Result<Bytes> cmac(BlockCipher cipher, ByteView key, ByteView data, std::size_t mac_length) {
  const char* cipher_name = nullptr;
  Bytes key_material(key.begin(), key.end());
  switch (cipher) {
    case BlockCipher::kDes: return invalidArgument("cipher: CMAC needs a TDES or AES key");
    case BlockCipher::kTdes:
      POSIM_RETURN_IF_ERROR(checkLength("key", key, {16, 24}));
      if (key.size() == 16) key_material.insert(key_material.end(), key.begin(), key.begin() + 8);
      cipher_name = "DES-EDE3-CBC";
      break;
    case BlockCipher::kAes:
      POSIM_RETURN_IF_ERROR(checkLength("key", key, {16, 24, 32}));
      cipher_name = key.size() == 16   ? "AES-128-CBC"
                    : key.size() == 24 ? "AES-192-CBC"
                                       : "AES-256-CBC";
      break;
  }
  const std::size_t block = blockSize(cipher);
  if (mac_length == 0) mac_length = block;
  POSIM_RETURN_IF_ERROR(checkMacLength(mac_length, block));

  EVP_MAC* algorithm = cmacAlgorithm();
  if (algorithm == nullptr) return internalError("EVP_MAC_fetch(CMAC) failed");
  std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(EVP_MAC_CTX_new(algorithm));
  if (!ctx) return internalError("EVP_MAC_CTX_new failed");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, const_cast<char*>(cipher_name), 0),
      OSSL_PARAM_construct_end(),
  };
  Bytes out(block);
  std::size_t out_len = 0;
  const bool ok = EVP_MAC_init(ctx.get(), key_material.data(), key_material.size(), params) == 1 &&
                  EVP_MAC_update(ctx.get(), data.data(), data.size()) == 1 &&
                  EVP_MAC_final(ctx.get(), out.data(), &out_len, out.size()) == 1;
  internal::wipe(key_material);
  if (!ok || out_len != block) return internalError("EVP_MAC (CMAC) failed");
  out.resize(mac_length);
  return out;
}

}  // namespace posim::emv::crypto
