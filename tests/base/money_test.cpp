#include "posim/base/money.h"

#include <gtest/gtest.h>

#include "posim/base/country.h"

namespace posim {
namespace {

Currency cny() {
  return *currencyByAlpha("CNY");
}

TEST(CurrencyTest, LookUpByAlphaAndNumeric) {
  EXPECT_EQ(cny().numeric, 156);
  EXPECT_EQ(currencyByNumeric(392)->alpha, "JPY");
  EXPECT_EQ(currencyByNumeric(392)->exponent, 0);
  EXPECT_EQ(currencyByNumeric(48)->exponent, 3);
  EXPECT_EQ(findCurrency("usd")->numeric, 840);
  EXPECT_EQ(findCurrency("978")->alpha, "EUR");
  auto unknown = findCurrency("ABC");
  ASSERT_FALSE(unknown.isOk());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

TEST(CountryTest, LookUp) {
  EXPECT_EQ(countryByNumeric(156)->alpha2, "CN");
  EXPECT_EQ(countryByAlpha("gbr")->numeric, 826);
  EXPECT_EQ(countryByAlpha("US")->name, "United States");
  EXPECT_FALSE(countryByNumeric(1).has_value());
}

TEST(MoneyTest, ParsesDecimalStrings) {
  EXPECT_EQ(Money::parse("500.00", cny())->minorUnits(), 50000);
  EXPECT_EQ(Money::parse("88", cny())->minorUnits(), 8800);
  EXPECT_EQ(Money::parse("0.5", cny())->minorUnits(), 50);
  EXPECT_EQ(Money::parse("-20.01", cny())->minorUnits(), -2001);
  EXPECT_EQ(Money::parse("1234", *currencyByAlpha("JPY"))->minorUnits(), 1234);
  EXPECT_EQ(Money::parse("1.234", *currencyByAlpha("BHD"))->minorUnits(), 1234);
}

TEST(MoneyTest, RejectsBadAmounts) {
  EXPECT_FALSE(Money::parse("", cny()).isOk());
  EXPECT_FALSE(Money::parse("1.234", cny()).isOk());
  EXPECT_FALSE(Money::parse("1.2.3", cny()).isOk());
  EXPECT_FALSE(Money::parse("12,00", cny()).isOk());
  EXPECT_FALSE(Money::parse(".", cny()).isOk());
  EXPECT_FALSE(Money::parse("1.5", *currencyByAlpha("JPY")).isOk());
  auto huge = Money::parse("99999999999999999999", cny());
  ASSERT_FALSE(huge.isOk());
  EXPECT_EQ(huge.status().code(), StatusCode::kOutOfRange);
  auto bad = Money::parse("12x", cny());
  EXPECT_NE(bad.status().message().find("position 2"), std::string::npos);
}

TEST(MoneyTest, FormatsWithTheCurrencyExponent) {
  EXPECT_EQ(Money(50000, cny()).toDecimalString(), "500.00");
  EXPECT_EQ(Money(5, cny()).toDecimalString(), "0.05");
  EXPECT_EQ(Money(-2001, cny()).toString(), "-20.01 CNY");
  EXPECT_EQ(Money(1234, *currencyByAlpha("JPY")).toDecimalString(), "1234");
  EXPECT_EQ(Money(1, *currencyByAlpha("KWD")).toDecimalString(), "0.001");
}

TEST(MoneyTest, Arithmetic) {
  const Money a(1000, cny());
  const Money b(250, cny());
  EXPECT_EQ((a + b).minorUnits(), 1250);
  EXPECT_EQ((a - b).minorUnits(), 750);
  EXPECT_EQ((-a).minorUnits(), -1000);
  EXPECT_TRUE(b < a);
  EXPECT_EQ(a, Money(1000, cny()));
}

TEST(MoneyDeathTest, MixedCurrenciesAbort) {
  EXPECT_DEATH({ (void)(Money(1, cny()) + Money(1, *currencyByAlpha("USD"))); }, "");
}

}  // namespace
}  // namespace posim
