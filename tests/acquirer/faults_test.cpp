#include "posim/acquirer/faults.h"

#include <gtest/gtest.h>

#include "posim/acquirer/embedded.h"
#include "posim/base/random.h"

#include "acquirer_test_support.h"

namespace posim::acquirer {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::at;
using testing::cny;
using testing::issuerConfig;
using testing::kStart;
using testing::plus;
using testing::referring;
using testing::request;
using testing::visaPan;

class FaultsTest : public ::testing::Test {
 protected:
  Request sale(int n, std::int64_t amount = 10000) {
    return request(TransactionType::kSale, visaPan(), amount, "00000" + std::to_string(n % 10) + "",
                   plus(at(kStart), minutes(n)));
  }
  Money balance() { return embedded_.account("visa")->balance; }

  SeededRandom random_{3};
  EmbeddedBackend embedded_{issuerConfig(), random_, nullptr};
  FaultInjectingBackend faulty_{embedded_};
};

TEST_F(FaultsTest, NoFaultForwardsEverything) {
  EXPECT_EQ(faulty_.id(), "embedded");
  auto r = faulty_.send(sale(1));
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->response_code, "00");
  EXPECT_EQ(embedded_.requestCount(), 1u);
}

TEST_F(FaultsTest, TimeoutStillDebitsAtTheHostSoAReversalIsNeeded) {
  faulty_.inject({FaultKind::kTimeout, 1, seconds(30), std::nullopt, "", std::nullopt});
  const Request first = sale(1);
  auto r = faulty_.send(first);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(r.status().message().find("30s"), std::string::npos) << r.status().message();
  EXPECT_EQ(embedded_.requestCount(), 1u);
  EXPECT_EQ(balance(), cny(490000));  // the host processed it
  EXPECT_EQ(faulty_.lateResponses(), 1u);
  EXPECT_EQ(faulty_.pending(), 0u);

  // The terminal reverses; the reversal finds the original and credits it back.
  Response unknown_answer;
  Request reversal = referring(TransactionType::kReversal, first, unknown_answer, 10000, "000002",
                               plus(first.transmitted_at, seconds(40)));
  auto reversed = faulty_.send(reversal);
  ASSERT_TRUE(reversed.isOk());
  EXPECT_EQ(reversed->response_code, "00");
  EXPECT_EQ(balance(), cny(500000));
}

TEST_F(FaultsTest, NoAnswerNeverReachesTheHost) {
  faulty_.inject({FaultKind::kNoAnswer, 1, {}, std::nullopt, "", std::nullopt});
  const Request first = sale(1);
  auto r = faulty_.send(first);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(embedded_.requestCount(), 0u);
  EXPECT_EQ(balance(), cny(500000));
  EXPECT_EQ(faulty_.lateResponses(), 0u);
  // Its reversal finds nothing to reverse: 25, which the terminal treats as done.
  auto reversed = faulty_.send(referring(TransactionType::kReversal, first, Response{}, 10000,
                                         "000002", plus(first.transmitted_at, seconds(40))));
  ASSERT_TRUE(reversed.isOk());
  EXPECT_EQ(reversed->response_code, "25");
}

TEST_F(FaultsTest, DisconnectIsUnavailableWithoutProcessing) {
  faulty_.inject({FaultKind::kDisconnect, 1, {}, std::nullopt, "", std::nullopt});
  auto r = faulty_.send(sale(1));
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(embedded_.requestCount(), 0u);
  EXPECT_TRUE(faulty_.send(sale(2)).isOk());  // count 1: the next one goes through
}

TEST_F(FaultsTest, MalformedAndWrongMacAnswersAreProcessedAtTheHost) {
  faulty_.inject({FaultKind::kMalformedResponse, 1, {}, std::nullopt, "", std::nullopt});
  faulty_.inject({FaultKind::kWrongMac, 1, {}, std::nullopt, "", std::nullopt});
  auto a = faulty_.send(sale(1));
  EXPECT_EQ(a.status().code(), StatusCode::kMalformed);
  EXPECT_NE(a.status().message().find("decoded"), std::string::npos);
  auto b = faulty_.send(sale(2));
  EXPECT_EQ(b.status().code(), StatusCode::kMalformed);
  EXPECT_NE(b.status().message().find("MAC"), std::string::npos);
  EXPECT_EQ(embedded_.requestCount(), 2u);
  EXPECT_EQ(balance(), cny(480000));
}

