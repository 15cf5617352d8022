// The trace dock over real events: examples/scenarios/chip-sale-online-pin.yaml run twice by the
// core (transactions 1 and 2) through an EventBridge into the dock. The GENERATE AC response
// decodes with 9F27 ARQC, the ISO 8583 request with DE 3/4/11 names, and no PAN is ever shown.
#include "widgets/trace_dock.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTreeView>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "app/event_bridge.h"
#include "app/metatypes.h"
#include "models/decoded_tree_model.h"
#include "models/trace_model.h"

using posim::TraceEvent;
using posim::TraceKind;
using posim::gui::DecodedTreeModel;
using posim::gui::TraceDock;
using posim::gui::TraceModel;

namespace {

QString meaningOf(const DecodedTreeModel& model, const QString& field) {
  const QModelIndex index = model.findField(field);
  return index.isValid() ? index.siblingAtColumn(DecodedTreeModel::kMeaningColumn).data().toString()
                         : QString();
}

// The source row of the first event matching `pred`, or -1.
template <typename Pred>
int findRow(const TraceModel& model, Pred pred) {
  for (int row = 0; row < model.size(); ++row) {
    if (pred(model.eventAt(row), model.keyAt(row))) return row;
  }
  return -1;
}

}  // namespace

class TraceDockTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void holdsEveryEventOfBothRuns();
  void generateAcResponseDecodesTheCryptogramType();
  void isoRequestDecodesWithFieldNames();
  void noPanIsShownAnywhere();
  void showTransactionFiltersToItsEvents();
  void kindCheckboxesAndSearchFilter();
  void copyPutsSummaryHexAndTreeOnTheClipboard();
  void clearEmptiesEverything();
  void thousandsOfEventsAppend();

 private:
  void runInto(TraceDock& dock);

  posim::scenarios::Scenario scenario_;
  std::string pan_;
  std::unique_ptr<TraceDock> dock_;
  int first_key_ = 0;
  int second_key_ = 0;
};

void TraceDockTest::initTestCase() {
  posim::gui::registerMetaTypes();
  const QString examples = qEnvironmentVariable("POSIM_EXAMPLES");
  QVERIFY2(!examples.isEmpty(), "POSIM_EXAMPLES is not set");
  posim::scenarios::Resolver resolver;
  auto loaded = posim::scenarios::loadScenario(
      (examples + QStringLiteral("/scenarios/chip-sale-online-pin.yaml")).toStdString(), resolver);
  QVERIFY2(loaded.isOk(), loaded.errorText().c_str());
  scenario_ = std::move(loaded).value();
  QCOMPARE(scenario_.cards.size(), std::size_t{1});
  pan_ = scenario_.cards.front().profile.pan.digits();
  QVERIFY(pan_.size() >= 12);
}

void TraceDockTest::runInto(TraceDock& dock) {
  posim::gui::EventBridge bridge;
  connect(&bridge, &posim::gui::EventBridge::eventReceived, &dock, &TraceDock::addEvent);
  posim::acquirer::BackendRegistry backends;
  posim::acquirer::addBuiltinBackends(backends);
  const posim::ManualSteadyClock steady;
  posim::scenarios::RunOptions options;
  options.steady = &steady;
  options.events = &bridge;
  for (int* key : {&first_key_, &second_key_}) {
    *key = posim::gui::EventBridge::nextTransactionKey();
    bridge.setTransactionKey(*key);
    auto run = posim::scenarios::runScenario(scenario_, options, backends);
    QVERIFY2(run.isOk(), run.status().message().c_str());
    QVERIFY(run->passed);
  }
  bridge.setTransactionKey(0);
}

void TraceDockTest::init() {
  dock_ = std::make_unique<TraceDock>();
  dock_->resize(1000, 700);
  dock_->show();
  runInto(*dock_);
  QVERIFY(dock_->model()->size() > 20);
}

