// Packing and unpacking ISO 8583 messages with a Dialect.
//
// pack() refuses a message that does not fit its dialect (a value too long, a letter in an n
// field, a field the dialect does not define) with an InvalidArgument naming the field. unpack()
// never fails outright: malformed bytes give the fields decoded so far plus diagnostics naming
// the field number and the byte offset where decoding stopped.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/status.h"
#include "posim/iso8583/dialect.h"
#include "posim/iso8583/message.h"

namespace posim::iso8583 {

// Where a field sits in the packed bytes (offsets from the start of the message as packed,
// TPDU/header included).
struct FieldLayout {
  // 0: MTI, 1: the primary and secondary bitmaps, 2..192 data elements; 65 is the tertiary
  // bitmap in dialects that have one. kTpduLayout and kHeaderLayout mark the TPDU and network
  // header, listed before the MTI when the dialect has them.
  int field = 0;
  std::size_t offset = 0;       // first byte of the length prefix (or of the data when fixed)
  std::size_t prefix_size = 0;  // bytes of the length prefix
  std::size_t size = 0;         // bytes of the data after the prefix
};

inline constexpr int kTpduLayout = -2;
inline constexpr int kHeaderLayout = -1;

struct Diagnostic {
  // 0: MTI / TPDU / header, 1: bitmap, else the data element (trailing bytes: the last field
  // decoded).
  int field = 0;
  std::size_t offset = 0;  // byte offset in the input: where the element starts
  // The whole sentence, field and offset included:
  //   "field 4 at byte 20: expected 12 digits, found '0000000010AB'"
  //   "field 35 at byte 60: length prefix '3X' is not a number"
  //   "field 55 at byte 84: truncated: the value needs 130 bytes, 12 are left"
  //   "field 7 at byte 12: present in the bitmap but not defined by dialect 'iso87-ascii'"
  //   "field 64 at byte 120: 3 trailing bytes after the last field"
  // Values of sensitive fields (PAN, track data) are never quoted.
  std::string message;
};

struct Unpacked {
  Message message;
  std::vector<FieldLayout> layout;  // in wire order; MTI, bitmap, then each field
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return diagnostics.empty(); }
};

// Appends the packed message to `out` (which may already hold bytes, a frame prefix say; layout
// offsets are relative to where the message starts). The bitmaps are computed from the fields
// present. When `layout` is given it receives the position of every element.
Status pack(const Dialect& dialect, const Message& message, Bytes& out,
            std::vector<FieldLayout>* layout = nullptr);
Result<Bytes> pack(const Dialect& dialect, const Message& message);

// Whether pack() accepts `value` for the field `spec` describes: OK, or the InvalidArgument
// pack() would give ("field 11: expected 6 digits, got '00000.'"). unpack() keeps a malformed
// value as carried (with a diagnostic), so a value taken from a partial decode can fail this.
Status checkFieldValue(const FieldSpec& spec, std::string_view value);

Unpacked unpack(const Dialect& dialect, ByteView data);
// unpack() for callers that only want a whole message: the first diagnostic as a Malformed
// status ("field 55 at byte 84: ...").
Result<Message> unpackMessage(const Dialect& dialect, ByteView data);

// The MAC field of a message in this dialect (Dialect::mac_field, else 128 when any field above
// 64 is present, else 64), and the bytes the MAC covers: from the MTI up to (not including) the
// MAC field's data, with the MAC field's bitmap bit set. REQUIRES: `packed` was packed with the
// MAC field present (as 8 placeholder bytes) and `layout` is its layout.
int macField(const Dialect& dialect, const Message& message);
std::optional<ByteView> macInput(ByteView packed, const std::vector<FieldLayout>& layout,
                                 int mac_field);

}  // namespace posim::iso8583
