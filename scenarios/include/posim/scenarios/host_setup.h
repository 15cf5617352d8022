// What `posim host --config SCENARIO` needs to serve the same issuer a scenario run uses in
// process: the embedded acquirer's configuration built from the scenario's cards, accounts and
// rules, and the seed of the host's random stream. The runner builds its embedded backend from
// the same two functions, so a scenario run against `iso8583://` pointed at such a host gives
// the outcomes, authorization codes and virtual times of the in-process run.
#pragma once

#include <cstdint>

#include "posim/acquirer/embedded.h"
#include "posim/base/clock.h"
#include "posim/scenarios/scenario.h"

namespace posim::scenarios {

// The embedded acquirer and issuer of `scenario`: its acquirer.issuer block, plus one account
// per card (PIN, balance — default 10,000.00 in the merchant currency — and status), the
// terminal's online PIN key, hold expiry and completion limit.
acquirer::EmbeddedConfig issuerConfigFor(const Scenario& scenario);

// The issuer of `posim host` without a scenario (the CLI without --config, the GUI's embedded
// host without a file): one account per built-in test card (emv/test_cards.h, in that order,
// named card1, card2, ...), 10,000.00 CNY each, any online PIN accepted, ARQC failures ignored,
// no modelled latency. Cards it does not know are declined 14 by the issuer rules.
acquirer::EmbeddedConfig defaultHostIssuer();

// The seed of the random stream the acquirer draws from (authorization codes, modelled latency)
// in a run with `run_seed`.
std::uint64_t hostRandomSeed(std::uint64_t run_seed);

}  // namespace posim::scenarios
