// The faceplate's card selector with PC/SC readers, over the real parts: a pcscd of the test's
// own with vsmartcard's vpcd driver (tests/support/private_pcscd.h), the visa-credit virtual card
// served into its first slot over the vpcd protocol (simulator/pcsc, on a thread of this test),
// and the faceplate's TerminalSession running a chip sale against the card through pcscd. The
// sale gives the outcome, cryptogram and TVR of the same sale with the in-process virtual card.
// Also: the Readers button says why there are none when pcscd is not running, an empty reader
// ends the sale with "no card in reader '...'", and a reader reads no stripe.
//
// The functions run in order: the first one runs before pcscd is started.
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "posim/scenarios/profiles.h"
#include "posim/scenarios/resolver.h"

#include "app/metatypes.h"
#include "app/pcsc_readers.h"
#include "app/terminal_session.h"
#include "faceplate_rig.h"
#include "private_pcscd.h"
#include "reader_checks.h"
#include "widgets/faceplate.h"

#ifdef POSIM_WITH_PCSC
#include "posim/emv/virtual_card.h"
#include "posim/pcsc/vpcd.h"
#endif

using posim::acquirer::TransactionType;
using posim::gui::Faceplate;
using posim::gui::test::kWaitMs;
using posim::scenarios::ReportedTransaction;
using posim::test::kVpcdSlot0;
using posim::test::kVpcdSlot1;
using posim::test::PrivatePcscd;

namespace {

const QString kVisa = QStringLiteral("visa-credit");
const QString kPin = QStringLiteral("1234");
const QString kVisaPan = QStringLiteral("4761739001010010");

}  // namespace

class CardReaderTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void cleanupTestCase();
  void withoutPcscdTheReadersButtonSaysWhy();
  void chipSaleThroughTheReaderMatchesTheVirtualCard();
  void anEmptyReaderEndsTheSaleWithNoCard();
  void aCardInsertedLaterShowsWithoutAsking();

 private:
  // A fresh session and faceplate, configured on the embedded backend at a fixed start.
  void openTerminal();
  // Starts the sale of `amount` with the selected card by Insert, types the PIN, returns the
  // finished transaction.
  std::optional<ReportedTransaction> chipSale(const QString& amount);
  // Presses Readers and waits for the listing.
  void pressReaders();
  // Starts pcscd (once) and serves visa-credit into slot 0; skips when the parts are missing.
  bool startReaders();
  template <typename T>
  T* child(const QString& name) {
    return rig_.child<T>(name);
  }

  std::unique_ptr<PrivatePcscd> pcscd_;
  QString skip_;  // why the reader tests cannot run here
  // A virtual card served into a vpcd slot on a thread of its own.
  struct Served {
    std::atomic<bool> stop{false};
    std::atomic<int> messages{0};  // messages the card answered (APDUs and controls)
    std::thread thread;
    ~Served() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
  };
  std::unique_ptr<Served> serve(const QString& card, int slot);

  std::unique_ptr<Served> served_;  // visa-credit in slot 0

  posim::gui::test::FaceplateRig rig_;
};

void CardReaderTest::initTestCase() {
  posim::gui::registerMetaTypes();
  QVERIFY2(!qEnvironmentVariable("POSIM_EXAMPLES").isEmpty(), "POSIM_EXAMPLES is not set");
#ifdef POSIM_WITH_PCSC
  skip_ = QString::fromStdString(PrivatePcscd::missing());
#else
  skip_ = QStringLiteral("posim was built without pcsc-lite (libpcsclite-dev, scripts/setup)");
#endif
  // Before any PC/SC call of this process: pcsc-lite reads PCSCLITE_CSOCK_NAME once.
  pcscd_ = std::make_unique<PrivatePcscd>();
}

void CardReaderTest::init() {
  openTerminal();
}

void CardReaderTest::cleanup() {
  rig_.close();
}

void CardReaderTest::cleanupTestCase() {
  served_.reset();
  pcscd_.reset();
}

