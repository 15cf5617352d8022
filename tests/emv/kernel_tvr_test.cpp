// Each TVR / TSI effect of the contact kernel (EMV Book 3 §10, DOMAIN.md §1.4-1.13), against a
// fake card whose data each test changes. Exact TVR bytes and outcomes.
#include <gtest/gtest.h>

#include "posim/base/json.h"
#include "posim/emv/kernel.h"
#include "posim/emv/tag_dictionary.h"

#include "kernel_test_support.h"
#include "test_data.h"

namespace posim::emv {
namespace {

using test::FakeCard;
using test::FixedIssuer;
using test::FixedRandom;
using test::ScriptedPinPad;

class KernelTvrTest : public ::testing::Test {
 protected:
  KernelResult run(FakeCard& card, const TransactionInputs& inputs) {
    KernelEnvironment env;
    env.random = random_ptr != nullptr ? random_ptr : &random;
    env.events = &events;
    env.pin_entry = pin_pad.get();
    env.authorizer = issuer.get();
    Kernel kernel(profile, env);
    return kernel.run(card, inputs);
  }

  TerminalProfile profile = test::quietCountertop();
  SeededRandom random{42};
  Random* random_ptr = nullptr;
  RecordingEventSink events;
  std::unique_ptr<ScriptedPinPad> pin_pad;
  std::unique_ptr<FixedIssuer> issuer = std::make_unique<FixedIssuer>(test::approved());
};

TEST_F(KernelTvrTest, BaselineGoesOnlineAndIsApproved) {
  FakeCard card;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.outcome, Outcome::kApprovedOnline) << r.reason;
  EXPECT_EQ(r.tvr.toHex(), "8000000000");  // only "ODA not performed" (AIP has no ODA)
  EXPECT_EQ(r.tsi.toHex(), "6800");        // CVM, card risk mgmt, terminal risk mgmt
  EXPECT_EQ(card.generateAcP1(), (std::vector<std::uint8_t>{0x80, 0x40}));
  EXPECT_EQ(r.authorisation_response_code, "00");
  EXPECT_EQ(toHex(r.cvm_results.toBytes()), "1F0002");
  EXPECT_EQ(toHex(r.cryptogram), "8877665544332211");
  EXPECT_EQ(toHex(r.first_cryptogram), "1122334455667788");
  ASSERT_EQ(issuer->requests.size(), 1u);
  EXPECT_EQ(issuer->requests[0].pan.digits(), "4761739001010010");
  EXPECT_EQ(issuer->requests[0].pan_sequence_number, "001");
  // DE 55 starts with the ARQC and carries the TVR.
  EXPECT_EQ(toHex(r.icc_data).substr(0, 22), "9F26081122334455667788");
  EXPECT_NE(toHex(r.icc_data).find("95058000000000"), std::string::npos);
  EXPECT_EQ(r.masked_pan, "476173******0010");
  EXPECT_FALSE(r.reversal_required);
  // Every step is recorded with its TVR.
  ASSERT_GE(r.steps.size(), 10u);
  EXPECT_EQ(r.steps.front().name, "power on");
  EXPECT_EQ(r.steps.back().name, "completion");
}

TEST_F(KernelTvrTest, TraceEventsCarryEveryApdu) {
  FakeCard card;
  (void)run(card, test::purchase(5000));
  std::size_t commands = 0;
  for (const TraceEvent& e : events.events()) {
    if (e.kind == TraceKind::kApduCommand) ++commands;
  }
  EXPECT_EQ(commands, card.commands.size());
}

TEST_F(KernelTvrTest, FloorLimitExceeded) {
  FakeCard card;
  const KernelResult r = run(card, test::purchase(10000));
  EXPECT_EQ(r.tvr.toHex(), "8000008000");
}

TEST_F(KernelTvrTest, SplitSaleCountsTheLoggedAmount) {
  FakeCard card;
  TransactionInputs in = test::purchase(6000);
  in.logged_amount_same_card = 4000;
  EXPECT_EQ(run(card, in).tvr.toHex(), "8000008000");
}

TEST_F(KernelTvrTest, BiasedRandomSelectionAboveThreshold) {
  profile = countertopTerminal();  // threshold 20.00, target 10 %, max 50 %, floor 100.00
  // 50.00: target = 10 + 40 * (5000 - 2000) / (10000 - 2000) = 25.
  FixedRandom r24(23);  // draws R = 24
  random_ptr = &r24;
  FakeCard card;
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8000001000");
  FixedRandom r26(25);
  random_ptr = &r26;
  FakeCard card2;
  EXPECT_EQ(run(card2, test::purchase(5000)).tvr.toHex(), "8000000000");
}

TEST_F(KernelTvrTest, RandomSelectionBelowThresholdUsesTargetPercentage) {
  profile = countertopTerminal();
  FixedRandom r10(9);
  random_ptr = &r10;
  FakeCard card;
  EXPECT_EQ(run(card, test::purchase(1000)).tvr.toHex(), "8000001000");
  FixedRandom r11(10);
  random_ptr = &r11;
  FakeCard card2;
  EXPECT_EQ(run(card2, test::purchase(1000)).tvr.toHex(), "8000000000");
}

TEST_F(KernelTvrTest, LowerConsecutiveOfflineLimitExceeded) {
  FakeCard card;
  card.record[0x9F14] = hexBytes("02");
  card.record[0x9F23] = hexBytes("05");
  card.get_data[0x9F36] = hexBytes("0010");
  card.get_data[0x9F13] = hexBytes("000D");
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8000004000");
}

TEST_F(KernelTvrTest, UpperLimitAndNewCard) {
  FakeCard card;
  card.record[0x9F14] = hexBytes("02");
  card.record[0x9F23] = hexBytes("05");
  card.get_data[0x9F36] = hexBytes("0010");
  card.get_data[0x9F13] = hexBytes("0000");
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8008006000");
}

TEST_F(KernelTvrTest, VelocityDataUnavailableSetsBothLimits) {
  FakeCard card;
  card.record[0x9F14] = hexBytes("02");
  card.record[0x9F23] = hexBytes("05");
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8000006000");
}

TEST_F(KernelTvrTest, ExpiredApplication) {
  FakeCard card;
  card.record[0x5F24] = hexBytes("260929");
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8040000000");
}

TEST_F(KernelTvrTest, ApplicationNotYetEffective) {
  FakeCard card;
  card.record[0x5F25] = hexBytes("261001");
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8020000000");
}

TEST_F(KernelTvrTest, ServiceNotAllowedAtThisTerminalType) {
  FakeCard card;
  card.record[0x9F07] = hexBytes("FE00");  // not valid at terminals other than ATMs
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8010000000");
}

TEST_F(KernelTvrTest, ServiceNotAllowedInternationally) {
  FakeCard card;
  card.record[0x5F28] = hexBytes("0840");
  card.record[0x9F07] = hexBytes("AB00");  // domestic cash/goods/services only
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8010000000");
  FakeCard domestic;
  domestic.record[0x9F07] = hexBytes("AB00");
  EXPECT_EQ(run(domestic, test::purchase(5000)).tvr.toHex(), "8000000000");
}

TEST_F(KernelTvrTest, DifferentApplicationVersions) {
  FakeCard card;
  card.record[0x9F08] = hexBytes("008C");
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8080000000");
}

TEST_F(KernelTvrTest, CardOnExceptionFile) {
  FakeCard card;
  TransactionInputs in = test::purchase(5000);
  in.exception_file = {"4761739001010010"};
  EXPECT_EQ(run(card, in).tvr.toHex(), "9000000000");
}

TEST_F(KernelTvrTest, MerchantForcedOnline) {
  FakeCard card;
  TransactionInputs in = test::purchase(5000);
  in.merchant_forced_online = true;
  EXPECT_EQ(run(card, in).tvr.toHex(), "8000000800");
}

// ---- Cardholder verification ----

TEST_F(KernelTvrTest, OfflinePlaintextPinVerified) {
  pin_pad = std::make_unique<ScriptedPinPad>(
      std::vector<PinEntryResult>{PinEntryResult::entered("1234")});
  FakeCard card;
  card.record[0x8E] = hexBytes("00000000000000000100");
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000000000");
  EXPECT_EQ(toHex(r.cvm_results.toBytes()), "010002");
  EXPECT_EQ(r.cvm, "offline plaintext PIN");
  ASSERT_EQ(pin_pad->requests.size(), 1u);
  EXPECT_EQ(pin_pad->requests[0].tries_remaining, 3);
  // The VERIFY data never reaches the trace.
  for (const TraceEvent& e : events.events()) {
    if (e.kind == TraceKind::kApduCommand && e.summary.find("VERIFY") != std::string::npos) {
      EXPECT_EQ(e.data.size(), 4u);
    }
  }
}

TEST_F(KernelTvrTest, WrongPinRetriedThenAccepted) {
  pin_pad = std::make_unique<ScriptedPinPad>(std::vector<PinEntryResult>{
      PinEntryResult::entered("0000"), PinEntryResult::entered("1234")});
  FakeCard card;
  card.record[0x8E] = hexBytes("00000000000000000100");
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000000000");
  ASSERT_EQ(pin_pad->requests.size(), 2u);
  EXPECT_EQ(pin_pad->requests[1].tries_remaining, 2);
}

TEST_F(KernelTvrTest, PinTryLimitExceededByWrongPins) {
  pin_pad = std::make_unique<ScriptedPinPad>(
      std::vector<PinEntryResult>{PinEntryResult::entered("0000")});
  FakeCard card;
  card.record[0x8E] = hexBytes("00000000000000000100");
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000A00000");  // CVM not successful + PIN try limit exceeded
  EXPECT_EQ(toHex(r.cvm_results.toBytes()), "010001");
  EXPECT_EQ(pin_pad->requests.size(), 3u);
}

TEST_F(KernelTvrTest, PinTryCounterAlreadyZero) {
  pin_pad = std::make_unique<ScriptedPinPad>(
      std::vector<PinEntryResult>{PinEntryResult::entered("1234")});
  FakeCard card;
  card.pin_tries = 0;
  card.record[0x8E] = hexBytes(
      "00000000000000004100"
      "1E00");
  const KernelResult r = run(card, test::purchase(5000));
  // Falls through to signature: PIN try limit exceeded stays, verification succeeds.
  EXPECT_EQ(r.tvr.toHex(), "8000200000");
  EXPECT_EQ(toHex(r.cvm_results.toBytes()), "1E0000");
  EXPECT_TRUE(r.signature_required);
  EXPECT_TRUE(pin_pad->requests.empty());
}

TEST_F(KernelTvrTest, PinBypassedMakesCvmUnsuccessful) {
  pin_pad =
      std::make_unique<ScriptedPinPad>(std::vector<PinEntryResult>{PinEntryResult::bypassed()});
  FakeCard card;
  card.record[0x8E] = hexBytes("00000000000000000100");
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000880000");
}

TEST_F(KernelTvrTest, PinPadNotWorking) {
  pin_pad = std::make_unique<ScriptedPinPad>(
      std::vector<PinEntryResult>{PinEntryResult::padNotWorking()});
  FakeCard card;
  card.record[0x8E] = hexBytes("00000000000000000200");
  EXPECT_EQ(run(card, test::purchase(5000)).tvr.toHex(), "8000900000");
}

TEST_F(KernelTvrTest, OnlinePinEnteredAndSentEnciphered) {
  pin_pad = std::make_unique<ScriptedPinPad>(
      std::vector<PinEntryResult>{PinEntryResult::entered("1234")});
  FakeCard card;
  card.record[0x8E] = hexBytes("000000000000000042031E031F00");
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000040000");
  EXPECT_EQ(toHex(r.cvm_results.toBytes()), "420300");
  ASSERT_EQ(issuer->requests.size(), 1u);
  EXPECT_EQ(issuer->requests[0].pin_block.size(), 8u);
}

TEST_F(KernelTvrTest, UnrecognisedCvm) {
  FakeCard card;
  card.record[0x8E] = hexBytes("00000000000000004A001F00");
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000400000");
  EXPECT_EQ(toHex(r.cvm_results.toBytes()), "1F0002");
}

TEST_F(KernelTvrTest, AmountConditionsUseTheApplicationCurrency) {
  FakeCard card;
  card.record[0x9F42] = hexBytes("0156");
  // X = 100.00: "no CVM if under X", else signature.
  card.record[0x8E] = hexBytes("00002710000000001F061E00");
  EXPECT_EQ(toHex(run(card, test::purchase(5000)).cvm_results.toBytes()), "1F0602");
  FakeCard big;
  big.record[0x9F42] = hexBytes("0156");
  big.record[0x8E] = hexBytes("00002710000000001F061E00");
  EXPECT_EQ(toHex(run(big, test::purchase(20000)).cvm_results.toBytes()), "1E0000");
}

TEST_F(KernelTvrTest, CvmListMissingIsIccDataMissing) {
  FakeCard card;
  card.record.erase(0x8E);
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "A000000000");
  EXPECT_EQ(toHex(r.cvm_results.toBytes()), "3F0000");
  EXPECT_FALSE(r.tsi.cardholderVerificationPerformed());
}

