#include "posim/acquirer/backend.h"

#include <gtest/gtest.h>

namespace posim::acquirer {
namespace {

TEST(BackendTest, TransactionTypeNamesRoundTrip) {
  const TransactionType all[] = {
      TransactionType::kSale,    TransactionType::kPreauth, TransactionType::kCompletion,
      TransactionType::kCancel,  TransactionType::kRefund,  TransactionType::kReversal,
      TransactionType::kBalance, TransactionType::kEcho,    TransactionType::kSettle};
  for (TransactionType type : all) {
    EXPECT_EQ(transactionTypeByName(transactionTypeName(type)), type);
  }
  EXPECT_EQ(transactionTypeName(TransactionType::kPreauth), "preauth");
  EXPECT_EQ(transactionTypeName(TransactionType::kSettle), "settle");
  EXPECT_EQ(transactionTypeByName("completion"), TransactionType::kCompletion);
  EXPECT_EQ(transactionTypeByName("Sale"), std::nullopt);
  EXPECT_EQ(transactionTypeByName("void"), std::nullopt);
}

TEST(BackendTest, ResponseCodeMeaningsFollowDomainTable) {
  EXPECT_EQ(responseCodeMeaning("00"), "approved");
  EXPECT_EQ(responseCodeMeaning("05"), "do not honour");
  EXPECT_EQ(responseCodeMeaning("25"), "unable to locate original transaction");
  EXPECT_EQ(responseCodeMeaning("51"), "insufficient funds");
  EXPECT_EQ(responseCodeMeaning("55"), "incorrect PIN");
  EXPECT_EQ(responseCodeMeaning("75"), "allowable number of PIN tries exceeded");
  EXPECT_EQ(responseCodeMeaning("A0"), "MAC error");
  EXPECT_EQ(responseCodeMeaning("ZZ"), "unknown response code");
  for (const char* code : {"01", "03", "04", "12", "13", "14", "30", "41", "43", "54",
                           "57", "58", "61", "62", "65", "68", "91", "94", "95", "96"}) {
    EXPECT_NE(responseCodeMeaning(code), "unknown response code") << code;
  }
}

TEST(BackendTest, ResponseApprovedFor00And10) {
  Response response;
  response.response_code = "00";
  EXPECT_TRUE(response.approved());
  response.response_code = "10";
  EXPECT_TRUE(response.approved());
  response.response_code = "51";
  EXPECT_FALSE(response.approved());
}

}  // namespace
}  // namespace posim::acquirer
