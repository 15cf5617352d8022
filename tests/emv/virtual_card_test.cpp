#include "posim/emv/virtual_card.h"

#include <gtest/gtest.h>

#include "posim/base/pan.h"
#include "posim/base/random.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/crypto/rsa_pin.h"
#include "posim/emv/status_words.h"

#include "test_data.h"
#include "virtual_card_test_support.h"

namespace posim::emv {
namespace {

using testing::AcResponse;
using testing::generateAc;
using testing::parseAc;
using testing::send;
using testing::Terminal;

const Bytes kVisaRid = hexBytes("A000000003");
const Bytes kMastercardRid = hexBytes("A000000004");

VirtualCard makeCard(const CardProfile& profile, std::optional<CardState> state = std::nullopt) {
  auto card = VirtualCard::create(profile, std::move(state));
  EXPECT_TRUE(card.isOk()) << card.status().toString();
  return std::move(card).value();
}

void powerOn(VirtualCard& card, CardInterface interface = CardInterface::kContact) {
  auto atr = card.powerOn(interface);
  ASSERT_TRUE(atr.isOk()) << atr.status().toString();
}

Bytes plaintextPinBlock(std::string_view pin) {
  return crypto::buildClearPinBlock(crypto::PinBlockFormat::kIso2, pin, "")->block;
}

// One complete online contact transaction: ARQC (with CDA when the AIP offers it), issuer
// approval with a correct ARPC, second GENERATE AC asking for a TC.
struct OnlineResult {
  AcResponse first;
  AcResponse second;
};

OnlineResult onlineTransaction(VirtualCard& card, std::size_t app_index = 0) {
  OnlineResult out;
  Terminal t;
  const CardApplication& app = card.profile().applications[app_index];
  testing::selectAndRead(card, t, app.aid);
  const bool cda = app.oda == OdaMethod::kCda;
  out.first = parseAc(generateAc(card, t, GenerateAcReference::kArqc, cda, false));
  if (out.first.sw != 0x9000) return out;
  Bytes arqc = out.first.ac;
  if (!out.first.sdad.empty()) {
    auto keys = testing::recoverKeys(t, ByteView(app.aid).first(5));
    EXPECT_TRUE(keys.icc.has_value());
    auto cda_result =
        crypto::recoverCdaSignature(keys.icc->public_key, {out.first.sdad,
                                                           t.data[0x9F37],
                                                           out.first.cid,
                                                           t.pdol_data,
                                                           t.cdol1_data,
                                                           {},
                                                           out.first.tlvs_without_sdad});
    EXPECT_TRUE(cda_result.isOk());
    if (cda_result) arqc = cda_result->application_cryptogram;
  }
  const Bytes iad91 =
      testing::issuerAuthenticationData(app, card.profile(), arqc, out.first.atc, t.data[0x9F37]);
  if (t.card[0x8D].size() >= 2 && t.card[0x8D][0] == 0x91) {
    t.data[0x91] = iad91;
  } else {
    EXPECT_EQ(send(card, CommandApdu::externalAuthenticate(iad91)).sw1sw2, 0x9000);
  }
  out.second = parseAc(generateAc(card, t, GenerateAcReference::kTc, cda, true));
  return out;
}

TEST(VirtualCardTest, EveryTestProfilePersonalises) {
  for (const CardProfile& profile : testCardProfiles()) {
    EXPECT_TRUE(luhnValid(profile.pan.digits())) << profile.id;
    auto image = personalise(profile);
    EXPECT_TRUE(image.isOk()) << profile.id << ": " << image.status().toString();
  }
  EXPECT_TRUE(testCardProfile("mastercard-debit").isOk());
  EXPECT_EQ(testCardProfile("nope").status().code(), StatusCode::kNotFound);
}

TEST(VirtualCardTest, OwnChainKeysAreThoseOfTheVectorFile) {
  const Json chain = test::loadJson("vectors/emv_oda_own_chain.json").asArray().at(0);
  auto modulus = [&](std::string_view key) { return chain.find(key)->find("modulus")->asString(); };
  EXPECT_EQ(toHex(ownChainPki().ca_key.publicKey().modulus()), modulus("ca_key"));
  EXPECT_EQ(toHex(ownChainPki().issuer_key.publicKey().modulus()), modulus("issuer_key"));
  EXPECT_EQ(toHex(ownChainPki().icc_key.publicKey().modulus()), modulus("icc_key"));
  auto capk = ownChainCapk(hexBytes("A000000999"));
  ASSERT_TRUE(capk.isOk());
  EXPECT_EQ(toHex(capk->checksum), "DDD2DB4EA98FE477FCF3B36468F1CFAC391D2FA4");
}

TEST(VirtualCardTest, MagstripeOnlyCardRefusesChip) {
  VirtualCard card = makeCard(amexLikeMagstripeCard());
  auto atr = card.powerOn(CardInterface::kContact);
  EXPECT_EQ(atr.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(magstripeTrack2(card.profile()), "374245455400126=28121010000000000");
}

TEST(VirtualCardTest, SelectPseListsApplicationsWithPriority) {
  VirtualCard card = makeCard(visaDualAppCard());
  powerOn(card);
  ResponseApdu fci = send(card, CommandApdu::selectPse());
  ASSERT_EQ(fci.sw1sw2, kSwOk);
  const TlvDecodeResult d = decodeTlv(fci.data);
  ASSERT_NE(findTlv(d.nodes, 0x88), nullptr);
  std::vector<std::pair<Bytes, std::uint8_t>> entries;
  for (std::uint8_t r = 1;; ++r) {
    ResponseApdu rec = send(card, *CommandApdu::readRecord(1, r));
    if (rec.sw1sw2 == kSwRecordNotFound) break;
    ASSERT_EQ(rec.sw1sw2, kSwOk);
    const TlvDecodeResult e = decodeTlv(rec.data);
    const TlvNode* aid = findTlv(e.nodes, 0x4F);
    const TlvNode* api = findTlv(e.nodes, 0x87);
    ASSERT_TRUE(aid && api);
    entries.emplace_back(Bytes(aid->value.begin(), aid->value.end()), api->value[0]);
  }
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(toHex(entries[0].first), "A0000000031010");
  EXPECT_EQ(entries[0].second, 2);
  EXPECT_EQ(toHex(entries[1].first), "A0000000032010");
  EXPECT_EQ(entries[1].second, 1);
  // PPSE is a contactless thing.
  EXPECT_EQ(send(card, CommandApdu::selectPpse()).sw1sw2, kSwFileNotFound);
}

TEST(VirtualCardTest, SelectByPartialAidWalksNextOccurrences) {
  VirtualCard card = makeCard(visaDualAppCard());
  powerOn(card);
  const Bytes partial = hexBytes("A000000003");
  ResponseApdu first = send(card, CommandApdu::selectByName(partial));
  ASSERT_EQ(first.sw1sw2, kSwOk);
  EXPECT_EQ(toHex(findTlv(decodeTlv(first.data).nodes, 0x84)->value), "A0000000031010");
  ResponseApdu next = send(card, CommandApdu::selectByName(partial, SelectOccurrence::kNext));
  ASSERT_EQ(next.sw1sw2, kSwOk);
  EXPECT_EQ(toHex(findTlv(decodeTlv(next.data).nodes, 0x84)->value), "A0000000032010");
  EXPECT_EQ(send(card, CommandApdu::selectByName(partial, SelectOccurrence::kNext)).sw1sw2,
            kSwFileNotFound);
  EXPECT_EQ(send(card, CommandApdu::selectByName(hexBytes("A0000000041010"))).sw1sw2,
            kSwFileNotFound);
}

TEST(VirtualCardTest, GpoChecksPdolDataLengthAndAnswersFormat2) {
  VirtualCard card = makeCard(mastercardDebitCard());
  powerOn(card);
  ASSERT_EQ(send(card, CommandApdu::getProcessingOptions(hexBytes("0840"))).sw1sw2,
            kSwConditionsNotSatisfied);  // nothing selected
  ASSERT_EQ(send(card, CommandApdu::selectByName(hexBytes("A0000000041010"))).sw1sw2, kSwOk);
  EXPECT_EQ(send(card, CommandApdu::getProcessingOptions(hexBytes("084000"))).sw1sw2,
            kSwWrongLength);
  ResponseApdu gpo = send(card, CommandApdu::getProcessingOptions(hexBytes("0840")));
  ASSERT_EQ(gpo.sw1sw2, kSwOk);
  const TlvDecodeResult d = decodeTlv(gpo.data);
  EXPECT_EQ(d.nodes.at(0).tag, 0x77u);
  EXPECT_EQ(toHex(findTlv(d.nodes, 0x82)->value), "3D00");
  EXPECT_EQ(card.state().applications[0].atc, 1);
}

TEST(VirtualCardTest, SdaCertificatesRecoverWithPosimOda) {
  VirtualCard card = makeCard(visaDebitSdaCard());
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, hexBytes("A0000000032010"));
  auto keys = testing::recoverKeys(t, kVisaRid);
  ASSERT_TRUE(keys.issuer.has_value());
  auto ssad =
      crypto::recoverSignedStaticData(keys.issuer->public_key, t.cardValue(0x93), t.static_data);
  ASSERT_TRUE(ssad.isOk()) << ssad.failure().toString();
  EXPECT_EQ(toHex(ssad->data_authentication_code), "DAC1");
  auto expected = staticDataToBeAuthenticated(*card.image(), 0);
  EXPECT_EQ(toHex(t.static_data), toHex(*expected));
}

TEST(VirtualCardTest, DdaSignatureVerifiesWithPosimOda) {
  VirtualCard card = makeCard(visaCreditCard());
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, hexBytes("A0000000031010"));
  auto keys = testing::recoverKeys(t, kVisaRid);
  ASSERT_TRUE(keys.icc.has_value()) << static_cast<int>(*keys.failure);
  EXPECT_EQ(keys.icc->public_key, ownChainPki().icc_key.publicKey());
  const Bytes ddol_data = testing::dolData(t.cardValue(0x9F49), t.data);
  ResponseApdu ia = send(card, CommandApdu::internalAuthenticate(ddol_data));
  ASSERT_EQ(ia.sw1sw2, kSwOk);
  const TlvDecodeResult d = decodeTlv(ia.data);
  ASSERT_EQ(d.nodes.at(0).tag, 0x80u);
  auto sdad = crypto::recoverDdaSignature(keys.icc->public_key, d.nodes[0].value, ddol_data);
  ASSERT_TRUE(sdad.isOk()) << sdad.failure().toString();
  EXPECT_EQ(sdad->icc_dynamic_number.size(), 8u);
}

std::vector<CardProfile> everyCvn() {
  std::vector<CardProfile> out = {visaCreditCard(),      visaDebitSdaCard(),
                                  unionpayDebitCard(),   visaDualAppCard(),
                                  mastercardDebitCard(), mastercardCreditContactlessCard()};
  for (crypto::Cvn cvn :
       {crypto::Cvn::kVisa22, crypto::Cvn::kMastercard20, crypto::Cvn::kMastercard21}) {
    CardProfile p = cvn == crypto::Cvn::kVisa22 ? visaCreditCard() : mastercardDebitCard();
    p.applications[0].keys.cvn = cvn;
    out.push_back(p);
  }
  return out;
}

TEST(VirtualCardTest, ArqcEqualsAnIndependentComputationFromTheIssuerMasterKey) {
  for (const CardProfile& profile : everyCvn()) {
    const CardApplication& app = profile.applications[0];
    SCOPED_TRACE(profile.id + " " + std::string(crypto::cvnName(app.keys.cvn)));
    VirtualCard card = makeCard(profile);
    powerOn(card);
    Terminal t;
    testing::selectAndRead(card, t, app.aid);
    const AcResponse ac = parseAc(generateAc(card, t, GenerateAcReference::kArqc, false, false));
    ASSERT_EQ(ac.sw, kSwOk);
    EXPECT_EQ(ac.cid & 0xC0, 0x80);
    EXPECT_EQ(toHex(ac.atc), "0001");
    crypto::AcRequest request;
    request.cvn = app.keys.cvn;
    request.imk = app.keys.imk_ac;
    request.pan = profile.pan.digits();
    request.psn = profile.psn;
    request.atc = ac.atc;
    request.un = t.data[0x9F37];
    request.data = testing::issuerAcInput(app.keys.cvn, t.data, t.card[0x82], ac.atc, ac.iad);
    auto expected = crypto::generateApplicationCryptogram(request);
    ASSERT_TRUE(expected.isOk()) << expected.status().toString();
    EXPECT_EQ(toHex(ac.ac), toHex(expected->ac));
    const bool visa = app.keys.cvn == crypto::Cvn::kVisa10 ||
                      app.keys.cvn == crypto::Cvn::kVisa18 || app.keys.cvn == crypto::Cvn::kVisa22;
    EXPECT_EQ(ac.iad[visa ? 2 : 1], crypto::cvnNumber(app.keys.cvn));
  }
}

TEST(VirtualCardTest, CdaOnBothGenerateAcsVerifiesAndArqcMatchesIssuer) {
  for (const CardProfile& profile : {mastercardDebitCard(), mastercardCreditContactlessCard()}) {
    SCOPED_TRACE(profile.id);
    VirtualCard card = makeCard(profile);
    powerOn(card);
    Terminal t;
    const CardApplication& app = profile.applications[0];
    testing::selectAndRead(card, t, app.aid);
    auto keys = testing::recoverKeys(t, kMastercardRid);
    ASSERT_TRUE(keys.icc.has_value());
    const AcResponse first = parseAc(generateAc(card, t, GenerateAcReference::kArqc, true, false));
    ASSERT_EQ(first.sw, kSwOk);
    ASSERT_FALSE(first.sdad.empty());
    EXPECT_TRUE(first.ac.empty());  // the AC travels inside the signature
    auto recovered = crypto::recoverCdaSignature(keys.icc->public_key, {first.sdad,
                                                                        t.data[0x9F37],
                                                                        first.cid,
                                                                        t.pdol_data,
                                                                        t.cdol1_data,
                                                                        {},
                                                                        first.tlvs_without_sdad});
    ASSERT_TRUE(recovered.isOk()) << recovered.failure().toString();
    const Bytes arqc = recovered->application_cryptogram;
    crypto::AcRequest request{app.keys.cvn,
                              app.keys.imk_ac,
                              profile.pan.digits(),
                              profile.psn,
                              first.atc,
                              t.data[0x9F37],
                              {}};
    request.data = testing::issuerAcInput(app.keys.cvn, t.data, t.card[0x82], first.atc, first.iad);
    auto ok = crypto::verifyApplicationCryptogram(request, arqc);
    ASSERT_TRUE(ok.isOk());
    EXPECT_TRUE(*ok);

    // Issuer approves; 91 travels in CDOL2 (ARPC method 1).
    t.data[0x91] = testing::issuerAuthenticationData(app, profile, arqc, first.atc, t.data[0x9F37]);
    const Bytes cdol2_data = testing::dolData(t.cardValue(0x8D), t.data);
    const AcResponse second =
        parseAc(send(card, CommandApdu::generateAc(GenerateAcReference::kTc, true, cdol2_data)));
    ASSERT_EQ(second.sw, kSwOk);
    EXPECT_EQ(second.cid & 0xC0, 0x40);
    auto recovered2 = crypto::recoverCdaSignature(
        keys.icc->public_key, {second.sdad, t.data[0x9F37], second.cid, t.pdol_data, t.cdol1_data,
                               cdol2_data, second.tlvs_without_sdad});
    ASSERT_TRUE(recovered2.isOk()) << recovered2.failure().toString();
    EXPECT_FALSE(card.state().applications[0].issuer_authentication_failed);
    EXPECT_EQ(card.state().applications[0].last_online_atc, 1);
  }
}

TEST(VirtualCardTest, EveryChipTestProfileCompletesAnOnlineContactTransaction) {
  for (const CardProfile& profile : testCardProfiles()) {
    if (!profile.has_chip) continue;
    for (std::size_t i = 0; i < profile.applications.size(); ++i) {
      SCOPED_TRACE(profile.id + " app " + std::to_string(i));
      VirtualCard card = makeCard(profile);
      powerOn(card);
      const auto result = onlineTransaction(card, i);
      EXPECT_EQ(result.first.sw, kSwOk);
      EXPECT_EQ(result.first.cid & 0xC0, 0x80);
      EXPECT_EQ(result.second.sw, kSwOk);
      EXPECT_EQ(result.second.cid & 0xC0, 0x40);
      EXPECT_EQ(card.state().applications[i].last_online_atc, 1);
    }
  }
}

TEST(VirtualCardTest, PlaintextPinTriesDecrementAndBlock) {
  VirtualCard card = makeCard(visaDebitSdaCard());
  powerOn(card);
  ASSERT_EQ(send(card, CommandApdu::selectByName(hexBytes("A0000000032010"))).sw1sw2, kSwOk);
  auto tries = [&] {
    ResponseApdu r = send(card, CommandApdu::getData(0x9F17));
    EXPECT_EQ(r.sw1sw2, kSwOk);
    return toHex(r.data);
  };
  EXPECT_EQ(tries(), "9F170103");
  const Bytes wrong = plaintextPinBlock("9999");
  EXPECT_EQ(send(card, CommandApdu::verify(PinQualifier::kPlaintext, wrong)).sw1sw2, 0x63C2);
  EXPECT_EQ(send(card, CommandApdu::verify(PinQualifier::kPlaintext, wrong)).sw1sw2, 0x63C1);
  EXPECT_EQ(
      send(card, CommandApdu::verify(PinQualifier::kPlaintext, plaintextPinBlock("1234"))).sw1sw2,
      kSwOk);
  EXPECT_EQ(tries(), "9F170103");  // a correct PIN resets the counter
  for (int i = 0; i < 3; ++i) send(card, CommandApdu::verify(PinQualifier::kPlaintext, wrong));
  EXPECT_EQ(tries(), "9F170100");
  EXPECT_EQ(
      send(card, CommandApdu::verify(PinQualifier::kPlaintext, plaintextPinBlock("1234"))).sw1sw2,
      kSwAuthenticationMethodBlocked);
  EXPECT_EQ(card.state().pin_tries_remaining, 0);
}

TEST(VirtualCardTest, EncipheredPinVerifiesWithTheIccKey) {
  VirtualCard card = makeCard(mastercardDebitCard());
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, hexBytes("A0000000041010"));
  auto keys = testing::recoverKeys(t, kMastercardRid);
  ASSERT_TRUE(keys.icc.has_value());
  SeededRandom random(7);
  auto encipher = [&](std::string_view pin) {
    ResponseApdu challenge = send(card, CommandApdu::getChallenge());
    EXPECT_EQ(challenge.data.size(), 8u);
    return *crypto::encipherPinBlock(keys.icc->public_key, plaintextPinBlock(pin), challenge.data,
                                     random);
  };
  EXPECT_EQ(send(card, CommandApdu::verify(PinQualifier::kEnciphered, encipher("1111"))).sw1sw2,
            0x63C2);
  EXPECT_EQ(send(card, CommandApdu::verify(PinQualifier::kEnciphered, encipher("1234"))).sw1sw2,
            kSwOk);
  // Without a fresh challenge the data cannot be checked.
  const Bytes stale = encipher("1234");
  send(card, CommandApdu::getChallenge());
  EXPECT_EQ(send(card, CommandApdu::verify(PinQualifier::kEnciphered, stale)).sw1sw2,
            kSwIncorrectData);
}

