#include "posim/base/status.h"

#include <string>

#include <gtest/gtest.h>

namespace posim {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) return invalidArgument("odd: " + std::to_string(v));
  return v / 2;
}

Result<int> quarter(int v) {
  POSIM_ASSIGN_OR_RETURN(int h, half(v));
  POSIM_ASSIGN_OR_RETURN(int q, half(h));
  return q;
}

Status checkEven(int v) {
  POSIM_RETURN_IF_ERROR(half(v));
  return Status::ok();
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.isOk());
  EXPECT_EQ(s.toString(), "ok");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = malformed("truncated length at byte 3");
  EXPECT_FALSE(s.isOk());
  EXPECT_EQ(s.code(), StatusCode::kMalformed);
  EXPECT_EQ(s.toString(), "malformed: truncated length at byte 3");
  EXPECT_EQ(s.withContext("card.yaml:3:5").message(), "card.yaml:3:5: truncated length at byte 3");
}

TEST(ResultTest, ValueAndError) {
  Result<int> ok = half(8);
  ASSERT_TRUE(ok.isOk());
  EXPECT_EQ(*ok, 4);
  Result<int> bad = half(7);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "odd: 7");
  EXPECT_EQ(bad.valueOr(-1), -1);
}

TEST(ResultTest, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*quarter(12), 3);
  EXPECT_EQ(quarter(6).status().message(), "odd: 3");
  EXPECT_TRUE(checkEven(4).isOk());
  EXPECT_EQ(checkEven(5).code(), StatusCode::kInvalidArgument);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> bad = half(1);
  EXPECT_DEATH({ (void)bad.value(); }, "");
}

}  // namespace
}  // namespace posim
