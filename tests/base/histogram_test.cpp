#include "posim/base/histogram.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace posim {
namespace {

TEST(LogHistogram, SmallValuesAreExact) {
  for (std::uint64_t v = 0; v < LogHistogram::kSubBuckets; ++v) {
    EXPECT_EQ(LogHistogram::bucketOf(v), v);
    EXPECT_EQ(LogHistogram::lowestOf(v), v);
    EXPECT_EQ(LogHistogram::highestOf(v), v);
  }
}

TEST(LogHistogram, EveryValueLiesInItsBucketWithinOnePart) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t v = random() >> (random() % 64);
    const std::size_t b = LogHistogram::bucketOf(v);
    ASSERT_LE(LogHistogram::lowestOf(b), v) << v;
    ASSERT_GE(LogHistogram::highestOf(b), v) << v;
    const auto width = LogHistogram::highestOf(b) - LogHistogram::lowestOf(b) + 1;
    ASSERT_LE(width, std::max<std::uint64_t>(1, v / LogHistogram::kSubBuckets)) << v;
  }
  EXPECT_EQ(LogHistogram::highestOf(LogHistogram::bucketOf(UINT64_MAX)), UINT64_MAX);
}

TEST(LogHistogram, BucketsAreContiguous) {
  for (std::size_t b = 0; b + 1 < LogHistogram::bucketOf(UINT64_MAX); ++b) {
    ASSERT_EQ(LogHistogram::highestOf(b) + 1, LogHistogram::lowestOf(b + 1)) << b;
  }
}

TEST(LogHistogram, PercentilesOfOneToTenThousand) {
  LogHistogram h;
  for (std::uint64_t v = 1; v <= 10000; ++v) h.record(v);
  EXPECT_EQ(h.count(), 10000u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 10000u);
  EXPECT_DOUBLE_EQ(h.mean(), 5000.5);
  EXPECT_EQ(h.valueAtPercentile(0), 1u);
  EXPECT_EQ(h.valueAtPercentile(100), 10000u);
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const double exact = p / 100.0 * 10000.0;
    const double got = static_cast<double>(h.valueAtPercentile(p));
    EXPECT_GE(got, exact) << p;
    EXPECT_LE(got, exact * (1.0 + 1.0 / 128.0)) << p;
  }
}

TEST(LogHistogram, MergingEqualsRecordingEverythingInOne) {
  std::mt19937_64 random(11);
  std::lognormal_distribution<double> latency(7.0, 1.0);
  LogHistogram all;
  std::vector<LogHistogram> shards(4);
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<std::uint64_t>(latency(random));
    all.record(v);
    shards[static_cast<std::size_t>(i) % shards.size()].record(v);
  }
  LogHistogram merged;
  for (const LogHistogram& s : shards) merged.merge(s);
  EXPECT_EQ(merged, all);
  for (double p : {50.0, 95.0, 99.0, 99.99}) {
    EXPECT_EQ(merged.valueAtPercentile(p), all.valueAtPercentile(p)) << p;
  }
  EXPECT_NEAR(merged.mean(), all.mean(), 1e-9 * all.mean());
}

TEST(LogHistogram, JsonRoundTripKeepsEverything) {
  LogHistogram h;
  for (std::uint64_t v : {3u, 250u, 251u, 90000u, 1234567u}) h.record(v, v % 7 + 1);
  auto text = h.toJson().dump();
  auto parsed = Json::parse(text);
  ASSERT_TRUE(parsed.isOk());
  auto back = LogHistogram::fromJson(*parsed);
  ASSERT_TRUE(back.isOk()) << back.status().message();
  EXPECT_EQ(*back, h);
  EXPECT_EQ(back->valueAtPercentile(90), h.valueAtPercentile(90));
  EXPECT_DOUBLE_EQ(back->mean(), h.mean());

  auto empty = LogHistogram::fromJson(LogHistogram().toJson());
  ASSERT_TRUE(empty.isOk());
  EXPECT_TRUE(empty->empty());
}

TEST(LogHistogram, JsonThatDoesNotAddUpIsRefused) {
  LogHistogram h;
  h.record(10, 2);
  Json json = h.toJson();
  json["count"] = 3;
  auto bad = LogHistogram::fromJson(json);
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("'count' is 3"), std::string::npos)
      << bad.status().message();

  Json wrong_bits = h.toJson();
  wrong_bits["sub_bucket_bits"] = 5;
  EXPECT_FALSE(LogHistogram::fromJson(wrong_bits).isOk());
  Json not_a_pair = h.toJson();
  not_a_pair["buckets"] = Json(Json::Array{Json(1)});
  auto pair = LogHistogram::fromJson(not_a_pair);
  ASSERT_FALSE(pair.isOk());
  EXPECT_NE(pair.status().message().find("buckets[0]"), std::string::npos);
}

TEST(LogHistogram, EmptyAndCleared) {
  LogHistogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.valueAtPercentile(99), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  h.record(500, 3);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.valueAtPercentile(50), 500u);  // capped at max within its bucket
  h.clear();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h, LogHistogram());
}

}  // namespace
}  // namespace posim
