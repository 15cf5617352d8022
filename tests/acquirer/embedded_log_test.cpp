// The embedded issuer's bounded request log (EmbeddedConfig::log_per_terminal): each terminal's
// newest requests are remembered for originals, duplicates and repeated reversals, older ones are
// forgotten, and settlement totals never forget.
#include <gtest/gtest.h>

#include "posim/acquirer/embedded.h"
#include "posim/base/random.h"

#include "acquirer_test_support.h"

namespace posim::acquirer {
namespace {

using std::chrono::minutes;
using testing::at;
using testing::issuerConfig;
using testing::kStart;
using testing::plus;
using testing::referring;
using testing::request;
using testing::visaPan;

class EmbeddedLogTest : public ::testing::Test {
 protected:
  void make(std::size_t log_per_terminal) {
    EmbeddedConfig config = issuerConfig();
    config.accounts[0].balance = testing::cny(100000000);
    config.log_per_terminal = log_per_terminal;
    backend_ = std::make_unique<EmbeddedBackend>(std::move(config), random_, nullptr);
  }
  Response send(const Request& r) {
    auto response = backend_->send(r);
    EXPECT_TRUE(response.isOk()) << response.status().toString();
    return response.valueOr(Response{});
  }
  // A sale of `terminal` at kStart + n minutes, STAN n.
  Request sale(int n, const std::string& terminal = "12345678", std::int64_t amount = 1000) {
    char stan[8];
    std::snprintf(stan, sizeof stan, "%06d", n);
    Request r =
        request(TransactionType::kSale, visaPan(), amount, stan, plus(at(kStart), minutes(n)));
    r.terminal_id = terminal;
    return r;
  }
  Request reversalOf(const Request& original, const Response& answer, int stan) {
    char text[8];
    std::snprintf(text, sizeof text, "%06d", stan);
    Request r =
        referring(TransactionType::kReversal, original, answer, original.amount.minorUnits(), text,
                  plus(original.transmitted_at, std::chrono::seconds(30)));
    r.terminal_id = original.terminal_id;
    return r;
  }

  SeededRandom random_{7};
  std::unique_ptr<EmbeddedBackend> backend_;
};

TEST_F(EmbeddedLogTest, OnlyEachTerminalsNewestRequestsAreRemembered) {
  make(3);
  std::vector<Request> sales;
  std::vector<Response> answers;
  for (int n = 1; n <= 4; ++n) {
    sales.push_back(sale(n));
    answers.push_back(send(sales.back()));
    ASSERT_EQ(answers.back().response_code, "00");
  }
  // Another terminal's requests do not push this terminal's out.
  for (int n = 1; n <= 5; ++n) send(sale(n, "OTHER001"));

  // The first sale is the fourth-newest of its terminal: forgotten, as if unknown.
  EXPECT_EQ(send(reversalOf(sales[0], answers[0], 101)).response_code, "25");
  // The last is remembered: reversed, its amount credited back, and a repeat changes nothing.
  const Money before = backend_->account("visa")->balance;
  const Request reversal = reversalOf(sales[3], answers[3], 102);
  EXPECT_EQ(send(reversal).response_code, "00");
  EXPECT_EQ(backend_->account("visa")->balance.minorUnits(), before.minorUnits() + 1000);
  Request repeat = reversal;
  repeat.repeat = true;
  EXPECT_EQ(send(repeat).response_code, "00");
  EXPECT_EQ(backend_->account("visa")->balance.minorUnits(), before.minorUnits() + 1000);
  // A remembered request sent again is a duplicate.
  EXPECT_EQ(send(sales[3]).response_code, "94");
}

TEST_F(EmbeddedLogTest, SettlementTotalsDoNotForget) {
  make(3);  // sales 1-3 forgotten by the time of the settlement
  std::vector<Request> sales;
  std::vector<Response> answers;
  for (int n = 1; n <= 6; ++n) {
    sales.push_back(sale(n, "12345678", 1000 * n));
    answers.push_back(send(sales.back()));
  }
  // A cancel of the newest sale (logged too) and a reversal of the one before, both still
  // remembered.
  Request cancel = referring(TransactionType::kCancel, sales[5], answers[5], 6000, "000201",
                             plus(sales[5].transmitted_at, minutes(1)));
  ASSERT_EQ(send(cancel).response_code, "00");
  ASSERT_EQ(send(reversalOf(sales[4], answers[4], 202)).response_code, "00");

  Request settle =
      request(TransactionType::kSettle, "", 0, "000203", plus(at(kStart), std::chrono::hours(1)));
  BatchTotals totals;
  totals.debit_count = 4;  // sales 1-4; 5 reversed, 6 cancelled
  totals.debit_amount = 1000 + 2000 + 3000 + 4000;
  totals.cancel_count = 1;
  totals.cancel_amount = 6000;
  settle.totals = totals;
  const Response answer = send(settle);
  EXPECT_EQ(answer.response_code, "00");
  ASSERT_TRUE(answer.host_totals.has_value());
  EXPECT_EQ(*answer.host_totals, totals);
}

TEST_F(EmbeddedLogTest, NoLimitRemembersEverything) {
  make(0);
  const Request first = sale(1);
  const Response answer = send(first);
  for (int n = 2; n <= 50; ++n) send(sale(n));
  EXPECT_EQ(send(reversalOf(first, answer, 301)).response_code, "00");
}

}  // namespace
}  // namespace posim::acquirer
