// ISO 8583 dialects as data (DESIGN.md §1, §4): the field table of one network's message layout.
//
// A Dialect says, for every data element it knows, how the element is typed, how long it is,
// how its length prefix and its data are encoded and how short values are padded; and for the
// message as a whole how the MTI and the bitmaps are encoded and which header (TPDU, network
// header) comes before the MTI. Dialects are loaded from YAML by scenarios/ (dialect_files.h);
// this library only uses them. Nothing here opens a socket.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/status.h"

namespace posim::iso8583 {

// What characters a field may hold (ISO 8583 attribute letters).
enum class FieldType {
  kNumeric,              // n: digits
  kAlpha,                // a
  kAlphaNumeric,         // an
  kAlphaNumericSpecial,  // ans (any printable)
  kBinary,               // b: bytes
  kTrack2,               // z: track 2 / 3 code set (digits, '=', 'D')
  kXNumeric,             // x+n: 'C' or 'D' then digits (amounts with sign)
};
std::string_view fieldTypeName(FieldType type);  // "n", "an", "ans", "b", "z", "xn", "a"
std::optional<FieldType> fieldTypeByName(std::string_view name);

enum class LengthKind { kFixed, kLL, kLLL, kLLLL };
std::string_view lengthKindName(LengthKind kind);  // "fixed", "LL", "LLL", "LLLL"
std::optional<LengthKind> lengthKindByName(std::string_view name);
int prefixDigits(LengthKind kind);  // 0, 2, 3, 4

// How a length prefix is written: ASCII digits, packed BCD (LL: 1 byte, LLL/LLLL: 2 bytes), or an
// unsigned big-endian binary integer (LL: 1 byte, LLL/LLLL: 2 bytes).
enum class LengthEncoding { kAscii, kBcd, kBinary, kEbcdic };
std::string_view lengthEncodingName(LengthEncoding encoding);  // "ascii", "bcd", "binary", "ebcdic"
std::optional<LengthEncoding> lengthEncodingByName(std::string_view name);

// How a field's value is written on the wire.
//   ascii:  one byte per character.
//   ebcdic: one byte per character, code page 037.
//   bcd:    two digits per byte (n, z: '=' and 'D' as nibble D); odd lengths padded per Padding.
//   binary: raw bytes (b fields).
//   hex:    a b field carried as uppercase hex text, two characters per byte.
enum class DataEncoding { kAscii, kEbcdic, kBcd, kBinary, kHex };
std::string_view dataEncodingName(DataEncoding encoding);
std::optional<DataEncoding> dataEncodingByName(std::string_view name);

// Padding of fixed-length values shorter than the field, and of odd BCD digit counts.
//   none:  the value must have the exact length (pyiso8583 style); BCD odd counts get a left 0
//   left-zero:   '0' on the left (n), nibble 0 on the left (BCD)
//   right-space: ' ' on the right (an, ans)
//   right-f:     nibble F on the right (BCD, track 2 of CUP)
//   left-f:      nibble F on the left (BCD)
//   right-zero:  nibble 0 on the right (BCD "left-aligned" numerics of CUP: DE 2, 22, 32)
// Fixed-length values shorter than the field are padded with '0' digits on the left (left-zero,
// and the BCD paddings) or spaces on the right (right-space); with none they must fit exactly.
enum class Padding { kNone, kLeftZero, kRightSpace, kRightF, kLeftF, kRightZero };
std::string_view paddingName(Padding padding);
std::optional<Padding> paddingByName(std::string_view name);

// What a length prefix counts: for n/z fields in BCD it counts digits; for b fields carried as
// hex it may count characters (pyiso8583 default_ascii) or bytes.
//   kUnits: characters for text, digits for BCD numerics, bytes for binary, hex characters for
//           hex (2 per byte of the value).
//   kBytes: bytes of the value in its binary form: packed BCD bytes for BCD numerics (an odd
//           digit count then reads back with its padding nibble), the bytes of a b field whether
//           it is carried raw or as hex, characters for text.
// FieldSpec::max_length is always in kUnits. Fixed-length fields have no prefix and use kUnits.
enum class LengthUnit { kUnits, kBytes };
std::string_view lengthUnitName(LengthUnit unit);  // "units", "bytes"
std::optional<LengthUnit> lengthUnitByName(std::string_view name);

// A named part of a structured field, for display (DE 60 of CUP, DE 90 original data, DE 54).
struct SubfieldSpec {
  std::string id;      // "60.1", "90.orig_mti"
  std::string name;    // "message type code"
  std::size_t offset;  // in the decoded value (characters)
  std::size_t length;  // characters; 0: to the end

