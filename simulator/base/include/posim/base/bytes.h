// Byte strings and their hex, BCD and big-endian forms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/status.h"

namespace posim {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Uppercase hex, two digits per byte, no separators: {0x9F, 0x02} -> "9F02".
std::string toHex(ByteView data);

// Parses hex digits (either case). Spaces, tabs and newlines between byte pairs are ignored, so
// "9F 02 06" and "9f0206" both parse. An odd number of digits or a non-hex character is an
// InvalidArgument naming its character offset.
Result<Bytes> fromHex(std::string_view hex);

// For literals in tests and tables whose hex is known to be good. REQUIRES: valid hex (aborts).
Bytes hexBytes(std::string_view hex);

inline ByteView asBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string asString(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Big-endian unsigned integer of up to 8 bytes. REQUIRES: data.size() <= 8.
std::uint64_t readBigEndian(ByteView data);
// The low `width` bytes of value, big-endian. REQUIRES: width <= 8.
Bytes writeBigEndian(std::uint64_t value, std::size_t width);

// Packed BCD: "0123" -> {0x01, 0x23}. Odd digit counts are left-padded with a 0 nibble.
// Non-digits are an InvalidArgument.
Result<Bytes> digitsToBcd(std::string_view digits);
// Packed BCD back to digits; an 'F' nibble (padding) ends the digits. A nibble A-E is
// Malformed with its byte offset.
Result<std::string> bcdToDigits(ByteView bcd);

// Element-wise XOR. REQUIRES: a.size() == b.size().
Bytes xorBytes(ByteView a, ByteView b);

// a ++ b
Bytes concat(ByteView a, ByteView b);
inline void append(Bytes& to, ByteView from) {
  to.insert(to.end(), from.begin(), from.end());
}

// True if every character is a decimal digit (and the string is not empty).
bool isDigits(std::string_view s);

// Printable ASCII rendering of bytes, with '.' for anything outside 0x20..0x7E.
std::string printableAscii(ByteView data);

}  // namespace posim
