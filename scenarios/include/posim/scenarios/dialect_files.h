// ISO 8583 dialects (examples/dialects/) from YAML into iso8583::Dialect (DESIGN.md §1, §4).
//
// A dialect file (docs/iso8583.md "Dialects" describes every key):
//
//   id: iso87-ascii                       # required; what --dialect and scenarios name
//   description: ISO 8583:1987, ASCII fields, binary bitmaps
//   flavour: iso87                        # iso87 (default), iso93 or cup (DOMAIN.md §4.2)
//   mti_encoding: ascii                   # ascii (default), bcd or ebcdic
//   bitmap_encoding: binary               # binary (default) or hex
//   tertiary_bitmap: false                # bit 65 announces a third bitmap (fields 130-192)
//   mac_field: 64                         # optional; default 64, or 128 with a secondary bitmap
//   header:                               # optional: bytes before the MTI
//     tpdu_length: 5
//     default_tpdu: "6000030000"
//     header_length: 6
//     default_header: "613100000000"
//   defaults:                             # optional; the encodings fields get unless they say
//     length_encoding: ascii              # ascii (default), bcd, binary or ebcdic
//     numeric_encoding: ascii             # n and z fields: ascii (default), bcd or ebcdic
//     text_encoding: ascii                # a, an, ans, xn fields: ascii (default) or ebcdic
//     binary_encoding: binary             # b fields: binary (default) or hex
//     length_unit: units                  # units (default) or bytes
//   fields:
//     2: {name: Primary account number, type: n, length: LL, max: 19, sensitive: true}
//     3: {name: Processing code, type: n, length: 6}
//     55: {name: ICC data, type: b, length: LLL, max: 255, tlv: true}
//     90:
//       name: Original data elements
//       type: n
//       length: 42
//       subfields:
//         - {id: "90.1", name: original MTI, offset: 0, length: 4}
//
// A field: name and type (n, a, an, ans, b, z, xn) are required; length is the fixed length (an
// integer) or LL, LLL, LLLL with max; length_encoding, data_encoding (ascii, ebcdic, bcd, binary,
// hex), padding (none, left-zero, right-space, right-f, left-f, right-zero), length_unit, tlv,
// sensitive and subfields are optional. Every problem is reported at its file:line:column, with
// a "did you mean" hint for unknown keys and names.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/status.h"
#include "posim/iso8583/dialect.h"
#include "posim/scenarios/diagnostic.h"
#include "posim/scenarios/document.h"
#include "posim/scenarios/resolver.h"

namespace posim::scenarios {

// Reads a dialect from a file's root mapping. std::nullopt when diagnostics got errors; a dialect
// read without errors passes iso8583::Dialect::validate().
std::optional<iso8583::Dialect> readDialect(const Node& node, Diagnostics& diagnostics);

// Loads a dialect file.
LoadResult<iso8583::Dialect> loadDialect(const std::filesystem::path& path);
// Loads dialect YAML held in memory; display_name is the file name in diagnostics.
LoadResult<iso8583::Dialect> loadDialectText(std::string_view text, std::string display_name);

// One built-in dialect: a YAML file of examples/dialects/ embedded into the library at build time
// (so `posim` finds it from any directory).
struct BuiltinDialectFile {
  std::string_view file;  // "iso87-ascii.yaml"
  std::string_view text;  // the YAML
};
std::span<const BuiltinDialectFile> builtinDialectFiles();

// The built-in dialects, loaded (once, on first use) from builtinDialectFiles(), sorted by id.
// REQUIRES: every embedded file loads (a test checks it; a broken file aborts).
const std::vector<std::shared_ptr<const iso8583::Dialect>>& builtinDialects();
// The ids of the built-in dialects, sorted: cup-pos, iso87-ascii, iso87-ascii-hex, iso93-ascii.
std::vector<std::string> builtinDialectIds();

// Adds every built-in dialect to `registry`. Errors: InvalidArgument when an id is taken.
Status addBuiltinDialects(iso8583::DialectRegistry& registry);

// A dialect by built-in id, else a path to a YAML dialect file. Errors: NotFound listing the
// built-in ids ("unknown dialect 'iso78': not a built-in dialect (cup-pos, iso87-ascii, ...)
// and no file of that name"), InvalidArgument with every file:line:column diagnostic of a file
// that does not load.
Result<std::shared_ptr<const iso8583::Dialect>> resolveDialect(std::string_view name_or_file);

// A `dialect:` value of a scenario or configuration file: a built-in id, a path relative to the
// referring file or a name under examples/dialects/ (through `resolver`), or an inline mapping.
// REQUIRES: `reference` belongs to a document opened through `resolver`.
std::optional<iso8583::Dialect> resolveDialect(const Node& reference, Resolver& resolver,
                                               Diagnostics& diagnostics);

}  // namespace posim::scenarios
