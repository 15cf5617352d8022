#include "posim/scenarios/schema.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace posim::scenarios {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The scalar of node, or a reported "expected <what>" and nullptr.
const std::string* scalarOf(const Node& node, Diagnostics& diagnostics, std::string_view what) {
  if (!node.isScalar()) {
    reportExpected(node, diagnostics, what);
    return nullptr;
  }
  return &node.scalar();
}

std::string joinNames(std::span<const std::string_view> names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::string didYouMean(std::string_view wanted, std::span<const std::string_view> candidates) {
  const auto near = nearestNames(wanted, candidates);
  if (near.empty()) return {};
  std::string out = "; did you mean ";
  for (std::size_t i = 0; i < near.size(); ++i) {
    if (i > 0) out += i + 1 == near.size() ? " or " : ", ";
    out += near[i];
  }
  return out + "?";
}

void reportExpected(const Node& node, Diagnostics& diagnostics, std::string_view what) {
  diagnostics.error(node.position(), "expected " + std::string(what) + ", got " + node.describe());
}

// ---- MappingReader ----

MappingReader::MappingReader(const Node& node, Diagnostics& diagnostics, std::string context)
    : node_(node), diagnostics_(diagnostics), context_(std::move(context)) {
  if (!node_.isMapping()) {
    diagnostics_.error(node_.position(), "expected a mapping (key: value) for " + context_ +
                                             ", got " + node_.describe());
  }
}

MappingReader::~MappingReader() {
  finish();
}

const Node* MappingReader::required(std::string_view key) {
  const Node* value = optional(key);
  if (value == nullptr && node_.isMapping()) {
    diagnostics_.error(node_.position(),
                       "missing required key '" + std::string(key) + "' in " + context_);
  }
  return value;
}

const Node* MappingReader::optional(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  if (!node_.isMapping()) return nullptr;
  return node_.find(key);
}

void MappingReader::allow(std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  }
}

bool MappingReader::has(std::string_view key) const {
  return node_.isMapping() && node_.find(key) != nullptr;
}

void MappingReader::finish() {
  if (finished_) return;
  finished_ = true;
  if (!node_.isMapping()) return;
  std::vector<std::string_view> known(known_.begin(), known_.end());
  std::vector<std::string_view> sorted_known = known;
  std::sort(sorted_known.begin(), sorted_known.end());
  for (const MappingEntry& entry : node_.entries()) {
    const std::string& key = entry.key.scalar();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message = "unknown key '" + key + "' in " + context_;
    const std::string hint = didYouMean(key, known);
    if (!hint.empty()) {
      message += hint;
    } else if (!sorted_known.empty()) {
      message += " (known keys: " + joinNames(sorted_known) + ")";
    }
    diagnostics_.error(entry.key.position(), std::move(message));
  }
}

// ---- Typed values ----

std::optional<std::string> readString(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  const std::string* text = scalarOf(*node, diagnostics, "a string");
  if (text == nullptr) return std::nullopt;
  return *text;
}

std::optional<std::string> readNonEmptyString(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  const std::string* text = scalarOf(*node, diagnostics, "a non-empty string");
  if (text == nullptr) return std::nullopt;
  if (text->empty()) {
    reportExpected(*node, diagnostics, "a non-empty string");
    return std::nullopt;
  }
  return *text;
}

std::optional<bool> readBool(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  const std::string* text = scalarOf(*node, diagnostics, "true or false");
  if (text == nullptr) return std::nullopt;
  const std::string lowered = lowercase(*text);
  if (lowered == "true" || lowered == "yes" || lowered == "on") return true;
  if (lowered == "false" || lowered == "no" || lowered == "off") return false;
  reportExpected(*node, diagnostics, "true or false");
  return std::nullopt;
}

