// GuiDevices alone: the engine's side runs on a std::thread (as the terminal worker does) and
// blocks in waitForCard / enterPin; the test, on the UI thread, answers as the faceplate does.
// A card presented early is taken at the prompt, a prompt takes only the entry it asks for,
// cancel ends a wait (also one not begun yet), PIN digits reach the kernel and no signal, and
// shutDown unblocks every wait for good.
#include "app/gui_devices.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTest>
#include <future>
#include <memory>
#include <optional>

#include "app/metatypes.h"

using posim::emv::EntryMode;
using posim::emv::PinEntryResult;
using posim::emv::PinKind;
using posim::emv::PinRequest;
using posim::gui::GuiDevices;
using posim::terminal::CardPrompt;
using posim::terminal::PresentedCard;

namespace {

// A lookup that hands back the entry it was asked for, a stripe only for "striped", and a card
// from reader "slot 0" only (the others are empty).
GuiDevices::CardLookup fakeLookup() {
  return [](const GuiDevices::CardChoice& choice) -> posim::Result<PresentedCard> {
    if (!choice.reader.empty() && choice.reader != "slot 0") {
      return posim::unavailable("no card in reader '" + choice.reader + "'");
    }
    if (choice.name == "unknown") return posim::notFound("no card 'unknown'");
    PresentedCard card;
    card.entry = choice.entry;
    card.track2 = choice.name == "striped" ? "4761739001010010=28122010000000000000" : "";
    if (choice.entry == EntryMode::kMagstripe && card.track2.empty()) {
      return posim::invalidArgument("card " + choice.name + " has no magnetic stripe");
    }
    return card;
  };
}

}  // namespace

class GuiDevicesTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { posim::gui::registerMetaTypes(); }
  void init();
  void cleanup();
  void cardPresentedEarlyIsTakenAtThePrompt();
  void insertPromptWaitsForTheChip();
  void cancelEndsACardWait();
  void cancelBeforeTheWaitBeginsStillEndsIt();
  void cancelOutsideATransactionForgetsTheEarlyCard();
  void endTransactionForgetsAnUntakenCard();
  void aCardThatCannotBeReadSaysWhy();
  void pinDigitsReachTheKernelAndNoSignal();
  void cancelAtThePinPromptBypasses();
  void shutDownUnblocksEveryWait();

 private:
  // Waits (on the UI thread, events flowing) until the worker side asked for something.
  bool waitForRequest() {
    return QTest::qWaitFor([this] { return !heard_.isEmpty(); }, 10000);
  }

  std::unique_ptr<GuiDevices> devices_;
  // What the worker side asked for ("INSERT CARD", "ENTER PIN (2 left)#2") and how many PIN
  // prompts ended, delivered queued to this thread as the faceplate receives them.
  QStringList heard_;
  int pins_finished_ = 0;
};

void GuiDevicesTest::init() {
  devices_ = std::make_unique<GuiDevices>();
  devices_->setCardLookup(fakeLookup());
  devices_->setTimeout(std::chrono::seconds(20));  // a failing test ends, a passing one never waits
  QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);  // what the last test left queued
  heard_.clear();
  pins_finished_ = 0;
  connect(
      devices_.get(), &GuiDevices::cardRequested, this,
      [this](const QString& prompt) { heard_ << prompt; }, Qt::QueuedConnection);
  connect(
      devices_.get(), &GuiDevices::pinRequested, this,
      [this](const QString& prompt, int attempt) {
        heard_ << QStringLiteral("%1#%2").arg(prompt).arg(attempt);
      },
      Qt::QueuedConnection);
  connect(
      devices_.get(), &GuiDevices::pinFinished, this, [this] { ++pins_finished_; },
      Qt::QueuedConnection);
}

void GuiDevicesTest::cleanup() {
  devices_.reset();
}

