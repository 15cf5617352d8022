#include "posim/emv/crypto/cryptogram.h"

#include <array>
#include <string>

#include "posim/emv/crypto/cipher.h"

#include "crypto/symmetric_util.h"

namespace posim::emv::crypto {
namespace {

using internal::checkLength;

struct CvnEntry {
  Cvn cvn;
  std::string_view name;
  std::uint8_t number;
};

constexpr std::array<CvnEntry, 7> kCvns = {{
    {Cvn::kVisa10, "visa-10", 0x0A},
    {Cvn::kVisa18, "visa-18", 0x12},
    {Cvn::kVisa22, "visa-22", 0x16},
    {Cvn::kMastercard16, "mc-16", 0x10},
    {Cvn::kMastercard17, "mc-17", 0x11},
    {Cvn::kMastercard20, "mc-20", 0x14},
    {Cvn::kMastercard21, "mc-21", 0x15},
}};

const CvnEntry& entry(Cvn cvn) {
  for (const auto& e : kCvns) {
    if (e.cvn == cvn) return e;
  }
  std::abort();  // every enumerator has a row
}

bool isVisa(Cvn cvn) {
  return cvn == Cvn::kVisa10 || cvn == Cvn::kVisa18 || cvn == Cvn::kVisa22;
}

Status checkField(std::string_view name, const Bytes& value, std::size_t expected) {
  return checkLength(name, value, {expected});
}

Result<Bytes> keyFor(AcKeyMethod method, ByteView icc_mk, ByteView atc, ByteView un,
                     std::optional<SessionKey>* session_key) {
  POSIM_RETURN_IF_ERROR(checkLength("mk", icc_mk, {16}));
  POSIM_RETURN_IF_ERROR(checkLength("atc", atc, {2}));
  switch (method) {
    case AcKeyMethod::kIccMasterKey: return Bytes(icc_mk.begin(), icc_mk.end());
    case AcKeyMethod::kEmvCsk:
    case AcKeyMethod::kMastercardSkd: {
      POSIM_ASSIGN_OR_RETURN(SessionKey sk, deriveSessionKey(method == AcKeyMethod::kEmvCsk
                                                                 ? SessionKeyMethod::kEmvCsk
                                                                 : SessionKeyMethod::kMastercardSkd,
                                                             icc_mk, atc, un));
      Bytes key = sk.key;
      if (session_key != nullptr) *session_key = std::move(sk);
      return key;
    }
  }
  std::abort();
}

}  // namespace

Result<Cvn> parseCvn(std::string_view text) {
  for (const auto& e : kCvns) {
    if (e.name == text) return e.cvn;
  }
  return invalidArgument("cvn: '" + std::string(text) +
                         "' is not supported, expected visa-10, visa-18, visa-22, mc-16, mc-17, "
                         "mc-20 or mc-21");
}

std::string_view cvnName(Cvn cvn) {
  return entry(cvn).name;
}

std::uint8_t cvnNumber(Cvn cvn) {
  return entry(cvn).number;
}

Result<ArpcMethod> parseArpcMethod(std::string_view text) {
  if (text == "1") return ArpcMethod::kMethod1;
  if (text == "2") return ArpcMethod::kMethod2;
  return invalidArgument("method: '" + std::string(text) + "', expected 1 or 2");
}

CvnProfile cvnProfile(Cvn cvn) {
  CvnProfile p;
  switch (cvn) {
    case Cvn::kVisa10:
      p.ac_key = AcKeyMethod::kIccMasterKey;
      p.padding = MacPadding::kMethod1;
      p.arpc_method = ArpcMethod::kMethod1;
      p.arpc_key = AcKeyMethod::kIccMasterKey;
      p.script_key = ScriptKeyMethod::kVisa;
      break;
    case Cvn::kVisa18:
    case Cvn::kVisa22:
      p.ac_key = AcKeyMethod::kEmvCsk;
      p.padding = MacPadding::kMethod2;
      p.arpc_method = ArpcMethod::kMethod2;
      p.arpc_key = AcKeyMethod::kEmvCsk;
      p.script_key = ScriptKeyMethod::kVisa;
      break;
    case Cvn::kMastercard16:
    case Cvn::kMastercard17:
      p.ac_key = AcKeyMethod::kMastercardSkd;
      p.padding = MacPadding::kMethod2;
      p.arpc_method = ArpcMethod::kMethod1;
      p.arpc_key = AcKeyMethod::kIccMasterKey;
      p.script_key = ScriptKeyMethod::kEmvCommon;
      break;
    case Cvn::kMastercard20:
    case Cvn::kMastercard21:
      p.ac_key = AcKeyMethod::kEmvCsk;
      p.padding = MacPadding::kMethod2;
      p.arpc_method = ArpcMethod::kMethod1;
      p.arpc_key = AcKeyMethod::kEmvCsk;
      p.script_key = ScriptKeyMethod::kEmvCommon;
      break;
  }
  return p;
}

Result<Bytes> buildAcInput(Cvn cvn, const AcInputData& d) {
  POSIM_RETURN_IF_ERROR(checkField("9F02 amount authorised", d.amount_authorised, 6));
  POSIM_RETURN_IF_ERROR(checkField("9F03 amount other", d.amount_other, 6));
  POSIM_RETURN_IF_ERROR(checkField("9F1A terminal country code", d.terminal_country, 2));
  POSIM_RETURN_IF_ERROR(checkField("95 TVR", d.tvr, 5));
  POSIM_RETURN_IF_ERROR(checkField("5F2A transaction currency code", d.currency, 2));
  POSIM_RETURN_IF_ERROR(checkField("9A transaction date", d.date, 3));
  POSIM_RETURN_IF_ERROR(checkField("9C transaction type", d.type, 1));
  POSIM_RETURN_IF_ERROR(checkField("9F37 unpredictable number", d.un, 4));
  POSIM_RETURN_IF_ERROR(checkField("82 AIP", d.aip, 2));
  POSIM_RETURN_IF_ERROR(checkField("9F36 ATC", d.atc, 2));
  Bytes out;
  out.reserve(64);
  for (const Bytes* field : {&d.amount_authorised, &d.amount_other, &d.terminal_country, &d.tvr,
                             &d.currency, &d.date, &d.type, &d.un, &d.aip, &d.atc}) {
    append(out, *field);
  }
  switch (cvn) {
    case Cvn::kVisa10:
      POSIM_RETURN_IF_ERROR(checkField("CVR", d.cvr, 4));
      append(out, d.cvr);
      break;
    case Cvn::kVisa18:
    case Cvn::kVisa22:
      POSIM_RETURN_IF_ERROR(internal::checkLengthRange("9F10 IAD", d.iad, 1, 32));
      append(out, d.iad);
      break;
    case Cvn::kMastercard16:
    case Cvn::kMastercard20:
      POSIM_RETURN_IF_ERROR(checkField("CVR", d.cvr, 6));
      append(out, d.cvr);
      break;
    case Cvn::kMastercard17:
    case Cvn::kMastercard21:
      POSIM_RETURN_IF_ERROR(checkField("CVR", d.cvr, 6));
      POSIM_RETURN_IF_ERROR(checkField("counters", d.counters, 8));
      append(out, d.cvr);
      append(out, d.counters);
      break;
  }
  return out;
}

Result<IadParts> splitIssuerApplicationData(Cvn cvn, ByteView iad) {
  IadParts parts;
  if (isVisa(cvn)) {
    // VIS 1.5 IAD: length, derivation key index, CVN, CVR (4 bytes, led by its length 03).
    if (iad.size() < 7) {
      return malformed("9F10: " + std::to_string(iad.size()) +
                       " bytes, too short for Visa IAD (CVR in bytes 4-7)");
    }
    parts.cvr.assign(iad.begin() + 3, iad.begin() + 7);
    return parts;
  }
  // M/Chip IAD: derivation key index, CVN, CVR (6), DAC/IDN (2), counters (8).
  if (iad.size() < 8) {
    return malformed("9F10: " + std::to_string(iad.size()) +
                     " bytes, too short for Mastercard IAD (CVR in bytes 3-8)");
  }
  parts.cvr.assign(iad.begin() + 2, iad.begin() + 8);
  if (iad.size() >= 18) parts.counters.assign(iad.begin() + 10, iad.begin() + 18);
  return parts;
}

Result<Bytes> deriveAcKey(Cvn cvn, ByteView icc_mk, ByteView atc, ByteView un) {
  return keyFor(cvnProfile(cvn).ac_key, icc_mk, atc, un, nullptr);
}

Result<ApplicationCryptogram> generateApplicationCryptogram(Cvn cvn, ByteView icc_mk_ac,
                                                            ByteView atc, ByteView un,
                                                            ByteView data) {
  const CvnProfile profile = cvnProfile(cvn);
  if (profile.ac_key == AcKeyMethod::kMastercardSkd && un.empty()) {
    return invalidArgument("un: required for " + std::string(cvnName(cvn)) +
                           " (4 bytes, tag 9F37)");
  }
  ApplicationCryptogram out;
  POSIM_ASSIGN_OR_RETURN(out.key, keyFor(profile.ac_key, icc_mk_ac, atc, un, &out.session_key));
  out.padded_input = padIso9797(data, profile.padding);
  POSIM_ASSIGN_OR_RETURN(out.ac, macAlgorithm3(out.key, data, profile.padding));
  return out;
}

Result<ApplicationCryptogram> generateApplicationCryptogram(const AcRequest& request) {
  POSIM_ASSIGN_OR_RETURN(IccMasterKey mk,
                         deriveIccMasterKey(request.imk, request.pan, request.psn));
  POSIM_ASSIGN_OR_RETURN(
      ApplicationCryptogram out,
      generateApplicationCryptogram(request.cvn, mk.key, request.atc, request.un, request.data));
  out.icc_mk = std::move(mk);
  return out;
}

Result<bool> verifyApplicationCryptogram(const AcRequest& request, ByteView ac) {
  POSIM_RETURN_IF_ERROR(checkLength("ac", ac, {8}));
  POSIM_ASSIGN_OR_RETURN(ApplicationCryptogram expected, generateApplicationCryptogram(request));
  return internal::constantTimeEqual(expected.ac, ac);
}

Result<Arpc> generateArpcMethod1(ByteView key, ByteView arqc, ByteView arc) {
  POSIM_RETURN_IF_ERROR(checkLength("key", key, {16}));
  POSIM_RETURN_IF_ERROR(checkLength("arqc", arqc, {8}));
  POSIM_RETURN_IF_ERROR(checkLength("arc", arc, {2}));
  Arpc out;
  out.method = ArpcMethod::kMethod1;
  Bytes arc_block(8, 0);
  arc_block[0] = arc[0];
  arc_block[1] = arc[1];
  out.input = xorBytes(arqc, arc_block);
  POSIM_ASSIGN_OR_RETURN(out.arpc, encrypt(BlockCipher::kTdes, CipherMode::kEcb, key, out.input));
  out.issuer_authentication_data = concat(out.arpc, arc);
  return out;
}

Result<Arpc> generateArpcMethod2(ByteView key, ByteView arqc, ByteView csu, ByteView prop) {
  POSIM_RETURN_IF_ERROR(checkLength("key", key, {16}));
  POSIM_RETURN_IF_ERROR(checkLength("arqc", arqc, {8}));
  POSIM_RETURN_IF_ERROR(checkLength("csu", csu, {4}));
  POSIM_RETURN_IF_ERROR(internal::checkLengthRange("prop", prop, 0, 8));
  Arpc out;
  out.method = ArpcMethod::kMethod2;
  out.input = concat(arqc, csu);
  append(out.input, prop);
  POSIM_ASSIGN_OR_RETURN(out.arpc, macAlgorithm3(key, out.input, MacPadding::kMethod2, 4));
  out.issuer_authentication_data = concat(out.arpc, csu);
  append(out.issuer_authentication_data, prop);
  return out;
}

Result<Bytes> deriveArpcKey(Cvn cvn, ByteView icc_mk, ByteView atc, ByteView un) {
  const CvnProfile profile = cvnProfile(cvn);
  return keyFor(profile.arpc_key, icc_mk, atc, un, nullptr);
}

Result<bool> verifyIssuerAuthenticationData(ArpcMethod method, ByteView key, ByteView arqc,
                                            ByteView issuer_authentication_data) {
  const ByteView iad = issuer_authentication_data;
  if (method == ArpcMethod::kMethod1) {
    if (iad.size() != 10) {
      return malformed("91: " + std::to_string(iad.size()) +
                       " bytes, expected 10 (ARPC || ARC) for ARPC method 1");
    }
    POSIM_ASSIGN_OR_RETURN(Arpc expected, generateArpcMethod1(key, arqc, iad.subspan(8, 2)));
    return internal::constantTimeEqual(expected.arpc, iad.first(8));
  }
  if (iad.size() < 8 || iad.size() > 16) {
    return malformed("91: " + std::to_string(iad.size()) +
                     " bytes, expected 8 to 16 (ARPC || CSU || prop) for ARPC method 2");
  }
  POSIM_ASSIGN_OR_RETURN(Arpc expected,
                         generateArpcMethod2(key, arqc, iad.subspan(4, 4), iad.subspan(8)));
  return internal::constantTimeEqual(expected.arpc, iad.first(4));
}

}  // namespace posim::emv::crypto