// ---- Online, issuer authentication, scripts, completion ----

TEST_F(KernelTvrTest, IssuerAuthenticationFailed) {
  OnlineResponse response = test::approved();
  response.issuer_authentication_data = hexBytes("11223344556677883030");
  issuer = std::make_unique<FixedIssuer>(response);
  FakeCard card;
  card.aip = hexBytes("1C00");
  card.external_authenticate_sw = 0x6300;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000000040");
  EXPECT_EQ(r.tsi.toHex(), "7800");
  EXPECT_EQ(r.outcome, Outcome::kApprovedOnline);
}

TEST_F(KernelTvrTest, IssuerAuthenticationInCdol2SkipsExternalAuthenticate) {
  OnlineResponse response = test::approved();
  response.issuer_authentication_data = hexBytes("11223344556677883030");
  issuer = std::make_unique<FixedIssuer>(response);
  FakeCard card;
  card.aip = hexBytes("1C00");
  card.record[0x8D] = hexBytes("8A02910A9F3704");
  const KernelResult r = run(card, test::purchase(5000));
  for (const CommandApdu& c : card.commands) EXPECT_NE(c.ins, kInsExternalAuthenticate);
  EXPECT_EQ(r.tsi.toHex(), "7800");
  // CDOL2 data = 8A "00" ‖ 91 ‖ UN.
  EXPECT_EQ(toHex(card.commands.back().data),
            "303011223344556677883030"
            "11223344");
}

