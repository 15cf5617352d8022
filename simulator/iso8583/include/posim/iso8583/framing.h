// TCP framing of ISO 8583 messages (not part of ISO 8583 itself, DOMAIN.md §4.1): what comes
// before each message on a stream so the reader knows where it ends. Pure byte functions; the
// sockets live in simulator/acquirer.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::iso8583 {

enum class Framing {
  kBinary2,  // 2-byte big-endian binary length (default; jPOS NACChannel)
  kAscii4,   // 4 ASCII decimal digits
  kBcd2,     // 2-byte packed BCD length (up to 9999)
  kNone,     // no prefix: one message per read, or the peer closes after each message
};
std::string_view framingName(Framing framing);                // "binary2", "ascii4", "bcd2", "none"
std::optional<Framing> framingByName(std::string_view name);  // also "2byte", "4ascii", "bcd"
std::size_t framingPrefixSize(Framing framing);               // 2, 4, 2, 0

// Appends the prefix for a message of `length` bytes. Errors: OutOfRange when the length does
// not fit (65535 binary, 9999 ASCII/BCD).
Status appendFramePrefix(Framing framing, std::size_t length, Bytes& out);
Result<Bytes> frame(Framing framing, ByteView message);

// The length of the message whose prefix starts `buffer`: nullopt when the prefix is not yet
// complete, Malformed when it is not a valid prefix (a non-digit in ASCII, a nibble > 9 in BCD).
// REQUIRES: framing != kNone.
Result<std::optional<std::size_t>> readFramePrefix(Framing framing, ByteView buffer);

}  // namespace posim::iso8583
