// A log-linear histogram of non-negative integer values (latencies in microseconds), in the manner
// of HdrHistogram: every power-of-two range is split into kSubBuckets equal sub-buckets, so a
// recorded value is known to within 1/kSubBuckets of itself (values below kSubBuckets exactly)
// whatever its magnitude, in a few kilobytes, and two histograms merge exactly by adding counts.
// Load runs record into one per terminal and merge them; shard reports merge the same way.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "posim/base/json.h"
#include "posim/base/status.h"

namespace posim {

class LogHistogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBucketBits;  // 128

  void record(std::uint64_t value, std::uint64_t times = 1);
  // Adds every count of `other` (exact: merging per-terminal histograms equals recording all
  // values into one).
  void merge(const LogHistogram& other);
  void clear();

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const;
  // The smallest recorded-equivalent value v such that at least `percentile` % of the values are
  // <= v (the highest value of the bucket that reaches the rank, capped at max()); 0 when empty.
  // REQUIRES: 0 <= percentile <= 100.
  std::uint64_t valueAtPercentile(double percentile) const;

  // The bucket of a value and a bucket's value range, for serialising and for tests.
  static std::size_t bucketOf(std::uint64_t value);
  static std::uint64_t lowestOf(std::size_t bucket);
  static std::uint64_t highestOf(std::size_t bucket);
  // (bucket, count) for every non-empty bucket, ascending.
  std::vector<std::pair<std::size_t, std::uint64_t>> buckets() const;

  // {"sub_bucket_bits": 7, "count", "min", "max", "sum", "buckets": [[bucket, count], ...]}: the
  // form reports carry so that shard reports merge exactly. fromJson checks what it reads and
  // names the offending key.
  Json toJson() const;
  static Result<LogHistogram> fromJson(const Json& json);

  friend bool operator==(const LogHistogram& a, const LogHistogram& b);

 private:
  std::vector<std::uint64_t> counts_;  // grows to the highest bucket used
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace posim
