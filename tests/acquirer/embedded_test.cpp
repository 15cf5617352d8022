// The embedded issuer's business rules with requests built by hand (the EMV round trip through
// the real kernel is in embedded_kernel_test.cpp).
#include "posim/acquirer/embedded.h"

#include <gtest/gtest.h>

#include "posim/base/random.h"

#include "acquirer_test_support.h"

namespace posim::acquirer {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using testing::at;
using testing::cny;
using testing::issuerConfig;
using testing::kStart;
using testing::mastercardPan;
using testing::pinBlock;
using testing::plus;
using testing::referring;
using testing::request;
using testing::visaPan;

class EmbeddedTest : public ::testing::Test {
 protected:
  void make(EmbeddedConfig config) {
    backend_ = std::make_unique<EmbeddedBackend>(std::move(config), random_, &events_);
  }
  void SetUp() override { make(issuerConfig()); }

  Response send(const Request& r) {
    auto response = backend_->send(r);
    EXPECT_TRUE(response.isOk()) << response.status().toString();
    return response.valueOr(Response{});
  }
  // A request at kStart + `minutes_later` with STAN = next number.
  Request next(TransactionType type, const std::string& pan, std::int64_t amount,
               int minutes_later = 0) {
    ++stan_;
    const std::string stan =
        std::string(6 - std::to_string(stan_).size(), '0') + std::to_string(stan_);
    return request(type, pan, amount, stan, plus(at(kStart), minutes(minutes_later)));
  }
  std::string stan() {
    ++stan_;
    return std::string(6 - std::to_string(stan_).size(), '0') + std::to_string(stan_);
  }
  Money balance(std::string_view name) { return backend_->account(name)->balance; }
  Money openToBuy(std::string_view name) { return backend_->account(name)->open_to_buy; }

  SeededRandom random_{2026};
  RecordingEventSink events_;
  std::unique_ptr<EmbeddedBackend> backend_;
  int stan_ = 0;
};

TEST_F(EmbeddedTest, SaleIsApprovedAndDebitsTheBalance) {
  const Response r = send(next(TransactionType::kSale, visaPan(), 12345));
  EXPECT_EQ(r.response_code, "00");
  EXPECT_TRUE(r.approved());
  ASSERT_EQ(r.authorization_code.size(), 6u);
  EXPECT_TRUE(isDigits(r.authorization_code));
  // YDDDhhNNNNNN: 2026, day 074, 12 h local, first message.
  EXPECT_EQ(r.rrn, "607412000001");
  EXPECT_EQ(r.host_time, std::chrono::milliseconds(120));
  EXPECT_TRUE(r.icc_data.empty());
  EXPECT_EQ(balance("visa"), cny(500000 - 12345));
  EXPECT_EQ(balance(visaPan()), cny(500000 - 12345));
  EXPECT_EQ(backend_->requestCount(), 1u);
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100)).rrn, "607412000002");
}

TEST_F(EmbeddedTest, AccountLookupByNameOrPan) {
  EXPECT_TRUE(backend_->account("visa").has_value());
  EXPECT_TRUE(backend_->account(mastercardPan()).has_value());
  EXPECT_FALSE(backend_->account("amex").has_value());
  const AccountView view = *backend_->account("mc");
  EXPECT_EQ(view.balance, cny(100000));
  EXPECT_EQ(view.open_to_buy, cny(100000));
  EXPECT_EQ(view.pin_tries_left, 3);
  EXPECT_EQ(view.status, AccountStatus::kActive);
  EXPECT_TRUE(view.holds.empty());
}

TEST_F(EmbeddedTest, InsufficientFundsIsCheckedAgainstTheOpenToBuy) {
  EXPECT_EQ(send(next(TransactionType::kPreauth, visaPan(), 400000)).response_code, "00");
  EXPECT_EQ(balance("visa"), cny(500000));
  EXPECT_EQ(openToBuy("visa"), cny(100000));
  const Response declined = send(next(TransactionType::kSale, visaPan(), 100001));
  EXPECT_EQ(declined.response_code, "51");
  EXPECT_TRUE(declined.authorization_code.empty());
  EXPECT_EQ(balance("visa"), cny(500000));
  EXPECT_EQ(send(next(TransactionType::kPreauth, visaPan(), 100001)).response_code, "51");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100000)).response_code, "00");
  EXPECT_EQ(balance("visa"), cny(400000));
  EXPECT_EQ(openToBuy("visa"), cny(0));
}

