// StepModel under QAbstractItemModelTester, fed with examples/scenarios/sale-then-void.yaml as
// loaded by the core and with the results of a real core run (and one result made to fail).
#include "models/step_model.h"

#include <QAbstractItemModelTester>
#include <QTest>
#include <memory>
#include <string>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "app/metatypes.h"

using posim::gui::StepModel;

class StepModelTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void scenarioGivesOnePendingRowPerStep();
  void liveResultsChangeOneRowEach();
  void failedStepShowsExpectedVsActual();
  void finishedRunFillsEveryRowWithKeys();
  void resetStatusesMakesEveryRowPending();

 private:
  posim::scenarios::Scenario scenario_;
  posim::scenarios::RunResult run_;
};

void StepModelTest::initTestCase() {
  posim::gui::registerMetaTypes();
  const QString examples = qEnvironmentVariable("POSIM_EXAMPLES");
  QVERIFY2(!examples.isEmpty(), "POSIM_EXAMPLES is not set");
  posim::scenarios::Resolver resolver;
  auto loaded = posim::scenarios::loadScenario(
      (examples + QStringLiteral("/scenarios/sale-then-void.yaml")).toStdString(), resolver);
  QVERIFY2(loaded.isOk(), loaded.errorText().c_str());
  scenario_ = std::move(loaded).value();
  posim::acquirer::BackendRegistry backends;
  posim::acquirer::addBuiltinBackends(backends);
  const posim::RealSteadyClock steady;
  posim::scenarios::RunOptions options;
  options.steady = &steady;
  auto run = posim::scenarios::runScenario(scenario_, options, backends);
  QVERIFY2(run.isOk(), run.status().toString().c_str());
  run_ = std::move(run).value();
  QVERIFY(run_.passed);
}

void StepModelTest::scenarioGivesOnePendingRowPerStep() {
  StepModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
  model.setScenario(scenario_);
  QCOMPARE(model.rowCount(), 6);
  QCOMPARE(model.columnCount(), static_cast<int>(StepModel::kColumnCount));
  QCOMPARE(model.index(0, StepModel::kIdColumn).data().toString(), QStringLiteral("groceries"));
  QCOMPARE(model.index(0, StepModel::kTypeColumn).data().toString(), QStringLiteral("sale"));
  QCOMPARE(model.index(1, StepModel::kTypeColumn).data().toString(), QStringLiteral("advance"));
  QCOMPARE(model.index(2, StepModel::kTypeColumn).data().toString(), QStringLiteral("cancel"));
  QCOMPARE(model.index(5, StepModel::kTypeColumn).data().toString(), QStringLiteral("settle"));
  // Lines as the core located the steps in the file.
  for (int row = 0; row < 6; ++row) {
    const auto& step = scenario_.steps[static_cast<std::size_t>(row)];
    QCOMPARE(model.index(row, StepModel::kLineColumn).data().toInt(), step.position.line);
    QCOMPARE(model.index(row, 0).data(StepModel::kLineRole).toInt(), step.position.line);
    QCOMPARE(model.index(row, StepModel::kStatusColumn).data().toString(),
             QStringLiteral("pending"));
  }
  QCOMPARE(scenario_.steps[0].position.line, 15);  // "  - id: groceries"
  QCOMPARE(model.count(StepModel::Status::kPending), 6);
}

