// posim::Pan: a card number whose every printable form is masked (docs/security.md, promise 1).
#include "posim/base/pan.h"

#include <map>
#include <sstream>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

namespace posim {
namespace {

// A Pan cannot become a string (or a string_view) by accident: not implicitly, and not by
// concatenation, so `"card " + pan` does not compile.
static_assert(!std::is_convertible_v<Pan, std::string>);
static_assert(!std::is_convertible_v<Pan, std::string_view>);
static_assert(!std::is_convertible_v<std::string, Pan>);  // and no string becomes one silently
template <typename T>
concept Concatenates = requires(std::string s, T t) {
  s + t;
};
static_assert(!Concatenates<Pan>);
static_assert(Concatenates<std::string>);

TEST(PanTypeTest, StreamingWritesTheMaskedForm) {
  const Pan pan("4761739001010010");
  std::ostringstream out;
  out << "card " << pan;
  EXPECT_EQ(out.str(), "card 476173******0010");
  EXPECT_EQ(pan.masked(), "476173******0010");
  EXPECT_EQ(pan.digits(), "4761739001010010");  // the explicit way to the digits
  // A test failure message prints it the same way (GoogleTest uses operator<<).
  EXPECT_EQ(::testing::PrintToString(pan), "476173******0010");
}

TEST(PanTypeTest, KeepsWhatItIsGivenAndParseJudgesIt) {
  // A message field or journal row is carried as it came, so the issuer can decline it...
  const Pan odd("12AB");
  EXPECT_EQ(odd.digits(), "12AB");
  EXPECT_EQ(odd.masked(), "****");
  EXPECT_EQ(odd.size(), 4u);
  EXPECT_TRUE(Pan().empty());
  // ... while parse() is the check for input a person typed.
  EXPECT_TRUE(Pan::parse("4761739001010010").isOk());
  EXPECT_FALSE(Pan::parse("12AB").isOk());
  EXPECT_FALSE(Pan::parse("12345678901").isOk());           // 11 digits
  EXPECT_FALSE(Pan::parse("12345678901234567890").isOk());  // 20 digits
  auto fifteen = Pan::parse("476173900101001");
  EXPECT_TRUE(fifteen.isOk());  // 15 digits are a PAN (Luhn is the profile's business)
}

TEST(PanTypeTest, ComparesAndOrdersByDigits) {
  EXPECT_EQ(Pan("4761739001010010"), Pan("4761739001010010"));
  EXPECT_NE(Pan("4761739001010010"), Pan("4761739001010028"));
  EXPECT_LT(Pan("4000000000000002"), Pan("4761739001010010"));
  std::map<Pan, int> by_pan{{Pan("5413330089020011"), 1}, {Pan("4761739001010010"), 2}};
  EXPECT_EQ(by_pan.begin()->second, 2);
}

}  // namespace
}  // namespace posim
