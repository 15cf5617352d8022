// Writes a compact JSON object straight into a string, byte for byte what building a posim::Json
// object with the same members in the same order and calling dump() gives, without the document
// tree. The journal serialises every record and queued request several times per transaction;
// building the tree cost more than the SQLite statements that store it.
#pragma once

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "posim/base/clock.h"
#include "posim/base/money.h"

#include "stored_money.h"

namespace posim::terminal::internal {

class JsonObjectText {
 public:
  // Appends to `out`; close() writes the closing brace.
  explicit JsonObjectText(std::string& out) : out_(out) { out_.push_back('{'); }

  void string(std::string_view key, std::string_view value) {
    name(key);
    quote(value);
  }
  void boolean(std::string_view key, bool value) {
    name(key);
    out_ += value ? "true" : "false";
  }
  void integer(std::string_view key, std::int64_t value) {
    name(key);
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, res.ptr);
  }
  // As Json(double): the shortest round-trip text, null when not finite.
  void number(std::string_view key, double value) {
    name(key);
    if (!std::isfinite(value)) {
      out_ += "null";
      return;
    }
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, res.ptr);
  }
  // The journal's amount form ("<minor units>:<numeric>", stored_money.h), as a string.
  void money(std::string_view key, const Money& value) {
    name(key);
    out_.push_back('"');
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, value.minorUnits());
    out_.append(buf, res.ptr);
    out_.push_back(':');
    res = std::to_chars(buf, buf + sizeof buf, value.currency().numeric);
    out_.append(buf, res.ptr);
    out_.push_back('"');
  }
  // formatIso8601 (posim/base/clock.h), written in place; years outside 0..9999 and offsets of
  // 100 hours or more go through formatIso8601 itself.
  void time(std::string_view key, const LocalDateTime& t) {
    using std::chrono::days;
    using std::chrono::floor;
    using std::chrono::hours;
    using std::chrono::minutes;
    using std::chrono::seconds;
    const auto local = t.instant + t.utc_offset;
    const auto day = floor<days>(local);
    const Date date(day);
    const int year = static_cast<int>(date.year());
    long offset = t.utc_offset.count();
    const bool negative = offset < 0;
    if (negative) offset = -offset;
    if (year < 0 || year > 9999 || offset / 60 > 99) {
      string(key, formatIso8601(t));
      return;
    }
    auto tod = local - day;
    const auto h = floor<hours>(tod);
    tod -= h;
    const auto m = floor<minutes>(tod);
    tod -= m;
    const auto sec = floor<seconds>(tod);
    tod -= sec;
    char buf[48];
    char* p = buf;
    p = digits(p, year, 4);
    *p++ = '-';
    p = digits(p, static_cast<long>(static_cast<unsigned>(date.month())), 2);
    *p++ = '-';
    p = digits(p, static_cast<long>(static_cast<unsigned>(date.day())), 2);
    *p++ = 'T';
    p = digits(p, h.count(), 2);
    *p++ = ':';
    p = digits(p, m.count(), 2);
    *p++ = ':';
    p = digits(p, sec.count(), 2);
    if (tod.count() != 0) {
      *p++ = '.';
      p = digits(p, static_cast<long>(tod.count()), 6);
      while (p[-1] == '0') --p;
    }
    *p++ = negative ? '-' : '+';
    p = digits(p, offset / 60, 2);
    *p++ = ':';
    p = digits(p, offset % 60, 2);
    name(key);
    out_.push_back('"');
    out_.append(buf, p);
    out_.push_back('"');
  }
  // formatDate (posim/base/clock.h), written in place for years 0..9999.
  void date(std::string_view key, const Date& d) {
    const int year = static_cast<int>(d.year());
    if (year < 0 || year > 9999) {
      string(key, formatDate(d));
      return;
    }
    char buf[16];
    char* p = digits(buf, year, 4);
    *p++ = '-';
    p = digits(p, static_cast<long>(static_cast<unsigned>(d.month())), 2);
    *p++ = '-';
    p = digits(p, static_cast<long>(static_cast<unsigned>(d.day())), 2);
    name(key);
    out_.push_back('"');
    out_.append(buf, p);
    out_.push_back('"');
  }
  // Starts a nested object member: the caller writes it with another JsonObjectText on the
  // same string.
  void objectKey(std::string_view key) { name(key); }
  void close() { out_.push_back('}'); }

 private:
  void name(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    quote(key);
    out_.push_back(':');
  }

  // appendJsonString (posim/base/json.h), with runs that need no escape copied at once.
  void quote(std::string_view s) {
    out_.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if (!kEscaped[static_cast<unsigned char>(c)]) continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        default: {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
          out_ += buf;
        }
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_.push_back('"');
  }

  // `value` as exactly `width` decimal digits, zero-padded. REQUIRES: 0 <= value < 10^width.
  static char* digits(char* p, long value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    return p + width;
  }

  static constexpr auto kEscaped = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = true;
    table['"'] = true;
    table['\\'] = true;
    return table;
  }();

  std::string& out_;
  bool first_ = true;
};

}  // namespace posim::terminal::internal
