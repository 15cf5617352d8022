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
#include "faceplate_rig.h"

using posim::acquirer::TransactionType;
using posim::gui::Faceplate;
using posim::gui::TerminalSession;
using posim::gui::test::kWaitMs;
using posim::scenarios::ReportedTransaction;

namespace {

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
    return rig_.child<T>(name);
  }
  // Waits for the transaction that is running to end; its record.
  std::optional<ReportedTransaction> waitForFinish();
  // A contactless sale of `amount` run through the slots; its record.
  std::optional<ReportedTransaction> tapSale(const QString& amount);

  posim::gui::test::FaceplateRig rig_;
};

void FaceplateTest::initTestCase() {
  posim::gui::registerMetaTypes();
  QVERIFY2(!qEnvironmentVariable("POSIM_EXAMPLES").isEmpty(), "POSIM_EXAMPLES is not set");
}

void FaceplateTest::init() {
  const QString problem = rig_.open({kVisa.toStdString(), kMastercard.toStdString()});
  QVERIFY2(problem.isEmpty(), qPrintable(problem));
  QCOMPARE(rig_.session->currencyCode(), QStringLiteral("CNY"));
}

void FaceplateTest::cleanup() {
  rig_.close();
}

std::optional<ReportedTransaction> FaceplateTest::waitForFinish() {
  const auto before = rig_.finished->count();
  if (!QTest::qWaitFor([&] { return rig_.finished->count() > before || !rig_.session->busy(); },
                       kWaitMs)) {
    return std::nullopt;
  }
  if (!QTest::qWaitFor([&] { return rig_.faceplate->mode() == Faceplate::Mode::kIdle; }, kWaitMs)) {
    return std::nullopt;
  }
  if (rig_.finished->isEmpty()) return std::nullopt;
  return rig_.finished->last().at(0).value<ReportedTransaction>();
}

std::optional<ReportedTransaction> FaceplateTest::tapSale(const QString& amount) {
  rig_.faceplate->selectType(TransactionType::kSale);
  rig_.faceplate->setAmount(amount);
  rig_.faceplate->selectCard(kMastercard);
  const auto before = rig_.finished->count();
  rig_.faceplate->tapCard();
  if (!QTest::qWaitFor([&] { return rig_.finished->count() > before; }, kWaitMs))
    return std::nullopt;
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
  QVERIFY(rig_.faceplate->minimumWidth() >= 360 && rig_.faceplate->minimumWidth() <= 420);
  QVERIFY2(rig_.faceplate->minimumSizeHint().width() <= 420,
           qPrintable(QString::number(rig_.faceplate->minimumSizeHint().width())));
  // One pane of a 1280x800 main window, under its menu, tool and status bars.
  QVERIFY2(rig_.faceplate->minimumSizeHint().height() <= 680,
           qPrintable(QString::number(rig_.faceplate->minimumSizeHint().height())));

  QCOMPARE(rig_.faceplate->mode(), Faceplate::Mode::kIdle);
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
  QTest::keyClicks(rig_.faceplate.get(), QStringLiteral("1250"));
  QCOMPARE(child<QLineEdit>(QStringLiteral("amountEdit"))->text(), QStringLiteral("12.50"));
  QTest::keyClick(rig_.faceplate.get(), Qt::Key_Backspace);
  QCOMPARE(child<QLineEdit>(QStringLiteral("amountEdit"))->text(), QStringLiteral("1.25"));
  QCOMPARE(rig_.faceplate->displayText(), QStringLiteral("SALE\n1.25 CNY"));
  QTest::keyClick(rig_.faceplate.get(), Qt::Key_Escape);
  QVERIFY(child<QLineEdit>(QStringLiteral("amountEdit"))->text().isEmpty());
}