TEST_F(EmbeddedTest, FormatAndStatusChecks) {
  EXPECT_EQ(send(next(TransactionType::kSale, "4000000000000002", 100)).response_code, "14");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 0)).response_code, "13");
  Request expired = next(TransactionType::kSale, visaPan(), 100);
  expired.expiry_yymm = "2602";  // February 2026, the request is in March
  EXPECT_EQ(send(expired).response_code, "54");
  Request this_month = next(TransactionType::kSale, visaPan(), 100);
  this_month.expiry_yymm = "2603";
  EXPECT_EQ(send(this_month).response_code, "00");

  const std::pair<AccountStatus, std::string> statuses[] = {{AccountStatus::kBlocked, "62"},
                                                            {AccountStatus::kLost, "41"},
                                                            {AccountStatus::kStolen, "43"},
                                                            {AccountStatus::kExpired, "54"}};
  for (const auto& [status, code] : statuses) {
    EmbeddedConfig config = issuerConfig();
    config.accounts[0].status = status;
    make(config);
    EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100)).response_code, code)
        << accountStatusName(status);
    EXPECT_EQ(balance("visa"), cny(500000));
  }
}

TEST_F(EmbeddedTest, WrongOnlinePinGives55ThenPinTriesExceeded75) {
  auto withPin = [&](std::string_view pin) {
    Request r = next(TransactionType::kSale, visaPan(), 1000);
    r.pin_block = pinBlock(pin, visaPan());
    return send(r).response_code;
  };
  EXPECT_EQ(withPin("9999"), "55");
  EXPECT_EQ(backend_->account("visa")->pin_tries_left, 2);
  EXPECT_EQ(withPin("1234"), "00");  // a correct PIN resets the counter
  EXPECT_EQ(backend_->account("visa")->pin_tries_left, 3);
  EXPECT_EQ(withPin("0000"), "55");
  EXPECT_EQ(withPin("0000"), "55");
  EXPECT_EQ(withPin("0000"), "75");
  EXPECT_EQ(backend_->account("visa")->pin_tries_left, 0);
  EXPECT_EQ(withPin("1234"), "75");  // blocked for every later PIN request
  EXPECT_EQ(balance("visa"), cny(500000 - 1000));
  // Without DE 52 there is no PIN check.
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 1000)).response_code, "00");
  // Garbage under the key counts as a wrong PIN too.
  EmbeddedConfig config = issuerConfig();
  make(config);
  Request garbage = next(TransactionType::kSale, visaPan(), 1000);
  garbage.pin_block = hexBytes("0102030405060708");
  EXPECT_EQ(send(garbage).response_code, "55");
}

TEST_F(EmbeddedTest, ResponseRuleByAmountPattern) {
  EmbeddedConfig config = issuerConfig();
  ResponseRule rule;
  rule.response_code = "51";
  rule.amount_pattern = "*.51";
  config.rules.push_back(rule);
  make(config);
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 1051)).response_code, "51");
  EXPECT_EQ(send(next(TransactionType::kSale, mastercardPan(), 51)).response_code, "51");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 1050)).response_code, "00");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 5100)).response_code, "00");
  EXPECT_EQ(balance("visa"), cny(500000 - 1050 - 5100));
}

TEST_F(EmbeddedTest, ResponseRuleByCardTypeAndTimes) {
  EmbeddedConfig config = issuerConfig();
  ResponseRule by_card;
  by_card.response_code = "05";
  by_card.card = "mc";
  by_card.type = TransactionType::kSale;
  config.rules.push_back(by_card);
  ResponseRule twice;
  twice.response_code = "91";
  twice.card = "visa";
  twice.times = 2;
  config.rules.push_back(twice);
  make(config);
  EXPECT_EQ(send(next(TransactionType::kSale, mastercardPan(), 100)).response_code, "05");
  EXPECT_EQ(send(next(TransactionType::kPreauth, mastercardPan(), 100)).response_code, "00");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100)).response_code, "91");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100)).response_code, "91");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100)).response_code, "00");
  EXPECT_EQ(send(next(TransactionType::kSale, mastercardPan(), 100)).response_code, "05");
}

