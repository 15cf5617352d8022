// Contact flow after reading: offline data authentication (Book 3 §10.3, Book 2 §5-6),
// processing restrictions (§10.4), cardholder verification (§10.5), terminal risk management
// (§10.6), terminal action analysis and first GENERATE AC (§10.7-10.8), online processing and
// issuer authentication (§10.9), issuer scripts (§10.10) and completion (§10.11).
#include <algorithm>
#include <utility>

#include "posim/emv/crypto/oda.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/crypto/rsa.h"
#include "posim/emv/crypto/rsa_pin.h"
#include "posim/emv/dol.h"
#include "posim/emv/status_words.h"
#include "posim/emv/tag_dictionary.h"

#include "kernel_internal.h"

namespace posim::emv::internal {
namespace {

// AIP byte 1 (Book 3 Annex C1).
constexpr std::uint8_t kAipSda = 0x40;
constexpr std::uint8_t kAipDda = 0x20;
constexpr std::uint8_t kAipCardholderVerification = 0x10;
constexpr std::uint8_t kAipTerminalRiskManagement = 0x08;
constexpr std::uint8_t kAipIssuerAuthentication = 0x04;
constexpr std::uint8_t kAipCda = 0x01;

// Transaction Certificate (TC) Hash Value (Book 3 Annex A), asked for in a CDOL.
constexpr Tag kTag98TcHashValue = 0x98;

// AUC 9F07 (Book 3 Annex C2).
constexpr std::uint8_t kAucDomesticCash = 0x80;
constexpr std::uint8_t kAucInternationalCash = 0x40;
constexpr std::uint8_t kAucDomesticGoods = 0x20;
constexpr std::uint8_t kAucInternationalGoods = 0x10;
constexpr std::uint8_t kAucDomesticServices = 0x08;
constexpr std::uint8_t kAucInternationalServices = 0x04;
constexpr std::uint8_t kAucAtms = 0x02;
constexpr std::uint8_t kAucNonAtmTerminals = 0x01;
constexpr std::uint8_t kAucDomesticCashback = 0x80;
constexpr std::uint8_t kAucInternationalCashback = 0x40;

Bytes bytesOf(ByteView view) {
  return Bytes(view.begin(), view.end());
}

bool dolContains(ByteView dol, Tag tag) {
  for (const DolEntry& entry : parseDol(dol).entries) {
    if (entry.tag == tag) return true;
  }
  return false;
}

Tvr tvrFrom(const Bytes* value, std::uint8_t fill) {
  if (value != nullptr) {
    if (Result<Tvr> parsed = Tvr::fromBytes(*value); parsed.isOk()) return *parsed;
  }
  std::array<std::uint8_t, 5> bytes{};
  bytes.fill(fill);
  return Tvr(bytes);
}

std::string arcText(const Bytes& arc) {
  return asString(arc);
}

// The value of `tag` in a TLV response (GET DATA), or nullptr.
std::optional<Bytes> tlvValue(ByteView data, Tag tag) {
  const TlvDecodeResult tree = decodeTlv(data);
  const TlvNode* node = findTlv(tree.nodes, tag);
  if (node == nullptr) return std::nullopt;
  return bytesOf(node->value);
}

}  // namespace

// ---- Offline data authentication ----

bool KernelRun::recoverIssuerKey(std::string& why) {
  if (issuer_key_.has_value()) return true;
  const Bytes* index = get(kTag8FCaPublicKeyIndex);
  const Bytes* cert = get(kTag90IssuerPublicKeyCertificate);
  const Bytes* exponent = get(kTag9F32IssuerPublicKeyExponent);
  if (index == nullptr || index->size() != 1 || cert == nullptr || exponent == nullptr) {
    tvr_.setIccDataMissing();
    why = "issuer public key data (8F, 90, 9F32) missing";
    return false;
  }
  const Bytes remainder = value(kTag92IssuerPublicKeyRemainder);
  const std::string pan = panDigits();
  crypto::IssuerCertificateInput input{*cert, remainder, *exponent, pan, inputs_.at.date()};
  const Bytes rid(result_.aid.begin(),
                  result_.aid.begin() +
                      static_cast<std::ptrdiff_t>(std::min<std::size_t>(5, result_.aid.size())));
  auto outcome = crypto::recoverIssuerPublicKey(
      profile_.ca_keys, rid, (*index)[0], input,
      profile_.revoked_certificates.empty() ? nullptr : &profile_.revoked_certificates);
  if (!outcome.isOk()) {
    why = "issuer public key: " + outcome.failure().toString();
    return false;
  }
  issuer_key_ = outcome.value().public_key;
  return true;
}

bool KernelRun::recoverIccKey(std::string& why) {
  if (icc_key_.has_value()) return true;
  if (!recoverIssuerKey(why)) return false;
  const Bytes* cert = get(kTag9F46IccPublicKeyCertificate);
  const Bytes* exponent = get(kTag9F47IccPublicKeyExponent);
  if (cert == nullptr || exponent == nullptr) {
    tvr_.setIccDataMissing();
    why = "ICC public key data (9F46, 9F47) missing";
    return false;
  }
  if (oda_record_invalid_) {
    why = "a record for offline data authentication is not a 70 template";
    return false;
  }
  const Bytes remainder = value(kTag9F48IccPublicKeyRemainder);
  const std::string pan = panDigits();
  crypto::IccCertificateInput input{*cert,        remainder, *exponent,
                                    static_data_, pan,       inputs_.at.date()};
  auto outcome = crypto::recoverIccPublicKey(*issuer_key_, input);
  if (!outcome.isOk()) {
    why = "ICC public key: " + outcome.failure().toString();
    return false;
  }
  icc_key_ = outcome.value().public_key;
  return true;
}

State KernelRun::offlineDataAuthentication() {
  beginStep("offline data authentication");
  const std::uint8_t aip = aip_.empty() ? 0 : aip_[0];
  if ((aip & kAipCda) && profile_.hasCapability(kCapCda)) {
    oda_ = OdaMethod::kCda;
  } else if ((aip & kAipDda) && profile_.hasCapability(kCapDda)) {
    oda_ = OdaMethod::kDda;
  } else if ((aip & kAipSda) && profile_.hasCapability(kCapSda)) {
    oda_ = OdaMethod::kSda;
  } else {
    tvr_.setOfflineDataAuthNotPerformed();
    note("no ODA method supported by both card and terminal: not performed");
    return State::kProcessingRestrictions;
  }
  tsi_.setOdaPerformed();
  std::string why;
  switch (oda_) {
    case OdaMethod::kSda: {
      tvr_.setSdaSelected();
      const Bytes* ssad = get(kTag93SignedStaticApplicationData);
      bool ok = recoverIssuerKey(why);
      if (ok && ssad == nullptr) {
        tvr_.setIccDataMissing();
        why = "Signed Static Application Data (93) missing";
        ok = false;
      }
      if (ok && oda_record_invalid_) {
        why = "a record for offline data authentication is not a 70 template";
        ok = false;
      }
      if (ok) {
        auto outcome = crypto::recoverSignedStaticData(*issuer_key_, *ssad, static_data_);
        if (outcome.isOk()) {
          set(kTag9F45DataAuthenticationCode, outcome.value().data_authentication_code);
        } else {
          why = "SSAD: " + outcome.failure().toString();
          ok = false;
        }
      }
      if (!ok) tvr_.setSdaFailed();
      note(ok ? "SDA successful" : "SDA failed: " + why);
      break;
    }
    case OdaMethod::kDda: {
      bool ok = recoverIccKey(why);
      Bytes ddol = has(kTag9F49Ddol) ? value(kTag9F49Ddol) : app_->default_ddol;
      if (ok && !dolContains(ddol, kTag9F37UnpredictableNumber)) {
        tvr_.setIccDataMissing();
        why = "the DDOL does not ask for the unpredictable number (9F37)";
        ok = false;
      }
      if (ok) {
        const Bytes ddol_data = buildDol(ddol);
        std::optional<ResponseApdu> r = exchange(CommandApdu::internalAuthenticate(ddol_data));
        if (!r.has_value()) return State::kDone;
        Bytes sdad;
        if (r->isSuccess()) {
          const TlvDecodeResult tree = decodeTlv(r->data, {.single_object = true});
          if (!tree.nodes.empty() &&
              tree.nodes.front().tag == kTag80ResponseMessageTemplateFormat1) {
            sdad = bytesOf(tree.nodes.front().value);
          } else if (const TlvNode* n = findTlv(tree.nodes, kTag9F4BSignedDynamicApplicationData)) {
            sdad = bytesOf(n->value);
          }
        }
        if (sdad.empty()) {
          why = "INTERNAL AUTHENTICATE gave no signed dynamic data (" + r->describe() + ")";
          ok = false;
        } else {
          set(kTag9F4BSignedDynamicApplicationData, sdad);
          auto outcome = crypto::recoverDdaSignature(*icc_key_, sdad, ddol_data);
          if (outcome.isOk()) {
            if (!outcome.value().icc_dynamic_number.empty()) {
              set(kTag9F4CIccDynamicNumber, outcome.value().icc_dynamic_number);
            }
          } else {
            why = "SDAD: " + outcome.failure().toString();
            ok = false;
          }
        }
      }
      if (!ok) tvr_.setDdaFailed();
      note(ok ? "DDA successful" : "DDA failed: " + why);
      break;
    }
    case OdaMethod::kCda: {
      // Book 3 §10.3: keys now, the signature after each GENERATE AC that asks for it.
      if (!recoverIccKey(why)) {
        cda_failed_before_ac_ = true;
        tvr_.setCdaFailed();
        note("CDA failed before GENERATE AC: " + why);
      } else {
        note("CDA selected: issuer and ICC public keys recovered");
      }
      break;
    }
    case OdaMethod::kNone: break;
  }
  return State::kProcessingRestrictions;
}

// ---- Processing restrictions ----

State KernelRun::processingRestrictions() {
  beginStep("processing restrictions");
  const Bytes* card_version = get(kTag9F08ApplicationVersionNumberCard);
  if (card_version != nullptr && app_ != nullptr && *card_version != app_->app_version) {
    tvr_.setIccAndTerminalDifferentAppVersions();
    note("application versions differ: card " + toHex(*card_version) + ", terminal " +
         toHex(app_->app_version));
  }
  if (const Bytes* auc = get(kTag9F07ApplicationUsageControl); auc != nullptr && auc->size() == 2) {
    const std::uint8_t b1 = (*auc)[0];
    const std::uint8_t b2 = (*auc)[1];
    const bool atm = profile_.terminal_type == 0x14 || profile_.terminal_type == 0x15 ||
                     profile_.terminal_type == 0x16;
    bool allowed = atm ? (b1 & kAucAtms) != 0 : (b1 & kAucNonAtmTerminals) != 0;
    if (const Bytes* country = get(kTag5F28IssuerCountryCode); country != nullptr) {
      const bool domestic = *country == value(kTag9F1ATerminalCountryCode);
      const std::uint8_t type = inputs_.transaction_type;
      if (type == kTxnCash) {
        allowed = allowed && (b1 & (domestic ? kAucDomesticCash : kAucInternationalCash)) != 0;
      } else if (type == kTxnPurchase || type == kTxnPurchaseWithCashback) {
        const std::uint8_t goods_or_services =
            domestic ? (kAucDomesticGoods | kAucDomesticServices)
                     : (kAucInternationalGoods | kAucInternationalServices);
        allowed = allowed && (b1 & goods_or_services) != 0;
        if (type == kTxnPurchaseWithCashback) {
          allowed =
              allowed && (b2 & (domestic ? kAucDomesticCashback : kAucInternationalCashback)) != 0;
        }
      }
    }
    if (!allowed) {
      tvr_.setRequestedServiceNotAllowed();
      note("AUC " + toHex(*auc) + " does not allow this service here");
    }
  }
  const Date today = inputs_.at.date();
  if (const Bytes* effective = get(kTag5F25ApplicationEffectiveDate)) {
    std::optional<Date> d = decodeYymmdd(*effective);
    if (d.has_value() && *d > today) {
      tvr_.setApplicationNotYetEffective();
      note("application not yet effective (" + formatDate(*d) + ")");
    }
  }
  if (const Bytes* expiry = get(kTag5F24ApplicationExpirationDate)) {
    std::optional<Date> d = decodeYymmdd(*expiry);
    if (!d.has_value() || *d < today) {
      tvr_.setExpiredApplication();
      note(d.has_value() ? "application expired (" + formatDate(*d) + ")"
                         : "expiration date invalid");
    }
  }
  if (step_->decision.empty()) note("no restriction");
  return State::kCardholderVerification;
}

// ---- Cardholder verification ----

bool KernelRun::terminalSupportsCvm(std::uint8_t code) const {
  const bool contactless = inputs_.entry_mode == EntryMode::kContactless;
  switch (code) {
    case 0x00: return true;
    case 0x01: return !contactless && profile_.hasCapability(kCapPlaintextPinForIcc);
    case 0x02: return profile_.hasCapability(kCapEncipheredPinOnline);
    case 0x03:
      return !contactless && profile_.hasCapability(kCapPlaintextPinForIcc) &&
             profile_.hasCapability(kCapSignature);
    case 0x04: return !contactless && profile_.hasCapability(kCapEncipheredPinOffline);
    case 0x05:
      return !contactless && profile_.hasCapability(kCapEncipheredPinOffline) &&
             profile_.hasCapability(kCapSignature);
    case 0x1E: return profile_.hasCapability(kCapSignature);
    case 0x1F: return profile_.hasCapability(kCapNoCvmRequired);
    default: return false;
  }
}

bool KernelRun::cvmConditionSatisfied(const CvRule& rule, std::uint32_t x, std::uint32_t y,
                                      bool& skip) {
  skip = false;
  const std::uint8_t type = inputs_.transaction_type;
  const bool cash = type == kTxnCash;
  const bool cashback = type == kTxnPurchaseWithCashback;
  switch (rule.condition) {
    case 0x00: return true;
    case 0x01: return cash && !profile_.attended;
    case 0x02: return !cash && !cashback;
    case 0x03: return terminalSupportsCvm(rule.code());
    case 0x04: return cash && profile_.attended;
    case 0x05: return cashback;
    case 0x06:
    case 0x07:
    case 0x08:
    case 0x09: {
      // Book 3 §10.5: only in the application currency; otherwise the rule is skipped.
      const Bytes* app_currency = get(kTag9F42ApplicationCurrencyCode);
      if (app_currency == nullptr || *app_currency != value(kTag5F2ATransactionCurrencyCode)) {
        skip = true;
        return false;
      }
      const auto amount = static_cast<std::uint64_t>(std::max<std::int64_t>(amountMinor(), 0));
      if (rule.condition == 0x06) return amount < x;
      if (rule.condition == 0x07) return amount > x;
      if (rule.condition == 0x08) return amount < y;
      return amount > y;
    }
    default: return false;
  }
}

std::optional<crypto::RsaPublicKey> KernelRun::pinEnciphermentKey() {
  std::string why;
  if (const Bytes* cert = get(kTag9F2DIccPinEnciphermentPublicKeyCertificate)) {
    if (!recoverIssuerKey(why)) return std::nullopt;
    const Bytes remainder = value(kTag9F2FIccPinEnciphermentPublicKeyRemainder);
    const Bytes exponent = value(kTag9F2EIccPinEnciphermentPublicKeyExponent);
    const std::string pan = panDigits();
    crypto::IccCertificateInput input{*cert, remainder, exponent, {}, pan, inputs_.at.date()};
    auto outcome = crypto::recoverIccPinEnciphermentKey(*issuer_key_, input);
    if (!outcome.isOk()) {
      note("ICC PIN encipherment key: " + outcome.failure().toString());
      return std::nullopt;
    }
    return outcome.value().public_key;
  }
  if (!recoverIccKey(why)) {
    note("no key to encipher the PIN: " + why);
    return std::nullopt;
  }
  return icc_key_;
}

std::optional<KernelRun::CvmOutcome> KernelRun::offlinePin(bool enciphered) {
  const PinKind kind = enciphered ? PinKind::kOfflineEnciphered : PinKind::kOfflinePlaintext;
  if (!profile_.pin_pad_present) {
    tvr_.setPinPadNotPresentOrNotWorking();
    note("PIN pad not present");
    return CvmOutcome::kFailed;
  }
  std::optional<int> tries;
  std::optional<ResponseApdu> counter = exchange(CommandApdu::getData(kTag9F17PinTryCounter));
  if (!counter.has_value()) return std::nullopt;
  if (counter->isSuccess()) {
    if (auto v = tlvValue(counter->data, kTag9F17PinTryCounter); v.has_value() && v->size() == 1) {
      tries = (*v)[0];
    }
  }
  if (tries.has_value() && *tries == 0) {
    tvr_.setPinTryLimitExceeded();
    note("PIN try counter is 0");
    return CvmOutcome::kFailed;
  }
  std::optional<crypto::RsaPublicKey> key;
  if (enciphered) {
    key = pinEnciphermentKey();
    if (!key.has_value()) return CvmOutcome::kFailed;
  }
  for (int attempt = 1; attempt <= 16; ++attempt) {
    const PinRequest request{kind, attempt, tries, inputs_.amount};
    const PinEntryResult entry = env_.pin_entry != nullptr ? env_.pin_entry->enterPin(request)
                                                           : PinEntryResult::padNotWorking();
    if (entry.kind == PinEntryResult::Kind::kBypassed) {
      tvr_.setPinPadPresentButPinNotEntered();
      note("PIN entry bypassed");
      return CvmOutcome::kFailed;
    }
    if (entry.kind == PinEntryResult::Kind::kPadNotWorking) {
      tvr_.setPinPadNotPresentOrNotWorking();
      note("PIN pad not working");
      return CvmOutcome::kFailed;
    }
    Result<crypto::ClearPinBlock> block =
        crypto::buildClearPinBlock(crypto::PinBlockFormat::kIso2, entry.pin, "");
    if (!block.isOk()) {
      tvr_.setPinPadNotPresentOrNotWorking();
      note("the PIN pad returned an unusable PIN");
      return CvmOutcome::kFailed;
    }
    CommandApdu verify;
    if (enciphered) {
      std::optional<ResponseApdu> challenge = exchange(CommandApdu::getChallenge());
      if (!challenge.has_value()) return std::nullopt;
      if (!challenge->isSuccess() || challenge->data.size() != 8) {
        note("GET CHALLENGE failed: " + challenge->describe());
        return CvmOutcome::kFailed;
      }
      Result<Bytes> enciphered_block =
          crypto::encipherPinBlock(*key, block->block, challenge->data, *env_.random);
      if (!enciphered_block.isOk()) {
        note("PIN encipherment failed: " + enciphered_block.status().message());
        return CvmOutcome::kFailed;
      }
      verify = CommandApdu::verify(PinQualifier::kEnciphered, *enciphered_block);
    } else {
      verify = CommandApdu::verify(PinQualifier::kPlaintext, block->block);
    }
    std::optional<ResponseApdu> r = exchange(verify);
    if (!r.has_value()) return std::nullopt;
    if (r->isSuccess()) {
      note(std::string(pinKindName(kind)) + " verified by the card");
      return CvmOutcome::kSuccess;
    }
    if (r->sw1() == 0x63 && (r->sw2() & 0xF0) == 0xC0) {
      tries = r->sw2() & 0x0F;
      note("wrong PIN, " + std::to_string(*tries) + " tries left");
      if (*tries == 0) {
        tvr_.setPinTryLimitExceeded();
        return CvmOutcome::kFailed;
      }
      continue;
    }
    if (r->sw1sw2 == kSwAuthenticationMethodBlocked || r->sw1sw2 == kSwReferencedDataInvalidated) {
      tvr_.setPinTryLimitExceeded();
      note("PIN blocked (" + r->describe() + ")");
      return CvmOutcome::kFailed;
    }
    note("VERIFY failed: " + r->describe());
    return CvmOutcome::kFailed;
  }
  return CvmOutcome::kFailed;
}

std::optional<KernelRun::CvmOutcome> KernelRun::onlinePin() {
  if (!profile_.pin_pad_present) {
    tvr_.setPinPadNotPresentOrNotWorking();
    note("PIN pad not present");
    return CvmOutcome::kFailed;
  }
  const PinRequest request{PinKind::kOnline, 1, std::nullopt, inputs_.amount};
  const PinEntryResult entry = env_.pin_entry != nullptr ? env_.pin_entry->enterPin(request)
                                                         : PinEntryResult::padNotWorking();
  if (entry.kind == PinEntryResult::Kind::kBypassed) {
    tvr_.setPinPadPresentButPinNotEntered();
    note("online PIN bypassed");
    return CvmOutcome::kFailed;
  }
  if (entry.kind == PinEntryResult::Kind::kPadNotWorking) {
    tvr_.setPinPadNotPresentOrNotWorking();
    note("PIN pad not working");
    return CvmOutcome::kFailed;
  }
  tvr_.setOnlinePinEntered();
  online_pin_ = entry.pin;
  online_pin_entered_ = true;
  note("online PIN entered");
  return CvmOutcome::kUnknown;
}

std::optional<KernelRun::CvmOutcome> KernelRun::performCvm(const CvRule& rule) {
  switch (rule.code()) {
    case 0x00: note("rule says: fail cardholder verification"); return CvmOutcome::kFailed;
    case 0x01: return offlinePin(false);
    case 0x04: return offlinePin(true);
    case 0x02: return onlinePin();
    case 0x03:
    case 0x05: {
      std::optional<CvmOutcome> pin = offlinePin(rule.code() == 0x05);
      if (!pin.has_value() || *pin == CvmOutcome::kFailed) return pin;
      result_.signature_required = true;
      return CvmOutcome::kUnknown;
    }
    case 0x1E:
      result_.signature_required = true;
      note("signature required");
      return CvmOutcome::kUnknown;
    case 0x1F: note("no CVM required"); return CvmOutcome::kSuccess;
    default: return CvmOutcome::kFailed;
  }
}

State KernelRun::cardholderVerification() {
  beginStep("cardholder verification");
  const std::uint8_t aip = aip_.empty() ? 0 : aip_[0];
  if ((aip & kAipCardholderVerification) == 0) {
    note("the card does not support cardholder verification (AIP)");
    set(kTag9F34CvmResults, CvmResults::noCvmPerformed().toBytes());
    return State::kTerminalRiskManagement;
  }
  const CvmList list = decodeCvmList(value(kTag8ECvmList));
  if (!has(kTag8ECvmList) || list.rules.empty()) {
    tvr_.setIccDataMissing();
    set(kTag9F34CvmResults, CvmResults::noCvmPerformed().toBytes());
    note("CVM list missing or empty: ICC data missing");
    return State::kTerminalRiskManagement;
  }
  std::optional<CvmResults> last_failed;
  bool success = false;
  for (const CvRule& rule : list.rules) {
    bool skip = false;
    if (!cvmConditionSatisfied(rule, list.amount_x, list.amount_y, skip)) continue;
    CvmOutcome outcome = CvmOutcome::kFailed;
    if (!isRecognisedCvmCode(rule.code())) {
      tvr_.setUnrecognisedCvm();
      note("unrecognised CVM " + rule.describe());
    } else if (!terminalSupportsCvm(rule.code())) {
      note("terminal does not support " + std::string(cvmCodeShortName(rule.code())));
      if ((rule.code() == 0x01 || rule.code() == 0x02 || rule.code() == 0x04) &&
          !profile_.pin_pad_present) {
        tvr_.setPinPadNotPresentOrNotWorking();
      }
    } else {
      std::optional<CvmOutcome> performed = performCvm(rule);
      if (!performed.has_value()) return State::kDone;
      outcome = *performed;
    }
    if (outcome != CvmOutcome::kFailed) {
      const std::uint8_t r = outcome == CvmOutcome::kSuccess ? 0x02 : 0x00;
      set(kTag9F34CvmResults, CvmResults{rule.method, rule.condition, r}.toBytes());
      result_.cvm = std::string(cvmCodeShortName(rule.code()));
      note("CVM " + rule.describe() + " performed");
      success = true;
      break;
    }
    last_failed = CvmResults{rule.method, rule.condition, 0x01};
    if (!rule.applySucceedingRuleIfUnsuccessful()) break;
  }
  if (!success) {
    tvr_.setCardholderVerificationNotSuccessful();
    set(kTag9F34CvmResults, last_failed.value_or(CvmResults::noCvmPerformed()).toBytes());
    result_.cvm = last_failed.has_value() ? "failed" : "no CVM";
    note("cardholder verification not successful");
  }
  tsi_.setCardholderVerificationPerformed();
  return State::kTerminalRiskManagement;
}

// ---- Terminal risk management ----

State KernelRun::terminalRiskManagement() {
  beginStep("terminal risk management");
  const std::uint8_t aip = aip_.empty() ? 0 : aip_[0];
  const bool contactless = inputs_.entry_mode == EntryMode::kContactless;
  // Contactless readers always apply their floor limit (Book B §3.1.1.4); contact terminals
  // follow the AIP (Book 3 §10.6).
  if ((aip & kAipTerminalRiskManagement) == 0 && !contactless) {
    note("the card does not ask for terminal risk management (AIP)");
    return State::kActionAnalysis;
  }
  const std::string pan = panDigits();
  if (std::find(inputs_.exception_file.begin(), inputs_.exception_file.end(), pan) !=
      inputs_.exception_file.end()) {
    tvr_.setCardOnExceptionFile();
    note("card on the exception file");
  }
  if (inputs_.merchant_forced_online) {
    tvr_.setMerchantForcedOnline();
    note("merchant forced online");
  }
  const std::int64_t floor =
      contactless ? app_->contactless.floor_limit.value_or(app_->floor_limit) : app_->floor_limit;
  const std::int64_t amount = amountMinor() + inputs_.logged_amount_same_card;
  if (amount >= floor) {
    tvr_.setTransactionExceedsFloorLimit();
    note("amount " + std::to_string(amount) + " >= floor limit " + std::to_string(floor));
  } else if (!contactless && app_->random_selection.target_percent > 0) {
    // Book 3 §10.6.2: biased random transaction selection.
    const RandomSelection& rs = app_->random_selection;
    const auto r = static_cast<double>(env_.random->uniformInt(1, 99));
    double target = rs.target_percent;
    if (amountMinor() >= rs.threshold && floor > rs.threshold) {
      const double interp = static_cast<double>(amountMinor() - rs.threshold) /
                            static_cast<double>(floor - rs.threshold);
      target = (rs.max_target_percent - rs.target_percent) * interp + rs.target_percent;
    }
    if (r <= target) {
      tvr_.setTransactionSelectedRandomlyForOnline();
      note("randomly selected for online (R " + std::to_string(static_cast<int>(r)) +
           " <= target " + std::to_string(target) + ")");
    } else {
      note("not randomly selected (R " + std::to_string(static_cast<int>(r)) + ")");
    }
  }
  const Bytes* lcol = get(kTag9F14LowerConsecutiveOfflineLimit);
  const Bytes* ucol = get(kTag9F23UpperConsecutiveOfflineLimit);
  if (lcol != nullptr && ucol != nullptr && lcol->size() == 1 && ucol->size() == 1) {
    std::optional<std::uint64_t> atc;
    std::optional<std::uint64_t> last_online;
    for (Tag tag : {kTag9F36ApplicationTransactionCounter, kTag9F13LastOnlineAtcRegister}) {
      std::optional<ResponseApdu> r = exchange(CommandApdu::getData(tag));
      if (!r.has_value()) return State::kDone;
      if (!r->isSuccess()) continue;
      auto v = tlvValue(r->data, tag);
      if (!v.has_value() || v->size() != 2) continue;
      (tag == kTag9F36ApplicationTransactionCounter ? atc : last_online) = readBigEndian(*v);
    }
    if (!atc.has_value() || !last_online.has_value()) {
      tvr_.setLowerConsecutiveOfflineLimitExceeded();
      tvr_.setUpperConsecutiveOfflineLimitExceeded();
      note("ATC or last online ATC not available: both velocity limits exceeded");
    } else {
      const std::uint64_t offline = *atc > *last_online ? *atc - *last_online : 0;
      if (offline > (*lcol)[0]) tvr_.setLowerConsecutiveOfflineLimitExceeded();
      if (offline > (*ucol)[0]) tvr_.setUpperConsecutiveOfflineLimitExceeded();
      if (*last_online == 0) tvr_.setNewCard();
      note("velocity: ATC " + std::to_string(*atc) + ", last online ATC " +
           std::to_string(*last_online) + ", LCOL " + std::to_string((*lcol)[0]) + ", UCOL " +
           std::to_string((*ucol)[0]));
    }
  }
  tsi_.setTerminalRiskManagementPerformed();
  return State::kActionAnalysis;
}

// ---- Terminal action analysis and first GENERATE AC ----

std::optional<KernelRun::AcResult> KernelRun::generateAc(AcRequest request, bool cda, bool second) {
  const Bytes dol = value(second ? kTag8DCdol2 : kTag8CCdol1);
  if (dolContains(dol, kTag98TcHashValue)) {
    // Book 3 §5.4 / Annex A: the TC Hash Value is SHA-1 of the TDOL data; the card's TDOL (97)
    // or, failing that, the terminal's default TDOL (TVR byte 5 b8).
    Bytes tdol = value(kTag97Tdol);
    if (tdol.empty() && app_ != nullptr && !app_->default_tdol.empty()) {
      tdol = app_->default_tdol;
      tvr_.setDefaultTdolUsed();
      note("default TDOL used");
    }
    set(kTag98TcHashValue, crypto::sha1(buildDol(tdol)));
  }
  const Bytes cdol_data = buildDol(dol);
  (second ? cdol2_data_ : cdol1_data_) = cdol_data;
  const GenerateAcReference reference = request == AcRequest::kAac  ? GenerateAcReference::kAac
                                        : request == AcRequest::kTc ? GenerateAcReference::kTc
                                                                    : GenerateAcReference::kArqc;
  std::optional<ResponseApdu> r = exchange(CommandApdu::generateAc(reference, cda, cdol_data));
  if (!r.has_value()) return std::nullopt;
  tsi_.setCardRiskManagementPerformed();
  if (!r->isSuccess()) {
    finish(Outcome::kTerminated, "GENERATE AC failed: " + r->describe());
    return std::nullopt;
  }
  const TlvDecodeResult tree = decodeTlv(r->data, {.single_object = true});
  if (!tree.ok() || tree.nodes.empty()) {
    finish(Outcome::kTerminated, "GENERATE AC response is not valid TLV");
    return std::nullopt;
  }
  const TlvNode& root = tree.nodes.front();
  Bytes response_tlvs;
  Bytes sdad;
  if (root.tag == kTag80ResponseMessageTemplateFormat1) {
    if (root.value.size() < 11) {
      finish(Outcome::kTerminated, "GENERATE AC format 1 response shorter than 11 bytes");
      return std::nullopt;
    }
    set(kTag9F27CryptogramInformationData, {root.value[0]});
    set(kTag9F36ApplicationTransactionCounter, bytesOf(root.value.subspan(1, 2)));
    set(kTag9F26ApplicationCryptogram, bytesOf(root.value.subspan(3, 8)));
    if (root.value.size() > 11) set(kTag9F10IssuerApplicationData, bytesOf(root.value.subspan(11)));
  } else if (root.tag == kTag77ResponseMessageTemplateFormat2) {
    TlvReader reader(root.value);
    TlvItem item;
    while (reader.next(item)) {
      if (item.tag == kTag9F4BSignedDynamicApplicationData) {
        sdad = bytesOf(item.value);
        continue;
      }
      const auto begin = root.value.begin() + static_cast<std::ptrdiff_t>(item.offset);
      response_tlvs.insert(
          response_tlvs.end(), begin,
          begin + static_cast<std::ptrdiff_t>(item.header_length + item.value.size()));
      if (!item.constructed()) set(item.tag, bytesOf(item.value));
    }
    if (!has(kTag9F27CryptogramInformationData) || !has(kTag9F36ApplicationTransactionCounter)) {
      finish(Outcome::kTerminated, "GENERATE AC response without CID (9F27) or ATC (9F36)");
      return std::nullopt;
    }
  } else {
    finish(Outcome::kTerminated, "GENERATE AC response template " + tagToHex(root.tag));
    return std::nullopt;
  }
  AcResult ac;
  ac.cid = value(kTag9F27CryptogramInformationData).at(0);
  ac.type = cryptogramTypeOf(ac.cid);
  if (cda && ac.type != CryptogramType::kAac) {
    std::string why;
    if (sdad.empty()) {
      why = "no Signed Dynamic Application Data (9F4B) in the response";
      ac.cda_ok = false;
    } else {
      set(kTag9F4BSignedDynamicApplicationData, sdad);
      ac.cda_ok = verifyCda(response_tlvs, sdad, ac.cid, second, why);
    }
    if (!ac.cda_ok) {
      tvr_.setCdaFailed();
      note("CDA failed: " + why);
    } else {
      note("CDA signature verified");
    }
  }
  if (!has(kTag9F26ApplicationCryptogram) && ac.cda_ok) {
    finish(Outcome::kTerminated, "GENERATE AC response without a cryptogram (9F26)");
    return std::nullopt;
  }
  result_.cid = ac.cid;
  result_.cryptogram_type = ac.type;
  result_.cryptogram = value(kTag9F26ApplicationCryptogram);
  result_.atc = value(kTag9F36ApplicationTransactionCounter);
  if ((ac.cid & 0x08) != 0) result_.advice_required = true;
  note(std::string(second ? "second" : "first") + " GENERATE AC: card returned " +
       std::string(cryptogramTypeName(ac.type)) + " (CID " + toHex(Bytes{ac.cid}) + ")");
  return ac;
}

bool KernelRun::verifyCda(ByteView response_tlvs_without_sdad, ByteView sdad, std::uint8_t cid,
                          bool second, std::string& why) {
  if (!icc_key_.has_value()) {
    why = "no ICC public key";
    return false;
  }
  const Bytes un = value(kTag9F37UnpredictableNumber);
  crypto::CdaInput input;
  input.signed_dynamic_data = sdad;
  input.unpredictable_number = un;
  input.cryptogram_information_data = cid;
  input.pdol_data = pdol_data_;
  input.cdol1_data = cdol1_data_;
  input.cdol2_data = second ? ByteView(cdol2_data_) : ByteView();
  input.response_tlvs_without_sdad = response_tlvs_without_sdad;
  auto outcome = crypto::recoverCdaSignature(*icc_key_, input);
  if (!outcome.isOk()) {
    why = outcome.failure().toString();
    return false;
  }
  set(kTag9F26ApplicationCryptogram, outcome.value().application_cryptogram);
  if (!outcome.value().icc_dynamic_number.empty()) {
    set(kTag9F4CIccDynamicNumber, outcome.value().icc_dynamic_number);
  }
  return true;
}

State KernelRun::terminalActionAnalysis() {
  beginStep("terminal action analysis");
  const Tvr iac_denial = tvrFrom(get(kTag9F0EIssuerActionCodeDenial), 0x00);
  const Tvr iac_online = tvrFrom(get(kTag9F0FIssuerActionCodeOnline), 0xFF);
  const Tvr iac_default = tvrFrom(get(kTag9F0DIssuerActionCodeDefault), 0xFF);
  const Tvr tac_denial = tvrFrom(&app_->tac_denial, 0x00);
  const Tvr tac_online = tvrFrom(&app_->tac_online, 0x00);
  const Tvr tac_default = tvrFrom(&app_->tac_default, 0x00);
  AcRequest request = AcRequest::kTc;
  std::string why;
  if ((tac_denial | iac_denial).intersects(tvr_)) {
    request = AcRequest::kAac;
    why = "(TAC | IAC) denial & TVR " + tvr_.toHex() + " != 0";
  } else if (profile_.online_capable) {
    if ((tac_online | iac_online).intersects(tvr_)) {
      request = AcRequest::kArqc;
      why = "(TAC | IAC) online & TVR " + tvr_.toHex() + " != 0";
    } else {
      why = "no online condition in TVR " + tvr_.toHex();
    }
  } else if ((tac_default | iac_default).intersects(tvr_)) {
    request = AcRequest::kAac;
    why = "offline-only terminal: (TAC | IAC) default & TVR " + tvr_.toHex() + " != 0";
  }
  // An online-only terminal (9F35 x1/x4) never approves offline.
  const std::uint8_t type_digit = profile_.terminal_type & 0x0F;
  if (request == AcRequest::kTc && (type_digit == 1 || type_digit == 4)) {
    request = AcRequest::kArqc;
    why += "; online-only terminal";
  }
  first_request_ = request;
  const char* names[] = {"AAC", "TC", "ARQC"};
  note(std::string("request ") + names[static_cast<int>(request)] + ": " + why);

  const bool cda = oda_ == OdaMethod::kCda && !cda_failed_before_ac_ && request != AcRequest::kAac;
  std::optional<AcResult> ac = generateAc(request, cda, false);
  if (!ac.has_value()) return State::kDone;
  first_ac_ = ac;
  result_.first_cryptogram = result_.cryptogram;
  switch (ac->type) {
    case CryptogramType::kAac:
    case CryptogramType::kAar:
      set(kTag8AAuthorisationResponseCode, {'Z', '1'});
      result_.authorisation_response_code = "Z1";
      return finish(Outcome::kDeclinedOffline, "the card declined offline (AAC)");
    case CryptogramType::kTc:
      if (request != AcRequest::kTc) {
        return finish(Outcome::kTerminated, "the card returned TC although the terminal asked " +
                                                std::string(names[static_cast<int>(request)]));
      }
      if (!ac->cda_ok) {
        set(kTag8AAuthorisationResponseCode, {'Z', '1'});
        result_.authorisation_response_code = "Z1";
        return finish(Outcome::kDeclinedOffline, "CDA failed on a TC");
      }
      set(kTag8AAuthorisationResponseCode, {'Y', '1'});
      result_.authorisation_response_code = "Y1";
      return finish(Outcome::kApprovedOffline, "the card approved offline (TC)");
    case CryptogramType::kArqc:
      if (request == AcRequest::kAac) {
        return finish(Outcome::kTerminated,
                      "the card returned ARQC although the terminal asked AAC");
      }
      if (!ac->cda_ok) {
        // Book 2 §6.6.2: a failed CDA on an ARQC declines; close the card with AAC (contact).
        set(kTag8AAuthorisationResponseCode, {'Z', '1'});
        result_.authorisation_response_code = "Z1";
        if (inputs_.entry_mode == EntryMode::kContact) {
          if (!generateAc(AcRequest::kAac, false, true).has_value()) return State::kDone;
        }
        return finish(Outcome::kDeclinedOffline, "CDA failed on an ARQC");
      }
      return State::kOnlineProcessing;
  }
  return State::kDone;
}

// ---- Online processing, issuer authentication, scripts, completion ----

Bytes KernelRun::buildIccData() const {
  static constexpr Tag kDe55Tags[] = {kTag9F26ApplicationCryptogram,
                                      kTag9F27CryptogramInformationData,
                                      kTag9F10IssuerApplicationData,
                                      kTag9F37UnpredictableNumber,
                                      kTag9F36ApplicationTransactionCounter,
                                      kTag95TerminalVerificationResults,
                                      kTag9ATransactionDate,
                                      kTag9CTransactionType,
                                      kTag9F02AmountAuthorised,
                                      kTag5F2ATransactionCurrencyCode,
                                      kTag82ApplicationInterchangeProfile,
                                      kTag9F1ATerminalCountryCode,
                                      kTag9F03AmountOther,
                                      kTag9F33TerminalCapabilities,
                                      kTag9F34CvmResults,
                                      kTag9F35TerminalType,
                                      kTag9F1EIfdSerialNumber,
                                      kTag84DfName,
                                      kTag9F09ApplicationVersionNumberTerminal,
                                      kTag9F41TransactionSequenceCounter,
                                      kTag5F34PanSequenceNumber,
                                      kTag9F66TerminalTransactionQualifiers,
                                      kTag9F6CCardTransactionQualifiers,
                                      kTag9F6EFormFactorIndicator};
  Bytes out;
  for (Tag tag : kDe55Tags) {
    if (tag == kTag95TerminalVerificationResults && cryptogram_tvr_.has_value()) {
      appendTlv(out, tag, *cryptogram_tvr_);
    } else if (const Bytes* v = get(tag)) {
      appendTlv(out, tag, *v);
    }
  }
  return out;
}

OnlineRequest KernelRun::baseOnlineRequest() const {
  OnlineRequest request;
  request.entry_mode = inputs_.entry_mode;
  request.pos_entry_mode = inputs_.entry_mode == EntryMode::kContactless ? "07"
                           : inputs_.entry_mode == EntryMode::kContact   ? "05"
                           : inputs_.fallback                            ? "80"
                                                                         : "90";
  request.pan = Pan(panDigits());
  if (const Bytes* psn = get(kTag5F34PanSequenceNumber); psn != nullptr && psn->size() == 1) {
    request.pan_sequence_number = "0" + toHex(*psn);
  }
  if (const Bytes* track2 = get(kTag57Track2EquivalentData)) {
    std::string hex = toHex(*track2);
    while (!hex.empty() && hex.back() == 'F') hex.pop_back();
    std::replace(hex.begin(), hex.end(), 'D', '=');
    request.track2 = hex;
  }
  if (const Bytes* expiry = get(kTag5F24ApplicationExpirationDate); expiry != nullptr) {
    request.expiry_yymm = toHex(*expiry).substr(0, 4);
  }
  request.amount = inputs_.amount;
  request.other_amount = inputs_.other_amount;
  request.transaction_type = inputs_.transaction_type;
  request.fallback = inputs_.fallback;
  return request;
}

OnlineResponse KernelRun::goOnline(const OnlineRequest& request) {
  result_.went_online = true;
  OnlineResponse response;
  if (env_.authorizer != nullptr && profile_.online_capable) {
    response = env_.authorizer->authorize(request);
  }
  result_.online_response = response;
  return response;
}

void KernelRun::runScripts(Tag template_tag, bool before_final) {
  const Bytes& scripts = result_.online_response.issuer_scripts;
  if (scripts.empty()) return;
  const TlvDecodeResult tree = decodeTlv(scripts);
  for (const TlvNode& script : tree.nodes) {
    if (script.tag != template_tag || finished_) continue;
    Bytes id(4, 0x00);
    if (const TlvNode* n = script.findChild(kTag9F18IssuerScriptIdentifier); n != nullptr) {
      id = bytesOf(n->value);
      id.resize(4, 0x00);
    }
    std::uint8_t status = 0x20;  // performed successfully
    int sequence = 0;
    for (const TlvNode& command : script.children) {
      if (command.tag != kTag86IssuerScriptCommand) continue;
      ++sequence;
      Result<CommandApdu> apdu = CommandApdu::parse(command.value);
      bool ok = apdu.isOk();
      if (ok) {
        std::optional<ResponseApdu> r = exchange(*apdu);
        if (!r.has_value()) return;
        ok = isExecuted(r->sw1sw2);
      }
      if (!ok) {
        status = static_cast<std::uint8_t>(0x10 | std::min(sequence, 15));
        break;
      }
    }
    tsi_.setScriptProcessingPerformed();
    if ((status & 0xF0) == 0x10) {
      if (before_final) {
        tvr_.setScriptFailedBeforeFinalGenerateAc();
      } else {
        tvr_.setScriptFailedAfterFinalGenerateAc();
      }
    }
    result_.issuer_script_results.push_back(status);
    append(result_.issuer_script_results, id);
    note("issuer script " + toHex(id) + " (" + tagToHex(template_tag) + "): " +
         ((status & 0xF0) == 0x20 ? "performed" : "failed at command " + std::to_string(sequence)));
  }
  if (!result_.issuer_script_results.empty()) {
    set(kTag9F5BIssuerScriptResults, result_.issuer_script_results);
  }
}

State KernelRun::onlineProcessing() {
  beginStep("online processing");
  syncTvrTsi();
  OnlineRequest request = baseOnlineRequest();
  request.icc_data = buildIccData();
  result_.icc_data = request.icc_data;
  if (online_pin_entered_ && !profile_.online_pin_key.empty()) {
    Result<crypto::EncryptedPinBlock> block = crypto::encryptPinBlock(
        crypto::PinBlockFormat::kIso0, profile_.online_pin_key, online_pin_, request.pan.digits());
    if (block.isOk()) request.pin_block = block->block;
  }
  online_pin_.clear();
  const OnlineResponse response = goOnline(request);
  const bool contactless = inputs_.entry_mode == EntryMode::kContactless;
  if (response.kind == OnlineResponse::Kind::kUnableToGoOnline) {
    // Book 3 §10.7 "unable to go online": default action codes decide.
    const Tvr iac_default = tvrFrom(get(kTag9F0DIssuerActionCodeDefault), 0xFF);
    const Tvr tac_default = tvrFrom(&app_->tac_default, 0x00);
    const bool decline = (tac_default | iac_default).intersects(tvr_) || contactless;
    const Bytes arc = decline ? Bytes{'Z', '3'} : Bytes{'Y', '3'};
    set(kTag8AAuthorisationResponseCode, arc);
    result_.authorisation_response_code = arcText(arc);
    note(std::string("unable to go online: ") +
         (decline ? "default action codes decline (Z3)" : "default action codes approve (Y3)"));
    if (contactless) return finish(Outcome::kDeclinedOffline, "unable to go online (Z3)");
    return State::kCompletion;
  }
  std::string code = response.response_code;
  if (code.size() != 2) code = response.kind == OnlineResponse::Kind::kApproved ? "00" : "05";
  set(kTag8AAuthorisationResponseCode, Bytes(code.begin(), code.end()));
  result_.authorisation_response_code = code;
  note("issuer " +
       std::string(response.kind == OnlineResponse::Kind::kApproved ? "approved" : "declined") +
       " (response code " + code + ")");
  if (contactless) {
    // Contactless: the card is gone, no second GENERATE AC (Book A §8).
    return response.kind == OnlineResponse::Kind::kApproved
               ? finish(Outcome::kApprovedOnline, "issuer approved (" + code + ")")
               : finish(Outcome::kDeclinedOnline, "issuer declined (" + code + ")");
  }
  const std::uint8_t aip = aip_.empty() ? 0 : aip_[0];
  if (!response.issuer_authentication_data.empty()) {
    set(kTag91IssuerAuthenticationData, response.issuer_authentication_data);
    if ((aip & kAipIssuerAuthentication) != 0) {
      if (dolContains(value(kTag8DCdol2), kTag91IssuerAuthenticationData)) {
        note("issuer authentication data goes to the card in CDOL2");
      } else {
        std::optional<ResponseApdu> r =
            exchange(CommandApdu::externalAuthenticate(response.issuer_authentication_data));
        if (!r.has_value()) return State::kDone;
        if (!r->isSuccess()) {
          tvr_.setIssuerAuthenticationFailed();
          note("issuer authentication failed (" + r->describe() + ")");
        } else {
          note("issuer authentication successful");
        }
      }
      tsi_.setIssuerAuthenticationPerformed();
    }
  }
  runScripts(kTag71IssuerScriptTemplate1, true);
  if (finished_) return State::kDone;
  return State::kCompletion;
}

State KernelRun::completion() {
  beginStep("completion");
  const OnlineResponse& response = result_.online_response;
  const bool unable = response.kind == OnlineResponse::Kind::kUnableToGoOnline;
  const bool approved_by_issuer = response.kind == OnlineResponse::Kind::kApproved;
  const Bytes arc = value(kTag8AAuthorisationResponseCode);
  const bool request_tc = unable ? arc == Bytes{'Y', '3'} : approved_by_issuer;
  const bool cda = oda_ == OdaMethod::kCda && !cda_failed_before_ac_ && request_tc;
  std::optional<AcResult> ac = generateAc(request_tc ? AcRequest::kTc : AcRequest::kAac, cda, true);
  if (!ac.has_value()) return State::kDone;
  runScripts(kTag72IssuerScriptTemplate2, false);
  syncTvrTsi();
  if (finished_) return State::kDone;
  const bool card_approved = ac->type == CryptogramType::kTc && ac->cda_ok;
  if (unable) {
    return card_approved ? finish(Outcome::kApprovedOffline, "unable to go online, approved (Y3)")
                         : finish(Outcome::kDeclinedOffline, "unable to go online, declined (Z3)");
  }
  if (approved_by_issuer) {
    if (card_approved) return finish(Outcome::kApprovedOnline, "issuer approved, card TC");
    result_.reversal_required = true;
    return finish(Outcome::kDeclinedOnline,
                  "the card declined after the issuer approved: reversal required");
  }
  return finish(Outcome::kDeclinedOnline, "issuer declined (" + arcText(arc) + ")");
}

}  // namespace posim::emv::internal
