// Terminal Verification Results (tag 95, EMV 4.3 Book 3 Annex C5) and Transaction Status
// Information (tag 9B, Book 3 Annex C6) as typed bit sets.
//
// Each bit is a row of a table {byte, bit, name, description}: byte 1..N and bit 8..1 as the spec
// numbers them, a stable snake_case name (what scenarios write, e.g. `tvr_bits_set:
// [offline_data_auth_not_performed]`) and the spec's wording. Decoders, reports and the scenario
// layer all read the same table. The classes add one named accessor and setter per bit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::emv {

// One named bit of an EMV bit string. byte is 1-based, bit is 8 (MSB) .. 1 (LSB).
struct NamedBit {
  std::uint8_t byte = 1;
  std::uint8_t bit = 8;
  std::string_view name;         // stable snake_case identifier
  std::string_view description;  // the spec's wording
};

// TVR bits, in table order (kTvrBits[i] describes TvrBit(i)). EMV 4.3 Book 3 Annex C5.
enum class TvrBit : std::uint8_t {
  // Byte 1
  kOfflineDataAuthNotPerformed,
  kSdaFailed,
  kIccDataMissing,
  kCardOnExceptionFile,
  kDdaFailed,
  kCdaFailed,
  kSdaSelected,
  // Byte 2
  kIccAndTerminalDifferentAppVersions,
  kExpiredApplication,
  kApplicationNotYetEffective,
  kRequestedServiceNotAllowed,
  kNewCard,
  // Byte 3
  kCardholderVerificationNotSuccessful,
  kUnrecognisedCvm,
  kPinTryLimitExceeded,
  kPinPadNotPresentOrNotWorking,
  kPinPadPresentButPinNotEntered,
  kOnlinePinEntered,
  // Byte 4
  kTransactionExceedsFloorLimit,
  kLowerConsecutiveOfflineLimitExceeded,
  kUpperConsecutiveOfflineLimitExceeded,
  kTransactionSelectedRandomlyForOnline,
  kMerchantForcedOnline,
  // Byte 5
  kDefaultTdolUsed,
  kIssuerAuthenticationFailed,
  kScriptFailedBeforeFinalGenerateAc,
  kScriptFailedAfterFinalGenerateAc,
};

inline constexpr std::array<NamedBit, 27> kTvrBits = {{
    {1, 8, "offline_data_auth_not_performed", "Offline data authentication was not performed"},
    {1, 7, "sda_failed", "SDA failed"},
    {1, 6, "icc_data_missing", "ICC data missing"},
    {1, 5, "card_on_exception_file", "Card appears on terminal exception file"},
    {1, 4, "dda_failed", "DDA failed"},
    {1, 3, "cda_failed", "CDA failed"},
    {1, 2, "sda_selected", "SDA selected"},
    {2, 8, "icc_and_terminal_different_app_versions",
     "ICC and terminal have different application versions"},
    {2, 7, "expired_application", "Expired application"},
    {2, 6, "application_not_yet_effective", "Application not yet effective"},
    {2, 5, "requested_service_not_allowed", "Requested service not allowed for card product"},
    {2, 4, "new_card", "New card"},
    {3, 8, "cardholder_verification_not_successful", "Cardholder verification was not successful"},
    {3, 7, "unrecognised_cvm", "Unrecognised CVM"},
    {3, 6, "pin_try_limit_exceeded", "PIN Try Limit exceeded"},
    {3, 5, "pin_pad_not_present_or_not_working",
     "PIN entry required and PIN pad not present or not working"},
    {3, 4, "pin_pad_present_but_pin_not_entered",
     "PIN entry required, PIN pad present, but PIN was not entered"},
    {3, 3, "online_pin_entered", "Online PIN entered"},
    {4, 8, "transaction_exceeds_floor_limit", "Transaction exceeds floor limit"},
    {4, 7, "lower_consecutive_offline_limit_exceeded", "Lower consecutive offline limit exceeded"},
    {4, 6, "upper_consecutive_offline_limit_exceeded", "Upper consecutive offline limit exceeded"},
    {4, 5, "transaction_selected_randomly_for_online",
     "Transaction selected randomly for online processing"},
    {4, 4, "merchant_forced_online", "Merchant forced transaction online"},
    {5, 8, "default_tdol_used", "Default TDOL used"},
    {5, 7, "issuer_authentication_failed", "Issuer authentication failed"},
    {5, 6, "script_failed_before_final_generate_ac",
     "Script processing failed before final GENERATE AC"},
    {5, 5, "script_failed_after_final_generate_ac",
     "Script processing failed after final GENERATE AC"},
}};

