#include "posim/emv/crypto/rsa.h"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <utility>

#include <openssl/evp.h>

#include "crypto/rsa_bignum.h"

namespace posim::emv::crypto {

// ---------------------------------------------------------------------------------------------
// BIGNUM helpers (rsa_bignum.h)

namespace internal {

BnPtr newBn() {
  BnPtr bn(BN_new());
  if (!bn) std::abort();
  return bn;
}

BnPtr bnFromBytes(ByteView bytes) {
  BnPtr bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn) std::abort();
  return bn;
}

Bytes bnToBytes(const BIGNUM* bn) {
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  if (!out.empty()) BN_bn2bin(bn, out.data());
  return out;
}

Bytes bnToBytesPadded(const BIGNUM* bn, std::size_t width) {
  Bytes out(width);
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(width)) < 0) std::abort();
  return out;
}

BN_CTX* threadBnCtx() {
  thread_local BnCtxPtr ctx(BN_CTX_new());
  if (!ctx) std::abort();
  return ctx.get();
}

MontPtr newMont(const BIGNUM* modulus) {
  MontPtr mont(BN_MONT_CTX_new());
  if (!mont || BN_MONT_CTX_set(mont.get(), modulus, threadBnCtx()) != 1) return nullptr;
  return mont;
}

}  // namespace internal

namespace {

using internal::bnFromBytes;
using internal::BnPtr;
using internal::bnToBytes;
using internal::MontPtr;
using internal::newBn;
using internal::threadBnCtx;

// BN_CTX_start/BN_CTX_end as a scope.
class BnFrame {
 public:
  explicit BnFrame(BN_CTX* ctx) : ctx_(ctx) { BN_CTX_start(ctx_); }
  ~BnFrame() { BN_CTX_end(ctx_); }
  BnFrame(const BnFrame&) = delete;
  BnFrame& operator=(const BnFrame&) = delete;
  BIGNUM* get() {
    BIGNUM* bn = BN_CTX_get(ctx_);
    if (bn == nullptr) std::abort();
    return bn;
  }

 private:
  BN_CTX* ctx_;
};

ByteView stripLeadingZeros(ByteView bytes) {
  std::size_t i = 0;
  while (i < bytes.size() && bytes[i] == 0) ++i;
  return bytes.subspan(i);
}

// --- digests ---

const EVP_MD* digestFor(HashAlgorithm algorithm) {
  // Fetched once: an implicit fetch on every digest costs about as much as hashing 500 bytes.
  static const EVP_MD* const kSha1Md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* const kSha256Md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const EVP_MD* md = algorithm == HashAlgorithm::kSha256 ? kSha256Md : kSha1Md;
  if (md == nullptr) std::abort();
  return md;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::size_t hashLength(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSha256 ? 32 : 20;
}

Bytes hash(HashAlgorithm algorithm, std::initializer_list<ByteView> parts) {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), digestFor(algorithm), nullptr) != 1) std::abort();
  for (ByteView part : parts) {
    if (!part.empty() && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) std::abort();
  }
  Bytes out(hashLength(algorithm));
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) std::abort();
  return out;
}

Bytes sha1(ByteView data) {
  return hash(HashAlgorithm::kSha1, {data});
}

Bytes sha256(ByteView data) {
  return hash(HashAlgorithm::kSha256, {data});
}

// ---------------------------------------------------------------------------------------------
// RsaPublicKey

namespace {
// Public exponents up to this many bits (3, 65537) skip the Montgomery context at first.
constexpr int kSmallExponentBits = 17;
// How many operations a small-exponent key does without a Montgomery context. Setting one up
// (about 5 us for a 1408-bit modulus) costs more than a few plain operations lose, so one-shot
// keys never build it, while long-lived keys such as CAPKs still get it after a few uses.
constexpr unsigned kPlainUses = 4;
}  // namespace

struct RsaPublicKey::State {
  Bytes modulus;
  Bytes exponent;
  BnPtr n;
  BnPtr e;
  MontPtr mont;  // from create() only for exponents above kSmallExponentBits
  // Small-exponent keys: plain square-and-multiply for the first kPlainUses operations, then a
  // Montgomery context built once (keys are shared between threads, hence atomic + once_flag).
  mutable std::atomic<unsigned> uses{0};
  mutable std::once_flag lazy_mont_once;
  mutable MontPtr lazy_mont;
};

RsaPublicKey::RsaPublicKey() = default;
RsaPublicKey::RsaPublicKey(std::shared_ptr<const State> state) : state_(std::move(state)) {}

