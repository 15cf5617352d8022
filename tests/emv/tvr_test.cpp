#include "posim/emv/tvr.h"

#include <functional>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace posim::emv {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Tvr tvrFromHex(std::string_view hex) {
  auto tvr = Tvr::fromHex(hex);
  EXPECT_TRUE(tvr.isOk()) << tvr.status().toString();
  return tvr.valueOr(Tvr());
}

TEST(TvrTest, DecodesTheBitsOfARealTvr) {
  const Tvr tvr = tvrFromHex("8000048000");
  EXPECT_TRUE(tvr.offlineDataAuthNotPerformed());
  EXPECT_TRUE(tvr.onlinePinEntered());
  EXPECT_TRUE(tvr.transactionExceedsFloorLimit());
  EXPECT_FALSE(tvr.sdaFailed());
  EXPECT_FALSE(tvr.merchantForcedOnline());
  EXPECT_THAT(tvr.setBitNames(),
              ElementsAre("offline_data_auth_not_performed", "online_pin_entered",
                          "transaction_exceeds_floor_limit"));
  EXPECT_THAT(tvr.setBits(),
              ElementsAre(TvrBit::kOfflineDataAuthNotPerformed, TvrBit::kOnlinePinEntered,
                          TvrBit::kTransactionExceedsFloorLimit));
  EXPECT_THAT(tvr.rfuBitsSet(), IsEmpty());
  EXPECT_EQ(tvr.toHex(), "8000048000");
  EXPECT_EQ(tvr.toBytes(), hexBytes("8000048000"));
}

TEST(TvrTest, EachSetterSetsExactlyItsSpecBit) {
  struct Case {
    std::function<void(Tvr&)> set;
    std::function<bool(const Tvr&)> get;
    std::string_view hex;
  };
  const std::vector<Case> cases = {
      {[](Tvr& t) { t.setOfflineDataAuthNotPerformed(); },
       [](const Tvr& t) { return t.offlineDataAuthNotPerformed(); }, "8000000000"},
      {[](Tvr& t) { t.setSdaFailed(); }, [](const Tvr& t) { return t.sdaFailed(); }, "4000000000"},
      {[](Tvr& t) { t.setIccDataMissing(); }, [](const Tvr& t) { return t.iccDataMissing(); },
       "2000000000"},
      {[](Tvr& t) { t.setCardOnExceptionFile(); },
       [](const Tvr& t) { return t.cardOnExceptionFile(); }, "1000000000"},
      {[](Tvr& t) { t.setDdaFailed(); }, [](const Tvr& t) { return t.ddaFailed(); }, "0800000000"},
      {[](Tvr& t) { t.setCdaFailed(); }, [](const Tvr& t) { return t.cdaFailed(); }, "0400000000"},
      {[](Tvr& t) { t.setSdaSelected(); }, [](const Tvr& t) { return t.sdaSelected(); },
       "0200000000"},
      {[](Tvr& t) { t.setIccAndTerminalDifferentAppVersions(); },
       [](const Tvr& t) { return t.iccAndTerminalDifferentAppVersions(); }, "0080000000"},
      {[](Tvr& t) { t.setExpiredApplication(); },
       [](const Tvr& t) { return t.expiredApplication(); }, "0040000000"},
      {[](Tvr& t) { t.setApplicationNotYetEffective(); },
       [](const Tvr& t) { return t.applicationNotYetEffective(); }, "0020000000"},
      {[](Tvr& t) { t.setRequestedServiceNotAllowed(); },
       [](const Tvr& t) { return t.requestedServiceNotAllowed(); }, "0010000000"},
      {[](Tvr& t) { t.setNewCard(); }, [](const Tvr& t) { return t.newCard(); }, "0008000000"},
      {[](Tvr& t) { t.setCardholderVerificationNotSuccessful(); },
       [](const Tvr& t) { return t.cardholderVerificationNotSuccessful(); }, "0000800000"},
      {[](Tvr& t) { t.setUnrecognisedCvm(); }, [](const Tvr& t) { return t.unrecognisedCvm(); },
       "0000400000"},
      {[](Tvr& t) { t.setPinTryLimitExceeded(); },
       [](const Tvr& t) { return t.pinTryLimitExceeded(); }, "0000200000"},
      {[](Tvr& t) { t.setPinPadNotPresentOrNotWorking(); },
       [](const Tvr& t) { return t.pinPadNotPresentOrNotWorking(); }, "0000100000"},
      {[](Tvr& t) { t.setPinPadPresentButPinNotEntered(); },
       [](const Tvr& t) { return t.pinPadPresentButPinNotEntered(); }, "0000080000"},
      {[](Tvr& t) { t.setOnlinePinEntered(); }, [](const Tvr& t) { return t.onlinePinEntered(); },
       "0000040000"},
      {[](Tvr& t) { t.setTransactionExceedsFloorLimit(); },
       [](const Tvr& t) { return t.transactionExceedsFloorLimit(); }, "0000008000"},
      {[](Tvr& t) { t.setLowerConsecutiveOfflineLimitExceeded(); },
       [](const Tvr& t) { return t.lowerConsecutiveOfflineLimitExceeded(); }, "0000004000"},
      {[](Tvr& t) { t.setUpperConsecutiveOfflineLimitExceeded(); },
       [](const Tvr& t) { return t.upperConsecutiveOfflineLimitExceeded(); }, "0000002000"},
      {[](Tvr& t) { t.setTransactionSelectedRandomlyForOnline(); },
       [](const Tvr& t) { return t.transactionSelectedRandomlyForOnline(); }, "0000001000"},
      {[](Tvr& t) { t.setMerchantForcedOnline(); },
       [](const Tvr& t) { return t.merchantForcedOnline(); }, "0000000800"},
      {[](Tvr& t) { t.setDefaultTdolUsed(); }, [](const Tvr& t) { return t.defaultTdolUsed(); },
       "0000000080"},
      {[](Tvr& t) { t.setIssuerAuthenticationFailed(); },
       [](const Tvr& t) { return t.issuerAuthenticationFailed(); }, "0000000040"},
      {[](Tvr& t) { t.setScriptFailedBeforeFinalGenerateAc(); },
       [](const Tvr& t) { return t.scriptFailedBeforeFinalGenerateAc(); }, "0000000020"},
      {[](Tvr& t) { t.setScriptFailedAfterFinalGenerateAc(); },
       [](const Tvr& t) { return t.scriptFailedAfterFinalGenerateAc(); }, "0000000010"},
  };
  ASSERT_EQ(cases.size(), kTvrBits.size());
  for (const auto& c : cases) {
    Tvr tvr;
    EXPECT_FALSE(c.get(tvr));
    c.set(tvr);
    EXPECT_EQ(tvr.toHex(), c.hex);
    EXPECT_TRUE(c.get(tvr)) << c.hex;
    EXPECT_EQ(tvr.setBits().size(), 1u) << c.hex;
  }
}

