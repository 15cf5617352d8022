// The terminal kernel: one payment transaction over an Icc, from power-on to completion
// (EMV 4.3 Books 1-4, DOMAIN.md §1), the contactless fast path (Books A/B/C-2/C-3 like,
// DOMAIN.md §2) and magstripe with service code rules and fallback.
//
// The kernel talks to the card only through Icc::transceive, to the cardholder through a
// PinEntry and an ApplicationChooser, and to the issuer through an OnlineAuthorizer; it reports
// every APDU through an EventSink. It never reads the real clock: the transaction date and time
// are inputs. Everything random (the unpredictable number, random selection, PIN encipherment
// padding) comes from the Random it is given, so a seeded run replays byte for byte.
//
// Declines, fallbacks and "try another interface" are outcomes in KernelResult, never errors.
// Kernel::run never fails: a card that is removed or mute gives Outcome::kCardError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/base/event_sink.h"
#include "posim/base/money.h"
#include "posim/base/pan.h"
#include "posim/base/random.h"
#include "posim/emv/cvm.h"
#include "posim/emv/icc.h"
#include "posim/emv/tag.h"
#include "posim/emv/terminal_profile.h"
#include "posim/emv/tvr.h"

namespace posim::emv {

// How the card was presented.
enum class EntryMode {
  kContact,      // chip inserted
  kContactless,  // tapped
  kMagstripe,    // swiped
};
std::string_view entryModeName(EntryMode mode);

// Transaction Type 9C (ISO 8583 processing code, first two digits).
inline constexpr std::uint8_t kTxnPurchase = 0x00;
inline constexpr std::uint8_t kTxnCash = 0x01;
inline constexpr std::uint8_t kTxnPurchaseWithCashback = 0x09;
inline constexpr std::uint8_t kTxnRefund = 0x20;
inline constexpr std::uint8_t kTxnBalanceInquiry = 0x31;

// What one transaction is about.
struct TransactionInputs {
  std::uint8_t transaction_type = kTxnPurchase;  // 9C
  Money amount;                                  // 9F02 (and 81); its currency is 5F2A
  std::optional<Money> other_amount;             // 9F03 (cashback)
  LocalDateTime at;                              // 9A / 9F21, virtual time
  EntryMode entry_mode = EntryMode::kContact;
  // Hot list of PANs (digits), Book 3 §10.6.1.
  std::vector<std::string> exception_file;
  // Amount of earlier transactions with the same card in the terminal log (split sales,
  // Book 3 §10.6.1), minor units.
  std::int64_t logged_amount_same_card = 0;
  // The merchant forces the transaction online (TVR byte 4 b4).
  bool merchant_forced_online = false;
  // Transaction Sequence Counter 9F41.
  std::uint32_t sequence_counter = 1;
  // Magstripe: the swiped track 2 ("<PAN>=2812201<discretionary>"), and whether this
  // swipe is a fallback after a chip failure (POS entry mode 80).
  std::string track2;
  bool fallback = false;
  // Replaying a recorded trace: use this Unpredictable Number (4 bytes) instead of drawing one.
  std::optional<Bytes> unpredictable_number;
};

// The PIN pad. Implementations: scripted (scenarios), the GUI keypad, tests.
enum class PinKind {
  kOfflinePlaintext,   // VERIFY with a format 2 block (Book 3 §10.5.1)
  kOfflineEnciphered,  // VERIFY with the RSA-enciphered block (Book 2 §7)
  kOnline,             // enciphered under the PIN key for DE 52
};
std::string_view pinKindName(PinKind kind);

struct PinRequest {
  PinKind kind = PinKind::kOnline;
  int attempt = 1;                     // 1 for the first prompt, 2 after one wrong PIN...
  std::optional<int> tries_remaining;  // from 9F17 or the last 63Cx, when known
  Money amount;                        // shown on the PIN pad
};

struct PinEntryResult {
  enum class Kind {
    kEntered,        // `pin` holds 4-12 digits
    kBypassed,       // the cardholder/merchant skipped PIN entry (TVR byte 3 b4)
    kPadNotWorking,  // the PIN pad failed or timed out (TVR byte 3 b5)
  };
  Kind kind = Kind::kEntered;
  std::string pin;

