#include "posim/emv/scripted_card.h"

#include <gtest/gtest.h>

namespace posim::emv {
namespace {

TEST(ScriptedCardTest, ReplaysInOrder) {
  ScriptedCard card =
      ScriptedCard::fromHex({{"00A4040007A000000003101000", "6A82"}, {"80A8000002830000", "9000"}});
  ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
  EXPECT_EQ(toHex(*card.transceive(hexBytes("00A4040007A000000003101000"))), "6A82");
  EXPECT_FALSE(card.complete());
  EXPECT_EQ(toHex(*card.transceive(hexBytes("80A8000002830000"))), "9000");
  EXPECT_TRUE(card.complete());
  EXPECT_TRUE(card.error().isOk());
}

TEST(ScriptedCardTest, MismatchNamesTheStepAndBothCommands) {
  ScriptedCard card({{hexBytes("00B2010C00"), hexBytes("9000"), "READ RECORD 1,1"}});
  Result<Bytes> r = card.transceive(hexBytes("00B2020C00"));
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "scripted card: step 1 (READ RECORD 1,1): expected 00B2010C00, the terminal sent "
            "00B2020C00");
  EXPECT_EQ(card.error(), r.status());
  EXPECT_EQ(card.position(), 0u);
}

TEST(ScriptedCardTest, OverrunIsAnError) {
  ScriptedCard card({});
  Result<Bytes> r = card.transceive(hexBytes("0084000000"));
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("0084000000"), std::string::npos);
}

}  // namespace
}  // namespace posim::emv
