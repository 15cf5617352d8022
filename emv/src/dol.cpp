#include "posim/emv/dol.h"

#include <algorithm>
#include <string>
#include <utility>

namespace posim::emv {

DolParseResult parseDol(ByteView dol) {
  DolParseResult result;
  const std::size_t size = dol.size();
  std::size_t p = 0;
  auto fail = [&](TlvErrorKind kind, std::size_t start, Tag tag, std::size_t declared) {
    TlvReadError error;
    error.kind = kind;
    error.offset = start;
    error.tag = tag;
    error.declared = declared;
    TlvDiagnostic diagnostic = toDiagnostic(error);
    if (kind == TlvErrorKind::kLengthTooLong) {
      diagnostic.message = "byte " + std::to_string(start) + ": DOL entry " + tagToHex(tag) +
                           " has a " + std::to_string(declared) +
                           "-byte length field; DOL lengths are at most 255 (81 xx)";
    }
    result.diagnostics.push_back(std::move(diagnostic));
    return result;
  };
  while (p < size) {
    const std::size_t start = p;
    Tag tag = dol[p++];
    if ((tag & 0x1F) == 0x1F) {
      std::size_t tag_bytes = 1;
      for (;;) {
        if (tag_bytes == kTlvMaxTagBytes) return fail(TlvErrorKind::kTagTooLong, start, tag, 0);
        if (p >= size) return fail(TlvErrorKind::kTruncatedTag, start, tag, 0);
        const std::uint8_t b = dol[p++];
        tag = (tag << 8) | b;
        ++tag_bytes;
        if ((b & 0x80) == 0) break;
      }
    }
    if (p >= size) return fail(TlvErrorKind::kTruncatedLength, start, tag, 0);
    const std::uint8_t first_length_byte = dol[p++];
    std::size_t length = first_length_byte;
    if (first_length_byte >= 0x80) {
      const std::size_t count = first_length_byte & 0x7Fu;
      if (count == 0) return fail(TlvErrorKind::kIndefiniteLength, start, tag, 0);
      if (count > 1) return fail(TlvErrorKind::kLengthTooLong, start, tag, count);
      if (size - p < count) return fail(TlvErrorKind::kTruncatedLength, start, tag, count);
      length = 0;
      for (std::size_t i = 0; i < count; ++i) length = (length << 8) | dol[p++];
    }
    result.entries.push_back(DolEntry{tag, length, start});
  }
  return result;
}

std::size_t dolDataLength(std::span<const DolEntry> entries) {
  std::size_t total = 0;
  for (const DolEntry& entry : entries) total += entry.length;
  return total;
}

void appendDolValue(Bytes& out, ByteView value, std::size_t length, TagFormat format) {
  const std::size_t kept = std::min(value.size(), length);
  const std::size_t pad = length - kept;
  if (format == TagFormat::kN) {
    // Right-justified: cut on the left, pad on the left.
    out.insert(out.end(), pad, 0x00);
    const ByteView tail = value.subspan(value.size() - kept);
    out.insert(out.end(), tail.begin(), tail.end());
    return;
  }
  const ByteView head = value.first(kept);
  out.insert(out.end(), head.begin(), head.end());
  out.insert(out.end(), pad, format == TagFormat::kCn ? std::uint8_t{0xFF} : std::uint8_t{0x00});
}

Bytes buildDolData(std::span<const DolEntry> entries, const DolValueLookup& values,
                   const DolFormatLookup& formats, std::vector<Tag>* absent) {
  Bytes out;
  out.reserve(dolDataLength(entries));
  for (const DolEntry& entry : entries) {
    // Book 3 §5.4 a: a constructed data object gives zeros.
    if (isConstructed(entry.tag)) {
      out.insert(out.end(), entry.length, 0x00);
      continue;
    }
    const std::optional<ByteView> value = values ? values(entry.tag) : std::nullopt;
    if (!value) {
      // Book 3 §5.4 a, b, e: unknown, absent or not applicable data give zeros.
      out.insert(out.end(), entry.length, 0x00);
      if (absent != nullptr) absent->push_back(entry.tag);
      continue;
    }
    const TagFormat format = formats ? formats(entry.tag) : TagFormat::kB;
    if (format == TagFormat::kTemplate) {
      out.insert(out.end(), entry.length, 0x00);
      continue;
    }
    appendDolValue(out, *value, entry.length, format);
  }
  return out;
}

Result<std::vector<DolValue>> splitDolData(std::span<const DolEntry> entries, ByteView data) {
  const std::size_t expected = dolDataLength(entries);
  if (data.size() != expected) {
    return malformed("DOL-related data is " + std::to_string(data.size()) +
                     " bytes long but its DOL of " + std::to_string(entries.size()) +
                     " entries asks for " + std::to_string(expected) + " (EMV Book 3 §5.4)");
  }
  std::vector<DolValue> split;
  split.reserve(entries.size());
  std::size_t pos = 0;
  for (const DolEntry& entry : entries) {
    split.push_back(DolValue{entry, data.subspan(pos, entry.length)});
    pos += entry.length;
  }
  return split;
}

}  // namespace posim::emv
