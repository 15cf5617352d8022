// The faceplate over a real TerminalSession: the engine on its worker thread, the embedded
// backend, the example card profiles (POSIM_EXAMPLES). A person's work is done both through the
// faceplate's public slots and through key presses and clicks on its objectNamed children:
// a chip sale with online PIN (digits shown only as '*'), a contactless sale by tapping, a wrong
// PIN and a cancel at the card prompt, and the void of a sale chosen in the original combo.
#include "widgets/faceplate.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <algorithm>
#include <memory>
#include <optional>

#include "posim/base/clock.h"

#include "app/metatypes.h"
#include "app/terminal_session.h"

using posim::acquirer::TransactionType;
using posim::gui::Faceplate;
using posim::gui::TerminalSession;
using posim::scenarios::ReportedTransaction;

namespace {

constexpr int kWaitMs = 30000;  // generous for AddressSanitizer; passing tests never wait it out

const QString kVisa = QStringLiteral("visa-credit");
const QString kMastercard = QStringLiteral("mastercard-credit-contactless");
const QString kVisaPan = QStringLiteral("4761739001010010");  // examples/cards/visa-credit.yaml
const QString kMastercardPan = QStringLiteral("5413330089010012");
const QString kPin = QStringLiteral("1234");  // both profiles' PIN

}  // namespace

class FaceplateTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void startsIdleWithItsChildren();
  void chipSaleWithOnlinePinByKeyboard();
  void contactlessSaleByTapping();
  void wrongPinByMouseIsDeclined();
  void cancelAtTheCardPromptEndsTheTransaction();
  void voidOfTheFirstSaleThroughTheOriginalCombo();
  void refusalsAreStatusMessages();
  void advancingTheClockMovesTheVirtualTime();

 private:
  template <typename T>
  T* child(const QString& name) {
    T* found = faceplate_->findChild<T*>(name);
    if (found == nullptr) qWarning("no child %s", qPrintable(name));
    return found;
  }
  // Waits for the transaction that is running to end; its record.
  std::optional<ReportedTransaction> waitForFinish();
  // A contactless sale of `amount` run through the slots; its record.
  std::optional<ReportedTransaction> tapSale(const QString& amount);

  std::unique_ptr<TerminalSession> session_;
  std::unique_ptr<Faceplate> faceplate_;
  std::unique_ptr<QSignalSpy> finished_;
  std::unique_ptr<QSignalSpy> reported_;
  std::unique_ptr<QSignalSpy> status_;
};

void FaceplateTest::initTestCase() {
  posim::gui::registerMetaTypes();
  QVERIFY2(!qEnvironmentVariable("POSIM_EXAMPLES").isEmpty(), "POSIM_EXAMPLES is not set");
}

void FaceplateTest::init() {
  session_ = std::make_unique<TerminalSession>();
  session_->devices()->setTimeout(std::chrono::milliseconds(kWaitMs));
  faceplate_ = std::make_unique<Faceplate>(session_.get());
  faceplate_->resize(400, 780);
  faceplate_->show();
  QVERIFY(QTest::qWaitForWindowExposed(faceplate_.get()));
  finished_ = std::make_unique<QSignalSpy>(session_.get(), &TerminalSession::transactionFinished);
  reported_ = std::make_unique<QSignalSpy>(session_.get(), &TerminalSession::transactionReported);
  status_ = std::make_unique<QSignalSpy>(faceplate_.get(), &Faceplate::statusMessage);

  posim::scenarios::WorkbenchChoice choice;
  choice.cards = {kVisa.toStdString(), kMastercard.toStdString()};
  auto start = posim::parseIso8601("2026-03-02T10:00:00+08:00");
  QVERIFY(start.isOk());
  choice.start = *start;
  QSignalSpy configured(session_.get(), &TerminalSession::configured);
  QSignalSpy failed(session_.get(), &TerminalSession::failed);
  session_->configure(choice, QStringLiteral("embedded"), 7);
  QTRY_VERIFY_WITH_TIMEOUT(configured.count() + failed.count() > 0, kWaitMs);
  QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
  QVERIFY(session_->ready());
  QCOMPARE(session_->currencyCode(), QStringLiteral("CNY"));
}

void FaceplateTest::cleanup() {
  status_.reset();
  reported_.reset();
  finished_.reset();
  faceplate_.reset();
  session_.reset();
}

