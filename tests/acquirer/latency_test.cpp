// The modelled host latency: deterministic per seed, with the distribution's shape. Statistical
// bounds are generous: this is not a timing test.
#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "posim/acquirer/embedded.h"
#include "posim/base/random.h"

namespace posim::acquirer {
namespace {

using std::chrono::milliseconds;

LatencyModel model(LatencyModel::Kind kind, Duration a, Duration b) {
  LatencyModel m;
  m.kind = kind;
  m.a = a;
  m.b = b;
  return m;
}

std::vector<Duration> samples(const LatencyModel& m, std::uint64_t seed, std::size_t n) {
  SeededRandom random(seed);
  std::vector<Duration> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(m.sample(random));
  return out;
}

TEST(LatencyTest, FixedIsAlwaysA) {
  for (Duration d : samples(model(LatencyModel::Kind::kFixed, milliseconds(80), {}), 1, 10)) {
    EXPECT_EQ(d, milliseconds(80));
  }
}

TEST(LatencyTest, UniformStaysWithinItsBounds) {
  const auto all =
      samples(model(LatencyModel::Kind::kUniform, milliseconds(50), milliseconds(200)), 7, 2000);
  EXPECT_GE(*std::min_element(all.begin(), all.end()), milliseconds(50));
  EXPECT_LE(*std::max_element(all.begin(), all.end()), milliseconds(200));
  EXPECT_LT(*std::min_element(all.begin(), all.end()), milliseconds(60));
  EXPECT_GT(*std::max_element(all.begin(), all.end()), milliseconds(190));
}

TEST(LatencyTest, SameSeedSameSequence) {
  for (auto kind : {LatencyModel::Kind::kUniform, LatencyModel::Kind::kLogNormal}) {
    const LatencyModel m = model(kind, milliseconds(120), milliseconds(800));
    EXPECT_EQ(samples(m, 42, 50), samples(m, 42, 50));
    EXPECT_NE(samples(m, 42, 50), samples(m, 43, 50));
  }
}

TEST(LatencyTest, LogNormalHasTheConfiguredMedianAndP95) {
  const LatencyModel m =
      model(LatencyModel::Kind::kLogNormal, milliseconds(120), milliseconds(800));
  auto all = samples(m, 2026, 4001);
  std::sort(all.begin(), all.end());
  const Duration median = all[2000];
  const Duration p95 = all[3800];
  EXPECT_GT(median, milliseconds(108));
  EXPECT_LT(median, milliseconds(132));
  EXPECT_GT(p95, milliseconds(640));
  EXPECT_LT(p95, milliseconds(960));
  EXPECT_GT(all.front(), Duration{0});
  // Degenerate: p95 not above the median means no spread.
  EXPECT_EQ(
      samples(model(LatencyModel::Kind::kLogNormal, milliseconds(90), milliseconds(90)), 1, 3),
      std::vector<Duration>(3, milliseconds(90)));
}

TEST(LatencyTest, ParseAndFormat) {
  auto fixed = parseLatencyModel("120ms");
  ASSERT_TRUE(fixed.isOk());
  EXPECT_EQ(fixed->kind, LatencyModel::Kind::kFixed);
  EXPECT_EQ(fixed->a, milliseconds(120));
  EXPECT_EQ(formatLatencyModel(*fixed), "fixed:120ms");
  for (const char* text : {"fixed:2s", "uniform:50ms:200ms", "lognormal:120ms:1s500ms"}) {
    auto parsed = parseLatencyModel(text);
    ASSERT_TRUE(parsed.isOk()) << text << ": " << parsed.status().toString();
    EXPECT_EQ(formatLatencyModel(*parsed), text);
  }
  auto lognormal = parseLatencyModel("lognormal:120ms:800ms");
  ASSERT_TRUE(lognormal.isOk());
  EXPECT_EQ(lognormal->kind, LatencyModel::Kind::kLogNormal);
  EXPECT_EQ(lognormal->b, milliseconds(800));
  for (const char* bad : {"", "fast", "uniform:50ms", "gauss:1s:2s", "uniform:2s:1s", "1s:2s"}) {
    auto parsed = parseLatencyModel(bad);
    EXPECT_FALSE(parsed.isOk()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace posim::acquirer
