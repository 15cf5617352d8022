#include "posim/base/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

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

Json LogHistogram::toJson() const {
  Json out = Json::object();
  out["sub_bucket_bits"] = kSubBucketBits;
  out["count"] = count_;
  out["min"] = min();
  out["max"] = max_;
  out["sum"] = static_cast<double>(sum_);
  Json list = Json::array();
  for (const auto& [bucket, n] : buckets()) {
    list.push(Json(Json::Array{Json(static_cast<std::uint64_t>(bucket)), Json(n)}));
  }
  out["buckets"] = std::move(list);
  return out;
}

namespace {

Result<std::uint64_t> wholeNumber(const Json& object, std::string_view key) {
  const Json* value = object.find(key);
  if (value == nullptr) return malformed("histogram: missing key '" + std::string(key) + "'");
  if (!value->isNumber() || value->asDouble() < 0 ||
      value->asDouble() != std::floor(value->asDouble())) {
    return malformed("histogram: '" + std::string(key) + "' is not a non-negative integer");
  }
  return static_cast<std::uint64_t>(value->asInt());
}

}  // namespace

Result<LogHistogram> LogHistogram::fromJson(const Json& json) {
  if (!json.isObject()) return malformed("histogram: not a JSON object");
  POSIM_ASSIGN_OR_RETURN(const std::uint64_t bits, wholeNumber(json, "sub_bucket_bits"));
  if (bits != kSubBucketBits) {
    return malformed("histogram: sub_bucket_bits is " + std::to_string(bits) + ", posim uses " +
                     std::to_string(kSubBucketBits));
  }
  LogHistogram h;
  POSIM_ASSIGN_OR_RETURN(h.count_, wholeNumber(json, "count"));
  POSIM_ASSIGN_OR_RETURN(h.min_, wholeNumber(json, "min"));
  POSIM_ASSIGN_OR_RETURN(h.max_, wholeNumber(json, "max"));
  const Json* sum = json.find("sum");
  if (sum == nullptr || !sum->isNumber() || sum->asDouble() < 0) {
    return malformed("histogram: 'sum' is missing or negative");
  }
  h.sum_ = static_cast<long double>(sum->asDouble());
  const Json* list = json.find("buckets");
  if (list == nullptr || !list->isArray()) return malformed("histogram: 'buckets' is not a list");
  const std::size_t last = bucketOf(UINT64_MAX);
  std::uint64_t total = 0;
  std::size_t previous = 0;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& entry = list->asArray()[i];
    const std::string where = "histogram: buckets[" + std::to_string(i) + "]";
    if (!entry.isArray() || entry.size() != 2 || !entry.asArray()[0].isNumber() ||
        !entry.asArray()[1].isNumber() || entry.asArray()[0].asInt() < 0 ||
        entry.asArray()[1].asInt() <= 0) {
      return malformed(where + " is not a pair [bucket, count > 0]");
    }
    const auto bucket = static_cast<std::size_t>(entry.asArray()[0].asInt());
    if (bucket > last || (i > 0 && bucket <= previous)) {
      return malformed(where + ": bucket " + std::to_string(bucket) +
                       " is out of range or not ascending");
    }
    if (bucket >= h.counts_.size()) h.counts_.resize(bucket + 1, 0);
    h.counts_[bucket] = static_cast<std::uint64_t>(entry.asArray()[1].asInt());
    total += h.counts_[bucket];
    previous = bucket;
  }
  if (total != h.count_) {
    return malformed("histogram: the buckets hold " + std::to_string(total) +
                     " values but 'count' is " + std::to_string(h.count_));
  }
  if (h.count_ != 0 && (h.min_ > h.max_ || bucketOf(h.min_) != h.buckets().front().first ||
                        bucketOf(h.max_) != h.buckets().back().first)) {
    return malformed("histogram: 'min' and 'max' do not match the first and last bucket");
  }
  return h;
}

bool operator==(const LogHistogram& a, const LogHistogram& b) {
  return a.count_ == b.count_ && a.min() == b.min() && a.max_ == b.max_ &&
         a.buckets() == b.buckets();
}

}  // namespace posim
