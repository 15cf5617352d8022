// The terminal's faceplate: the display, the transaction type and amount, the card (choose a
// profile; insert, tap, swipe, remove), the keypad that is also the PIN pad (digits shown as *),
// and the printed receipt. It drives a TerminalSession and shows what its devices report; every
// line on the display and the receipt comes from the engine.
//
// Mouse and keyboard: digits, Backspace (clear), Enter (start / OK / yes), Escape (cancel / no).
// While idle the digits type the amount in minor units (1, 2, 0, 0 -> 12.00); while the PIN pad
// is asked, they type the PIN. A card action while the terminal is idle starts the selected
// transaction with that card. Cancel while waiting for a card ends the transaction ("NO CARD");
// at the PIN prompt it bypasses PIN entry (the card's CVM list decides what follows). Enter with
// no PIN digits bypasses too.
//
// PIN digits are kept only while typed (pin_), shown only as '*', handed to the devices on Enter
// and wiped at once; they are in no signal, log or accessor. Errors and refusals are reported
// through statusMessage(), never in a modal box.
//
// Child objectNames (tests, style sheets): terminalDisplay, typeCombo, amountEdit,
// originalCombo, cardCombo, insertButton, tapButton, swipeButton, removeButton, key0..key9,
// clearKey, cancelKey, enterKey, startButton, receiptView, clockLabel, advanceHourButton,
// advanceDayButton.
#pragma once

#include <QWidget>

#include "app/terminal_session.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

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
  void selectType(acquirer::TransactionType type);
  void setAmount(const QString& amount);
  // Starts the selected transaction (what Enter does when idle).
  void startTransaction();

 signals:
  void statusMessage(const QString& message);

 protected:
  void keyPressEvent(QKeyEvent* event) override;

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