std::optional<std::int64_t> readInteger(const Node* node, Diagnostics& diagnostics,
                                        std::int64_t min, std::int64_t max) {
  if (node == nullptr) return std::nullopt;
  const std::string what = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  const std::string* text = scalarOf(*node, diagnostics, what);
  if (text == nullptr) return std::nullopt;
  std::string_view digits = *text;
  if (digits.size() > 1 && digits.front() == '+' && digits[1] != '-') digits.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || end != digits.data() + digits.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    reportExpected(*node, diagnostics, what);
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    reportExpected(*node, diagnostics, what);
    return std::nullopt;
  }
  return value;
}

std::optional<Bytes> readHex(const Node* node, Diagnostics& diagnostics, std::size_t min_bytes,
                             std::size_t max_bytes) {
  if (node == nullptr) return std::nullopt;
  const std::string length = min_bytes == max_bytes
                                 ? std::to_string(min_bytes)
                                 : std::to_string(min_bytes) + " to " + std::to_string(max_bytes);
  const std::string what =
      length + (max_bytes == 1 ? " byte of hex" : " bytes of hex") + " (like \"9F02\")";
  const std::string* text = scalarOf(*node, diagnostics, what);
  if (text == nullptr) return std::nullopt;
  auto bytes = fromHex(*text);
  if (!bytes.isOk()) {
    diagnostics.error(node->position(), "expected " + what + ", got " + node->describe() + ": " +
                                            bytes.status().message());
    return std::nullopt;
  }
  if (bytes->size() < min_bytes || bytes->size() > max_bytes) {
    diagnostics.error(node->position(), "expected " + what + ", got " +
                                            std::to_string(bytes->size()) +
                                            (bytes->size() == 1 ? " byte" : " bytes"));
    return std::nullopt;
  }
  return std::move(bytes).value();
}

std::optional<std::string> readDigits(const Node* node, Diagnostics& diagnostics,
                                      std::size_t min_length, std::size_t max_length) {
  if (node == nullptr) return std::nullopt;
  const std::string what = (min_length == max_length ? std::to_string(min_length)
                                                     : std::to_string(min_length) + " to " +
                                                           std::to_string(max_length)) +
                           " decimal digits";
  const std::string* text = scalarOf(*node, diagnostics, what);
  if (text == nullptr) return std::nullopt;
  const bool digits_only = text->empty() ? min_length == 0 : isDigits(*text);
  if (!digits_only || text->size() < min_length || text->size() > max_length) {
    reportExpected(*node, diagnostics, what);
    return std::nullopt;
  }
  return *text;
}

std::optional<Currency> readCurrency(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  constexpr std::string_view kWhat = "an ISO 4217 currency code (like CNY or 156)";
  const std::string* text = scalarOf(*node, diagnostics, kWhat);
  if (text == nullptr) return std::nullopt;
  auto currency = findCurrency(*text);
  if (!currency.isOk()) {
    std::vector<std::string_view> names;
    for (const Currency& c : allCurrencies()) names.push_back(c.alpha);
    diagnostics.error(node->position(), "unknown currency " + node->describe() +
                                            didYouMean(*text, names) + " (expected " +
                                            std::string(kWhat) + ")");
    return std::nullopt;
  }
  return *currency;
}

std::optional<Money> readMoney(const Node* node, Diagnostics& diagnostics,
                               const Currency& currency) {
  if (node == nullptr) return std::nullopt;
  const std::string what =
      "an amount in " + std::string(currency.alpha) + " as a decimal string (like \"12.34\")";
  const std::string* text = scalarOf(*node, diagnostics, what);
  if (text == nullptr) return std::nullopt;
  auto money = Money::parse(*text, currency);
  if (!money.isOk()) {
    diagnostics.error(node->position(), "expected " + what + ", got " + node->describe() + ": " +
                                            money.status().message());
    return std::nullopt;
  }
  return *money;
}

