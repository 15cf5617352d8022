// ISO 7816-4 / EMV Book 1 status words (SW1 SW2) and what they mean to a terminal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace posim::emv {

// Well-known status words, by the name a payment engineer uses.
inline constexpr std::uint16_t kSwOk = 0x9000;
inline constexpr std::uint16_t kSwSelectedFileInvalidated = 0x6283;  // application blocked
inline constexpr std::uint16_t kSwAuthenticationFailed = 0x6300;     // EXTERNAL AUTHENTICATE
inline constexpr std::uint16_t kSwWrongLength = 0x6700;
inline constexpr std::uint16_t kSwSecurityStatusNotSatisfied = 0x6982;
inline constexpr std::uint16_t kSwAuthenticationMethodBlocked = 0x6983;  // PIN blocked
inline constexpr std::uint16_t kSwReferencedDataInvalidated = 0x6984;
inline constexpr std::uint16_t kSwConditionsNotSatisfied = 0x6985;
inline constexpr std::uint16_t kSwIncorrectData = 0x6A80;
inline constexpr std::uint16_t kSwFunctionNotSupported = 0x6A81;  // card blocked (SELECT PSE)
inline constexpr std::uint16_t kSwFileNotFound = 0x6A82;
inline constexpr std::uint16_t kSwRecordNotFound = 0x6A83;
inline constexpr std::uint16_t kSwReferencedDataNotFound = 0x6A88;
inline constexpr std::uint16_t kSwWrongP1P2 = 0x6B00;
inline constexpr std::uint16_t kSwInsNotSupported = 0x6D00;
inline constexpr std::uint16_t kSwClaNotSupported = 0x6E00;

// "Function not supported"; for 61xx/6Cxx/63Cx the count is spelled out ("Wrong PIN, 2 tries
// left"). Unknown words give "Unknown status".
std::string describeStatusWord(std::uint16_t sw);

// Processing completed: 9000 and the warnings 62xx/63xx that EMV treats as executed
// (EMV Book 3 §10.10 for issuer scripts).
bool isExecuted(std::uint16_t sw);

}  // namespace posim::emv
