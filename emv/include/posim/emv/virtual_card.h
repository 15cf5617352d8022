// The virtual card: an EMV ICC that answers APDUs per ISO 7816-4 and EMV Books 1-3 from a card
// profile (DESIGN.md §3, issue 4). It implements the Icc interface the terminal kernel talks to.
//
// Commands: SELECT (PSE 1PAY.SYS.DDF01 with directory records, PPSE 2PAY.SYS.DDF01, AID exact and
// partial with next occurrence; Book 1 §11.3, §12), GET PROCESSING OPTIONS (Book 3 §6.5.8),
// READ RECORD (§6.5.11), GET DATA 9F36/9F13/9F17/9F4F (§6.5.7), VERIFY plaintext and enciphered
// (§6.5.12, Book 2 §7), GET CHALLENGE (§6.5.6), INTERNAL AUTHENTICATE (§6.5.9, Book 2 §6.5),
// GENERATE AC first and second with CDA (§6.5.5, Book 2 §6.6, §8.1), EXTERNAL AUTHENTICATE
// (§6.5.4, Book 2 §8.2), and the issuer script commands APPLICATION BLOCK/UNBLOCK, CARD BLOCK,
// PIN CHANGE/UNBLOCK and PUT DATA with a secure-messaging MAC (Book 2 §9, Book 3 §10.10).
// Contactless: PPSE and the qVSDC-style GPO that returns the cryptogram (DOMAIN.md §2).
//
// Business outcomes are status words (6283 blocked, 63Cx wrong PIN, 6983 PIN blocked, 6300
// issuer authentication failed); only transport failures (mute card, card removed) are errors.
//
// Conventions a matching issuer must share (the embedded issuer uses the same crypto):
//  - ICC master keys from the IMKs by crypto::deriveIccMasterKey (option by PAN length);
//  - cryptogram input crypto::buildAcInput(cvn, ...) from the CDOL values (9F02 9F03 9F1A 95
//    5F2A 9A 9C 9F37; values absent from the CDOL are zeros), the AIP and the ATC;
//  - IAD 9F10: Visa "06 DKI CVN 03 CVR(3)"; Mastercard "DKI CVN CVR(6) IDN(2) counters(8)";
//  - issuer script MACs: 8 bytes, crypto::verifyIssuerScriptCommand with the CVN's SK-SMI;
//    PIN CHANGE data: the new PIN as an ISO 9564 format 2 block, enciphered under SK-SMC
//    (crypto::ScriptEncryption kVisa for Visa CVNs, kMastercard otherwise).
//
// Thread safety: a VirtualCard is one physical card: use it from one thread at a time. The
// personalised image is immutable and shared by copies and by cards made from the same image.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/random.h"
#include "posim/base/status.h"
#include "posim/emv/apdu.h"
#include "posim/emv/card_profile.h"
#include "posim/emv/icc.h"
#include "posim/emv/tag.h"

namespace posim::emv {

// What persists on the card between transactions of one application (the card's non-volatile
// counters and flags, EMV Book 3 §10.6 / Annex D and the CVR of VIS / M/Chip).
struct ApplicationState {
  std::uint16_t atc = 0;                 // 9F36, incremented by each GET PROCESSING OPTIONS
  std::uint16_t last_online_atc = 0;     // 9F13, the ATC of the last online-approved transaction
  std::uint8_t consecutive_offline = 0;  // offline approvals since the last online one
  std::uint64_t cumulative_offline_amount = 0;  // their sum, minor units
  bool issuer_authentication_failed = false;    // on the last online transaction
  bool last_online_not_completed = false;       // ARQC given, no second GENERATE AC seen
  bool blocked = false;                         // APPLICATION BLOCK executed
  std::uint8_t script_commands = 0;             // issuer script commands processed (last txn)
  bool script_failed = false;                   // a script command failed (last txn)
  // Data objects replaced by PUT DATA (9F14, 9F23, ...), tag and value.
  std::vector<std::pair<Tag, Bytes>> put_data;
  // Transaction log (EMV Book 3 Annex D4, read with READ RECORD of SFI 11): one entry per
  // completed transaction in the layout of the Log Format 9F4F, most recent first, at most 10.
  std::vector<Bytes> log;