void TraceDockTest::holdsEveryEventOfBothRuns() {
  QCOMPARE(dock_->objectName(), QStringLiteral("traceDock"));
  auto* table = dock_->findChild<QTableView*>(QStringLiteral("traceTable"));
  QVERIFY(table != nullptr);
  QCOMPARE(table->model(), dock_->filterModel());
  QVERIFY(dock_->findChild<QTreeView*>(QStringLiteral("decodedTree")) != nullptr);
  auto* hex = dock_->findChild<QPlainTextEdit*>(QStringLiteral("hexView"));
  QVERIFY(hex != nullptr);
  QVERIFY(hex->isReadOnly());
  const TraceModel& model = *dock_->model();
  const int first = findRow(model, [&](const TraceEvent&, int key) { return key == first_key_; });
  const int second = findRow(model, [&](const TraceEvent&, int key) { return key == second_key_; });
  QVERIFY(first == 0);
  QVERIFY(second > first);
  // Same scenario, same seed: both transactions traced the same number of events.
  QCOMPARE(second * 2, model.size());
  // APDUs carry the "apdu" format, ISO messages their dialect.
  QVERIFY(findRow(model, [](const TraceEvent& e, int) {
            return e.kind == TraceKind::kApduCommand && e.format != "apdu";
          }) < 0);
  QVERIFY(findRow(model, [](const TraceEvent& e, int) {
            return e.kind == TraceKind::kIso8583Request && e.format == "iso8583:iso87-ascii" &&
                   !e.data.empty();
          }) >= 0);
}

void TraceDockTest::generateAcResponseDecodesTheCryptogramType() {
  const TraceModel& model = *dock_->model();
  const int command = findRow(model, [](const TraceEvent& e, int) {
    return e.kind == TraceKind::kApduCommand && e.data.size() > 2 && e.data[1] == 0xAE;
  });
  QVERIFY(command >= 0);
  QCOMPARE(model.eventAt(command + 1).kind, TraceKind::kApduResponse);
  // The command: named, its CDOL1 data split by the CDOL the card's records gave.
  QVERIFY(dock_->selectSourceRow(command));
  QCOMPARE(dock_->currentSourceRow(), command);
  const DecodedTreeModel& tree = *dock_->decodedModel();
  QCOMPARE(meaningOf(tree, QStringLiteral("INS")), QStringLiteral("GENERATE AC"));
  QVERIFY2(tree.findField(QStringLiteral("9F02")).isValid(), qPrintable(tree.toText()));
  QVERIFY2(meaningOf(tree, QStringLiteral("9F02")).contains(QStringLiteral("128.00")),
           qPrintable(tree.toText()));
  // The response: the card asked to go online.
  QVERIFY(dock_->selectSourceRow(command + 1));
  const QString cid = meaningOf(tree, QStringLiteral("9F27"));
  QVERIFY2(cid.contains(QStringLiteral("ARQC")), qPrintable(tree.toText()));
  QVERIFY(tree.findField(QStringLiteral("9F26")).isValid());
  QVERIFY(!dock_->hexText().isEmpty());
  // The second GENERATE AC (after the issuer's approval) gives a TC.
  const int second = findRow(model, [&](const TraceEvent& e, int key) {
    return key == first_key_ && e.kind == TraceKind::kApduCommand && e.data.size() > 2 &&
           e.data[1] == 0xAE && &e != &model.eventAt(command);
  });
  QVERIFY(second > command);
  QVERIFY(dock_->selectSourceRow(second + 1));
  QVERIFY2(meaningOf(tree, QStringLiteral("9F27")).contains(QStringLiteral("TC")),
           qPrintable(tree.toText()));
}

void TraceDockTest::isoRequestDecodesWithFieldNames() {
  const TraceModel& model = *dock_->model();
  const int request =
      findRow(model, [](const TraceEvent& e, int) { return e.kind == TraceKind::kIso8583Request; });
  QVERIFY(request >= 0);
  QVERIFY(dock_->selectSourceRow(request));
  const DecodedTreeModel& tree = *dock_->decodedModel();
  const QString text = tree.toText();
  const QModelIndex mti = tree.findField(QStringLiteral("MTI"));
  QVERIFY2(mti.isValid(), qPrintable(text));
  QCOMPARE(mti.siblingAtColumn(DecodedTreeModel::kValueColumn).data().toString(),
           QStringLiteral("0200"));
  for (const char* field : {"DE 3 ", "DE 4 ", "DE 11 "}) {
    const QModelIndex index = tree.findField(QString::fromLatin1(field));
    QVERIFY2(index.isValid(), qPrintable(text));
    // Named: more than "DE n".
    QVERIFY2(index.data().toString().size() > static_cast<qsizetype>(std::strlen(field)) + 3,
             qPrintable(index.data().toString()));
  }
  QVERIFY(tree.findField(QStringLiteral("DE 3 Processing Code")).isValid());
  QVERIFY2(meaningOf(tree, QStringLiteral("DE 4 ")).contains(QStringLiteral("128.00")),
           qPrintable(text));
  QVERIFY(!tree.findField(QStringLiteral("DE 52")).isValid());  // never traced
  QVERIFY(tree.findField(QStringLiteral("DE 55")).isValid());
  QVERIFY(dock_->hexText().startsWith(QStringLiteral("0000  30 32 30 30")));

  // The response decodes too, with its response code.
  const int response = findRow(
      model, [](const TraceEvent& e, int) { return e.kind == TraceKind::kIso8583Response; });
  QVERIFY(dock_->selectSourceRow(response));
  QCOMPARE(tree.findField(QStringLiteral("MTI"))
               .siblingAtColumn(DecodedTreeModel::kValueColumn)
               .data()
               .toString(),
           QStringLiteral("0210"));
  QVERIFY(tree.findField(QStringLiteral("DE 39")).isValid());
}

