#include "posim/base/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace posim {
namespace {

constexpr int kMaxDepth = 256;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Json> parseDocument() {
    skipSpace();
    Json value;
    POSIM_RETURN_IF_ERROR(parseValue(value, 0));
    skipSpace();
    if (pos_ != text_.size()) return error("unexpected text after the JSON value");
    return value;
  }

 private:
  Status error(std::string_view what) const {
    std::size_t line = 1;
    std::size_t col = 1;
    for (std::size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return malformed("JSON " + std::to_string(line) + ":" + std::to_string(col) + ": " +
                     std::string(what));
  }

  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return true;
    }
    return false;
  }

  Status parseValue(Json& out, int depth) {
    if (depth > kMaxDepth) return error("nesting deeper than 256 levels");
    if (pos_ >= text_.size()) return error("unexpected end of input");
    const char c = text_[pos_];
    if (c == '{') return parseObject(out, depth);
    if (c == '[') return parseArray(out, depth);
    if (c == '"') {
      std::string s;
      POSIM_RETURN_IF_ERROR(parseString(s));
      out = Json(std::move(s));
      return Status();
    }
    if (consume("true")) {
      out = Json(true);
      return Status();
    }
    if (consume("false")) {
      out = Json(false);
      return Status();
    }
    if (consume("null")) {
      out = Json();
      return Status();
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parseNumber(out);
    return error(std::string("unexpected character '") + c + "'");
  }

  Status parseNumber(Json& out) {
    const std::size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    auto digits = [&] {
      const std::size_t s = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - s;
    };
    if (digits() == 0) return error("a number needs digits");
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return error("a number needs digits after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) return error("a number needs digits in its exponent");
    }
    out = Json::rawNumber(std::string(text_.substr(start, pos_ - start)));
    return Status();
  }

  static void appendUtf8(std::string& s, std::uint32_t cp) {
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Status parseHex4(std::uint32_t& out) {
    if (pos_ + 4 > text_.size()) return error("truncated \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      out <<= 4;
      if (h >= '0' && h <= '9') {
        out |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        out |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        out |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return error("bad hex digit in \\u escape");
      }
    }
    return Status();
  }

  Status parseString(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= text_.size()) return error("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return Status();
      if (static_cast<unsigned char>(c) < 0x20) return error("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return error("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          std::uint32_t cp = 0;
          POSIM_RETURN_IF_ERROR(parseHex4(cp));
          if (cp >= 0xD800 && cp < 0xDC00) {
            if (!consume("\\u")) return error("lone high surrogate");
            std::uint32_t low = 0;
            POSIM_RETURN_IF_ERROR(parseHex4(low));
            if (low < 0xDC00 || low > 0xDFFF) return error("bad low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          appendUtf8(out, cp);
          break;
        }
        default: return error(std::string("unknown escape \\") + e);
      }
    }
  }

  Status parseArray(Json& out, int depth) {
    ++pos_;
    Json::Array items;
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      out = Json(std::move(items));
      return Status();
    }
    while (true) {
      skipSpace();
      Json item;
      POSIM_RETURN_IF_ERROR(parseValue(item, depth + 1));
      items.push_back(std::move(item));
      skipSpace();
      if (pos_ >= text_.size()) return error("unterminated array");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == ']') {
        ++pos_;
        out = Json(std::move(items));
        return Status();
      }
      return error("expected ',' or ']' in array");
    }
  }

  Status parseObject(Json& out, int depth) {
    ++pos_;
    Json::Object members;
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      out = Json(std::move(members));
      return Status();
    }
    while (true) {
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return error("expected a key string");
      std::string key;
      POSIM_RETURN_IF_ERROR(parseString(key));
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return error("expected ':' after key");
      ++pos_;
      skipSpace();
      Json value;
      POSIM_RETURN_IF_ERROR(parseValue(value, depth + 1));
      members.emplace_back(std::move(key), std::move(value));
      skipSpace();
      if (pos_ >= text_.size()) return error("unterminated object");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        out = Json(std::move(members));
        return Status();
      }
      return error("expected ',' or '}' in object");
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

void newline(std::string& out, int indent, int depth) {
  if (indent <= 0) return;
  out.push_back('\n');
  out.append(static_cast<std::size_t>(indent * depth), ' ');
}

}  // namespace

