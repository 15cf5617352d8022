// Message authentication codes of payment systems: ISO/IEC 9797-1 MAC algorithm 1 (CBC-MAC) and
// algorithm 3 (the "retail MAC" of ANSI X9.19) with padding methods 1 and 2, and CMAC
// (ISO/IEC 9797-1 algorithm 5, NIST SP 800-38B) for AES and TDES keys (AES DUKPT, ANSI X9.24-3).
//
// Thread safety: pure functions; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/status.h"
#include "posim/emv/crypto/cipher.h"

namespace posim::emv::crypto {

// ISO/IEC 9797-1 §6.1 padding methods.
enum class MacPadding {
  kMethod1 = 1,  // append 00 bytes up to a whole block; empty data becomes one zero block
  kMethod2 = 2,  // append 80, then 00 bytes up to a whole block (always adds at least one byte)
};

// ISO/IEC 9797-1 §7 MAC algorithms posim implements over DES-family keys.
enum class MacAlgorithm {
  kAlgorithm1 = 1,  // CBC-MAC: every block under the key (DES, or TDES with a 16/24-byte key)
  kAlgorithm3 = 3,  // retail MAC: single-DES CBC under K, last block D(K') then E(K)
};

// Parses "1"/"2" (padding) and "1"/"3" (algorithm), as `posim crypto mac` takes them.
// Errors: InvalidArgument naming "padding" / "alg".
Result<MacPadding> parseMacPadding(std::string_view text);
Result<MacAlgorithm> parseMacAlgorithm(std::string_view text);

// Pads data to a multiple of block_size per ISO/IEC 9797-1 §6.1.1 (method 1) or §6.1.2 (method 2).
// REQUIRES: block_size > 0.
Bytes padIso9797(ByteView data, MacPadding padding, std::size_t block_size = 8);

// ISO/IEC 9797-1 MAC algorithm 1 (§7.2, "CBC-MAC", FIPS 113 / ANSI X9.9 with an 8-byte key):
// CBC encryption of the padded data with a zero IV under DES (8-byte key) or TDES (16- or
// 24-byte key, every block), the MAC being the leftmost mac_length bytes of the last block.
// Errors: InvalidArgument for a key of another length ("key: 15 bytes, expected 8, 16 or 24") or
// mac_length outside 4..8 ("mac length: ...").
Result<Bytes> macAlgorithm1(ByteView key, ByteView data, MacPadding padding,
                            std::size_t mac_length = 8);

// ISO/IEC 9797-1 MAC algorithm 3 (§7.4, ANSI X9.19 retail MAC): single-DES CBC of the padded data
// under K, then the last output block is decrypted under K' and encrypted under K; leftmost
// mac_length bytes. `key` is K || K' (16 bytes), as EMV session keys are (EMV Book 2 A1.2).
// Errors: InvalidArgument for a key that is not 16 bytes or mac_length outside 4..8.
Result<Bytes> macAlgorithm3(ByteView key, ByteView data, MacPadding padding,
                            std::size_t mac_length = 8);

// One call for `posim crypto mac --alg A --padding P --key K --data D`: dispatches to
// macAlgorithm1 or macAlgorithm3.
Result<Bytes> computeMac(MacAlgorithm algorithm, ByteView key, ByteView data, MacPadding padding,
                         std::size_t mac_length = 8);

// Recomputes the MAC and compares it with `mac` in constant time; the length of `mac` (4..8)
// selects the MAC length. Returns false for a mismatch (an outcome, not an error).
Result<bool> verifyMac(MacAlgorithm algorithm, ByteView key, ByteView data, MacPadding padding,
                       ByteView mac);

// CMAC (ISO/IEC 9797-1 algorithm 5, NIST SP 800-38B) through OpenSSL's EVP_MAC, for AES
// (16/24/32-byte key) or TDES (16/24-byte key); the leftmost mac_length bytes (4 up to the block
// size; the default 0 means the whole block).
// Errors: InvalidArgument for an unusable key length or mac_length; kDes is not supported.
Result<Bytes> cmac(BlockCipher cipher, ByteView key, ByteView data, std::size_t mac_length = 0);

}  // namespace posim::emv::crypto