void StepModelTest::liveResultsChangeOneRowEach() {
  StepModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
  model.setScenario(scenario_);
  model.setRunning(0);
  QCOMPARE(model.status(0), StepModel::Status::kRunning);
  QCOMPARE(model.index(0, StepModel::kStatusColumn).data().toString(), QStringLiteral("running"));
  const auto& result = run_.steps[0];
  QVERIFY(result.transaction.has_value());
  model.setResult(0, result, &run_.transactions[*result.transaction], 42);
  QCOMPARE(model.status(0), StepModel::Status::kPassed);
  QCOMPARE(model.transactionKey(0), 42);
  QCOMPARE(model.index(0, StepModel::kResponseColumn).data().toString(), QStringLiteral("00"));
  QCOMPARE(model.index(0, StepModel::kOutcomeColumn).data().toString(),
           QString::fromStdString(run_.transactions[0].record.outcome));
  QVERIFY(!model.index(0, StepModel::kOutcomeColumn).data().toString().isEmpty());
  // An advance step has no transaction: no key, no outcome.
  model.setResult(1, run_.steps[1], nullptr, 43);
  QCOMPARE(model.status(1), StepModel::Status::kPassed);
  QCOMPARE(model.transactionKey(1), 0);
  QVERIFY(model.index(1, StepModel::kOutcomeColumn).data().toString().isEmpty());
  QCOMPARE(model.status(2), StepModel::Status::kPending);
  // Out of range: ignored.
  model.setRunning(99);
  model.setRunning(-1);
  QCOMPARE(model.rowCount(), 6);
}

void StepModelTest::failedStepShowsExpectedVsActual() {
  StepModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
  model.setScenario(scenario_);
  posim::scenarios::StepResult failed = run_.steps[0];
  failed.passed = false;
  failed.failures = {"response_code: expected \"05\", got \"00\"", "approved: expected false"};
  model.setResult(0, failed, &run_.transactions[0], 7);
  QCOMPARE(model.status(0), StepModel::Status::kFailed);
  QCOMPARE(model.index(0, StepModel::kStatusColumn).data().toString(), QStringLiteral("failed"));
  QCOMPARE(model.detail(0), QStringLiteral("response_code: expected \"05\", got \"00\"\n"
                                           "approved: expected false"));
  QCOMPARE(model.index(0, StepModel::kDetailColumn).data(Qt::ToolTipRole).toString(),
           model.detail(0));
  posim::scenarios::StepResult skipped = run_.steps[2];
  skipped.skipped = true;
  skipped.passed = false;
  model.setResult(2, skipped, nullptr, 0);
  QCOMPARE(model.index(2, StepModel::kStatusColumn).data().toString(), QStringLiteral("skipped"));
  posim::scenarios::StepResult error = run_.steps[3];
  error.passed = false;
  error.error = "backend unreachable";
  model.setResult(3, error, nullptr, 0);
  QCOMPARE(model.detail(3), QStringLiteral("backend unreachable"));
  QCOMPARE(model.count(StepModel::Status::kFailed), 2);
}

void StepModelTest::finishedRunFillsEveryRowWithKeys() {
  StepModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
  std::vector<int> keys;
  for (std::size_t i = 0; i < run_.transactions.size(); ++i) keys.push_back(100 + int(i));
  model.setRun(run_, keys);
  QCOMPARE(model.rowCount(), static_cast<int>(run_.steps.size()));
  QCOMPARE(model.count(StepModel::Status::kPassed), model.rowCount());
  for (int row = 0; row < model.rowCount(); ++row) {
    const auto& step = run_.steps[static_cast<std::size_t>(row)];
    const int expected = step.transaction ? 100 + static_cast<int>(*step.transaction) : 0;
    QCOMPARE(model.transactionKey(row), expected);
    QCOMPARE(model.index(row, 0).data(StepModel::kTransactionKeyRole).toInt(), expected);
  }
  QCOMPARE(model.stepId(2), QStringLiteral("wrong_amount_void"));
  QCOMPARE(model.transactionKey(1), 0);  // advance
}

void StepModelTest::resetStatusesMakesEveryRowPending() {
  StepModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
  model.setRun(run_, {});
  QCOMPARE(model.count(StepModel::Status::kPassed), 6);
  model.resetStatuses();
  QCOMPARE(model.count(StepModel::Status::kPending), 6);
  QVERIFY(model.index(0, StepModel::kResponseColumn).data().toString().isEmpty());
  QCOMPARE(model.headerData(StepModel::kDetailColumn, Qt::Horizontal).toString(),
           QStringLiteral("Expected vs actual"));
}

QTEST_MAIN(StepModelTest)
#include "step_model_test.moc"
