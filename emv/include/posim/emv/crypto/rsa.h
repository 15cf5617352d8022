// Raw RSA and the hash functions of EMV offline data authentication (EMV Book 2 §A2.1, §B2).
//
// EMV never uses PKCS#1 padding: every RSA operation is the bare modular exponentiation
// X^e mod n (recovery, §A2.1.2) or X^d mod n (signing, done by the CA, the issuer and the card),
// and the data carries its own format (header 6A, trailer BC, an embedded hash). These classes
// are that arithmetic on OpenSSL 3 BIGNUMs, with the Montgomery context of each modulus computed
// once per key and reused by every operation (the §10 figure: ~13,000 RSA-1024 card signatures
// per second on one core).
//
// Keys are immutable values: copies share the precomputed state, and one key may be used from
// several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::emv::crypto {

// The hash algorithm indicators of EMV Book 2 §B2.3 ('01' = SHA-1). SHA-256 ('02') is used by
// the newer EMV ECC certificates and by posim's own tools; RSA certificates use SHA-1.
enum class HashAlgorithm : std::uint8_t {
  kSha1 = 0x01,
  kSha256 = 0x02,
};

// 20 for SHA-1, 32 for SHA-256.
std::size_t hashLength(HashAlgorithm algorithm);

// One-shot digests. The multi-part form hashes the concatenation of parts without copying them
// (EMV hash inputs are always "recovered fields ‖ remainder ‖ exponent ‖ static data").
// An OpenSSL failure here is an invariant of the build (the default provider is missing) and
// aborts; no input can cause it.
Bytes sha1(ByteView data);
Bytes sha256(ByteView data);
Bytes hash(HashAlgorithm algorithm, std::initializer_list<ByteView> parts);

// An RSA public key: modulus n and public exponent e, both big-endian unsigned integers, as EMV
// carries them (CA public keys, tags 90/92/9F32 after recovery, 9F46/9F48/9F47 ...).
//
// A default-constructed key is empty: size() is 0 and every operation fails.
class RsaPublicKey {
 public:
  RsaPublicKey();

  // Validates and precomputes. Leading zero bytes of either number are accepted and dropped.
  // Errors: InvalidArgument if the modulus is shorter than 2 bytes or even, or if the exponent
  // is even (not 1 < e < n, odd). Messages name the lengths, never the numbers.
  static Result<RsaPublicKey> create(ByteView modulus, ByteView exponent);

  // Big-endian, without leading zero bytes.
  const Bytes& modulus() const;
  const Bytes& exponent() const;
  // The modulus length in bytes (N_CA, N_I, N_IC in Book 2).
  std::size_t size() const;
  // The modulus length in bits.
  std::size_t bits() const;
  bool empty() const { return size() == 0; }

  // The RSA public function X^e mod n (Book 2 §A2.1.2, "recovery"), used to recover certificates
  // and signatures and to encipher offline PINs. The output is exactly size() bytes.
  // Errors: InvalidArgument if input is not size() bytes long or, as a number, is not < n;
  // FailedPrecondition on an empty key.
  Result<Bytes> publicOperation(ByteView input) const;

  friend bool operator==(const RsaPublicKey& a, const RsaPublicKey& b);

 private:
  struct State;
  explicit RsaPublicKey(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

// An RSA private key with its public half. When the primes are known (always for keys posim
// generates, and for the keys of tests/data) the private function uses the Chinese Remainder
// Theorem with dp = d mod (p-1), dq = d mod (q-1), qinv = q^-1 mod p, about three times faster
// than a plain X^d mod n.
//
// This is test key material by definition (DESIGN.md §3), but posim still treats it as a secret:
// no error message and no toString() ever contains any part of it.
class RsaPrivateKey {
 public:
  RsaPrivateKey();

  // From n, e, d and, optionally, the primes p and q (pass both or neither); the CRT exponents
  // are derived. Errors: InvalidArgument if the public half is invalid (see RsaPublicKey),
  // d is zero or not < n, only one prime is given, p*q != n, or the primes do not match e and d
  // (e*d != 1 mod lcm(p-1, q-1)).
  static Result<RsaPrivateKey> create(ByteView modulus, ByteView public_exponent,
                                      ByteView private_exponent, ByteView p = {}, ByteView q = {});

  // From the primes and e: n = p*q, d = e^-1 mod lcm(p-1, q-1).
  // Errors: InvalidArgument if p or q is even or < 3, p == q, or e is not invertible.
  static Result<RsaPrivateKey> fromPrimes(ByteView p, ByteView q, ByteView public_exponent);

  const RsaPublicKey& publicKey() const;
  std::size_t size() const { return publicKey().size(); }
  bool empty() const { return publicKey().empty(); }
  bool hasCrt() const;

  // The private numbers, big-endian without leading zeros (empty where unknown: p, q, dp, dq,
  // qinv of a key created without primes). For personalisation files and tests only.
  Bytes privateExponent() const;
  Bytes primeP() const;
  Bytes primeQ() const;
  Bytes crtExponentP() const;
  Bytes crtExponentQ() const;
  Bytes crtCoefficient() const;

  // The RSA private function X^d mod n (the signing operation of Book 2 §A2.1.1 and the card's
  // decipherment of an enciphered PIN, §7.2). The output is exactly size() bytes.
  // Errors: InvalidArgument if input is not size() bytes long or not < n; FailedPrecondition on
  // an empty key.
  Result<Bytes> privateOperation(ByteView input) const;

 private:
  struct State;
  explicit RsaPrivateKey(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace posim::emv::crypto