// TSI bits, in table order. EMV 4.3 Book 3 Annex C6 (byte 2 is RFU).
enum class TsiBit : std::uint8_t {
  kOdaPerformed,
  kCardholderVerificationPerformed,
  kCardRiskManagementPerformed,
  kIssuerAuthenticationPerformed,
  kTerminalRiskManagementPerformed,
  kScriptProcessingPerformed,
};

inline constexpr std::array<NamedBit, 6> kTsiBits = {{
    {1, 8, "oda_performed", "Offline data authentication was performed"},
    {1, 7, "cardholder_verification_performed", "Cardholder verification was performed"},
    {1, 6, "card_risk_management_performed", "Card risk management was performed"},
    {1, 5, "issuer_authentication_performed", "Issuer authentication was performed"},
    {1, 4, "terminal_risk_management_performed", "Terminal risk management was performed"},
    {1, 3, "script_processing_performed", "Script processing was performed"},
}};

// Index of the row named `name` in `table`; names are compared after lower-casing and turning
// '-' and ' ' into '_'. std::nullopt if there is none.
std::optional<std::size_t> findNamedBit(std::span<const NamedBit> table, std::string_view name);

// NotFound status for an unknown bit name: "unknown TVR bit 'sda_fail'; did you mean sda_failed?"
// followed by the full list of names, so a scenario author can fix the spelling.
Status unknownNamedBit(std::string_view kind, std::string_view name,
                       std::span<const NamedBit> table);

// Up to `max_results` names of `table` closest to `name` (edit distance, then substring match),
// best first. Used for "did you mean" hints.
std::vector<std::string_view> nearNamedBits(std::string_view name, std::span<const NamedBit> table,
                                            std::size_t max_results = 3);

namespace internal {

// The machinery shared by Tvr and Tsi: N bytes whose named bits come from kTable (indexed by
// the BitT enum). Derived supplies `static constexpr std::string_view kKind` ("TVR").
template <typename Derived, std::size_t N, typename BitT, const auto& kTable>
class NamedBitString {
 public:
  static constexpr std::size_t kSize = N;
  using Bit = BitT;

  constexpr NamedBitString() = default;
  constexpr explicit NamedBitString(const std::array<std::uint8_t, N>& bytes) : bytes_(bytes) {}

  // From the value of the tag; a value that is not exactly N bytes is an InvalidArgument.
  static Result<Derived> fromBytes(ByteView value) {
    if (value.size() != N) {
      return invalidArgument(std::string(Derived::kKind) + ": " + std::to_string(value.size()) +
                             " bytes, expected " + std::to_string(N));
    }
    Derived out;
    for (std::size_t i = 0; i < N; ++i) out.bytes_.at(i) = value[i];
    return out;
  }
  // From hex ("8000048000"); bad hex or a wrong length is an InvalidArgument.
  static Result<Derived> fromHex(std::string_view hex) {
    POSIM_ASSIGN_OR_RETURN(Bytes bytes, ::posim::fromHex(hex));
    return fromBytes(bytes);
  }

  const std::array<std::uint8_t, N>& bytes() const { return bytes_; }
  Bytes toBytes() const { return Bytes(bytes_.begin(), bytes_.end()); }
  std::string toHex() const { return ::posim::toHex(bytes_); }

  bool test(Bit bit) const {
    const NamedBit& b = info(bit);
    return (bytes_.at(b.byte - 1u) & mask(b)) != 0;
  }
  Derived& set(Bit bit, bool on = true) {
    const NamedBit& b = info(bit);
    auto& byte = bytes_.at(b.byte - 1u);
    byte = static_cast<std::uint8_t>(on ? (byte | mask(b)) : (byte & ~mask(b)));
    return static_cast<Derived&>(*this);
  }
  Derived& clear(Bit bit) { return set(bit, false); }

