#include "posim/terminal/engine.h"

#include <gtest/gtest.h>

#include "posim/emv/tlv.h"

#include "engine_fixture.h"

namespace posim::terminal {
namespace {

using test::at;
using test::day;
using test::TerminalRig;
using test::yuan;

std::string iso(const std::optional<LocalDateTime>& t) {
  return t ? formatIso8601(*t) : "(none)";
}

TEST(EngineTest, ChipSaleWithOnlinePinIsApprovedAndArrivesUnderTPlusOne) {
  TerminalRig rig;
  auto sale = rig.sale("100.00");
  ASSERT_TRUE(sale.isOk()) << sale.status().toString();
  EXPECT_TRUE(sale->approved) << sale->reason;
  EXPECT_EQ(sale->response_code, "00");
  EXPECT_EQ(sale->cvm, "online_pin");
  EXPECT_EQ(sale->cryptogram, "TC");
  EXPECT_EQ(sale->stan, "000001");
  EXPECT_EQ(sale->authorization_code.size(), 6u);
  EXPECT_FALSE(sale->rrn.empty());
  EXPECT_EQ(
      sale->masked_pan.substr(sale->masked_pan.size() - 4),
      rig.card("visa").profile().pan.digits().substr(rig.card("visa").profile().pan.size() - 4));
  EXPECT_EQ(sale->tvr.size(), 10u);
  // Timeline: card read, PIN entry, host time, second GENERATE AC.
  EXPECT_EQ(iso(sale->started_at), "2026-09-30T15:00:00+08:00");
  EXPECT_EQ(iso(sale->card_done_at), "2026-09-30T15:00:05.5+08:00");
  EXPECT_EQ(iso(sale->authorized_at), "2026-09-30T15:00:05.65+08:00");
  EXPECT_EQ(iso(sale->captured_at), "2026-09-30T15:00:05.65+08:00");
  // DESIGN.md §5 worked example.
  EXPECT_EQ(iso(sale->arrival_at), "2026-10-08T09:00:00+08:00");
  EXPECT_EQ(sale->clearing_date, day("2026-09-30"));
  EXPECT_EQ(sale->settlement_date, day("2026-10-08"));
  EXPECT_EQ(sale->fee, yuan("0.60"));
  EXPECT_EQ(sale->net_amount, yuan("99.40"));
  EXPECT_EQ(sale->statusAt(rig.clock().now()), TransactionStatus::kApproved);
  EXPECT_EQ(sale->statusAt(at("2026-10-08T09:00:00+08:00").instant), TransactionStatus::kSettled);
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("4900.00"));
  // The journal holds the same record; nothing is queued.
  auto stored = rig.journal().find(sale->id);
  ASSERT_TRUE(stored.isOk());
  EXPECT_EQ(stored->arrival_at->instant, sale->arrival_at->instant);
  EXPECT_TRUE(rig.journal().pending(true)->empty());
}

TEST(EngineTest, DevicesShowPromptsAndPrintBothCopiesWithMaskedPan) {
  TerminalRig rig;
  auto sale = rig.sale("88.00");
  ASSERT_TRUE(sale.isOk());
  const RecordingDisplay& display = rig.devices().display;
  EXPECT_TRUE(display.contains("PRESENT CARD"));
  EXPECT_TRUE(display.contains("APPROVED"));
  const auto& receipts = rig.devices().printer.receipts();
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_EQ(receipts[0].copy, ReceiptCopy::kMerchant);
  EXPECT_EQ(receipts[1].copy, ReceiptCopy::kCustomer);
  const std::string& pan = rig.card("visa").profile().pan.digits();
  for (const Receipt& r : receipts) {
    EXPECT_EQ(r.text.find(pan), std::string::npos) << r.text;
    EXPECT_NE(r.text.find(sale->masked_pan), std::string::npos);
    EXPECT_NE(r.text.find(sale->aid), std::string::npos);
    EXPECT_NE(r.text.find("TVR"), std::string::npos);
    EXPECT_NE(r.text.find("TSI"), std::string::npos);
    EXPECT_NE(r.text.find(sale->cryptogram_hex), std::string::npos);
    EXPECT_NE(r.text.find(sale->authorization_code), std::string::npos);
    EXPECT_NE(r.text.find("88.00 CNY"), std::string::npos);
  }
  EXPECT_NE(receipts[0].text.find("MERCHANT COPY"), std::string::npos);
  EXPECT_NE(receipts[1].text.find("CUSTOMER COPY"), std::string::npos);
  EXPECT_EQ(rig.devices().pin_pad.requests().size(), 1u);
  EXPECT_EQ(sale->receipts.size(), 2u);
}

TEST(EngineTest, SaleAfterCutoffArrivesADayLater) {
  TerminalRig rig(":memory:", "2026-09-30T23:30:00+08:00");
  auto sale = rig.sale("100.00", "visa", emv::EntryMode::kContactless);
  ASSERT_TRUE(sale.isOk()) << sale.status().toString();
  ASSERT_TRUE(sale->approved) << sale->reason;
  EXPECT_EQ(sale->clearing_date, day("2026-10-08"));
  EXPECT_EQ(iso(sale->arrival_at), "2026-10-09T09:00:00+08:00");
}

TEST(EngineTest, WrongOnlinePinIsDeclinedWith55) {
  TerminalRig rig;
  auto sale = rig.sale("100.00", "visa", emv::EntryMode::kContact, "9999");
  ASSERT_TRUE(sale.isOk());
  EXPECT_FALSE(sale->approved);
  EXPECT_EQ(sale->response_code, "55");
  EXPECT_FALSE(sale->arrival_at.has_value());
  EXPECT_EQ(sale->statusAt(rig.clock().now()), TransactionStatus::kDeclined);
  EXPECT_TRUE(rig.devices().display.contains("DECLINED"));
  EXPECT_TRUE(rig.journal().pending(true)->empty()) << "a declined request needs no reversal";
}

TEST(EngineTest, PreauthPlacesAHoldAndCompletionWithin115PercentCaptures) {
  TerminalRig rig;
  auto hold = rig.preauth("500.00");
  ASSERT_TRUE(hold.isOk());
  ASSERT_TRUE(hold->approved) << hold->reason;
  EXPECT_TRUE(hold->hold_placed_at.has_value());
  EXPECT_FALSE(hold->arrival_at.has_value()) << "a pre-auth never arrives";
  EXPECT_EQ(hold->statusAt(rig.clock().now()), TransactionStatus::kHeld);
  EXPECT_EQ(rig.host().account("visa")->open_to_buy, yuan("4500.00"));

  rig.clock().advance(std::chrono::hours(2));
  auto too_much = rig.referenced(TransactionType::kCompletion, hold->id, "575.01");
  ASSERT_TRUE(too_much.isOk());
  EXPECT_FALSE(too_much->approved);
  EXPECT_EQ(too_much->outcome, "refused");
  EXPECT_NE(too_much->reason.find("115%"), std::string::npos) << too_much->reason;
  EXPECT_TRUE(too_much->response_code.empty()) << "the terminal refuses without the host";

  auto completion = rig.referenced(TransactionType::kCompletion, hold->id, "575.00");
  ASSERT_TRUE(completion.isOk());
  ASSERT_TRUE(completion->approved) << completion->reason;
  EXPECT_TRUE(completion->arrival_at.has_value());
  EXPECT_EQ(completion->amount, yuan("575.00"));
  auto original = rig.engine().record(hold->id);
  EXPECT_TRUE(original->completed);
  EXPECT_EQ(original->hold_release_reason, "completion");
  EXPECT_EQ(original->statusAt(rig.clock().now()), TransactionStatus::kReleased);
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("4425.00"));
  EXPECT_EQ(rig.host().account("visa")->open_to_buy, yuan("4425.00"));

