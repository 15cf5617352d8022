// Card profiles, terminal profiles and test PKI key sets from YAML (examples/cards/,
// examples/terminals/, examples/pki/) into the plain structs emv/ consumes (DESIGN.md §2-§3).
//
// A card profile file (every key but `pan` and `id` optional; defaults are those of
// emv::CardProfile):
//
//   id: visa-credit
//   description: Visa credit, CVN 18, DDA, online PIN and signature
//   pan: "…"                     # 12-19 digits, Luhn-valid
//   psn: "01"
//   expiry: 2028-12-31
//   effective: 2023-01-01
//   cardholder_name: POSIM/TEST CARD
//   offline_pin: "1234"                 # absent: no offline PIN
//   pin_try_limit: 3
//   chip: true
//   pse: true
//   pki: posim-test-pki                 # key set: a name (examples/pki/), a path or inline
//   magstripe: {present: true, service_code: "201", track2_discretionary: ""}
//   applications:
//     - aid: A0000000031010
//       label: VISA CREDIT
//       priority: 1
//       aip: 3C00
//       oda: dda                        # none, sda, dda, cda
//       response_format: format1        # format1, format2
//       cdol1: 9F0206...
//       cvm_list:                       # or the value of 8E as hex
//         x: 0                          # amounts X and Y, minor units of application_currency
//         y: 0
//         rules:
//           - {cvm: online_pin, if: terminal_supports, on_failure: next}
//       keys: {cvn: visa-18, derivation_key_index: 1, imk_ac: ..., imk_smi: ..., imk_smc: ...}
//       contactless: {kernel: qvsdc, pdol: ..., aip: 2000, ctq: 8000, offline_allowed: true}
//
// A terminal profile file: name, terminal_type (hex byte), capabilities, additional_capabilities,
// country (ISO 3166 numeric), currency, merchant {category_code, id, terminal_id,
// name_location}, ifd_serial_number, online_capable, attended, pin_pad_present,
// cardholder_selection_supported, online_pin_key, ca_keys (list of {rid, index, key set
// reference `from:` or modulus/exponent, checksum, expiry}), revoked_certificates (list of {rid,
// index, serial}), application_defaults (any application key) and applications (list of {aid,
// name, partial_selection, app_version, tac_denial, tac_online, tac_default, floor_limit,
// random_selection {threshold, target_percent, max_target_percent}, contactless
// {transaction_limit, cvm_required_limit, floor_limit}, ttq, default_ddol, default_tdol,
// contactless_enabled}). Amounts are decimal strings in the terminal currency.
//
// Every loader reports all problems of a file (and of the files it refers to) with
// file:line:column.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "posim/emv/card_profile.h"
#include "posim/emv/terminal_profile.h"
#include "posim/scenarios/diagnostic.h"
#include "posim/scenarios/resolver.h"

namespace posim::scenarios {

// Reads a card profile from a resolved reference (a file's root or an inline mapping); key sets
// it refers to resolve through `resolver`. std::nullopt when diagnostics got errors.
std::optional<emv::CardProfile> readCardProfile(const Node& node, Resolver& resolver,
                                                Diagnostics& diagnostics);
// Reads a test PKI key set (examples/pki/*.yaml): capk_index, ca_key, issuer_key, icc_key (each
// {modulus, public_exponent, private_exponent and/or p and q}), certificate expiries (YYYY-MM)
// and serials, data_authentication_code.
std::optional<emv::CardPki> readCardPki(const Node& node, Diagnostics& diagnostics);
// Reads a terminal profile.
std::optional<emv::TerminalProfile> readTerminalProfile(const Node& node, Resolver& resolver,
                                                        Diagnostics& diagnostics);

// Loads a card profile by path or name ("visa-credit": examples/cards/visa-credit.yaml).
LoadResult<emv::CardProfile> loadCardProfile(std::string_view name_or_path, Resolver& resolver);
LoadResult<emv::CardProfile> loadCardProfile(const std::filesystem::path& path);
// Loads a terminal profile by path or name ("countertop").
LoadResult<emv::TerminalProfile> loadTerminalProfile(std::string_view name_or_path,
                                                     Resolver& resolver);
LoadResult<emv::TerminalProfile> loadTerminalProfile(const std::filesystem::path& path);

}  // namespace posim::scenarios