TEST(TvrTest, TableAndEnumAgree) {
  std::set<std::string_view> names;
  std::set<int> positions;
  for (std::size_t i = 0; i < kTvrBits.size(); ++i) {
    const NamedBit& bit = kTvrBits[i];
    SCOPED_TRACE(std::string(bit.name));
    EXPECT_GE(bit.byte, 1);
    EXPECT_LE(bit.byte, 5);
    EXPECT_GE(bit.bit, 1);
    EXPECT_LE(bit.bit, 8);
    EXPECT_TRUE(names.insert(bit.name).second);
    EXPECT_TRUE(positions.insert(bit.byte * 10 + bit.bit).second);
    for (char c : bit.name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << c;
    EXPECT_FALSE(bit.description.empty());

    Tvr tvr;
    tvr.set(static_cast<TvrBit>(i));
    EXPECT_EQ(tvr.bytes()[bit.byte - 1u], 1u << (bit.bit - 1u));
    EXPECT_EQ(&Tvr::info(static_cast<TvrBit>(i)), &bit);
    tvr.clear(static_cast<TvrBit>(i));
    EXPECT_TRUE(tvr.none());
  }
}

TEST(TvrTest, SettersChainAndClear) {
  Tvr tvr;
  tvr.setSdaFailed().setNewCard().setOnlinePinEntered();
  EXPECT_EQ(tvr.toHex(), "4008040000");
  tvr.setNewCard(false);
  EXPECT_EQ(tvr.toHex(), "4000040000");
  EXPECT_TRUE(tvr.any());
}

TEST(TvrTest, FindsBitsByStableName) {
  auto bit = Tvr::bitByName("offline_data_auth_not_performed");
  ASSERT_TRUE(bit.isOk());
  EXPECT_EQ(*bit, TvrBit::kOfflineDataAuthNotPerformed);
  // Case, '-' and ' ' are forgiven.
  auto loose = Tvr::bitByName("Transaction-Exceeds Floor_Limit");
  ASSERT_TRUE(loose.isOk());
  EXPECT_EQ(*loose, TvrBit::kTransactionExceedsFloorLimit);
  for (const auto& row : kTvrBits) EXPECT_TRUE(Tvr::bitByName(row.name).isOk()) << row.name;
}

TEST(TvrTest, UnknownNameSuggestsNearNames) {
  auto typo = Tvr::bitByName("offline_data_auth_not_perfomed");
  ASSERT_FALSE(typo.isOk());
  EXPECT_EQ(typo.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(typo.status().message(),
              HasSubstr("unknown TVR bit 'offline_data_auth_not_perfomed'; did you mean "
                        "offline_data_auth_not_performed?"));
  EXPECT_THAT(typo.status().message(), HasSubstr("Known TVR bits: offline_data_auth_not_performed, "
                                                 "sda_failed, icc_data_missing"));

  auto short_name = Tvr::bitByName("sda_fail");
  ASSERT_FALSE(short_name.isOk());
  EXPECT_THAT(short_name.status().message(),
              HasSubstr("unknown TVR bit 'sda_fail'; did you mean sda_failed?"));

  EXPECT_THAT(nearNamedBits("dda_faild", kTvrBits),
              ElementsAre("dda_failed", "sda_failed", "cda_failed"));
  auto nothing_near = Tvr::bitByName("zzz");
  ASSERT_FALSE(nothing_near.isOk());
  EXPECT_THAT(nothing_near.status().message(), ::testing::StartsWith("unknown TVR bit 'zzz'. "));
}

TEST(TvrTest, RejectsWrongSizes) {
  auto short_tvr = Tvr::fromBytes(hexBytes("80000480"));
  ASSERT_FALSE(short_tvr.isOk());
  EXPECT_EQ(short_tvr.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(short_tvr.status().message(), "TVR: 4 bytes, expected 5");
  EXPECT_FALSE(Tvr::fromHex("80zz048000").isOk());
  EXPECT_FALSE(Tsi::fromHex("E80000").isOk());
}

TEST(TvrTest, ActionCodeArithmetic) {
  // Terminal action analysis (Book 3 §10.7): (TAC | IAC) & TVR != 0.
  const Tvr tvr = tvrFromHex("0000008000");
  const Tvr tac_denial = tvrFromHex("0010000000");
  const Tvr iac_online = tvrFromHex("0000008800");
  EXPECT_FALSE(tac_denial.intersects(tvr));
  EXPECT_TRUE(iac_online.intersects(tvr));
  EXPECT_EQ((tac_denial | iac_online).toHex(), "0010008800");
  EXPECT_EQ((iac_online & tvr).toHex(), "0000008000");
  EXPECT_TRUE((iac_online & tvr) == tvr);
  EXPECT_FALSE(tvr == tac_denial);
}

TEST(TvrTest, ReportsRfuBits) {
  const Tvr tvr = tvrFromHex("0104000007");
  EXPECT_THAT(tvr.setBitNames(), IsEmpty());
  EXPECT_THAT(tvr.rfuBitsSet(),
              ElementsAre("byte 1 b1", "byte 2 b3", "byte 5 b3", "byte 5 b2", "byte 5 b1"));
}

TEST(TsiTest, DecodesAndSetsBits) {
  auto tsi = Tsi::fromHex("E800");
  ASSERT_TRUE(tsi.isOk());
  EXPECT_TRUE(tsi->odaPerformed());
  EXPECT_TRUE(tsi->cardholderVerificationPerformed());
  EXPECT_TRUE(tsi->cardRiskManagementPerformed());
  EXPECT_FALSE(tsi->issuerAuthenticationPerformed());
  EXPECT_TRUE(tsi->terminalRiskManagementPerformed());
  EXPECT_FALSE(tsi->scriptProcessingPerformed());
  EXPECT_THAT(tsi->setBitNames(),
              ElementsAre("oda_performed", "cardholder_verification_performed",
                          "card_risk_management_performed", "terminal_risk_management_performed"));

  Tsi built;
  built.setIssuerAuthenticationPerformed().setScriptProcessingPerformed();
  EXPECT_EQ(built.toHex(), "1400");
  built.setOdaPerformed().setCardholderVerificationPerformed().setCardRiskManagementPerformed();
  built.setTerminalRiskManagementPerformed();
  EXPECT_EQ(built.toHex(), "FC00");
}

TEST(TsiTest, NamesAndErrors) {
  auto bit = Tsi::bitByName("script_processing_performed");
  ASSERT_TRUE(bit.isOk());
  EXPECT_EQ(*bit, TsiBit::kScriptProcessingPerformed);
  auto unknown = Tsi::bitByName("oda_perfomed");
  ASSERT_FALSE(unknown.isOk());
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("unknown TSI bit 'oda_perfomed'; did you mean oda_performed?"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("Known TSI bits: oda_performed,"));
  EXPECT_THAT(Tsi().rfuBitsSet(), IsEmpty());
  EXPECT_THAT(Tsi(std::array<std::uint8_t, 2>{0x02, 0x80}).rfuBitsSet(),
              ElementsAre("byte 1 b2", "byte 2 b8"));
}

}  // namespace
}  // namespace posim::emv
