// CardServer, the desktop app's `posim card serve`: a virtual card put into vsmartcard's reader
// of a pcscd of the test's own (tests/support/private_pcscd.h), read by a PC/SC client (the
// reader card of pcsc_readers.h, the one the faceplate uses), with every APDU it was sent traced
// as the kernel traces its own. Bad input is refused with the reason; the first function runs
// before pcscd is started.
#include "app/card_server.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "posim/base/bytes.h"

#include "app/metatypes.h"
#include "app/pcsc_readers.h"
#include "private_pcscd.h"
#include "reader_checks.h"

using posim::gui::CardServer;
using posim::gui::test::readerHasCard;
using posim::test::kVpcdSlot0;
using posim::test::PrivatePcscd;

namespace {

constexpr int kWaitMs = 30000;
constexpr const char* kSelectPse = "00A404000E315041592E5359532E444446303100";

}  // namespace

class CardServerTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void cleanupTestCase();
  void badInputIsRefusedWithTheReason();
  void servesTheCardToPcscAndTracesItsApdus();
  void theCardsStateLivesOnInItsFile();

 private:
  // Serves `card` into slot 0 and waits until pcscd sees it.
  bool serve(CardServer& server, const QString& card, bool fresh);
  // SELECT the Visa AID, GPO, then a VERIFY with a wrong plaintext PIN: its status word.
  QString wrongPinStatus();

  std::unique_ptr<PrivatePcscd> pcscd_;
  std::unique_ptr<QTemporaryDir> cache_;  // XDG_CACHE_HOME: the served cards' state files
  QString skip_;
};

void CardServerTest::initTestCase() {
  posim::gui::registerMetaTypes();
#ifdef POSIM_WITH_PCSC
  skip_ = QString::fromStdString(PrivatePcscd::missing());
#else
  skip_ = QStringLiteral("posim was built without pcsc-lite (libpcsclite-dev, scripts/setup)");
#endif
  pcscd_ = std::make_unique<PrivatePcscd>();  // before any PC/SC call: it sets the socket
  cache_ = std::make_unique<QTemporaryDir>();
  QVERIFY(cache_->isValid());
  qputenv("XDG_CACHE_HOME", cache_->path().toLocal8Bit());
}

void CardServerTest::cleanupTestCase() {
  pcscd_.reset();
  qunsetenv("XDG_CACHE_HOME");
  cache_.reset();
}

bool CardServerTest::serve(CardServer& server, const QString& card, bool fresh) {
  if (!server.start(card, QString::fromStdString(pcscd_->vpcd(0)), false, fresh)) return false;
  return QTest::qWaitFor([] { return readerHasCard(QLatin1String(kVpcdSlot0)); }, kWaitMs);
}

QString CardServerTest::wrongPinStatus() {
  auto card = posim::gui::openReaderCard(kVpcdSlot0);
  if (!card.isOk()) return QString::fromStdString(card.status().message());
  if (!(*card)->powerOn(posim::emv::CardInterface::kContact).isOk()) return QStringLiteral("mute");
  QString last;
  for (const char* apdu :
       {"00A4040007A000000003101000", "80A8000002830000", "0020008008241111FFFFFFFFFF"}) {
    auto answer = (*card)->transceive(*posim::fromHex(apdu));
    if (!answer.isOk()) return QString::fromStdString(answer.status().message());
    last = QString::fromStdString(posim::toHex(*answer)).right(4);
  }
  (*card)->powerOff();
  return last;
}

void CardServerTest::badInputIsRefusedWithTheReason() {
  CardServer server;
  QSignalSpy failed(&server, &CardServer::failed);
  QVERIFY(!server.start(QStringLiteral("no-such-card"), QString(), false));
  QCOMPARE(failed.count(), 1);
#ifdef POSIM_WITH_PCSC
  QVERIFY2(failed.last().at(0).toString().contains(QStringLiteral("no-such-card")),
           qPrintable(failed.last().at(0).toString()));
  QVERIFY(!server.start(QStringLiteral("visa-credit"), QStringLiteral("localhost"), false));
  QCOMPARE(failed.last().at(0).toString(),
           QStringLiteral("vpcd address: 'localhost' is not HOST:PORT (port 1-65535)"));
#else
  QVERIFY(failed.last().at(0).toString().contains(QStringLiteral("without PC/SC")));
#endif
  QVERIFY(!server.isServing());
}