TEST_F(EmbeddedTest, ResponseRuleByTimeWindow) {
  EmbeddedConfig config = issuerConfig();
  ResponseRule window;
  window.response_code = "96";
  window.from = plus(at(kStart), hours(1)).instant;
  window.until = plus(at(kStart), hours(2)).instant;
  config.rules.push_back(window);
  make(config);
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 59)).response_code, "00");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 60)).response_code, "96");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 119)).response_code, "96");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 120)).response_code, "00");
}

TEST_F(EmbeddedTest, FormatAndStatusComeBeforeRules) {
  EmbeddedConfig config = issuerConfig();
  config.accounts[1].status = AccountStatus::kLost;
  ResponseRule everything;
  everything.response_code = "05";
  config.rules.push_back(everything);
  make(config);
  EXPECT_EQ(send(next(TransactionType::kSale, "4000000000000002", 100)).response_code, "14");
  EXPECT_EQ(send(next(TransactionType::kSale, mastercardPan(), 100)).response_code, "41");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100)).response_code, "05");
  // Rules without a type never decline echoes, settlements or reversals.
  EXPECT_EQ(send(next(TransactionType::kEcho, "", 0)).response_code, "00");
}

TEST_F(EmbeddedTest, VelocityCountAndAmount) {
  EmbeddedConfig config = issuerConfig();
  VelocityLimit count;
  count.max_count = 2;
  count.window = hours(1);
  config.velocity.push_back(count);
  VelocityLimit amount;
  amount.max_amount = 100000;  // 1000.00 per day
  config.velocity.push_back(amount);
  make(config);
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 0)).response_code, "00");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 10)).response_code, "00");
  const Response third = send(next(TransactionType::kSale, visaPan(), 100, 20));
  EXPECT_EQ(third.response_code, "65");
  EXPECT_NE(third.message.find("velocity"), std::string::npos) << third.message;
  // Another card has its own counters.
  EXPECT_EQ(send(next(TransactionType::kSale, mastercardPan(), 100, 20)).response_code, "00");
  // The first approval leaves the one-hour window.
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 61)).response_code, "00");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 99800, 130)).response_code, "61");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 99700, 131)).response_code, "00");

  config.velocity = {VelocityLimit{1, std::nullopt, hours(24), "57"}};
  make(config);
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 0)).response_code, "00");
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 1)).response_code, "57");
}

TEST_F(EmbeddedTest, PreauthHoldThenCompletionUpTo115Percent) {
  const Request preauth = next(TransactionType::kPreauth, visaPan(), 10000);
  const Response held = send(preauth);
  ASSERT_EQ(held.response_code, "00");
  AccountView view = *backend_->account("visa");
  ASSERT_EQ(view.holds.size(), 1u);
  EXPECT_EQ(view.holds[0].amount, cny(10000));
  EXPECT_EQ(view.holds[0].authorization_code, held.authorization_code);
  EXPECT_EQ(view.holds[0].stan, preauth.stan);
  EXPECT_EQ(view.open_to_buy, cny(490000));
  EXPECT_EQ(view.balance, cny(500000));

  const Response done = send(referring(TransactionType::kCompletion, preauth, held, 11500, stan(),
                                       plus(preauth.transmitted_at, hours(2))));
  EXPECT_EQ(done.response_code, "00");
  view = *backend_->account("visa");
  ASSERT_TRUE(view.holds[0].released_at.has_value());
  EXPECT_EQ(view.holds[0].release_reason, "completion");
  EXPECT_EQ(view.holds[0].released_at->instant, plus(preauth.transmitted_at, hours(2)).instant);
  EXPECT_EQ(view.balance, cny(500000 - 11500));
  EXPECT_EQ(view.open_to_buy, cny(500000 - 11500));

  // A second completion of the same hold: released already.
  EXPECT_EQ(send(referring(TransactionType::kCompletion, preauth, held, 100, stan(),
                           plus(preauth.transmitted_at, hours(3))))
                .response_code,
            "12");

  const Request second = next(TransactionType::kPreauth, visaPan(), 10000, 10);
  const Response second_held = send(second);
  const Response too_much = send(referring(TransactionType::kCompletion, second, second_held, 11501,
                                           stan(), plus(second.transmitted_at, hours(1))));
  EXPECT_EQ(too_much.response_code, "13");
  view = *backend_->account("visa");
  EXPECT_FALSE(view.holds[1].released_at.has_value());
  EXPECT_EQ(view.balance, cny(500000 - 11500));
}