TEST_F(KernelTvrTest, ScriptFailedBeforeFinalGenerateAc) {
  OnlineResponse response = test::approved();
  response.issuer_scripts = hexBytes(
      "7112"
      "9F180411223344"
      "8609841E000004AABBCCDD");
  issuer = std::make_unique<FixedIssuer>(response);
  FakeCard card;
  card.script_sw = 0x6A82;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000000020");
  EXPECT_EQ(toHex(r.issuer_script_results), "1111223344");
  EXPECT_TRUE(r.tsi.scriptProcessingPerformed());
  // The script ran before the second GENERATE AC.
  EXPECT_EQ(card.commands[card.commands.size() - 2].cla, 0x84);
}

TEST_F(KernelTvrTest, ScriptFailedAfterFinalGenerateAc) {
  OnlineResponse response = test::approved();
  response.issuer_scripts = hexBytes(
      "7212"
      "9F180455667788"
      "8609841E000004AABBCCDD");
  issuer = std::make_unique<FixedIssuer>(response);
  FakeCard card;
  card.script_sw = 0x6985;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000000010");
  EXPECT_EQ(toHex(r.issuer_script_results), "1155667788");
  EXPECT_EQ(card.commands.back().cla, 0x84);
}

TEST_F(KernelTvrTest, SuccessfulScriptsAreReported) {
  OnlineResponse response = test::approved();
  response.issuer_scripts = hexBytes(
      "7112"
      "9F180411223344"
      "8609841E000004AABBCCDD");
  issuer = std::make_unique<FixedIssuer>(response);
  FakeCard card;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000000000");
  EXPECT_EQ(toHex(r.issuer_script_results), "2011223344");
  EXPECT_EQ(toHex(r.find(kTag9F5BIssuerScriptResults)), "2011223344");
}

