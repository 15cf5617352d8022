// Offline enciphered PIN with RSA (EMV Book 2 §7; DOMAIN.md §1.6): the terminal enciphers the
// PIN block with the ICC PIN encipherment public key (9F2D..9F2F) or the ICC public key, the card
// deciphers it with its private key before VERIFY (P2 = 88).
#pragma once

#include <optional>

#include "posim/base/bytes.h"
#include "posim/base/random.h"
#include "posim/base/status.h"
#include "posim/emv/crypto/rsa.h"

namespace posim::emv::crypto {

// Terminal side, Book 2 §7.1: the public operation on
//   7F ‖ PIN block (8, ISO 9564 format 2) ‖ ICC unpredictable number (8, from GET CHALLENGE)
//   ‖ random padding (N - 17 bytes, from random).
// The padding is redrawn while the block is not below the modulus (keys whose top byte is < 7F).
// Errors: InvalidArgument if the PIN block or the unpredictable number is not 8 bytes or the key
// is shorter than 17 bytes.
Result<Bytes> encipherPinBlock(const RsaPublicKey& key, ByteView pin_block,
                               ByteView icc_unpredictable_number, Random& random);

// Card side, Book 2 §7.2: deciphers with the private key and returns the PIN block if the data
// starts with 7F and carries the unpredictable number the card issued; nullopt otherwise (the card
// then treats the PIN as not verified).
std::optional<Bytes> decipherPinBlock(const RsaPrivateKey& key, ByteView enciphered_pin_data,
                                      ByteView icc_unpredictable_number);

}  // namespace posim::emv::crypto
