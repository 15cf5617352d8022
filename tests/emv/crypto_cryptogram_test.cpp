#include <map>

#include <gtest/gtest.h>

#include "posim/emv/crypto/cryptogram.h"

#include "crypto_vectors.h"

namespace posim::emv::crypto {
namespace {

using test::field;
using test::has;
using test::hexField;

// The vectors name CVNs as pyemv classes do.
Cvn cvnOf(const std::string& name) {
  static const std::map<std::string, Cvn> kNames = {{"VisaCVN10", Cvn::kVisa10},
                                                    {"VisaCVN18", Cvn::kVisa18},
                                                    {"VisaCVN22", Cvn::kVisa22},
                                                    {"MasterCardCVN16", Cvn::kMastercard16},
                                                    {"MasterCardCVN17", Cvn::kMastercard17},
                                                    {"MasterCardCVN20", Cvn::kMastercard20},
                                                    {"MasterCardCVN21", Cvn::kMastercard21}};
  auto it = kNames.find(name);
  EXPECT_NE(it, kNames.end()) << name;
  return it == kNames.end() ? Cvn::kVisa18 : it->second;
}

bool isMastercard(Cvn cvn) {
  return cvn != Cvn::kVisa10 && cvn != Cvn::kVisa18 && cvn != Cvn::kVisa22;
}

// Tag -> value of a case's data_elements_in_order.
std::map<std::string, Bytes> elements(const Json& c) {
  std::map<std::string, Bytes> out;
  for (const Json& e : c.find("data_elements_in_order")->asArray()) {
    out[field(e, "tag")] = hexField(e, "value");
  }
  return out;
}

const Json* findCase(const std::vector<Json>& cases, const std::string& id) {
  for (const Json& c : cases) {
    if (field(c, "id") == id) return &c;
  }
  return nullptr;
}

AcRequest requestOf(const Json& c) {
  auto de = elements(c);
  AcRequest r;
  r.cvn = cvnOf(field(c, "cvn"));
  r.imk = hexField(c, "imk_ac");
  r.pan = field(c, "pan");
  r.psn = field(c, "psn");
  r.atc = de["9F36"];
  if (isMastercard(r.cvn)) r.un = de["9F37"];
  r.data = hexField(c, "ac_input");
  return r;
}

TEST(CryptoCryptogramTest, EveryArqcVector) {
  int count = 0;
  for (const Json& c : test::vectorCases("emv_arqc.json")) {
    SCOPED_TRACE(field(c, "id"));
    const AcRequest request = requestOf(c);
    auto de = elements(c);

    // The documented data layout of the CVN reproduces the vector's input.
    Bytes concatenated;
    for (const Json& e : c.find("data_elements_in_order")->asArray()) {
      append(concatenated, hexField(e, "value"));
    }
    EXPECT_EQ(toHex(concatenated), field(c, "ac_input"));
    AcInputData input{de["9F02"],
                      de["9F03"],
                      de["9F1A"],
                      de["95"],
                      de["5F2A"],
                      de["9A"],
                      de["9C"],
                      de["9F37"],
                      de["82"],
                      de["9F36"],
                      de["9F10"],
                      de["CVR (from 9F10)"],
                      de["counters (from 9F10)"]};
    auto built = buildAcInput(request.cvn, input);
    ASSERT_TRUE(built.isOk()) << built.status().toString();
    EXPECT_EQ(toHex(*built), field(c, "ac_input"));
    if (has(c, "iad_9F10_example")) {
      auto parts = splitIssuerApplicationData(request.cvn, hexField(c, "iad_9F10_example"));
      ASSERT_TRUE(parts.isOk());
      EXPECT_EQ(parts->cvr, de["CVR (from 9F10)"]);
    }

    // Issuer side, from the IMK: the whole chain with its intermediates.
    auto ac = generateApplicationCryptogram(request);
    ASSERT_TRUE(ac.isOk()) << ac.status().toString();
    ASSERT_TRUE(ac->icc_mk.has_value());
    EXPECT_EQ(toHex(ac->icc_mk->key), field(c, "icc_mk_ac"));
    EXPECT_EQ(toHex(ac->key), field(c, "sk_ac"));
    if (has(c, "r")) {
      ASSERT_TRUE(ac->session_key.has_value());
      EXPECT_EQ(toHex(ac->session_key->r), field(c, "r"));
    } else {
      EXPECT_FALSE(ac->session_key.has_value());
    }
    EXPECT_EQ(toHex(ac->padded_input), field(c, "ac_input_padded"));
    EXPECT_EQ(toHex(ac->ac), field(c, "ac"));

    // Card side, from the ICC MK.
    auto card = generateApplicationCryptogram(request.cvn, hexField(c, "icc_mk_ac"), request.atc,
                                              request.un, request.data);
    ASSERT_TRUE(card.isOk());
    EXPECT_EQ(toHex(card->ac), field(c, "ac"));
    auto key = deriveAcKey(request.cvn, hexField(c, "icc_mk_ac"), request.atc, request.un);
    ASSERT_TRUE(key.isOk());
    EXPECT_EQ(toHex(*key), field(c, "sk_ac"));

    auto ok = verifyApplicationCryptogram(request, hexField(c, "ac"));
    ASSERT_TRUE(ok.isOk());
    EXPECT_TRUE(*ok);
    AcRequest tampered = request;
    tampered.data[0] ^= 0x01;
    auto bad = verifyApplicationCryptogram(tampered, hexField(c, "ac"));
    ASSERT_TRUE(bad.isOk());
    EXPECT_FALSE(*bad);
    ++count;
  }
  EXPECT_EQ(count, 6);
}

TEST(CryptoCryptogramTest, EveryArpcVector) {
  const std::vector<Json> arqc_cases = test::vectorCases("emv_arqc.json");
  int count = 0;
  for (const Json& c : test::vectorCases("emv_arpc.json")) {
    SCOPED_TRACE(field(c, "id"));
    const Bytes key = hexField(c, "key");
    const Bytes arqc = hexField(c, "arqc");
    Result<Arpc> arpc = invalidArgument("no method");
    ArpcMethod method = ArpcMethod::kMethod1;
    if (field(c, "method") == "1") {
      arpc = generateArpcMethod1(key, arqc, hexField(c, "arc"));
      ASSERT_TRUE(arpc.isOk()) << arpc.status().toString();
      EXPECT_EQ(toHex(arpc->input), field(c, "x"));
    } else {
      method = ArpcMethod::kMethod2;
      arpc =
          generateArpcMethod2(key, arqc, hexField(c, "csu"), hexField(c, "proprietary_auth_data"));
      ASSERT_TRUE(arpc.isOk()) << arpc.status().toString();
      EXPECT_EQ(toHex(arpc->input), field(c, "mac_input"));
    }
    EXPECT_EQ(arpc->method, method);
    EXPECT_EQ(toHex(arpc->arpc), field(c, "arpc"));
    EXPECT_EQ(toHex(arpc->issuer_authentication_data), field(c, "issuer_authentication_data_91"));

    auto verified = verifyIssuerAuthenticationData(method, key, arqc,
                                                   hexField(c, "issuer_authentication_data_91"));
    ASSERT_TRUE(verified.isOk()) << verified.status().toString();
    EXPECT_TRUE(*verified);
    Bytes wrong = hexField(c, "issuer_authentication_data_91");
    wrong[0] ^= 0x80;
    auto rejected = verifyIssuerAuthenticationData(method, key, arqc, wrong);
    ASSERT_TRUE(rejected.isOk());
    EXPECT_FALSE(*rejected);

    // Chained to an ARQC case: the CVN's profile picks this key and this method.
    if (has(c, "cvn")) {
      const Cvn cvn = cvnOf(field(c, "cvn"));
      EXPECT_EQ(cvnProfile(cvn).arpc_method, method);
      if (const Json* origin = findCase(arqc_cases, field(c, "from_arqc_case"))) {
        const AcRequest request = requestOf(*origin);
        auto arpc_key = deriveArpcKey(cvn, hexField(*origin, "icc_mk_ac"), request.atc, request.un);
        ASSERT_TRUE(arpc_key.isOk());
        EXPECT_EQ(toHex(*arpc_key), field(c, "key"));
      }
    }
    ++count;
  }
  EXPECT_EQ(count, 10);
}

TEST(CryptoCryptogramTest, EveryIssuerScriptVector) {
  const std::vector<Json> arqc_cases = test::vectorCases("emv_arqc.json");
  int count = 0;
  for (const Json& c : test::vectorCases("emv_issuer_script_mac.json")) {
    SCOPED_TRACE(field(c, "id"));
    const Cvn cvn = cvnOf(field(c, "cvn"));
    if (const Json* origin = findCase(arqc_cases, field(c, "from_arqc_case"))) {
      auto mk =
          deriveIccMasterKey(hexField(c, "imk_smi"), field(*origin, "pan"), field(*origin, "psn"));
      ASSERT_TRUE(mk.isOk());
      EXPECT_EQ(toHex(mk->key), field(c, "icc_mk_smi"));
    }
    auto sk = deriveScriptSessionKey(cvn, hexField(c, "icc_mk_smi"), hexField(c, "atc"),
                                     hexField(c, "arqc"));
    ASSERT_TRUE(sk.isOk()) << sk.status().toString();
    EXPECT_EQ(toHex(*sk), field(c, "sk_smi"));

    auto command = buildIssuerScriptCommand(*sk, hexField(c, "command_header"), hexField(c, "atc"),
                                            hexField(c, "arqc"), hexField(c, "command_data"));
    ASSERT_TRUE(command.isOk()) << command.status().toString();
    EXPECT_EQ(toHex(command->mac_input), field(c, "mac_input"));
    EXPECT_EQ(toHex(command->mac), field(c, "mac"));
    EXPECT_EQ(toHex(command->apdu), field(c, "apdu"));
    // Without Lc in the header, Lc is computed.
    const Bytes header = hexField(c, "command_header");
    auto no_lc = buildIssuerScriptCommand(*sk, ByteView(header).first(4), hexField(c, "atc"),
                                          hexField(c, "arqc"), hexField(c, "command_data"));
    ASSERT_TRUE(no_lc.isOk());
    EXPECT_EQ(no_lc->apdu, command->apdu);

    const std::vector<Bytes> commands = {command->apdu};
    auto script = buildIssuerScriptTemplate(0x72, hexBytes("00000001"), commands);
    ASSERT_TRUE(script.isOk()) << script.status().toString();
    EXPECT_EQ(toHex(*script), field(c, "tag_72_script"));

    auto verified =
        verifyIssuerScriptCommand(*sk, command->apdu, hexField(c, "atc"), hexField(c, "arqc"));
    ASSERT_TRUE(verified.isOk()) << verified.status().toString();
    EXPECT_TRUE(*verified);
    Bytes other_arqc = hexField(c, "arqc");
    other_arqc[0] ^= 0x01;
    auto replay = verifyIssuerScriptCommand(*sk, command->apdu, hexField(c, "atc"), other_arqc);
    ASSERT_TRUE(replay.isOk());
    EXPECT_FALSE(*replay);
    ++count;
  }
  EXPECT_EQ(count, 3);
}

TEST(CryptoCryptogramTest, ArpcKeysOfCasesChainedToArqcsOutsideTheFile) {
  // emv_arpc.json ARPC1-05 (Mastercard CVN 20) and ARPC2-02 (Visa CVN 18) come from ARQC cases
  // AC-07 and AC-02, which emv_arqc.json leaves out. Their card and ATC are known from the
  // cases sharing their ARQC: AC-07 is the card of AC-05/06/08 (IMK 2315..., PAN
  // 5413330089020011, PSN 01) at ATC 0044 (emv_issuer_script_mac.json SCRIPT-01), AC-02 the card
  // 4761739001010010/00 under IMK 0123...3210 at ATC 0008 (SCRIPT-05).
  auto mc =
      deriveIccMasterKey(hexBytes("2315208C9110AD402315208C9110AD40"), "5413330089020011", "01");
  ASSERT_TRUE(mc.isOk());
  auto mc_key = deriveArpcKey(Cvn::kMastercard20, mc->key, hexBytes("0044"));
  ASSERT_TRUE(mc_key.isOk());
  EXPECT_EQ(toHex(*mc_key), "54DC8A15A7A846FB57B364B91991864A");
  auto visa =
      deriveIccMasterKey(hexBytes("0123456789ABCDEFFEDCBA9876543210"), "4761739001010010", "00");
  ASSERT_TRUE(visa.isOk());
  auto visa_key = deriveArpcKey(Cvn::kVisa18, visa->key, hexBytes("0008"));
  ASSERT_TRUE(visa_key.isOk());
  EXPECT_EQ(toHex(*visa_key), "617F2F3857AD7CA7E516D96208BC4538");
}

TEST(CryptoCryptogramTest, ScriptCommandMacAndDataEncipherment) {
  // pyemv's documented examples (sm.generate_command_mac / sm.encrypt_command_data).
  const Bytes sk = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  auto mac = buildIssuerScriptCommand(sk, hexBytes("8424000008"), hexBytes("FFFF"),
                                      hexBytes("1234567890123456"));
  ASSERT_TRUE(mac.isOk()) << mac.status().toString();
  EXPECT_EQ(toHex(mac->mac), "E07B8DF1B4184282");

  const Bytes pin_block = hexBytes("241234FFFFFFFFFF");
  auto enc = encryptScriptData(ScriptEncryption::kMastercard, sk, pin_block);
  ASSERT_TRUE(enc.isOk());
  EXPECT_EQ(toHex(*enc), "9859240AE52820C3");

  for (ScriptEncryption method :
       {ScriptEncryption::kEmv, ScriptEncryption::kVisa, ScriptEncryption::kMastercard}) {
    for (const Bytes& data : {pin_block, hexBytes("9F1801"), hexBytes("")}) {
      auto e = encryptScriptData(method, sk, data);
      ASSERT_TRUE(e.isOk());
      EXPECT_EQ(e->size() % 8, 0u);
      auto d = decryptScriptData(method, sk, *e);
      ASSERT_TRUE(d.isOk()) << d.status().toString();
      EXPECT_EQ(*d, data);
    }
  }
  EXPECT_FALSE(decryptScriptData(ScriptEncryption::kEmv, sk, Bytes(7)).isOk());
}

TEST(CryptoCryptogramTest, CvnNamesAndProfiles) {
  for (std::string_view name :
       {"visa-10", "visa-18", "visa-22", "mc-16", "mc-17", "mc-20", "mc-21"}) {
    auto cvn = parseCvn(name);
    ASSERT_TRUE(cvn.isOk()) << name;
    EXPECT_EQ(cvnName(*cvn), name);
  }
  auto unknown = parseCvn("visa-17");
  ASSERT_FALSE(unknown.isOk());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message().substr(0, 4), "cvn:");
  EXPECT_EQ(cvnNumber(Cvn::kVisa18), 0x12);
  EXPECT_EQ(cvnNumber(Cvn::kMastercard16), 0x10);
  EXPECT_EQ(cvnProfile(Cvn::kVisa10).padding, MacPadding::kMethod1);
  EXPECT_EQ(cvnProfile(Cvn::kVisa22).ac_key, AcKeyMethod::kEmvCsk);
  EXPECT_EQ(cvnProfile(Cvn::kMastercard17).ac_key, AcKeyMethod::kMastercardSkd);
  EXPECT_EQ(cvnProfile(Cvn::kMastercard20).arpc_key, AcKeyMethod::kEmvCsk);
  EXPECT_EQ(*parseArpcMethod("2"), ArpcMethod::kMethod2);
  EXPECT_FALSE(parseArpcMethod("3").isOk());
}

TEST(CryptoCryptogramTest, Cvn22And20FollowTheirFamilies) {
  // Visa CVN 22 computes as CVN 18, Mastercard CVN 20 as CVN 21 (same key and padding; the
  // data layout is the caller's).
  const Bytes mk = hexBytes("A2B3A76E839E0EB6ABFD61BCDCA4750B");
  const Bytes atc = hexBytes("0045");
  const Bytes data = hexBytes("000000999999000000000000015600800080000156260101097F7F7F7F3900");
  auto v18 = generateApplicationCryptogram(Cvn::kVisa18, mk, atc, {}, data);
  auto v22 = generateApplicationCryptogram(Cvn::kVisa22, mk, atc, {}, data);
  auto m20 = generateApplicationCryptogram(Cvn::kMastercard20, mk, atc, {}, data);
  auto m21 = generateApplicationCryptogram(Cvn::kMastercard21, mk, atc, {}, data);
  ASSERT_TRUE(v18.isOk() && v22.isOk() && m20.isOk() && m21.isOk());
  EXPECT_EQ(v18->ac, v22->ac);
  EXPECT_EQ(m20->ac, m21->ac);
  EXPECT_EQ(v18->ac, m20->ac);  // both the EMV CSK with padding 2
}

TEST(CryptoCryptogramTest, RejectsBadArgumentsNamingThem) {
  AcRequest r;
  r.cvn = Cvn::kMastercard16;
  r.imk = hexBytes("2315208C9110AD402315208C9110AD40");
  r.pan = "5413330089020011";
  r.psn = "01";
  r.atc = hexBytes("0042");
  r.data = hexBytes("00");
  auto no_un = generateApplicationCryptogram(r);
  ASSERT_FALSE(no_un.isOk());
  EXPECT_EQ(no_un.status().message().substr(0, 3), "un:");
  r.un = hexBytes("12345678");
  r.pan = "54133300890200AA";
  auto bad_pan = generateApplicationCryptogram(r);
  ASSERT_FALSE(bad_pan.isOk());
  EXPECT_EQ(bad_pan.status().message(), "pan: only digits allowed");
  r.pan = "5413330089020011";
  r.imk = Bytes(15);
  auto bad_imk = generateApplicationCryptogram(r);
  ASSERT_FALSE(bad_imk.isOk());
  EXPECT_EQ(bad_imk.status().message(), "imk: 15 bytes, expected 16");

  const Bytes key = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  EXPECT_EQ(generateArpcMethod1(key, Bytes(8), Bytes(3)).status().message(),
            "arc: 3 bytes, expected 2");
  EXPECT_EQ(generateArpcMethod2(key, Bytes(8), Bytes(4), Bytes(9)).status().message(),
            "prop: 9 bytes, expected 0 to 8");
  EXPECT_EQ(generateArpcMethod2(key, Bytes(7), Bytes(4)).status().message(),
            "arqc: 7 bytes, expected 8");
  auto short91 = verifyIssuerAuthenticationData(ArpcMethod::kMethod1, key, Bytes(8), Bytes(9));
  ASSERT_FALSE(short91.isOk());
  EXPECT_EQ(short91.status().code(), StatusCode::kMalformed);

  AcInputData d;
  auto missing = buildAcInput(Cvn::kVisa10, d);
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().message(), "9F02 amount authorised: 0 bytes, expected 6");
  EXPECT_FALSE(splitIssuerApplicationData(Cvn::kVisa18, hexBytes("0601")).isOk());

  const std::vector<Bytes> none;
  EXPECT_FALSE(buildIssuerScriptTemplate(0x72, hexBytes("00000001"), none).isOk());
  const std::vector<Bytes> one = {hexBytes("841E000008")};
  EXPECT_FALSE(buildIssuerScriptTemplate(0x73, {}, one).isOk());
  auto no_id = buildIssuerScriptTemplate(0x71, {}, one);
  ASSERT_TRUE(no_id.isOk());
  EXPECT_EQ(toHex(*no_id),
            "7107"
            "8605841E000008");
  auto lc = buildIssuerScriptCommand(key, hexBytes("841E000004"), hexBytes("0001"), Bytes(8));
  ASSERT_FALSE(lc.isOk());
  EXPECT_EQ(lc.status().message().substr(0, 7), "header:");
}

}  // namespace
}  // namespace posim::emv::crypto
