// BER-TLV as EMV uses it (EMV Book 3 Annex B, ISO/IEC 8825-1 subset): a non-allocating reader, a
// tree decoder that decodes malformed input partially with diagnostics, look-up helpers and an
// encoder.
//
// EMV subset (Book 3 Annex B1-B3):
//  - a tag is 1 to 3 bytes: low 5 bits of byte 1 all set means "more bytes follow", and b8 of
//    every following byte means "one more"; b6 of byte 1 means constructed;
//  - a length is short form (00-7F) or long form 81 xx, 82 xxxx, 83 xxxxxx (84 with 4 bytes is
//    accepted too); the indefinite form 80 is not allowed;
//  - bytes 00 and FF may occur before, between and after data objects and carry no meaning
//    (Annex B note; ISO 7816-4 padding) and are skipped.
//
// Thread safety: everything here is a pure function or a value type; distinct objects may be
// used from distinct threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/status.h"
#include "posim/emv/tag.h"

namespace posim::emv {

// Book 3 Annex B1: EMV tags are at most 3 bytes.
inline constexpr std::size_t kTlvMaxTagBytes = 3;
// At most 4 length bytes after the 8x byte (lengths up to 2^32 - 1).
inline constexpr std::size_t kTlvMaxLengthBytes = 4;
// Default bound on nesting of constructed objects (top-level objects are at depth 1). EMV
// itself never nests deeper than 4 (6F > A5 > BF0C > 61).
inline constexpr std::size_t kTlvDefaultMaxDepth = 16;
// Largest max_depth TlvDecodeOptions accepts; larger values are clamped to it.
inline constexpr std::size_t kTlvMaxDepthLimit = 64;

// What went wrong while decoding BER-TLV. Offsets always point at the first tag byte of the data
// object concerned (or, for kTrailingData and kTooDeep, at the first offending byte).
enum class TlvErrorKind : std::uint8_t {
  kTruncatedTag,      // the data ends inside a multi-byte tag
  kTagTooLong,        // the tag has more than 3 bytes (Annex B1)
  kTruncatedLength,   // the data ends before the length field is complete (or has none)
  kIndefiniteLength,  // length byte 80: indefinite form, not allowed by Annex B2
  kLengthTooLong,     // long form with more than 4 length bytes (85..FF)
  kValueOverrun,      // the value runs past the end of the data (or of its template)
  kTooDeep,           // constructed objects nested deeper than the bound
  kTrailingData,      // bytes after the single expected object (TlvDecodeOptions::single_object)
};

// "truncated tag", "value overrun", ... (short, lowercase; for messages and tests).
const char* tlvErrorKindName(TlvErrorKind kind);

// A problem found while decoding, like Wireshark's expert info on a partial decode.
// `message` is a full sentence naming the byte offset and the tag where known, e.g.
// "byte 36: tag 9F1F declares 15 value bytes but only 14 remain; kept 14".
struct TlvDiagnostic {
  std::size_t offset = 0;
  TlvErrorKind kind = TlvErrorKind::kTruncatedTag;
  std::string message;
};

// One data object as the reader sees it. `value` is a view into the reader's buffer.
struct TlvItem {
  Tag tag = 0;
  std::size_t offset = 0;           // of the first tag byte, relative to the reader's base offset
  std::size_t header_length = 0;    // tag bytes + length bytes
  ByteView value;                   // the value bytes (clamped to the data if it overran)
  std::size_t declared_length = 0;  // the length field; > value.size() iff the value overran

  bool constructed() const { return isConstructed(tag); }
  bool truncated() const { return declared_length > value.size(); }
  std::size_t valueOffset() const { return offset + header_length; }
};

// The reader's error state: no strings, no allocation.
struct TlvReadError {
  TlvErrorKind kind = TlvErrorKind::kTruncatedTag;
  std::size_t offset = 0;     // of the data object concerned (absolute, see base_offset)
  Tag tag = 0;                // the tag read so far (0 if none)
  std::size_t declared = 0;   // kValueOverrun: declared length; kLengthTooLong: length bytes
  std::size_t available = 0;  // kValueOverrun: value bytes present
};

// A diagnostic for a reader error, with its message (see TlvDiagnostic).
TlvDiagnostic toDiagnostic(const TlvReadError& error);

// Fast forward-only walk over the data objects at ONE level of a buffer (EMV Book 3 Annex B),
// skipping 00/FF padding. It never allocates and never reads outside `data`. It does not
// descend: to walk a constructed object's children, make a reader over item.value with
// base_offset = item.valueOffset().
//
// On a malformed header the walk stops and error() says why. If a value runs past the end of
// the data, that item is still yielded with the bytes that are there (item.truncated()), error()
// is set to kValueOverrun, and the walk ends after it.
//
//   TlvReader reader(record);
//   TlvItem item;
//   while (reader.next(item)) { ... }
//   if (reader.error()) { ... }
//
// REQUIRES: the buffer outlives the reader and the items it yields.
class TlvReader {
 public:
  // `base_offset` is added to every offset reported (the position of `data` in a larger buffer).
  explicit TlvReader(ByteView data, std::size_t base_offset = 0)
      : data_(data), base_offset_(base_offset) {}

