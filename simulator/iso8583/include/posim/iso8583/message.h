// One ISO 8583 message as values: the MTI, the optional TPDU and header, and the data elements
// that are present, in field order. A Message knows nothing of encodings: codec.h turns it into
// bytes with a Dialect and back.
//
// Values are held as carried, in their decoded character form:
//   n, an, ans, z, xn fields: the characters, padding included ("TERM0001", "000000001000");
//     BCD-encoded fields: the digits (a padding nibble of an odd count removed);
//   b fields: the raw bytes, in a std::string (use bytes() for a ByteView).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "posim/base/bytes.h"

namespace posim::iso8583 {

class Message {
 public:
  Message() = default;
  explicit Message(std::string mti) : mti_(std::move(mti)) {}

  const std::string& mti() const { return mti_; }
  void setMti(std::string mti) { mti_ = std::move(mti); }

  // TPDU and network header (dialects with HeaderSpec), raw bytes; empty when absent.
  const Bytes& tpdu() const { return tpdu_; }
  void setTpdu(Bytes tpdu) { tpdu_ = std::move(tpdu); }
  const Bytes& header() const { return header_; }
  void setHeader(Bytes header) { header_ = std::move(header); }

  bool has(int field) const { return find(field) != nullptr; }
  // The value, or empty when absent.
  std::string_view get(int field) const;
  ByteView bytes(int field) const { return asBytes(get(field)); }
  // REQUIRES: 2 <= field <= 192. Field 65 is a data element unless the dialect has a tertiary
  // bitmap (then the codec derives it).
  void set(int field, std::string value);
  void setBytes(int field, ByteView value) { set(field, asString(value)); }
  void remove(int field);
  // Room for `count` fields (the codec reserves before filling a message).
  void reserve(std::size_t count) { fields_.reserve(count); }
  void clear();

  // Present fields in ascending order.
  const std::vector<std::pair<int, std::string>>& fields() const { return fields_; }

  // "0200" -> "0210", "0420" -> "0430": the response MTI of a request or advice.
  // REQUIRES: a 4-digit MTI.
  static std::string responseMti(std::string_view mti);

  friend bool operator==(const Message&, const Message&) = default;

 private:
  const std::string* find(int field) const;

  std::string mti_;
  Bytes tpdu_;
  Bytes header_;
  std::vector<std::pair<int, std::string>> fields_;  // sorted by field number
};

}  // namespace posim::iso8583
