#include "commands.h"

#include <array>
#include <cstdlib>

namespace posim::cli {
namespace {

// Every command of posim, in the order `posim help` shows them.
constexpr std::array kCommands = {
    Command{"emv decode", "posim emv decode HEX|- [--json] [--response] [--scheme NAME]",
            "decode EMV BER-TLV data into named, decoded tags (- reads stdin)", &runEmvDecode},
};

}  // namespace

std::span<const Command> allCommands() {
  return kCommands;
}

const Command* findCommand(std::string_view name) {
  for (const Command& c : kCommands) {
    if (c.name == name) return &c;
  }
  std::abort();
}

}  // namespace posim::cli
