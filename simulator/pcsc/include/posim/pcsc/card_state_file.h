// Where a served virtual card keeps its state from one serving to the next (`posim card serve
// --state`, the desktop app's Terminal > Serve a card to PC/SC): ATC, PIN tries, offline
// counters and transaction log, as emv::cardStateToJson writes them. The file holds the offline
// PIN: it is written whole (a temporary file renamed over it) with mode 0600.
#pragma once

#include <optional>
#include <string>

#include "posim/base/status.h"
#include "posim/emv/virtual_card.h"

namespace posim::pcsc {

// ~/.cache/posim/cards/<card>.json ($XDG_CACHE_HOME when set; the temporary directory when
// there is no HOME either).
std::string defaultCardStatePath(const std::string& card_id);

// The state saved at `path` for card `card_id`; nullopt when there is no such file. Errors name
// the file: IoError (unreadable), Malformed (not a state document), FailedPrecondition (the
// state of another card).
Result<std::optional<emv::CardState>> loadCardState(const std::string& path,
                                                    const std::string& card_id);

// Writes the state (mode 0600, atomically); creates the folder. Errors: IoError naming the file.
Status saveCardState(const std::string& path, const emv::CardState& state,
                     const std::string& card_id);

}  // namespace posim::pcsc
