// Schema checks shared by every loader: mappings with a known set of keys, and typed readers of
// values. Each reader either returns the value or adds one diagnostic at the node's
// file:line:column saying what was expected and what was found, so a loader keeps going and
// reports every problem of a file.
//
// Readers take `const Node*` so that they compose with MappingReader: a nullptr (an absent
// optional key, or a missing required key already reported) yields std::nullopt silently.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/money.h"
#include "posim/base/spelling.h"
#include "posim/scenarios/diagnostic.h"
#include "posim/scenarios/document.h"

namespace posim::scenarios {

// ---- Spelling hints ----

// editDistance and nearestNames live in posim/base/spelling.h (shared with the TVR bit names).
using ::posim::editDistance;
using ::posim::nearestNames;

// "; did you mean amount?" / "; did you mean a, b or c?" / "" when nothing is close.
std::string didYouMean(std::string_view wanted, std::span<const std::string_view> candidates);

// ---- Mappings ----

// Reads a mapping whose keys are declared by asking for them. Every key asked for (through
// required(), optional() or allow()) is known; finish() (or the destructor) reports every other
// key of the mapping as "unknown key 'amout' in <context>; did you mean amount?".
//
// If the node is not a mapping, the constructor reports "expected a mapping for <context>, got
// Y" once and every look-up returns nullptr.
//
// REQUIRES: node and diagnostics outlive the reader.
class MappingReader {
 public:
  MappingReader(const Node& node, Diagnostics& diagnostics, std::string context);
  ~MappingReader();
  MappingReader(const MappingReader&) = delete;
  MappingReader& operator=(const MappingReader&) = delete;

  bool isMapping() const { return node_.isMapping(); }
  const Node& node() const { return node_; }
  Diagnostics& diagnostics() { return diagnostics_; }
  const std::string& context() const { return context_; }

  // The value of `key`; when absent, reports "missing required key 'k' in <context>" at the
  // mapping's position and returns nullptr.
  const Node* required(std::string_view key);
  // The value of `key`, or nullptr when absent.
  const Node* optional(std::string_view key);
  // Declares keys as known without reading them (handled by someone else).
  void allow(std::initializer_list<std::string_view> keys);
  // True if the mapping has `key` (does not declare it).
  bool has(std::string_view key) const;

  // Reports unknown keys. Idempotent.
  void finish();

 private:
  const Node& node_;
  Diagnostics& diagnostics_;
  std::string context_;
  std::vector<std::string> known_;
  bool finished_ = false;
};

// ---- Typed values ----

// Any scalar, as written. "expected a string, got a list".
std::optional<std::string> readString(const Node* node, Diagnostics& diagnostics);
// A scalar that is not empty.
std::optional<std::string> readNonEmptyString(const Node* node, Diagnostics& diagnostics);
// true/false (also yes/no, on/off; any case). "expected true or false, got 'maybe'".
std::optional<bool> readBool(const Node* node, Diagnostics& diagnostics);
// A decimal integer in [min, max]. "expected an integer from 0 to 255, got '300'".
std::optional<std::int64_t> readInteger(const Node* node, Diagnostics& diagnostics,
                                        std::int64_t min, std::int64_t max);
// Hex bytes ("9F02", spaces allowed between bytes) of min_bytes..max_bytes bytes.
// "expected 2 bytes of hex, got 3 bytes" / "expected hex: odd number of hex digits (3)".
std::optional<Bytes> readHex(const Node* node, Diagnostics& diagnostics, std::size_t min_bytes,
                             std::size_t max_bytes);
inline std::optional<Bytes> readHexExact(const Node* node, Diagnostics& diagnostics,
                                         std::size_t bytes) {
  return readHex(node, diagnostics, bytes, bytes);
}
// Decimal digits only, min_length..max_length of them ("1234", "0420"); keeps leading zeros.
std::optional<std::string> readDigits(const Node* node, Diagnostics& diagnostics,
                                      std::size_t min_length, std::size_t max_length);
// A currency: ISO 4217 alpha ("CNY") or numeric ("156").
std::optional<Currency> readCurrency(const Node* node, Diagnostics& diagnostics);
// An amount in major units as a decimal string ("12.34") in `currency`.
std::optional<Money> readMoney(const Node* node, Diagnostics& diagnostics,
                               const Currency& currency);
// An amount with its currency in one scalar: "12.34 CNY".
std::optional<Money> readMoneyWithCurrency(const Node* node, Diagnostics& diagnostics);
// ISO 8601 with offset: "2026-09-30T21:30:00+08:00".
std::optional<LocalDateTime> readTimestamp(const Node* node, Diagnostics& diagnostics);
// "2026-10-08".
std::optional<Date> readDate(const Node* node, Diagnostics& diagnostics);
// "30s", "5m", "2h", "3d", "1h30m", "250ms"; negative durations are rejected.
std::optional<Duration> readDuration(const Node* node, Diagnostics& diagnostics);
// "23:00" or "23:00:30": seconds since midnight.
std::optional<std::int64_t> readTimeOfDay(const Node* node, Diagnostics& diagnostics);
// A rate as load blocks and `posim load --rate` write it: "5/s", "300/m", "20/h" or a number per
// second, above zero -> per second; nullopt for anything else.
std::optional<double> parseRatePerSecond(std::string_view text);

// One of `names`; returns its index. `what` names the value in the message:
// "unknown entry mode 'chipp'; did you mean chip? (expected one of: chip, contactless, swipe)".
std::optional<std::size_t> readChoice(const Node* node, Diagnostics& diagnostics,
                                      std::span<const std::string_view> names,
                                      std::string_view what);

// A row of an enum's name table.
template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

// One of the names of `table` (any container of EnumName<E>), as its enum value.
template <typename E, typename Table>
std::optional<E> readEnum(const Node* node, Diagnostics& diagnostics, const Table& table,
                          std::string_view what) {
  std::vector<std::string_view> names;
  std::vector<E> values;
  for (const EnumName<E>& row : table) {
    names.push_back(row.name);
    values.push_back(row.value);
  }
  const auto index = readChoice(node, diagnostics, names, what);
  if (!index.has_value()) return std::nullopt;
  return values[*index];
}

// A list whose items each read with `read_item` (which reports its own errors). Every item is
// read even after a bad one; std::nullopt if the node is not a list or any item failed.
template <typename T>
std::optional<std::vector<T>> readList(
    const Node* node, Diagnostics& diagnostics,
    const std::function<std::optional<T>(const Node&, Diagnostics&)>& read_item);

// Reports "expected <what>, got <node.describe()>" at node (the common shape of a type error).
void reportExpected(const Node& node, Diagnostics& diagnostics, std::string_view what);

// ---- Template definitions ----

template <typename T>
std::optional<std::vector<T>> readList(
    const Node* node, Diagnostics& diagnostics,
    const std::function<std::optional<T>(const Node&, Diagnostics&)>& read_item) {
  if (node == nullptr) return std::nullopt;
  if (!node->isSequence()) {
    reportExpected(*node, diagnostics, "a list");
    return std::nullopt;
  }
  std::vector<T> out;
  bool ok = true;
  for (const Node& item : node->items()) {
    std::optional<T> value = read_item(item, diagnostics);
    if (value.has_value()) {
      out.push_back(std::move(*value));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace posim::scenarios
