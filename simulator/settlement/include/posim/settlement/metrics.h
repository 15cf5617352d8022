// Per-run metrics of DESIGN.md §5: latency and arrival-delay percentiles, share within an SLA,
// money arriving per day (the merchant's cash-flow timeline).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "posim/base/clock.h"

namespace posim::settlement {

// Nearest-rank percentile: the value at rank ceil(p / 100 × n) of the n values sorted
// ascending (p50 of {1, 2, 3, 4} is 2, p95 of 1..20 is 19). Values need not be sorted; NaNs are
// ignored. nullopt when there are no values or p is outside (0, 100].
std::optional<double> percentile(std::vector<double> values, double p);

// count and nearest-rank p50/p95/p99 and max (all nullopt when there are no values).
struct Distribution {
  std::size_t count = 0;
  std::optional<double> p50, p95, p99, max;
};
Distribution distributionOf(const std::vector<double>& values);

// Share (0..1) of values <= limit (an SLA: "arrived within 24 h"); NaNs are ignored; nullopt
// when there are none.
std::optional<double> shareWithin(const std::vector<double>& values, double limit);

// Values counted in equal-width bins, for charts (the GUI's latency histogram).
struct Histogram {
  std::vector<double> edges;        // counts.size() + 1 ascending bin edges
  std::vector<std::size_t> counts;  // bin i holds values in [edges[i], edges[i + 1])
  std::size_t total() const;        // the sum of counts
};
// At most `max_bins` bins of one width, the smallest "round" width (1, 2 or 5 × 10^k) that covers
// the values in that many bins; the first edge is the smallest value rounded down to a multiple of
// the width. A value on the last edge counts in the last bin. NaNs and infinities are ignored.
// Values all equal give one bin; max_bins 1 gives the one bin [min, max] (unrounded). No values
// (or max_bins 0): no edges and no counts.
// Deterministic: the same values in any order give the same histogram.
Histogram histogramOf(const std::vector<double>& values, std::size_t max_bins);

// Money arriving per local date, in minor units (refund credits are negative for the merchant).
// Not thread-safe.
class CashFlow {
 public:
  // Adds money arriving on `day` (negative for money leaving the merchant).
  void add(Date day, std::int64_t minor_units) { per_day_[day] += minor_units; }
  const std::map<Date, std::int64_t>& perDay() const { return per_day_; }
  // The sum over every day.
  std::int64_t total() const;

 private:
  std::map<Date, std::int64_t> per_day_;
};

}  // namespace posim::settlement