  friend bool operator==(const ApplicationState&, const ApplicationState&) = default;
};

// The card's persistent state. Save it (state()) after a transaction and build the card again
// with it to carry counters across transactions, cards and runs.
struct CardState {
  std::uint8_t pin_tries_remaining = 0;  // 9F17; set to the PIN Try Limit when personalised
  std::string offline_pin;    // the current offline PIN (PIN CHANGE updates it); never print it
  bool card_blocked = false;  // CARD BLOCK executed
  std::vector<ApplicationState> applications;  // one per profile application, same order

  friend bool operator==(const CardState&, const CardState&) = default;
};

// The initial state of a freshly personalised card: PIN tries = limit, counters zero.
CardState initialCardState(const CardProfile& profile);

// Injectable card faults (DESIGN.md §3). Command names are those of commandName().
struct CardFault {
  bool mute = false;  // powerOn and transceive fail with Unavailable
  // The card is pulled out when this command arrives (it is not executed); with
  // `remove_at_occurrence` n, at its n-th occurrence since power-on. Empty: never.
  std::string remove_at_command;
  int remove_at_occurrence = 1;
  // The card is pulled out after this many APDUs were answered since power-on.
  std::optional<std::size_t> remove_after_apdus;
  bool wrong_cryptogram = false;        // every AC has its bits flipped (ARQC fails at the issuer)
  bool corrupted_certificate = false;   // a byte of 9F46 (or of 90 without one) is flipped
  bool blocked_application = false;     // SELECT answers 6283, GENERATE AC gives AAC
  bool pin_try_limit_exceeded = false;  // PIN tries set to 0: VERIFY 6983, 9F17 = 00
  // Answer this status word (without data) to the named command.
  std::string unexpected_status_command;
  std::uint16_t unexpected_status_word = 0x6F00;
};

// The name of a command as faults and traces use it: "SELECT", "READ RECORD",
// "GET PROCESSING OPTIONS", "GET DATA", "VERIFY", "GET CHALLENGE", "INTERNAL AUTHENTICATE",
// "GENERATE AC", "EXTERNAL AUTHENTICATE", "APPLICATION BLOCK", "APPLICATION UNBLOCK",
// "CARD BLOCK", "PIN CHANGE/UNBLOCK", "PUT DATA", "GET RESPONSE"; "UNKNOWN" otherwise.
std::string commandName(std::uint8_t cla, std::uint8_t ins);

// A personalised card: records, certificates, derived keys (immutable; see personalise()).
struct CardImage;

// Personalises a profile (EMV Book 2 §5.1-§6.1, A1.4): builds each application's records for
// the contact and contactless interfaces, the static data to be authenticated, the issuer
// certificate (CA key), ICC certificate and SSAD (issuer key), and the ICC master keys.
// About 100 µs per RSA signature; share the result between cards of a load test.
// Errors: InvalidArgument naming the profile and the field (bad PAN, missing keys for ODA, ...).
Result<std::shared_ptr<const CardImage>> personalise(const CardProfile& profile);

// The static data to be authenticated of an application on an interface, as a terminal computes
// it from the records it reads (Book 3 §10.3): for tests and tools. NotFound for a bad index.
Result<Bytes> staticDataToBeAuthenticated(const CardImage& image, std::size_t application,
                                          CardInterface interface = CardInterface::kContact);

// The profile a card image was made from.
const CardProfile& imageProfile(const CardImage& image);

class VirtualCard final : public Icc {
 public:
  // A card from a personalised image, with a saved state (or the initial one when nullopt).
  // `seed` drives GET CHALLENGE, ICC dynamic numbers and qVSDC card numbers: same seed, same
  // bytes. REQUIRES: image != nullptr. A state with another number of applications is resized
  // (missing applications start fresh).
  explicit VirtualCard(std::shared_ptr<const CardImage> image,
                       std::optional<CardState> state = std::nullopt, std::uint64_t seed = 1);

