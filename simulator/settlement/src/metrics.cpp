#include "posim/settlement/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace posim::settlement {
namespace {

// Nearest rank of percentile p among n sorted values: ceil(p / 100 × n), at least 1.
std::size_t nearestRank(double p, std::size_t n) {
  // The epsilon keeps 95 × 20 / 100 = 19 from becoming 20 through a rounding error upwards.
  const double rank = std::ceil(p / 100.0 * static_cast<double>(n) - 1e-9);
  if (rank < 1.0) return 1;
  const auto r = static_cast<std::size_t>(rank);
  return std::min(r, n);
}

std::vector<double> withoutNaN(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  return values;
}

}  // namespace

std::optional<double> percentile(std::vector<double> values, double p) {
  values = withoutNaN(std::move(values));
  if (values.empty() || !(p > 0.0) || p > 100.0) return std::nullopt;
  const std::size_t rank = nearestRank(p, values.size());
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values.begin(), nth, values.end());
  return *nth;
}

Distribution distributionOf(const std::vector<double>& values) {
  std::vector<double> sorted = withoutNaN(values);
  std::sort(sorted.begin(), sorted.end());
  Distribution out;
  out.count = sorted.size();
  if (sorted.empty()) return out;
  const auto at = [&sorted](double p) { return sorted[nearestRank(p, sorted.size()) - 1]; };
  out.p50 = at(50);
  out.p95 = at(95);
  out.p99 = at(99);
  out.max = sorted.back();
  return out;
}

std::optional<double> shareWithin(const std::vector<double>& values, double limit) {
  std::size_t counted = 0;
  std::size_t within = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    ++counted;
    if (v <= limit) ++within;
  }
  if (counted == 0) return std::nullopt;
  return static_cast<double>(within) / static_cast<double>(counted);
}

std::int64_t CashFlow::total() const {
  std::int64_t sum = 0;
  for (const auto& [day, minor_units] : per_day_) sum += minor_units;
  return sum;
}

}  // namespace posim::settlement