TEST_F(FaultsTest, HostDownUntilAVirtualTime) {
  Fault down;
  down.kind = FaultKind::kHostDown;
  down.until = plus(at(kStart), minutes(10)).instant;
  faulty_.inject(down);
  EXPECT_EQ(faulty_.send(sale(1)).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(faulty_.send(sale(9)).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(faulty_.pending(), 1u);
  EXPECT_EQ(embedded_.requestCount(), 0u);
  auto up = faulty_.send(sale(10));
  ASSERT_TRUE(up.isOk());
  EXPECT_EQ(up->response_code, "00");
  EXPECT_EQ(faulty_.pending(), 0u);
}

TEST_F(FaultsTest, AddedLatencyGrowsTheHostTime) {
  faulty_.inject({FaultKind::kAddedLatency, 2, seconds(2), std::nullopt, "", std::nullopt});
  for (int i = 1; i <= 2; ++i) {
    auto r = faulty_.send(sale(i));
    ASSERT_TRUE(r.isOk());
    EXPECT_EQ(r->host_time, std::chrono::milliseconds(2120));
  }
  auto normal = faulty_.send(sale(3));
  EXPECT_EQ(normal->host_time, std::chrono::milliseconds(120));
}

TEST_F(FaultsTest, DuplicateResponseCountsALateAnswer) {
  faulty_.inject({FaultKind::kDuplicateResponse, 1, {}, std::nullopt, "", std::nullopt});
  auto r = faulty_.send(sale(1));
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->response_code, "00");
  EXPECT_EQ(faulty_.lateResponses(), 1u);
  EXPECT_EQ(balance(), cny(490000));
}

TEST_F(FaultsTest, ResponseCodeAnswersWithoutProcessing) {
  faulty_.inject({FaultKind::kResponseCode, 1, {}, std::nullopt, "91", std::nullopt});
  auto r = faulty_.send(sale(1));
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->response_code, "91");
  EXPECT_FALSE(r->approved());
  EXPECT_EQ(embedded_.requestCount(), 0u);
  EXPECT_EQ(balance(), cny(500000));
}

TEST_F(FaultsTest, CountAndOnlyTypeSelectTheAffectedRequests) {
  faulty_.inject({FaultKind::kNoAnswer, 2, {}, std::nullopt, "", TransactionType::kReversal});
  EXPECT_TRUE(faulty_.send(sale(1)).isOk());  // a sale is not affected
  const Request original = sale(2);
  ASSERT_TRUE(faulty_.send(original).isOk());
  Request reversal = referring(TransactionType::kReversal, original, Response{}, 10000, "000100",
                               plus(original.transmitted_at, seconds(30)));
  EXPECT_EQ(faulty_.send(reversal).status().code(), StatusCode::kDeadlineExceeded);
  reversal.repeat = true;
  reversal.stan = "000101";
  EXPECT_EQ(faulty_.send(reversal).status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(faulty_.pending(), 0u);
  reversal.stan = "000102";
  auto done = faulty_.send(reversal);
  ASSERT_TRUE(done.isOk());
  EXPECT_EQ(done->response_code, "00");
  EXPECT_EQ(balance(), cny(490000));

  faulty_.inject({FaultKind::kTimeout, 1, seconds(30), std::nullopt, "", std::nullopt});
  EXPECT_EQ(faulty_.pending(), 1u);
  faulty_.clear();
  EXPECT_EQ(faulty_.pending(), 0u);
}

TEST(FaultNamesTest, NamesRoundTrip) {
  const FaultKind all[] = {
      FaultKind::kAddedLatency,      FaultKind::kTimeout,    FaultKind::kNoAnswer,
      FaultKind::kDuplicateResponse, FaultKind::kDisconnect, FaultKind::kMalformedResponse,
      FaultKind::kWrongMac,          FaultKind::kHostDown,   FaultKind::kResponseCode};
  for (FaultKind kind : all) EXPECT_EQ(faultKindByName(faultKindName(kind)), kind);
  EXPECT_EQ(faultKindName(FaultKind::kHostDown), "host_down");
  EXPECT_EQ(faultKindName(FaultKind::kMalformedResponse), "malformed_response");
  EXPECT_EQ(faultKindByName("timeout"), FaultKind::kTimeout);
  EXPECT_EQ(faultKindByName("Timeout"), std::nullopt);
}

}  // namespace
}  // namespace posim::acquirer