Result<RsaPublicKey> RsaPublicKey::create(ByteView modulus, ByteView exponent) {
  const ByteView m = stripLeadingZeros(modulus);
  const ByteView x = stripLeadingZeros(exponent);
  if (m.size() < 2) {
    return invalidArgument("RSA modulus is " + std::to_string(m.size()) +
                           " significant bytes, expected at least 2");
  }
  if ((m.back() & 1U) == 0) return invalidArgument("RSA modulus is even");
  if (x.empty() || (x.back() & 1U) == 0 || (x.size() == 1 && x[0] == 1)) {
    return invalidArgument("RSA public exponent must be odd and at least 3");
  }
  if (x.size() > m.size()) return invalidArgument("RSA public exponent is longer than the modulus");
  auto state = std::make_shared<State>();
  state->modulus.assign(m.begin(), m.end());
  state->exponent.assign(x.begin(), x.end());
  state->n = bnFromBytes(m);
  state->e = bnFromBytes(x);
  if (BN_cmp(state->e.get(), state->n.get()) >= 0) {
    return invalidArgument("RSA public exponent is not smaller than the modulus");
  }
  // EMV public exponents are 3 or 65537: publicOperation exponentiates those by plain
  // square-and-multiply, which costs less than setting up a Montgomery context (BN_MONT_CTX_set
  // inverts modulo the word size, several microseconds) for a key that is often used once, such
  // as a freshly recovered issuer or ICC key. Only larger exponents get a context.
  if (BN_num_bits(state->e.get()) > kSmallExponentBits) {
    state->mont = internal::newMont(state->n.get());
    if (!state->mont) return internalError("BN_MONT_CTX_set failed for the RSA modulus");
  }
  return RsaPublicKey(std::move(state));
}

const Bytes& RsaPublicKey::modulus() const {
  static const Bytes kEmpty;
  return state_ ? state_->modulus : kEmpty;
}

const Bytes& RsaPublicKey::exponent() const {
  static const Bytes kEmpty;
  return state_ ? state_->exponent : kEmpty;
}

std::size_t RsaPublicKey::size() const {
  return state_ ? state_->modulus.size() : 0;
}

std::size_t RsaPublicKey::bits() const {
  return state_ ? static_cast<std::size_t>(BN_num_bits(state_->n.get())) : 0;
}

Result<Bytes> RsaPublicKey::publicOperation(ByteView input) const {
  if (!state_) return failedPrecondition("RSA public operation with an empty key");
  const std::size_t n_len = state_->modulus.size();
  if (input.size() != n_len) {
    return invalidArgument("RSA input is " + std::to_string(input.size()) +
                           " bytes, the modulus is " + std::to_string(n_len));
  }
  BN_CTX* ctx = threadBnCtx();
  BnFrame frame(ctx);
  BIGNUM* x = frame.get();
  BIGNUM* r = frame.get();
  if (BN_bin2bn(input.data(), static_cast<int>(input.size()), x) == nullptr) std::abort();
  if (BN_cmp(x, state_->n.get()) >= 0) {
    return invalidArgument("RSA input is not smaller than the modulus");
  }
  BN_MONT_CTX* mont = state_->mont.get();
  if (mont == nullptr && state_->uses.fetch_add(1, std::memory_order_relaxed) >= kPlainUses) {
    std::call_once(state_->lazy_mont_once,
                   [this] { state_->lazy_mont = internal::newMont(state_->n.get()); });
    mont = state_->lazy_mont.get();
  }
  if (mont == nullptr) {
    // Left-to-right square-and-multiply; the exponent is public, so no constant time needed.
    const BIGNUM* e = state_->e.get();
    const BIGNUM* n = state_->n.get();
    if (BN_copy(r, x) == nullptr) std::abort();
    for (int bit = BN_num_bits(e) - 2; bit >= 0; --bit) {
      if (BN_mod_sqr(r, r, n, ctx) != 1 ||
          (BN_is_bit_set(e, bit) && BN_mod_mul(r, r, x, n, ctx) != 1)) {
        return internalError("BIGNUM arithmetic failed in the RSA public operation");
      }
    }
    return internal::bnToBytesPadded(r, n_len);
  }
  if (BN_mod_exp_mont(r, x, state_->e.get(), state_->n.get(), ctx, mont) != 1) {
    return internalError("BN_mod_exp_mont failed");
  }
  return internal::bnToBytesPadded(r, n_len);
}

bool operator==(const RsaPublicKey& a, const RsaPublicKey& b) {
  return a.modulus() == b.modulus() && a.exponent() == b.exponent();
}

// ---------------------------------------------------------------------------------------------
// RsaPrivateKey

struct RsaPrivateKey::State {
  RsaPublicKey public_key;
  BnPtr n;
  BnPtr d;
  MontPtr mont_n;  // only without CRT
  // CRT parts; all null when the primes are unknown.
  BnPtr p;
  BnPtr q;
  BnPtr dp;
  BnPtr dq;
  BnPtr qinv;
  MontPtr mont_p;
  MontPtr mont_q;
};

