// TransactionModel and TransactionTable over the real transactions of
// examples/scenarios/declines.yaml (seven sales: 80.00, 45.00, four of 120.00 and 66.00 on three
// cards, one approved, the others declined 51, 55, 75 and 54), run with the embedded backend.
#include "models/transaction_model.h"

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <vector>

#include "posim/acquirer/registry.h"
#include "posim/base/clock.h"
#include "posim/scenarios/resolver.h"
#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

#include "app/metatypes.h"
#include "widgets/transaction_table.h"

using posim::gui::TransactionModel;
using posim::gui::TransactionTable;
using posim::scenarios::ReportedTransaction;

namespace {

// The column `column` of every row of `model`, top to bottom.
QStringList columnOf(const QAbstractItemModel& model, int column) {
  QStringList out;
  for (int row = 0; row < model.rowCount(); ++row) {
    out << model.index(row, column).data().toString();
  }
  return out;
}

}  // namespace

class TransactionModelTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    posim::gui::registerMetaTypes();
    const QString examples = qEnvironmentVariable("POSIM_EXAMPLES");
    QVERIFY2(!examples.isEmpty(), "POSIM_EXAMPLES is not set");
    posim::scenarios::Resolver resolver;
    auto scenario = posim::scenarios::loadScenario(
        (examples + QStringLiteral("/scenarios/declines.yaml")).toStdString(), resolver);
    QVERIFY2(scenario.isOk(), scenario.errorText().c_str());
    posim::acquirer::BackendRegistry backends;
    posim::acquirer::addBuiltinBackends(backends);
    const posim::ManualSteadyClock steady;
    posim::scenarios::RunOptions options;
    options.steady = &steady;
    auto run = posim::scenarios::runScenario(*scenario, options, backends);
    QVERIFY2(run.isOk(), run.status().message().c_str());
    QVERIFY(run->passed);
    transactions_ = run->transactions;
    QCOMPARE(transactions_.size(), std::size_t{7});
    // Measured latencies are not deterministic: give the online ones fixed values whose text
    // order differs from their numeric order.
    const double latencies[] = {5, 100, 20, 3, 1000, 40, 9};
    for (std::size_t i = 0; i < transactions_.size(); ++i) {
      transactions_[i].record.auth_latency_ms = latencies[i];
    }
  }

  void upsertInsertsNewKeysAndUpdatesKnownOnes() {
    TransactionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.columnCount(), static_cast<int>(TransactionModel::kColumnCount));
    for (std::size_t i = 0; i < transactions_.size(); ++i) {
      model.upsert(static_cast<int>(i) + 10, QStringLiteral("declines"), transactions_[i]);
    }
    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(model.rowOfKey(10), 0);
    QCOMPARE(model.rowOfKey(16), 6);
    QCOMPARE(model.rowOfKey(99), -1);
    QCOMPARE(model.keyAt(1), 11);
    QCOMPARE(model.index(1, 0).data(TransactionModel::kKeyRole).toInt(), 11);

    // The row of "enough_money", from the core's record.
    const ReportedTransaction& approved = transactions_[1];
    QCOMPARE(model.index(1, TransactionModel::kSource).data().toString(),
             QStringLiteral("declines"));
    QCOMPARE(model.index(1, TransactionModel::kId).data().toString(),
             QStringLiteral("enough_money"));
    QCOMPARE(model.index(1, TransactionModel::kType).data().toString(), QStringLiteral("sale"));
    QCOMPARE(model.index(1, TransactionModel::kAmount).data().toString(),
             QStringLiteral("45.00 CNY"));
    QCOMPARE(model.index(1, TransactionModel::kCard).data().toString(),
             QString::fromStdString(approved.record.masked_pan) + QStringLiteral(" (poor)"));
    QCOMPARE(model.index(1, TransactionModel::kEntry).data().toString(), QStringLiteral("chip"));
    QCOMPARE(model.index(1, TransactionModel::kOutcome).data().toString(),
             QString::fromStdString(approved.record.outcome));
    QCOMPARE(model.index(1, TransactionModel::kResponseCode).data().toString(),
             QStringLiteral("00"));
    QCOMPARE(model.index(1, TransactionModel::kCvm).data().toString(),
             QString::fromStdString(approved.record.cvm));
    QCOMPARE(model.index(1, TransactionModel::kLatency).data().toString(), QStringLiteral("100.0"));
    QVERIFY(approved.record.arrival_at.has_value());
    QCOMPARE(model.index(1, TransactionModel::kArrival).data().toString(),
             QString::fromStdString(posim::formatIso8601(*approved.record.arrival_at)));
    QVERIFY(model.index(1, TransactionModel::kArrival)
                .data()
                .toString()
                .endsWith(QStringLiteral("+08:00")));
    QCOMPARE(model.index(1, TransactionModel::kStatus).data().toString(),
             QString::fromStdString(approved.status));
    // Declined: 51, no arrival.
    QCOMPARE(model.index(0, TransactionModel::kResponseCode).data().toString(),
             QStringLiteral("51"));
    QCOMPARE(model.index(0, TransactionModel::kArrival).data().toString(), QString());
    QCOMPARE(model.index(0, TransactionModel::kStatus).data().toString(),
             QStringLiteral("declined"));

    // The same key updates its row in place.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    ReportedTransaction settled = approved;
    settled.status = "settled";
    model.upsert(11, QStringLiteral("declines"), settled);
    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.front().at(0).toModelIndex().row(), 1);
    QCOMPARE(model.index(1, TransactionModel::kStatus).data().toString(),
             QStringLiteral("settled"));

    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.rowOfKey(11), -1);
    model.upsert(11, QStringLiteral("manual"), settled);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowOfKey(11), 0);
  }

  void noFullPanInAnyCell() {
    TransactionModel model;
    for (std::size_t i = 0; i < transactions_.size(); ++i) {
      model.upsert(static_cast<int>(i) + 1, QStringLiteral("declines"), transactions_[i]);
    }
    int checked = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
      const QString pan =
          QString::fromStdString(transactions_[std::size_t(row)].record.pan.digits());
      QVERIFY(pan.size() >= 13);
      bool masked_shown = false;
      for (int column = 0; column < model.columnCount(); ++column) {
        for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), TransactionModel::kSortRole}) {
          const QString text = model.index(row, column).data(role).toString();
          QVERIFY2(!text.contains(pan), qPrintable(text));
          masked_shown = masked_shown || text.contains(QString::fromStdString(
                                             transactions_[std::size_t(row)].record.masked_pan));
          ++checked;
        }
      }
      QVERIFY(masked_shown);
    }
    QCOMPARE(checked, 7 * TransactionModel::kColumnCount * 3);
  }

  void sortsAmountsAndLatenciesAsNumbers() {
    TransactionTable table;
    QAbstractItemModelTester tester(table.proxy(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (std::size_t i = 0; i < transactions_.size(); ++i) {
      table.model()->upsert(static_cast<int>(i) + 1, QStringLiteral("declines"), transactions_[i]);
    }
    QTableView* view = table.findChild<QTableView*>(QStringLiteral("transactionView"));
    QVERIFY(view != nullptr);
    QVERIFY(view->isSortingEnabled());
    view->sortByColumn(TransactionModel::kAmount, Qt::AscendingOrder);
    QCOMPARE(columnOf(*table.proxy(), TransactionModel::kAmount),
             QStringList({"45.00 CNY", "66.00 CNY", "80.00 CNY", "120.00 CNY", "120.00 CNY",
                          "120.00 CNY", "120.00 CNY"}));
    view->sortByColumn(TransactionModel::kLatency, Qt::DescendingOrder);
    QCOMPARE(columnOf(*table.proxy(), TransactionModel::kLatency),
             QStringList({"1000.0", "100.0", "40.0", "20.0", "9.0", "5.0", "3.0"}));
    // A row added while sorted goes to its place.
    ReportedTransaction fast = transactions_[0];
    fast.record.auth_latency_ms = 50;
    table.model()->upsert(100, QStringLiteral("manual"), fast);
    QCOMPARE(table.proxy()->index(2, TransactionModel::kLatency).data().toString(),
             QStringLiteral("50.0"));
  }

  void filterMatchesCardAndOutcome() {
    TransactionTable table;
    for (std::size_t i = 0; i < transactions_.size(); ++i) {
      table.model()->upsert(static_cast<int>(i) + 1, QStringLiteral("declines"), transactions_[i]);
    }
    auto* filter = table.findChild<QLineEdit*>(QStringLiteral("transactionFilter"));
    QVERIFY(filter != nullptr);
    QCOMPARE(table.proxy()->rowCount(), 7);

    // By card name and by the masked PAN (case-insensitive).
    QTest::keyClicks(filter, QStringLiteral("FORGETFUL"));
    QCOMPARE(table.proxy()->rowCount(), 4);
    filter->clear();
    const QString old_pan = QString::fromStdString(transactions_[6].record.masked_pan);
    filter->setText(old_pan.right(8));  // "**** 1234"-style tail of the masked PAN
    QCOMPARE(table.proxy()->rowCount(), 1);
    QCOMPARE(table.proxy()->index(0, TransactionModel::kId).data().toString(),
             QStringLiteral("expired"));

    // By outcome: the one approval's outcome word matches only the rows carrying it.
    const QString outcome = QString::fromStdString(transactions_[1].record.outcome);
    QVERIFY(!outcome.isEmpty());
    int expected = 0;
    for (const ReportedTransaction& t : transactions_) {
      const bool any =
          QString::fromStdString(t.record.outcome).contains(outcome, Qt::CaseInsensitive) ||
          QString::fromStdString(t.status).contains(outcome, Qt::CaseInsensitive);
      expected += any ? 1 : 0;
    }
    filter->setText(outcome);
    QCOMPARE(table.proxy()->rowCount(), expected);
    QVERIFY(expected < 7);
    QVERIFY(
        columnOf(*table.proxy(), TransactionModel::kId).contains(QStringLiteral("enough_money")));
    filter->setText(QStringLiteral("no such thing"));
    QCOMPARE(table.proxy()->rowCount(), 0);
    filter->clear();
    QCOMPARE(table.proxy()->rowCount(), 7);
  }

  void selectionEmitsTheKey() {
    TransactionTable table;
    for (std::size_t i = 0; i < transactions_.size(); ++i) {
      table.model()->upsert(static_cast<int>(i) + 20, QStringLiteral("declines"), transactions_[i]);
    }
    QSignalSpy selected(&table, &TransactionTable::transactionSelected);
    table.selectKey(23);
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.takeFirst().at(0).toInt(), 23);
    QCOMPARE(table.selectedKey(), 23);
    table.selectKey(23);  // no change, no signal
    QCOMPARE(selected.count(), 0);

    // A click on another row.
    QTableView* view = table.view();
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    const QModelIndex fifth = table.proxy()->index(5, TransactionModel::kAmount);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(fifth).center());
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.takeFirst().at(0).toInt(), 25);

    // A filter that keeps the selected row keeps the selection, silently.
    table.setFilterText(QString::fromStdString(transactions_[5].card));
    QCOMPARE(selected.count(), 0);
    QCOMPARE(table.selectedKey(), 25);
    // Filtered out: nothing selected any more (the view does not pick a neighbour).
    table.setFilterText(QStringLiteral("poor"));
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.takeFirst().at(0).toInt(), 0);
    QCOMPARE(table.selectedKey(), 0);
    table.setFilterText(QString());
    QCOMPARE(selected.count(), 0);
    QCOMPARE(table.selectedKey(), 0);
    table.selectKey(26);
    QCOMPARE(selected.takeFirst().at(0).toInt(), 26);
    table.model()->clear();
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.takeFirst().at(0).toInt(), 0);
    table.selectKey(0);
    QCOMPARE(table.selectedKey(), 0);
    table.selectKey(999);
    QCOMPARE(table.selectedKey(), 0);
  }

 private:
  std::vector<ReportedTransaction> transactions_;
};

QTEST_MAIN(TransactionModelTest)
#include "transaction_model_test.moc"