std::optional<ReportedTransaction> FaceplateTest::waitForFinish() {
  const auto before = finished_->count();
  if (!QTest::qWaitFor([&] { return finished_->count() > before || !session_->busy(); }, kWaitMs)) {
    return std::nullopt;
  }
  if (!QTest::qWaitFor([&] { return faceplate_->mode() == Faceplate::Mode::kIdle; }, kWaitMs)) {
    return std::nullopt;
  }
  if (finished_->isEmpty()) return std::nullopt;
  return finished_->last().at(0).value<ReportedTransaction>();
}

std::optional<ReportedTransaction> FaceplateTest::tapSale(const QString& amount) {
  faceplate_->selectType(TransactionType::kSale);
  faceplate_->setAmount(amount);
  faceplate_->selectCard(kMastercard);
  const auto before = finished_->count();
  faceplate_->tapCard();
  if (!QTest::qWaitFor([&] { return finished_->count() > before; }, kWaitMs)) return std::nullopt;
  return waitForFinish();
}

void FaceplateTest::startsIdleWithItsChildren() {
  for (const char* name : {"typeCombo", "originalCombo", "cardCombo"}) {
    QVERIFY2(child<QComboBox>(QLatin1String(name)) != nullptr, name);
  }
  for (const char* name :
       {"insertButton", "tapButton", "swipeButton", "removeButton", "clearKey", "cancelKey",
        "enterKey", "startButton", "advanceHourButton", "advanceDayButton"}) {
    QVERIFY2(child<QPushButton>(QLatin1String(name)) != nullptr, name);
  }
  for (int digit = 0; digit <= 9; ++digit) {
    QVERIFY(child<QPushButton>(QStringLiteral("key%1").arg(digit)) != nullptr);
  }
  QVERIFY(child<QLabel>(QStringLiteral("terminalDisplay")) != nullptr);
  QVERIFY(child<QLabel>(QStringLiteral("clockLabel")) != nullptr);
  QVERIFY(child<QLineEdit>(QStringLiteral("amountEdit")) != nullptr);
  QVERIFY(child<QPlainTextEdit>(QStringLiteral("receiptView")) != nullptr);
  QVERIFY(faceplate_->minimumWidth() >= 360 && faceplate_->minimumWidth() <= 420);
  QVERIFY2(faceplate_->minimumSizeHint().width() <= 420,
           qPrintable(QString::number(faceplate_->minimumSizeHint().width())));
  // One pane of a 1280x800 main window, under its menu, tool and status bars.
  QVERIFY2(faceplate_->minimumSizeHint().height() <= 680,
           qPrintable(QString::number(faceplate_->minimumSizeHint().height())));

  QCOMPARE(faceplate_->mode(), Faceplate::Mode::kIdle);
  auto* cards = child<QComboBox>(QStringLiteral("cardCombo"));
  QCOMPARE(cards->count(), 2);
  QVERIFY(cards->findText(kVisa) >= 0);
  QVERIFY(cards->findText(kMastercard) >= 0);
  QTRY_VERIFY(child<QLabel>(QStringLiteral("clockLabel"))
                  ->text()
                  .contains(QStringLiteral("2026-03-02T10:00")));
  // The type combo offers the engine's words.
  auto* types = child<QComboBox>(QStringLiteral("typeCombo"));
  for (const char* word :
       {"sale", "preauth", "completion", "cancel", "refund", "balance", "settle"}) {
    QVERIFY2(types->findText(QLatin1String(word)) >= 0, word);
  }
  // Keypad digits type the amount in minor units while idle.
  QTest::keyClicks(faceplate_.get(), QStringLiteral("1250"));
  QCOMPARE(child<QLineEdit>(QStringLiteral("amountEdit"))->text(), QStringLiteral("12.50"));
  QTest::keyClick(faceplate_.get(), Qt::Key_Backspace);
  QCOMPARE(child<QLineEdit>(QStringLiteral("amountEdit"))->text(), QStringLiteral("1.25"));
  QCOMPARE(faceplate_->displayText(), QStringLiteral("SALE\n1.25 CNY"));
  QTest::keyClick(faceplate_.get(), Qt::Key_Escape);
  QVERIFY(child<QLineEdit>(QStringLiteral("amountEdit"))->text().isEmpty());
}

