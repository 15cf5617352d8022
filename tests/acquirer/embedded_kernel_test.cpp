// The embedded issuer against the real terminal kernel and virtual cards: the ARQC of a real
// transaction verifies, the card accepts the ARPC, and the card executes the issuer scripts the
// issuer MACs.
#include <gtest/gtest.h>

#include "posim/acquirer/embedded.h"
#include "posim/base/random.h"
#include "posim/emv/kernel.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/test_cards.h"
#include "posim/emv/test_terminals.h"
#include "posim/emv/tlv.h"
#include "posim/emv/virtual_card.h"

#include "acquirer_test_support.h"

namespace posim::acquirer {
namespace {

using testing::at;
using testing::cny;
using testing::issuerConfig;
using testing::kStart;

class FixedPin final : public emv::PinEntry {
 public:
  explicit FixedPin(std::string pin) : pin_(std::move(pin)) {}
  emv::PinEntryResult enterPin(const emv::PinRequest&) override {
    return emv::PinEntryResult::entered(pin_);
  }

 private:
  std::string pin_;
};

// What the terminal engine does: emv::OnlineRequest -> acquirer::Request, Response -> emv.
class AcquirerAuthorizer final : public emv::OnlineAuthorizer {
 public:
  AcquirerAuthorizer(AcquirerBackend& backend, LocalDateTime when)
      : backend_(backend), when_(when) {}

  emv::OnlineResponse authorize(const emv::OnlineRequest& online) override {
    Request r;
    r.type = TransactionType::kSale;
    r.pan = online.pan;
    r.pan_sequence_number = online.pan_sequence_number;
    r.track2 = online.track2;
    r.expiry_yymm = online.expiry_yymm;
    r.pos_entry_mode = online.pos_entry_mode + "1";
    r.pin_block = online.pin_block;
    r.icc_data = online.icc_data;
    r.amount = online.amount;
    r.other_amount = online.other_amount;
    r.stan = "000001";
    r.transmitted_at = when_;
    r.terminal_id = "12345678";
    r.batch_number = 1;
    last_request = r;
    emv::OnlineResponse out;
    auto sent = backend_.send(r);
    if (!sent.isOk()) return out;  // unable to go online
    last_response = *sent;
    out.kind = sent->approved() ? emv::OnlineResponse::Kind::kApproved
                                : emv::OnlineResponse::Kind::kDeclined;
    out.response_code = sent->response_code;
    out.authorization_code = sent->authorization_code;
    const emv::TlvDecodeResult decoded = emv::decodeTlv(sent->icc_data);
    for (const emv::TlvNode& node : decoded.nodes) {
      if (node.tag == emv::kTag91IssuerAuthenticationData) {
        out.issuer_authentication_data.assign(node.value.begin(), node.value.end());
      } else if (node.tag == 0x71 || node.tag == 0x72) {
        emv::appendTlvNode(out.issuer_scripts, node);
      }
    }
    return out;
  }

  Request last_request;
  Response last_response;