RsaPrivateKey::RsaPrivateKey() = default;
RsaPrivateKey::RsaPrivateKey(std::shared_ptr<const State> state) : state_(std::move(state)) {}

namespace {

// Checks e*d == 1 (mod p-1) for one prime and returns d mod (p-1).
Result<BnPtr> crtExponent(const BIGNUM* d, const BIGNUM* e, const BIGNUM* prime, BN_CTX* ctx) {
  BnPtr pm1(BN_dup(prime));
  BnPtr dp = newBn();
  BnPtr check = newBn();
  if (!pm1 || BN_sub_word(pm1.get(), 1) != 1 || BN_nnmod(dp.get(), d, pm1.get(), ctx) != 1 ||
      BN_mod_mul(check.get(), dp.get(), e, pm1.get(), ctx) != 1) {
    return internalError("BIGNUM arithmetic failed deriving a CRT exponent");
  }
  if (!BN_is_one(check.get())) {
    return invalidArgument("RSA private exponent does not match the primes and public exponent");
  }
  return dp;
}

}  // namespace

Result<RsaPrivateKey> RsaPrivateKey::create(ByteView modulus, ByteView public_exponent,
                                            ByteView private_exponent, ByteView p, ByteView q) {
  POSIM_ASSIGN_OR_RETURN(RsaPublicKey pub, RsaPublicKey::create(modulus, public_exponent));
  auto state = std::make_shared<State>();
  state->public_key = pub;
  BN_CTX* ctx = threadBnCtx();
  state->n = bnFromBytes(pub.modulus());
  const BIGNUM* n = state->n.get();
  const BnPtr e = bnFromBytes(pub.exponent());
  state->d = bnFromBytes(private_exponent);
  if (BN_is_zero(state->d.get()) || BN_cmp(state->d.get(), n) >= 0) {
    return invalidArgument("RSA private exponent must be non-zero and smaller than the modulus");
  }
  const bool has_p = !stripLeadingZeros(p).empty();
  const bool has_q = !stripLeadingZeros(q).empty();
  if (has_p != has_q) return invalidArgument("RSA key: give both primes p and q, or neither");
  if (has_p) {
    state->p = bnFromBytes(p);
    state->q = bnFromBytes(q);
    BnPtr product = newBn();
    if (BN_mul(product.get(), state->p.get(), state->q.get(), ctx) != 1) {
      return internalError("BN_mul failed");
    }
    if (BN_cmp(product.get(), n) != 0 || !BN_is_odd(state->p.get()) || !BN_is_odd(state->q.get())) {
      return invalidArgument("RSA key: p * q is not the modulus");
    }
    POSIM_ASSIGN_OR_RETURN(state->dp, crtExponent(state->d.get(), e.get(), state->p.get(), ctx));
    POSIM_ASSIGN_OR_RETURN(state->dq, crtExponent(state->d.get(), e.get(), state->q.get(), ctx));
    state->qinv.reset(BN_mod_inverse(nullptr, state->q.get(), state->p.get(), ctx));
    if (!state->qinv) return invalidArgument("RSA key: q is not invertible modulo p");
    state->mont_p = internal::newMont(state->p.get());
    state->mont_q = internal::newMont(state->q.get());
    if (!state->mont_p || !state->mont_q) return internalError("BN_MONT_CTX_set failed");
  }
  if (!has_p) {
    state->mont_n = internal::newMont(n);
    if (!state->mont_n) return internalError("BN_MONT_CTX_set failed");
  }
  RsaPrivateKey key(std::move(state));
  if (!has_p) {
    // Without the primes the only cheap consistency check is a round trip: (2^e)^d == 2.
    Bytes two(pub.size(), 0);
    two.back() = 2;
    POSIM_ASSIGN_OR_RETURN(Bytes y, pub.publicOperation(two));
    POSIM_ASSIGN_OR_RETURN(Bytes back, key.privateOperation(y));
    if (back != two) {
      return invalidArgument("RSA private exponent does not match the public key");
    }
  }
  return key;
}

