#include "widgets/faceplate.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QToolButton>
#include <QVBoxLayout>
#include <array>
#include <string>

#include "posim/base/money.h"

namespace posim::gui {

namespace {

using acquirer::TransactionType;

constexpr qsizetype kMaxPinDigits = 12;
constexpr qsizetype kMinPinDigits = 4;
constexpr qsizetype kMaxAmountDigits = 12;

// The types a person starts from the faceplate (reversals are the engine's own, echo is a
// network test the settings offer).
constexpr std::array kFaceplateTypes = {
    TransactionType::kSale,   TransactionType::kPreauth, TransactionType::kCompletion,
    TransactionType::kCancel, TransactionType::kRefund,  TransactionType::kBalance,
    TransactionType::kSettle,
};

// Which inputs each type reads: the engine's rules (terminal::Engine::run) as the faceplate
// needs them to enable its controls.
bool takesCard(TransactionType type) {
  return type == TransactionType::kSale || type == TransactionType::kPreauth ||
         type == TransactionType::kBalance;
}
bool needsAmount(TransactionType type) {
  return type == TransactionType::kSale || type == TransactionType::kPreauth;
}
bool takesAmount(TransactionType type) {
  return needsAmount(type) || type == TransactionType::kCompletion ||
         type == TransactionType::kRefund;
}
bool takesOriginal(TransactionType type) {
  return type == TransactionType::kCompletion || type == TransactionType::kCancel ||
         type == TransactionType::kRefund;
}

QString qs(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString typeName(TransactionType type) {
  return qs(acquirer::transactionTypeName(type));
}

// The card selector's items: a card profile (text: its name) or a reader (data: its name).
constexpr int kReaderRole = Qt::UserRole + 1;
const QString kReaderPrefix = QStringLiteral("pcsc:");

QPushButton* makeKey(const QString& text, const QString& name, QWidget* parent) {
  auto* key = new QPushButton(text, parent);
  key->setObjectName(name);
  key->setFocusPolicy(Qt::NoFocus);  // the keyboard stays with the faceplate
  key->setMinimumHeight(36);
  return key;
}

}  // namespace

Faceplate::Faceplate(TerminalSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
  setFocusPolicy(Qt::StrongFocus);
  setMinimumWidth(380);
  const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);

  display_ = new QLabel(this);
  display_->setObjectName(QStringLiteral("terminalDisplay"));
  QFont lcd = fixed;
  lcd.setPointSizeF(fixed.pointSizeF() * 1.5);
  lcd.setBold(true);
  display_->setFont(lcd);
  display_->setWordWrap(true);
  display_->setAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  display_->setMinimumHeight(QFontMetrics(lcd).lineSpacing() * 2 + 24);
  display_->setStyleSheet(QStringLiteral(
      "#terminalDisplay { background: #1f2b1f; color: #a8f0a0; border: 2px solid #0d140d;"
      " border-radius: 6px; padding: 8px; }"));
  display_->setAccessibleName(tr("Terminal display"));

  // What to run.
  type_ = new QComboBox(this);
  type_->setObjectName(QStringLiteral("typeCombo"));
  for (TransactionType type : kFaceplateTypes) {
    type_->addItem(typeName(type), static_cast<int>(type));
  }
  amount_ = new QLineEdit(this);
  amount_->setObjectName(QStringLiteral("amountEdit"));
  amount_->setPlaceholderText(tr("12.00"));
  amount_->setValidator(new QRegularExpressionValidator(
      QRegularExpression(QStringLiteral("[0-9]{0,12}([.][0-9]{0,3})?")), amount_));
  original_ = new QComboBox(this);
  original_->setObjectName(QStringLiteral("originalCombo"));
  original_->setToolTip(tr("The approved transaction a completion, cancel or refund refers to"));
  // Long labels (masked PAN, status) must not widen the pane.
  for (QComboBox* combo : {type_, original_}) {
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(16);
  }
  original_label_ = new QLabel(tr("&Original"), this);
  original_label_->setBuddy(original_);
  auto* what = new QFormLayout;
  auto* type_label = new QLabel(tr("&Type"), this);
  type_label->setBuddy(type_);
  auto* amount_label = new QLabel(tr("&Amount"), this);
  amount_label->setBuddy(amount_);
  what->addRow(type_label, type_);
  what->addRow(amount_label, amount_);
  what->addRow(original_label_, original_);