  auto again = rig.referenced(TransactionType::kCompletion, hold->id);
  EXPECT_EQ(again->outcome, "refused");
}

TEST(EngineTest, CancelOfAPreauthReleasesTheHold) {
  TerminalRig rig(":memory:", "2026-09-30T21:30:00+08:00");
  auto hold = rig.preauth("500.00");
  ASSERT_TRUE(hold->approved);
  rig.clock().advance(std::chrono::hours(2));
  auto cancel = rig.referenced(TransactionType::kCancel, hold->id);
  ASSERT_TRUE(cancel.isOk());
  EXPECT_TRUE(cancel->approved) << cancel->reason;
  auto original = rig.engine().record(hold->id);
  EXPECT_EQ(original->hold_release_reason, "cancel");
  EXPECT_EQ(original->statusAt(rig.clock().now()), TransactionStatus::kReleased);
  EXPECT_EQ(rig.host().account("visa")->open_to_buy, yuan("5000.00"));
  auto completion = rig.referenced(TransactionType::kCompletion, hold->id);
  EXPECT_EQ(completion->outcome, "refused");
}

TEST(EngineTest, AnExpiredHoldCannotBeCompleted) {
  TerminalRig rig;
  auto hold = rig.preauth("300.00");
  ASSERT_TRUE(hold->approved);
  rig.clock().advance(std::chrono::hours(24 * 30) + std::chrono::seconds(1));
  auto completion = rig.referenced(TransactionType::kCompletion, hold->id);
  ASSERT_TRUE(completion.isOk());
  EXPECT_EQ(completion->outcome, "refused");
  auto original = rig.engine().record(hold->id);
  EXPECT_EQ(original->hold_release_reason, "expiry");
  EXPECT_EQ(
      formatIso8601(*original->hold_released_at),
      formatIso8601(settlement::holdExpiry(rig.config().settlement, *original->hold_placed_at)));
}