  bool any() const {
    for (auto b : bytes_) {
      if (b != 0) return true;
    }
    return false;
  }
  bool none() const { return !any(); }
  // True if this and `other` have a set bit in common: the terminal action analysis test
  // "(TAC | IAC) & TVR != 0" of Book 3 §10.7.
  bool intersects(const Derived& other) const {
    for (std::size_t i = 0; i < N; ++i) {
      if ((bytes_.at(i) & other.bytes_.at(i)) != 0) return true;
    }
    return false;
  }

  // The named bits that are set, in table order (byte 1 b8 first).
  std::vector<Bit> setBits() const {
    std::vector<Bit> out;
    for (std::size_t i = 0; i < kTable.size(); ++i) {
      if (test(static_cast<Bit>(i))) out.push_back(static_cast<Bit>(i));
    }
    return out;
  }
  // Their snake_case names.
  std::vector<std::string_view> setBitNames() const {
    std::vector<std::string_view> out;
    for (Bit bit : setBits()) out.push_back(info(bit).name);
    return out;
  }
  // Set bits that have no name (RFU), as "byte 2 b3".
  std::vector<std::string> rfuBitsSet() const {
    std::vector<std::string> out;
    for (std::size_t byte = 0; byte < N; ++byte) {
      for (int bit = 8; bit >= 1; --bit) {
        const auto m = static_cast<std::uint8_t>(1u << (bit - 1));
        if ((bytes_.at(byte) & m) != 0 && !named(byte + 1, bit)) {
          out.push_back("byte " + std::to_string(byte + 1) + " b" + std::to_string(bit));
        }
      }
    }
    return out;
  }

  Derived operator&(const Derived& other) const {
    Derived out;
    for (std::size_t i = 0; i < N; ++i) {
      out.bytes_.at(i) = static_cast<std::uint8_t>(bytes_.at(i) & other.bytes_.at(i));
    }
    return out;
  }
  Derived operator|(const Derived& other) const {
    Derived out;
    for (std::size_t i = 0; i < N; ++i) {
      out.bytes_.at(i) = static_cast<std::uint8_t>(bytes_.at(i) | other.bytes_.at(i));
    }
    return out;
  }
  friend bool operator==(const NamedBitString& a, const NamedBitString& b) {
    return a.bytes_ == b.bytes_;
  }

  // The bit table (byte, bit, name, description).
  static constexpr std::span<const NamedBit> bitTable() { return kTable; }
  static constexpr const NamedBit& info(Bit bit) {
    return kTable.at(static_cast<std::size_t>(bit));
  }
  // The bit called `name` (see findNamedBit); NotFound with near names otherwise.
  static Result<Bit> bitByName(std::string_view name) {
    auto index = findNamedBit(kTable, name);
    if (!index) return unknownNamedBit(Derived::kKind, name, kTable);
    return static_cast<Bit>(*index);
  }

 private:
  static constexpr std::uint8_t mask(const NamedBit& b) {
    return static_cast<std::uint8_t>(1u << (b.bit - 1u));
  }
  static bool named(std::size_t byte, int bit) {
    for (const auto& b : kTable) {
      if (static_cast<std::size_t>(b.byte) == byte && static_cast<int>(b.bit) == bit) return true;
    }
    return false;
  }

  std::array<std::uint8_t, N> bytes_{};
};

}  // namespace internal

// Terminal Verification Results, tag 95 (EMV 4.3 Book 3 Annex C5). Set by the terminal during
// the transaction; compared against the TACs and IACs in terminal action analysis (§10.7).
class Tvr : public internal::NamedBitString<Tvr, 5, TvrBit, kTvrBits> {
 public:
  static constexpr std::string_view kKind = "TVR";
  using NamedBitString::NamedBitString;