  // The card.
  card_ = new QComboBox(this);
  card_->setObjectName(QStringLiteral("cardCombo"));
  card_->setToolTip(
      tr("The card the cardholder presents: a virtual card profile, or the card in a PC/SC "
         "reader"));
  card_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  card_->setMinimumContentsLength(16);
  readers_button_ = new QToolButton(this);
  readers_button_->setObjectName(QStringLiteral("readersButton"));
  readers_button_->setText(tr("Readers"));
  readers_button_->setToolTip(tr("Look again for PC/SC card readers (pcscd)"));
  readers_button_->setFocusPolicy(Qt::NoFocus);
  readers_ = new ReaderList(this);
  insert_ = new QPushButton(tr("Insert"), this);
  insert_->setObjectName(QStringLiteral("insertButton"));
  insert_->setToolTip(tr("Insert the chip into the slot"));
  tap_ = new QPushButton(tr("Tap"), this);
  tap_->setObjectName(QStringLiteral("tapButton"));
  tap_->setToolTip(tr("Tap the card on the contactless reader"));
  swipe_ = new QPushButton(tr("Swipe"), this);
  swipe_->setObjectName(QStringLiteral("swipeButton"));
  swipe_->setToolTip(tr("Swipe the magnetic stripe"));
  remove_ = new QPushButton(tr("Remove"), this);
  remove_->setObjectName(QStringLiteral("removeButton"));
  remove_->setToolTip(tr("Take the card out of the reader"));
  for (QPushButton* b : {insert_, tap_, swipe_, remove_}) b->setFocusPolicy(Qt::NoFocus);
  auto* card_box = new QGroupBox(tr("Card"), this);
  auto* card_layout = new QVBoxLayout(card_box);
  auto* card_row = new QHBoxLayout;
  card_row->addWidget(card_, 1);
  card_row->addWidget(readers_button_);
  card_layout->addLayout(card_row);
  auto* card_buttons = new QHBoxLayout;
  for (QPushButton* b : {insert_, tap_, swipe_, remove_}) card_buttons->addWidget(b);
  card_layout->addLayout(card_buttons);

  // The keypad, also the PIN pad.
  auto* keypad = new QGridLayout;
  keypad->setSpacing(4);
  std::array<QPushButton*, 10> digits{};
  for (int digit = 0; digit <= 9; ++digit) {
    digits[static_cast<std::size_t>(digit)] =
        makeKey(QString::number(digit), QStringLiteral("key%1").arg(digit), this);
    connect(digits[static_cast<std::size_t>(digit)], &QPushButton::clicked, this,
            [this, digit] { pressDigit(digit); });
  }
  for (int digit = 1; digit <= 9; ++digit) {
    keypad->addWidget(digits[static_cast<std::size_t>(digit)], (digit - 1) / 3, (digit - 1) % 3);
  }
  keypad->addWidget(digits[0], 3, 1);
  QPushButton* cancel = makeKey(tr("Cancel"), QStringLiteral("cancelKey"), this);
  cancel->setToolTip(tr("Cancel (Esc)"));
  cancel->setStyleSheet(QStringLiteral("#cancelKey { background: #c0392b; color: white; }"));
  QPushButton* clear = makeKey(tr("Clear"), QStringLiteral("clearKey"), this);
  clear->setToolTip(tr("Clear the last digit (Backspace)"));
  clear->setStyleSheet(QStringLiteral("#clearKey { background: #e1b12c; color: black; }"));
  QPushButton* enter = makeKey(tr("Enter"), QStringLiteral("enterKey"), this);
  enter->setToolTip(tr("Start / OK (Enter)"));
  enter->setStyleSheet(QStringLiteral("#enterKey { background: #27ae60; color: white; }"));
  keypad->addWidget(cancel, 0, 3);
  keypad->addWidget(clear, 1, 3);
  keypad->addWidget(enter, 2, 3, 2, 1);
  enter->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
  connect(cancel, &QPushButton::clicked, this, &Faceplate::pressCancel);
  connect(clear, &QPushButton::clicked, this, &Faceplate::pressClear);
  connect(enter, &QPushButton::clicked, this, &Faceplate::pressEnter);