TEST(VirtualCardTest, AtcIncrementsAndStatePersistsAcrossCards) {
  VirtualCard card = makeCard(visaCreditCard());
  powerOn(card);
  onlineTransaction(card);
  card.powerOff();
  powerOn(card);
  onlineTransaction(card);
  card.powerOff();
  EXPECT_EQ(card.state().applications[0].atc, 2);
  EXPECT_EQ(card.state().applications[0].last_online_atc, 2);

  VirtualCard again(card.image(), card.state());
  powerOn(again);
  ASSERT_EQ(send(again, CommandApdu::selectByName(hexBytes("A0000000031010"))).sw1sw2, kSwOk);
  EXPECT_EQ(toHex(send(again, CommandApdu::getData(0x9F36)).data), "9F36020002");
  EXPECT_EQ(toHex(send(again, CommandApdu::getData(0x9F13)).data), "9F13020002");
  EXPECT_EQ(toHex(send(again, CommandApdu::getData(0x9F4F)).data),
            "9F4F0E9F02065F2A029A039F52019F3602");
  EXPECT_EQ(send(again, CommandApdu::getData(0x9F7F)).sw1sw2, kSwReferencedDataNotFound);
}

// One offline attempt: the terminal asks for a TC at the first GENERATE AC.
std::uint8_t askForTc(VirtualCard& card, std::map<Tag, Bytes> overrides = {}) {
  powerOn(card);
  Terminal t;
  for (auto& [tag, value] : overrides) t.data[tag] = value;
  testing::selectAndRead(card, t, card.profile().applications[0].aid);
  const AcResponse ac = parseAc(generateAc(card, t, GenerateAcReference::kTc, false, false));
  EXPECT_EQ(ac.sw, kSwOk);
  if ((ac.cid & 0xC0) == 0x80) {
    // Go online; unable to reach the issuer.
    t.data[0x8A] = Bytes{'Z', '3'};
    const AcResponse second = parseAc(generateAc(card, t, GenerateAcReference::kAac, false, true));
    EXPECT_EQ(second.sw, kSwOk);
  }
  card.powerOff();
  return ac.cid & 0xC0;
}