Json::Json(std::int64_t v) : type_(Type::kNumber), text_(std::to_string(v)) {}
Json::Json(std::uint64_t v) : type_(Type::kNumber), text_(std::to_string(v)) {}
Json::Json(double v) : type_(Type::kNumber) {
  if (!std::isfinite(v)) {
    type_ = Type::kNull;
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  text_.assign(buf, res.ptr);
}
Json::Json(Array a) : type_(Type::kArray), array_(std::move(a)) {}
Json::Json(Object o) : type_(Type::kObject), object_(std::move(o)) {}

Json Json::rawNumber(std::string text) {
  Json j;
  j.type_ = Type::kNumber;
  j.text_ = std::move(text);
  return j;
}

Result<Json> Json::parse(std::string_view text) {
  return Parser(text).parseDocument();
}

bool Json::asBool() const {
  if (type_ != Type::kBool) std::abort();
  return bool_;
}
const std::string& Json::asString() const {
  if (type_ != Type::kString) std::abort();
  return text_;
}
const std::string& Json::numberText() const {
  if (type_ != Type::kNumber) std::abort();
  return text_;
}
std::int64_t Json::asInt() const {
  if (type_ != Type::kNumber) std::abort();
  std::int64_t v = 0;
  auto res = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (res.ec != std::errc() || res.ptr != text_.data() + text_.size()) {
    return static_cast<std::int64_t>(asDouble());
  }
  return v;
}
double Json::asDouble() const {
  if (type_ != Type::kNumber) std::abort();
  return std::strtod(text_.c_str(), nullptr);
}
const Json::Array& Json::asArray() const {
  if (type_ != Type::kArray) std::abort();
  return array_;
}
Json::Array& Json::asArray() {
  if (type_ != Type::kArray) std::abort();
  return array_;
}
const Json::Object& Json::asObject() const {
  if (type_ != Type::kObject) std::abort();
  return object_;
}
Json::Object& Json::asObject() {
  if (type_ != Type::kObject) std::abort();
  return object_;
}

const Json* Json::find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const auto& [k, v] : object_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Json& Json::operator[](std::string_view key) {
  if (type_ == Type::kNull) type_ = Type::kObject;
  if (type_ != Type::kObject) std::abort();
  for (auto& [k, v] : object_) {
    if (k == key) return v;
  }
  object_.emplace_back(std::string(key), Json());
  return object_.back().second;
}

void Json::push(Json value) {
  if (type_ == Type::kNull) type_ = Type::kArray;
  if (type_ != Type::kArray) std::abort();
  array_.push_back(std::move(value));
}

std::size_t Json::size() const {
  if (type_ == Type::kArray) return array_.size();
  if (type_ == Type::kObject) return object_.size();
  return 0;
}

void appendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string Json::dump(int indent) const {
  std::string out;
  dumpTo(out, indent, 0);
  return out;
}

void Json::dumpTo(std::string& out, int indent, int depth) const {
  switch (type_) {
    case Type::kNull: out += "null"; return;
    case Type::kBool: out += bool_ ? "true" : "false"; return;
    case Type::kNumber: out += text_; return;
    case Type::kString: appendJsonString(out, text_); return;
    case Type::kArray: {
      if (array_.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      for (std::size_t i = 0; i < array_.size(); ++i) {
        if (i > 0) out.push_back(',');
        newline(out, indent, depth + 1);
        array_[i].dumpTo(out, indent, depth + 1);
      }
      newline(out, indent, depth);
      out.push_back(']');
      return;
    }
    case Type::kObject: {
      if (object_.empty()) {
        out += "{}";
        return;
      }
      out.push_back('{');
      for (std::size_t i = 0; i < object_.size(); ++i) {
        if (i > 0) out.push_back(',');
        newline(out, indent, depth + 1);
        appendJsonString(out, object_[i].first);
        out += indent > 0 ? ": " : ":";
        object_[i].second.dumpTo(out, indent, depth + 1);
      }
      newline(out, indent, depth);
      out.push_back('}');
      return;
    }
  }
}

bool operator==(const Json& a, const Json& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Json::Type::kNull: return true;
    case Json::Type::kBool: return a.bool_ == b.bool_;
    case Json::Type::kNumber:
    case Json::Type::kString: return a.text_ == b.text_;
    case Json::Type::kArray: return a.array_ == b.array_;
    case Json::Type::kObject: return a.object_ == b.object_;
  }
  return false;
}

}  // namespace posim
