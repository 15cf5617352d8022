// The main window as a newcomer meets it: a contactless sale made by clicking on the faceplate
// reaches the transaction table, the trace dock and the metrics; a scenario run from the
// scenario panel does too; the reports export as `posim run` writes them; recent files and the
// layout persist in QSettings; and the guided tour writes its screenshots.
#include "app/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "posim/base/bytes.h"

#include "app/card_server.h"
#include "app/event_bridge.h"
#include "app/terminal_session.h"
#include "app/tour.h"
#include "models/trace_model.h"
#include "models/transaction_model.h"
#include "widgets/faceplate.h"
#include "widgets/metrics_view.h"
#include "widgets/scenario_panel.h"
#include "widgets/trace_dock.h"
#include "widgets/transaction_table.h"

using posim::gui::Faceplate;
using posim::gui::MainWindow;

namespace {

QString examples() {
  return QString::fromLocal8Bit(qgetenv("POSIM_EXAMPLES"));
}

QString readAll(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(file.readAll());
}

constexpr int kWaitMs = 60'000;

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void contactlessSaleByClickingReachesTableTraceAndMetrics();
  void scenarioRunReachesTableAndExportsLikeTheCli();
  void nothingToExportSaysSo();
  void recentFilesAndLayoutPersist();
  void tourWritesEveryScreenshot();
  void servedCardTraceReachesTheDockAndTheActionFollows();

 private:
  void waitReady(MainWindow& window);

  std::unique_ptr<QTemporaryDir> config_;
  std::unique_ptr<QTemporaryDir> scratch_;
};

void MainWindowTest::initTestCase() {
  QVERIFY(!examples().isEmpty());
}

void MainWindowTest::init() {
  // Every test starts from empty settings of its own, never the user's.
  config_ = std::make_unique<QTemporaryDir>();
  scratch_ = std::make_unique<QTemporaryDir>();
  QVERIFY(config_->isValid() && scratch_->isValid());
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, config_->path());
  QApplication::setOrganizationName(QStringLiteral("posim-test"));
  QApplication::setApplicationName(QStringLiteral("posim-gui-test"));
}

void MainWindowTest::cleanup() {
  scratch_.reset();
  config_.reset();
}

void MainWindowTest::waitReady(MainWindow& window) {
  QTRY_VERIFY_WITH_TIMEOUT(window.session()->ready() && !window.session()->busy(), kWaitMs);
}