  static PinEntryResult entered(std::string pin_digits) {
    return {Kind::kEntered, std::move(pin_digits)};
  }
  static PinEntryResult bypassed() { return {Kind::kBypassed, {}}; }
  static PinEntryResult padNotWorking() { return {Kind::kPadNotWorking, {}}; }
};

class PinEntry {
 public:
  virtual ~PinEntry() = default;
  virtual PinEntryResult enterPin(const PinRequest& request) = 0;
};

// One application of the candidate list (Book 1 §12.4).
struct CandidateApplication {
  Bytes aid;                   // ADF name (4F from the PSE / PPSE, or DF name 84 from SELECT)
  std::string label;           // 50
  std::string preferred_name;  // 9F12
  std::optional<std::uint8_t> priority;   // 87
  std::optional<std::uint8_t> kernel_id;  // 9F2A (contactless)

  // 87 b8: cardholder confirmation required.
  bool confirmationRequired() const { return priority.has_value() && (*priority & 0x80) != 0; }
  // 87 b4-b1, 1 highest; 0 or absent sorts last.
  int priorityOrder() const;
};

// The cardholder's choice when the terminal must offer one (Book 1 §12.4: several mutually
// supported applications, or one that needs confirmation).
class ApplicationChooser {
 public:
  virtual ~ApplicationChooser() = default;
  // The index in `candidates` (ordered by priority) to use, or nullopt to cancel.
  virtual std::optional<std::size_t> choose(
      const std::vector<CandidateApplication>& candidates) = 0;
};

// What the issuer (through the acquirer) is asked.
struct OnlineRequest {
  EntryMode entry_mode = EntryMode::kContact;
  std::string pos_entry_mode;       // DE 22 first two digits: "05", "07", "90", "80"
  Pan pan;                          // 5A or track 2 (prints masked: base/pan.h)
  std::string pan_sequence_number;  // DE 23, "001"; empty when absent
  std::string track2;               // DE 35 equivalent ("PAN=YYMMSSS...")
  std::string expiry_yymm;
  Money amount;
  std::optional<Money> other_amount;
  std::uint8_t transaction_type = kTxnPurchase;
  Bytes icc_data;   // DE 55: TLV-coded, empty for magstripe
  Bytes pin_block;  // DE 52: ISO 9564 format 0 under the profile's PIN key; empty if none
  bool fallback = false;
};

// What came back.
struct OnlineResponse {
  enum class Kind {
    kApproved,
    kDeclined,
    kUnableToGoOnline,  // no answer, timeout, host down (Book 3 §10.9, default action codes)
  };
  Kind kind = Kind::kUnableToGoOnline;
  std::string response_code;         // DE 39, e.g. "00", "05", "51"; becomes 8A (ASCII)
  std::string authorization_code;    // DE 38
  Bytes issuer_authentication_data;  // 91
  Bytes issuer_scripts;              // TLV: zero or more 71 / 72 templates, in the order received
};

class OnlineAuthorizer {
 public:
  virtual ~OnlineAuthorizer() = default;
  virtual OnlineResponse authorize(const OnlineRequest& request) = 0;
};

// How the transaction ended.
enum class Outcome {
  kApprovedOffline,      // TC at first GENERATE AC (Y1), or after "unable to go online" (Y3)
  kApprovedOnline,       // issuer approved, card TC at second GENERATE AC (or contactless)
  kDeclinedOffline,      // AAC at first GENERATE AC (Z1) or default action (Z3)
  kDeclinedOnline,       // issuer declined, or card AAC after approval (then reversal_required)
  kTerminated,           // processing stopped: card data error, cancelled, card blocked
  kNotAccepted,          // no mutually supported application
  kTryAnotherInterface,  // contactless not possible (limit, card says insert): insert/swipe
  kFallbackToMagstripe,  // the chip could not be read: swipe (and mark the swipe as fallback)
  kUseChipReader,        // a chip card was swiped without a chip failure: insert it
  kCardError,            // the card went mute or was removed mid-transaction
};
std::string_view outcomeName(Outcome outcome);
bool isApproved(Outcome outcome);

// Cryptogram type from CID 9F27 b8-b7.
enum class CryptogramType { kAac, kTc, kArqc, kAar };
std::string_view cryptogramTypeName(CryptogramType type);

// One C-APDU / R-APDU pair as the kernel saw it. T=0 handling (61xx GET RESPONSE, 6Cxx resend)
// shows as separate pairs, one per physical exchange.
struct ApduExchange {
  Bytes command;             // VERIFY and PIN CHANGE/UNBLOCK: the 4-byte header only
  Bytes response;            // data ‖ SW1 SW2; empty when the transport failed
  std::string command_name;  // CommandApdu::describe()
  std::string status;        // "9000 Success", or the transport error
};

// The exchange as a trace reads it: "> GET PROCESSING OPTIONS  80A8000002830000", then
// "< 9000 Success, 20 bytes" and the response's TLV tree with tag names (describe.h), PANs masked.
// VERIFY data never appears (the kernel keeps only its header).
std::string formatExchange(const ApduExchange& exchange);

// One kernel step: what was exchanged and decided, and the TVR/TSI after it.
struct KernelStep {
  std::string name;  // "application selection", "read application data", ...
  std::vector<ApduExchange> exchanges;
  Tvr tvr;
  Tsi tsi;
  std::string decision;  // "CDA selected", "ARQC requested: TAC online & TVR = 0000008000"
};

struct KernelResult {
  Outcome outcome = Outcome::kTerminated;
  std::string reason;  // why, in one sentence
  EntryMode entry_mode = EntryMode::kContact;
  bool fallback = false;  // a magstripe transaction after a chip failure

