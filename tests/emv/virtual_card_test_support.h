// A tiny terminal for driving a VirtualCard with raw APDUs in tests, and the terminal-side
// computations (ODA recovery, independent ARQC, ARPC, script MACs) done with posim's crypto.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "posim/base/bytes.h"
#include "posim/emv/apdu.h"
#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/crypto/key_derivation.h"
#include "posim/emv/crypto/oda.h"
#include "posim/emv/dol.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/test_cards.h"
#include "posim/emv/tlv.h"
#include "posim/emv/virtual_card.h"

namespace posim::emv::testing {

// Sends a command and parses the answer; fails the test on a transport error.
inline ResponseApdu send(VirtualCard& card, const CommandApdu& command) {
  auto bytes = command.serialize();
  EXPECT_TRUE(bytes.isOk());
  auto raw = card.transceive(*bytes);
  EXPECT_TRUE(raw.isOk()) << raw.status().toString() << " for " << command.describe();
  if (!raw.isOk()) return ResponseApdu{{}, 0x0000};
  auto response = ResponseApdu::parse(*raw);
  EXPECT_TRUE(response.isOk());
  return response.isOk() ? *response : ResponseApdu{{}, 0x0000};
}

inline ResponseApdu sendRaw(VirtualCard& card, ByteView command) {
  auto raw = card.transceive(command);
  EXPECT_TRUE(raw.isOk()) << raw.status().toString();
  if (!raw.isOk()) return ResponseApdu{{}, 0x0000};
  return *ResponseApdu::parse(*raw);
}

// Terminal values for DOLs (fixed lengths as the CDOLs of test_cards.h ask for them).
inline std::map<Tag, Bytes> defaultTerminalData() {
  return {
      {0x9F02, hexBytes("000000012345")},
      {0x9F03, hexBytes("000000000000")},
      {0x9F1A, hexBytes("0840")},
      {0x95, hexBytes("0000000000")},
      {0x5F2A, hexBytes("0840")},
      {0x9A, hexBytes("260315")},
      {0x9C, hexBytes("00")},
      {0x9F37, hexBytes("9A3B5C7D")},
      {0x9F35, hexBytes("22")},
      {0x9F34, hexBytes("420300")},
      {0x9F45, hexBytes("0000")},
      {0x9F4C, hexBytes("0000000000000000")},
      {0x8A, hexBytes("3030")},
      {0x91, hexBytes("00000000000000000000")},
      {0x9F66, hexBytes("36004000")},
  };
}

inline Bytes dolData(ByteView dol, const std::map<Tag, Bytes>& values) {
  const DolParseResult parsed = parseDol(dol);
  EXPECT_TRUE(parsed.ok());
  return buildDolData(
      parsed.entries,
      [&](Tag tag) -> std::optional<ByteView> {
        auto it = values.find(tag);
        if (it == values.end()) return std::nullopt;
        return ByteView(it->second);
      },
      [](Tag) { return TagFormat::kB; });
}

// What a terminal learnt from the card so far.
struct Terminal {
  std::map<Tag, Bytes> data = defaultTerminalData();
  std::map<Tag, Bytes> card;  // primitive card data (FCI, GPO, records)
  Bytes pdol_data;
  Bytes cdol1_data;
  Bytes static_data;
  std::vector<Bytes> records;

