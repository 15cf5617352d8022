// The kernel against the virtual cards of test_cards.h: every card completes a transaction on
// the countertop terminal, and the faults give the outcome a real terminal would give.
#include <string>

#include <gtest/gtest.h>

#include "posim/emv/card_profile.h"
#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/crypto/key_derivation.h"
#include "posim/emv/kernel.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/test_cards.h"
#include "posim/emv/test_terminals.h"
#include "posim/emv/virtual_card.h"

#include "kernel_test_support.h"

namespace posim::emv {
namespace {

// The value of `tag` in TLV data, or empty.
Bytes tlvValueOf(ByteView data, Tag tag) {
  const TlvDecodeResult tree = decodeTlv(data);
  const TlvNode* node = findTlv(tree.nodes, tag);
  return node == nullptr ? Bytes{} : Bytes(node->value.begin(), node->value.end());
}

// An issuer that approves with a correct ARPC (the card profile holds the issuer master keys).
class ArpcIssuer final : public OnlineAuthorizer {
 public:
  explicit ArpcIssuer(const CardProfile& card, bool approve = true)
      : card_(card), approve_(approve) {}

  OnlineResponse authorize(const OnlineRequest& request) override {
    requests.push_back(request);
    OnlineResponse response;
    response.kind = approve_ ? OnlineResponse::Kind::kApproved : OnlineResponse::Kind::kDeclined;
    response.response_code = approve_ ? "00" : "05";
    const Bytes aid = tlvValueOf(request.icc_data, kTag84DfName);
    for (const CardApplication& app : card_.applications) {
      if (app.aid != aid) continue;
      const crypto::Cvn cvn = app.keys.cvn;
      auto mk = crypto::deriveIccMasterKey(app.keys.imk_ac, request.pan.digits(), card_.psn);
      if (!mk.isOk()) break;
      const Bytes atc = tlvValueOf(request.icc_data, kTag9F36ApplicationTransactionCounter);
      const Bytes un = tlvValueOf(request.icc_data, kTag9F37UnpredictableNumber);
      const Bytes arqc = tlvValueOf(request.icc_data, kTag9F26ApplicationCryptogram);
      auto key = crypto::deriveArpcKey(cvn, mk->key, atc, un);
      if (!key.isOk()) break;
      const Bytes arc(response.response_code.begin(), response.response_code.end());
      auto arpc = crypto::cvnProfile(cvn).arpc_method == crypto::ArpcMethod::kMethod1
                      ? crypto::generateArpcMethod1(*key, arqc, arc)
                      : crypto::generateArpcMethod2(
                            *key, arqc, approve_ ? hexBytes("00800000") : hexBytes("00000000"));
      if (arpc.isOk()) response.issuer_authentication_data = arpc->issuer_authentication_data;
      if (block_application) {
        // 72: APPLICATION BLOCK with its secure-messaging MAC (Book 2 §9.2).
        auto mk_smi = crypto::deriveIccMasterKey(app.keys.imk_smi, request.pan.digits(), card_.psn);
        if (!mk_smi.isOk()) break;
        auto sk = crypto::deriveScriptSessionKey(cvn, mk_smi->key, atc, arqc);
        if (!sk.isOk()) break;
        auto command = crypto::buildIssuerScriptCommand(*sk, hexBytes("841E0000"), atc, arqc);
        if (!command.isOk()) break;
        const std::vector<Bytes> commands{command->apdu};
        auto script = crypto::buildIssuerScriptTemplate(0x72, hexBytes("00000001"), commands);
        if (script.isOk()) response.issuer_scripts = *script;
      }
    }
    return response;
  }
  std::vector<OnlineRequest> requests;
  bool block_application = false;

 private:
  CardProfile card_;
  bool approve_;
};

class KernelVirtualCardTest : public ::testing::Test {
 protected:
  KernelResult run(VirtualCard& card, const TransactionInputs& inputs, OnlineAuthorizer* authorizer,
                   ApplicationChooser* chooser = nullptr) {
    KernelEnvironment env;
    env.random = &random;
    env.events = &events;
    env.pin_entry = &pin_pad;
    env.authorizer = authorizer;
    env.chooser = chooser;
    Kernel kernel(profile, env);
    return kernel.run(card, inputs);
  }
  static VirtualCard cardFor(const CardProfile& profile) {
    Result<VirtualCard> card = VirtualCard::create(profile);
    if (!card.isOk()) ADD_FAILURE() << card.status().toString();
    return std::move(card).value();
  }
  std::string explain(const KernelResult& r) {
    std::string out = std::string(outcomeName(r.outcome)) + ": " + r.reason + "\n";
    for (const KernelStep& s : r.steps) out += "  " + s.name + ": " + s.decision + "\n";
    return out;
  }