  Bytes aid;  // the selected application (DF name)
  std::string application_label;
  std::string masked_pan;

  std::string cvm;         // "offline plaintext PIN", "online PIN", "signature", "no CVM", "CDCVM"
  CvmResults cvm_results;  // 9F34
  bool signature_required = false;
  Tvr tvr;
  Tsi tsi;

  std::optional<CryptogramType> cryptogram_type;  // of the final GENERATE AC (or GPO)
  std::uint8_t cid = 0;                           // 9F27
  Bytes cryptogram;                               // 9F26
  Bytes atc;                                      // 9F36
  Bytes first_cryptogram;                   // the ARQC sent online (9F26 of the first GENERATE AC)
  std::string authorisation_response_code;  // 8A as text: "00", "Y1", "Z3", ...
  bool went_online = false;
  OnlineResponse online_response;
  Bytes icc_data;                  // DE 55 sent online (TLV)
  Bytes issuer_script_results;     // 9F5B (5 bytes per script)
  bool reversal_required = false;  // the card declined after the issuer approved
  bool advice_required = false;    // CID b4

  std::vector<KernelStep> steps;
  // Every data object known at the end (card and terminal), tag -> value. Holds the clear PAN
  // and track 2: mask them (describe.h) before showing.
  std::map<Tag, Bytes> data;

  // A data object's value, or empty.
  Bytes find(Tag tag) const;
};

// The collaborators of one kernel. PinEntry, ApplicationChooser and OnlineAuthorizer may be null:
// no PIN pad answer (treated as "PIN pad not working"), automatic selection of the first
// candidate (confirmation-required applications are then dropped unless the profile supports
// cardholder selection), and "unable to go online".
struct KernelEnvironment {
  Random* random = nullptr;  // REQUIRED
  EventSink* events = nullptr;
  PinEntry* pin_entry = nullptr;
  ApplicationChooser* chooser = nullptr;
  OnlineAuthorizer* authorizer = nullptr;
};

// Runs transactions for one terminal profile. REQUIRES: profile and environment objects outlive
// the Kernel. Not thread-safe (one transaction at a time).
class Kernel {
 public:
  Kernel(const TerminalProfile& profile, KernelEnvironment environment);

  // One transaction. For EntryMode::kMagstripe the card is not used (inputs.track2 is); `icc`
  // may then be any Icc. Powers the card on and off (contact/contactless).
  KernelResult run(Icc& icc, const TransactionInputs& inputs);

 private:
  const TerminalProfile& profile_;
  KernelEnvironment env_;
};

}  // namespace posim::emv
