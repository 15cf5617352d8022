#include "posim/emv/issuer_authenticator.h"

#include "posim/emv/crypto/key_derivation.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/tlv.h"

namespace posim::emv {
namespace {

std::string keyOf(const std::string& pan, const std::string& psn, ByteView aid) {
  return pan + "/" + (psn.empty() ? std::string("00") : psn) + "/" + toHex(aid);
}

// The PSN as two digits: DE 23 carries it as "001", profiles as "01".
std::string normalisePsn(const std::string& psn) {
  if (psn.size() > 2) return psn.substr(psn.size() - 2);
  if (psn.size() == 1) return "0" + psn;
  return psn.empty() ? "00" : psn;
}

}  // namespace

void IssuerAuthenticator::addCard(const CardProfile& card) {
  for (const CardApplication& app : card.applications) {
    keys_[keyOf(card.pan.digits(), normalisePsn(card.psn), app.aid)] =
        Keys{app.keys.cvn, app.keys.imk_ac};
  }
}

const IssuerAuthenticator::Keys* IssuerAuthenticator::findKeys(const std::string& pan,
                                                               const std::string& psn,
                                                               ByteView aid) const {
  auto it = keys_.find(keyOf(pan, normalisePsn(psn), aid));
  return it == keys_.end() ? nullptr : &it->second;
}

ArqcCheck IssuerAuthenticator::verifyArqc(const std::string& pan, const std::string& psn,
                                          ByteView icc_data) const {
  ArqcCheck check;
  const TlvDecodeResult decoded = decodeTlv(icc_data);
  const std::map<Tag, ByteView> tags = collectPrimitiveMap(decoded.nodes);
  auto get = [&](Tag tag) {
    auto it = tags.find(tag);
    return it == tags.end() ? Bytes() : Bytes(it->second.begin(), it->second.end());
  };
  check.arqc = get(kTag9F26ApplicationCryptogram);
  check.atc = get(kTag9F36ApplicationTransactionCounter);
  Bytes aid = get(kTag84DfName);
  if (aid.empty()) aid = get(kTag4FApplicationIdentifier);
  const Keys* keys = findKeys(pan, psn, aid);
  if (keys == nullptr) {
    check.reason = "no issuer keys for this card and application";
    return check;
  }
  check.cvn = keys->cvn;
  crypto::AcInputData data;
  data.amount_authorised = get(kTag9F02AmountAuthorised);
  data.amount_other = get(kTag9F03AmountOther);
  if (data.amount_other.empty()) data.amount_other = Bytes(6, 0);
  data.terminal_country = get(kTag9F1ATerminalCountryCode);
  data.tvr = get(kTag95TerminalVerificationResults);
  data.currency = get(kTag5F2ATransactionCurrencyCode);
  data.date = get(kTag9ATransactionDate);
  data.type = get(kTag9CTransactionType);
  data.un = get(kTag9F37UnpredictableNumber);
  data.aip = get(kTag82ApplicationInterchangeProfile);
  data.atc = check.atc;
  data.iad = get(kTag9F10IssuerApplicationData);
  auto parts = crypto::splitIssuerApplicationData(keys->cvn, data.iad);
  if (!parts.isOk()) {
    check.reason = "issuer application data: " + parts.status().message();
    return check;
  }
  data.cvr = parts->cvr;
  data.counters = parts->counters;
  auto input = crypto::buildAcInput(keys->cvn, data);
  if (!input.isOk()) {
    check.reason = "DE 55: " + input.status().message();
    return check;
  }
  crypto::AcRequest request;
  request.cvn = keys->cvn;
  request.imk = keys->imk_ac;
  request.pan = pan;
  request.psn = normalisePsn(psn);
  request.atc = data.atc;
  request.un = data.un;
  request.data = *input;
  auto expected = crypto::generateApplicationCryptogram(request);
  if (!expected.isOk()) {
    check.reason = expected.status().message();
    return check;
  }
  check.expected = expected->ac;
  check.verified = check.expected == check.arqc;
  if (!check.verified) check.reason = "ARQC does not match the issuer's computation";
  return check;
}

Result<Bytes> IssuerAuthenticator::issuerAuthenticationData(
    const std::string& pan, const std::string& psn, ByteView icc_data, const ArqcCheck& check,
    const std::string& response_code) const {
  const TlvDecodeResult decoded = decodeTlv(icc_data);
  const TlvNode* aid_node = findTlv(decoded.nodes, kTag84DfName);
  if (aid_node == nullptr) aid_node = findTlv(decoded.nodes, kTag4FApplicationIdentifier);
  const TlvNode* un_node = findTlv(decoded.nodes, kTag9F37UnpredictableNumber);
  const Keys* keys = findKeys(pan, psn, aid_node == nullptr ? ByteView() : aid_node->value);
  if (keys == nullptr) return notFound("no issuer keys for this card and application");
  POSIM_ASSIGN_OR_RETURN(crypto::IccMasterKey mk,
                         crypto::deriveIccMasterKey(keys->imk_ac, pan, normalisePsn(psn)));
  POSIM_ASSIGN_OR_RETURN(Bytes key,
                         crypto::deriveArpcKey(keys->cvn, mk.key, check.atc,
                                               un_node == nullptr ? ByteView() : un_node->value));
  const crypto::CvnProfile profile = crypto::cvnProfile(keys->cvn);
  if (profile.arpc_method == crypto::ArpcMethod::kMethod1) {
    POSIM_ASSIGN_OR_RETURN(crypto::Arpc arpc,
                           crypto::generateArpcMethod1(key, check.arqc, asBytes(response_code)));
    return arpc.issuer_authentication_data;
  }
  // Method 2: CSU byte 4 b8 "approved" per the response code; no proprietary data.
  const Bytes csu = {0x00, 0x00, 0x00, static_cast<std::uint8_t>(response_code == "00" ? 0x80 : 0)};
  POSIM_ASSIGN_OR_RETURN(crypto::Arpc arpc, crypto::generateArpcMethod2(key, check.arqc, csu));
  return arpc.issuer_authentication_data;
}

OnlineResponse ApprovingIssuer::authorize(const OnlineRequest& request) {
  OnlineResponse response;
  last_check_ = authenticator_.verifyArqc(request.pan.digits(), request.pan_sequence_number,
                                          request.icc_data);
  if (request.icc_data.empty()) {
    // Magstripe: nothing to verify cryptographically.
    response.kind = OnlineResponse::Kind::kApproved;
    response.response_code = "00";
    response.authorization_code = "123456";
    return response;
  }
  if (!last_check_.verified) {
    response.kind = OnlineResponse::Kind::kDeclined;
    response.response_code = "05";
    return response;
  }
  response.kind = OnlineResponse::Kind::kApproved;
  response.response_code = "00";
  response.authorization_code = "123456";
  auto iad = authenticator_.issuerAuthenticationData(
      request.pan.digits(), request.pan_sequence_number, request.icc_data, last_check_, "00");
  if (iad.isOk()) response.issuer_authentication_data = std::move(iad).value();
  return response;
}

}  // namespace posim::emv