 private:
  AcquirerBackend& backend_;
  LocalDateTime when_;
};

struct SaleRun {
  emv::KernelResult result;
  Request request;
  Response response;
};

SaleRun runSale(EmbeddedBackend& backend, emv::VirtualCard& card, std::int64_t amount,
                const std::string& pin = "1234") {
  static const emv::TerminalProfile terminal = emv::countertopTerminal();
  SeededRandom random(11);
  FixedPin pin_entry(pin);
  AcquirerAuthorizer authorizer(backend, at(kStart));
  emv::Kernel kernel(terminal, {&random, nullptr, &pin_entry, nullptr, &authorizer});
  emv::TransactionInputs inputs;
  inputs.amount = cny(amount);
  inputs.at = at(kStart);
  SaleRun run;
  run.result = kernel.run(card, inputs);
  run.request = authorizer.last_request;
  run.response = authorizer.last_response;
  return run;
}

class EmbeddedKernelTest : public ::testing::Test {
 protected:
  SeededRandom random_{99};
};

TEST_F(EmbeddedKernelTest, ChipSaleWithOnlinePinIsApprovedAndTheCardAcceptsTheArpc) {
  EmbeddedBackend backend(issuerConfig(), random_, nullptr);
  auto card = emv::VirtualCard::create(emv::visaCreditCard());
  ASSERT_TRUE(card.isOk()) << card.status().toString();
  const SaleRun run = runSale(backend, *card, 50000);  // 500.00 CNY, above the floor limit
  EXPECT_EQ(run.result.outcome, emv::Outcome::kApprovedOnline)
      << emv::outcomeName(run.result.outcome) << ": " << run.result.reason;
  EXPECT_EQ(run.result.cvm, "online PIN");
  EXPECT_FALSE(run.request.pin_block.empty());
  EXPECT_FALSE(run.request.icc_data.empty());
  EXPECT_EQ(run.response.response_code, "00");
  EXPECT_EQ(run.result.authorisation_response_code, "00");
  EXPECT_FALSE(run.result.tvr.issuerAuthenticationFailed());
  EXPECT_TRUE(run.result.tsi.issuerAuthenticationPerformed());
  EXPECT_EQ(run.result.cryptogram_type, emv::CryptogramType::kTc);
  // 91 is the only object in the response's DE 55 (no script asked for).
  const emv::TlvDecodeResult decoded = emv::decodeTlv(run.response.icc_data);
  ASSERT_EQ(decoded.nodes.size(), 1u);
  EXPECT_EQ(decoded.nodes[0].tag, emv::kTag91IssuerAuthenticationData);
  EXPECT_EQ(backend.account("visa")->balance, cny(500000 - 50000));
  EXPECT_EQ(backend.account("visa")->pin_tries_left, 3);
}

TEST_F(EmbeddedKernelTest, WrongOnlinePinIsDeclinedOnline55) {
  EmbeddedBackend backend(issuerConfig(), random_, nullptr);
  auto card = emv::VirtualCard::create(emv::visaCreditCard());
  ASSERT_TRUE(card.isOk());
  const SaleRun run = runSale(backend, *card, 50000, "4321");
  EXPECT_EQ(run.response.response_code, "55");
  EXPECT_EQ(run.result.outcome, emv::Outcome::kDeclinedOnline) << run.result.reason;
  // The decline still carries a valid ARPC.
  EXPECT_FALSE(run.result.tvr.issuerAuthenticationFailed());
  EXPECT_EQ(backend.account("visa")->pin_tries_left, 2);
  EXPECT_EQ(backend.account("visa")->balance, cny(500000));
}

TEST_F(EmbeddedKernelTest, ApplicationBlockScriptIsExecutedByTheCard) {
  EmbeddedConfig config = issuerConfig();
  ScriptRule block;
  block.card = "visa";
  block.command = ScriptRule::Command::kApplicationBlock;
  block.template_tag = 0x72;
  config.scripts.push_back(block);
  ScriptRule other_card;
  other_card.card = "mc";
  config.scripts.push_back(other_card);
  EmbeddedBackend backend(config, random_, nullptr);
  auto card = emv::VirtualCard::create(emv::visaCreditCard());
  ASSERT_TRUE(card.isOk());
  const SaleRun run = runSale(backend, *card, 50000);
  EXPECT_EQ(run.result.outcome, emv::Outcome::kApprovedOnline) << run.result.reason;
  const emv::TlvDecodeResult decoded = emv::decodeTlv(run.response.icc_data);
  ASSERT_EQ(decoded.nodes.size(), 2u);  // 91 and one 72 (the mc rule does not apply)
  EXPECT_EQ(decoded.nodes[1].tag, 0x72u);
  const emv::ApplicationState& state = card->state().applications[0];
  EXPECT_TRUE(state.blocked);
  EXPECT_EQ(state.script_commands, 1);
  EXPECT_FALSE(state.script_failed);
  EXPECT_TRUE(run.result.tsi.scriptProcessingPerformed());
  EXPECT_FALSE(run.result.tvr.scriptFailedAfterFinalGenerateAc());
}

TEST_F(EmbeddedKernelTest, PinChangeScriptBeforeTheFinalGenerateAc) {
  EmbeddedConfig config = issuerConfig();
  ScriptRule change;
  change.command = ScriptRule::Command::kPinChange;
  change.new_pin = "8642";
  change.template_tag = 0x71;
  config.scripts.push_back(change);
  EmbeddedBackend backend(config, random_, nullptr);
  auto card = emv::VirtualCard::create(emv::visaCreditCard());
  ASSERT_TRUE(card.isOk());
  const SaleRun run = runSale(backend, *card, 50000);
  EXPECT_EQ(run.result.outcome, emv::Outcome::kApprovedOnline) << run.result.reason;
  EXPECT_EQ(card->state().offline_pin, "8642");
  EXPECT_EQ(card->state().applications[0].script_commands, 1);
  EXPECT_FALSE(card->state().applications[0].script_failed);
  EXPECT_FALSE(run.result.tvr.scriptFailedBeforeFinalGenerateAc());
}

TEST_F(EmbeddedKernelTest, PutDataScriptOnAMastercardWithCommonSessionKeys) {
  EmbeddedConfig config = issuerConfig();
  ScriptRule put;
  put.card = "mc";
  put.command = ScriptRule::Command::kPutData;
  put.put_data_tag_value = hexBytes("9F580103");
  config.scripts.push_back(put);
  EmbeddedBackend backend(config, random_, nullptr);
  auto card = emv::VirtualCard::create(emv::mastercardDebitCard());
  ASSERT_TRUE(card.isOk());
  const SaleRun run = runSale(backend, *card, 50000);
  EXPECT_EQ(run.result.outcome, emv::Outcome::kApprovedOnline) << run.result.reason;
  EXPECT_FALSE(run.result.tvr.issuerAuthenticationFailed());
  const emv::ApplicationState& state = card->state().applications[0];
  ASSERT_EQ(state.put_data.size(), 1u);
  EXPECT_EQ(state.put_data[0].first, 0x9F58u);
  EXPECT_EQ(state.put_data[0].second, hexBytes("03"));
  EXPECT_FALSE(state.script_failed);
  EXPECT_EQ(backend.account("mc")->balance, cny(100000 - 50000));
}

TEST_F(EmbeddedKernelTest, AWrongArqcIsDeclined05) {
  EmbeddedBackend backend(issuerConfig(), random_, nullptr);
  auto card = emv::VirtualCard::create(emv::visaCreditCard());
  ASSERT_TRUE(card.isOk());
  const SaleRun run = runSale(backend, *card, 50000);
  ASSERT_EQ(run.response.response_code, "00");

  // The same DE 55 with one byte of 9F26 flipped, as a new request.
  Request forged = run.request;
  forged.stan = "000002";
  const emv::TlvDecodeResult decoded = emv::decodeTlv(forged.icc_data);
  const emv::TlvNode* arqc = emv::findTlv(decoded.nodes, emv::kTag9F26ApplicationCryptogram);
  ASSERT_NE(arqc, nullptr);
  forged.icc_data[arqc->valueOffset()] ^= 0x01;
  auto declined = backend.send(forged);
  ASSERT_TRUE(declined.isOk());
  EXPECT_EQ(declined->response_code, "05");
  EXPECT_NE(declined->message.find("ARQC"), std::string::npos) << declined->message;
  EXPECT_TRUE(declined->icc_data.empty());  // no ARPC for a cryptogram that does not verify
  EXPECT_EQ(backend.account("visa")->balance, cny(500000 - 50000));

  EmbeddedConfig lenient = issuerConfig();
  lenient.ignore_arqc_failure = true;
  EmbeddedBackend ignoring(lenient, random_, nullptr);
  auto approved = ignoring.send(forged);
  ASSERT_TRUE(approved.isOk());
  EXPECT_EQ(approved->response_code, "00");
  EXPECT_TRUE(approved->icc_data.empty());
}

TEST_F(EmbeddedKernelTest, CardWithAWrongCryptogramIsDeclinedOnline) {
  EmbeddedBackend backend(issuerConfig(), random_, nullptr);
  auto card = emv::VirtualCard::create(emv::visaCreditCard());
  ASSERT_TRUE(card.isOk());
  emv::CardFault fault;
  fault.wrong_cryptogram = true;
  card->setFault(fault);
  const SaleRun run = runSale(backend, *card, 50000);
  EXPECT_EQ(run.response.response_code, "05");
  EXPECT_EQ(run.result.outcome, emv::Outcome::kDeclinedOnline) << run.result.reason;
  EXPECT_EQ(backend.account("visa")->balance, cny(500000));
}

TEST_F(EmbeddedKernelTest, ThreeDigitAndTwoDigitPsnBothVerify) {
  EmbeddedBackend backend(issuerConfig(), random_, nullptr);
  auto card = emv::VirtualCard::create(emv::visaCreditCard());
  ASSERT_TRUE(card.isOk());
  const SaleRun run = runSale(backend, *card, 50000);
  ASSERT_EQ(run.response.response_code, "00");
  for (const char* psn : {"01", "001", ""}) {
    Request again = run.request;
    again.pan_sequence_number = psn;
    again.stan = std::string("0000") + (psn[0] == 0 ? "09" : psn[1] == '1' ? "07" : "08");
    auto response = backend.send(again);
    ASSERT_TRUE(response.isOk());
    EXPECT_EQ(response->response_code, "00") << "PSN '" << psn << "': " << response->message;
  }
}

}  // namespace
}  // namespace posim::acquirer
