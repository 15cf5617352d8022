// The scenario workbench over the real core: examples/scenarios run from the panel on the
// runner's worker thread (chip sale passes with its transaction; a buffer edited to expect
// another response code fails with expected vs actual; a broken file lists diagnostics that
// jump the editor; pause, step and stop; the whole example suite; re-run of failed files only).
#include "widgets/scenario_panel.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QListWidget>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <memory>

#include "app/metatypes.h"
#include "app/scenario_runner.h"
#include "models/step_model.h"
#include "widgets/yaml_editor.h"

using posim::gui::ScenarioPanel;
using posim::gui::ScenarioRunner;
using posim::gui::StepModel;
using FileStatus = posim::gui::ScenarioPanel::FileStatus;

namespace {

constexpr int kRunTimeoutMs = 60000;

QString readText(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(file.readAll());
}

bool writeText(const QString& path, const QString& text) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  return file.write(text.toUtf8()) >= 0;
}

}  // namespace

class ScenarioPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void openRejectsWhatIsNoScenario();
  void chipSaleRunsAndPasses();
  void editedBufferFailsWithExpectedVsActual();
  void brokenYamlListsDiagnosticsThatJump();
  void pauseThenStepRunsExactlyOneStep();
  void stepFromIdleRunsTheFirstStepOnly();
  void runAllRunsTheExampleSuite();
  void shortcutsAreBoundOnlyWhenEnabled();
  void destroyingAPausedPanelEndsTheRun();
  void rerunFailedRerunsOnlyFailingFiles();

 private:
  QString example(const QString& name) const {
    return examples_ + QStringLiteral("/scenarios/") + name;
  }
  static int intArg(const QSignalSpy& spy, int call, int argument) {
    return spy.at(call).at(argument).toInt();
  }

  QString examples_;
};

void ScenarioPanelTest::initTestCase() {
  posim::gui::registerMetaTypes();
  examples_ = qEnvironmentVariable("POSIM_EXAMPLES");
  QVERIFY2(!examples_.isEmpty(), "POSIM_EXAMPLES is not set");
}

void ScenarioPanelTest::openRejectsWhatIsNoScenario() {
  ScenarioPanel panel;
  QSignalSpy messages(&panel, &ScenarioPanel::statusMessage);
  QSignalSpy opened(&panel, &ScenarioPanel::fileOpened);
  QVERIFY(!panel.openPath(examples_ + QStringLiteral("/no-such-file.yaml")));
  QVERIFY(!panel.openPath(examples_ + QStringLiteral("/../README.md")));
  QCOMPARE(messages.count(), 2);
  QVERIFY(messages.at(0).at(0).toString().contains(QStringLiteral("does not exist")));
  QCOMPARE(opened.count(), 0);
  QVERIFY(panel.files().isEmpty());
  QVERIFY(panel.openPath(example(QStringLiteral("chip-sale-online-pin.yaml"))));
  QCOMPARE(opened.count(), 1);
  QCOMPARE(panel.files().size(), 1);
  QCOMPARE(panel.currentFile(), example(QStringLiteral("chip-sale-online-pin.yaml")));
  // The steps show as soon as the file is open.
  auto* table = panel.findChild<QTableView*>(QStringLiteral("stepTable"));
  QVERIFY(table != nullptr);
  QCOMPARE(table->model()->rowCount(), 1);
  QVERIFY(panel.findChild<QToolButton*>(QStringLiteral("runButton")) != nullptr);
  QVERIFY(panel.findChild<QToolButton*>(QStringLiteral("stepButton")) != nullptr);
}

