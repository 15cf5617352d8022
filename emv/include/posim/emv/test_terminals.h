// The reference terminal profiles, built in C++ (examples/terminals/*.yaml mirror them):
//   countertop  attended, online with offline capability (9F35 22), PIN pad, signature, floor
//               limit 100.00, biased random selection, SDA/DDA/CDA;
//   unattended  unattended, online only (9F35 24), PIN pad, no signature, floor limit 0.
// Both trust the test PKI's CA key (tests/data/vectors/emv_oda_own_chain.json, RID A000000999
// index E1). The same key is also loaded under the scheme RIDs (Visa, Mastercard, UnionPay,
// Amex) at index E1, so virtual cards that carry real scheme AIDs with test certificates verify:
// test keys never go on a production terminal.
#pragma once

#include "posim/emv/crypto/capk.h"
#include "posim/emv/terminal_profile.h"

namespace posim::emv {

// RID A000000999, index E1: the own chain's CA public key.
crypto::CaPublicKey testCaPublicKey();

// The countertop profile described above.
TerminalProfile countertopTerminal();

// The unattended profile described above.
TerminalProfile unattendedTerminal();

}  // namespace posim::emv
