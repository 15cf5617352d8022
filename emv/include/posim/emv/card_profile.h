// Card profiles: what a virtual card is personalised with (DESIGN.md §3, issue 4 "Virtual card").
//
// Plain structs that mirror a card profile file (examples/cards/*.yaml, loaded by scenarios/):
// no YAML types, no behaviour. VirtualCard (virtual_card.h) personalises a card from one: it
// builds the records, the static data to be authenticated and the ODA certificates and
// signatures (EMV Book 2 §5-§6, Book 3 §10.2) and derives the ICC master keys (Book 2 A1.4).
//
// Numeric codes (countries, currencies) are ISO numbers (840, 156); the card encodes them as
// n3 BCD. Dates are calendar dates; the card writes them YYMMDD.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/pan.h"
#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/crypto/pki.h"
#include "posim/emv/crypto/rsa.h"

namespace posim::emv {

// Offline data authentication the application supports (AIP byte 1 b7/b6/b1; EMV Book 2 §5-§6).
enum class OdaMethod { kNone, kSda, kDda, kCda };

// "none", "sda", "dda", "cda".
const char* odaMethodName(OdaMethod method);

// Response formats of GET PROCESSING OPTIONS, INTERNAL AUTHENTICATE and GENERATE AC
// (EMV Book 3 §6.5: format 1 is tag 80 with concatenated values, format 2 the 77 template).
// A GENERATE AC that returns a CDA signature always uses format 2 (Book 2 §6.6.1).
enum class ResponseFormat { kFormat1, kFormat2 };

// One record of an application elementary file, given explicitly (instead of generated from the
// data elements). `content` is the value of the 70 template (the TLVs inside it).
struct CardRecord {
  std::uint8_t sfi = 1;     // 1..10; the certificates go on SFI 3, or after the highest SFI used
  std::uint8_t number = 1;  // 1..
  Bytes content;
  bool offline_data_authentication = false;  // part of the static data to be authenticated
};

// The card's RSA keys and how its certificates are made (EMV Book 2 §5.1, §6.1). Keys come from
// a test PKI, normally tests/data/vectors/emv_oda_own_chain.json (RID A000000999, index E1).
// The issuer certificate is signed at personalisation with `ca_key` and the card's issuer
// identifier (the first 6 PAN digits), so one CA and issuer key serve cards of every BIN.
struct CardPki {
  std::uint8_t capk_index = 0xE1;  // 8F
  crypto::RsaPrivateKey ca_key;    // signs the issuer certificate (90/92/9F32)
  crypto::RsaPrivateKey issuer_key;
  crypto::RsaPrivateKey icc_key;  // DDA/CDA signatures and enciphered PIN decipherment
  std::chrono::year_month issuer_certificate_expiry{std::chrono::year(2030), std::chrono::December};
  Bytes issuer_certificate_serial = {0x00, 0x00, 0x01};
  std::chrono::year_month icc_certificate_expiry{std::chrono::year(2028), std::chrono::December};
  Bytes icc_certificate_serial = {0x00, 0x00, 0x42};
  Bytes data_authentication_code = {0xDA, 0xC1};  // 9F45, carried in the SSAD (SDA)
};

// Issuer master keys of one application (EMV Book 2 A1.4): the card derives its ICC master keys
// from them and the PAN/PSN at personalisation, as an issuer's personalisation bureau would.
struct ApplicationKeys {
  crypto::Cvn cvn = crypto::Cvn::kVisa18;
  std::uint8_t derivation_key_index = 0x01;  // first IAD data byte
  Bytes imk_ac;                              // 16 bytes: application cryptograms, ARPC
  Bytes imk_smi;                             // 16 bytes: issuer script MACs
  Bytes imk_smc;                             // 16 bytes: issuer script data encipherment
};

// Contactless behaviour of an application (EMV Book B Entry Point, C-2 M/Chip, C-3 qVSDC;
// DOMAIN.md §2).
enum class ContactlessKernel : std::uint8_t {
  kMchip = 2,      // M/Chip-style: GPO, READ RECORD, one GENERATE AC (usually with CDA)
  kQvsdc = 3,      // qVSDC-style: the card decides in GPO (9F26/9F27/9F10 in the GPO response)
  kQuickPass = 7,  // UnionPay QuickPass: qVSDC-style
};

struct ContactlessSettings {
  bool enabled = false;
  ContactlessKernel kernel = ContactlessKernel::kQvsdc;  // also the PPSE kernel identifier 9F2A
  Bytes pdol;          // 9F38 on the contactless interface; qVSDC needs 9F66 TTQ in it
  Bytes aip;           // 82 on the contactless interface (byte 1 b2: on-device CVM supported)
  Bytes ctq;           // 9F6C Card Transaction Qualifiers (qVSDC), 2 bytes
  bool cdcvm = false;  // the card (phone, wearable) verifies the cardholder on the device
  bool offline_allowed = false;  // qVSDC: may approve offline (TC) within LCOL
};

// One payment application (ADF) of the card.
struct CardApplication {
  Bytes aid;                               // 4F / 84, 5-16 bytes
  std::string label;                       // 50
  std::string preferred_name;              // 9F12, empty: absent
  std::optional<std::uint8_t> priority;    // 87 Application Priority Indicator
  std::string language_preference = "en";  // 5F2D
  Bytes pdol;                              // 9F38, empty: no PDOL (GPO data 83 00)
  Bytes aip = {0x3C, 0x00};                // 82 on the contact interface
  OdaMethod oda = OdaMethod::kNone;        // must agree with the AIP
  ResponseFormat response_format = ResponseFormat::kFormat1;
  Bytes cdol1;                                     // 8C
  Bytes cdol2;                                     // 8D
  Bytes ddol = {0x9F, 0x37, 0x04};                 // 9F49 (DDA/CDA cards)
  Bytes cvm_list;                                  // 8E value (encodeCvmList), empty: absent
  Bytes iac_default;                               // 9F0D, 5 bytes; empty: absent
  Bytes iac_denial;                                // 9F0E
  Bytes iac_online;                                // 9F0F
  Bytes auc = {0xFF, 0x00};                        // 9F07 Application Usage Control
  Bytes application_version = {0x00, 0x8C};        // 9F08
  std::uint16_t issuer_country = 840;              // 5F28
  std::uint16_t application_currency = 840;        // 9F42
  std::uint8_t application_currency_exponent = 2;  // 9F44
  std::optional<std::uint8_t> lower_consecutive_offline_limit;  // 9F14 LCOL
  std::optional<std::uint8_t> upper_consecutive_offline_limit;  // 9F23 UCOL
  // Card risk management: cumulative amount (minor units of 9F42) the card approves offline
  // between online transactions; nullopt: no amount limit.
  std::optional<std::uint64_t> cumulative_offline_limit;
  // Decline (AAC) at the second GENERATE AC when issuer authentication failed or was not
  // performed after an online approval (the card's "issuer authentication required" option).
  bool issuer_authentication_mandatory = false;
  Bytes log_format;  // 9F4F (GET DATA); the log itself is SFI 11. Empty: no transaction log
  ApplicationKeys keys;
  ContactlessSettings contactless;
  bool contact = true;  // offered on the contact interface (PSE, SELECT)
  // Explicit records. Empty: generated from the data elements above (SFI 1 track data, SFI 2
  // the ODA record with PAN, dates, CVM list, IACs, CDOLs..., SFI 3 the certificates).
  std::vector<CardRecord> records;
};

// Magnetic stripe of the card (ISO 7813 track 2; DOMAIN.md, service code rules).
struct MagstripeData {
  bool present = true;
  std::string service_code = "201";       // 3 digits: 2xx = chip card (use the chip first)
  std::string track2_discretionary = "";  // digits after the service code (PVKI, PVV, CVV)
};

// A whole card as a profile file describes it.
struct CardProfile {
  std::string id;  // "visa-credit"
  std::string description;
  Pan pan;                 // 5A, 12-19 digits, Luhn-valid (prints masked)
  std::string psn = "01";  // 5F34, 2 digits
  Date expiry{std::chrono::year(2028), std::chrono::December, std::chrono::day(31)};   // 5F24
  Date effective{std::chrono::year(2023), std::chrono::January, std::chrono::day(1)};  // 5F25
  std::string cardholder_name = "POSIM/TEST CARD";                                     // 5F20
  // Offline PIN (4-12 digits) and PIN Try Limit; empty PIN: the card has no offline PIN
  // (VERIFY answers 6A81). The online PIN is the issuer's business, not the card's.
  std::string offline_pin;
  std::uint8_t pin_try_limit = 3;
  bool has_chip = true;  // false: powerOn fails (magstripe only card)
  bool pse = true;       // answers SELECT 1PAY.SYS.DDF01 with a directory
  // T=0 transport (EMV Book 1 §9.3.1): response data of case 4 commands is announced with
  // 61xx and fetched with GET RESPONSE, as a contact card on T=0 does.
  bool t0_get_response = false;
  CardPki pki;  // needed when an application does SDA, DDA or CDA
  std::vector<CardApplication> applications;
  MagstripeData magstripe;
};

// Track 2 of the magnetic stripe and of tag 57: PAN '=' YYMM service-code discretionary
// (ISO 7813). "<PAN>=YYMM<service code><discretionary>" style, as a terminal reads a swipe.
std::string magstripeTrack2(const CardProfile& profile);

// Track 2 equivalent data, tag 57 (EMV Book 3 Annex A): the same digits in BCD with 'D' as the
// separator, padded with F to whole bytes.
Bytes track2EquivalentData(const CardProfile& profile);

}  // namespace posim::emv