TEST_F(EmbeddedTest, CompletionFindsTheHoldByAuthorizationCode) {
  const Request preauth = next(TransactionType::kPreauth, visaPan(), 20000);
  const Response held = send(preauth);
  Request completion = next(TransactionType::kCompletion, visaPan(), 15000, 60);
  completion.original = OriginalData{};
  completion.original->type = TransactionType::kPreauth;
  completion.original->authorization_code = held.authorization_code;
  EXPECT_EQ(send(completion).response_code, "00");
  EXPECT_EQ(balance("visa"), cny(500000 - 15000));
  EXPECT_EQ(openToBuy("visa"), cny(500000 - 15000));  // the unused 50.00 is released too

  Request unknown = next(TransactionType::kCompletion, visaPan(), 100, 61);
  unknown.original = OriginalData{};
  unknown.original->authorization_code = "999999";
  EXPECT_EQ(send(unknown).response_code, "25");
}

TEST_F(EmbeddedTest, CancelReleasesTheHold) {
  const Request preauth = next(TransactionType::kPreauth, visaPan(), 50000);
  const Response held = send(preauth);
  EXPECT_EQ(openToBuy("visa"), cny(450000));
  const LocalDateTime when = plus(preauth.transmitted_at, hours(2));
  const Response cancelled =
      send(referring(TransactionType::kCancel, preauth, held, 50000, stan(), when));
  EXPECT_EQ(cancelled.response_code, "00");
  const AccountView view = *backend_->account("visa");
  EXPECT_EQ(view.open_to_buy, cny(500000));
  EXPECT_EQ(view.balance, cny(500000));
  ASSERT_TRUE(view.holds[0].released_at.has_value());
  EXPECT_EQ(view.holds[0].released_at->instant, when.instant);
  EXPECT_EQ(view.holds[0].release_reason, "cancel");
  // Neither a completion nor a second cancel of a cancelled pre-auth.
  EXPECT_EQ(send(referring(TransactionType::kCompletion, preauth, held, 50000, stan(),
                           plus(when, hours(1))))
                .response_code,
            "12");
  EXPECT_EQ(
      send(referring(TransactionType::kCancel, preauth, held, 50000, stan(), plus(when, hours(1))))
          .response_code,
      "12");
}

TEST_F(EmbeddedTest, CancelOfASaleCreditsItBack) {
  const Request sale = next(TransactionType::kSale, mastercardPan(), 30000);
  const Response approved = send(sale);
  EXPECT_EQ(balance("mc"), cny(70000));
  EXPECT_EQ(send(referring(TransactionType::kCancel, sale, approved, 30000, stan(),
                           plus(sale.transmitted_at, minutes(5))))
                .response_code,
            "00");
  EXPECT_EQ(balance("mc"), cny(100000));
  EXPECT_EQ(send(referring(TransactionType::kCancel, sale, approved, 30000, stan(),
                           plus(sale.transmitted_at, minutes(6))))
                .response_code,
            "12");
  EXPECT_EQ(balance("mc"), cny(100000));
  Request unknown = sale;
  unknown.stan = "777777";
  EXPECT_EQ(send(referring(TransactionType::kCancel, unknown, approved, 30000, stan(),
                           plus(sale.transmitted_at, minutes(7))))
                .response_code,
            "25");
  // A declined original cannot be cancelled.
  const Request big = next(TransactionType::kSale, mastercardPan(), 200000, 10);
  const Response declined = send(big);
  ASSERT_EQ(declined.response_code, "51");
  EXPECT_EQ(send(referring(TransactionType::kCancel, big, declined, 200000, stan(),
                           plus(big.transmitted_at, minutes(1))))
                .response_code,
            "12");
}