  TerminalProfile profile = test::quietCountertop();
  SeededRandom random{2026};
  RecordingEventSink events;
  test::ScriptedPinPad pin_pad{{PinEntryResult::entered("1234")}};
};

TEST_F(KernelVirtualCardTest, EveryChipCardCompletesAContactTransaction) {
  for (const CardProfile& profile_of_card : testCardProfiles()) {
    if (!profile_of_card.has_chip) continue;
    SCOPED_TRACE(profile_of_card.id);
    VirtualCard card = cardFor(profile_of_card);
    ArpcIssuer issuer(profile_of_card);
    const KernelResult r = run(card, test::purchase(15000), &issuer);
    EXPECT_TRUE(isApproved(r.outcome)) << explain(r);
    EXPECT_FALSE(r.tvr.offlineDataAuthNotPerformed()) << explain(r);
    EXPECT_FALSE(r.tvr.sdaFailed() || r.tvr.ddaFailed() || r.tvr.cdaFailed()) << explain(r);
    EXPECT_FALSE(r.tvr.issuerAuthenticationFailed()) << explain(r);
  }
}

TEST_F(KernelVirtualCardTest, VisaDebitSdaUsesOfflinePlaintextPin) {
  VirtualCard card = cardFor(visaDebitSdaCard());
  ArpcIssuer issuer(visaDebitSdaCard());
  const KernelResult r = run(card, test::purchase(15000), &issuer);
  EXPECT_TRUE(r.tvr.test(TvrBit::kSdaSelected));
  EXPECT_EQ(r.cvm, "offline plaintext PIN") << explain(r);
  EXPECT_EQ(r.cvm_results.result, 0x02);
}

TEST_F(KernelVirtualCardTest, MastercardDebitCdaWithEncipheredPin) {
  VirtualCard card = cardFor(mastercardDebitCard());
  ArpcIssuer issuer(mastercardDebitCard());
  const KernelResult r = run(card, test::purchase(15000), &issuer);
  EXPECT_EQ(r.cvm, "offline enciphered PIN") << explain(r);
  EXPECT_FALSE(r.tvr.cdaFailed()) << explain(r);
  EXPECT_EQ(r.outcome, Outcome::kApprovedOnline) << explain(r);
}

TEST_F(KernelVirtualCardTest, DualApplicationCardOffersBothByPriority) {
  class Chooser final : public ApplicationChooser {
   public:
    std::optional<std::size_t> choose(const std::vector<CandidateApplication>& c) override {
      shown = c;
      return 0;
    }
    std::vector<CandidateApplication> shown;
  } chooser;
  VirtualCard card = cardFor(visaDualAppCard());
  ArpcIssuer issuer(visaDualAppCard());
  const KernelResult r = run(card, test::purchase(15000), &issuer, &chooser);
  ASSERT_EQ(chooser.shown.size(), 2u);
  EXPECT_LT(chooser.shown[0].priorityOrder(), chooser.shown[1].priorityOrder());
  EXPECT_EQ(r.aid, chooser.shown[0].aid);
}

TEST_F(KernelVirtualCardTest, MuteCardFallsBackToMagstripe) {
  VirtualCard card = cardFor(visaCreditCard());
  CardFault fault;
  fault.mute = true;
  card.setFault(fault);
  EXPECT_EQ(run(card, test::purchase(15000), nullptr).outcome, Outcome::kFallbackToMagstripe);
}

TEST_F(KernelVirtualCardTest, CardRemovedAtGenerateAc) {
  VirtualCard card = cardFor(visaCreditCard());
  CardFault fault;
  fault.remove_at_command = "GENERATE AC";
  card.setFault(fault);
  const KernelResult r = run(card, test::purchase(15000), nullptr);
  EXPECT_EQ(r.outcome, Outcome::kCardError) << explain(r);
}

TEST_F(KernelVirtualCardTest, PinTryLimitExceeded) {
  VirtualCard card = cardFor(visaDebitSdaCard());
  CardFault fault;
  fault.pin_try_limit_exceeded = true;
  card.setFault(fault);
  ArpcIssuer issuer(visaDebitSdaCard());
  const KernelResult r = run(card, test::purchase(15000), &issuer);
  EXPECT_TRUE(r.tvr.pinTryLimitExceeded()) << explain(r);
}

TEST_F(KernelVirtualCardTest, CorruptedCertificateFailsOda) {
  for (const CardProfile& p : {visaCreditCard(), visaDebitSdaCard(), mastercardDebitCard()}) {
    SCOPED_TRACE(p.id);
    VirtualCard card = cardFor(p);
    CardFault fault;
    fault.corrupted_certificate = true;
    card.setFault(fault);
    ArpcIssuer issuer(p);
    const KernelResult r = run(card, test::purchase(15000), &issuer);
    EXPECT_TRUE(r.tvr.sdaFailed() || r.tvr.ddaFailed() || r.tvr.cdaFailed()) << explain(r);
  }
}

TEST_F(KernelVirtualCardTest, UnexpectedStatusWordsGiveTheRealTerminalOutcome) {
  struct Case {
    const char* command;
    Outcome outcome;
  };
  for (const Case& c :
       {Case{"GET PROCESSING OPTIONS", Outcome::kTerminated},
        Case{"READ RECORD", Outcome::kTerminated}, Case{"GENERATE AC", Outcome::kTerminated}}) {
    SCOPED_TRACE(c.command);
    VirtualCard card = cardFor(visaCreditCard());
    CardFault fault;
    fault.unexpected_status_command = c.command;
    fault.unexpected_status_word = 0x6F00;
    card.setFault(fault);
    ArpcIssuer issuer(visaCreditCard());
    EXPECT_EQ(run(card, test::purchase(15000), &issuer).outcome, c.outcome);
  }
  {
    // DDA fails, the transaction goes on (online).
    VirtualCard card = cardFor(visaCreditCard());
    CardFault fault;
    fault.unexpected_status_command = "INTERNAL AUTHENTICATE";
    card.setFault(fault);
    ArpcIssuer issuer(visaCreditCard());
    const KernelResult r = run(card, test::purchase(15000), &issuer);
    EXPECT_TRUE(r.tvr.ddaFailed()) << explain(r);
    EXPECT_TRUE(r.went_online);
  }
  {
    // Issuer authentication fails: TVR byte 5 b7.
    VirtualCard card = cardFor(visaCreditCard());
    CardFault fault;
    fault.unexpected_status_command = "EXTERNAL AUTHENTICATE";
    fault.unexpected_status_word = 0x6300;
    card.setFault(fault);
    ArpcIssuer issuer(visaCreditCard());
    const KernelResult r = run(card, test::purchase(15000), &issuer);
    EXPECT_TRUE(r.tvr.issuerAuthenticationFailed()) << explain(r);
  }
}

TEST_F(KernelVirtualCardTest, IssuerScriptBlocksTheApplicationForTheNextTransaction) {
  VirtualCard card = cardFor(visaCreditCard());
  ArpcIssuer issuer(visaCreditCard());
  issuer.block_application = true;
  const KernelResult first = run(card, test::purchase(15000), &issuer);
  EXPECT_EQ(first.outcome, Outcome::kApprovedOnline) << explain(first);
  EXPECT_EQ(toHex(first.issuer_script_results), "2000000001") << explain(first);
  EXPECT_TRUE(first.tsi.scriptProcessingPerformed());
  EXPECT_FALSE(first.tvr.scriptFailedAfterFinalGenerateAc());
  const KernelResult second = run(card, test::purchase(15000), &issuer);
  EXPECT_EQ(second.outcome, Outcome::kNotAccepted) << explain(second);
}

TEST_F(KernelVirtualCardTest, BlockedApplicationIsNotAccepted) {
  VirtualCard card = cardFor(visaCreditCard());
  CardFault fault;
  fault.blocked_application = true;
  card.setFault(fault);
  EXPECT_EQ(run(card, test::purchase(15000), nullptr).outcome, Outcome::kNotAccepted);
}

TEST_F(KernelVirtualCardTest, IssuerDeclineDeclinesOnline) {
  VirtualCard card = cardFor(visaCreditCard());
  ArpcIssuer issuer(visaCreditCard(), /*approve=*/false);
  const KernelResult r = run(card, test::purchase(15000), &issuer);
  EXPECT_EQ(r.outcome, Outcome::kDeclinedOnline) << explain(r);
}

TEST_F(KernelVirtualCardTest, ContactlessQvsdcTap) {
  VirtualCard card = cardFor(visaCreditCard());
  ArpcIssuer issuer(visaCreditCard());
  const KernelResult r = run(card, test::purchase(5000, EntryMode::kContactless), &issuer);
  EXPECT_TRUE(isApproved(r.outcome)) << explain(r);
  EXPECT_TRUE(r.cryptogram_type.has_value());
}

TEST_F(KernelVirtualCardTest, ContactlessQvsdcOfflineApprovalWithFdda) {
  VirtualCard card = cardFor(visaCreditCard());
  ArpcIssuer issuer(visaCreditCard());
  // An online transaction first: a new card does not approve offline.
  ASSERT_EQ(run(card, test::purchase(15000), &issuer).outcome, Outcome::kApprovedOnline);
  const KernelResult r = run(card, test::purchase(5000, EntryMode::kContactless), &issuer);
  EXPECT_EQ(r.outcome, Outcome::kApprovedOffline) << explain(r);
  EXPECT_EQ(r.cryptogram_type, CryptogramType::kTc);
  EXPECT_TRUE(r.tsi.odaPerformed());
  EXPECT_FALSE(r.tvr.ddaFailed()) << explain(r);
  EXPECT_EQ(r.cvm, "no CVM");
}

TEST_F(KernelVirtualCardTest, ContactlessMchipWithCdcvmAboveCvmLimit) {
  VirtualCard card = cardFor(mastercardCreditContactlessCard());
  ArpcIssuer issuer(mastercardCreditContactlessCard());
  const KernelResult r = run(card, test::purchase(50000, EntryMode::kContactless), &issuer);
  EXPECT_TRUE(isApproved(r.outcome)) << explain(r);
  EXPECT_EQ(r.cvm, "CDCVM") << explain(r);
}

TEST_F(KernelVirtualCardTest, ContactlessAboveTransactionLimitTriesAnotherInterface) {
  VirtualCard card = cardFor(visaCreditCard());
  const KernelResult r = run(card, test::purchase(200000, EntryMode::kContactless), nullptr);
  EXPECT_EQ(r.outcome, Outcome::kTryAnotherInterface);
}

TEST_F(KernelVirtualCardTest, ContactOnlyCardTappedTriesAnotherInterface) {
  VirtualCard card = cardFor(visaDebitSdaCard());
  const KernelResult r = run(card, test::purchase(5000, EntryMode::kContactless), nullptr);
  EXPECT_EQ(r.outcome, Outcome::kTryAnotherInterface) << explain(r);
}

TEST_F(KernelVirtualCardTest, SwipedChipCardMustUseTheChip) {
  TransactionInputs in = test::purchase(15000, EntryMode::kMagstripe);
  in.track2 = magstripeTrack2(visaCreditCard());
  VirtualCard card = cardFor(visaCreditCard());
  EXPECT_EQ(run(card, in, nullptr).outcome, Outcome::kUseChipReader);
  in.fallback = true;
  ArpcIssuer issuer(visaCreditCard());
  const KernelResult r = run(card, in, &issuer);
  EXPECT_EQ(r.outcome, Outcome::kApprovedOnline) << explain(r);
  ASSERT_EQ(issuer.requests.size(), 1u);
  EXPECT_EQ(issuer.requests[0].pos_entry_mode, "80");
}

TEST_F(KernelVirtualCardTest, MagstripeOnlyCardGoesOnline) {
  TransactionInputs in = test::purchase(15000, EntryMode::kMagstripe);
  in.track2 = magstripeTrack2(amexLikeMagstripeCard());
  VirtualCard card = cardFor(amexLikeMagstripeCard());
  ArpcIssuer issuer(amexLikeMagstripeCard());
  const KernelResult r = run(card, in, &issuer);
  EXPECT_EQ(r.outcome, Outcome::kApprovedOnline) << explain(r);
  ASSERT_EQ(issuer.requests.size(), 1u);
  EXPECT_EQ(issuer.requests[0].pos_entry_mode, "90");
  EXPECT_TRUE(issuer.requests[0].icc_data.empty());
}

}  // namespace
}  // namespace posim::emv
