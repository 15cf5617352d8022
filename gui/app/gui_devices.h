// The terminal's devices as a person works them: the engine's device interfaces implemented
// for the faceplate. The engine calls them on the terminal worker's thread and some of them
// wait there (for a card, a PIN, a yes or no) until the faceplate, on the UI thread, answers
// through the thread-safe methods below; what the terminal shows and prints leaves through
// signals, delivered queued to the UI. Nothing here ever blocks the UI thread.
//
// PIN digits pass through submitPin() into the kernel and nowhere else: they are not kept
// after the answer is taken, not logged, not in any signal.
#pragma once

#include <QObject>
#include <QString>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "posim/base/status.h"
#include "posim/terminal/devices.h"

namespace posim::gui {

class GuiDevices final : public QObject {
  Q_OBJECT

 public:
  // What the cardholder presented: a virtual card (a card profile of the session) or the card
  // in a PC/SC reader, and how.
  struct CardChoice {
    std::string name;    // the card profile; empty for a reader's card
    std::string reader;  // the PC/SC reader's full name; empty for a virtual card
    emv::EntryMode entry = emv::EntryMode::kContact;
  };
  // Turns a card choice into what the reader hands the engine; set by the worker, called on its
  // thread. An error says why no card could be read ("no card in reader 'X'", no stripe, ...).
  using CardLookup = std::function<Result<terminal::PresentedCard>(const CardChoice& choice)>;

  explicit GuiDevices(QObject* parent = nullptr);
  ~GuiDevices() override;

  terminal::Devices devices();
  void setCardLookup(CardLookup lookup);
  // How long the terminal waits for a card, a PIN or an answer before it gives up.
  void setTimeout(std::chrono::milliseconds timeout);

  // A transaction starts (the session calls it on the UI thread before handing the transaction
  // to the worker) or ends (on the worker, once the engine returned). A cancel while a
  // transaction runs but nothing waits is kept for the next wait; its end forgets both a pending
  // cancel and a card presented but never taken.
  void beginTransaction();
  void endTransaction();

  // -- thread-safe; the faceplate calls these --
  // The cardholder presents a card (before the terminal asks, too: it is taken at the next
  // prompt). Replaces a card presented earlier and not yet taken.
  void presentCard(const QString& name, emv::EntryMode entry);
  // The same with the card in a PC/SC reader (inserted in it, or tapped on a contactless one).
  void presentReaderCard(const QString& reader, emv::EntryMode entry);
  void removeCard();
  void submitPin(const QString& digits);
  void bypassPin();
  void answer(bool yes);
  // Cancel on the keypad: an outstanding card wait returns no card, a PIN prompt is bypassed,
  // a question is answered no. Nothing waiting during a transaction: the next wait is
  // cancelled. Outside a transaction: forgets a card presented early.
  void cancel();
  // Ends every wait for good (shutdown).
  void shutDown();

  bool cardInReader() const;

 signals:
  void displayChanged(const QString& line1, const QString& line2);
  void cardRequested(const QString& prompt);  // "PRESENT CARD", "INSERT CARD", ...
  // The wait for a card ended: `taken` when the reader took one, false when none came
  // (cancelled, timed out, shut down, or a card the reader cannot read that way: then `problem`
  // says why, "no card in reader '...'").
  void cardWaitFinished(bool taken, const QString& problem);
  void cardRemovalRequested();
  void pinRequested(const QString& prompt, int attempt);  // prompt: "ENTER PIN" / "ONLINE PIN"
  void pinFinished();
  void confirmationRequested(const QString& question);
  void confirmationFinished();
  void receiptPrinted(const QString& copy, const QString& text);

 private:
  class Reader;
  class Pad;
  class Screen;
  class Keys;
  class Paper;

  enum class Wait { kNone, kCard, kPin, kConfirm };

  std::optional<terminal::PresentedCard> waitForCard(terminal::CardPrompt prompt);
  void cardRemoved();
  emv::PinEntryResult enterPin(const emv::PinRequest& request);
  bool confirm(std::string_view question);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Wait waiting_ = Wait::kNone;
  bool cancelled_ = false;
  bool active_ = false;  // between beginTransaction() and endTransaction()
  bool shut_down_ = false;
  bool card_in_reader_ = false;
  std::optional<CardChoice> card_;
  std::optional<emv::PinEntryResult> pin_;
  std::optional<bool> answer_;
  std::chrono::milliseconds timeout_{std::chrono::minutes(2)};
  CardLookup lookup_;

  std::unique_ptr<Reader> reader_;
  std::unique_ptr<Pad> pad_;
  std::unique_ptr<Screen> screen_;
  std::unique_ptr<Keys> keys_;
  std::unique_ptr<Paper> paper_;
};

}  // namespace posim::gui