TEST_F(KernelTvrTest, CardDeclinesAfterIssuerApprovalNeedsReversal) {
  FakeCard card;
  card.second_cid = 0x00;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.outcome, Outcome::kDeclinedOnline);
  EXPECT_TRUE(r.reversal_required);
}

TEST_F(KernelTvrTest, IssuerDeclineRequestsAac) {
  issuer = std::make_unique<FixedIssuer>(test::declined("51"));
  FakeCard card;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.outcome, Outcome::kDeclinedOnline);
  EXPECT_EQ(card.generateAcP1(), (std::vector<std::uint8_t>{0x80, 0x00}));
  EXPECT_EQ(r.authorisation_response_code, "51");
  EXPECT_FALSE(r.reversal_required);
}

TEST_F(KernelTvrTest, UnableToGoOnlineDefaultActionDeclines) {
  issuer.reset();
  FakeCard card;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.outcome, Outcome::kDeclinedOffline);
  EXPECT_EQ(r.authorisation_response_code, "Z3");
  EXPECT_EQ(card.generateAcP1(), (std::vector<std::uint8_t>{0x80, 0x00}));
}

TEST_F(KernelTvrTest, UnableToGoOnlineDefaultActionApproves) {
  issuer.reset();
  for (auto& app : profile.applications) app.tac_default = hexBytes("0000000000");
  FakeCard card;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.outcome, Outcome::kApprovedOffline);
  EXPECT_EQ(r.authorisation_response_code, "Y3");
  EXPECT_EQ(card.generateAcP1(), (std::vector<std::uint8_t>{0x80, 0x40}));
}