TEST(VirtualCardTest, CardRiskManagementDecidesOfflineOnlineAndDecline) {
  VirtualCard card = makeCard(visaDebitSdaCard());  // LCOL 3, UCOL 5
  // A new card (no online transaction yet) goes online.
  EXPECT_EQ(askForTc(card), 0x80);
  powerOn(card);
  onlineTransaction(card);
  card.powerOff();
  // Now offline approvals up to LCOL, then online.
  EXPECT_EQ(askForTc(card), 0x40);
  EXPECT_EQ(askForTc(card), 0x40);
  EXPECT_EQ(askForTc(card), 0x40);
  EXPECT_EQ(card.state().applications[0].consecutive_offline, 3);
  EXPECT_EQ(askForTc(card), 0x80);
  // An online approval resets the counters.
  powerOn(card);
  onlineTransaction(card);
  card.powerOff();
  EXPECT_EQ(card.state().applications[0].consecutive_offline, 0);
  EXPECT_EQ(askForTc(card), 0x40);

  // The card never upgrades: AAC asked gives AAC, ARQC asked gives ARQC.
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, card.profile().applications[0].aid);
  EXPECT_EQ(parseAc(generateAc(card, t, GenerateAcReference::kAac, false, false)).cid & 0xC0, 0);
  card.powerOff();
}

