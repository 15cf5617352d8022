// Human-readable decoding of EMV data element values, for traces, the GUI and reports
// (Wireshark-style: malformed input gives a partial decode plus warnings, never an error).
//
// decodeValue() picks a decoder from a table keyed by tag (and the scheme whose reading of the
// tag applies); a tag without its own decoder is shown by its dictionary format (digits for n,
// text for an/ans, a DOL listing, hex for b); a tag not in the dictionary is shown as hex.
//
// Privacy: the PAN (5A, and inside 56, 57, 9F6B) is always masked to its first 6 and last 4
// digits; track discretionary data and PIN data are never shown, only their length.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/emv/tag.h"
#include "posim/emv/tag_dictionary.h"

namespace posim::emv {

// The decoded form of one value.
struct DecodedValue {
  std::string summary;                // one line: "ARQC", "2025-03-14", "123.45 CNY"
  std::vector<std::string> details;   // further lines, e.g. one per bit set or per rule
  std::vector<std::string> warnings;  // e.g. "wrong length: 3 bytes (expected 2)"

  friend bool operator==(const DecodedValue&, const DecodedValue&) = default;
};

// What a decoder may need beyond the value itself. Everything is optional.
struct DecodeContext {
  // Whose reading of proprietary tags applies (schemeFromAid of the selected AID); kEmv means
  // "unknown": the dictionary's primary meaning is used.
  Scheme scheme = Scheme::kEmv;
  // Transaction Currency Code (5F2A), numeric: gives the decimals of 9F02, 9F03, 81, 9F04, 9F1B
  // and the reader limits DF8123-DF8126.
  std::optional<std::uint16_t> transaction_currency;
  // Application Currency Code (9F42), numeric: gives the decimals of the CVM list amounts X and Y
  // and of card balances and limits (9F5D, 9F79, ...).
  std::optional<std::uint16_t> application_currency;
};

// Decodes `value` as the value of `tag`. Never fails: unknown tags give their hex as the summary,
// malformed values a partial decode with warnings. A length outside the dictionary's bounds for
// the tag adds the warning "wrong length: N bytes (expected M)" / "(expected M to K)".
DecodedValue decodeValue(Tag tag, ByteView value, const DecodeContext& context = {});

// True if `tag` (as the primary dictionary row, or as `scheme` reads it) has a decoder of its
// own, beyond the generic by-format rendering.
bool hasValueDecoder(Tag tag, Scheme scheme = Scheme::kEmv);

// The tags with a decoder of their own (primary readings and scheme variants), sorted, unique.
std::vector<Tag> tagsWithValueDecoders();

}  // namespace posim::emv