TEST(EngineTest, VoidInTheOpenBatchRemovesTheSaleFromSettlement) {
  TerminalRig rig;
  auto sale = rig.sale("100.00");
  ASSERT_TRUE(sale->approved);
  auto partial = rig.referenced(TransactionType::kCancel, sale->id, "50.00");
  EXPECT_EQ(partial->outcome, "refused") << "a void is for the full amount";
  auto cancel = rig.referenced(TransactionType::kCancel, sale->id);
  ASSERT_TRUE(cancel.isOk());
  EXPECT_TRUE(cancel->approved) << cancel->reason;
  auto original = rig.engine().record(sale->id);
  EXPECT_TRUE(original->voided);
  EXPECT_FALSE(original->arrival_at.has_value());
  EXPECT_EQ(original->statusAt(rig.clock().now()), TransactionStatus::kVoided);
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("5000.00"));
  auto twice = rig.referenced(TransactionType::kCancel, sale->id);
  EXPECT_EQ(twice->outcome, "refused");
  auto refund = rig.referenced(TransactionType::kRefund, sale->id, "10.00");
  EXPECT_EQ(refund->outcome, "refused") << "a voided sale cannot be refunded";
}

TEST(EngineTest, AfterSettlementASaleIsRefundedNotVoided) {
  TerminalRig rig;
  auto sale = rig.sale("100.00");
  ASSERT_TRUE(sale->approved);
  auto settle = rig.simple(TransactionType::kSettle);
  ASSERT_TRUE(settle.isOk()) << settle.status().toString();
  ASSERT_TRUE(settle->approved) << settle->reason;
  auto cancel = rig.referenced(TransactionType::kCancel, sale->id);
  EXPECT_EQ(cancel->outcome, "refused");
  EXPECT_NE(cancel->reason.find("open batch"), std::string::npos);

  rig.clock().advance(std::chrono::hours(24));  // 2026-10-01, National Day
  auto r1 = rig.referenced(TransactionType::kRefund, sale->id, "20.00");
  ASSERT_TRUE(r1->approved) << r1->reason;
  auto r2 = rig.referenced(TransactionType::kRefund, sale->id, "30.00");
  ASSERT_TRUE(r2->approved) << r2->reason;
  auto over = rig.referenced(TransactionType::kRefund, sale->id, "50.01");
  EXPECT_EQ(over->outcome, "refused");
  auto rest = rig.referenced(TransactionType::kRefund, sale->id);
  ASSERT_TRUE(rest->approved);
  EXPECT_EQ(rest->amount, yuan("50.00"));
  auto original = rig.engine().record(sale->id);
  EXPECT_EQ(original->refunded, yuan("100.00"));
  EXPECT_EQ(original->statusAt(rig.clock().now()), TransactionStatus::kRefunded);
  // The cardholder's credit: T+3 counted from the refund's clearing date over the holiday
  // (2026-10-01 is a holiday: clearing moves to 10-08; three business days on: 10-09, 10-10
  // (make-up Saturday), 10-12).
  EXPECT_EQ(r1->clearing_date, day("2026-10-08"));
  EXPECT_EQ(iso(r1->arrival_at), "2026-10-12T09:00:00+08:00");
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("5000.00"));
}