TEST_F(KernelTvrTest, TacDenialDeclinesOffline) {
  FakeCard card;
  card.record[0x5F24] = hexBytes("260929");
  for (auto& app : profile.applications) app.tac_denial = hexBytes("0040000000");
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.outcome, Outcome::kDeclinedOffline);
  EXPECT_EQ(r.authorisation_response_code, "Z1");
  EXPECT_EQ(card.generateAcP1(), (std::vector<std::uint8_t>{0x00}));
}

TEST_F(KernelTvrTest, OfflineApprovalWhenNothingAsksForOnline) {
  for (auto& app : profile.applications) app.tac_online = hexBytes("0000000000");
  FakeCard card;
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.outcome, Outcome::kApprovedOffline);
  EXPECT_EQ(r.authorisation_response_code, "Y1");
  EXPECT_EQ(card.generateAcP1(), (std::vector<std::uint8_t>{0x40}));
  EXPECT_FALSE(r.went_online);
}

TEST_F(KernelTvrTest, OnlineOnlyTerminalNeverApprovesOffline) {
  profile = unattendedTerminal();
  for (auto& app : profile.applications) app.tac_online = hexBytes("0000000000");
  FakeCard card;
  card.record[0x8E] = hexBytes("00000000000000001F00");
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(card.generateAcP1().front(), 0x80);
  EXPECT_EQ(r.outcome, Outcome::kApprovedOnline);
}

// ---- Card failures and data errors ----

TEST_F(KernelTvrTest, MuteChipFallsBackToMagstripe) {
  FakeCard card;
  card.mute = true;
  EXPECT_EQ(run(card, test::purchase(5000)).outcome, Outcome::kFallbackToMagstripe);
}

TEST_F(KernelTvrTest, CardRemovedMidTransaction) {
  FakeCard card;
  card.remove_after_commands = 3;  // SELECT AID, GPO, READ RECORD, then gone
  const KernelResult r = run(card, test::purchase(5000));
  EXPECT_EQ(r.outcome, Outcome::kCardError);
}

TEST_F(KernelTvrTest, MissingMandatoryDataTerminates) {
  FakeCard card;
  card.record.erase(0x8C);
  EXPECT_EQ(run(card, test::purchase(5000)).outcome, Outcome::kTerminated);
}

TEST_F(KernelTvrTest, DuplicateDataTerminates) {
  FakeCard card;
  card.extra_records[{2, 1}] = hexBytes("700A5A084761739001010010");
  card.extra_afl = hexBytes("10010100");
  EXPECT_EQ(run(card, test::purchase(5000)).outcome, Outcome::kTerminated);
}

TEST_F(KernelTvrTest, GpoConditionsNotSatisfiedWithOneApplicationIsNotAccepted) {
  FakeCard card;
  card.gpo_sw = 0x6985;
  EXPECT_EQ(run(card, test::purchase(5000)).outcome, Outcome::kNotAccepted);
}