void GuiDevicesTest::cardPresentedEarlyIsTakenAtThePrompt() {
  QSignalSpy finished(devices_.get(), &GuiDevices::cardWaitFinished);
  devices_->beginTransaction();
  devices_->presentCard(QStringLiteral("visa"), EntryMode::kContactless);
  QVERIFY(!devices_->cardInReader());
  // Already there: the prompt returns at once, on this thread.
  std::optional<PresentedCard> card = devices_->devices().reader->waitForCard(CardPrompt::kPresent);
  QVERIFY(card.has_value());
  QCOMPARE(card->entry, EntryMode::kContactless);
  QVERIFY(!devices_->cardInReader());  // a tap leaves nothing in the slot
  QCOMPARE(finished.count(), 1);
  QCOMPARE(finished.at(0).at(0).toBool(), true);

  // The card was taken: the next prompt finds none.
  devices_->setTimeout(std::chrono::milliseconds(20));
  QVERIFY(!devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  QCOMPARE(finished.count(), 2);
  QCOMPARE(finished.at(1).at(0).toBool(), false);
  devices_->endTransaction();
}

void GuiDevicesTest::insertPromptWaitsForTheChip() {
  devices_->beginTransaction();
  devices_->presentCard(QStringLiteral("visa"), EntryMode::kContactless);
  auto waited = std::async(std::launch::async, [this] {
    return devices_->devices().reader->waitForCard(CardPrompt::kInsert);
  });
  QVERIFY(waitForRequest());
  QCOMPARE(heard_.at(0), QStringLiteral("INSERT CARD"));
  // The tap does not answer "INSERT CARD"; the chip does.
  QCOMPARE(waited.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  devices_->presentCard(QStringLiteral("visa"), EntryMode::kContact);
  const std::optional<PresentedCard> card = waited.get();
  QVERIFY(card.has_value());
  QCOMPARE(card->entry, EntryMode::kContact);
  QVERIFY(devices_->cardInReader());
  QSignalSpy removal(devices_.get(), &GuiDevices::cardRemovalRequested);
  devices_->devices().reader->removeCard();
  QVERIFY(!devices_->cardInReader());
  QCOMPARE(removal.count(), 1);
  devices_->endTransaction();
}

void GuiDevicesTest::cancelEndsACardWait() {
  devices_->beginTransaction();
  auto waited = std::async(std::launch::async, [this] {
    return devices_->devices().reader->waitForCard(CardPrompt::kPresent);
  });
  QVERIFY(waitForRequest());
  devices_->cancel();
  QVERIFY(!waited.get().has_value());
  devices_->endTransaction();
}

void GuiDevicesTest::cancelBeforeTheWaitBeginsStillEndsIt() {
  // Cancel pressed while the engine is still busy (no wait yet): the next wait ends at once.
  devices_->beginTransaction();
  devices_->cancel();
  QVERIFY(!devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  // Consumed: the wait after that is an ordinary one again.
  devices_->presentCard(QStringLiteral("visa"), EntryMode::kContact);
  QVERIFY(devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  devices_->endTransaction();
}

void GuiDevicesTest::cancelOutsideATransactionForgetsTheEarlyCard() {
  devices_->presentCard(QStringLiteral("visa"), EntryMode::kContact);
  devices_->cancel();
  devices_->beginTransaction();
  devices_->setTimeout(std::chrono::milliseconds(20));
  QVERIFY(!devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  devices_->endTransaction();
}

void GuiDevicesTest::endTransactionForgetsAnUntakenCard() {
  devices_->beginTransaction();
  devices_->presentCard(QStringLiteral("visa"), EntryMode::kContact);
  devices_->endTransaction();  // e.g. a cancel of a sale, which reads no card
  devices_->beginTransaction();
  devices_->setTimeout(std::chrono::milliseconds(20));
  QVERIFY(!devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  // A card the reader cannot read that way (no stripe to swipe) is no card either.
  devices_->presentCard(QStringLiteral("chip-only"), EntryMode::kMagstripe);
  QVERIFY(!devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  devices_->presentCard(QStringLiteral("striped"), EntryMode::kMagstripe);
  auto swiped = devices_->devices().reader->waitForCard(CardPrompt::kSwipe);
  QVERIFY(swiped.has_value());
  QVERIFY(!swiped->track2.empty());
  devices_->endTransaction();
}

void GuiDevicesTest::aCardThatCannotBeReadSaysWhy() {
  QSignalSpy finished(devices_.get(), &GuiDevices::cardWaitFinished);
  devices_->beginTransaction();
  devices_->setTimeout(std::chrono::milliseconds(20));
  // An empty reader: no card, and the lookup's reason travels with the signal.
  devices_->presentReaderCard(QStringLiteral("slot 1"), EntryMode::kContact);
  QVERIFY(!devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  QCOMPARE(finished.count(), 1);
  QCOMPARE(finished.at(0).at(0).toBool(), false);
  QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("no card in reader 'slot 1'"));
  QVERIFY(!devices_->cardInReader());
  // The reader with a card: taken, and in the slot; the lookup saw the reader, not a profile.
  devices_->presentReaderCard(QStringLiteral("slot 0"), EntryMode::kContact);
  QVERIFY(devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  QCOMPARE(finished.at(1).at(0).toBool(), true);
  QCOMPARE(finished.at(1).at(1).toString(), QString());
  QVERIFY(devices_->cardInReader());
  // A stripe the card does not have.
  devices_->presentCard(QStringLiteral("chip-only"), EntryMode::kMagstripe);
  QVERIFY(!devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  QCOMPARE(finished.at(2).at(1).toString(),
           QStringLiteral("card chip-only has no magnetic stripe"));
  // Nobody presented anything: no reason to give.
  QVERIFY(!devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  QCOMPARE(finished.at(3).at(1).toString(), QString());
  devices_->endTransaction();
}

void GuiDevicesTest::pinDigitsReachTheKernelAndNoSignal() {
  // A PIN typed before the pad asks is not kept for later.
  devices_->submitPin(QStringLiteral("9999"));
  devices_->beginTransaction();
  PinRequest request;
  request.kind = PinKind::kOfflinePlaintext;
  request.attempt = 2;
  request.tries_remaining = 2;
  auto entered = std::async(std::launch::async, [this, request] {
    return devices_->devices().pin_pad->enterPin(request);
  });
  QVERIFY(waitForRequest());
  QCOMPARE(heard_.at(0), QStringLiteral("ENTER PIN (2 left)#2"));
  devices_->submitPin(QStringLiteral("1234"));
  const PinEntryResult result = entered.get();
  QCOMPARE(result.kind, PinEntryResult::Kind::kEntered);
  QCOMPARE(result.pin, std::string("1234"));
  QTRY_COMPARE(pins_finished_, 1);
  for (const QString& asked : heard_) QVERIFY(!asked.contains(QStringLiteral("1234")));
  devices_->endTransaction();
}

void GuiDevicesTest::cancelAtThePinPromptBypasses() {
  devices_->beginTransaction();
  PinRequest request;
  request.kind = PinKind::kOnline;
  auto entered = std::async(std::launch::async, [this, request] {
    return devices_->devices().pin_pad->enterPin(request);
  });
  QVERIFY(waitForRequest());
  QCOMPARE(heard_.at(0), QStringLiteral("ONLINE PIN#1"));
  devices_->cancel();
  QCOMPARE(entered.get().kind, PinEntryResult::Kind::kBypassed);
  devices_->endTransaction();
}

void GuiDevicesTest::shutDownUnblocksEveryWait() {
  devices_->beginTransaction();
  auto waited = std::async(std::launch::async, [this] {
    return devices_->devices().reader->waitForCard(CardPrompt::kPresent);
  });
  QVERIFY(waitForRequest());
  devices_->shutDown();
  QVERIFY(!waited.get().has_value());
  // For good: later waits return at once even with a card there (the default timeout is long).
  devices_->setTimeout(std::chrono::minutes(5));
  devices_->presentCard(QStringLiteral("visa"), EntryMode::kContact);
  QVERIFY(!devices_->devices().reader->waitForCard(CardPrompt::kPresent).has_value());
  QCOMPARE(devices_->devices().pin_pad->enterPin(PinRequest{}).kind,
           PinEntryResult::Kind::kPadNotWorking);
  QVERIFY(!devices_->devices().keypad->confirm("VOID SALE?"));
}

QTEST_MAIN(GuiDevicesTest)
#include "gui_devices_test.moc"