TEST(EngineTest, HostTimeoutIsReversedRightAway) {
  TerminalRig rig;
  rig.faults().inject({acquirer::FaultKind::kTimeout, 1, {}, {}, {}, {}});
  auto sale = rig.sale("100.00");
  ASSERT_TRUE(sale.isOk()) << sale.status().toString();
  EXPECT_FALSE(sale->approved && !sale->offline_approved) << "no online approval without an answer";
  EXPECT_EQ(sale->reversal_reason, "98");
  EXPECT_TRUE(sale->reversal_sent);
  EXPECT_TRUE(sale->reversed);
  EXPECT_FALSE(sale->reversal_pending);
  EXPECT_EQ(rig.host().reversalCount(), 1u);
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("5000.00"))
      << "the host processed the request whose answer was lost, then the reversal";
}

TEST(EngineTest, TimeoutThenOfflineApprovalReversesTheRequestAndAdvisesTheSale) {
  TerminalRig rig;
  rig.faults().inject({acquirer::FaultKind::kTimeout, 1, {}, {}, {}, {}});
  auto sale = rig.sale("50.00");  // below the floor limit: the card may approve offline (Y3)
  ASSERT_TRUE(sale.isOk()) << sale.status().toString();
  ASSERT_TRUE(sale->approved) << sale->outcome << ": " << sale->reason;
  EXPECT_EQ(sale->response_code, "Y3");
  EXPECT_TRUE(sale->offline_approved);
  EXPECT_TRUE(sale->reversal_sent) << "the online request was reversed";
  EXPECT_FALSE(sale->reversed) << "the sale itself stands";
  EXPECT_EQ(sale->statusAt(rig.clock().now()), TransactionStatus::kApproved);
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("4950.00"))
      << "the advice went right after the reversal";
  auto stored = rig.engine().record(sale->id);
  EXPECT_TRUE(stored->advice_sent);
  ASSERT_TRUE(stored->captured_at.has_value());
  EXPECT_TRUE(stored->arrival_at.has_value());
  EXPECT_TRUE(rig.journal().pending(true)->empty());
}

TEST(EngineTest, AReversalTheHostCannotTakeGoesBeforeTheNextTransaction) {
  TerminalRig rig;
  rig.faults().inject({acquirer::FaultKind::kTimeout, 1, {}, {}, {}, {}});
  acquirer::Fault down;
  down.kind = acquirer::FaultKind::kHostDown;
  down.until = at("2026-09-30T16:00:00+08:00").instant;
  rig.faults().inject(down);
  auto sale = rig.sale("100.00");
  ASSERT_TRUE(sale.isOk()) << sale.status().toString();
  EXPECT_TRUE(sale->reversal_pending);
  EXPECT_FALSE(sale->reversal_sent);
  EXPECT_EQ(rig.host().reversalCount(), 0u);
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("4900.00"));
  auto queued = rig.journal().pending();
  ASSERT_TRUE(queued.isOk());
  EXPECT_GE(queued->size(), 1u);

  rig.clock().advance(std::chrono::hours(1));  // the host is back
  auto next = rig.sale("10.00", "visa");
  ASSERT_TRUE(next.isOk());
  EXPECT_EQ(rig.host().reversalCount(), 1u);
  auto first = rig.engine().record(sale->id);
  EXPECT_TRUE(first->reversed);
  EXPECT_TRUE(first->reversal_sent);
  EXPECT_FALSE(first->reversal_pending);
  EXPECT_EQ(first->statusAt(rig.clock().now()), TransactionStatus::kReversed);
  EXPECT_FALSE(first->arrival_at.has_value());
  EXPECT_TRUE(rig.journal().pending(true)->empty());
}

TEST(EngineTest, HostDownSendsNothingToReverse) {
  TerminalRig rig;
  acquirer::Fault down;
  down.kind = acquirer::FaultKind::kHostDown;
  down.until = at("2026-09-30T16:00:00+08:00").instant;
  rig.faults().inject(down);
  auto sale = rig.sale("100.00");
  ASSERT_TRUE(sale.isOk());
  EXPECT_FALSE(sale->reversal_pending);
  EXPECT_EQ(rig.host().requestCount(), 0u);
  auto queue = rig.journal().allPending();
  ASSERT_TRUE(queue.isOk());
  for (const PendingMessage& m : *queue) {
    if (m.kind == PendingMessage::Kind::kReversal) {
      EXPECT_EQ(m.state, PendingMessage::State::kCancelled) << "nothing left the terminal";
    }
  }
}