void FaceplateTest::chipSaleWithOnlinePinByKeyboard() {
  faceplate_->selectType(TransactionType::kSale);
  QTest::keyClicks(faceplate_.get(), QStringLiteral("1200"));
  QCOMPARE(child<QLineEdit>(QStringLiteral("amountEdit"))->text(), QStringLiteral("12.00"));
  faceplate_->selectCard(kVisa);
  QTest::mouseClick(child<QPushButton>(QStringLiteral("insertButton")), Qt::LeftButton);

  // visa-credit's CVM list starts with online PIN.
  QTRY_COMPARE_WITH_TIMEOUT(faceplate_->mode(), Faceplate::Mode::kEnteringPin, kWaitMs);
  QVERIFY2(faceplate_->displayText().startsWith(QStringLiteral("ONLINE PIN")),
           qPrintable(faceplate_->displayText()));
  QVERIFY(!child<QPushButton>(QStringLiteral("startButton"))->isEnabled());
  QVERIFY(!child<QLineEdit>(QStringLiteral("amountEdit"))->isEnabled());
  auto* display = child<QLabel>(QStringLiteral("terminalDisplay"));
  for (int typed = 1; typed <= kPin.size(); ++typed) {
    QTest::keyClick(faceplate_.get(), kPin.at(typed - 1).toLatin1());
    const QString stars(typed, QLatin1Char('*'));
    QVERIFY(faceplate_->displayText().endsWith(QLatin1Char('\n') + stars));
    QVERIFY(display->text().endsWith(stars));
    for (const QChar digit : kPin) {
      QVERIFY(!faceplate_->displayText().section(QLatin1Char('\n'), 1).contains(digit));
      QVERIFY(!display->text().section(QLatin1Char('\n'), 1).contains(digit));
    }
  }
  // Backspace takes one digit back; type it again.
  QTest::keyClick(faceplate_.get(), Qt::Key_Backspace);
  QVERIFY(faceplate_->displayText().endsWith(QStringLiteral("\n***")));
  QTest::keyClick(faceplate_.get(), kPin.back().toLatin1());
  QTest::keyClick(faceplate_.get(), Qt::Key_Return);

  const std::optional<ReportedTransaction> done = waitForFinish();
  QVERIFY(done.has_value());
  const posim::terminal::TransactionRecord& record = done->record;
  QVERIFY2(record.approved, record.reason.c_str());
  QCOMPARE(record.type, TransactionType::kSale);
  QCOMPARE(record.cvm, std::string("online_pin"));
  QCOMPARE(record.entry, std::optional(posim::emv::EntryMode::kContact));
  QCOMPARE(done->card, kVisa.toStdString());
  QVERIFY2(faceplate_->displayText().startsWith(QStringLiteral("APPROVED")),
           qPrintable(faceplate_->displayText()));
  QCOMPARE(faceplate_->mode(), Faceplate::Mode::kIdle);
  QVERIFY(child<QPushButton>(QStringLiteral("startButton"))->isEnabled());

  // The receipt: merchant and customer copy, PAN masked.
  QTRY_VERIFY(faceplate_->receiptText().contains(QStringLiteral("merchant copy")));
  const QString receipt = faceplate_->receiptText();
  QVERIFY(receipt.contains(QStringLiteral("customer copy")));
  QVERIFY(receipt.contains(QStringLiteral("12.00")));
  QVERIFY2(receipt.contains(QStringLiteral("0010")), qPrintable(receipt));
  QVERIFY(!receipt.contains(kVisaPan));

  // The table hears of it under a transaction key, approved; no signal carries the PIN.
  QVERIFY(!reported_->isEmpty());
  const QList<QVariant> row = reported_->last();
  QVERIFY(row.at(0).toInt() > 0);
  QCOMPARE(row.at(1).toString(), QStringLiteral("manual"));
  QVERIFY(row.at(2).value<ReportedTransaction>().record.approved);
  for (const QList<QVariant>& message : *status_) {
    QVERIFY(!message.at(0).toString().contains(kPin));
    QVERIFY(!message.at(0).toString().contains(kVisaPan));
  }
  // The original combo now offers the sale, with its PAN masked.
  auto* originals = child<QComboBox>(QStringLiteral("originalCombo"));
  QCOMPARE(originals->count(), 1);
  QVERIFY(originals->itemText(0).contains(QStringLiteral("0010")));
  QVERIFY(!originals->itemText(0).contains(kVisaPan));
}