void FaceplateTest::chipSaleWithOnlinePinByKeyboard() {
  rig_.faceplate->selectType(TransactionType::kSale);
  QTest::keyClicks(rig_.faceplate.get(), QStringLiteral("1200"));
  QCOMPARE(child<QLineEdit>(QStringLiteral("amountEdit"))->text(), QStringLiteral("12.00"));
  rig_.faceplate->selectCard(kVisa);
  QTest::mouseClick(child<QPushButton>(QStringLiteral("insertButton")), Qt::LeftButton);

  // visa-credit's CVM list starts with online PIN.
  QTRY_COMPARE_WITH_TIMEOUT(rig_.faceplate->mode(), Faceplate::Mode::kEnteringPin, kWaitMs);
  QVERIFY2(rig_.faceplate->displayText().startsWith(QStringLiteral("ONLINE PIN")),
           qPrintable(rig_.faceplate->displayText()));
  QVERIFY(!child<QPushButton>(QStringLiteral("startButton"))->isEnabled());
  QVERIFY(!child<QLineEdit>(QStringLiteral("amountEdit"))->isEnabled());
  auto* display = child<QLabel>(QStringLiteral("terminalDisplay"));
  for (int typed = 1; typed <= kPin.size(); ++typed) {
    QTest::keyClick(rig_.faceplate.get(), kPin.at(typed - 1).toLatin1());
    const QString stars(typed, QLatin1Char('*'));
    QVERIFY(rig_.faceplate->displayText().endsWith(QLatin1Char('\n') + stars));
    QVERIFY(display->text().endsWith(stars));
    for (const QChar digit : kPin) {
      QVERIFY(!rig_.faceplate->displayText().section(QLatin1Char('\n'), 1).contains(digit));
      QVERIFY(!display->text().section(QLatin1Char('\n'), 1).contains(digit));
    }
  }
  // Backspace takes one digit back; type it again.
  QTest::keyClick(rig_.faceplate.get(), Qt::Key_Backspace);
  QVERIFY(rig_.faceplate->displayText().endsWith(QStringLiteral("\n***")));
  QTest::keyClick(rig_.faceplate.get(), kPin.back().toLatin1());
  QTest::keyClick(rig_.faceplate.get(), Qt::Key_Return);

  const std::optional<ReportedTransaction> done = waitForFinish();
  QVERIFY(done.has_value());
  const posim::terminal::TransactionRecord& record = done->record;
  QVERIFY2(record.approved, record.reason.c_str());
  QCOMPARE(record.type, TransactionType::kSale);
  QCOMPARE(record.cvm, std::string("online_pin"));
  QCOMPARE(record.entry, std::optional(posim::emv::EntryMode::kContact));
  QCOMPARE(done->card, kVisa.toStdString());
  QVERIFY2(rig_.faceplate->displayText().startsWith(QStringLiteral("APPROVED")),
           qPrintable(rig_.faceplate->displayText()));
  QCOMPARE(rig_.faceplate->mode(), Faceplate::Mode::kIdle);
  QVERIFY(child<QPushButton>(QStringLiteral("startButton"))->isEnabled());

  // The receipt: merchant and customer copy, PAN masked.
  QTRY_VERIFY(rig_.faceplate->receiptText().contains(QStringLiteral("merchant copy")));
  const QString receipt = rig_.faceplate->receiptText();
  QVERIFY(receipt.contains(QStringLiteral("customer copy")));
  QVERIFY(receipt.contains(QStringLiteral("12.00")));
  QVERIFY2(receipt.contains(QStringLiteral("0010")), qPrintable(receipt));
  QVERIFY(!receipt.contains(kVisaPan));

  // The table hears of it under a transaction key, approved; no signal carries the PIN.
  QVERIFY(!rig_.reported->isEmpty());
  const QList<QVariant> row = rig_.reported->last();
  QVERIFY(row.at(0).toInt() > 0);
  QCOMPARE(row.at(1).toString(), QStringLiteral("manual"));
  QVERIFY(row.at(2).value<ReportedTransaction>().record.approved);
  for (const QList<QVariant>& message : *rig_.status) {
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
  rig_.faceplate->selectType(TransactionType::kSale);
  rig_.faceplate->setAmount(QStringLiteral("8.00"));
  rig_.faceplate->selectCard(kMastercard);
  QTest::mouseClick(child<QPushButton>(QStringLiteral("tapButton")), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(!rig_.finished->isEmpty(), kWaitMs);
  const std::optional<ReportedTransaction> done = waitForFinish();
  QVERIFY(done.has_value());
  QVERIFY2(done->record.approved, done->record.reason.c_str());
  QCOMPARE(done->record.entry, std::optional(posim::emv::EntryMode::kContactless));
  QCOMPARE(done->record.amount.toDecimalString(), std::string("8.00"));
  QVERIFY(rig_.faceplate->displayText().startsWith(QStringLiteral("APPROVED")));
  QVERIFY(rig_.faceplate->receiptText().contains(QStringLiteral("0012")));
  QVERIFY(!rig_.faceplate->receiptText().contains(kMastercardPan));
}

void FaceplateTest::wrongPinByMouseIsDeclined() {
  rig_.faceplate->selectType(TransactionType::kSale);
  rig_.faceplate->setAmount(QStringLiteral("30.00"));
  rig_.faceplate->selectCard(kVisa);
  // Start first, then insert: the terminal waits for the card.
  QTest::mouseClick(child<QPushButton>(QStringLiteral("startButton")), Qt::LeftButton);
  QTRY_COMPARE_WITH_TIMEOUT(rig_.faceplate->mode(), Faceplate::Mode::kWaitingForCard, kWaitMs);
  rig_.faceplate->insertCard();
  QTRY_COMPARE_WITH_TIMEOUT(rig_.faceplate->mode(), Faceplate::Mode::kEnteringPin, kWaitMs);
  for (int i = 0; i < 4; ++i) {
    QTest::mouseClick(child<QPushButton>(QStringLiteral("key9")), Qt::LeftButton);
  }
  QCOMPARE(rig_.faceplate->displayText().section(QLatin1Char('\n'), 1), QStringLiteral("****"));
  QTest::mouseClick(child<QPushButton>(QStringLiteral("enterKey")), Qt::LeftButton);
  const std::optional<ReportedTransaction> done = waitForFinish();
  QVERIFY(done.has_value());
  QVERIFY(!done->record.approved);
  QVERIFY2(rig_.faceplate->displayText().startsWith(QStringLiteral("DECLINED")),
           qPrintable(rig_.faceplate->displayText()));
  QCOMPARE(rig_.faceplate->mode(), Faceplate::Mode::kIdle);
  // A declined sale is nothing to cancel or refund.
  QCOMPARE(child<QComboBox>(QStringLiteral("originalCombo"))->count(), 0);
  QVERIFY(!rig_.status->isEmpty());
  QVERIFY(!rig_.status->last().at(0).toString().contains(QStringLiteral("9999")));
}

void FaceplateTest::cancelAtTheCardPromptEndsTheTransaction() {
  rig_.faceplate->selectType(TransactionType::kSale);
  rig_.faceplate->setAmount(QStringLiteral("5.00"));
  QTest::keyClick(rig_.faceplate.get(), Qt::Key_Enter);
  QTRY_COMPARE_WITH_TIMEOUT(rig_.faceplate->mode(), Faceplate::Mode::kWaitingForCard, kWaitMs);
  QVERIFY(rig_.faceplate->displayText().contains(QStringLiteral("PRESENT CARD")));
  QTest::keyClick(rig_.faceplate.get(), Qt::Key_Escape);
  const std::optional<ReportedTransaction> done = waitForFinish();
  QVERIFY(done.has_value());
  QVERIFY(!done->record.approved);
  QCOMPARE(done->record.outcome, std::string("no_card"));
  // The terminal said so, then ended the transaction.
  QVERIFY(std::find(done->record.display.begin(), done->record.display.end(),
                    "NO CARD / TRANSACTION CANCELLED") != done->record.display.end());
  QVERIFY2(rig_.faceplate->displayText().startsWith(QStringLiteral("DECLINED")),
           qPrintable(rig_.faceplate->displayText()));
  QCOMPARE(rig_.faceplate->mode(), Faceplate::Mode::kIdle);
  QVERIFY(rig_.faceplate->receiptText().isEmpty());  // nothing printed

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
  rig_.faceplate->selectType(TransactionType::kCancel);
  QVERIFY(originals->isEnabled());
  QVERIFY(!child<QLineEdit>(QStringLiteral("amountEdit"))->isEnabled());
  QCOMPARE(originals->count(), 2);
  const int index = originals->findData(QVariant::fromValue<qlonglong>(first->record.id));
  QVERIFY(index >= 0);
  QVERIFY(originals->itemText(index).contains(QStringLiteral("9.00")));
  QVERIFY(!originals->itemText(index).contains(kMastercardPan));
  originals->setCurrentIndex(index);
  QTest::keyClick(rig_.faceplate.get(), Qt::Key_Return);

  const std::optional<ReportedTransaction> cancel = waitForFinish();
  QVERIFY(cancel.has_value());
  QVERIFY2(cancel->record.approved, cancel->record.reason.c_str());
  QCOMPARE(cancel->record.type, TransactionType::kCancel);
  QCOMPARE(cancel->record.original_id, std::optional<std::int64_t>(first->record.id));
  QVERIFY(rig_.faceplate->displayText().startsWith(QStringLiteral("APPROVED")));
  // The voided sale is no longer offered; the other one is.
  QTRY_COMPARE(originals->count(), 1);
  QCOMPARE(originals->itemData(0).toLongLong(), second->record.id);
  // The table's row of the first sale now says voided.
  bool saw_voided = false;
  for (const QList<QVariant>& row : *rig_.reported) {
    const auto t = row.at(2).value<ReportedTransaction>();
    if (t.record.id == first->record.id && t.status == "voided") saw_voided = true;
  }
  QVERIFY(saw_voided);
}

void FaceplateTest::refusalsAreStatusMessages() {
  // A sale without an amount does not start.
  rig_.faceplate->selectType(TransactionType::kSale);
  rig_.faceplate->setAmount(QString());
  rig_.status->clear();
  rig_.faceplate->startTransaction();
  QCOMPARE(rig_.status->count(), 1);
  QVERIFY(rig_.status->at(0).at(0).toString().contains(QStringLiteral("amount")));
  QVERIFY(!rig_.session->busy());
  // A refund with nothing to refund does not start either.
  rig_.faceplate->selectType(TransactionType::kRefund);
  rig_.faceplate->pressEnter();
  QCOMPARE(rig_.status->count(), 2);
  QVERIFY(!rig_.session->busy());
  // An amount the core cannot read comes back as a status message, and the faceplate is idle.
  rig_.faceplate->selectType(TransactionType::kSale);
  rig_.faceplate->setAmount(QStringLiteral("1.234"));
  rig_.faceplate->startTransaction();
  QTRY_VERIFY_WITH_TIMEOUT(rig_.status->count() >= 3 && !rig_.session->busy(), kWaitMs);
  QCOMPARE(rig_.faceplate->mode(), Faceplate::Mode::kIdle);
  // A card the session does not have.
  rig_.faceplate->selectCard(QStringLiteral("no-such-card"));
  QVERIFY(rig_.status->last().at(0).toString().contains(QStringLiteral("no-such-card")));
}

void FaceplateTest::advancingTheClockMovesTheVirtualTime() {
  auto* clock = child<QLabel>(QStringLiteral("clockLabel"));
  QTRY_VERIFY(clock->text().contains(QStringLiteral("2026-03-02")));
  QTest::mouseClick(child<QPushButton>(QStringLiteral("advanceDayButton")), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(clock->text().contains(QStringLiteral("2026-03-03")), kWaitMs);
}

QTEST_MAIN(FaceplateTest)
#include "faceplate_test.moc"
