#include "posim/base/bytes.h"

#include <cstdlib>

namespace posim {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::string toHex(ByteView data) {
  std::string out;
  out.resize(data.size() * 2);
  for (std::size_t i = 0; i < data.size(); ++i) {
    out[2 * i] = kHexDigits[data[i] >> 4];
    out[2 * i + 1] = kHexDigits[data[i] & 0x0F];
  }
  return out;
}

Result<Bytes> fromHex(std::string_view hex) {
  Bytes out;
  out.reserve(hex.size() / 2);
  int high = -1;
  std::size_t high_offset = 0;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const char c = hex[i];
    if (isSpace(c)) {
      if (high >= 0) {
        return invalidArgument("hex: whitespace inside a byte at character " + std::to_string(i));
      }
      continue;
    }
    const int v = hexValue(c);
    if (v < 0) {
      return invalidArgument("hex: '" + std::string(1, c) + "' at character " + std::to_string(i) +
                             " is not a hex digit");
    }
    if (high < 0) {
      high = v;
      high_offset = i;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | v));
      high = -1;
    }
  }
  if (high >= 0) {
    return invalidArgument("hex: odd number of hex digits (the digit at character " +
                           std::to_string(high_offset) + " has no partner)");
  }
  return out;
}

Bytes hexBytes(std::string_view hex) {
  auto r = fromHex(hex);
  if (!r.isOk()) std::abort();
  return std::move(r).value();
}

std::uint64_t readBigEndian(ByteView data) {
  if (data.size() > 8) std::abort();
  std::uint64_t v = 0;
  for (std::uint8_t b : data) v = (v << 8) | b;
  return v;
}

Bytes writeBigEndian(std::uint64_t value, std::size_t width) {
  if (width > 8) std::abort();
  Bytes out(width);
  for (std::size_t i = 0; i < width; ++i) {
    out[width - 1 - i] = static_cast<std::uint8_t>(value & 0xFF);
    value >>= 8;
  }
  return out;
}

Result<Bytes> digitsToBcd(std::string_view digits) {
  Bytes out((digits.size() + 1) / 2);
  const std::size_t pad = digits.size() % 2;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[i];
    if (c < '0' || c > '9') {
      return invalidArgument("BCD: '" + std::string(1, c) + "' at position " + std::to_string(i) +
                             " is not a decimal digit");
    }
    const std::size_t nibble = i + pad;
    const auto d = static_cast<std::uint8_t>(c - '0');
    if (nibble % 2 == 0) {
      out[nibble / 2] = static_cast<std::uint8_t>(d << 4);
    } else {
      out[nibble / 2] = static_cast<std::uint8_t>(out[nibble / 2] | d);
    }
  }
  return out;
}

Result<std::string> bcdToDigits(ByteView bcd) {
  std::string out;
  out.reserve(bcd.size() * 2);
  for (std::size_t i = 0; i < bcd.size(); ++i) {
    for (int shift : {4, 0}) {
      const int n = (bcd[i] >> shift) & 0x0F;
      if (n == 0x0F) return out;
      if (n > 9) {
        return malformed("BCD: nibble " + std::string(1, kHexDigits[n]) + " at byte offset " +
                         std::to_string(i) + " is not a digit");
      }
      out.push_back(static_cast<char>('0' + n));
    }
  }
  return out;
}

Bytes xorBytes(ByteView a, ByteView b) {
  if (a.size() != b.size()) std::abort();
  Bytes out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = static_cast<std::uint8_t>(a[i] ^ b[i]);
  return out;
}

Bytes concat(ByteView a, ByteView b) {
  Bytes out;
  out.reserve(a.size() + b.size());
  append(out, a);
  append(out, b);
  return out;
}

bool isDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string printableAscii(ByteView data) {
  std::string out;
  out.reserve(data.size());
  for (std::uint8_t b : data) out.push_back(b >= 0x20 && b <= 0x7E ? static_cast<char>(b) : '.');
  return out;
}

}  // namespace posim
