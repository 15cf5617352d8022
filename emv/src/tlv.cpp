#include "posim/emv/tlv.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <utility>

namespace posim::emv {
namespace {

bool isPadding(std::uint8_t b) {
  return b == 0x00 || b == 0xFF;
}

enum class ReadStep { kItem, kEnd, kError };

// Reads the data object starting at or after `pos` (padding skipped) within data[0, size).
// kItem: `item` is filled and `pos` moved past it; a value that overruns the data is clamped,
// item.declared_length tells, `error` is filled with kValueOverrun and `pos` == size.
// kEnd: only padding was left. kError: `error` says what; `pos` is left at the object start.
// Offsets in `item` and `error` are relative to data plus `base`.
[[gnu::always_inline]] inline ReadStep readObject(const std::uint8_t* data, std::size_t size,
                                                  std::size_t& pos, std::size_t base, TlvItem& item,
                                                  TlvReadError& error) {
  std::size_t p = pos;
  while (p < size && isPadding(data[p])) ++p;
  pos = p;
  if (p >= size) return ReadStep::kEnd;

  const std::size_t start = p;
  auto fail = [&](TlvErrorKind kind, Tag tag, std::size_t declared) {
    error.kind = kind;
    error.offset = base + start;
    error.tag = tag;
    error.declared = declared;
    error.available = 0;
    return ReadStep::kError;
  };

  // Tag (Annex B1).
  Tag tag = data[p++];
  if ((tag & 0x1F) == 0x1F) {
    std::size_t tag_bytes = 1;
    for (;;) {
      if (tag_bytes == kTlvMaxTagBytes) return fail(TlvErrorKind::kTagTooLong, tag, 0);
      if (p >= size) return fail(TlvErrorKind::kTruncatedTag, tag, 0);
      const std::uint8_t b = data[p++];
      tag = (tag << 8) | b;
      ++tag_bytes;
      if ((b & 0x80) == 0) break;
    }
  }

  // Length (Annex B2).
  if (p >= size) return fail(TlvErrorKind::kTruncatedLength, tag, 0);
  const std::uint8_t first_length_byte = data[p++];
  std::size_t length = first_length_byte;
  if (first_length_byte >= 0x80) {
    const std::size_t count = first_length_byte & 0x7Fu;
    if (count == 0) return fail(TlvErrorKind::kIndefiniteLength, tag, 0);
    if (count > kTlvMaxLengthBytes) return fail(TlvErrorKind::kLengthTooLong, tag, count);
    if (size - p < count) return fail(TlvErrorKind::kTruncatedLength, tag, count);
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | data[p++];
  }

  // Value.
  const std::size_t available = size - p;
  item.tag = tag;
  item.offset = base + start;
  item.header_length = p - start;
  item.declared_length = length;
  if (length > available) {
    item.value = ByteView(data + p, available);
    pos = size;
    error.kind = TlvErrorKind::kValueOverrun;
    error.offset = base + start;
    error.tag = tag;
    error.declared = length;
    error.available = available;
    return ReadStep::kItem;
  }
  item.value = ByteView(data + p, length);
  pos = p + length;
  return ReadStep::kItem;
}

// Number of data objects readObject() yields from data[0, size), to size a vector once.
std::size_t countObjects(const std::uint8_t* data, std::size_t size) {
  std::size_t pos = 0;
  std::size_t count = 0;
  TlvItem item;
  TlvReadError error;
  while (readObject(data, size, pos, 0, item, error) == ReadStep::kItem) ++count;
  return count;
}

std::string at(std::size_t offset) {
  return "byte " + std::to_string(offset) + ": ";
}

// Offset (relative to `value`) of the first non-padding byte, or value.size().
std::size_t firstContent(ByteView value) {
  std::size_t i = 0;
  while (i < value.size() && isPadding(value[i])) ++i;
  return i;
}

TlvDiagnostic tooDeep(std::size_t offset, const TlvItem& parent, std::size_t max_depth) {
  return {offset, TlvErrorKind::kTooDeep,
          at(offset) + "data objects nested deeper than " + std::to_string(max_depth) +
              " levels; template " + tagToHex(parent.tag) + " at byte " +
              std::to_string(parent.offset) + " is kept undecoded"};
}

}  // namespace

const char* tlvErrorKindName(TlvErrorKind kind) {
  switch (kind) {
    case TlvErrorKind::kTruncatedTag: return "truncated tag";
    case TlvErrorKind::kTagTooLong: return "tag too long";
    case TlvErrorKind::kTruncatedLength: return "truncated length";
    case TlvErrorKind::kIndefiniteLength: return "indefinite length";
    case TlvErrorKind::kLengthTooLong: return "length too long";
    case TlvErrorKind::kValueOverrun: return "value overrun";
    case TlvErrorKind::kTooDeep: return "nesting too deep";
    case TlvErrorKind::kTrailingData: return "trailing data";
  }
  return "unknown";
}

TlvDiagnostic toDiagnostic(const TlvReadError& error) {
  TlvDiagnostic d{error.offset, error.kind, at(error.offset)};
  const std::string tag = error.tag == 0 ? std::string() : tagToHex(error.tag);
  switch (error.kind) {
    case TlvErrorKind::kTruncatedTag: d.message += "the data ends inside tag " + tag + ".."; break;
    case TlvErrorKind::kTagTooLong:
      d.message += "tag " + tag + ".. is longer than 3 bytes (EMV Book 3 Annex B1)";
      break;
    case TlvErrorKind::kTruncatedLength:
      if (error.declared == 0) {
        d.message += "tag " + tag + " has no length: the data ends after the tag";
      } else {
        d.message += "tag " + tag + ": the data ends inside its " + std::to_string(error.declared) +
                     "-byte length field";
      }
      break;
    case TlvErrorKind::kIndefiniteLength:
      d.message += "tag " + tag + " has the indefinite length form 80, which EMV does not allow " +
                   "(EMV Book 3 Annex B2)";
      break;
    case TlvErrorKind::kLengthTooLong:
      d.message += "tag " + tag + " has a length field of " + std::to_string(error.declared) +
                   " bytes; at most 4 are supported";
      break;
    case TlvErrorKind::kValueOverrun:
      d.message += "tag " + tag + " declares " + std::to_string(error.declared) +
                   " value bytes but only " + std::to_string(error.available) + " remain; kept " +
                   std::to_string(error.available);
      break;
    case TlvErrorKind::kTooDeep: d.message += "data objects nested too deep"; break;
    case TlvErrorKind::kTrailingData: d.message += "trailing data"; break;
  }
  return d;
}

bool TlvReader::next(TlvItem& item) {
  if (done_) return false;
  TlvReadError error;
  switch (readObject(data_.data(), data_.size(), pos_, base_offset_, item, error)) {
    case ReadStep::kEnd: done_ = true; return false;
    case ReadStep::kError:
      error_ = error;
      done_ = true;
      return false;
    case ReadStep::kItem:
      if (item.truncated()) {
        error_ = error;
        done_ = true;
      }
      return true;
  }
  return false;
}

const TlvNode* TlvNode::findChild(Tag child_tag) const {
  for (const TlvNode& child : children) {
    if (child.tag == child_tag) return &child;
  }
  return nullptr;
}

Status TlvDecodeResult::status() const {
  if (diagnostics.empty()) return Status::ok();
  std::string message = diagnostics.front().message;
  if (diagnostics.size() > 1) {
    message += " (and " + std::to_string(diagnostics.size() - 1) + " more)";
  }
  return malformed(std::move(message));
}

TlvDecodeResult decodeTlv(ByteView data, const TlvDecodeOptions& options) {
  TlvDecodeResult result;
  const std::size_t max_depth = std::clamp<std::size_t>(options.max_depth, 1, kTlvMaxDepthLimit);

  // One level being decoded. Plain members without initializers, so the fixed stack below costs
  // nothing to set up; a frame is written before it is read.
  struct Frame {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t base;
    std::size_t pos;
    std::vector<TlvNode>* out;
  };
  std::array<Frame, kTlvMaxDepthLimit> stack;  // NOLINT(cppcoreguidelines-pro-type-member-init)

  std::size_t top_size = data.size();
  std::optional<TlvDiagnostic> trailing;
  if (options.single_object) {
    std::size_t pos = 0;
    TlvItem first;
    TlvReadError error;
    if (readObject(data.data(), data.size(), pos, 0, first, error) == ReadStep::kItem) {
      std::size_t rest = pos + firstContent(data.subspan(pos));
      if (rest < data.size()) {
        top_size = pos;
        trailing = TlvDiagnostic{rest, TlvErrorKind::kTrailingData,
                                 at(rest) + std::to_string(data.size() - rest) +
                                     " bytes of trailing data after the single data object " +
                                     tagToHex(first.tag) + " were not decoded"};
      }
    }
  }

  result.nodes.reserve(countObjects(data.data(), top_size));
  stack[0] = Frame{data.data(), top_size, 0, 0, &result.nodes};
  std::size_t depth = 1;
  TlvItem item;
  TlvReadError error;
  while (depth > 0) {
    Frame& frame = stack[depth - 1];
    const ReadStep step = readObject(frame.data, frame.size, frame.pos, frame.base, item, error);
    if (step == ReadStep::kEnd) {
      --depth;
      continue;
    }
    if (step == ReadStep::kError) {
      result.diagnostics.push_back(toDiagnostic(error));
      --depth;
      continue;
    }
    if (item.truncated()) result.diagnostics.push_back(toDiagnostic(error));

    TlvNode& node = frame.out->emplace_back();
    node.tag = item.tag;
    node.value = item.value;
    node.offset = item.offset;
    node.header_length = item.header_length;
    node.declared_length = item.declared_length;
    if (!item.constructed() || item.value.empty()) continue;

    if (depth >= max_depth) {
      const std::size_t content = firstContent(item.value);
      if (content < item.value.size()) {
        result.diagnostics.push_back(tooDeep(item.valueOffset() + content, item, max_depth));
      }
      continue;
    }
    // `node` stays put while its children are decoded: its vector only grows again after this
    // frame is popped.
    node.children.reserve(countObjects(item.value.data(), item.value.size()));
    stack[depth] =
        Frame{item.value.data(), item.value.size(), item.valueOffset(), 0, &node.children};
    ++depth;
  }

  if (trailing) result.diagnostics.push_back(std::move(*trailing));
  return result;
}

const TlvNode* findTlv(std::span<const TlvNode> nodes, Tag tag) {
  // Iterative depth-first walk with an explicit stack of sibling ranges: no recursion on
  // untrusted trees.
  std::vector<std::span<const TlvNode>> stack;
  stack.push_back(nodes);
  while (!stack.empty()) {
    std::span<const TlvNode>& range = stack.back();
    if (range.empty()) {
      stack.pop_back();
      continue;
    }
    const TlvNode& node = range.front();
    range = range.subspan(1);
    if (node.tag == tag) return &node;
    if (!node.children.empty()) stack.emplace_back(node.children);
  }
  return nullptr;
}

namespace {

// Calls visit(node) for every primitive node, depth-first in document order.
template <typename Visit>
void forEachPrimitive(std::span<const TlvNode> nodes, Visit&& visit) {
  std::vector<std::span<const TlvNode>> stack;
  stack.push_back(nodes);
  while (!stack.empty()) {
    std::span<const TlvNode>& range = stack.back();
    if (range.empty()) {
      stack.pop_back();
      continue;
    }
    const TlvNode& node = range.front();
    range = range.subspan(1);
    if (node.constructed()) {
      if (!node.children.empty()) stack.emplace_back(node.children);
    } else {
      visit(node);
    }
  }
}

}  // namespace

std::vector<TlvField> collectPrimitives(std::span<const TlvNode> nodes) {
  std::vector<TlvField> fields;
  forEachPrimitive(nodes, [&](const TlvNode& node) {
    fields.push_back(TlvField{node.tag, node.value, node.offset});
  });
  return fields;
}

std::map<Tag, ByteView> collectPrimitiveMap(std::span<const TlvNode> nodes,
                                            std::vector<TlvField>* duplicates) {
  std::map<Tag, ByteView> values;
  forEachPrimitive(nodes, [&](const TlvNode& node) {
    const bool inserted = values.emplace(node.tag, node.value).second;
    if (!inserted && duplicates != nullptr) {
      duplicates->push_back(TlvField{node.tag, node.value, node.offset});
    }
  });
  return values;
}

// ---- Encoding ----

std::size_t tagByteCount(Tag tag) {
  if (tag > 0xFFFFFF) return 4;
  if (tag > 0xFFFF) return 3;
  if (tag > 0xFF) return 2;
  return 1;
}

bool isValidTag(Tag tag) {
  // Byte 1 of a multi-byte tag has b5-b1 = 11111; every later byte but the last has b8 set.
  if (tag == 0) return false;
  if (tag <= 0xFF) return (tag & 0x1F) != 0x1F;
  if (tag <= 0xFFFF) return ((tag >> 8) & 0x1F) == 0x1F && (tag & 0x80) == 0;
  if (tag <= 0xFFFFFF) {
    return ((tag >> 16) & 0x1F) == 0x1F && ((tag >> 8) & 0x80) != 0 && (tag & 0x80) == 0;
  }
  return false;
}

std::size_t lengthByteCount(std::size_t length) {
  if (length < 0x80) return 1;
  if (length <= 0xFF) return 2;
  if (length <= 0xFFFF) return 3;
  if (length <= 0xFFFFFF) return 4;
  return 5;
}

void appendTag(Bytes& out, Tag tag) {
  if (!isValidTag(tag)) std::abort();
  if (tag > 0xFFFF) out.push_back(static_cast<std::uint8_t>(tag >> 16));
  if (tag > 0xFF) out.push_back(static_cast<std::uint8_t>(tag >> 8));
  out.push_back(static_cast<std::uint8_t>(tag));
}

namespace {

// The definite length in its shortest form into `buf`; returns the byte count.
std::size_t lengthBytes(std::size_t length, std::array<std::uint8_t, 5>& buf) {
  if (length > 0xFFFFFFFFu) std::abort();
  const std::size_t count = lengthByteCount(length);
  if (count == 1) {
    buf[0] = static_cast<std::uint8_t>(length);
    return 1;
  }
  buf[0] = static_cast<std::uint8_t>(0x80 | (count - 1));
  for (std::size_t i = 1; i < count; ++i) {
    buf[i] = static_cast<std::uint8_t>(length >> (8 * (count - 1 - i)));
  }
  return count;
}

// Inserts the length of the value that starts at out[value_start] and runs to the end.
void insertLength(Bytes& out, std::size_t value_start) {
  std::array<std::uint8_t, 5> buf{};
  const std::size_t count = lengthBytes(out.size() - value_start, buf);
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(value_start), buf.begin(),
             buf.begin() + static_cast<std::ptrdiff_t>(count));
}

}  // namespace