  // Reads the next data object into `item`. False at the end of the data or on an error.
  bool next(TlvItem& item);

  // True once next() has returned false because only padding (or nothing) was left.
  bool finished() const { return done_ && !error_; }
  // Position of the next byte to read, relative to the start of `data`.
  std::size_t position() const { return pos_; }
  // Set when the walk stopped on malformed data.
  const std::optional<TlvReadError>& error() const { return error_; }

  // Range-for support: `for (const TlvItem& item : reader)`; check error() afterwards.
  class Iterator {
   public:
    const TlvItem& operator*() const { return item_; }
    const TlvItem* operator->() const { return &item_; }
    Iterator& operator++() {
      if (!reader_->next(item_)) reader_ = nullptr;
      return *this;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.reader_ == b.reader_; }

   private:
    friend class TlvReader;
    explicit Iterator(TlvReader* reader) : reader_(reader) {
      if (reader_ != nullptr) ++*this;
    }
    TlvReader* reader_ = nullptr;
    TlvItem item_;
  };
  Iterator begin() { return Iterator(this); }
  Iterator end() { return Iterator(nullptr); }

 private:
  ByteView data_;
  std::size_t base_offset_ = 0;
  std::size_t pos_ = 0;
  bool done_ = false;
  std::optional<TlvReadError> error_;
};

// A node of a decoded TLV tree.
//
// Ownership: `value` is a VIEW into the buffer given to decodeTlv(); that buffer must outlive
// the tree (copy it into a Bytes first if it is short-lived). For a constructed tag, `value` is
// its whole value field and `children` its decoded data objects; primitive tags never have
// children, even when their value happens to look like TLV.
struct TlvNode {
  Tag tag = 0;
  ByteView value;
  std::size_t offset = 0;           // of the first tag byte in the decoded buffer
  std::size_t header_length = 0;    // tag bytes + length bytes
  std::size_t declared_length = 0;  // > value.size() iff the value overran its container
  std::vector<TlvNode> children;

  bool constructed() const { return isConstructed(tag); }
  bool truncated() const { return declared_length > value.size(); }
  std::size_t valueOffset() const { return offset + header_length; }

  // The first direct child with this tag, or nullptr.
  const TlvNode* findChild(Tag child_tag) const;
};

struct TlvDecodeOptions {
  // Nodes deeper than this are not decoded: the constructed node at the bound keeps its raw
  // value without children and a kTooDeep diagnostic is added. Clamped to [1,
  // kTlvMaxDepthLimit].
  std::size_t max_depth = kTlvDefaultMaxDepth;
  // Expect exactly one top-level data object (e.g. a record's 70 template, an FCI 6F):
  // non-padding bytes after it give a kTrailingData diagnostic and are not decoded.
  bool single_object = false;
};

// The outcome of decodeTlv(): the (possibly partial) tree plus what was wrong with the input.
struct TlvDecodeResult {
  std::vector<TlvNode> nodes;              // top-level data objects, in order
  std::vector<TlvDiagnostic> diagnostics;  // in order of offset within each level

