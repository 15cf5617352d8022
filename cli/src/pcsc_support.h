// The PC/SC side of the command line (simulator/pcsc): readers, a reader's card as the kernel's
// Icc, and the virtual card served through vsmartcard's vpcd. Without pcsc-lite at build time
// (POSIM_WITH_PCSC unset) every entry answers Unimplemented, exit 4.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "posim/base/status.h"
#include "posim/emv/icc.h"

#include "commands.h"

namespace posim::cli {

struct ReaderCard {
  std::unique_ptr<emv::Icc> card;
  std::string reader;  // the full name of the reader
};

// The card in `reader` (a full name or a unique part of it), waiting up to `wait` for one.
Result<ReaderCard> openReaderCard(const std::string& reader, std::chrono::milliseconds wait);

// Prints the readers pcscd knows (one a line: name, and the ATR of a card in it), or JSON.
// Exit 0, or 4 when pcscd is not running.
int printReaders(Io& io, bool json);

}  // namespace posim::cli
