// Cardholder Verification Method (CVM) List, tag 8E (EMV 4.3 Book 3 §10.5 and Annex C3), and
// CVM Results, tag 9F34 (Book 4 Annex A4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::emv {

// CVM codes: bits b6..b1 of a CV rule's first byte (Book 3 Annex C3). Cards may carry
// other values (RFU, scheme or issuer specific), so the code is kept as a byte wherever it is read.
enum class CvmCode : std::uint8_t {
  kFailCvmProcessing = 0x00,
  kPlaintextPinByIcc = 0x01,
  kEncipheredPinOnline = 0x02,
  kPlaintextPinByIccAndSignature = 0x03,
  kEncipheredPinByIcc = 0x04,
  kEncipheredPinByIccAndSignature = 0x05,
  kSignature = 0x1E,
  kNoCvmRequired = 0x1F,
  kNoCvmPerformed = 0x3F,  // "not available": only in CVM Results, when no CVM was performed
};

// CV rule condition codes (the rule's second byte, Book 3 Annex C3).
enum class CvmCondition : std::uint8_t {
  kAlways = 0x00,
  kUnattendedCash = 0x01,
  kNotUnattendedCashNotManualCashNotCashback = 0x02,
  kTerminalSupportsCvm = 0x03,
  kManualCash = 0x04,
  kPurchaseWithCashback = 0x05,
  kApplicationCurrencyUnderX = 0x06,
  kApplicationCurrencyOverX = 0x07,
  kApplicationCurrencyUnderY = 0x08,
  kApplicationCurrencyOverY = 0x09,
};

// The third byte of CVM Results (Book 4 Annex A4).
enum class CvmResult : std::uint8_t { kUnknown = 0x00, kFailed = 0x01, kSuccessful = 0x02 };

// Book 3 Annex C3 wording for a 6-bit code: "Enciphered PIN verified online"; codes without a
// meaning give "RFU", "Reserved for use by the individual payment systems" or "Reserved for use
// by the issuer".
std::string_view cvmCodeName(std::uint8_t code);
// A short label for summaries: "online PIN", "signature", "no CVM", "offline plaintext PIN".
std::string_view cvmCodeShortName(std::uint8_t code);
// True for the codes EMV defines (00-05, 1E, 1F). A terminal treats any other code as an
// unrecognised CVM (TVR byte 3 b7).
bool isRecognisedCvmCode(std::uint8_t code);
// Book 3 Annex C3 wording: "If terminal supports the CVM"; unknown codes give "RFU" (0A-7F) or
// "Reserved for use by individual payment systems" (80-FF).
std::string_view cvmConditionName(std::uint8_t condition);
// True for conditions 06-09, which compare the amount with X or Y and need the application
// currency (9F42).
bool cvmConditionUsesAmount(std::uint8_t condition);
// "unknown", "failed", "successful"; other values "RFU".
std::string_view cvmResultName(std::uint8_t result);

// One Cardholder Verification Rule: two bytes of the CVM list.
struct CvRule {
  std::uint8_t method = 0;     // byte 1 as on the card: b7 fail behaviour, b6..b1 CVM code
  std::uint8_t condition = 0;  // byte 2

  std::uint8_t code() const { return method & 0x3F; }
  // Byte 1 b7: "apply succeeding CV rule if this CVM is unsuccessful" (else fail CVM processing).
  bool applySucceedingRuleIfUnsuccessful() const { return (method & 0x40) != 0; }
  // Byte 1 b8 is RFU and should be 0.
  bool rfuBitSet() const { return (method & 0x80) != 0; }

  // "42 03 Enciphered PIN verified online; If terminal supports the CVM; apply succeeding rule if
  // unsuccessful" (the last part is "fail cardholder verification if unsuccessful" when b7 = 0).
  std::string describe() const;

  friend bool operator==(const CvRule&, const CvRule&) = default;
};

// Something wrong with a CVM list, at a byte offset within the value of 8E.
struct CvmDiagnostic {
  std::size_t offset = 0;
  std::string message;  // "byte 14: 1 byte left over after the last CV rule (rules are 2 bytes)"
};

// A decoded CVM list (Book 3 §10.5): amounts X and Y are binary, in minor units of the
// application currency (9F42), then the rules in card order.
struct CvmList {
  std::uint32_t amount_x = 0;
  std::uint32_t amount_y = 0;
  std::vector<CvRule> rules;
  std::vector<CvmDiagnostic> diagnostics;  // empty when the list is well formed

  bool ok() const { return diagnostics.empty(); }
};

// Decodes as much as it can: a value shorter than 8 bytes gives amounts 0 and a diagnostic; an
// odd trailing byte is reported and ignored; a list without rules, and rules with the RFU bit
// set, are reported too. Never fails.
CvmList decodeCvmList(ByteView value);

// Strict form: a Malformed status naming the first problem (with its byte offset) if there is any.
Result<CvmList> parseCvmList(ByteView value);

// The value of 8E for a list. REQUIRES nothing; round-trips with decodeCvmList.
Bytes encodeCvmList(const CvmList& list);

// CVM Results, tag 9F34 (Book 4 Annex A4): the CVM performed (byte 1 of its rule, or 3F when
// none was), the rule's condition, and the result.
struct CvmResults {
  std::uint8_t method = 0x3F;
  std::uint8_t condition = 0x00;
  std::uint8_t result = 0x00;

  // Exactly 3 bytes, else an InvalidArgument.
  static Result<CvmResults> parse(ByteView value);
  // 3F 00 00: what the terminal stores when no CVM was performed (AIP b5 = 0 or empty list).
  static CvmResults noCvmPerformed() { return {}; }

  std::uint8_t code() const { return method & 0x3F; }
  bool nonePerformed() const { return code() == 0x3F; }
  Bytes toBytes() const { return {method, condition, result}; }

  // "Enciphered PIN verified online; If terminal supports the CVM; unknown"; "No CVM performed"
  // for 3F.
  std::string describe() const;

  friend bool operator==(const CvmResults&, const CvmResults&) = default;
};

}  // namespace posim::emv
