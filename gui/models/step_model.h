// The steps of one scenario as a table (DESIGN.md §9, the scenario panel): one row per step of
// Scenario::steps (plus a "load" row when the scenario has a `load:` block), in file order, with
// its live status while a run goes on and the core's StepResult once it ran.
//
// Contract: setScenario() resets the rows (every step pending); setRunning() and setResult()
// change one row (dataChanged only, rows never move while a run streams in); setRun() fills
// every row from a finished RunResult. The "expected vs actual" text is StepResult::failures
// (the runner's own words, one per line) or StepResult::error; outcome and response code are
// the step's transaction's. Nothing is computed here. PANs never appear (no column shows one).
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "posim/scenarios/runner.h"
#include "posim/scenarios/scenario.h"

namespace posim::gui {

class StepModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    kIdColumn,        // the step id ("lunch", "step-2")
    kTypeColumn,      // "sale", "advance", "load", ...
    kLineColumn,      // line of the step in its file
    kStatusColumn,    // statusName(): pending, running, passed, failed, skipped
    kOutcomeColumn,   // the transaction's outcome word ("approved", "declined", ...)
    kResponseColumn,  // the transaction's response code (DE 39)
    kDetailColumn,    // expected vs actual: the failures, one per line, or the step's error
    kColumnCount,
  };
  enum class Status { kPending, kRunning, kPassed, kFailed, kSkipped };
  // Qt::UserRole + ...: the raw values behind the columns (any column of the row).
  enum Role : int {
    kStatusRole = Qt::UserRole + 1,  // int(Status)
    kTransactionKeyRole,             // int: EventBridge key of the step's transaction, 0: none
    kLineRole,                       // int, 1-based; 0: unknown
    kColumnRole,                     // int, 1-based; 0: unknown
  };

  explicit StepModel(QObject* parent = nullptr);

  // One pending row per step (and the load row). Keeps nothing of the previous scenario.
  void setScenario(const scenarios::Scenario& scenario);
  // The rows of a finished run (steps as the run reported them); `keys` holds the transaction
  // key of each RunResult::transactions entry (missing entries: 0).
  void setRun(const scenarios::RunResult& run, const std::vector<int>& keys);
  // Every row back to pending (a new run starts).
  void resetStatuses();
  // Row `index` (as runner.h numbers steps: the load row is steps.size()) is running now.
  // Out-of-range indexes are ignored.
  void setRunning(int index);
  // Row `index` ran (or was skipped) with `result`; `transaction` null when it has none.
  void setResult(int index, const scenarios::StepResult& result,
                 const scenarios::ReportedTransaction* transaction, int transaction_key);

  Status status(int row) const;
  int transactionKey(int row) const;
  QString detail(int row) const;
  QString stepId(int row) const;
  int size() const { return static_cast<int>(rows_.size()); }
  // The number of rows with `status`.
  int count(Status status) const;

  static QString statusName(Status status);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 private:
  struct Row {
    QString id;
    QString type;
    int line = 0;
    int column = 0;
    Status status = Status::kPending;
    QString outcome;
    QString response_code;
    QString detail;
    int key = 0;
  };
  void emitRowChanged(int row);

  std::vector<Row> rows_;
};

}  // namespace posim::gui