TEST_F(EmbeddedTest, AnOriginalWithAnotherTimeIsFoundByItsRrn) {
  const Request sale = next(TransactionType::kSale, mastercardPan(), 30000);
  const Response approved = send(sale);
  Request cancel = referring(TransactionType::kCancel, sale, approved, 30000, stan(),
                             plus(sale.transmitted_at, minutes(5)));
  cancel.original->transmitted_at = plus(sale.transmitted_at, std::chrono::seconds(-3));
  EXPECT_EQ(send(cancel).response_code, "00");
  EXPECT_EQ(balance("mc"), cny(100000));
  // Without RRN and authorization code the time must agree.
  Request reversal = referring(TransactionType::kReversal, sale, approved, 30000, stan(),
                               plus(sale.transmitted_at, minutes(6)));
  reversal.original->transmitted_at = plus(sale.transmitted_at, std::chrono::seconds(-3));
  reversal.original->rrn.clear();
  reversal.original->authorization_code.clear();
  EXPECT_EQ(send(reversal).response_code, "25");
}

TEST_F(EmbeddedTest, RefundCreditsTheAccount) {
  EXPECT_EQ(send(next(TransactionType::kRefund, mastercardPan(), 2000)).response_code, "00");
  EXPECT_EQ(balance("mc"), cny(102000));
}

TEST_F(EmbeddedTest, HoldsExpireThirtyDaysAfterPlacement) {
  const Request preauth = next(TransactionType::kPreauth, visaPan(), 10000);
  const Response held = send(preauth);
  const LocalDateTime placed = preauth.transmitted_at;
  send(request(TransactionType::kBalance, visaPan(), 0, stan(),
               plus(placed, days(30) - std::chrono::seconds(1))));
  EXPECT_FALSE(backend_->account("visa")->holds[0].released_at.has_value());
  EXPECT_EQ(openToBuy("visa"), cny(490000));

  const Response inquiry =
      send(request(TransactionType::kBalance, visaPan(), 0, stan(), plus(placed, days(31))));
  EXPECT_EQ(inquiry.response_code, "00");
  EXPECT_EQ(inquiry.available_balance, cny(500000));
  const Hold hold = backend_->account("visa")->holds[0];
  ASSERT_TRUE(hold.released_at.has_value());
  EXPECT_EQ(hold.release_reason, "expiry");
  EXPECT_EQ(hold.released_at->instant, plus(placed, days(30)).instant);
  EXPECT_EQ(hold.released_at->utc_offset, placed.utc_offset);

  const Response late = send(referring(TransactionType::kCompletion, preauth, held, 10000, stan(),
                                       plus(placed, days(31))));
  EXPECT_EQ(late.response_code, "12");
  EXPECT_NE(late.message.find("expiry"), std::string::npos) << late.message;
  EXPECT_EQ(balance("visa"), cny(500000));
}

TEST_F(EmbeddedTest, BalanceInquiryReturnsLedgerAndAvailable) {
  send(next(TransactionType::kSale, visaPan(), 10000));
  send(next(TransactionType::kPreauth, visaPan(), 20000));
  const Response r = send(next(TransactionType::kBalance, visaPan(), 0));
  EXPECT_EQ(r.response_code, "00");
  EXPECT_EQ(r.ledger_balance, cny(490000));
  EXPECT_EQ(r.available_balance, cny(470000));
  EXPECT_EQ(balance("visa"), cny(490000));
}

TEST_F(EmbeddedTest, EchoIsApproved) {
  Request echo = next(TransactionType::kEcho, "", 0);
  const Response r = send(echo);
  EXPECT_EQ(r.response_code, "00");
  EXPECT_TRUE(r.authorization_code.empty());
}