void appendLength(Bytes& out, std::size_t length) {
  std::array<std::uint8_t, 5> buf{};
  const std::size_t count = lengthBytes(length, buf);
  out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(count));
}

void appendTlv(Bytes& out, Tag tag, ByteView value) {
  appendTag(out, tag);
  appendLength(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

void appendTlvNode(Bytes& out, const TlvNode& node) {
  // Depth-first with an explicit stack of (node, next child) pairs; a template's length is
  // known only after its children are written, so it is inserted in front of them then.
  struct Open {
    const TlvNode* node;
    std::size_t next_child;
    std::size_t value_start;
  };
  std::vector<Open> stack;
  auto start = [&](const TlvNode& n) {
    appendTag(out, n.tag);
    if (!n.constructed() || n.children.empty()) {
      appendLength(out, n.value.size());
      out.insert(out.end(), n.value.begin(), n.value.end());
      return;
    }
    stack.push_back(Open{&n, 0, out.size()});
  };
  start(node);
  while (!stack.empty()) {
    Open& top = stack.back();
    if (top.next_child < top.node->children.size()) {
      const TlvNode& child = top.node->children[top.next_child++];
      start(child);  // may grow the stack: `top` is not used after this
      continue;
    }
    const std::size_t value_start = top.value_start;
    stack.pop_back();
    insertLength(out, value_start);
  }
}

Bytes encodeTag(Tag tag) {
  Bytes out;
  appendTag(out, tag);
  return out;
}

Bytes encodeLength(std::size_t length) {
  Bytes out;
  appendLength(out, length);
  return out;
}

Bytes encodeTlv(Tag tag, ByteView value) {
  Bytes out;
  out.reserve(tagByteCount(tag) + lengthByteCount(value.size()) + value.size());
  appendTlv(out, tag, value);
  return out;
}

Bytes encodeConstructed(Tag tag, std::span<const TlvNode> children) {
  Bytes value = encodeTlvTree(children);
  return encodeTlv(tag, value);
}

Bytes encodeTlvTree(std::span<const TlvNode> nodes) {
  Bytes out;
  // Decoded trees know their size; for canonical input this is exact.
  std::size_t estimate = 0;
  for (const TlvNode& node : nodes) estimate += node.header_length + node.value.size();
  out.reserve(estimate);
  for (const TlvNode& node : nodes) appendTlvNode(out, node);
  return out;
}

TlvBuilder& TlvBuilder::add(Tag tag, ByteView value) {
  appendTlv(out_, tag, value);
  return *this;
}

TlvBuilder& TlvBuilder::addRaw(ByteView encoded) {
  out_.insert(out_.end(), encoded.begin(), encoded.end());
  return *this;
}

TlvBuilder& TlvBuilder::open(Tag tag) {
  appendTag(out_, tag);
  open_.push_back(out_.size());
  return *this;
}

TlvBuilder& TlvBuilder::close() {
  if (open_.empty()) std::abort();
  const std::size_t value_start = open_.back();
  open_.pop_back();
  insertLength(out_, value_start);
  return *this;
}

Bytes TlvBuilder::take() {
  if (!open_.empty()) std::abort();
  return std::move(out_);
}

}  // namespace posim::emv