void CardReaderTest::openTerminal() {
  const QString problem = rig_.open({kVisa.toStdString()});
  QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void CardReaderTest::pressReaders() {
  const auto before = rig_.status->count();
  QTest::mouseClick(child<QToolButton>(QStringLiteral("readersButton")), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(rig_.status->count() > before, kWaitMs);
}

std::optional<ReportedTransaction> CardReaderTest::chipSale(const QString& amount) {
  rig_.faceplate->selectType(TransactionType::kSale);
  rig_.faceplate->setAmount(amount);
  const auto before = rig_.finished->count();
  QTest::mouseClick(child<QPushButton>(QStringLiteral("insertButton")), Qt::LeftButton);
  // visa-credit asks for an online PIN; a card that is not read ends the sale first.
  if (!QTest::qWaitFor(
          [&] {
            return rig_.faceplate->mode() == Faceplate::Mode::kEnteringPin ||
                   rig_.finished->count() > before;
          },
          kWaitMs)) {
    return std::nullopt;
  }
  if (rig_.faceplate->mode() == Faceplate::Mode::kEnteringPin) {
    QTest::keyClicks(rig_.faceplate.get(), kPin);
    QTest::keyClick(rig_.faceplate.get(), Qt::Key_Return);
  }
  if (!QTest::qWaitFor([&] { return rig_.finished->count() > before; }, kWaitMs))
    return std::nullopt;
  if (!QTest::qWaitFor([&] { return rig_.faceplate->mode() == Faceplate::Mode::kIdle; }, kWaitMs)) {
    return std::nullopt;
  }
  return rig_.finished->last().at(0).value<ReportedTransaction>();
}

bool CardReaderTest::startReaders() {
  if (!skip_.isEmpty()) return false;
#ifdef POSIM_WITH_PCSC
  if (pcscd_->running()) return true;
  // The private socket only: this process already asked pcscd there (pcsc-lite keeps the name).
  const std::string error = pcscd_->start(posim::gui::test::bothVpcdSlotsListed, false);
  if (!error.empty()) {
    qWarning("%s", error.c_str());
    return false;
  }
  // visa-credit, fresh, in slot 0: the card a `posim card serve --card visa-credit` would be.
  served_ = serve(kVisa, 0);
  return QTest::qWaitFor([] { return posim::gui::test::readerHasCard(QLatin1String(kVpcdSlot0)); },
                         kWaitMs);
#else
  return false;
#endif
}

std::unique_ptr<CardReaderTest::Served> CardReaderTest::serve(const QString& card, int slot) {
  auto served = std::make_unique<Served>();
#ifdef POSIM_WITH_PCSC
  Served* s = served.get();
  const std::uint16_t port = pcscd_->vpcdPort(slot);
  served->thread = std::thread([s, port, name = card.toStdString()] {
    posim::scenarios::Resolver resolver;
    auto profile = posim::scenarios::loadCardProfile(name, resolver);
    if (!profile.isOk()) return;
    auto virtual_card = posim::emv::VirtualCard::create(*profile);
    if (!virtual_card.isOk()) return;
    posim::pcsc::VpcdCard vpcd_card(*virtual_card);
    posim::pcsc::VpcdServeOptions options;
    options.port = port;
    options.stop = &s->stop;
    options.reconnect_delay_ms = 100;
    options.after_message = [s] { ++s->messages; };
    (void)posim::pcsc::serveOverVpcd(vpcd_card, options);
  });
#else
  (void)card;
  (void)slot;
#endif
  return served;
}

void CardReaderTest::withoutPcscdTheReadersButtonSaysWhy() {
  auto* cards = child<QComboBox>(QStringLiteral("cardCombo"));
  QCOMPARE(cards->count(), 1);  // visa-credit; no reader
  pressReaders();
  const QString said = rig_.status->last().at(0).toString();
#ifdef POSIM_WITH_PCSC
  QVERIFY2(said.contains(QStringLiteral("pcscd is not running")), qPrintable(said));
#else
  QVERIFY2(said.contains(QStringLiteral("built without PC/SC")), qPrintable(said));
#endif
  QCOMPARE(cards->count(), 1);
  QCOMPARE(cards->currentText(), kVisa);
}

void CardReaderTest::chipSaleThroughTheReaderMatchesTheVirtualCard() {
  if (!startReaders()) {
    if (skip_.isEmpty()) QFAIL("pcscd did not start or never saw the served card");
    QSKIP(qPrintable(skip_));
  }
  // The virtual card first, in this fresh session: the served card hears nothing of it.
  rig_.faceplate->selectCard(kVisa);
  const int served_before = served_->messages;
  const std::optional<ReportedTransaction> in_process = chipSale(QStringLiteral("12.34"));
  QVERIFY(in_process.has_value());
  QVERIFY2(in_process->record.approved, in_process->record.reason.c_str());
  QCOMPARE(served_->messages.load(), served_before);

  // The same sale in a fresh session, with the card in the reader.
  cleanup();
  openTerminal();
  pressReaders();
  auto* cards = child<QComboBox>(QStringLiteral("cardCombo"));
  QVERIFY2(rig_.status->last().at(0).toString().contains(QStringLiteral("2 reader(s)")),
           qPrintable(rig_.status->last().at(0).toString()));
  QCOMPARE(cards->findText(QStringLiteral("Reader: %1").arg(QLatin1String(kVpcdSlot0))), 2);
  QCOMPARE(cards->findText(QStringLiteral("Reader: %1").arg(QLatin1String(kVpcdSlot1))), 3);
  QCOMPARE(cards->currentText(), kVisa);                      // the listing keeps the choice
  rig_.faceplate->selectReader(QStringLiteral("PCD 00 00"));  // a unique part of the name
  QCOMPARE(cards->currentIndex(), 2);
  QVERIFY(!child<QPushButton>(QStringLiteral("swipeButton"))->isEnabled());
  QVERIFY(child<QPushButton>(QStringLiteral("insertButton"))->isEnabled());

  const std::optional<ReportedTransaction> through_pcsc = chipSale(QStringLiteral("12.34"));
  QVERIFY(through_pcsc.has_value());
  // SELECT PSE, SELECT AID, GPO, READ RECORDs, GET DATA, 2 x GENERATE AC, ...: all through pcscd.
  QVERIFY2(served_->messages - served_before >= 8, qPrintable(QString::number(served_->messages)));
  const posim::terminal::TransactionRecord& record = through_pcsc->record;
  QVERIFY2(record.approved, record.reason.c_str());
  QCOMPARE(record.card, std::string("pcsc:") + kVpcdSlot0);
  QCOMPARE(record.entry, std::optional(posim::emv::EntryMode::kContact));
  QCOMPARE(record.outcome, in_process->record.outcome);
  QCOMPARE(record.masked_pan, in_process->record.masked_pan);
  QCOMPARE(record.aid, in_process->record.aid);
  QCOMPARE(record.atc, in_process->record.atc);
  QCOMPARE(record.tvr, in_process->record.tvr);
  QCOMPARE(record.tsi, in_process->record.tsi);
  QCOMPARE(record.cvm, in_process->record.cvm);
  QCOMPARE(record.cryptogram, in_process->record.cryptogram);
  QCOMPARE(record.cryptogram_hex, in_process->record.cryptogram_hex);
  QCOMPARE(record.response_code, in_process->record.response_code);
  QVERIFY(!rig_.faceplate->receiptText().contains(kVisaPan));
  QVERIFY(rig_.faceplate->receiptText().contains(QStringLiteral("0010")));
  // The reader is free again for other PC/SC applications: the sale disconnected.
  auto again = posim::gui::openReaderCard(kVpcdSlot0);
  QVERIFY2(again.isOk(), again.status().message().c_str());
}

void CardReaderTest::anEmptyReaderEndsTheSaleWithNoCard() {
  if (!startReaders()) {
    if (skip_.isEmpty()) QFAIL("pcscd did not start or never saw the served card");
    QSKIP(qPrintable(skip_));
  }
  pressReaders();
  rig_.faceplate->selectReader(QLatin1String(kVpcdSlot1));
  auto* cards = child<QComboBox>(QStringLiteral("cardCombo"));
  QCOMPARE(cards->currentData(Qt::ToolTipRole).toString(),
           QStringLiteral("PC/SC reader; no card in it"));
  // Swipe is refused before anything starts.
  const auto before = rig_.status->count();
  rig_.faceplate->swipeCard();
  QCOMPARE(rig_.status->count(), before + 1);
  QVERIFY(rig_.status->last().at(0).toString().contains(QStringLiteral("not stripes")));
  QVERIFY(!rig_.session->busy());

  const std::optional<ReportedTransaction> done = chipSale(QStringLiteral("5.00"));
  QVERIFY(done.has_value());
  QVERIFY(!done->record.approved);
  QCOMPARE(done->record.outcome, std::string("no_card"));
  bool said = false;
  for (const QList<QVariant>& message : *rig_.status) {
    said = said || message.at(0).toString().contains(
                       QStringLiteral("no card in reader '%1'").arg(QLatin1String(kVpcdSlot1)));
  }
  QVERIFY2(said, qPrintable(rig_.status->last().at(0).toString()));
  // An unknown reader is refused with a message, the choice unchanged.
  rig_.faceplate->selectReader(QStringLiteral("Gemalto"));
  QVERIFY(
      rig_.status->last().at(0).toString().contains(QStringLiteral("No card reader 'Gemalto'")));
  QCOMPARE(cards->currentData(Qt::ToolTipRole).toString(),
           QStringLiteral("PC/SC reader; no card in it"));
}

void CardReaderTest::aCardInsertedLaterShowsWithoutAsking() {
  if (!startReaders()) {
    if (skip_.isEmpty()) QFAIL("pcscd did not start or never saw the served card");
    QSKIP(qPrintable(skip_));
  }
  // The faceplate is shown: it watches the readers, nobody presses Readers.
  auto* cards = child<QComboBox>(QStringLiteral("cardCombo"));
  const QString slot1 = QStringLiteral("Reader: %1").arg(QLatin1String(kVpcdSlot1));
  QTRY_VERIFY_WITH_TIMEOUT(cards->findText(slot1) >= 0, kWaitMs);
  QCOMPARE(cards->itemData(cards->findText(slot1), Qt::ToolTipRole).toString(),
           QStringLiteral("PC/SC reader; no card in it"));
  std::unique_ptr<Served> later = serve(QStringLiteral("mastercard-debit"), 1);
  QTRY_VERIFY_WITH_TIMEOUT(cards->itemData(cards->findText(slot1), Qt::ToolTipRole)
                               .toString()
                               .startsWith(QStringLiteral("PC/SC reader; card in it, ATR ")),
                           kWaitMs);
  later.reset();  // the card is taken out
  QTRY_COMPARE_WITH_TIMEOUT(cards->itemData(cards->findText(slot1), Qt::ToolTipRole).toString(),
                            QStringLiteral("PC/SC reader; no card in it"), kWaitMs);
  QCOMPARE(cards->currentText(), kVisa);  // the choice survives every listing
}

QTEST_MAIN(CardReaderTest)
#include "card_reader_test.moc"