TEST_F(EmbeddedTest, ReversalsAreIdempotent) {
  const Request sale = next(TransactionType::kSale, visaPan(), 40000);
  const Response approved = send(sale);
  EXPECT_EQ(balance("visa"), cny(460000));

  Request reversal = referring(TransactionType::kReversal, sale, approved, 40000, stan(),
                               plus(sale.transmitted_at, std::chrono::seconds(40)));
  reversal.reversal_reason = "98";
  EXPECT_EQ(send(reversal).response_code, "00");
  EXPECT_EQ(balance("visa"), cny(500000));
  EXPECT_EQ(backend_->reversalCount(), 1u);

  Request repeat = reversal;
  repeat.repeat = true;
  repeat.stan = stan();
  repeat.transmitted_at = plus(reversal.transmitted_at, std::chrono::seconds(30));
  const Response again = send(repeat);
  EXPECT_EQ(again.response_code, "00");
  EXPECT_EQ(balance("visa"), cny(500000));  // not credited twice
  EXPECT_EQ(backend_->reversalCount(), 1u);

  Request unknown = reversal;
  unknown.stan = stan();
  unknown.original->stan = "654321";
  EXPECT_EQ(send(unknown).response_code, "25");
  unknown.stan = stan();
  EXPECT_EQ(send(unknown).response_code, "25");  // the same answer again
  EXPECT_EQ(backend_->reversalCount(), 1u);

  Request no_original = next(TransactionType::kReversal, visaPan(), 0);
  EXPECT_EQ(send(no_original).response_code, "30");
}

TEST_F(EmbeddedTest, ReversalOfADeclinedOriginalUndoesNothing) {
  const Request sale = next(TransactionType::kSale, mastercardPan(), 150000);
  const Response declined = send(sale);
  ASSERT_EQ(declined.response_code, "51");
  EXPECT_EQ(send(referring(TransactionType::kReversal, sale, declined, 150000, stan(),
                           plus(sale.transmitted_at, minutes(1))))
                .response_code,
            "00");
  EXPECT_EQ(balance("mc"), cny(100000));
}

TEST_F(EmbeddedTest, ReversalOfAPreauthReleasesItsHoldAndOfACancelRestoresIt) {
  const Request preauth = next(TransactionType::kPreauth, visaPan(), 30000);
  const Response held = send(preauth);
  const Request cancel = referring(TransactionType::kCancel, preauth, held, 30000, stan(),
                                   plus(preauth.transmitted_at, minutes(1)));
  const Response cancelled = send(cancel);
  EXPECT_EQ(openToBuy("visa"), cny(500000));
  // The cancel is reversed: the hold is back.
  EXPECT_EQ(send(referring(TransactionType::kReversal, cancel, cancelled, 30000, stan(),
                           plus(preauth.transmitted_at, minutes(2))))
                .response_code,
            "00");
  EXPECT_EQ(openToBuy("visa"), cny(470000));
  // The pre-auth is reversed: released for good.
  const LocalDateTime when = plus(preauth.transmitted_at, minutes(3));
  EXPECT_EQ(
      send(referring(TransactionType::kReversal, preauth, held, 30000, stan(), when)).response_code,
      "00");
  const Hold hold = backend_->account("visa")->holds[0];
  EXPECT_EQ(openToBuy("visa"), cny(500000));
  EXPECT_EQ(hold.release_reason, "reversal");
  EXPECT_EQ(hold.released_at->instant, when.instant);
}

TEST_F(EmbeddedTest, ReversalOfACompletionRestoresTheHoldAndTheHoldStillExpires) {
  const Request preauth = next(TransactionType::kPreauth, visaPan(), 10000);
  const Response held = send(preauth);
  const Request completion = referring(TransactionType::kCompletion, preauth, held, 9000, stan(),
                                       plus(preauth.transmitted_at, hours(1)));
  const Response completed = send(completion);
  ASSERT_EQ(completed.response_code, "00");
  EXPECT_EQ(balance("visa"), cny(491000));
  EXPECT_EQ(send(referring(TransactionType::kReversal, completion, completed, 9000, stan(),
                           plus(preauth.transmitted_at, hours(2))))
                .response_code,
            "00");
  EXPECT_EQ(balance("visa"), cny(500000));
  EXPECT_EQ(openToBuy("visa"), cny(490000));
  EXPECT_FALSE(backend_->account("visa")->holds[0].released_at.has_value());
  send(request(TransactionType::kEcho, "", 0, stan(), plus(preauth.transmitted_at, days(30))));
  EXPECT_EQ(backend_->account("visa")->holds[0].release_reason, "expiry");
  EXPECT_EQ(openToBuy("visa"), cny(500000));
}