void ScenarioPanelTest::chipSaleRunsAndPasses() {
  ScenarioPanel panel;
  const QString file = example(QStringLiteral("chip-sale-online-pin.yaml"));
  QVERIFY(panel.openPath(file));
  QSignalSpy suite(&panel, &ScenarioPanel::suiteFinished);
  QSignalSpy finished(&panel, &ScenarioPanel::runFinished);
  QSignalSpy running(&panel, &ScenarioPanel::runningChanged);
  QSignalSpy reported(&panel, &ScenarioPanel::transactionReported);
  QSignalSpy events(panel.events(), &posim::gui::EventBridge::eventReceived);
  auto* run_button = panel.findChild<QToolButton*>(QStringLiteral("runButton"));
  QVERIFY(run_button != nullptr);
  QTest::mouseClick(run_button, Qt::LeftButton);
  QVERIFY(panel.isRunning());
  QVERIFY(suite.wait(kRunTimeoutMs));
  QVERIFY(!panel.isRunning());
  QCOMPARE(intArg(suite, 0, 0), 1);
  QCOMPARE(intArg(suite, 0, 1), 0);
  QCOMPARE(finished.count(), 1);
  QCOMPARE(running.count(), 2);

  StepModel* steps = panel.stepModel(file);
  QVERIFY(steps != nullptr);
  QCOMPARE(steps->rowCount(), 1);
  QCOMPARE(steps->status(0), StepModel::Status::kPassed);
  QCOMPARE(steps->index(0, StepModel::kResponseColumn).data().toString(), QStringLiteral("00"));
  const int key = steps->transactionKey(0);
  QVERIFY(key > 0);

  QCOMPARE(panel.lastRuns().size(), std::size_t{1});
  const auto& run = panel.lastRuns().front();
  QVERIFY(run.passed);
  QCOMPARE(run.transactions.size(), std::size_t{1});
  QCOMPARE(run.transactions[0].record.response_code, std::string("00"));
  QCOMPARE(run.transactions[0].record.cvm, std::string("online_pin"));
  QVERIFY(panel.scenarioOf(file) != nullptr);
  QCOMPARE(panel.scenarioOf(file)->name, std::string("Chip sale with online PIN"));
  QCOMPARE(panel.fileStatus(file), FileStatus::kPassed);
  auto* list = panel.findChild<QListWidget*>(QStringLiteral("fileList"));
  QCOMPARE(list->item(0)->data(ScenarioPanel::kFileStatusRole).toInt(),
           static_cast<int>(FileStatus::kPassed));

  // The transaction row, the step row and the trace events meet on the key.
  QVERIFY(reported.count() >= 1);
  for (const auto& call : reported) {
    QCOMPARE(call.at(0).toInt(), key);
    QCOMPARE(call.at(1).toString(), QStringLiteral("chip-sale-online-pin.yaml"));
  }
  QVERIFY(events.count() > 5);
  int keyed = 0;
  for (const auto& call : events) keyed += call.at(1).toInt() == key ? 1 : 0;
  QVERIFY(keyed > 5);

  // Selecting the step tells which transaction it is.
  QSignalSpy selected(&panel, &ScenarioPanel::transactionSelected);
  auto* table = panel.findChild<QTableView*>(QStringLiteral("stepTable"));
  table->setCurrentIndex(table->model()->index(0, 0));
  QCOMPARE(selected.count(), 1);
  QCOMPARE(intArg(selected, 0, 0), key);
}

void ScenarioPanelTest::editedBufferFailsWithExpectedVsActual() {
  ScenarioPanel panel;
  const QString file = example(QStringLiteral("chip-sale-online-pin.yaml"));
  const QString on_disk = readText(file);
  QVERIFY(panel.openPath(file));
  auto* editor = panel.findChild<posim::gui::YamlEditor*>(QStringLiteral("yamlEditor"));
  QVERIFY(editor != nullptr);
  QString text = editor->toPlainText();
  QVERIFY(text.contains(QStringLiteral("response_code: \"00\"")));
  text.replace(QStringLiteral("response_code: \"00\""), QStringLiteral("response_code: \"05\""));
  editor->setPlainText(text);
  editor->setModified(true);
  QVERIFY(panel.bufferOf(file).has_value());
  auto* list = panel.findChild<QListWidget*>(QStringLiteral("fileList"));
  QVERIFY(list->item(0)->text().endsWith(QStringLiteral(" *")));

  QSignalSpy suite(&panel, &ScenarioPanel::suiteFinished);
  panel.run();
  QVERIFY(suite.wait(kRunTimeoutMs));
  QCOMPARE(intArg(suite, 0, 0), 0);
  QCOMPARE(intArg(suite, 0, 1), 1);
  StepModel* steps = panel.stepModel(file);
  QCOMPARE(steps->status(0), StepModel::Status::kFailed);
  const QString detail = steps->detail(0);
  QVERIFY2(detail.contains(QStringLiteral("response_code")), qPrintable(detail));
  QVERIFY2(detail.contains(QStringLiteral("\"05\"")), qPrintable(detail));
  QVERIFY2(detail.contains(QStringLiteral("\"00\"")), qPrintable(detail));
  QCOMPARE(steps->index(0, StepModel::kDetailColumn).data().toString(), detail);
  QCOMPARE(steps->index(0, StepModel::kResponseColumn).data().toString(), QStringLiteral("00"));
  QVERIFY(!panel.lastRuns().front().passed);
  QCOMPARE(panel.fileStatus(file), FileStatus::kFailed);
  // The buffer ran; the file is untouched and the edit is still unsaved.
  QCOMPARE(readText(file), on_disk);
  QVERIFY(editor->isModified());
}

