// The virtual cards against posim's terminal kernel: every chip test card completes a contact
// transaction with the countertop terminal, and the ARQC the kernel sends online verifies with
// an independent computation from the issuer master key.
#include <gtest/gtest.h>

#include "posim/base/money.h"
#include "posim/base/random.h"
#include "posim/emv/kernel.h"
#include "posim/emv/test_terminals.h"

#include "virtual_card_test_support.h"

namespace posim::emv {
namespace {

class FixedPin final : public PinEntry {
 public:
  PinEntryResult enterPin(const PinRequest&) override { return PinEntryResult::entered("1234"); }
};

// An issuer that checks the ARQC from DE 55 with the IMK and approves with a correct ARPC.
class CheckingIssuer final : public OnlineAuthorizer {
 public:
  CheckingIssuer(const CardProfile& profile, const CardApplication& app)
      : profile_(profile), app_(app) {}

  OnlineResponse authorize(const OnlineRequest& request) override {
    ++requests;
    const TlvDecodeResult d = decodeTlv(request.icc_data);
    std::map<Tag, Bytes> values;
    for (const TlvField& f : collectPrimitives(d.nodes)) {
      values[f.tag] = Bytes(f.value.begin(), f.value.end());
    }
    OnlineResponse response;
    response.kind = OnlineResponse::Kind::kApproved;
    response.response_code = "00";
    response.authorization_code = "123456";
    for (Tag tag : {0x9F02u, 0x9F03u, 0x9F1Au, 0x95u, 0x5F2Au, 0x9Au, 0x9Cu, 0x9F37u, 0x82u,
                    0x9F36u, 0x9F10u, 0x9F26u}) {
      if (values.count(tag) == 0) {
        ADD_FAILURE() << "DE 55 lacks tag " << std::hex << tag;
        return response;
      }
    }
    crypto::AcRequest ac{app_.keys.cvn,
                         app_.keys.imk_ac,
                         profile_.pan.digits(),
                         profile_.psn,
                         values[0x9F36],
                         values[0x9F37],
                         {}};
    ac.data =
        testing::issuerAcInput(app_.keys.cvn, values, values[0x82], values[0x9F36], values[0x9F10]);
    auto ok = crypto::verifyApplicationCryptogram(ac, values[0x9F26]);
    arqc_verified = ok.isOk() && *ok;
    response.issuer_authentication_data = testing::issuerAuthenticationData(
        app_, profile_, values[0x9F26], values[0x9F36], values[0x9F37]);
    if (!script_header.empty()) {
      const Bytes command =
          testing::scriptCommand(app_, profile_, script_header, values[0x9F36], values[0x9F26]);
      auto script = crypto::buildIssuerScriptTemplate(0x72, hexBytes("00000001"),
                                                      std::vector<Bytes>{command});
      EXPECT_TRUE(script.isOk());
      response.issuer_scripts = *script;
    }
    return response;
  }

  int requests = 0;
  bool arqc_verified = false;
  Bytes script_header;  // CLA INS P1 P2 of a 72 script command to send, empty: none

