// Block ciphers for payment cryptography on OpenSSL 3 EVP: single DES (for MAC algorithm 1 and
// the ISO 9797-1 alg 3 inner steps), TDES with 2- or 3-key keys (16 or 24 bytes), and AES
// (16, 24 or 32 bytes). No padding is ever added here: the caller pads per the algorithm.
#pragma once

#include <cstdint>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::emv::crypto {

enum class BlockCipher {
  kDes,   // 8-byte key
  kTdes,  // 16-byte (K1 K2 K1) or 24-byte (K1 K2 K3) key
  kAes,   // 16, 24 or 32-byte key
};

enum class CipherMode { kEcb, kCbc };

// Block size in bytes: 8 for DES/TDES, 16 for AES.
std::size_t blockSize(BlockCipher cipher);

// Encrypts or decrypts data with no padding.
// Errors: InvalidArgument if the key length does not fit the cipher, if data is not a whole
// number of blocks, or if iv is not empty/one block long (empty iv means zeros).
// Thread safety: safe to call from any thread. Each thread keeps one OpenSSL context per
// algorithm and re-keys it on every call, so the expanded key of the last call stays in that
// context until the thread's next call with the same algorithm or the thread's exit.
Result<Bytes> encrypt(BlockCipher cipher, CipherMode mode, ByteView key, ByteView data,
                      ByteView iv = {});
Result<Bytes> decrypt(BlockCipher cipher, CipherMode mode, ByteView key, ByteView data,
                      ByteView iv = {});

// The cipher a key length implies for DES-family keys: 8 -> DES, 16/24 -> TDES.
Result<BlockCipher> desFamilyForKey(ByteView key);

// Key check value: the encryption of one zero block under the key (the classic KCV of ANSI
// X9.24 and HSM practice). Returns the whole block; callers show the leftmost 3 bytes.
// The one-argument form treats the key as DES-family (8, 16 or 24 bytes).
Result<Bytes> keyCheckValue(BlockCipher cipher, ByteView key);
Result<Bytes> keyCheckValue(ByteView key);

// Sets each byte's least significant bit so that the byte has odd parity (DES key convention).
Bytes withOddParity(ByteView key);
bool hasOddParity(ByteView key);

}  // namespace posim::emv::crypto