  // personalise() and construct. Errors: those of personalise(), or InvalidArgument when
  // `state` does not have one entry per application.
  static Result<VirtualCard> create(const CardProfile& profile,
                                    std::optional<CardState> state = std::nullopt,
                                    std::uint64_t seed = 1);

  // Icc. powerOn fails (Unavailable) for a mute card, a removed card or one without a chip.
  Result<Bytes> powerOn(CardInterface interface) override;
  Result<Bytes> transceive(ByteView command) override;
  void powerOff() override;

  // The persistent state, as it would be read out of the card's memory now.
  const CardState& state() const { return state_; }
  const CardProfile& profile() const;
  const std::shared_ptr<const CardImage>& image() const { return image_; }

  // Faults apply from the next command on. setFault(CardFault{}) clears them; it also puts a
  // removed card back (the cardholder inserts it again).
  void setFault(CardFault fault);
  const CardFault& fault() const { return fault_; }
  // True once a fault pulled the card out.
  bool removed() const { return removed_; }

  // The Answer To Reset powerOn returns (T=0 cold ATR).
  static Bytes answerToReset();

 private:
  // The volatile transaction context, reset at power-on and SELECT.
  struct Session {
    CardInterface interface = CardInterface::kContact;
    bool pse_selected = false;
    bool ppse_selected = false;
    int application = -1;  // selected application, -1: none
    Bytes last_select_name;
    bool gpo_done = false;
    Bytes pdol_data;
    Bytes cdol1_data;
    std::vector<std::pair<Tag, Bytes>> transaction_data;  // PDOL/CDOL values by tag
    int generate_ac_count = 0;
    std::uint8_t first_ac_type = 0;  // CID b8-b7 of the first GENERATE AC
    Bytes arqc;                      // the ARQC of this transaction
    Bytes challenge;                 // GET CHALLENGE, for enciphered PIN
    bool pin_verify_performed = false;
    bool pin_enciphered = false;
    bool pin_verified = false;
    bool pin_failed = false;
    bool issuer_authentication_performed = false;
    bool issuer_authentication_ok = false;
    bool dda_performed = false;
    bool cda_first = false;
    bool cda_second = false;
    bool unable_to_go_online = false;
    bool velocity_exceeded = false;
  };

  ResponseApdu process(const CommandApdu& command, ByteView raw);
  ResponseApdu select(const CommandApdu& command);
  ResponseApdu getProcessingOptions(const CommandApdu& command);
  ResponseApdu readRecord(const CommandApdu& command);
  ResponseApdu getData(const CommandApdu& command);
  ResponseApdu verify(const CommandApdu& command);
  ResponseApdu getChallenge();
  ResponseApdu internalAuthenticate(const CommandApdu& command);
  ResponseApdu generateAc(const CommandApdu& command);
  ResponseApdu externalAuthenticate(const CommandApdu& command);
  ResponseApdu issuerScriptCommand(const CommandApdu& command, ByteView raw);
  ResponseApdu qvsdcGpo();
  bool applicationBlocked() const;
  bool issuerAuthentication(ByteView issuer_authentication_data);
  Bytes cardVerificationResults(std::uint8_t ac_type, bool second) const;
  Bytes issuerApplicationData(std::uint8_t ac_type, bool second) const;
  Result<Bytes> computeCryptogram(ByteView iad);
  ByteView transactionValue(Tag tag) const;
  void storeTransactionData(ByteView dol, ByteView data);
  void logTransaction(std::uint8_t cid);

  std::shared_ptr<const CardImage> image_;
  CardState state_;
  CardFault fault_;
  SeededRandom random_;
  Session session_;
  bool powered_ = false;
  bool removed_ = false;
  std::size_t apdus_since_power_on_ = 0;
  Bytes pending_response_;  // T=0: data waiting for GET RESPONSE
  std::vector<std::pair<std::string, int>> command_counts_;
};

}  // namespace posim::emv