  bool ok() const { return diagnostics.empty(); }
  // OK, or Malformed with the first diagnostic's message (and a count of the others).
  Status status() const;
};

// Decodes BER-TLV data (EMV Book 3 Annex B) into a tree, descending into constructed tags only.
// Never fails and never reads outside `data`: malformed input gives the objects decoded so far
// plus diagnostics. Decoding of one level stops at its first malformed header; the enclosing
// level continues after the template, whose length is known. A value that overruns its container
// is kept as far as it goes (node.truncated()). Iterative with bounded depth: safe for untrusted
// input of any size.
//
// REQUIRES: `data` outlives the returned nodes (they view into it).
TlvDecodeResult decodeTlv(ByteView data, const TlvDecodeOptions& options = {});

// First node with this tag anywhere in the trees, depth-first in document order; nullptr if none.
const TlvNode* findTlv(std::span<const TlvNode> nodes, Tag tag);

// A primitive data object's tag and value, as flattened from a tree.
struct TlvField {
  Tag tag = 0;
  ByteView value;
  std::size_t offset = 0;  // of the first tag byte
};

// Every primitive data object in the trees, depth-first in document order (templates are
// walked, not listed). The values view into the decoded buffer.
std::vector<TlvField> collectPrimitives(std::span<const TlvNode> nodes);

// The primitive values by tag, like a kernel's TLV database. The first occurrence of a tag wins;
// later ones are appended to *duplicates when given (EMV Book 3 §10.2: a duplicate in the
// records read is an error the caller decides on).
std::map<Tag, ByteView> collectPrimitiveMap(std::span<const TlvNode> nodes,
                                            std::vector<TlvField>* duplicates = nullptr);

// ---- Encoding (EMV Book 3 Annex B) ----

// True if `tag` is a well-formed EMV tag number: 1-3 bytes, non-zero, and its bytes follow the
// Annex B1 continuation rules (so 0x1F or 0x9F82 alone are not).
bool isValidTag(Tag tag);
// Number of bytes of a tag number (1 to 4).
std::size_t tagByteCount(Tag tag);
// Number of bytes encodeLength() produces: 1 up to 127, 2 (81) up to 255, 3 (82) up to 65535,
// 4 (83) up to 2^24-1, else 5 (84).
std::size_t lengthByteCount(std::size_t length);

// Appends the tag's bytes. REQUIRES: isValidTag(tag) (checked; aborts otherwise: tags come from
// code or from a parser, never from raw input).
void appendTag(Bytes& out, Tag tag);
// Appends a definite length in the shortest form. REQUIRES: length <= 0xFFFFFFFF (aborts).
void appendLength(Bytes& out, std::size_t length);
// Appends tag, length and value.
void appendTlv(Bytes& out, Tag tag, ByteView value);
// Appends a node: a constructed node with children is encoded from them (so its length is
// recomputed and padding inside it dropped); a primitive node, or a constructed one without
// children (empty, or left undecoded beyond the depth bound), from its value.
void appendTlvNode(Bytes& out, const TlvNode& node);

Bytes encodeTag(Tag tag);
Bytes encodeLength(std::size_t length);
// A primitive (or pre-encoded constructed) data object.
Bytes encodeTlv(Tag tag, ByteView value);
// A constructed data object whose value is the encoding of `children`.
Bytes encodeConstructed(Tag tag, std::span<const TlvNode> children);
// Every node in order, in canonical form (shortest lengths, no padding). For a well-formed input
// in canonical form, encodeTlvTree(decodeTlv(x).nodes) == x.
Bytes encodeTlvTree(std::span<const TlvNode> nodes);

// Builds BER-TLV bytes in one buffer, templates included, without intermediate trees:
//
//   Bytes record = TlvBuilder()
//                      .open(0x70)
//                      .add(0x5A, pan)
//                      .add(0x5F24, expiry)
//                      .close()
//                      .take();
//
// REQUIRES: every open() matched by a close() before take(); close() only with a template open;
// valid tags (see appendTag). Misuse is a bug and aborts.
class TlvBuilder {
 public:
  // A primitive data object.
  TlvBuilder& add(Tag tag, ByteView value);
  TlvBuilder& add(Tag tag, std::initializer_list<std::uint8_t> value) {
    return add(tag, ByteView(value.begin(), value.size()));
  }
  // Already-encoded TLV bytes, copied as they are.
  TlvBuilder& addRaw(ByteView encoded);
  // Starts a constructed data object; what is added until the matching close() is its value.
  TlvBuilder& open(Tag tag);
  TlvBuilder& close();

  std::size_t openTemplates() const { return open_.size(); }
  // The bytes built so far. REQUIRES: no template open.
  Bytes take();

 private:
  Bytes out_;
  std::vector<std::size_t> open_;  // out_ offsets where each open template's value starts
};

}  // namespace posim::emv