void CardServerTest::servesTheCardToPcscAndTracesItsApdus() {
#ifdef POSIM_WITH_PCSC
  if (!skip_.isEmpty()) QSKIP(qPrintable(skip_));
  const std::string error = pcscd_->start(posim::gui::test::bothVpcdSlotsListed, false);
  QVERIFY2(error.empty(), error.c_str());

  CardServer server;
  QSignalSpy started(&server, &CardServer::started);
  QSignalSpy stopped(&server, &CardServer::stopped);
  QSignalSpy traced(server.events(), &posim::gui::EventBridge::eventReceived);
  QVERIFY(
      server.start(QStringLiteral("visa-credit"), QString::fromStdString(pcscd_->vpcd(0)), false));
  QCOMPARE(started.count(), 1);
  QCOMPARE(started.at(0).at(0).toString(), QStringLiteral("visa-credit"));
  QVERIFY(server.isServing());
  QVERIFY(!server.start(QStringLiteral("visa-credit"), QString(), false));  // one at a time
  QVERIFY(QTest::qWaitFor([] { return readerHasCard(QLatin1String(kVpcdSlot0)); }, kWaitMs));

  // A PC/SC client selects the PSE.
  auto card = posim::gui::openReaderCard(kVpcdSlot0);
  QVERIFY2(card.isOk(), card.status().message().c_str());
  QVERIFY((*card)->powerOn(posim::emv::CardInterface::kContact).isOk());
  auto answer = (*card)->transceive(*posim::fromHex(kSelectPse));
  QVERIFY2(answer.isOk(), answer.status().message().c_str());
  QVERIFY(posim::toHex(*answer).ends_with("9000"));
  (*card)->powerOff();
  card->reset();

  // The exchange is in the trace, as the kernel's APDU events are.
  QTRY_VERIFY_WITH_TIMEOUT(traced.count() >= 2, kWaitMs);
  bool command_seen = false;
  bool answer_seen = false;
  for (const QList<QVariant>& args : traced) {
    const auto event = args.at(0).value<posim::TraceEvent>();
    QCOMPARE(event.source, std::string("pcsc card"));
    QCOMPARE(event.format, std::string("apdu"));
    if (event.kind == posim::TraceKind::kApduCommand && posim::toHex(event.data) == kSelectPse) {
      command_seen = true;
      QVERIFY2(event.summary.find("SELECT") != std::string::npos, event.summary.c_str());
    }
    if (event.kind == posim::TraceKind::kApduResponse && event.data == *answer) answer_seen = true;
  }
  QVERIFY(command_seen);
  QVERIFY(answer_seen);

  server.stop();
  QCOMPARE(stopped.count(), 1);
  QVERIFY(!server.isServing());
  QVERIFY(QTest::qWaitFor([] { return readerHasCard(QLatin1String(kVpcdSlot0), false); }, kWaitMs));
#else
  QSKIP(qPrintable(skip_));
#endif
}

// The PIN try counter, decremented by a wrong PIN, is still decremented after the card was taken
// out and served again (the state file of `posim card serve`, mode 0600); a new card starts over;
// another card's state is refused with the reason.
void CardServerTest::theCardsStateLivesOnInItsFile() {
#ifdef POSIM_WITH_PCSC
  if (!skip_.isEmpty()) QSKIP(qPrintable(skip_));
  if (!pcscd_->running()) {
    const std::string error = pcscd_->start(posim::gui::test::bothVpcdSlotsListed, false);
    QVERIFY2(error.empty(), error.c_str());
  }
  const QString card = QStringLiteral("visa-credit");
  QString first;
  {
    CardServer server;
    QVERIFY(serve(server, card, true));
    QCOMPARE(server.statePath(), cache_->filePath(QStringLiteral("posim/cards/visa-credit.json")));
    first = wrongPinStatus();
    QVERIFY2(first.startsWith(QStringLiteral("63C")), qPrintable(first));
    server.stop();
  }
  const QString state = cache_->filePath(QStringLiteral("posim/cards/visa-credit.json"));
  QCOMPARE(QFile::permissions(state) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
  const int tries = first.right(1).toInt(nullptr, 16);
  QVERIFY(QTest::qWaitFor([] { return readerHasCard(QLatin1String(kVpcdSlot0), false); }, kWaitMs));
  {
    CardServer server;
    QVERIFY(serve(server, card, false));
    QCOMPARE(wrongPinStatus(), QStringLiteral("63C%1").arg(tries - 1));
    server.stop();
  }
  QVERIFY(QTest::qWaitFor([] { return readerHasCard(QLatin1String(kVpcdSlot0), false); }, kWaitMs));
  {
    CardServer server;
    QVERIFY(serve(server, card, true));
    QCOMPARE(wrongPinStatus(), first);
    server.stop();
  }
  // visa-credit's state under mastercard-debit's name.
  const QString other = cache_->filePath(QStringLiteral("posim/cards/mastercard-debit.json"));
  QFile::remove(other);
  QVERIFY(QFile::copy(state, other));
  CardServer server;
  QSignalSpy failed(&server, &CardServer::failed);
  QVERIFY(!server.start(QStringLiteral("mastercard-debit"), QString(), false));
  QVERIFY2(failed.last().at(0).toString().endsWith(QStringLiteral("(start from a new card)")),
           qPrintable(failed.last().at(0).toString()));
#else
  QSKIP(qPrintable(skip_));
#endif
}

QTEST_MAIN(CardServerTest)
#include "card_server_test.moc"
