// The readings `posim iso8583 decode` and the GUI show: code meanings, amounts, masking.
#include "posim/iso8583/describe.h"

#include <gtest/gtest.h>

#include "iso8583_test_util.h"

namespace posim::iso8583 {
namespace {

using testing::builtin;

TEST(Describe, MtiProcessingAndResponseCodes) {
  EXPECT_EQ(mtiDescription("0100"), "authorization request");
  EXPECT_EQ(mtiDescription("0210"), "financial response");
  EXPECT_EQ(mtiDescription("0421"), "reversal advice, repeat");
  EXPECT_EQ(mtiDescription("1804"), "network management request, from another party");
  EXPECT_EQ(mtiDescription("02X0"), "");
  EXPECT_EQ(processingCodeDescription("000000"),
            "goods and services, default account to default account");
  EXPECT_EQ(processingCodeDescription("312000"),
            "balance inquiry, checking account to default "
            "account");
  EXPECT_EQ(processingCodeDescription("99"), "");
  EXPECT_EQ(responseCodeDescription(Flavour::kIso87, "51"), "insufficient funds");
  EXPECT_EQ(responseCodeDescription(Flavour::kCup, "A0"), "MAC verification failed");
  EXPECT_EQ(responseCodeDescription(Flavour::kIso93, "116"), "insufficient funds");
  EXPECT_EQ(responseCodeDescription(Flavour::kIso93, "000"), "approved");
  EXPECT_EQ(responseCodeDescription(Flavour::kIso87, "ZZ"), "");
  EXPECT_EQ(functionCodeDescription("831"), "echo test");
  EXPECT_EQ(entryModeDescription("071"), "contactless chip, PIN can be accepted");
  EXPECT_EQ(networkManagementDescription("301"), "echo test");
}

TEST(Describe, AmountsInTheirCurrency) {
  EXPECT_EQ(amountDescription("000000050000", "156"), "500.00 CNY");
  EXPECT_EQ(amountDescription("000000001000", "392"), "1000 JPY");
  EXPECT_EQ(amountDescription("000000001000", ""), std::nullopt);
  EXPECT_EQ(amountDescription("00000000100A", "156"), std::nullopt);
  Message m("0200");
  m.set(4, "000000001000");
  m.set(49, "156");
  EXPECT_EQ(fieldDescription(builtin("iso87-ascii"), m, 4), "10.00 CNY");
  m.set(39, "000");
  EXPECT_EQ(fieldDescription(builtin("iso93-ascii"), m, 39), "approved");
}

TEST(Describe, SensitiveValuesAreMaskedOrHidden) {
  const Dialect& d = builtin("iso87-ascii");
  EXPECT_EQ(displayValue(*d.field(2), "5413330089020011"), "541333******0011");
  EXPECT_EQ(displayValue(*d.field(35), "5413330089020011=27062011234500000000"),
            "541333******0011=********************");
  EXPECT_EQ(displayValue(*d.field(45), "B4761739001010010^VISA/TEST^2712201"),
            "B476173******0010^****/****^*******");
  EXPECT_EQ(displayValue(*d.field(52), std::string(8, '\x12')), "[PIN block, 8 bytes]");
  EXPECT_TRUE(isHidden(*d.field(52)));
  EXPECT_EQ(displayValue(*d.field(64), "\x01\x02"), "0102");
  EXPECT_EQ(displayValue(*d.field(41), "TERM0001"), "TERM0001");
  EXPECT_EQ(maskTrackData("no pan here 123"), "** *** **** ***");
  EXPECT_TRUE(subfieldValues(*d.field(2), "5413330089020011").empty());
}

TEST(Describe, SubfieldsOfOriginalData) {
  const Dialect& d = builtin("iso87-ascii");
  const auto parts = subfieldValues(*d.field(90), "020000010403140215450001234567800000000000");
  ASSERT_EQ(parts.size(), 5u);
  EXPECT_EQ(parts[0].spec->id, "90.1");
  EXPECT_EQ(parts[0].value, "0200");
  EXPECT_EQ(parts[1].value, "000104");
  EXPECT_EQ(parts[2].value, "0314021545");
  EXPECT_EQ(parts[3].value, "00012345678");
  EXPECT_EQ(parts[4].value, "00000000000");
  // A short CUP DE 60 shows the parts it has.
  EXPECT_EQ(subfieldValues(*builtin("cup-pos").field(60), "22000001").size(), 2u);
}

}  // namespace
}  // namespace posim::iso8583