  start_ = new QPushButton(tr("Start transaction"), this);
  start_->setObjectName(QStringLiteral("startButton"));
  start_->setFocusPolicy(Qt::NoFocus);

  receipt_ = new QPlainTextEdit(this);
  receipt_->setObjectName(QStringLiteral("receiptView"));
  receipt_->setReadOnly(true);
  receipt_->setFont(fixed);
  receipt_->setPlaceholderText(tr("The printed receipt appears here."));
  receipt_->setMinimumHeight(120);
  receipt_->setStyleSheet(QStringLiteral("#receiptView { background: #fdfdf6; color: #202020; }"));

  clock_ = new QLabel(tr("Virtual time: not started"), this);
  clock_->setObjectName(QStringLiteral("clockLabel"));
  clock_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  clock_->setWordWrap(true);
  advance_hour_ = new QPushButton(tr("+1 hour"), this);
  advance_hour_->setObjectName(QStringLiteral("advanceHourButton"));
  advance_hour_->setToolTip(tr("Move the terminal's virtual clock on by an hour"));
  advance_day_ = new QPushButton(tr("+1 day"), this);
  advance_day_->setObjectName(QStringLiteral("advanceDayButton"));
  advance_day_->setToolTip(tr("Move the terminal's virtual clock on by a day"));
  for (QPushButton* b : {advance_hour_, advance_day_}) b->setFocusPolicy(Qt::NoFocus);
  auto* clock_row = new QHBoxLayout;
  clock_row->addWidget(clock_, 1);
  clock_row->addWidget(advance_hour_);
  clock_row->addWidget(advance_day_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(display_);
  layout->addLayout(what);
  layout->addWidget(card_box);
  layout->addLayout(keypad);
  layout->addWidget(start_);
  layout->addWidget(receipt_, 1);
  layout->addLayout(clock_row);

  // The person.
  connect(insert_, &QPushButton::clicked, this, &Faceplate::insertCard);
  connect(tap_, &QPushButton::clicked, this, &Faceplate::tapCard);
  connect(swipe_, &QPushButton::clicked, this, &Faceplate::swipeCard);
  connect(remove_, &QPushButton::clicked, this, &Faceplate::removeCard);
  connect(readers_button_, &QToolButton::clicked, this, &Faceplate::refreshReaders);
  connect(card_, &QComboBox::currentIndexChanged, this, &Faceplate::updateControls);
  connect(readers_, &ReaderList::changed, this, &Faceplate::fillCards);
  connect(readers_, &ReaderList::listed, this,
          [this](const QList<ReaderEntry>& readers, const QString& problem) {
            if (fill_pending_) fillCards();
            if (!report_reader_problem_) return;
            report_reader_problem_ = false;
            if (!problem.isEmpty()) {
              emit statusMessage(tr("Card readers: %1").arg(problem));
            } else if (readers.isEmpty()) {
              emit statusMessage(tr("Card readers: pcscd sees no reader; connect one."));
            } else {
              emit statusMessage(
                  tr("Card readers: %n reader(s).", nullptr, static_cast<int>(readers.size())));
            }
          });
  connect(start_, &QPushButton::clicked, this, &Faceplate::startTransaction);
  // While idle the display shows what Enter would start.
  auto show_what = [this] {
    if (mode_ != Mode::kIdle) return;
    const TransactionType type = selectedType();
    QString amount = takesAmount(type) ? amount_->text().trimmed() : QString();
    if (!amount.isEmpty()) amount += QLatin1Char(' ') + session_->currencyCode();
    showScreen(typeName(type).toUpper(), amount);
  };
  connect(type_, &QComboBox::currentIndexChanged, this, [this, show_what] {
    updateControls();
    show_what();
  });
  connect(amount_, &QLineEdit::textChanged, this, show_what);
  connect(advance_hour_, &QPushButton::clicked, this,
          [this] { session_->advance(std::chrono::hours(1)); });
  connect(advance_day_, &QPushButton::clicked, this,
          [this] { session_->advance(std::chrono::hours(24)); });

  // The session.
  connect(session_, &TerminalSession::configured, this, [this](const QStringList&) {
    fillCards();
    readers_->refresh();
    showScreen(QStringLiteral("WELCOME"), session_->currencyCode());
    updateControls();
  });
  connect(session_, &TerminalSession::failed, this, [this](const QString& message) {
    emit statusMessage(message);
    if (!session_->busy()) setMode(Mode::kIdle);
    updateControls();
  });
  connect(session_, &TerminalSession::busyChanged, this, [this](bool busy) {
    if (busy) {
      if (mode_ == Mode::kIdle) setMode(Mode::kBusy);
    } else {
      pin_.fill(QLatin1Char('0'));
      pin_.clear();
      setMode(Mode::kIdle);
    }
    updateControls();
  });
  connect(session_, &TerminalSession::sessionChanged, this, &Faceplate::refreshOriginals);
  connect(session_, &TerminalSession::transactionFinished, this, &Faceplate::reportFinished);
  connect(session_, &TerminalSession::clockChanged, this, [this](const QString& virtual_time) {
    clock_->setText(tr("Virtual time: %1").arg(virtual_time));
  });

  // The terminal's devices (signals from the worker thread arrive queued).
  GuiDevices* devices = session_->devices();
  connect(devices, &GuiDevices::displayChanged, this, &Faceplate::showScreen);
  connect(devices, &GuiDevices::cardRequested, this, [this](const QString&) {
    if (session_->busy()) setMode(Mode::kWaitingForCard);
  });
  connect(devices, &GuiDevices::cardWaitFinished, this, [this](bool taken, const QString& problem) {
    if (mode_ == Mode::kWaitingForCard) setMode(Mode::kBusy);
    if (taken || !session_->busy()) return;
    emit statusMessage(problem.isEmpty() ? tr("No card was read.")
                                         : tr("No card was read: %1.").arg(problem));
  });
  connect(devices, &GuiDevices::cardRemovalRequested, this,
          [this] { emit statusMessage(tr("Remove the card.")); });
  connect(devices, &GuiDevices::pinRequested, this, [this](const QString& prompt, int) {
    pin_.clear();
    pin_prompt_ = prompt;
    setMode(Mode::kEnteringPin);
    setFocus(Qt::OtherFocusReason);  // the digits go to the PIN pad, not to the amount field
  });
  connect(devices, &GuiDevices::pinFinished, this, [this] {
    pin_.fill(QLatin1Char('0'));
    pin_.clear();
    if (mode_ == Mode::kEnteringPin) setMode(Mode::kBusy);
  });
  connect(devices, &GuiDevices::confirmationRequested, this, [this](const QString& question) {
    line1_ = question;
    line2_ = tr("ENTER=YES CANCEL=NO");
    setMode(Mode::kConfirming);
  });
  connect(devices, &GuiDevices::confirmationFinished, this, [this] {
    if (mode_ == Mode::kConfirming) setMode(Mode::kBusy);
  });
  connect(devices, &GuiDevices::receiptPrinted, this,
          [this](const QString& copy, const QString& text) {
            if (new_receipt_) receipt_->clear();
            new_receipt_ = false;
            receipt_->appendPlainText(tr("---- %1 copy ----").arg(copy));
            receipt_->appendPlainText(text);
          });

  fillCards();
  if (session_->ready()) readers_->refresh();
  refreshOriginals();
  refreshDisplay();
  updateControls();
}

QString Faceplate::displayText() const {
  if (mode_ == Mode::kEnteringPin) {
    return pin_prompt_ + QLatin1Char('\n') + QString(pin_.size(), QLatin1Char('*'));
  }
  return line1_ + QLatin1Char('\n') + line2_;
}

QString Faceplate::receiptText() const {
  return receipt_->toPlainText();
}

void Faceplate::pressDigit(int digit) {
  if (digit < 0 || digit > 9) return;
  switch (mode_) {
    case Mode::kEnteringPin:
      if (pin_.size() < kMaxPinDigits) pin_.append(QChar(u'0' + digit));
      refreshDisplay();
      break;
    case Mode::kIdle: typeAmountDigit(digit); break;
    case Mode::kWaitingForCard:
    case Mode::kConfirming:
    case Mode::kBusy: break;
  }
}

void Faceplate::pressClear() {
  switch (mode_) {
    case Mode::kEnteringPin:
      pin_.chop(1);
      refreshDisplay();
      break;
    case Mode::kIdle: eraseAmountDigit(); break;
    case Mode::kWaitingForCard:
    case Mode::kConfirming:
    case Mode::kBusy: break;
  }
}

void Faceplate::pressCancel() {
  switch (mode_) {
    case Mode::kIdle:
      amount_->clear();
      session_->devices()->cancel();  // forgets a card presented early
      break;
    case Mode::kEnteringPin:
      pin_.fill(QLatin1Char('0'));
      pin_.clear();
      session_->devices()->cancel();
      break;
    case Mode::kWaitingForCard:
    case Mode::kConfirming:
    case Mode::kBusy: session_->devices()->cancel(); break;
  }
}

void Faceplate::pressEnter() {
  switch (mode_) {
    case Mode::kIdle: startTransaction(); break;
    case Mode::kEnteringPin: submitPin(); break;
    case Mode::kConfirming: session_->devices()->answer(true); break;
    case Mode::kWaitingForCard:
      emit statusMessage(tr("The terminal waits for a card: insert, tap or swipe one."));
      break;
    case Mode::kBusy: break;
  }
}

void Faceplate::submitPin() {
  if (pin_.isEmpty()) {
    session_->devices()->bypassPin();
    return;
  }
  if (pin_.size() < kMinPinDigits) {
    emit statusMessage(tr("A PIN has %1 to %2 digits; type more or press Enter on an empty PIN "
                          "to bypass it.")
                           .arg(kMinPinDigits)
                           .arg(kMaxPinDigits));
    return;
  }
  session_->devices()->submitPin(pin_);
  pin_.fill(QLatin1Char('0'));
  pin_.clear();
  refreshDisplay();
}

void Faceplate::insertCard() {
  present(emv::EntryMode::kContact);
}
void Faceplate::tapCard() {
  present(emv::EntryMode::kContactless);
}
void Faceplate::swipeCard() {
  present(emv::EntryMode::kMagstripe);
}

void Faceplate::removeCard() {
  session_->devices()->removeCard();
}

void Faceplate::selectCard(const QString& name) {
  int index = -1;
  for (int i = 0; i < card_->count() && index < 0; ++i) {
    if (!card_->itemData(i, kReaderRole).isValid() && card_->itemText(i) == name) index = i;
  }
  if (index < 0) {
    emit statusMessage(
        tr("No card profile '%1' in this session; choose one of the list.").arg(name));
    return;
  }
  card_->setCurrentIndex(index);
}

void Faceplate::selectReader(const QString& reader) {
  // The exact name, else the only reader whose name contains it (as `emv run --reader`).
  int exact = -1;
  QList<int> partial;
  for (int i = 0; i < card_->count(); ++i) {
    const QVariant name = card_->itemData(i, kReaderRole);
    if (!name.isValid()) continue;
    if (name.toString() == reader) exact = i;
    if (name.toString().contains(reader, Qt::CaseInsensitive)) partial.append(i);
  }
  if (exact < 0 && partial.size() == 1) exact = partial.front();
  if (exact < 0) {
    emit statusMessage(
        partial.isEmpty()
            ? tr("No card reader '%1': connect it, then press Readers.").arg(reader)
            : tr("'%1' names more than one card reader; give more of the name.").arg(reader));
    return;
  }
  card_->setCurrentIndex(exact);
}

void Faceplate::refreshReaders() {
  report_reader_problem_ = true;
  readers_->refresh();
}

QString Faceplate::selectedReader() const {
  const QVariant reader = card_->currentData(kReaderRole);
  return reader.isValid() ? reader.toString() : QString();
}

void Faceplate::fillCards() {
  // Never under the person's pointer: an open list is refilled once it closes.
  fill_pending_ = card_->view() != nullptr && card_->view()->isVisible();
  if (fill_pending_) return;
  const QString previous_reader = selectedReader();
  const QString previous_card = previous_reader.isEmpty() ? card_->currentText() : QString();
  const QSignalBlocker quiet(card_);
  card_->clear();
  if (session_->ready()) card_->addItems(session_->cards());
  const QList<ReaderEntry>& readers = readers_->readers();
  if (!readers.isEmpty() && card_->count() > 0) card_->insertSeparator(card_->count());
  for (const ReaderEntry& reader : readers) {
    card_->addItem(tr("Reader: %1").arg(reader.name));
    const int index = card_->count() - 1;
    card_->setItemData(index, reader.name, kReaderRole);
    card_->setItemData(index,
                       reader.card_present ? tr("PC/SC reader; card in it, ATR %1").arg(reader.atr)
                                           : tr("PC/SC reader; no card in it"),
                       Qt::ToolTipRole);
  }
  int index = -1;
  for (int i = 0; i < card_->count() && index < 0; ++i) {
    const QVariant reader = card_->itemData(i, kReaderRole);
    if (previous_reader.isEmpty() ? !reader.isValid() && card_->itemText(i) == previous_card
                                  : reader.isValid() && reader.toString() == previous_reader) {
      index = i;
    }
  }
  if (index >= 0) card_->setCurrentIndex(index);
  updateControls();
}

void Faceplate::selectType(acquirer::TransactionType type) {
  const int index = type_->findData(static_cast<int>(type));
  if (index < 0) {
    emit statusMessage(tr("The faceplate does not start a %1.").arg(typeName(type)));
    return;
  }
  type_->setCurrentIndex(index);
}

void Faceplate::setAmount(const QString& amount) {
  amount_->setText(amount.trimmed());
}

void Faceplate::startTransaction() {
  if (!session_->ready()) {
    emit statusMessage(tr("The terminal is not configured yet: choose its settings first."));
    return;
  }
  if (mode_ != Mode::kIdle || session_->busy()) {
    emit statusMessage(tr("A transaction is running: finish or cancel it first."));
    return;
  }
  const TransactionType type = selectedType();
  TransactionSpec spec;
  spec.type = type;
  if (takesAmount(type)) spec.amount = amount_->text().trimmed();
  if (needsAmount(type) && spec.amount.isEmpty()) {
    emit statusMessage(tr("A %1 needs an amount: type it on the keypad or in the amount field.")
                           .arg(typeName(type)));
    return;
  }
  if (takesOriginal(type)) {
    const QVariant original = original_->currentData();
    if (!original.isValid()) {
      emit statusMessage(
          tr("A %1 refers to an approved transaction of this session: run one first, then "
             "choose it under Original.")
              .arg(typeName(type)));
      return;
    }
    spec.original_id = original.toLongLong();
  }
  if (takesCard(type)) {
    const QString reader = selectedReader();
    spec.card = reader.isEmpty() ? card_->currentText() : kReaderPrefix + reader;
  }
  new_receipt_ = true;
  session_->start(spec);
}

void Faceplate::present(emv::EntryMode entry) {
  if (!session_->ready()) {
    emit statusMessage(tr("The terminal is not configured yet: choose its settings first."));
    return;
  }
  const QString reader = selectedReader();
  const QString name = card_->currentText();
  if (name.isEmpty()) {
    emit statusMessage(tr("Choose a card profile first."));
    return;
  }
  if (!reader.isEmpty() && entry == emv::EntryMode::kMagstripe) {
    emit statusMessage(tr("A PC/SC reader reads chips, not stripes: insert or tap the card."));
    return;
  }
  if (mode_ == Mode::kIdle) {
    if (!takesCard(selectedType())) {
      emit statusMessage(
          tr("A %1 reads no card: press Enter to start it.").arg(typeName(selectedType())));
      return;
    }
    startTransaction();
    if (mode_ == Mode::kIdle) return;  // refused; the reason is in the status bar
  } else if (mode_ != Mode::kWaitingForCard && mode_ != Mode::kBusy) {
    emit statusMessage(tr("The terminal is not waiting for a card."));
    return;
  }
  if (reader.isEmpty()) {
    session_->devices()->presentCard(name, entry);
  } else {
    session_->devices()->presentReaderCard(reader, entry);
  }
}

void Faceplate::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  readers_->setWatching(true);
}

void Faceplate::hideEvent(QHideEvent* event) {
  QWidget::hideEvent(event);
  readers_->setWatching(false);
}

void Faceplate::keyPressEvent(QKeyEvent* event) {
  const int key = event->key();
  if (key >= Qt::Key_0 && key <= Qt::Key_9) {
    pressDigit(key - Qt::Key_0);
  } else if (key == Qt::Key_Backspace || key == Qt::Key_Delete) {
    pressClear();
  } else if (key == Qt::Key_Return || key == Qt::Key_Enter) {
    pressEnter();
  } else if (key == Qt::Key_Escape) {
    pressCancel();
  } else {
    QWidget::keyPressEvent(event);
    return;
  }
  event->accept();
}

void Faceplate::setMode(Mode mode) {
  mode_ = mode;
  refreshDisplay();
  updateControls();
}

void Faceplate::showScreen(const QString& line1, const QString& line2) {
  line1_ = line1;
  line2_ = line2;
  refreshDisplay();
}

void Faceplate::refreshDisplay() {
  display_->setText(displayText());
}

void Faceplate::refreshOriginals() {
  const QVariant selected = original_->currentData();
  original_->clear();
  const auto& transactions = session_->transactions();
  // Newest first: the one just run is the one a cancel usually means.
  for (auto it = transactions.rbegin(); it != transactions.rend(); ++it) {
    const terminal::TransactionRecord& record = it->record;
    if (!record.approved || record.voided || record.reversed) continue;
    if (record.type != TransactionType::kSale && record.type != TransactionType::kPreauth &&
        record.type != TransactionType::kCompletion) {
      continue;
    }
    const QString label = QStringLiteral("#%1 %2 %3 %4 (%5)")
                              .arg(record.id)
                              .arg(typeName(record.type), qs(record.amount.toString()),
                                   qs(record.masked_pan), qs(it->status));
    original_->addItem(label, QVariant::fromValue<qlonglong>(record.id));
  }
  if (selected.isValid()) {
    const int index = original_->findData(selected);
    if (index >= 0) original_->setCurrentIndex(index);
  }
  updateControls();
}

void Faceplate::updateControls() {
  const bool ready = session_->ready();
  const bool idle = mode_ == Mode::kIdle && !session_->busy();
  const TransactionType type = selectedType();
  type_->setEnabled(idle);
  amount_->setEnabled(idle && takesAmount(type));
  original_->setEnabled(idle && takesOriginal(type) && original_->count() > 0);
  original_label_->setEnabled(original_->isEnabled());
  card_->setEnabled(ready && idle);
  const bool card_wanted = ready && ((idle && takesCard(type)) || mode_ == Mode::kWaitingForCard ||
                                     mode_ == Mode::kBusy);
  for (QPushButton* b : {insert_, tap_, swipe_}) b->setEnabled(card_wanted);
  if (!selectedReader().isEmpty()) swipe_->setEnabled(false);  // a reader reads chips only
  remove_->setEnabled(ready);
  start_->setEnabled(ready && idle);
  advance_hour_->setEnabled(ready && idle);
  advance_day_->setEnabled(ready && idle);
}

void Faceplate::typeAmountDigit(int digit) {
  if (!takesAmount(selectedType())) return;
  QString digits = amount_->text();
  digits.remove(QRegularExpression(QStringLiteral("[^0-9]")));
  while (digits.startsWith(QLatin1Char('0'))) digits.remove(0, 1);
  if (digits.size() >= kMaxAmountDigits) return;
  digits.append(QChar(u'0' + digit));
  const Currency currency =
      session_->scenario() ? session_->scenario()->merchant.currency : Currency{};
  amount_->setText(qs(Money(digits.toLongLong(), currency).toDecimalString()));
}

void Faceplate::eraseAmountDigit() {
  QString digits = amount_->text();
  digits.remove(QRegularExpression(QStringLiteral("[^0-9]")));
  while (digits.startsWith(QLatin1Char('0'))) digits.remove(0, 1);
  digits.chop(1);
  if (digits.isEmpty()) {
    amount_->clear();
    return;
  }
  const Currency currency =
      session_->scenario() ? session_->scenario()->merchant.currency : Currency{};
  amount_->setText(qs(Money(digits.toLongLong(), currency).toDecimalString()));
}

void Faceplate::reportFinished(const scenarios::ReportedTransaction& transaction) {
  const terminal::TransactionRecord& record = transaction.record;
  QString message = tr("%1 #%2: %3")
                        .arg(typeName(record.type))
                        .arg(record.id)
                        .arg(record.approved ? tr("approved") : qs(record.outcome));
  if (!record.response_code.empty()) {
    message += tr(", response code %1").arg(qs(record.response_code));
  }
  if (!record.approved && !record.reason.empty()) message += tr(" (%1)").arg(qs(record.reason));
  emit statusMessage(message);
}

acquirer::TransactionType Faceplate::selectedType() const {
  return static_cast<TransactionType>(type_->currentData().toInt());
}

}  // namespace posim::gui