TEST(VirtualCardTest, UnableToGoOnlineApprovesOfflineWithinUpperLimit) {
  VirtualCard card = makeCard(visaCreditCard());  // LCOL 5, UCOL 10
  powerOn(card);
  onlineTransaction(card);
  card.powerOff();
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, card.profile().applications[0].aid);
  ASSERT_EQ(parseAc(generateAc(card, t, GenerateAcReference::kArqc, false, false)).cid & 0xC0,
            0x80);
  t.data[0x8A] = Bytes{'Y', '3'};
  const AcResponse second = parseAc(generateAc(card, t, GenerateAcReference::kTc, false, true));
  EXPECT_EQ(second.cid & 0xC0, 0x40);
  EXPECT_EQ(second.iad[4] & 0x01, 0x01);  // CVR: unable to go online
  EXPECT_EQ(card.state().applications[0].consecutive_offline, 1);
  // A third GENERATE AC is refused.
  EXPECT_EQ(generateAc(card, t, GenerateAcReference::kTc, false, true).sw1sw2,
            kSwConditionsNotSatisfied);
}

TEST(VirtualCardTest, FailedIssuerAuthenticationSendsTheNextTransactionOnline) {
  VirtualCard card = makeCard(visaCreditCard());
  powerOn(card);
  onlineTransaction(card);
  card.powerOff();
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, card.profile().applications[0].aid);
  parseAc(generateAc(card, t, GenerateAcReference::kArqc, false, false));
  EXPECT_EQ(send(card, CommandApdu::externalAuthenticate(hexBytes("00112233445566770000"))).sw1sw2,
            kSwAuthenticationFailed);
  EXPECT_EQ(send(card, CommandApdu::externalAuthenticate(hexBytes("00112233445566770000"))).sw1sw2,
            kSwConditionsNotSatisfied);
  const AcResponse second = parseAc(generateAc(card, t, GenerateAcReference::kTc, false, true));
  EXPECT_EQ(second.cid & 0xC0, 0x40);  // not mandatory on this card
  card.powerOff();
  EXPECT_TRUE(card.state().applications[0].issuer_authentication_failed);
  EXPECT_EQ(askForTc(card), 0x80);
}