Result<RsaPrivateKey> RsaPrivateKey::fromPrimes(ByteView p, ByteView q, ByteView public_exponent) {
  BN_CTX* ctx = threadBnCtx();
  const BnPtr bp = bnFromBytes(p);
  const BnPtr bq = bnFromBytes(q);
  const BnPtr e = bnFromBytes(public_exponent);
  if (!BN_is_odd(bp.get()) || !BN_is_odd(bq.get()) || BN_is_one(bp.get()) || BN_is_one(bq.get())) {
    return invalidArgument("RSA primes must be odd and at least 3");
  }
  if (BN_cmp(bp.get(), bq.get()) == 0) return invalidArgument("RSA primes p and q are equal");
  BnPtr n = newBn();
  BnPtr pm1(BN_dup(bp.get()));
  BnPtr qm1(BN_dup(bq.get()));
  BnPtr phi = newBn();
  BnPtr g = newBn();
  BnPtr lcm = newBn();
  BnPtr rem = newBn();
  if (!pm1 || !qm1 || BN_mul(n.get(), bp.get(), bq.get(), ctx) != 1 ||
      BN_sub_word(pm1.get(), 1) != 1 || BN_sub_word(qm1.get(), 1) != 1 ||
      BN_mul(phi.get(), pm1.get(), qm1.get(), ctx) != 1 ||
      BN_gcd(g.get(), pm1.get(), qm1.get(), ctx) != 1 ||
      BN_div(lcm.get(), rem.get(), phi.get(), g.get(), ctx) != 1) {
    return internalError("BIGNUM arithmetic failed deriving an RSA key");
  }
  BnPtr d(BN_mod_inverse(nullptr, e.get(), lcm.get(), ctx));
  if (!d) return invalidArgument("RSA public exponent is not invertible for these primes");
  const Bytes n_bytes = bnToBytes(n.get());
  return create(n_bytes, public_exponent, bnToBytes(d.get()), p, q);
}

const RsaPublicKey& RsaPrivateKey::publicKey() const {
  static const RsaPublicKey kEmpty;
  return state_ ? state_->public_key : kEmpty;
}

bool RsaPrivateKey::hasCrt() const {
  return state_ && state_->p;
}

namespace {
Bytes bytesOrEmpty(const BnPtr& bn) {
  return bn ? bnToBytes(bn.get()) : Bytes{};
}
}  // namespace

Bytes RsaPrivateKey::privateExponent() const {
  return state_ ? bytesOrEmpty(state_->d) : Bytes{};
}
Bytes RsaPrivateKey::primeP() const {
  return state_ ? bytesOrEmpty(state_->p) : Bytes{};
}
Bytes RsaPrivateKey::primeQ() const {
  return state_ ? bytesOrEmpty(state_->q) : Bytes{};
}
Bytes RsaPrivateKey::crtExponentP() const {
  return state_ ? bytesOrEmpty(state_->dp) : Bytes{};
}
Bytes RsaPrivateKey::crtExponentQ() const {
  return state_ ? bytesOrEmpty(state_->dq) : Bytes{};
}
Bytes RsaPrivateKey::crtCoefficient() const {
  return state_ ? bytesOrEmpty(state_->qinv) : Bytes{};
}

Result<Bytes> RsaPrivateKey::privateOperation(ByteView input) const {
  if (!state_) return failedPrecondition("RSA private operation with an empty key");
  const std::size_t n_len = state_->public_key.size();
  if (input.size() != n_len) {
    return invalidArgument("RSA input is " + std::to_string(input.size()) +
                           " bytes, the modulus is " + std::to_string(n_len));
  }
  BN_CTX* ctx = threadBnCtx();
  BnFrame frame(ctx);
  BIGNUM* x = frame.get();
  BIGNUM* r = frame.get();
  if (BN_bin2bn(input.data(), static_cast<int>(input.size()), x) == nullptr) std::abort();
  if (BN_cmp(x, state_->n.get()) >= 0) {
    return invalidArgument("RSA input is not smaller than the modulus");
  }
  if (!state_->p) {
    if (BN_mod_exp_mont_consttime(r, x, state_->d.get(), state_->n.get(), ctx,
                                  state_->mont_n.get()) != 1) {
      return internalError("BN_mod_exp_mont_consttime failed");
    }
    return internal::bnToBytesPadded(r, n_len);
  }
  // Garner's CRT recombination: m = m2 + q * (qinv * (m1 - m2) mod p).
  BIGNUM* t = frame.get();
  BIGNUM* m1 = frame.get();
  BIGNUM* m2 = frame.get();
  if (BN_nnmod(t, x, state_->p.get(), ctx) != 1 ||
      BN_mod_exp_mont_consttime(m1, t, state_->dp.get(), state_->p.get(), ctx,
                                state_->mont_p.get()) != 1 ||
      BN_nnmod(t, x, state_->q.get(), ctx) != 1 ||
      BN_mod_exp_mont_consttime(m2, t, state_->dq.get(), state_->q.get(), ctx,
                                state_->mont_q.get()) != 1 ||
      BN_mod_sub(t, m1, m2, state_->p.get(), ctx) != 1 ||
      BN_mod_mul(t, t, state_->qinv.get(), state_->p.get(), ctx) != 1 ||
      BN_mul(r, t, state_->q.get(), ctx) != 1 || BN_add(r, r, m2) != 1) {
    return internalError("BIGNUM arithmetic failed in the RSA private operation");
  }
  return internal::bnToBytesPadded(r, n_len);
}

}  // namespace posim::emv::crypto