void ScenarioPanelTest::brokenYamlListsDiagnosticsThatJump() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  QString text = readText(example(QStringLiteral("chip-sale-online-pin.yaml")));
  // Line 18 is "    sale: {card: visa, entry: chip, amount: ...}": misspell `amount`.
  QStringList lines = text.split(QLatin1Char('\n'));
  QVERIFY(lines[17].contains(QStringLiteral("amount:")));
  const int column = static_cast<int>(lines[17].indexOf(QStringLiteral("amount:"))) + 1;
  lines[17].replace(QStringLiteral("amount:"), QStringLiteral("amout:"));
  const QString path = dir.filePath(QStringLiteral("broken.yaml"));
  QVERIFY(writeText(path, lines.join(QLatin1Char('\n'))));

  ScenarioPanel panel;
  panel.resize(900, 700);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  QVERIFY(panel.openPath(path));
  QSignalSpy messages(&panel, &ScenarioPanel::statusMessage);
  panel.validate();
  auto* diagnostics = panel.findChild<QListWidget*>(QStringLiteral("diagnosticsList"));
  QVERIFY(diagnostics != nullptr);
  QCOMPARE(diagnostics->count(), 1);
  QListWidgetItem* item = diagnostics->item(0);
  QVERIFY2(item->text().startsWith(QStringLiteral("broken.yaml:18:%1: error:").arg(column)),
           qPrintable(item->text()));
  QVERIFY2(item->text().contains(QStringLiteral("amount")), qPrintable(item->text()));
  QCOMPARE(item->data(ScenarioPanel::kLineRole).toInt(), 18);
  QCOMPARE(item->data(ScenarioPanel::kColumnRole).toInt(), column);
  QVERIFY(messages.last().at(0).toString().contains(QStringLiteral("1 error")));

  auto* editor = panel.findChild<posim::gui::YamlEditor*>(QStringLiteral("yamlEditor"));
  editor->goToLine(1, 1);
  QCOMPARE(editor->cursorLine(), 1);
  const QRect rect = diagnostics->visualItemRect(item);
  // A double click as a person makes it: the first press selects, the second one activates.
  QTest::mouseClick(diagnostics->viewport(), Qt::LeftButton, {}, rect.center());
  QTest::mouseDClick(diagnostics->viewport(), Qt::LeftButton, {}, rect.center());
  QCOMPARE(editor->cursorLine(), 18);
  QCOMPARE(editor->cursorColumn(), column);
  QCOMPARE(editor->highlightedLine(), 18);

  // Fixed in the editor (not saved): valid again, and the steps show.
  QString fixed = editor->toPlainText();
  fixed.replace(QStringLiteral("amout:"), QStringLiteral("amount:"));
  editor->setPlainText(fixed);
  editor->setModified(true);
  panel.validate();
  QCOMPARE(diagnostics->count(), 0);
  QVERIFY(messages.last().at(0).toString().contains(QStringLiteral("valid")));
  QVERIFY(readText(path).contains(QStringLiteral("amout:")));
  QVERIFY(panel.save());
  QVERIFY(readText(path).contains(QStringLiteral("amount:")));
  QVERIFY(!editor->isModified());
}

