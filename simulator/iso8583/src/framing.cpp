#include "posim/iso8583/framing.h"

#include <cctype>
#include <cstdlib>
#include <string>

namespace posim::iso8583 {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::size_t maxLength(Framing framing) {
  return framing == Framing::kBinary2 ? 65535 : framing == Framing::kNone ? SIZE_MAX : 9999;
}

}  // namespace

std::string_view framingName(Framing framing) {
  switch (framing) {
    case Framing::kBinary2: return "binary2";
    case Framing::kAscii4: return "ascii4";
    case Framing::kBcd2: return "bcd2";
    case Framing::kNone: return "none";
  }
  return "?";
}

std::optional<Framing> framingByName(std::string_view name) {
  struct Row {
    std::string_view name;
    Framing framing;
  };
  static constexpr Row kRows[] = {
      {"binary2", Framing::kBinary2}, {"2byte", Framing::kBinary2}, {"len2", Framing::kBinary2},
      {"ascii4", Framing::kAscii4},   {"4ascii", Framing::kAscii4}, {"bcd2", Framing::kBcd2},
      {"bcd", Framing::kBcd2},        {"none", Framing::kNone},
  };
  for (const Row& row : kRows) {
    if (equalsIgnoreCase(row.name, name)) return row.framing;
  }
  return std::nullopt;
}

std::size_t framingPrefixSize(Framing framing) {
  switch (framing) {
    case Framing::kBinary2: return 2;
    case Framing::kAscii4: return 4;
    case Framing::kBcd2: return 2;
    case Framing::kNone: return 0;
  }
  return 0;
}

Status appendFramePrefix(Framing framing, std::size_t length, Bytes& out) {
  if (length > maxLength(framing)) {
    return outOfRange("a message of " + std::to_string(length) + " bytes does not fit " +
                      std::string(framingName(framing)) + " framing (at most " +
                      std::to_string(maxLength(framing)) + " bytes)");
  }
  switch (framing) {
    case Framing::kBinary2:
      out.push_back(static_cast<std::uint8_t>(length >> 8));
      out.push_back(static_cast<std::uint8_t>(length & 0xFF));
      break;
    case Framing::kAscii4:
      out.push_back(static_cast<std::uint8_t>('0' + length / 1000));
      out.push_back(static_cast<std::uint8_t>('0' + length / 100 % 10));
      out.push_back(static_cast<std::uint8_t>('0' + length / 10 % 10));
      out.push_back(static_cast<std::uint8_t>('0' + length % 10));
      break;
    case Framing::kBcd2:
      out.push_back(static_cast<std::uint8_t>((length / 1000) << 4 | (length / 100 % 10)));
      out.push_back(static_cast<std::uint8_t>((length / 10 % 10) << 4 | (length % 10)));
      break;
    case Framing::kNone: break;
  }
  return Status::ok();
}

Result<Bytes> frame(Framing framing, ByteView message) {
  Bytes out;
  out.reserve(framingPrefixSize(framing) + message.size());
  POSIM_RETURN_IF_ERROR(appendFramePrefix(framing, message.size(), out));
  append(out, message);
  return out;
}

Result<std::optional<std::size_t>> readFramePrefix(Framing framing, ByteView buffer) {
  if (framing == Framing::kNone) std::abort();
  const std::size_t size = framingPrefixSize(framing);
  if (buffer.size() < size) return std::optional<std::size_t>();
  switch (framing) {
    case Framing::kBinary2:
      return std::optional<std::size_t>(static_cast<std::size_t>(buffer[0]) << 8 | buffer[1]);
    case Framing::kAscii4: {
      std::size_t length = 0;
      for (std::size_t i = 0; i < 4; ++i) {
        if (buffer[i] < '0' || buffer[i] > '9') {
          return malformed("ascii4 frame prefix '" + printableAscii(buffer.first(4)) +
                           "' is not 4 decimal digits (byte " + std::to_string(i) + ")");
        }
        length = length * 10 + (buffer[i] - '0');
      }
      return std::optional<std::size_t>(length);
    }
    case Framing::kBcd2: {
      std::size_t length = 0;
      for (std::size_t i = 0; i < 4; ++i) {
        const unsigned nibble = i % 2 == 0 ? buffer[i / 2] >> 4 : buffer[i / 2] & 0x0Fu;
        if (nibble > 9) {
          return malformed("bcd2 frame prefix " + toHex(buffer.first(2)) +
                           " is not packed BCD (nibble " + std::to_string(i) + ")");
        }
        length = length * 10 + nibble;
      }
      return std::optional<std::size_t>(length);
    }
    case Framing::kNone: break;
  }
  std::abort();
}

}  // namespace posim::iso8583
