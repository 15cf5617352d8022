// Command and response APDUs (ISO/IEC 7816-4 §5, EMV Book 1 §9 and Book 3 §6) and the EMV
// commands a terminal sends, with one-line descriptions for traces.
//
// Only short APDUs (Lc and Le of one byte) are supported: EMV uses nothing else.
// Descriptions never contain PIN data or cryptographic input, only what identifies the command.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "posim/base/bytes.h"
#include "posim/base/status.h"
#include "posim/emv/tag.h"

namespace posim::emv {

// Instruction bytes of the commands EMV uses (EMV Book 3 §6.5, Book 1 §11; issuer script
// commands of Book 3 §6.5 and ISO 7816-4).
inline constexpr std::uint8_t kInsSelect = 0xA4;
inline constexpr std::uint8_t kInsReadRecord = 0xB2;
inline constexpr std::uint8_t kInsGetProcessingOptions = 0xA8;
inline constexpr std::uint8_t kInsGenerateAc = 0xAE;
inline constexpr std::uint8_t kInsGetData = 0xCA;
inline constexpr std::uint8_t kInsVerify = 0x20;
inline constexpr std::uint8_t kInsInternalAuthenticate = 0x88;
inline constexpr std::uint8_t kInsExternalAuthenticate = 0x82;
inline constexpr std::uint8_t kInsGetChallenge = 0x84;
inline constexpr std::uint8_t kInsGetResponse = 0xC0;
inline constexpr std::uint8_t kInsApplicationBlock = 0x1E;
inline constexpr std::uint8_t kInsApplicationUnblock = 0x18;
inline constexpr std::uint8_t kInsCardBlock = 0x16;
inline constexpr std::uint8_t kInsPinChangeUnblock = 0x24;
inline constexpr std::uint8_t kInsPutData = 0xDA;
inline constexpr std::uint8_t kInsUpdateRecord = 0xDC;

// SELECT P2 (EMV Book 1 §11.3.2): first or only occurrence (00), next occurrence (02).
enum class SelectOccurrence : std::uint8_t { kFirst = 0x00, kNext = 0x02 };

// GENERATE AC reference control parameter, P1 b8-b7 (EMV Book 3 §6.5.5.2, Table 12).
enum class GenerateAcReference : std::uint8_t {
  kAac = 0x00,   // transaction declined
  kTc = 0x40,    // transaction approved
  kArqc = 0x80,  // online authorisation requested
};
// GENERATE AC P1 b5: combined DDA/AC generation (CDA) signature requested.
inline constexpr std::uint8_t kGenerateAcCdaRequested = 0x10;

// VERIFY P2, the PIN qualifier (EMV Book 3 §6.5.12).
enum class PinQualifier : std::uint8_t {
  kPlaintext = 0x80,  // plaintext PIN, ISO 9564 format 2 block
  kEnciphered = 0x88  // enciphered PIN (RSA)
};

// A command APDU CLA INS P1 P2 [Lc data] [Le] (ISO 7816-4 §5.1, short cases 1-4):
//   case 1: no data, no Le;  case 2: Le only;  case 3: data only;  case 4: data and Le.
struct CommandApdu {
  std::uint8_t cla = 0x00;
  std::uint8_t ins = 0x00;
  std::uint8_t p1 = 0x00;
  std::uint8_t p2 = 0x00;
  Bytes data;                      // the command data; Lc is its size (at most 255)
  std::optional<std::uint8_t> le;  // the Le byte as sent; 00 means "up to 256 bytes"

  // The ISO case number, 1 to 4.
  int isoCase() const;
  // Ne: the number of response bytes Le asks for: 0 if absent, 256 for Le 00.
  std::size_t expectedLength() const;

  // CLA INS P1 P2 [Lc data] [Le]. InvalidArgument if data is longer than 255 bytes (extended
  // length APDUs are not supported).
  Result<Bytes> serialize() const;

  // Parses a short C-APDU. Malformed (with the byte offset) if it has fewer than 4 bytes, if Lc
  // is 00 with data following (extended length, not supported), or if Lc does not match the
  // bytes that follow it (neither case 3: 5+Lc bytes, nor case 4: 6+Lc bytes).
  static Result<CommandApdu> parse(ByteView bytes);