void ScenarioPanelTest::pauseThenStepRunsExactlyOneStep() {
  ScenarioPanel panel;
  const QString file = example(QStringLiteral("sale-then-void.yaml"));
  QVERIFY(panel.openPath(file));
  ScenarioRunner* runner = panel.runner();
  QSignalSpy paused_at(runner, &ScenarioRunner::pausedAt);
  QSignalSpy started(runner, &ScenarioRunner::stepStarted);
  QSignalSpy suite(&panel, &ScenarioPanel::suiteFinished);
  panel.pause();  // armed: the run waits before its first step
  panel.run();
  QVERIFY(paused_at.wait(kRunTimeoutMs));
  QCOMPARE(intArg(paused_at, 0, 1), 0);
  QVERIFY(panel.isRunning());
  QVERIFY(panel.isPaused());
  StepModel* steps = panel.stepModel(file);
  QCOMPARE(steps->rowCount(), 6);
  QCOMPARE(steps->count(StepModel::Status::kPending), 6);
  QCOMPARE(started.count(), 0);

  panel.step();
  QVERIFY(paused_at.wait(kRunTimeoutMs));
  QCOMPARE(paused_at.count(), 2);
  QCOMPARE(intArg(paused_at, 1, 1), 1);
  // The finished step's row arrives before the pause notice (both queued in order).
  QCOMPARE(started.count(), 1);
  QCOMPARE(steps->status(0), StepModel::Status::kPassed);
  QVERIFY(steps->transactionKey(0) > 0);
  QCOMPARE(steps->count(StepModel::Status::kPending), 5);

  panel.step();
  QVERIFY(paused_at.wait(kRunTimeoutMs));
  QCOMPARE(intArg(paused_at, 2, 1), 2);
  QCOMPARE(steps->status(1), StepModel::Status::kPassed);  // the advance
  QCOMPARE(steps->count(StepModel::Status::kPending), 4);

  // Stop: the run ends with the remaining steps skipped.
  panel.stop();
  QVERIFY(suite.wait(kRunTimeoutMs));
  QCOMPARE(intArg(suite, 0, 0), 0);
  QCOMPARE(intArg(suite, 0, 1), 1);
  QVERIFY(!panel.isRunning());
  QVERIFY(!panel.isPaused());
  QCOMPARE(panel.lastRuns().size(), std::size_t{1});
  QVERIFY(panel.lastRuns().front().stopped);
  QCOMPARE(steps->status(0), StepModel::Status::kPassed);
  QCOMPARE(steps->status(1), StepModel::Status::kPassed);
  for (int row = 2; row < 6; ++row) QCOMPARE(steps->status(row), StepModel::Status::kSkipped);
  QCOMPARE(started.count(), 2);
  QCOMPARE(panel.fileStatus(file), FileStatus::kFailed);
}

void ScenarioPanelTest::stepFromIdleRunsTheFirstStepOnly() {
  ScenarioPanel panel;
  const QString file = example(QStringLiteral("sale-then-void.yaml"));
  QVERIFY(panel.openPath(file));
  QSignalSpy paused_at(panel.runner(), &ScenarioRunner::pausedAt);
  QSignalSpy suite(&panel, &ScenarioPanel::suiteFinished);
  panel.step();
  QVERIFY(paused_at.wait(kRunTimeoutMs));
  QCOMPARE(intArg(paused_at, 0, 1), 1);
  StepModel* steps = panel.stepModel(file);
  QCOMPARE(steps->status(0), StepModel::Status::kPassed);
  QCOMPARE(steps->count(StepModel::Status::kPending), 5);
  // Run while paused goes on to the end.
  panel.run();
  QVERIFY(suite.wait(kRunTimeoutMs));
  QCOMPARE(intArg(suite, 0, 0), 1);
  QCOMPARE(steps->count(StepModel::Status::kPassed), 6);
  QCOMPARE(paused_at.count(), 1);
}

void ScenarioPanelTest::runAllRunsTheExampleSuite() {
  ScenarioPanel panel;
  QVERIFY(panel.openPath(examples_ + QStringLiteral("/scenarios")));
  const QStringList files = panel.files();
  QVERIFY(files.size() >= 12);
  QStringList sorted = files;
  sorted.sort();
  QCOMPARE(files, sorted);
  QSignalSpy suite(&panel, &ScenarioPanel::suiteFinished);
  QSignalSpy finished(&panel, &ScenarioPanel::runFinished);
  QElapsedTimer timer;
  timer.start();
  panel.runAll();
  QVERIFY(suite.wait(kRunTimeoutMs));
  qInfo("example suite: %d files in %lld ms", static_cast<int>(files.size()), timer.elapsed());
  QString failures;
  for (const auto& run : panel.lastRuns()) {
    if (!run.passed) failures += QString::fromStdString(run.file) + QLatin1Char(' ');
  }
  QVERIFY2(failures.isEmpty(), qPrintable(failures));
  QCOMPARE(intArg(suite, 0, 0), static_cast<int>(files.size()));
  QCOMPARE(intArg(suite, 0, 1), 0);
  QCOMPARE(finished.count(), files.size());
  QCOMPARE(panel.lastRuns().size(), static_cast<std::size_t>(files.size()));
  for (int i = 0; i < files.size(); ++i) {
    QCOMPARE(panel.fileStatus(files[i]), FileStatus::kPassed);
    // In the order of the list.
    QCOMPARE(QString::fromStdString(panel.lastRuns()[static_cast<std::size_t>(i)].file), files[i]);
  }
}

