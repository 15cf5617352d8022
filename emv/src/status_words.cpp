#include "posim/emv/status_words.h"

#include <array>
#include <utility>

namespace posim::emv {
namespace {

constexpr std::array<std::pair<std::uint16_t, std::string_view>, 22> kStatusWords = {{
    {0x9000, "Success"},
    {0x6200, "Warning: no information given"},
    {0x6281, "Warning: part of returned data may be corrupted"},
    {0x6283, "Selected file invalidated (application blocked)"},
    {0x6300, "Authentication failed"},
    {0x6400, "Execution error, state of memory unchanged"},
    {0x6581, "Memory failure"},
    {0x6700, "Wrong length"},
    {0x6881, "Logical channel not supported"},
    {0x6882, "Secure messaging not supported"},
    {0x6982, "Security status not satisfied"},
    {0x6983, "Authentication method blocked (PIN blocked)"},
    {0x6984, "Referenced data invalidated"},
    {0x6985, "Conditions of use not satisfied"},
    {0x6A80, "Incorrect parameters in the data field"},
    {0x6A81, "Function not supported (card blocked)"},
    {0x6A82, "File or application not found"},
    {0x6A83, "Record not found"},
    {0x6A88, "Referenced data not found"},
    {0x6B00, "Wrong parameters P1-P2"},
    {0x6D00, "Instruction code not supported"},
    {0x6E00, "Class not supported"},
}};

}  // namespace

std::string describeStatusWord(std::uint16_t sw) {
  for (const auto& [word, text] : kStatusWords) {
    if (word == sw) return std::string(text);
  }
  const unsigned sw1 = sw >> 8;
  const unsigned sw2 = sw & 0xFF;
  if (sw1 == 0x61) return "More data available: " + std::to_string(sw2) + " bytes (GET RESPONSE)";
  if (sw1 == 0x6C) return "Wrong Le: resend with Le=" + std::to_string(sw2);
  if (sw1 == 0x63 && (sw2 & 0xF0) == 0xC0) {
    const unsigned tries = sw2 & 0x0F;
    return "Verification failed, " + std::to_string(tries) + (tries == 1 ? " try" : " tries") +
           " left";
  }
  if (sw1 == 0x62) return "Warning: state of non-volatile memory unchanged";
  if (sw1 == 0x63) return "Warning: state of non-volatile memory changed";
  return "Unknown status";
}

bool isExecuted(std::uint16_t sw) {
  const unsigned sw1 = sw >> 8;
  return sw == 0x9000 || sw1 == 0x62 || sw1 == 0x63;
}

}  // namespace posim::emv
