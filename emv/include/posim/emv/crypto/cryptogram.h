// EMV application cryptograms and issuer authentication: ARQC/TC/AAC per cryptogram version
// (Visa CVN 10/18/22, Mastercard CVN 16/17/20/21), ARPC methods 1 and 2 with the Issuer
// Authentication Data (tag 91), and issuer script secure messaging (command MAC, data
// encipherment, the 71/72 script template).
//
// References: EMV 4.3 Book 2 §8 (application cryptogram and issuer authentication), §9 (secure
// messaging), Annex A1.2 (MAC), A1.3 (session keys); Book 3 §10.10 (issuer scripts). The per-CVN
// conventions (key, padding, data layout) are those of reference/DOMAIN.md §1.10-§1.13 and the
// vectors in testdata/vectors/emv_arqc.json, emv_arpc.json and emv_issuer_script_mac.json.
//
// Thread safety: pure functions; safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/status.h"
#include "posim/emv/crypto/key_derivation.h"
#include "posim/emv/crypto/mac.h"

namespace posim::emv::crypto {

// Cryptogram version numbers posim's cards and issuer support.
enum class Cvn {
  kVisa10,
  kVisa18,
  kVisa22,
  kMastercard16,
  kMastercard17,
  kMastercard20,
  kMastercard21,
};

// Parses "visa-10", "visa-18", "visa-22", "mc-16", "mc-17", "mc-20", "mc-21" (the names of
// `posim crypto arqc --cvn`). Errors: InvalidArgument naming "cvn" and listing the choices.
Result<Cvn> parseCvn(std::string_view text);
// The name parseCvn() accepts.
std::string_view cvnName(Cvn cvn);
// The CVN byte as the card puts it in the Issuer Application Data (9F10): 0A, 12, 16, 10, 11,
// 14, 15.
std::uint8_t cvnNumber(Cvn cvn);

// Which key a cryptogram (or ARPC) is computed with.
enum class AcKeyMethod {
  kIccMasterKey,   // the ICC MK itself, no session key (Visa CVN 10; Mastercard CVN 16/17 ARPC)
  kEmvCsk,         // EMV common session key, R = ATC || 00*6
  kMastercardSkd,  // Mastercard SKD, R = ATC || 00 00 || UN
};

// ARPC generation methods, EMV Book 2 §8.2.1 and §8.2.2.
enum class ArpcMethod { kMethod1 = 1, kMethod2 = 2 };

// Parses "1" or "2". Errors: InvalidArgument naming "method".
Result<ArpcMethod> parseArpcMethod(std::string_view text);

// Secure-messaging session keys for issuer scripts.
enum class ScriptKeyMethod {
  kVisa,       // Visa SM key from the ATC (deriveVisaSecureMessagingKey)
  kEmvCommon,  // EMV common session key with R = ARQC (deriveSecureMessagingSessionKey)
};

// Everything a CVN fixes. ICC master keys are derived by PAN length for every CVN (option A up
// to 16 digits, option B above; deriveIccMasterKey without an option).
struct CvnProfile {
  AcKeyMethod ac_key = AcKeyMethod::kEmvCsk;
  MacPadding padding = MacPadding::kMethod2;  // ISO 9797-1 padding of the cryptogram input
  ArpcMethod arpc_method = ArpcMethod::kMethod1;
  AcKeyMethod arpc_key = AcKeyMethod::kEmvCsk;
  ScriptKeyMethod script_key = ScriptKeyMethod::kEmvCommon;
};

// Visa CVN 10: ICC MK, padding 1, ARPC method 1 under the ICC MK, Visa SM keys.
// Visa CVN 18/22: EMV CSK, padding 2, ARPC method 2 under the CSK, Visa SM keys.
// Mastercard CVN 16/17: Mastercard SKD, padding 2, ARPC method 1 under the ICC MK, SM keys by the
// EMV common method (R = ARQC). Mastercard CVN 20/21: as 16/17 with the EMV CSK for both the
// cryptogram and the ARPC.
CvnProfile cvnProfile(Cvn cvn);

// The transaction data that goes into a cryptogram, one field per data element (values exactly
// as in the CDOL data / ICC data).
struct AcInputData {
  Bytes amount_authorised;  // 9F02, 6 bytes
  Bytes amount_other;       // 9F03, 6 bytes
  Bytes terminal_country;   // 9F1A, 2 bytes
  Bytes tvr;                // 95, 5 bytes
  Bytes currency;           // 5F2A, 2 bytes
  Bytes date;               // 9A, 3 bytes
  Bytes type;               // 9C, 1 byte
  Bytes un;                 // 9F37, 4 bytes
  Bytes aip;                // 82, 2 bytes
  Bytes atc;                // 9F36, 2 bytes
  Bytes iad;                // 9F10, the whole Issuer Application Data (Visa CVN 18/22)
  Bytes cvr;                // Card Verification Results as in 9F10 (Visa CVN 10: 4 bytes with
                            // their length byte; Mastercard: 6 bytes)
  Bytes counters;           // Mastercard CVN 17/21: the 8 bytes of counters from 9F10
};

// The cryptogram input for a CVN: 9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 82 9F36, followed by
// CVR (Visa 10, Mastercard 16/20), the whole 9F10 (Visa 18/22) or CVR || counters
// (Mastercard 17/21). Unpadded.
// Errors: InvalidArgument naming the first field with a wrong length (e.g. "9F02 amount
// authorised: 5 bytes, expected 6").
Result<Bytes> buildAcInput(Cvn cvn, const AcInputData& data);

// Parts of the Issuer Application Data a CVN's cryptogram uses.
struct IadParts {
  Bytes cvr;       // Visa: 9F10 bytes 4-7; Mastercard: bytes 3-8
  Bytes counters;  // Mastercard: bytes 11-18 (empty for Visa)
};
// Splits 9F10 by the layout of the CVN's scheme (VIS 1.5 format 0/1/3; M/Chip 4/Advance).
// Errors: Malformed if the IAD is too short for that layout.
Result<IadParts> splitIssuerApplicationData(Cvn cvn, ByteView iad);

// Inputs of `posim crypto arqc`: the issuer's view, starting from the issuer master key.
struct AcRequest {
  Cvn cvn = Cvn::kVisa18;
  Bytes imk;        // IMK-AC, 16 bytes
  std::string pan;  // 12-19 digits
  std::string psn;  // 2 digits ("" = 00)
  Bytes atc;        // 9F36, 2 bytes
  Bytes un;         // 9F37, 4 bytes; required for Mastercard CVN 16/17
  Bytes data;       // the transaction data, unpadded (e.g. buildAcInput())
};

// A cryptogram with the values computed on the way.
struct ApplicationCryptogram {
  std::optional<IccMasterKey> icc_mk;     // set when computed from an IMK
  std::optional<SessionKey> session_key;  // absent when the ICC MK is used directly
  Bytes key;                              // the key the MAC was computed with
  Bytes padded_input;                     // the data after ISO 9797-1 padding
  Bytes ac;                               // the 8-byte ARQC, TC or AAC (9F26)
};

// The key a cryptogram of this CVN is computed with, from the ICC MK: the MK itself (Visa 10),
// the EMV CSK or the Mastercard SKD key (which needs `un`).
// Errors: InvalidArgument naming "mk", "atc" or "un".
Result<Bytes> deriveAcKey(Cvn cvn, ByteView icc_mk, ByteView atc, ByteView un = {});

// Card side: the cryptogram over `data` (unpadded) with the ICC MK for AC, EMV Book 2 §8.1.2:
// ISO 9797-1 MAC algorithm 3 with the CVN's padding, 8 bytes.
Result<ApplicationCryptogram> generateApplicationCryptogram(Cvn cvn, ByteView icc_mk_ac,
                                                            ByteView atc, ByteView un,
                                                            ByteView data);

// Issuer side and `posim crypto arqc`: IMK -> ICC MK (option by PAN length) -> session key ->
// cryptogram. Errors: InvalidArgument naming the offending field.
Result<ApplicationCryptogram> generateApplicationCryptogram(const AcRequest& request);

// Recomputes the cryptogram from the IMK and compares it with `ac` in constant time. A mismatch
// is `false` (the issuer declines), not an error.
Result<bool> verifyApplicationCryptogram(const AcRequest& request, ByteView ac);

// An ARPC and the Issuer Authentication Data the issuer returns.
struct Arpc {
  ArpcMethod method = ArpcMethod::kMethod1;
  Bytes input;  // method 1: ARQC xor (ARC || 00*6); method 2: ARQC || CSU || prop (unpadded)
  Bytes arpc;   // 8 bytes (method 1) or 4 bytes (method 2)
  Bytes issuer_authentication_data;  // tag 91 value: ARPC || ARC, or ARPC || CSU || prop
};

// EMV Book 2 §8.2.1, ARPC method 1: ARPC = TDES(key, ARQC xor (ARC || 00 00 00 00 00 00)),
// tag 91 = ARPC || ARC. `key` 16 bytes, `arqc` 8 bytes, `arc` (Authorisation Response Code,
// 8A) 2 bytes. Errors: InvalidArgument naming "key", "arqc" or "arc".
Result<Arpc> generateArpcMethod1(ByteView key, ByteView arqc, ByteView arc);

// EMV Book 2 §8.2.2, ARPC method 2: ARPC = leftmost 4 bytes of MAC algorithm 3 (padding 2) over
// ARQC || CSU || Proprietary Authentication Data, tag 91 = ARPC || CSU || prop. `csu` 4 bytes,
// `prop` 0 to 8 bytes. Errors: InvalidArgument naming "key", "arqc", "csu" or "prop".
Result<Arpc> generateArpcMethod2(ByteView key, ByteView arqc, ByteView csu, ByteView prop = {});

// The key of the CVN's ARPC from the ICC MK (ICC MK or the AC session key, per cvnProfile()).
Result<Bytes> deriveArpcKey(Cvn cvn, ByteView icc_mk, ByteView atc, ByteView un = {});

// Card side (EXTERNAL AUTHENTICATE or tag 91 in the second GENERATE AC): recomputes the ARPC
// from the ARQC and the ARC/CSU found in `issuer_authentication_data` and compares in constant
// time. Returns false for a wrong ARPC. Errors: Malformed for a tag 91 value whose length does
// not fit the method (10 bytes for method 1, 8 to 16 for method 2).
Result<bool> verifyIssuerAuthenticationData(ArpcMethod method, ByteView key, ByteView arqc,
                                            ByteView issuer_authentication_data);

// The session key for issuer script integrity (SK-SMI) or confidentiality (SK-SMC) of the CVN,
// from the ICC MK-SMI / MK-SMC: the Visa SM key (from the ATC) or the EMV common session key with
// R = ARQC. Errors: InvalidArgument naming "mk", "atc" or "arqc".
Result<Bytes> deriveScriptSessionKey(Cvn cvn, ByteView icc_mk_sm, ByteView atc, ByteView arqc);

// An issuer script command with its MAC.
struct IssuerScriptCommand {
  Bytes mac_input;  // CLA INS P1 P2 Lc || ATC || ARQC || data (unpadded)
  Bytes mac;        // mac_length bytes
  Bytes apdu;       // CLA INS P1 P2 Lc || data || MAC
};

// EMV Book 2 §9.2 (secure messaging format 2) and Annex A1.2: the command MAC is ISO 9797-1
// algorithm 3 with padding 2 under SK-SMI over CLA INS P1 P2 Lc || ATC || ARQC || data, the
// ATC and ARQC of the current transaction being MACed but not sent. `header` is CLA INS P1 P2
// (Lc is then data + MAC length) or CLA INS P1 P2 Lc (Lc must equal that).
// Errors: InvalidArgument naming "key", "header", "atc", "arqc", "data" or "mac length".
Result<IssuerScriptCommand> buildIssuerScriptCommand(ByteView sk_smi, ByteView header, ByteView atc,
                                                     ByteView arqc, ByteView data = {},
                                                     std::size_t mac_length = 8);

// Card side: checks the MAC at the end of a script command APDU (CLA INS P1 P2 Lc data MAC).
// Returns false for a wrong MAC. Errors: Malformed for an APDU whose Lc does not fit.
Result<bool> verifyIssuerScriptCommand(ByteView sk_smi, ByteView apdu, ByteView atc, ByteView arqc,
                                       std::size_t mac_length = 8);

// Secure messaging for confidentiality, EMV Book 2 §9.3 and Annex A1.1, three conventions:
enum class ScriptEncryption {
  kEmv,         // pad (ISO 9797-1 method 2), TDES-CBC with a zero IV
  kVisa,        // prefix the data length byte, pad (method 2), TDES-ECB
  kMastercard,  // pad (method 2) only when not a whole number of blocks, TDES-CBC zero IV
};
// Enciphers command data (a PIN block for PIN CHANGE, PUT DATA values) under SK-SMC.
// Errors: InvalidArgument naming "key" (16 bytes) or "data" (more than 255 bytes for kVisa).
Result<Bytes> encryptScriptData(ScriptEncryption method, ByteView sk_smc, ByteView data);
// The inverse: the card deciphers. Errors: Malformed for bad length or padding.
Result<Bytes> decryptScriptData(ScriptEncryption method, ByteView sk_smc, ByteView data);

// An issuer script template (EMV Book 3 §10.10): tag 71 (before the final GENERATE AC) or 72
// (after), holding the Issuer Script Identifier 9F18 (4 bytes; omitted when empty) and one
// Issuer Script Command (86) per command APDU.
// Errors: InvalidArgument for a template tag other than 71/72, a script id of another length or
// no commands.
Result<Bytes> buildIssuerScriptTemplate(std::uint8_t template_tag, ByteView script_id,
                                        std::span<const Bytes> commands);

}  // namespace posim::emv::crypto
