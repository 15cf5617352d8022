// EMV data as a payment engineer reads it: a BER-TLV buffer turned into a tree of tags with their
// dictionary names and decoded values. One core function feeds `posim emv decode`, the GUI's
// trace dock and trace files, so all of them show the same thing.
//
// PAN-bearing values (5A, 57, 56, 9F6B) are masked in every field of the description, the raw hex
// included: first 6 and last 4 PAN digits stay visible (DESIGN.md §7).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/json.h"
#include "posim/emv/tag.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/tlv.h"

namespace posim::emv {

struct DescribedTlv {
  Tag tag = 0;
  std::string name;                  // dictionary name; empty when the tag is unknown
  std::size_t offset = 0;            // of the first tag byte
  std::size_t length = 0;            // the declared length
  bool truncated = false;            // the value ran past the end of its container
  std::string value_hex;             // raw value (masked for PAN-bearing tags); empty for templates
  std::string summary;               // one-line decoded reading; empty when there is nothing to add
  std::vector<std::string> details;  // further lines (bits set, list entries)
  std::vector<std::string> warnings;  // e.g. a length the dictionary does not allow
  std::vector<DescribedTlv> children;
};

struct TlvDescription {
  std::vector<DescribedTlv> items;
  std::vector<TlvDiagnostic> diagnostics;    // malformed input, with byte offsets
  std::optional<std::uint16_t> status_word;  // when described as an R-APDU
  Scheme scheme = Scheme::kEmv;              // the scheme the names were chosen for

  bool clean() const { return diagnostics.empty(); }
};

struct DescribeOptions {
  // Treat the last two bytes as SW1 SW2 of an R-APDU.
  bool response_apdu = false;
  // Read proprietary tags as this scheme does; nullopt picks it from an AID (4F/84) in the data.
  std::optional<Scheme> scheme;
};

// Decodes and describes data. Never fails: malformed input gives a partial tree plus
// diagnostics.
TlvDescription describeTlv(ByteView data, const DescribeOptions& options = {});

// The tree as indented text, one line per tag ("9F27 Cryptogram Information Data [1] 80 ARQC"),
// details below their tag, then any diagnostics ("! offset 12: ...").
std::string formatTlvDescription(const TlvDescription& description);

// The same as JSON: {"items": [{"tag", "name", "offset", "length", "value", "decoded",
// "details", "warnings", "children"}], "diagnostics": [{"offset", "kind", "message"}],
// "status_word", "clean"}.
Json tlvDescriptionToJson(const TlvDescription& description);

// The value of a tag as hex with PAN digits masked where the tag carries a PAN (5A, 57, 56,
// 9F6B); other tags' plain hex.
std::string displayValueHex(Tag tag, ByteView value);

}  // namespace posim::emv
