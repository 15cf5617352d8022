// Private helpers around OpenSSL BIGNUMs shared by rsa.cpp and pki.cpp (not a public header:
// OpenSSL types never leave emv/src).
#pragma once

#include <memory>

#include <openssl/bn.h>

#include "posim/base/bytes.h"

namespace posim::emv::crypto::internal {

struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct BnCtxDeleter {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
struct MontDeleter {
  void operator()(BN_MONT_CTX* mont) const { BN_MONT_CTX_free(mont); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxDeleter>;
using MontPtr = std::unique_ptr<BN_MONT_CTX, MontDeleter>;

// A fresh zero BIGNUM; aborts if OpenSSL cannot allocate (posim treats OOM as fatal).
BnPtr newBn();
// Big-endian bytes -> BIGNUM (leading zeros allowed).
BnPtr bnFromBytes(ByteView bytes);
// BIGNUM -> big-endian bytes without leading zeros (empty for zero).
Bytes bnToBytes(const BIGNUM* bn);
// BIGNUM -> exactly width big-endian bytes. REQUIRES: the number fits.
Bytes bnToBytesPadded(const BIGNUM* bn, std::size_t width);

// A BN_CTX owned by the calling thread, created on first use and reused by every RSA
// operation of that thread (creating one per call costs more than an e=3 recovery).
BN_CTX* threadBnCtx();

// Montgomery context for an odd modulus; nullptr on failure.
MontPtr newMont(const BIGNUM* modulus);

}  // namespace posim::emv::crypto::internal
