#include "posim/base/clock.h"

#include <cstdlib>
#include <limits>
#include <thread>

#include "posim/base/bytes.h"

namespace posim {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

std::string twoDigits(long v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

// Reads exactly n digits at pos; -1 if any is not a digit or the text is short.
long readDigits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  long v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

Status badTime(std::string_view text, std::string_view why) {
  return invalidArgument("time \"" + std::string(text) + "\": " + std::string(why) +
                         " (expected ISO 8601 like 2026-09-30T21:30:00+08:00)");
}

}  // namespace

Date LocalDateTime::date() const {
  const auto local = instant + utc_offset;
  return Date(floor<days>(local));
}

std::chrono::microseconds LocalDateTime::timeOfDay() const {
  const auto local = instant + utc_offset;
  return local - floor<days>(local);
}

std::int64_t LocalDateTime::secondOfDay() const {
  return std::chrono::duration_cast<seconds>(timeOfDay()).count();
}

std::string formatDate(const Date& d) {
  const int y = static_cast<int>(d.year());
  std::string ys = std::to_string(y);
  while (ys.size() < 4) ys.insert(ys.begin(), '0');
  return ys + "-" + twoDigits(static_cast<long>(static_cast<unsigned>(d.month()))) + "-" +
         twoDigits(static_cast<long>(static_cast<unsigned>(d.day())));
}

Result<Date> parseDate(std::string_view text) {
  const long y = readDigits(text, 0, 4);
  const long m = readDigits(text, 5, 2);
  const long d = readDigits(text, 8, 2);
  if (text.size() != 10 || y < 0 || m < 0 || d < 0 || text[4] != '-' || text[7] != '-') {
    return invalidArgument("date \"" + std::string(text) + "\": expected YYYY-MM-DD");
  }
  Date date{std::chrono::year(static_cast<int>(y)), std::chrono::month(static_cast<unsigned>(m)),
            std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return invalidArgument("date \"" + std::string(text) + "\" does not exist");
  return date;
}

Result<std::int64_t> parseTimeOfDay(std::string_view text) {
  const long h = readDigits(text, 0, 2);
  const long m = readDigits(text, 3, 2);
  long s = 0;
  bool ok = text.size() >= 5 && h >= 0 && m >= 0 && text[2] == ':';
  if (ok && text.size() == 8) {
    s = readDigits(text, 6, 2);
    ok = text[5] == ':' && s >= 0;
  } else if (text.size() != 5) {
    ok = false;
  }
  if (!ok || h > 23 || m > 59 || s > 59) {
    return invalidArgument("time of day \"" + std::string(text) + "\": expected HH:MM or HH:MM:SS");
  }
  return static_cast<std::int64_t>(h * 3600 + m * 60 + s);
}

std::string formatIso8601(const LocalDateTime& t) {
  const auto local = t.instant + t.utc_offset;
  const auto day = floor<days>(local);
  const Date date(day);
  auto tod = local - day;
  const auto h = floor<hours>(tod);
  tod -= h;
  const auto m = floor<minutes>(tod);
  tod -= m;
  const auto s = floor<seconds>(tod);
  tod -= s;
  std::string out = formatDate(date) + "T" + twoDigits(h.count()) + ":" + twoDigits(m.count()) +
                    ":" + twoDigits(s.count());
  if (tod.count() != 0) {
    std::string frac = std::to_string(tod.count());
    frac.insert(frac.begin(), 6 - frac.size(), '0');
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  long off = t.utc_offset.count();
  out += off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  out += twoDigits(off / 60) + ":" + twoDigits(off % 60);
  return out;
}

Result<LocalDateTime> parseIso8601(std::string_view text) {
  if (text.size() < 19 || (text[10] != 'T' && text[10] != ' ')) {
    return badTime(text, "too short or no 'T' between date and time");
  }
  POSIM_ASSIGN_OR_RETURN(Date date, parseDate(text.substr(0, 10)));
  POSIM_ASSIGN_OR_RETURN(std::int64_t tod, parseTimeOfDay(text.substr(11, 8)));
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) {
        micros = micros * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return badTime(text, "no digits after '.'");
    for (; digits < 6; ++digits) micros *= 10;
  }
  minutes offset{0};
  if (pos == text.size()) {
    return badTime(text, "missing UTC offset (add Z or +HH:MM)");
  }
  if (text[pos] == 'Z' && pos + 1 == text.size()) {
    offset = minutes{0};
  } else if ((text[pos] == '+' || text[pos] == '-') && pos + 6 == text.size() &&
             text[pos + 3] == ':') {
    const long oh = readDigits(text, pos + 1, 2);
    const long om = readDigits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || oh > 14 || om > 59) return badTime(text, "bad UTC offset");
    offset = minutes{oh * 60 + om};
    if (text[pos] == '-') offset = -offset;
  } else {
    return badTime(text, "bad UTC offset at character " + std::to_string(pos));
  }
  const auto local = sys_days(date) + seconds{tod} + microseconds{micros};
  return LocalDateTime{Instant(local - offset), offset};
}

Result<Duration> parseDuration(std::string_view text) {
  if (text.empty()) return invalidArgument("duration: empty (expected e.g. 30s, 5m, 2h, 3d)");
  Duration total{0};
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000) return outOfRange("duration \"" + std::string(text) + "\" too large");
      ++i;
    }
    if (i == start) {
      return invalidArgument("duration \"" + std::string(text) + "\": expected a number at " +
                             "position " + std::to_string(i) + " (e.g. 30s, 5m, 2h, 3d)");
    }
    std::string_view unit;
    const std::size_t unit_start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    unit = text.substr(unit_start, i - unit_start);
    std::int64_t unit_us = 0;
    if (unit == "us") {
      unit_us = 1;
    } else if (unit == "ms") {
      unit_us = 1'000;
    } else if (unit == "s") {
      unit_us = 1'000'000;
    } else if (unit == "m") {
      unit_us = 60'000'000;
    } else if (unit == "h") {
      unit_us = 3'600'000'000;
    } else if (unit == "d") {
      unit_us = 86'400'000'000;
    } else {
      return invalidArgument("duration \"" + std::string(text) + "\": unit '" + std::string(unit) +
                             "' at position " + std::to_string(unit_start) +
                             " is not one of us, ms, s, m, h, d");
    }
    // A billion days, or a sum of many parts, would overflow the microsecond count.
    const std::int64_t max_us = std::numeric_limits<std::int64_t>::max();
    if (n > max_us / unit_us || n * unit_us > max_us - total.count()) {
      return outOfRange("duration \"" + std::string(text) + "\" too large");
    }
    total += microseconds{n * unit_us};
  }
  return total;
}