  void learn(ByteView tlv) {
    const TlvDecodeResult decoded = decodeTlv(tlv);
    for (const TlvField& f : collectPrimitives(decoded.nodes)) {
      card[f.tag] = Bytes(f.value.begin(), f.value.end());
    }
  }
  const Bytes& cardValue(Tag tag) {
    EXPECT_TRUE(card.count(tag) == 1) << "card did not give tag " << std::hex << tag;
    return card[tag];
  }
};

// SELECT aid, GPO, READ RECORD of the whole AFL; fills the terminal's data.
inline void selectAndRead(VirtualCard& card, Terminal& t, ByteView aid) {
  ResponseApdu fci = send(card, CommandApdu::selectByName(aid));
  ASSERT_EQ(fci.sw1sw2, 0x9000);
  t.learn(fci.data);
  const Bytes pdol = t.card.count(0x9F38) ? t.card[0x9F38] : Bytes{};
  t.pdol_data = dolData(pdol, t.data);
  ResponseApdu gpo = send(card, CommandApdu::getProcessingOptions(t.pdol_data));
  ASSERT_EQ(gpo.sw1sw2, 0x9000);
  Bytes aip, afl;
  if (gpo.data[0] == 0x80) {
    const TlvDecodeResult d = decodeTlv(gpo.data);
    aip.assign(d.nodes[0].value.begin(), d.nodes[0].value.begin() + 2);
    afl.assign(d.nodes[0].value.begin() + 2, d.nodes[0].value.end());
    t.card[0x82] = aip;
    t.card[0x94] = afl;
  } else {
    t.learn(gpo.data);
    aip = t.card[0x82];
    afl = t.card[0x94];
  }
  ASSERT_EQ(afl.size() % 4, 0u);
  for (std::size_t i = 0; i < afl.size(); i += 4) {
    const std::uint8_t sfi = static_cast<std::uint8_t>(afl[i] >> 3);
    for (std::uint8_t r = afl[i + 1]; r <= afl[i + 2]; ++r) {
      auto command = CommandApdu::readRecord(sfi, r);
      ASSERT_TRUE(command.isOk());
      ResponseApdu rec = send(card, *command);
      ASSERT_EQ(rec.sw1sw2, 0x9000) << "SFI " << int(sfi) << " record " << int(r);
      t.records.push_back(rec.data);
      t.learn(rec.data);
      if (r - afl[i + 1] < afl[i + 3]) {
        const TlvDecodeResult d = decodeTlv(rec.data);
        append(t.static_data, d.nodes[0].value);
      }
    }
  }
  if (t.card.count(0x9F4A)) append(t.static_data, aip);
}

// Issuer and ICC public keys recovered from the card's records with posim's ODA code.
struct RecoveredKeys {
  std::optional<crypto::RecoveredCertificate> issuer;
  std::optional<crypto::RecoveredCertificate> icc;
  std::optional<crypto::OdaFailureReason> failure;
};

inline RecoveredKeys recoverKeys(Terminal& t, ByteView rid) {
  RecoveredKeys out;
  auto capk = ownChainCapk(rid);
  EXPECT_TRUE(capk.isOk());
  const std::string pan = *bcdToDigits(t.cardValue(0x5A));
  const Date date{std::chrono::year(2026), std::chrono::March, std::chrono::day(15)};
  const Bytes remainder = t.card.count(0x92) ? t.card[0x92] : Bytes{};
  auto issuer = crypto::recoverIssuerPublicKey(
      *capk, {t.cardValue(0x90), remainder, t.cardValue(0x9F32), pan, date});
  if (!issuer) {
    out.failure = issuer.reason();
    return out;
  }
  out.issuer = *issuer;
  if (t.card.count(0x9F46)) {
    const Bytes icc_remainder = t.card.count(0x9F48) ? t.card[0x9F48] : Bytes{};
    auto icc = crypto::recoverIccPublicKey(
        issuer->public_key,
        {t.card[0x9F46], icc_remainder, t.cardValue(0x9F47), t.static_data, pan, date});
    if (!icc) {
      out.failure = icc.reason();
      return out;
    }
    out.icc = *icc;
  }
  return out;
}

// The AC input as the issuer rebuilds it from the CDOL values, AIP, ATC and IAD.
inline Bytes issuerAcInput(crypto::Cvn cvn, const std::map<Tag, Bytes>& d, ByteView aip,
                           ByteView atc, ByteView iad) {
  crypto::AcInputData in;
  in.amount_authorised = d.at(0x9F02);
  in.amount_other = d.at(0x9F03);
  in.terminal_country = d.at(0x9F1A);
  in.tvr = d.at(0x95);
  in.currency = d.at(0x5F2A);
  in.date = d.at(0x9A);
  in.type = d.at(0x9C);
  in.un = d.at(0x9F37);
  in.aip.assign(aip.begin(), aip.end());
  in.atc.assign(atc.begin(), atc.end());
  in.iad.assign(iad.begin(), iad.end());
  auto parts = crypto::splitIssuerApplicationData(cvn, iad);
  EXPECT_TRUE(parts.isOk());
  in.cvr = parts->cvr;
  in.counters = parts->counters;
  auto input = crypto::buildAcInput(cvn, in);
  EXPECT_TRUE(input.isOk()) << input.status().toString();
  return *input;
}

// A GENERATE AC response, either format.
struct AcResponse {
  std::uint16_t sw = 0;
  std::uint8_t cid = 0;
  Bytes atc;
  Bytes ac;
  Bytes iad;
  Bytes sdad;
  Bytes tlvs_without_sdad;
};

inline AcResponse parseAc(const ResponseApdu& r) {
  AcResponse out;
  out.sw = r.sw1sw2;
  if (r.sw1sw2 != 0x9000) return out;
  const TlvDecodeResult d = decodeTlv(r.data);
  const TlvNode& top = d.nodes.at(0);
  if (top.tag == 0x80) {
    out.cid = top.value[0];
    out.atc.assign(top.value.begin() + 1, top.value.begin() + 3);
    out.ac.assign(top.value.begin() + 3, top.value.begin() + 11);
    out.iad.assign(top.value.begin() + 11, top.value.end());
    return out;
  }
  for (const TlvNode& c : top.children) {
    const Bytes v(c.value.begin(), c.value.end());
    if (c.tag == 0x9F27) out.cid = v[0];
    if (c.tag == 0x9F36) out.atc = v;
    if (c.tag == 0x9F26) out.ac = v;
    if (c.tag == 0x9F10) out.iad = v;
    if (c.tag == 0x9F4B) {
      out.sdad = v;
    } else {
      appendTlvNode(out.tlvs_without_sdad, c);
    }
  }
  return out;
}

inline ResponseApdu generateAc(VirtualCard& card, Terminal& t, GenerateAcReference ref, bool cda,
                               bool second) {
  const Tag dol_tag = second ? 0x8D : 0x8C;
  const Bytes data = dolData(t.cardValue(dol_tag), t.data);
  if (!second) t.cdol1_data = data;
  return send(card, CommandApdu::generateAc(ref, cda, data));
}

inline Bytes iccMk(ByteView imk, const CardProfile& p) {
  auto mk = crypto::deriveIccMasterKey(imk, p.pan.digits(), p.psn);
  EXPECT_TRUE(mk.isOk());
  return mk->key;
}

// The issuer's Issuer Authentication Data (91) for an approval with ARC 3030.
inline Bytes issuerAuthenticationData(const CardApplication& app, const CardProfile& p,
                                      ByteView arqc, ByteView atc, ByteView un) {
  const Bytes mk = iccMk(app.keys.imk_ac, p);
  auto key = crypto::deriveArpcKey(app.keys.cvn, mk, atc, un);
  EXPECT_TRUE(key.isOk());
  if (crypto::cvnProfile(app.keys.cvn).arpc_method == crypto::ArpcMethod::kMethod1) {
    return crypto::generateArpcMethod1(*key, arqc, hexBytes("3030"))->issuer_authentication_data;
  }
  return crypto::generateArpcMethod2(*key, arqc, hexBytes("00820000"))->issuer_authentication_data;
}

// An issuer script command with a correct MAC for the transaction's ATC and ARQC.
inline Bytes scriptCommand(const CardApplication& app, const CardProfile& p, ByteView header,
                           ByteView atc, ByteView arqc, ByteView data = {}) {
  const Bytes mk = iccMk(app.keys.imk_smi, p);
  auto sk = crypto::deriveScriptSessionKey(app.keys.cvn, mk, atc, arqc);
  EXPECT_TRUE(sk.isOk());
  auto command = crypto::buildIssuerScriptCommand(*sk, header, atc, arqc, data);
  EXPECT_TRUE(command.isOk()) << command.status().toString();
  return command->apdu;
}

}  // namespace posim::emv::testing