  // A one-line description for traces: "SELECT 1PAY.SYS.DDF01", "READ RECORD SFI 1 record 2",
  // "GENERATE AC ARQC+CDA", "VERIFY plaintext PIN", "GET DATA 9F17". Unknown commands show
  // their header: "C-APDU 80 CA 9F 36". Never shows PIN blocks or other sensitive data.
  std::string describe() const;

  // ---- Named constructors for the EMV commands (EMV Book 3 §6.5, Book 1 §11) ----

  // SELECT by DF name (AID, or "1PAY.SYS.DDF01" for the PSE): 00 A4 04 P2 Lc name 00.
  static CommandApdu selectByName(ByteView df_name,
                                  SelectOccurrence occurrence = SelectOccurrence::kFirst);
  // SELECT of the PSE (1PAY.SYS.DDF01) or, contactless, the PPSE (2PAY.SYS.DDF01).
  static CommandApdu selectPse();
  static CommandApdu selectPpse();
  // READ RECORD 00 B2 record (sfi<<3|4) 00 (Book 3 §6.5.11). InvalidArgument unless
  // 1 <= sfi <= 30 and record >= 1 (SFI and record come from the card's AFL: untrusted).
  static Result<CommandApdu> readRecord(std::uint8_t sfi, std::uint8_t record);
  // GET PROCESSING OPTIONS 80 A8 00 00 Lc 83 L pdol_data 00 (Book 3 §6.5.8); empty PDOL data
  // gives 83 00.
  static CommandApdu getProcessingOptions(ByteView pdol_data);
  // GENERATE AC 80 AE P1 00 Lc cdol_data 00 (Book 3 §6.5.5), P1 = reference | CDA bit.
  static CommandApdu generateAc(GenerateAcReference reference, bool cda_requested,
                                ByteView cdol_data);
  // GET DATA 80 CA P1P2=tag 00 (Book 3 §6.5.7): 9F36 ATC, 9F13, 9F17 PIN try counter, 9F4F.
  // REQUIRES: tag fits 2 bytes (a 1-byte tag goes in P2 with P1 00).
  static CommandApdu getData(Tag tag);
  // VERIFY 00 20 00 P2 Lc pin_data (Book 3 §6.5.12): a format 2 PIN block (plaintext) or the
  // RSA-enciphered PIN data.
  static CommandApdu verify(PinQualifier qualifier, ByteView pin_data);
  // INTERNAL AUTHENTICATE 00 88 00 00 Lc ddol_data 00 (Book 3 §6.5.9).
  static CommandApdu internalAuthenticate(ByteView ddol_data);
  // EXTERNAL AUTHENTICATE 00 82 00 00 Lc issuer_authentication_data (tag 91 value; Book 3
  // §6.5.4).
  static CommandApdu externalAuthenticate(ByteView issuer_authentication_data);
  // GET CHALLENGE 00 84 00 00 00 (Book 3 §6.5.6).
  static CommandApdu getChallenge();
  // GET RESPONSE 00 C0 00 00 le (ISO 7816-4; T=0 after 61xx).
  static CommandApdu getResponse(std::uint8_t le);

  friend bool operator==(const CommandApdu&, const CommandApdu&) = default;
};

// A response APDU: data followed by SW1 SW2 (ISO 7816-4 §5.1).
struct ResponseApdu {
  Bytes data;
  std::uint16_t sw1sw2 = 0x9000;

  std::uint8_t sw1() const { return static_cast<std::uint8_t>(sw1sw2 >> 8); }
  std::uint8_t sw2() const { return static_cast<std::uint8_t>(sw1sw2 & 0xFF); }
  // SW 9000.
  bool isSuccess() const { return sw1sw2 == 0x9000; }

  // data SW1 SW2.
  Bytes serialize() const;
  // Malformed if fewer than 2 bytes (no status word).
  static Result<ResponseApdu> parse(ByteView bytes);

  // "9000 Success, 34 bytes"; "6A82 File or application not found" (describeStatusWord of
  // status_words.h).
  std::string describe() const;

  friend bool operator==(const ResponseApdu&, const ResponseApdu&) = default;
};

}  // namespace posim::emv
