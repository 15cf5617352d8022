#include "posim/base/random.h"

#include <set>

#include <gtest/gtest.h>

#include "posim/base/event_sink.h"
#include "posim/base/pan.h"

namespace posim {
namespace {

TEST(SeededRandomTest, SameSeedSameStream) {
  SeededRandom a(42);
  SeededRandom b(42);
  SeededRandom c(43);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.nextU64(), b.nextU64());
  EXPECT_NE(SeededRandom(42).nextU64(), c.nextU64());
  EXPECT_EQ(SeededRandom(7).bytes(13), SeededRandom(7).bytes(13));
}

TEST(SeededRandomTest, UniformStaysInRangeAndCoversIt) {
  SeededRandom r(1);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto v = r.uniform(10);
    ASSERT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
  for (int i = 0; i < 1000; ++i) {
    const auto v = r.uniformInt(1, 99);
    ASSERT_GE(v, 1);
    ASSERT_LE(v, 99);
    const double d = r.uniformReal();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
  }
}

TEST(SeededRandomTest, ForkGivesAnIndependentStream) {
  SeededRandom parent(5);
  SeededRandom child = parent.fork();
  EXPECT_NE(parent.nextU64(), child.nextU64());
}

TEST(EventSinkTest, RecordingKeepsEventsInOrder) {
  RecordingEventSink sink;
  EventSink& s = sink;
  s.onEvent(
      {TraceKind::kApduCommand, Instant{}, "kernel", "SELECT PPSE", hexBytes("00A4"), "apdu"});
  s.onEvent({TraceKind::kApduResponse, Instant{}, "card", "9000", hexBytes("9000"), "apdu"});
  ASSERT_EQ(sink.events().size(), 2u);
  EXPECT_EQ(sink.events()[1].summary, "9000");
  EXPECT_EQ(traceKindName(sink.events()[0].kind), "apdu-command");
  sink.clear();
  EXPECT_TRUE(sink.events().empty());
}

TEST(PanTest, MaskingKeepsFirstSixAndLastFour) {
  EXPECT_EQ(maskPan("4761739001010010"), "476173******0010");
  EXPECT_EQ(maskPan("6212345678901234567"), "621234*********4567");
  EXPECT_EQ(maskPan("1234567890"), "******7890");
  EXPECT_EQ(maskPan("123"), "***");
  auto pan = Pan::parse("4761739001010010");
  ASSERT_TRUE(pan.isOk());
  EXPECT_EQ(pan->masked(), "476173******0010");
  EXPECT_TRUE(luhnValid("4761739001010010"));
  EXPECT_FALSE(luhnValid("4761739001010011"));
  auto bad = Pan::parse("47617390010100AB");
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message().find("4761"), std::string::npos);  // no digits leaked
  EXPECT_FALSE(Pan::parse("12345").isOk());
}

}  // namespace
}  // namespace posim
