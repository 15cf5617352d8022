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

// The smallest of 1, 2, 5 × 10^k that is >= raw. REQUIRES: raw > 0 and finite.
double roundWidthAtLeast(double raw) {
  const double base = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0}) {
    if (m * base >= raw * (1.0 - 1e-12)) return m * base;
  }
  return 10.0 * base;
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

std::size_t Histogram::total() const {
  std::size_t sum = 0;
  for (std::size_t c : counts) sum += c;
  return sum;
}

Histogram histogramOf(const std::vector<double>& values, std::size_t max_bins) {
  Histogram out;
  std::vector<double> finite;
  finite.reserve(values.size());
  for (double v : values) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  if (finite.empty() || max_bins == 0) return out;
  const auto [min_it, max_it] = std::minmax_element(finite.begin(), finite.end());
  const double lo = *min_it;
  const double hi = *max_it;
  if (max_bins == 1) {  // values either side of 0 never share one aligned bin
    out.edges = {lo, hi > lo ? hi : lo + 1.0};
    out.counts = {finite.size()};
    return out;
  }
  // All values equal: bins sized by the magnitude, so 0.42 lands in [0.40, 0.45) of 12 bins.
  const double range = hi > lo ? hi - lo : (lo != 0.0 ? std::abs(lo) : 1.0);
  double width = roundWidthAtLeast(range / static_cast<double>(max_bins));
  double first = 0.0;
  std::size_t bins = 0;
  // Aligning the first edge down to the width can need one bin more; then take the next width.
  for (;;) {
    first = std::floor(lo / width) * width;
    const double span = std::ceil((hi - first) / width - 1e-9);
    bins = span < 1.0 ? 1 : static_cast<std::size_t>(span);
    if (bins <= max_bins) break;
    width = roundWidthAtLeast(width * 1.5);
  }
  out.edges.reserve(bins + 1);
  for (std::size_t i = 0; i <= bins; ++i) {
    out.edges.push_back(first + static_cast<double>(i) * width);
  }
  out.counts.assign(bins, 0);
  for (double v : finite) {
    // The epsilon keeps 0.3 in [0.3, 0.4) although (0.3 - 0.2) / 0.1 is just below 1.
    const double at = std::floor((v - first) / width + 1e-9);
    std::size_t bin = at < 0.0 ? 0 : static_cast<std::size_t>(at);
    if (bin >= bins) bin = bins - 1;
    ++out.counts[bin];
  }
  return out;
}

std::int64_t CashFlow::total() const {
  std::int64_t sum = 0;
  for (const auto& [day, minor_units] : per_day_) sum += minor_units;
  return sum;
}

}  // namespace posim::settlement
