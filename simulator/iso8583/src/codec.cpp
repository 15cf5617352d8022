#include "posim/iso8583/codec.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "ebcdic.h"

namespace posim::iso8583 {
namespace {

using internal::fromEbcdic;
using internal::toEbcdic;

constexpr char kHexDigits[] = "0123456789ABCDEF";

int hexValue(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// Character classes, one bit each, for the checks of firstBadCharacter().
constexpr std::uint8_t kDigitClass = 1;
constexpr std::uint8_t kLetterClass = 2;
constexpr std::uint8_t kSpaceClass = 4;
constexpr std::uint8_t kTrackClass = 8;  // '=' and 'D' of track data

constexpr std::array<std::uint8_t, 256> makeCharacterClasses() {
  std::array<std::uint8_t, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = kDigitClass | kTrackClass;
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = kLetterClass;
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = kLetterClass;
  table[' '] = kSpaceClass;
  table['='] = kTrackClass;
  table['D'] |= kTrackClass;
  return table;
}
constexpr std::array<std::uint8_t, 256> kCharacterClasses = makeCharacterClasses();

std::size_t firstOutside(std::string_view value, std::size_t from, std::uint8_t allowed) {
  for (std::size_t i = from; i < value.size(); ++i) {
    if ((kCharacterClasses[static_cast<unsigned char>(value[i])] & allowed) == 0) return i;
  }
  return std::string_view::npos;
}

// The index of the first character a field of `type` may not hold, or npos.
std::size_t firstBadCharacter(FieldType type, std::string_view value) {
  switch (type) {
    case FieldType::kNumeric: return firstOutside(value, 0, kDigitClass);
    case FieldType::kAlpha: return firstOutside(value, 0, kLetterClass | kSpaceClass);
    case FieldType::kAlphaNumeric:
      return firstOutside(value, 0, kDigitClass | kLetterClass | kSpaceClass);
    case FieldType::kTrack2: return firstOutside(value, 0, kTrackClass);
    case FieldType::kXNumeric:
      if (value.empty()) return std::string_view::npos;
      if (value[0] != 'C' && value[0] != 'D') return 0;
      return firstOutside(value, 1, kDigitClass);
    case FieldType::kAlphaNumericSpecial:
    case FieldType::kBinary: break;
  }
  return std::string_view::npos;
}

std::string_view expectedCharacters(FieldType type) {
  switch (type) {
    case FieldType::kNumeric: return "digits";
    case FieldType::kAlpha: return "letters";
    case FieldType::kAlphaNumeric: return "letters and digits";
    case FieldType::kTrack2: return "track data (digits, '=' or 'D')";
    case FieldType::kXNumeric: return "'C' or 'D' then digits";
    default: return "text";
  }
}

// What a value holds, for messages; never the value of a sensitive field.
std::string quoteValue(const FieldSpec& spec, std::string_view value, std::size_t bad) {
  if (spec.sensitive) {
    return "a character it may not hold at character " + std::to_string(bad + 1);
  }
  std::string shown = printableAscii(asBytes(value.substr(0, 64)));
  if (value.size() > 64) shown += "...";
  return "'" + shown + "'";
}

// "expected 12 digits" / "expected digits".
std::string expectedText(const FieldSpec& spec) {
  std::string text = "expected ";
  if (spec.length_kind == LengthKind::kFixed) text += std::to_string(spec.max_length) + " ";
  text += expectedCharacters(spec.type);
  return text;
}

std::string fieldLabel(int field) {
  return "field " + std::to_string(field);
}

bool isBcd(const FieldSpec& spec) {
  return spec.data_encoding == DataEncoding::kBcd;
}

// Digit count -> BCD nibble of a character (z: '=' and 'D' are nibble D).
int bcdNibble(char c) {
  if (isDigit(c)) return c - '0';
  if (c == '=' || c == 'D') return 0xD;
  return -1;
}

std::size_t prefixBytes(const FieldSpec& spec) {
  const int digits = prefixDigits(spec.length_kind);
  switch (spec.length_encoding) {
    case LengthEncoding::kAscii:
    case LengthEncoding::kEbcdic: return static_cast<std::size_t>(digits);
    case LengthEncoding::kBcd:
    case LengthEncoding::kBinary: return digits == 0 ? 0 : digits == 2 ? 1 : 2;
  }
  return 0;
}

std::size_t prefixCapacity(const FieldSpec& spec) {
  if (spec.length_encoding == LengthEncoding::kBinary) {
    return spec.length_kind == LengthKind::kLL ? 255 : 65535;
  }
  switch (spec.length_kind) {
    case LengthKind::kLL: return 99;
    case LengthKind::kLLL: return 999;
    default: return 9999;
  }
}

void appendPrefix(const FieldSpec& spec, std::size_t value, Bytes& out) {
  const int digits = prefixDigits(spec.length_kind);
  switch (spec.length_encoding) {
    case LengthEncoding::kAscii:
    case LengthEncoding::kEbcdic: {
      std::array<char, 4> text{};
      std::size_t v = value;
      for (int i = digits - 1; i >= 0; --i) {
        text[static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
        v /= 10;
      }
      for (int i = 0; i < digits; ++i) {
        const char c = text[static_cast<std::size_t>(i)];
        out.push_back(spec.length_encoding == LengthEncoding::kAscii ? static_cast<std::uint8_t>(c)
                                                                     : toEbcdic(c));
      }
      break;
    }
    case LengthEncoding::kBcd:
      if (digits == 2) {
        out.push_back(static_cast<std::uint8_t>((value / 10 % 10) << 4 | value % 10));
      } else {
        out.push_back(static_cast<std::uint8_t>((value / 1000 % 10) << 4 | value / 100 % 10));
        out.push_back(static_cast<std::uint8_t>((value / 10 % 10) << 4 | value % 10));
      }
      break;
    case LengthEncoding::kBinary:
      if (digits == 2) {
        out.push_back(static_cast<std::uint8_t>(value));
      } else {
        out.push_back(static_cast<std::uint8_t>(value >> 8));
        out.push_back(static_cast<std::uint8_t>(value & 0xFF));
      }
      break;
  }
}

// Packs digits (n or z) as BCD. An odd count gets its padding nibble where `padding` says.
void appendBcd(std::string_view digits, Padding padding, Bytes& out) {
  const bool odd = digits.size() % 2 != 0;
  std::size_t i = 0;
  const bool pad_right = padding == Padding::kRightF || padding == Padding::kRightZero;
  if (odd && !pad_right) {
    const int pad = padding == Padding::kLeftF ? 0xF : 0;
    out.push_back(static_cast<std::uint8_t>(pad << 4 | bcdNibble(digits[0])));
    i = 1;
  }
  for (; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(bcdNibble(digits[i]) << 4 | bcdNibble(digits[i + 1])));
  }
  if (i < digits.size()) {
    const int pad = padding == Padding::kRightZero ? 0 : 0xF;
    out.push_back(static_cast<std::uint8_t>(bcdNibble(digits[i]) << 4 | pad));
  }
}

void appendText(std::string_view text, DataEncoding encoding, Bytes& out) {
  if (encoding == DataEncoding::kEbcdic) {
    for (char c : text) out.push_back(toEbcdic(c));
  } else {
    out.insert(out.end(), reinterpret_cast<const std::uint8_t*>(text.data()),
               reinterpret_cast<const std::uint8_t*>(text.data()) + text.size());
  }
}

void appendHexText(ByteView bytes, Bytes& out) {
  for (std::uint8_t b : bytes) {
    out.push_back(static_cast<std::uint8_t>(kHexDigits[b >> 4]));
    out.push_back(static_cast<std::uint8_t>(kHexDigits[b & 0x0F]));
  }
}

void appendFill(std::size_t count, char c, DataEncoding encoding, Bytes& out) {
  out.insert(out.end(), count,
             encoding == DataEncoding::kEbcdic ? toEbcdic(c) : static_cast<std::uint8_t>(c));
}

Status packField(const FieldSpec& spec, std::string_view value, Bytes& out,
                 std::size_t* prefix_size) {
  const bool fixed = spec.length_kind == LengthKind::kFixed;
  // Length of the value in units, before padding.
  std::size_t units = value.size();
  if (spec.data_encoding == DataEncoding::kHex) units = value.size() * 2;
  if (spec.type != FieldType::kBinary) {
    const std::size_t bad = firstBadCharacter(spec.type, value);
    if (bad != std::string_view::npos) {
      return invalidArgument(fieldLabel(spec.number) + ": " + expectedText(spec) + ", got " +
                             quoteValue(spec, value, bad));
    }
  }
  if (units > spec.max_length) {
    return invalidArgument(fieldLabel(spec.number) + ": " + std::to_string(units) +
                           (spec.data_encoding == DataEncoding::kHex ? " hex characters" : "") +
                           " is longer than the " + (fixed ? "" : "maximum ") +
                           std::to_string(spec.max_length) + " the dialect allows");
  }
  std::size_t pad = 0;  // padding characters or digits to add for a short fixed value
  if (fixed && units < spec.max_length) {
    const bool can_pad =
        spec.type != FieldType::kBinary && ((spec.padding == Padding::kLeftZero) ||
                                            (spec.padding == Padding::kRightSpace && !isBcd(spec)));
    if (!can_pad) {
      return invalidArgument(fieldLabel(spec.number) + ": " + std::to_string(units) +
                             (spec.type == FieldType::kBinary ? " bytes" : " characters") +
                             " where the field has a fixed length of " +
                             std::to_string(spec.max_length) +
                             (spec.type == FieldType::kBinary ? "" : " and no padding"));
    }
    pad = spec.max_length - units;
  }
  const std::size_t total_units = units + pad;
  *prefix_size = 0;
  if (!fixed) {
    std::size_t prefix_value = total_units;
    if (spec.length_unit == LengthUnit::kBytes) {
      if (isBcd(spec)) prefix_value = (total_units + 1) / 2;
      if (spec.data_encoding == DataEncoding::kHex) prefix_value = value.size();
    }
    if (prefix_value > prefixCapacity(spec)) {
      return invalidArgument(fieldLabel(spec.number) + ": length " + std::to_string(prefix_value) +
                             " does not fit its " + std::string(lengthKindName(spec.length_kind)) +
                             " prefix");
    }
    const std::size_t before = out.size();
    appendPrefix(spec, prefix_value, out);
    *prefix_size = out.size() - before;
  }
  switch (spec.data_encoding) {
    case DataEncoding::kAscii:
    case DataEncoding::kEbcdic:
      if (pad > 0 && spec.padding == Padding::kLeftZero) {
        appendFill(pad, '0', spec.data_encoding, out);
      }
      appendText(value, spec.data_encoding, out);
      if (pad > 0 && spec.padding == Padding::kRightSpace) {
        appendFill(pad, ' ', spec.data_encoding, out);
      }
      break;
    case DataEncoding::kBcd:
      if (pad > 0) {
        std::string padded(pad, '0');
        padded.append(value);
        appendBcd(padded, spec.padding, out);
      } else {
        appendBcd(value, spec.padding, out);
      }
      break;
    case DataEncoding::kBinary: append(out, asBytes(value)); break;
    case DataEncoding::kHex: appendHexText(asBytes(value), out); break;
  }
  return Status::ok();
}

void appendMti(const Dialect& dialect, std::string_view mti, Bytes& out) {
  switch (dialect.mti_encoding) {
    case MtiEncoding::kAscii: appendText(mti, DataEncoding::kAscii, out); break;
    case MtiEncoding::kEbcdic: appendText(mti, DataEncoding::kEbcdic, out); break;
    case MtiEncoding::kBcd: appendBcd(mti, Padding::kNone, out); break;
  }
}

void appendBitmap(const Dialect& dialect, std::uint64_t bits, Bytes& out) {
  std::array<std::uint8_t, 8> raw{};
  for (std::size_t i = 0; i < 8; ++i) raw[i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
  if (dialect.bitmap_encoding == BitmapEncoding::kBinary) {
    out.insert(out.end(), raw.begin(), raw.end());
  } else {
    appendHexText(raw, out);
  }
}

std::size_t bitmapSize(const Dialect& dialect) {
  return dialect.bitmap_encoding == BitmapEncoding::kBinary ? 8 : 16;
}

constexpr std::uint64_t bitFor(int field) {
  return std::uint64_t{1} << (63 - ((field - 1) % 64));
}

Status appendHeaderPart(std::string_view what, std::size_t length, const Bytes& given,
                        const std::string& default_hex, Bytes& out) {
  if (length == 0) {
    if (!given.empty()) {
      return invalidArgument("the message has a " + std::string(what) +
                             " but the dialect has none");
    }
    return Status::ok();
  }
  if (!given.empty()) {
    if (given.size() != length) {
      return invalidArgument("the " + std::string(what) + " has " + std::to_string(given.size()) +
                             " bytes; the dialect's has " + std::to_string(length));
    }
    append(out, given);
    return Status::ok();
  }
  if (default_hex.size() != 2 * length) {
    return invalidArgument("the message has no " + std::string(what) +
                           " and the dialect has no default " + std::string(what));
  }
  for (std::size_t i = 0; i < default_hex.size(); i += 2) {
    const int hi = hexValue(static_cast<std::uint8_t>(default_hex[i]));
    const int lo = hexValue(static_cast<std::uint8_t>(default_hex[i + 1]));
    if (hi < 0 || lo < 0)
      return invalidArgument("the dialect's default " + std::string(what) + " is not hex");
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return Status::ok();
}

// ---- Unpacking ----

std::string elementName(int field) {
  switch (field) {
    case kTpduLayout: return "TPDU";
    case kHeaderLayout: return "header";
    case 0: return "MTI";
    case 1: return "bitmap";
    default: return fieldLabel(field);
  }
}

class Decoder {
 public:
  Decoder(const Dialect& dialect, ByteView data, Unpacked& result)
      : dialect_(dialect), data_(data), result_(result) {}

  void run();

 private:
  std::size_t left() const { return data_.size() - pos_; }

  void problem(int field, std::size_t offset, const std::string& text) {
    const int diag_field = field < 0 ? 0 : field;
    result_.diagnostics.push_back(
        {diag_field, offset,
         elementName(field) + " at byte " + std::to_string(offset) + ": " + text});
  }
  // False (with a diagnostic) when fewer than `size` bytes are left.
  bool need(int field, std::size_t start, std::size_t size, std::string_view what) {
    if (left() >= size) return true;
    problem(field, start,
            "truncated: " + std::string(what) + " needs " + std::to_string(size) +
                (size == 1 ? " byte, " : " bytes, ") + std::to_string(left()) +
                (left() == 1 ? " is left" : " are left"));
    return false;
  }
  bool readHeaderPart(int which, std::size_t length);
  bool readMti();
  bool readBitmap(int field, std::uint64_t& bits);
  bool readField(int field);
  bool readPrefix(const FieldSpec& spec, std::size_t start, std::size_t& value);
  bool decodeBcd(const FieldSpec& spec, std::size_t start, ByteView bytes, std::size_t digits,
                 std::string& out);

  const Dialect& dialect_;
  ByteView data_;
  Unpacked& result_;
  std::size_t pos_ = 0;
};

bool Decoder::readHeaderPart(int which, std::size_t length) {
  if (length == 0) return true;
  if (!need(which, pos_, length, which == kTpduLayout ? "the TPDU" : "the header")) return false;
  Bytes bytes(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
              data_.begin() + static_cast<std::ptrdiff_t>(pos_ + length));
  if (which == kTpduLayout) {
    result_.message.setTpdu(std::move(bytes));
  } else {
    result_.message.setHeader(std::move(bytes));
  }
  result_.layout.push_back({which, pos_, 0, length});
  pos_ += length;
  return true;
}

bool Decoder::readMti() {
  const std::size_t size = dialect_.mti_encoding == MtiEncoding::kBcd ? 2 : 4;
  if (!need(0, pos_, size, "the MTI")) return false;
  std::string mti(4, '0');
  bool ok = true;
  if (dialect_.mti_encoding == MtiEncoding::kBcd) {
    for (std::size_t i = 0; i < 4; ++i) {
      const std::uint8_t b = data_[pos_ + i / 2];
      const int nibble = i % 2 == 0 ? b >> 4 : b & 0x0F;
      mti[i] = static_cast<char>(nibble <= 9 ? '0' + nibble : kHexDigits[nibble]);
      ok = ok && nibble <= 9;
    }
  } else {
    for (std::size_t i = 0; i < 4; ++i) {
      const std::uint8_t b = data_[pos_ + i];
      mti[i] = dialect_.mti_encoding == MtiEncoding::kAscii ? static_cast<char>(b) : fromEbcdic(b);
      ok = ok && isDigit(mti[i]);
    }
  }
  if (!ok) {
    problem(0, pos_,
            "expected 4 digits, found '" + printableAscii(asBytes(mti)) + "' (" +
                toHex(data_.subspan(pos_, size)) + ")");
    return false;
  }
  result_.message.setMti(std::move(mti));
  result_.layout.push_back({0, pos_, 0, size});
  pos_ += size;
  return true;
}

bool Decoder::readBitmap(int field, std::uint64_t& bits) {
  const std::size_t size = bitmapSize(dialect_);
  const std::string_view what = field == 1 ? "the bitmap" : "the tertiary bitmap";
  if (!need(field, pos_, size, what)) return false;
  bits = 0;
  if (dialect_.bitmap_encoding == BitmapEncoding::kBinary) {
    for (std::size_t i = 0; i < 8; ++i) bits = bits << 8 | data_[pos_ + i];
  } else {
    for (std::size_t i = 0; i < 16; ++i) {
      const int v = hexValue(data_[pos_ + i]);
      if (v < 0) {
        problem(
            field, pos_,
            "expected 16 hex characters, found '" + printableAscii(data_.subspan(pos_, 16)) + "'");
        return false;
      }
      bits = bits << 4 | static_cast<std::uint64_t>(v);
    }
  }
  pos_ += size;
  return true;
}

bool Decoder::readPrefix(const FieldSpec& spec, std::size_t start, std::size_t& value) {
  const std::size_t size = prefixBytes(spec);
  if (!need(spec.number, start, size, "the length prefix")) return false;
  ByteView raw = data_.subspan(pos_, size);
  value = 0;
  bool ok = true;
  switch (spec.length_encoding) {
    case LengthEncoding::kAscii:
    case LengthEncoding::kEbcdic:
      for (std::uint8_t b : raw) {
        const char c =
            spec.length_encoding == LengthEncoding::kAscii ? static_cast<char>(b) : fromEbcdic(b);
        ok = ok && isDigit(c);
        value = value * 10 + static_cast<std::size_t>(c - '0');
      }
      break;
    case LengthEncoding::kBcd:
      for (std::uint8_t b : raw) {
        ok = ok && (b >> 4) <= 9 && (b & 0x0F) <= 9;
        value = value * 100 + static_cast<std::size_t>((b >> 4) * 10 + (b & 0x0F));
      }
      break;
    case LengthEncoding::kBinary:
      for (std::uint8_t b : raw) value = value << 8 | b;
      break;
  }
  if (!ok) {
    std::string shown = spec.length_encoding == LengthEncoding::kAscii
                            ? "'" + printableAscii(raw) + "'"
                            : toHex(raw);
    problem(spec.number, start, "length prefix " + shown + " is not a number");
    return false;
  }
  pos_ += size;
  return true;
}

bool Decoder::decodeBcd(const FieldSpec& spec, std::size_t start, ByteView bytes,
                        std::size_t digits, std::string& out) {
  // Nibble index of the first digit: an odd count has a padding nibble first unless right-F.
  const std::size_t total = bytes.size() * 2;
  std::size_t first = 0;
  if (total > digits && spec.padding != Padding::kRightF && spec.padding != Padding::kRightZero) {
    first = total - digits;
  }
  out.resize(digits);
  for (std::size_t i = 0; i < digits; ++i) {
    const std::size_t n = first + i;
    const std::uint8_t b = bytes[n / 2];
    const int nibble = n % 2 == 0 ? b >> 4 : b & 0x0F;
    if (nibble <= 9) {
      out[i] = static_cast<char>('0' + nibble);
    } else if (nibble == 0xD && spec.type == FieldType::kTrack2) {
      out[i] = '=';
    } else {
      problem(spec.number, start,
              expectedText(spec) + " in BCD, found nibble " + std::string(1, kHexDigits[nibble]) +
                  " at digit " + std::to_string(i + 1) +
                  (spec.sensitive ? "" : " (" + toHex(bytes) + ")"));
      return false;
    }
  }
  return true;
}

bool Decoder::readField(int field) {
  const FieldSpec* spec = dialect_.field(field);
  const std::size_t start = pos_;
  if (spec == nullptr) {
    problem(field, start, "present in the bitmap but not defined by dialect '" + dialect_.id + "'");
    return false;
  }
  const bool fixed = spec->length_kind == LengthKind::kFixed;
  std::size_t prefix = spec->max_length;
  if (!fixed && !readPrefix(*spec, start, prefix)) return false;
  const std::size_t prefix_size = pos_ - start;
  // Units of the value and bytes on the wire.
  std::size_t units = prefix;
  std::size_t wire = prefix;
  const bool counts_bytes = !fixed && spec->length_unit == LengthUnit::kBytes;
  switch (spec->data_encoding) {
    case DataEncoding::kBcd:
      if (counts_bytes) {
        units = prefix * 2;
        wire = prefix;
      } else {
        wire = (units + 1) / 2;
      }
      break;
    case DataEncoding::kHex:
      if (counts_bytes) {
        units = prefix * 2;
        wire = units;
      }
      break;
    default: break;
  }
  const std::size_t max_units =
      counts_bytes && isBcd(*spec) ? spec->max_length + spec->max_length % 2 : spec->max_length;
  if (!fixed && units > max_units) {
    problem(field, start,
            "length " + std::to_string(prefix) + " is more than the maximum " +
                std::to_string(counts_bytes && isBcd(*spec) ? (spec->max_length + 1) / 2
                               : counts_bytes && spec->data_encoding == DataEncoding::kHex
                                   ? spec->max_length / 2
                                   : spec->max_length));
    return false;
  }
  if (spec->data_encoding == DataEncoding::kHex && units % 2 != 0) {
    problem(field, start, "an odd number of hex characters (" + std::to_string(units) + ")");
    return false;
  }
  if (!need(field, start, wire, "the value")) return false;
  ByteView raw = data_.subspan(pos_, wire);
  std::string value;
  bool fatal = false;
  switch (spec->data_encoding) {
    case DataEncoding::kAscii: value.assign(reinterpret_cast<const char*>(raw.data()), wire); break;
    case DataEncoding::kEbcdic:
      value.resize(wire);
      for (std::size_t i = 0; i < wire; ++i) value[i] = fromEbcdic(raw[i]);
      break;
    case DataEncoding::kBcd: {
      std::size_t digits = units;
      if (counts_bytes && wire > 0) {
        // The prefix counts bytes: a padding nibble, if any, is the F at the padded end.
        if (spec->padding == Padding::kRightF && (raw[wire - 1] & 0x0F) == 0x0F) {
          --digits;
        } else if (spec->padding == Padding::kLeftF && (raw[0] >> 4) == 0x0F) {
          --digits;
        }
      }
      fatal = !decodeBcd(*spec, start, raw, digits, value);
      break;
    }
    case DataEncoding::kBinary:
      value.assign(reinterpret_cast<const char*>(raw.data()), wire);
      break;
    case DataEncoding::kHex:
      value.resize(wire / 2);
      for (std::size_t i = 0; i < wire / 2; ++i) {
        const int hi = hexValue(raw[2 * i]);
        const int lo = hexValue(raw[2 * i + 1]);
        if (hi < 0 || lo < 0) {
          problem(field, start,
                  "expected hex characters, found '" +
                      printableAscii(raw.first(std::min<std::size_t>(wire, 64))) + "'");
          fatal = true;
          break;
        }
        value[i] = static_cast<char>(hi << 4 | lo);
      }
      break;
  }
  if (fatal) return false;
  if (spec->type != FieldType::kBinary && !isBcd(*spec)) {
    const std::size_t bad = firstBadCharacter(spec->type, value);
    if (bad != std::string_view::npos) {
      // The length is known, so decoding goes on; the value is kept as carried.
      problem(field, start, expectedText(*spec) + ", found " + quoteValue(*spec, value, bad));
    }
  }
  result_.layout.push_back({field, start, prefix_size, wire});
  result_.message.set(field, std::move(value));
  pos_ += wire;
  return true;
}

void Decoder::run() {
  if (!readHeaderPart(kTpduLayout, dialect_.header.tpdu_length)) return;
  if (!readHeaderPart(kHeaderLayout, dialect_.header.header_length)) return;
  if (!readMti()) return;
  const std::size_t bitmap_start = pos_;
  std::array<std::uint64_t, 3> bitmaps{};
  if (!readBitmap(1, bitmaps[0])) return;
  if ((bitmaps[0] & bitFor(1)) != 0 && !readBitmap(1, bitmaps[1])) return;
  result_.layout.push_back({1, bitmap_start, 0, pos_ - bitmap_start});
  result_.message.reserve(
      static_cast<std::size_t>(std::popcount(bitmaps[0]) + std::popcount(bitmaps[1])));
  result_.layout.reserve(
      result_.layout.size() + 1 +
      static_cast<std::size_t>(std::popcount(bitmaps[0]) + std::popcount(bitmaps[1])));
  int last = 1;
  for (std::size_t word = 0; word < 3; ++word) {
    std::uint64_t bits = bitmaps[word];
    if (word == 0) bits &= ~bitFor(1);
    while (bits != 0) {
      const int index = std::countl_zero(bits);
      bits &= ~(std::uint64_t{1} << (63 - index));
      const int field = static_cast<int>(word) * 64 + index + 1;
      if (field == 65 && dialect_.tertiary_bitmap) {
        const std::size_t start = pos_;
        if (!readBitmap(65, bitmaps[2])) return;
        result_.layout.push_back({65, start, 0, pos_ - start});
        if ((bitmaps[2] & bitFor(129)) != 0) {
          problem(65, start, "bit 129 is set: a fourth bitmap is not supported");
          return;
        }
        continue;
      }
      if (!readField(field)) return;
      last = field;
    }
  }
  if (pos_ < data_.size()) {
    const std::size_t extra = data_.size() - pos_;
    problem(last, pos_,
            std::to_string(extra) + (extra == 1 ? " trailing byte" : " trailing bytes") +
                " after the last field");
  }
}

}  // namespace

Status pack(const Dialect& dialect, const Message& message, Bytes& out,
            std::vector<FieldLayout>* layout) {
  const std::size_t base = out.size();
  const std::string& mti = message.mti();
  if (mti.size() != 4 || firstBadCharacter(FieldType::kNumeric, mti) != std::string_view::npos) {
    return invalidArgument("MTI: expected 4 digits, got '" + printableAscii(asBytes(mti)) + "'");
  }
  std::array<std::uint64_t, 3> bitmaps{};
  for (const auto& [field, value] : message.fields()) {
    const FieldSpec* spec = dialect.field(field);
    if (spec == nullptr || (field == 65 && dialect.tertiary_bitmap)) {
      return invalidArgument(fieldLabel(field) + ": not defined by dialect '" + dialect.id + "'" +
                             (field == 65 && dialect.tertiary_bitmap
                                  ? " (field 65 is its tertiary bitmap, derived by the codec)"
                                  : ""));
    }
    bitmaps[static_cast<std::size_t>((field - 1) / 64)] |= bitFor(field);
  }
  if (bitmaps[2] != 0) bitmaps[1] |= bitFor(65);
  if (bitmaps[1] != 0) bitmaps[0] |= bitFor(1);

  out.reserve(base + 64 + message.fields().size() * 8);
  if (dialect.header.tpdu_length > 0) {
    if (layout) layout->push_back({kTpduLayout, 0, 0, dialect.header.tpdu_length});
  }
  Status status = appendHeaderPart("TPDU", dialect.header.tpdu_length, message.tpdu(),
                                   dialect.header.default_tpdu_hex, out);
  if (status.isOk()) {
    if (layout && dialect.header.header_length > 0) {
      layout->push_back({kHeaderLayout, out.size() - base, 0, dialect.header.header_length});
    }
    status = appendHeaderPart("header", dialect.header.header_length, message.header(),
                              dialect.header.default_header_hex, out);
  }
  if (!status.isOk()) {
    out.resize(base);
    return status;
  }
  std::size_t start = out.size();
  appendMti(dialect, mti, out);
  if (layout) layout->push_back({0, start - base, 0, out.size() - start});
  start = out.size();
  appendBitmap(dialect, bitmaps[0], out);
  if (bitmaps[1] != 0) appendBitmap(dialect, bitmaps[1], out);
  if (layout) layout->push_back({1, start - base, 0, out.size() - start});

  auto tertiary = [&]() {
    start = out.size();
    appendBitmap(dialect, bitmaps[2], out);
    if (layout) layout->push_back({65, start - base, 0, out.size() - start});
  };
  bool tertiary_done = bitmaps[2] == 0;
  for (const auto& [field, value] : message.fields()) {
    if (!tertiary_done && field > 65) {
      tertiary();
      tertiary_done = true;
    }
    start = out.size();
    std::size_t prefix_size = 0;
    status = packField(*dialect.field(field), value, out, &prefix_size);
    if (!status.isOk()) {
      out.resize(base);
      return status;
    }
    if (layout) {
      layout->push_back({field, start - base, prefix_size, out.size() - start - prefix_size});
    }
  }
  if (!tertiary_done) tertiary();
  return Status::ok();
}

Status checkFieldValue(const FieldSpec& spec, std::string_view value) {
  Bytes scratch;
  std::size_t prefix_size = 0;
  return packField(spec, value, scratch, &prefix_size);
}

Result<Bytes> pack(const Dialect& dialect, const Message& message) {
  Bytes out;
  POSIM_RETURN_IF_ERROR(pack(dialect, message, out));
  return out;
}

Unpacked unpack(const Dialect& dialect, ByteView data) {
  Unpacked result;
  Decoder(dialect, data, result).run();
  return result;
}

Result<Message> unpackMessage(const Dialect& dialect, ByteView data) {
  Unpacked result = unpack(dialect, data);
  if (!result.ok()) return malformed(result.diagnostics.front().message);
  return std::move(result.message);
}

int macField(const Dialect& dialect, const Message& message) {
  if (dialect.mac_field != 0) return dialect.mac_field;
  const auto& fields = message.fields();
  return !fields.empty() && fields.back().first > 64 ? 128 : 64;
}

std::optional<ByteView> macInput(ByteView packed, const std::vector<FieldLayout>& layout,
                                 int mac_field) {
  std::optional<std::size_t> begin;
  for (const FieldLayout& element : layout) {
    if (element.field == 0) begin = element.offset;
    if (element.field == mac_field && begin.has_value()) {
      const std::size_t end = element.offset + element.prefix_size;
      if (end > packed.size() || end < *begin) return std::nullopt;
      return packed.subspan(*begin, end - *begin);
    }
  }
  return std::nullopt;
}

}  // namespace posim::iso8583
