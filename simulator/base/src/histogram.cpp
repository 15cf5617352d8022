#include "posim/base/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace posim {

std::size_t LogHistogram::bucketOf(std::uint64_t value) {
  if (value < kSubBuckets) return static_cast<std::size_t>(value);
  // value has bit_width >= kSubBucketBits + 1; keep its top kSubBucketBits + 1 bits.
  const int shift = static_cast<int>(std::bit_width(value)) - (kSubBucketBits + 1);
  const std::uint64_t top = value >> shift;  // in [kSubBuckets, 2 * kSubBuckets)
  return static_cast<std::size_t>(kSubBuckets + static_cast<std::uint64_t>(shift) * kSubBuckets +
                                  (top - kSubBuckets));
}

std::uint64_t LogHistogram::lowestOf(std::size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const std::uint64_t shift = (bucket - kSubBuckets) / kSubBuckets;
  const std::uint64_t top = kSubBuckets + (bucket - kSubBuckets) % kSubBuckets;
  return top << shift;
}

std::uint64_t LogHistogram::highestOf(std::size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const std::uint64_t shift = (bucket - kSubBuckets) / kSubBuckets;
  return lowestOf(bucket) + ((std::uint64_t{1} << shift) - 1);
}

void LogHistogram::record(std::uint64_t value, std::uint64_t times) {
  if (times == 0) return;
  const std::size_t bucket = bucketOf(value);
  if (bucket >= counts_.size()) counts_.resize(bucket + 1, 0);
  counts_[bucket] += times;
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = std::max(max_, value);
  count_ += times;
  sum_ += static_cast<long double>(value) * static_cast<long double>(times);
}

void LogHistogram::merge(const LogHistogram& other) {
  if (other.count_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

void LogHistogram::clear() {
  *this = LogHistogram();
}

double LogHistogram::mean() const {
  return count_ ? static_cast<double>(sum_ / static_cast<long double>(count_)) : 0.0;
}

std::uint64_t LogHistogram::valueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(percentile, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(clamped / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highestOf(i), max_);
  }
  return max_;
}

std::vector<std::pair<std::size_t, std::uint64_t>> LogHistogram::buckets() const {
  std::vector<std::pair<std::size_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) out.emplace_back(i, counts_[i]);
  }
  return out;
}

bool operator==(const LogHistogram& a, const LogHistogram& b) {
  return a.count_ == b.count_ && a.min() == b.min() && a.max_ == b.max_ &&
         a.buckets() == b.buckets();
}

}  // namespace posim
