#include "posim/base/spelling.h"

#include <array>

#include <gtest/gtest.h>

namespace posim {
namespace {

TEST(SpellingTest, EditDistance) {
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(editDistance("amout", "amount"), 1u);
  EXPECT_EQ(editDistance("", "abc"), 3u);
  EXPECT_EQ(editDistance("same", "same"), 0u);
}

TEST(SpellingTest, NearestNamesAreClosestFirstAndCaseInsensitive) {
  constexpr std::array<std::string_view, 5> kKeys = {"amount", "card", "entry", "pin", "Amounts"};
  const auto near = nearestNames("AMOUT", kKeys);
  ASSERT_EQ(near.size(), 2u);
  EXPECT_EQ(near[0], "amount");
  EXPECT_EQ(near[1], "Amounts");
  EXPECT_TRUE(nearestNames("zzzzzz", kKeys).empty());
  EXPECT_EQ(nearestNames("car", kKeys, 1).size(), 1u);
}

}  // namespace
}  // namespace posim