  // Byte 1
  bool offlineDataAuthNotPerformed() const { return test(Bit::kOfflineDataAuthNotPerformed); }
  Tvr& setOfflineDataAuthNotPerformed(bool on = true) {
    return set(Bit::kOfflineDataAuthNotPerformed, on);
  }
  bool sdaFailed() const { return test(Bit::kSdaFailed); }
  Tvr& setSdaFailed(bool on = true) { return set(Bit::kSdaFailed, on); }
  bool iccDataMissing() const { return test(Bit::kIccDataMissing); }
  Tvr& setIccDataMissing(bool on = true) { return set(Bit::kIccDataMissing, on); }
  bool cardOnExceptionFile() const { return test(Bit::kCardOnExceptionFile); }
  Tvr& setCardOnExceptionFile(bool on = true) { return set(Bit::kCardOnExceptionFile, on); }
  bool ddaFailed() const { return test(Bit::kDdaFailed); }
  Tvr& setDdaFailed(bool on = true) { return set(Bit::kDdaFailed, on); }
  bool cdaFailed() const { return test(Bit::kCdaFailed); }
  Tvr& setCdaFailed(bool on = true) { return set(Bit::kCdaFailed, on); }
  bool sdaSelected() const { return test(Bit::kSdaSelected); }
  Tvr& setSdaSelected(bool on = true) { return set(Bit::kSdaSelected, on); }

  // Byte 2
  bool iccAndTerminalDifferentAppVersions() const {
    return test(Bit::kIccAndTerminalDifferentAppVersions);
  }
  Tvr& setIccAndTerminalDifferentAppVersions(bool on = true) {
    return set(Bit::kIccAndTerminalDifferentAppVersions, on);
  }
  bool expiredApplication() const { return test(Bit::kExpiredApplication); }
  Tvr& setExpiredApplication(bool on = true) { return set(Bit::kExpiredApplication, on); }
  bool applicationNotYetEffective() const { return test(Bit::kApplicationNotYetEffective); }
  Tvr& setApplicationNotYetEffective(bool on = true) {
    return set(Bit::kApplicationNotYetEffective, on);
  }
  bool requestedServiceNotAllowed() const { return test(Bit::kRequestedServiceNotAllowed); }
  Tvr& setRequestedServiceNotAllowed(bool on = true) {
    return set(Bit::kRequestedServiceNotAllowed, on);
  }
  bool newCard() const { return test(Bit::kNewCard); }
  Tvr& setNewCard(bool on = true) { return set(Bit::kNewCard, on); }

  // Byte 3
  bool cardholderVerificationNotSuccessful() const {
    return test(Bit::kCardholderVerificationNotSuccessful);
  }
  Tvr& setCardholderVerificationNotSuccessful(bool on = true) {
    return set(Bit::kCardholderVerificationNotSuccessful, on);
  }
  bool unrecognisedCvm() const { return test(Bit::kUnrecognisedCvm); }
  Tvr& setUnrecognisedCvm(bool on = true) { return set(Bit::kUnrecognisedCvm, on); }
  bool pinTryLimitExceeded() const { return test(Bit::kPinTryLimitExceeded); }
  Tvr& setPinTryLimitExceeded(bool on = true) { return set(Bit::kPinTryLimitExceeded, on); }
  bool pinPadNotPresentOrNotWorking() const { return test(Bit::kPinPadNotPresentOrNotWorking); }
  Tvr& setPinPadNotPresentOrNotWorking(bool on = true) {
    return set(Bit::kPinPadNotPresentOrNotWorking, on);
  }
  bool pinPadPresentButPinNotEntered() const { return test(Bit::kPinPadPresentButPinNotEntered); }
  Tvr& setPinPadPresentButPinNotEntered(bool on = true) {
    return set(Bit::kPinPadPresentButPinNotEntered, on);
  }
  bool onlinePinEntered() const { return test(Bit::kOnlinePinEntered); }
  Tvr& setOnlinePinEntered(bool on = true) { return set(Bit::kOnlinePinEntered, on); }