TEST(VirtualCardTest, MandatoryIssuerAuthenticationFailureDeclines) {
  VirtualCard card = makeCard(unionpayDebitCard());
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, card.profile().applications[0].aid);
  // Online-only card: a TC request goes online.
  EXPECT_EQ(parseAc(generateAc(card, t, GenerateAcReference::kTc, false, false)).cid & 0xC0, 0x80);
  EXPECT_EQ(send(card, CommandApdu::externalAuthenticate(hexBytes("0011223344556677"))).sw1sw2,
            kSwAuthenticationFailed);
  const AcResponse second = parseAc(generateAc(card, t, GenerateAcReference::kTc, false, true));
  EXPECT_EQ(second.cid & 0xC0, 0x00);
  EXPECT_EQ(second.cid & 0x07, 0x03);
}

TEST(VirtualCardTest, IssuerScriptsNeedAValidMacAndBlockTheApplication) {
  const CardProfile profile = mastercardDebitCard();
  const CardApplication& app = profile.applications[0];
  VirtualCard card = makeCard(profile);
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, app.aid);
  // Before any ARQC there is no session key.
  const Bytes early = hexBytes("841E0000080011223344556677");
  EXPECT_EQ(testing::sendRaw(card, early).sw1sw2, kSwConditionsNotSatisfied);
  const AcResponse first = parseAc(generateAc(card, t, GenerateAcReference::kArqc, false, false));
  ASSERT_EQ(first.sw, kSwOk);
  Bytes bad = testing::scriptCommand(app, profile, hexBytes("841E0000"), first.atc, first.ac);
  bad.back() ^= 0x01;
  EXPECT_EQ(testing::sendRaw(card, bad).sw1sw2, 0x6988);
  // PUT DATA of a new LCOL, then APPLICATION BLOCK.
  // PUT DATA P1P2 is the tag: 04 DA 9F 14.
  const Bytes put_data = testing::scriptCommand(app, profile, hexBytes("04DA9F14"), first.atc,
                                                first.ac, hexBytes("07"));
  EXPECT_EQ(testing::sendRaw(card, put_data).sw1sw2, kSwOk);
  const Bytes block =
      testing::scriptCommand(app, profile, hexBytes("841E0000"), first.atc, first.ac);
  EXPECT_EQ(testing::sendRaw(card, block).sw1sw2, kSwOk);
  EXPECT_TRUE(card.state().applications[0].blocked);
  EXPECT_EQ(toHex(send(card, CommandApdu::getData(0x9F14)).data), "9F140107");
  // The blocked application declines and answers 6283 to SELECT.
  t.data[0x8A] = Bytes{'0', '0'};
  const AcResponse second = parseAc(generateAc(card, t, GenerateAcReference::kTc, false, true));
  EXPECT_EQ(second.cid & 0xC0, 0x00);
  card.powerOff();
  powerOn(card);
  EXPECT_EQ(send(card, CommandApdu::selectByName(app.aid)).sw1sw2, kSwSelectedFileInvalidated);
  EXPECT_EQ(card.state().applications[0].script_commands, 2);
}