 private:
  const CardProfile& profile_;
  const CardApplication& app_;
};

TEST(VirtualCardKernelTest, EveryChipTestCardCompletesAContactTransaction) {
  const TerminalProfile terminal = countertopTerminal();
  for (const CardProfile& profile : testCardProfiles()) {
    if (!profile.has_chip) continue;
    SCOPED_TRACE(profile.id);
    auto card = VirtualCard::create(profile);
    ASSERT_TRUE(card.isOk()) << card.status().toString();
    SeededRandom random(42);
    FixedPin pin;
    // The kernel picks the highest priority application (priority 1 is the last on the
    // two-application card).
    const CardApplication& app =
        profile.applications.size() > 1 ? profile.applications[1] : profile.applications[0];
    CheckingIssuer issuer(profile, app);
    Kernel kernel(terminal, {&random, nullptr, &pin, nullptr, &issuer});
    TransactionInputs inputs;
    inputs.amount = Money(50000, *currencyByNumeric(840));
    inputs.at = *parseIso8601("2026-03-15T12:00:00+00:00");
    const KernelResult result = kernel.run(*card, inputs);
    EXPECT_EQ(result.outcome, Outcome::kApprovedOnline)
        << outcomeName(result.outcome) << ": " << result.reason;
    EXPECT_EQ(issuer.requests, 1);
    EXPECT_TRUE(issuer.arqc_verified);
    EXPECT_FALSE(result.tvr.sdaFailed());
    EXPECT_FALSE(result.tvr.ddaFailed());
    EXPECT_FALSE(result.tvr.cdaFailed());
    EXPECT_FALSE(result.tvr.issuerAuthenticationFailed());
    EXPECT_EQ(card->state().applications[profile.applications.size() > 1 ? 1 : 0].atc, 1);
  }
}

KernelResult runWith(VirtualCard& card, CheckingIssuer& issuer, EntryMode mode,
                     std::int64_t amount_minor = 50000) {
  static const TerminalProfile terminal = countertopTerminal();
  SeededRandom random(7);
  FixedPin pin;
  Kernel kernel(terminal, {&random, nullptr, &pin, nullptr, &issuer});
  TransactionInputs inputs;
  inputs.amount = Money(amount_minor, *currencyByNumeric(840));
  inputs.at = *parseIso8601("2026-03-15T12:00:00+00:00");
  inputs.entry_mode = mode;
  return kernel.run(card, inputs);
}

TEST(VirtualCardKernelTest, OfflinePinCardsVerifyThePinOnTheCard) {
  for (const CardProfile& profile : {visaDebitSdaCard(), mastercardDebitCard()}) {
    SCOPED_TRACE(profile.id);
    auto card = VirtualCard::create(profile);
    ASSERT_TRUE(card.isOk());
    CheckingIssuer issuer(profile, profile.applications[0]);
    const KernelResult result = runWith(*card, issuer, EntryMode::kContact);
    EXPECT_EQ(result.outcome, Outcome::kApprovedOnline) << result.reason;
    EXPECT_NE(result.cvm.find("offline"), std::string::npos) << result.cvm;
    EXPECT_EQ(card->state().pin_tries_remaining, 3);
  }
}

TEST(VirtualCardKernelTest, ContactlessCardsCompleteATap) {
  for (const CardProfile& profile : {visaCreditCard(), mastercardCreditContactlessCard()}) {
    SCOPED_TRACE(profile.id);
    auto card = VirtualCard::create(profile);
    ASSERT_TRUE(card.isOk());
    CheckingIssuer issuer(profile, profile.applications[0]);
    const KernelResult result = runWith(*card, issuer, EntryMode::kContactless, 2000);
    EXPECT_TRUE(isApproved(result.outcome)) << outcomeName(result.outcome) << ": " << result.reason;
    // qVSDC: the card's cryptogram covers the TVR sent in the PDOL; the issuer check of a
    // qVSDC ARQC is left to the kernel tests (the reader may update 95 after GPO).
    if (issuer.requests > 0 &&
        profile.applications[0].contactless.kernel == ContactlessKernel::kMchip) {
      EXPECT_TRUE(issuer.arqc_verified);
    }
  }
}

TEST(VirtualCardKernelTest, CardFaultsGiveWhatARealTerminalWouldShow) {
  const CardProfile profile = visaCreditCard();
  {
    auto card = VirtualCard::create(profile);
    CardFault fault;
    fault.mute = true;
    card->setFault(fault);
    CheckingIssuer issuer(profile, profile.applications[0]);
    const KernelResult result = runWith(*card, issuer, EntryMode::kContact);
    EXPECT_TRUE(result.outcome == Outcome::kFallbackToMagstripe ||
                result.outcome == Outcome::kCardError)
        << outcomeName(result.outcome);
  }
  {
    auto card = VirtualCard::create(profile);
    CardFault fault;
    fault.remove_at_command = "GENERATE AC";
    fault.remove_at_occurrence = 2;
    card->setFault(fault);
    CheckingIssuer issuer(profile, profile.applications[0]);
    const KernelResult result = runWith(*card, issuer, EntryMode::kContact);
    EXPECT_EQ(result.outcome, Outcome::kCardError) << outcomeName(result.outcome);
  }
  {
    auto card = VirtualCard::create(profile);
    CardFault fault;
    fault.corrupted_certificate = true;
    card->setFault(fault);
    CheckingIssuer issuer(profile, profile.applications[0]);
    const KernelResult result = runWith(*card, issuer, EntryMode::kContact);
    EXPECT_TRUE(result.tvr.ddaFailed());
  }
  {
    auto card = VirtualCard::create(profile);
    CardFault fault;
    fault.wrong_cryptogram = true;
    card->setFault(fault);
    CheckingIssuer issuer(profile, profile.applications[0]);
    runWith(*card, issuer, EntryMode::kContact);
    EXPECT_EQ(issuer.requests, 1);
    EXPECT_FALSE(issuer.arqc_verified);
  }
  {
    auto card = VirtualCard::create(profile);
    CardFault fault;
    fault.blocked_application = true;
    card->setFault(fault);
    CheckingIssuer issuer(profile, profile.applications[0]);
    const KernelResult result = runWith(*card, issuer, EntryMode::kContact);
    EXPECT_FALSE(isApproved(result.outcome)) << outcomeName(result.outcome);
    EXPECT_EQ(issuer.requests, 0);
  }
}

TEST(VirtualCardKernelTest, IssuerScriptFromTheHostBlocksTheApplication) {
  const CardProfile profile = mastercardDebitCard();
  auto card = VirtualCard::create(profile);
  ASSERT_TRUE(card.isOk());
  CheckingIssuer issuer(profile, profile.applications[0]);
  issuer.script_header = hexBytes("841E0000");
  const KernelResult result = runWith(*card, issuer, EntryMode::kContact);
  EXPECT_EQ(result.outcome, Outcome::kApprovedOnline) << result.reason;
  EXPECT_TRUE(card->state().applications[0].blocked);
  EXPECT_EQ(card->state().applications[0].script_commands, 1);
  EXPECT_FALSE(card->state().applications[0].script_failed);
}

TEST(VirtualCardKernelTest, T0CardAnswers61xxAndTheKernelFetchesTheData) {
  CardProfile profile = mastercardDebitCard();
  profile.t0_get_response = true;
  auto card = VirtualCard::create(profile);
  ASSERT_TRUE(card.isOk());
  CheckingIssuer issuer(profile, profile.applications[0]);
  const KernelResult result = runWith(*card, issuer, EntryMode::kContact);
  EXPECT_EQ(result.outcome, Outcome::kApprovedOnline) << result.reason;
  EXPECT_TRUE(issuer.arqc_verified);
  bool saw_61 = false;
  for (const KernelStep& step : result.steps) {
    for (const ApduExchange& e : step.exchanges) {
      if (e.response.size() == 2 && e.response[0] == 0x61) saw_61 = true;
    }
  }
  EXPECT_TRUE(saw_61);
}

}  // namespace
}  // namespace posim::emv
