// pcsc::transceiveT0 (the T=0 procedure of EMV Book 1 §9.3.1 over a raw transport) and
// pcsc::matchReader, without pcscd.
#include <deque>

#include <gtest/gtest.h>

#include "posim/pcsc/pcsc_card.h"

namespace posim::pcsc {
namespace {

// A transport that records the commands and answers from a script.
struct ScriptedTransport {
  std::deque<Bytes> answers;
  std::vector<std::string> sent;
  RawTransmit fn() {
    return [this](ByteView command) -> Result<Bytes> {
      sent.push_back(toHex(command));
      if (answers.empty()) return unavailable("card removed");
      Bytes a = answers.front();
      answers.pop_front();
      return a;
    };
  }
};

TEST(TransceiveT0Test, PassesAPlainAnswerThrough) {
  ScriptedTransport t{{hexBytes("6F0A9000")}, {}};
  auto r = transceiveT0(hexBytes("00A4040002AABB00"), t.fn());
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(toHex(*r), "6F0A9000");
  EXPECT_EQ(t.sent, std::vector<std::string>{"00A4040002AABB00"});
}

TEST(TransceiveT0Test, Sw61FetchesTheDataWithGetResponseUntilTheLastStatus) {
  ScriptedTransport t{{hexBytes("6104"), hexBytes("010203046102"), hexBytes("05069000")}, {}};
  auto r = transceiveT0(hexBytes("80A8000002830000"), t.fn());
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(toHex(*r),
            "01020304"
            "0506"
            "9000");
  EXPECT_EQ(t.sent, (std::vector<std::string>{"80A8000002830000", "00C0000004", "00C0000002"}));
}

TEST(TransceiveT0Test, Sw6CResendsTheSameCommandWithTheLeTheCardAsks) {
  // Case 2 (Le present): replaced. Case 1 (no Le): appended. Case 3: Le appended.
  struct Case {
    const char* command;
    const char* resent;
  };
  for (const Case& c : {Case{"00B2010C00", "00B2010C1A"}, Case{"00B2010C", "00B2010C1A"},
                        Case{"0020008008241234FFFFFFFFFF", "0020008008241234FFFFFFFFFF1A"},
                        Case{"00A4040002AABB00", "00A4040002AABB1A"}}) {
    SCOPED_TRACE(c.command);
    ScriptedTransport t{{hexBytes("6C1A"), hexBytes("70009000")}, {}};
    auto r = transceiveT0(hexBytes(c.command), t.fn());
    ASSERT_TRUE(r.isOk());
    EXPECT_EQ(toHex(*r), "70009000");
    ASSERT_EQ(t.sent.size(), 2u);
    EXPECT_EQ(t.sent[1], c.resent);
  }
}

TEST(TransceiveT0Test, WarningsAndErrorsAreAnswersNotFailures) {
  ScriptedTransport t{{hexBytes("6A82")}, {}};
  auto r = transceiveT0(hexBytes("00A4040002AABB00"), t.fn());
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(toHex(*r), "6A82");
}

TEST(TransceiveT0Test, TransportErrorsAndBrokenAnswersAreErrors) {
  ScriptedTransport removed{{hexBytes("6110")}, {}};
  auto r = transceiveT0(hexBytes("00B2010C00"), removed.fn());
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "card removed");

  ScriptedTransport short_answer{{hexBytes("90")}, {}};
  r = transceiveT0(hexBytes("00B2010C00"), short_answer.fn());
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kMalformed);

  ScriptedTransport endless{{}, {}};
  for (int i = 0; i < 100; ++i) endless.answers.push_back(hexBytes("6101"));
  r = transceiveT0(hexBytes("00B2010C00"), endless.fn());
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("keeps answering 61xx/6Cxx"), std::string::npos);
  EXPECT_EQ(endless.sent.size(), 64u);
}

TEST(MatchReaderTest, ExactNameThenUniquePartElseTheList) {
  const std::vector<ReaderInfo> readers = {{"ACS ACR39U ICC Reader 00 00", false, {}},
                                           {"Virtual PCD 00 00", true, {}},
                                           {"Virtual PCD 00 01", false, {}}};
  EXPECT_EQ(*matchReader("Virtual PCD 00 01", readers), "Virtual PCD 00 01");
  EXPECT_EQ(*matchReader("ACR39U", readers), "ACS ACR39U ICC Reader 00 00");
  auto ambiguous = matchReader("Virtual", readers);
  ASSERT_FALSE(ambiguous.isOk());
  EXPECT_NE(ambiguous.status().message().find("ambiguous"), std::string::npos);
  auto missing = matchReader("Gemalto", readers);
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "no reader 'Gemalto'; the readers are: 'ACS ACR39U ICC Reader 00 00', 'Virtual PCD "
            "00 00', 'Virtual PCD 00 01'");
  auto none = matchReader("x", {});
  ASSERT_FALSE(none.isOk());
  EXPECT_NE(none.status().message().find("no PC/SC reader"), std::string::npos);
}

}  // namespace
}  // namespace posim::pcsc
