// The terminal's devices (DESIGN.md §2): card reader, PIN pad, display, keypad and printer as
// interfaces the transaction engine talks to, each with a headless implementation that a
// scenario drives and that records what was shown and printed. The GUI implements the same
// interfaces with widgets.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "posim/emv/icc.h"
#include "posim/emv/kernel.h"

namespace posim::terminal {

// What the reader asks for.
enum class CardPrompt {
  kPresent,  // insert, tap or swipe
  kInsert,   // chip only (after "use chip reader" or "try another interface")
  kSwipe,    // magstripe (fallback after a chip failure)
};
std::string_view cardPromptText(CardPrompt prompt);  // "PRESENT CARD", "INSERT CARD", ...

// A card in (or on, or through) the reader.
struct PresentedCard {
  emv::Icc* icc = nullptr;  // the chip; null for a magstripe-only swipe
  emv::EntryMode entry = emv::EntryMode::kContact;
  std::string track2;  // the swiped track 2 (magstripe), digits '=' ...
};

class CardReader {
 public:
  virtual ~CardReader() = default;
  // The card presented for `prompt`, or nullopt when none comes (timeout, cancelled).
  virtual std::optional<PresentedCard> waitForCard(CardPrompt prompt) = 0;
  // The engine is done with the card ("REMOVE CARD").
  virtual void removeCard() = 0;
};

// A reader a scenario loads: present() before the transaction. On kInsert it inserts the same
// card, on kSwipe it swipes it (when it has a stripe): what a cardholder does when the terminal
// says so.
class HeadlessCardReader final : public CardReader {
 public:
  // REQUIRES: icc outlives its use. `track2` is the stripe (empty: no stripe).
  void present(emv::Icc* icc, emv::EntryMode entry, std::string track2);
  void clear() { card_.reset(); }
  std::optional<PresentedCard> waitForCard(CardPrompt prompt) override;
  void removeCard() override { ++removals_; }
  const std::vector<CardPrompt>& prompts() const { return prompts_; }
  int removals() const { return removals_; }

 private:
  std::optional<PresentedCard> card_;
  std::vector<CardPrompt> prompts_;
  int removals_ = 0;
};

// The PIN pad: the kernel's PinEntry plus what a PIN pad shows. Online PINs are enciphered by
// the kernel under the terminal profile's PIN key; the pad only collects digits.
class PinPad : public emv::PinEntry {};

// Answers PIN requests from a script: each request takes the next entry; the last one repeats.
// An entry "" bypasses PIN entry; "timeout" is a PIN pad that does not answer. Records the
// prompts (never the digits).
class ScriptedPinPad final : public PinPad {
 public:
  void script(std::vector<std::string> entries);
  emv::PinEntryResult enterPin(const emv::PinRequest& request) override;
  const std::vector<emv::PinRequest>& requests() const { return requests_; }
  void clearRequests() { requests_.clear(); }

 private:
  std::deque<std::string> entries_;
  std::string last_;
  bool have_last_ = false;
  std::vector<emv::PinRequest> requests_;
};

class Display {
 public:
  virtual ~Display() = default;
  // One screen: up to two lines ("APPROVED", "AUTH 123456").
  virtual void show(std::string_view line1, std::string_view line2) = 0;
};

class RecordingDisplay final : public Display {
 public:
  void show(std::string_view line1, std::string_view line2) override;
  // Every screen shown, "LINE1" or "LINE1 / LINE2".
  const std::vector<std::string>& screens() const { return screens_; }
  bool contains(std::string_view text) const;
  void clear() { screens_.clear(); }

 private:
  std::vector<std::string> screens_;
};

// The merchant's keypad: confirmations the engine needs ("VOID SALE? YES/NO").
class Keypad {
 public:
  virtual ~Keypad() = default;
  virtual bool confirm(std::string_view question) = 0;
};

// Answers every question with a fixed answer (yes by default), recording the questions.
class HeadlessKeypad final : public Keypad {
 public:
  explicit HeadlessKeypad(bool answer = true) : answer_(answer) {}
  bool confirm(std::string_view question) override;
  void setAnswer(bool answer) { answer_ = answer; }
  const std::vector<std::string>& questions() const { return questions_; }

 private:
  bool answer_;
  std::vector<std::string> questions_;
};

enum class ReceiptCopy { kMerchant, kCustomer };

struct Receipt {
  ReceiptCopy copy = ReceiptCopy::kCustomer;
  std::string text;  // printed lines separated by '\n'; PANs masked
};

class Printer {
 public:
  virtual ~Printer() = default;
  virtual void print(const Receipt& receipt) = 0;
};

class RecordingPrinter final : public Printer {
 public:
  void print(const Receipt& receipt) override { receipts_.push_back(receipt); }
  const std::vector<Receipt>& receipts() const { return receipts_; }
  bool contains(std::string_view text) const;
  void clear() { receipts_.clear(); }

 private:
  std::vector<Receipt> receipts_;
};

// The devices of one terminal. REQUIRED: all but keypad (null: every question answered yes).
struct Devices {
  CardReader* reader = nullptr;
  PinPad* pin_pad = nullptr;
  Display* display = nullptr;
  Keypad* keypad = nullptr;
  Printer* printer = nullptr;
};

// One set of headless devices, owned together (scenario runner, tests, benchmarks).
struct HeadlessDevices {
  HeadlessCardReader reader;
  ScriptedPinPad pin_pad;
  RecordingDisplay display;
  HeadlessKeypad keypad;
  RecordingPrinter printer;

  Devices devices() { return {&reader, &pin_pad, &display, &keypad, &printer}; }
};

}  // namespace posim::terminal
