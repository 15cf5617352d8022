// EMV key derivation (EMV 4.3 Book 2 Annex A1.3 and A1.4): ICC master keys from issuer master
// keys (option A and option B), application cryptogram session keys (EMV common session key,
// Mastercard SKD) and secure-messaging session keys (EMV common with R = ARQC, Visa SM).
//
// All keys here are double-length TDES keys (16 bytes). Derived keys carry odd parity in every
// byte, the DES convention the reference vectors use; derivation results that the CLI shows with
// `--json` keep their intermediate values.
//
// Thread safety: pure functions; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/status.h"

namespace posim::emv::crypto {

// EMV Book 2 A1.4.
enum class IccMkOption {
  kA,  // A1.4.1: Y = rightmost 16 digits of PAN || PSN
  kB,  // A1.4.2: for PANs longer than 16 digits, Y = decimalised SHA-1 of PAN || PSN
};

// "A" or "B".
std::string_view iccMkOptionName(IccMkOption option);

// An ICC master key and how it was derived.
struct IccMasterKey {
  IccMkOption option = IccMkOption::kA;  // the option actually applied
  Bytes y;                               // the 8-byte derivation data Y (16 BCD digits)
  Bytes key_no_parity;                   // TDES(IMK, Y) || TDES(IMK, Y xor FF..FF)
  Bytes key;                             // key_no_parity with odd parity: the ICC MK
};

// ICC master key derivation, EMV Book 2 A1.4:
//   Y = 8 bytes derived from PAN and PSN (option A or B),
//   MK = TDES(IMK, Y) || TDES(IMK, Y xor FFFFFFFFFFFFFFFF), adjusted to odd parity.
// Option A (A1.4.1): PAN || PSN, left-padded with zeros to 16 digits if shorter, rightmost 16
// digits. Option B (A1.4.2): for a PAN of 16 digits or fewer option A is used; otherwise
// SHA-1 over the BCD of PAN || PSN (a leading 0 digit added if the count is odd), decimalised:
// the hex digits 0-9 of the hash left to right, then (if fewer than 16) its digits A-F as 0-5.
// The overload without an option picks option B for PANs longer than 16 digits and option A
// otherwise, as Book 2 A1.4 prescribes and as `posim crypto derive-mk` does.
//
// `imk` is 16 bytes; `pan` 1 to 19 digits; `psn` 2 digits (empty means "00", 1 digit is
// left-padded). Errors: InvalidArgument naming "imk", "pan" or "psn".
Result<IccMasterKey> deriveIccMasterKey(IccMkOption option, ByteView imk, std::string_view pan,
                                        std::string_view psn);
Result<IccMasterKey> deriveIccMasterKey(ByteView imk, std::string_view pan, std::string_view psn);

// Session key derivation methods for application cryptograms.
enum class SessionKeyMethod {
  kEmvCsk,         // EMV Book 2 A1.3.1 common session key, R = ATC || 00 00 00 00 00 00
  kMastercardSkd,  // Mastercard session key derivation, R = ATC || 00 00 || UN
};

// Parses "emv-csk" or "mc-skd". Errors: InvalidArgument naming "method".
Result<SessionKeyMethod> parseSessionKeyMethod(std::string_view text);
std::string_view sessionKeyMethodName(SessionKeyMethod method);

// A session key and its diversification values.
struct SessionKey {
  Bytes r;              // the 8-byte diversification value R
  Bytes r_left;         // R0 R1 F0 R3 .. R7
  Bytes r_right;        // R0 R1 0F R3 .. R7
  Bytes key_no_parity;  // TDES(MK, r_left) || TDES(MK, r_right)
  Bytes key;            // with odd parity
};

// EMV Book 2 A1.3.1 common session key derivation with an explicit 8-byte R:
//   SK = TDES(MK, R0 R1 F0 R3..R7) || TDES(MK, R0 R1 0F R3..R7), odd parity.
// Errors: InvalidArgument naming "mk" (16 bytes) or "r" (8 bytes).
Result<SessionKey> deriveCommonSessionKey(ByteView mk, ByteView r);

// The application cryptogram session key for a method: R = ATC || 00*6 (kEmvCsk) or
// ATC || 00 00 || UN (kMastercardSkd). `atc` is 2 bytes; `un` (9F37) is 4 bytes and required
// for kMastercardSkd only (ignored otherwise). This is `posim crypto session-key`.
// Errors: InvalidArgument naming "mk", "atc" or "un".
Result<SessionKey> deriveSessionKey(SessionKeyMethod method, ByteView mk, ByteView atc,
                                    ByteView un = {});

// Secure-messaging session key (SK-SMI or SK-SMC) by the EMV common method with R = the ARQC
// (EMV Book 2 A1.3.1 and §9.2.2; Mastercard CVN 20/21 convention of the reference vectors).
// Errors: InvalidArgument naming "mk" (16 bytes) or "arqc" (8 bytes).
Result<SessionKey> deriveSecureMessagingSessionKey(ByteView mk_sm, ByteView arqc);

// Visa secure-messaging session key (VIS 1.5 A.3): the rightmost two bytes of the left half of
// the ICC MK-SMI/SMC are XORed with the ATC and those of the right half with the ATC's
// complement; odd parity. Errors: InvalidArgument naming "mk" (16 bytes) or "atc" (2 bytes).
Result<Bytes> deriveVisaSecureMessagingKey(ByteView mk_sm, ByteView atc);

}  // namespace posim::emv::crypto
