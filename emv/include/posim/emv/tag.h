// EMV tags (BER-TLV tag numbers, EMV Book 3 Annex B) and their data formats (Book 3 §4.3).
#pragma once

#include <cstdint>
#include <string>

namespace posim::emv {

// A BER-TLV tag as its bytes read big-endian: 0x9F02, 0x5F2A, 0x82, 0xBF0C. Up to 3 bytes.
using Tag = std::uint32_t;

// Book 3 Annex B1: bits 8-7 of the first tag byte give the class, bit 6 says constructed.
enum class TagClass { kUniversal, kApplication, kContextSpecific, kPrivate };

inline std::uint8_t firstTagByte(Tag tag) {
  while (tag > 0xFF) tag >>= 8;
  return static_cast<std::uint8_t>(tag);
}
inline bool isConstructed(Tag tag) {
  return (firstTagByte(tag) & 0x20) != 0;
}
inline TagClass tagClass(Tag tag) {
  return static_cast<TagClass>(firstTagByte(tag) >> 6);
}

// "9F02"
std::string tagToHex(Tag tag);

// Data element formats of EMV Book 3 §4.3, plus the structured kinds EMV uses.
enum class TagFormat {
  kA,         // alphabetic
  kAn,        // alphanumeric
  kAns,       // alphanumeric special (ASCII printable)
  kB,         // binary
  kCn,        // compressed numeric: BCD left-justified, padded with F
  kN,         // numeric: BCD right-justified, padded with leading 0
  kDol,       // a data object list (tag + length pairs)
  kTagList,   // a list of tags without lengths
  kTemplate,  // a constructed template
  kVar,       // format not fixed by EMV (proprietary, issuer-defined)
};

// Who provides a data element (EMV Book 3 Annex A: "Source").
enum class TagSource { kCard, kTerminal, kIssuer, kAny };

}  // namespace posim::emv