void TraceDockTest::noPanIsShownAnywhere() {
  const TraceModel& model = *dock_->model();
  const QString pan = QString::fromStdString(pan_);
  int with_pan_bytes = 0;
  for (int row = 0; row < model.size(); ++row) {
    QVERIFY(dock_->selectSourceRow(row));
    const QString tree = dock_->decodedModel()->toText();
    const QString hex = dock_->hexText();
    const QString copied = dock_->selectionText();
    QVERIFY2(!tree.contains(pan), qPrintable(tree));
    QVERIFY2(!hex.contains(pan), qPrintable(hex));
    QVERIFY2(!QString(hex).remove(QChar(' ')).remove(QChar('\n')).contains(pan), qPrintable(hex));
    QVERIFY2(!copied.contains(pan), qPrintable(copied));
    for (int column = 0; column < TraceModel::kColumnCount; ++column) {
      QVERIFY(!model.index(row, column).data().toString().contains(pan));
    }
    const std::string raw = posim::toHex(model.eventAt(row).data);
    if (raw.find(pan_) != std::string::npos ||
        std::string(model.eventAt(row).data.begin(), model.eventAt(row).data.end()).find(pan_) !=
            std::string::npos) {
      ++with_pan_bytes;
    }
  }
  // The check means something: the PAN is in the bytes of records and ISO messages.
  QVERIFY(with_pan_bytes >= 2);
}

void TraceDockTest::showTransactionFiltersToItsEvents() {
  const int total = dock_->model()->size();
  auto* follow = dock_->findChild<QCheckBox*>(QStringLiteral("traceFollow"));
  QVERIFY(follow != nullptr && follow->isChecked());
  dock_->showTransaction(second_key_);
  QCOMPARE(dock_->filterModel()->rowCount(), total / 2);
  for (int row = 0; row < dock_->filterModel()->rowCount(); ++row) {
    QCOMPARE(dock_->filterModel()->index(row, 0).data(TraceModel::kTransactionKeyRole).toInt(),
             second_key_);
  }
  // A row of the other transaction cannot be selected while filtered.
  QVERIFY(!dock_->selectSourceRow(0));
  follow->setChecked(false);
  QCOMPARE(dock_->filterModel()->rowCount(), total);
  dock_->showTransaction(first_key_);  // ignored while not following
  QCOMPARE(dock_->filterModel()->rowCount(), total);
  follow->setChecked(true);
  QCOMPARE(dock_->filterModel()->rowCount(), total / 2);
  dock_->showTransaction(0);
  QCOMPARE(dock_->filterModel()->rowCount(), total);
}