std::optional<Money> readMoneyWithCurrency(const Node* node, Diagnostics& diagnostics) {
  if (node == nullptr) return std::nullopt;
  constexpr std::string_view kWhat = "an amount and currency (like \"12.34 CNY\")";
  const std::string* text = scalarOf(*node, diagnostics, kWhat);
  if (text == nullptr) return std::nullopt;
  const auto space = text->find(' ');
  if (space == std::string::npos) {
    reportExpected(*node, diagnostics, kWhat);
    return std::nullopt;
  }
  auto currency = findCurrency(std::string_view(*text).substr(space + 1));
  if (!currency.isOk()) {
    diagnostics.error(node->position(), "expected " + std::string(kWhat) + ", got " +
                                            node->describe() + ": " + currency.status().message());
    return std::nullopt;
  }
  auto money = Money::parse(std::string_view(*text).substr(0, space), *currency);
  if (!money.isOk()) {
    diagnostics.error(node->position(), "expected " + std::string(kWhat) + ", got " +
                                            node->describe() + ": " + money.status().message());
    return std::nullopt;
  }
  return *money;
}

namespace {

// Shared shape of the readers that delegate to a base parser.
template <typename T, typename Parse>
std::optional<T> readParsed(const Node* node, Diagnostics& diagnostics, std::string_view what,
                            Parse parse) {
  if (node == nullptr) return std::nullopt;
  const std::string* text = scalarOf(*node, diagnostics, what);
  if (text == nullptr) return std::nullopt;
  auto parsed = parse(*text);
  if (!parsed.isOk()) {
    diagnostics.error(node->position(), "expected " + std::string(what) + ", got " +
                                            node->describe() + ": " + parsed.status().message());
    return std::nullopt;
  }
  return std::move(parsed).value();
}

}  // namespace

std::optional<LocalDateTime> readTimestamp(const Node* node, Diagnostics& diagnostics) {
  return readParsed<LocalDateTime>(
      node, diagnostics, "an ISO 8601 time with offset (like \"2026-09-30T21:30:00+08:00\")",
      [](std::string_view s) { return parseIso8601(s); });
}

std::optional<Date> readDate(const Node* node, Diagnostics& diagnostics) {
  return readParsed<Date>(node, diagnostics, "a date (like \"2026-10-08\")",
                          [](std::string_view s) { return parseDate(s); });
}

std::optional<double> parseRatePerSecond(std::string_view text) {
  double per = 1.0;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const std::string_view unit = text.substr(slash + 1);
    if (unit == "s") {
      per = 1.0;
    } else if (unit == "m") {
      per = 60.0;
    } else if (unit == "h") {
      per = 3600.0;
    } else {
      return std::nullopt;
    }
    text = text.substr(0, slash);
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value) || value <= 0) {
    return std::nullopt;
  }
  return value / per;
}

std::optional<Duration> readDuration(const Node* node, Diagnostics& diagnostics) {
  constexpr std::string_view kWhat = "a duration (like 30s, 5m, 2h, 3d or 1h30m)";
  auto duration = readParsed<Duration>(node, diagnostics, kWhat,
                                       [](std::string_view s) { return parseDuration(s); });
  if (duration.has_value() && duration->count() < 0) {
    reportExpected(*node, diagnostics, "a duration that is not negative");
    return std::nullopt;
  }
  return duration;
}

std::optional<std::int64_t> readTimeOfDay(const Node* node, Diagnostics& diagnostics) {
  return readParsed<std::int64_t>(node, diagnostics, "a time of day (like \"23:00\")",
                                  [](std::string_view s) { return parseTimeOfDay(s); });
}

std::optional<std::size_t> readChoice(const Node* node, Diagnostics& diagnostics,
                                      std::span<const std::string_view> names,
                                      std::string_view what) {
  if (node == nullptr) return std::nullopt;
  const std::string expected = "one of: " + joinNames(names);
  if (!node->isScalar()) {
    diagnostics.error(node->position(), "expected " + std::string(what) + " (" + expected +
                                            "), got " + node->describe());
    return std::nullopt;
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == node->scalar()) return i;
  }
  diagnostics.error(node->position(), "unknown " + std::string(what) + " " + node->describe() +
                                          didYouMean(node->scalar(), names) + " (expected " +
                                          expected + ")");
  return std::nullopt;
}

}  // namespace posim::scenarios
