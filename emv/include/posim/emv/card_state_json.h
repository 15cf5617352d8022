// The persistent state of a virtual card (CardState) as JSON, so that counters (ATC, PIN tries,
// offline counters, transaction log) survive across runs: `posim card serve --state F`.
//
// The document holds the offline PIN: store it where only its owner can read it.
#pragma once

#include <string>

#include "posim/base/json.h"
#include "posim/base/status.h"
#include "posim/emv/virtual_card.h"

namespace posim::emv {

// {"posim_card_state": 1, "card": ID, "pin_tries_remaining": N, "offline_pin": "...",
//  "card_blocked": B, "applications": [{"atc": N, ...}]}. `card_id` names the profile.
Json cardStateToJson(const CardState& state, const std::string& card_id);

// The state of a document made by cardStateToJson. Malformed (naming the field) when a field is
// missing, of the wrong type or out of range; FailedPrecondition when the document is the state
// of another card than `card_id`.
Result<CardState> cardStateFromJson(const Json& document, const std::string& card_id);

}  // namespace posim::emv