TEST_F(EmbeddedTest, AReversedApprovalNoLongerCountsForVelocity) {
  EmbeddedConfig config = issuerConfig();
  config.velocity.push_back(VelocityLimit{1, std::nullopt, hours(24), ""});
  make(config);
  const Request sale = next(TransactionType::kSale, visaPan(), 100);
  const Response approved = send(sale);
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 1)).response_code, "65");
  send(referring(TransactionType::kReversal, sale, approved, 100, stan(),
                 plus(sale.transmitted_at, minutes(2))));
  EXPECT_EQ(send(next(TransactionType::kSale, visaPan(), 100, 3)).response_code, "00");
}

TEST_F(EmbeddedTest, AdvicesAreAlwaysAcknowledgedAndApplied) {
  EmbeddedConfig config = issuerConfig();
  ResponseRule decline_all;
  decline_all.response_code = "05";
  config.rules.push_back(decline_all);
  config.accounts[1].status = AccountStatus::kBlocked;
  make(config);
  Request offline = next(TransactionType::kSale, mastercardPan(), 150000);  // above the balance
  offline.kind = MessageKind::kAdvice;
  offline.offline_authorization_code = "Y1";
  EXPECT_EQ(send(offline).response_code, "00");
  EXPECT_EQ(balance("mc"), cny(-50000));
  Request repeated = offline;
  repeated.repeat = true;
  EXPECT_EQ(send(repeated).response_code, "00");
  EXPECT_EQ(balance("mc"), cny(-50000));  // applied once

  Request unknown = next(TransactionType::kSale, "4000000000000002", 100);
  unknown.kind = MessageKind::kAdvice;
  EXPECT_EQ(send(unknown).response_code, "00");

  Request reversal_advice = next(TransactionType::kReversal, mastercardPan(), 0);
  reversal_advice.kind = MessageKind::kAdvice;
  reversal_advice.original = OriginalData{};
  reversal_advice.original->stan = "424242";
  EXPECT_EQ(send(reversal_advice).response_code, "00");
}

TEST_F(EmbeddedTest, DuplicateTransmissionIsAnswered94) {
  const Request sale = next(TransactionType::kSale, visaPan(), 100);
  EXPECT_EQ(send(sale).response_code, "00");
  EXPECT_EQ(send(sale).response_code, "94");
  EXPECT_EQ(balance("visa"), cny(500000 - 100));
}

TEST_F(EmbeddedTest, SettlementComparesTheTerminalTotalsWithTheHost) {
  send(next(TransactionType::kSale, visaPan(), 10000));
  send(next(TransactionType::kSale, visaPan(), 20000));
  const Request voided = next(TransactionType::kSale, visaPan(), 5000);
  const Response voided_answer = send(voided);
  send(referring(TransactionType::kCancel, voided, voided_answer, 5000, stan(),
                 plus(voided.transmitted_at, minutes(1))));
  const Request reversed = next(TransactionType::kSale, visaPan(), 7000, 2);
  const Response reversed_answer = send(reversed);
  send(referring(TransactionType::kReversal, reversed, reversed_answer, 7000, stan(),
                 plus(reversed.transmitted_at, minutes(1))));
  send(next(TransactionType::kSale, mastercardPan(), 200000, 3));  // declined 51
  send(next(TransactionType::kRefund, mastercardPan(), 3000, 4));
  const Request preauth = next(TransactionType::kPreauth, visaPan(), 10000, 5);
  const Response held = send(preauth);
  send(referring(TransactionType::kCompletion, preauth, held, 9000, stan(),
                 plus(preauth.transmitted_at, minutes(1))));
  Request advice = next(TransactionType::kSale, mastercardPan(), 1500, 6);
  advice.kind = MessageKind::kAdvice;
  send(advice);
  Request other_batch = next(TransactionType::kSale, visaPan(), 999, 7);
  other_batch.batch_number = 2;
  send(other_batch);
  Request other_terminal = next(TransactionType::kSale, visaPan(), 888, 7);
  other_terminal.terminal_id = "87654321";
  send(other_terminal);

  Request settle = next(TransactionType::kSettle, "", 0, 30);
  BatchTotals totals;
  totals.debit_count = 4;  // 100.00 + 200.00 + 90.00 completion + 15.00 advice
  totals.debit_amount = 10000 + 20000 + 9000 + 1500;
  totals.credit_count = 1;
  totals.credit_amount = 3000;
  totals.cancel_count = 1;
  totals.cancel_amount = 5000;
  settle.totals = totals;
  const Response balanced = send(settle);
  EXPECT_EQ(balanced.response_code, "00");
  EXPECT_EQ(balanced.batch_balanced, true);
  ASSERT_TRUE(balanced.host_totals.has_value());
  EXPECT_EQ(*balanced.host_totals, totals);

  Request wrong = settle;
  wrong.stan = stan();
  wrong.totals->debit_amount += 1;
  const Response unbalanced = send(wrong);
  EXPECT_EQ(unbalanced.response_code, "95");
  EXPECT_EQ(unbalanced.batch_balanced, false);
  EXPECT_EQ(*unbalanced.host_totals, totals);

  Request missing = next(TransactionType::kSettle, "", 0, 31);
  EXPECT_EQ(send(missing).response_code, "30");
}

