#include "posim/settlement/metrics.h"

#include <algorithm>
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

TEST(HistogramTest, RoundWidthsFromTheSmallestValue) {
  // 1..10 in at most 5 bins: width 2 from 0 (10 lands on the last edge, in the last bin).
  const Histogram h = histogramOf(oneTo(10), 5);
  EXPECT_EQ(h.edges, (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(h.counts, (std::vector<std::size_t>{1, 2, 2, 2, 3}));
  EXPECT_EQ(h.total(), 10u);
  // Ten bins of width 1 from 1: one value each.
  const Histogram ten = histogramOf(oneTo(10), 10);
  EXPECT_EQ(ten.edges.front(), 1.0);
  EXPECT_EQ(ten.edges.back(), 10.0);
  EXPECT_EQ(ten.counts, (std::vector<std::size_t>{1, 1, 1, 1, 1, 1, 1, 1, 2}));
}

TEST(HistogramTest, AligningTheFirstEdgeTakesTheNextWidthWhenBinsRunOut) {
  // Range 2.6 in 4 bins: 0.65 rounds up to width 1; from 1 (1.7 rounded down) four bins reach 5.
  const Histogram h = histogramOf({1.7, 4.3, 2.5}, 4);
  EXPECT_EQ(h.edges, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(h.counts, (std::vector<std::size_t>{1, 1, 0, 1}));
  // Range 2.6 in 3 bins wants width 1 too, which from 1 needs 4 bins: width 2 from 0 instead.
  const Histogram three = histogramOf({1.7, 4.3, 2.5}, 3);
  EXPECT_EQ(three.edges, (std::vector<double>{0, 2, 4, 6}));
  EXPECT_EQ(three.counts, (std::vector<std::size_t>{1, 1, 1}));
}

TEST(HistogramTest, InteriorEdgesBelongToTheBinTheyOpen) {
  const Histogram h = histogramOf({0.2, 0.3, 0.3, 0.5}, 3);  // width 0.1 from 0.2
  ASSERT_EQ(h.counts.size(), 3u);
  EXPECT_NEAR(h.edges[0], 0.2, 1e-12);
  EXPECT_NEAR(h.edges[1], 0.3, 1e-12);
  EXPECT_EQ(h.counts, (std::vector<std::size_t>{1, 2, 1}));
}

TEST(HistogramTest, EqualValuesNaNsAndEmptyInput) {
  const Histogram same = histogramOf({0.42, 0.42, std::nan(""), 0.42}, 12);
  ASSERT_EQ(same.counts, (std::vector<std::size_t>{3}));
  EXPECT_NEAR(same.edges[0], 0.40, 1e-12);
  EXPECT_NEAR(same.edges[1], 0.45, 1e-12);
  const Histogram zeros = histogramOf({0, 0}, 12);
  EXPECT_EQ(zeros.counts, (std::vector<std::size_t>{2}));
  EXPECT_EQ(zeros.edges.front(), 0.0);
  EXPECT_GT(zeros.edges.back(), 0.0);
  const Histogram inf = histogramOf({1, std::numeric_limits<double>::infinity(), 3}, 2);
  EXPECT_EQ(inf.total(), 2u);
  EXPECT_TRUE(histogramOf({}, 10).edges.empty());
  EXPECT_TRUE(histogramOf({1, 2}, 0).counts.empty());
  EXPECT_TRUE(histogramOf({std::nan("")}, 4).counts.empty());
}

TEST(HistogramTest, OneBinAndValuesEitherSideOfZero) {
  const Histogram one = histogramOf({-0.1, 0.1, 0.05}, 1);
  EXPECT_EQ(one.edges, (std::vector<double>{-0.1, 0.1}));
  EXPECT_EQ(one.counts, (std::vector<std::size_t>{3}));
  const Histogram two = histogramOf({-0.1, 0.1, 0.05}, 2);  // [-0.1, 0) [0, 0.1]
  ASSERT_EQ(two.counts.size(), 2u);
  EXPECT_EQ(two.counts, (std::vector<std::size_t>{1, 2}));
  EXPECT_NEAR(two.edges[0], -0.1, 1e-12);
  EXPECT_NEAR(two.edges[2], 0.1, 1e-12);
}

TEST(HistogramTest, OrderDoesNotMatter) {
  std::vector<double> values = oneTo(37);
  const Histogram descending = histogramOf(values, 8);
  std::reverse(values.begin(), values.end());
  const Histogram ascending = histogramOf(values, 8);
  EXPECT_EQ(descending.edges, ascending.edges);
  EXPECT_EQ(descending.counts, ascending.counts);
  EXPECT_EQ(ascending.total(), 37u);
  EXPECT_LE(ascending.counts.size(), 8u);
}

}  // namespace
}  // namespace posim::settlement