// Flips a byte of the issuer authentication data (91) in every answer: the card then refuses
// the host's approval.
class BadArpcBackend final : public acquirer::AcquirerBackend {
 public:
  explicit BadArpcBackend(acquirer::AcquirerBackend& inner) : inner_(inner) {}
  std::string_view id() const override { return "bad-arpc"; }
  Result<acquirer::Response> send(const acquirer::Request& request) override {
    auto response = inner_.send(request);
    if (response.isOk() && request.type != TransactionType::kReversal) {
      Bytes& icc = response->icc_data;
      for (std::size_t i = 0; i + 2 < icc.size(); ++i) {
        if (icc[i] == 0x91) {
          icc[i + 2] ^= 0x01;
          break;
        }
      }
    }
    return response;
  }

 private:
  acquirer::AcquirerBackend& inner_;
};

TEST(EngineTest, CardThatDeclinesAfterHostApprovalIsReversed) {
  TerminalRig rig;
  BadArpcBackend bad(rig.host());
  rig.makeEngine(bad);
  auto sale = rig.sale("100.00", "unionpay");
  ASSERT_TRUE(sale.isOk()) << sale.status().toString();
  EXPECT_FALSE(sale->approved) << sale->outcome;
  EXPECT_EQ(sale->response_code, "00");
  EXPECT_EQ(sale->reversal_reason, "06");
  EXPECT_TRUE(sale->reversal_sent);
  EXPECT_EQ(rig.host().reversalCount(), 1u);
  auto sent = rig.engine().recover();
  ASSERT_TRUE(sent.isOk());
  EXPECT_EQ(*sent, 0) << "nothing left to send";
  EXPECT_EQ(rig.host().account("unionpay")->balance, yuan("5000.00"));
}

TEST(EngineTest, SettleSendsTotalsAndOpensTheNextBatch) {
  TerminalRig rig;
  auto s1 = rig.sale("100.00");
  auto s2 = rig.sale("50.00");
  ASSERT_TRUE(s1->approved && s2->approved);
  ASSERT_TRUE(rig.referenced(TransactionType::kCancel, s2->id)->approved);
  auto totals = rig.engine().openBatchTotals();
  ASSERT_TRUE(totals.isOk());
  EXPECT_EQ(totals->debit_count, 1u);
  EXPECT_EQ(totals->debit_amount, 10000);
  EXPECT_EQ(totals->cancel_count, 1u);
  EXPECT_EQ(totals->cancel_amount, 5000);
  auto settle = rig.simple(TransactionType::kSettle);
  ASSERT_TRUE(settle.isOk());
  EXPECT_TRUE(settle->approved) << settle->reason;
  EXPECT_EQ(settle->batch_balanced, true);
  EXPECT_EQ(settle->batch_number, 1u);
  EXPECT_EQ(*rig.journal().batchNumber(), 2u);
  EXPECT_TRUE(rig.devices().printer.contains("SETTLEMENT"));
  EXPECT_TRUE(rig.devices().printer.contains("BATCH BALANCED"));
  auto next = rig.sale("10.00");
  EXPECT_EQ(next->batch_number, 2u);
}

TEST(EngineTest, EchoAndBalanceInquiry) {
  TerminalRig rig;
  auto echo = rig.simple(TransactionType::kEcho);
  ASSERT_TRUE(echo.isOk());
  EXPECT_TRUE(echo->approved);
  rig.present("visa", emv::EntryMode::kContact);
  TransactionRequest balance;
  balance.type = TransactionType::kBalance;
  balance.card = "visa";
  auto inquiry = rig.engine().run(balance);
  ASSERT_TRUE(inquiry.isOk()) << inquiry.status().toString();
  EXPECT_TRUE(inquiry->approved) << inquiry->reason;
  ASSERT_TRUE(inquiry->available_balance.has_value());
  EXPECT_EQ(*inquiry->available_balance, yuan("5000.00"));
}