void TraceDockTest::kindCheckboxesAndSearchFilter() {
  auto* apdu = dock_->findChild<QCheckBox*>(QStringLiteral("traceShowApdu"));
  auto* iso = dock_->findChild<QCheckBox*>(QStringLiteral("traceShowIso"));
  auto* other = dock_->findChild<QCheckBox*>(QStringLiteral("traceShowOther"));
  auto* search = dock_->findChild<QLineEdit*>(QStringLiteral("traceSearch"));
  QVERIFY(apdu != nullptr && iso != nullptr && other != nullptr && search != nullptr);
  apdu->setChecked(false);
  other->setChecked(false);
  QCOMPARE(dock_->filterModel()->rowCount(), 4);  // request + response, twice
  iso->setChecked(false);
  apdu->setChecked(true);
  for (int row = 0; row < dock_->filterModel()->rowCount(); ++row) {
    const auto kind = static_cast<TraceKind>(
        dock_->filterModel()->index(row, 0).data(TraceModel::kKindRole).toInt());
    QVERIFY(kind == TraceKind::kApduCommand || kind == TraceKind::kApduResponse);
  }
  iso->setChecked(true);
  other->setChecked(true);
  QTest::keyClicks(search, QStringLiteral("generate ac"));
  // Per run: two GENERATE AC commands and the kernel's two notes on what the card returned.
  QCOMPARE(dock_->filterModel()->rowCount(), 8);
  int commands = 0;
  for (int row = 0; row < dock_->filterModel()->rowCount(); ++row) {
    const QModelIndex index = dock_->filterModel()->index(row, 0);
    const int source = dock_->filterModel()->mapToSource(index).row();
    const TraceEvent& event = dock_->model()->eventAt(source);
    QVERIFY(QString::fromStdString(event.summary).contains(QStringLiteral("GENERATE AC")));
    if (event.kind == TraceKind::kApduCommand) ++commands;
  }
  QCOMPARE(commands, 4);
  search->clear();
  QCOMPARE(dock_->filterModel()->rowCount(), dock_->model()->size());
}

void TraceDockTest::copyPutsSummaryHexAndTreeOnTheClipboard() {
  QSignalSpy status(dock_.get(), &TraceDock::statusMessage);
  dock_->copySelection();  // nothing selected
  QCOMPARE(status.count(), 1);
  const TraceModel& model = *dock_->model();
  const int record = findRow(model, [&](const TraceEvent& e, int) {
    return e.kind == TraceKind::kApduResponse &&
           std::string(posim::toHex(e.data)).find(pan_) != std::string::npos;
  });
  QVERIFY(record >= 0);
  QVERIFY(dock_->selectSourceRow(record));
  auto* copy = dock_->findChild<QAction*>(QStringLiteral("traceCopy"));
  QVERIFY(copy != nullptr);
  QCOMPARE(copy->shortcut(), QKeySequence(QKeySequence::Copy));
  copy->trigger();
  QCOMPARE(status.count(), 2);
  const QString text = QApplication::clipboard()->text();
  QVERIFY2(text.contains(QString::fromStdString(model.eventAt(record).summary)), qPrintable(text));
  QVERIFY2(text.contains(QStringLiteral("0000  ")), qPrintable(text));
  // The decoded tree: the record's track 2 equivalent data, its PAN masked there too.
  QVERIFY2(text.contains(QStringLiteral("57 Track 2 Equivalent Data")), qPrintable(text));
  QVERIFY2(!text.contains(QString::fromStdString(pan_)), qPrintable(text));
  QVERIFY2(text.contains(QString::fromStdString(pan_.substr(0, 6)) + "******"), qPrintable(text));
}

void TraceDockTest::clearEmptiesEverything() {
  QVERIFY(dock_->selectSourceRow(1));
  QVERIFY(!dock_->decodedModel()->toText().isEmpty());
  dock_->clear();
  QCOMPARE(dock_->model()->size(), 0);
  QCOMPARE(dock_->filterModel()->rowCount(), 0);
  QCOMPARE(dock_->decodedModel()->rowCount(), 0);
  QVERIFY(dock_->hexText().isEmpty());
  QCOMPARE(dock_->currentSourceRow(), -1);
}

void TraceDockTest::thousandsOfEventsAppend() {
  const TraceModel& model = *dock_->model();
  std::vector<TraceEvent> events(static_cast<std::size_t>(model.size()));
  for (int row = 0; row < model.size(); ++row) {
    events[static_cast<std::size_t>(row)] = model.eventAt(row);
  }
  const int before = model.size();
  const int rounds = 5000 / before + 1;
  for (int round = 0; round < rounds; ++round) {
    for (const TraceEvent& event : events) dock_->addEvent(event, 100 + round);
  }
  QCOMPARE(model.size(), before * (rounds + 1));
  QVERIFY(model.size() > 5000);
  dock_->showTransaction(100 + rounds - 1);
  QCOMPARE(dock_->filterModel()->rowCount(), before);
  QVERIFY(dock_->selectSourceRow(model.size() - 1));
}

QTEST_MAIN(TraceDockTest)
#include "trace_dock_test.moc"
