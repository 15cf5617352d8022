// Helpers private to the symmetric payment cryptography (mac, key derivation, cryptograms, PIN
// blocks, card verification values, DUKPT): argument checks whose messages name the argument and
// never show key material, SHA-1, and small byte tricks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::emv::crypto::internal {

// "key: 15 bytes, expected 16 or 24" unless size is one of `allowed`.
Status checkLength(std::string_view name, ByteView value,
                   std::initializer_list<std::size_t> allowed);
// "un: 3 bytes, expected 4 to 8" unless lo <= size <= hi.
Status checkLengthRange(std::string_view name, ByteView value, std::size_t lo, std::size_t hi);
// "pan: only digits allowed" / "pan: 11 digits, expected 12 to 19".
Status checkDigits(std::string_view name, std::string_view digits, std::size_t min_len,
                   std::size_t max_len);

// A PAN sequence number as two digits: "" -> "00" (EMV Book 2 A1.4: absent PSN is 00), "1" ->
// "01", "45" -> "45". Anything else is an InvalidArgument naming "psn".
Result<std::string> normalizePsn(std::string_view psn);

// Packs a string of hex digit characters ("0".."9", "A".."F", either case) into bytes.
// REQUIRES: even length, valid characters (checked by callers).
Bytes packNibbles(std::string_view nibbles);

// SHA-1 through EVP (EMV Book 2 Annex B3).
Result<Bytes> sha1(ByteView data);

// Equality in time independent of where the inputs differ (for verifying cryptograms and MACs).
bool constantTimeEqual(ByteView a, ByteView b);

// Keys are secret: overwrite a local copy before it goes away.
void wipe(Bytes& bytes);

// The left and right halves of a 16-byte key.
inline ByteView leftHalf(ByteView key) {
  return key.first(key.size() / 2);
}
inline ByteView rightHalf(ByteView key) {
  return key.subspan(key.size() / 2);
}

}  // namespace posim::emv::crypto::internal