TEST_F(EmbeddedTest, TracesMaskThePanAndNeverShowThePinBlock) {
  Request sale = next(TransactionType::kSale, visaPan(), 100);
  sale.pin_block = pinBlock("1234", visaPan());
  send(sale);
  ASSERT_EQ(events_.events().size(), 2u);
  const TraceEvent& req = events_.events()[0];
  const TraceEvent& rsp = events_.events()[1];
  EXPECT_EQ(req.kind, TraceKind::kIso8583Request);
  EXPECT_EQ(rsp.kind, TraceKind::kIso8583Response);
  EXPECT_EQ(req.source, "acquirer:embedded");
  EXPECT_EQ(req.at, sale.transmitted_at.instant);
  EXPECT_EQ(rsp.at, sale.transmitted_at.instant + std::chrono::milliseconds(120));
  const std::string block_hex = toHex(sale.pin_block);
  for (const TraceEvent& event : events_.events()) {
    EXPECT_EQ(event.summary.find(visaPan()), std::string::npos) << event.summary;
    EXPECT_EQ(event.summary.find(block_hex), std::string::npos) << event.summary;
    EXPECT_TRUE(event.data.empty());
  }
  EXPECT_NE(req.summary.find("476173******0010"), std::string::npos) << req.summary;
  EXPECT_NE(rsp.summary.find("00 approved"), std::string::npos) << rsp.summary;
}

TEST_F(EmbeddedTest, NullEventSinkIsAllowed) {
  EmbeddedBackend quiet(issuerConfig(), random_, nullptr);
  EXPECT_TRUE(quiet.send(next(TransactionType::kSale, visaPan(), 100)).isOk());
}

TEST_F(EmbeddedTest, AuthorizationCodesAreDeterministicForASeed) {
  SeededRandom a(5);
  SeededRandom b(5);
  EmbeddedBackend first(issuerConfig(), a, nullptr);
  EmbeddedBackend second(issuerConfig(), b, nullptr);
  for (int i = 0; i < 5; ++i) {
    const Request sale = next(TransactionType::kSale, visaPan(), 100);
    EXPECT_EQ(first.send(sale)->authorization_code, second.send(sale)->authorization_code);
  }
}

TEST(EmbeddedNamesTest, AccountStatusNames) {
  EXPECT_EQ(accountStatusName(AccountStatus::kActive), "active");
  EXPECT_EQ(accountStatusName(AccountStatus::kBlocked), "blocked");
  EXPECT_EQ(accountStatusName(AccountStatus::kLost), "lost");
  EXPECT_EQ(accountStatusName(AccountStatus::kStolen), "stolen");
  EXPECT_EQ(accountStatusName(AccountStatus::kExpired), "expired");
}

}  // namespace
}  // namespace posim::acquirer