  friend bool operator==(const SubfieldSpec&, const SubfieldSpec&) = default;
};

struct FieldSpec {
  int number = 0;    // 2..192 (1, 65 and 129 are the bitmaps and are not FieldSpecs)
  std::string name;  // "Primary account number"
  FieldType type = FieldType::kAlphaNumericSpecial;
  LengthKind length_kind = LengthKind::kFixed;
  std::size_t max_length = 0;  // fixed length, or the maximum, in LengthUnit::kUnits of the value
  LengthEncoding length_encoding = LengthEncoding::kAscii;
  DataEncoding data_encoding = DataEncoding::kAscii;
  Padding padding = Padding::kNone;
  LengthUnit length_unit = LengthUnit::kUnits;
  bool tlv = false;        // the value is BER-TLV (DE 55): decode shows a TLV tree
  bool sensitive = false;  // PAN, track data: masked when shown; PIN, keys: never shown
  std::vector<SubfieldSpec> subfields;

  friend bool operator==(const FieldSpec&, const FieldSpec&) = default;
};

enum class MtiEncoding { kAscii, kBcd, kEbcdic };
std::string_view mtiEncodingName(MtiEncoding encoding);  // "ascii", "bcd", "ebcdic"
std::optional<MtiEncoding> mtiEncodingByName(std::string_view name);
enum class BitmapEncoding { kBinary, kHex };  // 8 raw bytes, or 16 uppercase hex characters
std::string_view bitmapEncodingName(BitmapEncoding encoding);  // "binary", "hex"
std::optional<BitmapEncoding> bitmapEncodingByName(std::string_view name);

// Bytes before the MTI. TPDU (CUP: 5 bytes, 60 DDDD SSSS; a response swaps the two addresses)
// and a fixed network header (CUP: 6 bytes), both binary, both taken as-is from the message.
struct HeaderSpec {
  std::size_t tpdu_length = 0;     // 0: none
  std::size_t header_length = 0;   // 0: none
  std::string default_tpdu_hex;    // used when a message carries no TPDU: "6000030000"
  std::string default_header_hex;  // "613100000000"

  friend bool operator==(const HeaderSpec&, const HeaderSpec&) = default;
};

// Which ISO 8583 version and message mapping a dialect follows (DOMAIN.md §4.2): the acquirer's
// mapping of transaction types to MTIs, processing codes and function codes uses it.
enum class Flavour { kIso87, kIso93, kCup };
std::string_view flavourName(Flavour flavour);  // "iso87", "iso93", "cup"
std::optional<Flavour> flavourByName(std::string_view name);

struct Dialect {
  std::string id;           // "iso87-ascii"
  std::string description;  // one line
  Flavour flavour = Flavour::kIso87;
  MtiEncoding mti_encoding = MtiEncoding::kAscii;
  BitmapEncoding bitmap_encoding = BitmapEncoding::kBinary;
  // Bit 65 announces a third bitmap (fields 130-192), carried where field 65 would be (after
  // field 64) and encoded like the others. Without it, field 65 is an ordinary data element.
  bool tertiary_bitmap = false;
  HeaderSpec header;
  int mac_field = 0;  // 0: derived (64 without a secondary bitmap, 128 with); set by some dialects
  std::array<std::optional<FieldSpec>, 193> fields{};  // index = field number

  const FieldSpec* field(int number) const {
    return number > 0 && number < 193 && fields[static_cast<std::size_t>(number)]
               ? &*fields[static_cast<std::size_t>(number)]
               : nullptr;
  }
  // Checks internal consistency: an id; every FieldSpec's number matches its slot; no spec for
  // the bitmaps (1, 65 with a tertiary bitmap, 129); fields above 128 only with a tertiary
  // bitmap; a positive max_length that its length prefix can express; data encodings that fit
  // the type (bcd for n/z, binary/hex for b, ascii/ebcdic for text); paddings that fit the
  // encoding; subfields inside the field; default TPDU/header hex of the declared lengths; a
  // mac_field of 0 or a defined 8-byte b field. Errors: InvalidArgument "dialect 'x': field 52:
  // ...".
  Status validate() const;

  friend bool operator==(const Dialect&, const Dialect&) = default;
};

// The dialects a program knows, by id. Filled by the application (scenarios::addBuiltinDialects
// and files named on the command line); no static registration.
class DialectRegistry {
 public:
  // Errors: InvalidArgument when the id is taken or the dialect does not validate().
  Status add(Dialect dialect);
  std::shared_ptr<const Dialect> find(std::string_view id) const;
  std::vector<std::shared_ptr<const Dialect>> list() const;  // by id

 private:
  std::map<std::string, std::shared_ptr<const Dialect>, std::less<>> dialects_;
};

}  // namespace posim::iso8583
