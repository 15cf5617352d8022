// Time in posim: scenario time is virtual; measured latencies come from a steady clock.
//
// The core never reads the real clock. It is handed a Clock (what time is it in the scenario)
// and a Stopwatch source (how long did that round trip take) by the shell that runs it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "posim/base/status.h"

namespace posim {

// A point on the UTC time line, to the microsecond.
using Instant = std::chrono::sys_time<std::chrono::microseconds>;
using Duration = std::chrono::microseconds;
using Date = std::chrono::year_month_day;

// An instant seen in a fixed UTC offset (the scenario's time zone): what a person in that zone
// reads on the wall clock.
struct LocalDateTime {
  Instant instant;
  std::chrono::minutes utc_offset{0};

  // The local calendar date and time of day.
  Date date() const;
  std::chrono::microseconds timeOfDay() const;
  // Seconds since local midnight.
  std::int64_t secondOfDay() const;
};

// ISO 8601 with offset: "2026-09-30T21:30:00+08:00"; fractional seconds printed only when
// present ("…:00.250+08:00"); "Z" is accepted on input and printed as "+00:00".
std::string formatIso8601(const LocalDateTime& t);
Result<LocalDateTime> parseIso8601(std::string_view text);

// "2026-10-08"
std::string formatDate(const Date& d);
Result<Date> parseDate(std::string_view text);

// "23:00" or "23:00:30" -> seconds since midnight.
Result<std::int64_t> parseTimeOfDay(std::string_view text);

// Durations as scenarios write them: "250ms", "30s", "5m", "2h", "3d", and sums like "1h30m".
Result<Duration> parseDuration(std::string_view text);
// The shortest such spelling: 5400s -> "1h30m".
std::string formatDuration(Duration d);

// The scenario clock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
  virtual std::chrono::minutes utcOffset() const = 0;
  LocalDateTime localNow() const { return {now(), utcOffset()}; }
};

// A clock that moves only when told to. Not thread-safe: owned by one runner.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(LocalDateTime start) : now_(start.instant), offset_(start.utc_offset) {}
  Instant now() const override { return now_; }
  std::chrono::minutes utcOffset() const override { return offset_; }

  // REQUIRES: d >= 0 (virtual time never runs backwards; aborts otherwise).
  void advance(Duration d);
  // REQUIRES: t >= now().
  void advanceTo(Instant t);

 private:
  Instant now_;
  std::chrono::minutes offset_;
};

// Monotonic time for measuring wall-clock latency (auth_latency_ms).
class SteadyClock {
 public:
  virtual ~SteadyClock() = default;
  // Time since an arbitrary fixed point; never decreases.
  virtual std::chrono::nanoseconds elapsed() const = 0;
  // Blocks the calling thread until elapsed() >= t (returns at once when it already is). Real-time
  // load runs pace their arrivals with it. Thread-safe.
  virtual void sleepUntil(std::chrono::nanoseconds t) const = 0;
};

// The machine's steady clock. Only shells (cli/, gui/) and tests create one and hand it down.
class RealSteadyClock final : public SteadyClock {
 public:
  std::chrono::nanoseconds elapsed() const override;
  void sleepUntil(std::chrono::nanoseconds t) const override;
};

// A steady clock for tests: moves by hand, and sleepUntil() moves it to the time slept to
// (so a real-time load run on it finishes at once, in order). Thread-safe.
class ManualSteadyClock final : public SteadyClock {
 public:
  std::chrono::nanoseconds elapsed() const override {
    return std::chrono::nanoseconds(now_.load(std::memory_order_acquire));
  }
  void sleepUntil(std::chrono::nanoseconds t) const override;
  void advance(std::chrono::nanoseconds d) { now_.fetch_add(d.count(), std::memory_order_acq_rel); }

 private:
  mutable std::atomic<std::int64_t> now_{0};
};

}  // namespace posim