void FaceplateTest::contactlessSaleByTapping() {
  faceplate_->selectType(TransactionType::kSale);
  faceplate_->setAmount(QStringLiteral("8.00"));
  faceplate_->selectCard(kMastercard);
  QTest::mouseClick(child<QPushButton>(QStringLiteral("tapButton")), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(!finished_->isEmpty(), kWaitMs);
  const std::optional<ReportedTransaction> done = waitForFinish();
  QVERIFY(done.has_value());
  QVERIFY2(done->record.approved, done->record.reason.c_str());
  QCOMPARE(done->record.entry, std::optional(posim::emv::EntryMode::kContactless));
  QCOMPARE(done->record.amount.toDecimalString(), std::string("8.00"));
  QVERIFY(faceplate_->displayText().startsWith(QStringLiteral("APPROVED")));
  QVERIFY(faceplate_->receiptText().contains(QStringLiteral("0012")));
  QVERIFY(!faceplate_->receiptText().contains(kMastercardPan));
}

void FaceplateTest::wrongPinByMouseIsDeclined() {
  faceplate_->selectType(TransactionType::kSale);
  faceplate_->setAmount(QStringLiteral("30.00"));
  faceplate_->selectCard(kVisa);
  // Start first, then insert: the terminal waits for the card.
  QTest::mouseClick(child<QPushButton>(QStringLiteral("startButton")), Qt::LeftButton);
  QTRY_COMPARE_WITH_TIMEOUT(faceplate_->mode(), Faceplate::Mode::kWaitingForCard, kWaitMs);
  faceplate_->insertCard();
  QTRY_COMPARE_WITH_TIMEOUT(faceplate_->mode(), Faceplate::Mode::kEnteringPin, kWaitMs);
  for (int i = 0; i < 4; ++i) {
    QTest::mouseClick(child<QPushButton>(QStringLiteral("key9")), Qt::LeftButton);
  }
  QCOMPARE(faceplate_->displayText().section(QLatin1Char('\n'), 1), QStringLiteral("****"));
  QTest::mouseClick(child<QPushButton>(QStringLiteral("enterKey")), Qt::LeftButton);
  const std::optional<ReportedTransaction> done = waitForFinish();
  QVERIFY(done.has_value());
  QVERIFY(!done->record.approved);
  QVERIFY2(faceplate_->displayText().startsWith(QStringLiteral("DECLINED")),
           qPrintable(faceplate_->displayText()));
  QCOMPARE(faceplate_->mode(), Faceplate::Mode::kIdle);
  // A declined sale is nothing to cancel or refund.
  QCOMPARE(child<QComboBox>(QStringLiteral("originalCombo"))->count(), 0);
  QVERIFY(!status_->isEmpty());
  QVERIFY(!status_->last().at(0).toString().contains(QStringLiteral("9999")));
}

void FaceplateTest::cancelAtTheCardPromptEndsTheTransaction() {
  faceplate_->selectType(TransactionType::kSale);
  faceplate_->setAmount(QStringLiteral("5.00"));
  QTest::keyClick(faceplate_.get(), Qt::Key_Enter);
  QTRY_COMPARE_WITH_TIMEOUT(faceplate_->mode(), Faceplate::Mode::kWaitingForCard, kWaitMs);
  QVERIFY(faceplate_->displayText().contains(QStringLiteral("PRESENT CARD")));
  QTest::keyClick(faceplate_.get(), Qt::Key_Escape);
  const std::optional<ReportedTransaction> done = waitForFinish();
  QVERIFY(done.has_value());
  QVERIFY(!done->record.approved);
  QCOMPARE(done->record.outcome, std::string("no_card"));
  // The terminal said so, then ended the transaction.
  QVERIFY(std::find(done->record.display.begin(), done->record.display.end(),
                    "NO CARD / TRANSACTION CANCELLED") != done->record.display.end());
  QVERIFY2(faceplate_->displayText().startsWith(QStringLiteral("DECLINED")),
           qPrintable(faceplate_->displayText()));
  QCOMPARE(faceplate_->mode(), Faceplate::Mode::kIdle);
  QVERIFY(faceplate_->receiptText().isEmpty());  // nothing printed

  // Back to idle for good: the next sale runs.
  const std::optional<ReportedTransaction> next = tapSale(QStringLiteral("6.00"));
  QVERIFY(next.has_value());
  QVERIFY(next->record.approved);
}

void FaceplateTest::voidOfTheFirstSaleThroughTheOriginalCombo() {
  const std::optional<ReportedTransaction> first = tapSale(QStringLiteral("9.00"));
  QVERIFY(first.has_value());
  QVERIFY(first->record.approved);
  const std::optional<ReportedTransaction> second = tapSale(QStringLiteral("7.00"));
  QVERIFY(second.has_value());
  QVERIFY(second->record.approved);

  auto* originals = child<QComboBox>(QStringLiteral("originalCombo"));
  faceplate_->selectType(TransactionType::kCancel);
  QVERIFY(originals->isEnabled());
  QVERIFY(!child<QLineEdit>(QStringLiteral("amountEdit"))->isEnabled());
  QCOMPARE(originals->count(), 2);
  const int index = originals->findData(QVariant::fromValue<qlonglong>(first->record.id));
  QVERIFY(index >= 0);
  QVERIFY(originals->itemText(index).contains(QStringLiteral("9.00")));
  QVERIFY(!originals->itemText(index).contains(kMastercardPan));
  originals->setCurrentIndex(index);
  QTest::keyClick(faceplate_.get(), Qt::Key_Return);

  const std::optional<ReportedTransaction> cancel = waitForFinish();
  QVERIFY(cancel.has_value());
  QVERIFY2(cancel->record.approved, cancel->record.reason.c_str());
  QCOMPARE(cancel->record.type, TransactionType::kCancel);
  QCOMPARE(cancel->record.original_id, std::optional<std::int64_t>(first->record.id));
  QVERIFY(faceplate_->displayText().startsWith(QStringLiteral("APPROVED")));
  // The voided sale is no longer offered; the other one is.
  QTRY_COMPARE(originals->count(), 1);
  QCOMPARE(originals->itemData(0).toLongLong(), second->record.id);
  // The table's row of the first sale now says voided.
  bool saw_voided = false;
  for (const QList<QVariant>& row : *reported_) {
    const auto t = row.at(2).value<ReportedTransaction>();
    if (t.record.id == first->record.id && t.status == "voided") saw_voided = true;
  }
  QVERIFY(saw_voided);
}

void FaceplateTest::refusalsAreStatusMessages() {
  // A sale without an amount does not start.
  faceplate_->selectType(TransactionType::kSale);
  faceplate_->setAmount(QString());
  status_->clear();
  faceplate_->startTransaction();
  QCOMPARE(status_->count(), 1);
  QVERIFY(status_->at(0).at(0).toString().contains(QStringLiteral("amount")));
  QVERIFY(!session_->busy());
  // A refund with nothing to refund does not start either.
  faceplate_->selectType(TransactionType::kRefund);
  faceplate_->pressEnter();
  QCOMPARE(status_->count(), 2);
  QVERIFY(!session_->busy());
  // An amount the core cannot read comes back as a status message, and the faceplate is idle.
  faceplate_->selectType(TransactionType::kSale);
  faceplate_->setAmount(QStringLiteral("1.234"));
  faceplate_->startTransaction();
  QTRY_VERIFY_WITH_TIMEOUT(status_->count() >= 3 && !session_->busy(), kWaitMs);
  QCOMPARE(faceplate_->mode(), Faceplate::Mode::kIdle);
  // A card the session does not have.
  faceplate_->selectCard(QStringLiteral("no-such-card"));
  QVERIFY(status_->last().at(0).toString().contains(QStringLiteral("no-such-card")));
}

void FaceplateTest::advancingTheClockMovesTheVirtualTime() {
  auto* clock = child<QLabel>(QStringLiteral("clockLabel"));
  QTRY_VERIFY(clock->text().contains(QStringLiteral("2026-03-02")));
  QTest::mouseClick(child<QPushButton>(QStringLiteral("advanceDayButton")), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(clock->text().contains(QStringLiteral("2026-03-03")), kWaitMs);
}

QTEST_MAIN(FaceplateTest)
#include "faceplate_test.moc"