std::string formatDuration(Duration d) {
  if (d.count() == 0) return "0s";
  std::string out;
  if (d.count() < 0) {
    out = "-";
    d = -d;
  }
  const auto parts = {std::pair<const char*, Duration>{"d", days{1}},
                      {"h", hours{1}},
                      {"m", minutes{1}},
                      {"s", seconds{1}},
                      {"ms", std::chrono::milliseconds{1}}};
  for (const auto& [unit, size] : parts) {
    const auto n = d / size;
    if (n > 0) {
      out += std::to_string(n) + unit;
      d -= n * size;
    }
  }
  if (d.count() > 0) out += std::to_string(d.count()) + "us";
  return out;
}

void VirtualClock::advance(Duration d) {
  if (d.count() < 0) std::abort();
  now_ += d;
}

void VirtualClock::advanceTo(Instant t) {
  if (t < now_) std::abort();
  now_ = t;
}

std::chrono::nanoseconds RealSteadyClock::elapsed() const {
  return std::chrono::steady_clock::now().time_since_epoch();
}

void RealSteadyClock::sleepUntil(std::chrono::nanoseconds t) const {
  std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(t)));
}

void ManualSteadyClock::sleepUntil(std::chrono::nanoseconds t) const {
  std::int64_t seen = now_.load(std::memory_order_acquire);
  while (seen < t.count() &&
         !now_.compare_exchange_weak(seen, t.count(), std::memory_order_acq_rel)) {
  }
}

}  // namespace posim
