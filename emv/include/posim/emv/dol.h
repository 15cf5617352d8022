// Data Object Lists (EMV Book 3 §5.4): PDOL 9F38, CDOL1 8C, CDOL2 8D, DDOL 9F49, TDOL 97.
//
// A DOL is a list of (tag, length) entries without values. The terminal answers it with
// "DOL-related data": the concatenated values of those data objects, each cut or padded to the
// entry's length. This file parses DOLs, builds DOL-related data from a value look-up, and splits
// DOL-related data back into values (what a card does with CDOL1 data).
//
// It does not know the tag dictionary: the caller passes a format look-up (Tag -> TagFormat).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/status.h"
#include "posim/emv/tag.h"
#include "posim/emv/tlv.h"

namespace posim::emv {

// One DOL entry: the data object wanted and how many bytes of it.
struct DolEntry {
  Tag tag = 0;
  std::size_t length = 0;
  std::size_t offset = 0;  // of the entry's first tag byte within the DOL
};

// The entries of a DOL plus what was wrong with it.
struct DolParseResult {
  std::vector<DolEntry> entries;           // the entries read before any error
  std::vector<TlvDiagnostic> diagnostics;  // at most one: parsing stops at the first error

  bool ok() const { return diagnostics.empty(); }
};

// Parses a DOL value (EMV Book 3 §5.4): tags per Annex B1, each followed by a length: one byte
// 00-7F, or 81 xx (Annex B2 long form, up to 255). Longer forms (82 and up) are rejected as
// kLengthTooLong: DOL-related data has to fit one short C-APDU, and refusing them keeps an
// untrusted DOL from asking for gigabytes. Unlike BER-TLV data, a DOL has no padding: every
// byte belongs to an entry. Malformed input (truncated tag or length, tag over 3 bytes, length
// form 80 or 82+) stops parsing with one diagnostic whose offset is that of the entry's first
// byte; the entries before it are returned.
DolParseResult parseDol(ByteView dol);

// Total length of the DOL-related data the entries ask for.
std::size_t dolDataLength(std::span<const DolEntry> entries);

// Value look-up for building DOL-related data: the value of `tag` if the terminal (or card) has
// it, std::nullopt otherwise. The returned view must stay valid until buildDolData returns.
using DolValueLookup = std::function<std::optional<ByteView>(Tag tag)>;
// Format of a tag (from the tag dictionary): decides how values are cut and padded.
using DolFormatLookup = std::function<TagFormat(Tag tag)>;

// Fits one value to a DOL entry length by the rules of EMV Book 3 §5.4:
//  - numeric (n): longer values lose their LEFTMOST bytes, shorter ones get LEADING 00 bytes;
//  - compressed numeric (cn): longer values lose their rightmost bytes, shorter ones get
//    trailing FF bytes;
//  - any other format: longer values lose their rightmost bytes, shorter ones get trailing 00.
// Appends exactly `length` bytes to `out`.
void appendDolValue(Bytes& out, ByteView value, std::size_t length, TagFormat format);

// Builds DOL-related data (EMV Book 3 §5.4): for each entry in order, the value from `values`
// fitted to the entry length by appendDolValue(); `length` bytes of 00 when the value is absent,
// when the tag is constructed (b6 of its first byte) or its format is kTemplate.
// The result is exactly dolDataLength(entries) bytes long. `absent`, when given, receives the
// tags that were filled with zeros because `values` did not have them.
Bytes buildDolData(std::span<const DolEntry> entries, const DolValueLookup& values,
                   const DolFormatLookup& formats, std::vector<Tag>* absent = nullptr);

// One entry's slice of DOL-related data.
struct DolValue {
  DolEntry entry;
  ByteView value;  // view into the data given to splitDolData()
};

// Splits DOL-related data back into the entries' values (what a card does with the data of
// GET PROCESSING OPTIONS or GENERATE AC). Malformed if `data` is not exactly
// dolDataLength(entries) bytes long (the message gives both lengths).
// REQUIRES: `data` outlives the returned views.
Result<std::vector<DolValue>> splitDolData(std::span<const DolEntry> entries, ByteView data);

}  // namespace posim::emv