void ScenarioPanelTest::shortcutsAreBoundOnlyWhenEnabled() {
  ScenarioPanel panel;
  QVERIFY(panel.openPath(example(QStringLiteral("chip-sale-online-pin.yaml"))));
  panel.show();
  QApplication::setActiveWindow(&panel);
  QVERIFY(QTest::qWaitForWindowActive(&panel));
  auto* validate = panel.findChild<QAction*>(QStringLiteral("scenarioValidateAction"));
  QVERIFY(validate != nullptr);
  QVERIFY(validate->shortcut().isEmpty());
  QVERIFY(validate->toolTip().contains(QStringLiteral("F7")));
  QSignalSpy messages(&panel, &ScenarioPanel::statusMessage);
  QTest::keyClick(&panel, Qt::Key_F7);
  QCOMPARE(messages.count(), 0);
  panel.setShortcutsEnabled(true);
  QCOMPARE(validate->shortcut(), QKeySequence(Qt::Key_F7));
  QTest::keyClick(&panel, Qt::Key_F7);
  QCOMPARE(messages.count(), 1);
  QVERIFY(messages.at(0).at(0).toString().contains(QStringLiteral("is valid")));
  panel.setShortcutsEnabled(false);
  QVERIFY(validate->shortcut().isEmpty());
}

void ScenarioPanelTest::destroyingAPausedPanelEndsTheRun() {
  auto panel = std::make_unique<ScenarioPanel>();
  QVERIFY(panel->openPath(example(QStringLiteral("sale-then-void.yaml"))));
  QSignalSpy paused_at(panel->runner(), &ScenarioRunner::pausedAt);
  panel->pause();
  panel->run();
  QVERIFY(paused_at.wait(kRunTimeoutMs));
  QVERIFY(panel->isRunning());
  panel.reset();  // must not hang on the worker blocked in before_step
  QVERIFY(true);
}

void ScenarioPanelTest::rerunFailedRerunsOnlyFailingFiles() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const QString good = dir.filePath(QStringLiteral("a-chip-sale.yaml"));
  const QString bad = dir.filePath(QStringLiteral("b-chip-sale.yaml"));
  const QString text = readText(example(QStringLiteral("chip-sale-online-pin.yaml")));
  QVERIFY(writeText(good, text));
  QString broken = text;
  broken.replace(QStringLiteral("response_code: \"00\""), QStringLiteral("response_code: \"51\""));
  QVERIFY(writeText(bad, broken));

  ScenarioPanel panel;
  QVERIFY(panel.openPath(dir.path()));
  QCOMPARE(panel.files().size(), 2);
  QSignalSpy suite(&panel, &ScenarioPanel::suiteFinished);
  QSignalSpy finished(&panel, &ScenarioPanel::runFinished);
  panel.runAll();
  QVERIFY(suite.wait(kRunTimeoutMs));
  QCOMPARE(intArg(suite, 0, 0), 1);
  QCOMPARE(intArg(suite, 0, 1), 1);
  QCOMPARE(panel.fileStatus(good), FileStatus::kPassed);
  QCOMPARE(panel.fileStatus(bad), FileStatus::kFailed);

  // Fixed on disk, then re-run: only the failed file runs.
  QVERIFY(writeText(bad, text));
  finished.clear();
  panel.rerunFailed();
  QVERIFY(suite.wait(kRunTimeoutMs));
  QCOMPARE(intArg(suite, 1, 0), 1);
  QCOMPARE(intArg(suite, 1, 1), 0);
  QCOMPARE(finished.count(), 1);
  QCOMPARE(panel.lastRuns().size(), std::size_t{1});
  QCOMPARE(QString::fromStdString(panel.lastRuns().front().file), bad);
  QCOMPARE(panel.fileStatus(good), FileStatus::kPassed);
  QCOMPARE(panel.fileStatus(bad), FileStatus::kPassed);

  // Nothing failed any more: nothing runs.
  QSignalSpy messages(&panel, &ScenarioPanel::statusMessage);
  panel.rerunFailed();
  QVERIFY(!panel.isRunning());
  QCOMPARE(messages.count(), 1);
}

QTEST_MAIN(ScenarioPanelTest)
#include "scenario_panel_test.moc"
