// The state of one kernel run, shared by kernel*.cpp. Not a public header.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posim/emv/apdu.h"
#include "posim/emv/crypto/rsa.h"
#include "posim/emv/kernel.h"
#include "posim/emv/tlv.h"

namespace posim::emv::internal {

// GENERATE AC P1 values the kernel asks for.
enum class AcRequest { kAac, kTc, kArqc };

enum class OdaMethod { kNone, kSda, kDda, kCda };

// Where the state machine goes next (contact flow, Book 3 §10 order).
enum class State {
  kPowerOn,
  kBuildCandidates,
  kFinalSelect,
  kInitiate,
  kReadRecords,
  kOfflineDataAuthentication,
  kProcessingRestrictions,
  kCardholderVerification,
  kTerminalRiskManagement,
  kActionAnalysis,
  kOnlineProcessing,
  kCompletion,
  kDone,
};

// One transaction. Each step method does its work, records it, and returns the next state.
class KernelRun {
 public:
  KernelRun(const TerminalProfile& profile, const KernelEnvironment& env, Icc& icc,
            const TransactionInputs& inputs);

  KernelResult run();

 private:
  // ---- Steps (kernel.cpp: selection and reading) ----
  State powerOn();
  State buildCandidates();
  State finalSelect();
  State initiateApplicationProcessing();
  State readApplicationData();
  // ---- Steps (kernel_contact.cpp) ----
  State offlineDataAuthentication();
  State processingRestrictions();
  State cardholderVerification();
  State terminalRiskManagement();
  State terminalActionAnalysis();
  State onlineProcessing();
  State completion();
  // ---- Contactless (kernel_contactless.cpp) and magstripe (kernel_magstripe.cpp) ----
  void runContactless();
  void runMagstripe();

  // ---- Selection helpers ----
  // PSE directory (Book 1 §12.3.2). False when the PSE is not usable (go to the AID list).
  bool readPseDirectory(bool& terminate);
  bool selectByAidList(bool& terminate);
  void orderCandidates();
  // Picks the candidate to try next (cardholder choice or first). nullopt: none/cancelled.
  std::optional<std::size_t> pickCandidate();
  bool parseFci(ByteView fci, const Bytes& expected_aid);

  // ---- CVM helpers (kernel_contact.cpp) ----
  enum class CvmOutcome { kSuccess, kFailed, kUnknown };
  bool cvmConditionSatisfied(const CvRule& rule, std::uint32_t x, std::uint32_t y, bool& skip);
  bool terminalSupportsCvm(std::uint8_t code) const;
  // Performs one CVM; returns nullopt on a card failure (run finished).
  std::optional<CvmOutcome> performCvm(const CvRule& rule);
  std::optional<CvmOutcome> offlinePin(bool enciphered);
  std::optional<CvmOutcome> onlinePin();
  std::optional<crypto::RsaPublicKey> pinEnciphermentKey();

  // ---- ODA helpers ----
  bool recoverIssuerKey(std::string& why);
  bool recoverIccKey(std::string& why);
  // CDA check after a GENERATE AC that requested it. False on failure (TVR set).
  bool verifyCda(ByteView response_tlvs_without_sdad, ByteView sdad, std::uint8_t cid, bool second,
                 std::string& why);

  // ---- GENERATE AC ----
  struct AcResult {
    std::uint8_t cid = 0;
    CryptogramType type = CryptogramType::kAac;
    bool cda_ok = true;  // false: CDA requested and the signature failed
  };
  // Sends GENERATE AC with `cdol` data, parses the response into data_. nullopt: the run
  // finished (card error, malformed response).
  std::optional<AcResult> generateAc(AcRequest request, bool cda, bool second);
  void runScripts(Tag template_tag, bool before_final);
  Bytes buildIccData() const;

  // ---- Online (shared by contact and contactless) ----
  OnlineResponse goOnline(const OnlineRequest& request);
  OnlineRequest baseOnlineRequest() const;

  // ---- Transport ----
  // Sends a command with T=0 61xx/6Cxx and warning handling (Book 1 §9.3.1). nullopt: the card
  // failed or answered garbage; the run is then finished.
  std::optional<ResponseApdu> exchange(const CommandApdu& command);
  std::optional<ResponseApdu> transmit(const CommandApdu& command);

  // ---- Data ----
  void set(Tag tag, Bytes value) { data_[tag] = std::move(value); }
  const Bytes* get(Tag tag) const;
  bool has(Tag tag) const { return get(tag) != nullptr; }
  Bytes value(Tag tag) const;
  Bytes buildDol(ByteView dol);
  void setTerminalData();
  void syncTvrTsi();
  std::string panDigits() const;
  std::int64_t amountMinor() const { return inputs_.amount.minorUnits(); }

  // ---- Recording ----
  void beginStep(std::string name);
  void note(std::string decision);
  void endStep();
  // Ends the run with an outcome.
  State finish(Outcome outcome, std::string reason);
  void emit(TraceKind kind, std::string_view summary, ByteView data);

  const TerminalProfile& profile_;
  const KernelEnvironment& env_;
  Icc& icc_;
  const TransactionInputs& inputs_;

  KernelResult result_;
  bool finished_ = false;
  std::optional<KernelStep> step_;
  Tvr tvr_;
  // qVSDC: the TVR the card saw in the PDOL data when it computed its cryptogram in GPO. DE 55
  // must carry it (not the TVR after CVM), or the issuer cannot verify the ARQC.
  std::optional<Bytes> cryptogram_tvr_;
  Tsi tsi_;
  std::map<Tag, Bytes> data_;

  std::vector<CandidateApplication> candidates_;
  bool candidates_built_ = false;
  const TerminalApplication* app_ = nullptr;
  Bytes pdol_data_;
  Bytes cdol1_data_;
  Bytes cdol2_data_;
  Bytes aip_;
  Bytes afl_;
  Bytes static_data_;
  bool oda_record_invalid_ = false;
  OdaMethod oda_ = OdaMethod::kNone;
  bool cda_failed_before_ac_ = false;
  std::optional<crypto::RsaPublicKey> issuer_key_;
  std::optional<crypto::RsaPublicKey> icc_key_;
  AcRequest first_request_ = AcRequest::kAac;
  std::optional<AcResult> first_ac_;
  std::string online_pin_;  // held only until the online request is built
  bool online_pin_entered_ = false;
};

// Helpers shared by the kernel sources.
Bytes amountBcd(std::int64_t minor_units);                 // n12, 6 bytes
Bytes numericBcd(std::uint64_t value, std::size_t bytes);  // right-justified BCD
std::optional<Date> decodeYymmdd(ByteView bcd);            // 5F24, 5F25
CryptogramType cryptogramTypeOf(std::uint8_t cid);

}  // namespace posim::emv::internal