TEST(EngineTest, NoCardMeansNoTransaction) {
  TerminalRig rig;
  rig.devices().reader.clear();
  TransactionRequest request;
  request.type = TransactionType::kSale;
  request.amount = yuan("10.00");
  auto sale = rig.engine().run(request);
  ASSERT_TRUE(sale.isOk());
  EXPECT_FALSE(sale->approved);
  EXPECT_EQ(sale->outcome, "no_card");
  EXPECT_EQ(rig.host().requestCount(), 0u);
}

TEST(EngineTest, RequestsTheEngineCannotStartAreErrors) {
  TerminalRig rig;
  TransactionRequest no_amount;
  no_amount.type = TransactionType::kSale;
  EXPECT_EQ(rig.engine().run(no_amount).status().code(), StatusCode::kInvalidArgument);
  TransactionRequest unknown;
  unknown.type = TransactionType::kRefund;
  unknown.original_id = 99;
  EXPECT_EQ(rig.engine().run(unknown).status().code(), StatusCode::kInvalidArgument);
  TransactionRequest wrong_currency;
  wrong_currency.type = TransactionType::kSale;
  wrong_currency.amount = *Money::parse("1.00", *currencyByAlpha("USD"));
  EXPECT_EQ(rig.engine().run(wrong_currency).status().code(), StatusCode::kInvalidArgument);
}

TEST(EngineTest, ManualReversalGoesThroughTheQueue) {
  TerminalRig rig;
  auto sale = rig.sale("100.00");
  ASSERT_TRUE(sale->approved);
  auto reversal = rig.referenced(TransactionType::kReversal, sale->id);
  ASSERT_TRUE(reversal.isOk());
  EXPECT_TRUE(reversal->approved) << reversal->reason;
  EXPECT_EQ(rig.host().reversalCount(), 1u);
  EXPECT_EQ(rig.host().account("visa")->balance, yuan("5000.00"));
  EXPECT_EQ(rig.engine().record(sale->id)->statusAt(rig.clock().now()),
            TransactionStatus::kReversed);
}

}  // namespace
}  // namespace posim::terminal

namespace posim::terminal {
namespace {

using test::TerminalRig;
using test::yuan;

TEST(EngineOfflineTest, OfflineApprovalIsCapturedWhenTheAdviceIsUploaded) {
  TerminalRig rig(":memory:", "2026-09-30T22:50:00+08:00");
  // A new card goes online once (TVR "new card"); after that it may approve offline.
  auto first = rig.sale("30.00", "sda");
  ASSERT_TRUE(first.isOk() && first->approved && first->went_online);
  const std::size_t host_requests = rig.host().requestCount();
  auto sale = rig.sale("10.00", "sda");
  ASSERT_TRUE(sale.isOk()) << sale.status().toString();
  ASSERT_TRUE(sale->approved) << sale->outcome << ": " << sale->reason;
  ASSERT_TRUE(sale->offline_approved)
      << sale->outcome << ": " << sale->reason << " TVR " << sale->tvr << " CVM " << sale->cvm;
  EXPECT_EQ(sale->response_code, "Y1");
  EXPECT_FALSE(sale->captured_at.has_value()) << "captured only when the host learns of it";
  EXPECT_FALSE(sale->arrival_at.has_value());
  EXPECT_EQ(rig.host().requestCount(), host_requests);
  ASSERT_EQ(rig.journal().pending()->size(), 1u);

  // Uploaded at settle, after the cutoff: it clears a day later than its card time.
  rig.clock().advance(std::chrono::minutes(20));
  auto settle = rig.simple(TransactionType::kSettle);
  ASSERT_TRUE(settle.isOk());
  EXPECT_TRUE(settle->approved) << settle->reason;
  EXPECT_EQ(settle->batch_balanced, true);
  auto uploaded = rig.engine().record(sale->id);
  EXPECT_TRUE(uploaded->advice_sent);
  ASSERT_TRUE(uploaded->captured_at.has_value());
  EXPECT_EQ(formatIso8601(*uploaded->captured_at).substr(0, 16), "2026-09-30T23:10");
  EXPECT_EQ(uploaded->clearing_date, test::day("2026-10-08"));
  EXPECT_EQ(formatIso8601(*uploaded->arrival_at), "2026-10-09T09:00:00+08:00");
  EXPECT_EQ(rig.host().account("sda")->balance, yuan("4960.00"));
  EXPECT_TRUE(rig.journal().pending(true)->empty());
}

}  // namespace
}  // namespace posim::terminal
