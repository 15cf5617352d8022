// Injected card faults (DESIGN.md §3): each gives what a real card would show a terminal.
#include <gtest/gtest.h>

#include "posim/base/random.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/status_words.h"
#include "posim/emv/virtual_card.h"

#include "virtual_card_test_support.h"

namespace posim::emv {
namespace {

using testing::AcResponse;
using testing::generateAc;
using testing::parseAc;
using testing::send;
using testing::Terminal;

VirtualCard makeCard(const CardProfile& profile) {
  auto card = VirtualCard::create(profile);
  EXPECT_TRUE(card.isOk()) << card.status().toString();
  return std::move(card).value();
}

TEST(VirtualCardFaultsTest, MuteCardFailsPowerOnAndTransceive) {
  VirtualCard card = makeCard(visaCreditCard());
  ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
  {
    CardFault fault;
    fault.mute = true;
    card.setFault(fault);
  }
  EXPECT_EQ(card.transceive(*CommandApdu::selectPse().serialize()).status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(card.powerOn(CardInterface::kContact).status().code(), StatusCode::kUnavailable);
  card.setFault({});
  EXPECT_TRUE(card.powerOn(CardInterface::kContact).isOk());
}

TEST(VirtualCardFaultsTest, CardRemovedAtANamedCommand) {
  VirtualCard card = makeCard(visaCreditCard());
  {
    CardFault fault;
    fault.remove_at_command = "GENERATE AC";
    fault.remove_at_occurrence = 2;
    card.setFault(fault);
  }
  ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
  Terminal t;
  testing::selectAndRead(card, t, card.profile().applications[0].aid);
  ASSERT_EQ(parseAc(generateAc(card, t, GenerateAcReference::kArqc, false, false)).sw, kSwOk);
  const Bytes cdol2 = testing::dolData(t.cardValue(0x8D), t.data);
  auto lost =
      card.transceive(*CommandApdu::generateAc(GenerateAcReference::kTc, false, cdol2).serialize());
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(card.removed());
  EXPECT_EQ(card.powerOn(CardInterface::kContact).status().code(), StatusCode::kUnavailable);
  // The ARQC was never completed: the card remembers it.
  card.powerOff();
  EXPECT_TRUE(card.state().applications[0].last_online_not_completed);
}

TEST(VirtualCardFaultsTest, CardRemovedAfterNApdus) {
  VirtualCard card = makeCard(visaCreditCard());
  {
    CardFault fault;
    fault.remove_after_apdus = 2;
    card.setFault(fault);
  }
  ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
  EXPECT_EQ(send(card, CommandApdu::selectPse()).sw1sw2, kSwOk);
  EXPECT_EQ(send(card, *CommandApdu::readRecord(1, 1)).sw1sw2, kSwOk);
  EXPECT_EQ(card.transceive(*CommandApdu::readRecord(1, 2)->serialize()).status().code(),
            StatusCode::kUnavailable);
}

TEST(VirtualCardFaultsTest, WrongCryptogramFailsAtTheIssuer) {
  const CardProfile profile = visaCreditCard();
  const CardApplication& app = profile.applications[0];
  VirtualCard card = makeCard(profile);
  {
    CardFault fault;
    fault.wrong_cryptogram = true;
    card.setFault(fault);
  }
  ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
  Terminal t;
  testing::selectAndRead(card, t, app.aid);
  const AcResponse ac = parseAc(generateAc(card, t, GenerateAcReference::kArqc, false, false));
  ASSERT_EQ(ac.sw, kSwOk);
  crypto::AcRequest request{
      app.keys.cvn, app.keys.imk_ac, profile.pan.digits(), profile.psn, ac.atc, t.data[0x9F37], {}};
  request.data = testing::issuerAcInput(app.keys.cvn, t.data, t.card[0x82], ac.atc, ac.iad);
  auto ok = crypto::verifyApplicationCryptogram(request, ac.ac);
  ASSERT_TRUE(ok.isOk());
  EXPECT_FALSE(*ok);
}

TEST(VirtualCardFaultsTest, CorruptedCertificateFailsRecovery) {
  for (const CardProfile& profile : {visaCreditCard(), visaDebitSdaCard()}) {
    SCOPED_TRACE(profile.id);
    VirtualCard card = makeCard(profile);
    {
      CardFault fault;
      fault.corrupted_certificate = true;
      card.setFault(fault);
    }
    ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
    Terminal t;
    testing::selectAndRead(card, t, profile.applications[0].aid);
    auto keys = testing::recoverKeys(t, ByteView(profile.applications[0].aid).first(5));
    EXPECT_FALSE(keys.icc.has_value());
    EXPECT_TRUE(keys.failure.has_value());
  }
}

TEST(VirtualCardFaultsTest, BlockedApplicationAnswers6283AndDeclines) {
  VirtualCard card = makeCard(visaCreditCard());
  {
    CardFault fault;
    fault.blocked_application = true;
    card.setFault(fault);
  }
  ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
  const Bytes aid = card.profile().applications[0].aid;
  ResponseApdu fci = send(card, CommandApdu::selectByName(aid));
  EXPECT_EQ(fci.sw1sw2, kSwSelectedFileInvalidated);
  EXPECT_FALSE(fci.data.empty());
  // A terminal that carries on anyway gets an AAC.
  ASSERT_EQ(send(card, CommandApdu::getProcessingOptions({})).sw1sw2, kSwOk);
  Terminal t;
  t.learn(*card.transceive(*CommandApdu::readRecord(2, 1)->serialize()));
  const AcResponse ac = parseAc(generateAc(card, t, GenerateAcReference::kArqc, false, false));
  EXPECT_EQ(ac.cid & 0xC0, 0x00);
}

TEST(VirtualCardFaultsTest, PinTryLimitExceeded) {
  VirtualCard card = makeCard(visaDebitSdaCard());
  {
    CardFault fault;
    fault.pin_try_limit_exceeded = true;
    card.setFault(fault);
  }
  ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
  ASSERT_EQ(send(card, CommandApdu::selectByName(card.profile().applications[0].aid)).sw1sw2,
            kSwOk);
  EXPECT_EQ(toHex(send(card, CommandApdu::getData(0x9F17)).data), "9F170100");
  const Bytes block = crypto::buildClearPinBlock(crypto::PinBlockFormat::kIso2, "1234", "")->block;
  EXPECT_EQ(send(card, CommandApdu::verify(PinQualifier::kPlaintext, block)).sw1sw2,
            kSwAuthenticationMethodBlocked);
}

TEST(VirtualCardFaultsTest, UnexpectedStatusWordForANamedCommand) {
  VirtualCard card = makeCard(mastercardDebitCard());
  {
    CardFault fault;
    fault.unexpected_status_command = "GET PROCESSING OPTIONS";
    fault.unexpected_status_word = kSwConditionsNotSatisfied;
    card.setFault(fault);
  }
  ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
  ASSERT_EQ(send(card, CommandApdu::selectByName(card.profile().applications[0].aid)).sw1sw2,
            kSwOk);
  ResponseApdu gpo = send(card, CommandApdu::getProcessingOptions(hexBytes("0840")));
  EXPECT_EQ(gpo.sw1sw2, kSwConditionsNotSatisfied);
  EXPECT_TRUE(gpo.data.empty());
  EXPECT_EQ(commandName(0x80, 0xAE), "GENERATE AC");
  EXPECT_EQ(commandName(0x84, 0x1E), "APPLICATION BLOCK");
}

// Garbage from a broken terminal never crashes the card: every answer ends with a status word.
TEST(VirtualCardFaultsTest, RandomCommandsAlwaysGetAStatusWord) {
  SeededRandom random(2026);
  for (const CardProfile& profile : {visaCreditCard(), mastercardDebitCard()}) {
    VirtualCard card = makeCard(profile);
    ASSERT_TRUE(card.powerOn(CardInterface::kContact).isOk());
    const Bytes select = *CommandApdu::selectByName(profile.applications[0].aid).serialize();
    for (int i = 0; i < 3000; ++i) {
      if (i % 50 == 0) {
        ASSERT_TRUE(card.transceive(select).isOk());
      }
      Bytes command = random.bytes(static_cast<std::size_t>(random.uniform(40)));
      if (command.size() >= 2 && i % 2 == 0) {
        // Keep the CLA/INS of a real command so the handlers see the junk.
        static constexpr std::uint8_t kIns[] = {0xA4, 0xA8, 0xB2, 0xCA, 0x20, 0x84,
                                                0x88, 0xAE, 0x82, 0x1E, 0x24, 0xDA};
        command[0] = (i % 4 == 0) ? 0x80 : 0x84;
        command[1] = kIns[random.uniform(sizeof(kIns))];
        if (command.size() > 5) command[4] = static_cast<std::uint8_t>(command.size() - 5);
      }
      auto response = card.transceive(command);
      ASSERT_TRUE(response.isOk()) << response.status().toString();
      ASSERT_GE(response->size(), 2u);
    }
  }
}

}  // namespace
}  // namespace posim::emv
