// The live transaction table (DESIGN.md §9): one row per transaction key
// (EventBridge::nextTransactionKey), holding the core's ReportedTransaction as the runner or the
// manual session reported it. upsert() of a key already shown updates that row in place (a
// status that moved on, a reversal that completed); a new key appends a row.
//
// Every value is the core's: the masked PAN (never the PAN), the amount as Money prints it, the
// measured authorization latency in milliseconds, the settlement arrival time of the record in
// its own UTC offset (ISO 8601), the status the report gives. kSortRole gives numbers for the
// amount (minor units) and the latency (ms; -1 when there is none) and sortable text for the
// arrival (UTC ISO 8601; "" when the money does not arrive); other columns sort by their text.
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QString>
#include <vector>

#include "posim/scenarios/runner.h"

namespace posim::gui {

class TransactionModel final : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int {
    kSource,        // where it came from: "manual", the scenario's name, ...
    kId,            // the step id or label; "#<journal id>" when there is none
    kType,          // "sale", "preauth", ...
    kAmount,        // "128.00 CNY"
    kCard,          // "476173******0010 (visa)": masked PAN and the scenario's card name
    kEntry,         // "chip", "contactless", "magstripe", ...
    kOutcome,       // the kernel outcome or the terminal's decision (tooltip: the reason)
    kResponseCode,  // DE 39; "" when no host answered
    kCvm,           // "online_pin", "signature", ...
    kLatency,       // measured host round trip, ms ("" when offline)
    kArrival,       // settlement arrival, ISO 8601 in the record's offset ("" when none)
    kStatus,        // "approved", "settled", "voided", ...
    kColumnCount,
  };
  static constexpr int kKeyRole = Qt::UserRole + 1;   // int: the transaction key
  static constexpr int kSortRole = Qt::UserRole + 2;  // see above

  explicit TransactionModel(QObject* parent = nullptr);

  // The row of `key`, or -1.
  int rowOfKey(int key) const;
  // REQUIRES: 0 <= row < rowCount().
  int keyAt(int row) const;
  const scenarios::ReportedTransaction& transactionAt(int row) const;
  QString sourceAt(int row) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

 public slots:
  // Shows `transaction` in the row of `key`: the same key updates its row, a new key appends.
  void upsert(int key, const QString& source,
              const posim::scenarios::ReportedTransaction& transaction);
  void clear();

 private:
  struct Row {
    int key = 0;
    QString source;
    scenarios::ReportedTransaction transaction;
  };
  QVariant display(const Row& row, int column) const;
  QVariant sortValue(const Row& row, int column) const;

  std::vector<Row> rows_;
  QHash<int, int> row_of_key_;
};

}  // namespace posim::gui
