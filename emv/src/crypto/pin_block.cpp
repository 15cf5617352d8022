#include "posim/emv/crypto/pin_block.h"

#include <string>

#include "posim/emv/crypto/cipher.h"

#include "crypto/symmetric_util.h"

namespace posim::emv::crypto {
namespace {

using internal::checkLength;

constexpr char kHexUpper[] = "0123456789ABCDEF";

bool isHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

bool isAtoF(char c) {
  return (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

Status checkPin(std::string_view pin) {
  if (pin.empty()) return invalidArgument("pin: empty, 4 to 12 digits expected");
  if (!isDigits(pin)) return invalidArgument("pin: only digits allowed");
  if (pin.size() < 4 || pin.size() > 12) {
    return invalidArgument("pin: " + std::to_string(pin.size()) + " digits, expected 4 to 12");
  }
  return Status::ok();
}

Status checkPan(PinBlockFormat format, std::string_view pan) {
  if (!pinBlockNeedsPan(format)) return Status::ok();
  if (pan.empty()) {
    return invalidArgument("pan: required for PIN block format " +
                           std::to_string(static_cast<int>(format)));
  }
  return internal::checkDigits("pan", pan, 12, 19);
}

// Formats 0 and 3: 0000 || the 12 rightmost PAN digits excluding the check digit.
Bytes panField8(std::string_view pan) {
  const std::string_view body = pan.substr(0, pan.size() - 1);
  const std::string_view last12 = body.size() > 12 ? body.substr(body.size() - 12) : body;
  std::string digits = "0000" + std::string(12 - last12.size(), '0') + std::string(last12);
  return internal::packNibbles(digits);
}

// Format 4: M || PAN (left-padded with 0 to 12 digits) || 0 up to 32 nibbles, M = length - 12.
Bytes panField16(std::string_view pan) {
  const std::size_t m = pan.size() > 12 ? pan.size() - 12 : 0;
  std::string digits(1, kHexUpper[m]);
  if (pan.size() < 12) digits += std::string(12 - pan.size(), '0');
  digits += pan;
  digits.resize(32, '0');
  return internal::packNibbles(digits);
}

Status checkFill(PinBlockFormat format, std::size_t pin_length, std::string_view fill) {
  const std::size_t expected = pinBlockFillDigits(format, pin_length);
  if (expected == 0) {
    if (fill.empty()) return Status::ok();
    return invalidArgument("fill: PIN block format " + std::to_string(static_cast<int>(format)) +
                           " has no fill digits");
  }
  if (fill.size() != expected) {
    return invalidArgument("fill: " + std::to_string(fill.size()) + " hex digits, expected " +
                           std::to_string(expected) + " for a " + std::to_string(pin_length) +
                           "-digit PIN in format " + std::to_string(static_cast<int>(format)));
  }
  for (char c : fill) {
    if (!isHexDigit(c)) return invalidArgument("fill: only hex digits allowed");
    if (format == PinBlockFormat::kIso3 && !isAtoF(c)) {
      return invalidArgument("fill: format 3 fill digits must be A to F");
    }
  }
  return Status::ok();
}

std::string randomFill(PinBlockFormat format, std::size_t count, Random& random) {
  std::string fill;
  fill.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t v =
        format == PinBlockFormat::kIso3 ? 10 + random.uniform(6) : random.uniform(16);
    fill.push_back(kHexUpper[v]);
  }
  return fill;
}

Status checkPinKey(PinBlockFormat format, ByteView key) {
  return format == PinBlockFormat::kIso4 ? checkLength("key", key, {16, 24, 32})
                                         : checkLength("key", key, {16, 24});
}

// Decodes "C N PIN fill" nibbles of a PIN field (16 nibbles). `fill_ok` checks fill nibbles.
template <typename FillCheck>
Result<std::string> decodePinField(std::string_view nibbles, char control, FillCheck fill_ok) {
  if (nibbles[0] != control) {
    return malformed(std::string("PIN block: control field is ") + nibbles[0] + ", expected " +
                     control);
  }
  const char n = nibbles[1];
  const int length = (n >= '0' && n <= '9') ? n - '0' : (n >= 'A' && n <= 'F') ? n - 'A' + 10 : -1;
  if (length < 4 || length > 12) {
    return malformed("PIN block: PIN length nibble " + std::string(1, n) + " is outside 4 to 12");
  }
  const std::string_view pin = nibbles.substr(2, static_cast<std::size_t>(length));
  if (!isDigits(pin)) return malformed("PIN block: PIN field holds a non-decimal digit");
  for (char c : nibbles.substr(2 + static_cast<std::size_t>(length),
                               14 - static_cast<std::size_t>(length))) {
    if (!fill_ok(c)) return malformed("PIN block: unexpected fill digit");
  }
  return std::string(pin);
}

}  // namespace

Result<PinBlockFormat> parsePinBlockFormat(std::string_view text) {
  if (text.size() == 1 && text[0] >= '0' && text[0] <= '4') {
    return static_cast<PinBlockFormat>(text[0] - '0');
  }
  return invalidArgument("format: '" + std::string(text) + "', expected 0, 1, 2, 3 or 4");
}

bool pinBlockNeedsPan(PinBlockFormat format) {
  return format == PinBlockFormat::kIso0 || format == PinBlockFormat::kIso3 ||
         format == PinBlockFormat::kIso4;
}

std::size_t pinBlockFillDigits(PinBlockFormat format, std::size_t pin_length) {
  switch (format) {
    case PinBlockFormat::kIso1:
    case PinBlockFormat::kIso3: return pin_length <= 14 ? 14 - pin_length : 0;
    case PinBlockFormat::kIso4: return 16;
    case PinBlockFormat::kIso0:
    case PinBlockFormat::kIso2: return 0;
  }
  return 0;
}

Result<ClearPinBlock> buildClearPinBlock(PinBlockFormat format, std::string_view pin,
                                         std::string_view pan, std::string_view fill) {
  POSIM_RETURN_IF_ERROR(checkPin(pin));
  POSIM_RETURN_IF_ERROR(checkPan(format, pan));
  POSIM_RETURN_IF_ERROR(checkFill(format, pin.size(), fill));

  const int control = static_cast<int>(format);
  std::string nibbles;
  nibbles.push_back(kHexUpper[control]);
  nibbles.push_back(kHexUpper[pin.size()]);
  nibbles += pin;
  const std::size_t pad = 14 - pin.size();
  switch (format) {
    case PinBlockFormat::kIso0:
    case PinBlockFormat::kIso2: nibbles.append(pad, 'F'); break;
    case PinBlockFormat::kIso1:
    case PinBlockFormat::kIso3: nibbles += fill; break;
    case PinBlockFormat::kIso4:
      nibbles.append(pad, 'A');
      nibbles += fill;  // the 8 random bytes
      break;
  }
  ClearPinBlock out;
  out.pin_field = internal::packNibbles(nibbles);
  switch (format) {
    case PinBlockFormat::kIso0:
    case PinBlockFormat::kIso3:
      out.pan_field = panField8(pan);
      out.block = xorBytes(out.pin_field, out.pan_field);
      break;
    case PinBlockFormat::kIso4:
      out.pan_field = panField16(pan);
      out.block = out.pin_field;
      break;
    case PinBlockFormat::kIso1:
    case PinBlockFormat::kIso2: out.block = out.pin_field; break;
  }
  return out;
}

Result<ClearPinBlock> buildClearPinBlock(PinBlockFormat format, std::string_view pin,
                                         std::string_view pan, Random& random) {
  POSIM_RETURN_IF_ERROR(checkPin(pin));
  const std::string fill = randomFill(format, pinBlockFillDigits(format, pin.size()), random);
  return buildClearPinBlock(format, pin, pan, fill);
}

Result<EncryptedPinBlock> encryptPinBlock(PinBlockFormat format, ByteView key, std::string_view pin,
                                          std::string_view pan, std::string_view fill) {
  POSIM_RETURN_IF_ERROR(checkPinKey(format, key));
  EncryptedPinBlock out;
  POSIM_ASSIGN_OR_RETURN(out.clear, buildClearPinBlock(format, pin, pan, fill));
  if (format != PinBlockFormat::kIso4) {
    POSIM_ASSIGN_OR_RETURN(out.block,
                           encrypt(BlockCipher::kTdes, CipherMode::kEcb, key, out.clear.block));
    return out;
  }
  POSIM_ASSIGN_OR_RETURN(out.intermediate_a,
                         encrypt(BlockCipher::kAes, CipherMode::kEcb, key, out.clear.pin_field));
  out.intermediate_b = xorBytes(out.intermediate_a, out.clear.pan_field);
  POSIM_ASSIGN_OR_RETURN(out.block,
                         encrypt(BlockCipher::kAes, CipherMode::kEcb, key, out.intermediate_b));
  return out;
}

Result<EncryptedPinBlock> encryptPinBlock(PinBlockFormat format, ByteView key, std::string_view pin,
                                          std::string_view pan, Random& random) {
  POSIM_RETURN_IF_ERROR(checkPin(pin));
  const std::string fill = randomFill(format, pinBlockFillDigits(format, pin.size()), random);
  return encryptPinBlock(format, key, pin, pan, fill);
}

Result<std::string> extractPin(PinBlockFormat format, ByteView clear_block, std::string_view pan) {
  POSIM_RETURN_IF_ERROR(checkPan(format, pan));
  const std::size_t size = format == PinBlockFormat::kIso4 ? 16 : 8;
  POSIM_RETURN_IF_ERROR(checkLength("pin block", clear_block, {size}));
  Bytes pin_field(clear_block.begin(), clear_block.end());
  if (format == PinBlockFormat::kIso0 || format == PinBlockFormat::kIso3) {
    pin_field = xorBytes(pin_field, panField8(pan));
  }
  const std::string nibbles = toHex(pin_field);
  const char control = kHexUpper[static_cast<int>(format)];
  switch (format) {
    case PinBlockFormat::kIso0:
    case PinBlockFormat::kIso2:
      return decodePinField(nibbles, control, [](char c) { return c == 'F'; });
    case PinBlockFormat::kIso1: return decodePinField(nibbles, control, [](char) { return true; });
    case PinBlockFormat::kIso3:
      return decodePinField(nibbles, control, [](char c) { return isAtoF(c); });
    case PinBlockFormat::kIso4:
      return decodePinField(std::string_view(nibbles).substr(0, 16), control,
                            [](char c) { return c == 'A'; });
  }
  std::abort();
}

Result<std::string> decryptPin(PinBlockFormat format, ByteView key, ByteView encrypted_block,
                               std::string_view pan) {
  POSIM_RETURN_IF_ERROR(checkPinKey(format, key));
  POSIM_RETURN_IF_ERROR(checkPan(format, pan));
  if (format != PinBlockFormat::kIso4) {
    POSIM_RETURN_IF_ERROR(checkLength("pin block", encrypted_block, {8}));
    POSIM_ASSIGN_OR_RETURN(Bytes clear,
                           decrypt(BlockCipher::kTdes, CipherMode::kEcb, key, encrypted_block));
    return extractPin(format, clear, pan);
  }
  POSIM_RETURN_IF_ERROR(checkLength("pin block", encrypted_block, {16}));
  POSIM_ASSIGN_OR_RETURN(Bytes b,
                         decrypt(BlockCipher::kAes, CipherMode::kEcb, key, encrypted_block));
  const Bytes a = xorBytes(b, panField16(pan));
  POSIM_ASSIGN_OR_RETURN(Bytes pin_field, decrypt(BlockCipher::kAes, CipherMode::kEcb, key, a));
  return extractPin(format, pin_field, pan);
}

}  // namespace posim::emv::crypto