void MainWindowTest::contactlessSaleByClickingReachesTableTraceAndMetrics() {
  MainWindow window;
  window.show();
  waitReady(window);
  Faceplate* faceplate = window.faceplate();

  faceplate->selectType(posim::acquirer::TransactionType::kSale);
  faceplate->setAmount(QStringLiteral("66.00"));
  faceplate->selectCard(QStringLiteral("mastercard-credit-contactless"));
  auto* tap = faceplate->findChild<QPushButton*>(QStringLiteral("tapButton"));
  QVERIFY(tap != nullptr);
  QTest::mouseClick(tap, Qt::LeftButton);

  auto* model = window.transactionTable()->model();
  QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(!window.session()->busy(), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(model->index(0, posim::gui::TransactionModel::kOutcome)
                               .data()
                               .toString()
                               .contains(QStringLiteral("approved"), Qt::CaseInsensitive),
                           kWaitMs);
  QVERIFY(faceplate->displayText().contains(QStringLiteral("APPROVED")));

  // The trace holds this transaction's APDUs (the kernel's) and its ISO 8583 messages.
  const int key = model->keyAt(0);
  QVERIFY(key > 0);
  posim::gui::TraceModel* trace = window.traceDock()->model();
  bool apdu = false;
  bool iso = false;
  for (int row = 0; row < trace->size(); ++row) {
    if (trace->keyAt(row) != key) continue;
    apdu = apdu || trace->eventAt(row).kind == posim::TraceKind::kApduCommand;
    iso = iso || trace->eventAt(row).kind == posim::TraceKind::kIso8583Request;
  }
  QVERIFY(apdu);
  QVERIFY(iso);

  // The metrics view shows the session; the export is the session as a run.
  QTRY_VERIFY_WITH_TIMEOUT(window.metricsView()->hasRun(), kWaitMs);
  QCOMPARE(window.exportSource(), MainWindow::ExportSource::kTerminalSession);
  const QString json = scratch_->filePath(QStringLiteral("session.json"));
  QString error;
  QVERIFY2(window.exportReport(MainWindow::ReportFormat::kJson, json, &error), qPrintable(error));
  const QJsonObject report = QJsonDocument::fromJson(readAll(json).toUtf8()).object();
  QVERIFY(!report.isEmpty());
  QVERIFY(readAll(json).contains(QStringLiteral("manual-1")));
  // No full PAN in anything exported (the contactless card's PAN starts 5413 33).
  const QString csv = scratch_->filePath(QStringLiteral("session.csv"));
  QVERIFY(window.exportReport(MainWindow::ReportFormat::kCsv, csv, &error));
  QVERIFY(readAll(csv).contains(QStringLiteral("manual-1")));
  QVERIFY(!readAll(csv).contains(QRegularExpression(QStringLiteral("\\b5[1-5][0-9]{14}\\b"))));
}

void MainWindowTest::scenarioRunReachesTableAndExportsLikeTheCli() {
  MainWindow window;
  window.show();
  waitReady(window);
  const QString file =
      QDir(examples()).filePath(QStringLiteral("scenarios/chip-sale-online-pin.yaml"));
  QVERIFY(window.openPath(file));
  QSignalSpy finished(window.scenarioPanel(), &posim::gui::ScenarioPanel::runFinished);
  window.findChild<QAction*>(QStringLiteral("runAction"))->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(!window.scenarioPanel()->isRunning(), kWaitMs);

  const auto run = finished.front().front().value<posim::scenarios::RunResult>();
  QVERIFY(run.passed);
  QVERIFY(!run.transactions.empty());
  QCOMPARE(window.transactionTable()->model()->rowCount(),
           static_cast<int>(run.transactions.size()));
  QVERIFY(window.metricsView()->hasRun());
  QCOMPARE(window.exportSource(), MainWindow::ExportSource::kScenarioRuns);

  QString error;
  const QString json = scratch_->filePath(QStringLiteral("run.json"));
  QVERIFY2(window.exportReport(MainWindow::ReportFormat::kJson, json, &error), qPrintable(error));
  const QJsonObject report = QJsonDocument::fromJson(readAll(json).toUtf8()).object();
  QCOMPARE(report.value(QStringLiteral("scenario")).toString(),
           QString::fromStdString(run.scenario));
  const QString junit = scratch_->filePath(QStringLiteral("run.xml"));
  QVERIFY(window.exportReport(MainWindow::ReportFormat::kJunit, junit, &error));
  QVERIFY(readAll(junit).contains(QStringLiteral("<testsuite")));
  QVERIFY(readAll(junit).contains(QStringLiteral("failures=\"0\"")));

  // A path that cannot be written is an error message, not a crash.
  QVERIFY(!window.exportReport(MainWindow::ReportFormat::kCsv,
                               scratch_->filePath(QStringLiteral("no/such/dir/x.csv")), &error));
  QVERIFY(error.contains(QStringLiteral("x.csv")));
}

void MainWindowTest::nothingToExportSaysSo() {
  MainWindow window;
  QString error;
  QVERIFY(!window.exportReport(MainWindow::ReportFormat::kJson,
                               scratch_->filePath(QStringLiteral("x.json")), &error));
  QVERIFY(error.contains(QStringLiteral("Nothing to export")));
  QVERIFY(!QFileInfo::exists(scratch_->filePath(QStringLiteral("x.json"))));
}

void MainWindowTest::recentFilesAndLayoutPersist() {
  const QString file = QDir(examples()).filePath(QStringLiteral("scenarios/declines.yaml"));
  {
    MainWindow window;
    window.show();
    QVERIFY(window.openPath(file));
    QCOMPARE(window.recentFiles().value(0), QFileInfo(file).absoluteFilePath());
    window.resize(1210, 730);
    window.close();  // saves the layout
  }
  QSettings stored;
  QVERIFY(!stored.value(QStringLiteral("window/state")).toByteArray().isEmpty());
  MainWindow again;
  QCOMPARE(again.recentFiles().value(0), QFileInfo(file).absoluteFilePath());
  QCOMPARE(again.size(), QSize(1210, 730));
}

void MainWindowTest::tourWritesEveryScreenshot() {
  MainWindow window;
  window.show();
  const QString out = scratch_->filePath(QStringLiteral("shots"));
  posim::gui::Tour tour(&window, out, examples());
  QVERIFY2(tour.run(), qPrintable(tour.error()));
  const QStringList expected = {QStringLiteral("01-contactless-sale.png"),
                                QStringLiteral("02-pin-entry.png"),
                                QStringLiteral("03-chip-sale.png"),
                                QStringLiteral("04-scenario-suite.png"),
                                QStringLiteral("05-trace.png"),
                                QStringLiteral("06-metrics.png")};
  QCOMPARE(tour.written().size(), expected.size());
  for (const QString& name : expected) {
    const QImage image(QDir(out).filePath(name));
    QVERIFY2(!image.isNull(), qPrintable(name));
    QVERIFY(image.width() >= 800);
  }
  // The PIN was typed on the faceplate and only stars were ever shown; the suite all passed.
  QVERIFY(!window.faceplate()->displayText().contains(QStringLiteral("1234")));
  for (const auto& run : window.scenarioPanel()->lastRuns()) {
    QVERIFY2(run.passed, run.file.c_str());
  }
  const QStringList suite = QDir(QDir(examples()).filePath(QStringLiteral("scenarios")))
                                .entryList({QStringLiteral("*.yaml")}, QDir::Files);
  QVERIFY(!suite.isEmpty());
  QCOMPARE(window.scenarioPanel()->lastRuns().size(), static_cast<std::size_t>(suite.size()));
}

// Terminal > Serve a card to PC/SC: the served card's APDU events reach the trace dock, and a
// card that cannot be served leaves the action unchecked with the reason in the status bar
// (serving through pcscd itself: card_server_test).
void MainWindowTest::servedCardTraceReachesTheDockAndTheActionFollows() {
  MainWindow window;
  auto* action = window.findChild<QAction*>(QStringLiteral("serveCardAction"));
  QVERIFY(action != nullptr);
  QVERIFY(action->isCheckable());
  posim::TraceEvent event;
  event.kind = posim::TraceKind::kApduCommand;
  event.source = "pcsc card";
  event.format = "apdu";
  event.data = *posim::fromHex("00A404000E315041592E5359532E444446303100");
  event.summary = "SELECT 1PAY.SYS.DDF01";
  posim::gui::TraceModel* trace = window.traceDock()->model();
  const int before = trace->size();
  window.cardServer()->events()->onEvent(event);
  QTRY_COMPARE(trace->size(), before + 1);
  QCOMPARE(trace->eventAt(before).source, std::string("pcsc card"));

  QVERIFY(!window.cardServer()->start(QStringLiteral("no-such-card"), QString(), false));
  QVERIFY(!action->isChecked());
  QVERIFY2(window.statusBar()->currentMessage().startsWith(QStringLiteral("PC/SC card: ")),
           qPrintable(window.statusBar()->currentMessage()));
}

QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
