// Contactless fast path (DOMAIN.md §2): PPSE selection, reader limits, then either the
// qVSDC-style flow (the card decides in GET PROCESSING OPTIONS, fDDA) or the M/Chip-style flow
// (READ RECORD, one GENERATE AC with CDA). One tap: never a second GENERATE AC.
#include <algorithm>

#include "posim/emv/crypto/oda.h"
#include "posim/emv/tag_dictionary.h"

#include "kernel_internal.h"

namespace posim::emv::internal {
namespace {

// TTQ 9F66 byte 2 (Visa VCPS / EMV Book C-3).
constexpr std::uint8_t kTtqOnlineCryptogramRequired = 0x80;
constexpr std::uint8_t kTtqCvmRequired = 0x40;
// CTQ 9F6C.
constexpr std::uint8_t kCtqOnlinePinRequired = 0x80;  // byte 1
constexpr std::uint8_t kCtqCdcvmPerformed = 0x80;     // byte 2
// AIP byte 1 b2: on-device cardholder verification supported (Book C-2).
constexpr std::uint8_t kAipOnDeviceCvm = 0x02;
constexpr std::uint8_t kAipDda = 0x20;

Bytes bytesOf(ByteView view) {
  return Bytes(view.begin(), view.end());
}

}  // namespace

void KernelRun::runContactless() {
  beginStep("contactless selection");
  Result<Bytes> atr = icc_.powerOn(CardInterface::kContactless);
  if (!atr.isOk()) {
    finish(Outcome::kCardError, "no contactless card answered (" + atr.status().message() + ")");
    return;
  }
  std::optional<ResponseApdu> ppse = exchange(CommandApdu::selectPpse());
  if (!ppse.has_value()) return;
  if (!ppse->isSuccess()) {
    finish(Outcome::kTryAnotherInterface, "PPSE not available (" + ppse->describe() + ")");
    return;
  }
  const TlvDecodeResult tree = decodeTlv(ppse->data);
  const TlvNode* directory = findTlv(tree.nodes, kTagBF0CFciIssuerDiscretionaryData);
  if (directory != nullptr) {
    for (const TlvNode& entry : directory->children) {
      if (entry.tag != kTag61ApplicationTemplate) continue;
      const TlvNode* aid = entry.findChild(kTag4FApplicationIdentifier);
      if (aid == nullptr) continue;
      CandidateApplication candidate;
      candidate.aid = bytesOf(aid->value);
      if (const TlvNode* n = entry.findChild(kTag50ApplicationLabel))
        candidate.label = asString(n->value);
      if (const TlvNode* n = entry.findChild(kTag87ApplicationPriorityIndicator);
          n != nullptr && n->value.size() == 1) {
        candidate.priority = n->value[0];
      }
      if (const TlvNode* n = entry.findChild(kTag9F2AKernelIdentifier);
          n != nullptr && !n->value.empty()) {
        candidate.kernel_id = n->value[0];
      }
      const TerminalApplication* app = profile_.findApplication(candidate.aid);
      if (app == nullptr || !app->contactless_enabled) continue;
      // Book B §3.1.1.4: pre-processing. A limit reached removes the combination.
      if (app->contactless.transaction_limit.has_value() &&
          amountMinor() >= *app->contactless.transaction_limit) {
        note(toHex(candidate.aid) + ": amount at or above the contactless transaction limit");
        continue;
      }
      candidates_.push_back(std::move(candidate));
    }
  }
  // Priority only: the cardholder is not asked during a tap.
  std::stable_sort(candidates_.begin(), candidates_.end(),
                   [](const CandidateApplication& a, const CandidateApplication& b) {
                     return a.priorityOrder() < b.priorityOrder();
                   });
  if (candidates_.empty()) {
    finish(Outcome::kTryAnotherInterface, "no contactless application usable for this amount");
    return;
  }
  candidates_built_ = true;

  State state = State::kFinalSelect;
  while (state == State::kFinalSelect && !finished_) state = finalSelect();
  if (finished_) return;

  // TTQ per transaction (Book C-3 §5.2.2): online cryptogram and CVM requirements.
  Bytes ttq = app_->ttq;
  ttq.resize(4, 0x00);
  const ContactlessLimits& limits = app_->contactless;
  if (inputs_.merchant_forced_online || !limits.floor_limit.has_value() ||
      amountMinor() >= *limits.floor_limit) {
    ttq[1] |= kTtqOnlineCryptogramRequired;
  }
  const bool cvm_required =
      limits.cvm_required_limit.has_value() && amountMinor() >= *limits.cvm_required_limit;
  if (cvm_required) ttq[1] |= kTtqCvmRequired;
  set(kTag9F66TerminalTransactionQualifiers, ttq);

  state = initiateApplicationProcessing();
  if (finished_) return;
  if (!afl_.empty()) {
    state = readApplicationData();
    if (finished_) return;
  }
  (void)state;

  if (has(kTag9F26ApplicationCryptogram)) {
    // ---- qVSDC-style: the GPO response carries the cryptogram ----
    beginStep("contactless card decision (qVSDC)");
    const Bytes* pdol_tvr = get(kTag95TerminalVerificationResults);
    cryptogram_tvr_ = pdol_tvr != nullptr ? *pdol_tvr : Bytes(5, 0x00);
    const std::uint8_t cid =
        has(kTag9F27CryptogramInformationData) ? value(kTag9F27CryptogramInformationData)[0] : 0x80;
    CryptogramType type = cryptogramTypeOf(cid);
    result_.cid = cid;
    result_.cryptogram_type = type;
    result_.cryptogram = value(kTag9F26ApplicationCryptogram);
    result_.first_cryptogram = result_.cryptogram;
    result_.atc = value(kTag9F36ApplicationTransactionCounter);
    tsi_.setCardRiskManagementPerformed();
    note("card returned " + std::string(cryptogramTypeName(type)) + " in GPO");
    // Expiry (processing restrictions of Book C-3).
    if (const Bytes* expiry = get(kTag5F24ApplicationExpirationDate)) {
      std::optional<Date> d = decodeYymmdd(*expiry);
      if (!d.has_value() || *d < inputs_.at.date()) tvr_.setExpiredApplication();
    }
    // fDDA for offline approvals.
    if (type == CryptogramType::kTc) {
      const std::uint8_t aip = aip_.empty() ? 0 : aip_[0];
      if ((aip & kAipDda) != 0 && profile_.hasCapability(kCapDda) &&
          has(kTag9F4BSignedDynamicApplicationData)) {
        tsi_.setOdaPerformed();
        std::string why;
        bool ok = recoverIccKey(why);
        if (ok) {
          Bytes dynamic = value(kTag9F37UnpredictableNumber);
          append(dynamic, value(kTag9F02AmountAuthorised));
          append(dynamic, value(kTag5F2ATransactionCurrencyCode));
          append(dynamic, value(kTag9F69CardAuthenticationRelatedData));
          auto outcome = crypto::recoverDdaSignature(
              *icc_key_, value(kTag9F4BSignedDynamicApplicationData), dynamic);
          ok = outcome.isOk();
          if (!ok) why = outcome.failure().toString();
        }
        if (!ok) {
          tvr_.setDdaFailed();
          note("fDDA failed: " + why);
        } else {
          note("fDDA successful");
        }
      } else {
        tvr_.setOfflineDataAuthNotPerformed();
      }
    }
    // CVM from the CTQ.
    beginStep("cardholder verification (contactless)");
    const Bytes ctq = value(kTag9F6CCardTransactionQualifiers);
    if (ctq.size() >= 2 && (ctq[1] & kCtqCdcvmPerformed) != 0) {
      result_.cvm = "CDCVM";
      set(kTag9F34CvmResults, {0x01, 0x00, 0x02});
      note("CDCVM performed on the device");
    } else if (cvm_required) {
      // The card's preference (CTQ) applies once the reader requires a CVM (Book C-3).
      const bool want_pin = ctq.size() >= 1 && (ctq[0] & kCtqOnlinePinRequired) != 0;
      if ((want_pin || !profile_.hasCapability(kCapSignature)) && type == CryptogramType::kArqc &&
          profile_.hasCapability(kCapEncipheredPinOnline)) {
        std::optional<CvmOutcome> pin = onlinePin();
        if (!pin.has_value()) return;
        if (*pin == CvmOutcome::kFailed) tvr_.setCardholderVerificationNotSuccessful();
        result_.cvm = *pin == CvmOutcome::kFailed ? "failed" : "online PIN";
        set(kTag9F34CvmResults,
            {0x02, 0x00, static_cast<std::uint8_t>(*pin == CvmOutcome::kFailed ? 0x01 : 0x00)});
      } else if (profile_.hasCapability(kCapSignature)) {
        result_.cvm = "signature";
        result_.signature_required = true;
        set(kTag9F34CvmResults, {0x1E, 0x00, 0x00});
      } else {
        tvr_.setCardholderVerificationNotSuccessful();
        result_.cvm = "failed";
        note("CVM required but none possible");
      }
    } else {
      result_.cvm = "no CVM";
      set(kTag9F34CvmResults, CvmResults::noCvmPerformed().toBytes());
      note("below the CVM required limit: no CVM");
    }
    tsi_.setCardholderVerificationPerformed();
    beginStep("contactless outcome");
    if (type == CryptogramType::kAac || type == CryptogramType::kAar) {
      finish(Outcome::kDeclinedOffline, "the card declined (AAC)");
      return;
    }
    if (type == CryptogramType::kTc) {
      if (tvr_.ddaFailed() || tvr_.expiredApplication() ||
          tvr_.cardholderVerificationNotSuccessful()) {
        set(kTag8AAuthorisationResponseCode, {'Z', '1'});
        result_.authorisation_response_code = "Z1";
        finish(Outcome::kDeclinedOffline, "offline approval not possible: TVR " + tvr_.toHex());
        return;
      }
      set(kTag8AAuthorisationResponseCode, {'Y', '1'});
      result_.authorisation_response_code = "Y1";
      finish(Outcome::kApprovedOffline, "the card approved offline (TC)");
      return;
    }
    State next = onlineProcessing();
    (void)next;
    return;
  }

  // ---- M/Chip-style: ODA, restrictions, CVM by limits, one GENERATE AC ----
  offlineDataAuthentication();
  if (finished_) return;
  processingRestrictions();
  beginStep("cardholder verification (contactless)");
  const std::uint8_t aip = aip_.empty() ? 0 : aip_[0];
  if (!cvm_required) {
    result_.cvm = "no CVM";
    set(kTag9F34CvmResults, CvmResults::noCvmPerformed().toBytes());
    note("below the CVM required limit: no CVM");
  } else if ((aip & kAipOnDeviceCvm) != 0) {
    result_.cvm = "CDCVM";
    set(kTag9F34CvmResults, {0x01, 0x00, 0x02});
    tsi_.setCardholderVerificationPerformed();
    note("CDCVM (on-device cardholder verification)");
  } else {
    cardholderVerification();
    if (finished_) return;
  }
  terminalRiskManagement();
  if (finished_) return;
  State next = terminalActionAnalysis();
  if (next == State::kOnlineProcessing && !finished_) onlineProcessing();
}

}  // namespace posim::emv::internal