TEST(VirtualCardTest, IssuerScriptPinChangeAndUnblock) {
  const CardProfile profile = visaDebitSdaCard();
  const CardApplication& app = profile.applications[0];
  VirtualCard card = makeCard(profile);
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, app.aid);
  for (int i = 0; i < 3; ++i) {
    send(card, CommandApdu::verify(PinQualifier::kPlaintext, plaintextPinBlock("0000")));
  }
  EXPECT_EQ(card.state().pin_tries_remaining, 0);
  const AcResponse first = parseAc(generateAc(card, t, GenerateAcReference::kArqc, false, false));
  ASSERT_EQ(first.sw, kSwOk);
  // PIN CHANGE (P2 01): the new PIN block enciphered under SK-SMC.
  const Bytes mk_smc = testing::iccMk(app.keys.imk_smc, profile);
  auto sk_smc = crypto::deriveScriptSessionKey(app.keys.cvn, mk_smc, first.atc, first.ac);
  ASSERT_TRUE(sk_smc.isOk());
  auto enciphered = crypto::encryptScriptData(crypto::ScriptEncryption::kVisa, *sk_smc,
                                              plaintextPinBlock("4321"));
  ASSERT_TRUE(enciphered.isOk());
  const Bytes change =
      testing::scriptCommand(app, profile, hexBytes("84240001"), first.atc, first.ac, *enciphered);
  EXPECT_EQ(testing::sendRaw(card, change).sw1sw2, kSwOk);
  EXPECT_EQ(card.state().offline_pin, "4321");
  EXPECT_EQ(card.state().pin_tries_remaining, 3);
  const Bytes unblock =
      testing::scriptCommand(app, profile, hexBytes("84240000"), first.atc, first.ac);
  EXPECT_EQ(testing::sendRaw(card, unblock).sw1sw2, kSwOk);
  EXPECT_EQ(
      send(card, CommandApdu::verify(PinQualifier::kPlaintext, plaintextPinBlock("4321"))).sw1sw2,
      kSwOk);
}

TEST(VirtualCardTest, ContactlessPpseAndQvsdcGpoCryptogram) {
  const CardProfile profile = visaCreditCard();
  const CardApplication& app = profile.applications[0];
  VirtualCard card = makeCard(profile);
  powerOn(card, CardInterface::kContactless);
  EXPECT_EQ(send(card, CommandApdu::selectPse()).sw1sw2, kSwFileNotFound);
  ResponseApdu ppse = send(card, CommandApdu::selectPpse());
  ASSERT_EQ(ppse.sw1sw2, kSwOk);
  const TlvDecodeResult d = decodeTlv(ppse.data);
  EXPECT_EQ(toHex(findTlv(d.nodes, 0x4F)->value), "A0000000031010");
  EXPECT_EQ(toHex(findTlv(d.nodes, 0x9F2A)->value), "03");

  ResponseApdu fci = send(card, CommandApdu::selectByName(app.aid));
  ASSERT_EQ(fci.sw1sw2, kSwOk);
  const Bytes pdol = Bytes(findTlv(decodeTlv(fci.data).nodes, 0x9F38)->value.begin(),
                           findTlv(decodeTlv(fci.data).nodes, 0x9F38)->value.end());
  auto data = testing::defaultTerminalData();
  data[0x9F66] = hexBytes("36804000");  // online cryptogram required
  ResponseApdu gpo = send(card, CommandApdu::getProcessingOptions(testing::dolData(pdol, data)));
  ASSERT_EQ(gpo.sw1sw2, kSwOk);
  Terminal t;
  t.learn(gpo.data);
  EXPECT_EQ(t.cardValue(0x9F27)[0] & 0xC0, 0x80);
  crypto::AcRequest request{app.keys.cvn,
                            app.keys.imk_ac,
                            profile.pan.digits(),
                            profile.psn,
                            t.cardValue(0x9F36),
                            data[0x9F37],
                            {}};
  request.data = testing::issuerAcInput(app.keys.cvn, data, t.cardValue(0x82), t.cardValue(0x9F36),
                                        t.cardValue(0x9F10));
  auto ok = crypto::verifyApplicationCryptogram(request, t.cardValue(0x9F26));
  ASSERT_TRUE(ok.isOk());
  EXPECT_TRUE(*ok);
  EXPECT_EQ(toHex(t.cardValue(0x57)), "4761739001010010D2812201");
  // No GENERATE AC after a qVSDC GPO.
  EXPECT_EQ(
      send(card, CommandApdu::generateAc(GenerateAcReference::kTc, false, Bytes(27, 0))).sw1sw2,
      kSwConditionsNotSatisfied);
}