  // Byte 4
  bool transactionExceedsFloorLimit() const { return test(Bit::kTransactionExceedsFloorLimit); }
  Tvr& setTransactionExceedsFloorLimit(bool on = true) {
    return set(Bit::kTransactionExceedsFloorLimit, on);
  }
  bool lowerConsecutiveOfflineLimitExceeded() const {
    return test(Bit::kLowerConsecutiveOfflineLimitExceeded);
  }
  Tvr& setLowerConsecutiveOfflineLimitExceeded(bool on = true) {
    return set(Bit::kLowerConsecutiveOfflineLimitExceeded, on);
  }
  bool upperConsecutiveOfflineLimitExceeded() const {
    return test(Bit::kUpperConsecutiveOfflineLimitExceeded);
  }
  Tvr& setUpperConsecutiveOfflineLimitExceeded(bool on = true) {
    return set(Bit::kUpperConsecutiveOfflineLimitExceeded, on);
  }
  bool transactionSelectedRandomlyForOnline() const {
    return test(Bit::kTransactionSelectedRandomlyForOnline);
  }
  Tvr& setTransactionSelectedRandomlyForOnline(bool on = true) {
    return set(Bit::kTransactionSelectedRandomlyForOnline, on);
  }
  bool merchantForcedOnline() const { return test(Bit::kMerchantForcedOnline); }
  Tvr& setMerchantForcedOnline(bool on = true) { return set(Bit::kMerchantForcedOnline, on); }

  // Byte 5
  bool defaultTdolUsed() const { return test(Bit::kDefaultTdolUsed); }
  Tvr& setDefaultTdolUsed(bool on = true) { return set(Bit::kDefaultTdolUsed, on); }
  bool issuerAuthenticationFailed() const { return test(Bit::kIssuerAuthenticationFailed); }
  Tvr& setIssuerAuthenticationFailed(bool on = true) {
    return set(Bit::kIssuerAuthenticationFailed, on);
  }
  bool scriptFailedBeforeFinalGenerateAc() const {
    return test(Bit::kScriptFailedBeforeFinalGenerateAc);
  }
  Tvr& setScriptFailedBeforeFinalGenerateAc(bool on = true) {
    return set(Bit::kScriptFailedBeforeFinalGenerateAc, on);
  }
  bool scriptFailedAfterFinalGenerateAc() const {
    return test(Bit::kScriptFailedAfterFinalGenerateAc);
  }
  Tvr& setScriptFailedAfterFinalGenerateAc(bool on = true) {
    return set(Bit::kScriptFailedAfterFinalGenerateAc, on);
  }
};

// Transaction Status Information, tag 9B (EMV 4.3 Book 3 Annex C6): which functions the
// terminal performed.
class Tsi : public internal::NamedBitString<Tsi, 2, TsiBit, kTsiBits> {
 public:
  static constexpr std::string_view kKind = "TSI";
  using NamedBitString::NamedBitString;

  bool odaPerformed() const { return test(Bit::kOdaPerformed); }
  Tsi& setOdaPerformed(bool on = true) { return set(Bit::kOdaPerformed, on); }
  bool cardholderVerificationPerformed() const {
    return test(Bit::kCardholderVerificationPerformed);
  }
  Tsi& setCardholderVerificationPerformed(bool on = true) {
    return set(Bit::kCardholderVerificationPerformed, on);
  }
  bool cardRiskManagementPerformed() const { return test(Bit::kCardRiskManagementPerformed); }
  Tsi& setCardRiskManagementPerformed(bool on = true) {
    return set(Bit::kCardRiskManagementPerformed, on);
  }
  bool issuerAuthenticationPerformed() const { return test(Bit::kIssuerAuthenticationPerformed); }
  Tsi& setIssuerAuthenticationPerformed(bool on = true) {
    return set(Bit::kIssuerAuthenticationPerformed, on);
  }
  bool terminalRiskManagementPerformed() const {
    return test(Bit::kTerminalRiskManagementPerformed);
  }
  Tsi& setTerminalRiskManagementPerformed(bool on = true) {
    return set(Bit::kTerminalRiskManagementPerformed, on);
  }
  bool scriptProcessingPerformed() const { return test(Bit::kScriptProcessingPerformed); }
  Tsi& setScriptProcessingPerformed(bool on = true) {
    return set(Bit::kScriptProcessingPerformed, on);
  }
};

}  // namespace posim::emv
