// A small JSON document model: parse, build, serialize. Used for `--json` output, reports,
// `posim iso8583 encode` input and the test vectors. Numbers keep their text so that 64-bit
// integers and decimal amounts round-trip exactly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "posim/base/status.h"

namespace posim {

class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  using Array = std::vector<Json>;
  // Insertion-ordered object: reports keep the key order of DESIGN.md §7.
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;                                        // null
  Json(std::nullptr_t) {}                                  // NOLINT(google-explicit-constructor)
  Json(bool b) : type_(Type::kBool), bool_(b) {}           // NOLINT(google-explicit-constructor)
  Json(int v) : Json(static_cast<std::int64_t>(v)) {}      // NOLINT(google-explicit-constructor)
  Json(std::int64_t v);                                    // NOLINT(google-explicit-constructor)
  Json(std::uint64_t v);                                   // NOLINT(google-explicit-constructor)
  Json(double v);                                          // NOLINT(google-explicit-constructor)
  Json(const char* s) : type_(Type::kString), text_(s) {}  // NOLINT(google-explicit-constructor)
  Json(std::string s) : type_(Type::kString), text_(std::move(s)) {}  // NOLINT
  Json(std::string_view s) : type_(Type::kString), text_(s) {}        // NOLINT
  Json(Array a);   // NOLINT(google-explicit-constructor)
  Json(Object o);  // NOLINT(google-explicit-constructor)

  static Json array() { return Json(Array{}); }
  static Json object() { return Json(Object{}); }
  // A number whose JSON text is given verbatim. REQUIRES: valid JSON number text.
  static Json rawNumber(std::string text);

  // Parses one JSON value (RFC 8259). Errors are Malformed with line:column. Nesting deeper
  // than 256 levels is an error, not a stack overflow.
  static Result<Json> parse(std::string_view text);

  Type type() const { return type_; }
  bool isNull() const { return type_ == Type::kNull; }
  bool isBool() const { return type_ == Type::kBool; }
  bool isNumber() const { return type_ == Type::kNumber; }
  bool isString() const { return type_ == Type::kString; }
  bool isArray() const { return type_ == Type::kArray; }
  bool isObject() const { return type_ == Type::kObject; }

  // Accessors. REQUIRES: the matching type (aborts otherwise); use the is*() checks first on
  // untrusted data.
  bool asBool() const;
  const std::string& asString() const;
  const std::string& numberText() const;
  std::int64_t asInt() const;
  double asDouble() const;
  const Array& asArray() const;
  Array& asArray();
  const Object& asObject() const;
  Object& asObject();

  // Object member look-up; nullptr if absent or if this is not an object.
  const Json* find(std::string_view key) const;
  // Object member, created (null) if absent. REQUIRES: object or null (null becomes object).
  Json& operator[](std::string_view key);
  // Appends to an array. REQUIRES: array or null (null becomes array).
  void push(Json value);
  std::size_t size() const;

  // Compact ("{"a":1}") or, with indent > 0, pretty-printed text.
  std::string dump(int indent = 0) const;

  friend bool operator==(const Json& a, const Json& b);

 private:
  void dumpTo(std::string& out, int indent, int depth) const;

  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;  // string value, or number text
  Array array_;
  Object object_;
};

// Appends s to out as a quoted JSON string with escapes.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace posim
