// A terminal profile as the kernel consumes it (DESIGN.md §2): plain structs, no YAML. The
// scenarios layer loads examples/terminals/*.yaml into these; test_terminals.h builds the two
// reference profiles in C++.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/money.h"
#include "posim/emv/crypto/capk.h"

namespace posim::emv {

// Terminal Capabilities 9F33 bits (EMV Book 4 Annex A2), as (byte index 0-2, mask).
struct CapabilityBit {
  std::uint8_t byte = 0;
  std::uint8_t mask = 0;
};
inline constexpr CapabilityBit kCapManualKeyEntry{0, 0x80};
inline constexpr CapabilityBit kCapMagneticStripe{0, 0x40};
inline constexpr CapabilityBit kCapIcWithContacts{0, 0x20};
inline constexpr CapabilityBit kCapPlaintextPinForIcc{1, 0x80};
inline constexpr CapabilityBit kCapEncipheredPinOnline{1, 0x40};
inline constexpr CapabilityBit kCapSignature{1, 0x20};
inline constexpr CapabilityBit kCapEncipheredPinOffline{1, 0x10};
inline constexpr CapabilityBit kCapNoCvmRequired{1, 0x08};
inline constexpr CapabilityBit kCapSda{2, 0x80};
inline constexpr CapabilityBit kCapDda{2, 0x40};
inline constexpr CapabilityBit kCapCardCapture{2, 0x20};
inline constexpr CapabilityBit kCapCda{2, 0x08};

// Biased random transaction selection (EMV Book 3 §10.6.2). Percentages 0-99; a target of 0
// disables random selection. Amounts in minor units of the transaction currency.
struct RandomSelection {
  std::int64_t threshold = 0;  // Threshold Value for Biased Random Selection
  int target_percent = 0;      // Target Percentage
  int max_target_percent = 0;  // Maximum Target Percentage
};

// Reader limits of EMV Contactless Book B §3.1 (Entry Point pre-processing). Minor units;
// nullopt means "no such limit".
struct ContactlessLimits {
  std::optional<std::int64_t> transaction_limit;   // amount >= limit: not allowed contactless
  std::optional<std::int64_t> cvm_required_limit;  // amount >= limit: CVM required
  std::optional<std::int64_t> floor_limit;         // amount >= limit: online cryptogram required
};

// One application the terminal supports, with its per-AID parameters (Book 4 §5.1).
struct TerminalApplication {
  Bytes aid;                          // 9F06, 5-16 bytes
  std::string name;                   // "Visa Credit/Debit" (for traces)
  bool partial_selection = true;      // Application Selection Indicator: partial match allowed
  Bytes app_version{0x00, 0x96};      // 9F09 Application Version Number (terminal), VIS 1.5
  Bytes tac_denial = Bytes(5, 0x00);  // Terminal Action Codes (Book 3 §10.7), 5 bytes each
  Bytes tac_online = Bytes(5, 0x00);
  Bytes tac_default = Bytes(5, 0x00);
  std::int64_t floor_limit = 0;  // 9F1B, minor units of the terminal currency
  RandomSelection random_selection;
  Bytes default_ddol{0x9F, 0x37, 0x04};  // used when the card has no 9F49 (Book 3 §10.3)
  Bytes default_tdol;                    // 97 substitute (Book 3 §5.4)
  ContactlessLimits contactless;
  Bytes ttq{0x36, 0x00, 0x40, 0x00};  // 9F66 Terminal Transaction Qualifiers (Visa/qPBOC)
  // Whether the AID may be used over the contactless interface at all. (The fast path follows
  // the card: qVSDC-style when its GPO response carries a cryptogram, M/Chip-style otherwise.)
  bool contactless_enabled = true;
};

// The terminal: who it is, what it can do, and what it trusts.
struct TerminalProfile {
  std::string name;                      // "countertop"
  std::uint8_t terminal_type = 0x22;     // 9F35: 22 attended, online with offline capability
  Bytes capabilities{0xE0, 0xF8, 0xC8};  // 9F33
  Bytes additional_capabilities{0xF0, 0x00, 0xF0, 0xA0, 0x01};  // 9F40
  std::uint16_t country_code = 156;                             // 9F1A, ISO 3166 numeric
  Currency currency{"CNY", 156, 2, "Chinese yuan"};             // 5F2A / 5F36
  std::vector<TerminalApplication> applications;
  crypto::CapkStore ca_keys;
  crypto::CertificateRevocationList revoked_certificates;
  std::string merchant_category_code = "5812";                           // 9F15 (n4)
  std::string merchant_id = "123456789012345";                           // 9F16 (ans15)
  std::string terminal_id = "12345678";                                  // 9F1C (an8)
  std::string merchant_name_location = "POSIM TEST MERCHANT, SHANGHAI";  // 9F4E
  std::string ifd_serial_number = "POSIM001";                            // 9F1E (an8)
  bool online_capable = true;                                            // can reach the acquirer
  bool attended = true;         // a merchant is present (CVM conditions, signature)
  bool pin_pad_present = true;  // a working PIN pad
  // The cardholder can be shown a list and asked to choose / confirm (Book 1 §12.4).
  bool cardholder_selection_supported = true;
  // The key the PIN pad enciphers online PINs under (ISO 9564 format 0, TDES), DESIGN.md §2.
  Bytes online_pin_key;

  bool hasCapability(CapabilityBit bit) const {
    return capabilities.size() > bit.byte && (capabilities[bit.byte] & bit.mask) != 0;
  }
  // The supported application whose AID matches `card_aid` (Book 1 §12.3.1): equal AIDs, or the
  // terminal AID a prefix of the card's with partial selection allowed. nullptr if none.
  const TerminalApplication* findApplication(ByteView card_aid) const;
};

}  // namespace posim::emv