TEST(VirtualCardTest, QvsdcOfflineApprovalCarriesAnFddaSignature) {
  const CardProfile profile = visaCreditCard();
  VirtualCard card = makeCard(profile);
  powerOn(card);
  onlineTransaction(card);  // not a new card any more
  card.powerOff();
  powerOn(card, CardInterface::kContactless);
  ASSERT_EQ(send(card, CommandApdu::selectByName(profile.applications[0].aid)).sw1sw2, kSwOk);
  auto data = testing::defaultTerminalData();
  data[0x9F66] = hexBytes("36004000");
  ResponseApdu gpo = send(card, CommandApdu::getProcessingOptions(testing::dolData(
                                    profile.applications[0].contactless.pdol, data)));
  ASSERT_EQ(gpo.sw1sw2, kSwOk);
  Terminal t;
  t.learn(gpo.data);
  EXPECT_EQ(t.cardValue(0x9F27)[0] & 0xC0, 0x40);
  Bytes terminal_data = data[0x9F37];
  append(terminal_data, data[0x9F02]);
  append(terminal_data, data[0x5F2A]);
  append(terminal_data, t.cardValue(0x9F69));
  auto sdad = crypto::recoverDdaSignature(ownChainPki().icc_key.publicKey(), t.cardValue(0x9F4B),
                                          terminal_data);
  EXPECT_TRUE(sdad.isOk());
}

TEST(VirtualCardTest, MchipContactlessUsesItsOwnAipAndCertificate) {
  const CardProfile profile = mastercardCreditContactlessCard();
  VirtualCard card = makeCard(profile);
  powerOn(card, CardInterface::kContactless);
  ResponseApdu ppse = send(card, CommandApdu::selectPpse());
  ASSERT_EQ(ppse.sw1sw2, kSwOk);
  EXPECT_EQ(toHex(findTlv(decodeTlv(ppse.data).nodes, 0x9F2A)->value), "02");
  Terminal t;
  testing::selectAndRead(card, t, profile.applications[0].aid);
  EXPECT_EQ(toHex(t.card[0x82]), "3B80");
  auto keys = testing::recoverKeys(t, kMastercardRid);
  ASSERT_TRUE(keys.icc.has_value());
  const AcResponse ac = parseAc(generateAc(card, t, GenerateAcReference::kArqc, true, false));
  ASSERT_EQ(ac.sw, kSwOk);
  auto recovered = crypto::recoverCdaSignature(
      keys.icc->public_key,
      {ac.sdad, t.data[0x9F37], ac.cid, t.pdol_data, t.cdol1_data, {}, ac.tlvs_without_sdad});
  EXPECT_TRUE(recovered.isOk());
  card.powerOff();
  EXPECT_FALSE(card.state().applications[0].last_online_not_completed);
}

TEST(VirtualCardTest, CardBlockScriptAndFailedScriptsShowInTheNextCvr) {
  const CardProfile profile = visaCreditCard();
  const CardApplication& app = profile.applications[0];
  VirtualCard card = makeCard(profile);
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, app.aid);
  const AcResponse first = parseAc(generateAc(card, t, GenerateAcReference::kArqc, false, false));
  ASSERT_EQ(first.sw, kSwOk);
  Bytes bad = testing::scriptCommand(app, profile, hexBytes("84180000"), first.atc, first.ac);
  bad[6] ^= 0xFF;
  EXPECT_EQ(testing::sendRaw(card, bad).sw1sw2, 0x6988);
  EXPECT_TRUE(card.state().applications[0].script_failed);
  card.powerOff();

  // The next transaction reports it in the CVR (VIS: byte 4 b4 script failed).
  powerOn(card);
  Terminal t2;
  testing::selectAndRead(card, t2, app.aid);
  const AcResponse next = parseAc(generateAc(card, t2, GenerateAcReference::kArqc, false, false));
  ASSERT_EQ(next.sw, kSwOk);
  EXPECT_EQ(next.iad[6] & 0x08, 0x08);
  EXPECT_EQ(next.iad[5] & 0x80, 0x80);  // last online transaction not completed
  const Bytes card_block =
      testing::scriptCommand(app, profile, hexBytes("84160000"), next.atc, next.ac);
  EXPECT_EQ(testing::sendRaw(card, card_block).sw1sw2, kSwOk);
  card.powerOff();
  powerOn(card);
  EXPECT_EQ(send(card, CommandApdu::selectPse()).sw1sw2, kSwFunctionNotSupported);
  EXPECT_EQ(send(card, CommandApdu::selectByName(app.aid)).sw1sw2, kSwFunctionNotSupported);
  EXPECT_TRUE(card.state().card_blocked);
}