// ---- Offline data authentication with the own test PKI (emv_oda_own_chain.json) ----

class KernelOdaTest : public KernelTvrTest {
 protected:
  void SetUp() override {
    const Json chain = posim::test::loadJson("vectors/emv_oda_own_chain.json");
    const Json& v = chain.asArray().at(0);
    const Json& tags = *v.find("card_tags");
    card.aip = hexBytes("7D00");
    card.record.clear();
    card.record[0x8C] = hexBytes("9F02069F03069F1A0295055F2A029A039C019F3704");
    card.record[0x8D] = hexBytes("8A029F02069F03069F1A0295055F2A029A039C019F3704");
    for (const char* tag : {"8F", "90", "92", "9F32", "93", "9F46", "9F47", "9F48"}) {
      card.record[static_cast<Tag>(readBigEndian(hexBytes(tag)))] =
          hexBytes(tags.find(tag)->asString());
    }
    card.extra_records[{2, 1}] = hexBytes(v.find("oda_record_sfi2_rec1")->asString());
    card.extra_afl = hexBytes("10010101");
    sdad = hexBytes(v.find("dda")->find("sdad_9F4B")->asString());
    cda_sdad = hexBytes(v.find("cda")->find("sdad_9F4B")->asString());
  }
  void terminalOda(std::string_view byte3) {
    profile.capabilities = hexBytes(std::string("E028") + std::string(byte3));
  }
  TransactionInputs inputs(std::int64_t amount, std::string_view un) {
    TransactionInputs in = test::purchase(amount);
    in.at = test::localTime(2025, 3, 14);
    in.unpredictable_number = hexBytes(un);
    return in;
  }

  FakeCard card;
  Bytes sdad;
  Bytes cda_sdad;
};

TEST_F(KernelOdaTest, SdaSuccessful) {
  terminalOda("80");
  const KernelResult r = run(card, inputs(5000, "11223344"));
  EXPECT_EQ(r.tvr.toHex(), "0200000000") << r.steps[5].decision;  // SDA selected only
  EXPECT_EQ(toHex(r.find(kTag9F45DataAuthenticationCode)), "DAC1");
  EXPECT_EQ(r.tsi.toHex(), "E800");
}

TEST_F(KernelOdaTest, SdaFailedWhenTheSignedDataChanged) {
  terminalOda("80");
  card.aip = hexBytes("5D00");  // the AIP is part of the signed static data
  const KernelResult r = run(card, inputs(5000, "11223344"));
  EXPECT_EQ(r.tvr.toHex(), "4200000000");
}

TEST_F(KernelOdaTest, SdaFailedWithoutCaKey) {
  terminalOda("80");
  profile.ca_keys = crypto::CapkStore();
  const KernelResult r = run(card, inputs(5000, "11223344"));
  EXPECT_EQ(r.tvr.toHex(), "4200000000");
}

TEST_F(KernelOdaTest, DdaSuccessful) {
  terminalOda("40");
  card.internal_authenticate = encodeTlv(0x80, sdad);
  const KernelResult r = run(card, inputs(5000, "7FBC4049"));
  EXPECT_EQ(r.tvr.toHex(), "0000000000");
  EXPECT_EQ(toHex(r.find(kTag9F4CIccDynamicNumber)), "1122334455667788");
  bool sent = false;
  for (const CommandApdu& c : card.commands) {
    if (c.ins != kInsInternalAuthenticate) continue;
    sent = true;
    EXPECT_EQ(toHex(c.serialize().value()), "00880000047FBC404900");
  }
  EXPECT_TRUE(sent);
}

TEST_F(KernelOdaTest, DdaFailed) {
  terminalOda("40");
  sdad[10] ^= 0x01;
  card.internal_authenticate = encodeTlv(0x80, sdad);
  const KernelResult r = run(card, inputs(5000, "7FBC4049"));
  EXPECT_EQ(r.tvr.toHex(), "0800000000");
}

