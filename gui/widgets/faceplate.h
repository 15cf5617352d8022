// The terminal's faceplate: the display, the transaction type and amount, the card (choose a
// profile, or a PC/SC reader with a physical card in it; insert, tap, swipe, remove), the keypad
// that is also the PIN pad (digits shown as *), and the printed receipt. It drives a
// TerminalSession and shows what its devices report; every line on the display and the receipt
// comes from the engine.
//
// Mouse and keyboard: digits, Backspace (clear), Enter (start / OK / yes), Escape (cancel / no).
// While idle the digits type the amount in minor units (1, 2, 0, 0 -> 12.00); while the PIN pad
// is asked, they type the PIN. A card action while the terminal is idle starts the selected
// transaction with that card. Cancel while waiting for a card ends the transaction ("NO CARD");
// at the PIN prompt it bypasses PIN entry (the card's CVM list decides what follows). Enter with
// no PIN digits bypasses too.
//
// The card selector lists the session's card profiles, then the PC/SC readers pcscd sees
// ("Reader: NAME"), watched every two seconds while the faceplate is shown and listed at once on
// the Readers button (which also says why there are none: "pcscd is not running ..."). With
// a reader chosen, Insert (or Tap, on a contactless reader) hands the kernel the card in that
// reader instead of a virtual card; kernel, backend, traces and reports are the same. A reader
// reads no stripe: Swipe is off. The transaction's card is recorded as "pcsc:NAME".
//
// PIN digits are kept only while typed (pin_), shown only as '*', handed to the devices on Enter
// and wiped at once; they are in no signal, log or accessor. Errors and refusals are reported
// through statusMessage(), never in a modal box.
//
// Child objectNames (tests, style sheets): terminalDisplay, typeCombo, amountEdit,
// originalCombo, cardCombo, readersButton, insertButton, tapButton, swipeButton, removeButton,
// key0..key9, clearKey, cancelKey, enterKey, startButton, receiptView, clockLabel,
// advanceHourButton, advanceDayButton.
#pragma once

#include <QWidget>

#include "app/pcsc_readers.h"
#include "app/terminal_session.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace posim::gui {

class Faceplate final : public QWidget {
  Q_OBJECT

 public:
  enum class Mode { kIdle, kWaitingForCard, kEnteringPin, kConfirming, kBusy };

  explicit Faceplate(TerminalSession* session, QWidget* parent = nullptr);

  Mode mode() const { return mode_; }
  // The two display lines as shown, joined by '\n' ("ENTER PIN\n****").
  QString displayText() const;
  // The receipts printed by the last transaction (merchant and customer copy), as printed.
  QString receiptText() const;

 public slots:
  void pressDigit(int digit);
  void pressClear();
  void pressCancel();
  void pressEnter();
  // Presents the selected card; starts the selected transaction first when idle.
  void insertCard();
  void tapCard();
  void swipeCard();
  void removeCard();
  void selectCard(const QString& name);
  // Chooses the PC/SC reader with this name (or the one whose name contains it) as the card.
  void selectReader(const QString& reader);
  // Lists the PC/SC readers again (asynchronous; a problem such as "pcscd is not running" is
  // reported through statusMessage()).
  void refreshReaders();
  void selectType(acquirer::TransactionType type);
  void setAmount(const QString& amount);
  // Starts the selected transaction (what Enter does when idle).
  void startTransaction();

 signals:
  void statusMessage(const QString& message);

 protected:
  void keyPressEvent(QKeyEvent* event) override;
  // While shown, the readers are watched (a reader plugged in appears in the card selector).
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  void present(emv::EntryMode entry);
  void setMode(Mode mode);
  void showScreen(const QString& line1, const QString& line2);
  void refreshDisplay();
  void refreshOriginals();
  void updateControls();
  void typeAmountDigit(int digit);
  void eraseAmountDigit();
  void submitPin();
  void reportFinished(const scenarios::ReportedTransaction& transaction);
  acquirer::TransactionType selectedType() const;
  // Fills the card selector: the session's profiles, then the readers; keeps the choice.
  void fillCards();
  // The reader chosen in the card selector; empty when a virtual card is.
  QString selectedReader() const;

  TerminalSession* session_;
  Mode mode_ = Mode::kIdle;
  QString line1_ = QStringLiteral("WELCOME");
  QString line2_;
  QString pin_;  // the digits being typed; cleared the moment they are handed over
  QString pin_prompt_;
  bool new_receipt_ = true;  // the next receipt printed replaces the receipt pane

  QLabel* display_ = nullptr;
  QComboBox* type_ = nullptr;
  QLineEdit* amount_ = nullptr;
  QComboBox* original_ = nullptr;
  QLabel* original_label_ = nullptr;
  QComboBox* card_ = nullptr;
  QToolButton* readers_button_ = nullptr;
  ReaderList* readers_ = nullptr;
  bool report_reader_problem_ = false;  // the person asked for the list: say why it is empty
  bool fill_pending_ = false;           // the readers changed while the selector's list was open
  QPushButton* insert_ = nullptr;
  QPushButton* tap_ = nullptr;
  QPushButton* swipe_ = nullptr;
  QPushButton* remove_ = nullptr;
  QPushButton* start_ = nullptr;
  QPlainTextEdit* receipt_ = nullptr;
  QLabel* clock_ = nullptr;
  QPushButton* advance_hour_ = nullptr;
  QPushButton* advance_day_ = nullptr;
};

}  // namespace posim::gui
