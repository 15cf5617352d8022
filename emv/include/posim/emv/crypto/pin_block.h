// PIN blocks of ISO 9564-1:2017 §9.3 (formats 0, 1, 2, 3 and 4): building the clear block,
// enciphering it under a PIN key (TDES-ECB for the 8-byte formats, the two-pass AES method for
// format 4) and the reverse for the issuer's PIN check.
//
// Fill digits are explicit (tests, the calculator's --fill) or drawn from an injected Random so
// that a seeded run replays byte for byte. PINs never appear in error messages.
//
// Thread safety: pure functions (the Random overloads use the caller's generator).
#pragma once

#include <string>
#include <string_view>

#include "posim/base/bytes.h"
#include "posim/base/random.h"
#include "posim/base/status.h"

namespace posim::emv::crypto {

// ISO 9564-1 §9.3 formats.
enum class PinBlockFormat {
  kIso0 = 0,  // 0 N PIN F..F xor PAN field (0000 || 12 rightmost PAN digits without check digit)
  kIso1 = 1,  // 1 N PIN fill (transaction-unique, 0-F), no PAN
  kIso2 = 2,  // 2 N PIN F..F, no PAN: the EMV offline PIN of VERIFY (EMV Book 3 §6.5.12)
  kIso3 = 3,  // 3 N PIN random A-F fill xor PAN field as format 0
  kIso4 = 4,  // AES: 16-byte PIN field 4 N PIN A..A || 8 random bytes, PAN field M || PAN || 0..
};

// Parses "0".."4". Errors: InvalidArgument naming "format".
Result<PinBlockFormat> parsePinBlockFormat(std::string_view text);

// Whether a format binds the PAN (0, 3, 4) and so needs one.
bool pinBlockNeedsPan(PinBlockFormat format);

// Number of fill hex digits a format takes for a PIN of pin_length digits: 14 - N for formats 1
// and 3, 16 (the 8 random bytes) for format 4, 0 for formats 0 and 2.
std::size_t pinBlockFillDigits(PinBlockFormat format, std::size_t pin_length);

// A clear PIN block and its two fields.
struct ClearPinBlock {
  Bytes pin_field;  // 8 bytes (16 for format 4)
  Bytes pan_field;  // empty for formats 1 and 2
  Bytes block;      // pin_field xor pan_field (formats 0 and 3); pin_field otherwise
};

// Builds the clear PIN block. `pin` is 4-12 digits; `pan` 12-19 digits for formats 0, 3 and 4
// (ignored by 1 and 2); `fill` the fill as hex digits, exactly pinBlockFillDigits() of them (0-F
// for format 1, A-F for format 3, the 8 random bytes of format 4) and empty for formats 0 and 2.
// For format 4 `block` is the plain PIN field (the block is only defined enciphered).
// Errors: InvalidArgument naming "pin", "pan" or "fill".
Result<ClearPinBlock> buildClearPinBlock(PinBlockFormat format, std::string_view pin,
                                         std::string_view pan, std::string_view fill = {});
// The same with the fill drawn from `random`.
Result<ClearPinBlock> buildClearPinBlock(PinBlockFormat format, std::string_view pin,
                                         std::string_view pan, Random& random);

// An enciphered PIN block with its intermediates.
struct EncryptedPinBlock {
  ClearPinBlock clear;
  Bytes intermediate_a;  // format 4: AES(K, PIN field)
  Bytes intermediate_b;  // format 4: intermediate_a xor PAN field
  Bytes block;           // the enciphered PIN block (8 or 16 bytes)
};

// Enciphers a PIN block: formats 0-3 with TDES-ECB under a 16- or 24-byte key (a ZPK or a DUKPT
// PIN key); format 4 per ISO 9564-1 §9.4.2 with AES (16, 24 or 32-byte key):
// EPB = AES(K, AES(K, PIN field) xor PAN field). This is `posim crypto pinblock --key`.
// Errors: InvalidArgument naming "key", "pin", "pan" or "fill".
Result<EncryptedPinBlock> encryptPinBlock(PinBlockFormat format, ByteView key, std::string_view pin,
                                          std::string_view pan, std::string_view fill = {});
Result<EncryptedPinBlock> encryptPinBlock(PinBlockFormat format, ByteView key, std::string_view pin,
                                          std::string_view pan, Random& random);

// Reads the PIN back from a clear block (formats 0-3: 8 bytes; format 4: the 16-byte plain PIN
// field). Checks the control nibble, the length (4-12) and the PIN digits, and that fill digits
// are F (formats 0, 2) or A-F (format 3) or A (format 4 PIN field).
// Errors: InvalidArgument for bad arguments; Malformed ("PIN block: ...", naming no digit) when
// the block does not decode, as happens with a wrong PAN or key.
Result<std::string> extractPin(PinBlockFormat format, ByteView clear_block,
                               std::string_view pan = {});

// The issuer's side: deciphers an enciphered PIN block with the PIN key and extracts the PIN
// (format 4: PIN field = AES-1(K, AES-1(K, EPB) xor PAN field)).
Result<std::string> decryptPin(PinBlockFormat format, ByteView key, ByteView encrypted_block,
                               std::string_view pan = {});

}  // namespace posim::emv::crypto