TEST(VirtualCardTest, CommandsOutOfSequenceAreRefused) {
  VirtualCard card = makeCard(visaCreditCard());
  EXPECT_EQ(card.transceive(*CommandApdu::selectPse().serialize()).status().code(),
            StatusCode::kFailedPrecondition);
  powerOn(card);
  EXPECT_EQ(send(card, CommandApdu::generateAc(GenerateAcReference::kArqc, false, {})).sw1sw2,
            kSwConditionsNotSatisfied);
  ASSERT_EQ(send(card, CommandApdu::selectByName(hexBytes("A0000000031010"))).sw1sw2, kSwOk);
  EXPECT_EQ(send(card, CommandApdu::externalAuthenticate(hexBytes("00112233445566773030"))).sw1sw2,
            kSwConditionsNotSatisfied);
  ASSERT_EQ(send(card, CommandApdu::getProcessingOptions({})).sw1sw2, kSwOk);
  EXPECT_EQ(send(card, CommandApdu::getProcessingOptions({})).sw1sw2, kSwConditionsNotSatisfied);
  EXPECT_EQ(
      send(card, CommandApdu::generateAc(GenerateAcReference::kArqc, false, Bytes(5, 0))).sw1sw2,
      kSwWrongLength);
  EXPECT_EQ(send(card, *CommandApdu::readRecord(9, 1)).sw1sw2, kSwRecordNotFound);
  EXPECT_EQ(testing::sendRaw(card, hexBytes("00EE000000")).sw1sw2, kSwInsNotSupported);
  EXPECT_EQ(testing::sendRaw(card, hexBytes("B0CA9F3600")).sw1sw2, kSwClaNotSupported);
  // Issuer script commands without secure messaging are refused.
  EXPECT_EQ(testing::sendRaw(card, hexBytes("001E000000")).sw1sw2, kSwSecurityStatusNotSatisfied);
}

TEST(VirtualCardTest, SdaCardRefusesInternalAuthenticate) {
  VirtualCard card = makeCard(visaDebitSdaCard());
  powerOn(card);
  ASSERT_EQ(send(card, CommandApdu::selectByName(hexBytes("A0000000032010"))).sw1sw2, kSwOk);
  EXPECT_EQ(send(card, CommandApdu::internalAuthenticate(hexBytes("01020304"))).sw1sw2,
            kSwInsNotSupported);
}

TEST(VirtualCardTest, T0CardKeepsCase4DataForGetResponse) {
  CardProfile profile = visaCreditCard();
  profile.t0_get_response = true;
  VirtualCard card = makeCard(profile);
  powerOn(card);
  ResponseApdu announced = send(card, CommandApdu::selectByName(hexBytes("A0000000031010")));
  ASSERT_EQ(announced.sw1(), 0x61);
  ASSERT_TRUE(announced.data.empty());
  const std::uint8_t length = announced.sw2();
  ResponseApdu part = send(card, CommandApdu::getResponse(10));
  EXPECT_EQ(part.data.size(), 10u);
  EXPECT_EQ(part.sw1sw2, 0x6100 | (length - 10));
  ResponseApdu rest = send(card, CommandApdu::getResponse(static_cast<std::uint8_t>(length - 10)));
  EXPECT_EQ(rest.sw1sw2, kSwOk);
  Bytes fci = part.data;
  append(fci, rest.data);
  EXPECT_EQ(fci[0], 0x6F);
  EXPECT_EQ(fci.size(), length);
  EXPECT_EQ(send(card, CommandApdu::getResponse(0)).sw1sw2, kSwConditionsNotSatisfied);
}

TEST(VirtualCardTest, TransactionLogKeepsTheMostRecentFirst) {
  VirtualCard card = makeCard(visaCreditCard());
  for (int i = 0; i < 2; ++i) {
    powerOn(card);
    onlineTransaction(card);
    card.powerOff();
  }
  powerOn(card);
  ResponseApdu fci = send(card, CommandApdu::selectByName(hexBytes("A0000000031010")));
  EXPECT_EQ(toHex(findTlv(decodeTlv(fci.data).nodes, 0x9F4D)->value), "0B0A");
  // Log format 9F02 06 5F2A 02 9A 03 9F52 01 9F36 02.
  EXPECT_EQ(toHex(send(card, *CommandApdu::readRecord(11, 1)).data),
            "00000001234508402603150000"
            "02");
  EXPECT_EQ(toHex(send(card, *CommandApdu::readRecord(11, 2)).data),
            "00000001234508402603150000"
            "01");
  EXPECT_EQ(send(card, *CommandApdu::readRecord(11, 3)).sw1sw2, kSwRecordNotFound);
}

TEST(VirtualCardTest, ExplicitRecordsAreServedAndCertifiedAsGiven) {
  CardProfile profile = visaCreditCard();
  CardApplication& app = profile.applications[0];
  app.contactless.enabled = false;
  const Bytes pan = hexBytes("4761739001010010");
  app.records = {
      {1, 1,
       TlvBuilder()
           .add(0x5A, pan)
           .add(0x5F24, {0x28, 0x12, 0x31})
           .add(0x8C, app.cdol1)
           .add(0x8D, app.cdol2)
           .add(0x9F4A, {0x82})
           .take(),
       true},
      {1, 2, TlvBuilder().add(0x5F20, asBytes("EXPLICIT/RECORDS")).take(), false},
  };
  VirtualCard card = makeCard(profile);
  powerOn(card);
  Terminal t;
  testing::selectAndRead(card, t, app.aid);
  EXPECT_EQ(asString(t.cardValue(0x5F20)), "EXPLICIT/RECORDS");
  // AFL: SFI 1 records 1-2 (1 for ODA), certificates on SFI 3.
  EXPECT_EQ(toHex(t.card[0x94]), "0801020118010200");
  auto keys = testing::recoverKeys(t, kVisaRid);
  ASSERT_TRUE(keys.icc.has_value());
}

}  // namespace
}  // namespace posim::emv
