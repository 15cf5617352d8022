#include "posim/settlement/metrics.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "cn_2026.h"

namespace posim::settlement {
namespace {

using test::day;

std::vector<double> oneTo(int n) {
  std::vector<double> values;
  for (int i = n; i >= 1; --i) values.push_back(i);  // descending: input need not be sorted
  return values;
}

TEST(PercentileTest, NearestRank) {
  EXPECT_FALSE(percentile({}, 50).has_value());
  EXPECT_EQ(percentile({5}, 50), 5.0);
  EXPECT_EQ(percentile({5}, 100), 5.0);
  EXPECT_EQ(percentile({1, 2, 3, 4}, 50), 2.0);
  EXPECT_EQ(percentile({3, 1, 2}, 50), 2.0);
  EXPECT_EQ(percentile(oneTo(20), 95), 19.0);
  EXPECT_EQ(percentile(oneTo(20), 96), 20.0);
  EXPECT_EQ(percentile(oneTo(100), 99), 99.0);
  EXPECT_EQ(percentile(oneTo(100), 100), 100.0);
  EXPECT_EQ(percentile(oneTo(100), 0.5), 1.0);
  EXPECT_EQ(percentile(oneTo(1000), 99.9), 999.0);
  EXPECT_FALSE(percentile(oneTo(10), 0).has_value());
  EXPECT_FALSE(percentile(oneTo(10), 100.5).has_value());
  EXPECT_FALSE(percentile(oneTo(10), std::nan("")).has_value());
  EXPECT_EQ(percentile({std::nan(""), 7, 3}, 100), 7.0);
}

TEST(DistributionTest, CountsAndPercentiles) {
  const Distribution d = distributionOf(oneTo(10));
  EXPECT_EQ(d.count, 10u);
  EXPECT_EQ(d.p50, 5.0);
  EXPECT_EQ(d.p95, 10.0);
  EXPECT_EQ(d.p99, 10.0);
  EXPECT_EQ(d.max, 10.0);
  const Distribution big = distributionOf(oneTo(200));
  EXPECT_EQ(big.p50, 100.0);
  EXPECT_EQ(big.p95, 190.0);
  EXPECT_EQ(big.p99, 198.0);
  EXPECT_EQ(big.max, 200.0);
  const Distribution empty = distributionOf({});
  EXPECT_EQ(empty.count, 0u);
  EXPECT_FALSE(empty.p50.has_value());
  EXPECT_FALSE(empty.max.has_value());
}

TEST(ShareWithinTest, InclusiveLimit) {
  EXPECT_FALSE(shareWithin({}, 24).has_value());
  EXPECT_EQ(shareWithin({1, 2, 3, 4}, 2), 0.5);
  EXPECT_EQ(shareWithin({1, 2, 3, 4}, 1.999), 0.25);
  EXPECT_EQ(shareWithin({1, 2, 3, 4}, 4), 1.0);
  EXPECT_EQ(shareWithin({1, 2, 3, 4}, 0), 0.0);
  EXPECT_EQ(shareWithin({18, 186, 201.5}, 24), 1.0 / 3.0);
}

TEST(CashFlowTest, SumsPerDay) {
  CashFlow flow;
  EXPECT_EQ(flow.total(), 0);
  EXPECT_TRUE(flow.perDay().empty());
  flow.add(day("2026-10-08"), 9940);
  flow.add(day("2026-10-08"), 8747);
  flow.add(day("2026-10-09"), 1988);
  flow.add(day("2026-10-12"), -2000);  // a refund credit leaves the merchant
  EXPECT_EQ(flow.total(), 18675);
  ASSERT_EQ(flow.perDay().size(), 3u);
  EXPECT_EQ(flow.perDay().at(day("2026-10-08")), 18687);
  EXPECT_EQ(flow.perDay().at(day("2026-10-12")), -2000);
  EXPECT_EQ(flow.perDay().begin()->first, day("2026-10-08"));  // in date order
}

}  // namespace
}  // namespace posim::settlement