TEST_F(KernelOdaTest, CdaSuccessfulOnFirstGenerateAc) {
  terminalOda("08");
  for (auto& app : profile.applications) app.floor_limit = 0;
  card.pdol = hexBytes("9F0206");
  card.first_ac_response = TlvBuilder()
                               .open(0x77)
                               .addRaw(hexBytes("9F2701809F360200089F100706011203A0A000"))
                               .add(0x9F4B, cda_sdad)
                               .close()
                               .take();
  card.second_cid = 0x00;
  const KernelResult r = run(card, inputs(12345, "9A3B5C7D"));
  EXPECT_EQ(card.generateAcP1().front(), 0x90);  // ARQC + CDA
  EXPECT_EQ(toHex(issuer->requests.at(0).icc_data).substr(0, 22), "9F2608B912CED09B609410");
  EXPECT_EQ(r.tvr.toHex(), "0000008000");
  EXPECT_EQ(r.outcome, Outcome::kDeclinedOnline);
  EXPECT_TRUE(r.reversal_required);
}

TEST_F(KernelOdaTest, CdaFailedWhenTheCardSendsNoSignature) {
  terminalOda("08");
  for (auto& app : profile.applications) app.floor_limit = 0;
  const KernelResult r = run(card, inputs(12345, "9A3B5C7D"));
  EXPECT_EQ(r.tvr.toHex(), "0400008000");
  EXPECT_EQ(r.outcome, Outcome::kDeclinedOffline);
  EXPECT_EQ(card.generateAcP1(), (std::vector<std::uint8_t>{0x90, 0x00}));
}

TEST_F(KernelOdaTest, NoCommonMethodMeansNotPerformed) {
  terminalOda("00");
  const KernelResult r = run(card, inputs(5000, "11223344"));
  EXPECT_EQ(r.tvr.toHex(), "8000000000");
  EXPECT_FALSE(r.tsi.odaPerformed());
}

}  // namespace
}  // namespace posim::emv

namespace posim::emv {
namespace {

TEST(KernelFormatTest, ExchangeShowsNameStatusAndMaskedTree) {
  ApduExchange e;
  e.command = hexBytes("00B2010C00");
  e.command_name = "READ RECORD SFI 1 record 1";
  e.response = hexBytes("700A5A0847617390010100109000");
  e.status = "9000 Success, 12 bytes";
  const std::string text = formatExchange(e);
  EXPECT_NE(text.find("> 00B2010C00  READ RECORD SFI 1 record 1"), std::string::npos) << text;
  EXPECT_NE(text.find("9000  Success"), std::string::npos) << text;
  EXPECT_NE(text.find("5A"), std::string::npos) << text;
  EXPECT_EQ(text.find("4761739001010010"), std::string::npos) << text;
}

}  // namespace
}  // namespace posim::emv

namespace posim::emv {
namespace {

TEST(KernelTdolTest, DefaultTdolUsedForTheTcHash) {
  TerminalProfile profile = test::quietCountertop();
  for (auto& app : profile.applications) app.default_tdol = hexBytes("9F0206");
  test::FakeCard card;
  card.record[0x8C] = hexBytes("98149F3704");
  SeededRandom random(1);
  test::FixedIssuer issuer(test::approved());
  KernelEnvironment env;
  env.random = &random;
  env.authorizer = &issuer;
  const KernelResult r = Kernel(profile, env).run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000000080");
  // SHA-1(000000005000) then the UN.
  ASSERT_GE(card.commands.size(), 1u);
  const CommandApdu* first_ac = nullptr;
  for (const auto& c : card.commands) {
    if (c.ins == kInsGenerateAc && first_ac == nullptr) first_ac = &c;
  }
  ASSERT_NE(first_ac, nullptr);
  EXPECT_EQ(first_ac->data.size(), 24u);
  EXPECT_EQ(toHex(r.find(0x98)).size(), 40u);
}

TEST(KernelTdolTest, CardTdolIsNotDefault) {
  TerminalProfile profile = test::quietCountertop();
  for (auto& app : profile.applications) app.default_tdol = hexBytes("9F0206");
  test::FakeCard card;
  card.record[0x8C] = hexBytes("98149F3704");
  card.record[0x97] = hexBytes("9F0206");
  SeededRandom random(1);
  KernelEnvironment env;
  env.random = &random;
  const KernelResult r = Kernel(profile, env).run(card, test::purchase(5000));
  EXPECT_EQ(r.tvr.toHex(), "8000000000");
}

}  // namespace
}  // namespace posim::emv
