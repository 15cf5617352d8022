#include "posim/emv/status_words.h"

#include <gtest/gtest.h>

namespace posim::emv {
namespace {

TEST(StatusWordsTest, DescribesKnownAndCountedWords) {
  EXPECT_EQ(describeStatusWord(kSwOk), "Success");
  EXPECT_EQ(describeStatusWord(kSwRecordNotFound), "Record not found");
  EXPECT_EQ(describeStatusWord(0x63C2), "Verification failed, 2 tries left");
  EXPECT_EQ(describeStatusWord(0x63C1), "Verification failed, 1 try left");
  EXPECT_EQ(describeStatusWord(0x6110), "More data available: 16 bytes (GET RESPONSE)");
  EXPECT_EQ(describeStatusWord(0x6C61), "Wrong Le: resend with Le=97");
  EXPECT_EQ(describeStatusWord(0x1234), "Unknown status");
}

TEST(StatusWordsTest, ExecutedMeansSuccessOrWarning) {
  EXPECT_TRUE(isExecuted(0x9000));
  EXPECT_TRUE(isExecuted(0x6283));
  EXPECT_TRUE(isExecuted(0x63C2));
  EXPECT_FALSE(isExecuted(0x6985));
  EXPECT_FALSE(isExecuted(0x6A82));
}

}  // namespace
}  // namespace posim::emv
