// Certification Authority public keys (CAPKs) as a terminal holds them (EMV Book 2 §11.2), and
// the optional certification revocation list of Book 2 §5.3 step 10 / §11.2.3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/json.h"
#include "posim/base/status.h"
#include "posim/emv/crypto/rsa.h"

namespace posim::emv::crypto {

// Registered Application Provider Identifier: the first 5 bytes of an AID.
inline constexpr std::size_t kRidLength = 5;

// The CAPK checksum of Book 2 §11.2.2: SHA-1(RID ‖ index ‖ modulus ‖ exponent), with modulus
// and exponent as stored (big-endian, no leading zeros).
Bytes capkChecksum(ByteView rid, std::uint8_t index, ByteView modulus, ByteView exponent);

// One CA public key: what a payment system distributes to acquirers (Book 2 Table 26).
struct CaPublicKey {
  Bytes rid;                   // 5 bytes, e.g. A000000003
  std::uint8_t index = 0;      // the card's tag 8F
  RsaPublicKey key;            // N_CA = key.size() bytes; exponent 3 or 2^16+1
  std::optional<Date> expiry;  // when the scheme withdraws the key, if known
  Bytes checksum;              // 20 bytes (always set once the key is in a CapkStore)

  // Validates a key and computes or verifies its checksum. An empty checksum is computed; a
  // given one must match.
  // Errors: InvalidArgument naming the RID/index (never the modulus) if the RID is not 5 bytes,
  // the modulus is not 64..248 bytes (512..1984 bits, Book 2 §11.2.1), the exponent is not 3 or
  // 65537, the key is not a valid RSA public key, or the checksum does not match.
  static Result<CaPublicKey> create(ByteView rid, std::uint8_t index, ByteView modulus,
                                    ByteView exponent, ByteView checksum = {},
                                    std::optional<Date> expiry = std::nullopt);

  // True if expiry is known and before the given date.
  bool isExpired(const Date& date) const { return expiry.has_value() && *expiry < date; }
};

// The terminal's CAPK table, keyed by RID and index. Not thread-safe for writing; concurrent
// finds on an unchanging store are safe.
class CapkStore {
 public:
  // Adds a key. Errors: InvalidArgument if a key with the same RID and index is already there.
  Status add(CaPublicKey key);

  // The key for RID and index (the card's 8F), or nullptr.
  const CaPublicKey* find(ByteView rid, std::uint8_t index) const;

  const std::vector<CaPublicKey>& keys() const { return keys_; }
  std::size_t size() const { return keys_.size(); }

  // Loads a JSON array of objects {"rid", "index", "modulus", "exponent", and optionally
  // "sha1_checksum" (or "checksum") and "expiry" (YYYY-MM-DD)}: the format of
  // tests/data/emv-utils/emv_capk_emvutils.json. Every checksum is verified.
  // Errors: Malformed/InvalidArgument naming the entry ("CAPK #3 (A000000003/99): ...").
  static Result<CapkStore> fromJson(const Json& json);

 private:
  std::vector<CaPublicKey> keys_;
};

// Certificates a payment system has revoked: (RID, CAPK index, certificate serial number)
// triples (Book 2 §5.3 step 10 and §11.2.3). Optional for terminals; posim's kernel consults one
// when the terminal profile lists revocations.
class CertificateRevocationList {
 public:
  // REQUIRES nothing; malformed entries (RID not 5 bytes, serial not 3) simply never match.
  void add(ByteView rid, std::uint8_t capk_index, ByteView certificate_serial);
  bool isRevoked(ByteView rid, std::uint8_t capk_index, ByteView certificate_serial) const;
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Bytes> entries_;  // RID ‖ index ‖ serial
};

}  // namespace posim::emv::crypto
